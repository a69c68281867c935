/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Differential epoll tests (Linux is the oracle; see socket/diff.h):
 * LT/ET counts, ONESHOT, RDHUP/HUP/ERR, EPOLLOUT after a full buffer,
 * EPOLLEXCLUSIVE, timeouts, every epoll_ctl error.
 */
#include <signal.h>

#include "../socket/fake_tcp.c"
#include "../socket/diff_harness.c"

#define A (c->a)
#define ADD EPOLL_CTL_ADD
#define MOD EPOLL_CTL_MOD
#define DEL EPOLL_CTL_DEL

static int
h_epoll(struct dctx *c)
{
	return RF(c, "epoll_create1", A->epoll_create1(0));
}

static void
e_create(struct dctx *c)
{
	int ep;

	RF(c, "create(0)", A->epoll_create(0));
	RF(c, "create(-1)", A->epoll_create(-1));
	RF(c, "create(1)", A->epoll_create(1));
	RF(c, "create1(bad)", A->epoll_create1(0x1));
	ep = RF(c, "create1(CLOEXEC)", A->epoll_create1(EPOLL_CLOEXEC));
	RI(c, "F_GETFD", A->fcntl(ep, F_GETFD, 0));
	RI(c, "F_GETFL", A->fcntl(ep, F_GETFL, 0));
	RI(c, "close", A->close(ep));
	RI(c, "close again", A->close(ep));
}

static void
e_ctl_exist_noent(struct dctx *c)
{
	int ep = h_epoll(c);
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));

	h_ep(c, ep, MOD, fd, EPOLLIN, 1);
	h_ep(c, ep, DEL, fd, 0, 1);
	h_ep(c, ep, ADD, fd, EPOLLIN, 1);
	h_ep(c, ep, ADD, fd, EPOLLIN, 1);
	h_ep(c, ep, MOD, fd, EPOLLOUT, 1);
	h_ep(c, ep, DEL, fd, 0, 1);
	h_ep(c, ep, DEL, fd, 0, 1);
}

static void
e_ctl_einval(struct dctx *c)
{
	int ep = h_epoll(c), ep2 = h_epoll(c);
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));

	h_ep(c, ep, ADD, ep, EPOLLIN, 1);
	h_ep(c, ep, 99, fd, EPOLLIN, 1);
	h_ep(c, fd, ADD, ep2, EPOLLIN, 1);
	h_ep(c, fd, ADD, fd, EPOLLIN, 1);
	h_ep(c, ep, MOD, fd, EPOLLIN | EPOLLEXCLUSIVE, 1);
	h_ep(c, ep, ADD, fd, EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 1);
	h_ep(c, ep, ADD, fd, EPOLLIN | EPOLLEXCLUSIVE | EPOLLRDHUP, 1);
	h_ep(c, ep, ADD, fd, EPOLLIN | EPOLLEXCLUSIVE | EPOLLET, 1);
	h_ep(c, ep, MOD, fd, EPOLLIN, 1);
	h_ep(c, ep, MOD, fd, EPOLLIN | EPOLLEXCLUSIVE, 1);
	h_ep(c, ep, DEL, fd, 0, 1);
}

static void
e_ctl_ebadf(struct dctx *c)
{
	int ep = h_epoll(c);
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));

	h_ep(c, A->bad_fd, ADD, fd, EPOLLIN, 1);
	h_ep(c, ep, ADD, A->bad_fd, EPOLLIN, 1);
	h_ep(c, A->bad_fd, 99, A->bad_fd, EPOLLIN, 1);
	A->close(ep);
	h_ep(c, ep, ADD, fd, EPOLLIN, 1);
}

static void
e_ctl_efault(struct dctx *c)
{
	int ep = h_epoll(c);
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));

	RI(c, "ADD NULL", A->epoll_ctl(ep, ADD, fd, NULL));
	RI(c, "bad op NULL", A->epoll_ctl(ep, 99, fd, NULL));
	h_ep(c, ep, ADD, fd, EPOLLIN, 1);
	RI(c, "MOD NULL", A->epoll_ctl(ep, MOD, fd, NULL));
	RI(c, "DEL NULL", A->epoll_ctl(ep, DEL, fd, NULL));
}

