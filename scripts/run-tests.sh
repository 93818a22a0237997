#!/usr/bin/env bash
# Runs every test of AetherCore: unit and known-answer tests of every module, then the Pax Exam
# integration tests in real Karaf containers. Installs the Debian packages the tests need when
# missing (as root with apt-get; otherwise it names them and stops).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk17.sh

. scripts/test-packages.sh

exec ./mvnw -B install "$@"
