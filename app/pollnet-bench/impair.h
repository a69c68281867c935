/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_BENCH_IMPAIR_H
#define PN_BENCH_IMPAIR_H

/*
 * Link impairment as a TX middleware (smoltcp's fault injector as a device
 * wrapper): every frame an engine queues for an impaired port passes
 * through bench_impair_tx() before the TX queue, which may lose, corrupt,
 * duplicate, hold back (reorder) or delay it. Decisions come from a seeded
 * PRNG per (worker, port), so a run is reproducible. Held frames wait in
 * bounded per-port FIFOs and are released by a NAPI instance of the worker.
 *
 * Per frame, in this order:
 *   loss     -> freed (lost)
 *   corrupt  -> one random bit flipped past the Ethernet header
 *   dup      -> a copy follows the original (the reorder draw is the original's)
 *   reorder  -> held until reorder-depth later frames went out, or at most
 *               reorder-max-us
 *   delay    -> released at now + delay-us +- jitter-us (uniform), but never
 *               before the frame ahead of it: jitter alone does not reorder
 * Counters keep: in + duplicated == passed + lost + held_dropped + held.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lcore.h"
#include "timer.h"

struct rte_mbuf;
struct rte_mempool;
struct bench_ctx;
struct bench_worker;

#define IMPAIR_LIMIT_DEF      4096u
#define IMPAIR_LIMIT_MAX      65536u
#define IMPAIR_DEPTH_DEF      3u
#define IMPAIR_DEPTH_MAX      1024u
#define IMPAIR_REORDER_US_DEF 1000u
#define IMPAIR_US_MAX         1000000u   /* 1 s */
#define IMPAIR_SEED_DEF       1u

/** One port's impairment, from --impair=PORT:key=value,... */
struct bench_impair_conf {
	bool set;               /**< --impair given for this port */
	double loss, dup, corrupt, reorder; /**< percent 0..100, as given */
	/* Probabilities as thresholds on a 32-bit draw: p% -> p/100 * 2^32. */
	uint64_t loss_th, dup_th, corrupt_th, reorder_th;
	uint32_t reorder_depth;  /**< later frames before a held one goes, 1..1024 */
	uint32_t reorder_max_us; /**< longest reorder hold, 1..1000000 */
	uint32_t delay_us;       /**< 0..1000000 */
	uint32_t jitter_us;      /**< 0..delay_us */
	uint32_t limit;          /**< frames each hold FIFO keeps, 1..65536 */
};

/** Counters of one port on one worker (owner writes, stats read). */
struct bench_impair_stats {
	uint64_t in;            /**< frames given to the impairment */
	uint64_t passed;        /**< frames handed to the TX queue (copies included) */
	uint64_t lost;          /**< freed by the loss draw */
	uint64_t duplicated;    /**< extra copies made */
	uint64_t reordered;     /**< frames held back for reordering */
	uint64_t corrupted;     /**< frames with one bit flipped */
	uint64_t delayed;       /**< frames that went through the delay FIFO */
	uint64_t held_dropped;  /**< dropped: the delay FIFO was full */
	uint64_t dup_nomem;     /**< copies not made: mbuf pool empty */
};

/** The counter names, in struct order, for text and JSON output. */
#define BENCH_IMPAIR_STATS(X) \
	X(in) X(passed) X(lost) X(duplicated) X(reordered) X(corrupted) \
	X(delayed) X(held_dropped) X(dup_nomem)

/** splitmix64: small, seedable, good enough for coin flips. */
struct impair_rng {
	uint64_t s;
};

