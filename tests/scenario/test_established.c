/* SPDX-License-Identifier: BSD-3-Clause */
/* ESTABLISHED: data both ways, ACK policy, Nagle, IW (RFC 9293 3.8, 3.10.7.4). */
#include <sys/epoll.h>

#include "scn.h"

static void
est(void)
{
	scn_start();
	scn_passive(1000, 0);
}

static void
first_segments_quick_acked(void **state)
{
	(void)state;
	est();
	IN(PA, .len = 100);
	OUT(A, .ack = 1101, .win = 65535);
	IN(PA, .len = 100);
	OUT(A, .ack = 1201);
	assert_int_equal(pn_tcp_readable(W->c), 200);
	assert_true(pn_tcp_poll(W->c) & EPOLLIN);
	assert_int_equal(W->wake_c, 2);
}

static void
delayed_ack_after_quickacks(void **state)
{
	(void)state;
	est();
	IN(PA, .len = 100);
	OUT(A);
	IN(PA, .len = 100);
	OUT(A);
	IN(PA, .len = 100);
	NONE();
	ADVANCE_MS(39);
	NONE();
	ADVANCE_MS(1);
	OUT(A, .ack = 1301);
	assert_int_equal(scn_stat("TCPDelayedACKs"), 1);
}

/* Linux __tcp_ack_snd_check: more than one full segment received is ACKed
 * at once, after the quick-ACK phase too; GRO hands such merged segments. */
static void
gro_merged_segment_acked_at_once(void **state)
{
	(void)state;
	W->tconf.mss = 600;
	est();
	IN(PA, .len = 100);
	OUT(A);
	IN(PA, .len = 100);
	OUT(A);
	IN(PA, .len = 600); /* one full segment: delayed */
	NONE();
	ADVANCE_MS(40);
	OUT(A, .ack = 1801);
	IN(PA, .len = 1200, .lro = 600);
	OUT(A, .ack = 3001);
	NONE();
	assert_int_equal(scn_stat("InSegs"), 7); /* SYN, ACK, 4 + 1 merged */
}

/* Linux: the first request is ACKed at once (quick-ACK mode); answering
 * within the delayed-ACK time makes the exchange pingpong, and from then
 * on each request's ACK rides on its response: one segment out. */
static void
response_carries_the_ack(void **state)
{
	int i;

	(void)state;
	scn_start();
	scn_passive(1000, 1);
	IN(PA, .len = 120, .tsval = 1002);
	OUT(A, .ack = 1121);
	assert_int_equal(scn_recv(1000), 120);
	assert_int_equal(scn_send(600), 600);
	OUT(PA, .len = 600, .ack = 1121);
	for (i = 1; i < 6; i++) {
		IN(PA, .len = 120, .tsval = 1002 + (int64_t)i);
		NONE();
		assert_int_equal(scn_recv(1000), 120);
		NONE();
		assert_int_equal(scn_send(600), 600);
		OUT(PA, .len = 600, .ack = W->peer_nxt);
		NONE();
	}
	assert_int_equal(scn_stat("TCPDelayedACKs"), 0);
}

/* Linux 6.1 tcp_event_data_sent, for a retransmission too: our lost
 * response goes again (the RTO) 1 ms after a request arrived, within the
 * delayed-ACK time: pingpong, quick ACKs end; the next request waits for
 * the delayed ACK. */
static void
retransmission_makes_the_exchange_pingpong(void **state)
{
	(void)state;
	est();
	assert_int_equal(scn_send(500), 500);
	OUT(PA, .seq = ISN + 1, .len = 500);
	ADVANCE_MS(199);
	IN(PA, .len = 100, .ack = ISN + 1);
	OUT(A, .ack = 1101);
	ADVANCE_MS(1);
	OUT(PA, .seq = ISN + 1, .len = 500, .ack = 1101);
	IN(PA, .len = 100, .ack = ISN + 501);
	NONE();
	ADVANCE_MS(40);
	OUT(A, .ack = 1201);
	assert_int_equal(scn_stat("TCPDelayedACKs"), 1);
}

