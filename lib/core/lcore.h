/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_CORE_LCORE_H
#define PN_CORE_LCORE_H

/*
 * One shard of the stack: everything one lcore owns (its queues, poll
 * list, timers, counters) in one struct, passed first to every data-path
 * call. Fields only the owner touches come first; what other lcores touch
 * (the backlog ring, the wake eventfd, the sleeping and stop flags) lives
 * in its own cache line at the end.
 *
 * The loop, one round (compare Linux net_rx_action and libuv's uv_run):
 *   poll RX (NAPI list, weight/budget/time limit)
 *   -> after-RX hook (GRO flush, protocol input)
 *   -> timers -> TX flush -> events hook
 *   -> sleep decision (busy-poll window, then arm interrupts and sleep)
 *
 * Cycle accounting (off by default, pn_lcore_cycles_enable): the TSC read
 * at each phase boundary, every cycle charged to one phase. It only
 * measures, nothing decides on it (time still comes from the clock). The
 * cycles are wall-clock TSC: time the thread spends preempted is charged
 * to the phase it was in. Off, it costs a flag test per round (the round
 * is compiled twice) and a few per delivered burst; no TSC read.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_epoll.h>
#include <rte_spinlock.h>

#include "clock.h"
#include "drop.h"
#include "msg.h"
#include "napi.h"
#include "steer.h"
#include "timer.h"

struct rte_mbuf;
struct rte_ring;

#define PN_LCORE_MAX_NAPI 16
#define PN_LCORE_MAX_TXQ  8
#define PN_TX_BUF_SIZE    64
#define PN_MAX_SHARDS     64
#define PN_MAX_PORTS      8

/** The NAPI knobs (Linux: napi weight, netdev_budget, *_usecs, busy_poll). */
struct pn_napi_conf {
	uint32_t weight;        /**< packets per instance poll, 1..512 (64) */
	uint32_t budget;        /**< packets per round, 1..65536 (300) */
	uint32_t time_limit_us; /**< round time limit, 1..1000000 (2000) */
	uint32_t busy_poll_us;  /**< idle spell before sleeping, 0..10000000 (50) */
	uint32_t busy_poll_max_us; /**< the idle spell grows up to this after
				 *   sleeps a packet ended soon (missed polls)
				 *   when the cycle was a batch (at most
				 *   10 us of spin per packet), back to
				 *   busy_poll_us after idleness;
				 *   0..10000000, at most busy_poll_us: off,
				 *   a fixed spell (500) */
	uint32_t backlog_size;  /**< backlog ring, power of two 64..65536 (4096) */
	uint32_t tx_retries;    /**< TX burst retries before holding, 0..1000 (0) */
	uint32_t tx_queue_len;  /**< packets held per TX queue while the device
				 *   queue is full, 0..65536 (4096; Linux
				 *   txqueuelen / fq_codel limit); 0: dropped */
	uint32_t split;         /**< a device poll of more than this many
				 *   packets (up to 3 x as many) hands the loop
				 *   half of them (at least this many) this
				 *   round, the rest first thing next round,
				 *   after the TX burst: the peer works on the
				 *   answers while this lcore does the rest.
				 *   0..256, 0: off (8: breaks tcp-rr's and
				 *   tcp-crr's convoys) */
	bool sleep;             /**< sleep on interrupts when idle (true) */
};

/** Set @p c to the defaults above. */
void pn_napi_conf_default(struct pn_napi_conf *c);

/**
 * Check every field of @p c. On error writes one line naming the field,
 * the value and the accepted range into @p err.
 * @return 0 or -EINVAL.
 */
int pn_napi_conf_check(const struct pn_napi_conf *c, char *err, size_t errlen);

