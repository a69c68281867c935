/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * epoll, as Linux fs/eventpoll.c does it, on one lcore:
 *  - a socket wake-up runs ep_poll_callback() for each item watching the
 *    socket: the item goes on its instance's ready list (rdllist) unless
 *    it is disabled (ONESHOT fired) or the wake-up key does not match;
 *    non-exclusive items first, then EPOLLEXCLUSIVE ones in the order
 *    added, the walk stopping at the first exclusive item whose instance
 *    has a waiter (Linux __wake_up_common with nr_exclusive = 1);
 *  - pn_epoll_wait() (ep_send_events) re-polls each ready item, reports
 *    mask & interest, re-queues level-triggered items, disarms ONESHOT;
 *  - nothing ever scans all sockets;
 *  - an epoll fd can be watched by another epoll (nested): it polls
 *    EPOLLIN while an item on its ready list really has events
 *    (__ep_eventpoll_poll), and an item joining its ready list wakes its
 *    watchers with EPOLLIN (ep_poll_safewake); cycles and chains longer
 *    than EP_MAX_NESTS + 1 instances are refused with ELOOP
 *    (ep_loop_check, Linux 6.x with the upward depth check).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_debug.h>

#include "clock.h"
#include "lcore.h"
#include "pollnet/epoll.h"
#include "pollnet/socket.h"
#include "sock_priv.h"

#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EP_INOUT_BITS (EPOLLIN | EPOLLOUT)
#define EP_EXCLUSIVE_OK_BITS (EP_INOUT_BITS | EPOLLERR | EPOLLHUP | \
			      EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
#define EP_MAX_EVENTS (INT32_MAX / (int)sizeof(struct epoll_event))
#define EP_MAX_NESTS 4 /* Linux fs/eventpoll.c */

struct pn_epitem {
	struct pn_epoll *ep;
	struct pn_file *file;            /**< watched: a socket or an epoll */
	uint32_t events;                 /**< interest, with ERR | HUP */
	epoll_data_t data;
	bool ready;                      /**< on ep->rdllist */
	TAILQ_ENTRY(pn_epitem) rdl;      /**< in ep->rdllist */
	TAILQ_ENTRY(pn_epitem) ep_link;  /**< in ep->items */
	TAILQ_ENTRY(pn_epitem) file_link;/**< in file->watchers */
};

struct pn_epoll {
	struct pn_file f;                /* first: a file is an epoll */
	struct pn_sock_lcore *sl;
	struct pn_epitem_list rdllist;
	struct pn_epitem_list items;
	int waiters;                     /**< pn_epoll_wait sleeping on it */
	int efd;                         /**< kernel eventfd, -1 until asked */
	bool efd_set;
	uint32_t gen;                    /**< loop check: visited in sl->ep_gen */
	int loop_depth;                  /**< loop check: depth found */
};

/* --- the kernel eventfd mirror of "ready list not empty" --- */

static void __rte_noinline
ep_efd_write(struct pn_epoll *ep, bool want)
{
	uint64_t v = 1;

	if (want) {
		if (write(ep->efd, &v, sizeof(v)) == sizeof(v))
			ep->efd_set = true;
	} else if (read(ep->efd, &v, sizeof(v)) == sizeof(v) ||
		   errno == EAGAIN) {
		ep->efd_set = false;
	}
}

/* Most epolls never had pn_epoll_fd_kernel asked: no eventfd to keep. */
static inline void
ep_efd_sync(struct pn_epoll *ep)
{
	bool want = !TAILQ_EMPTY(&ep->rdllist);

	if (ep->efd < 0 || want == ep->efd_set)
		return;
	ep_efd_write(ep, want);
}

/* Put @p epi on its ready list. @return true if it was not there. */
static bool
ep_ready(struct pn_epitem *epi)
{
	if (epi->ready)
		return false;
	epi->ready = true;
	TAILQ_INSERT_TAIL(&epi->ep->rdllist, epi, rdl);
	ep_efd_sync(epi->ep);
	return true;
}

static uint32_t ep_eventpoll_poll(struct pn_epoll *ep);

