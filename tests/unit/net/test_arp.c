/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP: replies, learning (RFC 826 merge), resolution with a bounded queue,
 * retransmits and failure on the timer wheel, STALE and unicast refresh,
 * static entries, eviction, cross-shard updates, gratuitous ARP.
 */
#include "net_test.h"

static const uint8_t ZERO_MAC[6];

/* The ARP request we send for @p tpa (Ethernet to @p edst). */
static uint32_t
expect_request(uint8_t *b, const uint8_t *edst, uint32_t tpa)
{
	uint32_t n = b_eth(b, edst, MAC_US, 0x0806);

	return n + b_arp(b + n, 1, MAC_US, IP_US, ZERO_MAC, tpa);
}

static void
assert_frame(unsigned int s, unsigned int i, const uint8_t *exp, uint32_t len)
{
	uint8_t got[PKT_MAX];

	assert_int_equal(tw_frame(s, i, got), len);
	assert_memory_equal(got, exp, len);
}

/* The peer's reply to our request. */
static void
rx_peer_reply(unsigned int s, const uint8_t *mac)
{
	uint8_t f[64];

	tw_rx(s, f, f_arp(f, MAC_US, 2, mac, IP_PEER, MAC_US, IP_US));
}

/* A request from @p ip / @p mac for our address. */
static void
rx_request_from(unsigned int s, const uint8_t *mac, uint32_t ip)
{
	uint8_t f[64];

	tw_rx(s, f, f_arp(f, MAC_BCAST, 1, mac, ip, ZERO_MAC, IP_US));
}

/* First byte of the IPv4 payload of captured frame @p i. */
static uint8_t
payload0(unsigned int s, unsigned int i, const uint8_t *mac)
{
	uint8_t b[PKT_MAX];

	tw_frame(s, i, b);
	assert_memory_equal(b, mac, 6);
	assert_int_equal(b[12], 0x08);
	assert_int_equal(b[13], 0x00);
	return b[14 + 20];
}

static void
test_request_for_us_exact_reply(void **state)
{
	uint8_t req[PKT_MAX], rep[PKT_MAX];
	uint32_t nreq = pkt_hex(req, PKT_VEC_ARP_REQUEST);
	uint32_t nrep = pkt_hex(rep, PKT_VEC_ARP_REPLY);
	struct pn_net_arp_info info;

	(void)state;
	tw_start(1);
	tw_rx(0, req, nreq);
	assert_int_equal(T->ntx[0], 1);
	assert_frame(0, 0, rep, nrep);
	assert_int_equal(pn_net_arp_lookup(T->net[0], 0, IP_PEER, &info), 0);
	assert_int_equal(info.state, PN_ARP_REACHABLE);
	assert_memory_equal(info.mac, MAC_PEER, 6);
	assert_int_equal(tw_stat(0)->arp_in, 1);
	assert_int_equal(tw_stat(0)->arp_replies, 1);
	assert_int_equal(tw_stat(0)->arp_learned, 1);
}

static void
test_request_padded_and_vlan(void **state)
{
	uint8_t f[PKT_MAX] = { 0 }, got[PKT_MAX];
	uint32_t n;

	(void)state;
	tw_start(1);
	/* One 802.1Q tag, padded to 64 bytes: answered, untagged, 42 bytes. */
	n = pkt_eth(f, 0x8100, 7, 0x0806);
	memcpy(f, MAC_BCAST, 6);
	memcpy(f + 6, MAC_PEER, 6);
	b_arp(f + n, 1, MAC_PEER, IP_PEER, ZERO_MAC, IP_US);
	tw_rx(0, f, 64);
	assert_int_equal(T->ntx[0], 1);
	assert_int_equal(tw_frame(0, 0, got), 42);
	assert_memory_equal(got, MAC_PEER, 6);
}

