#!/usr/bin/env bash
# AetherCore Merkle Vine benchmarks: storage, start-up, JMH (append, durable append, proofs, the
# naive full-recompute reference), group-commit throughput, crash and reopen; then one markdown
# report.
#
# Usage: benchmarks/run-merkle-benchmarks.sh [JMH arguments...]
#
#   Builds nothing. Build first, from the repository root:
#       mvn -B -q -o install -DskipTests -pl benchmarks -am
#
#   Arguments go to JMH unchanged (for example '-p leaves=1000000' or '-i 10'); the JMH part runs
#   MerkleAppendBench, MerkleDurableAppendBench, MerkleProofBench and NaiveRecomputeBench.
#
#   Environment:
#     MERKLE_DATA=/tmp/aethercore-merkle-bench  where the cached logs live (about 1.6 GB for 1 M +
#                         10 M entries, plus a 1.5 GB copy for the crash test); built on the first
#                         run (about a minute), reused afterwards (delete the directory to rebuild)
#     LEAVES="1000000 10000000"  sizes of the cached logs (the last is used for start-up and crash)
#     CRASH_ROUNDS=5  KILL_AFTER_MS=1000  CRASH_THREADS=64
#     MERKLE_FULL_VERIFY=0  skip the reopen without a commit mark (full verification, ~45 s at 10 M)
#     TPUT_WARMUP=1  TPUT_SECONDS=4  TPUT_CONFIGS="pipeline:65536:2 threads:64:2 ..."  (see MerkleThroughput)
#     ONLY="startup jmh-append jmh-durable jmh-proof jmh-naive throughput crash"  phases to run (this
#                     is all of them, in order); the others' results from earlier runs are reused
#     WAIT_QUIET=1    before each phase wait until no Maven test fork (surefire/failsafe) or Karaf runs
#                     and the 1-minute load is < 1.0 (at most QUIET_MAX=1800 s); WAIT_QUIET=0 to skip
#
#   Writes into benchmarks/target/merkle/: per phase <phase>.txt (and <phase>.json for JMH) and
#   phase-<phase>.txt (load, and whether competing processes were seen while it ran), then
#   all-jmh-results.json (all JMH results), results.env, merkle-report.md (also printed). Takes about
#   9 minutes on 2 cores once the cached logs exist (building them adds about 40 s).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARGET=$HERE/target
OUT=$TARGET/merkle
JAR=$TARGET/benchmarks.jar
JSON=$OUT/all-jmh-results.json  # merged from the per-phase jmh-*.json files
ENVF=$OUT/results.env
REPORT=$OUT/merkle-report.md
export MERKLE_DATA=${MERKLE_DATA:-/tmp/aethercore-merkle-bench}
LEAVES=${LEAVES:-"1000000 10000000"}
CRASH_ROUNDS=${CRASH_ROUNDS:-5}
KILL_AFTER_MS=${KILL_AFTER_MS:-1000}
CRASH_THREADS=${CRASH_THREADS:-64}
TPUT_WARMUP=${TPUT_WARMUP:-1}
TPUT_SECONDS=${TPUT_SECONDS:-4}
TPUT_CONFIGS=${TPUT_CONFIGS:-"pipeline:1024:2 pipeline:16384:2 pipeline:65536:2 pipeline:65536:5 threads:8:2 threads:64:2 threads:512:2 threads:512:5"}
export LC_ALL=C

