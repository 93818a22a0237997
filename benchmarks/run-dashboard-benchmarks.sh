#!/usr/bin/env bash
# The dashboard's telemetry path end to end (docs/PERFORMANCE.md "Dashboard telemetry"):
#   DashboardLoad  a real Jetty 12 TLS 1.3 server (hub + pipeline) and WSS clients in one JVM; synthetic nodes
#                  emit through the ingest path; the clients measure emit-to-receipt latency. Per configuration
#                  nodes:rate:clients a 5 s warm-up, then --seconds of measurement.
# Not JMH: a latency distribution under a fixed offered load. About 2 minutes with the defaults.
#
# Usage: benchmarks/run-dashboard-benchmarks.sh [--seconds N] [--configs 100:1000:10,...]
#   Build first: ./mvnw -B -q -o install -DskipTests -pl bundles/dashboard-ws,benchmarks -am
#   Takes /tmp/jmh.lock (flock) so that it never overlaps another benchmark run on the machine.
#   Writes benchmarks/target/dashboard/load.txt.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../scripts/jdk17.sh"
JAR=$HERE/target/benchmarks.jar
OUT=$HERE/target/dashboard
[ -f "$JAR" ] || { echo "build first: ./mvnw -B -q -o install -DskipTests -pl bundles/dashboard-ws,benchmarks -am" >&2; exit 1; }
mkdir -p "$OUT"
exec 9>/tmp/jmh.lock
echo "waiting for /tmp/jmh.lock ..." >&2
flock 9
{ date -u; echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"; java -version 2>&1 | head -1; } > "$OUT/load.txt"
java -Xmx2g -cp "$JAR" io.aethercore.benchmarks.DashboardLoad "$@" | tee -a "$OUT/load.txt"
