/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP errors for TCP (RFC 1122 4.2.3.9, RFC 5927, RFC 1191), handed over
 * by lib/net (pn_net_register_err) with the quoted IP header and the first
 * 8 bytes of our segment: ports and sequence number. The quoted sequence
 * number must lie in SND.UNA..SND.NXT (RFC 5927 4.1) or the message is
 * dropped. Then, as Linux tcp_v4_err:
 *   fragmentation needed  lower the MSS (not below tcp.mss_min), resend
 *   any unreachable in SYN-SENT  abort, connect() fails with the error
 *   otherwise             a soft error: reported if the connection later
 *                         times out (instead of ETIMEDOUT)
 *   time exceeded         a soft error (EHOSTUNREACH), SYN-SENT included
 *   parameter problem     a soft error (EPROTO), SYN-SENT included
 * (Linux aborts a SYN-SENT connection on the last two as well; RFC 1122
 * 4.2.3.9 says they MUST NOT abort.)
 */
#include <errno.h>


#include "icmp.h"
#include "net_priv.h"
#include "tcp_priv.h"

/* Linux icmp_err_convert[]: destination unreachable code -> errno. */
static const int unreach_errno[] = {
	[PN_ICMP_UNREACH_NET] = ENETUNREACH,
	[PN_ICMP_UNREACH_HOST] = EHOSTUNREACH,
	[PN_ICMP_UNREACH_PROTO] = ENOPROTOOPT,
	[PN_ICMP_UNREACH_PORT] = ECONNREFUSED,
	[PN_ICMP_UNREACH_FRAG_NEEDED] = EMSGSIZE,
	[5] = EOPNOTSUPP,       /* source route failed */
	[6] = ENETUNREACH,      /* network unknown */
	[7] = EHOSTDOWN,        /* host unknown */
	[8] = ENONET,           /* host isolated */
	[9] = ENETUNREACH,      /* network prohibited */
	[10] = EHOSTUNREACH,    /* host prohibited */
	[11] = ENETUNREACH,     /* network for TOS */
	[12] = EHOSTUNREACH,    /* host for TOS */
	[PN_ICMP_UNREACH_ADMIN] = EHOSTUNREACH,
	[14] = EHOSTUNREACH,    /* precedence violation */
	[15] = EHOSTUNREACH,    /* precedence cutoff */
};

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* RFC 1191 / RFC 8201 3: the path MTU fell; segments go at the new MSS,
 * cwnd untouched (nothing was congested: Linux tcp_simple_retransmit). */
static void
frag_needed(struct pn_tcp_conn *c, uint16_t mtu)
{
	uint32_t mss = mtu > PN_IPV4_HDR_MIN_LEN + PN_TCP_HDR_MIN_LEN ?
		       mtu - PN_IPV4_HDR_MIN_LEN - PN_TCP_HDR_MIN_LEN : 0;

	if (mss < c->tcp->conf.mss_min)
		mss = c->tcp->conf.mss_min;
	if (!tcp_synchronized(c) || mss >= c->mss)
		return;
	c->mss = (uint16_t)mss;
	c->tcp->stat.TCPPMTUUpdates++;
	if (c->snd_nxt != c->snd_una && c->sndq.len > 0) {
		c->snd_nxt = c->snd_una; /* again, at the new size */
		c->high_rxt = c->snd_una;
		if (c->snd_max - c->snd_una > c->sndq.len)
			c->flags &= (uint16_t)~TF_FIN_SENT; /* the FIN too */
		tcp_output(c);
	}
}

static int
tcp_icmp_err(struct pn_lcore *lc, struct pn_net *net,
	     const struct pn_icmp_hdr *h, void *arg)
{
	struct pn_tcp *tcp = arg;
	const uint8_t *q = h->quote.l4;
	struct tcp_key k = {
		.lip = h->quote.src, .rip = h->quote.dst,
		.lport = (uint16_t)(q[0] << 8 | q[1]),
		.rport = (uint16_t)(q[2] << 8 | q[3]),
	};
	uint32_t seq = get32(q + 4);
	struct pn_tcp_conn *c;
	int err;

	(void)lc;
	(void)net;
	c = tcp_conn_lookup(tcp, &k);
	if (c == NULL)
		return PN_DROP_TCP_ICMP_NO_CONN;
	tcp_poll_stale(c);
	/* RFC 5927 4.1: only a segment we sent and that is not ACKed. */
	if (!pn_seq_in(seq, c->snd_una, c->snd_max))
		return PN_DROP_TCP_ICMP_BAD_SEQ;
	if (h->type == PN_ICMP_TIME_EXCEEDED ||
	    h->type == PN_ICMP_PARAM_PROBLEM) {
		/* RFC 1122 4.2.3.9: passed on, never an abort; reported
		 * (EHOSTUNREACH or EPROTO, as Linux) if the connection
		 * times out. */
		c->err_soft = h->type == PN_ICMP_PARAM_PROBLEM ? EPROTO :
							       EHOSTUNREACH;
		return 0;
	}
	if (h->code >= RTE_DIM(unreach_errno) || unreach_errno[h->code] == 0)
		return 0; /* an unknown code: nothing to learn (RFC 1122 3.2.2.1) */
	tcp->busy++;
	if (h->code == PN_ICMP_UNREACH_FRAG_NEEDED) {
		frag_needed(c, h->mtu);
		goto out;
	}
	err = unreach_errno[h->code];
	if (c->state == PN_TCP_SYN_SENT) {
		/* Linux tcp_v4_err: connect() fails at once. */
		tcp_conn_reset(c, err);
		goto out;
	}
	c->err_soft = err; /* RFC 1122 4.2.3.9: soft, kept for a timeout */
out:
	tcp->busy--;
	tcp_reap(tcp);
	return 0;
}

int
tcp_icmp_register(struct pn_tcp *tcp, bool on)
{
	return pn_net_register_err(tcp->net, PN_IPV4_PROTO_TCP,
				   on ? tcp_icmp_err : NULL, on ? tcp : NULL);
}
