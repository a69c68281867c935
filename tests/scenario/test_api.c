/* SPDX-License-Identifier: BSD-3-Clause */
/* The socket-facing calls of tcp.h: poll masks, zero-copy paths,
 * options, info, and closing from inside an upcall. */
#include <sys/epoll.h>

#include <rte_mbuf.h>

#include "scn.h"
#include <rte_telemetry.h>

#include "tcp_cc.h"
#include "tcp_priv.h"
#include "test_eal.h"

static void
est(void)
{
	scn_start();
	scn_passive(1000, 0);
}

static void
poll_fresh_connection_writable(void **state)
{
	(void)state;
	est();
	assert_int_equal(pn_tcp_poll(W->c), EPOLLOUT | EPOLLWRNORM);
}

static void
poll_readable_after_data(void **state)
{
	(void)state;
	est();
	IN(PA, .len = 5);
	assert_int_equal(pn_tcp_poll(W->c),
			 EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM);
}

static void
rcvlowat_gates_epollin(void **state)
{
	(void)state;
	est();
	pn_tcp_setopt(W->c, PN_TCP_OPT_RCVLOWAT, 10);
	IN(PA, .len = 5);
	assert_int_equal(pn_tcp_poll(W->c) & EPOLLIN, 0);
	IN(PA, .len = 5);
	assert_true(pn_tcp_poll(W->c) & EPOLLIN);
}

static void
recv_eagain_when_empty(void **state)
{
	(void)state;
	est();
	assert_int_equal(scn_recv(10), -EAGAIN);
}

static void
peek_leaves_data(void **state)
{
	uint8_t b[10];
	struct iovec iov = { b, sizeof(b) };

	(void)state;
	est();
	IN(PA, .len = 5);
	assert_int_equal(pn_tcp_recv(W->c, &iov, 1, PN_TCP_PEEK), 5);
	assert_int_equal(b[0], (uint8_t)1001);
	assert_int_equal(pn_tcp_readable(W->c), 5);
	assert_int_equal(pn_tcp_recv(W->c, &iov, 1, 0), 5);
	assert_int_equal(b[4], (uint8_t)1005);
	assert_int_equal(pn_tcp_readable(W->c), 0);
}

static void
recv_scatter_iov(void **state)
{
	uint8_t a[3], b[10];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };

	(void)state;
	est();
	IN(PA, .len = 8);
	assert_int_equal(pn_tcp_recv(W->c, iov, 2, 0), 8);
	assert_int_equal(a[2], (uint8_t)1003);
	assert_int_equal(b[0], (uint8_t)1004);
}

static void
zero_copy_receive(void **state)
{
	struct iovec iov[4];
	int n;

	(void)state;
	est();
	IN(PA, .len = 100);
	IN(PA, .len = 50);
	n = pn_tcp_recv_zc(W->c, iov, 4);
	assert_int_equal(n, 2);
	assert_int_equal(iov[0].iov_len, 100);
	assert_int_equal(((uint8_t *)iov[1].iov_base)[0], (uint8_t)1101);
	pn_tcp_recv_zc_done(W->c, 120);
	assert_int_equal(pn_tcp_readable(W->c), 30);
}

static void
zero_copy_send(void **state)
{
	uint8_t d[300];
	struct rte_mbuf *m;

	(void)state;
	est();
	memset(d, 0xab, sizeof(d));
	m = pn_test_mbuf(d, sizeof(d));
	assert_int_equal(pn_tcp_send_mbuf(W->c, m), 300);
	OUT(PA, .len = 300);
	assert_int_equal(pn_tcp_send_space(W->c), 262144 - 300);
}

static void
error_taken_once(void **state)
{
	(void)state;
	est();
	IN(R, .seq = 1001);
	assert_true(pn_tcp_poll(W->c) & EPOLLERR);
	assert_int_equal(pn_tcp_error(W->c), ECONNRESET);
	assert_int_equal(pn_tcp_error(W->c), 0);
	assert_int_equal(pn_tcp_poll(W->c) & EPOLLERR, 0);
	assert_true(pn_tcp_poll(W->c) & EPOLLHUP);
}

