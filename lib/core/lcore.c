/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lcore loop, modelled on Linux NAPI (net/core/dev.c net_rx_action):
 * a poll list of instances each polled up to its weight, a per-round budget
 * and time limit with time_squeeze counted when work is left over, an
 * instance that used its whole weight going to the tail of the list. After
 * a quiet spell the lcore arms interrupts and sleeps (napi_complete_done +
 * IRQ re-enable), waking on a packet, a wake-up from another lcore, or its
 * next timer.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "lcore.h"
#include "log.h"
#include "msg_priv.h"

RTE_LOG_REGISTER(pn_logtype_core, pollnet.core, INFO);

/* The wheel: 100 us ticks, 16384 slots (1.6 s a rotation). */
#define LCORE_TIMER_TICK_NS (100 * PN_NS_PER_US)
#define LCORE_TIMER_SLOTS 16384
/* rte_epoll_wait counts in ms: a deadline nearer than this is polled for. */
#define LCORE_MIN_SLEEP_NS PN_NS_PER_MS
/* Messages one lcore can have waiting. */
#define LCORE_MSG_RING 1024
/* A poll of more than this many times napi.split is not split. */
#define LCORE_SPLIT_MAX 3u
/* A nap (no interrupt could be armed, or packets held for a full TX
 * queue) lasts at most this long; held packets the device keeps refusing
 * double it up to 1 << this times. */
#define LCORE_NAP_NS PN_NS_PER_MS
#define LCORE_HOLD_NAP_SHIFT_MAX 7

/* A grown busy-poll window lasts this long before it is learnt again. */
#define LCORE_BUSY_POLL_RELEARN_NS (100 * PN_NS_PER_MS)
/* The spin a grown busy-poll window may cost per packet of the cycle
 * before the quiet spell: a batch of 30 (http's convoy: ~60) pays for a
 * 300 us window, a paced request every 100 us does not. */
#define LCORE_BUSY_POLL_NS_PER_PKT (10 * PN_NS_PER_US)
/* Packets of a cycle counted, at most (no overflow in the product). */
#define LCORE_BUSY_POLL_BATCH_MAX (1u << 20)

/* The configured busy-poll window (napi.busy_poll_us), in ns: the fixed
 * window, and the floor of the adaptive one. */
static inline uint64_t
busy_poll_base_ns(const struct pn_lcore *lc)
{
	return (uint64_t)lc->conf.busy_poll_us * PN_NS_PER_US;
}

/* --- TX --- */

static uint16_t
lcore_dev_tx_burst(struct pn_lcore *lc, uint16_t port, uint16_t queue,
		   struct rte_mbuf **pkts, uint16_t n)
{
	RTE_SET_USED(lc);
	return rte_eth_tx_burst(port, queue, pkts, n);
}

/* Held packets go to the device in runs of at most this many. */
#define TXQ_HOLD_BURST 256

/* One burst of @p pkts to @p q's device queue, with the retries.
 * @return how many the device took. */
static uint16_t
txq_burst(struct pn_lcore *lc, struct pn_txq *q, struct rte_mbuf **pkts,
	  uint16_t n)
{
	uint16_t sent = 0;
	uint32_t tries = 0;

	for (;;) {
		sent += lc->ops.tx_burst(lc, q->port, q->queue, pkts + sent,
					 n - sent);
		lc->stat.tx_bursts++;
		if (sent == n || tries++ >= lc->conf.tx_retries)
			break;
	}
	q->packets += sent;
	lc->stat.tx_packets += sent;
	return sent;
}

/* The held packets to the device, oldest first. @return true when none
 * is left. */
static bool
txq_drain_held(struct pn_lcore *lc, struct pn_txq *q)
{
	uint32_t cap = q->hold_cap;

	while (q->hold_len > 0) {
		uint32_t run = RTE_MIN(q->hold_len, cap - q->hold_head);
		uint16_t k = (uint16_t)RTE_MIN(run, (uint32_t)TXQ_HOLD_BURST);
		uint16_t sent = txq_burst(lc, q, q->hold + q->hold_head, k);

		q->hold_head = (q->hold_head + sent) % cap;
		q->hold_len -= sent;
		lc->tx_held_now -= sent;
		/* the device moves: poll on (the busy-poll window), as no
		 * interrupt says it has room again; when it does not, the
		 * lcore naps: what comes in (the peer's ACKs, answers), a
		 * TCP timer or the nap's end (1 ms, longer while the device
		 * takes nothing) wakes it, and the flush tries again */
		if (sent > 0) {
			lc->last_work_ns = lc->now;
			lc->hold_nap_shift = 0;
		}
		if (sent < k)
			return false;
	}
	q->hold_head = 0;
	q->hold_backoff = 0;
	return true;
}

/* Rounds a try that sent nothing waits at most: 1 << this. */
#define TXQ_HOLD_BACKOFF_MAX 3

/* May the held packets of @p q go to the device now? Linux retries a
 * stopped queue only when the driver wakes it (netif_tx_wake_queue ->
 * net_tx_action); nothing tells us the device has room, so we try at most
 * once a round, and after a try it took nothing of, after 2, 4, then 8
 * rounds: a device that stays full (a starved peer) costs a burst every
 * 8 rounds, not one every round. */
static inline bool
txq_hold_due(struct pn_lcore *lc, struct pn_txq *q)
{
	if (lc->stat.rounds >= q->hold_next_round)
		return true;
	lc->stat.tx_hold_waits++;
	return false;
}

/* After a flush that tried the device and left packets held. */
static void
txq_hold_backoff(struct pn_lcore *lc, struct pn_txq *q, bool moved)
{
	if (moved)
		q->hold_backoff = 0;
	else if (q->hold_backoff < TXQ_HOLD_BACKOFF_MAX)
		q->hold_backoff++;
	q->hold_next_round = lc->stat.rounds + (1u << q->hold_backoff);
}

/* What the device refused: held behind what is held already, as many as
 * tx_queue_len allows; the rest dropped as TX_FULL. */
