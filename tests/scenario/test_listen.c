/* SPDX-License-Identifier: BSD-3-Clause */
/* LISTEN and SYN-RECEIVED (RFC 9293 3.5, 3.10.7.2). */
#include "scn.h"
#include "tcp_priv.h"

static void
syn_gets_synack(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 100, .mss = 1460);
	OUT(SA, .ack = 101, .win = 65535, .mss = 1460, .sackok = 0, .ts = 0);
	NONE();
	assert_int_equal(scn_stat("PassiveOpens"), 1);
}

static void
handshake_completes_and_accepts(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	assert_int_equal(pn_tcp_listen_poll(W->l), 0);
	IN(S, .seq = 100);
	OUT(SA, .ack = 101);
	assert_int_equal(W->wake_l, 0);
	IN(A, .seq = 101, .ack = ISN + 1);
	assert_int_equal(W->wake_l, 1);
	assert_int_equal(pn_tcp_listen_poll(W->l), 1);
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), -EAGAIN);
	NONE();
}

static void
ack_to_listener_gets_rst(void **state)
{
	(void)state;
	W->tconf.syncookies = false;
	scn_start();
	scn_listen(80);
	IN(A, .seq = 500, .ack = 12345);
	OUT(R, .seq = 12345);
	assert_int_equal(scn_drops(PN_DROP_TCP_COOKIE_BAD), 1);
}

static void
rst_to_listener_ignored(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(R, .seq = 500);
	NONE();
	assert_int_equal(scn_drops(PN_DROP_TCP_LISTEN_BAD), 1);
}

static void
synack_to_listener_gets_rst(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(SA, .seq = 500, .ack = 777);
	OUT(R, .seq = 777);
}

static void
bare_segment_to_listener_dropped(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(NOFL, .seq = 500, .len = 10);
	NONE();
	assert_int_equal(scn_drops(PN_DROP_TCP_LISTEN_BAD), 1);
}

static void
syn_to_closed_port_gets_rst(void **state)
{
	(void)state;
	scn_start();
	IN(S, .seq = 100, .dport = 81);
	OUT(RA, .seq = 0, .ack = 101);
	assert_int_equal(scn_drops(PN_DROP_TCP_NO_SOCKET), 1);
}

static void
data_to_closed_port_rst_acks_all(void **state)
{
	(void)state;
	scn_start();
	IN(FPA & ~A, .seq = 100, .len = 10, .dport = 81);
	OUT(RA, .seq = 0, .ack = 111);
}

static void
ack_to_closed_port_rst_seq_is_ack(void **state)
{
	(void)state;
	scn_start();
	IN(A, .seq = 100, .ack = 5555, .dport = 81);
	OUT(R, .seq = 5555);
}

static void
rst_to_closed_port_no_reply(void **state)
{
	(void)state;
	scn_start();
	IN(R, .seq = 100, .dport = 81);
	NONE();
}

static void
synack_retransmitted_on_timeout(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 100);
	OUT(SA, .ack = 101);
	ADVANCE_MS(999);
	NONE();
	ADVANCE_MS(1);
	OUT(SA, .seq = ISN, .ack = 101);
	ADVANCE_MS(2000);
	OUT(SA, .seq = ISN, .ack = 101);
	assert_int_equal(scn_stat("TCPSynRetrans"), 2);
}

/* tcp.synack_retries, not syn_retries, counts a passive open's SYN-ACKs
 * (Linux reqsk_timer_handler: sysctl tcp_synack_retries). */
static void
synack_gives_up_after_retries(void **state)
{
	(void)state;
	W->tconf.synack_retries = 2;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 100);
	OUT(SA);
	ADVANCE_MS(1000);
	OUT(SA);
	ADVANCE_MS(2000);
	OUT(SA);
	ADVANCE_MS(3999);
	NONE();
	assert_int_equal(scn_nconns(), 1);
	ADVANCE_MS(1);
	NONE();
	assert_int_equal(scn_nconns(), 0);
	assert_int_equal(scn_stat("TCPSynRetrans"), 2);
}

/* Default: 5 SYN-ACK retransmissions, 1, 2, 4, 8, 16 s apart (at 1, 3,
 * 7, 15, 31 s), the embryo dropped 32 s after the last (63 s), as Linux
 * with tcp_synack_retries = 5; syn_retries (7) plays no part. */
