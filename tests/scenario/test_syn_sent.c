/* SPDX-License-Identifier: BSD-3-Clause */
/* SYN-SENT: active open, simultaneous open (RFC 9293 3.5, 3.10.7.3). */
#include <sys/epoll.h>

#include "scn.h"

static void
do_connect(void)
{
	assert_int_equal(pn_tcp_connect(W->tcp, 0, PORT_US, IP_PEER, PORT_PEER,
					 &W->cctx, &W->c), 0);
}

static void
syn_carries_all_options(void **state)
{
	(void)state;
	scn_start();
	do_connect();
	OUT(S, .ack = 0, .win = 65535, .mss = 1460, .ws = 7, .sackok = 1, .ts = 1,
	    .tsecr = 0);
	assert_int_equal(scn_state(), PN_TCP_SYN_SENT);
	assert_int_equal(pn_tcp_poll(W->c) & EPOLLOUT, 0);
	assert_int_equal(scn_stat("ActiveOpens"), 1);
}

static void
synack_establishes(void **state)
{
	(void)state;
	scn_start();
	do_connect();
	OUT(S);
	IN(SA, .seq = 5000, .ack = ISN + 1, .mss = 1400);
	OUT(A, .seq = ISN + 1, .ack = 5001, .opts = "");
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
	assert_int_equal(W->wake_c, 1);
	assert_true(pn_tcp_poll(W->c) & EPOLLOUT);
	{
		int64_t v;

		pn_tcp_getopt(W->c, PN_TCP_OPT_MAXSEG, &v);
		assert_int_equal(v, 1400);
	}
}

static void
syn_retransmits_with_backoff(void **state)
{
	(void)state;
	scn_start();
	do_connect();
	OUT(S);
	ADVANCE_MS(999);
	NONE();
	ADVANCE_MS(1);
	OUT(S, .seq = ISN);
	ADVANCE_MS(1999);
	NONE();
	ADVANCE_MS(1);
	OUT(S, .seq = ISN);
	ADVANCE_MS(4000);
	OUT(S, .seq = ISN);
}

static void
syn_gives_up_etimedout(void **state)
{
	(void)state;
	W->tconf.syn_retries = 2;
	scn_start();
	do_connect();
	OUT(S);
	ADVANCE_MS(1000);
	OUT(S);
	ADVANCE_MS(2000);
	OUT(S);
	ADVANCE_MS(4000);
	NONE();
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
	assert_true(pn_tcp_poll(W->c) & EPOLLERR);
	assert_int_equal(pn_tcp_error(W->c), ETIMEDOUT);
	assert_int_equal(W->wake_c, 1);
	assert_int_equal(scn_stat("AttemptFails"), 1);
}

/* RFC 9293 MUST-23: by default SYNs are retried for at least 3 minutes:
 * 7 retransmissions at 1, 3, 7, 15, 31, 63 and 127 s, then one RTO
 * capped at rto_max (120 s): ETIMEDOUT at 247 s. (Linux's default
 * tcp_syn_retries 6 gives up at 127 s.) */
static void
syn_default_retries_last_three_minutes(void **state)
{
	unsigned int i;

	(void)state;
	scn_start();
	do_connect();
	OUT(S);
	for (i = 0; i < 7; i++) {
		ADVANCE_MS(1000u << i);
		OUT(S, .seq = ISN);
	}
	ADVANCE_MS(120000 - 1);
	NONE();
	assert_int_equal(scn_state(), PN_TCP_SYN_SENT);
	ADVANCE_MS(1);
	NONE();
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
	assert_int_equal(pn_tcp_error(W->c), ETIMEDOUT);
	assert_int_equal(scn_stat("TCPSynRetrans"), 7);
}

/* MUST-20 for SYNs: Linux tcp_write_timeout advises IP at every SYN
 * timeout after the first retransmission; we do once, at the first. */