static void
txq_hold(struct pn_lcore *lc, struct pn_txq *q, struct rte_mbuf **pkts,
	 uint16_t n)
{
	uint32_t cap, k, i;

	if (q->hold == NULL && lc->conf.tx_queue_len > 0) {
		q->hold = calloc(lc->conf.tx_queue_len, sizeof(*q->hold));
		q->hold_cap = q->hold != NULL ? lc->conf.tx_queue_len : 0;
	}
	cap = q->hold_cap;
	k = RTE_MIN(cap - q->hold_len, (uint32_t)n);
	for (i = 0; i < k; i++)
		q->hold[(q->hold_head + q->hold_len + i) % cap] = pkts[i];
	q->hold_len += k;
	lc->tx_held_now += k;
	lc->stat.tx_held += k;
	if (k < n) {
		q->dropped += n - k;
		pn_drop_bulk(lc, pkts + k, (uint16_t)(n - k), PN_DROP_TX_FULL);
	}
}

/* @p q's held packets, then @p pkts; what the device refuses is held. */
static void
txq_send(struct pn_lcore *lc, struct pn_txq *q, struct rte_mbuf **pkts,
	 uint16_t n)
{
	uint64_t before = q->packets;
	uint16_t sent = 0;

	if (q->hold_len > 0 && !txq_hold_due(lc, q)) {
		txq_hold(lc, q, pkts, n);	/* behind the held, in order */
		return;
	}
	/* A device queue shared by several lcores: one burst at a time
	 * (rte_eth_tx_burst is not safe on one queue from two lcores). */
	if (q->lock != NULL)
		rte_spinlock_lock(q->lock);
	if ((q->hold_len == 0 || txq_drain_held(lc, q)) && n > 0)
		sent = txq_burst(lc, q, pkts, n);
	if (q->lock != NULL)
		rte_spinlock_unlock(q->lock);
	if (unlikely(sent < n))
		txq_hold(lc, q, pkts + sent, (uint16_t)(n - sent));
	if (unlikely(q->hold_len > 0))
		txq_hold_backoff(lc, q, q->packets != before);
}

/* The next round tries every queue's held packets: after a sleep, or
 * before the held are dropped. */
static void
txq_hold_due_all(struct pn_lcore *lc)
{
	uint8_t i;

	for (i = 0; i < lc->nb_txq; i++)
		lc->txq[i].hold_next_round = 0;
}

void
pn_txq_flush(struct pn_lcore *lc, struct pn_txq *q)
{
	uint16_t n = q->len;

	if (n == 0 && q->hold_len == 0)
		return;
	q->len = 0;
	txq_send(lc, q, q->buf, n);
}

void
pn_txq_push_bulk(struct pn_lcore *lc, struct pn_txq *q,
		 struct rte_mbuf **pkts, uint16_t n)
{
	/* Always through the buffer: sending a caller's 32-packet burst
	 * straight to virtio_user halved the bursts and doubled the kicks
	 * (txonly virtio -> vhost fell from 8.3 to 2.1 Mpps). */
	while (n > 0) {
		uint16_t room = (uint16_t)(PN_TX_BUF_SIZE - q->len);
		uint16_t k = n < room ? n : room;

		memcpy(q->buf + q->len, pkts, k * sizeof(*pkts));
		q->len = (uint16_t)(q->len + k);
		pkts += k;
		n = (uint16_t)(n - k);
		if (q->len == PN_TX_BUF_SIZE)
			pn_txq_flush(lc, q);
	}
}

struct pn_txq *
pn_lcore_txq(struct pn_lcore *lc, uint16_t port, uint16_t queue)
{
	uint8_t i;

	for (i = 0; i < lc->nb_txq; i++)
		if (lc->txq[i].port == port && lc->txq[i].queue == queue)
			return &lc->txq[i];
	return NULL;
}

void
pn_tx(struct pn_lcore *lc, uint16_t port, struct rte_mbuf *m)
{
	if (port >= PN_MAX_PORTS || lc->txq_of_port[port] < 0) {
		pn_drop(lc, m, PN_DROP_NO_TXQ);
		return;
	}
	pn_txq_push(lc, &lc->txq[lc->txq_of_port[port]], m);
}

static void
tx_flush_all(struct pn_lcore *lc)
{
	uint8_t i;

	for (i = 0; i < lc->nb_txq; i++)
		pn_txq_flush(lc, &lc->txq[i]);
}

void
pn_tx_flush(struct pn_lcore *lc)
{
	tx_flush_all(lc);
	/* the devices took all they had refused: who waited for that sends
	 * now, in this flush (Linux: TX completion runs tcp_tsq_handler) */
	if (unlikely(lc->tx_drain_wanted) && lc->tx_held_now == 0) {
		lc->tx_drain_wanted = false;
		lc->stat.tx_drained++;
		if (lc->tx_drained != NULL) {
			lc->tx_drained(lc, lc->tx_drained_arg);
			tx_flush_all(lc);
		}
	}
}

/* --- drops --- */

void
pn_drop(struct pn_lcore *lc, struct rte_mbuf *m, enum pn_drop_reason reason)
{
	lc->stat.drop[reason]++;
	lc->stat.drops++;
	rte_pktmbuf_free(m);
}

void
pn_drop_bulk(struct pn_lcore *lc, struct rte_mbuf **pkts, uint16_t n,
	     enum pn_drop_reason reason)
{
	if (n == 0)
		return;
	lc->stat.drop[reason] += n;
	lc->stat.drops += n;
	rte_pktmbuf_free_bulk(pkts, n);
}

/* --- RX: steering, backlog, delivery --- */

static inline void
lcore_handle(struct pn_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	if (lc->rx_handler != NULL)
		lc->rx_handler(lc, pkts, n, lc->rx_arg);
	else
		pn_drop_bulk(lc, pkts, n, PN_DROP_NO_HANDLER);
}