/* Small segments do not force an ACK (Linux: only more than one full
 * segment since the last ACK does); the delayed ACK covers them. */
static void
small_segments_share_a_delayed_ack(void **state)
{
	(void)state;
	est();
	IN(PA, .len = 100);
	OUT(A);
	IN(PA, .len = 100);
	OUT(A);
	IN(PA, .len = 100);
	IN(PA, .len = 100);
	IN(PA, .len = 100);
	NONE();
	ADVANCE_MS(40);
	OUT(A, .ack = 1501);
	NONE();
}

/* Linux tcp_sequence: a pure ACK the network reordered behind data that
 * came after it (its SEQ below RCV.NXT, but not below what our last ACK
 * acknowledged) is processed for its ACK and draws no duplicate ACK,
 * which the peer would count towards a spurious fast retransmit. */
static void
reordered_pure_ack_processed_silently(void **state)
{
	(void)state;
	est();
	IN(PA, .len = 100);
	OUT(A);
	IN(PA, .len = 100);
	OUT(A, .ack = 1201);
	IN(PA, .seq = 1201, .len = 100);	/* delayed-ACK time */
	IN(A, .seq = 1201);			/* sent before it, late */
	NONE();
	assert_int_equal(scn_drops(PN_DROP_TCP_OUT_OF_WINDOW), 0);
	ADVANCE_MS(40);
	OUT(A, .ack = 1301);
	/* Older than the last ACK we sent: not acceptable, ACKed (RFC 9293);
	 * entirely old (Linux tcp_sequence: TCP_OLD_SEQUENCE). */
	IN(A, .seq = 1201);
	OUT(A, .ack = 1301);
	assert_int_equal(scn_drops(PN_DROP_TCP_OLD_SEQUENCE), 1);
	assert_int_equal(scn_drops(PN_DROP_TCP_OUT_OF_WINDOW), 0);
}

static void
every_second_segment_acked(void **state)
{
	(void)state;
	est();
	IN(PA, .len = 100);
	IN(PA, .len = 100);
	scn_flush();
	IN(PA, .len = 1000);
	NONE();
	IN(PA, .len = 1000);
	OUT(A, .ack = 3201);
	NONE();
}

/* Linux tcp_rcv_established: the next in-order segment with ACK alone
 * and the window unchanged takes the fast path (TcpExt TCPHPHits counts
 * those with data). One that moves the window, or a duplicate ACK, goes
 * the general way: the new window is taken, the duplicate counted. */
static void
header_prediction_in_order_only(void **state)
{
	(void)state;
	est();
	IN(PA, .len = 100);
	OUT(A, .ack = 1101);
	assert_int_equal(scn_stat("TCPHPHits"), 1);
	IN(PA, .len = 100, .win = 150);
	OUT(A, .ack = 1201);
	assert_int_equal(scn_stat("TCPHPHits"), 1);
	assert_int_equal(pn_tcp_readable(W->c), 200);
	assert_int_equal(scn_send(300), 300);
	OUT(PA, .seq = ISN + 1, .len = 150);
	NONE();
	IN(A, .ack = ISN + 1, .win = 150);
	assert_int_equal(scn_stat("TCPDupAcks"), 1);
	NONE();
	IN(A, .win = 150);	/* all of it: a pure ACK on the fast path */
	OUT(PA, .seq = ISN + 151, .len = 150);
	assert_int_equal(scn_stat("TCPPureAcks"), 1);
	assert_int_equal(scn_stat("TCPHPHits"), 1);
	IN(PA, .len = 100, .win = 150);
	assert_int_equal(scn_stat("TCPHPHits"), 2);
	assert_int_equal(pn_tcp_readable(W->c), 300);
}

