/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loss recovery of the sender: RFC 6675 SACK recovery (scoreboard, pipe,
 * NextSeg), lost retransmissions, D-SACK, go-back-N after an RTO that
 * skips SACKed data, the reordering window, tail loss probes, re-entry
 * at RecoveryPoint.
 */
#include "scn.h"

#define M 1448u /* MSS 1460 less the timestamps */

/* Segment k of our stream (k * M after the SYN). */
static uint32_t
sg(int k)
{
	return ISN + 1 + (uint32_t)k * M;
}

/* SACK, timestamps, window scaling; Nagle off. cwnd 10 x 1460, CUBIC. */
static void
est_sack(void)
{
	scn_start();
	scn_passive(1000, 1);
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
}

static void
send_segs(int from, int to)
{
	int k;

	for (k = from; k < to; k++)
		OUT(A, .seq = sg(k), .len = M);
}

/* @p queued segments queued, the first 10 (the initial window) sent. */
static void
ten_in_flight(int queued)
{
	est_sack();
	scn_send((uint32_t)queued * M);
	send_segs(0, 10);
	NONE();
}

/* 0 and 5 lost, 1..4 and 6..9 SACKed: recovery (ssthresh 10220). */
static void
lose_0_and_5(void)
{
	IN(A, .ack = sg(0), .tsval = 1002, .nsack = 2,
	   .sack = { { sg(6), sg(10) }, { sg(1), sg(5) } });
}

static void
sack_recovery_sends_lost_holes_then_new_data(void **state)
{
	(void)state;
	ten_in_flight(30);
	/* RFC 6675 4.3 first, NextSeg rule 1 (5 IsLost), rule 2 new data
	 * while cwnd (ssthresh 10220) - pipe >= SMSS */
	lose_0_and_5();
	OUT(A, .seq = sg(0), .len = M);
	OUT(A, .seq = sg(5), .len = M);
	send_segs(10, 15);
	NONE();
	assert_int_equal(scn_stat("TCPSackRecovery"), 1);
	assert_int_equal(scn_stat("RetransSegs"), 2);
}

static void
sack_partial_ack_does_not_deflate(void **state)
{
	struct pn_tcp_info i;

	(void)state;
	ten_in_flight(30);
	lose_0_and_5();
	scn_flush();
	/* partial ACK: pipe is 5 (hole, retransmitted) + 10..14 = 6 M,
	 * one more segment fits; no RFC 6582 deflation by the ACKed bytes */
	IN(A, .ack = sg(5), .tsval = 1003, .nsack = 1,
	   .sack = { { sg(6), sg(10) } });
	send_segs(15, 16);
	NONE();
	/* full ACK: recovery ends with cwnd = ssthresh */
	IN(A, .ack = sg(10), .tsval = 1004);
	send_segs(16, 17);
	NONE();
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.ca_state, 0);
	assert_int_equal(i.snd_ssthresh, 10220);
	assert_int_equal(i.snd_cwnd, 10220 / 1460);
}

static void
lost_retransmission_retransmitted_again(void **state)
{
	(void)state;
	ten_in_flight(30);
	lose_0_and_5();
	scn_flush(); /* 0, 5 again, 10..14 */
	/* 10..12, sent after both retransmissions, are SACKed: those two
	 * were lost again; no RTO needed to send them a third time */
	IN(A, .ack = sg(0), .tsval = 1003, .nsack = 2,
	   .sack = { { sg(6), sg(13) }, { sg(1), sg(5) } });
	OUT(A, .seq = sg(0), .len = M);
	OUT(A, .seq = sg(5), .len = M);
	send_segs(15, 18);
	NONE();
	assert_int_equal(scn_stat("TCPLostRetransmit"), 1);
	assert_int_equal(scn_stat("TCPTimeouts"), 0);
}

static void
scoreboard_keeps_blocks_the_peer_stopped_sending(void **state)
{
	(void)state;
	ten_in_flight(10);
	/* 0, 2, 4, 6 lost; at most 3 blocks per ACK (with timestamps) */
	IN(A, .ack = sg(0), .tsval = 1002, .nsack = 1,
	   .sack = { { sg(1), sg(2) } });
	IN(A, .ack = sg(0), .tsval = 1002, .nsack = 2,
	   .sack = { { sg(3), sg(4) }, { sg(1), sg(2) } });
	IN(A, .ack = sg(0), .tsval = 1002, .nsack = 3,
	   .sack = { { sg(5), sg(6) }, { sg(3), sg(4) }, { sg(1), sg(2) } });
	OUT(A, .seq = sg(0), .len = M);
	scn_flush();
	/* block 1..2 no longer reported: it stays SACKed, never resent */
	IN(A, .ack = sg(0), .tsval = 1002, .nsack = 3,
	   .sack = { { sg(7), sg(10) }, { sg(5), sg(6) }, { sg(3), sg(4) } });
	OUT(A, .seq = sg(2), .len = M);
	OUT(A, .seq = sg(4), .len = M);
	OUT(A, .seq = sg(6), .len = M);
	NONE();
	/* the peer reneged on nothing: everything arrives */
	IN(A, .ack = sg(10), .tsval = 1003);
	NONE();
	assert_int_equal(scn_stat("RetransSegs"), 4);
}