static void
lcore_handle_timed(struct pn_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	enum pn_lcore_phase prev;
	uint64_t bytes = 0;
	uint16_t i;

	for (i = 0; i < n; i++)
		bytes += pkts[i]->pkt_len;
	lc->cyc.rx_packets += n;
	lc->cyc.rx_bytes += bytes;
	prev = pn_lcore_phase(lc, PN_PHASE_INPUT);
	lcore_handle(lc, pkts, n);
	pn_lcore_phase(lc, prev);
}

static inline void
lcore_deliver(struct pn_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	if (n == 0)
		return;
	if (unlikely(lc->cyc.on))
		lcore_handle_timed(lc, pkts, n);
	else
		lcore_handle(lc, pkts, n);
}

/* enqueue_to_backlog: hand packets to their owner, wake it if asleep. */
static void
lcore_steer_to(struct pn_lcore *lc, struct pn_lcore *owner,
	       struct rte_mbuf **pkts, uint16_t n)
{
	unsigned int done;

	done = rte_ring_mp_enqueue_burst(owner->backlog_ring, (void **)pkts,
					 n, NULL);
	lc->stat.steered_out += done;
	if (done < n)
		pn_drop_bulk(lc, pkts + done, (uint16_t)(n - done),
			     PN_DROP_BACKLOG_FULL);
	if (done > 0)
		pn_lcore_kick(owner);
}

static void
lcore_rx_steer(struct pn_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	struct pn_shards *sh = lc->shards;
	struct rte_mbuf *out[PN_RX_BURST_MAX];
	int16_t owner[PN_RX_BURST_MAX]; /* -1 ours, -2 already steered */
	uint16_t i, j, keep = 0, nout;
	bool foreign = false;

	if (!sh->steering || sh->n < 2) {
		lcore_deliver(lc, pkts, n);
		return;
	}
	for (i = 0; i < n; i++) {
		int o = pn_steer_mbuf_owner(&sh->steer, pkts[i]);

		if (o < 0 || o == lc->shard || o >= sh->n || sh->lc[o] == NULL)
			o = -1;
		owner[i] = (int16_t)o;
		foreign |= o >= 0;
	}
	/* One enqueue per owner, each flow keeping its order. */
	for (i = 0; foreign && i < n; i++) {
		int16_t o = owner[i];

		if (o < 0)
			continue;
		nout = 0;
		for (j = i; j < n; j++) {
			if (owner[j] == o) {
				out[nout++] = pkts[j];
				owner[j] = -2;
			}
		}
		lcore_steer_to(lc, sh->lc[o], out, nout);
	}
	for (i = 0; i < n; i++)
		if (owner[i] == -1)
			pkts[keep++] = pkts[i];
	lcore_deliver(lc, pkts, keep);
}

/*
 * A split poll (napi.split): this round takes half of @p n (at least
 * napi.split), the rest waits in @p s's stash, in order, for the start of
 * the next round, after this round's TX burst. A convoy of connections
 * that arrives as one burst is answered in two halves, the peer working on
 * the first half's answers while this lcore does the second. Only a
 * round's first poll of an instance, of at most LCORE_SPLIT_MAX x
 * napi.split packets and under its weight, splits: a deep ring
 * (request/response over many connections) keeps its full rounds. Called once per poll, with the stash empty (the round delivers
 * it before polling).
 * @return how many packets this round takes.
 */
static uint16_t
lcore_rx_split(struct pn_lcore *lc, struct pn_napi *s, struct rte_mbuf **pkts,
	       uint16_t n)
{
	unsigned int keep = RTE_MAX(lc->conf.split, (n + 1u) / 2);

	if (n - keep > RTE_DIM(s->stash))	/* a burst over 512 */
		keep = n - (unsigned int)RTE_DIM(s->stash);
	memcpy(s->stash, pkts + keep, (n - keep) * sizeof(*pkts));
	s->stash_len = (uint16_t)(n - keep);
	lc->stashed_now += s->stash_len;
	lc->stat.rx_split++;
	lc->stat.rx_stashed += s->stash_len;
	lc->split_napi = NULL;	/* one split a poll: order kept */
	return (uint16_t)keep;
}

/* The stash of @p s to the stack, before anything newer from it. */
static uint16_t
lcore_stash_deliver(struct pn_lcore *lc, struct pn_napi *s)
{
	uint16_t k = s->stash_len;

	s->stash_len = 0;
	lc->stashed_now -= k;
	lcore_rx_steer(lc, s->stash, k);
	return k;
}

void
pn_lcore_loopback(struct pn_lcore *lc, struct rte_mbuf *m)
{
	const struct pn_shards *sh = lc->shards;
	struct pn_lcore *owner = lc;
	int o;

	lc->stat.looped++;
	if (sh->n >= 2) {
		o = pn_steer_mbuf_owner(&sh->steer, m);
		if (o >= 0 && o < sh->n && sh->lc[o] != NULL)
			owner = sh->lc[o];
	}
	if (rte_ring_mp_enqueue(owner->backlog_ring, m) != 0) {
		pn_drop(lc, m, PN_DROP_BACKLOG_FULL);
		return;
	}
	if (owner != lc)
		pn_lcore_kick(owner);
}

/* Outside a round's poll phase, the after-RX hook runs at once (GRO flush). */
void
pn_lcore_rx(struct pn_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	/* Only a convoy of a few connections: from 3 x napi.split packets
	 * on, many connections are waiting (request/response over
	 * hundreds) and whole rounds batch better. */
	if (lc->split_napi != NULL && n > lc->conf.split &&
	    n <= LCORE_SPLIT_MAX * lc->conf.split &&
	    n < lc->split_napi->weight)
		n = lcore_rx_split(lc, lc->split_napi, pkts, n);
	lcore_rx_steer(lc, pkts, n);
	if (!lc->in_poll && lc->after_rx != NULL)
		lc->after_rx(lc, lc->after_rx_arg);
}

