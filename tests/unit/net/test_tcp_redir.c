/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An active open from a port the application bound, whose replies hash to
 * the other shard (lib/tcp/tcp_redir.c): the owner of the hash passes the
 * SYN-ACK and later segments on, the connection establishes on the shard
 * that connected, nobody answers with a RST; once the connection is gone
 * the owner forgets the 4-tuple and a stray segment meets RFC 9293's
 * CLOSED rules there again. An ephemeral port never needs this.
 */
#include <errno.h>

#include "net_test.h"
#include "net_priv.h"
#include "tcp.h"

#define PEER_PORT 80

static struct pn_tcp *tcp[2];

/* Ethernet input of one frame on shard @p s, then its TX flush. */
static void
rx_on(unsigned int s, struct rte_mbuf *m)
{
	m->port = 0;
	T->lc[s].now = pn_clock_now(&T->clock);
	pn_net_rx(&T->lc[s], &m, 1, T->net[s]);
	pn_tx_flush(&T->lc[s]);
}

/* The shard the peer's segments to (us, @p port) hash to. */
static int
owner_of(uint16_t port)
{
	struct rte_mbuf *m = tcp_frame(IP_US, PEER_PORT, port, 0, 0,
				       F_SYN | F_ACK, 0, false);
	int o = pn_steer_mbuf_owner(&T->shards.steer, m);

	rte_pktmbuf_free(m);
	return o;
}

/* The first port from 20000 whose replies hash to shard @p s. */
static uint16_t
port_of(unsigned int s)
{
	uint16_t port;

	for (port = 20000; owner_of(port) != (int)s; port++)
		assert_true(port < 21000);
	return port;
}

/* Shard @p s connects from @p port to the peer; its SYN sent, dropped,
 * and with @p iss, the only frame, its sequence number read first. */
static struct pn_tcp_conn *
connect_syn(unsigned int s, uint16_t port, uint32_t *iss)
{
	struct pn_tcp_conn *c;
	uint8_t buf[PKT_MAX];

	assert_int_equal(pn_tcp_connect(tcp[s], 0, port, IP_PEER, PEER_PORT,
					NULL, &c), 0);
	pn_tx_flush(&T->lc[s]);
	if (iss != NULL) {
		assert_int_equal(T->ntx[s], 1); /* the SYN, from shard s */
		tw_frame(s, 0, buf);
		*iss = tw_get32(buf + 14 + 20 + 4);
	}
	tw_clear(s);
	return c;
}

static struct pn_tcp_conn *
connect_from(unsigned int s, uint16_t port)
{
	return connect_syn(s, port, NULL);
}

/* Shard @p s aborts @p c; its RST sent, dropped. */
static void
abort_on(unsigned int s, struct pn_tcp_conn *c)
{
	pn_tcp_abort(c);
	pn_tx_flush(&T->lc[s]);
	tw_clear(s);
}

static void
start(void)
{
	struct pn_tcp_conf tc;
	unsigned int s;

	tw_start(2);
	assert_int_equal(pn_steer_init(&T->shards.steer, 2, 128), 0);
	pn_tcp_conf_default(&tc);
	for (s = 0; s < 2; s++) {
		assert_int_equal(pn_tcp_create(&tc, &T->lc[s], T->net[s], NULL,
					       &tcp[s]), 0);
		rx_on(s, arp_request()); /* the peer's MAC, on both */
		tw_clear(s);
	}
}

static void
stop(void)
{
	unsigned int s;

	for (s = 0; s < 2; s++) {
		tw_round(s);
		pn_tcp_free(tcp[s]);
		pn_tx_flush(&T->lc[s]);
		tw_clear(s);
	}
}

static uint8_t
state_of(const struct pn_tcp_conn *c)
{
	struct pn_tcp_info info;

	pn_tcp_info(c, &info);
	return info.state;
}

