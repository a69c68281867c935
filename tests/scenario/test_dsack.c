/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * D-SACK blocks we send (RFC 2883 4), as Linux tcp_dsack_set: a
 * duplicate is reported once, as the first SACK block of an immediate
 * ACK, followed by the block holding it and the other SACK blocks.
 */
#include "scn.h"

static void
est_sack(void)
{
	scn_start();
	scn_passive(1000, 1);
}

/* In-order data from the peer, ACKed at once (quick-ACK mode). */
static void
in_order(uint32_t seq, uint32_t len)
{
	IN(PA, .seq = seq, .len = len, .tsval = 1002);
	OUT(A, .ack = seq + len, .nsack = 0);
}

/* Rule 1: a segment wholly below RCV.NXT (a spurious retransmission). */
static void
full_duplicate_reported(void **state)
{
	(void)state;
	est_sack();
	in_order(1001, 100);
	IN(PA, .seq = 1001, .len = 100, .tsval = 1003);
	OUT(A, .ack = 1101, .nsack = 1, .sack = { { 1001, 1101 } });
	NONE();
}

/* Rule 1 with part of the segment new: only the old part is reported. */
static void
partial_duplicate_reported(void **state)
{
	(void)state;
	est_sack();
	in_order(1001, 100);
	IN(PA, .seq = 1051, .len = 100, .tsval = 1003);
	OUT(A, .ack = 1151, .nsack = 1, .sack = { { 1051, 1101 } });
	assert_int_equal(scn_recv(1000), 150);
}

/* Reported once: the next ACK has no D-SACK. */
static void
dsack_not_repeated(void **state)
{
	(void)state;
	est_sack();
	in_order(1001, 100);
	IN(PA, .seq = 1001, .len = 100, .tsval = 1003);
	OUT(A, .ack = 1101, .nsack = 1, .sack = { { 1001, 1101 } });
	in_order(1101, 100);
	NONE();
}

/* Established, [1101, 1201) held out of order. */
static void
est_ooo_block(void)
{
	est_sack();
	IN(PA, .seq = 1101, .len = 100, .tsval = 1002);
	OUT(A, .ack = 1001, .nsack = 1, .sack = { { 1101, 1201 } });
}

/* A duplicate that also fails PAWS gets the D-SACK too (Linux
 * tcp_validate_incoming -> tcp_send_dupack). */
static void
paws_duplicate_reported(void **state)
{
	(void)state;
	est_sack();
	IN(PA, .seq = 1001, .len = 100, .tsval = 1005);
	OUT(A, .ack = 1101, .tsecr = 1005, .nsack = 0);
	IN(PA, .seq = 1001, .len = 100, .tsval = 900);
	OUT(A, .ack = 1101, .tsecr = 1005, .nsack = 1,
	    .sack = { { 1001, 1101 } });
	assert_int_equal(scn_stat("PAWSEstab"), 1);
	assert_int_equal(scn_stat("TCPDSACKOldSent"), 1);
	assert_int_equal(scn_stat("TCPDSACKOfoSent"), 0);
}

/* A retransmitted FIN in CLOSE-WAIT is a duplicate of one sequence
 * number (Linux tcp_data_queue). */
static void
fin_duplicate_reported(void **state)
{
	(void)state;
	est_sack();
	IN(FA, .seq = 1001, .tsval = 1002);
	OUT(A, .ack = 1002, .nsack = 0);
	assert_int_equal(scn_state(), PN_TCP_CLOSE_WAIT);
	IN(FA, .seq = 1001, .tsval = 1003);
	OUT(A, .ack = 1002, .nsack = 1, .sack = { { 1001, 1002 } });
	NONE();
}

/* Rules 2-3: a duplicate of held out-of-order data: the D-SACK, then the
 * block holding it, then the others. */
static void
duplicate_of_ooo_block(void **state)
{
	(void)state;
	est_ooo_block();
	IN(PA, .seq = 1301, .len = 100, .tsval = 1002);
	OUT(A, .ack = 1001, .nsack = 2,
	    .sack = { { 1301, 1401 }, { 1101, 1201 } });
	IN(PA, .seq = 1101, .len = 100, .tsval = 1003);
	OUT(A, .ack = 1001, .nsack = 3,
	    .sack = { { 1101, 1201 }, { 1101, 1201 }, { 1301, 1401 } });
	IN(PA, .seq = 1501, .len = 100, .tsval = 1003);
	OUT(A, .ack = 1001, .nsack = 3,
	    .sack = { { 1501, 1601 }, { 1301, 1401 }, { 1101, 1201 } });
	NONE();
	assert_int_equal(scn_stat("TCPDSACKOfoSent"), 1);
	assert_int_equal(scn_stat("TCPDSACKOldSent"), 0);
}

