#!/usr/bin/env bash
# PKCS#11 signing on SoftHSM2: through the AetherCore custody and a bare ipkcs11wrapper call (JMH),
# and one pkcs11-tool --sign per process for reference. Needs softhsm2 and opensc, and a quiet machine.
# Usage: benchmarks/run-hsm-benchmarks.sh [max-load]   (after mvn -pl benchmarks -am install)
set -euo pipefail
cd "$(dirname "$0")"
max_load=${1:-1.0}
load=$(cut -d' ' -f1 /proc/loadavg)
if awk "BEGIN {exit !($load >= $max_load)}"; then
  echo "load average $load >= $max_load: not benchmarking on a busy machine" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOFTHSM2_CONF="$work/softhsm2.conf"
java -jar target/benchmarks.jar HsmSignBench -rf json -rff "$work/jmh.json" | tail -8

# pkcs11-tool --sign: a process per signature (load the module, C_Initialize, login, find, sign);
# keys are chosen by --id: with an Ed25519 and a P-256 key on the token, --label made pkcs11-tool 0.23 fail (CKR_OPERATION_NOT_INITIALIZED)
mkdir -p "$work/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$work/tokens" > "$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label ref --so-pin 12345678 --pin 1234 >/dev/null
lib=/usr/lib/softhsm/libsofthsm2.so
p11() { pkcs11-tool --module "$lib" --token-label ref --login --pin 1234 "$@"; }
p11 --keypairgen --key-type EC:prime256v1 --label p --id 01 >/dev/null 2>&1
p11 --keypairgen --key-type EC:edwards25519 --label e --id 02 >/dev/null 2>&1
head -c 64 /dev/zero > "$work/msg"
openssl dgst -sha256 -binary "$work/msg" > "$work/hash"
n=50
for spec in "02 EDDSA msg" "01 ECDSA hash"; do
  set -- $spec
  start=$(date +%s%N)
  for _ in $(seq $n); do p11 --sign --mechanism "$2" --id "$1" --input-file "$work/$3" --output-file "$work/sig" >/dev/null 2>&1; done
  end=$(date +%s%N)
  echo "pkcs11-tool --sign --mechanism $2: $(( (end - start) / n / 1000 )) us per process (n=$n)"
done
