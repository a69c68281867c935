/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_TCP_PRIV_H
#define PN_TCP_PRIV_H

/*
 * Inside lib/tcp: the per-lcore TCP (struct pn_tcp), the TCB, the
 * listener, and the functions the files of the module share.
 *
 * Flow of one segment: tcp_rx (tcp.c) checks and parses it into a
 * struct tcp_seg, finds the TCB or listener, and hands it to tcp_input
 * (tcp_input.c: one function per state). Input never builds packets
 * itself: it records what must be sent in c->flags (TF_ACK_NOW, ...) and
 * tcp_output() (tcp_output.c) turns that plus the send queue into
 * segments afterwards. Time is lc->now, injected by the lcore.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_jhash.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "ipopt.h"
#include "ipv4.h"
#include "lcore.h"
#include "net.h"
#include "objcache.h"
#include "tcp.h"
#include "tcp_wire.h"
#include "timer.h"

struct rte_hash;
struct rte_mempool;
struct pn_net;
struct pn_ipv4_hdr;


/** Connection key, network-independent (host order). */
struct tcp_key {
	uint32_t lip, rip;
	uint16_t lport, rport;
};

/*
 * The connection table (tcp_table.c), as Linux's established hash
 * (inet_hashtables.c): a power-of-two array of chains linked through the
 * TCB (hnext, hpprev: no key copy, no free-slot ring), the bucket chosen
 * by jhash of the 4-tuple with a random seed drawn per table (Linux
 * inet_ehashfn with inet_ehash_secret), so a peer cannot aim its
 * 4-tuples at one chain. At most cap entries.
 */
struct tcp_table {
	struct pn_tcp_conn **b;     /**< mask + 1 chain heads */
	uint32_t mask;
	uint32_t n, cap;
	uint32_t seed;
};

struct tcp_lkey {
	uint32_t ip;
	uint16_t port;
	uint16_t pad;
};

/** A queue of bytes held in mbuf segments linked through m->next. */
struct tcp_mq {
	struct rte_mbuf *head, *tail;
	struct rte_mbuf *cur; /**< the last seek's mbuf (NULL: none) */
	uint32_t cur_off;     /**< the queue offset cur's data starts at */
	uint32_t len;   /**< bytes */
};

struct tcp_ooo {
	uint32_t seq, len;
	struct rte_mbuf *m;   /**< segments, data only; pkt_len = len */
	struct rte_mbuf *tail; /**< m's last mbuf: a join walks nothing */
	bool fin;
};

/* c->flags */
#define TF_ACK_NOW     0x0001  /**< send an ACK at the next output */
#define TF_DELACK      0x0002  /**< an ACK is delayed */
#define TF_NODELAY     0x0004
#define TF_FIN_QUEUED  0x0008  /**< the user closed the send side */
#define TF_FIN_SENT    0x0010
#define TF_RCVD_FIN    0x0020
#define TF_SHUT_RD     0x0040
#define TF_CLOSED      0x0080  /**< the socket let go (ctx cleared) */
#define TF_TS          0x0100  /**< timestamps negotiated */
#define TF_SACK        0x0200  /**< SACK negotiated */
#define TF_WS          0x0400  /**< window scaling negotiated */
#define TF_KEEPALIVE   0x0800
#define TF_IN_RECOVERY 0x1000
#define TF_PERSIST     0x2000
#define TF_COOKIE      0x4000  /**< born from a SYN cookie */
#define TF_ZOMBIE      0x8000  /**< freed at the end of the current call */

struct tcp_cc_ops;

/** SACK scoreboard ranges kept per connection (RFC 6675 Update). */
#define TCP_SB_MAX 16
/** Retransmissions of one recovery a D-SACK can prove spurious. */
#define TCP_UNDO_MAX 8
#define TCP_DUPTHRESH 3      /**< RFC 6675 DupThresh at the start */
#define TCP_DUPTHRESH_MAX 8  /**< raised by proven reordering up to this */
#define TCP_PTO_MIN_MS 2ull  /**< added to 2 SRTT (Linux TCP_TIMEOUT_MIN_US) */
/** RFC 9293 R1: unanswered retransmissions before negative advice to IP
 * (Linux net.ipv4.tcp_retries1); in SYN-SENT/SYN-RECEIVED one (Linux
 * tcp_write_timeout: any retransmission of the SYN). */
#define TCP_RETRIES1 3
/** Unanswered zero-window probes before a connection the socket let go
 * of gives up (Linux tcp_probe_timer: tcp_orphan_retries, 8 when the
 * sysctl is 0): else a peer that keeps its window shut and stays silent
 * holds a closed connection for a probe per byte queued. */
#define TCP_ORPHAN_RETRIES 8

/*
 * The SACK scoreboard and the undo ring, allocated the first time SACK
 * blocks arrive or a SACK recovery starts (tcp_scb_get), freed with the
 * TCB: an idle or loss-free connection never holds them. Without it
 * (no memory: TCPSackNoMem), the sender acts as if no SACK block had
 * come and no undo were possible.
 */
struct tcp_scoreboard {
	/** SACKed ranges above snd_una, sorted, merged, c->nsb of them */
	struct pn_tcp_sack_blk sb[TCP_SB_MAX];
	uint32_t undo_seq[TCP_UNDO_MAX]; /**< retransmitted, not D-SACKed */
};

/** Connections with an ACK held over one burst: one per segment of a
 * tcp_rx_burst chunk at most (NET_BATCH_MAX). */
#define TCP_ACKQ_MAX 32
/** Segments of a burst waiting to be freed: one per segment of a
 * tcp_rx_burst chunk at most (NET_BATCH_MAX). */
#define TCP_RXFREE_MAX 32

/**
 * The TCB (RFC 9293 3.3.1), one per connection, a million on one lcore
 * (docs/benchmarks.md "Idle connections"): laid out hot/cold. The first
 * six cache lines hold what an established request/response touches
 * (input, tcp_output, readiness, read/send: docs/benchmarks.md "Where
 * the cycles go"); then loss recovery; then what only setup, teardown,
 * options and rare events read. Narrow fields hold their documented
 * ranges. Check holes with gdb `ptype /o struct pn_tcp_conn`.
 */
