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
 * expire_ns), no pending flag (pending <=> linked into a list and not
 * PN_TIMER_DEAD).
 */
struct pn_timer {
	struct pn_timer *next;  /**< NULL: not linked into the wheel */
	struct pn_timer *prev;
	uint64_t expire_ns;     /**< absolute expiry, valid while linked;
				     PN_TIMER_DEAD set: cancelled lazily */
	pn_timer_fn fn;
};

/*
 * Set in expire_ns by pn_timer_cancel_lazy(): the timer stays linked (the
 * walk unlinks it when it reaches its slot) but is not pending. Expiries
 * are below it: a later one is taken as 2^63 - 1 ns (292 years of the
 * lcore clock, "never").
 */
#define PN_TIMER_DEAD (1ull << 63)

/** The object of type @p type holding timer @p t as its member @p member. */
#define pn_timer_owner(t, type, member) \
	((type *)(void *)((char *)(t) - offsetof(type, member)))

struct pn_timer_wheel {
	uint64_t tick_ns;     /**< resolution */
	uint64_t max_tick;    /**< UINT64_MAX / tick_ns (tick_end_ns) */
	uint64_t cur_tick;    /**< every tick < cur_tick has been processed */
	uint32_t nslots;      /**< power of two */
	uint32_t count;       /**< linked timers (pending or lazily dead) */
	uint64_t fired;       /**< timers fired (counter) */
	uint64_t moved;       /**< deferred timers moved on by the walk */
	uint64_t stale;       /**< lazily cancelled timers unlinked by it */
	struct pn_timer *slots; /**< nslots list heads (sentinels) */
	uint64_t *occ;        /**< one bit per slot: its list is not empty */
	uint64_t *occ_sum;    /**< one bit per occ word: set for every non-zero
				   word (cleared lazily, timer.c) */
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
static inline void
pn_timer_init(struct pn_timer *t, pn_timer_fn fn)
{
	t->next = NULL;
	t->prev = NULL;
	t->expire_ns = 0;
	t->fn = fn;
}

/**
 * Arm (or re-arm) @p t to fire at absolute @p expire_ns. A pending timer is
 * moved; one pending at that same future expiry stays where it is (Linux
 * mod_timer), keeping its place among the timers of its tick. An expiry in the past fires on the next run (or later in the
 * current run, when armed from a callback before the run reaches its end).
 */
void pn_timer_arm(struct pn_timer_wheel *w, struct pn_timer *t,
		  uint64_t expire_ns);

/**
 * Arm @p t at @p expire_ns like pn_timer_arm(), lazily when the expiry
 * does not move earlier: a timer still linked (pending, or cancelled by
 * pn_timer_cancel_lazy()) with an expiry at or before @p expire_ns keeps
 * its place; only its expiry changes. When the walk reaches that place
 * before the new expiry, it moves the timer to the slot of its expiry
 * (counted in moved) instead of firing it. The timer fires at the same
 * tick as with pn_timer_arm(); among the timers of that tick, in the
 * order they reached its slot. For timers pushed later again and again
 * (TCP's RTO after each ACK; Linux does it by hand: icsk_timeout and the
 * time_after() check in tcp_write_timer_handler).
 */
static inline void pn_timer_defer(struct pn_timer_wheel *w,
				  struct pn_timer *t, uint64_t expire_ns);

/** Cancel @p t if pending (or linked). Safe on a timer that is not. */
void pn_timer_cancel(struct pn_timer_wheel *w, struct pn_timer *t);

/** Linked into a wheel: pending, or cancelled lazily and not yet reached. */
static inline bool
pn_timer_linked(const struct pn_timer *t)
{
	return t->next != NULL;
}

static inline bool
pn_timer_pending(const struct pn_timer *t)
{
	return t->next != NULL && !(t->expire_ns & PN_TIMER_DEAD);
}

/** The absolute expiry of pending timer @p t. */
static inline uint64_t
pn_timer_expiry(const struct pn_timer *t)
{
	return t->expire_ns;
}

/* The cached earliest expiry is @p t's, which is going: forget it. */
static inline void
pn_timer__next_removed(struct pn_timer_wheel *w, const struct pn_timer *t)
{
	if (t->expire_ns == w->next_ns)
		w->next_ok = false;
}

/**
 * Cancel @p t in O(1) without unlinking: it is no longer pending and
 * never fires, the walk unlinks it when it reaches its slot (counted in
 * stale), and a pn_timer_defer() before then re-uses its place.
 * pn_timer_wheel_next() does not count it, so an idle lcore does not wake
 * for it. The owner must still pn_timer_cancel() it before freeing it.
 */
static inline void
pn_timer_cancel_lazy(struct pn_timer_wheel *w, struct pn_timer *t)
{
	if (!pn_timer_pending(t))
		return;
	pn_timer__next_removed(w, t);
	t->expire_ns |= PN_TIMER_DEAD;
}

static inline void
pn_timer_defer(struct pn_timer_wheel *w, struct pn_timer *t,
	       uint64_t expire_ns)
{
	uint64_t old = t->expire_ns & ~PN_TIMER_DEAD;

	/*
	 * In place only when the new expiry is not earlier than the timer's
	 * place and the timer cannot be in a run's batch of due timers
	 * (those expire by the end of cur_tick; a new expiry there would
	 * fire early). cur_tick * tick_ns <= the clock: no overflow.
	 */
	if (!pn_timer_linked(t) || expire_ns < old ||
	    expire_ns >= PN_TIMER_DEAD || old <= w->cur_tick * w->tick_ns) {
		pn_timer_arm(w, t, expire_ns);
		return;
	}
	if (expire_ns <= w->next_ns)
		w->next_ns = expire_ns;
	else
		pn_timer__next_removed(w, t);
	t->expire_ns = expire_ns;
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
 * holding it is cancelled, re-armed later or fired; then O(timers
 * scanned): the walk visits only slots holding timers (a bit per slot,
 * a bit per 64 slots above it), stopping at the first tick holding a due
 * timer or at the tick of the earliest expiry seen. The timer
 * fires only at the tick boundary at or after this value.
 */
uint64_t pn_timer_wheel_next(struct pn_timer_wheel *w);

#endif /* PN_CORE_TIMER_H */
