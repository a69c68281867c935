/* SPDX-License-Identifier: BSD-3-Clause */
/* TIME-WAIT (RFC 9293 3.6, 3.10.7.4). */
#include "scn.h"

static void
to_time_wait(void)
{
	scn_start();
	scn_passive(1000, 0);
	pn_tcp_close(W->c);
	W->c = NULL;
	OUT(FA, .seq = ISN + 1);
	IN(A, .ack = ISN + 2);
	IN(FA, .ack = ISN + 2);
	OUT(A, .seq = ISN + 2, .ack = 1002);
}

/* The TIME-WAIT connection lasts @p ms more from now, not a tick less. */
static void
gone_after_ms(uint64_t ms)
{
	ADVANCE_MS(ms - 1);
	assert_int_equal(scn_nconns(), 1);
	ADVANCE_MS(1);
	assert_int_equal(scn_nconns(), 0);
}

static void
lasts_two_msl(void **state)
{
	(void)state;
	to_time_wait();
	gone_after_ms(60000);
	IN(A, .seq = 1002, .ack = ISN + 2);
	OUT(R, .seq = ISN + 2); /* no TCB: CLOSED answers with RST */
}

static void
msl_configurable(void **state)
{
	(void)state;
	W->tconf.msl_ms = 1000;
	to_time_wait();
	ADVANCE_MS(2000);
	assert_int_equal(scn_nconns(), 0);
}

static void
fin_retransmit_acked_and_restarts(void **state)
{
	(void)state;
	to_time_wait();
	ADVANCE_MS(30000);
	IN(FA, .seq = 1001, .ack = ISN + 2);
	OUT(A, .seq = ISN + 2, .ack = 1002);
	gone_after_ms(60000);
}

static void
rst_in_time_wait_closes(void **state)
{
	(void)state;
	to_time_wait();
	IN(R, .seq = 1002);
	assert_int_equal(scn_nconns(), 0);
}

static void
syn_in_time_wait_challenged(void **state)
{
	(void)state;
	to_time_wait();
	pn_tcp_listen_close(W->l); /* no listener: nothing to reopen */
	W->l = NULL;
	IN(S, .seq = 1002);
	OUT(A, .ack = 1002);
	assert_int_equal(scn_nconns(), 1);
}

static void
new_syn_reopens_from_time_wait(void **state)
{
	(void)state;
	to_time_wait();
	IN(S, .seq = 90000);
	OUT(SA, .ack = 90001);
	assert_int_equal(scn_stat("TCPTimeWaitReopen"), 1);
	assert_int_equal(scn_nconns(), 1);
	IN(A, .seq = 90001, .ack = ISN + 1);
	assert_int_equal(pn_tcp_listen_poll(W->l), 1);
}

static void
old_syn_in_time_wait_not_reopened(void **state)
{
	(void)state;
	to_time_wait();
	IN(S, .seq = 500);
	OUT(A, .ack = 1002); /* challenge ACK */
	assert_int_equal(scn_stat("TCPTimeWaitReopen"), 0);
}

static void
old_segment_in_time_wait_acked(void **state)
{
	(void)state;
	to_time_wait();
	IN(PA, .seq = 900, .len = 10, .ack = ISN + 2);
	OUT(A, .ack = 1002);
}

static void
ack_in_time_wait_ignored(void **state)
{
	(void)state;
	to_time_wait();
	IN(A, .seq = 1002, .ack = ISN + 2);
	NONE();
	assert_int_equal(scn_drops(PN_DROP_TCP_TIMEWAIT), 1);
}

/* Linux tcp_timewait_state_process: an in-window ACK restarts 2 MSL
 * (inet_twsk_reschedule) and gets no answer. */
static void
ack_in_time_wait_restarts_2msl(void **state)
{
	(void)state;
	to_time_wait();
	ADVANCE_MS(30000);
	IN(A, .seq = 1002, .ack = ISN + 2);
	NONE();
	gone_after_ms(60000);
}

/* ... and so does an old segment with an ACK, which is ACKed. */
static void
old_segment_in_time_wait_restarts_2msl(void **state)
{
	(void)state;
	to_time_wait();
	ADVANCE_MS(30000);
	IN(PA, .seq = 900, .len = 10, .ack = ISN + 2);
	OUT(A, .ack = 1002);
	gone_after_ms(60000);
}

/* Linux tcp_timewait_state_process: a retransmitted FIN without an ACK
 * is ACKed (tcp_timewait_check_oow_rate_limit: a FIN takes sequence
 * space, never rate limited) but reschedules nothing (only
 * "paws_reject || th->ack" does). RFC 9293 3.10.7.4 would drop it
 * unanswered (fifth check, "if the ACK bit is off"), yet restart 2 MSL
 * for a FIN that got through: we follow Linux. */
static void
fin_without_ack_in_time_wait_acked_keeps_2msl(void **state)
{
	(void)state;
	to_time_wait();
	ADVANCE_MS(30000);
	IN(F, .seq = 1001);
	OUT(A, .seq = ISN + 2, .ack = 1002);
	gone_after_ms(30000);
}

/* Neither an ACK-less old SYN (challenged) nor a RST outside the window
 * (ignored) restarts it: Linux keeps the old deadline for both. */
