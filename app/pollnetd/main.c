/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pollnetd: the dedicated dataplane process. Reads its configuration
 * (built-in default, -c FILE, --set overrides), brings up EAL and the
 * net_virtio port, runs one shard of the stack (lcore loop, net, TCP,
 * sockets) per worker lcore, serves the built-in TCP services of [services]
 * on every shard through the socket API (app/examples/services.h, the
 * examples' server code), and stops cleanly on SIGINT/SIGTERM with its
 * final counters. Packets can be captured into pcapng (capture.c).
 */
/* rte_pcapng is experimental in DPDK 22.11 */
#define ALLOW_EXPERIMENTAL_API
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_pdump.h>

#include <pollnet/pollnet.h>

#include "capture.h"
#include "conf.h"
#include "eal.h"
#include "sock.h"
#include "tcp.h"
#include "telemetry.h"
#include "../examples/services.h"

#define PROG "pollnetd"

struct shard {
	struct pn_lcore lc;
	unsigned int lcore;         /**< the worker lcore running it */
	struct pn_clock clock;
	struct pn_napi rxq;
	struct pn_net *net;
	struct pn_tcp *tcp;
	struct pn_sock_lcore *sl;
	struct rte_mempool *pool;
	int rc;                     /**< of the services' loop */
};

static struct {
	struct pnd_conf conf;
	struct pn_port port;
	uint16_t port_id;
	int nshards;
	struct shard *sh[PN_MAX_SHARDS];
	int nqueues;                /**< device queue pairs, 1..nshards */
	rte_spinlock_t txq_lock[PN_MAX_SHARDS]; /**< of queues shards share */
	struct pn_shards shards;
	struct svc_conf svc;
	char *http_body;            /**< [services] http_body_size bytes */
	atomic_uint draining;       /**< shards still draining (pn_tcp_drain) */
	struct pn_sock_binds *binds; /**< the shards' one bind table */
} d;

static volatile sig_atomic_t quit_signal;

/* Shard @p s's RX queue (when the device has one for it) and TX queue. */
static int
shard_queues(struct shard *s)
{
	return pn_napi_attach_queues(&s->lc, &s->rxq, d.port_id,
				     (uint16_t)d.nqueues, (uint16_t)d.nshards,
				     (uint16_t)d.conf.napi.weight, d.txq_lock);
}

static void
on_signal(int sig)
{
	quit_signal = sig;
}

static void __rte_noreturn __rte_format_printf(2, 3)
die(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static void
usage(FILE *f)
{
	fprintf(f,
"usage: " PROG " [-c FILE] [--set SECTION.KEY=VALUE]... [--print-config] [--check]\n"
"  -c, --config FILE     read FILE (INI) over the built-in default\n"
"  --set S.K=V           override one key, e.g. --set napi.weight=32\n"
"  --print-config        print the effective configuration, documented, and exit\n"
"  --check               check the configuration and exit\n"
"  -h, --help            this text\n"
"Without -c the built-in default runs: a virtio_user port to the vhost-user\n"
"socket of tools/peer.sh (name 'pollnet'), address 198.18.0.2/24.\n"
"Environment: PN_TAG=T (1..8 of a-z 0-9) makes the default file prefix\n"
"pollnetd-T and the default socket that of tools/peer.sh under PN_TAG=T.\n");
}

/* --- EAL arguments from [eal] --- */

/* A hugetlbfs of 2 MB pages is mounted (EAL needs one to use them). */
static bool
hugetlbfs_2m_mounted(void)
{
	FILE *f = fopen("/proc/mounts", "r");
	char line[512];
	bool found = false;

	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, " hugetlbfs ") != NULL &&
			strstr(line, "pagesize=1G") == NULL;
	fclose(f);
	return found;
}

/* Usable free 2 MB hugepages: 0 when none are reserved or none mounted. */
static unsigned long
hugepages_free(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	unsigned long n = 0;

	if (f == NULL)
		return 0;
	if (!hugetlbfs_2m_mounted()) {
		fclose(f);
		return 0;
	}
	if (fscanf(f, "%lu", &n) != 1)
		n = 0;
	fclose(f);
	return n;
}

static int
eal_args(const struct pnd_conf *c, char **argv, int max, char *store, size_t len,
	 bool *use_huge)
{
	static char mem[16];
	char *save = NULL, *tok;
	bool huge;
	int n = 0;

	snprintf(mem, sizeof(mem), "%u", c->memory_mb);
	huge = !strcmp(c->hugepages, "yes") ||
	       (!strcmp(c->hugepages, "auto") &&
		hugepages_free() * 2 >= c->memory_mb);
	argv[n++] = PROG;
	argv[n++] = "--lcores";
	argv[n++] = (char *)c->lcores;
	argv[n++] = "--file-prefix";
	argv[n++] = (char *)c->file_prefix;
	argv[n++] = "-m";
	argv[n++] = mem;
	/* virtio_user over vhost-user needs one file per segment list with
	 * hugepages ("Too many memory regions" otherwise). */
	argv[n++] = huge ? "--single-file-segments" : "--no-huge";
	/* EAL leaves its hugepage files (<prefix>map_N) in the mount it
	 * took them from, holding the pages, and --huge-unlink does not
	 * unlink them with --single-file-segments; --in-memory maps memfds
	 * and makes none. Secondary processes need the files. */
	if (huge && !c->multiprocess)
		argv[n++] = "--in-memory";
	*use_huge = huge;
	if (c->virtio.pci[0] != '\0') {
		argv[n++] = "-a";
		argv[n++] = (char *)c->virtio.pci;
	} else {
		argv[n++] = "--no-pci";
	}
	/* "info, pollnet.*:debug": one --log-level per item (per module). */
	snprintf(store, len, "%s %s", c->log_level, c->eal_extra);
	for (tok = strtok_r(store, " \t,", &save); tok && n < max - 2;
	     tok = strtok_r(NULL, " \t,", &save)) {
		if (tok[0] != '-') {
			argv[n++] = "--log-level";
			argv[n++] = tok;
		} else {
			break;
		}
	}
	for (; tok && n < max - 1; tok = strtok_r(NULL, " \t", &save))
		argv[n++] = tok;
	argv[n] = NULL;
	return n;
}

/* --- services --- */

static bool
svc_any(const struct svc_conf *sc)
{
	int k;

	for (k = 0; k < SVC__MAX; k++)
		if (sc->on[k])
			return true;
	return false;
}

/* "pollnetd: services: echo on 7 ... forward on 8080 to 198.18.0.1:8080" */
static void
print_services(FILE *f)
{
	static const char *const names[SVC__MAX] = { "echo", "discard", "http",
						     "forward" };
	const struct pnd_conf *c = &d.conf;
	int k;

	fprintf(f, PROG ": services:");
	for (k = 0; k < SVC__MAX; k++)
		if (d.svc.on[k])
			fprintf(f, " %s on %u", names[k], d.svc.port[k]);
	if (d.svc.on[SVC_HTTP] && c->http_root[0])
		fprintf(f, " (files below %s)", c->http_root);
	if (d.svc.on[SVC_FORWARD])
		fprintf(f, " (to %u.%u.%u.%u:%u)", c->forward_ip >> 24,
			(c->forward_ip >> 16) & 255, (c->forward_ip >> 8) & 255,
			c->forward_ip & 255, c->forward_to_port);
	fprintf(f, "%s\n", svc_any(&d.svc) ? "" : " none");
}

/* --- shards --- */

static bool
shard_stopping(void *arg)
{
	struct shard *s = arg;

	return atomic_load(&s->lc.stop);
}

/* [services] as the shared server code wants it. */
static void
setup_services(void)
{
	const struct pnd_conf *c = &d.conf;
	uint32_t i;

	d.svc.on[SVC_ECHO] = c->svc_echo;
	d.svc.port[SVC_ECHO] = c->echo_port;
	d.svc.on[SVC_DISCARD] = c->svc_discard;
	d.svc.port[SVC_DISCARD] = c->discard_port;
	d.svc.on[SVC_HTTP] = c->svc_http;
	d.svc.port[SVC_HTTP] = c->http_port;
	d.svc.on[SVC_FORWARD] = c->svc_forward;
	d.svc.port[SVC_FORWARD] = c->forward_port;
	d.svc.forward_to.sin_family = AF_INET;
	d.svc.forward_to.sin_addr.s_addr = htonl(c->forward_ip);
	d.svc.forward_to.sin_port = htons(c->forward_to_port);
	d.svc.http_root = c->http_root;
	d.svc.server_name = PROG;
	d.svc.http_body = c->http_body;
	d.svc.http_body_len = strlen(c->http_body);
	if (c->http_body_size) {
		d.http_body = malloc(c->http_body_size);
		if (d.http_body == NULL)
			die(1, "[services] http_body_size = %u: no memory",
			    c->http_body_size);
		for (i = 0; i < c->http_body_size; i++)
			d.http_body[i] = (i + 1) % 64 ? (char)('a' + i % 26) : '\n';
		d.svc.http_body = d.http_body;
		d.svc.http_body_len = c->http_body_size;
	}
}

/* At the stop, what Linux's TCP does after a process exits: the
 * sockets close and the connections finish while the shard runs on,
 * together with the others (steering may pass them its packets), up to
 * [pollnetd] drain_ms; the free then resets what is left. */
static void
drain(struct shard *s)
{
	if (d.conf.drain_ms == 0)
		return;
	/* the stop flag would keep the loop from sleeping */
	atomic_store(&s->lc.stop, false);
	pn_sock_lcore_close_all(s->sl);
	if (pn_tcp_drain(s->tcp, (uint64_t)d.conf.drain_ms * PN_NS_PER_MS,
			 &d.draining) < 0)
		printf(PROG ": shard %d: connections still owed something after [pollnetd] drain_ms = %u: reset\n",
		       s->lc.shard, d.conf.drain_ms);
}

static int
shard_main(void *arg)
{
	struct shard *s = arg;
	struct svc_conf sc = d.svc;

	/* as pn_run: this lcore's socket layer is the current one */
	pn_sock_lcore_enter(s->sl);
	s->lc.lcore_id = rte_lcore_id();
	if (s->lc.shard == 0)
		pn_net_start(s->net); /* gratuitous ARP, once per process */
	if (svc_any(&sc)) {
		/* pn_lcore_stop() ends pn_epoll_wait with EINTR; the loop
		 * then sees the stop flag */
		sc.stop = shard_stopping;
		sc.stop_arg = s;
		s->rc = svc_serve(&sc);
		if (s->rc != 0) /* keep the shard up for ping & co */
			pn_lcore_run(&s->lc);
	} else {
		s->rc = pn_lcore_run(&s->lc);
	}
	drain(s);
	pn_tx_flush(&s->lc);
	pn_sock_lcore_enter(NULL);
	return s->rc;
}

static void
setup_shards(void)
{
	struct pnd_conf *c = &d.conf;
	struct rte_mempool *pools[PN_MAX_SHARDS];
	char err[256], name[RTE_MEMPOOL_NAMESIZE];
	unsigned int lcore;
	int i = 0, rc;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct shard *s;

		if (i >= d.nshards)
			break;
		s = rte_zmalloc_socket("pnd_shard", sizeof(*s), RTE_CACHE_LINE_SIZE,
				       (int)rte_lcore_to_socket_id(lcore));
		if (s == NULL)
			die(1, "shard %d: no memory (raise [eal] memory_mb = %u)", i,
			    c->memory_mb);
		snprintf(name, sizeof(name), "pnd_pool_%d", i);
		s->pool = pn_eal_pktmbuf_pool_create(name, c->mbufs,
						     (int)rte_lcore_to_socket_id(lcore));
		if (s->pool == NULL)
			die(1, "shard %d: mempool of [pollnetd] mbufs = %u: %s "
			    "(raise [eal] memory_mb = %u or lower mbufs)", i, c->mbufs,
			    rte_strerror(rte_errno), c->memory_mb);
		pools[i] = s->pool;
		s->lcore = lcore;
		d.sh[i++] = s;
	}
	if (i < d.nshards)
		die(2, "[eal] lcores = \"%s\": %d shard(s) configured but EAL has %d worker lcore(s)",
		    c->lcores, d.nshards, i);

	/* The port: one queue pair per shard, or [port] queues; RSS with
	 * our key and RETA. */
	if (pn_steer_init(&d.shards.steer, (uint16_t)d.nshards, 128) < 0)
		die(1, "steering table for %d shards", d.nshards);
	c->port.nb_queues = (uint16_t)d.nqueues;
	/* Fewer queues than shards: device RSS cannot pick the owner; the
	 * shards with an RX queue steer in software. */
	if (d.nqueues < d.nshards)
		c->port.rss = false;
	c->port.steer = &d.shards.steer;
	rc = pn_port_start(d.port_id, &c->port, pools, &d.port, err, sizeof(err));
	if (rc < 0)
		die(1, "%s", err);
	pn_port_log(&d.port);
	d.shards.steering = !strcmp(c->steering, "on") ||
			    (!strcmp(c->steering, "auto") && d.port.rss_hf == 0 &&
			     d.nshards > 1);
	d.port.soft_steering = d.shards.steering;
	if (pn_port_telemetry_add(&d.port) < 0)
		fprintf(stderr, PROG ": telemetry /pollnet/ports not registered\n");

	c->net.port[0].port_id = d.port_id;
	c->net.port[0].mtu = d.port.mtu ? d.port.mtu : c->port.mtu;
	pn_port_net_offloads(&d.port, &c->net.port[0]);
	if (pn_net_conf_check(&c->net, err, sizeof(err)) < 0)
		die(2, "%s", err);

	if (pn_sock_binds_create(&d.binds) < 0)
		die(1, "the bind table: %s", strerror(ENOMEM));
	for (i = 0; i < d.nshards; i++) {
		struct shard *s = d.sh[i];

		pn_clock_init_tsc(&s->clock);
		rc = pn_lcore_init(&s->lc, &d.shards, (uint16_t)i, &c->napi,
				   &s->clock, s->pool->socket_id);
		if (rc < 0)
			die(1, "shard %d: lcore set-up: %s", i, strerror(-rc));
		if (shard_queues(s) < 0)
			die(1, "shard %d: queues", i);
		pn_lcore_cycles_enable(&s->lc, c->cycles);
		rc = pn_net_create(&c->net, &s->lc, s->pool, &s->net);
		if (rc < 0)
			die(1, "shard %d: net set-up: %s", i, strerror(-rc));
		/* TCP and the socket layer, as pn_init does */
		rc = pn_tcp_create(&c->tcp, &s->lc, s->net, &pn_sock_upcalls,
				   &s->tcp);
		if (rc < 0)
			die(1, "shard %d: TCP set-up: %s", i, strerror(-rc));
		rc = pn_sock_lcore_create(&s->lc, s->tcp, pn_sock_tcp_ops_default(),
					  pn_sock_fds_for(c->tcp.max_conns),
					  d.binds, &s->sl);
		if (rc < 0)
			die(1, "shard %d: socket set-up: %s", i, strerror(-rc));
	}
	pn_telemetry_register(&d.shards);
}

