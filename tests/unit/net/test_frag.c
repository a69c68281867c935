/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reassembly (in order, out of order, 64 KB, duplicates, overlaps,
 * timeout, limits, bad fragments) and fragmentation on output (echo
 * replies above the MTU, UDP with a software-finished checksum, DF).
 */
#include "net_test.h"

#define BIG (65536 + 64)

/* A datagram's payload, and its fragments as sent. */
struct dgram {
	uint8_t l4[BIG];
	uint32_t len;
	uint16_t id;
	uint8_t proto;
};

static struct dgram D;
static uint8_t R[BIG];	/* a reply reassembled by the test */

/* An ICMP echo request with @p data_len bytes of data. */
static void
make_ping(uint32_t data_len, uint16_t id)
{
	uint32_t i;

	D.l4[0] = 8;
	D.l4[1] = 0;
	pkt_put16(D.l4 + 2, 0);
	pkt_put16(D.l4 + 4, 0x77);
	pkt_put16(D.l4 + 6, 9);
	for (i = 0; i < data_len; i++)
		D.l4[8 + i] = (uint8_t)(i * 7 + (i >> 8));
	D.len = 8 + data_len;
	pkt_put16(D.l4 + 2, pkt_ref_cksum(D.l4, D.len));
	D.id = id;
	D.proto = 1;
}

/* Send bytes [off, off + len) of D as one fragment. */
static void
send_frag(uint32_t off, uint32_t len)
{
	static uint8_t f[2048];
	bool mf = off + len < D.len;
	uint32_t n = b_eth(f, MAC_US, MAC_PEER, 0x0800);

	n += b_ip(f + n, (uint16_t)(20 + len), D.id,
		  (uint16_t)((mf ? 0x2000 : 0) | off / 8), D.proto, IP_PEER,
		  IP_US);
	memcpy(f + n, D.l4 + off, len);
	tw_rx(0, f, n + len);
}

/* Send D in fragments of @p fsz, in the order of @p order (NULL: in order). */
static unsigned int
send_frags(uint32_t fsz, const unsigned int *order, unsigned int norder)
{
	unsigned int nf = (D.len + fsz - 1) / fsz, i;

	for (i = 0; i < (order != NULL ? norder : nf); i++) {
		unsigned int k = order != NULL ? order[i] : i;
		uint32_t off = k * fsz;

		send_frag(off, RTE_MIN(fsz, D.len - off));
	}
	return nf;
}

/*
 * Reassemble what shard 0 sent from frame @p first on: every frame an
 * IPv4 fragment of at most @p mtu bytes to the peer, offsets contiguous.
 * Returns the payload length.
 */
static uint32_t
collect(unsigned int first, uint16_t mtu)
{
	uint8_t g[2048];
	uint32_t next = 0;
	unsigned int i;
	bool last = false;

	for (i = first; i < T->ntx[0]; i++) {
		struct pn_ipv4_hdr ip;
		uint32_t plen;

		tw_ip_frame(0, i, g, &ip);
		assert_false(last);
		assert_true(ip.total_len <= mtu);
		assert_int_equal(tw_frame(0, i, g), 14 + ip.total_len);
		assert_int_equal(ip.dst, IP_PEER);
		assert_int_equal(ip.frag_off, next);
		plen = ip.total_len - 20u;
		if (ip.mf)
			assert_int_equal(plen % 8, 0);
		memcpy(R + next, g + 34, plen);
		next += plen;
		last = !ip.mf;
	}
	assert_true(last);
	return next;
}

/* The reply to D is D with type 0 and a valid checksum. */
static void
assert_echo_reply(uint32_t len)
{
	assert_int_equal(len, D.len);
	assert_int_equal(R[0], 0);
	assert_int_equal(pkt_ref_cksum(R, len), 0);
	assert_memory_equal(R + 4, D.l4 + 4, len - 4);
}

static void
test_8000_byte_ping(void **state)
{
	(void)state;
	tw_start(1);
	tw_learn_peer();
	make_ping(8000, 1);
	assert_int_equal(send_frags(1480, NULL, 0), 6);
	assert_int_equal(T->ntx[0], 6);
	assert_echo_reply(collect(0, 1500));
	assert_int_equal(tw_stat(0)->frag_in, 6);
	assert_int_equal(tw_stat(0)->reasm_ok, 1);
	assert_int_equal(tw_stat(0)->frag_ok, 1);
	assert_int_equal(tw_stat(0)->frag_out, 6);
	assert_int_equal(tw_lc(0)->stat.drops, 0);
}

static void
test_out_of_order(void **state)
{
	static const unsigned int order[] = { 5, 2, 0, 4, 1, 3 };

	(void)state;
	tw_start(1);
	tw_learn_peer();
	make_ping(8000, 2);
	send_frags(1480, order, RTE_DIM(order));
	assert_echo_reply(collect(0, 1500));
}

