/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kind of each wake-up TCP gives its socket (enum pn_tcp_wake): the
 * socket turns it into epoll's key without polling, so a wrong kind is a
 * missed or a spurious epoll event. Linux's callbacks are the oracle:
 * sk_data_ready (tcp_data_queue, tcp_urg, a listener's child),
 * sk_write_space (tcp_new_space), sk_state_change / sk_error_report
 * (tcp_finish_connect, tcp_fin, tcp_done, tcp_reset).
 */
#include <sys/epoll.h>

#include "scn.h"
#include "tcp_priv.h"

enum { DATA = PN_TCP_WAKE_DATA, SPACE = PN_TCP_WAKE_SPACE,
       STATE = PN_TCP_WAKE_STATE };

static void
est(void)
{
	scn_start();
	scn_passive(1000, 0);
}

static void
expect_kinds(unsigned int data, unsigned int space, unsigned int state)
{
	assert_int_equal(W->wake_kind[DATA], data);
	assert_int_equal(W->wake_kind[SPACE], space);
	assert_int_equal(W->wake_kind[STATE], state);
}

/* Each in-order data segment: sk_data_ready, also on a socket that was
 * readable already (epoll re-arms edge-triggered items on it). */
static void
data_is_data(void **state)
{
	(void)state;
	est();
	IN(PA, .len = 100);
	OUT(A);
	IN(PA, .len = 100);
	OUT(A);
	expect_kinds(2, 0, 0);
}

/* Out of order: nothing to read yet, no wake-up; the hole filled: data. */
static void
out_of_order_then_fill(void **state)
{
	(void)state;
	est();
	IN(PA, .seq = 1101, .len = 100);
	OUT(A, .ack = 1001);
	expect_kinds(0, 0, 0);
	IN(PA, .seq = 1001, .len = 100);
	OUT(A, .ack = 1201);
	expect_kinds(1, 0, 0);
}

/* tcp_fin: sk_state_change, with or without data on the FIN. */
static void
fin_is_state(void **state)
{
	(void)state;
	est();
	IN(FA);
	OUT(A, .ack = 1002);
	expect_kinds(0, 0, 1);
	assert_true(pn_tcp_poll(W->c) & EPOLLRDHUP);
}

static void
data_with_fin_is_state(void **state)
{
	(void)state;
	est();
	IN(FPA, .len = 10);
	OUT(A, .ack = 1012);
	expect_kinds(0, 0, 1);
}

/* tcp_finish_connect: sk_state_change. */
static void
synack_is_state(void **state)
{
	(void)state;
	scn_start();
	assert_int_equal(pn_tcp_connect(W->tcp, 0, PORT_US, IP_PEER, PORT_PEER,
					 &W->cctx, &W->c), 0);
	OUT(S);
	IN(SA, .seq = 5000, .ack = ISN + 1, .mss = 1400);
	OUT(A, .seq = ISN + 1, .ack = 5001, .opts = "");
	expect_kinds(0, 0, 1);
}

/* tcp_reset: sk_error_report and tcp_done. */
static void
rst_is_state(void **state)
{
	(void)state;
	est();
	IN(R, .seq = 1001);
	NONE();
	expect_kinds(0, 0, 1);
}

/* Established with an 8 KiB send buffer, @p n bytes offered: 8 KiB
 * taken and sent. */
static void
est_send_8k(uint32_t n)
{
	W->tconf.sndbuf = 8192;
	est();
	pn_tcp_setopt(W->c, PN_TCP_OPT_SNDBUF, 8192);
	assert_int_equal(scn_send(n), 8192);
	scn_flush();
}

/* tcp_new_space: once, when the free space reaches the low mark. */
static void
ack_to_low_mark_is_space(void **state)
{
	(void)state;
	est_send_8k(20000);
	IN(A, .ack = ISN + 1 + 1072);
	expect_kinds(0, 0, 0);
	IN(A, .ack = ISN + 1 + 4288);
	expect_kinds(0, 1, 0);
	IN(A, .ack = ISN + 1 + 5360);
	expect_kinds(0, 1, 0);
}

/* A send that filled the buffer exactly left nothing over and no poll
 * found it full: no SOCK_NOSPACE, so no write-space wake-up (Linux
 * tcp_check_space calls sk_write_space only with SOCK_NOSPACE set). */
static void
full_without_nospace_no_space_wake(void **state)
{
	(void)state;
	est_send_8k(8192);
	assert_false(W->c->nospace);
	IN(A, .ack = ISN + 1 + 4288);
	expect_kinds(0, 0, 0);
}

/* The same buffer found full by a poll (epoll's, through the socket:
 * tcp_poll sets SOCK_NOSPACE): the one flag TCP's write-space wake-up
 * and cwnd validation read; the wake-up clears it (sk_stream_write_space). */
static void
poll_nospace_is_space(void **state)
{
	(void)state;
	est_send_8k(8192);
	assert_false(pn_tcp_poll(W->c) & EPOLLOUT);
	pn_tcp_set_nospace(W->c);
	assert_true(W->c->nospace);
	IN(A, .ack = ISN + 1 + 4288);
	expect_kinds(0, 1, 0);
	assert_false(W->c->nospace);
	IN(A, .ack = ISN + 1 + 5360);
	expect_kinds(0, 1, 0);
}

/* Our FIN ACKed (FIN-WAIT-1 to -2, tcp_rcv_state_process) and CLOSING
 * to TIME-WAIT (tcp_time_wait, tcp_done): sk_state_change, though the
 * mask stays the same; the peer's FIN in FIN-WAIT-2: tcp_fin. */
static void
fin_acked_is_state(void **state)
{
	(void)state;
	est();
	assert_int_equal(pn_tcp_shutdown(W->c, SHUT_WR), 0);
	OUT(FA, .seq = ISN + 1, .ack = 1001);
	expect_kinds(0, 0, 1); /* inet_shutdown */
	IN(A, .ack = ISN + 2);
	assert_int_equal(scn_state(), PN_TCP_FIN_WAIT_2);
	expect_kinds(0, 0, 2);
	IN(FA, .ack = ISN + 2);
	OUT(A, .seq = ISN + 2, .ack = 1002);
	expect_kinds(0, 0, 3);
}

static void
closing_to_time_wait_is_state(void **state)
{
	(void)state;
	est();
	assert_int_equal(pn_tcp_shutdown(W->c, SHUT_WR), 0);
	OUT(FA, .seq = ISN + 1, .ack = 1001);
	IN(FA, .ack = ISN + 1);		/* simultaneous close */
	OUT(A, .seq = ISN + 2, .ack = 1002);
	assert_int_equal(scn_state(), PN_TCP_CLOSING);
	expect_kinds(0, 0, 2);
	IN(A, .seq = 1002, .ack = ISN + 2);
	assert_int_equal(scn_state(), PN_TCP_TIME_WAIT);
	expect_kinds(0, 0, 3);
}

/* A listener's child ready to accept: the listener's sk_data_ready. */
static void
accept_queue_is_data(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 100);
	OUT(SA, .ack = 101);
	IN(A, .seq = 101, .ack = ISN + 1);
	assert_int_equal(W->wake_l, 1);
	assert_int_equal(W->wake_lkind, DATA);
}


int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(data_is_data),
		SCN(out_of_order_then_fill),
		SCN(fin_is_state),
		SCN(data_with_fin_is_state),
		SCN(synack_is_state),
		SCN(rst_is_state),
		SCN(ack_to_low_mark_is_space),
		SCN(full_without_nospace_no_space_wake),
		SCN(poll_nospace_is_space),
		SCN(fin_acked_is_state),
		SCN(closing_to_time_wait_is_state),
		SCN(accept_queue_is_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
