/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NAPI loop on fake queues and a manual clock: weight, budget, time
 * limit, squeeze, round-robin fairness, TX buffering, the busy-poll window
 * -> interrupts -> sleep -> wake-up transitions, and steering to backlogs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "lcore.h"
#include "test_eal.h"

/* --- fakes --- */

struct fake_q {
	unsigned int avail;       /* packets waiting */
	uint64_t cost_ns;         /* clock advance per poll */
	bool mbufs;               /* deliver real mbufs through pn_lcore_rx */
	int enable_rc;            /* irq_enable result */
	unsigned int arrive_on_enable; /* packets that race with arming */
	unsigned int enables, disables;
	bool armed;
	uint8_t next;             /* first byte of the next packet (mbufs) */
};

struct fake_world {
	struct pn_clock clock;
	struct pn_shards shards;
	struct pn_lcore lc[2];
	struct pn_napi napi[4];
	struct fake_q q[4];
	/* fake device */
	unsigned int tx_calls, tx_accept_max, tx_total;
	uint8_t tx_log[256];        /* first byte of each packet taken */
	unsigned int tx_nlog;
	rte_spinlock_t *tx_lock;    /* a shared queue's lock, or NULL */
	unsigned int tx_locked;     /* bursts made holding tx_lock */
	/* fake wait */
	unsigned int waits;
	uint64_t last_timeout;
	int wait_rc;
	uint64_t wait_advance;      /* clock advance during wait (0: timeout) */
	/* rx handler */
	unsigned int delivered[2];
	bool forward;               /* handler sends every packet to port 0 */
};

static struct fake_world *W;

static int
fake_poll(struct pn_lcore *lc, struct pn_napi *n, int weight)
{
	struct fake_q *q = n->ctx;
	unsigned int k = RTE_MIN(q->avail, (unsigned int)weight), i;

	q->avail -= k;
	pn_clock_advance(lc->clock, q->cost_ns);
	if (q->mbufs && k > 0) {
		struct rte_mbuf *pkts[PN_RX_BURST_MAX];
		uint8_t b[64] = { 0 };

		for (i = 0; i < k; i++) {
			b[0] = q->next++;
			pkts[i] = pn_test_mbuf(b, sizeof(b));
		}
		pn_lcore_rx(lc, pkts, (uint16_t)k);
	}
	return (int)k;
}

static int
fake_irq_enable(struct pn_lcore *lc, struct pn_napi *n)
{
	struct fake_q *q = n->ctx;

	RTE_SET_USED(lc);
	q->enables++;
	if (q->enable_rc < 0)
		return q->enable_rc;
	q->armed = true;
	q->avail += q->arrive_on_enable;
	q->arrive_on_enable = 0;
	return 0;
}

static void
fake_irq_disable(struct pn_lcore *lc, struct pn_napi *n)
{
	struct fake_q *q = n->ctx;

	RTE_SET_USED(lc);
	q->disables++;
	q->armed = false;
}

static const struct pn_napi_ops fake_ops = {
	.poll = fake_poll,
	.irq_enable = fake_irq_enable,
	.irq_disable = fake_irq_disable,
};

static uint16_t
fake_tx_burst(struct pn_lcore *lc, uint16_t port, uint16_t queue,
	      struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t k = (uint16_t)RTE_MIN(n, W->tx_accept_max);

	RTE_SET_USED(lc);
	RTE_SET_USED(port);
	RTE_SET_USED(queue);
	W->tx_calls++;
	W->tx_total += k;
	for (uint16_t i = 0; i < k && W->tx_nlog < RTE_DIM(W->tx_log); i++)
		W->tx_log[W->tx_nlog++] = rte_pktmbuf_mtod(pkts[i], uint8_t *)[0];
	if (W->tx_lock != NULL && rte_spinlock_is_locked(W->tx_lock))
		W->tx_locked++;
	rte_pktmbuf_free_bulk(pkts, k);
	return k;
}

static int
fake_wait(struct pn_lcore *lc, uint64_t timeout_ns)
{
	W->waits++;
	W->last_timeout = timeout_ns;
	if (W->wait_rc > 0)
		pn_clock_advance(lc->clock, W->wait_advance);
	else if (timeout_ns != UINT64_MAX)
		pn_clock_advance(lc->clock, timeout_ns);
	return W->wait_rc;
}

static void
handler(struct pn_lcore *lc, struct rte_mbuf **pkts, uint16_t n, void *arg)
{
	uint16_t i;

	RTE_SET_USED(arg);
	W->delivered[lc->shard] += n;
	for (i = 0; i < n; i++) {
		if (W->forward)
			pn_tx(lc, 0, pkts[i]);
		else
			rte_pktmbuf_free(pkts[i]);
	}
}

static void
world_init(uint32_t weight, uint32_t budget, unsigned int nq)
{
	struct pn_napi_conf conf;
	unsigned int i, s;

	pn_napi_conf_default(&conf);
	conf.weight = weight;
	conf.budget = budget;
	memset(W, 0, sizeof(*W));
	W->tx_accept_max = UINT32_MAX;
	pn_clock_init_manual(&W->clock, 1000 * PN_NS_PER_MS);
	for (s = 0; s < 2; s++) {
		assert_int_equal(pn_lcore_init(&W->lc[s], &W->shards,
					       (uint16_t)s, &conf, &W->clock,
					       SOCKET_ID_ANY), 0);
		W->lc[s].ops.tx_burst = fake_tx_burst;
		W->lc[s].ops.wait = fake_wait;
		pn_lcore_set_rx_handler(&W->lc[s], handler, NULL);
		assert_int_equal(pn_lcore_add_txq(&W->lc[s], 0, (uint16_t)s), 0);
	}
	for (i = 0; i < nq; i++) {
		W->napi[i].ops = &fake_ops;
		W->napi[i].ctx = &W->q[i];
		W->napi[i].weight = (uint16_t)weight;
		snprintf(W->napi[i].name, sizeof(W->napi[i].name), "fake%u", i);
		assert_int_equal(pn_lcore_add_napi(&W->lc[0], &W->napi[i]), 0);
	}
}

/* The busy-poll window of @p lc: @p us, adaptive up to @p max_us. */
static void
busy_poll(struct pn_lcore *lc, uint32_t us, uint32_t max_us)
{
	lc->conf.busy_poll_us = us;
	lc->conf.busy_poll_max_us = max_us;
	lc->busy_poll_ns = (uint64_t)us * PN_NS_PER_US;
	lc->busy_poll_until = UINT64_MAX;
}

static int
setup(void **state)
{
	RTE_SET_USED(state);
	pn_test_eal_init();
	W = calloc(1, sizeof(*W));
	return W == NULL;
}

static int
teardown(void **state)
{
	RTE_SET_USED(state);
	pn_lcore_fini(&W->lc[0]);
	pn_lcore_fini(&W->lc[1]);
	return 0;
}

static int
group_teardown(void **state)
{
	RTE_SET_USED(state);
	free(W);
	W = NULL;
	return 0;
}

/* --- weight, budget, time limit, fairness --- */

static void
test_weight_then_budget_squeeze(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(64, 300, 1);
	W->q[0].avail = 1000;
	/* 64 x 5 = 320: the 5th poll takes the budget below zero. */
	assert_int_equal(pn_lcore_round(lc), 320);
	assert_int_equal(W->napi[0].polls, 5);
	assert_int_equal(W->napi[0].full_polls, 5);
	assert_int_equal(lc->stat.time_squeeze, 1);
	assert_int_equal(lc->stat.budget_squeeze, 1);
}

