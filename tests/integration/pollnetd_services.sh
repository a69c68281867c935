# SPDX-License-Identifier: BSD-3-Clause
# pollnetd's built-in TCP services ([services]) against the Linux kernel
# through the tools/peer.sh bridge: echo (nc, the bytes come back equal),
# discard (nc, the bytes are taken; pollnetd's TCP counters show them),
# the HTTP responder (curl: the body, keep-alive over two requests on one
# connection, Connection: close honoured), 50 sequential short
# connections, then a clean stop with TCP counters and no unexplained drop.
. "$(dirname "$0")/pollnetd_lib.sh"

peer=s$$
body="pollnet services test body"
pn_peer_up "$peer"
# Offloads on, as by default: pollnetd's TCP checksums are completed by
# the bridge (pollnet-bench io, as a virtio host does for NEEDS_CSUM).
pn_pollnetd_start d "$peer" --set "services.http_body=$body" --set tcp.msl_ms=1000
ns() { pn_peer_exec "$peer" "$@"; }
pn_log_has d '^pollnetd: services: echo on 7 discard on 9 http on 80' ||
	pn_fail "pollnetd did not report its services: $(cat "$PN_TMP/d.log")"
url=http://198.18.0.2/

# The first ping resolves the neighbour; then the listeners must answer.
pn_wait_for "a first echo reply" 20 ns ping -c 1 -W 1 198.18.0.2 >/dev/null
pn_wait_for "the HTTP responder" 10 ns curl -s -m 2 -o /dev/null "$url"

# echo: 64 KiB of random bytes come back equal.
head -c 65536 /dev/urandom >"$PN_TMP/echo.in"
ns nc -N -w 5 198.18.0.2 7 <"$PN_TMP/echo.in" >"$PN_TMP/echo.out" ||
	pn_fail "echo: nc failed"
cmp -s "$PN_TMP/echo.in" "$PN_TMP/echo.out" ||
	pn_fail "echo: $(stat -c %s "$PN_TMP/echo.out") bytes came back, not the 65536 sent, or different"

# discard: 1 MiB is taken, nothing comes back.
head -c 1048576 /dev/zero >"$PN_TMP/discard.in"
ns nc -N -w 5 198.18.0.2 9 <"$PN_TMP/discard.in" >"$PN_TMP/discard.out" ||
	pn_fail "discard: nc failed"
[ ! -s "$PN_TMP/discard.out" ] || pn_fail "discard: it answered"

# http: the body; two requests on one connection; Connection: close.
out=$(ns curl -s -m 5 "$url") || pn_fail "http: curl failed"
[ "$out" = "$body" ] || pn_fail "http: body '$out', expected '$body'"
out=$(ns curl -sv -m 5 "$url" "$url" 2>"$PN_TMP/curl-ka.err") ||
	pn_fail "http keep-alive: curl failed: $(cat "$PN_TMP/curl-ka.err")"
[ "$out" = "$body$body" ] || pn_fail "http keep-alive: bodies '$out'"
grep -Eqi 're-?using existing connection' "$PN_TMP/curl-ka.err" ||
	pn_fail "http keep-alive: the second request did not reuse the connection: $(cat "$PN_TMP/curl-ka.err")"
out=$(ns curl -sv -m 5 -H 'Connection: close' "$url" "$url" 2>"$PN_TMP/curl-close.err") ||
	pn_fail "http close: curl failed: $(cat "$PN_TMP/curl-close.err")"
[ "$out" = "$body$body" ] || pn_fail "http close: bodies '$out'"
grep -qi '^< Connection: close' "$PN_TMP/curl-close.err" ||
	pn_fail "http close: no 'Connection: close' in the response"
grep -Eqi 're-?using existing connection' "$PN_TMP/curl-close.err" &&
	pn_fail "http close: the connection was reused after Connection: close"

# 50 sequential short connections, alternately HTTP and echo.
ns bash -c '
for i in $(seq 1 25); do
	b=$(curl -s -m 3 http://198.18.0.2/) || { echo "http #$i failed"; exit 1; }
	[ -n "$b" ] || { echo "http #$i: empty"; exit 1; }
	e=$(echo "ping $i" | nc -N -w 3 198.18.0.2 7) || { echo "echo #$i failed"; exit 1; }
	[ "$e" = "ping $i" ] || { echo "echo #$i: got \"$e\""; exit 1; }
done' || pn_fail "sequential connections"

pn_pollnetd_stop d
kretrans=$(pn_kernel_counter "$peer" 'Tcp: RetransSegs')
pn_peer_down "$peer"

tcp() { grep '^tcp: ' "$PN_TMP/d.log" | tail -n 1 | grep -o " $1 [0-9]*" | awk '{ print $NF }'; }
passive=$(tcp PassiveOpens)
insegs=$(tcp InSegs)
outsegs=$(tcp OutSegs)
retrans=$(tcp RetransSegs)
resets=$(tcp EstabResets)
# 1 + 1 + 1 + 1 + 2 + at least 1 (wait) + 50 connections
[ "${passive:-0}" -ge 56 ] || pn_fail "TCP PassiveOpens ${passive:-0}, expected >= 56"
# 1 MiB to discard alone is at least 719 segments of MSS 1460 (InSegs counts
# the segments a GRO packet merged, as Linux counts gso_segs)
[ "${insegs:-0}" -ge 719 ] || pn_fail "TCP InSegs ${insegs:-0}, expected >= 719"
[ "${outsegs:-0}" -ge 100 ] || pn_fail "TCP OutSegs ${outsegs:-0}"
[ "${resets:-0}" -eq 0 ] || pn_fail "TCP EstabResets $resets"
pn_pollnetd_check_drops d "$kretrans"
drops=$PN_DROPS
echo "ok: TCP PassiveOpens $passive InSegs $insegs OutSegs $outsegs RetransSegs $retrans; kernel RetransSegs ${kretrans:-0}; drops: ${drops:- none}"
