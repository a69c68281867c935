/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Output: turn the TCB (send queue, windows, pending ACK/FIN) into
 * segments. Segmentation at the MSS in software, or, when the route's
 * port offers TSO, one segment of whole MSS multiples (up to 64 KB) that
 * the device cuts; Nagle and sender-side silly window avoidance (RFC 9293
 * 3.8.6.2.1), the window we advertise (receiver SWS, 3.8.6.2.2), RST and
 * challenge ACK generation.
 */
#include <errno.h>
#include <string.h>

#include <rte_mbuf.h>

#include "ipv4.h"
#include "net.h"
#include "tcp_cc.h"
#include "tcp_priv.h"

#define TCP_CHALLENGE_MAX 10   /* challenge ACKs per socket per second */
/* Largest TSO payload: the IPv4 total length (16 bits) holds the IPv4
 * header and a TCP header with 40 bytes of options. */
#define TCP_TSO_MAX (PN_IPV4_MAX_LEN - PN_IPV4_HDR_MIN_LEN - 60)

static uint32_t
ooo_bytes(const struct pn_tcp_conn *c)
{
	uint32_t i, n = 0;

	for (i = 0; i < c->nooo; i++)
		n += c->ooo[i].len;
	return n;
}

/* Free receive space, in bytes. */
static uint32_t
rcv_space(const struct pn_tcp_conn *c)
{
	uint32_t used = c->rcvq.len + ooo_bytes(c);

	return used >= c->rcvbuf ? 0 : c->rcvbuf - used;
}

uint32_t
tcp_rcv_wnd(const struct pn_tcp_conn *c)
{
	uint32_t free = rcv_space(c), space = free, adv, max, unit, up;

	/* Never shrink the window we offered (RFC 9293 3.8.6, MUST-?). */
	adv = tcp_rcv_offered(c);
	if (space < adv)
		space = adv;
	/* Receiver SWS avoidance: do not offer a sliver. */
	if (space > adv && space - adv < c->rcv_mss && space < c->rcvbuf / 2 &&
	    space != adv)
		space = adv;
	max = (uint32_t)65535 << c->rcv_wscale;
	if (space > max)
		space = max;
	/* Round down to the scale so the peer sees what we mean; but not
	 * below what we offered (Linux tcp_select_window rounds up then).
	 * Up only while that leaves the edge less than one unit past the
	 * free buffer: with the application not reading, rounding up after
	 * every in-order segment moved the edge up to 2^wscale - 1 bytes
	 * further each time, and data the peer sent to it overflowed the
	 * buffer (TCP_RCVQ_FULL; Linux has rmem slack there, or shrinks with
	 * net.ipv4.tcp_shrink_window). Else down: the edge seems to move
	 * back by less than a unit (RFC 7323 2.4), and data up to the edge
	 * offered before is still taken (tcp_rcv_offered). */
	unit = (uint32_t)1 << c->rcv_wscale;
	space = space >> c->rcv_wscale << c->rcv_wscale;
	if (space < adv) {
		up = RTE_ALIGN_CEIL(adv, unit);
		if (up <= free || up - free < unit)
			space = up;
	}
	return space;
}

/* Chain [off, off + len) of the send queue @p q to @p m by reference:
 * indirect mbufs of @p pool attached to the queue's (no copy; the queue's
 * mbufs stay until the device is done with them). The payload of a TSO
 * segment (copying it into new mbufs measured slower, see the TSO section
 * of docs/benchmarks.md). */
static int
attach_payload(struct rte_mempool *pool, struct rte_mbuf *m,
	       struct tcp_mq *q, uint32_t off, uint32_t len)
{
	struct rte_mbuf *s = tcp_mq_seek(q, &off), *t = rte_pktmbuf_lastseg(m);
	struct rte_mbuf *n;
	uint32_t k;

	for (; len > 0 && s != NULL; s = s->next, off = 0) {
		n = rte_pktmbuf_alloc(pool);
		if (n == NULL)
			return -ENOBUFS;
		rte_pktmbuf_attach(n, s);
		k = RTE_MIN(len, s->data_len - off);
		n->data_off = (uint16_t)(n->data_off + off);
		n->data_len = (uint16_t)k;
		n->pkt_len = k;
		n->nb_segs = 1;
		n->next = NULL;
		t->next = n;
		t = n;
		m->nb_segs++;
		m->pkt_len += k;
		len -= k;
	}
	return len == 0 ? 0 : -EINVAL;
}

/* Build and send one segment; payload [off, off + len) of c's send queue.
 * @p segsz > 0: a TSO segment the device cuts into segsz-byte pieces.
 * @p tos: the IP TOS byte (RFC 9293 MUST-48); @p ipo: IPv4 options (NULL:
 * none). */
