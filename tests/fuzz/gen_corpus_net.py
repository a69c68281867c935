#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpus of fuzz_net (tests/fuzz/corpus/net/).

Each seed is a list of records, the input format of fuzz_net.c:

    u16 len (big endian) | u8 clock | u8 flags | len bytes of frame

clock 0 queues the frame with the next ones; otherwise the clock moves
by (clock & 31) + 1 units of 1 us * 10^(clock >> 5) after a round.
flags: bits 0-1 the device's IPv4 checksum verdict (0 unknown, 1 good,
2 bad, 3 none), bit 2 port 1, bits 3-7 an index into fuzz_net.c's
split_at[] (0: one segment).

The world of fuzz_net.c: us 02:00:00:00:00:02 on port 0 with
198.18.0.2/24 and 192.0.2.9/29, gateway 198.18.0.254 (static ARP
02:00:00:00:00:fe), 198.19.0.0/16 via 192.0.2.10, MTU 576. Deterministic output:
run it again after changing a seed. Files named crash-* in the
directory are regression seeds kept by hand; this script leaves them.
"""
import os
import struct
import sys

MAC_US = bytes.fromhex('020000000002')
MAC_PEER = bytes.fromhex('020000000001')
MAC_PEER2 = bytes.fromhex('02000000000a')
MAC_BCAST = b'\xff' * 6


def ip(s):
    return bytes(int(x) for x in s.split('.'))


US1, US2 = ip('198.18.0.2'), ip('192.0.2.9')
PEER, PEER2 = ip('198.18.0.1'), ip('192.0.2.10')
FAR = ip('203.0.113.5')          # off-link: answered via the gateway
FAR_ROUTED = ip('198.19.1.3')   # via the static route 198.19.0.0/16

# fuzz_net.c split_at[]: first segment length of a 2-segment chain.
SPLIT_AT = [0, 1, 6, 12, 13, 14, 15, 16, 20, 24, 30, 33, 34, 35, 38, 41,
            42, 43, 46, 50, 54, 58, 62, 64, 128, 256, 512, 590, 1024, 1500,
            1514, 2000]
CS_UNKNOWN, CS_GOOD, CS_BAD, CS_NONE = 0, 1, 2, 3

# clock codes
T0 = 0
T1US = 0x00
T1MS = 3 << 5
T50MS = 4 << 5 | 4
T100MS = 5 << 5
T1S = 6 << 5
T2S = 6 << 5 | 1


def cksum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(int.from_bytes(b[i:i + 2], 'big') for i in range(0, len(b), 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def eth(dst, src, etype, payload):
    return dst + src + struct.pack('>H', etype) + payload


def arp(op, sha, spa, tha, tpa):
    return struct.pack('>HHBBH', 1, 0x0800, 6, 4, op) + sha + spa + tha + tpa


def ipv4(src, dst, proto, payload, ident=0x1234, off=0, mf=False, df=False,
         ttl=64, bad_cksum=False, total=None):
    flags = (0x4000 if df else 0) | (0x2000 if mf else 0) | (off // 8)
    tl = 20 + len(payload) if total is None else total
    h = bytearray(struct.pack('>BBHHHBBH4s4s', 0x45, 0, tl, ident, flags,
                              ttl, proto, 0, src, dst))
    c = cksum(bytes(h)) ^ (0x5555 if bad_cksum else 0)
    h[10:12] = struct.pack('>H', c)
    return bytes(h) + payload


def icmp_echo(ident, seq, data, bad_cksum=False):
    h = bytearray(struct.pack('>BBHHH', 8, 0, 0, ident, seq) + data)
    c = cksum(bytes(h)) ^ (0x00ff if bad_cksum else 0)
    h[2:4] = struct.pack('>H', c)
    return bytes(h)


def phdr_sum(src, dst, proto, l4):
    return src + dst + struct.pack('>BBH', 0, proto, len(l4))


def udp(src, dst, sport, dport, data):
    u = bytearray(struct.pack('>HHHH', sport, dport, 8 + len(data), 0) + data)
    c = cksum(phdr_sum(src, dst, 17, u) + bytes(u)) or 0xffff
    u[6:8] = struct.pack('>H', c)
    return bytes(u)


def tcp_syn(src, dst, sport, dport, seq):
    opts = bytes.fromhex('020405b40402080a1f1c2596000000000103030a')
    t = bytearray(struct.pack('>HHIIBBHHH', sport, dport, seq, 0,
                              (20 + len(opts)) // 4 << 4, 0x02, 64240, 0, 0)
                  + opts)
    t[16:18] = struct.pack('>H', cksum(phdr_sum(src, dst, 6, t) + bytes(t)))
    return bytes(t)


def rec(frame, clock=T1MS, cs=CS_UNKNOWN, port1=False, split=0):
    flags = cs | (4 if port1 else 0) | SPLIT_AT.index(split) << 3
    return struct.pack('>HBB', len(frame), clock, flags) + frame


def to_us(src_mac, src, dst, proto, payload, **kw):
    return eth(MAC_US, src_mac, 0x0800, ipv4(src, dst, proto, payload, **kw))


def ping(src, dst=US1, mac=MAC_PEER, size=56, ident=0x4242, seq=1, **kw):
    data = bytes(i & 0xff for i in range(size))
    bad = kw.pop('bad_icmp', False)
    return to_us(mac, src, dst, 1, icmp_echo(ident, seq, data, bad), **kw)


def frag_ping(src, size, cut, ident):
    """An echo request of @size data bytes as IPv4 fragments cut at @cut."""
    icmp = icmp_echo(0x77, 1, bytes(i & 0xff for i in range(size)))
    edges = [0] + list(cut) + [len(icmp)]
    return [to_us(MAC_PEER, src, US1, 1, icmp[a:b], ident=ident, off=a,
                  mf=b < len(icmp))
            for a, b in zip(edges, edges[1:])]


ARP_REQ_US1 = eth(MAC_BCAST, MAC_PEER, 0x0806,
                  arp(1, MAC_PEER, PEER, b'\0' * 6, US1))
ARP_REQ_US2 = eth(MAC_BCAST, MAC_PEER2, 0x0806,
                  arp(1, MAC_PEER2, PEER2, b'\0' * 6, US2))
ARP_REP_PEER = eth(MAC_US, MAC_PEER, 0x0806,
                   arp(2, MAC_PEER, PEER, MAC_US, US1))
ARP_GRATUITOUS = eth(MAC_BCAST, MAC_PEER, 0x0806,
                     arp(1, MAC_PEER, PEER, b'\0' * 6, PEER))


def seeds():
    s = {}
    s['arp-request'] = rec(ARP_REQ_US1)
    s['arp-request-addr2-then-ping'] = (
        rec(ARP_REQ_US2) + rec(ping(PEER2, US2, MAC_PEER2)))
    s['arp-bad-and-gratuitous'] = (
        rec(ARP_REQ_US1[:30]) +
        rec(ARP_REQ_US1[:14] + b'\x00\x06' + ARP_REQ_US1[16:]) +
        rec(ARP_GRATUITOUS, T0) + rec(ARP_REP_PEER + bytes(18)))
    # Reply waits for ARP; the peer answers the probe 50 ms later.
    s['ping-resolve'] = (rec(ping(PEER), T50MS) + rec(ARP_REP_PEER))
    # Nobody answers: probes, then the queued reply is dropped.
    s['ping-unresolved'] = rec(ping(PEER), T1S)
    s['ping-via-gateway'] = (rec(ping(FAR), T0) +
                             rec(ping(FAR_ROUTED, US2, seq=2), T1MS))
    s['ping-burst'] = b''.join(rec(ping(FAR, seq=i), T0) for i in range(6)) \
        + rec(ping(FAR, seq=7), T1MS)
    f = frag_ping(FAR, 1000, [512], 0x1001)
    s['frag-ping'] = rec(f[0]) + rec(f[1])
    f = frag_ping(FAR, 1400, [504, 1000], 0x1002)
    s['frag-ping-reverse-dup'] = (rec(f[2], T0) + rec(f[1], T0) +
                                  rec(f[1], T0) + rec(f[0]))
    f = frag_ping(FAR, 1000, [512], 0x1003)
    s['frag-lone-timeout'] = rec(f[0], T2S)
    f = frag_ping(FAR, 1000, [512], 0x1004)
    s['frag-overlap'] = rec(f[0]) + rec(to_us(
        MAC_PEER, FAR, US1, 1, bytes(64), ident=0x1004, off=504, mf=True))
    s['udp-closed-port'] = rec(to_us(MAC_PEER, FAR, US1, 17,
                                     udp(FAR, US1, 40000, 9, b'hello')))
    s['tcp-syn'] = rec(to_us(MAC_PEER, FAR, US1, 6,
                             tcp_syn(FAR, US1, 40000, 5001, 0xfcca0f08),
                             df=True))
    s['bad-ip-cksum'] = (rec(ping(FAR, bad_cksum=True)) +
                         rec(ping(FAR, bad_cksum=True), cs=CS_GOOD) +
                         rec(ping(FAR), cs=CS_BAD) +
                         rec(ping(FAR), cs=CS_NONE))
    s['bad-icmp-cksum'] = rec(ping(FAR, bad_icmp=True))
    s['ping-chain'] = (rec(ping(FAR), split=34) + rec(ping(FAR), split=20) +
                       rec(ping(FAR), split=42) + rec(ping(FAR), split=13))
    s['ping-jumbo-chain'] = rec(ping(FAR, size=2972), split=1514)
    s['ping-broadcast'] = (
        rec(ping(PEER, ip('198.18.0.255'))) +
        rec(eth(MAC_BCAST, MAC_PEER, 0x0800,
                ipv4(PEER, ip('255.255.255.255'), 1,
                     icmp_echo(1, 1, b'bcast')))))
    s['ping-vlan-padded-port1'] = (
        rec(ping(FAR)[:12] + b'\x81\x00\x00\x05' + ping(FAR)[12:]) +
        rec(eth(MAC_US, MAC_PEER, 0x0800,
                ipv4(FAR, US1, 1, icmp_echo(2, 2, b'pad'))) + bytes(20)) +
        rec(ping(FAR), port1=True))
    s['not-for-us'] = (rec(ping(FAR, ip('198.18.0.3'))) +
                       rec(eth(bytes.fromhex('020000000099'), MAC_PEER,
                               0x0800, ipv4(FAR, US1, 1,
                                            icmp_echo(3, 3, b'x')))) +
                       rec(ping(ip('127.0.0.1'))))
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), 'corpus', 'net')
    os.makedirs(out, exist_ok=True)
    for name, data in seeds().items():
        with open(os.path.join(out, name + '.bin'), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
