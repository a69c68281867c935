/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP: echo replies, protocol and port unreachable (quoting header + 8
 * bytes), the RFC 1122 3.2.2 "never about..." rules, the rate limit.
 */
#include "net_test.h"

static void
test_ping_echo_reply(void **state)
{
	uint8_t req[PKT_MAX], exp[PKT_MAX], got[PKT_MAX];
	uint32_t nreq = pkt_hex(req, PKT_VEC_PING_REQUEST);
	uint32_t nexp = pkt_hex(exp, PKT_VEC_PING_REPLY);
	struct pn_ipv4_hdr ip;

	(void)state;
	tw_start(1);
	tw_learn_peer();
	tw_rx(0, req, nreq);
	assert_int_equal(T->ntx[0], 1);
	tw_ip_frame(0, 0, got, &ip);
	/* Linux's reply, but with our IP ID (its checksum follows). */
	exp[18] = (uint8_t)(ip.id >> 8);
	exp[19] = (uint8_t)ip.id;
	pkt_ipv4_fix_cksum(exp + 14);
	assert_int_equal(tw_frame(0, 0, got), nexp);
	assert_memory_equal(got, exp, nexp);
	assert_int_equal(tw_stat(0)->icmp_in, 1);
	assert_int_equal(tw_stat(0)->icmp_echo_in, 1);
	assert_int_equal(tw_stat(0)->icmp_out, 1);
	assert_int_equal(tw_lc(0)->stat.drops, 0);
}

/* Receive @p l4_len bytes of @p proto (IHL 5 + opts/4) from the peer. */
static uint32_t
rx_datagram(uint8_t *f, uint8_t proto, uint32_t dst, uint32_t opts_len,
	    uint32_t l4_len)
{
	uint32_t n = b_eth(f, MAC_US, MAC_PEER, 0x0800), i;

	n += pkt_ipv4(f + n, opts_len, (uint16_t)l4_len, proto, IP_PEER, dst);
	for (i = 0; i < l4_len; i++)
		f[n + i] = (uint8_t)(0xa0 + i);
	if (proto == 17) {
		pkt_put16(f + n, 4000);
		pkt_put16(f + n + 2, 5000);
		pkt_put16(f + n + 4, (uint16_t)l4_len);
		pkt_put16(f + n + 6, 0);
	}
	n += l4_len;
	tw_rx(0, f, n);
	return n;
}

/* Captured frame @p i is a destination unreachable @p code quoting
 * @p q_len bytes of @p orig (its IPv4 header). */
static void
assert_unreach(unsigned int i, uint8_t code, const uint8_t *orig,
	       uint32_t q_len)
{
	uint8_t g[PKT_MAX];
	struct pn_ipv4_hdr ip;

	tw_ip_frame(0, i, g, &ip);
	assert_memory_equal(g, MAC_PEER, 6);
	assert_int_equal(ip.proto, 1);
	assert_int_equal(ip.tos, 0xc0);
	assert_int_equal(ip.src, IP_US);
	assert_int_equal(ip.dst, IP_PEER);
	assert_int_equal(ip.total_len, 20 + 8 + q_len);
	assert_int_equal(g[34], 3);
	assert_int_equal(g[35], code);
	assert_int_equal(pkt_ref_cksum(g + 34, 8 + q_len), 0);
	assert_memory_equal(g + 42, orig, q_len);
}

static void
test_protocol_unreachable(void **state)
{
	uint8_t f[PKT_MAX];

	(void)state;
	tw_start(1);
	tw_learn_peer();
	rx_datagram(f, 99, IP_US, 0, 20);
	assert_int_equal(T->ntx[0], 1);
	assert_unreach(0, 2, f + 14, 20 + 8);
	assert_int_equal(tw_drops(0, PN_DROP_IP_NO_PROTO), 1);
	assert_int_equal(tw_stat(0)->icmp_err_out, 1);
}

static void
test_port_unreachable_with_options(void **state)
{
	uint8_t f[PKT_MAX];

	(void)state;
	tw_start(1);
	tw_learn_peer();
	rx_datagram(f, 17, IP_US, 8, 30);
	assert_int_equal(T->ntx[0], 1);
	assert_unreach(0, 3, f + 14, 28 + 8);
	assert_int_equal(tw_drops(0, PN_DROP_UDP_NO_SOCKET), 1);
	/* A datagram shorter than header + 8: quoted whole. */
	rx_datagram(f, 17, IP_US, 0, 4);
	assert_int_equal(T->ntx[0], 2);
	assert_unreach(1, 3, f + 14, 24);
}

