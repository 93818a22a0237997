#!/usr/bin/env bash
# AetherCore crypto benchmarks: the JMH suite, then b3sum and openssl on the same machine for
# reference, then one markdown report.
#
# Usage: benchmarks/run-benchmarks.sh [JMH arguments...]
#
#   Builds nothing. Build first, from the repository root:
#       mvn -B -q install -DskipTests -pl benchmarks -am
#   (or, before the module is in the reactor: install bundles/api, bundles/crypto and
#   bundles/crypto-blake3-native, then mvn -B -q -f benchmarks/pom.xml package).
#
#   Arguments go to JMH unchanged: a benchmark regex ('Blake3'), '-p slice=65536', '-i 10', ...
#   Rows whose benchmark did not run show '-'.
#
#   Environment:
#     B3SUM_MIB=1024      size of the file b3sum hashes, in MiB (1 MiB blocks of the pattern i % 251)
#     RUNS=7              timed b3sum runs per variant (the median is used)
#     OPENSSL_SECONDS=3   seconds per openssl speed measurement
#     SKIP_JMH=1          reuse target/jmh-result.json instead of running JMH
#     SKIP_REFERENCE=1    reuse target/reference.env instead of running b3sum and openssl
#
#   Writes into benchmarks/target/: jmh-result.json, jmh-output.txt, reference.env,
#   benchmark-report.md (also printed). Takes about 5.5 minutes on 2 cores.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARGET=$HERE/target
JAR=$TARGET/benchmarks.jar
JSON=$TARGET/jmh-result.json
REF=$TARGET/reference.env
REPORT=$TARGET/benchmark-report.md
B3SUM_MIB=${B3SUM_MIB:-1024}
RUNS=${RUNS:-7}
OPENSSL_SECONDS=${OPENSSL_SECONDS:-3}
MIB=1048576
export LC_ALL=C

die() { echo "run-benchmarks: $*" >&2; exit 1; }

need_tool() { # command debian-package
    command -v "$1" >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "run-benchmarks: installing $2" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$2" >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null 2>&1
                 DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$2" >/dev/null; }
    fi
    command -v "$1" >/dev/null 2>&1 || die "$1 is missing; install the Debian package $2"
}

# awk arithmetic; prints '-' when any operand is empty or '-'
calc() { # format expression operands...
    local fmt=$1 expr=$2; shift 2
    local v
    for v in "$@"; do
        if [ -z "$v" ] || [ "$v" = "-" ]; then printf -- '-'; return; fi
    done
    awk -v a="${1:-0}" -v b="${2:-0}" -v c="${3:-0}" "BEGIN { printf \"$fmt\", ($expr) }"
}

size_label() { if [ $(($1 % MIB)) = 0 ]; then echo "$(($1 / MIB)) MiB"; else echo "$(($1 / 1024)) KiB"; fi; }

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

[ -f "$JAR" ] || die "$JAR not found; build first: mvn -B -q install -DskipTests -pl benchmarks -am"
command -v java >/dev/null 2>&1 || die "java (17+) is not on the PATH"
need_tool jq jq
mkdir -p "$TARGET"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- JMH
if [ "${SKIP_JMH:-0}" != 1 ]; then
    java -jar "$JAR" -rf json -rff "$JSON" "$@" 2>&1 | tee "$TARGET/jmh-output.txt"
fi
[ -f "$JSON" ] || die "$JSON not found"

