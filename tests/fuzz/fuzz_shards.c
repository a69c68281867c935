/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for TCP on two shards: software steering between
 * them, active opens from ephemeral and from bound ports (whose replies
 * may hash to the other shard: lib/tcp/tcp_redir.c passes them on), a
 * listener on each shard, segments from the peer arriving on either
 * shard's RX queue, sends, reads, closes and aborts, each shard's rounds
 * run in any order, on a fuzz-driven clock. fuzz_tcp.c checks one
 * shard's TCP in depth; this one checks what only two shards have: the
 * steering rings, the redirect table and its messages, and connections
 * ending while their segments or messages are still on the way.
 *
 * The world: two lcores (shards 0 and 1) on one manual clock, for the
 * process; per input a fresh pn_net and pn_tcp on each (us 198.18.0.2,
 * the peer 198.18.0.1 with a static ARP entry), a listener on port 80
 * on each. Input: records
 *
 *   u8 op | u8 a | u8 b | u8 len | len bytes
 *
 * op & 7:
 *   0  connect on shard a & 1 from port 0 (a & 2: ephemeral) or
 *      20000 + (b & 15), to the peer's port 5000 + (b >> 4 & 3); a bound
 *      tuple may be in use on either shard (bind conflicts are checked
 *      per shard): the owner refuses the claim (tcp_redir.c)
 *   1  a segment from the peer, received on shard a & 1's queue (the
 *      steering hands it to its owner): to slot b & 7's tuple when that
 *      slot is live (a & 2: sequence number at what the slot's TCB
 *      ACKed, a & 4: ACK number at what it sent; of the tuple's TCB on
 *      either shard), else to port 80 from port 40000 + (b & 7) (the
 *      same, when a TCB or embryo of it exists); flags from the first
 *      byte, then u32 seq, u32 ack, u16 window, payload (the rest);
 *      right checksums
 *   2  a round on shard a & 1, then (a & 2) on the other
 *   3  the clock advances fz_clock_ns(a), and a round on each shard
 *   4  slot b & 7: a & 1 abort, else close
 *   5  slot b & 7 sends a + 1 bytes
 *   6  slot b & 7 reads up to a * 8 + 1 bytes
 *   7  shard a & 1 accepts from its listener into a free slot
 *
 * Checked: every frame sent is well formed, from us to the peer, with a
 * right TCP checksum; a frame that is not a RST never comes from a shard
 * while only the other one holds its tuple's TCB (no answer from the
 * wrong shard); no upcall for a slot that let go. After the last record
 * every slot is closed and the clock runs until both shards hold no
 * connection; then both redirect tables must be empty, every mbuf back
 * in the pool, and after pn_tcp_free and pn_net_free every timer
 * cancelled and every rte_malloc byte freed. FUZZ_SHARDS_VERBOSE=1
 * prints each shard's counters after the last record,
 * FUZZ_SHARDS_TRACE=1 each record, frame sent and round.
 *
 * Seeds: gen_corpus_shards.py; crash-*.bin are kept by hand (inputs that
 * once failed, the harness's own mistakes included).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <rte_hash.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_random.h>

#include "cksum.h"
#include "fuzz_util.h"
#include "ipv4.h"
#include "lcore.h"
#include "net.h"
#include "pkt_build.h"
#include "steer.h"
#include "tcp.h"
#include "tcp_priv.h"
#include "tcp_wire.h"
#include "test_eal.h"

#define CHECK(x) FZ_CHECK(x, (void)0)

#define FZ_POOL_SIZE	256
#define FZ_REC_HDR	4
#define FZ_SLOTS	8
#define FZ_SETTLE_MAX	1200	/* steps of 100 ms, then of 1 s */
#define PORT_LISTEN	80

static const uint8_t MAC_US[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t MAC_PEER[6] = { 2, 0, 0, 0, 0, 1 };
#define IP_US		PN_IPV4(198, 18, 0, 2)
#define IP_PEER		PN_IPV4(198, 18, 0, 1)

struct fz_slot {
	struct pn_tcp_conn *c;
	unsigned int shard;
};

static struct {
	struct pn_clock clock;
	struct pn_shards shards;
	struct pn_lcore lc[2];
	struct pn_net *net[2];
	struct pn_tcp *tcp[2];
	struct pn_tcp_listen *l[2];
	int lctx[2];
	struct fz_slot slot[FZ_SLOTS];
	bool live;
} W;

static struct pn_net_conf nconf;
static struct rte_mempool *pool;
static unsigned int pool_full;
static uint64_t heap0_count, heap0_bytes;
static uint8_t scratch[1 << 16];
static bool verbose;	/* FUZZ_SHARDS_VERBOSE set: counters after each input */
static bool trace;	/* FUZZ_SHARDS_TRACE set: each record and frame */

/* Shard @p s's TCB of the tuple (us @p lport, peer @p rport), an embryo
 * too, or NULL. */
static const struct pn_tcp_conn *
fz_lookup(unsigned int s, uint16_t lport, uint16_t rport)
{
	struct tcp_key k = { .lip = IP_US, .rip = IP_PEER,
			     .lport = lport, .rport = rport };

	return W.tcp[s] != NULL ? tcp_conn_lookup(W.tcp[s], &k) : NULL;
}

static bool
fz_holds(unsigned int s, uint16_t lport, uint16_t rport)
{
	return fz_lookup(s, lport, rport) != NULL;
}

/* The TCB of the tuple on either shard, or NULL. */
static const struct pn_tcp_conn *
fz_tcb(uint16_t lport, uint16_t rport)
{
	const struct pn_tcp_conn *c = fz_lookup(0, lport, rport);

	return c != NULL ? c : fz_lookup(1, lport, rport);
}

/* FUZZ_SHARDS_TRACE: the connections of shard @p s. */
static void
fz_trace_conns(unsigned int s)
{
	const struct pn_tcp_conn *c;

	TAILQ_FOREACH(c, &W.tcp[s]->conns, link)
		fprintf(stderr, "    shard %u: %u -> %u state %u flags 0x%x in table %d\n",
			s, c->key.lport, c->key.rport, c->state, c->flags,
			fz_holds(s, c->key.lport, c->key.rport));
}

/* The tuples each shard held when the current step (a record, a round, a
 * close) began: a frame is built while its TCB is there, and the step's
 * TX flush may come after the TCB went (fz_check_tx). */
#define FZ_HELD_MAX	64
static struct {
	uint16_t lport, rport;
	uint8_t shard;
} held[FZ_HELD_MAX];
static unsigned int nheld;

static void
fz_snapshot(void)
{
	const struct pn_tcp_conn *c;
	unsigned int s;

	nheld = 0;
	for (s = 0; s < 2; s++)
		TAILQ_FOREACH(c, &W.tcp[s]->conns, link)
			if (nheld < FZ_HELD_MAX &&
			    fz_holds(s, c->key.lport, c->key.rport)) {
				held[nheld].lport = c->key.lport;
				held[nheld].rport = c->key.rport;
				held[nheld++].shard = (uint8_t)s;
			}
}

static bool
fz_held(unsigned int shard, uint16_t lport, uint16_t rport)
{
	unsigned int i;

	for (i = 0; i < nheld; i++)
		if (held[i].shard == shard && held[i].lport == lport &&
		    held[i].rport == rport)
			return true;
	return false;
}

static void
fz_check_tx(unsigned int shard, struct rte_mbuf *m)
{
	const uint8_t *f, *t;
	struct pn_ipv4_hdr ip;
	struct pn_tcp_hdr h;
	uint32_t len = m->pkt_len, tl;

	CHECK(len >= 14 + 20 + 20 && len <= sizeof(scratch));
	f = rte_pktmbuf_read(m, 0, len, scratch);
	CHECK(f != NULL);
	CHECK(memcmp(f, MAC_PEER, 6) == 0 && memcmp(f + 6, MAC_US, 6) == 0);
	CHECK(pkt_get16(f + 12) == 0x0800);
	CHECK(pn_ipv4_parse(f + 14, len - 14, 0, &ip) == 0);
	CHECK(ip.src == IP_US && ip.dst == IP_PEER &&
	      ip.proto == PN_IPV4_PROTO_TCP);
	t = f + 14 + ip.hdr_len;
	tl = ip.total_len - ip.hdr_len;
	CHECK(14u + ip.total_len <= len && tl >= 20);
	CHECK(pn_ipv4_l4_cksum(IP_US, IP_PEER, PN_IPV4_PROTO_TCP, t,
			       (uint16_t)tl) == 0);
	CHECK(pn_tcp_parse(t, tl, &h) == 0);
	if (trace)
		fprintf(stderr, "  shard %u sends flags 0x%02x %u -> %u seq %u ack %u len %u\n",
			shard, h.flags, h.sport, h.dport, h.seq, h.ack,
			tl - h.hdr_len);
	/* No answer from the wrong shard: only a RST goes out for a tuple
	 * the other shard holds and this one does not (a reply to a stray
	 * segment). A frame is built while its TCB is there and goes out
	 * at the step's end, when the TCB may be gone (a challenge ACK,
	 * then data after close: the RST, and the free; a SYN-ACK, then
	 * the SYN retries run out): held now or when the step began. */
	if (!(h.flags & PN_TCP_RST))
		CHECK(fz_holds(shard, h.sport, h.dport) ||
		      fz_held(shard, h.sport, h.dport) ||
		      !fz_holds(!shard, h.sport, h.dport));
}

static uint16_t
fz_tx_burst(struct pn_lcore *lc, uint16_t port, uint16_t queue,
	    struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	(void)queue;
	CHECK(port == 0);
	for (i = 0; i < n; i++) {
		fz_check_tx(lc->shard, pkts[i]);
		rte_pktmbuf_free(pkts[i]);
	}
	return n;
}

/* No upcall for a slot that let go (tcp.h: "Lifetime"). */
static void
fz_wakeup(void *ctx, int what)
{
	struct fz_slot *s = ctx;

	CHECK(what >= PN_TCP_WAKE_DATA && what <= PN_TCP_WAKE_STATE);
	if (ctx == &W.lctx[0] || ctx == &W.lctx[1])
		return;
	CHECK(s >= &W.slot[0] && s < &W.slot[FZ_SLOTS] && s->c != NULL);
}

static void
fz_round(unsigned int s)
{
	W.lc[s].now = pn_clock_now(&W.clock);
	fz_snapshot();
	if (trace)
		fprintf(stderr, "  round on shard %u\n", s);
	pn_lcore_round(&W.lc[s]);
	pn_tx_flush(&W.lc[s]);
	if (trace)
		fz_trace_conns(s);
}

static struct fz_slot *
fz_free_slot(void)
{
	unsigned int i;

	for (i = 0; i < FZ_SLOTS; i++)
		if (W.slot[i].c == NULL)
			return &W.slot[i];
	return NULL;
}

static void
fz_connect(uint8_t a, uint8_t b)
{
	struct fz_slot *s = fz_free_slot();
	unsigned int sh = a & 1;
	uint16_t sport = a & 2 ? 0 : (uint16_t)(20000 + (b & 15));
	uint16_t dport = (uint16_t)(5000 + (b >> 4 & 3));
	int rc;

	if (s == NULL)
		return;
	W.lc[sh].now = pn_clock_now(&W.clock);
	rc = pn_tcp_connect(W.tcp[sh], 0, sport, IP_PEER, dport, s, &s->c);
	CHECK(rc == 0 || rc == -EADDRNOTAVAIL || rc == -EADDRINUSE ||
	      rc == -ENOMEM || rc == -EAGAIN);
	if (rc != 0) {
		s->c = NULL;
		return;
	}
	s->shard = sh;
	pn_tx_flush(&W.lc[sh]);
}

static void
fz_segment(uint8_t a, uint8_t b, const uint8_t *d, uint32_t n)
{
	const struct fz_slot *s = &W.slot[b & 7];
	uint8_t f[14 + 20 + 20 + 256];
	uint8_t *ip = f + 14, *t = ip + 20;
	uint32_t seq = 0, ack = 0, plen;
	uint16_t sport, dport, win = 0xffff;
	const struct pn_tcp_conn *c;
	struct rte_mbuf *m;

	if (s->c != NULL) {
		sport = s->c->key.rport;
		dport = s->c->key.lport;
	} else {
		sport = (uint16_t)(40000 + (b & 7));
		dport = PORT_LISTEN;
	}
	if (n >= 5)
		seq = pkt_get32(d + 1);
	if (n >= 9)
		ack = pkt_get32(d + 5);
	if (n >= 11)
		win = pkt_get16(d + 9);
	c = fz_tcb(dport, sport);
	if (c != NULL && (a & 2))
		seq += c->rcv_nxt;
	if (c != NULL && (a & 4))
		ack += c->snd_nxt;
	plen = n > 11 ? RTE_MIN(n - 11, 256u) : 0;

	memcpy(f, MAC_US, 6);
	memcpy(f + 6, MAC_PEER, 6);
	pkt_put16(f + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	pkt_put16(ip + 2, (uint16_t)(40 + plen));
	pkt_put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = PN_IPV4_PROTO_TCP;
	pkt_put32(ip + 12, IP_PEER);
	pkt_put32(ip + 16, IP_US);
	pkt_put16(ip + 10, pn_cksum_finish(pn_cksum_add(0, ip, 20)));
	memset(t, 0, 20);
	pkt_put16(t, sport);
	pkt_put16(t + 2, dport);
	pkt_put32(t + 4, seq);
	pkt_put32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = n > 0 ? d[0] : PN_TCP_ACK;
	pkt_put16(t + 14, win);
	if (plen > 0)
		memcpy(t + 20, d + 11, plen);
	pkt_put16(t + 16, pn_ipv4_l4_cksum(IP_PEER, IP_US, PN_IPV4_PROTO_TCP, t,
				       (uint16_t)(20 + plen)));
	m = rte_pktmbuf_alloc(pool);
	if (m == NULL)
		return;		/* the pool ran dry: the NIC drops it */
	memcpy(rte_pktmbuf_append(m, (uint16_t)(54 + plen)), f, 54 + plen);
	m->port = 0;
	W.lc[a & 1].now = pn_clock_now(&W.clock);
	pn_lcore_rx(&W.lc[a & 1], &m, 1);
	pn_tx_flush(&W.lc[a & 1]);
}

/* The slot lets go of its connection (no upcall after). */
static void
fz_release(struct fz_slot *s, bool abort_it)
{
	struct pn_tcp_conn *c = s->c;

	s->c = NULL;
	fz_snapshot();
	W.lc[s->shard].now = pn_clock_now(&W.clock);
	if (abort_it)
		pn_tcp_abort(c);
	else
		pn_tcp_close(c);
	pn_tx_flush(&W.lc[s->shard]);
}

static void
fz_send(struct fz_slot *s, uint8_t a)
{
	uint8_t buf[256];
	struct iovec iov = { .iov_base = buf, .iov_len = (size_t)a + 1 };
	ssize_t rc;

	memset(buf, 0x5a, sizeof(buf));
	W.lc[s->shard].now = pn_clock_now(&W.clock);
	rc = pn_tcp_send(s->c, &iov, 1, 0);
	CHECK(rc <= (ssize_t)iov.iov_len);
	pn_tx_flush(&W.lc[s->shard]);
}

static void
fz_recv(struct fz_slot *s, uint8_t a)
{
	struct iovec iov = { .iov_base = scratch,
			     .iov_len = (size_t)a * 8 + 1 };
	ssize_t rc;

	W.lc[s->shard].now = pn_clock_now(&W.clock);
	rc = pn_tcp_recv(s->c, &iov, 1, 0);
	CHECK(rc <= (ssize_t)iov.iov_len);
	pn_tx_flush(&W.lc[s->shard]);
}

static void
fz_accept(unsigned int sh)
{
	struct fz_slot *s = fz_free_slot();

	if (s == NULL || W.l[sh] == NULL)
		return;
	if (pn_tcp_accept(W.l[sh], s, &s->c) != 0) {
		s->c = NULL;
		return;
	}
	s->shard = sh;
}

static void
fz_record(uint8_t op, uint8_t a, uint8_t b, const uint8_t *d, uint32_t n)
{
	struct fz_slot *s = &W.slot[b & 7];

	fz_snapshot();
	switch (op & 7) {
	case 0:
		fz_connect(a, b);
		break;
	case 1:
		fz_segment(a, b, d, n);
		break;
	case 2:
		fz_round(a & 1);
		if (a & 2)
			fz_round(!(a & 1));
		break;
	case 3:
		pn_clock_advance(&W.clock, fz_clock_ns(a));
		fz_round(0);
		fz_round(1);
		break;
	case 4:
		if (s->c != NULL)
			fz_release(s, a & 1);
		break;
	case 5:
		if (s->c != NULL)
			fz_send(s, a);
		break;
	case 6:
		if (s->c != NULL)
			fz_recv(s, a);
		break;
	default:
		fz_accept(a & 1);
		break;
	}
}

/* --- the world --- */

static void
fz_nconf(struct pn_net_conf *c)
{
	pn_net_conf_default(c);
	memcpy(c->port[0].mac, MAC_US, 6);
	c->port[0].mtu = 1500;
	c->port[0].nb_addrs = 1;
	c->port[0].addr[0].ip = IP_US;
	c->port[0].addr[0].prefix_len = 24;
	c->nb_static_arp = 1;
	c->static_arp[0].port_id = 0;
	c->static_arp[0].ip = IP_PEER;
	memcpy(c->static_arp[0].mac, MAC_PEER, 6);
}

static void
fz_tconf(struct pn_tcp_conf *c)
{
	pn_tcp_conf_default(c);
	memset(c->isn_secret, 0x42, sizeof(c->isn_secret));
	c->max_conns = 16;
	c->sndbuf = 8192;
	c->rcvbuf = 4096;
	c->rcvbuf_max = 16384;
	c->syncookies = false;	/* a SYN-ACK always from a TCB (fz_check_tx) */
	c->syn_backlog = 4;
	c->rto_max_ms = 1000;
	c->syn_retries = 2;
	c->synack_retries = 2;
	c->retries2 = 3;
	c->msl_ms = 100;
	c->fin_timeout_ms = 1000;
	c->ooo_max_segs = 8;
}

static void
fz_start(void)
{
	uint64_t rot = W.lc[0].timers.tick_ns * W.lc[0].timers.nslots;
	struct pn_tcp_upcalls up = { .wakeup = fz_wakeup };
	struct pn_tcp_conf tc;
	unsigned int s;

	CHECK(rte_mempool_avail_count(pool) == pool_full);
	pn_clock_set(&W.clock, (pn_clock_now(&W.clock) / rot + 2) * rot);
	memset(W.slot, 0, sizeof(W.slot));
	rte_srand(1);
	fz_tconf(&tc);
	for (s = 0; s < 2; s++) {
		CHECK(W.lc[s].timers.count == 0);
		W.lc[s].now = pn_clock_now(&W.clock);
		pn_timer_wheel_run(&W.lc[s].timers, W.lc[s].now);
		memset(&W.lc[s].stat, 0, sizeof(W.lc[s].stat));
		CHECK(pn_net_create(&nconf, &W.lc[s], pool, &W.net[s]) == 0);
		CHECK(pn_tcp_create(&tc, &W.lc[s], W.net[s], &up,
				    &W.tcp[s]) == 0);
		CHECK(pn_tcp_listen(W.tcp[s], 0, PORT_LISTEN, tc.syn_backlog,
				    &W.lctx[s], &W.l[s]) == 0);
	}
	W.live = true;
}

/* FUZZ_SHARDS_VERBOSE: what an input did, per shard. */
static void
fz_dump(void)
{
	unsigned int s;

	for (s = 0; s < 2; s++) {
		const struct pn_tcp_stat *st = &W.tcp[s]->stat;

		fprintf(stderr, "shard %u: conns %u estab %" PRIu64
			" active %" PRIu64 " passive %" PRIu64
			" redirects %" PRIu64 " passed on %" PRIu64
			" full %" PRIu64 " rsts %" PRIu64 " steered in %" PRIu64
			" out %" PRIu64 "\n",
			s, W.tcp[s]->nconns, st->CurrEstab, st->ActiveOpens,
			st->PassiveOpens, st->TCPRedirects,
			st->TCPRedirectedSegs, st->TCPRedirectFull, st->OutRsts,
			W.lc[s].stat.steered_in, W.lc[s].stat.steered_out);
	}
}

/* Close every slot and run the clock until no connection is left. */
static void
fz_settle(void)
{
	unsigned int i, s;

	for (i = 0; i < FZ_SLOTS; i++)
		if (W.slot[i].c != NULL)
			fz_release(&W.slot[i], false);
	for (s = 0; s < 2; s++) {
		pn_tcp_listen_close(W.l[s]);
		W.l[s] = NULL;
		pn_tx_flush(&W.lc[s]);
	}
	for (i = 0; i < FZ_SETTLE_MAX &&
		    (W.tcp[0]->nconns != 0 || W.tcp[1]->nconns != 0 ||
		     rte_mempool_avail_count(pool) != pool_full); i++) {
		pn_clock_advance(&W.clock, i < 100 ? 100 * PN_NS_PER_MS :
						     PN_NS_PER_S);
		fz_round(0);
		fz_round(1);
	}
	/* the last redirect removals, sent as the last connections went */
	fz_round(0);
	fz_round(1);
	for (s = 0; s < 2; s++) {
		CHECK(W.tcp[s]->nconns == 0);
		CHECK(W.tcp[s]->stat.CurrEstab == 0);
		CHECK(W.tcp[s]->redir_h == NULL ||
		      rte_hash_count(W.tcp[s]->redir_h) == 0);
	}
	CHECK(rte_mempool_avail_count(pool) == pool_full);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct pn_napi_conf nc;
	unsigned int s;

	(void)argc;
	(void)argv;
	pn_test_eal_init();
	/* its own pool, no per-lcore cache: the free count is exact */
	pool = rte_pktmbuf_pool_create("fuzz_shards_pool", FZ_POOL_SIZE, 0,
				       0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (pool == NULL)
		abort();
	pool_full = rte_mempool_avail_count(pool);
	verbose = getenv("FUZZ_SHARDS_VERBOSE") != NULL;
	trace = getenv("FUZZ_SHARDS_TRACE") != NULL;
	fz_nconf(&nconf);
	pn_napi_conf_default(&nc);
	pn_clock_init_manual(&W.clock, PN_NS_PER_S);
	CHECK(pn_steer_init(&W.shards.steer, 2, 128) == 0);
	W.shards.steering = true;
	for (s = 0; s < 2; s++) {
		CHECK(pn_lcore_init(&W.lc[s], &W.shards, (uint16_t)s, &nc,
				    &W.clock, SOCKET_ID_ANY) == 0);
		W.lc[s].ops.tx_burst = fz_tx_burst;
		CHECK(pn_lcore_add_txq(&W.lc[s], 0, (uint16_t)s) == 0);
	}
	/* warm-up: first-use allocations settle, then the baseline */
	LLVMFuzzerTestOneInput(NULL, 0);
	LLVMFuzzerTestOneInput((const uint8_t *)"\x00\x00\x00\x00", 4);
	fz_heap_usage(&heap0_count, &heap0_bytes);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t hc, hb;
	unsigned int s;
	size_t off = 0;

	fz_start();
	while (size >= off + FZ_REC_HDR) {
		uint8_t op = data[off], a = data[off + 1], b = data[off + 2];
		uint32_t len = data[off + 3];

		off += FZ_REC_HDR;
		len = (uint32_t)RTE_MIN((size_t)len, size - off);
		if (trace)
			fprintf(stderr, "record op %u a 0x%02x b 0x%02x len %u\n",
				op & 7u, a, b, len);
		fz_record(op, a, b, data + off, len);
		off += len;
	}
	if (verbose)
		fz_dump();
	fz_settle();
	W.live = false;
	for (s = 0; s < 2; s++) {
		struct pn_tcp *tcp = W.tcp[s];

		W.tcp[s] = NULL;	/* fz_check_tx: no TCB left */
		pn_tcp_free(tcp);
		pn_tx_flush(&W.lc[s]);
		pn_net_free(W.net[s]);
		W.net[s] = NULL;
		CHECK(W.lc[s].timers.count == 0);
	}
	CHECK(rte_mempool_avail_count(pool) == pool_full);
	if (heap0_count != 0) {
		fz_heap_usage(&hc, &hb);
		CHECK(hc == heap0_count && hb == heap0_bytes);
	}
	return 0;
}
