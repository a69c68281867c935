/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 options of a connection (RFC 9293 3.9.2.1), as Linux keeps them
 * in inet->inet_opt: the user's IP_OPTIONS (MUST-51; they win over any
 * route the peer sends, MUST-52), or the reverse of the completed source
 * route a passive open's SYN came along (MUST-53, Linux
 * tcp_v4_save_options), replaced by a different one a later segment
 * brings (SHLD-24). lib/net delivers completed source routes only with
 * accept_source_route. Connections without options hold NULL and pay
 * one test per segment sent.
 */
#include <stdlib.h>
#include <string.h>

#include "ipv4.h"
#include "tcp_priv.h"

const struct pn_ipopt_tx *
tcp_ipopt_reply(const struct tcp_seg *s, struct pn_ipopt_tx *buf)
{
	const struct pn_ipv4_hdr *ip = s->ip;
	struct pn_ipopt_info oi;

	if (ip == NULL || ip->opts_len == 0 ||
	    pn_ipopt_parse(ip->opts, ip->opts_len, &oi) < 0 || !oi.srr_done)
		return NULL;
	pn_ipopt_echo(ip->opts, ip->opts_len, &oi, s->src, buf);
	return buf->len != 0 ? buf : NULL;
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
tcp_ipopt_rx(struct pn_tcp_conn *c, const struct tcp_seg *s)
{
	struct pn_ipopt_tx e;
	const struct pn_ipopt_tx *o;

	if (c->ipopt != NULL && c->ipopt->user)
		return;	/* MUST-52 */
	o = tcp_ipopt_reply(s, &e);
	if (o == NULL ||
	    (c->ipopt != NULL && memcmp(&c->ipopt->tx, o, sizeof(*o)) == 0))
		return;
	/* Without memory the segments go without the route: counted. */
	if (ipopt_store(c, o, false) < 0)
		c->tcp->stat.TCPIpOptNoMem++;
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
