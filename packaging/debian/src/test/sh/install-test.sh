#!/bin/bash
# The Debian package's install test (run by DebianPackageIT): installs the .deb into a fresh root (an overlay
# of this machine's root in a private mount namespace: the real dpkg, adduser and JDK 17, every change
# thrown away at the end), checks the layout, runs systemd-analyze verify on the installed units, starts
# the node exactly as aethercore-node.service does (ExecStart and the EnvironmentFile, as user
# aethercore), waits for it, stops it with bin/stop, runs the daily audit check as its unit would, then
# upgrades (reinstall with an edited conffile) and purges, checking what each keeps.
# Usage: install-test.sh <package.deb> <work dir>. Prints "PASS <step>" lines; exits 1 at the first failure.
set -euo pipefail
DEB=$(readlink -f "$1")
WORK=$(readlink -f "$2")

if [ -z "${IN_NS:-}" ]; then
    rm -rf "$WORK"; mkdir -p "$WORK"/{upper,ovlwork,root}
    exec unshare --mount --propagation private env IN_NS=1 "$0" "$@"
fi

ROOT=$WORK/root
mount -t overlay overlay -o "lowerdir=/,upperdir=$WORK/upper,workdir=$WORK/ovlwork" "$ROOT"
mount -t proc proc "$ROOT/proc"
mount --rbind /dev "$ROOT/dev"
mount --rbind /sys "$ROOT/sys"
mount -t tmpfs tmpfs "$ROOT/run"
mount -t tmpfs tmpfs "$ROOT/tmp"
cp "$DEB" "$ROOT/tmp/aethercore.deb"

fail() { echo "FAIL $*"; exit 1; }
pass() { echo "PASS $*"; }
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
mode_of() { in_root stat -c '%a %U:%G' "$1"; }
expect_mode() { local got; got=$(mode_of "$1"); [ "$got" = "$2" ] || fail "mode of $1: $got, expected $2"; }

# --- install --------------------------------------------------------------------------------------------
in_root dpkg-query -W aethercore >/dev/null 2>&1 && fail "aethercore already installed in the base root"
in_root id aethercore >/dev/null 2>&1 && fail "user aethercore already exists in the base root"
in_root dpkg -i /tmp/aethercore.deb || fail "dpkg -i"
pass "dpkg -i into a fresh root"

in_root id aethercore | grep -q '(tss)' || fail "aethercore is not in group tss: $(in_root id aethercore)"
[ "$(in_root getent passwd aethercore | cut -d: -f6,7)" = "/var/lib/aethercore:/usr/sbin/nologin" ] \
    || fail "aethercore home/shell: $(in_root getent passwd aethercore)"
expect_mode /etc/aethercore "750 aethercore:aethercore"
expect_mode /etc/aethercore/config.properties "640 aethercore:aethercore"
expect_mode /var/lib/aethercore "750 aethercore:aethercore"
expect_mode /var/lib/aethercore/backups "700 aethercore:aethercore"
expect_mode /var/log/aethercore "750 aethercore:aethercore"
expect_mode /opt/aethercore/bin/karaf "755 root:root"
[ "$(in_root readlink /opt/aethercore/etc)" = /etc/aethercore ] || fail "/opt/aethercore/etc link"
[ "$(in_root readlink /opt/aethercore/data)" = /var/lib/aethercore ] || fail "/opt/aethercore/data link"
[ -L "$ROOT/etc/systemd/system/multi-user.target.wants/aethercore-node.service" ] || fail "node unit not enabled"
[ -L "$ROOT/etc/systemd/system/timers.target.wants/aethercore-audit-integrity.timer" ] || fail "audit timer not enabled"
[ -L "$ROOT/etc/systemd/system/timers.target.wants/aethercore-gospel-backup.timer" ] || fail "backup timer not enabled"
pass "user, group tss, modes, links, enabled units"

# --- systemd-analyze verify on the installed units ------------------------------------------------------
# (the units name /usr/lib/aethercore and /opt/aethercore binaries: they exist only in the installed root)
out=$(in_root systemd-analyze verify /lib/systemd/system/aethercore-node.service \
    /lib/systemd/system/aethercore-audit-integrity.service /lib/systemd/system/aethercore-audit-integrity.timer \
    /lib/systemd/system/aethercore-gospel-backup.service /lib/systemd/system/aethercore-gospel-backup.timer 2>&1) \
    || fail "systemd-analyze verify: $out"
