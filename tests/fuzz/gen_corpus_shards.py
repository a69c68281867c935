#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpus of fuzz_shards (tests/fuzz/corpus/shards/).

An input is records, the format of fuzz_shards.c:

    u8 op | u8 a | u8 b | u8 len | len bytes

op 0 connect (a & 1 shard, a & 2 ephemeral; b & 15 the bound port's
offset from 20000, b >> 4 & 3 the peer port's from 5000), 1 a segment
from the peer (a & 1 the RX shard, a & 2 / a & 4 seq / ack relative to
the tuple's TCB; b & 7 the slot, else port 40000 + (b & 7) to 80; bytes:
flags, u32 seq, u32 ack, u16 window, payload), 2 a round (a & 1 shard,
a & 2 the other too), 3 the clock (a: fz_clock_ns code) and a round on
each, 4 close / abort (a & 1) slot b & 7, 5 send a + 1 bytes, 6 read
a * 8 + 1 bytes, 7 accept on shard a & 1. The ports 20000..20015 hash
to both shards, so every seed that connects from them does both, from
each shard: some replies come back to the connecting shard, the others
are passed on by the owner. Deterministic output; files named crash-*
in the directory are regression seeds kept by hand, left as they are.
"""
import os
import struct
import sys

F, S, R, P, A = 0x01, 0x02, 0x04, 0x08, 0x10
REL_SEQ, REL_ACK = 2, 4
T1MS, T100MS, T1S = 3 << 5, 5 << 5, 6 << 5


def rec(op, a=0, b=0, data=b''):
    assert len(data) < 256
    return bytes([op, a, b, len(data)]) + data


def seg(flags, seq=0, ack=0, win=65535, data=b''):
    return bytes([flags]) + struct.pack('>IIH', seq & 0xffffffff,
                                        ack & 0xffffffff, win) + data


def connect(shard, port_off, dport_off=0, ephemeral=False):
    return rec(0, shard | (2 if ephemeral else 0),
               port_off | dport_off << 4)


def rounds():
    return rec(2, 0 | 2) + rec(2, 1 | 2)


def peer(rx, slot, flags, seq=0, ack=0, data=b'', rel=REL_SEQ | REL_ACK):
    return rec(1, rx | rel, slot, seg(flags, seq, ack, data=data))


def established(shard, port_off, slot, rx):
    """Connect from a bound port, the owner takes the redirect, the
    SYN-ACK arrives on @p rx's queue, both shards run."""
    return (connect(shard, port_off) + rounds() +
            peer(rx, slot, S | A, seq=7000, ack=0, rel=REL_ACK) + rounds())


def seeds():
    s = {}
    for shard in (0, 1):
        for off in range(4):
            for rx in (0, 1):
                name = f'bound-s{shard}-p{off}-rx{rx}'
                d = established(shard, off, 0, rx)
                d += peer(rx, 0, P | A, data=b'hello') + rounds()
                d += rec(6, 4, 0) + rec(5, 9, 0) + rounds()
                d += peer(rx, 0, F | A, ack=0) + rounds()
                d += rec(4, 0, 0) + rounds()
                d += peer(rx, 0, A, seq=1, ack=0) + rounds()
                s[name] = d
    # aborted before the owner saw the redirect, then its reply arrives
    for shard in (0, 1):
        for off in range(4):
            s[f'abort-early-s{shard}-p{off}'] = (
                connect(shard, off) + rec(4, 1, 0) +
                peer(0, 0, S | A, seq=7000, ack=1, rel=0) + rounds() +
                rec(3, T1S) + rounds())
    # the peer never answers: SYN retries and the connect's timeout
    s['syn-timeout'] = (connect(0, 1) + connect(1, 2) + connect(0, 0, 1, True)
                        + b''.join(rec(3, T1S) for _ in range(6)))
    # many bound and ephemeral connects, every slot, closes in between
    d = b''
    for i in range(8):
        d += connect(i & 1, i, i >> 2, ephemeral=(i % 3 == 0))
    d += rounds()
    for i in range(8):
        d += peer(i & 1, i, S | A, seq=1000 * i, ack=0, rel=REL_ACK)
    d += rounds()
    for i in range(0, 8, 2):
        d += rec(4, i & 1, i)
    d += rounds() + rec(3, T100MS) + rec(3, T1S)
    s['many'] = d
    # the peer connects to the listener of each shard
    for rx in (0, 1):
        d = peer(rx, 3, S, seq=5000, rel=0) + rounds()
        d += peer(rx, 3, A, seq=1, ack=0) + rounds()
        d += rec(7, 0) + rec(7, 1) + rounds()
        d += rec(5, 31, 0) + rec(5, 31, 1) + rounds()
        d += peer(rx, 3, R, seq=0, rel=REL_SEQ) + rounds()
        s[f'listen-rx{rx}'] = d
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), 'corpus', 'shards')
    os.makedirs(out, exist_ok=True)
    for name, data in seeds().items():
        with open(os.path.join(out, name + '.bin'), 'wb') as f:
            f.write(data)
    print(f'{len(seeds())} seeds in {out}')


if __name__ == '__main__':
    main()
