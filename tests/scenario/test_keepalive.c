/* SPDX-License-Identifier: BSD-3-Clause */
/* Keepalive (RFC 1122 4.2.3.6; RFC 9293 3.8.4). */
#include "scn.h"

static void
est_keep(void)
{
	scn_start();
	scn_passive(1000, 0);
	pn_tcp_setopt(W->c, PN_TCP_OPT_KEEPIDLE, 10);
	pn_tcp_setopt(W->c, PN_TCP_OPT_KEEPINTVL, 2);
	pn_tcp_setopt(W->c, PN_TCP_OPT_KEEPCNT, 3);
	pn_tcp_setopt(W->c, PN_TCP_OPT_KEEPALIVE, 1);
}

static void
off_by_default(void **state)
{
	(void)state;
	scn_start();
	scn_passive(1000, 0);
	ADVANCE_MS(8000000);
	NONE();
}

static void
probe_after_idle(void **state)
{
	(void)state;
	est_keep();
	ADVANCE_MS(9999);
	NONE();
	ADVANCE_MS(1);
	OUT(A, .seq = ISN, .ack = 1001, .len = 0);
	assert_int_equal(scn_stat("TCPKeepAlive"), 1);
}

static void
answered_probe_restarts_idle(void **state)
{
	(void)state;
	est_keep();
	ADVANCE_MS(10000);
	OUT(A, .seq = ISN);
	IN(A, .ack = ISN + 1);
	ADVANCE_MS(9999);
	NONE();
	ADVANCE_MS(1);
	OUT(A, .seq = ISN);
}

static void
unanswered_probes_reset(void **state)
{
	(void)state;
	est_keep();
	ADVANCE_MS(10000);
	OUT(A, .seq = ISN);
	ADVANCE_MS(2000);
	OUT(A, .seq = ISN);
	ADVANCE_MS(2000);
	OUT(A, .seq = ISN);
	ADVANCE_MS(2000);
	OUT(RA);
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
	assert_int_equal(pn_tcp_error(W->c), ETIMEDOUT);
}

static void
traffic_defers_probe(void **state)
{
	(void)state;
	est_keep();
	ADVANCE_MS(6000);
	IN(PA, .len = 10);
	OUT(A);
	ADVANCE_MS(9999);
	NONE();
	ADVANCE_MS(1);
	OUT(A, .seq = ISN);
}

static void
disable_stops_probes(void **state)
{
	(void)state;
	est_keep();
	pn_tcp_setopt(W->c, PN_TCP_OPT_KEEPALIVE, 0);
	ADVANCE_MS(20000);
	NONE();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(off_by_default),
		SCN(probe_after_idle),
		SCN(answered_probe_restarts_idle),
		SCN(unanswered_probes_reset),
		SCN(traffic_defers_probe),
		SCN(disable_stops_probes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
