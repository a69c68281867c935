/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The library runtime (design.md, usage 3): pn_init brings up EAL, every
 * ethdev port and one shard per worker lcore (lcore loop, NAPI on one RX
 * queue per port, net, TCP, sockets), as pollnetd does; pn_run runs the
 * server's function once on every shard; pn_cleanup undoes it all.
 * Linked from libpollnet_runtime (it needs drivers/port.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_spinlock.h>

#include "eal.h"
#include "lcore.h"
#include "log.h"
#include "net.h"
#include "pollnet/pollnet.h"
#include "port.h"
#include "sock.h"
#include "tcp.h"
#include "telemetry.h"

#define RT_MBUFS     8191
#define RT_DRAIN_MS  2000u
#define RT_MBUFS_MIN 1023u
#define RT_MBUFS_MAX 16777215u

struct rt_shard {
	struct pn_lcore lc;
	unsigned int lcore;
	struct pn_clock clock;
	struct pn_napi rxq[PN_MAX_PORTS];
	struct rte_mempool *pool;
	struct pn_net *net;
	struct pn_tcp *tcp;
	struct pn_sock_lcore *sl;
	int (*fn)(void *);
	void *arg;
	int rc;
	int (*job)(struct rt_shard *); /* what rt_on_shards runs here */
};

static struct {
	bool up;
	bool ready;       /* pn_init completed: pn_cleanup drains */
	bool rss;
	bool cycles;
	bool no_tso, no_lro, no_tx_cksum; /* offloads turned off by option */
	int done_fd;      /* eventfd: workers add 1 when their job returns */
	uint32_t mbufs;   /* per shard */
	uint32_t queues;  /* --queues: device queue pairs, 0: one per shard */
	uint32_t drain_ms; /* --drain-ms: pn_cleanup's bound */
	atomic_uint draining; /* shards not settled yet (pn_tcp_drain) */
	int nshards;
	int nqueues;      /* queue pairs in use, 1..nshards */
	rte_spinlock_t txq_lock[PN_MAX_PORTS][PN_MAX_SHARDS]; /* shared TX queues */
	uint16_t nports;
	struct pn_port port[PN_MAX_PORTS];
	struct pn_shards shards;
	struct pn_net_conf net;
	struct pn_tcp_conf tcp;
	struct pn_napi_conf napi;
	struct rt_shard *sh[PN_MAX_SHARDS];
	struct pn_sock_binds *binds; /* one bind table for all shards */
} rt;

static int __rte_format_printf(2, 3)
rt_fail(int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pollnet: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	errno = err;
	return -1;
}

static int
rt_parse_addr(const char *s, struct pn_net_addr *a)
{
	char buf[32], *slash;
	struct in_addr in;
	long len = 24;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash != NULL) {
		*slash = '\0';
		len = strtol(slash + 1, NULL, 10);
	}
	if (inet_pton(AF_INET, buf, &in) != 1 || len < 1 || len > 32)
		return -EINVAL;
	a->ip = ntohl(in.s_addr);
	a->prefix_len = (uint8_t)len;
	return 0;
}

/* --NAME VALUE: a decimal integer in lo..hi, or one message naming it. */
static int
rt_parse_u32(const char *name, const char *s, uint32_t lo, uint32_t hi,
	     uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' ||
	    v < lo || v > hi)
		return rt_fail(EINVAL, "--%s %s: expected an integer in %u..%u",
			       name, s, lo, hi);
	*out = (uint32_t)v;
	return 0;
}

#define RT_USAGE "--addr A.B.C.D/N, --gw A.B.C.D, --rss, --no-gro, --no-tso, " \
		 "--no-lro, --no-tx-cksum, --cycles, " \
		 "--max-conns 16..16777216, --mbufs 1023..16777215, " \
		 "--tx-queue-len 0..65536, --queues 1..<shards>, " \
		 "--sndbuf 4096..67108864, --napi-weight 1..512, " \
		 "--napi-budget 1..65536, --napi-split 0..256, " \
		 "--busy-poll-us 0..10000000, --busy-poll-max-us 0..10000000, " \
		 "--drain-ms 0..60000"