die() { echo "run-merkle-benchmarks: $*" >&2; exit 1; }
[ -f "$JAR" ] || die "$JAR not found; build first: mvn -B -q -o install -DskipTests -pl benchmarks -am"
command -v java >/dev/null 2>&1 || die "java (17+) is not on the PATH"
command -v jq >/dev/null 2>&1 || die "jq is missing (apt-get install jq)"
mkdir -p "$OUT" "$MERKLE_DATA"
read -r -a leaves_arr <<<"$LEAVES"
BIG=${leaves_arr[${#leaves_arr[@]}-1]}
JMH_LEAVES=$(IFS=,; echo "${leaves_arr[*]}")

# Phases, in order; ONLY="..." runs a subset and reuses the other phases' files from earlier runs.
ALL_PHASES="startup jmh-append jmh-durable jmh-proof jmh-naive throughput crash"
ONLY=${ONLY:-$ALL_PHASES}
declare -A JMH_CLASS=([jmh-append]='(MerkleAppendBench|Blake3SubRangeBench)' [jmh-durable]=MerkleDurableAppendBench
                      [jmh-proof]=MerkleProofBench [jmh-naive]=NaiveRecomputeBench)
COMPETING='surefire|failsafe|org.apache.karaf.main'

competing() { pgrep -f "$COMPETING" 2>/dev/null | grep -vx "$$" | wc -l || true; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# Before each phase, wait (WAIT_QUIET=1, the default) until no Maven test fork or Karaf runs and the
# 1-minute load is below 1.0; give up after QUIET_MAX seconds (default 1800) and note it.
wait_quiet() { # phase
    [ "${WAIT_QUIET:-1}" = 1 ] || return 0
    local waited=0
    while [ "$(competing)" != 0 ] || awk -v l="$(load1)" 'BEGIN { exit !(l >= 1.0) }'; do
        if [ "$waited" -ge "${QUIET_MAX:-1800}" ]; then
            echo "run-merkle-benchmarks: $1 starts although the machine is not quiet" >&2
            return 0
        fi
        [ $((waited % 60)) = 0 ] && echo "run-merkle-benchmarks: waiting for a quiet machine before $1 (load $(load1), competing $(competing))" >&2
        sleep 10
        waited=$((waited + 10))
    done
}

# While a phase runs, sample the competing processes every 2 s; the summary goes into phase-<name>.txt.
WATCH_PID=
watch_start() { # phase
    local f=$OUT/phase-$1.samples
    : >"$f"
    ( while true; do echo "$(competing) $(load1)" >>"$f"; sleep 2; done ) &
    WATCH_PID=$!
    PHASE_LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
    PHASE_T0=$SECONDS
}
watch_stop() { # phase
    kill "$WATCH_PID" 2>/dev/null || true
    wait "$WATCH_PID" 2>/dev/null || true
    local f=$OUT/phase-$1.samples
    awk -v name="$1" -v ls="$PHASE_LOAD_START" -v le="$(cut -d' ' -f1-3 /proc/loadavg)" -v secs=$((SECONDS - PHASE_T0)) \
        -v when="$(date -u +%H:%MZ)" '
        { n++; if ($1 > 0) c++; if ($2 > m) m = $2 }
        END { printf "%s: ended %s after %d s; load at start %s, at end %s, highest 1-min load sampled %.2f;", name, when, secs, ls, le, m
              printf " Maven test forks / Karaf seen in %d of %d samples\n", c, n }' "$f" >"$OUT/phase-$1.txt"
    rm -f "$f"
}
trap '[ -z "$WATCH_PID" ] || kill "$WATCH_PID" 2>/dev/null || true' EXIT

main_class() { # class args... ; output to stdout
    java -cp "$JAR" "io.aethercore.benchmarks.$1" "${@:2}"
}

STARTED=$(date -u +%Y-%m-%dT%H:%MZ)
T0=$SECONDS
for phase in $ALL_PHASES; do
    case " $ONLY " in *" $phase "*) ;; *) continue ;; esac
    wait_quiet "$phase"
    watch_start "$phase"
    case $phase in
        startup)
            # shellcheck disable=SC2086
            main_class MerkleStartup $LEAVES 2>&1 | tee "$OUT/startup.txt" ;;
        jmh-*)
            java -jar "$JAR" "io\\.aethercore\\.benchmarks\\.${JMH_CLASS[$phase]}\\." -p leaves="$JMH_LEAVES" \
                -rf json -rff "$OUT/$phase.json" "$@" 2>&1 | tee "$OUT/$phase.txt" ;;
        throughput)
            # shellcheck disable=SC2086
            main_class MerkleThroughput "$TPUT_WARMUP" "$TPUT_SECONDS" $TPUT_CONFIGS 2>&1 | tee "$OUT/throughput.txt" ;;
        crash)
            main_class MerkleCrash run "$BIG" "$CRASH_ROUNDS" "$KILL_AFTER_MS" "$CRASH_THREADS" 2>&1 | tee "$OUT/crash.txt" ;;
    esac
    watch_stop "$phase"
done
WATCH_PID=
jq -s 'add' "$OUT"/jmh-*.json >"$JSON" 2>/dev/null || die "no JMH results in $OUT"
for f in startup throughput crash; do [ ! -f "$OUT/$f.txt" ] || sed -n 's/^RESULT //p' "$OUT/$f.txt"; done >"$ENVF"
# shellcheck disable=SC1090
. "$ENVF"

