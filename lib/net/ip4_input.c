/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Input: Ethernet (Linux eth_type_trans + netif_receive_skb), then IPv4
 * (ip_rcv -> ip_local_deliver -> the protocol's handler). A host, not a
 * router: datagrams not addressed to us are dropped, never forwarded.
 */
#include <errno.h>
#include <string.h>

#include "icmp.h"
#include "net_priv.h"

/* Which check failed: lib/wire's errno, refined by a second look. */
static enum pn_drop_reason
ip4_parse_reason(const uint8_t *buf, uint32_t len, int rc)
{
	struct pn_ipv4_hdr tmp;

	switch (rc) {
	case -EPROTONOSUPPORT:
		return PN_DROP_IP_VERSION;
	case -EMSGSIZE:
		return PN_DROP_IP_TRUNCATED;
	default:
		/* -EBADMSG: the checksum if the header is fine without it. */
		if (pn_ipv4_parse(buf, len, PN_IPV4_PARSE_CSUM_VERIFIED,
				  &tmp) == 0)
			return PN_DROP_IP_CSUM;
		return PN_DROP_IP_HDR_LEN;
	}
}

void
net_batch_flush(struct pn_lcore *lc, struct pn_net *net)
{
	struct net_batch *b = &net->batch;

	if (b->n == 0 || b->flushing)
		return;
	b->flushing = true;
	net->proto[b->proto].burst(lc, net, b->m, b->ip, b->bcast, b->n,
				   net->proto[b->proto].arg);
	b->n = 0;
	b->flushing = false;
}

/* Collect @p m for its protocol's burst handler (flushing first what
 * another protocol's handler is waiting for, or a full batch). */
static void
net_batch_add(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m,
	      const struct pn_ipv4_hdr *ip, bool bcast)
{
	struct net_batch *b = &net->batch;

	if (b->n == NET_BATCH_MAX || (b->n > 0 && b->proto != ip->proto))
		net_batch_flush(lc, net);
	b->proto = ip->proto;
	b->m[b->n] = m;
	b->ip[b->n] = *ip;
	b->bcast[b->n] = bcast;
	b->n++;
}

void
ip4_deliver(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m,
	    const struct pn_ipv4_hdr *ip, bool bcast)
{
	uint8_t proto = ip->proto;

	net->stat.ip_delivered++;
	if (net->proto[proto].burst != NULL && !net->batch.flushing) {
		rte_pktmbuf_adj(m, ip->hdr_len);
		net_batch_add(lc, net, m, ip, bcast);
		return;
	}
	/* Anything else is handled after what came before it. */
	net_batch_flush(lc, net);
	if (proto == PN_IPV4_PROTO_ICMP) {
		icmp_input(lc, net, m, ip, bcast);
	} else if (net->proto[proto].fn != NULL) {
		rte_pktmbuf_adj(m, ip->hdr_len);
		net->proto[proto].fn(lc, net, m, ip, net->proto[proto].arg);
	} else if (proto == PN_IPV4_PROTO_UDP) {
		icmp_send_unreach(lc, net, m, ip, PN_ICMP_UNREACH_PORT, bcast);
		pn_drop(lc, m, PN_DROP_UDP_NO_SOCKET);
	} else {
		icmp_send_unreach(lc, net, m, ip, PN_ICMP_UNREACH_PROTO,
				  bcast);
		pn_drop(lc, m, PN_DROP_IP_NO_PROTO);
	}
}

/*
 * Options of a datagram for us (Linux ip_rcv_options): malformed ones
 * drop it with a parameter problem pointing at the culprit byte (Linux
 * ip_options_compile: icmp_send(ICMP_PARAMETERPROB, 0, pp_ptr << 24)); a source
 * route with hops left asks us to forward, which a host does not; a
 * completed one is delivered, for TCP to answer along its reverse (RFC
 * 9293 MUST-53), only with accept_source_route (Linux drops both kinds
 * unless conf accept_source_route). @return true when dropped.
 */
static bool
ip4_opts_drop(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m,
	      const struct pn_ipv4_hdr *ip, bool bcast)
{
	struct pn_ipopt_info oi;
	enum pn_drop_reason why;

	if (pn_ipopt_parse(ip->opts, ip->opts_len, &oi) < 0) {
		icmp_send_error(lc, net, m, ip, PN_ICMP_PARAM_PROBLEM, 0,
				(uint32_t)oi.bad << 24,
				bcast);
		why = PN_DROP_IP_BAD_OPTS;
	} else if (oi.srr == 0)
		return false;
	else if (!oi.srr_done)
		why = PN_DROP_IP_SRR_TRANSIT;
	else if (!net->conf->accept_source_route)
		why = PN_DROP_IP_SRR_REFUSED;
	else
		return false;
	pn_drop(lc, m, why);
	return true;
}

/*
 * The IPv4 header to parse: in place when the first segment holds it
 * (lib/wire reads only the header; @p len only bounds total_len), else a
 * linear copy. A GRO chain is thus never copied whole.
 */
static const uint8_t *
ip4_hdr_view(struct pn_net *net, const struct rte_mbuf *m, uint32_t len)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

	if (m->data_len >= PN_IPV4_HDR_MIN_LEN &&
	    m->data_len >= (uint32_t)(p[0] & 0x0f) * 4)
		return p;
	return rte_pktmbuf_read(m, 0, len, net->scratch);
}

