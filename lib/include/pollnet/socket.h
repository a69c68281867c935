/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef POLLNET_SOCKET_H
#define POLLNET_SOCKET_H

/**
 * @file
 * POSIX-like TCP sockets on pollnet, with Linux semantics and errno values.
 *
 * - Types and constants are Linux's: struct sockaddr_in, AF_INET,
 *   SOCK_STREAM, MSG_*, SO_*, TCP_*, SHUT_*, O_NONBLOCK, FIONREAD...
 * - File descriptors belong to the lcore that created them. A pollnet fd is
 *   only valid on its lcore; on any other lcore it is EBADF. Pollnet fds are
 *   >= PN_FD_BASE (2^30) so they cannot be mistaken for kernel fds in
 *   practice; they are not kernel fds (do not pass them to the kernel).
 * - Every call made from a thread that is not a pollnet lcore fails with
 *   -1 and errno EPERM and touches no state.
 * - A blocking call (blocking socket, no MSG_DONTWAIT) runs the lcore's
 *   loop until it can complete, sleeping when there is nothing to do: the
 *   lcore keeps serving its other connections meanwhile. SO_RCVTIMEO
 *   bounds read/recv/accept (EAGAIN), SO_SNDTIMEO write/send (the bytes
 *   queued, or EAGAIN) and connect (EINPROGRESS; the handshake goes on).
 *   pn_lcore_stop() ends a blocking call with EINTR, as a signal would.
 * - pollnet raises no signals: a send on a connection whose sending side is
 *   shut down or reset fails with EPIPE whether or not MSG_NOSIGNAL is
 *   given (Linux would also raise SIGPIPE without it).
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rte_mbuf;

/** The smallest pollnet fd number. */
#define PN_FD_BASE 0x40000000

/** True if @p fd is in pollnet's fd range (not that it is open). */
static inline int
pn_is_fd(int fd)
{
	return fd >= PN_FD_BASE;
}

/**
 * Create a TCP socket.
 * @param domain AF_INET only.
 * @param type SOCK_STREAM, optionally | SOCK_NONBLOCK | SOCK_CLOEXEC.
 * @param protocol 0 or IPPROTO_TCP.
 * @return a pollnet fd, or -1 with errno: EAFNOSUPPORT (domain),
 * EINVAL (unknown type flags), ESOCKTNOSUPPORT (type not SOCK_STREAM),
 * EPROTONOSUPPORT (protocol), EMFILE (the lcore's fd table is full),
 * ENOBUFS (no memory), EPERM (not a pollnet lcore).
 */
int pn_socket(int domain, int type, int protocol);

/**
 * Bind to a local address (INADDR_ANY or a local address) and port (0:
 * chosen at listen/connect).
 * @return 0, or -1 with errno: EBADF, ENOTSOCK, EINVAL (already bound,
 * or @p len too short), EAFNOSUPPORT (family not AF_INET), EFAULT (NULL
 * address), EADDRINUSE, EPERM.
 */
int pn_bind(int fd, const struct sockaddr *addr, socklen_t len);

/**
 * Listen; may be called again to change the backlog.
 * @return 0, or -1 with errno: EBADF, ENOTSOCK, EINVAL (connected or
 * connecting), EADDRINUSE, ENOBUFS, EPERM.
 */
int pn_listen(int fd, int backlog);

/** pn_accept4() with flags 0. */
int pn_accept(int fd, struct sockaddr *addr, socklen_t *len);

/**
 * Take a connection off the listener's queue; blocks (running the lcore
 * loop) unless the listener is non-blocking.
 * @param flags SOCK_NONBLOCK | SOCK_CLOEXEC.
 * @return a new fd, or -1 with errno: EBADF, ENOTSOCK, EINVAL (not
 * listening, or bad flags), EAGAIN (non-blocking and nothing queued, or
 * SO_RCVTIMEO expired), EINTR, EMFILE, EFAULT (@p len NULL with @p addr
 * set), EPERM.
 */
int pn_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

/**
 * Connect. Blocking: runs the lcore loop until the handshake ends.
 * Non-blocking: starts it.
 * @return 0, or -1 with errno: EINPROGRESS (non-blocking, started, or
 * SO_SNDTIMEO expired), EALREADY (already connecting), EINTR, EISCONN (connected), ECONNREFUSED (RST
 * received), ETIMEDOUT, ENETUNREACH, EADDRNOTAVAIL (no local port),
 * EAFNOSUPPORT, EINVAL (bad length, listening socket), EBADF, ENOTSOCK,
 * EFAULT, EPERM.
 */
int pn_connect(int fd, const struct sockaddr *addr, socklen_t len);

