/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "ipopt.h"
#include "ipv4.h"
#include "wire_priv.h"

#define IPOPT_RA		148	/* router alert (RFC 2113) */
#define IPOPT_TS_TSONLY		0
#define IPOPT_TS_TSANDADDR	1
#define IPOPT_TS_PRESPEC	3

/* A source route's addresses: 4-byte slots from byte 3 of the option. */
#define SRR_SLOT0		3

/* Offset from the IPv4 header of byte @p i of the options area. */
static uint8_t
hoff(uint32_t i)
{
	return (uint8_t)(PN_IPV4_HDR_MIN_LEN + i);
}

/* RR and TS pointers: a pointer below @p min, or one that names a slot
 * cut by the option's end, is malformed. @return the bad byte, or 0. */
static uint32_t
ptr_check(const uint8_t *o, uint32_t at, uint8_t optlen, uint8_t min,
	  uint8_t need)
{
	if (o[2] < min)
		return at + 2;
	if (o[2] <= optlen && o[2] + need > optlen)
		return at + 2;
	return 0;
}

/* The TS option (RFC 791): pointer at or above 5, room for what its
 * flag records; past the end, the overflow count must not be full. */
static uint32_t
ts_check(const uint8_t *o, uint32_t at, uint8_t optlen, bool user)
{
	uint8_t fl;

	if (optlen < 4)	/* before its flag byte is read: maybe not there */
		return at + 1;
	fl = o[3] & 0x0f;
	if (o[2] < 5)
		return at + 2;
	if (o[2] <= optlen) {
		if (o[2] + 3 > optlen)
			return at + 2;
		if ((fl == IPOPT_TS_TSANDADDR || fl == IPOPT_TS_PRESPEC) &&
		    o[2] + 7 > optlen)
			return at + 2;
		if (user && fl != IPOPT_TS_TSONLY &&
		    fl != IPOPT_TS_TSANDADDR && fl != IPOPT_TS_PRESPEC)
			return at + 3;
	} else if (fl != IPOPT_TS_PRESPEC && o[3] >> 4 == 15) {
		return at + 3;	/* the overflow count would wrap */
	}
	return 0;
}

/* Check one option at @p at (length @p optlen, at least 2). @return the
 * bad byte + 1, or 0 when fine. */
static uint32_t
opt_check(const uint8_t *opts, uint32_t at, uint8_t optlen, bool user,
	  struct pn_ipopt_info *out)
{
	const uint8_t *o = opts + at;
	uint32_t bad;

	switch (o[0]) {
	case PN_IPOPT_LSRR:
	case PN_IPOPT_SSRR:
		if (optlen < 3)
			return at + 1 + 1;
		if (o[2] < 4)
			return at + 2 + 1;
		if (out->srr)	/* RFC 1812 5.2.4.1: one source route */
			return at + 1;
		/* a route we originate starts at its first address */
		if (user && (o[2] != 4 || optlen < 7 || (optlen - 3) & 3))
			return at + 1 + 1;
		out->srr = hoff(at);
		out->strict = o[0] == PN_IPOPT_SSRR;
		out->srr_done = o[2] > optlen;
		return 0;
	case PN_IPOPT_RR:
		if (out->rr)
			return at + 1;
		if (optlen < 3)
			return at + 1 + 1;
		bad = ptr_check(o, at, optlen, 4, 3);
		if (bad)
			return bad + 1;
		out->rr = hoff(at);
		return 0;
	case PN_IPOPT_TS:
		if (out->ts)
			return at + 1;
		bad = ts_check(o, at, optlen, user);
		if (bad)
			return bad + 1;
		out->ts = hoff(at);
		return 0;
	case IPOPT_RA:
		return optlen < 4 ? at + 1 + 1 : 0;
	case PN_IPOPT_CIPSO:
		/* Linux cipso_v4_validate: shorter than 8 is bad at the
		 * length; else its DOI must be one NetLabel knows, and we
		 * configure none (as a Linux host by default): bad at the
		 * DOI. A user may not set it (CAP_NET_RAW). */
		if (user)
			return at + 1;
		return optlen < 8 ? at + 1 + 1 : at + 2 + 1;
	default:
		/* security, stream ID, unknown: carried, not
		 * interpreted; a user may not set them (CAP_NET_RAW) */
		return user ? at + 1 : 0;
	}
}

/* Walk the options as ip_options_compile does. @return the offset of
 * the END option (where a user buffer is END-filled), or -EBADMSG. */
