/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_cfgfile.h>

#include "conf.h"
#include "conf_check.h"

enum key_type { K_UINT, K_BOOL, K_STR, K_ENUM, K_FN };

struct key;
typedef int (*parse_fn)(struct pnd_conf *c, const char *v, char *err,
			size_t len, const struct key *k);
typedef void (*format_fn)(const struct pnd_conf *c, char *buf, size_t len);

struct key {
	const char *section;
	const char *name;
	enum key_type type;
	size_t off;            /**< field offset in struct pnd_conf */
	size_t size;           /**< field size (K_UINT width, K_STR capacity) */
	uint64_t min, max;     /**< K_UINT range */
	bool pow2;             /**< K_UINT must be a power of two (or 0 if min 0) */
	const char *choices;   /**< K_ENUM: "a|b|c" */
	parse_fn parse;        /**< K_FN */
	format_fn format;      /**< K_FN */
	const char *def;       /**< default, as written in the file */
	const char *doc;
};

#define F(field) offsetof(struct pnd_conf, field), sizeof(((struct pnd_conf *)0)->field)
#define UINT(s, n, field, lo, hi, d, doc) \
	{ s, n, K_UINT, F(field), lo, hi, false, NULL, NULL, NULL, d, doc }
#define POW2(s, n, field, lo, hi, d, doc) \
	{ s, n, K_UINT, F(field), lo, hi, true, NULL, NULL, NULL, d, doc }
#define BOOL(s, n, field, d, doc) \
	{ s, n, K_BOOL, F(field), 0, 1, false, NULL, NULL, NULL, d, doc }
#define STR(s, n, field, d, doc) \
	{ s, n, K_STR, F(field), 0, 0, false, NULL, NULL, NULL, d, doc }
#define ENUM(s, n, field, ch, d, doc) \
	{ s, n, K_ENUM, F(field), 0, 0, false, ch, NULL, NULL, d, doc }
#define FN(s, n, p, f, d, doc) \
	{ s, n, K_FN, 0, 0, 0, 0, false, NULL, p, f, d, doc }

static int parse_mac(struct pnd_conf *, const char *, char *, size_t, const struct key *);
static void format_mac(const struct pnd_conf *, char *, size_t);
static int parse_addrs(struct pnd_conf *, const char *, char *, size_t, const struct key *);
static void format_addrs(const struct pnd_conf *, char *, size_t);
static int parse_gateway(struct pnd_conf *, const char *, char *, size_t, const struct key *);
static void format_gateway(const struct pnd_conf *, char *, size_t);
static int parse_routes(struct pnd_conf *, const char *, char *, size_t, const struct key *);
static void format_routes(const struct pnd_conf *, char *, size_t);
static int parse_fwd(struct pnd_conf *, const char *, char *, size_t, const struct key *);
static void format_fwd(const struct pnd_conf *, char *, size_t);
static int parse_arp(struct pnd_conf *, const char *, char *, size_t, const struct key *);
static void format_arp(const struct pnd_conf *, char *, size_t);

