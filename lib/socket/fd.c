/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-lcore fd table. An fd is PN_FD_BASE | shard << 24 | slot: it
 * names its lcore, so an fd used on another lcore is EBADF, and it sits far
 * above the kernel's fds. Like Linux, the lowest free slot is handed out,
 * found as Linux's find_next_fd does: a bit per slot in use and a bit per
 * full word of those, so a million open fds cost no scan.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "clock.h"
#include "lcore.h"
#include "pollnet/socket.h"
#include "sock_priv.h"

/* the shard and slot fields fit below PN_FD_BASE's bit: fds stay positive */
_Static_assert((uint64_t)PN_MAX_SHARDS << PN_FD_SHARD_SHIFT <= PN_FD_BASE,
	       "shard << PN_FD_SHARD_SHIFT | slot must stay below PN_FD_BASE");
_Static_assert((uint64_t)PN_FD_BASE * 2 - 1 <= INT_MAX,
	       "pollnet fds must be positive ints");

#define FD_WORDS(n) (((n) + 63u) / 64u)

__thread struct pn_sock_lcore *sock_cur;

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
	return fd_current();
}

/* Set the bits @p from.. of a bitmap of @p nbits (the tail past the end). */
static void
fd_bits_fill_tail(uint64_t *map, uint32_t from, uint32_t nbits)
{
	uint32_t w = from / 64;

	if (from % 64 != 0)
		map[w++] |= ~0ull << (from % 64);
	for (; w < FD_WORDS(nbits); w++)
		map[w] = ~0ull;
}

uint32_t
pn_sock_fds_for(uint32_t max_conns)
{
	uint64_t n = (uint64_t)max_conns + PN_SOCK_EXTRA_FDS;

	if (n < PN_SOCK_MIN_FDS)
		n = PN_SOCK_MIN_FDS;
	return n > PN_FD_MAX_PER_LCORE ? PN_FD_MAX_PER_LCORE : (uint32_t)n;
}

int
pn_sock_binds_create(struct pn_sock_binds **out)
{
	struct pn_sock_binds *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return -ENOMEM;
	rte_spinlock_init(&b->lock);
	*out = b;
	return 0;
}

void
pn_sock_binds_free(struct pn_sock_binds *b)
{
	free(b);
}

/* @p sl joins @p b: bind() on any shard of b now reads its lists. */
static int
binds_join(struct pn_sock_binds *b, struct pn_sock_lcore *sl)
{
	int rc = 0;

	rte_spinlock_lock(&b->lock);
	if (b->nb_sl == PN_MAX_SHARDS)
		rc = -ENOSPC;
	else
		b->sl[b->nb_sl++] = sl;
	rte_spinlock_unlock(&b->lock);
	return rc;
}

static void
binds_leave(struct pn_sock_binds *b, const struct pn_sock_lcore *sl)
{
	uint32_t i;

	rte_spinlock_lock(&b->lock);
	for (i = 0; i < b->nb_sl; i++) {
		if (b->sl[i] == sl) {
			b->sl[i] = b->sl[--b->nb_sl];
			break;
		}
	}
	rte_spinlock_unlock(&b->lock);
}

int
pn_sock_lcore_create(struct pn_lcore *lc, struct pn_tcp *tcp,
		     const struct pn_sock_tcp_ops *ops, uint32_t max_fds,
		     struct pn_sock_binds *binds, struct pn_sock_lcore **out)
{
	struct pn_sock_lcore *sl;
	uint32_t nwords = FD_WORDS(max_fds);
	int rc = -ENOMEM;

	if (lc == NULL || ops == NULL || max_fds == 0 ||
	    max_fds > PN_FD_MAX_PER_LCORE || lc->shard >= PN_MAX_SHARDS)
		return -EINVAL;
	sl = calloc(1, sizeof(*sl));
	if (sl == NULL)
		return -ENOMEM;
	/* calloc of a large table maps zero pages: a slot costs RSS once used */
	sl->files = calloc(max_fds, sizeof(*sl->files));
	sl->used = calloc(nwords, sizeof(*sl->used));
	sl->full = calloc(FD_WORDS(nwords), sizeof(*sl->full));
	sl->bport = calloc(UINT16_MAX + 1, sizeof(*sl->bport)); /* LIST_INIT */
	sl->own_binds = binds == NULL;
	if (sl->own_binds && pn_sock_binds_create(&binds) < 0)
		binds = NULL;
	if (sl->files == NULL || sl->used == NULL || sl->full == NULL ||
	    sl->bport == NULL || binds == NULL ||
	    (rc = binds_join(binds, sl)) < 0) {
		if (sl->own_binds)
			pn_sock_binds_free(binds);
		free(sl->files);
		free(sl->used);
		free(sl->full);
		free(sl->bport);
		free(sl);
		return rc;
	}
	sl->binds = binds;
	rte_spinlock_init(&sl->bind_lock);
	fd_bits_fill_tail(sl->used, max_fds, nwords * 64);
	fd_bits_fill_tail(sl->full, nwords, FD_WORDS(nwords) * 64);
	sl->lc = lc;
	sl->tcp = tcp;
	sl->ops = ops;
	if (ops->skip_ports != NULL)
		ops->skip_ports(tcp, binds->ports);
	pn_objcache_init(&sl->socks, sizeof(struct pn_sock), SOCK_CACHE_MAX);
	pn_objcache_init(&sl->epitems, ep_item_size(), SOCK_CACHE_MAX);
	sl->max_fds = max_fds;
	*out = sl;
	return 0;
}