static void
test_bound_port_replies_passed_on(void **state)
{
	const struct pn_tcp_stat *st1;
	struct pn_tcp_conn *c;
	uint16_t port;
	uint32_t iss;

	(void)state;
	start();
	st1 = pn_tcp_stats(tcp[1]);
	port = port_of(1);

	c = connect_syn(0, port, &iss);
	tw_round(1); /* the owner takes the redirect */
	assert_int_equal(st1->TCPRedirects, 1);

	/* The SYN-ACK lands on shard 1: no RST, passed on. */
	rx_on(1, tcp_frame(IP_US, PEER_PORT, port, 7000, iss + 1,
			   F_SYN | F_ACK, 0, false));
	assert_int_equal(T->ntx[1], 0);
	assert_int_equal(st1->TCPRedirectedSegs, 1);
	assert_int_equal(st1->InSegs, 0);
	assert_int_equal(st1->OutRsts, 0);
	tw_round(0); /* shard 0 handles it: established, its ACK */
	assert_int_equal(state_of(c), PN_TCP_ESTABLISHED);
	assert_int_equal(T->ntx[0], 1);
	assert_int_equal(pn_tcp_stats(tcp[0])->InSegs, 1);
	tw_clear(0);

	/* Data and the peer's FIN take the same way. */
	rx_on(1, tcp_frame(IP_US, PEER_PORT, port, 7001, iss + 1,
			   F_ACK | F_FIN, 10, false));
	assert_int_equal(T->ntx[1], 0);
	tw_round(0);
	assert_int_equal(state_of(c), PN_TCP_CLOSE_WAIT);
	assert_int_equal(pn_tcp_stats(tcp[0])->InSegs, 2);
	tw_clear(0);

	/* Gone (RST, no TIME-WAIT): the owner forgets the tuple, and a
	 * stray segment gets its RST from there, as RFC 9293 says. */
	pn_tcp_abort(c);
	pn_tx_flush(&T->lc[0]);
	tw_clear(0);
	tw_round(1);
	rx_on(1, tcp_frame(IP_US, PEER_PORT, port, 7012, iss + 1, F_ACK, 1,
			   false));
	assert_int_equal(T->ntx[1], 1);
	assert_int_equal(st1->OutRsts, 1);
	assert_int_equal(st1->TCPRedirectedSegs, 2);
	tw_clear(1);
	stop();
}

/* A passed-on segment keeps its IP TOS: the connecting shard's RST to
 * an unacceptable SYN-ACK reflects it, ECN bits cleared (as without a
 * redirect, tcp_send_rst_reply; Linux ip_send_unicast_reply). */
static void
test_passed_on_segment_keeps_tos(void **state)
{
	struct pn_tcp_conn *c;
	struct rte_mbuf *m;
	uint8_t buf[PKT_MAX], *p;
	uint16_t port;
	uint32_t iss;

	(void)state;
	start();
	port = port_of(1);
	c = connect_syn(0, port, &iss);
	tw_round(1);
	/* SEG.ACK > SND.NXT: RFC 9293 3.10.7.3, <SEQ=SEG.ACK><CTL=RST> */
	m = tcp_frame(IP_US, PEER_PORT, port, 7000, iss + 5, F_SYN | F_ACK, 0,
		      false);
	p = rte_pktmbuf_mtod(m, uint8_t *);
	p[14 + 1] = 0x2b;
	pkt_ipv4_fix_cksum(p + 14);
	rx_on(1, m);
	assert_int_equal(T->ntx[1], 0);
	tw_round(0);
	assert_int_equal(T->ntx[0], 1);
	tw_frame(0, 0, buf);
	assert_int_equal(buf[14 + 1], 0x28);
	assert_int_equal(buf[14 + 20 + 13] & F_RST, F_RST);
	assert_int_equal(tw_get32(buf + 14 + 20 + 4), iss + 5);
	assert_int_equal(state_of(c), PN_TCP_SYN_SENT);
	tw_clear(0);
	pn_tcp_abort(c);
	pn_tx_flush(&T->lc[0]);
	tw_clear(0);
	stop();
}

