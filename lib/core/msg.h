/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_CORE_MSG_H
#define PN_CORE_MSG_H

/*
 * Typed messages between lcores: the only way one shard tells another
 * something (ARP learnt, a control request). Each lcore has a bounded ring
 * of fixed-size messages, polled as a NAPI instance of its own; a handler
 * per type runs on the receiving lcore, so state stays single-owner.
 */

#include <stdint.h>

struct pn_lcore;

enum pn_msg_type {
	PN_MSG_NONE = 0,
	PN_MSG_ARP_UPDATE,   /**< lib/net: a neighbour was learnt or changed */
	PN_MSG_CONTROL,      /**< app: a control request */
	PN_MSG_TEST,         /**< unit tests */
	PN_MSG_TCP_REDIRECT, /**< lib/tcp: a bound port's replies, see tcp_redir.c */
	PN_MSG__MAX = 16
};

#define PN_MSG_DATA_MAX 56

struct pn_msg {
	uint16_t type;
	uint16_t from;      /**< sending shard */
	uint32_t len;       /**< bytes used in data */
	uint8_t data[PN_MSG_DATA_MAX];
};

typedef void (*pn_msg_fn)(struct pn_lcore *lc, const struct pn_msg *m,
			  void *arg);

/**
 * Handle messages of @p type on @p lc with @p fn.
 * @return 0, -EINVAL (type out of range).
 */
int pn_msg_register(struct pn_lcore *lc, uint16_t type, pn_msg_fn fn,
		    void *arg);

/**
 * Send a message to shard @p to (wakes it if asleep).
 * @return 0, -EINVAL (bad shard, type or length), -ENOBUFS (its ring is
 * full: counted in stat.msg_dropped).
 */
int pn_msg_send(struct pn_lcore *from, uint16_t to, uint16_t type,
		const void *data, uint32_t len);

/**
 * Send to every other shard.
 * @return how many shards it reached.
 */
int pn_msg_broadcast(struct pn_lcore *from, uint16_t type, const void *data,
		     uint32_t len);

#endif /* PN_CORE_MSG_H */