if echo "$out" | grep -i 'aethercore' ; then fail "systemd-analyze verify warns about our units: $out"; fi
pass "systemd-analyze verify (5 units)"

# --- start the node as aethercore-node.service does -----------------------------------------------------
unit=$ROOT/lib/systemd/system/aethercore-node.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ "$exec_start" = /usr/lib/aethercore/aethercore-node ] || fail "unexpected ExecStart $exec_start"
user=$(sed -n 's/^User=//p' "$unit")
umask_u=$(sed -n 's/^UMask=//p' "$unit")
printf 'genesis placeholder\n' > "$ROOT/etc/aethercore/genesis-bundle.bin"
STDOUT=$WORK/node-stdout.log
# EnvironmentFile=-/etc/default/aethercore, User=aethercore (+ its groups), UMask, stdout = the journal
setsid chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    /bin/sh -c "umask $umask_u; set -a; . /etc/default/aethercore; set +a; \
        exec setpriv --reuid=$user --regid=$user --init-groups $exec_start" \
    > "$STDOUT" 2>&1 < /dev/null &
NODE=$!
up=""
for _ in $(seq 1 120); do
    if grep -q 'aethercore' "$STDOUT" 2>/dev/null && [ -f "$ROOT/var/lib/aethercore/port" ]; then up=1; break; fi
    kill -0 "$NODE" 2>/dev/null || break
    sleep 1
done
[ -n "$up" ] || { tail -50 "$STDOUT"; kill -- -"$NODE" 2>/dev/null || true; fail "node did not come up"; }
# give the boot features time to finish, then check both log destinations
sleep 8
pid=$(pgrep -n -f 'org.apache.karaf.main.Main' -g "$NODE" || true)
[ -n "$pid" ] || fail "no Karaf JVM in the node's process group"
# ps runs outside the root, where the user has no name: compare the numeric uid
[ "$(ps -o uid= -p "$pid" | tr -d ' ')" = "$(in_root id -u aethercore)" ] || fail "the JVM does not run as aethercore"
ps -o args= -p "$pid" | grep -q -- '-Xmx1g' || fail "JAVA_MAX_MEM not applied: $(ps -o args= -p "$pid")"
grep -q 'INFO' "$STDOUT" || fail "no Karaf log lines on stdout (the journal)"
# the node's own lines (the same logger the enrollment lines use) reach stdout, not only Karaf's
for _ in $(seq 1 30); do grep -q "ChannelHost - B4AE 'default' ready" "$STDOUT" && break; sleep 1; done
grep -q "ChannelHost - B4AE 'default' ready" "$STDOUT" || fail "no AetherCore component line on stdout"
grep -q $'\e\[' "$STDOUT" && fail "ANSI colour codes in the journal output"
[ -s "$ROOT/var/log/aethercore/karaf.log" ] || fail "no /var/log/aethercore/karaf.log"
echo "--- node stdout (what journalctl -u aethercore-node shows), first AetherCore lines:"
grep -v FeaturesServiceImpl "$STDOUT" | grep -i 'aethercore\|enrol\|mesh\|b4ae' | cut -c1-200 | head -15 || true
echo "---"
pass "node started from the installed tree as aethercore, log on stdout and in /var/log/aethercore"

# stop cleanly (bin/stop talks to the shutdown port; the unit's SIGTERM to the cgroup does the same)
in_root setpriv --reuid=aethercore --regid=aethercore --init-groups env KARAF_HOME=/opt/aethercore \
    /opt/aethercore/bin/stop >/dev/null 2>&1 || fail "bin/stop"
for _ in $(seq 1 60); do kill -0 "$NODE" 2>/dev/null || break; sleep 1; done
if kill -0 "$NODE" 2>/dev/null; then kill -- -"$NODE"; fail "node did not stop within 60 s"; fi
rc=0; wait "$NODE" || rc=$?
[ "$rc" = 0 ] || fail "node exited $rc"
pgrep -g "$NODE" >/dev/null && fail "processes left in the node's group"
pass "node stopped cleanly (exit 0)"