static void
test_64k_ping(void **state)
{
	(void)state;
	tw_start(1);
	tw_learn_peer();
	make_ping(65535 - 20 - 8, 3);		/* the largest there is */
	assert_int_equal(send_frags(1480, NULL, 0), 45);
	assert_int_equal(tw_stat(0)->reasm_ok, 1);
	assert_int_equal(T->ntx[0], 45);
	assert_echo_reply(collect(0, 1500));
}

static void
test_small_mtu_reply(void **state)
{
	(void)state;
	T->conf.port[0].mtu = 576;
	tw_start(1);
	tw_learn_peer();
	make_ping(3000, 4);
	send_frags(1480, NULL, 0);
	assert_int_equal(T->ntx[0], 6);		/* 3008 / 552 */
	assert_echo_reply(collect(0, 576));
}

static void
test_duplicate_dropped_alone(void **state)
{
	static const unsigned int order[] = { 0, 1, 1, 0, 2, 3, 4, 5 };

	(void)state;
	tw_start(1);
	tw_learn_peer();
	make_ping(8000, 5);
	send_frags(1480, order, RTE_DIM(order));
	assert_int_equal(tw_drops(0, PN_DROP_REASM_DUP), 2);
	assert_echo_reply(collect(0, 1500));
}

static void
test_overlap_discards_datagram(void **state)
{
	(void)state;
	tw_start(1);
	tw_learn_peer();
	make_ping(8000, 6);
	send_frag(0, 1480);
	send_frag(1480, 1480);
	send_frag(1472, 1480);			/* overlaps both */
	assert_int_equal(tw_drops(0, PN_DROP_REASM_OVERLAP), 3);
	assert_int_equal(tw_stat(0)->reasm_fail, 1);
	/* The rest now starts a datagram that can never complete. */
	send_frag(2960, 1480);
	send_frag(4440, 1480);
	send_frag(5920, 1480);
	send_frag(7400, D.len - 7400);
	assert_int_equal(T->ntx[0], 0);
	assert_int_equal(tw_stat(0)->reasm_ok, 0);
}

/* Captured frame @p i is a reassembly time exceeded (RFC 792 type 11
 * code 1) quoting D's first fragment: its header and 8 bytes. */
static void
assert_frag_time_exceeded(unsigned int i)
{
	uint8_t g[PKT_MAX];
	struct pn_ipv4_hdr ip;

	tw_ip_frame(0, i, g, &ip);
	assert_int_equal(ip.proto, 1);
	assert_int_equal(ip.dst, IP_PEER);
	assert_int_equal(ip.total_len, 20 + 8 + 20 + 8);
	assert_int_equal(g[34], 11);
	assert_int_equal(g[35], 1);
	assert_int_equal(pkt_ref_cksum(g + 34, 8 + 28), 0);
	assert_int_equal(g[42], 0x45);
	assert_int_equal((g[42 + 4] << 8) | g[42 + 5], D.id);
	assert_int_equal((g[42 + 6] << 8) | g[42 + 7], 0x2000); /* MF, 0 */
	assert_memory_equal(g + 62, D.l4, 8);
}

static void
test_timeout(void **state)
{
	uint8_t g[PKT_MAX];

	(void)state;
	tw_start(1);
	tw_learn_peer();
	make_ping(8000, 7);
	send_frag(0, 1480);
	send_frag(2960, 1480);
	tw_advance_ms(29999);
	tw_round(0);
	assert_int_equal(tw_stat(0)->reasm_timeout, 0);
	assert_int_equal(T->ntx[0], 0);
	tw_advance_ms(1);
	tw_round(0);
	assert_int_equal(tw_stat(0)->reasm_timeout, 1);
	assert_int_equal(tw_drops(0, PN_DROP_REASM_TIMEOUT), 2);
	/* Linux ip_expire: the first fragment came, so time exceeded (after
	 * an ARP probe: the peer's entry went stale in the 30 s). */
	assert_int_equal(T->ntx[0], 2);
	assert_int_equal(tw_frame(0, 0, g), 42);
	assert_int_equal(g[12] << 8 | g[13], 0x0806);
	assert_frag_time_exceeded(1);
	assert_int_equal(tw_stat(0)->icmp_err_out, 1);
	tw_clear(0);
	/* The table is usable again: a whole datagram gets through. */
	tw_learn_peer();
	make_ping(8000, 8);
	send_frags(1480, NULL, 0);
	assert_echo_reply(collect(0, 1500));
}

/* Without the first fragment there is nothing to quote: no ICMP (Linux
 * ip_expire tests INET_FRAG_FIRST_IN). */
