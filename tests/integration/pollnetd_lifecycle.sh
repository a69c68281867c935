# SPDX-License-Identifier: BSD-3-Clause
# pollnetd start-up failures are one line naming the setting and a
# non-zero exit, and leave nothing behind; a clean start and SIGTERM stop
# leave no process, runtime directory or socket behind either. PN_TAG
# names the clean run's runtime directory: pollnetd and pollnetctl are
# given no prefix (kernel_lib.sh).
. "$(dirname "$0")/kernel_lib.sh"

prefix=$PN_RUN_ID-lc
dprefix=pollnetd-$PN_TAG
# hugefiles_left: files named after our prefixes in any hugetlbfs mount
# (EAL names them <prefix>map_N in the mount it took the pages from;
# without hugepages reserved there are none to find, and none to leave).
hugefiles_left() {
	local dev mnt fstype rest
	while read -r dev mnt fstype rest; do
		[ "$fstype" = hugetlbfs ] || continue
		mnt=$(printf '%b' "$mnt") # /proc/mounts writes a space as \040
		ls -A "$mnt" 2>/dev/null | grep -e "^$prefix" -e "^$dprefix" -e "^$PN_RUN_ID" |
			sed "s|^|$mnt/|"
	done </proc/mounts
}
# expect_fail CODE NEEDLE ARGS...: pollnetd exits CODE, its last line has NEEDLE.
expect_fail() {
	local code=$1 needle=$2 out rc left
	shift 2
	out=$("$PN_POLLNETD" --set "eal.file_prefix=$prefix" --set eal.lcores=0@0,1@0 "$@" 2>&1)
	rc=$?
	[ $rc -eq "$code" ] || pn_fail "pollnetd $*: exit $rc, expected $code: $(tail -n 3 <<<"$out")"
	grep -q "^pollnetd: .*$needle" <<<"$out" || pn_fail "pollnetd $*: no line with '$needle': $(tail -n 3 <<<"$out")"
	[ ! -e "/var/run/dpdk/$prefix" ] || pn_fail "pollnetd $*: left /var/run/dpdk/$prefix behind"
	left=$(hugefiles_left)
	[ -z "$left" ] || pn_fail "pollnetd $*: left hugepage files: $left"
	echo "ok: exit $code: $(grep '^pollnetd: ' <<<"$out" | tail -n 1)"
}

# Configuration: refused before anything starts.
expect_fail 2 '\[napi\] weight = 0 is out of range (1..512)' --set napi.weight=0
expect_fail 2 'unknown key \[port\] paht' --set port.paht=/x
expect_fail 2 'config /nonexistent.conf' -c /nonexistent.conf
# The device: no vhost-user backend at the socket path.
expect_fail 1 "path $PN_TMP/none.sock: no such socket" --set "port.path=$PN_TMP/none.sock"
# PN_TAG: a bad one is one line naming it; a good one tags the defaults,
# and an explicit prefix still wins.
out=$(PN_TAG=Bad_1 "$PN_POLLNETD" --check 2>&1)
rc=$?
[ $rc = 2 ] && [ "$(wc -l <<<"$out")" = 1 ] &&
	grep -q "^pollnetd: PN_TAG='Bad_1': must be 1..8 characters of a-z 0-9" <<<"$out" ||
	pn_fail "bad PN_TAG: exit $rc: '$out'"
