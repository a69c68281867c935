/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NAPI instance of one ethdev RX queue: the driver poll() of Linux,
 * with the RX interrupt bound to the owning lcore's epoll.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_interrupts.h>

#include "lcore.h"
#include "napi.h"

static int
rxq_poll(struct pn_lcore *lc, struct pn_napi *n, int weight)
{
	struct rte_mbuf *pkts[PN_RX_BURST_MAX];
	uint16_t nb;

	nb = rte_eth_rx_burst(n->port, n->queue, pkts,
			      (uint16_t)RTE_MIN(weight, PN_RX_BURST_MAX));
	if (nb > 0)
		pn_lcore_rx(lc, pkts, nb);
	return nb;
}

static int
rxq_irq_setup(struct pn_lcore *lc, struct pn_napi *n)
{
	RTE_SET_USED(lc);
	/* The queue's eventfd joins the calling (owner) thread's epoll. */
	return rte_eth_dev_rx_intr_ctl_q(n->port, n->queue,
					 RTE_EPOLL_PER_THREAD,
					 RTE_INTR_EVENT_ADD, NULL);
}

static void
rxq_irq_teardown(struct pn_lcore *lc, struct pn_napi *n)
{
	RTE_SET_USED(lc);
	rte_eth_dev_rx_intr_ctl_q(n->port, n->queue, RTE_EPOLL_PER_THREAD,
				  RTE_INTR_EVENT_DEL, NULL);
}

static int
rxq_irq_enable(struct pn_lcore *lc, struct pn_napi *n)
{
	RTE_SET_USED(lc);
	return rte_eth_dev_rx_intr_enable(n->port, n->queue);
}

static void
rxq_irq_disable(struct pn_lcore *lc, struct pn_napi *n)
{
	RTE_SET_USED(lc);
	rte_eth_dev_rx_intr_disable(n->port, n->queue);
}

static const struct pn_napi_ops rxq_ops = {
	.poll = rxq_poll,
	.irq_setup = rxq_irq_setup,
	.irq_teardown = rxq_irq_teardown,
	.irq_enable = rxq_irq_enable,
	.irq_disable = rxq_irq_disable,
};

void
pn_napi_rxq_init(struct pn_napi *n, uint16_t port, uint16_t queue,
		 uint16_t weight)
{
	memset(n, 0, sizeof(*n));
	n->ops = &rxq_ops;
	n->port = port;
	n->queue = queue;
	n->weight = weight;
	n->split = true;
	snprintf(n->name, sizeof(n->name), "rx-p%u-q%u", port, queue);
}

int
pn_napi_attach_queues(struct pn_lcore *lc, struct pn_napi *rxq,
		      uint16_t port, uint16_t nqueues, uint16_t nshards,
		      uint16_t weight, rte_spinlock_t *locks)
{
	uint16_t i = lc->shard, q = (uint16_t)(i % nqueues);

	if (i < nqueues) {
		pn_napi_rxq_init(rxq, port, q, weight);
		if (pn_lcore_add_napi(lc, rxq) < 0)
			return -ENOSPC;
	}
	if (pn_lcore_add_txq(lc, port, q) < 0)
		return -ENOSPC;
	if (nqueues >= nshards)
		return 0;
	if (i == q)	/* its first user */
		rte_spinlock_init(&locks[q]);
	return pn_lcore_share_txq(lc, port, q, &locks[q]);
}
