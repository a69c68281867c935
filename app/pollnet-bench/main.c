/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pollnet-bench main: EAL, ports, one shard per worker lcore, launch, the
 * main lcore's stats/duration/signal loop, and a clean shutdown.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "bench.h"
#include "eal.h"
#include "stats.h"
#include "telemetry.h"

#define BENCH_DESC        1024 /* pn_port default ring size, for pool sizing */
#define BENCH_RETA_SIZE   128
#define BENCH_POOL_CACHE  256
#define BENCH_TICK_NS     (20 * PN_NS_PER_MS)
#define BENCH_DRAIN_NS    (100 * PN_NS_PER_MS)

static volatile sig_atomic_t quit_signal;
static volatile sig_atomic_t go_signal;
static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		go_signal = 1;
	else if (sig == SIGUSR2)
		stop_signal = 1;
	else
		quit_signal = sig;
}

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * PN_NS_PER_S + (uint64_t)ts.tv_nsec;
}

static void
sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / PN_NS_PER_S,
			       .tv_nsec = ns % PN_NS_PER_S };

	nanosleep(&ts, NULL); /* a signal cuts it short: fine */
}

static void __rte_noreturn
die(int code, const char *what)
{
	fprintf(stderr, BENCH_PROG ": %s\n", what);
	rte_eal_cleanup();
	exit(code);
}

/* Queues of @p port worker @p wi owns out of @p nq: q % nworkers == wi. */
static uint16_t
owned(uint16_t nq, uint16_t nw, uint16_t wi)
{
	return nq > wi ? (uint16_t)((nq - wi + nw - 1) / nw) : 0;
}

static void
check_layout(struct bench_ctx *ctx)
{
	const struct bench_conf *c = &ctx->conf;
	uint16_t nw = ctx->nb_workers;
	uint16_t rxq = c->rxq ? c->rxq : nw, txq = c->txq ? c->txq : nw;
	char msg[256];
	uint16_t wi;

	ctx->nb_queues = RTE_MAX(rxq, txq);
	if (ctx->nb_queues > BENCH_MAX_QUEUES) {
		snprintf(msg, sizeof(msg), "--rxq/--txq: %u queues per port "
			 "(default: one per worker); must be 1..%u",
			 ctx->nb_queues, BENCH_MAX_QUEUES);
		die(2, msg);
	}
	for (wi = 0; wi < nw; wi++) {
		unsigned int nrx = owned(rxq, nw, wi) * ctx->nb_ports;
		unsigned int ntx = owned(txq, nw, wi) * ctx->nb_ports;
		unsigned int ngen = !bench_has_gens(c) ? 0 :
				    c->tx_rss ? ctx->nb_ports : ntx;

		/* One NAPI slot is the lcore's backlog, one the impairment's. */
		ngen += bench_has_impair(c) ? 1 : 0;
		if (nrx + ngen + 1 > PN_LCORE_MAX_NAPI) {
			snprintf(msg, sizeof(msg), "--rxq=%u with %u port(s): a "
				 "worker would poll %u RX queues and %u "
				 "generators; at most %u in all", rxq,
				 ctx->nb_ports, nrx, ngen, PN_LCORE_MAX_NAPI - 1);
			die(2, msg);
		}
		if (ntx > PN_LCORE_MAX_TXQ) {
			snprintf(msg, sizeof(msg), "--txq=%u with %u port(s): a "
				 "worker would own %u TX queues; at most %u",
				 txq, ctx->nb_ports, ntx, PN_LCORE_MAX_TXQ);
			die(2, msg);
		}
	}
}

