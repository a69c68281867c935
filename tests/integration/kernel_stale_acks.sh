# SPDX-License-Identifier: BSD-3-Clause
# Unacceptable segments against the Linux kernel as oracle: from the
# peer's namespace a kernel client talks to pollnetd's echo service and
# to a kernel echo server over lo; once both are quiet, segments forged
# on the client's behalf (a raw socket, the client's own timestamps) go to
# each server:
#  - 3 pure ACKs below the window, 30 ms apart: one duplicate ACK, the
#    rest skipped (Linux tcp_oow_rate_limited, RFC 5961 10: no ACK loop);
#  - 3 old data segments: each answered, with a D-SACK (RFC 2883).
# pollnetd's counters then show TCPACKSkippedSeq 2 and DelayedACKLost 3.
. "$(dirname "$0")/kernel_lib.sh"

peer=stale$$
pn_peer_up "$peer"
pn_pollnetd_start d "$peer"
ns() { pn_peer_exec "$peer" "$@"; }

pn_wait_for "a first echo reply" 20 ns ping -c 1 -W 1 198.18.0.2 >/dev/null

out=$(ns python3 - <<'PY') || pn_fail "replies to unacceptable segments differ from Linux's: $out"
import socket, struct, threading, time

K, P = "198.18.0.1", "198.18.0.2"
OUTGOING = 4

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff

def parse(f):
    ip = f[14:]
    if f[12:14] != b"\x08\x00" or len(ip) < 40 or ip[9] != 6:
        return None
    ihl = (ip[0] & 15) * 4
    tl, = struct.unpack("!H", ip[2:4])
    t = ip[ihl:tl]
    sp, dp, seq, ack, off, fl, win = struct.unpack("!HHIIBBH", t[:16])
    thl = (off >> 4) * 4
    opts, ts, sack = t[20:thl], None, False
    i = 0
    while i < len(opts):
        k = opts[i]
        if k == 0:
            break
        if k == 1:
            i += 1
            continue
        n = opts[i + 1]
        if k == 8:
            ts = struct.unpack("!II", opts[i + 2:i + 10])
        if k == 5:
            sack = True
        i += n
    return dict(src=socket.inet_ntoa(ip[12:16]), sp=sp, dp=dp, seq=seq,
                ack=ack, fl=fl, win=win, ts=ts, sack=sack, len=len(t) - thl)

class Sniffer:
    def __init__(self, ifname, server, sport, cport):
        self.server, self.sport, self.cport = server, sport, cport
        self.client = None   # the client's latest segment to the server
        self.replies = []    # the server's segments to the client
        self.stop = threading.Event()
        # ETH_P_ALL: a socket of one protocol sees no outgoing frames
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        self.s.bind((ifname, 0))
        self.s.settimeout(0.1)
        self.t = threading.Thread(target=self.run)
        self.t.start()

    def run(self):
        while not self.stop.is_set():
            try:
                f, a = self.s.recvfrom(70000)
            except socket.timeout:
                continue
            h = parse(f)
            if h is None:
                continue
            if (h["sp"], h["dp"]) == (self.sport, self.cport) and \
               h["src"] == self.server and a[2] != OUTGOING:
                self.replies.append(h)
            elif (h["sp"], h["dp"]) == (self.cport, self.sport):
                self.client = h

def forge(dst, c, seq, data=b""):
    """A segment from client c (its latest, sniffed) to dst: ACK flag, its
    ack, window and timestamps, seq and data as given."""
    src = K
    opts = struct.pack("!BBBBII", 1, 1, 8, 10, c["ts"][0], c["ts"][1]) if c["ts"] else b""
    thl = 20 + len(opts)
    tcp = struct.pack("!HHIIBBHHH", c["sp"], c["dp"], seq, c["ack"],
                      (thl // 4) << 4, 0x10 | (0x08 if data else 0), c["win"], 0, 0) + opts + data
    ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(ph + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    r.sendto(ip + tcp, (dst, 0))
    r.close()

def quiet(sn):
    # nothing from either side for 300 ms, 5 s at most (a server that
    # never stops answering shows in the counts compared below)
    n, end = -1, time.time() + 5
    while n != len(sn.replies) and time.time() < end:
        n = len(sn.replies)
        time.sleep(0.3)

def trial(ifname, dst, port):
    c = socket.socket()
    c.settimeout(3)
    c.bind((K, 0))
    sn = Sniffer(ifname, dst, port, c.getsockname()[1])
    c.connect((dst, port))
    msg = bytes(range(200))
    c.sendall(msg)
    got = b""
    while len(got) < len(msg):
        got += c.recv(1000)
    quiet(sn)
    cl = sn.client
    snd_nxt = (cl["seq"] + cl["len"]) & 0xffffffff
    res = []
    n = len(sn.replies)
    for _ in range(3):
        # 30 ms apart, in polls of their own (one ACK answers a burst)
        forge(dst, cl, (snd_nxt - 100) & 0xffffffff)
        time.sleep(0.03)
    quiet(sn)
    res.append(("pure ACKs below the window", len(sn.replies) - n, None))
    n = len(sn.replies)
    for _ in range(3):
        forge(dst, cl, (snd_nxt - 100) & 0xffffffff, b"x" * 10)
        time.sleep(0.05)
    quiet(sn)
    r = sn.replies[n:]
    res.append(("old data segments", len(r), all(h["sack"] for h in r)))
    sn.stop.set()
    sn.t.join()
    c.close()
    return res

def echo_server(l):
    a, _ = l.accept()
    while True:
        b = a.recv(1000)
        if not b:
            break
        a.sendall(b)
    a.close()

l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind((K, 0))
l.listen(1)
threading.Thread(target=echo_server, args=(l,), daemon=True).start()
linux = trial("lo", K, l.getsockname()[1])
ours = trial("pntap0", P, 7)
bad = 0
for (what, ln, ls), (_, pn, ps) in zip(linux, ours):
    print(f"{what}: Linux answers {ln} of 3{', D-SACK' if ls else ''}; "
          f"pollnet {pn} of 3{', D-SACK' if ps else ''}")
    bad += (ln, ls) != (pn, ps)
# the oracle itself as this test expects it: one, then three with D-SACK
bad += [(x[1], x[2]) for x in linux] != [(1, None), (3, True)]
raise SystemExit(bad)
PY
pn_pollnetd_stop d
tcp=$(grep '^tcp: ' "$PN_TMP/d.log" | tail -n 1)
skipped=$(grep -o 'TCPACKSkippedSeq [0-9]*' <<<"$tcp" | awk '{ print $2 }')
lost=$(grep -o 'DelayedACKLost [0-9]*' <<<"$tcp" | awk '{ print $2 }')
[ "${skipped:-0}" -eq 2 ] && [ "${lost:-0}" -eq 3 ] ||
	pn_fail "pollnetd: TCPACKSkippedSeq ${skipped:-0} (expected 2), DelayedACKLost ${lost:-0} (expected 3)"
echo "ok: $(tr '\n' ' ' <<<"$out")TCPACKSkippedSeq $skipped DelayedACKLost $lost"