/** Per-lcore counters, in the spirit of /proc/net/softnet_stat. */
struct pn_softnet_stat {
	uint64_t rounds;        /**< loop rounds */
	uint64_t busy_rounds;   /**< rounds that processed packets */
	uint64_t processed;     /**< packets returned by NAPI polls */
	uint64_t time_squeeze;  /**< rounds ended with work left (budget or time) */
	uint64_t budget_squeeze;/**< ... of which because the budget ran out */
	uint64_t sleeps;        /**< times the lcore slept with interrupts armed */
	uint64_t naps;          /**< timed sleeps: an interrupt could not be armed, or TX held */
	uint64_t sleep_aborts;  /**< sleeps given up: work found after arming */
	uint64_t wakeups;       /**< sleeps ended by an interrupt or eventfd */
	uint64_t timer_wakeups; /**< sleeps ended by the timeout (next timer) */
	uint64_t sleep_ns;      /**< time spent asleep */
	uint64_t busy_poll_grows;   /**< busy-poll window grown: a packet
				     *   ended a sleep soon after the last work */
	uint64_t busy_poll_shrinks; /**< ... back to busy_poll_us: a long or
				     *   timer-ended sleep, a trickle, or
				     *   100 ms since it grew (learnt again) */
	uint64_t rx_split;      /**< polls split over two rounds (napi.split) */
	uint64_t rx_stashed;    /**< ... packets they left for the next round */
	uint64_t steered_out;   /**< packets handed to another lcore's backlog */
	uint64_t steered_in;    /**< packets taken from this lcore's backlog
				 *   (looped ones too) */
	uint64_t looped;        /**< frames sent to ourselves (loopback) */
	uint64_t tx_packets;    /**< packets accepted by the device */
	uint64_t tx_bursts;     /**< tx_burst calls */
	uint64_t tx_held;       /**< packets the device refused, held to retry */
	uint64_t tx_hold_waits; /**< flushes that left held packets alone:
				 *   tried this round already, or backing off */
	uint64_t tx_drained;    /**< waits for the held packets ended (tx_drained hook) */
	uint64_t timers;        /**< timers fired */
	uint64_t msg_in;        /**< messages handled */
	uint64_t msg_out;       /**< messages sent */
	uint64_t msg_dropped;   /**< messages not sent: receiver's ring full */
	uint64_t drops;         /**< sum of drop[] */
	uint64_t drop[PN_DROP__MAX];
};

/** Where a lcore's cycles go (cycle accounting). */
enum pn_lcore_phase {
	PN_PHASE_POLL,		/**< driver RX, steering, messages */
	PN_PHASE_GRO,		/**< GRO: merging and flushing */
	PN_PHASE_INPUT,		/**< RX handler and after-RX hook: IP, TCP input */
	PN_PHASE_TIMERS,	/**< the timer wheel */
	PN_PHASE_TX,		/**< TX flush */
	PN_PHASE_EVENTS,	/**< the events hook (sockets, epoll) */
	PN_PHASE_APP,		/**< outside rounds: the application, loop overhead */
	PN_PHASE_IDLE,		/**< arming interrupts and sleeping */
	PN_PHASE_EMPTY,		/**< rounds that found nothing: no packet, no
				     timer, nothing sent (the busy-poll spin) */
	PN_PHASE__MAX
};

/** Cycle accounting of one lcore (read by telemetry). */
struct pn_lcore_cycles {
	bool on;
	uint8_t cur;			/**< enum pn_lcore_phase being timed */
	uint64_t t0;			/**< TSC when it began */
	uint64_t cycles[PN_PHASE__MAX];
	uint64_t rx_packets;		/**< handed to the RX handler while on */
	uint64_t rx_bytes;		/**< ... their bytes (pkt_len) */
};

struct pn_lcore;

/** Receives packets after steering: GRO/protocol input, or a bench engine. */
typedef void (*pn_rx_handler_fn)(struct pn_lcore *lc, struct rte_mbuf **pkts,
				 uint16_t n, void *arg);
/** A hook run once per round. */
typedef void (*pn_hook_fn)(struct pn_lcore *lc, void *arg);

/** What the loop does to the outside world; tests substitute fakes. */
struct pn_lcore_ops {
	/** Hand @p n packets to the device; return how many it took. */
	uint16_t (*tx_burst)(struct pn_lcore *lc, uint16_t port,
			     uint16_t queue, struct rte_mbuf **pkts, uint16_t n);
	/**
	 * Sleep until an armed interrupt or the wake eventfd fires, or
	 * @p timeout_ns passes (UINT64_MAX: no timeout).
	 * @return 1 when woken by an event, 0 on timeout, negative errno.
	 */
	int (*wait)(struct pn_lcore *lc, uint64_t timeout_ns);
};

