/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The calls the socket layer makes (tcp.h): send and receive queues,
 * readiness, shutdown/close/abort (RFC 9293 3.10.1-3.10.6), options,
 * TCP_INFO.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <rte_debug.h>
#include <rte_mbuf.h>

#include "tcp_cc.h"
#include "tcp_priv.h"

uint32_t
pn_tcp_send_space(const struct pn_tcp_conn *c)
{
	return tcp_send_space(c);
}

bool
pn_tcp_unreadable(struct pn_tcp_conn *c)
{
	/* an empty queue: nothing to read; the rest of the read bits as
	 * poll_now gives them then (no data for EPOLLIN, any SO_RCVLOWAT) */
	if (likely(c->rcvq.len == 0))
		return c->err == 0 && (c->urg_data & TCP_URG_VALID) == 0 &&
		       (c->flags & (TF_RCVD_FIN | TF_SHUT_RD)) == 0 &&
		       c->state != PN_TCP_CLOSED;
	return !(pn_tcp_poll(c) & (EPOLLIN | EPOLLRDNORM | EPOLLPRI |
				   EPOLLERR | EPOLLHUP | EPOLLRDHUP)) &&
	       pn_tcp_readable(c) == 0;
}

void
pn_tcp_set_nospace(struct pn_tcp_conn *c)
{
	c->nospace = true;
}

uint32_t
pn_tcp_readable(const struct pn_tcp_conn *c)
{
	/* no urgent mark: all of it (what tcp_urg_inq says then) */
	if (likely(c->urg_data == 0))
		return c->rcvq.len;
	return tcp_urg_inq(c);
}

static int
send_check(struct pn_tcp_conn *c)
{
	if (c->err != 0) {
		int e = c->err;

		c->err = 0;
		return -e;
	}
	if (c->flags & TF_FIN_QUEUED)
		return -EPIPE;
	switch (c->state) {
	case PN_TCP_ESTABLISHED:
	case PN_TCP_CLOSE_WAIT:
		return 0;
	case PN_TCP_SYN_SENT:
	case PN_TCP_SYN_RECEIVED:
		return -EAGAIN;
	case PN_TCP_CLOSED:
		return -EPIPE;
	default:
		return -EPIPE;
	}
}

/* Whether any of iov[i..iovcnt) has a byte: what a send stopping at
 * iov[i] (some of it not taken) left over. */
static inline bool
send_left(const struct iovec *iov, int i, int iovcnt)
{
	for (; i < iovcnt; i++)
		if (iov[i].iov_len > 0)
			return true;
	return false;
}

ssize_t
pn_tcp_send(struct pn_tcp_conn *c, const struct iovec *iov, int iovcnt,
	    int flags)
{
	uint32_t space, done = 0;
	int rc, i;

	tcp_poll_stale(c);
	if ((rc = send_check(c)) < 0)
		return rc;
	space = tcp_send_space(c);
	if (space == 0) {
		c->nospace = true;	/* Linux: SOCK_NOSPACE, wait_for_space */
		return -EAGAIN;
	}
	tcp_slow_start_after_idle_check(c);
	for (i = 0; i < iovcnt && done < space; i++) {
		const uint8_t *p = iov[i].iov_base;
		size_t left = iov[i].iov_len;

		while (left > 0 && done < space) {
			struct rte_mbuf *t = c->sndq.tail;
			uint32_t n;
			char *d;

			if (t == NULL || rte_pktmbuf_tailroom(t) == 0 ||
			    RTE_MBUF_CLONED(t) || rte_mbuf_refcnt_read(t) != 1) {
				t = rte_pktmbuf_alloc(c->tcp->pool);
				if (t == NULL)
					goto out;
				t->data_len = 0;
				tcp_mq_append(&c->sndq, t);
			}
			n = rte_pktmbuf_tailroom(t);
			if (n > left)
				n = (uint32_t)left;
			if (n > space - done)
				n = space - done;
			d = rte_pktmbuf_mtod_offset(t, char *, t->data_len);
			memcpy(d, p, n);
			t->data_len = (uint16_t)(t->data_len + n);
			t->pkt_len = t->data_len;
			c->sndq.len += n;
			p += n;
			left -= n;
			done += n;
		}
		if (left > 0)	/* the buffer is full before the data ends */
			break;
	}
out:
	/* Linux tcp_sendmsg: data left over waits for space (SOCK_NOSPACE) */
	if (send_left(iov, i, iovcnt))
		c->nospace = true;
	if (done == 0)
		return -ENOBUFS;
	if (flags & PN_TCP_OOB) {
		/* Linux tcp_mark_urg: SND.UP after the last byte queued */
		c->snd_up = c->snd_una + c->sndq.len;
		c->snd_urg = true;
	}
	tcp_output(c);
	tcp_reap(c->tcp);
	return done;
}