static int
ipopt_walk(const uint8_t *opts, uint32_t len, bool user,
	   struct pn_ipopt_info *out)
{
	uint32_t at = 0, bad;
	uint8_t optlen;

	memset(out, 0, sizeof(*out));
	while (at < len) {
		if (opts[at] == PN_IPOPT_END)
			return (int)at;
		if (opts[at] == PN_IPOPT_NOOP) {
			at++;
			continue;
		}
		if (len - at < 2) {
			bad = at + 1;
			goto err;
		}
		optlen = opts[at + 1];
		if (optlen < 2 || optlen > len - at) {
			bad = at + 1;
			goto err;
		}
		bad = opt_check(opts, at, optlen, user, out);
		if (bad)
			goto err;
		at += optlen;
	}
	return (int)len;
err:
	out->bad = hoff(bad - 1);
	return -EBADMSG;
}

int
pn_ipopt_parse(const uint8_t *opts, uint32_t len, struct pn_ipopt_info *out)
{
	int rc;

	if (len > PN_IPV4_OPTS_MAX_LEN)
		return -EINVAL;
	rc = ipopt_walk(opts, len, false, out);
	return rc < 0 ? rc : 0;
}

/* Linux ip_options_compile without a packet: RR and TS pointers move
 * past the slots ip_options_build fills. */
static void
compile_rr_ts(struct pn_ipopt_tx *out, const struct pn_ipopt_info *info,
	      pn_ipopt_local_fn is_local, void *arg)
{
	uint8_t *o;

	if (info->rr) {
		o = out->data + (info->rr - PN_IPV4_HDR_MIN_LEN);
		out->rr = info->rr;
		if (o[2] <= o[1]) {
			o[2] = (uint8_t)(o[2] + 4);
			out->rr_needaddr = true;
		}
	}
	if (info->ts == 0)
		return;
	o = out->data + (info->ts - PN_IPV4_HDR_MIN_LEN);
	out->ts = info->ts;
	if (o[2] > o[1])
		return;		/* full: the overflow count is the routers' */
	switch (o[3] & 0x0f) {
	case IPOPT_TS_TSONLY:
		out->ts_needtime = true;
		o[2] = (uint8_t)(o[2] + 4);
		break;
	case IPOPT_TS_TSANDADDR:
		out->ts_needaddr = true;
		out->ts_needtime = true;
		o[2] = (uint8_t)(o[2] + 8);
		break;
	default: /* IPOPT_TS_PRESPEC, the only other a user may set */
		if (is_local == NULL ||
		    !is_local(wire_get32(o + o[2] - 1), arg))
			break;	/* someone else's: left for them */
		out->ts_needtime = true;
		o[2] = (uint8_t)(o[2] + 8);
		break;
	}
}

int
pn_ipopt_compile_local(const uint8_t *user, uint32_t len,
		       pn_ipopt_local_fn is_local, void *arg,
		       struct pn_ipopt_tx *out)
{
	struct pn_ipopt_info info;
	uint8_t *srr;
	int end;

	memset(out, 0, sizeof(*out));
	if (len > PN_IPV4_OPTS_MAX_LEN)
		return -EINVAL;
	if (len == 0)
		return 0;
	memcpy(out->data, user, len);
	out->len = (uint8_t)((len + 3) & ~3u);	/* padded with END (0) */
	end = ipopt_walk(out->data, out->len, true, &info);
	if (end < 0) {
		memset(out, 0, sizeof(*out));
		return -EINVAL;
	}
	/* Linux: whatever follows END becomes END */
	memset(out->data + end, PN_IPOPT_END, out->len - (uint32_t)end);
	compile_rr_ts(out, &info, is_local, arg);
	if (info.srr) {
		srr = out->data + (info.srr - PN_IPV4_HDR_MIN_LEN);
		out->srr = info.srr;
		out->faddr = wire_get32(srr + SRR_SLOT0);
		memmove(srr + SRR_SLOT0, srr + SRR_SLOT0 + 4,
			(size_t)srr[1] - SRR_SLOT0 - 4);
	}
	return 0;
}

int
pn_ipopt_compile(const uint8_t *user, uint32_t len, struct pn_ipopt_tx *out)
{
	return pn_ipopt_compile_local(user, len, NULL, NULL, out);
}

