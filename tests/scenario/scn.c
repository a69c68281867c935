/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "ipv4.h"
#include "scn.h"
#include "tcp_priv.h"
#include "test_eal.h"

struct scn_world *W;

static const uint8_t MAC_US[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t MAC_PEER[6] = { 2, 0, 0, 0, 0, 1 };

static uint16_t
scn_tx_burst(struct pn_lcore *lc, uint16_t port, uint16_t queue,
	     struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	(void)lc;
	(void)port;
	(void)queue;
	if (W->tx_limit) {	/* a full ring refuses the rest */
		n = (uint16_t)RTE_MIN(n, W->tx_room);
		W->tx_room -= n;
	}
	for (i = 0; i < n; i++) {
		if (W->ntx < RTE_DIM(W->tx))
			W->tx[W->ntx++] = pkts[i];
		else
			rte_pktmbuf_free(pkts[i]);
	}
	return n;
}

static void
scn_wakeup(void *ctx, int what)
{
	assert_in_range(what, PN_TCP_WAKE_DATA, PN_TCP_WAKE_STATE);
	if (ctx == &W->lctx) {
		W->wake_l++;
		W->wake_lkind = what;
	} else if (ctx == &W->cctx) {
		W->wake_c++;
		W->wake_kind[what]++;
		if (W->on_wake != NULL)
			W->on_wake();
	}
}

int
scn_setup(void **state)
{
	(void)state;
	pn_test_eal_init();
	W = calloc(1, sizeof(*W));
	if (W == NULL)
		return -1;
	pn_net_conf_default(&W->nconf);
	memcpy(W->nconf.port[0].mac, MAC_US, 6);
	W->nconf.port[0].nb_addrs = 1;
	W->nconf.port[0].addr[0].ip = IP_US;
	W->nconf.port[0].addr[0].prefix_len = 24;
	W->nconf.nb_static_arp = 1;
	W->nconf.static_arp[0].port_id = 0;
	W->nconf.static_arp[0].ip = IP_PEER;
	memcpy(W->nconf.static_arp[0].mac, MAC_PEER, 6);
	pn_tcp_conf_default(&W->tconf);
	memset(W->tconf.isn_secret, 0x42, sizeof(W->tconf.isn_secret));
	return 0;
}

void
scn_start(void)
{
	struct pn_napi_conf nc;
	struct pn_tcp_upcalls up = { .wakeup = scn_wakeup };

	pn_napi_conf_default(&nc);
	W->pool_avail = rte_mempool_avail_count(pn_test_pool());
	pn_clock_init_manual(&W->clock, PN_NS_PER_S);
	assert_int_equal(pn_lcore_init(&W->lc, &W->shards, 0, &nc, &W->clock,
				       SOCKET_ID_ANY), 0);
	W->lc.ops.tx_burst = scn_tx_burst;
	assert_int_equal(pn_lcore_add_txq(&W->lc, 0, 0), 0);
	assert_int_equal(pn_net_create(&W->nconf, &W->lc, pn_test_pool(),
				       &W->net), 0);
	assert_int_equal(pn_tcp_create(&W->tconf, &W->lc, W->net, &up,
				       &W->tcp), 0);
	W->started = true;
}

unsigned int
scn_flush(void)
{
	unsigned int n = W->ntx - W->rtx;

	while (W->rtx < W->ntx)
		rte_pktmbuf_free(W->tx[W->rtx++]);
	W->ntx = W->rtx = 0;
	return n;
}

unsigned int
scn_pending(void)
{
	return W->ntx - W->rtx;
}

int
scn_teardown(void **state)
{
	(void)state;
	if (W->started) {
		pn_tcp_free(W->tcp);
		pn_net_free(W->net);
		pn_lcore_fini(&W->lc);
		scn_flush();
		assert_int_equal(rte_mempool_avail_count(pn_test_pool()),
				 W->pool_avail);
	}
	free(W);
	W = NULL;
	return 0;
}

void
scn_advance_ns(uint64_t ns)
{
	/* In steps of 1 ms so timers fire in order and at their time. */
	while (ns > 0) {
		uint64_t step = ns < PN_NS_PER_MS ? ns : PN_NS_PER_MS;

		pn_clock_advance(&W->clock, step);
		pn_lcore_round(&W->lc);
		ns -= step;
	}
}

void
scn_wait_out(unsigned int max_ms, unsigned int step_ms)
{
	unsigned int t;

	for (t = 0; t < max_ms && scn_pending() == 0; t += step_ms)
		scn_advance_ns((uint64_t)step_ms * PN_NS_PER_MS);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

void
scn_in(int line, const struct scn_seg *s)
{
	uint8_t f[2048];
	struct pn_tcp_hdr h = { 0 };
	struct rte_mbuf *m;
	uint32_t len = s->len < 0 ? 0 : (uint32_t)s->len, tl, i;
	uint32_t src = s->src < 0 ? IP_PEER : (uint32_t)s->src, ihl;
	uint8_t *t;
	int hl;
	uint16_t ck;

	(void)line;
	assert_true(len <= 1900); /* one test mbuf */
	h.sport = (uint16_t)(s->sport < 0 ? PORT_PEER : s->sport);
	h.dport = (uint16_t)(s->dport < 0 ? PORT_US : s->dport);
	h.seq = s->seq < 0 ? W->peer_nxt : (uint32_t)s->seq;
	h.ack = s->ack < 0 ? ((s->fl & A) ? W->peer_ack : 0) : (uint32_t)s->ack;
	h.flags = (uint8_t)s->fl;
	h.win = (uint16_t)(s->win < 0 ? 65535 : s->win);
	if (s->mss >= 0) {
		h.opts.has |= PN_TCPO_MSS;
		h.opts.mss = (uint16_t)s->mss;
	}
	if (s->ws >= 0) {
		h.opts.has |= PN_TCPO_WS;
		h.opts.wscale = (uint8_t)s->ws;
	}
	if (s->sackok > 0)
		h.opts.has |= PN_TCPO_SACK_OK;
	if (s->ts > 0 || s->tsval >= 0) {
		h.opts.has |= PN_TCPO_TS;
		h.opts.tsval = s->tsval < 0 ? 1 : (uint32_t)s->tsval;
		h.opts.tsecr = s->tsecr < 0 ? 0 : (uint32_t)s->tsecr;
	}
	if (s->nsack > 0) {
		h.opts.has |= PN_TCPO_SACK;
		h.opts.nsack = (uint8_t)s->nsack;
		for (i = 0; i < (uint32_t)s->nsack; i++) {
			h.opts.sack[i].left = s->sack[i][0];
			h.opts.sack[i].right = s->sack[i][1];
		}
	}
	memcpy(f, MAC_US, 6);
	memcpy(f + 6, MAC_PEER, 6);
	put16(f + 12, 0x0800);
	assert_true(s->ipopts_len >= 0 && s->ipopts_len <= 40 &&
		    s->ipopts_len % 4 == 0);
	ihl = 20 + (uint32_t)s->ipopts_len;
	t = f + 14 + ihl;
	hl = pn_tcp_build(t, 60, &h);
	assert_true(hl > 0);
	for (i = 0; i < len; i++)
		t[hl + i] = (uint8_t)(h.seq + i);
	tl = (uint32_t)hl + len;
	memset(f + 14, 0, 20);
	f[14] = (uint8_t)(0x40 | ihl / 4);
	put16(f + 16, (uint16_t)(ihl + tl));
	put16(f + 20, 0x4000);
	f[15] = (uint8_t)s->iptos;
	f[22] = 64;
	f[23] = 6;
	put32(f + 26, src);
	put32(f + 30, IP_US);
	if (s->ipopts_len > 0)
		memcpy(f + 34, s->ipopts, (size_t)s->ipopts_len);
	ck = pn_cksum(f + 14, (uint16_t)ihl);
	put16(f + 24, ck);
	ck = pn_ipv4_l4_cksum(src, IP_US, 6, t, (uint16_t)tl);
	put16(t + 16, (uint16_t)(s->badck ? ck ^ 0x5a5a : ck));
	m = pn_test_mbuf(f, (uint16_t)(14 + ihl + tl));
	assert_non_null(m);
	m->port = 0;
	if (s->lro > 0) {
		m->ol_flags |= RTE_MBUF_F_RX_LRO;
		m->tso_segsz = (uint16_t)s->lro;
	}
	if (src == IP_PEER && h.sport == PORT_PEER) {
		uint32_t end = h.seq + len + !!(h.flags & S) + !!(h.flags & F);

		if (h.flags & S)
			W->pisn = h.seq;
		if (pn_seq_gt(end, W->peer_nxt) || (h.flags & S))
			W->peer_nxt = end;
	}
	if (W->bursting) {
		assert_true(W->nburst < RTE_DIM(W->burst));
		W->burst[W->nburst++] = m;
		return;
	}
	W->lc.now = pn_clock_now(&W->clock);
	pn_lcore_rx(&W->lc, &m, 1);
	pn_tx_flush(&W->lc);
}

void
scn_burst_begin(void)
{
	W->bursting = true;
	W->nburst = 0;
}

void
scn_burst_end(void)
{
	W->bursting = false;
	W->lc.now = pn_clock_now(&W->clock);
	pn_lcore_rx(&W->lc, W->burst, (uint16_t)W->nburst);
	W->nburst = 0;
	pn_tx_flush(&W->lc);
}

static const char *
flstr(uint8_t f, char *b)
{
	char *p = b;

	if (f & S) *p++ = 'S';
	if (f & F) *p++ = 'F';
	if (f & R) *p++ = 'R';
	if (f & P) *p++ = 'P';
	if (f & A) *p++ = 'A';
	if (p == b) *p++ = '.';
	*p = 0;
	return b;
}

#define CHECK(cond, ...) do { if (!(cond)) { \
	print_error("line %d: ", line); print_error(__VA_ARGS__); \
	print_error("\n"); fail(); } } while (0)

