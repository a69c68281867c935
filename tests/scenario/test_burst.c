/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 9293 MUST-59 (RFC 1122 4.2.2.21): the segments of one receive
 * burst are all processed before the ACKs go: one ACK per connection,
 * built after the burst's last segment. Linux gets there through GRO
 * (one ACK per merged segment) and its ACK compression for SACK peers
 * (__tcp_ack_snd_check, TCPAckCompressed); we hold the pure ACKs of a
 * tcp_rx_burst (tcp_ack_or_hold, tcp_ack_flush, TCPAckCoalesced).
 */
#include <rte_mbuf.h>

#include "scn.h"
#include "test_eal.h"

#define PORT_PEER2 40001

static void
est_sack(void)
{
	scn_start();
	scn_passive(1000, 1);
}

/* Two out-of-order segments: one ACK, both blocks, the latest first. */
static void
two_ooo_segments_one_ack(void **state)
{
	(void)state;
	est_sack();
	scn_burst_begin();
	IN(PA, .seq = 1101, .len = 100, .tsval = 1002);
	IN(PA, .seq = 1301, .len = 100, .tsval = 1002);
	scn_burst_end();
	OUT(A, .ack = 1001, .nsack = 2,
	    .sack = { { 1301, 1401 }, { 1101, 1201 } });
	NONE();
	assert_int_equal(scn_stat("TCPAckCoalesced"), 1);
}

/* The same two one by one (a burst of one each): an ACK each, as
 * before. */
static void
per_packet_path_unchanged(void **state)
{
	(void)state;
	est_sack();
	IN(PA, .seq = 1101, .len = 100, .tsval = 1002);
	OUT(A, .ack = 1001, .nsack = 1, .sack = { { 1101, 1201 } });
	IN(PA, .seq = 1301, .len = 100, .tsval = 1002);
	OUT(A, .ack = 1001, .nsack = 2,
	    .sack = { { 1301, 1401 }, { 1101, 1201 } });
	NONE();
	assert_int_equal(scn_stat("TCPAckCoalesced"), 0);
}

/* In-order data (quick ACK) and out-of-order data: one ACK with the
 * RCV.NXT after both and the block. */
static void
in_order_and_ooo_one_ack(void **state)
{
	(void)state;
	est_sack();
	scn_burst_begin();
	IN(PA, .seq = 1001, .len = 100, .tsval = 1002);
	IN(PA, .seq = 1201, .len = 100, .tsval = 1002);
	scn_burst_end();
	OUT(A, .ack = 1101, .nsack = 1, .sack = { { 1201, 1301 } });
	NONE();
	assert_int_equal(scn_recv(1000), 100);
}

/* Four full-sized in-order segments (each would be ACKed at once in
 * quick-ACK mode): one ACK for all, as for one GRO-merged segment. */
static void
in_order_bulk_one_ack(void **state)
{
	unsigned int i;

	(void)state;
	est_sack();
	scn_burst_begin();
	for (i = 0; i < 4; i++)
		IN(PA, .seq = 1001 + 1448 * i, .len = 1448, .tsval = 1002);
	scn_burst_end();
	OUT(A, .ack = 1001 + 4 * 1448, .nsack = 0);
	NONE();
	assert_int_equal(scn_stat("TCPAckCoalesced"), 3);
	assert_int_equal(scn_recv(8000), 4 * 1448);
}

/* A burst over two connections, interleaved: one ACK each, in the order
 * they were first asked for. */
static void
two_connections_one_ack_each(void **state)
{
	uint32_t isn1, pack1, isn2;

	(void)state;
	est_sack();
	isn1 = W->isn;
	pack1 = W->peer_ack;
	IN(S, .sport = PORT_PEER2, .seq = 5000);
	isn2 = OUT(SA, .ack = 5001)->seq;
	IN(A, .sport = PORT_PEER2, .seq = 5001, .ack = isn2 + 1);
	W->isn = isn1;
	W->peer_ack = pack1;
	scn_burst_begin();
	IN(PA, .seq = 1101, .len = 100, .tsval = 1002);
	IN(PA, .sport = PORT_PEER2, .seq = 5101, .ack = isn2 + 1, .len = 100);
	IN(PA, .seq = 1301, .len = 100, .tsval = 1002);
	IN(PA, .sport = PORT_PEER2, .seq = 5301, .ack = isn2 + 1, .len = 100);
	scn_burst_end();
	OUT(A, .ack = 1001, .nsack = 2,
	    .sack = { { 1301, 1401 }, { 1101, 1201 } });
	assert_int_equal(W->last.dport, PORT_PEER);
	/* no SACK negotiated there: a plain duplicate ACK */
	OUT(A, .seq = isn2 + 1, .ack = 5001, .opts = "");
	assert_int_equal(W->last.dport, PORT_PEER2);
	NONE();
	assert_int_equal(scn_stat("TCPAckCoalesced"), 2);
}

/* A hole filled, then the FIN, last in the burst: one ACK for all of it
 * (no block left), CLOSE-WAIT. */
