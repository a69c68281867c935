/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The event loop of one thread (Linux) or lcore (pollnet), for every TCP
 * engine and both roles: non-blocking sockets, level-triggered epoll,
 * one struct tb_conn per connection.
 *   tcp-rr     client: --depth requests of --req-size in flight per
 *              connection; a response of --resp-size answers each.
 *   tcp-crr    client: connect, one request, its response, close; again.
 *   tcp-stream the sender writes --req-size chunks for ever, the other
 *              side reads (--direction says who sends).
 *   http       client: keep-alive GET --path, --depth pipelined.
 * The rr/crr server answers every --req-size bytes read with --resp-size
 * bytes; the stream server reads or writes.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bench.h"
#include "tcp.h"

#define TB_EVENTS    256
#define TB_READ_BUF  65536
#define TB_TICK_NS   10000000ull /* retry failed connects this often */
#define TB_BACKLOG   4096
/* Client: connects in flight at most (the rest wait their turn): 4096
 * SYNs at once overflow a neighbour's ARP queue (ours 128, Linux
 * unres_qlen 101) and a virtio ring, and the retransmissions come back
 * as one wave a second later; the handshakes then pace the opening. */
#define TB_CONNECTING_MAX 128

enum tb_cstate { C_IDLE, C_CONNECTING, C_OPEN };

struct tb_conn {
	int fd;
	uint8_t state;
	bool want_out;           /**< EPOLLOUT in the interest set */
	bool close_after;        /**< http: the response said Connection: close */
	uint32_t in_have;        /**< bytes of the current message received */
	uint64_t out_pending;    /**< bytes still to write */
	uint32_t out_off;        /**< where in the thread's pattern to go on */
	uint32_t inflight;       /**< client: requests not answered yet */
	uint32_t ts_head;        /**< client: oldest send time in ts[] */
	bool paced;              /**< tcp-rr --rate: a request waits for next_ns */
	uint64_t next_ns;        /**< tcp-rr --rate: when the next may go */
	uint64_t body_left;      /**< http: body bytes of this response left */
	uint32_t head_len;       /**< http: bytes in head[] */
	int status;              /**< http: status of the response being read */
	char *head;              /**< http: TB_HTTP_HEAD bytes */
	struct tb_conn *prev, *next; /**< server: accepted connections; free */
	/* last: 2 KB never read before written, so never zeroed (tcp-crr
	 * zeroed it per connection: 2.6k instructions) */
	uint64_t ts[TB_MAX_DEPTH];
};

#define TB_NS_PER_S 1000000000ull

/* Server connections: a bounded per-thread free list instead of malloc
 * and free per accepted connection. */
#define TB_CONN_CACHE 256

static struct tb_conn *
srv_conn_get(struct tb_thread *t)
{
	struct tb_conn *c = t->conn_free;

	if (c != NULL) {
		t->conn_free = c->next;
		t->nconn_free--;
	} else if ((c = malloc(sizeof(*c))) == NULL) {
		return NULL;
	}
	memset(c, 0, offsetof(struct tb_conn, ts));
	return c;
}

static void
srv_conn_put(struct tb_thread *t, struct tb_conn *c)
{
	if (t->nconn_free >= TB_CONN_CACHE) {
		free(c);
		return;
	}
	c->next = t->conn_free;
	t->conn_free = c;
	t->nconn_free++;
}

/* Written from, never changed: the payload of requests, responses, streams. */
static const char tb_zeros[TB_READ_BUF];

const char *const tb_counter_names[TB_NCOUNTERS] = {
#define TB_NAME(f) #f,
	TB_COUNTERS(TB_NAME)
#undef TB_NAME
};

uint64_t
tb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool
tb_stopping(const struct tb_thread *t)
{
	return atomic_load_explicit(&t->ctx->phase, memory_order_relaxed) == TB_STOP;
}

static int
conn_interest(struct tb_thread *t, struct tb_conn *c, int op)
{
	struct epoll_event ev = {
		.events = EPOLLIN | EPOLLRDHUP | (c->want_out ? EPOLLOUT : 0),
		.data.ptr = c,
	};

	return t->ops->epoll_ctl(t->ep, op, c->fd, &ev);
}

static void
conn_want_out(struct tb_thread *t, struct tb_conn *c, bool on)
{
	if (c->want_out == on)
		return;
	c->want_out = on;
	conn_interest(t, c, EPOLL_CTL_MOD);
}

