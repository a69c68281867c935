# SPDX-License-Identifier: BSD-3-Clause
# IPv4 options of ICMP echo replies against the Linux kernel as oracle:
# from the peer's namespace, echo requests with record route and
# timestamp options go to pollnetd and to the kernel itself (over lo);
# the replies' options must have the same shape (pointer, flags,
# overflow, slots filled), and pollnetd's the addresses Linux
# ip_options_echo puts there: its own recorded on input and on output.
# Then the same for a TCP server's SYN-ACK and data segments.
. "$(dirname "$0")/kernel_lib.sh"

peer=echo$$
pn_peer_up "$peer"
pn_pollnetd_start d "$peer"
ns() { pn_peer_exec "$peer" "$@"; }

pn_wait_for "a first echo reply" 20 ns ping -c 1 -W 1 198.18.0.2 >/dev/null

ns python3 - <<'PY' || pn_fail "echo reply options differ from Linux's"
import os, socket, struct, time

K, P = "198.18.0.1", "198.18.0.2"

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff

def ping(dst, opts, seq):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(2)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, opts)
    ident = os.getpid() & 0xffff
    body = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + b"echo-opts"
    body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
    s.sendto(body, (dst, 0))
    end = time.time() + 2
    while time.time() < end:
        pkt, src = s.recvfrom(2000)
        ihl = (pkt[0] & 15) * 4
        t, _, _, i, q = struct.unpack("!BBHHH", pkt[ihl:ihl + 8])
        if src[0] == dst and t == 0 and i == ident and q == seq:
            s.close()
            return pkt[20:ihl]
    raise SystemExit("no echo reply from %s" % dst)

def walk(o):
    """{type: bytes} of the options."""
    out, at = {}, 0
    while at < len(o) and o[at] != 0:
        if o[at] == 1:
            at += 1
            continue
        out[o[at]] = o[at:at + o[at + 1]]
        at += o[at + 1]
    return out

def slots(opt, first, step):
    return [socket.inet_ntoa(opt[a:a + 4]) for a in range(first, opt[2] - 1, step)]

def shape(o):
    """What must match: each option's type, length, pointer, TS flags
    and overflow count, in order."""
    return [(t, len(v), v[2], v[3] if t == 68 else None) for t, v in walk(o).items()]

cases = [
    ("rr 9 slots", bytes([7, 39, 4]) + bytes(36) + b"\0"),
    ("rr 3 slots", bytes([7, 15, 4]) + bytes(12) + b"\0"),
    ("ts only", bytes([68, 20, 5, 0]) + bytes(16)),
    ("ts and addr", bytes([68, 36, 5, 1]) + bytes(32)),
    ("ts full", bytes([68, 8, 5, 0]) + bytes(4)),
    ("rr and ts", bytes([7, 11, 4]) + bytes(8) + b"\1" + bytes([68, 20, 5, 1]) + bytes(16)),
]
bad = 0
for n, (name, o) in enumerate(cases):
    lx = ping(K, o, 100 + n)
    pn = ping(P, o, 200 + n)
    print("%-12s linux %-50s pollnet %s" % (name, shape(lx), shape(pn)))
    if shape(lx) != shape(pn):
        print("  differ: linux %s pollnet %s" % (lx.hex(), pn.hex()))
        bad += 1
    rr = walk(pn).get(7)
    if rr is not None and name == "rr 9 slots":
        # Linux: the sender, the receiver on input, the receiver on
        # output (ip_options_build), the sender on input
        want = [K, P, P, K]
        if slots(rr, 3, 4) != want:
            print("  rr addresses %s, expected %s" % (slots(rr, 3, 4), want))
            bad += 1
    ts = walk(pn).get(68)
    if ts is not None and name == "ts and addr":
        got = slots(ts, 4, 8)
        if got != [K, P, P, K]:
            print("  ts addresses %s, expected %s" % (got, [K, P, P, K]))
            bad += 1
raise SystemExit(1 if bad else 0)
PY

# TCP (Linux tcp_v4_save_options): a kernel client with IP_OPTIONS record
# route connects to pollnetd's echo service and to a kernel listener over
# lo; the SYN-ACK and the data segment of each server, sniffed, carry
# options of the same shape (pollnetd's: the client, then itself twice).
ns python3 - <<'PY' || pn_fail "TCP options differ from Linux's"
import socket, struct, threading, time

K, P = "198.18.0.1", "198.18.0.2"
RR = bytes([7, 15, 4]) + bytes(12) + b"\0"

def sniff(s, src, sport, out, stop):
    while not stop.is_set():
        try:
            f = s.recv(4000)
        except socket.timeout:
            continue
        ip = f[14:]
        ihl = (ip[0] & 15) * 4
        if ip[9] != 6 or socket.inet_ntoa(ip[12:16]) != src:
            continue
        tp, = struct.unpack("!H", ip[ihl:ihl + 2])
        fl = ip[ihl + 13]
        if tp == sport:
            out.append((fl, ip[20:ihl]))

def run(ifname, dst, port):
    got, stop = [], threading.Event()
    # bound before the connect: it sees the SYN-ACK
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    s.bind((ifname, 0))
    s.settimeout(0.2)
    t = threading.Thread(target=sniff, args=(s, dst, port, got, stop))
    t.start()
    c = socket.socket()
    c.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, RR)
    c.settimeout(3)
    c.connect((dst, port))
    return c, got, stop, t

def shape(o):
    return (len(o), o[:3].hex()) if o else (0, "")

def first(got, synack):
    for fl, o in list(got):
        if bool(fl & 0x12 == 0x12) == synack and (synack or fl & 0x08):
            return o
    return None

def sniffed(got):
    # the SYN-ACK and a data segment, or 3 s
    end = time.monotonic() + 3
    while time.monotonic() < end and (first(got, True) is None or
                                      first(got, False) is None):
        time.sleep(0.01)

lst = socket.socket()
lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lst.bind((K, 0))
lst.listen(1)
lport = lst.getsockname()[1]
c, lgot, lstop, lt = run("lo", K, lport)
a, _ = lst.accept()
c.sendall(b"ping")
a.recv(10)
a.sendall(b"pong")
c.recv(10)
sniffed(lgot)
lstop.set(); lt.join()
c.close(); a.close(); lst.close()

c, pgot, pstop, pt = run("pntap0", P, 7)
c.sendall(b"ping")
c.recv(10)
sniffed(pgot)
pstop.set(); pt.join()
c.close()

bad = 0
for what, sa in (("syn-ack", True), ("data", False)):
    lo, po = first(lgot, sa), first(pgot, sa)
    print("%-8s linux %s pollnet %s" % (what, lo and lo.hex(), po and po.hex()))
    if lo is None or po is None or shape(lo) != shape(po):
        bad += 1
po = first(pgot, True)
if po is not None:
    rr = [socket.inet_ntoa(po[a:a + 4]) for a in range(3, po[2] - 1, 4)]
    if rr != [K, P, P]:
        print("pollnet SYN-ACK RR %s, expected %s" % (rr, [K, P, P]))
        bad += 1
raise SystemExit(1 if bad else 0)
PY

pn_pollnetd_stop d
pn_peer_down "$peer"
drops=$(pn_pollnetd_drops d)
for d in $drops; do
	case $d in
	[0-9]*) ;;
	*) pn_fail "unexpected pollnetd drops: $drops" ;;
	esac
done
echo "ok: reply options as Linux's, drops: ${drops:- none}"
