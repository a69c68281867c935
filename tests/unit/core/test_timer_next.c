/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pn_timer_wheel_next caches the earliest expiry (an idle lcore asks for
 * it each time it considers sleeping). Against a brute-force minimum over
 * the pending timers after every arm, re-arm (earlier and later), cancel
 * and run, with a fixed-seed random sequence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "timer.h"

#define NT 64
#define TICK 1000
#define SLOTS 64

static unsigned int fired;

static void
on_fire(struct pn_timer *t)
{
	(void)t;
	fired++;
}

static uint64_t
brute_next(const struct pn_timer *t)
{
	uint64_t best = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < NT; i++)
		if (pn_timer_pending(&t[i]) && t[i].expire_ns < best)
			best = t[i].expire_ns;
	return best;
}

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
test_next_matches_brute_force(void **state)
{
	struct pn_timer_wheel w;
	struct pn_timer t[NT];
	uint64_t seed = 0x9e3779b97f4a7c15ULL, now = 0;
	unsigned int i, step;

	(void)state;
	assert_int_equal(pn_timer_wheel_init(&w, TICK, SLOTS, 0), 0);
	for (i = 0; i < NT; i++)
		pn_timer_init(&t[i], on_fire);
	for (step = 0; step < 200000; step++) {
		uint64_t r = rnd(&seed);
		struct pn_timer *x = &t[r % NT];

		switch ((r >> 8) % 8) {
		case 0: case 1: case 2: /* near, possibly in the past */
			pn_timer_arm(&w, x, now + (r >> 16) % (4 * TICK) -
					    TICK / 2 * ((r >> 40) & 1));
			break;
		case 3: /* far: later rotations */
			pn_timer_arm(&w, x, now + (r >> 16) % (8 * SLOTS * TICK));
			break;
		case 4: case 5:
			pn_timer_cancel(&w, x);
			break;
		default: /* time moves on */
			now += (r >> 16) % (3 * TICK);
			pn_timer_wheel_run(&w, now);
			break;
		}
		/* Ask only sometimes: the cache must also survive runs of
		 * changes it was not asked about in between. */
		if ((r >> 60) % 3 == 0)
			assert_int_equal(pn_timer_wheel_next(&w), brute_next(t));
	}
	assert_true(fired > 1000);
	pn_timer_wheel_fini(&w);
	assert_int_equal(pn_timer_wheel_next(&w), UINT64_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_matches_brute_force),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
