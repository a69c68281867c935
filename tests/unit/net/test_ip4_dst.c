/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The route and neighbour a connection caches (pn_ip4_output_dst, Linux
 * sk_dst_cache): the real TCP over the real lib/net. The cache must never
 * send where the uncached way would not: a neighbour's new MAC goes out
 * in the very next segment (Linux neigh_update rewrites the hh cache the
 * socket's dst points at), a neighbour gone STALE is probed on use as
 * before, and one forgotten is resolved again with the segment queued.
 * And pn_ip4_output's one-entry cache keeps two destinations apart.
 */
#include "net_test.h"
#include "tcp.h"

#define PORT 80
#define SPORT 1000
#define ISN 5000

static const uint8_t ZERO_MAC[6];
static const uint8_t MAC_NEW[6] = { 0x02, 0, 0, 0, 0, 0x09 };

struct conn {
	struct pn_tcp *tcp;
	struct pn_tcp_listen *l;
	uint32_t seq;		/* the peer's next sequence number */
	uint32_t iss;
};

/* The peer's ARP entry learnt, a connection from it established. */
static void
conn_open(struct conn *k)
{
	struct pn_tcp_conf tc;
	struct rte_mbuf *m;

	tw_start(1);
	m = arp_request();
	pn_tcp_conf_default(&tc);
	assert_int_equal(pn_tcp_create(&tc, &T->lc[0], T->net[0], NULL,
				       &k->tcp), 0);
	assert_int_equal(pn_tcp_listen(k->tcp, 0, PORT, 16, NULL, &k->l), 0);
	tw_net_rx(&m, 1);
	tw_clear(0);
	assert_int_equal(tw_tcp_handshake(SPORT, PORT, ISN, &k->iss), 0);
	k->seq = ISN + 1;
	tw_clear(0);
}

static void
conn_close(struct conn *k)
{
	pn_tcp_listen_close(k->l);
	pn_tcp_free(k->tcp);
	pn_tx_flush(&T->lc[0]);
	tw_clear(0);
}

/* 10 bytes from the peer; our ACK goes out, at once (quick ACK) or
 * when the delayed-ACK timer runs out. */
static void
peer_data(struct conn *k)
{
	struct rte_mbuf *m = tcp_frame(IP_US, SPORT, PORT, k->seq, k->iss + 1,
				       F_ACK, 10, false);

	tw_net_rx(&m, 1);
	k->seq += 10;
	tw_advance_ms(500);
	tw_round(0);
}

/* Captured frame @p i is our ACK of everything so far, to @p mac. */
static void
assert_ack_to(const struct conn *k, unsigned int i, const uint8_t *mac)
{
	uint8_t b[PKT_MAX];

	tw_frame(0, i, b);
	assert_memory_equal(b, mac, 6);
	assert_memory_equal(b + 6, MAC_US, 6);
	assert_int_equal(b[14 + 9], 6);
	assert_int_equal(b[14 + 20 + 13], F_ACK);
	assert_int_equal(tw_get32(b + 14 + 20 + 8), k->seq);
	/* the IPv4 header checksum of the short way */
	assert_int_equal(pkt_ref_cksum_sum(0, b + 14, 20), 0xffff);
}

/* Data from the peer answered by one frame: our ACK, to @p mac. */
static void
acked_to(struct conn *k, const uint8_t *mac)
{
	peer_data(k);
	assert_int_equal(T->ntx[0], 1);
	assert_ack_to(k, 0, mac);
	tw_clear(0);
}

/* Captured frame @p i is an ARP request for the peer to @p edst. */
static void
assert_request_to(unsigned int i, const uint8_t *edst)
{
	uint8_t b[PKT_MAX], exp[64];
	uint32_t n = b_eth(exp, edst, MAC_US, 0x0806);

	n += b_arp(exp + n, 1, MAC_US, IP_US, ZERO_MAC, IP_PEER);
	assert_int_equal(tw_frame(0, i, b), n);
	assert_memory_equal(b, exp, n);
}

static void
test_new_mac_in_next_segment(void **state)
{
	struct conn k;
	uint8_t f[64];

	(void)state;
	conn_open(&k);
	acked_to(&k, MAC_PEER);
	/* a gratuitous ARP: the peer moved to another MAC */
	tw_rx(0, f, f_arp(f, MAC_BCAST, 1, MAC_NEW, IP_PEER, ZERO_MAC,
			  IP_PEER));
	tw_clear(0);
	acked_to(&k, MAC_NEW);
	conn_close(&k);
}

static void
test_stale_neighbour_probed_then_forgotten(void **state)
{
	struct conn k;
	uint8_t f[64];

	(void)state;
	conn_open(&k);
	peer_data(&k);
	tw_clear(0);
	/* STALE after reachable_ms: the ACK goes to the known MAC, with a
	 * unicast probe first (as without the cache: arp_output) */
	tw_advance_ms(30001);
	peer_data(&k);
	assert_int_equal(T->ntx[0], 2);
	assert_request_to(0, MAC_PEER);
	assert_ack_to(&k, 1, MAC_PEER);
	tw_clear(0);
	/* the probes go unanswered: the entry is forgotten */
	tw_advance_ms(1000);
	tw_round(0);
	tw_advance_ms(1000);
	tw_round(0);
	tw_advance_ms(1000);
	tw_round(0);
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_FREE);
	tw_clear(0);
	/* the next ACK waits for a broadcast resolution */
	peer_data(&k);
	assert_int_equal(T->ntx[0], 1);
	assert_request_to(0, MAC_BCAST);
	tw_clear(0);
	tw_rx(0, f, f_arp(f, MAC_US, 2, MAC_NEW, IP_PEER, MAC_US, IP_US));
	assert_int_equal(T->ntx[0], 1);
	assert_ack_to(&k, 0, MAC_NEW);
	tw_clear(0);
	/* and the cache is filled again from the new entry */
	acked_to(&k, MAC_NEW);
	conn_close(&k);
}

