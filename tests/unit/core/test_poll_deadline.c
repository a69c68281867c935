/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pn_lcore_poll(): one round, then a sleep bounded by a deadline and given
 * up when the caller's ready predicate turns true (manual clock, fake wait).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_memory.h>

#include "lcore.h"
#include "test_eal.h"

static struct {
	struct pn_clock clock;
	struct pn_shards shards;
	struct pn_lcore lc;
	unsigned int waits, rounds_seen;
	uint64_t last_timeout;
	bool ready;
	unsigned int ready_after_rounds; /* ready turns true after N hooks */
	struct pn_timer t;
	unsigned int fired;
} W;

static int
fake_wait(struct pn_lcore *lc, uint64_t timeout_ns)
{
	W.waits++;
	W.last_timeout = timeout_ns;
	if (timeout_ns != UINT64_MAX)
		pn_clock_advance(lc->clock, timeout_ns);
	return 0;
}

static void
events_hook(struct pn_lcore *lc, void *arg)
{
	RTE_SET_USED(lc);
	RTE_SET_USED(arg);
	W.rounds_seen++;
	if (W.ready_after_rounds && W.rounds_seen >= W.ready_after_rounds)
		W.ready = true;
}

static bool
is_ready(void *arg)
{
	RTE_SET_USED(arg);
	return W.ready;
}

static void
on_timer(struct pn_timer *t)
{
	RTE_SET_USED(t);
	W.fired++;
}

static int
setup(void **state)
{
	struct pn_napi_conf conf;

	RTE_SET_USED(state);
	pn_test_eal_init();
	memset(&W, 0, sizeof(W));
	pn_napi_conf_default(&conf);
	conf.busy_poll_us = 0;
	pn_clock_init_manual(&W.clock, 1000 * PN_NS_PER_MS);
	if (pn_lcore_init(&W.lc, &W.shards, 0, &conf, &W.clock,
			  SOCKET_ID_ANY) < 0)
		return -1;
	W.lc.ops.wait = fake_wait;
	W.lc.events = events_hook;
	pn_timer_init(&W.t, on_timer);
	return 0;
}

static int
teardown(void **state)
{
	RTE_SET_USED(state);
	pn_timer_cancel(&W.lc.timers, &W.t);
	pn_lcore_fini(&W.lc);
	return 0;
}

static void
test_sleep_bounded_by_deadline(void **state)
{
	uint64_t t0 = pn_clock_now(&W.clock);

	RTE_SET_USED(state);
	pn_lcore_poll(&W.lc, t0 + 20 * PN_NS_PER_MS, is_ready, NULL);
	assert_int_equal(W.waits, 1);
	assert_true(W.last_timeout <= 20 * PN_NS_PER_MS);
	assert_true(W.last_timeout >= 19 * PN_NS_PER_MS);
	assert_true(pn_clock_now(&W.clock) >= t0 + 19 * PN_NS_PER_MS);
}

static void
test_deadline_passed_no_sleep(void **state)
{
	RTE_SET_USED(state);
	pn_lcore_poll(&W.lc, 0, NULL, NULL);
	pn_lcore_poll(&W.lc, pn_clock_now(&W.clock), NULL, NULL);
	assert_int_equal(W.waits, 0);
	assert_int_equal(W.rounds_seen, 2);
}

static void
test_ready_skips_sleep(void **state)
{
	RTE_SET_USED(state);
	W.ready = true;
	pn_lcore_poll(&W.lc, UINT64_MAX, is_ready, NULL);
	assert_int_equal(W.waits, 0);
	assert_int_equal(W.rounds_seen, 1);
}

static void
test_ready_in_last_look_aborts_sleep(void **state)
{
	RTE_SET_USED(state);
	/* the first round's hook says not ready; the look-again round does */
	W.ready_after_rounds = 2;
	pn_lcore_poll(&W.lc, UINT64_MAX, is_ready, NULL);
	assert_int_equal(W.waits, 0);
	assert_int_equal(W.rounds_seen, 2);
	assert_int_equal(W.lc.stat.sleep_aborts, 1);
}

static void
test_timer_before_deadline(void **state)
{
	uint64_t t0 = pn_clock_now(&W.clock);

	RTE_SET_USED(state);
	pn_timer_arm(&W.lc.timers, &W.t, t0 + 5 * PN_NS_PER_MS);
	pn_lcore_poll(&W.lc, t0 + 50 * PN_NS_PER_MS, is_ready, NULL);
	assert_int_equal(W.waits, 1);
	assert_true(W.last_timeout <= 5 * PN_NS_PER_MS);
	pn_lcore_poll(&W.lc, t0 + 50 * PN_NS_PER_MS, is_ready, NULL);
	assert_int_equal(W.fired, 1);
}

static void
test_no_deadline_no_timer_sleeps_forever(void **state)
{
	RTE_SET_USED(state);
	pn_lcore_poll(&W.lc, UINT64_MAX, NULL, NULL);
	assert_int_equal(W.waits, 1);
	assert_true(W.last_timeout == UINT64_MAX);
	/* pn_lcore_idle keeps its behaviour */
	W.waits = 0;
	pn_lcore_idle(&W.lc, 0);
	assert_int_equal(W.waits, 1);
	assert_true(W.last_timeout == UINT64_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sleep_bounded_by_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline_passed_no_sleep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ready_skips_sleep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ready_in_last_look_aborts_sleep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_before_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_deadline_no_timer_sleeps_forever, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