static void
fd_slot_clear(struct pn_sock_lcore *sl, uint32_t slot)
{
	uint32_t w = slot / 64;

	sl->files[slot] = NULL;
	sl->used[w] &= ~(1ull << (slot % 64));
	sl->full[w / 64] &= ~(1ull << (w % 64));
	sl->nb_open--;
	if (slot < sl->hint)
		sl->hint = slot;
}

/* The open file at the lowest slot >= *@p slot, *@p slot set past it;
 * NULL at the end. Visits only the words with slots in use. */
static struct pn_file *
fd_next(const struct pn_sock_lcore *sl, uint32_t *slot)
{
	uint32_t i = *slot;

	while (i < sl->max_fds) {
		/* the slots of word i / 64 from i on that are in use */
		uint64_t w = sl->used[i / 64] & (~0ull << (i % 64));

		if (w == 0) {
			i = (i / 64 + 1) * 64;
			continue;
		}
		i = (i & ~63u) + (uint32_t)__builtin_ctzll(w);
		if (i >= sl->max_fds)
			break;
		*slot = i + 1;
		return sl->files[i];
	}
	*slot = sl->max_fds;
	return NULL;
}

/* Close every open file of type @p type (0: any). */
static void
fd_close_all(struct pn_sock_lcore *sl, uint8_t type)
{
	struct pn_file *f;
	uint32_t i = 0;

	while ((f = fd_next(sl, &i)) != NULL) {
		if (type == 0 || f->type == type) {
			fd_slot_clear(sl, i - 1);
			sock_file_close(sl, f);
		}
	}
}

void
pn_sock_lcore_close_all(struct pn_sock_lcore *sl)
{
	/* epoll instances first: sockets then have no watchers to visit */
	fd_close_all(sl, PN_FILE_EPOLL);
	fd_close_all(sl, 0);
}

void
pn_sock_lcore_free(struct pn_sock_lcore *sl)
{
	if (sl == NULL)
		return;
	pn_sock_lcore_close_all(sl);
	if (sock_cur == sl)
		sock_cur = NULL;
	pn_objcache_fini(&sl->socks);
	pn_objcache_fini(&sl->epitems);
	free(sl->files);
	free(sl->used);
	free(sl->full);
	free(sl->bport);
	if (sl->ops->skip_ports != NULL)
		sl->ops->skip_ports(sl->tcp, NULL);
	binds_leave(sl->binds, sl);
	if (sl->own_binds)
		pn_sock_binds_free(sl->binds);
	sock_ipopt_fini(sl);
	free(sl);
}

/* The lowest free slot >= sl->hint (every slot below it is used), or
 * UINT32_MAX. */
static uint32_t
fd_find_free(const struct pn_sock_lcore *sl)
{
	uint32_t nwords = FD_WORDS(sl->max_fds);
	uint32_t w = sl->hint / 64, fw;

	if (sl->hint >= sl->max_fds)
		return UINT32_MAX;
	for (fw = w / 64; fw < FD_WORDS(nwords); fw++) {
		uint64_t free_words = ~sl->full[fw];

		if (fw == w / 64)
			free_words &= ~0ull << (w % 64);
		if (free_words != 0) {
			w = fw * 64 + (uint32_t)__builtin_ctzll(free_words);
			return w * 64 + (uint32_t)__builtin_ctzll(~sl->used[w]);
		}
	}
	return UINT32_MAX;
}

int
sock_fd_alloc(struct pn_sock_lcore *sl, struct pn_file *f)
{
	uint32_t i = fd_find_free(sl), w;

	if (i == UINT32_MAX)
		return -EMFILE;
	w = i / 64;
	sl->files[i] = f;
	sl->used[w] |= 1ull << (i % 64);
	if (sl->used[w] == ~0ull)
		sl->full[w / 64] |= 1ull << (w % 64);
	sl->hint = i + 1;
	sl->nb_open++;
	f->fd = sock_fd_make(sl->lc->shard, i);
	return f->fd;
}

struct pn_file *
sock_fd_get(struct pn_sock_lcore *sl, int fd)
{
	return fd_get(sl, fd);
}

struct pn_sock *
sock_get(int fd)
{
	return fd_sock(fd, ENOTSOCK);
}

struct pn_sock *
sock_lookup(int fd, int notsock_errno)
{
	return fd_sock(fd, notsock_errno);
}

void
sock_fd_release(struct pn_sock_lcore *sl, int fd)
{
	uint32_t shard, slot;

	if (sock_fd_split(fd, &shard, &slot) && slot < sl->max_fds)
		fd_slot_clear(sl, slot);
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
