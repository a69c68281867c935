/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Differential socket tests: each case runs over Linux sockets on loopback
 * and over pollnet (one lcore, fake TCP), and the transcripts must match.
 * PN_DIFF_VERBOSE=1 prints every transcript.
 */
#include <signal.h>
#include <netinet/tcp.h>

#include "fake_tcp.c"
#include "diff_harness.c"

#define A (c->a)

static void
s_socket_flags(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
					     SOCK_CLOEXEC, 0));

	RI(c, "F_GETFL&O_NONBLOCK", A->fcntl(fd, F_GETFL, 0) & O_NONBLOCK);
	RI(c, "F_GETFD", A->fcntl(fd, F_GETFD, 0));
	fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
	RI(c, "F_GETFL", A->fcntl(fd, F_GETFL, 0));
	RI(c, "F_GETFD", A->fcntl(fd, F_GETFD, 0));
}

static void
s_socket_errors(struct dctx *c)
{
	RF(c, "domain 12345", A->socket(12345, SOCK_STREAM, 0));
	RF(c, "bad flag", A->socket(AF_INET, SOCK_STREAM | 0x100000, 0));
	RF(c, "type 15", A->socket(AF_INET, 15, 0));
	RF(c, "stream/udp", A->socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
}

static void
s_bad_fd(struct dctx *c)
{
	int b = A->bad_fd, v = 0;
	char buf[4];
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	saddr(&sin, A->srv_ip, 0);
	RI(c, "close", A->close(b));
	RI(c, "read", A->read(b, buf, 1));
	RI(c, "write", A->write(b, buf, 1));
	RI(c, "recv", A->recv(b, buf, 1, 0));
	RI(c, "send", A->send(b, buf, 1, MSG_NOSIGNAL));
	RI(c, "bind", A->bind(b, (struct sockaddr *)&sin, sizeof(sin)));
	RI(c, "listen", A->listen(b, 1));
	RI(c, "accept4", A->accept4(b, NULL, NULL, 0));
	RI(c, "connect", A->connect(b, (struct sockaddr *)&sin, sizeof(sin)));
	RI(c, "shutdown", A->shutdown(b, SHUT_RDWR));
	RI(c, "getsockname", A->getsockname(b, (struct sockaddr *)&sin, &len));
	RI(c, "getsockopt", A->getsockopt(b, SOL_SOCKET, SO_TYPE, &v,
					   &len));
	RI(c, "fcntl", A->fcntl(b, F_GETFL, 0));
	RI(c, "ioctl", A->ioctl(b, FIONREAD, &v));
}

static void
s_epfd_as_socket(struct dctx *c)
{
	int ep = RF(c, "epoll_create1", A->epoll_create1(0)), v = 1;
	char buf[4] = "abc";
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	saddr(&sin, A->srv_ip, 0);
	RI(c, "bind", A->bind(ep, (struct sockaddr *)&sin, sizeof(sin)));
	RI(c, "listen", A->listen(ep, 1));
	RI(c, "accept4", A->accept4(ep, NULL, NULL, 0));
	RI(c, "connect", A->connect(ep, (struct sockaddr *)&sin, sizeof(sin)));
	RI(c, "shutdown", A->shutdown(ep, SHUT_RDWR));
	RI(c, "getsockname", A->getsockname(ep, (struct sockaddr *)&sin, &len));
	RI(c, "getpeername", A->getpeername(ep, (struct sockaddr *)&sin, &len));
	RI(c, "setsockopt", A->setsockopt(ep, SOL_SOCKET, SO_KEEPALIVE, &v,
					   sizeof(v)));
	RI(c, "recv", A->recv(ep, buf, 1, 0));
	RI(c, "send", A->send(ep, buf, 1, MSG_NOSIGNAL));
	RI(c, "read", A->read(ep, buf, 1));
	RI(c, "write", A->write(ep, buf, 1));
	RI(c, "F_GETFL", A->fcntl(ep, F_GETFL, 0));
	RI(c, "close", A->close(ep));
}

static void
s_bind_twice(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	struct sockaddr_in sin;

	saddr(&sin, A->srv_ip, 0);
	RI(c, "bind", A->bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	RI(c, "bind again", A->bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
}

static void
s_bind_bad(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	struct sockaddr_in sin;

	saddr(&sin, A->srv_ip, 0);
	RI(c, "short", A->bind(fd, (struct sockaddr *)&sin, sizeof(sin) - 1));
	sin.sin_family = AF_INET6;
	RI(c, "family", A->bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	RI(c, "null", A->bind(fd, NULL, sizeof(sin)));
}

/* Linux __inet_bind: EADDRNOTAVAIL for an address not ours (checked
 * before the socket's state), but multicast and broadcast are taken */
static void
s_bind_nonlocal(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	int b = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	int m = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	struct sockaddr_in sin;

	saddr(&sin, htonl(0xc0000201), 0); /* 192.0.2.1, TEST-NET-1 */
	RI(c, "not ours", A->bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	saddr(&sin, A->srv_ip, 0);
	RI(c, "ours", A->bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	saddr(&sin, htonl(0xc0000201), 0);
	RI(c, "bound, not ours", A->bind(fd, (struct sockaddr *)&sin,
					 sizeof(sin)));
	saddr(&sin, htonl(0xe0000001), 0); /* 224.0.0.1 */
	RI(c, "multicast", A->bind(b, (struct sockaddr *)&sin, sizeof(sin)));
	RI(c, "listen multicast", A->listen(b, 1));
	saddr(&sin, htonl(INADDR_BROADCAST), 0);
	RI(c, "broadcast", A->bind(m, (struct sockaddr *)&sin, sizeof(sin)));
}

/* 127.0.0.0/8 is the stack's own (Linux lo; pollnet's loopback): a
 * listener on 127.0.0.1 hears a connect to it, from 127.0.0.1; another
 * 127 address has no listener: refused. */
static __rte_unused void
s_loopback_127(struct dctx *c)
{
	int l = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	int cli = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	int other = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0)), srv;
	struct sockaddr_in sin, name;
	socklen_t len = sizeof(sin);
	char buf[8];

	saddr(&sin, htonl(INADDR_LOOPBACK), 0);
	RI(c, "bind", A->bind(l, (struct sockaddr *)&sin, sizeof(sin)));
	RI(c, "listen", A->listen(l, 4));
	A->getsockname(l, (struct sockaddr *)&sin, &len);
	RI(c, "connect", A->connect(cli, (struct sockaddr *)&sin,
				    sizeof(sin)));
	srv = RF(c, "accept", A->accept4(l, NULL, NULL, 0));
	RN(c, "write", A->write(cli, "ping", 4));
	A->pump();
	RN(c, "read", A->read(srv, buf, sizeof(buf)));
	len = sizeof(name);
	RI(c, "getpeername", A->getpeername(srv, (struct sockaddr *)&name,
					    &len));
	L(c, "peer %08x", ntohl(name.sin_addr.s_addr));
	len = sizeof(name);
	RI(c, "getsockname", A->getsockname(cli, (struct sockaddr *)&name,
					    &len));
	L(c, "client %08x", ntohl(name.sin_addr.s_addr));
	sin.sin_addr.s_addr = htonl(0x7f000005);
	RI(c, "connect 127.0.0.5", A->connect(other, (struct sockaddr *)&sin,
					      sizeof(sin)));
}

static void
s_bind_inuse(struct dctx *c)
{
	int a = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	int b = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	saddr(&sin, A->srv_ip, 0);
	RI(c, "bind a", A->bind(a, (struct sockaddr *)&sin, sizeof(sin)));
	A->getsockname(a, (struct sockaddr *)&sin, &len);
	RI(c, "bind b", A->bind(b, (struct sockaddr *)&sin, sizeof(sin)));
}

static void
s_bind_reuseaddr(struct dctx *c)
{
	int a = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	int b = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	int d = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	h_setint(c, a, SOL_SOCKET, SO_REUSEADDR, 1);
	h_setint(c, b, SOL_SOCKET, SO_REUSEADDR, 1);
	h_setint(c, d, SOL_SOCKET, SO_REUSEADDR, 1);
	saddr(&sin, A->srv_ip, 0);
	RI(c, "bind a", A->bind(a, (struct sockaddr *)&sin, sizeof(sin)));
	A->getsockname(a, (struct sockaddr *)&sin, &len);
	RI(c, "bind b", A->bind(b, (struct sockaddr *)&sin, sizeof(sin)));
	RI(c, "listen a", A->listen(a, 4));
	RI(c, "bind d", A->bind(d, (struct sockaddr *)&sin, sizeof(sin)));
}

static void
s_bind_reuseport(struct dctx *c)
{
	int a = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	int b = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	h_setint(c, a, SOL_SOCKET, SO_REUSEPORT, 1);
	h_setint(c, b, SOL_SOCKET, SO_REUSEPORT, 1);
	h_getint(c, b, SOL_SOCKET, SO_REUSEPORT);
	saddr(&sin, A->srv_ip, 0);
	RI(c, "bind a", A->bind(a, (struct sockaddr *)&sin, sizeof(sin)));
	A->getsockname(a, (struct sockaddr *)&sin, &len);
	RI(c, "bind b", A->bind(b, (struct sockaddr *)&sin, sizeof(sin)));
}

static void
s_getsockname(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	memset(&sin, 0xff, sizeof(sin));
	RI(c, "getsockname", A->getsockname(fd, (struct sockaddr *)&sin, &len));
	L(c, "family=%d addr=%x port=%u len=%u", sin.sin_family,
	  sin.sin_addr.s_addr, sin.sin_port, (unsigned)len);
	saddr(&sin, A->srv_ip, 0);
	A->bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	len = sizeof(sin);
	RI(c, "getsockname", A->getsockname(fd, (struct sockaddr *)&sin, &len));
	L(c, "addr is srv %d, port set %d", sin.sin_addr.s_addr == A->srv_ip,
	  sin.sin_port != 0);
	len = 4;
	RI(c, "getsockname short", A->getsockname(fd, (struct sockaddr *)&sin,
						  &len));
	L(c, "len=%u", (unsigned)len);
}

static void
s_getpeername(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0)), cli, srv;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	RI(c, "unconnected", A->getpeername(fd, (struct sockaddr *)&sin, &len));
	h_pair(c, &cli, &srv, 0);
	RI(c, "client", A->getpeername(cli, (struct sockaddr *)&sin, &len));
	L(c, "peer is srv %d, port ok %d", sin.sin_addr.s_addr == A->srv_ip,
	  sin.sin_port == c->port);
	len = sizeof(sin);
	RI(c, "server", A->getpeername(srv, (struct sockaddr *)&sin, &len));
	L(c, "peer is cli %d", sin.sin_addr.s_addr == A->cli_ip);
	len = sizeof(sin);
	RI(c, "server name", A->getsockname(srv, (struct sockaddr *)&sin,
					     &len));
	L(c, "name is srv %d, port ok %d", sin.sin_addr.s_addr == A->srv_ip,
	  sin.sin_port == c->port);
}

static void
s_listen_autobind(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	RI(c, "listen", A->listen(fd, 5));
	RI(c, "getsockname", A->getsockname(fd, (struct sockaddr *)&sin, &len));
	L(c, "port set %d", sin.sin_port != 0);
	RI(c, "listen again", A->listen(fd, 10));
	h_getint(c, fd, SOL_SOCKET, SO_ACCEPTCONN);
}

static void
s_accept_nonblock_empty(struct dctx *c)
{
	int l = h_listener(c, SOCK_NONBLOCK, 4);

	RF(c, "accept4", A->accept4(l, NULL, NULL, 0));
	RF(c, "accept4 again", A->accept4(l, NULL, NULL, 0));
}

static void
s_accept_errors(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	int l = h_listener(c, SOCK_NONBLOCK, 4);

	RF(c, "not listening", A->accept4(fd, NULL, NULL, 0));
	RF(c, "bad flags", A->accept4(l, NULL, NULL, 0x1));
}

static void
s_accept4_flags(struct dctx *c)
{
	int l = h_listener(c, SOCK_NONBLOCK, 4), s;

	h_client(c, SOCK_NONBLOCK);
	h_client(c, SOCK_NONBLOCK);
	A->pump();
	s = RF(c, "accept4 nb|cloexec",
	       A->accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC));
	RI(c, "O_NONBLOCK", A->fcntl(s, F_GETFL, 0) & O_NONBLOCK);
	RI(c, "F_GETFD", A->fcntl(s, F_GETFD, 0));
	s = RF(c, "accept4 0", A->accept4(l, NULL, NULL, 0));
	RI(c, "O_NONBLOCK (not inherited)", A->fcntl(s, F_GETFL, 0) & O_NONBLOCK);
	RI(c, "F_GETFD", A->fcntl(s, F_GETFD, 0));
}

static void
s_accept_addr(struct dctx *c)
{
	int l = h_listener(c, 0, 4);
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	h_client(c, SOCK_NONBLOCK);
	A->pump();
	RF(c, "accept4", A->accept4(l, (struct sockaddr *)&sin, &len, 0));
	L(c, "family %d from cli %d len %u", sin.sin_family,
	  sin.sin_addr.s_addr == A->cli_ip, (unsigned)len);
}

static void
s_connect_nonblock(struct dctx *c)
{
	int l = h_listener(c, 0, 4), fd;
	struct sockaddr_in sin;

	fd = h_client(c, SOCK_NONBLOCK);
	A->pump();
	saddr(&sin, A->srv_ip, c->port);
	RI(c, "connect again", A->connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	RI(c, "connect third", A->connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	RF(c, "accept", A->accept4(l, NULL, NULL, 0));
}

static void
s_connect_ealready(struct dctx *c)
{
	int l = h_listener(c, 0, 0), fd;
	struct sockaddr_in sin;

	h_client(c, SOCK_NONBLOCK);
	A->pump();
	fd = h_client(c, SOCK_NONBLOCK);
	A->pump();
	saddr(&sin, A->srv_ip, c->port);
	RI(c, "connect again", A->connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	RI(c, "close listener", A->close(l));
}

static uint16_t
h_dead_port(struct dctx *c)
{
	int l = h_listener(c, 0, 4);

	A->close(l);
	L(c, "listener closed");
	return c->port;
}

static void
s_connect_refused_nb(struct dctx *c)
{
	struct sockaddr_in sin;
	int fd;

	h_dead_port(c);
	fd = h_client(c, SOCK_NONBLOCK);
	A->pump();
	saddr(&sin, A->srv_ip, c->port);
	RI(c, "connect again", A->connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	h_getint(c, fd, SOL_SOCKET, SO_ERROR);
	RI(c, "getpeername", A->getpeername(fd, (struct sockaddr *)&sin,
					     &(socklen_t){ sizeof(sin) }));
}

static void
s_connect_refused_soerror(struct dctx *c)
{
	struct sockaddr_in sin;
	int fd;

	h_dead_port(c);
	fd = h_client(c, SOCK_NONBLOCK);
	A->pump();
	h_getint(c, fd, SOL_SOCKET, SO_ERROR);
	h_getint(c, fd, SOL_SOCKET, SO_ERROR);
	saddr(&sin, A->srv_ip, c->port);
	RI(c, "connect again", A->connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
}

static void
s_connect_refused_block(struct dctx *c)
{
	h_dead_port(c);
	h_client(c, 0);
}

static void
s_connect_block(struct dctx *c)
{
	int l = h_listener(c, 0, 4), fd;
	struct sockaddr_in sin;

	fd = h_client(c, 0);
	saddr(&sin, A->srv_ip, c->port);
	RI(c, "connect again", A->connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	RF(c, "accept", A->accept4(l, NULL, NULL, 0));
}

static void
s_connect_errors(struct dctx *c)
{
	int l = h_listener(c, 0, 4);
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	struct sockaddr_in sin;

	saddr(&sin, A->srv_ip, c->port);
	RI(c, "on listener", A->connect(l, (struct sockaddr *)&sin, sizeof(sin)));
	RI(c, "short", A->connect(fd, (struct sockaddr *)&sin, 8));
	sin.sin_family = AF_INET6;
	RI(c, "family", A->connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
}

static void
s_unconnected_io(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
	char buf[8] = "abc";
	int l = h_listener(c, SOCK_NONBLOCK, 4);

	RI(c, "read", A->read(fd, buf, sizeof(buf)));
	RI(c, "write", A->write(fd, buf, 3));
	RI(c, "send nosignal", A->send(fd, buf, 3, MSG_NOSIGNAL));
	RI(c, "read listener", A->read(l, buf, sizeof(buf)));
	RI(c, "write listener", A->write(l, buf, 3));
	RI(c, "shutdown", A->shutdown(fd, SHUT_WR));
}

static void
s_echo(struct dctx *c)
{
	int cli, srv;
	char buf[16] = { 0 };

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	RI(c, "write", A->write(cli, "hello", 5));
	A->pump();
	RI(c, "read", A->read(srv, buf, sizeof(buf)));
	L(c, "got %s", buf);
	RI(c, "read again", A->read(srv, buf, sizeof(buf)));
	RI(c, "send", A->send(srv, "world!", 6, MSG_NOSIGNAL));
	A->pump();
	memset(buf, 0, sizeof(buf));
	RI(c, "recv", A->recv(cli, buf, sizeof(buf), 0));
	L(c, "got %s", buf);
}

static void
s_readv_writev(struct dctx *c)
{
	int cli, srv;
	char a[4] = { 0 }, b[8] = { 0 };
	struct iovec w[3] = {
		{ .iov_base = "ab", .iov_len = 2 },
		{ .iov_base = "", .iov_len = 0 },
		{ .iov_base = "cdefg", .iov_len = 5 },
	};
	struct iovec r[2] = {
		{ .iov_base = a, .iov_len = 3 },
		{ .iov_base = b, .iov_len = 7 },
	};

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	RI(c, "writev", A->writev(cli, w, 3));
	A->pump();
	RI(c, "readv", A->readv(srv, r, 2));
	L(c, "a=%s b=%s", a, b);
	RI(c, "readv bad count", A->readv(srv, r, -1));
	RI(c, "writev bad count", A->writev(cli, w, -1));
}

static void
s_peek(struct dctx *c)
{
	int cli, srv;
	char buf[16] = { 0 };

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	A->write(cli, "12345", 5);
	A->pump();
	RI(c, "peek", A->recv(srv, buf, 3, MSG_PEEK));
	L(c, "got %s", buf);
	RI(c, "peek", A->recv(srv, buf, sizeof(buf), MSG_PEEK));
	L(c, "got %s", buf);
	memset(buf, 0, sizeof(buf));
	RI(c, "read", A->read(srv, buf, sizeof(buf)));
	L(c, "got %s", buf);
	RI(c, "peek empty", A->recv(srv, buf, sizeof(buf), MSG_PEEK));
}

static void
s_fionread(struct dctx *c)
{
	int cli, srv, v = -1, l;
	char buf[300];

	l = h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	RI(c, "FIONREAD", A->ioctl(srv, FIONREAD, &v));
	L(c, "v=%d", v);
	memset(buf, 'a', sizeof(buf));
	A->write(cli, buf, 100);
	A->pump();
	RI(c, "FIONREAD", A->ioctl(srv, FIONREAD, &v));
	L(c, "v=%d", v);
	A->read(srv, buf, 40);
	RI(c, "FIONREAD", A->ioctl(srv, FIONREAD, &v));
	L(c, "v=%d", v);
	RI(c, "FIONREAD listener", A->ioctl(l, FIONREAD, &v));
	RI(c, "bad request", A->ioctl(srv, 0x5401 /* TCGETS */, &v));
}

static void
s_fionbio(struct dctx *c)
{
	int cli, srv, on = 1;
	char buf[8];

	h_pair(c, &cli, &srv, 0);
	RI(c, "FIONBIO", A->ioctl(srv, FIONBIO, &on));
	RI(c, "O_NONBLOCK", A->fcntl(srv, F_GETFL, 0) & O_NONBLOCK);
	RI(c, "read", A->read(srv, buf, sizeof(buf)));
	on = 0;
	RI(c, "FIONBIO off", A->ioctl(srv, FIONBIO, &on));
	RI(c, "O_NONBLOCK", A->fcntl(srv, F_GETFL, 0) & O_NONBLOCK);
	RI(c, "recv DONTWAIT", A->recv(srv, buf, sizeof(buf), MSG_DONTWAIT));
}

static void
s_fcntl(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));

	RI(c, "F_GETFL", A->fcntl(fd, F_GETFL, 0));
	RI(c, "F_SETFL", A->fcntl(fd, F_SETFL, O_NONBLOCK));
	RI(c, "F_GETFL", A->fcntl(fd, F_GETFL, 0));
	RI(c, "F_SETFL 0", A->fcntl(fd, F_SETFL, 0));
	RI(c, "F_GETFL", A->fcntl(fd, F_GETFL, 0));
	RI(c, "F_SETFD", A->fcntl(fd, F_SETFD, FD_CLOEXEC));
	RI(c, "F_GETFD", A->fcntl(fd, F_GETFD, 0));
	RI(c, "F_SETFD 0", A->fcntl(fd, F_SETFD, 0));
	RI(c, "F_GETFD", A->fcntl(fd, F_GETFD, 0));
	RI(c, "cmd 9999", A->fcntl(fd, 9999, 0));
}

static void
s_eof(struct dctx *c)
{
	int cli, srv;
	char buf[8];

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	A->write(cli, "ab", 2);
	RI(c, "shutdown WR", A->shutdown(cli, SHUT_WR));
	A->pump();
	RI(c, "read", A->read(srv, buf, sizeof(buf)));
	RI(c, "read eof", A->read(srv, buf, sizeof(buf)));
	RI(c, "read eof again", A->read(srv, buf, sizeof(buf)));
}

static void
s_half_close(struct dctx *c)
{
	int cli, srv;
	char buf[8] = { 0 };

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	RI(c, "shutdown WR", A->shutdown(cli, SHUT_WR));
	A->pump();
	RI(c, "srv read", A->read(srv, buf, sizeof(buf)));
	RI(c, "srv write", A->write(srv, "xyz", 3));
	A->pump();
	RI(c, "cli read", A->read(cli, buf, sizeof(buf)));
	L(c, "got %s", buf);
	RI(c, "cli write", A->send(cli, "q", 1, MSG_NOSIGNAL));
	RI(c, "srv shutdown WR", A->shutdown(srv, SHUT_WR));
	A->pump();
	RI(c, "cli read eof", A->read(cli, buf, sizeof(buf)));
}

static void
s_shutdown_errors(struct dctx *c)
{
	int cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	RI(c, "how -1", A->shutdown(cli, -1));
	RI(c, "how 3", A->shutdown(cli, 3));
	RI(c, "RDWR", A->shutdown(cli, SHUT_RDWR));
	RI(c, "RDWR again", A->shutdown(cli, SHUT_RDWR));
}

static void
s_shutdown_rd(struct dctx *c)
{
	int cli, srv;
	char buf[8];

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	RI(c, "shutdown RD", A->shutdown(srv, SHUT_RD));
	RI(c, "read", A->read(srv, buf, sizeof(buf)));
	RI(c, "write", A->write(srv, "a", 1));
}

static void
s_write_after_shutdown(struct dctx *c)
{
	int cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	RI(c, "shutdown WR", A->shutdown(cli, SHUT_WR));
	RI(c, "write", A->send(cli, "a", 1, MSG_NOSIGNAL));
	RI(c, "write (sigpipe ignored)", A->write(cli, "a", 1));
}

static void
s_linger0_rst(struct dctx *c)
{
	int cli, srv;
	char buf[8];

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_linger0(c, srv);
	A->pump();
	RI(c, "read", A->read(cli, buf, sizeof(buf)));
	RI(c, "read again", A->read(cli, buf, sizeof(buf)));
	RI(c, "write", A->send(cli, "a", 1, MSG_NOSIGNAL));
	h_getint(c, cli, SOL_SOCKET, SO_ERROR);
}

static void
s_soerror_rst(struct dctx *c)
{
	int cli, srv;
	char buf[8];

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_linger0(c, srv);
	A->pump();
	h_getint(c, cli, SOL_SOCKET, SO_ERROR);
	h_getint(c, cli, SOL_SOCKET, SO_ERROR);
	RI(c, "read", A->read(cli, buf, sizeof(buf)));
	RI(c, "write", A->send(cli, "a", 1, MSG_NOSIGNAL));
	RI(c, "shutdown", A->shutdown(cli, SHUT_WR));
}

static void
s_write_after_rst(struct dctx *c)
{
	int cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_linger0(c, srv);
	A->pump();
	RI(c, "write", A->send(cli, "a", 1, MSG_NOSIGNAL));
	RI(c, "write again", A->send(cli, "a", 1, MSG_NOSIGNAL));
}

static void
s_close_unread_rst(struct dctx *c)
{
	int cli, srv;
	char buf[8];

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	A->write(cli, "abc", 3);
	A->pump();
	RI(c, "close with unread data", A->close(srv));
	A->pump();
	RI(c, "read", A->read(cli, buf, sizeof(buf)));
}

static void
s_write_to_closed_peer(struct dctx *c)
{
	int cli, srv;
	char buf[8];

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	RI(c, "close srv", A->close(srv));
	A->pump();
	RI(c, "read eof", A->read(cli, buf, sizeof(buf)));
	RI(c, "write", A->send(cli, "a", 1, MSG_NOSIGNAL));
	A->pump();
	RI(c, "read", A->read(cli, buf, sizeof(buf)));
	RI(c, "write", A->send(cli, "a", 1, MSG_NOSIGNAL));
	RI(c, "write", A->send(cli, "a", 1, MSG_NOSIGNAL));
}

static void
s_sndbuf(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));

	h_setint(c, fd, SOL_SOCKET, SO_SNDBUF, 10000);
	h_getint(c, fd, SOL_SOCKET, SO_SNDBUF);
	h_setint(c, fd, SOL_SOCKET, SO_SNDBUF, 1);
	h_getint(c, fd, SOL_SOCKET, SO_SNDBUF);
	h_setint(c, fd, SOL_SOCKET, SO_SNDBUF, 1 << 30);
	h_getint(c, fd, SOL_SOCKET, SO_SNDBUF);
	h_setint(c, fd, SOL_SOCKET, SO_SNDBUF, -1);
	h_getint(c, fd, SOL_SOCKET, SO_SNDBUF);
}

static void
s_rcvbuf(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));

	h_setint(c, fd, SOL_SOCKET, SO_RCVBUF, 10000);
	h_getint(c, fd, SOL_SOCKET, SO_RCVBUF);
	h_setint(c, fd, SOL_SOCKET, SO_RCVBUF, 1);
	h_getint(c, fd, SOL_SOCKET, SO_RCVBUF);
	h_setint(c, fd, SOL_SOCKET, SO_RCVBUF, 1 << 30);
	h_getint(c, fd, SOL_SOCKET, SO_RCVBUF);
}

static void
s_bool_opts(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));

	h_getint(c, fd, SOL_SOCKET, SO_REUSEADDR);
	h_setint(c, fd, SOL_SOCKET, SO_REUSEADDR, 5);
	h_getint(c, fd, SOL_SOCKET, SO_REUSEADDR);
	h_getint(c, fd, SOL_SOCKET, SO_KEEPALIVE);
	h_setint(c, fd, SOL_SOCKET, SO_KEEPALIVE, 1);
	h_getint(c, fd, SOL_SOCKET, SO_KEEPALIVE);
	h_getint(c, fd, IPPROTO_TCP, TCP_NODELAY);
	h_setint(c, fd, IPPROTO_TCP, TCP_NODELAY, 1);
	h_getint(c, fd, IPPROTO_TCP, TCP_NODELAY);
	h_setint(c, fd, IPPROTO_TCP, TCP_NODELAY, 0);
	h_getint(c, fd, IPPROTO_TCP, TCP_NODELAY);
}

