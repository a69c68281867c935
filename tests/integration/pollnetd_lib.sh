# SPDX-License-Identifier: BSD-3-Clause
# Helpers for the pollnetd tests against the kernel peer (sourced, not a
# test): kernel_lib.sh plus a kernel echo backend and the drop check.
. "$(dirname "${BASH_SOURCE[0]}")/kernel_lib.sh"

# pn_echo_backend PEER: a kernel TCP echo server on 198.18.0.1:9000 in
# PEER's namespace (echo until EOF, then shut down its sending side; a
# client's RST is written to $PN_TMP/backend-PEER.resets); returns once it
# accepts. pn_echo_backend_stop PEER ends it (by its PID).
pn_echo_backend() {
	pn_peer_exec "$1" python3 -c '
import os, socket, sys, threading
open(sys.argv[1], "w").write(str(os.getpid()))
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.18.0.1", 9000))
s.listen(16)
s.settimeout(100)
def serve(c):
    try:
        while True:
            b = c.recv(65536)
            if not b:
                break
            c.sendall(b)
        c.shutdown(socket.SHUT_WR)
    except ConnectionResetError:
        open(sys.argv[2], "a").write("reset\n")
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
' "$PN_TMP/backend-$1.pid" "$PN_TMP/backend-$1.resets" </dev/null >/dev/null 2>&1 &
	PN_PIDS+=("$!")
	pn_wait_for "the echo backend" 10 pn_echo_backend_up "$1"
}
pn_echo_backend_up() {
	pn_peer_exec "$1" python3 -c 'import socket; socket.create_connection(("198.18.0.1", 9000), timeout=1).close()' 2>/dev/null
}
pn_echo_backend_stop() { kill "$(cat "$PN_TMP/backend-$1.pid")" 2>/dev/null; }

# pn_pollnetd_check_drops NAME KERNEL_RETRANS [REASON...]: fail on any drop in
# pollnetd NAME's final counters but the namespace's own multicast and
# IPv6 chatter; segments made stale by the network: data wholly below
# rcv_nxt (TCP_OLD_SEQUENCE), or carrying an older timestamp than one
# already seen (TCP_PAWS: a kernel retransmission overtaken by the next
# segment, the peer bridge having two queues), or out of the window
# (TCP_OUT_OF_WINDOW: ACKed and dropped as RFC 9293 3.10.7.4 says), where
# the old data, which pollnetd counts DelayedACKLost as Linux, is at most
# one segment per kernel retransmission (a tail loss probe can fire before
# our delayed ACK and resend what we have), and so are the segments out of
# the window; a pure ACK below the window is no retransmission but one the
# 2-queue bridge reordered behind the data the kernel sent after it
# (Linux drops it as TCP_OLD_SEQUENCE too); ACKs to a connection already
# gone, caught by its listener (TCP_COOKIE_BAD, and answered with a RST):
# our FIN retransmitted or probed in LAST-ACK makes the kernel ACK it
# twice, and the first ACK closes the connection; at most one per segment
# we retransmitted; and the further REASONs given. The drops are left in
# PN_DROPS (empty: none), the stale pure ACKs in PN_STALE_ACKS.
pn_pollnetd_check_drops() {
	local name=$1 kretrans=${2:-0} drops tcp oow old paws lost cookie rtx d
	shift 2
	drops=$(pn_pollnetd_drops "$name")
	PN_DROPS=$drops
	count() { grep -o "$1 [0-9]*" <<<"$2" | awk '{ s += $2 } END { print s + 0 }'; }
	tcp=$(grep '^tcp: ' "$PN_TMP/$name.log" | tail -n 1)
	oow=$(count TCP_OUT_OF_WINDOW "$drops")
	old=$(count TCP_OLD_SEQUENCE "$drops")
	paws=$(count TCP_PAWS "$drops")
	lost=$(count DelayedACKLost "$tcp")
	[ "$lost" -le "$kretrans" ] && [ "$oow" -le "$kretrans" ] ||
		pn_fail "$name: old data (DelayedACKLost $lost) or TCP_OUT_OF_WINDOW $oow exceeds the kernel's RetransSegs $kretrans: $drops"
	PN_STALE_ACKS=$((old + paws + oow - lost))
	cookie=$(count TCP_COOKIE_BAD "$drops")
	rtx=$(count RetransSegs "$tcp")
	[ "$cookie" -le "$rtx" ] ||
		pn_fail "$name: TCP_COOKIE_BAD ${cookie} exceeds our RetransSegs $rtx: $drops"
	for d in $drops; do
		case " $* " in *" $d "*) continue ;; esac
		case $d in
		[0-9]*|ETH_MULTICAST|ETH_UNKNOWN_TYPE|TCP_OUT_OF_WINDOW|TCP_OLD_SEQUENCE|TCP_PAWS|TCP_COOKIE_BAD) ;;
		*) pn_fail "$name: unexpected pollnetd drops: $drops" ;;
		esac
	done
}