/* A bound port whose replies come back here: no redirect at all. */
static void
test_bound_port_of_our_own_needs_none(void **state)
{
	struct pn_tcp_conn *c;
	uint16_t port;

	(void)state;
	start();
	port = port_of(0);
	assert_int_equal(pn_tcp_connect(tcp[0], 0, port, IP_PEER, PEER_PORT,
					NULL, &c), 0);
	tw_round(1);
	assert_int_equal(pn_tcp_stats(tcp[1])->TCPRedirects, 0);
	pn_tcp_abort(c);
	stop();
}

/* A tuple the owner holds itself (here a SYN-SENT; a TIME-WAIT alike):
 * another shard's claim on it is refused, and that shard's connect fails
 * as Linux's connect() to a 4-tuple in use (EADDRNOTAVAIL), without a
 * RST (the tuple is the owner's); the owner's connection goes on. */
static void
test_claim_on_owners_tuple_refused(void **state)
{
	struct pn_tcp_conn *mine, *other;
	uint16_t port;
	uint32_t iss;

	(void)state;
	start();
	port = port_of(1);
	mine = connect_syn(1, port, &iss);
	/* shard 0 cannot see shard 1's table: its connect starts */
	other = connect_from(0, port);
	tw_round(1); /* the claim: refused */
	assert_int_equal(pn_tcp_stats(tcp[1])->TCPRedirects, 0);
	tw_round(0); /* the refusal */
	assert_int_equal(pn_tcp_stats(tcp[0])->TCPRedirectRefused, 1);
	assert_int_equal(state_of(other), PN_TCP_CLOSED);
	assert_int_equal(pn_tcp_error(other), EADDRNOTAVAIL);
	assert_int_equal(T->ntx[0], 0);	/* no RST on the owner's tuple */
	pn_tcp_close(other);
	tw_round(0);
	tw_round(1);

	/* The SYN-ACK is the owner's, and establishes its connection. */
	rx_on(1, tcp_frame(IP_US, PEER_PORT, port, 7000, iss + 1,
			   F_SYN | F_ACK, 0, false));
	assert_int_equal(state_of(mine), PN_TCP_ESTABLISHED);
	assert_int_equal(pn_tcp_stats(tcp[1])->TCPRedirectedSegs, 0);
	tw_clear(1);
	abort_on(1, mine);
	stop();
}

/* A tuple the owner passes on to another shard is in use there: its own
 * connect on it fails (EADDRINUSE, tuple_free), until the claimer's
 * connection is gone. */
static void
test_owner_connect_on_passed_on_tuple(void **state)
{
	struct pn_tcp_conn *c, *c2;
	uint16_t port;

	(void)state;
	start();
	port = port_of(1);
	c = connect_from(0, port);
	tw_round(1);
	assert_int_equal(pn_tcp_stats(tcp[1])->TCPRedirects, 1);
	assert_int_equal(pn_tcp_connect(tcp[1], 0, port, IP_PEER, PEER_PORT,
					NULL, &c2), -EADDRINUSE);
	abort_on(0, c);
	tw_round(1); /* the claimer's DEL */
	abort_on(1, connect_from(1, port));
	stop();
}

/* A refusal answers one claim: a later connection on the same tuple,
 * whose own claim the owner takes, is not failed by the earlier refusal,
 * and its entry goes with it (found by fuzz-shards). */
static void
test_stale_refusal_ignored(void **state)
{
	struct pn_tcp_conn *c2, *mine;
	uint16_t port;

	(void)state;
	start();
	port = port_of(1);
	/* claim 1, gone at once (its DEL follows it) */
	abort_on(0, connect_from(0, port));
	/* the owner's own connection: claim 1 is refused */
	mine = connect_from(1, port);
	tw_round(1);
	/* claim 2, sent before the refusal of 1 arrives */
	c2 = connect_from(0, port);
	abort_on(1, mine);
	tw_round(0); /* the refusal of claim 1: not c2's */
	assert_int_equal(state_of(c2), PN_TCP_SYN_SENT);
	assert_int_equal(pn_tcp_stats(tcp[0])->TCPRedirectRefused, 0);
	tw_round(1); /* claim 2: taken */
	assert_int_equal(pn_tcp_stats(tcp[1])->TCPRedirects, 1);
	/* c2's end removes its entry: the owner may use the tuple again */
	abort_on(0, c2);
	tw_round(1);
	abort_on(1, connect_from(1, port));
	stop();
}

