#!/usr/bin/env bash
# Audit log benchmarks: AuditLog.record end to end (sign through the custody, group commit to the
# record store and the Merkle log, one signed checkpoint per batch, the receipt's inclusion proof).
#   1. JMH AuditRecordBench: synchronous writers, -t 1 and -t 8, custody software (Ed25519) and
#      pkcs11 (Ed25519 on SoftHSM2); throughput and SampleTime percentiles.
#   2. AuditThroughput: W writers with D records in flight each (recordAsync), records/s and the
#      submit-to-receipt latency P50/P99/max.
# TPM custody: not measured (the TPM custody is being built in parallel).
#
# Usage: benchmarks/run-audit-benchmarks.sh   (after ./mvnw -pl benchmarks -am install -DskipTests)
# Takes /tmp/jmh.lock so that benchmark runs of different people do not overlap. Writes
# benchmarks/target/audit/{jmh-t1,jmh-t8,throughput}.txt and the load before and after.
set -euo pipefail
cd "$(dirname "$0")"
JAVA=${JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
exec 9>/tmp/jmh.lock
flock 9
out=target/audit
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOFTHSM2_CONF="$work/softhsm2.conf"
{ date -u; uptime; nproc; } > "$out/load-before.txt"
for t in 1 8; do
  "$JAVA" -jar target/benchmarks.jar AuditRecordBench -t "$t" -rf json -rff "$out/jmh-t$t.json" > "$out/jmh-t$t.txt" 2>&1
  grep -E "^Benchmark|AuditRecordBench" "$out/jmh-t$t.txt" | grep -v "p0.0000\|p0.9000\|p0.9500\|p0.9990\|p0.9999" | sed "s/^/t=$t /"
done
: > "$out/throughput.txt"
for custody in software pkcs11; do
  for cfg in "1 1" "8 1" "8 4" "8 8" "8 16" "8 32"; do
    set -- $cfg
    "$JAVA" -cp target/benchmarks.jar io.aethercore.benchmarks.AuditThroughput "$custody" "$1" "$2" 3 10 2>&1 \
      | grep "^audit " | tee -a "$out/throughput.txt"
  done
done
{ date -u; uptime; } > "$out/load-after.txt"
cat "$out/load-before.txt" "$out/load-after.txt"