static int
backlog_poll(struct pn_lcore *lc, struct pn_napi *n, int weight)
{
	struct rte_mbuf *pkts[PN_RX_BURST_MAX];
	unsigned int got;

	RTE_SET_USED(n);
	/* most rounds, and always on one lcore: nothing was steered here */
	if (rte_ring_empty(lc->backlog_ring))
		return 0;
	got = rte_ring_sc_dequeue_burst(lc->backlog_ring, (void **)pkts,
					(unsigned int)RTE_MIN(weight,
							      PN_RX_BURST_MAX),
					NULL);
	lc->stat.steered_in += got;
	lcore_deliver(lc, pkts, (uint16_t)got);
	return (int)got;
}

static const struct pn_napi_ops backlog_ops = {
	.poll = backlog_poll,
	/* Woken through wake_fd by the steering lcore: no IRQ of its own. */
};

/* --- set-up --- */

static int
lcore_dev_wait(struct pn_lcore *lc, uint64_t timeout_ns);

int
pn_lcore_init(struct pn_lcore *lc, struct pn_shards *shards, uint16_t shard,
	      const struct pn_napi_conf *conf, struct pn_clock *clock,
	      int socket_id)
{
	char name[RTE_RING_NAMESIZE];
	char err[160];
	int rc;

	if (shards == NULL || shard >= PN_MAX_SHARDS || clock == NULL)
		return -EINVAL;
	if (pn_napi_conf_check(conf, err, sizeof(err)) < 0) {
		PN_CORE_LOG(ERR, "lcore shard %u: %s", shard, err);
		return -EINVAL;
	}
	memset(lc, 0, sizeof(*lc));
	lc->shard = shard;
	lc->lcore_id = rte_lcore_id();
	lc->shards = shards;
	lc->clock = clock;
	lc->conf = *conf;
	lc->ops.tx_burst = lcore_dev_tx_burst;
	lc->ops.wait = lcore_dev_wait;
	lc->wake_fd = -1;
	memset(lc->txq_of_port, -1, sizeof(lc->txq_of_port));
	lc->now = pn_clock_now(clock);
	lc->last_work_ns = lc->now;
	lc->busy_poll_ns = busy_poll_base_ns(lc);
	lc->busy_poll_until = UINT64_MAX;

	rc = pn_timer_wheel_init(&lc->timers, LCORE_TIMER_TICK_NS,
				 LCORE_TIMER_SLOTS, lc->now);
	if (rc < 0)
		return rc;

	snprintf(name, sizeof(name), "pn_backlog_%d_%u", getpid(), shard);
	lc->backlog_ring = rte_ring_create(name, conf->backlog_size, socket_id,
					   RING_F_SC_DEQ);
	if (lc->backlog_ring == NULL) {
		rc = -rte_errno;
		PN_CORE_LOG(ERR, "lcore shard %u: backlog ring of %u: %s",
			    shard, conf->backlog_size, rte_strerror(rte_errno));
		goto err_timers;
	}
	snprintf(name, sizeof(name), "pn_msg_%d_%u", getpid(), shard);
	lc->msg_ring = rte_ring_create_elem(name, sizeof(struct pn_msg),
					    LCORE_MSG_RING, socket_id,
					    RING_F_SC_DEQ);
	if (lc->msg_ring == NULL) {
		rc = -rte_errno;
		PN_CORE_LOG(ERR, "lcore shard %u: message ring: %s", shard,
			    rte_strerror(rte_errno));
		goto err_ring;
	}
	lc->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (lc->wake_fd < 0) {
		rc = -errno;
		goto err_msg;
	}

	lc->backlog.ops = &backlog_ops;
	lc->backlog.weight = (uint16_t)conf->weight;
	lc->backlog.irq_ok = true;
	snprintf(lc->backlog.name, sizeof(lc->backlog.name), "backlog");
	rc = pn_lcore_add_napi(lc, &lc->backlog);
	if (rc < 0)
		goto err_fd;
	pn_msg_napi_init(&lc->msgs);
	rc = pn_lcore_add_napi(lc, &lc->msgs);
	if (rc < 0)
		goto err_fd;

	shards->lc[shard] = lc;
	if (shards->n <= shard)
		shards->n = shard + 1;
	return 0;

err_fd:
	close(lc->wake_fd);
	lc->wake_fd = -1;
err_msg:
	rte_ring_free(lc->msg_ring);
	lc->msg_ring = NULL;
err_ring:
	rte_ring_free(lc->backlog_ring);
	lc->backlog_ring = NULL;
err_timers:
	pn_timer_wheel_fini(&lc->timers);
	return rc;
}

void
pn_lcore_fini(struct pn_lcore *lc)
{
	struct rte_mbuf *pkts[64];
	unsigned int n;
	uint8_t i;

	txq_hold_due_all(lc);
	pn_tx_flush(lc);
	for (i = 0; i < lc->nb_txq; i++) {
		struct pn_txq *q = &lc->txq[i];

		for (; q->hold_len > 0; q->hold_len--) {
			pn_drop(lc, q->hold[q->hold_head], PN_DROP_SHUTDOWN);
			q->hold_head = (q->hold_head + 1) % q->hold_cap;
		}
		free(q->hold);
		q->hold = NULL;
		q->hold_cap = 0;
	}
	lc->tx_held_now = 0;
	/* Stashes the loop did not deliver (it never stopped: driven by
	 * pn_lcore_poll, the stack already freed) go as the backlog does. */
	for (i = 0; i < lc->nb_napi && lc->stashed_now > 0; i++) {
		struct pn_napi *s = lc->napi[i];

		lc->stashed_now -= s->stash_len;
		pn_drop_bulk(lc, s->stash, s->stash_len, PN_DROP_SHUTDOWN);
		s->stash_len = 0;
	}
	if (lc->backlog_ring != NULL) {
		while ((n = rte_ring_dequeue_burst(lc->backlog_ring,
						   (void **)pkts, 64,
						   NULL)) > 0)
			pn_drop_bulk(lc, pkts, (uint16_t)n, PN_DROP_SHUTDOWN);
		rte_ring_free(lc->backlog_ring);
		lc->backlog_ring = NULL;
	}
	rte_ring_free(lc->msg_ring);
	lc->msg_ring = NULL;
	if (lc->wake_fd >= 0) {
		close(lc->wake_fd);
		lc->wake_fd = -1;
	}
	pn_timer_wheel_fini(&lc->timers);
	if (lc->shards != NULL && lc->shards->lc[lc->shard] == lc)
		lc->shards->lc[lc->shard] = NULL;
}