void
scn_icmp_unreach(uint8_t code, uint16_t mtu, uint32_t seq)
{
	scn_icmp_err(3, code, mtu, seq);
}

void
scn_icmp_err(uint8_t type, uint8_t code, uint16_t mtu, uint32_t seq)
{
	uint8_t f[14 + 20 + 8 + 20 + 8];
	struct rte_mbuf *m;
	uint8_t *ic = f + 34, *q = f + 42;

	memcpy(f, MAC_US, 6);
	memcpy(f + 6, MAC_PEER, 6);
	put16(f + 12, 0x0800);
	/* from a router to us: protocol 1 */
	memset(f + 14, 0, sizeof(f) - 14);
	f[14] = 0x45;
	put16(f + 16, (uint16_t)(sizeof(f) - 14));
	f[22] = 64;
	f[23] = 1;
	put32(f + 26, IP_ROUTER);
	put32(f + 30, IP_US);
	put16(f + 24, pn_cksum(f + 14, 20));
	/* the quote: our IP header and 8 bytes of our TCP header (RFC 792) */
	q[0] = 0x45;
	put16(q + 2, 1500);
	q[8] = 64;
	q[9] = 6;
	put32(q + 12, IP_US);
	put32(q + 16, IP_PEER);
	put16(q + 10, pn_cksum(q, 20));
	put16(q + 20, PORT_US);
	put16(q + 22, PORT_PEER);
	put32(q + 24, seq);
	ic[0] = type;
	ic[1] = code;
	put16(ic + 6, mtu);
	put16(ic + 2, pn_cksum(ic, 8 + 28));
	m = pn_test_mbuf(f, (uint16_t)sizeof(f));
	assert_non_null(m);
	m->port = 0;
	W->lc.now = pn_clock_now(&W->clock);
	pn_lcore_rx(&W->lc, &m, 1);
	pn_tx_flush(&W->lc);
}