uint32_t
pn_ipopt_undo(const struct pn_ipopt_tx *o, uint8_t *buf)
{
	uint8_t *srr, *p;

	memcpy(buf, o->data, o->len);
	if (o->srr) {
		srr = buf + (o->srr - PN_IPV4_HDR_MIN_LEN);
		memmove(srr + SRR_SLOT0 + 4, srr + SRR_SLOT0,
			(size_t)srr[1] - SRR_SLOT0 - 4);
		wire_put32(srr + SRR_SLOT0, o->faddr);
	}
	/* Linux ip_options_undo */
	if (o->rr_needaddr) {
		p = buf + (o->rr - PN_IPV4_HDR_MIN_LEN);
		p[2] = (uint8_t)(p[2] - 4);
		memset(p + p[2] - 1, 0, 4);
	}
	if (o->ts) {
		p = buf + (o->ts - PN_IPV4_HDR_MIN_LEN);
		if (o->ts_needtime) {
			p[2] = (uint8_t)(p[2] - 4);
			memset(p + p[2] - 1, 0, 4);
			if ((p[3] & 0x0f) == IPOPT_TS_PRESPEC)
				p[2] = (uint8_t)(p[2] - 4);
		}
		if (o->ts_needaddr) {
			p[2] = (uint8_t)(p[2] - 4);
			memset(p + p[2] - 1, 0, 4);
		}
	}
	return o->len;
}

/* RR as the receiver records itself (Linux ip_options_compile with a
 * packet: our address where the pointer is), then echoed with the next
 * slot left for output to fill (__ip_options_echo). @p d is the copy. */
static int
echo_rr(uint8_t *d, const struct pn_ipopt_rcv *rcv, struct pn_ipopt_tx *out)
{
	if (d[2] > d[1])
		return 0;	/* full: copied as it is */
	wire_put32(d + d[2] - 1, rcv->daddr);
	d[2] = (uint8_t)(d[2] + 4);
	if (d[2] > d[1])
		return 0;
	if (d[2] + 3 > d[1])
		return -EINVAL;	/* no whole slot left for ours */
	d[2] = (uint8_t)(d[2] + 4);
	out->rr_needaddr = true;
	return 0;
}

/* TS the same way: the receiver records by the flag (a prespecified
 * slot only when the address is ours), or counts an overflow when full;
 * the echo leaves the next slots the flag asks for to output. */
static int
echo_ts(uint8_t *d, const struct pn_ipopt_rcv *rcv, struct pn_ipopt_tx *out)
{
	uint8_t fl = d[3] & 0x0f, optlen = d[1];
	bool addr = false, time = false;
	uint32_t p;

	if (d[2] > optlen) {
		if (fl != IPOPT_TS_PRESPEC)	/* parse refused 15 */
			d[3] = (uint8_t)(d[3] + 0x10);
		return 0;
	}
	switch (fl) {
	case IPOPT_TS_TSONLY:
		wire_put32(d + d[2] - 1, rcv->ts_ms);
		d[2] = (uint8_t)(d[2] + 4);
		time = true;
		break;
	case IPOPT_TS_TSANDADDR:
		wire_put32(d + d[2] - 1, rcv->daddr);
		wire_put32(d + d[2] + 3, rcv->ts_ms);
		d[2] = (uint8_t)(d[2] + 8);
		addr = time = true;
		break;
	case IPOPT_TS_PRESPEC:
		if (rcv->is_local == NULL ||
		    !rcv->is_local(wire_get32(d + d[2] - 1), rcv->arg))
			break;	/* someone else's slot */
		wire_put32(d + d[2] + 3, rcv->ts_ms);
		d[2] = (uint8_t)(d[2] + 8);
		time = true;
		break;
	default:	/* an unknown flag: carried, nothing recorded */
		break;
	}
	p = d[2];
	if (p > optlen)
		return 0;
	if (addr) {
		if (p + 3 > optlen)
			return -EINVAL;
		out->ts_needaddr = true;
		p += 4;
	}
	if (time) {
		if (p + 3 > optlen)
			return -EINVAL;
		if (fl != IPOPT_TS_PRESPEC) {
			out->ts_needtime = true;
			p += 4;
		} else if (p + 7 <= optlen && rcv->is_local != NULL &&
			   rcv->is_local(wire_get32(d + p - 1), rcv->arg)) {
			out->ts_needtime = true;
			p += 8;
		}
	}
	d[2] = (uint8_t)p;
	return 0;
}