int
pn_lcore_add_napi(struct pn_lcore *lc, struct pn_napi *n)
{
	if (lc->nb_napi >= PN_LCORE_MAX_NAPI)
		return -ENOSPC;
	if (n->weight == 0)
		n->weight = (uint16_t)lc->conf.weight;
	if (n->ops->irq_setup == NULL)
		n->irq_ok = true;
	lc->order[lc->nb_napi] = lc->nb_napi;
	lc->napi[lc->nb_napi++] = n;
	return 0;
}

int
pn_lcore_add_txq(struct pn_lcore *lc, uint16_t port, uint16_t queue)
{
	struct pn_txq *q;

	if (port >= PN_MAX_PORTS || lc->nb_txq >= PN_LCORE_MAX_TXQ)
		return -ENOSPC;
	if (pn_lcore_txq(lc, port, queue) != NULL)
		return -EEXIST;
	q = &lc->txq[lc->nb_txq];
	memset(q, 0, sizeof(*q));
	q->port = port;
	q->queue = queue;
	if (lc->txq_of_port[port] < 0)
		lc->txq_of_port[port] = (int8_t)lc->nb_txq;
	lc->nb_txq++;
	return 0;
}

int
pn_lcore_share_txq(struct pn_lcore *lc, uint16_t port, uint16_t queue,
		   rte_spinlock_t *lock)
{
	struct pn_txq *q = pn_lcore_txq(lc, port, queue);

	if (lock == NULL)
		return -EINVAL;
	if (q == NULL)
		return -ENOENT;
	q->lock = lock;
	return 0;
}

void
pn_lcore_set_rx_handler(struct pn_lcore *lc, pn_rx_handler_fn fn, void *arg)
{
	lc->rx_handler = fn;
	lc->rx_arg = arg;
}

/* --- the loop --- */

void
pn_lcore_set_after_rx(struct pn_lcore *lc, pn_hook_fn fn, void *arg)
{
	lc->after_rx = fn;
	lc->after_rx_arg = arg;
}

void
pn_lcore_set_tx_drained(struct pn_lcore *lc, pn_hook_fn fn, void *arg)
{
	lc->tx_drained = fn;
	lc->tx_drained_arg = arg;
}

static const char *const phase_names[PN_PHASE__MAX] = {
	[PN_PHASE_POLL] = "poll",	[PN_PHASE_GRO] = "gro",
	[PN_PHASE_INPUT] = "input",	[PN_PHASE_TIMERS] = "timers",
	[PN_PHASE_TX] = "tx",		[PN_PHASE_EVENTS] = "events",
	[PN_PHASE_APP] = "app",		[PN_PHASE_IDLE] = "idle",
	[PN_PHASE_EMPTY] = "empty",
};

const char *
pn_lcore_phase_name(enum pn_lcore_phase p)
{
	return (unsigned int)p < PN_PHASE__MAX ? phase_names[p] : "?";
}

void
pn_lcore_cycles_enable(struct pn_lcore *lc, bool on)
{
	if (on && !lc->cyc.on) {
		memset(&lc->cyc, 0, sizeof(lc->cyc));
		lc->cyc.cur = PN_PHASE_APP;
		lc->cyc.t0 = rte_rdtsc();
	} else if (!on && lc->cyc.on) {
		pn_lcore_phase(lc, PN_PHASE_APP); /* charge the last stretch */
	}
	lc->cyc.on = on;
}

/* A phase boundary, compiled out of the untimed copy of the round. */
#define ROUND_PHASE(lc, timed, p) do { \
		if (timed) \
			pn_lcore_phase(lc, p); \
	} while (0)

/* The phases a round goes through, POLL .. EVENTS. */
#define ROUND_PHASES (PN_PHASE_EVENTS + 1)

/* A round that found nothing: its cycles move to PN_PHASE_EMPTY. */
static void
round_charge_empty(struct pn_lcore *lc, const uint64_t *before)
{
	unsigned int p;

	for (p = 0; p < ROUND_PHASES; p++) {
		lc->cyc.cycles[PN_PHASE_EMPTY] += lc->cyc.cycles[p] - before[p];
		lc->cyc.cycles[p] = before[p];
	}
}

/* One round; instantiated timed and untimed so that, with accounting
 * off, the round tests the flag once. */
