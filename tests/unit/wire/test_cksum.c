/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Internet checksum core (lib/wire/cksum.c) against the byte-pair
 * RFC 1071 reference (pkt_ref_cksum_sum), exactly: pn_cksum_add returns
 * fold(sum) plus the folded 16-bit sum of the bytes, which is 0 only for
 * all-zero bytes (never 0xffff for them), at every length and alignment.
 * Every implementation compiled in (scalar, AVX2, AVX-512) is checked
 * alone at every length, and as pn_cksum_add's choice for long buffers;
 * one this CPU cannot run is reported as skipped.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "cksum.h"
#include "pkt_build.h"

#define MAX_LEN 2100
#define MAX_OFF 8

static uint8_t buf[MAX_OFF + MAX_LEN];

/* xorshift32: the same bytes on every platform, unlike rand(). */
static uint32_t
rnd(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void
fill_random(uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rnd(&seed);
}

/* What pn_cksum_add(sum, bytes, len) must return, bit for bit, given
 * @p ref, the reference sum of the bytes. */
static uint32_t
want_add(uint32_t sum, uint16_t ref, uint32_t len)
{
	return (uint32_t)pn_cksum_fold(sum) + (len ? ref : 0);
}

/* Every length 0..MAX_LEN at every start alignment 0..7, from a zero and
 * from a running sum (any value a previous call can return): through
 * pn_cksum_add as dispatched, and through each usable implementation
 * forced at every length. */
static void
check_all_lengths(void)
{
	uint32_t off, len, x = 99;
	int i;

	for (off = 0; off < MAX_OFF; off++)
		for (len = 0; len <= MAX_LEN; len++) {
			const uint8_t *p = buf + off;
			uint16_t ref = pkt_ref_cksum_sum(0, p, len);
			uint32_t sum = rnd(&x) % 0x20000;

			assert_int_equal(pn_cksum_add(0, p, len),
					 want_add(0, ref, len));
			assert_int_equal(pn_cksum_add(sum, p, len),
					 want_add(sum, ref, len));
			assert_int_equal(pn_cksum(p, len), (uint16_t)~ref);
			assert_int_equal(pn_cksum_add_finish(sum, p, len),
					 pn_cksum_finish(want_add(sum, ref, len)));
			for (i = 0; i < PN_CKSUM_IMPL_MAX; i++) {
				if (!pn_cksum_impl_usable(i))
					continue;
				assert_int_equal(pn_cksum_impl_add(i, 0, p, len),
						 want_add(0, ref, len));
				assert_int_equal(pn_cksum_impl_add(i, sum, p, len),
						 want_add(sum, ref, len));
			}
		}
}

static void
test_random(void **state)
{
	fill_random(0x1071);
	check_all_lengths();
	(void)state;
}

/* All ones: every 64-bit add carries out. */
static void
test_all_ones(void **state)
{
	memset(buf, 0xff, sizeof(buf));
	check_all_lengths();
	(void)state;
}

/* All zeros sum to 0, not 0xffff (-0): the checksum is 0xffff. */
static void
test_all_zeros(void **state)
{
	memset(buf, 0, sizeof(buf));
	check_all_lengths();
	assert_int_equal(pn_cksum(buf, 1500), 0xffff);
	(void)state;
}

/* Long carry runs with a few bytes that stop them, at random places. */
static void
test_mostly_ones(void **state)
{
	uint32_t i, x = 7;

	memset(buf, 0xff, sizeof(buf));
	for (i = 0; i < 64; i++)
		buf[rnd(&x) % sizeof(buf)] = (uint8_t)rnd(&x);
	check_all_lengths();
	(void)state;
}

/* Every even split point within 72 bytes of either end, random even
 * steps in between. */
static uint32_t
step(uint32_t a, uint32_t len, uint32_t *x)
{
	uint32_t st = 2 + 2 * (rnd(x) % 64);

	if (a < 72 || len - a < 72)
		return 2;
	if (a + st > len - 72)
		st = (len - 72 - a) & ~1u;
	return st ? st : 2;
}

/* Chained pieces (every one even but the last, as the API asks) give the
 * one-call result, whatever the split points and the start alignment. */
static void
test_pieces(void **state)
{
	uint32_t off, len, a, b, x = 5;

	fill_random(0xc0ffee);
	for (off = 0; off < MAX_OFF; off++)
		for (len = 0; len <= MAX_LEN; len += 1 + rnd(&x) % 13) {
			const uint8_t *p = buf + off;
			uint32_t want = pn_cksum(p, len), s;

			/* Two pieces. */
			for (a = 0; a <= len; a += step(a, len, &x)) {
				s = pn_cksum_add(0, p, a);
				s = pn_cksum_add(s, p + a, len - a);
				assert_int_equal(pn_cksum_finish(s), want);
			}
			/* Three pieces at random even split points. */
			a = len ? (rnd(&x) % (len + 1)) & ~1u : 0;
			b = a + ((rnd(&x) % (len - a + 1)) & ~1u);
			s = pn_cksum_add(0, p, a);
			s = pn_cksum_add(s, p + a, b - a);
			s = pn_cksum_add(s, p + b, len - b);
			assert_int_equal(pn_cksum_finish(s), want);
		}
	(void)state;
}

/* The reference over any length: pieces of 64 KB (even), chained, so
 * that its 32-bit sum cannot overflow. */
static uint16_t
ref_sum_long(const uint8_t *p, uint32_t len)
{
	uint32_t sum = 0, n;

	for (; len; p += n, len -= n) {
		n = len < 65536 ? len : 65536;
		sum = pkt_ref_cksum_sum(sum, p, n);
	}
	return (uint16_t)sum;
}

/*
 * Buffers past the vector code's 64 KB chunk, where its 32-bit lanes are
 * summed into 64 bits: all 0xff and all zeros are the largest and the
 * smallest lane sums, then random bytes; odd and even lengths, odd start.
 */
static void
test_long(void **state)
{
	static const uint32_t lens[] = {
		(1u << 16) - 1, 1u << 16, (1u << 16) + 1, (1u << 20) + 64,
		3 * (1u << 20) + 77, 4 * (1u << 20) + 2,
	};
	const uint32_t size = 4 * (1u << 20) + 8;
	uint8_t *big = malloc(size);
	uint32_t k, x = 3;
	int pat, i;

	assert_non_null(big);
	for (pat = 0; pat < 3; pat++) {
		for (k = 0; k < size; k++)
			big[k] = pat == 0 ? 0xff : pat == 1 ? 0 : (uint8_t)rnd(&x);
		for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
			uint16_t ref = ref_sum_long(big + 1, lens[k]);

			assert_int_equal(pn_cksum_add(0, big + 1, lens[k]), ref);
			for (i = 0; i < PN_CKSUM_IMPL_MAX; i++)
				if (pn_cksum_impl_usable(i))
					assert_int_equal(pn_cksum_impl_add(i, 0, big + 1,
									   lens[k]),
							 ref);
		}
	}
	free(big);
	(void)state;
}