/* pollnet's own options, after EAL's: --addr A.B.C.D/N (one per port, in
 * port order), --gw A.B.C.D, --rss (device RSS instead of software
 * steering), --no-gro, --no-tso (TCP segments in software), --no-lro
 * (no virtio GUEST_TSO4/6: a peer's TSO arrives cut), --no-tx-cksum
 * (checksums in software, no TSO), --cycles (per-phase cycle accounting),
 * --max-conns N (TCP connections per shard), --mbufs N (per-shard pool;
 * default 8191 plus what --tx-queue-len may hold), --tx-queue-len N
 * (packets held while the device TX queue is full, napi.tx_queue_len),
 * --queues N (device queue pairs, fewer than the shards: the shards
 * without one get their packets by software steering and share a TX
 * queue, as pollnetd's [port] queues), --sndbuf N (the TCP send buffer
 * a connection starts with, tcp.sndbuf, as pollnetd's [tcp] sndbuf),
 * --napi-weight N / --napi-budget N (packets per RX poll and per loop
 * round, napi.weight and napi.budget, as pollnetd's [napi] ones),
 * --napi-split N (a poll over N packets is split over two rounds,
 * napi.split, as pollnetd's [napi] split; default 8, 0: off),
 * --busy-poll-us N (how long a loop with nothing to do polls on before it
 * sleeps, napi.busy_poll_us, as pollnetd's [napi] busy_poll_us),
 * --busy-poll-max-us N (how far that spell may grow after sleeps a packet
 * ended soon, napi.busy_poll_max_us, as pollnetd's [napi] one; default
 * 500, 0: fixed),
 * --drain-ms N (how long pn_cleanup may run the shards on so that the
 * connections finish, pn_tcp_drain; 0: not at all). */
/* The integer options: --NAME N in lo..hi into *out. getopt_long gives
 * each the value RT_OPT_U32 + its index here. */
#define RT_OPT_U32 256
/* the other options, first in rt_options' table */
#define RT_OPTS_OTHER 8
static const struct {
	const char *name;
	uint32_t lo, hi;
	uint32_t *out;
} rt_u32_opts[] = {
	{ "max-conns", 16, 16777216, &rt.tcp.max_conns },
	{ "mbufs", RT_MBUFS_MIN, RT_MBUFS_MAX, &rt.mbufs },
	{ "tx-queue-len", 0, 65536, &rt.napi.tx_queue_len },
	/* against the shard count once it is known */
	{ "queues", 1, PN_MAX_SHARDS, &rt.queues },
	{ "sndbuf", 4096, 67108864, &rt.tcp.sndbuf },
	{ "napi-weight", 1, 512, &rt.napi.weight },
	{ "napi-budget", 1, 65536, &rt.napi.budget },
	{ "napi-split", 0, PN_RX_BURST_MAX / 2, &rt.napi.split },
	{ "busy-poll-us", 0, 10000000, &rt.napi.busy_poll_us },
	{ "busy-poll-max-us", 0, 10000000, &rt.napi.busy_poll_max_us },
	{ "drain-ms", 0, 60000, &rt.drain_ms },
};

