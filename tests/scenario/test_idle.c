/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Congestion window validation around idle and application-limited
 * spells, as Linux 6.1 (RFC 2861, RFC 5681 4.1):
 *  - tcp_slow_start_after_idle_check / tcp_cwnd_restart: data queued
 *    with nothing in flight and nothing sent for more than an RTO, cwnd
 *    halves once per RTO of the spell, down to the initial window;
 *  - tcp_cwnd_validate / tcp_cwnd_application_limited: cwnd left an RTO
 *    without being used in full (and without an ACK of new data, which
 *    validates it: tcp_cong_avoid) falls halfway to what was used;
 *  - cubictcp_cwnd_event (CA_EVENT_TX_START): the CUBIC epoch moves on by
 *    the idle spell, so the curve does not jump by it.
 * The RTO is rto_min (200 ms) throughout: the virtual clock does not
 * move between a send and its ACK.
 */
#include "scn_sender.h"
#include "tcp_priv.h"

#define W40 (40u * 1460u) /* a grown cwnd, bytes */
#define IW (10u * 1460u)

static uint32_t tsval = 1002;

/* cwnd W40 in avoidance (ssthresh 20 segments); segments 0 and 1 sent
 * and ACKed: nothing in flight, cwnd just validated by the ACK. */
static void
grown_and_idle(void)
{
	est_sack();
	W->c->cwnd = W40;
	W->c->ssthresh = 20u * 1460u;
	scn_send(2 * M);
	send_segs(0, 2);
	IN(A, .ack = sg(2), .tsval = tsval++);
	NONE();
}

/* 300 ms idle, RTO 200 ms: one halving (tcp_cwnd_restart's loop runs
 * while the spell less k RTOs is positive); ssthresh keeps 3/4 of the
 * old cwnd (tcp_current_ssthresh). */
static void
restart_after_idle_halves_once_per_rto(void **state)
{
	(void)state;
	grown_and_idle();
	ADVANCE_MS(300);
	scn_send(60 * M);
	assert_int_equal(W->c->cwnd, W40 / 2);
	assert_int_equal(W->c->ssthresh, W40 / 4 * 3);
	send_segs(2, 22);	/* 20 x 1448 <= 29200 < 21 x 1448 */
	NONE();
}

/* A long spell halves down to the initial window, no further. */
static void
restart_after_long_idle_stops_at_initial_window(void **state)
{
	(void)state;
	grown_and_idle();
	ADVANCE_MS(5000);
	scn_send(60 * M);
	assert_int_equal(W->c->cwnd, IW);
	send_segs(2, 12);
	NONE();
}

/* Idle for less than the RTO: cwnd stays, all of it is used. */
static void
short_idle_keeps_cwnd(void **state)
{
	(void)state;
	grown_and_idle();
	ADVANCE_MS(150);
	scn_send(60 * M);
	assert_int_equal(W->c->cwnd, W40);
	send_segs(2, 42);	/* 40 x 1448 <= 58400 */
	NONE();
}

/* net.ipv4.tcp_slow_start_after_idle = 0: no restart. */
static void
restart_off_keeps_cwnd(void **state)
{
	(void)state;
	W->tconf.slow_start_after_idle = false;
	grown_and_idle();
	ADVANCE_MS(5000);
	scn_send(60 * M);
	assert_int_equal(W->c->cwnd, W40);
	send_segs(2, 42);
	NONE();
}

/*
 * ACKs stop while the application writes a little: 2 segments at 100 ms
 * (100 ms after the last ACK, no restart), their loss probe at PTO (the
 * RTO then runs from the probe), 2 more segments at 203 ms: cwnd went an
 * RTO without an ACK and without being used in full, it falls halfway
 * to the initial window (more than the 4 segments used):
 * (40 + 10) / 2 segments; ssthresh 3/4 of the old cwnd.
 */