const struct pn_tcp_hdr *
scn_out(int line, const struct scn_seg *e)
{
	static uint8_t buf[14 + PN_IPV4_MAX_LEN];
	char b1[8], b2[8];
	struct pn_tcp_hdr *h = &W->last;
	struct rte_mbuf *m;
	const uint8_t *p, *t;
	uint32_t len, tl, end, tso, ihl;
	uint16_t ck;
	int i;

	pn_tx_flush(&W->lc);
	CHECK(W->rtx < W->ntx, "expected %s, nothing was sent", flstr((uint8_t)e->fl, b1));
	m = W->tx[W->rtx];
	W->tx[W->rtx++] = NULL;
	p = rte_pktmbuf_read(m, 0, m->pkt_len, buf);
	len = m->pkt_len;
	CHECK(len >= 54 && p[12] == 8 && p[13] == 0 && p[23] == 6 &&
	      pn_ipv4_parse(p + 14, len - 14, 0, &W->last_ip) == 0,
	      "not an IPv4/TCP frame");
	ihl = W->last_ip.hdr_len;
	memcpy(W->last_ipopts, p + 34, ihl - 20);
	W->last_ip.opts = W->last_ipopts;
	tl = W->last_ip.total_len - ihl;
	CHECK(len == 14 + ihl + tl, "frame of %u bytes, IPv4 total length %u",
	      len, tl + ihl);
	CHECK(m->l3_len == ihl, "l3_len %u, IPv4 header %u", m->l3_len, ihl);
	t = p + 14 + ihl;
	tso = (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) ? m->tso_segsz : 0;
	/* RFC 9293 3.1: the pseudo header has the final destination, the
	 * peer, even when a source route sends the datagram elsewhere */
	if (m->ol_flags & (RTE_MBUF_F_TX_TCP_CKSUM | RTE_MBUF_F_TX_TCP_SEG)) {
		/* offloaded: the pseudo-header sum over the whole length */
		ck = pn_ipv4_phdr_sum(IP_US, IP_PEER, 6, (uint16_t)tl);
		CHECK(t[16] == (uint8_t)(ck >> 8) && t[17] == (uint8_t)ck &&
		      m->l4_len >= 20, "bad offloaded TCP checksum field");
	} else {
		CHECK(pn_ipv4_l4_cksum(IP_US, IP_PEER, 6, t,
				       (uint16_t)tl) == 0, "bad TCP checksum");
	}
	if (e->ipdst >= 0)
		CHECK(W->last_ip.dst == (uint32_t)e->ipdst,
		      "IPv4 destination %08x, expected %08x", W->last_ip.dst,
		      (uint32_t)e->ipdst);
	if (e->ipopts != NULL)
		CHECK(W->last_ip.opts_len == e->ipopts_len &&
		      memcmp(W->last_ipopts, e->ipopts,
			     (size_t)e->ipopts_len) == 0,
		      "IPv4 options (%u bytes) not the %d expected",
		      W->last_ip.opts_len, e->ipopts_len);
	CHECK(tso == (uint32_t)e->tso, "tso_segsz %u, expected %d", tso, e->tso);
	CHECK(pn_tcp_parse(t, tl, h) == 0, "bad TCP header");
	rte_pktmbuf_free(m);
	W->last_len = tl - h->hdr_len;
	CHECK((h->flags & ~P) == (e->fl & ~P), "flags %s, expected %s",
	      flstr(h->flags, b1), flstr((uint8_t)e->fl, b2));
	if (e->seq >= 0)
		CHECK(h->seq == (uint32_t)e->seq, "seq %u, expected %u (ISN%+d)",
		      h->seq, (uint32_t)e->seq, (int)(h->seq - W->isn));
	if (e->ack >= 0)
		CHECK(h->ack == (uint32_t)e->ack, "ack %u, expected %u (PISN%+d)",
		      h->ack, (uint32_t)e->ack, (int)(h->ack - W->pisn));
	if (e->win >= 0)
		CHECK(h->win == e->win, "win %u, expected %lld", h->win,
		      (long long)e->win);
	CHECK(W->last_len == (uint32_t)(e->len < 0 ? 0 : e->len),
	      "len %u, expected %lld", W->last_len, (long long)(e->len < 0 ? 0 : e->len));
	if (e->mss >= 0)
		CHECK((h->opts.has & PN_TCPO_MSS) && h->opts.mss == e->mss,
		      "mss %u (%s), expected %d", h->opts.mss,
		      (h->opts.has & PN_TCPO_MSS) ? "present" : "absent", e->mss);
	if (e->ws >= 0)
		CHECK((h->opts.has & PN_TCPO_WS) && h->opts.wscale == e->ws,
		      "wscale %u, expected %d", h->opts.wscale, e->ws);
	if (e->sackok >= 0)
		CHECK(!!(h->opts.has & PN_TCPO_SACK_OK) == e->sackok,
		      "sack-permitted %s", e->sackok ? "missing" : "unexpected");
	if (e->ts >= 0)
		CHECK(!!(h->opts.has & PN_TCPO_TS) == e->ts,
		      "timestamps %s", e->ts ? "missing" : "unexpected");
	if (e->tsval >= 0)
		CHECK(h->opts.tsval == (uint32_t)e->tsval, "tsval %u, expected %lld",
		      h->opts.tsval, (long long)e->tsval);
	if (e->tsecr >= 0)
		CHECK(h->opts.tsecr == (uint32_t)e->tsecr, "tsecr %u, expected %lld",
		      h->opts.tsecr, (long long)e->tsecr);
	if (e->opts != NULL && e->opts[0] == '\0')
		CHECK(h->hdr_len == 20, "options present, expected none");
	if (e->nsack >= 0) {
		CHECK(h->opts.nsack == e->nsack, "%u SACK blocks, expected %d",
		      h->opts.nsack, e->nsack);
		for (i = 0; i < e->nsack; i++)
			CHECK(h->opts.sack[i].left == e->sack[i][0] &&
			      h->opts.sack[i].right == e->sack[i][1],
			      "SACK block %d [%u,%u), expected [%u,%u)", i,
			      h->opts.sack[i].left, h->opts.sack[i].right,
			      e->sack[i][0], e->sack[i][1]);
	}
	if (h->flags & S)
		W->isn = h->seq;
	end = h->seq + W->last_len + !!(h->flags & S) + !!(h->flags & F);
	if (!(h->flags & R) && (pn_seq_gt(end, W->peer_ack) || (h->flags & S)))
		W->peer_ack = end;
	return h;
}