static int
rt_options(int argc, char **argv)
{
	struct option opts[RT_OPTS_OTHER + RTE_DIM(rt_u32_opts) + 1] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "gw", required_argument, NULL, 'g' },
		{ "rss", no_argument, NULL, 'r' },
		{ "no-gro", no_argument, NULL, 'G' },
		{ "no-tso", no_argument, NULL, 'T' },
		{ "no-lro", no_argument, NULL, 'L' },
		{ "no-tx-cksum", no_argument, NULL, 'C' },
		{ "cycles", no_argument, NULL, 'c' },
	};
	struct in_addr in;
	unsigned int i;
	int opt, naddr = 0;

	for (i = 0; i < RTE_DIM(rt_u32_opts); i++)
		opts[RT_OPTS_OTHER + i] = (struct option){ rt_u32_opts[i].name,
					       required_argument, NULL,
					       RT_OPT_U32 + (int)i };
	/* the last entry stays zero: the end */
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			if (naddr >= PN_MAX_PORTS ||
			    rt_parse_addr(optarg, &rt.net.port[naddr].addr[0]))
				return rt_fail(EINVAL,
					       "--addr %s: expected A.B.C.D/1..32, one per port",
					       optarg);
			rt.net.port[naddr++].nb_addrs = 1;
			break;
		case 'g':
			if (inet_pton(AF_INET, optarg, &in) != 1)
				return rt_fail(EINVAL, "--gw %s: expected A.B.C.D",
					       optarg);
			rt.net.gateway = ntohl(in.s_addr);
			break;
		case 'r':
			rt.rss = true;
			break;
		case 'G':
			rt.net.gro.enabled = false;
			break;
		case 'T':
			rt.no_tso = true;
			break;
		case 'L':
			rt.no_lro = true;
			break;
		case 'C':
			rt.no_tx_cksum = true;
			break;
		case 'c':
			rt.cycles = true;
			break;
		default:
			i = (unsigned int)(opt - RT_OPT_U32);
			if (opt >= RT_OPT_U32 && i < RTE_DIM(rt_u32_opts)) {
				if (rt_parse_u32(rt_u32_opts[i].name, optarg,
						 rt_u32_opts[i].lo,
						 rt_u32_opts[i].hi,
						 rt_u32_opts[i].out) < 0)
					return -1;
				break;
			}
			return rt_fail(EINVAL, "%s: unknown option or missing value (pollnet options: " RT_USAGE ")",
				       argv[optind - 1]);
		}
	}
	return 0;
}

#define RT_ENV_OPTS "POLLNET_OPTS"
#define RT_ENV_WORDS 16

/* More of pollnet's options from the environment, after the command
 * line's (POLLNET_OPTS="--no-tso --no-lro"): the offload switches reach
 * apps that build pn_init's arguments themselves (pollnet-bench). */
static int
rt_env_options(void)
{
	const char *env = getenv(RT_ENV_OPTS);
	char buf[512], *av[RT_ENV_WORDS + 2], *save = NULL, *t;
	int ac = 0;

	if (env == NULL || *env == '\0')
		return 0;
	if (strlen(env) >= sizeof(buf))
		return rt_fail(EINVAL, "%s: longer than %zu characters",
			       RT_ENV_OPTS, sizeof(buf) - 1);
	memcpy(buf, env, strlen(env) + 1);
	av[ac++] = (char *)(uintptr_t)RT_ENV_OPTS;
	for (t = strtok_r(buf, " \t", &save); t != NULL;
	     t = strtok_r(NULL, " \t", &save)) {
		if (ac > RT_ENV_WORDS)
			return rt_fail(EINVAL, "%s: more than %d words",
				       RT_ENV_OPTS, RT_ENV_WORDS);
		av[ac++] = t;
	}
	av[ac] = NULL;
	return rt_options(ac, av);
}

static int
rt_ports(void)
{
	struct rte_mempool *pools[PN_MAX_SHARDS];
	struct pn_port_conf pc;
	char err[256];
	uint16_t p;
	int i;

	for (i = 0; i < rt.nshards; i++)
		pools[i] = rt.sh[i]->pool;
	pn_port_conf_default(&pc);
	pc.nb_queues = (uint16_t)rt.nqueues;
	pc.steer = &rt.shards.steer;
	/* device RSS only when asked (--rss): some PMDs that offer it refuse
	 * our symmetric key (net_tap); software steering works everywhere.
	 * With fewer queues than shards RSS cannot name the owner. */
	pc.rss = rt.rss && rt.nqueues == rt.nshards;
	pc.tx_cksum = !rt.no_tx_cksum;
	pc.tso = !rt.no_tso;
	/* LRO (virtio GUEST_TSO4/6) so a TSO peer's segments arrive whole */
	pc.lro = !rt.no_lro;
	RTE_ETH_FOREACH_DEV(p) {
		struct pn_net_port_conf *np = &rt.net.port[rt.nports];

		if (rt.nports >= PN_MAX_PORTS || p >= PN_MAX_PORTS)
			break;
		if (pn_port_start(p, &pc, pools, &rt.port[rt.nports], err,
				  sizeof(err)) < 0)
			return rt_fail(EIO, "%s", err);
		pn_port_log(&rt.port[rt.nports]);
		np->port_id = p;
		memcpy(np->mac, rt.port[rt.nports].mac.addr_bytes,
		       sizeof(np->mac));
		np->mtu = rt.port[rt.nports].mtu ? rt.port[rt.nports].mtu : 1500;
		if (np->nb_addrs == 0) {
			/* 198.18.0.2/24 on the first port, .3 on the next... */
			np->nb_addrs = 1;
			np->addr[0].ip = (198u << 24 | 18u << 16) + 2 + rt.nports;
			np->addr[0].prefix_len = 24;
		}
		pn_port_net_offloads(&rt.port[rt.nports], np);
		rt.nports++;
	}
	if (rt.nports == 0)
		return rt_fail(ENODEV, "%s: no ethdev port (give EAL a --vdev or a PCI device)",
			       "pn_init");
	rt.net.nb_ports = (uint8_t)rt.nports;
	rt.shards.steering = (rt.port[0].rss_hf == 0 ||
			      rt.nqueues < rt.nshards) && rt.nshards > 1;
	return 0;
}

