/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_TEST_EAL_H
#define PN_TEST_EAL_H

/*
 * Shared by unit tests that need mbufs: bring EAL up once without
 * hugepages, PCI or shared files, and hand out a small mempool.
 */

#include <stdint.h>

struct rte_mempool;
struct rte_mbuf;

/** rte_eal_init with --no-huge --no-pci --no-shconf on one lcore; aborts on failure. */
void pn_test_eal_init(void);

/** A pool of 8191 mbufs (created on first call). */
struct rte_mempool *pn_test_pool(void);

/** An mbuf holding a copy of @p len bytes of @p data. */
struct rte_mbuf *pn_test_mbuf(const void *data, uint16_t len);

#endif /* PN_TEST_EAL_H */
