/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "timer.h"

/* Default wheel: 1 us ticks, 16 slots, so one rotation is 16 us. */
#define TICK 1000ull
#define SLOTS 16u
#define ROT (TICK * SLOTS)

struct ctx {
	struct pn_timer_wheel w;
	uint64_t now;
};

/* A timer plus what its callback should do and what it saw. */
struct rec {
	struct pn_timer t;
	struct ctx *c;
	unsigned int fired;
	uint64_t fired_at;      /* c->now when it last fired */
	uint64_t period;        /* re-arm at expiry + period */
	unsigned int periods;   /* ... this many times */
	unsigned int past;      /* re-arm at 0 this many times */
	struct pn_timer *victim; /* cancel on fire */
	bool victim_lazy;        /* ... with pn_timer_cancel_lazy */
	struct pn_timer *spawn;  /* arm at spawn_at on fire */
	uint64_t spawn_at;
	bool spawn_defer;        /* ... with pn_timer_defer */
	uint64_t prev_tick;     /* for the ordering test */
	uint64_t prev_now;
	unsigned int order_bad;
};

static void
rec_fire(struct pn_timer *t)
{
	struct rec *r = pn_timer_owner(t, struct rec, t);
	struct pn_timer_wheel *w = &r->c->w;

	assert_false(pn_timer_pending(t));
	r->fired++;
	r->fired_at = r->c->now;
	if (r->victim != NULL && r->victim_lazy)
		pn_timer_cancel_lazy(w, r->victim);
	else if (r->victim != NULL)
		pn_timer_cancel(w, r->victim);
	if (r->spawn != NULL && r->spawn_defer)
		pn_timer_defer(w, r->spawn, r->spawn_at);
	else if (r->spawn != NULL)
		pn_timer_arm(w, r->spawn, r->spawn_at);
	if (r->periods > 0) {
		r->periods--;
		pn_timer_arm(w, t, t->expire_ns + r->period);
	}
	if (r->past > 0) {
		r->past--;
		pn_timer_arm(w, t, 0);
	}
}

static void
rec_init(struct ctx *c, struct rec *r)
{
	*r = (struct rec){ .c = c };
	pn_timer_init(&r->t, rec_fire);
}

static unsigned int
run_to(struct ctx *c, uint64_t now)
{
	c->now = now;
	return pn_timer_wheel_run(&c->w, now);
}

static int
setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (c == NULL || pn_timer_wheel_init(&c->w, TICK, SLOTS, 0) != 0)
		return -1;
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	/* Timers live on the test's stack: none may outlive it in the wheel. */
	if (c->w.count != 0)
		return -1;
	pn_timer_wheel_fini(&c->w);
	free(c);
	return 0;
}

static void
test_init_errors(void **state)
{
	struct pn_timer_wheel w;

	(void)state;
	assert_int_equal(pn_timer_wheel_init(&w, 0, 16, 0), -EINVAL);
	assert_int_equal(pn_timer_wheel_init(&w, TICK, 0, 0), -EINVAL);
	assert_int_equal(pn_timer_wheel_init(&w, TICK, 8, 0), -EINVAL);
	assert_int_equal(pn_timer_wheel_init(&w, TICK, 17, 0), -EINVAL);
	assert_int_equal(pn_timer_wheel_init(&w, TICK, 48, 0), -EINVAL);
	assert_int_equal(pn_timer_wheel_init(&w, TICK, 1u << 21, 0), -EINVAL);
	assert_int_equal(pn_timer_wheel_init(&w, 1, 1u << 20, 0), 0);
	pn_timer_wheel_fini(&w);
	assert_int_equal(pn_timer_wheel_init(&w, TICK, 16, 5 * TICK), 0);
	assert_int_equal(w.count, 0);
	assert_int_equal(pn_timer_wheel_next(&w), UINT64_MAX);
	pn_timer_wheel_fini(&w);
	pn_timer_wheel_fini(&w); /* twice is harmless */
}

static void
test_fires_on_tick_not_before(void **state)
{
	struct ctx *c = *state;
	struct rec a, b;

	rec_init(c, &a);
	rec_init(c, &b);
	pn_timer_arm(&c->w, &a.t, 2500);
	pn_timer_arm(&c->w, &b.t, 5000);
	assert_int_equal(run_to(c, 2499), 0);
	/* Due in ns, but expiry is rounded up to the 3000 tick. */
	assert_int_equal(run_to(c, 2500), 0);
	assert_int_equal(run_to(c, 2999), 0);
	assert_int_equal(run_to(c, 3000), 1);
	assert_int_equal(a.fired, 1);
	assert_false(pn_timer_pending(&a.t));
	/* On a tick boundary there is no rounding. */
	assert_int_equal(run_to(c, 4999), 0);
	assert_int_equal(run_to(c, 5000), 1);
	assert_int_equal(b.fired, 1);
	assert_int_equal(run_to(c, 10 * ROT), 0);
	assert_int_equal(a.fired, 1);
}

