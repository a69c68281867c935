/* SPDX-License-Identifier: BSD-3-Clause */
/* TCP segmentation offload: with a port that segments TCP, new data goes
 * as one segment of whole MSS multiples (tso_segsz = the effective MSS),
 * within the same cwnd, receive window and Nagle limits as per-MSS
 * sending; retransmissions stay MSS-sized; without TSO nothing changes. */
#include <string.h>

#include <rte_mbuf.h>

#include "scn.h"
#include "tcp_priv.h"

static uint32_t sent;	/* stream bytes written so far */

/* Established with MSS 1000, no options, the peer's window 65535. */
static void
est(bool tso)
{
	W->nconf.port[0].tx_tcp_cksum = true;
	W->nconf.port[0].tx_tso = tso;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1000, .mss = 1000);
	OUT(SA);
	IN(A);
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	sent = 0;
}

static uint8_t
pat(uint32_t i)
{
	return (uint8_t)(i * 7 + i / 251);
}

/* Write @p n bytes of the pattern stream. */
static void
send_pat(uint32_t n)
{
	static uint8_t buf[1 << 17];
	struct iovec iov = { buf, n };
	uint32_t i;

	assert_true(n <= sizeof(buf));
	for (i = 0; i < n; i++)
		buf[i] = pat(sent + i);
	assert_int_equal(pn_tcp_send(W->c, &iov, 1, 0), (ssize_t)n);
	sent += n;
	pn_tx_flush(&W->lc);
}

/* The next captured segment carries stream bytes [off, off + len). */
static void
payload_is(uint32_t off, uint32_t len)
{
	static uint8_t buf[14 + PN_IPV4_MAX_LEN];
	const struct rte_mbuf *m;
	const uint8_t *p;
	uint32_t hl, i;

	pn_tx_flush(&W->lc);
	assert_true(W->rtx < W->ntx);
	m = W->tx[W->rtx];
	p = rte_pktmbuf_read(m, 0, m->pkt_len, buf);
	hl = (uint32_t)(p[46] >> 4) * 4;
	assert_int_equal(m->pkt_len, 34 + hl + len);
	for (i = 0; i < len; i++)
		if (p[34 + hl + i] != pat(off + i))
			fail_msg("payload byte %u: %u, expected %u", off + i,
				 p[34 + hl + i], pat(off + i));
}

static void
bulk_goes_as_one_segment(void **state)
{
	uint64_t segs;

	(void)state;
	est(true);
	segs = scn_stat("OutSegs");
	send_pat(30000);
	/* IW10: cwnd 10 x 1000 -> one segment of 10 MSS */
	payload_is(0, 10000);
	OUT(A, .seq = ISN + 1, .len = 10000, .tso = 1000);
	NONE();
	/* OutSegs counts what goes on the wire, as Linux */
	assert_int_equal(scn_stat("OutSegs") - segs, 10);
	assert_int_equal(scn_stat("RetransSegs"), 0);
}

static void
cwnd_growth_sizes_the_next_segment(void **state)
{
	uint32_t room;

	(void)state;
	est(true);
	send_pat(60000);
	OUT(A, .seq = ISN + 1, .len = 10000, .tso = 1000);
	IN(A, .ack = ISN + 1 + 5000);
	/* what cwnd lets go beyond the 5000 still in flight, whole MSS */
	room = (W->c->cwnd - 5000) / 1000 * 1000;
	assert_true(room >= 2000);
	payload_is(10000, room);
	OUT(A, .seq = ISN + 1 + 10000, .len = room, .tso = 1000);
	NONE();
}

static void
receive_window_limits(void **state)
{
	(void)state;
	est(true);
	IN(A, .win = 4500);
	send_pat(30000);
	/* 4 MSS fit; the 500-byte sliver waits (sender SWS avoidance) */
	OUT(A, .seq = ISN + 1, .len = 4000, .tso = 1000);
	NONE();
	IN(A, .ack = ISN + 1 + 4000, .win = 3000);
	OUT(A, .seq = ISN + 1 + 4000, .len = 3000, .tso = 1000);
	NONE();
}

static void
nagle_holds_the_tail(void **state)
{
	(void)state;
	est(true);
	send_pat(3500);
	OUT(A, .seq = ISN + 1, .len = 3000, .tso = 1000);
	NONE();	/* RFC 896: the short tail waits for the ACK */
	IN(A, .ack = ISN + 1 + 3000);
	payload_is(3000, 500);
	OUT(PA, .seq = ISN + 1 + 3000, .len = 500);
	NONE();
}

