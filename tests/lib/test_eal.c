/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

#include "test_eal.h"

static int eal_up;
static struct rte_mempool *pool;

void
pn_test_eal_init(void)
{
	char *argv[] = {
		"pn-test", "--no-huge", "-m", "256", "--no-pci", "--no-shconf",
		"--no-telemetry", "-l", "0", "--log-level", "*:warning", NULL,
	};
	int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;

	if (eal_up)
		return;
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "pn-test: rte_eal_init failed: %s\n",
			rte_strerror(rte_errno));
		abort();
	}
	eal_up = 1;
}

struct rte_mempool *
pn_test_pool(void)
{
	pn_test_eal_init();
	if (pool == NULL) {
		pool = rte_pktmbuf_pool_create("pn_test_pool", 8191, 256, 0,
					       RTE_MBUF_DEFAULT_BUF_SIZE,
					       SOCKET_ID_ANY);
		if (pool == NULL) {
			fprintf(stderr, "pn-test: mempool: %s\n",
				rte_strerror(rte_errno));
			abort();
		}
	}
	return pool;
}

struct rte_mbuf *
pn_test_mbuf(const void *data, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pn_test_pool());
	char *p;

	if (m == NULL)
		abort();
	p = rte_pktmbuf_append(m, len);
	if (p == NULL)
		abort();
	if (len)
		memcpy(p, data, len);
	return m;
}