static void
e_wait_errors(struct dctx *c)
{
	int ep = h_epoll(c);
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	struct epoll_event ev[2];

	RI(c, "max 0", A->epoll_wait(ep, ev, 0, 0));
	RI(c, "max -1", A->epoll_wait(ep, ev, -1, 0));
	RI(c, "not epoll", A->epoll_wait(fd, ev, 2, 0));
	RI(c, "bad fd", A->epoll_wait(A->bad_fd, ev, 2, 0));
	RI(c, "bad fd max 0", A->epoll_wait(A->bad_fd, ev, 0, 0));
	RI(c, "NULL events", A->epoll_wait(ep, NULL, 2, 0));
	RI(c, "not epoll max 0", A->epoll_wait(fd, ev, 0, 0));
	h_ep(c, ep, ADD, fd, EPOLLOUT, 1);
	RI(c, "NULL events, one ready", A->epoll_wait(ep, NULL, 2, 0));
}

static void
e_unconnected(struct dctx *c)
{
	int ep = h_epoll(c);
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));

	h_ep(c, ep, ADD, fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP, 7);
	W(c, "wait", ep, 8, 0);
	h_ep(c, ep, MOD, fd, 0, 8);
	W(c, "wait (interest 0: HUP still)", ep, 8, 0);
}

static void
e_lt_counts(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;
	char buf[4];

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN, 1);
	W(c, "empty", ep, 8, 0);
	A->write(cli, "abcd", 4);
	A->pump();
	W(c, "1", ep, 8, 0);
	W(c, "2", ep, 8, 0);
	W(c, "3", ep, 8, 0);
	A->read(srv, buf, 2);
	W(c, "after partial read", ep, 8, 0);
	A->read(srv, buf, 2);
	W(c, "after full read", ep, 8, 0);
}

static void
e_et_counts(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;
	char buf[4];

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN | EPOLLET, 1);
	W(c, "empty", ep, 8, 0);
	A->write(cli, "abcd", 4);
	A->pump();
	W(c, "1", ep, 8, 0);
	W(c, "2", ep, 8, 0);
	A->read(srv, buf, 2);
	W(c, "after partial read", ep, 8, 0);
	A->write(cli, "ef", 2);
	A->pump();
	W(c, "new data", ep, 8, 0);
	W(c, "again", ep, 8, 0);
}

static void
e_et_inout(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN | EPOLLOUT | EPOLLET, 1);
	W(c, "writable", ep, 8, 0);
	W(c, "again", ep, 8, 0);
	A->write(cli, "abcd", 4);
	A->pump();
	W(c, "data", ep, 8, 0);
	W(c, "again", ep, 8, 0);
}

static void
e_et_out_only_no_in_wake(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLOUT | EPOLLET, 1);
	W(c, "writable", ep, 8, 0);
	A->write(cli, "abcd", 4);
	A->pump();
	W(c, "data arrives (not OUT)", ep, 8, 0);
}

static void
e_oneshot(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN | EPOLLONESHOT, 1);
	A->write(cli, "ab", 2);
	A->pump();
	W(c, "first", ep, 8, 0);
	W(c, "disarmed", ep, 8, 0);
	A->write(cli, "cd", 2);
	A->pump();
	W(c, "still disarmed", ep, 8, 0);
	h_ep(c, ep, MOD, srv, EPOLLIN | EPOLLONESHOT, 2);
	W(c, "re-armed", ep, 8, 0);
	W(c, "disarmed", ep, 8, 0);
	h_ep(c, ep, MOD, srv, EPOLLIN, 3);
	W(c, "LT now", ep, 8, 0);
	W(c, "LT again", ep, 8, 0);
}

