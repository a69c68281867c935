/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp-idle: how many idle connections one event loop holds, and what each
 * costs. The client opens --conns connections at --rate per second,
 * spread round-robin over the server's --ports P1-P2, and holds them; the
 * server listens on every port of the range, accepts and holds. Held
 * descriptors are in no epoll set: an idle connection costs the stack
 * its state only. The server samples its memory (RSS; pollnet also the
 * DPDK heap) once listening and again when stopped; the summary divides
 * the growth by the connections held.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_malloc.h>

#include "bench.h"
#include "tcp.h"

#define IDLE_EVENTS   256
#define IDLE_LISTENER (1ull << 63) /* epoll data: a listener, port index */
#define IDLE_INFLIGHT 4096        /* client: connects in flight at most */
#define IDLE_BACKLOG  4096
/* epoll_wait timeouts: 1 ms paces the client's connects; once nothing is
 * left to start, 100 ms only bounds how late the stop is seen, and lets
 * the lcore sleep (a wait shorter than its 1 ms minimum sleep busy-polls):
 * a loop holding idle connections should cost no CPU. */
#define IDLE_PACE_MS  1
#define IDLE_HOLD_MS  100

/* Resident set in bytes (/proc/self/statm), 0 when unreadable. */
static uint64_t
idle_rss(void)
{
	unsigned long long size, res;
	FILE *f = fopen("/proc/self/statm", "r");
	int n;

	if (f == NULL)
		return 0;
	n = fscanf(f, "%llu %llu", &size, &res);
	fclose(f);
	return n == 2 ? res * (uint64_t)sysconf(_SC_PAGESIZE) : 0;
}

/* DPDK heap bytes allocated (pollnet only: Linux has no EAL). */
static uint64_t
idle_heap(const struct tb_ctx *ctx)
{
	struct rte_malloc_socket_stats st;

	if (ctx->tc->stack != TB_POLLNET ||
	    rte_malloc_get_socket_stats((int)rte_socket_id(), &st) != 0)
		return 0;
	return st.heap_allocsz_bytes;
}

static void
idle_sample(struct tb_thread *t, int i)
{
	struct tb_ctx *ctx = t->ctx;

	if (t->id != 0)
		return;
	ctx->mem_rss[i] = idle_rss();
	ctx->mem_heap[i] = idle_heap(ctx);
}

