/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The JSON summary written on exit: engine, duration, per-port and
 * per-queue totals and average rates, per-lcore softnet counters and drops
 * by reason name.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "jw.h"
#include "stats.h"

static double
avg(uint64_t v, double dt)
{
	return dt > 0 ? (double)v / dt : 0.0;
}

/* The port's --impair: its settings and counters. */
static void
json_impair(struct jw *j, const struct bench_impair_conf *c,
	    const struct bench_impair_stats *s)
{
	jw_open(j, "impair", '{');
	jw_dbl(j, "loss_pct", c->loss);
	jw_dbl(j, "dup_pct", c->dup);
	jw_dbl(j, "corrupt_pct", c->corrupt);
	jw_dbl(j, "reorder_pct", c->reorder);
	jw_u64(j, "reorder_depth", c->reorder_depth);
	jw_u64(j, "reorder_max_us", c->reorder_max_us);
	jw_u64(j, "delay_us", c->delay_us);
	jw_u64(j, "jitter_us", c->jitter_us);
	jw_u64(j, "limit", c->limit);
#define FIELD(f) jw_u64(j, #f, s->f);
	BENCH_IMPAIR_STATS(FIELD)
#undef FIELD
	jw_close(j, '}');
}

static void
json_port(struct jw *j, const struct bench_ctx *ctx, uint16_t p,
	  const struct bench_port_snap *s)
{
	const struct rte_eth_stats *e = &s->eth;
	double dt = ctx->elapsed_s;
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	uint16_t q;

	rte_ether_format_addr(mac, sizeof(mac), &ctx->port[p].mac);
	jw_open(j, NULL, '{');
	jw_u64(j, "port", p);
	jw_str(j, "name", ctx->port[p].name);
	jw_str(j, "driver", ctx->port[p].driver);
	jw_str(j, "mac", mac);
	jw_u64(j, "rx_packets", s->rx);
	jw_u64(j, "tx_packets", s->tx);
	jw_u64(j, "rx_bytes", e->ibytes);
	jw_u64(j, "tx_bytes", e->obytes);
	jw_dbl(j, "rx_pps", avg(s->rx, dt));
	jw_dbl(j, "tx_pps", avg(s->tx, dt));
	jw_dbl(j, "rx_mbps", avg(e->ibytes, dt) * 8 / 1e6);
	jw_dbl(j, "tx_mbps", avg(e->obytes, dt) * 8 / 1e6);
	jw_u64(j, "eth_ipackets", e->ipackets);
	jw_u64(j, "eth_opackets", e->opackets);
	jw_u64(j, "imissed", e->imissed);
	jw_u64(j, "ierrors", e->ierrors);
	jw_u64(j, "oerrors", e->oerrors);
	jw_u64(j, "rx_nombuf", e->rx_nombuf);
	jw_u64(j, "tx_full", s->tx_full);
	if (ctx->conf.impair[p].set)
		json_impair(j, &ctx->conf.impair[p], &s->impair);
	jw_open(j, "queues", '[');
	for (q = 0; q < ctx->nb_queues; q++) {
		jw_open(j, NULL, '{');
		jw_u64(j, "queue", q);
		jw_u64(j, "lcore", bench_queue_lcore(ctx, q));
		jw_u64(j, "rx_packets", s->rxq[q]);
		jw_u64(j, "tx_packets", s->txq[q]);
		jw_u64(j, "tx_full", s->txq_full[q]);
		jw_dbl(j, "rx_pps", avg(s->rxq[q], dt));
		jw_dbl(j, "tx_pps", avg(s->txq[q], dt));
		jw_close(j, '}');
	}
	jw_close(j, ']');
	jw_close(j, '}');
}