static void
test_request_for_other_ip_ignored(void **state)
{
	uint8_t f[64];

	(void)state;
	tw_start(1);
	tw_rx(0, f, f_arp(f, MAC_BCAST, 1, MAC_PEER, IP_PEER, ZERO_MAC,
			  PN_IPV4(198, 18, 0, 3)));
	assert_int_equal(T->ntx[0], 0);
	assert_int_equal(tw_drops(0, PN_DROP_ARP_NOT_FOR_US), 1);
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_FREE);
}

static void
test_bad_arp_dropped(void **state)
{
	uint8_t f[64];
	uint32_t n;

	(void)state;
	tw_start(1);
	n = f_arp(f, MAC_BCAST, 1, MAC_PEER, IP_PEER, ZERO_MAC, IP_US);
	tw_rx(0, f, n - 10);				/* truncated */
	n = f_arp(f, MAC_BCAST, 1, MAC_BCAST, IP_PEER, ZERO_MAC, IP_US);
	tw_rx(0, f, n);					/* group sender MAC */
	n = f_arp(f, MAC_BCAST, 1, MAC_PEER, IP_US, ZERO_MAC, IP_US);
	tw_rx(0, f, n);					/* claims our IP */
	assert_int_equal(tw_drops(0, PN_DROP_ARP_BAD), 3);
	assert_int_equal(T->ntx[0], 0);
}

static void
test_learning_and_merge(void **state)
{
	static const uint8_t mac9[6] = { 0x02, 0, 0, 0, 0, 0x09 };
	uint8_t f[64];
	struct pn_net_arp_info info;

	(void)state;
	tw_start(1);
	/* An unsolicited reply to us teaches us the sender. */
	rx_peer_reply(0, MAC_PEER);
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_REACHABLE);
	/* A gratuitous ARP from a known neighbour updates it (merge)... */
	tw_rx(0, f, f_arp(f, MAC_BCAST, 1, mac9, IP_PEER, ZERO_MAC, IP_PEER));
	assert_int_equal(pn_net_arp_lookup(T->net[0], 0, IP_PEER, &info), 0);
	assert_memory_equal(info.mac, mac9, 6);
	assert_int_equal(tw_stat(0)->arp_learned, 2);
	/* ...but one from a stranger teaches nothing. */
	tw_rx(0, f, f_arp(f, MAC_BCAST, 1, mac9, PN_IPV4(198, 18, 0, 7),
			  ZERO_MAC, PN_IPV4(198, 18, 0, 7)));
	assert_int_equal(tw_arp_state(0, PN_IPV4(198, 18, 0, 7)), PN_ARP_FREE);
	assert_int_equal(tw_drops(0, PN_DROP_ARP_NOT_FOR_US), 1);
	assert_int_equal(T->ntx[0], 0);
}

static void
test_unknown_neighbour_queues_then_flushes(void **state)
{
	uint8_t exp[64];

	(void)state;
	tw_start(1);
	assert_int_equal(tw_out(0, tw_l4(30, 0x10), IP_PEER, 253, false), 0);
	assert_int_equal(tw_out(0, tw_l4(30, 0x20), IP_PEER, 253, false), 0);
	assert_int_equal(tw_out(0, tw_l4(30, 0x30), IP_PEER, 253, false), 0);
	/* One broadcast request, nothing else yet. */
	assert_int_equal(T->ntx[0], 1);
	assert_frame(0, 0, exp, expect_request(exp, MAC_BCAST, IP_PEER));
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_INCOMPLETE);
	tw_clear(0);
	rx_peer_reply(0, MAC_PEER);
	assert_int_equal(T->ntx[0], 3);
	assert_int_equal(payload0(0, 0, MAC_PEER), 0x10);
	assert_int_equal(payload0(0, 1, MAC_PEER), 0x20);
	assert_int_equal(payload0(0, 2, MAC_PEER), 0x30);
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_REACHABLE);
	/* Known now: straight out. */
	tw_clear(0);
	assert_int_equal(tw_out(0, tw_l4(30, 0x40), IP_PEER, 253, false), 0);
	assert_int_equal(T->ntx[0], 1);
	assert_int_equal(payload0(0, 0, MAC_PEER), 0x40);
}

