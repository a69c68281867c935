/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Differential cases (included by test_socket.c): SO_RCVTIMEO /
 * SO_SNDTIMEO, options set before connect/listen, and what accept()ed
 * sockets inherit from their listener.
 */
#include <sys/time.h>

static void
h_settv(struct dctx *c, int fd, int name, long sec, long usec, socklen_t len)
{
	struct timeval tv[2] = { { .tv_sec = sec, .tv_usec = usec } };
	char tag[80];

	snprintf(tag, sizeof(tag), "set %s {%ld,%ld} len %u",
		 name == SO_RCVTIMEO ? "RCVTIMEO" : "SNDTIMEO", sec, usec,
		 (unsigned)len);
	RI(c, tag, A->setsockopt(fd, SOL_SOCKET, name, tv, len));
}

static struct timeval
h_gettv(struct dctx *c, int fd, int name)
{
	struct timeval tv = { .tv_sec = 77, .tv_usec = 77 };
	socklen_t len = sizeof(tv);

	if (A->getsockopt(fd, SOL_SOCKET, name, &tv, &len) < 0)
		L(c, "get %d = -1 %s", name, ename(errno));
	else
		L(c, "get %s = {%ld,%ld} len %u",
		  name == SO_RCVTIMEO ? "RCVTIMEO" : "SNDTIMEO",
		  (long)tv.tv_sec, (long)tv.tv_usec, (unsigned)len);
	return tv;
}

static void
s_timeo_opts(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	const socklen_t tvl = sizeof(struct timeval);
	struct timeval tv;
	socklen_t len;
	int name, k;

	for (k = 0; k < 2; k++) {
		name = k == 0 ? SO_RCVTIMEO : SO_SNDTIMEO;
		h_gettv(c, fd, name);
		/* exact in jiffies at HZ 100, 250 and 1000 */
		h_settv(c, fd, name, 0, 20000, tvl);
		h_gettv(c, fd, name);
		h_settv(c, fd, name, 1, 500000, tvl);
		h_gettv(c, fd, name);
		h_settv(c, fd, name, 0, 1000000, tvl);
		h_settv(c, fd, name, 0, -1, tvl);
		h_gettv(c, fd, name);
		h_settv(c, fd, name, 0, 20000, 8);
		h_settv(c, fd, name, 2, 0, tvl + 8);
		h_gettv(c, fd, name);
		h_settv(c, fd, name, -1, 0, tvl);
		h_gettv(c, fd, name);
		h_settv(c, fd, name, 0, 0, tvl);
		h_gettv(c, fd, name);
		h_settv(c, fd, name, 1L << 40, 0, tvl);
		h_gettv(c, fd, name);
		/* rounded up to a jiffy: how much depends on the kernel's HZ */
		h_settv(c, fd, name, 0, 1, tvl);
		tv = h_gettv(c, fd, name);
		RI(c, "rounded up", tv.tv_sec == 0 && tv.tv_usec > 1 &&
		   tv.tv_usec <= 10000);
	}
	h_settv(c, fd, SO_RCVTIMEO, 3, 500000, tvl);
	len = 8;
	memset(&tv, 0, sizeof(tv));
	RI(c, "get short", A->getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
					 &len));
	L(c, "len %u sec %ld", (unsigned)len, (long)tv.tv_sec);
	RI(c, "set NULL", A->setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, NULL,
					tvl));
}

static void
s_rcvtimeo_read(struct dctx *c)
{
	int cli, srv;
	char buf[8] = { 0 };

	h_pair(c, &cli, &srv, 0);
	h_settv(c, srv, SO_RCVTIMEO, 0, 20000, sizeof(struct timeval));
	RI(c, "read (times out)", A->read(srv, buf, sizeof(buf)));
	RI(c, "recv (times out)", A->recv(srv, buf, sizeof(buf), 0));
	RI(c, "recv PEEK (times out)", A->recv(srv, buf, sizeof(buf),
					       MSG_PEEK));
	h_settv(c, srv, SO_RCVTIMEO, 5, 0, sizeof(struct timeval));
	later_fd = cli;
	A->later(30, h_later_write_fd, c);
	RI(c, "read (data at 30 ms)", A->read(srv, buf, sizeof(buf)));
	L(c, "got %s", buf);
	h_settv(c, srv, SO_RCVTIMEO, 0, 20000, sizeof(struct timeval));
	RI(c, "shutdown peer", A->shutdown(cli, SHUT_WR));
	A->pump();
	RI(c, "read EOF", A->read(srv, buf, sizeof(buf)));
}