static inline uint64_t
impair_rng_next(struct impair_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/** Seed the stream of @p port on worker @p shard from the run's --seed. */
void impair_rng_seed(struct impair_rng *r, uint64_t seed, uint16_t port,
		     uint16_t shard);

/** What happens to one frame. */
struct impair_verdict {
	bool lose, corrupt, dup, reorder;
	uint32_t bit;           /**< corrupt: bit to flip, counted from frame start */
};

/**
 * Draw the fate of one frame of @p len bytes: a pure function of @p c and
 * the PRNG state. Draws happen only for enabled keys, in the order loss,
 * corrupt, dup, reorder; a lost frame draws nothing more.
 */
void impair_decide(const struct bench_impair_conf *c, struct impair_rng *r,
		   uint32_t len, struct impair_verdict *v);

/**
 * A delay offset uniform in [-jitter, +jitter] ns, drawn when a frame
 * enters the delay FIFO (0 without jitter, drawing nothing).
 */
int64_t impair_jitter_ns(const struct bench_impair_conf *c, struct impair_rng *r);

/**
 * Parse one --impair value "PORT:key=value,..." into @p confs (indexed by
 * port, PN_MAX_PORTS entries). On error writes one line naming the key and
 * the accepted range into @p err.
 * @return 0 or -EINVAL.
 */
int bench_impair_parse(struct bench_impair_conf *confs, const char *spec,
		       char *err, size_t errlen);

/** Usage lines for --impair and --seed. */
const char *bench_impair_usage(void);

/** A frame waiting in a hold FIFO. */
struct impair_held {
	struct rte_mbuf *m;
	struct pn_txq *q;
	uint64_t t;             /**< delay: release time; reorder: deadline */
	uint64_t seq;           /**< reorder: release once out_seq reaches it */
};

/** A bounded FIFO of held frames (capacity a power of two >= limit). */
struct impair_fifo {
	struct impair_held *e;
	uint32_t mask;
	uint32_t limit;
	uint32_t head;
	uint32_t len;
};

struct impair_port {
	const struct bench_impair_conf *conf; /**< NULL: port not impaired */
	struct impair_rng rng;
	struct impair_fifo reorder;
	struct impair_fifo delay;
	uint64_t out_seq;       /**< frames past the reorder stage, not held */
	uint64_t last_release;  /**< delay: release time of the newest frame */
	struct bench_impair_stats st;
};

/** One worker's impairment: its ports and the NAPI instance releasing. */
struct bench_impair {
	struct pn_napi napi;
	struct pn_timer timer;  /**< at the next release: the lcore stays up */
	struct pn_lcore *lc;
	struct rte_mempool *pool; /**< for duplicates */
	uint64_t timer_at;      /**< expiry the timer is armed for, or 0 */
	struct impair_port port[PN_MAX_PORTS];
};

/**
 * Create the impairment of worker @p shard for the ports configured in
 * @p confs (kept by reference), copies from @p pool, on NUMA @p socket.
 * @return 0, -ENOMEM.
 */
int bench_impair_create(const struct bench_impair_conf *confs, uint64_t seed,
			uint16_t shard, struct rte_mempool *pool, int socket,
			struct bench_impair **out);

/**
 * Put @p im's NAPI instance on @p lc's poll list and its timer on the
 * lcore's wheel. @return 0, -ENOSPC.
 */
int bench_impair_attach(struct bench_impair *im, struct pn_lcore *lc);

/**
 * After the loop stopped: queue everything still held for TX (counted as
 * passed; the lcore's last flush sends it) and cancel the timer. NULL: none.
 */
void bench_impair_flush(struct bench_impair *im, struct pn_lcore *lc);

/** Free @p im (after bench_impair_flush). NULL: none. */
void bench_impair_free(struct bench_impair *im);

/** True if frames for @p port go through the impairment. */
static inline bool
bench_impair_on(const struct bench_impair *im, uint16_t port)
{
	return im != NULL && port < PN_MAX_PORTS && im->port[port].conf != NULL;
}

/** The TX middleware: impair @p m on its way to @p q of @p port. */
void bench_impair_tx(struct bench_impair *im, struct pn_lcore *lc,
		     uint16_t port, struct pn_txq *q, struct rte_mbuf *m);

/** Frames held for @p port (both FIFOs). */
static inline uint32_t
bench_impair_held(const struct bench_impair *im, uint16_t port)
{
	return im->port[port].reorder.len + im->port[port].delay.len;
}

/* Glue for pollnet-bench (impair.c; uses struct bench_worker only). */

/** Create and attach @p w's impairment if any port is impaired. @return 0 or -errno. */
int bench_impair_setup(struct bench_worker *w);

/** @p port's counters summed over every worker. */
void bench_impair_sum(const struct bench_ctx *ctx, uint16_t port,
		      struct bench_impair_stats *out);

#endif /* PN_BENCH_IMPAIR_H */