static void
test_pending_limit(void **state)
{
	unsigned int i;

	(void)state;
	T->conf.arp.pending_max = 4;
	tw_start(1);
	for (i = 0; i < 6; i++)
		assert_int_equal(tw_out(0, tw_l4(30, (uint8_t)i), IP_PEER, 253,
					false),
				 i < 4 ? 0 : -ENOBUFS);
	assert_int_equal(tw_drops(0, PN_DROP_ARP_PENDING_FULL), 2);
	assert_int_equal(tw_stat(0)->arp_pending_dropped, 2);
	tw_clear(0);
	rx_peer_reply(0, MAC_PEER);
	assert_int_equal(T->ntx[0], 4);
	assert_int_equal(payload0(0, 3, MAC_PEER), 3);
}

static void
test_retransmit_then_fail(void **state)
{
	uint8_t exp[64];
	unsigned int i;

	(void)state;
	tw_start(1);
	tw_out(0, tw_l4(30, 1), IP_PEER, 253, false);
	tw_out(0, tw_l4(30, 2), IP_PEER, 253, false);
	assert_int_equal(T->ntx[0], 1);
	tw_advance_ms(999);
	tw_round(0);
	assert_int_equal(T->ntx[0], 1);		/* not yet */
	for (i = 2; i <= 3; i++) {
		tw_advance_ms(i == 2 ? 1 : 1000);
		tw_round(0);
		assert_int_equal(T->ntx[0], i);
		assert_frame(0, i - 1, exp,
			     expect_request(exp, MAC_BCAST, IP_PEER));
	}
	/* Third probe unanswered: give up, drop the queue. */
	tw_advance_ms(1000);
	tw_round(0);
	assert_int_equal(T->ntx[0], 3);
	assert_int_equal(tw_drops(0, PN_DROP_ARP_FAILED), 2);
	assert_int_equal(tw_stat(0)->arp_failed, 1);
	assert_int_equal(tw_stat(0)->arp_requests, 3);
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_FREE);
	/* The next packet starts over. */
	tw_out(0, tw_l4(30, 3), IP_PEER, 253, false);
	assert_int_equal(T->ntx[0], 4);
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_INCOMPLETE);
}

static void
test_stale_then_unicast_refresh(void **state)
{
	uint8_t exp[64];

	(void)state;
	tw_start(1);
	rx_request_from(0, MAC_PEER, IP_PEER);
	tw_clear(0);
	tw_advance_ms(29999);
	tw_round(0);
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_REACHABLE);
	tw_advance_ms(1);
	tw_round(0);
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_STALE);
	/* Used while STALE: sent to the known MAC, plus a unicast probe. */
	tw_out(0, tw_l4(30, 7), IP_PEER, 253, false);
	assert_int_equal(T->ntx[0], 2);
	assert_frame(0, 0, exp, expect_request(exp, MAC_PEER, IP_PEER));
	assert_int_equal(payload0(0, 1, MAC_PEER), 7);
	/* A second use does not probe again. */
	tw_out(0, tw_l4(30, 8), IP_PEER, 253, false);
	assert_int_equal(T->ntx[0], 3);
	tw_clear(0);
	rx_peer_reply(0, MAC_PEER);
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_REACHABLE);
	/* The probe timer went with the confirmation. */
	tw_advance_ms(5000);
	tw_round(0);
	assert_int_equal(T->ntx[0], 0);
}

static void
test_stale_probes_unanswered_forget(void **state)
{
	(void)state;
	tw_start(1);
	rx_request_from(0, MAC_PEER, IP_PEER);
	tw_clear(0);
	tw_advance_ms(31000);
	tw_out(0, tw_l4(30, 7), IP_PEER, 253, false);	/* probe 1 */
	tw_advance_ms(1000);
	tw_round(0);					/* probe 2 */
	tw_advance_ms(1000);
	tw_round(0);					/* probe 3 */
	assert_int_equal(tw_stat(0)->arp_requests, 3);
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_STALE);
	tw_advance_ms(1000);
	tw_round(0);
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_FREE);
	assert_int_equal(tw_stat(0)->arp_failed, 1);
}