static void
test_past_expiry_fires_on_next_run(void **state)
{
	struct ctx *c = *state;
	struct rec a, b;

	rec_init(c, &a);
	rec_init(c, &b);
	run_to(c, 10 * TICK + 300);
	pn_timer_arm(&c->w, &a.t, 5 * TICK);
	pn_timer_arm(&c->w, &b.t, 0);
	/* Same now as the last run: still fires. */
	assert_int_equal(run_to(c, 10 * TICK + 300), 2);
	assert_int_equal(a.fired + b.fired, 2);
	assert_int_equal(c->w.count, 0);
}

static void
test_rearm_moves(void **state)
{
	struct ctx *c = *state;
	struct rec a;

	rec_init(c, &a);
	pn_timer_arm(&c->w, &a.t, 2 * TICK);
	pn_timer_arm(&c->w, &a.t, 5 * TICK);
	assert_int_equal(c->w.count, 1);
	assert_int_equal(run_to(c, 5 * TICK - 1), 0);
	assert_int_equal(run_to(c, 5 * TICK), 1);
	/* Earlier, across a rotation. */
	pn_timer_arm(&c->w, &a.t, 5 * TICK + 3 * ROT);
	pn_timer_arm(&c->w, &a.t, 7 * TICK);
	assert_int_equal(run_to(c, 7 * TICK), 1);
	assert_int_equal(run_to(c, 10 * ROT), 0);
	assert_int_equal(a.fired, 2);
}

/* Re-armed at the expiry it has (Linux mod_timer): it keeps its place
 * before a timer armed after it for the same tick. a cancels b when it
 * fires: b fires only if a was moved behind it. */
static void
test_rearm_same_expiry_stays(void **state)
{
	struct ctx *c = *state;
	struct rec a, b;

	rec_init(c, &a);
	rec_init(c, &b);
	a.victim = &b.t;
	pn_timer_arm(&c->w, &a.t, 5 * TICK);
	pn_timer_arm(&c->w, &b.t, 5 * TICK);
	pn_timer_arm(&c->w, &a.t, 5 * TICK);
	assert_int_equal(c->w.count, 2);
	assert_int_equal(pn_timer_wheel_next(&c->w), 5 * TICK);
	assert_int_equal(run_to(c, 5 * TICK), 1);
	assert_int_equal(a.fired, 1);
	assert_int_equal(b.fired, 0);
	assert_int_equal(c->w.count, 0);
}

static void
test_cancel(void **state)
{
	struct ctx *c = *state;
	struct rec a, b;

	rec_init(c, &a);
	rec_init(c, &b);
	pn_timer_arm(&c->w, &a.t, 3 * TICK);
	pn_timer_arm(&c->w, &b.t, 3 * TICK);
	pn_timer_cancel(&c->w, &a.t);
	assert_false(pn_timer_pending(&a.t));
	assert_true(pn_timer_pending(&b.t));
	assert_int_equal(c->w.count, 1);
	assert_int_equal(run_to(c, 10 * ROT), 1);
	assert_int_equal(a.fired, 0);
	assert_int_equal(b.fired, 1);
}

static void
test_cancel_not_pending_is_safe(void **state)
{
	struct ctx *c = *state;
	struct rec a;

	rec_init(c, &a);
	pn_timer_cancel(&c->w, &a.t);            /* never armed */
	pn_timer_arm(&c->w, &a.t, TICK);
	pn_timer_cancel(&c->w, &a.t);
	pn_timer_cancel(&c->w, &a.t);            /* twice */
	pn_timer_arm(&c->w, &a.t, TICK);
	assert_int_equal(run_to(c, TICK), 1);
	pn_timer_cancel(&c->w, &a.t);            /* after firing */
	assert_int_equal(c->w.count, 0);
	assert_int_equal(c->w.fired, 1);
}

static void
test_periodic_rearms_itself(void **state)
{
	struct ctx *c = *state;
	struct rec a;
	uint64_t now;

	rec_init(c, &a);
	a.period = 3 * TICK;
	a.periods = 100;
	pn_timer_arm(&c->w, &a.t, 3 * TICK);
	for (now = 0; now <= 30 * TICK; now += 500)
		run_to(c, now);
	assert_int_equal(a.fired, 10);
	assert_int_equal(a.fired_at, 30 * TICK);
	/* One run catching up 4 periods fires each of them, in one walk. */
	assert_int_equal(run_to(c, 42 * TICK), 4);
	assert_int_equal(a.fired, 14);
	assert_true(pn_timer_pending(&a.t));
	assert_int_equal(a.t.expire_ns, 45 * TICK);
	pn_timer_cancel(&c->w, &a.t);
}

static void
test_rearm_in_past_fires_once_per_run(void **state)
{
	struct ctx *c = *state;
	struct rec a;

	/* A callback re-arming itself in the past must not livelock run. */
	rec_init(c, &a);
	a.past = 3;
	pn_timer_arm(&c->w, &a.t, TICK);
	assert_int_equal(run_to(c, TICK), 1);
	assert_int_equal(run_to(c, TICK), 1);
	assert_int_equal(run_to(c, TICK), 1);
	assert_int_equal(run_to(c, TICK), 1);
	assert_int_equal(run_to(c, TICK), 0);
	assert_int_equal(a.fired, 4);
}

