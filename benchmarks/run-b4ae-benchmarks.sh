#!/usr/bin/env bash
# AetherCore B4AE v2 benchmarks (issue 7, item 13): handshake CPU per mode, cookie check vs handshake,
# connect latency over UDP loopback and in memory, session throughput beside raw UDP loopback.
#
# Usage: benchmarks/run-b4ae-benchmarks.sh [JMH arguments...]
#   Build first: ./mvnw -B -q -o install -DskipTests -pl benchmarks -am
#   Takes /tmp/jmh.lock (flock) so that it never overlaps another benchmark run on the machine.
#   Environment: TPUT_SECONDS=3 TPUT_ROUNDS=3 (throughput rounds after one warm-up round)
#   Writes benchmarks/target/b4ae/{handshake.json,connect.json,throughput.txt,load.txt} and prints a summary.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../scripts/jdk17.sh"
JAR=$HERE/target/benchmarks.jar
OUT=$HERE/target/b4ae
[ -f "$JAR" ] || { echo "build first: ./mvnw -B -q -o install -DskipTests -pl benchmarks -am" >&2; exit 1; }
mkdir -p "$OUT"
exec 9>/tmp/jmh.lock
echo "waiting for /tmp/jmh.lock ..." >&2
flock 9
{ date -u; uptime; nproc; } > "$OUT/load.txt"
java -cp "$JAR" io.aethercore.benchmarks.B4aeHandshakeCpu | tee "$OUT/handshake-cpu.txt"
java -jar "$JAR" 'B4aeHandshakeBench' -rf json -rff "$OUT/handshake.json" "$@" | tee "$OUT/handshake.txt"
java -jar "$JAR" 'B4aeConnectBench' -rf json -rff "$OUT/connect.json" "$@" | tee "$OUT/connect.txt"
java -cp "$JAR" io.aethercore.benchmarks.B4aeThroughput "${TPUT_SECONDS:-3}" "${TPUT_ROUNDS:-3}" 1024 16384 | tee "$OUT/throughput.txt"
uptime >> "$OUT/load.txt"
flock -u 9
echo
echo "== B4AE summary ($(head -1 "$OUT/load.txt"))"
grep -h "^Benchmark\|B4ae" "$OUT/handshake.txt" "$OUT/connect.txt" | grep -v "^#" || true
grep -h "^RESULT\|^WIRE\|^CONNECT" "$OUT/handshake-cpu.txt" "$OUT/throughput.txt" || true
cat "$OUT/load.txt"