static struct rte_mempool *
pool_create(const struct bench_ctx *ctx, uint16_t wi, int socket)
{
	const struct bench_conf *c = &ctx->conf;
	uint16_t nw = ctx->nb_workers;
	uint16_t rxq = c->rxq ? c->rxq : nw, txq = c->txq ? c->txq : nw;
	uint32_t n, room;
	char name[RTE_MEMPOOL_NAMESIZE];

	/* RX rings and TX rings it fills, TX buffers, backlog, bursts, caches. */
	n = ctx->nb_ports * (owned(rxq, nw, wi) * BENCH_DESC +
			     owned(txq, nw, wi) * (BENCH_DESC + PN_TX_BUF_SIZE));
	n += (c->steer ? c->napi.backlog_size : 0) + 4 * PN_RX_BURST_MAX +
	     2 * BENCH_POOL_CACHE;
	for (uint16_t p = 0; p < ctx->nb_ports; p++) /* the hold FIFOs */
		n += c->impair[p].set ? 2 * c->impair[p].limit : 0;
	n = rte_align32pow2(n + 1) - 1;
	room = RTE_MAX((uint32_t)RTE_MBUF_DEFAULT_DATAROOM, (uint32_t)c->txpkts) +
	       RTE_PKTMBUF_HEADROOM;
	snprintf(name, sizeof(name), "bench_pool_%u", wi);
	return rte_pktmbuf_pool_create(name, n, BENCH_POOL_CACHE, 0,
				       (uint16_t)room, socket);
}

static int
worker_main(void *arg)
{
	struct bench_worker *w = arg;

	return pn_lcore_run(&w->lc);
}

static void
setup_workers(struct bench_ctx *ctx)
{
	const struct bench_conf *c = &ctx->conf;
	unsigned int lcore;
	char msg[320];
	uint16_t wi = 0;
	int ret;

	ret = pn_steer_init(&ctx->shards.steer, ctx->nb_workers, BENCH_RETA_SIZE);
	if (ret != 0)
		die(1, "pn_steer_init failed");
	ctx->shards.steering = c->steer;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		int socket = (int)rte_lcore_to_socket_id(lcore);
		struct bench_worker *w;

		w = rte_zmalloc_socket("bench_worker", sizeof(*w),
				       RTE_CACHE_LINE_SIZE, socket);
		if (w == NULL)
			die(1, "out of memory for the workers (raise -m)");
		ctx->w[wi] = w;
		w->ctx = ctx;
		w->lcore_id = lcore;
		w->shard = wi;
		pn_clock_init_tsc(&w->clock);
		w->pool = pool_create(ctx, wi, socket);
		if (w->pool == NULL) {
			snprintf(msg, sizeof(msg), "mbuf pool for lcore %u: %s "
				 "(raise -m)", lcore, rte_strerror(rte_errno));
			die(1, msg);
		}
		ret = pn_lcore_init(&w->lc, &ctx->shards, wi, &c->napi,
				    &w->clock, socket);
		if (ret != 0) {
			snprintf(msg, sizeof(msg), "pn_lcore_init(lcore %u): %s",
				 lcore, strerror(-ret));
			die(1, msg);
		}
		wi++;
	}
}

static void
setup_ports(struct bench_ctx *ctx)
{
	const struct bench_conf *c = &ctx->conf;
	struct rte_mempool *pools[BENCH_MAX_QUEUES];
	struct pn_port_conf pc;
	char err[256], msg[320];
	uint16_t p, q;
	int ret;

	pn_port_conf_default(&pc);
	pc.nb_queues = ctx->nb_queues;
	pc.rx_intr = c->napi.sleep;
	/* as testpmd: no offloads unless asked, but for io, which bridges
	 * stacks that offload (partial checksums, TSO segments) */
	pc.offloads = c->offloads >= 0 ? c->offloads != 0 :
		      c->engine == &bench_engine_io;
	pc.promisc = true;
	pc.steer = &ctx->shards.steer;
	if (c->txpkts > RTE_ETHER_MAX_LEN - RTE_ETHER_CRC_LEN)
		pc.mtu = (uint16_t)(c->txpkts - RTE_ETHER_HDR_LEN);
	for (q = 0; q < ctx->nb_queues; q++)
		pools[q] = ctx->w[q % ctx->nb_workers]->pool;
	for (p = 0; p < ctx->nb_ports; p++) {
		ret = pn_port_start(p, &pc, pools, &ctx->port[p], err, sizeof(err));
		if (ret != 0) {
			snprintf(msg, sizeof(msg), "%s", err);
			die(1, msg);
		}
		if (!c->quiet)
			pn_port_log(&ctx->port[p]);
		rte_eth_stats_reset(p);
	}
}