[ -d "$ROOT/var/lib/aethercore/aethercore" ] || fail "no node data under /var/lib/aethercore/aethercore"
[ -z "$(find "$ROOT/var/lib/aethercore" ! -uid "$(in_root id -u aethercore)" -print -quit)" ] || fail "files under /var/lib/aethercore not owned by aethercore"
pass "node data in /var/lib/aethercore, owned by aethercore"

# the daily audit check, as aethercore-audit-integrity.service runs it
aunit=$ROOT/lib/systemd/system/aethercore-audit-integrity.service
a_exec=$(sed -n 's/^ExecStart=//p' "$aunit")
a_env=$(sed -n 's/^Environment=//p' "$aunit")
arc=0
chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 $a_env \
    setpriv --reuid=aethercore --regid=aethercore --init-groups $a_exec > "$WORK/audit-check.log" 2>&1 || arc=$?
cat "$WORK/audit-check.log" | tail -5
[ "$arc" = 0 ] || fail "audit-integrity-check exited $arc"
pass "audit-integrity-check as its unit runs it: exit 0"

# --- upgrade (reinstall): conffile edits, data and keys survive ------------------------------------------
echo '# operator edit' >> "$ROOT/etc/aethercore/io.aethercore.b4ae.cfg"
sed -i 's/^JAVA_MAX_MEM=.*/JAVA_MAX_MEM=2g/' "$ROOT/etc/default/aethercore"
echo data > "$ROOT/var/lib/aethercore/aethercore/upgrade-marker"
chmod 0644 "$ROOT/etc/aethercore/genesis-bundle.bin"
host_key_before=$(ls "$ROOT/etc/aethercore" | sort)
in_root dpkg --force-confold -i /tmp/aethercore.deb > "$WORK/upgrade.log" 2>&1 || { cat "$WORK/upgrade.log"; fail "reinstall"; }
grep -q '^# operator edit' "$ROOT/etc/aethercore/io.aethercore.b4ae.cfg" || fail "conffile edit lost on upgrade"
grep -q '^JAVA_MAX_MEM=2g' "$ROOT/etc/default/aethercore" || fail "/etc/default/aethercore edit lost on upgrade"
[ -f "$ROOT/var/lib/aethercore/aethercore/upgrade-marker" ] || fail "data lost on upgrade"
expect_mode /etc/aethercore/genesis-bundle.bin "400 aethercore:aethercore"
[ "$(ls "$ROOT/etc/aethercore" | sort)" = "$host_key_before" ] || fail "files in /etc/aethercore changed on upgrade"
pass "upgrade keeps conffile edits, data, keys; genesis-bundle.bin back to 0400"

# --- purge ----------------------------------------------------------------------------------------------
in_root dpkg --purge aethercore > "$WORK/purge.log" 2>&1 || { cat "$WORK/purge.log"; fail "purge"; }
[ ! -e "$ROOT/opt/aethercore/bin/karaf" ] || fail "/opt/aethercore left after purge"
[ ! -e "$ROOT/etc/aethercore/config.properties" ] || fail "conffiles left after purge"
[ ! -e "$ROOT/etc/default/aethercore" ] || fail "/etc/default/aethercore left after purge"
[ -f "$ROOT/var/lib/aethercore/aethercore/upgrade-marker" ] || fail "purge removed node data"
[ -f "$ROOT/etc/aethercore/genesis-bundle.bin" ] || fail "purge removed genesis-bundle.bin"
[ ! -e "$ROOT/var/lib/aethercore/cache" ] || fail "purge left the OSGi cache"
in_root id aethercore >/dev/null || fail "purge removed the user (files would lose their owner)"
[ ! -e "$ROOT/etc/systemd/system/multi-user.target.wants/aethercore-node.service" ] || fail "enable link left after purge"
echo "kept after purge: $(cd "$ROOT" && find etc/aethercore var/lib/aethercore var/log/aethercore -maxdepth 2 | sort | tr '\n' ' ')"
pass "purge removes the package and conffiles, keeps data, keys and the user"
