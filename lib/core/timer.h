/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_CORE_TIMER_H
#define PN_CORE_TIMER_H

/*
 * A hashed timing wheel owned by one lcore (no locks). Timers are intrusive:
 * the owner embeds a struct pn_timer in its own object, so arming never
 * allocates. Expiry is in absolute nanoseconds of the lcore's clock; a timer
 * fires on the first pn_timer_wheel_run() whose now is >= its expiry, rounded
 * up to the wheel's tick. Expiries further than one rotation away wait in
 * their slot for the right rotation. Arm and cancel are O(1).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pn_timer;
/** Called with the timer that fired; its owner is pn_timer_owner(). */
typedef void (*pn_timer_fn)(struct pn_timer *t);

/*
 * 32 bytes, embedded in every TCB three times: no argument pointer (the
 * owner is found from the timer's address), no tick (derived from
 * expire_ns), no pending flag (linked into a list <=> pending).
 */
struct pn_timer {
	struct pn_timer *next;  /**< NULL: not pending */
	struct pn_timer *prev;
	uint64_t expire_ns;     /**< absolute expiry, valid while pending */
	pn_timer_fn fn;
};

/** The object of type @p type holding timer @p t as its member @p member. */
#define pn_timer_owner(t, type, member) \
	((type *)(void *)((char *)(t) - offsetof(type, member)))

struct pn_timer_wheel {
	uint64_t tick_ns;     /**< resolution */
	uint64_t max_tick;    /**< UINT64_MAX / tick_ns (tick_end_ns) */
	uint64_t cur_tick;    /**< every tick < cur_tick has been processed */
	uint32_t nslots;      /**< power of two */
	uint32_t count;       /**< pending timers */
	uint64_t fired;       /**< timers fired (counter) */
	struct pn_timer *slots; /**< nslots list heads (sentinels) */
	uint64_t next_ns;     /**< pn_timer_wheel_next's answer, if next_ok */
	bool next_ok;         /**< next_ns is the earliest pending expiry */
};

/**
 * Initialise a wheel of @p nslots slots (a power of two, 16..1048576) of
 * @p tick_ns each (>= 1), starting at @p now_ns.
 * @return 0, -EINVAL for a bad size, -ENOMEM.
 */
int pn_timer_wheel_init(struct pn_timer_wheel *w, uint64_t tick_ns,
			uint32_t nslots, uint64_t now_ns);

/** Free the slots. Pending timers are dropped without firing. */
void pn_timer_wheel_fini(struct pn_timer_wheel *w);

/** Initialise a timer (not pending) calling @p fn when it fires. */
void pn_timer_init(struct pn_timer *t, pn_timer_fn fn);

/**
 * Arm (or re-arm) @p t to fire at absolute @p expire_ns. A pending timer is
 * moved; one pending at that same future expiry stays where it is (Linux
 * mod_timer), keeping its place among the timers of its tick. An expiry in the past fires on the next run (or later in the
 * current run, when armed from a callback before the run reaches its end).
 */
void pn_timer_arm(struct pn_timer_wheel *w, struct pn_timer *t,
		  uint64_t expire_ns);

/** Cancel @p t if pending. Safe on a timer that is not pending. */
void pn_timer_cancel(struct pn_timer_wheel *w, struct pn_timer *t);

static inline bool
pn_timer_pending(const struct pn_timer *t)
{
	return t->next != NULL;
}

/**
 * Fire every timer whose expiry, rounded up to the tick, is <= @p now_ns.
 * Timers fire in tick order (timers of one tick in the order they were
 * armed), except after a jump of more than one rotation, when the walk is
 * capped at one rotation and due timers fire in slot order. A callback may
 * arm or cancel any timer, including itself; one re-arming itself in the
 * past fires again at most once per tick walked, so a run always ends.
 * Not re-entrant. A @p now_ns earlier than a previous run's counts as that.
 * @return the number of timers fired.
 */
unsigned int pn_timer_wheel_run(struct pn_timer_wheel *w, uint64_t now_ns);

/**
 * Earliest expiry among pending timers (exact, in ns), or UINT64_MAX when
 * none is pending. Used by the sleep decision. Cached until the timer
 * holding it is cancelled, re-armed later or fired; then O(slots + timers
 * scanned), stopping at the first tick holding a due timer. The timer
 * fires only at the tick boundary at or after this value.
 */
uint64_t pn_timer_wheel_next(struct pn_timer_wheel *w);

#endif /* PN_CORE_TIMER_H */
