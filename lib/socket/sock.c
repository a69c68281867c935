/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sockets: creation, bind/listen/accept/connect, close, names, the
 * readiness wake-up from TCP, fcntl and ioctl. Data calls are in
 * sock_io.c, options in sockopt.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <arpa/inet.h>

#include <rte_common.h>

#include "pollnet/socket.h"
#include "sock_priv.h"

#define SOCK_EPHEMERAL_LO 32768 /* Linux ip_local_port_range */
#define SOCK_EPHEMERAL_HI 60999
#define SOCK_SOMAXCONN    4096

/* --- readiness --- */

/* Linux sock_def_readable's key (sk_data_ready) */
#define SOCK_KEY_DATA (EPOLLIN | EPOLLPRI | EPOLLRDNORM | EPOLLRDBAND)
/* Linux sk_stream_write_space's key */
#define SOCK_KEY_SPACE (EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND)

/*
 * TCP says what kind of change happened; wake epoll with the key Linux
 * gives it, asking TCP nothing (ep_poll_callback checks the key against
 * each item's interest; epoll asks the mask when it reports the item):
 *  - data (sk_data_ready, sock_def_readable): IN | PRI | RDNORM | RDBAND,
 *    every time, so an edge-triggered item fires again on more data;
 *  - send space (sk_stream_write_space): TCP gives it only once a writer
 *    found no space or a poll saw none (SOCK_NOSPACE, TCP's flag), and
 *    clears that; only if writable now;
 *  - state (sk_state_change, sk_error_report): key 0, every item.
 */
static void
sock_wakeup(void *ctx, int what)
{
	struct pn_sock *s = ctx;

	switch (what) {
	case PN_TCP_WAKE_DATA:
		s->rd_quiet = false;
		ep_wake(&s->f, SOCK_KEY_DATA);
		break;
	case PN_TCP_WAKE_SPACE:
		if (sock_poll(s) & EPOLLOUT)
			ep_wake(&s->f, SOCK_KEY_SPACE);
		break;
	default:
		s->rd_quiet = false;
		s->syn_wait = false; /* connected or failed */
		ep_wake(&s->f, 0);
		break;
	}
}

const struct pn_tcp_upcalls pn_sock_upcalls = {
	.wakeup = sock_wakeup,
};

/* --- create --- */

static struct pn_sock *
sock_new(struct pn_sock_lcore *sl, int flags)
{
	struct pn_sock *s = pn_objcache_get(&sl->socks);
	int fd;

	if (s == NULL) {
		errno = ENOBUFS;
		return NULL;
	}
	s->f.type = PN_FILE_SOCK;
	s->f.nonblock = (flags & SOCK_NONBLOCK) != 0;
	s->f.cloexec = (flags & SOCK_CLOEXEC) != 0;
	s->sl = sl;
	s->linger = -1;
	s->rcvtimeo = SOCK_TIMEO_INF;
	s->sndtimeo = SOCK_TIMEO_INF;
	TAILQ_INIT(&s->f.watchers);
	fd = sock_fd_alloc(sl, &s->f);
	if (fd < 0) {
		pn_objcache_put(&sl->socks, s);
		errno = -fd;
		return NULL;
	}
	return s;
}

int
pn_socket(int domain, int type, int protocol)
{
	struct pn_sock_lcore *sl = sock_current();
	struct pn_sock *s;

	if (sl == NULL)
		return -1;
	if (domain != AF_INET)
		return sock_fail(EAFNOSUPPORT);
	if (type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC | 0xf))
		return sock_fail(EINVAL);
	if ((type & 0xf) >= SOCK_PACKET + 1) /* Linux SOCK_MAX */
		return sock_fail(EINVAL);
	if ((type & 0xf) != SOCK_STREAM)
		return sock_fail(ESOCKTNOSUPPORT);
	if (protocol != 0 && protocol != IPPROTO_TCP)
		return sock_fail(EPROTONOSUPPORT);
	s = sock_new(sl, type);
	return s == NULL ? -1 : s->f.fd;
}

/* --- names --- */

