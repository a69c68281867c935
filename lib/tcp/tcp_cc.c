/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "tcp_cc.h"
#include "tcp_priv.h"

const struct tcp_cc_ops *
tcp_cc_find(const char *name)
{
	if (strcmp(name, "cubic") == 0)
		return &tcp_cc_cubic;
	if (strcmp(name, "newreno") == 0 || strcmp(name, "reno") == 0)
		return &tcp_cc_newreno;
	return NULL;
}

void
tcp_cc_reno_grow(struct pn_tcp_conn *c, uint32_t acked)
{
	if (c->cwnd < c->ssthresh) {
		/* RFC 5681 3.1 (with RFC 3465 L = 2 SMSS). */
		c->cwnd += acked < 2u * c->mss ? acked : 2u * c->mss;
		return;
	}
	/* Congestion avoidance: one MSS per cwnd of ACKed bytes. */
	c->bytes_acked_ca += acked;
	if (c->bytes_acked_ca >= c->cwnd) {
		c->bytes_acked_ca -= c->cwnd;
		c->cwnd += c->mss;
	}
}
