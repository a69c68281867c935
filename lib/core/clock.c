/* SPDX-License-Identifier: BSD-3-Clause */
#include <time.h>

#include <rte_cycles.h>

#include "clock.h"

static uint64_t
clock_tsc_now(struct pn_clock *c)
{
	/* A double holds 2^53 ns exactly: over 100 days of uptime. */
	return (uint64_t)((double)(rte_rdtsc() - c->tsc_start) * c->ns_per_tsc);
}

static uint64_t
clock_manual_now(struct pn_clock *c)
{
	return c->manual_ns;
}

void
pn_clock_init_tsc(struct pn_clock *c)
{
	uint64_t hz = rte_get_tsc_hz();
	struct timespec ts;

	c->now_ns = clock_tsc_now;
	c->manual_ns = 0;
	c->tsc_start = rte_rdtsc();
	c->ns_per_tsc = hz ? 1e9 / (double)hz : 1.0;
	c->realtime_off_ns = 0;
	if (clock_gettime(CLOCK_REALTIME, &ts) == 0)
		pn_clock_set_realtime(c, pn_clock_now(c),
				      (uint64_t)ts.tv_sec * PN_NS_PER_S +
					      (uint64_t)ts.tv_nsec);
}

void
pn_clock_set_realtime(struct pn_clock *c, uint64_t now, uint64_t real_ns)
{
	c->realtime_off_ns = (int64_t)(real_ns - now);
}

void
pn_clock_init_manual(struct pn_clock *c, uint64_t start_ns)
{
	c->now_ns = clock_manual_now;
	c->manual_ns = start_ns;
	c->tsc_start = 0;
	c->ns_per_tsc = 0;
	c->realtime_off_ns = 0;
}

void
pn_clock_advance(struct pn_clock *c, uint64_t ns)
{
	c->manual_ns += ns;
}

void
pn_clock_set(struct pn_clock *c, uint64_t ns)
{
	if (ns > c->manual_ns)
		c->manual_ns = ns;
}