static void
s_rcvtimeo_negative(struct dctx *c)
{
	int cli, srv;
	char buf[8];

	h_pair(c, &cli, &srv, 0);
	h_settv(c, srv, SO_RCVTIMEO, -5, 0, sizeof(struct timeval));
	RI(c, "read (no wait)", A->read(srv, buf, sizeof(buf)));
	A->write(cli, "ab", 2);
	A->pump();
	RI(c, "read", A->read(srv, buf, sizeof(buf)));
}

static void
s_rcvtimeo_accept(struct dctx *c)
{
	int l = h_listener(c, 0, 4);

	h_settv(c, l, SO_RCVTIMEO, 0, 20000, sizeof(struct timeval));
	RF(c, "accept (times out)", A->accept4(l, NULL, NULL, 0));
	later_port_fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM |
						  SOCK_NONBLOCK, 0));
	h_settv(c, l, SO_RCVTIMEO, 5, 0, sizeof(struct timeval));
	A->later(30, h_later_connect, c);
	RF(c, "accept (connect at 30 ms)", A->accept4(l, NULL, NULL, 0));
}

static void
s_sndtimeo_write(struct dctx *c)
{
	static char big[1 << 20];
	int cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_setint(c, cli, SOL_SOCKET, SO_SNDBUF, 16384);
	h_setint(c, srv, SOL_SOCKET, SO_RCVBUF, 16384);
	A->fcntl(cli, F_SETFL, 0);
	h_settv(c, cli, SO_SNDTIMEO, 0, 40000, sizeof(struct timeval));
	/* room for part of it: the part, after the timeout */
	RN(c, "write 1 MB (partial)", A->write(cli, big, sizeof(big)));
	/* no room at all: EAGAIN after the timeout */
	RN(c, "write 1 byte (full)", A->write(cli, "z", 1));
	RN(c, "send 1 byte (full)", A->send(cli, "z", 1, 0));
	RN(c, "send DONTWAIT", A->send(cli, "z", 1, MSG_DONTWAIT));
	later_fd = srv;
	h_settv(c, cli, SO_SNDTIMEO, 5, 0, sizeof(struct timeval));
	A->later(30, h_later_read_all, c);
	RN(c, "write (reader at 30 ms)", A->write(cli, "z", 1));
}

/* Set one value of every inheritable option on @p fd. */
static void
h_set_all(struct dctx *c, int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 5 };

	h_setint(c, fd, SOL_SOCKET, SO_KEEPALIVE, 1);
	h_setint(c, fd, SOL_SOCKET, SO_SNDBUF, 20000);
	h_setint(c, fd, SOL_SOCKET, SO_RCVBUF, 30000);
	h_setint(c, fd, SOL_SOCKET, SO_RCVLOWAT, 3);
	h_setint(c, fd, IPPROTO_TCP, TCP_NODELAY, 1);
	h_setint(c, fd, IPPROTO_TCP, TCP_KEEPIDLE, 60);
	h_setint(c, fd, IPPROTO_TCP, TCP_KEEPINTVL, 5);
	h_setint(c, fd, IPPROTO_TCP, TCP_KEEPCNT, 3);
	h_setint(c, fd, IPPROTO_TCP, TCP_USER_TIMEOUT, 12345);
	RI(c, "SO_LINGER 1,5", A->setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg,
					     sizeof(lg)));
	h_settv(c, fd, SO_RCVTIMEO, 2, 0, sizeof(struct timeval));
	h_settv(c, fd, SO_SNDTIMEO, 3, 0, sizeof(struct timeval));
}

