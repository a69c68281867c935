/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 source routes and TCP (RFC 9293 3.9.2.1, MUST-51..53, SHLD-24),
 * with Linux's semantics: tcp_v4_connect routes a SYN to the first hop of
 * IP_OPTIONS; tcp_v4_save_options answers a passive open along the
 * reverse of the SYN's completed source route, with its record route
 * and timestamp options echoed (ip_options_echo), as RSTs are; the
 * TCP checksum always covers the final destination.
 */
#include <string.h>

#include <rte_mbuf.h>

#include "ipopt.h"
#include "scn.h"

#define HOP2	PN_IPV4(198, 19, 7, 7)	/* a hop past the router */
#define HOP3	PN_IPV4(198, 19, 8, 8)
#define FAR	PN_IPV4(198, 19, 0, 1)	/* no route to it */

static const uint8_t MAC_ROUTER[6] = { 2, 0, 0, 0, 0, 0xfe };

#define B4(a) (uint8_t)((a) >> 24), (uint8_t)((a) >> 16), \
	(uint8_t)((a) >> 8), (uint8_t)(a)

/* The router (first hop) on the link, known by static ARP. */
static void
start(bool accept_srr)
{
	W->nconf.static_arp[1].port_id = 0;
	W->nconf.static_arp[1].ip = IP_ROUTER;
	memcpy(W->nconf.static_arp[1].mac, MAC_ROUTER, 6);
	W->nconf.nb_static_arp = 2;
	W->nconf.accept_source_route = accept_srr;
	scn_start();
}

/* IP_OPTIONS as a user gives them: LSRR via the router then HOP2. */
static const uint8_t USER_LSRR[] = { 131, 11, 4, B4(IP_ROUTER), B4(HOP2), 1 };
/* ... and as they go on the wire to the router: HOP2, then the peer. */
static const uint8_t WIRE_LSRR[] = { 131, 11, 4, B4(HOP2), B4(IP_PEER), 1 };

static void
connect_lsrr(uint32_t dst)
{
	struct pn_ipopt_tx o;

	assert_int_equal(pn_ipopt_compile(USER_LSRR, sizeof(USER_LSRR), &o), 0);
	assert_int_equal(pn_tcp_connect_create_ipopt(W->tcp, 0, PORT_US, dst,
						     PORT_PEER, &o, &W->cctx,
						     &W->c), 0);
	pn_tcp_connect_start(W->c);
}

/* MUST-51: the SYN goes to the first hop with the rest of the route; the
 * checksum (scn_out) is over the peer; the MSS announced is the route's
 * (Linux advmss ignores IP options, RFC 6691 2), the segments we send
 * shrink by the 12 option bytes (Linux icsk_ext_hdr_len). */
static void
active_lsrr_syn_to_first_hop(void **state)
{
	(void)state;
	start(false);
	connect_lsrr(IP_PEER);
	OUT(S, .ipdst = IP_ROUTER, .ipopts = WIRE_LSRR,
	    .ipopts_len = sizeof(WIRE_LSRR), .mss = 1460);
	IN(SA, .seq = 1000, .ack = ISN + 1, .mss = 1460);
	OUT(A, .ipdst = IP_ROUTER, .ipopts = WIRE_LSRR,
	    .ipopts_len = sizeof(WIRE_LSRR));
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
	assert_int_equal(scn_send(3000), 3000);
	OUT(A, .len = 1448, .ipdst = IP_ROUTER, .ipopts = WIRE_LSRR,
	    .ipopts_len = sizeof(WIRE_LSRR));
	OUT(A, .len = 1448, .ipdst = IP_ROUTER);
	NONE();	/* Nagle holds the 104-byte tail */
}

/* MUST-51: a destination with no route of its own is reached through
 * the first hop (Linux routes to opt.faddr); without the route, connect
 * fails. */
