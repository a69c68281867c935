/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_WIRE_IPOPT_H
#define PN_WIRE_IPOPT_H

/*
 * IPv4 options (RFC 791 3.1) as Linux net/ipv4/ip_options.c handles them:
 * check received options (ip_options_compile), compile a user's
 * IP_OPTIONS buffer (ip_options_get), answer a datagram with its RR/TS
 * options and its source route reversed (ip_options_echo), give the
 * user's bytes back (ip_options_undo), blank the options fragments do
 * not copy (ip_options_fragment). Offsets are counted, as Linux counts them, from
 * the start of the IPv4 header: an option at the start of the options
 * area is at 20, and 0 means "none".
 */

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PN_IPOPT_END	0
#define PN_IPOPT_NOOP	1
#define PN_IPOPT_RR	7	/**< record route */
#define PN_IPOPT_TS	68	/**< timestamp */
#define PN_IPOPT_LSRR	131	/**< loose source and record route */
#define PN_IPOPT_SSRR	137	/**< strict source and record route */
#define PN_IPOPT_CIPSO	134	/**< commercial IP security (CIPSO, RFC draft; NetLabel) */
/** Options with this bit go into every fragment (RFC 791). */
#define PN_IPOPT_COPIED(type)	(((type) & 0x80) != 0)

/** What received options hold (Linux struct ip_options, read only). */
struct pn_ipopt_info {
	uint8_t srr;	/**< LSRR/SSRR offset, 0: none */
	uint8_t rr;	/**< record route offset, 0: none */
	uint8_t ts;	/**< timestamp offset, 0: none */
	bool strict;	/**< the source route is SSRR */
	/** The route's pointer is past its last address: every hop was
	 * visited, this host is the final destination (RFC 791). */
	bool srr_done;
	/** On -EBADMSG: offset of the culprit byte (the pointer of an ICMP
	 * parameter problem, Linux pp_ptr); the fields above then hold
	 * the options before it, as Linux leaves them for icmp_send. */
	uint8_t bad;
};

/**
 * Options to send (Linux struct ip_options as ip_options_get or
 * ip_options_echo compile them): the bytes go into the header as they
 * are, except the source route's last address, which the sender fills
 * with the final destination (ip_options_build); the datagram is
 * addressed to @p faddr.
 */
struct pn_ipopt_tx {
	uint8_t len;		/**< bytes in data: 4..40, a multiple of 4 */
	uint8_t srr;		/**< LSRR/SSRR offset, 0: none */
	uint8_t rr;		/**< record route offset, 0: none */
	uint8_t ts;		/**< timestamp offset, 0: none */
	/** Slots the sender fills on output (Linux ip_options_build): the
	 * compiled pointers already point past them. */
	bool rr_needaddr;	/**< RR: our address */
	bool ts_needaddr;	/**< TS flag 1: our address before the time */
	bool ts_needtime;	/**< TS: the time */
	uint32_t faddr;		/**< srr: the first hop (host order) */
	uint8_t data[40];
};

/** Is @p addr (host order) one of ours? For TS flag 3 (prespecified). */
typedef bool (*pn_ipopt_local_fn)(uint32_t addr, void *arg);

/**
 * Check received options (Linux ip_options_compile with a packet, which
 * changes nothing here: we do not record ourselves in RR/TS).
 *
 * @param opts  the options area (after the 20-byte header)
 * @param len   its length, 0..40
 * @return 0 and @p out filled; -EBADMSG when an option's length or
 *   pointer is malformed, or an LSRR/SSRR, RR or TS option appears twice
 *   (out->bad names the byte); -EINVAL when @p len is above 40.
 */
int pn_ipopt_parse(const uint8_t *opts, uint32_t len,
		   struct pn_ipopt_info *out);