/* [eal] multiprocess with hugepages: EAL leaves its files in the
 * hugetlbfs mount (rte_eal_cleanup closes them, unlinks none), holding
 * the pages; remove ours (<prefix>map_N) from every mount at any exit. */
static void
remove_hugefiles(void)
{
	FILE *f = fopen("/proc/mounts", "r");
	char line[512], mnt[256], fstype[64], path[PATH_MAX];
	char stem[sizeof(d.conf.file_prefix) + 8];
	struct dirent *e;
	DIR *dir;

	if (f == NULL)
		return;
	snprintf(stem, sizeof(stem), "%smap_", d.conf.file_prefix);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%*s %255s %63s", mnt, fstype) != 2 ||
		    strcmp(fstype, "hugetlbfs") != 0 ||
		    (dir = opendir(mnt)) == NULL)
			continue;
		while ((e = readdir(dir)) != NULL) {
			if (strncmp(e->d_name, stem, strlen(stem)) != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", mnt, e->d_name);
			if (unlink(path) < 0)
				fprintf(stderr, PROG ": hugepage file %s left: %s\n",
					path, strerror(errno));
		}
		closedir(dir);
	}
	fclose(f);
}

/* --- packet capture --- */

/*
 * dpdk-dumpcap attaches as a secondary process: that needs shared
 * hugepage memory and the multi-process channel (no --no-huge, no
 * --in-memory, no --no-shconf).
 */
