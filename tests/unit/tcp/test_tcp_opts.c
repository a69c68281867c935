/* SPDX-License-Identifier: BSD-3-Clause */
/* TCP header and options: parse, build, malformed input (tcp_wire.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tcp_wire.h"

static void
parse_all_options(void **state)
{
	static const uint8_t o[] = {
		2, 4, 0x05, 0xb4,             /* MSS 1460 */
		4, 2,                         /* SACK permitted */
		8, 10, 0, 0, 0, 1, 0, 0, 0, 2, /* TS 1, 2 */
		1, 3, 3, 7,                   /* NOP, WS 7 */
	};
	struct pn_tcp_opts p;

	(void)state;
	assert_int_equal(pn_tcp_opts_parse(o, sizeof(o), &p), 0);
	assert_int_equal(p.has, PN_TCPO_MSS | PN_TCPO_SACK_OK | PN_TCPO_TS |
			 PN_TCPO_WS);
	assert_int_equal(p.mss, 1460);
	assert_int_equal(p.tsval, 1);
	assert_int_equal(p.tsecr, 2);
	assert_int_equal(p.wscale, 7);
}

static void
eol_stops(void **state)
{
	static const uint8_t o[] = { 1, 0, 2, 4, 5, 0xb4 };
	struct pn_tcp_opts p;

	(void)state;
	assert_int_equal(pn_tcp_opts_parse(o, sizeof(o), &p), 0);
	assert_int_equal(p.has, 0);
}

static void
unknown_skipped(void **state)
{
	static const uint8_t o[] = { 30, 4, 9, 9, 2, 4, 1, 0 };
	struct pn_tcp_opts p;

	(void)state;
	assert_int_equal(pn_tcp_opts_parse(o, sizeof(o), &p), 0);
	assert_int_equal(p.has, PN_TCPO_MSS);
	assert_int_equal(p.mss, 256);
}

static void
unaligned_options(void **state)
{
	/* RFC 9293 MUST-64: options need not start on a word boundary. */
	static const uint8_t o[] = { 1, 3, 3, 2, 2, 4, 1, 0, 8, 10, 0, 0, 0, 9,
				     0, 0, 0, 8, 0, 0 };
	struct pn_tcp_opts p;

	(void)state;
	assert_int_equal(pn_tcp_opts_parse(o, sizeof(o), &p), 0);
	assert_int_equal(p.wscale, 2);
	assert_int_equal(p.mss, 256);
	assert_int_equal(p.tsval, 9);
}

static void
malformed_rejected(void **state)
{
	static const uint8_t zero_len[] = { 30, 0, 1, 1 };
	static const uint8_t one_len[] = { 30, 1, 1, 1 };
	static const uint8_t overrun[] = { 30, 8, 1, 1 };
	static const uint8_t no_len[] = { 1, 1, 1, 2 };
	static const uint8_t bad_mss[] = { 2, 3, 1, 1 };
	static const uint8_t bad_ws[] = { 3, 4, 1, 1 };
	static const uint8_t bad_ts[] = { 8, 8, 0, 0, 0, 0, 0, 0 };
	static const uint8_t bad_sack[] = { 5, 6, 0, 0, 0, 0 };
	static const uint8_t bad_sackok[] = { 4, 3, 0, 1 };
	struct pn_tcp_opts p;

	(void)state;
	assert_int_equal(pn_tcp_opts_parse(zero_len, 4, &p), -EBADMSG);
	assert_int_equal(pn_tcp_opts_parse(one_len, 4, &p), -EBADMSG);
	assert_int_equal(pn_tcp_opts_parse(overrun, 4, &p), -EBADMSG);
	assert_int_equal(pn_tcp_opts_parse(no_len, 4, &p), -EBADMSG);
	assert_int_equal(pn_tcp_opts_parse(bad_mss, 4, &p), -EBADMSG);
	assert_int_equal(pn_tcp_opts_parse(bad_ws, 4, &p), -EBADMSG);
	assert_int_equal(pn_tcp_opts_parse(bad_ts, 8, &p), -EBADMSG);
	assert_int_equal(pn_tcp_opts_parse(bad_sack, 6, &p), -EBADMSG);
	assert_int_equal(pn_tcp_opts_parse(bad_sackok, 4, &p), -EBADMSG);
}

static void
sack_blocks_parsed(void **state)
{
	static const uint8_t o[] = { 1, 1, 5, 18, 0, 0, 0, 10, 0, 0, 0, 20,
				     0, 0, 0, 30, 0, 0, 0, 40 };
	struct pn_tcp_opts p;

	(void)state;
	assert_int_equal(pn_tcp_opts_parse(o, sizeof(o), &p), 0);
	assert_int_equal(p.nsack, 2);
	assert_int_equal(p.sack[0].left, 10);
	assert_int_equal(p.sack[1].right, 40);
}