static void
syn_negative_advice_after_first_retransmission(void **state)
{
	(void)state;
	scn_start();
	do_connect();
	OUT(S);
	ADVANCE_MS(1000);
	OUT(S, .seq = ISN);
	assert_int_equal(scn_stat("TCPNegativeAdvice"), 0);
	ADVANCE_MS(2000);
	OUT(S, .seq = ISN);
	assert_int_equal(scn_stat("TCPNegativeAdvice"), 1);
	ADVANCE_MS(4000);
	OUT(S, .seq = ISN);
	assert_int_equal(scn_stat("TCPNegativeAdvice"), 1);
	assert_int_equal(pn_net_stats(W->net)->neg_advice, 1);
}

/* TCP_SYNCNT (Linux icsk_syn_retries): per connection, 1..127. */
static void
syncnt_per_connection(void **state)
{
	int64_t v;

	(void)state;
	scn_start();
	do_connect();
	assert_int_equal(pn_tcp_getopt(W->c, PN_TCP_OPT_SYNCNT, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_SYNCNT, 0), -EINVAL);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_SYNCNT, 128), -EINVAL);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_SYNCNT, 1), 0);
	OUT(S);
	ADVANCE_MS(1000);
	OUT(S, .seq = ISN);
	ADVANCE_MS(2000);
	NONE();
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
	assert_int_equal(pn_tcp_error(W->c), ETIMEDOUT);
}

static void
rst_ack_refuses(void **state)
{
	(void)state;
	scn_start();
	do_connect();
	OUT(S);
	IN(RA, .seq = 0, .ack = ISN + 1);
	NONE();
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
	assert_int_equal(pn_tcp_error(W->c), ECONNREFUSED);
}

static void
rst_without_ack_ignored(void **state)
{
	(void)state;
	scn_start();
	do_connect();
	OUT(S);
	IN(R, .seq = 0);
	NONE();
	assert_int_equal(scn_state(), PN_TCP_SYN_SENT);
}

static void
rst_with_bad_ack_ignored(void **state)
{
	(void)state;
	scn_start();
	do_connect();
	OUT(S);
	IN(RA, .seq = 0, .ack = ISN + 7);
	NONE();
	assert_int_equal(scn_state(), PN_TCP_SYN_SENT);
}

static void
synack_bad_ack_gets_rst(void **state)
{
	(void)state;
	scn_start();
	do_connect();
	OUT(S);
	IN(SA, .seq = 5000, .ack = ISN + 100);
	OUT(R, .seq = ISN + 100);
	assert_int_equal(scn_state(), PN_TCP_SYN_SENT);
	IN(SA, .seq = 5000, .ack = ISN);
	OUT(R, .seq = ISN);
}

static void
ack_without_syn_dropped(void **state)
{
	(void)state;
	scn_start();
	do_connect();
	OUT(S);
	IN(A, .seq = 5000, .ack = ISN + 1);
	NONE();
	assert_int_equal(scn_drops(PN_DROP_TCP_SYN_SENT_BAD), 1);
}

static void
simultaneous_open(void **state)
{
	(void)state;
	scn_start();
	do_connect();
	OUT(S);
	IN(S, .seq = 7000);
	OUT(SA, .seq = ISN, .ack = 7001);
	assert_int_equal(scn_state(), PN_TCP_SYN_RECEIVED);
	IN(SA, .seq = 7000, .ack = ISN + 1);
	/* our SYN-ACK is ACKed by theirs: established */
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
	assert_true(W->wake_c >= 1);
}

/* A simultaneous open's SYN-RECEIVED is a full socket: Linux
 * tcp_write_timeout gives it tcp_syn_retries, not tcp_synack_retries
 * (that one is for a listener's request socks). */