static void
conn_reset_io(struct tb_conn *c)
{
	c->want_out = false;
	c->close_after = false;
	c->in_have = 0;
	c->out_pending = 0;
	c->out_off = 0;
	c->inflight = 0;
	c->ts_head = 0;
	c->body_left = 0;
	c->head_len = 0;
	c->status = 0;
	c->paced = false;	/* t->npaced is recounted by paced_send */
}

/* Close; a client connection goes back to IDLE (reopened later). */
static void
conn_close(struct tb_thread *t, struct tb_conn *c)
{
	const struct tb_conf *tc = t->ctx->tc;

	if (tc->linger0) {
		struct linger l = { .l_onoff = 1, .l_linger = 0 };

		t->ops->setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	t->ops->close(c->fd);
	c->fd = -1;
	if (c->state == C_OPEN)
		TB_ADD(t, conns_closed, 1);
	if (tc->role == TB_SERVER) {
		if (c->prev != NULL)
			c->prev->next = c->next;
		else
			t->srv = c->next;
		if (c->next != NULL)
			c->next->prev = c->prev;
		srv_conn_put(t, c);
		return;
	}
	c->state = C_IDLE;
	conn_reset_io(c);
	t->nidle++;
}

/* Write what is pending. @return 0, or -1 when the connection failed. */
static int
conn_flush(struct tb_thread *t, struct tb_conn *c)
{
	while (c->out_pending > 0) {
		size_t len = t->pat_len - c->out_off;
		ssize_t w;

		if (len > c->out_pending)
			len = (size_t)c->out_pending;
		if (len > t->wchunk)
			len = t->wchunk;
		w = t->ops->send(c->fd, t->pat + c->out_off, len, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				conn_want_out(t, c, true);
				return 0;
			}
			TB_ADD(t, io_errors, 1);
			return -1;
		}
		TB_ADD(t, tx_bytes, (uint64_t)w);
		c->out_pending -= (uint64_t)w;
		c->out_off = (uint32_t)((c->out_off + (size_t)w) % t->pat_len);
	}
	conn_want_out(t, c, false);
	return 0;
}

/* Client: queue one request (its send time starts its latency). */
static void
conn_request(struct tb_thread *t, struct tb_conn *c, uint64_t now)
{
	const struct tb_conf *tc = t->ctx->tc;

	c->ts[(c->ts_head + c->inflight) % TB_MAX_DEPTH] = now;
	c->inflight++;
	c->out_pending += tc->kind == TB_HTTP ? t->pat_len : tc->req_size;
}

/* Client: the oldest request was answered. */
static void
conn_answered(struct tb_thread *t, struct tb_conn *c, uint64_t now)
{
	uint64_t t0 = c->ts[c->ts_head];

	c->ts_head = (c->ts_head + 1) % TB_MAX_DEPTH;
	c->inflight--;
	TB_ADD(t, transactions, 1);
	if (t->measuring)
		tb_hist_record(&t->hist, now - t0);
}

/* Client: the connection is up; start its work. */
static int
conn_start(struct tb_thread *t, struct tb_conn *c)
{
	const struct tb_conf *tc = t->ctx->tc;
	uint64_t now = tb_now_ns();
	uint32_t i, n;

	c->state = C_OPEN;
	TB_ADD(t, conns_opened, 1);
	switch (tc->kind) {
	case TB_STREAM:
		c->out_pending = tc->s2c ? 0 : UINT64_MAX;
		break;
	case TB_CRR:
		conn_request(t, c, c->ts[0]); /* latency from the connect */
		break;
	default:
		n = tc->depth;
		for (i = 0; i < n; i++)
			conn_request(t, c, now);
		break;
	}
	return conn_flush(t, c);
}

/* Client: open (or reopen) connection @p c. */
static void
conn_open(struct tb_thread *t, struct tb_conn *c)
{
	const struct tb_conf *tc = t->ctx->tc;
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(tc->port),
		.sin_addr.s_addr = htonl(tc->ip),
	};
	int one = 1, rc;

	conn_reset_io(c);
	c->fd = t->ops->socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		goto err;
	t->ops->setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->ts[0] = tb_now_ns();
	rc = t->ops->connect(c->fd, (struct sockaddr *)&sin, sizeof(sin));
	if (rc < 0 && errno != EINPROGRESS) {
		t->ops->close(c->fd);
		goto err;
	}
	c->state = C_CONNECTING;
	c->want_out = true;
	if (conn_interest(t, c, EPOLL_CTL_ADD) < 0) {
		t->ops->close(c->fd);
		goto err;
	}
	t->nconnecting++;
	return;