static void
test_round_ends_when_queues_drain(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(64, 300, 2);
	W->q[0].avail = 100;
	W->q[1].avail = 10;
	assert_int_equal(pn_lcore_round(lc), 110);
	assert_int_equal(W->napi[0].polls, 2); /* 64, then 36 < weight */
	assert_int_equal(W->napi[1].polls, 1);
	assert_int_equal(lc->stat.time_squeeze, 0);
	assert_int_equal(lc->stat.processed, 110);
}

static void
test_weight_caps_each_poll(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(8, 300, 1);
	W->q[0].avail = 20;
	assert_int_equal(pn_lcore_round(lc), 20);
	assert_int_equal(W->napi[0].polls, 3); /* 8, 8, 4 */
	assert_int_equal(W->napi[0].full_polls, 2);
}

static void
test_time_limit_squeeze(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(64, 65536, 1);
	lc->conf.time_limit_us = 2000;
	W->q[0].avail = 100000;
	W->q[0].cost_ns = PN_NS_PER_MS;
	assert_int_equal(pn_lcore_round(lc), 128); /* 2 polls of 1 ms each */
	assert_int_equal(lc->stat.time_squeeze, 1);
	assert_int_equal(lc->stat.budget_squeeze, 0);
}

static void
test_round_robin_fairness(void **state)
{
	struct pn_lcore *lc = &W->lc[0];
	int r;

	RTE_SET_USED(state);
	world_init(64, 100, 3);
	W->q[0].avail = W->q[1].avail = W->q[2].avail = 1000000;
	/* Budget 100 lets two full polls in a round: the third waits. */
	for (r = 0; r < 30; r++)
		pn_lcore_round(lc);
	assert_int_equal(W->napi[0].polls, 20);
	assert_int_equal(W->napi[1].polls, 20);
	assert_int_equal(W->napi[2].polls, 20);
	assert_int_equal(lc->stat.time_squeeze, 30);
}

static void
test_full_instance_goes_to_tail(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(64, 1000, 2);
	W->q[0].avail = 128 + 10; /* full, full, then done */
	W->q[1].avail = 64 + 5;   /* full, then done */
	assert_int_equal(pn_lcore_round(lc), 207);
	assert_int_equal(W->napi[0].polls, 3);
	assert_int_equal(W->napi[1].polls, 2);
	assert_int_equal(lc->stat.time_squeeze, 0);
}

/* More polls in a round than there are poll-list slots (the list is a
 * ring of PN_LCORE_MAX_NAPI): full instances keep taking turns. */
static void
test_many_full_polls_in_one_round(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(8, 1000, 2);
	W->q[0].avail = 100; /* 12 full polls of 8, then 4 */
	W->q[1].avail = 60;  /* 7 full, then 4 */
	assert_int_equal(pn_lcore_round(lc), 160);
	assert_int_equal(W->napi[0].polls, 13);
	assert_int_equal(W->napi[0].full_polls, 12);
	assert_int_equal(W->napi[1].polls, 8);
	assert_int_equal(W->napi[1].full_polls, 7);
	assert_int_equal(lc->stat.time_squeeze, 0);
}

/* --- TX --- */

static void
test_tx_flushed_once_per_round(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(32, 300, 1);
	W->forward = true;
	W->q[0].mbufs = true;
	W->q[0].avail = 20;
	pn_lcore_round(lc);
	assert_int_equal(W->tx_calls, 1);
	assert_int_equal(W->tx_total, 20);
	assert_int_equal(lc->stat.tx_packets, 20);
	assert_int_equal(lc->txq[0].packets, 20);
}

static void
test_tx_flushed_when_buffer_full(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(64, 300, 1);
	W->forward = true;
	W->q[0].mbufs = true;
	W->q[0].avail = 150; /* 64 + 64 full flushes, 22 at round end */
	pn_lcore_round(lc);
	assert_int_equal(W->tx_calls, 3);
	assert_int_equal(W->tx_total, 150);
}

static void
test_tx_full_drops_counted(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(32, 300, 1);
	W->forward = true;
	W->tx_accept_max = 5;
	lc->conf.tx_retries = 1;
	lc->conf.tx_queue_len = 0; /* nothing held: refused is dropped */
	W->q[0].mbufs = true;
	W->q[0].avail = 20;
	pn_lcore_round(lc);
	assert_int_equal(W->tx_calls, 2);      /* one try, one retry */
	assert_int_equal(W->tx_total, 10);
	assert_int_equal(lc->stat.drop[PN_DROP_TX_FULL], 10);
	assert_int_equal(lc->txq[0].dropped, 10);
	assert_int_equal(lc->stat.drops, 10);
}

/* pn_txq_push_bulk: buffered as pn_txq_push would, flushed each time the
 * buffer fills; the device's refusals are TX_FULL drops as in a flush. */
static void
test_tx_push_bulk(void **state)
{
	static const uint8_t zero[64];
	struct pn_lcore *lc = &W->lc[0];
	struct rte_mbuf *pkts[100];
	struct pn_txq *q;
	unsigned int i;

	RTE_SET_USED(state);
	world_init(32, 300, 1);
	q = &lc->txq[0];
	for (i = 0; i < RTE_DIM(pkts); i++)
		pkts[i] = pn_test_mbuf(zero, sizeof(zero));
	pn_txq_push_bulk(lc, q, pkts, 32);
	pn_txq_push_bulk(lc, q, pkts + 32, 10);
	assert_int_equal(W->tx_calls, 0);
	assert_int_equal(q->len, 42);
	pn_txq_push_bulk(lc, q, pkts + 42, 58);	/* fills at 64, 36 left */
	assert_int_equal(W->tx_calls, 1);
	assert_int_equal(W->tx_total, 64);
	assert_int_equal(q->len, 36);
	W->tx_accept_max = 30;	/* the device takes 30: 6 dropped */
	lc->conf.tx_retries = 0;
	lc->conf.tx_queue_len = 0;
	pn_txq_flush(lc, q);
	assert_int_equal(lc->stat.drop[PN_DROP_TX_FULL], 6);
	assert_int_equal(q->dropped, 6);
	assert_int_equal(q->packets, 94);
	assert_int_equal(lc->stat.tx_packets, 94);
	assert_int_equal(q->len, 0);
}

/* @p n packets whose first byte is @p first, first + 1, ... */
static void
tx_pkts(struct rte_mbuf **pkts, unsigned int n, uint8_t first)
{
	uint8_t b[64] = { 0 };
	unsigned int i;

	for (i = 0; i < n; i++) {
		b[0] = (uint8_t)(first + i);
		pkts[i] = pn_test_mbuf(b, sizeof(b));
	}
}

/* The device took exactly @p n packets, first bytes 0, 1, ... n - 1. */
static void
assert_tx_in_order(unsigned int n)
{
	unsigned int i;

	assert_int_equal(W->tx_nlog, n);
	for (i = 0; i < n; i++)
		assert_int_equal(W->tx_log[i], i);
}

/* Rounds until the held packets are tried again (the backoff: at most
 * 8 rounds). */
static void
tx_next_try(struct pn_lcore *lc)
{
	unsigned int calls = W->tx_calls, i;

	for (i = 0; i < 8 && W->tx_calls == calls; i++)
		pn_lcore_round(lc);
	assert_true(W->tx_calls > calls);
}

/* A full device queue: what it refuses is held, not dropped (Linux: the
 * qdisc keeps packets while the driver has stopped its queue,
 * dev_requeue_skb), and goes out before anything newer, in order. */
