/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_TCP_TCP_H
#define PN_TCP_TCP_H

/*
 * TCP as the socket layer sees it: the boundary between lib/tcp and
 * lib/socket. Everything here runs on the lcore that owns the connection
 * (one struct pn_tcp per lcore); nothing is locked.
 *
 * Upcalls (TCP -> socket), as in Linux sk_data_ready / sk_write_space /
 * sk_state_change: TCP calls upcalls->wakeup(ctx, kind) with the kind of
 * change (enum pn_tcp_wake), from which the socket derives epoll's wake-up
 * key without asking anything; the mask is asked of pn_tcp_poll() only
 * where it is reported (Linux: ep_poll_callback checks the key, then
 * ep_send_events calls tcp_poll()). That keeps one source of truth for
 * readiness.
 *
 * Lifetime: a connection (or listener) carries an opaque ctx (the socket).
 * After pn_tcp_close()/pn_tcp_abort() the socket has let go: TCP clears
 * ctx, makes no further upcall, and frees the TCB itself when the state
 * machine is done (after TIME-WAIT, or at once on RST).
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rte_mbuf;
struct pn_lcore;
struct pn_net;
struct pn_tcp;
struct pn_tcp_conn;    /**< a connection (TCB), also an embryo in SYN-RECEIVED */
struct pn_tcp_listen;  /**< a listener */

/** States, RFC 9293 3.3.2 (values as Linux TCP_ESTABLISHED... for TCP_INFO). */
enum pn_tcp_state {
	PN_TCP_ESTABLISHED = 1,
	PN_TCP_SYN_SENT,
	PN_TCP_SYN_RECEIVED,
	PN_TCP_FIN_WAIT_1,
	PN_TCP_FIN_WAIT_2,
	PN_TCP_TIME_WAIT,
	PN_TCP_CLOSED,
	PN_TCP_CLOSE_WAIT,
	PN_TCP_LAST_ACK,
	PN_TCP_LISTEN,
	PN_TCP_CLOSING,
};

/** Per-lcore TCP configuration (shared read-only by all shards). */
struct pn_tcp_conf {
	uint32_t max_conns;      /**< connections per shard, 16..16777216 (65536) */
	uint32_t sndbuf;         /**< default SO_SNDBUF bytes, 4096..67108864 (262144) */
	uint32_t rcvbuf;         /**< default SO_RCVBUF bytes, 4096..67108864 (262144) */
	uint32_t rcvbuf_max;     /**< receive window auto-sizing limit (4194304) */
	uint16_t mss;            /**< MSS we announce at most, 536..9000 (1460) */
	uint16_t mss_min;        /**< floor for the peer's MSS (RFC 9293 MUST-?) (536) */
	bool wscale;             /**< window scaling, RFC 7323 (true) */
	bool timestamps;         /**< timestamps + PAWS, RFC 7323 (true) */
	bool sack;               /**< SACK, RFC 2018 (true) */
	bool syncookies;         /**< SYN cookies when the SYN backlog is full (true) */
	uint32_t syn_backlog;    /**< embryos per listener, 1..65536 (1024) */
	uint32_t delack_ms;      /**< delayed ACK, 1..499 (40) */
	uint32_t rto_init_ms;    /**< 200..60000 (1000, RFC 6298) */
	uint32_t rto_min_ms;     /**< 1..1000 (200, as Linux) */
	uint32_t rto_max_ms;     /**< 1000..600000 (120000) */
	uint32_t syn_retries;    /**< 1..20 (7: 247 s, RFC 9293 MUST-23) */
	uint32_t synack_retries; /**< SYN-ACKs of a passive open, 1..20 (5, Linux
				  *   tcp_synack_retries: given up after 63 s) */
	uint32_t retries2;       /**< data retransmissions before giving up, 1..50 (15) */
	uint32_t msl_ms;         /**< TIME-WAIT lasts 2 x MSL, 100..120000 (30000) */
	uint32_t fin_timeout_ms; /**< FIN-WAIT-2 timeout after close(), (60000) */
	uint32_t keepalive_idle_s;  /**< (7200) */
	uint32_t keepalive_intvl_s; /**< (75) */
	uint32_t keepalive_cnt;     /**< (9) */
	uint32_t ooo_max_segs;   /**< out-of-order segments held per connection (256) */
	uint32_t init_cwnd;      /**< segments, RFC 6928 (10) */
	/** RFC 2861 / RFC 5681 4.1: cwnd restarts after an idle RTO and
	 *  shrinks when not used for one (Linux sysctl
	 *  tcp_slow_start_after_idle) (true) */
	bool slow_start_after_idle;
	char cc[16];             /**< congestion control: "cubic" | "newreno" (cubic) */
	uint8_t isn_secret[16];  /**< RFC 6528 key; zero: random at start */
};