static void
test_timeout_without_first(void **state)
{
	(void)state;
	tw_start(1);
	tw_learn_peer();
	make_ping(8000, 9);
	send_frag(1480, 1480);
	send_frag(4440, 1480);
	tw_advance_ms(30000);
	tw_round(0);
	assert_int_equal(tw_stat(0)->reasm_timeout, 1);
	assert_int_equal(tw_drops(0, PN_DROP_REASM_TIMEOUT), 2);
	assert_int_equal(T->ntx[0], 0);
	assert_int_equal(tw_stat(0)->icmp_err_out, 0);
}

static void
test_limits(void **state)
{
	(void)state;
	T->conf.reasm.max_flows = 2;
	T->conf.reasm.max_frags = 4;
	tw_start(1);
	tw_learn_peer();
	make_ping(8000, 10);
	send_frag(0, 1480);
	D.id = 11;
	send_frag(0, 1480);
	D.id = 12;
	send_frag(0, 1480);			/* a third datagram: no room */
	assert_int_equal(tw_drops(0, PN_DROP_REASM_FULL), 1);
	/* Datagram 11 may hold 4 fragments; its 5th kills it. */
	D.id = 11;
	send_frag(1480, 1480);
	send_frag(2960, 1480);
	send_frag(4440, 1480);
	send_frag(5920, 1480);
	assert_int_equal(tw_drops(0, PN_DROP_REASM_FULL), 1 + 5);
	assert_int_equal(tw_stat(0)->reasm_fail, 1);
}

static void
test_bad_fragments(void **state)
{
	(void)state;
	tw_start(1);
	tw_learn_peer();
	make_ping(8000, 13);
	send_frag(0, 1476);			/* MF, not a multiple of 8 */
	assert_int_equal(tw_drops(0, PN_DROP_IP_FRAG_BAD), 1);
	D.len = 65600;				/* ends past 65535 */
	send_frag(65528, 16);
	assert_int_equal(tw_drops(0, PN_DROP_IP_FRAG_BAD), 2);
	/* A last fragment ending before data already held. */
	D.len = 8008;
	send_frag(2960, 1480);
	D.len = 2000;
	send_frag(1480, 520);
	assert_int_equal(tw_drops(0, PN_DROP_REASM_BAD), 2);
	assert_int_equal(T->ntx[0], 0);
}

static void
test_udp_fragmented_on_output(void **state)
{
	struct rte_mbuf *m, *tail;
	uint8_t ph[12];
	uint32_t len;
	uint8_t *u;

	(void)state;
	tw_start(1);
	tw_learn_peer();
	/* 3000 bytes of UDP in a chain, offload asked: the port cannot
	 * checksum fragments, so the layer finishes it. */
	m = tw_l4(1000, 1);
	tail = tw_l4(1000, 2);
	assert_int_equal(rte_pktmbuf_chain(m, tail), 0);
	tail = tw_l4(1000, 3);
	assert_int_equal(rte_pktmbuf_chain(m, tail), 0);
	u = rte_pktmbuf_mtod(m, uint8_t *);
	pkt_put16(u, 4000);
	pkt_put16(u + 2, 5000);
	pkt_put16(u + 4, 3000);
	pkt_put16(u + 6, pn_ipv4_phdr_sum(IP_US, IP_PEER, 17, 3000));
	m->ol_flags |= RTE_MBUF_F_TX_UDP_CKSUM;
	assert_int_equal(tw_out(0, m, IP_PEER, 17, false), 0);
	assert_int_equal(T->ntx[0], 3);
	len = collect(0, 1500);
	assert_int_equal(len, 3000);
	assert_int_equal(R[8], 1 + 8);		/* data after the header */
	assert_int_equal(R[1000], 2);
	assert_int_equal(R[2999], (uint8_t)(3 + 999));
	pkt_put32(ph, IP_US);
	pkt_put32(ph + 4, IP_PEER);
	ph[8] = 0;
	ph[9] = 17;
	pkt_put16(ph + 10, 3000);
	assert_int_equal(pkt_ref_cksum_sum(pkt_ref_cksum_sum(0, ph, 12), R,
					   3000), 0xffff);
	/* With DF it may not be fragmented. */
	assert_int_equal(tw_out(0, tw_l4(1481, 0), IP_PEER, 17, true),
			 -EMSGSIZE);
	assert_int_equal(tw_drops(0, PN_DROP_IP_TOO_BIG), 1);
	assert_int_equal(T->ntx[0], 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TW_TEST(test_8000_byte_ping),
		TW_TEST(test_out_of_order),
		TW_TEST(test_64k_ping),
		TW_TEST(test_small_mtu_reply),
		TW_TEST(test_duplicate_dropped_alone),
		TW_TEST(test_overlap_discards_datagram),
		TW_TEST(test_timeout),
		TW_TEST(test_timeout_without_first),
		TW_TEST(test_limits),
		TW_TEST(test_bad_fragments),
		TW_TEST(test_udp_fragmented_on_output),
	};

	return cmocka_run_group_tests_name("net_frag", tests, NULL, NULL);
}