static void
test_tx_full_held_then_sent_first(void **state)
{
	struct pn_lcore *lc = &W->lc[0];
	struct pn_txq *q;
	struct rte_mbuf *pkts[13];

	RTE_SET_USED(state);
	world_init(32, 300, 1);
	q = &lc->txq[0];
	assert_int_equal(lc->conf.tx_queue_len, 4096);
	tx_pkts(pkts, 13, 0);
	W->tx_accept_max = 4;
	pn_txq_push_bulk(lc, q, pkts, 10);
	pn_tx_flush(lc);
	assert_int_equal(W->tx_total, 4);
	assert_int_equal(q->hold_len, 6);
	assert_int_equal(lc->stat.tx_held, 6);
	assert_int_equal(lc->stat.drops, 0);
	/* still full: the held stay, the new ones queue behind them */
	W->tx_accept_max = 0;
	pn_txq_push_bulk(lc, q, pkts + 10, 3);
	pn_tx_flush(lc);
	assert_int_equal(q->hold_len, 9);
	/* room again: the next flush sends the held first, in order */
	W->tx_accept_max = UINT32_MAX;
	pn_lcore_round(lc);
	assert_int_equal(q->hold_len, 0);
	assert_tx_in_order(13);
	assert_int_equal(q->packets, 13);
	assert_int_equal(lc->stat.drops, 0);
}

static unsigned int drained_calls;
static uint32_t drained_held_seen;

static void
on_drained(struct pn_lcore *lc, void *arg)
{
	RTE_SET_USED(arg);
	drained_calls++;
	drained_held_seen = pn_lcore_tx_held(lc);
}

/* Who waits for the held packets (TCP small queues) is called once, by
 * the flush that sends the last of them, and not before; a wait asked
 * for when nothing is held runs at the next flush. */
static void
test_tx_drained_hook_after_last_held(void **state)
{
	struct pn_lcore *lc = &W->lc[0];
	struct pn_txq *q;
	struct rte_mbuf *pkts[6];

	RTE_SET_USED(state);
	world_init(32, 300, 1);
	q = &lc->txq[0];
	drained_calls = 0;
	drained_held_seen = UINT32_MAX;
	pn_lcore_set_tx_drained(lc, on_drained, NULL);
	tx_pkts(pkts, 6, 0);
	W->tx_accept_max = 2;
	pn_txq_push_bulk(lc, q, pkts, 6);
	pn_tx_flush(lc);
	assert_int_equal(pn_lcore_tx_held(lc), 4);
	pn_lcore_tx_wait_drain(lc);
	/* two of the four go: still held, no call */
	tx_next_try(lc);
	assert_int_equal(pn_lcore_tx_held(lc), 2);
	assert_int_equal(drained_calls, 0);
	tx_next_try(lc);
	assert_int_equal(q->hold_len, 0);
	assert_int_equal(drained_calls, 1);
	assert_int_equal(drained_held_seen, 0);
	assert_int_equal(lc->stat.tx_drained, 1);
	/* once per wait */
	pn_tx_flush(lc);
	assert_int_equal(drained_calls, 1);
	pn_lcore_tx_wait_drain(lc);
	pn_lcore_round(lc);
	assert_int_equal(drained_calls, 2);
	assert_tx_in_order(6);
	pn_lcore_set_tx_drained(lc, NULL, NULL);
}

/* Held packets are bounded by tx_queue_len; past it, TX_FULL drops. */
static void
test_tx_queue_len_bounds_held(void **state)
{
	struct pn_lcore *lc = &W->lc[0];
	struct pn_txq *q;
	struct rte_mbuf *pkts[8];

	RTE_SET_USED(state);
	world_init(32, 300, 1);
	q = &lc->txq[0];
	lc->conf.tx_queue_len = 5;
	tx_pkts(pkts, 8, 0);
	W->tx_accept_max = 0;
	pn_txq_push_bulk(lc, q, pkts, 8);
	pn_tx_flush(lc);
	assert_int_equal(q->hold_len, 5);
	assert_int_equal(lc->stat.drop[PN_DROP_TX_FULL], 3);
	assert_int_equal(q->dropped, 3);
	/* the wrap-around: 2 out, 2 more in, all 5 out in order */
	W->tx_accept_max = 2;
	tx_next_try(lc);
	tx_pkts(pkts, 2, 5);
	W->tx_accept_max = 0;
	pn_txq_push_bulk(lc, q, pkts, 2);
	pn_tx_flush(lc);
	assert_int_equal(q->hold_len, 5);
	W->tx_accept_max = UINT32_MAX;
	tx_next_try(lc);
	assert_int_equal(q->hold_len, 0);
	assert_tx_in_order(7);
}

/* While packets are held the lcore polls on as long as the device takes
 * some (no interrupt says it has room again); when it takes none, it naps
 * (at most 1 ms: what arrives, a timer or the nap's end wakes it; a peer
 * gone costs a wake-up a millisecond) and the next flush tries again. At the end the held are dropped
 * as SHUTDOWN (no leak). */
static void
test_no_sleep_while_tx_held(void **state)
{
	struct pn_lcore *lc = &W->lc[0];
	struct rte_mbuf *pkts[4];

	RTE_SET_USED(state);
	world_init(32, 300, 1);
	busy_poll(lc, 50, 0);
	W->wait_rc = 0;
	tx_pkts(pkts, 4, 0);
	/* the device takes one per round: it moves, no sleep */
	W->tx_accept_max = 1;
	pn_txq_push_bulk(lc, &lc->txq[0], pkts, 4);
	pn_tx_flush(lc);
	pn_clock_advance(&W->clock, 60 * PN_NS_PER_US);
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 0);
	pn_clock_advance(&W->clock, 60 * PN_NS_PER_US);
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 0);
	assert_int_equal(W->waits, 0);
	assert_int_equal(lc->txq[0].hold_len, 1);
	/* it takes none past the busy-poll window: the lcore naps, 1 ms at
	 * most, as no TX-completion interrupt tells it of room */
	W->tx_accept_max = 0;
	W->wait_rc = 1;
	pn_clock_advance(&W->clock, 60 * PN_NS_PER_US);
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 1);
	assert_int_equal(W->waits, 1);
	assert_true(W->last_timeout == PN_NS_PER_MS);
	assert_int_equal(lc->stat.naps, 1);
	/* still refused: the next nap is twice as long (a link down costs
	 * a few wake-ups a second), and it does not grow without bound */
	pn_clock_advance(&W->clock, 60 * PN_NS_PER_US);
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 1);
	assert_true(W->last_timeout == 2 * PN_NS_PER_MS);
	for (int i = 0; i < 10; i++) {
		pn_clock_advance(&W->clock, 60 * PN_NS_PER_US);
		pn_lcore_idle(lc, pn_lcore_round(lc));
	}
	assert_true(W->last_timeout == 128 * PN_NS_PER_MS);
	/* woken (a packet came): room again, the held one goes first, in
	 * the first round after the sleep whatever the backoff */
	W->tx_accept_max = UINT32_MAX;
	pn_lcore_round(lc);
	assert_int_equal(W->tx_total, 4);
	assert_int_equal(lc->txq[0].hold_len, 0);
	assert_int_equal(lc->hold_nap_shift, 0);	/* it moved: 1 ms again */
	/* held at the end: dropped as SHUTDOWN by pn_lcore_fini */
	tx_pkts(pkts, 3, 4);
	W->tx_accept_max = 0;
	pn_txq_push_bulk(lc, &lc->txq[0], pkts, 3);
	pn_tx_flush(lc);
	pn_lcore_fini(lc);
	assert_int_equal(lc->stat.drop[PN_DROP_SHUTDOWN], 3);
	assert_null(lc->txq[0].hold);
	/* teardown finishes both again: make them fresh */
	pn_lcore_fini(&W->lc[1]);
	world_init(32, 300, 1);
}

