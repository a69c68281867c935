/* SPDX-License-Identifier: BSD-3-Clause */
/* RST handling at the window edges (RFC 9293 3.10.7.4, RFC 5961 3). */
#include <sys/epoll.h>

#include "scn.h"

static void
est(void)
{
	scn_start();
	scn_passive(1000, 0);
}

static void
rst_exact_resets(void **state)
{
	(void)state;
	est();
	IN(R, .seq = 1001);
	NONE();
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
	assert_int_equal(pn_tcp_error(W->c), ECONNRESET);
	assert_true(pn_tcp_poll(W->c) & EPOLLHUP);
	assert_int_equal(W->wake_c, 1);
	assert_int_equal(scn_stat("EstabResets"), 1);
}

static void
rst_ack_exact_resets(void **state)
{
	(void)state;
	est();
	IN(RA, .seq = 1001, .ack = ISN + 1);
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
}

static void
rst_in_window_not_exact_challenged(void **state)
{
	(void)state;
	est();
	IN(R, .seq = 1002);
	OUT(A, .seq = ISN + 1, .ack = 1001);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
	assert_int_equal(scn_stat("TCPChallengeACK"), 1);
}

static void
rst_at_window_right_edge_minus_one_challenged(void **state)
{
	(void)state;
	est();
	IN(R, .seq = 1001 + 65534);
	OUT(A, .ack = 1001);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
}

static void
rst_at_window_right_edge_ignored(void **state)
{
	(void)state;
	est();
	IN(R, .seq = 1001 + 65535);
	NONE();
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
	assert_int_equal(scn_drops(PN_DROP_TCP_RST_INVALID), 1);
}

static void
rst_below_window_ignored(void **state)
{
	(void)state;
	est();
	IN(R, .seq = 1000);
	NONE();
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
}

static void
rst_after_data_uses_new_rcv_nxt(void **state)
{
	(void)state;
	est();
	IN(PA, .len = 100);
	OUT(A, .ack = 1101);
	IN(R, .seq = 1001);
	NONE();
	IN(R, .seq = 1101);
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
}

static void
rst_in_close_wait_epipe(void **state)
{
	(void)state;
	est();
	IN(FA);
	OUT(A);
	IN(R, .seq = 1002);
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
	assert_int_equal(scn_send(1), -EPIPE);
}

static void
rst_in_last_ack_frees(void **state)
{
	(void)state;
	est();
	IN(FA);
	OUT(A);
	pn_tcp_close(W->c);
	W->c = NULL;
	OUT(FA);
	IN(R, .seq = 1002);
	assert_int_equal(scn_nconns(), 0);
}

static void
rst_in_fin_wait_2(void **state)
{
	(void)state;
	est();
	pn_tcp_shutdown(W->c, SHUT_WR);
	OUT(FA);
	IN(A, .ack = ISN + 2);
	IN(R, .seq = 1001);
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
	assert_int_equal(pn_tcp_error(W->c), ECONNRESET);
}

static void
rst_clears_send_queue(void **state)
{
	(void)state;
	est();
	scn_send(1000);
	scn_flush();
	IN(R, .seq = 1001);
	ADVANCE_MS(5000);
	NONE(); /* nothing retransmitted */
	assert_int_equal(scn_recv(10), -ECONNRESET);
	assert_int_equal(scn_recv(10), 0);
}

static void
rst_with_data_in_window_challenged(void **state)
{
	(void)state;
	est();
	IN(R, .seq = 1001 + 10, .len = 5);
	OUT(A, .ack = 1001);
}

static void
rst_small_window_edges(void **state)
{
	(void)state;
	W->tconf.rcvbuf = 4096;
	est();
	IN(R, .seq = 1001 + 4096);
	NONE();
	IN(R, .seq = 1001 + 4095);
	OUT(A, .ack = 1001);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(rst_exact_resets),
		SCN(rst_ack_exact_resets),
		SCN(rst_in_window_not_exact_challenged),
		SCN(rst_at_window_right_edge_minus_one_challenged),
		SCN(rst_at_window_right_edge_ignored),
		SCN(rst_below_window_ignored),
		SCN(rst_after_data_uses_new_rcv_nxt),
		SCN(rst_in_close_wait_epipe),
		SCN(rst_in_last_ack_frees),
		SCN(rst_in_fin_wait_2),
		SCN(rst_clears_send_queue),
		SCN(rst_with_data_in_window_challenged),
		SCN(rst_small_window_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
