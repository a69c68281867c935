/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP timers on the lcore wheel, three intrusive pn_timer per TCB:
 *   t_rtx    retransmission (RFC 6298: Karn, backoff, min/max), SYN and
 *            SYN-ACK retries, persist (zero-window probes with backoff)
 *   t_delack delayed ACK (RFC 1122 4.2.3.2, RFC 9293 3.8.6.3)
 *   t_keep   keepalive (RFC 1122 4.2.3.6), FIN-WAIT-2 timeout, TIME-WAIT
 *            2 x MSL
 * Giving up: syn_retries (SYN-ACKs of a listener's embryo: synack_retries),
 * retries2 or the user timeout (RFC 9293 3.8.3);
 * negative advice to IP at R1 (TCP_RETRIES1).
 */
#include <errno.h>

#include "net.h"
#include "tcp_cc.h"
#include "tcp_priv.h"

static struct pn_timer_wheel *
wheel(struct pn_tcp_conn *c)
{
	return &c->tcp->lc->timers;
}

static uint64_t
rto_ns(const struct pn_tcp_conn *c)
{
	const struct pn_tcp_conf *cf = &c->tcp->conf;
	/* TCP_SYNCNT lets backoff reach 127: no shift past 63 */
	uint64_t us = (uint64_t)c->rto_us << RTE_MIN(c->backoff, 32);

	if (us > (uint64_t)cf->rto_max_ms * 1000)
		us = (uint64_t)cf->rto_max_ms * 1000;
	return us * PN_NS_PER_US;
}

void
tcp_rtt_sample(struct pn_tcp_conn *c, uint32_t rtt_us)
{
	const struct pn_tcp_conf *cf = &c->tcp->conf;
	uint64_t rto;

	if (rtt_us == 0)
		rtt_us = 1;
	c->rtt_us = rtt_us;
	if (c->srtt_us == 0) {
		/* RFC 6298 2.2 */
		c->srtt_us = rtt_us;
		c->rttvar_us = rtt_us / 2;
	} else {
		/* RFC 6298 2.3: beta 1/4, alpha 1/8 */
		uint32_t d = c->srtt_us > rtt_us ? c->srtt_us - rtt_us :
			     rtt_us - c->srtt_us;

		c->rttvar_us = (3 * c->rttvar_us + d) / 4;
		c->srtt_us = (7 * c->srtt_us + rtt_us) / 8;
	}
	rto = (uint64_t)c->srtt_us + RTE_MAX(4ull * c->rttvar_us, 1000ull);
	if (rto < (uint64_t)cf->rto_min_ms * 1000)
		rto = (uint64_t)cf->rto_min_ms * 1000;
	if (rto > (uint64_t)cf->rto_max_ms * 1000)
		rto = (uint64_t)cf->rto_max_ms * 1000;
	c->rto_us = (uint32_t)rto;
}

/* RFC 8985 7.2: a tail loss probe is due after PTO when the flight is
 * open (its FIN too) and SACK tells what the probe finds. Linux
 * tcp_schedule_loss_probe: only in the Open (or CWR) congestion state:
 * not in recovery, nothing SACKed (Disorder), not after an RTO until
 * its flight is ACKed (Loss); tcp_send_loss_probe: at most one probe
 * out (tp->tlp_high_seq: rxt_fence; tcp_input.c's tlp_ack), the RTO
 * instead of a second one. The caller checked SRTT and the flight. */
static inline bool
tlp_eligible(const struct pn_tcp_conn *c)
{
	/* the cheap tests first: every output of request/response asks */
	const uint32_t open = 1u << PN_TCP_ESTABLISHED | 1u << PN_TCP_CLOSE_WAIT |
			      1u << PN_TCP_FIN_WAIT_1 | 1u << PN_TCP_CLOSING |
			      1u << PN_TCP_LAST_ACK;

	return c->backoff == 0 && !c->tlp_out && (c->flags & TF_SACK) &&
	       (open & (1u << c->state)) &&
	       ((c->flags & TF_IN_RECOVERY) || (c->nsb == 0 &&
	       tcp_may_enter_recovery(c, c->snd_una)));
}

/* Linux tcp_schedule_loss_probe's timeout: 2 SRTT + rto_min (the worst
 * delayed ACK) for one segment out, else + 2 ms (TCP_TIMEOUT_MIN_US), in
 * jiffies rounded up (usecs_to_jiffies; ours are HZ 1000 ones: whole ms). */
static uint64_t
pto_ns(const struct pn_tcp_conn *c)
{
	uint64_t us = 2ull * c->srtt_us +
		      (c->snd_max - c->snd_una <= tcp_eff_mss(c) ?
		       (uint64_t)c->tcp->conf.rto_min_ms * 1000 :
		       TCP_PTO_MIN_MS * 1000);

	return (us + 999) / 1000 * PN_NS_PER_MS;
}

/*
 * t_rtx for the flight: the RTO at @p rto_at, or the loss probe before
 * it. Linux tcp_schedule_loss_probe caps the PTO at the time left to
 * the RTO (tcp_rto_delta_us; no cap when none is left) and the probe
 * goes in the RTO's place: with one segment out (2 SRTT + rto_min
 * against an RTO of about SRTT + rto_min) always. The RTO stays under
 * the probe (pto_rto_us) for tcp_rtx_rearm_sent.
 */
static __rte_always_inline void
rtx_arm_at(struct pn_tcp_conn *c, uint64_t rto_at)
{
	uint64_t now = c->tcp->lc->now, at = rto_at, pto, min;

	c->reo_armed = false;
	c->tlp_armed = false;
	c->flags &= (uint16_t)~TF_PERSIST;
	if (c->srtt_us != 0 && c->snd_una != c->snd_max && tlp_eligible(c)) {
		pto = pto_ns(c);
		if (!(c->flags & TF_IN_RECOVERY)) {
			c->tlp_armed = true;
			if (rto_at <= now || now + pto < rto_at)
				at = now + pto;
		} else {
			/* ours, not Linux's (docs/rfc9293.md): at least
			 * SRTT + 4 RTTVAR, and only before the RTO */
			min = (uint64_t)(c->srtt_us + 4ull * c->rttvar_us) *
			      PN_NS_PER_US;
			if (pto < min)
				pto = min;
			if (now + pto < rto_at) {
				c->tlp_armed = true;
				at = now + pto;
			}
		}
		if (c->tlp_armed)
			c->pto_rto_us = at < rto_at ? (uint32_t)((rto_at - at +
					PN_NS_PER_US - 1) / PN_NS_PER_US) : 0;
	}
	/* Deferred: after each ACK the RTO moves later, mostly in place
	 * (Linux keeps icsk_timeout and re-arms on early expiry). */
	pn_timer_defer(wheel(c), &c->t_rtx, at);
}

void
tcp_rtx_arm(struct pn_tcp_conn *c)
{
	rtx_arm_at(c, c->tcp->lc->now + rto_ns(c));
}

void
tcp_rtx_rearm_sent(struct pn_tcp_conn *c)
{
	rtx_arm_at(c, pn_timer_expiry(&c->t_rtx) +
		   (uint64_t)c->pto_rto_us * PN_NS_PER_US);
}

/*
 * RFC 8985 7.3, one deliberate difference: the probe is the last
 * segment sent (with the FIN if it carried one), never new data. Linux
 * as a receiver ACKs a duplicate at once (and goes to quick-ACK mode),
 * but holds the ACK of one new in-order segment for its delayed-ACK time
 * (40 ms at least): when the probe's cause was a lost ACK for the whole
 * flight (Linux ACKs a burst with one ACK), a new-data probe stalled the
 * transfer 40 ms. When the tail was lost, the probe repairs it. Then the
 * RTO from now (Linux tcp_rearm_rto), never a second probe.
 */
static void
tlp_fire(struct pn_tcp_conn *c)
{
	uint32_t mss = tcp_eff_mss(c), end = c->snd_max, len;
	uint8_t fl = PN_TCP_ACK;

	c->tlp_armed = false;
	c->tlp_out = true;
	c->rxt_fence = c->snd_max;
	c->tcp->stat.TCPLossProbes++;
	if (c->flags & TF_IN_RECOVERY) {
		c->rec_all_lost = true;
		c->high_rxt = c->snd_una;
		tcp_output(c);
		tcp_rtx_arm(c);
		return;
	}
	if ((c->flags & TF_FIN_SENT) && end - c->snd_una == c->sndq.len + 1) {
		fl |= PN_TCP_FIN;
		end--;
	}
	len = end - c->snd_una < mss ? end - c->snd_una : mss;
	c->tcp->stat.RetransSegs++;
	c->total_retrans++;
	tcp_xmit(c, end - len, len, fl);
	tcp_rtx_arm(c);
}

void
tcp_reo_arm(struct pn_tcp_conn *c)
{
	uint64_t us = c->srtt_us ? c->srtt_us : 1000;

	/* RFC 8985 6.2: RTT + reo_wnd, reo_wnd = RTT / 4 (at least
	 * 250 us), never later than the RTO. */
	us += RTE_MAX(us / 4, 250ull);
	if (c->reo_armed || us * PN_NS_PER_US >= rto_ns(c))
		return;
	c->reo_armed = true;
	/* the timer is the reordering window's now, not a loss probe's:
	 * new data sent meanwhile must not re-arm it as a PTO */
	c->tlp_armed = false;
	pn_timer_defer(wheel(c), &c->t_rtx, c->tcp->lc->now + us * PN_NS_PER_US);
}

/* The reordering window passed and the hole at SND.UNA is still there:
 * lost (RFC 8985 6.3), recover now rather than at the RTO. */
static void
reo_fire(struct pn_tcp_conn *c)
{
	c->reo_armed = false;
	if (!(c->flags & TF_IN_RECOVERY) && c->nsb > 0 &&
	    c->snd_una != c->snd_max && tcp_synchronized(c) &&
	    tcp_may_enter_recovery(c, c->snd_una)) {
		c->tcp->stat.TCPReoTimeout++;
		tcp_enter_recovery(c);
		/* no ACK here: PRR as if one segment was delivered (Linux
		 * tcp_rack_reo_timeout) */
		tcp_prr_ack(c, tcp_eff_mss(c), false);
		tcp_output(c);
		return;
	}
	tcp_rtx_arm(c);
}

void
tcp_rtx_stop(struct pn_tcp_conn *c)
{
	c->reo_armed = false;
	c->tlp_armed = false;
	c->flags &= (uint16_t)~TF_PERSIST;
	/* Everything ACKed: the next send re-arms it, mostly in place. A
	 * lazily cancelled entry never fires nor wakes an idle lcore. */
	pn_timer_cancel_lazy(wheel(c), &c->t_rtx);
}

void
tcp_persist_arm(struct pn_tcp_conn *c)
{
	uint64_t ns = rto_ns(c);
	const struct pn_tcp_conf *cf = &c->tcp->conf;

	/* Linux: persist interval between rto_min and rto_max. */
	if (ns < (uint64_t)cf->rto_min_ms * PN_NS_PER_MS)
		ns = (uint64_t)cf->rto_min_ms * PN_NS_PER_MS;
	c->reo_armed = false;
	c->tlp_armed = false;
	c->flags |= TF_PERSIST;
	pn_timer_defer(wheel(c), &c->t_rtx, c->tcp->lc->now + ns);
}

void
tcp_delack_arm(struct pn_tcp_conn *c)
{
	c->flags |= TF_DELACK;
	/* a lazily cancelled entry (xmit_seg) is re-used in place */
	if (!pn_timer_pending(&c->t_delack))
		pn_timer_defer(wheel(c), &c->t_delack, c->tcp->lc->now +
			       (uint64_t)c->tcp->conf.delack_ms * PN_NS_PER_MS);
}

void
tcp_keep_arm(struct pn_tcp_conn *c)
{
	if (!(c->flags & TF_KEEPALIVE) ||
	    (c->state != PN_TCP_ESTABLISHED && c->state != PN_TCP_CLOSE_WAIT &&
	     c->state != PN_TCP_FIN_WAIT_1 && c->state != PN_TCP_FIN_WAIT_2)) {
		return;
	}
	if (c->state == PN_TCP_FIN_WAIT_2 && (c->flags & TF_CLOSED))
		return; /* the FIN-WAIT-2 timeout owns t_keep */
	pn_timer_arm(wheel(c), &c->t_keep, c->last_rcv_ns +
		     (uint64_t)c->keep_idle_s * PN_NS_PER_S);
}

void
tcp_timewait_arm(struct pn_tcp_conn *c)
{
	tcp_rtx_stop(c);
	pn_timer_cancel(wheel(c), &c->t_delack);
	pn_timer_arm(wheel(c), &c->t_keep, c->tcp->lc->now +
		     2ull * c->tcp->conf.msl_ms * PN_NS_PER_MS);
}

void
tcp_finwait2_arm(struct pn_tcp_conn *c)
{
	pn_timer_arm(wheel(c), &c->t_keep, c->tcp->lc->now +
		     (uint64_t)c->tcp->conf.fin_timeout_ms * PN_NS_PER_MS);
}

static bool
give_up(struct pn_tcp_conn *c)
{
	const struct pn_tcp_conf *cf = &c->tcp->conf;
	uint64_t now = c->tcp->lc->now;

	/* a listener's embryo (Linux request sock) counts its SYN-ACKs
	 * against synack_retries; SYN-RECEIVED of a simultaneous open is
	 * a full socket: syn_retries (Linux tcp_write_timeout) */
	if (c->state == PN_TCP_SYN_RECEIVED && c->listener != NULL)
		return c->backoff >= tcp_synack_retries(c);
	if (c->state == PN_TCP_SYN_SENT || c->state == PN_TCP_SYN_RECEIVED)
		return c->backoff >= tcp_syn_retries(c);
	if (c->user_timeout_ms != 0)
		return c->rtx_start_ns != 0 &&
		       now - c->rtx_start_ns >=
		       (uint64_t)c->user_timeout_ms * PN_NS_PER_MS;
	return c->backoff >= cf->retries2;
}

static void
rtx_fire(struct pn_timer *t)
{
	struct pn_tcp_conn *c = pn_timer_owner(t, struct pn_tcp_conn, t_rtx);
	struct pn_tcp *tcp = c->tcp;

	tcp_poll_stale(c);
	tcp->busy++;
	if (c->flags & TF_PERSIST) {
		/* RFC 9293 3.8.6.1: probe the zero window with one byte. */
		if (c->snd_wnd == 0 && c->sndq.len > 0) {
			/* Linux tcp_probe_timer: a connection the socket let
			 * go of gives up after TCP_ORPHAN_RETRIES unanswered
			 * probes, whatever user_timeout says */
			bool orphan_out = (c->flags & TF_CLOSED) &&
					  c->probes >= TCP_ORPHAN_RETRIES;

			if (!orphan_out) {
				tcp->stat.TCPWinProbe++;
				if (c->backoff < 15)
					c->backoff++;
				c->probes++;
			}
			if (c->user_timeout_ms != 0 && c->rtx_start_ns == 0)
				c->rtx_start_ns = tcp->lc->now;
			if (orphan_out ||
			    (give_up(c) && c->user_timeout_ms != 0)) {
				tcp->stat.TCPAbortOnTimeout++;
				tcp_send_rst(c);
				tcp_conn_reset(c, tcp_timeout_err(c));
				goto out;
			}
			if (c->sndq.len > c->snd_nxt - c->snd_una) {
				tcp_xmit(c, c->snd_nxt, 1, PN_TCP_ACK);
				c->snd_nxt++;
				if (pn_seq_gt(c->snd_nxt, c->snd_max))
					c->snd_max = c->snd_nxt;
			} else {
				/* every byte queued went out as a probe: the
				 * first of them again (BSD probes with the
				 * byte at SND.UNA), not a stop with bytes in
				 * flight and no timer for them */
				tcp_xmit(c, c->snd_una, 1, PN_TCP_ACK);
			}
			tcp_persist_arm(c);
		} else {
			c->flags &= (uint16_t)~TF_PERSIST;
			tcp_output(c);
			/* RFC 6298 5.1: data in flight has a timer */
			if (c->snd_una != c->snd_max &&
			    !pn_timer_pending(&c->t_rtx))
				tcp_rtx_arm(c);
			/* refused again (tcp_output armed the probe anew):
			 * counted as a probe, given up as Linux
			 * tcp_probe_timer does (retries2; an orphan
			 * TCP_ORPHAN_RETRIES) */
			if ((c->flags & TF_PERSIST) && c->snd_wnd != 0) {
				if (c->backoff < 15)
					c->backoff++;
				if (++c->probes > ((c->flags & TF_CLOSED) ?
						   TCP_ORPHAN_RETRIES :
						   c->tcp->conf.retries2)) {
					tcp->stat.TCPAbortOnTimeout++;
					tcp_send_rst(c);
					tcp_conn_reset(c, tcp_timeout_err(c));
				}
			}
		}
		goto out;
	}
	if (c->reo_armed) {
		reo_fire(c);
		goto out;
	}
	if (c->tlp_armed) {
		tlp_fire(c);
		goto out;
	}
	if (c->snd_una == c->snd_max)
		goto out;
	if (c->rtx_start_ns == 0)
		c->rtx_start_ns = tcp->lc->now;
	if (give_up(c)) {
		tcp->stat.TCPAbortOnTimeout++;
		if (tcp_synchronized(c))
			tcp_send_rst(c);
		tcp_conn_reset(c, tcp_timeout_err(c));
		goto out;
	}
	/* RFC 9293 MUST-20: R1 unanswered retransmissions, negative advice
	 * to IP (Linux tcp_write_timeout, __dst_negative_advice); once per
	 * crossing: a new ACK sets backoff back to 0. */
	if (c->backoff == (tcp_synchronized(c) ? TCP_RETRIES1 : 1)) {
		tcp->stat.TCPNegativeAdvice++;
		pn_net_negative_advice(tcp->net, c->key.rip);
	}
	tcp->stat.TCPTimeouts++;
	c->backoff++;
	c->rtt_start_ns = 0; /* Karn */
	if (c->state == PN_TCP_SYN_SENT || c->state == PN_TCP_SYN_RECEIVED) {
		tcp->stat.TCPSynRetrans++;
		tcp->stat.RetransSegs++;
		c->total_retrans++;
		tcp_retransmit_head(c);
		tcp_rtx_arm(c);
		goto out;
	}
	/* RFC 5681 (4) and 3.1: ssthresh, cwnd to one segment, go back N. */
	if (c->backoff == 1 || !(c->flags & TF_IN_RECOVERY))
		c->ssthresh = c->cc->ssthresh(c);
	c->cwnd = c->mss;
	c->cwnd_stamp_ns = tcp->lc->now; /* Linux tcp_enter_loss */
	c->cc->on_rto(c);
	c->flags &= (uint16_t)~TF_IN_RECOVERY;
	c->recover = c->snd_max;
	c->dupacks = 0;
	/* RFC 6675 5.1: the scoreboard stays; go-back-N skips SACKed data
	 * (tcp_output). */
	c->high_rxt = c->snd_una;
	c->undo_ok = false;
	c->rec_all_lost = false;
	c->tlp_out = false; /* Linux tcp_enter_loss */
	c->snd_nxt = c->snd_una;
	tcp_retransmit_head(c);
	/* Go back N: the FIN counts as sent only if this covered it. */
	if (c->snd_nxt - c->snd_una <= c->sndq.len)
		c->flags &= (uint16_t)~TF_FIN_SENT;
	tcp_rtx_arm(c);
out:
	tcp->busy--;
	tcp_reap(tcp);
}

static void
delack_fire(struct pn_timer *t)
{
	struct pn_tcp_conn *c = pn_timer_owner(t, struct pn_tcp_conn, t_delack);

	tcp_poll_stale(c);
	if (c->flags & TF_DELACK) {
		c->tcp->stat.TCPDelayedACKs++;
		tcp_send_ack(c);
	}
}

static void
keep_fire(struct pn_timer *t)
{
	struct pn_tcp_conn *c = pn_timer_owner(t, struct pn_tcp_conn, t_keep);
	struct pn_tcp *tcp = c->tcp;
	uint64_t now = tcp->lc->now;

	tcp_poll_stale(c);
	tcp->busy++;
	switch (c->state) {
	case PN_TCP_TIME_WAIT:
		tcp_conn_closed(c);
		break;
	case PN_TCP_FIN_WAIT_2:
		if (c->flags & TF_CLOSED) {
			tcp_send_rst(c);
			tcp_conn_closed(c);
			break;
		}
		/* fall through */
	default:
		if (!(c->flags & TF_KEEPALIVE))
			break;
		if (now - c->last_rcv_ns < (uint64_t)c->keep_idle_s * PN_NS_PER_S &&
		    c->probes == 0) {
			tcp_keep_arm(c);
			break;
		}
		/* MUST-26: only when nothing is outstanding (the RTO is
		 * watching the connection then). */
		if (c->probes == 0 && (c->snd_una != c->snd_max || c->sndq.len)) {
			pn_timer_arm(wheel(c), &c->t_keep, now +
				     (uint64_t)c->keep_idle_s * PN_NS_PER_S);
			break;
		}
		if (c->probes >= c->keep_cnt) {
			tcp->stat.TCPAbortOnTimeout++;
			tcp_send_rst(c);
			tcp_conn_reset(c, tcp_timeout_err(c));
			break;
		}
		/* RFC 1122 4.2.3.6: SEG.SEQ = SND.NXT - 1, no data. */
		c->probes++;
		tcp->stat.TCPKeepAlive++;
		tcp_xmit(c, c->snd_una - 1, 0, PN_TCP_ACK);
		pn_timer_arm(wheel(c), &c->t_keep,
			     now + (uint64_t)c->keep_intvl_s * PN_NS_PER_S);
		break;
	}
	tcp->busy--;
	tcp_reap(tcp);
}

void
tcp_timers_init(struct pn_tcp_conn *c)
{
	pn_timer_init(&c->t_rtx, rtx_fire);
	pn_timer_init(&c->t_delack, delack_fire);
	pn_timer_init(&c->t_keep, keep_fire);
}

void
tcp_timers_cancel(struct pn_tcp_conn *c)
{
	/* At the close, again when a reset connection's socket closes, and
	 * at the free: mostly none is linked, and then no call is made. */
	if (pn_timer_linked(&c->t_rtx))
		pn_timer_cancel(wheel(c), &c->t_rtx);
	if (pn_timer_linked(&c->t_delack))
		pn_timer_cancel(wheel(c), &c->t_delack);
	if (pn_timer_linked(&c->t_keep))
		pn_timer_cancel(wheel(c), &c->t_keep);
}
