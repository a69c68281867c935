/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The state machine, RFC 9293 3.10.7: one function per state. Input
 * decides; it never builds packets: it sets TF_ACK_NOW and friends and
 * tcp_output() sends afterwards. RFC 5961 protections (challenge ACKs for
 * RST and SYN, ACK range check), PAWS (RFC 7323 5), NewReno recovery
 * (RFC 6582), SYN cookies at the listener.
 */
#include <errno.h>
#include <string.h>

#include <rte_mbuf.h>

#include "tcp_cc.h"
#include "tcp_priv.h"

#define TCP_QUICKACKS 2     /* segments ACKed at once after the handshake */
#define PAWS_24DAYS_MS (24u * 86400u * 1000u)
#define TCP_PAWS_WINDOW 1	/* ticks, as Linux */
#define TCP_INVALID_RATELIMIT_MS 500 /* Linux tcp_invalid_ratelimit (HZ/2) */

/* --- helpers shared by the states --- */

static void
set_iw(struct pn_tcp_conn *c)
{
	/* RFC 6928 IW (init_cwnd segments, 10 by default). */
	c->cwnd = c->tcp->conf.init_cwnd * (uint32_t)c->mss;
	c->ssthresh = UINT32_MAX / 2;
	c->dupthresh = TCP_DUPTHRESH;
	/* Linux tcp_init_transfer (snd_cwnd_stamp) and the lsndtime set
	 * when the connection is established */
	c->cwnd_stamp_ns = c->lsnd_ns = c->tcp->lc->now;
	c->cwnd_used = 0;
	c->cc->init(c);
}

void
tcp_syn_options(struct pn_tcp_conn *c, const struct pn_tcp_opts *o)
{
	const struct pn_tcp_conf *cf = &c->tcp->conf;
	uint32_t mss = (o->has & PN_TCPO_MSS) ? o->mss : 536; /* MUST-15 */

	if (mss > c->rcv_mss)
		mss = c->rcv_mss;
	if (c->user_mss && mss > c->user_mss)
		mss = c->user_mss;
	if (mss < cf->mss_min)
		mss = cf->mss_min; /* MSS floor against tiny-MSS abuse */
	c->mss = (uint16_t)mss;
	if (cf->wscale && (o->has & PN_TCPO_WS)) {
		c->flags |= TF_WS;
		c->snd_wscale = o->wscale > PN_TCP_WS_MAX ? PN_TCP_WS_MAX :
				o->wscale;
	} else {
		c->snd_wscale = 0;
		c->rcv_wscale = 0;
	}
	if (cf->sack && (o->has & PN_TCPO_SACK_OK))
		c->flags |= TF_SACK;
	if (cf->timestamps && (o->has & PN_TCPO_TS)) {
		c->flags |= TF_TS;
		c->ts_recent = o->tsval;
		c->ts_recent_age_ms = tcp_now_ms(c->tcp);
	}
}

static void
became_established(struct pn_tcp_conn *c)
{
	tcp_set_state(c, PN_TCP_ESTABLISHED);
	set_iw(c);
	c->backoff = 0;
	c->rtx_start_ns = 0;
	c->quickack = TCP_QUICKACKS;
	c->rcv_space_seq = c->rcv_nxt;
	c->rcv_space_ns = c->tcp->lc->now;
	tcp_keep_arm(c);
}

/* RFC 2883 4: [seq of @p s, @p end) was received before, the next ACK
 * reports it first. Not for a SYN (challenged) nor in TIME-WAIT, whose
 * ACKs carry no SACK (Linux tcp_timewait_state_process). */
static void
dup_data(struct pn_tcp_conn *c, const struct tcp_seg *s, uint32_t end)
{
	if (c->state != PN_TCP_TIME_WAIT &&
	    !(s->h.flags & (PN_TCP_SYN | PN_TCP_RST)))
		tcp_dsack_set(c, s->h.seq, end);
}

/* An unacceptable segment: ACK at once, with a D-SACK for what of it lies
 * below RCV.NXT (Linux tcp_send_dupack). */
static void
send_dupack(struct pn_tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t end = s->h.seq + s->seg_len;

	c->flags |= TF_ACK_NOW;
	if (s->seg_len > 0 && pn_seq_lt(s->h.seq, c->rcv_nxt)) {
		c->tcp->stat.DelayedACKLost++;
		dup_data(c, s, pn_seq_gt(end, c->rcv_nxt) ? c->rcv_nxt : end);
	}
}

/* Linux tcp_oow_rate_limited: the duplicate ACK to an unacceptable
 * segment that carries no data (a pure ACK, or a SYN) goes at most once
 * per TCP_INVALID_RATELIMIT_MS on a connection. Two ends that each find
 * the other's ACKs out of window would ACK each other in a loop
 * (RFC 5961 10), and a pure ACK that the network reordered behind the
 * data sent after it needs no answer. Data is always answered: its
 * sender learns from our ACK what to resend. @p paws: it failed PAWS.
 * @return skip the duplicate ACK (counted, per state, as Linux). */
static bool
oow_rate_limited(struct pn_tcp_conn *c, const struct tcp_seg *s, bool paws)
{
	struct pn_tcp_stat *st = &c->tcp->stat;
	uint32_t now = tcp_now_ms(c->tcp);

	if (s->seg_len > 0 && !(s->h.flags & PN_TCP_SYN))
		return false;
	if (c->last_oow_ack_ms != 0 &&
	    now - c->last_oow_ack_ms < TCP_INVALID_RATELIMIT_MS) {
		if (c->state == PN_TCP_TIME_WAIT)
			st->TCPACKSkippedTimeWait++;
		else if (c->state == PN_TCP_SYN_RECEIVED)
			st->TCPACKSkippedSynRecv++;
		else if (paws)
			st->TCPACKSkippedPAWS++;
		else
			st->TCPACKSkippedSeq++;
		return true;
	}
	c->last_oow_ack_ms = now;
	return false;
}

/* Trim @p s to the receive window @p wnd (tcp_rcv_wnd), or to the edge
 * offered before where that is further: RFC 9293 3.10.7.4 "trim". */
static void
trim_to_window(struct pn_tcp_conn *c, struct tcp_seg *s, uint32_t wnd)
{
	uint32_t cut;

	if (wnd < tcp_rcv_offered(c))
		wnd = tcp_rcv_offered(c);

	if (pn_seq_lt(s->h.seq, c->rcv_nxt)) {
		cut = c->rcv_nxt - s->h.seq;
		if (s->h.flags & PN_TCP_SYN) {
			s->h.flags &= (uint8_t)~PN_TCP_SYN;
			cut--;
			s->h.seq++;
		} else if (s->len > 0) {
			/* a partial duplicate (Linux tcp_data_queue) */
			dup_data(c, s, s->h.seq + RTE_MIN(cut, s->len));
		}
		if (cut > s->len)
			cut = s->len;
		s->off = (uint16_t)(s->off + cut);
		s->len -= cut;
		s->h.seq += cut;
	}
	if (pn_seq_gt(s->h.seq + s->len, c->rcv_nxt + wnd)) {
		s->len = pn_seq_gt(c->rcv_nxt + wnd, s->h.seq) ?
			 c->rcv_nxt + wnd - s->h.seq : 0;
		s->h.flags &= (uint8_t)~PN_TCP_FIN;
	}
	s->seg_len = s->len + !!(s->h.flags & PN_TCP_FIN);
}

