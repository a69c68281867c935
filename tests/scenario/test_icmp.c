/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP errors for TCP (RFC 1122 4.2.3.9, RFC 5927, RFC 1191), quoting
 * only the IP header and 8 bytes of our segment, as most routers do.
 */
#include "icmp.h"
#include "scn.h"

#define M 1448u /* MSS 1460 less the timestamps */

static void
est_sack(void)
{
	scn_start();
	scn_passive(1000, 1);
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
}

static int64_t
maxseg(void)
{
	int64_t v;

	pn_tcp_getopt(W->c, PN_TCP_OPT_MAXSEG, &v);
	return v;
}

static void
frag_needed_lowers_mss_and_resends(void **state)
{
	(void)state;
	est_sack();
	scn_send(2 * M);
	OUT(A, .seq = ISN + 1, .len = M);
	OUT(A, .seq = ISN + 1 + M, .len = M);
	/* RFC 1191: MTU 1000, MSS 960, 948 bytes with the timestamps */
	scn_icmp_unreach(PN_ICMP_UNREACH_FRAG_NEEDED, 1000, ISN + 1);
	OUT(A, .seq = ISN + 1, .len = 948);
	OUT(A, .seq = ISN + 1 + 948, .len = 948);
	OUT(A, .seq = ISN + 1 + 2 * 948, .len = 948);
	OUT(A, .seq = ISN + 1 + 3 * 948, .len = 2 * M - 3 * 948);
	NONE();
	assert_int_equal(maxseg(), 960);
	assert_int_equal(scn_stat("TCPPMTUUpdates"), 1);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
}

static void
frag_needed_not_below_mss_min(void **state)
{
	(void)state;
	est_sack();
	scn_send(100);
	scn_flush();
	scn_icmp_unreach(PN_ICMP_UNREACH_FRAG_NEEDED, 68, ISN + 1);
	assert_int_equal(maxseg(), 536);
}

static void
quote_outside_the_window_dropped(void **state)
{
	(void)state;
	est_sack();
	scn_send(100);
	scn_flush();
	/* RFC 5927 4.1: SND.UNA <= SEG.SEQ < SND.NXT, or forged */
	scn_icmp_unreach(PN_ICMP_UNREACH_FRAG_NEEDED, 1000, ISN + 1 + 100);
	scn_icmp_unreach(PN_ICMP_UNREACH_PORT, 0, ISN);
	NONE();
	assert_int_equal(maxseg(), 1460);
	assert_int_equal(scn_drops(PN_DROP_TCP_ICMP_BAD_SEQ), 2);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
}

static void
port_unreachable_refuses_connect(void **state)
{
	(void)state;
	scn_start();
	assert_int_equal(pn_tcp_connect(W->tcp, 0, PORT_US, IP_PEER, PORT_PEER,
					 &W->cctx, &W->c), 0);
	OUT(S);
	/* Linux tcp_v4_err: in SYN-SENT connect() fails at once */
	scn_icmp_unreach(PN_ICMP_UNREACH_PORT, 0, ISN);
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
	assert_int_equal(pn_tcp_error(W->c), ECONNREFUSED);
	ADVANCE_MS(1000);
	NONE(); /* no SYN again */
}

static void
host_unreachable_in_syn_sent_fails_connect(void **state)
{
	(void)state;
	scn_start();
	assert_int_equal(pn_tcp_connect(W->tcp, 0, PORT_US, IP_PEER, PORT_PEER,
					 &W->cctx, &W->c), 0);
	OUT(S);
	scn_icmp_unreach(PN_ICMP_UNREACH_HOST, 0, ISN);
	assert_int_equal(pn_tcp_error(W->c), EHOSTUNREACH);
}

/* Let the retransmissions run out (bounded). */
static void
retransmit_until_closed(void)
{
	int i;

	for (i = 0; i < 20 && scn_state() != PN_TCP_CLOSED; i++) {
		ADVANCE_MS(1000);
		scn_flush();
	}
}