static __rte_always_inline unsigned int
lcore_round(struct pn_lcore *lc, const bool timed)
{
	uint8_t list[PN_LCORE_MAX_NAPI], done[PN_LCORE_MAX_NAPI];
	unsigned int nl = lc->nb_napi, nd = 0, head = 0, work = 0, fired, k;
	uint32_t polled = 0;	/* instances polled this round, by id */
	int64_t budget = lc->conf.budget;
	uint64_t t_end, before[ROUND_PHASES], tx0 = 0;

	RTE_BUILD_BUG_ON(PN_PHASE_POLL != 0 || PN_PHASE_APP != ROUND_PHASES);
	if (timed) {
		memcpy(before, lc->cyc.cycles, sizeof(before));
		tx0 = lc->stat.tx_packets;
	}
	ROUND_PHASE(lc, timed, PN_PHASE_POLL);
	lc->now = pn_clock_now(lc->clock);
	t_end = lc->now + (uint64_t)lc->conf.time_limit_us * PN_NS_PER_US;
	lc->stat.rounds++;
	/*
	 * The poll list is a ring over list[]; copied whole, a constant
	 * size is two moves, where copies and a memmove of nl bytes were
	 * six libc calls a round (~90 instructions, most rounds polling
	 * nothing).
	 */
	RTE_BUILD_BUG_ON((PN_LCORE_MAX_NAPI & (PN_LCORE_MAX_NAPI - 1)) != 0);
	memcpy(list, lc->order, sizeof(list));

	/* What the application sent since goes out before a stash is
	 * worked on: the peer gets the first half's answers now. */
	if (unlikely(lc->stashed_now > 0))
		pn_tx_flush(lc);

	/* Phase 1: poll RX, round robin within budget and time limit. */
	lc->in_poll = true;
	while (nl > 0) {
		uint8_t id = list[head];
		struct pn_napi *n = lc->napi[id];
		int w, got, stashed = n->stash_len;

		if (unlikely(stashed > 0))	/* last round's rest first */
			lcore_stash_deliver(lc, n);
		/* Only a round's first poll of an instance may split: one
		 * that follows a full poll is part of a deep ring. */
		if (n->split && lc->conf.split > 0 && !(polled & 1u << id))
			lc->split_napi = n;
		polled |= 1u << id;
		got = n->ops->poll(lc, n, n->weight);
		lc->split_napi = NULL;
		n->polls++;
		n->packets += (uint64_t)got;
		/* handled this round: the old stash, the poll less the new */
		w = stashed + got - n->stash_len;
		work += (unsigned int)w;
		budget -= w;
		head = (head + 1) % PN_LCORE_MAX_NAPI;
		nl--;
		if (got >= n->weight)
			n->full_polls++;
		/* Used its whole weight: more may wait; to the tail, unless
		 * it stashed (nothing newer may pass the stash). */
		if (got >= n->weight && n->stash_len == 0) {
			list[(head + nl++) % PN_LCORE_MAX_NAPI] = id;
		} else {
			done[nd++] = id;
		}
		if (nl == 0)
			break;
		if (budget <= 0) {
			lc->stat.time_squeeze++;
			lc->stat.budget_squeeze++;
			break;
		}
		/* A poll that found nothing took no time worth a clock read
		 * (two of a quiet round's four reads). */
		if (w == 0)
			continue;
		lc->now = pn_clock_now(lc->clock);
		if (lc->now >= t_end) {
			lc->stat.time_squeeze++;
			break;
		}
	}
	lc->in_poll = false;
	/* Next round: the unfinished first, then the rest in poll order. */
	for (k = 0; k < nl + nd; k++)	/* one loop: two became memcpy calls */
		lc->order[k] = k < nl ? list[(head + k) % PN_LCORE_MAX_NAPI] :
					done[k - nl];
	lc->stat.processed += work;
	if (work > 0)
		lc->stat.busy_rounds++;

	/* Phase 2: GRO flush and protocol input. */
	if (lc->after_rx != NULL) {
		ROUND_PHASE(lc, timed, PN_PHASE_INPUT);
		lc->after_rx(lc, lc->after_rx_arg);
	}

	/* Phase 3: timers. */
	ROUND_PHASE(lc, timed, PN_PHASE_TIMERS);
	lc->now = pn_clock_now(lc->clock);
	fired = pn_timer_wheel_run(&lc->timers, lc->now);
	lc->stat.timers += fired;

	/* Phase 4: TX flush, one burst per queue. */
	ROUND_PHASE(lc, timed, PN_PHASE_TX);
	pn_tx_flush(lc);

	/* Phase 5: socket and epoll events. */
	if (lc->events != NULL) {
		ROUND_PHASE(lc, timed, PN_PHASE_EVENTS);
		lc->events(lc, lc->events_arg);
	}
	ROUND_PHASE(lc, timed, PN_PHASE_APP);
	if (timed && work == 0 && fired == 0 && lc->stat.tx_packets == tx0)
		round_charge_empty(lc, before);
	return work;
}

unsigned int
pn_lcore_round(struct pn_lcore *lc)
{
	if (unlikely(lc->cyc.on))
		return lcore_round(lc, true);
	return lcore_round(lc, false);
}

static void
lcore_irq_disable(struct pn_lcore *lc, const bool *armed)
{
	uint8_t i;

	for (i = 0; i < lc->nb_napi; i++)
		if (armed[i])
			lc->napi[i]->ops->irq_disable(lc, lc->napi[i]);
}

static int lcore_sleep(struct pn_lcore *lc, uint64_t deadline,
		       pn_lcore_ready_fn ready, void *arg);

/* The busy-poll window back to busy_poll_us (adaptive: shrunk). */
static void
lcore_busy_poll_reset(struct pn_lcore *lc)
{
	uint64_t base = busy_poll_base_ns(lc);

	lc->busy_poll_until = UINT64_MAX;
	lc->spell_processed = lc->stat.processed;	/* a new cycle */
	if (lc->busy_poll_ns != base) {
		lc->busy_poll_ns = base;
		lc->stat.busy_poll_shrinks++;
	}
}

/*
 * The sleep decision; the sleep ends by @p deadline (ns) at the latest and
 * is given up when @p ready says the caller has something to do. Inline:
 * after most rounds it says no at once (a round with work, a busy-polling
 * lcore), where a call cost a frame and its zeroed flags every round.
 */
static __rte_always_inline int
lcore_idle(struct pn_lcore *lc, unsigned int work, uint64_t deadline,
	   pn_lcore_ready_fn ready, void *arg)
{
	if (work > 0 || lc->stashed_now > 0) {	/* no sleep on a stash */
		lc->last_work_ns = lc->now;
		return 0;
	}
	if (!lc->conf.sleep || deadline <= lc->now) /* timeout 0: no sleep */
		return 0;
	if (lc->now - lc->last_work_ns < lc->busy_poll_ns) {
		/* A grown window is learnt afresh now and then: a spin that
		 * never ends in a sleep learns nothing, and the load that
		 * grew it may be gone. An idle round's compare. */
		if (unlikely(lc->now >= lc->busy_poll_until))
			lcore_busy_poll_reset(lc);
		return 0;
	}
	return lcore_sleep(lc, deadline, ready, arg);
}