/* The source route reversed into @p d: the recorded addresses are the
 * slots before the pointer, the last one recorded (the hop nearest to
 * us) our first hop. @return the option's length, 0: nothing to echo. */
static uint32_t
echo_srr(const uint8_t *start, uint32_t saddr, uint8_t *d, uint32_t *faddr)
{
	uint32_t optlen = start[1], doff = 0, soff;

	soff = start[2] > optlen ? optlen + 1 : start[2];
	soff -= 4;
	if (soff > 3) {
		*faddr = wire_get32(start + soff - 1);
		for (soff -= 4, doff = 4; soff > 3; soff -= 4, doff += 4)
			memcpy(d + doff - 1, start + soff - 1, 4);
		/* RFC 1812 5.2.4.1: the source itself is not a hop back */
		if (wire_get32(start + soff + 3) == saddr)
			doff -= 4;
	}
	if (doff <= 3)
		return 0;
	d[0] = start[0];
	d[1] = (uint8_t)(doff + 3);
	d[2] = 4;
	return doff + 3;
}

int
pn_ipopt_echo(const uint8_t *opts, uint32_t len,
	      const struct pn_ipopt_info *info,
	      const struct pn_ipopt_rcv *rcv, struct pn_ipopt_tx *out)
{
	uint32_t at = 0, n, faddr = 0;
	uint8_t *d;

	memset(out, 0, sizeof(*out));
	if (len > PN_IPV4_OPTS_MAX_LEN)
		return -EINVAL;
	/* Linux __ip_options_echo: RR, TS, the route; nothing else */
	if (info->rr) {
		d = out->data;
		n = opts[info->rr - PN_IPV4_HDR_MIN_LEN + 1];
		memcpy(d, opts + (info->rr - PN_IPV4_HDR_MIN_LEN), n);
		out->rr = PN_IPV4_HDR_MIN_LEN;
		if (echo_rr(d, rcv, out) < 0)
			goto err;
		at = n;
	}
	if (info->ts) {
		d = out->data + at;
		n = opts[info->ts - PN_IPV4_HDR_MIN_LEN + 1];
		memcpy(d, opts + (info->ts - PN_IPV4_HDR_MIN_LEN), n);
		out->ts = hoff(at);
		if (echo_ts(d, rcv, out) < 0)
			goto err;
		at += n;
	}
	if (info->srr) {
		n = echo_srr(opts + (info->srr - PN_IPV4_HDR_MIN_LEN),
			     rcv->saddr, out->data + at, &faddr);
		if (n != 0) {
			out->srr = hoff(at);
			out->faddr = faddr;
			at += n;
		}
	}
	out->len = (uint8_t)((at + 3) & ~3u);	/* END padding */
	return 0;
err:
	memset(out, 0, sizeof(*out));
	return -EINVAL;
}

void
pn_ipopt_build(uint8_t *dst, const struct pn_ipopt_tx *o, uint32_t daddr,
	       uint32_t saddr, uint32_t ts_ms)
{
	uint8_t *p;

	memcpy(dst, o->data, o->len);
	if (o->srr) {
		p = dst + (o->srr - PN_IPV4_HDR_MIN_LEN);
		wire_put32(p + p[1] - 4, daddr);
	}
	/* the slots just below the compiled pointers */
	if (o->rr_needaddr) {
		p = dst + (o->rr - PN_IPV4_HDR_MIN_LEN);
		wire_put32(p + p[2] - 5, saddr);
	}
	if (o->ts_needaddr || o->ts_needtime) {
		p = dst + (o->ts - PN_IPV4_HDR_MIN_LEN);
		if (o->ts_needaddr)
			wire_put32(p + p[2] - 9, saddr);
		if (o->ts_needtime)
			wire_put32(p + p[2] - 5, ts_ms);
	}
}

void
pn_ipopt_fragment(uint8_t *opts, uint32_t len)
{
	uint32_t at = 0;
	uint8_t optlen;

	while (at < len) {
		if (opts[at] == PN_IPOPT_END)
			return;
		if (opts[at] == PN_IPOPT_NOOP) {
			at++;
			continue;
		}
		if (len - at < 2)
			return;
		optlen = opts[at + 1];
		if (optlen < 2 || optlen > len - at)
			return;
		if (!PN_IPOPT_COPIED(opts[at]))
			memset(opts + at, PN_IPOPT_NOOP, optlen);
		at += optlen;
	}
}