static void
test_callback_cancels_other_in_same_slot(void **state)
{
	struct ctx *c = *state;
	struct rec a, b, d;

	rec_init(c, &a);
	rec_init(c, &b);
	rec_init(c, &d);
	a.victim = &b.t;
	/* Same tick, and d one rotation later in the same slot. */
	pn_timer_arm(&c->w, &a.t, 4 * TICK);
	pn_timer_arm(&c->w, &b.t, 4 * TICK);
	pn_timer_arm(&c->w, &d.t, 4 * TICK + ROT);
	assert_int_equal(run_to(c, 4 * TICK), 1);
	assert_int_equal(a.fired, 1);
	assert_int_equal(b.fired, 0);
	assert_false(pn_timer_pending(&b.t));
	assert_int_equal(c->w.count, 1);
	/* Cancelling a timer of a later rotation works the same. */
	a.victim = &d.t;
	pn_timer_arm(&c->w, &a.t, 5 * TICK);
	assert_int_equal(run_to(c, 5 * TICK), 1);
	assert_int_equal(run_to(c, 10 * ROT), 0);
	assert_int_equal(d.fired, 0);
	assert_int_equal(c->w.count, 0);
}

static void
test_callback_cancels_or_rearms_itself(void **state)
{
	struct ctx *c = *state;
	struct rec a;

	rec_init(c, &a);
	a.victim = &a.t;        /* cancel self: not pending, a no-op */
	pn_timer_arm(&c->w, &a.t, TICK);
	assert_int_equal(run_to(c, TICK), 1);
	assert_int_equal(c->w.count, 0);
	/* Cancel self, then re-arm self, in one callback: pending again. */
	a.periods = 1;
	a.period = TICK;
	pn_timer_arm(&c->w, &a.t, 2 * TICK);
	assert_int_equal(run_to(c, 2 * TICK), 1);
	assert_true(pn_timer_pending(&a.t));
	assert_int_equal(run_to(c, 10 * ROT), 1);
	assert_int_equal(a.fired, 3);
}

static void
test_callback_arms_due_timer(void **state)
{
	struct ctx *c = *state;
	struct rec a, b;

	rec_init(c, &a);
	rec_init(c, &b);
	a.spawn = &b.t;
	a.spawn_at = 500;
	pn_timer_arm(&c->w, &a.t, TICK);
	/* Walk ends at a's tick: b waits for the next run. */
	assert_int_equal(run_to(c, TICK), 1);
	assert_true(pn_timer_pending(&b.t));
	assert_int_equal(run_to(c, TICK), 1);
	assert_int_equal(b.fired, 1);
	/* Walk goes past a's tick: b fires in the same run. */
	a.spawn_at = 2 * TICK;
	pn_timer_arm(&c->w, &a.t, 3 * TICK);
	assert_int_equal(run_to(c, 6 * TICK), 2);
	assert_int_equal(b.fired, 2);
	assert_int_equal(c->w.count, 0);
}

static void
test_far_future_fires_on_time(void **state)
{
	struct ctx *c = *state;
	struct rec r[4];
	const uint64_t when[4] = {
		3 * ROT + 5 * TICK, ROT + 5 * TICK, 7 * ROT + 1, 5 * ROT,
	};
	uint64_t now;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		rec_init(c, &r[i]);
		pn_timer_arm(&c->w, &r[i].t, when[i]);
	}
	for (now = 0; now <= 8 * ROT; now += TICK / 4)
		run_to(c, now);
	for (i = 0; i < 4; i++) {
		assert_int_equal(r[i].fired, 1);
		/* The first run at or after the rounded-up expiry. */
		assert_int_equal(r[i].fired_at,
				 (when[i] + TICK - 1) / TICK * TICK);
	}
}

static void
test_big_time_jump(void **state)
{
	struct ctx *c = *state;
	struct pn_timer_wheel w1;
	struct rec r[4], far, far1;
	const uint64_t when[4] = { 5 * TICK, ROT + 3, 40 * ROT, 1000 * ROT };
	unsigned int i;

	for (i = 0; i < 4; i++) {
		rec_init(c, &r[i]);
		pn_timer_arm(&c->w, &r[i].t, when[i]);
	}
	rec_init(c, &far);
	pn_timer_arm(&c->w, &far.t, 100000 * ROT);
	assert_int_equal(run_to(c, 2000 * ROT + 7), 4);
	assert_true(pn_timer_pending(&far.t));
	/* The wheel carries on at the new time. */
	pn_timer_arm(&c->w, &r[0].t, 2001 * ROT);
	assert_int_equal(run_to(c, 2001 * ROT - 1), 0);
	assert_int_equal(run_to(c, 2001 * ROT), 1);
	assert_int_equal(pn_timer_wheel_next(&c->w), 100000 * ROT);
	pn_timer_cancel(&c->w, &far.t);

	/* 1 ns ticks and a jump of 1e18 ticks: must not walk them all. */
	assert_int_equal(pn_timer_wheel_init(&w1, 1, SLOTS, 0), 0);
	pn_timer_arm(&w1, &r[1].t, 12345);
	rec_init(c, &far1);
	pn_timer_arm(&w1, &far1.t, UINT64_MAX);
	assert_int_equal(pn_timer_wheel_run(&w1, 1000000000000000000ull), 1);
	assert_int_equal(pn_timer_wheel_run(&w1, UINT64_MAX), 1);
	assert_int_equal(w1.count, 0);
	pn_timer_wheel_fini(&w1);
}

