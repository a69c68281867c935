/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_BENCH_TCP_H
#define PN_BENCH_TCP_H

/*
 * pollnet-bench's TCP engines (tcp-rr, tcp-crr, tcp-stream, http), written
 * once against a socket-ops table so the same code measures pollnet
 * (pn_* on the lcores pn_init started) and Linux (sockets and epoll on
 * plain threads). One non-blocking, epoll-driven event loop per thread or
 * lcore; per-thread counters and a latency histogram; a monitor thread
 * prints periodic stats and ends warm-up and the run.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "hist.h"

#define TB_MAX_THREADS 64
#define TB_MAX_DEPTH   256      /**< requests in flight per connection */
#define TB_MAX_SIZE    (1u << 20)
#define TB_HTTP_HEAD   8192     /**< the longest response head we parse */
#define TB_HTTP_REQ    512      /**< the longest request we build */

/** The socket calls the engines use: Linux's or pollnet's. */
struct tb_sockops {
	const char *name;
	int (*socket)(int domain, int type, int proto);
	int (*bind)(int fd, const struct sockaddr *a, socklen_t l);
	int (*listen)(int fd, int backlog);
	int (*accept4)(int fd, struct sockaddr *a, socklen_t *l, int flags);
	int (*connect)(int fd, const struct sockaddr *a, socklen_t l);
	ssize_t (*read)(int fd, void *buf, size_t n);
	ssize_t (*send)(int fd, const void *buf, size_t n, int flags);
	int (*close)(int fd);
	int (*setsockopt)(int fd, int lvl, int name, const void *v, socklen_t l);
	int (*getsockopt)(int fd, int lvl, int name, void *v, socklen_t *l);
	int (*epoll_create1)(int flags);
	int (*epoll_ctl)(int ep, int op, int fd, struct epoll_event *ev);
	int (*epoll_wait)(int ep, struct epoll_event *evs, int max, int tmo);
};

extern const struct tb_sockops tb_sockops_linux;
extern const struct tb_sockops tb_sockops_pollnet;

enum tb_kind { TB_RR, TB_CRR, TB_STREAM, TB_HTTP, TB_IDLE, TB_NKINDS };
enum tb_stack { TB_POLLNET, TB_LINUX };
enum tb_role { TB_CLIENT, TB_SERVER };

/** The options of the TCP engines (struct bench_conf holds one). */
struct tb_conf {
	enum tb_kind kind;
	enum tb_stack stack;
	enum tb_role role;
	uint32_t ip;              /**< client: server address (host order) */
	uint16_t port;            /**< client: server port; server: listen port */
	uint16_t port_hi;         /**< tcp-idle: ports port..port_hi (--ports) */
	uint32_t rate;            /**< tcp-idle client: connects/s per loop */
	uint32_t rr_rate;         /**< tcp-rr client: requests/s per
				   *   connection, paced (0: each at once) */
	uint16_t ports_lo, ports_hi; /**< --ports as given (0: none) */
	bool port_set;
	uint32_t conns;           /**< client connections (crr: concurrency) */
	uint32_t req_size;        /**< rr/crr request bytes; stream write size */
	uint32_t resp_size;       /**< rr/crr response bytes */
	uint32_t depth;           /**< requests in flight per connection */
	bool s2c;                 /**< stream: server sends to client */
	bool linger0;             /**< crr: close with RST (SO_LINGER 0) */
	bool busy_poll;           /**< epoll_wait(0): never sleep */
	uint32_t warmup_s;
	uint32_t threads;         /**< linux: event-loop threads */
	char http_path[256];
	char addr[64];            /**< pollnet: --addr for pn_init */
	char gw[32];              /**< pollnet: --gw for pn_init */
	bool rss;                 /**< pollnet: --rss for pn_init */
	bool no_gro;              /**< pollnet: --no-gro for pn_init */
	bool no_tso, no_lro, no_tx_cksum; /**< pollnet: offloads off (pn_init) */
	bool cycles;              /**< pollnet: --cycles for pn_init */
	char max_conns[16];       /**< pollnet: --max-conns for pn_init ("") */
	char mbufs[16];           /**< pollnet: --mbufs for pn_init ("") */
	char sndbuf[16];          /**< pollnet: --sndbuf for pn_init ("") */
	char host[80];            /**< http Host: the --connect text */
};

enum tb_phase { TB_WARMUP, TB_MEASURE, TB_STOP };

/*
 * Counters of one thread: only it writes (relaxed stores), the monitor
 * reads them for the periodic stats.
 */
#define TB_COUNTERS(X) \
	X(transactions) X(tx_bytes) X(rx_bytes) X(conns_opened) \
	X(conns_accepted) X(conns_closed) X(connect_errors) X(io_errors) \
	X(eof_early) X(http_bad)

struct tb_counters {
#define TB_FIELD(f) _Atomic uint64_t f;
	TB_COUNTERS(TB_FIELD)
#undef TB_FIELD
};

