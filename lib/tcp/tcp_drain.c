/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shutdown drain. When a process exits, Linux goes on with its TCP:
 * closed sockets send what they queued and their FIN, retransmit until
 * acknowledged (orphans), and TIME-WAIT answers a FIN retransmitted
 * because our last ACK was lost. Here the stack goes with the process,
 * so before it does, the lcore loop runs -- for a bounded time -- until
 * nothing is owed to a peer.
 */
#include <errno.h>

#include <rte_common.h>

#include "tcp_priv.h"

/* TIME-WAIT is kept this many RTOs after the peer's last segment (our
 * ACK of its FIN): a peer that lost that ACK retransmits its FIN after
 * its own RTO, which ours estimates; twice, for the peer's timer being
 * coarser or later than ours. */
#define DRAIN_TW_RTOS 2

/* A settled shard polls on for the others (their steered packets may
 * arrive through its queue) and looks at them this often. */
#define DRAIN_PEEK_NS PN_NS_PER_MS

/* Until when @p c, in TIME-WAIT, waits for a retransmitted FIN: 2 MSL
 * run from the peer's last segment (tcp_timewait_arm), so that is when
 * it came. */
static uint64_t
tw_owed_until(const struct pn_tcp_conn *c)
{
	uint64_t msl2 = 2ull * c->tcp->conf.msl_ms * PN_NS_PER_MS;

	if (!pn_timer_pending(&c->t_keep) || c->t_keep.expire_ns < msl2)
		return 0;
	return c->t_keep.expire_ns - msl2 +
	       DRAIN_TW_RTOS * (uint64_t)c->rto_us * PN_NS_PER_US;
}

static uint64_t
conn_owed_until(struct pn_tcp_conn *c)
{
	uint64_t until;

	/* a delayed ACK would go when its timer fires: send it now */
	if (c->flags & TF_DELACK)
		tcp_send_ack(c);
	switch (c->state) {
	case PN_TCP_FIN_WAIT_1:
	case PN_TCP_CLOSING:
	case PN_TCP_LAST_ACK:
		return UINT64_MAX; /* our FIN is not acknowledged */
	case PN_TCP_ESTABLISHED:
	case PN_TCP_CLOSE_WAIT: /* a socket left open: its data in flight */
		return c->snd_una != c->snd_max || c->sndq.len ? UINT64_MAX : 0;
	case PN_TCP_TIME_WAIT:
		until = tw_owed_until(c);
		return until > c->tcp->lc->now ? until : 0;
	default:
		/* SYN-SENT and SYN-RECEIVED are dropped at close as Linux
		 * does; FIN-WAIT-2 had its FIN acknowledged */
		return 0;
	}
}

uint64_t
pn_tcp_owed(struct pn_tcp *tcp)
{
	struct pn_tcp_conn *c;
	uint64_t until = 0;

	TAILQ_FOREACH(c, &tcp->conns, link)
		if (!(c->flags & TF_ZOMBIE))
			until = RTE_MAX(until, conn_owed_until(c));
	return until;
}

int
pn_tcp_drain(struct pn_tcp *tcp, uint64_t max_ns, atomic_uint *busy)
{
	struct pn_lcore *lc = tcp->lc;
	bool counted = false;
	uint64_t end, until;
	int rc = -ETIMEDOUT;

	lc->now = pn_clock_now(lc->clock);
	end = lc->now + max_ns;
	for (;;) {
		pn_tx_flush(lc);
		until = pn_tcp_owed(tcp);
		if (until == 0 && lc->tx_held_now == 0 && !counted) {
			counted = true;
			rc = 0;
			if (busy != NULL)
				atomic_fetch_sub(busy, 1);
		}
		if ((counted && (busy == NULL || atomic_load(busy) == 0)) ||
		    lc->now >= end)
			break;
		if (counted || lc->tx_held_now > 0)
			until = lc->now + DRAIN_PEEK_NS;
		pn_lcore_poll(lc, RTE_MIN(until, end), NULL, NULL);
	}
	if (!counted && busy != NULL)
		atomic_fetch_sub(busy, 1);
	pn_tx_flush(lc);
	return rc;
}
