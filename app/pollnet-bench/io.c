/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * io: forward every packet untouched to the paired port (0<->1, 2<->3
 * with an even number of ports), or back out the same port otherwise.
 *
 * One exception, as a virtio host does it: a frame whose L4 checksum the
 * sender left partial (virtio NEEDS_CSUM, which net_vhost reports as
 * RX_L4_CKSUM_NONE when RX checksum offload is on) gets its checksum
 * completed before it is forwarded, or the next hop (the kernel behind
 * net_tap) would see a bad checksum. This is net_vhost's own
 * vhost_dev_rx_sw_csum, which it skips because we asked for RX offloads.
 *
 * With --csum-partial, the other way too: a frame whose checksum the
 * receiving port verified (net_tap sums it in software, a NIC in
 * hardware) goes to a net_vhost guest as NEEDS_CSUM, the pseudo-header
 * sum in its field, as a hypervisor hands a guest what its NIC verified
 * or what a local sender left partial (vhost-net: CHECKSUM_PARTIAL). The
 * guest sums no byte of it: DPDK's virtio PMD reports RX_L4_CKSUM_NONE.
 * Only while the guest has negotiated GUEST_CSUM (pn_port_csum_live); a
 * frame the impairment corrupts afterwards loses the mark (impair.c).
 */
#include <stddef.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_net.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "bench.h"

static void
io_complete_l4_cksum(struct rte_mbuf *m)
{
	struct rte_net_hdr_lens hl;
	uint32_t ptype, hdr_len, off;
	uint16_t csum = 0;

	if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) !=
	    RTE_MBUF_F_RX_L4_CKSUM_NONE)
		return;
	ptype = rte_net_get_ptype(m, &hl, RTE_PTYPE_ALL_MASK);
	hdr_len = hl.l2_len + hl.l3_len;
	switch (ptype & RTE_PTYPE_L4_MASK) {
	case RTE_PTYPE_L4_TCP:
		off = hdr_len + offsetof(struct rte_tcp_hdr, cksum);
		break;
	case RTE_PTYPE_L4_UDP:
		off = hdr_len + offsetof(struct rte_udp_hdr, dgram_cksum);
		break;
	default:
		return;
	}
	/* the field holds the pseudo-header sum already (virtio spec) */
	if (rte_raw_cksum_mbuf(m, hdr_len, rte_pktmbuf_pkt_len(m) - hdr_len,
			       &csum) < 0)
		return;
	csum = (uint16_t)~csum;
	if ((ptype & RTE_PTYPE_L4_MASK) == RTE_PTYPE_L4_UDP && csum == 0)
		csum = 0xffff;
	if (rte_pktmbuf_data_len(m) >= off + sizeof(csum))
		*rte_pktmbuf_mtod_offset(m, uint16_t *, off) = csum;
	m->ol_flags &= ~RTE_MBUF_F_RX_L4_CKSUM_MASK;
	m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
}

static void
io_mark_partial(struct rte_mbuf *m)
{
	struct rte_net_hdr_lens hl;
	struct rte_ipv4_hdr *ip;
	uint32_t ptype, l4, need, off;
	uint16_t sum;
	uint64_t tx;

	if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) !=
	    RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		return;
	ptype = rte_net_get_ptype(m, &hl, RTE_PTYPE_L2_MASK |
				  RTE_PTYPE_L3_MASK | RTE_PTYPE_L4_MASK);
	l4 = ptype & RTE_PTYPE_L4_MASK;
	if (!RTE_ETH_IS_IPV4_HDR(ptype) ||
	    (l4 != RTE_PTYPE_L4_TCP && l4 != RTE_PTYPE_L4_UDP))
		return;
	need = hl.l2_len + hl.l3_len + (l4 == RTE_PTYPE_L4_TCP ?
					sizeof(struct rte_tcp_hdr) :
					sizeof(struct rte_udp_hdr));
	if (rte_pktmbuf_data_len(m) < need)
		return;	/* headers split over segments: left as they are */
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, hl.l2_len);
	off = hl.l2_len + hl.l3_len;
	if (l4 == RTE_PTYPE_L4_TCP) {
		off += offsetof(struct rte_tcp_hdr, cksum);
		tx = RTE_MBUF_F_TX_TCP_CKSUM;
	} else {
		off += offsetof(struct rte_udp_hdr, dgram_cksum);
		tx = RTE_MBUF_F_TX_UDP_CKSUM;
	}
	m->l2_len = hl.l2_len;
	m->l3_len = hl.l3_len;
	m->ol_flags = (m->ol_flags & ~RTE_MBUF_F_TX_L4_MASK) |
		      RTE_MBUF_F_TX_IPV4 | tx;
	sum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, off), &sum, sizeof(sum));
}

static void
io_rx(struct pn_lcore *lc, struct rte_mbuf **pkts, uint16_t n, void *arg)
{
	struct bench_worker *w = arg;
	bool paired = w->ctx->nb_ports % 2 == 0;
	uint16_t i;

	if (unlikely(atomic_load_explicit(&w->ctx->fwd_off,
					  memory_order_relaxed))) {
		bench_rx_count_free(lc, pkts, n, arg);
		return;
	}
	w->rx_packets += n;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint16_t to = paired ? m->port ^ 1 : m->port;

		io_complete_l4_cksum(m);
		if (w->ctx->conf.csum_partial && w->ctx->port[to].tso_guest &&
		    pn_port_csum_live(to))
			io_mark_partial(m);
	}
	bench_tx_by_port(w, pkts, n, paired);
}

const struct bench_engine bench_engine_io = {
	.name = "io",
	.rx = io_rx,
};