static void
out_of_order_acked_at_once(void **state)
{
	(void)state;
	est();
	IN(PA, .seq = 1101, .len = 100);
	OUT(A, .ack = 1001);
	IN(PA, .seq = 1001, .len = 100);
	OUT(A, .ack = 1201);
	assert_int_equal(pn_tcp_readable(W->c), 200);
	assert_int_equal(scn_stat("TCPOFOQueue"), 1);
}

static void
ooo_segments_merge_and_fill(void **state)
{
	(void)state;
	est();
	IN(PA, .seq = 1301, .len = 100);
	OUT(A, .ack = 1001);
	IN(PA, .seq = 1101, .len = 100);
	OUT(A, .ack = 1001);
	IN(PA, .seq = 1201, .len = 100);
	OUT(A, .ack = 1001);
	IN(PA, .seq = 1001, .len = 100);
	OUT(A, .ack = 1401);
	assert_int_equal(scn_recv(1000), 400);
}

/*
 * A hole with 120 segments behind it, arriving so that every kind of
 * join happens: the first half in order (each joins the range before
 * it), the second half in reverse (each joins the range after it), the
 * middle one joining both, a duplicate inside. When the hole fills,
 * every byte comes out, in order (the payload encodes its sequence
 * number). @p fill: the filling segment's length; past 100 it overlaps
 * the held range, which is then cut.
 */
static void
ooo_long_hole(uint32_t fill)
{
	enum { SEG = 100, N = 120, FIRST = 1101 };
	static uint8_t buf[SEG * (N + 1)];
	struct iovec iov = { buf, sizeof(buf) };
	const uint32_t end = FIRST + N * SEG;
	uint32_t i;

	est();
	for (i = 0; i < N / 2; i++)
		IN(PA, .seq = FIRST + i * SEG, .len = SEG);
	for (i = N; i-- > N / 2; )
		IN(PA, .seq = FIRST + i * SEG, .len = SEG);
	IN(PA, .seq = FIRST + 10 * SEG + 50, .len = SEG);
	assert_int_equal(scn_stat("TCPOFOQueue"), N);
	assert_int_equal(scn_stat("TCPOFOMerge"), N - 1);
	assert_int_equal(pn_tcp_readable(W->c), 0);
	scn_flush();
	IN(PA, .seq = 1001, .len = fill);
	OUT(A, .ack = end);
	assert_int_equal(pn_tcp_readable(W->c), end - 1001);
	assert_int_equal(pn_tcp_recv(W->c, &iov, 1, 0), end - 1001);
	for (i = 0; i < end - 1001; i++)
		if (buf[i] != (uint8_t)(1001 + i))
			fail_msg("byte %u (seq %u): %u", i, 1001 + i, buf[i]);
}

static void
ooo_long_hole_filled_exactly(void **state)
{
	(void)state;
	ooo_long_hole(100);
}

static void
ooo_long_hole_filled_over_held_data(void **state)
{
	(void)state;
	ooo_long_hole(150);
}

static void
ooo_overlapping_segments_trimmed(void **state)
{
	(void)state;
	est();
	IN(PA, .seq = 1101, .len = 100);
	OUT(A, .ack = 1001);
	IN(PA, .seq = 1151, .len = 100);
	OUT(A, .ack = 1001);
	IN(PA, .seq = 1001, .len = 120);
	OUT(A, .ack = 1251);
	assert_int_equal(pn_tcp_readable(W->c), 250);
}

/* Data wholly past the right edge: ACKed and dropped as out of window
 * (Linux tcp_sequence: after(seq, rcv_nxt + window), not old). */
static void
data_past_window_out_of_window(void **state)
{
	(void)state;
	est();
	IN(PA, .seq = 1001 + (1u << 24), .len = 100);
	OUT(A, .ack = 1001);
	assert_int_equal(pn_tcp_readable(W->c), 0);
	assert_int_equal(scn_drops(PN_DROP_TCP_OUT_OF_WINDOW), 1);
	assert_int_equal(scn_drops(PN_DROP_TCP_OLD_SEQUENCE), 0);
}

