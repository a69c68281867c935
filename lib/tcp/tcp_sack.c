/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sender's SACK scoreboard and the RFC 6675 helpers built on it:
 * Update (SACKed ranges above SND.UNA, sorted and merged, at most
 * TCP_SB_MAX per connection), IsLost, SetPipe and NextSeg; reordering
 * seen (reord_seen); PRR (RFC 6937), the cwnd of each ACK in recovery.
 * tcp_input.c decides when recovery starts and ends; tcp_output.c sends
 * what NextSeg and the pipe allow.
 */
#include <stdlib.h>
#include <string.h>

#include "tcp_cc.h"
#include "tcp_priv.h"

_Static_assert(TCP_SB_MAX < 255, "nsb is a uint8_t");

/* The scoreboard, allocated on first use. @return false without memory:
 * the caller goes on as if it had no SACK information. */
static bool
scb_get(struct pn_tcp_conn *c)
{
	if (c->scb != NULL)
		return true;
	c->scb = calloc(1, sizeof(*c->scb));
	if (c->scb == NULL) {
		c->tcp->stat.TCPSackNoMem++;
		return false;
	}
	return true;
}

void
tcp_scb_free(struct pn_tcp_conn *c)
{
	free(c->scb);
	c->scb = NULL;
	c->nsb = 0;
	c->undo_n = 0;
}

void
tcp_sb_prune(struct pn_tcp_conn *c)
{
	uint8_t i, n = 0;

	for (i = 0; i < c->nsb; i++) {
		struct pn_tcp_sack_blk b = c->scb->sb[i];

		if (pn_seq_leq(b.right, c->snd_una))
			continue;
		if (pn_seq_lt(b.left, c->snd_una))
			b.left = c->snd_una;
		c->scb->sb[n++] = b;
	}
	c->nsb = n;
}

uint32_t
tcp_sb_bytes(const struct pn_tcp_conn *c)
{
	uint32_t n = 0;
	uint8_t i;

	for (i = 0; i < c->nsb; i++)
		n += c->scb->sb[i].right - c->scb->sb[i].left;
	return n;
}

/* Merge [l, r) into the sorted scoreboard. When it is full, the highest
 * range goes: SACK information is advisory (RFC 2018 8), and the holes
 * near SND.UNA are the ones recovery needs first. */
static void
sb_insert(struct pn_tcp_conn *c, uint32_t l, uint32_t r)
{
	struct pn_tcp_sack_blk out[TCP_SB_MAX + 1];
	bool placed = false;
	uint8_t i, n = 0;

	if (!scb_get(c))
		return; /* as if the block had not come (RFC 2018 8) */
	for (i = 0; i < c->nsb; i++) {
		struct pn_tcp_sack_blk b = c->scb->sb[i];

		if (pn_seq_lt(b.right, l)) {
			out[n++] = b;
		} else if (pn_seq_gt(b.left, r)) {
			if (!placed)
				out[n++] = (struct pn_tcp_sack_blk){ l, r };
			placed = true;
			out[n++] = b;
		} else {
			l = pn_seq_min(l, b.left);
			r = pn_seq_max(r, b.right);
		}
	}
	if (!placed)
		out[n++] = (struct pn_tcp_sack_blk){ l, r };
	if (n > TCP_SB_MAX) {
		n = TCP_SB_MAX;
		c->tcp->stat.TCPSackDiscard++;
	}
	memcpy(c->scb->sb, out, n * sizeof(out[0]));
	c->nsb = n;
}

/* RFC 2883 4: a D-SACK is the first block, below the cumulative ACK or
 * inside the second block. */
static bool
is_dsack(const struct pn_tcp_opts *o, uint8_t i, uint32_t ack)
{
	if (i != 0)
		return false;
	if (pn_seq_leq(o->sack[0].right, ack))
		return true;
	return o->nsack > 1 && pn_seq_geq(o->sack[0].left, o->sack[1].left) &&
	       pn_seq_leq(o->sack[0].right, o->sack[1].right);
}

bool
tcp_sb_has_dsack(const struct pn_tcp_opts *o, uint32_t ack)
{
	return (o->has & PN_TCPO_SACK) && o->nsack > 0 && is_dsack(o, 0, ack);
}

