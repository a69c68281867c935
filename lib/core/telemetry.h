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
 * Counters are read without locks while the owners write them: each value
 * is a naturally aligned 64-bit word, so a read is never torn, only
 * possibly a round old.
 */

struct pn_shards;

/**
 * Register the commands for @p shards (once per process; a second call
 * switches the commands to the new set).
 * @return 0 or a negative errno from rte_telemetry.
 */
int pn_telemetry_register(struct pn_shards *shards);

#endif /* PN_CORE_TELEMETRY_H */