struct pn_txq {
	uint16_t port;
	uint16_t queue;
	uint16_t len;
	uint64_t packets;   /**< accepted by the device */
	uint64_t dropped;   /**< dropped as TX_FULL */
	rte_spinlock_t *lock; /**< queue shared with other lcores: held per burst */
	/* What the device refused, oldest first, sent before anything newer
	 * (Linux: the qdisc holds packets while the driver stops its queue,
	 * dev_requeue_skb); conf.tx_queue_len slots, made at the first
	 * refusal. */
	struct rte_mbuf **hold;
	uint32_t hold_cap, hold_head, hold_len;
	/* While packets are held the device is tried at most once a round,
	 * and after a try it took none of, only 2, 4, then every 8 rounds
	 * (lcore.c txq_hold_due); a sleep makes the next round try. */
	uint64_t hold_next_round;  /**< stat.rounds from which to try again */
	uint8_t hold_backoff;      /**< tries in a row that sent nothing, capped */
	struct rte_mbuf *buf[PN_TX_BUF_SIZE];
};

/** The set of shards of one process, for steering and telemetry. */
struct pn_shards {
	uint16_t n;
	bool steering;                /**< software steering on */
	struct pn_steer steer;
	struct pn_lcore *lc[PN_MAX_SHARDS];
};

struct pn_lcore {
	/* --- owner only --- */
	uint16_t shard;                 /**< index in pn_shards */
	unsigned int lcore_id;          /**< DPDK lcore running it */
	struct pn_shards *shards;
	struct pn_clock *clock;
	struct pn_napi_conf conf;
	struct pn_lcore_ops ops;
	uint64_t now;                   /**< ns, refreshed each round */
	uint64_t last_work_ns;          /**< last round that did work */
	uint64_t busy_poll_ns;          /**< the busy-poll window now: from
					 *   busy_poll_us up to busy_poll_max_us */
	uint64_t busy_poll_until;       /**< a grown window is learnt again
					 *   then (UINT64_MAX: not grown) */
	uint64_t spell_processed;       /**< stat.processed when the last quiet
					 *   spell began (a cycle's packets) */

	struct pn_napi *napi[PN_LCORE_MAX_NAPI];
	uint8_t nb_napi;
	uint8_t order[PN_LCORE_MAX_NAPI]; /**< poll list, round-robin order */
	struct pn_napi backlog;
	struct pn_napi msgs;            /**< polls msg_ring */
	struct {
		pn_msg_fn fn;
		void *arg;
	} msg_handler[PN_MSG__MAX];

	struct pn_txq txq[PN_LCORE_MAX_TXQ];
	uint8_t nb_txq;
	int8_t txq_of_port[PN_MAX_PORTS]; /**< port -> txq index, -1 none */

	struct pn_timer_wheel timers;

	pn_rx_handler_fn rx_handler;
	void *rx_arg;
	pn_hook_fn after_rx;            /**< GRO flush, protocol input */
	void *after_rx_arg;
	pn_hook_fn events;              /**< socket/epoll events */
	void *events_arg;
	pn_hook_fn tx_drained;          /**< held packets all sent (TCP small
					 *   queues resume) */
	void *tx_drained_arg;
	uint32_t tx_held_now;           /**< packets held over all TX queues */
	uint8_t hold_nap_shift;         /**< naps in a row with TX held and
					 *   nothing taken (the nap doubles) */
	bool tx_drain_wanted;           /**< run tx_drained once none is held */

	struct rte_epoll_event wake_ev; /**< wake_fd in the thread's epoll */

	bool in_poll;                   /**< inside a round's RX poll phase */
	struct pn_napi *split_napi;     /**< instance being polled, when its
					 *   poll may be split */
	uint32_t stashed_now;           /**< packets in the instances' stashes */

	/* --- read by telemetry --- */
	struct pn_softnet_stat stat __rte_cache_aligned;
	struct pn_lcore_cycles cyc;

	/* --- touched by other lcores --- */
	struct rte_ring *backlog_ring __rte_cache_aligned;
	struct rte_ring *msg_ring;      /**< struct pn_msg elements */
	int wake_fd;                    /**< eventfd: backlog and stop wake-ups */
	atomic_int sleeping;
	atomic_bool stop;
};

