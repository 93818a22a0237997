#!/usr/bin/env bash
# AetherCore B4AE metadata-protection benchmarks: PADME overhead on realistic message sizes, global
# scheduler queue latency per profile (Poisson load over real UDP, sealed with ChaCha20-Poly1305), CPU
# cost of the dummy traffic per profile on an idle node, and JMH for the padding function and the
# fragment splitter. Prints one markdown report.
#
# Usage: benchmarks/run-b4ae-metadata-benchmarks.sh [JMH arguments...]
#
#   Builds nothing. Build first, from the repository root:
#       ./mvnw -B -q -o install -DskipTests -pl benchmarks -am
#
#   Environment:
#     LOAD=0.5        real traffic as a fraction of each profile's target_rate (Poisson arrivals)
#     MESSAGES=1000   about this many real messages per profile (at least 10 s each; high_security at
#                     5 msg/s then takes 200 s)
#     CPU_SECONDS=20  measuring window per profile for the CPU cost
#     PROFILES="low_overhead balanced high_security"  profiles of the latency phase
#     ONLY="padding latency cpu jmh"  phases to run
#
#   Takes /tmp/jmh.lock (flock) so that benchmark runs on a shared machine do not overlap. Writes
#   benchmarks/target/b4ae-metadata/{padding,latency,cpu,jmh}.txt and b4ae-metadata-report.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$HERE/target/b4ae-metadata
JAR=$HERE/target/benchmarks.jar
LOAD=${LOAD:-0.5}
MESSAGES=${MESSAGES:-1000}
CPU_SECONDS=${CPU_SECONDS:-20}
ONLY=${ONLY:-"padding latency cpu jmh"}
export LC_ALL=C

die() { echo "run-b4ae-metadata-benchmarks: $*" >&2; exit 1; }
[ -f "$JAR" ] || die "$JAR not found; build first: ./mvnw -B -q -o install -DskipTests -pl benchmarks -am"
command -v java >/dev/null 2>&1 || die "java (17+) is not on the PATH"
mkdir -p "$OUT"

exec 9>/tmp/jmh.lock
echo "run-b4ae-metadata-benchmarks: waiting for /tmp/jmh.lock" >&2
flock 9

bench() { java -cp "$JAR" io.aethercore.benchmarks.B4aeMetadataBench "$@"; }
STARTED=$(date -u +%Y-%m-%dT%H:%MZ)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for phase in $ONLY; do
    case $phase in
        padding) bench padding 2>&1 | tee "$OUT/padding.txt" ;;
        latency) bench latency "$LOAD" "$MESSAGES" "${PROFILES:-}" 2>&1 | tee "$OUT/latency.txt" ;;
        cpu) bench cpu "$CPU_SECONDS" 2>&1 | tee "$OUT/cpu.txt" ;;
        jmh) java -jar "$JAR" 'io\.aethercore\.benchmarks\.PadmeBench\.' -rf json -rff "$OUT/jmh.json" "$@" 2>&1 \
                 | tee "$OUT/jmh.txt" ;;
        *) die "unknown phase $phase" ;;
    esac
done

{
    echo "## B4AE metadata protection benchmarks"
    echo
    echo "- started $STARTED, load average at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg);" \
         "CPU: $(lscpu | awk -F: '/^Model name/ { gsub(/^ +/, "", $2); print $2; exit }'), $(nproc) cores;" \
         "$(java -version 2>&1 | head -1)"
    echo "- LOAD=$LOAD MESSAGES=$MESSAGES CPU_SECONDS=$CPU_SECONDS"
    for f in padding latency cpu; do
        [ -f "$OUT/$f.txt" ] || continue
        echo
        echo "### $f"
        echo
        grep -h '^|' "$OUT/$f.txt"
    done
    if [ -f "$OUT/jmh.txt" ]; then
        echo
        echo "### JMH (ns/op)"
        echo
        echo '```'
        sed -n '/^Benchmark/,$p' "$OUT/jmh.txt"
        echo '```'
    fi
} | tee "$OUT/b4ae-metadata-report.md"
