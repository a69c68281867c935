/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_EXAMPLES_SERVICES_H
#define PN_EXAMPLES_SERVICES_H

/*
 * TCP services written against pollnet's socket and epoll API, shared by
 * the examples (echo.c, http.c, also built against Linux with -DPN_LINUX)
 * and pollnetd's built-in services: echo (RFC 862), discard (RFC 863), an
 * HTTP/1.1 server (svc_http.h: a fixed body or files below a root,
 * keep-alive, Connection: close) and a TCP forwarder (svc_fwd.h).
 * One event loop per lcore, one SO_REUSEPORT listener per service on it.
 *
 * Include after the pn_* declarations (compat.h or <pollnet/pollnet.h>).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SVC_MAX_EVENTS 256

#ifdef PN_LINUX /* what compat.h does not map */
#define pn_connect connect
#define pn_shutdown shutdown
#define pn_getsockopt getsockopt
#endif

#include "svc_fwd.h"
#include "svc_http.h"

enum svc_kind { SVC_ECHO, SVC_DISCARD, SVC_HTTP, SVC_FORWARD, SVC__MAX };

struct svc_conf {
	bool on[SVC__MAX];
	uint16_t port[SVC__MAX];
	const char *http_body;   /**< HTTP response body */
	size_t http_body_len;
	const char *http_root;   /**< serve files below this directory; NULL: the body */
	const char *server_name; /**< HTTP Server: header */
	struct sockaddr_in forward_to; /**< the forwarder's backend */
	/** Polled between waits; the loop returns 0 when it says true. */
	bool (*stop)(void *arg);
	void *stop_arg;
};

/* One accepted connection (or a listener), on the list for the stop. */
struct svc_conn {
	int fd;
	enum svc_kind kind;
	bool listener;
	bool dead;                    /**< closed; freed after the event batch */
	uint32_t events;              /**< current epoll interest */
	struct svc_conn *prev, *next;
	struct svc_conn *pair;        /**< forwarder: the other side */
	struct svc_http_state *http;  /**< HTTP: request, output, body */
	struct svc_fwd_side *fwd;     /**< forwarder: this side's buffer */
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

static inline void
svc_conn_free(struct svc_conn *c)
{
	if (c != NULL) {
		free(c->http);
		free(c->fwd);
		free(c);
	}
}

static inline struct svc_conn *
svc_conn_new(int fd, enum svc_kind kind, bool listener)
{
	struct svc_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->fd = fd;
	c->kind = kind;
	c->listener = listener;
	if (!listener && kind == SVC_HTTP) {
		c->http = malloc(sizeof(*c->http));
		if (c->http != NULL)
			svc_http_state_init(c->http);
		else
			goto fail;
	} else if (!listener && kind == SVC_FORWARD) {
		c->fwd = malloc(sizeof(*c->fwd));
		if (c->fwd != NULL)
			svc_fwd_side_init(c->fwd, fd, false);
		else
			goto fail;
	}
	return c;
fail:
	free(c);
	return NULL;
}

static inline void
svc_conn_link(struct svc_conn **list, struct svc_conn *c)
{
	c->next = *list;
	if (*list != NULL)
		(*list)->prev = c;
	*list = c;
}

static inline void
svc_conn_unlink(struct svc_conn **list, struct svc_conn *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else if (list != NULL && *list == c)
		*list = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
}

/*
 * Close (which takes the fd out of the epoll instance; with @p reset, an
 * RST instead of a FIN) and move to the @p dead list, freed after the
 * event batch, which may still name it.
 */
static inline void
svc_conn_close(struct svc_conn **list, struct svc_conn **dead,
	       struct svc_conn *c, bool reset)
{
	static const struct linger rst = { 1, 0 };

	if (c->dead)
		return;
	svc_conn_unlink(list, c);
	if (reset)
		pn_setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
	pn_close(c->fd);
	if (c->http != NULL)
		svc_http_state_fini(c->http);
	c->dead = true;
	svc_conn_link(dead, c);
}

static inline void
svc_conn_free_all(struct svc_conn **list)
{
	struct svc_conn *c;

	while ((c = *list) != NULL) {
		*list = c->next;
		svc_conn_free(c);
	}
}

/* Set the epoll interest of @p c when it changed. */
static inline void
svc_conn_want(int ep, struct svc_conn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	if (c->events != events && pn_epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->events = events;
}

static inline int
svc_conn_add(int ep, struct svc_conn **list, struct svc_conn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	if (pn_epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) < 0)
		return -1;
	c->events = events;
	if (list != NULL)
		svc_conn_link(list, c);
	return 0;
}

/* A forwarded connection: client @p fd, a non-blocking connect to the
 * backend. On failure the client is reset. */
static inline void
svc_fwd_accept(int ep, struct svc_conn **list, struct svc_conn **dead,
	       const struct svc_conf *sc, int fd)
{
	static const struct linger rst = { 1, 0 };
	struct svc_conn *cl, *be = NULL;
	int bfd;

	cl = svc_conn_new(fd, SVC_FORWARD, false);
	bfd = pn_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (bfd >= 0)
		be = svc_conn_new(bfd, SVC_FORWARD, false);
	if (cl == NULL || be == NULL ||
	    (pn_connect(bfd, (const struct sockaddr *)&sc->forward_to,
			sizeof(sc->forward_to)) < 0 && errno != EINPROGRESS)) {
		pn_setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		pn_close(fd);
		if (bfd >= 0)
			pn_close(bfd);
		svc_conn_free(cl);
		svc_conn_free(be);
		return;
	}
	be->fwd->connecting = true;
	cl->fwd->peer = be->fwd;
	be->fwd->peer = cl->fwd;
	cl->pair = be;
	be->pair = cl;
	if (svc_conn_add(ep, list, cl, EPOLLIN) < 0) {
		pn_close(fd);
		pn_close(bfd);
		svc_conn_free(cl);
		svc_conn_free(be);
		return;
	}
	if (svc_conn_add(ep, list, be, EPOLLOUT) < 0) {
		svc_conn_close(list, dead, cl, true);
		pn_close(bfd);
		svc_conn_free(be);
	}
}

/* Events for one side of a forwarded connection. */
static inline void
svc_fwd_handle(int ep, struct svc_conn **list, struct svc_conn **dead,
	       struct svc_conn *c, uint32_t events)
{
	int k = svc_fwd_event(c->fwd, events);

