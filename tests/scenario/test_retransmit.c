/* SPDX-License-Identifier: BSD-3-Clause */
/* Retransmission: RTO (RFC 6298), Karn, backoff, give-up, fast
 * retransmit and NewReno recovery (RFC 5681, RFC 6582), limited transmit
 * (RFC 3042). */
#include <sys/epoll.h>

#include "scn.h"

/* Established with MSS 1000, RTT 0 measured on the handshake (RTO 200). */
static void
est(void)
{
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1000, .mss = 1000);
	OUT(SA);
	IN(A);
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
}

static void
rto_min_after_fast_handshake(void **state)
{
	struct pn_tcp_info i;

	(void)state;
	est();
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.rto_us, 200000);
}

static void
rto_retransmits_with_backoff(void **state)
{
	(void)state;
	est();
	scn_send(100);
	OUT(PA, .seq = ISN + 1, .len = 100);
	ADVANCE_MS(199);
	NONE();
	ADVANCE_MS(1);
	OUT(PA, .seq = ISN + 1, .len = 100);
	ADVANCE_MS(399);
	NONE();
	ADVANCE_MS(1);
	OUT(PA, .seq = ISN + 1, .len = 100);
	ADVANCE_MS(800);
	OUT(PA, .seq = ISN + 1, .len = 100);
	assert_int_equal(scn_stat("TCPTimeouts"), 3);
	assert_int_equal(scn_stat("RetransSegs"), 3);
}

static void
ack_stops_retransmission(void **state)
{
	(void)state;
	est();
	scn_send(100);
	OUT(PA, .len = 100);
	IN(A, .ack = ISN + 101);
	ADVANCE_MS(10000);
	NONE();
}

static void
rto_sends_one_segment_then_slow_start(void **state)
{
	int i;

	(void)state;
	est();
	scn_send(5000);
	for (i = 0; i < 5; i++)
		OUT(A, .seq = ISN + 1 + 1000 * i, .len = 1000);
	ADVANCE_MS(200);
	OUT(A, .seq = ISN + 1, .len = 1000);
	NONE(); /* cwnd is one segment */
	IN(A, .ack = ISN + 1001);
	/* go-back-N in slow start: 2 segments */
	OUT(A, .seq = ISN + 1001, .len = 1000);
	OUT(A, .seq = ISN + 2001, .len = 1000);
	NONE();
}

static void
karn_no_rtt_from_retransmission(void **state)
{
	struct pn_tcp_info i;

	(void)state;
	est();
	scn_send(100);
	OUT(PA, .len = 100);
	ADVANCE_MS(200);
	OUT(PA, .len = 100);
	ADVANCE_MS(150);
	IN(A, .ack = ISN + 101);
	pn_tcp_info(W->c, &i);
	assert_true(i.rtt_us < 1000); /* not 350 ms */
}

static void
rtt_measured_from_timed_segment(void **state)
{
	struct pn_tcp_info i;

	(void)state;
	est();
	scn_send(100);
	OUT(PA, .len = 100);
	ADVANCE_MS(100);
	IN(A, .ack = ISN + 101);
	pn_tcp_info(W->c, &i);
	assert_true(i.rtt_us > 10000);
	assert_true(i.rto_us >= 200000);
}

static void
gives_up_after_retries2(void **state)
{
	(void)state;
	W->tconf.retries2 = 3;
	est();
	scn_send(100);
	OUT(PA, .len = 100);
	ADVANCE_MS(200);
	OUT(PA, .len = 100);
	ADVANCE_MS(400);
	OUT(PA, .len = 100);
	ADVANCE_MS(800);
	OUT(PA, .len = 100);
	ADVANCE_MS(1600);
	OUT(RA);
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
	assert_int_equal(pn_tcp_error(W->c), ETIMEDOUT);
	assert_int_equal(scn_stat("TCPAbortOnTimeout"), 1);
}

/* RFC 9293 MUST-20: after R1 (3) unanswered retransmissions TCP gives
 * negative advice to IP, once per crossing (Linux tcp_write_timeout with
 * tcp_retries1 = 3). The peer's ARP entry is static here, so lib/net
 * leaves it be (test_arp.c covers the probing). */
