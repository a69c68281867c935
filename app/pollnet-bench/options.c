/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Command-line options after "--". Every bad value ends the process with
 * one line naming the option and the accepted range, and exit code 2.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "bench.h"

/* RFC 2544 benchmarking range: the only addresses generated frames use. */
#define BENCH_NET      0xc6120000u /* 198.18.0.0 */
#define BENCH_NET_MASK 0xfffe0000u /* /15 */

enum {
	OPT_FWD = 256, OPT_TXPKTS, OPT_BURST, OPT_DURATION, OPT_STATS, OPT_RXQ,
	OPT_TXQ, OPT_FLOWS, OPT_PROTO, OPT_TXRSS, OPT_STEER, OPT_PEER, OPT_IP,
	OPT_WEIGHT, OPT_BUDGET, OPT_TLIMIT, OPT_BUSY, OPT_BUSYMAX, OPT_NOSLEEP,
	OPT_JSON, OPT_QUIET, OPT_TXCOUNT, OPT_TXDELAY, OPT_TXRETRY, OPT_TXFIRST,
	OPT_HELP, OPT_IMPAIR, OPT_SEED, OPT_STOPPED, OPT_OFFL, OPT_NOOFFL,
	OPT_CSUMPART,
	/* the TCP engines (tcp.h) */
	OPT_STACK, OPT_ROLE, OPT_CONNECT, OPT_PORT, OPT_CONNS, OPT_REQ,
	OPT_RESP, OPT_DEPTH, OPT_DIR, OPT_LINGER0, OPT_BUSYPOLL, OPT_WARMUP,
	OPT_THREADS, OPT_PATH, OPT_ADDR, OPT_GW, OPT_RSS, OPT_NOGRO, OPT_NOTSO,
	OPT_NOLRO, OPT_NOTXCK, OPT_CYCLES, OPT_MAXCONNS, OPT_MBUFS, OPT_SNDBUF,
	OPT_PORTS, OPT_RATE, OPT_TCP_LAST = OPT_RATE,
};

static const struct option bench_opts[] = {
	{ "forward-mode", required_argument, NULL, OPT_FWD },
	{ "engine", required_argument, NULL, OPT_FWD },
	{ "txpkts", required_argument, NULL, OPT_TXPKTS },
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "stats-period", required_argument, NULL, OPT_STATS },
	{ "rxq", required_argument, NULL, OPT_RXQ },
	{ "txq", required_argument, NULL, OPT_TXQ },
	{ "flows", required_argument, NULL, OPT_FLOWS },
	{ "flow-proto", required_argument, NULL, OPT_PROTO },
	{ "tx-rss", no_argument, NULL, OPT_TXRSS },
	{ "csum-partial", no_argument, NULL, OPT_CSUMPART },
	{ "steer", no_argument, NULL, OPT_STEER },
	{ "eth-peer", required_argument, NULL, OPT_PEER },
	{ "ip", required_argument, NULL, OPT_IP },
	{ "napi-weight", required_argument, NULL, OPT_WEIGHT },
	{ "budget", required_argument, NULL, OPT_BUDGET },
	{ "time-limit-us", required_argument, NULL, OPT_TLIMIT },
	{ "busy-poll-us", required_argument, NULL, OPT_BUSY },
	{ "busy-poll-max-us", required_argument, NULL, OPT_BUSYMAX },
	{ "no-sleep", no_argument, NULL, OPT_NOSLEEP },
	{ "tx-count", required_argument, NULL, OPT_TXCOUNT },
	{ "tx-delay", required_argument, NULL, OPT_TXDELAY },
	{ "tx-retries", required_argument, NULL, OPT_TXRETRY },
	{ "tx-first", required_argument, NULL, OPT_TXFIRST },
	{ "impair", required_argument, NULL, OPT_IMPAIR },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "stopped", no_argument, NULL, OPT_STOPPED },
	{ "offloads", no_argument, NULL, OPT_OFFL },
	{ "no-offloads", no_argument, NULL, OPT_NOOFFL },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "stack", required_argument, NULL, OPT_STACK },
	{ "role", required_argument, NULL, OPT_ROLE },
	{ "connect", required_argument, NULL, OPT_CONNECT },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "conns", required_argument, NULL, OPT_CONNS },
	{ "req-size", required_argument, NULL, OPT_REQ },
	{ "resp-size", required_argument, NULL, OPT_RESP },
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "direction", required_argument, NULL, OPT_DIR },
	{ "linger0", no_argument, NULL, OPT_LINGER0 },
	{ "busy-poll", no_argument, NULL, OPT_BUSYPOLL },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "path", required_argument, NULL, OPT_PATH },
	{ "addr", required_argument, NULL, OPT_ADDR },
	{ "gw", required_argument, NULL, OPT_GW },
	{ "rss", no_argument, NULL, OPT_RSS },
	{ "no-gro", no_argument, NULL, OPT_NOGRO },
	{ "no-tso", no_argument, NULL, OPT_NOTSO },
	{ "no-lro", no_argument, NULL, OPT_NOLRO },
	{ "no-tx-cksum", no_argument, NULL, OPT_NOTXCK },
	{ "cycles", no_argument, NULL, OPT_CYCLES },
	{ "max-conns", required_argument, NULL, OPT_MAXCONNS },
	{ "mbufs", required_argument, NULL, OPT_MBUFS },
	{ "sndbuf", required_argument, NULL, OPT_SNDBUF },
	{ "ports", required_argument, NULL, OPT_PORTS },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ NULL, 0, NULL, 0 },
};

