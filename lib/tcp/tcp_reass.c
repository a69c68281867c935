/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Out-of-order queue (RFC 9293 3.10.7.4 "segment text"): a sorted array
 * of disjoint ranges, at most conf.ooo_max_segs; adjacent ranges merge.
 * It also produces the SACK blocks we send (RFC 2018 4) and notes the
 * duplicates they report first as a D-SACK (RFC 2883 4).
 */
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "tcp_priv.h"

/*
 * Append range @p b to range @p a, which it touches. The tail kept in
 * each range makes it O(1): walking a's chain made a hole with N
 * segments queued behind it cost O(N^2) cache misses (Linux keeps
 * ooo_last_skb for the same reason).
 */
static void
ooo_join(struct tcp_ooo *a, const struct tcp_ooo *b)
{
	if (b->m != NULL) {
		if (a->m == NULL)
			a->m = b->m;
		else
			a->tail->next = b->m;
		a->tail = b->tail;
		a->m->pkt_len = a->len + b->len;
	}
	a->len += b->len;
	a->fin = b->fin;
}

static void
ooo_del(struct pn_tcp_conn *c, uint32_t i, bool free_data)
{
	if (free_data && c->ooo[i].m != NULL)
		rte_pktmbuf_free(c->ooo[i].m);
	memmove(&c->ooo[i], &c->ooo[i + 1],
		(c->nooo - i - 1) * sizeof(c->ooo[0]));
	c->nooo--;
}

/* Does [seq, end) overlap or touch the pending D-SACK? */
static bool
dsack_touches(const struct pn_tcp_sack_blk *d, uint32_t seq, uint32_t end)
{
	return !pn_seq_gt(seq, d->right) && !pn_seq_gt(d->left, end);
}

static void
dsack_widen(struct pn_tcp_sack_blk *d, uint32_t seq, uint32_t end)
{
	if (pn_seq_lt(seq, d->left))
		d->left = seq;
	if (pn_seq_gt(end, d->right))
		d->right = end;
}

void
tcp_dsack_set(struct pn_tcp_conn *c, uint32_t seq, uint32_t end)
{
	if (!(c->flags & TF_SACK) || seq == end)
		return;
	/* MUST-59: an ACK held over a burst already carries a D-SACK. A
	 * touching duplicate widens it (as one GRO-merged duplicate would);
	 * another range sends the held ACK first rather than lose that
	 * report (the sender's undo wants every D-SACKed retransmission,
	 * RFC 3708): one ACK more, only then. */
	if (c->dsack_on && c->ack_held) {
		if (dsack_touches(&c->dsack, seq, end)) {
			dsack_widen(&c->dsack, seq, end);
			return;
		}
		tcp_ack_send_held(c);
	}
	c->dsack = (struct pn_tcp_sack_blk){ .left = seq, .right = end };
	c->dsack_on = true;
	if (pn_seq_lt(seq, c->rcv_nxt)) /* Linux: old (below RCV.NXT) or ofo */
		c->tcp->stat.TCPDSACKOldSent++;
	else
		c->tcp->stat.TCPDSACKOfoSent++;
}

void
tcp_dsack_extend(struct pn_tcp_conn *c, uint32_t seq, uint32_t end)
{
	struct pn_tcp_sack_blk *d = &c->dsack;

	if (!c->dsack_on) {
		tcp_dsack_set(c, seq, end);
		return;
	}
	/* Linux tcp_sack_extend: only a range that touches the pending one */
	if (dsack_touches(d, seq, end))
		dsack_widen(d, seq, end);
}

/* The first duplicate of one arrival sets the D-SACK, later ones only
 * widen it (Linux tcp_data_queue_ofo). */
static void
note_dup(struct pn_tcp_conn *c, bool *dup, uint32_t seq, uint32_t end)
{
	if (*dup)
		tcp_dsack_extend(c, seq, end);
	else
		tcp_dsack_set(c, seq, end);
	*dup = true;
}

bool
tcp_reass_add(struct pn_tcp_conn *c, uint32_t seq, uint32_t len,
	      struct rte_mbuf *m, bool fin)
{
	struct pn_tcp *tcp = c->tcp;
	uint32_t end = seq + len, i;
	struct tcp_ooo *e;
	bool dup = false;