static void
test_no_error_about_errors_or_broadcasts(void **state)
{
	uint8_t f[PKT_MAX], icmp[64], quote[28];
	uint32_t n;

	(void)state;
	tw_start(1);
	tw_learn_peer();
	/* An ICMP error to us: consumed, never answered. */
	memset(quote, 0, sizeof(quote));
	b_ip(quote, 28, 1, 0, 17, IP_US, IP_PEER);
	icmp[0] = 3;
	icmp[1] = 3;
	memset(icmp + 2, 0, 6);
	memcpy(icmp + 8, quote, 28);
	pkt_put16(icmp + 2, pkt_ref_cksum(icmp, 36));
	tw_rx(0, f, f_ip(f, 1, IP_US, icmp, 36));
	assert_int_equal(tw_drops(0, PN_DROP_ICMP_UNHANDLED), 1);
	/* A type we do not handle (timestamp): nothing either. */
	icmp[0] = 13;
	icmp[1] = 0;
	pkt_put16(icmp + 2, 0);
	pkt_put16(icmp + 2, pkt_ref_cksum(icmp, 20));
	tw_rx(0, f, f_ip(f, 1, IP_US, icmp, 20));
	assert_int_equal(tw_drops(0, PN_DROP_ICMP_UNHANDLED), 2);
	/* UDP to the subnet and the limited broadcast: no port unreachable. */
	n = b_eth(f, MAC_BCAST, MAC_PEER, 0x0800);
	n += pkt_ipv4(f + n, 0, 8, 17, IP_PEER, PN_IPV4(198, 18, 0, 255));
	tw_rx(0, f, n + 8);
	pkt_put32(f + 14 + 16, UINT32_MAX);
	pkt_ipv4_fix_cksum(f + 14);
	tw_rx(0, f, n + 8);
	/* From 0.0.0.0 (not a host): a martian, dropped before UDP. */
	rx_datagram(f, 17, IP_US, 0, 8);
	pkt_put32(f + 14 + 12, 0);
	pkt_ipv4_fix_cksum(f + 14);
	tw_rx(0, f, 14 + 28);
	assert_int_equal(tw_drops(0, PN_DROP_IP_MARTIAN_SRC), 1);
	assert_int_equal(tw_drops(0, PN_DROP_UDP_NO_SOCKET), 3);
	assert_int_equal(tw_stat(0)->icmp_err_suppressed, 2);
	assert_int_equal(T->ntx[0], 1);	/* only the one from the host */
	/* Bad ICMP checksum. */
	icmp[2] ^= 1;
	tw_rx(0, f, f_ip(f, 1, IP_US, icmp, 20));
	assert_int_equal(tw_drops(0, PN_DROP_ICMP_BAD), 1);
}

static void
test_echo_to_broadcast_ignored(void **state)
{
	uint8_t f[PKT_MAX];
	uint32_t n;

	(void)state;
	tw_start(1);
	tw_learn_peer();
	n = f_ping(f, PN_IPV4(198, 18, 0, 255), 1, 8);
	memcpy(f, MAC_BCAST, 6);
	tw_rx(0, f, n);
	assert_int_equal(T->ntx[0], 0);
	assert_int_equal(tw_drops(0, PN_DROP_ICMP_ECHO_BCAST), 1);
}

static void
test_error_rate_limit(void **state)
{
	uint8_t f[PKT_MAX];
	unsigned int i;

	(void)state;
	T->conf.icmp.rate = 10;
	T->conf.icmp.burst = 5;
	tw_start(1);
	tw_learn_peer();
	for (i = 0; i < 20; i++)
		rx_datagram(f, 17, IP_US, 0, 8);
	assert_int_equal(T->ntx[0], 5);
	assert_int_equal(tw_stat(0)->icmp_ratelimited, 15);
	/* 100 ms buys one token at 10/s. */
	tw_advance_ms(99);
	rx_datagram(f, 17, IP_US, 0, 8);
	assert_int_equal(T->ntx[0], 5);
	tw_advance_ms(1);
	rx_datagram(f, 17, IP_US, 0, 8);
	rx_datagram(f, 17, IP_US, 0, 8);
	assert_int_equal(T->ntx[0], 6);
	/* A long quiet spell refills to the burst, no more. */
	tw_advance_ms(60000);
	for (i = 0; i < 10; i++)
		rx_datagram(f, 17, IP_US, 0, 8);
	assert_int_equal(tw_stat(0)->icmp_err_out, 11);
	assert_int_equal(tw_stat(0)->icmp_ratelimited, 15 + 2 + 5);
	/* Every datagram is still counted as dropped. */
	assert_int_equal(tw_drops(0, PN_DROP_UDP_NO_SOCKET), 33);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TW_TEST(test_ping_echo_reply),
		TW_TEST(test_protocol_unreachable),
		TW_TEST(test_port_unreachable_with_options),
		TW_TEST(test_no_error_about_errors_or_broadcasts),
		TW_TEST(test_echo_to_broadcast_ignored),
		TW_TEST(test_error_rate_limit),
	};

	return cmocka_run_group_tests_name("net_icmp", tests, NULL, NULL);
}
