/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_SOCKET_SOCK_PRIV_H
#define PN_SOCKET_SOCK_PRIV_H

/* Sockets, files and the fd table, shared by lib/socket and lib/event. */

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/queue.h>

#include <rte_spinlock.h>

#ifdef PN_TCP_POLL_CHECK
#include <rte_debug.h>
#endif

#include "lcore.h"
#include "objcache.h"
#include "pollnet/socket.h"
#include "sock.h"

struct pn_epoll;
struct pn_epitem;

enum pn_file_type {
	PN_FILE_SOCK = 1,
	PN_FILE_EPOLL,
};

TAILQ_HEAD(pn_epitem_list, pn_epitem);

/** What an fd points at: a socket or an epoll instance. */
struct pn_file {
	uint8_t type;       /**< enum pn_file_type */
	bool nonblock;      /**< O_NONBLOCK */
	bool cloexec;       /**< FD_CLOEXEC, kept for F_GETFD */
	int fd;
	struct pn_epitem_list watchers; /**< epoll items watching this file */
};

enum pn_sock_state {
	PN_SS_NEW,          /**< no TCP object (fresh, or after a failed connect) */
	PN_SS_LISTEN,
	PN_SS_CONNECTING,   /**< connect() started, not yet reported done */
	PN_SS_CONNECTED,
};

/* pn_sock.bound: how a socket holds its port */
enum {
	SOCK_UNBOUND,
	SOCK_BOUND,         /**< by bind() or listen(): counted in binds->ports */
	SOCK_BOUND_CHILD,   /**< an accepted socket, on its listener's port */
};

/* Ordered by size, no holes: 152 bytes, a 160-byte malloc chunk (a
 * million idle connections hold a million of these). Hence IP_OPTIONS,
 * which few sockets set, live in the lcore's table (sock_ipopt.c). */
struct pn_sock {
	struct pn_file f;               /* first: a file is a socket */
	struct pn_sock_lcore *sl;
	/* on sl->bport[lport] while bound; bind_link, lip, lport, lis and
	 * reuse* of a bound socket change under sl->bind_lock only (other
	 * shards' bind() and listen() read them) */
	LIST_ENTRY(pn_sock) bind_link;
	struct pn_tcp_conn *conn;
	struct pn_tcp_listen *lis;
	long rcvtimeo, sndtimeo;        /**< jiffies; SOCK_TIMEO_INF: none */
	enum pn_sock_state state;
	uint32_t lip;                   /**< host order */
	int err;                        /**< pending error held by the socket */
	/* options kept by the socket, pushed to TCP when a conn exists */
	int linger;                     /**< -1 off, else seconds */
	int linger_t;                   /**< seconds kept while off */
	uint32_t optset;                /**< 1 << enum pn_tcp_opt set */
	int sndbuf, rcvbuf, rcvlowat;
	int keepidle, keepintvl, maxseg;
	uint32_t user_timeout;          /**< TCP_USER_TIMEOUT, ms (0: none) */
	uint16_t lport;
	uint8_t bound;                  /**< SOCK_UNBOUND, SOCK_BOUND... */
	bool rd_quiet;                  /**< nothing to read: sock_read_settle */
	bool syn_wait;                  /**< connect()'s SYN out, no state wake yet */
	bool reuseaddr, reuseport, keepalive, nodelay;
	bool oobinline;                 /**< SO_OOBINLINE */
	uint8_t tos;                    /**< IP_TOS (ECN bits clear) */
	uint8_t keepcnt, syncnt;        /**< 1..127, 0: not set */
	uint8_t cc;                     /**< TCP_CONGESTION: enum pn_tcp_cc */
	uint16_t ipopt;                 /**< IP_OPTIONS: slot in sl->ipopts, 0 none */
};

/* SO_RCVTIMEO / SO_SNDTIMEO are kept in jiffies, as Linux keeps them, at
 * Debian's CONFIG_HZ (250), so that getsockopt rounds as Linux there. */
#define SOCK_HZ 250
#define SOCK_TIMEO_INF LONG_MAX     /**< MAX_SCHEDULE_TIMEOUT */

LIST_HEAD(pn_sock_bind_list, pn_sock);

struct pn_sock_lcore {
	struct pn_lcore *lc;
	struct pn_tcp *tcp;
	const struct pn_sock_tcp_ops *ops;
	uint32_t max_fds;
	uint32_t nb_open;
	uint32_t hint;                  /**< lowest slot that may be free */
	uint32_t ep_gen;                /**< epoll loop-check generation */
	struct pn_file **files;         /**< max_fds slots */
	/* Linux fdtable's open_fds / full_fds_bits: a bit per slot in use,
	 * a bit per all-used word of it; bits past max_fds are set. */
	uint64_t *used;
	uint64_t *full;
	/* the bound sockets of each local port (Linux's bind hash): bind and
	 * listen look at one port's sockets, not at every open fd; this
	 * shard's share of binds, which its bind_lock guards */
	struct pn_sock_bind_list *bport; /**< 65536 heads */
	struct pn_sock_binds *binds;
	bool own_binds;                 /**< binds is this shard's alone */
	rte_spinlock_t bind_lock;
	/* IP_OPTIONS of the sockets that set them: slot 0 unused */
	struct pn_ipopt_tx **ipopts;
	uint32_t nb_ipopts;             /**< slots allocated, up to 65536 */
	struct pn_objcache socks;       /**< closed struct pn_sock to reuse */
	struct pn_objcache epitems;     /**< removed epoll items to reuse */
};

