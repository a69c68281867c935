/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "lcore.h"
#include "msg.h"
#include "msg_priv.h"

int
pn_msg_register(struct pn_lcore *lc, uint16_t type, pn_msg_fn fn, void *arg)
{
	if (type == PN_MSG_NONE || type >= PN_MSG__MAX)
		return -EINVAL;
	lc->msg_handler[type].fn = fn;
	lc->msg_handler[type].arg = arg;
	return 0;
}

int
pn_msg_send(struct pn_lcore *from, uint16_t to, uint16_t type,
	    const void *data, uint32_t len)
{
	struct pn_shards *sh = from->shards;
	struct pn_lcore *dst;
	struct pn_msg m;

	if (to >= sh->n || (dst = sh->lc[to]) == NULL ||
	    type == PN_MSG_NONE || type >= PN_MSG__MAX ||
	    len > PN_MSG_DATA_MAX)
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	m.type = type;
	m.from = from->shard;
	m.len = len;
	if (len)
		memcpy(m.data, data, len);
	if (rte_ring_mp_enqueue_elem(dst->msg_ring, &m, sizeof(m)) != 0) {
		from->stat.msg_dropped++;
		return -ENOBUFS;
	}
	from->stat.msg_out++;
	pn_lcore_kick(dst);
	return 0;
}

int
pn_msg_broadcast(struct pn_lcore *from, uint16_t type, const void *data,
		 uint32_t len)
{
	uint16_t i;
	int n = 0;

	for (i = 0; i < from->shards->n; i++)
		if (i != from->shard && from->shards->lc[i] != NULL &&
		    pn_msg_send(from, i, type, data, len) == 0)
			n++;
	return n;
}

static int
msg_poll(struct pn_lcore *lc, struct pn_napi *n, int weight)
{
	struct pn_msg m[32];
	unsigned int got, i;

	if (rte_ring_empty(lc->msg_ring))
		return 0;	/* most rounds: skip the dequeue's set-up */
	got = rte_ring_sc_dequeue_burst_elem(lc->msg_ring, m, sizeof(m[0]),
					     (unsigned int)RTE_MIN(weight, 32),
					     NULL);
	RTE_SET_USED(n);
	for (i = 0; i < got; i++) {
		uint16_t t = m[i].type;

		lc->stat.msg_in++;
		if (t < PN_MSG__MAX && lc->msg_handler[t].fn != NULL)
			lc->msg_handler[t].fn(lc, &m[i],
					      lc->msg_handler[t].arg);
	}
	return (int)got;
}

static const struct pn_napi_ops msg_ops = {
	.poll = msg_poll,
	/* Woken through the wake eventfd by the sender. */
};

void
pn_msg_napi_init(struct pn_napi *n)
{
	memset(n, 0, sizeof(*n));
	n->ops = &msg_ops;
	n->weight = 32;
	n->irq_ok = true;
	snprintf(n->name, sizeof(n->name), "msg");
}