static void
s_linger_opt(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	struct linger lg = { .l_onoff = 7, .l_linger = 7 };
	socklen_t len = sizeof(lg);

	RI(c, "get", A->getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len));
	L(c, "onoff=%d linger=%d len=%u", lg.l_onoff, lg.l_linger,
	  (unsigned)len);
	lg.l_onoff = 1;
	lg.l_linger = 5;
	RI(c, "set 1,5", A->setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg,
				       sizeof(lg)));
	RI(c, "get", A->getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len));
	L(c, "onoff=%d linger=%d", lg.l_onoff, lg.l_linger);
	lg.l_onoff = 0;
	lg.l_linger = 9;
	RI(c, "set 0,9", A->setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg,
				       sizeof(lg)));
	RI(c, "get", A->getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len));
	L(c, "onoff=%d linger=%d", lg.l_onoff, lg.l_linger);
	RI(c, "set short", A->setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, 4));
}

static void
s_ro_opts(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	int l = h_listener(c, 0, 4);

	h_getint(c, fd, SOL_SOCKET, SO_TYPE);
	h_getint(c, fd, SOL_SOCKET, SO_DOMAIN);
	h_getint(c, fd, SOL_SOCKET, SO_PROTOCOL);
	h_getint(c, fd, SOL_SOCKET, SO_ACCEPTCONN);
	h_getint(c, l, SOL_SOCKET, SO_ACCEPTCONN);
	h_getint(c, fd, SOL_SOCKET, SO_ERROR);
	h_setint(c, fd, SOL_SOCKET, SO_TYPE, 1);
	/* Linux: always 1, not settable */
	h_getint(c, fd, SOL_SOCKET, SO_SNDLOWAT);
	h_setint(c, fd, SOL_SOCKET, SO_SNDLOWAT, 100);
}

