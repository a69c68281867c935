/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_SOCKET_SOCK_H
#define PN_SOCKET_SOCK_H

/*
 * The socket layer as the rest of the library sees it (not installed):
 * one struct pn_sock_lcore per lcore holding its fd table, sockets and
 * epoll instances, wired to that lcore's TCP.
 *
 * The socket layer calls TCP through struct pn_sock_tcp_ops, one pointer
 * per function of tcp.h, so that the same layer runs over lib/tcp
 * (pn_sock_tcp_ops_default()) or over an in-memory fake in unit tests.
 */

#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "tcp.h"

struct pn_lcore;
struct pn_sock_lcore;
struct pn_sock_binds;

/** tcp.h, as a table. */
struct pn_sock_tcp_ops {
	int (*listen)(struct pn_tcp *tcp, uint32_t ip, uint16_t port,
		      uint32_t backlog, void *ctx, struct pn_tcp_listen **out);
	void (*listen_backlog)(struct pn_tcp_listen *l, uint32_t backlog);
	int (*accept)(struct pn_tcp_listen *l, void *ctx,
		      struct pn_tcp_conn **out);
	uint32_t (*listen_poll)(const struct pn_tcp_listen *l);
	void (*listen_close)(struct pn_tcp_listen *l);
	/* pn_tcp_connect_create: options are set between the two */
	int (*connect)(struct pn_tcp *tcp, uint32_t src, uint16_t sport,
		       uint32_t dst, uint16_t dport, void *ctx,
		       struct pn_tcp_conn **out);
	void (*connect_start)(struct pn_tcp_conn *c);
	/* pn_tcp_connect_create_ipopt, pn_tcp_set_ipopt, pn_tcp_get_ipopt:
	 * IP_OPTIONS (NULL in a TCP without them: EOPNOTSUPP, none) */
	int (*connect_ipopt)(struct pn_tcp *tcp, uint32_t src, uint16_t sport,
			     uint32_t dst, uint16_t dport,
			     const struct pn_ipopt_tx *ipopt, void *ctx,
			     struct pn_tcp_conn **out);
	int (*set_ipopt)(struct pn_tcp_conn *c, const struct pn_ipopt_tx *o);
	int (*get_ipopt)(const struct pn_tcp_conn *c, struct pn_ipopt_tx *o);
	/* pn_tcp_addr_is_local: an IP timestamp option prespecifying one
	 * of our addresses (NULL: none is ours) */
	bool (*addr_is_local)(const struct pn_tcp *tcp, uint32_t addr);
	/* pn_tcp_addr_bindable: may bind() take this address (NULL: any) */
	bool (*addr_bindable)(const struct pn_tcp *tcp, uint32_t addr);
	int (*listen_setopt)(struct pn_tcp_listen *l, enum pn_tcp_opt opt,
			     int64_t v);
	ssize_t (*send)(struct pn_tcp_conn *c, const struct iovec *iov,
			int iovcnt, int flags);
	ssize_t (*send_mbuf)(struct pn_tcp_conn *c, struct rte_mbuf *m);
	ssize_t (*recv)(struct pn_tcp_conn *c, const struct iovec *iov,
			int iovcnt, int flags);
	int (*recv_zc)(struct pn_tcp_conn *c, struct iovec *iov, int max);
	void (*recv_zc_done)(struct pn_tcp_conn *c, size_t bytes);
	uint32_t (*readable)(const struct pn_tcp_conn *c);
	bool (*unreadable)(struct pn_tcp_conn *c);
	int (*atmark)(const struct pn_tcp_conn *c);
	uint32_t (*send_space)(const struct pn_tcp_conn *c);
	void (*set_nospace)(struct pn_tcp_conn *c);
	uint32_t (*poll)(struct pn_tcp_conn *c);
	int (*error)(struct pn_tcp_conn *c);
	int (*shutdown)(struct pn_tcp_conn *c, int how);
	void (*close)(struct pn_tcp_conn *c);
	void (*abort)(struct pn_tcp_conn *c);
	int (*setopt)(struct pn_tcp_conn *c, enum pn_tcp_opt opt, int64_t v);
	int (*getopt)(const struct pn_tcp_conn *c, enum pn_tcp_opt opt,
		      int64_t *v);
	void (*info)(const struct pn_tcp_conn *c, struct pn_tcp_info *info);
	/* pn_tcp_default_opt: an option's configured default (NULL: the
	 * socket layer's built-in one) */
	int (*default_opt)(const struct pn_tcp *tcp, enum pn_tcp_opt opt,
			   int64_t *v);
	void (*addrs)(const struct pn_tcp_conn *c, uint32_t *lip,
		      uint16_t *lport, uint32_t *rip, uint16_t *rport);
	/* pn_tcp_skip_ports: the ports bind() holds, which ephemeral
	 * choice skips (NULL: the TCP picks from all) */
	void (*skip_ports)(struct pn_tcp *tcp, const uint32_t *ports);
};

