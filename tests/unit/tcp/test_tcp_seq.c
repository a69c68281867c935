/* SPDX-License-Identifier: BSD-3-Clause */
/* Sequence-number arithmetic (RFC 9293 3.4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tcp_wire.h"

static void
compare_plain(void **state)
{
	(void)state;
	assert_true(pn_seq_lt(1, 2));
	assert_false(pn_seq_lt(2, 2));
	assert_true(pn_seq_leq(2, 2));
	assert_true(pn_seq_gt(3, 2));
	assert_true(pn_seq_geq(3, 3));
}

static void
compare_across_wrap(void **state)
{
	(void)state;
	assert_true(pn_seq_lt(0xfffffff0u, 5));
	assert_true(pn_seq_gt(5, 0xfffffff0u));
	assert_int_equal(pn_seq_max(0xfffffff0u, 5), 5);
	assert_int_equal(pn_seq_min(0xfffffff0u, 5), 0xfffffff0u);
}

static void
in_window(void **state)
{
	(void)state;
	assert_true(pn_seq_in(100, 100, 200));
	assert_false(pn_seq_in(200, 100, 200));
	assert_false(pn_seq_in(99, 100, 200));
	assert_true(pn_seq_in(2, 0xfffffff0u, 10));
	assert_false(pn_seq_in(5, 5, 5)); /* empty window */
}

static void
half_space(void **state)
{
	(void)state;
	/* 2^31 apart is "less" by the signed difference rule */
	assert_true(pn_seq_lt(0, 0x7fffffffu));
	assert_true(pn_seq_gt(0, 0x80000001u));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(compare_plain),
		cmocka_unit_test(compare_across_wrap),
		cmocka_unit_test(in_window),
		cmocka_unit_test(half_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