/* Give each worker its queues (q % nworkers), handler and generators. */
static void
attach_queues(struct bench_ctx *ctx)
{
	const struct bench_conf *c = &ctx->conf;
	uint16_t nw = ctx->nb_workers;
	uint16_t rxq = c->rxq ? c->rxq : nw, txq = c->txq ? c->txq : nw;
	char msg[256];
	uint16_t wi, p, q;
	int ret;

	for (wi = 0; wi < nw; wi++) {
		struct bench_worker *w = ctx->w[wi];

		for (p = 0; p < ctx->nb_ports; p++) {
			for (q = wi; q < rxq; q += nw) {
				struct pn_napi *n = &w->rxq[w->nb_rxq++];

				pn_napi_rxq_init(n, p, q, (uint16_t)c->napi.weight);
				if (pn_lcore_add_napi(&w->lc, n) != 0)
					die(1, "too many NAPI instances");
			}
			for (q = wi; q < txq; q += nw) {
				if (pn_lcore_add_txq(&w->lc, p, q) != 0)
					die(1, "too many TX queues");
				w->txq[p][w->nb_txq[p]++] = pn_lcore_txq(&w->lc, p, q);
			}
		}
		pn_lcore_set_rx_handler(&w->lc, c->engine->rx, w);
		ret = c->engine->lcore_setup != NULL ? c->engine->lcore_setup(w) :
		      c->tx_first > 0 ? bench_gen_setup(w) : 0;
		if (ret == 0)
			ret = bench_impair_setup(w);
		if (ret != 0) {
			snprintf(msg, sizeof(msg), "%s set-up on lcore %u: %s",
				 c->engine->name, w->lcore_id, strerror(-ret));
			die(1, msg);
		}
	}
}

static bool
links_up(const struct bench_ctx *ctx)
{
	uint16_t p;

	for (p = 0; p < ctx->nb_ports; p++)
		if (pn_port_link_up(&ctx->port[p]) != 1)
			return false;
	return true;
}

static bool
gens_done(const struct bench_ctx *ctx, uint64_t *accepted)
{
	bool all = true;
	uint16_t i, k, t;

	*accepted = 0;
	for (i = 0; i < ctx->nb_workers; i++) {
		for (k = 0; k < ctx->w[i]->nb_gen; k++) {
			const struct bench_gen *g = ctx->w[i]->gen[k];

			all &= atomic_load_explicit(&g->done, memory_order_relaxed);
			for (t = 0; t < g->nb_txq; t++)
				*accepted += g->txq[t]->packets;
		}
	}
	return all;
}

/*
 * Let the generators run. A worker with nothing else to do sleeps on RX
 * interrupts while they wait (gen_irq_enable): wake it. Pairs with the
 * fence in pn_lcore_idle: the worker sees tx_go in its last look, or we
 * see it asleep.
 */
static void
gens_go(struct bench_ctx *ctx)
{
	atomic_store(&ctx->tx_go, true);
	for (uint16_t i = 0; i < ctx->nb_workers; i++)
		pn_lcore_kick(&ctx->w[i]->lc);
}

