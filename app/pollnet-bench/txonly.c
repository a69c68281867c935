/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * txonly: UDP/IPv4 frames of --txpkts bytes copied from a template built
 * once per generator (valid checksums). Received packets are counted and
 * freed, so a round trip through a macswap peer can be checked.
 */
#include <string.h>

#include <rte_mbuf.h>

#include "bench.h"

static void
txonly_gen(struct bench_gen *g, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		rte_memcpy(rte_pktmbuf_mtod(m, void *), g->tmpl, g->len);
		m->data_len = g->len;
		m->pkt_len = g->len;
	}
}

const struct bench_engine bench_engine_txonly = {
	.name = "txonly",
	.lcore_setup = bench_gen_setup,
	.rx = bench_rx_count_free,
	.gen = txonly_gen,
};
