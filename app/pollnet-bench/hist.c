/* SPDX-License-Identifier: BSD-3-Clause */
/* The log-linear latency histogram (see hist.h). */
#include <string.h>

#include "hist.h"

void
tb_hist_reset(struct tb_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

unsigned int
tb_hist_bucket(uint64_t v)
{
	unsigned int shift;

	if (v < TB_HIST_SUB)
		return (unsigned int)v;
	/* v >> shift is in [SUB, 2 SUB): its offset picks the sub-bucket */
	shift = (unsigned int)(63 - __builtin_clzll(v)) - TB_HIST_SUB_BITS;
	return (shift + 1) * TB_HIST_SUB + (unsigned int)(v >> shift) - TB_HIST_SUB;
}

uint64_t
tb_hist_bucket_high(unsigned int i)
{
	unsigned int shift;
	uint64_t mant;

	if (i < TB_HIST_SUB)
		return i;
	shift = i / TB_HIST_SUB - 1;
	mant = i % TB_HIST_SUB + TB_HIST_SUB;
	if (shift + TB_HIST_SUB_BITS + 1 >= 64 && mant == 2 * TB_HIST_SUB - 1)
		return UINT64_MAX;
	return ((mant + 1) << shift) - 1;
}

void
tb_hist_merge(struct tb_hist *dst, const struct tb_hist *src)
{
	for (unsigned int i = 0; i < TB_HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t
tb_hist_percentile(const struct tb_hist *h, double p)
{
	uint64_t rank, seen = 0;

	if (h->count == 0)
		return 0;
	/* the smallest value with at least p% of the values at or below it */
	rank = (uint64_t)(p / 100.0 * (double)h->count + 0.5);
	if (rank == 0)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	for (unsigned int i = 0; i < TB_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank) {
			uint64_t hi = tb_hist_bucket_high(i);

			return hi > h->max ? h->max : hi < h->min ? h->min : hi;
		}
	}
	return h->max;
}
