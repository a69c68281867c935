# SPDX-License-Identifier: BSD-3-Clause
# Load from real clients: pollnetd's HTTP responder (the sockets/epoll API
# under it) against wrk and ab run by the Linux kernel through the
# tools/peer.sh bridge: wrk -t1 -c32 -d3s, ab -n 2000 -c 16 -k (keep-alive)
# and ab -n 500 -c 8 (a connection per request). Asserts: no socket error,
# only 2xx, every ab request completed, and a clean stop with no
# unexplained drop. Requests per second are printed, never asserted.
. "$(dirname "$0")/kernel_lib.sh"

peer=sock$$
url=http://198.18.0.2/
pn_peer_up "$peer"
pn_pollnetd_start sockd "$peer" --set tcp.msl_ms=1000
ns() { pn_peer_exec "$peer" "$@"; }
pn_log_has sockd 'http on 80' ||
	pn_fail "pollnetd did not report its HTTP service: $(cat "$PN_TMP/sockd.log")"
# Short connections from the kernel side must not stall on TIME-WAIT.
ns sysctl -q -w net.ipv4.tcp_tw_reuse=1 || pn_fail "sysctl tcp_tw_reuse"
pn_wait_for "a first echo reply" 20 ns ping -c 1 -W 1 198.18.0.2 >/dev/null
pn_wait_for "the HTTP responder" 10 ns curl -s -m 2 -o /dev/null "$url"

# wrk: 32 keep-alive connections for 3 s. It prints "Socket errors" and
# "Non-2xx or 3xx responses" lines only when there are any.
ns timeout 30 wrk -t1 -c32 -d3s "$url" >"$PN_TMP/wrk.out" 2>&1 ||
	pn_fail "wrk failed: $(cat "$PN_TMP/wrk.out")"
grep -q 'requests in' "$PN_TMP/wrk.out" || pn_fail "wrk: no summary: $(cat "$PN_TMP/wrk.out")"
wrk_reqs=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$PN_TMP/wrk.out")
[ "${wrk_reqs:-0}" -gt 0 ] || pn_fail "wrk: no request done: $(cat "$PN_TMP/wrk.out")"
grep -q 'Socket errors' "$PN_TMP/wrk.out" &&
	pn_fail "wrk: socket errors: $(cat "$PN_TMP/wrk.out")"
grep -q 'Non-2xx' "$PN_TMP/wrk.out" &&
	pn_fail "wrk: non-2xx responses: $(cat "$PN_TMP/wrk.out")"
wrk_rps=$(sed -n 's/^Requests\/sec: *//p' "$PN_TMP/wrk.out")

# ab: $1 requests, $2 at a time, $3 extra options; checks the summary,
# sets AB_RPS.
ab_run() {
	local out="$PN_TMP/ab-$1-$2.out" v
	ns timeout 60 ab -q -s 10 -n "$1" -c "$2" ${3:+"$3"} "$url" >"$out" 2>&1 ||
		pn_fail "ab -n $1 -c $2 $3 failed: $(cat "$out")"
	v=$(sed -n 's/^Complete requests: *//p' "$out")
	[ "${v:-0}" = "$1" ] || pn_fail "ab -n $1 -c $2 $3: $v requests complete: $(cat "$out")"
	v=$(sed -n 's/^Failed requests: *//p' "$out")
	[ "${v:-x}" = 0 ] || pn_fail "ab -n $1 -c $2 $3: $v failed: $(cat "$out")"
	v=$(sed -n 's/^Write errors: *//p' "$out")
	[ "${v:-0}" = 0 ] || pn_fail "ab -n $1 -c $2 $3: $v write errors: $(cat "$out")"
	grep -q '^Non-2xx responses' "$out" &&
		pn_fail "ab -n $1 -c $2 $3: non-2xx responses: $(cat "$out")"
	AB_RPS=$(sed -n 's/^Requests per second: *\([0-9.]*\).*/\1/p' "$out")
}
# ab -k speaks HTTP/1.0 and keeps a connection only when the response
# says "Connection: keep-alive"; otherwise it waits for the server to close.
ns curl -s -0 -m 5 -H 'Connection: keep-alive' -D "$PN_TMP/ka.head" -o /dev/null "$url" ||
	pn_fail "curl -0 (HTTP/1.0 keep-alive) failed"