static void
e_oneshot_hup(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, cli, EPOLLIN | EPOLLONESHOT, 1);
	A->write(srv, "x", 1);
	A->pump();
	W(c, "first", ep, 8, 0);
	h_linger0(c, srv);
	A->pump();
	W(c, "RST while disarmed", ep, 8, 0);
	h_ep(c, ep, MOD, cli, EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, 2);
	W(c, "re-armed", ep, 8, 0);
}

static void
e_oneshot_et(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN | EPOLLET | EPOLLONESHOT, 1);
	A->write(cli, "ab", 2);
	A->pump();
	W(c, "first", ep, 8, 0);
	A->write(cli, "cd", 2);
	A->pump();
	W(c, "disarmed", ep, 8, 0);
	h_ep(c, ep, MOD, srv, EPOLLIN | EPOLLET | EPOLLONESHOT, 2);
	W(c, "re-armed: ready now", ep, 8, 0);
}

static void
e_et_mod_rearm(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN | EPOLLET, 1);
	A->write(cli, "ab", 2);
	A->pump();
	W(c, "first", ep, 8, 0);
	W(c, "none", ep, 8, 0);
	h_ep(c, ep, MOD, srv, EPOLLIN | EPOLLET, 2);
	W(c, "MOD re-polls", ep, 8, 0);
}

static void
e_rdhup_shutdown(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;
	char buf[4];

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN | EPOLLOUT | EPOLLRDHUP, 1);
	W(c, "before", ep, 8, 0);
	A->shutdown(cli, SHUT_WR);
	A->pump();
	W(c, "peer SHUT_WR", ep, 8, 0);
	RI(c, "read", A->read(srv, buf, sizeof(buf)));
	W(c, "after read", ep, 8, 0);
	A->shutdown(srv, SHUT_WR);
	A->pump();
	W(c, "both shut", ep, 8, 0);
}

static void
e_rdhup_not_requested(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN, 1);
	A->shutdown(cli, SHUT_WR);
	A->pump();
	W(c, "peer SHUT_WR", ep, 8, 0);
}

static void
e_peer_close(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, cli, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, 1);
	W(c, "before", ep, 8, 0);
	A->close(srv);
	A->pump();
	W(c, "peer closed", ep, 8, 0);
	W(c, "ET: once", ep, 8, 0);
	A->send(cli, "x", 1, MSG_NOSIGNAL);
	A->pump();
	W(c, "after write to closed peer (RST)", ep, 8, 0);
}

static void
e_peer_rst(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, cli, EPOLLIN | EPOLLOUT | EPOLLRDHUP, 1);
	h_linger0(c, srv);
	A->pump();
	W(c, "RST", ep, 8, 0);
	h_getint(c, cli, SOL_SOCKET, SO_ERROR);
	W(c, "after SO_ERROR", ep, 8, 0);
}

static void
e_self_shutdown(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, 1);
	W(c, "before", ep, 8, 0);
	W(c, "ET none", ep, 8, 0);
	A->shutdown(srv, SHUT_WR);
	W(c, "self SHUT_WR", ep, 8, 0);
	A->shutdown(srv, SHUT_RD);
	W(c, "self SHUT_RD", ep, 8, 0);
}

static void
e_connect_out(struct dctx *c)
{
	int ep = h_epoll(c), fd;

	h_listener(c, 0, 4);
	fd = h_client(c, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, fd, EPOLLOUT | EPOLLET, 1);
	A->pump();
	W(c, "connected", ep, 8, 100);
	W(c, "ET: once", ep, 8, 0);
}

static void
e_connect_pending(struct dctx *c)
{
	int ep = h_epoll(c), fd;

	h_listener(c, 0, 0);
	h_client(c, SOCK_NONBLOCK);
	A->pump();
	fd = h_client(c, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, fd, EPOLLIN | EPOLLOUT, 1);
	A->pump();
	W(c, "SYN dropped: nothing", ep, 8, 0);
}

