/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 output (Linux ip_queue_xmit -> ip_finish_output -> neigh_output):
 * route, choose the source, build the header, fragment above the MTU,
 * hand to ARP.
 */
#include <errno.h>
#include <string.h>

#include "net_priv.h"

#define TCP_CKSUM_OFF 16
#define UDP_CKSUM_OFF 6

/*
 * Finish a TCP/UDP checksum the caller left for offload: the field holds
 * the pseudo-header sum, so the sum over the whole L4 datagram,
 * complemented, is the checksum (RFC 1071 incremental property).
 */
static void
ip4_l4_cksum_sw(struct pn_net *net, struct rte_mbuf *m, uint32_t l4_off)
{
	uint64_t l4 = m->ol_flags & RTE_MBUF_F_TX_L4_MASK;
	uint32_t len = m->pkt_len - l4_off, off;
	const uint8_t *p;
	uint16_t ck;
	uint8_t be[2];

	if (l4 == RTE_MBUF_F_TX_TCP_CKSUM)
		off = TCP_CKSUM_OFF;
	else if (l4 == RTE_MBUF_F_TX_UDP_CKSUM)
		off = UDP_CKSUM_OFF;
	else
		return;
	m->ol_flags &= ~RTE_MBUF_F_TX_L4_MASK;
	if (len < off + 2)
		return;
	p = rte_pktmbuf_read(m, l4_off, len, net->scratch);
	ck = pn_cksum(p, len);
	if (ck == 0 && l4 == RTE_MBUF_F_TX_UDP_CKSUM)
		ck = 0xffff;	/* RFC 768: 0 means "no checksum" */
	be[0] = (uint8_t)(ck >> 8);
	be[1] = (uint8_t)ck;
	net_mbuf_write(m, l4_off + off, be, 2);
}

/* May the port offload the L4 checksum the caller asked for? */
static bool
ip4_l4_offload_ok(const struct pn_net_port_conf *pc, uint64_t ol_flags)
{
	switch (ol_flags & RTE_MBUF_F_TX_L4_MASK) {
	case RTE_MBUF_F_TX_TCP_CKSUM:
		return pc->tx_tcp_cksum;
	case RTE_MBUF_F_TX_UDP_CKSUM:
		return pc->tx_udp_cksum;
	default:
		return true;
	}
}

/* RFC 791 timestamp: milliseconds since midnight UT (Linux
 * inet_current_timestamp). */
static uint32_t
ip4_ts_ms(const struct pn_lcore *lc)
{
	uint64_t ms = pn_clock_realtime(lc->clock, lc->now) / PN_NS_PER_MS;

	return (uint32_t)(ms % (86400 * 1000ull));
}

/* Linux inet_addr_type(addr) != RTN_UNICAST, for a prespecified
 * timestamp: one of our addresses. */
static bool
ip4_addr_is_ours(uint32_t addr, void *arg)
{
	return pn_net_is_local(arg, addr);
}

int
pn_ip4_opts_echo(struct pn_lcore *lc, struct pn_net *net,
		 const struct pn_ipv4_hdr *ip, struct pn_ipopt_tx *out)
{
	struct pn_ipopt_rcv rcv = {
		.saddr = ip->src, .daddr = ip->dst, .is_local = ip4_addr_is_ours,
		.arg = net,
	};
	struct pn_ipopt_info oi = { 0 };

	if (ip->opts_len == 0) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	/* -EBADMSG leaves what came before the culprit: Linux echoes that
	 * in its parameter problem (icmp_send with the half compiled opt) */
	(void)pn_ipopt_parse(ip->opts, ip->opts_len, &oi);
	if (oi.ts)
		rcv.ts_ms = ip4_ts_ms(lc);
	/* A completed route's recorded hops are the sender's word: the
	 * first hop back must be a host we could talk to, never a martian,
	 * a broadcast or ourselves, and the route must not end at us (a
	 * sender with our address, accept_local): Linux would route some of
	 * those out; we answer none. */
	if (pn_ipopt_echo(ip->opts, ip->opts_len, &oi, &rcv, out) < 0 ||
	    (out->srr && (!net_addr_is_host(net, out->faddr) ||
			  pn_net_is_local(net, ip->src)))) {
		memset(out, 0, sizeof(*out));
		net->stat.ip_opts_noecho++;
		return -EINVAL;
	}
	return 0;
}

