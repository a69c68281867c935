/* SPDX-License-Identifier: BSD-3-Clause */
/* Software steering: the owner is rte_softrss + RETA, symmetric, pure. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rte_thash.h>

#include "steer.h"
#include "test_eal.h"

static void
frame(uint8_t *f, uint32_t src, uint32_t dst, uint8_t proto, uint16_t sport,
      uint16_t dport, uint16_t frag, bool vlan)
{
	uint32_t o = 0;

	memset(f, 0, 64);
	if (vlan) {
		f[12] = 0x81; f[13] = 0x00; f[14] = 0x00; f[15] = 0x07;
		o = 4;
	}
	f[o + 12] = 0x08; f[o + 13] = 0x00;
	f[o + 14] = 0x45;
	f[o + 20] = frag >> 8; f[o + 21] = frag & 0xff;
	f[o + 23] = proto;
	f[o + 26] = src >> 24; f[o + 27] = src >> 16; f[o + 28] = src >> 8; f[o + 29] = src;
	f[o + 30] = dst >> 24; f[o + 31] = dst >> 16; f[o + 32] = dst >> 8; f[o + 33] = dst;
	f[o + 34] = sport >> 8; f[o + 35] = sport & 0xff;
	f[o + 36] = dport >> 8; f[o + 37] = dport & 0xff;
}

static uint32_t
ref_l4(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
	union rte_thash_tuple t;

	memset(&t, 0, sizeof(t));
	t.v4.src_addr = src;
	t.v4.dst_addr = dst;
	t.v4.sport = sport;
	t.v4.dport = dport;
	return rte_softrss((uint32_t *)&t, RTE_THASH_V4_L4_LEN,
			   pn_rss_key_symmetric);
}

static uint32_t
ref_l3(uint32_t src, uint32_t dst)
{
	union rte_thash_tuple t;

	memset(&t, 0, sizeof(t));
	t.v4.src_addr = src;
	t.v4.dst_addr = dst;
	return rte_softrss((uint32_t *)&t, RTE_THASH_V4_L3_LEN,
			   pn_rss_key_symmetric);
}

static void
test_init_and_reta(void **state)
{
	struct pn_steer s;
	int i;

	(void)state;
	assert_int_equal(pn_steer_init(&s, 3, 128), 0);
	for (i = 0; i < 128; i++)
		assert_int_equal(s.reta[i], i % 3);
	assert_memory_equal(s.key, pn_rss_key_symmetric, PN_RSS_KEY_LEN);
	assert_int_equal(pn_steer_init(&s, 0, 128), -EINVAL);
	assert_int_equal(pn_steer_init(&s, 2, 100), -EINVAL);
	assert_int_equal(pn_steer_init(&s, 2, 1024), -EINVAL);
}

static void
test_tcp_hash_is_softrss(void **state)
{
	struct pn_steer s;
	uint8_t f[64];
	uint32_t h;

	(void)state;
	pn_steer_init(&s, 2, 128);
	frame(f, 0xc6120001, 0xc6130002, 6, 40000, 80, 0, false);
	assert_true(pn_steer_hash(&s, f, 54, &h));
	assert_int_equal(h, ref_l4(0xc6120001, 0xc6130002, 40000, 80));
	assert_int_equal(pn_steer_owner(&s, h), s.reta[h & 127]);
}

/* The table-driven hash equals rte_softrss on many tuples, L4 and L3
 * (fragments hash by addresses). */
static void
test_table_hash_is_softrss(void **state)
{
	struct pn_steer s;
	uint8_t f[64];
	uint32_t h, x = 12345;

	(void)state;
	pn_steer_init(&s, 2, 128);
	for (int i = 0; i < 20000; i++) {
		uint32_t src, dst;
		uint16_t sp, dp;

		x = x * 1103515245u + 12345u;
		src = x;
		x = x * 1103515245u + 12345u;
		dst = x;
		x = x * 1103515245u + 12345u;
		sp = (uint16_t)(x >> 16);
		dp = (uint16_t)x;
		frame(f, src, dst, 6, sp, dp, 0, false);
		assert_true(pn_steer_hash(&s, f, 54, &h));
		assert_int_equal(h, ref_l4(src, dst, sp, dp));
		assert_int_equal(pn_steer_hash_l4(&s, src, dst, sp, dp), h);
		frame(f, src, dst, 17, sp, dp, 0x2000, false); /* MF */
		assert_true(pn_steer_hash(&s, f, 54, &h));
		assert_int_equal(h, ref_l3(src, dst));
	}
}

