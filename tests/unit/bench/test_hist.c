/* SPDX-License-Identifier: BSD-3-Clause */
/* pollnet-bench's latency histogram: buckets, percentiles, merge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../../../app/pollnet-bench/hist.h"

static struct tb_hist h1, h2;

/* Every value falls in a bucket whose upper bound is >= it and at most
 * 1/32 above it (values below 32 exactly). */
static void
bucket_bounds_hold(void **state)
{
	uint64_t v;
	unsigned int shift;

	(void)state;
	for (v = 0; v < 100000; v++) {
		uint64_t hi = tb_hist_bucket_high(tb_hist_bucket(v));

		assert_true(hi >= v);
		assert_true(hi - v <= v / TB_HIST_SUB);
	}
	for (shift = 17; shift < 64; shift++) {
		v = (1ull << shift) + 12345;
		assert_true(tb_hist_bucket(v) < TB_HIST_BUCKETS);
		assert_true(tb_hist_bucket_high(tb_hist_bucket(v)) >= v);
	}
	assert_true(tb_hist_bucket(UINT64_MAX) < TB_HIST_BUCKETS);
	/* monotonic */
	for (v = 1; v < 5000; v++)
		assert_true(tb_hist_bucket(v) >= tb_hist_bucket(v - 1));
}

/* Percentiles of 1..10000 against the exact ones, within a bucket's width. */
static void
percentiles_match_exact_within_a_bucket(void **state)
{
	static const double ps[] = { 50, 90, 99, 99.9, 100 };
	unsigned int i;
	uint64_t v;

	(void)state;
	tb_hist_reset(&h1);
	assert_int_equal(tb_hist_percentile(&h1, 50), 0);
	for (v = 1; v <= 10000; v++)
		tb_hist_record(&h1, v);
	assert_int_equal(h1.count, 10000);
	assert_int_equal(h1.min, 1);
	assert_int_equal(h1.max, 10000);
	assert_int_equal(h1.sum, 10000ull * 10001 / 2);
	for (i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		uint64_t exact = (uint64_t)(ps[i] * 100 + 0.5);
		uint64_t got = tb_hist_percentile(&h1, ps[i]);

		assert_true(got >= exact);
		assert_true(got - exact <= exact / TB_HIST_SUB);
	}
	assert_int_equal(tb_hist_percentile(&h1, 100), 10000);
}

/* Merging two halves gives the histogram of the whole. */
static void
merge_equals_whole(void **state)
{
	uint64_t v;

	(void)state;
	tb_hist_reset(&h1);
	tb_hist_reset(&h2);
	for (v = 1; v <= 5000; v++)
		tb_hist_record(&h1, v * 7);
	for (v = 5001; v <= 10000; v++)
		tb_hist_record(&h2, v * 7);
	tb_hist_merge(&h1, &h2);
	assert_int_equal(h1.count, 10000);
	assert_int_equal(h1.min, 7);
	assert_int_equal(h1.max, 70000);
	tb_hist_reset(&h2);
	for (v = 1; v <= 10000; v++)
		tb_hist_record(&h2, v * 7);
	assert_memory_equal(h1.b, h2.b, sizeof(h1.b));
	assert_int_equal(tb_hist_percentile(&h1, 99), tb_hist_percentile(&h2, 99));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bucket_bounds_hold),
		cmocka_unit_test(percentiles_match_exact_within_a_bucket),
		cmocka_unit_test(merge_equals_whole),
	};

	return cmocka_run_group_tests_name("bench_hist", tests, NULL, NULL);
}