static void
active_lsrr_routes_by_first_hop(void **state)
{
	struct pn_tcp_conn *c;

	(void)state;
	start(false);
	assert_int_equal(pn_tcp_connect_create(W->tcp, 0, PORT_US, FAR,
					       PORT_PEER, &W->cctx, &c),
			 -ENETUNREACH);
	connect_lsrr(FAR);
	pn_tx_flush(&W->lc);
	assert_int_equal(scn_pending(), 1);
	{
		const uint8_t *p = rte_pktmbuf_mtod(W->tx[W->rtx], uint8_t *);
		struct pn_ipv4_hdr ip;

		assert_int_equal(pn_ipv4_parse(p + 14, W->tx[W->rtx]->pkt_len - 14,
						0, &ip), 0);
		assert_int_equal(ip.dst, IP_ROUTER);
		assert_int_equal(ip.src, IP_US);
		assert_int_equal(ip.opts_len, 12);
		/* the route's last slot is the final destination */
		assert_int_equal((uint32_t)p[34 + 7] << 24 | p[34 + 8] << 16 |
				 p[34 + 9] << 8 | p[34 + 10], FAR);
	}
	scn_flush();
}

/* A completed LSRR from the peer, recorded by R (HOP3) then the router. */
static const uint8_t RCVD_LSRR[] = { 131, 11, 12, B4(HOP3), B4(IP_ROUTER), 0 };
/* Its reverse: to the router, then HOP3, then the peer. */
static const uint8_t BACK_LSRR[] = { 131, 11, 4, B4(HOP3), B4(IP_PEER), 0 };

/* MUST-52: with the user's route set, a received route changes nothing. */
static void
active_user_route_wins(void **state)
{
	(void)state;
	start(true);
	connect_lsrr(IP_PEER);
	OUT(S, .ipdst = IP_ROUTER, .ipopts = WIRE_LSRR,
	    .ipopts_len = sizeof(WIRE_LSRR));
	IN(SA, .seq = 1000, .ack = ISN + 1, .mss = 1460,
	   .ipopts = RCVD_LSRR, .ipopts_len = sizeof(RCVD_LSRR));
	OUT(A, .ipdst = IP_ROUTER, .ipopts = WIRE_LSRR,
	    .ipopts_len = sizeof(WIRE_LSRR));
	IN(PA, .len = 10, .ipopts = RCVD_LSRR, .ipopts_len = sizeof(RCVD_LSRR));
	OUT(A, .ack = 1011, .ipdst = IP_ROUTER, .ipopts = WIRE_LSRR,
	    .ipopts_len = sizeof(WIRE_LSRR));
}

/* MUST-53: the SYN-ACK and every later segment go back along the
 * reversed route; the checksum stays over the peer. */
static void
passive_syn_route_reversed(void **state)
{
	(void)state;
	start(true);
	scn_listen(PORT_US);
	IN(S, .seq = 100, .mss = 1460, .ipopts = RCVD_LSRR,
	   .ipopts_len = sizeof(RCVD_LSRR));
	OUT(SA, .ack = 101, .mss = 1460, .ipdst = IP_ROUTER,
	    .ipopts = BACK_LSRR, .ipopts_len = sizeof(BACK_LSRR));
	IN(A, .ipopts = RCVD_LSRR, .ipopts_len = sizeof(RCVD_LSRR));
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	/* getsockopt(IP_OPTIONS) of the accepted socket: the return route,
	 * first hop first (Linux ip_options_undo of the saved echo) */
	{
		static const uint8_t want[] = { 131, 11, 4, B4(IP_ROUTER),
						B4(HOP3), 0 };
		struct pn_ipopt_tx o;
		uint8_t b[40];

		assert_int_equal(pn_tcp_get_ipopt(W->c, &o), 0);
		assert_int_equal(pn_ipopt_undo(&o, b), sizeof(want));
		assert_memory_equal(b, want, sizeof(want));
	}
	assert_int_equal(scn_send(2000), 2000);
	OUT(A, .len = 1448, .ipdst = IP_ROUTER, .ipopts = BACK_LSRR,
	    .ipopts_len = sizeof(BACK_LSRR));
	NONE();	/* Nagle holds the rest until the ACK */
	/* later segments without options keep the route */
	IN(A);
	OUT(PA, .len = 552, .ipdst = IP_ROUTER, .ipopts = BACK_LSRR,
	    .ipopts_len = sizeof(BACK_LSRR));
	IN(FA);
	OUT(A, .ipdst = IP_ROUTER, .ipopts = BACK_LSRR,
	    .ipopts_len = sizeof(BACK_LSRR));
}