static void
simultaneous_open_syn_received_uses_syn_retries(void **state)
{
	unsigned int i;

	(void)state;
	W->tconf.syn_retries = 3;
	W->tconf.synack_retries = 1;
	scn_start();
	do_connect();
	OUT(S);
	IN(S, .seq = 7000);
	OUT(SA, .seq = ISN, .ack = 7001);
	for (i = 0; i < 3; i++) {
		ADVANCE_MS(1000u << i);
		OUT(SA, .seq = ISN, .ack = 7001);
		assert_int_equal(scn_state(), PN_TCP_SYN_RECEIVED);
	}
	ADVANCE_MS(8000);
	NONE();
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
	assert_int_equal(pn_tcp_error(W->c), ETIMEDOUT);
}

static void
simultaneous_open_plain_ack(void **state)
{
	(void)state;
	scn_start();
	do_connect();
	OUT(S);
	IN(S, .seq = 7000);
	OUT(SA, .seq = ISN, .ack = 7001);
	IN(A, .seq = 7001, .ack = ISN + 1);
	NONE();
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
}

static void
synack_with_data(void **state)
{
	(void)state;
	scn_start();
	do_connect();
	OUT(S);
	IN(SA, .seq = 5000, .ack = ISN + 1, .len = 10);
	OUT(A, .ack = 5011);
	assert_int_equal(pn_tcp_readable(W->c), 10);
}

static void
ephemeral_port_in_range(void **state)
{
	uint32_t lip, rip;
	uint16_t lp, rp;
	struct pn_tcp_conn *c2;

	(void)state;
	scn_start();
	assert_int_equal(pn_tcp_connect(W->tcp, 0, 0, IP_PEER, PORT_PEER,
					 &W->cctx, &W->c), 0);
	pn_tcp_addrs(W->c, &lip, &lp, &rip, &rp);
	assert_int_equal(lip, IP_US);
	assert_true(lp >= 32768 && lp <= 60999);
	assert_int_equal(pn_tcp_connect(W->tcp, 0, 0, IP_PEER, PORT_PEER,
					 NULL, &c2), 0);
	{
		uint32_t a, b;
		uint16_t p2, q;

		pn_tcp_addrs(c2, &a, &p2, &b, &q);
		assert_int_not_equal(p2, lp);
	}
	pn_tcp_abort(c2);
	scn_flush();
}

static void
connect_same_tuple_eaddrinuse(void **state)
{
	struct pn_tcp_conn *c2;

	(void)state;
	scn_start();
	do_connect();
	assert_int_equal(pn_tcp_connect(W->tcp, 0, PORT_US, IP_PEER, PORT_PEER,
					 NULL, &c2), -EADDRINUSE);
}

static void
connect_no_route(void **state)
{
	struct pn_tcp_conn *c2;

	(void)state;
	scn_start();
	assert_int_equal(pn_tcp_connect(W->tcp, 0, 0, PN_IPV4(10, 9, 9, 9), 80,
					 NULL, &c2), -ENETUNREACH);
}

static void
close_in_syn_sent_frees(void **state)
{
	(void)state;
	scn_start();
	do_connect();
	OUT(S);
	pn_tcp_close(W->c);
	W->c = NULL;
	NONE();
	assert_int_equal(scn_nconns(), 0);
	ADVANCE_MS(5000);
	NONE();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(syn_carries_all_options),
		SCN(synack_establishes),
		SCN(syn_retransmits_with_backoff),
		SCN(syn_gives_up_etimedout),
		SCN(syn_default_retries_last_three_minutes),
		SCN(syncnt_per_connection),
		SCN(syn_negative_advice_after_first_retransmission),
		SCN(rst_ack_refuses),
		SCN(rst_without_ack_ignored),
		SCN(rst_with_bad_ack_ignored),
		SCN(synack_bad_ack_gets_rst),
		SCN(ack_without_syn_dropped),
		SCN(simultaneous_open),
		SCN(simultaneous_open_plain_ack),
		SCN(simultaneous_open_syn_received_uses_syn_retries),
		SCN(synack_with_data),
		SCN(ephemeral_port_in_range),
		SCN(connect_same_tuple_eaddrinuse),
		SCN(connect_no_route),
		SCN(close_in_syn_sent_frees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
