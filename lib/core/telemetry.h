/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_CORE_TELEMETRY_H
#define PN_CORE_TELEMETRY_H

/*
 * The lcores' counters through rte_telemetry, readable with
 * dpdk-telemetry.py:
 *   /pollnet/lcores          shards and the DPDK lcores running them
 *   /pollnet/softnet[,N]     per-shard loop counters (like softnet_stat)
 *   /pollnet/napi,N          per-instance counters of shard N
 *   /pollnet/drops           drops by reason, summed over shards
 *   /pollnet/cycles[,N]      cycles per loop phase, per packet, per KB
 * Counters are read without locks while the owners write them: each value
 * is a naturally aligned 64-bit word, so a read is never torn, only
 * possibly a round old.
 */

#include <stddef.h>

struct pn_shards;

/**
 * Parse a command's shard parameter ("3").
 * @return the shard (0..PN_MAX_SHARDS-1; the caller checks it exists),
 * -1 when there is no parameter, -2 when it is not a shard number.
 */
int pn_telemetry_shard_param(const char *params);

/**
 * Copy @p src into @p dst as an rte_telemetry dict key: it accepts only
 * [A-Za-z0-9_/], so every other character becomes '_'.
 */
void pn_telemetry_key(char *dst, size_t len, const char *src);

/**
 * Register the commands for @p shards (once per process; a second call
 * switches the commands to the new set).
 * @return 0 or a negative errno from rte_telemetry.
 */
int pn_telemetry_register(struct pn_shards *shards);

#endif /* PN_CORE_TELEMETRY_H */
