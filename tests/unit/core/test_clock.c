/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "clock.h"
#include "test_eal.h"

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * PN_NS_PER_S + (uint64_t)ts.tv_nsec;
}

static void
test_manual_advance(void **state)
{
	struct pn_clock c;

	(void)state;
	pn_clock_init_manual(&c, 1000);
	assert_int_equal(pn_clock_now(&c), 1000);
	assert_int_equal(pn_clock_now(&c), 1000); /* does not move by itself */
	pn_clock_advance(&c, 5 * PN_NS_PER_MS);
	assert_int_equal(pn_clock_now(&c), 1000 + 5 * PN_NS_PER_MS);
	pn_clock_advance(&c, 0);
	assert_int_equal(pn_clock_now(&c), 1000 + 5 * PN_NS_PER_MS);
}

static void
test_manual_set_never_backwards(void **state)
{
	struct pn_clock c;

	(void)state;
	pn_clock_init_manual(&c, 0);
	pn_clock_set(&c, 3 * PN_NS_PER_S);
	assert_int_equal(pn_clock_now(&c), 3 * PN_NS_PER_S);
	pn_clock_set(&c, PN_NS_PER_S);
	assert_int_equal(pn_clock_now(&c), 3 * PN_NS_PER_S);
	pn_clock_set(&c, 3 * PN_NS_PER_S);
	assert_int_equal(pn_clock_now(&c), 3 * PN_NS_PER_S);
	pn_clock_set(&c, 3 * PN_NS_PER_S + 1);
	assert_int_equal(pn_clock_now(&c), 3 * PN_NS_PER_S + 1);
}

static void
test_tsc_monotonic(void **state)
{
	struct pn_clock c;
	uint64_t prev, now, i;

	(void)state;
	pn_clock_init_tsc(&c);
	prev = pn_clock_now(&c);
	for (i = 0; i < 1000000; i++) {
		now = pn_clock_now(&c);
		assert_true(now >= prev);
		prev = now;
	}
	/* It moves: wait for it with a bounded number of reads. */
	now = pn_clock_now(&c);
	for (i = 0; i < 100000000 && pn_clock_now(&c) == now; i++)
		;
	assert_true(pn_clock_now(&c) > now);
}

static void
test_tsc_rate(void **state)
{
	struct pn_clock c;
	uint64_t m0, t0, dm, dt;

	(void)state;
	pn_clock_init_tsc(&c);
	m0 = mono_ns();
	t0 = pn_clock_now(&c);
	/* 20 ms by the kernel's clock, bounded by that same clock. */
	while (mono_ns() - m0 < 20 * PN_NS_PER_MS)
		;
	dt = pn_clock_now(&c) - t0;
	dm = mono_ns() - m0;
	/* Generous: rte_get_tsc_hz may be an estimate on a VM. */
	assert_true(dt > dm * 3 / 4);
	assert_true(dt < dm * 5 / 4);
	/* Advancing is for manual clocks; a TSC clock ignores it. */
	pn_clock_advance(&c, 3600 * PN_NS_PER_S);
	assert_true(pn_clock_now(&c) < 3600 * PN_NS_PER_S);
}

static int
eal_setup(void **state)
{
	(void)state;
	/* rte_get_tsc_hz is only valid once EAL is up. */
	pn_test_eal_init();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manual_advance),
		cmocka_unit_test(test_manual_set_never_backwards),
		cmocka_unit_test(test_tsc_monotonic),
		cmocka_unit_test(test_tsc_rate),
	};

	return cmocka_run_group_tests_name("core/clock", tests, eal_setup, NULL);
}
