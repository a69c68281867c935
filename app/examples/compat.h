/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_EXAMPLES_COMPAT_H
#define PN_EXAMPLES_COMPAT_H

/*
 * The examples are written once against pollnet's API; with -DPN_LINUX
 * the same source builds against Linux sockets and epoll (pn_* mapped to
 * the libc calls, pn_init/pn_run to "run once on this thread").
 */

#ifdef PN_LINUX
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#define pn_socket socket
#define pn_bind bind
#define pn_listen listen
#define pn_accept4 accept4
#define pn_read read
#define pn_write write
#define pn_recv recv
#define pn_send send
#define pn_close close
#define pn_setsockopt setsockopt
#define pn_epoll_create1 epoll_create1
#define pn_epoll_ctl epoll_ctl
#define pn_epoll_wait epoll_wait

static inline int
pn_init(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static inline int
pn_run(int (*fn)(void *), void *arg)
{
	return fn(arg);
}

static inline void
pn_cleanup(void)
{
}
#else
#include <pollnet/pollnet.h>
#endif

#endif