struct pn_tcp_conn {
	/* --- hot: every segment, output and socket call --- */
	struct pn_tcp *tcp;
	void *ctx;
	struct tcp_key key;
	uint8_t state;              /**< enum pn_tcp_state */
	bool poll_ok;               /**< poll_mask is current */
	uint16_t flags;             /**< TF_* */
	uint32_t poll_mask;         /**< pn_tcp_poll()'s last answer */
	/* send sequence space */
	uint32_t snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd, snd_wl1, snd_wl2;
	/* receive sequence space */
	uint32_t rcv_nxt, rcv_adv;  /**< rcv_adv: right edge advertised */
	uint32_t last_ack_sent;
	/* timestamps */
	uint32_t ts_recent, ts_recent_age_ms, ts_off;
	uint16_t mss;               /**< send MSS (peer's, clamped) */
	uint16_t rcv_mss;           /**< the MSS we announced */
	/* queues */
	struct tcp_mq sndq;         /**< from snd_una */
	struct tcp_mq rcvq;         /**< in order, not read yet */
	uint8_t snd_wscale, rcv_wscale;
	uint8_t backoff;            /**< consecutive RTOs */
	uint8_t quickack;           /**< segments still ACKed at once */
	bool owned;                 /**< the socket holds it (ctx valid) */
	bool ack_held;              /**< on tcp->ackq: a pure ACK waits for
				     *   the end of the burst (MUST-59) */
	bool nospace;               /**< a send or a poll found no space, not
				     *   writable since (Linux SOCK_NOSPACE;
				     *   the socket's only copy) */
	bool dsack_on;              /**< dsack is pending (RFC 2883) */
	bool reo_armed;             /**< t_rtx holds the reordering timer */
	bool tlp_armed;             /**< t_rtx holds the loss probe (PTO) */
	bool tlp_out;               /**< a probe episode is open (Linux
				     *   tp->tlp_high_seq != 0): no other */
	bool cwnd_limited;          /**< this window filled cwnd (Linux
				     *   tp->is_cwnd_limited), tcp_cwnd_validate */
	uint32_t nooo;
	struct tcp_ooo *ooo;        /**< sorted by seq, nooo entries */
	/* RTT (RFC 6298) */
	uint32_t srtt_us, rttvar_us, rto_us, rtt_us;
	uint32_t rtt_seq;           /**< timed segment (no timestamps) */
	uint32_t max_snd_wnd;
	uint64_t rtt_start_ns;      /**< 0: none timed */
	/* congestion control */
	const struct tcp_cc_ops *cc;
	uint32_t cwnd, ssthresh;
	uint32_t dupacks, recover;
	uint32_t bytes_acked_ca;
	uint32_t high_rxt;          /**< RFC 6675 HighRxt */
	/* application-limited or not (Linux tcp_cwnd_validate, 6.1): the
	 * most bytes outstanding at a send in this window (tp->max_packets_out,
	 * in bytes as cwnd), and the window's end (tp->cwnd_usage_seq) */
	uint32_t max_out, cwnd_usage_seq;
	uint32_t cwnd_used;         /**< most bytes outstanding since cwnd
				     *   was last full (tp->snd_cwnd_used) */
	uint8_t nsb;                /**< ranges in scb->sb (0 without scb) */
	uint8_t tos;                /**< IP_TOS of every segment (MUST-48) */
	bool snd_urg;               /**< urgent mode until SND.UP is ACKed */
	bool redir;                 /**< redir_owner passes our segments on */
	/* RFC 2861 (Linux 6.1 tcp_cwnd_validate's second half,
	 * tcp_cwnd_application_limited, tcp_cwnd_restart): when cwnd was
	 * last validated (tp->snd_cwnd_stamp) and when data last went out
	 * (tp->lsndtime); on the ns clock, not in jiffies */
	uint64_t cwnd_stamp_ns, lsnd_ns;
	uint32_t sndbuf, rcvbuf, rcvlowat, sndlowat;
	uint32_t rcv_space_seq;     /**< auto-sizing: start of the measure */
	uint32_t pto_rto_us;        /**< with tlp_armed: the RTO's expiry
				     *   this long after the probe's (Linux
				     *   tcp_rto_delta_us), tcp_timer.c */
	uint64_t rcv_space_ns;
	struct pn_net_dst dst;      /**< route and neighbour (pn_ip4_output_dst) */
	/* timers */
	struct pn_timer t_rtx;      /**< retransmit / persist / SYN */
	struct pn_timer t_delack;
	uint64_t last_rcv_ns;       /**< keepalive idle reference */
	uint64_t last_data_ns;      /**< last in-order data (pingpong test) */
	uint64_t rtx_start_ns;      /**< first unanswered retransmission */
	/* info */
	uint64_t bytes_acked, bytes_received;
	uint32_t segs_in, segs_out;
	struct tcp_ipopt *ipopt;    /**< IPv4 options of every segment, NULL:
				     *   none (tcp_ipopt.c, MUST-51..53) */
	uint32_t snd_up;            /**< SND.UP: after the last urgent byte */
	int16_t err;                /**< pending error (positive errno) */
	uint16_t urg_data;          /**< TCP_URG_* | the byte */

	/* --- loss recovery --- */
	uint32_t urg_seq;           /**< the urgent byte announced (RCV.UP - 1) */
	struct pn_tcp_sack_blk dsack; /**< duplicate range to report once */
	uint32_t ooo_last_seq;       /**< most recent OOO arrival (SACK order) */
	uint32_t rxt_fence;         /**< snd_max at the latest retransmission;
				     *   with tlp_out the loss probe's
				     *   (Linux tp->tlp_high_seq) */
	uint32_t total_retrans;
	/* SACK scoreboard (RFC 6675, tcp_sack.c), NULL until needed */
	struct tcp_scoreboard *scb;
	/* undo of a spurious recovery (D-SACK, RFC 3708 style) and the
	 * DupThresh it raises (reordering, as Linux tp->reordering) */
	uint32_t prior_cwnd, prior_ssthresh;
	/* RFC 6937 PRR during SACK recovery (tcp_sack.c); RecoverFS is
	 * prior_cwnd, as Linux */
	uint32_t prr_delivered;     /**< bytes delivered since recovery began */
	uint32_t prr_out;           /**< bytes sent since recovery began */
	uint8_t undo_n;             /**< entries in scb->undo_seq */
	uint8_t undo_reord;         /**< segments SACKed above at entry */
	uint8_t dupthresh;          /**< RFC 6675 DupThresh, 3 or more */
	bool undo_ok;
	bool rec_all_lost;
	bool reord_seen;            /**< a hole filled without a retransmission
				     *   (Linux tp->reord_seen): DupThresh waits
				     *   for the reordering window */
	uint8_t probes;             /**< zero-window or keepalive probes */
	bool oobinline;             /**< SO_OOBINLINE */
	void *cc_state;             /**< the algorithm's own, allocated by it
				     *   when first needed, freed with the TCB */

