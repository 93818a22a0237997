#!/usr/bin/env bash
# Mesh enrollment and re-attestation (docs/PERFORMANCE.md "Mesh enrollment and re-attestation"):
#   MeshEnrolBench       one enrollment end to end on a swtpm, authority and node in one thread, with the
#                        split (authority thread CPU, TPM calls) printed after each iteration;
#   MeshEnrolStormBench  20 members, each with its own swtpm, enrolling at once with one authority over
#                        the in-memory link (SingleShotTime: start all, wait for the last ENROLLED);
#   MeshReattestBench    one re-attestation round of the authority over 100 software-attested nodes.
# Builds nothing. Needs swtpm and swtpm-tools (swtpm_setup, for the tpm=manufactured case).
#
# Usage: benchmarks/run-mesh-benchmarks.sh [JMH arguments...]
#   Build first: ./mvnw -B -q -o install -DskipTests -pl benchmarks -am
#   Takes /tmp/jmh.lock (flock) so that it never overlaps another benchmark run on the machine.
#   Writes benchmarks/target/mesh/{enrol,storm,reattest}.{txt,json} and load.txt, prints a summary.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../scripts/jdk17.sh"
JAR=$HERE/target/benchmarks.jar
OUT=$HERE/target/mesh
[ -f "$JAR" ] || { echo "build first: ./mvnw -B -q -o install -DskipTests -pl benchmarks -am" >&2; exit 1; }
command -v swtpm >/dev/null || { echo "needs swtpm (apt-get install swtpm swtpm-tools)" >&2; exit 1; }
mkdir -p "$OUT"
exec 9>/tmp/jmh.lock
echo "waiting for /tmp/jmh.lock ..." >&2
flock 9
{ date -u; echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"; swtpm --version 2>&1 | head -1; } > "$OUT/load.txt"
# the storm's member engines leave idle non-daemon pools behind; JMH prints their stacks at exit: keep
# those out of the terminal (they stay in the .txt files)
run() { local name=$1; shift; java -jar "$JAR" "$@" -rf json -rff "$OUT/$name.json" > "$OUT/$name.txt" 2>&1 \
  || { tail -40 "$OUT/$name.txt" >&2; exit 1; }; grep -E '^(# Run progress|split|authority CPU|[0-9]+ enrollment attempts)|^Iteration|ms/op' "$OUT/$name.txt" | grep -v '^# Run progress' || true; }
run enrol 'MeshEnrolBench' "$@"
echo "load after the enrollment benchmark: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/load.txt"
run storm 'MeshEnrolStormBench' "$@"
echo "load after the storm benchmark: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/load.txt"
run reattest 'MeshReattestBench' "$@"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/load.txt"
flock -u 9
echo
echo "== Mesh summary (targets: enrollment <= 200 ms; 20 at once <= 5 s; FA CPU per 100-node round <= 1 s)"
grep -h "^Benchmark\|^Mesh" "$OUT/enrol.txt" "$OUT/storm.txt" "$OUT/reattest.txt" | awk '!seen[$0]++'
echo "-- enrollment split, last iteration of each case:"
grep -h "^split" "$OUT/enrol.txt" | awk '{last[$2 " " $3] = $0} END {for (k in last) print last[k]}' | sort
echo "-- re-attestation, last iteration:"
grep -h "^authority CPU" "$OUT/reattest.txt" | tail -1
cat "$OUT/load.txt"
