/* SPDX-License-Identifier: BSD-3-Clause */
/* The fake TCP: see fake_tcp.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <rte_common.h>
#include <rte_mbuf.h>

#include "fake_tcp.h"
#include "lcore.h"

#define FAKE_MAX_LISTEN 16
#define FAKE_ACCEPTQ    64
#define FAKE_SNDBUF     65536
#define FAKE_RCVBUF     131072

struct pn_tcp_listen {
	struct pn_tcp *t;
	uint32_t ip;
	uint16_t port;
	uint32_t backlog;
	void *ctx;
	unsigned int nq;
	struct pn_tcp_conn *q[FAKE_ACCEPTQ];
};

struct pn_tcp_conn {
	struct pn_tcp *t;
	void *ctx;
	int state;                     /* enum pn_tcp_state */
	uint32_t lip, rip;
	uint16_t lport, rport;
	struct pn_tcp_conn *peer;
	bool connecting;               /* SYN to deliver */
	uint8_t *rq;
	size_t rq_len;
	uint8_t *sq;
	size_t sq_len;
	bool fin_pending, fin_sent;
	bool rd_shut, wr_shut, done;   /* done: FIN received (SOCK_DONE) */
	int err;
	bool orphan;                   /* the socket let go */
	int64_t opt[PN_TCP_OPT_USER_TIMEOUT + 1];
	size_t zc_out;                 /* bytes handed out by recv_zc */
	bool nospace;                  /* SOCK_NOSPACE: a send or poll found none */
	TAILQ_ENTRY(pn_tcp_conn) link;
};

struct pn_tcp {
	struct pn_lcore *lc;
	const struct pn_tcp_upcalls *up;
	uint32_t src;
	uint16_t next_port;
	unsigned int wakeups;
	struct pn_tcp_listen *ls[FAKE_MAX_LISTEN];
	TAILQ_HEAD(, pn_tcp_conn) conns;
};

static uint32_t fake_poll(struct pn_tcp_conn *c);

static void
fake_wake(struct pn_tcp *t, void *ctx, int what)
{
	if (ctx == NULL)
		return;
	t->wakeups++;
	t->up->wakeup(ctx, what);
}

static void
fake_after_rx(struct pn_lcore *lc, void *arg)
{
	RTE_SET_USED(lc);
	fake_tcp_step(arg);
}

struct pn_tcp *
fake_tcp_create(struct pn_lcore *lc, const struct pn_tcp_upcalls *up)
{
	struct pn_tcp *t = calloc(1, sizeof(*t));

	if (t == NULL)
		abort();
	t->lc = lc;
	t->up = up;
	t->next_port = 40000;
	TAILQ_INIT(&t->conns);
	lc->after_rx = fake_after_rx;
	lc->after_rx_arg = t;
	return t;
}

static void
conn_free(struct pn_tcp_conn *c)
{
	TAILQ_REMOVE(&c->t->conns, c, link);
	if (c->peer != NULL && c->peer->peer == c)
		c->peer->peer = NULL;
	free(c->rq);
	free(c->sq);
	free(c);
}

void
fake_tcp_free(struct pn_tcp *t)
{
	struct pn_tcp_conn *c;
	int i;

	while ((c = TAILQ_FIRST(&t->conns)) != NULL)
		conn_free(c);
	for (i = 0; i < FAKE_MAX_LISTEN; i++)
		free(t->ls[i]);
	free(t);
}

void
fake_tcp_set_src(struct pn_tcp *t, uint32_t ip)
{
	t->src = ip;
}

unsigned int
fake_tcp_wakeups(const struct pn_tcp *t)
{
	return t->wakeups;
}

