/* SPDX-License-Identifier: BSD-3-Clause */
/* SYN backlog limit and SYN cookies (RFC 4987). */
#include "scn.h"

static void
fill_backlog(void)
{
	W->tconf.syn_backlog = 1;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 100, .sport = 1001);
	OUT(SA, .ack = 101);
}

static void
cookie_synack_when_backlog_full(void **state)
{
	(void)state;
	fill_backlog();
	IN(S, .seq = 500, .sport = 1002, .mss = 1460, .tsval = 5, .sackok = 1);
	OUT(SA, .ack = 501, .mss = 1460, .ts = 0, .sackok = 0);
	assert_int_equal(scn_nconns(), 1);
	assert_int_equal(scn_stat("TCPSynCookiesSent"), 1);
}

static void
cookie_ack_establishes(void **state)
{
	struct pn_tcp_conn *a, *b;
	int64_t mss;

	(void)state;
	fill_backlog();
	IN(S, .seq = 500, .sport = 1002, .mss = 1400);
	OUT(SA, .ack = 501);
	IN(A, .seq = 501, .ack = ISN + 1, .sport = 1002);
	NONE();
	assert_int_equal(scn_nconns(), 2);
	assert_int_equal(scn_stat("TCPSynCookiesRecv"), 1);
	assert_int_equal(W->wake_l, 1);
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &a), 0);
	pn_tcp_getopt(a, PN_TCP_OPT_MAXSEG, &mss);
	assert_int_equal(mss, 1360);
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &b), -EAGAIN);
}

static void
cookie_ack_with_data(void **state)
{
	struct pn_tcp_conn *a;

	(void)state;
	fill_backlog();
	IN(S, .seq = 500, .sport = 1002, .mss = 1460);
	OUT(SA);
	IN(PA, .seq = 501, .ack = ISN + 1, .sport = 1002, .len = 50);
	OUT(A, .ack = 551);
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &a), 0);
	assert_int_equal(pn_tcp_readable(a), 50);
}

static void
bad_cookie_gets_rst(void **state)
{
	(void)state;
	fill_backlog();
	IN(S, .seq = 500, .sport = 1002);
	OUT(SA);
	IN(A, .seq = 501, .ack = ISN + 2, .sport = 1002);
	OUT(R, .seq = ISN + 2);
	assert_int_equal(scn_stat("TCPSynCookiesFailed"), 1);
	assert_int_equal(scn_drops(PN_DROP_TCP_COOKIE_BAD), 1);
}

static void
cookie_for_other_tuple_fails(void **state)
{
	(void)state;
	fill_backlog();
	IN(S, .seq = 500, .sport = 1002);
	OUT(SA);
	IN(A, .seq = 501, .ack = ISN + 1, .sport = 1003);
	OUT(R);
	assert_int_equal(scn_nconns(), 1);
}

static void
old_cookie_expires(void **state)
{
	(void)state;
	fill_backlog();
	IN(S, .seq = 500, .sport = 1002);
	OUT(SA);
	ADVANCE_MS(300000);
	scn_flush();
	IN(A, .seq = 501, .ack = ISN + 1, .sport = 1002);
	OUT(R);
	/* Linux tcp_synq_no_recent_overflow: no cookie lately, no check */
	assert_int_equal(scn_stat("TCPSynCookiesFailed"), 0);
	assert_int_equal(scn_drops(PN_DROP_TCP_COOKIE_BAD), 1);
}

/* Linux cookie_v4_check: a listener that sent no cookie takes an ACK for
 * a stray one (a RST), without checking it for a cookie. */
static void
stray_ack_without_cookies_not_checked(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(A, .seq = 500, .ack = 12345, .sport = 1002);
	OUT(R, .seq = 12345);
	assert_int_equal(scn_stat("TCPSynCookiesFailed"), 0);
	assert_int_equal(scn_drops(PN_DROP_TCP_COOKIE_BAD), 1);
	assert_int_equal(scn_nconns(), 0);
}

/* The last cookie sent keeps checks on for as long as it may be valid
 * (three 64-second periods), then they stop. */
static void
cookie_checks_stop_after_last_cookie_expires(void **state)
{
	(void)state;
	fill_backlog();
	IN(S, .seq = 500, .sport = 1002);
	OUT(SA);
	ADVANCE_MS(120000);
	scn_flush();
	IN(A, .seq = 501, .ack = ISN + 2, .sport = 1002);
	OUT(R);
	assert_int_equal(scn_stat("TCPSynCookiesFailed"), 1);
	ADVANCE_MS(140000);
	scn_flush();
	IN(A, .seq = 501, .ack = ISN + 2, .sport = 1002);
	OUT(R);
	assert_int_equal(scn_stat("TCPSynCookiesFailed"), 1);
	assert_int_equal(scn_drops(PN_DROP_TCP_COOKIE_BAD), 2);
}

static void
cookie_within_two_minutes_ok(void **state)
{
	(void)state;
	fill_backlog();
	IN(S, .seq = 500, .sport = 1002);
	OUT(SA);
	ADVANCE_MS(64000);
	scn_flush();
	IN(A, .seq = 501, .ack = ISN + 1, .sport = 1002);
	assert_int_equal(scn_stat("TCPSynCookiesRecv"), 1);
}

static void
no_cookies_drops_syn(void **state)
{
	(void)state;
	W->tconf.syncookies = false;
	fill_backlog();
	IN(S, .seq = 500, .sport = 1002);
	NONE();
	assert_int_equal(scn_drops(PN_DROP_TCP_SYN_BACKLOG), 1);
	assert_int_equal(scn_stat("TCPReqQFullDrop"), 1);
}

static void
embryo_slot_freed_after_handshake(void **state)
{
	(void)state;
	fill_backlog();
	IN(A, .seq = 101, .ack = ISN + 1, .sport = 1001);
	IN(S, .seq = 900, .sport = 1003);
	OUT(SA, .ack = 901, .ts = 0);
	assert_int_equal(scn_stat("TCPSynCookiesSent"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(cookie_synack_when_backlog_full),
		SCN(cookie_ack_establishes),
		SCN(cookie_ack_with_data),
		SCN(bad_cookie_gets_rst),
		SCN(cookie_for_other_tuple_fails),
		SCN(old_cookie_expires),
		SCN(stray_ack_without_cookies_not_checked),
		SCN(cookie_checks_stop_after_last_cookie_expires),
		SCN(cookie_within_two_minutes_ok),
		SCN(no_cookies_drops_syn),
		SCN(embryo_slot_freed_after_handshake),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
