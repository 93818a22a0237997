#!/usr/bin/env bash
# Gospel sync at scale, simulated (docs/PERFORMANCE.md "Gospel sync (simulated scale)"):
#   GospelSyncScale  5, 20, 100 and 1,000 nodes x 0/50/80/90 % loss per message and direction, in VIRTUAL
#                    time (GospelLab from the mesh test-jar: real Gospel and GospelSync objects, real codec);
#                    one entry appended at the authority, time until every node holds the same Gospel root
#                    (median, P90, max), bytes and messages per node; then a restarted node catching up
#                    10,000 entries (0/50/80 % loss), in virtual and wall-clock time.
# Not JMH: virtual time is not wall time. The wall-clock columns say what the simulation cost on this machine.
# Builds nothing. About 10-12 minutes on 2 cores, most of it the 1,000-node federation.
#
# Usage: benchmarks/run-gospel-benchmarks.sh [GospelSyncScale arguments...]
#   e.g.  benchmarks/run-gospel-benchmarks.sh --nodes 5,20 --reps 50      (a quick run, no 1,000 nodes)
#   Defaults: --reps 20 (3 at 1,000 nodes: --reps-large), --catchup-reps 5; see GospelSyncScale's javadoc.
#   Build first: ./mvnw -B -q -o install -DskipTests -pl bundles/mesh,benchmarks -am
#   Takes /tmp/jmh.lock (flock) so that it never overlaps another benchmark run on the machine.
#   Writes benchmarks/target/gospel/scale.txt (every repetition and the tables) and load.txt.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../scripts/jdk17.sh"
JAR=$HERE/target/benchmarks.jar
OUT=$HERE/target/gospel
[ -f "$JAR" ] || { echo "build first: ./mvnw -B -q -o install -DskipTests -pl bundles/mesh,benchmarks -am" >&2; exit 1; }
mkdir -p "$OUT"
exec 9>/tmp/jmh.lock
echo "waiting for /tmp/jmh.lock ..." >&2
flock 9
{ date -u; echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"; java -version 2>&1 | head -1; } > "$OUT/load.txt"
start=$(date +%s)
# 1,000 nodes keep ~1 M peer records (each node's view of every other): give the heap room
set +e
java -Xmx4g -cp "$JAR" io.aethercore.benchmarks.GospelSyncScale --reps-large 3 "$@" 2>&1 | tee "$OUT/scale.txt" \
  | { grep -E '^(GospelSyncScale|[0-9]+ nodes|gospel nodes|catch-up)' || true; }
rc=${PIPESTATUS[0]}
set -e
[ "$rc" -eq 0 ] || { tail -40 "$OUT/scale.txt" >&2; exit 1; }
{ echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"; echo "took $(( $(date +%s) - start )) s wall"; } >> "$OUT/load.txt"
flock -u 9
echo
echo "== Gospel sync summary (virtual time; targets: <= 10 s median at 80 % loss on 5 real nodes, playbook <= 30 s;"
echo "   catch-up of 10,000 entries <= 5 s at 0 % loss)"
sed -n '/^== one entry/,$p' "$OUT/scale.txt"
cat "$OUT/load.txt"
