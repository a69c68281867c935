/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CUBIC, RFC 9438: W_cubic(t) = C (t - K)^3 + W_max, with a Reno-friendly
 * estimate W_est; beta 0.7, C 0.4, fast convergence. Windows are counted
 * in segments (doubles) inside, in bytes in the TCB.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_cc.h"
#include "tcp_priv.h"

#define CUBIC_C    0.4
#define CUBIC_BETA 0.7

struct cubic {
	double w_max;        /* segments */
	double w_last_max;
	double k;            /* seconds */
	double w_est;        /* segments */
	uint64_t epoch_ns;   /* 0: no epoch */
	double cwnd_inc;     /* fractional growth carried over */
};

/*
 * The state is all zeros until the first loss (ssthresh) or congestion
 * avoidance, so it is allocated then (c->cc_state): a connection that
 * never lost a segment holds none. Without memory (TCPCcNoMem) the
 * window falls by beta with no W_max remembered and grows as Reno.
 */
static struct cubic *
cubic_of(struct pn_tcp_conn *c)
{
	if (c->cc_state == NULL) {
		c->cc_state = calloc(1, sizeof(struct cubic));
		if (c->cc_state == NULL)
			c->tcp->stat.TCPCcNoMem++;
	}
	return c->cc_state;
}

static void
cubic_init(struct pn_tcp_conn *c)
{
	if (c->cc_state != NULL)
		memset(c->cc_state, 0, sizeof(struct cubic));
}

static void
cubic_cong_avoid(struct pn_tcp_conn *c, uint32_t acked)
{
	struct cubic *cb;
	double cwnd = (double)c->cwnd / c->mss, t, target, rtt;
	uint64_t now = c->tcp->lc->now;

	if (c->cwnd < c->ssthresh) {
		tcp_cc_reno_grow(c, acked); /* RFC 9438 4.10: slow start */
		return;
	}
	cb = cubic_of(c);
	if (cb == NULL) {
		tcp_cc_reno_grow(c, acked);
		return;
	}
	if (cb->epoch_ns == 0) {
		cb->epoch_ns = now;
		if (cb->w_max < cwnd) {
			cb->w_max = cwnd;
			cb->k = 0;
		} else {
			cb->k = cbrt((cb->w_max - cwnd) / CUBIC_C);
		}
		cb->w_est = cwnd;
	}
	rtt = c->srtt_us ? c->srtt_us / 1e6 : 0.1;
	t = (double)(now - cb->epoch_ns) / 1e9 + rtt;
	target = CUBIC_C * pow(t - cb->k, 3) + cb->w_max;
	if (target > 1.5 * cwnd)
		target = 1.5 * cwnd;
	/* RFC 9438 4.3: Reno-friendly region. */
	cb->w_est += (3.0 * (1 - CUBIC_BETA) / (1 + CUBIC_BETA)) *
		     ((double)acked / c->mss) / cwnd;
	if (cb->w_est > target)
		target = cb->w_est;
	if (target > cwnd)
		cb->cwnd_inc += (target - cwnd) / cwnd * ((double)acked / c->mss);
	if (cb->cwnd_inc >= 1.0) {
		uint32_t n = (uint32_t)cb->cwnd_inc;

		c->cwnd += n * c->mss;
		cb->cwnd_inc -= n;
	}
}

static uint32_t
cubic_ssthresh(struct pn_tcp_conn *c)
{
	struct cubic *cb = cubic_of(c);
	double cwnd = (double)c->cwnd / c->mss;
	uint32_t ss;

	if (cb != NULL) {
		cb->epoch_ns = 0;
		/* RFC 9438 4.7: fast convergence. */
		if (cwnd < cb->w_last_max)
			cb->w_last_max = cwnd * (1 + CUBIC_BETA) / 2;
		else
			cb->w_last_max = cwnd;
		cb->w_max = cb->w_last_max;
	}
	ss = (uint32_t)(c->cwnd * CUBIC_BETA);
	return ss > 2u * c->mss ? ss : 2u * c->mss;
}

static void
cubic_recovered(struct pn_tcp_conn *c)
{
	struct cubic *cb = c->cc_state; /* none: nothing to reset */

	if (cb != NULL) {
		cb->epoch_ns = 0;
		cb->cwnd_inc = 0;
	}
}

static void
cubic_on_rto(struct pn_tcp_conn *c)
{
	cubic_recovered(c);
}

/* Linux cubictcp_cwnd_event (CA_EVENT_TX_START): sending again after
 * an idle spell, the epoch moves on by the spell, so the curve resumes
 * where it stopped instead of jumping by the idle time; never past now. */
static void
cubic_cwnd_event(struct pn_tcp_conn *c, enum tcp_ca_event ev)
{
	struct cubic *cb = c->cc_state;
	uint64_t now = c->tcp->lc->now;

	if (ev != TCP_CA_EVENT_TX_START || cb == NULL || cb->epoch_ns == 0 ||
	    now <= c->lsnd_ns)
		return;
	cb->epoch_ns += now - c->lsnd_ns;
	if (cb->epoch_ns > now)
		cb->epoch_ns = now;
}

const struct tcp_cc_ops tcp_cc_cubic = {
	.name = "cubic",
	.init = cubic_init,
	.cong_avoid = cubic_cong_avoid,
	.ssthresh = cubic_ssthresh,
	.recovered = cubic_recovered,
	.on_rto = cubic_on_rto,
	.cwnd_event = cubic_cwnd_event,
};
