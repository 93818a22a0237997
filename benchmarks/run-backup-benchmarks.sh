#!/usr/bin/env bash
# Backup and restore at the issue's scale (docs/PERFORMANCE.md "Backup and restore"):
#   BackupRestoreBench  1 M audit records + a 1 M-entry Gospel journal; backup (aether:backup's engine) and
#                       restore with full verification (aether:restore's engine), wall clock per repetition.
# Not JMH: one operation takes seconds. Builds nothing; needs about 2 GB free in $BACKUP_DATA (default /tmp).
#
# Usage: benchmarks/run-backup-benchmarks.sh [--audit N] [--gospel N] [--reps N]
#   Build first: ./mvnw -B -q -o install -DskipTests -pl bundles/backup,benchmarks -am
#   Takes /tmp/jmh.lock (flock) so that it never overlaps another benchmark run on the machine.
#   Writes benchmarks/target/backup/run.txt.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../scripts/jdk17.sh"
JAR=$HERE/target/benchmarks.jar
OUT=$HERE/target/backup
[ -f "$JAR" ] || { echo "build first: ./mvnw -B -q -o install -DskipTests -pl bundles/backup,benchmarks -am" >&2; exit 1; }
mkdir -p "$OUT"
exec 9>/tmp/jmh.lock
echo "waiting for /tmp/jmh.lock ..." >&2
flock 9
{ date -u; echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"; java -version 2>&1 | head -1; } > "$OUT/run.txt"
java -Xmx3g -cp "$JAR" io.aethercore.benchmarks.BackupRestoreBench "$@" 2>&1 | tee -a "$OUT/run.txt"
rm -rf "${BACKUP_DATA:-/tmp/aethercore-backup-bench}"
