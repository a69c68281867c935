/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_TCP_WIRE_H
#define PN_TCP_WIRE_H

/*
 * The TCP header and its options (RFC 9293 3.1, RFC 7323, RFC 2018):
 * pure parse/build over (buffer, length), and sequence-number arithmetic.
 */

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PN_TCP_HDR_MIN_LEN 20
#define PN_TCP_HDR_MAX_LEN 60
#define PN_TCP_OPTS_MAX_LEN 40

#define PN_TCP_FIN 0x01
#define PN_TCP_SYN 0x02
#define PN_TCP_RST 0x04
#define PN_TCP_PSH 0x08
#define PN_TCP_ACK 0x10
#define PN_TCP_URG 0x20
#define PN_TCP_ECE 0x40
#define PN_TCP_CWR 0x80

#define PN_TCPOPT_EOL     0
#define PN_TCPOPT_NOP     1
#define PN_TCPOPT_MSS     2
#define PN_TCPOPT_WS      3
#define PN_TCPOPT_SACK_OK 4
#define PN_TCPOPT_SACK    5
#define PN_TCPOPT_TS      8

/* pn_tcp_opts.has */
#define PN_TCPO_MSS     0x01
#define PN_TCPO_WS      0x02
#define PN_TCPO_SACK_OK 0x04
#define PN_TCPO_TS      0x08
#define PN_TCPO_SACK    0x10

#define PN_TCP_MAX_SACK 4
#define PN_TCP_WS_MAX   14 /* RFC 7323 2.3 */

struct pn_tcp_sack_blk {
	uint32_t left, right;
};

/** Options of one segment. Unknown options are skipped. */
struct pn_tcp_opts {
	uint8_t has;      /**< PN_TCPO_* */
	uint8_t wscale;   /**< as received (clamp to 14 is the user's job) */
	uint16_t mss;
	uint32_t tsval, tsecr;
	uint8_t nsack;
	struct pn_tcp_sack_blk sack[PN_TCP_MAX_SACK];
};

/** A parsed TCP header. Host byte order. */
struct pn_tcp_hdr {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t hdr_len;  /**< data offset * 4 */
	uint8_t flags;    /**< PN_TCP_* */
	uint16_t win;     /**< unscaled */
	uint16_t cksum;
	uint16_t urp;
	struct pn_tcp_opts opts;
};

/**
 * Parse options at @p p (@p len bytes).
 * @return 0; -EBADMSG for a malformed option (length < 2, running past the
 * end, or a known option with the wrong length).
 */
int pn_tcp_opts_parse(const uint8_t *p, uint32_t len, struct pn_tcp_opts *o);

/**
 * Write the options of @p o (MSS, SACK-permitted, timestamps, window scale,
 * SACK blocks; as many SACK blocks as fit), NOP-padded to a multiple of 4.
 * @return bytes written (0..40); -EMSGSIZE when @p len is too small.
 */
int pn_tcp_opts_build(uint8_t *p, uint32_t len, const struct pn_tcp_opts *o);

/**
 * pn_tcp_opts_parse() / pn_tcp_opts_build() without their fast path for
 * the timestamp-only layout (NOP, NOP, TS): same results, for the tests
 * that compare the two.
 */
int pn_tcp_opts_parse_generic(const uint8_t *p, uint32_t len,
			      struct pn_tcp_opts *o);
int pn_tcp_opts_build_generic(uint8_t *p, uint32_t len,
			      const struct pn_tcp_opts *o);

/** pn_tcp_opts_len() of timestamps alone (NOP, NOP, TS), the options of
 * every segment after a handshake that agreed on them. */
#define PN_TCP_OPTS_TS_LEN 12

/** Bytes pn_tcp_opts_build would write for @p o (at most 40). */
uint32_t pn_tcp_opts_len(const struct pn_tcp_opts *o);

/**
 * Parse a TCP header with its options (checksum not checked).
 * @return 0; -EMSGSIZE (shorter than 20 or than the data offset);
 * -EBADMSG (data offset < 5, malformed options).
 */
int pn_tcp_parse(const uint8_t *buf, uint32_t len, struct pn_tcp_hdr *out);

/**
 * Write the header of @p h with its options (hdr_len and cksum ignored;
 * checksum field written as @p h->cksum).
 * @return header length; -EMSGSIZE.
 */
int pn_tcp_build(uint8_t *buf, uint32_t len, const struct pn_tcp_hdr *h);

/* --- sequence numbers (RFC 9293 3.4), modulo 2^32 --- */
static inline bool pn_seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool pn_seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool pn_seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool pn_seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }
/** lo <= s < hi */
static inline bool
pn_seq_in(uint32_t s, uint32_t lo, uint32_t hi)
{
	return pn_seq_leq(lo, s) && pn_seq_lt(s, hi);
}
static inline uint32_t pn_seq_max(uint32_t a, uint32_t b) { return pn_seq_gt(a, b) ? a : b; }
static inline uint32_t pn_seq_min(uint32_t a, uint32_t b) { return pn_seq_lt(a, b) ? a : b; }

#ifdef __cplusplus
}
#endif

#endif /* PN_TCP_WIRE_H */
