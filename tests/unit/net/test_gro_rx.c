/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/gro in front of TCP input, one established connection, checksums
 * not verified by the device (summed in software): a segment with a bad
 * TCP or IPv4 header checksum inside a run of in-order segments is
 * caught as it is with GRO off. Dropped by TCP (PN_DROP_TCP_CSUM,
 * InCsumErrors) or IPv4 (PN_DROP_IP_CSUM); the segments before it merged
 * and delivered, those after it held out of order until it comes again.
 * Linux does the same: tcp4_gro_receive hands a segment whose checksum
 * fails (skb_gro_checksum_validate) up alone, where tcp_v4_rcv drops it
 * (TCP_MIB_CSUMERRORS); inet_gro_receive hands up one whose header
 * checksum fails (ip_fast_csum) for ip_rcv to drop.
 */
#include <errno.h>

#include "gro.h"
#include "net_test.h"
#include "net_priv.h"
#include "tcp.h"

#define PORT 80
#define MSS 1448
#define RUN 8
#define BAD 3		/* the segment of the run that is corrupted */

enum corrupt { CORRUPT_TCP, CORRUPT_IP };

/* What a run leaves behind, compared between GRO on and off. */
struct outcome {
	uint64_t drop_tcp_csum, drop_ip_csum, in_csum_errors, in_segs;
	size_t before, after;	/* bytes readable before/after the resend */
};

static struct rte_mbuf *
seg(uint32_t seq, uint32_t ack, enum corrupt c, bool bad)
{
	struct rte_mbuf *m = tcp_frame(IP_US, 1024, PORT, seq, ack, F_ACK, MSS,
				       bad && c == CORRUPT_TCP);

	if (bad && c == CORRUPT_IP)
		rte_pktmbuf_mtod(m, uint8_t *)[14 + 10] ^= 0x11;
	m->port = 0;
	return m;
}

/* @p n packets through GRO (a NAPI round: receive, then flush) or not. */
static void
deliver(struct pn_gro *g, struct rte_mbuf **m, uint16_t n)
{
	struct rte_mbuf *up[2 * RUN];
	uint16_t k;

	if (g == NULL) {
		pn_net_rx(&T->lc[0], m, n, T->net[0]);
		return;
	}
	k = pn_gro_receive(g, m, n, up);
	pn_net_rx(&T->lc[0], up, k, T->net[0]);
	k = pn_gro_flush(g, up, RTE_DIM(up));
	pn_net_rx(&T->lc[0], up, k, T->net[0]);
}

static size_t
read_all(struct pn_tcp_conn *c, uint8_t *buf, size_t len)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	ssize_t n = pn_tcp_recv(c, &iov, 1, 0);

	return n < 0 ? 0 : (size_t)n;
}

static void
run(bool gro, enum corrupt c, struct outcome *o)
{
	static uint8_t buf[RUN * MSS];
	struct pn_tcp_conn *conn;
	struct pn_tcp_listen *l;
	struct rte_mbuf *m[RUN];
	struct pn_gro_conf gc;
	struct pn_tcp_conf tc;
	struct pn_tcp *tcp;
	struct pn_gro g;
	uint32_t iss = 0, seq = 1001;
	unsigned int k;
	size_t i;

	tw_start(1);
	pn_tcp_conf_default(&tc);
	pn_gro_conf_default(&gc);
	pn_gro_init(&g, &gc);
	assert_int_equal(pn_tcp_create(&tc, &T->lc[0], T->net[0], NULL, &tcp),
			 0);
	assert_int_equal(pn_tcp_listen(tcp, 0, PORT, 1, NULL, &l), 0);
	m[0] = arp_request();
	tw_net_rx(m, 1);
	tw_clear(0);
	assert_int_equal(tw_tcp_handshake(1024, PORT, seq - 1, &iss), 0);
	assert_int_equal(pn_tcp_accept(l, NULL, &conn), 0);

	for (k = 0; k < RUN; k++)
		m[k] = seg(seq + k * MSS, iss + 1, c, k == BAD);
	deliver(gro ? &g : NULL, m, RUN);
	if (gro)
		assert_int_equal(g.stat.csum_bad, c == CORRUPT_TCP);
	o->drop_tcp_csum = T->lc[0].stat.drop[PN_DROP_TCP_CSUM];
	o->drop_ip_csum = T->lc[0].stat.drop[PN_DROP_IP_CSUM];
	o->in_csum_errors = pn_tcp_stats(tcp)->InCsumErrors;
	o->before = read_all(conn, buf, sizeof(buf));
	/* The peer sends it again, intact: the rest follows it up. */
	m[0] = seg(seq + BAD * MSS, iss + 1, c, false);
	deliver(gro ? &g : NULL, m, 1);
	o->after = read_all(conn, buf + o->before, sizeof(buf) - o->before);
	o->in_segs = pn_tcp_stats(tcp)->InSegs;
	for (i = 0; i < o->before + o->after; i++)
		if (buf[i] != (uint8_t)(i % MSS))
			fail_msg("byte %zu: %u", i, buf[i]);

	tw_clear(0);
	pn_tcp_listen_close(l);
	pn_tcp_free(tcp);
	pn_tx_flush(&T->lc[0]);
	tw_clear(0);
}

static void
check(void **state, enum corrupt c)
{
	struct outcome on, off;

	run(true, c, &on);
	tw_teardown(state);
	tw_setup(state);
	run(false, c, &off);

	assert_int_equal(on.drop_tcp_csum, c == CORRUPT_TCP);
	assert_int_equal(on.in_csum_errors, c == CORRUPT_TCP);
	assert_int_equal(on.drop_ip_csum, c == CORRUPT_IP);
	assert_int_equal(on.before, BAD * MSS);
	assert_int_equal(on.after, (RUN - BAD) * MSS);
	/* GRO off: the same drops, the same bytes at the same times. */
	assert_int_equal(off.drop_tcp_csum, on.drop_tcp_csum);
	assert_int_equal(off.in_csum_errors, on.in_csum_errors);
	assert_int_equal(off.drop_ip_csum, on.drop_ip_csum);
	assert_int_equal(off.before, on.before);
	assert_int_equal(off.after, on.after);
	/* Merged or not, TCP counts every segment it saw (Linux gso_segs). */
	assert_int_equal(off.in_segs, on.in_segs);
}

static void
test_bad_tcp_checksum_in_a_run(void **state)
{
	check(state, CORRUPT_TCP);
}

static void
test_bad_ip_checksum_in_a_run(void **state)
{
	check(state, CORRUPT_IP);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bad_tcp_checksum_in_a_run,
						tw_setup, tw_teardown),
		cmocka_unit_test_setup_teardown(test_bad_ip_checksum_in_a_run,
						tw_setup, tw_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