/* --- connections to ourselves, over the loopback --- */

/* The shard that owns the loopback tuple IP_US:@p port <-> IP_US:80. */
static int
self_owner(uint16_t port)
{
	return pn_steer_owner(&T->shards.steer,
			      pn_steer_hash_l4(&T->shards.steer, IP_US, IP_US,
					       PEER_PORT, port));
}

/* Rounds on both shards until nothing is left to do. */
static void
settle(void)
{
	int i;

	for (i = 0; i < 16; i++) {
		tw_round(0);
		tw_round(1);
	}
}

/* A listener on each shard (SO_REUSEPORT's way); shard 0 connects to our
 * own address from @p sport (0: ephemeral). The connection establishes
 * through the loopback, the server's end on the tuple's owner, a request
 * and its answer cross, and nothing touches the wire. @return the shard
 * that accepted. */
static unsigned int
self_connect(uint16_t sport)
{
	struct pn_tcp_listen *l[2];
	struct pn_tcp_conn *c, *srv = NULL;
	char buf[16] = "";
	struct iovec v = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct iovec req = { .iov_base = (void *)"ping", .iov_len = 4 };
	uint32_t lip, rip;
	uint16_t lport, rport;
	unsigned int s, acc = 2;

	for (s = 0; s < 2; s++)
		assert_int_equal(pn_tcp_listen(tcp[s], 0, PEER_PORT, 8, NULL,
					       &l[s]), 0);
	assert_int_equal(pn_tcp_connect(tcp[0], 0, sport, IP_US, PEER_PORT,
					NULL, &c), 0);
	settle();
	assert_int_equal(state_of(c), PN_TCP_ESTABLISHED);
	pn_tcp_addrs(c, &lip, &lport, &rip, &rport);
	assert_int_equal(lip, IP_US);
	assert_int_equal(rip, IP_US);
	for (s = 0; s < 2; s++) {
		if (pn_tcp_accept(l[s], NULL, &srv) == 0) {
			assert_int_equal(acc, 2);	/* one of them */
			acc = s;
		}
	}
	assert_int_equal(acc, (unsigned int)self_owner(lport));
	assert_int_equal(pn_tcp_send(c, &req, 1, 0), 4);
	settle();
	assert_int_equal(pn_tcp_recv(srv, &v, 1, 0), 4);
	assert_memory_equal(buf, "ping", 4);
	for (s = 0; s < 2; s++) {
		assert_int_equal(T->ntx[s], 0);	/* nothing on the wire */
		assert_true(T->lc[s].stat.looped > 0 || s != acc);
	}
	pn_tcp_abort(c);
	pn_tcp_abort(srv);
	settle();
	for (s = 0; s < 2; s++)
		pn_tcp_listen_close(l[s]);
	return acc;
}

static void
test_self_connect_ephemeral(void **state)
{
	(void)state;
	start();
	/* an ephemeral port hashes home: the whole connection on shard 0 */
	assert_int_equal(self_connect(0), 0);
	stop();
}

static void
test_self_connect_bound_port_other_shard(void **state)
{
	uint16_t port;

	(void)state;
	start();
	for (port = 20000; self_owner(port) != 1; port++)
		assert_true(port < 21000);
	/* the server's end on shard 1; the client's replies passed on */
	assert_int_equal(self_connect(port), 1);
	assert_true(pn_tcp_stats(tcp[1])->TCPRedirectedSegs > 0);
	stop();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TW_TEST(test_bound_port_replies_passed_on),
		TW_TEST(test_passed_on_segment_keeps_tos),
		TW_TEST(test_bound_port_of_our_own_needs_none),
		TW_TEST(test_claim_on_owners_tuple_refused),
		TW_TEST(test_owner_connect_on_passed_on_tuple),
		TW_TEST(test_stale_refusal_ignored),
		TW_TEST(test_self_connect_ephemeral),
		TW_TEST(test_self_connect_bound_port_other_shard),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