/*
 * The bind table of a stack, its shards' bport lists together. A shard
 * changes its own lists under its bind_lock (accept and close take no
 * other lock); bind() and listen() decide under lock, reading every
 * shard's lists each under that shard's bind_lock, so no two shards take
 * one port unless Linux would let two sockets share it.
 */
struct pn_sock_binds {
	rte_spinlock_t lock;
	uint32_t nb_sl;
	struct pn_sock_lcore *sl[PN_MAX_SHARDS];
	/* per port, the sockets holding it by bind() or listen() on every
	 * shard (atomic): TCP's ephemeral choice skips those ports, as
	 * Linux __inet_hash_connect skips bind buckets made by bind() */
	uint32_t ports[UINT16_MAX + 1];
};

/* Objects each lcore keeps for reuse (objcache.h): a connection per
 * request allocates a socket and an epoll item. */
#define SOCK_CACHE_MAX 1024

/*
 * fd numbers: PN_FD_BASE | shard << PN_FD_SHARD_SHIFT | slot. PN_FD_BASE
 * is bit 30; the shard (PN_MAX_SHARDS = 64: 6 bits) takes bits 24..29 and
 * the slot bits 0..23, so every fd is a positive int >= PN_FD_BASE and one
 * lcore holds up to 16,777,216 (tcp max_conns' top) fds (fd.c checks it).
 */
#define PN_FD_SHARD_SHIFT 24
#define PN_FD_MAX_PER_LCORE (1u << PN_FD_SHARD_SHIFT)

/** The fd of @p slot on @p shard. */
static inline int
sock_fd_make(uint32_t shard, uint32_t slot)
{
	return (int)((uint32_t)PN_FD_BASE | shard << PN_FD_SHARD_SHIFT | slot);
}

/** Split @p fd into its shard and slot. @return false: not a pollnet fd. */
static inline bool
sock_fd_split(int fd, uint32_t *shard, uint32_t *slot)
{
	uint32_t u = (uint32_t)fd & ~(uint32_t)PN_FD_BASE;

	if (fd < PN_FD_BASE)
		return false;
	*shard = u >> PN_FD_SHARD_SHIFT;
	*slot = u & (PN_FD_MAX_PER_LCORE - 1);
	return true;
}

/** The caller's socket layer or NULL with errno EPERM. */
struct pn_sock_lcore *sock_current(void);

/* fd.c's: this thread's socket layer (pn_sock_lcore_enter) */
extern __thread struct pn_sock_lcore *sock_cur;

/* sock_current and sock_fd_get, inline for the lookups of the data
 * calls: an exported function is not inlined (the library is
 * position-independent). */
static inline struct pn_sock_lcore *
fd_current(void)
{
	if (sock_cur == NULL)
		errno = EPERM;
	return sock_cur;
}

static inline struct pn_file *
fd_get(struct pn_sock_lcore *sl, int fd)
{
	uint32_t shard, slot;

	if (!sock_fd_split(fd, &shard, &slot) || shard != sl->lc->shard ||
	    slot >= sl->max_fds)
		return NULL;
	return sl->files[slot];
}

/* The socket behind @p fd, a non-socket failing with @p notsock_errno
 * (three lookups per request/response: two reads and a send). */
static inline struct pn_sock *
fd_sock(int fd, int notsock_errno)
{
	struct pn_sock_lcore *sl = fd_current();
	struct pn_file *f;

	if (sl == NULL)
		return NULL;
	f = fd_get(sl, fd);
	if (f == NULL) {
		errno = EBADF;
		return NULL;
	}
	if (f->type != PN_FILE_SOCK) {
		errno = notsock_errno;
		return NULL;
	}
	return (struct pn_sock *)f;
}

/** Install @p f in a free slot. @return the fd or -EMFILE. */
int sock_fd_alloc(struct pn_sock_lcore *sl, struct pn_file *f);

/** The file of @p fd on this lcore, or NULL (EBADF). */
struct pn_file *sock_fd_get(struct pn_sock_lcore *sl, int fd);

/** Free @p fd's slot. */
void sock_fd_release(struct pn_sock_lcore *sl, int fd);

/* Linux tcp_poll on a TCP_CLOSE socket: a socket with no connection */
#define SOCK_MASK_CLOSED  (EPOLLOUT | EPOLLWRNORM | EPOLLHUP)

/** The socket's current EPOLL* mask (Linux tcp_poll); inline: asked
 * after each data call, at each wake-up and by epoll. */