/* Held packets are tried at most once a round, and after a try the
 * device took none of, 2, 4, then every 8 rounds later (Linux retries a
 * stopped queue only when the driver wakes it: net_tx_action); the
 * skipped flushes are counted (softnet tx_hold_waits). Progress makes the
 * next round try again. */
static void
test_tx_hold_retry_backs_off(void **state)
{
	static const uint64_t tried[] = { 1, 3, 7, 15, 23, 31, 32, 33, 34 };
	struct pn_lcore *lc = &W->lc[0];
	struct rte_mbuf *pkts[4];
	uint64_t r;
	unsigned int i = 0, calls;

	RTE_SET_USED(state);
	world_init(32, 300, 1);
	tx_pkts(pkts, 4, 0);
	W->tx_accept_max = 0;
	pn_txq_push_bulk(lc, &lc->txq[0], pkts, 4);
	for (r = 1; r <= 34; r++) {
		if (r == 24)	/* room for one packet per burst */
			W->tx_accept_max = 1;
		calls = W->tx_calls;
		pn_lcore_round(lc);
		assert_int_equal(lc->stat.rounds, r);
		if (i < RTE_DIM(tried) && tried[i] == r) {
			assert_int_equal(W->tx_calls, calls + 1);
			i++;
		} else {
			assert_int_equal(W->tx_calls, calls);
		}
		if (r == 31) {	/* tried this round: a second flush waits */
			pn_tx_flush(lc);
			assert_int_equal(W->tx_calls, calls + 1);
		}
	}
	assert_int_equal(i, RTE_DIM(tried));
	assert_int_equal(lc->txq[0].hold_len, 0);
	assert_tx_in_order(4);
	assert_int_equal(lc->stat.tx_hold_waits, 34 - RTE_DIM(tried) + 1);
	assert_int_equal(lc->stat.drops, 0);
}

/* A device queue shared by shards: each burst holds its lock. */
static void
test_tx_shared_queue_locked(void **state)
{
	struct pn_lcore *lc = &W->lc[0];
	rte_spinlock_t lock;

	RTE_SET_USED(state);
	world_init(32, 300, 1);
	rte_spinlock_init(&lock);
	assert_int_equal(pn_lcore_share_txq(lc, 0, 5, &lock), -ENOENT);
	assert_int_equal(pn_lcore_share_txq(lc, 0, 0, NULL), -EINVAL);
	assert_int_equal(pn_lcore_share_txq(lc, 0, 0, &lock), 0);
	W->tx_lock = &lock;
	W->forward = true;
	W->q[0].mbufs = true;
	W->q[0].avail = 20;
	pn_lcore_round(lc);
	assert_int_equal(W->tx_calls, 1);
	assert_int_equal(W->tx_locked, 1);
	assert_int_equal(W->tx_total, 20);
	assert_false(rte_spinlock_is_locked(&lock));
}

static void
test_tx_without_queue_dropped(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(32, 300, 0);
	pn_tx(lc, 3, pn_test_mbuf("x", 1));
	assert_int_equal(lc->stat.drop[PN_DROP_NO_TXQ], 1);
}

static void
test_no_handler_drops(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(32, 300, 1);
	pn_lcore_set_rx_handler(lc, NULL, NULL);
	W->q[0].mbufs = true;
	W->q[0].avail = 7;
	pn_lcore_round(lc);
	assert_int_equal(lc->stat.drop[PN_DROP_NO_HANDLER], 7);
}

/* --- busy-poll window, interrupts, sleep, wake-up --- */

static void
test_busy_poll_window_then_sleep(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(64, 300, 2);
	busy_poll(lc, 50, 0);
	W->q[0].avail = 3;
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 0);
	/* Idle, but inside the 50 us window: keep polling. */
	pn_clock_advance(&W->clock, 40 * PN_NS_PER_US);
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 0);
	assert_int_equal(W->q[0].enables, 0);
	assert_int_equal(W->waits, 0);
	/* Past the window: arm both queues, sleep without timeout. */
	pn_clock_advance(&W->clock, 20 * PN_NS_PER_US);
	W->wait_rc = 1;
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 1);
	assert_int_equal(W->waits, 1);
	assert_true(W->last_timeout == UINT64_MAX);
	assert_int_equal(W->q[0].enables, 1);
	assert_int_equal(W->q[1].enables, 1);
	assert_int_equal(W->q[0].disables, 1); /* disarmed after waking */
	assert_false(W->q[0].armed);
	assert_int_equal(lc->stat.sleeps, 1);
	assert_int_equal(lc->stat.wakeups, 1);
	assert_int_equal(atomic_load(&lc->sleeping), 0);
}

static void
test_wake_then_packet_processed(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(64, 300, 1);
	busy_poll(lc, 0, 0);
	W->wait_rc = 1;
	W->wait_advance = 3 * PN_NS_PER_MS;
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 1);
	assert_int_equal(lc->stat.sleep_ns, 3 * PN_NS_PER_MS);
	W->q[0].avail = 5; /* the packet that raised the interrupt */
	assert_int_equal(pn_lcore_round(lc), 5);
	/* Work again: the busy-poll window restarts, no sleep yet. */
	busy_poll(lc, 50, 0);
	assert_int_equal(pn_lcore_idle(lc, 5), 0);
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 0);
	assert_int_equal(W->waits, 1);
}

static bool ready_now;

static bool
is_ready(void *arg)
{
	RTE_SET_USED(arg);
	return ready_now;
}

/*
 * pn_lcore_poll from a waiting caller (pn_epoll_wait, a blocking call):
 * the packets of a round that makes the caller ready open the busy-poll
 * window too. They once went unseen (the call returned before the sleep
 * decision), so the next quiet round slept at once: tcp-rr at one
 * connection slept once a transaction on either side.
 */
static void
test_ready_round_opens_busy_poll_window(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(64, 300, 1);
	busy_poll(lc, 50, 0);
	W->wait_rc = 1;
	pn_clock_advance(&W->clock, PN_NS_PER_MS); /* long quiet before */
	W->q[0].avail = 1;
	ready_now = true;	/* the packet made a socket readable */
	assert_int_equal(pn_lcore_poll(lc, UINT64_MAX, is_ready, NULL), 1);
	ready_now = false;	/* the caller took it and waits again */
	pn_clock_advance(&W->clock, 40 * PN_NS_PER_US);
	assert_int_equal(pn_lcore_poll(lc, UINT64_MAX, is_ready, NULL), 0);
	assert_int_equal(W->waits, 0);	/* inside the window: polled */
	pn_clock_advance(&W->clock, 20 * PN_NS_PER_US);
	pn_lcore_poll(lc, UINT64_MAX, is_ready, NULL);
	assert_int_equal(W->waits, 1);	/* past it: slept */
}

static int fired;

static void
on_timer(struct pn_timer *t)
{
	RTE_SET_USED(t);
	fired++;
}

/* --- the adaptive busy-poll window (napi.busy_poll_max_us) --- */

/* @p pkts packets, then @p quiet_us of nothing: the lcore polls through
 * the window, sleeps, and @p rc (1: an interrupt, 0: the timeout) ends
 * the sleep @p slept_us later. @return whether it slept. */
static bool
work_then_sleep(struct pn_lcore *lc, unsigned int pkts, uint64_t quiet_us,
		int rc, uint64_t slept_us)
{
	unsigned int waits = W->waits;

	W->q[0].avail = pkts;
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 0);
	pn_clock_advance(&W->clock, quiet_us * PN_NS_PER_US);
	W->wait_rc = rc;
	W->wait_advance = slept_us * PN_NS_PER_US;
	pn_lcore_idle(lc, pn_lcore_round(lc));
	return W->waits > waits;
}

