/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP forwarder's relay (app/examples/svc_fwd.h) over Linux
 * socketpairs: client <-> [side A | side B] <-> backend. Bytes pass both
 * ways unchanged; a full buffer stops reading that side (interest without
 * EPOLLIN) until the other side drains; EOF becomes SHUT_WR on the other
 * side once the buffer is sent; an error resets.
 */
#define PN_LINUX
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../../app/examples/compat.h"
#define pn_shutdown shutdown
#define pn_getsockopt getsockopt
#include "../../../app/examples/svc_fwd.h"

struct rig {
	int client, backend;       /* the far ends */
	struct svc_fwd_side a, b;  /* a: the client's side, b: the backend's */
};

static void
rig_init(struct rig *r)
{
	int c[2], s[2], small = 4096;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, c), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s), 0);
	setsockopt(c[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	setsockopt(s[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	r->client = c[1];
	r->backend = s[1];
	svc_fwd_side_init(&r->a, c[0], false);
	svc_fwd_side_init(&r->b, s[0], false);
	r->a.peer = &r->b;
	r->b.peer = &r->a;
}

static void
rig_fini(struct rig *r)
{
	close(r->client);
	close(r->backend);
	close(r->a.fd);
	close(r->b.fd);
}

static size_t
drain(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	ssize_t n;

	while (got < cap && (n = read(fd, buf + got, cap - got)) > 0)
		got += (size_t)n;
	return got;
}

static void
test_relay_both_ways_with_backpressure(void **state)
{
	static char in[16 * SVC_FWD_BUF], out[16 * SVC_FWD_BUF];
	struct rig r;
	size_t sent = 0, got = 0, i;
	ssize_t n;
	int rounds = 0;

	(void)state;
	rig_init(&r);
	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)(i * 7 + i / 251);
	/* the backend reads nothing at first: the relay must stop reading */
	while (rounds++ < 1000) {
		n = write(r.client, in + sent, sizeof(in) - sent);
		if (n > 0)
			sent += (size_t)n;
		assert_int_equal(svc_fwd_event(&r.a, EPOLLIN), 0);
		if (!(svc_fwd_interest(&r.a) & EPOLLIN))
			break;
	}
	assert_int_equal(r.a.len - r.a.off, SVC_FWD_BUF);  /* full, bounded */
	assert_false(svc_fwd_interest(&r.a) & EPOLLIN);   /* stop reading */
	assert_true(svc_fwd_interest(&r.b) & EPOLLOUT);   /* wait for room */
	/* now the backend drains; everything arrives in order */
	for (rounds = 0; got < sizeof(in) && rounds < 100000; rounds++) {
		got += drain(r.backend, out + got, sizeof(out) - got);
		if (sent < sizeof(in) && (n = write(r.client, in + sent, sizeof(in) - sent)) > 0)
			sent += (size_t)n;
		assert_int_equal(svc_fwd_event(&r.b, EPOLLOUT), 0);
	}
	assert_int_equal(got, sizeof(in));
	assert_memory_equal(in, out, sizeof(in));
	/* and back */
	assert_int_equal(write(r.backend, "pong", 4), 4);
	assert_int_equal(svc_fwd_event(&r.b, EPOLLIN), 0);
	assert_int_equal(drain(r.client, out, sizeof(out)), 4);
	assert_memory_equal(out, "pong", 4);
	rig_fini(&r);
}

static void
test_half_close_both_ways(void **state)
{
	struct rig r;
	char buf[64];

	(void)state;
	rig_init(&r);
	assert_int_equal(write(r.client, "req", 3), 3);
	shutdown(r.client, SHUT_WR);
	assert_int_equal(svc_fwd_event(&r.a, EPOLLIN), 0);
	assert_true(r.a.eof);
	assert_true(r.b.shut);   /* the FIN went on, after the bytes */
	assert_int_equal(drain(r.backend, buf, sizeof(buf)), 3);
	assert_int_equal(read(r.backend, buf, sizeof(buf)), 0);
	/* the backend still answers, then closes its side: done */
	assert_int_equal(write(r.backend, "answer", 6), 6);
	shutdown(r.backend, SHUT_WR);
	assert_int_equal(svc_fwd_event(&r.b, EPOLLIN), 1);
	assert_int_equal(drain(r.client, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "answer", 6);
	assert_int_equal(read(r.client, buf, sizeof(buf)), 0);
	rig_fini(&r);
}

static void
test_error_resets(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r);
	assert_int_equal(svc_fwd_event(&r.a, EPOLLERR), -1);
	/* a backend gone while data waits for it */
	assert_int_equal(write(r.client, "x", 1), 1);
	close(r.backend);
	r.backend = -1;
	assert_int_equal(svc_fwd_event(&r.a, EPOLLIN), -1);
	rig_fini(&r);
}

static void
test_connecting_backend(void **state)
{
	struct rig r;

	(void)state;
	rig_init(&r);
	r.b.connecting = true;
	assert_int_equal(svc_fwd_interest(&r.b), EPOLLOUT);
	assert_int_equal(write(r.client, "early", 5), 5);
	/* read and held until the connect completes */
	assert_int_equal(svc_fwd_event(&r.a, EPOLLIN), 0);
	assert_int_equal(r.a.len, 5);
	/* SO_ERROR 0 on the socketpair: the connect "completed" */
	assert_int_equal(svc_fwd_event(&r.b, EPOLLOUT), 0);
	assert_false(r.b.connecting);
	assert_int_equal(r.a.len, 0);
	rig_fini(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relay_both_ways_with_backpressure),
		cmocka_unit_test(test_half_close_both_ways),
		cmocka_unit_test(test_error_resets),
		cmocka_unit_test(test_connecting_backend),
	};

	return cmocka_run_group_tests_name("svc_fwd", tests, NULL, NULL);
}