static void
setup_pdump(bool huge)
{
	const char *why = NULL;

	if (!huge)
		why = "no hugepages (--no-huge)";
	else if (!d.conf.multiprocess)
		why = "[eal] multiprocess = false (--in-memory)";
	else if (strstr(d.conf.eal_extra, "--in-memory") != NULL)
		why = "--in-memory";
	else if (strstr(d.conf.eal_extra, "--no-shconf") != NULL)
		why = "--no-shconf";
	else if (rte_pdump_init() < 0)
		why = rte_strerror(rte_errno);
	if (why == NULL)
		printf(PROG ": dpdk-dumpcap can attach (rte_pdump_init): dpdk-dumpcap --file-prefix %s\n",
		       d.conf.file_prefix);
	else
		printf(PROG ": dpdk-dumpcap cannot attach: %s; pollnetctl capture works\n", why);
}

static void
setup_capture(void)
{
	char err[PATH_MAX + 128], path[PATH_MAX];
	int rc;

	rc = pnd_capture_init(d.port_id, (uint16_t)d.nqueues,
			      (int)rte_socket_id(), err, sizeof(err));
	if (rc < 0) {
		if (d.conf.capture[0])
			die(1, "[pollnetd] capture = \"%s\": %s", d.conf.capture, err);
		printf(PROG ": %s: pollnetctl capture unavailable\n", err);
		return;
	}
	if (d.conf.capture[0] == '\0')
		return;
	if (d.conf.capture[0] != '/' && getcwd(path, sizeof(path)) != NULL)
		snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s",
			 d.conf.capture);
	else
		snprintf(path, sizeof(path), "%s", d.conf.capture);
	if (pnd_capture_start(path, d.conf.capture_snaplen, err, sizeof(err)) < 0)
		die(1, "[pollnetd] capture = \"%s\": %s", d.conf.capture, err);
	printf(PROG ": capture into %s (snaplen %u)\n", path, d.conf.capture_snaplen);
}

