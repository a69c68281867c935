/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The summary of a TCP run: totals of the measured part (after warm-up)
 * over every event loop, latency percentiles, HTTP status codes; as text
 * and as JSON (--json), in the L2 summary's style.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "jw.h"
#include "tcp.h"

/* Measured counters of one thread. */
static void
thread_measured(const struct tb_thread *t, uint64_t v[TB_NCOUNTERS])
{
	tb_counters_get(&t->c, v);
	for (unsigned int k = 0; k < TB_NCOUNTERS; k++)
		v[k] -= t->measuring ? t->base[k] : v[k];
}

struct tb_sum {
	uint64_t v[TB_NCOUNTERS];
	uint64_t errors;
	struct tb_hist h;
	uint64_t status[600];
	uint64_t status_other;
};

static struct tb_sum *
sum_all(const struct tb_ctx *ctx)
{
	struct tb_sum *s = calloc(1, sizeof(*s));
	uint64_t one[TB_NCOUNTERS];

	if (s == NULL)
		return NULL;
	tb_hist_reset(&s->h);
	for (unsigned int i = 0; i < ctx->nthreads; i++) {
		const struct tb_thread *t = ctx->th[i];

		thread_measured(t, one);
		for (unsigned int k = 0; k < TB_NCOUNTERS; k++)
			s->v[k] += one[k];
		tb_hist_merge(&s->h, &t->hist);
		for (unsigned int k = 0; k < 600; k++)
			s->status[k] += t->status[k];
		s->status_other += t->status_other;
	}
	s->errors = s->v[TB_C_connect_errors] + s->v[TB_C_io_errors] + s->v[TB_C_eof_early] + s->v[TB_C_http_bad];
	return s;
}

static double
per_s(uint64_t v, double dt)
{
	return dt > 0 ? (double)v / dt : 0.0;
}

static double
us(uint64_t ns)
{
	return (double)ns / 1e3;
}

static const double tb_pcts[] = { 50, 90, 99, 99.9 };
static const char *const tb_pct_names[] = { "p50", "p90", "p99", "p99_9" };

/* tcp-idle: connections held at the end (client: opened; server: accepted). */
static uint64_t
idle_open(const uint64_t v[TB_NCOUNTERS])
{
	return v[TB_C_conns_opened] + v[TB_C_conns_accepted] - v[TB_C_conns_closed];
}

/* tcp-idle: growth from listening to stopped, per connection held. */
static double
idle_per_conn(uint64_t before, uint64_t after, uint64_t n)
{
	return n && after > before ? (double)(after - before) / (double)n : 0.0;
}

static void
idle_print(const struct tb_ctx *ctx, const uint64_t v[TB_NCOUNTERS])
{
	uint64_t n = idle_open(v);

	printf("  idle connections held %" PRIu64 "\n", n);
	if (ctx->tc->role != TB_SERVER)
		return;
	printf("  memory: RSS %" PRIu64 " -> %" PRIu64 " bytes (%.0f per connection),"
	       " DPDK heap %" PRIu64 " -> %" PRIu64 " bytes (%.0f per connection)\n",
	       ctx->mem_rss[0], ctx->mem_rss[1],
	       idle_per_conn(ctx->mem_rss[0], ctx->mem_rss[1], n),
	       ctx->mem_heap[0], ctx->mem_heap[1],
	       idle_per_conn(ctx->mem_heap[0], ctx->mem_heap[1], n));
}

static void
idle_json(struct jw *j, const struct tb_ctx *ctx, const uint64_t v[TB_NCOUNTERS])
{
	uint64_t n = idle_open(v);

	jw_u64(j, "held", n);
	jw_u64(j, "port_hi", ctx->tc->port_hi);
	jw_u64(j, "rate", ctx->tc->rate);
	if (ctx->tc->role != TB_SERVER)
		return;
	jw_open(j, "memory", '{');
	jw_u64(j, "rss_before", ctx->mem_rss[0]);
	jw_u64(j, "rss_after", ctx->mem_rss[1]);
	jw_u64(j, "heap_before", ctx->mem_heap[0]);
	jw_u64(j, "heap_after", ctx->mem_heap[1]);
	jw_dbl(j, "rss_per_conn", idle_per_conn(ctx->mem_rss[0], ctx->mem_rss[1], n));
	jw_dbl(j, "heap_per_conn", idle_per_conn(ctx->mem_heap[0], ctx->mem_heap[1], n));
	jw_close(j, '}');
}