/* A TSO segment may go out whole: the port segments TCP, and each cut
 * segment (IPv4 header + TCP header + tso_segsz) fits the MTU. */
static bool
ip4_tso_ok(const struct pn_net_port_conf *pc, const struct rte_mbuf *m,
	   uint32_t hlen)
{
	return pn_net_port_tso(pc) && m->tso_segsz > 0 &&
	       hlen + m->l4_len + m->tso_segsz <= pc->mtu;
}

/* The datagram may go as one: TSO within the port's limits, else within
 * the MTU (or to be fragmented, without DF), and 65535 bytes at most. */
static inline bool
ip4_size_ok(const struct pn_net_port_conf *pc, const struct rte_mbuf *m,
	    uint32_t hlen, uint32_t total, bool tso, bool df)
{
	return total <= PN_IPV4_MAX_LEN && (tso ? ip4_tso_ok(pc, m, hlen) :
					    !df || total <= pc->mtu);
}

/* Next IP ID(s) for @p m: the device numbers the segments it cuts id,
 * id + 1, ... (Linux GSO does the same): keep those IDs for this one. */
static inline uint16_t
ip4_next_id(struct pn_net *net, const struct rte_mbuf *m, bool tso)
{
	uint16_t id = net->ip_id;

	net->ip_id = (uint16_t)(id + (tso ? (m->pkt_len - m->l4_len +
					     m->tso_segsz - 1) / m->tso_segsz : 1));
	return id;
}

/* The IPv4 offload flags of @p m, its header written. */
static inline void
ip4_offload_flags(const struct pn_net_port_conf *pc, struct rte_mbuf *m)
{
	if (pc->tx_ip_cksum)
		m->ol_flags |= RTE_MBUF_F_TX_IP_CKSUM;
	if (m->ol_flags & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK))
		m->ol_flags |= RTE_MBUF_F_TX_IPV4;
}

/* The header fields but the addresses and options. */
static inline void
ip4_fill(struct pn_net *net, const struct rte_mbuf *m, struct pn_ipv4_hdr *h,
	 uint32_t total, uint8_t tos, uint8_t proto, bool df, bool tso)
{
	h->total_len = (uint16_t)total;
	h->tos = tos;
	h->ttl = net->conf->ttl;
	h->proto = proto;
	h->df = df;
	h->id = ip4_next_id(net, m, tso);
}

/* Put header @p h (@p hlen bytes) in front of @p m, the L4 checksum
 * finished in software when the port cannot; offload flags set.
 * Consumes @p m when it fails. */
static __rte_always_inline int
ip4_push_header(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m,
		const struct pn_net_port_conf *pc, uint32_t hlen,
		const struct pn_ipv4_hdr *h)
{
	unsigned int flags = 0;
	uint8_t *p;

	net->stat.ip_out++;
	if (!ip4_l4_offload_ok(pc, m->ol_flags))
		ip4_l4_cksum_sw(net, m, 0);
	p = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)hlen);
	if (p == NULL) {
		pn_drop(lc, m, PN_DROP_NET_NO_HEADROOM);
		return -ENOBUFS;
	}
	if (pc->tx_ip_cksum)
		flags = PN_IPV4_BUILD_CSUM_OFFLOAD;
	pn_ipv4_build(p, hlen, h, flags);
	m->l3_len = (uint16_t)hlen;
	ip4_offload_flags(pc, m);
	return 0;
}

/*
 * To one of our own addresses (a LOCAL route): the datagram goes back in
 * through the lcore's loopback to the shard that owns its flow, as Linux
 * sends it through lo. Checksums are finished here (the input verifies
 * them as any other's); no TSO segment, no fragments (lo's MTU is 64 KB).
 */
