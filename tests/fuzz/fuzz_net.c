/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the whole input path of lib/net, lwIP-style: raw
 * Ethernet frames on a fuzz-driven clock. The world: two lcores (shards)
 * on a manual clock, for the process; shard 0 polls a fake RX queue as a
 * NAPI instance, both send through a fake TX that checks and frees every
 * frame. Each input gets a fresh pn_net per shard (one port, two
 * addresses, a static route, a gateway with a static ARP entry, every
 * limit small and every timeout short), announces itself (gratuitous
 * ARP), and splits the input into records:
 * and splits the input into records:
 *
 *   u16 len (big endian) | u8 clock | u8 flags | len bytes of frame
 *
 * clock: 0 queues the frame with the next ones (one RX burst); otherwise
 *   a round runs, the clock advances by (clock & 31) + 1 units of
 *   1 us * 10^(clock >> 5) (1 us .. 320 s) and another round runs, so
 *   ARP retransmits, ARP failure and reassembly timeouts fire.
 * flags: bits 0-1 the device's IPv4 checksum verdict (unknown, good,
 *   bad, none); bit 2 received on port 1 (not configured); bits 3-7 k:
 *   0 one segment, else a chain whose first segment is split_at[k] bytes.
 *   Frames longer than a segment are chained anyway.
 *
 * Every frame sent is checked as it goes: well-formed, from us, never to
 * a broadcast or non-host IPv4 address. After the last record the RX
 * queue is drained, counters are checked against each other (shard 1
 * must have heard of every neighbour shard 0 learnt), telemetry reads
 * the state, then the clock runs past every timeout: by then every mbuf
 * must be back in the pool, and after pn_net_free every timer cancelled
 * and every rte_malloc byte freed. Any broken invariant aborts.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_random.h>
#include <rte_telemetry.h>

#include "arp.h"
#include "cksum.h"
#include "ether.h"
#include "fuzz_util.h"
#include "icmp.h"
#include "ipopt.h"
#include "ipv4.h"
#include "lcore.h"
#include "net.h"
#include "net_priv.h"	/* pn_net_telemetry_call */
#include "test_eal.h"

#define CHECK(x) FZ_CHECK(x, fz_dump())

#define FZ_POOL_SIZE	256	/* small: exhaustion is reachable */
#define FZ_RXQ_SIZE	32
#define FZ_REC_HDR	4
#define FZ_SETTLE_STEP	(100 * PN_NS_PER_MS)
#define FZ_SETTLE_MAX	100	/* steps: 10 s, past every timeout below */

