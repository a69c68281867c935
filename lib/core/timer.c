/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>

#include "timer.h"

#define TIMER_WHEEL_MIN_SLOTS 16u
#define TIMER_WHEEL_MAX_SLOTS (1u << 20)

/* Three per TCB: keep them at half a cache line (docs/benchmarks.md). */
_Static_assert(sizeof(void *) != 8 || sizeof(struct pn_timer) == 32,
	       "struct pn_timer is 32 bytes on 64-bit");

/*
 * Invariant between runs: a pending timer sits in slot (expire_tick & mask),
 * except one armed with expire_tick < cur_tick, which sits in slot cur_tick
 * so that the next run (which always reprocesses cur_tick) fires it, and
 * one deferred (pn_timer_defer), which sits in a slot the walk reaches at
 * or before expire_tick; the walk moves it on from there.
 * expire_tick is ns_to_tick_ceil(expire_ns), not stored: a timer is due
 * by tick k exactly when expire_ns <= k * tick_ns (tick_end_ns).
 * A lazily cancelled timer (PN_TIMER_DEAD) sits where it was until the
 * walk unlinks it; it is counted in count but never fires.
 */

static inline uint32_t
wheel_mask(const struct pn_timer_wheel *w)
{
	return w->nslots - 1;
}

/* Round up: a timer never fires before its expiry. */
static inline uint64_t
ns_to_tick_ceil(const struct pn_timer_wheel *w, uint64_t ns)
{
	return ns / w->tick_ns + (ns % w->tick_ns != 0);
}

/* The last nanosecond of tick @p tick, saturated: timers up to it are due
 * by that tick (ceil(e / T) <= k <=> e <= k * T). */
static inline uint64_t
tick_end_ns(const struct pn_timer_wheel *w, uint64_t tick)
{
	return tick > w->max_tick ? UINT64_MAX : tick * w->tick_ns;
}

/*
 * The earliest expiry is cached (an idle lcore asks for it every time it
 * considers sleeping; the scan walks up to a whole rotation): arming
 * lowers it, removing the timer that holds it forgets it. The helper,
 * pn_timer__next_removed, is in timer.h for the inline lazy calls.
 */

static inline void
list_init(struct pn_timer *head)
{
	head->next = head;
	head->prev = head;
}

static inline void
list_add_tail(struct pn_timer *head, struct pn_timer *t)
{
	t->prev = head->prev;
	t->next = head;
	head->prev->next = t;
	head->prev = t;
}

static inline void
list_del(struct pn_timer *t)
{
	t->prev->next = t->next;
	t->next->prev = t->prev;
	t->next = NULL;
	t->prev = NULL;
}

/*
 * Slot occupancy in two levels, kept with every link and unlink: a bit per
 * slot (occ) and, above it, a bit per occupancy word that is not zero
 * (occ_sum). The sleep decision and a run after a long sleep find the next
 * occupied slot from one occ word, the summary and one more occ word,
 * instead of visiting up to a rotation of slots one by one (16,384 slots
 * on an lcore: 40-70k instructions each time a busy lcore went to sleep
 * with only far timers) or of words (256: ~835 instructions a decision on
 * a CRR client). A 16,384-slot wheel has four summary words, the largest
 * (2^20 slots) 256.
 */
static inline uint32_t
occ_words(uint32_t nslots)
{
	return (nslots + 63) / 64;
}

/*
 * The summary is kept lazily, so that arming and cancelling pay almost
 * nothing for it: a word's summary bit is set when the word gets its
 * first slot, and cleared only by a search that finds the word empty
 * again (occ_word_next). Invariant: a non-zero word has its bit.
 */
static inline void
occ_set(struct pn_timer_wheel *w, uint32_t slot)
{
	uint64_t *o = &w->occ[slot / 64];

	if (*o == 0)
		w->occ_sum[slot / 4096] |= 1ull << (slot / 64 % 64);
	*o |= 1ull << (slot % 64);
}

static inline bool
occ_test(const struct pn_timer_wheel *w, uint32_t slot)
{
	return (w->occ[slot / 64] >> (slot % 64)) & 1;
}

/* The first non-zero occupancy word >= @p from, or occ_words() if none;
 * summary bits of words found empty on the way are cleared. */