static __rte_always_inline int
seg_out(struct pn_tcp *tcp, const struct tcp_key *k, struct pn_tcp_hdr *h,
	struct pn_tcp_conn *c, uint32_t off, uint32_t len, uint16_t segsz,
	uint8_t tos, const struct pn_ipopt_tx *ipo)
{
	struct rte_mbuf *m;
	/* bytes copied behind the header; a TSO payload is attached */
	uint32_t hl, first = segsz > 0 ? 0 : len;
	uint8_t *p;
	uint16_t ck;

	m = rte_pktmbuf_alloc(tcp->pool);
	if (m == NULL)
		return -ENOBUFS;
	hl = PN_TCP_HDR_MIN_LEN + (h->opts.has == PN_TCPO_TS ?
				   PN_TCP_OPTS_TS_LEN : pn_tcp_opts_len(&h->opts));
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(hl + first));
	if (p == NULL ||
	    (len > first && attach_payload(tcp->pool, m, &c->sndq, off,
					   len) < 0)) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	h->sport = k->lport;
	h->dport = k->rport;
	h->cksum = 0;
	pn_tcp_build(p, hl, h);
	if (first > 0)
		tcp_mq_copy(&c->sndq, off, p + hl, first);
	/* TX offload contract (net.h): the pseudo-header sum in the field,
	 * over the whole TCP length, TSO or not (virtio_tso_fix_cksum and
	 * Linux GSO want the length of the whole segment in it). */
	ck = pn_ipv4_phdr_sum(k->lip, k->rip, PN_IPV4_PROTO_TCP,
			      (uint16_t)(hl + len));
	p[16] = (uint8_t)(ck >> 8);
	p[17] = (uint8_t)ck;
	m->ol_flags |= RTE_MBUF_F_TX_TCP_CKSUM | RTE_MBUF_F_TX_IPV4;
	m->l4_len = (uint8_t)hl;
	if (segsz > 0) {
		m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
		m->tso_segsz = segsz;
		/* OutSegs counts wire segments, as Linux does */
		tcp->stat.OutSegs += (len + segsz - 1) / segsz;
	} else {
		tcp->stat.OutSegs++;
	}
	if (h->flags & PN_TCP_RST)
		tcp->stat.OutRsts++;
	/* RFC 9293 3.9.2.1: IP options; the checksum above stays over the
	 * final destination, whatever the first hop */
	if (unlikely(ipo != NULL))
		return pn_ip4_output_opts(tcp->lc, tcp->net, m, k->lip, k->rip,
					  PN_IPV4_PROTO_TCP, tos, true, ipo);
	/* a connection's route and neighbour are cached in it (Linux
	 * sk_dst_cache); a reply without a TCB takes the shard's last one */
	if (c != NULL)
		return pn_ip4_output_dst(tcp->lc, tcp->net, m, &c->dst, k->lip,
					 k->rip, PN_IPV4_PROTO_TCP, tos, true);
	return pn_ip4_output(tcp->lc, tcp->net, m, k->lip, k->rip,
			     PN_IPV4_PROTO_TCP, tos, true);
}

/* seg_out, a call: the replies and resets. xmit_seg has seg_out inline
 * (every data segment and ACK: no nine-argument call). */
static int
seg_send_opts(struct pn_tcp *tcp, const struct tcp_key *k,
	      struct pn_tcp_hdr *h, struct pn_tcp_conn *c, uint32_t off,
	      uint32_t len, uint16_t segsz, uint8_t tos,
	      const struct pn_ipopt_tx *ipo)
{
	return seg_out(tcp, k, h, c, off, len, segsz, tos, ipo);
}

/* @p c's IP options to send (MUST-51..53), NULL for none. */
static inline const struct pn_ipopt_tx *
conn_ipo(const struct pn_tcp_conn *c)
{
	return c != NULL && unlikely(c->ipopt != NULL) ? &c->ipopt->tx : NULL;
}

/* seg_send_opts with @p c's IP options, if any. */
static int
seg_send(struct pn_tcp *tcp, const struct tcp_key *k, struct pn_tcp_hdr *h,
	 struct pn_tcp_conn *c, uint32_t off, uint32_t len,
	 uint16_t segsz, uint8_t tos)
{
	return seg_send_opts(tcp, k, h, c, off, len, segsz, tos, conn_ipo(c));
}

/* The timestamp option of a segment after the handshake. */
static inline void
fill_ts(const struct pn_tcp_conn *c, struct pn_tcp_opts *o)
{
	if (c->flags & TF_TS) {
		o->has |= PN_TCPO_TS;
		o->tsval = tcp_ts_now(c);
		o->tsecr = c->ts_recent;
	}
}

/* @p o comes zeroed (xmit_seg's header). */
static void
fill_opts(struct pn_tcp_conn *c, uint8_t flags, struct pn_tcp_opts *o)
{
	const struct pn_tcp_conf *cf = &c->tcp->conf;

	if (flags & PN_TCP_SYN) {
		bool active = c->state == PN_TCP_SYN_SENT;

		o->has |= PN_TCPO_MSS;
		o->mss = c->rcv_mss;
		if (active ? cf->wscale : (c->flags & TF_WS) != 0) {
			o->has |= PN_TCPO_WS;
			o->wscale = c->rcv_wscale;
		}
		if (active ? cf->sack : (c->flags & TF_SACK) != 0)
			o->has |= PN_TCPO_SACK_OK;
		if (active ? cf->timestamps : (c->flags & TF_TS) != 0) {
			o->has |= PN_TCPO_TS;
			o->tsval = tcp_ts_now(c);
			o->tsecr = active ? 0 : c->ts_recent;
		}
		return;
	}
	fill_ts(c, o);
	if ((c->flags & TF_SACK) && (c->nooo > 0 || c->dsack_on) &&
	    (flags & PN_TCP_ACK) && !(flags & PN_TCP_RST)) {
		o->has |= PN_TCPO_SACK;
		o->nsack = tcp_reass_sack(c, o->sack, tcp_sack_max(c));
		/* RFC 2883 4: a D-SACK is reported once (Linux clears it in
		 * tcp_options_write) */
		c->dsack_on = false;
	}
}