static struct pn_tcp_conn *
conn_new(struct pn_tcp *t, void *ctx)
{
	struct pn_tcp_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		abort();
	c->t = t;
	c->ctx = ctx;
	c->opt[PN_TCP_OPT_SNDBUF] = FAKE_SNDBUF;
	c->opt[PN_TCP_OPT_RCVBUF] = FAKE_RCVBUF;
	c->opt[PN_TCP_OPT_RCVLOWAT] = 1;
	c->opt[PN_TCP_OPT_LINGER] = -1;
	c->opt[PN_TCP_OPT_KEEPIDLE] = 7200;
	c->opt[PN_TCP_OPT_KEEPINTVL] = 75;
	c->opt[PN_TCP_OPT_KEEPCNT] = 9;
	c->rq = malloc(FAKE_RCVBUF * 4);
	c->sq = malloc(FAKE_SNDBUF * 8);
	TAILQ_INSERT_TAIL(&t->conns, c, link);
	return c;
}

static size_t
conn_sndbuf(const struct pn_tcp_conn *c)
{
	return (size_t)RTE_MIN(c->opt[PN_TCP_OPT_SNDBUF],
			       (int64_t)FAKE_SNDBUF * 8);
}

static size_t
conn_rcvbuf(const struct pn_tcp_conn *c)
{
	return (size_t)RTE_MIN(c->opt[PN_TCP_OPT_RCVBUF],
			       (int64_t)FAKE_RCVBUF * 4);
}

/* Linux tcp_reset(): the error depends on the state. */
static void
conn_reset(struct pn_tcp_conn *c)
{
	if (c->state == PN_TCP_CLOSED)
		return;
	if (c->state == PN_TCP_SYN_SENT)
		c->err = ECONNREFUSED;
	else if (c->state == PN_TCP_CLOSE_WAIT)
		c->err = EPIPE;
	else
		c->err = ECONNRESET;
	c->state = PN_TCP_CLOSED;
	c->rd_shut = c->wr_shut = true;
	c->sq_len = 0;
	c->peer = NULL;
	fake_wake(c->t, c->ctx, PN_TCP_WAKE_STATE);
}

void
fake_tcp_inject_error(struct pn_tcp_conn *c, int err)
{
	conn_reset(c);
	c->err = err;
}

/* Send RST to the peer and forget it. */
static void
conn_rst_peer(struct pn_tcp_conn *c)
{
	struct pn_tcp_conn *p = c->peer;

	c->peer = NULL;
	if (p != NULL) {
		p->peer = NULL;
		conn_reset(p);
	}
}

static struct pn_tcp_listen *
fake_find_listener(struct pn_tcp *t, uint32_t ip, uint16_t port)
{
	int i;

	for (i = 0; i < FAKE_MAX_LISTEN; i++)
		if (t->ls[i] != NULL && t->ls[i]->port == port &&
		    (t->ls[i]->ip == 0 || t->ls[i]->ip == ip))
			return t->ls[i];
	return NULL;
}

static void
step_connect(struct pn_tcp *t, struct pn_tcp_conn *c)
{
	struct pn_tcp_listen *l = fake_find_listener(t, c->rip, c->rport);
	struct pn_tcp_conn *s;

	if (l == NULL) {
		c->connecting = false;
		conn_reset(c); /* RST for our SYN */
		return;
	}
	if (l->nq > l->backlog || l->nq == FAKE_ACCEPTQ)
		return; /* SYN dropped; "retransmitted" next step */
	c->connecting = false;
	s = conn_new(t, NULL);
	s->state = PN_TCP_ESTABLISHED;
	s->lip = c->rip;
	s->lport = c->rport;
	s->rip = c->lip;
	s->rport = c->lport;
	s->peer = c;
	c->peer = s;
	c->state = PN_TCP_ESTABLISHED;
	l->q[l->nq++] = s;
	fake_wake(t, c->ctx, PN_TCP_WAKE_STATE);
	fake_wake(t, l->ctx, PN_TCP_WAKE_DATA);
}