static void
e_connect_refused(struct dctx *c)
{
	int ep = h_epoll(c), fd, l = h_listener(c, 0, 4);

	A->close(l);
	fd = h_client(c, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, fd, EPOLLOUT, 1);
	A->pump();
	W(c, "refused", ep, 8, 100);
	h_getint(c, fd, SOL_SOCKET, SO_ERROR);
	W(c, "after SO_ERROR", ep, 8, 0);
}

static void
e_listener(struct dctx *c)
{
	int ep = h_epoll(c), l = h_listener(c, SOCK_NONBLOCK, 8);

	h_ep(c, ep, ADD, l, EPOLLIN, 1);
	W(c, "no conn", ep, 8, 0);
	h_client(c, SOCK_NONBLOCK);
	A->pump();
	W(c, "one", ep, 8, 0);
	W(c, "LT", ep, 8, 0);
	RF(c, "accept", A->accept4(l, NULL, NULL, 0));
	W(c, "accepted", ep, 8, 0);
	RF(c, "accept", A->accept4(l, NULL, NULL, 0));
}

static void
e_listener_et(struct dctx *c)
{
	int ep = h_epoll(c), l = h_listener(c, SOCK_NONBLOCK, 8);

	h_ep(c, ep, ADD, l, EPOLLIN | EPOLLET, 1);
	h_client(c, SOCK_NONBLOCK);
	A->pump();
	W(c, "one", ep, 8, 0);
	W(c, "ET none", ep, 8, 0);
	h_client(c, SOCK_NONBLOCK);
	A->pump();
	W(c, "second conn", ep, 8, 0);
	RF(c, "accept", A->accept4(l, NULL, NULL, 0));
	W(c, "none", ep, 8, 0);
}

/* A listener stops listening (SHUT_RD, Linux inet_shutdown ->
 * tcp_disconnect) after wakes and accepts: its events then are a closed
 * socket's, edge-triggered from what it was (pollnet keeps no last mask
 * for a listener, so it must settle one as it leaves LISTEN). */
static void
e_listener_shutdown_et(struct dctx *c)
{
	int ep = h_epoll(c), l = h_listener(c, SOCK_NONBLOCK, 8);

	h_ep(c, ep, ADD, l, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, 1);
	h_client(c, SOCK_NONBLOCK);
	A->pump();
	W(c, "one", ep, 8, 0);
	RF(c, "accept", A->accept4(l, NULL, NULL, 0));
	h_client(c, SOCK_NONBLOCK);
	A->pump();
	W(c, "second", ep, 8, 0);
	RI(c, "shutdown RD", A->shutdown(l, SHUT_RD));
	W(c, "after SHUT_RD", ep, 8, 0);
	W(c, "ET none", ep, 8, 0);
	RF(c, "accept after", A->accept4(l, NULL, NULL, 0));
}

static void
e_out_after_drain(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv, i, n = 0;
	struct epoll_event ev;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_setint(c, cli, SOL_SOCKET, SO_SNDBUF, 16384);
	h_setint(c, srv, SOL_SOCKET, SO_RCVBUF, 16384);
	h_ep(c, ep, ADD, cli, EPOLLOUT, 1);
	h_fill(c, cli);
	W(c, "full", ep, 8, 0);
	h_drain(c, srv);
	for (i = 0; i < 50 && n == 0; i++) {
		A->pump();
		n = A->epoll_wait(ep, &ev, 1, 100);
		if (n == 0)
			h_drain_quiet(c, srv);
	}
	L(c, "drained: %d %s", n, n > 0 && (ev.events & EPOLLOUT) ? "OUT" : "-");
}