/* Negative advice (RFC 9293 MUST-20, from TCP at R1): the next hop's
 * entry keeps being used and is probed with unicast requests at once
 * (Linux NUD_PROBE); a reply confirms it, and the probing stops. */
static void
test_negative_advice_probe_confirmed(void **state)
{
	uint8_t exp[64];

	(void)state;
	tw_start(1);
	rx_request_from(0, MAC_PEER, IP_PEER);
	tw_clear(0);
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_REACHABLE);
	assert_int_equal(pn_net_negative_advice(T->net[0], IP_PEER), 0);
	pn_tx_flush(tw_lc(0));
	assert_int_equal(T->ntx[0], 1);
	assert_frame(0, 0, exp, expect_request(exp, MAC_PEER, IP_PEER));
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_STALE);
	/* still used, no broadcast, no queueing */
	assert_int_equal(tw_out(0, tw_l4(30, 7), IP_PEER, 253, false), 0);
	assert_int_equal(T->ntx[0], 2);
	assert_int_equal(payload0(0, 1, MAC_PEER), 7);
	/* bounded: advice while probing adds nothing */
	assert_int_equal(pn_net_negative_advice(T->net[0], IP_PEER),
			 -EALREADY);
	assert_int_equal(T->ntx[0], 2);
	tw_clear(0);
	rx_peer_reply(0, MAC_PEER);
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_REACHABLE);
	tw_advance_ms(5000);
	tw_round(0);
	assert_int_equal(T->ntx[0], 0);
	assert_int_equal(tw_stat(0)->neg_advice, 2);
	assert_int_equal(tw_stat(0)->arp_reconfirm, 1);
	assert_int_equal(tw_stat(0)->arp_failed, 0);
}

/* Unanswered, the entry goes after max_probes; the next packet resolves
 * afresh with broadcasts and waits in the queue, which fails as any
 * unanswered resolution does (ARP_FAILED). */
static void
test_negative_advice_unanswered_forgets(void **state)
{
	uint8_t exp[64];
	unsigned int i;

	(void)state;
	tw_start(1);
	rx_request_from(0, MAC_PEER, IP_PEER);
	tw_clear(0);
	assert_int_equal(pn_net_negative_advice(T->net[0], IP_PEER), 0);
	pn_tx_flush(tw_lc(0));
	for (i = 0; i < 2; i++) {
		tw_advance_ms(1000);
		tw_round(0);
	}
	assert_int_equal(T->ntx[0], 3);
	for (i = 0; i < 3; i++)
		assert_frame(0, i, exp, expect_request(exp, MAC_PEER, IP_PEER));
	tw_advance_ms(1000);
	tw_round(0);
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_FREE);
	assert_int_equal(tw_stat(0)->arp_failed, 1);
	tw_clear(0);
	assert_int_equal(tw_out(0, tw_l4(30, 1), IP_PEER, 253, false), 0);
	assert_int_equal(T->ntx[0], 1);
	assert_frame(0, 0, exp, expect_request(exp, MAC_BCAST, IP_PEER));
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_INCOMPLETE);
	assert_int_equal(pn_net_negative_advice(T->net[0], IP_PEER),
			 -EALREADY);
	for (i = 0; i < 3; i++) {
		tw_advance_ms(1000);
		tw_round(0);
	}
	assert_int_equal(tw_drops(0, PN_DROP_ARP_FAILED), 1);
	assert_int_equal(tw_stat(0)->arp_failed, 2);
}