static void
test_next_exact(void **state)
{
	struct ctx *c = *state;
	struct rec r[5];
	unsigned int i;

	assert_int_equal(pn_timer_wheel_next(&c->w), UINT64_MAX);
	for (i = 0; i < 5; i++)
		rec_init(c, &r[i]);
	pn_timer_arm(&c->w, &r[0].t, 5 * ROT + 1);
	assert_int_equal(pn_timer_wheel_next(&c->w), 5 * ROT + 1);
	pn_timer_arm(&c->w, &r[1].t, 3 * ROT + 1234);
	pn_timer_arm(&c->w, &r[2].t, ROT + 2777);
	assert_int_equal(pn_timer_wheel_next(&c->w), ROT + 2777);
	/* Same slot, earlier rotation, and an earlier ns in that tick. */
	pn_timer_arm(&c->w, &r[3].t, 2999);
	pn_timer_arm(&c->w, &r[4].t, 2001);
	assert_int_equal(pn_timer_wheel_next(&c->w), 2001);
	pn_timer_cancel(&c->w, &r[4].t);
	assert_int_equal(pn_timer_wheel_next(&c->w), 2999);
	pn_timer_cancel(&c->w, &r[3].t);
	pn_timer_cancel(&c->w, &r[2].t);
	assert_int_equal(pn_timer_wheel_next(&c->w), 3 * ROT + 1234);
	/* After time moved on, a timer armed in the past is the earliest. */
	run_to(c, 2 * ROT);
	pn_timer_arm(&c->w, &r[2].t, 77);
	assert_int_equal(pn_timer_wheel_next(&c->w), 77);
	run_to(c, 2 * ROT);
	assert_int_equal(pn_timer_wheel_next(&c->w), 3 * ROT + 1234);
	run_to(c, 4 * ROT);
	assert_int_equal(pn_timer_wheel_next(&c->w), 5 * ROT + 1);
	run_to(c, 6 * ROT);
	assert_int_equal(pn_timer_wheel_next(&c->w), UINT64_MAX);
}

static void
test_count(void **state)
{
	struct ctx *c = *state;
	struct rec r[3];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		rec_init(c, &r[i]);
		pn_timer_arm(&c->w, &r[i].t, (i + 1) * TICK);
	}
	assert_int_equal(c->w.count, 3);
	pn_timer_arm(&c->w, &r[0].t, 9 * TICK); /* re-arm: no change */
	assert_int_equal(c->w.count, 3);
	pn_timer_cancel(&c->w, &r[1].t);
	assert_int_equal(c->w.count, 2);
	assert_int_equal(run_to(c, 3 * TICK), 1);
	assert_int_equal(c->w.count, 1);
	assert_int_equal(c->w.fired, 1);
	assert_int_equal(run_to(c, 9 * TICK), 1);
	assert_int_equal(c->w.count, 0);
	assert_int_equal(c->w.fired, 2);
}

static void
test_fini_unlinks_pending(void **state)
{
	struct ctx *c = *state;
	struct rec a;

	rec_init(c, &a);
	pn_timer_arm(&c->w, &a.t, 3 * ROT);
	pn_timer_wheel_fini(&c->w);
	assert_false(pn_timer_pending(&a.t));
	/* The owner may still cancel its embedded timer after fini. */
	pn_timer_cancel(&c->w, &a.t);
	assert_int_equal(a.fired, 0);
	assert_int_equal(pn_timer_wheel_init(&c->w, TICK, SLOTS, 0), 0);
}