/* Linux tcp_event_data_sent, from __tcp_transmit_skb for every segment
 * that carries data, new or retransmitted: with nothing in flight the
 * algorithm hears CA_EVENT_TX_START (an algorithm without state has
 * nothing to move); lsndtime; data sent within a delayed-ACK time of
 * data received is a request/response exchange (pingpong): quick ACKs
 * end, so the next request's ACK rides on its response. */
static __rte_always_inline void
data_sent(struct pn_tcp_conn *c)
{
	if (unlikely(c->cc_state != NULL) && c->snd_nxt == c->snd_una &&
	    c->cc->cwnd_event != NULL)
		c->cc->cwnd_event(c, TCP_CA_EVENT_TX_START);
	c->lsnd_ns = c->tcp->lc->now;
	if (c->quickack > 0 && c->last_data_ns != 0 &&
	    c->tcp->lc->now - c->last_data_ns <
	    (uint64_t)c->tcp->conf.delack_ms * PN_NS_PER_MS)
		c->quickack = 0;
}

/* tcp_xmit, with @p segsz > 0 for a TSO segment of len / segsz pieces. */
static int
xmit_seg(struct pn_tcp_conn *c, uint32_t seq, uint32_t len, uint8_t flags,
	 uint16_t segsz)
{
	struct pn_tcp *tcp = c->tcp;
	struct pn_tcp_hdr h = { 0 };
	uint32_t wnd;

	/* Linux's zero-window probe carries no data (tcp_xmit_probe_skb):
	 * ours, one byte, is not data sent */
	if (len > 0 && !(c->flags & TF_PERSIST))
		data_sent(c);
	h.seq = seq;
	h.flags = flags;
	if (h.flags & PN_TCP_ACK)
		h.ack = c->rcv_nxt;
	tcp_urg_output(c, seq, &h);
	fill_opts(c, flags, &h.opts);
	wnd = tcp_rcv_wnd(c);
	if (flags & PN_TCP_SYN)
		h.win = (uint16_t)(wnd > 65535 ? 65535 : wnd); /* RFC 7323 2.2 */
	else
		h.win = (uint16_t)(wnd >> c->rcv_wscale);
	if (pn_seq_gt(c->rcv_nxt + ((flags & PN_TCP_SYN) ? h.win : wnd),
			   c->rcv_adv))
		c->rcv_adv = c->rcv_nxt + ((flags & PN_TCP_SYN) ? h.win : wnd);
	if (h.flags & PN_TCP_ACK) {
		c->last_ack_sent = c->rcv_nxt;
		c->flags &= (uint16_t)~(TF_ACK_NOW | TF_DELACK);
		pn_timer_cancel_lazy(&tcp->lc->timers, &c->t_delack);
	}
	c->segs_out += segsz > 0 ? (len + segsz - 1) / segsz : 1;
	if (c->flags & TF_IN_RECOVERY)
		c->prr_out += len; /* RFC 6937 prr_out (tcp_prr_ack) */
	/* RFC 9293 MUST-48: the connection's DiffServ field (IP_TOS) */
	return seg_out(tcp, &c->key, &h, c, seq - c->snd_una, len, segsz,
		       c->tos, conn_ipo(c));
}

int
tcp_xmit(struct pn_tcp_conn *c, uint32_t seq, uint32_t len, uint8_t flags)
{
	return xmit_seg(c, seq, len, flags, 0);
}

void
tcp_send_ack(struct pn_tcp_conn *c)
{
	uint32_t seq = c->snd_nxt;

	tcp_xmit(c, seq, 0, PN_TCP_ACK);
}

/*
 * RFC 9293 MUST-59 (RFC 1122 4.2.2.21): process all queued segments
 * before sending ACKs. Inside a burst (tcp_rx_burst) the pure ACK input
 * asks for waits, TF_ACK_NOW kept, the connection once on tcp->ackq;
 * tcp_ack_flush sends it after the burst's last segment, built then:
 * the latest RCV.NXT, window and SACK blocks. Data, a FIN or a challenge
 * ACK sent meanwhile clears TF_ACK_NOW and carries it instead. Outside a
 * burst (tcp_rx, timers, user calls) it goes at once.
 */
void
tcp_ack_or_hold(struct pn_tcp_conn *c)
{
	struct pn_tcp *tcp = c->tcp;

	if (likely(!tcp->in_burst)) {
		tcp_send_ack(c);
		return;
	}
	if (!c->ack_held) {
		if (unlikely(tcp->nackq == TCP_ACKQ_MAX)) {
			tcp_send_ack(c); /* not reached: one per segment */
			return;
		}
		c->ack_held = true;
		tcp->ackq[tcp->nackq++] = c;
	}
	tcp->ack_holds++;
}