static int
rt_shard_setup(struct rt_shard *s, uint16_t i)
{
	uint16_t p;
	int rc;

	pn_clock_init_tsc(&s->clock);
	rc = pn_lcore_init(&s->lc, &rt.shards, i, &rt.napi, &s->clock,
			   s->pool->socket_id);
	if (rc < 0)
		return rc;
	for (p = 0; p < rt.nports; p++) {
		rc = pn_napi_attach_queues(&s->lc, &s->rxq[p],
					   rt.port[p].port_id,
					   (uint16_t)rt.nqueues,
					   (uint16_t)rt.nshards,
					   (uint16_t)rt.napi.weight,
					   rt.txq_lock[p]);
		if (rc < 0)
			return rc;
	}
	rc = pn_net_create(&rt.net, &s->lc, s->pool, &s->net);
	if (rc < 0)
		return rc;
	rc = pn_tcp_create(&rt.tcp, &s->lc, s->net, &pn_sock_upcalls, &s->tcp);
	if (rc < 0)
		return rc;
	pn_lcore_cycles_enable(&s->lc, rt.cycles);
	/* one table per shard, sized once from --max-conns: up to 2^24 */
	return pn_sock_lcore_create(&s->lc, s->tcp, pn_sock_tcp_ops_default(),
				    pn_sock_fds_for(rt.tcp.max_conns), rt.binds,
				    &s->sl);
}