/* Random bytes, many seeds, random lengths and offsets. */
static void
test_random_seeds(void **state)
{
	uint32_t seed, n, x = 11;
	int i;

	for (seed = 1; seed <= 200; seed++) {
		fill_random(seed * 0x9e3779b9u);
		for (n = 0; n < 20; n++) {
			uint32_t off = rnd(&x) % MAX_OFF, len = rnd(&x) % (MAX_LEN + 1);
			uint16_t ref = pkt_ref_cksum_sum(0, buf + off, len);

			for (i = 0; i < PN_CKSUM_IMPL_MAX; i++)
				if (pn_cksum_impl_usable(i))
					assert_int_equal(pn_cksum_impl_add(i, 0, buf + off,
									   len),
							 want_add(0, ref, len));
		}
	}
	(void)state;
}

/* pn_cksum_add with each usable implementation chosen for long buffers
 * (the cut-over at PN_CKSUM_VEC_MIN included); an unusable or unknown
 * one is refused with -ENOTSUP and changes nothing. */
static void
test_select(void **state)
{
	enum pn_cksum_impl keep = pn_cksum_impl_get();
	int i;

	print_message("# long buffers: %s\n", pn_cksum_impl_name(keep));
	assert_true(pn_cksum_impl_usable(PN_CKSUM_SCALAR));
	assert_true(pn_cksum_impl_usable(keep));
	assert_int_equal(pn_cksum_impl_set(PN_CKSUM_IMPL_MAX), -ENOTSUP);
	assert_int_equal(pn_cksum_impl_get(), keep);
	assert_null(pn_cksum_impl_name(PN_CKSUM_IMPL_MAX));
	fill_random(0xfeed);
	for (i = 0; i < PN_CKSUM_IMPL_MAX; i++) {
		uint32_t off, len;

		assert_non_null(pn_cksum_impl_name(i));
		if (!pn_cksum_impl_usable(i)) {
			print_message("# %s: not usable here, skipped\n",
				      pn_cksum_impl_name(i));
			assert_int_equal(pn_cksum_impl_set(i), -ENOTSUP);
			continue;
		}
		assert_int_equal(pn_cksum_impl_set(i), 0);
		assert_int_equal(pn_cksum_impl_get(), i);
		for (off = 0; off < MAX_OFF; off++)
			for (len = PN_CKSUM_VEC_MIN - 40; len <= PN_CKSUM_VEC_MIN + 300; len++)
				assert_int_equal(pn_cksum(buf + off, len),
						 pkt_ref_cksum(buf + off, len));
		for (len = 0; len <= MAX_LEN; len++)
			assert_int_equal(pn_cksum_add_finish(0x1fffe, buf, len),
					 pn_cksum_finish(pn_cksum_add(0x1fffe, buf, len)));
	}
	assert_int_equal(pn_cksum_impl_set(keep), 0);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_random_seeds),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_all_ones),
		cmocka_unit_test(test_all_zeros),
		cmocka_unit_test(test_mostly_ones),
		cmocka_unit_test(test_pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