/* RFC 9293 3.10.7.4 first check, after PAWS, with @p wnd =
 * tcp_rcv_wnd(). @return acceptable. */
static bool
seq_acceptable(const struct pn_tcp_conn *c, const struct tcp_seg *s,
	       uint32_t wnd)
{
	uint32_t adv = tcp_rcv_offered(c);

	if (adv > wnd)
		wnd = adv;
	if (s->seg_len == 0) {
		/* Also from the left edge of the window last offered (Linux
		 * tcp_sequence: end_seq not before rcv_wup): a pure ACK the
		 * network reordered behind data is processed for its ACK,
		 * not answered with a duplicate ACK that the peer would
		 * count towards a spurious fast retransmit. */
		if (pn_seq_lt(s->h.seq, c->rcv_nxt))
			return pn_seq_geq(s->h.seq, c->last_ack_sent);
		if (wnd == 0)
			return s->h.seq == c->rcv_nxt;
		return pn_seq_in(s->h.seq, c->rcv_nxt, c->rcv_nxt + wnd);
	}
	if (wnd == 0)
		return false;
	return pn_seq_in(s->h.seq, c->rcv_nxt, c->rcv_nxt + wnd) ||
	       pn_seq_in(s->h.seq + s->seg_len - 1, c->rcv_nxt, c->rcv_nxt + wnd);
}

/* Linux tcp_disordered_ack: a pure duplicate ACK that the network
 * reordered behind a newer one is let through PAWS when it changes no
 * window and its timestamp is less than an RTO old: its SACK blocks
 * still count for loss recovery. */
static bool
disordered_ack(const struct pn_tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t wnd = (uint32_t)s->h.win << c->snd_wscale;

	return (s->h.flags & PN_TCP_ACK) && s->seg_len == 0 &&
	       s->h.seq == c->rcv_nxt && s->h.ack == c->snd_una &&
	       !pn_seq_gt(s->h.seq, c->snd_wl1) &&
	       !(s->h.seq == c->snd_wl1 && wnd > c->snd_wnd) &&
	       (int32_t)(c->ts_recent - s->h.opts.tsval) <=
	       (int32_t)(c->rto_us / 1000);
}

/* RFC 7323 5.3 PAWS. @return false when the segment must be dropped. */
static bool
paws_ok(struct pn_tcp_conn *c, const struct tcp_seg *s)
{
	if (!(c->flags & TF_TS) || !(s->h.opts.has & PN_TCPO_TS) ||
	    (s->h.flags & PN_TCP_RST))
		return true;
	/* Linux tcp_paws_check: a timestamp one tick behind passes
	 * (TCP_PAWS_WINDOW), a segment reordered within one clock tick */
	if ((int32_t)(c->ts_recent - s->h.opts.tsval) <= TCP_PAWS_WINDOW)
		return true;
	/* ts_recent older than 24 days is invalid (RFC 7323 5.5). */
	if (tcp_now_ms(c->tcp) - c->ts_recent_age_ms > PAWS_24DAYS_MS)
		return true;
	return disordered_ack(c, s);
}

/* RFC 7323 4.3: update TS.Recent. */
static void
ts_update(struct pn_tcp_conn *c, const struct tcp_seg *s)
{
	if ((c->flags & TF_TS) && (s->h.opts.has & PN_TCPO_TS) &&
	    pn_seq_leq(s->h.seq, c->last_ack_sent) &&
	    pn_seq_geq(s->h.opts.tsval, c->ts_recent)) {
		c->ts_recent = s->h.opts.tsval;
		c->ts_recent_age_ms = tcp_now_ms(c->tcp);
	}
}

/* A segment passed the front checks: TS.Recent, the keepalive clock. */
static inline void
seg_accepted(struct pn_tcp_conn *c, const struct tcp_seg *s)
{
	ts_update(c, s);
	c->last_rcv_ns = c->tcp->lc->now;
	/* the peer is alive: keepalive and zero-window probes start over
	 * (Linux tcp_ack: icsk_probes_out = 0) */
	if (c->probes > 0)
		c->probes = 0;
	tcp_keep_arm(c);
}

/* RFC 9293 3.10.7.4: SND.WL1/WL2 say the segment may update the send
 * window. */
static inline bool
wnd_update_ok(const struct pn_tcp_conn *c, const struct tcp_seg *s)
{
	return pn_seq_lt(c->snd_wl1, s->h.seq) ||
	       (c->snd_wl1 == s->h.seq && pn_seq_leq(c->snd_wl2, s->h.ack));
}

static void
write_space(struct pn_tcp_conn *c, uint32_t before)
{
	uint32_t low = tcp_send_low_mark(c), now = tcp_send_space(c);

	/* Like tcp_check_space: only for a writer or poll that found no
	 * space (SOCK_NOSPACE); sk_stream_write_space: when crossing the
	 * mark, clearing it. */
	if (before < low && now >= low && c->nospace) {
		c->nospace = false;
		tcp_wakeup(c, PN_TCP_WAKE_SPACE);
	}
}

/* Retransmit the first unSACKed segment at SND.UNA (RFC 6675 4.3). */
static void
sack_retransmit_first(struct pn_tcp_conn *c)
{
	uint32_t len = tcp_eff_mss(c);
	uint8_t i;

	if (len > c->sndq.len)
		len = c->sndq.len;
	for (i = 0; i < c->nsb; i++)
		if (c->scb->sb[i].left - c->snd_una < len)
			len = c->scb->sb[i].left - c->snd_una;
	if (len == 0) {
		tcp_retransmit_head(c); /* only the FIN is left */
		return;
	}
	c->tcp->stat.RetransSegs++;
	c->total_retrans++;
	tcp_undo_note(c, c->snd_una);
	tcp_xmit(c, c->snd_una, len, PN_TCP_ACK);
	c->high_rxt = c->snd_una + len;
	c->rxt_fence = c->snd_max;
}

void
tcp_enter_recovery(struct pn_tcp_conn *c)
{
	struct pn_tcp *tcp = c->tcp;

	/* RFC 6582 3.2 step 2 / RFC 5681 3.2; with SACK RFC 6675 5 (4):
	 * cwnd = ssthresh, the pipe (tcp_output) inflates nothing. */
	tcp_undo_start(c);
	c->ssthresh = c->cc->ssthresh(c);
	c->recover = c->snd_max;
	c->flags |= TF_IN_RECOVERY;
	c->rec_all_lost = false;
	c->tlp_out = false; /* Linux tcp_init_cwnd_reduction */
	tcp->stat.TCPFastRetrans++;
	c->rtt_start_ns = 0;
	if (c->flags & TF_SACK) {
		/* RFC 6937: the ACK that got here sets cwnd by PRR
		 * (tcp_prr_ack), the fast retransmit goes regardless. */
		tcp->stat.TCPSackRecovery++;
		tcp_prr_start(c);
		c->cwnd = c->ssthresh;
		sack_retransmit_first(c);
	} else {
		tcp->stat.TCPRenoRecovery++;
		c->cwnd = c->ssthresh + 3u * c->mss;
		tcp_retransmit_head(c);
		c->high_rxt = c->snd_una + c->mss;
	}
	tcp_rtx_arm(c);
}