/** Index of each counter in the arrays below: TB_C_transactions... */
enum tb_counter {
#define TB_IDX(f) TB_C_##f,
	TB_COUNTERS(TB_IDX)
#undef TB_IDX
	TB_NCOUNTERS
};

/** The counters as an array, in TB_COUNTERS order. */
static inline void
tb_counters_get(const struct tb_counters *c, uint64_t v[TB_NCOUNTERS])
{
	unsigned int i = 0;

#define TB_GET(f) v[i++] = atomic_load_explicit(&c->f, memory_order_relaxed);
	TB_COUNTERS(TB_GET)
#undef TB_GET
}

/** Names of the counters, in TB_COUNTERS order. */
extern const char *const tb_counter_names[TB_NCOUNTERS];

/** Add @p n to a counter only its thread writes (no locked instruction). */
#define TB_ADD(t, f, n) \
	atomic_store_explicit(&(t)->c.f, \
		atomic_load_explicit(&(t)->c.f, memory_order_relaxed) + (n), \
		memory_order_relaxed)

struct tb_conn;

/** One event loop (a Linux thread or a pollnet lcore). */
struct tb_thread {
	struct tb_ctx *ctx;
	const struct tb_sockops *ops;
	unsigned int id;
	int ep;
	uint32_t nconns;          /**< client connections of this thread */
	struct tb_conn *conns;    /**< client: nconns of them */
	struct tb_conn *srv;      /**< server: accepted connections (list) */
	struct tb_conn *conn_free; /**< server: closed ones to reuse */
	uint32_t nconn_free;      /**< on conn_free, <= TB_CONN_CACHE */
	int lfd;                  /**< server: listener */
	uint32_t nidle;           /**< client: connections to reopen */
	uint32_t npaced;          /**< tcp-rr --rate: requests waiting */
	int *held;                /**< tcp-idle: descriptors held */
	uint32_t nheld, held_cap;
	int *lfds;                /**< tcp-idle server: one listener per port */
	uint32_t nlfds;
	uint32_t started;         /**< tcp-idle client: connects started */
	uint32_t nconnecting;     /**< client: connects in flight */
	uint32_t open_next;       /**< client: where reopen_idle looks first */
	int accept_errno;         /**< tcp-idle server: the last accept error */
	const char *pat;          /**< what is written: zeros or the request */
	size_t pat_len;
	size_t wchunk;            /**< the largest single send */
	char http_req[TB_HTTP_REQ];
	bool measuring;
	uint64_t drain_until;     /**< client: stop waiting for answers then */
	struct tb_counters c;
	uint64_t base[TB_NCOUNTERS];        /**< counters when measurement began */
	struct tb_hist hist;
	uint64_t status[600];     /**< http: responses by status code */
	uint64_t status_other;    /**< http: codes outside 100..599 */
	int rc;
};

/** Process-wide state of a TCP run. */
struct tb_ctx {
	const struct bench_conf *conf;
	const struct tb_conf *tc;
	const struct tb_sockops *ops;
	bool quiet;               /**< no text on stdout (--quiet, --json=-) */
	unsigned int nthreads;
	struct tb_thread *th[TB_MAX_THREADS];
	_Atomic int phase;
	_Atomic unsigned int started; /**< threads that have set up */
	double measured_s;
	uint64_t t_measure_ns;
	uint16_t nports;          /**< pollnet: ethdev ports, stats at the end */
	uint64_t mem_rss[2];      /**< tcp-idle: RSS bytes, listening / stopped */
	uint64_t mem_heap[2];     /**< tcp-idle: DPDK heap bytes, same times */
	struct tb_port_stats {
		char name[64];
		uint64_t ipackets, opackets, ibytes, obytes, imissed, ierrors,
			 oerrors, rx_nombuf;
	} port[8];
};

/** Monotonic time in ns (both stacks use the same clock). */
uint64_t tb_now_ns(void);

/* tcp_main.c */
/** "tcp-rr", "tcp-crr", "tcp-stream", "http". */
const char *tb_kind_name(enum tb_kind k);
struct bench_conf;
/** Run a TCP engine: @p argc/@p argv are the EAL part (pollnet). Exit code. */
int bench_tcp_main(const struct bench_conf *c, int argc, char **argv);

/* tcp_loop.c: one event loop, every engine. */
int tb_thread_run(struct tb_thread *t);

/* tcp_idle.c: the tcp-idle loop (tb_thread_run calls it). */
int tb_idle_run(struct tb_thread *t);

/* tcp_json.c */
/** Write the JSON summary to @p path ('-': stdout). @return 0 or -errno. */
int tb_json_write(const struct tb_ctx *ctx, const char *path);
/** Print the summary of the measured part. */
void tb_print_final(const struct tb_ctx *ctx);

#endif /* PN_BENCH_TCP_H */
