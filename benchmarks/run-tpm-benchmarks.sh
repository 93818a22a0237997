#!/usr/bin/env bash
# TPM latency on one swtpm, in one run: the AetherCore TPM bundle (JMH, one persistent session) and
# tpm2-tools (one process per operation: tpm2_quote, tpm2_sign, tpm2_verifysignature) against the
# same simulator, plus tpm2_getrandom as the cost of a tpm2-tools process that sends one trivial command.
# tpm2-tools use persistent handles here (tpm2_evictcontrol), so each process runs its command without
# a context load and leaves nothing behind (swtpm has no resource manager).
# Needs swtpm, swtpm-tools, tpm2-tools. Takes /tmp/jmh.lock so benchmark runs do not overlap.
# Usage: benchmarks/run-tpm-benchmarks.sh [n-per-tool] [extra JMH args]   (after mvn -pl benchmarks -am install)
set -euo pipefail
cd "$(dirname "$0")"
n=${1:-200}
shift || true
exec 9>/tmp/jmh.lock
flock 9

work=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
while ss -ltn | grep -q ":$port \|:$((port + 1)) "; do port=$(( 20000 + RANDOM % 20000 )); done
swtpm socket --tpm2 --server type=tcp,port=$port,bindaddr=127.0.0.1 --ctrl type=tcp,port=$((port + 1)),bindaddr=127.0.0.1 \
  --tpmstate dir="$work" --flags not-need-init,startup-clear --pid file="$work/swtpm.pid" --daemon
cleanup() { swtpm_ioctl --tcp 127.0.0.1:$((port + 1)) -s 2>/dev/null || kill "$(cat "$work/swtpm.pid")" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
echo "swtpm $(swtpm --version 2>&1 | head -1) on 127.0.0.1:$port; tpm2-tools $(tpm2_quote --version | sed 's/.*version="\([^"]*\)".*/\1/'); load $(cut -d' ' -f1-3 /proc/loadavg)"

java -Daethercore.bench.swtpm=127.0.0.1:$port -jar target/benchmarks.jar TpmBench "$@" -rf json -rff "$work/jmh.json" \
  | grep -E "^Benchmark|^TpmBench|TPM handles after"

export TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$port"
cd "$work"
q() { "$@" >/dev/null 2>&1; }
f() { q "$@"; q tpm2_flushcontext -t; q tpm2_flushcontext -s; }   # no resource manager: flush after every step
f true
f tpm2_createek -c ek.ctx -G rsa -u ek.pub
f tpm2_createak -C ek.ctx -c ak.ctx -G ecc -g sha256 -s ecdsa -u ak.pem -f pem
f tpm2_evictcontrol -C o -c ak.ctx 0x81000010
f tpm2_createprimary -C o -g sha256 -G ecc256 -c prim.ctx
f tpm2_create -C prim.ctx -G ecc256:ecdsa-sha256 -u key.pub -r key.priv
f tpm2_load -C prim.ctx -u key.pub -r key.priv -c key.ctx
f tpm2_evictcontrol -C o -c key.ctx 0x81000011
head -c 64 /dev/zero > msg
tpm2_sign -c 0x81000011 -g sha256 -o sig msg

per() { # label, command...: mean wall time of one process in microseconds
  local label=$1; shift
  local start end
  start=$(date +%s%N)
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 || { echo "$label failed: $*" >&2; exit 1; }; done
  end=$(date +%s%N)
  printf '%-26s %8d us per process (n=%d)\n' "$label" $(( (end - start) / n / 1000 )) "$n"
}
per "tpm2_getrandom 8" tpm2_getrandom 8
per "tpm2_quote sha256:0,1,2,7" tpm2_quote -c 0x81000010 -l sha256:0,1,2,7 -q 00112233445566778899 -m q.msg -s q.sig
per "tpm2_sign (P-256)" tpm2_sign -c 0x81000011 -g sha256 -o sig msg
per "tpm2_verifysignature" tpm2_verifysignature -c 0x81000011 -g sha256 -m msg -s sig
# one TPM command per process, no tool logic: raw commands through tpm2_send (password session for the
# persistent keys); send(X) - send(GetRandom) is the TPM time of X as tpm2-tools see it, beside our
# JMH quoteCommand / sign / getRandom
printf '\x80\x01\x00\x00\x00\x0c\x00\x00\x01\x7b\x00\x08' > getrandom.bin
{ printf '\x80\x02\x00\x00\x00\x49\x00\x00\x01\x5d\x81\x00\x00\x11\x00\x00\x00\x09\x40\x00\x00\x09\x00\x00\x00\x00\x00\x00\x20'
  head -c 32 /dev/zero; printf '\x00\x18\x00\x0b\x80\x24\x40\x00\x00\x07\x00\x00'; } > sign.bin
{ printf '\x80\x02\x00\x00\x00\x33\x00\x00\x01\x58\x81\x00\x00\x10\x00\x00\x00\x09\x40\x00\x00\x09\x00\x00\x00\x00\x00\x00\x0a'
  head -c 10 /dev/zero; printf '\x00\x10\x00\x00\x00\x01\x00\x0b\x03\x87\x00\x00'; } > quote.bin
send() { tpm2_send < "$1" > resp.bin && [ "$(xxd -s 6 -l 4 -p resp.bin)" = 00000000 ]; }
send sign.bin || send sign.bin   # the first ECDSA use after start-up may answer TPM_RC_RETRY (self-test)
per "tpm2_send GetRandom" send getrandom.bin
per "tpm2_send Quote" send quote.bin
per "tpm2_send Sign" send sign.bin
left=$(tpm2_getcap handles-transient | grep -c 0x80 || true)
echo "transient handles left in the TPM after the tpm2-tools runs: $left"