err:
	if (!t->ctx->quiet && atomic_load_explicit(&t->c.connect_errors,
						    memory_order_relaxed) == 0)
		fprintf(stderr, BENCH_PROG ": connect to port %u: %s (retrying "
			"every 10 ms)\n", tc->port, strerror(errno));
	TB_ADD(t, connect_errors, 1);
	c->fd = -1;
	c->state = C_IDLE;
	t->nidle++;
}

/* Server: --req-size bytes make a request; answer each. */
static int
srv_rx(struct tb_thread *t, struct tb_conn *c, size_t n)
{
	const struct tb_conf *tc = t->ctx->tc;
	uint64_t k;

	if (tc->kind == TB_STREAM)
		return 0;
	c->in_have += (uint32_t)n;
	k = c->in_have / tc->req_size;
	c->in_have %= tc->req_size;
	if (k == 0)
		return 0;
	TB_ADD(t, transactions, k);
	c->out_pending += k * tc->resp_size;
	return conn_flush(t, c);
}

/* Client of tcp-rr/tcp-crr: every --resp-size bytes answer a request. */
static int
rr_rx(struct tb_thread *t, struct tb_conn *c, size_t n, uint64_t now)
{
	const struct tb_conf *tc = t->ctx->tc;

	c->in_have += (uint32_t)n;
	while (c->in_have >= tc->resp_size && c->inflight > 0) {
		c->in_have -= tc->resp_size;
		conn_answered(t, c, now);
		if (tc->kind == TB_CRR) {
			conn_close(t, c);
			return 1; /* reopened by the caller */
		}
		if (tb_stopping(t))
			continue;
		if (tc->rr_rate == 0) {
			conn_request(t, c, now);
			continue;
		}
		/* paced: 1/rate after the last one, never a burst to
		 * catch up; paced_send sends it */
		c->next_ns = RTE_MAX(c->next_ns + TB_NS_PER_S / tc->rr_rate,
				     now);
		if (!c->paced)
			t->npaced++;
		c->paced = true;
	}
	return conn_flush(t, c);
}

/*
 * tcp-rr --rate: send the requests whose time has come. The loop polls
 * (epoll_wait timeout 0) while one waits: pn_epoll_wait cannot sleep
 * less than 1 ms. A light, regular load for the server to be measured
 * at; the client's own CPU is not the point.
 */
static void
paced_send(struct tb_thread *t)
{
	uint64_t now = tb_now_ns();
	uint32_t i, n = 0;

	for (i = 0; i < t->nconns; i++) {
		struct tb_conn *c = &t->conns[i];

		if (!c->paced)
			continue;
		if (c->fd < 0 || tb_stopping(t)) {
			c->paced = false;
			continue;
		}
		if (now < c->next_ns) {
			n++;
			continue;
		}
		c->paced = false;
		conn_request(t, c, now);
		if (conn_flush(t, c) < 0)
			conn_close(t, c);
	}
	t->npaced = n;
}

/* http: parse the status line and the headers we need. */
static int
http_head(struct tb_thread *t, struct tb_conn *c, const char *h, size_t len)
{
	const char *p = h, *end = h + len;
	bool have_len = false;

	if (len < 12 || strncmp(h, "HTTP/1.", 7) != 0 || h[8] != ' ')
		return -1;
	c->status = atoi(h + 9);
	c->body_left = 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t l = (size_t)((eol ? eol : end) - p);

		if (l > 15 && strncasecmp(p, "Content-Length:", 15) == 0) {
			c->body_left = strtoull(p + 15, NULL, 10);
			have_len = true;
		} else if (l > 18 && strncasecmp(p, "Transfer-Encoding:", 18) == 0) {
			return -1; /* chunked: not supported */
		} else if (l > 11 && strncasecmp(p, "Connection:", 11) == 0) {
			const char *v = p + 11;

			while (v < p + l && *v == ' ')
				v++;
			if (strncasecmp(v, "close", 5) == 0)
				c->close_after = true;
		}
		if (eol == NULL)
			break;
		p = eol + 1;
	}
	/* without a length only bodiless responses can be delimited */
	if (!have_len && !(c->status / 100 == 1 || c->status == 204 ||
			   c->status == 304))
		return -1;
	(void)t;
	return 0;
}