/** What kind of change a wake-up reports (Linux's three sock callbacks). */
enum pn_tcp_wake {
	/** sk_data_ready: in-order data or urgent data arrived, or a
	 * listener's accept queue grew */
	PN_TCP_WAKE_DATA = 1,
	/** sk_write_space: the free send space rose to the low mark */
	PN_TCP_WAKE_SPACE,
	/** sk_state_change / sk_error_report: connected, FIN received,
	 * closed, reset, error, shut down */
	PN_TCP_WAKE_STATE,
};

/** Upcalls from TCP to the socket layer. */
struct pn_tcp_upcalls {
	/**
	 * Something about @p ctx's connection or listener changed, of kind
	 * @p what (enum pn_tcp_wake). pn_tcp_poll() / pn_tcp_listen_poll()
	 * say what the mask is now.
	 */
	void (*wakeup)(void *ctx, int what);
};

/** Per-lcore TCP counters, named as Linux nstat names them (TcpExt...). */
#define TCP_STATS(X) \
	X(ActiveOpens) X(PassiveOpens) X(AttemptFails) X(EstabResets) \
	X(CurrEstab) X(InSegs) X(OutSegs) X(RetransSegs) X(InErrs) \
	X(InCsumErrors) X(OutRsts) X(TCPTimeouts) X(TCPSynRetrans) \
	X(TCPFastRetrans) X(TCPSackRecovery) \
	X(TCPRenoRecovery) X(TCPSynCookiesSent) \
	X(TCPIpOptNoMem) X(TCPSackNoMem) X(TCPCcNoMem) \
	X(TCPSynCookiesRecv) X(TCPSynCookiesFailed) X(TCPChallengeACK) \
	X(TCPChallengeACKLimit) X(TCPOFOQueue) X(TCPOFODrop) \
	X(TCPOFOMerge) X(PAWSEstab) X(TCPDelayedACKs) X(TCPKeepAlive) \
	X(TCPWinProbe) X(TCPAbortOnData) X(TCPAbortOnClose) \
	X(TCPAbortOnTimeout) X(TCPAbortOnLinger) X(TCPListenOverflows) \
	X(TCPReqQFullDrop) X(TCPTimeWaitReopen) X(TCPPureAcks) \
	X(TCPDupAcks) X(TCPRcvBufGrow) X(TCPLostRetransmit) X(TCPDSACKRecv) \
	X(TCPSackDiscard) X(TCPDSACKUndo) X(TCPReoTimeout) \
	X(TCPDSACKOldSent) X(TCPDSACKOfoSent) \
	X(TCPLossProbes) X(TCPLossProbeRecovery) X(TCPPMTUUpdates) \
	X(TCPRcvQDrop) X(TWRecycled) \
	X(TCPRedirects) X(TCPRedirectedSegs) X(TCPRedirectFull) \
	X(TCPRedirectRefused) \
	X(TCPAckCoalesced) X(TCPNegativeAdvice) X(TCPSmallQueueThrottles) \
	X(TCPHPHits) X(DelayedACKLost) X(TCPACKSkippedSeq) X(TCPACKSkippedPAWS) \
	X(TCPACKSkippedSynRecv) X(TCPACKSkippedTimeWait)

struct pn_tcp_stat {
#define X(n) uint64_t n;
	TCP_STATS(X)
#undef X
};

/** The counters of @p tcp (owner lcore writes; others may read). */
const struct pn_tcp_stat *pn_tcp_stats(const struct pn_tcp *tcp);

/** Is @p addr (host order) one of the addresses of @p tcp's IPv4 layer? */
bool pn_tcp_addr_is_local(const struct pn_tcp *tcp, uint32_t addr);