static const struct bench_engine *const bench_engines[] = {
	&bench_engine_io, &bench_engine_macswap, &bench_engine_rxonly,
	&bench_engine_txonly, &bench_engine_flowgen,
};

const struct bench_engine *
bench_engine_find(const char *name)
{
	size_t i;

	for (i = 0; i < RTE_DIM(bench_engines); i++)
		if (strcmp(bench_engines[i]->name, name) == 0)
			return bench_engines[i];
	return NULL;
}

const char *
bench_engine_names(void)
{
	static char names[128];
	size_t i, off = 0;

	if (names[0] != '\0')
		return names;
	for (i = 0; i < RTE_DIM(bench_engines); i++)
		off += snprintf(names + off, sizeof(names) - off, "%s%s",
				i ? "|" : "", bench_engines[i]->name);
	for (i = 0; i < TB_NKINDS; i++)
		off += snprintf(names + off, sizeof(names) - off, "|%s",
				tb_kind_name((enum tb_kind)i));
	return names;
}

/* An engine by name: an L2 one in c->engine, or a TCP one in c->tcp. */
static bool
engine_set(struct bench_conf *c, const char *name)
{
	size_t i;

	c->engine = bench_engine_find(name);
	c->is_tcp = false;
	if (c->engine != NULL)
		return true;
	c->engine = &bench_engine_io;
	for (i = 0; i < TB_NKINDS; i++) {
		if (strcmp(tb_kind_name((enum tb_kind)i), name) == 0) {
			c->is_tcp = true;
			c->tcp.kind = (enum tb_kind)i;
			return true;
		}
	}
	return false;
}

