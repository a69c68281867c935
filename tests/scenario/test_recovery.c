/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loss recovery of the sender: RFC 6675 SACK recovery (scoreboard, pipe,
 * NextSeg), lost retransmissions, D-SACK, go-back-N after an RTO that
 * skips SACKed data, the reordering window, tail loss probes, re-entry
 * at RecoveryPoint.
 */
#include "scn_sender.h"
#include "tcp_priv.h"

/* @p queued segments queued, the first 10 (the initial window) sent. */
static void
ten_in_flight(int queued)
{
	est_sack();
	scn_send((uint32_t)queued * M);
	send_segs(0, 10);
	NONE();
}

/* Segment @p k goes exactly @p ms from now, nothing before it. */
static void
seg_after_ms(uint64_t ms, int k)
{
	ADVANCE_MS(ms - 1);
	NONE();
	ADVANCE_MS(1);
	OUT(A, .seq = sg(k), .len = M);
}

/* ten_in_flight(@p queued) and no ACK: the loss probe, the last segment
 * sent again a PTO later (2 SRTT + 2 ms, SRTT ~0: 3 ms). */
static void
ten_then_probe(int queued)
{
	ten_in_flight(queued);
	seg_after_ms(3, 9);
	NONE();
	assert_int_equal(scn_stat("TCPLossProbes"), 1);
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
	 * were lost again; no RTO needed to send them a third time. PRR-SSRB
	 * (pipe 2 M < ssthresh 10220): prr_delivered 11 M - prr_out 7 M =
	 * 4 M may go, 2 of them new data */
	IN(A, .ack = sg(0), .tsval = 1003, .nsack = 2,
	   .sack = { { sg(6), sg(13) }, { sg(1), sg(5) } });
	OUT(A, .seq = sg(0), .len = M);
	OUT(A, .seq = sg(5), .len = M);
	send_segs(15, 17);
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
	/* NextSeg rule 3, a hole below the SACKed data: PRR counts the
	 * timer as one segment delivered (Linux tcp_rack_reo_timeout), so
	 * one segment beside the fast retransmit */
	OUT(A, .seq = sg(1), .len = M);
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
	scn_flush(); /* recovery: 0, 1 again */
	/* nothing back for a PTO: one probe in recovery marks everything
	 * unSACKed lost. Linux sends none in recovery (only Open or CWR,
	 * tcp_schedule_loss_probe) but finds a lost retransmission by
	 * time (RACK, tcp_rack_detect_loss), which we do not have: this
	 * probe stands in for it (docs/rfc9293.md). */
	ADVANCE_MS(2);
	OUT(A, .seq = sg(0), .len = M);
	OUT(A, .seq = sg(1), .len = M);
	OUT(A, .seq = sg(2), .len = M);
	OUT(A, .seq = sg(5), .len = M);
	NONE();
	assert_int_equal(scn_stat("TCPLossProbes"), 1);
	/* all lost again: the RTO, go-back-N from SND.UNA */
	seg_after_ms(200, 0);
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
	assert_int_equal(scn_stat("RetransSegs"), 10);
	assert_int_equal(scn_stat("TCPLossProbes"), 1);
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
	/* DupThresh is 4 now: three SACKed segments are reordering; and
	 * reordering was seen: even four wait for the reordering window */
	scn_send(10 * M);
	send_segs(10, 20);
	IN(A, .ack = sg(10), .tsval = 1005, .nsack = 1,
	   .sack = { { sg(11), sg(14) } });
	NONE();
	IN(A, .ack = sg(10), .tsval = 1005, .nsack = 1,
	   .sack = { { sg(11), sg(15) } });
	NONE();
	scn_advance_ns(300 * PN_NS_PER_US);
	OUT(A, .seq = sg(10), .len = M);
	assert_int_equal(scn_stat("TCPSackRecovery"), 2);
	assert_int_equal(scn_stat("TCPReoTimeout"), 1);
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
	/* RFC 8985 7, Linux tcp_schedule_loss_probe: PTO = 2 SRTT + 2 ms,
	 * whole ms: 3 ms (SRTT ~0); nothing new to send, so the last
	 * segment goes again */
	seg_after_ms(3, 2);
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

/* Linux tcp_schedule_loss_probe: PTO = 2 SRTT + 2 ms with more than one
 * segment out, 2 SRTT + rto_min (the worst delayed ACK) with one, in
 * whole ms rounded up (usecs_to_jiffies, HZ 1000), never after the RTO. */
static void
loss_probe_timeout_is_linux_schedule(void **state)
{
	struct pn_tcp_info i;
	uint64_t pto_ms;

	(void)state;
	/* an RTT sample of 2 ms on the first segment (before the 3 ms PTO
	 * of SRTT ~0): SRTT 250 us */
	est_sack();
	scn_send(4 * M);
	send_segs(0, 4);
	ADVANCE_MS(2);
	IN(A, .ack = sg(1), .tsval = 1002);
	NONE();
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.rtt_us, 250);
	/* 2 x 250 us + 2 ms, rounded up: 3 ms after that ACK re-armed the
	 * timer (it was 2 ms: max(2 SRTT, 2 ms)) */
	pto_ms = (2ull * i.rtt_us + 2000 + 999) / 1000;
	assert_int_equal(pto_ms, 3);
	seg_after_ms(pto_ms, 3);
	NONE();
	assert_int_equal(scn_stat("TCPLossProbes"), 1);
}