# ---------------------------------------------------------------- references
if [ "${SKIP_REFERENCE:-0}" != 1 ]; then
    need_tool b3sum b3sum
    need_tool perl perl-base
    need_tool openssl openssl

    dir=$TARGET/b3sum
    mkdir -p "$dir"
    block=$dir/block-1MiB.bin
    big=$dir/pattern-${B3SUM_MIB}MiB.bin
    tiny=$dir/tiny-1KiB.bin
    trap 'rm -f "$big"' EXIT
    perl -e 'print pack("C*", map { $_ % 251 } 0 .. 1048575)' >"$block"
    head -c 1024 "$block" >"$tiny"
    perl -e 'open(my $f, "<", $ARGV[0]) or die; binmode $f; local $/; my $b = <$f>; print $b for 1 .. $ARGV[1]' \
        "$block" "$B3SUM_MIB" >"$big"
    b3sum --num-threads 1 "$big" >/dev/null # page cache warm

    # prints "median-wall-seconds median-user-seconds" over RUNS runs
    time_runs() {
        local TIMEFORMAT='%3U' walls=() users=() i start end u
        for ((i = 0; i < RUNS; i++)); do
            start=$EPOCHREALTIME
            u=$( { time "$@" >/dev/null 2>&1; } 2>&1 )
            end=$EPOCHREALTIME
            walls+=("$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.6f", e - s }')")
            users+=("$u")
        done
        echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${users[@]}" | median)"
    }
    read -r tiny_wall tiny_user < <(time_runs b3sum --num-threads 1 "$tiny")
    read -r mmap_wall mmap_user < <(time_runs b3sum --num-threads 1 "$big")
    read -r read_wall read_user < <(time_runs b3sum --num-threads 1 --no-mmap "$big")
    bytes=$((B3SUM_MIB * MIB))

    # the provider's own C library, per call on in-cache 1 KiB / 64 KiB / 1 MiB buffers, without JNI
    # (needs a C compiler; '-' otherwise)
    declare -A c_direct=([1024]=- [65536]=- [1048576]=-) c_copies=([1024]=- [65536]=- [1048576]=-)
    if command -v cc >/dev/null 2>&1; then
        nref=$TARGET/native-reference
        mkdir -p "$nref"
        if command -v unzip >/dev/null 2>&1; then
            unzip -o -q -d "$nref" "$JAR" libblake3.so
        else
            (cd "$nref" && jar xf "$JAR" libblake3.so)
        fi
        cc -O2 -o "$nref/blake3_percall" "$HERE/src/main/c/blake3_percall.c" -ldl
        for size in 1024 65536 1048576; do
            read -r "c_direct[$size]" "c_copies[$size]" < <("$nref/blake3_percall" "$nref/libblake3.so" "$size" 0.6) || true
        done
    else
        echo "run-benchmarks: no C compiler; skipping the per-call C reference" >&2
    fi

    # openssl figures that cannot be parsed show as '-'
    S=$OPENSSL_SECONDS
    ed_sign='' ed_verify=''
    read -r ed_sign ed_verify < <(openssl speed -seconds "$S" ed25519 2>/dev/null \
        | awk '/\(Ed25519\)/ { print $(NF - 1), $NF }') || true
    x25519=$(openssl speed -seconds "$S" ecdhx25519 2>/dev/null | awk '/\(X25519\)/ { print $NF }') || true
    evp_mbps() { # cipher: MB/s at 16384-byte blocks (openssl prints 1000s of bytes per second)
        openssl speed -seconds "$S" -bytes 16384 -evp "$1" 2>/dev/null \
            | awk -v c="$1" 'tolower($1) == tolower(c) { v = $NF; sub(/k$/, "", v); printf "%.1f", v / 1000 }'
    }
    chacha=$(evp_mbps chacha20-poly1305) || true
    aesgcm=$(evp_mbps aes-256-gcm) || true

    cat >"$REF" <<EOF