/*
 * The convoy: the peer answers 160 us after our last packet, past the
 * 50 us window, so every cycle slept and paid a wake-up. The interrupt
 * that ends such a sleep soon grows the window to cover the gap, with a
 * quarter to spare; the next cycle polls through it.
 */
static void
test_adaptive_window_grows_after_short_rx_sleep(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(64, 300, 1);
	busy_poll(lc, 50, 500);
	assert_true(work_then_sleep(lc, 32, 60, 1, 100));	/* gap 160 us */
	assert_int_equal(lc->busy_poll_ns, 200 * PN_NS_PER_US);
	assert_int_equal(lc->stat.busy_poll_grows, 1);
	assert_false(work_then_sleep(lc, 32, 190, 1, 0));	/* polled through */
	assert_int_equal(W->waits, 1);
	/* a gap past the grown window: it grows again, to 210 + 1/4 */
	pn_clock_advance(&W->clock, 20 * PN_NS_PER_US);
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 1);
	assert_int_equal(W->waits, 2);
	assert_int_equal(lc->stat.busy_poll_grows, 2);
	assert_int_equal(lc->busy_poll_ns, 262500);
}

/* The window grows up to busy_poll_max_us and no further; a gap past
 * the cap is more than it will poll for: back to busy_poll_us. */
static void
test_adaptive_window_bounded_by_max(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(64, 300, 1);
	busy_poll(lc, 50, 300);
	assert_true(work_then_sleep(lc, 32, 50, 1, 150));	/* gap 200 us */
	assert_int_equal(lc->busy_poll_ns, 250 * PN_NS_PER_US);
	assert_true(work_then_sleep(lc, 32, 250, 1, 40));	/* gap 290 us */
	assert_int_equal(lc->busy_poll_ns, 300 * PN_NS_PER_US); /* not 362 */
	assert_int_equal(lc->stat.busy_poll_grows, 2);
	assert_true(work_then_sleep(lc, 32, 300, 1, 10));	/* gap 310 us */
	assert_int_equal(lc->busy_poll_ns, 50 * PN_NS_PER_US);
	assert_int_equal(lc->stat.busy_poll_shrinks, 1);
}

/* A sleep that outlasts the cap was idleness: back to busy_poll_us, so a
 * light, regular load spins no longer than with the fixed window. */
static void
test_adaptive_window_shrinks_after_idleness(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(64, 300, 1);
	busy_poll(lc, 50, 500);
	work_then_sleep(lc, 32, 60, 1, 100);
	assert_int_equal(lc->busy_poll_ns, 200 * PN_NS_PER_US);
	assert_true(work_then_sleep(lc, 32, 200, 1, 5000));	/* 5 ms later */
	assert_int_equal(lc->busy_poll_ns, 50 * PN_NS_PER_US);
	assert_int_equal(lc->stat.busy_poll_shrinks, 1);
	assert_true(work_then_sleep(lc, 32, 50, 1, 5000));	/* stays there */
	assert_int_equal(lc->busy_poll_ns, 50 * PN_NS_PER_US);
	assert_int_equal(lc->stat.busy_poll_shrinks, 1);
	assert_int_equal(W->waits, 3);
}

/* A sleep the timeout ended saw no packet: never a missed poll, however
 * short; it shrinks the window. */
static void
test_adaptive_window_never_grows_on_timer_wakeup(void **state)
{
	struct pn_lcore *lc = &W->lc[0];
	struct pn_timer t;

	RTE_SET_USED(state);
	world_init(64, 300, 1);
	busy_poll(lc, 50, 10000);	/* a cap above the 1 ms sleeps */
	pn_timer_init(&t, on_timer);
	pn_timer_arm(&lc->timers, &t,
		     pn_clock_now(&W->clock) + 2 * PN_NS_PER_MS);
	assert_true(work_then_sleep(lc, 32, 60, 0, 0));	/* the timer's */
	assert_int_equal(lc->stat.timer_wakeups, 1);
	assert_int_equal(lc->busy_poll_ns, 50 * PN_NS_PER_US);
	assert_int_equal(lc->stat.busy_poll_grows, 0);
	pn_timer_cancel(&lc->timers, &t);
	work_then_sleep(lc, 32, 60, 1, 100);	/* grown by a packet... */
	assert_int_equal(lc->busy_poll_ns, 200 * PN_NS_PER_US);
	pn_timer_arm(&lc->timers, &t,
		     pn_clock_now(&W->clock) + 2 * PN_NS_PER_MS);
	assert_true(work_then_sleep(lc, 32, 200, 0, 0));	/* ...and back */
	assert_int_equal(lc->busy_poll_ns, 50 * PN_NS_PER_US);
	assert_int_equal(lc->stat.busy_poll_shrinks, 1);
	pn_timer_cancel(&lc->timers, &t);
}

/* One packet a cycle (a paced request every 200 us): the spin would cost
 * more than 10 us a packet; it sleeps as with the fixed window. */
static void
test_adaptive_window_not_for_a_trickle(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(64, 300, 1);
	busy_poll(lc, 50, 500);
	assert_true(work_then_sleep(lc, 1, 60, 1, 140));	/* gap 200 us */
	assert_int_equal(lc->busy_poll_ns, 50 * PN_NS_PER_US);
	assert_true(work_then_sleep(lc, 20, 60, 1, 140));	/* 20 x 10 >= 200 */
	assert_int_equal(lc->busy_poll_ns, 250 * PN_NS_PER_US);
	assert_true(work_then_sleep(lc, 1, 250, 1, 50));	/* a trickle again */
	assert_int_equal(lc->busy_poll_ns, 50 * PN_NS_PER_US);
	assert_int_equal(lc->stat.busy_poll_grows, 1);
	assert_int_equal(lc->stat.busy_poll_shrinks, 1);
}

/* A grown window that the traffic keeps polling through (no sleep, so
 * nothing learnt) goes back to busy_poll_us after 100 ms: the next quiet
 * spell past it sleeps once and learns the window afresh. */
static void
test_adaptive_window_learnt_again(void **state)
{
	struct pn_lcore *lc = &W->lc[0];
	unsigned int i;

	RTE_SET_USED(state);
	world_init(64, 300, 1);
	busy_poll(lc, 50, 500);
	assert_true(work_then_sleep(lc, 32, 60, 1, 100));
	assert_int_equal(lc->busy_poll_ns, 200 * PN_NS_PER_US);
	W->wait_advance = 0;
	for (i = 0; W->waits == 1 && i < 2000; i++) {	/* every 150 us */
		W->q[0].avail = 16;
		assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 0);
		pn_clock_advance(&W->clock, 150 * PN_NS_PER_US);
		pn_lcore_idle(lc, pn_lcore_round(lc));
	}
	assert_true(i > 100000 / 150);	/* polled through 100 ms */
	assert_int_equal(W->waits, 2);	/* then slept once */
	assert_int_equal(lc->stat.busy_poll_shrinks, 1);
	assert_int_equal(lc->stat.busy_poll_grows, 2);
	assert_int_equal(lc->busy_poll_ns, 187500);	/* 150 us + 1/4 */
}

/* busy_poll_max_us 0, or not above busy_poll_us: the fixed window. */
static void
test_adaptive_window_off(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(64, 300, 1);
	busy_poll(lc, 50, 0);
	assert_true(work_then_sleep(lc, 32, 60, 1, 100));
	assert_int_equal(lc->busy_poll_ns, 50 * PN_NS_PER_US);
	busy_poll(lc, 50, 50);
	assert_true(work_then_sleep(lc, 32, 60, 1, 100));
	assert_int_equal(lc->busy_poll_ns, 50 * PN_NS_PER_US);
	assert_int_equal(lc->stat.busy_poll_grows, 0);
	assert_int_equal(lc->stat.busy_poll_shrinks, 0);
}

