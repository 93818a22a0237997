#!/usr/bin/env bash
# Runs the production playbook's Phases 1 to 8 on this machine: a Federation Authority and four nodes,
# each a Karaf JVM of the assembled distribution in its own network namespace with its own swtpm, real
# packet loss by nftables, an operator key on SoftHSM2 and headless Chromium for the dashboard.
# Prints one line per playbook step (PASS, MISS or FAIL, the measured figure, the playbook's number)
# and writes itests/target/playbook-report.md. docs/playbook-drill.md says more.
#
#   scripts/playbook-drill.sh            the full run (four nodes, the playbook's 60-s load test)
#   scripts/playbook-drill.sh --short    the short run the test command includes (two nodes)
#   scripts/playbook-drill.sh --keep     the full run, then the report is copied to docs/playbook-report.md
#
# Needs root (network namespaces, nftables) and the test packages (installed when missing, as for
# scripts/run-tests.sh). Builds what the drill runs first (offline when the Maven repository has it all).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk17.sh

full=true
keep=false
for a in "$@"; do
  case "$a" in
    --short) full=false ;;
    --keep) keep=true ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "playbook-drill: unknown option $a (--short, --keep)" >&2; exit 2 ;;
  esac
done
if [ "$(id -u)" != "0" ]; then
  echo "playbook-drill: needs root (network namespaces and nftables for the nodes and the packet loss)" >&2
  exit 2
fi
. scripts/test-packages.sh

./mvnw -B -q install -DskipTests -pl itests -am
rc=0
./mvnw -B verify -pl itests -Dit.test=PlaybookDrillIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Ddrill.full="$full" || rc=$?
report=itests/target/playbook-report.md
if [ -f "$report" ]; then
  echo
  cat "$report"
  if $keep; then
    cp "$report" docs/playbook-report.md
    echo "playbook-drill: report kept as docs/playbook-report.md"
  fi
fi
exit $rc