static void
test_hash_is_symmetric(void **state)
{
	struct pn_steer s;
	uint8_t f[64];
	uint32_t a, b;
	uint16_t p;

	(void)state;
	pn_steer_init(&s, 2, 128);
	for (p = 1; p < 2000; p += 7) {
		frame(f, 0xc6120001, 0xc6130002, 6, p, 443, 0, false);
		assert_true(pn_steer_hash(&s, f, 54, &a));
		frame(f, 0xc6130002, 0xc6120001, 6, 443, p, 0, false);
		assert_true(pn_steer_hash(&s, f, 54, &b));
		assert_int_equal(a, b);
	}
}

static void
test_udp_vlan_and_fragments(void **state)
{
	struct pn_steer s;
	uint8_t f[64];
	uint32_t h;

	(void)state;
	pn_steer_init(&s, 2, 128);
	frame(f, 0xc6120001, 0xc6130002, 17, 5000, 53, 0, true);
	assert_true(pn_steer_hash(&s, f, 58, &h));
	assert_int_equal(h, ref_l4(0xc6120001, 0xc6130002, 5000, 53));
	/* A fragment (MF set) hashes by addresses only. */
	frame(f, 0xc6120001, 0xc6130002, 17, 5000, 53, 0x2000, false);
	assert_true(pn_steer_hash(&s, f, 54, &h));
	assert_int_equal(h, ref_l3(0xc6120001, 0xc6130002));
	/* So does ICMP. */
	frame(f, 0xc6120001, 0xc6130002, 1, 0, 0, 0, false);
	assert_true(pn_steer_hash(&s, f, 54, &h));
	assert_int_equal(h, ref_l3(0xc6120001, 0xc6130002));
}

static void
test_not_steerable(void **state)
{
	struct pn_steer s;
	uint8_t f[64];
	uint32_t h, len;

	(void)state;
	pn_steer_init(&s, 2, 128);
	frame(f, 1, 2, 6, 3, 4, 0, false);
	f[12] = 0x86; f[13] = 0xdd; /* IPv6 */
	assert_false(pn_steer_hash(&s, f, 54, &h));
	frame(f, 1, 2, 6, 3, 4, 0, false);
	f[14] = 0x65; /* version 6 */
	assert_false(pn_steer_hash(&s, f, 54, &h));
	frame(f, 1, 2, 6, 3, 4, 0, false);
	f[14] = 0x44; /* IHL 4 */
	assert_false(pn_steer_hash(&s, f, 54, &h));
	/* Every truncation short of the IPv4 header is refused, never read past. */
	frame(f, 1, 2, 6, 3, 4, 0, false);
	for (len = 0; len < 34; len++)
		assert_false(pn_steer_hash(&s, f, len, &h));
	/* IP header but no ports: falls back to the address pair. */
	assert_true(pn_steer_hash(&s, f, 34, &h));
	assert_int_equal(h, ref_l3(1, 2));
}

static void
test_mbuf_owner_spreads_flows(void **state)
{
	struct pn_steer s;
	unsigned int count[2] = { 0, 0 };
	uint8_t f[64];
	uint16_t p;

	(void)state;
	pn_test_eal_init();
	pn_steer_init(&s, 2, 128);
	for (p = 0; p < 1000; p++) {
		struct rte_mbuf *m;
		uint32_t h;
		int o;

		frame(f, 0xc6120001, 0xc6130002, 6, (uint16_t)(10000 + p), 80, 0, false);
		m = pn_test_mbuf(f, 54);
		o = pn_steer_mbuf_owner(&s, m);
		assert_true(pn_steer_hash(&s, f, 54, &h));
		assert_int_equal(o, s.reta[h & 127]);
		count[o]++;
		rte_pktmbuf_free(m);
	}
	assert_true(count[0] > 400 && count[1] > 400);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_reta),
		cmocka_unit_test(test_tcp_hash_is_softrss),
		cmocka_unit_test(test_table_hash_is_softrss),
		cmocka_unit_test(test_hash_is_symmetric),
		cmocka_unit_test(test_udp_vlan_and_fragments),
		cmocka_unit_test(test_not_steerable),
		cmocka_unit_test(test_mbuf_owner_spreads_flows),
	};

	return cmocka_run_group_tests_name("steer", tests, NULL, NULL);
}