static void
test_sleep_until_next_timer(void **state)
{
	struct pn_lcore *lc = &W->lc[0];
	struct pn_timer t;

	RTE_SET_USED(state);
	world_init(64, 300, 1);
	busy_poll(lc, 0, 0);
	fired = 0;
	pn_timer_init(&t, on_timer);
	pn_timer_arm(&lc->timers, &t, pn_clock_now(&W->clock) + 5 * PN_NS_PER_MS);
	W->wait_rc = 0; /* times out */
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 1);
	assert_true(W->last_timeout <= 5 * PN_NS_PER_MS);
	assert_true(W->last_timeout >= 4 * PN_NS_PER_MS);
	assert_int_equal(lc->stat.timer_wakeups, 1);
	pn_clock_advance(&W->clock, PN_NS_PER_MS); /* reach the tick */
	pn_lcore_round(lc);
	assert_int_equal(fired, 1);
	assert_int_equal(lc->stat.timers, 1);
}

static void
test_near_timer_keeps_polling(void **state)
{
	struct pn_lcore *lc = &W->lc[0];
	struct pn_timer t;

	RTE_SET_USED(state);
	world_init(64, 300, 1);
	busy_poll(lc, 0, 0);
	pn_timer_init(&t, on_timer);
	pn_timer_arm(&lc->timers, &t, pn_clock_now(&W->clock) + 300 * PN_NS_PER_US);
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 0);
	assert_int_equal(W->waits, 0);
	pn_timer_cancel(&lc->timers, &t);
}

static void
test_packet_racing_arm_aborts_sleep(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(64, 300, 1);
	busy_poll(lc, 0, 0);
	W->q[0].arrive_on_enable = 2;
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 0);
	assert_int_equal(W->waits, 0);
	assert_int_equal(lc->stat.sleep_aborts, 1);
	assert_int_equal(lc->stat.processed, 2);
	assert_false(W->q[0].armed);
}

static void
test_unarmable_queue_naps(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(64, 300, 1);
	busy_poll(lc, 0, 0);
	W->q[0].enable_rc = -ENOTSUP;
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 1);
	assert_true(W->last_timeout <= PN_NS_PER_MS);
	assert_int_equal(lc->stat.naps, 1);
	assert_int_equal(lc->stat.sleeps, 0);
}

static void
test_no_sleep_mode_polls(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(64, 300, 1);
	lc->conf.sleep = false;
	pn_clock_advance(&W->clock, PN_NS_PER_S);
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 0);
	assert_int_equal(W->waits, 0);
	assert_int_equal(W->q[0].enables, 0);
}

static void
test_stop_request_aborts_sleep(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	world_init(64, 300, 1);
	busy_poll(lc, 0, 0);
	pn_lcore_stop(lc);
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 0);
	assert_int_equal(W->waits, 0);
}

/* --- steering and the backlog --- */

static struct rte_mbuf *
tcp_frame(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
	uint8_t f[54] = { 0 };

	f[12] = 0x08; /* IPv4 */
	f[14] = 0x45;
	f[16] = 0; f[17] = 40;
	f[22] = 64; f[23] = 6; /* TTL, TCP */
	f[26] = src >> 24; f[27] = src >> 16; f[28] = src >> 8; f[29] = src;
	f[30] = dst >> 24; f[31] = dst >> 16; f[32] = dst >> 8; f[33] = dst;
	f[34] = sport >> 8; f[35] = sport & 0xff;
	f[36] = dport >> 8; f[37] = dport & 0xff;
	return pn_test_mbuf(f, sizeof(f));
}

static void
steer_world(void)
{
	world_init(64, 300, 0);
	W->shards.steering = true;
	assert_int_equal(pn_steer_init(&W->shards.steer, 2, 128), 0);
}

static void
test_steering_hands_foreign_flows_to_owner(void **state)
{
	struct rte_mbuf *pkts[64];
	unsigned int want[2] = { 0, 0 };
	uint16_t i;

	RTE_SET_USED(state);
	steer_world();
	for (i = 0; i < 64; i++) {
		pkts[i] = tcp_frame(0xc6120001, 0xc6130001, (uint16_t)(1000 + i), 80);
		want[pn_steer_mbuf_owner(&W->shards.steer, pkts[i])]++;
	}
	assert_true(want[0] > 0 && want[1] > 0);
	pn_lcore_rx(&W->lc[0], pkts, 64);
	assert_int_equal(W->delivered[0], want[0]);
	assert_int_equal(W->lc[0].stat.steered_out, want[1]);
	assert_int_equal(rte_ring_count(W->lc[1].backlog_ring), want[1]);
	/* The owner's backlog instance delivers them on its next round. */
	pn_lcore_round(&W->lc[1]);
	assert_int_equal(W->delivered[1], want[1]);
	assert_int_equal(W->lc[1].stat.steered_in, want[1]);
	assert_int_equal(W->lc[1].backlog.packets, want[1]);
}

/* The loopback: each frame to the flow's owner, by the steering hash
 * even with steering off (device RSS hashes alike), the sender's own
 * backlog included; received there in the next round. */
static void
test_loopback_to_flow_owner(void **state)
{
	unsigned int want[2] = { 0, 0 };
	uint16_t i;

	RTE_SET_USED(state);
	steer_world();
	W->shards.steering = false;
	for (i = 0; i < 64; i++) {
		struct rte_mbuf *m = tcp_frame(0xc6120002, 0xc6120002,
					       (uint16_t)(1000 + i), 80);

		want[pn_steer_mbuf_owner(&W->shards.steer, m)]++;
		pn_lcore_loopback(&W->lc[0], m);
	}
	assert_true(want[0] > 0 && want[1] > 0);
	assert_int_equal(W->lc[0].stat.looped, 64);
	assert_int_equal(W->lc[0].stat.steered_out, 0);
	assert_int_equal(W->delivered[0] + W->delivered[1], 0); /* not yet */
	assert_int_equal(rte_ring_count(W->lc[0].backlog_ring), want[0]);
	assert_int_equal(rte_ring_count(W->lc[1].backlog_ring), want[1]);
	pn_lcore_round(&W->lc[0]);
	pn_lcore_round(&W->lc[1]);
	assert_int_equal(W->delivered[0], want[0]);
	assert_int_equal(W->delivered[1], want[1]);
	/* one shard: its own backlog */
	W->shards.n = 1;
	pn_lcore_loopback(&W->lc[0], tcp_frame(0xc6120002, 0xc6120002, 1, 2));
	pn_lcore_round(&W->lc[0]);
	assert_int_equal(W->delivered[0], want[0] + 1);
	W->shards.n = 2;
}

static void
test_steering_off_keeps_everything(void **state)
{
	struct rte_mbuf *pkts[16];
	uint16_t i;

	RTE_SET_USED(state);
	steer_world();
	W->shards.steering = false;
	for (i = 0; i < 16; i++)
		pkts[i] = tcp_frame(0xc6120001, 0xc6130001, (uint16_t)(1000 + i), 80);
	pn_lcore_rx(&W->lc[0], pkts, 16);
	assert_int_equal(W->delivered[0], 16);
	assert_int_equal(W->lc[0].stat.steered_out, 0);
}