/**
 * Compile a user's IP_OPTIONS buffer (Linux ip_options_get): pad it to
 * a multiple of 4 with END, check it, and take a source route's first
 * address out as the first hop (the remaining hops move up; the freed
 * last slot gets the final destination on output). A source route must
 * have pointer 4 and at least one address. Unknown options, and TS
 * flags other than 0, 1 and 3, are refused (Linux without CAP_NET_RAW).
 *
 * @param len  0..40; 0 gives out->len 0 (no options)
 * @return 0; -EINVAL for anything malformed or over 40 bytes.
 */
int pn_ipopt_compile(const uint8_t *user, uint32_t len,
		     struct pn_ipopt_tx *out);

/**
 * pn_ipopt_compile, with what Linux ip_options_compile (no packet) does to
 * record route and timestamp options: where a slot is left, the pointer
 * moves past it and the slot is filled on output with our address or
 * the time (ms since midnight UT). A prespecified timestamp (flag 3) is
 * taken only when its address is ours (@p is_local; NULL: none is).
 */
int pn_ipopt_compile_local(const uint8_t *user, uint32_t len,
			   pn_ipopt_local_fn is_local, void *arg,
			   struct pn_ipopt_tx *out);

/**
 * The user's bytes back from compiled options (Linux ip_options_undo,
 * as getsockopt(IP_OPTIONS) returns them): the first hop goes back in
 * front of the source route; RR/TS pointers move back over the slots
 * output fills, which read as zeros.
 * @param buf  at least 40 bytes
 * @return the length written (o->len).
 */
uint32_t pn_ipopt_undo(const struct pn_ipopt_tx *o, uint8_t *buf);

/** What the receiver of a datagram writes into its RR/TS options
 * (Linux ip_options_compile with a packet, on input). */
struct pn_ipopt_rcv {
	uint32_t saddr;		/**< the datagram's source (host order) */
	uint32_t daddr;		/**< our address it came to (Linux spec_dst) */
	uint32_t ts_ms;		/**< when it came: ms since midnight UT */
	pn_ipopt_local_fn is_local; /**< TS flag 3: is the address ours
				     *   (NULL: none is) */
	void *arg;		/**< for is_local */
};

/**
 * The options to answer a datagram with (Linux ip_options_echo, as
 * icmp_reply, icmp_send, ip_send_unicast_reply and tcp_v4_save_options
 * use it): in this order, its record route and timestamp options with
 * what the receiver records (@p rcv: our address, the time, or the
 * overflow count) and the next slots left for output to fill
 * (pn_ipopt_build); its source route reversed, the hop nearest to us as
 * the first hop, the first recorded address dropped when it is the
 * source itself (RFC 1812 5.2.4.1). Other options are not echoed.
 *
 * @param opts, len, info  the received options, parsed (pn_ipopt_parse;
 *   after -EBADMSG, what it filled: the options before the culprit)
 * @return 0 and @p out filled (out->len 0: nothing to echo); -EINVAL
 *   when an RR/TS option leaves part of a slot after the receiver's,
 *   where Linux sends no reply (a SYN-ACK goes without options).
 */
int pn_ipopt_echo(const uint8_t *opts, uint32_t len,
		  const struct pn_ipopt_info *info,
		  const struct pn_ipopt_rcv *rcv, struct pn_ipopt_tx *out);

/**
 * Write options into a header's options area: the bytes of @p o, the
 * source route's last slot set to @p daddr, the RR/TS slots compiled to
 * be filled set to @p saddr and @p ts_ms (Linux ip_options_build).
 * @param dst    o->len bytes
 * @param ts_ms  milliseconds since midnight UT (RFC 791), when
 *   o->ts_needtime
 */
void pn_ipopt_build(uint8_t *dst, const struct pn_ipopt_tx *o,
		    uint32_t daddr, uint32_t saddr, uint32_t ts_ms);

/**
 * Options of a fragment after the first (Linux ip_options_fragment):
 * those without the copied bit become NOOPs, the length stays.
 */
void pn_ipopt_fragment(uint8_t *opts, uint32_t len);

#ifdef __cplusplus
}
#endif

#endif /* PN_WIRE_IPOPT_H */
