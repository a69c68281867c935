/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Urgent data (RFC 9293 3.8.5, MUST-30..33, MUST-62) with Linux's
 * semantics, and the DiffServ field (MUST-48): URG and the urgent pointer
 * on what we send, the mark and the out-of-band byte on what we receive,
 * the IP TOS byte of every segment.
 */
#include <string.h>
#include <sys/epoll.h>

#include <rte_mbuf.h>

#include "ipv4.h"
#include "pkt_build.h"
#include "scn.h"
#include "tcp_priv.h"
#include "test_eal.h"

enum { U = PN_TCP_URG };

static void
est(void)
{
	scn_start();
	scn_passive(1000, 0); /* no options: MSS 536 */
}

/* A segment from the peer at @p seq with @p len bytes (byte i is
 * seq + i, as IN() makes them), URG and the urgent pointer @p urp
 * (IN() has no urgent pointer). */
static void
urg_in(uint32_t seq, uint16_t urp, uint32_t len)
{
	struct pn_tcp_hdr h = { .sport = PORT_PEER, .dport = PORT_US,
				.seq = seq, .ack = W->peer_ack, .win = 65535,
				.flags = U | P | A, .urp = urp };
	uint8_t f[PKT_MAX], *t;
	struct rte_mbuf *m;
	uint32_t off, i;
	int hl;

	off = pkt_eth(f, 0, 0, 0x0800);
	off += pkt_ipv4(f + off, 0, (uint16_t)(20 + len), 6, IP_PEER, IP_US);
	t = f + off;
	hl = pn_tcp_build(t, 60, &h);
	assert_int_equal(hl, 20);
	for (i = 0; i < len; i++)
		t[hl + i] = (uint8_t)(seq + i);
	pkt_put16(t + 16, pn_ipv4_l4_cksum(IP_PEER, IP_US, 6, t,
					   (uint16_t)(hl + len)));
	m = pn_test_mbuf(f, (uint16_t)(off + (uint32_t)hl + len));
	assert_non_null(m);
	m->port = 0;
	if (pn_seq_gt(seq + len, W->peer_nxt))
		W->peer_nxt = seq + len;
	W->lc.now = pn_clock_now(&W->clock);
	pn_lcore_rx(&W->lc, &m, 1);
	pn_tx_flush(&W->lc);
}

static ssize_t
send_flags(const void *p, uint32_t n, int flags)
{
	struct iovec iov = { (void *)(uintptr_t)p, n };
	ssize_t r = pn_tcp_send(W->c, &iov, 1, flags);

	pn_tx_flush(&W->lc);
	return r;
}

static ssize_t
recv_flags(uint8_t *p, uint32_t n, int flags)
{
	struct iovec iov = { p, n };

	return pn_tcp_recv(W->c, &iov, 1, flags);
}

/* The IP TOS byte of the next segment OUT() will read. */
static uint8_t
next_tos(void)
{
	pn_tx_flush(&W->lc);
	assert_true(W->rtx < W->ntx);
	return rte_pktmbuf_mtod(W->tx[W->rtx], const uint8_t *)[15];
}

/* --- send (Linux tcp_mark_urg, __tcp_transmit_skb) --- */

/* MUST-62: the pointer points after the last urgent byte, on every
 * segment of the urgent data; none once SND.UP is ACKed. */
static void
send_oob_pointer_on_each_segment(void **state)
{
	static uint8_t buf[1000];

	(void)state;
	est();
	assert_int_equal(send_flags(buf, 1000, PN_TCP_OOB), 1000);
	assert_int_equal(OUT(A | U, .seq = ISN + 1, .len = 536)->urp, 1000);
	assert_int_equal(OUT(PA | U, .seq = ISN + 537, .len = 464)->urp, 464);
	NONE();
	IN(A, .ack = ISN + 1001);
	assert_int_equal(send_flags(buf, 10, 0), 10);
	assert_int_equal(OUT(PA, .seq = ISN + 1001, .len = 10)->urp, 0);
}

/* Until SND.UP is ACKed a retransmission carries URG again; Nagle does
 * not hold urgent data (Linux tcp_nagle_test). */
static void
send_oob_pointer_held_until_acked(void **state)
{
	static uint8_t buf[100];

	(void)state;
	est();
	assert_int_equal(send_flags(buf, 10, 0), 10);
	OUT(PA, .seq = ISN + 1, .len = 10);
	/* unACKed data in flight: Nagle would hold a small segment */
	assert_int_equal(send_flags(buf, 1, PN_TCP_OOB), 1);
	assert_int_equal(OUT(PA | U, .seq = ISN + 11, .len = 1)->urp, 1);
	IN(A, .ack = ISN + 11);
	/* the loss probe or the RTO: the urgent byte goes again, with URG */
	scn_wait_out(3000, 10);
	assert_int_equal(OUT(PA | U, .seq = ISN + 11, .len = 1)->urp, 1);
	IN(A, .ack = ISN + 12);
	assert_int_equal(send_flags(buf, 5, 0), 5);
	OUT(PA, .seq = ISN + 12, .len = 5);
}

