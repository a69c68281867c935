/* SPDX-License-Identifier: BSD-3-Clause */
/* SACK (RFC 2018) blocks we send, and SACK-driven recovery (RFC 6675). */
#include "scn.h"

static void
est_sack(void)
{
	scn_start();
	scn_passive(1000, 1);
}

static void
ooo_segment_sacked(void **state)
{
	(void)state;
	est_sack();
	IN(PA, .seq = 1101, .len = 100, .tsval = 1002);
	OUT(A, .ack = 1001, .nsack = 1, .sack = { { 1101, 1201 } });
}

static void
most_recent_block_first(void **state)
{
	(void)state;
	est_sack();
	IN(PA, .seq = 1101, .len = 100, .tsval = 1002);
	OUT(A, .nsack = 1, .sack = { { 1101, 1201 } });
	IN(PA, .seq = 1301, .len = 100, .tsval = 1002);
	OUT(A, .ack = 1001, .nsack = 2,
	    .sack = { { 1301, 1401 }, { 1101, 1201 } });
	IN(PA, .seq = 1101, .len = 10, .tsval = 1002); /* dup of block 2 */
	/* RFC 2883 4: the D-SACK first, then the block holding it */
	OUT(A, .nsack = 3,
	    .sack = { { 1101, 1111 }, { 1101, 1201 }, { 1301, 1401 } });
}

static void
adjacent_blocks_merge(void **state)
{
	(void)state;
	est_sack();
	IN(PA, .seq = 1101, .len = 100, .tsval = 1002);
	OUT(A);
	IN(PA, .seq = 1201, .len = 100, .tsval = 1002);
	OUT(A, .nsack = 1, .sack = { { 1101, 1301 } });
}

static void
hole_filled_no_sack(void **state)
{
	(void)state;
	est_sack();
	IN(PA, .seq = 1101, .len = 100, .tsval = 1002);
	OUT(A);
	IN(PA, .seq = 1001, .len = 100, .tsval = 1002);
	OUT(A, .ack = 1201, .nsack = 0);
}

static void
partial_fill_keeps_upper_block(void **state)
{
	(void)state;
	est_sack();
	IN(PA, .seq = 1201, .len = 100, .tsval = 1002);
	OUT(A);
	IN(PA, .seq = 1001, .len = 100, .tsval = 1002);
	OUT(A, .ack = 1101, .nsack = 1, .sack = { { 1201, 1301 } });
}

/* Data sent while out-of-order data is held carries the SACK option too:
 * its payload shrinks by the option's 4 + 8n bytes (Linux
 * tcp_current_mss), or the segment would outgrow the MTU. */
static void
data_with_sack_blocks_fits_the_mss(void **state)
{
	(void)state;
	est_sack();
	IN(PA, .seq = 1101, .len = 100, .tsval = 1002);
	OUT(A, .ack = 1001, .nsack = 1, .sack = { { 1101, 1201 } });
	assert_int_equal(scn_send(2 * 1436), 2 * 1436);
	OUT(A, .len = 1460 - 12 - 12, .nsack = 1, .sack = { { 1101, 1201 } });
	OUT(PA, .len = 1460 - 12 - 12, .nsack = 1, .sack = { { 1101, 1201 } });
}

static void
no_sack_without_permission(void **state)
{
	(void)state;
	scn_start();
	scn_passive(1000, 0);
	IN(PA, .seq = 1101, .len = 100);
	OUT(A, .ack = 1001, .nsack = 0);
}

static void
ooo_queue_bounded(void **state)
{
	int i;

	(void)state;
	W->tconf.ooo_max_segs = 2;
	est_sack();
	for (i = 0; i < 3; i++) {
		IN(PA, .seq = 1101 + 200 * i, .len = 100, .tsval = 1002);
		scn_flush();
	}
	assert_int_equal(scn_drops(PN_DROP_TCP_OFO_FULL), 1);
	assert_int_equal(scn_stat("TCPOFODrop"), 1);
}

