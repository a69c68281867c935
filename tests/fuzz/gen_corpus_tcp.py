#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpus of fuzz_tcp (tests/fuzz/corpus/tcp/).

An input is one byte of world configuration, then records, the format
of fuzz_tcp.c:

    u8 kind | u8 clock | u8 flags | u8 extra | u8 len | len bytes

kind & 15: 0-5 a TCP segment from the peer (bytes: TCP header, options,
payload, then extra * 16 bytes of payload), 6 an ICMP error about a
tuple, 7 connect, 8 accept, 9 send, 10 recv, 11 close/abort/shutdown,
12 setsockopt, 13 listener, 14 read side, 15 the device's room; kind >> 4 the
tuple (peer port 40000 + (t & 3), peer 198.18.0.3 if t & 4 else .1) or
the socket slot. Segment flags: 1 seq relative to our last ACK, 2 ack
relative to the end of what we sent, 4 SACK edges and TSecr relative
too, 8 IPv4 options first (u8 n, n bytes), 16 bad checksum, bits 5-6
the device's L4 checksum verdict, 128 ports kept as given. clock 0 and
a segment: delivered in one burst with the next ones. Deterministic
output: run it again after changing a seed. Files named crash-* in the
directory are regression seeds kept by hand; this script leaves them.
"""
import os
import struct
import sys

F, S, R, P, A, U = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
REL_SEQ, REL_ACK, REL_OPT, IPOPT, BADCK = 1, 2, 4, 8, 16
REL = REL_SEQ | REL_ACK | REL_OPT

# clock codes: (c & 31) + 1 units of 1 us * 10^(c >> 5)
T0 = 0
T1MS = 3 << 5
T10MS = 4 << 5
T50MS = 4 << 5 | 4
T100MS = 5 << 5
T300MS = 5 << 5 | 2
T1S = 6 << 5
T3S = 6 << 5 | 2

K_ICMP, K_CONNECT, K_ACCEPT, K_SEND, K_RECV, K_CLOSE = 6, 7, 8, 9, 10, 11
K_SETOPT, K_LISTEN, K_READ, K_NOP = 12, 13, 14, 15

OPT_MSS = b'\x02\x04\x05\xb4'
OPT_WS7 = b'\x01\x03\x03\x07'
OPT_SACKOK = b'\x01\x01\x04\x02'


def u32(v):
    return v & 0xffffffff


def opt_ts(tsval, tsecr=0):
    return b'\x01\x01\x08\x0a' + struct.pack('>II', u32(tsval), u32(tsecr))


def opt_sack(*blocks):
    b = b''.join(struct.pack('>II', u32(l), u32(r)) for l, r in blocks)
    return b'\x01\x01\x05' + bytes([2 + len(b)]) + b


def tcp(flags, seq=0, ack=0, win=65535, opts=b'', data=b'', urp=0,
        sport=40000, dport=80):
    opts += b'\x00' * (-len(opts) % 4)
    hl = 20 + len(opts)
    return struct.pack('>HHIIBBHHH', sport, dport, u32(seq), u32(ack),
                       (hl // 4) << 4, flags, win, 0, urp) + opts + data


def rec(kind, clock=T1MS, flags=0, extra=0, data=b'', t=0):
    assert len(data) < 256
    return bytes([kind | t << 4, clock, flags, extra, len(data)]) + data


def seg(hdr, clock=T1MS, flags=REL, extra=0, t=0):
    return rec(0, clock, flags, extra, hdr, t)


def handshake(t=0, opts=True, isn=1000):
    """The peer's SYN, our SYN-ACK, the peer's ACK, accept."""
    o = OPT_MSS + OPT_WS7 + OPT_SACKOK + opt_ts(100) if opts else OPT_MSS
    r = seg(tcp(S, seq=isn, opts=o), flags=0, t=t)
    ack_opts = opt_ts(101) if opts else b''
    r += seg(tcp(A, opts=ack_opts), t=t)
    r += rec(K_ACCEPT)
    return r


def seeds():
    s = {}
    ts = lambda v: opt_ts(v)
    # handshake, data both ways, the peer's FIN, our close, TIME-WAIT
    s['handshake-data-fin'] = bytes([0]) + handshake() + \
        seg(tcp(P | A, opts=ts(102), data=b'GET / HTTP/1.0\r\n\r\n')) + \
        rec(K_RECV, extra=4) + rec(K_SEND, extra=200) + \
        seg(tcp(A, opts=ts(103))) + \
        seg(tcp(F | A, opts=ts(104))) + \
        rec(K_CLOSE) + seg(tcp(A, opts=ts(105)), clock=T3S)
    # the SYN with every option, then no options at all, on two tuples
    s['syn-all-options'] = bytes([0]) + \
        seg(tcp(S, seq=7, opts=OPT_MSS + b'\x03\x03\x0e' + b'\x04\x02' +
                b'\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x00'), flags=0) + \
        seg(tcp(S, seq=9), flags=0, t=1) + rec(K_NOP, clock=T3S)
    # a SYN along a loose source route through the router: the
    # SYN-ACK goes back the same way
    lsrr = b'\x01\x83\x07\x08\xc6\x12\x00\xfe'
    s['syn-lsrr'] = bytes([0]) + \
        seg(bytes([len(lsrr)]) + lsrr + tcp(S, seq=5, opts=OPT_MSS),
            flags=IPOPT) + \
        seg(bytes([len(lsrr)]) + lsrr + tcp(A), flags=REL | IPOPT) + \
        rec(K_ACCEPT) + rec(K_SEND, extra=10)
    # RST in the window, then a RST just outside (challenge ACK)
    s['rst-in-window'] = bytes([0]) + handshake(t=1) + \
        seg(tcp(R, seq=1, opts=ts(110)), t=1) + \
        seg(tcp(R), t=1) + rec(K_RECV) + rec(K_CLOSE)
    # out-of-order data from the peer (we SACK it), the hole filled;
    # our data SACKed by the peer into fast retransmit
    s['ooo-sack'] = bytes([0]) + handshake() + \
        seg(tcp(A, seq=100, opts=ts(102), data=b'x' * 50), clock=T0) + \
        seg(tcp(A, seq=300, opts=ts(102), data=b'y' * 50), clock=T0) + \
        seg(tcp(A, seq=0, opts=ts(103), data=b'z' * 100)) + \
        rec(K_RECV, extra=20) + \
        rec(K_SEND, extra=255, flags=15) + \
        seg(tcp(A, ack=-4096, opts=ts(104) + opt_sack((-2896, -1448)))) + \
        seg(tcp(A, ack=-4096, opts=ts(105) + opt_sack((-2896, 0)))) + \
        seg(tcp(A, ack=-4096, opts=ts(106) + opt_sack((-4096 + 1448, 0)))) + \
        seg(tcp(A, ack=0, opts=ts(107)), clock=T300MS)
    # a SYN flood past a backlog of 1: SYN cookies, and an ACK to one
    flood = bytes([0])
    for t in range(8):
        flood += seg(tcp(S, seq=1000 * t, opts=OPT_MSS + OPT_SACKOK +
                         opt_ts(50)), flags=0, clock=T0 if t < 7 else T1MS,
                     t=t)
    flood += seg(tcp(A, opts=ts(51)), t=7) + rec(K_ACCEPT) + \
        rec(K_ACCEPT) + rec(K_SEND, extra=3, t=0) + rec(K_SEND, extra=3, t=1)
    s['syn-flood-cookies'] = flood
    # our active open: SYN-ACK, data, our FIN first, the peer's, TIME-WAIT
    s['active-open-close'] = bytes([0]) + rec(K_CONNECT, t=1) + \
        seg(tcp(S | A, seq=5000, opts=OPT_MSS + OPT_WS7 + OPT_SACKOK +
                opt_ts(300)), flags=REL_ACK | REL_OPT, t=1) + \
        rec(K_SEND, extra=100) + \
        seg(tcp(A, opts=ts(301), data=b'hello'), t=1) + \
        rec(K_CLOSE, flags=2, extra=0) + \
        seg(tcp(F | A, opts=ts(302)), t=1) + \
        rec(K_RECV, extra=1) + rec(K_CLOSE) + rec(K_NOP, clock=T1S)
    # the peer's zero window: persist probes, then the window opens
    s['zero-window'] = bytes([0]) + handshake(opts=False) + \
        seg(tcp(A, win=0)) + rec(K_SEND, extra=100) + \
        rec(K_NOP, clock=T1S) + rec(K_NOP, clock=T3S) + \
        seg(tcp(A, win=8192)) + rec(K_NOP, clock=T300MS)
    # urgent data both ways; SO_OOBINLINE
    s['urgent'] = bytes([0]) + handshake() + \
        seg(tcp(U | P | A, opts=ts(102), data=b'abc!', urp=4)) + \
        rec(K_READ) + rec(K_RECV, flags=2) + rec(K_RECV, extra=1) + \
        rec(K_SEND, flags=16 | 3) + \
        rec(K_SETOPT, extra=12, data=b'\x00\x01') + \
        seg(tcp(U | P | A, opts=ts(103), data=b'de', urp=1)) + \
        rec(K_RECV, extra=1)
    # an old timestamp (PAWS), then one in order
    s['paws'] = bytes([0]) + handshake() + \
        seg(tcp(A, opts=ts(50), data=b'old')) + \
        seg(tcp(A, opts=ts(200), data=b'new')) + rec(K_RECV, extra=1)
    # an ICMP fragmentation needed while data is in flight (PMTUD)
    s['icmp-frag-needed'] = bytes([0]) + handshake(opts=False) + \
        rec(K_SEND, extra=100) + \
        rec(K_ICMP, flags=REL_ACK, data=bytes([3, 4, 0x02, 0x40]) +
            struct.pack('>I', u32(-1600))) + \
        rec(K_ICMP, flags=REL_ACK, data=bytes([3, 1, 0, 0]) +
            struct.pack('>I', u32(-1))) + \
        seg(tcp(A), clock=T300MS)
    # TSO: a big send in segments of up to 64 KB
    s['tso-send'] = bytes([1]) + handshake() + \
        rec(K_SETOPT, extra=7, data=b'\x01\x00') + \
        rec(K_SEND, extra=255, flags=15) + \
        seg(tcp(A, ack=-2000, opts=ts(102))) + seg(tcp(A, opts=ts(103)))
    # no answer: retransmissions until the connection gives up
    s['rto-give-up'] = bytes([0]) + handshake() + \
        rec(K_SEND, extra=20) + rec(K_NOP, clock=T3S) + \
        rec(K_NOP, clock=T3S) + rec(K_READ) + rec(K_RECV)
    # a segment on a closed port, bad checksums, device verdicts
    s['closed-port-badck'] = bytes([0]) + \
        seg(tcp(S, seq=1, dport=81), flags=128) + \
        seg(tcp(A, seq=1, ack=2, dport=81), flags=128) + \
        seg(tcp(S, seq=1), flags=BADCK) + \
        seg(tcp(S, seq=1), flags=BADCK | 0x20) + \
        seg(tcp(S, seq=1), flags=0x40) + \
        seg(tcp(S, seq=1), flags=BADCK | 0x60)
    # options, shutdown, keepalive, abort; the listener closed with a
    # connection on its queue
    s['sockopts-keepalive'] = bytes([0x80]) + handshake() + \
        rec(K_SETOPT, extra=2, data=b'\x00\x01') + \
        rec(K_SETOPT, extra=3, data=b'\x00\x01') + \
        rec(K_SETOPT, extra=0, data=b'\x00\x01') + \
        rec(K_NOP, clock=T3S) + rec(K_CLOSE, flags=2 | 4) + \
        seg(tcp(S, seq=70), flags=0, t=2) + seg(tcp(A), t=2) + \
        rec(K_LISTEN, flags=0) + rec(K_LISTEN, flags=1, extra=4) + \
        rec(K_CLOSE, flags=1)
    # both close at once: our FIN and the peer's cross (CLOSING)
    s['simultaneous-close'] = bytes([0]) + rec(K_CONNECT, t=2) + \
        seg(tcp(S | A, seq=9000, opts=OPT_MSS), flags=REL_ACK, t=2) + \
        rec(K_CLOSE, t=0) + \
        seg(tcp(F | A, ack=-1), t=2) + seg(tcp(A), t=2) + \
        rec(K_NOP, clock=T1S)
    # the device takes two frames, then none: the lcore holds the rest
    # (TCP small queues), then takes everything again
    s['device-full'] = bytes([0]) + handshake() + \
        rec(K_NOP, flags=1, extra=2) + rec(K_SEND, extra=255, flags=15) + \
        rec(K_NOP, clock=T10MS) + seg(tcp(A, ack=-4000, opts=ts(102))) + \
        rec(K_NOP, flags=0, clock=T10MS) + seg(tcp(A, opts=ts(103)))
    # IP_OPTIONS on a connected socket: a loose source route via the
    # router, and record route
    s['ip-options-set'] = bytes([0]) + handshake(t=3) + \
        rec(K_SETOPT, extra=15, data=b'\x01\x83\x07\x04\xc6\x12\x00\xfe',
            t=0) + rec(K_SEND, extra=2, t=0) + \
        rec(K_SETOPT, extra=15, data=b'\x07\x07\x04\x00\x00\x00\x00\x00',
            t=0) + rec(K_SEND, extra=2, t=0) + \
        rec(K_SETOPT, extra=15, data=b'', t=0) + rec(K_SEND, extra=2, t=0)
    # no SACK: three duplicate ACKs, NewReno fast retransmit
    s['reno-fast-retransmit'] = bytes([4]) + handshake() + \
        rec(K_SEND, extra=255, flags=15) + \
        seg(tcp(A, ack=-4096, opts=ts(102)), clock=T0) + \
        seg(tcp(A, ack=-4096, opts=ts(102)), clock=T0) + \
        seg(tcp(A, ack=-4096, opts=ts(102)), clock=T0) + \
        seg(tcp(A, ack=-4096, opts=ts(103))) + \
        seg(tcp(A, ack=-2000, opts=ts(104))) + seg(tcp(A, opts=ts(105)))
    # SACK recovery, then a D-SACK saying the retransmission was not
    # needed: the cwnd reduction undone
    s['dsack-undo'] = bytes([0]) + handshake() + \
        rec(K_SEND, extra=255, flags=15) + \
        seg(tcp(A, ack=-4096, opts=ts(102) + opt_sack((-2648, -1200))),
            clock=T0) + \
        seg(tcp(A, ack=-4096, opts=ts(102) + opt_sack((-2648, -600))),
            clock=T0) + \
        seg(tcp(A, ack=-4096, opts=ts(102) + opt_sack((-2648, 0)))) + \
        seg(tcp(A, opts=ts(103) + opt_sack((-4096, -2648)))) + \
        rec(K_NOP, clock=T300MS)
    # more out-of-order segments than the connection holds (8)
    ofo = bytes([0]) + handshake()
    for k in range(10):
        ofo += seg(tcp(A, seq=100 + 60 * k, opts=ts(102), data=b'o' * 20),
                   clock=T0 if k < 9 else T1MS)
    ofo += seg(tcp(A, seq=0, opts=ts(103), data=b'f' * 100)) + \
        rec(K_RECV, extra=60)
    s['ofo-full'] = ofo
    # simultaneous open: our SYN crosses the peer's
    s['simultaneous-open'] = bytes([0]) + rec(K_CONNECT, t=1) + \
        seg(tcp(S, seq=777, opts=OPT_MSS), flags=0, t=1) + \
        seg(tcp(A), flags=REL_SEQ | REL_ACK, t=1) + \
        rec(K_SEND, extra=3) + rec(K_NOP, clock=T300MS)
    # a backlog of 1: the accept queue overflows; listener options
    q = bytes([0]) + rec(K_LISTEN, flags=3, extra=1, data=b'\x02\x00') + \
        rec(K_LISTEN, flags=3, extra=8, data=b'\x00\x40')
    for t in range(3):
        q += seg(tcp(S, seq=50 * t, opts=OPT_MSS), flags=0, t=t) + \
            seg(tcp(A), t=t)
    s['accept-queue-full'] = q + rec(K_ACCEPT) + rec(K_ACCEPT)
    # RSTs inside the window but not at RCV.NXT: challenge ACKs, past
    # their rate limit
    ch = bytes([0]) + handshake(opts=False)
    for k in range(12):
        ch += seg(tcp(R, seq=10 + k), clock=T0 if k < 11 else T1MS)
    s['challenge-ack-limit'] = ch
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), 'corpus', 'tcp')
    os.makedirs(out, exist_ok=True)
    for name, data in seeds().items():
        with open(os.path.join(out, name + '.bin'), 'wb') as f:
            f.write(data)
    print(f'{len(seeds())} seeds in {out}')


if __name__ == '__main__':
    main()