static void
old_duplicate_data_acked(void **state)
{
	(void)state;
	est();
	IN(PA, .len = 100);
	OUT(A, .ack = 1101);
	IN(PA, .seq = 1001, .len = 100);
	OUT(A, .ack = 1101);
	assert_int_equal(pn_tcp_readable(W->c), 100);
	/* Linux tcp_sequence / tcp_data_queue: old data, not out of window */
	assert_int_equal(scn_drops(PN_DROP_TCP_OLD_SEQUENCE), 1);
	assert_int_equal(scn_drops(PN_DROP_TCP_OUT_OF_WINDOW), 0);
}

static void
partial_overlap_trimmed(void **state)
{
	(void)state;
	est();
	IN(PA, .len = 100);
	OUT(A, .ack = 1101);
	IN(PA, .seq = 1051, .len = 100);
	OUT(A, .ack = 1151);
	assert_int_equal(pn_tcp_readable(W->c), 150);
}

static void
send_small_goes_at_once(void **state)
{
	(void)state;
	est();
	assert_int_equal(scn_send(100), 100);
	OUT(PA, .seq = ISN + 1, .ack = 1001, .len = 100);
	NONE();
}

static void
send_segmented_at_mss(void **state)
{
	(void)state;
	est();
	/* peer sent no MSS: 536 (RFC 9293 3.7.1) */
	assert_int_equal(scn_send(1200), 1200);
	OUT(A, .seq = ISN + 1, .len = 536);
	OUT(A, .seq = ISN + 537, .len = 536);
	NONE(); /* 128 bytes wait: Nagle */
	IN(A, .ack = ISN + 1073);
	OUT(PA, .seq = ISN + 1073, .len = 128);
	assert_true(W->last.flags & P); /* MUST-61: PSH on the last */
}

static void
nagle_holds_small_segment(void **state)
{
	(void)state;
	est();
	scn_send(10);
	OUT(PA, .len = 10);
	scn_send(10);
	NONE();
	IN(A, .ack = ISN + 11);
	OUT(PA, .seq = ISN + 11, .len = 10);
}

static void
nodelay_sends_small_segments(void **state)
{
	(void)state;
	est();
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
	scn_send(10);
	OUT(PA, .len = 10);
	scn_send(10);
	OUT(PA, .seq = ISN + 11, .len = 10);
}

/* Linux __tcp_sock_set_nodelay -> tcp_push_pending_frames: what Nagle
 * holds goes out when TCP_NODELAY is set; with nothing held, nothing. */
static void
nodelay_set_pushes_what_nagle_holds(void **state)
{
	(void)state;
	est();
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
	NONE();
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 0);
	scn_send(10);
	OUT(PA, .len = 10);
	scn_send(10);
	NONE();
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
	OUT(PA, .seq = ISN + 11, .len = 10);
}

static void
initial_window_ten_segments(void **state)
{
	int i;

	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1000, .mss = 1000);
	OUT(SA);
	IN(A);
	pn_tcp_accept(W->l, &W->cctx, &W->c);
	scn_send(20000);
	for (i = 0; i < 10; i++)
		OUT(A, .seq = ISN + 1 + 1000 * i, .len = 1000);
	NONE();
	IN(A, .ack = ISN + 2001);
	/* slow start: 2 acked -> cwnd 12, 8 in flight: 4 more */
	for (i = 10; i < 14; i++)
		OUT(A, .seq = ISN + 1 + 1000 * i, .len = 1000);
	NONE();
}

static void
send_window_limits(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1000, .mss = 1000);
	OUT(SA);
	IN(A, .win = 1500);
	pn_tcp_accept(W->l, &W->cctx, &W->c);
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
	scn_send(5000);
	OUT(A, .len = 1000);
	NONE(); /* 500 usable bytes: sender SWS avoidance waits */
	IN(A, .ack = ISN + 1001, .win = 3000);
	OUT(A, .seq = ISN + 1001, .len = 1000);
	OUT(A, .seq = ISN + 2001, .len = 1000);
	OUT(A, .seq = ISN + 3001, .len = 1000);
	NONE();
}

