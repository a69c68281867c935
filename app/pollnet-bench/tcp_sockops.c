/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two socket-ops tables of the TCP engines: Linux's calls as they are,
 * pollnet's pn_* calls (same signatures, same semantics and errno values).
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pollnet/pollnet.h>

#include "tcp.h"

const struct tb_sockops tb_sockops_linux = {
	.name = "linux",
	.socket = socket,
	.bind = bind,
	.listen = listen,
	.accept4 = accept4,
	.connect = connect,
	.read = read,
	.send = send,
	.close = close,
	.setsockopt = setsockopt,
	.getsockopt = getsockopt,
	.epoll_create1 = epoll_create1,
	.epoll_ctl = epoll_ctl,
	.epoll_wait = epoll_wait,
};

const struct tb_sockops tb_sockops_pollnet = {
	.name = "pollnet",
	.socket = pn_socket,
	.bind = pn_bind,
	.listen = pn_listen,
	.accept4 = pn_accept4,
	.connect = pn_connect,
	.read = pn_read,
	.send = pn_send,
	.close = pn_close,
	.setsockopt = pn_setsockopt,
	.getsockopt = pn_getsockopt,
	.epoll_create1 = pn_epoll_create1,
	.epoll_ctl = pn_epoll_ctl,
	.epoll_wait = pn_epoll_wait,
};