static void
dupacks_with_new_sack_count_despite_window_change(void **state)
{
	(void)state;
	est_sack();
	scn_send(6 * M);
	send_segs(0, 6);
	/* RFC 6675 2: an ACK that SACKs new data is a duplicate, whatever
	 * the window says (Linux's window moves while its queue fills) */
	IN(A, .ack = sg(0), .win = 60000, .tsval = 1002, .nsack = 1,
	   .sack = { { sg(2), sg(3) } });
	IN(A, .ack = sg(0), .win = 50000, .tsval = 1002, .nsack = 2,
	   .sack = { { sg(4), sg(5) }, { sg(2), sg(3) } });
	NONE();
	IN(A, .ack = sg(0), .win = 40000, .tsval = 1002, .nsack = 3,
	   .sack = { { sg(5), sg(6) }, { sg(4), sg(5) }, { sg(2), sg(3) } });
	OUT(A, .seq = sg(0), .len = M);
	assert_int_equal(scn_stat("TCPDupAcks"), 3);
	assert_int_equal(scn_stat("TCPSackRecovery"), 1);
}

static void
dsack_counted_not_a_loss(void **state)
{
	struct pn_tcp_info i;

	(void)state;
	est_sack();
	scn_send(2 * M);
	send_segs(0, 2);
	IN(A, .ack = sg(2), .tsval = 1002);
	/* RFC 2883: the first block below the ACK reports a duplicate */
	IN(A, .ack = sg(2), .tsval = 1002, .nsack = 1,
	   .sack = { { sg(0), sg(1) } });
	NONE();
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.sacked, 0);
	assert_int_equal(scn_stat("TCPDSACKRecv"), 1);
	assert_int_equal(scn_stat("TCPSackRecovery"), 0);
}

/* 0 lost, 3..4 SACKed: two segments, not enough for IsLost(0). */
static void
two_sacked_above_hole(void)
{
	est_sack();
	scn_send(6 * M);
	send_segs(0, 6);
	IN(A, .ack = sg(0), .tsval = 1002, .nsack = 1,
	   .sack = { { sg(3), sg(5) } });
	NONE();
}

static void
reordering_window_starts_recovery(void **state)
{
	(void)state;
	two_sacked_above_hole();
	/* RFC 8985 6.3: after RTT + max(RTT / 4, 250 us) (RTT ~0 here),
	 * on the 100 us timer tick; not the RTO */
	scn_advance_ns(200 * PN_NS_PER_US);
	NONE();
	scn_advance_ns(100 * PN_NS_PER_US);
	OUT(A, .seq = sg(0), .len = M);
	/* NextSeg rule 3: the holes below the SACKed data */
	OUT(A, .seq = sg(1), .len = M);
	OUT(A, .seq = sg(2), .len = M);
	NONE();
	assert_int_equal(scn_stat("TCPReoTimeout"), 1);
	assert_int_equal(scn_stat("TCPSackRecovery"), 1);
	assert_int_equal(scn_stat("TCPTimeouts"), 0);
}

static void
rto_go_back_n_skips_sacked(void **state)
{
	(void)state;
	two_sacked_above_hole();
	ADVANCE_MS(2);
	scn_flush(); /* recovery: 0, 1, 2 again */
	/* nothing back for a PTO: everything unSACKed is lost */
	ADVANCE_MS(2);
	OUT(A, .seq = sg(0), .len = M);
	OUT(A, .seq = sg(1), .len = M);
	OUT(A, .seq = sg(2), .len = M);
	OUT(A, .seq = sg(5), .len = M);
	NONE();
	assert_int_equal(scn_stat("TCPLossProbes"), 1);
	/* all lost again: the RTO, go-back-N from SND.UNA */
	ADVANCE_MS(200);
	OUT(A, .seq = sg(0), .len = M);
	NONE();
	IN(A, .ack = sg(1), .tsval = 1003, .nsack = 1,
	   .sack = { { sg(3), sg(5) } });
	OUT(A, .seq = sg(1), .len = M);
	OUT(A, .seq = sg(2), .len = M);
	NONE();
	/* RFC 6675 5.1: 3..4 are not sent again */
	IN(A, .ack = sg(2), .tsval = 1004, .nsack = 1,
	   .sack = { { sg(3), sg(5) } });
	OUT(A, .seq = sg(5), .len = M);
	NONE();
	IN(A, .ack = sg(6), .tsval = 1005);
	NONE();
	assert_int_equal(scn_stat("TCPTimeouts"), 1);
	assert_int_equal(scn_stat("RetransSegs"), 11);
}