# measured $(date -u +%Y-%m-%dT%H:%MZ); b3sum times are medians of RUNS runs, in seconds
B3SUM_MIB=$B3SUM_MIB
RUNS=$RUNS
B3SUM_VERSION='$(b3sum --version)'
OPENSSL_VERSION='$(openssl version)'
B3SUM_BYTES=$bytes
B3SUM_BLOCK_DIGEST=$(b3sum --num-threads 1 --no-names "$block")
B3SUM_TINY_WALL=$tiny_wall
B3SUM_TINY_USER=$tiny_user
B3SUM_MMAP_WALL=$mmap_wall
B3SUM_MMAP_USER=$mmap_user
B3SUM_READ_WALL=$read_wall
B3SUM_READ_USER=$read_user
B3SUM_MMAP_MBPS=$(calc '%.1f' 'a / (b - c) / 1e6' "$bytes" "$mmap_wall" "$tiny_wall")
B3SUM_READ_MBPS=$(calc '%.1f' 'a / (b - c) / 1e6' "$bytes" "$read_wall" "$tiny_wall")
B3SUM_CPU_MBPS=$(calc '%.1f' 'a / (b > c ? b - c : b) / 1e6' "$bytes" "$read_user" "$tiny_user")
C_DIRECT_MBPS_1024=${c_direct[1024]}
C_DIRECT_MBPS_65536=${c_direct[65536]}
C_DIRECT_MBPS_1048576=${c_direct[1048576]}
C_JNI_COPIES_MBPS_1024=${c_copies[1024]}
C_JNI_COPIES_MBPS_65536=${c_copies[65536]}
C_JNI_COPIES_MBPS_1048576=${c_copies[1048576]}
OPENSSL_SECONDS=$S
OSSL_ED25519_SIGN=${ed_sign:--}
OSSL_ED25519_VERIFY=${ed_verify:--}
OSSL_X25519=${x25519:--}
OSSL_CHACHA_MBPS=${chacha:--}
OSSL_AESGCM_MBPS=${aesgcm:--}
EOF
    rm -f "$big"
fi
[ -f "$REF" ] || die "$REF not found"
# shellcheck disable=SC1090
. "$REF"

# ---------------------------------------------------------------- report
# "score error" of a JMH result (ops/s), or "- -"
result() { # Class.method [param=value ...]
    local filter=".benchmark == \"io.aethercore.benchmarks.$1\"" kv
    shift
    for kv in "$@"; do filter+=" and .params.${kv%%=*} == \"${kv#*=}\""; done
    jq -r "[.[] | select($filter) | \"\(.primaryMetric.score) \(.primaryMetric.scoreError)\"] | first // \"- -\"" "$JSON"
}
pct() { calc '%.0f%%' '(b == b + 0 && a > 0) ? 100 * b / a : 0' "$1" "$2"; } # score error

B3_REF=$(calc '%.1f' 'a > b ? a : b' "$B3SUM_MMAP_MBPS" "$B3SUM_READ_MBPS")
JAVA_VERSION=$(java -version 2>&1 | head -1)
CPU=$(lscpu | awk -F: '/^Model name/ { gsub(/^ +/, "", $2); print $2; exit }')
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