/* Read back what h_set_all() set. */
static void
h_get_all(struct dctx *c, int fd)
{
	struct linger lg = { 7, 7 };
	socklen_t len = sizeof(lg);

	h_getint(c, fd, SOL_SOCKET, SO_KEEPALIVE);
	h_getint(c, fd, SOL_SOCKET, SO_SNDBUF);
	h_getint(c, fd, SOL_SOCKET, SO_RCVBUF);
	h_getint(c, fd, SOL_SOCKET, SO_RCVLOWAT);
	h_getint(c, fd, SOL_SOCKET, SO_REUSEADDR);
	h_getint(c, fd, IPPROTO_TCP, TCP_NODELAY);
	h_getint(c, fd, IPPROTO_TCP, TCP_KEEPIDLE);
	h_getint(c, fd, IPPROTO_TCP, TCP_KEEPINTVL);
	h_getint(c, fd, IPPROTO_TCP, TCP_KEEPCNT);
	h_getint(c, fd, IPPROTO_TCP, TCP_USER_TIMEOUT);
	RI(c, "get SO_LINGER", A->getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg,
					     &len));
	L(c, "onoff=%d linger=%d", lg.l_onoff, lg.l_linger);
	h_gettv(c, fd, SO_RCVTIMEO);
	h_gettv(c, fd, SO_SNDTIMEO);
}

/* Bind @p l to srv_ip:ephemeral and listen; c->port set. */
static void
h_listen_on(struct dctx *c, int l)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	saddr(&sin, A->srv_ip, 0);
	RI(c, "bind", A->bind(l, (struct sockaddr *)&sin, sizeof(sin)));
	RI(c, "listen", A->listen(l, 4));
	A->getsockname(l, (struct sockaddr *)&sin, &len);
	c->port = sin.sin_port;
}

/* TCP_USER_TIMEOUT: ms, 0 (the default) none, negative refused; set on
 * a connection too */
static void
s_user_timeout_opt(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0)), cli, srv;

	h_getint(c, fd, IPPROTO_TCP, TCP_USER_TIMEOUT);
	h_setint(c, fd, IPPROTO_TCP, TCP_USER_TIMEOUT, -1);
	h_setint(c, fd, IPPROTO_TCP, TCP_USER_TIMEOUT, INT_MAX);
	h_getint(c, fd, IPPROTO_TCP, TCP_USER_TIMEOUT);
	h_setint(c, fd, IPPROTO_TCP, TCP_USER_TIMEOUT, 0);
	h_getint(c, fd, IPPROTO_TCP, TCP_USER_TIMEOUT);
	h_pair(c, &cli, &srv, 0);
	h_setint(c, cli, IPPROTO_TCP, TCP_USER_TIMEOUT, 500);
	h_getint(c, cli, IPPROTO_TCP, TCP_USER_TIMEOUT);
	h_getint(c, srv, IPPROTO_TCP, TCP_USER_TIMEOUT);
}

static void
h_setcc(struct dctx *c, int fd, const char *name, socklen_t len)
{
	char tag[64];

	snprintf(tag, sizeof(tag), "TCP_CONGESTION %s/%u", name, (unsigned)len);
	RI(c, tag, c->a->setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name,
				    len));
}

static void
h_getcc(struct dctx *c, int fd, socklen_t len)
{
	char name[32];
	unsigned int i;

	memset(name, 'x', sizeof(name));
	if (c->a->getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, &len) < 0) {
		L(c, "get TCP_CONGESTION = -1 %s", ename(errno));
		return;
	}
	for (i = 0; i < len && i < sizeof(name); i++)
		if (name[i] == '\0')
			name[i] = '.';
	L(c, "get TCP_CONGESTION = %.*s len=%u", (int)len, name,
	  (unsigned)len);
}