static void
s_rcvlowat_opt(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));

	h_getint(c, fd, SOL_SOCKET, SO_RCVLOWAT);
	h_setint(c, fd, SOL_SOCKET, SO_RCVLOWAT, 0);
	h_getint(c, fd, SOL_SOCKET, SO_RCVLOWAT);
	h_setint(c, fd, SOL_SOCKET, SO_RCVLOWAT, 10);
	h_getint(c, fd, SOL_SOCKET, SO_RCVLOWAT);
}

static void
s_keepalive_opts(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));

	h_getint(c, fd, IPPROTO_TCP, TCP_KEEPIDLE);
	h_getint(c, fd, IPPROTO_TCP, TCP_KEEPINTVL);
	h_getint(c, fd, IPPROTO_TCP, TCP_KEEPCNT);
	h_setint(c, fd, IPPROTO_TCP, TCP_KEEPIDLE, 60);
	h_setint(c, fd, IPPROTO_TCP, TCP_KEEPINTVL, 5);
	h_setint(c, fd, IPPROTO_TCP, TCP_KEEPCNT, 3);
	h_getint(c, fd, IPPROTO_TCP, TCP_KEEPIDLE);
	h_getint(c, fd, IPPROTO_TCP, TCP_KEEPINTVL);
	h_getint(c, fd, IPPROTO_TCP, TCP_KEEPCNT);
	h_setint(c, fd, IPPROTO_TCP, TCP_KEEPIDLE, 0);
	h_setint(c, fd, IPPROTO_TCP, TCP_KEEPIDLE, 40000);
	h_setint(c, fd, IPPROTO_TCP, TCP_KEEPINTVL, 0);
	h_setint(c, fd, IPPROTO_TCP, TCP_KEEPCNT, 128);
}