	if (c->ooo == NULL) {
		c->ooo = calloc(tcp->conf.ooo_max_segs, sizeof(*c->ooo));
		if (c->ooo == NULL)
			goto drop;
	}
	c->ooo_last_seq = seq;
	/* Drop ranges the new one covers; trim it against the others. */
	for (i = 0; i < c->nooo; ) {
		e = &c->ooo[i];
		if (pn_seq_leq(seq, e->seq) && pn_seq_geq(end, e->seq + e->len) &&
		    !(e->fin && !fin)) {
			note_dup(c, &dup, e->seq, e->seq + e->len);
			ooo_del(c, i, true);
			continue;
		}
		if (pn_seq_leq(e->seq, seq) &&
		    pn_seq_geq(e->seq + e->len, end)) {
			note_dup(c, &dup, seq, end); /* all duplicate */
			if (m != NULL)
				rte_pktmbuf_free(m);
			return true;
		}
		if (pn_seq_lt(e->seq, seq) && pn_seq_gt(e->seq + e->len, seq)) {
			uint32_t cut = e->seq + e->len - seq;

			note_dup(c, &dup, seq, seq + cut);
			m = tcp_mbuf_slice(m, cut, len - cut);
			seq += cut;
			len -= cut;
		} else if (pn_seq_lt(seq, e->seq) && pn_seq_gt(end, e->seq)) {
			note_dup(c, &dup, e->seq, end);
			len = e->seq - seq;
			m = tcp_mbuf_slice(m, 0, len);
			end = seq + len;
			fin = false;
		}
		i++;
	}
	if (c->nooo >= tcp->conf.ooo_max_segs)
		goto drop;
	for (i = 0; i < c->nooo && pn_seq_lt(c->ooo[i].seq, seq); i++)
		;
	memmove(&c->ooo[i + 1], &c->ooo[i], (c->nooo - i) * sizeof(c->ooo[0]));
	c->ooo[i] = (struct tcp_ooo){ .seq = seq, .len = len, .m = m, .tail = m,
				      .fin = fin };
	if (m != NULL)	/* one segment's payload, or a GRO packet's */
		while (c->ooo[i].tail->next != NULL)
			c->ooo[i].tail = c->ooo[i].tail->next;
	c->nooo++;
	tcp->stat.TCPOFOQueue++;
	/* Merge with the neighbours when they touch. */
	if (i + 1 < c->nooo && c->ooo[i].seq + c->ooo[i].len == c->ooo[i + 1].seq &&
	    !c->ooo[i].fin) {
		ooo_join(&c->ooo[i], &c->ooo[i + 1]);
		ooo_del(c, i + 1, false);
		tcp->stat.TCPOFOMerge++;
	}
	if (i > 0 && c->ooo[i - 1].seq + c->ooo[i - 1].len == c->ooo[i].seq &&
	    !c->ooo[i - 1].fin) {
		ooo_join(&c->ooo[i - 1], &c->ooo[i]);
		ooo_del(c, i, false);
		tcp->stat.TCPOFOMerge++;
	}
	return true;
drop:
	tcp->stat.TCPOFODrop++;
	if (m != NULL) {
		pn_drop(tcp->lc, m, PN_DROP_TCP_OFO_FULL);
	} else {
		tcp->lc->stat.drop[PN_DROP_TCP_OFO_FULL]++;
		tcp->lc->stat.drops++;
	}
	return false;
}

bool
tcp_reass_pull(struct pn_tcp_conn *c)
{
	struct tcp_ooo *e;
	uint32_t high = c->rcv_nxt;
	bool fin = false;

	while (c->nooo > 0 && pn_seq_leq(c->ooo[0].seq, c->rcv_nxt)) {
		e = &c->ooo[0];
		/* Held data the in-order arrival also carried was received
		 * twice (Linux tcp_ofo_queue). */
		if (pn_seq_lt(e->seq, high)) {
			uint32_t dend = pn_seq_lt(e->seq + e->len, high) ?
					e->seq + e->len : high;

			tcp_dsack_extend(c, e->seq, dend);
			high = dend;
		}
		if (pn_seq_geq(c->rcv_nxt, e->seq + e->len) && !e->fin) {
			ooo_del(c, 0, true);
			continue;
		}
		if (pn_seq_lt(c->rcv_nxt, e->seq + e->len)) {
			uint32_t cut = c->rcv_nxt - e->seq;

			c->rcv_nxt += e->len - cut;
			c->bytes_received += e->len - cut;
			if (cut == 0 && e->m != NULL) /* whole, tail known */
				tcp_mq_link(&c->rcvq, e->m, e->tail, e->len);
			else
				tcp_mq_append(&c->rcvq,
					      tcp_mbuf_slice(e->m, cut,
							     e->len - cut));
		} else if (e->m != NULL) {
			rte_pktmbuf_free(e->m);
		}
		fin = e->fin;
		e->m = NULL;
		ooo_del(c, 0, false);
		if (fin)
			break;
	}
	return fin;
}

void
tcp_reass_free(struct pn_tcp_conn *c)
{
	uint32_t i;

	for (i = 0; i < c->nooo; i++)
		if (c->ooo[i].m != NULL)
			rte_pktmbuf_free(c->ooo[i].m);
	free(c->ooo);
	c->ooo = NULL;
	c->nooo = 0;
}

uint8_t
tcp_reass_sack(const struct pn_tcp_conn *c, struct pn_tcp_sack_blk *b,
	       uint8_t max)
{
	uint8_t n = 0;
	uint32_t i, first = UINT32_MAX;

	if (c->dsack_on && max > 0)
		b[n++] = c->dsack;
	for (i = 0; i < c->nooo; i++)
		if (pn_seq_in(c->ooo_last_seq, c->ooo[i].seq,
			      c->ooo[i].seq + c->ooo[i].len + 1))
			first = i;
	if (first != UINT32_MAX && n < max) {
		b[n].left = c->ooo[first].seq;
		b[n++].right = c->ooo[first].seq + c->ooo[first].len;
	}
	for (i = c->nooo; i-- > 0 && n < max; ) {
		if (i == first)
			continue;
		b[n].left = c->ooo[i].seq;
		b[n++].right = c->ooo[i].seq + c->ooo[i].len;
	}
	return n;
}
