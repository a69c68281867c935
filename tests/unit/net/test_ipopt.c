/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 options in lib/net: output with options (Linux ip_options_build:
 * addressed to a source route's first hop, the final destination in its
 * last slot), fragments (ip_options_fragment), and input (Linux
 * ip_rcv_options: malformed options, source routes with hops left, and
 * completed ones unless accept_source_route), and the options ICMP
 * replies and errors echo (Linux icmp_reply, __icmp_send ->
 * ip_options_echo).
 */
#include "net_test.h"

#define IP_ROUTER PN_IPV4(198, 18, 0, 254)
#define HOP2      PN_IPV4(198, 19, 7, 7)

static const uint8_t MAC_ROUTER[6] = { 0x02, 0, 0, 0, 0, 0xfe };

#define B4(a) (uint8_t)((a) >> 24), (uint8_t)((a) >> 16), \
	(uint8_t)((a) >> 8), (uint8_t)(a)

static void
static_router(void)
{
	T->conf.nb_static_arp = 1;
	T->conf.static_arp[0].ip = IP_ROUTER;
	memcpy(T->conf.static_arp[0].mac, MAC_ROUTER, 6);
}

/* Frame @p i parsed, header checksum included. */
static void
frame_ip(unsigned int i, uint8_t *g, struct pn_ipv4_hdr *ip)
{
	uint32_t len = tw_frame(0, i, g);

	assert_int_equal(pn_ipv4_parse(g + 14, len - 14, 0, ip), 0);
}

/* LSRR via the router, then HOP2, to the peer. */
static void
lsrr(struct pn_ipopt_tx *o)
{
	static const uint8_t u[] = { 131, 11, 4, B4(IP_ROUTER), B4(HOP2) };

	assert_int_equal(pn_ipopt_compile(u, sizeof(u), o), 0);
}

static void
test_output_source_route(void **state)
{
	static const uint8_t w[] = { 131, 11, 4, B4(HOP2), B4(IP_PEER), 0 };
	struct pn_ipopt_tx o;
	struct pn_ipv4_hdr ip;
	uint8_t g[PKT_MAX];

	(void)state;
	static_router();	/* the peer itself is not resolvable */
	tw_start(1);
	lsrr(&o);
	T->lc[0].now = pn_clock_now(&T->clock);
	assert_int_equal(pn_ip4_output_opts(tw_lc(0), T->net[0], tw_l4(40, 0),
					    0, IP_PEER, 253, 0, true, &o), 0);
	pn_tx_flush(tw_lc(0));
	assert_int_equal(T->ntx[0], 1);
	frame_ip(0, g, &ip);
	assert_memory_equal(g, MAC_ROUTER, 6);
	assert_int_equal(ip.hdr_len, 32);
	assert_int_equal(ip.total_len, 72);
	assert_int_equal(ip.dst, IP_ROUTER);
	assert_int_equal(ip.src, IP_US);
	assert_int_equal(ip.opts_len, 12);
	assert_memory_equal(g + 34, w, sizeof(w));
	assert_int_equal(T->tx[0][0]->l3_len, 32);
	/* the payload follows the options */
	assert_int_equal(g[46], 0);
	assert_int_equal(g[46 + 39], 39);
	/* no source route: NULL and empty options send a plain header */
	o.len = 0;
	o.srr = 0;
	assert_int_equal(pn_ip4_output_opts(tw_lc(0), T->net[0], tw_l4(8, 0),
					    0, IP_ROUTER, 253, 0, true, &o), 0);
	pn_tx_flush(tw_lc(0));
	frame_ip(1, g, &ip);
	assert_int_equal(ip.hdr_len, 20);
	assert_int_equal(ip.dst, IP_ROUTER);
}

/* The first hop must be routable; the destination need not be. */
static void
test_output_routes_first_hop(void **state)
{
	struct pn_ipopt_tx o;

	(void)state;
	static_router();
	tw_start(1);
	lsrr(&o);
	T->lc[0].now = pn_clock_now(&T->clock);
	assert_int_equal(pn_ip4_output_opts(tw_lc(0), T->net[0], tw_l4(8, 0),
					    0, PN_IPV4(198, 19, 0, 1), 253, 0,
					    true, &o), 0);
	o.faddr = PN_IPV4(198, 19, 0, 9);
	assert_int_equal(pn_ip4_output_opts(tw_lc(0), T->net[0], tw_l4(8, 0),
					    0, IP_PEER, 253, 0, true, &o),
			 -ENETUNREACH);
	assert_int_equal(tw_drops(0, PN_DROP_IP_NO_ROUTE), 1);
	pn_tx_flush(tw_lc(0));
	assert_int_equal(T->ntx[0], 1);
}