/* TCP_SYNCNT: 1..127, EINVAL outside (Linux do_tcp_setsockopt). The
 * default is not compared here: ours is 7 (RFC 9293 MUST-23), Linux's
 * sysctl tcp_syn_retries 6; syncnt_default (real TCP) compares it with
 * tcp.syn_retries set as the sysctl. */
static void
s_syncnt_opt(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));

	h_setint(c, fd, IPPROTO_TCP, TCP_SYNCNT, 3);
	h_getint(c, fd, IPPROTO_TCP, TCP_SYNCNT);
	h_setint(c, fd, IPPROTO_TCP, TCP_SYNCNT, 0);
	h_setint(c, fd, IPPROTO_TCP, TCP_SYNCNT, 128);
	h_setint(c, fd, IPPROTO_TCP, TCP_SYNCNT, 127);
	h_getint(c, fd, IPPROTO_TCP, TCP_SYNCNT);
}

static void
s_maxseg(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));

	h_getint(c, fd, IPPROTO_TCP, TCP_MAXSEG);
	h_setint(c, fd, IPPROTO_TCP, TCP_MAXSEG, 1000);
	h_getint(c, fd, IPPROTO_TCP, TCP_MAXSEG);
	h_setint(c, fd, IPPROTO_TCP, TCP_MAXSEG, 10);
	h_setint(c, fd, IPPROTO_TCP, TCP_MAXSEG, 40000);
}

