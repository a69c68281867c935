/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 6937 proportional rate reduction in SACK recovery (tcp_sack.c
 * tcp_prr_ack), as Linux tcp_cwnd_reduction: while pipe > ssthresh the
 * sender sends ssthresh / RecoverFS (CUBIC: 0.7) of what is delivered;
 * below ssthresh, PRR-SSRB: what is delivered, one segment more when
 * SND.UNA advances, never past ssthresh. RecoverFS is the cwnd before
 * the reduction (Linux prior_cwnd).
 */
#include "scn_sender.h"

/* init_cwnd segments queued and sent, plus @p more queued. */
static void
flight(uint32_t init_cwnd, int more)
{
	W->tconf.init_cwnd = init_cwnd;
	est_sack();
	scn_send((init_cwnd + (uint32_t)more) * M);
	send_segs(0, (int)init_cwnd);
	NONE();
}

/* The peer has 1 .. k + 1 above the hole at 0. */
static void
sack_1_to(int k)
{
	IN(A, .ack = sg(0), .tsval = 1002, .nsack = 1,
	   .sack = { { sg(1), sg(k + 1) } });
}

/* Before recovery, each SACK lets one new segment go (RFC 6675: the
 * pipe, not the flight): 40 and 41. */
static void
lead_in(void)
{
	sack_1_to(1);
	OUT(A, .seq = sg(40), .len = M);
	sack_1_to(2);
	OUT(A, .seq = sg(41), .len = M);
	NONE();
}

static void
proportional_while_pipe_above_ssthresh(void **state)
{
	/* new segments sent by the ACKs that deliver the 2nd..10th segment:
	 * sent(k) = CEIL(k M 0.7) / M whole segments, minus what went */
	static const int burst[] = { 0, 1, 0, 1, 1, 0, 1, 1, 1 };
	struct pn_tcp_info i;
	int k, next = 42;

	(void)state;
	/* cwnd 40 x 1460 = 58400, ssthresh 40880; 0 lost */
	flight(40, 40);
	lead_in();
	/* IsLost(0): recovery; pipe 39 M > ssthresh: the fast retransmit
	 * only (CEIL(M 0.7) < 2 M) */
	sack_1_to(3);
	OUT(A, .seq = sg(0), .len = M);
	NONE();
	for (k = 0; k < 9; k++) {
		sack_1_to(4 + k);
		if (burst[k])
			OUT(A, .seq = sg(next++), .len = M);
		NONE();
	}
	/* 10 delivered, 7 sent: 0.7, CUBIC's beta */
	assert_int_equal(next - 42 + 1, 7);
	for (k = 9; k < 19; k++) {
		sack_1_to(4 + k);
		while (scn_pending() > 0)
			OUT(A, .seq = sg(next++), .len = M);
	}
	/* 20 delivered, 14 sent; pipe (39 - 19 + 13 = 33 M) still above */
	assert_int_equal(next - 42 + 1, 14);
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.snd_ssthresh, 40880);
	assert_int_equal(i.ca_state, 3); /* Recovery */
	assert_int_equal(scn_stat("TCPSackRecovery"), 1);
	assert_int_equal(scn_stat("RetransSegs"), 1);
}

static void
ssrb_sends_what_is_delivered_below_ssthresh(void **state)
{
	int k;

	(void)state;
	/* cwnd 20 x 1460, ssthresh 20440; 0..9 lost, 10..19 arrive */
	flight(20, 20);
	IN(A, .ack = sg(0), .tsval = 1002, .nsack = 1,
	   .sack = { { sg(10), sg(11) } });
	OUT(A, .seq = sg(20), .len = M);
	IN(A, .ack = sg(0), .tsval = 1002, .nsack = 1,
	   .sack = { { sg(10), sg(12) } });
	OUT(A, .seq = sg(21), .len = M);
	NONE();
	/* IsLost(0): pipe 10 M (0 again, 13..21) < ssthresh: PRR-SSRB,
	 * MAX(prr_delivered - prr_out, DeliveredData) = 1 M: the next lost
	 * hole beside the fast retransmit */
	IN(A, .ack = sg(0), .tsval = 1002, .nsack = 1,
	   .sack = { { sg(10), sg(13) } });
	OUT(A, .seq = sg(0), .len = M);
	OUT(A, .seq = sg(1), .len = M);
	NONE();
	/* one segment delivered, one sent: the pipe stays where it is,
	 * far below ssthresh (no slow start without SND.UNA moving) */
	for (k = 0; k < 4; k++) {
		IN(A, .ack = sg(0), .tsval = 1002, .nsack = 1,
		   .sack = { { sg(10), sg(14 + k) } });
		OUT(A, .seq = sg(2 + k), .len = M);
		NONE();
	}
	/* SND.UNA advances (0 arrived): delivered + 1 segment */
	IN(A, .ack = sg(1), .tsval = 1003, .nsack = 1,
	   .sack = { { sg(10), sg(17) } });
	OUT(A, .seq = sg(6), .len = M);
	OUT(A, .seq = sg(7), .len = M);
	NONE();
	/* ... again, now with the last two holes and new data */
	IN(A, .ack = sg(2), .tsval = 1003, .nsack = 1,
	   .sack = { { sg(10), sg(18) } });
	OUT(A, .seq = sg(8), .len = M);
	OUT(A, .seq = sg(9), .len = M);
	OUT(A, .seq = sg(22), .len = M);
	NONE();
	assert_int_equal(scn_stat("RetransSegs"), 10);
}

static void
ssrb_never_past_ssthresh(void **state)
{
	struct pn_tcp_info i;

	(void)state;
	/* cwnd 10 x 1460, ssthresh 10220; 0 lost, 1..9 SACKed at once:
	 * 9 M delivered, but pipe may only grow to ssthresh: the fast
	 * retransmit and 6 new segments (7 M = 10136 <= 10220) */
	flight(10, 20);
	IN(A, .ack = sg(0), .tsval = 1002, .nsack = 1,
	   .sack = { { sg(1), sg(10) } });
	OUT(A, .seq = sg(0), .len = M);
	send_segs(10, 16);
	NONE();
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.snd_cwnd, 10220 / 1460);
	/* the full ACK ends recovery with cwnd = ssthresh */
	IN(A, .ack = sg(10), .tsval = 1003);
	send_segs(16, 17);
	NONE();
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.ca_state, 0);
	assert_int_equal(i.snd_cwnd, 10220 / 1460);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(proportional_while_pipe_above_ssthresh),
		SCN(ssrb_sends_what_is_delivered_below_ssthresh),
		SCN(ssrb_never_past_ssthresh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