void
tcp_undo_start(struct pn_tcp_conn *c)
{
	uint32_t segs = tcp_sb_bytes(c) / tcp_eff_mss(c);

	c->prior_cwnd = c->cwnd;
	c->prior_ssthresh = c->ssthresh;
	c->undo_n = 0;
	c->undo_ok = (c->flags & TF_SACK) != 0 && scb_get(c);
	c->undo_reord = (uint8_t)(segs < TCP_DUPTHRESH_MAX ? segs :
				  TCP_DUPTHRESH_MAX);
}

void
tcp_undo_note(struct pn_tcp_conn *c, uint32_t seq)
{
	if (!c->undo_ok)
		return;
	if (c->undo_n == TCP_UNDO_MAX) {
		c->undo_ok = false; /* too many to prove them all spurious */
		return;
	}
	c->scb->undo_seq[c->undo_n++] = seq;
}

/* RFC 3708 / Linux tcp_try_undo_dsack: once every retransmission of the
 * recovery came back as a D-SACK, the data had only been reordered:
 * cwnd and ssthresh go back, and DupThresh grows past the reordering
 * seen (RFC 4653's idea, Linux tp->reordering). */
static void
undo_dsack(struct pn_tcp_conn *c, uint32_t left)
{
	uint8_t i;

	if (!c->undo_ok || c->undo_n == 0)
		return;
	for (i = 0; i < c->undo_n && c->scb->undo_seq[i] != left; i++)
		;
	if (i == c->undo_n)
		return; /* a duplicate of data we did not retransmit */
	c->scb->undo_seq[i] = c->scb->undo_seq[--c->undo_n];
	if (c->undo_n > 0)
		return;
	c->undo_ok = false;
	c->reord_seen = true;
	c->tcp->stat.TCPDSACKUndo++;
	if (c->cwnd < c->prior_cwnd)
		c->cwnd = c->prior_cwnd;
	c->cwnd_stamp_ns = c->tcp->lc->now; /* tcp_undo_cwnd_reduction */
	if (c->ssthresh < c->prior_ssthresh)
		c->ssthresh = c->prior_ssthresh;
	if (c->dupthresh < c->undo_reord + 1)
		c->dupthresh = (uint8_t)(c->undo_reord + 1);
	if (c->dupthresh > TCP_DUPTHRESH_MAX)
		c->dupthresh = TCP_DUPTHRESH_MAX;
	if (c->flags & TF_IN_RECOVERY) {
		/* a new loss may start a recovery at once */
		c->flags &= (uint16_t)~TF_IN_RECOVERY;
		c->rec_all_lost = false;
		c->recover = c->snd_una;
		c->high_rxt = c->snd_una;
		c->cc->recovered(c);
	}
}

/* Nothing below SND.UNA's hole has been sent twice: outside recovery,
 * after it (RecoveryPoint) and with no RTO backoff. */
static bool
no_rexmit_below(const struct pn_tcp_conn *c)
{
	return !(c->flags & TF_IN_RECOVERY) && c->backoff == 0 &&
	       tcp_may_enter_recovery(c, c->snd_una);
}

/* Linux tcp_check_sack_reordering: data that arrives below data already
 * SACKed, never retransmitted, was reordered, not lost. Seen once, a
 * hole waits for the reordering window before it counts as lost (RFC
 * 8985 6.2: reo_wnd when reordering was observed). */
static void
note_reordering(struct pn_tcp_conn *c, uint32_t ack)
{
	if (c->reord_seen || c->nsb == 0 || !no_rexmit_below(c))
		return;
	if (pn_seq_gt(ack, c->snd_una) && pn_seq_lt(c->snd_una, c->scb->sb[0].left))
		c->reord_seen = true; /* the hole at SND.UNA filled itself */
}

