/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Differential cases (diff.h): IP_TOS and SO_OOBINLINE as options, and
 * urgent data (MSG_OOB, SIOCATMARK, EPOLLPRI) over the real TCP (RFC 9293
 * 3.8.5, MUST-30..33, MUST-48). Included by test_socket.c.
 */
#include <sys/ioctl.h>

/* IP_TOS takes an int or one byte and clears the ECN bits for TCP;
 * SO_OOBINLINE is a boolean. */
static void
s_tos_oobinline_opts(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	unsigned char b = 0x2b;

	h_getint(c, fd, IPPROTO_IP, IP_TOS);
	h_setint(c, fd, IPPROTO_IP, IP_TOS, 0xb9);
	h_getint(c, fd, IPPROTO_IP, IP_TOS);
	RI(c, "IP_TOS one byte", A->setsockopt(fd, IPPROTO_IP, IP_TOS, &b, 1));
	h_getint(c, fd, IPPROTO_IP, IP_TOS);
	h_getint(c, fd, SOL_SOCKET, SO_OOBINLINE);
	h_setint(c, fd, SOL_SOCKET, SO_OOBINLINE, 5);
	h_getint(c, fd, SOL_SOCKET, SO_OOBINLINE);
	RI(c, "recv MSG_OOB unconnected", (int)A->recv(fd, &b, 1, MSG_OOB));
	A->close(fd);
}

/* An accepted socket takes its listener's IP_TOS and SO_OOBINLINE. */
static void
s_tos_oobinline_inherit(struct dctx *c)
{
	int l = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0)), srv;
	char b;

	h_setint(c, l, IPPROTO_IP, IP_TOS, 0x28);
	h_setint(c, l, SOL_SOCKET, SO_OOBINLINE, 1);
	h_listen_on(c, l);
	RI(c, "recv MSG_OOB listener", (int)A->recv(l, &b, 1, MSG_OOB));
	h_client(c, SOCK_NONBLOCK);
	A->pump();
	srv = RF(c, "accept", A->accept4(l, NULL, NULL, 0));
	h_getint(c, srv, IPPROTO_IP, IP_TOS);
	h_getint(c, srv, SOL_SOCKET, SO_OOBINLINE);
}

#ifdef PN_DIFF_REAL /* the fake TCP has no urgent data */
/* epoll_wait(0) on @p ep: the count and the first event's mask. */
static void
h_epoll_now(struct dctx *c, int ep, const char *tag)
{
	struct epoll_event ev[4];
	int n = A->epoll_wait(ep, ev, 4, 0);

	L(c, "%s: epoll n=%d events=%#x", tag, n, n > 0 ? ev[0].events : 0);
}

/* SIOCATMARK and FIONREAD (the out-of-band byte counts, as Linux). */
static void
h_atmark(struct dctx *c, int fd)
{
	int v = -1;

	RI(c, "SIOCATMARK", A->ioctl(fd, SIOCATMARK, &v));
	L(c, "at mark %d", v);
	RI(c, "FIONREAD", A->ioctl(fd, FIONREAD, &v));
	L(c, "readable %d", v);
}

/* "ab" then "cd" with MSG_OOB: reads stop at the mark ("abc"), 'd' comes
 * with MSG_OOB once, EPOLLPRI meanwhile; then the byte is skipped. */
static void
s_oob_byte(struct dctx *c)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLPRI };
	int cli, srv, ep;
	char buf[16] = { 0 };

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	RN(c, "recv MSG_OOB none", A->recv(srv, buf, 1, MSG_OOB));
	ep = RF(c, "epoll_create1", A->epoll_create1(0));
	ev.data.fd = srv;
	RI(c, "epoll_ctl", A->epoll_ctl(ep, EPOLL_CTL_ADD, srv, &ev));
	RN(c, "send", A->send(cli, "ab", 2, 0));
	RN(c, "send MSG_OOB", A->send(cli, "cd", 2, MSG_OOB));
	A->pump();
	h_epoll_now(c, ep, "urgent pending");
	h_atmark(c, srv);
	RN(c, "read", A->read(srv, buf, sizeof(buf)));
	L(c, "got %s", buf);
	h_atmark(c, srv);
	memset(buf, 0, sizeof(buf));
	RN(c, "recv MSG_OOB|MSG_PEEK", A->recv(srv, buf, 1, MSG_OOB | MSG_PEEK));
	RN(c, "recv MSG_OOB", A->recv(srv, buf, sizeof(buf), MSG_OOB));
	L(c, "got %s", buf);
	RN(c, "recv MSG_OOB again", A->recv(srv, buf, 1, MSG_OOB));
	h_epoll_now(c, ep, "urgent read");
	h_atmark(c, srv);
	RN(c, "send", A->send(cli, "ef", 2, 0));
	A->pump();
	/* data behind the mark makes the socket readable again */
	h_epoll_now(c, ep, "data after the mark");
	h_atmark(c, srv);
	memset(buf, 0, sizeof(buf));
	RN(c, "read", A->read(srv, buf, sizeof(buf)));
	L(c, "got %s", buf);
	h_atmark(c, srv);
	A->close(ep);
}

/* SO_OOBINLINE: the urgent byte stays in the stream, MSG_OOB is EINVAL,
 * reads still stop at the mark. */
static void
s_oob_inline(struct dctx *c)
{
	int cli, srv;
	char buf[16] = { 0 };

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_setint(c, srv, SOL_SOCKET, SO_OOBINLINE, 1);
	RN(c, "send", A->send(cli, "ab", 2, 0));
	RN(c, "send MSG_OOB", A->send(cli, "cd", 2, MSG_OOB));
	A->pump();
	RN(c, "recv MSG_OOB", A->recv(srv, buf, 1, MSG_OOB));
	RN(c, "read", A->read(srv, buf, sizeof(buf)));
	L(c, "got %s", buf);
	h_atmark(c, srv);
	memset(buf, 0, sizeof(buf));
	RN(c, "read", A->read(srv, buf, sizeof(buf)));
	L(c, "got %s", buf);
	h_atmark(c, srv);
}
#endif