static void
test_non_ip_stays_local(void **state)
{
	static const uint8_t arp[42] = { [12] = 0x08, [13] = 0x06 };
	struct rte_mbuf *m;

	RTE_SET_USED(state);
	steer_world();
	m = pn_test_mbuf(arp, sizeof(arp));
	pn_lcore_rx(&W->lc[1], &m, 1);
	assert_int_equal(W->delivered[1], 1);
	assert_int_equal(W->lc[1].stat.steered_out, 0);
}

static void
test_backlog_full_drops_counted(void **state)
{
	struct rte_mbuf *m;
	unsigned int sent = 0, cap;
	uint16_t port = 1000;

	RTE_SET_USED(state);
	steer_world();
	cap = rte_ring_get_capacity(W->lc[1].backlog_ring);
	/* Send one shard-1 flow until its backlog overflows by 10. */
	while (sent < cap + 10) {
		m = tcp_frame(0xc6120001, 0xc6130001, port, 80);
		if (pn_steer_mbuf_owner(&W->shards.steer, m) != 1) {
			rte_pktmbuf_free(m);
			port++;
			continue;
		}
		pn_lcore_rx(&W->lc[0], &m, 1);
		sent++;
	}
	assert_int_equal(W->lc[0].stat.steered_out, cap);
	assert_int_equal(W->lc[0].stat.drop[PN_DROP_BACKLOG_FULL], 10);
}

static void
test_steering_wakes_sleeping_owner(void **state)
{
	struct rte_mbuf *m;
	uint64_t v = 0;
	uint16_t port = 1000;

	RTE_SET_USED(state);
	steer_world();
	for (;;) {
		m = tcp_frame(0xc6120001, 0xc6130001, port++, 80);
		if (pn_steer_mbuf_owner(&W->shards.steer, m) == 1)
			break;
		rte_pktmbuf_free(m);
	}
	atomic_store(&W->lc[1].sleeping, 1);
	pn_lcore_rx(&W->lc[0], &m, 1);
	assert_int_equal(read(W->lc[1].wake_fd, &v, sizeof(v)), sizeof(v));
	assert_true(v >= 1);
}

/* --- messages between lcores --- */

static unsigned int msgs_seen;
static uint32_t msg_value;

static void
on_msg(struct pn_lcore *lc, const struct pn_msg *m, void *arg)
{
	RTE_SET_USED(lc);
	assert_ptr_equal(arg, &msgs_seen);
	assert_int_equal(m->type, PN_MSG_TEST);
	assert_int_equal(m->len, sizeof(msg_value));
	memcpy(&msg_value, m->data, sizeof(msg_value));
	msgs_seen++;
}

static void
test_msg_delivered_on_owner_round(void **state)
{
	uint32_t v = 42;

	RTE_SET_USED(state);
	world_init(64, 300, 0);
	msgs_seen = 0;
	assert_int_equal(pn_msg_register(&W->lc[1], PN_MSG_TEST, on_msg,
					 &msgs_seen), 0);
	assert_int_equal(pn_msg_send(&W->lc[0], 1, PN_MSG_TEST, &v,
				     sizeof(v)), 0);
	assert_int_equal(msgs_seen, 0); /* nothing runs on the sender */
	pn_lcore_round(&W->lc[1]);
	assert_int_equal(msgs_seen, 1);
	assert_int_equal(msg_value, 42);
	assert_int_equal(W->lc[0].stat.msg_out, 1);
	assert_int_equal(W->lc[1].stat.msg_in, 1);
}

static void
test_msg_errors_and_full_ring(void **state)
{
	uint8_t big[PN_MSG_DATA_MAX + 1] = { 0 };
	uint32_t v = 1;
	int rc = 0, sent = 0;

	RTE_SET_USED(state);
	world_init(64, 300, 0);
	assert_int_equal(pn_msg_register(&W->lc[1], PN_MSG__MAX, on_msg, NULL),
			 -EINVAL);
	assert_int_equal(pn_msg_send(&W->lc[0], 7, PN_MSG_TEST, &v, 4), -EINVAL);
	assert_int_equal(pn_msg_send(&W->lc[0], 1, PN_MSG_NONE, &v, 4), -EINVAL);
	assert_int_equal(pn_msg_send(&W->lc[0], 1, PN_MSG_TEST, big,
				     sizeof(big)), -EINVAL);
	while ((rc = pn_msg_send(&W->lc[0], 1, PN_MSG_TEST, &v, 4)) == 0)
		sent++;
	assert_int_equal(rc, -ENOBUFS);
	assert_true(sent >= 1000);
	assert_int_equal(W->lc[0].stat.msg_dropped, 1);
}

static void
test_msg_broadcast_wakes_sleepers(void **state)
{
	uint32_t v = 7;
	uint64_t ev = 0;

	RTE_SET_USED(state);
	world_init(64, 300, 0);
	msgs_seen = 0;
	pn_msg_register(&W->lc[0], PN_MSG_TEST, on_msg, &msgs_seen);
	atomic_store(&W->lc[0].sleeping, 1);
	assert_int_equal(pn_msg_broadcast(&W->lc[1], PN_MSG_TEST, &v, 4), 1);
	assert_int_equal(read(W->lc[0].wake_fd, &ev, sizeof(ev)), sizeof(ev));
	atomic_store(&W->lc[0].sleeping, 0);
	pn_lcore_round(&W->lc[0]);
	assert_int_equal(msgs_seen, 1);
}

/* --- set-up errors --- */

static void
test_init_rejects_bad_conf(void **state)
{
	struct pn_napi_conf conf;
	struct pn_lcore lc;
	struct pn_shards sh = { 0 };

	RTE_SET_USED(state);
	world_init(64, 300, 0);
	pn_napi_conf_default(&conf);
	conf.weight = 0;
	assert_int_equal(pn_lcore_init(&lc, &sh, 0, &conf, &W->clock,
				       SOCKET_ID_ANY), -EINVAL);
	pn_napi_conf_default(&conf);
	assert_int_equal(pn_lcore_init(&lc, &sh, PN_MAX_SHARDS, &conf,
				       &W->clock, SOCKET_ID_ANY), -EINVAL);
}

static void
test_poll_list_and_txq_limits(void **state)
{
	struct pn_lcore *lc = &W->lc[0];
	static struct pn_napi extra[PN_LCORE_MAX_NAPI];
	unsigned int i, added = 0;

	RTE_SET_USED(state);
	world_init(64, 300, 0);
	for (i = 0; i < PN_LCORE_MAX_NAPI; i++) {
		extra[i].ops = &fake_ops;
		extra[i].ctx = &W->q[0];
		if (pn_lcore_add_napi(lc, &extra[i]) == 0)
			added++;
	}
	assert_int_equal(added, PN_LCORE_MAX_NAPI - 2); /* backlog, msg */
	assert_int_equal(pn_lcore_add_napi(lc, &extra[0]), -ENOSPC);
	assert_int_equal(pn_lcore_add_txq(lc, 0, 0), -EEXIST);
	assert_int_equal(pn_lcore_add_txq(lc, PN_MAX_PORTS, 0), -ENOSPC);
}

/* --- split polls (napi.split): half a burst this round, the rest next --- */

/* One queue that may be split, delivering numbered mbufs; the handler
 * sends each to the fake device, whose log keeps the order. */
static void
split_world(uint32_t weight, uint32_t split)
{
	world_init(weight, 300, 1);
	W->lc[0].conf.split = split;
	W->napi[0].split = true;
	W->q[0].mbufs = true;
	W->forward = true;
}

