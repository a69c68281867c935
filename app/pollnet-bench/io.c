/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * io: forward every packet untouched to the paired port (0<->1, 2<->3
 * with an even number of ports), or back out the same port otherwise.
 */
#include <rte_mbuf.h>

#include "bench.h"

static void
io_rx(struct pn_lcore *lc, struct rte_mbuf **pkts, uint16_t n, void *arg)
{
	struct bench_worker *w = arg;
	bool paired = w->ctx->nb_ports % 2 == 0;
	uint16_t i;

	RTE_SET_USED(lc);
	w->rx_packets += n;
	for (i = 0; i < n; i++) {
		uint16_t port = pkts[i]->port;

		bench_tx(w, paired ? port ^ 1 : port, pkts[i]);
	}
}

const struct bench_engine bench_engine_io = {
	.name = "io",
	.rx = io_rx,
};
