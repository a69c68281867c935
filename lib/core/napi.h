/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_CORE_NAPI_H
#define PN_CORE_NAPI_H

/*
 * A NAPI instance: something the lcore polls within a weight, and that can
 * arm an interrupt before the lcore sleeps (Linux's struct napi_struct).
 * One instance per RX queue, one backlog instance per lcore (fed by other
 * lcores through a ring), and bench generators.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_spinlock.h>

/** Largest burst any NAPI instance asks for (upper bound of weight). */
#define PN_RX_BURST_MAX 512

struct pn_lcore;
struct pn_napi;
struct rte_mbuf;

struct pn_napi_ops {
	/** Process up to @p weight packets; return how many (0..weight). */
	int (*poll)(struct pn_lcore *lc, struct pn_napi *n, int weight);
	/**
	 * Bind the instance's interrupt to the calling thread's epoll; called
	 * once on the owning lcore before its loop starts. NULL: none.
	 * @return 0 or a negative errno (the instance then cannot sleep).
	 */
	int (*irq_setup)(struct pn_lcore *lc, struct pn_napi *n);
	/** Undo irq_setup on the owning lcore when its loop ends. NULL: none. */
	void (*irq_teardown)(struct pn_lcore *lc, struct pn_napi *n);
	/**
	 * Arm the interrupt before the lcore sleeps. NULL: the instance never
	 * needs one (the backlog wakes its lcore through the wake eventfd).
	 * @return 0, or a negative errno when it cannot be armed: the lcore
	 * then only naps (a short timed sleep) instead of sleeping.
	 */
	int (*irq_enable)(struct pn_lcore *lc, struct pn_napi *n);
	/** Disarm after waking. NULL if irq_enable is NULL. */
	void (*irq_disable)(struct pn_lcore *lc, struct pn_napi *n);
};

struct pn_napi {
	const struct pn_napi_ops *ops;
	void *ctx;             /**< owner data (fake queue, ring, engine) */
	uint16_t weight;       /**< most packets per poll */
	uint16_t port;         /**< RX queue instances: ethdev port */
	uint16_t queue;        /**< RX queue instances: queue id */
	bool irq_ok;           /**< irq_setup succeeded (or not needed) */
	bool split;            /**< a poll's packets may be split over two
				*   rounds (napi.split; device RX queues) */
	char name[32];
	/* counters, owner lcore only */
	uint64_t polls;        /**< calls to poll */
	uint64_t packets;      /**< packets returned by poll */
	uint64_t full_polls;   /**< polls that used the whole weight */
	/* What a split poll left for the next round, in arrival order
	 * (owner lcore only; at most half a poll, so at most weight / 2). */
	uint16_t stash_len;
	struct rte_mbuf *stash[PN_RX_BURST_MAX / 2];
};

/**
 * Initialise an instance polling ethdev @p port / @p queue with
 * rte_eth_rx_burst and arming its RX interrupt before sleep. Received
 * packets go through pn_lcore_rx() (steering, then the RX handler); a
 * burst may be split over two rounds (napi.split).
 */
void pn_napi_rxq_init(struct pn_napi *n, uint16_t port, uint16_t queue,
		      uint16_t weight);

struct pn_lcore;

/**
 * Give lcore @p lc (shard i of @p nshards) its queues of @p port on a
 * device with @p nqueues queue pairs (1..nshards): RX queue i, polled by
 * @p rxq with @p weight, when the device has it (the other shards get
 * their packets by steering); TX queue i % nqueues, sent on under
 * @p locks[i % nqueues] when shards share it (its first user initialises
 * the lock; @p locks has nqueues entries).
 * @return 0, -ENOSPC (no room for the instance or the queue).
 */
int pn_napi_attach_queues(struct pn_lcore *lc, struct pn_napi *rxq,
			  uint16_t port, uint16_t nqueues, uint16_t nshards,
			  uint16_t weight, rte_spinlock_t *locks);

#endif /* PN_CORE_NAPI_H */