/*
 * Ports across shards (struct pn_sock_binds). A shard's own bind lists
 * change under its bind_lock, which other shards take only to read them
 * in bind() and listen(); a stack of one shard has no such reader.
 */
static inline bool
sock_bind_lock(struct pn_sock_lcore *sl)
{
	if (sl->binds->nb_sl <= 1)
		return false;
	rte_spinlock_lock(&sl->bind_lock);
	return true;
}

static inline void
sock_bind_unlock(struct pn_sock_lcore *sl, bool locked)
{
	if (locked)
		rte_spinlock_unlock(&sl->bind_lock);
}

/* @p s is bound to @p ip:@p port (@p how: SOCK_BOUND...), on that port's
 * bind list. */
static void
sock_bind_to(struct pn_sock *s, uint32_t ip, uint16_t port, uint8_t how)
{
	bool locked = sock_bind_lock(s->sl);

	s->lip = ip;
	s->lport = port;
	s->bound = how;
	LIST_INSERT_HEAD(&s->sl->bport[port], s, bind_link);
	sock_bind_unlock(s->sl, locked);
	if (how == SOCK_BOUND)
		__atomic_fetch_add(&s->sl->binds->ports[port], 1,
				   __ATOMIC_RELAXED);
}

/* @p s leaves its port's bind list. */
static void
sock_unbind(struct pn_sock *s)
{
	bool locked = sock_bind_lock(s->sl);

	LIST_REMOVE(s, bind_link);
	sock_bind_unlock(s->sl, locked);
	if (s->bound == SOCK_BOUND)
		__atomic_fetch_sub(&s->sl->binds->ports[s->lport], 1,
				   __ATOMIC_RELAXED);
	s->bound = SOCK_UNBOUND;
}

void
sock_bind_set(struct pn_sock *s, bool *field, bool v)
{
	bool locked = s->bound ? sock_bind_lock(s->sl) : false;

	*field = v;
	sock_bind_unlock(s->sl, locked);
}

/* Linux inet_csk_bind_conflict over the sockets of @p sl. */
static bool
sock_port_conflict_in(const struct pn_sock_lcore *sl,
		      const struct pn_sock *s, uint32_t ip, uint16_t port)
{
	const struct pn_sock *o;

	LIST_FOREACH(o, &sl->bport[port], bind_link) {
		if (o == s)
			continue;
		if (ip != 0 && o->lip != 0 && ip != o->lip)
			continue;
		if (s->reuseport && o->reuseport)
			continue;
		if (s->reuseaddr && o->reuseaddr && o->lis == NULL)
			continue;
		return true;
	}
	return false;
}

/* Linux inet_csk_bind_conflict over every shard's sockets; the caller
 * holds binds->lock. */
static bool
sock_port_conflict(const struct pn_sock *s, uint32_t ip, uint16_t port)
{
	const struct pn_sock_binds *b = s->sl->binds;
	uint32_t i;
	bool hit;

	if (b->nb_sl <= 1)
		return sock_port_conflict_in(s->sl, s, ip, port);
	for (i = 0; i < b->nb_sl; i++) {
		struct pn_sock_lcore *sl = b->sl[i];

		rte_spinlock_lock(&sl->bind_lock);
		hit = sock_port_conflict_in(sl, s, ip, port);
		rte_spinlock_unlock(&sl->bind_lock);
		if (hit)
			return true;
	}
	return false;
}

static int
sock_pick_port(struct pn_sock *s, uint32_t ip)
{
	uint32_t n = SOCK_EPHEMERAL_HI - SOCK_EPHEMERAL_LO + 1, i;
	uint32_t start = (uint32_t)rand() % n;

	for (i = 0; i < n; i++) {
		uint16_t p = (uint16_t)(SOCK_EPHEMERAL_LO + (start + i) % n);

		if (!sock_port_conflict(s, ip, p))
			return p;
	}
	return -EADDRINUSE;
}

