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

static void
lasts_two_msl(void **state)
{
	(void)state;
	to_time_wait();
	ADVANCE_MS(59999);
	assert_int_equal(scn_nconns(), 1);
	ADVANCE_MS(1);
	assert_int_equal(scn_nconns(), 0);
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
	ADVANCE_MS(59999);
	assert_int_equal(scn_nconns(), 1);
	ADVANCE_MS(1);
	assert_int_equal(scn_nconns(), 0);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(lasts_two_msl),
		SCN(msl_configurable),
		SCN(fin_retransmit_acked_and_restarts),
		SCN(rst_in_time_wait_closes),
		SCN(syn_in_time_wait_challenged),
		SCN(new_syn_reopens_from_time_wait),
		SCN(old_syn_in_time_wait_not_reopened),
		SCN(old_segment_in_time_wait_acked),
		SCN(ack_in_time_wait_ignored),
		SCN(time_wait_via_closing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