	/* --- cold: setup, teardown, options, rare events --- */
	struct pn_tcp_listen *listener; /**< embryo or on its accept queue */
	TAILQ_ENTRY(pn_tcp_conn) qlink; /**< listener's embryo/accept list */
	TAILQ_ENTRY(pn_tcp_conn) link;  /**< tcp->conns */
	/** tcp->tsq: new data waits for the device (TCP small queues,
	 *  tcp_output.c); tqe_prev NULL: not on it */
	TAILQ_ENTRY(pn_tcp_conn) tsq_link;
	/* tcp->ctab's chain (tcp_table.c); a lookup reads hnext only past
	 * another key of the chain, so it stays out of the hot lines */
	struct pn_tcp_conn *hnext;
	struct pn_tcp_conn **hpprev; /**< what points at us, NULL: not in
				      *   the table */
	uint32_t iss, irs;
	uint16_t user_mss;          /**< TCP_MAXSEG, 0 none */
	uint8_t syn_retries;        /**< TCP_SYNCNT, 0: conf.syn_retries
				     *   (a passive open: conf.synack_retries) */
	uint8_t keep_cnt;           /**< 1..127 */
	uint16_t keep_idle_s;       /**< 1..32767 */
	uint16_t keep_intvl_s;      /**< 1..32767 */
	uint32_t user_timeout_ms;
	int32_t linger_s;
	struct pn_timer t_keep;     /**< keepalive, FIN-WAIT-2, TIME-WAIT */
	/* RFC 5961 challenge ACK rate limit */
	uint64_t chal_window_ns;
	uint8_t chal_count;         /**< up to TCP_CHALLENGE_MAX (10) */
	bool rcvbuf_lock;           /**< SO_RCVBUF set: no auto-sizing */
	bool iss_set;               /**< ISN fixed above a reused TIME-WAIT */
	bool accepted;              /**< on the accept queue or taken */
	uint16_t redir_owner;       /**< the shard our replies hash to (tcp_redir.c) */
	int16_t err_soft;           /**< ICMP soft error, reported on timeout */
	uint32_t last_oow_ack_ms;   /**< tcp_now_ms() of the last duplicate ACK
				     *   to an unacceptable segment (0 none) */
	uint32_t redir_claim;       /**< with redir: the claim's number (a
				     *   refusal names it, tcp_redir.c) */
};

struct pn_tcp_listen {
	struct pn_tcp *tcp;
	struct pn_tcp_listen *hnext; /**< tcp->listen_b chain */
	struct tcp_lkey key;
	void *ctx;
	uint32_t backlog;
	uint32_t nembryo, naccept;
	uint16_t user_mss;          /**< TCP_MAXSEG for SYN-ACKs, 0 none */
	uint32_t rcvbuf;            /**< SO_RCVBUF for embryos, 0 default */
	uint8_t tos;                /**< IP_TOS for embryos and SYN-ACKs */
	uint8_t syn_retries;        /**< TCP_SYNCNT for embryos, 0 default */
	bool cookie_sent;           /**< a SYN cookie went out, at cookie_t */
	uint32_t cookie_t;          /**< its 64-second period (tcp_syncookie.c) */
	TAILQ_HEAD(, pn_tcp_conn) embryos;
	TAILQ_HEAD(, pn_tcp_conn) acceptq;
};

/* Freed TCBs each lcore keeps for reuse (objcache.h): one per tcp-crr
 * connection. */
#define TCP_CONN_CACHE_MAX 1024

/* Listeners per lcore (pn_tcp_listen: ENOMEM beyond), and their chains. */
#define TCP_LISTEN_MAX 1024
#define TCP_LISTEN_BUCKETS 64

struct pn_tcp {
	struct pn_lcore *lc;
	struct pn_net *net;
	struct rte_mempool *pool;
	struct pn_tcp_conf conf;
	struct pn_tcp_upcalls up;
	const struct tcp_cc_ops *cc;
	struct tcp_table ctab;      /**< tcp_key -> conn */
	/** listeners, chained by port (tcp.c listen_chain) */
	struct pn_tcp_listen *listen_b[TCP_LISTEN_BUCKETS];
	struct rte_hash *redir_h;   /**< tcp_key -> shard, tcp_redir.c; NULL until used */
	uint32_t redir_claims;      /**< claims sent (their numbers) */
	TAILQ_HEAD(, pn_tcp_conn) conns;
	TAILQ_HEAD(, pn_tcp_conn) reap;  /**< closed, freed by tcp_reap() */
	/** throttled by TCP small queues, sent again when the lcore's held
	 *  packets are all sent (tcp_tsq_resume) */
	TAILQ_HEAD(, pn_tcp_conn) tsq;
	uint32_t tsq_queued;        /**< data bytes queued since tsq_mark */
	uint64_t tsq_mark;          /**< lc->stat.tx_bursts then: a flush
				     *   since empties the buffer */
	uint32_t nconns;
	uint32_t nlisten;           /**< up to TCP_LISTEN_MAX */
	uint32_t busy;              /**< nesting depth: reap only at 0 */
	uint16_t next_port;
	/* per port, sockets holding it by bind() on any shard (atomic,
	 * the socket layer's; NULL: none): ephemeral choice skips them */
	const uint32_t *skip_ports;
	uint8_t secret[16];
	uint8_t *scratch;           /**< 64 KB, linear copies */
	/* RFC 9293 MUST-59: while a burst is processed (tcp_rx_burst), the
	 * pure ACKs input asks for wait in ackq, one entry per connection,
	 * and go after its last segment (tcp_ack_flush) */
	bool in_burst;
	uint16_t nackq;
	uint32_t ack_holds;         /**< ACKs asked for during the burst */
	struct pn_tcp_conn *ackq[TCP_ACKQ_MAX];
	/* The burst's segments done with (tcp_seg_done), freed in one
	 * rte_pktmbuf_free_bulk after its last one (tcp_rx_chunk) */
	uint16_t nrxfree;
	struct rte_mbuf *rxfree[TCP_RXFREE_MAX];
	struct pn_objcache free_conns; /**< freed TCBs to reuse */
	struct pn_tcp_stat stat;
};

/* A parsed incoming segment. */
struct tcp_seg {
	struct pn_tcp_hdr h;
	const struct pn_ipv4_hdr *ip; /**< its IPv4 header (options) */
	uint32_t src, dst;          /**< IPv4 addresses */
	uint32_t len;               /**< payload bytes */
	uint32_t seg_len;           /**< len + SYN + FIN */
	struct rte_mbuf *m;         /**< whole segment (header at 0), NULL once taken */
	uint16_t off;               /**< payload offset in m */
	uint8_t tos;                /**< the IP TOS byte it came with */
	uint32_t sig;               /**< tcp_table_hash of its key (tcp_rx,
				     *   tcp_rx_chunk) */
};

#define TCP_ECN_MASK 0x03           /**< ECN bits of the TOS byte */

/*
 * Readiness is asked for ~6 times per request/response (the wake-up,
 * epoll_wait twice, after each socket call) and changes far less often:
 * pn_tcp_poll() keeps its answer until something that may change it
 * runs. Called on every way into a connection: a segment (rx_demux), a
 * timer, an ICMP error, a state change, a reset, a wake-up, and each
 * user call that may change what pn_tcp_poll() reads.
 */
static inline void
tcp_poll_stale(struct pn_tcp_conn *c)
{
	c->poll_ok = false;
}

/* Free send buffer bytes (pn_tcp_send_space, inline: the exported one is
 * not inlined in the position-independent library). */
