/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/tcp behind the socket layer's ops table. */
#include "sock.h"

static const struct pn_sock_tcp_ops sock_tcp_ops = {
	.listen = pn_tcp_listen,
	.listen_backlog = pn_tcp_listen_backlog,
	.accept = pn_tcp_accept,
	.listen_poll = pn_tcp_listen_poll,
	.listen_close = pn_tcp_listen_close,
	.connect = pn_tcp_connect_create,
	.connect_start = pn_tcp_connect_start,
	.connect_ipopt = pn_tcp_connect_create_ipopt,
	.set_ipopt = pn_tcp_set_ipopt,
	.get_ipopt = pn_tcp_get_ipopt,
	.addr_is_local = pn_tcp_addr_is_local,
	.addr_bindable = pn_tcp_addr_bindable,
	.listen_setopt = pn_tcp_listen_setopt,
	.send = pn_tcp_send,
	.send_mbuf = pn_tcp_send_mbuf,
	.recv = pn_tcp_recv,
	.recv_zc = pn_tcp_recv_zc,
	.recv_zc_done = pn_tcp_recv_zc_done,
	.readable = pn_tcp_readable,
	.unreadable = pn_tcp_unreadable,
	.atmark = pn_tcp_atmark,
	.send_space = pn_tcp_send_space,
	.set_nospace = pn_tcp_set_nospace,
	.poll = pn_tcp_poll,
	.error = pn_tcp_error,
	.shutdown = pn_tcp_shutdown,
	.close = pn_tcp_close,
	.abort = pn_tcp_abort,
	.setopt = pn_tcp_setopt,
	.getopt = pn_tcp_getopt,
	.info = pn_tcp_info,
	.default_opt = pn_tcp_default_opt,
	.addrs = pn_tcp_addrs,
	.skip_ports = pn_tcp_skip_ports,
};

const struct pn_sock_tcp_ops *
pn_sock_tcp_ops_default(void)
{
	return &sock_tcp_ops;
}