/* One segment out: 2 SRTT + 200 ms passes the RTO (200 ms). Linux
 * tcp_schedule_loss_probe caps the PTO at the RTO (tcp_rto_delta_us) and
 * probes in its place: no cwnd reduction, no backoff; the RTO 200 ms
 * after the probe (tcp_rearm_rto from tcp_send_loss_probe). */
static void
loss_probe_timeout_one_segment_capped_at_the_rto(void **state)
{
	(void)state;
	est_sack();
	scn_send(M);
	send_segs(0, 1);
	seg_after_ms(200, 0);
	assert_int_equal(scn_stat("TCPLossProbes"), 1);
	assert_int_equal(scn_stat("TCPTimeouts"), 0);
	assert_int_equal(W->c->cwnd, 10u * 1460u);
	seg_after_ms(200, 0);
	assert_int_equal(scn_stat("TCPLossProbes"), 1);
	assert_int_equal(scn_stat("TCPTimeouts"), 1);
}

/* Linux tcp_write_xmit sending with the probe pending:
 * tcp_event_new_data_sent (tcp_rearm_rto: the RTO where the head's send
 * put it) and tcp_schedule_loss_probe(sk, false): the PTO from now,
 * capped at what is left of that RTO. SRTT 80 ms: PTO 162 ms, RTO
 * 200 ms. Two segments at 0, a third at 100: the PTO (262) would pass
 * the RTO (200), so the probe goes at 200, in the RTO's place; before,
 * the send pushed both on and the probe went at 262. */
static void
loss_probe_after_a_send_capped_at_the_head_rto(void **state)
{
	(void)state;
	est_sack();
	W->c->srtt_us = 80000;
	W->c->rttvar_us = 10000;
	scn_send(2 * M);
	send_segs(0, 2);
	ADVANCE_MS(100);
	scn_send(M);
	send_segs(2, 3);
	NONE();
	seg_after_ms(100, 2);
	assert_int_equal(scn_stat("TCPLossProbes"), 1);
	assert_int_equal(scn_stat("TCPTimeouts"), 0);
	/* the RTO from the probe on */
	seg_after_ms(200, 0);
	assert_int_equal(scn_stat("TCPTimeouts"), 1);
}