void
scn_none(int line)
{
	char b[8];

	pn_tx_flush(&W->lc);
	if (W->rtx < W->ntx) {
		struct pn_tcp_hdr h;
		uint8_t buf[128];
		const uint8_t *p = rte_pktmbuf_read(W->tx[W->rtx], 0,
			RTE_MIN(W->tx[W->rtx]->pkt_len, (uint32_t)sizeof(buf)),
			buf);

		pn_tcp_parse(p + 14 + (p[14] & 0xf) * 4, 40, &h);
		CHECK(0, "expected nothing, got %s seq %u ack %u",
		      flstr(h.flags, b), h.seq, h.ack);
	}
}

void
scn_listen(uint16_t port)
{
	assert_int_equal(pn_tcp_listen(W->tcp, 0, port, 128, &W->lctx, &W->l), 0);
}

void
scn_passive(uint32_t pisn, int opts)
{
	if (W->l == NULL)
		scn_listen(PORT_US);
	if (opts)
		IN(S, .seq = pisn, .mss = 1460, .ws = 7, .sackok = 1,
		   .tsval = 1000, .tsecr = 0);
	else
		IN(S, .seq = pisn);
	OUT(SA, .ack = pisn + 1);
	if (opts)
		IN(A, .tsval = 1001, .tsecr = W->last.opts.tsval);
	else
		IN(A);
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
	NONE();
}