static void
r1_negative_advice_once_per_crossing(void **state)
{
	const struct pn_net_stat *ns;
	unsigned int i;

	(void)state;
	est();
	ns = pn_net_stats(W->net);
	scn_send(100);
	OUT(PA, .len = 100);
	for (i = 0; i < 3; i++) {
		ADVANCE_MS(200u << i);
		OUT(PA, .len = 100);
	}
	assert_int_equal(scn_stat("TCPNegativeAdvice"), 0);
	ADVANCE_MS(1600);		/* the fourth timeout: R1 passed */
	OUT(PA, .len = 100);
	assert_int_equal(scn_stat("TCPNegativeAdvice"), 1);
	assert_int_equal(ns->neg_advice, 1);
	assert_int_equal(ns->arp_reconfirm, 0);
	ADVANCE_MS(3200);
	OUT(PA, .len = 100);
	assert_int_equal(scn_stat("TCPNegativeAdvice"), 1);
	/* an ACK ends the episode; the next one advises again */
	IN(A, .ack = W->peer_ack);
	scn_send(100);
	OUT(PA, .len = 100);
	for (i = 0; i < 4; i++) {
		ADVANCE_MS(200u << i);
		OUT(PA, .len = 100);
	}
	assert_int_equal(scn_stat("TCPNegativeAdvice"), 2);
	assert_int_equal(ns->neg_advice, 2);
}

static void
user_timeout_gives_up(void **state)
{
	(void)state;
	est();
	pn_tcp_setopt(W->c, PN_TCP_OPT_USER_TIMEOUT, 500);
	scn_send(100);
	OUT(PA, .len = 100);
	ADVANCE_MS(200);
	OUT(PA, .len = 100);
	ADVANCE_MS(400);
	OUT(PA, .len = 100);
	ADVANCE_MS(800);
	OUT(RA);
	assert_int_equal(pn_tcp_error(W->c), ETIMEDOUT);
}

static void
rto_capped_at_rto_max(void **state)
{
	int i;

	(void)state;
	W->tconf.rto_max_ms = 1000;
	est();
	scn_send(10);
	OUT(PA, .len = 10);
	ADVANCE_MS(200);
	OUT(PA, .len = 10);
	ADVANCE_MS(400);
	OUT(PA, .len = 10);
	ADVANCE_MS(800);
	OUT(PA, .len = 10);
	for (i = 0; i < 3; i++) {
		ADVANCE_MS(999);
		NONE();
		ADVANCE_MS(1);
		OUT(PA, .len = 10);
	}
}

static void
fast_retransmit_on_third_dupack(void **state)
{
	int i;

	(void)state;
	est();
	scn_send(6000);
	for (i = 0; i < 6; i++)
		OUT(A, .len = 1000);
	IN(A, .ack = ISN + 1001);
	IN(A, .ack = ISN + 1001);
	NONE();
	IN(A, .ack = ISN + 1001);
	NONE();
	IN(A, .ack = ISN + 1001);
	OUT(A, .seq = ISN + 1001, .len = 1000);
	assert_int_equal(scn_stat("TCPFastRetrans"), 1);
	assert_int_equal(scn_stat("TCPRenoRecovery"), 1);
}

static void
newreno_partial_ack_retransmits_next(void **state)
{
	int i;

	(void)state;
	est();
	scn_send(6000);
	for (i = 0; i < 6; i++)
		OUT(A, .len = 1000);
	for (i = 0; i < 3; i++)
		IN(A, .ack = ISN + 1);
	OUT(A, .seq = ISN + 1, .len = 1000);
	/* partial ACK: 1000..2000 also lost */
	IN(A, .ack = ISN + 1001);
	OUT(A, .seq = ISN + 1001, .len = 1000);
	/* full ACK ends recovery */
	IN(A, .ack = ISN + 6001);
	assert_int_equal(scn_flush() <= 1, 1);
}

static void
dupack_with_window_change_not_counted(void **state)
{
	int i;

	(void)state;
	est();
	scn_send(5000);
	for (i = 0; i < 5; i++)
		OUT(A, .len = 1000);
	IN(A, .ack = ISN + 1, .win = 60000);
	IN(A, .ack = ISN + 1, .win = 50000);
	IN(A, .ack = ISN + 1, .win = 40000);
	NONE();
	assert_int_equal(scn_stat("TCPFastRetrans"), 0);
}

static void
dupacks_with_data_not_counted(void **state)
{
	int i;

	(void)state;
	est();
	scn_send(5000);
	for (i = 0; i < 5; i++)
		OUT(A, .len = 1000);
	for (i = 0; i < 3; i++) {
		IN(PA, .ack = ISN + 1, .len = 10);
		scn_flush();
	}
	assert_int_equal(scn_stat("TCPFastRetrans"), 0);
}