static inline uint32_t
tcp_send_space(const struct pn_tcp_conn *c)
{
	return c->sndq.len >= c->sndbuf ? 0 : c->sndbuf - c->sndq.len;
}

/* Writable (EPOLLOUT) from this much send space on: SO_SNDLOWAT, at
 * least half the buffer. */
static inline uint32_t
tcp_send_low_mark(const struct pn_tcp_conn *c)
{
	return c->sndlowat > c->sndbuf / 2 ? c->sndlowat : c->sndbuf / 2;
}

/** rte_pktmbuf_free, out of line: tcp_seg_done's rare way. */
void tcp_seg_free_now(struct rte_mbuf *m);

/** Free the segment: handled, nothing kept. Inside a burst the mbuf
 * waits for the burst's end (tcp_rx_chunk, tcp_rx_free_flush); @p s no
 * longer has it. Inline: a few instructions, called once a segment. */
static inline void
tcp_seg_done(struct pn_tcp *tcp, struct tcp_seg *s)
{
	struct rte_mbuf *m = s->m;

	if (m == NULL)
		return;
	s->m = NULL;
	/* never full in a burst: one per segment */
	if (likely(tcp->in_burst && tcp->nrxfree < TCP_RXFREE_MAX))
		tcp->rxfree[tcp->nrxfree++] = m;
	else
		tcp_seg_free_now(m);
}
/** Drop the segment with @p reason. */
void tcp_seg_drop(struct pn_tcp *tcp, struct tcp_seg *s,
		  enum pn_drop_reason reason);

static inline uint32_t
tcp_now_ms(const struct pn_tcp *tcp)
{
	return (uint32_t)(tcp->lc->now / PN_NS_PER_MS);
}

static inline bool
tcp_synchronized(const struct pn_tcp_conn *c)
{
	return c->state != PN_TCP_SYN_SENT && c->state != PN_TCP_SYN_RECEIVED &&
	       c->state != PN_TCP_LISTEN && c->state != PN_TCP_CLOSED;
}

/* tcp_table.c */
/** A table for @p cap connections, chains picked with @p seed.
 * -ENOMEM, or -EINVAL for a @p cap of 0. */
int tcp_table_init(struct tcp_table *t, uint32_t cap, uint32_t seed);
/** Free the chain heads (the TCBs are not the table's). */
void tcp_table_fini(struct tcp_table *t);
/** Put @p c in under its key, whose tcp_table_hash() is @p h: in front
 * of its chain, so it hides an older entry of the same key (the callers
 * look the key up first). -ENOSPC when the table holds cap already. */
int tcp_table_add(struct tcp_table *t, struct pn_tcp_conn *c, uint32_t h);
/** Take @p c (in the table) out. */
void tcp_table_del(struct tcp_table *t, struct pn_tcp_conn *c);

/** Linux inet_ehashfn: jhash_3words(laddr, faddr, lport << 16 | fport,
 * secret). */
static inline uint32_t
tcp_table_hash(const struct tcp_table *t, const struct tcp_key *k)
{
	return rte_jhash_3words(k->lip, k->rip,
				(uint32_t)k->lport << 16 | k->rport, t->seed);
}

/** Start loading the chain head of hash @p h (the burst lookup). */
static inline void
tcp_table_prefetch(const struct tcp_table *t, uint32_t h)
{
	rte_prefetch0(&t->b[h & t->mask]);
}

/** The connection of @p k, whose tcp_table_hash() is @p h, or NULL. */
static inline struct pn_tcp_conn *
tcp_table_lookup(const struct tcp_table *t, const struct tcp_key *k,
		 uint32_t h)
{
	struct pn_tcp_conn *c;

	for (c = t->b[h & t->mask]; c != NULL; c = c->hnext)
		if (c->key.lip == k->lip && c->key.rip == k->rip &&
		    c->key.lport == k->lport && c->key.rport == k->rport)
			return c;
	return NULL;
}

/** tcp_table_lookup, hashing @p k. */
static inline struct pn_tcp_conn *
tcp_conn_lookup(const struct pn_tcp *tcp, const struct tcp_key *k)
{
	return tcp_table_lookup(&tcp->ctab, k, tcp_table_hash(&tcp->ctab, k));
}

/* tcp.c */
/** A new TCB for @p k, in the table under @p sig, its tcp_table_hash. */
struct pn_tcp_conn *tcp_conn_alloc(struct pn_tcp *tcp, const struct tcp_key *k,
				   uint32_t sig);
/** Enter CLOSED: cancel timers, unhash, free unless the socket holds it. */
void tcp_conn_closed(struct pn_tcp_conn *c);
/** Free connections tcp_conn_closed() retired. */
void tcp_reap(struct pn_tcp *tcp);
void tcp_set_state(struct pn_tcp_conn *c, uint8_t state);
/** Tell the socket of @p c (if any) a change of kind @p what
 * (enum pn_tcp_wake). */
void tcp_wakeup(struct pn_tcp_conn *c, int what);
void tcp_listen_wakeup(struct pn_tcp_listen *l);
/** RST or timeout: record @p err, enter CLOSED, wake the socket. */
void tcp_conn_reset(struct pn_tcp_conn *c, int err);
void tcp_rx(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m,
	    const struct pn_ipv4_hdr *ip, void *arg);
uint32_t tcp_isn(struct pn_tcp *tcp, const struct tcp_key *k);
/** tcp_isn, and the tuple's timestamp offset in *@p ts_off (unless NULL),
 * from one SipHash. */
uint32_t tcp_isn_ts(const struct pn_tcp *tcp, const struct tcp_key *k,
		    uint32_t *ts_off);
/** Listener for @p ip : @p port (exact address first, then any). */
struct pn_tcp_listen *tcp_listen_lookup(struct pn_tcp *tcp, uint32_t ip,
					uint16_t port);
uint32_t tcp_hash32(const struct pn_tcp *tcp, const struct tcp_key *k,
		    uint32_t extra);
void tcp_conn_init_params(struct pn_tcp_conn *c);
/** Our window scale for the SYN / SYN-ACK, from the receive buffer. */
void tcp_choose_wscale(struct pn_tcp_conn *c);

/* tcp_input.c */
/** Segment @p s for TCB @p c (consumes s->m). */
void tcp_input(struct pn_tcp_conn *c, struct tcp_seg *s);
/** Segment @p s for listener @p l (consumes s->m). */
void tcp_listen_input(struct pn_tcp_listen *l, struct tcp_seg *s);
/** Start fast recovery (RFC 6582 / RFC 6675). */
void tcp_enter_recovery(struct pn_tcp_conn *c);
/* RFC 6582 3.2 step 1 (and RFC 6675 5.1 after an RTO): recovery allowed
 * at ACK @p ack; not again for losses of the window that recovery (or
 * the RTO) already handles. With SACK, an ACK at RecoveryPoint is
 * enough: the scoreboard tells a new loss from an old one. Inline: the
 * loss probe asks on every output (tcp_timer.c). */