static void
e_out_after_drain_et(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv, i, n = 0;
	struct epoll_event ev;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_setint(c, cli, SOL_SOCKET, SO_SNDBUF, 16384);
	h_setint(c, srv, SOL_SOCKET, SO_RCVBUF, 16384);
	h_ep(c, ep, ADD, cli, EPOLLOUT | EPOLLET, 1);
	W(c, "writable", ep, 8, 0);
	h_fill(c, cli);
	W(c, "full", ep, 8, 0);
	h_drain(c, srv);
	for (i = 0; i < 50 && n == 0; i++) {
		A->pump();
		n = A->epoll_wait(ep, &ev, 1, 100);
		if (n == 0)
			h_drain_quiet(c, srv);
	}
	L(c, "drained: %d %s", n, n > 0 && (ev.events & EPOLLOUT) ? "OUT" : "-");
}

static void
e_two_epolls(struct dctx *c)
{
	int ep1 = h_epoll(c), ep2 = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep1, ADD, srv, EPOLLIN, 1);
	h_ep(c, ep2, ADD, srv, EPOLLIN | EPOLLET, 2);
	A->write(cli, "ab", 2);
	A->pump();
	W(c, "ep1", ep1, 8, 0);
	W(c, "ep2", ep2, 8, 0);
	W(c, "ep1 LT", ep1, 8, 0);
	W(c, "ep2 ET", ep2, 8, 0);
	A->close(srv);
	W(c, "ep1 after close", ep1, 8, 0);
	W(c, "ep2 after close", ep2, 8, 0);
}

static void
e_exclusive_no_waiter(struct dctx *c)
{
	int ep1 = h_epoll(c), ep2 = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep1, ADD, srv, EPOLLIN | EPOLLEXCLUSIVE, 1);
	h_ep(c, ep2, ADD, srv, EPOLLIN | EPOLLEXCLUSIVE, 2);
	A->write(cli, "ab", 2);
	A->pump();
	W(c, "ep1", ep1, 8, 0);
	W(c, "ep2", ep2, 8, 0);
}

static int x_fd;

static void
h_late_write(void *arg)
{
	struct dctx *c = arg;

	A->write(x_fd, "late", 4);
}

static void
e_exclusive_waiter(struct dctx *c)
{
	int ep1 = h_epoll(c), ep2 = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep1, ADD, srv, EPOLLIN | EPOLLEXCLUSIVE, 1);
	h_ep(c, ep2, ADD, srv, EPOLLIN | EPOLLEXCLUSIVE, 2);
	x_fd = cli;
	A->later(50, h_late_write, c);
	W(c, "ep1 blocks, woken", ep1, 8, 5000);
	W(c, "ep2 not woken", ep2, 8, 0);
	W(c, "ep1 LT", ep1, 8, 0);
}

static void
e_exclusive_mixed(struct dctx *c)
{
	int ep1 = h_epoll(c), ep2 = h_epoll(c), ep3 = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep1, ADD, srv, EPOLLIN | EPOLLEXCLUSIVE, 1);
	h_ep(c, ep2, ADD, srv, EPOLLIN | EPOLLEXCLUSIVE, 2);
	h_ep(c, ep3, ADD, srv, EPOLLIN, 3);
	x_fd = cli;
	A->later(50, h_late_write, c);
	W(c, "ep1 blocks", ep1, 8, 5000);
	W(c, "ep2 (exclusive) not woken", ep2, 8, 0);
	W(c, "ep3 (not exclusive) woken", ep3, 8, 0);
}

static void
e_timeout_zero(struct dctx *c)
{
	int ep = h_epoll(c);
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));

	W(c, "empty set", ep, 8, 0);
	h_ep(c, ep, ADD, fd, EPOLLIN, 1);
	h_listener(c, 0, 4);
	W(c, "nothing ready", ep, 8, 0);
}

static void
e_timeout_n(struct dctx *c)
{
	int ep = h_epoll(c), l = h_listener(c, 0, 4);

	h_ep(c, ep, ADD, l, EPOLLIN, 1);
	W(c, "20 ms, nothing", ep, 8, 20);
}

static void
e_timeout_infinite(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN, 1);
	x_fd = cli;
	A->later(30, h_late_write, c);
	W(c, "-1 until data", ep, 8, -1);
}

