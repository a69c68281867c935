/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Statistics: snapshots of every counter (ethdev stats per port, NAPI and
 * TX queue counters per queue, softnet counters per lcore), rates between
 * two snapshots, and the final text summary. Counters of other lcores are
 * read without locks, as telemetry does: each is a naturally aligned u64.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

#include "bench.h"
#include "stats.h"

struct bench_snap *
bench_snap_new(void)
{
	return calloc(1, sizeof(struct bench_snap));
}

void
bench_snap_take(const struct bench_ctx *ctx, struct bench_snap *s, double t)
{
	uint16_t p, i, k;

	memset(s, 0, sizeof(*s));
	s->t = t;
	for (p = 0; p < ctx->nb_ports; p++) {
		rte_eth_stats_get(ctx->port[p].port_id, &s->port[p].eth);
		bench_impair_sum(ctx, p, &s->port[p].impair);
	}
	for (i = 0; i < ctx->nb_workers; i++) {
		const struct bench_worker *w = ctx->w[i];
		struct bench_lcore_snap *l = &s->lc[i];

		l->st = w->lc.stat;
		l->rx_packets = w->rx_packets;
		for (k = 0; k < w->nb_gen; k++) {
			l->gen_made += w->gen[k]->made;
			l->gen_alloc_fail += w->gen[k]->alloc_fail;
		}
		for (k = 0; k < w->nb_rxq; k++) {
			const struct pn_napi *n = &w->rxq[k];
			struct bench_port_snap *ps = &s->port[n->port];

			ps->rxq[n->queue] = n->packets;
			ps->rx += n->packets;
		}
		for (k = 0; k < w->lc.nb_txq; k++) {
			const struct pn_txq *q = &w->lc.txq[k];
			struct bench_port_snap *ps = &s->port[q->port];

			ps->txq[q->queue] = q->packets;
			ps->txq_full[q->queue] = q->dropped;
			ps->tx += q->packets;
			ps->tx_full += q->dropped;
		}
	}
}

/* The worker owning queue @p q. */
unsigned int
bench_queue_lcore(const struct bench_ctx *ctx, uint16_t q)
{
	return ctx->w[q % ctx->nb_workers]->lcore_id;
}

static double
rate(uint64_t cur, uint64_t prev, double dt)
{
	return dt > 0 ? (double)(cur - prev) / dt : 0.0;
}

static void
print_port(const struct bench_ctx *ctx, uint16_t p,
	   const struct bench_port_snap *a, const struct bench_port_snap *b,
	   double dt, const char *label)
{
	const struct rte_eth_stats *e = &b->eth, *e0 = &a->eth;
	uint16_t q;

	printf("port %u %-14s RX %10.3f Mpps %9.1f Mbps   TX %10.3f Mpps %9.1f Mbps\n",
	       p, ctx->port[p].name,
	       rate(b->rx, a->rx, dt) / 1e6,
	       rate(e->ibytes, e0->ibytes, dt) * 8 / 1e6,
	       rate(b->tx, a->tx, dt) / 1e6,
	       rate(e->obytes, e0->obytes, dt) * 8 / 1e6);
	printf("       %-14s drops: missed %" PRIu64 "  rx-errors %" PRIu64
	       "  rx-nombuf %" PRIu64 "  tx-errors %" PRIu64 "  tx-full %" PRIu64 "\n",
	       label, e->imissed - e0->imissed, e->ierrors - e0->ierrors,
	       e->rx_nombuf - e0->rx_nombuf, e->oerrors - e0->oerrors,
	       b->tx_full - a->tx_full);
	if (ctx->conf.impair[p].set) {
		printf("       %-14s impair:", label);
#define PRINT(f) printf(" " #f " %" PRIu64, b->impair.f - a->impair.f);
		BENCH_IMPAIR_STATS(PRINT)
#undef PRINT
		printf("\n");
	}
	for (q = 0; q < ctx->nb_queues; q++)
		printf("  q%-2u lcore %-3u RX %12" PRIu64 " TX %12" PRIu64
		       "   (total RX %" PRIu64 " TX %" PRIu64 ")\n",
		       q, bench_queue_lcore(ctx, q),
		       b->rxq[q] - a->rxq[q], b->txq[q] - a->txq[q],
		       b->rxq[q], b->txq[q]);
}

