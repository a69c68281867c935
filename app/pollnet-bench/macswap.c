/* SPDX-License-Identifier: BSD-3-Clause */
/* macswap: swap source and destination MAC, send back on the receiving port. */
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "bench.h"
#include "macswap.h"

static void
macswap_rx(struct pn_lcore *lc, struct rte_mbuf **pkts, uint16_t n, void *arg)
{
	struct bench_worker *w = arg;
	uint16_t i, k = 0;

	w->rx_packets += n;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint16_t len = rte_pktmbuf_data_len(m);

		if (likely(len >= 16)) {
			bench_macswap16(rte_pktmbuf_mtod(m, uint8_t *));
		} else if (len >= RTE_ETHER_HDR_LEN) {
			bench_macswap(rte_pktmbuf_mtod(m, uint8_t *));
		} else {
			pn_drop(lc, m, PN_DROP_ENGINE);
			continue;
		}
		pkts[k++] = m;
	}
	bench_tx_by_port(w, pkts, k, false);
}

const struct bench_engine bench_engine_macswap = {
	.name = "macswap",
	.rx = macswap_rx,
};