/* --- counters at exit --- */

static void
print_counters(FILE *f)
{
	struct pn_softnet_stat t = { 0 };
	struct pn_net_stat n = { 0 };
	struct pn_tcp_stat tt = { 0 };
	int i;
	unsigned int r;

	for (i = 0; i < d.nshards; i++) {
		const struct pn_softnet_stat *s = &d.sh[i]->lc.stat;
		const struct pn_net_stat *ns = pn_net_stats(d.sh[i]->net);

		fprintf(f, "shard %d: rounds %" PRIu64 " processed %" PRIu64
			" squeezes %" PRIu64 " sleeps %" PRIu64 " wakeups %" PRIu64
			" steered out/in %" PRIu64 "/%" PRIu64 " tx %" PRIu64
			" drops %" PRIu64 "\n", i, s->rounds, s->processed,
			s->time_squeeze, s->sleeps, s->wakeups, s->steered_out,
			s->steered_in, s->tx_packets, s->drops);
		for (r = 0; r < PN_DROP__MAX; r++)
			t.drop[r] += s->drop[r];
		n.ip_in += ns->ip_in;
		n.ip_out += ns->ip_out;
		n.icmp_echo_in += ns->icmp_echo_in;
		n.icmp_err_out += ns->icmp_err_out;
		n.arp_in += ns->arp_in;
		n.arp_out += ns->arp_out;
		n.reasm_ok += ns->reasm_ok;
		n.frag_out += ns->frag_out;
		if (d.sh[i]->tcp != NULL) {
#define X(name) tt.name += pn_tcp_stats(d.sh[i]->tcp)->name;
			TCP_STATS(X)
#undef X
		}
	}
	fprintf(f, "ip: in %" PRIu64 " out %" PRIu64 " reassembled %" PRIu64
		" fragments out %" PRIu64 "; icmp: echo %" PRIu64 " errors out %"
		PRIu64 "; arp: in %" PRIu64 " out %" PRIu64 "\n", n.ip_in,
		n.ip_out, n.reasm_ok, n.frag_out, n.icmp_echo_in, n.icmp_err_out,
		n.arp_in, n.arp_out);
	fprintf(f, "tcp:");
#define X(name) fprintf(f, " %s %" PRIu64, #name, tt.name);
	TCP_STATS(X)
#undef X
	fprintf(f, "\n");
	fprintf(f, "drops:");
	for (r = 0; r < PN_DROP__MAX; r++)
		if (t.drop[r])
			fprintf(f, " %s %" PRIu64, pn_drop_name(r), t.drop[r]);
	fprintf(f, "\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ "print-config", no_argument, NULL, 'p' },
		{ "check", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[512], store[512], *eargv[64];
	bool print = false, check = false, huge = false;
	/* 10 ms: the capture rings are drained this often */
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	uint64_t ticks = 0;
	int opt, eargc, i, rc;

	pnd_conf_default(&d.conf);
	if (pnd_conf_tag(&d.conf, getenv("PN_TAG"), err, sizeof(err)) < 0)
		die(2, "%s", err);
	while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (pnd_conf_load(&d.conf, optarg, err, sizeof(err)) < 0)
				die(2, "%s", err);
			break;
		case 's':
			if (pnd_conf_set(&d.conf, optarg, err, sizeof(err)) < 0)
				die(2, "%s", err);
			break;
		case 'p':
			print = true;
			break;
		case 'k':
			check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		die(2, "unexpected argument '%s' (see --help)", argv[optind]);
	if (pnd_conf_check(&d.conf, err, sizeof(err)) < 0)
		die(2, "%s", err);
	if (print) {
		pnd_conf_print(&d.conf, stdout);
		return 0;
	}
	if (check) {
		printf(PROG ": configuration ok\n");
		return 0;
	}
	d.nshards = pnd_conf_shards(&d.conf);
	setup_services();
	d.nqueues = d.conf.queues ? (int)d.conf.queues : d.nshards;
	d.conf.virtio.queues = (uint16_t)d.nqueues;

	if (!strcmp(d.conf.hugepages, "yes") &&
	    hugepages_free() * 2 < d.conf.memory_mb)
		die(1, "[eal] hugepages = yes, but %lu MB of mounted 2 MB hugepages "
		    "are free for memory_mb = %u: reserve them (/sys/kernel/mm/"
		    "hugepages/hugepages-2048kB/nr_hugepages), mount a hugetlbfs, "
		    "or set hugepages = auto",
		    hugepages_free() * 2, d.conf.memory_mb);
	eargc = eal_args(&d.conf, eargv, (int)RTE_DIM(eargv), store, sizeof(store),
			 &huge);
	if (rte_eal_init(eargc, eargv) < 0)
		die(1, "EAL start-up failed: %s (check [eal] lcores, memory_mb, hugepages, extra)",
		    rte_strerror(rte_errno));
	pn_eal_remove_runtime_dir_at_exit();
	if (huge && d.conf.multiprocess && atexit(remove_hugefiles) != 0)
		die(1, "atexit: cannot register the removal of the hugepage files");
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	rc = pn_virtio_probe(&d.conf.virtio, 0, &d.port_id, err, sizeof(err));
	if (rc < 0) {
		rte_eal_cleanup();
		die(1, "%s", err);
	}
	setup_shards();
	setup_pdump(huge);
	setup_capture();
	for (i = 0; i < d.nshards; i++)
		rte_eal_remote_launch(shard_main, d.sh[i], d.sh[i]->lcore);
	{
		char ip[32];
		const struct pn_net_addr *a = &d.conf.net.port[0].addr[0];

		snprintf(ip, sizeof(ip), "%u.%u.%u.%u/%u", a->ip >> 24,
			 (a->ip >> 16) & 255, (a->ip >> 8) & 255, a->ip & 255,
			 a->prefix_len);
		printf(PROG ": running: %s on port %u (%s), %d shard(s), steering %s, telemetry in /var/run/dpdk/%s\n",
		       ip, d.port_id, d.port.name, d.nshards,
		       d.shards.steering ? "on" : "off", d.conf.file_prefix);
		print_services(stdout);
		fflush(stdout);
	}
	while (!quit_signal) {
		nanosleep(&tick, NULL);
		ticks++;
		pnd_capture_poll();
		if (d.conf.stats_period_s &&
		    ticks % (d.conf.stats_period_s * 100ull) == 0) {
			print_counters(stdout);
			fflush(stdout);
		}
	}
	printf(PROG ": %s: stopping\n", strsignal(quit_signal));
	atomic_store(&d.draining, (unsigned int)d.nshards);
	for (i = 0; i < d.nshards; i++)
		pn_lcore_stop(&d.sh[i]->lc);
	rte_eal_mp_wait_lcore();
	pnd_capture_fini();
	print_counters(stdout);
	for (i = 0; i < d.nshards; i++) {
		pn_sock_lcore_free(d.sh[i]->sl); /* open connections are reset */
		pn_tcp_free(d.sh[i]->tcp);
		pn_net_free(d.sh[i]->net);
		pn_lcore_fini(&d.sh[i]->lc);
	}
	pn_sock_binds_free(d.binds);
	pn_port_close(&d.port);
	for (i = 0; i < d.nshards; i++) {
		rte_mempool_free(d.sh[i]->pool);
		rte_free(d.sh[i]);
	}
	rte_eal_cleanup();
	free(d.http_body);
	printf(PROG ": stopped\n");
	return 0;
}