/* RFC 791 timestamps: milliseconds since midnight UT of the wall clock
 * (Linux inet_current_timestamp), our address before it with flag 1. */
static void
test_output_timestamp(void **state)
{
	static const uint8_t u[] = { 68, 12, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0 };
	/* 2026-11-22 12:34:56.789 UTC */
	const uint64_t real = 1795350896789ull * PN_NS_PER_MS;
	struct pn_ipopt_tx o;
	struct pn_ipv4_hdr ip;
	uint8_t g[PKT_MAX];

	(void)state;
	tw_start(1);
	tw_learn_peer();
	assert_int_equal(pn_ipopt_compile(u, sizeof(u), &o), 0);
	T->lc[0].now = pn_clock_now(&T->clock);
	pn_clock_set_realtime(&T->clock, T->lc[0].now, real);
	assert_int_equal(pn_ip4_output_opts(tw_lc(0), T->net[0], tw_l4(8, 0),
					    0, IP_PEER, 253, 0, true, &o), 0);
	pn_tx_flush(tw_lc(0));
	assert_int_equal(T->ntx[0], 1);
	frame_ip(0, g, &ip);
	assert_int_equal(ip.hdr_len, 32);
	assert_int_equal(g[36], 13);
	assert_int_equal(tw_get32(g + 38), ip.src);
	assert_int_equal(tw_get32(g + 42), (12 * 3600 + 34 * 60 + 56) * 1000 +
						   789);
}

/* RFC 791 3.1: the source route (copied bit) goes into every fragment;
 * record route only into the first (NOOPs after, Linux). The header
 * length stays, so every fragment fits the MTU. */
static void
test_fragments_copy_options(void **state)
{
	static const uint8_t u[] = { 7, 7, 4, 0, 0, 0, 0, 1,
				     131, 7, 4, B4(IP_ROUTER) };
	static const uint8_t later[] = { 1, 1, 1, 1, 1, 1, 1, 1,
					 131, 7, 4, B4(IP_PEER), 0 };
	struct pn_ipopt_tx o;
	struct pn_ipv4_hdr ip;
	uint8_t g[PKT_MAX];
	uint32_t off = 0;
	unsigned int i;

	(void)state;
	static_router();
	tw_start(1);
	assert_int_equal(pn_ipopt_compile(u, sizeof(u), &o), 0);
	T->lc[0].now = pn_clock_now(&T->clock);
	assert_int_equal(pn_ip4_output_opts(tw_lc(0), T->net[0],
					    tw_l4(1800, 0), 0, IP_PEER, 253,
					    0, false, &o), 0);
	pn_tx_flush(tw_lc(0));
	assert_int_equal(T->ntx[0], 2);
	for (i = 0; i < 2; i++) {
		frame_ip(i, g, &ip);
		assert_int_equal(ip.hdr_len, 36);
		assert_int_equal(ip.dst, IP_ROUTER);
		assert_true(ip.total_len <= 1500);
		assert_int_equal(ip.frag_off, off);
		assert_int_equal(T->tx[0][i]->l3_len, 36);
		if (i == 0) {
			/* RR: our address recorded (ip_options_build) */
			assert_memory_equal(g + 34, u, 2);
			assert_int_equal(g[36], 8);
			assert_int_equal(tw_get32(g + 37), ip.src);
			assert_int_equal(g[41], 1);
		} else
			assert_memory_equal(g + 34, later, sizeof(later));
		/* the payload bytes at their offsets */
		assert_int_equal(g[50], (uint8_t)off);
		off += ip.total_len - ip.hdr_len;
	}
	assert_int_equal(off, 1800);
}

/* Ethernet + IPv4 with @p opts from the peer to us + @p l4 (@p proto). */
static uint32_t
f_ip_opts_l4(uint8_t *b, const uint8_t *opts, uint32_t olen, uint8_t proto,
	     const uint8_t *l4, uint32_t l4_len)
{
	uint32_t n = b_eth(b, MAC_US, MAC_PEER, 0x0800), hl = 20 + olen;

	b_ip(b + n, (uint16_t)(hl + l4_len), 0x1234, 0x4000, proto, IP_PEER,
	     IP_US);
	b[n] = (uint8_t)(0x40 | hl / 4);
	memcpy(b + n + 20, opts, olen);
	memcpy(b + n + hl, l4, l4_len);
	pkt_ipv4_fix_cksum(b + n);
	return n + hl + l4_len;
}

