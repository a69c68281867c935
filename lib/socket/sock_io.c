/* SPDX-License-Identifier: BSD-3-Clause */
/* Data calls: read/write and friends, and the zero-copy pair. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <sys/epoll.h>

#include <rte_common.h>
#include <rte_debug.h>

#include "pollnet/socket.h"
#include "sock_priv.h"

/* Linux tcp_recv_urg: the out-of-band byte, never waiting; a listener
 * says ENOTCONN, a socket with no urgent byte EINVAL. */
static ssize_t
sock_recv_oob(struct pn_sock *s, const struct iovec *iov, int iovcnt,
	      int flags)
{
	ssize_t n;

	if (s->state == PN_SS_LISTEN)
		return sock_fail(ENOTCONN);
	if (s->conn == NULL)
		return sock_fail(EINVAL);
	n = s->sl->ops->recv(s->conn, iov, iovcnt, PN_TCP_OOB |
			     ((flags & MSG_PEEK) ? PN_TCP_PEEK : 0));
	return n < 0 ? sock_fail((int)-n) : n;
}

/*
 * The last read left nothing to read and nothing has woken the socket
 * since (sock_read_settle): a non-blocking read finds nothing
 * (pn_tcp_recv's early return, which changes nothing), so the second
 * read of a read-until-EAGAIN loop needs neither TCP nor a settle. A
 * build with -DPN_TCP_POLL_CHECK checks it against TCP.
 */
static inline bool
sock_settled_unreadable(struct pn_sock *s, const struct iovec *iov,
			int iovcnt)
{
	if (!s->rd_quiet)
		return false;
#ifdef PN_TCP_POLL_CHECK
	if ((sock_poll(s) & SOCK_MASK_READ) != 0 ||
	    s->sl->ops->readable(s->conn) != 0 ||
	    s->sl->ops->recv(s->conn, iov, iovcnt, PN_TCP_PEEK) != -EAGAIN)
		rte_panic("sock_recv: settled unreadable, now %#x/%u\n",
			  sock_poll(s), s->sl->ops->readable(s->conn));
#else
	RTE_SET_USED(iov);
	RTE_SET_USED(iovcnt);
#endif
	return true;
}

/* inline in each call: the data calls' own frame is the only one */
static __rte_always_inline ssize_t
sock_recv_iov(struct pn_sock *s, const struct iovec *iov, int iovcnt,
	      int flags)
{
	const struct pn_sock_tcp_ops *ops = s->sl->ops;
	bool block = !s->f.nonblock && !(flags & MSG_DONTWAIT);
	uint64_t deadline;
	ssize_t n;
	int rc;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return sock_fail(EINVAL);
	if (flags & MSG_OOB)
		return sock_recv_oob(s, iov, iovcnt, flags);
	if (s->conn == NULL)
		return sock_fail(ENOTCONN);
	if (!block && sock_settled_unreadable(s, iov, iovcnt))
		return sock_fail(EAGAIN);
	deadline = block ? sock_deadline(s, s->rcvtimeo) : 0;
	for (;;) {
		n = ops->recv(s->conn, iov, iovcnt,
			      (flags & MSG_PEEK) ? PN_TCP_PEEK : 0);
		if (n != -EAGAIN || !block)
			break;
		/* SO_RCVTIMEO: EAGAIN when it expires, as Linux */
		rc = sock_wait(s, EPOLLIN | EPOLLRDHUP, deadline);
		if (rc < 0) {
			n = rc;
			break;
		}
	}
	if (!(flags & MSG_PEEK))
		sock_read_settle(s);
	return n < 0 ? sock_fail((int)-n) : n;
}