/* The held ACK of @p c now, before the D-SACK it carries is replaced by
 * another one (tcp_dsack_set). */
void
tcp_ack_send_held(struct pn_tcp_conn *c)
{
	if (!c->ack_held || !(c->flags & TF_ACK_NOW))
		return;
	tcp_send_ack(c);
	c->tcp->ack_holds--; /* sent, not saved */
	c->flags |= TF_ACK_NOW; /* the burst's own ACK still goes */
}

void
tcp_ack_flush(struct pn_tcp *tcp)
{
	uint32_t sent = 0;
	uint16_t i;

	tcp->in_burst = false;
	for (i = 0; i < tcp->nackq; i++) {
		struct pn_tcp_conn *c = tcp->ackq[i];

		c->ack_held = false;
		if ((c->flags & (TF_ACK_NOW | TF_ZOMBIE)) != TF_ACK_NOW ||
		    c->state == PN_TCP_CLOSED)
			continue;
		tcp_send_ack(c);
		sent++;
	}
	tcp->nackq = 0;
	/* ACKs the burst asked for that no segment went out for */
	tcp->stat.TCPAckCoalesced += tcp->ack_holds - sent;
	tcp->ack_holds = 0;
}

void
tcp_ack_unhold(struct pn_tcp_conn *c)
{
	struct pn_tcp *tcp = c->tcp;
	uint16_t i;

	if (!c->ack_held)
		return;
	c->ack_held = false;
	for (i = 0; i < tcp->nackq; i++)
		if (tcp->ackq[i] == c) {
			memmove(&tcp->ackq[i], &tcp->ackq[i + 1],
				(size_t)(tcp->nackq - i - 1) * sizeof(c));
			tcp->nackq--;
			break;
		}
}

void
tcp_send_rst(struct pn_tcp_conn *c)
{
	/*
	 * Not through xmit_seg: a RST carries no urgent pointer and no
	 * SACK, and the connection goes, so nothing the ACK bookkeeping
	 * keeps (RCV.ADV, the held or delayed ACK) is needed: only the
	 * timestamp and the window. Linux tcp_send_active_reset goes
	 * through tcp_transmit_skb, which offers tcp_select_window's
	 * window as on any segment (a SO_LINGER 0 close on loopback:
	 * "Flags [R.], ... win 64", window scale 10), not 0.
	 */
	struct pn_tcp_hdr h = { .seq = c->snd_max, .ack = c->rcv_nxt,
				.flags = PN_TCP_RST | PN_TCP_ACK };

	if (c->state == PN_TCP_SYN_SENT) {
		/* Nothing synchronized: RST with our SYN's successor. */
		h = (struct pn_tcp_hdr){ .seq = c->snd_nxt, .flags = PN_TCP_RST };
		seg_send(c->tcp, &c->key, &h, c, 0, 0, 0, c->tos);
		return;
	}
	h.win = (uint16_t)(tcp_rcv_wnd(c) >> c->rcv_wscale);
	fill_ts(c, &h.opts);
	c->segs_out++;
	seg_send(c->tcp, &c->key, &h, c, 0, 0, 0, c->tos);
}

void
tcp_send_rst_reply(struct pn_tcp *tcp, const struct tcp_seg *s)
{
	struct tcp_key k = { .lip = s->dst, .rip = s->src,
			     .lport = s->h.dport, .rport = s->h.sport };
	struct pn_tcp_hdr h = { 0 };
	struct pn_ipopt_tx ipo;

	if (s->h.flags & PN_TCP_ACK) {
		h.seq = s->h.ack;
		h.flags = PN_TCP_RST;
	} else {
		h.seq = 0;
		h.ack = s->h.seq + s->seg_len;
		h.flags = PN_TCP_RST | PN_TCP_ACK;
	}
	/* No TCB to take a TOS from: the offending segment's, as Linux
	 * tcp_v4_send_reset (ip_hdr(skb)->tos); its ECN bits cleared, as
	 * Linux since 6.10 (6.1 still copies them): a RST is not ECT. And
	 * with the segment's options echoed, or none sent, as Linux. */
	if (tcp_ipopt_reply(tcp, s, &ipo) < 0)
		return;
	seg_send_opts(tcp, &k, &h, NULL, 0, 0, 0,
		      s->tos & (uint8_t)~TCP_ECN_MASK, ipo.len ? &ipo : NULL);
}