void
bench_usage(FILE *f)
{
	fprintf(f,
"usage: " BENCH_PROG " [EAL options] -- [options]\n"
"  ports come from EAL (--vdev net_vhost0,... or --vdev virtio_user0,...);\n"
"  needs >= 2 lcores: the main lcore prints stats, workers forward.\n"
"  --forward-mode=MODE   (or --engine) %s (io)\n"
"  --txpkts=BYTES        generated frame size without CRC, 60..9000 (64)\n"
"  --burst=N             generator weight and RX weight, 1..512 (32)\n"
"  --duration=S          seconds to run, 0 = until SIGINT/SIGTERM (0)\n"
"  --stats-period=S      seconds between stats, 0 = none (1)\n"
"  --rxq=N --txq=N       queues per port, 1..64 (number of workers)\n"
"  --flows=N             flowgen flows, 1..65536 (64)\n"
"  --flow-proto=P        flowgen protocol, udp|tcp (udp)\n"
"  --tx-rss              pick each packet's TX queue by Toeplitz hash\n"
"  --csum-partial        io: a TCP/UDP frame whose checksum the receiving\n"
"                        port verified goes to a net_vhost guest that\n"
"                        negotiated GUEST_CSUM as virtio NEEDS_CSUM (the\n"
"                        pseudo-header sum in its field): the guest sums\n"
"                        no byte, as behind a hypervisor's verifying NIC\n"
"  --steer               software steering between workers\n"
"  --eth-peer=MAC        destination MAC of generated frames\n"
"  --ip=SRC,DST          IPv4 of generated frames, in 198.18.0.0/15\n"
"                        (198.18.0.1,198.19.0.1)\n"
"  --tx-count=N          each generator stops after N packets accepted\n"
"                        by the device, 0 = unlimited (0)\n"
"  --tx-delay=S          generators start S seconds after link up, or on\n"
"                        SIGUSR1, 0..86400 (0)\n"
"  --tx-first=N          io/macswap: send N bursts of txonly frames first,\n"
"                        then forward (testpmd 'start tx_first N'), 0..1024 (0)\n"
"  --offloads, --no-offloads  ask the device for checksum/TSO/LRO/multi-seg\n"
"                        offloads, or not; default: io only (it bridges\n"
"                        stacks that offload), none for the others, as testpmd\n"
"  --stopped             start stopped, like testpmd -i: SIGUSR1 starts\n"
"                        (generators, forwarding, --tx-first again), SIGUSR2\n"
"                        stops (forwarding engines free what they receive)\n"
"  --napi-weight=N       RX weight, 1..512 (--burst)\n"
"  --budget=N            packets per loop round, 1..65536 (300)\n"
"  --time-limit-us=N     loop round time limit, 1..1000000 (2000)\n"
"  --busy-poll-us=N      idle spell before sleeping, 0..10000000 (50)\n"
"  --busy-poll-max-us=N  the spell grows up to N after sleeps a packet ended\n"
"                        soon, 0..10000000 (0: fixed)\n"
"  --tx-retries=N        TX burst retries before dropping, 0..1000 (0)\n"
"  --no-sleep            pure polling, never sleep on interrupts\n"
"%s"
"  --json=FILE           JSON summary on exit ('-' = stdout)\n"
"  --quiet               no periodic or final text stats\n"
"  --help                this text\n"
"TCP engines (--engine=tcp-rr|tcp-crr|tcp-stream|http|tcp-idle), same code\n"
"on both stacks; pollnet: EAL options before '--' (its ports as for pn_init);\n"
"linux: no EAL options, pin with taskset:\n"
"  --stack=S             pollnet|linux (pollnet)\n"
"  --role=R              client|server (client); http is client only; give\n"
"                        the server the client's engine, sizes, --direction\n"
"  --connect=A:PORT      client: the server, in 198.18.0.0/15 or 127.0.0.0/8\n"
"  --port=N              server: listen port, 1..65535 (5001)\n"
"  --conns=N             client connections (tcp-crr: in parallel),\n"
"                        1..1000000 (1)\n"
"  --req-size=B          request bytes, 1..%u (64); tcp-stream: bytes per\n"
"                        write (65536)\n"
"  --resp-size=B         response bytes, 1..%u (64)\n"
"  --depth=N             requests in flight per connection, 1..%u (1)\n"
"  --direction=D         tcp-stream: c2s|s2c, who sends (c2s)\n"
"  --linger0             close with RST (SO_LINGER 0): no TIME-WAIT\n"
"  --busy-poll           epoll_wait with timeout 0: never sleep\n"
"  --warmup=S            seconds before measuring, 0..3600 (0)\n"
"  --threads=N           linux: event-loop threads, 1..%u (1); pollnet: one\n"
"                        per worker lcore\n"
"  --path=P              http: the path to GET (/)\n"
"  --ports=P1-P2         tcp-idle: the server listens on every port of the\n"
"                        range, the client spreads over it (one port:\n"
"                        --port or --connect's)\n"
"  --rate=N              tcp-idle client: connects per second per event\n"
"                        loop, 1..10000000 (10000); tcp-rr client:\n"
"                        requests per second per connection, paced (the\n"
"                        loop polls while one waits; default: at once)\n"
"  --addr=A/N --gw=A --rss  pollnet: pn_init's options (198.18.0.2/24)\n"
"  --no-gro --no-tso --no-lro --no-tx-cksum --cycles --max-conns=N --mbufs=N\n"
"  --sndbuf=B            pollnet: pn_init's options (offloads off, cycle\n"
"                        accounting, TCP connections and mbufs per shard,\n"
"                        the TCP send buffer; pn_init checks the ranges)\n",
	bench_engine_names(), bench_impair_usage(), TB_MAX_SIZE, TB_MAX_SIZE,
	TB_MAX_DEPTH, TB_MAX_THREADS);
}

