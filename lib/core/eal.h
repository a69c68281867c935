/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_CORE_EAL_H
#define PN_CORE_EAL_H

#include <stdbool.h>

/*
 * EAL leaves its runtime directory (/var/run/dpdk/<file-prefix>: config,
 * multi-process and telemetry sockets) behind even after
 * rte_eal_cleanup(). A process that stops should leave nothing: call this
 * once after rte_eal_init() succeeded, and the directory is removed at
 * exit(), whatever path the process leaves by.
 */
void pn_eal_remove_runtime_dir_at_exit(void);

struct rte_mempool;

/** @return true when a mempool driver @p name is registered (linked in). */
bool pn_eal_mempool_ops_registered(const char *name);

/*
 * A shard's packet mbuf pool: @p n mbufs of RTE_MBUF_DEFAULT_BUF_SIZE, a
 * 256-object per-lcore cache, on NUMA @p socket. Behind the cache the
 * free mbufs sit in DPDK's "stack" mempool driver (LIFO) rather than the
 * default ring (FIFO): once more mbufs are in flight than the cache holds
 * (a 1 MB send buffer: ~512 data + ~512 attached mbufs), a FIFO hands out
 * the mbuf freed longest ago, so a run cycles through the whole pool
 * (8191 mbufs, 19 MB) instead of the few hundred just freed, and misses
 * the caches and the TLB; see docs/benchmarks.md. An EAL
 * --mbuf-pool-ops-name choice wins; without the stack driver (a static
 * build without it) the default ops. Returns NULL with rte_errno set.
 */
struct rte_mempool *pn_eal_pktmbuf_pool_create(const char *name,
					       unsigned int n, int socket);

#endif /* PN_CORE_EAL_H */