/** May a socket bind to @p addr (host order)? pn_net_addr_bindable(). */
bool pn_tcp_addr_bindable(const struct pn_tcp *tcp, uint32_t addr);

/**
 * Ports an active open with no source port never takes: those with
 * @p ports[port] != 0 (65536 counters, read atomically; the socket layer
 * counts the sockets bind() holds them for, on every shard, as Linux
 * __inet_hash_connect skips the ports bind() took). NULL: none.
 */
void pn_tcp_skip_ports(struct pn_tcp *tcp, const uint32_t *ports);

/** Default configuration. */
void pn_tcp_conf_default(struct pn_tcp_conf *c);

/** Check a configuration; the error names the field and its range. */
int pn_tcp_conf_check(const struct pn_tcp_conf *c, char *err, size_t len);

/**
 * Create the lcore's TCP: tables, timers, counters; registers itself as the
 * IPPROTO_TCP handler of @p net.
 * @return 0, -EINVAL, -ENOMEM.
 */
int pn_tcp_create(const struct pn_tcp_conf *conf, struct pn_lcore *lc,
		  struct pn_net *net, const struct pn_tcp_upcalls *up,
		  struct pn_tcp **out);

/** Destroy: every connection is freed, aborted with a RST unless in
 * TIME-WAIT (which, as at its end in Linux, sends nothing). */
void pn_tcp_free(struct pn_tcp *tcp);

/* --- shutdown: what Linux goes on doing after the process exits --- */

/**
 * What @p tcp still owes its peers, as the Linux kernel goes on after a
 * process exits: a delayed ACK is sent at once; a connection whose FIN
 * or data is not acknowledged yet (FIN-WAIT-1, CLOSING, LAST-ACK, data
 * in flight) is owed until it is; a TIME-WAIT one for two RTOs after the
 * peer's last segment, so that a FIN the peer retransmits because our
 * ACK was lost is answered. FIN-WAIT-2, SYN-SENT and SYN-RECEIVED owe
 * nothing. On the owner lcore.
 * @return 0: nothing; else the lcore time (ns) until which something
 *   is owed, UINT64_MAX: until a segment or a timer settles it.
 */
uint64_t pn_tcp_owed(struct pn_tcp *tcp);

/**
 * Run @p tcp's lcore loop (pn_lcore_poll) until nothing is owed
 * (pn_tcp_owed) and no packet is held for the device, for at most
 * @p max_ns. With @p busy, the number of shards draining together
 * (software steering passes them each other's packets): count it down
 * once, when settled or out of time, and poll on until it is 0 or the
 * time is up. On the owner lcore, after the application's sockets were
 * closed (pn_sock_lcore_close_all); the lcore must not be stopping
 * (pn_lcore_stop), or it spins instead of sleeping.
 * @return 0 once nothing was owed, -ETIMEDOUT if something still is.
 */
int pn_tcp_drain(struct pn_tcp *tcp, uint64_t max_ns, atomic_uint *busy);

/** The TCP instance of shard @p shard, or NULL. */
struct pn_tcp *pn_tcp_of_shard(uint16_t shard);

/* --- listeners --- */

/**
 * Listen on @p ip (0: any local address) : @p port (host order).
 * @return 0, -EADDRINUSE, -ENOMEM.
 */
int pn_tcp_listen(struct pn_tcp *tcp, uint32_t ip, uint16_t port,
		  uint32_t backlog, void *ctx, struct pn_tcp_listen **out);

/** Change the backlog of a listener (listen() called again). */
void pn_tcp_listen_backlog(struct pn_tcp_listen *l, uint32_t backlog);

/**
 * Take an established connection off the accept queue; ctx set to @p ctx.
 * @return 0, -EAGAIN (queue empty).
 */
int pn_tcp_accept(struct pn_tcp_listen *l, void *ctx, struct pn_tcp_conn **out);

/** EPOLLIN when the accept queue is not empty. */
uint32_t pn_tcp_listen_poll(const struct pn_tcp_listen *l);

/** Stop listening; queued connections are reset. */
void pn_tcp_listen_close(struct pn_tcp_listen *l);

/* --- connections --- */

