/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Running a TCP engine: the event loops on pollnet lcores (pn_init,
 * pn_run) or on Linux threads, and a monitor thread that waits for every
 * loop to be set up, ends the warm-up and the run (--warmup, --duration,
 * SIGINT/SIGTERM) and prints the periodic stats.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>
#include <pollnet/pollnet.h>

#include "bench.h"
#include "eal.h"
#include "tcp.h"

#define TB_MON_TICK_NS 20000000ull

static volatile sig_atomic_t tb_quit;

static void
tb_on_signal(int sig)
{
	tb_quit = sig;
}

static const char *const tb_kind_names[] = {
	[TB_RR] = "tcp-rr", [TB_CRR] = "tcp-crr", [TB_STREAM] = "tcp-stream",
	[TB_HTTP] = "http", [TB_IDLE] = "tcp-idle",
};

const char *
tb_kind_name(enum tb_kind k)
{
	return tb_kind_names[k];
}

static void
sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000ull),
			       .tv_nsec = (long)(ns % 1000000000ull) };

	nanosleep(&ts, NULL);
}

/* Sum of every thread's counters, from the start. */
static void
sum_now(const struct tb_ctx *ctx, uint64_t v[TB_NCOUNTERS])
{
	uint64_t one[TB_NCOUNTERS];

	memset(v, 0, sizeof(uint64_t) * TB_NCOUNTERS);
	for (unsigned int i = 0; i < ctx->nthreads; i++) {
		tb_counters_get(&ctx->th[i]->c, one);
		for (unsigned int k = 0; k < TB_NCOUNTERS; k++)
			v[k] += one[k];
	}
}

static void
print_period(const struct tb_ctx *ctx, double t, double dt,
	     const uint64_t *prev, const uint64_t *cur)
{
	uint64_t errs = cur[TB_C_connect_errors] + cur[TB_C_io_errors] + cur[TB_C_eof_early] + cur[TB_C_http_bad];
	int phase = atomic_load(&ctx->phase);

	printf("%7.1fs %-7s %10.0f trans/s  rx %9.2f Mbit/s  tx %9.2f Mbit/s  "
	       "conns %" PRIu64 "  errors %" PRIu64 "\n", t,
	       phase == TB_WARMUP ? "warm-up" : "",
	       (double)(cur[TB_C_transactions] - prev[TB_C_transactions]) / dt,
	       (double)(cur[TB_C_rx_bytes] - prev[TB_C_rx_bytes]) * 8 / dt / 1e6,
	       (double)(cur[TB_C_tx_bytes] - prev[TB_C_tx_bytes]) * 8 / dt / 1e6,
	       cur[TB_C_conns_opened] + cur[TB_C_conns_accepted] - cur[TB_C_conns_closed], errs);
}

/* The monitor: start, warm-up, run, stop; periodic stats. */
static void *
tb_monitor(void *arg)
{
	struct tb_ctx *ctx = arg;
	const struct bench_conf *c = ctx->conf;
	const struct tb_conf *tc = ctx->tc;
	uint64_t prev[TB_NCOUNTERS], cur[TB_NCOUNTERS];
	uint64_t t0, now, last, t_end = 0;

	while (atomic_load(&ctx->started) < ctx->nthreads &&
	       atomic_load(&ctx->phase) != TB_STOP && tb_quit == 0)
		sleep_ns(TB_MON_TICK_NS);
	t0 = last = tb_now_ns();
	if (atomic_load(&ctx->phase) != TB_STOP && !ctx->quiet)
		printf(BENCH_PROG ": running %s %s on %u %s (%s)\n",
		       tb_kind_name(tc->kind),
		       tc->role == TB_SERVER ? "server" : "client", ctx->nthreads,
		       tc->stack == TB_POLLNET ? "lcore(s)" : "thread(s)",
		       ctx->ops->name);
	if (tc->warmup_s == 0) {
		ctx->t_measure_ns = t0;
		atomic_store(&ctx->phase, TB_MEASURE);
	}
	sum_now(ctx, prev);
	while (atomic_load(&ctx->phase) != TB_STOP) {
		sleep_ns(TB_MON_TICK_NS);
		now = tb_now_ns();
		if (tb_quit != 0)
			break;
		if (atomic_load(&ctx->phase) == TB_WARMUP &&
		    now - t0 >= (uint64_t)tc->warmup_s * 1000000000ull) {
			ctx->t_measure_ns = now;
			atomic_store(&ctx->phase, TB_MEASURE);
		}
		if (atomic_load(&ctx->phase) == TB_MEASURE && c->duration_s &&
		    t_end == 0)
			t_end = ctx->t_measure_ns + (uint64_t)c->duration_s * 1000000000ull;
		if (t_end != 0 && now >= t_end)
			break;
		if (c->stats_period_s && !ctx->quiet &&
		    now - last >= (uint64_t)c->stats_period_s * 1000000000ull) {
			sum_now(ctx, cur);
			print_period(ctx, (double)(now - t0) / 1e9,
				     (double)(now - last) / 1e9, prev, cur);
			memcpy(prev, cur, sizeof(prev));
			last = now;
		}
	}
	now = tb_now_ns();
	if (ctx->t_measure_ns == 0)
		ctx->t_measure_ns = now; /* stopped during warm-up */
	ctx->measured_s = (double)(now - ctx->t_measure_ns) / 1e9;
	atomic_store(&ctx->phase, TB_STOP);
	if (tb_quit != 0 && !ctx->quiet)
		printf(BENCH_PROG ": %s, stopping\n", strsignal(tb_quit));
	return NULL;
}