static __rte_always_inline ssize_t
sock_send_iov(struct pn_sock *s, const struct iovec *iov, int iovcnt,
	      int flags)
{
	const struct pn_sock_tcp_ops *ops = s->sl->ops;
	bool block = !s->f.nonblock && !(flags & MSG_DONTWAIT);
	struct iovec rest[64];
	size_t total = 0, want = 0, skip, offered;
	uint64_t deadline;
	ssize_t n;
	int i, k, rc;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return sock_fail(EINVAL);
	/* Linux sk_stream_wait_connect: no connection is EPIPE */
	if (s->conn == NULL)
		return sock_fail(s->err != 0 ? s->err : EPIPE);
	for (i = 0; i < iovcnt; i++)
		want += iov[i].iov_len;
	if (want == 0)
		return 0;
	deadline = block ? sock_deadline(s, s->sndtimeo) : 0;
	for (;;) {
		const struct iovec *v = rest;

		if (total == 0 && iovcnt <= (int)RTE_DIM(rest)) {
			/* all of iov: as it is (a write, a send) */
			v = iov;
			k = iovcnt;
			offered = want;
		} else {
			/* what is left of iov after 'total' bytes */
			skip = total;
			offered = 0;
			for (i = 0; i < iovcnt && skip >= iov[i].iov_len; i++)
				skip -= iov[i].iov_len;
			for (k = 0; i < iovcnt && k < (int)RTE_DIM(rest);
			     i++, k++) {
				rest[k].iov_base = (char *)iov[i].iov_base + skip;
				rest[k].iov_len = iov[i].iov_len - skip;
				offered += rest[k].iov_len;
				skip = 0;
			}
		}
		/* MSG_OOB: urgent data, RFC 9293 3.8.5 */
		n = ops->send(s->conn, v, k,
			      (flags & MSG_OOB) ? PN_TCP_OOB : 0);
		if (n > 0) {
			total += (size_t)n;
			if (total == want)
				break;
			if ((size_t)n == offered)
				continue; /* more iovecs than one call takes */
		} else if (n != -EAGAIN) {
			break;
		}
		/* short or EAGAIN: TCP noted no space (SOCK_NOSPACE) */
		if (!block)
			break;
		/* SO_SNDTIMEO: what was queued, or EAGAIN, as Linux */
		rc = sock_wait(s, EPOLLOUT, deadline);
		if (rc < 0) {
			n = rc;
			break;
		}
	}
	if (total > 0)
		return (ssize_t)total;
	return sock_fail((int)-n);
}

ssize_t
pn_recv(int fd, void *buf, size_t len, int flags)
{
	struct pn_sock *s = fd_sock(fd, ENOTSOCK);
	struct iovec iov = { .iov_base = buf, .iov_len = len };

	if (s == NULL)
		return -1;
	return sock_recv_iov(s, &iov, 1, flags);
}

ssize_t
pn_send(int fd, const void *buf, size_t len, int flags)
{
	struct pn_sock *s = fd_sock(fd, ENOTSOCK);
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };

	if (s == NULL)
		return -1;
	return sock_send_iov(s, &iov, 1, flags);
}

/* read/write on an epoll fd: Linux's eventpoll has no read op (EINVAL) */
ssize_t
pn_read(int fd, void *buf, size_t len)
{
	struct pn_sock *s = fd_sock(fd, EINVAL);
	struct iovec iov = { .iov_base = buf, .iov_len = len };

	if (s == NULL)
		return -1;
	return sock_recv_iov(s, &iov, 1, 0);
}

ssize_t
pn_write(int fd, const void *buf, size_t len)
{
	struct pn_sock *s = fd_sock(fd, EINVAL);
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };

	if (s == NULL)
		return -1;
	return sock_send_iov(s, &iov, 1, 0);
}

ssize_t
pn_readv(int fd, const struct iovec *iov, int iovcnt)
{
	struct pn_sock *s = fd_sock(fd, EINVAL);

	if (s == NULL)
		return -1;
	return sock_recv_iov(s, iov, iovcnt, 0);
}

ssize_t
pn_writev(int fd, const struct iovec *iov, int iovcnt)
{
	struct pn_sock *s = fd_sock(fd, EINVAL);

	if (s == NULL)
		return -1;
	return sock_send_iov(s, iov, iovcnt, 0);
}

int
pn_recv_zc(int fd, struct iovec *iov, int max)
{
	struct pn_sock *s = sock_get(fd);
	int n;

	if (s == NULL)
		return -1;
	if (max <= 0 || iov == NULL)
		return sock_fail(EINVAL);
	if (s->conn == NULL)
		return sock_fail(ENOTCONN);
	n = s->sl->ops->recv_zc(s->conn, iov, max);
	return n < 0 ? sock_fail(-n) : n;
}

int
pn_recv_zc_done(int fd, size_t bytes)
{
	struct pn_sock *s = sock_get(fd);

	if (s == NULL)
		return -1;
	if (s->conn == NULL)
		return sock_fail(ENOTCONN);
	s->sl->ops->recv_zc_done(s->conn, bytes);
	return 0;
}

ssize_t
pn_send_mbuf(int fd, struct rte_mbuf *m)
{
	struct pn_sock *s = sock_get(fd);
	ssize_t n;

	if (s == NULL)
		return -1;
	if (m == NULL)
		return sock_fail(EFAULT);
	if (s->conn == NULL)
		return sock_fail(EPIPE);
	n = s->sl->ops->send_mbuf(s->conn, m);
	return n < 0 ? sock_fail((int)-n) : n;
}