/*
 * A socket's item that asks only for read events, the socket's only
 * watcher, while the socket's last read left nothing (rd_quiet): its
 * poll is known to give nothing. A level-triggered item read until
 * EAGAIN is polled once more by the next wait (ep_send_events put it
 * back): that poll is this test. The only watcher: tcp_poll's other
 * effect, asking for the write-space wake-up, matters to no one else.
 */
static inline bool
ep_item_quiet(const struct pn_epitem *epi, const struct pn_sock *s)
{
	bool q = s->rd_quiet &&
		 !(epi->events & ~(uint32_t)(SOCK_MASK_READ | EPOLLRDBAND |
					     EP_PRIVATE_BITS)) &&
		 TAILQ_NEXT(epi, file_link) == NULL &&
		 TAILQ_FIRST(&s->f.watchers) == epi;

#ifdef PN_TCP_POLL_CHECK
	if (q && (sock_poll(s) & epi->events) != 0)
		rte_panic("ep_item_poll: quiet socket shows %#x\n",
			  sock_poll(s));
#endif
	return q;
}

/* ep_item_poll() of a socket's item: inline in ep_send_events, which
 * polls each item it reports and each level-triggered one again. */
static __rte_always_inline uint32_t
ep_sock_item_poll(struct pn_epitem *epi, struct pn_sock *s)
{
	uint32_t m;

	if (ep_item_quiet(epi, s))
		return 0;
	m = sock_poll(s);
	sock_polled(s, m);
	return m & epi->events;
}

/* Linux ep_item_poll(): the watched file's mask & the interest. */
static uint32_t
ep_item_poll(struct pn_epitem *epi)
{
	if (epi->file->type == PN_FILE_EPOLL)
		return ep_eventpoll_poll((struct pn_epoll *)epi->file) &
		       epi->events;
	return ep_sock_item_poll(epi, (struct pn_sock *)epi->file);
}

/*
 * Linux __ep_eventpoll_poll(): readable while an item on the ready list
 * has events; items found without any leave the list.
 */
static uint32_t
ep_eventpoll_poll(struct pn_epoll *ep)
{
	struct pn_epitem *epi, *next;
	uint32_t res = 0;

	for (epi = TAILQ_FIRST(&ep->rdllist); epi != NULL; epi = next) {
		next = TAILQ_NEXT(epi, rdl);
		if (ep_item_poll(epi) != 0) {
			res = EPOLLIN | EPOLLRDNORM;
			break;
		}
		TAILQ_REMOVE(&ep->rdllist, epi, rdl);
		epi->ready = false;
	}
	ep_efd_sync(ep);
	return res;
}

/* An item joined @p ep's ready list: wake the epolls watching @p ep. */
static void
ep_poll_safewake(struct pn_epoll *ep)
{
	if (!TAILQ_EMPTY(&ep->f.watchers))
		ep_wake(&ep->f, EPOLLIN);
}

/* Linux ep_poll_callback(); returns its 'ewake'. */
static int
ep_poll_callback(struct pn_epitem *epi, uint32_t key)
{
	int ewake = 0;

	if (!(epi->events & ~EP_PRIVATE_BITS))
		goto out; /* disabled: ONESHOT fired */
	if (key != 0 && !(key & epi->events))
		goto out;
	ep_ready(epi);
	ep_poll_safewake(epi->ep);
	if (epi->ep->waiters > 0 && (epi->events & EPOLLEXCLUSIVE)) {
		switch (key & EP_INOUT_BITS) {
		case EPOLLIN:
			ewake = (epi->events & EPOLLIN) != 0;
			break;
		case EPOLLOUT:
			ewake = (epi->events & EPOLLOUT) != 0;
			break;
		case 0:
			ewake = 1;
			break;
		}
	}
out:
	if (!(epi->events & EPOLLEXCLUSIVE))
		ewake = 1;
	return ewake;
}

void
ep_wake(struct pn_file *f, uint32_t key)
{
	struct pn_epitem *epi;

	TAILQ_FOREACH(epi, &f->watchers, file_link) {
		if (ep_poll_callback(epi, key) &&
		    (epi->events & EPOLLEXCLUSIVE))
			break;
	}
}

