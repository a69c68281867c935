/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 options of a connection (RFC 9293 3.9.2.1), as Linux keeps them
 * in inet->inet_opt: the user's IP_OPTIONS (MUST-51; they win over any
 * route the peer sends, MUST-52), or the echo of the options a passive
 * open's SYN came with (Linux tcp_v4_save_options: RR/TS with our
 * address and the SYN's time, the completed source route reversed,
 * MUST-53), replaced by the echo of a later segment bringing a different
 * route (SHLD-24). lib/net delivers completed source routes only with
 * accept_source_route. Connections without options hold NULL and pay
 * one test per segment sent.
 */
#include <stdlib.h>
#include <string.h>

#include "ipv4.h"
#include "net.h"
#include "tcp_priv.h"

int
tcp_ipopt_reply(struct pn_tcp *tcp, const struct tcp_seg *s,
		struct pn_ipopt_tx *buf)
{
	if (s->ip == NULL || s->ip->opts_len == 0) {
		buf->len = 0;
		buf->srr = 0;
		return 0;
	}
	return pn_ip4_opts_echo(tcp->lc, tcp->net, s->ip, buf);
}

/* Do @p a and @p b reverse the same route? */
static bool
ipopt_same_route(const struct pn_ipopt_tx *a, const struct pn_ipopt_tx *b)
{
	const uint8_t *ra, *rb;

	if (a->srr == 0 || b->srr == 0 || a->faddr != b->faddr)
		return false;
	ra = a->data + (a->srr - PN_IPV4_HDR_MIN_LEN);
	rb = b->data + (b->srr - PN_IPV4_HDR_MIN_LEN);
	return ra[1] == rb[1] && memcmp(ra, rb, ra[1]) == 0;
}

/* Hold @p o as @p c's options (@p user: from IP_OPTIONS). */
static int
ipopt_store(struct pn_tcp_conn *c, const struct pn_ipopt_tx *o, bool user)
{
	if (c->ipopt == NULL) {
		c->ipopt = malloc(sizeof(*c->ipopt));
		if (c->ipopt == NULL)
			return -ENOMEM;
	}
	c->ipopt->tx = *o;
	c->ipopt->user = user;
	return 0;
}

void
tcp_ipopt_save(struct pn_tcp_conn *c, const struct tcp_seg *s)
{
	struct pn_ipopt_tx e;

	/* Linux: echo refused, the connection goes without options */
	if (tcp_ipopt_reply(c->tcp, s, &e) < 0 || e.len == 0)
		return;
	/* Without memory the segments go without them: counted. */
	if (ipopt_store(c, &e, false) < 0)
		c->tcp->stat.TCPIpOptNoMem++;
}

void
tcp_ipopt_rx(struct pn_tcp_conn *c, const struct tcp_seg *s)
{
	struct pn_ipopt_info oi;
	struct pn_ipopt_tx e;

	if (c->ipopt != NULL && c->ipopt->user)
		return;	/* MUST-52 */
	/* lib/net delivers only completed routes: one is here, or none */
	if (pn_ipopt_parse(s->ip->opts, s->ip->opts_len, &oi) < 0 ||
	    oi.srr == 0 || tcp_ipopt_reply(c->tcp, s, &e) < 0 || e.srr == 0)
		return;
	if (c->ipopt != NULL && ipopt_same_route(&c->ipopt->tx, &e))
		return;
	if (ipopt_store(c, &e, false) < 0)
		c->tcp->stat.TCPIpOptNoMem++;
}

int
tcp_ipopt_timewait(struct pn_tcp_conn *c, const struct tcp_seg *s)
{
	struct pn_ipopt_tx e;

	if (c->ipopt == NULL && (s->ip == NULL || s->ip->opts_len == 0))
		return 0;	/* nothing held, nothing to echo */
	if (tcp_ipopt_reply(c->tcp, s, &e) < 0)
		return -EINVAL;
	if (e.len == 0) {
		free(c->ipopt);
		c->ipopt = NULL;
	} else if (ipopt_store(c, &e, false) < 0) {
		/* only when none was held: the ACK goes without */
		c->tcp->stat.TCPIpOptNoMem++;
	}
	return 0;
}

int
pn_tcp_set_ipopt(struct pn_tcp_conn *c, const struct pn_ipopt_tx *ipopt)
{
	if (ipopt == NULL || ipopt->len == 0) {
		free(c->ipopt);
		c->ipopt = NULL;
		return 0;
	}
	return ipopt_store(c, ipopt, true);
}

int
pn_tcp_get_ipopt(const struct pn_tcp_conn *c, struct pn_ipopt_tx *out)
{
	if (c->ipopt == NULL)
		return -ENOENT;
	*out = c->ipopt->tx;
	return 0;
}
