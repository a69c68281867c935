/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 5961: SYN in synchronized states, ACK range check, rate limit. */
#include "scn.h"

static void
est(void)
{
	scn_start();
	scn_passive(1000, 0);
}

static void
syn_in_established_challenged(void **state)
{
	(void)state;
	est();
	IN(S, .seq = 1001);
	OUT(A, .seq = ISN + 1, .ack = 1001);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
	assert_int_equal(scn_drops(PN_DROP_TCP_SYN_SYNC), 1);
}

static void
syn_out_of_window_gets_ack(void **state)
{
	(void)state;
	est();
	IN(S, .seq = 500000);
	OUT(A, .ack = 1001);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
}

static void
syn_old_seq_gets_ack(void **state)
{
	(void)state;
	est();
	IN(S, .seq = 1000);
	OUT(A, .ack = 1001);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
}

static void
synack_in_established_challenged(void **state)
{
	(void)state;
	est();
	IN(SA, .seq = 1001, .ack = ISN + 1);
	OUT(A, .ack = 1001);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
}

static void
syn_in_close_wait_challenged(void **state)
{
	(void)state;
	est();
	IN(FA);
	OUT(A);
	IN(S, .seq = 1002);
	OUT(A, .ack = 1002);
	assert_int_equal(scn_state(), PN_TCP_CLOSE_WAIT);
}

static void
ack_too_old_dropped(void **state)
{
	(void)state;
	est();
	/* SND.UNA - MAX.SND.WND - 1 */
	IN(PA, .ack = ISN + 1 - 65535 - 1, .len = 10);
	OUT(A, .ack = 1001);
	assert_int_equal(pn_tcp_readable(W->c), 0);
	assert_int_equal(scn_drops(PN_DROP_TCP_ACK_INVALID), 1);
}

static void
ack_old_within_max_wnd_accepted(void **state)
{
	(void)state;
	est();
	IN(PA, .ack = ISN + 1 - 65535, .len = 10);
	OUT(A, .ack = 1011);
	assert_int_equal(pn_tcp_readable(W->c), 10);
}

static void
ack_exactly_snd_nxt_accepted(void **state)
{
	(void)state;
	est();
	scn_send(10);
	OUT(PA, .len = 10);
	IN(A, .ack = ISN + 11);
	NONE();
	assert_int_equal(pn_tcp_send_space(W->c), 262144);
}

static void
ack_above_snd_nxt_dropped(void **state)
{
	(void)state;
	est();
	scn_send(10);
	OUT(PA, .len = 10);
	IN(A, .ack = ISN + 12);
	OUT(A, .seq = ISN + 11, .ack = 1001);
	assert_int_equal(scn_drops(PN_DROP_TCP_ACK_INVALID), 1);
}

static void
challenge_acks_rate_limited(void **state)
{
	int i;

	(void)state;
	est();
	for (i = 0; i < 15; i++)
		IN(R, .seq = 1002 + i);
	for (i = 0; i < 10; i++)
		OUT(A, .ack = 1001);
	NONE();
	assert_int_equal(scn_stat("TCPChallengeACK"), 10);
	assert_int_equal(scn_stat("TCPChallengeACKLimit"), 5);
	ADVANCE_MS(1000);
	IN(R, .seq = 1002);
	OUT(A, .ack = 1001);
}

static void
challenge_limit_shared_by_syn_and_rst(void **state)
{
	int i;

	(void)state;
	est();
	for (i = 0; i < 6; i++)
		IN(R, .seq = 1100);
	for (i = 0; i < 6; i++)
		IN(S, .seq = 1001);
	assert_int_equal(scn_flush(), 10);
}

/* Linux tcp_oow_rate_limited (RFC 5961 10): a pure ACK below the window
 * (here one the network reordered behind the data sent after it) gets
 * the duplicate ACK at most once per 500 ms on a connection: two ends
 * that find each other's ACKs out of window must not ACK each other in a
 * loop. Then one again. */
static void
stale_pure_acks_answered_once_per_500_ms(void **state)
{
	(void)state;
	est();
	IN(A, .seq = 900);
	OUT(A, .seq = ISN + 1, .ack = 1001);
	IN(A, .seq = 900);
	IN(A, .seq = 950);
	NONE();
	assert_int_equal(scn_stat("TCPACKSkippedSeq"), 2);
	assert_int_equal(scn_drops(PN_DROP_TCP_OLD_SEQUENCE), 3);
	ADVANCE_MS(499);
	IN(A, .seq = 900);
	NONE();
	ADVANCE_MS(1);
	IN(A, .seq = 900);
	OUT(A, .ack = 1001);
	assert_int_equal(scn_stat("TCPACKSkippedSeq"), 3);
	assert_int_equal(scn_stat("DelayedACKLost"), 0);
}

/* A SYN out of the window is limited alike (Linux: its challenge ACK). */
static void
syns_out_of_window_answered_once_per_500_ms(void **state)
{
	(void)state;
	est();
	IN(S, .seq = 500000);
	OUT(A, .ack = 1001);
	IN(S, .seq = 500000);
	NONE();
	assert_int_equal(scn_stat("TCPACKSkippedSeq"), 1);
}

/* Data is always answered, however often: its sender learns from the
 * ACK (and its D-SACK) what to resend. Linux counts it DelayedACKLost. */
static void
old_data_always_answered(void **state)
{
	int i;

	(void)state;
	est();
	for (i = 0; i < 3; i++) {
		IN(PA, .seq = 991, .len = 10);
		OUT(A, .ack = 1001);
	}
	assert_int_equal(scn_stat("DelayedACKLost"), 3);
	assert_int_equal(scn_stat("TCPACKSkippedSeq"), 0);
	assert_int_equal(scn_drops(PN_DROP_TCP_OLD_SEQUENCE), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(syn_in_established_challenged),
		SCN(syn_out_of_window_gets_ack),
		SCN(syn_old_seq_gets_ack),
		SCN(synack_in_established_challenged),
		SCN(syn_in_close_wait_challenged),
		SCN(ack_too_old_dropped),
		SCN(ack_old_within_max_wnd_accepted),
		SCN(ack_exactly_snd_nxt_accepted),
		SCN(ack_above_snd_nxt_dropped),
		SCN(challenge_acks_rate_limited),
		SCN(challenge_limit_shared_by_syn_and_rst),
		SCN(stale_pure_acks_answered_once_per_500_ms),
		SCN(syns_out_of_window_answered_once_per_500_ms),
		SCN(old_data_always_answered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