/* bind() to @p ip:@p port (0: a free one) under the stack's lock. */
static int
sock_bind_port(struct pn_sock *s, uint32_t ip, int port)
{
	struct pn_sock_binds *b = s->sl->binds;

	rte_spinlock_lock(&b->lock);
	if (port == 0)
		port = sock_pick_port(s, ip);
	else if (sock_port_conflict(s, ip, (uint16_t)port))
		port = -EADDRINUSE;
	if (port > 0)
		sock_bind_to(s, ip, (uint16_t)port, SOCK_BOUND);
	rte_spinlock_unlock(&b->lock);
	return port < 0 ? port : 0;
}

int
pn_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct pn_sock *s = sock_get(fd);
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
	uint32_t ip;
	int rc;

	if (s == NULL)
		return -1;
	if (addr == NULL)
		return sock_fail(EFAULT);
	if (len < (socklen_t)sizeof(*sin))
		return sock_fail(EINVAL);
	if (sin->sin_family != AF_INET &&
	    !(sin->sin_family == AF_UNSPEC &&
	      sin->sin_addr.s_addr == htonl(INADDR_ANY)))
		return sock_fail(EAFNOSUPPORT);
	ip = ntohl(sin->sin_addr.s_addr);
	/* Linux __inet_bind checks the address before the socket's state */
	if (s->sl->ops->addr_bindable != NULL &&
	    !s->sl->ops->addr_bindable(s->sl->tcp, ip))
		return sock_fail(EADDRNOTAVAIL);
	if (s->bound || s->state != PN_SS_NEW)
		return sock_fail(EINVAL);
	rc = sock_bind_port(s, ip, ntohs(sin->sin_port));
	return rc < 0 ? sock_fail(-rc) : 0;
}

static int
sock_put_addr(struct sockaddr *addr, socklen_t *len, uint32_t ip,
	      uint16_t port)
{
	struct sockaddr_in sin;

	if (addr == NULL || len == NULL)
		return sock_fail(EFAULT);
	if ((int)*len < 0)
		return sock_fail(EINVAL);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(ip);
	sin.sin_port = htons(port);
	memcpy(addr, &sin, RTE_MIN((size_t)*len, sizeof(sin)));
	*len = sizeof(sin);
	return 0;
}

int
pn_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct pn_sock *s = sock_get(fd);
	uint32_t lip = 0, rip;
	uint16_t lport = 0, rport;

	if (s == NULL)
		return -1;
	if (s->conn != NULL) {
		s->sl->ops->addrs(s->conn, &lip, &lport, &rip, &rport);
	} else if (s->bound) {
		lip = s->lip;
		lport = s->lport;
	}
	return sock_put_addr(addr, len, lip, lport);
}

static int
sock_conn_state(const struct pn_sock *s)
{
	struct pn_tcp_info ti;

	if (s->conn == NULL)
		return PN_TCP_CLOSED;
	memset(&ti, 0, sizeof(ti));
	s->sl->ops->info(s->conn, &ti);
	return ti.state;
}

int
pn_getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct pn_sock *s = sock_get(fd);
	uint32_t lip, rip;
	uint16_t lport, rport;
	int st;

	if (s == NULL)
		return -1;
	st = sock_conn_state(s);
	if (st == PN_TCP_CLOSED || st == PN_TCP_SYN_SENT)
		return sock_fail(ENOTCONN);
	s->sl->ops->addrs(s->conn, &lip, &lport, &rip, &rport);
	return sock_put_addr(addr, len, rip, rport);
}

/* --- listen / accept --- */

/*
 * The child inherits the listener's options, as Linux sk_clone_lock()
 * copies the whole socket: SO_* and TCP_* values, which were set
 * (optset), and the timeouts.
 */
static void
sock_inherit(struct pn_sock *ns, const struct pn_sock *s)
{
	ns->reuseaddr = s->reuseaddr;
	ns->reuseport = s->reuseport;
	ns->keepalive = s->keepalive;
	ns->nodelay = s->nodelay;
	ns->oobinline = s->oobinline;
	ns->tos = s->tos;
	ns->linger = s->linger;
	ns->linger_t = s->linger_t;
	ns->optset = s->optset;
	ns->sndbuf = s->sndbuf;
	ns->rcvbuf = s->rcvbuf;
	ns->rcvlowat = s->rcvlowat;
	ns->keepidle = s->keepidle;
	ns->keepintvl = s->keepintvl;
	ns->keepcnt = s->keepcnt;
	ns->syncnt = s->syncnt;
	ns->user_timeout = s->user_timeout;
	ns->cc = s->cc;
	ns->maxseg = s->maxseg;
	ns->rcvtimeo = s->rcvtimeo;
	ns->sndtimeo = s->sndtimeo;
}

