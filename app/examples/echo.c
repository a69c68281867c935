/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * echo: a TCP echo server on port 7 (or PN_ECHO_PORT), edge-triggered
 * epoll, one copy per lcore (each with its own SO_REUSEPORT listener).
 *   pollnet: echo <EAL args> -- [--addr A.B.C.D/N]
 *   Linux:   echo-linux (built with -DPN_LINUX)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"

#define MAX_EVENTS 64

static int
echo_listener(uint16_t port)
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
	    pn_listen(fd, 1024) < 0) {
		pn_close(fd);
		return -1;
	}
	return fd;
}

/* Echo what can be read; 0 to keep the connection, -1 to close it. */
static int
echo_conn(int fd)
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

static int
serve(void *arg)
{
	uint16_t port = (uint16_t)(uintptr_t)arg;
	struct epoll_event ev, evs[MAX_EVENTS];
	int ep, lfd, n, i, fd;

	ep = pn_epoll_create1(0);
	lfd = echo_listener(port);
	if (ep < 0 || lfd < 0) {
		perror("echo: set-up");
		return 1;
	}
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	pn_epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		n = pn_epoll_wait(ep, evs, MAX_EVENTS, -1);
		if (n < 0) {
			perror("echo: epoll_wait");
			return 1;
		}
		for (i = 0; i < n; i++) {
			if (evs[i].data.fd == lfd) {
				while ((fd = pn_accept4(lfd, NULL, NULL,
							SOCK_NONBLOCK)) >= 0) {
					ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
					ev.data.fd = fd;
					pn_epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				}
				continue;
			}
			if (echo_conn(evs[i].data.fd) < 0)
				pn_close(evs[i].data.fd);
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *p = getenv("PN_ECHO_PORT");
	uint16_t port = (uint16_t)(p != NULL ? atoi(p) : 7);
	int rc;

	if (pn_init(argc, argv) < 0) {
		perror("echo: pn_init");
		return 1;
	}
	rc = pn_run(serve, (void *)(uintptr_t)port);
	pn_cleanup();
	return rc;
}