/* Nothing to reconfirm: no entry, a static one, no route. */
static void
test_negative_advice_nothing_to_do(void **state)
{
	const uint32_t ip9 = PN_IPV4(198, 18, 0, 9);

	(void)state;
	T->conf.nb_static_arp = 1;
	T->conf.static_arp[0].port_id = 0;
	T->conf.static_arp[0].ip = ip9;
	memcpy(T->conf.static_arp[0].mac, MAC_PEER, 6);
	tw_start(1);
	assert_int_equal(pn_net_negative_advice(T->net[0], IP_PEER), -ENOENT);
	assert_int_equal(pn_net_negative_advice(T->net[0], ip9), -EPERM);
	assert_int_equal(pn_net_negative_advice(T->net[0],
						PN_IPV4(203, 0, 113, 1)),
			 -ENETUNREACH);
	assert_int_equal(T->ntx[0], 0);
	assert_int_equal(tw_stat(0)->neg_advice, 3);
	assert_int_equal(tw_stat(0)->arp_reconfirm, 0);
}

static void
test_static_entry(void **state)
{
	static const uint8_t mac9[6] = { 0x02, 0, 0, 0, 0, 0x09 };
	static const uint8_t macA[6] = { 0x02, 0, 0, 0, 0, 0x0a };
	const uint32_t ip9 = PN_IPV4(198, 18, 0, 9);
	struct pn_net_arp_info info;

	(void)state;
	T->conf.nb_static_arp = 1;
	T->conf.static_arp[0].port_id = 0;
	T->conf.static_arp[0].ip = ip9;
	memcpy(T->conf.static_arp[0].mac, mac9, 6);
	tw_start(1);
	assert_int_equal(tw_out(0, tw_l4(30, 5), ip9, 253, false), 0);
	assert_int_equal(T->ntx[0], 1);
	assert_int_equal(payload0(0, 0, mac9), 5);
	/* Learning never overrides it (but we still answer). */
	rx_request_from(0, macA, ip9);
	assert_int_equal(T->ntx[0], 2);
	assert_int_equal(pn_net_arp_lookup(T->net[0], 0, ip9, &info), 0);
	assert_int_equal(info.state, PN_ARP_STATIC);
	assert_memory_equal(info.mac, mac9, 6);
	tw_clear(0);
	tw_advance_ms(3600 * 1000);
	tw_round(0);
	assert_int_equal(tw_arp_state(0, ip9), PN_ARP_STATIC);
	tw_out(0, tw_l4(30, 6), ip9, 253, false);
	assert_int_equal(T->ntx[0], 1);
	assert_int_equal(payload0(0, 0, mac9), 6);
}

static void
test_eviction_oldest_non_static(void **state)
{
	const uint32_t ip_static = PN_IPV4(198, 18, 0, 200);
	uint8_t mac[6] = { 0x02, 0, 0, 0, 1, 0 };
	unsigned int i;

	(void)state;
	T->conf.arp.cache_size = 16;
	T->conf.nb_static_arp = 1;
	T->conf.static_arp[0].ip = ip_static;
	memcpy(T->conf.static_arp[0].mac, MAC_PEER, 6);
	tw_start(1);
	for (i = 10; i < 25; i++) {		/* 15 + 1 static: full */
		mac[5] = (uint8_t)i;
		rx_request_from(0, mac, PN_IPV4(198, 18, 0, i));
		tw_advance_ms(10);
	}
	assert_int_equal(tw_stat(0)->arp_evicted, 0);
	/* .10 confirms again: .11 is now the oldest. */
	mac[5] = 10;
	rx_request_from(0, mac, PN_IPV4(198, 18, 0, 10));
	mac[5] = 25;
	rx_request_from(0, mac, PN_IPV4(198, 18, 0, 25));
	assert_int_equal(tw_stat(0)->arp_evicted, 1);
	assert_int_equal(tw_arp_state(0, PN_IPV4(198, 18, 0, 11)), PN_ARP_FREE);
	assert_int_equal(tw_arp_state(0, PN_IPV4(198, 18, 0, 10)),
			 PN_ARP_REACHABLE);
	assert_int_equal(tw_arp_state(0, PN_IPV4(198, 18, 0, 25)),
			 PN_ARP_REACHABLE);
	assert_int_equal(tw_arp_state(0, ip_static), PN_ARP_STATIC);
}