/*
 * The adaptive busy-poll window (napi.busy_poll_max_us), after a sleep,
 * in the spirit of NVMe/io_uring hybrid polling and Linux's
 * napi_defer_hard_irqs: a sleep that a packet (@p woken) ended soon after
 * the last work was a busy poll missed by a short way, and cost a wake-up
 * (tens of us on a VM's vCPU); the window grows to cover that gap, with a
 * quarter to spare, up to the cap. Two peers whose batches outlast each
 * other's window (http, 64 connections) otherwise sleep every cycle.
 * Only for a batch, though: the spin may cost 10 us per packet of the
 * cycle (@p batch, handled since the last quiet spell) at most, so a
 * light, regular trickle (a request every 100 us) still sleeps between
 * packets as with the fixed window. Anything else (a sleep that lasted to
 * the cap, that the timeout ended, a trickle) brings it back to
 * busy_poll_us. Learnt here, out of line: a busy round pays nothing more.
 */
static void
lcore_busy_poll_learn(struct pn_lcore *lc, bool woken, uint64_t batch)
{
	uint64_t base = busy_poll_base_ns(lc);
	uint64_t cap = (uint64_t)lc->conf.busy_poll_max_us * PN_NS_PER_US;
	uint64_t gap = lc->now - lc->last_work_ns;
	uint64_t w;

	if (cap <= base)
		return;
	batch = RTE_MIN(batch, LCORE_BUSY_POLL_BATCH_MAX);
	if (!woken || gap >= cap ||
	    gap > batch * LCORE_BUSY_POLL_NS_PER_PKT) {
		lcore_busy_poll_reset(lc);
		return;
	}
	w = RTE_MIN(gap + gap / 4, cap);
	if (w > lc->busy_poll_ns) {
		lc->busy_poll_ns = w;
		lc->stat.busy_poll_grows++;
	}
	lc->busy_poll_until = lc->now + LCORE_BUSY_POLL_RELEARN_NS;
}

/* lcore_idle once the quiet spell is over: sleep unless a timer is near
 * or the last look finds work. */
static int __rte_noinline
lcore_sleep(struct pn_lcore *lc, uint64_t deadline, pn_lcore_ready_fn ready,
	    void *arg)
{
	bool armed[PN_LCORE_MAX_NAPI] = { false };
	bool nap = false;
	uint64_t next, timeout, t0, batch;
	uint8_t i;
	int rc;

	/* the cycle that this quiet spell ends: its packets */
	batch = lc->stat.processed - lc->spell_processed;
	lc->spell_processed = lc->stat.processed;
	next = pn_timer_wheel_next(&lc->timers);
	if (next != UINT64_MAX) /* timers fire on tick boundaries */
		next = RTE_ALIGN_MUL_CEIL(next, lc->timers.tick_ns);
	next = RTE_MIN(next, deadline);
	if (next <= lc->now)
		return 0;
	timeout = next == UINT64_MAX ? UINT64_MAX : next - lc->now;
	if (timeout < LCORE_MIN_SLEEP_NS)
		return 0;

	pn_lcore_phase(lc, PN_PHASE_IDLE);
	/* napi_complete_done: re-enable interrupts... */
	for (i = 0; i < lc->nb_napi; i++) {
		struct pn_napi *n = lc->napi[i];

		if (n->ops->irq_enable == NULL)
			continue;
		if (n->irq_ok && n->ops->irq_enable(lc, n) == 0)
			armed[i] = true;
		else
			nap = true;
	}
	atomic_store(&lc->sleeping, 1);
	atomic_thread_fence(memory_order_seq_cst);
	/*
	 * ...then look once more: what arrived before the interrupt was armed
	 * raised none (and steered packets may have seen sleeping == 0).
	 */
	if (pn_lcore_round(lc) > 0 ||
	    atomic_load_explicit(&lc->stop, memory_order_relaxed) ||
	    (ready != NULL && ready(arg))) {
		lcore_irq_disable(lc, armed);
		atomic_store(&lc->sleeping, 0);
		lc->stat.sleep_aborts++;
		lc->last_work_ns = lc->now;
		return 0;
	}
	pn_lcore_phase(lc, PN_PHASE_IDLE); /* the look was a round */
	/*
	 * Packets held for a full device queue: Linux's driver wakes the
	 * stopped queue from its TX-completion interrupt; virtio_user and
	 * net_vhost give none, and an RX interrupt or a TCP timer may be far
	 * off when the peer is asleep too. A nap bounds that wait.
	 */
	if (nap) {
		timeout = RTE_MIN(timeout, LCORE_NAP_NS);
		lc->stat.naps++;
	} else if (lc->tx_held_now > 0) {
		/* 1 ms, then twice as long after each nap the device took
		 * nothing in, up to 128 ms: a link down or a peer gone for
		 * good (Linux: a stopped queue waits for its watchdog) costs
		 * a few wake-ups a second, not a thousand */
		timeout = RTE_MIN(timeout, LCORE_NAP_NS << lc->hold_nap_shift);
		if (lc->hold_nap_shift < LCORE_HOLD_NAP_SHIFT_MAX)
			lc->hold_nap_shift++;
		lc->stat.naps++;
	} else {
		lc->stat.sleeps++;
	}
	t0 = pn_clock_now(lc->clock);
	rc = lc->ops.wait(lc, timeout);
	lcore_irq_disable(lc, armed);
	atomic_store(&lc->sleeping, 0);
	lc->now = pn_clock_now(lc->clock);
	lc->stat.sleep_ns += lc->now - t0;
	if (lc->tx_held_now > 0)
		txq_hold_due_all(lc);	/* time passed: no spin to spare */
	if (rc > 0)
		lc->stat.wakeups++;
	else
		lc->stat.timer_wakeups++;
	lcore_busy_poll_learn(lc, rc > 0, batch);
	pn_lcore_phase(lc, PN_PHASE_APP);
	return 1;
}