/** The upcalls to give pn_tcp_create() (wakeup -> socket -> epoll). */
extern const struct pn_tcp_upcalls pn_sock_upcalls;

#define PN_SOCK_MIN_FDS   65536u /**< fd table floor per lcore */
#define PN_SOCK_EXTRA_FDS 1024u  /**< listeners and epolls besides connections */

/** The fd table size for @p max_conns TCP connections per lcore:
 * max(PN_SOCK_MIN_FDS, max_conns + PN_SOCK_EXTRA_FDS), capped at 2^24. */
uint32_t pn_sock_fds_for(uint32_t max_conns);

/**
 * The bind table of one stack (Linux's bind hash, one per network
 * namespace): the shards created over it check bind() and listen()
 * against each other's sockets, as Linux checks every socket of the
 * namespace. @return 0, -ENOMEM.
 */
int pn_sock_binds_create(struct pn_sock_binds **out);

/** Free @p b (NULL: nothing), once every shard over it is freed. */
void pn_sock_binds_free(struct pn_sock_binds *b);

/**
 * The socket layer of @p lc over @p tcp, called through @p ops
 * (pn_sock_tcp_ops_default() for lib/tcp). Up to @p max_fds descriptors
 * (1..16777216, the slot bits of an fd); pn_sock_fds_for() sizes it.
 * Ports are checked against the other shards of @p binds (NULL: a table
 * of its own, a stack of one shard). All shards of a stack are created
 * before any of them binds. @return 0, -EINVAL, -ENOMEM, -ENOSPC (@p binds
 * holds PN_MAX_SHARDS shards).
 */
int pn_sock_lcore_create(struct pn_lcore *lc, struct pn_tcp *tcp,
			 const struct pn_sock_tcp_ops *ops, uint32_t max_fds,
			 struct pn_sock_binds *binds,
			 struct pn_sock_lcore **out);

/** Close every fd (connections aborted) and free. */
void pn_sock_lcore_free(struct pn_sock_lcore *sl);

/**
 * Close every open fd, epoll instances first, as the exit of a Linux
 * process does: each socket as pn_close() would (FIN, or RST over unread
 * data or with SO_LINGER 0; no lingering close), so that pn_tcp_drain()
 * can then finish the connections. On the owner lcore.
 */
void pn_sock_lcore_close_all(struct pn_sock_lcore *sl);

/**
 * Make @p sl the socket layer of the calling thread (NULL: none; calls
 * then fail with EPERM).
 */
void pn_sock_lcore_enter(struct pn_sock_lcore *sl);

/** The calling thread's socket layer, or NULL. */
struct pn_sock_lcore *pn_sock_lcore_current(void);

/** lib/tcp as a table (links lib/tcp in). */
const struct pn_sock_tcp_ops *pn_sock_tcp_ops_default(void);

#endif /* PN_SOCKET_SOCK_H */