static void
test_evicting_incomplete_drops_its_queue(void **state)
{
	uint8_t mac[6] = { 0x02, 0, 0, 0, 1, 0 };
	unsigned int i;

	(void)state;
	T->conf.arp.cache_size = 16;
	tw_start(1);
	tw_out(0, tw_l4(30, 1), PN_IPV4(198, 18, 0, 100), 253, false);
	for (i = 10; i < 26; i++) {
		mac[5] = (uint8_t)i;
		rx_request_from(0, mac, PN_IPV4(198, 18, 0, i));
	}
	assert_int_equal(tw_drops(0, PN_DROP_ARP_EVICTED), 1);
	assert_int_equal(tw_arp_state(0, PN_IPV4(198, 18, 0, 100)),
			 PN_ARP_FREE);
}

static void
test_cross_lcore_update(void **state)
{
	static const uint8_t mac9[6] = { 0x02, 0, 0, 0, 0, 0x09 };
	struct pn_net_arp_info info;
	uint8_t f[64];

	(void)state;
	tw_start(2);
	/* Shard 1 wants the peer: request out, packet queued. */
	tw_out(1, tw_l4(30, 0x55), IP_PEER, 253, false);
	assert_int_equal(T->ntx[1], 1);
	tw_clear(1);
	/* Shard 0 hears from the peer and tells shard 1. */
	rx_request_from(0, MAC_PEER, IP_PEER);
	assert_int_equal(T->ntx[0], 1);			/* the reply */
	assert_int_equal(tw_stat(0)->arp_msg_out, 1);
	tw_round(1);
	assert_int_equal(tw_stat(1)->arp_msg_in, 1);
	assert_int_equal(tw_arp_state(1, IP_PEER), PN_ARP_REACHABLE);
	assert_int_equal(T->ntx[1], 1);			/* the queued packet */
	assert_int_equal(payload0(1, 0, MAC_PEER), 0x55);
	/* Shard 1's retransmit timer is gone. */
	tw_advance_ms(5000);
	tw_round(1);
	assert_int_equal(T->ntx[1], 1);
	assert_int_equal(tw_stat(1)->arp_msg_out, 0);	/* no echo back */
	/* A MAC change seen by shard 0 reaches shard 1 too. */
	tw_rx(0, f, f_arp(f, MAC_BCAST, 1, mac9, IP_PEER, ZERO_MAC, IP_PEER));
	tw_round(1);
	assert_int_equal(pn_net_arp_lookup(T->net[1], 0, IP_PEER, &info), 0);
	assert_memory_equal(info.mac, mac9, 6);
	/* Shard 1 had not heard of this one: it learns it anyway. */
	rx_request_from(0, mac9, PN_IPV4(198, 18, 0, 77));
	tw_round(1);
	assert_int_equal(tw_arp_state(1, PN_IPV4(198, 18, 0, 77)),
			 PN_ARP_REACHABLE);
}

/*
 * Shard 1 probes a STALE entry while shard 0's is still REACHABLE: the
 * reply (ARP is not steered) reaches shard 0, which has no news but must
 * still pass it on, or shard 1's probes run out and it fails (issue #6).
 */
