/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_BENCH_H
#define PN_BENCH_H

/*
 * pollnet-bench: testpmd-style L2 engines on pollnet's NAPI-style lcore
 * loop. The main lcore sets up ports and shards, prints statistics and
 * decides when to stop; every worker lcore runs pn_lcore_run() with the
 * RX queues and TX queues it owns (queue q of every port belongs to worker
 * q % nworkers) plus, for generating engines, generator NAPI instances.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h> /* port.h uses RTE_ETH_NAME_MAX_LEN without it */
#include <rte_ether.h>

#include "impair.h"
#include "lcore.h"
#include "napi.h"
#include "port.h"
#include "tcp.h"

#define BENCH_MAX_WORKERS PN_MAX_SHARDS
#define BENCH_MAX_QUEUES  64
#define BENCH_PROG        "pollnet-bench"

struct bench_worker;
struct bench_gen;

/** A forwarding engine (testpmd's struct fwd_engine). */
struct bench_engine {
	const char *name;
	/** Per-worker setup before the loop starts; NULL: none. @return 0 or -errno. */
	int (*lcore_setup)(struct bench_worker *w);
	/** Receives every burst of the worker (arg is the bench_worker). */
	pn_rx_handler_fn rx;
	/**
	 * Generating engines: fill @p n freshly allocated mbufs with frames.
	 * NULL for pure forwarding engines.
	 */
	void (*gen)(struct bench_gen *g, struct rte_mbuf **pkts, uint16_t n);
};

extern const struct bench_engine bench_engine_io;
extern const struct bench_engine bench_engine_macswap;
extern const struct bench_engine bench_engine_rxonly;
extern const struct bench_engine bench_engine_txonly;
extern const struct bench_engine bench_engine_flowgen;

/** Engine by name, NULL if unknown. */
const struct bench_engine *bench_engine_find(const char *name);
/** "io|macswap|rxonly|txonly|flowgen|tcp-rr|tcp-crr|tcp-stream|http" */
const char *bench_engine_names(void);

/** Everything the options decide. */
struct bench_conf {
	const struct bench_engine *engine;
	uint16_t txpkts;          /**< generated frame size without CRC, 60..9000 */
	uint16_t burst;           /**< generator weight (and RX weight by default) */
	uint32_t duration_s;      /**< 0: until a signal */
	uint32_t stats_period_s;  /**< 0: no periodic stats */
	uint16_t rxq, txq;        /**< queues per port, 0: number of workers */
	uint32_t flows;           /**< flowgen flows */
	uint8_t flow_proto;       /**< IPPROTO_UDP or IPPROTO_TCP */
	bool tx_rss;              /**< pick the TX queue by Toeplitz hash */
	bool csum_partial;        /**< io: verified frames to a vhost guest as NEEDS_CSUM */
	bool steer;               /**< software steering between workers */
	bool eth_peer_set;
	struct rte_ether_addr eth_peer;
	uint32_t ip_src, ip_dst;  /**< host order, inside 198.18.0.0/15 */
	uint64_t tx_count;        /**< per generator, 0: unlimited */
	uint32_t tx_delay_s;      /**< generators wait after link up (SIGUSR1: now) */
	uint32_t tx_first;        /**< forwarding engines: bursts sent first (testpmd start tx_first) */
	bool weight_set;
	struct pn_napi_conf napi;
	struct bench_impair_conf impair[PN_MAX_PORTS]; /**< --impair, by port */
	uint64_t seed;            /**< --seed of the impairment PRNGs */
	bool json;
	char json_path[256];
	bool quiet;
	bool stopped;             /**< --stopped: wait for SIGUSR1 (start), SIGUSR2 stops */
	int offloads;             /**< --[no-]offloads: 1, 0; -1: io only */
	bool is_tcp;              /**< a TCP engine (tcp.h), not an L2 one */
	struct tb_conf tcp;
};

/** True if --impair was given for any port. */
static inline bool
bench_has_impair(const struct bench_conf *c)
{
	for (unsigned int p = 0; p < PN_MAX_PORTS; p++)
		if (c->impair[p].set)
			return true;
	return false;
}

/** True if the run has generators (a generating engine, or --tx-first). */
static inline bool
bench_has_gens(const struct bench_conf *c)
{
	return c->engine->gen != NULL || c->tx_first > 0;
}

/** Parse app options (after "--"). Exits 2 with one line on a bad value, 0 on --help. */
void bench_parse_args(struct bench_conf *c, int argc, char **argv);

/** Usage text on @p f. */
void bench_usage(FILE *f);

