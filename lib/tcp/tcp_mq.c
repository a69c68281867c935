/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Byte queues in mbufs: received data stays in the mbufs it arrived in
 * until pn_tcp_recv copies it out; the send queue holds the user's bytes
 * until ACKed. Segments are linked through m->next; each counts data_len.
 */
#include <string.h>

#include <rte_mbuf.h>

#include "tcp_priv.h"

void
tcp_mq_append_chain(struct tcp_mq *q, struct rte_mbuf *m)
{
	struct rte_mbuf *t;
	uint32_t n = 0;

	if (m == NULL)
		return;
	for (t = m; ; t = t->next) {
		n += t->data_len;
		if (t->next == NULL)
			break;
	}
	tcp_mq_link(q, m, t, n);
}

/* tcp_mq_drop but for all of a one-mbuf queue (one of them clamped
 * here still is: freed below) */
void
tcp_mq_drop_walk(struct tcp_mq *q, uint32_t bytes)
{
	struct rte_mbuf *h;

	if (bytes > q->len)
		bytes = q->len;
	q->len -= bytes;
	/* The cursor stays only on an mbuf that starts past the cut: the
	 * one the cut falls in, and any empty one at it, may go. */
	if (q->cur != NULL && q->cur_off > bytes)
		q->cur_off -= bytes;
	else
		q->cur = NULL;
	while ((h = q->head) != NULL) {
		if (h->data_len > bytes) {
			h->data_off = (uint16_t)(h->data_off + bytes);
			h->data_len = (uint16_t)(h->data_len - bytes);
			break;
		}
		bytes -= h->data_len;
		q->head = h->next;
		if (q->head == NULL)
			q->tail = NULL;
		tcp_mq_free_seg(h);
		if (bytes == 0 && q->head != NULL && q->head->data_len > 0)
			break;
	}
}

void
tcp_mq_free(struct tcp_mq *q)
{
	struct rte_mbuf *h, *n;

	for (h = q->head; h != NULL; h = n) {
		n = h->next;
		tcp_mq_free_seg(h);
	}
	q->head = q->tail = q->cur = NULL;
	q->len = 0;
}

/* tcp_mq_copy over more than the first mbuf */
uint32_t
tcp_mq_copy_walk(struct tcp_mq *q, uint32_t off, void *dst, uint32_t len)
{
	const struct rte_mbuf *m;
	uint8_t *d = dst;
	uint32_t done = 0, n;

	for (m = tcp_mq_seek(q, &off); m != NULL && done < len; m = m->next) {
		if (off >= m->data_len) {	/* an empty one */
			off -= m->data_len;
			continue;
		}
		n = m->data_len - off;
		if (n > len - done)
			n = len - done;
		memcpy(d + done, rte_pktmbuf_mtod_offset(m, const uint8_t *, off),
		       n);
		done += n;
		off = 0;
	}
	return done;
}

struct rte_mbuf *
tcp_mbuf_slice_walk(struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	struct rte_mbuf *h = m, *t, *n;
	uint16_t segs = 0;

	while (h != NULL && off >= h->data_len) {
		off -= h->data_len;
		n = h->next;
		tcp_mq_free_seg(h);
		h = n;
	}
	if (h == NULL || len == 0) {
		for (; h != NULL; h = n) {
			n = h->next;
			tcp_mq_free_seg(h);
		}
		return NULL;
	}
	h->data_off = (uint16_t)(h->data_off + off);
	h->data_len = (uint16_t)(h->data_len - off);
	h->pkt_len = len;
	for (t = h; ; t = t->next) {
		segs++;
		if (t->data_len >= len) {
			t->data_len = (uint16_t)len;
			break;
		}
		len -= t->data_len;
		if (t->next == NULL)
			break;
	}
	for (n = t->next; n != NULL; ) {
		struct rte_mbuf *x = n->next;

		tcp_mq_free_seg(n);
		n = x;
	}
	t->next = NULL;
	h->nb_segs = segs;
	return h;
}
