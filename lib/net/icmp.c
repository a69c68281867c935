/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP: echo replies (any size up to 65535 through reassembly, fragmented
 * on output); destination unreachable, reassembly time exceeded and
 * parameter problem errors under RFC 1122 3.2.2's rules and a token
 * bucket rate limit.
 *
 * The rate limit is per shard (Linux's icmp_msgs_per_sec is global): a
 * shared bucket would be the only lock on the data path. With N shards
 * the process may send up to N times the configured rate.
 */
#include <errno.h>
#include <string.h>

#include "icmp.h"
#include "net_priv.h"

/* RFC 1812 4.3.2.5 / Linux: errors go out as internetwork control. */
#define ICMP_ERR_TOS 0xc0

/* Token bucket: credit in tokens * 1e9, refilled at rate tokens/s. */
static bool
icmp_rate_ok(struct pn_net *net, uint64_t now)
{
	const struct pn_net_icmp_conf *c = &net->conf->icmp;
	uint64_t cap = (uint64_t)c->burst * PN_NS_PER_S;
	uint64_t dt = now - net->icmp_last_ns;

	/* dt * rate must not overflow: a bucket fills in burst/rate s. */
	if (dt > 1000 * PN_NS_PER_S)
		dt = 1000 * PN_NS_PER_S;
	net->icmp_last_ns = now;
	net->icmp_credit = RTE_MIN(cap, net->icmp_credit + dt * c->rate);
	if (net->icmp_credit < PN_NS_PER_S)
		return false;
	net->icmp_credit -= PN_NS_PER_S;
	return true;
}

void
icmp_send_error(struct pn_lcore *lc, struct pn_net *net,
		const struct rte_mbuf *m, const struct pn_ipv4_hdr *ip,
		uint8_t type, uint8_t code, uint32_t rest, bool bcast)
{
	uint8_t orig[PN_IPV4_HDR_MAX_LEN + PN_ICMP_QUOTE_L4_LEN];
	uint32_t qlen = RTE_MIN((uint32_t)ip->total_len,
				(uint32_t)ip->hdr_len + PN_ICMP_QUOTE_L4_LEN);
	struct pn_ipopt_tx ipo;
	struct rte_mbuf *e;
	uint8_t *p;
	int n;

	net_mbuf_copy(m, 0, qlen, orig);
	/* RFC 1122 3.2.2: not about errors, non-initial fragments,
	 * broadcasts (a directed broadcast is ours to recognise). */
	if (bcast || !pn_icmp_error_allowed(ip, orig + ip->hdr_len,
					    qlen - ip->hdr_len)) {
		net->stat.icmp_err_suppressed++;
		return;
	}
	if (!icmp_rate_ok(net, lc->now)) {
		net->stat.icmp_ratelimited++;
		return;
	}
	/* Linux __icmp_send: the offender's options echoed, or no error */
	if (pn_ip4_opts_echo(lc, net, ip, &ipo) < 0)
		return;
	e = net_alloc(net);
	if (e == NULL)
		return;
	p = (uint8_t *)rte_pktmbuf_append(e, (uint16_t)(PN_ICMP_HDR_LEN +
							qlen));
	n = pn_icmp_build_error(p, PN_ICMP_HDR_LEN + qlen, type, code, rest,
				orig, qlen);
	if (n < 0) {
		rte_pktmbuf_free(e);
		return;
	}
	net->stat.icmp_out++;
	net->stat.icmp_err_out++;
	pn_ip4_output_opts(lc, net, e, ip->dst, ip->src, PN_IPV4_PROTO_ICMP,
			   ICMP_ERR_TOS, false, ipo.len ? &ipo : NULL);
}

void
icmp_send_unreach(struct pn_lcore *lc, struct pn_net *net,
		  const struct rte_mbuf *m, const struct pn_ipv4_hdr *ip,
		  uint8_t code, bool bcast)
{
	icmp_send_error(lc, net, m, ip, PN_ICMP_DEST_UNREACH, code, 0, bcast);
}

void
icmp_input(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m,
	   const struct pn_ipv4_hdr *ip, bool bcast)
{
	uint32_t off = ip->hdr_len, len = (uint32_t)ip->total_len - off;
	struct pn_ipopt_tx ipo = { .len = 0 };
	struct pn_icmp_hdr h;
	uint8_t *view;
	int rc;

	net->stat.icmp_in++;
	/* Contiguous view: the mbuf itself, or a copy of a chain. */
	view = (uint8_t *)(uintptr_t)rte_pktmbuf_read(m, off, len,
						      net->scratch);
	rc = pn_icmp_parse(view, len, &h);
	if (rc == -EPROTONOSUPPORT) {
		pn_drop(lc, m, PN_DROP_ICMP_UNHANDLED);
		return;
	}
	if (rc < 0) {
		pn_drop(lc, m, PN_DROP_ICMP_BAD);
		return;
	}
	if ((h.type == PN_ICMP_DEST_UNREACH ||
	     h.type == PN_ICMP_TIME_EXCEEDED ||
	     h.type == PN_ICMP_PARAM_PROBLEM) && net->err[h.quote.proto].fn) {
		/* RFC 1122 3.2.2.1: to the transport the quote names. */
		rc = net->err[h.quote.proto].fn(lc, net, &h,
						net->err[h.quote.proto].arg);
		if (rc != 0)
			pn_drop(lc, m, (enum pn_drop_reason)rc);
		else
			rte_pktmbuf_free(m);
		return;
	}
	if (h.type != PN_ICMP_ECHO_REQUEST) {
		/* Echo replies and errors: nobody to give them to yet. */
		pn_drop(lc, m, PN_DROP_ICMP_UNHANDLED);
		return;
	}
	if (bcast) {	/* Linux icmp_echo_ignore_broadcasts */
		pn_drop(lc, m, PN_DROP_ICMP_ECHO_BCAST);
		return;
	}
	/* Linux icmp_reply: the request's options echoed (RFC 1122
	 * 3.2.2.6: RR/TS updated, a source route reversed), or no reply */
	if (unlikely(ip->opts_len != 0) &&
	    pn_ip4_opts_echo(lc, net, ip, &ipo) < 0) {
		pn_drop(lc, m, PN_DROP_IP_OPTS_NOECHO);
		return;
	}
	/* RFC 1122 3.2.2.6: same id, sequence and data; built in place,
	 * only the first 8 bytes change. */
	pn_icmp_build_echo_reply(view, len, &h);
	if (view != rte_pktmbuf_mtod_offset(m, uint8_t *, off))
		net_mbuf_write(m, off, view, PN_ICMP_HDR_LEN);
	rte_pktmbuf_adj(m, (uint16_t)off);
	net_mbuf_reuse(m);
	net->stat.icmp_echo_in++;
	net->stat.icmp_out++;
	pn_ip4_output_opts(lc, net, m, ip->dst, ip->src, PN_IPV4_PROTO_ICMP,
			   ip->tos, false, ipo.len ? &ipo : NULL);
}

int
pn_net_register_err(struct pn_net *net, uint8_t proto, pn_net_err_fn fn,
		    void *arg)
{
	if (fn != NULL && net->err[proto].fn != NULL)
		return -EEXIST;
	net->err[proto].fn = fn;
	net->err[proto].arg = arg;
	return 0;
}