static void
synack_default_retries_five(void **state)
{
	static const uint32_t gap_ms[] = { 1000, 2000, 4000, 8000, 16000 };
	size_t i;

	(void)state;
	scn_start();
	assert_int_equal(W->tconf.synack_retries, 5);
	assert_int_equal(W->tconf.syn_retries, 7);
	scn_listen(80);
	IN(S, .seq = 100);
	OUT(SA, .ack = 101);
	for (i = 0; i < RTE_DIM(gap_ms); i++) {
		ADVANCE_MS(gap_ms[i] - 1);
		NONE();
		ADVANCE_MS(1);
		OUT(SA, .seq = ISN, .ack = 101);
	}
	ADVANCE_MS(31999);
	NONE();
	assert_int_equal(scn_nconns(), 1);
	ADVANCE_MS(1);
	NONE();
	assert_int_equal(scn_nconns(), 0);
	assert_int_equal(scn_stat("TCPSynRetrans"), 5);
}

static void
synack_retries_from_listener_syncnt(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	assert_int_equal(pn_tcp_listen_setopt(W->l, PN_TCP_OPT_SYNCNT, 1), 0);
	IN(S, .seq = 100);
	OUT(SA);
	ADVANCE_MS(1000);
	OUT(SA);
	ADVANCE_MS(2000);
	NONE();
	assert_int_equal(scn_nconns(), 0);
}

static void
dup_syn_in_syn_received_resends_synack(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 100);
	OUT(SA, .ack = 101);
	IN(S, .seq = 100);
	OUT(SA, .seq = ISN, .ack = 101);
	assert_int_equal(scn_nconns(), 1);
}

static void
rst_in_syn_received_back_to_listen(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 100);
	OUT(SA, .ack = 101);
	IN(R, .seq = 101);
	NONE();
	assert_int_equal(scn_nconns(), 0);
	IN(S, .seq = 900);
	OUT(SA, .ack = 901);
}

static void
bad_ack_in_syn_received_gets_rst(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 100);
	OUT(SA, .ack = 101);
	IN(A, .seq = 101, .ack = ISN + 5);
	OUT(R, .seq = ISN + 5);
	assert_int_equal(scn_nconns(), 1);
}

static void
data_with_handshake_ack_is_delivered(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 100);
	OUT(SA, .ack = 101);
	IN(PA, .seq = 101, .ack = ISN + 1, .len = 20);
	OUT(A, .ack = 121);
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	assert_int_equal(pn_tcp_readable(W->c), 20);
}

static void
accept_queue_full_drops_syn(void **state)
{
	(void)state;
	scn_start();
	assert_int_equal(pn_tcp_listen(W->tcp, 0, 80, 1, &W->lctx, &W->l), 0);
	IN(S, .seq = 100, .sport = 1001);
	OUT(SA, .ack = 101);
	IN(A, .seq = 101, .ack = ISN + 1, .sport = 1001);
	IN(S, .seq = 200, .sport = 1002);
	NONE();
	assert_int_equal(scn_drops(PN_DROP_TCP_ACCEPT_FULL), 1);
	assert_int_equal(scn_stat("TCPListenOverflows"), 1);
}

static void
listen_twice_is_eaddrinuse(void **state)
{
	struct pn_tcp_listen *l2;

	(void)state;
	scn_start();
	scn_listen(80);
	assert_int_equal(pn_tcp_listen(W->tcp, 0, 80, 1, NULL, &l2), -EADDRINUSE);
	assert_int_equal(pn_tcp_listen(W->tcp, IP_US, 80, 1, NULL, &l2), 0);
	IN(S, .seq = 100);
	OUT(SA, .ack = 101); /* the specific listener wins */
	pn_tcp_listen_close(l2);
	OUT(RA);
	/* the wildcard listener again (Linux __inet_lookup_listener) */
	IN(S, .seq = 500, .sport = 1002);
	OUT(SA, .ack = 501);
	IN(A, .seq = 501, .ack = ISN + 1, .sport = 1002);
	NONE();
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
}

/* Linux __inet_lookup_listener (compute_score): the listener of the
 * segment's address wins over the wildcard whichever came first; another
 * address of the same port still reaches the wildcard's. */