static void
test_reply_for_another_shard_passed_on(void **state)
{
	(void)state;
	tw_start(2);
	rx_request_from(0, MAC_PEER, IP_PEER);
	tw_round(1);
	assert_int_equal(tw_arp_state(1, IP_PEER), PN_ARP_REACHABLE);
	/* Shard 0 is confirmed again just before both would go STALE. */
	tw_advance_ms(29000);
	rx_request_from(0, MAC_PEER, IP_PEER);
	assert_int_equal(tw_stat(0)->arp_msg_out, 1);	/* no news */
	tw_advance_ms(1000);
	tw_round(1);
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_REACHABLE);
	assert_int_equal(tw_arp_state(1, IP_PEER), PN_ARP_STALE);
	/* Shard 1 uses it and probes; the answer arrives on shard 0. */
	tw_out(1, tw_l4(30, 7), IP_PEER, 253, false);
	rx_peer_reply(0, MAC_PEER);
	assert_int_equal(tw_stat(0)->arp_msg_out, 2);
	tw_round(1);
	assert_int_equal(tw_arp_state(1, IP_PEER), PN_ARP_REACHABLE);
	/* Its probe timer is gone: nothing fails. */
	tw_advance_ms(5000);
	tw_round(1);
	assert_int_equal(tw_stat(1)->arp_failed, 0);
	assert_int_equal(tw_arp_state(1, IP_PEER), PN_ARP_REACHABLE);
}

static void
test_gratuitous_at_start(void **state)
{
	uint8_t exp[64], got[64];
	uint32_t n;
	unsigned int i;

	(void)state;
	T->conf.port[0].nb_addrs = 2;
	T->conf.port[0].addr[1].ip = PN_IPV4(198, 19, 0, 2);
	T->conf.port[0].addr[1].prefix_len = 24;
	tw_start(1);
	pn_net_start(T->net[0]);
	pn_tx_flush(tw_lc(0));
	assert_int_equal(T->ntx[0], 2);
	for (i = 0; i < 2; i++) {
		uint32_t ip = T->conf.port[0].addr[i].ip;

		n = b_eth(exp, MAC_BCAST, MAC_US, 0x0806);
		n += b_arp(exp + n, 1, MAC_US, ip, ZERO_MAC, ip);
		assert_int_equal(tw_frame(0, i, got), n);
		assert_memory_equal(got, exp, n);
	}
}

static void
test_reply_for_secondary_address(void **state)
{
	const uint32_t ip2 = PN_IPV4(198, 19, 0, 2);
	uint8_t f[64], exp[64];
	uint32_t n;

	(void)state;
	T->conf.port[0].nb_addrs = 2;
	T->conf.port[0].addr[1].ip = ip2;
	T->conf.port[0].addr[1].prefix_len = 24;
	tw_start(1);
	tw_rx(0, f, f_arp(f, MAC_BCAST, 1, MAC_PEER, PN_IPV4(198, 19, 0, 1),
			  ZERO_MAC, ip2));
	n = b_eth(exp, MAC_PEER, MAC_US, 0x0806);
	n += b_arp(exp + n, 2, MAC_US, ip2, MAC_PEER, PN_IPV4(198, 19, 0, 1));
	assert_int_equal(T->ntx[0], 1);
	assert_frame(0, 0, exp, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TW_TEST(test_request_for_us_exact_reply),
		TW_TEST(test_request_padded_and_vlan),
		TW_TEST(test_request_for_other_ip_ignored),
		TW_TEST(test_bad_arp_dropped),
		TW_TEST(test_learning_and_merge),
		TW_TEST(test_unknown_neighbour_queues_then_flushes),
		TW_TEST(test_pending_limit),
		TW_TEST(test_retransmit_then_fail),
		TW_TEST(test_stale_then_unicast_refresh),
		TW_TEST(test_stale_probes_unanswered_forget),
		TW_TEST(test_negative_advice_probe_confirmed),
		TW_TEST(test_negative_advice_unanswered_forgets),
		TW_TEST(test_negative_advice_nothing_to_do),
		TW_TEST(test_static_entry),
		TW_TEST(test_eviction_oldest_non_static),
		TW_TEST(test_evicting_incomplete_drops_its_queue),
		TW_TEST(test_cross_lcore_update),
		TW_TEST(test_reply_for_another_shard_passed_on),
		TW_TEST(test_gratuitous_at_start),
		TW_TEST(test_reply_for_secondary_address),
	};

	return cmocka_run_group_tests_name("net_arp", tests, NULL, NULL);
}