static void __rte_noreturn __rte_format_printf(1, 2)
bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, BENCH_PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* Strict unsigned parse of the whole string within [lo, hi]. */
static uint64_t
parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi)
{
	char *end;
	unsigned long long v = 0;

	errno = 0;
	if (s[0] < '0' || s[0] > '9')
		end = (char *)s;
	else
		v = strtoull(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < lo || v > hi)
		bad("--%s=%s: must be an integer in %" PRIu64 "..%" PRIu64,
		    opt, s, lo, hi);
	return v;
}

static uint32_t
parse_ip(const char *opt, const char *s)
{
	struct in_addr a;
	uint32_t ip;

	if (inet_pton(AF_INET, s, &a) != 1)
		bad("--%s: '%s' is not an IPv4 address", opt, s);
	ip = ntohl(a.s_addr);
	if ((ip & BENCH_NET_MASK) != BENCH_NET)
		bad("--%s: %s is outside 198.18.0.0/15 (the benchmarking range, "
		    "the only one generated frames may use)", opt, s);
	return ip;
}

static void
parse_ip_pair(struct bench_conf *c, const char *s)
{
	char buf[64];
	char *comma;

	if (strlen(s) >= sizeof(buf) || (comma = strchr(strcpy(buf, s), ',')) == NULL)
		bad("--ip=%s: expected SRC,DST (two IPv4 addresses in "
		    "198.18.0.0/15)", s);
	*comma = '\0';
	c->ip_src = parse_ip("ip", buf);
	c->ip_dst = parse_ip("ip", comma + 1);
}

/* --connect=A:PORT: the benchmarking range or loopback only. */
static void
parse_connect(struct tb_conf *t, const char *s)
{
	char buf[64], *colon;
	struct in_addr a;
	uint32_t ip;

	if (strlen(s) >= sizeof(buf) ||
	    (colon = strrchr(strcpy(buf, s), ':')) == NULL)
		bad("--connect=%s: expected A.B.C.D:PORT", s);
	*colon = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		bad("--connect=%s: '%s' is not an IPv4 address", s, buf);
	ip = ntohl(a.s_addr);
	if ((ip & BENCH_NET_MASK) != BENCH_NET && (ip >> 24) != 127)
		bad("--connect=%s: %s is outside 198.18.0.0/15 and 127.0.0.0/8 "
		    "(the benchmarking range and loopback)", s, buf);
	t->ip = ip;
	t->port = (uint16_t)parse_u64("connect (port)", colon + 1, 1, 65535);
	t->port_set = true;
	snprintf(t->host, sizeof(t->host), "%s", s);
}

static void
copy_opt(char *dst, size_t size, const char *opt, const char *s)
{
	if (s[0] == '\0' || strlen(s) >= size)
		bad("--%s=%s: expected 1..%zu characters", opt, s, size - 1);
	strcpy(dst, s);
}

/* --ports=P1-P2 (or one port P1). */
static void
parse_ports(struct tb_conf *t, const char *s)
{
	unsigned long lo, hi;
	char *end;

	errno = 0;
	lo = strtoul(s, &end, 10);
	hi = lo;
	if (*end == '-')
		hi = strtoul(end + 1, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || lo < 1 || hi > 65535 ||
	    lo > hi)
		bad("--ports=%s: expected P1-P2 with 1 <= P1 <= P2 <= 65535", s);
	t->ports_lo = (uint16_t)lo;
	t->ports_hi = (uint16_t)hi;
}

static void
tcp_default(struct tb_conf *t)
{
	t->stack = TB_POLLNET;
	t->role = TB_CLIENT;
	t->port = 5001;
	t->conns = 1;
	t->req_size = 0; /* by engine, after parsing */
	t->resp_size = 64;
	t->depth = 1;
	t->threads = 1;
	t->rate = 10000;
	strcpy(t->http_path, "/");
}