ssize_t
pn_tcp_send_mbuf(struct pn_tcp_conn *c, struct rte_mbuf *m)
{
	uint32_t len = m->pkt_len;
	int rc;

	tcp_poll_stale(c);
	if ((rc = send_check(c)) < 0)
		return rc;
	if (tcp_send_space(c) < len) {
		c->nospace = true;
		return -EAGAIN;
	}
	tcp_slow_start_after_idle_check(c);
	tcp_mq_append(&c->sndq, m);
	tcp_output(c);
	tcp_reap(c->tcp);
	return len;
}

/* After the application took data: grow the buffer, update the window.
 * Inline: once per read that returns data. */
static __rte_always_inline void
rcv_consumed(struct pn_tcp_conn *c)
{
	struct pn_tcp *tcp = c->tcp;
	uint32_t cur, wnd, thresh;

	/* Receive window auto-sizing (like Linux tcp_rcv_space_adjust):
	 * when the application drained more than half the buffer within
	 * one RTT, double it up to rcvbuf_max. */
	if (c->srtt_us != 0 &&
	    tcp->lc->now - c->rcv_space_ns >= (uint64_t)c->srtt_us * PN_NS_PER_US) {
		uint32_t got = c->rcv_nxt - c->rcv_space_seq;

		if (got > c->rcvbuf / 2 && !c->rcvbuf_lock &&
		    c->rcvbuf < tcp->conf.rcvbuf_max &&
		    c->rcv_wscale > 0) {
			c->rcvbuf = c->rcvbuf * 2 > tcp->conf.rcvbuf_max ?
				    tcp->conf.rcvbuf_max : c->rcvbuf * 2;
			tcp->stat.TCPRcvBufGrow++;
		}
		c->rcv_space_seq = c->rcv_nxt;
		c->rcv_space_ns = tcp->lc->now;
	}
	if (!tcp_synchronized(c) || (c->flags & TF_RCVD_FIN))
		return;
	/* RFC 9293 3.8.6.2.2: update when the window grows by
	 * min(RCV.BUFF / 2, Eff.snd.MSS). */
	cur = tcp_rcv_offered(c);
	if (cur >= c->rcvbuf / 2 && cur != 0)
		return; /* half the buffer still offered: no update */
	wnd = tcp_rcv_wnd(c);
	thresh = c->rcvbuf / 2 < c->rcv_mss ? c->rcvbuf / 2 : c->rcv_mss;
	if (wnd > cur && wnd - cur >= thresh) {
		c->flags |= TF_ACK_NOW;
		tcp_output(c);
	}
}

static ssize_t
recv_empty(struct pn_tcp_conn *c)
{
	/*
	 * Linux tcp_recvmsg: the FIN (SOCK_DONE) is EOF before any error, so
	 * a reset after the FIN reads as 0 and stays pending for SO_ERROR
	 * and write(); shutdown(SHUT_RD) is checked after the error.
	 */
	if (c->flags & TF_RCVD_FIN)
		return 0;
	if (c->err != 0) {
		int e = c->err;

		c->err = 0;
		return -e;
	}
	if (c->flags & TF_SHUT_RD)
		return 0;
	if (c->state == PN_TCP_CLOSED)
		return 0;
	return -EAGAIN;
}

