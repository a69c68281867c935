/* SPDX-License-Identifier: BSD-3-Clause */
/* Zero window, persist timer, window scaling on the send side
 * (RFC 9293 3.8.6.1, RFC 7323). */
#include <sys/epoll.h>

#include <rte_mbuf.h>

#include "scn.h"
#include "test_eal.h"

static void
est_win(uint16_t win)
{
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1000, .mss = 1000);
	OUT(SA);
	IN(A, .win = win);
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
}

static void
zero_window_nothing_sent(void **state)
{
	(void)state;
	est_win(0);
	assert_int_equal(scn_send(100), 100);
	NONE();
}

static void
persist_probes_with_backoff(void **state)
{
	(void)state;
	est_win(0);
	scn_send(100);
	NONE();
	ADVANCE_MS(200);
	OUT(A, .seq = ISN + 1, .len = 1);
	ADVANCE_MS(399);
	NONE();
	ADVANCE_MS(1);
	OUT(A, .seq = ISN + 2, .len = 1);
	assert_int_equal(scn_stat("TCPWinProbe"), 2);
}

static void
window_opens_data_flows(void **state)
{
	(void)state;
	est_win(0);
	scn_send(100);
	ADVANCE_MS(200);
	OUT(A, .seq = ISN + 1, .len = 1);
	IN(A, .ack = ISN + 1, .win = 1000);
	OUT(PA, .seq = ISN + 1, .len = 100);
	ADVANCE_MS(100000);
	OUT(PA, .seq = ISN + 1, .len = 100); /* RTO, not persist */
}

static void
probe_byte_accepted(void **state)
{
	(void)state;
	est_win(0);
	scn_send(100);
	ADVANCE_MS(200);
	OUT(A, .seq = ISN + 1, .len = 1);
	IN(A, .ack = ISN + 2, .win = 0);
	NONE();
	ADVANCE_MS(200);
	OUT(A, .seq = ISN + 2, .len = 1);
	IN(A, .ack = ISN + 3, .win = 5000);
	OUT(PA, .seq = ISN + 3, .len = 98);
}

static void
persist_forever_without_user_timeout(void **state)
{
	int i;

	(void)state;
	W->tconf.rto_max_ms = 1000;
	est_win(0);
	scn_send(100);
	for (i = 0; i < 30; i++)
		ADVANCE_MS(1000);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
	assert_true(scn_flush() >= 25);
}

static void
persist_gives_up_with_user_timeout(void **state)
{
	(void)state;
	est_win(0);
	pn_tcp_setopt(W->c, PN_TCP_OPT_USER_TIMEOUT, 1000);
	scn_send(100);
	ADVANCE_MS(5000);
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
	assert_int_equal(pn_tcp_error(W->c), ETIMEDOUT);
	scn_flush();
}

/*
 * An orphan probing a zero window gives up after 8 unanswered probes
 * (Linux tcp_probe_timer, tcp_orphan_retries): closed in FIN-WAIT-1 with
 * a peer that keeps its window shut and says nothing, the connection
 * probed once a second per byte queued (found by fuzz-tcp). An answer
 * counts the probes from zero again.
 */
static void
persist_orphan_gives_up(void **state)
{
	int i;

	(void)state;
	W->tconf.rto_max_ms = 1000;
	est_win(0);
	scn_send(1000);
	for (i = 0; i < 30 && scn_stat("TCPWinProbe") < 5; i++)
		ADVANCE_MS(1000);
	assert_int_equal(scn_stat("TCPWinProbe"), 5);
	scn_flush();
	IN(A, .ack = ISN + 1, .win = 0); /* the probes dropped, ACKed */
	pn_tcp_close(W->c);	/* FIN-WAIT-1 behind the data */
	W->c = NULL;
	for (i = 0; i < 60; i++)
		ADVANCE_MS(1000);
	assert_int_equal(scn_nconns(), 0);
	assert_int_equal(scn_stat("TCPWinProbe"), 5 + 8);
	assert_int_equal(scn_stat("TCPAbortOnTimeout"), 1);
	scn_flush();
}

/*
 * Probes past the last byte queued probe with the first again: with 2
 * bytes queued the third probe went nowhere, TF_PERSIST was dropped with
 * both bytes in flight and no timer, and the connection stalled for good,
 * even once the window opened (found by fuzz-tcp).
 */
static void
persist_probes_all_queued_bytes_out(void **state)
{
	int k;

	(void)state;
	est_win(0);
	scn_send(2);
	for (k = 0; k < 4; k++) {
		scn_wait_out(5000, 1);
		OUT(A, .seq = ISN + 1 + (k < 2 ? k : 0), .len = 1);
	}
	assert_int_equal(scn_stat("TCPWinProbe"), 4);
	IN(A, .ack = ISN + 1, .win = 1000);
	OUT(A, .seq = ISN + 1, .len = 2);
}

/*
 * The peer's window opens to 1000 while the pool holds only the mbuf its
 * ACK comes in: whatever TCP sends for it, IP refuses (no mbuf). Then
 * the pool is refilled and the clock runs until something goes out.
 */
