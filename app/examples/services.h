/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_EXAMPLES_SERVICES_H
#define PN_EXAMPLES_SERVICES_H

/*
 * TCP services written against pollnet's socket and epoll API, shared by
 * the examples (echo.c, http.c, also built against Linux with -DPN_LINUX)
 * and pollnetd's built-in services: echo (RFC 862), discard (RFC 863) and
 * a minimal HTTP/1.1 responder (fixed body, keep-alive, Connection: close).
 * One event loop per lcore, one SO_REUSEPORT listener per service on it.
 *
 * Include after the pn_* declarations (compat.h or <pollnet/pollnet.h>).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SVC_MAX_EVENTS 256
#define SVC_REQ_MAX    4096

enum svc_kind { SVC_ECHO, SVC_DISCARD, SVC_HTTP, SVC__MAX };

struct svc_conf {
	bool on[SVC__MAX];
	uint16_t port[SVC__MAX];
	const char *http_body;   /**< HTTP response body */
	size_t http_body_len;
	const char *server_name; /**< HTTP Server: header */
	/** Polled between waits; the loop returns 0 when it says true. */
	bool (*stop)(void *arg);
	void *stop_arg;
};

/* One accepted connection (or, with fd < 0 and kind set, a listener). */
struct svc_conn {
	int fd;
	enum svc_kind kind;
	bool listener;
	struct svc_conn *prev, *next; /**< accepted ones, for the stop */
	size_t len;
	char req[]; /**< HTTP only: SVC_REQ_MAX bytes of request */
};

static inline int
svc_listener(uint16_t port, int backlog)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int one = 1, fd;

	fd = pn_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	pn_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	pn_setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (pn_bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    pn_listen(fd, backlog) < 0) {
		pn_close(fd);
		return -1;
	}
	return fd;
}

/* Echo what can be read; 0 to keep the connection, -1 to close it. */
static inline int
svc_echo(int fd)
{
	char buf[16384];
	ssize_t n, w, off;

	for (;;) {
		n = pn_read(fd, buf, sizeof(buf));
		if (n == 0)
			return -1;
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		for (off = 0; off < n; off += w) {
			w = pn_send(fd, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
			if (w < 0)
				return -1; /* a slow reader: a real server would queue */
		}
	}
}

/* Read and drop everything; 0 to keep the connection, -1 to close it. */
static inline int
svc_discard(int fd)
{
	char buf[16384];
	ssize_t n;

	for (;;) {
		n = pn_read(fd, buf, sizeof(buf));
		if (n == 0)
			return -1;
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
	}
}

/* Does the request head [req, end) carry "Connection: close"? */
static inline bool
svc_http_wants_close(const char *req, const char *end)
{
	const char *p = req;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t l = (size_t)((eol ? eol : end) - p);

		if (l > 11 && strncasecmp(p, "Connection:", 11) == 0) {
			const char *v = p + 11;

			while (v < p + l && (*v == ' ' || *v == '\t'))
				v++;
			if ((size_t)(p + l - v) >= 5 && strncasecmp(v, "close", 5) == 0)
				return true;
		}
		if (eol == NULL)
			break;
		p = eol + 1;
	}
	return false;
}

/* The response, whole, with and without "Connection: close". */
struct svc_http_resp {
	char *buf[2];
	size_t len[2];
};

static inline int
svc_http_resp_build(struct svc_http_resp *r, const struct svc_conf *sc)
{
	int i, hl;

	for (i = 0; i < 2; i++) {
		char head[256];

		hl = snprintf(head, sizeof(head),
			      "HTTP/1.1 200 OK\r\n"
			      "Server: %s\r\n"
			      "Content-Type: text/plain\r\n"
			      "Content-Length: %zu\r\n"
			      "%s"
			      "\r\n",
			      sc->server_name, sc->http_body_len,
			      i ? "Connection: close\r\n" : "");
		if (hl < 0 || (size_t)hl >= sizeof(head))
			return -1;
		r->len[i] = (size_t)hl + sc->http_body_len;
		r->buf[i] = malloc(r->len[i]);
		if (r->buf[i] == NULL)
			return -1;
		memcpy(r->buf[i], head, (size_t)hl);
		if (sc->http_body_len)
			memcpy(r->buf[i] + hl, sc->http_body, sc->http_body_len);
	}
	return 0;
}