/* listen() under the stack's lock: no other shard takes the port
 * between the check and the listener. */
static int
sock_listen_port(struct pn_sock *s, uint32_t bl)
{
	struct pn_sock_binds *b = s->sl->binds;
	struct pn_tcp_listen *lis;
	int rc = 0, port;
	bool locked;

	rte_spinlock_lock(&b->lock);
	if (!s->bound) {
		port = sock_pick_port(s, 0);
		if (port < 0)
			rc = -EAGAIN;
		else
			sock_bind_to(s, 0, (uint16_t)port, SOCK_BOUND);
	} else if (sock_port_conflict(s, s->lip, s->lport) && !s->reuseport) {
		rc = -EADDRINUSE;
	}
	if (rc == 0)
		rc = s->sl->ops->listen(s->sl->tcp, s->lip, s->lport, bl, s,
					&lis);
	if (rc == 0) {
		locked = sock_bind_lock(s->sl);
		s->lis = lis;
		sock_bind_unlock(s->sl, locked);
	}
	rte_spinlock_unlock(&b->lock);
	return rc == -ENOMEM ? -ENOBUFS : rc;
}

int
pn_listen(int fd, int backlog)
{
	struct pn_sock *s = sock_get(fd);
	uint32_t bl;
	int rc;

	if (s == NULL)
		return -1;
	bl = (unsigned int)backlog > SOCK_SOMAXCONN ? SOCK_SOMAXCONN :
						     (uint32_t)backlog;
	if (s->state == PN_SS_LISTEN) {
		s->sl->ops->listen_backlog(s->lis, bl);
		return 0;
	}
	if (s->state != PN_SS_NEW)
		return sock_fail(EINVAL);
	rc = sock_listen_port(s, bl);
	if (rc < 0)
		return sock_fail(-rc);
	s->state = PN_SS_LISTEN;
	sock_push_listen_opts(s);
	return 0;
}

int
pn_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return pn_accept4(fd, addr, len, 0);
}

int
pn_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	struct pn_sock *s = sock_get(fd), *ns;
	struct pn_tcp_conn *c;
	uint32_t lip, rip;
	uint16_t lport, rport;
	uint64_t deadline;
	int rc, w;

	if (s == NULL)
		return -1;
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return sock_fail(EINVAL);
	if (s->state != PN_SS_LISTEN)
		return sock_fail(EINVAL);
	if (addr != NULL && len == NULL)
		return sock_fail(EFAULT);
	if (addr != NULL && (int)*len < 0)
		return sock_fail(EINVAL);
	ns = sock_new(s->sl, flags);
	if (ns == NULL)
		return -1;
	deadline = sock_deadline(s, s->rcvtimeo);
	while ((rc = s->sl->ops->accept(s->lis, ns, &c)) == -EAGAIN &&
	       !s->f.nonblock) {
		/* SO_RCVTIMEO bounds accept() too: EAGAIN, as Linux */
		w = sock_wait(s, EPOLLIN, deadline);
		if (w < 0) {
			rc = w;
			break;
		}
	}
	if (rc < 0) {
		sock_fd_release(s->sl, ns->f.fd);
		pn_objcache_put(&s->sl->socks, ns);
		return sock_fail(-rc);
	}
	ns->conn = c;
	ns->state = PN_SS_CONNECTED;
	sock_inherit(ns, s);
	sock_push_opts(ns);
	s->sl->ops->addrs(c, &lip, &lport, &rip, &rport);
	sock_bind_to(ns, lip, lport, SOCK_BOUND_CHILD);
	if (addr != NULL)
		sock_put_addr(addr, len, rip, rport);
	return ns->f.fd;
}

/* --- connect --- */

