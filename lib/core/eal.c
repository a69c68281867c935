/* SPDX-License-Identifier: BSD-3-Clause */
#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_mbuf_pool_ops.h>
#include <rte_mempool.h>

#include "eal.h"

static char runtime_dir[PATH_MAX];

/* The directory is flat: remove its files, then it. */
static void
runtime_dir_remove(void)
{
	struct dirent *e;
	DIR *dir;

	if (runtime_dir[0] == '\0' || (dir = opendir(runtime_dir)) == NULL)
		return;
	while ((e = readdir(dir)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(dir), e->d_name, 0);
	closedir(dir);
	rmdir(runtime_dir);
}

void
pn_eal_remove_runtime_dir_at_exit(void)
{
	if (runtime_dir[0] != '\0')
		return;
	snprintf(runtime_dir, sizeof(runtime_dir), "%s",
		 rte_eal_get_runtime_dir());
	atexit(runtime_dir_remove);
}

#define EAL_POOL_OPS   "stack"
#define EAL_POOL_CACHE 256

bool
pn_eal_mempool_ops_registered(const char *name)
{
	for (uint32_t i = 0; i < rte_mempool_ops_table.num_ops; i++)
		if (strcmp(rte_mempool_ops_table.ops[i].name, name) == 0)
			return true;
	return false;
}

struct rte_mempool *
pn_eal_pktmbuf_pool_create(const char *name, unsigned int n, int socket)
{
	const char *ops = rte_mbuf_user_mempool_ops();

	if (ops == NULL && pn_eal_mempool_ops_registered(EAL_POOL_OPS))
		ops = EAL_POOL_OPS;
	if (ops == NULL)
		return rte_pktmbuf_pool_create(name, n, EAL_POOL_CACHE, 0,
					       RTE_MBUF_DEFAULT_BUF_SIZE,
					       socket);
	return rte_pktmbuf_pool_create_by_ops(name, n, EAL_POOL_CACHE, 0,
					      RTE_MBUF_DEFAULT_BUF_SIZE,
					      socket, ops);
}