static void
fin_from_peer_close_wait(void **state)
{
	(void)state;
	est();
	IN(FA, .len = 10);
	OUT(A, .ack = 1012);
	assert_int_equal(scn_state(), PN_TCP_CLOSE_WAIT);
	assert_true(pn_tcp_poll(W->c) & EPOLLRDHUP);
	assert_int_equal(scn_recv(100), 10);
	assert_int_equal(scn_recv(100), 0);
	/* still may send in CLOSE-WAIT */
	assert_int_equal(scn_send(5), 5);
	OUT(PA, .len = 5, .ack = 1012);
}

static void
ooo_fin_waits_for_data(void **state)
{
	(void)state;
	est();
	IN(FA, .seq = 1101, .len = 10);
	OUT(A, .ack = 1001);
	assert_int_equal(scn_state(), PN_TCP_ESTABLISHED);
	IN(PA, .seq = 1001, .len = 100);
	OUT(A, .ack = 1112);
	assert_int_equal(scn_state(), PN_TCP_CLOSE_WAIT);
	assert_int_equal(scn_recv(500), 110);
	assert_int_equal(scn_recv(500), 0);
}

static void
ack_frees_send_space_and_wakes(void **state)
{
	ssize_t n;

	(void)state;
	W->tconf.sndbuf = 8192;
	est();
	pn_tcp_setopt(W->c, PN_TCP_OPT_SNDBUF, 8192);
	n = scn_send(20000);
	assert_int_equal(n, 8192);
	assert_int_equal(scn_send(1), -EAGAIN);
	assert_int_equal(pn_tcp_poll(W->c) & EPOLLOUT, 0);
	scn_flush();
	W->wake_c = 0;
	IN(A, .ack = ISN + 1 + 1072);
	assert_int_equal(W->wake_c, 0); /* below the low mark */
	IN(A, .ack = ISN + 1 + 4288);
	assert_int_equal(W->wake_c, 1);
	assert_true(pn_tcp_poll(W->c) & EPOLLOUT);
	IN(A, .ack = ISN + 1 + 5360);
	assert_int_equal(W->wake_c, 1); /* no second wakeup */
}

static void
ack_of_unsent_data_challenged(void **state)
{
	(void)state;
	est();
	IN(A, .ack = ISN + 100);
	OUT(A, .seq = ISN + 1, .ack = 1001);
	assert_int_equal(scn_drops(PN_DROP_TCP_ACK_INVALID), 1);
}

static void
segment_without_ack_dropped(void **state)
{
	(void)state;
	est();
	IN(P, .len = 10);
	NONE();
	assert_int_equal(scn_drops(PN_DROP_TCP_NO_ACK), 1);
	assert_int_equal(pn_tcp_readable(W->c), 0);
}

static void
data_beyond_window_trimmed(void **state)
{
	(void)state;
	W->tconf.rcvbuf = 4096;
	est();
	IN(PA, .len = 1000);
	OUT(A, .ack = 2001, .win = 3096);
	IN(PA, .len = 1000);
	OUT(A, .ack = 3001, .win = 2096);
	IN(PA, .len = 1000);
	IN(PA, .len = 1000);
	OUT(A, .ack = 5001, .win = 96);
	IN(PA, .len = 1000);
	OUT(A, .ack = 5097, .win = 0);
	assert_int_equal(pn_tcp_readable(W->c), 4096);
}

