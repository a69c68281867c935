/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_WIRE_ICMP_H
#define PN_WIRE_ICMP_H

/*
 * ICMPv4 (RFC 792): echo request/reply, destination unreachable and time
 * exceeded.
 */

#include <stdbool.h>
#include <stdint.h>

#include "ipv4.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PN_ICMP_HDR_LEN		8

#define PN_ICMP_ECHO_REPLY	0
#define PN_ICMP_DEST_UNREACH	3
#define PN_ICMP_ECHO_REQUEST	8
#define PN_ICMP_TIME_EXCEEDED	11
#define PN_ICMP_PARAM_PROBLEM	12

/* Time exceeded codes (RFC 792). */
#define PN_ICMP_EXC_TTL			0	/**< TTL exceeded in transit */
#define PN_ICMP_EXC_FRAGTIME		1	/**< reassembly time exceeded */

/* Destination unreachable codes (RFC 792, RFC 1122 3.2.2.1). */
#define PN_ICMP_UNREACH_NET		0
#define PN_ICMP_UNREACH_HOST		1
#define PN_ICMP_UNREACH_PROTO		2
#define PN_ICMP_UNREACH_PORT		3
#define PN_ICMP_UNREACH_FRAG_NEEDED	4	/**< carries the next-hop MTU */
#define PN_ICMP_UNREACH_ADMIN		13	/**< RFC 1812 */

/** Bytes of the offending datagram's payload quoted after its header. */
#define PN_ICMP_QUOTE_L4_LEN	8

/** A parsed ICMP message. Numbers in host byte order. */
struct pn_icmp_hdr {
	uint8_t type;
	uint8_t code;
	uint16_t cksum;
	/** Echo: identifier and sequence number. */
	uint16_t id;
	uint16_t seq;
	/** Destination unreachable, code FRAG_NEEDED: next-hop MTU (RFC 1191). */
	uint16_t mtu;
	/** Parameter problem, code 0: the offending byte's offset in the
	 * quoted datagram (RFC 792). */
	uint8_t pointer;
	/** Bytes after the 8-byte header: echo data, or the quoted datagram. */
	const uint8_t *data;
	uint32_t data_len;
	/** Errors (destination unreachable, time exceeded): the quoted
	 * IPv4 header's fields. */
	struct {
		uint32_t src;
		uint32_t dst;
		uint8_t proto;
		uint16_t hdr_len;
		/** First 8 bytes of the quoted payload (ports for TCP/UDP). */
		const uint8_t *l4;
	} quote;
};

/**
 * Parse and check an ICMP message (the whole IPv4 payload: the checksum
 * covers all @p len bytes, so pass total_len - hdr_len, not padding).
 *
 * For the errors (destination unreachable, time exceeded, parameter
 * problem) the quoted
 * datagram must hold an IPv4 header and 8 bytes of its payload (RFC 792);
 * its checksum is not checked, as routers may have changed it (RFC 1812
 * 4.3.2.3).
 *
 * @return 0 on success;
 *   -EMSGSIZE if @p len < 8, or an error quotes less than the IPv4
 *   header + 8 bytes;
 *   -EBADMSG if the checksum is wrong, or the quoted header is not IPv4
 *   with IHL >= 5;
 *   -EPROTONOSUPPORT if the type is not echo request/reply, destination
 *   unreachable, time exceeded or parameter problem.
 */
int pn_icmp_parse(const uint8_t *buf, uint32_t len, struct pn_icmp_hdr *out);

/**
 * Write an echo message (request or reply) with its checksum.
 *
 * @p data may overlap @p buf + 8 (it is moved, not copied).
 *
 * @return the message length, 8 + @p data_len;
 *   -EMSGSIZE if @p len is smaller;
 *   -EINVAL if @p type is not PN_ICMP_ECHO_REQUEST or PN_ICMP_ECHO_REPLY.
 */
int pn_icmp_build_echo(uint8_t *buf, uint32_t len, uint8_t type, uint16_t id,
		       uint16_t seq, const uint8_t *data, uint32_t data_len);

/**
 * Write the echo reply to the parsed request @p req: same id, sequence
 * number and data (RFC 1122 3.2.2.6). Works in place, with @p buf being
 * the request's own buffer.
 *
 * @return the message length; -EMSGSIZE if @p len is too small;
 *   -EINVAL if @p req is not an echo request.
 */
int pn_icmp_build_echo_reply(uint8_t *buf, uint32_t len,
			     const struct pn_icmp_hdr *req);

/**
 * Write an ICMP error quoting the offending datagram @p orig: its IP
 * header and the first 8 bytes of its payload (RFC 792, RFC 1122 3.2.2),
 * fewer if the datagram is shorter.
 *
 * @param type  PN_ICMP_DEST_UNREACH, PN_ICMP_TIME_EXCEEDED or
 *   PN_ICMP_PARAM_PROBLEM
 * @param code  the type's code
 * @param rest  the header's second 32-bit word, host order: the next-hop
 *   MTU in its low 16 bits (fragmentation needed), the pointer in its top
 *   8 bits (parameter problem), else 0
 * @param orig  the offending IPv4 datagram, from its header
 * @return the message length (8 + quoted bytes);
 *   -EMSGSIZE if @p len is too small;
 *   -EINVAL if @p orig does not start with a complete IPv4 header, or
 *   @p type is not an error.
 */
int pn_icmp_build_error(uint8_t *buf, uint32_t len, uint8_t type,
			uint8_t code, uint32_t rest, const uint8_t *orig,
			uint32_t orig_len);

/**
 * Write a destination unreachable (pn_icmp_build_error).
 *
 * @param code  PN_ICMP_UNREACH_*
 * @param mtu   next-hop MTU for PN_ICMP_UNREACH_FRAG_NEEDED, else 0
 * @param orig  the offending IPv4 datagram, from its header
 * @return the message length (8 + quoted bytes);
 *   -EMSGSIZE if @p len is too small;
 *   -EINVAL if @p orig does not start with a complete IPv4 header.
 */
int pn_icmp_build_unreach(uint8_t *buf, uint32_t len, uint8_t code,
			  uint16_t mtu, const uint8_t *orig,
			  uint32_t orig_len);

/**
 * May an ICMP error be sent about this datagram? RFC 1122 3.2.2: not about
 * an ICMP error, a non-initial fragment, a datagram sent to a broadcast or
 * multicast address, or from an address that is not a unicast host.
 * Directed (subnet) broadcasts need the interface config: the caller
 * checks those.
 *
 * @param ip      the parsed offending header
 * @param l4      its payload (the ICMP header when proto is ICMP)
 * @param l4_len  bytes at @p l4
 * @return true when an error may be sent. Never fails.
 */
bool pn_icmp_error_allowed(const struct pn_ipv4_hdr *ip, const uint8_t *l4,
			   uint32_t l4_len);

#ifdef __cplusplus
}
#endif

#endif /* PN_WIRE_ICMP_H */