static void
test_split_half_now_rest_next_round_in_order(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	split_world(64, 8);
	W->q[0].avail = 16;	/* the crr convoy: 16 connections' packets */
	assert_int_equal(pn_lcore_round(lc), 8);
	assert_int_equal(W->tx_total, 8);	/* the first half answered */
	assert_int_equal(W->napi[0].stash_len, 8);
	assert_int_equal(lc->stat.rx_split, 1);
	assert_int_equal(lc->stat.rx_stashed, 8);
	assert_int_equal(lc->stat.processed, 8);
	/* Newer packets wait behind the stash. */
	W->q[0].avail = 4;
	assert_int_equal(pn_lcore_round(lc), 12);
	assert_int_equal(W->napi[0].stash_len, 0);
	assert_int_equal(lc->stashed_now, 0);
	assert_int_equal(lc->stat.processed, 20);
	assert_tx_in_order(20);
	assert_int_equal(lc->stat.drops, 0);
}

static void
test_split_floor_and_off(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	split_world(64, 8);
	W->q[0].avail = 8;	/* not over the floor: whole */
	assert_int_equal(pn_lcore_round(lc), 8);
	W->q[0].avail = 10;	/* the floor, then 2 */
	assert_int_equal(pn_lcore_round(lc), 8);
	assert_int_equal(W->napi[0].stash_len, 2);
	assert_int_equal(pn_lcore_round(lc), 2);
	lc->conf.split = 0;	/* off: a poll is one round's */
	W->q[0].avail = 40;
	assert_int_equal(pn_lcore_round(lc), 40);
	assert_int_equal(lc->stat.rx_split, 1);
	assert_tx_in_order(58);
}

/* A poll that fills its weight, or brings over 3 x napi.split packets,
 * is a deep ring: no split, the round
 * polls on to its budget as without napi.split. Below the weight the
 * stash is at most half the poll. */
static void
test_split_deep_ring_whole_rounds_stash_bounded(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	split_world(64, 8);
	W->q[0].avail = 200;	/* 64, 64, 64, 8: the tail is not split */
	assert_int_equal(pn_lcore_round(lc), 200);
	assert_int_equal(W->napi[0].polls, 4);
	assert_int_equal(lc->stat.rx_split, 0);
	W->q[0].avail = 25;	/* over 3 x the floor: many connections */
	assert_int_equal(pn_lcore_round(lc), 25);
	assert_int_equal(lc->stat.rx_split, 0);
	W->q[0].avail = 24;	/* a convoy: 12 now, 12 next */
	assert_int_equal(pn_lcore_round(lc), 12);
	assert_int_equal(W->napi[0].stash_len, 12);
	assert_true(W->napi[0].stash_len <= W->napi[0].weight / 2);
	W->q[0].avail = 10;	/* the stash, then a first poll: split */
	assert_int_equal(pn_lcore_round(lc), 12 + 8);
	assert_int_equal(pn_lcore_round(lc), 2);
	assert_int_equal(lc->stat.processed, 259);
	assert_int_equal(lc->stat.rx_stashed, 14);
	assert_int_equal(lc->stat.time_squeeze, 0);
	assert_tx_in_order(256);	/* the log holds 256 */
}

/* The lcore does not sleep (arm interrupts) with packets stashed, only
 * once the stash is handled and the quiet spell is over. */
static void
test_split_no_sleep_with_stash(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	split_world(64, 8);
	busy_poll(lc, 0, 0);
	W->q[0].avail = 20;
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 0);
	assert_int_equal(W->napi[0].stash_len, 10);
	/* even told the round found nothing, a stash keeps it awake */
	pn_clock_advance(&W->clock, 100 * PN_NS_PER_US);
	assert_int_equal(pn_lcore_idle(lc, 0), 0);
	assert_int_equal(W->q[0].enables, 0);
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 0);
	assert_int_equal(lc->stashed_now, 0);
	pn_clock_advance(&W->clock, 100 * PN_NS_PER_US);
	W->wait_rc = 1;
	assert_int_equal(pn_lcore_idle(lc, pn_lcore_round(lc)), 1);
	assert_int_equal(W->waits, 1);
	assert_tx_in_order(20);
}

/* pn_lcore_run hands the stash to the stack when told to stop; what a
 * loop that never stopped left, pn_lcore_fini drops as SHUTDOWN. */
static void
test_split_stash_delivered_at_stop_dropped_at_fini(void **state)
{
	struct pn_lcore *lc = &W->lc[0];

	RTE_SET_USED(state);
	split_world(64, 8);
	W->q[0].avail = 20;
	assert_int_equal(pn_lcore_round(lc), 10);
	pn_lcore_stop(lc);
	assert_int_equal(pn_lcore_run(lc), 0);
	assert_int_equal(lc->stashed_now, 0);
	assert_int_equal(W->napi[0].stash_len, 0);
	assert_tx_in_order(20);

	W->q[0].avail = 20;
	assert_int_equal(pn_lcore_round(lc), 10);
	pn_lcore_fini(lc);
	assert_int_equal(W->napi[0].stash_len, 0);
	assert_int_equal(lc->stat.drop[PN_DROP_SHUTDOWN], 10);
	assert_int_equal(lc->stat.drops, 10);
}

#define T(f) cmocka_unit_test_setup_teardown(f, NULL, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_weight_then_budget_squeeze),
		T(test_round_ends_when_queues_drain),
		T(test_weight_caps_each_poll),
		T(test_time_limit_squeeze),
		T(test_round_robin_fairness),
		T(test_many_full_polls_in_one_round),
		T(test_full_instance_goes_to_tail),
		T(test_tx_flushed_once_per_round),
		T(test_tx_flushed_when_buffer_full),
		T(test_tx_full_drops_counted),
		T(test_tx_full_held_then_sent_first),
		T(test_tx_queue_len_bounds_held),
		T(test_tx_drained_hook_after_last_held),
		T(test_no_sleep_while_tx_held),
		T(test_tx_hold_retry_backs_off),
		T(test_tx_push_bulk),
		T(test_tx_shared_queue_locked),
		T(test_tx_without_queue_dropped),
		T(test_no_handler_drops),
		T(test_busy_poll_window_then_sleep),
		T(test_adaptive_window_grows_after_short_rx_sleep),
		T(test_adaptive_window_bounded_by_max),
		T(test_adaptive_window_shrinks_after_idleness),
		T(test_adaptive_window_never_grows_on_timer_wakeup),
		T(test_adaptive_window_not_for_a_trickle),
		T(test_adaptive_window_learnt_again),
		T(test_adaptive_window_off),
		T(test_wake_then_packet_processed),
		T(test_ready_round_opens_busy_poll_window),
		T(test_sleep_until_next_timer),
		T(test_near_timer_keeps_polling),
		T(test_packet_racing_arm_aborts_sleep),
		T(test_unarmable_queue_naps),
		T(test_no_sleep_mode_polls),
		T(test_stop_request_aborts_sleep),
		T(test_steering_hands_foreign_flows_to_owner),
		T(test_loopback_to_flow_owner),
		T(test_steering_off_keeps_everything),
		T(test_non_ip_stays_local),
		T(test_backlog_full_drops_counted),
		T(test_steering_wakes_sleeping_owner),
		T(test_msg_delivered_on_owner_round),
		T(test_msg_errors_and_full_ring),
		T(test_msg_broadcast_wakes_sleepers),
		T(test_split_half_now_rest_next_round_in_order),
		T(test_split_floor_and_off),
		T(test_split_deep_ring_whole_rounds_stash_bounded),
		T(test_split_no_sleep_with_stash),
		T(test_split_stash_delivered_at_stop_dropped_at_fini),
		T(test_init_rejects_bad_conf),
		T(test_poll_list_and_txq_limits),
	};

	return cmocka_run_group_tests_name("napi", tests, setup, group_teardown);
}