/**
 * Read up to @p n bytes (pn_recv() with flags 0).
 * @return bytes read, 0 at end of stream, or -1 with errno: EAGAIN
 * (non-blocking, nothing to read, or SO_RCVTIMEO expired), EINTR,
 * ECONNRESET, ETIMEDOUT (or another
 * pending error), ENOTCONN, EBADF, EINVAL (an epoll fd), EPERM.
 */
ssize_t pn_read(int fd, void *buf, size_t n);

/**
 * Write up to @p n bytes (pn_send() with flags 0). Bounded by SO_SNDBUF:
 * a non-blocking socket writes what fits and fails with EAGAIN when
 * nothing fits; a blocking one waits until everything is queued (or
 * SO_SNDTIMEO expires: what was queued, EAGAIN if nothing was).
 * @return bytes queued, or -1 with errno: EAGAIN, EINTR, EPIPE (sending side shut
 * down or reset; no SIGPIPE), ECONNRESET (or another pending error),
 * ENOTCONN, EBADF, EINVAL (an epoll fd), EPERM.
 */
ssize_t pn_write(int fd, const void *buf, size_t n);

/** pn_read() into @p iovcnt buffers; also EINVAL for iovcnt < 0 or > IOV_MAX. */
ssize_t pn_readv(int fd, const struct iovec *iov, int iovcnt);

/** pn_write() from @p iovcnt buffers; also EINVAL for iovcnt < 0 or > IOV_MAX. */
ssize_t pn_writev(int fd, const struct iovec *iov, int iovcnt);

/**
 * Receive. @p flags: MSG_DONTWAIT, MSG_PEEK (data stays queued), MSG_OOB
 * (the out-of-band byte: the last urgent byte, which Linux keeps out of
 * the stream unless SO_OOBINLINE; never blocks); other flags are ignored,
 * as Linux ignores most. A normal read never crosses the urgent mark: it
 * returns the bytes before it (see SIOCATMARK), then skips the
 * out-of-band byte; epoll reports EPOLLPRI while an urgent byte is
 * pending (RFC 9293 3.8.5, MUST-30..33).
 * @return as pn_read(); also ENOTSOCK on an epoll fd; with MSG_OOB:
 * EINVAL (no urgent byte, already read, or SO_OOBINLINE), EAGAIN (the
 * urgent pointer arrived, the byte not yet), ENOTCONN (a listener).
 */
ssize_t pn_recv(int fd, void *buf, size_t n, int flags);

/**
 * Send. @p flags: MSG_DONTWAIT, MSG_NOSIGNAL (accepted; pollnet never
 * signals), MSG_MORE (accepted, ignored), MSG_OOB (urgent data: the
 * urgent pointer points after the last byte of this call, carried with
 * URG by every segment until the peer ACKs it, as Linux).
 * @return as pn_write(); also ENOTSOCK on an epoll fd.
 */
ssize_t pn_send(int fd, const void *buf, size_t n, int flags);

/**
 * Shut down one or both directions.
 * @param how SHUT_RD, SHUT_WR or SHUT_RDWR.
 * @return 0, or -1 with errno: EINVAL (@p how), ENOTCONN, EBADF, ENOTSOCK,
 * EPERM.
 */
int pn_shutdown(int fd, int how);

/**
 * Close a socket or an epoll fd. A connection closes gracefully (FIN), or
 * with RST when unread data remains or SO_LINGER {1, 0} is set; it is
 * removed from every epoll set.
 * @return 0, or -1 with errno: EBADF, EPERM.
 */
int pn_close(int fd);

/**
 * Local address.
 * @return 0, or -1 with errno: EBADF, ENOTSOCK, EFAULT, EINVAL (*len < 0),
 * EPERM.
 */
int pn_getsockname(int fd, struct sockaddr *addr, socklen_t *len);

/**
 * Peer address.
 * @return 0, or -1 with errno: ENOTCONN, EBADF, ENOTSOCK, EFAULT,
 * EINVAL, EPERM.
 */
int pn_getpeername(int fd, struct sockaddr *addr, socklen_t *len);