static void
sack_recovery_again_at_recovery_point(void **state)
{
	(void)state;
	ten_in_flight(10);
	IN(A, .ack = sg(0), .tsval = 1002, .nsack = 1,
	   .sack = { { sg(1), sg(5) } });
	OUT(A, .seq = sg(0), .len = M);
	IN(A, .ack = sg(10), .tsval = 1003);
	/* recovery ended at RecoveryPoint 10; 10 itself is lost next */
	scn_send(5 * M);
	send_segs(10, 15);
	IN(A, .ack = sg(10), .tsval = 1004, .nsack = 1,
	   .sack = { { sg(11), sg(14) } });
	OUT(A, .seq = sg(10), .len = M);
	assert_int_equal(scn_stat("TCPSackRecovery"), 2);
	assert_int_equal(scn_stat("TCPTimeouts"), 0);
}

static void
dsack_undoes_spurious_recovery_and_raises_dupthresh(void **state)
{
	struct pn_tcp_info i;

	(void)state;
	ten_in_flight(10);
	/* 0 only reordered behind three others: recovery, cwnd 10220 */
	IN(A, .ack = sg(0), .tsval = 1002, .nsack = 1,
	   .sack = { { sg(1), sg(4) } });
	OUT(A, .seq = sg(0), .len = M);
	IN(A, .ack = sg(10), .tsval = 1003);
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.snd_cwnd, 10220 / 1460);
	/* the retransmission arrives as a duplicate: D-SACK, undo */
	IN(A, .ack = sg(10), .tsval = 1004, .nsack = 1,
	   .sack = { { sg(0), sg(1) } });
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.snd_cwnd, 10);
	assert_int_equal(scn_stat("TCPDSACKUndo"), 1);
	/* DupThresh is 4 now: three SACKed segments are reordering */
	scn_send(10 * M);
	send_segs(10, 20);
	IN(A, .ack = sg(10), .tsval = 1005, .nsack = 1,
	   .sack = { { sg(11), sg(14) } });
	NONE();
	IN(A, .ack = sg(10), .tsval = 1005, .nsack = 1,
	   .sack = { { sg(11), sg(15) } });
	OUT(A, .seq = sg(10), .len = M);
	assert_int_equal(scn_stat("TCPSackRecovery"), 2);
}

static void
dsack_of_original_duplicate_does_not_undo(void **state)
{
	(void)state;
	ten_in_flight(10);
	IN(A, .ack = sg(0), .tsval = 1002, .nsack = 1,
	   .sack = { { sg(1), sg(5) } });
	OUT(A, .seq = sg(0), .len = M);
	/* a D-SACK for segment 2, which we never retransmitted */
	IN(A, .ack = sg(0), .tsval = 1003, .nsack = 2,
	   .sack = { { sg(2), sg(3) }, { sg(1), sg(5) } });
	assert_int_equal(scn_stat("TCPDSACKRecv"), 1);
	assert_int_equal(scn_stat("TCPDSACKUndo"), 0);
}

static void
tail_loss_probe_before_rto(void **state)
{
	(void)state;
	est_sack();
	scn_send(3 * M);
	send_segs(0, 3);
	/* RFC 8985 7: PTO = 2 SRTT, at least 2 ms; nothing new to send, so
	 * the last segment goes again */
	ADVANCE_MS(1);
	NONE();
	ADVANCE_MS(1);
	OUT(A, .seq = sg(2), .len = M);
	NONE();
	assert_int_equal(scn_stat("TCPLossProbes"), 1);
	/* its SACK shows the hole: a reordering window, then recovery */
	IN(A, .ack = sg(0), .tsval = 1002, .nsack = 1,
	   .sack = { { sg(2), sg(3) } });
	NONE();
	ADVANCE_MS(1);
	OUT(A, .seq = sg(0), .len = M);
	OUT(A, .seq = sg(1), .len = M);
	NONE();
	assert_int_equal(scn_stat("TCPSackRecovery"), 1);
	assert_int_equal(scn_stat("TCPTimeouts"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(sack_recovery_sends_lost_holes_then_new_data),
		SCN(sack_partial_ack_does_not_deflate),
		SCN(lost_retransmission_retransmitted_again),
		SCN(scoreboard_keeps_blocks_the_peer_stopped_sending),
		SCN(dupacks_with_new_sack_count_despite_window_change),
		SCN(dsack_counted_not_a_loss),
		SCN(reordering_window_starts_recovery),
		SCN(rto_go_back_n_skips_sacked),
		SCN(sack_recovery_again_at_recovery_point),
		SCN(dsack_undoes_spurious_recovery_and_raises_dupthresh),
		SCN(dsack_of_original_duplicate_does_not_undo),
		SCN(tail_loss_probe_before_rto),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