static void
limited_transmit_on_first_two_dupacks(void **state)
{
	int k;

	(void)state;
	est();
	scn_send(15000);
	for (k = 0; k < 10; k++)
		OUT(A, .seq = ISN + 1 + 1000 * k, .len = 1000);
	NONE();
	/* RFC 3042: one new segment per duplicate ACK, two at most */
	IN(A, .ack = ISN + 1);
	OUT(A, .seq = ISN + 10001, .len = 1000);
	IN(A, .ack = ISN + 1);
	OUT(A, .seq = ISN + 11001, .len = 1000);
	IN(A, .ack = ISN + 1);
	OUT(A, .seq = ISN + 1, .len = 1000);
	NONE();
	assert_int_equal(scn_stat("TCPRenoRecovery"), 1);
}

static void
rto_in_syn_received_counts_synretrans(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1);
	OUT(SA);
	ADVANCE_MS(1000);
	OUT(SA);
	assert_int_equal(scn_stat("TCPSynRetrans"), 1);
}

static void
fin_retransmitted_with_data(void **state)
{
	(void)state;
	est();
	scn_send(100);
	OUT(PA, .len = 100);
	pn_tcp_shutdown(W->c, SHUT_WR);
	OUT(FA, .seq = ISN + 101);
	ADVANCE_MS(200);
	OUT(FPA, .seq = ISN + 1, .len = 100);
	IN(A, .ack = ISN + 102);
	assert_int_equal(scn_state(), PN_TCP_FIN_WAIT_2);
}

/* RFC 6298 5.3 (Linux tcp_rearm_rto): an ACK of new data restarts the
 * RTO. The wheel keeps the first entry and moves it on when it comes
 * (pn_timer_defer): the retransmission goes at the later deadline. */
static void
rto_restarted_by_ack_fires_at_later_deadline(void **state)
{
	(void)state;
	est();
	scn_send(100);
	OUT(PA, .seq = ISN + 1, .len = 100);
	scn_send(100);
	OUT(PA, .seq = ISN + 101, .len = 100);
	ADVANCE_MS(150);
	IN(A, .ack = ISN + 101);	/* RTT 150 ms: RTO stays 200 (rto_min) */
	ADVANCE_MS(50);
	NONE();				/* the first deadline: moved on */
	assert_int_equal(W->lc.timers.moved, 1);
	ADVANCE_MS(149);
	NONE();
	ADVANCE_MS(1);
	OUT(PA, .seq = ISN + 101, .len = 100);
	assert_int_equal(scn_stat("TCPTimeouts"), 1);
}

/* Everything ACKed stops the RTO lazily (pn_timer_cancel_lazy): its entry
 * never fires and is dropped when the wheel reaches it (counted stale);
 * data sent before that re-arms it in place, at the new deadline. */
static void
rto_stopped_lazily_never_fires(void **state)
{
	(void)state;
	est();
	scn_send(100);
	OUT(PA, .len = 100);
	ADVANCE_MS(50);
	IN(A, .ack = ISN + 101);
	ADVANCE_MS(1000);
	NONE();
	assert_int_equal(W->lc.timers.stale, 1);
	assert_int_equal(scn_stat("TCPTimeouts"), 0);
	/* stopped, then re-armed before the old deadline (t0 + 200) */
	scn_send(100);
	OUT(PA, .seq = ISN + 101, .len = 100);
	ADVANCE_MS(50);
	IN(A, .ack = ISN + 201);
	ADVANCE_MS(50);
	scn_send(100);			/* RTO from here: t1 + 200 */
	OUT(PA, .seq = ISN + 201, .len = 100);
	ADVANCE_MS(199);
	NONE();
	assert_int_equal(W->lc.timers.moved, 1);
	assert_int_equal(W->lc.timers.stale, 1);
	ADVANCE_MS(1);
	OUT(PA, .seq = ISN + 201, .len = 100);
	assert_int_equal(scn_stat("TCPTimeouts"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(rto_min_after_fast_handshake),
		SCN(rto_retransmits_with_backoff),
		SCN(ack_stops_retransmission),
		SCN(rto_sends_one_segment_then_slow_start),
		SCN(karn_no_rtt_from_retransmission),
		SCN(rtt_measured_from_timed_segment),
		SCN(gives_up_after_retries2),
		SCN(r1_negative_advice_once_per_crossing),
		SCN(user_timeout_gives_up),
		SCN(rto_capped_at_rto_max),
		SCN(fast_retransmit_on_third_dupack),
		SCN(newreno_partial_ack_retransmits_next),
		SCN(dupack_with_window_change_not_counted),
		SCN(dupacks_with_data_not_counted),
		SCN(limited_transmit_on_first_two_dupacks),
		SCN(rto_in_syn_received_counts_synretrans),
		SCN(fin_retransmitted_with_data),
		SCN(rto_restarted_by_ack_fires_at_later_deadline),
		SCN(rto_stopped_lazily_never_fires),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