static const struct key keys[] = {
	STR("eal", "lcores", lcores, "0@0,1@0",
	    "DPDK --lcores: the main lcore first, then one worker (shard) each"),
	UINT("eal", "memory_mb", memory_mb, 64, 65536, "512",
	     "memory for DPDK, MB (-m)"),
	ENUM("eal", "hugepages", hugepages, "auto|yes|no", "auto",
	     "use 2 MB hugepages: auto = when some are free, else --no-huge"),
	BOOL("eal", "multiprocess", multiprocess, "false",
	     "let DPDK secondary processes (dpdk-dumpcap) attach, with hugepages: their files then stay in the hugetlbfs mount while pollnetd runs and are removed at its exit (not after a SIGKILL); false: --in-memory, no hugepage file at all"),
	STR("eal", "file_prefix", file_prefix, "pollnetd",
	    "DPDK runtime directory name (/var/run/dpdk/<prefix>): the telemetry socket lives there"),
	STR("eal", "log_level", log_level, "info",
	    "DPDK log levels, comma separated: a global level (it caps every module) and per module, e.g. debug, lib.*:notice"),
	STR("eal", "extra", eal_extra, "",
	    "further EAL arguments, space separated, each starting with '-'"),

	STR("port", "pci", virtio.pci, "",
	    "PCI address of a virtio-net device; empty: virtio_user over [port] path"),
	STR("port", "path", virtio.path, "/tmp/pn-peer-pollnet/vh.sock",
	    "vhost-user socket of the peer (tools/peer.sh up --name pollnet)"),
	BOOL("port", "server", virtio.server, "false",
	     "virtio_user listens on path instead of connecting"),
	UINT("port", "queues", queues, 0, 64, "0",
	     "device queue pairs: 0 = one per shard; fewer (a peer serving fewer, e.g. one vhost-user queue): shard i polls RX queue i if it exists (the rest get their packets by steering) and shards share TX queues"),
	UINT("port", "queue_size", virtio.queue_size, 64, 4096, "1024",
	     "descriptors per virtqueue, a power of two"),
	BOOL("port", "packed_vq", virtio.packed_vq, "false", "packed virtqueues"),
	BOOL("port", "mrg_rxbuf", virtio.mrg_rxbuf, "true", "mergeable RX buffers"),
	BOOL("port", "in_order", virtio.in_order, "true", "in-order descriptor use"),
	FN("port", "mac", parse_mac, format_mac, "02:00:00:00:00:02",
	   "the port's MAC address"),
	UINT("port", "mtu", port.mtu, 68, 9000, "1500", "IPv4 MTU"),
	UINT("port", "rx_desc", port.rx_desc, 64, 4096, "1024", "RX ring size"),
	UINT("port", "tx_desc", port.tx_desc, 64, 4096, "1024", "TX ring size"),
	BOOL("port", "rx_intr", port.rx_intr, "true",
	     "RX interrupts, so idle lcores sleep"),
	BOOL("port", "rss", port.rss, "true", "device RSS when the device offers it"),
	BOOL("port", "offloads", port.offloads, "true",
	     "checksum/TSO/multi-segment offloads the device offers"),
	BOOL("port", "tx_cksum", port.tx_cksum, "true",
	     "TX IPv4/TCP/UDP checksum offload when offered (false: checksums in software, no TSO)"),
	BOOL("port", "tso", port.tso, "true",
	     "TCP segmentation offload when offered (virtio: HOST_TSO4, net_vhost peers need tso=1; net_vhost: while the guest negotiates GUEST_TSO4)"),
	BOOL("port", "lro", port.lro, "false",
	     "LRO when offered (virtio: GUEST_TSO4/6, so a peer's TSO segments arrive whole)"),
	BOOL("port", "promisc", port.promisc, "false", "promiscuous mode"),

	UINT("napi", "weight", napi.weight, 1, 512, "64",
	     "packets per RX queue poll (Linux NAPI weight)"),
	UINT("napi", "budget", napi.budget, 1, 65536, "300",
	     "packets per loop round (netdev_budget)"),
	UINT("napi", "time_limit_us", napi.time_limit_us, 1, 1000000, "2000",
	     "loop round time limit (netdev_budget_usecs)"),
	UINT("napi", "busy_poll_us", napi.busy_poll_us, 0, 10000000, "50",
	     "idle spell before arming interrupts and sleeping"),
	UINT("napi", "busy_poll_max_us", napi.busy_poll_max_us, 0, 10000000,
	     "500",
	     "the idle spell grows up to this after sleeps a packet ended soon (missed busy polls) when the cycle was a batch (at most 10 us of spin a packet), back to busy_poll_us after idleness or a trickle (0 or at most busy_poll_us: off, a fixed spell)"),
	UINT("napi", "split", napi.split, 0, 256, "8",
	     "a poll of more than this many packets (up to 3x) is handled half this round, the rest first next round, after the TX burst; 8 breaks the convoys of tcp-rr and tcp-crr over a few dozen connections (0: off)"),
	BOOL("napi", "sleep", napi.sleep, "true",
	     "sleep on interrupts when idle (false: always poll)"),
	POW2("napi", "backlog_size", napi.backlog_size, 64, 65536, "4096",
	     "backlog ring of packets steered from other lcores"),
	UINT("napi", "tx_retries", napi.tx_retries, 0, 1000, "0",
	     "TX burst retries before a full queue's packets are held"),
	UINT("napi", "tx_queue_len", napi.tx_queue_len, 0, 65536, "4096",
	     "packets held per TX queue while the device queue is full, sent "
	     "first next round (Linux txqueuelen); beyond it, dropped as "
	     "TX_FULL"),
	ENUM("napi", "steering", steering, "auto|on|off", "auto",
	     "software steering (RPS): auto = on when the device has no RSS and there are several shards"),
	BOOL("napi", "cycles", cycles, "false",
	     "per-phase cycle accounting on every shard (pollnetctl cycles); costs a TSC read per phase change"),

	FN("net", "addresses", parse_addrs, format_addrs, "198.18.0.2/24",
	   "the port's IPv4 addresses, comma separated ADDR/LEN (1..8)"),
	FN("net", "gateway", parse_gateway, format_gateway, "",
	   "default route via this address; empty: none"),
	FN("net", "routes", parse_routes, format_routes, "",
	   "static routes, comma separated PREFIX/LEN via GW"),
	FN("net", "arp_static", parse_arp, format_arp, "",
	   "static neighbours, comma separated IP MAC"),
	UINT("net", "ttl", net.ttl, 1, 255, "64", "TTL of sent datagrams"),
	BOOL("net", "accept_source_route", net.accept_source_route, "false",
	     "deliver datagrams with a completed source route (LSRR/SSRR), which TCP answers along the reversed route; as Linux conf/all/accept_source_route"),
	BOOL("net", "gro", net.gro.enabled, "true",
	     "GRO: merge TCP segments of a flow received in one poll (Linux napi_gro_receive)"),
	UINT("net", "gro_max_flows", net.gro.max_flows, 1, 64, "32",
	     "GRO flows held at once per shard"),
	UINT("net", "gro_max_segs", net.gro.max_segs, 2, 64, "64",
	     "GRO segments merged into one packet at most"),
	UINT("net", "arp_cache_size", net.arp.cache_size, 16, 65536, "1024",
	     "ARP entries per shard"),
	UINT("net", "arp_reachable_ms", net.arp.reachable_ms, 1000, 3600000,
	     "30000", "an entry is REACHABLE this long, then STALE"),
	UINT("net", "arp_retrans_ms", net.arp.retrans_ms, 100, 60000, "1000",
	     "between ARP probes"),
	UINT("net", "arp_max_probes", net.arp.max_probes, 1, 10, "3",
	     "probes before a resolution fails"),
	UINT("net", "arp_pending_max", net.arp.pending_max, 1, 256, "128",
	     "packets queued per unresolved neighbour"),
	UINT("net", "reasm_max_flows", net.reasm.max_flows, 1, 65536, "1024",
	     "datagrams in reassembly at once"),
	UINT("net", "reasm_timeout_ms", net.reasm.timeout_ms, 1000, 120000,
	     "30000", "reassembly timeout per datagram"),
	UINT("net", "reasm_max_frags", net.reasm.max_frags, 2, 1024, "64",
	     "fragments per datagram"),
	UINT("net", "reasm_max_held", net.reasm.max_held, 2, 1048576, "4096",
	     "fragments held per shard"),
	UINT("net", "icmp_rate", net.icmp.rate, 1, 1000000, "1000",
	     "ICMP errors per second (token bucket)"),
	UINT("net", "icmp_burst", net.icmp.burst, 1, 1000000, "50",
	     "ICMP error burst"),

	UINT("tcp", "max_conns", tcp.max_conns, 16, 16777216, "65536",
	     "connections per shard"),
	UINT("tcp", "sndbuf", tcp.sndbuf, 4096, 67108864, "262144",
	     "default SO_SNDBUF, bytes"),
	UINT("tcp", "rcvbuf", tcp.rcvbuf, 4096, 67108864, "262144",
	     "default SO_RCVBUF, bytes"),
	UINT("tcp", "rcvbuf_max", tcp.rcvbuf_max, 4096, 67108864, "4194304",
	     "receive window auto-sizing limit, bytes (at least rcvbuf)"),
	UINT("tcp", "mss", tcp.mss, 536, 9000, "1460",
	     "largest MSS announced"),
	BOOL("tcp", "wscale", tcp.wscale, "true", "window scaling (RFC 7323)"),
	BOOL("tcp", "timestamps", tcp.timestamps, "true",
	     "timestamps and PAWS (RFC 7323)"),
	BOOL("tcp", "sack", tcp.sack, "true", "selective acknowledgements (RFC 2018)"),
	ENUM("tcp", "cc", tcp.cc, "cubic|newreno", "cubic", "congestion control"),
	UINT("tcp", "init_cwnd", tcp.init_cwnd, 1, 100, "10",
	     "initial congestion window, segments (RFC 6928)"),
	BOOL("tcp", "slow_start_after_idle", tcp.slow_start_after_idle, "true",
	     "cwnd restarts after an idle RTO (RFC 2861, Linux sysctl)"),
	BOOL("tcp", "syncookies", tcp.syncookies, "true",
	     "SYN cookies when a listener's SYN backlog is full"),
	UINT("tcp", "syn_backlog", tcp.syn_backlog, 1, 65536, "1024",
	     "half-open connections per listener"),
	UINT("tcp", "delack_ms", tcp.delack_ms, 1, 499, "40", "delayed ACK timeout"),
	UINT("tcp", "rto_init_ms", tcp.rto_init_ms, 200, 60000, "1000",
	     "initial retransmission timeout (RFC 6298)"),
	UINT("tcp", "rto_min_ms", tcp.rto_min_ms, 1, 1000, "200",
	     "retransmission timeout floor"),
	UINT("tcp", "rto_max_ms", tcp.rto_max_ms, 1000, 600000, "120000",
	     "retransmission timeout ceiling"),
	UINT("tcp", "syn_retries", tcp.syn_retries, 1, 20, "7",
	     "SYN retransmissions before a connect fails (7: 247 s, RFC 9293 "
	     "MUST-23; Linux's 6: 127 s; per socket TCP_SYNCNT)"),
	UINT("tcp", "synack_retries", tcp.synack_retries, 1, 20, "5",
	     "SYN-ACK retransmissions before a half-open connection is dropped "
	     "(5: 63 s, as Linux tcp_synack_retries; a listener's TCP_SYNCNT "
	     "overrides it)"),
	UINT("tcp", "retries2", tcp.retries2, 1, 50, "15",
	     "data retransmissions before a connection is given up"),
	UINT("tcp", "msl_ms", tcp.msl_ms, 100, 120000, "30000",
	     "maximum segment lifetime: TIME-WAIT lasts twice this"),
	UINT("tcp", "fin_timeout_ms", tcp.fin_timeout_ms, 1000, 600000, "60000",
	     "FIN-WAIT-2 timeout after close"),
	UINT("tcp", "keepalive_idle_s", tcp.keepalive_idle_s, 1, 32767, "7200",
	     "SO_KEEPALIVE: idle time before the first probe"),
	UINT("tcp", "keepalive_intvl_s", tcp.keepalive_intvl_s, 1, 32767, "75",
	     "SO_KEEPALIVE: between probes"),
	UINT("tcp", "keepalive_cnt", tcp.keepalive_cnt, 1, 127, "9",
	     "SO_KEEPALIVE: unanswered probes before the connection is dropped"),

	BOOL("services", "echo", svc_echo, "true",
	     "built-in echo service (RFC 862)"),
	UINT("services", "echo_port", echo_port, 1, 65535, "7", "echo's TCP port"),
	BOOL("services", "discard", svc_discard, "true",
	     "built-in discard service (RFC 863)"),
	UINT("services", "discard_port", discard_port, 1, 65535, "9",
	     "discard's TCP port"),
	BOOL("services", "http", svc_http, "true",
	     "built-in HTTP/1.1 server (GET, HEAD): http_body for every path, or the files below http_root; keep-alive, Connection: close"),
	UINT("services", "http_port", http_port, 1, 65535, "80",
	     "the HTTP server's TCP port"),
	STR("services", "http_body", http_body, "hello from pollnetd",
	    "the HTTP responder's body (sent as is, no newline added)"),
	UINT("services", "http_body_size", http_body_size, 0, 65536, "0",
	     "a body of this many bytes (a repeated pattern) instead of http_body; 0: http_body"),
	STR("services", "http_root", http_root, "",
	    "serve GET/HEAD of the files below this directory (index.html for a directory) instead of the body; empty: the body"),
	BOOL("services", "forward", svc_forward, "false",
	     "built-in TCP forwarder: relays each connection to forward_to"),
	UINT("services", "forward_port", forward_port, 1, 65535, "8080",
	     "the forwarder's TCP port"),
	FN("services", "forward_to", parse_fwd, format_fwd, "198.18.0.1:8080",
	   "the forwarder's backend, A.B.C.D:PORT"),

	UINT("pollnetd", "stats_period_s", stats_period_s, 0, 3600, "0",
	     "print counters every N seconds; 0: only at exit"),
	UINT("pollnetd", "mbufs", mbufs, 1023, 1048575, "16383",
	     "mbufs per shard"),
	UINT("pollnetd", "drain_ms", drain_ms, 0, 60000, "2000",
	     "at SIGINT/SIGTERM the connections close and the shards run on up to this long until nothing is owed to a peer (FINs and data acknowledged, the ACKs due, TIME-WAIT answering a lost ACK), as Linux's TCP goes on after a process exits; what is left is reset; 0: reset at once"),
	STR("pollnetd", "capture", capture, "",
	    "write RX and TX packets into this pcapng file from the start (pollnetctl capture starts/stops one later); empty: no capture"),
	UINT("pollnetd", "capture_snaplen", capture_snaplen, 64, 65535, "65535",
	     "bytes kept of each captured packet"),
};