static void
fin_last_in_burst(void **state)
{
	(void)state;
	est_sack();
	scn_burst_begin();
	IN(PA, .seq = 1101, .len = 100, .tsval = 1002);
	IN(PA, .seq = 1001, .len = 100, .tsval = 1002);
	IN(FA, .seq = 1201, .tsval = 1002);
	scn_burst_end();
	OUT(A, .ack = 1202, .nsack = 0);
	NONE();
	assert_int_equal(scn_state(), PN_TCP_CLOSE_WAIT);
	assert_int_equal(scn_stat("TCPAckCoalesced"), 2);
}

/* Data that goes out during the burst carries the ACK: none after it. */
static void
data_in_burst_carries_the_ack(void **state)
{
	(void)state;
	est_sack();
	IN(A, .seq = 1001, .win = 0, .tsval = 1002);
	assert_int_equal(scn_send(100), 100);
	NONE();		/* zero window */
	scn_burst_begin();
	IN(PA, .seq = 1101, .len = 100, .win = 0, .tsval = 1002); /* an ACK */
	IN(A, .tsval = 1002);				/* opens the window */
	scn_burst_end();
	OUT(PA, .ack = 1001, .len = 100, .nsack = 1, .sack = { { 1101, 1201 } });
	NONE();
	assert_int_equal(scn_stat("TCPAckCoalesced"), 1);
}

/* Duplicates in one burst: touching ranges make one D-SACK; a range
 * that does not touch it sends the held ACK first, so every duplicate is
 * reported once (RFC 2883), at the cost of one ACK. */
static void
dsack_touching_duplicates_widen(void **state)
{
	(void)state;
	est_sack();
	IN(PA, .seq = 1001, .len = 200, .tsval = 1002);
	OUT(A, .ack = 1201);
	scn_burst_begin();
	IN(PA, .seq = 1001, .len = 100, .tsval = 1002);
	IN(PA, .seq = 1101, .len = 100, .tsval = 1002);
	scn_burst_end();
	OUT(A, .ack = 1201, .nsack = 1, .sack = { { 1001, 1201 } });
	NONE();
}

static void
dsack_separate_duplicates_both_reported(void **state)
{
	(void)state;
	est_sack();
	IN(PA, .seq = 1001, .len = 300, .tsval = 1002);
	OUT(A, .ack = 1301);
	scn_burst_begin();
	IN(PA, .seq = 1001, .len = 100, .tsval = 1002);
	IN(PA, .seq = 1201, .len = 100, .tsval = 1002);
	scn_burst_end();
	OUT(A, .ack = 1301, .nsack = 1, .sack = { { 1001, 1101 } });
	OUT(A, .ack = 1301, .nsack = 1, .sack = { { 1201, 1301 } });
	NONE();
	assert_int_equal(scn_stat("TCPAckCoalesced"), 0);
}

/* RFC 5961 challenge ACKs are not held: each is sent (and counted) at
 * its segment, within the rate limit; the held ACK rides on it. */
static void
challenge_ack_not_held(void **state)
{
	(void)state;
	est_sack();
	scn_burst_begin();
	IN(PA, .seq = 1101, .len = 100, .tsval = 1002);
	IN(S, .seq = 5000, .tsval = 1002);
	scn_burst_end();
	OUT(A, .ack = 1001, .nsack = 1, .sack = { { 1101, 1201 } });
	NONE();
	assert_int_equal(scn_stat("TCPChallengeACK"), 1);
	assert_int_equal(scn_stat("TCPAckCoalesced"), 1);
}

/* The mbufs of the segments a burst is done with (pure ACKs here) go
 * back to the pool in one bulk free after the burst, not one by one;
 * one still referenced elsewhere only loses the burst's reference, as
 * rte_pktmbuf_free would take it. */
static void
done_mbufs_freed_after_burst(void **state)
{
	struct rte_mbuf *held;
	unsigned int avail;

	(void)state;
	est_sack();
	avail = rte_mempool_avail_count(pn_test_pool());
	scn_burst_begin();
	IN(A, .tsval = 1002);
	held = W->burst[W->nburst - 1];
	rte_mbuf_refcnt_update(held, 1);	/* someone else's too */
	IN(A, .tsval = 1002);
	IN(A, .tsval = 1002);
	scn_burst_end();
	NONE();
	assert_int_equal(rte_mbuf_refcnt_read(held), 1);
	assert_int_equal(rte_mempool_avail_count(pn_test_pool()), avail - 1);
	rte_pktmbuf_free(held);
	assert_int_equal(rte_mempool_avail_count(pn_test_pool()), avail);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(two_ooo_segments_one_ack),
		SCN(per_packet_path_unchanged),
		SCN(in_order_and_ooo_one_ack),
		SCN(in_order_bulk_one_ack),
		SCN(two_connections_one_ack_each),
		SCN(fin_last_in_burst),
		SCN(data_in_burst_carries_the_ack),
		SCN(dsack_touching_duplicates_widen),
		SCN(dsack_separate_duplicates_both_reported),
		SCN(challenge_ack_not_held),
		SCN(done_mbufs_freed_after_burst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
