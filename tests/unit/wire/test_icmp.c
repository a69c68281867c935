/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "icmp.h"
#include "ipv4.h"
#include "pkt_build.h"

#define IP1 PN_IPV4(198, 18, 0, 1)
#define IP2 PN_IPV4(198, 18, 0, 2)
#define L4 (14 + 20)	/* ICMP offset in the captured frames */

/* The ICMP message of a captured frame; returns its length. */
static uint32_t
vec(uint8_t *b, const char *hex)
{
	uint8_t f[PKT_MAX];
	uint32_t n = pkt_hex(f, hex);

	memcpy(b, f + L4, n - L4);
	return n - L4;
}

/* A destination unreachable quoting @p qlen bytes of a UDP datagram. */
static uint32_t
mk_unreach(uint8_t *b, uint8_t code, uint16_t mtu, uint32_t qlen)
{
	uint8_t dgram[PKT_MAX];
	uint32_t hl = pkt_ipv4(dgram, 0, 100, PN_IPV4_PROTO_UDP, IP1, IP2);

	/* every byte of the quote set: a truncation must not find a valid
	 * checksum by chance (zero bytes cut off the end keep it valid) */
	pkt_put16(dgram + hl, 4000);
	pkt_put16(dgram + hl + 2, 5000);
	pkt_put16(dgram + hl + 4, 100 - hl);
	pkt_put16(dgram + hl + 6, 0xbeef);
	memset(b, 0, 8);
	b[0] = PN_ICMP_DEST_UNREACH;
	b[1] = code;
	pkt_put16(b + 6, mtu);
	memcpy(b + 8, dgram, qlen);
	pkt_put16(b + 2, pkt_ref_cksum(b, 8 + qlen));
	return 8 + qlen;
}

static void
fix_cksum(uint8_t *b, uint32_t n)
{
	pkt_put16(b + 2, 0);
	pkt_put16(b + 2, pkt_ref_cksum(b, n));
}

static void
test_echo_vectors(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_icmp_hdr h;
	uint32_t n = vec(b, PKT_VEC_PING_REQUEST);

	assert_int_equal(pn_icmp_parse(b, n, &h), 0);
	assert_int_equal(h.type, PN_ICMP_ECHO_REQUEST);
	assert_int_equal(h.code, 0);
	assert_int_equal(h.cksum, 0xb999);
	assert_int_equal(h.id, 0x1ba7);
	assert_int_equal(h.seq, 1);
	assert_ptr_equal(h.data, b + 8);
	assert_int_equal(h.data_len, 56);
	n = vec(b, PKT_VEC_PING_REPLY);
	assert_int_equal(pn_icmp_parse(b, n, &h), 0);
	assert_int_equal(h.type, PN_ICMP_ECHO_REPLY);
	assert_int_equal(h.cksum, 0xc199);
	(void)state;
}

/* Our reply to Linux's request is byte for byte Linux's reply. */
static void
test_echo_reply_matches_vector(void **state)
{
	uint8_t req[PKT_MAX], out[PKT_MAX], ref[PKT_MAX];
	struct pn_icmp_hdr h;
	uint32_t n = vec(req, PKT_VEC_PING_REQUEST);

	vec(ref, PKT_VEC_PING_REPLY);
	assert_int_equal(pn_icmp_parse(req, n, &h), 0);
	assert_int_equal(pn_icmp_build_echo_reply(out, sizeof(out), &h),
			 (int)n);
	assert_memory_equal(out, ref, n);
	/* In place, over the request itself. */
	assert_int_equal(pn_icmp_build_echo_reply(req, n, &h), (int)n);
	assert_memory_equal(req, ref, n);
	(void)state;
}