static void
loss_probe_is_the_last_segment_not_new_data(void **state)
{
	(void)state;
	/* cwnd-limited: 5 more queued. The probe is the last segment sent:
	 * a Linux receiver ACKs a duplicate at once, one new segment only
	 * after its delayed-ACK time (40 ms) */
	ten_then_probe(15);
	/* the ACK covers everything: new data, no recovery */
	IN(A, .ack = sg(10), .tsval = 1002, .nsack = 1,
	   .sack = { { sg(9), sg(10) } });
	send_segs(10, 15);
	NONE();
	/* the D-SACK says both arrived: the episode ends with no loss
	 * (Linux tcp_process_tlp_ack), no reduction on the next ACK */
	IN(A, .ack = sg(15), .tsval = 1003);
	NONE();
	assert_int_equal(scn_stat("TCPSackRecovery"), 0);
	assert_int_equal(scn_stat("TCPTimeouts"), 0);
	assert_int_equal(scn_stat("TCPLossProbeRecovery"), 0);
}

/* Linux tcp_send_loss_probe: one probe, then tcp_rearm_rto: the RTO
 * from the probe on, not a second probe a PTO later. */
static void
unanswered_probe_then_the_rto(void **state)
{
	(void)state;
	ten_then_probe(10);
	/* the probe (or its ACK) was lost: 200 ms (rto_min) of silence */
	seg_after_ms(200, 0);
	assert_int_equal(scn_stat("TCPTimeouts"), 1);
	assert_int_equal(scn_stat("TCPLossProbes"), 1);
}

/* Linux tcp_send_loss_probe "at most one outstanding TLP": an ACK below
 * tp->tlp_high_seq (the probe's end) leaves the episode open, so no
 * second probe; the RTO, 200 ms after that ACK. */
static void
no_second_probe_until_the_first_is_acked(void **state)
{
	(void)state;
	ten_then_probe(10);
	IN(A, .ack = sg(5), .tsval = 1002);
	NONE();
	seg_after_ms(200, 5);
	assert_int_equal(scn_stat("TCPLossProbes"), 1);
	assert_int_equal(scn_stat("TCPTimeouts"), 1);
}

/* Linux tcp_process_tlp_ack: an ACK past the probe's end with no D-SACK
 * of it means the probe repaired a loss: cwnd is reduced once (CWR,
 * cwnd = ssthresh = 0.7 cwnd, CUBIC), no recovery. */
static void
probe_that_repaired_a_loss_reduces_cwnd(void **state)
{
	struct pn_tcp_info i;

	(void)state;
	ten_then_probe(15);
	/* 9 had been lost, the probe got through: ACK of all of it, no
	 * D-SACK; the episode waits for what comes after the probe */
	IN(A, .ack = sg(10), .tsval = 1002);
	send_segs(10, 15);
	NONE();
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.snd_cwnd, 12); /* slow start, 2 SMSS an ACK */
	assert_int_equal(scn_stat("TCPLossProbeRecovery"), 0);
	IN(A, .ack = sg(15), .tsval = 1003);
	NONE();
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.snd_ssthresh, 12 * 1460 * 7 / 10);
	assert_int_equal(i.snd_cwnd, 12 * 1460 * 7 / 10 / 1460);
	assert_int_equal(i.ca_state, 0);
	assert_int_equal(scn_stat("TCPLossProbeRecovery"), 1);
	assert_int_equal(scn_stat("TCPSackRecovery"), 0);
}

/* After an RTO Linux is in the Loss state until the flight of then is
 * ACKed: no loss probe for the go-back-N retransmissions, the RTO. */
static void
no_probe_after_rto_until_its_flight_is_acked(void **state)
{
	(void)state;
	est_sack();
	scn_send(3 * M);
	send_segs(0, 3);
	ADVANCE_MS(3);
	OUT(A, .seq = sg(2), .len = M); /* the probe */
	ADVANCE_MS(200);
	OUT(A, .seq = sg(0), .len = M); /* the RTO */
	NONE();
	/* 0 arrived: go-back-N sends 1 and 2 (cwnd 2) */
	IN(A, .ack = sg(1), .tsval = 1002);
	send_segs(1, 3);
	NONE();
	seg_after_ms(200, 1);
	assert_int_equal(scn_stat("TCPLossProbes"), 1);
	assert_int_equal(scn_stat("TCPTimeouts"), 2);
}