void
tcp_send_synack_raw(struct pn_tcp *tcp, const struct tcp_seg *s, uint32_t iss,
		    uint16_t mss, uint8_t tos)
{
	struct tcp_key k = { .lip = s->dst, .rip = s->src,
			     .lport = s->h.dport, .rport = s->h.sport };
	struct pn_tcp_hdr h = { 0 };
	struct pn_ipopt_tx ipo;

	h.seq = iss;
	h.ack = s->h.seq + 1;
	h.flags = PN_TCP_SYN | PN_TCP_ACK;
	h.win = (uint16_t)(tcp->conf.rcvbuf > 65535 ? 65535 : tcp->conf.rcvbuf);
	h.opts.has = PN_TCPO_MSS;
	h.opts.mss = mss;
	tcp->stat.TCPSynCookiesSent++;
	/* MUST-53 without a TCB: the ACK brings the options again */
	if (tcp_ipopt_reply(tcp, s, &ipo) < 0)
		ipo.len = 0;	/* Linux: sent without them */
	seg_send_opts(tcp, &k, &h, NULL, 0, 0, 0, tos, ipo.len ? &ipo : NULL);
}

void
tcp_challenge_ack(struct pn_tcp_conn *c)
{
	struct pn_tcp *tcp = c->tcp;
	uint64_t now = tcp->lc->now;

	/* RFC 5961 7: rate-limit challenge ACKs (per socket here). */
	if (now - c->chal_window_ns >= PN_NS_PER_S) {
		c->chal_window_ns = now;
		c->chal_count = 0;
	}
	if (c->chal_count >= TCP_CHALLENGE_MAX) {
		tcp->stat.TCPChallengeACKLimit++;
		return;
	}
	c->chal_count++;
	tcp->stat.TCPChallengeACK++;
	tcp_send_ack(c);
}

/* Retransmit the first unACKed segment (fast retransmit, RTO). */
void
tcp_retransmit_head(struct pn_tcp_conn *c)
{
	uint32_t len = c->sndq.len, mss = tcp_eff_mss(c);
	uint32_t sent = c->snd_max - c->snd_una;
	uint8_t fl = PN_TCP_ACK;

	if (c->state == PN_TCP_SYN_SENT) {
		tcp_xmit(c, c->iss, 0, PN_TCP_SYN);
		return;
	}
	if (c->state == PN_TCP_SYN_RECEIVED) {
		tcp_xmit(c, c->iss, 0, PN_TCP_SYN | PN_TCP_ACK);
		return;
	}
	if (len > mss)
		len = mss;
	/* Only what went out before (Linux retransmits the skb as sent):
	 * bytes the peer's window held back are new data, for tcp_output
	 * to send within the window; sent here they would go past it and
	 * past SND.MAX, and the peer's ACK of them look like an ACK of
	 * data never sent. */
	if ((c->flags & TF_FIN_SENT) && sent > 0)
		sent--;
	if (len > sent)
		len = sent;
	if (len == c->sndq.len && (c->flags & TF_FIN_SENT))
		fl |= PN_TCP_FIN;
	if (len == 0 && !(fl & PN_TCP_FIN))
		return;
	c->tcp->stat.RetransSegs++;
	c->total_retrans++;
	if (len > 0)
		fl |= PN_TCP_PSH;
	tcp_xmit(c, c->snd_una, len, fl);
	if (pn_seq_lt(c->snd_nxt, c->snd_una + len + !!(fl & PN_TCP_FIN)))
		c->snd_nxt = c->snd_una + len + !!(fl & PN_TCP_FIN);
}

/*
 * RFC 6675 5 (C): while cwnd - pipe >= 1 SMSS, retransmit NextSeg. With
 * @p lost_only, rule 1 (holes IsLost says are lost); else rule 3 (holes
 * below SACKed data), used once no new data can go. @return sent any.
 */
static bool
sack_rxt(struct pn_tcp_conn *c, uint32_t *pipe, bool lost_only)
{
	uint32_t seq, len;
	bool lost, sent = false;

	while (c->cwnd >= *pipe + tcp_eff_mss(c)) {
		len = tcp_sb_next_seg(c, &seq, &lost);
		if (len == 0 || (lost_only && !lost))
			break;
		c->tcp->stat.RetransSegs++;
		c->total_retrans++;
		tcp_undo_note(c, seq);
		if (tcp_xmit(c, seq, len, PN_TCP_ACK) < 0)
			break;
		c->high_rxt = seq + len;
		c->rxt_fence = c->snd_max;
		*pipe += len;
		sent = true;
	}
	return sent;
}

/* Bytes the congestion window lets go after SND.NXT. With SACK, the
 * RFC 6675 pipe; without, the flight SND.NXT - SND.UNA, and RFC 3042
 * limited transmit lets the first two duplicate ACKs send new data. */
static uint32_t
cwnd_room(const struct pn_tcp_conn *c, uint32_t pipe)
{
	uint32_t cwnd = c->cwnd, flight = c->snd_nxt - c->snd_una;

	if (c->flags & TF_SACK)
		return cwnd > pipe ? cwnd - pipe : 0;
	if (!(c->flags & TF_IN_RECOVERY) && c->dupacks > 0 && c->dupacks < 3 &&
	    c->snd_nxt == c->snd_max)
		cwnd += c->dupacks * tcp_eff_mss(c);
	return cwnd > flight ? cwnd - flight : 0;
}

/* The largest TSO payload for @p c (a multiple of @p mss), 0 when its
 * route's port does not segment TCP now. Asked once per output call,
 * only when there is more than one segment to send. */