/**
 * Initialise @p lc as shard @p shard of @p shards (which it registers in),
 * with @p conf (checked), reading time from @p clock. Creates the backlog
 * ring on @p socket_id and the wake eventfd; ops default to the device.
 * @return 0, -EINVAL (bad conf, shard out of range), -ENOMEM, -errno.
 */
int pn_lcore_init(struct pn_lcore *lc, struct pn_shards *shards,
		  uint16_t shard, const struct pn_napi_conf *conf,
		  struct pn_clock *clock, int socket_id);

/** Release what pn_lcore_init made; packets still queued are dropped. */
void pn_lcore_fini(struct pn_lcore *lc);

/** Put @p n on the poll list. @return 0, -ENOSPC. */
int pn_lcore_add_napi(struct pn_lcore *lc, struct pn_napi *n);

/** Give the lcore TX queue @p queue of @p port. @return 0, -ENOSPC, -EEXIST. */
int pn_lcore_add_txq(struct pn_lcore *lc, uint16_t port, uint16_t queue);

/**
 * Mark the lcore's TX queue @p queue of @p port as shared with other
 * lcores (a device with fewer queues than shards): every burst on it is
 * sent holding @p lock, the same lock for every lcore sharing the queue.
 * @return 0, -ENOENT the lcore has no such TX queue, -EINVAL @p lock NULL.
 */
int pn_lcore_share_txq(struct pn_lcore *lc, uint16_t port, uint16_t queue,
		       rte_spinlock_t *lock);

/** Set the RX handler (called with every burst after steering). */
void pn_lcore_set_rx_handler(struct pn_lcore *lc, pn_rx_handler_fn fn,
			     void *arg);

/**
 * Set the after-RX hook: run once per round after the RX poll phase, to
 * finish what the RX handler left pending (GRO flush). NULL: none.
 */
void pn_lcore_set_after_rx(struct pn_lcore *lc, pn_hook_fn fn, void *arg);

/**
 * Called by RX NAPI instances with a received burst: packets owned by other
 * shards go to their backlog (when steering), the rest to the RX handler.
 * A burst handed in outside a round's poll phase (a test or a caller
 * feeding packets by hand) is followed at once by the after-RX hook, so
 * nothing it left pending waits for the next round.
 */
void pn_lcore_rx(struct pn_lcore *lc, struct rte_mbuf **pkts, uint16_t n);

/**
 * The loopback: @p m, a frame the stack sent to itself, is received
 * again, by the shard that owns its flow (the steering hash, which is
 * device RSS's too; this one with one shard) through that shard's
 * backlog, in a later round. Counted in stat.looped; BACKLOG_FULL drops.
 */
void pn_lcore_loopback(struct pn_lcore *lc, struct rte_mbuf *m);

/**
 * Set the TX-drained hook: asked for with pn_lcore_tx_wait_drain(), run
 * by the first TX flush that finds no packet held any more (every device
 * queue took what it had refused), and followed by one more flush of
 * what it queued. TCP small queues resume their throttled connections
 * there (Linux tcp_tsq_handler on TX completion). NULL: none.
 */
void pn_lcore_set_tx_drained(struct pn_lcore *lc, pn_hook_fn fn, void *arg);

/**
 * Packets the device refused and the lcore holds, over all its TX queues:
 * non-zero while a device queue is full.
 */
static inline uint32_t
pn_lcore_tx_held(const struct pn_lcore *lc)
{
	return lc->tx_held_now;
}

/** Run the tx_drained hook once no packet is held (at a TX flush). */
static inline void
pn_lcore_tx_wait_drain(struct pn_lcore *lc)
{
	lc->tx_drain_wanted = true;
}

/** The lcore's TX buffer for @p port / @p queue, or NULL if it has none. */
struct pn_txq *pn_lcore_txq(struct pn_lcore *lc, uint16_t port, uint16_t queue);

/** Send what @p q holds now: its held packets first, then the buffer (one
 * burst, retries); what the device refuses is held up to tx_queue_len,
 * the rest dropped as TX_FULL. */
void pn_txq_flush(struct pn_lcore *lc, struct pn_txq *q);

/**
 * Queue @p n packets on @p q, as pn_txq_push one by one (the pointers
 * copied in runs, flushed each time the buffer fills).
 */
void pn_txq_push_bulk(struct pn_lcore *lc, struct pn_txq *q,
		      struct rte_mbuf **pkts, uint16_t n);

