/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_BENCH_STATS_H
#define PN_BENCH_STATS_H

/* Counter snapshots, shared by the text stats and the JSON summary. */

#include <rte_ethdev.h>

#include "bench.h"

struct bench_port_snap {
	struct rte_eth_stats eth;
	uint64_t rx, tx, tx_full;           /**< our NAPI / TX queue counters */
	uint64_t rxq[BENCH_MAX_QUEUES];
	uint64_t txq[BENCH_MAX_QUEUES];
	uint64_t txq_full[BENCH_MAX_QUEUES];
	struct bench_impair_stats impair;   /**< --impair of this port, all workers */
};

struct bench_lcore_snap {
	struct pn_softnet_stat st;
	uint64_t rx_packets;                /**< seen by the engine */
	uint64_t gen_made;
	uint64_t gen_alloc_fail;
};

struct bench_snap {
	double t;                           /**< seconds since start */
	struct bench_port_snap port[PN_MAX_PORTS];
	struct bench_lcore_snap lc[BENCH_MAX_WORKERS];
};

/** The lcore id of the worker owning queue @p q. */
unsigned int bench_queue_lcore(const struct bench_ctx *ctx, uint16_t q);

#endif /* PN_BENCH_STATS_H */