/* MUST-31: urgent data the window holds back is announced at once: an
 * ACK (seq SND.NXT, before SND.UP) carries URG and the pointer. */
static void
send_oob_announced_by_ack_at_zero_window(void **state)
{
	static uint8_t buf[8];

	(void)state;
	est();
	IN(A, .win = 0);
	assert_int_equal(send_flags(buf, 4, PN_TCP_OOB), 4);
	NONE();
	IN(PA, .len = 1, .win = 0);
	scn_wait_out(500, 10);
	assert_int_equal(OUT(A | U, .seq = ISN + 1, .len = 0)->urp, 4);
}

/* --- receive (Linux tcp_urg, tcp_recvmsg, tcp_recv_urg, tcp_poll) --- */

/* The last urgent byte leaves the stream: a read stops at the mark, the
 * byte comes with PN_TCP_OOB once, EPOLLPRI meanwhile (MUST-32). */
static void
recv_oob_byte_out_of_stream(void **state)
{
	uint32_t s0 = 1001;
	uint8_t b[64];

	(void)state;
	est();
	urg_in(s0, 3, 3);           /* urgent byte: s0 + 2 */
	OUT(A, .ack = s0 + 3);
	assert_true(pn_tcp_poll(W->c) & EPOLLPRI);
	assert_int_equal(pn_tcp_atmark(W->c), 0);
	assert_int_equal(pn_tcp_readable(W->c), 2); /* up to the mark */
	assert_int_equal(recv_flags(b, sizeof(b), 0), 2);
	assert_int_equal(b[0], (uint8_t)s0);
	assert_int_equal(b[1], (uint8_t)(s0 + 1));
	assert_int_equal(pn_tcp_atmark(W->c), 1);
	/* the out-of-band byte alone is not readable data */
	assert_false(pn_tcp_poll(W->c) & EPOLLIN);
	assert_int_equal(recv_flags(b, 1, PN_TCP_OOB | PN_TCP_PEEK), 1);
	assert_int_equal(recv_flags(b, 1, PN_TCP_OOB), 1);
	assert_int_equal(b[0], (uint8_t)(s0 + 2));
	assert_int_equal(recv_flags(b, 1, PN_TCP_OOB), -EINVAL);
	assert_false(pn_tcp_poll(W->c) & EPOLLPRI);
	IN(PA, .len = 4);
	OUT(A, .ack = s0 + 7);
	/* the next read skips the out-of-band byte */
	assert_int_equal(recv_flags(b, sizeof(b), 0), 4);
	assert_int_equal(b[0], (uint8_t)(s0 + 3));
	assert_int_equal(pn_tcp_atmark(W->c), 0);
}

/* pn_tcp_unreadable() is @p want, and what the socket's settle asked
 * before: no read bit in the mask and nothing for FIONREAD. */
static void
expect_unreadable(bool want)
{
	bool mask = !(pn_tcp_poll(W->c) & (EPOLLIN | EPOLLRDNORM | EPOLLPRI |
					   EPOLLERR | EPOLLHUP | EPOLLRDHUP)) &&
		    pn_tcp_readable(W->c) == 0;

	assert_int_equal(mask, want);
	assert_int_equal(pn_tcp_unreadable(W->c), want);
}

/* The socket's settle after a read (nothing to read: no byte, urgent
 * byte, EOF or error) through each case: the urgent byte alone
 * (EPOLLPRI), the out-of-band byte left in the queue after it was read
 * (nothing to read), data, the FIN (tcp_poll's EPOLLIN | EPOLLRDHUP). */
static void
recv_unreadable_as_mask(void **state)
{
	uint32_t s0 = 1001;
	uint8_t b[64];

	(void)state;
	est();
	expect_unreadable(true);
	urg_in(s0, 1, 1);           /* urgent byte: s0 */
	OUT(A, .ack = s0 + 1);
	expect_unreadable(false);
	assert_int_equal(recv_flags(b, 1, PN_TCP_OOB), 1);
	expect_unreadable(true);
	IN(PA, .len = 4);
	OUT(A, .ack = s0 + 5);
	expect_unreadable(false);
	assert_int_equal(recv_flags(b, sizeof(b), 0), 4);
	expect_unreadable(true);
	IN(FA);
	OUT(A, .ack = s0 + 6);
	expect_unreadable(false);
}

/* MUST-31: the pointer may point far beyond the data: the mark is kept,
 * MSG_OOB says EAGAIN until the byte arrives. */