uint32_t
tcp_sb_update(struct pn_tcp_conn *c, const struct pn_tcp_opts *o, uint32_t ack)
{
	uint32_t before = tcp_sb_bytes(c), after, high, l;
	uint8_t i;

	if (!(c->flags & TF_SACK))
		return 0;
	note_reordering(c, ack);
	if (!(o->has & PN_TCPO_SACK))
		return 0;
	high = c->nsb > 0 ? c->scb->sb[c->nsb - 1].right : c->snd_una;
	for (i = 0; i < o->nsack; i++) {
		const struct pn_tcp_sack_blk *b = &o->sack[i];

		if (is_dsack(o, i, ack)) {
			c->tcp->stat.TCPDSACKRecv++;
			undo_dsack(c, b->left);
			continue;
		}
		/* RFC 2018 4: only blocks within what we sent and above the
		 * ACK; anything else is ignored. */
		if (!pn_seq_lt(b->left, b->right) || pn_seq_gt(b->right, c->snd_max) ||
		    pn_seq_lt(b->left, c->snd_una) || pn_seq_leq(b->right, ack))
			continue;
		l = pn_seq_max(b->left, ack);
		if (!c->reord_seen && pn_seq_lt(l, high) && no_rexmit_below(c)) {
			uint32_t had = tcp_sb_bytes(c);

			/* bytes newly SACKed below what was SACKed before */
			sb_insert(c, l, pn_seq_min(b->right, high));
			c->reord_seen = tcp_sb_bytes(c) != had;
		}
		sb_insert(c, l, b->right);
	}
	after = tcp_sb_bytes(c);
	return after > before ? after - before : 0;
}

bool
tcp_sb_is_lost(const struct pn_tcp_conn *c, uint32_t seq)
{
	uint32_t bytes = 0, n = 0;
	uint8_t i;

	/* RFC 6675 4 IsLost: DupThresh discontiguous SACKed ranges above
	 * seq, or more than (DupThresh - 1) * SMSS SACKed bytes above it. */
	for (i = 0; i < c->nsb; i++) {
		if (!pn_seq_gt(c->scb->sb[i].right, seq))
			continue;
		bytes += c->scb->sb[i].right - pn_seq_max(c->scb->sb[i].left, seq);
		n++;
	}
	return n >= c->dupthresh ||
	       bytes > (uint32_t)(c->dupthresh - 1) * tcp_eff_mss(c);
}

uint32_t
tcp_sb_pipe_walk(const struct pn_tcp_conn *c)
{
	bool rec = (c->flags & TF_IN_RECOVERY) != 0;
	uint32_t pos = c->snd_una, end = c->snd_nxt, pipe = 0;
	uint8_t i;

	/* RFC 6675 4 SetPipe, hole by hole: an unSACKed byte counts once
	 * unless it is lost, and once more if it was retransmitted. Bytes
	 * above SND.NXT (go-back-N after an RTO) were declared lost. */
	for (i = 0; i <= c->nsb && pn_seq_lt(pos, end); i++) {
		uint32_t hr = i < c->nsb ? pn_seq_min(c->scb->sb[i].left, end) : end;
		uint32_t rx = 0;

		if (pn_seq_lt(pos, hr)) {
			if (rec && pn_seq_gt(c->high_rxt, pos))
				rx = pn_seq_min(c->high_rxt, hr) - pos;
			if (rec && (c->rec_all_lost ||
				    (i < c->nsb && tcp_sb_is_lost(c, pos))))
				pipe += rx;
			else
				pipe += hr - pos + rx;
		}
		if (i < c->nsb)
			pos = pn_seq_max(pos, c->scb->sb[i].right);
	}
	return pipe;
}

uint32_t
tcp_sb_next_seg(const struct pn_tcp_conn *c, uint32_t *seq, bool *lost)
{
	uint32_t s = pn_seq_max(c->snd_una, c->high_rxt), end;
	uint32_t data_end = c->snd_una + c->sndq.len;
	uint8_t i;

	/* RFC 6675 4 NextSeg rules 1 and 3: the first unSACKed byte above
	 * HighRxt below a SACKed range (rule 2, new data, is the caller's). */
	for (i = 0; i < c->nsb; i++) {
		if (!pn_seq_gt(c->scb->sb[i].right, s))
			continue;
		if (pn_seq_geq(s, c->scb->sb[i].left)) {
			s = c->scb->sb[i].right;
			continue;
		}
		end = c->scb->sb[i].left;
		if (end - s > tcp_eff_mss(c))
			end = s + tcp_eff_mss(c);
		if (pn_seq_gt(end, data_end)) /* never past the data (FIN) */
			end = data_end;
		if (!pn_seq_lt(s, end))
			return 0;
		*seq = s;
		*lost = c->rec_all_lost || tcp_sb_is_lost(c, s);
		return end - s;
	}
	end = pn_seq_min(data_end, c->snd_max);
	if (!c->rec_all_lost || !pn_seq_lt(s, end))
		return 0;
	if (end - s > tcp_eff_mss(c))
		end = s + tcp_eff_mss(c);
	*seq = s;
	*lost = true;
	return end - s;
}