/* ... protocol 253, 8 bytes of 0x77 */
static uint32_t
f_ip_opts(uint8_t *b, const uint8_t *opts, uint32_t olen)
{
	static const uint8_t l4[8] = { 0x77, 0x77, 0x77, 0x77, 0x77, 0x77,
				       0x77, 0x77 };

	return f_ip_opts_l4(b, opts, olen, 253, l4, sizeof(l4));
}

/* ... an ICMP echo request (seq 7, 16 data bytes) */
static uint32_t
f_ping_opts(uint8_t *b, const uint8_t *opts, uint32_t olen)
{
	uint8_t icmp[64];
	uint32_t n = pkt_icmp_echo(icmp, 8, 0x4242, 7, 16);

	return f_ip_opts_l4(b, opts, olen, 1, icmp, n);
}

static void
proto_catch(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m,
	    const struct pn_ipv4_hdr *ip, void *arg)
{
	(void)lc;
	(void)net;
	(void)arg;
	if (T->l4_m != NULL)
		rte_pktmbuf_free(T->l4_m);
	T->l4_m = m;
	T->l4_ip = *ip;
	T->l4_calls++;
}

static const uint8_t DONE_LSRR[] = { 131, 11, 12, B4(HOP2), B4(IP_ROUTER), 0 };

/* Linux ip_rcv_options: each kind of drop has its own reason. */
static void
test_input_drops(void **state)
{
	static const uint8_t bad[] = { 131, 7, 3, 0, 0, 0, 0, 0 };
	static const uint8_t cipso[] = { 134, 8, 0, 0, 0, 3, 0, 0 };
	static const uint8_t transit[] = { 131, 11, 8, B4(HOP2), B4(IP_ROUTER),
					   0 };
	uint8_t f[PKT_MAX];

	uint8_t g[PKT_MAX];
	struct pn_ipv4_hdr ip;
	uint32_t n;

	(void)state;
	tw_start(1);
	tw_learn_peer();
	assert_int_equal(pn_net_register_proto(T->net[0], 253, proto_catch, T),
			 0);
	n = f_ip_opts(f, bad, sizeof(bad));
	tw_rx(0, f, n);
	assert_int_equal(tw_drops(0, PN_DROP_IP_BAD_OPTS), 1);
	/* Linux ip_options_compile: a parameter problem, code 0, pointing
	 * at the culprit byte (the LSRR's pointer, header offset 22),
	 * quoting the header and 8 bytes. */
	assert_int_equal(T->ntx[0], 1);
	tw_ip_frame(0, 0, g, &ip);
	assert_int_equal(ip.proto, 1);
	assert_int_equal(ip.dst, IP_PEER);
	assert_int_equal(ip.total_len, 20 + 8 + n - 14);
	assert_int_equal(g[34], 12);
	assert_int_equal(g[35], 0);
	assert_int_equal(g[38], 22);
	assert_int_equal(g[39] | g[40] | g[41], 0);
	assert_int_equal(pkt_ref_cksum(g + 34, 8 + n - 14), 0);
	assert_memory_equal(g + 42, f + 14, n - 14);
	tw_clear(0);
	/* CIPSO with no DOI configured (Linux cipso_v4_validate): the same
	 * drop, the pointer at its DOI (header offset 22) */
	n = f_ip_opts(f, cipso, sizeof(cipso));
	tw_rx(0, f, n);
	assert_int_equal(tw_drops(0, PN_DROP_IP_BAD_OPTS), 2);
	assert_int_equal(T->ntx[0], 1);
	tw_ip_frame(0, 0, g, &ip);
	assert_int_equal(g[34], 12);
	assert_int_equal(g[35], 0);
	assert_int_equal(g[38], 22);
	assert_memory_equal(g + 42, f + 14, n - 14);
	tw_clear(0);
	/* Linux ip_rcv_options: source routes are dropped silently. */
	tw_rx(0, f, f_ip_opts(f, transit, sizeof(transit)));
	assert_int_equal(tw_drops(0, PN_DROP_IP_SRR_TRANSIT), 1);
	tw_rx(0, f, f_ip_opts(f, DONE_LSRR, sizeof(DONE_LSRR)));
	assert_int_equal(tw_drops(0, PN_DROP_IP_SRR_REFUSED), 1);
	assert_int_equal(T->l4_calls, 0);
	assert_int_equal(T->ntx[0], 0);
	assert_int_equal(tw_stat(0)->ip_delivered, 0);
}