static uint32_t
occ_word_next(struct pn_timer_wheel *w, uint32_t from)
{
	uint32_t n = occ_words(w->nslots), i = from / 64, word;
	uint64_t bits;

	if (from >= n)
		return n;
	bits = w->occ_sum[i] & (~0ull << (from % 64));
	for (;;) {
		while (bits == 0) {
			if (++i == occ_words(n))
				return n;
			bits = w->occ_sum[i];
		}
		/* Bits past the last word are never set. */
		word = i * 64 + (uint32_t)__builtin_ctzll(bits);
		if (w->occ[word] != 0)
			return word;
		w->occ_sum[i] &= ~(1ull << (word % 64));	/* emptied */
		bits &= bits - 1;
	}
}

/* The first occupied slot >= @p from, or nslots if none. */
static uint32_t
occ_next(struct pn_timer_wheel *w, uint32_t from)
{
	uint32_t i = from / 64;
	uint64_t bits;

	if (from >= w->nslots)
		return w->nslots;
	bits = w->occ[i] & (~0ull << (from % 64));
	if (bits == 0) {
		i = occ_word_next(w, i + 1);
		if (i == occ_words(w->nslots))
			return w->nslots;
		bits = w->occ[i];
	}
	/* Bits past nslots are never set. */
	return i * 64 + (uint32_t)__builtin_ctzll(bits);
}

/* Ticks from slot @p slot to the next occupied one in wheel order (1 to
 * nslots - 1), or nslots when no other slot is occupied. */
static uint32_t
occ_dist(struct pn_timer_wheel *w, uint32_t slot)
{
	uint32_t s = occ_next(w, slot + 1);

	if (s == w->nslots) {
		s = occ_next(w, 0);
		if (s >= slot)
			return w->nslots;
		return s + w->nslots - slot;
	}
	return s - slot;
}

/*
 * Ticks from slot @p slot to the next occupied one, looking at most
 * @p span slots ahead (span < nslots): 1 to span, or span + 1 when none
 * is that close. Between two rounds of a busy lcore the clock moves a
 * tick or none: the rest of the current word answers, without the
 * summary (an unbounded search went on to the RTO timers a second
 * ahead, ~430 instructions per run, tcp-crr).
 */
static uint32_t
occ_dist_within(struct pn_timer_wheel *w, uint32_t slot, uint32_t span)
{
	uint32_t s = (slot + 1) & wheel_mask(w), d;
	uint64_t bits = w->occ[s / 64] >> (s % 64);

	if (bits != 0)	/* bits past nslots are never set: no wrap */
		d = 1 + (uint32_t)__builtin_ctzll(bits);
	else if (span <= 64 - s % 64 && span <= w->nslots - s)
		return span + 1;	/* the word's rest covers the span */
	else
		d = occ_dist(w, slot);
	return d <= span ? d : span + 1;
}

/* Clear slot @p head's bit if its list is empty (its word's summary bit
 * stays until a search finds the word empty). */
static inline void
occ_settle(struct pn_timer_wheel *w, const struct pn_timer *head)
{
	if (head->next == head)
		w->occ[(uint32_t)(head - w->slots) / 64] &=
			~(1ull << ((uint32_t)(head - w->slots) % 64));
}

static inline void
slot_add(struct pn_timer_wheel *w, uint32_t slot, struct pn_timer *t)
{
	/* Tail insert: timers of one tick fire in the order they were armed. */
	list_add_tail(&w->slots[slot], t);
	occ_set(w, slot);
}

/*
 * Unlink @p t from wherever it is linked: a slot (whose bit goes when it
 * empties) or a run's local batch of due timers. Only a sentinel is its
 * own successor once its list is empty.
 */
static inline void
wheel_unlink(struct pn_timer_wheel *w, struct pn_timer *t)
{
	struct pn_timer *prev = t->prev;
	uintptr_t off = (uintptr_t)prev - (uintptr_t)w->slots;

	list_del(t);
	if (off < (uintptr_t)w->nslots * sizeof(*w->slots))
		occ_settle(w, prev);
}