static void
step_data(struct pn_tcp *t, struct pn_tcp_conn *c)
{
	struct pn_tcp_conn *p = c->peer;
	size_t room, n;

	if (p == NULL || c->sq_len == 0)
		goto fin;
	if (p->orphan) {
		/* data for a closed socket: it answers with RST */
		conn_rst_peer(c);
		c->peer = NULL;
		p->state = PN_TCP_CLOSED;
		conn_reset(c);
		return;
	}
	room = conn_rcvbuf(p) > p->rq_len ? conn_rcvbuf(p) - p->rq_len : 0;
	n = RTE_MIN(room, c->sq_len);
	if (n > 0) {
		memcpy(p->rq + p->rq_len, c->sq, n);
		p->rq_len += n;
		memmove(c->sq, c->sq + n, c->sq_len - n);
		c->sq_len -= n;
		fake_wake(t, p->ctx, PN_TCP_WAKE_DATA);
		/* sk_stream_write_space: for a writer that found no space */
		if (c->nospace && (fake_poll(c) & EPOLLOUT)) {
			c->nospace = false;
			fake_wake(t, c->ctx, PN_TCP_WAKE_SPACE);
		}
	}
fin:
	if (c->fin_pending && !c->fin_sent && c->sq_len == 0) {
		c->fin_sent = true;
		if (c->state == PN_TCP_ESTABLISHED)
			c->state = PN_TCP_FIN_WAIT_1;
		else if (c->state == PN_TCP_CLOSE_WAIT)
			c->state = PN_TCP_LAST_ACK;
		if (p != NULL) {
			p->rd_shut = true;
			p->done = true;
			if (p->state == PN_TCP_ESTABLISHED)
				p->state = PN_TCP_CLOSE_WAIT;
			else if (p->state == PN_TCP_FIN_WAIT_1 ||
				 p->state == PN_TCP_FIN_WAIT_2)
				p->state = PN_TCP_TIME_WAIT;
			fake_wake(t, p->ctx, PN_TCP_WAKE_STATE);
		}
	}
}

void
fake_tcp_step(struct pn_tcp *t)
{
	struct pn_tcp_conn *c, *next;

	for (c = TAILQ_FIRST(&t->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, link);
		if (c->connecting)
			step_connect(t, c);
		else if (c->state != PN_TCP_CLOSED)
			step_data(t, c);
	}
}

/* --- listeners --- */

static int
fake_listen(struct pn_tcp *t, uint32_t ip, uint16_t port, uint32_t backlog,
	    void *ctx, struct pn_tcp_listen **out)
{
	struct pn_tcp_listen *l;
	int i;

	for (i = 0; i < FAKE_MAX_LISTEN; i++)
		if (t->ls[i] != NULL && t->ls[i]->port == port &&
		    (t->ls[i]->ip == ip || ip == 0 || t->ls[i]->ip == 0))
			return -EADDRINUSE;
	for (i = 0; i < FAKE_MAX_LISTEN && t->ls[i] != NULL; i++)
		;
	if (i == FAKE_MAX_LISTEN)
		return -ENOMEM;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return -ENOMEM;
	l->t = t;
	l->ip = ip;
	l->port = port;
	l->backlog = backlog;
	l->ctx = ctx;
	t->ls[i] = l;
	*out = l;
	return 0;
}

static void
fake_listen_backlog(struct pn_tcp_listen *l, uint32_t backlog)
{
	l->backlog = backlog;
}

static int
fake_accept(struct pn_tcp_listen *l, void *ctx, struct pn_tcp_conn **out)
{
	if (l->nq == 0)
		return -EAGAIN;
	*out = l->q[0];
	memmove(l->q, l->q + 1, --l->nq * sizeof(l->q[0]));
	(*out)->ctx = ctx;
	return 0;
}

static uint32_t
fake_listen_poll(const struct pn_tcp_listen *l)
{
	return l->nq > 0 ? EPOLLIN | EPOLLRDNORM : 0;
}

