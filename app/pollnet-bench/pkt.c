/* SPDX-License-Identifier: BSD-3-Clause */
/* Frame templates, checksum patching and the TX queue choice shared by engines. */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "bench.h"

void
bench_pkt_build(uint8_t *buf, uint16_t len, uint8_t proto,
		const struct rte_ether_addr *src, const struct rte_ether_addr *dst,
		uint32_t ip_src, uint32_t ip_dst, uint16_t sport, uint16_t dport)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)buf;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	void *l4 = ip + 1;

	memset(buf, 0, len);
	rte_ether_addr_copy(dst, &eh->dst_addr);
	rte_ether_addr_copy(src, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);

	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(len - RTE_ETHER_HDR_LEN);
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(ip_src);
	ip->dst_addr = rte_cpu_to_be_32(ip_dst);
	ip->hdr_checksum = rte_ipv4_cksum(ip);

	if (proto == IPPROTO_UDP) {
		struct rte_udp_hdr *uh = l4;

		uh->src_port = rte_cpu_to_be_16(sport);
		uh->dst_port = rte_cpu_to_be_16(dport);
		uh->dgram_len = rte_cpu_to_be_16(len - RTE_ETHER_HDR_LEN -
						 sizeof(*ip));
		uh->dgram_cksum = rte_ipv4_udptcp_cksum(ip, uh);
	} else {
		struct rte_tcp_hdr *th = l4;

		th->src_port = rte_cpu_to_be_16(sport);
		th->dst_port = rte_cpu_to_be_16(dport);
		th->sent_seq = rte_cpu_to_be_32(1);
		th->recv_ack = rte_cpu_to_be_32(1);
		th->data_off = (sizeof(*th) / 4) << 4;
		th->tcp_flags = RTE_TCP_ACK_FLAG;
		th->rx_win = rte_cpu_to_be_16(65535);
		th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	}
}

/* The TX queue, through the port's impairment when it has one. */
static inline void
tx_queue(struct bench_worker *w, uint16_t port, struct pn_txq *q,
	 struct rte_mbuf *m)
{
	if (bench_impair_on(w->impair, port))
		bench_impair_tx(w->impair, &w->lc, port, q, m);
	else
		pn_txq_push(&w->lc, q, m);
}

void
bench_tx(struct bench_worker *w, uint16_t port, struct rte_mbuf *m)
{
	const struct pn_steer *s = &w->ctx->shards.steer;
	uint8_t nb = w->nb_txq[port];
	uint32_t hash;

	if (w->ctx->conf.tx_rss && nb > 1 &&
	    pn_steer_hash(s, rte_pktmbuf_mtod(m, const uint8_t *),
			  rte_pktmbuf_data_len(m), &hash)) {
		/* Device RSS: RETA of reta_size entries round robin over queues. */
		tx_queue(w, port, w->txq[port][(hash & (s->reta_size - 1u)) % nb], m);
		return;
	}
	if (nb > 0)
		tx_queue(w, port, w->txq[port][0], m);
	else
		pn_tx(&w->lc, port, m); /* counted as NO_TXQ */
}

void
bench_tx_burst(struct bench_worker *w, uint16_t port, struct rte_mbuf **pkts,
	       uint16_t n)
{
	uint16_t i;

	/* The common case decided once per burst, not per packet. */
	if (w->nb_txq[port] == 1 && !bench_impair_on(w->impair, port)) {
		pn_txq_push_bulk(&w->lc, w->txq[port][0], pkts, n);
		return;
	}
	for (i = 0; i < n; i++)
		bench_tx(w, port, pkts[i]);
}

/* Send @p pkts in runs of the same port (one run for a device queue's burst). */
void
bench_tx_by_port(struct bench_worker *w, struct rte_mbuf **pkts, uint16_t n,
		 bool paired)
{
	uint16_t i = 0;

	if (n > 0 && w->ctx->nb_ports == 1) { /* no run to look for */
		uint16_t port = pkts[0]->port;

		bench_tx_burst(w, paired ? port ^ 1 : port, pkts, n);
		return;
	}

	while (i < n) {
		uint16_t port = pkts[i]->port, j = (uint16_t)(i + 1);

		while (j < n && pkts[j]->port == port)
			j++;
		bench_tx_burst(w, paired ? port ^ 1 : port, pkts + i,
			       (uint16_t)(j - i));
		i = j;
	}
}

void
bench_rx_count_free(struct pn_lcore *lc, struct rte_mbuf **pkts, uint16_t n,
		    void *arg)
{
	struct bench_worker *w = arg;

	w->rx_packets += n;
	pn_drop_bulk(lc, pkts, n, PN_DROP_ENGINE);
}
