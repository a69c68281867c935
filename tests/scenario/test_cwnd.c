/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cwnd grows only while the flow uses it, as Linux 6.1: tcp_write_xmit
 * notes after each send whether cwnd was full (tcp_cwnd_validate:
 * tp->is_cwnd_limited, tp->max_packets_out per window), and
 * tcp_reno_cong_avoid / cubictcp_cong_avoid return at once unless
 * tcp_is_cwnd_limited: in slow start cwnd < 2 * max_packets_out, past
 * it is_cwnd_limited. Request/response traffic, a few segments in
 * flight under a cwnd of 10, keeps its cwnd over any number of ACKs.
 */
#include <stdio.h>

#include "scn_sender.h"
#include "tcp_priv.h"

#define IW (10u * 1460u) /* cwnd after the handshake, bytes */

static uint32_t tsval = 1002;

/* @p rounds of @p n segments written, sent and ACKed at once. */
static void
app_limited_rounds(int rounds, int n)
{
	int r, k = 0;

	for (r = 0; r < rounds; r++) {
		scn_send((uint32_t)n * M);
		send_segs(k, k + n);
		NONE();
		k += n;
		IN(A, .ack = sg(k), .tsval = tsval++);
		NONE();
	}
}

static void
slow_start_app_limited_keeps_cwnd(void **state)
{
	(void)state;
	est_sack();
	assert_int_equal(W->c->cwnd, IW);
	/* 2 segments out, cwnd 10: 10 >= 2 * 2, tcp_is_cwnd_limited false */
	app_limited_rounds(50, 2);
	assert_int_equal(W->c->cwnd, IW);
	assert_false(W->c->cwnd_limited);
}

static void
one_segment_responses_keep_cwnd(void **state)
{
	int r;

	(void)state;
	est_sack();
	/* responses of 100 bytes (output_one's path), each ACKed */
	for (r = 0; r < 50; r++) {
		scn_send(100);
		OUT(PA, .seq = ISN + 1 + 100u * (uint32_t)r, .len = 100);
		IN(A, .ack = ISN + 1 + 100u * (uint32_t)(r + 1), .tsval = tsval++);
		NONE();
	}
	assert_int_equal(W->c->cwnd, IW);
}

/* In slow start cwnd may grow to twice the most in flight: 6 segments
 * out allow 12 (Linux: "ensure cwnd grows to twice what was ACKed"). */
static void
slow_start_grows_to_twice_the_flight(void **state)
{
	(void)state;
	est_sack();
	app_limited_rounds(20, 6);
	/* each round ACKs 6 x 1448 (2 SMSS at most an ACK, RFC 3465)
	 * while cwnd < 2 x 6 x 1448 = 17376 */
	assert_true(W->c->cwnd >= 2u * 6u * M);
	assert_true(W->c->cwnd < 2u * 6u * M + 2u * 1460u);
}

/* The initial window sent in full, each segment ACKed alone and two
 * more sent for it: cwnd grows by what each ACK covers (RFC 5681 3.1,
 * Linux tcp_slow_start), as before. */
static void
slow_start_cwnd_limited_grows(void **state)
{
	int j;

	(void)state;
	est_sack();
	scn_send(40 * M);
	send_segs(0, 10);
	NONE();
	assert_true(W->c->cwnd_limited);
	for (j = 0; j < 10; j++) {
		IN(A, .ack = sg(j + 1), .tsval = tsval++);
		send_segs(10 + 2 * j, 12 + 2 * j);
		NONE();
	}
	assert_int_equal(W->c->cwnd, IW + 10u * M);
	assert_true(W->c->cwnd_limited);
}

/* Congestion avoidance (cwnd at ssthresh), 2 segments in flight:
 * CUBIC does not grow (cubictcp_cong_avoid returns), however long. */
static void
avoidance_app_limited_keeps_cwnd(void **state)
{
	int r, k = 0;

	(void)state;
	est_sack();
	W->c->ssthresh = W->c->cwnd;
	for (r = 0; r < 100; r++) {
		scn_send(2 * M);
		send_segs(k, k + 2);
		k += 2;
		ADVANCE_MS(1);
		IN(A, .ack = sg(k), .tsval = tsval++);
		NONE();
	}
	assert_int_equal(W->c->cwnd, IW);
}

/* Congestion avoidance (cwnd at ssthresh), 200 segments queued, the
 * first 10 sent. */
static void
avoidance_ten_in_flight(void)
{
	W->c->ssthresh = W->c->cwnd;
	scn_send(200 * M);
	send_segs(0, 10);
	NONE();
}

/* Segments @p from .. @p to - 1 ACKed one by one, what cwnd lets go
 * sent for each: cwnd-limited throughout. */
static void
ack_one_by_one(int from, int to)
{
	int j;

	for (j = from; j < to; j++) {
		IN(A, .ack = sg(j + 1), .tsval = tsval++);
		scn_flush();
		assert_true(W->c->cwnd_limited);
	}
}

/* NewReno (tcp_reno_cong_avoid, tcp_cong_avoid_ai): one MSS per cwnd of
 * bytes ACKed while cwnd-limited, as before. */
static void
avoidance_newreno_cwnd_limited_grows(void **state)
{
	(void)state;
	snprintf(W->tconf.cc, sizeof(W->tconf.cc), "newreno");
	est_sack();
	avoidance_ten_in_flight();
	/* 10 x 1448 < 14600 <= 11 x 1448 */
	ack_one_by_one(0, 10);
	assert_int_equal(W->c->cwnd, IW);
	ack_one_by_one(10, 11);
	assert_int_equal(W->c->cwnd, IW + 1460u);
}

/* CUBIC (cubictcp_cong_avoid): grows while cwnd-limited, as before. */
static void
avoidance_cubic_cwnd_limited_grows(void **state)
{
	(void)state;
	est_sack();
	avoidance_ten_in_flight();
	ack_one_by_one(0, 60);
	assert_true(W->c->cwnd > IW);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(slow_start_app_limited_keeps_cwnd),
		SCN(one_segment_responses_keep_cwnd),
		SCN(slow_start_grows_to_twice_the_flight),
		SCN(slow_start_cwnd_limited_grows),
		SCN(avoidance_app_limited_keeps_cwnd),
		SCN(avoidance_newreno_cwnd_limited_grows),
		SCN(avoidance_cubic_cwnd_limited_grows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