static inline uint32_t
sock_poll(const struct pn_sock *s)
{
	const struct pn_sock_tcp_ops *ops = s->sl->ops;
	uint32_t m;

	if (s->lis != NULL)
		m = ops->listen_poll(s->lis);
	else if (s->conn != NULL)
		m = ops->poll(s->conn);
	else
		m = SOCK_MASK_CLOSED;
	if (s->err != 0)
		m |= EPOLLERR;
	return m;
}

/* What a socket with nothing to read shows none of. */
#define SOCK_MASK_READ (EPOLLIN | EPOLLRDNORM | EPOLLPRI | EPOLLERR | \
			EPOLLHUP | EPOLLRDHUP)

/**
 * @p s was polled (by epoll) and showed @p m: as Linux tcp_poll, a
 * connection found without send space asks for the write-space wake-up
 * (SOCK_NOSPACE, TCP's flag: sends set it there too). A handshake
 * (SYN-SENT, SYN-RECEIVED of a simultaneous open: until the state wake-up
 * that ends it) shows no EPOLLOUT either but asks nothing.
 */
static inline void
sock_polled(struct pn_sock *s, uint32_t m)
{
	if (!(m & EPOLLOUT) && s->conn != NULL && !s->syn_wait)
		s->sl->ops->set_nospace(s->conn);
}

/** The deadline (lcore clock, ns) of a blocking call with timeout @p timeo. */
uint64_t sock_deadline(const struct pn_sock *s, long timeo);

/**
 * A blocking call waits: run the lcore loop once, sleeping until @p s
 * shows one of @p want (or EPOLLERR / EPOLLHUP) or @p deadline.
 * @return 0 (look again), -EAGAIN (the deadline has passed), -EINTR
 * (pn_lcore_stop() was called: as a signal would).
 */
int sock_wait(struct pn_sock *s, uint32_t want, uint64_t deadline);

/* Set SO_REUSEADDR / SO_REUSEPORT (@p field of @p s): other shards read
 * them while @p s is bound. */
void sock_bind_set(struct pn_sock *s, bool *field, bool v);

/** Close a file (socket or epoll) without the fd bookkeeping. */
void sock_file_close(struct pn_sock_lcore *sl, struct pn_file *f);

/** The socket behind @p fd, or NULL with errno EBADF / ENOTSOCK / EPERM. */
struct pn_sock *sock_get(int fd);

/** As sock_get(), a non-socket fd failing with @p notsock_errno. */
struct pn_sock *sock_lookup(int fd, int notsock_errno);

/*
 * After a read: note whether @p s has nothing left to read (no byte, no
 * error, no EOF, no urgent byte). Every change that adds any of that
 * wakes the socket with PN_TCP_WAKE_DATA or _STATE (sock_wakeup), or is
 * a shutdown(), and those clear it; what reads take away keeps it. While
 * set, a non-blocking read fails with EAGAIN without asking TCP and epoll
 * knows the socket's read bits without polling it.
 */
static inline void
sock_read_settle(struct pn_sock *s)
{
	/* TCP's direct answer: what the mask (sock_poll) and FIONREAD say */
	s->rd_quiet = s->conn != NULL && s->err == 0 &&
		      s->sl->ops->unreadable(s->conn);
#ifdef PN_TCP_POLL_CHECK
	if (s->rd_quiet != (s->conn != NULL &&
			    !(sock_poll(s) & SOCK_MASK_READ) &&
			    s->sl->ops->readable(s->conn) == 0))
		rte_panic("sock_read_settle: unreadable %d, mask %#x\n",
			  s->rd_quiet, sock_poll(s));
#endif
}

/** Hand the options set on @p s to its TCP connection. */
void sock_push_opts(struct pn_sock *s);
/** Hand a new listener the options its SYN-ACKs depend on. */
void sock_push_listen_opts(struct pn_sock *s);

/* sock_ipopt.c */
/** Keep @p o (NULL or empty: drop) as @p s's IP_OPTIONS.
 * @return 0, -ENOMEM (no memory, or 65535 sockets hold options). */
int sock_ipopt_set(struct pn_sock *s, const struct pn_ipopt_tx *o);
/** @p s's IP_OPTIONS, NULL: none. */
const struct pn_ipopt_tx *sock_ipopt_get(const struct pn_sock *s);
/** Free the table (every socket closed). */
void sock_ipopt_fini(struct pn_sock_lcore *sl);

/* lib/event, called by sockets */

/** @p f's readiness may have changed: ep_poll_callback for each item. */
void ep_wake(struct pn_file *f, uint32_t key);

/** Remove @p f from every epoll watching it (close). */
void ep_forget(struct pn_file *f);

/** Free an epoll instance (its fd is gone). */
void ep_free(struct pn_epoll *ep);

/** sizeof(struct pn_epitem), for the socket layer's item cache. */
size_t ep_item_size(void);

static inline int
sock_fail(int err)
{
	errno = err;
	return -1;
}

#endif /* PN_SOCKET_SOCK_PRIV_H */