/* TCP_CONGESTION by name ("reno", "cubic"), set before and after the
 * connection, inherited by an accepted socket (the host's default is not
 * compared: this one's may be bbr) */
static void
s_congestion_opt(struct dctx *c)
{
	int l = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0)), cli, srv;

	h_setcc(c, l, "nosuchcc", 8);
	h_setcc(c, l, "", 0);
	h_setcc(c, l, "reno\0xx", 7);
	h_getcc(c, l, 32);
	h_getcc(c, l, 3);
	h_setcc(c, l, "cubic", 5);
	h_getcc(c, l, 16);
	h_setcc(c, l, "reno", 4);
	h_listen_on(c, l);
	cli = h_client(c, SOCK_NONBLOCK);
	A->pump();
	srv = RF(c, "accept", A->accept4(l, NULL, NULL, 0));
	h_getcc(c, srv, 16);
	h_setcc(c, cli, "reno", 4);
	h_setcc(c, srv, "cubic", 6);
	h_getcc(c, cli, 16);
	h_getcc(c, srv, 16);
}

static void
s_opts_inherit(struct dctx *c)
{
	int l = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0)), cli, srv;

	h_setint(c, l, SOL_SOCKET, SO_REUSEADDR, 1);
	h_set_all(c, l);
	h_listen_on(c, l);
	cli = h_client(c, SOCK_NONBLOCK);
	A->pump();
	srv = RF(c, "accept", A->accept4(l, NULL, NULL, 0));
	L(c, "-- accepted --");
	h_get_all(c, srv);
	L(c, "-- client (defaults) --");
	h_getint(c, cli, IPPROTO_TCP, TCP_NODELAY);
	h_getint(c, cli, IPPROTO_TCP, TCP_KEEPIDLE);
	h_gettv(c, cli, SO_RCVTIMEO);
}

static void
s_opts_before_connect(struct dctx *c)
{
	int l = h_listener(c, 0, 4), cli, srv;
	struct sockaddr_in sin;

	cli = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	h_set_all(c, cli);
	saddr(&sin, A->srv_ip, c->port);
	RI(c, "connect", A->connect(cli, (struct sockaddr *)&sin,
				    sizeof(sin)));
	A->pump();
	srv = RF(c, "accept", A->accept4(l, NULL, NULL, 0));
	L(c, "-- connected --");
	h_get_all(c, cli);
	L(c, "-- accepted (defaults) --");
	h_getint(c, srv, IPPROTO_TCP, TCP_NODELAY);
	h_getint(c, srv, IPPROTO_TCP, TCP_KEEPCNT);
}

static void
s_maxseg_inherit(struct dctx *c)
{
	int l = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0)), srv, v;
	socklen_t len;

	h_setint(c, l, IPPROTO_TCP, TCP_MAXSEG, 1000);
	h_listen_on(c, l);
	h_getint(c, l, IPPROTO_TCP, TCP_MAXSEG);
	h_client(c, SOCK_NONBLOCK);
	A->pump();
	srv = RF(c, "accept", A->accept4(l, NULL, NULL, 0));
	len = sizeof(v);
	RI(c, "get", A->getsockopt(srv, IPPROTO_TCP, TCP_MAXSEG, &v, &len));
	L(c, "accepted MSS in 500..1000: %d", v >= 500 && v <= 1000);
}

#ifdef PN_DIFF_REAL
/* TCP_SYNCNT not set: Linux do_tcp_getsockopt returns icsk_syn_retries
 * ?: sysctl tcp_syn_retries, on a new socket, a listener, both ends of a
 * connection (the real world configures tcp.syn_retries as the host's
 * sysctl). A listener's TCP_SYNCNT is inherited by what it accepts. */
static void
h_syncnt_both_ends(struct dctx *c, int l)
{
	int cli = h_client(c, SOCK_NONBLOCK), srv;

	A->pump();
	srv = RF(c, "accept", A->accept4(l, NULL, NULL, 0));
	h_getint(c, cli, IPPROTO_TCP, TCP_SYNCNT);
	h_getint(c, srv, IPPROTO_TCP, TCP_SYNCNT);
}