/* Linux tcp_recv_urg: the out-of-band byte; never waits. */
static ssize_t
recv_oob(struct pn_tcp_conn *c, const struct iovec *iov, int iovcnt,
	 int flags)
{
	int i;

	if (c->oobinline || c->urg_data == 0 || c->urg_data == TCP_URG_READ)
		return -EINVAL;
	if (c->state == PN_TCP_CLOSED && !(c->flags & TF_RCVD_FIN))
		return -ENOTCONN;
	if (c->urg_data & TCP_URG_VALID) {
		uint8_t b = (uint8_t)c->urg_data;

		if (!(flags & PN_TCP_PEEK))
			c->urg_data = TCP_URG_READ;
		for (i = 0; i < iovcnt; i++) {
			if (iov[i].iov_len > 0) {
				*(uint8_t *)iov[i].iov_base = b;
				return 1;
			}
		}
		return 0; /* Linux: MSG_TRUNC, nothing copied */
	}
	if (c->state == PN_TCP_CLOSED ||
	    (c->flags & (TF_RCVD_FIN | TF_SHUT_RD)))
		return 0;
	return -EAGAIN;
}

ssize_t
pn_tcp_recv(struct pn_tcp_conn *c, const struct iovec *iov, int iovcnt,
	    int flags)
{
	uint32_t done = 0, n, avail, skip;
	bool oob;
	int i;

	/* nothing queued, no error to hand out: EOF or EAGAIN, and nothing
	 * pn_tcp_poll() reads changes */
	if (c->rcvq.len == 0 && c->err == 0 && !(flags & PN_TCP_OOB))
		return recv_empty(c);
	tcp_poll_stale(c);
	if (flags & PN_TCP_OOB)
		return recv_oob(c, iov, iovcnt, flags);
	if (c->rcvq.len == 0)
		return recv_empty(c);
	/* stop at the urgent mark; skip the out-of-band byte */
	avail = tcp_urg_readable(c, &oob);
	skip = oob ? 1 : 0;
	for (i = 0; i < iovcnt && done < avail; i++) {
		n = tcp_mq_copy(&c->rcvq, skip + done, iov[i].iov_base,
				RTE_MIN((uint32_t)iov[i].iov_len, avail - done));
		done += n;
	}
	if (!(flags & PN_TCP_PEEK) && done + skip > 0) {
		tcp_mq_drop(&c->rcvq, done + skip);
		tcp_urg_consumed(c);
		rcv_consumed(c);
		tcp_reap(c->tcp);
	}
	if (done == 0 && avail == 0)
		return c->rcvq.len == 0 ? recv_empty(c) : -EAGAIN;
	return done;
}

int
pn_tcp_recv_zc(struct pn_tcp_conn *c, struct iovec *iov, int max)
{
	struct rte_mbuf *m;
	uint32_t avail = 0;
	bool oob;
	int n = 0;

	tcp_poll_stale(c);
	if (c->rcvq.len > 0) {
		/* as pn_tcp_recv: skip the out-of-band byte, stop at the mark */
		avail = tcp_urg_readable(c, &oob);
		if (oob) {
			tcp_mq_drop(&c->rcvq, 1);
			tcp_urg_consumed(c);
		}
	}
	if (c->rcvq.len == 0) {
		ssize_t r = recv_empty(c);

		return (int)r;
	}
	for (m = c->rcvq.head; m != NULL && n < max && avail > 0; m = m->next) {
		if (m->data_len == 0)
			continue;
		iov[n].iov_base = rte_pktmbuf_mtod(m, void *);
		iov[n].iov_len = RTE_MIN((uint32_t)m->data_len, avail);
		avail -= (uint32_t)iov[n].iov_len;
		n++;
	}
	return n;
}

void
pn_tcp_recv_zc_done(struct pn_tcp_conn *c, size_t bytes)
{
	tcp_poll_stale(c);
	tcp_mq_drop(&c->rcvq, (uint32_t)bytes);
	rcv_consumed(c);
	tcp_reap(c->tcp);
}

/* poll_now in ESTABLISHED with no error, SHUT_RD, urgent data or
 * SO_RCVLOWAT above 1 (no FIN either way in this state): what the
 * general rules below give then, in a few instructions. */