static void
window_opens_while_refused(void)
{
	static struct rte_mbuf *hoard[16384];
	unsigned int n = 0, i;

	while (n < RTE_DIM(hoard) &&
	       (hoard[n] = rte_pktmbuf_alloc(pn_test_pool())) != NULL)
		n++;
	rte_pktmbuf_free(hoard[--n]);	/* for the window update */
	IN(A, .ack = ISN + 1, .win = 1000);
	NONE();
	for (i = 0; i < n; i++)
		rte_pktmbuf_free(hoard[i]);
	scn_wait_out(5000, 1);
}

/* 100 bytes queued behind a zero window, and the first probe for them. */
static void
first_probe_out(void)
{
	est_win(0);
	scn_send(100);
	NONE();
	scn_wait_out(5000, 1);
	OUT(A, .seq = ISN + 1, .len = 1);
}

/*
 * A segment IP refused (here: no mbuf for it) with nothing in flight is
 * tried again by the probe timer (Linux tcp_check_probe_timer): it was
 * left with no timer at all and the data never went (found by fuzz-tcp,
 * a neighbour's queue full on a reversed source route).
 */
static void
refused_send_tried_again(void **state)
{
	(void)state;
	est_win(0);
	scn_send(100);
	NONE();
	window_opens_while_refused();
	OUT(A, .seq = ISN + 1, .len = 100);
}

/*
 * The same with a probe byte out: the window opens, SND.NXT goes back to
 * the probe byte and IP refuses it. Data in flight needs the RTO (RFC
 * 6298 5.1); without it the connection had no timer at all (found by
 * fuzz-tcp: an orphan that outlived every timeout).
 */
static void
refused_after_probe_has_rto(void **state)
{
	(void)state;
	first_probe_out();
	window_opens_while_refused();
	OUT(A, .seq = ISN + 1, .len = 1);	/* the RTO: what was sent */
}

/*
 * The window opens with probe bytes out, while the device is full (small
 * queues hold the data back: a probe is held below TCP), and shuts again
 * before anything went: SND.NXT is back at SND.UNA, SND.MAX past it. The
 * probe timer must run; it did not (armed only with SND.MAX at SND.UNA),
 * and the connection waited for good (found by fuzz-tcp).
 */
static void
window_reopens_shut_while_device_full(void **state)
{
	unsigned int i;

	(void)state;
	first_probe_out();
	W->tx_limit = true;
	W->tx_room = 0;
	for (i = 0; i < 5000 && pn_lcore_tx_held(&W->lc) == 0; i++)
		ADVANCE_MS(1);
	assert_int_equal(pn_lcore_tx_held(&W->lc), 1);	/* the second, held */
	IN(A, .ack = ISN + 1, .win = 1000);	/* opens: small queues wait */
	IN(A, .ack = ISN + 1, .win = 0);	/* shut again */
	W->tx_room = 16;
	scn_wait_out(100, 1);
	OUT(A, .seq = ISN + 2, .len = 1);	/* the held probe goes */
	NONE();
	scn_wait_out(5000, 1);
	OUT(A, .seq = ISN + 1, .len = 1);	/* and the probe timer runs */
	IN(A, .ack = ISN + 1, .win = 1000);
	OUT(A, .seq = ISN + 1, .len = 100);
}

/*
 * A retransmission is the data as it was sent (Linux retransmits the
 * skb): the peer's window let 500 bytes of a 1000-byte MSS out, so the
 * RTO sends those 500 again, not 1000 past the window and past SND.MAX
 * (found by fuzz-tcp; the peer's ACK of them then looked like an ACK of
 * data never sent).
 */
static void
rto_resends_only_what_the_window_let_out(void **state)
{
	(void)state;
	est_win(500);
	scn_send(3000);
	OUT(A, .seq = ISN + 1, .len = 500);
	NONE();
	scn_wait_out(3000, 1);
	OUT(A, .seq = ISN + 1, .len = 500);
	NONE();
	IN(A, .ack = ISN + 501, .win = 1000);
	OUT(A, .seq = ISN + 501, .len = 1000);
}

static void
window_shrinks_to_zero_mid_stream(void **state)
{
	(void)state;
	est_win(2000);
	scn_send(3000);
	OUT(A, .len = 1000);
	OUT(A, .len = 1000);
	NONE();
	IN(A, .ack = ISN + 2001, .win = 0);
	NONE();
	ADVANCE_MS(200);
	OUT(A, .seq = ISN + 2001, .len = 1);
}

static void
window_scale_applied_to_peer_window(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1000, .mss = 1000, .ws = 2);
	OUT(SA, .ws = 7);
	IN(A, .win = 1000); /* 4000 bytes */
	pn_tcp_accept(W->l, &W->cctx, &W->c);
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
	scn_send(10000);
	OUT(A, .len = 1000);
	OUT(A, .len = 1000);
	OUT(A, .len = 1000);
	OUT(A, .len = 1000);
	NONE();
}