size_t
ep_item_size(void)
{
	return sizeof(struct pn_epitem);
}

static void
ep_item_free(struct pn_epitem *epi)
{
	struct pn_epoll *ep = epi->ep;

	if (epi->ready)
		TAILQ_REMOVE(&ep->rdllist, epi, rdl);
	TAILQ_REMOVE(&ep->items, epi, ep_link);
	TAILQ_REMOVE(&epi->file->watchers, epi, file_link);
	pn_objcache_put(&ep->sl->epitems, epi);
	ep_efd_sync(ep);
}

void
ep_forget(struct pn_file *f)
{
	struct pn_epitem *epi;

	while ((epi = TAILQ_FIRST(&f->watchers)) != NULL)
		ep_item_free(epi);
}

void
ep_free(struct pn_epoll *ep)
{
	struct pn_epitem *epi;

	while ((epi = TAILQ_FIRST(&ep->items)) != NULL)
		ep_item_free(epi);
	ep_forget(&ep->f); /* closing a nested epoll removes it, as Linux */
	if (ep->efd >= 0)
		close(ep->efd);
	free(ep);
}

/* --- create --- */

int
pn_epoll_create1(int flags)
{
	struct pn_sock_lcore *sl = sock_current();
	struct pn_epoll *ep;
	int fd;

	if (sl == NULL)
		return -1;
	if (flags & ~EPOLL_CLOEXEC)
		return sock_fail(EINVAL);
	ep = calloc(1, sizeof(*ep));
	if (ep == NULL)
		return sock_fail(ENOMEM);
	ep->f.type = PN_FILE_EPOLL;
	ep->f.cloexec = (flags & EPOLL_CLOEXEC) != 0;
	ep->sl = sl;
	ep->efd = -1;
	TAILQ_INIT(&ep->rdllist);
	TAILQ_INIT(&ep->items);
	TAILQ_INIT(&ep->f.watchers);
	fd = sock_fd_alloc(sl, &ep->f);
	if (fd < 0) {
		free(ep);
		return sock_fail(-fd);
	}
	return fd;
}

int
pn_epoll_create(int size)
{
	if (sock_current() == NULL)
		return -1;
	if (size <= 0)
		return sock_fail(EINVAL);
	return pn_epoll_create1(0);
}

/* --- ctl --- */

static struct pn_epoll *
ep_get(struct pn_sock_lcore *sl, int epfd)
{
	struct pn_file *f = sock_fd_get(sl, epfd);

	if (f == NULL) {
		errno = EBADF;
		return NULL;
	}
	if (f->type != PN_FILE_EPOLL) {
		errno = EINVAL;
		return NULL;
	}
	return (struct pn_epoll *)f;
}

static struct pn_epitem *
ep_find(struct pn_epoll *ep, struct pn_file *f)
{
	struct pn_epitem *epi;

	TAILQ_FOREACH(epi, &f->watchers, file_link)
		if (epi->ep == ep)
			return epi;
	return NULL;
}

/*
 * Linux ep_loop_check_proc(): how many epoll levels lie below @p ep
 * (EP_MAX_NESTS + 1 when @p into is among them: a cycle).
 */
static int
ep_loop_down(struct pn_epoll *ep, const struct pn_epoll *into, int depth)
{
	struct pn_epitem *epi;
	int res = 0, d;

	if (ep->gen == ep->sl->ep_gen)
		return ep->loop_depth;
	ep->gen = ep->sl->ep_gen;
	TAILQ_FOREACH(epi, &ep->items, ep_link) {
		struct pn_epoll *sub = (struct pn_epoll *)epi->file;

		if (epi->file->type != PN_FILE_EPOLL)
			continue;
		if (sub == into || depth > EP_MAX_NESTS)
			d = EP_MAX_NESTS + 1;
		else
			d = ep_loop_down(sub, into, depth + 1) + 1;
		res = RTE_MAX(res, d);
		if (res > EP_MAX_NESTS)
			break;
	}
	ep->loop_depth = res;
	return res;
}