/* The main lcore: stats, generator start, duration and signals. */
static void
main_loop(struct bench_ctx *ctx, uint64_t t0)
{
	const struct bench_conf *c = &ctx->conf;
	struct bench_snap *prev = bench_snap_new(), *cur = bench_snap_new();
	bool gens = bench_has_gens(c), done_said = false, stopped = c->stopped;
	uint64_t period = (uint64_t)c->stats_period_s * PN_NS_PER_S;
	uint64_t end = c->duration_s ? t0 + c->duration_s * PN_NS_PER_S : UINT64_MAX;
	uint64_t next_stats = period ? t0 + period : UINT64_MAX;
	uint64_t link_at = 0, now, wake, accepted;

	if (prev == NULL || cur == NULL)
		die(1, "out of memory for stats");
	bench_snap_take(ctx, prev, 0);
	while (quit_signal == 0 && (now = mono_ns()) < end) {
		if (stop_signal) { /* testpmd 'stop' */
			stop_signal = 0;
			go_signal = 0;
			atomic_store(&ctx->fwd_off, true);
			atomic_store(&ctx->tx_go, false);
			stopped = true;
			if (!c->quiet)
				printf(BENCH_PROG ": stopped\n");
		}
		if (stopped && go_signal) { /* testpmd 'start [tx_first]' */
			go_signal = 0;
			stopped = false;
			done_said = false;
			bench_gen_rearm(ctx);
			atomic_store(&ctx->fwd_off, false);
			if (gens)
				gens_go(ctx);
			if (!c->quiet)
				printf(BENCH_PROG ": started\n");
		}
		if (gens && !stopped && !atomic_load(&ctx->tx_go)) {
			if (link_at == 0 && links_up(ctx))
				link_at = now;
			if (go_signal || (link_at != 0 &&
			    now - link_at >= c->tx_delay_s * PN_NS_PER_S)) {
				go_signal = 0;
				gens_go(ctx);
				if (!c->quiet)
					printf(BENCH_PROG ": generators started%s\n",
					       link_at ? "" : " (link down)");
			}
		}
		if (gens && !done_said && c->tx_count && gens_done(ctx, &accepted)) {
			done_said = true;
			if (!c->quiet)
				printf(BENCH_PROG ": generators done: %" PRIu64
				       " packets accepted by the device(s)\n",
				       accepted);
		}
		if (now >= next_stats) {
			struct bench_snap *t;

			bench_snap_take(ctx, cur, (double)(now - t0) / 1e9);
			if (!c->quiet)
				bench_stats_print(ctx, prev, cur);
			t = prev;
			prev = cur;
			cur = t;
			next_stats += period;
		}
		now = mono_ns();
		wake = RTE_MIN(next_stats, end);
		sleep_ns(wake > now ? RTE_MIN(BENCH_TICK_NS, wake - now) : 0);
	}
	free(prev);
	free(cur);
}

static void
shutdown_all(struct bench_ctx *ctx, uint64_t t0)
{
	struct bench_snap *end = bench_snap_new();
	uint16_t i, k, p;
	int ret;

	/* Generators first, so replies still in flight get counted. */
	if (atomic_exchange(&ctx->tx_go, false))
		sleep_ns(BENCH_DRAIN_NS);
	for (i = 0; i < ctx->nb_workers; i++)
		pn_lcore_stop(&ctx->w[i]->lc);
	rte_eal_mp_wait_lcore();
	ctx->elapsed_s = (double)(mono_ns() - t0) / 1e9;
	/* Flush TX and count what is left in the backlogs before the totals. */
	for (i = 0; i < ctx->nb_workers; i++) {
		bench_impair_flush(ctx->w[i]->impair, &ctx->w[i]->lc);
		pn_lcore_fini(&ctx->w[i]->lc);
	}
	if (end == NULL)
		die(1, "out of memory for stats");
	bench_snap_take(ctx, end, ctx->elapsed_s);
	if (!ctx->conf.quiet)
		bench_stats_final(ctx, end);
	if (ctx->conf.json && (ret = bench_json_write(ctx, end)) != 0)
		fprintf(stderr, BENCH_PROG ": --json=%s: %s\n",
			ctx->conf.json_path, strerror(-ret));
	free(end);
	for (p = 0; p < ctx->nb_ports; p++)
		pn_port_close(&ctx->port[p]);
	for (i = 0; i < ctx->nb_workers; i++) {
		struct bench_worker *w = ctx->w[i];

		for (k = 0; k < w->nb_gen; k++)
			rte_free(w->gen[k]);
		bench_impair_free(w->impair);
		rte_mempool_free(w->pool);
		rte_free(w);
	}
}

