# SPDX-License-Identifier: BSD-3-Clause
# pollnetd on its built-in default, the Linux kernel as its peer through
# the tools/peer.sh bridge: ping (plain, 8000 bytes fragmented both ways,
# flood of 10000 with no loss), arping, and ICMP port and protocol
# unreachable as the kernel sees them. No drop goes unexplained.
. "$(dirname "$0")/kernel_lib.sh"

peer=k$$
pn_peer_up "$peer"
pn_pollnetd_start d "$peer"
ns() { pn_peer_exec "$peer" "$@"; }

# The first ping resolves the neighbour (ARP) through the bridge.
pn_wait_for "a first echo reply" 20 ns ping -c 1 -W 1 198.18.0.2 >/dev/null

out=$(ns ping -c 5 -i 0.2 -W 2 198.18.0.2) || pn_fail "plain ping: $out"
grep -q ' 5 received, 0% packet loss' <<<"$out" || pn_fail "plain ping: $out"

# 8000 bytes: the request is fragmented by the kernel and reassembled by
# pollnet, the reply fragmented by pollnet and reassembled by the kernel.
out=$(ns ping -c 3 -s 8000 -W 2 198.18.0.2) || pn_fail "8000-byte ping: $out"
grep -q ' 3 received, 0% packet loss' <<<"$out" || pn_fail "8000-byte ping: $out"
grep -q '8008 bytes from 198.18.0.2' <<<"$out" || pn_fail "8000-byte ping: reply size: $out"

# The largest echo there is: 65507 bytes of payload, 45 fragments each way.
out=$(ns ping -c 2 -s 65507 -W 3 198.18.0.2) || pn_fail "65507-byte ping: $out"
grep -q ' 2 received, 0% packet loss' <<<"$out" || pn_fail "65507-byte ping: $out"

out=$(ns ping -f -c 10000 -W 1 198.18.0.2) || pn_fail "flood ping: $out"
grep -q '10000 packets transmitted, 10000 received, 0% packet loss' <<<"$out" ||
	pn_fail "flood ping: $out"

out=$(ns arping -c 3 -w 5 -I pntap0 198.18.0.2) || pn_fail "arping: $out"
grep -qi 'Received 3 response' <<<"$out" || pn_fail "arping: $out"
grep -qi '02:00:00:00:00:02' <<<"$out" || pn_fail "arping: wrong MAC: $out"

# UDP to a port nobody listens on: ICMP port unreachable -> ECONNREFUSED;
# a protocol pollnet does not speak (253, RFC 3692 experimental):
# ICMP protocol unreachable, quoting our datagram.
ns python3 - <<'PY' || pn_fail "ICMP unreachable not seen by the kernel"
import socket, struct, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.settimeout(2)
u.connect(("198.18.0.2", 4242))
u.send(b"hello")
try:
    u.recv(100)
    raise SystemExit("UDP: expected ECONNREFUSED, got data")
except ConnectionRefusedError:
    print("port unreachable: ECONNREFUSED")
icmp = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
icmp.settimeout(2)
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, 253)
raw.sendto(b"x" * 16, ("198.18.0.2", 0))
end = time.time() + 2
while time.time() < end:
    pkt, src = icmp.recvfrom(2000)
    ihl = (pkt[0] & 15) * 4
    typ, code = pkt[ihl], pkt[ihl + 1]
    quoted_proto = pkt[ihl + 8 + 9]
    if src[0] == "198.18.0.2" and typ == 3 and code == 2 and quoted_proto == 253:
        print("protocol unreachable, quoting protocol 253")
        break
else:
    raise SystemExit("no ICMP protocol unreachable for protocol 253")
PY

pn_pollnetd_stop d
pn_peer_down "$peer"
echo=$(pn_pollnetd_counter d echo)
reasm=$(pn_pollnetd_counter d reassembled)
drops=$(pn_pollnetd_drops d)
[ "${echo:-0}" -ge 10011 ] || pn_fail "pollnetd answered ${echo:-0} echo requests, expected >= 10011"
[ "${reasm:-0}" -ge 5 ] || pn_fail "pollnetd reassembled ${reasm:-0} datagrams, expected >= 5"
# Allowed: the ICMP errors' triggers are consumed, nothing else is dropped.
for d in $drops; do
	case $d in
	[0-9]*|UDP_NO_SOCKET|IP_NO_PROTO|ICMP_UNHANDLED) ;;
	*) pn_fail "unexpected pollnetd drops: $drops" ;;
	esac
done
echo "ok: $echo echo requests answered, $reasm reassembled, drops: ${drops:- none}"