/* Linux __inet_stream_connect, after the state switch: done or failed? */
static int
sock_connect_result(struct pn_sock *s)
{
	int st = sock_conn_state(s), err;

	if (st == PN_TCP_SYN_SENT || st == PN_TCP_SYN_RECEIVED)
		return -EALREADY;
	if (st == PN_TCP_CLOSED) {
		err = s->sl->ops->error(s->conn);
		s->sl->ops->close(s->conn);
		s->conn = NULL;
		s->state = PN_SS_NEW;
		s->rd_quiet = false;
		return -(err != 0 ? err : ECONNABORTED);
	}
	s->state = PN_SS_CONNECTED;
	return 0;
}

/* The connection of a connect(), with the socket's IP_OPTIONS if any
 * (RFC 9293 MUST-51: they route the SYN). */
static int
sock_connect_create(struct pn_sock *s, uint32_t dst, uint16_t dport)
{
	const struct pn_sock_tcp_ops *ops = s->sl->ops;
	const struct pn_ipopt_tx *o = sock_ipopt_get(s);
	uint32_t src = s->bound ? s->lip : 0;
	uint16_t sport = s->bound ? s->lport : 0;

	if (o == NULL)
		return ops->connect(s->sl->tcp, src, sport, dst, dport, s,
				    &s->conn);
	if (ops->connect_ipopt == NULL)
		return -EOPNOTSUPP;
	return ops->connect_ipopt(s->sl->tcp, src, sport, dst, dport, o, s,
				  &s->conn);
}

int
pn_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct pn_sock *s = sock_get(fd);
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
	int rc, w, timedout = EALREADY;
	uint64_t deadline;

	if (s == NULL)
		return -1;
	if (addr == NULL)
		return sock_fail(EFAULT);
	if (len < (socklen_t)sizeof(sa_family_t))
		return sock_fail(EINVAL);
	switch (s->state) {
	case PN_SS_CONNECTED:
		return sock_fail(EISCONN);
	case PN_SS_LISTEN:
		return sock_fail(EISCONN);
	case PN_SS_CONNECTING:
		rc = sock_connect_result(s);
		if (rc == -EALREADY && !s->f.nonblock)
			goto wait;
		return rc < 0 ? sock_fail(-rc) : 0;
	case PN_SS_NEW:
		break;
	}
	if (len < (socklen_t)sizeof(*sin))
		return sock_fail(EINVAL);
	if (sin->sin_family != AF_INET)
		return sock_fail(EAFNOSUPPORT);
	rc = sock_connect_create(s, ntohl(sin->sin_addr.s_addr),
				 ntohs(sin->sin_port));
	if (rc < 0) {
		s->conn = NULL;
		return sock_fail(rc == -ENOMEM ? ENOBUFS : -rc);
	}
	s->state = PN_SS_CONNECTING;
	sock_push_opts(s); /* before the SYN: TCP_MAXSEG, SO_RCVBUF shape it */
	s->syn_wait = true;
	s->sl->ops->connect_start(s->conn);
	if (s->f.nonblock)
		return sock_fail(EINPROGRESS);
	timedout = EINPROGRESS;
wait:
	/* Linux __inet_stream_connect: SO_SNDTIMEO bounds the wait; the
	 * handshake goes on (EINPROGRESS, or EALREADY when called again) */
	deadline = sock_deadline(s, s->sndtimeo);
	while ((rc = sock_connect_result(s)) == -EALREADY) {
		w = sock_wait(s, EPOLLOUT, deadline);
		if (w < 0) {
			rc = w == -EAGAIN ? -timedout : w;
			break;
		}
	}
	return rc < 0 ? sock_fail(-rc) : 0;
}

/* --- shutdown / close --- */