static void
our_window_scaled(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1000, .ws = 0);
	OUT(SA, .win = 65535, .ws = 7);
	IN(A);
	pn_tcp_accept(W->l, &W->cctx, &W->c);
	IN(PA, .len = 100);
	OUT(A, .win = (262144 - 100) >> 7);
}

static void
syn_window_never_scaled(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1000, .mss = 1000, .ws = 3, .win = 2000);
	OUT(SA);
	assert_int_equal(scn_nconns(), 1);
}

/* Linux tcp_data_queue: SO_RCVBUF set below the window already offered
 * (never shrunk) bounds what is queued: the rest is dropped and ACKed. */
static void
rcvbuf_shrunk_drops_beyond_buffer(void **state)
{
	(void)state;
	scn_start();
	scn_passive(1000, 0);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_RCVBUF, 4096), 0);
	IN(PA, .len = 1400);
	OUT(A, .ack = 2401);
	IN(PA, .len = 1400);
	OUT(A, .ack = 3801);
	IN(PA, .len = 1400); /* 4200 > 4096 */
	OUT(A, .ack = 3801);
	assert_int_equal(scn_drops(PN_DROP_TCP_RCVQ_FULL), 1);
	assert_int_equal(scn_stat("TCPRcvQDrop"), 1);
	assert_int_equal(pn_tcp_readable(W->c), 2800);
	assert_int_equal(scn_recv(2800), 2800);
	scn_flush();
	IN(PA, .seq = 3801, .len = 1400); /* the retransmission fits */
	assert_int_equal(pn_tcp_readable(W->c), 1400);
}

/*
 * The window is rounded down to the scale, but never below the edge
 * already offered (Linux tcp_select_window rounds up then): the SYN-ACK
 * offered 65,535 bytes, 127 past a multiple of 2^7; with the buffer then
 * smaller than that, data the peer sends right up to that edge is taken
 * whole. Rounded down, the last 127 bytes were cut (seen against Linux:
 * an 80-byte hole the kernel had to retransmit).
 */
static void
offered_edge_survives_scale_rounding(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1000, .ws = 0, .sackok = 1);
	OUT(SA, .win = 65535, .ws = 7, .sackok = 1);
	IN(A);
	pn_tcp_accept(W->l, &W->cctx, &W->c);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_RCVBUF, 2048), 0);
	IN(PA, .seq = 1001 + 65535 - 100, .len = 100);
	OUT(A, .ack = 1001, .nsack = 1,
	    .sack = { { 1001 + 65535 - 100, 1001 + 65535 } });
}

/*
 * The offered edge does not creep past the buffer. Never shrinking the
 * window and rounding it up to the scale after each in-order segment the
 * application leaves unread moved the edge up to 2^wscale - 1 bytes past
 * the buffer every time, and data the peer sent up to it was dropped as
 * TCP_RCVQ_FULL (pollnetd-shards under load: the forwarder held back by
 * a slow backend). Data sent exactly to each window offered is all taken
 * until the window closes, and the buffer is what it holds.
 */
static void
window_edge_does_not_creep_past_buffer(void **state)
{
	uint32_t seq = 1001, edge, len, i, ws;

	(void)state;
	W->tconf.rcvbuf = 16384;
	scn_start();
	scn_passive(1000, 1);
	edge = seq + W->last.win; /* the SYN-ACK's, never scaled */
	ws = W->last.opts.wscale;
	assert_true(ws > 0);
	for (i = 0; i < 200 && seq != edge; i++) {
		len = edge - seq < 1000 ? edge - seq : 1000;
		IN(PA, .seq = seq, .len = len, .tsval = 1002);
		seq += len;
		if (scn_pending() == 0)
			ADVANCE_MS(200); /* the delayed ACK */
		OUT(A, .ack = seq);
		if (seq + ((uint32_t)W->last.win << ws) > edge)
			edge = seq + ((uint32_t)W->last.win << ws);
	}
	assert_int_equal(seq, edge); /* the window closed */
	assert_int_equal(scn_drops(PN_DROP_TCP_RCVQ_FULL), 0);
	assert_true(pn_tcp_readable(W->c) < 16384 + (1u << ws));
	assert_int_equal(scn_recv(65536), seq - 1001);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(zero_window_nothing_sent),
		SCN(persist_probes_with_backoff),
		SCN(window_opens_data_flows),
		SCN(probe_byte_accepted),
		SCN(persist_forever_without_user_timeout),
		SCN(persist_gives_up_with_user_timeout),
		SCN(persist_orphan_gives_up),
		SCN(rto_resends_only_what_the_window_let_out),
		SCN(persist_probes_all_queued_bytes_out),
		SCN(refused_send_tried_again),
		SCN(refused_after_probe_has_rto),
		SCN(window_reopens_shut_while_device_full),
		SCN(window_shrinks_to_zero_mid_stream),
		SCN(window_scale_applied_to_peer_window),
		SCN(our_window_scaled),
		SCN(syn_window_never_scaled),
		SCN(rcvbuf_shrunk_drops_beyond_buffer),
		SCN(offered_edge_survives_scale_rounding),
		SCN(window_edge_does_not_creep_past_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
