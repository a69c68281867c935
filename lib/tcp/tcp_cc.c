/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_common.h>

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

static const struct {
	const char *name;               /* Linux's */
	const struct tcp_cc_ops *ops;
} tcp_ccs[] = {
	[PN_TCP_CC_RENO] = { "reno", &tcp_cc_newreno },
	[PN_TCP_CC_CUBIC] = { "cubic", &tcp_cc_cubic },
};

int
pn_tcp_cc_id(const char *name)
{
	const struct tcp_cc_ops *ops = tcp_cc_find(name);

	return ops != NULL ? tcp_cc_id_of(ops) : 0;
}

const char *
pn_tcp_cc_name(int id)
{
	return id >= 1 && id < (int)RTE_DIM(tcp_ccs) ? tcp_ccs[id].name : NULL;
}

/* The id of @p ops (tcp_ccs). */
int
tcp_cc_id_of(const struct tcp_cc_ops *ops)
{
	int i;

	for (i = 1; i < (int)RTE_DIM(tcp_ccs); i++)
		if (tcp_ccs[i].ops == ops)
			return i;
	return 0;
}

/* @p c takes algorithm @p id (Linux tcp_reinit_congestion_control: a
 * connection past its handshake starts the new one with cwnd kept). */
int
tcp_cc_set(struct pn_tcp_conn *c, int64_t id)
{
	if (id < 1 || id >= (int64_t)RTE_DIM(tcp_ccs))
		return -EINVAL;
	if (c->cc == tcp_ccs[id].ops)
		return 0;
	c->cc = tcp_ccs[id].ops;
	if (tcp_synchronized(c))
		c->cc->init(c);
	return 0;
}

/* Linux tcp_current_ssthresh: in a reduction, ssthresh; else no less
 * than three quarters of cwnd. */
static uint32_t
current_ssthresh(const struct pn_tcp_conn *c)
{
	uint32_t q = (c->cwnd >> 1) + (c->cwnd >> 2);

	if (c->flags & TF_IN_RECOVERY)
		return c->ssthresh;
	return c->ssthresh > q ? c->ssthresh : q;
}

/*
 * RFC 2861's slow part, as Linux 6.1 tcp_cwnd_application_limited: cwnd
 * went an RTO without being used in full (tcp_cwnd_validate). In the
 * Open state (no recovery, nothing SACKed or duplicate-ACKed, no RTO
 * backoff), unless the application is blocked on send space (SOCK_NOSPACE:
 * the buffer limits it, not the network), cwnd falls halfway to the most
 * that was used (the initial window at least), ssthresh keeping the old
 * cwnd's three quarters.
 */
void
tcp_cwnd_application_limited(struct pn_tcp_conn *c)
{
	if (!(c->flags & TF_IN_RECOVERY) && c->nsb == 0 && c->dupacks == 0 &&
	    c->backoff == 0 && c->owned && !c->nospace) {
		uint32_t used = c->tcp->conf.init_cwnd * (uint32_t)c->mss;

		if (c->cwnd_used > used)
			used = c->cwnd_used;
		if (used < c->cwnd) {
			c->ssthresh = current_ssthresh(c);
			c->cwnd = (c->cwnd + used) >> 1;
		}
		c->cwnd_used = 0;
	}
	c->cwnd_stamp_ns = c->tcp->lc->now;
}

/*
 * RFC 5681 4.1 / RFC 2861, as Linux 6.1 tcp_cwnd_restart: after
 * @p delta_ns without sending (more than an RTO), cwnd halves once per
 * RTO of it, not below the restart window (the initial window, or cwnd
 * if smaller); ssthresh keeps three quarters of the old cwnd. In bytes.
 */
void
tcp_cwnd_restart(struct pn_tcp_conn *c, uint64_t delta_ns)
{
	uint32_t restart = c->tcp->conf.init_cwnd * (uint32_t)c->mss;
	uint32_t cwnd = c->cwnd;
	int64_t delta = (int64_t)(delta_ns / PN_NS_PER_US);

	c->ssthresh = current_ssthresh(c);
	if (restart > cwnd)
		restart = cwnd;
	while ((delta -= c->rto_us) > 0 && cwnd > restart)
		cwnd >>= 1;
	c->cwnd = cwnd > restart ? cwnd : restart;
	c->cwnd_stamp_ns = c->tcp->lc->now;
	c->cwnd_used = 0;
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