int
pn_shutdown(int fd, int how)
{
	struct pn_sock *s = sock_get(fd);
	int rc;

	if (s == NULL)
		return -1;
	if (how < SHUT_RD || how > SHUT_RDWR)
		return sock_fail(EINVAL);
	if (s->state == PN_SS_LISTEN) {
		/* Linux inet_shutdown: SHUT_RD on a listener disconnects it */
		if (how == SHUT_WR)
			return 0;
		struct pn_tcp_listen *lis = s->lis;
		bool locked = sock_bind_lock(s->sl);

		s->lis = NULL;
		sock_bind_unlock(s->sl, locked);
		s->sl->ops->listen_close(lis);
		s->state = PN_SS_NEW;
		ep_wake(&s->f, 0);
		return 0;
	}
	if (s->conn == NULL)
		return sock_fail(ENOTCONN);
	rc = s->sl->ops->shutdown(s->conn, how);
	/* Linux inet_shutdown ends with sk_state_change: wake everything */
	s->rd_quiet = false;
	ep_wake(&s->f, 0);
	return rc < 0 ? sock_fail(-rc) : 0;
}

void
sock_file_close(struct pn_sock_lcore *sl, struct pn_file *f)
{
	struct pn_sock *s = (struct pn_sock *)f;

	if (f->type == PN_FILE_EPOLL) {
		ep_free((struct pn_epoll *)f);
		return;
	}
	ep_forget(&s->f);
	if (s->bound)
		sock_unbind(s);
	if (s->lis != NULL)
		sl->ops->listen_close(s->lis);
	if (s->conn != NULL) {
		if (s->linger == 0)
			sl->ops->abort(s->conn);
		else
			sl->ops->close(s->conn);
	}
	if (s->ipopt != 0)	/* IP_OPTIONS set: rare */
		sock_ipopt_set(s, NULL);
	pn_objcache_put(&sl->socks, s);
}

int
pn_close(int fd)
{
	struct pn_sock_lcore *sl = sock_current();
	struct pn_file *f;

	if (sl == NULL)
		return -1;
	f = sock_fd_get(sl, fd);
	if (f == NULL)
		return sock_fail(EBADF);
	sock_fd_release(sl, fd);
	sock_file_close(sl, f);
	return 0;
}

/* --- fcntl / ioctl --- */

int
pn_fcntl(int fd, int cmd, ...)
{
	struct pn_sock_lcore *sl = sock_current();
	struct pn_file *f;
	va_list ap;
	int arg = 0;

	if (sl == NULL)
		return -1;
	f = sock_fd_get(sl, fd);
	if (f == NULL)
		return sock_fail(EBADF);
	if (cmd == F_SETFL || cmd == F_SETFD) {
		va_start(ap, cmd);
		arg = va_arg(ap, int);
		va_end(ap);
	}
	switch (cmd) {
	case F_GETFL:
		return O_RDWR | (f->nonblock ? O_NONBLOCK : 0);
	case F_SETFL:
		f->nonblock = (arg & O_NONBLOCK) != 0;
		return 0;
	case F_GETFD:
		return f->cloexec ? FD_CLOEXEC : 0;
	case F_SETFD:
		f->cloexec = (arg & FD_CLOEXEC) != 0;
		return 0;
	default:
		return sock_fail(EINVAL);
	}
}

int
pn_ioctl(int fd, unsigned long req, ...)
{
	struct pn_sock_lcore *sl = sock_current();
	struct pn_sock *s;
	struct pn_file *f;
	va_list ap;
	int *p;

	if (sl == NULL)
		return -1;
	f = sock_fd_get(sl, fd);
	if (f == NULL)
		return sock_fail(EBADF);
	va_start(ap, req);
	p = va_arg(ap, int *);
	va_end(ap);
	if (req != FIONBIO && req != FIONREAD && req != SIOCATMARK)
		return sock_fail(ENOTTY);
	if (p == NULL)
		return sock_fail(EFAULT);
	if (req == FIONBIO) {
		f->nonblock = *p != 0;
		return 0;
	}
	if (f->type != PN_FILE_SOCK)
		return sock_fail(ENOTTY);
	s = (struct pn_sock *)f;
	if (s->state == PN_SS_LISTEN)
		return sock_fail(EINVAL);
	if (req == SIOCATMARK) /* Linux tcp_ioctl: at the urgent mark */
		*p = s->conn != NULL ? sl->ops->atmark(s->conn) : 0;
	else
		*p = s->conn != NULL ?
		     (int)RTE_MIN(sl->ops->readable(s->conn),
				  (uint32_t)INT_MAX) : 0;
	return 0;
}