/**
 * Active open to @p dst : @p dport from @p src (0: the route's source) :
 * @p sport (0: an ephemeral port whose reply hash lands on this lcore).
 * Completion is reported through wakeup (EPOLLOUT, or EPOLLERR with
 * pn_tcp_error() set).
 * @return 0 (SYN sent: the caller says EINPROGRESS), -EADDRNOTAVAIL (no
 * port), -ENETUNREACH, -EADDRINUSE, -ENOMEM.
 */
int pn_tcp_connect(struct pn_tcp *tcp, uint32_t src, uint16_t sport,
		   uint32_t dst, uint16_t dport, void *ctx,
		   struct pn_tcp_conn **out);

/**
 * The two halves of pn_tcp_connect(), so that options set before connect()
 * shape the SYN (TCP_MAXSEG: its MSS option; SO_RCVBUF: its window and
 * window scale): pn_tcp_connect_create() reserves the 4-tuple and returns
 * a connection that sends nothing; set options with pn_tcp_setopt(); then
 * pn_tcp_connect_start() sends the SYN. Same errors as pn_tcp_connect().
 */
int pn_tcp_connect_create(struct pn_tcp *tcp, uint32_t src, uint16_t sport,
			  uint32_t dst, uint16_t dport, void *ctx,
			  struct pn_tcp_conn **out);
void pn_tcp_connect_start(struct pn_tcp_conn *c);

struct pn_ipopt_tx;

/**
 * pn_tcp_connect_create() with the IPv4 options of IP_OPTIONS (@p ipopt,
 * compiled by pn_ipopt_compile; NULL or empty: none). With a source
 * route, the route and the source address are those of its first hop
 * (RFC 9293 MUST-51, Linux tcp_v4_connect), and the SYN and every later
 * segment carry the options; received source routes never replace them
 * (MUST-52). Same errors as pn_tcp_connect(), and -ENOMEM.
 */
int pn_tcp_connect_create_ipopt(struct pn_tcp *tcp, uint32_t src,
				uint16_t sport, uint32_t dst, uint16_t dport,
				const struct pn_ipopt_tx *ipopt, void *ctx,
				struct pn_tcp_conn **out);

/**
 * Set (IP_OPTIONS on a connected socket) or clear (@p ipopt NULL or
 * empty) the IPv4 options of @p c's later segments; they take the place
 * of a route learned from the peer (MUST-52). The send MSS shrinks by
 * their length (Linux icsk_ext_hdr_len). @return 0, -ENOMEM.
 */
int pn_tcp_set_ipopt(struct pn_tcp_conn *c, const struct pn_ipopt_tx *ipopt);

/**
 * The IPv4 options @p c sends: the user's, or the reverse of the source
 * route its peer's SYN came along (MUST-53). @return 0, -ENOENT (none).
 */
int pn_tcp_get_ipopt(const struct pn_tcp_conn *c, struct pn_ipopt_tx *out);

/**
 * Queue bytes for sending (copied into mbufs). With PN_TCP_OOB in
 * @p flags the bytes are urgent: SND.UP points after the last of them
 * (Linux tcp_mark_urg) and segments carry URG until it is ACKed.
 * @return bytes queued (> 0, possibly short), -EAGAIN (no send space),
 * -EPIPE (sending side shut down, or the connection was reset),
 * -ENOTCONN, -ECONNRESET / the pending error.
 */
ssize_t pn_tcp_send(struct pn_tcp_conn *c, const struct iovec *iov, int iovcnt,
		    int flags);

/**
 * Zero-copy send: TCP takes the mbuf chain @p m (on success only).
 * @return bytes queued, or the same errors as pn_tcp_send.
 */
ssize_t pn_tcp_send_mbuf(struct pn_tcp_conn *c, struct rte_mbuf *m);

#define PN_TCP_PEEK 0x1 /**< leave the data in the queue (MSG_PEEK) */
#define PN_TCP_OOB  0x2 /**< urgent data (MSG_OOB), RFC 9293 3.8.5 */

/**
 * Copy received bytes out. A read never crosses the urgent mark (it
 * returns the bytes before it) and skips the out-of-band byte unless
 * SO_OOBINLINE (Linux tcp_recvmsg). With PN_TCP_OOB: the out-of-band
 * byte (Linux tcp_recv_urg), PN_TCP_PEEK leaving it.
 * @return bytes (> 0), 0 at EOF (FIN received and everything read),
 * -EAGAIN (nothing yet; with PN_TCP_OOB: announced, not arrived),
 * -EINVAL (PN_TCP_OOB: no urgent byte, already read, or SO_OOBINLINE),
 * -ECONNRESET / the pending error, -ENOTCONN.
 */