	if (k != 0) {
		svc_conn_close(list, dead, c, k < 0);
		svc_conn_close(list, dead, c->pair, k < 0);
		return;
	}
	svc_conn_want(ep, c, svc_fwd_interest(c->fwd));
	svc_conn_want(ep, c->pair, svc_fwd_interest(c->pair->fwd));
}

/* Accept every pending connection of listener @p l. */
static inline void
svc_accept(int ep, struct svc_conn **list, struct svc_conn **dead,
	   const struct svc_conf *sc, struct svc_conn *l)
{
	struct svc_conn *a;
	int fd;

	while ((fd = pn_accept4(l->fd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		if (l->kind == SVC_FORWARD) {
			svc_fwd_accept(ep, list, dead, sc, fd);
			continue;
		}
		a = svc_conn_new(fd, l->kind, false);
		/* echo and discard drain to EAGAIN: edge triggered; http
		 * level triggered, EPOLLOUT while a response waits for room */
		if (a == NULL || svc_conn_add(ep, list, a, EPOLLIN | EPOLLRDHUP |
					      (l->kind == SVC_HTTP ? 0 : EPOLLET)) < 0) {
			pn_close(fd);
			svc_conn_free(a);
		}
	}
}

/*
 * The event loop of one lcore: a listener per enabled service, then
 * accept and serve until sc->stop says so (never, without one).
 * @return 0 when stopped, 1 on a set-up or epoll error (printed).
 */
static inline int
svc_serve(const struct svc_conf *sc)
{
	static const char *const names[SVC__MAX] = { "echo", "discard", "http",
						     "forward" };
	struct svc_conn *ls[SVC__MAX] = { NULL }, *conns = NULL, *dead = NULL;
	struct svc_http_site site = {
		.rootfd = -1, .body = sc->http_body, .body_len = sc->http_body_len,
		.server_name = sc->server_name,
	};
	struct epoll_event evs[SVC_MAX_EVENTS];
	int ep, n, i, fd, k, rc = 0;

	if (sc->on[SVC_HTTP] && sc->http_root != NULL && sc->http_root[0] &&
	    (site.rootfd = open(sc->http_root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "services: http_root %s: %s\n", sc->http_root,
			strerror(errno));
		return 1;
	}
	ep = pn_epoll_create1(0);
	if (ep < 0) {
		perror("services: epoll_create1");
		rc = 1;
		goto out_root;
	}
	for (k = 0; k < SVC__MAX; k++) {
		if (!sc->on[k])
			continue;
		fd = svc_listener(sc->port[k], 4096);
		if (fd < 0 || (ls[k] = svc_conn_new(fd, (enum svc_kind)k, true)) == NULL ||
		    svc_conn_add(ep, NULL, ls[k], EPOLLIN) < 0) {
			fprintf(stderr, "services: %s listener on port %u: %s\n",
				names[k], sc->port[k], strerror(errno));
			if (fd >= 0 && ls[k] == NULL)
				pn_close(fd);
			rc = 1;
			goto out;
		}
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
			uint32_t e = evs[i].events;

			if (c->dead)
				continue;
			if (c->listener) {
				svc_accept(ep, &conns, &dead, sc, c);
				continue;
			}
			switch (c->kind) {
			case SVC_ECHO:
				k = svc_echo(c->fd);
				break;
			case SVC_DISCARD:
				k = svc_discard(c->fd);
				break;
			case SVC_FORWARD:
				svc_fwd_handle(ep, &conns, &dead, c, e);
				continue;
			default:
				k = svc_http_io(c->fd, c->http, &site);
				if (k > 0)
					svc_conn_want(ep, c, k == EPOLLIN ?
						      EPOLLIN | EPOLLRDHUP : EPOLLOUT);
				break;
			}
			if (k < 0 || (e & (EPOLLHUP | EPOLLERR)))
				svc_conn_close(&conns, &dead, c, false);
		}
		svc_conn_free_all(&dead);
	}
out:
	while (conns != NULL)
		svc_conn_close(&conns, &dead, conns, false);
	for (k = 0; k < SVC__MAX; k++)
		if (ls[k] != NULL)
			svc_conn_close(NULL, &dead, ls[k], false);
	svc_conn_free_all(&dead);
	pn_close(ep);
out_root:
	if (site.rootfd >= 0)
		close(site.rootfd);
	return rc;
}

#endif /* PN_EXAMPLES_SERVICES_H */
