/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ipv4.h"
#include "pkt_build.h"

#define IP1 PN_IPV4(198, 18, 0, 1)
#define IP2 PN_IPV4(198, 18, 0, 2)
#define ETH 14	/* IPv4 offset in the captured frames */

/* A valid packet: header with @p opts_len option bytes, 8 payload bytes. */
static uint32_t
mk(uint8_t *b, uint32_t opts_len)
{
	uint32_t hl = pkt_ipv4(b, opts_len, 8, PN_IPV4_PROTO_UDP, IP1, IP2);

	memset(b + hl, 0xab, 8);
	return hl + 8;
}

static int
parse(const uint8_t *b, uint32_t len, struct pn_ipv4_hdr *h)
{
	return pn_ipv4_parse(b, len, 0, h);
}

static void
test_valid(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_ipv4_hdr h;
	uint32_t n = mk(b, 0);

	assert_int_equal(parse(b, n, &h), 0);
	assert_int_equal(h.hdr_len, 20);
	assert_int_equal(h.total_len, 28);
	assert_int_equal(h.proto, PN_IPV4_PROTO_UDP);
	assert_int_equal(h.ttl, 64);
	assert_int_equal(h.id, 0x1234);
	assert_true(h.df);
	assert_false(h.mf);
	assert_int_equal(h.frag_off, 0);
	assert_int_equal(h.src, IP1);
	assert_int_equal(h.dst, IP2);
	assert_null(h.opts);
	assert_int_equal(h.opts_len, 0);
	assert_int_equal(h.pad_len, 0);
	(void)state;
}