static void
build_roundtrip(void **state)
{
	struct pn_tcp_opts o = { .has = PN_TCPO_MSS | PN_TCPO_WS |
				 PN_TCPO_SACK_OK | PN_TCPO_TS,
				 .mss = 1460, .wscale = 9, .tsval = 7, .tsecr = 8 };
	struct pn_tcp_opts p;
	uint8_t b[40];
	int n;

	(void)state;
	n = pn_tcp_opts_build(b, sizeof(b), &o);
	assert_int_equal(n, 20);
	assert_int_equal(n % 4, 0);
	assert_int_equal(pn_tcp_opts_parse(b, (uint32_t)n, &p), 0);
	assert_int_equal(p.has, o.has);
	assert_int_equal(p.mss, 1460);
	assert_int_equal(p.wscale, 9);
	assert_int_equal(p.tsval, 7);
	assert_int_equal(p.tsecr, 8);
	assert_int_equal(pn_tcp_opts_build(b, 19, &o), -EMSGSIZE);
}

static void
sack_blocks_fit_with_timestamps(void **state)
{
	struct pn_tcp_opts o = { .has = PN_TCPO_TS | PN_TCPO_SACK, .nsack = 4 };
	struct pn_tcp_opts p;
	uint8_t b[40];
	int n, i;

	(void)state;
	for (i = 0; i < 4; i++) {
		o.sack[i].left = (uint32_t)i * 100;
		o.sack[i].right = (uint32_t)i * 100 + 50;
	}
	n = pn_tcp_opts_build(b, sizeof(b), &o);
	assert_int_equal(n, 40);
	assert_int_equal(pn_tcp_opts_parse(b, (uint32_t)n, &p), 0);
	assert_int_equal(p.nsack, 3);
	o.has = PN_TCPO_SACK;
	n = pn_tcp_opts_build(b, sizeof(b), &o);
	assert_int_equal(n, 36);
	assert_int_equal(pn_tcp_opts_parse(b, (uint32_t)n, &p), 0);
	assert_int_equal(p.nsack, 4);
}

static void
header_roundtrip(void **state)
{
	struct pn_tcp_hdr h = { .sport = 1, .dport = 2, .seq = 0xdeadbeef,
				.ack = 5, .flags = PN_TCP_SYN | PN_TCP_ACK,
				.win = 1000, .opts = { .has = PN_TCPO_MSS,
						       .mss = 536 } };
	struct pn_tcp_hdr p;
	uint8_t b[60];
	int n;

	(void)state;
	n = pn_tcp_build(b, sizeof(b), &h);
	assert_int_equal(n, 24);
	assert_int_equal(pn_tcp_parse(b, (uint32_t)n, &p), 0);
	assert_int_equal(p.seq, 0xdeadbeef);
	assert_int_equal(p.flags, PN_TCP_SYN | PN_TCP_ACK);
	assert_int_equal(p.hdr_len, 24);
	assert_int_equal(p.opts.mss, 536);
}

static void
header_errors(void **state)
{
	uint8_t b[60] = { 0 };
	struct pn_tcp_hdr p;

	(void)state;
	assert_int_equal(pn_tcp_parse(b, 19, &p), -EMSGSIZE);
	b[12] = 4 << 4;
	assert_int_equal(pn_tcp_parse(b, 20, &p), -EBADMSG);
	b[12] = 6 << 4;
	assert_int_equal(pn_tcp_parse(b, 20, &p), -EMSGSIZE);
	b[20] = 1;
	b[21] = 1;
	b[22] = 1;
	b[23] = 0;
	assert_int_equal(pn_tcp_parse(b, 24, &p), 0);
}