static void
e_timeout_n_event(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN, 1);
	x_fd = cli;
	A->later(30, h_late_write, c);
	W(c, "5000 ms, data at 30", ep, 8, 5000);
}

static void
e_close_removes(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN, 1);
	A->write(cli, "ab", 2);
	A->pump();
	RI(c, "close", A->close(srv));
	W(c, "after close", ep, 8, 0);
	h_ep(c, ep, ADD, cli, EPOLLIN, 2);
	W(c, "client", ep, 8, 0);
}

static void
e_del(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN, 1);
	A->write(cli, "ab", 2);
	A->pump();
	h_ep(c, ep, DEL, srv, 0, 0);
	W(c, "after DEL", ep, 8, 0);
	h_ep(c, ep, ADD, srv, EPOLLIN, 2);
	W(c, "re-added", ep, 8, 0);
}

static void
e_mod_data_interest(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN, 1);
	W(c, "nothing", ep, 8, 0);
	h_ep(c, ep, MOD, srv, EPOLLOUT, 42);
	W(c, "OUT with new data", ep, 8, 0);
	h_ep(c, ep, MOD, srv, EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM, 43);
	A->write(cli, "ab", 2);
	A->pump();
	W(c, "all", ep, 8, 0);
}

static void
e_maxevents_rr(struct dctx *c)
{
	int ep = h_epoll(c), c1, s1, c2, s2, c3, s3;

	h_pair(c, &c1, &s1, SOCK_NONBLOCK);
	h_pair(c, &c2, &s2, SOCK_NONBLOCK);
	h_pair(c, &c3, &s3, SOCK_NONBLOCK);
	A->write(c1, "a", 1);
	A->write(c2, "b", 1);
	A->write(c3, "c", 1);
	A->pump();
	h_ep(c, ep, ADD, s1, EPOLLIN, 1);
	h_ep(c, ep, ADD, s2, EPOLLIN, 2);
	h_ep(c, ep, ADD, s3, EPOLLIN, 3);
	W(c, "1", ep, 1, 0);
	W(c, "2", ep, 1, 0);
	W(c, "3", ep, 1, 0);
	W(c, "4", ep, 2, 0);
	W(c, "5", ep, 8, 0);
}

static void
e_rcvlowat(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_setint(c, srv, SOL_SOCKET, SO_RCVLOWAT, 6);
	h_ep(c, ep, ADD, srv, EPOLLIN, 1);
	A->write(cli, "abc", 3);
	A->pump();
	W(c, "below lowat", ep, 8, 0);
	A->write(cli, "def", 3);
	A->pump();
	W(c, "at lowat", ep, 8, 0);
}

static void
e_pri_requested(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLPRI | EPOLLIN, 1);
	A->write(cli, "abc", 3);
	A->pump();
	W(c, "IN, no PRI", ep, 8, 0);
}

static void
e_same_socket_close_peer_et_hup(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;
	char buf[8];

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN | EPOLLRDHUP | EPOLLET, 1);
	A->write(cli, "abc", 3);
	A->shutdown(cli, SHUT_WR);
	A->pump();
	W(c, "data+FIN", ep, 8, 0);
	RI(c, "read", A->read(srv, buf, sizeof(buf)));
	RI(c, "read eof", A->read(srv, buf, sizeof(buf)));
	W(c, "ET none", ep, 8, 0);
	A->shutdown(srv, SHUT_RDWR);
	W(c, "after own shutdown", ep, 8, 0);
}

static void
e_epoll_of_closed_socket_fd_reuse(struct dctx *c)
{
	int ep = h_epoll(c);
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));

	h_ep(c, ep, ADD, fd, EPOLLIN, 1);
	A->close(fd);
	fd = RF(c, "socket (same number)", A->socket(AF_INET, SOCK_STREAM, 0));
	h_ep(c, ep, MOD, fd, EPOLLIN, 2);
	h_ep(c, ep, ADD, fd, EPOLLIN, 2);
}

/* Linux sock_def_readable wakes with EPOLLIN on every arrival: an ET
 * item fires again on more data though the socket was readable already
 * and nothing was read (the mask did not change). */