static void
sack_triggers_early_recovery(void **state)
{
	int i;

	(void)state;
	est_sack();
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
	scn_send(6 * 1448);
	for (i = 0; i < 6; i++)
		OUT(A, .len = 1448);
	/* first segment lost; the others SACKed: more than 3 segments */
	IN(A, .ack = ISN + 1, .tsval = 1002, .nsack = 1,
	   .sack = { { ISN + 1 + 1448, ISN + 1 + 5 * 1448 } });
	OUT(A, .seq = ISN + 1, .len = 1448);
	assert_int_equal(scn_stat("TCPSackRecovery"), 1);
}

static void
sack_recovery_fills_second_hole(void **state)
{
	const uint32_t M = 1448;
	int i;

	(void)state;
	est_sack();
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
	scn_send(8 * M);
	for (i = 0; i < 8; i++)
		OUT(A, .len = M);
	/* segments 0 and 2 lost */
	IN(A, .ack = ISN + 1, .tsval = 1002, .nsack = 2,
	   .sack = { { ISN + 1 + 3 * M, ISN + 1 + 8 * M },
		     { ISN + 1 + M, ISN + 1 + 2 * M } });
	OUT(A, .seq = ISN + 1, .len = M);
	IN(A, .ack = ISN + 1, .tsval = 1002, .nsack = 2,
	   .sack = { { ISN + 1 + 3 * M, ISN + 1 + 8 * M },
		     { ISN + 1 + M, ISN + 1 + 2 * M } });
	OUT(A, .seq = ISN + 1 + 2 * M, .len = M);
	IN(A, .ack = ISN + 1, .tsval = 1002, .nsack = 2,
	   .sack = { { ISN + 1 + 3 * M, ISN + 1 + 8 * M },
		     { ISN + 1 + M, ISN + 1 + 2 * M } });
	NONE(); /* no hole left below the highest SACKed byte */
	IN(A, .ack = ISN + 1 + 8 * M, .tsval = 1003);
	assert_int_equal(scn_stat("TCPSackRecovery"), 1);
	assert_int_equal(scn_stat("RetransSegs"), 2);
}

static void
sack_partial_ack_retransmits_hole(void **state)
{
	const uint32_t M = 1448;
	int i;

	(void)state;
	est_sack();
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
	scn_send(8 * M);
	for (i = 0; i < 8; i++)
		OUT(A, .len = M);
	IN(A, .ack = ISN + 1, .tsval = 1002, .nsack = 2,
	   .sack = { { ISN + 1 + 5 * M, ISN + 1 + 8 * M },
		     { ISN + 1 + M, ISN + 1 + 3 * M } });
	OUT(A, .seq = ISN + 1, .len = M);
	/* partial ACK up to the first SACK block's end: next hole is 3 */
	IN(A, .ack = ISN + 1 + 3 * M, .tsval = 1003, .nsack = 1,
	   .sack = { { ISN + 1 + 5 * M, ISN + 1 + 8 * M } });
	OUT(A, .seq = ISN + 1 + 3 * M, .len = M);
}

static void
sacked_bytes_reported(void **state)
{
	struct pn_tcp_info i;
	int k;

	(void)state;
	est_sack();
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
	scn_send(3 * 1448);
	for (k = 0; k < 3; k++)
		OUT(A, .len = 1448);
	IN(A, .ack = ISN + 1, .tsval = 1002, .nsack = 1,
	   .sack = { { ISN + 1 + 1448, ISN + 1 + 2 * 1448 } });
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.sacked, 1448);
}

static void
bogus_sack_ignored(void **state)
{
	struct pn_tcp_info i;

	(void)state;
	est_sack();
	scn_send(100);
	OUT(PA, .len = 100);
	IN(A, .ack = ISN + 1, .tsval = 1002, .nsack = 1,
	   .sack = { { ISN + 1000, ISN + 2000 } });
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.sacked, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(ooo_segment_sacked),
		SCN(most_recent_block_first),
		SCN(adjacent_blocks_merge),
		SCN(hole_filled_no_sack),
		SCN(partial_fill_keeps_upper_block),
		SCN(data_with_sack_blocks_fits_the_mss),
		SCN(no_sack_without_permission),
		SCN(ooo_queue_bounded),
		SCN(sack_triggers_early_recovery),
		SCN(sack_recovery_fills_second_hole),
		SCN(sack_partial_ack_retransmits_hole),
		SCN(sacked_bytes_reported),
		SCN(bogus_sack_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