static void
under_two_mss_goes_per_mss(void **state)
{
	(void)state;
	est(true);
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
	send_pat(1500);
	OUT(A, .seq = ISN + 1, .len = 1000);
	OUT(PA, .seq = ISN + 1 + 1000, .len = 500);
	NONE();
}

static void
all_of_the_queue_carries_psh(void **state)
{
	(void)state;
	est(true);
	send_pat(5000);
	payload_is(0, 5000);
	assert_int_equal(OUT(PA, .seq = ISN + 1, .len = 5000, .tso = 1000)->flags &
			 P, P);
	NONE();
}

static void
fin_goes_on_the_last_mss(void **state)
{
	(void)state;
	est(true);
	send_pat(14000);
	OUT(A, .seq = ISN + 1, .len = 10000, .tso = 1000);
	assert_int_equal(pn_tcp_shutdown(W->c, SHUT_WR), 0);
	NONE();
	IN(A, .ack = ISN + 1 + 10000);
	payload_is(10000, 3000);
	OUT(A, .seq = ISN + 1 + 10000, .len = 3000, .tso = 1000);
	payload_is(13000, 1000);
	OUT(FPA, .seq = ISN + 1 + 13000, .len = 1000);
	NONE();
}

static void
retransmissions_stay_mss_sized(void **state)
{
	uint32_t room;

	(void)state;
	est(true);
	send_pat(10000);
	OUT(PA, .seq = ISN + 1, .len = 10000, .tso = 1000);
	ADVANCE_MS(200);	/* RTO: the head, one MSS */
	payload_is(0, 1000);
	OUT(PA, .seq = ISN + 1, .len = 1000);
	NONE();
	assert_int_equal(scn_stat("RetransSegs"), 1);
	/* go-back-N after the RTO resends what is left per MSS */
	IN(A, .ack = ISN + 1 + 1000);
	OUT(A, .seq = ISN + 1 + 1000, .len = 1000);
	OUT(A, .seq = ISN + 1 + 2000, .len = 1000);
	NONE();
	assert_int_equal(scn_stat("RetransSegs"), 3);
	/* the peer had it all: new data goes as TSO again */
	IN(A, .ack = ISN + 1 + 10000);
	room = W->c->cwnd / 1000 * 1000;
	assert_true(room >= 2000 && room < 20000);
	send_pat(20000);
	payload_is(10000, room);
	OUT(A, .seq = ISN + 1 + 10000, .len = room, .tso = 1000);
	NONE();
}

static void
effective_mss_with_timestamps(void **state)
{
	(void)state;
	W->nconf.port[0].tx_tcp_cksum = true;
	W->nconf.port[0].tx_tso = true;
	scn_start();
	scn_passive(1000, 1);
	sent = 0;
	send_pat(60000);
	/* MSS 1460 less 12 option bytes; cwnd 10 x 1460 holds 10 of them */
	payload_is(0, 14480);
	OUT(A, .seq = ISN + 1, .len = 14480, .tso = 1448, .ts = 1);
	NONE();
}

static void
sack_blocks_shrink_the_segment_size(void **state)
{
	(void)state;
	W->nconf.port[0].tx_tcp_cksum = true;
	W->nconf.port[0].tx_tso = true;
	scn_start();
	scn_passive(1000, 1);
	sent = 0;
	/* out-of-order data held: our segments carry one SACK block */
	IN(A, .seq = PISN + 1 + 1000, .len = 500, .tsval = 1002);
	OUT(A, .ack = PISN + 1, .nsack = 1,
	    .sack = { { PISN + 1001, PISN + 1501 } });
	send_pat(60000);
	/* 1448 less 4 + 8 for the block (Linux tcp_current_mss), and each
	 * cut segment still fits the MTU: 20 + 44 + 1436 = 1500 */
	payload_is(0, 14360);
	OUT(A, .seq = ISN + 1, .len = 14360, .tso = 1436, .nsack = 1,
	    .sack = { { PISN + 1001, PISN + 1501 } });
	NONE();
}

static void
without_tso_segments_at_the_mss(void **state)
{
	uint64_t segs;
	uint32_t i;

	(void)state;
	est(false);
	segs = scn_stat("OutSegs");
	send_pat(30000);
	for (i = 0; i < 10; i++) {
		payload_is(i * 1000, 1000);
		OUT(A, .seq = ISN + 1 + i * 1000, .len = 1000);
	}
	NONE();
	assert_int_equal(scn_stat("OutSegs") - segs, 10);
}