/* The header from Wikipedia's "IPv4 header checksum" article. */
static void
test_vector_wikipedia(void **state)
{
	uint8_t b[PKT_MAX] = { 0 };
	struct pn_ipv4_hdr h;

	pkt_hex(b, "4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
	assert_int_equal(parse(b, 0x73, &h), 0);
	assert_int_equal(h.cksum, 0xb861);
	assert_int_equal(h.src, PN_IPV4(192, 168, 0, 1));
	assert_int_equal(h.dst, PN_IPV4(192, 168, 0, 199));
	pkt_put16(b + 10, 0);
	assert_int_equal(pn_cksum(b, 20), 0xb861);
	(void)state;
}

static void
test_vector_ping(void **state)
{
	uint8_t f[PKT_MAX];
	struct pn_ipv4_hdr h;
	uint32_t n = pkt_hex(f, PKT_VEC_PING_REQUEST);

	assert_int_equal(parse(f + ETH, n - ETH, &h), 0);
	assert_int_equal(h.total_len, 84);
	assert_int_equal(h.cksum, 0x0888);
	assert_int_equal(h.id, 0xa5f9);
	assert_true(h.df);
	assert_int_equal(h.proto, PN_IPV4_PROTO_ICMP);
	n = pkt_hex(f, PKT_VEC_PING_REPLY);
	assert_int_equal(parse(f + ETH, n - ETH, &h), 0);
	assert_false(h.df);
	assert_int_equal(h.src, IP2);
	(void)state;
}

static void
test_truncated_every_length(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_ipv4_hdr h;
	uint32_t opts, len, n;

	for (opts = 0; opts <= 40; opts += 20) {
		n = mk(b, opts);
		for (len = 0; len <= n; len++) {
			uint8_t *p = pkt_dup(b, len);

			assert_int_equal(parse(p, len, &h),
					 len < n ? -EMSGSIZE : 0);
			free(p);
		}
	}
	(void)state;
}

static void
test_bad_checksum(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_ipv4_hdr h;
	uint32_t i, n = mk(b, 8);

	/* Any single bit flip in the header is caught... */
	for (i = 0; i < 28 * 8; i++) {
		b[i / 8] ^= (uint8_t)(1u << (i % 8));
		if (i / 8 != 0 && i / 8 != 2 && i / 8 != 3)
			assert_int_equal(parse(b, n, &h), -EBADMSG);
		b[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	/* ...unless RX offload already verified it. */
	b[8] = 1;
	assert_int_equal(parse(b, n, &h), -EBADMSG);
	assert_int_equal(pn_ipv4_parse(b, n, PN_IPV4_PARSE_CSUM_VERIFIED, &h),
			 0);
	assert_int_equal(h.ttl, 1);
	(void)state;
}

static void
test_bad_version(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_ipv4_hdr h;
	uint32_t n = mk(b, 0);
	unsigned int v;

	for (v = 0; v < 16; v++) {
		b[0] = (uint8_t)(v << 4 | 5);
		pkt_ipv4_fix_cksum(b);
		assert_int_equal(parse(b, n, &h), v == 4 ? 0 : -EPROTONOSUPPORT);
	}
	(void)state;
}

static void
test_ihl_below_5(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_ipv4_hdr h;
	uint32_t n = mk(b, 0);
	unsigned int ihl;

	for (ihl = 0; ihl < 5; ihl++) {
		b[0] = (uint8_t)(0x40 | ihl);
		assert_int_equal(pn_ipv4_parse(b, n,
				 PN_IPV4_PARSE_CSUM_VERIFIED, &h), -EBADMSG);
	}
	(void)state;
}

/* IHL says 60 bytes, the buffer holds 40: truncated header. */
static void
test_ihl_beyond_buffer(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_ipv4_hdr h;

	mk(b, 0);
	b[0] = 0x4f;
	assert_int_equal(parse(b, 40, &h), -EMSGSIZE);
	(void)state;
}

static void
test_total_len_beyond_buffer(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_ipv4_hdr h;
	uint32_t n = mk(b, 0);

	pkt_put16(b + 2, (uint16_t)(n + 1));
	pkt_ipv4_fix_cksum(b);
	assert_int_equal(parse(b, n, &h), -EMSGSIZE);
	pkt_put16(b + 2, 0xffff);
	pkt_ipv4_fix_cksum(b);
	assert_int_equal(parse(b, n, &h), -EMSGSIZE);
	(void)state;
}

static void
test_total_len_below_ihl(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_ipv4_hdr h;
	uint32_t n = mk(b, 4);

	pkt_put16(b + 2, 23);	/* IHL 6 = 24 bytes */
	pkt_ipv4_fix_cksum(b);
	assert_int_equal(parse(b, n, &h), -EBADMSG);
	pkt_put16(b + 2, 0);
	pkt_ipv4_fix_cksum(b);
	assert_int_equal(parse(b, n, &h), -EBADMSG);
	pkt_put16(b + 2, 24);	/* an empty payload is fine */
	pkt_ipv4_fix_cksum(b);
	assert_int_equal(parse(b, n, &h), 0);
	assert_int_equal(h.pad_len, n - 24);
	(void)state;
}

static void
test_options(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_ipv4_hdr h;
	uint32_t opts;

	for (opts = 4; opts <= 40; opts += 4) {
		uint32_t n = mk(b, opts);

		assert_int_equal(parse(b, n, &h), 0);
		assert_int_equal(h.hdr_len, 20 + opts);
		assert_int_equal(h.opts_len, opts);
		assert_ptr_equal(h.opts, b + 20);
		assert_int_equal(h.opts[0], 0x01);
		assert_int_equal(h.total_len, 28 + opts);
	}
	(void)state;
}

/* A 28-byte datagram in a minimum-size Ethernet payload: 18 bytes pad. */
static void
test_padding(void **state)
{
	uint8_t b[PKT_MAX] = { 0 };
	struct pn_ipv4_hdr h;

	mk(b, 0);
	assert_int_equal(parse(b, 46, &h), 0);
	assert_int_equal(h.total_len, 28);
	assert_int_equal(h.pad_len, 18);
	(void)state;
}

static void
test_fragment_fields(void **state)
{
	uint8_t b[PKT_MAX];
	struct pn_ipv4_hdr h;
	uint32_t n = mk(b, 0);

	pkt_put16(b + 6, 0x2000 | 185);	/* MF, offset 1480 */
	pkt_ipv4_fix_cksum(b);
	assert_int_equal(parse(b, n, &h), 0);
	assert_true(h.mf);
	assert_false(h.df);
	assert_int_equal(h.frag_off, 1480);
	pkt_put16(b + 6, 0x1fff);	/* last fragment, largest offset */
	pkt_ipv4_fix_cksum(b);
	assert_int_equal(parse(b, n, &h), 0);
	assert_false(h.mf);
	assert_int_equal(h.frag_off, PN_IPV4_FRAG_OFF_MAX);
	pkt_put16(b + 6, 0x8000);	/* reserved bit: ignored */
	pkt_ipv4_fix_cksum(b);
	assert_int_equal(parse(b, n, &h), 0);
	assert_false(h.df || h.mf);
	(void)state;
}

static void
test_build_matches_vector(void **state)
{
	uint8_t f[PKT_MAX], b[PKT_MAX];
	struct pn_ipv4_hdr h = {
		.total_len = 84, .id = 0xa5f9, .df = true, .ttl = 64,
		.proto = PN_IPV4_PROTO_ICMP, .src = IP1, .dst = IP2,
	};

	pkt_hex(f, PKT_VEC_PING_REQUEST);
	assert_int_equal(pn_ipv4_build(b, sizeof(b), &h, 0), 20);
	assert_memory_equal(b, f + ETH, 20);
	(void)state;
}

static void
test_build_roundtrip(void **state)
{
	static const uint8_t opts[8] = { 0x94, 0x04, 0, 0, 1, 1, 1, 0 };
	struct pn_ipv4_hdr in = {
		.total_len = 1000, .tos = 0xb8, .id = 7, .mf = true,
		.frag_off = 2960, .ttl = 3, .proto = PN_IPV4_PROTO_TCP,
		.src = 0x0a000001, .dst = 0xc0a80101, .opts = opts,
		.opts_len = sizeof(opts),
	}, out;
	uint8_t b[PKT_MAX] = { 0 };

	assert_int_equal(pn_ipv4_build(b, sizeof(b), &in, 0), 28);
	assert_int_equal(parse(b, 1000, &out), 0);
	assert_int_equal(out.hdr_len, 28);
	assert_int_equal(out.total_len, in.total_len);
	assert_int_equal(out.tos, in.tos);
	assert_int_equal(out.id, in.id);
	assert_int_equal(out.df, in.df);
	assert_int_equal(out.mf, in.mf);
	assert_int_equal(out.frag_off, in.frag_off);
	assert_int_equal(out.ttl, in.ttl);
	assert_int_equal(out.proto, in.proto);
	assert_int_equal(out.src, in.src);
	assert_int_equal(out.dst, in.dst);
	assert_int_equal(out.opts_len, sizeof(opts));
	assert_memory_equal(out.opts, opts, sizeof(opts));
	assert_int_equal(pkt_ref_cksum(b, 28), 0);
	pkt_put16(b + 10, 0);
	assert_int_equal(out.cksum, pkt_ref_cksum(b, 28));
	(void)state;
}

static void
test_build_csum_offload(void **state)
{
	struct pn_ipv4_hdr in = { .total_len = 20, .ttl = 64, .src = IP1,
				  .dst = IP2 }, out;
	uint8_t b[PKT_MAX];

	assert_int_equal(pn_ipv4_build(b, sizeof(b), &in,
				       PN_IPV4_BUILD_CSUM_OFFLOAD), 20);
	assert_int_equal(b[10], 0);
	assert_int_equal(b[11], 0);
	assert_int_equal(parse(b, 20, &out), -EBADMSG);
	assert_int_equal(pn_ipv4_parse(b, 20, PN_IPV4_PARSE_CSUM_VERIFIED,
				       &out), 0);
	(void)state;
}

static void
test_build_errors(void **state)
{
	static const uint8_t opts[44];
	struct pn_ipv4_hdr h = { .total_len = 40, .opts = opts };
	uint8_t b[PKT_MAX];

	assert_int_equal(pn_ipv4_build(b, 19, &h, 0), -EMSGSIZE);
	h.opts_len = 4;
	assert_int_equal(pn_ipv4_build(b, 23, &h, 0), -EMSGSIZE);
	assert_int_equal(pn_ipv4_build(b, 24, &h, 0), 24);
	h.opts_len = 3;
	assert_int_equal(pn_ipv4_build(b, sizeof(b), &h, 0), -EINVAL);
	h.opts_len = 44;
	assert_int_equal(pn_ipv4_build(b, sizeof(b), &h, 0), -EINVAL);
	h.opts_len = 4;
	h.opts = NULL;
	assert_int_equal(pn_ipv4_build(b, sizeof(b), &h, 0), -EINVAL);
	h.opts_len = 0;
	h.total_len = 19;
	assert_int_equal(pn_ipv4_build(b, sizeof(b), &h, 0), -EINVAL);
	h.total_len = 20;
	h.frag_off = 4;
	assert_int_equal(pn_ipv4_build(b, sizeof(b), &h, 0), -EINVAL);
	(void)state;
}

/* RFC 1624: updating the checksum for a changed total length gives what
 * recomputing gives, for every new length. */
static void
test_cksum_replace16(void **state)
{
	uint8_t b[PKT_MAX] = { 0 };
	uint32_t len;

	pkt_hex(b, "4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
	for (len = 20; len <= 0xffff; len += 7) {
		uint16_t hc = pn_cksum_replace16(0xb861, 0x0073, (uint16_t)len);

		pkt_put16(b + 2, (uint16_t)len);
		pkt_put16(b + 10, 0);
		assert_int_equal(hc, pn_cksum(b, 20));
	}
	(void)state;
}

/* RFC 1071 section 3 example: the sum of these words is 0xddf2. */
static void
test_cksum_rfc1071(void **state)
{
	static const uint8_t d[8] = { 0x00, 0x01, 0xf2, 0x03,
				      0xf4, 0xf5, 0xf6, 0xf7 };

	assert_int_equal(pn_cksum_fold(pn_cksum_add(0, d, 8)), 0xddf2);
	assert_int_equal(pn_cksum(d, 8), 0x220d);
	assert_int_equal(pn_cksum(NULL, 0), 0xffff);
	(void)state;
}

/* Against the reference at every length, odd and unaligned included. */
static void
test_cksum_vs_reference(void **state)
{
	uint8_t b[512];
	uint32_t i, off, len;

	srand(1);
	for (i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)rand();
	memset(b + 100, 0xff, 200);	/* long runs of carries */
	for (off = 0; off < 4; off++)
		for (len = 0; len + off <= sizeof(b); len++)
			assert_int_equal(pn_cksum(b + off, len),
					 pkt_ref_cksum(b + off, len));
	/* Chained even chunks give the same result as one call. */
	for (len = 0; len <= 256; len += 2)
		assert_int_equal(pn_cksum_finish(pn_cksum_add(
			pn_cksum_add(0, b, len), b + len, 301 - len)),
			pkt_ref_cksum(b, 301));
	(void)state;
}

/* The header checksum (fixed 20-byte path and the rest) against the
 * generic one on random headers of every legal length, unaligned too,
 * all-ones words (carries) included; over its own checksum it gives 0. */
static void
test_hdr_cksum_vs_generic(void **state)
{
	uint8_t b[64 + 4];
	uint32_t i, k, off, hl;
	uint16_t ck;

	srand(7);
	for (i = 0; i < 20000; i++) {
		for (k = 0; k < sizeof(b); k++)
			b[k] = (uint8_t)rand();
		if (i % 8 == 0)
			memset(b, 0xff, sizeof(b));
		if (i % 8 == 1)
			memset(b, 0, sizeof(b));
		off = i % 4;
		hl = PN_IPV4_HDR_MIN_LEN + 4 * (i % 11);
		assert_int_equal(pn_ipv4_hdr_cksum(b + off, hl),
				 pn_cksum(b + off, hl));
		b[off + 10] = 0;
		b[off + 11] = 0;
		ck = pn_ipv4_hdr_cksum(b + off, hl);
		b[off + 10] = (uint8_t)(ck >> 8);
		b[off + 11] = (uint8_t)ck;
		assert_int_equal(pn_ipv4_hdr_cksum(b + off, hl), 0);
	}
	(void)state;
}

/* Linux wrote exactly these pseudo-header sums (TX offload values). */
static void
test_phdr_sum_vectors(void **state)
{
	assert_int_equal(pn_ipv4_phdr_sum(IP1, IP1, PN_IPV4_PROTO_UDP, 25),
			 0x8c51);
	assert_int_equal(pn_ipv4_phdr_sum(IP1, IP1, PN_IPV4_PROTO_TCP, 40),
			 0x8c55);
	assert_int_equal(pn_ipv4_phdr_sum(IP1, IP1, PN_IPV4_PROTO_TCP, 32),
			 0x8c4d);
	(void)state;
}

static void
check_l4_vector(const char *hex, uint16_t want)
{
	uint8_t f[PKT_MAX];
	struct pn_ipv4_hdr h;
	uint32_t n = pkt_hex(f, hex);
	uint8_t *l4;
	uint16_t l4_len;

	assert_int_equal(parse(f + ETH, n - ETH, &h), 0);
	l4 = f + ETH + h.hdr_len;
	l4_len = (uint16_t)(h.total_len - h.hdr_len);
	/* In place, a correct checksum verifies to 0... */
	assert_int_equal(pn_ipv4_l4_cksum(h.src, h.dst, h.proto, l4, l4_len),
			 0);
	/* ...and with the field zeroed we compute what Linux sent. */
	pkt_put16(l4 + 16, 0);
	assert_int_equal(pn_ipv4_l4_cksum(h.src, h.dst, h.proto, l4, l4_len),
			 want);
	l4[20 % l4_len] ^= 1;
	assert_int_not_equal(pn_ipv4_l4_cksum(h.src, h.dst, h.proto, l4,
					      l4_len), want);
}

static void
test_l4_cksum_vectors(void **state)
{
	check_l4_vector(PKT_VEC_TCP_SYN, 0xc095);
	check_l4_vector(PKT_VEC_TCP_RST, 0x680b);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_vector_wikipedia),
		cmocka_unit_test(test_cksum_replace16),
		cmocka_unit_test(test_vector_ping),
		cmocka_unit_test(test_truncated_every_length),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_ihl_below_5),
		cmocka_unit_test(test_ihl_beyond_buffer),
		cmocka_unit_test(test_total_len_beyond_buffer),
		cmocka_unit_test(test_total_len_below_ihl),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_fragment_fields),
		cmocka_unit_test(test_build_matches_vector),
		cmocka_unit_test(test_build_roundtrip),
		cmocka_unit_test(test_build_csum_offload),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_cksum_rfc1071),
		cmocka_unit_test(test_cksum_vs_reference),
		cmocka_unit_test(test_hdr_cksum_vs_generic),
		cmocka_unit_test(test_phdr_sum_vectors),
		cmocka_unit_test(test_l4_cksum_vectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