/** A generator: a NAPI instance building frames and pushing them to TX. */
struct bench_gen {
	struct pn_napi napi;
	struct bench_worker *w;
	uint16_t port;
	uint8_t nb_txq;                  /**< TX queues it feeds (several with --tx-rss) */
	struct pn_txq *txq[PN_LCORE_MAX_TXQ];
	uint64_t made;                   /**< frames built */
	uint64_t alloc_fail;             /**< polls that found the pool empty */
	uint64_t limit;                  /**< accepted-by-device limit, 0: none */
	/** Fills frames: the engine's gen(), or txonly's for --tx-first. */
	void (*fill)(struct bench_gen *g, struct rte_mbuf **pkts, uint16_t n);
	atomic_bool done;                /**< reached the limit (read by main) */
	uint64_t base;                   /**< accepted before the last start (main writes it while stopped) */
	uint32_t next_flow;              /**< flowgen */
	uint16_t len;
	uint8_t tmpl[9000];              /**< frame template */
};

/** One worker lcore: its shard, clock, pool, queues and generators. */
struct bench_worker {
	struct pn_lcore lc;              /**< first: cache aligned */
	struct pn_clock clock;
	struct bench_ctx *ctx;
	unsigned int lcore_id;
	uint16_t shard;
	struct rte_mempool *pool;
	uint8_t nb_rxq;
	struct pn_napi rxq[PN_LCORE_MAX_NAPI];
	uint8_t nb_gen;
	struct bench_gen *gen[PN_LCORE_MAX_NAPI];
	uint8_t nb_txq[PN_MAX_PORTS];    /**< per port, TX queues this worker owns */
	struct pn_txq *txq[PN_MAX_PORTS][PN_LCORE_MAX_TXQ];
	uint64_t rx_packets;             /**< packets the engine saw */
	struct bench_impair *impair;     /**< NULL: no port impaired */
};

/** Process-wide state. */
struct bench_ctx {
	struct bench_conf conf;
	uint16_t nb_ports;
	uint16_t nb_queues;              /**< queue pairs configured per port */
	struct pn_port port[PN_MAX_PORTS];
	uint16_t nb_workers;
	struct bench_worker *w[BENCH_MAX_WORKERS];
	struct pn_shards shards;
	atomic_bool tx_go;               /**< generators may run */
	atomic_bool fwd_off;             /**< stopped: forwarding engines free what they receive */
	double elapsed_s;                /**< run time for averages */
};

/* pkt.c */
/** Build an Ethernet/IPv4/UDP or TCP frame of @p len bytes with valid checksums. */
void bench_pkt_build(uint8_t *buf, uint16_t len, uint8_t proto,
		     const struct rte_ether_addr *src,
		     const struct rte_ether_addr *dst, uint32_t ip_src,
		     uint32_t ip_dst, uint16_t sport, uint16_t dport);
/** Queue @p m for @p port: by --tx-rss hash, or the worker's first TX queue. */
void bench_tx(struct bench_worker *w, uint16_t port, struct rte_mbuf *m);
/** bench_tx() of @p n packets to @p port, the queue decided once when it can. */
void bench_tx_burst(struct bench_worker *w, uint16_t port, struct rte_mbuf **pkts,
		    uint16_t n);
/** bench_tx_burst() per run of packets received on one port; @p paired: to
 *  the port's pair (port ^ 1) instead of back. */
void bench_tx_by_port(struct bench_worker *w, struct rte_mbuf **pkts,
		      uint16_t n, bool paired);
/** RX handler that counts and frees (drop reason ENGINE). */
void bench_rx_count_free(struct pn_lcore *lc, struct rte_mbuf **pkts,
			 uint16_t n, void *arg);

/* gen.c */
/**
 * Set up generators on @p w: one per owned TX queue, or per port with
 * --tx-rss. For forwarding engines with --tx-first, txonly generators
 * limited to tx_first bursts each.
 */
int bench_gen_setup(struct bench_worker *w);
/**
 * Before a start after --stopped/SIGUSR2, with the generators stopped
 * (tx_go false): count their limits from what was accepted so far, so
 * --tx-first and --tx-count apply again, like testpmd's 'start tx_first'.
 */
void bench_gen_rearm(struct bench_ctx *ctx);

/* stats.c */
struct bench_snap;
/** Allocate a zeroed snapshot. */
struct bench_snap *bench_snap_new(void);
/** Take a snapshot of every counter. */
void bench_snap_take(const struct bench_ctx *ctx, struct bench_snap *s, double t);
/** Print rates between @p prev and @p cur. */
void bench_stats_print(const struct bench_ctx *ctx, const struct bench_snap *prev,
		       const struct bench_snap *cur);
/** Print final totals and averages. */
void bench_stats_final(const struct bench_ctx *ctx, const struct bench_snap *end);
/** Write the JSON summary to conf.json_path. @return 0 or -errno. */
int bench_json_write(const struct bench_ctx *ctx, const struct bench_snap *end);

#endif /* PN_BENCH_H */