static uint32_t
tso_max(const struct pn_tcp_conn *c, uint32_t mss)
{
	struct pn_net_nexthop nh;
	uint32_t dst = c->key.rip, max = TCP_TSO_MAX;

	if (unlikely(c->ipopt != NULL)) {
		/* the first hop's port cuts it; the options take room */
		if (c->ipopt->tx.srr)
			dst = c->ipopt->tx.faddr;
		max -= c->ipopt->tx.len;
	}
	if (pn_net_route(c->tcp->net, dst, &nh) < 0 || !nh.tx_tso ||
	    mss == 0)
		return 0;
	return max / mss * mss;
}

/*
 * With TSO, new data goes as one segment of the whole MSS multiples the
 * windows let go (what per-MSS sending would send as full segments, in
 * one call); what is left (a short tail, the FIN) takes the per-MSS path
 * with its Nagle and SWS rules. Retransmissions stay MSS-sized.
 * @return the TSO length, 0 for per-MSS.
 */
static uint32_t
tso_len(const struct pn_tcp_conn *c, uint32_t mss, uint32_t avail,
	uint32_t usable, int64_t *max)
{
	uint32_t len = RTE_MIN(avail, usable);

	/* urgent data goes per MSS: each segment has its own pointer */
	if (c->snd_nxt != c->snd_max || len < 2 * mss ||
	    tcp_urg_mode(c))
		return 0;
	if (*max < 0)
		*max = tso_max(c, mss);
	len = RTE_MIN(len, (uint32_t)*max) / mss * mss;
	/* the FIN rides on the last segment, sent per MSS */
	if (len == avail && (c->flags & TF_FIN_QUEUED) &&
	    !(c->flags & TF_FIN_SENT))
		len -= mss;
	return len >= 2 * mss ? len : 0;
}

/*
 * TCP small queues (Linux tcp_small_queue_check): the TCP data the lcore
 * queued below TCP that no device took yet stays under TCP_TSQ_BYTES and
 * one segment. Past that, the queued packets go to the device at once
 * (tsq_push); while the device refuses packets (the lcore holds some),
 * new data waits in the send queue, not as packets in the hold queue,
 * and its connection goes on tcp->tsq; the TX flush that finds nothing
 * held any more sends it again (tcp_tsq_resume, Linux tcp_tsq_handler on
 * TX completion). Linux bounds each flow (floor two TSO packets, cap
 * tcp_limit_output_bytes); one lcore owns the device queue here, so the
 * bound is the lcore's: two of the largest TSO packets (less a little,
 * so that two of 45 x 1448 bytes reach it), about a quarter of a
 * 256-slot virtio ring of them (34 slots each).
 *
 * The bound is also when data goes: Linux tcp_sendmsg_locked pushes each
 * full TSO packet it has copied (tcp_push_one), so the device has it
 * while the application copies the next. Here packets waited in the TX
 * buffer for the round's flush: a 256 KB send buffer left in one burst a
 * round, the peer's one ACK for all of it came back, and both sides
 * slept in turn (a stop-and-wait, docs/benchmarks.md). A push every TSO
 * packet measured slower for s2c (more, smaller vhost enqueues, the
 * receiver woken twice as often); every second one did not.
 */
#define TCP_TSQ_BYTES (2u * 60u * 1024u)

/* Before @p c sends new data. @return true: it stops sending. */
static bool
tsq_throttle(struct pn_tcp_conn *c)
{
	struct pn_tcp *tcp = c->tcp;
	struct pn_lcore *lc = tcp->lc;

	if (likely(pn_lcore_tx_held(lc) == 0)) {
		/* sends now: not again from a flush (tsq_push) */
		if (unlikely(c->tsq_link.tqe_prev != NULL))
			tcp_tsq_unlink(c);
		return false;
	}
	if (c->tsq_link.tqe_prev == NULL) {
		TAILQ_INSERT_TAIL(&tcp->tsq, c, tsq_link);
		tcp->stat.TCPSmallQueueThrottles++;
	}
	pn_lcore_tx_wait_drain(lc);
	return true;
}

/* @p len data bytes were queued below TCP: past the bound, what is
 * queued goes to the device now (the TX flush), unless it refuses
 * packets already (then tsq_throttle stops the next segment). */
static void
tsq_push(struct pn_tcp *tcp, uint32_t len)
{
	struct pn_lcore *lc = tcp->lc;

	if (tcp->tsq_mark != lc->stat.tx_bursts) {
		/* a flush since: what was queued went to the device */
		tcp->tsq_mark = lc->stat.tx_bursts;
		tcp->tsq_queued = 0;
	}
	tcp->tsq_queued += len;
	if (tcp->tsq_queued >= TCP_TSQ_BYTES && pn_lcore_tx_held(lc) == 0) {
		pn_tx_flush(lc);
		tcp->tsq_mark = lc->stat.tx_bursts;
		tcp->tsq_queued = 0;
	}
}

void
tcp_tsq_unlink(struct pn_tcp_conn *c)
{
	if (c->tsq_link.tqe_prev == NULL)
		return;
	TAILQ_REMOVE(&c->tcp->tsq, c, tsq_link);
	c->tsq_link.tqe_prev = NULL;
}