static void
fake_listen_close(struct pn_tcp_listen *l)
{
	struct pn_tcp *t = l->t;
	unsigned int i;

	for (i = 0; i < l->nq; i++) {
		l->q[i]->orphan = true;
		conn_rst_peer(l->q[i]);
		l->q[i]->state = PN_TCP_CLOSED;
	}
	for (i = 0; i < FAKE_MAX_LISTEN; i++)
		if (t->ls[i] == l)
			t->ls[i] = NULL;
	free(l);
}

/* --- connections --- */

static int
fake_connect(struct pn_tcp *t, uint32_t src, uint16_t sport, uint32_t dst,
	     uint16_t dport, void *ctx, struct pn_tcp_conn **out)
{
	struct pn_tcp_conn *c = conn_new(t, ctx);

	c->state = PN_TCP_SYN_SENT;
	c->lip = src != 0 ? src : t->src;
	c->lport = sport != 0 ? sport : t->next_port++;
	c->rip = dst;
	c->rport = dport;
	c->connecting = true;
	*out = c;
	return 0;
}

/* The fake's SYN goes out at the next step, whatever the options. */
static void
fake_connect_start(struct pn_tcp_conn *c)
{
	RTE_SET_USED(c);
}

/* The fake has no SYN-ACK to shape: only the values are checked. */
static int
fake_listen_setopt(struct pn_tcp_listen *l, enum pn_tcp_opt opt, int64_t v)
{
	RTE_SET_USED(l);
	if (opt != PN_TCP_OPT_MAXSEG && opt != PN_TCP_OPT_RCVBUF)
		return -EINVAL;
	return v < 0 ? -EINVAL : 0;
}

static ssize_t
fake_send(struct pn_tcp_conn *c, const struct iovec *iov, int iovcnt,
	  int flags)
{
	size_t space, done = 0, n;
	int i, err;

	RTE_SET_USED(flags);
	if (c->err != 0 || c->wr_shut) {
		err = c->err != 0 ? c->err : EPIPE;
		c->err = 0;
		return -err;
	}
	if (c->state == PN_TCP_SYN_SENT)
		return -EAGAIN;
	if (c->state == PN_TCP_CLOSED)
		return -EPIPE;
	space = conn_sndbuf(c) > c->sq_len ? conn_sndbuf(c) - c->sq_len : 0;
	for (i = 0; i < iovcnt; i++) {
		n = RTE_MIN(space, iov[i].iov_len);
		if (n < iov[i].iov_len)
			c->nospace = true; /* left over: SOCK_NOSPACE */
		memcpy(c->sq + c->sq_len, iov[i].iov_base, n);
		c->sq_len += n;
		space -= n;
		done += n;
	}
	if (done == 0)
		return -EAGAIN;
	/* like loopback: what the peer has room for arrives at once */
	step_data(c->t, c);
	return (ssize_t)done;
}

static ssize_t
fake_send_mbuf(struct pn_tcp_conn *c, struct rte_mbuf *m)
{
	struct iovec iov[16] = { { 0 } };
	struct rte_mbuf *s;
	ssize_t n, len = 0;
	int k = 0;

	for (s = m; s != NULL && k < 16; s = s->next, k++) {
		iov[k].iov_base = rte_pktmbuf_mtod(s, void *);
		iov[k].iov_len = s->data_len;
		len += s->data_len;
	}
	if (c->state == PN_TCP_ESTABLISHED &&
	    conn_sndbuf(c) - c->sq_len < (size_t)len) {
		c->nospace = true;
		return -EAGAIN; /* all or nothing */
	}
	n = fake_send(c, iov, k, 0);
	if (n > 0)
		rte_pktmbuf_free(m);
	return n;
}