static void
test_echo_roundtrip(void **state)
{
	uint8_t b[PKT_MAX], ref[PKT_MAX];
	struct pn_icmp_hdr h;
	uint32_t n = pkt_icmp_echo(ref, PN_ICMP_ECHO_REQUEST, 9, 65535, 33);

	assert_int_equal(pn_icmp_build_echo(b, sizeof(b),
		PN_ICMP_ECHO_REQUEST, 9, 65535, ref + 8, 33), (int)n);
	assert_memory_equal(b, ref, n);
	assert_int_equal(pn_icmp_parse(b, n, &h), 0);
	assert_int_equal(h.id, 9);
	assert_int_equal(h.seq, 65535);
	assert_int_equal(h.data_len, 33);
	assert_int_equal(pn_icmp_build_echo(b, sizeof(b), PN_ICMP_ECHO_REPLY,
					    1, 2, NULL, 0), 8);
	assert_int_equal(pn_icmp_parse(b, 8, &h), 0);
	assert_int_equal(h.data_len, 0);
	(void)state;
}

/* The checksum covers the whole message: any cut is caught. */
static void
test_truncated_every_length(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_icmp_hdr h;
	uint32_t len, n = pkt_icmp_echo(b, PN_ICMP_ECHO_REQUEST, 1, 1, 40);

	for (len = 0; len <= n; len++) {
		uint8_t *p = pkt_dup(b, len);

		assert_int_equal(pn_icmp_parse(p, len, &h),
			len < 8 ? -EMSGSIZE : len < n ? -EBADMSG : 0);
		free(p);
	}
	n = mk_unreach(b, PN_ICMP_UNREACH_PORT, 0, 28);
	for (len = 0; len <= n; len++) {
		uint8_t *p = pkt_dup(b, len);

		assert_int_equal(pn_icmp_parse(p, len, &h),
			len < 8 ? -EMSGSIZE : len < n ? -EBADMSG : 0);
		free(p);
	}
	(void)state;
}