/* Linux ep_get_upwards_depth_proc(): how many epolls hold @p ep above. */
static int
ep_loop_up(struct pn_epoll *ep)
{
	struct pn_epitem *epi;
	int res = 0;

	if (ep->gen == ep->sl->ep_gen)
		return ep->loop_depth;
	TAILQ_FOREACH(epi, &ep->f.watchers, file_link)
		res = RTE_MAX(res, ep_loop_up(epi->ep) + 1);
	ep->gen = ep->sl->ep_gen;
	ep->loop_depth = res;
	return res;
}

/* Linux ep_loop_check(): may @p to go into @p ep? */
static bool
ep_loop_ok(struct pn_epoll *ep, struct pn_epoll *to)
{
	int down;

	ep->sl->ep_gen++;
	down = ep_loop_down(to, ep, 0);
	if (down > EP_MAX_NESTS)
		return false;
	return down + 1 + ep_loop_up(ep) <= EP_MAX_NESTS;
}

static int
ep_insert(struct pn_epoll *ep, struct pn_file *f, const struct epoll_event *ev)
{
	struct pn_epitem *epi = pn_objcache_get(&ep->sl->epitems);

	if (epi == NULL)
		return sock_fail(ENOMEM);
	epi->ep = ep;
	epi->file = f;
	epi->events = ev->events | EPOLLERR | EPOLLHUP;
	epi->data = ev->data;
	TAILQ_INSERT_TAIL(&ep->items, epi, ep_link);
	/* wait queue order: exclusive waiters at the tail, others first */
	if (epi->events & EPOLLEXCLUSIVE)
		TAILQ_INSERT_TAIL(&f->watchers, epi, file_link);
	else
		TAILQ_INSERT_HEAD(&f->watchers, epi, file_link);
	if (ep_item_poll(epi) != 0 && ep_ready(epi))
		ep_poll_safewake(ep);
	return 0;
}

static int
ep_modify(struct pn_epitem *epi, const struct epoll_event *ev)
{
	epi->events = ev->events | EPOLLERR | EPOLLHUP;
	epi->data = ev->data;
	if (ep_item_poll(epi) != 0 && ep_ready(epi))
		ep_poll_safewake(epi->ep);
	return 0;
}

int
pn_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	struct pn_sock_lcore *sl = sock_current();
	struct pn_file *f, *tf;
	struct pn_epitem *epi;
	struct pn_epoll *ep;
	bool has_event = op != EPOLL_CTL_DEL;

	if (sl == NULL)
		return -1;
	/* the order of Linux do_epoll_ctl() */
	if (has_event && ev == NULL)
		return sock_fail(EFAULT);
	f = sock_fd_get(sl, epfd);
	if (f == NULL)
		return sock_fail(EBADF);
	tf = sock_fd_get(sl, fd);
	if (tf == NULL)
		return sock_fail(EBADF);
	if (f == tf || f->type != PN_FILE_EPOLL)
		return sock_fail(EINVAL);
	if (has_event && (ev->events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			return sock_fail(EINVAL);
		if (op == EPOLL_CTL_ADD && (tf->type == PN_FILE_EPOLL ||
		    (ev->events & ~(uint32_t)EP_EXCLUSIVE_OK_BITS)))
			return sock_fail(EINVAL);
	}
	ep = (struct pn_epoll *)f;
	if (op == EPOLL_CTL_ADD && tf->type == PN_FILE_EPOLL &&
	    !ep_loop_ok(ep, (struct pn_epoll *)tf))
		return sock_fail(ELOOP);
	epi = ep_find(ep, tf);
	switch (op) {
	case EPOLL_CTL_ADD:
		if (epi != NULL)
			return sock_fail(EEXIST);
		return ep_insert(ep, tf, ev);
	case EPOLL_CTL_DEL:
		if (epi == NULL)
			return sock_fail(ENOENT);
		ep_item_free(epi);
		return 0;
	case EPOLL_CTL_MOD:
		if (epi == NULL)
			return sock_fail(ENOENT);
		if (epi->events & EPOLLEXCLUSIVE)
			return sock_fail(EINVAL);
		return ep_modify(epi, ev);
	default:
		return sock_fail(EINVAL);
	}
}