int
pn_timer_wheel_init(struct pn_timer_wheel *w, uint64_t tick_ns,
		    uint32_t nslots, uint64_t now_ns)
{
	uint32_t i;

	if (tick_ns == 0 || nslots < TIMER_WHEEL_MIN_SLOTS ||
	    nslots > TIMER_WHEEL_MAX_SLOTS || (nslots & (nslots - 1)) != 0)
		return -EINVAL;

	/*
	 * Plain calloc: the wheel is set up once by its owning lcore, so
	 * first-touch places it on that lcore's node, and unit tests need
	 * no EAL.
	 */
	w->slots = calloc(nslots, sizeof(*w->slots));
	w->occ = calloc(occ_words(nslots), sizeof(*w->occ));
	w->occ_sum = calloc(occ_words(occ_words(nslots)), sizeof(*w->occ_sum));
	if (w->slots == NULL || w->occ == NULL || w->occ_sum == NULL) {
		free(w->slots);
		free(w->occ);
		free(w->occ_sum);
		w->slots = NULL;
		w->occ = NULL;
		w->occ_sum = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < nslots; i++)
		list_init(&w->slots[i]);
	w->tick_ns = tick_ns;
	w->max_tick = UINT64_MAX / tick_ns;
	w->cur_tick = now_ns / tick_ns;
	w->nslots = nslots;
	w->count = 0;
	w->fired = 0;
	w->moved = 0;
	w->stale = 0;
	w->next_ns = UINT64_MAX;
	w->next_ok = true;
	return 0;
}

void
pn_timer_wheel_fini(struct pn_timer_wheel *w)
{
	uint32_t i;

	if (w->slots == NULL)
		return;
	/*
	 * Unlink what is still pending so that a later pn_timer_cancel() by
	 * the owner of an embedded timer does not touch the freed slots.
	 */
	for (i = 0; i < w->nslots; i++) {
		struct pn_timer *head = &w->slots[i];

		while (head->next != head) {
			struct pn_timer *t = head->next;

			list_del(t);
		}
	}
	free(w->slots);
	free(w->occ);
	free(w->occ_sum);
	w->slots = NULL;
	w->occ = NULL;
	w->occ_sum = NULL;
	w->count = 0;
	w->next_ns = UINT64_MAX;
	w->next_ok = true;
}

void
pn_timer_arm(struct pn_timer_wheel *w, struct pn_timer *t,
	     uint64_t expire_ns)
{
	uint64_t tick, slot_tick;

	if (expire_ns >= PN_TIMER_DEAD)
		expire_ns = PN_TIMER_DEAD - 1;	/* 292 years: "never" */
	tick = ns_to_tick_ceil(w, expire_ns);
	slot_tick = tick < w->cur_tick ? w->cur_tick : tick;

	/* Linux __mod_timer: pending at that very expiry already, nothing
	 * to do (TCP restarts its RTO/PTO at the same instant); not for a
	 * timer due now, which a run may hold in its batch */
	if (pn_timer_pending(t) && t->expire_ns == expire_ns && tick > w->cur_tick)
		return;
	if (expire_ns <= w->next_ns)
		w->next_ns = expire_ns;	/* the new earliest (cached or not) */
	else if (pn_timer_linked(t))
		pn_timer__next_removed(w, t);
	if (pn_timer_linked(t))
		wheel_unlink(w, t);
	else
		w->count++;
	t->expire_ns = expire_ns;
	slot_add(w, (uint32_t)(slot_tick & wheel_mask(w)), t);
}

void
pn_timer_cancel(struct pn_timer_wheel *w, struct pn_timer *t)
{
	if (!pn_timer_linked(t))
		return;
	pn_timer__next_removed(w, t);
	wheel_unlink(w, t);
	w->count--;
}

/*
 * Fire the timers of slot (tick & mask) due at @p tick. They are first
 * moved to a local list, so a callback may arm or cancel any timer: a
 * cancelled one is unlinked from the local list (or marked dead there) and
 * never fires, a re-armed one leaves it, and a new timer lands in the
 * wheel, never in this batch. On the way, lazily cancelled timers are
 * unlinked and deferred ones not due yet move on to their expiry's slot.
 */
