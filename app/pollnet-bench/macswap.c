/* SPDX-License-Identifier: BSD-3-Clause */
/* macswap: swap source and destination MAC, send back on the receiving port. */
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "bench.h"

static void
macswap_rx(struct pn_lcore *lc, struct rte_mbuf **pkts, uint16_t n, void *arg)
{
	struct bench_worker *w = arg;
	uint16_t i;

	w->rx_packets += n;
	for (i = 0; i < n; i++) {
		struct rte_ether_hdr *eh;
		struct rte_ether_addr tmp;

		if (rte_pktmbuf_data_len(pkts[i]) < sizeof(*eh)) {
			pn_drop(lc, pkts[i], PN_DROP_ENGINE);
			continue;
		}
		eh = rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *);
		rte_ether_addr_copy(&eh->src_addr, &tmp);
		rte_ether_addr_copy(&eh->dst_addr, &eh->src_addr);
		rte_ether_addr_copy(&tmp, &eh->dst_addr);
		bench_tx(w, pkts[i]->port, pkts[i]);
	}
}

const struct bench_engine bench_engine_macswap = {
	.name = "macswap",
	.rx = macswap_rx,
};