/* Answer every complete request read so far. @return -1 to close. */
static inline int
svc_http(struct svc_conn *c, const struct svc_http_resp *r)
{
	ssize_t n;
	char *end;

	for (;;) {
		n = pn_read(c->fd, c->req + c->len, SVC_REQ_MAX - c->len - 1);
		if (n == 0)
			return -1;
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		c->len += (size_t)n;
		c->req[c->len] = '\0';
		while ((end = strstr(c->req, "\r\n\r\n")) != NULL) {
			size_t used = (size_t)(end + 4 - c->req);
			bool close = svc_http_wants_close(c->req, end);

			if (pn_send(c->fd, r->buf[close], r->len[close],
				    MSG_NOSIGNAL) != (ssize_t)r->len[close] || close)
				return -1; /* a slow reader: a real server would queue */
			memmove(c->req, c->req + used, c->len - used + 1);
			c->len -= used;
		}
		if (c->len >= SVC_REQ_MAX - 1)
			return -1;
	}
}

static inline struct svc_conn *
svc_conn_new(int fd, enum svc_kind kind, bool listener)
{
	struct svc_conn *c = calloc(1, sizeof(*c) +
				       (kind == SVC_HTTP && !listener ? SVC_REQ_MAX : 0));

	if (c != NULL) {
		c->fd = fd;
		c->kind = kind;
		c->listener = listener;
	}
	return c;
}

/* Close (which takes the fd out of the epoll instance) and free. */
static inline void
svc_conn_close(struct svc_conn **list, struct svc_conn *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else if (list != NULL && *list == c)
		*list = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	pn_close(c->fd);
	free(c);
}

/*
 * The event loop of one lcore: a listener per enabled service, then
 * accept and serve until sc->stop says so (never, without one).
 * @return 0 when stopped, 1 on a set-up or epoll error (printed).
 */
static inline int
svc_serve(const struct svc_conf *sc)
{
	static const char *const names[SVC__MAX] = { "echo", "discard", "http" };
	struct svc_conn *ls[SVC__MAX] = { NULL }, *conns = NULL;
	struct svc_http_resp resp = { { NULL, NULL }, { 0, 0 } };
	struct epoll_event ev, evs[SVC_MAX_EVENTS];
	int ep, n, i, fd, k, rc = 0;

	if (sc->on[SVC_HTTP] && svc_http_resp_build(&resp, sc) < 0) {
		fprintf(stderr, "services: http: no memory for the response\n");
		rc = 1;
		goto out_resp;
	}
	ep = pn_epoll_create1(0);
	if (ep < 0) {
		perror("services: epoll_create1");
		rc = 1;
		goto out_resp;
	}
	for (k = 0; k < SVC__MAX; k++) {
		if (!sc->on[k])
			continue;
		fd = svc_listener(sc->port[k], 4096);
		if (fd < 0 || (ls[k] = svc_conn_new(fd, (enum svc_kind)k, true)) == NULL) {
			fprintf(stderr, "services: %s listener on port %u: %s\n",
				names[k], sc->port[k], strerror(errno));
			if (fd >= 0)
				pn_close(fd);
			rc = 1;
			goto out;
		}
		ev.events = EPOLLIN;
		ev.data.ptr = ls[k];
		pn_epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	}
	/* pn_lcore_stop() ends a blocked pn_epoll_wait with EINTR. */
	while (sc->stop == NULL || !sc->stop(sc->stop_arg)) {
		n = pn_epoll_wait(ep, evs, SVC_MAX_EVENTS, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("services: epoll_wait");
			rc = 1;
			break;
		}
		for (i = 0; i < n; i++) {
			struct svc_conn *c = evs[i].data.ptr;

			if (c->listener) {
				while ((fd = pn_accept4(c->fd, NULL, NULL,
							SOCK_NONBLOCK)) >= 0) {
					struct svc_conn *a = svc_conn_new(fd, c->kind, false);

					if (a == NULL) {
						pn_close(fd);
						continue;
					}
					/* echo and discard drain to EAGAIN: edge
					 * triggered; http level triggered */
					ev.events = EPOLLIN | EPOLLRDHUP |
						    (c->kind == SVC_HTTP ? 0 : EPOLLET);
					ev.data.ptr = a;
					pn_epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
					a->next = conns;
					if (conns != NULL)
						conns->prev = a;
					conns = a;
				}
				continue;
			}
			switch (c->kind) {
			case SVC_ECHO:
				k = svc_echo(c->fd);
				break;
			case SVC_DISCARD:
				k = svc_discard(c->fd);
				break;
			default:
				k = svc_http(c, &resp);
				break;
			}
			if (k < 0 || (evs[i].events & (EPOLLHUP | EPOLLERR)))
				svc_conn_close(&conns, c);
		}
	}
out:
	while (conns != NULL)
		svc_conn_close(&conns, conns);
	for (k = 0; k < SVC__MAX; k++)
		if (ls[k] != NULL)
			svc_conn_close(NULL, ls[k]);
	pn_close(ep);
out_resp:
	free(resp.buf[0]);
	free(resp.buf[1]);
	return rc;
}

#endif /* PN_EXAMPLES_SERVICES_H */
