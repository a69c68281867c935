/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arp.h"
#include "ipv4.h"
#include "pkt_build.h"

#define IP1 PN_IPV4(198, 18, 0, 1)
#define IP2 PN_IPV4(198, 18, 0, 2)

static const uint8_t mac1[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac2[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t zero[6];

/* The ARP payload of a captured frame (after the 14-byte header). */
static uint32_t
vec(uint8_t *b, const char *hex)
{
	uint8_t frame[PKT_MAX];
	uint32_t n = pkt_hex(frame, hex);

	memcpy(b, frame + PN_ETHER_HDR_LEN, n - PN_ETHER_HDR_LEN);
	return n - PN_ETHER_HDR_LEN;
}

static void
test_request_vector(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_arp a;
	uint32_t n = vec(b, PKT_VEC_ARP_REQUEST);

	assert_int_equal(n, PN_ARP_LEN);
	assert_int_equal(pn_arp_parse(b, n, &a), 0);
	assert_int_equal(a.op, PN_ARP_OP_REQUEST);
	assert_memory_equal(a.sha, mac1, 6);
	assert_memory_equal(a.tha, zero, 6);
	assert_int_equal(a.spa, IP1);
	assert_int_equal(a.tpa, IP2);
	assert_false(pn_arp_is_gratuitous(&a));
	assert_false(pn_arp_is_probe(&a));
	(void)state;
}

static void
test_reply_vector(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_arp a;
	uint32_t n = vec(b, PKT_VEC_ARP_REPLY);

	assert_int_equal(pn_arp_parse(b, n, &a), 0);
	assert_int_equal(a.op, PN_ARP_OP_REPLY);
	assert_memory_equal(a.sha, mac2, 6);
	assert_memory_equal(a.tha, mac1, 6);
	assert_int_equal(a.spa, IP2);
	assert_int_equal(a.tpa, IP1);
	(void)state;
}

/* Ethernet pads ARP to 46 bytes: the trailer is ignored. */
static void
test_padding_ignored(void **state)
{
	uint8_t b[PKT_MAX] = { 0 };
	struct pn_arp a;

	vec(b, PKT_VEC_ARP_REQUEST);
	assert_int_equal(pn_arp_parse(b, 46, &a), 0);
	assert_int_equal(a.tpa, IP2);
	(void)state;
}

static void
test_truncated_every_length(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_arp a;
	uint32_t len, n = vec(b, PKT_VEC_ARP_REQUEST);

	for (len = 0; len <= n; len++) {
		uint8_t *p = pkt_dup(b, len);

		assert_int_equal(pn_arp_parse(p, len, &a),
				 len < n ? -EMSGSIZE : 0);
		free(p);
	}
	(void)state;
}

/* Poke one byte of a valid request and expect @p err. */
static void
check_poke(uint32_t off, uint8_t val, int err)
{
	uint8_t b[PKT_MAX];
	struct pn_arp a;
	uint32_t n = vec(b, PKT_VEC_ARP_REQUEST);

	b[off] = val;
	assert_int_equal(pn_arp_parse(b, n, &a), err);
}

static void
test_bad_fields(void **state)
{
	check_poke(1, 6, -EPROTONOSUPPORT);	/* htype IEEE 802 */
	check_poke(2, 0x86, -EPROTONOSUPPORT);	/* ptype 0x8600 */
	check_poke(4, 8, -EBADMSG);		/* hlen */
	check_poke(5, 16, -EBADMSG);		/* plen */
	check_poke(7, 3, -EPROTONOSUPPORT);	/* RARP request */
	check_poke(7, 0, -EPROTONOSUPPORT);
	check_poke(7, 2, 0);
	(void)state;
}

static void
test_build_request_matches_vector(void **state)
{
	uint8_t b[PKT_MAX], ref[PKT_MAX];
	uint32_t n = vec(ref, PKT_VEC_ARP_REQUEST);

	assert_int_equal(pn_arp_build_request(b, sizeof(b), mac1, IP1, IP2),
			 PN_ARP_LEN);
	assert_memory_equal(b, ref, n);
	(void)state;
}

static void
test_build_reply_matches_vector(void **state)
{
	uint8_t b[PKT_MAX], ref[PKT_MAX];
	struct pn_arp req;
	uint32_t n = vec(b, PKT_VEC_ARP_REQUEST);

	assert_int_equal(pn_arp_parse(b, n, &req), 0);
	n = vec(ref, PKT_VEC_ARP_REPLY);
	assert_int_equal(pn_arp_build_reply(b, sizeof(b), &req, mac2),
			 PN_ARP_LEN);
	assert_memory_equal(b, ref, n);
	(void)state;
}

static void
test_gratuitous(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_arp a;

	assert_int_equal(pn_arp_build_gratuitous(b, sizeof(b), mac1, IP1),
			 PN_ARP_LEN);
	assert_int_equal(pn_arp_parse(b, PN_ARP_LEN, &a), 0);
	assert_int_equal(a.op, PN_ARP_OP_REQUEST);
	assert_int_equal(a.spa, IP1);
	assert_int_equal(a.tpa, IP1);
	assert_memory_equal(a.tha, zero, 6);
	assert_true(pn_arp_is_gratuitous(&a));
	assert_false(pn_arp_is_probe(&a));
	(void)state;
}

static void
test_probe(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_arp a;

	pn_arp_build_request(b, sizeof(b), mac1, 0, IP2);
	assert_int_equal(pn_arp_parse(b, PN_ARP_LEN, &a), 0);
	assert_true(pn_arp_is_probe(&a));
	assert_false(pn_arp_is_gratuitous(&a));
	(void)state;
}

static void
test_build_roundtrip(void **state)
{
	struct pn_arp in = { .op = PN_ARP_OP_REPLY, .spa = 0x01020304,
			     .tpa = 0xfffefdfc }, out;
	uint8_t b[PKT_MAX];

	memcpy(in.sha, mac1, 6);
	memcpy(in.tha, mac2, 6);
	assert_int_equal(pn_arp_build(b, sizeof(b), &in), PN_ARP_LEN);
	assert_int_equal(pn_arp_parse(b, PN_ARP_LEN, &out), 0);
	assert_int_equal(out.op, in.op);
	assert_int_equal(out.spa, in.spa);
	assert_int_equal(out.tpa, in.tpa);
	assert_memory_equal(out.sha, in.sha, 6);
	assert_memory_equal(out.tha, in.tha, 6);
	(void)state;
}

static void
test_build_errors(void **state)
{
	struct pn_arp a = { .op = PN_ARP_OP_REPLY };
	uint8_t b[PKT_MAX];

	assert_int_equal(pn_arp_build(b, PN_ARP_LEN - 1, &a), -EMSGSIZE);
	assert_int_equal(pn_arp_build_request(b, 10, mac1, IP1, IP2),
			 -EMSGSIZE);
	a.op = 3;
	assert_int_equal(pn_arp_build(b, sizeof(b), &a), -EINVAL);
	a.op = PN_ARP_OP_REPLY;
	assert_int_equal(pn_arp_build_reply(b, sizeof(b), &a, mac2), -EINVAL);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_vector),
		cmocka_unit_test(test_reply_vector),
		cmocka_unit_test(test_padding_ignored),
		cmocka_unit_test(test_truncated_every_length),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_build_request_matches_vector),
		cmocka_unit_test(test_build_reply_matches_vector),
		cmocka_unit_test(test_gratuitous),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_build_roundtrip),
		cmocka_unit_test(test_build_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
