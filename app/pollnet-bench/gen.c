/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generators: NAPI instances of their own on the worker's poll list. A
 * poll builds up to its weight (--burst) of frames with the engine's gen()
 * and queues them for TX. With --tx-count a generator stops once that many
 * of its frames were accepted by the device; frames the TX ring refused
 * (counted TX_FULL drops) are made again, so the peer sees exactly N.
 */
#include <errno.h>
#include <stdio.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "bench.h"

#define GEN_SPORT 1024
#define GEN_DPORT 9 /* discard */

static uint64_t
gen_accepted(const struct bench_gen *g, uint64_t *pending)
{
	uint64_t acc = 0, pend = 0;
	uint8_t i;

	for (i = 0; i < g->nb_txq; i++) {
		acc += g->txq[i]->packets;
		pend += g->txq[i]->len;
	}
	*pending = pend;
	return acc;
}

static int
gen_poll(struct pn_lcore *lc, struct pn_napi *n, int weight)
{
	struct bench_gen *g = n->ctx;
	struct bench_worker *w = g->w;
	struct rte_mbuf *pkts[512];
	unsigned int want = (unsigned int)weight;
	unsigned int i;

	/* acquire: g->base, written before a (re)start, is seen with it */
	if (!atomic_load_explicit(&w->ctx->tx_go, memory_order_acquire) ||
	    atomic_load_explicit(&g->done, memory_order_relaxed))
		return 0;
	if (g->limit != 0) {
		uint64_t pending, acc = gen_accepted(g, &pending) - g->base;

		if (acc >= g->limit) {
			atomic_store_explicit(&g->done, true, memory_order_relaxed);
			return 0;
		}
		if (acc + pending >= g->limit)
			return 0; /* the rest is queued; the flush decides */
		if (g->limit - acc - pending < want)
			want = g->limit - acc - pending;
	}
	if (want > RTE_DIM(pkts))
		want = RTE_DIM(pkts);
	if (rte_pktmbuf_alloc_bulk(w->pool, pkts, want) != 0) {
		g->alloc_fail++;
		return 0;
	}
	g->fill(g, pkts, (uint16_t)want);
	if (g->nb_txq > 1) {
		for (i = 0; i < want; i++)
			bench_tx(w, g->port, pkts[i]);
	} else {
		for (i = 0; i < want; i++)
			pn_txq_push(lc, g->txq[0], pkts[i]);
	}
	g->made += want;
	return (int)want;
}

/*
 * A running generator has work every round: the lcore may only nap. One
 * done, or not started (main kicks the lcore when it sets tx_go), lets it
 * sleep.
 */
static int
gen_irq_enable(struct pn_lcore *lc, struct pn_napi *n)
{
	struct bench_gen *g = n->ctx;

	RTE_SET_USED(lc);
	return atomic_load_explicit(&g->done, memory_order_relaxed) ||
	       !atomic_load_explicit(&g->w->ctx->tx_go, memory_order_relaxed) ?
		       0 : -EBUSY;
}

static void
gen_irq_disable(struct pn_lcore *lc, struct pn_napi *n)
{
	RTE_SET_USED(lc);
	RTE_SET_USED(n);
}

static const struct pn_napi_ops gen_ops = {
	.poll = gen_poll,
	.irq_enable = gen_irq_enable,
	.irq_disable = gen_irq_disable,
};

static int
gen_add(struct bench_worker *w, uint16_t port, uint8_t first, uint8_t nb)
{
	const struct bench_conf *c = &w->ctx->conf;
	struct rte_ether_addr dst = { .addr_bytes = { 2, 0, 0, 0, 0, (uint8_t)port } };
	struct bench_gen *g;
	uint8_t i;
	int ret;

	g = rte_zmalloc_socket("bench_gen", sizeof(*g), RTE_CACHE_LINE_SIZE,
			       (int)rte_lcore_to_socket_id(w->lcore_id));
	if (g == NULL)
		return -ENOMEM;
	g->w = w;
	g->port = port;
	g->nb_txq = nb;
	for (i = 0; i < nb; i++)
		g->txq[i] = w->txq[port][first + i];
	if (c->engine->gen != NULL) {
		g->fill = c->engine->gen;
		g->limit = c->tx_count;
	} else { /* --tx-first: prime the forwarding loop, then stop */
		g->fill = bench_engine_txonly.gen;
		g->limit = (uint64_t)c->tx_first * c->burst;
	}
	g->len = c->txpkts;
	if (c->eth_peer_set)
		dst = c->eth_peer;
	bench_pkt_build(g->tmpl, g->len,
			c->engine == &bench_engine_flowgen ? c->flow_proto : IPPROTO_UDP,
			&w->ctx->port[port].mac, &dst, c->ip_src, c->ip_dst,
			GEN_SPORT, GEN_DPORT);
	g->napi.ops = &gen_ops;
	g->napi.ctx = g;
	g->napi.weight = c->burst;
	g->napi.port = port;
	g->napi.queue = g->txq[0]->queue;
	snprintf(g->napi.name, sizeof(g->napi.name), "gen-p%uq%u", port,
		 g->txq[0]->queue);
	ret = pn_lcore_add_napi(&w->lc, &g->napi);
	if (ret != 0) {
		rte_free(g);
		return ret;
	}
	w->gen[w->nb_gen++] = g;
	return 0;
}

void
bench_gen_rearm(struct bench_ctx *ctx)
{
	uint64_t pending;
	uint16_t i, k;

	for (i = 0; i < ctx->nb_workers; i++) {
		for (k = 0; k < ctx->w[i]->nb_gen; k++) {
			struct bench_gen *g = ctx->w[i]->gen[k];

			g->base = gen_accepted(g, &pending);
			atomic_store_explicit(&g->done, false,
					      memory_order_relaxed);
		}
	}
}

int
bench_gen_setup(struct bench_worker *w)
{
	uint16_t port;
	uint8_t q;
	int ret;

	for (port = 0; port < w->ctx->nb_ports; port++) {
		if (w->ctx->conf.tx_rss) {
			if (w->nb_txq[port] > 0 &&
			    (ret = gen_add(w, port, 0, w->nb_txq[port])) != 0)
				return ret;
			continue;
		}
		for (q = 0; q < w->nb_txq[port]; q++)
			if ((ret = gen_add(w, port, q, 1)) != 0)
				return ret;
	}
	return 0;
}