/**
 * Set an option. SOL_SOCKET: SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE,
 * SO_LINGER (struct linger), SO_RCVBUF and SO_SNDBUF (as Linux: capped at
 * 4 MiB -- Linux's net.core.[rw]mem_max, tuned here to pollnet's
 * rcvbuf_max -- then doubled, at least 2304 / 4608; getsockopt reports the
 * doubled value), SO_RCVLOWAT (0 means 1, negative INT_MAX),
 * SO_OOBINLINE (urgent byte left in the stream),
 * SO_RCVTIMEO and SO_SNDTIMEO (struct timeval; {0, 0}: no timeout; a
 * negative tv_sec: do not wait; EDOM when tv_usec is outside 0..999999;
 * kept in jiffies of a 250 Hz clock as Debian's Linux keeps them, so
 * getsockopt returns the value rounded up to 4 ms).
 * IPPROTO_TCP: TCP_NODELAY, TCP_KEEPIDLE (1..32767), TCP_KEEPINTVL
 * (1..32767), TCP_KEEPCNT (1..127), TCP_MAXSEG (0 or 88..32767),
 * TCP_SYNCNT (1..127; SYN / SYN-ACK retries, default tcp.syn_retries = 7,
 * 247 s; Linux's default is 6, 127 s; a listener's goes to its SYN-ACKs,
 * else tcp.synack_retries = 5, as Linux; getsockopt of a socket that did
 * not set it returns tcp.syn_retries, as Linux returns its sysctl).
 * IPPROTO_IP: IP_TOS (an int, or one byte; the two ECN bits are cleared
 * for TCP, as Linux; every segment of the connection carries it, an
 * accepted connection takes its listener's from the SYN-ACK on);
 * IP_OPTIONS (up to 40 bytes of IPv4 options, as Linux ip_options_get:
 * EINVAL when malformed, an empty buffer clears; a source route's first
 * address is the first hop connect() routes the SYN and every segment
 * to, RFC 9293 MUST-51; getsockopt gives the bytes back, or on an
 * accepted socket the reverse of the route its peer's SYN came by).
 * Options set before connect()/accept() are handed to TCP when the
 * connection exists; an accepted socket inherits every option of its
 * listener (SO_* and TCP_* values and the timeouts), as Linux clones the
 * listener. TCP_MAXSEG and SO_RCVBUF set before connect()/listen() do not
 * yet shape the handshake (the SYN's MSS option and window): they apply
 * from the moment the connection exists.
 * @return 0, or -1 with errno: ENOPROTOOPT (unknown option or level),
 * EINVAL (short @p len, value out of range), EFAULT, EBADF, ENOTSOCK,
 * EPERM, ENOMEM (IP_OPTIONS: no memory).
 */
int pn_setsockopt(int fd, int level, int name, const void *val,
		  socklen_t len);

/**
 * Get an option: those of pn_setsockopt(), plus SO_ERROR (taken and
 * cleared), SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ACCEPTCONN, and TCP_INFO
 * (struct tcp_info of <netinet/tcp.h>, the fields of struct pn_tcp_info
 * filled, the rest zero; truncated to *len).
 * @return 0, or -1 with errno: ENOPROTOOPT, EINVAL (*len < 0), EFAULT,
 * EBADF, ENOTSOCK, EPERM.
 */
int pn_getsockopt(int fd, int level, int name, void *val, socklen_t *len);

/**
 * F_GETFL (O_RDWR | O_NONBLOCK), F_SETFL (O_NONBLOCK; other flags
 * ignored), F_GETFD, F_SETFD (FD_CLOEXEC; kept for the record).
 * @return the flags, 0, or -1 with errno: EINVAL (other commands), EBADF,
 * EPERM.
 */
int pn_fcntl(int fd, int cmd, ...);

/**
 * FIONREAD (int *: bytes readable; EINVAL on a listener), SIOCATMARK
 * (int *: 1 when the next byte read is at the urgent mark; EINVAL on a
 * listener), FIONBIO (int *: non-blocking on/off).
 * @return 0, or -1 with errno: ENOTTY (other requests, or FIONREAD on an
 * epoll fd), EINVAL, EFAULT, EBADF, EPERM.
 */
int pn_ioctl(int fd, unsigned long req, ...);

/**
 * Zero-copy receive: fill up to @p max iovecs pointing into the received
 * mbufs (data stays queued); release with pn_recv_zc_done().
 * @return iovecs filled (> 0), 0 at end of stream, or -1 with errno as
 * pn_recv() with MSG_DONTWAIT (never blocks).
 */
int pn_recv_zc(int fd, struct iovec *iov, int max);

/**
 * Consume @p bytes of what pn_recv_zc() handed out; their mbufs are freed.
 * @return 0, or -1 with errno: EBADF, ENOTSOCK, ENOTCONN, EPERM.
 */
int pn_recv_zc_done(int fd, size_t bytes);

/**
 * Zero-copy send: the stack takes the mbuf chain @p m on success (on
 * failure it stays the caller's). Never blocks.
 * @return bytes queued, or -1 with errno as pn_send() with MSG_DONTWAIT.
 */
ssize_t pn_send_mbuf(int fd, struct rte_mbuf *m);

#ifdef __cplusplus
}
#endif

#endif /* POLLNET_SOCKET_H */