static void
recv_pointer_ahead_of_data(void **state)
{
	uint32_t s0 = 1001;
	uint8_t b[2048];

	(void)state;
	est();
	urg_in(s0, 1000, 10);       /* urgent byte: s0 + 999 */
	OUT(A, .ack = s0 + 10);
	assert_int_equal(recv_flags(b, 1, PN_TCP_OOB), -EAGAIN);
	assert_false(pn_tcp_poll(W->c) & EPOLLPRI);
	assert_int_equal(recv_flags(b, sizeof(b), 0), 10);
	IN(PA, .len = 500);
	IN(PA, .len = 490);         /* carries s0 + 999 */
	scn_flush();                /* the ACKs */
	assert_true(pn_tcp_poll(W->c) & EPOLLPRI);
	assert_int_equal(recv_flags(b, sizeof(b), 0), 989);
	assert_int_equal(pn_tcp_atmark(W->c), 1);
	assert_int_equal(recv_flags(b, 1, PN_TCP_OOB), 1);
	assert_int_equal(b[0], (uint8_t)(s0 + 999));
}

/* SO_OOBINLINE: the byte stays in the stream; reads still stop at the
 * mark; MSG_OOB is EINVAL. */
static void
recv_oobinline(void **state)
{
	uint32_t s0 = 1001;
	uint8_t b[64];

	(void)state;
	est();
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_OOBINLINE, 1), 0);
	urg_in(s0, 3, 3);
	assert_int_equal(recv_flags(b, 1, PN_TCP_OOB), -EINVAL);
	assert_int_equal(recv_flags(b, sizeof(b), 0), 2);
	assert_int_equal(pn_tcp_atmark(W->c), 1);
	assert_true(pn_tcp_poll(W->c) & EPOLLIN);
	assert_int_equal(recv_flags(b, sizeof(b), 0), 1);
	assert_int_equal(b[0], (uint8_t)(s0 + 2));
}

/* Reading past the mark before MSG_OOB loses the byte, as on Linux. */
static void
recv_read_past_mark_drops_oob(void **state)
{
	uint8_t b[64];

	(void)state;
	est();
	urg_in(1001, 3, 3);
	assert_int_equal(recv_flags(b, sizeof(b), 0), 2);
	assert_int_equal(recv_flags(b, sizeof(b), 0), -EAGAIN);
	assert_int_equal(recv_flags(b, 1, PN_TCP_OOB), -EINVAL);
	assert_false(pn_tcp_poll(W->c) & EPOLLPRI);
}

/* Zero-copy receive keeps the same rules: it stops at the mark, then
 * skips the out-of-band byte. */
static void
recv_zero_copy_stops_at_mark(void **state)
{
	struct iovec iov[4];

	(void)state;
	est();
	urg_in(1001, 3, 3);
	IN(PA, .len = 2);
	assert_int_equal(pn_tcp_recv_zc(W->c, iov, 4), 1);
	assert_int_equal(iov[0].iov_len, 2);
	pn_tcp_recv_zc_done(W->c, 2);
	assert_int_equal(pn_tcp_atmark(W->c), 1);
	assert_int_equal(pn_tcp_recv_zc(W->c, iov, 4), 1);
	assert_int_equal(iov[0].iov_len, 2);
	assert_int_equal(*(uint8_t *)iov[0].iov_base, (uint8_t)1004);
	pn_tcp_recv_zc_done(W->c, 2);
	assert_int_equal(pn_tcp_readable(W->c), 0);
}

/* A newer urgent pointer replaces the older; the older byte, unread at
 * the read position, leaves the stream (Linux tcp_check_urg). */
static void
recv_newer_pointer_wins(void **state)
{
	uint8_t b[64];

	(void)state;
	est();
	urg_in(1001, 1, 1);          /* urgent byte 1001 */
	urg_in(1002, 2, 2);          /* urgent byte 1003 */
	assert_int_equal(recv_flags(b, sizeof(b), 0), 1);
	assert_int_equal(b[0], (uint8_t)1002);
	assert_int_equal(recv_flags(b, 1, PN_TCP_OOB), 1);
	assert_int_equal(b[0], (uint8_t)1003);
}

/* --- DiffServ (MUST-48) --- */

static void
tos_on_every_segment(void **state)
{
	int64_t v;

	(void)state;
	est();
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_TOS, 0xb8), 0);
	assert_int_equal(pn_tcp_getopt(W->c, PN_TCP_OPT_TOS, &v), 0);
	assert_int_equal(v, 0xb8);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_TOS, 256), -EINVAL);
	assert_int_equal(scn_send(10), 10);
	assert_int_equal(next_tos(), 0xb8);
	OUT(PA, .len = 10);
	IN(PA, .len = 1, .ack = ISN + 11);
	ADVANCE_MS(200);            /* the delayed ACK */
	assert_int_equal(next_tos(), 0xb8);
	OUT(A);
	pn_tcp_abort(W->c);
	W->c = NULL;
	assert_int_equal(next_tos(), 0xb8);
	OUT(RA);
}