static void
loss_probe_covers_the_fin(void **state)
{
	(void)state;
	est_sack();
	scn_send(3 * M);
	send_segs(0, 3);
	assert_int_equal(pn_tcp_shutdown(W->c, SHUT_WR), 0);
	OUT(FA, .seq = sg(3), .len = 0);
	NONE();
	/* the ACK of the tail is lost: probe with the last segment and the
	 * FIN, not the RTO */
	ADVANCE_MS(3);
	OUT(FA, .seq = sg(2), .len = M);
	NONE();
	IN(A, .ack = sg(3) + 1, .tsval = 1002);
	NONE();
	assert_int_equal(scn_state(), PN_TCP_FIN_WAIT_2);
	assert_int_equal(scn_stat("TCPLossProbes"), 1);
	assert_int_equal(scn_stat("TCPTimeouts"), 0);
}

/* 20 queued, 10 sent; 0 arrives after 1: reordering seen (Linux
 * tp->reord_seen); then 2 is missing with 3..6 SACKed above it. */
static void
reordering_seen_then_hole_at_2(void)
{
	ten_in_flight(20);
	IN(A, .ack = sg(0), .tsval = 1002, .nsack = 1,
	   .sack = { { sg(1), sg(2) } });
	OUT(A, .seq = sg(10), .len = M); /* the SACK freed the pipe */
	IN(A, .ack = sg(2), .tsval = 1002);
	assert_int_equal(scn_flush(), 3); /* slow start: 11..13 */
	/* four SACKed above 2: IsLost(2), and yet no fast retransmit: the
	 * reordering window first (RFC 8985 6.2); new data still flows */
	IN(A, .ack = sg(2), .tsval = 1003, .nsack = 1,
	   .sack = { { sg(3), sg(7) } });
	send_segs(14, 18);
	NONE();
	assert_int_equal(scn_stat("RetransSegs"), 0);
}

static void
reordering_seen_late_segment_is_no_loss(void **state)
{
	struct pn_tcp_info before, after;

	(void)state;
	reordering_seen_then_hole_at_2();
	pn_tcp_info(W->c, &before);
	/* 2 only came late: no recovery, no reduction of cwnd */
	IN(A, .ack = sg(7), .tsval = 1003);
	scn_flush();
	scn_advance_ns(500 * PN_NS_PER_US);
	NONE();
	pn_tcp_info(W->c, &after);
	assert_true(after.snd_cwnd >= before.snd_cwnd);
	assert_int_equal(scn_stat("TCPSackRecovery"), 0);
	assert_int_equal(scn_stat("RetransSegs"), 0);
}

static void
reordering_window_expires_into_recovery(void **state)
{
	(void)state;
	reordering_seen_then_hole_at_2();
	/* the window passes (RTT ~0 + 250 us, 100 us ticks): 2 is lost.
	 * New data went out after the timer was armed: it stays the
	 * reordering timer, not a 2 ms PTO */
	scn_advance_ns(300 * PN_NS_PER_US);
	OUT(A, .seq = sg(2), .len = M);
	assert_int_equal(scn_stat("TCPReoTimeout"), 1);
	assert_int_equal(scn_stat("TCPSackRecovery"), 1);
	assert_int_equal(scn_stat("TCPLossProbes"), 0);
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
		SCN(loss_probe_timeout_is_linux_schedule),
		SCN(loss_probe_timeout_one_segment_capped_at_the_rto),
		SCN(loss_probe_after_a_send_capped_at_the_head_rto),
		SCN(loss_probe_is_the_last_segment_not_new_data),
		SCN(unanswered_probe_then_the_rto),
		SCN(no_second_probe_until_the_first_is_acked),
		SCN(probe_that_repaired_a_loss_reduces_cwnd),
		SCN(no_probe_after_rto_until_its_flight_is_acked),
		SCN(loss_probe_covers_the_fin),
		SCN(reordering_seen_late_segment_is_no_loss),
		SCN(reordering_window_expires_into_recovery),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
