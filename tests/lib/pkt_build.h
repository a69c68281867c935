/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_TEST_PKT_BUILD_H
#define PN_TEST_PKT_BUILD_H

/*
 * Packet builders for wire tests. Header-only (static inline) so any test
 * can use them without build changes. They write bytes by hand and use a
 * naive reference checksum, independent of lib/wire: a parser is never
 * tested only against its own builder.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PKT_MAX 2048

static inline void
pkt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
pkt_put32(uint8_t *p, uint32_t v)
{
	pkt_put16(p, (uint16_t)(v >> 16));
	pkt_put16(p + 2, (uint16_t)v);
}

static inline uint16_t
pkt_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
pkt_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/**
 * An exact-size heap copy of @p len bytes (free() it), so that ASan
 * catches a parser reading even one byte past the length it was given.
 */
static inline uint8_t *
pkt_dup(const uint8_t *b, uint32_t len)
{
	uint8_t *p = (uint8_t *)malloc(len ? len : 1);

	if (p != NULL && len)
		memcpy(p, b, len);
	return p;
}

/** Reference RFC 1071 checksum, one big-endian word at a time. */
static inline uint16_t
pkt_ref_cksum_sum(uint32_t sum, const uint8_t *p, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		sum += (i % 2) ? p[i] : (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static inline uint16_t
pkt_ref_cksum(const uint8_t *p, uint32_t len)
{
	return (uint16_t)~pkt_ref_cksum_sum(0, p, len);
}

/** Decode a hex string (spaces allowed) into @p out; returns the length. */
static inline uint32_t
pkt_hex(uint8_t *out, const char *hex)
{
	uint32_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int v;

		if (*hex >= '0' && *hex <= '9')
			v = *hex - '0';
		else if (*hex >= 'a' && *hex <= 'f')
			v = *hex - 'a' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return n;
}

/** Ethernet header (tagged when @p tpid != 0); returns its length. */
static inline uint32_t
pkt_eth(uint8_t *b, uint16_t tpid, uint16_t tci, uint16_t type)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	uint32_t off = 12;

	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	if (tpid) {
		pkt_put16(b + 12, tpid);
		pkt_put16(b + 14, tci);
		off = 16;
	}
	pkt_put16(b + off, type);
	return off + 2;
}

/** Recompute the checksum of the IPv4 header at @p b. */
static inline void
pkt_ipv4_fix_cksum(uint8_t *b)
{
	uint32_t hl = (uint32_t)(b[0] & 0xf) * 4;

	pkt_put16(b + 10, 0);
	pkt_put16(b + 10, pkt_ref_cksum(b, hl));
}

/**
 * IPv4 header with @p opts_len bytes of options (NOPs ending in EOL),
 * DF set, TTL 64, a valid checksum; returns the header length.
 */
static inline uint32_t
pkt_ipv4(uint8_t *b, uint32_t opts_len, uint16_t payload_len, uint8_t proto,
	 uint32_t src, uint32_t dst)
{
	uint32_t hl = 20 + opts_len;

	b[0] = (uint8_t)(0x40 | hl / 4);
	b[1] = 0;
	pkt_put16(b + 2, (uint16_t)(hl + payload_len));
	pkt_put16(b + 4, 0x1234);
	pkt_put16(b + 6, 0x4000);
	b[8] = 64;
	b[9] = proto;
	pkt_put32(b + 12, src);
	pkt_put32(b + 16, dst);
	memset(b + 20, 0x01, opts_len);
	if (opts_len)
		b[hl - 1] = 0x00;
	pkt_ipv4_fix_cksum(b);
	return hl;
}

/** ICMP echo with @p data_len bytes of pattern data; returns its length. */
static inline uint32_t
pkt_icmp_echo(uint8_t *b, uint8_t type, uint16_t id, uint16_t seq,
	      uint32_t data_len)
{
	uint32_t i;

	b[0] = type;
	b[1] = 0;
	pkt_put16(b + 2, 0);
	pkt_put16(b + 4, id);
	pkt_put16(b + 6, seq);
	for (i = 0; i < data_len; i++)
		b[8 + i] = (uint8_t)(0x10 + i);
	pkt_put16(b + 2, pkt_ref_cksum(b, 8 + data_len));
	return 8 + data_len;
}

/*
 * Frames captured from Linux 6.x (veth and lo in network namespaces,
 * checksums computed by the kernel in software).
 */

/** ARP request: 198.18.0.1 (02:..:01) asks who has 198.18.0.2. */
#define PKT_VEC_ARP_REQUEST \
	"ffffffffffff 020000000001 0806" \
	"0001 0800 06 04 0001 020000000001 c6120001 000000000000 c6120002"
/** ARP reply: 198.18.0.2 is at 02:..:02. */
#define PKT_VEC_ARP_REPLY \
	"020000000001 020000000002 0806" \
	"0001 0800 06 04 0002 020000000002 c6120002 020000000001 c6120001"
/** ping 198.18.0.1 -> .2: IP cksum 0x0888, ICMP cksum 0xb999, id 0x1ba7. */
#define PKT_VEC_PING_REQUEST \
	"020000000002 020000000001 0800" \
	"4500 0054 a5f9 4000 4001 0888 c6120001 c6120002" \
	"0800 b999 1ba7 0001 ec44026b00000000673b0e0000000000" \
	"101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f" \
	"3031323334353637"
/** The reply: IP cksum 0x7d9e, ICMP cksum 0xc199. */
#define PKT_VEC_PING_REPLY \
	"020000000001 020000000002 0800" \
	"4500 0054 70e3 0000 4001 7d9e c6120002 c6120001" \
	"0000 c199 1ba7 0001 ec44026b00000000673b0e0000000000" \
	"101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f" \
	"3031323334353637"
/** Port unreachable for a UDP datagram 198.18.0.1:4000 -> :5000. */
#define PKT_VEC_PORT_UNREACH \
	"000000000000 000000000000 0800" \
	"45c0 0049 634e 0000 4001 8a7f c6120001 c6120001" \
	"0303 9d44 00000000" \
	"4500002d14de4000401199bbc6120001c61200010fa0138800198c51" \
	"706f6c6c6e65742d776972652d74657374"
/** TCP SYN 198.18.0.1:40000 -> .2:5001, TCP cksum 0xc095 (full). */
#define PKT_VEC_TCP_SYN \
	"020000000002 020000000001 0800" \
	"4500 003c 885c 4000 4006 2638 c6120001 c6120002" \
	"9c40 1389 fcca0f08 00000000 a002 faf0 c095 0000" \
	"020405b40402080a1f1c2596000000000103030a"
/** TCP RST .2:5001 -> .1:40000, TCP cksum 0x680b (full). */
#define PKT_VEC_TCP_RST \
	"020000000001 020000000002 0800" \
	"4500 0028 0000 4000 4006 aea8 c6120002 c6120001" \
	"1389 9c40 00000000 fcca0f09 5014 0000 680b 0000"

#endif /* PN_TEST_PKT_BUILD_H */