void
tcp_tsq_resume(struct pn_lcore *lc, void *arg)
{
	struct pn_tcp *tcp = arg;
	struct pn_tcp_conn *c;
	uint32_t n = 0;

	RTE_SET_USED(lc);
	tcp->busy++;
	/* in order; who is throttled again goes back to the tail, and is
	 * not taken again in this call */
	TAILQ_FOREACH(c, &tcp->tsq, tsq_link)
		n++;
	while (n-- > 0 && (c = TAILQ_FIRST(&tcp->tsq)) != NULL) {
		tcp_tsq_unlink(c);
		tcp_output(c);
	}
	tcp->busy--;
	tcp_reap(tcp);
}

/*
 * IP refused a data segment (no mbuf, a neighbour's queue full): a timer
 * must be left to send it. With data in flight (a probe byte the opening
 * window sent back to SND.NXT, say) the RTO (RFC 6298 5.1); with none,
 * the probe timer, whose firing sends the data (Linux
 * tcp_check_probe_timer).
 */
static void
refused_arm(struct pn_tcp_conn *c)
{
	if (pn_timer_pending(&c->t_rtx))
		return;
	if (c->snd_una != c->snd_max)
		tcp_rtx_arm(c);
	else
		tcp_persist_arm(c);
}

/* Send data segments (and the FIN) the windows allow. @return sent any.
 * Out of line: tcp_output's idle return then saves no registers. */