static void
test_bad_checksum(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_icmp_hdr h;
	uint32_t i, n = vec(b, PKT_VEC_PING_REQUEST);

	for (i = 0; i < n * 8; i++) {
		b[i / 8] ^= (uint8_t)(1u << (i % 8));
		assert_int_equal(pn_icmp_parse(b, n, &h), -EBADMSG);
		b[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	assert_int_equal(pn_icmp_parse(b, n, &h), 0);
	(void)state;
}

static void
test_unsupported_types(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_icmp_hdr h;
	uint32_t n = pkt_icmp_echo(b, PN_ICMP_ECHO_REQUEST, 1, 1, 20);
	unsigned int t;

	for (t = 0; t < 256; t++) {
		b[0] = (uint8_t)t;
		fix_cksum(b, n);
		if (t != PN_ICMP_ECHO_REQUEST && t != PN_ICMP_ECHO_REPLY &&
		    t != PN_ICMP_DEST_UNREACH && t != PN_ICMP_TIME_EXCEEDED &&
		    t != PN_ICMP_PARAM_PROBLEM)
			assert_int_equal(pn_icmp_parse(b, n, &h),
					 -EPROTONOSUPPORT);
	}
	(void)state;
}

static void
test_port_unreach_vector(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_icmp_hdr h;
	uint32_t n = vec(b, PKT_VEC_PORT_UNREACH);

	assert_int_equal(pn_icmp_parse(b, n, &h), 0);
	assert_int_equal(h.type, PN_ICMP_DEST_UNREACH);
	assert_int_equal(h.code, PN_ICMP_UNREACH_PORT);
	assert_int_equal(h.cksum, 0x9d44);
	assert_int_equal(h.data_len, 45);
	assert_int_equal(h.quote.proto, PN_IPV4_PROTO_UDP);
	assert_int_equal(h.quote.src, IP1);
	assert_int_equal(h.quote.dst, IP1);
	assert_int_equal(h.quote.hdr_len, 20);
	assert_ptr_equal(h.quote.l4, b + 28);
	assert_int_equal(h.quote.l4[0] << 8 | h.quote.l4[1], 4000);
	assert_int_equal(h.quote.l4[2] << 8 | h.quote.l4[3], 5000);
	(void)state;
}

static void
test_frag_needed_mtu(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_icmp_hdr h;
	uint32_t n = mk_unreach(b, PN_ICMP_UNREACH_FRAG_NEEDED, 1400, 28);

	assert_int_equal(pn_icmp_parse(b, n, &h), 0);
	assert_int_equal(h.mtu, 1400);
	n = mk_unreach(b, PN_ICMP_UNREACH_HOST, 1400, 28);
	assert_int_equal(pn_icmp_parse(b, n, &h), 0);
	assert_int_equal(h.mtu, 0);
	(void)state;
}

/* A time exceeded (TTL) quoting @p qlen bytes of a UDP datagram. */
static uint32_t
mk_exceeded(uint8_t *b, uint32_t qlen)
{
	uint32_t n = mk_unreach(b, PN_ICMP_EXC_TTL, 0, qlen);

	b[0] = PN_ICMP_TIME_EXCEEDED;
	fix_cksum(b, n);
	return n;
}

static void
test_time_exceeded_quote(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_icmp_hdr h;
	uint32_t n = mk_exceeded(b, 28);

	assert_int_equal(pn_icmp_parse(b, n, &h), 0);
	assert_int_equal(h.type, PN_ICMP_TIME_EXCEEDED);
	assert_int_equal(h.code, PN_ICMP_EXC_TTL);
	assert_int_equal(h.quote.proto, PN_IPV4_PROTO_UDP);
	assert_int_equal(h.quote.src, IP1);
	assert_int_equal(h.quote.dst, IP2);
	assert_ptr_equal(h.quote.l4, b + 28);
	assert_int_equal(h.quote.l4[0] << 8 | h.quote.l4[1], 4000);
	assert_int_equal(h.mtu, 0);
	/* the quote is checked as for destination unreachable */
	n = mk_exceeded(b, 27);
	assert_int_equal(pn_icmp_parse(b, n, &h), -EMSGSIZE);
	n = mk_exceeded(b, 28);
	b[8] = 0x65; /* not IPv4 */
	fix_cksum(b, n);
	assert_int_equal(pn_icmp_parse(b, n, &h), -EBADMSG);
	(void)state;
}

/* RFC 792 parameter problem: the pointer is the second word's top byte,
 * the quote is checked as for the other errors. */
static void
test_param_problem(void **state)
{
	uint8_t b[PKT_MAX], dgram[PKT_MAX], c[PKT_MAX];
	uint32_t hl = pkt_ipv4(dgram, 4, 100, PN_IPV4_PROTO_UDP, IP1, IP2);
	struct pn_icmp_hdr h;
	int n;

	/* every byte of the quote set: a truncation must not find a valid
	 * checksum by chance (zero bytes cut off the end keep it valid) */
	pkt_put16(dgram + hl, 4000);
	pkt_put16(dgram + hl + 2, 5000);
	pkt_put16(dgram + hl + 4, 100 - hl);
	pkt_put16(dgram + hl + 6, 0xbeef);
	n = pn_icmp_build_error(b, sizeof(b), PN_ICMP_PARAM_PROBLEM, 0,
				22u << 24, dgram, 120);
	assert_int_equal(n, 8 + hl + 8);	/* header with options + 8 */
	assert_int_equal(b[0], 12);
	assert_int_equal(b[1], 0);
	assert_int_equal(b[4], 22);
	assert_int_equal(b[5] | b[6] | b[7], 0);
	assert_int_equal(pkt_ref_cksum(b, (uint32_t)n), 0);
	assert_memory_equal(b + 8, dgram, hl + 8);
	assert_int_equal(pn_icmp_parse(b, (uint32_t)n, &h), 0);
	assert_int_equal(h.type, PN_ICMP_PARAM_PROBLEM);
	assert_int_equal(h.pointer, 22);
	assert_int_equal(h.quote.proto, PN_IPV4_PROTO_UDP);
	assert_int_equal(h.quote.l4[0] << 8 | h.quote.l4[1], 4000);
	/* Time exceeded, code 1: the second word is zero. */
	n = pn_icmp_build_error(c, sizeof(c), PN_ICMP_TIME_EXCEEDED,
				PN_ICMP_EXC_FRAGTIME, 0, dgram, 120);
	assert_int_equal(n, 8 + hl + 8);
	assert_int_equal(c[0], 11);
	assert_int_equal(c[1], 1);
	assert_int_equal(c[4] | c[5] | c[6] | c[7], 0);
	assert_int_equal(pkt_ref_cksum(c, (uint32_t)n), 0);
	/* Only errors are built this way. */
	assert_int_equal(pn_icmp_build_error(c, sizeof(c), PN_ICMP_ECHO_REPLY,
					     0, 0, dgram, 120), -EINVAL);
	(void)state;
}

static void
test_bad_quote(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_icmp_hdr h;
	uint32_t q, n;

	/* RFC 792: the IP header and 64 bits of data, no less. */
	for (q = 0; q < 28; q++) {
		n = mk_unreach(b, PN_ICMP_UNREACH_PORT, 0, q);
		assert_int_equal(pn_icmp_parse(b, n, &h), -EMSGSIZE);
	}
	n = mk_unreach(b, PN_ICMP_UNREACH_PORT, 0, 28);
	b[8] = 0x65;		/* quoted version 6 */
	fix_cksum(b, n);
	assert_int_equal(pn_icmp_parse(b, n, &h), -EBADMSG);
	b[8] = 0x44;		/* quoted IHL 4 */
	fix_cksum(b, n);
	assert_int_equal(pn_icmp_parse(b, n, &h), -EBADMSG);
	b[8] = 0x46;		/* IHL 6: 24 + 8 bytes needed, 28 quoted */
	fix_cksum(b, n);
	assert_int_equal(pn_icmp_parse(b, n, &h), -EMSGSIZE);
	(void)state;
}

static void
test_build_unreach(void **state)
{
	uint8_t f[PKT_MAX], b[PKT_MAX], ref[PKT_MAX];
	struct pn_icmp_hdr h;
	const uint8_t *dgram = f + L4 + 8;	/* the 45-byte UDP datagram */
	uint32_t want;

	pkt_hex(f, PKT_VEC_PORT_UNREACH);
	/* IP header + 8 bytes, whatever the datagram length. */
	assert_int_equal(pn_icmp_build_unreach(b, sizeof(b),
		PN_ICMP_UNREACH_PORT, 0, dgram, 45), 36);
	assert_int_equal(pn_icmp_parse(b, 36, &h), 0);
	assert_int_equal(h.code, PN_ICMP_UNREACH_PORT);
	assert_memory_equal(b + 8, dgram, 28);
	want = mk_unreach(ref, PN_ICMP_UNREACH_FRAG_NEEDED, 1280, 28);
	assert_int_equal(pn_icmp_build_unreach(b, sizeof(b),
		PN_ICMP_UNREACH_FRAG_NEEDED, 1280, ref + 8, 128), (int)want);
	assert_memory_equal(b, ref, want);
	(void)state;
}

static void
test_build_unreach_options_and_padding(void **state)
{
	uint8_t d[PKT_MAX] = { 0 }, b[PKT_MAX];
	struct pn_icmp_hdr h;
	uint32_t hl;

	hl = pkt_ipv4(d, 12, 200, PN_IPV4_PROTO_TCP, IP2, IP1);
	assert_int_equal(pn_icmp_build_unreach(b, sizeof(b),
		PN_ICMP_UNREACH_PROTO, 0, d, 300), 8 + (int)hl + 8);
	assert_int_equal(pn_icmp_parse(b, 8 + hl + 8, &h), 0);
	assert_int_equal(h.quote.hdr_len, hl);
	assert_int_equal(h.quote.proto, PN_IPV4_PROTO_TCP);
	/* A 24-byte datagram in a padded frame: quote 24, not the pad. */
	pkt_ipv4(d, 0, 4, PN_IPV4_PROTO_UDP, IP2, IP1);
	assert_int_equal(pn_icmp_build_unreach(b, sizeof(b),
		PN_ICMP_UNREACH_PORT, 0, d, 46), 8 + 24);
	assert_int_equal(pkt_ref_cksum(b, 32), 0);
	(void)state;
}

static void
test_build_errors(void **state)
{
	uint8_t d[PKT_MAX] = { 0 }, b[PKT_MAX];
	struct pn_icmp_hdr h = { .type = PN_ICMP_ECHO_REPLY };

	assert_int_equal(pn_icmp_build_echo(b, sizeof(b), 3, 0, 0, NULL, 0),
			 -EINVAL);
	assert_int_equal(pn_icmp_build_echo(b, 7, PN_ICMP_ECHO_REPLY, 0, 0,
					    NULL, 0), -EMSGSIZE);
	assert_int_equal(pn_icmp_build_echo(b, 20, PN_ICMP_ECHO_REPLY, 0, 0,
					    d, 13), -EMSGSIZE);
	assert_int_equal(pn_icmp_build_echo_reply(b, sizeof(b), &h), -EINVAL);
	pkt_ipv4(d, 0, 8, PN_IPV4_PROTO_UDP, IP2, IP1);
	assert_int_equal(pn_icmp_build_unreach(b, 35, 3, 0, d, 28),
			 -EMSGSIZE);
	assert_int_equal(pn_icmp_build_unreach(b, sizeof(b), 3, 0, d, 19),
			 -EINVAL);
	d[0] = 0x65;
	assert_int_equal(pn_icmp_build_unreach(b, sizeof(b), 3, 0, d, 28),
			 -EINVAL);
	d[0] = 0x44;
	assert_int_equal(pn_icmp_build_unreach(b, sizeof(b), 3, 0, d, 28),
			 -EINVAL);
	d[0] = 0x4f;	/* 60-byte header in 28 bytes */
	assert_int_equal(pn_icmp_build_unreach(b, sizeof(b), 3, 0, d, 28),
			 -EINVAL);
	(void)state;
}

/* RFC 1122 3.2.2: when an ICMP error must not be sent. */
static void
test_error_allowed(void **state)
{
	struct pn_ipv4_hdr ip = { .proto = PN_IPV4_PROTO_UDP, .src = IP1,
				  .dst = IP2 }, t;
	const uint8_t echo[1] = { PN_ICMP_ECHO_REQUEST };
	const uint8_t unreach[1] = { PN_ICMP_DEST_UNREACH };

	assert_true(pn_icmp_error_allowed(&ip, NULL, 0));
	t = ip, t.frag_off = 8;
	assert_false(pn_icmp_error_allowed(&t, NULL, 0));
	t = ip, t.mf = true;	/* first fragment: allowed */
	assert_true(pn_icmp_error_allowed(&t, NULL, 0));
	t = ip, t.dst = 0xffffffff;
	assert_false(pn_icmp_error_allowed(&t, NULL, 0));
	t = ip, t.dst = PN_IPV4(224, 0, 0, 1);
	assert_false(pn_icmp_error_allowed(&t, NULL, 0));
	t = ip, t.src = 0;
	assert_false(pn_icmp_error_allowed(&t, NULL, 0));
	t = ip, t.src = PN_IPV4(127, 0, 0, 1);
	assert_false(pn_icmp_error_allowed(&t, NULL, 0));
	t = ip, t.src = PN_IPV4(239, 1, 1, 1);
	assert_false(pn_icmp_error_allowed(&t, NULL, 0));
	t = ip, t.src = PN_IPV4(240, 0, 0, 1);
	assert_false(pn_icmp_error_allowed(&t, NULL, 0));
	t = ip, t.proto = PN_IPV4_PROTO_ICMP;
	assert_true(pn_icmp_error_allowed(&t, echo, 1));
	assert_false(pn_icmp_error_allowed(&t, unreach, 1));
	assert_false(pn_icmp_error_allowed(&t, NULL, 0));
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_vectors),
		cmocka_unit_test(test_echo_reply_matches_vector),
		cmocka_unit_test(test_echo_roundtrip),
		cmocka_unit_test(test_truncated_every_length),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_unsupported_types),
		cmocka_unit_test(test_port_unreach_vector),
		cmocka_unit_test(test_frag_needed_mtu),
		cmocka_unit_test(test_time_exceeded_quote),
		cmocka_unit_test(test_param_problem),
		cmocka_unit_test(test_bad_quote),
		cmocka_unit_test(test_build_unreach),
		cmocka_unit_test(test_build_unreach_options_and_padding),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_error_allowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