/* Linux tcp_recvmsg(), the order of its checks when nothing is copied. */
static ssize_t
fake_recv(struct pn_tcp_conn *c, const struct iovec *iov, int iovcnt,
	  int flags)
{
	size_t done = 0, n;
	int i, err;

	if (c->state == PN_TCP_LISTEN)
		return -ENOTCONN;
	if (flags & PN_TCP_OOB)
		return -EINVAL; /* tcp_recv_urg: no urgent data in the fake */
	for (i = 0; i < iovcnt && done < c->rq_len; i++) {
		n = RTE_MIN(iov[i].iov_len, c->rq_len - done);
		memcpy(iov[i].iov_base, c->rq + done, n);
		done += n;
	}
	if (done > 0) {
		if (!(flags & PN_TCP_PEEK)) {
			memmove(c->rq, c->rq + done, c->rq_len - done);
			c->rq_len -= done;
		}
		return (ssize_t)done;
	}
	if (c->done)
		return 0;
	if (c->err != 0) {
		err = c->err;
		c->err = 0;
		return -err;
	}
	if (c->rd_shut)
		return 0;
	if (c->state == PN_TCP_CLOSED)
		return -ENOTCONN;
	return -EAGAIN;
}

static int
fake_recv_zc(struct pn_tcp_conn *c, struct iovec *iov, int max)
{
	ssize_t n;

	RTE_SET_USED(max);
	if (c->rq_len == 0) {
		struct iovec none = { .iov_base = NULL, .iov_len = 0 };

		n = fake_recv(c, &none, 0, 0);
		return (int)n;
	}
	iov[0].iov_base = c->rq;
	iov[0].iov_len = c->rq_len;
	c->zc_out = c->rq_len;
	return 1;
}

static void
fake_recv_zc_done(struct pn_tcp_conn *c, size_t bytes)
{
	bytes = RTE_MIN(bytes, c->rq_len);
	memmove(c->rq, c->rq + bytes, c->rq_len - bytes);
	c->rq_len -= bytes;
	c->zc_out = 0;
}

static uint32_t
fake_readable(const struct pn_tcp_conn *c)
{
	return (uint32_t)c->rq_len;
}

/* Nothing to read: no byte, and the mask shows no read bit. */
static bool
fake_unreadable(struct pn_tcp_conn *c)
{
	return c->rq_len == 0 &&
	       !(fake_poll(c) & (EPOLLIN | EPOLLRDNORM | EPOLLPRI | EPOLLERR |
				 EPOLLHUP | EPOLLRDHUP));
}

/* The fake carries no urgent data: never at the mark. */
static int
fake_atmark(const struct pn_tcp_conn *c)
{
	RTE_SET_USED(c);
	return 0;
}

static uint32_t
fake_send_space(const struct pn_tcp_conn *c)
{
	return (uint32_t)(conn_sndbuf(c) > c->sq_len ?
				  conn_sndbuf(c) - c->sq_len : 0);
}

/* Linux tcp_poll(). */
static uint32_t
fake_poll(struct pn_tcp_conn *c)
{
	uint32_t m = 0;
	size_t space = fake_send_space(c);

	if ((c->rd_shut && c->wr_shut) || c->state == PN_TCP_CLOSED)
		m |= EPOLLHUP;
	if (c->rd_shut)
		m |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (c->state != PN_TCP_SYN_SENT && c->state != PN_TCP_SYN_RECEIVED) {
		if (c->rq_len > 0 &&
		    c->rq_len >= (size_t)RTE_MAX(c->opt[PN_TCP_OPT_RCVLOWAT], 1))
			m |= EPOLLIN | EPOLLRDNORM;
		if (c->wr_shut || space >= c->sq_len / 2 + (space == 0))
			m |= EPOLLOUT | EPOLLWRNORM;
	}
	if (c->err != 0)
		m |= EPOLLERR;
	return m;
}

static void
fake_set_nospace(struct pn_tcp_conn *c)
{
	c->nospace = true;
}

static int
fake_error(struct pn_tcp_conn *c)
{
	int e = c->err;

	c->err = 0;
	return e;
}