uint32_t
tcp_sb_skip(struct pn_tcp_conn *c, uint32_t len)
{
	uint32_t data_end = c->snd_una + c->sndq.len;
	uint8_t i;

	/* Go-back-N after an RTO skips what the peer SACKed (RFC 6675 5.1):
	 * SND.NXT jumps over a SACKed range, the segment stops at the next. */
	for (i = 0; i < c->nsb; i++) {
		if (pn_seq_in(c->snd_nxt, c->scb->sb[i].left, c->scb->sb[i].right))
			c->snd_nxt = pn_seq_min(c->scb->sb[i].right, data_end);
		if (pn_seq_gt(c->scb->sb[i].left, c->snd_nxt) &&
		    c->scb->sb[i].left - c->snd_nxt < len)
			len = c->scb->sb[i].left - c->snd_nxt;
	}
	return len;
}

void
tcp_sb_lost_retransmit(struct pn_tcp_conn *c)
{
	uint32_t seq, old = c->high_rxt;
	bool lost;

	/* Data sent after our latest retransmission was SACKed beyond
	 * DupThresh: retransmissions still unSACKed below HighRxt are lost
	 * too (RFC 6675 leaves them to the RTO; Linux tcp_mark_lost_retrans
	 * does the same). NextSeg starts over from SND.UNA. */
	if (!(c->flags & TF_IN_RECOVERY) || !pn_seq_gt(c->high_rxt, c->snd_una) ||
	    !tcp_sb_is_lost(c, c->rxt_fence))
		return;
	c->high_rxt = c->snd_una;
	if (tcp_sb_next_seg(c, &seq, &lost) == 0 || !pn_seq_lt(seq, old)) {
		c->high_rxt = old;
		return;
	}
	c->tcp->stat.TCPLostRetransmit++;
	c->rxt_fence = c->snd_max;
}

void
tcp_prr_start(struct pn_tcp_conn *c)
{
	c->prr_delivered = 0;
	c->prr_out = 0;
}

/*
 * RFC 6937 3, with RecoverFS = the cwnd before the reduction (Linux
 * tcp_cwnd_reduction; tcp_undo_start keeps it in prior_cwnd), in bytes:
 *   pipe > ssthresh:  sndcnt = CEIL(prr_delivered * ssthresh / RecoverFS)
 *                              - prr_out      (proportional: CUBIC's 0.7
 *                                              per byte delivered)
 *   else (PRR-SSRB):  sndcnt = MIN(ssthresh - pipe,
 *                              MAX(prr_delivered - prr_out, DeliveredData)
 *                              + SMSS if SND.UNA advanced)
 * and at least one SMSS before anything went out (the fast retransmit).
 * cwnd = pipe + sndcnt: tcp_output sends what cwnd - pipe leaves, and
 * counts prr_out. An ACK that delivered nothing changes nothing.
 */
void
tcp_prr_ack(struct pn_tcp_conn *c, uint32_t delivered, bool una_moved)
{
	uint32_t pipe, mss = tcp_eff_mss(c), sndcnt, fs = c->prior_cwnd;

	if (delivered == 0)
		return;
	c->prr_delivered += delivered;
	pipe = tcp_sb_pipe(c);
	if (pipe > c->ssthresh && fs > 0) {
		uint64_t due = ((uint64_t)c->prr_delivered * c->ssthresh + fs - 1) / fs;

		sndcnt = due > c->prr_out ? (uint32_t)(due - c->prr_out) : 0;
	} else {
		uint32_t limit = c->prr_delivered > c->prr_out ?
				 c->prr_delivered - c->prr_out : 0;

		if (limit < delivered)
			limit = delivered;
		if (una_moved)
			limit += mss;
		sndcnt = c->ssthresh > pipe ? c->ssthresh - pipe : 0;
		if (sndcnt > limit)
			sndcnt = limit;
	}
	if (c->prr_out == 0 && sndcnt < mss)
		sndcnt = mss;
	c->cwnd = pipe + sndcnt;
}
