/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_BENCH_JW_H
#define PN_BENCH_JW_H

/* A minimal streaming JSON writer for the summaries (--json). */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Tracks whether a comma is due per level. */
struct jw {
	FILE *f;
	int depth;
	bool more[16];
};

/** A key (NULL inside arrays), after a comma and an indent when due. */
void jw_key(struct jw *j, const char *key);
/** Open an object ('{') or array ('['). */
void jw_open(struct jw *j, const char *key, char c);
/** Close what jw_open opened with @p c ('}' or ']'). */
void jw_close(struct jw *j, char c);
void jw_u64(struct jw *j, const char *key, uint64_t v);
/** A number with 3 decimals. */
void jw_dbl(struct jw *j, const char *key, double v);
/** A string, escaped. */
void jw_str(struct jw *j, const char *key, const char *s);

#endif /* PN_BENCH_JW_H */