static bool __rte_noinline
output_data(struct pn_tcp_conn *c)
{
	struct pn_tcp *tcp = c->tcp;
	uint32_t mss = tcp_eff_mss(c), pipe = 0, armed_at = 0;
	bool sack = (c->flags & TF_SACK) != 0, sent = false, armed = false;
	bool limited, refused = false;
	int64_t tso = -1;	/* TSO payload limit, -1: not asked yet */

	if (sack) {
		pipe = tcp_sb_pipe(c);
		if (c->flags & TF_IN_RECOVERY)
			sent = sack_rxt(c, &pipe, true);
	}
	for (;;) {
		uint32_t off, avail, usable, len, room, big;
		uint8_t fl = PN_TCP_ACK;
		bool fin_ok;

		len = mss;
		if (sack && c->nsb > 0 && pn_seq_lt(c->snd_nxt, c->snd_max))
			len = tcp_sb_skip(c, len);
		off = c->snd_nxt - c->snd_una;
		avail = off < c->sndq.len ? c->sndq.len - off : 0;
		usable = pn_seq_gt(c->snd_una + c->snd_wnd, c->snd_nxt) ?
			 c->snd_una + c->snd_wnd - c->snd_nxt : 0;
		room = cwnd_room(c, pipe);
		if (usable > room)
			usable = room;
		big = tso != 0 ? tso_len(c, mss, avail, usable, &tso) : 0;
		if (big > 0)
			len = big;
		if (len > avail)
			len = avail;
		if (len > usable)
			len = usable;
		fin_ok = (c->flags & TF_FIN_QUEUED) && !(c->flags & TF_FIN_SENT) &&
			 off + len == c->sndq.len;
		if (len == 0 && !fin_ok)
			break;
		if (len > 0 && len < mss && len == avail && !fin_ok &&
		    !(c->flags & TF_NODELAY) && c->snd_nxt != c->snd_una &&
		    !tcp_urg_mode(c))
			break; /* Nagle, RFC 896 / RFC 9293 3.7.4; not for
				* urgent data (Linux tcp_nagle_test) */
		if (len > 0 && len < mss && len < avail &&
		    len < c->max_snd_wnd / 2 && c->snd_nxt != c->snd_una &&
		    len == usable)
			break; /* sender SWS avoidance: wait for the window */
		if (fin_ok && !(len == 0 && avail > 0))
			fl |= PN_TCP_FIN;
		else
			fin_ok = false;
		if (len > 0 && len == avail)
			fl |= PN_TCP_PSH;
		if (len > 0 && tsq_throttle(c))
			break;
		if (pn_seq_lt(c->snd_nxt, c->snd_max)) {
			tcp->stat.RetransSegs++;
			c->total_retrans++;
		} else if (c->rtt_start_ns == 0 && len > 0) {
			c->rtt_seq = c->snd_nxt; /* Karn: only new data */
			c->rtt_start_ns = tcp->lc->now;
		}
		if (xmit_seg(c, c->snd_nxt, len, fl, big > 0 ? (uint16_t)mss : 0)
		    < 0 && len > 0) {
			refused = true;
			break;
		}
		sent = true;
		pipe += len;
		c->snd_nxt += len + !!(fl & PN_TCP_FIN);
		if (fl & PN_TCP_FIN)
			c->flags |= TF_FIN_SENT;
		if (pn_seq_gt(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		if (!pn_timer_pending(&c->t_rtx) || (c->flags & TF_PERSIST)) {
			tcp_rtx_arm(c);
			armed = true;
			armed_at = c->segs_out;
		}
		if (len > 0)	/* last: its flush may send for others */
			tsq_push(tcp, len);
		if ((fl & PN_TCP_FIN) || tcp_all_sent(c))
			break;	/* a further round would find nothing */
	}
	if (sack && (c->flags & TF_IN_RECOVERY))
		sent |= sack_rxt(c, &pipe, false);
	/* Linux tcp_write_xmit: cwnd-limited when what is in flight leaves
	 * no room for a segment (tcp_packets_in_flight >= cwnd) */
	limited = cwnd_room(c, pipe) < mss;
	if (sent || limited)
		tcp_cwnd_validate(c, limited);
	/* RFC 8985 7.2: the PTO restarts after new data goes out, as Linux
	 * tcp_schedule_loss_probe(sk, false) after tcp_write_xmit's loop.
	 * Armed above for the first segment of a burst, it is armed again
	 * for the whole flight (one segment out waits rto_min, more 2 ms);
	 * not when nothing went since: the same instant and state give the
	 * same expiry (one re-arm per request/response). A probe pending
	 * from before is armed again over the RTO, which stays. */
	if (sent && armed) {
		if (c->segs_out != armed_at)
			tcp_rtx_arm(c);
	} else if (sent && c->tlp_armed) {
		tcp_rtx_rearm_sent(c);
	}
	/* Zero window with data waiting and nothing in flight: persist.
	 * Nothing in flight is SND.NXT at SND.UNA: an opening window sends
	 * probe bytes again from SND.UNA (tcp_input.c), and if they did not
	 * go (small queues: the device full) before it shut again, SND.MAX
	 * is past SND.UNA with no timer at all. */
	if (!sent && c->snd_wnd == 0 && c->snd_nxt == c->snd_una &&
	    c->sndq.len > 0 && !pn_timer_pending(&c->t_rtx))
		tcp_persist_arm(c);
	else if (refused)
		refused_arm(c);
	return sent;
}

/*
 * Nothing in flight, no FIN queued, no recovery, no urgent mode, and
 * what is queued (at most one MSS) fits in the send and congestion
 * windows: output_data would send it all as one segment (no pipe, no
 * TSO, Nagle and SWS cannot hold it with nothing in flight). A response
 * in request/response traffic; output_one does just that.
 */
static inline bool
output_one_ok(const struct pn_tcp_conn *c)
{
	uint32_t len = c->sndq.len;

	return c->snd_nxt == c->snd_una && c->snd_max == c->snd_una &&
	       len > 0 && len <= c->snd_wnd && len <= c->cwnd &&
	       !(c->flags & (TF_FIN_QUEUED | TF_IN_RECOVERY)) &&
	       !tcp_urg_mode(c) && len <= tcp_eff_mss(c);
}

/* output_data's loop for the one segment output_one_ok describes, step by
 * step the same. @return sent. */
static bool
output_one(struct pn_tcp_conn *c)
{
	struct pn_tcp *tcp = c->tcp;
	uint32_t len = c->sndq.len;

	if (tsq_throttle(c))
		return false;
	if (c->rtt_start_ns == 0) {
		c->rtt_seq = c->snd_nxt; /* Karn: only new data */
		c->rtt_start_ns = tcp->lc->now;
	}
	if (xmit_seg(c, c->snd_nxt, len, PN_TCP_ACK | PN_TCP_PSH, 0) < 0) {
		refused_arm(c);
		return false;
	}
	tsq_push(tcp, len);
	c->snd_nxt += len;
	c->snd_max = c->snd_nxt;
	/* nothing was in flight: a new window, of len bytes; cwnd-limited
	 * only if len leaves no segment (the MSS is at least the payload
	 * size: asked first, cheaper) */
	tcp_cwnd_validate(c, c->cwnd < len + c->mss &&
			     c->cwnd < len + tcp_eff_mss(c));
	/* armed once for the segment; a pending timer is re-armed only for
	 * a loss probe (output_data's PTO rule) */
	if (!pn_timer_pending(&c->t_rtx) || (c->flags & TF_PERSIST) ||
	    c->tlp_armed)
		tcp_rtx_arm(c);
	return true;
}

void
tcp_output(struct pn_tcp_conn *c)
{
	switch (c->state) {
	case PN_TCP_CLOSED:
	case PN_TCP_LISTEN:
	case PN_TCP_TIME_WAIT:
		if (c->state == PN_TCP_TIME_WAIT && (c->flags & TF_ACK_NOW))
			tcp_ack_or_hold(c);
		return;
	case PN_TCP_SYN_SENT:
	case PN_TCP_SYN_RECEIVED:
		if (c->snd_nxt == c->iss) {
			tcp_xmit(c, c->iss, 0, c->state == PN_TCP_SYN_SENT ?
				 PN_TCP_SYN : PN_TCP_SYN | PN_TCP_ACK);
			c->snd_nxt = c->snd_max = c->iss + 1;
			tcp_rtx_arm(c);
		} else if (c->flags & TF_ACK_NOW) {
			tcp_ack_or_hold(c);
		}
		return;
	default:
		break;
	}
	if (tcp_output_idle(c))
		goto ack;
	if (output_one_ok(c) ? output_one(c) : output_data(c))
		return;
ack:
	if (c->flags & TF_ACK_NOW)
		tcp_ack_or_hold(c);
}