/* With accept_source_route, a completed route is delivered, its
 * options visible to the protocol; a route with hops left still is not.
 * Options without a route are delivered either way. */
static void
test_input_accept_source_route(void **state)
{
	static const uint8_t rr[] = { 7, 7, 8, B4(HOP2), 0 };
	static const uint8_t transit[] = { 137, 7, 4, B4(HOP2), 0 };
	uint8_t f[PKT_MAX];

	(void)state;
	T->conf.accept_source_route = true;
	tw_start(1);
	assert_int_equal(pn_net_register_proto(T->net[0], 253, proto_catch, T),
			 0);
	tw_rx(0, f, f_ip_opts(f, DONE_LSRR, sizeof(DONE_LSRR)));
	assert_int_equal(T->l4_calls, 1);
	assert_int_equal(T->l4_ip.opts_len, sizeof(DONE_LSRR));
	assert_memory_equal(T->l4_ip.opts, DONE_LSRR, sizeof(DONE_LSRR));
	assert_int_equal(T->l4_m->pkt_len, 8);
	tw_rx(0, f, f_ip_opts(f, transit, sizeof(transit)));
	assert_int_equal(tw_drops(0, PN_DROP_IP_SRR_TRANSIT), 1);
	tw_rx(0, f, f_ip_opts(f, rr, sizeof(rr)));
	assert_int_equal(T->l4_calls, 2);
	assert_int_equal(T->l4_ip.opts_len, sizeof(rr));
	rte_pktmbuf_free(T->l4_m);
	T->l4_m = NULL;
}

/* 2026-11-22 12:34:56.789 UTC, in ms since midnight (RFC 791) */
#define REAL_NS	 (1795350896789ull * PN_NS_PER_MS)
#define REAL_MS	 ((12 * 3600 + 34 * 60 + 56) * 1000 + 789)

static void
start_wall_clock(void)
{
	tw_start(1);
	tw_learn_peer();
	T->lc[0].now = pn_clock_now(&T->clock);
	pn_clock_set_realtime(&T->clock, T->lc[0].now, REAL_NS);
}

/* Linux icmp_reply -> ip_options_echo (what ping -R shows): the RR gets
 * our address on input and again on output; the TS our stamp on input,
 * its last slot; RR first, TS right after it, END after both; the data
 * comes back unchanged. */