static void
options_roundtrip_and_bounds(void **state)
{
	int64_t v;

	(void)state;
	est();
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_KEEPIDLE, 0), -EINVAL);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_KEEPIDLE, 30), 0);
	pn_tcp_getopt(W->c, PN_TCP_OPT_KEEPIDLE, &v);
	assert_int_equal(v, 30);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_LINGER, -2), -EINVAL);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_SNDBUF, 1), 0);
	pn_tcp_getopt(W->c, PN_TCP_OPT_SNDBUF, &v);
	assert_int_equal(v, 4096);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_MAXSEG, 10), -EINVAL);
	assert_int_equal(pn_tcp_setopt(W->c, (enum pn_tcp_opt)99, 1), -EINVAL);
	pn_tcp_getopt(W->c, PN_TCP_OPT_NODELAY, &v);
	assert_int_equal(v, 0);
}

static void
info_fields(void **state)
{
	struct pn_tcp_info i;

	(void)state;
	scn_start();
	scn_passive(1000, 1);
	IN(PA, .len = 10, .tsval = 1002);
	scn_send(20);
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.state, PN_TCP_ESTABLISHED);
	assert_int_equal(i.options, 7);
	assert_int_equal(i.snd_wscale, 7);
	assert_int_equal(i.snd_mss, 1460);
	assert_int_equal(i.snd_cwnd, 10);
	assert_int_equal(i.unacked, 20);
	assert_int_equal(i.bytes_received, 10);
	scn_flush();
}

static void
addrs(void **state)
{
	uint32_t l, r;
	uint16_t lp, rp;

	(void)state;
	est();
	pn_tcp_addrs(W->c, &l, &lp, &r, &rp);
	assert_int_equal(l, IP_US);
	assert_int_equal(lp, PORT_US);
	assert_int_equal(r, IP_PEER);
	assert_int_equal(rp, PORT_PEER);
}

/* PN_TCP_OPT_CC (TCP_CONGESTION): an established connection switches
 * algorithm with its cwnd kept (Linux tcp_reinit_congestion_control);
 * unknown ids refused. */
static void
congestion_control_switch(void **state)
{
	int64_t v;
	uint32_t cwnd;

	(void)state;
	est();
	assert_int_equal(pn_tcp_getopt(W->c, PN_TCP_OPT_CC, &v), 0);
	assert_int_equal(v, PN_TCP_CC_CUBIC);		/* conf.cc */
	assert_int_equal(pn_tcp_default_opt(W->tcp, PN_TCP_OPT_CC, &v), 0);
	assert_int_equal(v, PN_TCP_CC_CUBIC);
	cwnd = W->c->cwnd;
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_CC, PN_TCP_CC_RENO), 0);
	assert_ptr_equal(W->c->cc, &tcp_cc_newreno);
	assert_int_equal(W->c->cwnd, cwnd);
	assert_int_equal(pn_tcp_getopt(W->c, PN_TCP_OPT_CC, &v), 0);
	assert_int_equal(v, PN_TCP_CC_RENO);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_CC, 0), -EINVAL);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_CC, 99), -EINVAL);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_CC, PN_TCP_CC_CUBIC),
			 0);
	assert_ptr_equal(W->c->cc, &tcp_cc_cubic);
	assert_int_equal(W->c->cwnd, cwnd);
	assert_int_equal(pn_tcp_cc_id("reno"), PN_TCP_CC_RENO);
	assert_int_equal(pn_tcp_cc_id("newreno"), PN_TCP_CC_RENO);
	assert_int_equal(pn_tcp_cc_id("bbr"), 0);
	assert_string_equal(pn_tcp_cc_name(PN_TCP_CC_CUBIC), "cubic");
	assert_null(pn_tcp_cc_name(0));
}

static void
close_from_upcall(void)
{
	if (W->c != NULL) {
		pn_tcp_close(W->c);
		W->c = NULL;
	}
}

static void
close_inside_wakeup_is_safe(void **state)
{
	(void)state;
	est();
	W->on_wake = close_from_upcall;
	IN(R, .seq = 1001);
	assert_null(W->c);
	assert_int_equal(scn_nconns(), 0);
}

static void
close_inside_data_wakeup_is_safe(void **state)
{
	(void)state;
	est();
	W->on_wake = close_from_upcall;
	IN(FPA, .len = 10);
	/* unread data at close: RST */
	OUT(RA);
	assert_int_equal(scn_nconns(), 0);
}

static void
listen_backlog_change(void **state)
{
	(void)state;
	scn_start();
	assert_int_equal(pn_tcp_listen(W->tcp, 0, 80, 1, &W->lctx, &W->l), 0);
	IN(S, .seq = 1, .sport = 1);
	OUT(SA);
	IN(A, .seq = 2, .ack = ISN + 1, .sport = 1);
	IN(S, .seq = 1, .sport = 2);
	NONE();
	pn_tcp_listen_backlog(W->l, 2);
	IN(S, .seq = 1, .sport = 2);
	OUT(SA);
}