/* A TCP option given to an L2 engine, or a pollnet/linux one to the other. */
static void
tcp_check(const struct bench_conf *c, const bool *seen)
{
	const struct tb_conf *t = &c->tcp;

	for (const struct option *o = bench_opts; o->name; o++) {
		if (o->val < OPT_STACK || !seen[o->val - OPT_STACK])
			continue;
		if (!c->is_tcp)
			bad("--%s: only for the TCP engines (tcp-rr, tcp-crr, "
			    "tcp-stream, http), not --forward-mode=%s", o->name,
			    c->engine->name);
		if (t->stack == TB_LINUX &&
		    o->val >= OPT_ADDR && o->val <= OPT_SNDBUF)
			bad("--%s: a pollnet option (pn_init's); --stack=linux "
			    "uses the kernel's addresses", o->name);
		if (t->stack == TB_POLLNET && o->val == OPT_THREADS)
			bad("--threads: --stack=linux only; pollnet runs one event "
			    "loop per worker lcore (EAL --lcores)");
	}
	if (!c->is_tcp)
		return;
	if (t->role == TB_CLIENT && !t->port_set)
		bad("--role=client needs --connect=A.B.C.D:PORT");
	if (t->role == TB_SERVER && t->kind == TB_HTTP)
		bad("--engine=http: client only; serve with app/examples/http, "
		    "pollnetd or nginx");
	if (seen[OPT_PORTS - OPT_STACK] && t->kind != TB_IDLE)
		bad("--ports: tcp-idle only");
	if (seen[OPT_RATE - OPT_STACK] && t->kind == TB_RR) {
		if (t->role != TB_CLIENT)
			bad("--rate: tcp-rr paces the client");
	} else if (seen[OPT_RATE - OPT_STACK] && t->kind != TB_IDLE) {
		bad("--rate: tcp-idle and tcp-rr only");
	}
	if (t->kind == TB_CRR && t->depth != 1)
		bad("--depth=%u: tcp-crr makes one request per connection", t->depth);
}

static void
conf_default(struct bench_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->engine = &bench_engine_io;
	c->offloads = -1;
	c->txpkts = 64;
	c->burst = 32;
	c->stats_period_s = 1;
	c->flows = 64;
	c->flow_proto = IPPROTO_UDP;
	c->ip_src = 0xc6120001u; /* 198.18.0.1 */
	c->ip_dst = 0xc6130001u; /* 198.19.0.1 */
	c->seed = IMPAIR_SEED_DEF;
	pn_napi_conf_default(&c->napi);
	/* the L2 engines measure the device: what its TX ring refuses is
	 * dropped (and made again with --tx-count), as testpmd; nothing
	 * held behind it (the TCP engines run pn_init's default) */
	c->napi.tx_queue_len = 0;
	tcp_default(&c->tcp);
}

