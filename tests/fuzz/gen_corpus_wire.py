#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpus of fuzz_wire (tests/fuzz/corpus/wire/).

Frames captured from Linux 6.x (veth and lo in network namespaces), plus
variants: VLAN and QinQ tags, IPv4 options, Ethernet padding, a
fragment-needed error. Run it again after changing a seed; the output
is deterministic.
"""
import os
import sys


def h(s):
    return bytes.fromhex(s.replace(' ', ''))


def cksum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(int.from_bytes(b[i:i + 2], 'big') for i in range(0, len(b), 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s & 0xffff).to_bytes(2, 'big')


def with_cksum(b, off):
    b = bytearray(b)
    b[off:off + 2] = b'\0\0'
    b[off:off + 2] = cksum(bytes(b))
    return bytes(b)


ETH_A = h('020000000002 020000000001')
ETH_B = h('020000000001 020000000002')
ARP_REQ = h('ffffffffffff 020000000001 0806'
            '0001 0800 06 04 0001 020000000001 c6120001 000000000000 c6120002')
ARP_REP = h('020000000001 020000000002 0806'
            '0001 0800 06 04 0002 020000000002 c6120002 020000000001 c6120001')
PING_DATA = h('ec44026b00000000673b0e0000000000') + bytes(range(0x10, 0x38))
PING_REQ = (ETH_A + h('0800 4500 0054 a5f9 4000 4001 0888 c6120001 c6120002'
                      '0800 b999 1ba7 0001') + PING_DATA)
PING_REP = (ETH_B + h('0800 4500 0054 70e3 0000 4001 7d9e c6120002 c6120001'
                      '0000 c199 1ba7 0001') + PING_DATA)
PORT_UNREACH = h('000000000000 000000000000 0800'
                 '45c0 0049 634e 0000 4001 8a7f c6120001 c6120001'
                 '0303 9d44 00000000'
                 '4500002d14de4000401199bbc6120001c61200010fa0138800198c51'
                 '706f6c6c6e65742d776972652d74657374')
TCP_SYN = (ETH_A + h('0800 4500 003c 885c 4000 4006 2638 c6120001 c6120002'
                     '9c40 1389 fcca0f08 00000000 a002 faf0 c095 0000'
                     '020405b40402080a1f1c2596000000000103030a'))
TCP_RST = (ETH_B + h('0800 4500 0028 0000 4000 4006 aea8 c6120002 c6120001'
                     '1389 9c40 00000000 fcca0f09 5014 0000 680b 0000'))


def tagged(frame, tpid, tci):
    return frame[:12] + tpid.to_bytes(2, 'big') + tci.to_bytes(2, 'big') + frame[12:]


def ipv4_with_options():
    # Router alert (RFC 2113) + NOPs + EOL: IHL 7, then an echo request.
    icmp = with_cksum(h('0800 0000 0042 0007') + b'pollnet', 2)
    opts = h('94040000 01010100')
    ip = bytearray(h('4700 0000 0001 0000 4001 0000 c6120001 c6120002') + opts)
    ip[2:4] = (len(ip) + len(icmp)).to_bytes(2, 'big')
    ip = with_cksum(bytes(ip), 10)
    return ETH_A + h('0800') + ip + icmp


def tcp_syn_lsrr():
    # The TCP SYN after a completed loose source route (RFC 791: pointer
    # past the last address), as TCP answers along its reverse.
    tcp = TCP_SYN[34:]
    opts = h('830b0c c6130707 c61200fe 00')
    ip = bytearray(h('4800 0000 0001 4000 4006 0000 c6120001 c6120002') + opts)
    ip[2:4] = (len(ip) + len(tcp)).to_bytes(2, 'big')
    return ETH_A + h('0800') + with_cksum(bytes(ip), 10) + tcp


def ping_rr_ts():
    # ping -R and -T at once: record route (one address recorded, two
    # slots left) then timestamps with addresses (one pair left), as
    # ip_options_echo answers them.
    icmp = with_cksum(h('0800 0000 0042 0008') + b'pollnet', 2)
    opts = h('070f08 c6120001 00000000 00000000 01'
             '44140d 11 c6120001 00000001 00000000 00000000')
    ip = bytearray(h('4e00 0000 0001 0000 4001 0000 c6120001 c6120002') + opts)
    ip[2:4] = (len(ip) + len(icmp)).to_bytes(2, 'big')
    return ETH_A + h('0800') + with_cksum(bytes(ip), 10) + icmp


def frag_needed():
    quoted = TCP_SYN[14:14 + 28]
    icmp = with_cksum(h('0304 0000 0000 0578') + quoted, 2)
    ip = bytearray(h('4500 0000 0000 0000 4001 0000 c6120002 c6120001'))
    ip[2:4] = (20 + len(icmp)).to_bytes(2, 'big')
    return ETH_B + h('0800') + with_cksum(bytes(ip), 10) + icmp


def fragment():
    # Second fragment (offset 1480, MF) of a UDP datagram.
    ip = with_cksum(h('4500 0024 4242 20b9 4011 0000 c6120001 c6120002'), 10)
    return ETH_A + h('0800') + ip + b'fragment-2-of-2!'


SEEDS = {
    'arp-request': ARP_REQ,
    'arp-reply-padded': ARP_REP + bytes(60 - len(ARP_REP)),
    'arp-gratuitous-qinq': tagged(
        ARP_REQ[:14] + ARP_REQ[14:38] + ARP_REQ[28:32], 0x88a8, 100),
    'ping-request': PING_REQ,
    'ping-reply': PING_REP,
    'ping-request-vlan': tagged(PING_REQ, 0x8100, 0x2005),
    'port-unreach': PORT_UNREACH,
    'frag-needed': frag_needed(),
    'tcp-syn': TCP_SYN,
    'tcp-rst-padded': TCP_RST + bytes(60 - len(TCP_RST)),
    'ipv4-options-echo': ipv4_with_options(),
    'ipv4-fragment': fragment(),
    'tcp-syn-lsrr': tcp_syn_lsrr(),
    'ping-rr-ts': ping_rr_ts(),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), 'corpus', 'wire')
    os.makedirs(out, exist_ok=True)
    for name, frame in SEEDS.items():
        with open(os.path.join(out, name + '.bin'), 'wb') as f:
            f.write(frame)


if __name__ == '__main__':
    main()
