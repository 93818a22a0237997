# Sourced by scripts/run-tests.sh and scripts/playbook-drill.sh: installs the Debian packages the tests
# need when missing (as root with apt-get; otherwise it names them and stops).
#
# Debian packages used by tests: openssl (interop checks of exported keys), softhsm2 and opensc
# (the PKCS#11 custody is tested against a real SoftHSM2 token, cross-checked with pkcs11-tool).
# swtpm, swtpm-tools and tpm2-tools: the TPM bundle is tested against real TPM 2.0 simulators and
# cross-checked with tpm2-tools (tpm2_checkquote, tpm2_quote, tpm2_makecredential).
# rsyslog: the audit syslog sink test starts its own rsyslogd.
# prometheus: promtool checks the B4AE metrics output and monitoring/alerts.yml.
# lintian and systemd (systemd-analyze): the Debian package test (packaging/debian, docs/packaging.md).
# nftables and iproute2: the multi-node tests run nodes in network namespaces (ip netns, veth, bridge) and
# make real UDP packet loss and partitions with nftables rules (the kernel has no netem); see docs/testing.md.
packages=(openssl softhsm2 opensc swtpm swtpm-tools tpm2-tools rsyslog prometheus nftables iproute2 chromium chromium-driver libnss3-tools curl lintian systemd openssh-client)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing test dependencies: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "The tests need these Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