/* New data ACKed: @p acked sequence numbers. */
static void
ack_new(struct pn_tcp_conn *c, const struct tcp_seg *s, uint32_t acked)
{
	struct pn_tcp *tcp = c->tcp;
	uint32_t space_before = tcp_send_space(c), data = acked;
	uint32_t ack = s->h.ack;

	/* The FIN (and a SYN) take sequence space, not queue bytes. */
	if (data > c->sndq.len)
		data = c->sndq.len;
	tcp_mq_drop(&c->sndq, data);
	c->bytes_acked += data;
	/* RTT: the timed segment (Karn) on the ns clock first; else the
	 * timestamps (RFC 7323 4.1), whose 1 ms tick says nothing below
	 * 2 ms (a LAN RTT would read as 0 or 1 ms and inflate the timers). */
	if (c->rtt_start_ns != 0 && pn_seq_gt(ack, c->rtt_seq)) {
		tcp_rtt_sample(c, (uint32_t)((tcp->lc->now - c->rtt_start_ns) /
					     PN_NS_PER_US));
	} else if ((c->flags & TF_TS) && (s->h.opts.has & PN_TCPO_TS) &&
		   s->h.opts.tsecr != 0 && c->backoff == 0) {
		uint32_t ms = tcp_ts_now(c) - s->h.opts.tsecr;

		if (ms >= 2 && ms < 3600000)
			tcp_rtt_sample(c, ms * 1000);
	}
	if (c->rtt_start_ns != 0 && pn_seq_gt(ack, c->rtt_seq))
		c->rtt_start_ns = 0;
	c->snd_una = ack;
	if (pn_seq_lt(c->snd_nxt, c->snd_una))
		c->snd_nxt = c->snd_una;
	if (pn_seq_lt(c->high_rxt, c->snd_una))
		c->high_rxt = c->snd_una;
	if (c->nsb > 0)
		tcp_sb_prune(c);
	c->backoff = 0; /* RFC 6298 5.7: a new ACK ends the backoff */
	c->rtx_start_ns = 0;
	c->dupacks = 0;
	if (c->flags & TF_IN_RECOVERY) {
		if (pn_seq_geq(ack, c->recover)) {
			/* RFC 6582 3.2 step 3: full ACK. With SACK, cwnd is
			 * ssthresh already (RFC 6675: no inflation). */
			uint32_t flight = c->snd_max - c->snd_una;

			if (!(c->flags & TF_SACK))
				c->cwnd = c->ssthresh < flight + c->mss ?
					  c->ssthresh : flight + c->mss;
			else
				c->cwnd = c->ssthresh;
			if (c->cwnd < c->mss)
				c->cwnd = c->mss;
			c->flags &= (uint16_t)~TF_IN_RECOVERY;
			c->rec_all_lost = false;
			c->cc->recovered(c);
		} else if (!(c->flags & TF_SACK)) {
			/* RFC 6582 3.2 step 4, partial ACK: retransmit the
			 * next segment, deflate by the amount ACKed. */
			tcp_retransmit_head(c);
			c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
			c->cwnd += c->mss;
			tcp_rtx_arm(c);
		}
		/* SACK partial ACK: tcp_output() sends NextSeg (RFC 6675). */
	} else if (tcp_is_cwnd_limited(c)) {
		/* Linux's algorithms each ask first (tcp_reno_cong_avoid,
		 * cubictcp_cong_avoid); here once for all of them */
		c->cc->cong_avoid(c, acked);
	}
	/* Linux tcp_cong_avoid: cwnd is valid now after every ACK of new
	 * data outside a reduction, whether it grew or not (snd_cwnd_stamp);
	 * the full ACK that ends recovery too (tcp_end_cwnd_reduction) */
	if (!(c->flags & TF_IN_RECOVERY))
		c->cwnd_stamp_ns = tcp->lc->now;
	if (c->snd_una == c->snd_max)
		tcp_rtx_stop(c);
	else if (!(c->flags & TF_PERSIST))
		tcp_rtx_arm(c);
	write_space(c, space_before);
}

/* Linux tcp_process_tlp_ack (RFC 8985 7.4.2): an ACK at or past the
 * loss probe's end (rxt_fence) ends the episode, and tells whether it
 * repaired a loss. Our probe is always a retransmission
 * (tp->tlp_retrans). Before SND.UNA moves: cwnd grows from the ACK after
 * the reduction, as in Linux tcp_ack (tcp_cong_control comes later). */
static void
tlp_ack(struct pn_tcp_conn *c, const struct tcp_seg *s, uint32_t newly,
	bool win_update)
{
	uint32_t ack = s->h.ack;

	if (pn_seq_lt(ack, c->rxt_fence))
		return;
	if (tcp_sb_has_dsack(&s->h.opts, ack)) {
		c->tlp_out = false; /* the original and the probe arrived */
	} else if (pn_seq_gt(ack, c->rxt_fence)) {
		/* past the probe, no D-SACK: it repaired a loss. Reduce
		 * once (tcp_init_cwnd_reduction, CWR, tcp_end_cwnd_reduction:
		 * cwnd = ssthresh), the state stays open. */
		c->tlp_out = false;
		c->ssthresh = c->cc->ssthresh(c);
		c->cwnd = c->ssthresh;
		c->cwnd_stamp_ns = c->tcp->lc->now;
		c->tcp->stat.TCPLossProbeRecovery++;
	} else if (ack == c->snd_una && s->len == 0 && !win_update &&
		   newly == 0) {
		c->tlp_out = false; /* a pure duplicate ACK: both arrived */
	}
}