static void
test_echo_reply_rr_ts(void **state)
{
	static const uint8_t o[] = {
		68, 12, 9, 0, B4(1111), 0, 0, 0, 0,	/* the peer's stamp */
		7, 15, 8, B4(IP_PEER), 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t w[] = {
		7, 15, 16, B4(IP_PEER), B4(IP_US), B4(IP_US),
		68, 12, 13, 0, B4(1111), B4(REAL_MS), 0 };
	uint8_t f[PKT_MAX], g[PKT_MAX];
	struct pn_ipv4_hdr ip;
	uint32_t n;

	(void)state;
	start_wall_clock();
	n = f_ping_opts(f, o, sizeof(o));
	tw_rx(0, f, n);
	assert_int_equal(T->ntx[0], 1);
	frame_ip(0, g, &ip);
	assert_int_equal(ip.dst, IP_PEER);
	assert_int_equal(ip.proto, 1);
	assert_int_equal(ip.opts_len, sizeof(w));
	assert_memory_equal(g + 34, w, sizeof(w));
	assert_int_equal(g[34 + 28], 0);	/* echo reply */
	assert_int_equal(pkt_ref_cksum(g + 34 + 28, 24), 0);
	assert_memory_equal(g + 34 + 28 + 4, f + 14 + 20 + sizeof(o) + 4, 20);
	assert_int_equal(tw_stat(0)->icmp_echo_in, 1);
}

/* Options Linux does not echo (router alert, NOOPs) give a plain reply;
 * an RR with half a slot after ours gives none (ip_options_echo
 * -EINVAL: icmp_reply returns). */
static void
test_echo_reply_not_echoed(void **state)
{
	static const uint8_t ra[] = { 148, 4, 0, 0 };
	static const uint8_t cut[] = { 7, 13, 8, B4(IP_PEER), 0, 0, 0, 0, 0,
				       0, 0, 0, 0 };
	uint8_t f[PKT_MAX], g[PKT_MAX];
	struct pn_ipv4_hdr ip;

	(void)state;
	start_wall_clock();
	tw_rx(0, f, f_ping_opts(f, ra, sizeof(ra)));
	assert_int_equal(T->ntx[0], 1);
	frame_ip(0, g, &ip);
	assert_int_equal(ip.opts_len, 0);
	tw_clear(0);
	tw_rx(0, f, f_ping_opts(f, cut, sizeof(cut)));
	assert_int_equal(T->ntx[0], 0);
	assert_int_equal(tw_drops(0, PN_DROP_IP_OPTS_NOECHO), 1);
	assert_int_equal(tw_stat(0)->ip_opts_noecho, 1);
}

/* With accept_source_route, the reply to a source-routed ping goes to
 * the last hop, along the reversed route (icmp_route_lookup: faddr). */
static void
test_echo_reply_reversed_route(void **state)
{
	static const uint8_t back[] = { 131, 11, 4, B4(HOP2), B4(IP_PEER), 0 };
	uint8_t f[PKT_MAX], g[PKT_MAX];
	struct pn_ipv4_hdr ip;

	(void)state;
	static_router();
	T->conf.accept_source_route = true;
	start_wall_clock();
	tw_rx(0, f, f_ping_opts(f, DONE_LSRR, sizeof(DONE_LSRR)));
	assert_int_equal(T->ntx[0], 1);
	frame_ip(0, g, &ip);
	assert_int_equal(ip.dst, IP_ROUTER);
	assert_memory_equal(g, MAC_ROUTER, 6);
	assert_int_equal(ip.opts_len, 12);
	assert_memory_equal(g + 34, back, sizeof(back));
}

/* A completed route's hops are the sender's word: when the first hop
 * back would be no host (a martian, a broadcast of ours, ourselves), or
 * the route would end at us, no echo reply and no parameter problem go
 * out (found by fuzz-net: a class E hop). Linux would route some of
 * these; we send nowhere. */
static void
test_reversed_route_to_no_host(void **state)
{
	static const uint32_t bad[] = {
		PN_IPV4(240, 74, 163, 0), PN_IPV4(0, 160, 2, 250),
		PN_IPV4(127, 0, 0, 1), PN_IPV4(224, 0, 0, 1),
		PN_IPV4(198, 18, 0, 255), IP_US,
	};
	uint8_t f[PKT_MAX];
	unsigned int i;

	(void)state;
	static_router();
	T->conf.accept_source_route = true;
	start_wall_clock();
	for (i = 0; i < RTE_DIM(bad); i++) {
		const uint8_t route[] = { 131, 11, 12, B4(HOP2), B4(bad[i]),
					  0 };
		/* the same route, then an option of unknown length: a
		 * parameter problem, which would echo the route */
		const uint8_t route_bad[] = { 131, 11, 12, B4(HOP2),
					      B4(bad[i]), 68, 3, 5, 1 };

		tw_rx(0, f, f_ping_opts(f, route, sizeof(route)));
		assert_int_equal(T->ntx[0], 0);
		assert_int_equal(tw_drops(0, PN_DROP_IP_OPTS_NOECHO), i + 1);
		tw_rx(0, f, f_ip_opts(f, route_bad, sizeof(route_bad)));
		assert_int_equal(tw_drops(0, PN_DROP_IP_BAD_OPTS), i + 1);
		assert_int_equal(T->ntx[0], 0);
		assert_int_equal(tw_stat(0)->ip_opts_noecho, 2 * (i + 1));
	}
	/* a good route, but from our own address: it would end at us
	 * (found by fuzz-net too); from a port such a source is now a
	 * spoof, dropped before the options are looked at */
	{
		const uint8_t route[] = { 131, 11, 12, B4(HOP2),
					  B4(IP_ROUTER), 0 };
		uint32_t n = f_ping_opts(f, route, sizeof(route));
		uint8_t src[4] = { B4(IP_US) };

		memcpy(f + 14 + 12, src, 4);
		pkt_ipv4_fix_cksum(f + 14);
		tw_rx(0, f, n);
		assert_int_equal(T->ntx[0], 0);
		assert_int_equal(tw_drops(0, PN_DROP_IP_SRC_OURS), 1);
		assert_int_equal(tw_stat(0)->ip_opts_noecho, 2 * RTE_DIM(bad));
	}
}

/* Linux __icmp_send echoes the offender's options in an error: here a
 * protocol unreachable, and the parameter problem about a malformed TS,
 * which echoes the RR before it (the half compiled options). */
static void
test_errors_echo_options(void **state)
{
	static const uint8_t rr[] = { 7, 7, 4, 0, 0, 0, 0, 1 };
	static const uint8_t rr_badts[] = { 7, 7, 4, 0, 0, 0, 0, 68, 3, 5,
					    1, 1 };
	static const uint8_t w[] = { 7, 7, 8, B4(IP_US), 0 };
	uint8_t f[PKT_MAX], g[PKT_MAX];
	struct pn_ipv4_hdr ip;
	uint32_t n;

	(void)state;
	start_wall_clock();
	n = f_ip_opts(f, rr, sizeof(rr));
	tw_rx(0, f, n);
	assert_int_equal(T->ntx[0], 1);
	frame_ip(0, g, &ip);
	assert_int_equal(ip.opts_len, 8);
	assert_memory_equal(g + 34, w, sizeof(w));
	assert_int_equal(g[42], 3);	/* destination unreachable */
	assert_int_equal(g[43], 2);	/* protocol */
	assert_int_equal(pkt_ref_cksum(g + 42, ip.total_len - 28), 0);
	assert_memory_equal(g + 50, f + 14, 20 + sizeof(rr) + 8);
	tw_clear(0);
	n = f_ip_opts(f, rr_badts, sizeof(rr_badts));
	tw_rx(0, f, n);
	assert_int_equal(tw_drops(0, PN_DROP_IP_BAD_OPTS), 1);
	assert_int_equal(T->ntx[0], 1);
	frame_ip(0, g, &ip);
	assert_int_equal(ip.opts_len, 8);
	assert_memory_equal(g + 34, w, sizeof(w));
	assert_int_equal(g[42], 12);	/* parameter problem */
	assert_int_equal(g[46], 20 + 8);	/* the TS's length byte */
}

/* A TSO segment's cut pieces carry the options too: they must fit. */
static void
test_tso_counts_options(void **state)
{
	struct pn_ipopt_tx o;
	struct rte_mbuf *m;

	(void)state;
	static_router();
	T->conf.port[0].tx_tso = true;
	T->conf.port[0].tx_tcp_cksum = true;
	tw_start(1);
	lsrr(&o);
	/* 20 + 12 + 20 + 1448 = 1500: fits; 1460 would not */
	m = tw_l4(20 + 1448 + 100, 0);
	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM;
	m->l4_len = 20;
	m->tso_segsz = 1448;
	T->lc[0].now = pn_clock_now(&T->clock);
	assert_int_equal(pn_ip4_output_opts(tw_lc(0), T->net[0], m, 0, IP_PEER,
					    6, 0, true, &o), 0);
	m = tw_l4(20 + 1460 + 100, 0);
	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM;
	m->l4_len = 20;
	m->tso_segsz = 1460;
	assert_int_equal(pn_ip4_output_opts(tw_lc(0), T->net[0], m, 0, IP_PEER,
					    6, 0, true, &o), -EMSGSIZE);
	assert_int_equal(tw_drops(0, PN_DROP_IP_TOO_BIG), 1);
	pn_tx_flush(tw_lc(0));
	assert_int_equal(T->ntx[0], 1);
	assert_int_equal(T->tx[0][0]->l3_len, 32);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TW_TEST(test_output_source_route),
		TW_TEST(test_output_routes_first_hop),
		TW_TEST(test_output_timestamp),
		TW_TEST(test_fragments_copy_options),
		TW_TEST(test_input_drops),
		TW_TEST(test_input_accept_source_route),
		TW_TEST(test_tso_counts_options),
		TW_TEST(test_echo_reply_rr_ts),
		TW_TEST(test_echo_reply_not_echoed),
		TW_TEST(test_echo_reply_reversed_route),
		TW_TEST(test_reversed_route_to_no_host),
		TW_TEST(test_errors_echo_options),
	};

	return cmocka_run_group_tests_name("net_ipopt", tests, NULL, NULL);
}