ssize_t pn_tcp_recv(struct pn_tcp_conn *c, const struct iovec *iov,
		    int iovcnt, int flags);

/**
 * Zero-copy receive: up to @p max iovecs pointing into received mbufs;
 * pn_tcp_recv_zc_done() consumes @p bytes of them and frees mbufs.
 * @return iovecs filled, 0 at EOF, or the errors of pn_tcp_recv.
 */
int pn_tcp_recv_zc(struct pn_tcp_conn *c, struct iovec *iov, int max);
void pn_tcp_recv_zc_done(struct pn_tcp_conn *c, size_t bytes);

/** SIOCATMARK: 1 when the next byte read is the urgent mark, else 0. */
int pn_tcp_atmark(const struct pn_tcp_conn *c);

/** Bytes readable now (FIONREAD); with an urgent mark in the queue, the
 * bytes before it (Linux tcp_inq). */
uint32_t pn_tcp_readable(const struct pn_tcp_conn *c);

/** Nothing to read: no byte (pn_tcp_readable() 0), no EOF, no error, no
 * urgent byte (pn_tcp_poll() shows none of IN, RDNORM, PRI, ERR, HUP,
 * RDHUP). Asked after each read, as cheaply as the common case allows. */
bool pn_tcp_unreadable(struct pn_tcp_conn *c);

/** Free send space in bytes. */
uint32_t pn_tcp_send_space(const struct pn_tcp_conn *c);

/** A poll found @p c not writable: ask for the write-space wake-up, as
 * Linux tcp_poll sets SOCK_NOSPACE. The one flag a short send also sets
 * (sk_stream_wait_memory), the PN_TCP_WAKE_SPACE wake-up clears
 * (sk_stream_write_space) and cwnd validation reads. */
void pn_tcp_set_nospace(struct pn_tcp_conn *c);

/**
 * Readiness like Linux tcp_poll(): EPOLLIN (data, EOF, or error),
 * EPOLLRDNORM, EPOLLOUT (connected and send space >= the low mark),
 * EPOLLWRNORM, EPOLLRDHUP (FIN received), EPOLLHUP (both directions shut or
 * reset), EPOLLERR (pending error), EPOLLPRI (an urgent byte arrived and
 * the mark was not passed; RFC 9293 MUST-32). The answer is kept in
 * the connection until a segment, a timer or a call may change it.
 */
uint32_t pn_tcp_poll(struct pn_tcp_conn *c);

/** Take the pending error (SO_ERROR): 0 or a positive errno, cleared. */
int pn_tcp_error(struct pn_tcp_conn *c);

/** SHUT_RD, SHUT_WR, SHUT_RDWR. @return 0, -ENOTCONN. */
int pn_tcp_shutdown(struct pn_tcp_conn *c, int how);

/**
 * The socket lets go: FIN (orderly), or RST when unread data remains or
 * SO_LINGER with a zero timeout was set (RFC 9293 3.10.4, Linux
 * tcp_close). No upcall after this.
 */
void pn_tcp_close(struct pn_tcp_conn *c);

/** Send RST and free now. No upcall after this. */
void pn_tcp_abort(struct pn_tcp_conn *c);

