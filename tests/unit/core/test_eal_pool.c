/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pn_eal_pktmbuf_pool_create: the shard pools hand out the mbufs freed
 * last (LIFO) also once more are in flight than the per-lcore cache
 * holds, as Linux hands out the page freed last from its per-CPU lists
 * (free_unref_page adds at the head, rmqueue_pcplist takes from it): a
 * 1 MB send buffer then cycles through ~1,000 mbufs, not the whole pool.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "eal.h"
#include "test_eal.h"

#define POOL_N   4095u
#define INFLIGHT 1200u   /* > the 256-mbuf cache and its 384 flush mark */
#define CACHE    256u

static void
test_stack_ops(void **state)
{
	struct rte_mempool *mp;

	(void)state;
	pn_test_eal_init();
	if (!pn_eal_mempool_ops_registered("stack"))
		skip();
	mp = pn_eal_pktmbuf_pool_create("t_pool_ops", 1023, SOCKET_ID_ANY);
	assert_non_null(mp);
	assert_string_equal(rte_mempool_get_ops(mp->ops_index)->name, "stack");
	assert_int_equal(mp->cache_size, CACHE);
	assert_int_equal(rte_pktmbuf_data_room_size(mp), RTE_MBUF_DEFAULT_BUF_SIZE);
	rte_mempool_free(mp);
}

static bool
in(struct rte_mbuf *const *set, unsigned int n, const struct rte_mbuf *m)
{
	for (unsigned int i = 0; i < n; i++)
		if (set[i] == m)
			return true;
	return false;
}

/* Allocate INFLIGHT, free them all (a cumulative ACK), allocate INFLIGHT
 * again: every mbuf of the second round but the ones the cache had pulled
 * and not handed out (at most its size) is one of the first round. A FIFO
 * ring would hand out the ~2,600 never-used ones first. */
static void
test_reuse_last_freed(void **state)
{
	static struct rte_mbuf *a[INFLIGHT], *b[INFLIGHT];
	struct rte_mempool *mp;
	unsigned int i, fresh = 0;

	(void)state;
	pn_test_eal_init();
	if (!pn_eal_mempool_ops_registered("stack"))
		skip();
	mp = pn_eal_pktmbuf_pool_create("t_pool_lifo", POOL_N, SOCKET_ID_ANY);
	assert_non_null(mp);
	for (i = 0; i < INFLIGHT; i++)
		assert_non_null(a[i] = rte_pktmbuf_alloc(mp));
	for (i = 0; i < INFLIGHT; i++)
		rte_pktmbuf_free(a[i]);
	for (i = 0; i < INFLIGHT; i++) {
		assert_non_null(b[i] = rte_pktmbuf_alloc(mp));
		fresh += !in(a, INFLIGHT, b[i]);
	}
	assert_true(fresh <= CACHE);
	for (i = 0; i < INFLIGHT; i++)
		rte_pktmbuf_free(b[i]);
	rte_mempool_free(mp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stack_ops),
		cmocka_unit_test(test_reuse_last_freed),
	};

	return cmocka_run_group_tests_name("core/eal_pool", tests, NULL, NULL);
}