/* --- wait --- */

/* Linux ep_send_events(). */
static int
ep_send_events(struct pn_epoll *ep, struct epoll_event *events, int maxevents)
{
	struct pn_epitem_list txlist;
	struct pn_epitem *epi;
	uint32_t revents;
	int n = 0;

	TAILQ_INIT(&txlist);
	TAILQ_CONCAT(&txlist, &ep->rdllist, rdl);
	while (n < maxevents && (epi = TAILQ_FIRST(&txlist)) != NULL) {
		TAILQ_REMOVE(&txlist, epi, rdl);
		epi->ready = false;
		if (likely(epi->file->type == PN_FILE_SOCK))
			revents = ep_sock_item_poll(epi,
						    (struct pn_sock *)epi->file);
		else
			revents = ep_item_poll(epi);
		if (revents == 0)
			continue;
		events[n].events = revents;
		events[n].data = epi->data;
		n++;
		if (epi->events & EPOLLONESHOT) {
			epi->events &= EP_PRIVATE_BITS;
		} else if (!(epi->events & EPOLLET)) {
			/* level-triggered: back on the list for next time */
			epi->ready = true;
			TAILQ_INSERT_TAIL(&ep->rdllist, epi, rdl);
		}
	}
	/* ep_done_scan: what was not reached goes back first */
	TAILQ_CONCAT(&txlist, &ep->rdllist, rdl);
	TAILQ_CONCAT(&ep->rdllist, &txlist, rdl);
	ep_efd_sync(ep);
	return n;
}

static bool
ep_has_ready(void *arg)
{
	const struct pn_epoll *ep = arg;

	return !TAILQ_EMPTY(&ep->rdllist);
}

int
pn_epoll_wait(int epfd, struct epoll_event *events, int maxevents,
	      int timeout)
{
	struct pn_sock_lcore *sl = sock_current();
	struct pn_epoll *ep;
	uint64_t deadline;
	int n;

	if (sl == NULL)
		return -1;
	/* as Linux 6.x: the fd first, then maxevents; a bad buffer only
	 * fails when there is an event to copy */
	ep = ep_get(sl, epfd);
	if (ep == NULL)
		return -1;
	if (maxevents <= 0 || maxevents > EP_MAX_EVENTS)
		return sock_fail(EINVAL);
	/* timeout 0 (a busy-polling caller, every round) reads no clock */
	deadline = timeout < 0 ? UINT64_MAX : timeout == 0 ? 0 :
		   pn_clock_now(sl->lc->clock) +
			   (uint64_t)timeout * PN_NS_PER_MS;
	/* one round without sleeping, so a busy server still moves packets */
	pn_lcore_poll(sl->lc, 0, NULL, NULL);
	for (;;) {
		if (!TAILQ_EMPTY(&ep->rdllist)) {
			if (events == NULL)
				return sock_fail(EFAULT);
			n = ep_send_events(ep, events, maxevents);
			if (n > 0)
				return n;
		}
		if (timeout == 0 || pn_clock_now(sl->lc->clock) >= deadline)
			return 0;
		/* pn_lcore_stop() woke us (or would have): like a signal. */
		if (atomic_load_explicit(&sl->lc->stop, memory_order_relaxed))
			return sock_fail(EINTR);
		ep->waiters++;
		pn_lcore_poll(sl->lc, deadline, ep_has_ready, ep);
		ep->waiters--;
	}
}

int
pn_epoll_fd_kernel(int epfd)
{
	struct pn_sock_lcore *sl = sock_current();
	struct pn_epoll *ep;

	if (sl == NULL)
		return -1;
	ep = ep_get(sl, epfd);
	if (ep == NULL)
		return -1;
	if (ep->efd < 0) {
		ep->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (ep->efd < 0)
			return -1;
		ep->efd_set = false;
		ep_efd_sync(ep);
	}
	return ep->efd;
}