static void
json_lcore(struct jw *j, const struct bench_ctx *ctx, uint16_t i,
	   const struct bench_lcore_snap *l)
{
	const struct pn_softnet_stat *s = &l->st;
	int r;

	jw_open(j, NULL, '{');
	jw_u64(j, "lcore", ctx->w[i]->lcore_id);
	jw_u64(j, "shard", ctx->w[i]->shard);
	jw_u64(j, "engine_rx_packets", l->rx_packets);
	jw_u64(j, "generated", l->gen_made);
	jw_u64(j, "gen_alloc_fail", l->gen_alloc_fail);
	jw_u64(j, "rounds", s->rounds);
	jw_u64(j, "busy_rounds", s->busy_rounds);
	jw_u64(j, "processed", s->processed);
	jw_u64(j, "time_squeeze", s->time_squeeze);
	jw_u64(j, "budget_squeeze", s->budget_squeeze);
	jw_u64(j, "sleeps", s->sleeps);
	jw_u64(j, "naps", s->naps);
	jw_u64(j, "sleep_aborts", s->sleep_aborts);
	jw_u64(j, "wakeups", s->wakeups);
	jw_u64(j, "timer_wakeups", s->timer_wakeups);
	jw_u64(j, "sleep_ns", s->sleep_ns);
	jw_u64(j, "busy_poll_grows", s->busy_poll_grows);
	jw_u64(j, "busy_poll_shrinks", s->busy_poll_shrinks);
	jw_u64(j, "steered_out", s->steered_out);
	jw_u64(j, "steered_in", s->steered_in);
	jw_u64(j, "tx_packets", s->tx_packets);
	jw_u64(j, "tx_bursts", s->tx_bursts);
	jw_u64(j, "timers", s->timers);
	jw_u64(j, "drops", s->drops);
	jw_open(j, "drop", '{');
	for (r = 0; r < PN_DROP__MAX; r++)
		jw_u64(j, pn_drop_name(r), s->drop[r]);
	jw_close(j, '}');
	jw_close(j, '}');
}

int
bench_json_write(const struct bench_ctx *ctx, const struct bench_snap *end)
{
	const struct bench_conf *c = &ctx->conf;
	bool to_stdout = strcmp(c->json_path, "-") == 0;
	struct jw j = { .f = to_stdout ? stdout : fopen(c->json_path, "w") };
	uint64_t drop[PN_DROP__MAX] = { 0 };
	uint16_t p, i;
	int r, ret = 0;

	if (j.f == NULL)
		return -errno;
	fputc('{', j.f);
	j.depth = 1;
	jw_str(&j, "engine", c->engine->name);
	jw_dbl(&j, "duration_s", ctx->elapsed_s);
	jw_u64(&j, "workers", ctx->nb_workers);
	jw_u64(&j, "queues_per_port", ctx->nb_queues);
	jw_u64(&j, "txpkts", c->txpkts);
	jw_u64(&j, "burst", c->burst);
	jw_u64(&j, "tx_count", c->tx_count);
	jw_u64(&j, "steering", c->steer);
	jw_u64(&j, "tx_rss", c->tx_rss);
	jw_u64(&j, "seed", c->seed);
	jw_open(&j, "ports", '[');
	for (p = 0; p < ctx->nb_ports; p++)
		json_port(&j, ctx, p, &end->port[p]);
	jw_close(&j, ']');
	jw_open(&j, "lcores", '[');
	for (i = 0; i < ctx->nb_workers; i++) {
		json_lcore(&j, ctx, i, &end->lc[i]);
		for (r = 0; r < PN_DROP__MAX; r++)
			drop[r] += end->lc[i].st.drop[r];
	}
	jw_close(&j, ']');
	jw_open(&j, "drops", '{');
	for (r = 0; r < PN_DROP__MAX; r++)
		jw_u64(&j, pn_drop_name(r), drop[r]);
	jw_close(&j, '}');
	jw_close(&j, '}');
	fputc('\n', j.f);
	if (to_stdout)
		fflush(stdout);
	else if (fclose(j.f) != 0)
		ret = -errno;
	return ret;
}