static const uint8_t MAC_US[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t MAC_GW[6] = { 0x02, 0, 0, 0, 0, 0xfe };
#define IP_US1	PN_IPV4(198, 18, 0, 2)		/* /24 */
#define IP_US2	PN_IPV4(192, 0, 2, 9)		/* /29 */
#define IP_GW	PN_IPV4(198, 18, 0, 254)	/* static ARP */
#define IP_RTR	PN_IPV4(192, 0, 2, 10)		/* 198.19.0.0/16 via */

/* Where a 2-segment chain splits: inside and at the edges of headers. */
static const uint16_t split_at[32] = {
	0, 1, 6, 12, 13, 14, 15, 16, 20, 24, 30, 33, 34, 35, 38, 41,
	42, 43, 46, 50, 54, 58, 62, 64, 128, 256, 512, 590, 1024, 1500,
	1514, 2000,
};

/* The fake RX queue: a NAPI instance the lcore polls. */
struct fz_rxq {
	struct pn_napi napi;
	struct rte_mbuf *m[FZ_RXQ_SIZE];
	unsigned int head, len;
};

/*
 * The world. Static: the fake TX needs it; one input at a time. Two
 * shards on one clock: every frame arrives on shard 0 (no steering);
 * shard 1 only hears of neighbours through PN_MSG_ARP_UPDATE.
 */
#define FZ_SHARDS 2
static struct fz {
	struct pn_clock clock;
	struct pn_shards shards;
	struct pn_lcore lc[FZ_SHARDS];	/* for the process, reset per input */
	struct fz_rxq rxq;		/* shard 0's */
	struct pn_net *net[FZ_SHARDS];	/* per input */
	uint64_t rx_frames;	/* handed to the lcore by the fake queue */
	uint64_t rx_nombuf;	/* input frames skipped: pool empty */
	uint64_t tx_frames, tx_arp, tx_ip;
	bool live;
} W;

static struct pn_net_conf conf;
static struct rte_mempool *pool;
static unsigned int pool_full;
static uint64_t heap0_count, heap0_bytes;
static bool verbose;	/* FUZZ_NET_VERBOSE set: counters after each input */

static void
fz_dump(void)
{
	const struct pn_net_stat *s;
	unsigned int i;

	if (!W.live)
		return;
	s = pn_net_stats(W.net[0]);
	fprintf(stderr,
		"fuzz_net: pool %u/%u, rx %" PRIu64 " nombuf %" PRIu64
		" tx %" PRIu64 " (arp %" PRIu64 " ip %" PRIu64 ")\n"
		"  ip_in %" PRIu64 " delivered %" PRIu64 " out %" PRIu64
		" frag_in %" PRIu64 " reasm ok/fail/timeout %" PRIu64 "/%" PRIu64
		"/%" PRIu64 " frag ok/out %" PRIu64 "/%" PRIu64 "\n"
		"  icmp in %" PRIu64 " out %" PRIu64 " echo %" PRIu64
		" err %" PRIu64 " arp in %" PRIu64 " out %" PRIu64
		" req %" PRIu64 " rep %" PRIu64 " pend_drop %" PRIu64
		" failed %" PRIu64 " nomem %" PRIu64 "\n",
		rte_mempool_avail_count(pool), pool_full, W.rx_frames,
		W.rx_nombuf, W.tx_frames, W.tx_arp, W.tx_ip, s->ip_in,
		s->ip_delivered, s->ip_out, s->frag_in, s->reasm_ok,
		s->reasm_fail, s->reasm_timeout, s->frag_ok, s->frag_out,
		s->icmp_in, s->icmp_out, s->icmp_echo_in, s->icmp_err_out,
		s->arp_in, s->arp_out, s->arp_requests, s->arp_replies,
		s->arp_pending_dropped, s->arp_failed, s->nomem);
	fprintf(stderr, "  arp learned %" PRIu64 " msg out %" PRIu64
		", shard 1 msg in %" PRIu64 "\n", s->arp_learned,
		s->arp_msg_out, pn_net_stats(W.net[1])->arp_msg_in);
	for (i = 0; i < PN_DROP__MAX; i++)
		if (W.lc[0].stat.drop[i])
			fprintf(stderr, "  drop %s %" PRIu64 "\n",
				pn_drop_name((enum pn_drop_reason)i),
				W.lc[0].stat.drop[i]);
}

static void
fz_conf(struct pn_net_conf *c)
{
	struct pn_net_port_conf *p = &c->port[0];

	pn_net_conf_default(c);
	memcpy(p->mac, MAC_US, 6);
	p->mtu = 576;			/* echo replies fragment early */
	p->nb_addrs = 2;
	p->addr[0].ip = IP_US1;
	p->addr[0].prefix_len = 24;
	p->addr[1].ip = IP_US2;
	p->addr[1].prefix_len = 29;
	c->gateway = IP_GW;
	c->nb_routes = 1;
	c->route[0].prefix = PN_IPV4(198, 19, 0, 0);
	c->route[0].prefix_len = 16;
	c->route[0].gw = IP_RTR;
	c->nb_static_arp = 1;
	c->static_arp[0].port_id = 0;
	c->static_arp[0].ip = IP_GW;
	memcpy(c->static_arp[0].mac, MAC_GW, 6);
	/* Every limit small, every timeout short: all reachable. */
	c->arp.cache_size = 16;
	c->arp.reachable_ms = 1000;
	c->arp.retrans_ms = 100;
	c->arp.max_probes = 3;
	c->arp.pending_max = 4;
	c->reasm.max_flows = 4;
	c->reasm.timeout_ms = 1000;
	c->reasm.max_frags = 8;
	c->reasm.max_held = 12;
	c->icmp.rate = 10;
	c->icmp.burst = 5;
}

/* --- the fake device --- */

static int
fz_rxq_poll(struct pn_lcore *lc, struct pn_napi *n, int weight)
{
	struct fz_rxq *q = n->ctx;
	struct rte_mbuf *pkts[FZ_RXQ_SIZE];
	unsigned int k = 0;

	while (q->len > 0 && k < (unsigned int)weight) {
		pkts[k++] = q->m[q->head];
		q->head = (q->head + 1) % FZ_RXQ_SIZE;
		q->len--;
	}
	W.rx_frames += k;
	if (k > 0)
		pn_lcore_rx(lc, pkts, (uint16_t)k);
	return (int)k;
}

static const struct pn_napi_ops fz_rxq_ops = { .poll = fz_rxq_poll };

static bool
ip_is_ours(uint32_t ip)
{
	return ip == IP_US1 || ip == IP_US2;
}

/* A single host we may send to: no 0/8, loopback, group, broadcast, us. */
static bool
ip_is_host(uint32_t ip)
{
	const struct pn_net_port_conf *p = &conf.port[0];
	unsigned int a;

	if (ip >> 24 == 0 || ip >> 24 == 127 || ip >> 28 >= 0xe ||
	    ip_is_ours(ip))
		return false;
	for (a = 0; a < p->nb_addrs; a++) {
		uint32_t m = UINT32_MAX << (32 - p->addr[a].prefix_len);

		if (ip == ((p->addr[a].ip & m) | ~m))
			return false;
	}
	return true;
}

/* Where a datagram we send is going (fuzz_util.h): the end of its
 * source route, if any. */
static uint32_t
final_dst(const struct pn_ipv4_hdr *ip)
{
	uint32_t dst;

	CHECK(fz_final_dst(ip, &dst));
	return dst;
}

/*
 * An ICMP message we send (unfragmented): a right checksum, an echo reply
 * that parses, or an error (unreachable, reassembly time exceeded,
 * parameter problem) quoting (RFC 792) a datagram from the host we
 * send it to (at the end of its source route, if any), to us. Not
 * pn_icmp_parse for errors: it wants 8 bytes of L4 in the quote, and a
 * datagram with less is quoted whole.
 */
static void
fz_check_tx_icmp(const struct pn_ipv4_hdr *ip, const uint8_t *p, uint32_t len)
{
	struct pn_icmp_hdr ic;

	CHECK(len >= PN_ICMP_HDR_LEN && pn_cksum(p, len) == 0);
	if (p[0] == PN_ICMP_ECHO_REPLY) {
		CHECK(pn_icmp_parse(p, len, &ic) == 0);
		return;
	}
	CHECK(p[0] == PN_ICMP_DEST_UNREACH ||
	      (p[0] == PN_ICMP_TIME_EXCEEDED && p[1] == PN_ICMP_EXC_FRAGTIME) ||
	      (p[0] == PN_ICMP_PARAM_PROBLEM && p[1] == 0));
	CHECK(len >= PN_ICMP_HDR_LEN + PN_IPV4_HDR_MIN_LEN);
	/* a parameter problem points into the quoted header's options */
	CHECK(p[0] != PN_ICMP_PARAM_PROBLEM ||
	      (p[4] >= PN_IPV4_HDR_MIN_LEN &&
	       p[4] < (uint32_t)(p[PN_ICMP_HDR_LEN] & 0x0f) * 4));
	p += PN_ICMP_HDR_LEN;
	CHECK(p[0] >> 4 == 4);
	CHECK(((uint32_t)p[12] << 24 | (uint32_t)p[13] << 16 |
	       (uint32_t)p[14] << 8 | p[15]) == final_dst(ip));
	CHECK(ip_is_ours((uint32_t)p[16] << 24 | (uint32_t)p[17] << 16 |
			 (uint32_t)p[18] << 8 | p[19]));
}

/* Everything we send must be a well-formed frame from us. */
static void
fz_check_tx(struct rte_mbuf *m)
{
	static uint8_t buf[PN_ETHER_HDR_LEN + 65536];
	const char *why = NULL;
	struct pn_ether_hdr eh;
	const uint8_t *p;
	uint32_t len = m->pkt_len;

	if (rte_mbuf_check(m, 1, &why) != 0)
		fprintf(stderr, "fuzz_net: bad mbuf sent: %s\n", why);
	CHECK(why == NULL);
	CHECK(len >= PN_ETHER_HDR_LEN &&
	      len <= PN_ETHER_HDR_LEN + (uint32_t)conf.port[0].mtu);
	p = rte_pktmbuf_read(m, 0, len, buf);
	CHECK(p != NULL);
	CHECK(pn_ether_parse(p, len, &eh) == 0);
	CHECK(eh.hdr_len == PN_ETHER_HDR_LEN);
	CHECK(memcmp(eh.src, MAC_US, 6) == 0);
	CHECK(!pn_ether_is_multicast(eh.dst) ||
	      pn_ether_is_broadcast(eh.dst));
	p += PN_ETHER_HDR_LEN;
	len -= PN_ETHER_HDR_LEN;
	if (eh.ethertype == PN_ETHER_TYPE_ARP) {
		struct pn_arp a;

		W.tx_arp++;
		CHECK(len == PN_ARP_LEN);
		CHECK(pn_arp_parse(p, len, &a) == 0);
		CHECK(memcmp(a.sha, MAC_US, 6) == 0 && ip_is_ours(a.spa));
		if (a.op == PN_ARP_OP_REPLY)
			CHECK(memcmp(eh.dst, a.tha, 6) == 0);
	} else {
		struct pn_ipv4_hdr ip;

		W.tx_ip++;
		CHECK(eh.ethertype == PN_ETHER_TYPE_IPV4);
		/* IPv4 to the wire's broadcast: only for directed/limited
		 * broadcast destinations, which we never answer. */
		CHECK(!pn_ether_is_broadcast(eh.dst));
		CHECK(pn_ipv4_parse(p, len, 0, &ip) == 0);
		CHECK(ip.total_len == len && ip.ttl == conf.ttl);
		CHECK(ip_is_ours(ip.src));
		CHECK(ip_is_host(ip.dst) && ip_is_host(final_dst(&ip)));
		CHECK(ip.proto == PN_IPV4_PROTO_ICMP);
		if (!ip.mf && ip.frag_off == 0)
			fz_check_tx_icmp(&ip, p + ip.hdr_len, len - ip.hdr_len);
	}
}

static uint16_t
fz_tx_burst(struct pn_lcore *lc, uint16_t port, uint16_t queue,
	    struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	(void)lc;
	(void)queue;
	CHECK(port == 0);
	for (i = 0; i < n; i++) {
		fz_check_tx(pkts[i]);
		rte_pktmbuf_free(pkts[i]);
	}
	W.tx_frames += n;
	return n;
}

/* --- set-up, once per process and once per input --- */

/*
 * The lcore lives for the whole process (a fresh timer wheel per input
 * would cost most of the time); everything lib/net touches is per input.
 * Each input starts on an empty wheel at a whole number of wheel
 * rotations, with zeroed counters and the poll order reset, so the same
 * input runs the same way whatever ran before it.
 */
static void
fz_lcore_init(void)
{
	struct pn_napi_conf nc;
	uint16_t i;

	pn_napi_conf_default(&nc);
	nc.weight = 16;		/* budget squeezes are reachable */
	nc.budget = 24;
	pn_clock_init_manual(&W.clock, PN_NS_PER_S);
	for (i = 0; i < FZ_SHARDS; i++) {
		CHECK(pn_lcore_init(&W.lc[i], &W.shards, i, &nc, &W.clock,
				    SOCKET_ID_ANY) == 0);
		W.lc[i].ops.tx_burst = fz_tx_burst;
		CHECK(pn_lcore_add_txq(&W.lc[i], 0, i) == 0);
	}
	W.rxq.napi.ops = &fz_rxq_ops;
	W.rxq.napi.ctx = &W.rxq;
	snprintf(W.rxq.napi.name, sizeof(W.rxq.napi.name), "fuzz-rxq");
	CHECK(pn_lcore_add_napi(&W.lc[0], &W.rxq.napi) == 0);
}

/* One loop round on every shard. */
static void
fz_round(void)
{
	unsigned int i;

	for (i = 0; i < FZ_SHARDS; i++)
		pn_lcore_round(&W.lc[i]);
}

static void
fz_start(void)
{
	uint64_t rot = W.lc[0].timers.tick_ns * W.lc[0].timers.nslots;
	unsigned int s;
	uint8_t i;

	CHECK(W.rxq.len == 0);
	CHECK(rte_mempool_avail_count(pool) == pool_full);
	pn_clock_set(&W.clock, (pn_clock_now(&W.clock) / rot + 2) * rot);
	W.rx_frames = W.rx_nombuf = 0;
	W.tx_frames = W.tx_arp = W.tx_ip = 0;
	rte_srand(1);		/* the IP ID: same input, same output */
	for (s = 0; s < FZ_SHARDS; s++) {
		struct pn_lcore *lc = &W.lc[s];

		CHECK(lc->timers.count == 0);
		lc->now = pn_clock_now(&W.clock);
		pn_timer_wheel_run(&lc->timers, lc->now);
		memset(&lc->stat, 0, sizeof(lc->stat));
		for (i = 0; i < lc->nb_napi; i++)
			lc->order[i] = i;
		CHECK(pn_net_create(&conf, lc, pool, &W.net[s]) == 0);
	}
	W.live = true;
	pn_net_start(W.net[0]);		/* gratuitous ARPs, sent next round */
}

/* Telemetry reads what the input left (and must not crash on it). */
static void
fz_telemetry(void)
{
	static const char *const cmd[][2] = {
		{ "/pollnet/arp", "0" }, { "/pollnet/arp", "1" },
		{ "/pollnet/ip", "1" }, { "/pollnet/routes", NULL },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(cmd); i++) {
		struct rte_tel_data *d = rte_tel_data_alloc();

		CHECK(d != NULL);
		CHECK(pn_net_telemetry_call(cmd[i][0], cmd[i][1], d) == 0);
		rte_tel_data_free(d);
	}
}

static void
fz_stop(void)
{
	unsigned int s;

	W.live = false;
	for (s = 0; s < FZ_SHARDS; s++) {
		pn_net_free(W.net[s]);
		W.net[s] = NULL;
		/* pn_net_free cancelled every timer it armed. */
		CHECK(W.lc[s].timers.count == 0);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	pn_test_eal_init();
	/* Its own pool, no per-lcore cache: the free count is exact. */
	pool = rte_pktmbuf_pool_create("fuzz_net_pool", FZ_POOL_SIZE, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (pool == NULL)
		abort();
	pool_full = rte_mempool_avail_count(pool);
	fz_conf(&conf);
	fz_lcore_init();
	verbose = getenv("FUZZ_NET_VERBOSE") != NULL;
	/* One warm-up input: first-use allocations (telemetry) settle. */
	LLVMFuzzerTestOneInput(NULL, 0);
	fz_heap_usage(&heap0_count, &heap0_bytes);
	return 0;
}

/* --- one input --- */

static void
fz_rx(const uint8_t *p, uint32_t len, uint8_t flags)
{
	static const uint64_t csum[4] = {
		RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN, RTE_MBUF_F_RX_IP_CKSUM_GOOD,
		RTE_MBUF_F_RX_IP_CKSUM_BAD, RTE_MBUF_F_RX_IP_CKSUM_NONE,
	};
	struct fz_rxq *q = &W.rxq;
	struct rte_mbuf *m;

	/* A full queue is polled first, as the device would be. */
	while (q->len == FZ_RXQ_SIZE)
		fz_round();
	m = fz_mbuf_chain(pool, p, len, split_at[flags >> 3]);
	if (m == NULL) {
		W.rx_nombuf++;
		return;
	}
	m->port = (flags & 4) ? 1 : 0;
	m->ol_flags |= csum[flags & 3];
	q->m[(q->head + q->len) % FZ_RXQ_SIZE] = m;
	q->len++;
}

static void
fz_check_counters(void)
{
	const struct pn_net_stat *s = pn_net_stats(W.net[0]);
	const struct pn_net_stat *s1 = pn_net_stats(W.net[1]);
	const struct pn_softnet_stat *ls = &W.lc[0].stat;
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < PN_DROP__MAX; i++)
		sum += ls->drop[i];
	CHECK(sum == ls->drops);
	/* frames to our own addresses come back through the backlog */
	CHECK(ls->processed == W.rx_frames + ls->msg_in + ls->steered_in);
	CHECK(ls->tx_packets + W.lc[1].stat.tx_packets == W.tx_frames);
	CHECK(W.tx_frames == W.tx_arp + W.tx_ip);
	CHECK(s->arp_in + s->ip_in <= W.rx_frames + ls->steered_in);
	CHECK(s->frag_in <= s->ip_in);
	CHECK(s->reasm_ok + s->reasm_fail + s->reasm_timeout <= s->frag_in);
	CHECK(s->ip_delivered <= s->ip_in - s->frag_in + s->reasm_ok);
	CHECK(s->icmp_in <= s->ip_delivered);
	CHECK(s->icmp_echo_in <= s->icmp_in);
	CHECK(s->icmp_out == s->icmp_echo_in + s->icmp_err_out);
	/* Only ICMP sends IPv4, always with a route (the default). */
	CHECK(s->ip_out == s->icmp_out);
	CHECK(s->frag_out >= 2 * s->frag_ok);
	CHECK(W.tx_ip <= s->ip_out - s->frag_ok + s->frag_out);
	CHECK(s->arp_out == s->arp_requests + s->arp_replies);
	CHECK(W.tx_arp == s->arp_out);
	CHECK(s->arp_failed <= s->arp_requests);
	/* Shard 1 heard of every neighbour shard 0 learnt, and of every
	 * reply to it, news or not (arp_confirm's ARP_FROM_REPLY): at most
	 * one message per ARP packet received; shard 1 sent nothing. */
	CHECK(s->arp_msg_out <= s->arp_in);
	CHECK(s1->arp_msg_in == s->arp_msg_out);
	CHECK(s1->arp_out == 0 && s1->ip_out == 0 && s1->arp_msg_out == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t hc, hb;
	size_t off = 0;
	unsigned int i;

	fz_start();
	while (size - off >= FZ_REC_HDR) {
		uint32_t len = (uint32_t)data[off] << 8 | data[off + 1];
		uint8_t clk = data[off + 2], flags = data[off + 3];

		off += FZ_REC_HDR;
		len = (uint32_t)RTE_MIN((size_t)len, size - off);
		if (len > 0)
			fz_rx(data + off, len, flags);
		off += len;
		if (clk != 0) {
			fz_round();
			pn_clock_advance(&W.clock, fz_clock_ns(clk));
			fz_round();
		}
	}
	/* Drain: every frame reaches lib/net, every message shard 1. */
	for (i = 0; W.rxq.len > 0 || i < 2; i++) {
		CHECK(i < 2 * FZ_RXQ_SIZE);
		fz_round();
	}
	fz_check_counters();
	fz_telemetry();
	/* Past every timeout (ARP probes, reassembly): all mbufs back. */
	for (i = 0; i < FZ_SETTLE_MAX &&
		    rte_mempool_avail_count(pool) != pool_full; i++) {
		pn_clock_advance(&W.clock, FZ_SETTLE_STEP);
		fz_round();
	}
	CHECK(rte_mempool_avail_count(pool) == pool_full);
	fz_check_counters();
	if (verbose)
		fz_dump();
	fz_stop();
	CHECK(rte_mempool_avail_count(pool) == pool_full);
	/* rte_malloc'd state (pn_net, rings) all freed; not during the
	 * warm-up input, which sets the baseline. */
	if (heap0_count != 0) {
		fz_heap_usage(&hc, &hb);
		CHECK(hc == heap0_count && hb == heap0_bytes);
	}
	return 0;
}