int
main(int argc, char **argv)
{
	static struct bench_ctx ctx;
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t sigs;
	int eal_argc = argc, ret;
	uint16_t p;
	uint64_t t0;
	unsigned int lcore;

	/* App options first: a bad one needs no EAL to be reported. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			eal_argc = i;
			break;
		}
	}
	if (eal_argc < argc) {
		argv[eal_argc] = argv[0]; /* getopt's argv[0] */
		bench_parse_args(&ctx.conf, argc - eal_argc, argv + eal_argc);
	} else {
		char *none[] = { argv[0], NULL };

		bench_parse_args(&ctx.conf, 1, none);
	}
	if (ctx.conf.is_tcp) /* pn_init or Linux threads: no L2 set-up */
		return bench_tcp_main(&ctx.conf, eal_argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Only the main thread takes signals: EAL's threads inherit the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	ret = rte_eal_init(eal_argc, argv);
	if (ret < 0) {
		fprintf(stderr, BENCH_PROG ": EAL options: %s (see the lines "
			"above)\n", rte_strerror(rte_errno));
		return 2;
	}
	pn_eal_remove_runtime_dir_at_exit();
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	/* virtio_user writes to the vhost-user socket: a peer gone is EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	pthread_sigmask(SIG_UNBLOCK, &sigs, NULL);

	ctx.nb_workers = (uint16_t)(rte_lcore_count() - 1);
	if (ctx.nb_workers == 0)
		die(2, "needs at least 2 lcores, like testpmd: the main lcore "
		    "prints stats, workers forward (e.g. --lcores '0@0,1@0' "
		    "or -l 0-1)");
	ctx.nb_ports = rte_eth_dev_count_avail();
	if (ctx.nb_ports == 0)
		die(2, "no ports: add --vdev net_vhost0,iface=PATH,queues=N or "
		    "--vdev virtio_user0,path=PATH,queues=N (and --no-pci)");
	if (ctx.nb_ports > PN_MAX_PORTS)
		die(2, "too many ports (at most 8)");
	RTE_ETH_FOREACH_DEV(p) {
		if (p >= ctx.nb_ports)
			die(2, "ethdev port ids are not 0..N-1; pollnet-bench "
			    "needs contiguous port ids");
	}
	for (p = 0; p < PN_MAX_PORTS; p++) {
		char msg[160];

		if (!ctx.conf.impair[p].set || p < ctx.nb_ports)
			continue;
		snprintf(msg, sizeof(msg), "--impair: no port %u (ports are "
			 "0..%u, in --vdev order)", p, ctx.nb_ports - 1);
		die(2, msg);
	}
	check_layout(&ctx);
	setup_workers(&ctx);
	setup_ports(&ctx);
	attach_queues(&ctx);
	ret = pn_telemetry_register(&ctx.shards);
	if (ret != 0 && !ctx.conf.quiet)
		fprintf(stderr, BENCH_PROG ": telemetry not registered: %s\n",
			strerror(-ret));

	atomic_store(&ctx.fwd_off, ctx.conf.stopped);
	t0 = mono_ns();
	RTE_LCORE_FOREACH_WORKER(lcore) {
		for (uint16_t i = 0; i < ctx.nb_workers; i++)
			if (ctx.w[i]->lcore_id == lcore)
				rte_eal_remote_launch(worker_main, ctx.w[i], lcore);
	}
	if (!ctx.conf.quiet)
		printf(BENCH_PROG ": running %s on %u worker(s), %u port(s), %u "
		       "queue(s) per port%s\n", ctx.conf.engine->name,
		       ctx.nb_workers, ctx.nb_ports, ctx.nb_queues,
		       ctx.conf.stopped ? " (stopped: SIGUSR1 starts, SIGUSR2 "
		       "stops)" : bench_has_gens(&ctx.conf) && ctx.conf.tx_delay_s ?
		       " (generators wait for --tx-delay or SIGUSR1)" : "");
	main_loop(&ctx, t0);
	if (!ctx.conf.quiet && quit_signal != 0)
		printf(BENCH_PROG ": %s, stopping\n", strsignal(quit_signal));
	shutdown_all(&ctx, t0);
	rte_eal_cleanup();
	return 0;
}
