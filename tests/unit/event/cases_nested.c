/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Differential cases: an epoll fd inside another epoll (included by
 * test_epoll.c). Linux: the inner instance polls EPOLLIN while its ready
 * list holds an item with events; ELOOP for cycles and chains of more
 * than EP_MAX_NESTS + 1 = 5 instances.
 */

/* A listener + pair, @p srv watched (EPOLLIN, data 7) by a new inner epoll. */
static int
n_inner(struct dctx *c, int *cli, int *srv, uint32_t flags)
{
	int in = h_epoll(c);

	h_pair(c, cli, srv, SOCK_NONBLOCK);
	h_ep(c, in, ADD, *srv, EPOLLIN | flags, 7);
	return in;
}

static void
e_nested_ctl(struct dctx *c)
{
	int a = h_epoll(c), b = h_epoll(c), d = h_epoll(c);

	h_ep(c, a, ADD, a, EPOLLIN, 1);
	h_ep(c, a, ADD, b, EPOLLIN | EPOLLEXCLUSIVE, 1);
	h_ep(c, a, ADD, b, EPOLLIN, 1);
	h_ep(c, a, ADD, b, EPOLLIN, 1);
	h_ep(c, b, ADD, a, EPOLLIN, 1);
	h_ep(c, b, ADD, d, EPOLLIN, 2);
	h_ep(c, d, ADD, a, EPOLLIN, 3);
	h_ep(c, d, ADD, b, EPOLLIN, 3);
	h_ep(c, a, MOD, b, EPOLLIN | EPOLLET, 4);
	h_ep(c, a, MOD, d, EPOLLIN, 4);
	h_ep(c, a, DEL, b, 0, 0);
	h_ep(c, b, ADD, a, EPOLLIN, 5);
	W(c, "nothing ready", a, 8, 0);
}

/* e0 holds e1 holds e2 ...: built from the top, then from the bottom */
static void
e_nested_depth(struct dctx *c)
{
	int e[8], i;

	for (i = 0; i < 8; i++)
		e[i] = A->epoll_create1(0);
	for (i = 1; i < 8; i++)
		h_ep(c, e[i - 1], ADD, e[i], EPOLLIN, (uint32_t)i);
	for (i = 0; i < 8; i++)
		A->close(e[i]);
	for (i = 0; i < 8; i++)
		e[i] = A->epoll_create1(0);
	for (i = 7; i >= 1; i--)
		h_ep(c, e[i - 1], ADD, e[i], EPOLLIN, (uint32_t)i);
	/* a diamond (two paths to e7) is no cycle; e6 holding e5 is one */
	h_ep(c, e[5], ADD, e[7], EPOLLIN, 8);
	h_ep(c, e[6], ADD, e[5], EPOLLIN, 9);
}

static void
e_nested_lt(struct dctx *c)
{
	int out = h_epoll(c), cli, srv, in = n_inner(c, &cli, &srv, 0);
	char buf[8];

	h_ep(c, out, ADD, in, EPOLLIN | EPOLLOUT, 1);
	W(c, "empty", out, 8, 0);
	A->write(cli, "abcd", 4);
	A->pump();
	W(c, "1", out, 8, 0);
	W(c, "2", out, 8, 0);
	W(c, "inner", in, 8, 0);
	W(c, "3", out, 8, 0);
	RI(c, "read", A->read(srv, buf, sizeof(buf)));
	W(c, "after read", out, 8, 0);
	W(c, "inner after read", in, 8, 0);
}

static void
e_nested_et(struct dctx *c)
{
	int out = h_epoll(c), cli, srv, in = n_inner(c, &cli, &srv, 0);

	h_ep(c, out, ADD, in, EPOLLIN | EPOLLET, 1);
	W(c, "empty", out, 8, 0);
	A->write(cli, "ab", 2);
	A->pump();
	W(c, "1", out, 8, 0);
	W(c, "ET: once", out, 8, 0);
	A->write(cli, "cd", 2);
	A->pump();
	W(c, "more data", out, 8, 0);
	W(c, "ET: once again", out, 8, 0);
}