void
scn_active(uint32_t pisn)
{
	assert_int_equal(pn_tcp_connect(W->tcp, 0, PORT_US, IP_PEER, PORT_PEER,
					&W->cctx, &W->c), 0);
	OUT(S, .mss = 1460);
	IN(SA, .seq = pisn, .ack = W->isn + 1);
	OUT(A, .seq = W->isn + 1, .ack = pisn + 1);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
}

ssize_t
scn_send(uint32_t n)
{
	static uint8_t buf[1 << 20];
	struct iovec iov = { buf, n };
	ssize_t r;

	assert_true(n <= sizeof(buf));
	r = pn_tcp_send(W->c, &iov, 1, 0);
	pn_tx_flush(&W->lc);
	return r;
}

ssize_t
scn_recv(uint32_t n)
{
	static uint8_t buf[1 << 20];
	struct iovec iov = { buf, n };
	ssize_t r;

	assert_true(n <= sizeof(buf));
	r = pn_tcp_recv(W->c, &iov, 1, 0);
	pn_tx_flush(&W->lc);
	return r;
}

uint64_t
scn_stat(const char *name)
{
#define X(n) if (strcmp(name, #n) == 0) return W->tcp->stat.n;
	TCP_STATS(X)
#undef X
	fail_msg("no counter %s", name);
	return 0;
}

uint64_t
scn_drops(enum pn_drop_reason r)
{
	return W->lc.stat.drop[r];
}

uint8_t
scn_state(void)
{
	struct pn_tcp_info i;

	pn_tcp_info(W->c, &i);
	return i.state;
}

uint32_t
scn_nconns(void)
{
	return W->tcp->nconns;
}