static void
e_et_more_data_unread(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN | EPOLLRDHUP | EPOLLET, 1);
	A->write(cli, "ab", 2);
	A->pump();
	W(c, "data", ep, 8, 0);
	W(c, "ET: none", ep, 8, 0);
	A->write(cli, "cd", 2);
	A->pump();
	W(c, "more data, none read", ep, 8, 0);
	W(c, "ET: none again", ep, 8, 0);
	A->shutdown(cli, SHUT_WR);
	A->pump();
	W(c, "FIN, none read", ep, 8, 0);
}

/* Level-triggered, read until EAGAIN (the EAGAIN shortcut and epoll's
 * quiet item): nothing until data, a FIN or a reset comes again. */
static void
e_lt_drained(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;
	char buf[8];

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN | EPOLLRDHUP, 1);
	A->write(cli, "abc", 3);
	A->pump();
	W(c, "data", ep, 8, 0);
	RI(c, "read", (int)A->read(srv, buf, sizeof(buf)));
	RI(c, "read EAGAIN", (int)A->read(srv, buf, sizeof(buf)));
	RI(c, "read EAGAIN again", (int)A->read(srv, buf, sizeof(buf)));
	W(c, "drained", ep, 8, 0);
	W(c, "drained again", ep, 8, 0);
	A->write(cli, "de", 2);
	A->pump();
	W(c, "new data", ep, 8, 0);
	RI(c, "read", (int)A->read(srv, buf, 1));
	W(c, "partly read", ep, 8, 0);
	RI(c, "read rest", (int)A->read(srv, buf, sizeof(buf)));
	RI(c, "read EAGAIN", (int)A->read(srv, buf, sizeof(buf)));
	W(c, "drained", ep, 8, 0);
	A->shutdown(cli, SHUT_WR);
	A->pump();
	W(c, "FIN", ep, 8, 0);
	RI(c, "read EOF", (int)A->read(srv, buf, sizeof(buf)));
	W(c, "FIN LT", ep, 8, 0);
}

/* As e_lt_drained with a second epoll watching EPOLLOUT: the drained
 * socket still reports to each as Linux. */
static void
e_lt_drained_two_epolls(struct dctx *c)
{
	int ep1 = h_epoll(c), ep2 = h_epoll(c), cli, srv;
	char buf[8];

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep1, ADD, srv, EPOLLIN, 1);
	h_ep(c, ep2, ADD, srv, EPOLLOUT | EPOLLET, 2);
	A->write(cli, "abc", 3);
	A->pump();
	W(c, "ep1 data", ep1, 8, 0);
	W(c, "ep2 writable", ep2, 8, 0);
	RI(c, "read", (int)A->read(srv, buf, sizeof(buf)));
	RI(c, "read EAGAIN", (int)A->read(srv, buf, sizeof(buf)));
	W(c, "ep1 drained", ep1, 8, 0);
	W(c, "ep2 ET none", ep2, 8, 0);
	A->write(cli, "d", 1);
	A->pump();
	W(c, "ep1 new data", ep1, 8, 0);
	W(c, "ep2 none", ep2, 8, 0);
}

/* Linux sends EPOLLOUT wake-ups (sk_stream_write_space) only once a
 * writer found no space: ACKs of a small write wake no ET item. */
static void
e_et_out_acked_no_wake(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, cli, EPOLLOUT | EPOLLET, 1);
	W(c, "writable", ep, 8, 0);
	RI(c, "write", (int)A->write(cli, "abcd", 4));
	A->pump();
	A->pump();
	W(c, "acked, no wake", ep, 8, 0);
}

/* A peer's reset on a drained level-triggered socket: EPOLLIN | ERR |
 * HUP at once (sk_error_report wakes every item). */