static void
listen_bound_address_wins_whatever_the_order(void **state)
{
	struct pn_tcp_listen *l1, *l2;

	(void)state;
	scn_start();
	assert_int_equal(pn_tcp_listen(W->tcp, IP_US, 80, 1, NULL, &l1), 0);
	scn_listen(80);
	assert_int_equal(pn_tcp_listen(W->tcp, IP_US + 1, 80, 1, NULL, &l2),
			 0);
	IN(S, .seq = 100);
	OUT(SA, .ack = 101);
	pn_tcp_listen_close(l2);
	NONE();
	pn_tcp_listen_close(l1);
	OUT(RA); /* its embryo */
	assert_int_equal(pn_tcp_listen(W->tcp, IP_US, 80, 1, NULL, &l1), 0);
}

/* At most TCP_LISTEN_MAX listeners per lcore: the next is ENOMEM. */
static void
listen_beyond_the_limit_is_enomem(void **state)
{
	struct pn_tcp_listen *l[TCP_LISTEN_MAX], *x;
	uint32_t i;

	(void)state;
	scn_start();
	for (i = 0; i < TCP_LISTEN_MAX; i++)
		assert_int_equal(pn_tcp_listen(W->tcp, 0, (uint16_t)(1000 + i),
					       1, NULL, &l[i]), 0);
	assert_int_equal(pn_tcp_listen(W->tcp, 0, 999, 1, NULL, &x), -ENOMEM);
	pn_tcp_listen_close(l[7]);
	assert_int_equal(pn_tcp_listen(W->tcp, 0, 999, 1, NULL, &x), 0);
	IN(S, .seq = 100, .dport = 999);
	OUT(SA, .ack = 101, .sport = 999);
	IN(S, .seq = 100, .dport = 1007);
	OUT(RA, .ack = 101, .sport = 1007);
}

static void
listen_close_resets_embryos(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 100);
	OUT(SA, .ack = 101);
	pn_tcp_listen_close(W->l);
	W->l = NULL;
	OUT(RA, .seq = ISN + 1);
	assert_int_equal(scn_nconns(), 0);
}

/* A connection reset while its socket still holds it leaves the table
 * (Linux tcp_done -> inet_unhash); a new SYN from the same 4-tuple makes
 * a new connection, and closing the old socket leaves that one alone. */
static void
close_after_reset_keeps_new_connection_of_same_tuple(void **state)
{
	struct pn_tcp_conn *old;

	(void)state;
	scn_start();
	scn_passive(100, 0);
	old = W->c;
	IN(R);
	NONE();
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
	IN(S, .seq = 5000);
	OUT(SA, .ack = 5001);
	pn_tcp_close(old);
	NONE();
	IN(A, .seq = 5001, .ack = ISN + 1);
	NONE();
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
	assert_int_equal(scn_drops(PN_DROP_TCP_COOKIE_BAD), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(syn_gets_synack),
		SCN(handshake_completes_and_accepts),
		SCN(ack_to_listener_gets_rst),
		SCN(rst_to_listener_ignored),
		SCN(synack_to_listener_gets_rst),
		SCN(bare_segment_to_listener_dropped),
		SCN(syn_to_closed_port_gets_rst),
		SCN(data_to_closed_port_rst_acks_all),
		SCN(ack_to_closed_port_rst_seq_is_ack),
		SCN(rst_to_closed_port_no_reply),
		SCN(synack_retransmitted_on_timeout),
		SCN(synack_gives_up_after_retries),
		SCN(synack_default_retries_five),
		SCN(synack_retries_from_listener_syncnt),
		SCN(dup_syn_in_syn_received_resends_synack),
		SCN(rst_in_syn_received_back_to_listen),
		SCN(bad_ack_in_syn_received_gets_rst),
		SCN(data_with_handshake_ack_is_delivered),
		SCN(accept_queue_full_drops_syn),
		SCN(listen_twice_is_eaddrinuse),
		SCN(listen_bound_address_wins_whatever_the_order),
		SCN(listen_beyond_the_limit_is_enomem),
		SCN(listen_close_resets_embryos),
		SCN(close_after_reset_keeps_new_connection_of_same_tuple),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
