/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_TCP_CC_H
#define PN_TCP_CC_H

/*
 * Congestion control behind an ops table, one file per algorithm
 * (cc_newreno.c, cc_cubic.c). Loss detection and recovery (fast
 * retransmit, NewReno partial ACKs, RTO) live in tcp_input.c/tcp_timer.c;
 * the algorithm only decides how cwnd grows and how far it falls.
 */

#include <stdint.h>

#include "tcp.h"

struct pn_tcp_conn;

/** Events an algorithm may act on (Linux enum tcp_ca_event). */
enum tcp_ca_event {
	/** data goes out with nothing in flight, c->lsnd_ns still the
	 *  last send before (tcp_event_data_sent) */
	TCP_CA_EVENT_TX_START,
};

struct tcp_cc_ops {
	const char *name;
	/** Connection established (cwnd set to IW already). */
	void (*init)(struct pn_tcp_conn *c);
	/** @p acked new bytes ACKed outside recovery. */
	void (*cong_avoid)(struct pn_tcp_conn *c, uint32_t acked);
	/** ssthresh after a loss (fast retransmit or RTO). */
	uint32_t (*ssthresh)(struct pn_tcp_conn *c);
	/** Recovery ended (cwnd deflated to ssthresh by the caller). */
	void (*recovered)(struct pn_tcp_conn *c);
	/** RTO fired (cwnd set to 1 MSS by the caller). */
	void (*on_rto)(struct pn_tcp_conn *c);
	/** @p ev happened; NULL: nothing to do. Asked only once the
	 *  algorithm holds state (c->cc_state). */
	void (*cwnd_event)(struct pn_tcp_conn *c, enum tcp_ca_event ev);
};

extern const struct tcp_cc_ops tcp_cc_newreno;
extern const struct tcp_cc_ops tcp_cc_cubic;

/** The algorithm named @p name, NULL if unknown. */
const struct tcp_cc_ops *tcp_cc_find(const char *name);

/** PN_TCP_OPT_CC: switch @p c to algorithm @p id (enum pn_tcp_cc).
 * @return 0, -EINVAL. */
int tcp_cc_set(struct pn_tcp_conn *c, int64_t id);

/** The enum pn_tcp_cc of @p ops. */
int tcp_cc_id_of(const struct tcp_cc_ops *ops);

/** RFC 5681 slow start / congestion avoidance, shared by algorithms. */
void tcp_cc_reno_grow(struct pn_tcp_conn *c, uint32_t acked);

#endif /* PN_TCP_CC_H */
