/* SPDX-License-Identifier: BSD-3-Clause */
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

	c->now_ns = clock_tsc_now;
	c->manual_ns = 0;
	c->tsc_start = rte_rdtsc();
	c->ns_per_tsc = hz ? 1e9 / (double)hz : 1.0;
}

void
pn_clock_init_manual(struct pn_clock *c, uint64_t start_ns)
{
	c->now_ns = clock_manual_now;
	c->manual_ns = start_ns;
	c->tsc_start = 0;
	c->ns_per_tsc = 0;
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