{
    echo "## AetherCore crypto benchmarks"
    echo
    echo "- CPU: $CPU, $(nproc) cores; $JAVA_VERSION; $B3SUM_VERSION; $OPENSSL_VERSION"
    echo "- load average before / after: $LOAD_BEFORE / $LOAD_AFTER"
    echo "- JMH: 1 fork, single thread, throughput; MB = 10^6 bytes; ± is JMH's 99.9% error as % of the score"
    echo

    echo "### BLAKE3 (32-byte digest)"
    echo
    echo "| Operation | Calls/s | µs/call | MB/s | ± | Ratio to b3sum ($B3_REF MB/s) | Same C library per call, no JNI: MB/s | Ratio |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for row in "nativeOneShot:native, HashService.hash" "nativeReusedHasher:native, reused Hasher" \
               "bouncyCastleOneShot:BouncyCastle, HashService.hash"; do
        method=${row%%:*} label=${row#*:}
        for size in 1048576 65536 1024; do
            read -r s e < <(result "Blake3Bench.$method" size="$size")
            mbps=$(calc '%.1f' 'a * b / 1e6' "$s" "$size")
            cref_var=C_DIRECT_MBPS_$size
            cref=${!cref_var:--}
            echo "| $label, $(size_label "$size") | $(calc '%.0f' 'a' "$s") | $(calc '%.2f' '1e6 / a' "$s") | $mbps | $(pct "$s" "$e") | $(calc '%.2f' 'a / b' "$mbps" "$B3_REF") | $cref | $(calc '%.2f' 'a / b' "$mbps" "$cref") |"
        done
    done
    echo
    echo "References for BLAKE3, measured in the same run:"
    echo
    echo "| Reference | MB/s |"
    echo "|---|---:|"
    echo "| b3sum --num-threads 1, $B3SUM_MIB MiB file (1 MiB blocks), mmap, start-up subtracted | $B3SUM_MMAP_MBPS |"
    echo "| b3sum --num-threads 1 --no-mmap, same file, start-up subtracted | $B3SUM_READ_MBPS |"
    echo "| b3sum --no-mmap, user CPU time only (hashing, without the kernel's copies) | $B3SUM_CPU_MBPS |"
    echo "| provider's libblake3.so from C, per call in cache, no JNI: 1 KiB / 64 KiB / 1 MiB | ${C_DIRECT_MBPS_1024:--} / ${C_DIRECT_MBPS_65536:--} / ${C_DIRECT_MBPS_1048576:--} |"
    echo "| same, plus malloc + copy in + copy out per call (what the JNI binding does) | ${C_JNI_COPIES_MBPS_1024:--} / ${C_JNI_COPIES_MBPS_65536:--} / ${C_JNI_COPIES_MBPS_1048576:--} |"
    echo
    echo "b3sum figures are medians of $RUNS runs; start-up (median on a 1 KiB file: ${B3SUM_TINY_WALL} s) is"
    echo "subtracted. b3sum streams one large file from the page cache; the JMH rows, and the C per-call rows,"
    echo "hash one in-cache array per call. The b3sum ratio in the table above is to the faster of its two"
    echo "wall-clock figures."
    echo

    read -r n1 _ < <(result "Blake3Bench.nativeOneShot" size=1048576)
    native_mbps=$(calc '%.1f' 'a * 1048576 / 1e6' "$n1")
    echo "Target (issue / playbook): BLAKE3 1 MiB > 2 GB/s through the native provider: $native_mbps MB/s,"
    echo "**$(calc '%s' '(a > 2000) ? "met" : "MISSED"' "$native_mbps")**; and >= 0.95 x single-thread b3sum:"
    echo "ratio $(calc '%.2f' 'a / b' "$native_mbps" "$B3_REF") to $B3_REF MB/s, **$(calc '%s' '(a >= 0.95 * b) ? "met" : "MISSED"' "$native_mbps" "$B3_REF")**."
    echo "Per call against the same C library without JNI: $(calc '%.2f' 'a / b' "$native_mbps" "${C_DIRECT_MBPS_1048576:--}");"
    echo "against b3sum's compute-only figure: $(calc '%.2f' 'a / b' "$native_mbps" "$B3SUM_CPU_MBPS")."
    echo

    if [ "$(result "Blake3SliceBench.hash")" != "- -" ]; then
        echo "#### Slice size experiment (native, JNI fed as NativeBlake3Hashing does, 1 MiB)"
        echo
        echo "| Slice | Calls/s | MB/s | ± |"
        echo "|---|---:|---:|---:|"
        jq -r '.[] | select(.benchmark == "io.aethercore.benchmarks.Blake3SliceBench.hash")
               | "\(.params.slice) \(.params.size) \(.primaryMetric.score) \(.primaryMetric.scoreError)"' "$JSON" \
        | while read -r slice size s e; do
            label=$([ "$slice" = 0 ] && echo "whole array, one call" || size_label "$slice")
            [ "$size" = 1048576 ] || label="$label (input $(size_label "$size"))"
            echo "| $label | $(calc '%.0f' 'a' "$s") | $(calc '%.1f' 'a * b / 1e6' "$s" "$size") | $(pct "$s" "$e") |"
        done
        echo
    fi

    echo "### Signatures (64-byte message), key agreement, KEM, KDF"
    echo
    echo "| Operation | Ops/s | µs/op | ± | Reference (same run) | Ratio |"
    echo "|---|---:|---:|---:|---|---:|"
    op_row() { # label Class.method reference-ops/s reference-label [param=value ...]
        local label=$1 bench=$2 ref=$3 reflabel=$4 s e
        shift 4
        read -r s e < <(result "$bench" "$@")
        echo "| $label | $(calc '%.0f' 'a' "$s") | $(calc '%.1f' '1e6 / a' "$s") | $(pct "$s" "$e") | $reflabel | $(calc '%.2f' 'a / b' "$s" "$ref") |"
    }
    op_row "Ed25519 sign, software custody" Ed25519Bench.custodySign "$OSSL_ED25519_SIGN" "openssl $OSSL_ED25519_SIGN sign/s"
    op_row "Ed25519 sign, bare BouncyCastle" Ed25519Bench.rawBcSign "$OSSL_ED25519_SIGN" "openssl $OSSL_ED25519_SIGN sign/s"
    op_row "Ed25519 verify, BcSignatures" Ed25519Bench.verify "$OSSL_ED25519_VERIFY" "openssl $OSSL_ED25519_VERIFY verify/s"
    op_row "ML-DSA-87 sign, software custody" MlDsa87Bench.custodySign - "none (OpenSSL 3.0 has no ML-DSA)"
    op_row "ML-DSA-87 verify, BcSignatures" MlDsa87Bench.verify - "none"
    op_row "ML-KEM-1024 keygen, BcKem" MlKem1024Bench.keygen - "none (OpenSSL 3.0 has no ML-KEM)"
    op_row "ML-KEM-1024 encapsulate, BcKem" MlKem1024Bench.encapsulate - "none"
    op_row "ML-KEM-1024 decapsulate, BcKem" MlKem1024Bench.decapsulate - "none"
    op_row "X25519 agreement, BcKeyAgreement" AgreementKdfBench.x25519Agree "$OSSL_X25519" "openssl $OSSL_X25519 op/s"
    op_row "HKDF-SHA256, 32-byte output, BcKdf" AgreementKdfBench.hkdfSha256 - "none"
    echo

    read -r v _ < <(result Ed25519Bench.verify)
    verify_us=$(calc '%.1f' '1e6 / a' "$v")
    echo "Target (issue / playbook): Ed25519 verify < 1 ms: $verify_us µs, **$(calc '%s' '(a < 1000) ? "met" : "MISSED"' "$verify_us")**;"
    echo "no slower than OpenSSL: $(calc '%.2f' 'a / b' "$v" "$OSSL_ED25519_VERIFY") x OpenSSL's rate, **$(calc '%s' '(a >= b) ? "met" : "MISSED"' "$v" "$OSSL_ED25519_VERIFY")**."
    echo

    echo "### AEAD, 1 MiB per call"
    echo
    echo "| Operation | Calls/s | MB/s | ± | Reference: openssl speed -evp, 16384-byte blocks | Ratio |"
    echo "|---|---:|---:|---:|---:|---:|"
    for alg in CHACHA20_POLY1305:ChaCha20-Poly1305:"$OSSL_CHACHA_MBPS" AES_256_GCM:AES-256-GCM:"$OSSL_AESGCM_MBPS"; do
        IFS=: read -r param name ref <<<"$alg"
        for op in seal open jdkSeal; do
            read -r s e < <(result "AeadBench.$op" algorithm="$param" size=1048576)
            mbps=$(calc '%.1f' 'a * 1048576 / 1e6' "$s")
            label="$name $op, BcAeads"
            [ "$op" != jdkSeal ] || label="$name seal, JDK's SunJCE (comparison only, not used by AetherCore)"
            echo "| $label | $(calc '%.0f' 'a' "$s") | $mbps | $(pct "$s" "$e") | $ref MB/s | $(calc '%.2f' 'a / b' "$mbps" "$ref") |"
        done
    done
} | tee "$REPORT"