static unsigned int
wheel_fire_tick(struct pn_timer_wheel *w, uint64_t tick)
{
	struct pn_timer *head = &w->slots[tick & wheel_mask(w)];
	struct pn_timer due;
	struct pn_timer *t, *next;
	uint64_t end, et;
	unsigned int n = 0;

	if (head->next == head)
		return 0;	/* most ticks of a walk: an empty slot */
	end = tick_end_ns(w, tick);
	list_init(&due);
	for (t = head->next; t != head; t = next) {
		next = t->next;
		if (t->expire_ns & PN_TIMER_DEAD) {
			list_del(t);
			w->count--;
			w->stale++;
		} else if (t->expire_ns <= end) {
			pn_timer__next_removed(w, t);
			list_del(t);
			list_add_tail(&due, t);
		} else if (((et = ns_to_tick_ceil(w, t->expire_ns)) ^ tick) &
			   wheel_mask(w)) {
			/* deferred: et > tick >= cur_tick - 1, a later
			 * slot of this walk or of a later run */
			list_del(t);
			slot_add(w, (uint32_t)(et & wheel_mask(w)), t);
			w->moved++;
		}
	}
	occ_settle(w, head);
	while (due.next != &due) {
		t = due.next;
		list_del(t);	/* not pending from here */
		w->count--;
		if (t->expire_ns & PN_TIMER_DEAD) {
			w->stale++;	/* lazily cancelled by a callback */
			continue;
		}
		w->fired++;
		n++;
		t->fn(t);
	}
	return n;
}

unsigned int
pn_timer_wheel_run(struct pn_timer_wheel *w, uint64_t now_ns)
{
	uint64_t now_tick = now_ns / w->tick_ns;
	uint64_t tick;
	unsigned int n = 0;

	/* A clock going backwards only reprocesses cur_tick. */
	if (now_tick < w->cur_tick)
		now_tick = w->cur_tick;
	/*
	 * After a jump of more than one rotation, walk only the last
	 * rotation: it visits every slot once, and as t + nslots > now_tick
	 * for each tick t walked, a timer in t's slot is due by now_tick
	 * exactly when its expire_tick <= t.
	 */
	tick = w->cur_tick;
	if (now_tick - tick >= w->nslots)
		tick = now_tick - w->nslots + 1;

	for (; w->count != 0; tick++) {
		uint32_t slot = (uint32_t)(tick & wheel_mask(w));

		/* An empty slot: on to the next occupied one, if due. */
		if (!occ_test(w, slot)) {
			/* < nslots: tick >= now_tick - nslots + 1 */
			uint32_t span = (uint32_t)(now_tick - tick), d;

			if (span == 0)
				break;
			d = occ_dist_within(w, slot, span);
			if (d > span)
				break;
			tick += d;
		}
		/*
		 * While tick fires, a callback arming a due timer puts it in
		 * slot cur_tick: the next tick of this walk, or the next run
		 * once the walk reaches now_tick. A timer that re-arms itself
		 * in the past thus fires once per tick, never in a loop.
		 */
		w->cur_tick = tick < now_tick ? tick + 1 : tick;
		n += wheel_fire_tick(w, tick);
		if (tick == now_tick)
			break;
	}
	/*
	 * Not now_tick + 1: the next run reprocesses now_tick, which is
	 * where a timer armed in the past waits.
	 */
	w->cur_tick = now_tick;
	return n;
}

uint64_t
pn_timer_wheel_next(struct pn_timer_wheel *w)
{
	uint64_t best = UINT64_MAX;
	uint32_t seen = 0;
	uint32_t i, s0;

	if (w->next_ok)
		return w->next_ns;
	if (w->count == 0)
		return UINT64_MAX;
	/*
	 * Walk one rotation in tick order from cur_tick, occupied slots
	 * only. Reaching the tick of the earliest expiry seen (a timer due
	 * by its own slot's tick, or a deferred one seen in an earlier
	 * slot) ends the search: every timer not yet seen expires in a
	 * later tick. Otherwise all timers are in later rotations and the
	 * minimum over the full scan is the answer.
	 */
	s0 = (uint32_t)(w->cur_tick & wheel_mask(w));
	for (i = occ_test(w, s0) ? 0 : occ_dist(w, s0);
	     i < w->nslots && seen < w->count;
	     i += occ_dist(w, (uint32_t)((s0 + i) & wheel_mask(w)))) {
		uint64_t tick = w->cur_tick + i;
		const struct pn_timer *head = &w->slots[tick & wheel_mask(w)];
		const struct pn_timer *t;

		for (t = head->next; t != head; t = t->next) {
			seen++;
			if (!(t->expire_ns & PN_TIMER_DEAD) && t->expire_ns < best)
				best = t->expire_ns;
		}
		if (best <= tick_end_ns(w, tick))
			break;
	}
	w->next_ns = best;
	w->next_ok = true;
	return best;
}