static void
send_before_established_eagain(void **state)
{
	(void)state;
	scn_start();
	assert_int_equal(pn_tcp_connect(W->tcp, 0, PORT_US, IP_PEER, PORT_PEER,
					 &W->cctx, &W->c), 0);
	assert_int_equal(scn_send(10), -EAGAIN);
	assert_int_equal(pn_tcp_shutdown(W->c, SHUT_WR), -ENOTCONN);
}

static void
pn_tcp_of_shard_registered(void **state)
{
	(void)state;
	scn_start();
	assert_ptr_equal(pn_tcp_of_shard(0), W->tcp);
	assert_null(pn_tcp_of_shard(1));
}

static void
bad_checksum_dropped(void **state)
{
	(void)state;
	est();
	IN(PA, .len = 10, .badck = 1);
	NONE();
	assert_int_equal(pn_tcp_readable(W->c), 0);
	assert_int_equal(scn_drops(PN_DROP_TCP_CSUM), 1);
	assert_int_equal(scn_stat("InCsumErrors"), 1);
	IN(S, .seq = 5, .sport = 999, .badck = 1);
	NONE(); /* no RST for a corrupt segment either */
}

static void
rst_processed_with_zero_window(void **state)
{
	(void)state;
	W->tconf.rcvbuf = 4096;
	est();
	IN(PA, .len = 1024);
	IN(PA, .len = 1024);
	IN(PA, .len = 1024);
	IN(PA, .len = 1024);
	scn_flush();
	IN(R, .seq = 1001 + 4096);
	assert_int_equal(scn_state(), PN_TCP_CLOSED); /* MUST-66 */
}

static void
listen_while_connecting_same_port(void **state)
{
	(void)state;
	scn_start();
	assert_int_equal(pn_tcp_connect(W->tcp, 0, PORT_US, IP_PEER, PORT_PEER,
					 &W->cctx, &W->c), 0);
	OUT(S);
	scn_listen(PORT_US); /* MUST-42 */
	IN(S, .seq = 50, .sport = 4444);
	OUT(SA, .ack = 51);
}

static void
connect_to_broadcast_refused(void **state)
{
	struct pn_tcp_conn *c2;

	(void)state;
	scn_start();
	assert_int_equal(pn_tcp_connect(W->tcp, 0, 0, 0xffffffffu, 80, NULL, &c2),
			 -ENETUNREACH);
	assert_int_equal(pn_tcp_connect(W->tcp, 0, 0, PN_IPV4(224, 0, 0, 1), 80,
					 NULL, &c2), -ENETUNREACH);
}

static void
keepalive_not_sent_with_data_outstanding(void **state)
{
	(void)state;
	W->tconf.retries2 = 50;
	W->tconf.rto_max_ms = 600000;
	est();
	pn_tcp_setopt(W->c, PN_TCP_OPT_KEEPIDLE, 1);
	pn_tcp_setopt(W->c, PN_TCP_OPT_KEEPALIVE, 1);
	scn_send(10);
	OUT(PA, .len = 10);
	ADVANCE_MS(1100);
	/* RTO retransmissions only, never a keepalive (MUST-26) */
	while (scn_pending() > 0)
		OUT(PA, .len = 10);
	assert_int_equal(scn_stat("TCPKeepAlive"), 0);
}

/* The reply to a connection we open must hash to our shard. */
static void
ephemeral_port_steered_home(void **state)
{
	struct pn_tcp_conn *c[16];
	int i;

	(void)state;
	scn_start();
	W->shards.n = 4;
	assert_int_equal(pn_steer_init(&W->shards.steer, 4, 128), 0);
	for (i = 0; i < 16; i++) {
		uint8_t f[54] = { 0 };
		uint32_t lip, rip, h;
		uint16_t lp, rp;

		assert_int_equal(pn_tcp_connect(W->tcp, 0, 0, IP_PEER, 80, NULL,
						 &c[i]), 0);
		pn_tcp_addrs(c[i], &lip, &lp, &rip, &rp);
		/* the peer's reply: rip:rp -> lip:lp */
		f[12] = 8;
		f[14] = 0x45;
		f[17] = 40;
		f[23] = 6;
		f[26] = (uint8_t)(rip >> 24); f[27] = (uint8_t)(rip >> 16);
		f[28] = (uint8_t)(rip >> 8); f[29] = (uint8_t)rip;
		f[30] = (uint8_t)(lip >> 24); f[31] = (uint8_t)(lip >> 16);
		f[32] = (uint8_t)(lip >> 8); f[33] = (uint8_t)lip;
		f[34] = (uint8_t)(rp >> 8); f[35] = (uint8_t)rp;
		f[36] = (uint8_t)(lp >> 8); f[37] = (uint8_t)lp;
		f[46] = 0x50;
		assert_true(pn_steer_hash(&W->shards.steer, f, sizeof(f), &h));
		assert_int_equal(pn_steer_owner(&W->shards.steer, h), 0);
	}
	for (i = 0; i < 16; i++)
		pn_tcp_abort(c[i]);
	W->shards.n = 1;
	scn_flush();
}