/* Several loops: each one's share (connections: from the start). */
static void
per_thread_print(const struct tb_ctx *ctx, double dt)
{
	uint64_t m[TB_NCOUNTERS], all[TB_NCOUNTERS];

	for (unsigned int i = 0; i < ctx->nthreads; i++) {
		thread_measured(ctx->th[i], m);
		tb_counters_get(&ctx->th[i]->c, all);
		printf("  loop %u: transactions %" PRIu64 " (%.1f/s)  conns "
		       "opened %" PRIu64 " accepted %" PRIu64 " since start\n", i,
		       m[TB_C_transactions], per_s(m[TB_C_transactions], dt),
		       all[TB_C_conns_opened], all[TB_C_conns_accepted]);
	}
}

void
tb_print_final(const struct tb_ctx *ctx)
{
	const struct tb_conf *tc = ctx->tc;
	struct tb_sum *s = sum_all(ctx);
	double dt = ctx->measured_s;

	if (s == NULL)
		return;
	printf("%s %s (%s, %u event loop(s)): %.2f s measured\n",
	       tb_kind_name(tc->kind), tc->role == TB_SERVER ? "server" : "client",
	       ctx->ops->name, ctx->nthreads, dt);
	printf("  transactions %" PRIu64 " (%.1f/s)  rx %.2f Mbit/s  tx %.2f Mbit/s\n",
	       s->v[TB_C_transactions], per_s(s->v[TB_C_transactions], dt),
	       per_s(s->v[TB_C_rx_bytes], dt) * 8 / 1e6, per_s(s->v[TB_C_tx_bytes], dt) * 8 / 1e6);
	if (s->h.count > 0) {
		printf("  latency us: mean %.1f", us(s->h.sum) / (double)s->h.count);
		for (size_t i = 0; i < RTE_DIM(tb_pcts); i++)
			printf(" %s %.1f", tb_pct_names[i],
			       us(tb_hist_percentile(&s->h, tb_pcts[i])));
		printf(" max %.1f\n", us(s->h.max));
	}
	for (unsigned int i = 0; i < ctx->nports; i++)
		printf("  port %u (%s): rx %" PRIu64 " tx %" PRIu64 " packets, "
		       "missed %" PRIu64 " errors %" PRIu64 "/%" PRIu64 "\n", i,
		       ctx->port[i].name, ctx->port[i].ipackets,
		       ctx->port[i].opackets, ctx->port[i].imissed,
		       ctx->port[i].ierrors, ctx->port[i].oerrors);
	printf("  conns opened %" PRIu64 " accepted %" PRIu64 " closed %" PRIu64
	       "  errors %" PRIu64 " (connect %" PRIu64 " io %" PRIu64 " eof %"
	       PRIu64 " http %" PRIu64 ")\n", s->v[TB_C_conns_opened], s->v[TB_C_conns_accepted],
	       s->v[TB_C_conns_closed], s->errors, s->v[TB_C_connect_errors], s->v[TB_C_io_errors],
	       s->v[TB_C_eof_early], s->v[TB_C_http_bad]);
	if (ctx->nthreads > 1)
		per_thread_print(ctx, dt);
	if (tc->kind == TB_IDLE)
		idle_print(ctx, s->v);
	if (tc->kind == TB_HTTP && tc->role == TB_CLIENT) {
		printf("  http status:");
		for (unsigned int k = 100; k < 600; k++)
			if (s->status[k])
				printf(" %u: %" PRIu64, k, s->status[k]);
		if (s->status_other)
			printf(" other: %" PRIu64, s->status_other);
		printf("\n");
	}
	free(s);
}

static void
json_latency(struct jw *j, const struct tb_hist *h)
{
	jw_open(j, "latency_us", '{');
	jw_u64(j, "count", h->count);
	jw_dbl(j, "mean", h->count ? us(h->sum) / (double)h->count : 0.0);
	jw_dbl(j, "min", h->count ? us(h->min) : 0.0);
	for (size_t i = 0; i < RTE_DIM(tb_pcts); i++)
		jw_dbl(j, tb_pct_names[i], us(tb_hist_percentile(h, tb_pcts[i])));
	jw_dbl(j, "max", us(h->max));
	jw_close(j, '}');
}