/* SHLD-24: a different route in a later segment replaces the first. */
static void
passive_later_route_overrides(void **state)
{
	static const uint8_t rcvd2[] = { 137, 7, 8, B4(IP_ROUTER), 0 };
	static const uint8_t back2[] = { 137, 7, 4, B4(IP_PEER), 0 };

	(void)state;
	start(true);
	scn_listen(PORT_US);
	IN(S, .seq = 100, .mss = 1460, .ipopts = RCVD_LSRR,
	   .ipopts_len = sizeof(RCVD_LSRR));
	OUT(SA, .ack = 101, .ipopts = BACK_LSRR,
	    .ipopts_len = sizeof(BACK_LSRR));
	IN(A, .ipopts = RCVD_LSRR, .ipopts_len = sizeof(RCVD_LSRR));
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	IN(PA, .len = 10, .ipopts = rcvd2, .ipopts_len = sizeof(rcvd2));
	OUT(A, .ack = PISN + 11, .ipdst = IP_ROUTER, .ipopts = back2,
	    .ipopts_len = sizeof(back2));
}

/* Linux's default (accept_source_route 0): a source-routed SYN is
 * dropped before TCP sees it. */
static void
passive_srr_refused_by_default(void **state)
{
	(void)state;
	start(false);
	scn_listen(PORT_US);
	IN(S, .seq = 100, .ipopts = RCVD_LSRR, .ipopts_len = sizeof(RCVD_LSRR));
	NONE();
	assert_int_equal(scn_drops(PN_DROP_IP_SRR_REFUSED), 1);
	assert_int_equal(scn_nconns(), 0);
}

/* CIPSO: Linux ip_options_compile -> cipso_v4_validate finds no DOI
 * (none configured by default): a parameter problem at the DOI (header
 * offset 22), the SYN dropped; nothing echoed, no SYN-ACK. */
static void
passive_cipso_refused(void **state)
{
	static const uint8_t cipso[] = { 134, 8, 0, 0, 0, 3, 0, 0 };
	uint8_t buf[128];
	const uint8_t *p;

	(void)state;
	start(false);
	scn_listen(PORT_US);
	IN(S, .seq = 100, .ipopts = cipso, .ipopts_len = sizeof(cipso));
	pn_tx_flush(&W->lc);
	assert_int_equal(scn_pending(), 1);
	p = rte_pktmbuf_read(W->tx[W->rtx], 0,
			     RTE_MIN(W->tx[W->rtx]->pkt_len, (uint32_t)sizeof(buf)),
			     buf);
	assert_int_equal(p[14 + 9], 1);		/* ICMP */
	assert_int_equal(p[34], 12);		/* parameter problem */
	assert_int_equal(p[35], 0);
	assert_int_equal(p[38], 22);		/* the DOI */
	assert_int_equal(scn_flush(), 1);
	assert_int_equal(scn_drops(PN_DROP_IP_BAD_OPTS), 1);
	assert_int_equal(scn_nconns(), 0);
}

/* A route with hops left makes us a router: dropped, even when
 * completed routes are accepted. */
static void
srr_with_hops_left_dropped(void **state)
{
	static const uint8_t transit[] = { 131, 11, 8, B4(IP_ROUTER),
					   B4(HOP2), 0 };

	(void)state;
	start(true);
	scn_listen(PORT_US);
	IN(S, .seq = 100, .ipopts = transit, .ipopts_len = sizeof(transit));
	NONE();
	assert_int_equal(scn_drops(PN_DROP_IP_SRR_TRANSIT), 1);
}

/* Linux tcp_v4_send_reset (ip_options_echo): the RST to a source-routed
 * segment for no socket goes back along its route. */
static void
rst_reply_reversed(void **state)
{
	(void)state;
	start(true);
	IN(S, .seq = 100, .dport = 81, .ipopts = RCVD_LSRR,
	   .ipopts_len = sizeof(RCVD_LSRR));
	OUT(RA, .ack = 101, .ipdst = IP_ROUTER, .ipopts = BACK_LSRR,
	    .ipopts_len = sizeof(BACK_LSRR));
}

/* SYN cookies answer along the reversed route too. */
static void
syncookie_synack_reversed(void **state)
{
	(void)state;
	W->tconf.syn_backlog = 1;
	start(true);
	scn_listen(PORT_US);
	IN(S, .seq = 100, .sport = 1001);
	OUT(SA, .ack = 101, .ipopts = (const uint8_t *)"", .ipopts_len = 0);
	IN(S, .seq = 500, .sport = 1002, .mss = 1460, .ipopts = RCVD_LSRR,
	   .ipopts_len = sizeof(RCVD_LSRR));
	OUT(SA, .ack = 501, .ipdst = IP_ROUTER, .ipopts = BACK_LSRR,
	    .ipopts_len = sizeof(BACK_LSRR));
	assert_int_equal(scn_stat("TCPSynCookiesSent"), 1);
}

