/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_FUZZ_UTIL_H
#define PN_FUZZ_UTIL_H

/*
 * What the fuzz targets on a lcore (fuzz_net.c, fuzz_tcp.c) share: the
 * clock codes of their records, frames as mbuf chains, the destination
 * at the end of a source route, and the rte_malloc heap in use.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** Abort, naming the invariant @p x that failed, after the statement
 * @p dump (a target's state, or nothing: (void)0). */
#define FZ_CHECK(x, dump) do {						\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
			__FILE__, __LINE__, #x);			\
		dump;							\
		abort();						\
	}								\
} while (0)

struct rte_mbuf;
struct rte_mempool;
struct pn_ipv4_hdr;

/** A record's clock code: (code & 31) + 1 units of 1 us * 10^(code >> 5),
 * 1 us .. 320 s. */
uint64_t fz_clock_ns(uint8_t code);

/**
 * @p len bytes at @p p as an mbuf chain from @p pool, the first segment
 * @p first bytes long (0: as long as fits), the others full.
 * @return the chain, NULL when the pool ran out (nothing held).
 */
struct rte_mbuf *fz_mbuf_chain(struct rte_mempool *pool, const uint8_t *p,
			       uint32_t len, uint32_t first);

/**
 * Where a datagram we send is going: the last slot of its source route
 * (Linux ip_options_build: the header's destination is the first hop),
 * else the header's destination, into *@p dst.
 * @return false when the options are malformed.
 */
bool fz_final_dst(const struct pn_ipv4_hdr *ip, uint32_t *dst);

/** rte_malloc allocations in use, over every socket. */
void fz_heap_usage(uint64_t *count, uint64_t *bytes);

#endif /* PN_FUZZ_UTIL_H */