/* RFC 9293 3.10.7.4 fifth check, synchronized states. @return go on. */
static bool
ack_process(struct pn_tcp_conn *c, struct tcp_seg *s)
{
	struct pn_tcp *tcp = c->tcp;
	uint32_t ack = s->h.ack, wnd = (uint32_t)s->h.win << c->snd_wscale;
	uint32_t newly = 0, una = c->snd_una, sacked = 0;
	/* No scoreboard and no SACK blocks (every ACK of request/response
	 * traffic): tcp_sb_update would find nothing to note or merge. */
	bool sb = c->nsb > 0 || (s->h.opts.has & PN_TCPO_SACK);
	int64_t delivered;
	bool win_update = false;

	/* RFC 5961 5.2: ACK must be in [SND.UNA - MAX.SND.WND, SND.NXT]. */
	if (pn_seq_gt(ack, c->snd_max) ||
	    pn_seq_lt(ack, c->snd_una - c->max_snd_wnd)) {
		tcp_challenge_ack(c);
		tcp_seg_drop(tcp, s, PN_DROP_TCP_ACK_INVALID);
		return false;
	}
	if (sb) {
		sacked = tcp_sb_bytes(c);
		newly = tcp_sb_update(c, &s->h.opts, ack);
	}
	/* Window update, RFC 9293 3.10.7.4 (SND.WL1/WL2). */
	if (wnd_update_ok(c, s)) {
		win_update = wnd != c->snd_wnd;
		if (c->snd_wnd == 0 && wnd > 0 && (c->flags & TF_PERSIST)) {
			tcp_rtx_stop(c);
			c->backoff = 0;
			c->rtx_start_ns = 0;
			c->snd_nxt = c->snd_una; /* the probe byte goes again */
		}
		c->snd_wnd = wnd;
		c->snd_wl1 = s->h.seq;
		c->snd_wl2 = ack;
		if (wnd > c->max_snd_wnd)
			c->max_snd_wnd = wnd;
		/* Linux tcp_ack_update_window: a new window with data
		 * waiting may end an idle spell */
		if (win_update && c->sndq.len > c->snd_max - c->snd_una)
			tcp_slow_start_after_idle_check(c);
	}
	if (unlikely(c->tlp_out))
		tlp_ack(c, s, newly, win_update);
	if (pn_seq_gt(ack, c->snd_una)) {
		ack_new(c, s, ack - c->snd_una);
		if (s->len == 0)
			tcp->stat.TCPPureAcks++;
	} else if (ack == c->snd_una && c->snd_una != c->snd_max &&
		   !(s->h.flags & (PN_TCP_SYN | PN_TCP_FIN)) &&
		   (newly > 0 || (s->len == 0 && !win_update))) {
		/* RFC 5681 2 duplicate ACK; RFC 6675 2 also counts an ACK
		 * that SACKs new data whatever its window or payload. */
		tcp->stat.TCPDupAcks++;
		c->dupacks++;
		/* NewReno (RFC 6582) inflates the window in recovery; with
		 * SACK the pipe (tcp_output) does the accounting. */
		if ((c->flags & (TF_IN_RECOVERY | TF_SACK)) == TF_IN_RECOVERY)
			c->cwnd += c->mss;
	}
	if (c->flags & TF_IN_RECOVERY) {
		if (c->flags & TF_SACK)
			tcp_sb_lost_retransmit(c);
		if (newly > 0 && !c->tlp_out)
			tcp_rtx_arm(c);
	} else if (c->snd_una != c->snd_max && tcp_may_enter_recovery(c, ack) &&
		   !((c->flags & TF_SACK) && c->reord_seen) &&
		   (c->dupacks >= c->dupthresh || ((c->flags & TF_SACK) &&
		    tcp_sb_is_lost(c, c->snd_una)))) {
		/* RFC 5681 3.2 / RFC 6675 5 (1)-(2): DupThresh duplicate
		 * ACKs, or IsLost(SND.UNA). Once reordering was seen, the
		 * reordering window decides instead (RFC 8985 6.2, Linux
		 * tcp_rack_reo_wnd with tp->reord_seen). */
		tcp_enter_recovery(c);
	} else if (c->nsb > 0 && c->snd_una != c->snd_max &&
		   !(c->flags & TF_PERSIST)) {
		/* SACKed data above a hole, too little to call it lost yet
		 * (small window, raised DupThresh): wait a reordering
		 * window, not the RTO (tcp_timer.c). */
		tcp_reo_arm(c);
	}
	/* RFC 6937: DeliveredData = change in SND.UNA + change in SACKed. */
	delivered = (int64_t)(c->snd_una - una) +
		    (sb ? (int64_t)tcp_sb_bytes(c) - sacked : 0);
	if ((c->flags & (TF_IN_RECOVERY | TF_SACK)) == (TF_IN_RECOVERY | TF_SACK) &&
	    delivered > 0)
		tcp_prr_ack(c, (uint32_t)delivered, c->snd_una != una);
	return true;
}

/* Our FIN is ACKed when SND.UNA passed it. */
static bool
fin_acked(const struct pn_tcp_conn *c)
{
	return (c->flags & TF_FIN_SENT) && c->snd_una == c->snd_max &&
	       c->sndq.len == 0;
}

static void
enter_time_wait(struct pn_tcp_conn *c)
{
	tcp_set_state(c, PN_TCP_TIME_WAIT);
	tcp_timewait_arm(c);
}

/*
 * Quick ACK or delayed ACK for in-order data (RFC 9293 3.8.6.3), as Linux
 * __tcp_ack_snd_check: at once when asked, in quick-ACK mode, or when more
 * than one full segment arrived since the last ACK (RFC 5681 4.2: at
 * least every second full-sized segment; a GRO-merged segment counts as
 * what it merged). Small segments wait for the delayed ACK, or for data
 * to carry it.
 */
static void
ack_data(struct pn_tcp_conn *c, bool now)
{
	c->last_data_ns = c->tcp->lc->now;
	if (now || c->quickack > 0 ||
	    c->rcv_nxt - c->last_ack_sent > c->rcv_mss) {
		if (c->quickack > 0)
			c->quickack--;
		c->flags |= TF_ACK_NOW;
	} else {
		tcp_delack_arm(c);
	}
}

/* The seventh and eighth checks: segment text and FIN. @return false when
 * the connection went away. */