/* Record route from the peer (ping -R style, 3 slots, its own first). */
static const uint8_t RCVD_RR[] = { 7, 15, 8, B4(IP_PEER), 0, 0, 0, 0, 0, 0,
				   0, 0, 1 };
/* ip_options_echo: we record ourselves on input and leave the next slot
 * for output, filled with us too. */
static const uint8_t BACK_RR[] = { 7, 15, 16, B4(IP_PEER), B4(IP_US),
				   B4(IP_US), 0 };
/* Half a slot after ours: Linux cannot echo it (-EINVAL). */
static const uint8_t CUT_RR[] = { 7, 13, 8, B4(IP_PEER), 0, 0, 0, 0, 0, 0,
				  1, 1, 1 };

/* Linux tcp_v4_send_reset -> ip_send_unicast_reply: the RST echoes the
 * segment's record route; with options it cannot echo, no RST. */
static void
rst_reply_rr(void **state)
{
	(void)state;
	start(false);
	IN(S, .seq = 100, .dport = 81, .ipopts = RCVD_RR,
	   .ipopts_len = sizeof(RCVD_RR));
	OUT(RA, .ack = 101, .ipdst = IP_PEER, .ipopts = BACK_RR,
	    .ipopts_len = sizeof(BACK_RR));
	IN(S, .seq = 100, .dport = 81, .ipopts = CUT_RR,
	   .ipopts_len = sizeof(CUT_RR));
	NONE();
}

/* Linux tcp_v4_save_options: the SYN's echo goes on the SYN-ACK and, as
 * the child's inet_opt, on every segment; getsockopt(IP_OPTIONS) gives
 * it back undone (ip_options_undo: the output slot zeroed, our input
 * entry kept). A later record route does not replace it (only a
 * different source route does, SHLD-24). */
static void
passive_rr_echoed_and_kept(void **state)
{
	static const uint8_t undone[] = { 7, 15, 12, B4(IP_PEER), B4(IP_US),
					  0, 0, 0, 0, 0 };
	static const uint8_t rr2[] = { 7, 7, 4, 0, 0, 0, 0, 1 };
	struct pn_ipopt_tx o;
	uint8_t b[40];

	(void)state;
	start(false);
	scn_listen(PORT_US);
	IN(S, .seq = 100, .mss = 1460, .ipopts = RCVD_RR,
	   .ipopts_len = sizeof(RCVD_RR));
	OUT(SA, .ack = 101, .mss = 1460, .ipdst = IP_PEER, .ipopts = BACK_RR,
	    .ipopts_len = sizeof(BACK_RR));
	IN(A);
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	assert_int_equal(pn_tcp_get_ipopt(W->c, &o), 0);
	assert_int_equal(pn_ipopt_undo(&o, b), sizeof(undone));
	assert_memory_equal(b, undone, sizeof(undone));
	IN(PA, .len = 10, .ipopts = rr2, .ipopts_len = sizeof(rr2));
	OUT(A, .ack = PISN + 11, .ipopts = BACK_RR,
	    .ipopts_len = sizeof(BACK_RR));
	/* the send MSS shrinks by the 16 option bytes */
	assert_int_equal(scn_send(2000), 2000);
	OUT(A, .len = 1460 - 16, .ipopts = BACK_RR,
	    .ipopts_len = sizeof(BACK_RR));
}

/* TIME-WAIT (Linux tcp_v4_timewait_ack): the ACK of the FIN that ends
 * FIN-WAIT-2 still comes from the connection, with its options; from
 * then on a timewait sock answers, which keeps none: each ACK echoes the
 * segment it answers, none for a segment without options, and no ACK
 * for options it cannot echo. */