static const char *const sections[] = { "eal", "port", "napi", "net", "tcp",
					 "services", "pollnetd" };

/* --- value parsers --- */

static int
bad(char *err, size_t len, const struct key *k, const char *v, const char *what)
{
	snprintf(err, len, "[%s] %s = \"%s\": %s", k->section, k->name, v, what);
	return -EINVAL;
}

static int
parse_ip(const char *s, uint32_t *ip)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*ip = ntohl(a.s_addr);
	return 0;
}

static void
format_ip(uint32_t ip, char *buf, size_t len)
{
	struct in_addr a = { .s_addr = htonl(ip) };

	inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

static int
parse_macstr(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Split a comma separated list into trimmed items; calls fn on each. */
static int
for_each_item(const char *v, int (*fn)(struct pnd_conf *, char *, void *),
	      struct pnd_conf *c, void *arg)
{
	char buf[1024], *save = NULL, *tok;
	int rc;

	if (strlen(v) >= sizeof(buf))
		return -E2BIG;
	strcpy(buf, v);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		tok = trim(tok);
		if (*tok == '\0')
			continue;
		if ((rc = fn(c, tok, arg)) < 0)
			return rc;
	}
	return 0;
}

static int
parse_mac(struct pnd_conf *c, const char *v, char *err, size_t len,
	  const struct key *k)
{
	uint8_t mac[6];

	if (parse_macstr(v, mac) < 0)
		return bad(err, len, k, v, "expected a MAC address like 02:00:00:00:00:02");
	if (mac[0] & 1)
		return bad(err, len, k, v, "a multicast MAC cannot be a port's address");
	memcpy(c->net.port[0].mac, mac, 6);
	snprintf(c->virtio.mac, sizeof(c->virtio.mac),
		 "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	return 0;
}

static void
format_mac(const struct pnd_conf *c, char *buf, size_t len)
{
	const uint8_t *m = c->net.port[0].mac;

	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

static int
prefix_item(char *s, uint32_t *ip, uint8_t *plen)
{
	char *slash = strchr(s, '/');
	char *end;
	long l;

	if (slash == NULL)
		return -EINVAL;
	*slash = '\0';
	l = strtol(slash + 1, &end, 10);
	if (*end != '\0' || end == slash + 1 || l < 0 || l > 32)
		return -EINVAL;
	if (parse_ip(trim(s), ip) < 0)
		return -EINVAL;
	*plen = (uint8_t)l;
	return 0;
}

static int
addr_item(struct pnd_conf *c, char *s, void *arg)
{
	struct pn_net_port_conf *p = &c->net.port[0];
	uint32_t ip;
	uint8_t plen;

	(void)arg;
	if (prefix_item(s, &ip, &plen) < 0 || plen == 0)
		return -EINVAL;
	if (p->nb_addrs >= PN_NET_MAX_ADDRS)
		return -E2BIG;
	p->addr[p->nb_addrs].ip = ip;
	p->addr[p->nb_addrs].prefix_len = plen;
	p->nb_addrs++;
	return 0;
}

static int
parse_addrs(struct pnd_conf *c, const char *v, char *err, size_t len,
	    const struct key *k)
{
	int rc;

	c->net.port[0].nb_addrs = 0;
	rc = for_each_item(v, addr_item, c, NULL);
	if (rc == -E2BIG)
		return bad(err, len, k, v, "at most 8 addresses");
	if (rc < 0 || c->net.port[0].nb_addrs == 0)
		return bad(err, len, k, v,
			   "expected ADDR/LEN[, ADDR/LEN...] with LEN 1..32, e.g. 198.18.0.2/24");
	return 0;
}

static void
format_addrs(const struct pnd_conf *c, char *buf, size_t len)
{
	const struct pn_net_port_conf *p = &c->net.port[0];
	size_t off = 0;
	uint8_t i;

	buf[0] = '\0';
	for (i = 0; i < p->nb_addrs && off < len; i++) {
		char ip[INET_ADDRSTRLEN];

		format_ip(p->addr[i].ip, ip, sizeof(ip));
		off += (size_t)snprintf(buf + off, len - off, "%s%s/%u",
					i ? ", " : "", ip, p->addr[i].prefix_len);
	}
}

static int
parse_gateway(struct pnd_conf *c, const char *v, char *err, size_t len,
	      const struct key *k)
{
	if (*v == '\0') {
		c->net.gateway = 0;
		return 0;
	}
	if (parse_ip(v, &c->net.gateway) < 0)
		return bad(err, len, k, v, "expected an IPv4 address, or nothing");
	return 0;
}

static void
format_gateway(const struct pnd_conf *c, char *buf, size_t len)
{
	buf[0] = '\0';
	if (c->net.gateway)
		format_ip(c->net.gateway, buf, len);
}

static int
route_item(struct pnd_conf *c, char *s, void *arg)
{
	struct pn_net_route_conf *r;
	char *via = strstr(s, " via ");

	(void)arg;
	if (via == NULL)
		return -EINVAL;
	*via = '\0';
	if (c->net.nb_routes >= PN_NET_MAX_ROUTES)
		return -E2BIG;
	r = &c->net.route[c->net.nb_routes];
	if (prefix_item(s, &r->prefix, &r->prefix_len) < 0 ||
	    parse_ip(trim(via + 5), &r->gw) < 0)
		return -EINVAL;
	c->net.nb_routes++;
	return 0;
}

static int
parse_routes(struct pnd_conf *c, const char *v, char *err, size_t len,
	     const struct key *k)
{
	int rc;

	c->net.nb_routes = 0;
	rc = for_each_item(v, route_item, c, NULL);
	if (rc == -E2BIG)
		return bad(err, len, k, v, "at most 32 routes");
	if (rc < 0)
		return bad(err, len, k, v,
			   "expected PREFIX/LEN via GW[, ...], e.g. 198.19.0.0/16 via 198.18.0.1");
	return 0;
}

static void
format_routes(const struct pnd_conf *c, char *buf, size_t len)
{
	size_t off = 0;
	uint8_t i;

	buf[0] = '\0';
	for (i = 0; i < c->net.nb_routes && off < len; i++) {
		char p[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];

		format_ip(c->net.route[i].prefix, p, sizeof(p));
		format_ip(c->net.route[i].gw, g, sizeof(g));
		off += (size_t)snprintf(buf + off, len - off, "%s%s/%u via %s",
					i ? ", " : "", p,
					c->net.route[i].prefix_len, g);
	}
}

static int
arp_item(struct pnd_conf *c, char *s, void *arg)
{
	struct pn_net_static_arp *a;
	char *sp = strchr(s, ' ');

	(void)arg;
	if (sp == NULL)
		return -EINVAL;
	*sp = '\0';
	if (c->net.nb_static_arp >= PN_NET_MAX_STATIC_ARP)
		return -E2BIG;
	a = &c->net.static_arp[c->net.nb_static_arp];
	if (parse_ip(s, &a->ip) < 0 || parse_macstr(trim(sp + 1), a->mac) < 0)
		return -EINVAL;
	a->port_id = 0;
	c->net.nb_static_arp++;
	return 0;
}

static int
parse_arp(struct pnd_conf *c, const char *v, char *err, size_t len,
	  const struct key *k)
{
	int rc;

	c->net.nb_static_arp = 0;
	rc = for_each_item(v, arp_item, c, NULL);
	if (rc == -E2BIG)
		return bad(err, len, k, v, "at most 64 static entries");
	if (rc < 0)
		return bad(err, len, k, v,
			   "expected IP MAC[, ...], e.g. 198.18.0.1 02:00:00:00:00:01");
	return 0;
}

static void
format_arp(const struct pnd_conf *c, char *buf, size_t len)
{
	size_t off = 0;
	uint8_t i;

	buf[0] = '\0';
	for (i = 0; i < c->net.nb_static_arp && off < len; i++) {
		const uint8_t *m = c->net.static_arp[i].mac;
		char ip[INET_ADDRSTRLEN];

		format_ip(c->net.static_arp[i].ip, ip, sizeof(ip));
		off += (size_t)snprintf(buf + off, len - off,
					"%s%s %02x:%02x:%02x:%02x:%02x:%02x",
					i ? ", " : "", ip, m[0], m[1], m[2],
					m[3], m[4], m[5]);
	}
}

static int
parse_fwd(struct pnd_conf *c, const char *v, char *err, size_t len,
	  const struct key *k)
{
	char ip[INET_ADDRSTRLEN], *end;
	const char *colon = strrchr(v, ':');
	unsigned long port;
	uint32_t a;

	if (colon == NULL || (size_t)(colon - v) >= sizeof(ip))
		return bad(err, len, k, v, "expected A.B.C.D:PORT, e.g. 198.18.0.1:8080");
	memcpy(ip, v, (size_t)(colon - v));
	ip[colon - v] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (parse_ip(ip, &a) < 0 || colon[1] == '\0' || *end != '\0' || errno ||
	    port < 1 || port > 65535)
		return bad(err, len, k, v, "expected A.B.C.D:PORT with PORT 1..65535, e.g. 198.18.0.1:8080");
	if (a == 0 || a == 0xffffffff || (a >> 28) == 0xe)
		return bad(err, len, k, v, "the backend must be a unicast address");
	c->forward_ip = a;
	c->forward_to_port = (uint16_t)port;
	return 0;
}

static void
format_fwd(const struct pnd_conf *c, char *buf, size_t len)
{
	char ip[INET_ADDRSTRLEN];

	format_ip(c->forward_ip, ip, sizeof(ip));
	snprintf(buf, len, "%s:%u", ip, c->forward_to_port);
}

/* --- the generic part --- */

static void
put_uint(void *p, size_t size, uint64_t v)
{
	switch (size) {
	case 1: *(uint8_t *)p = (uint8_t)v; break;
	case 2: *(uint16_t *)p = (uint16_t)v; break;
	case 4: *(uint32_t *)p = (uint32_t)v; break;
	default: *(uint64_t *)p = v; break;
	}
}

static uint64_t
get_uint(const void *p, size_t size)
{
	switch (size) {
	case 1: return *(const uint8_t *)p;
	case 2: return *(const uint16_t *)p;
	case 4: return *(const uint32_t *)p;
	default: return *(const uint64_t *)p;
	}
}

static bool
enum_has(const char *choices, const char *v)
{
	size_t n = strlen(v);
	const char *p = choices;

	while (*p) {
		const char *bar = strchr(p, '|');
		size_t l = bar ? (size_t)(bar - p) : strlen(p);

		if (l == n && strncmp(p, v, n) == 0)
			return true;
		if (bar == NULL)
			break;
		p = bar + 1;
	}
	return false;
}

static int
key_set(struct pnd_conf *c, const struct key *k, const char *v, char *err,
	size_t len)
{
	void *field = (char *)c + k->off;
	char name[64], *end;
	unsigned long long u;

	switch (k->type) {
	case K_UINT:
		snprintf(name, sizeof(name), "[%s] %s", k->section, k->name);
		errno = 0;
		u = strtoull(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0 || *v == '-')
			return bad(err, len, k, v, "expected a whole number");
		if (k->pow2 ? pn_conf_check_pow2(name, u, k->min, k->max, err, len) :
			      pn_conf_check_range(name, u, k->min, k->max, err, len))
			return -EINVAL;
		put_uint(field, k->size, u);
		return 0;
	case K_BOOL:
		if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on") ||
		    !strcmp(v, "1"))
			*(bool *)field = true;
		else if (!strcmp(v, "false") || !strcmp(v, "no") ||
			 !strcmp(v, "off") || !strcmp(v, "0"))
			*(bool *)field = false;
		else
			return bad(err, len, k, v, "expected true or false");
		return 0;
	case K_STR:
		if (strlen(v) >= k->size) {
			snprintf(name, sizeof(name), "longer than %zu characters",
				 k->size - 1);
			return bad(err, len, k, v, name);
		}
		strcpy(field, v);
		return 0;
	case K_ENUM:
		if (!enum_has(k->choices, v)) {
			snprintf(name, sizeof(name), "expected one of %s", k->choices);
			return bad(err, len, k, v, name);
		}
		strcpy(field, v);
		return 0;
	case K_FN:
		return k->parse(c, v, err, len, k);
	}
	return -EINVAL;
}

static void
key_format(const struct pnd_conf *c, const struct key *k, char *buf, size_t len)
{
	const void *field = (const char *)c + k->off;

	switch (k->type) {
	case K_UINT:
		snprintf(buf, len, "%" PRIu64, get_uint(field, k->size));
		break;
	case K_BOOL:
		snprintf(buf, len, "%s", *(const bool *)field ? "true" : "false");
		break;
	case K_STR:
	case K_ENUM:
		snprintf(buf, len, "%s", (const char *)field);
		break;
	case K_FN:
		k->format(c, buf, len);
		break;
	}
}

static const struct key *
key_find(const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < RTE_DIM(keys); i++)
		if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

static bool
section_known(const char *s)
{
	size_t i;

	for (i = 0; i < RTE_DIM(sections); i++)
		if (!strcmp(sections[i], s))
			return true;
	return false;
}

void
pnd_conf_default(struct pnd_conf *c)
{
	char err[256];
	size_t i;

	memset(c, 0, sizeof(*c));
	pn_virtio_conf_default(&c->virtio);
	pn_port_conf_default(&c->port);
	pn_napi_conf_default(&c->napi);
	pn_net_conf_default(&c->net);
	pn_tcp_conf_default(&c->tcp);
	c->net.nb_ports = 1;
	for (i = 0; i < RTE_DIM(keys); i++)
		if (key_set(c, &keys[i], keys[i].def, err, sizeof(err)) < 0) {
			/* A schema default that does not parse is a bug here. */
			fprintf(stderr, "pollnetd: built-in default: %s\n", err);
			abort();
		}
}

int
pnd_conf_tag(struct pnd_conf *c, const char *tag, char *err, size_t len)
{
	size_t i, n = tag ? strlen(tag) : 0;

	if (n == 0)
		return 0;
	/* Not islower(): the locale must not widen what names may hold. */
	for (i = 0; i < n; i++)
		if (!(tag[i] >= 'a' && tag[i] <= 'z') && !(tag[i] >= '0' && tag[i] <= '9'))
			break;
	if (i < n || n > PND_TAG_MAX) {
		snprintf(err, len, "PN_TAG='%s': must be 1..%d characters of a-z 0-9 (it goes into file prefixes, socket paths, namespace and interface names)",
			 tag, PND_TAG_MAX);
		return -EINVAL;
	}
	snprintf(c->file_prefix, sizeof(c->file_prefix), "pollnetd-%s", tag);
	snprintf(c->virtio.path, sizeof(c->virtio.path),
		 "/tmp/pn-peer-pollnet-%s/vh.sock", tag);
	return 0;
}

int
pnd_conf_load(struct pnd_conf *c, const char *path, char *err, size_t len)
{
	struct rte_cfgfile *f;
	char names[16][CFG_NAME_LEN];
	char *sp[16];
	int ns, i, j, rc = 0;

	f = rte_cfgfile_load(path, CFG_FLAG_EMPTY_VALUES);
	if (f == NULL) {
		snprintf(err, len, "config %s: cannot read it (%s), or it is not INI",
			 path, strerror(errno ? errno : EINVAL));
		return -ENOENT;
	}
	ns = rte_cfgfile_num_sections(f, NULL, 0);
	if (ns > (int)RTE_DIM(names)) {
		snprintf(err, len, "config %s: %d sections; known are eal, port, napi, net, tcp, services, pollnetd",
			 path, ns);
		rc = -EINVAL;
		goto out;
	}
	for (i = 0; i < ns; i++)
		sp[i] = names[i];
	rte_cfgfile_sections(f, sp, ns);
	for (i = 0; i < ns && rc == 0; i++) {
		struct rte_cfgfile_entry ent[64];
		int ne;

		if (!section_known(names[i])) {
			snprintf(err, len, "config %s: unknown section [%s] (known: eal, port, napi, net, tcp, services, pollnetd)",
				 path, names[i]);
			rc = -EINVAL;
			break;
		}
		ne = rte_cfgfile_section_entries(f, names[i], ent, RTE_DIM(ent));
		for (j = 0; j < ne; j++) {
			const struct key *k = key_find(names[i], ent[j].name);
			char e2[256];

			if (k == NULL) {
				snprintf(err, len, "config %s: [%s] %s: unknown key (pollnetd --print-config lists them)",
					 path, names[i], ent[j].name);
				rc = -EINVAL;
				break;
			}
			if (key_set(c, k, ent[j].value, e2, sizeof(e2)) < 0) {
				snprintf(err, len, "config %s: %s", path, e2);
				rc = -EINVAL;
				break;
			}
		}
	}
out:
	rte_cfgfile_close(f);
	return rc;
}

int
pnd_conf_set(struct pnd_conf *c, const char *assignment, char *err, size_t len)
{
	char buf[512], *dot, *eq;
	const struct key *k;

	if (strlen(assignment) >= sizeof(buf)) {
		snprintf(err, len, "--set %.40s...: too long", assignment);
		return -EINVAL;
	}
	strcpy(buf, assignment);
	dot = strchr(buf, '.');
	eq = strchr(buf, '=');
	if (dot == NULL || eq == NULL || dot > eq) {
		snprintf(err, len, "--set %s: expected SECTION.KEY=VALUE, e.g. napi.weight=32",
			 assignment);
		return -EINVAL;
	}
	*dot = '\0';
	*eq = '\0';
	k = key_find(trim(buf), trim(dot + 1));
	if (k == NULL) {
		snprintf(err, len, "--set %s: unknown key [%s] %s (pollnetd --print-config lists them)",
			 assignment, trim(buf), trim(dot + 1));
		return -EINVAL;
	}
	return key_set(c, k, trim(eq + 1), err, len);
}

int
pnd_conf_shards(const struct pnd_conf *c)
{
	/* Count lcore groups: "0@0,1@0", "0-2", "(1,2)@0" ... via rte's own
	 * parser would need EAL up; count the comma separated items at the
	 * top level and expand simple ranges. */
	const char *p = c->lcores;
	int n = 0, depth = 0;
	long a, b;
	char *end;

	while (*p) {
		if (*p == '(') {
			depth++;
			p++;
			continue;
		}
		if (*p == ')') {
			depth--;
			p++;
			continue;
		}
		if (isdigit((unsigned char)*p)) {
			a = strtol(p, &end, 10);
			b = a;
			if (*end == '-')
				b = strtol(end + 1, &end, 10);
			n += (int)(b >= a ? b - a + 1 : 1);
			p = end;
			if (*p == '@') { /* skip the CPU set */
				p++;
				if (*p == '(') {
					while (*p && *p != ')')
						p++;
					if (*p)
						p++;
				} else {
					while (*p && *p != ',')
						p++;
				}
			}
			continue;
		}
		p++;
	}
	(void)depth;
	return n - 1;
}

/* Ports of the enabled services differ; http_root is a directory. */
static int
services_check(const struct pnd_conf *c, char *err, size_t len)
{
	const struct { bool on; uint16_t port; const char *name; } s[] = {
		{ c->svc_echo, c->echo_port, "echo_port" },
		{ c->svc_discard, c->discard_port, "discard_port" },
		{ c->svc_http, c->http_port, "http_port" },
		{ c->svc_forward, c->forward_port, "forward_port" },
	};
	struct stat st;
	size_t i, j;

	for (i = 0; i < RTE_DIM(s); i++)
		for (j = i + 1; j < RTE_DIM(s); j++)
			if (s[i].on && s[j].on && s[i].port == s[j].port) {
				snprintf(err, len, "[services] two services on one port (%s = %u, %s = %u)",
					 s[i].name, s[i].port, s[j].name, s[j].port);
				return -EINVAL;
			}
	if (c->svc_http && c->http_root[0] != '\0') {
		if (stat(c->http_root, &st) < 0) {
			snprintf(err, len, "[services] http_root = \"%s\": %s",
				 c->http_root, strerror(errno));
			return -EINVAL;
		}
		if (!S_ISDIR(st.st_mode)) {
			snprintf(err, len, "[services] http_root = \"%s\": not a directory",
				 c->http_root);
			return -EINVAL;
		}
	}
	return 0;
}

int
pnd_conf_check(const struct pnd_conf *c, char *err, size_t len)
{
	int shards = pnd_conf_shards(c);

	if (shards < 1 || shards > PN_MAX_SHARDS) {
		snprintf(err, len, "[eal] lcores = \"%s\": needs the main lcore and 1..%d workers, e.g. 0@0,1@0",
			 c->lcores, PN_MAX_SHARDS);
		return -EINVAL;
	}
	if (c->queues > (uint32_t)shards) {
		snprintf(err, len, "[port] queues = %u: more than the %d shard(s) of [eal] lcores = \"%s\" (accepted: 0..%d, 0 = one per shard)",
			 c->queues, shards, c->lcores, shards);
		return -EINVAL;
	}
	if (pn_conf_check_pow2("[port] queue_size", c->virtio.queue_size, 64,
			       4096, err, len) < 0)
		return -EINVAL;
	if (c->virtio.pci[0] == '\0' && c->virtio.path[0] == '\0') {
		snprintf(err, len, "[port] path and pci are both empty: set a vhost-user socket path or a PCI address");
		return -EINVAL;
	}
	if (pn_napi_conf_check(&c->napi, err, len) < 0)
		return -EINVAL;
	if (c->tcp.rcvbuf_max < c->tcp.rcvbuf) {
		snprintf(err, len, "[tcp] rcvbuf_max = %u is below rcvbuf = %u",
			 c->tcp.rcvbuf_max, c->tcp.rcvbuf);
		return -EINVAL;
	}
	if (c->svc_http && c->http_body_size + 256 > c->tcp.sndbuf) {
		snprintf(err, len, "[services] http_body_size = %u does not fit [tcp] sndbuf = %u with its header: raise sndbuf",
			 c->http_body_size, c->tcp.sndbuf);
		return -EINVAL;
	}
	if (services_check(c, err, len) < 0)
		return -EINVAL;
	if (pn_tcp_conf_check(&c->tcp, err, len) < 0)
		return -EINVAL;
	return pn_net_conf_check(&c->net, err, len);
}

void
pnd_conf_print(const struct pnd_conf *c, FILE *f)
{
	const char *cur = "";
	size_t i;

	for (i = 0; i < RTE_DIM(keys); i++) {
		char v[1024];

		if (strcmp(cur, keys[i].section)) {
			cur = keys[i].section;
			fprintf(f, "%s[%s]\n", i ? "\n" : "", cur);
		}
		key_format(c, &keys[i], v, sizeof(v));
		fprintf(f, "; %s", keys[i].doc);
		if (keys[i].type == K_UINT)
			fprintf(f, " (%" PRIu64 "..%" PRIu64 ")", keys[i].min, keys[i].max);
		else if (keys[i].type == K_ENUM)
			fprintf(f, " (%s)", keys[i].choices);
		fprintf(f, "\n%s = %s\n", keys[i].name, v);
	}
}