/* An active open with no source port takes none that bind() holds (the
 * socket layer's counts; Linux __inet_hash_connect skips such buckets). */
static void
ephemeral_port_skips_bound(void **state)
{
	static uint32_t held[UINT16_MAX + 1];
	struct pn_tcp_conn *c;
	uint32_t lip, rip;
	uint16_t lp, rp;

	(void)state;
	scn_start();
	W->tcp->next_port = 40000;
	held[40000] = 1;
	held[40001] = 2;
	pn_tcp_skip_ports(W->tcp, held);
	assert_int_equal(pn_tcp_connect(W->tcp, 0, 0, IP_PEER, 80, NULL, &c),
			 0);
	pn_tcp_addrs(c, &lip, &lp, &rip, &rp);
	assert_int_equal(lp, 40002);
	pn_tcp_abort(c);
	/* freed: taken again */
	held[40000] = 0;
	W->tcp->next_port = 40000;
	assert_int_equal(pn_tcp_connect(W->tcp, 0, 0, IP_PEER, 80, NULL, &c),
			 0);
	pn_tcp_addrs(c, &lip, &lp, &rip, &rp);
	assert_int_equal(lp, 40000);
	pn_tcp_abort(c);
	/* a source port given is the caller's business (bind() checked it) */
	assert_int_equal(pn_tcp_connect(W->tcp, 0, 40001, IP_PEER, 80, NULL,
					&c), 0);
	pn_tcp_abort(c);
	pn_tcp_skip_ports(W->tcp, NULL);
	held[40001] = 0;
	scn_flush();
}

static int
tel(const char *cmd, const char *params)
{
	struct rte_tel_data *d = rte_tel_data_alloc();
	int rc;

	assert_non_null(d);
	rc = tcp_telemetry_call(cmd, params, d);
	rte_tel_data_free(d);
	return rc;
}

static void
telemetry_handlers(void **state)
{
	(void)state;
	est();
	IN(PA, .len = 10);
	assert_int_equal(tel("/pollnet/tcp", ""), 0);
	assert_int_equal(tel("/pollnet/tcp", "0"), 0);
	assert_int_equal(tel("/pollnet/tcp", "9"), -1);
	/* Per-connection entries are nested containers that only the
	 * telemetry socket's writer frees: list an empty shard here. */
	pn_tcp_abort(W->c);
	W->c = NULL;
	scn_flush();
	assert_int_equal(tel("/pollnet/tcp/conns", "0"), 0);
	assert_int_equal(tel("/pollnet/tcp/conns", ""), -1);
	assert_int_equal(tel("/pollnet/tcp/conns", "x"), -1);
	assert_string_equal(pn_tcp_state_name(PN_TCP_ESTABLISHED), "ESTABLISHED");
	assert_string_equal(pn_tcp_state_name(200), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(poll_fresh_connection_writable),
		SCN(poll_readable_after_data),
		SCN(rcvlowat_gates_epollin),
		SCN(recv_eagain_when_empty),
		SCN(peek_leaves_data),
		SCN(recv_scatter_iov),
		SCN(zero_copy_receive),
		SCN(zero_copy_send),
		SCN(error_taken_once),
		SCN(options_roundtrip_and_bounds),
		SCN(info_fields),
		SCN(addrs),
		SCN(close_inside_wakeup_is_safe),
		SCN(close_inside_data_wakeup_is_safe),
		SCN(listen_backlog_change),
		SCN(send_before_established_eagain),
		SCN(pn_tcp_of_shard_registered),
		SCN(bad_checksum_dropped),
		SCN(rst_processed_with_zero_window),
		SCN(listen_while_connecting_same_port),
		SCN(connect_to_broadcast_refused),
		SCN(keepalive_not_sent_with_data_outstanding),
		SCN(ephemeral_port_steered_home),
		SCN(ephemeral_port_skips_bound),
		SCN(congestion_control_switch),
		SCN(telemetry_handlers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