/* http: one response is complete. @return 1 when the connection closed. */
static int
http_done(struct tb_thread *t, struct tb_conn *c, uint64_t now)
{
	if (t->measuring) {
		if (c->status >= 100 && c->status < 600)
			t->status[c->status]++;
		else
			t->status_other++;
	}
	conn_answered(t, c, now);
	if (c->close_after) {
		conn_close(t, c);
		return 1;
	}
	if (!tb_stopping(t))
		conn_request(t, c, now);
	return 0;
}

/* http client: responses. @return 0, 1 (closed, reopen) or -1 (failed). */
static int
http_rx(struct tb_thread *t, struct tb_conn *c, const char *p, size_t n,
	uint64_t now)
{
	while (n > 0) {
		size_t take, old = c->head_len, scan;
		char *e;

		if (c->body_left > 0) {
			take = n < c->body_left ? n : (size_t)c->body_left;
			c->body_left -= take;
			p += take;
			n -= take;
			if (c->body_left == 0 && http_done(t, c, now))
				return 1;
			continue;
		}
		take = TB_HTTP_HEAD - 1 - old;
		if (take > n)
			take = n;
		memcpy(c->head + old, p, take);
		c->head_len += (uint32_t)take;
		c->head[c->head_len] = '\0';
		scan = old > 3 ? old - 3 : 0;
		e = strstr(c->head + scan, "\r\n\r\n");
		if (e == NULL) {
			if (c->head_len >= TB_HTTP_HEAD - 1)
				goto bad;
			p += take;
			n -= take;
			continue;
		}
		take = (size_t)(e + 4 - c->head) - old; /* of this chunk */
		p += take;
		n -= take;
		if (http_head(t, c, c->head, (size_t)(e + 2 - c->head)) < 0)
			goto bad;
		c->head_len = 0;
		if (c->body_left == 0 && http_done(t, c, now))
			return 1;
	}
	return conn_flush(t, c);
bad:
	TB_ADD(t, http_bad, 1);
	return -1;
}

/* Readable: read to EAGAIN. @return 0, 1 (closed) or -1 (to close). */
static int
conn_rx(struct tb_thread *t, struct tb_conn *c)
{
	const struct tb_conf *tc = t->ctx->tc;
	static __thread char buf[TB_READ_BUF];
	ssize_t n;
	int rc = 0;

	for (;;) {
		n = t->ops->read(c->fd, buf, sizeof(buf));
		if (n == 0) {
			if (tc->role == TB_CLIENT && !tb_stopping(t))
				TB_ADD(t, eof_early, 1);
			return -1;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			/* A reset between two requests is how a client
			 * with --linger0 closes (tcp-crr): not an error. */
			if (errno == ECONNRESET && tc->role == TB_SERVER &&
			    c->in_have == 0 && c->out_pending == 0)
				return -1;
			if (!tb_stopping(t))
				TB_ADD(t, io_errors, 1);
			return -1;
		}
		TB_ADD(t, rx_bytes, (uint64_t)n);
		if (tc->role == TB_SERVER)
			rc = srv_rx(t, c, (size_t)n);
		else if (tc->kind == TB_HTTP)
			rc = http_rx(t, c, buf, (size_t)n, tb_now_ns());
		else if (tc->kind != TB_STREAM)
			rc = rr_rx(t, c, (size_t)n, tb_now_ns());
		if (rc != 0)
			return rc;
	}
}

/* Client: open idle connections (not yet opened, or closed on an error),
 * TB_CONNECTING_MAX connects in flight at most; one pass from where the
 * last one stopped. */
static void
reopen_idle(struct tb_thread *t)
{
	uint32_t k, i = t->open_next;

	for (k = 0; k < t->nconns && t->nidle > 0 &&
		    t->nconnecting < TB_CONNECTING_MAX; k++) {
		i = (t->open_next + k) % t->nconns;
		if (t->conns[i].state == C_IDLE) {
			t->nidle--;
			conn_open(t, &t->conns[i]);
		}
	}
	t->open_next = (i + 1) % t->nconns;
}

