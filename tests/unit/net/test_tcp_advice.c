/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP's negative advice reaching the ARP cache (RFC 9293 MUST-20): the
 * real TCP over the real lib/net. A SYN-ACK that goes unanswered is
 * retransmitted; at the next timeout (Linux tcp_write_timeout in the SYN
 * states) TCP advises IP once and the peer's ARP entry is probed with a
 * unicast request, while the SYN-ACKs still go to the known MAC.
 */
#include "net_test.h"
#include "tcp.h"

static const uint8_t ZERO_MAC[6];

/* Frame @p i: an ARP request to @p edst (true) or a TCP segment. */
static bool
is_arp_request_to(unsigned int i, const uint8_t *edst)
{
	uint8_t b[PKT_MAX], exp[64];
	uint32_t n = b_eth(exp, edst, MAC_US, 0x0806);

	n += b_arp(exp + n, 1, MAC_US, IP_US, ZERO_MAC, IP_PEER);
	return tw_frame(0, i, b) == n && memcmp(b, exp, n) == 0;
}

static void
test_synack_timeout_probes_the_neighbour(void **state)
{
	struct pn_tcp_conf tc;
	struct pn_tcp *tcp;
	struct pn_tcp_listen *l;
	struct rte_mbuf *m[1];
	uint8_t b[PKT_MAX];
	unsigned int i;

	(void)state;
	tw_start(1);
	pn_tcp_conf_default(&tc);
	assert_int_equal(pn_tcp_create(&tc, &T->lc[0], T->net[0], NULL, &tcp),
			 0);
	assert_int_equal(pn_tcp_listen(tcp, 0, 80, 16, NULL, &l), 0);
	m[0] = arp_request();		/* the peer's MAC is learnt */
	tw_net_rx(m, 1);
	tw_clear(0);
	m[0] = tcp_frame(IP_US, 1000, 80, 5000, 0, F_SYN, 0, false);
	tw_net_rx(m, 1);
	assert_int_equal(T->ntx[0], 1);	/* SYN-ACK */
	tw_clear(0);

	tw_advance_ms(1000);
	tw_round(0);			/* first retransmission: no advice */
	assert_int_equal(T->ntx[0], 1);
	assert_false(is_arp_request_to(0, MAC_PEER));
	assert_int_equal(pn_tcp_stats(tcp)->TCPNegativeAdvice, 0);
	tw_clear(0);

	tw_advance_ms(2000);
	tw_round(0);			/* advice: unicast probe + SYN-ACK */
	assert_int_equal(pn_tcp_stats(tcp)->TCPNegativeAdvice, 1);
	assert_int_equal(tw_stat(0)->arp_reconfirm, 1);
	assert_int_equal(T->ntx[0], 2);
	assert_true(is_arp_request_to(0, MAC_PEER));
	tw_frame(0, 1, b);
	assert_memory_equal(b, MAC_PEER, 6);	/* the known MAC still */
	assert_int_equal(b[14 + 20 + 13], F_SYN | F_ACK);
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_STALE);
	tw_clear(0);

	/* The peer answers the probe: REACHABLE again, no more advice. */
	m[0] = pn_test_mbuf(b, (uint16_t)f_arp(b, MAC_US, 2, MAC_PEER, IP_PEER,
					       MAC_US, IP_US));
	tw_net_rx(m, 1);
	assert_int_equal(tw_arp_state(0, IP_PEER), PN_ARP_REACHABLE);
	tw_clear(0);
	for (i = 0; i < 4; i++) {
		tw_advance_ms(1000);
		tw_round(0);
	}
	assert_int_equal(pn_tcp_stats(tcp)->TCPNegativeAdvice, 1);
	assert_int_equal(tw_stat(0)->neg_advice, 1);
	pn_tcp_listen_close(l);
	pn_tcp_free(tcp);
	pn_tx_flush(&T->lc[0]);
	tw_clear(0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TW_TEST(test_synack_timeout_probes_the_neighbour),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
