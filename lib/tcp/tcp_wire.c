/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "tcp_wire.h"

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * The options of nearly every segment of a connection with timestamps:
 * NOP, NOP, TS (RFC 7323 appendix A's layout, what Linux and we send).
 */
#define TCP_TS_ONLY_LEN PN_TCP_OPTS_TS_LEN
static const uint8_t tcp_ts_only[4] = {
	PN_TCPOPT_NOP, PN_TCPOPT_NOP, PN_TCPOPT_TS, 10
};

/*
 * The options of a SYN and a SYN-ACK with all four: MSS, SACK-permitted,
 * TS, NOP, window scale (Linux tcp_options_write's order, and ours:
 * opts_build). Bytes 0-1, 4-7 and 16-18 are fixed; the rest are values.
 * Parsed and built straight, as the timestamp-only layout.
 */
#define TCP_SYN_ALL_LEN 20
static const uint8_t tcp_syn_all[TCP_SYN_ALL_LEN] = {
	PN_TCPOPT_MSS, 4, 0, 0, PN_TCPOPT_SACK_OK, 2, PN_TCPOPT_TS, 10,
	0, 0, 0, 0, 0, 0, 0, 0, PN_TCPOPT_NOP, PN_TCPOPT_WS, 3, 0
};

/* The generic parser, into a zeroed @p o. */
static int
opts_parse(const uint8_t *p, uint32_t len, struct pn_tcp_opts *o)
{
	uint32_t i = 0, olen, k;

	while (i < len) {
		uint8_t kind = p[i];

		if (kind == PN_TCPOPT_EOL)
			break;
		if (kind == PN_TCPOPT_NOP) {
			i++;
			continue;
		}
		/* RFC 9293 MUST-7: a bad length must not crash us. */
		if (i + 1 >= len)
			return -EBADMSG;
		olen = p[i + 1];
		if (olen < 2 || i + olen > len)
			return -EBADMSG;
		switch (kind) {
		case PN_TCPOPT_MSS:
			if (olen != 4)
				return -EBADMSG;
			o->has |= PN_TCPO_MSS;
			o->mss = get16(p + i + 2);
			break;
		case PN_TCPOPT_WS:
			if (olen != 3)
				return -EBADMSG;
			o->has |= PN_TCPO_WS;
			o->wscale = p[i + 2];
			break;
		case PN_TCPOPT_SACK_OK:
			if (olen != 2)
				return -EBADMSG;
			o->has |= PN_TCPO_SACK_OK;
			break;
		case PN_TCPOPT_TS:
			if (olen != 10)
				return -EBADMSG;
			o->has |= PN_TCPO_TS;
			o->tsval = get32(p + i + 2);
			o->tsecr = get32(p + i + 6);
			break;
		case PN_TCPOPT_SACK:
			if (olen < 10 || (olen - 2) % 8 != 0)
				return -EBADMSG;
			o->has |= PN_TCPO_SACK;
			o->nsack = 0;
			for (k = 0; k < (olen - 2) / 8 && k < PN_TCP_MAX_SACK;
			     k++) {
				o->sack[k].left = get32(p + i + 2 + 8 * k);
				o->sack[k].right = get32(p + i + 6 + 8 * k);
				o->nsack++;
			}
			break;
		default:
			break; /* unknown: skipped (RFC 9293 MUST-6) */
		}
		i += olen;
	}
	return 0;
}

/* pn_tcp_opts_parse, inline in pn_tcp_parse: every segment's */
static inline __attribute__((always_inline)) int
opts_parse_ts_first(const uint8_t *p, uint32_t len, struct pn_tcp_opts *o)
{
	memset(o, 0, sizeof(*o));
	if (len == TCP_TS_ONLY_LEN && memcmp(p, tcp_ts_only, 4) == 0) {
		o->has = PN_TCPO_TS;
		o->tsval = get32(p + 4);
		o->tsecr = get32(p + 8);
		return 0;
	}
	/* the handshake's: the generic loop's five options, straight */
	if (len == TCP_SYN_ALL_LEN && memcmp(p, tcp_syn_all, 2) == 0 &&
	    memcmp(p + 4, tcp_syn_all + 4, 4) == 0 &&
	    memcmp(p + 16, tcp_syn_all + 16, 3) == 0) {
		o->has = PN_TCPO_MSS | PN_TCPO_SACK_OK | PN_TCPO_TS |
			 PN_TCPO_WS;
		o->mss = get16(p + 2);
		o->tsval = get32(p + 8);
		o->tsecr = get32(p + 12);
		o->wscale = p[19];
		return 0;
	}
	return len == 0 ? 0 : opts_parse(p, len, o);
}

int
pn_tcp_opts_parse(const uint8_t *p, uint32_t len, struct pn_tcp_opts *o)
{
	return opts_parse_ts_first(p, len, o);
}

int
pn_tcp_opts_parse_generic(const uint8_t *p, uint32_t len,
			  struct pn_tcp_opts *o)
{
	memset(o, 0, sizeof(*o));
	return opts_parse(p, len, o);
}

uint32_t
pn_tcp_opts_len(const struct pn_tcp_opts *o)
{
	uint32_t n = 0, room;

	if (o->has == PN_TCPO_TS)
		return TCP_TS_ONLY_LEN;	/* every established segment's */
	if (o->has & PN_TCPO_MSS)
		n += 4;
	if (o->has & PN_TCPO_TS)
		n += 12;
	else if (o->has & PN_TCPO_SACK_OK)
		n += 4;
	if (o->has & PN_TCPO_WS)
		n += 4;
	if ((o->has & PN_TCPO_SACK) && o->nsack > 0) {
		room = (PN_TCP_OPTS_MAX_LEN - n - 4) / 8;
		n += 4 + 8 * (o->nsack < room ? o->nsack : room);
	}
	return n;
}

static int
opts_build(uint8_t *p, uint32_t len, const struct pn_tcp_opts *o)
{
	uint32_t n = 0, k, nb, room;

	if (pn_tcp_opts_len(o) > len)
		return -EMSGSIZE;
	if (o->has & PN_TCPO_MSS) {
		p[n++] = PN_TCPOPT_MSS;
		p[n++] = 4;
		put16(p + n, o->mss);
		n += 2;
	}
	if (o->has & PN_TCPO_TS) {
		if (o->has & PN_TCPO_SACK_OK) {
			p[n++] = PN_TCPOPT_SACK_OK;
			p[n++] = 2;
		} else {
			p[n++] = PN_TCPOPT_NOP;
			p[n++] = PN_TCPOPT_NOP;
		}
		p[n++] = PN_TCPOPT_TS;
		p[n++] = 10;
		put32(p + n, o->tsval);
		put32(p + n + 4, o->tsecr);
		n += 8;
	} else if (o->has & PN_TCPO_SACK_OK) {
		p[n++] = PN_TCPOPT_NOP;
		p[n++] = PN_TCPOPT_NOP;
		p[n++] = PN_TCPOPT_SACK_OK;
		p[n++] = 2;
	}
	if (o->has & PN_TCPO_WS) {
		p[n++] = PN_TCPOPT_NOP;
		p[n++] = PN_TCPOPT_WS;
		p[n++] = 3;
		p[n++] = o->wscale;
	}
	if ((o->has & PN_TCPO_SACK) && o->nsack > 0) {
		room = (PN_TCP_OPTS_MAX_LEN - n - 4) / 8;
		nb = o->nsack < room ? o->nsack : room;
		p[n++] = PN_TCPOPT_NOP;
		p[n++] = PN_TCPOPT_NOP;
		p[n++] = PN_TCPOPT_SACK;
		p[n++] = (uint8_t)(2 + 8 * nb);
		for (k = 0; k < nb; k++) {
			put32(p + n, o->sack[k].left);
			put32(p + n + 4, o->sack[k].right);
			n += 8;
		}
	}
	return (int)n;
}

int
pn_tcp_opts_build(uint8_t *p, uint32_t len, const struct pn_tcp_opts *o)
{
	if (o->has == PN_TCPO_TS) {
		if (len < TCP_TS_ONLY_LEN)
			return -EMSGSIZE;
		memcpy(p, tcp_ts_only, 4);
		put32(p + 4, o->tsval);
		put32(p + 8, o->tsecr);
		return TCP_TS_ONLY_LEN;
	}
	if (o->has ==
	    (PN_TCPO_MSS | PN_TCPO_SACK_OK | PN_TCPO_TS | PN_TCPO_WS)) {
		if (len < TCP_SYN_ALL_LEN)
			return -EMSGSIZE;
		memcpy(p, tcp_syn_all, TCP_SYN_ALL_LEN);
		put16(p + 2, o->mss);
		put32(p + 8, o->tsval);
		put32(p + 12, o->tsecr);
		p[19] = o->wscale;
		return TCP_SYN_ALL_LEN;
	}
	return opts_build(p, len, o);
}

int
pn_tcp_opts_build_generic(uint8_t *p, uint32_t len,
			  const struct pn_tcp_opts *o)
{
	return opts_build(p, len, o);
}

int
pn_tcp_parse(const uint8_t *buf, uint32_t len, struct pn_tcp_hdr *h)
{
	uint32_t off;

	if (len < PN_TCP_HDR_MIN_LEN)
		return -EMSGSIZE;
	off = (uint32_t)(buf[12] >> 4) * 4;
	if (off < PN_TCP_HDR_MIN_LEN)
		return -EBADMSG;
	if (off > len)
		return -EMSGSIZE;
	h->sport = get16(buf);
	h->dport = get16(buf + 2);
	h->seq = get32(buf + 4);
	h->ack = get32(buf + 8);
	h->hdr_len = (uint8_t)off;
	h->flags = buf[13];
	h->win = get16(buf + 14);
	h->cksum = get16(buf + 16);
	h->urp = get16(buf + 18);
	return opts_parse_ts_first(buf + 20, off - 20, &h->opts);
}

int
pn_tcp_build(uint8_t *buf, uint32_t len, const struct pn_tcp_hdr *h)
{
	/* timestamps alone (every established segment): no calls */
	bool ts = h->opts.has == PN_TCPO_TS;
	uint32_t olen = ts ? TCP_TS_ONLY_LEN : pn_tcp_opts_len(&h->opts);
	uint32_t hl = 20 + olen;

	if (len < hl)
		return -EMSGSIZE;
	put16(buf, h->sport);
	put16(buf + 2, h->dport);
	put32(buf + 4, h->seq);
	put32(buf + 8, h->ack);
	buf[12] = (uint8_t)((hl / 4) << 4);
	buf[13] = h->flags;
	put16(buf + 14, h->win);
	put16(buf + 16, h->cksum);
	put16(buf + 18, h->urp);
	if (ts) {
		memcpy(buf + 20, tcp_ts_only, 4);
		put32(buf + 24, h->opts.tsval);
		put32(buf + 28, h->opts.tsecr);
	} else {
		opts_build(buf + 20, olen, &h->opts);
	}
	return (int)hl;
}