int
pn_lcore_idle(struct pn_lcore *lc, unsigned int work)
{
	return lcore_idle(lc, work, UINT64_MAX, NULL, NULL);
}

static void lcore_setup_irqs(struct pn_lcore *lc);

unsigned int
pn_lcore_poll(struct pn_lcore *lc, uint64_t deadline_ns,
	      pn_lcore_ready_fn ready, void *arg)
{
	unsigned int work;

	/*
	 * Driven from an application (pn_epoll_wait) rather than
	 * pn_lcore_run: hook the wake eventfd and RX interrupts into the
	 * thread's epoll once, when the lcore sleeps on the device.
	 */
	if (lc->ops.wait == lcore_dev_wait &&
	    lc->wake_ev.status == RTE_EPOLL_INVALID) {
		lc->lcore_id = rte_lcore_id();
		lcore_setup_irqs(lc);
	}
	work = pn_lcore_round(lc);
	/*
	 * The busy-poll window runs from the last packet, whichever way the
	 * round ends: a round whose packets made the caller ready returns
	 * before lcore_idle, and without this its work went unseen, so the
	 * next quiet round found the window long over and slept (tcp-rr at
	 * one connection slept once a transaction, on either side).
	 */
	if (work > 0)
		lc->last_work_ns = lc->now;
	if (ready != NULL && ready(arg))
		return work;
	lcore_idle(lc, work, deadline_ns, ready, arg);
	return work;
}

static int
lcore_dev_wait(struct pn_lcore *lc, uint64_t timeout_ns)
{
	struct rte_epoll_event ev[8];
	uint64_t drain;
	int tmo, n, i;

	/*
	 * Rounded up, as Linux rounds an epoll timeout up to its clock
	 * granularity: rounded down, the wait ended up to 1 ms early and
	 * the rest of the way to the deadline was busy-polled (an idle
	 * server with a 10 ms epoll_wait timeout spun ~7 % of a CPU).
	 */
	tmo = timeout_ns == UINT64_MAX ? -1 :
	      (int)RTE_MIN((timeout_ns + PN_NS_PER_MS - 1) / PN_NS_PER_MS,
			   (uint64_t)INT_MAX);
	n = rte_epoll_wait(RTE_EPOLL_PER_THREAD, ev, RTE_DIM(ev), tmo);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++)
		if (ev[i].fd == lc->wake_fd &&
		    read(lc->wake_fd, &drain, sizeof(drain)) < 0 &&
		    errno != EAGAIN)
			PN_CORE_LOG(WARNING, "shard %u: wake eventfd: %s",
				    lc->shard, strerror(errno));
	return n > 0 ? 1 : 0;
}

static void
lcore_setup_irqs(struct pn_lcore *lc)
{
	uint8_t i;
	int rc;

	lc->wake_ev.epdata.event = EPOLLIN;
	lc->wake_ev.epdata.data = lc;
	rc = rte_epoll_ctl(RTE_EPOLL_PER_THREAD, EPOLL_CTL_ADD, lc->wake_fd,
			   &lc->wake_ev);
	if (rc < 0)
		PN_CORE_LOG(WARNING, "shard %u: wake eventfd not in epoll (%d)",
			    lc->shard, rc);
	for (i = 0; i < lc->nb_napi; i++) {
		struct pn_napi *n = lc->napi[i];

		if (n->ops->irq_setup == NULL)
			continue;
		rc = n->ops->irq_setup(lc, n);
		n->irq_ok = rc == 0;
		if (rc < 0)
			PN_CORE_LOG(NOTICE,
				    "shard %u: %s: no RX interrupt (%s): naps of 1 ms instead of sleeping",
				    lc->shard, n->name, strerror(-rc));
	}
}

static void
lcore_teardown_irqs(struct pn_lcore *lc)
{
	uint8_t i;

	for (i = 0; i < lc->nb_napi; i++) {
		struct pn_napi *n = lc->napi[i];

		if (n->ops->irq_teardown != NULL && n->irq_ok)
			n->ops->irq_teardown(lc, n);
	}
	if (lc->wake_ev.status != RTE_EPOLL_INVALID)
		rte_epoll_ctl(lc->wake_ev.epfd, EPOLL_CTL_DEL, lc->wake_fd,
			      &lc->wake_ev);
}

int
pn_lcore_run(struct pn_lcore *lc)
{
	unsigned int work;
	uint8_t i;

	lc->lcore_id = rte_lcore_id();
	lcore_setup_irqs(lc);
	lc->now = pn_clock_now(lc->clock);
	lc->last_work_ns = lc->now;
	while (!atomic_load_explicit(&lc->stop, memory_order_relaxed)) {
		work = pn_lcore_round(lc);
		pn_lcore_idle(lc, work);
	}
	for (i = 0; i < lc->nb_napi && lc->stashed_now > 0; i++)
		if (lc->napi[i]->stash_len > 0)
			lcore_stash_deliver(lc, lc->napi[i]);
	if (lc->after_rx != NULL)
		lc->after_rx(lc, lc->after_rx_arg);
	pn_tx_flush(lc);
	lcore_teardown_irqs(lc);
	return 0;
}

void
pn_lcore_wake(struct pn_lcore *lc)
{
	uint64_t one = 1;

	if (lc->wake_fd >= 0 && write(lc->wake_fd, &one, sizeof(one)) < 0 &&
	    errno != EAGAIN)
		PN_CORE_LOG(WARNING, "shard %u: wake: %s", lc->shard,
			    strerror(errno));
}

void
pn_lcore_kick(struct pn_lcore *lc)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&lc->sleeping, memory_order_relaxed))
		pn_lcore_wake(lc);
}

void
pn_lcore_stop(struct pn_lcore *lc)
{
	atomic_store(&lc->stop, true);
	pn_lcore_wake(lc);
}