static void
conn_event(struct tb_thread *t, struct tb_conn *c, uint32_t ev)
{
	int rc = 0;

	if (c->state == C_CONNECTING) {
		int err = 0;
		socklen_t l = sizeof(err);

		if (t->ops->getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
			err = errno;
		if (err == 0 && (ev & (EPOLLERR | EPOLLHUP)))
			err = ECONNABORTED; /* failed without saying why */
		if (err == 0 && !(ev & (EPOLLOUT | EPOLLIN)))
			return;
		t->nconnecting--;
		if (err != 0) {
			TB_ADD(t, connect_errors, 1);
			conn_close(t, c);
			return;
		}
		rc = conn_start(t, c);
		if (t->nidle > 0 && !tb_stopping(t))
			reopen_idle(t); /* the next one's turn */
	} else {
		if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
			rc = conn_rx(t, c);
		if (rc == 0 && (ev & EPOLLOUT))
			rc = conn_flush(t, c);
	}
	if (rc < 0)
		conn_close(t, c); /* reopened at the next tick */
	else if (rc > 0 && t->ctx->tc->role == TB_CLIENT && !tb_stopping(t)) {
		t->nidle--;
		conn_open(t, c); /* closed as planned: the next cycle at once */
	}
}

static void
srv_accept(struct tb_thread *t)
{
	const struct tb_conf *tc = t->ctx->tc;
	int fd, one = 1;

	while ((fd = t->ops->accept4(t->lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		struct tb_conn *c = srv_conn_get(t);

		if (c == NULL) {
			t->ops->close(fd);
			TB_ADD(t, io_errors, 1);
			continue;
		}
		c->fd = fd;
		c->state = C_OPEN;
		t->ops->setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (tc->kind == TB_STREAM && tc->s2c) {
			c->out_pending = UINT64_MAX;
			c->want_out = true;
		}
		if (conn_interest(t, c, EPOLL_CTL_ADD) < 0) {
			t->ops->close(fd);
			srv_conn_put(t, c);
			TB_ADD(t, io_errors, 1);
			continue;
		}
		c->next = t->srv;
		if (t->srv != NULL)
			t->srv->prev = c;
		t->srv = c;
		TB_ADD(t, conns_accepted, 1);
	}
}

static int
srv_listen(struct tb_thread *t)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(t->ctx->tc->port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	int one = 1;

	t->lfd = t->ops->socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (t->lfd < 0)
		return -1;
	t->ops->setsockopt(t->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	t->ops->setsockopt(t->lfd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (t->ops->bind(t->lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    t->ops->listen(t->lfd, TB_BACKLOG) < 0 ||
	    t->ops->epoll_ctl(t->ep, EPOLL_CTL_ADD, t->lfd, &ev) < 0)
		return -1;
	return 0;
}

/* The payload pattern: zeros, or the http request text. */
static int
pattern_setup(struct tb_thread *t)
{
	const struct tb_conf *tc = t->ctx->tc;
	int n;

	t->pat = tb_zeros;
	t->pat_len = sizeof(tb_zeros);
	t->wchunk = tc->kind == TB_STREAM ? tc->req_size : sizeof(tb_zeros);
	if (tc->kind != TB_HTTP || tc->role != TB_CLIENT)
		return 0;
	n = snprintf(t->http_req, sizeof(t->http_req),
		     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: pollnet-bench\r\n\r\n",
		     tc->http_path, tc->host);
	if (n < 0 || (size_t)n >= sizeof(t->http_req))
		return -1;
	t->pat = t->http_req;
	t->pat_len = (size_t)n;
	t->wchunk = (size_t)n;
	return 0;
}

static int
thread_setup(struct tb_thread *t)
{
	const struct tb_conf *tc = t->ctx->tc;
	uint32_t i;

	tb_hist_reset(&t->hist);
	t->lfd = -1;
	if (pattern_setup(t) < 0) {
		fprintf(stderr, BENCH_PROG ": http: request too long (--path)\n");
		return -1;
	}
	t->ep = t->ops->epoll_create1(0);
	if (t->ep < 0) {
		perror(BENCH_PROG ": epoll_create1");
		return -1;
	}
	if (tc->role == TB_SERVER) {
		if (srv_listen(t) < 0) {
			fprintf(stderr, BENCH_PROG ": listen on port %u (%s): %s\n",
				tc->port, t->ops->name, strerror(errno));
			return -1;
		}
		return 0;
	}
	t->conns = calloc(t->nconns ? t->nconns : 1, sizeof(*t->conns));
	if (t->conns == NULL)
		return -1;
	for (i = 0; i < t->nconns; i++) {
		t->conns[i].fd = -1;
		if (tc->kind == TB_HTTP &&
		    (t->conns[i].head = malloc(TB_HTTP_HEAD)) == NULL)
			return -1;
	}
	/* every connection idle: reopen_idle opens them, paced */
	t->nidle = t->nconns;
	t->nconnecting = 0;
	t->open_next = 0;
	reopen_idle(t);
	return 0;
}

static void
thread_teardown(struct tb_thread *t)
{
	uint32_t i;

	for (i = 0; t->conns != NULL && i < t->nconns; i++) {
		if (t->conns[i].fd >= 0)
			t->ops->close(t->conns[i].fd);
		free(t->conns[i].head);
	}
	free(t->conns);
	t->conns = NULL;
	while (t->srv != NULL) {
		struct tb_conn *c = t->srv;

		t->srv = c->next;
		t->ops->close(c->fd);
		free(c);
	}
	while (t->conn_free != NULL) {
		struct tb_conn *c = t->conn_free;

		t->conn_free = c->next;
		free(c);
	}
	t->nconn_free = 0;
	if (t->lfd >= 0)
		t->ops->close(t->lfd);
	if (t->ep >= 0)
		t->ops->close(t->ep);
}

static void
begin_measure(struct tb_thread *t)
{
	tb_counters_get(&t->c, t->base);
	tb_hist_reset(&t->hist);
	memset(t->status, 0, sizeof(t->status));
	t->status_other = 0;
	t->measuring = true;
}

/*
 * Client, stopping: keep polling until every request sent is answered,
 * for TB_DRAIN_NS at most, so that closing resets no connection with an
 * answer still on its way (the server would see a request or an answer
 * cut off by the reset: an error on its side). No new request is sent
 * once stopping; a tcp-crr connection closes as its answer arrives.
 */
#define TB_DRAIN_NS (200 * 1000 * 1000ull)

static bool
client_draining(struct tb_thread *t)
{
	uint64_t now = tb_now_ns();
	uint32_t i;

	if (t->ctx->tc->role != TB_CLIENT || t->rc != 0)
		return false;
	if (t->drain_until == 0)
		t->drain_until = now + TB_DRAIN_NS;
	if (now >= t->drain_until)
		return false;
	for (i = 0; t->conns != NULL && i < t->nconns; i++)
		if (t->conns[i].fd >= 0 && t->conns[i].inflight > 0)
			return true;
	return false;
}

int
tb_thread_run(struct tb_thread *t)
{
	struct epoll_event evs[TB_EVENTS];
	int tmo = t->ctx->tc->busy_poll ? 0 : 10;
	uint64_t last_tick = tb_now_ns();
	int i, n, phase;

	t->ep = -1;
	if (t->ctx->tc->kind == TB_IDLE)
		return tb_idle_run(t);
	if (thread_setup(t) < 0) {
		t->rc = 1;
		atomic_store(&t->ctx->phase, TB_STOP);
	}
	atomic_fetch_add(&t->ctx->started, 1);
	while (t->rc == 0) {
		phase = atomic_load_explicit(&t->ctx->phase, memory_order_acquire);
		if (phase == TB_STOP && !client_draining(t))
			break;
		if (phase == TB_MEASURE && !t->measuring)
			begin_measure(t);
		n = t->ops->epoll_wait(t->ep, evs, TB_EVENTS,
				       t->npaced > 0 ? 0 : tmo);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror(BENCH_PROG ": epoll_wait");
			t->rc = 1;
			atomic_store(&t->ctx->phase, TB_STOP);
			break;
		}
		for (i = 0; i < n; i++) {
			if (evs[i].data.ptr == NULL)
				srv_accept(t);
			else
				conn_event(t, evs[i].data.ptr, evs[i].events);
		}
		if (t->npaced > 0)
			paced_send(t);
		if (t->nidle > 0 && tb_now_ns() - last_tick >= TB_TICK_NS) {
			last_tick = tb_now_ns();
			reopen_idle(t);
		}
	}
	thread_teardown(t);
	return t->rc;
}