# ---------------------------------------------------------------- helpers
# awk arithmetic; prints '-' when any operand is empty or '-'
calc() { # format expression operands...
    local fmt=$1 expr=$2; shift 2
    local v
    for v in "$@"; do
        if [ -z "$v" ] || [ "$v" = "-" ]; then printf -- '-'; return; fi
    done
    awk -v a="${1:-0}" -v b="${2:-0}" -v c="${3:-0}" "BEGIN { printf \"$fmt\", ($expr) }"
}
# "score error p50 p99" of a JMH result, or "- - - -"
result() { # method [param=value ...]
    local filter=".benchmark == \"io.aethercore.benchmarks.$1\"" kv
    shift
    for kv in "$@"; do filter+=" and .params.${kv%%=*} == \"${kv#*=}\""; done
    jq -r "[.[] | select($filter) | \"\(.primaryMetric.score) \(.primaryMetric.scoreError) \(.primaryMetric.scorePercentiles[\"50.0\"]) \(.primaryMetric.scorePercentiles[\"99.0\"])\"] | first // \"- - - -\"" "$JSON"
}
pct() { calc '%.0f%%' '(b == b + 0 && a > 0) ? 100 * b / a : 0' "$1" "$2"; }
verdict() { calc '%s' "($1) ? \"met\" : \"MISSED\"" "${@:2}"; }
v() { local n=$1; echo "${!n:--}"; } # value of a RESULT key, or '-'

JAVA_VERSION=$(java -version 2>&1 | head -1)
CPU=$(lscpu | awk -F: '/^Model name/ { gsub(/^ +/, "", $2); print $2; exit }')
FS=$(df -T "$MERKLE_DATA" | awk 'NR == 2 { print $2 " on " $1 }')