static void
old_syn_or_rst_in_time_wait_keeps_2msl(void **state)
{
	(void)state;
	to_time_wait();
	ADVANCE_MS(30000);
	IN(S, .seq = 500);
	OUT(A, .ack = 1002);
	IN(R, .seq = 500);
	NONE();
	gone_after_ms(30000);
}

static void
time_wait_via_closing(void **state)
{
	(void)state;
	scn_start();
	scn_passive(1000, 0);
	pn_tcp_shutdown(W->c, SHUT_WR);
	OUT(FA);
	IN(FA, .ack = ISN + 1);
	OUT(A, .ack = 1002);
	IN(A, .ack = ISN + 2);
	assert_int_equal(scn_state(), PN_TCP_TIME_WAIT);
	ADVANCE_MS(60000);
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
}

/* We close first after 1000 bytes each way; @p ts: timestamps on. */
static void
active_to_time_wait(bool ts)
{
	scn_start();
	assert_int_equal(pn_tcp_connect(W->tcp, 0, PORT_US, IP_PEER, PORT_PEER,
					 &W->cctx, &W->c), 0);
	OUT(S);
	if (ts)
		IN(SA, .seq = 5000, .ack = ISN + 1, .mss = 1460, .tsval = 100,
		   .tsecr = W->last.opts.tsval);
	else
		IN(SA, .seq = 5000, .ack = ISN + 1, .mss = 1460);
	OUT(A);
	assert_int_equal(scn_send(1000), 1000);
	OUT(PA, .len = 1000);
	pn_tcp_close(W->c);
	W->c = NULL;
	OUT(FA, .seq = ISN + 1001);
	if (ts)
		IN(FA, .tsval = 101);
	else
		IN(FA);
	OUT(A, .ack = 5002);
	assert_int_equal(scn_nconns(), 1);
}

/* Linux tcp_twsk_unique (tcp_tw_reuse), RFC 6191: an active open may take
 * a 4-tuple in TIME-WAIT when timestamps were on and the last one is more
 * than 1 s old; the new ISN starts a window above the old SND.NXT and the
 * new timestamps are above the old ones. */
static void
reuse_for_active_open(void **state)
{
	uint32_t old_isn, old_ts;

	(void)state;
	active_to_time_wait(true);
	old_isn = ISN;
	old_ts = W->last.opts.tsval;
	ADVANCE_MS(1000); /* not more than 1 s yet */
	assert_int_equal(pn_tcp_connect(W->tcp, 0, PORT_US, IP_PEER, PORT_PEER,
					 &W->cctx, &W->c), -EADDRINUSE);
	ADVANCE_MS(1);
	assert_int_equal(pn_tcp_connect(W->tcp, 0, PORT_US, IP_PEER, PORT_PEER,
					 &W->cctx, &W->c), 0);
	OUT(S, .seq = old_isn + 1002 + 65537, .ts = 1);
	assert_true(pn_seq_gt(W->last.opts.tsval, old_ts));
	assert_int_equal(scn_stat("TWRecycled"), 1);
	assert_int_equal(scn_nconns(), 1);
	assert_int_equal(scn_state(), PN_TCP_SYN_SENT);
	IN(SA, .seq = 90000, .ack = old_isn + 1002 + 65538, .tsval = 200,
	   .tsecr = W->last.opts.tsval);
	OUT(A, .ack = 90001);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
}

static void
no_reuse_without_timestamps(void **state)
{
	(void)state;
	active_to_time_wait(false);
	ADVANCE_MS(5000);
	assert_int_equal(pn_tcp_connect(W->tcp, 0, PORT_US, IP_PEER, PORT_PEER,
					 &W->cctx, &W->c), -EADDRINUSE);
	assert_int_equal(scn_stat("TWRecycled"), 0);
	assert_int_equal(scn_nconns(), 1);
}

/* Linux tcp_timewait_state_process: the ACK to an old pure ACK goes at
 * most once per 500 ms (TCPACKSkippedTimeWait); a retransmitted FIN is
 * always ACKed. */
static void
old_acks_in_time_wait_rate_limited(void **state)
{
	(void)state;
	to_time_wait();
	IN(A, .seq = 1000, .ack = ISN + 2);
	OUT(A, .seq = ISN + 2, .ack = 1002);
	IN(A, .seq = 1000, .ack = ISN + 2);
	NONE();
	assert_int_equal(scn_stat("TCPACKSkippedTimeWait"), 1);
	IN(FA, .seq = 1001, .ack = ISN + 2);
	OUT(A, .seq = ISN + 2, .ack = 1002);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(lasts_two_msl),
		SCN(old_acks_in_time_wait_rate_limited),
		SCN(msl_configurable),
		SCN(fin_retransmit_acked_and_restarts),
		SCN(rst_in_time_wait_closes),
		SCN(syn_in_time_wait_challenged),
		SCN(new_syn_reopens_from_time_wait),
		SCN(old_syn_in_time_wait_not_reopened),
		SCN(old_segment_in_time_wait_acked),
		SCN(ack_in_time_wait_ignored),
		SCN(ack_in_time_wait_restarts_2msl),
		SCN(old_segment_in_time_wait_restarts_2msl),
		SCN(old_syn_or_rst_in_time_wait_keeps_2msl),
		SCN(time_wait_via_closing),
		SCN(reuse_for_active_open),
		SCN(no_reuse_without_timestamps),
		SCN(fin_without_ack_in_time_wait_acked_keeps_2msl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