static void
s_opt_errors(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0)), v = 1;
	socklen_t len = sizeof(v);

	RI(c, "unknown SOL_SOCKET", A->setsockopt(fd, SOL_SOCKET, 9999, &v,
						  sizeof(v)));
	RI(c, "unknown TCP", A->setsockopt(fd, IPPROTO_TCP, 9999, &v,
					   sizeof(v)));
	RI(c, "level 9999", A->setsockopt(fd, 9999, 1, &v, sizeof(v)));
	RI(c, "short", A->setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, 2));
	RI(c, "get unknown", A->getsockopt(fd, SOL_SOCKET, 9999, &v, &len));
	len = (socklen_t)-1;
	RI(c, "get len -1", A->getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
}

static void
s_tcp_info(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0)), cli, srv;
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	int l;

	RI(c, "fresh", A->getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len));
	L(c, "state %u", ti.tcpi_state);
	l = h_pair(c, &cli, &srv, 0);
	len = sizeof(ti);
	RI(c, "listener", A->getsockopt(l, IPPROTO_TCP, TCP_INFO, &ti, &len));
	L(c, "state %u", ti.tcpi_state);
	len = sizeof(ti);
	RI(c, "client", A->getsockopt(cli, IPPROTO_TCP, TCP_INFO, &ti, &len));
	L(c, "state %u mss>0 %d", ti.tcpi_state, ti.tcpi_snd_mss > 0);
	len = 1;
	RI(c, "short", A->getsockopt(srv, IPPROTO_TCP, TCP_INFO, &ti, &len));
	L(c, "len %u state %u", (unsigned)len, ti.tcpi_state);
}