{
    echo "## AetherCore Merkle Vine benchmarks"
    echo
    echo "- this invocation started $STARTED (phases: $ONLY), took $(((SECONDS - T0) / 60)) min; CPU: $CPU, $(nproc) cores; $JAVA_VERSION"
    echo "- data directory $MERKLE_DATA ($FS)"
    for phase in $ALL_PHASES; do
        [ ! -f "$OUT/phase-$phase.txt" ] || echo "- $(cat "$OUT/phase-$phase.txt")"
    done
    echo

    echo "### Append latency, log in memory (JMH average time, 1 thread)"
    echo
    echo "| Provider | Entry | ns/append | ± | Hashing floor: leaf + node hash alone, ns | Target ≤ 1 µs | Playbook < 10 µs |"
    echo "|---|---:|---:|---:|---:|---|---|"
    for prov in native native-exact bc-blake3 bc-sha256; do
        for size in 64 1024; do
            read -r s e _ _ < <(result MerkleAppendBench.append provider="$prov" entrySize="$size")
            read -r f _ _ _ < <(result MerkleAppendBench.hashFloor provider="$prov" entrySize="$size")
            echo "| $prov | $size B | $(calc '%.0f' 'a' "$s") | $(pct "$s" "$e") | $(calc '%.0f' 'a' "$f") | $(verdict 'a <= 1000' "$s") | $(verdict 'a < 10000' "$s") |"
        done
    done
    echo
    echo "native-exact is an experiment, not a provider: native BLAKE3 with small sub-ranges copied into exact"
    echo "arrays before they reach the provider (ExactArrayHashing; see the sub-range table below)."
    echo
    grep -h '^MERKLE-INFO memory-append' "$OUT/jmh-append.txt" 2>/dev/null | sed 's/^MERKLE-INFO /- /' || true
    echo
    echo "Native BLAKE3, one reused hasher, update + digest of a 65-byte leaf input (Blake3SubRangeBench):"
    echo
    echo "| Input | ns |"
    echo "|---|---:|"
    for m in wholeArray:"exact 65-byte array" subRange:"first 65 bytes of a 257-byte array (what TreeHasher.leaf passes)" \
             subRangeCopied:"same sub-range, copied to an exact array first"; do
        read -r s e _ _ < <(result "Blake3SubRangeBench.${m%%:*}")
        echo "| ${m#*:} | $(calc '%.0f' 'a' "$s") ± $(pct "$s" "$e") |"
    done
    echo

    echo "### Durable append latency, 1 thread, file-backed (JMH sample time)"
    echo
    echo "| Durability | Mean µs | ± | p50 µs | p99 µs |"
    echo "|---|---:|---:|---:|---:|"
    for d in SYNC GROUP; do
        read -r s e p50 p99 < <(result MerkleDurableAppendBench.append durability="$d")
        echo "| $d (window 2 ms) | $(calc '%.0f' 'a' "$s") | $(pct "$s" "$e") | $(calc '%.0f' 'a' "$p50") | $(calc '%.0f' 'a' "$p99") |"
    done
    echo

    echo "### Durable appends per second with group commit"
    echo
    grep -h '^|' "$OUT/throughput.txt" 2>/dev/null || true
    best=$(grep -h '^RESULT tput_' "$OUT/throughput.txt" 2>/dev/null | grep -v '_syncs=\|_latency_ms=' | sed 's/^RESULT tput_//' \
        | sort -t= -k2 -g | tail -1 || true)
    echo
    echo "Best: ${best%%=*} at ${best#*=} durable appends/s; target ≥ 100,000/s: **$(verdict 'a >= 100000' "${best#*=}")**;"
    echo "reference: Trillian Tessera ~2,900/s on local disk ($(calc '%.0f' 'a / 2900' "${best#*=}") ×)."
    echo

    echo "### Proofs (JMH sample time, warm page cache)"
    echo
    echo "| Leaves | Operation | Provider | Mean µs | ± | p50 µs | p99 µs | Target (inclusion < 50 µs at 10 M) |"
    echo "|---:|---|---|---:|---:|---:|---:|---|"
    for n in "${leaves_arr[@]}"; do
        for op in inclusion inclusionAtRandomSize consistency rootAtRandomSize; do
            for prov in native bc; do
                read -r s e p50 p99 < <(result "MerkleProofBench.$op" leaves="$n" provider="$prov")
                t=""
                case $op in inclusion*) t=$(verdict 'a < 50' "$s");; esac
                echo "| $n | $op | $prov | $(calc '%.1f' 'a' "$s") | $(pct "$s" "$e") | $(calc '%.1f' 'a' "$p50") | $(calc '%.1f' 'a' "$p99") | $t |"
            done
        done
    done
    echo

    echo "### Storage"
    echo
    echo "| Log | Per million 64-byte leaves |"
    echo "|---|---:|"
    for n in "${leaves_arr[@]}"; do
        echo "| disk, file-backed, $n leaves: total | $(v "disk_${n}_per_million_mb") MB |"
        echo "| of which entries.dat / entries.idx / nodes.dat | $(v "disk_${n}_entries_per_million_mb") / $(v "disk_${n}_index_per_million_mb") / $(v "disk_${n}_nodes_per_million_mb") MB |"
    done
    echo "| heap, file-backed log of $BIG leaves open (after 20,000 + 20,000 proofs) | $(v heap_file_open_kb) KB ($(v heap_file_after_proofs_kb) KB) in total, not per million |"
    echo "| heap, log in memory (MemoryStorage) | $(v heap_memory_per_million_mb) MB |"
    echo
    echo "nodes.dat and entries.idx are read through memory maps: page cache, not Java heap."
    echo

    echo "### Start-up and reopen after a crash at $BIG leaves"
    echo
    echo "| Measurement | Figure | Target |"
    echo "|---|---:|---|"
    echo "| VineLog.open, first in a fresh JVM (class loading; page cache dropped: $(v open_first_cold)) | $(v open_first_ms) ms | |"
    echo "| VineLog.open, warm, median of 5 (max) | $(v open_warm_median_ms) ms ($(v open_warm_max_ms)) | |"
    echo "| VineLog.open, page cache dropped, median of 3 (max) | $(v open_cold_median_ms) ms ($(v open_cold_max_ms)) | |"
    echo "| reopen after SIGKILL, fresh JVM, median of $CRASH_ROUNDS (max) | $(v crash_open_median_ms) ms ($(v crash_open_max_ms)) | < 1 s: **$(verdict 'a < 1000' "$(v crash_open_max_ms)")** |"
    echo "| entries replayed after the commit mark, max over rounds | $(v crash_replayed_max) | |"
    echo "| reopen without a commit mark (full verification, fresh JVM) | $(v crash_nomark_open_ms) ms | |"
    echo
    grep -h '^|' "$OUT/crash.txt" 2>/dev/null || true
    echo

    echo "### The reference side by side: full recompute on every append, at 1,000 leaves (JMH average time)"
    echo
    echo "| Provider | Naive, from leaf hashes (µs) | Naive, from entries (µs) | VineLog append + root() (µs) | Speed-up vs naive from leaf hashes | Playbook's reference |"
    echo "|---|---:|---:|---:|---:|---:|"
    for prov in native bc-blake3 bc-sha256; do
        read -r a _ _ _ < <(result NaiveRecomputeBench.naiveFromLeafHashes provider="$prov" naiveLeaves=1000)
        read -r b _ _ _ < <(result NaiveRecomputeBench.naiveFromEntries provider="$prov" naiveLeaves=1000)
        read -r c _ _ _ < <(result NaiveRecomputeBench.vineAppendAndRoot provider="$prov" naiveLeaves=1000)
        echo "| $prov | $(calc '%.1f' 'a' "$a") | $(calc '%.1f' 'a' "$b") | $(calc '%.2f' 'a' "$c") | $(calc '%.0f ×' 'a / b' "$a" "$c") | 148 µs |"
    done
} | tee "$REPORT"