static void
e_nested_inner_et(struct dctx *c)
{
	int out = h_epoll(c), cli, srv, in = n_inner(c, &cli, &srv, EPOLLET);

	h_ep(c, out, ADD, in, EPOLLIN, 1);
	A->write(cli, "ab", 2);
	A->pump();
	W(c, "outer", out, 8, 0);
	W(c, "inner takes it", in, 8, 0);
	W(c, "outer after inner", out, 8, 0);
	A->write(cli, "cd", 2);
	A->pump();
	W(c, "outer, more data", out, 8, 0);
}

static void
e_nested_oneshot(struct dctx *c)
{
	int out = h_epoll(c), cli, srv, in = n_inner(c, &cli, &srv, 0);

	h_ep(c, out, ADD, in, EPOLLIN | EPOLLONESHOT, 1);
	A->write(cli, "ab", 2);
	A->pump();
	W(c, "1", out, 8, 0);
	W(c, "disarmed", out, 8, 0);
	A->write(cli, "cd", 2);
	A->pump();
	W(c, "disarmed, more data", out, 8, 0);
	h_ep(c, out, MOD, in, EPOLLIN | EPOLLONESHOT, 2);
	W(c, "re-armed", out, 8, 0);
}

static void
e_nested_ready_at_add(struct dctx *c)
{
	int out = h_epoll(c), cli, srv, in = n_inner(c, &cli, &srv, 0);

	A->write(cli, "ab", 2);
	A->pump();
	h_ep(c, out, ADD, in, EPOLLOUT, 1);
	W(c, "OUT interest only", out, 8, 0);
	h_ep(c, out, MOD, in, EPOLLIN | EPOLLOUT | EPOLLRDHUP, 2);
	W(c, "IN", out, 8, 0);
}

static void
e_nested_three(struct dctx *c)
{
	int top = h_epoll(c), mid = h_epoll(c), cli, srv;
	int in = n_inner(c, &cli, &srv, 0);

	h_ep(c, top, ADD, mid, EPOLLIN | EPOLLET, 1);
	h_ep(c, mid, ADD, in, EPOLLIN, 2);
	W(c, "empty", top, 8, 0);
	A->shutdown(cli, SHUT_WR);
	A->pump();
	W(c, "EOF", top, 8, 0);
	W(c, "mid", mid, 8, 0);
	W(c, "in", in, 8, 0);
}

static void
e_nested_close_inner(struct dctx *c)
{
	int out = h_epoll(c), cli, srv, in = n_inner(c, &cli, &srv, 0);

	h_ep(c, out, ADD, in, EPOLLIN, 1);
	A->write(cli, "ab", 2);
	A->pump();
	W(c, "ready", out, 8, 0);
	RI(c, "close inner", A->close(in));
	W(c, "after close", out, 8, 0);
	in = RF(c, "epoll again", A->epoll_create1(0));
	h_ep(c, out, MOD, in, EPOLLIN, 2);
	h_ep(c, out, ADD, in, EPOLLIN, 3);
	RI(c, "close outer", A->close(out));
	h_ep(c, in, ADD, srv, EPOLLIN, 4);
	W(c, "inner still works", in, 8, 0);
}

static void
e_nested_close_socket(struct dctx *c)
{
	int out = h_epoll(c), cli, srv, in = n_inner(c, &cli, &srv, 0);

	h_ep(c, out, ADD, in, EPOLLIN, 1);
	A->write(cli, "ab", 2);
	A->pump();
	W(c, "ready", out, 8, 0);
	RI(c, "close socket", A->close(srv));
	W(c, "outer after close", out, 8, 0);
	W(c, "inner after close", in, 8, 0);
}

static void
e_nested_block(struct dctx *c)
{
	int out = h_epoll(c), cli, srv, in = n_inner(c, &cli, &srv, 0);

	h_ep(c, out, ADD, in, EPOLLIN, 1);
	x_fd = cli;
	A->later(30, h_late_write, c);
	W(c, "-1 until data", out, 8, -1);
}