/* Part of the arrival overlaps a held block: the overlap is the D-SACK,
 * the merged block follows. */
static void
partial_duplicate_of_ooo_block(void **state)
{
	(void)state;
	est_ooo_block();
	IN(PA, .seq = 1151, .len = 100, .tsval = 1003);
	OUT(A, .ack = 1001, .nsack = 2,
	    .sack = { { 1151, 1201 }, { 1101, 1251 } });
}

/* In-order data that also covers held data (Linux tcp_ofo_queue). */
static void
in_order_overlapping_ooo_block(void **state)
{
	(void)state;
	est_ooo_block();
	IN(PA, .seq = 1001, .len = 150, .tsval = 1003);
	OUT(A, .ack = 1201, .nsack = 1, .sack = { { 1101, 1151 } });
	assert_int_equal(scn_recv(1000), 200);
}

/* With timestamps 3 blocks fit (RFC 2018 3): the D-SACK takes one. */
static void
dsack_within_option_space(void **state)
{
	int i;

	(void)state;
	est_sack();
	for (i = 0; i < 3; i++) {
		IN(PA, .seq = 1101 + 200 * i, .len = 100, .tsval = 1002);
		scn_flush();
	}
	IN(PA, .seq = 1101, .len = 100, .tsval = 1003);
	OUT(A, .ack = 1001, .nsack = 3,
	    .sack = { { 1101, 1201 }, { 1101, 1201 }, { 1501, 1601 } });
}

/* Without timestamps 4 blocks fit. */
static void
dsack_four_blocks_without_ts(void **state)
{
	int i;

	(void)state;
	W->tconf.timestamps = false;
	est_sack();
	for (i = 0; i < 4; i++) {
		IN(PA, .seq = 1101 + 200 * i, .len = 100);
		scn_flush();
	}
	IN(PA, .seq = 1101, .len = 100);
	OUT(A, .ack = 1001, .nsack = 4,
	    .sack = { { 1101, 1201 }, { 1101, 1201 }, { 1701, 1801 },
		      { 1501, 1601 } });
}

/* Data that carries the D-SACK shrinks by the option's 12 bytes (Linux
 * tcp_current_mss counts it), or it would outgrow the MTU. */
static void
data_with_dsack_fits_the_mss(void **state)
{
	const uint32_t M = 1460 - 12;
	int i;

	(void)state;
	est_sack();
	in_order(1001, 100);
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
	assert_int_equal(scn_send(12 * M), 12 * M);
	for (i = 0; i < 10; i++)
		OUT(A, .len = M, .nsack = 0);
	NONE(); /* the initial window is full */
	/* a partly spurious retransmission that also ACKs one segment */
	IN(PA, .seq = 1051, .len = 100, .ack = ISN + 1 + M, .tsval = 1003);
	OUT(A, .seq = ISN + 1 + 10 * M, .ack = 1151, .len = M - 12,
	    .nsack = 1, .sack = { { 1051, 1101 } });
	/* sized in the same burst, as Linux tcp_write_xmit's mss_now; the
	 * D-SACK went once */
	OUT(A, .seq = ISN + 1 + 11 * M - 12, .len = M - 12, .nsack = 0);
}

/* No SACK-permitted: a duplicate gets a plain duplicate ACK. */
static void
no_dsack_without_sack(void **state)
{
	(void)state;
	scn_start();
	scn_passive(1000, 0);
	IN(PA, .seq = 1001, .len = 100);
	OUT(A, .ack = 1101, .nsack = 0);
	IN(PA, .seq = 1001, .len = 100);
	OUT(A, .ack = 1101, .nsack = 0);
	NONE();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(full_duplicate_reported),
		SCN(partial_duplicate_reported),
		SCN(dsack_not_repeated),
		SCN(paws_duplicate_reported),
		SCN(fin_duplicate_reported),
		SCN(duplicate_of_ooo_block),
		SCN(partial_duplicate_of_ooo_block),
		SCN(in_order_overlapping_ooo_block),
		SCN(dsack_within_option_space),
		SCN(dsack_four_blocks_without_ts),
		SCN(data_with_dsack_fits_the_mss),
		SCN(no_dsack_without_sack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