/* Connections of thread @p i out of @p n: an even share. */
static uint32_t
share(uint32_t conns, unsigned int i, unsigned int n)
{
	return conns / n + (i < conns % n ? 1 : 0);
}

static int
threads_alloc(struct tb_ctx *ctx, unsigned int n)
{
	if (n == 0 || n > TB_MAX_THREADS) {
		fprintf(stderr, BENCH_PROG ": %u event loops: must be 1..%u\n",
			n, TB_MAX_THREADS);
		return -1;
	}
	ctx->nthreads = n;
	for (unsigned int i = 0; i < n; i++) {
		struct tb_thread *t = calloc(1, sizeof(*t));

		if (t == NULL) {
			fprintf(stderr, BENCH_PROG ": out of memory\n");
			return -1;
		}
		t->ctx = ctx;
		t->ops = ctx->ops;
		t->id = i;
		t->nconns = share(ctx->tc->conns, i, n);
		ctx->th[i] = t;
	}
	return 0;
}

static void
threads_free(struct tb_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->nthreads; i++)
		free(ctx->th[i]);
}

static void
signals_catch(void)
{
	struct sigaction sa = { .sa_handler = tb_on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* After the loops ended: the summary, text and JSON. */
static int
report(struct tb_ctx *ctx, int rc)
{
	const struct bench_conf *c = ctx->conf;
	int ret;

	if (!ctx->quiet)
		tb_print_final(ctx);
	if (c->json && (ret = tb_json_write(ctx, c->json_path)) != 0) {
		fprintf(stderr, BENCH_PROG ": --json=%s: %s\n", c->json_path,
			strerror(-ret));
		rc = rc ? rc : 1;
	}
	return rc;
}

static void *
linux_loop(void *arg)
{
	tb_thread_run(arg);
	return NULL;
}

static int
run_linux(struct tb_ctx *ctx, int argc)
{
	pthread_t mon, tid[TB_MAX_THREADS];
	unsigned int i;
	int rc = 0;

	if (argc > 1) {
		fprintf(stderr, BENCH_PROG ": --stack linux takes no EAL options "
			"(before '--'); pin it with taskset\n");
		return 2;
	}
	if (threads_alloc(ctx, ctx->tc->threads) < 0)
		return 1;
	signals_catch();
	for (i = 0; i < ctx->nthreads; i++) {
		if (pthread_create(&tid[i], NULL, linux_loop, ctx->th[i]) != 0) {
			fprintf(stderr, BENCH_PROG ": pthread_create failed\n");
			atomic_store(&ctx->phase, TB_STOP);
			ctx->nthreads = i;
			break;
		}
	}
	pthread_create(&mon, NULL, tb_monitor, ctx);
	for (unsigned int k = 0; k < ctx->nthreads; k++) {
		pthread_join(tid[k], NULL);
		if (rc == 0)
			rc = ctx->th[k]->rc;
	}
	atomic_store(&ctx->phase, TB_STOP);
	pthread_join(mon, NULL);
	rc = report(ctx, rc);
	threads_free(ctx);
	return rc;
}

static int
pollnet_loop(void *arg)
{
	struct tb_ctx *ctx = arg;
	int s = pn_shard();

	if (s < 0 || (unsigned int)s >= ctx->nthreads)
		return 1;
	return tb_thread_run(ctx->th[s]);
}

/* The ports' counters over the whole run (they are ethdev's, public). */
static void
ports_snap(struct tb_ctx *ctx)
{
	uint16_t p;

	RTE_ETH_FOREACH_DEV(p) {
		struct tb_port_stats *ps;
		struct rte_eth_stats e;

		if (ctx->nports >= RTE_DIM(ctx->port) ||
		    rte_eth_stats_get(p, &e) != 0)
			continue;
		ps = &ctx->port[ctx->nports++];
		rte_eth_dev_get_name_by_port(p, ps->name);
		ps->ipackets = e.ipackets;
		ps->opackets = e.opackets;
		ps->ibytes = e.ibytes;
		ps->obytes = e.obytes;
		ps->imissed = e.imissed;
		ps->ierrors = e.ierrors;
		ps->oerrors = e.oerrors;
		ps->rx_nombuf = e.rx_nombuf;
	}
}

/* pn_init's option @p name (with @p val unless NULL) into av[n...] when
 * @p on. @return the new count. */
static int
pn_opt(char **av, int n, const char *name, bool on, const char *val)
{
	if (!on)
		return n;
	av[n++] = (char *)(uintptr_t)name;
	if (val != NULL)
		av[n++] = (char *)(uintptr_t)val;
	return n;
}

static int
run_pollnet(struct tb_ctx *ctx, int argc, char **argv)
{
	const struct tb_conf *tc = ctx->tc;
	char **av = calloc((size_t)argc + 19, sizeof(*av));
	pthread_t mon;
	int n = 0, rc;

	if (av == NULL)
		return 1;
	for (int i = 0; i < argc; i++)
		av[n++] = argv[i];
	av[n++] = (char *)"--";
	n = pn_opt(av, n, "--addr", tc->addr[0] != '\0', tc->addr);
	n = pn_opt(av, n, "--gw", tc->gw[0] != '\0', tc->gw);
	n = pn_opt(av, n, "--rss", tc->rss, NULL);
	n = pn_opt(av, n, "--no-gro", tc->no_gro, NULL);
	n = pn_opt(av, n, "--no-tso", tc->no_tso, NULL);
	n = pn_opt(av, n, "--no-lro", tc->no_lro, NULL);
	n = pn_opt(av, n, "--no-tx-cksum", tc->no_tx_cksum, NULL);
	n = pn_opt(av, n, "--cycles", tc->cycles, NULL);
	n = pn_opt(av, n, "--max-conns", tc->max_conns[0] != '\0', tc->max_conns);
	n = pn_opt(av, n, "--mbufs", tc->mbufs[0] != '\0', tc->mbufs);
	n = pn_opt(av, n, "--sndbuf", tc->sndbuf[0] != '\0', tc->sndbuf);
	av[n] = NULL;
	rc = pn_init(n, av);
	if (rc < 0) {
		rc = errno == EINVAL ? 2 : 1;
		fprintf(stderr, BENCH_PROG ": pn_init: %s (see the lines above)\n",
			strerror(errno));
		free(av);
		return rc;
	}
	pn_eal_remove_runtime_dir_at_exit(); /* as the L2 engines */
	if (threads_alloc(ctx, (unsigned int)pn_shards()) < 0) {
		pn_cleanup();
		free(av);
		return 1;
	}
	signals_catch();
	/* a plain thread, on the main lcore's CPU set: it mostly sleeps */
	pthread_create(&mon, NULL, tb_monitor, ctx);
	rc = pn_run(pollnet_loop, ctx);
	atomic_store(&ctx->phase, TB_STOP);
	pthread_join(mon, NULL);
	ports_snap(ctx);
	rc = report(ctx, rc != 0);
	threads_free(ctx);
	pn_cleanup();
	free(av);
	return rc;
}

int
bench_tcp_main(const struct bench_conf *c, int argc, char **argv)
{
	static struct tb_ctx ctx;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ctx.conf = c;
	ctx.tc = &c->tcp;
	/* --json=- owns stdout: no text there */
	ctx.quiet = c->quiet || (c->json && strcmp(c->json_path, "-") == 0);
	ctx.ops = c->tcp.stack == TB_LINUX ? &tb_sockops_linux : &tb_sockops_pollnet;
	atomic_store(&ctx.phase, TB_WARMUP);
	signal(SIGPIPE, SIG_IGN); /* virtio_user: a vhost peer gone is EPIPE */
	if (c->tcp.stack == TB_LINUX)
		return run_linux(&ctx, argc);
	return run_pollnet(&ctx, argc, argv);
}