static inline bool
tcp_may_enter_recovery(const struct pn_tcp_conn *c, uint32_t ack)
{
	if (c->recover == 0 || c->recover == c->iss)
		return true;
	if (c->flags & TF_SACK)
		return pn_seq_geq(ack, c->recover);
	return pn_seq_gt(ack, c->recover);
}

/** Apply the peer's SYN options to @p c. */
void tcp_syn_options(struct pn_tcp_conn *c, const struct pn_tcp_opts *o);

/* tcp_output.c */
/** Send what is due: data within the windows, FIN, pending ACK. */
void tcp_output(struct pn_tcp_conn *c);

/* Everything queued and the FIN, if queued, went out, and nothing is to
 * be sent again (SND.NXT = SND.MAX): output_data's loop would find no
 * segment (and, with SND.NXT at SND.MAX, skip no SACKed range). */
static inline bool
tcp_all_sent(const struct pn_tcp_conn *c)
{
	return c->snd_nxt == c->snd_max &&
	       c->sndq.len <= c->snd_nxt - c->snd_una &&
	       (c->flags & (TF_FIN_QUEUED | TF_FIN_SENT)) != TF_FIN_QUEUED;
}

/* Everything queued is sent, no FIN waits, nothing to retransmit: what
 * output_data would find at once (no segment, no timer to arm), without
 * asking the MSS, the pipe and the windows. The input path's call after
 * an ACK of everything, in request/response traffic, takes this. */
static inline bool
tcp_output_idle(const struct pn_tcp_conn *c)
{
	return tcp_all_sent(c) && !(c->flags & TF_IN_RECOVERY);
}
/** Send one segment [seq, seq+len) of the send queue with @p flags. */
int tcp_xmit(struct pn_tcp_conn *c, uint32_t seq, uint32_t len, uint8_t flags);
void tcp_send_ack(struct pn_tcp_conn *c);
/** The pure ACK input asked for (TF_ACK_NOW): now, or, inside a burst,
 * once after the burst's last segment (RFC 9293 MUST-59). */
void tcp_ack_or_hold(struct pn_tcp_conn *c);
/** Send @p c's held ACK now (its D-SACK is about to be replaced). */
void tcp_ack_send_held(struct pn_tcp_conn *c);
/** End of a burst: send the ACKs held, one per connection. */
void tcp_ack_flush(struct pn_tcp *tcp);
/** Take @p c off tcp->tsq, if on it (the TCB is freed). */
void tcp_tsq_unlink(struct pn_tcp_conn *c);
/** The lcore's held packets are all sent: the connections TCP small
 * queues throttled send again (lcore tx_drained hook; @p arg the tcp). */
void tcp_tsq_resume(struct pn_lcore *lc, void *arg);
/** Forget @p c's held ACK (the TCB is freed). */
void tcp_ack_unhold(struct pn_tcp_conn *c);
/** RST in reply to @p s, not to a TCB (RFC 9293 3.10.7.1). */
void tcp_send_rst_reply(struct pn_tcp *tcp, const struct tcp_seg *s);
/** RST for @p c (abort). */
void tcp_send_rst(struct pn_tcp_conn *c);
/** SYN-ACK from a SYN cookie (no TCB), with the listener's IP TOS
 * @p tos (Linux tcp_v4_send_synack: the listener's inet->tos). */
void tcp_send_synack_raw(struct pn_tcp *tcp, const struct tcp_seg *s,
			 uint32_t iss, uint16_t mss, uint8_t tos);
/** RFC 5961 challenge ACK, rate-limited. */
void tcp_challenge_ack(struct pn_tcp_conn *c);
uint32_t tcp_rcv_wnd(const struct pn_tcp_conn *c);

/* What of the window offered is still open: data up to rcv_adv is taken
 * even where tcp_rcv_wnd is below it (rounded down to the scale). */
static inline uint32_t
tcp_rcv_offered(const struct pn_tcp_conn *c)
{
	return pn_seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
}

/* tcp_rcv_wnd(c) == 0 with nothing of the window offered still open:
 * computed only when none is. */
static inline bool
tcp_rcv_wnd_closed(const struct pn_tcp_conn *c)
{
	return !pn_seq_gt(c->rcv_adv, c->rcv_nxt) && tcp_rcv_wnd(c) == 0;
}
/* Our TSval now (RFC 7323 5.4: the ms clock plus the connection's offset;
 * inline: every segment out and every RTT sample from timestamps). */
static inline uint32_t
tcp_ts_now(const struct pn_tcp_conn *c)
{
	return tcp_now_ms(c->tcp) + c->ts_off;
}
void tcp_retransmit_head(struct pn_tcp_conn *c);

/** Linux MAX_TCP_SYNCNT */
#define TCP_SYNCNT_MAX 127

/** SYN / SYN-ACK retransmissions before giving up (RFC 9293 MUST-23). */
static inline uint32_t
tcp_syn_retries(const struct pn_tcp_conn *c)
{
	return c->syn_retries ? c->syn_retries : c->tcp->conf.syn_retries;
}

/** SYN-ACK retransmissions of a passive open before the embryo is
 * dropped: Linux reqsk_timer_handler, icsk_syn_retries of the listener
 * ?: sysctl tcp_synack_retries. */
static inline uint32_t
tcp_synack_retries(const struct pn_tcp_conn *c)
{
	return c->syn_retries ? c->syn_retries : c->tcp->conf.synack_retries;
}

/* tcp_timer.c */
void tcp_timers_init(struct pn_tcp_conn *c);
void tcp_timers_cancel(struct pn_tcp_conn *c);
/** Arm t_rtx from now (RFC 6298 5.3; Linux tcp_set_xmit_timer, loss
 * probe rules in tcp_timer.c). */
void tcp_rtx_arm(struct pn_tcp_conn *c);
/** Data went out with the loss probe pending: the probe again, the RTO
 * under it where it was (Linux tcp_event_new_data_sent's tcp_rearm_rto,
 * tcp_schedule_loss_probe(sk, false) after tcp_write_xmit). */
void tcp_rtx_rearm_sent(struct pn_tcp_conn *c);
void tcp_rtx_stop(struct pn_tcp_conn *c);
/** Arm t_rtx for the reordering window (RFC 8985 6.2/6.3, simplified). */
void tcp_reo_arm(struct pn_tcp_conn *c);
void tcp_persist_arm(struct pn_tcp_conn *c);
void tcp_delack_arm(struct pn_tcp_conn *c);
void tcp_keep_arm(struct pn_tcp_conn *c);
void tcp_timewait_arm(struct pn_tcp_conn *c);
void tcp_finwait2_arm(struct pn_tcp_conn *c);
void tcp_rtt_sample(struct pn_tcp_conn *c, uint32_t rtt_us);

