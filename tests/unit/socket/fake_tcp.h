/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_TEST_FAKE_TCP_H
#define PN_TEST_FAKE_TCP_H

/*
 * An in-memory TCP implementing tcp.h (through struct pn_sock_tcp_ops) for
 * socket/epoll unit tests: connected pairs of conns moving bytes between
 * their queues on each step, listeners with accept queues, FIN, RST,
 * errors and send-space limits, with the poll mask of Linux tcp_poll().
 * It calls the wakeup upcall as the real TCP does.
 */

#include <stdbool.h>
#include <stdint.h>

#include "sock.h"

/** Create the fake for @p lc: steps run in lc's after_rx hook. */
struct pn_tcp *fake_tcp_create(struct pn_lcore *lc,
			       const struct pn_tcp_upcalls *up);
void fake_tcp_free(struct pn_tcp *t);

/** One step of the fake network (also run every lcore round). */
void fake_tcp_step(struct pn_tcp *t);

/** The ops table. */
extern const struct pn_sock_tcp_ops fake_tcp_ops;

/** Connects from this source address (host order). */
void fake_tcp_set_src(struct pn_tcp *t, uint32_t ip);

/** Make @p c's connection fail now with @p err (RST received as @p err). */
void fake_tcp_inject_error(struct pn_tcp_conn *c, int err);

/** Counters. */
unsigned int fake_tcp_wakeups(const struct pn_tcp *t);

#endif
