/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The connection table: chains through the TCB (tcp_priv.h struct
 * tcp_table). Replaces an rte_hash whose add and delete cost ~350 and
 * ~200 instructions per connection (bucket search, key copy, free-slot
 * ring): here both are a few pointer stores.
 */
#include <stdlib.h>

#include <rte_common.h>

#include "tcp_priv.h"

int
tcp_table_init(struct tcp_table *t, uint32_t cap, uint32_t seed)
{
	/* At most one entry per chain on average (as Linux sizes its
	 * established hash to the memory it expects sockets to use). */
	uint32_t nb = rte_align32pow2(cap);

	if (cap == 0 || nb == 0)
		return -EINVAL;
	t->b = calloc(nb, sizeof(*t->b));
	if (t->b == NULL)
		return -ENOMEM;
	t->mask = nb - 1;
	t->n = 0;
	t->cap = cap;
	t->seed = seed;
	return 0;
}

void
tcp_table_fini(struct tcp_table *t)
{
	free(t->b);
	t->b = NULL;
}

int
tcp_table_add(struct tcp_table *t, struct pn_tcp_conn *c, uint32_t h)
{
	struct pn_tcp_conn **head = &t->b[h & t->mask];

	if (t->n >= t->cap)
		return -ENOSPC;
	/* Linux __sk_nulls_add_node_rcu: in front */
	c->hnext = *head;
	if (c->hnext != NULL)
		c->hnext->hpprev = &c->hnext;
	c->hpprev = head;
	*head = c;
	t->n++;
	return 0;
}

void
tcp_table_del(struct tcp_table *t, struct pn_tcp_conn *c)
{
	*c->hpprev = c->hnext;
	if (c->hnext != NULL)
		c->hnext->hpprev = c->hpprev;
	c->hnext = NULL;
	c->hpprev = NULL;
	t->n--;
}