static void
zero_window_rejects_data(void **state)
{
	(void)state;
	W->tconf.rcvbuf = 4096;
	est();
	IN(PA, .len = 1024);
	IN(PA, .len = 1024);
	IN(PA, .len = 1024);
	IN(PA, .len = 1024);
	scn_flush();
	IN(PA, .seq = 5097, .len = 10);
	OUT(A, .ack = 5097, .win = 0);
	assert_int_equal(scn_drops(PN_DROP_TCP_OUT_OF_WINDOW), 1);
	assert_int_equal(scn_drops(PN_DROP_TCP_OLD_SEQUENCE), 0);
	/* reading opens the window: update sent */
	assert_int_equal(scn_recv(4096), 4096);
	OUT(A, .ack = 5097, .win = 4096);
}

static void
window_update_after_read(void **state)
{
	(void)state;
	W->tconf.rcvbuf = 8192;
	est();
	IN(PA, .len = 1000);
	OUT(A, .win = 7192);
	IN(PA, .len = 1000);
	OUT(A, .win = 6192);
	assert_int_equal(scn_recv(100), 100);
	NONE(); /* 100 bytes is a sliver */
	assert_int_equal(scn_recv(1900), 1900);
	NONE(); /* still above half the buffer */
}

/* The response's ACK stops the delayed ACK lazily (pn_timer_cancel_lazy);
 * the next segment re-arms it in place: the ACK goes 40 ms after that
 * segment (Linux tcp_send_delayed_ack), never at the stale deadline. */
static void
delayed_ack_rearmed_after_lazy_cancel(void **state)
{
	(void)state;
	est();
	IN(PA, .len = 100);
	OUT(A);
	IN(PA, .len = 100);
	OUT(A);
	IN(PA, .len = 100);		/* delayed ACK due at +40 */
	ADVANCE_MS(10);
	assert_int_equal(scn_send(50), 50);
	OUT(PA, .len = 50, .ack = 1301);
	ADVANCE_MS(10);
	IN(PA, .len = 100);		/* due at +60 */
	ADVANCE_MS(39);
	NONE();
	assert_int_equal(W->lc.timers.moved, 1);
	ADVANCE_MS(1);
	OUT(A, .ack = 1401);
	assert_int_equal(scn_stat("TCPDelayedACKs"), 1);
	/* ACKed by data, then nothing: the entry goes without an ACK */
	IN(PA, .len = 100);
	assert_int_equal(scn_send(50), 50);
	OUT(PA, .len = 50, .ack = 1501);
	ADVANCE_MS(100);
	NONE();
	assert_int_equal(scn_stat("TCPDelayedACKs"), 1);
	assert_true(W->lc.timers.stale >= 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(first_segments_quick_acked),
		SCN(delayed_ack_after_quickacks),
		SCN(retransmission_makes_the_exchange_pingpong),
		SCN(delayed_ack_rearmed_after_lazy_cancel),
		SCN(every_second_segment_acked),
		SCN(gro_merged_segment_acked_at_once),
		SCN(response_carries_the_ack),
		SCN(small_segments_share_a_delayed_ack),
		SCN(reordered_pure_ack_processed_silently),
		SCN(header_prediction_in_order_only),
		SCN(out_of_order_acked_at_once),
		SCN(ooo_segments_merge_and_fill),
		SCN(ooo_long_hole_filled_exactly),
		SCN(ooo_long_hole_filled_over_held_data),
		SCN(ooo_overlapping_segments_trimmed),
		SCN(old_duplicate_data_acked),
		SCN(data_past_window_out_of_window),
		SCN(partial_overlap_trimmed),
		SCN(send_small_goes_at_once),
		SCN(send_segmented_at_mss),
		SCN(nagle_holds_small_segment),
		SCN(nodelay_sends_small_segments),
		SCN(nodelay_set_pushes_what_nagle_holds),
		SCN(initial_window_ten_segments),
		SCN(send_window_limits),
		SCN(fin_from_peer_close_wait),
		SCN(ooo_fin_waits_for_data),
		SCN(ack_frees_send_space_and_wakes),
		SCN(ack_of_unsent_data_challenged),
		SCN(segment_without_ack_dropped),
		SCN(data_beyond_window_trimmed),
		SCN(zero_window_rejects_data),
		SCN(window_update_after_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