static bool
data_and_fin(struct pn_tcp_conn *c, struct tcp_seg *s)
{
	struct pn_tcp *tcp = c->tcp;
	bool fin = (s->h.flags & PN_TCP_FIN) != 0;
	int wake = 0;

	/* RFC 9293 3.10.7.4 sixth check, URG; MUST-32: tell the user
	 * (Linux tcp_urg: sk_data_ready) */
	if (tcp_urg_input(c, s))
		tcp_wakeup(c, PN_TCP_WAKE_DATA);
	if (s->len > 0) {
		if (c->state != PN_TCP_ESTABLISHED &&
		    c->state != PN_TCP_FIN_WAIT_1 && c->state != PN_TCP_FIN_WAIT_2) {
			tcp_seg_drop(tcp, s, PN_DROP_TCP_AFTER_FIN);
			return true;
		}
		if ((c->flags & TF_CLOSED) ||
		    ((c->flags & TF_SHUT_RD) &&
		     c->state != PN_TCP_ESTABLISHED)) {
			/* Linux tcp_rcv_state_process: data after close, or
			 * after both directions were shut (FIN-WAIT-1/2
			 * with RCV_SHUTDOWN) -> RST. SHUT_RD alone in
			 * ESTABLISHED queues it: recv still returns it. */
			tcp->stat.TCPAbortOnData++;
			c->rcv_nxt = s->h.seq + s->len;
			tcp_send_rst(c);
			tcp_seg_drop(tcp, s, PN_DROP_TCP_AFTER_FIN);
			tcp_conn_reset(c, ECONNRESET);
			return false;
		}
		if (s->h.seq == c->rcv_nxt && c->rcvq.len > 0 &&
		    c->rcvq.len + s->len > c->rcvbuf +
			    (((uint32_t)1 << c->rcv_wscale) - 1)) {
			/* Linux tcp_data_queue: no room in SO_RCVBUF (set
			 * below the window already offered) while data waits
			 * to be read: drop it, ACK at once. The window may
			 * pass the buffer by less than one scale unit: it is
			 * never rounded below what was offered. */
			tcp->stat.TCPRcvQDrop++;
			c->flags |= TF_ACK_NOW;
			tcp_seg_drop(tcp, s, PN_DROP_TCP_RCVQ_FULL);
			return true;
		}
		if (s->h.seq == c->rcv_nxt) {
			bool fill = c->nooo > 0;

			c->rcv_nxt += s->len;
			c->bytes_received += s->len;
			tcp_mq_append(&c->rcvq, tcp_seg_take(s, 0, s->len));
			if (fill && tcp_reass_pull(c))
				fin = true, s->h.seq = c->rcv_nxt, s->len = 0;
			/* A closed window is announced at once. */
			ack_data(c, fill || fin || tcp_rcv_wnd_closed(c));
			wake = PN_TCP_WAKE_DATA;
		} else {
			/* Out of order: keep it, ACK at once (RFC 5681 4.2; in
			 * a burst, after its last segment: MUST-59). */
			uint32_t seq = s->h.seq, len = s->len;

			tcp_reass_add(c, seq, len, tcp_seg_take(s, 0, len), fin);
			c->flags |= TF_ACK_NOW;
			return true;
		}
	} else if (fin && s->h.seq != c->rcv_nxt) {
		if (c->state == PN_TCP_ESTABLISHED || c->state == PN_TCP_FIN_WAIT_1 ||
		    c->state == PN_TCP_FIN_WAIT_2)
			tcp_reass_add(c, s->h.seq, 0, NULL, true);
		c->flags |= TF_ACK_NOW;
		return true;
	}
	if (fin && !(c->flags & TF_RCVD_FIN)) {
		/* RFC 9293 3.10.7.4 eighth. */
		c->rcv_nxt++;
		c->flags |= TF_RCVD_FIN | TF_ACK_NOW;
		wake = PN_TCP_WAKE_STATE; /* tcp_fin: sk_state_change, all */
		switch (c->state) {
		case PN_TCP_SYN_RECEIVED:
		case PN_TCP_ESTABLISHED:
			tcp_set_state(c, PN_TCP_CLOSE_WAIT);
			break;
		case PN_TCP_FIN_WAIT_1:
			if (fin_acked(c))
				enter_time_wait(c);
			else
				tcp_set_state(c, PN_TCP_CLOSING);
			break;
		case PN_TCP_FIN_WAIT_2:
			enter_time_wait(c);
			break;
		default:
			break;
		}
	} else if (fin && c->state == PN_TCP_TIME_WAIT) {
		c->flags |= TF_ACK_NOW;
		tcp_timewait_arm(c);
	}
	if (wake != 0)
		tcp_wakeup(c, wake);
	return true;
}

/* --- one function per state --- */

/* RFC 9293 3.10.7.3 */
static void
st_syn_sent(struct pn_tcp_conn *c, struct tcp_seg *s)
{
	struct pn_tcp *tcp = c->tcp;
	const struct pn_tcp_hdr *h = &s->h;
	bool ack = (h->flags & PN_TCP_ACK) != 0;

	if (ack && (pn_seq_leq(h->ack, c->iss) || pn_seq_gt(h->ack, c->snd_max))) {
		if (!(h->flags & PN_TCP_RST))
			tcp_send_rst_reply(tcp, s);
		tcp_seg_drop(tcp, s, PN_DROP_TCP_SYN_SENT_BAD);
		return;
	}
	if (h->flags & PN_TCP_RST) {
		if (ack) {
			tcp_seg_done(tcp, s);
			tcp_conn_reset(c, ECONNREFUSED);
			return;
		}
		tcp_seg_drop(tcp, s, PN_DROP_TCP_SYN_SENT_BAD);
		return;
	}
	if (!(h->flags & PN_TCP_SYN)) {
		tcp_seg_drop(tcp, s, PN_DROP_TCP_SYN_SENT_BAD);
		return;
	}
	c->irs = h->seq;
	c->rcv_nxt = h->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	tcp_syn_options(c, &h->opts);
	c->snd_wnd = h->win; /* never scaled in a SYN (RFC 7323 2.2) */
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = h->seq;
	c->snd_wl2 = h->ack;
	if (ack) {
		c->snd_una = h->ack;
		if (c->backoff == 0 && c->rtt_start_ns == 0)
			tcp_rtt_sample(c, (uint32_t)((tcp->lc->now -
				c->rtx_start_ns) / PN_NS_PER_US));
		tcp_rtx_stop(c);
		became_established(c);
		c->flags |= TF_ACK_NOW;
		tcp_wakeup(c, PN_TCP_WAKE_STATE); /* tcp_finish_connect */
		/* Data or FIN on the SYN-ACK: go on as ESTABLISHED. */
		s->h.seq++;
		s->h.flags &= (uint8_t)~PN_TCP_SYN;
		s->seg_len--;
		if (s->seg_len > 0) {
			trim_to_window(c, s, tcp_rcv_wnd(c));
			data_and_fin(c, s);
		}
		return;
	}
	/* Simultaneous open (RFC 9293 3.5, figure 8). */
	tcp_set_state(c, PN_TCP_SYN_RECEIVED);
	tcp_xmit(c, c->iss, 0, PN_TCP_SYN | PN_TCP_ACK);
	tcp_seg_done(tcp, s);
}

/* Common front of the synchronized states and SYN-RECEIVED: PAWS,
 * acceptability, RST, SYN, the ACK bit. @return go on. */