static void
s_syncnt_default(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	int l = h_listener(c, 0, 4);

	h_getint(c, fd, IPPROTO_TCP, TCP_SYNCNT);
	h_getint(c, l, IPPROTO_TCP, TCP_SYNCNT);
	h_syncnt_both_ends(c, l);
	h_setint(c, l, IPPROTO_TCP, TCP_SYNCNT, 3);
	h_getint(c, l, IPPROTO_TCP, TCP_SYNCNT);
	h_syncnt_both_ends(c, l);
}

/* What the handshake negotiated on @p fd, as facts both stacks share
 * (loopback and the ring port differ in MTU, so MSS as a range). */
static void
h_log_shape(struct dctx *c, const char *who, int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	int mss;

	memset(&ti, 0, sizeof(ti));
	RI(c, who, A->getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len));
	L(c, "%s: snd_wscale>0 %d rcv_wscale>0 %d", who,
	  ti.tcpi_snd_wscale > 0, ti.tcpi_rcv_wscale > 0);
	len = sizeof(mss);
	RI(c, who, A->getsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, &len));
	L(c, "%s: MSS in 900..1000 %d", who, mss >= 900 && mss <= 1000);
}

/* Linux tcp_connect_init: TCP_MAXSEG and SO_RCVBUF set before connect()
 * shape the SYN (MSS option, window scale 0 for a small locked buffer). */
static void
s_handshake_opts_connect(struct dctx *c)
{
	int l = h_listener(c, 0, 4), cli, srv;
	struct sockaddr_in sin;

	cli = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	h_setint(c, cli, IPPROTO_TCP, TCP_MAXSEG, 1000);
	h_setint(c, cli, SOL_SOCKET, SO_RCVBUF, 16384);
	saddr(&sin, A->srv_ip, c->port);
	RI(c, "connect", A->connect(cli, (struct sockaddr *)&sin,
				    sizeof(sin)));
	A->pump();
	srv = RF(c, "accept", A->accept4(l, NULL, NULL, 0));
	h_log_shape(c, "client", cli);
	h_log_shape(c, "server", srv);
}

/* Linux tcp_openreq_init_rwin: the listener's options shape its SYN-ACKs. */
static void
s_handshake_opts_listen(struct dctx *c)
{
	int l = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0)), cli, srv;

	h_setint(c, l, IPPROTO_TCP, TCP_MAXSEG, 1000);
	h_setint(c, l, SOL_SOCKET, SO_RCVBUF, 16384);
	h_listen_on(c, l);
	cli = h_client(c, SOCK_NONBLOCK);
	A->pump();
	srv = RF(c, "accept", A->accept4(l, NULL, NULL, 0));
	A->pump();
	h_log_shape(c, "client", cli);
	h_log_shape(c, "server", srv);
	h_getint(c, srv, SOL_SOCKET, SO_RCVBUF);
}
#endif

static void
s_sndtimeo_connect(struct dctx *c)
{
	int l = h_listener(c, 0, 0), first, cli;
	struct sockaddr_in sin;

	/* backlog 0 holds one connection; the next SYN finds it full and is
	 * dropped (Linux tcp_conn_request): connect waits for a SYN-ACK */
	first = h_client(c, SOCK_NONBLOCK);
	A->pump();
	cli = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	h_settv(c, cli, SO_SNDTIMEO, 0, 100000, sizeof(struct timeval));
	saddr(&sin, A->srv_ip, c->port);
	RI(c, "connect (times out)", A->connect(cli, (struct sockaddr *)&sin,
					       sizeof(sin)));
	RI(c, "connect again (times out)",
	   A->connect(cli, (struct sockaddr *)&sin, sizeof(sin)));
	RF(c, "accept the first", A->accept4(l, NULL, NULL, SOCK_NONBLOCK));
	RI(c, "close first", A->close(first));
}