static inline bool
poll_plain(const struct pn_tcp_conn *c)
{
	return c->state == PN_TCP_ESTABLISHED && c->rcvlowat <= 1 &&
	       (c->err | c->urg_data | (c->flags & TF_SHUT_RD)) == 0;
}

static uint32_t
poll_now(const struct pn_tcp_conn *c)
{
	uint32_t mask = 0;
	bool rd_shut = (c->flags & (TF_RCVD_FIN | TF_SHUT_RD)) != 0 ||
		       c->state == PN_TCP_CLOSED;
	bool wr_shut = (c->flags & TF_FIN_QUEUED) != 0 || c->state == PN_TCP_CLOSED;

	if (c->err != 0)
		mask |= EPOLLERR;
	if ((rd_shut && wr_shut) || c->state == PN_TCP_CLOSED)
		mask |= EPOLLHUP;
	if (rd_shut)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (c->state == PN_TCP_SYN_SENT || c->state == PN_TCP_SYN_RECEIVED)
		return mask;
	/* Linux tcp_poll: the out-of-band byte at the mark is not data */
	if (c->rcvq.len >= (c->rcvlowat ? c->rcvlowat : 1) +
	    (pn_tcp_atmark(c) && !c->oobinline))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (c->urg_data & TCP_URG_VALID)
		mask |= EPOLLPRI; /* RFC 9293 MUST-32 */
	if (wr_shut || tcp_send_space(c) >= tcp_send_low_mark(c))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

/* The mask computed again, in general: out of line, so that the kept
 * answer and the plain case are returned without saving registers. */
static uint32_t __rte_noinline
poll_update(struct pn_tcp_conn *c)
{
	c->poll_mask = poll_now(c);
	c->poll_ok = true;
	return c->poll_mask;
}

uint32_t
pn_tcp_poll(struct pn_tcp_conn *c)
{
#ifdef PN_TCP_POLL_CHECK
	/* -Dc_args=-DPN_TCP_POLL_CHECK: a missing tcp_poll_stale() panics
	 * here (unit, scenario and TCP integration tests pass with it) */
	if (c->poll_ok && c->poll_mask != poll_now(c))
		rte_panic("pn_tcp_poll: cached %#x, now %#x (state %u)\n",
			  c->poll_mask, poll_now(c), c->state);
#endif
	if (likely(c->poll_ok))
		return c->poll_mask;
	if (likely(poll_plain(c))) {
		uint32_t mask = c->rcvq.len > 0 ? EPOLLIN | EPOLLRDNORM : 0;

		if (tcp_send_space(c) >= tcp_send_low_mark(c))
			mask |= EPOLLOUT | EPOLLWRNORM;
#ifdef PN_TCP_POLL_CHECK
		if (mask != poll_now(c))
			rte_panic("pn_tcp_poll: plain %#x, general %#x\n",
				  mask, poll_now(c));
#endif
		c->poll_mask = mask;
		c->poll_ok = true;
		return mask;
	}
	return poll_update(c);
}

int
pn_tcp_error(struct pn_tcp_conn *c)
{
	int e = c->err;

	tcp_poll_stale(c);
	c->err = 0;
	return e;
}

/* Queue our FIN: RFC 9293 3.10.4 CLOSE in the synchronized states. */
static void
queue_fin(struct pn_tcp_conn *c)
{
	if (c->flags & TF_FIN_QUEUED)
		return;
	switch (c->state) {
	case PN_TCP_SYN_RECEIVED:
	case PN_TCP_ESTABLISHED:
		c->flags |= TF_FIN_QUEUED;
		tcp_set_state(c, PN_TCP_FIN_WAIT_1);
		break;
	case PN_TCP_CLOSE_WAIT:
		c->flags |= TF_FIN_QUEUED;
		tcp_set_state(c, PN_TCP_LAST_ACK);
		break;
	default:
		break;
	}
}

int
pn_tcp_shutdown(struct pn_tcp_conn *c, int how)
{
	struct pn_tcp *tcp = c->tcp;

	tcp_poll_stale(c);
	if (c->state == PN_TCP_CLOSED || c->state == PN_TCP_SYN_SENT ||
	    c->state == PN_TCP_LISTEN)
		return -ENOTCONN;
	tcp->busy++; /* the upcall may close the socket */
	if (how == SHUT_WR || how == SHUT_RDWR) {
		queue_fin(c);
		tcp_output(c);
	}
	if (how == SHUT_RD || how == SHUT_RDWR)
		c->flags |= TF_SHUT_RD;
	tcp_wakeup(c, PN_TCP_WAKE_STATE); /* inet_shutdown: sk_state_change */
	tcp->busy--;
	tcp_reap(tcp);
	return 0;
}

static void
let_go(struct pn_tcp_conn *c)
{
	c->ctx = NULL;
	c->owned = false;
	c->flags |= TF_CLOSED;
}

void
pn_tcp_close(struct pn_tcp_conn *c)
{
	struct pn_tcp *tcp = c->tcp;

	tcp_poll_stale(c);
	let_go(c);
	switch (c->state) {
	case PN_TCP_CLOSED:
	case PN_TCP_SYN_SENT:
		tcp_conn_closed(c);
		break;
	default:
		if (c->rcvq.len > 0 || c->linger_s == 0) {
			/* RFC 9293 3.10.4 / RFC 2525 2.17: data lost -> RST. */
			if (c->rcvq.len > 0)
				tcp->stat.TCPAbortOnClose++;
			else
				tcp->stat.TCPAbortOnLinger++;
			tcp_send_rst(c);
			if (c->state == PN_TCP_ESTABLISHED ||
			    c->state == PN_TCP_CLOSE_WAIT)
				tcp->stat.EstabResets++;
			tcp_conn_closed(c);
			break;
		}
		queue_fin(c);
		if (c->state == PN_TCP_FIN_WAIT_2)
			tcp_finwait2_arm(c);
		tcp_output(c);
		break;
	}
	tcp_reap(tcp);
}

void
pn_tcp_abort(struct pn_tcp_conn *c)
{
	struct pn_tcp *tcp = c->tcp;

	tcp_poll_stale(c);
	let_go(c);
	if (c->state != PN_TCP_CLOSED && c->state != PN_TCP_SYN_SENT &&
	    c->state != PN_TCP_TIME_WAIT)
		tcp_send_rst(c);
	if (c->state == PN_TCP_ESTABLISHED || c->state == PN_TCP_CLOSE_WAIT)
		tcp->stat.EstabResets++;
	tcp_conn_closed(c);
	tcp_reap(tcp);
}

/* TCP_MAXSEG: 0 (none) or 88..65535. */
static bool
opt_mss_ok(int64_t v)
{
	return v == 0 || (v >= 88 && v <= 65535);
}

/* SO_SNDBUF / SO_RCVBUF bytes, clamped to 4096..67108864. */
/* IP_TOS is one byte of the IPv4 header */
static bool
opt_tos_ok(int64_t v)
{
	return v >= 0 && v <= 255;
}

static uint32_t
opt_buf(int64_t v)
{
	return v < 4096 ? 4096 : v > 67108864 ? 67108864 : (uint32_t)v;
}

int
pn_tcp_listen_setopt(struct pn_tcp_listen *l, enum pn_tcp_opt opt, int64_t v)
{
	switch (opt) {
	case PN_TCP_OPT_MAXSEG:
		if (!opt_mss_ok(v))
			return -EINVAL;
		l->user_mss = (uint16_t)v;
		return 0;
	case PN_TCP_OPT_RCVBUF:
		if (v < 0)
			return -EINVAL;
		l->rcvbuf = opt_buf(v);
		return 0;
	case PN_TCP_OPT_TOS:
		if (!opt_tos_ok(v))
			return -EINVAL;
		l->tos = (uint8_t)v;
		return 0;
	case PN_TCP_OPT_SYNCNT:
		if (v < 1 || v > TCP_SYNCNT_MAX)
			return -EINVAL;
		l->syn_retries = (uint8_t)v;
		return 0;
	default:
		return -EINVAL;
	}
}

int
pn_tcp_setopt(struct pn_tcp_conn *c, enum pn_tcp_opt opt, int64_t v)
{
	tcp_poll_stale(c);
	switch (opt) {
	case PN_TCP_OPT_NODELAY:
		if (v)
			c->flags |= TF_NODELAY;
		else
			c->flags &= (uint16_t)~TF_NODELAY;
		/* Linux __tcp_sock_set_nodelay: tcp_push_pending_frames,
		 * which sends only what is queued and not sent yet (a
		 * server setting it on each accepted socket paid a whole
		 * tcp_output for nothing, ~180 Ir) */
		if (v && tcp_synchronized(c) &&
		    (c->sndq.len > c->snd_nxt - c->snd_una ||
		     (c->flags & (TF_FIN_QUEUED | TF_FIN_SENT)) == TF_FIN_QUEUED))
			tcp_output(c);
		return 0;
	case PN_TCP_OPT_MAXSEG:
		if (!opt_mss_ok(v))
			return -EINVAL;
		c->user_mss = (uint16_t)v;
		if (v && c->mss > v)
			c->mss = (uint16_t)v;
		return 0;
	case PN_TCP_OPT_KEEPALIVE:
		if (v) {
			c->flags |= TF_KEEPALIVE;
			tcp_keep_arm(c);
		} else {
			c->flags &= (uint16_t)~TF_KEEPALIVE;
			if (c->state != PN_TCP_TIME_WAIT &&
			    c->state != PN_TCP_FIN_WAIT_2)
				pn_timer_cancel(&c->tcp->lc->timers, &c->t_keep);
		}
		return 0;
	case PN_TCP_OPT_KEEPIDLE:
		if (v < 1 || v > 32767)
			return -EINVAL;
		c->keep_idle_s = (uint32_t)v;
		tcp_keep_arm(c);
		return 0;
	case PN_TCP_OPT_KEEPINTVL:
		if (v < 1 || v > 32767)
			return -EINVAL;
		c->keep_intvl_s = (uint32_t)v;
		return 0;
	case PN_TCP_OPT_KEEPCNT:
		if (v < 1 || v > 127)
			return -EINVAL;
		c->keep_cnt = (uint32_t)v;
		return 0;
	case PN_TCP_OPT_LINGER:
		if (v < -1 || v > 65535)
			return -EINVAL;
		c->linger_s = (int32_t)v;
		return 0;
	case PN_TCP_OPT_SNDBUF:
		if (v < 0)
			return -EINVAL;
		c->sndbuf = opt_buf(v);
		return 0;
	case PN_TCP_OPT_RCVBUF:
		if (v < 0)
			return -EINVAL;
		c->rcvbuf = opt_buf(v);
		c->rcvbuf_lock = true; /* Linux SOCK_RCVBUF_LOCK */
		return 0;
	case PN_TCP_OPT_RCVLOWAT:
		if (v < 0 || v > INT32_MAX)
			return -EINVAL;
		c->rcvlowat = v ? (uint32_t)v : 1;
		return 0;
	case PN_TCP_OPT_SNDLOWAT:
		if (v < 0 || v > INT32_MAX)
			return -EINVAL;
		c->sndlowat = (uint32_t)v;
		return 0;
	case PN_TCP_OPT_USER_TIMEOUT:
		if (v < 0 || v > INT32_MAX)
			return -EINVAL;
		c->user_timeout_ms = (uint32_t)v;
		return 0;
	case PN_TCP_OPT_OOBINLINE:
		c->oobinline = v != 0;
		return 0;
	case PN_TCP_OPT_TOS:
		if (!opt_tos_ok(v))
			return -EINVAL;
		c->tos = (uint8_t)v;
		return 0;
	case PN_TCP_OPT_SYNCNT:
		if (v < 1 || v > TCP_SYNCNT_MAX)
			return -EINVAL;
		c->syn_retries = (uint8_t)v;
		return 0;
	case PN_TCP_OPT_CC:
		return tcp_cc_set(c, v);
	}
	return -EINVAL;
}

int
pn_tcp_default_opt(const struct pn_tcp *tcp, enum pn_tcp_opt opt, int64_t *v)
{
	switch (opt) {
	case PN_TCP_OPT_SYNCNT: *v = tcp->conf.syn_retries; return 0;
	case PN_TCP_OPT_CC: *v = tcp_cc_id_of(tcp->cc); return 0;
	case PN_TCP_OPT_KEEPIDLE: *v = tcp->conf.keepalive_idle_s; return 0;
	case PN_TCP_OPT_KEEPINTVL: *v = tcp->conf.keepalive_intvl_s; return 0;
	case PN_TCP_OPT_KEEPCNT: *v = tcp->conf.keepalive_cnt; return 0;
	default: return -EINVAL;
	}
}

int
pn_tcp_getopt(const struct pn_tcp_conn *c, enum pn_tcp_opt opt, int64_t *v)
{
	switch (opt) {
	case PN_TCP_OPT_NODELAY: *v = !!(c->flags & TF_NODELAY); return 0;
	case PN_TCP_OPT_MAXSEG: *v = c->user_mss ? c->user_mss : c->mss; return 0;
	case PN_TCP_OPT_KEEPALIVE: *v = !!(c->flags & TF_KEEPALIVE); return 0;
	case PN_TCP_OPT_KEEPIDLE: *v = c->keep_idle_s; return 0;
	case PN_TCP_OPT_KEEPINTVL: *v = c->keep_intvl_s; return 0;
	case PN_TCP_OPT_KEEPCNT: *v = c->keep_cnt; return 0;
	case PN_TCP_OPT_LINGER: *v = c->linger_s; return 0;
	case PN_TCP_OPT_SNDBUF: *v = c->sndbuf; return 0;
	case PN_TCP_OPT_RCVBUF: *v = c->rcvbuf; return 0;
	case PN_TCP_OPT_RCVLOWAT: *v = c->rcvlowat; return 0;
	case PN_TCP_OPT_SNDLOWAT: *v = c->sndlowat; return 0;
	case PN_TCP_OPT_USER_TIMEOUT: *v = c->user_timeout_ms; return 0;
	case PN_TCP_OPT_OOBINLINE: *v = c->oobinline; return 0;
	case PN_TCP_OPT_TOS: *v = c->tos; return 0;
	case PN_TCP_OPT_SYNCNT: *v = tcp_syn_retries(c); return 0;
	case PN_TCP_OPT_CC: *v = tcp_cc_id_of(c->cc); return 0;
	}
	return -EINVAL;
}

void
pn_tcp_info(const struct pn_tcp_conn *c, struct pn_tcp_info *i)
{
	memset(i, 0, sizeof(*i));
	i->state = c->state;
	i->ca_state = (c->flags & TF_IN_RECOVERY) ? 3 : c->backoff ? 4 : 0;
	i->retransmits = c->backoff;
	i->snd_wscale = c->snd_wscale;
	i->rcv_wscale = c->rcv_wscale;
	i->options = (uint8_t)(((c->flags & TF_TS) ? 1 : 0) |
			       ((c->flags & TF_SACK) ? 2 : 0) |
			       ((c->flags & TF_WS) ? 4 : 0));
	i->rto_us = c->rto_us;
	i->ato_us = c->tcp->conf.delack_ms * 1000;
	i->snd_mss = c->mss;
	i->rcv_mss = c->rcv_mss;
	i->unacked = c->snd_max - c->snd_una;
	i->sacked = tcp_sb_bytes(c);
	i->retrans = c->snd_max != c->snd_nxt ? 1 : 0;
	i->rtt_us = c->srtt_us;
	i->rttvar_us = c->rttvar_us;
	i->snd_ssthresh = c->ssthresh;
	i->snd_cwnd = c->mss ? c->cwnd / c->mss : 0;
	i->rcv_space = c->rcvbuf;
	i->bytes_acked = c->bytes_acked;
	i->bytes_received = c->bytes_received;
	i->segs_out = c->segs_out;
	i->segs_in = c->segs_in;
	i->total_retrans = c->total_retrans;
}

void
pn_tcp_addrs(const struct pn_tcp_conn *c, uint32_t *lip, uint16_t *lport,
	     uint32_t *rip, uint16_t *rport)
{
	*lip = c->key.lip;
	*lport = c->key.lport;
	*rip = c->key.rip;
	*rport = c->key.rport;
}
