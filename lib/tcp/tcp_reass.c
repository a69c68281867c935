/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Out-of-order queue (RFC 9293 3.10.7.4 "segment text"): a sorted array
 * of disjoint ranges, at most conf.ooo_max_segs; adjacent ranges merge.
 * It also produces the SACK blocks we send (RFC 2018 4).
 */
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "tcp_priv.h"

static void
chain(struct rte_mbuf *a, struct rte_mbuf *b)
{
	while (a->next != NULL)
		a = a->next;
	a->next = b;
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

bool
tcp_reass_add(struct pn_tcp_conn *c, uint32_t seq, uint32_t len,
	      struct rte_mbuf *m, bool fin)
{
	struct pn_tcp *tcp = c->tcp;
	uint32_t end = seq + len, i;
	struct tcp_ooo *e;

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
			ooo_del(c, i, true);
			continue;
		}
		if (pn_seq_leq(e->seq, seq) &&
		    pn_seq_geq(e->seq + e->len, end)) {
			if (m != NULL)
				rte_pktmbuf_free(m); /* all duplicate */
			return true;
		}
		if (pn_seq_lt(e->seq, seq) && pn_seq_gt(e->seq + e->len, seq)) {
			uint32_t cut = e->seq + e->len - seq;

			m = tcp_mbuf_slice(m, cut, len - cut);
			seq += cut;
			len -= cut;
		} else if (pn_seq_lt(seq, e->seq) && pn_seq_gt(end, e->seq)) {
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
	c->ooo[i] = (struct tcp_ooo){ .seq = seq, .len = len, .m = m, .fin = fin };
	c->nooo++;
	tcp->stat.TCPOFOQueue++;
	/* Merge with the neighbours when they touch. */
	if (i + 1 < c->nooo && c->ooo[i].seq + c->ooo[i].len == c->ooo[i + 1].seq &&
	    !c->ooo[i].fin) {
		if (c->ooo[i].m == NULL)
			c->ooo[i].m = c->ooo[i + 1].m;
		else if (c->ooo[i + 1].m != NULL)
			chain(c->ooo[i].m, c->ooo[i + 1].m);
		c->ooo[i].len += c->ooo[i + 1].len;
		c->ooo[i].fin = c->ooo[i + 1].fin;
		ooo_del(c, i + 1, false);
		tcp->stat.TCPOFOMerge++;
	}
	if (i > 0 && c->ooo[i - 1].seq + c->ooo[i - 1].len == c->ooo[i].seq &&
	    !c->ooo[i - 1].fin) {
		if (c->ooo[i - 1].m == NULL)
			c->ooo[i - 1].m = c->ooo[i].m;
		else if (c->ooo[i].m != NULL)
			chain(c->ooo[i - 1].m, c->ooo[i].m);
		c->ooo[i - 1].len += c->ooo[i].len;
		c->ooo[i - 1].fin = c->ooo[i].fin;
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
	bool fin = false;

	while (c->nooo > 0 && pn_seq_leq(c->ooo[0].seq, c->rcv_nxt)) {
		e = &c->ooo[0];
		if (pn_seq_geq(c->rcv_nxt, e->seq + e->len) && !e->fin) {
			ooo_del(c, 0, true);
			continue;
		}
		if (pn_seq_lt(c->rcv_nxt, e->seq + e->len)) {
			uint32_t cut = c->rcv_nxt - e->seq;
			struct rte_mbuf *m = tcp_mbuf_slice(e->m, cut, e->len - cut);

			c->rcv_nxt += e->len - cut;
			c->bytes_received += e->len - cut;
			tcp_mq_append(&c->rcvq, m);
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
