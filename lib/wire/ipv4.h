/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_WIRE_IPV4_H
#define PN_WIRE_IPV4_H

/*
 * IPv4 headers (RFC 791) and the TCP/UDP pseudo-header checksum.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cksum.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PN_IPV4_HDR_MIN_LEN	20
#define PN_IPV4_HDR_MAX_LEN	60
#define PN_IPV4_OPTS_MAX_LEN	40
#define PN_IPV4_MAX_LEN		65535

#define PN_IPV4_PROTO_ICMP	1
#define PN_IPV4_PROTO_TCP	6
#define PN_IPV4_PROTO_UDP	17

#define PN_IPV4_FRAG_OFF_MAX	65528	/**< largest offset, in bytes */

/** Parse flag: RX offload already verified the header checksum. */
#define PN_IPV4_PARSE_CSUM_VERIFIED	(1u << 0)
/** Build flag: leave the header checksum 0 for TX offload to fill. */
#define PN_IPV4_BUILD_CSUM_OFFLOAD	(1u << 0)

/** Host-order address a.b.c.d. */
#define PN_IPV4(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
	 (uint32_t)(c) << 8 | (uint32_t)(d))

/** A parsed IPv4 header. Numbers and addresses in host byte order. */
struct pn_ipv4_hdr {
	uint16_t hdr_len;	/**< IHL * 4, 20..60 */
	uint16_t total_len;	/**< header + payload */
	uint8_t tos;		/**< DSCP << 2 | ECN */
	uint8_t ttl;
	uint8_t proto;		/**< PN_IPV4_PROTO_* */
	bool df;		/**< don't fragment */
	bool mf;		/**< more fragments */
	uint16_t id;
	uint16_t frag_off;	/**< fragment offset in bytes (multiple of 8) */
	uint16_t cksum;		/**< header checksum as received */
	uint32_t src;
	uint32_t dst;
	/** Options (hdr_len - 20 bytes), NULL when there are none. Parse
	 * points into the buffer; build copies them from here. */
	const uint8_t *opts;
	uint8_t opts_len;
	/** Parse only: bytes after total_len (link padding), to ignore. */
	uint32_t pad_len;
};

/**
 * Parse and check an IPv4 header.
 *
 * The payload is buf[hdr_len, total_len); bytes after total_len are link
 * layer padding, reported in pad_len, and must be ignored (trimmed).
 * Options are reported but not interpreted. The reserved flag is ignored.
 *
 * @param buf    the IPv4 packet
 * @param len    bytes available at @p buf
 * @param flags  PN_IPV4_PARSE_CSUM_VERIFIED to skip the checksum check
 * @param out    filled on success only
 * @return 0 on success;
 *   -EMSGSIZE if @p len is less than 20, than IHL * 4, or than the total
 *   length (truncated packet);
 *   -EPROTONOSUPPORT if the version is not 4;
 *   -EBADMSG if IHL < 5, total length < IHL * 4, or the header checksum
 *   is wrong.
 */
int pn_ipv4_parse(const uint8_t *buf, uint32_t len, unsigned int flags,
		  struct pn_ipv4_hdr *out);

/**
 * Write an IPv4 header from @p h (hdr_len, cksum and pad_len ignored:
 * the header length follows from opts_len).
 *
 * @param flags  PN_IPV4_BUILD_CSUM_OFFLOAD to leave the checksum 0
 * @return the header length written (20 + opts_len);
 *   -EMSGSIZE if @p len is smaller than that;
 *   -EINVAL if opts_len is not a multiple of 4 or above 40, opts is NULL
 *   with opts_len set, total_len is below the header length, or
 *   frag_off is not a multiple of 8.
 */
int pn_ipv4_build(uint8_t *buf, uint32_t len, const struct pn_ipv4_hdr *h,
		  unsigned int flags);