/* tcp_sack.c: RFC 6675 scoreboard */
/** Merge the SACK blocks of @p o (ACK @p ack); D-SACKs are counted, not
 * kept. @return bytes newly SACKed. */
uint32_t tcp_sb_update(struct pn_tcp_conn *c, const struct pn_tcp_opts *o,
		       uint32_t ack);
/** @p o (ACK @p ack) starts with a D-SACK block (RFC 2883 4). */
bool tcp_sb_has_dsack(const struct pn_tcp_opts *o, uint32_t ack);
/** Forget what SND.UNA passed. */
void tcp_sb_prune(struct pn_tcp_conn *c);
uint32_t tcp_sb_bytes(const struct pn_tcp_conn *c);
/** RFC 6675 IsLost(seq). */
bool tcp_sb_is_lost(const struct pn_tcp_conn *c, uint32_t seq);
uint32_t tcp_sb_pipe_walk(const struct pn_tcp_conn *c);
/** RFC 6675 SetPipe: bytes in flight, in [SND.UNA, SND.NXT). With no
 * SACKed range and no recovery that is the one hole, the whole flight:
 * inline, the walk (tcp_sack.c) only otherwise. */
static inline uint32_t
tcp_sb_pipe(const struct pn_tcp_conn *c)
{
	if (c->nsb == 0 && !(c->flags & TF_IN_RECOVERY))
		return pn_seq_lt(c->snd_una, c->snd_nxt) ?
		       c->snd_nxt - c->snd_una : 0;
	return tcp_sb_pipe_walk(c);
}

/*
 * Linux 6.1 tcp_is_cwnd_limited (include/net/tcp.h), which
 * tcp_reno_cong_avoid and cubictcp_cong_avoid ask before growing cwnd:
 * cwnd grows only while the flow uses it (RFC 7661's concern). In slow
 * start, up to twice the most that was outstanding; past it, only when
 * cwnd was full. Request/response traffic never fills it: no growth.
 */
static inline bool
tcp_is_cwnd_limited(const struct pn_tcp_conn *c)
{
	if (c->cwnd_limited)
		return true;
	if (c->cwnd < c->ssthresh)	/* tcp_in_slow_start */
		return c->cwnd < 2ull * c->max_out;
	return false;
}

/* tcp_cc.c: RFC 2861 congestion window validation, as Linux 6.1 */
void tcp_cwnd_application_limited(struct pn_tcp_conn *c);
void tcp_cwnd_restart(struct pn_tcp_conn *c, uint64_t delta_ns);

/*
 * Linux 6.1 tcp_cwnd_validate, after each send that sent or found cwnd
 * full (tcp_write_xmit): a window in which cwnd was full is remembered
 * as cwnd-limited; otherwise the most bytes outstanding at a send in the
 * window. A window ends when SND.UNA passes the SND.NXT of the send that
 * opened it (cwnd_usage_seq). In bytes, as cwnd. Then RFC 2861: while
 * cwnd is used it is valid now (snd_cwnd_stamp); while not, the most
 * used is noted, and once cwnd went an RTO unvalidated it shrinks
 * towards that (tcp_cwnd_application_limited; sysctl
 * tcp_slow_start_after_idle gates it).
 */
static inline void
tcp_cwnd_validate(struct pn_tcp_conn *c, bool limited)
{
	uint32_t out = c->snd_max - c->snd_una;	/* tp->packets_out */
	uint64_t now = c->tcp->lc->now;

	if (!pn_seq_lt(c->snd_una, c->cwnd_usage_seq) || limited ||
	    (!c->cwnd_limited && out > c->max_out)) {
		c->cwnd_limited = limited;
		c->max_out = out;
		c->cwnd_usage_seq = c->snd_nxt;
	}
	if (tcp_is_cwnd_limited(c)) {
		c->cwnd_used = 0;
		c->cwnd_stamp_ns = now;
		return;
	}
	if (out > c->cwnd_used)
		c->cwnd_used = out;
	if (unlikely(now - c->cwnd_stamp_ns >= (uint64_t)c->rto_us * PN_NS_PER_US) &&
	    c->tcp->conf.slow_start_after_idle)
		tcp_cwnd_application_limited(c);
}

/*
 * Linux 6.1 tcp_slow_start_after_idle_check (include/net/tcp.h; from
 * tcp_skb_entail when the application queues data, and from
 * tcp_ack_update_window when the window moves with data waiting):
 * nothing in flight and nothing sent for more than an RTO, cwnd
 * restarts (tcp_cwnd_restart, RFC 2861 / RFC 5681 4.1).
 */
static inline void
tcp_slow_start_after_idle_check(struct pn_tcp_conn *c)
{
	uint64_t delta;

	if (c->snd_una != c->snd_max || !c->tcp->conf.slow_start_after_idle)
		return;
	delta = c->tcp->lc->now - c->lsnd_ns;
	if (unlikely(delta > (uint64_t)c->rto_us * PN_NS_PER_US))
		tcp_cwnd_restart(c, delta);
}

/** RFC 6675 NextSeg rules 1/3: next hole above HighRxt. @return its
 * length (at most one MSS, 0: none); *lost: IsLost. */
uint32_t tcp_sb_next_seg(const struct pn_tcp_conn *c, uint32_t *seq,
			 bool *lost);
/** Go-back-N: move SND.NXT over SACKed data, @return @p len cut at the
 * next SACKed range. */
uint32_t tcp_sb_skip(struct pn_tcp_conn *c, uint32_t len);
/** Restart NextSeg at SND.UNA when retransmissions were lost. */
void tcp_sb_lost_retransmit(struct pn_tcp_conn *c);
/** Free @p c's scoreboard (the TCB goes). */
void tcp_scb_free(struct pn_tcp_conn *c);
/** Recovery starts: remember what an undo restores. */
void tcp_undo_start(struct pn_tcp_conn *c);
/** @p seq was retransmitted in recovery. */
void tcp_undo_note(struct pn_tcp_conn *c, uint32_t seq);
/** RFC 6937: recovery starts, PRR counts from zero. */
void tcp_prr_start(struct pn_tcp_conn *c);
/** RFC 6937 on an ACK in SACK recovery that delivered @p delivered bytes
 * (@p una_moved: SND.UNA advanced): cwnd = pipe + sndcnt. */
void tcp_prr_ack(struct pn_tcp_conn *c, uint32_t delivered, bool una_moved);

/* c->urg_data (Linux TCP_URG_*): the low byte holds the urgent byte */
#define TCP_URG_VALID  0x0100  /**< the urgent byte arrived */
#define TCP_URG_NOTYET 0x0200  /**< announced, not arrived yet */
#define TCP_URG_READ   0x0400  /**< taken with MSG_OOB */