static void
timewait_ack_echoes_segment(void **state)
{
	static const uint8_t none[1];

	(void)state;
	start(false);
	scn_listen(PORT_US);
	IN(S, .seq = 100, .mss = 1460, .ipopts = RCVD_RR,
	   .ipopts_len = sizeof(RCVD_RR));
	OUT(SA, .ack = 101, .mss = 1460, .ipopts = BACK_RR,
	    .ipopts_len = sizeof(BACK_RR));
	IN(A);
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	pn_tcp_close(W->c);
	W->c = NULL;
	OUT(FA, .seq = ISN + 1, .ipopts = BACK_RR,
	    .ipopts_len = sizeof(BACK_RR));
	IN(A, .ack = ISN + 2);
	IN(FA, .seq = 101, .ack = ISN + 2);
	OUT(A, .seq = ISN + 2, .ack = 102, .ipopts = BACK_RR,
	    .ipopts_len = sizeof(BACK_RR));
	/* retransmitted FINs in TIME-WAIT */
	IN(FA, .seq = 101, .ack = ISN + 2);
	OUT(A, .seq = ISN + 2, .ack = 102, .ipopts = none, .ipopts_len = 0);
	IN(FA, .seq = 101, .ack = ISN + 2, .ipopts = RCVD_RR,
	   .ipopts_len = sizeof(RCVD_RR));
	OUT(A, .seq = ISN + 2, .ack = 102, .ipopts = BACK_RR,
	    .ipopts_len = sizeof(BACK_RR));
	IN(FA, .seq = 101, .ack = ISN + 2, .ipopts = CUT_RR,
	   .ipopts_len = sizeof(CUT_RR));
	NONE();
	assert_int_equal(scn_drops(PN_DROP_IP_OPTS_NOECHO), 1);
	assert_int_equal(scn_nconns(), 1);
	/* a RST ends it, whatever its options */
	IN(R, .seq = 102, .ipopts = CUT_RR, .ipopts_len = sizeof(CUT_RR));
	NONE();
	assert_int_equal(scn_nconns(), 0);
}

/* A retransmitted FIN into TIME-WAIT with options it cannot echo: no
 * ACK, but the 2 MSL restarts as for any retransmitted FIN (Linux
 * tcp_timewait_state_process reschedules before tcp_v4_timewait_ack
 * fails to build the ACK). */
static void
timewait_noecho_fin_restarts_2msl(void **state)
{
	(void)state;
	W->tconf.msl_ms = 1000;
	start(false);
	scn_listen(PORT_US);
	IN(S, .seq = 100, .mss = 1460);
	OUT(SA, .ack = 101, .mss = 1460);
	IN(A);
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	pn_tcp_close(W->c);
	W->c = NULL;
	OUT(FA, .seq = ISN + 1);
	IN(A, .ack = ISN + 2);
	IN(FA, .seq = 101, .ack = ISN + 2);
	OUT(A, .seq = ISN + 2, .ack = 102);
	ADVANCE_MS(1500);
	IN(FA, .seq = 101, .ack = ISN + 2, .ipopts = CUT_RR,
	   .ipopts_len = sizeof(CUT_RR));
	NONE();
	assert_int_equal(scn_drops(PN_DROP_IP_OPTS_NOECHO), 1);
	/* 2 MSL after entering TIME-WAIT: still there, restarted */
	ADVANCE_MS(1000);
	assert_int_equal(scn_nconns(), 1);
	ADVANCE_MS(1100);
	assert_int_equal(scn_nconns(), 0);
	NONE();
}

/* A SYN with a timestamp option: the SYN-ACK carries our input stamp
 * and a slot stamped on output (flag 1: our address before each). */
static void
passive_ts_echoed(void **state)
{
	static const uint8_t ts[] = { 68, 20, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0,
				      0, 0, 0, 0, 0, 0, 0, 0 };
	const uint8_t *g = W->last_ipopts;

	(void)state;
	start(false);
	scn_listen(PORT_US);
	IN(S, .seq = 100, .mss = 1460, .ipopts = ts, .ipopts_len = sizeof(ts));
	OUT(SA, .ack = 101, .mss = 1460);
	assert_int_equal(W->last_ip.opts_len, 20);
	assert_memory_equal(g, ((const uint8_t[]){ 68, 20, 21, 1, B4(IP_US) }),
			    8);
	assert_memory_equal(g + 12, ((const uint8_t[]){ B4(IP_US) }), 4);
}

/* Options Linux cannot echo: the SYN-ACK and the connection go without
 * (tcp_v4_save_options returns NULL). */