static int
fake_shutdown(struct pn_tcp_conn *c, int how)
{
	if (c->state == PN_TCP_CLOSED || c->state == PN_TCP_SYN_SENT)
		return -ENOTCONN;
	if (how == SHUT_RD || how == SHUT_RDWR)
		c->rd_shut = true;
	if ((how == SHUT_WR || how == SHUT_RDWR) && !c->wr_shut) {
		c->wr_shut = true;
		c->fin_pending = true;
	}
	return 0;
}

static void
fake_abort(struct pn_tcp_conn *c)
{
	c->ctx = NULL;
	c->orphan = true;
	c->connecting = false;
	conn_rst_peer(c);
	c->state = PN_TCP_CLOSED;
}

static void
fake_close(struct pn_tcp_conn *c)
{
	if (c->rq_len > 0 || c->opt[PN_TCP_OPT_LINGER] == 0 ||
	    c->state == PN_TCP_SYN_SENT || c->state == PN_TCP_CLOSED) {
		fake_abort(c);
		return;
	}
	c->ctx = NULL;
	c->orphan = true;
	if (!c->wr_shut) {
		c->wr_shut = true;
		c->fin_pending = true;
	}
}

static int
fake_setopt(struct pn_tcp_conn *c, enum pn_tcp_opt opt, int64_t v)
{
	if ((unsigned int)opt > PN_TCP_OPT_USER_TIMEOUT)
		return -EINVAL;
	c->opt[opt] = v;
	return 0;
}

static int
fake_getopt(const struct pn_tcp_conn *c, enum pn_tcp_opt opt, int64_t *v)
{
	if ((unsigned int)opt > PN_TCP_OPT_USER_TIMEOUT)
		return -EINVAL;
	*v = c->opt[opt];
	return 0;
}

static void
fake_info(const struct pn_tcp_conn *c, struct pn_tcp_info *info)
{
	memset(info, 0, sizeof(*info));
	info->state = (uint8_t)c->state;
	info->snd_mss = c->opt[PN_TCP_OPT_MAXSEG] ?
				(uint32_t)c->opt[PN_TCP_OPT_MAXSEG] : 1460;
	info->rcv_mss = 1460;
	info->snd_cwnd = 10;
}

static void
fake_addrs(const struct pn_tcp_conn *c, uint32_t *lip, uint16_t *lport,
	   uint32_t *rip, uint16_t *rport)
{
	*lip = c->lip;
	*lport = c->lport;
	*rip = c->rip;
	*rport = c->rport;
}

/* The fake's host: 198.18.0.1-254 on a /24 (.255 its broadcast). */
static bool
fake_addr_bindable(const struct pn_tcp *t, uint32_t ip)
{
	(void)t;
	return ip == 0 || ip >> 28 == 0xe || ip == UINT32_MAX ||
	       (ip >> 8 == (198u << 16 | 18u << 8) && (ip & 0xff) != 0);
}

const struct pn_sock_tcp_ops fake_tcp_ops = {
	.listen = fake_listen,
	.listen_backlog = fake_listen_backlog,
	.accept = fake_accept,
	.listen_poll = fake_listen_poll,
	.listen_close = fake_listen_close,
	.connect = fake_connect,
	.connect_start = fake_connect_start,
	.listen_setopt = fake_listen_setopt,
	.send = fake_send,
	.send_mbuf = fake_send_mbuf,
	.recv = fake_recv,
	.recv_zc = fake_recv_zc,
	.recv_zc_done = fake_recv_zc_done,
	.readable = fake_readable,
	.unreadable = fake_unreadable,
	.atmark = fake_atmark,
	.send_space = fake_send_space,
	.poll = fake_poll,
	.set_nospace = fake_set_nospace,
	.error = fake_error,
	.shutdown = fake_shutdown,
	.close = fake_close,
	.abort = fake_abort,
	.setopt = fake_setopt,
	.getopt = fake_getopt,
	.info = fake_info,
	.addrs = fake_addrs,
	.addr_bindable = fake_addr_bindable,
};