/* tcp_urg.c: urgent data (RFC 9293 3.8.5, Linux semantics) */
/** Urgent mode (Linux tcp_urg_mode): SND.UP not ACKed yet. */
static inline bool
tcp_urg_mode(const struct pn_tcp_conn *c)
{
	return c->snd_urg && pn_seq_lt(c->snd_una, c->snd_up);
}
/** Step six of RFC 9293 3.10.7.4: take the urgent pointer of @p s (before
 * its text is queued). @return true when the urgent byte arrived. */
bool tcp_urg_input(struct pn_tcp_conn *c, const struct tcp_seg *s);
/** The URG flag and pointer of a segment starting at @p seq (RFC 9293
 * 3.8.5: on every segment before SND.UP until it is ACKed). */
void tcp_urg_output(struct pn_tcp_conn *c, uint32_t seq,
		    struct pn_tcp_hdr *h);
/** Bytes a read may take from the front of the receive queue before the
 * mark, and (*skip) whether the front byte is the out-of-band byte that
 * must be skipped first. */
uint32_t tcp_urg_readable_mark(const struct pn_tcp_conn *c, bool *skip);
static inline uint32_t
tcp_urg_readable(const struct pn_tcp_conn *c, bool *skip)
{
	if (likely(c->urg_data == 0)) {	/* no mark: all of it */
		*skip = false;
		return c->rcvq.len;
	}
	return tcp_urg_readable_mark(c, skip);
}
/** FIONREAD (Linux tcp_inq): the bytes before a mark in the queue. */
uint32_t tcp_urg_inq(const struct pn_tcp_conn *c);
/** After a read: the mark passed clears the urgent state (Linux). */
void tcp_urg_consumed_mark(struct pn_tcp_conn *c);
static inline void
tcp_urg_consumed(struct pn_tcp_conn *c)
{
	if (unlikely(c->urg_data != 0))
		tcp_urg_consumed_mark(c);
}

/* tcp_reass.c */
/** Queue out-of-order data; consumes @p m. @return true if queued. */
bool tcp_reass_add(struct pn_tcp_conn *c, uint32_t seq, uint32_t len,
		   struct rte_mbuf *m, bool fin);
/** Move data that became in order to the receive queue. @return true on FIN. */
bool tcp_reass_pull(struct pn_tcp_conn *c);
void tcp_reass_free(struct pn_tcp_conn *c);
/** Fill SACK blocks: a pending D-SACK first (RFC 2883 4), then the held
 * ranges, most recent first (RFC 2018 4). */
uint8_t tcp_reass_sack(const struct pn_tcp_conn *c, struct pn_tcp_sack_blk *b,
		       uint8_t max);
/** Report [@p seq, @p end) as duplicate in the next ACK, replacing any
 * pending D-SACK (Linux tcp_dsack_set); no-op without SACK. */
void tcp_dsack_set(struct pn_tcp_conn *c, uint32_t seq, uint32_t end);
/** Widen the pending D-SACK by an overlapping or touching range, or set
 * it when none is pending (Linux tcp_dsack_extend). */
void tcp_dsack_extend(struct pn_tcp_conn *c, uint32_t seq, uint32_t end);

/* tcp_mq.c */
void tcp_mq_append_chain(struct tcp_mq *q, struct rte_mbuf *m);
/* Link the chain @p m .. @p t of @p n bytes behind @p q's tail. */
static inline void
tcp_mq_link(struct tcp_mq *q, struct rte_mbuf *m, struct rte_mbuf *t,
	    uint32_t n)
{
	if (q->tail != NULL)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = t;
	q->len += n;
}
/** Append @p m (a chain, NULL: nothing) to @p q. Inline for one mbuf (a
 * segment's payload, a send buffer's). */
static inline void
tcp_mq_append(struct tcp_mq *q, struct rte_mbuf *m)
{
	if (m == NULL || m->next != NULL)
		tcp_mq_append_chain(q, m);
	else
		tcp_mq_link(q, m, m, m->data_len);
}
/* Free one queued mbuf, unlinked from the others. */
static __rte_always_inline void
tcp_mq_free_seg(struct rte_mbuf *m)
{
	m->next = NULL;
	m->nb_segs = 1;
	rte_pktmbuf_free_seg(m);
}
void tcp_mq_drop_walk(struct tcp_mq *q, uint32_t bytes);
/* Drop @p bytes from the front of @p q. Inline for all of a one-mbuf
 * queue (a request read, a response ACKed: twice a transaction). */
static inline void
tcp_mq_drop(struct tcp_mq *q, uint32_t bytes)
{
	struct rte_mbuf *h = q->head;

	if (likely(h != NULL && h == q->tail && bytes == q->len &&
		   bytes == h->data_len)) {
		q->head = q->tail = q->cur = NULL;
		q->len = 0;
		tcp_mq_free_seg(h);
		return;
	}
	tcp_mq_drop_walk(q, bytes);
}
void tcp_mq_free(struct tcp_mq *q);
/*
 * The mbuf of @p q that holds byte @p *off, which becomes the offset in
 * it; NULL when @p q is shorter. It walks from the last seek's mbuf when
 * that starts at or before @p *off: each segment a sender builds lies
 * past the one before, and a walk from the head made sending a window
 * of N mbufs O(N^2) (Linux keeps tcp_send_head for this).
 */
static inline struct rte_mbuf *
tcp_mq_seek(struct tcp_mq *q, uint32_t *off)
{
	struct rte_mbuf *m = q->head;
	uint32_t o = *off;

	if (q->cur != NULL && q->cur_off <= o) {
		m = q->cur;
		o -= q->cur_off;
	}
	while (m != NULL && o >= m->data_len) {
		o -= m->data_len;
		m = m->next;
	}
	if (m != NULL) {
		q->cur = m;
		q->cur_off = *off - o;
	}
	*off = o;
	return m;
}
uint32_t tcp_mq_copy_walk(struct tcp_mq *q, uint32_t off, void *dst,
			  uint32_t len);
/* Copy [@p off, @p off + @p len) of @p q to @p dst; the bytes copied.
 * Inline when the first mbuf holds them all (a request, a response). */
static inline uint32_t
tcp_mq_copy(struct tcp_mq *q, uint32_t off, void *dst, uint32_t len)
{
	const struct rte_mbuf *m = q->head;

	if (likely(m != NULL && off < m->data_len &&
		   len <= m->data_len - off)) {
		__builtin_memcpy(dst, rte_pktmbuf_mtod_offset(m, const uint8_t *,
							      off), len);
		return len;
	}
	return tcp_mq_copy_walk(q, off, dst, len);
}
struct rte_mbuf *tcp_mbuf_slice_walk(struct rte_mbuf *m, uint32_t off,
				     uint32_t len);
