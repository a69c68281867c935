/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_BENCH_HIST_H
#define PN_BENCH_HIST_H

/*
 * A log-linear latency histogram (HdrHistogram's layout): values below
 * 2^SUB_BITS have a bucket each; above, every power of two is split into
 * 2^SUB_BITS equal buckets, so a bucket is at most 1/32 (3.1%) wide
 * relative to its value. Fixed size (TB_HIST_BUCKETS counters) whatever
 * the values: bounded memory, O(1) record, mergeable.
 */

#include <stdint.h>

#define TB_HIST_SUB_BITS 5
#define TB_HIST_SUB      (1u << TB_HIST_SUB_BITS)
#define TB_HIST_BUCKETS  ((64 - TB_HIST_SUB_BITS + 1) * TB_HIST_SUB)

struct tb_hist {
	uint64_t count;
	uint64_t sum;
	uint64_t min;
	uint64_t max;
	uint64_t b[TB_HIST_BUCKETS];
};

/** Empty the histogram. */
void tb_hist_reset(struct tb_hist *h);

/** Bucket index of @p v. */
unsigned int tb_hist_bucket(uint64_t v);

/** The largest value bucket @p i holds. */
uint64_t tb_hist_bucket_high(unsigned int i);

/** Count one value. */
static inline void
tb_hist_record(struct tb_hist *h, uint64_t v)
{
	h->b[tb_hist_bucket(v)]++;
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/** Add @p src to @p dst. */
void tb_hist_merge(struct tb_hist *dst, const struct tb_hist *src);

/**
 * The value at percentile @p p (0..100): the upper bound of the bucket
 * holding it, capped at the maximum seen; 0 for an empty histogram.
 */
uint64_t tb_hist_percentile(const struct tb_hist *h, double p);

#endif /* PN_BENCH_HIST_H */