/** Queue @p m on @p q; flushed at the end of the round, or now when full. */
static inline void
pn_txq_push(struct pn_lcore *lc, struct pn_txq *q, struct rte_mbuf *m)
{
	q->buf[q->len++] = m;
	if (q->len == PN_TX_BUF_SIZE)
		pn_txq_flush(lc, q);
}

/**
 * Queue @p m for TX on @p port, on the lcore's first TX queue of that port;
 * dropped as NO_TXQ if the lcore has none.
 */
void pn_tx(struct pn_lcore *lc, uint16_t port, struct rte_mbuf *m);

/**
 * Switch cycle accounting on (counters reset when it was off; timing
 * starts in PN_PHASE_APP) or off (the counters stay, for reading).
 * Owner lcore only, or before it runs.
 */
void pn_lcore_cycles_enable(struct pn_lcore *lc, bool on);

/**
 * Charge the cycles since the last boundary to the current phase and
 * enter @p p. No-op (one flag test) when accounting is off.
 * @return the phase left, to go back to it.
 */
static inline enum pn_lcore_phase
pn_lcore_phase(struct pn_lcore *lc, enum pn_lcore_phase p)
{
	enum pn_lcore_phase prev = (enum pn_lcore_phase)lc->cyc.cur;

	if (unlikely(lc->cyc.on)) {
		uint64_t t = rte_rdtsc();

		lc->cyc.cycles[prev] += t - lc->cyc.t0;
		lc->cyc.t0 = t;
		lc->cyc.cur = (uint8_t)p;
	}
	return prev;
}

/** Name of phase @p p ("poll", "gro", ...). */
const char *pn_lcore_phase_name(enum pn_lcore_phase p);

/** Send every buffered TX packet now. */
void pn_tx_flush(struct pn_lcore *lc);

/** Free @p m and count it under @p reason. */
void pn_drop(struct pn_lcore *lc, struct rte_mbuf *m, enum pn_drop_reason reason);

/** Free @p n packets and count them under @p reason. */
void pn_drop_bulk(struct pn_lcore *lc, struct rte_mbuf **pkts, uint16_t n,
		  enum pn_drop_reason reason);

/**
 * One round of the loop without the sleep decision.
 * @return packets processed by the NAPI polls.
 */
unsigned int pn_lcore_round(struct pn_lcore *lc);

/**
 * The sleep decision after a round that processed @p work packets: stay
 * busy inside the busy-poll window; past it arm interrupts and sleep until
 * a packet, a wake-up or the next timer. At most one sleep per call.
 * @return 1 if it slept, 0 if not.
 */
int pn_lcore_idle(struct pn_lcore *lc, unsigned int work);

/** Does the caller of pn_lcore_poll() have something to do now? */
typedef bool (*pn_lcore_ready_fn)(void *arg);

/**
 * One round, then -- unless @p ready (may be NULL) returns true -- the
 * sleep decision, with the sleep bounded by @p deadline_ns (absolute, lcore
 * clock; UINT64_MAX: none) and given up when @p ready turns true in the
 * last look before sleeping (a socket became ready during that round). For
 * callers that drive the loop themselves until a condition or a deadline
 * (pn_epoll_wait, blocking socket calls). The first call on a lcore that
 * sleeps on the device hooks its wake eventfd and RX interrupts into the
 * thread's epoll, as pn_lcore_run does.
 * @return packets processed by the round.
 */
unsigned int pn_lcore_poll(struct pn_lcore *lc, uint64_t deadline_ns,
			   pn_lcore_ready_fn ready, void *arg);

/** Run rounds until pn_lcore_stop(). @return 0. */
int pn_lcore_run(struct pn_lcore *lc);

/** Ask @p lc to stop (any thread); wakes it if asleep. */
void pn_lcore_stop(struct pn_lcore *lc);

/** Wake @p lc if it sleeps (any thread). */
void pn_lcore_wake(struct pn_lcore *lc);

/**
 * After handing @p lc work through one of its rings: wake it if it is
 * asleep. Pairs with the fence in pn_lcore_idle (Dekker): either the owner
 * sees the work when it re-polls after raising 'sleeping', or the sender
 * sees 'sleeping' and wakes it.
 */
void pn_lcore_kick(struct pn_lcore *lc);

#endif /* PN_CORE_LCORE_H */
