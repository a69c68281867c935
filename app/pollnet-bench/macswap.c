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
	uint16_t i, k;

	if (unlikely(atomic_load_explicit(&w->ctx->fwd_off,
					  memory_order_relaxed))) {
		bench_rx_count_free(lc, pkts, n, arg);
		return;
	}
	w->rx_packets += n;
	/* Every frame holds the 16 bytes the SSSE3 swap touches: the burst
	 * goes out as it came, nothing to compact. */
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (unlikely(rte_pktmbuf_data_len(m) < 16))
			break;
		bench_macswap16(rte_pktmbuf_mtod(m, uint8_t *));
	}
	for (k = i; i < n; i++) {	/* a runt: from it on, one by one */
		struct rte_mbuf *m = pkts[i];
		uint16_t len = rte_pktmbuf_data_len(m);

		if (len >= 16) {
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
