/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_EXAMPLES_SVC_FWD_H
#define PN_EXAMPLES_SVC_FWD_H

/*
 * The TCP forwarder of services.h: each accepted connection gets a
 * non-blocking connect to the backend and the bytes are relayed both ways
 * through one bounded buffer per direction. Backpressure: a side is not
 * read while its buffer is full; EPOLLOUT on the other side resumes the
 * relay. EOF on one side becomes SHUT_WR on the other once its buffer is
 * sent (half-close, as RFC 9293 allows); a reset or error on one side, or
 * a failed backend connect, resets the other (SO_LINGER 0).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define SVC_FWD_BUF 65536 /* bytes per direction */

/* One side of a relayed connection and the bytes read from it. */
struct svc_fwd_side {
	int fd;
	bool connecting;          /**< backend: connect in progress */
	bool eof;                 /**< read end of stream from this side */
	bool shut;                /**< SHUT_WR sent to this side */
	struct svc_fwd_side *peer;
	size_t off, len;          /**< pending bytes for the peer: buf[off, len) */
	char buf[SVC_FWD_BUF];
};

static inline void
svc_fwd_side_init(struct svc_fwd_side *s, int fd, bool connecting)
{
	s->fd = fd;
	s->connecting = connecting;
	s->eof = s->shut = false;
	s->peer = NULL;
	s->off = s->len = 0;
}

/* Move bytes read from @p src to its peer. @return 0, or -1 on an error
 * of either socket. */
static inline int
svc_fwd_move(struct svc_fwd_side *src)
{
	struct svc_fwd_side *dst = src->peer;
	bool progress = true;
	ssize_t n;

	while (progress) {
		progress = false;
		if (src->off < src->len && !dst->connecting) {
			n = pn_send(dst->fd, src->buf + src->off, src->len - src->off,
				    MSG_NOSIGNAL);
			if (n < 0 && errno != EAGAIN)
				return -1;
			if (n > 0) {
				src->off += (size_t)n;
				if (src->off == src->len)
					src->off = src->len = 0;
				progress = true;
			}
		}
		if (!src->eof && !src->connecting &&
		    src->len - src->off < SVC_FWD_BUF) {
			if (src->off > 0) {
				memmove(src->buf, src->buf + src->off, src->len - src->off);
				src->len -= src->off;
				src->off = 0;
			}
			n = pn_read(src->fd, src->buf + src->len, SVC_FWD_BUF - src->len);
			if (n < 0 && errno != EAGAIN)
				return -1;
			if (n == 0)
				src->eof = true;
			if (n >= 0) {
				src->len += (size_t)n;
				progress = true;
			}
		}
	}
	if (src->eof && src->off == src->len && !dst->shut && !dst->connecting) {
		if (pn_shutdown(dst->fd, SHUT_WR) < 0)
			return -1;
		dst->shut = true;
	}
	return 0;
}

/*
 * Events @p events arrived for side @p s: finish its connect, relay both
 * ways. @return 0 to go on, 1 when both directions are closed (close both
 * sides), -1 on an error (reset both sides).
 */
static inline int
svc_fwd_event(struct svc_fwd_side *s, uint32_t events)
{
	if (events & EPOLLERR)
		return -1;
	if (s->connecting && (events & (EPOLLOUT | EPOLLHUP))) {
		int err = 0;
		socklen_t l = sizeof(err);

		if (pn_getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0 ||
		    err != 0)
			return -1;
		s->connecting = false;
	}
	if (svc_fwd_move(s) < 0 || svc_fwd_move(s->peer) < 0)
		return -1;
	return s->eof && s->peer->eof && s->shut && s->peer->shut;
}

/* The epoll interest side @p s needs now. */
static inline uint32_t
svc_fwd_interest(const struct svc_fwd_side *s)
{
	uint32_t ev = 0;

	if (s->connecting)
		return EPOLLOUT;
	if (!s->eof && s->len - s->off < SVC_FWD_BUF)
		ev |= EPOLLIN;
	if (s->peer->off < s->peer->len && !s->peer->connecting)
		ev |= EPOLLOUT;
	return ev;
}

#endif /* PN_EXAMPLES_SVC_FWD_H */