static bool
front_checks(struct pn_tcp_conn *c, struct tcp_seg *s)
{
	struct pn_tcp *tcp = c->tcp;
	uint8_t fl = s->h.flags;
	uint32_t wnd;

	if (!paws_ok(c, s)) {
		tcp->stat.PAWSEstab++;
		if (!oow_rate_limited(c, s, true))
			send_dupack(c, s);
		tcp_seg_drop(tcp, s, PN_DROP_TCP_PAWS);
		return false;
	}
	/* SYN-RECEIVED: a retransmitted SYN gets the SYN-ACK again. */
	if (c->state == PN_TCP_SYN_RECEIVED && (fl & PN_TCP_SYN) &&
	    !(fl & (PN_TCP_ACK | PN_TCP_RST)) && s->h.seq == c->irs) {
		tcp_xmit(c, c->iss, 0, PN_TCP_SYN | PN_TCP_ACK);
		tcp_seg_done(tcp, s);
		return false;
	}
	/* Simultaneous open: the peer's SYN-ACK ACKs our SYN (as Linux
	 * tcp_validate_incoming); take it as the ACK. */
	if (c->state == PN_TCP_SYN_RECEIVED && (fl & PN_TCP_SYN) &&
	    (fl & PN_TCP_ACK) && !(fl & PN_TCP_RST) && s->h.seq + 1 == c->rcv_nxt &&
	    s->h.ack == c->snd_max && s->len == 0) {
		s->h.flags &= (uint8_t)~PN_TCP_SYN;
		s->h.seq++;
		s->seg_len--;
		fl = s->h.flags;
	}
	/* the window both checks below use: nothing between changes it */
	wnd = tcp_rcv_wnd(c);
	if (!seq_acceptable(c, s, wnd)) {
		if (!(fl & PN_TCP_RST) && !oow_rate_limited(c, s, false))
			send_dupack(c, s);
		/* Linux tcp_sequence: all of it before RCV.NXT is old */
		tcp_seg_drop(tcp, s, (fl & PN_TCP_RST) ? PN_DROP_TCP_RST_INVALID :
			     pn_seq_leq(s->h.seq + s->seg_len, c->rcv_nxt) &&
			     pn_seq_lt(s->h.seq, c->rcv_nxt) ?
			     PN_DROP_TCP_OLD_SEQUENCE : PN_DROP_TCP_OUT_OF_WINDOW);
		return false;
	}
	/* Second: RST (RFC 5961 3.2). */
	if (fl & PN_TCP_RST) {
		if (s->h.seq != c->rcv_nxt) {
			tcp_challenge_ack(c);
			tcp_seg_drop(tcp, s, PN_DROP_TCP_RST_INVALID);
			return false;
		}
		tcp_seg_done(tcp, s);
		if (c->state == PN_TCP_SYN_RECEIVED && c->listener != NULL) {
			tcp->stat.AttemptFails++;
			tcp_conn_closed(c); /* back to LISTEN: the embryo goes */
		} else if (c->state == PN_TCP_SYN_RECEIVED) {
			tcp_conn_reset(c, ECONNREFUSED);
		} else if (c->state == PN_TCP_CLOSING || c->state == PN_TCP_LAST_ACK ||
			   c->state == PN_TCP_TIME_WAIT) {
			tcp_conn_closed(c);
		} else {
			tcp_conn_reset(c, c->state == PN_TCP_CLOSE_WAIT ? EPIPE :
				       ECONNRESET);
		}
		return false;
	}
	trim_to_window(c, s, wnd);
	/* Fourth: SYN in a synchronized state (RFC 5961 4.2). */
	if (s->h.flags & PN_TCP_SYN) {
		tcp_challenge_ack(c);
		tcp_seg_drop(tcp, s, PN_DROP_TCP_SYN_SYNC);
		return false;
	}
	if (!(fl & PN_TCP_ACK)) {
		tcp_seg_drop(tcp, s, PN_DROP_TCP_NO_ACK);
		return false;
	}
	seg_accepted(c, s);
	return true;
}

static void
st_syn_received(struct pn_tcp_conn *c, struct tcp_seg *s)
{
	struct pn_tcp *tcp = c->tcp;
	struct pn_tcp_listen *l = c->listener;

	if (!front_checks(c, s))
		return;
	if (!pn_seq_in(s->h.ack, c->snd_una + 1, c->snd_max + 1)) {
		tcp_send_rst_reply(tcp, s);
		tcp_seg_drop(tcp, s, PN_DROP_TCP_ACK_INVALID);
		return;
	}
	if (l != NULL && l->naccept >= l->backlog) {
		/* Linux: keep the embryo, ignore the ACK; SYN-ACK retried. */
		tcp->stat.TCPListenOverflows++;
		tcp_seg_drop(tcp, s, PN_DROP_TCP_ACCEPT_FULL);
		return;
	}
	c->snd_una = s->h.ack;
	c->snd_wnd = (uint32_t)s->h.win << c->snd_wscale;
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = s->h.seq;
	c->snd_wl2 = s->h.ack;
	if (c->backoff == 0)
		tcp_rtt_sample(c, (uint32_t)((tcp->lc->now - c->rtx_start_ns) /
					     PN_NS_PER_US));
	tcp_rtx_stop(c);
	became_established(c);
	if (l != NULL) {
		TAILQ_REMOVE(&l->embryos, c, qlink);
		l->nembryo--;
		TAILQ_INSERT_TAIL(&l->acceptq, c, qlink);
		l->naccept++;
		c->accepted = true;
		tcp_listen_wakeup(l);
	} else {
		tcp_wakeup(c, PN_TCP_WAKE_STATE); /* sk_state_change */
	}
	if (data_and_fin(c, s))
		tcp_seg_done(tcp, s);
}

/* ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK share
 * the front; each then does its own part of the fifth check. */
static void
st_established(struct pn_tcp_conn *c, struct tcp_seg *s)
{
	if (!front_checks(c, s) || !ack_process(c, s))
		return;
	data_and_fin(c, s);
}

static void
st_fin_wait_1(struct pn_tcp_conn *c, struct tcp_seg *s)
{
	if (!front_checks(c, s) || !ack_process(c, s))
		return;
	if (fin_acked(c)) {
		tcp_set_state(c, PN_TCP_FIN_WAIT_2);
		if (c->flags & TF_CLOSED)
			tcp_finwait2_arm(c);
		/* Linux tcp_rcv_state_process: sk_state_change */
		tcp_wakeup(c, PN_TCP_WAKE_STATE);
	}
	data_and_fin(c, s);
}

static void
st_fin_wait_2(struct pn_tcp_conn *c, struct tcp_seg *s)
{
	if (!front_checks(c, s) || !ack_process(c, s))
		return;
	data_and_fin(c, s);
}

static void
st_close_wait(struct pn_tcp_conn *c, struct tcp_seg *s)
{
	if (!front_checks(c, s) || !ack_process(c, s))
		return;
	data_and_fin(c, s);
}

static void
st_closing(struct pn_tcp_conn *c, struct tcp_seg *s)
{
	if (!front_checks(c, s) || !ack_process(c, s))
		return;
	if (fin_acked(c)) {
		enter_time_wait(c);
		/* Linux tcp_time_wait ends with tcp_done: sk_state_change */
		tcp_wakeup(c, PN_TCP_WAKE_STATE);
	}
	data_and_fin(c, s);
}

static void
st_last_ack(struct pn_tcp_conn *c, struct tcp_seg *s)
{
	if (!front_checks(c, s) || !ack_process(c, s))
		return;
	if (fin_acked(c)) {
		tcp_seg_done(c->tcp, s);
		tcp_conn_closed(c);
		tcp_wakeup(c, PN_TCP_WAKE_STATE); /* tcp_done */
	}
}

