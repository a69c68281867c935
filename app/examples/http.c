/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * http: a minimal HTTP/1.1 server (keep-alive, fixed "hello" body) on port
 * 80 (or PN_HTTP_PORT), level-triggered epoll, one copy per lcore.
 *   pollnet: http <EAL args> -- [--addr A.B.C.D/N]
 *   Linux:   http-linux (built with -DPN_LINUX)
 * Try: curl http://198.18.0.2/ ; wrk -c 64 http://198.18.0.2/
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"

#define MAX_EVENTS 256
#define REQ_MAX 4096

static const char resp[] =
	"HTTP/1.1 200 OK\r\n"
	"Server: pollnet-example\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Length: 6\r\n"
	"\r\n"
	"hello\n";

struct conn {
	int fd;
	size_t len;
	char req[REQ_MAX];
};

static int
http_listener(uint16_t port)
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
	    pn_listen(fd, 4096) < 0) {
		pn_close(fd);
		return -1;
	}
	return fd;
}

/* Answer every complete request read so far. @return -1 to close. */
static int
http_conn(struct conn *c)
{
	ssize_t n;
	char *end;

	n = pn_read(c->fd, c->req + c->len, sizeof(c->req) - c->len - 1);
	if (n == 0)
		return -1;
	if (n < 0)
		return errno == EAGAIN ? 0 : -1;
	c->len += (size_t)n;
	c->req[c->len] = '\0';
	while ((end = strstr(c->req, "\r\n\r\n")) != NULL) {
		size_t used = (size_t)(end + 4 - c->req);

		if (pn_send(c->fd, resp, sizeof(resp) - 1, MSG_NOSIGNAL) < 0)
			return -1;
		memmove(c->req, c->req + used, c->len - used + 1);
		c->len -= used;
	}
	return c->len >= sizeof(c->req) - 1 ? -1 : 0;
}

static int
serve(void *arg)
{
	uint16_t port = (uint16_t)(uintptr_t)arg;
	struct epoll_event ev, evs[MAX_EVENTS];
	int ep, lfd, n, i, fd;

	ep = pn_epoll_create1(0);
	lfd = http_listener(port);
	if (ep < 0 || lfd < 0) {
		perror("http: set-up");
		return 1;
	}
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	pn_epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		n = pn_epoll_wait(ep, evs, MAX_EVENTS, -1);
		if (n < 0) {
			perror("http: epoll_wait");
			return 1;
		}
		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;

			if (c == NULL) {
				while ((fd = pn_accept4(lfd, NULL, NULL,
							SOCK_NONBLOCK)) >= 0) {
					c = calloc(1, sizeof(*c));
					if (c == NULL) {
						pn_close(fd);
						continue;
					}
					c->fd = fd;
					ev.events = EPOLLIN | EPOLLRDHUP;
					ev.data.ptr = c;
					pn_epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				}
				continue;
			}
			if (http_conn(c) < 0 ||
			    (evs[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
				pn_close(c->fd);
				free(c);
			}
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *p = getenv("PN_HTTP_PORT");
	uint16_t port = (uint16_t)(p != NULL ? atoi(p) : 80);
	int rc;

	if (pn_init(argc, argv) < 0) {
		perror("http: pn_init");
		return 1;
	}
	rc = pn_run(serve, (void *)(uintptr_t)port);
	pn_cleanup();
	return rc;
}