static void
app_limited_for_an_rto_halves_towards_used(void **state)
{
	(void)state;
	grown_and_idle();
	ADVANCE_MS(100);
	scn_send(2 * M);
	send_segs(2, 4);
	NONE();
	ADVANCE_MS(3);		/* PTO: 2 SRTT + 2 ms, whole ms */
	OUT(A, .seq = sg(3), .len = M);
	NONE();
	ADVANCE_MS(100);
	assert_int_equal(W->c->cwnd, W40);
	scn_send(2 * M);
	send_segs(4, 6);
	NONE();
	assert_int_equal(W->c->cwnd, (W40 + IW) / 2);
	assert_int_equal(W->c->ssthresh, W40 / 4 * 3);
	assert_int_equal(W->c->cwnd_used, 0);
}

/* The same while the application is blocked on send space (SOCK_NOSPACE,
 * here found by the socket's poll: the flag it shares with TCP): the
 * buffer limits it, not the network; cwnd stays. */
static void
app_limited_blocked_on_space_keeps_cwnd(void **state)
{
	(void)state;
	grown_and_idle();
	ADVANCE_MS(100);
	scn_send(2 * M);
	send_segs(2, 4);
	ADVANCE_MS(3);
	OUT(A, .seq = sg(3), .len = M);
	NONE();
	ADVANCE_MS(100);
	pn_tcp_set_nospace(W->c);
	scn_send(2 * M);
	send_segs(4, 6);
	NONE();
	assert_int_equal(W->c->cwnd, W40);
}

/* Linux 6.1 tcp_event_data_sent runs for every segment that carries
 * data (__tcp_transmit_skb), a retransmission too: the idle spell counts
 * from the loss probe (at 200 ms), not from the flight's first send (at
 * 100 ms). 150 ms after the probe, 250 ms after that send: no restart. */
static void
idle_counts_from_the_last_retransmission(void **state)
{
	(void)state;
	grown_and_idle();
	/* PTO 2 x 49 ms + 2 ms = 100 ms; the RTO stays rto_min */
	W->c->srtt_us = 49000;
	W->c->rttvar_us = 10000;
	ADVANCE_MS(100);
	scn_send(2 * M);
	send_segs(2, 4);
	NONE();
	ADVANCE_MS(99);
	NONE();
	ADVANCE_MS(1);
	OUT(A, .seq = sg(3), .len = M);
	IN(A, .ack = sg(4), .tsval = tsval++);
	NONE();
	ADVANCE_MS(150);
	scn_send(60 * M);
	assert_int_equal(W->c->cwnd, W40);
	send_segs(4, 44);
	NONE();
}

/* CUBIC in avoidance, cwnd-limited: @p n segments ACKed one by one, one
 * more queued segment sent for each. */
static void
cubic_rounds(int k, int n)
{
	int j;

	for (j = k; j < k + n; j++) {
		IN(A, .ack = sg(j + 1), .tsval = tsval++);
		scn_flush();
	}
}

/* The window's growth over 20 cwnd-limited ACKs, sent 10 s after a first
 * epoch of 20 ACKs (Linux cubictcp_cwnd_event shifts epoch_start by the
 * 10 s; without it t - K is 10 s and cwnd jumps to 1.5 x cwnd's target). */
static void
cubic_epoch_moves_over_idle(void **state)
{
	uint32_t before;

	(void)state;
	W->tconf.slow_start_after_idle = false;
	est_sack();
	W->c->ssthresh = W->c->cwnd;
	scn_send(30 * M);
	cubic_rounds(0, 20);
	/* the last 10 ACKed: nothing in flight */
	IN(A, .ack = sg(30), .tsval = tsval++);
	scn_flush();
	assert_int_equal(W->c->snd_una, W->c->snd_max);
	before = W->c->cwnd;
	ADVANCE_MS(10000);
	scn_send(200 * M);
	scn_flush();
	cubic_rounds(30, 20);
	assert_true(W->c->cwnd <= before + 1460u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(restart_after_idle_halves_once_per_rto),
		SCN(restart_after_long_idle_stops_at_initial_window),
		SCN(short_idle_keeps_cwnd),
		SCN(restart_off_keeps_cwnd),
		SCN(app_limited_for_an_rto_halves_towards_used),
		SCN(app_limited_blocked_on_space_keeps_cwnd),
		SCN(idle_counts_from_the_last_retransmission),
		SCN(cubic_epoch_moves_over_idle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