int
pn_init(int argc, char **argv)
{
	char err[256], name[RTE_MEMPOOL_NAMESIZE];
	unsigned int lcore;
	int n, i = 0, rc;

	if (rt.up)
		return rt_fail(EALREADY, "%s: already initialised", "pn_init");
	n = rte_eal_init(argc, argv);
	if (n < 0)
		return rt_fail(rte_errno, "EAL: %s", rte_strerror(rte_errno));
	/* /var/run/dpdk/<prefix> goes with the process, as pollnetd's does */
	pn_eal_remove_runtime_dir_at_exit();
	pn_napi_conf_default(&rt.napi);
	pn_tcp_conf_default(&rt.tcp);
	pn_net_conf_default(&rt.net);
	rt.mbufs = 0;
	rt.drain_ms = RT_DRAIN_MS;
	rt.done_fd = -1;
	if (rt_options(argc - n, argv + n) < 0 || rt_env_options() < 0)
		goto err_eal;
	/* the pool also covers what the TX queue may hold (one TX queue
	 * per shard), so that holding does not starve RX of buffers */
	if (rt.mbufs == 0)
		rt.mbufs = RT_MBUFS + rt.napi.tx_queue_len;
	/* one shard per worker lcore; with none, one on the main lcore */
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (i < PN_MAX_SHARDS)
			rt.sh[i++] = (struct rt_shard *)(uintptr_t)(lcore + 1);
	}
	if (i == 0)
		rt.sh[i++] = (struct rt_shard *)(uintptr_t)(rte_get_main_lcore() + 1);
	rt.nshards = i;
	if (rt.queues > (uint32_t)rt.nshards) {
		rt_fail(EINVAL, "--queues %u: at most one queue pair per shard (%d shard(s): one per worker lcore)",
			rt.queues, rt.nshards);
		goto err_eal;
	}
	rt.nqueues = rt.queues ? (int)rt.queues : rt.nshards;
	for (i = 0; i < rt.nshards; i++) {
		unsigned int lc = (unsigned int)(uintptr_t)rt.sh[i] - 1;
		int sock = (int)rte_lcore_to_socket_id(lc);
		struct rt_shard *s = rte_zmalloc_socket("pn_shard", sizeof(*s),
							RTE_CACHE_LINE_SIZE,
							sock);

		rt.sh[i] = s;
		if (s == NULL) {
			rt_fail(ENOMEM, "%s: no memory for a shard", "pn_init");
			goto err_shards;
		}
		s->lcore = lc;
		snprintf(name, sizeof(name), "pn_pool_%d", i);
		s->pool = pn_eal_pktmbuf_pool_create(name, rt.mbufs, sock);
		if (s->pool == NULL) {
			rt_fail(ENOMEM, "shard %d: mempool of --mbufs %u: %s (give EAL more memory, -m, or lower --mbufs)",
				i, rt.mbufs, rte_strerror(rte_errno));
			goto err_shards;
		}
	}
	if (pn_steer_init(&rt.shards.steer, (uint16_t)rt.nshards, 128) < 0 ||
	    rt_ports() < 0)
		goto err_shards;
	if (pn_net_conf_check(&rt.net, err, sizeof(err)) < 0) {
		rt_fail(EINVAL, "%s", err);
		goto err_shards;
	}
	if (pn_sock_binds_create(&rt.binds) < 0) {
		rt_fail(ENOMEM, "%s: no memory for the bind table", "pn_init");
		goto err_shards;
	}
	for (i = 0; i < rt.nshards; i++) {
		rc = rt_shard_setup(rt.sh[i], (uint16_t)i);
		if (rc < 0) {
			rt_fail(-rc, "shard set-up: %s", strerror(-rc));
			goto err_shards;
		}
	}
	for (i = 0; i < rt.nports; i++)
		if (pn_port_telemetry_add(&rt.port[i]) < 0)
			fprintf(stderr, "pollnet: telemetry /pollnet/ports not registered\n");
	if (pn_telemetry_register(&rt.shards) < 0)
		fprintf(stderr, "pollnet: telemetry /pollnet/{lcores,softnet,napi,drops,cycles} not registered\n");
	rt.done_fd = eventfd(0, EFD_CLOEXEC);
	if (rt.done_fd < 0) {
		rt_fail(errno, "eventfd: %s", strerror(errno));
		goto err_shards;
	}
	rt.up = true;
	rt.ready = true;
	return 0;
err_shards:
	rt.up = true; /* let pn_cleanup undo what was made */
	n = errno;
	pn_cleanup();
	errno = n;
	return -1;
err_eal:
	n = errno;
	rte_eal_cleanup();
	errno = n;
	return -1;
}

/* pn_run's job on a shard: the application's function. */
static int
rt_shard_serve(struct rt_shard *s)
{
	pn_sock_lcore_enter(s->sl);
	s->lc.lcore_id = rte_lcore_id();
	if (s->lc.shard == 0)
		pn_net_start(s->net);
	s->rc = s->fn(s->arg);
	pn_tx_flush(&s->lc);
	pn_sock_lcore_enter(NULL);
	return s->rc;
}

/* pn_cleanup's job on a shard, what Linux does after a process exits:
 * the sockets left open close, and the connections finish (their FINs,
 * the ACKs owed) while the loop runs on, up to --drain-ms. */
static int
rt_shard_drain(struct rt_shard *s)
{
	pn_sock_lcore_enter(s->sl);
	s->lc.lcore_id = rte_lcore_id();
	pn_sock_lcore_close_all(s->sl);
	if (pn_tcp_drain(s->tcp, (uint64_t)rt.drain_ms * PN_NS_PER_MS,
			 &rt.draining) < 0)
		PN_CORE_LOG(INFO, "shard %d: connections still owed something after --drain-ms %u: reset",
			    s->lc.shard, rt.drain_ms);
	pn_sock_lcore_enter(NULL);
	return 0;
}

static int
rt_shard_job(void *arg)
{
	struct rt_shard *s = arg;
	int rc = s->job(s);

	if (s->lcore != rte_get_main_lcore()) {
		uint64_t one = 1;

		/* wakes the main lcore, asleep in read() */
		if (write(rt.done_fd, &one, sizeof(one)) != sizeof(one))
			PN_CORE_LOG(WARNING, "shard %d: eventfd write failed",
				    s->lc.shard);
	}
	return rc;
}