grep -qi '^Connection: *keep-alive' "$PN_TMP/ka.head" ||
	pn_fail "the HTTP responder keeps an HTTP/1.0 keep-alive connection open without saying 'Connection: keep-alive' (ab -k then waits for a close): $(cat "$PN_TMP/ka.head")"
ab_run 2000 16 -k
ab_ka_rps=$AB_RPS
ka=$(sed -n 's/^Keep-Alive requests: *//p' "$PN_TMP/ab-2000-16.out")
[ "${ka:-0}" -gt 0 ] || pn_fail "ab -k: no keep-alive request: $(cat "$PN_TMP/ab-2000-16.out")"
ab_run 500 8
ab_rps=$AB_RPS

pn_pollnetd_stop sockd
kretrans=$(pn_kernel_counter "$peer" 'Tcp: RetransSegs')
pn_peer_down "$peer"

tcp() { grep '^tcp: ' "$PN_TMP/sockd.log" | tail -n 1 | grep -o " $1 [0-9]*" | awk '{ print $NF }'; }
# wrk stops by closing its 32 connections with requests still in flight:
# the kernel answers our late responses with RSTs, so each of those
# connections may end in a reset (Linux counts them as EstabResets too).
# ab waits for every response; nothing else may reset.
resets=$(tcp EstabResets)
[ "${resets:-0}" -le 32 ] || pn_fail "TCP EstabResets $resets (more than wrk's 32 connections)"
drops=$(pn_pollnetd_drops sockd)
# Accepted drop reasons, and why:
#  ETH_MULTICAST, ETH_UNKNOWN_TYPE: the namespace's own multicast/IPv6
#    chatter on the tap, not traffic for us;
#  TCP_OLD_SEQUENCE + TCP_OUT_OF_WINDOW, at most one per kernel
#    retransmission: a segment wholly below rcv_nxt (a tail loss probe
#    racing our delayed ACK: TCP_OLD_SEQUENCE), ACKed and dropped as RFC
#    9293 3.10.7.4 says.
# Anything else (queue full, no socket, mempool, backlog...) fails.
#  TCP_RST_INVALID, TCP_LISTEN_BAD, at most 2 each per wrk connection:
#    when wrk stops it closes its 32 connections with responses still in
#    flight; the client kernel answers each late segment with an RST. The
#    first (at our rcv_nxt - 1, after its FIN) is out of window, the next
#    resets the connection, later ones find only the listener.
drop_count() { grep -o "$1 [0-9]*" <<<"$drops" | awk '{ print $2 }'; }
oow=$(drop_count TCP_OUT_OF_WINDOW)
old=$(drop_count TCP_OLD_SEQUENCE)
[ $((${oow:-0} + ${old:-0})) -le "${kretrans:-0}" ] ||
	pn_fail "TCP_OUT_OF_WINDOW ${oow:-0} + TCP_OLD_SEQUENCE ${old:-0} exceed the kernel's RetransSegs ${kretrans:-0}: $drops"
for r in TCP_RST_INVALID TCP_LISTEN_BAD; do
	v=$(drop_count $r)
	[ "${v:-0}" -le 64 ] || pn_fail "$r $v: more than 2 per wrk connection: $drops"
done
for d in $drops; do
	case $d in
	[0-9]*|ETH_MULTICAST|ETH_UNKNOWN_TYPE|TCP_OUT_OF_WINDOW|TCP_OLD_SEQUENCE) ;;
	TCP_RST_INVALID|TCP_LISTEN_BAD) ;;
	*) pn_fail "unexpected pollnetd drops: $drops" ;;
	esac
done
echo "ok: wrk -t1 -c32 -d3s: $wrk_reqs requests, ${wrk_rps:-?} req/s; ab -k -n 2000 -c 16: ${ab_ka_rps:-?} req/s ($ka keep-alive); ab -n 500 -c 8: ${ab_rps:-?} req/s (informational); kernel RetransSegs ${kretrans:-0}; drops: ${drops:- none}"
