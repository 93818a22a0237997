#!/usr/bin/env bash
# Builds the AetherCore Karaf distribution and starts a node on its embedded defaults, with the
# Karaf console in this terminal. (Tests are run by scripts/run-tests.sh.)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk17.sh
./mvnw -B -q install -DskipTests -pl karaf-distro -am
exec karaf-distro/target/assembly/bin/karaf "$@"
