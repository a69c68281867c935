/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fd table and what is pollnet-only (no Linux oracle): fd numbering,
 * EMFILE, per-lcore validity, calls from a thread that is not a pollnet
 * lcore (EPERM, no state touched), the kernel eventfd of an epoll
 * instance (nested too), the zero-copy calls, blocking calls that sleep
 * until SO_RCVTIMEO and end with EINTR on pn_lcore_stop(). Runs over the
 * fake TCP.
 */
#include <poll.h>
#include <pthread.h>

#include "fake_tcp.c"
#include "diff_harness.c"
#include "sock_priv.h"

static struct dctx C;

static int
setup(void **state)
{
	RTE_SET_USED(state);
	pw_begin();
	memset(&C, 0, sizeof(C));
	C.a = &pw;
	return 0;
}

static int
teardown(void **state)
{
	RTE_SET_USED(state);
	pw_end();
	return 0;
}

static void
test_fd_numbers(void **state)
{
	int a, b, d;

	RTE_SET_USED(state);
	a = pn_socket(AF_INET, SOCK_STREAM, 0);
	b = pn_epoll_create1(0);
	assert_true(a >= PN_FD_BASE && pn_is_fd(a));
	assert_int_equal(b, a + 1);
	assert_false(pn_is_fd(0));
	assert_int_equal(pn_close(a), 0);
	d = pn_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(d, a); /* lowest free, as Linux */
	assert_int_equal(pn_close(0), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(pn_close(-1), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(pn_close(PN_FD_BASE + 65535), -1);
	assert_int_equal(errno, EBADF);
}

static void
test_emfile(void **state)
{
	struct pn_sock_lcore *small;
	int i;

	RTE_SET_USED(state);
	assert_int_equal(pn_sock_lcore_create(&PW->lc, PW->tcp, &fake_tcp_ops,
					      4, NULL, &small), 0);
	pn_sock_lcore_enter(small);
	for (i = 0; i < 4; i++)
		assert_true(pn_socket(AF_INET, SOCK_STREAM, 0) >= 0);
	assert_int_equal(pn_socket(AF_INET, SOCK_STREAM, 0), -1);
	assert_int_equal(errno, EMFILE);
	assert_int_equal(pn_epoll_create1(0), -1);
	assert_int_equal(errno, EMFILE);
	pn_sock_lcore_free(small);
	pn_sock_lcore_enter(PW->sl);
	assert_int_equal(pn_sock_lcore_create(&PW->lc, PW->tcp, &fake_tcp_ops,
					      0, NULL, &small), -EINVAL);
}

static void
test_other_lcore_fd(void **state)
{
	struct pn_lcore lc1;
	struct pn_napi_conf conf;
	struct pn_sock_lcore *sl1;
	int fd;

	RTE_SET_USED(state);
	pn_napi_conf_default(&conf);
	assert_int_equal(pn_lcore_init(&lc1, &PW->shards, 1, &conf,
				       &PW->clock, SOCKET_ID_ANY), 0);
	assert_int_equal(pn_sock_lcore_create(&lc1, PW->tcp, &fake_tcp_ops, 16,
					      NULL, &sl1), 0);
	fd = pn_socket(AF_INET, SOCK_STREAM, 0); /* on shard 0 */
	pn_sock_lcore_enter(sl1);
	assert_int_equal(pn_close(fd), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(pn_listen(fd, 1), -1);
	assert_int_equal(errno, EBADF);
	pn_sock_lcore_enter(PW->sl);
	assert_int_equal(pn_close(fd), 0);
	pn_sock_lcore_free(sl1);
	pn_lcore_fini(&lc1);
}

/* The fd encoding at its limits: positive ints, above the kernel's range,
 * shard and slot recovered, corners distinct. */
static void
test_fd_encoding(void **state)
{
	const uint32_t last_shard = PN_MAX_SHARDS - 1;
	const uint32_t last_slot = PN_FD_MAX_PER_LCORE - 1;
	uint32_t shard, slot;

	RTE_SET_USED(state);
	assert_true(PN_FD_MAX_PER_LCORE >= 16777216u); /* tcp max_conns top */
	assert_int_equal(sock_fd_make(0, 0), PN_FD_BASE);
	assert_int_equal(sock_fd_make(last_shard, last_slot), INT_MAX);
	assert_true(sock_fd_make(0, last_slot) < sock_fd_make(1, 0));
	assert_true(sock_fd_split(sock_fd_make(last_shard, last_slot), &shard,
				  &slot));
	assert_int_equal(shard, last_shard);
	assert_int_equal(slot, last_slot);
	assert_true(sock_fd_split(sock_fd_make(1, 70000), &shard, &slot));
	assert_int_equal(shard, 1);
	assert_int_equal(slot, 70000);
	assert_false(sock_fd_split(PN_FD_BASE - 1, &shard, &slot));
	assert_false(sock_fd_split(-1, &shard, &slot));
	assert_false(sock_fd_split(INT_MIN, &shard, &slot));
}

/* Numbers that are not an open fd of this lcore: EBADF, nothing touched. */
static void
test_fd_bad(void **state)
{
	static const int bad[] = {
		-1, INT_MIN, 0, PN_FD_BASE - 1,
		PN_FD_BASE + 1024,      /* slot == max_fds (1024) */
		PN_FD_BASE + 65535,     /* the old 16-bit slot's last */
		PN_FD_BASE + 65536,     /* shard 1 under the old encoding */
		PN_FD_BASE | 1 << PN_FD_SHARD_SHIFT, /* shard 1, slot 0 */
		INT_MAX,                /* last shard, last slot */
	};
	int fd;

	RTE_SET_USED(state);
	fd = pn_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(fd, PN_FD_BASE);
	for (size_t i = 0; i < RTE_DIM(bad); i++) {
		assert_int_equal(pn_close(bad[i]), -1);
		assert_int_equal(errno, EBADF);
		assert_int_equal(pn_listen(bad[i], 1), -1);
		assert_int_equal(errno, EBADF);
	}
	assert_int_equal(PW->sl->nb_open, 1);
	assert_int_equal(pn_close(fd), 0);
}

/* The last shard's fds: positive, its shard, EBADF elsewhere. */
static void
test_fd_last_shard(void **state)
{
	struct pn_lcore lc63;
	struct pn_napi_conf conf;
	struct pn_sock_lcore *sl63;
	int fd;

	RTE_SET_USED(state);
	pn_napi_conf_default(&conf);
	assert_int_equal(pn_lcore_init(&lc63, &PW->shards, PN_MAX_SHARDS - 1,
				       &conf, &PW->clock, SOCKET_ID_ANY), 0);
	assert_int_equal(pn_sock_lcore_create(&lc63, PW->tcp, &fake_tcp_ops, 16,
					      NULL, &sl63), 0);
	pn_sock_lcore_enter(sl63);
	fd = pn_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(fd, sock_fd_make(PN_MAX_SHARDS - 1, 0));
	assert_true(fd > 0 && pn_is_fd(fd));
	pn_sock_lcore_enter(PW->sl);
	assert_int_equal(pn_close(fd), -1);
	assert_int_equal(errno, EBADF);
	pn_sock_lcore_enter(sl63);
	assert_int_equal(pn_close(fd), 0);
	pn_sock_lcore_enter(PW->sl);
	pn_sock_lcore_free(sl63);
	pn_lcore_fini(&lc63);
}

/*
 * A table wider than the old 16-bit slot: slots past 65535 work, the
 * lowest free slot is still handed out across bitmap words (63, 4095:
 * the last of a word and of a full-bits word), the last slot is
 * max_fds - 1, then EMFILE. Sizes out of range are EINVAL.
 */
static void
test_fd_wide_table(void **state)
{
	const uint32_t n = 70000;
	struct pn_sock_lcore *wide;
	int fd;

	RTE_SET_USED(state);
	assert_int_equal(pn_sock_lcore_create(&PW->lc, PW->tcp, &fake_tcp_ops,
					      PN_FD_MAX_PER_LCORE + 1, NULL, &wide),
			 -EINVAL);
	assert_int_equal(pn_sock_lcore_create(&PW->lc, PW->tcp, &fake_tcp_ops,
					      n, NULL, &wide), 0);
	pn_sock_lcore_enter(wide);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(pn_socket(AF_INET, SOCK_STREAM, 0),
				 sock_fd_make(0, i));
	assert_int_equal(pn_socket(AF_INET, SOCK_STREAM, 0), -1);
	assert_int_equal(errno, EMFILE);
	assert_int_equal(pn_close(sock_fd_make(0, 65536)), 0);
	assert_int_equal(pn_close(sock_fd_make(0, 4095)), 0);
	assert_int_equal(pn_close(sock_fd_make(0, 63)), 0);
	assert_int_equal(pn_close(sock_fd_make(0, n - 1)), 0);
	assert_int_equal(pn_close(sock_fd_make(0, n - 1)), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(wide->nb_open, n - 4);
	assert_int_equal(pn_socket(AF_INET, SOCK_STREAM, 0), sock_fd_make(0, 63));
	assert_int_equal(pn_socket(AF_INET, SOCK_STREAM, 0),
			 sock_fd_make(0, 4095));
	assert_int_equal(pn_socket(AF_INET, SOCK_STREAM, 0),
			 sock_fd_make(0, 65536));
	fd = pn_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(fd, sock_fd_make(0, n - 1));
	assert_int_equal(pn_socket(AF_INET, SOCK_STREAM, 0), -1);
	assert_int_equal(errno, EMFILE);
	/* an epoll among the sockets: closed first, the sockets after it
	 * still closed (ASan: no leak) */
	assert_int_equal(pn_close(sock_fd_make(0, 64)), 0);
	assert_int_equal(pn_epoll_create1(0), sock_fd_make(0, 64));
	pn_sock_lcore_enter(PW->sl);
	pn_sock_lcore_free(wide);
	/* the largest table is allocated, not touched: no 16M-entry scan */
	assert_int_equal(pn_sock_lcore_create(&PW->lc, PW->tcp, &fake_tcp_ops,
					      PN_FD_MAX_PER_LCORE, NULL, &wide), 0);
	pn_sock_lcore_enter(wide);
	assert_int_equal(pn_socket(AF_INET, SOCK_STREAM, 0), sock_fd_make(0, 0));
	pn_sock_lcore_enter(PW->sl);
	pn_sock_lcore_free(wide);
}

/* The per-port bind lists: a closed socket frees its port, a bound one
 * holds it whatever else is open, bind(port 0) skips it. */
static void
test_bind_lists(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(5000) };
	socklen_t len = sizeof(sin);
	int a, b, c;

	RTE_SET_USED(state);
	a = pn_socket(AF_INET, SOCK_STREAM, 0);
	b = pn_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(pn_bind(a, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(pn_bind(b, (struct sockaddr *)&sin, sizeof(sin)), -1);
	assert_int_equal(errno, EADDRINUSE);
	assert_int_equal(pn_close(a), 0);
	assert_int_equal(pn_bind(b, (struct sockaddr *)&sin, sizeof(sin)), 0);
	/* port 0: an ephemeral port, never b's */
	c = pn_socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_port = 0;
	assert_int_equal(pn_bind(c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(pn_getsockname(c, (struct sockaddr *)&sin, &len), 0);
	assert_true(ntohs(sin.sin_port) >= 32768 && ntohs(sin.sin_port) != 5000);
	assert_int_equal(pn_bind(b, (struct sockaddr *)&sin, sizeof(sin)), -1);
	assert_int_equal(errno, EINVAL); /* already bound */
	a = pn_socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(pn_bind(a, (struct sockaddr *)&sin, sizeof(sin)), -1);
	assert_int_equal(errno, EADDRINUSE);
	assert_int_equal(pn_close(a), 0);
	assert_int_equal(pn_close(b), 0);
	assert_int_equal(pn_close(c), 0);
}

struct thr {
	int fd, ep;
	int rc[6], err[6];
};

static void *
thr_main(void *p)
{
	struct thr *t = p;
	struct epoll_event ev;
	char b;

	t->rc[0] = pn_socket(AF_INET, SOCK_STREAM, 0);
	t->err[0] = errno;
	t->rc[1] = pn_close(t->fd);
	t->err[1] = errno;
	t->rc[2] = pn_epoll_wait(t->ep, &ev, 1, 0);
	t->err[2] = errno;
	t->rc[3] = (int)pn_read(t->fd, &b, 1);
	t->err[3] = errno;
	t->rc[4] = pn_epoll_create1(0);
	t->err[4] = errno;
	t->rc[5] = pn_fcntl(t->fd, F_GETFL);
	t->err[5] = errno;
	return NULL;
}

static void
test_not_an_lcore(void **state)
{
	struct thr t = { 0 };
	pthread_t th;
	int i;

	RTE_SET_USED(state);
	t.fd = pn_socket(AF_INET, SOCK_STREAM, 0);
	t.ep = pn_epoll_create1(0);
	assert_int_equal(pthread_create(&th, NULL, thr_main, &t), 0);
	pthread_join(th, NULL);
	for (i = 0; i < 6; i++) {
		assert_int_equal(t.rc[i], -1);
		assert_int_equal(t.err[i], EPERM);
	}
	/* nothing was touched */
	assert_int_equal(pn_fcntl(t.fd, F_GETFL), O_RDWR);
	assert_int_equal(pn_close(t.fd), 0);
	assert_int_equal(pn_close(t.ep), 0);
}

static int
efd_readable(int efd)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };

	return poll(&p, 1, 0);
}

static void
test_epoll_kernel_fd(void **state)
{
	int ep, efd, cli, srv;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.u32 = 5 };
	char buf[8];

	RTE_SET_USED(state);
	ep = pn_epoll_create1(0);
	efd = pn_epoll_fd_kernel(ep);
	assert_true(efd >= 0 && efd < PN_FD_BASE);
	assert_int_equal(pn_epoll_fd_kernel(ep), efd);
	assert_int_equal(efd_readable(efd), 0);
	h_pair(&C, &cli, &srv, SOCK_NONBLOCK);
	assert_int_equal(pn_epoll_ctl(ep, EPOLL_CTL_ADD, srv, &ev), 0);
	assert_int_equal(efd_readable(efd), 0);
	pn_write(cli, "hi", 2);
	pw_pump();
	assert_int_equal(efd_readable(efd), 1);
	assert_int_equal(pn_epoll_wait(ep, &ev, 1, 0), 1);
	assert_int_equal(ev.data.u32, 5);
	assert_int_equal(efd_readable(efd), 0); /* ET: reported, gone */
	assert_int_equal(pn_read(srv, buf, sizeof(buf)), 2);
	assert_int_equal(pn_epoll_fd_kernel(srv), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(pn_epoll_fd_kernel(PN_FD_BASE + 4000), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(pn_close(ep), 0);
}

static void
test_zero_copy(void **state)
{
	int cli, srv, n;
	struct iovec iov[4];
	struct rte_mbuf *m;
	char buf[16] = { 0 };

	RTE_SET_USED(state);
	h_pair(&C, &cli, &srv, SOCK_NONBLOCK);
	m = pn_test_mbuf("zero-copy", 9);
	assert_int_equal(pn_send_mbuf(cli, m), 9);
	pw_pump();
	n = pn_recv_zc(srv, iov, 4);
	assert_int_equal(n, 1);
	assert_int_equal(iov[0].iov_len, 9);
	assert_memory_equal(iov[0].iov_base, "zero-copy", 9);
	assert_int_equal(pn_recv_zc_done(srv, 5), 0);
	assert_int_equal(pn_read(srv, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "copy");
	assert_int_equal(pn_recv_zc(srv, iov, 4), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(pn_recv_zc(srv, iov, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(pn_send_mbuf(srv, NULL), -1);
	assert_int_equal(errno, EFAULT);
	pn_shutdown(cli, SHUT_WR);
	pw_pump();
	assert_int_equal(pn_recv_zc(srv, iov, 4), 0); /* EOF */
}

static void
test_wakeups_not_scans(void **state)
{
	int cli, srv, ep, i;
	int many[64];
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned int w0;

	RTE_SET_USED(state);
	ep = pn_epoll_create1(0);
	h_pair(&C, &cli, &srv, SOCK_NONBLOCK);
	for (i = 0; i < 64; i++) {
		many[i] = pn_socket(AF_INET, SOCK_STREAM, 0);
		ev.events = EPOLLIN;
		ev.data.u32 = 100;
		assert_int_equal(pn_epoll_ctl(ep, EPOLL_CTL_ADD, many[i], &ev), 0);
	}
	/* idle sockets report HUP once (level): drain them via DEL */
	for (i = 0; i < 64; i++)
		assert_int_equal(pn_epoll_ctl(ep, EPOLL_CTL_DEL, many[i], NULL), 0);
	ev.events = EPOLLIN;
	ev.data.u32 = 1;
	assert_int_equal(pn_epoll_ctl(ep, EPOLL_CTL_ADD, srv, &ev), 0);
	w0 = fake_tcp_wakeups(PW->tcp);
	pn_write(cli, "x", 1);
	pw_pump();
	assert_true(fake_tcp_wakeups(PW->tcp) > w0);
	assert_int_equal(pn_epoll_wait(ep, &ev, 1, 0), 1);
	assert_int_equal(ev.data.u32, 1);
}

/* SO_RCVTIMEO waits by sleeping in the lcore loop until the deadline. */
static void
test_timeo_sleeps(void **state)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = 100000 };
	uint64_t t0, r0;
	int cli, srv;
	char b;

	RTE_SET_USED(state);
	h_pair(&C, &cli, &srv, 0);
	assert_int_equal(pn_setsockopt(srv, SOL_SOCKET, SO_RCVTIMEO, &tv,
				       sizeof(tv)), 0);
	t0 = pn_clock_now(&PW->clock);
	r0 = PW->lc.stat.rounds;
	assert_int_equal(pn_read(srv, &b, 1), -1);
	assert_int_equal(errno, EAGAIN);
	/* the (virtual) clock reached the deadline, in a few rounds */
	assert_true(pn_clock_now(&PW->clock) - t0 >= 100 * PN_NS_PER_MS);
	assert_true(PW->lc.stat.rounds - r0 <= 8);
}

/* pn_lcore_stop() ends blocking socket calls with EINTR, like a signal. */
static void
test_block_eintr(void **state)
{
	struct sockaddr_in sin;
	int cli, srv, l;
	char b;

	RTE_SET_USED(state);
	l = h_pair(&C, &cli, &srv, 0);
	atomic_store(&PW->lc.stop, true);
	assert_int_equal(pn_read(srv, &b, 1), -1);
	assert_int_equal(errno, EINTR);
	assert_int_equal(pn_accept(l, NULL, NULL), -1);
	assert_int_equal(errno, EINTR);
	/* nothing was lost: data still reads once the loop runs again */
	atomic_store(&PW->lc.stop, false);
	assert_int_equal(pn_write(cli, "k", 1), 1);
	pw_pump();
	assert_int_equal(pn_read(srv, &b, 1), 1);
	assert_int_equal(b, 'k');
	/* a blocking connect started before the stop reports EINTR too */
	cli = pn_socket(AF_INET, SOCK_STREAM, 0);
	saddr(&sin, pw.srv_ip, C.port);
	atomic_store(&PW->lc.stop, true);
	assert_int_equal(pn_connect(cli, (struct sockaddr *)&sin, sizeof(sin)),
			 -1);
	assert_int_equal(errno, EINTR);
	atomic_store(&PW->lc.stop, false);
}

/* A nested epoll: the outer's kernel eventfd follows the inner's events. */
static void
test_nested_kernel_fd(void **state)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int cli, srv, in, out, efd;
	char buf[4];

	RTE_SET_USED(state);
	h_pair(&C, &cli, &srv, SOCK_NONBLOCK);
	in = pn_epoll_create1(0);
	out = pn_epoll_create1(0);
	assert_int_equal(pn_epoll_ctl(in, EPOLL_CTL_ADD, srv, &ev), 0);
	assert_int_equal(pn_epoll_ctl(out, EPOLL_CTL_ADD, in, &ev), 0);
	efd = pn_epoll_fd_kernel(out);
	assert_true(efd >= 0);
	assert_int_equal(efd_readable(efd), 0);
	pn_write(cli, "ab", 2);
	pw_pump();
	assert_int_equal(efd_readable(efd), 1);
	assert_int_equal(pn_read(srv, buf, sizeof(buf)), 2);
	/* LT: the outer item stays queued until a wait finds nothing */
	assert_int_equal(pn_epoll_wait(out, &ev, 1, 0), 0);
	assert_int_equal(efd_readable(efd), 0);
	/* closing the socket empties the inner, closing the inner the outer */
	pn_write(cli, "c", 1);
	pw_pump();
	assert_int_equal(efd_readable(efd), 1);
	assert_int_equal(pn_close(in), 0);
	assert_int_equal(efd_readable(efd), 0);
	assert_int_equal(pn_epoll_wait(out, &ev, 1, 0), 0);
	assert_int_equal(pn_close(out), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fd_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_emfile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_encoding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_last_shard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_wide_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_lcore_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_an_lcore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_epoll_kernel_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wakeups_not_scans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeo_sleeps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_eintr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_kernel_fd, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