/* Keep @p fd: the growing array of held descriptors. */
static int
idle_hold(struct tb_thread *t, int fd)
{
	if (t->nheld == t->held_cap) {
		uint32_t cap = t->held_cap ? t->held_cap * 2 : 1024;
		int *p = realloc(t->held, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		t->held = p;
		t->held_cap = cap;
	}
	t->held[t->nheld++] = fd;
	return 0;
}

static int
idle_listen(struct tb_thread *t)
{
	const struct tb_conf *tc = t->ctx->tc;
	uint32_t n = (uint32_t)tc->port_hi - tc->port + 1u;
	int one = 1;

	t->lfds = calloc(n, sizeof(*t->lfds));
	if (t->lfds == NULL)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
			.sin_port = htons((uint16_t)(tc->port + i)),
			.sin_addr.s_addr = htonl(INADDR_ANY),
		};
		struct epoll_event ev = { .events = EPOLLIN,
					  .data.u64 = IDLE_LISTENER | i };
		int fd = t->ops->socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

		if (fd < 0)
			return -1;
		t->lfds[t->nlfds++] = fd;
		t->ops->setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		t->ops->setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
		if (t->ops->bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
		    t->ops->listen(fd, IDLE_BACKLOG) < 0 ||
		    t->ops->epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			fprintf(stderr, BENCH_PROG ": listen on port %u (%s): %s\n",
				tc->port + i, t->ops->name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void
idle_accept(struct tb_thread *t, uint32_t i)
{
	int fd;

	while ((fd = t->ops->accept4(t->lfds[i], NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		if (idle_hold(t, fd) < 0) {
			t->ops->close(fd);
			TB_ADD(t, io_errors, 1);
			continue;
		}
		TB_ADD(t, conns_accepted, 1);
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		t->accept_errno = 0;
		return;
	}
	/* EMFILE/ENFILE/ENOBUFS: the limit; counted and said once per run of
	 * failures, not at every poll of the still-readable listener */
	if (errno != t->accept_errno) {
		fprintf(stderr, BENCH_PROG ": accept after %u connections: %s\n",
			t->nheld, strerror(errno));
		TB_ADD(t, io_errors, 1);
		t->accept_errno = errno;
	}
}

/* Client: start connection number @p k (its port: round-robin). */
static void
idle_connect(struct tb_thread *t, uint32_t k)
{
	const struct tb_conf *tc = t->ctx->tc;
	uint32_t nports = (uint32_t)tc->port_hi - tc->port + 1u;
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons((uint16_t)(tc->port + k % nports)),
		.sin_addr.s_addr = htonl(tc->ip),
	};
	struct epoll_event ev = { .events = EPOLLOUT, .data.u64 = 0 };
	int fd = t->ops->socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0)
		goto err;
	ev.data.u64 = (uint64_t)fd;
	if ((t->ops->connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 &&
	     errno != EINPROGRESS) ||
	    t->ops->epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		t->ops->close(fd);
		goto err;
	}
	t->nconnecting++;
	return;
err:
	if (atomic_load_explicit(&t->c.connect_errors, memory_order_relaxed) == 0)
		fprintf(stderr, BENCH_PROG ": connection %u: %s\n", k,
			strerror(errno));
	TB_ADD(t, connect_errors, 1);
}

/* Client: a connect finished; hold it (out of epoll) or count the failure. */
static void
idle_connected(struct tb_thread *t, int fd, uint32_t ev)
{
	int err = 0;
	socklen_t l = sizeof(err);

	if (t->ops->getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
		err = errno;
	if (err == 0 && (ev & (EPOLLERR | EPOLLHUP)))
		err = ECONNABORTED;
	if (err == 0 && !(ev & EPOLLOUT))
		return;
	t->ops->epoll_ctl(t->ep, EPOLL_CTL_DEL, fd, NULL);
	t->nconnecting--;
	if (err == 0 && idle_hold(t, fd) == 0) {
		TB_ADD(t, conns_opened, 1);
		return;
	}
	if (atomic_load_explicit(&t->c.connect_errors, memory_order_relaxed) == 0)
		fprintf(stderr, BENCH_PROG ": connect: %s\n", strerror(err));
	TB_ADD(t, connect_errors, 1);
	t->ops->close(fd);
}

/* Client: start what the rate allows by now; a bounded number in flight. */
static void
idle_pace(struct tb_thread *t, uint64_t t0)
{
	const struct tb_conf *tc = t->ctx->tc;
	uint64_t due = (tb_now_ns() - t0) * tc->rate / 1000000000ull + 1;

	if (due > t->nconns)
		due = t->nconns;
	while (t->started < due && t->nconnecting < IDLE_INFLIGHT)
		idle_connect(t, t->started++ * t->ctx->nthreads + t->id);
}

static void
idle_teardown(struct tb_thread *t)
{
	for (uint32_t i = 0; i < t->nheld; i++)
		t->ops->close(t->held[i]);
	free(t->held);
	t->held = NULL;
	for (uint32_t i = 0; i < t->nlfds; i++)
		t->ops->close(t->lfds[i]);
	free(t->lfds);
	t->lfds = NULL;
	if (t->ep >= 0)
		t->ops->close(t->ep);
}

int
tb_idle_run(struct tb_thread *t)
{
	struct epoll_event evs[IDLE_EVENTS];
	bool server = t->ctx->tc->role == TB_SERVER;
	uint64_t t0;
	int n;

	t->ep = t->ops->epoll_create1(0);
	if (t->ep < 0 || (server && idle_listen(t) < 0)) {
		if (t->ep < 0)
			perror(BENCH_PROG ": epoll_create1");
		t->rc = 1;
		atomic_store(&t->ctx->phase, TB_STOP);
	}
	idle_sample(t, 0);
	t->measuring = true; /* count from the start: the ramp is the run */
	atomic_fetch_add(&t->ctx->started, 1);
	t0 = tb_now_ns();
	while (t->rc == 0 &&
	       atomic_load_explicit(&t->ctx->phase, memory_order_acquire) != TB_STOP) {
		if (!server)
			idle_pace(t, t0);
		n = t->ops->epoll_wait(t->ep, evs, IDLE_EVENTS,
				       !server && t->started < t->nconns ?
				       IDLE_PACE_MS : IDLE_HOLD_MS);
		if (n < 0 && errno != EINTR) {
			perror(BENCH_PROG ": epoll_wait");
			t->rc = 1;
			break;
		}
		for (int i = 0; i < n; i++) {
			if (evs[i].data.u64 & IDLE_LISTENER)
				idle_accept(t, (uint32_t)evs[i].data.u64);
			else
				idle_connected(t, (int)evs[i].data.u64,
					       evs[i].events);
		}
	}
	idle_sample(t, 1);
	idle_teardown(t);
	return t->rc;
}