static void
soft_error_reported_on_timeout(void **state)
{
	(void)state;
	W->tconf.retries2 = 2;
	est_sack();
	scn_send(100);
	OUT(PA, .len = 100);
	/* RFC 1122 4.2.3.9: not fatal in a synchronized state */
	scn_icmp_unreach(PN_ICMP_UNREACH_HOST, 0, ISN + 1);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
	assert_int_equal(pn_tcp_error(W->c), 0);
	retransmit_until_closed();
	/* Linux tcp_write_err: the soft error, not ETIMEDOUT */
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
	assert_int_equal(pn_tcp_error(W->c), EHOSTUNREACH);
}

/* RFC 1122 4.2.3.9: time exceeded is passed on, never fatal; Linux
 * reports it (EHOSTUNREACH) when the connection times out. */
static void
time_exceeded_is_a_soft_error(void **state)
{
	(void)state;
	W->tconf.retries2 = 2;
	est_sack();
	scn_send(100);
	OUT(PA, .len = 100);
	scn_icmp_err(PN_ICMP_TIME_EXCEEDED, PN_ICMP_EXC_TTL, 0, ISN + 1 + 100);
	assert_int_equal(scn_drops(PN_DROP_TCP_ICMP_BAD_SEQ), 1); /* not sent */
	scn_icmp_err(PN_ICMP_TIME_EXCEEDED, PN_ICMP_EXC_TTL, 0, ISN + 1);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
	assert_int_equal(pn_tcp_error(W->c), 0);
	retransmit_until_closed();
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
	assert_int_equal(pn_tcp_error(W->c), EHOSTUNREACH);
}

static void
time_exceeded_in_syn_sent_not_fatal(void **state)
{
	(void)state;
	scn_start();
	assert_int_equal(pn_tcp_connect(W->tcp, 0, PORT_US, IP_PEER, PORT_PEER,
					 &W->cctx, &W->c), 0);
	OUT(S);
	scn_icmp_err(PN_ICMP_TIME_EXCEEDED, PN_ICMP_EXC_TTL, 0, ISN);
	assert_int_equal(scn_state(), PN_TCP_SYN_SENT);
	assert_int_equal(pn_tcp_error(W->c), 0);
	IN(SA, .seq = 100, .ack = ISN + 1);
	OUT(A);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
}

/* RFC 1122 4.2.3.9: a parameter problem is a soft error too; Linux
 * tcp_v4_err reports it as EPROTO when the connection times out. */
static void
parameter_problem_is_a_soft_error(void **state)
{
	(void)state;
	W->tconf.retries2 = 2;
	est_sack();
	scn_send(100);
	OUT(PA, .len = 100);
	scn_icmp_err(PN_ICMP_PARAM_PROBLEM, 0, 0, ISN + 1);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
	assert_int_equal(pn_tcp_error(W->c), 0);
	retransmit_until_closed();
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
	assert_int_equal(pn_tcp_error(W->c), EPROTO);
}

static void
error_for_no_connection_dropped(void **state)
{
	(void)state;
	scn_start();
	scn_icmp_unreach(PN_ICMP_UNREACH_PORT, 0, 1234);
	assert_int_equal(scn_drops(PN_DROP_TCP_ICMP_NO_CONN), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(frag_needed_lowers_mss_and_resends),
		SCN(frag_needed_not_below_mss_min),
		SCN(quote_outside_the_window_dropped),
		SCN(port_unreachable_refuses_connect),
		SCN(host_unreachable_in_syn_sent_fails_connect),
		SCN(soft_error_reported_on_timeout),
		SCN(time_exceeded_is_a_soft_error),
		SCN(time_exceeded_in_syn_sent_not_fatal),
		SCN(parameter_problem_is_a_soft_error),
		SCN(error_for_no_connection_dropped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