static void
e_lt_drained_rst(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;
	char buf[8];

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLIN, 1);
	A->write(cli, "ab", 2);
	A->pump();
	RI(c, "read", (int)A->read(srv, buf, sizeof(buf)));
	RI(c, "read EAGAIN", (int)A->read(srv, buf, sizeof(buf)));
	W(c, "drained", ep, 8, 0);
	h_linger0(c, cli);
	A->pump();
	W(c, "reset", ep, 8, 0);
	RI(c, "read", (int)A->read(srv, buf, sizeof(buf)));
}

#ifdef PN_DIFF_REAL /* the fake TCP has no urgent data */
/* Linux sock_def_readable's key holds EPOLLPRI: an ET item asking for
 * EPOLLPRI alone fires again on plain data while the urgent byte is
 * unread, and not once it is read. */
static void
e_et_pri_more_data(struct dctx *c)
{
	int ep = h_epoll(c), cli, srv;
	char buf[8];

	h_pair(c, &cli, &srv, SOCK_NONBLOCK);
	h_ep(c, ep, ADD, srv, EPOLLPRI | EPOLLET, 1);
	RI(c, "send MSG_OOB", (int)A->send(cli, "ab", 2, MSG_OOB));
	A->pump();
	W(c, "urgent", ep, 8, 0);
	W(c, "ET none", ep, 8, 0);
	RI(c, "send", (int)A->send(cli, "cd", 2, 0));
	A->pump();
	W(c, "plain data, urgent unread", ep, 8, 0);
	RI(c, "recv MSG_OOB", (int)A->recv(srv, buf, 1, MSG_OOB));
	RI(c, "send", (int)A->send(cli, "ef", 2, 0));
	A->pump();
	W(c, "plain data, urgent read", ep, 8, 0);
}
#endif

#include "cases_nested.c"

#define CASE(n) { #n, e_##n }
static const struct dcase cases[] = {
	CASE(create),
	CASE(ctl_exist_noent),
	CASE(ctl_einval),
	CASE(ctl_ebadf),
	CASE(ctl_efault),
	CASE(wait_errors),
	CASE(unconnected),
	CASE(lt_counts),
	CASE(et_counts),
	CASE(et_inout),
	CASE(et_out_only_no_in_wake),
	CASE(oneshot),
	CASE(oneshot_hup),
	CASE(oneshot_et),
	CASE(et_mod_rearm),
	CASE(rdhup_shutdown),
	CASE(rdhup_not_requested),
	CASE(peer_close),
	CASE(peer_rst),
	CASE(self_shutdown),
	CASE(connect_out),
	CASE(connect_pending),
	CASE(connect_refused),
	CASE(listener),
	CASE(listener_et),
	CASE(listener_shutdown_et),
	CASE(out_after_drain),
	CASE(out_after_drain_et),
	CASE(two_epolls),
	CASE(exclusive_no_waiter),
	CASE(exclusive_waiter),
	CASE(exclusive_mixed),
	CASE(timeout_zero),
	CASE(timeout_n),
	CASE(timeout_infinite),
	CASE(timeout_n_event),
	CASE(close_removes),
	CASE(del),
	CASE(mod_data_interest),
	CASE(maxevents_rr),
	CASE(rcvlowat),
	CASE(pri_requested),
	CASE(same_socket_close_peer_et_hup),
	CASE(epoll_of_closed_socket_fd_reuse),
	CASE(et_more_data_unread),
	CASE(lt_drained),
	CASE(lt_drained_two_epolls),
	CASE(et_out_acked_no_wake),
	CASE(lt_drained_rst),
#ifdef PN_DIFF_REAL
	CASE(et_pri_more_data),
#endif
	CASE(nested_ctl),
	CASE(nested_depth),
	CASE(nested_lt),
	CASE(nested_et),
	CASE(nested_inner_et),
	CASE(nested_oneshot),
	CASE(nested_ready_at_add),
	CASE(nested_three),
	CASE(nested_close_inner),
	CASE(nested_close_socket),
	CASE(nested_block),
};

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	return diff_main("epoll_diff", cases, RTE_DIM(cases));
}
