# SPDX-License-Identifier: BSD-3-Clause
# tools/peer.sh leaves nothing behind: after up + down there is no
# namespace, bridge process, socket, run dir or /var/run/dpdk dir; a second
# up with the same name is refused without harming the first; a bad impair
# spec fails before anything is made (exit 2, one line naming the key and
# the range); a failure after the namespace exists (EAL refuses the CPU)
# unwinds everything (exit 1); a bad PN_TAG is refused like a bad spec.
. "$(dirname "$0")/peer_lib.sh"

peer=d$$
leftovers() { # NAME PID: print whatever of peer NAME still exists
	local n
	n=$(pn_tagged "$1")
	ip netns list | awk '{ print $1 }' | grep -x "pn-$n"
	[ -n "$2" ] && pn_alive "$2" && echo "process $2"
	ls -d "/tmp/pn-peer-$n" "/var/run/dpdk/pn-peer-$n" 2>/dev/null
	pgrep -f -- "--file-prefix pn-peer-$n " | sed 's/^/process /'
}

pn_peer_up "$peer"
[ -S "$PEER_socket" ] || pn_fail "no socket at $PEER_socket"
pn_alive "$PEER_pid" || pn_fail "bridge $PEER_pid not running"
[ "$PEER_namespace" = "pn-$(pn_tagged "$peer")" ] || pn_fail "namespace $PEER_namespace"
[ "$PEER_socket" = "/tmp/pn-peer-$(pn_tagged "$peer")/vh.sock" ] || pn_fail "socket $PEER_socket"
[ -d "/var/run/dpdk/$PEER_prefix" ] || pn_fail "no EAL runtime dir /var/run/dpdk/$PEER_prefix"
pn_peer_exec "$peer" ip -o addr show dev pntap0 | grep -q 'inet 198.18.0.1/24' ||
	pn_fail "pntap0 lacks 198.18.0.1/24"
[ "$(pn_peer_exec "$peer" sysctl -n net.ipv4.tcp_tw_reuse)" = 1 ] || pn_fail "tcp_tw_reuse"
"$PN_PEER" status --name "$peer" | grep -qx state=up || pn_fail "status: not up"
ip link show pntap0 >/dev/null 2>&1 && pn_fail "pntap0 appeared outside the namespace"

out=$("$PN_PEER" up --name "$peer" --cpu 1 2>&1) && pn_fail "a second up with the same name succeeded"
grep -q "exists already" <<<"$out" || pn_fail "second up: '$out'"
pn_alive "$PEER_pid" || pn_fail "a refused second up harmed the first bridge"

"$PN_PEER" down --name "$peer" >/dev/null || pn_fail "down failed"
pn_wait_gone "$PEER_pid" 1 || pn_fail "bridge $PEER_pid still running after down"
left=$(leftovers "$peer" "$PEER_pid")
[ -z "$left" ] || pn_fail "left after down: $left"
"$PN_PEER" status --name "$peer" >/dev/null && pn_fail "status says up after down"
"$PN_PEER" down --name "$peer" >/dev/null || pn_fail "a second down failed"
echo "ok: up + down leave nothing"

bad=e$$
PN_PEER_NAMES+=("$bad")
out=$("$PN_PEER" up --name "$bad" --impair-to-kernel loss=200 2>&1)
rc=$?
[ $rc = 2 ] || pn_fail "bad spec: exit $rc, expected 2 ($out)"
grep -q "loss=200: must be a percentage in 0..100" <<<"$out" || pn_fail "bad spec message: '$out'"
[ "$(wc -l <<<"$out")" = 1 ] || pn_fail "bad spec: more than one line: '$out'"
left=$(leftovers "$bad" "")
[ -z "$left" ] || pn_fail "left after a bad spec: $left"
echo "ok: bad spec -> $out"

out=$("$PN_PEER" up --name "$bad" --cpu 4096 2>&1)
rc=$?
[ $rc = 1 ] || pn_fail "EAL failure: exit $rc, expected 1 ($out)"
grep -q "up failed" <<<"$out" || pn_fail "EAL failure message: '$out'"
left=$(leftovers "$bad" "")
[ -z "$left" ] || pn_fail "left after a failed up: $left"
echo "ok: failed up unwinds: $(grep 'peer.sh' <<<"$out" | head -n 2 | tr '\n' ' ')"

# A bad PN_TAG: refused before anything is made, one line naming it.
out=$(PN_TAG=Bad_1 "$PN_PEER" up --name "$bad" 2>&1)
rc=$?
[ $rc = 2 ] || pn_fail "bad PN_TAG: exit $rc, expected 2 ($out)"
grep -q "^PN_TAG='Bad_1': must be 1..8 characters of a-z 0-9" <<<"$out" || pn_fail "bad PN_TAG message: '$out'"
[ "$(wc -l <<<"$out")" = 1 ] || pn_fail "bad PN_TAG: more than one line: '$out'"
out=$(PN_TAG=abcdefghi "$PN_PEER" status --name "$bad" 2>&1)
[ $? = 2 ] && grep -q "^PN_TAG='abcdefghi'" <<<"$out" || pn_fail "a 9-character PN_TAG: '$out'"
echo "ok: bad PN_TAG -> $out"