out=$(PN_TAG=Bad_1 "$PN_SOURCE_DIR/tools/pollnetctl" 2>&1)
[ $? != 0 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q "^PN_TAG='Bad_1'" <<<"$out" ||
	pn_fail "pollnetctl, bad PN_TAG: '$out'"
cfg=$("$PN_POLLNETD" --print-config) || pn_fail "--print-config failed"
grep -q "^file_prefix = pollnetd-$PN_TAG\$" <<<"$cfg" &&
	grep -q "^path = /tmp/pn-peer-pollnet-$PN_TAG/vh.sock\$" <<<"$cfg" ||
	pn_fail "PN_TAG=$PN_TAG not in the defaults: $(grep -E '^(file_prefix|path) =' <<<"$cfg")"
"$PN_POLLNETD" --print-config --set eal.file_prefix=x | grep -q '^file_prefix = x$' ||
	pn_fail "PN_TAG overrode an explicit file_prefix"
echo "ok: PN_TAG: bad one refused, defaults pollnetd-$PN_TAG, explicit prefix wins"
# Hugepages demanded but none reserved (skipped where some are free).
if [ "$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2>/dev/null || echo 0)" -eq 0 ]; then
	expect_fail 1 '\[eal\] hugepages = yes, but 0 MB' --set eal.hugepages=yes
fi

# Memory: more mbufs than [eal] memory_mb holds, against a live peer.
peer=m$$
pn_peer_up "$peer"
expect_fail 1 'mempool of \[pollnetd\] mbufs = 1048575' \
	--set "port.path=$PEER_socket" --set eal.memory_mb=64 \
	--set pollnetd.mbufs=1048575

# A clean run: start, answer, stop on SIGTERM, leave nothing. No prefix
# given: pollnetd's default, pollnetd-PN_TAG, which pollnetctl finds.
pn_pollnetd_start d "$peer"
pn_log_has d "telemetry in /var/run/dpdk/$dprefix\$" || pn_fail "pollnetd does not run as $dprefix: $(grep '^pollnetd: running' "$PN_TMP/d.log")"
pn_peer_exec "$peer" ping -c 1 -W 2 198.18.0.2 >/dev/null ||
	pn_wait_for "an echo reply" 20 pn_peer_exec "$peer" ping -c 1 -W 1 198.18.0.2
[ -S "/var/run/dpdk/$dprefix/dpdk_telemetry.v2" ] || pn_fail "no telemetry socket while running"
# pollnetctl reads it: what the ping did is there, as tables and as JSON.
pn_ctl >"$PN_TMP/ctl.txt" || pn_fail "pollnetctl status failed"
grep -q 'virtio_user0' "$PN_TMP/ctl.txt" || pn_fail "pollnetctl status: no port: $(cat "$PN_TMP/ctl.txt")"
pn_ctl --json status >"$PN_TMP/status.json" || pn_fail "pollnetctl --json status"
pn_ctl --json arp >"$PN_TMP/arp.json" || pn_fail "pollnetctl --json arp"
pn_json_check "$PN_TMP/status.json" "$PN_TMP/arp.json" -- '
st, arp = j
assert st["lcores"]["shards"] == 1, st["lcores"]
assert st["ip"]["icmp_echo_in"] >= 1, st["ip"]
assert st["ports"][0]["name"] == "virtio_user0" and st["ports"][0]["link"] == "UP", st["ports"]
assert st["softnet"][0]["processed"] >= 2, st["softnet"]
assert any(e.startswith("198.18.0.1 ") for e in arp["0"]), arp
print("ok: pollnetctl shows the echo, the port and the neighbour")
'
pn_ctl --prefix "$PN_RUN_ID-nope" status 2>"$PN_TMP/ctl.err" && pn_fail "pollnetctl: no error for a missing process"
grep -q 'no telemetry socket' "$PN_TMP/ctl.err" || pn_fail "pollnetctl: unclear error: $(cat "$PN_TMP/ctl.err")"
pn_pollnetd_stop d
pn_log_has d '^shard 0: rounds' || pn_fail "no final counters"
[ ! -e "/var/run/dpdk/$dprefix" ] || pn_fail "runtime directory left after stop: $(ls /var/run/dpdk/$dprefix)"
pn_alive "$PN_PID_d" && pn_fail "a pollnetd process is left"
left=$(hugefiles_left)
[ -z "$left" ] || pn_fail "hugepage files left: $left"
pn_peer_down "$peer"
ip netns list | grep -q "$PEER_namespace" && pn_fail "namespace $PEER_namespace left"
echo "ok: clean start/stop, nothing left"