static void
st_time_wait(struct pn_tcp_conn *c, struct tcp_seg *s)
{
	struct pn_tcp_listen *l;
	bool fin_again;

	/* RFC 9293 MAY-2 (RFC 6191 with timestamps): a new SYN above
	 * RCV.NXT, or with a newer timestamp, reopens the connection
	 * through the listener, as Linux tcp_timewait_state_process. */
	if ((s->h.flags & (PN_TCP_SYN | PN_TCP_ACK | PN_TCP_RST)) == PN_TCP_SYN &&
	    (l = tcp_listen_lookup(c->tcp, c->key.lip, c->key.lport)) != NULL &&
	    ((c->flags & TF_TS) && (s->h.opts.has & PN_TCPO_TS) ?
	     pn_seq_gt(s->h.opts.tsval, c->ts_recent) :
	     pn_seq_gt(s->h.seq, c->rcv_nxt))) {
		c->tcp->stat.TCPTimeWaitReopen++;
		tcp_conn_closed(c);
		tcp_listen_input(l, s);
		return;
	}
	/* Linux tcp_timewait_state_process restarts 2 MSL
	 * (inet_twsk_reschedule) for every segment but a RST that is in the
	 * window and empty, carries an ACK or fails PAWS, before any reply
	 * is built; an ACK-less SYN may be a new connection's and leaves it,
	 * and so does an ACK-less FIN (ACKed below, as Linux): only ACKs
	 * tell that the peer has not seen our last ACK. RFC 9293 3.10.7.4
	 * drops an ACK-less segment before the FIN check, and restarts 2 MSL
	 * for a FIN: we follow Linux. */
	if (!(s->h.flags & PN_TCP_RST) &&
	    ((s->h.flags & PN_TCP_ACK) ||
	     (s->h.seq == c->rcv_nxt && s->seg_len == 0) || !paws_ok(c, s)))
		tcp_timewait_arm(c);
	/* A retransmitted FIN (already ACKed, so below RCV.NXT): ACK it
	 * again (RFC 9293 3.10.7.4, Linux tw); 2 MSL as above. */
	fin_again = (s->h.flags & (PN_TCP_FIN | PN_TCP_RST | PN_TCP_SYN)) == PN_TCP_FIN &&
		    s->h.seq + s->seg_len == c->rcv_nxt && paws_ok(c, s);
	/* Any ACK from here answers @p s with the echo of its options
	 * (Linux tcp_v4_timewait_ack); none where Linux cannot echo. A
	 * RST sends nothing: it ends TIME-WAIT whatever its options. The
	 * 2 MSL restarts all the same: Linux tcp_timewait_state_process
	 * reschedules (inet_twsk_reschedule) before the ACK is built, and
	 * ip_send_unicast_reply only gives up on the ACK. */
	if (!(s->h.flags & PN_TCP_RST) &&
	    unlikely(tcp_ipopt_timewait(c, s) < 0)) {
		tcp_seg_drop(c->tcp, s, PN_DROP_IP_OPTS_NOECHO);
		return;
	}
	if (fin_again) {
		c->flags |= TF_ACK_NOW;
		tcp_seg_done(c->tcp, s);
		return;
	}
	if (!front_checks(c, s))
		return;
	/* Only a retransmitted FIN matters: ACK it. */
	if (s->h.flags & PN_TCP_FIN) {
		c->flags |= TF_ACK_NOW;
		tcp_seg_done(c->tcp, s);
		return;
	}
	tcp_seg_drop(c->tcp, s, PN_DROP_TCP_TIMEWAIT);
}

/*
 * Header prediction (Linux tcp_rcv_established's fast path): in
 * ESTABLISHED, the next segment in order with ACK (and PSH) alone, the
 * send window unchanged, a timestamp not older than TS.Recent, no SACK
 * blocks, and nothing that gives the general path more to do: no
 * out-of-order data or scoreboard, no recovery, persist or duplicate ACK
 * count, no loss probe's episode open (tlp_ack), no urgent byte awaited,
 * no shutdown; its ACK within
 * [SND.UNA, SND.MAX] and not a duplicate ACK; its payload within the
 * window offered and the receive buffer. Every check of RFC 9293
 * 3.10.7.4 passes then; what remains is done here in the same order as
 * front_checks, ack_process and data_and_fin do it. @return handled
 * (false: the general path takes it, nothing changed).
 */
static bool
est_predicted(struct pn_tcp_conn *c, struct tcp_seg *s)
{
	struct pn_tcp *tcp = c->tcp;
	uint32_t ack = s->h.ack, len = s->len;

	if ((s->h.flags & (uint8_t)~PN_TCP_PSH) != PN_TCP_ACK ||
	    s->h.seq != c->rcv_nxt ||
	    ((uint32_t)s->h.win << c->snd_wscale) != c->snd_wnd ||
	    (s->h.opts.has & PN_TCPO_SACK) ||
	    (c->nsb | c->nooo | c->dupacks) != 0 || c->tlp_out ||
	    (c->flags & (TF_IN_RECOVERY | TF_PERSIST | TF_CLOSED | TF_SHUT_RD)) ||
	    c->urg_data == TCP_URG_NOTYET ||
	    pn_seq_lt(ack, c->snd_una) || pn_seq_gt(ack, c->snd_max))
		return false;
	/* PAWS (RFC 7323 5.3) passes without a look at the clock */
	if ((c->flags & TF_TS) && (!(s->h.opts.has & PN_TCPO_TS) ||
				   pn_seq_lt(s->h.opts.tsval, c->ts_recent)))
		return false;
	/* acceptable, nothing to trim, room in the queue */
	if (len > 0 && (len > tcp_rcv_offered(c) ||
			c->rcvq.len + len > c->rcvbuf))
		return false;
	/* RFC 5681 2: a duplicate ACK is counted by the general path */
	if (ack == c->snd_una && len == 0 && c->snd_una != c->snd_max)
		return false;
	seg_accepted(c, s);
	/* the window update of RFC 9293 3.10.7.4, the window the same */
	if (wnd_update_ok(c, s)) {
		c->snd_wl1 = s->h.seq;
		c->snd_wl2 = ack;
		if (c->snd_wnd > c->max_snd_wnd)
			c->max_snd_wnd = c->snd_wnd;
	}
	if (pn_seq_gt(ack, c->snd_una)) {
		ack_new(c, s, ack - c->snd_una);
		if (len == 0)
			tcp->stat.TCPPureAcks++;
	}
	if (len > 0) {
		tcp->stat.TCPHPHits++;
		c->rcv_nxt += len;
		c->bytes_received += len;
		tcp_mq_append(&c->rcvq, tcp_seg_take(s, 0, len));
		/* A closed window is announced at once. */
		ack_data(c, tcp_rcv_wnd_closed(c));
		tcp_wakeup(c, PN_TCP_WAKE_DATA);
	}
	return true;
}

typedef void (*state_fn)(struct pn_tcp_conn *c, struct tcp_seg *s);

static const state_fn states[] = {
	[PN_TCP_ESTABLISHED] = st_established,
	[PN_TCP_SYN_SENT] = st_syn_sent,
	[PN_TCP_SYN_RECEIVED] = st_syn_received,
	[PN_TCP_FIN_WAIT_1] = st_fin_wait_1,
	[PN_TCP_FIN_WAIT_2] = st_fin_wait_2,
	[PN_TCP_TIME_WAIT] = st_time_wait,
	[PN_TCP_CLOSE_WAIT] = st_close_wait,
	[PN_TCP_LAST_ACK] = st_last_ack,
	[PN_TCP_CLOSING] = st_closing,
};

