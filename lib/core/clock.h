/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_CORE_CLOCK_H
#define PN_CORE_CLOCK_H

/*
 * The lcore's clock. Everything below app/ reads time through one of these,
 * never the TSC or the wall clock directly, so tests and fuzzers drive time
 * by hand (a manual clock) and production uses the TSC.
 */

#include <stdint.h>

#define PN_NS_PER_US 1000ull
#define PN_NS_PER_MS 1000000ull
#define PN_NS_PER_S  1000000000ull

struct pn_clock {
	/** Current time in nanoseconds since the clock was initialised. */
	uint64_t (*now_ns)(struct pn_clock *c);
	uint64_t manual_ns;   /**< manual clock: the current time */
	uint64_t tsc_start;   /**< TSC clock: TSC at initialisation */
	double ns_per_tsc;    /**< TSC clock: conversion factor */
	/** Wall clock (CLOCK_REALTIME) minus now_ns, taken at
	 * initialisation: 0 for a manual clock unless set. */
	int64_t realtime_off_ns;
};

/** Initialise a clock reading the TSC (production). */
void pn_clock_init_tsc(struct pn_clock *c);

/** Initialise a manual clock starting at @p start_ns (tests, fuzzers). */
void pn_clock_init_manual(struct pn_clock *c, uint64_t start_ns);

/** Advance a manual clock by @p ns. No effect on a TSC clock. */
void pn_clock_advance(struct pn_clock *c, uint64_t ns);

/** Set a manual clock to @p ns (never backwards). */
void pn_clock_set(struct pn_clock *c, uint64_t ns);

static inline uint64_t
pn_clock_now(struct pn_clock *c)
{
	return c->now_ns(c);
}

/** Wall-clock time (ns since the epoch) at clock time @p now: for the
 * few things that need the time of day, such as IP timestamps. */
static inline uint64_t
pn_clock_realtime(const struct pn_clock *c, uint64_t now)
{
	return (uint64_t)((int64_t)now + c->realtime_off_ns);
}

/** Make clock time @p now read as wall-clock time @p real_ns (tests). */
void pn_clock_set_realtime(struct pn_clock *c, uint64_t now,
			   uint64_t real_ns);

#endif /* PN_CORE_CLOCK_H */
