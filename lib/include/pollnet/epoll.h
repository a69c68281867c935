/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef POLLNET_EPOLL_H
#define POLLNET_EPOLL_H

/**
 * @file
 * epoll on pollnet sockets, with Linux semantics (fs/eventpoll.c): socket
 * wake-ups put items on the instance's ready list; pn_epoll_wait re-polls
 * each ready item, reports the current mask & interest (EPOLLERR and
 * EPOLLHUP always), re-queues level-triggered items, reports
 * edge-triggered ones once per wake-up, disarms EPOLLONESHOT items until
 * EPOLL_CTL_MOD. Uses struct epoll_event and the flags of <sys/epoll.h>.
 * Epoll fds are pollnet fds of the calling lcore (see socket.h).
 * An epoll fd can be watched by another epoll instance, as in Linux: it
 * reports EPOLLIN while an item on its ready list has events, and an item
 * becoming ready wakes the instances watching it (LT, ET and ONESHOT apply
 * to that item as to a socket's). Closing it removes it from them.
 */

#include <sys/epoll.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Create an epoll instance.
 * @param size > 0 (ignored, as Linux).
 * @return an fd, or -1 with errno: EINVAL (@p size <= 0), EMFILE, ENOMEM,
 * EPERM (not a pollnet lcore).
 */
int pn_epoll_create(int size);

/**
 * Create an epoll instance.
 * @param flags 0 or EPOLL_CLOEXEC.
 * @return an fd, or -1 with errno: EINVAL (other flags), EMFILE, ENOMEM,
 * EPERM.
 */
int pn_epoll_create1(int flags);

/**
 * Add, modify or remove the interest in @p fd.
 * @return 0, or -1 with errno: EBADF (@p epfd or @p fd not open), EINVAL
 * (@p epfd not an epoll fd, @p fd == @p epfd, bad @p op, EPOLLEXCLUSIVE
 * with MOD or on an item that has it, EPOLLEXCLUSIVE with flags other than
 * EPOLLIN/OUT/ERR/HUP/ET/WAKEUP or on an epoll @p fd), ELOOP (ADD of an
 * epoll fd that would close a cycle, or make a chain of more than 5
 * nested instances: Linux's EP_MAX_NESTS = 4), EEXIST (ADD of a watched
 * fd), ENOENT (MOD/DEL of an unwatched fd), EFAULT (@p ev NULL for
 * ADD/MOD), ENOMEM, EPERM (not a pollnet lcore).
 */
int pn_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev);

/**
 * Wait for events, running the lcore's loop (RX, timers, TX) meanwhile;
 * with nothing to do the lcore sleeps on RX interrupts and its timers.
 * @param timeout ms; -1 waits for ever, 0 returns at once.
 * @return events written (0 on timeout), or -1 with errno: EBADF, EINVAL
 * (not an epoll fd, @p maxevents <= 0), EFAULT (@p events NULL when an
 * event is to be reported), EPERM, EINTR (the lcore was asked to stop,
 * as a signal interrupts Linux's epoll_wait; pending events are returned
 * first).
 */
int pn_epoll_wait(int epfd, struct epoll_event *events, int maxevents,
		  int timeout);

/**
 * A kernel eventfd that is readable while @p epfd has items on its ready
 * list, for registering in a kernel event loop. Owned by the instance
 * (closed with it); do not read it.
 * @return the kernel fd, or -1 with errno: EBADF, EINVAL (not an epoll
 * fd), ENOMEM/EMFILE (eventfd), EPERM.
 */
int pn_epoll_fd_kernel(int epfd);

#ifdef __cplusplus
}
#endif

#endif /* POLLNET_EPOLL_H */