/*
 * TCP small queues (Linux tcp_small_queue_check / tcp_tsq_handler): while
 * the device refuses packets, new data waits in the send queue rather
 * than as packets held below TCP, and goes, in order, from the TX flush
 * that sends the last held packet.
 */
static void
small_queues_wait_for_the_device(void **state)
{
	(void)state;
	est(true);
	W->tx_limit = true;
	W->tx_room = 1;
	send_pat(3000);		/* taken: the ring's last slot */
	send_pat(3000);		/* refused: held below TCP */
	assert_int_equal(pn_lcore_tx_held(&W->lc), 1);
	send_pat(3000);		/* waits in TCP, not in the hold queue */
	assert_int_equal(pn_lcore_tx_held(&W->lc), 1);
	assert_int_equal(scn_stat("TCPSmallQueueThrottles"), 1);
	assert_int_equal(W->c->snd_nxt - W->c->snd_una, 6000u);
	assert_int_equal(scn_pending(), 1);
	/* still full: nothing moves, nothing is lost */
	ADVANCE_MS(1);
	assert_int_equal(scn_pending(), 1);
	assert_int_equal(W->c->snd_nxt - W->c->snd_una, 6000u);
	/* room again: the held packet, then the waiting data, in order */
	W->tx_room = 16;
	ADVANCE_MS(1);
	assert_int_equal(pn_lcore_tx_held(&W->lc), 0);
	assert_int_equal(W->lc.stat.tx_drained, 1);
	payload_is(0, 3000);
	OUT(PA, .seq = ISN + 1, .len = 3000, .tso = 1000);
	payload_is(3000, 3000);
	OUT(PA, .seq = ISN + 1 + 3000, .len = 3000, .tso = 1000);
	payload_is(6000, 3000);
	OUT(PA, .seq = ISN + 1 + 6000, .len = 3000, .tso = 1000);
	NONE();
	assert_int_equal(scn_drops(PN_DROP_TX_FULL), 0);
}

/* What TCP queued below it and no device took stays under 120 KB and one
 * segment: a send of 400 KB hands its TSO segments to the device two at a
 * time while it builds the rest (Linux tcp_sendmsg_locked pushes each
 * full one, tcp_push_one), not all at the end of the round. */
static void
small_queues_bound_bytes_below_tcp(void **state)
{
	static uint8_t buf[400000];
	struct iovec iov = { buf, sizeof(buf) };
	uint32_t off = 0, len, i;

	(void)state;
	W->tconf.sndbuf = 1u << 20;
	W->nconf.port[0].tx_tcp_cksum = true;
	W->nconf.port[0].tx_tso = true;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1000, .mss = 1460, .ws = 7);
	OUT(SA);
	IN(A, .win = 4096);	/* 512 KB */
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	W->c->cwnd = 1u << 20;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = pat(i);
	assert_int_equal(pn_tcp_send(W->c, &iov, 1, 0), (ssize_t)sizeof(buf));
	/* each second 64240-byte segment (>= 120 KB queued) took them to
	 * the device: six went, the seventh waits for the round's flush */
	assert_int_equal(scn_pending(), 6);
	assert_int_equal(W->c->snd_nxt - W->c->snd_una, 6u * 64240u + 13140u);
	pn_tx_flush(&W->lc);
	while (scn_pending() > 0) {
		len = W->tx[W->rtx]->pkt_len - 54; /* Ethernet, IPv4, TCP */
		payload_is(off, len);
		OUT(A, .seq = ISN + 1 + off, .len = len, .tso = 1460);
		assert_true(len <= 64240);
		off += len;
	}
	/* all but the Nagle tail went, in order */
	assert_int_equal(off, 400000 - 400000 % 1460);
	assert_int_equal(scn_stat("TCPSmallQueueThrottles"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(bulk_goes_as_one_segment),
		SCN(cwnd_growth_sizes_the_next_segment),
		SCN(receive_window_limits),
		SCN(nagle_holds_the_tail),
		SCN(under_two_mss_goes_per_mss),
		SCN(all_of_the_queue_carries_psh),
		SCN(fin_goes_on_the_last_mss),
		SCN(retransmissions_stay_mss_sized),
		SCN(effective_mss_with_timestamps),
		SCN(sack_blocks_shrink_the_segment_size),
		SCN(without_tso_segments_at_the_mss),
		SCN(small_queues_wait_for_the_device),
		SCN(small_queues_bound_bytes_below_tcp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
