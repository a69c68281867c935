/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ether.h"
#include "pkt_build.h"

static const uint8_t mac1[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac2[6] = { 0x02, 0, 0, 0, 0, 0x02 };

static void
test_untagged(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_ether_hdr h;
	uint32_t n = pkt_eth(b, 0, 0, PN_ETHER_TYPE_IPV4);

	assert_int_equal(pn_ether_parse(b, n, &h), 0);
	assert_int_equal(h.ethertype, PN_ETHER_TYPE_IPV4);
	assert_int_equal(h.hdr_len, PN_ETHER_HDR_LEN);
	assert_int_equal(h.vlan_tpid, 0);
	assert_int_equal(pn_ether_vlan_id(&h), 0);
	assert_memory_equal(h.dst, mac2, 6);
	assert_memory_equal(h.src, mac1, 6);
	(void)state;
}

static void
check_tagged(uint16_t tpid)
{
	uint8_t b[PKT_MAX];
	struct pn_ether_hdr h;
	uint32_t n = pkt_eth(b, tpid, 0xa123, PN_ETHER_TYPE_ARP);

	assert_int_equal(n, PN_ETHER_VLAN_HDR_LEN);
	assert_int_equal(pn_ether_parse(b, n, &h), 0);
	assert_int_equal(h.ethertype, PN_ETHER_TYPE_ARP);
	assert_int_equal(h.hdr_len, PN_ETHER_VLAN_HDR_LEN);
	assert_int_equal(h.vlan_tpid, tpid);
	assert_int_equal(h.vlan_tci, 0xa123);
	assert_int_equal(pn_ether_vlan_id(&h), 0x123);
}

static void
test_vlan_8021q(void **state)
{
	check_tagged(PN_ETHER_TYPE_VLAN);
	(void)state;
}

static void
test_vlan_8021ad(void **state)
{
	check_tagged(PN_ETHER_TYPE_QINQ);
	(void)state;
}

/* Only one tag is skipped: the second TPID is reported as the type. */
static void
test_double_tag_skips_one(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_ether_hdr h;
	uint32_t n = pkt_eth(b, PN_ETHER_TYPE_QINQ, 10, PN_ETHER_TYPE_VLAN);

	pkt_put16(b + n, 20);
	pkt_put16(b + n + 2, PN_ETHER_TYPE_IPV4);
	assert_int_equal(pn_ether_parse(b, n + 4, &h), 0);
	assert_int_equal(h.ethertype, PN_ETHER_TYPE_VLAN);
	assert_int_equal(h.hdr_len, PN_ETHER_VLAN_HDR_LEN);
	assert_int_equal(pn_ether_vlan_id(&h), 10);
	(void)state;
}

/* Every strict prefix is -EMSGSIZE, the whole header parses. */
static void
check_truncated(const uint8_t *b, uint32_t n)
{
	struct pn_ether_hdr h;
	uint32_t len;

	for (len = 0; len <= n; len++) {
		uint8_t *p = pkt_dup(b, len);

		assert_non_null(p);
		assert_int_equal(pn_ether_parse(p, len, &h),
				 len < n ? -EMSGSIZE : 0);
		free(p);
	}
}

static void
test_truncated_every_length(void **state)
{
	uint8_t b[PKT_MAX];
	uint32_t n;

	n = pkt_eth(b, 0, 0, PN_ETHER_TYPE_IPV4);
	check_truncated(b, n);
	n = pkt_eth(b, PN_ETHER_TYPE_VLAN, 5, PN_ETHER_TYPE_IPV4);
	check_truncated(b, n);
	(void)state;
}

/* The inline test agrees with pn_ether_parse: untagged IPv4 to the MAC
 * asked about, at every length, and nothing else (another MAC, ARP, a
 * tagged IPv4 frame, whose ethertype pn_ether_parse reports after the
 * tag). */
static void
test_is_ipv4_to(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_ether_hdr h;
	uint32_t n, len;

	n = pkt_eth(b, 0, 0, PN_ETHER_TYPE_IPV4);
	for (len = 0; len <= n; len++) {
		uint8_t *p = pkt_dup(b, len);
		bool ok;

		assert_non_null(p);
		ok = pn_ether_parse(p, len, &h) == 0 &&
		     h.ethertype == PN_ETHER_TYPE_IPV4 &&
		     h.hdr_len == PN_ETHER_HDR_LEN &&
		     memcmp(h.dst, mac2, 6) == 0;
		assert_true(ok == (len == n));
		assert_true(pn_ether_is_ipv4_to(p, len, mac2) == ok);
		free(p);
	}
	assert_false(pn_ether_is_ipv4_to(b, n, mac1));
	n = pkt_eth(b, 0, 0, PN_ETHER_TYPE_ARP);
	assert_false(pn_ether_is_ipv4_to(b, n, mac2));
	n = pkt_eth(b, PN_ETHER_TYPE_VLAN, 5, PN_ETHER_TYPE_IPV4);
	assert_int_equal(pn_ether_parse(b, n, &h), 0);
	assert_int_equal(h.ethertype, PN_ETHER_TYPE_IPV4);
	assert_false(pn_ether_is_ipv4_to(b, n, mac2));
	(void)state;
}

/* Type fields below 0x0600 are 802.3 lengths, not Ethernet II. */
static void
test_8023_length_rejected(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_ether_hdr h;

	pkt_eth(b, 0, 0, 0x05dc);
	assert_int_equal(pn_ether_parse(b, 64, &h), -EPROTONOSUPPORT);
	pkt_eth(b, PN_ETHER_TYPE_VLAN, 1, 0x0040);
	assert_int_equal(pn_ether_parse(b, 64, &h), -EPROTONOSUPPORT);
	pkt_eth(b, 0, 0, PN_ETHER_TYPE_MIN);
	assert_int_equal(pn_ether_parse(b, 64, &h), 0);
	(void)state;
}

static void
test_known_vector(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_ether_hdr h;
	uint32_t n = pkt_hex(b, PKT_VEC_ARP_REQUEST);

	assert_int_equal(pn_ether_parse(b, n, &h), 0);
	assert_int_equal(h.ethertype, PN_ETHER_TYPE_ARP);
	assert_true(pn_ether_is_broadcast(h.dst));
	assert_true(pn_ether_is_multicast(h.dst));
	assert_false(pn_ether_is_multicast(h.src));
	assert_memory_equal(h.src, mac1, 6);
	(void)state;
}

static void
test_addr_classes(void **state)
{
	const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	const uint8_t almost[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe };

	assert_true(pn_ether_is_multicast(mcast));
	assert_false(pn_ether_is_broadcast(mcast));
	assert_false(pn_ether_is_broadcast(almost));
	assert_false(pn_ether_is_broadcast(mac1));
	(void)state;
}

static void
check_roundtrip(uint16_t tpid, uint16_t tci)
{
	struct pn_ether_hdr in = {
		.ethertype = PN_ETHER_TYPE_IPV4,
		.vlan_tpid = tpid,
		.vlan_tci = tci,
	}, out;
	uint8_t b[PKT_MAX], ref[PKT_MAX];
	int n;

	memcpy(in.dst, mac2, 6);
	memcpy(in.src, mac1, 6);
	n = pn_ether_build(b, sizeof(b), &in);
	assert_int_equal(n, (int)pkt_eth(ref, tpid, tci, PN_ETHER_TYPE_IPV4));
	assert_memory_equal(b, ref, (size_t)n);
	assert_int_equal(pn_ether_parse(b, (uint32_t)n, &out), 0);
	assert_int_equal(out.hdr_len, n);
	assert_int_equal(out.ethertype, in.ethertype);
	assert_int_equal(out.vlan_tpid, tpid);
	assert_int_equal(out.vlan_tci, tci);
	assert_memory_equal(out.dst, in.dst, 6);
	assert_memory_equal(out.src, in.src, 6);
}

static void
test_build_roundtrip(void **state)
{
	check_roundtrip(0, 0);
	check_roundtrip(PN_ETHER_TYPE_VLAN, 0xe00f);
	check_roundtrip(PN_ETHER_TYPE_QINQ, 0x0fff);
	(void)state;
}

static void
test_build_errors(void **state)
{
	struct pn_ether_hdr h = { .ethertype = PN_ETHER_TYPE_IPV4 };
	uint8_t b[PKT_MAX];

	assert_int_equal(pn_ether_build(b, 13, &h), -EMSGSIZE);
	assert_int_equal(pn_ether_build(b, 14, &h), 14);
	h.vlan_tpid = PN_ETHER_TYPE_VLAN;
	assert_int_equal(pn_ether_build(b, 17, &h), -EMSGSIZE);
	assert_int_equal(pn_ether_build(b, 18, &h), 18);
	h.vlan_tpid = PN_ETHER_TYPE_IPV4;
	assert_int_equal(pn_ether_build(b, sizeof(b), &h), -EINVAL);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_untagged),
		cmocka_unit_test(test_vlan_8021q),
		cmocka_unit_test(test_vlan_8021ad),
		cmocka_unit_test(test_double_tag_skips_one),
		cmocka_unit_test(test_truncated_every_length),
		cmocka_unit_test(test_is_ipv4_to),
		cmocka_unit_test(test_8023_length_rejected),
		cmocka_unit_test(test_known_vector),
		cmocka_unit_test(test_addr_classes),
		cmocka_unit_test(test_build_roundtrip),
		cmocka_unit_test(test_build_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