static int later_fd;

static void
h_later_write_fd(void *arg)
{
	struct dctx *c = arg;

	A->write(later_fd, "late", 4);
}

static void
s_blocking_read(struct dctx *c)
{
	int cli, srv;
	char buf[8] = { 0 };

	h_pair(c, &cli, &srv, 0);
	later_fd = cli;
	A->later(30, h_later_write_fd, c);
	RI(c, "blocking read", A->read(srv, buf, sizeof(buf)));
	L(c, "got %s", buf);
}

static int later_port_fd;

static void
h_later_connect(void *arg)
{
	struct dctx *c = arg;
	struct sockaddr_in sin;

	saddr(&sin, A->srv_ip, c->port);
	A->connect(later_port_fd, (struct sockaddr *)&sin, sizeof(sin));
}

static void
s_blocking_accept(struct dctx *c)
{
	int l = h_listener(c, 0, 4);

	later_port_fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM |
						  SOCK_NONBLOCK, 0));
	A->later(30, h_later_connect, c);
	RF(c, "blocking accept", A->accept4(l, NULL, NULL, 0));
}

static void
s_zero_write(struct dctx *c)
{
	int cli, srv;
	char buf[4];

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	RI(c, "write 0", A->write(cli, buf, 0));
	RI(c, "send 0", A->send(cli, buf, 0, 0));
	RI(c, "recv DONTWAIT", A->recv(srv, buf, sizeof(buf), MSG_DONTWAIT));
	RI(c, "recv OOB", A->recv(srv, buf, sizeof(buf), MSG_OOB));
}