/** Socket options TCP implements. */
enum pn_tcp_opt {
	PN_TCP_OPT_NODELAY,       /**< bool */
	PN_TCP_OPT_MAXSEG,        /**< MSS clamp, 0 = none */
	PN_TCP_OPT_KEEPALIVE,     /**< bool (SO_KEEPALIVE) */
	PN_TCP_OPT_KEEPIDLE,      /**< seconds */
	PN_TCP_OPT_KEEPINTVL,     /**< seconds */
	PN_TCP_OPT_KEEPCNT,
	PN_TCP_OPT_LINGER,        /**< -1: off; >= 0: seconds (0: RST on close) */
	PN_TCP_OPT_SNDBUF,        /**< bytes */
	PN_TCP_OPT_RCVBUF,        /**< bytes */
	PN_TCP_OPT_RCVLOWAT,      /**< bytes */
	PN_TCP_OPT_SNDLOWAT,      /**< bytes */
	PN_TCP_OPT_USER_TIMEOUT,  /**< ms, 0 = default */
	PN_TCP_OPT_OOBINLINE,     /**< bool (SO_OOBINLINE) */
	PN_TCP_OPT_TOS,           /**< IP_TOS byte, 0..255 (sockets clear ECN) */
	PN_TCP_OPT_SYNCNT,        /**< SYN / SYN-ACK retransmissions before
				   *   giving up, 1..127 (Linux TCP_SYNCNT);
				   *   default conf.syn_retries (a passive
				   *   open's SYN-ACKs: conf.synack_retries) */
	PN_TCP_OPT_CC,            /**< congestion control: enum pn_tcp_cc
				   *   (Linux TCP_CONGESTION); default conf.cc */
};

/** Congestion control algorithms, for PN_TCP_OPT_CC. */
enum pn_tcp_cc {
	PN_TCP_CC_RENO = 1,       /**< NewReno, Linux's "reno" */
	PN_TCP_CC_CUBIC,
};

/** The algorithm Linux calls @p name ("reno", "cubic"; "newreno" too),
 * or 0 if there is none. */
int pn_tcp_cc_id(const char *name);

/** Linux's name of algorithm @p id ("reno", "cubic"), NULL if none. */
const char *pn_tcp_cc_name(int id);

/**
 * The value an option has on a connection of @p tcp that did not set it,
 * from the configuration (Linux do_tcp_getsockopt: TCP_SYNCNT is
 * icsk_syn_retries ?: sysctl tcp_syn_retries, TCP_KEEPIDLE/KEEPINTVL/
 * KEEPCNT the keepalive sysctls).
 * @return 0, -EINVAL (an option with no configured default).
 */
int pn_tcp_default_opt(const struct pn_tcp *tcp, enum pn_tcp_opt opt,
		       int64_t *v);

/** Set an option. @return 0, -EINVAL. */
int pn_tcp_setopt(struct pn_tcp_conn *c, enum pn_tcp_opt opt, int64_t v);

/**
 * Options a listener hands to its connections before their SYN-ACK is
 * built (Linux: the child socket is a clone of the listener):
 * PN_TCP_OPT_MAXSEG (the SYN-ACK's MSS is min(route MSS, value)) and
 * PN_TCP_OPT_RCVBUF (initial window and window scale from it, no receive
 * buffer auto-sizing) and PN_TCP_OPT_TOS (the SYN-ACK's and the
 * connection's IP TOS). Other options are set on the accepted connection.
 * @return 0, -EINVAL (bad value or an option listeners do not keep).
 */
int pn_tcp_listen_setopt(struct pn_tcp_listen *l, enum pn_tcp_opt opt,
			 int64_t v);

/** Get an option. @return 0, -EINVAL. */
int pn_tcp_getopt(const struct pn_tcp_conn *c, enum pn_tcp_opt opt, int64_t *v);

/** A useful subset of Linux struct tcp_info. */
struct pn_tcp_info {
	uint8_t state;            /**< enum pn_tcp_state */
	uint8_t ca_state;
	uint8_t retransmits;      /**< consecutive RTOs */
	uint8_t snd_wscale, rcv_wscale;
	uint8_t options;          /**< TCPI_OPT_TIMESTAMPS | SACK | WSCALE */
	uint32_t rto_us, ato_us;
	uint32_t snd_mss, rcv_mss;
	uint32_t unacked, sacked, lost, retrans;
	uint32_t rtt_us, rttvar_us;
	uint32_t snd_ssthresh, snd_cwnd;
	uint32_t rcv_space;
	uint64_t bytes_acked, bytes_received;
	uint32_t segs_out, segs_in;
	uint32_t total_retrans;
};

/** Fill @p info for @p c. */
void pn_tcp_info(const struct pn_tcp_conn *c, struct pn_tcp_info *info);

/** Local and remote address and port (host order). */
void pn_tcp_addrs(const struct pn_tcp_conn *c, uint32_t *lip, uint16_t *lport,
		  uint32_t *rip, uint16_t *rport);

#ifdef __cplusplus
}
#endif

#endif /* PN_TCP_TCP_H */