static void
passive_noecho_plain(void **state)
{
	struct pn_ipopt_tx o;

	(void)state;
	start(false);
	scn_listen(PORT_US);
	IN(S, .seq = 100, .mss = 1460, .ipopts = CUT_RR,
	   .ipopts_len = sizeof(CUT_RR));
	OUT(SA, .ack = 101, .mss = 1460, .ipopts = (const uint8_t *)"",
	    .ipopts_len = 0);
	IN(A);
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	assert_int_equal(pn_tcp_get_ipopt(W->c, &o), -ENOENT);
}

/* A completed route whose first hop back is no host (class E here; a
 * martian, a broadcast or one of ours alike): nothing is sent there. The
 * connection goes without options, as for any echo refused; a RST to
 * such a segment is not sent at all. */
static void
passive_route_to_no_host_plain(void **state)
{
	static const uint8_t rcvd[] = { 131, 11, 12, B4(HOP3),
					B4(PN_IPV4(240, 0, 0, 1)), 0 };
	struct pn_ipopt_tx o;

	(void)state;
	start(true);
	scn_listen(PORT_US);
	IN(S, .seq = 100, .mss = 1460, .ipopts = rcvd,
	   .ipopts_len = sizeof(rcvd));
	OUT(SA, .ack = 101, .mss = 1460, .ipopts = (const uint8_t *)"",
	    .ipopts_len = 0);
	IN(A);
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	assert_int_equal(pn_tcp_get_ipopt(W->c, &o), -ENOENT);
	IN(S, .seq = 100, .dport = 81, .ipopts = rcvd,
	   .ipopts_len = sizeof(rcvd));
	NONE();
	/* the SYN's echo refused, then the RST's */
	assert_int_equal(pn_net_stats(W->net)->ip_opts_noecho, 2);
}

/* Clearing the options (an empty IP_OPTIONS) sends plainly again, with
 * the whole MSS. */
static void
clear_options_after_connect(void **state)
{
	(void)state;
	start(false);
	connect_lsrr(IP_PEER);
	OUT(S, .ipopts = WIRE_LSRR, .ipopts_len = sizeof(WIRE_LSRR));
	IN(SA, .seq = 1000, .ack = ISN + 1, .mss = 1460);
	OUT(A, .ipopts = WIRE_LSRR, .ipopts_len = sizeof(WIRE_LSRR));
	assert_int_equal(pn_tcp_set_ipopt(W->c, NULL), 0);
	assert_int_equal(scn_send(1460), 1460);
	OUT(PA, .len = 1460, .ipdst = IP_PEER,
	    .ipopts = (const uint8_t *)"", .ipopts_len = 0);
}

/* TSO: the device cuts at the reduced MSS, each piece with the options
 * (the pseudo-header sum over the final destination, scn_out). */
static void
tso_segments_carry_options(void **state)
{
	(void)state;
	W->nconf.port[0].tx_tso = true;
	W->nconf.port[0].tx_tcp_cksum = true;
	start(false);
	connect_lsrr(IP_PEER);
	OUT(S, .ipopts = WIRE_LSRR, .ipopts_len = sizeof(WIRE_LSRR));
	IN(SA, .seq = 1000, .ack = ISN + 1, .mss = 1460);
	OUT(A, .ipopts = WIRE_LSRR, .ipopts_len = sizeof(WIRE_LSRR));
	assert_int_equal(scn_send(10 * 1448), 10 * 1448);
	OUT(PA, .len = 10 * 1448, .tso = 1448, .ipdst = IP_ROUTER,
	    .ipopts = WIRE_LSRR, .ipopts_len = sizeof(WIRE_LSRR));
	NONE();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(active_lsrr_syn_to_first_hop),
		SCN(active_lsrr_routes_by_first_hop),
		SCN(active_user_route_wins),
		SCN(passive_syn_route_reversed),
		SCN(passive_later_route_overrides),
		SCN(passive_srr_refused_by_default),
		SCN(passive_cipso_refused),
		SCN(srr_with_hops_left_dropped),
		SCN(rst_reply_reversed),
		SCN(syncookie_synack_reversed),
		SCN(clear_options_after_connect),
		SCN(tso_segments_carry_options),
		SCN(rst_reply_rr),
		SCN(passive_rr_echoed_and_kept),
		SCN(passive_ts_echoed),
		SCN(passive_noecho_plain),
		SCN(passive_route_to_no_host_plain),
		SCN(timewait_ack_echoes_segment),
		SCN(timewait_noecho_fin_restarts_2msl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