void
tcp_input(struct pn_tcp_conn *c, struct tcp_seg *s)
{
	c->segs_in++;
	if (c->state == PN_TCP_ESTABLISHED && est_predicted(c, s)) {
		/* tcp_output in ESTABLISHED: nothing to send, no ACK due
		 * (a request whose ACK waits for its response) */
		if (tcp_output_idle(c) && !(c->flags & TF_ACK_NOW))
			return;
	} else if (c->state >= RTE_DIM(states) || states[c->state] == NULL) {
		tcp_seg_drop(c->tcp, s, PN_DROP_TCP_NO_SOCKET);
		return;
	} else {
		states[c->state](c, s);
	}
	if (!(c->flags & TF_ZOMBIE) && c->state != PN_TCP_CLOSED)
		tcp_output(c);
}

/* --- LISTEN (RFC 9293 3.10.7.2) --- */

/* Linux inet_csk_clone_lock: the listener's TCP_MAXSEG, SO_RCVBUF, IP_TOS
 * and TCP_SYNCNT (its SYN-ACK retries, Linux reqsk_timer_handler),
 * taken before the SYN-ACK is built; and the echo of the IP options
 * @p s came with (MUST-53, tcp_v4_save_options). */
static void
listen_inherit(const struct pn_tcp_listen *l, struct pn_tcp_conn *c,
	       const struct tcp_seg *s)
{
	if (unlikely(s->ip->opts_len != 0))
		tcp_ipopt_save(c, s);
	if (l->user_mss != 0) {
		c->user_mss = l->user_mss;
		if (c->rcv_mss > l->user_mss)
			c->rcv_mss = l->user_mss;
	}
	if (l->rcvbuf != 0) {
		c->rcvbuf = l->rcvbuf;
		c->rcvbuf_lock = true;
	}
	c->tos = l->tos;
	c->syn_retries = l->syn_retries;
}

static void
listen_cookie_ack(struct pn_tcp_listen *l, struct tcp_seg *s)
{
	struct pn_tcp *tcp = l->tcp;
	struct tcp_key k = { .lip = s->dst, .rip = s->src,
			     .lport = s->h.dport, .rport = s->h.sport };
	struct pn_tcp_conn *c;
	bool checked = false;
	uint16_t mss = 0;

	/* Linux cookie_v4_check: a listener that sent no cookie lately
	 * (tcp_synq_no_recent_overflow) takes every ACK for a stray one,
	 * neither hashed nor counted as a failed cookie. */
	if (tcp->conf.syncookies && tcp_cookie_recent(l)) {
		checked = true;
		mss = tcp_cookie_check(tcp, &k, s->h.seq - 1, s->h.ack - 1);
	}
	if (mss == 0 || l->naccept >= l->backlog) {
		if (mss != 0)
			tcp->stat.TCPListenOverflows++;
		else if (checked)
			tcp->stat.TCPSynCookiesFailed++;
		tcp_send_rst_reply(tcp, s);
		tcp_seg_drop(tcp, s, mss ? PN_DROP_TCP_ACCEPT_FULL :
			     PN_DROP_TCP_COOKIE_BAD);
		return;
	}
	c = tcp_conn_alloc(tcp, &k, s->sig);
	if (c == NULL) {
		tcp_seg_drop(tcp, s, PN_DROP_TCP_NOMEM);
		return;
	}
	tcp->stat.TCPSynCookiesRecv++;
	tcp->stat.PassiveOpens++;
	c->flags |= TF_COOKIE;
	listen_inherit(l, c, s);
	c->iss = s->h.ack - 1;
	c->snd_una = c->snd_nxt = c->snd_max = s->h.ack;
	c->irs = s->h.seq - 1;
	c->rcv_nxt = c->rcv_adv = s->h.seq;
	c->mss = mss;
	c->snd_wnd = c->max_snd_wnd = s->h.win;
	c->snd_wl1 = s->h.seq;
	c->snd_wl2 = s->h.ack;
	c->listener = l;
	became_established(c);
	TAILQ_INSERT_TAIL(&l->acceptq, c, qlink);
	l->naccept++;
	c->accepted = true;
	if (data_and_fin(c, s) && !(c->flags & TF_ZOMBIE))
		tcp_output(c);
	tcp_listen_wakeup(l);
}

void
tcp_listen_input(struct pn_tcp_listen *l, struct tcp_seg *s)
{
	struct pn_tcp *tcp = l->tcp;
	struct tcp_key k = { .lip = s->dst, .rip = s->src,
			     .lport = s->h.dport, .rport = s->h.sport };
	struct pn_tcp_conn *c;
	const struct pn_tcp_conf *cf = &tcp->conf;

	if (s->h.flags & PN_TCP_RST) {
		tcp_seg_drop(tcp, s, PN_DROP_TCP_LISTEN_BAD);
		return;
	}
	if (s->h.flags & PN_TCP_ACK) {
		if (!(s->h.flags & PN_TCP_SYN)) {
			listen_cookie_ack(l, s);
			return;
		}
		tcp_send_rst_reply(tcp, s);
		tcp_seg_drop(tcp, s, PN_DROP_TCP_LISTEN_BAD);
		return;
	}
	if (!(s->h.flags & PN_TCP_SYN)) {
		tcp_seg_drop(tcp, s, PN_DROP_TCP_LISTEN_BAD);
		return;
	}
	if (l->naccept >= l->backlog) {
		tcp->stat.TCPListenOverflows++;
		tcp_seg_drop(tcp, s, PN_DROP_TCP_ACCEPT_FULL);
		return;
	}
	if (l->nembryo >= cf->syn_backlog || l->nembryo >= l->backlog * 2 + 8) {
		if (cf->syncookies) {
			uint16_t mss = (s->h.opts.has & PN_TCPO_MSS) ?
				       s->h.opts.mss : 536, m_out;

			if (l->user_mss != 0 && mss > l->user_mss)
				mss = l->user_mss;
			uint32_t iss = tcp_cookie_make(tcp, &k, s->h.seq, mss,
						       &m_out);

			tcp_cookie_sent(l);
			tcp_send_synack_raw(tcp, s, iss, m_out, l->tos);
			tcp_seg_done(tcp, s);
			return;
		}
		tcp->stat.TCPReqQFullDrop++;
		tcp_seg_drop(tcp, s, PN_DROP_TCP_SYN_BACKLOG);
		return;
	}
	c = tcp_conn_alloc(tcp, &k, s->sig);
	if (c == NULL) {
		tcp_seg_drop(tcp, s, PN_DROP_TCP_NOMEM);
		return;
	}
	c->listener = l;
	TAILQ_INSERT_TAIL(&l->embryos, c, qlink);
	l->nembryo++;
	tcp->stat.PassiveOpens++;
	c->irs = s->h.seq;
	c->rcv_nxt = s->h.seq + 1;
	c->rcv_adv = c->rcv_nxt;
	listen_inherit(l, c, s);
	if (s->h.opts.has & PN_TCPO_WS)
		tcp_choose_wscale(c);
	tcp_syn_options(c, &s->h.opts);
	c->snd_wnd = s->h.win;
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = s->h.seq;
	/* c->iss: tcp_conn_alloc */
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->snd_wl2 = c->iss;
	c->rtx_start_ns = tcp->lc->now;
	tcp_set_state(c, PN_TCP_SYN_RECEIVED);
	/* Data on the SYN is not kept: the peer sends it again. */
	tcp_seg_done(tcp, s);
	tcp_output(c);
}