/* pn_ip4_output's cache holds the last destination: another one with
 * another neighbour, in turn, goes to its own MAC each time. */
static void
test_last_dst_two_neighbours(void **state)
{
	static const uint8_t mac7[6] = { 0x02, 0, 0, 0, 0, 0x07 };
	const uint32_t ip7 = PN_IPV4(198, 18, 0, 7);
	uint8_t f[64], b[PKT_MAX];
	unsigned int i;

	(void)state;
	tw_start(1);
	tw_rx(0, f, f_arp(f, MAC_BCAST, 1, MAC_PEER, IP_PEER, ZERO_MAC, IP_US));
	tw_rx(0, f, f_arp(f, MAC_BCAST, 1, mac7, ip7, ZERO_MAC, IP_US));
	tw_clear(0);
	/* two to each in turn: a hit, then a miss */
	for (i = 0; i < 6; i++) {
		bool seven = (i / 2) % 2 != 0;

		assert_int_equal(tw_out(0, tw_l4(30, (uint8_t)i),
					seven ? ip7 : IP_PEER, 253, true), 0);
		tw_frame(0, i, b);
		assert_memory_equal(b, seven ? mac7 : MAC_PEER, 6);
		assert_int_equal(tw_get32(b + 14 + 16), seven ? ip7 : IP_PEER);
		assert_int_equal(b[14 + 20], i);
	}
	/* and a new MAC of the cached one goes out at once */
	tw_rx(0, f, f_arp(f, MAC_BCAST, 1, MAC_NEW, IP_PEER, ZERO_MAC,
			  IP_PEER));
	assert_int_equal(tw_out(0, tw_l4(30, 9), IP_PEER, 253, true), 0);
	tw_frame(0, 6, b);
	assert_memory_equal(b, MAC_NEW, 6);
	assert_int_equal(tw_stat(0)->ip_out, 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TW_TEST(test_new_mac_in_next_segment),
		TW_TEST(test_stale_neighbour_probed_then_forgotten),
		TW_TEST(test_last_dst_two_neighbours),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