/** Cut @p m (a chain) to @p len bytes from @p off: data only. */
static inline struct rte_mbuf *
tcp_mbuf_slice(struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	/* All that follows the first @p off bytes (a segment's payload, a
	 * GRO packet's, up to 64 mbufs): nothing to walk. */
	if (off < m->data_len && len > 0 && m->pkt_len == off + len) {
		m->data_off = (uint16_t)(m->data_off + off);
		m->data_len = (uint16_t)(m->data_len - off);
		m->pkt_len = len;
		return m;
	}
	return tcp_mbuf_slice_walk(m, off, len);
}

/** Take payload bytes [skip, skip+len) of @p s as a data-only chain. */
static inline struct rte_mbuf *
tcp_seg_take(struct tcp_seg *s, uint32_t skip, uint32_t len)
{
	struct rte_mbuf *m = s->m;

	s->m = NULL;
	if (m == NULL)
		return NULL;
	return tcp_mbuf_slice(m, s->off + skip, len);
}

/* tcp_syncookie.c */
uint32_t tcp_cookie_make(struct pn_tcp *tcp, const struct tcp_key *k,
			 uint32_t peer_isn, uint16_t mss, uint16_t *mss_out);
/** Listener @p l sent a SYN cookie now (Linux tcp_synq_overflow). */
void tcp_cookie_sent(struct pn_tcp_listen *l);
/** Could an ACK to @p l carry a cookie still valid, that is, did @p l
 * send one within their lifetime? (Linux tcp_synq_no_recent_overflow,
 * negated.) */
bool tcp_cookie_recent(const struct pn_tcp_listen *l);
/** @return the MSS encoded, or 0 when the cookie is not valid. */
uint16_t tcp_cookie_check(struct pn_tcp *tcp, const struct tcp_key *k,
			  uint32_t peer_isn, uint32_t cookie);

/* tcp_ipopt.c: IPv4 options of a connection (RFC 9293 3.9.2.1) */
/** The options a connection sends, and whose they are. */
struct tcp_ipopt {
	struct pn_ipopt_tx tx;
	bool user;                  /**< IP_OPTIONS: wins over the peer's
				     *   route (MUST-52) */
};
/** Passive open (Linux tcp_v4_save_options): @p c keeps the echo of
 * the options of @p s, its SYN or SYN-cookie ACK (MUST-53). */
void tcp_ipopt_save(struct pn_tcp_conn *c, const struct tcp_seg *s);
/** @p s carries IP options: a completed source route different from
 * the one @p c answers along replaces @p c's options with the echo of
 * @p s (SHLD-24), unless the user set options (MUST-52). */
void tcp_ipopt_rx(struct pn_tcp_conn *c, const struct tcp_seg *s);
/** TIME-WAIT: @p c's options become the echo of @p s's, or none, for
 * the ACK @p s may bring (Linux tcp_v4_timewait_ack: a timewait sock
 * keeps no options and echoes the segment's).
 * @return 0; -EINVAL: Linux sends no ACK for @p s. */
int tcp_ipopt_timewait(struct pn_tcp_conn *c, const struct tcp_seg *s);
/** The options to answer @p s with when no TCB holds any (RST, SYN
 * cookie SYN-ACK; Linux ip_options_echo in ip_send_unicast_reply,
 * tcp_v4_save_options): @p buf (buf->len 0: none).
 * @return 0; -EINVAL: Linux sends no RST (a SYN-ACK goes without). */
int tcp_ipopt_reply(struct pn_tcp *tcp, const struct tcp_seg *s,
		    struct pn_ipopt_tx *buf);
/** Bytes the options take from every segment (icsk_ext_hdr_len). */
static inline uint32_t
tcp_ipopt_len(const struct pn_tcp_conn *c)
{
	return unlikely(c->ipopt != NULL) ? c->ipopt->tx.len : 0;
}

/* SACK blocks that fit in 40 option bytes beside the others: 3 with
 * timestamps (12 + 2 + 2 + 24), 4 without (RFC 2018 3). */
static inline uint8_t
tcp_sack_max(const struct pn_tcp_conn *c)
{
	return (c->flags & TF_TS) ? 3 : PN_TCP_MAX_SACK;
}

/** Segment payload size: the MSS less the options every segment has
 * (inline: asked ~2 times per request/response, by output and the RTO). */
static inline uint32_t
tcp_eff_mss(const struct pn_tcp_conn *c)
{
	/* IP options take their room from every segment (Linux
	 * tcp_mtu_to_mss: icsk_ext_hdr_len) */
	uint32_t mss = c->mss - tcp_ipopt_len(c);

	if (c->flags & TF_TS)
		mss -= 12;
	/* Data sent while out-of-order data is held carries SACK blocks:
	 * 2 NOPs + kind + length + 8 per block (Linux tcp_current_mss), or
	 * the segment outgrows the MTU and DF drops it (IP_TOO_BIG). */
	if ((c->flags & TF_SACK) && (c->nooo > 0 || c->dsack_on)) {
		/* tcp_reass_sack() sends the D-SACK and one block per held
		 * range, capped */
		uint32_t n = RTE_MIN(c->nooo + c->dsack_on,
				     (uint32_t)tcp_sack_max(c));

		mss -= 4u + 8u * n;
	}
	return mss;
}

/* tcp_icmp.c */
/** Take (@p on) or stop taking ICMP errors from the net layer.
 * @return 0, -EEXIST (another handler has them). */
int tcp_icmp_register(struct pn_tcp *tcp, bool on);

/* tcp_redir.c: a bound port's connection whose replies hash elsewhere */
/** Take (@p on) or give back this shard's redirect messages. @return 0 or -errno. */
int tcp_redir_register(struct pn_tcp *tcp, bool on);
/** Free the redirect table. */
void tcp_redir_free(struct pn_tcp *tcp);
/** Ask shard @p owner to pass @p c's segments on. @return 0, -EAGAIN (ring full). */
int tcp_redir_claim(struct pn_tcp_conn *c, uint16_t owner);
/** @p c is gone: its owner may forget it. */
void tcp_redir_release(struct pn_tcp_conn *c);
/** Does this shard pass @p k's segments on to another (a tuple in use)? */
bool tcp_redir_has(const struct pn_tcp *tcp, const struct tcp_key *k);
/** A segment of no connection here: pass it on if redirected (true, taken). */
bool tcp_redir_pass(struct pn_tcp *tcp, struct tcp_seg *s,
		    const struct tcp_key *k);
/** The error a timeout reports: the last soft error, else ETIMEDOUT. */
static inline int
tcp_timeout_err(const struct pn_tcp_conn *c)
{
	return c->err_soft ? c->err_soft : ETIMEDOUT;
}

/* tcp_telemetry.c */
struct rte_tel_data;
int tcp_telemetry_register(void);
/* Run a /pollnet/tcp* handler directly (tests). */
int tcp_telemetry_call(const char *cmd, const char *params,
		       struct rte_tel_data *d);
const char *pn_tcp_state_name(uint8_t s);
void tcp_shard_set(uint16_t shard, struct pn_tcp *tcp);

#endif /* PN_TCP_PRIV_H */
