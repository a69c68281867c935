/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Byte queues in mbufs (lib/tcp/tcp_mq.c): the seek cursor against a
 * plain array of the same bytes, through every way a queue changes:
 * appends (one mbuf, a chain, bytes written into the tail), copies at
 * any offset (ascending, as a sender's segments, and at random), drops
 * from the front (part of an mbuf, whole ones, all), empty mbufs
 * anywhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rte_mbuf.h>

#include "tcp_priv.h"
#include "test_eal.h"

#define MAXQ (1u << 20)

static struct tcp_mq q;
static uint64_t base, end; /* the model: bytes [base, end) queued */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n == 0 ? 0 : (uint32_t)(rng % n);
}

static uint8_t
byte_at(uint64_t a)
{
	return (uint8_t)(a * 7 + (a >> 8) + 3);
}

static struct rte_mbuf *
seg(uint32_t len)
{
	uint8_t b[2000];
	uint32_t i;

	assert_true(len <= sizeof(b));
	for (i = 0; i < len; i++)
		b[i] = byte_at(end + i);
	end += len;
	return pn_test_mbuf(b, (uint16_t)len);
}

/* The mbuf holding byte @p off and the offset in it, walked from the
 * head: what tcp_mq_seek must agree with. */
static const struct rte_mbuf *
naive_seek(uint32_t *off)
{
	const struct rte_mbuf *m = q.head;

	while (m != NULL && *off >= m->data_len) {
		*off -= m->data_len;
		m = m->next;
	}
	return m;
}

static void
check_copy(uint32_t off, uint32_t len)
{
	static uint8_t got[MAXQ];
	uint32_t want = off >= q.len ? 0 : RTE_MIN(len, q.len - off), n, i;

	n = tcp_mq_copy(&q, off, got, len);
	assert_int_equal(n, want);
	for (i = 0; i < n; i++)
		if (got[i] != byte_at(base + off + i))
			fail_msg("offset %u + %u: %u, want %u", off, i, got[i],
				 byte_at(base + off + i));
}

static void
check_seek(uint32_t off)
{
	uint32_t a = off, b = off;
	const struct rte_mbuf *want = naive_seek(&a);
	const struct rte_mbuf *m = tcp_mq_seek(&q, &b);

	assert_ptr_equal(m, want);
	if (m != NULL)
		assert_int_equal(b, a);
}

static void
append_some(void)
{
	struct rte_mbuf *m, *t;
	uint32_t k, n;

	switch (rnd(4)) {
	case 0: /* one mbuf, maybe empty */
		tcp_mq_append(&q, seg(rnd(4) == 0 ? 0 : 1 + rnd(1500)));
		break;
	case 1: /* a chain, an empty mbuf inside now and then */
		m = t = seg(1 + rnd(1500));
		for (k = 1 + rnd(4); k > 0; k--) {
			t->next = seg(rnd(3) == 0 ? 0 : 1 + rnd(1500));
			t = t->next;
			m->nb_segs++;
		}
		tcp_mq_append(&q, m);
		break;
	default: /* written into the tail, as pn_tcp_send does */
		t = q.tail;
		if (t == NULL || rte_pktmbuf_tailroom(t) == 0) {
			tcp_mq_append(&q, seg(1 + rnd(1500)));
			break;
		}
		n = RTE_MIN(rte_pktmbuf_tailroom(t), 1 + rnd(600));
		for (k = 0; k < n; k++)
			rte_pktmbuf_mtod(t, uint8_t *)[t->data_len + k] =
				byte_at(end + k);
		t->data_len = (uint16_t)(t->data_len + n);
		t->pkt_len = t->data_len;
		end += n;
		q.len += n;
		break;
	}
	assert_int_equal(q.len, end - base);
}

static void
drop_some(void)
{
	uint32_t n = q.len == 0 ? 0 : rnd(8) == 0 ? q.len : rnd(q.len / 4 + 1);

	tcp_mq_drop(&q, n);
	base += n;
	assert_int_equal(q.len, end - base);
}

static void
cursor_follows_every_change(void **state)
{
	uint32_t round, i, off;

	(void)state;
	for (round = 0; round < 3000; round++) {
		while (q.len < 64 * 1024)
			append_some();
		/* a sender: segments at rising offsets, its window's worth */
		off = rnd(q.len / 2 + 1);
		for (i = 0; i < 40 && off < q.len; i++) {
			uint32_t len = 1 + rnd(3000);

			check_copy(off, len);
			off += len;
		}
		/* and anywhere: behind the cursor, past the end */
		for (i = 0; i < 8; i++) {
			off = rnd(q.len + 100);
			check_seek(off);
			check_copy(off, 1 + rnd(5000));
		}
		if (rnd(3) == 0)
			append_some();
		drop_some();
		check_seek(rnd(q.len + 1));
	}
	tcp_mq_free(&q);
	assert_null(q.cur);
	assert_int_equal(q.len, 0);
}

/* A queue of one mbuf dropped whole takes the inline path; the cursor
 * on that mbuf must go with it. */
static void
one_mbuf_drop_clears_cursor(void **state)
{
	uint32_t off = 10;

	(void)state;
	base = end = 0;
	tcp_mq_append(&q, seg(100));
	assert_non_null(tcp_mq_seek(&q, &off));
	assert_non_null(q.cur);
	tcp_mq_drop(&q, 100);
	base = 100;
	assert_null(q.cur);
	tcp_mq_append(&q, seg(50));
	check_copy(10, 40);
	tcp_mq_free(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cursor_follows_every_change),
		cmocka_unit_test(one_mbuf_drop_clears_cursor),
	};

	pn_test_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