/* Host to network order of a 32-bit word (pure: no DPDK here). */
static inline uint32_t
pn_ipv4_be32(uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

/**
 * pn_ipv4_build of the header most datagrams have, unchecked: no options,
 * not a fragment (h->opts_len, mf and frag_off ignored). Five 32-bit
 * stores, the checksum summed from the values (RFC 1071: any grouping,
 * folded at the end) unless @p csum_offload; @p buf holds 20 bytes.
 */
static inline void
pn_ipv4_build_min(uint8_t *buf, const struct pn_ipv4_hdr *h, bool csum_offload)
{
	uint32_t w0 = (uint32_t)0x45 << 24 | (uint32_t)h->tos << 16 |
		      h->total_len;
	uint32_t w1 = (uint32_t)h->id << 16 | (h->df ? 0x4000u : 0);
	uint32_t w2 = (uint32_t)h->ttl << 24 | (uint32_t)h->proto << 16;
	uint32_t be[5];
	uint64_t sum;

	if (!csum_offload) {
		sum = (uint64_t)w0 + w1 + w2 + h->src + h->dst; /* < 2^35 */
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		w2 |= (uint16_t)~sum;
	}
	be[0] = pn_ipv4_be32(w0);
	be[1] = pn_ipv4_be32(w1);
	be[2] = pn_ipv4_be32(w2);
	be[3] = pn_ipv4_be32(h->src);
	be[4] = pn_ipv4_be32(h->dst);
	__builtin_memcpy(buf, be, sizeof(be));
}

/**
 * The checksum of the IPv4 header at @p buf, @p hdr_len bytes (20 to 60,
 * a multiple of 4): pn_cksum(buf, hdr_len), with a fixed path for the
 * 20-byte header every packet without options has (summed on every RX
 * and TX packet).
 *
 * @return the checksum to store with the field zeroed, or 0 over a
 *   header whose checksum is correct. Never fails.
 */
uint16_t pn_ipv4_hdr_cksum(const uint8_t *buf, uint32_t hdr_len);

/**
 * pn_ipv4_hdr_cksum() of a 20-byte header, inline for the per-packet
 * paths: two 64-bit words and a 32-bit one, each carry out of bit 63
 * added back (2^64 = 1 mod 0xffff), folded. The one's complement sum
 * does not mind the grouping or the byte order until the final swap
 * (RFC 1071 2(B)).
 *
 * @return as pn_ipv4_hdr_cksum(). Never fails.
 */
static inline uint16_t
pn_ipv4_hdr20_cksum(const uint8_t *buf)
{
	uint64_t a, b, sum;
	uint32_t c;

	memcpy(&a, buf, sizeof(a));
	memcpy(&b, buf + 8, sizeof(b));
	memcpy(&c, buf + 16, sizeof(c));
	sum = a + b;
	sum += sum < b;
	sum += c;
	sum += sum < c;
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint16_t)~__builtin_bswap16((uint16_t)sum);
#else
	return (uint16_t)~sum;
#endif
}

/* The pseudo-header sum, not folded (below 2^19). */
static inline uint32_t
pn_ipv4_phdr_add(uint32_t src, uint32_t dst, uint8_t proto, uint16_t l4_len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
	       proto + l4_len;
}

/**
 * The TCP/UDP pseudo-header sum (RFC 9293 3.1, RFC 768), folded and not
 * complemented: the value TX checksum offload expects in the L4 checksum
 * field, and the starting sum for pn_cksum_add over the L4 bytes.
 *
 * @param l4_len  TCP or UDP header + payload length in bytes
 * @return the folded sum. Never fails.
 */
static inline uint16_t
pn_ipv4_phdr_sum(uint32_t src, uint32_t dst, uint8_t proto, uint16_t l4_len)
{
	return pn_cksum_fold(pn_ipv4_phdr_add(src, dst, proto, l4_len));
}

/**
 * The full TCP/UDP checksum: pseudo header plus @p l4_len bytes at @p l4.
 *
 * With the checksum field zeroed it returns the value to store (UDP
 * must send 0xffff instead of 0, RFC 768). Over a received segment with
 * its checksum in place it returns 0 when the checksum is correct.
 *
 * @return the complemented checksum. Never fails.
 */
uint16_t pn_ipv4_l4_cksum(uint32_t src, uint32_t dst, uint8_t proto,
			  const uint8_t *l4, uint16_t l4_len);

#ifdef __cplusplus
}
#endif

#endif /* PN_WIRE_IPV4_H */