static void
ip4_input(struct pn_lcore *lc, struct pn_net *net, uint8_t pidx,
	  struct rte_mbuf *m)
{
	uint64_t cs = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	struct pn_ipv4_hdr ip;
	const uint8_t *buf;
	uint32_t len;
	bool bcast, looped;
	int rc;

	net->stat.ip_in++;
	if (cs == RTE_MBUF_F_RX_IP_CKSUM_BAD) {
		pn_drop(lc, m, PN_DROP_IP_CSUM);
		return;
	}
	len = RTE_MIN(m->pkt_len, (uint32_t)PN_IPV4_MAX_LEN);
	buf = ip4_hdr_view(net, m, len);
	rc = pn_ipv4_parse(buf, len,
			   cs == RTE_MBUF_F_RX_IP_CKSUM_GOOD ?
				   PN_IPV4_PARSE_CSUM_VERIFIED : 0,
			   &ip);
	if (rc < 0) {
		pn_drop(lc, m, ip4_parse_reason(buf, len, rc));
		return;
	}
	if (m->data_len < ip.hdr_len) {
		/* A header split across segments: no PMD does this. */
		pn_drop(lc, m, PN_DROP_IP_TRUNCATED);
		return;
	}
	if (ip.opts_len)
		ip.opts = rte_pktmbuf_mtod_offset(m, uint8_t *,
						  PN_IPV4_HDR_MIN_LEN);
	net_mbuf_trim_to(m, ip.total_len);	/* link padding */
	/* Also a subnet broadcast: a reply would go to the whole subnet.
	 * What we send ourselves comes back through the loopback (127 and
	 * our addresses); from a port, our own source is a spoof (Linux
	 * accept_local = 0, its default). */
	looped = (m->ol_flags & net_loop_flag) != 0;
	if ((net_ip_martian(ip.src) || net_is_bcast(net, pidx, ip.src)) &&
	    !(looped && net_is_lo(ip.src))) {
		pn_drop(lc, m, PN_DROP_IP_MARTIAN_SRC);
		return;
	}
	if (!looped && pn_net_is_local(net, ip.src)) {
		pn_drop(lc, m, PN_DROP_IP_SRC_OURS);
		return;
	}
	bcast = net_is_bcast(net, pidx, ip.dst);
	/* the receiving port's own address first: the weak host model's
	 * walk of every port (pn_net_is_local) only for the others';
	 * 127.0.0.0/8 only from the loopback */
	if (!bcast && !net_port_has_addr(net, pidx, ip.dst) &&
	    !pn_net_is_local(net, ip.dst) && !(looped && net_is_lo(ip.dst))) {
		pn_drop(lc, m, PN_DROP_IP_NOT_FOR_US);
		return;
	}
	if (unlikely(ip.opts_len != 0) && ip4_opts_drop(lc, net, m, &ip, bcast))
		return;
	if (ip.mf || ip.frag_off) {
		m = frag_reassemble(lc, net, m, &ip);
		if (m == NULL)
			return;
	}
	ip4_deliver(lc, net, m, &ip, bcast);
}

static void
eth_input(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m)
{
	int pidx = net_pidx(net, m->port);
	const struct pn_net_port_conf *pc;
	struct pn_ether_hdr eh;

	if (pidx < 0) {
		pn_drop(lc, m, PN_DROP_NET_NO_PORT);
		return;
	}
	pc = net_port(net, (uint8_t)pidx);
	/* untagged IPv4 to our address: the general way's result, without
	 * its copy of the header */
	if (likely(pn_ether_is_ipv4_to(rte_pktmbuf_mtod(m, uint8_t *),
				       m->data_len, pc->mac))) {
		rte_pktmbuf_adj(m, PN_ETHER_HDR_LEN);
		ip4_input(lc, net, (uint8_t)pidx, m);
		return;
	}
	if (pn_ether_parse(rte_pktmbuf_mtod(m, uint8_t *), m->data_len,
			   &eh) < 0) {
		pn_drop(lc, m, PN_DROP_ETH_BAD);
		return;
	}
	if (memcmp(eh.dst, pc->mac, PN_ETHER_ADDR_LEN) != 0 &&
	    !pn_ether_is_broadcast(eh.dst)) {
		pn_drop(lc, m, pn_ether_is_multicast(eh.dst) ?
				       PN_DROP_ETH_MULTICAST :
				       PN_DROP_ETH_NOT_FOR_US);
		return;
	}
	switch (eh.ethertype) {
	case PN_ETHER_TYPE_ARP:
		net_batch_flush(lc, net);
		arp_input(lc, net, (uint8_t)pidx, m, eh.hdr_len);
		break;
	case PN_ETHER_TYPE_IPV4:
		rte_pktmbuf_adj(m, eh.hdr_len);
		ip4_input(lc, net, (uint8_t)pidx, m);
		break;
	default:
		pn_drop(lc, m, PN_DROP_ETH_UNKNOWN_TYPE);
		break;
	}
}

void
pn_net_rx(struct pn_lcore *lc, struct rte_mbuf **pkts, uint16_t n, void *arg)
{
	struct pn_net *net = arg;
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		eth_input(lc, net, pkts[i]);
	}
	net_batch_flush(lc, net);
}