static int __rte_noinline
ip4_output_local(struct pn_lcore *lc, struct pn_net *net,
		 const struct net_route *r, struct rte_mbuf *m,
		 const struct pn_ipv4_hdr *h, uint32_t hlen)
{
	const struct pn_net_port_conf *pc = net_port(net, r->pidx);
	uint8_t *p;

	if ((m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) ||
	    hlen + m->pkt_len > UINT16_MAX) {
		pn_drop(lc, m, PN_DROP_IP_TOO_BIG);
		return -EMSGSIZE;
	}
	net->stat.ip_out++;
	net->stat.ip_loopback++;
	ip4_l4_cksum_sw(net, m, 0);
	p = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)(PN_ETHER_HDR_LEN +
							  hlen));
	if (p == NULL) {
		pn_drop(lc, m, PN_DROP_NET_NO_HEADROOM);
		return -ENOBUFS;
	}
	pn_ether_put(p, pc->mac, pc->mac, PN_ETHER_TYPE_IPV4);
	pn_ipv4_build(p + PN_ETHER_HDR_LEN, hlen, h, 0);
	m->ol_flags = net_loop_flag;
	m->packet_type = 0;
	m->port = pc->port_id;
	m->l2_len = PN_ETHER_HDR_LEN;
	m->l3_len = (uint16_t)hlen;
	pn_lcore_loopback(lc, m);
	return 0;
}

/* pn_ip4_output's body; @p o is NULL for the (common) datagram without
 * options, @p d for a sender's cache to fill (pn_ip4_output_dst): inlined
 * into each caller so that one folds the options and the cache away. */
static __rte_always_inline int
ip4_output(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m,
	   uint32_t src, uint32_t dst, uint8_t proto, uint8_t tos, bool df,
	   const struct pn_ipopt_tx *o, struct pn_net_dst *d)
{
	/* Linux ip_queue_xmit: a source route goes to its first hop */
	uint32_t hdst = o != NULL && o->srr ? o->faddr : dst;
	uint32_t hlen = PN_IPV4_HDR_MIN_LEN + (o != NULL ? o->len : 0);
	const struct net_route *r = route_lookup(net, hdst);
	const struct pn_net_port_conf *pc;
	uint8_t opts[PN_IPV4_OPTS_MAX_LEN];
	struct pn_ipv4_hdr h = { 0 };
	uint32_t total, nexthop;
	bool tso;
	int rc;

	if (r == NULL) {
		pn_drop(lc, m, PN_DROP_IP_NO_ROUTE);
		return -ENETUNREACH;
	}
	pc = net_port(net, r->pidx);
	nexthop = r->gw != 0 ? r->gw : hdst;
	total = hlen + m->pkt_len;
	tso = (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) != 0;
	if (r->kind != NET_ROUTE_LOCAL &&
	    !ip4_size_ok(pc, m, hlen, total, tso, df)) {
		pn_drop(lc, m, PN_DROP_IP_TOO_BIG);
		return -EMSGSIZE;
	}
	ip4_fill(net, m, &h, total, tos, proto, df, tso);
	h.src = src != 0 ? src : r->src;
	h.dst = hdst;
	if (o != NULL && o->len) {
		pn_ipopt_build(opts, o, dst, h.src,
			       o->ts_needtime ? ip4_ts_ms(lc) : 0);
		h.opts = opts;
		h.opts_len = o->len;
	}
	if (unlikely(r->kind == NET_ROUTE_LOCAL))
		return ip4_output_local(lc, net, r, m, &h, hlen);

	if (total > pc->mtu && !tso) {
		net->stat.ip_out++;
		/* Offload cannot checksum across fragments. */
		ip4_l4_cksum_sw(net, m, 0);
		return frag_output(lc, net, r->pidx, nexthop, m, &h,
				   pc->tx_ip_cksum ?
					   PN_IPV4_BUILD_CSUM_OFFLOAD : 0);
	}
	rc = ip4_push_header(lc, net, m, pc, hlen, &h);
	if (rc < 0)
		return rc;
	rc = arp_output(lc, net, r->pidx, nexthop, m);
	if (d != NULL && !net_is_bcast(net, r->pidx, nexthop)) {
		d->arp = arp_usable_idx(net, r->pidx, nexthop, lc->now);
		d->gen = d->arp != NET_NIL ? net->route_gen : 0;
		d->dst = dst;
		d->route = (uint16_t)(r - net->routes);
		if (d->gen != 0)
			net->last_dst = *d;
	}
	return rc;
}

