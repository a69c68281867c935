/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Urgent data (RFC 9293 3.8.5) as Linux does it, which is what
 * applications rely on: the urgent pointer points after the urgent data
 * (RFC 9293 3.8.5 / MUST-62; Linux without tcp_stdurg), one urgent byte -
 * the last - is kept out of the stream unless SO_OOBINLINE and read with
 * MSG_OOB, and reads stop at the mark (net/ipv4/tcp_input.c tcp_urg,
 * net/ipv4/tcp.c tcp_recvmsg / tcp_recv_urg, tcp_output.c
 * __tcp_transmit_skb).
 */
#include <rte_mbuf.h>

#include "tcp_priv.h"

/* The sequence number of the next byte the application reads. */
static uint32_t
copied_seq(const struct pn_tcp_conn *c)
{
	return c->rcv_nxt - c->rcvq.len - ((c->flags & TF_RCVD_FIN) ? 1 : 0);
}

/* Linux tcp_check_urg: a new urgent pointer. */
static void
urg_check(struct pn_tcp_conn *c, const struct tcp_seg *s)
{
	/* SEG.SEQ as sent: the trim to the window moved h.seq and off */
	uint32_t seq = s->h.seq - (uint32_t)(s->off - s->h.hdr_len);
	uint32_t ptr = seq + s->h.urp - (s->h.urp != 0);
	uint32_t cseq = copied_seq(c);

	/* seen and read, or already received: not replayed */
	if (pn_seq_gt(cseq, ptr) || pn_seq_lt(ptr, c->rcv_nxt))
		return;
	/* a newer (or the same) pointer is known */
	if (c->urg_data != 0 && !pn_seq_gt(ptr, c->urg_seq))
		return;
	/* The unread out-of-band byte at the read position gives way to the
	 * new one (one byte of out-of-band data, as Linux). */
	if (c->urg_data != 0 && c->urg_seq == cseq && !c->oobinline &&
	    cseq != c->rcv_nxt && c->rcvq.len > 0)
		tcp_mq_drop(&c->rcvq, 1);
	c->urg_data = TCP_URG_NOTYET;
	c->urg_seq = ptr;
}

bool
tcp_urg_input(struct pn_tcp_conn *c, const struct tcp_seg *s)
{
	uint8_t b;
	const uint8_t *p;

	if (s->h.flags & PN_TCP_URG)
		urg_check(c, s);
	/* MUST-31: the pointer may be far ahead; the byte is taken from the
	 * segment that carries it, in order or not. */
	if (c->urg_data != TCP_URG_NOTYET || s->m == NULL ||
	    !pn_seq_in(c->urg_seq, s->h.seq, s->h.seq + s->len))
		return false;
	p = rte_pktmbuf_read(s->m, s->off + (c->urg_seq - s->h.seq), 1, &b);
	if (p == NULL)
		return false;
	c->urg_data = TCP_URG_VALID | *p;
	return true;
}

void
tcp_urg_output(struct pn_tcp_conn *c, uint32_t seq, struct pn_tcp_hdr *h)
{
	if (!tcp_urg_mode(c)) {
		c->snd_urg = false; /* SND.UP ACKed: urgent mode is over */
		return;
	}
	if (!pn_seq_lt(seq, c->snd_up))
		return;
	/* Linux __tcp_transmit_skb: a pointer beyond 16 bits says 0xFFFF */
	if (pn_seq_lt(c->snd_up, seq + 0x10000)) {
		h->urp = (uint16_t)(c->snd_up - seq);
		h->flags |= PN_TCP_URG;
	} else if (pn_seq_gt(seq + 0xFFFF, c->snd_nxt)) {
		h->urp = 0xFFFF;
		h->flags |= PN_TCP_URG;
	}
}

uint32_t
tcp_urg_readable_mark(const struct pn_tcp_conn *c, bool *skip)
{
	uint32_t len = c->rcvq.len, off;

	*skip = false;
	off = c->urg_seq - copied_seq(c);
	if (off >= len)
		return len;
	if (off > 0)
		return off; /* a read stops at the mark */
	if (c->oobinline)
		return len;
	*skip = true;
	return len - 1;
}

void
tcp_urg_consumed_mark(struct pn_tcp_conn *c)
{
	if (pn_seq_gt(copied_seq(c), c->urg_seq))
		c->urg_data = 0;
}

uint32_t
tcp_urg_inq(const struct pn_tcp_conn *c)
{
	uint32_t cseq = copied_seq(c);

	if (c->oobinline || c->urg_data == 0 || pn_seq_lt(c->urg_seq, cseq) ||
	    !pn_seq_lt(c->urg_seq, c->rcv_nxt))
		return c->rcvq.len;
	return c->urg_seq - cseq;
}

int
pn_tcp_atmark(const struct pn_tcp_conn *c)
{
	return c->urg_data != 0 && c->urg_seq == copied_seq(c);
}