/* Set between the two halves of connect(), the TOS is on the SYN. */
static void
tos_on_syn(void **state)
{
	(void)state;
	scn_start();
	assert_int_equal(pn_tcp_connect_create(W->tcp, 0, PORT_US, IP_PEER,
					       PORT_PEER, &W->cctx, &W->c), 0);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_TOS, 0x48), 0);
	pn_tcp_connect_start(W->c);
	assert_int_equal(next_tos(), 0x48);
	OUT(S, .mss = 1460);
}

/* The listener's TOS is on the SYN-ACK and the accepted connection
 * (Linux: the child is a clone of the listener). */
static void
tos_listener_inherited(void **state)
{
	int64_t v;

	(void)state;
	scn_start();
	scn_listen(PORT_US);
	assert_int_equal(pn_tcp_listen_setopt(W->l, PN_TCP_OPT_TOS, 0x28), 0);
	IN(S, .seq = 1000);
	assert_int_equal(next_tos(), 0x28);
	OUT(SA, .ack = 1001);
	IN(A);
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	assert_int_equal(pn_tcp_getopt(W->c, PN_TCP_OPT_TOS, &v), 0);
	assert_int_equal(v, 0x28);
	assert_int_equal(scn_send(1), 1);
	assert_int_equal(next_tos(), 0x28);
	OUT(PA, .len = 1);
}

/* Segments without a TCB (RFC 9293 MUST-48 beyond the connection). */

/* A SYN-ACK from a SYN cookie carries the listener's TOS, as the
 * embryo's does (Linux tcp_v4_send_synack: the listener's inet->tos). */
static void
tos_cookie_synack_from_listener(void **state)
{
	(void)state;
	W->tconf.syn_backlog = 1;
	scn_start();
	scn_listen(PORT_US);
	assert_int_equal(pn_tcp_listen_setopt(W->l, PN_TCP_OPT_TOS, 0x28), 0);
	IN(S, .seq = 1000);
	assert_int_equal(next_tos(), 0x28);
	OUT(SA, .ack = 1001);
	IN(S, .sport = PORT_PEER + 1, .seq = 5000);
	assert_int_equal(next_tos(), 0x28);
	OUT(SA, .ack = 5001, .mss = 536);
	assert_int_equal(scn_stat("TCPSynCookiesSent"), 1);
}

/* A RST without a TCB takes the offending segment's TOS (Linux
 * tcp_v4_send_reset: ip_hdr(skb)->tos), ECN bits cleared. */
static void
tos_rst_without_tcb_reflects_segment(void **state)
{
	(void)state;
	scn_start();
	IN(A, .seq = 1000, .ack = 77, .iptos = 0xb9);
	assert_int_equal(next_tos(), 0xb8);
	OUT(R, .seq = 77);
	IN(S, .seq = 1000, .iptos = 0x48);
	assert_int_equal(next_tos(), 0x48);
	OUT(RA, .ack = 1001);
}

/* TIME-WAIT keeps the connection's TOS for its ACKs (Linux tw_tos). */
static void
tos_time_wait_ack(void **state)
{
	(void)state;
	scn_start();
	scn_passive(1000, 0);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_TOS, 0x48), 0);
	pn_tcp_close(W->c);
	W->c = NULL;
	OUT(FA, .seq = ISN + 1);
	IN(A, .ack = ISN + 2);
	IN(FA, .ack = ISN + 2);
	assert_int_equal(next_tos(), 0x48);
	OUT(A, .seq = ISN + 2, .ack = 1002);
	ADVANCE_MS(1000);
	IN(FA, .seq = 1001, .ack = ISN + 2);	/* retransmitted FIN */
	assert_int_equal(next_tos(), 0x48);
	OUT(A, .seq = ISN + 2, .ack = 1002);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		SCN(recv_unreadable_as_mask),
		SCN(send_oob_pointer_on_each_segment),
		SCN(send_oob_pointer_held_until_acked),
		SCN(send_oob_announced_by_ack_at_zero_window),
		SCN(recv_oob_byte_out_of_stream),
		SCN(recv_pointer_ahead_of_data),
		SCN(recv_oobinline),
		SCN(recv_read_past_mark_drops_oob),
		SCN(recv_zero_copy_stops_at_mark),
		SCN(recv_newer_pointer_wins),
		SCN(tos_on_every_segment),
		SCN(tos_on_syn),
		SCN(tos_listener_inherited),
		SCN(tos_cookie_synack_from_listener),
		SCN(tos_rst_without_tcb_reflects_segment),
		SCN(tos_time_wait_ack),
	};

	return cmocka_run_group_tests(t, NULL, NULL);
}