void
bench_parse_args(struct bench_conf *c, int argc, char **argv)
{
	bool seen[OPT_TCP_LAST - OPT_STACK + 1] = { false };
	struct tb_conf *t = &c->tcp;
	char err[256];
	int opt, li = 0;

	conf_default(c);
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", bench_opts, &li)) != -1) {
		if (opt >= OPT_STACK && opt <= OPT_TCP_LAST)
			seen[opt - OPT_STACK] = true;
		switch (opt) {
		case OPT_FWD:
			if (!engine_set(c, optarg))
				bad("--%s=%s: must be one of %s",
				    bench_opts[li].name, optarg,
				    bench_engine_names());
			break;
		case OPT_STACK:
			if (strcmp(optarg, "pollnet") == 0)
				t->stack = TB_POLLNET;
			else if (strcmp(optarg, "linux") == 0)
				t->stack = TB_LINUX;
			else
				bad("--stack=%s: must be pollnet or linux", optarg);
			break;
		case OPT_ROLE:
			if (strcmp(optarg, "client") == 0)
				t->role = TB_CLIENT;
			else if (strcmp(optarg, "server") == 0)
				t->role = TB_SERVER;
			else
				bad("--role=%s: must be client or server", optarg);
			break;
		case OPT_CONNECT:
			parse_connect(t, optarg);
			break;
		case OPT_PORT:
			t->port = (uint16_t)parse_u64("port", optarg, 1, 65535);
			break;
		case OPT_CONNS:
			t->conns = parse_u64("conns", optarg, 1, 1000000);
			break;
		case OPT_REQ:
			t->req_size = parse_u64("req-size", optarg, 1, TB_MAX_SIZE);
			break;
		case OPT_RESP:
			t->resp_size = parse_u64("resp-size", optarg, 1, TB_MAX_SIZE);
			break;
		case OPT_DEPTH:
			t->depth = parse_u64("depth", optarg, 1, TB_MAX_DEPTH);
			break;
		case OPT_DIR:
			if (strcmp(optarg, "c2s") == 0 || strcmp(optarg, "s2c") == 0)
				t->s2c = optarg[0] == 's';
			else
				bad("--direction=%s: must be c2s (client sends) or "
				    "s2c (server sends)", optarg);
			break;
		case OPT_LINGER0:
			t->linger0 = true;
			break;
		case OPT_BUSYPOLL:
			t->busy_poll = true;
			break;
		case OPT_WARMUP:
			t->warmup_s = parse_u64("warmup", optarg, 0, 3600);
			break;
		case OPT_THREADS:
			t->threads = parse_u64("threads", optarg, 1, TB_MAX_THREADS);
			break;
		case OPT_PATH:
			if (optarg[0] != '/')
				bad("--path=%s: must start with '/'", optarg);
			copy_opt(t->http_path, sizeof(t->http_path), "path", optarg);
			break;
		case OPT_ADDR:
			copy_opt(t->addr, sizeof(t->addr), "addr", optarg);
			break;
		case OPT_GW:
			copy_opt(t->gw, sizeof(t->gw), "gw", optarg);
			break;
		case OPT_RSS:
			t->rss = true;
			break;
		case OPT_NOGRO:
			t->no_gro = true;
			break;
		case OPT_NOTSO:
			t->no_tso = true;
			break;
		case OPT_NOLRO:
			t->no_lro = true;
			break;
		case OPT_NOTXCK:
			t->no_tx_cksum = true;
			break;
		case OPT_CYCLES:
			t->cycles = true;
			break;
		case OPT_MAXCONNS:
			copy_opt(t->max_conns, sizeof(t->max_conns), "max-conns",
				 optarg);
			break;
		case OPT_MBUFS:
			copy_opt(t->mbufs, sizeof(t->mbufs), "mbufs", optarg);
			break;
		case OPT_SNDBUF:
			copy_opt(t->sndbuf, sizeof(t->sndbuf), "sndbuf", optarg);
			break;
		case OPT_PORTS:
			parse_ports(t, optarg);
			break;
		case OPT_RATE:
			t->rate = parse_u64("rate", optarg, 1, 10000000);
			t->rr_rate = t->rate;	/* tcp-rr only (tcp_check) */
			break;
		case OPT_TXPKTS:
			c->txpkts = parse_u64("txpkts", optarg, 60, 9000);
			break;
		case OPT_BURST:
			c->burst = parse_u64("burst", optarg, 1, 512);
			break;
		case OPT_DURATION:
			c->duration_s = parse_u64("duration", optarg, 0, 31536000);
			break;
		case OPT_STATS:
			c->stats_period_s = parse_u64("stats-period", optarg, 0, 86400);
			break;
		case OPT_RXQ:
			c->rxq = parse_u64("rxq", optarg, 1, BENCH_MAX_QUEUES);
			break;
		case OPT_TXQ:
			c->txq = parse_u64("txq", optarg, 1, BENCH_MAX_QUEUES);
			break;
		case OPT_FLOWS:
			c->flows = parse_u64("flows", optarg, 1, 65536);
			break;
		case OPT_PROTO:
			if (strcmp(optarg, "udp") == 0)
				c->flow_proto = IPPROTO_UDP;
			else if (strcmp(optarg, "tcp") == 0)
				c->flow_proto = IPPROTO_TCP;
			else
				bad("--flow-proto=%s: must be udp or tcp", optarg);
			break;
		case OPT_TXRSS:
			c->tx_rss = true;
			break;
		case OPT_CSUMPART:
			c->csum_partial = true;
			break;
		case OPT_STEER:
			c->steer = true;
			break;
		case OPT_PEER:
			if (rte_ether_unformat_addr(optarg, &c->eth_peer) != 0)
				bad("--eth-peer=%s: expected a MAC address "
				    "XX:XX:XX:XX:XX:XX", optarg);
			c->eth_peer_set = true;
			break;
		case OPT_IP:
			parse_ip_pair(c, optarg);
			break;
		case OPT_WEIGHT:
			c->napi.weight = parse_u64("napi-weight", optarg, 1, 512);
			c->weight_set = true;
			break;
		case OPT_BUDGET:
			c->napi.budget = parse_u64("budget", optarg, 1, 65536);
			break;
		case OPT_TLIMIT:
			c->napi.time_limit_us = parse_u64("time-limit-us", optarg,
							  1, 1000000);
			break;
		case OPT_BUSY:
			c->napi.busy_poll_us = parse_u64("busy-poll-us", optarg,
							 0, 10000000);
			break;
		case OPT_BUSYMAX:
			c->napi.busy_poll_max_us = parse_u64("busy-poll-max-us",
							     optarg, 0,
							     10000000);
			break;
		case OPT_NOSLEEP:
			c->napi.sleep = false;
			break;
		case OPT_TXCOUNT:
			c->tx_count = parse_u64("tx-count", optarg, 0, UINT64_MAX);
			break;
		case OPT_TXDELAY:
			c->tx_delay_s = parse_u64("tx-delay", optarg, 0, 86400);
			break;
		case OPT_TXFIRST:
			c->tx_first = parse_u64("tx-first", optarg, 0, 1024);
			break;
		case OPT_TXRETRY:
			c->napi.tx_retries = parse_u64("tx-retries", optarg, 0, 1000);
			break;
		case OPT_IMPAIR:
			if (bench_impair_parse(c->impair, optarg, err,
					       sizeof(err)) != 0)
				bad("%s", err);
			break;
		case OPT_SEED:
			c->seed = parse_u64("seed", optarg, 0, UINT64_MAX);
			break;
		case OPT_JSON:
			if (optarg[0] == '\0' ||
			    strlen(optarg) >= sizeof(c->json_path))
				bad("--json: expected a file name (1..%zu "
				    "characters) or '-'", sizeof(c->json_path) - 1);
			strcpy(c->json_path, optarg);
			c->json = true;
			break;
		case OPT_QUIET:
			c->quiet = true;
			break;
		case OPT_STOPPED:
			c->stopped = true;
			break;
		case OPT_OFFL:
			c->offloads = 1;
			break;
		case OPT_NOOFFL:
			c->offloads = 0;
			break;
		case OPT_HELP:
			bench_usage(stdout);
			exit(0);
		default:
			for (const struct option *o = bench_opts; o->name; o++)
				if (optopt != 0 && o->val == optopt)
					bad("--%s %s (see --help)", o->name,
					    o->has_arg ? "needs a value" :
					    "takes no value");
			bad("unknown option %s (see --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		bad("unexpected argument '%s' (see --help)", argv[optind]);
	tcp_check(c, seen);
	if (t->ports_lo != 0) {
		t->port = t->ports_lo; /* over --port and --connect's */
		t->port_hi = t->ports_hi;
	} else {
		t->port_hi = t->port;
	}
	if (t->req_size == 0)
		t->req_size = t->kind == TB_STREAM ? 65536 : 64;
	if (c->offloads >= 0 && c->is_tcp)
		bad("--%soffloads: L2 engines only (pn_init takes --no-tso, "
		    "--no-lro, --no-tx-cksum)", c->offloads ? "" : "no-");
	if (c->csum_partial && (c->engine != &bench_engine_io ||
				c->offloads == 0))
		bad("--csum-partial: --forward-mode=io with offloads only "
		    "(the receiving port verifies, the vhost port marks)");
	if (c->stopped && c->is_tcp)
		bad("--stopped: L2 engines only (a TCP engine runs for "
		    "--duration)");
	if (bench_has_impair(c) && c->engine->gen != NULL)
		bad("--impair: impairs forwarded frames (engines io, macswap); "
		    "--forward-mode=%s generates its own", c->engine->name);
	if (!c->weight_set)
		c->napi.weight = c->burst;
	if (pn_napi_conf_check(&c->napi, err, sizeof(err)) != 0)
		bad("%s", err);
}