static void
json_conf(struct jw *j, const struct tb_ctx *ctx)
{
	const struct tb_conf *tc = ctx->tc;
	char addr[INET_ADDRSTRLEN];
	struct in_addr in = { .s_addr = htonl(tc->ip) };

	jw_str(j, "engine", tb_kind_name(tc->kind));
	jw_str(j, "stack", ctx->ops->name);
	jw_str(j, "role", tc->role == TB_SERVER ? "server" : "client");
	jw_u64(j, "threads", ctx->nthreads);
	jw_dbl(j, "duration_s", ctx->measured_s);
	jw_u64(j, "warmup_s", tc->warmup_s);
	if (tc->role == TB_CLIENT) {
		inet_ntop(AF_INET, &in, addr, sizeof(addr));
		jw_str(j, "server", addr);
	}
	jw_u64(j, "port", tc->port);
	jw_u64(j, "conns", tc->conns);
	jw_u64(j, "req_size", tc->req_size);
	jw_u64(j, "resp_size", tc->resp_size);
	jw_u64(j, "depth", tc->depth);
	if (tc->kind == TB_STREAM)
		jw_str(j, "direction", tc->s2c ? "s2c" : "c2s");
	if (tc->kind == TB_HTTP)
		jw_str(j, "path", tc->http_path);
	jw_u64(j, "linger0", tc->linger0);
	jw_u64(j, "busy_poll", tc->busy_poll);
}

static void
json_counters(struct jw *j, const uint64_t v[TB_NCOUNTERS], double dt)
{
	for (unsigned int k = 0; k < TB_NCOUNTERS; k++)
		jw_u64(j, tb_counter_names[k], v[k]);
	jw_dbl(j, "transactions_per_s", per_s(v[TB_C_transactions], dt));
	jw_dbl(j, "rx_mbps", per_s(v[TB_C_rx_bytes], dt) * 8 / 1e6);
	jw_dbl(j, "tx_mbps", per_s(v[TB_C_tx_bytes], dt) * 8 / 1e6);
}

int
tb_json_write(const struct tb_ctx *ctx, const char *path)
{
	bool to_stdout = strcmp(path, "-") == 0;
	struct jw j = { .f = to_stdout ? stdout : fopen(path, "w") };
	struct tb_sum *s;
	uint64_t one[TB_NCOUNTERS];
	char code[8];
	int ret = 0;

	if (j.f == NULL)
		return -errno;
	s = sum_all(ctx);
	if (s == NULL) {
		if (!to_stdout)
			fclose(j.f);
		return -ENOMEM;
	}
	fputc('{', j.f);
	j.depth = 1;
	json_conf(&j, ctx);
	json_counters(&j, s->v, ctx->measured_s);
	jw_u64(&j, "errors", s->errors);
	json_latency(&j, &s->h);
	if (ctx->tc->kind == TB_IDLE)
		idle_json(&j, ctx, s->v);
	if (ctx->tc->kind == TB_HTTP && ctx->tc->role == TB_CLIENT) {
		jw_open(&j, "http_status", '{');
		for (unsigned int k = 100; k < 600; k++) {
			if (s->status[k] == 0)
				continue;
			snprintf(code, sizeof(code), "%u", k);
			jw_u64(&j, code, s->status[k]);
		}
		if (s->status_other)
			jw_u64(&j, "other", s->status_other);
		jw_close(&j, '}');
	}
	jw_open(&j, "ports", '[');
	for (unsigned int i = 0; i < ctx->nports; i++) {
		const struct tb_port_stats *ps = &ctx->port[i];

		jw_open(&j, NULL, '{');
		jw_u64(&j, "port", i);
		jw_str(&j, "name", ps->name);
		jw_u64(&j, "ipackets", ps->ipackets);
		jw_u64(&j, "opackets", ps->opackets);
		jw_u64(&j, "ibytes", ps->ibytes);
		jw_u64(&j, "obytes", ps->obytes);
		jw_u64(&j, "imissed", ps->imissed);
		jw_u64(&j, "ierrors", ps->ierrors);
		jw_u64(&j, "oerrors", ps->oerrors);
		jw_u64(&j, "rx_nombuf", ps->rx_nombuf);
		jw_close(&j, '}');
	}
	jw_close(&j, ']');
	jw_open(&j, "per_thread", '[');
	for (unsigned int i = 0; i < ctx->nthreads; i++) {
		thread_measured(ctx->th[i], one);
		jw_open(&j, NULL, '{');
		jw_u64(&j, "thread", i);
		json_counters(&j, one, ctx->measured_s);
		/* connections are mostly opened during the warm-up: where
		 * each loop's went shows in its counts from the start */
		tb_counters_get(&ctx->th[i]->c, one);
		jw_open(&j, "since_start", '{');
		for (unsigned int k = 0; k < TB_NCOUNTERS; k++)
			jw_u64(&j, tb_counter_names[k], one[k]);
		jw_close(&j, '}');
		jw_close(&j, '}');
	}
	jw_close(&j, ']');
	jw_close(&j, '}');
	fputc('\n', j.f);
	free(s);
	if (to_stdout)
		fflush(stdout);
	else if (fclose(j.f) != 0)
		ret = -errno;
	return ret;
}