/* xorshift64*: a fixed seed keeps failures reproducible. */
static uint64_t
prng(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* The record many_random's timers share (they have no owner of their own). */
static struct rec *order_rec;

/* Checks each firing against the previous one and the previous run. */
static void
order_fire(struct pn_timer *t)
{
	struct rec *r = order_rec;
	uint64_t tick_ns = r->c->w.tick_ns;
	uint64_t tick = t->expire_ns / tick_ns + (t->expire_ns % tick_ns != 0);

	/* Never early, and never later than the first run after expiry. */
	if (t->expire_ns > r->c->now || tick * tick_ns <= r->prev_now ||
	    tick < r->prev_tick)
		r->order_bad++;
	r->prev_tick = tick;
	r->fired++;
}

/*
 * 10k timers at random expiries over several rotations, run at random
 * steps shorter than a rotation: they fire in nondecreasing expiry
 * (rounded to the tick; with 1 ns ticks that is the exact expiry).
 */
static void
many_random(uint64_t tick_ns, uint32_t nslots, uint64_t seed)
{
	enum { N = 10000 };
	struct ctx c = { .now = 0 };
	struct pn_timer *t = calloc(N, sizeof(*t));
	uint64_t rot = tick_ns * nslots;
	struct rec r;
	unsigned int i;

	assert_non_null(t);
	assert_int_equal(pn_timer_wheel_init(&c.w, tick_ns, nslots, 0), 0);
	r = (struct rec){ .c = &c };
	order_rec = &r;
	for (i = 0; i < N; i++) {
		pn_timer_init(&t[i], order_fire);
		pn_timer_arm(&c.w, &t[i], 1 + prng(&seed) % (5 * rot));
	}
	/* Re-arm a tenth of them elsewhere, to exercise moves too. */
	for (i = 0; i < N; i += 10)
		pn_timer_arm(&c.w, &t[i], 1 + prng(&seed) % (5 * rot));
	assert_int_equal(c.w.count, N);
	while (c.w.count > 0) {
		r.prev_now = c.now;
		c.now += 1 + prng(&seed) % (rot / 4);
		pn_timer_wheel_run(&c.w, c.now);
	}
	assert_int_equal(r.fired, N);
	assert_int_equal(r.order_bad, 0);
	assert_int_equal(c.w.fired, N);
	pn_timer_wheel_fini(&c.w);
	free(t);
}

static void
test_many_random_in_order(void **state)
{
	(void)state;
	many_random(TICK, 256, 0x9e3779b97f4a7c15ull);
	many_random(1, 1024, 42);
}

/*
 * A deadline moved later in place fires at the later time, at the same
 * tick as pn_timer_arm would fire it; the walk moves it on when it
 * reaches the old place (counted), and the idle deadline is the new one.
 */
static void
test_defer_fires_at_later_deadline(void **state)
{
	struct ctx *c = *state;
	struct rec a, b;

	rec_init(c, &a);
	rec_init(c, &b);
	pn_timer_defer(&c->w, &a.t, 5 * TICK);	/* not linked: an arm */
	assert_true(pn_timer_pending(&a.t));
	assert_int_equal(c->w.count, 1);
	pn_timer_defer(&c->w, &a.t, 9 * TICK + 1);
	assert_int_equal(pn_timer_wheel_next(&c->w), 9 * TICK + 1);
	assert_int_equal(run_to(c, 5 * TICK), 0);
	assert_int_equal(c->w.moved, 1);
	assert_int_equal(run_to(c, 10 * TICK - 1), 0);
	assert_int_equal(run_to(c, 10 * TICK), 1);
	assert_int_equal(a.fired_at, 10 * TICK);
	assert_int_equal(c->w.fired, 1);

	/* Several rotations later: moved once, then it waits in its slot. */
	pn_timer_arm(&c->w, &a.t, 12 * TICK);
	pn_timer_defer(&c->w, &a.t, 3 * ROT + 15 * TICK);
	assert_int_equal(run_to(c, 3 * ROT + 15 * TICK - 1), 0);
	assert_int_equal(c->w.moved, 2);
	assert_int_equal(run_to(c, 3 * ROT + 15 * TICK), 1);
	assert_int_equal(a.fired, 2);

	/* Earlier is an ordinary re-arm: it fires at the earlier time. */
	pn_timer_arm(&c->w, &b.t, 4 * ROT + 9 * TICK);
	pn_timer_defer(&c->w, &b.t, 4 * ROT + 2 * TICK);
	assert_int_equal(run_to(c, 4 * ROT + 2 * TICK), 1);
	assert_int_equal(b.fired_at, 4 * ROT + 2 * TICK);
	assert_int_equal(c->w.moved, 2);
}

/* A callback deferring a timer of its own batch (same tick) to later:
 * it leaves the batch and fires at its new time, not now. */
static void
test_defer_from_callback_leaves_batch(void **state)
{
	struct ctx *c = *state;
	struct rec a, b;

	rec_init(c, &a);
	rec_init(c, &b);
	pn_timer_arm(&c->w, &a.t, 5 * TICK);
	pn_timer_arm(&c->w, &b.t, 5 * TICK);
	a.spawn = &b.t;
	a.spawn_at = 8 * TICK;
	a.spawn_defer = true;
	assert_int_equal(run_to(c, 5 * TICK), 1);
	assert_int_equal(b.fired, 0);
	assert_int_equal(run_to(c, 8 * TICK), 1);
	assert_int_equal(b.fired_at, 8 * TICK);
}

/*
 * A lazily cancelled timer never fires, is not the idle deadline, and is
 * unlinked (counted stale) when the walk reaches it; deferred before
 * that, it takes its place again and fires at the new time only.
 */
static void
test_cancel_lazy_never_fires(void **state)
{
	struct ctx *c = *state;
	struct rec a, b, d;

	rec_init(c, &a);
	rec_init(c, &b);
	rec_init(c, &d);
	pn_timer_arm(&c->w, &a.t, 5 * TICK);
	pn_timer_arm(&c->w, &d.t, 7 * TICK);
	pn_timer_cancel_lazy(&c->w, &a.t);
	assert_false(pn_timer_pending(&a.t));
	assert_true(pn_timer_linked(&a.t));
	assert_int_equal(c->w.count, 2);
	assert_int_equal(pn_timer_wheel_next(&c->w), 7 * TICK);
	pn_timer_cancel_lazy(&c->w, &a.t);	/* twice is harmless */
	assert_int_equal(run_to(c, 6 * TICK), 0);
	assert_int_equal(a.fired, 0);
	assert_int_equal(c->w.stale, 1);
	assert_int_equal(c->w.count, 1);
	assert_false(pn_timer_linked(&a.t));
	pn_timer_cancel_lazy(&c->w, &d.t);
	assert_int_equal(pn_timer_wheel_next(&c->w), UINT64_MAX);

	/* Revived in place before the walk gets there. */
	pn_timer_arm(&c->w, &a.t, 20 * TICK);
	pn_timer_cancel_lazy(&c->w, &a.t);
	pn_timer_defer(&c->w, &a.t, 25 * TICK);
	assert_true(pn_timer_pending(&a.t));
	assert_int_equal(pn_timer_wheel_next(&c->w), 25 * TICK);
	assert_int_equal(run_to(c, 25 * TICK - 1), 0);
	assert_int_equal(c->w.stale, 2);	/* d */
	assert_int_equal(c->w.moved, 1);	/* a, at tick 20 */
	assert_int_equal(run_to(c, 25 * TICK), 1);
	assert_int_equal(a.fired_at, 25 * TICK);

	/* Revived earlier than its place: an ordinary arm. */
	pn_timer_arm(&c->w, &a.t, 40 * TICK);
	pn_timer_cancel_lazy(&c->w, &a.t);
	pn_timer_defer(&c->w, &a.t, 30 * TICK);
	assert_int_equal(c->w.count, 1);
	assert_int_equal(run_to(c, 30 * TICK), 1);
	assert_int_equal(a.fired, 2);
	assert_int_equal(run_to(c, 3 * ROT), 0);

	/* Cancelled lazily by a callback of the same batch: not fired. */
	pn_timer_arm(&c->w, &b.t, 3 * ROT + 5 * TICK);
	pn_timer_arm(&c->w, &d.t, 3 * ROT + 5 * TICK);
	b.victim = &d.t;
	b.victim_lazy = true;
	assert_int_equal(run_to(c, 3 * ROT + 5 * TICK), 1);
	assert_int_equal(d.fired, 0);
	assert_int_equal(c->w.stale, 3);
	assert_int_equal(c->w.count, 0);

	/* pn_timer_cancel unlinks a lazily cancelled timer at once. */
	pn_timer_arm(&c->w, &d.t, 4 * ROT);
	pn_timer_cancel_lazy(&c->w, &d.t);
	pn_timer_cancel(&c->w, &d.t);
	assert_false(pn_timer_linked(&d.t));
	assert_int_equal(c->w.count, 0);
}

/* Records when each of a twin pair's timers fired. */
struct twin {
	struct pn_timer t;
	uint64_t *now;
	uint64_t fired_at;
	unsigned int fired;
};

static void
twin_fire(struct pn_timer *t)
{
	struct twin *x = pn_timer_owner(t, struct twin, t);

	x->fired++;
	x->fired_at = *x->now;
}

/*
 * Two wheels driven alike, one with pn_timer_arm / pn_timer_cancel, the
 * other with pn_timer_defer / pn_timer_cancel_lazy: every timer fires in
 * the same run in both, and the idle deadline is the same.
 */
static void
test_defer_same_as_arm_random(void **state)
{
	enum { N = 32, STEPS = 20000 };
	struct pn_timer_wheel we, wl;
	struct twin e[N], l[N];
	uint64_t now = 0, seed = 0x51ed270b27cf1c6dull;
	unsigned int i, step;

	(void)state;
	assert_int_equal(pn_timer_wheel_init(&we, TICK, SLOTS, 0), 0);
	assert_int_equal(pn_timer_wheel_init(&wl, TICK, SLOTS, 0), 0);
	for (i = 0; i < N; i++) {
		e[i] = (struct twin){ .now = &now };
		l[i] = (struct twin){ .now = &now };
		pn_timer_init(&e[i].t, twin_fire);
		pn_timer_init(&l[i].t, twin_fire);
	}
	for (step = 0; step < STEPS; step++) {
		uint64_t r = prng(&seed);
		uint64_t at = now + prng(&seed) % (3 * ROT);

		i = (unsigned int)(r % N);
		if ((r >> 8) % 4 == 0) {
			pn_timer_cancel(&we, &e[i].t);
			pn_timer_cancel_lazy(&wl, &l[i].t);
		} else {
			pn_timer_arm(&we, &e[i].t, at);
			pn_timer_defer(&wl, &l[i].t, at);
		}
		if ((r >> 16) % 3 == 0) {
			now += prng(&seed) % ((r >> 24) % 50 == 0 ? 3 * ROT : 2 * TICK);
			pn_timer_wheel_run(&we, now);
			pn_timer_wheel_run(&wl, now);
		}
		assert_int_equal(pn_timer_wheel_next(&we), pn_timer_wheel_next(&wl));
	}
	for (i = 0; i < N; i++) {
		assert_int_equal(e[i].fired, l[i].fired);
		assert_int_equal(e[i].fired_at, l[i].fired_at);
		assert_int_equal(pn_timer_pending(&e[i].t), pn_timer_pending(&l[i].t));
	}
	assert_true(we.fired > 1000);
	assert_int_equal(we.fired, wl.fired);
	assert_true(wl.moved > 0 && wl.stale > 0);
	pn_timer_wheel_fini(&we);
	pn_timer_wheel_fini(&wl);
}

/* Every slot's occupancy bit is clear. */
static bool
occ_all_clear(const struct pn_timer_wheel *w)
{
	uint32_t i;

	for (i = 0; i < (w->nslots + 63) / 64; i++)
		if (w->occ[i] != 0)
			return false;
	return true;
}

/* The summary's invariant: a non-zero occupancy word has its bit (a set
 * bit over an empty word is allowed: the search clears it). */
static bool
occ_sum_covers(const struct pn_timer_wheel *w)
{
	uint32_t i;

	for (i = 0; i < (w->nslots + 63) / 64; i++)
		if (w->occ[i] != 0 && !((w->occ_sum[i / 64] >> (i % 64)) & 1))
			return false;
	return true;
}

/*
 * A wheel of 256 slots (four bitmap words) against a brute-force model:
 * random arms, defers, lazy and plain cancels and runs, sometimes far
 * apart or a rotation or more away. After each step the idle deadline is
 * the earliest pending expiry, and after each run no pending timer is due
 * and every timer fired at its tick (the first run at or past its expiry
 * rounded up to the tick), so empty slots skipped by the bitmap are never
 * ones holding a due timer.
 */
static void
occupancy_random(uint32_t bslots)
{
	enum { N = 64, STEPS = 30000 };
	const uint64_t brot = TICK * bslots;
	struct pn_timer_wheel w;
	struct twin x[N];
	uint64_t exp[N], now = 7 * TICK + 3, prev = now;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	bool pend[N] = { false };
	unsigned int i, step, fired = 0;

	assert_int_equal(pn_timer_wheel_init(&w, TICK, bslots, now), 0);
	for (i = 0; i < N; i++) {
		x[i] = (struct twin){ .now = &now };
		pn_timer_init(&x[i].t, twin_fire);
	}
	for (step = 0; step < STEPS; step++) {
		uint64_t r = prng(&seed), best = UINT64_MAX;
		uint64_t span = (r >> 40) % 8 == 0 ? 3 * brot : 40 * TICK;
		uint64_t at = now + prng(&seed) % span;

		i = (unsigned int)(r % N);
		switch ((r >> 8) % 6) {
		case 0:
			pn_timer_cancel(&w, &x[i].t);
			pend[i] = false;
			break;
		case 1:
			pn_timer_cancel_lazy(&w, &x[i].t);
			pend[i] = false;
			break;
		case 2:
			pn_timer_defer(&w, &x[i].t, at);
			pend[i] = true;
			exp[i] = at;
			break;
		default:
			pn_timer_arm(&w, &x[i].t, at);
			pend[i] = true;
			exp[i] = at;
			break;
		}
		if ((r >> 16) % 3 == 0) {
			unsigned int before[N];

			for (i = 0; i < N; i++)
				before[i] = x[i].fired;
			prev = now;
			now += prng(&seed) % ((r >> 24) % 20 == 0 ? 2 * brot : 8 * TICK);
			pn_timer_wheel_run(&w, now);
			for (i = 0; i < N; i++) {
				uint64_t due = (exp[i] + TICK - 1) / TICK * TICK;

				if (x[i].fired != before[i]) {
					/* fired in this run, and was due in it */
					assert_true(pend[i]);
					assert_true(due <= now / TICK * TICK);
					assert_true(due > prev / TICK * TICK - TICK);
					pend[i] = false;
					fired++;
				} else if (pend[i]) {
					assert_true(due > now / TICK * TICK);
				}
			}
		}
		for (i = 0; i < N; i++) {
			assert_int_equal(pn_timer_pending(&x[i].t), pend[i]);
			if (pend[i] && exp[i] < best)
				best = exp[i];
		}
		assert_int_equal(pn_timer_wheel_next(&w), best);
		assert_true(occ_sum_covers(&w));
	}
	assert_true(fired > 1000);
	pn_timer_wheel_fini(&w);
}

static void
test_occupancy_random(void **state)
{
	(void)state;
	occupancy_random(256);
}

/* The same under one bitmap word: a run's bounded look ahead (the slots
 * up to now) wraps to slot 0 inside the word, not at its end. */
static void
test_occupancy_random_small(void **state)
{
	(void)state;
	occupancy_random(16);
}


/*
 * The two bitmap levels on the largest wheel (2^20 slots: 16,384 slot
 * words, 256 summary words): timers on both sides of word and summary
 * word boundaries, the last one in a summary word cancelled (its bit
 * cleared by the next search), the search wrapping from the wheel's end
 * to its start, and the last timer removed leaving every slot bit clear.
 */
static void
test_occupancy_levels(void **state)
{
	enum { NS = 1u << 20 };
	struct ctx c = { .now = 0 };
	struct rec r[6];
	unsigned int i;

	(void)state;
	assert_int_equal(pn_timer_wheel_init(&c.w, TICK, NS, 0), 0);
	for (i = 0; i < 6; i++)
		rec_init(&c, &r[i]);
	/* slot 4095 ends summary word 0's last slot word; 4096 starts word 1 */
	pn_timer_arm(&c.w, &r[0].t, 4096 * TICK);
	pn_timer_arm(&c.w, &r[1].t, 4095 * TICK);
	pn_timer_arm(&c.w, &r[2].t, (NS - 1) * TICK);	/* the last slot */
	assert_int_equal(pn_timer_wheel_next(&c.w), 4095 * TICK);
	pn_timer_cancel(&c.w, &r[1].t);	/* summary word 0's last slot */
	assert_true(occ_sum_covers(&c.w));
	/* the search passes the emptied word and clears its summary bit */
	assert_int_equal(pn_timer_wheel_next(&c.w), 4096 * TICK);
	assert_int_equal(c.w.occ_sum[0], 0);
	pn_timer_cancel(&c.w, &r[0].t);
	assert_int_equal(pn_timer_wheel_next(&c.w), (NS - 1) * TICK);
	/* far apart: 2^20 - 1 slots skipped in a few words */
	assert_int_equal(run_to(&c, (NS - 2) * TICK), 0);
	/* Wrap-around: slot 3 of the next rotation, behind cur_tick's slot
	 * in the arrays, and one more rotation ahead in slot NS - 1. */
	pn_timer_arm(&c.w, &r[3].t, (NS + 3) * TICK);
	pn_timer_arm(&c.w, &r[4].t, (2 * NS - 1) * TICK + 1);
	pn_timer_cancel(&c.w, &r[2].t);
	assert_int_equal(pn_timer_wheel_next(&c.w), (NS + 3) * TICK);
	assert_int_equal(run_to(&c, (NS + 3) * TICK), 1);
	assert_int_equal(r[3].fired, 1);
	assert_int_equal(pn_timer_wheel_next(&c.w), (2 * NS - 1) * TICK + 1);
	/* A run after a long sleep crosses summary words to the one due. */
	pn_timer_arm(&c.w, &r[5].t, (NS + 3 + 300000) * TICK);
	assert_int_equal(run_to(&c, (NS + 3 + 299999) * TICK), 0);
	assert_int_equal(run_to(&c, (NS + 3 + 300000) * TICK), 1);
	assert_int_equal(r[5].fired, 1);
	assert_int_equal(r[4].fired, 0);
	pn_timer_cancel(&c.w, &r[4].t);	/* the last timer */
	assert_int_equal(c.w.count, 0);
	assert_true(occ_all_clear(&c.w));
	assert_true(occ_sum_covers(&c.w));
	assert_int_equal(pn_timer_wheel_next(&c.w), UINT64_MAX);
	/* stale summary bits left behind do not hide a new timer */
	pn_timer_arm(&c.w, &r[0].t, (2 * NS + 5) * TICK);
	assert_int_equal(pn_timer_wheel_next(&c.w), (2 * NS + 5) * TICK);
	pn_timer_cancel(&c.w, &r[0].t);
	pn_timer_wheel_fini(&c.w);
}

/*
 * A deferred timer seen first in the walk ends the search for the next
 * expiry at its own tick: a timer due in a later slot is not earlier.
 */
static void
test_next_deferred_first(void **state)
{
	struct ctx *c = *state;
	struct rec a, b;

	rec_init(c, &a);
	rec_init(c, &b);
	pn_timer_arm(&c->w, &a.t, 2 * TICK);
	pn_timer_defer(&c->w, &a.t, 5 * TICK + 1);	/* stays in slot 2 */
	pn_timer_arm(&c->w, &b.t, 9 * TICK);
	assert_int_equal(pn_timer_wheel_next(&c->w), 5 * TICK + 1);
	pn_timer_defer(&c->w, &a.t, 11 * TICK);	/* past b now */
	assert_int_equal(pn_timer_wheel_next(&c->w), 9 * TICK);
	assert_int_equal(run_to(c, 9 * TICK), 1);
	assert_int_equal(b.fired, 1);
	assert_int_equal(pn_timer_wheel_next(&c->w), 11 * TICK);
	assert_int_equal(run_to(c, 11 * TICK), 1);
	assert_int_equal(a.fired, 1);
	assert_true(occ_all_clear(&c->w));
}

/* The random model on 8,192 slots: two summary words. */
static void
test_occupancy_random_two_levels(void **state)
{
	(void)state;
	occupancy_random(8192);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test_setup_teardown(test_fires_on_tick_not_before, setup, teardown),
		cmocka_unit_test_setup_teardown(test_past_expiry_fires_on_next_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rearm_moves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rearm_same_expiry_stays, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_not_pending_is_safe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_periodic_rearms_itself, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rearm_in_past_fires_once_per_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_cancels_other_in_same_slot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_cancels_or_rearms_itself, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_arms_due_timer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_far_future_fires_on_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_time_jump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fini_unlinks_pending, setup, teardown),
		cmocka_unit_test(test_many_random_in_order),
		cmocka_unit_test_setup_teardown(test_defer_fires_at_later_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defer_from_callback_leaves_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_lazy_never_fires, setup, teardown),
		cmocka_unit_test(test_defer_same_as_arm_random),
		cmocka_unit_test(test_occupancy_random),
		cmocka_unit_test(test_occupancy_random_small),
		cmocka_unit_test(test_occupancy_random_two_levels),
		cmocka_unit_test(test_occupancy_levels),
		cmocka_unit_test_setup_teardown(test_next_deferred_first, setup, teardown),
	};

	return cmocka_run_group_tests_name("core/timer", tests, NULL, NULL);
}