static void
s_close_twice(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));

	RI(c, "close", A->close(fd));
	RI(c, "close again", A->close(fd));
	RI(c, "read closed", A->read(fd, &fd, 1));
}

static void
s_bulk_nonblock(struct dctx *c)
{
	int cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_setint(c, cli, SOL_SOCKET, SO_SNDBUF, 16384);
	h_setint(c, srv, SOL_SOCKET, SO_RCVBUF, 16384);
	h_fill(c, cli);
	h_drain(c, srv);
	h_wait_out(c, cli);
	h_write(c, cli, 1000);
	A->pump();
	h_drain(c, srv);
}

static void
h_later_read_all(void *arg)
{
	struct dctx *c = arg;
	static char buf[65536];
	int i;

	for (i = 0; i < 1000; i++)
		if (A->recv(later_fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0)
			break;
}

static void
s_blocking_write_drains(struct dctx *c)
{
	int cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	/* blocking client after a non-blocking fill: write waits for room */
	h_setint(c, cli, SOL_SOCKET, SO_SNDBUF, 16384);
	h_setint(c, srv, SOL_SOCKET, SO_RCVBUF, 16384);
	h_fill(c, cli);
	later_fd = srv;
	A->fcntl(cli, F_SETFL, 0);
	A->later(30, h_later_read_all, c);
	RN(c, "blocking write", A->write(cli, "z", 1));
}

#include "cases_opts.c"
#include "cases_urg.c"
#include "cases_ipopt.c"

#define CASE(n) { #n, s_##n }
static const struct dcase cases[] = {
	CASE(socket_flags),
	CASE(socket_errors),
	CASE(bad_fd),
	CASE(epfd_as_socket),
	CASE(bind_twice),
	CASE(bind_bad),
	CASE(bind_nonlocal),
	CASE(bind_inuse),
	CASE(bind_reuseaddr),
	CASE(bind_reuseport),
	CASE(getsockname),
	CASE(getpeername),
	CASE(listen_autobind),
	CASE(accept_nonblock_empty),
	CASE(accept_errors),
	CASE(accept4_flags),
	CASE(accept_addr),
	CASE(connect_nonblock),
	CASE(connect_ealready),
	CASE(connect_refused_nb),
	CASE(connect_refused_soerror),
	CASE(connect_refused_block),
	CASE(connect_block),
	CASE(connect_errors),
	CASE(unconnected_io),
	CASE(echo),
	CASE(readv_writev),
	CASE(peek),
	CASE(fionread),
	CASE(fionbio),
	CASE(fcntl),
	CASE(eof),
	CASE(half_close),
	CASE(shutdown_errors),
	CASE(shutdown_rd),
	CASE(write_after_shutdown),
	CASE(linger0_rst),
	CASE(soerror_rst),
	CASE(write_after_rst),
	CASE(close_unread_rst),
	CASE(write_to_closed_peer),
	CASE(sndbuf),
	CASE(rcvbuf),
	CASE(bool_opts),
	CASE(linger_opt),
	CASE(ro_opts),
	CASE(rcvlowat_opt),
	CASE(keepalive_opts),
	CASE(syncnt_opt),
	CASE(maxseg),
	CASE(opt_errors),
	CASE(tcp_info),
	CASE(blocking_read),
	CASE(blocking_accept),
	CASE(zero_write),
	CASE(close_twice),
	CASE(bulk_nonblock),
	CASE(blocking_write_drains),
	CASE(timeo_opts),
	CASE(rcvtimeo_read),
	CASE(rcvtimeo_negative),
	CASE(rcvtimeo_accept),
	CASE(sndtimeo_write),
	CASE(user_timeout_opt),
	CASE(congestion_opt),
	CASE(opts_inherit),
	CASE(opts_before_connect),
	CASE(maxseg_inherit),
	CASE(sndtimeo_connect),
	CASE(tos_oobinline_opts),
	CASE(tos_oobinline_inherit),
	CASE(ip_options),
#ifdef PN_DIFF_REAL
	/* the fake TCP has no handshake to shape */
	CASE(handshake_opts_connect),
	CASE(ip_options_connect),
	CASE(loopback_127),
	CASE(ip_options_rr_accept),
	CASE(handshake_opts_listen),
	CASE(syncnt_default),
	CASE(oob_byte),
	CASE(oob_inline),
#endif
};

int
main(void)
{
	signal(SIGPIPE, SIG_IGN); /* Linux side: EPIPE instead of death */
	return diff_main("socket_diff", cases, RTE_DIM(cases));
}
