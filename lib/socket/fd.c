/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-lcore fd table. An fd is PN_FD_BASE | shard << 16 | slot: it
 * names its lcore, so an fd used on another lcore is EBADF, and it sits far
 * above the kernel's fds. Like Linux, the lowest free slot is handed out.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "clock.h"
#include "lcore.h"
#include "pollnet/socket.h"
#include "sock_priv.h"

static __thread struct pn_sock_lcore *sock_cur;

void
pn_sock_lcore_enter(struct pn_sock_lcore *sl)
{
	sock_cur = sl;
}

struct pn_sock_lcore *
pn_sock_lcore_current(void)
{
	return sock_cur;
}

struct pn_sock_lcore *
sock_current(void)
{
	if (sock_cur == NULL)
		errno = EPERM;
	return sock_cur;
}

int
pn_sock_lcore_create(struct pn_lcore *lc, struct pn_tcp *tcp,
		     const struct pn_sock_tcp_ops *ops, uint32_t max_fds,
		     struct pn_sock_lcore **out)
{
	struct pn_sock_lcore *sl;

	if (lc == NULL || ops == NULL || max_fds == 0 ||
	    max_fds > PN_FD_MAX_PER_LCORE || lc->shard >= PN_MAX_SHARDS)
		return -EINVAL;
	sl = calloc(1, sizeof(*sl));
	if (sl == NULL)
		return -ENOMEM;
	sl->files = calloc(max_fds, sizeof(*sl->files));
	if (sl->files == NULL) {
		free(sl);
		return -ENOMEM;
	}
	sl->lc = lc;
	sl->tcp = tcp;
	sl->ops = ops;
	sl->max_fds = max_fds;
	*out = sl;
	return 0;
}

void
pn_sock_lcore_free(struct pn_sock_lcore *sl)
{
	uint32_t i;

	if (sl == NULL)
		return;
	/* epoll instances first: sockets then have no watchers to visit */
	for (i = 0; i < sl->max_fds; i++) {
		struct pn_file *f = sl->files[i];

		if (f != NULL && f->type == PN_FILE_EPOLL) {
			sl->files[i] = NULL;
			sock_file_close(sl, f);
		}
	}
	for (i = 0; i < sl->max_fds; i++) {
		struct pn_file *f = sl->files[i];

		if (f != NULL) {
			sl->files[i] = NULL;
			sock_file_close(sl, f);
		}
	}
	if (sock_cur == sl)
		sock_cur = NULL;
	free(sl->files);
	free(sl);
}

int
sock_fd_alloc(struct pn_sock_lcore *sl, struct pn_file *f)
{
	uint32_t i;

	for (i = sl->hint; i < sl->max_fds; i++) {
		if (sl->files[i] == NULL) {
			sl->files[i] = f;
			sl->hint = i + 1;
			sl->nb_open++;
			f->fd = (int)(PN_FD_BASE |
				      (uint32_t)sl->lc->shard << PN_FD_SHARD_SHIFT |
				      i);
			return f->fd;
		}
	}
	return -EMFILE;
}

struct pn_file *
sock_fd_get(struct pn_sock_lcore *sl, int fd)
{
	uint32_t u = (uint32_t)fd, slot;

	if (fd < PN_FD_BASE ||
	    ((u & ~(uint32_t)PN_FD_BASE) >> PN_FD_SHARD_SHIFT) != sl->lc->shard)
		return NULL;
	slot = u & (PN_FD_MAX_PER_LCORE - 1);
	if (slot >= sl->max_fds)
		return NULL;
	return sl->files[slot];
}

void
sock_fd_release(struct pn_sock_lcore *sl, int fd)
{
	uint32_t slot = (uint32_t)fd & (PN_FD_MAX_PER_LCORE - 1);

	sl->files[slot] = NULL;
	sl->nb_open--;
	if (slot < sl->hint)
		sl->hint = slot;
}

struct sock_waiter {
	const struct pn_sock *s;
	uint32_t want;
};

static bool
sock_wait_ready(void *arg)
{
	const struct sock_waiter *w = arg;

	return (sock_poll(w->s) & w->want) != 0;
}

uint64_t
sock_deadline(const struct pn_sock *s, long timeo)
{
	const uint64_t ns_per_jiffy = 1000 * PN_NS_PER_MS / SOCK_HZ;

	if (timeo == SOCK_TIMEO_INF || (uint64_t)timeo > UINT64_MAX / 2 /
	    ns_per_jiffy)
		return UINT64_MAX;
	return pn_clock_now(s->sl->lc->clock) + (uint64_t)timeo * ns_per_jiffy;
}

int
sock_wait(struct pn_sock *s, uint32_t want, uint64_t deadline)
{
	struct pn_lcore *lc = s->sl->lc;
	struct sock_waiter w = {
		.s = s, .want = want | EPOLLERR | EPOLLHUP,
	};

	if (pn_clock_now(lc->clock) >= deadline)
		return -EAGAIN;
	if (atomic_load_explicit(&lc->stop, memory_order_relaxed))
		return -EINTR;
	pn_lcore_poll(lc, deadline, sock_wait_ready, &w);
	return 0;
}