static void
print_lcore(const struct bench_ctx *ctx, uint16_t i,
	    const struct pn_softnet_stat *a, const struct pn_softnet_stat *b)
{
	printf("lcore %-3u rounds %" PRIu64 "  processed %" PRIu64
	       "  time_squeeze %" PRIu64 "  sleeps %" PRIu64 "  naps %" PRIu64
	       "  wakeups %" PRIu64 "  drops %" PRIu64 "\n",
	       ctx->w[i]->lcore_id, b->rounds - a->rounds,
	       b->processed - a->processed, b->time_squeeze - a->time_squeeze,
	       b->sleeps - a->sleeps, b->naps - a->naps,
	       b->wakeups - a->wakeups, b->drops - a->drops);
}

void
bench_stats_print(const struct bench_ctx *ctx, const struct bench_snap *prev,
		  const struct bench_snap *cur)
{
	double dt = cur->t - prev->t;
	uint16_t p, i;

	printf("---- %s  t=%.1f s  interval %.2f s ----\n",
	       ctx->conf.engine->name, cur->t, dt);
	for (p = 0; p < ctx->nb_ports; p++)
		print_port(ctx, p, &prev->port[p], &cur->port[p], dt, "");
	for (i = 0; i < ctx->nb_workers; i++)
		print_lcore(ctx, i, &prev->lc[i].st, &cur->lc[i].st);
	fflush(stdout);
}

void
bench_stats_final(const struct bench_ctx *ctx, const struct bench_snap *end)
{
	static const struct bench_snap zero;
	double dt = ctx->elapsed_s;
	uint64_t drop[PN_DROP__MAX] = { 0 };
	bool any = false;
	uint16_t p, i;
	int r;

	printf("==== %s summary: %.2f s, %u worker(s), %u port(s) ====\n",
	       ctx->conf.engine->name, dt, ctx->nb_workers, ctx->nb_ports);
	for (p = 0; p < ctx->nb_ports; p++) {
		const struct bench_port_snap *b = &end->port[p];

		printf("port %u %s: RX %" PRIu64 " packets, TX %" PRIu64
		       " packets\n", p, ctx->port[p].name, b->rx, b->tx);
		print_port(ctx, p, &zero.port[p], b, dt, "(average)");
	}
	for (i = 0; i < ctx->nb_workers; i++) {
		const struct pn_softnet_stat *s = &end->lc[i].st;

		printf("lcore %-3u rounds %" PRIu64 " busy %" PRIu64
		       " processed %" PRIu64 " time_squeeze %" PRIu64
		       " budget_squeeze %" PRIu64 " sleeps %" PRIu64
		       " naps %" PRIu64 " wakeups %" PRIu64 " steered %" PRIu64
		       "/%" PRIu64 " tx %" PRIu64 " generated %" PRIu64 "\n",
		       ctx->w[i]->lcore_id, s->rounds, s->busy_rounds,
		       s->processed, s->time_squeeze, s->budget_squeeze,
		       s->sleeps, s->naps, s->wakeups, s->steered_out,
		       s->steered_in, s->tx_packets, end->lc[i].gen_made);
		for (r = 0; r < PN_DROP__MAX; r++)
			drop[r] += s->drop[r];
	}
	printf("drops by reason:");
	for (r = 0; r < PN_DROP__MAX; r++)
		if (drop[r] != 0) {
			printf(" %s %" PRIu64, pn_drop_name(r), drop[r]);
			any = true;
		}
	printf("%s\n", any ? "" : " none");
	fflush(stdout);
}