int
pn_ip4_output_opts(struct pn_lcore *lc, struct pn_net *net,
		   struct rte_mbuf *m, uint32_t src, uint32_t dst,
		   uint8_t proto, uint8_t tos, bool df,
		   const struct pn_ipopt_tx *opts)
{
	return ip4_output(lc, net, m, src, dst, proto, tos, df, opts, NULL);
}

/* pn_ip4_output_dst's whole way, out of line: the short way then saves
 * no registers for it. */
static int __rte_noinline
ip4_output_fill(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m,
		struct pn_net_dst *d, uint32_t src, uint32_t dst, uint8_t proto,
		uint8_t tos, bool df)
{
	return ip4_output(lc, net, m, src, dst, proto, tos, df, NULL, d);
}

/* @p d still leads to @p dst: the route table it was filled from, the
 * neighbour entry still the next hop's (the slot may have been reused,
 * arp_remove) and usable without a probe (a STALE one is due one, which
 * the whole way sends). Then *rp and *ep are the route and the entry. */
static inline bool
ip4_dst_ok(const struct pn_lcore *lc, const struct pn_net *net,
	   const struct pn_net_dst *d, uint32_t dst,
	   const struct net_route **rp, const struct arp_entry **ep)
{
	const struct net_route *r;
	const struct arp_entry *e;

	if (d->gen != net->route_gen || d->dst != dst)
		return false;
	r = &net->routes[d->route];
	e = &net->arp.e[d->arp];
	if (e->ip != (r->gw != 0 ? r->gw : dst) || e->pidx != r->pidx ||
	    !arp_usable(net, e, lc->now))
		return false;
	*rp = r;
	*ep = e;
	return true;
}

int
pn_ip4_output(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m,
	      uint32_t src, uint32_t dst, uint8_t proto, uint8_t tos, bool df)
{
	return pn_ip4_output_dst(lc, net, m, &net->last_dst, src, dst, proto,
				 tos, df);
}

int
pn_ip4_output_dst(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m,
		  struct pn_net_dst *d, uint32_t src, uint32_t dst,
		  uint8_t proto, uint8_t tos, bool df)
{
	const struct pn_net_port_conf *pc;
	const struct net_route *r;
	const struct arp_entry *e;
	struct pn_ipv4_hdr h;
	uint32_t total;
	uint8_t *p;
	bool tso;

	if (unlikely(!ip4_dst_ok(lc, net, d, dst, &r, &e))) {
		/* a new connection to the last one's peer (tcp-crr): that
		 * one's route and neighbour */
		if (d == &net->last_dst ||
		    !ip4_dst_ok(lc, net, &net->last_dst, dst, &r, &e))
			goto slow;
		*d = net->last_dst;
	}
	pc = net_port(net, r->pidx);
	total = PN_IPV4_HDR_MIN_LEN + m->pkt_len;
	tso = (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) != 0;
	/* within the MTU (so within 65535), or TSO the port may take; else
	 * dropped or fragmented the whole way */
	if (unlikely(tso ? !ip4_size_ok(pc, m, PN_IPV4_HDR_MIN_LEN, total,
					true, df) : total > pc->mtu))
		goto slow;
	if (!ip4_l4_offload_ok(pc, m->ol_flags))
		ip4_l4_cksum_sw(net, m, 0);
	/* Ethernet and IPv4 in one prepend, each written in a few stores */
	p = (uint8_t *)rte_pktmbuf_prepend(m, PN_ETHER_HDR_LEN +
					      PN_IPV4_HDR_MIN_LEN);
	if (unlikely(p == NULL))
		goto slow;	/* dropped there as NO_HEADROOM */
	ip4_fill(net, m, &h, total, tos, proto, df, tso);
	h.src = src != 0 ? src : r->src;
	h.dst = dst;
	pn_ether_put(p, e->mac, pc->mac, PN_ETHER_TYPE_IPV4);
	pn_ipv4_build_min(p + PN_ETHER_HDR_LEN, &h, pc->tx_ip_cksum);
	ip4_offload_flags(pc, m);
	m->l2_len = PN_ETHER_HDR_LEN;
	m->l3_len = PN_IPV4_HDR_MIN_LEN;
	net->stat.ip_out++;
	pn_tx(lc, pc->port_id, m);
	return 0;
slow:
	return ip4_output_fill(lc, net, m, d, src, dst, proto, tos, df);
}