/* xorshift32: the same inputs on every run */
static uint32_t
rnd(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* pn_tcp_opts_parse and the generic parser agree on @p b[0..len). */
static void
assert_parse_same(const uint8_t *b, uint32_t len)
{
	struct pn_tcp_opts a, g;
	int ra, rg;

	memset(&a, 0x5a, sizeof(a));
	memset(&g, 0xa5, sizeof(g));
	ra = pn_tcp_opts_parse(b, len, &a);
	rg = pn_tcp_opts_parse_generic(b, len, &g);
	assert_int_equal(ra, rg);
	if (ra == 0)
		assert_memory_equal(&a, &g, sizeof(a));
}

/* The timestamp-only fast path parses exactly as the generic parser:
 * random option bytes, half of them starting with NOP NOP TS 10, at
 * random lengths (12 most often). */
static void
parse_fast_path_matches_generic(void **state)
{
	uint8_t b[40];
	uint32_t x = 0x9e3779b9, i, k, len;

	(void)state;
	for (i = 0; i < 200000; i++) {
		for (k = 0; k < sizeof(b); k++)
			b[k] = (uint8_t)rnd(&x);
		if (i % 2 == 0) {
			b[0] = PN_TCPOPT_NOP;
			b[1] = PN_TCPOPT_NOP;
			b[2] = PN_TCPOPT_TS;
			b[3] = 10;
		}
		if (i % 7 == 0)
			b[rnd(&x) % 4] = (uint8_t)(rnd(&x) % 12);
		len = i % 3 ? 12 : rnd(&x) % (sizeof(b) + 1);
		assert_parse_same(b, len);
	}
}

/* The SYN fast path (MSS, SACK-permitted, TS, NOP, WS in 20 bytes)
 * parses exactly as the generic parser: that layout with random values,
 * one of its bytes changed a third of the time, at random lengths (20
 * most often). */
static void
parse_syn_fast_path_matches_generic(void **state)
{
	static const uint8_t syn[20] = {
		PN_TCPOPT_MSS, 4, 0x05, 0xb4, PN_TCPOPT_SACK_OK, 2,
		PN_TCPOPT_TS, 10, 1, 2, 3, 4, 0, 0, 0, 0,
		PN_TCPOPT_NOP, PN_TCPOPT_WS, 3, 7
	};
	uint8_t b[40];
	struct pn_tcp_opts a;
	uint32_t x = 0x2545f491, i, k, len;

	(void)state;
	for (i = 0; i < 200000; i++) {
		for (k = 0; k < sizeof(b); k++)
			b[k] = (uint8_t)rnd(&x);
		memcpy(b, syn, 2);
		memcpy(b + 4, syn + 4, 4);
		memcpy(b + 16, syn + 16, 3);
		if (i % 3 == 0)
			b[rnd(&x) % 20] = (uint8_t)(rnd(&x) % 12);
		len = i % 4 ? 20 : rnd(&x) % (sizeof(b) + 1);
		assert_parse_same(b, len);
	}
	/* Linux's SYN (tcpdump: mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7) */
	assert_int_equal(pn_tcp_opts_parse(syn, 20, &a), 0);
	assert_int_equal(a.has, PN_TCPO_MSS | PN_TCPO_SACK_OK | PN_TCPO_TS |
				PN_TCPO_WS);
	assert_int_equal(a.mss, 1460);
	assert_int_equal(a.tsval, 0x01020304);
	assert_int_equal(a.tsecr, 0);
	assert_int_equal(a.wscale, 7);
}

/* ... and builds the same bytes as the generic builder, for random
 * option sets (timestamps alone half the time, a SYN's four a quarter)
 * and buffer sizes. */
static void
build_fast_path_matches_generic(void **state)
{
	uint8_t ba[48], bg[48];
	struct pn_tcp_opts o;
	uint32_t x = 0x12345678, i, k, len;
	int ra, rg;

	(void)state;
	for (i = 0; i < 200000; i++) {
		memset(&o, 0, sizeof(o));
		o.has = i % 2 ? PN_TCPO_TS :
			i % 4 == 0 ? (PN_TCPO_MSS | PN_TCPO_SACK_OK |
				      PN_TCPO_TS | PN_TCPO_WS) :
				     (uint8_t)(rnd(&x) & 0x1f);
		o.wscale = (uint8_t)rnd(&x);
		o.mss = (uint16_t)rnd(&x);
		o.tsval = rnd(&x);
		o.tsecr = rnd(&x);
		o.nsack = (uint8_t)(rnd(&x) % (PN_TCP_MAX_SACK + 1));
		for (k = 0; k < PN_TCP_MAX_SACK; k++) {
			o.sack[k].left = rnd(&x);
			o.sack[k].right = rnd(&x);
		}
		len = rnd(&x) % 41;
		memset(ba, 0xee, sizeof(ba));
		memset(bg, 0xee, sizeof(bg));
		ra = pn_tcp_opts_build(ba, len, &o);
		rg = pn_tcp_opts_build_generic(bg, len, &o);
		assert_int_equal(ra, rg);
		assert_memory_equal(ba, bg, sizeof(ba));
		if (ra > 0)
			assert_int_equal((uint32_t)ra, pn_tcp_opts_len(&o));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_all_options),
		cmocka_unit_test(eol_stops),
		cmocka_unit_test(unknown_skipped),
		cmocka_unit_test(unaligned_options),
		cmocka_unit_test(malformed_rejected),
		cmocka_unit_test(sack_blocks_parsed),
		cmocka_unit_test(build_roundtrip),
		cmocka_unit_test(sack_blocks_fit_with_timestamps),
		cmocka_unit_test(header_roundtrip),
		cmocka_unit_test(header_errors),
		cmocka_unit_test(parse_fast_path_matches_generic),
		cmocka_unit_test(parse_syn_fast_path_matches_generic),
		cmocka_unit_test(build_fast_path_matches_generic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