/*
 * Wait for @p n workers to return without spinning: rte_eal_wait_lcore
 * polls, which with the main lcore on a worker's CPU (--lcores
 * '0@0,1@0') steals that CPU from the shard. Each worker adds 1 to the
 * eventfd on its way out; the final rte_eal_mp_wait_lcore only sees
 * lcores already returning.
 */
static void
rt_wait_workers(int n)
{
	uint64_t v;

	while (n > 0) {
		ssize_t r = read(rt.done_fd, &v, sizeof(v));

		if (r == (ssize_t)sizeof(v))
			n -= (int)v;
		else if (r < 0 && errno != EINTR)
			break; /* fall back to EAL's wait */
	}
	rte_eal_mp_wait_lcore();
}

/* Run @p job on every shard, each on its lcore (the main lcore's shard
 * in this thread), and wait for them all. -1 with EBUSY if a worker
 * lcore could not be launched. */
static int
rt_on_shards(int (*job)(struct rt_shard *))
{
	int i, rc = 0, launched = 0;

	for (i = 0; i < rt.nshards; i++) {
		rt.sh[i]->job = job;
		if (rt.sh[i]->lcore == rte_get_main_lcore())
			continue;
		if (rte_eal_remote_launch(rt_shard_job, rt.sh[i],
					  rt.sh[i]->lcore) < 0) {
			rc = -1;
			break;
		}
		launched++;
	}
	for (i = 0; rc == 0 && i < rt.nshards; i++)
		if (rt.sh[i]->lcore == rte_get_main_lcore())
			rt_shard_job(rt.sh[i]);
	rt_wait_workers(launched);
	if (rc < 0)
		errno = EBUSY;
	return rc;
}

int
pn_run(int (*fn)(void *), void *arg)
{
	int i, rc = 0;

	if (!rt.up || fn == NULL) {
		errno = rt.up ? EINVAL : ENXIO;
		return -1;
	}
	for (i = 0; i < rt.nshards; i++) {
		rt.sh[i]->fn = fn;
		rt.sh[i]->arg = arg;
	}
	if (rt_on_shards(rt_shard_serve) < 0)
		return -1;
	for (i = 0; i < rt.nshards; i++)
		if (rc == 0)
			rc = rt.sh[i]->rc;
	return rc;
}

int
pn_shard(void)
{
	struct pn_sock_lcore *sl = pn_sock_lcore_current();
	int i;

	for (i = 0; sl != NULL && i < rt.nshards; i++)
		if (rt.sh[i]->sl == sl)
			return i;
	errno = EPERM;
	return -1;
}

int
pn_shards(void)
{
	return rt.up ? rt.nshards : 0;
}

void
pn_cleanup(void)
{
	int i;
	uint16_t p;

	if (!rt.up)
		return;
	if (rt.ready && rt.drain_ms > 0) {
		atomic_store(&rt.draining, (unsigned int)rt.nshards);
		rt_on_shards(rt_shard_drain);
	}
	for (i = 0; i < rt.nshards; i++) {
		struct rt_shard *s = rt.sh[i];

		if (s == NULL)
			continue;
		pn_sock_lcore_free(s->sl);
		if (s->tcp != NULL)
			pn_tcp_free(s->tcp);
		if (s->net != NULL)
			pn_net_free(s->net);
		if (s->lc.clock != NULL)
			pn_lcore_fini(&s->lc);
	}
	pn_sock_binds_free(rt.binds); /* after every shard's sockets */
	for (p = 0; p < rt.nports; p++)
		pn_port_close(&rt.port[p]);
	if (rt.done_fd >= 0)
		close(rt.done_fd);
	for (i = 0; i < rt.nshards; i++) {
		if (rt.sh[i] != NULL && rt.sh[i]->pool != NULL)
			rte_mempool_free(rt.sh[i]->pool);
		rte_free(rt.sh[i]);
		rt.sh[i] = NULL;
	}
	rte_eal_cleanup();
	memset(&rt, 0, sizeof(rt));
}
