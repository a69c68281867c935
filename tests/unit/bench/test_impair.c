/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pollnet-bench's impairment: the option parser, the seeded decisions
 * (counts over many frames, reproducibility) and the hold FIFOs on a
 * manual clock with a fake device: delay, jitter without reordering,
 * reorder by depth and by time, the FIFO limit, and the sleep decision
 * (-EBUSY while anything is held, 0 when empty).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <rte_mbuf.h>

#include "../../../app/pollnet-bench/impair.h"
#include "lcore.h"
#include "test_eal.h"

static struct bench_impair_conf C[PN_MAX_PORTS];

static int
parse(const char *spec, char *err)
{
	memset(C, 0, sizeof(C));
	return bench_impair_parse(C, spec, err, 256);
}

static void
test_parse_ok(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(parse("1:loss=0.1,dup=2,corrupt=100,reorder=0,"
			       "reorder-depth=5,reorder-max-us=7,delay-us=100,"
			       "jitter-us=100,limit=8", err), 0);
	assert_false(C[0].set);
	assert_true(C[1].set);
	assert_true(fabs(C[1].loss - 0.1) < 1e-12);
	assert_int_equal(C[1].loss_th, 4294967); /* 0.1% of 2^32 */
	assert_int_equal(C[1].corrupt_th, 1ull << 32);
	assert_int_equal(C[1].reorder_th, 0);
	assert_int_equal(C[1].reorder_depth, 5);
	assert_int_equal(C[1].reorder_max_us, 7);
	assert_int_equal(C[1].delay_us, 100);
	assert_int_equal(C[1].jitter_us, 100);
	assert_int_equal(C[1].limit, 8);
	/* Defaults. */
	assert_int_equal(parse("0:loss=1", err), 0);
	assert_int_equal(C[0].reorder_depth, IMPAIR_DEPTH_DEF);
	assert_int_equal(C[0].limit, IMPAIR_LIMIT_DEF);
	assert_int_equal(C[0].delay_us, 0);
}

static void
expect_bad(const char *spec, const char *want)
{
	char err[256] = "";

	assert_int_equal(parse(spec, err), -EINVAL);
	if (strstr(err, want) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", spec, err, want);
}

static void
test_parse_bad(void **state)
{
	char err[256];

	(void)state;
	expect_bad("0:loss=100.5", "loss=100.5: must be a percentage in 0..100");
	expect_bad("0:loss=-1", "loss=-1: must be a percentage");
	expect_bad("0:loss=1e2", "loss=1e2: must be a percentage");
	expect_bad("0:loss=inf", "loss=inf: must be a percentage");
	expect_bad("0:dup=1.2.3", "dup=1.2.3: must be a percentage");
	expect_bad("0:reorder-depth=0", "reorder-depth=0: must be an integer in 1..1024");
	expect_bad("0:delay-us=1000001", "delay-us=1000001: must be an integer in 0..1000000");
	expect_bad("0:limit=0", "limit=0: must be an integer in 1..65536");
	expect_bad("0:delay-us=5,jitter-us=6", "jitter-us=6: must be in 0..delay-us (5)");
	expect_bad("0:nope=1", "unknown key 'nope'");
	expect_bad("0:loss", "'loss' is not KEY=VALUE");
	expect_bad("8:loss=1", "port '8' must be an integer in 0..7");
	expect_bad("loss=1", "expected PORT:KEY=VALUE");
	expect_bad("0:", "expected PORT:KEY=VALUE");
	/* One --impair per port. */
	memset(C, 0, sizeof(C));
	assert_int_equal(bench_impair_parse(C, "0:loss=1", err, sizeof(err)), 0);
	assert_int_equal(bench_impair_parse(C, "0:dup=1", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "port 0 is already impaired"));
}

/* Frames of 64 bytes through impair_decide, counted. */
struct tally {
	unsigned int lose, corrupt, dup, reorder, bad_bit;
};

static void
run(const char *spec, uint64_t seed, unsigned int n, struct tally *t,
    uint64_t *hash)
{
	struct impair_rng r;
	struct impair_verdict v;
	char err[256];
	unsigned int i;

	assert_int_equal(parse(spec, err), 0);
	impair_rng_seed(&r, seed, 0, 0);
	memset(t, 0, sizeof(*t));
	*hash = 0;
	for (i = 0; i < n; i++) {
		impair_decide(&C[0], &r, 64, &v);
		t->lose += v.lose;
		t->corrupt += v.corrupt;
		t->dup += v.dup;
		t->reorder += v.reorder;
		t->bad_bit += v.corrupt && (v.bit < 14 * 8 || v.bit >= 64 * 8);
		*hash = *hash * 31 + (v.lose | v.corrupt << 1 | v.dup << 2 |
				      v.reorder << 3) + v.bit;
	}
}

/* Within 5 standard deviations of n * p. */
static void
assert_binomial(unsigned int k, unsigned int n, double p)
{
	double sd = sqrt(n * p * (1 - p));

	if (fabs(k - n * p) > 5 * sd)
		fail_msg("%u of %u: not %.1f%% +- 5 sigma (%.0f)", k, n, 100 * p, 5 * sd);
}

static void
test_decide_counts(void **state)
{
	struct tally t;
	uint64_t h;

	(void)state;
	run("0:loss=5", 1, 100000, &t, &h);
	assert_binomial(t.lose, 100000, 0.05);
	assert_int_equal(t.dup + t.corrupt + t.reorder, 0);
	run("0:dup=10,corrupt=1,reorder=0.1", 1, 100000, &t, &h);
	assert_int_equal(t.lose, 0);
	assert_binomial(t.dup, 100000, 0.10);
	assert_binomial(t.corrupt, 100000, 0.01);
	assert_binomial(t.reorder, 100000, 0.001);
	assert_int_equal(t.bad_bit, 0); /* past the Ethernet header, inside */
	run("0:loss=0,dup=100", 1, 1000, &t, &h);
	assert_int_equal(t.lose, 0);
	assert_int_equal(t.dup, 1000);
	run("0:loss=100,dup=100", 1, 1000, &t, &h);
	assert_int_equal(t.lose, 1000);
	assert_int_equal(t.dup, 0); /* a lost frame draws nothing more */
}

static void
test_decide_reproducible(void **state)
{
	struct tally a, b;
	uint64_t ha, hb;

	(void)state;
	run("0:loss=5,dup=3,corrupt=2,reorder=1", 7, 50000, &a, &ha);
	run("0:loss=5,dup=3,corrupt=2,reorder=1", 7, 50000, &b, &hb);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_true(ha == hb);
	run("0:loss=5,dup=3,corrupt=2,reorder=1", 8, 50000, &b, &hb);
	assert_true(ha != hb);
}

static void
test_streams_differ(void **state)
{
	struct impair_rng a, b, c;

	(void)state;
	impair_rng_seed(&a, 1, 0, 0);
	impair_rng_seed(&b, 1, 1, 0);
	impair_rng_seed(&c, 1, 0, 1);
	assert_true(a.s != b.s && a.s != c.s && b.s != c.s);
}

/* --- the hold FIFOs on a manual clock --- */

static struct {
	struct pn_clock clock;
	struct pn_shards shards;
	struct pn_lcore lc;
	struct bench_impair *im;
	uint32_t sent[4096];  /* sequence numbers in device order */
	unsigned int nsent;
} *W;

static uint16_t
fake_tx_burst(struct pn_lcore *lc, uint16_t port, uint16_t queue,
	      struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	(void)lc;
	(void)port;
	(void)queue;
	for (i = 0; i < n; i++) {
		uint32_t seq;

		memcpy(&seq, rte_pktmbuf_mtod_offset(pkts[i], void *, 20), 4);
		if (W->nsent < RTE_DIM(W->sent))
			W->sent[W->nsent++] = seq;
	}
	rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

static int
fake_wait(struct pn_lcore *lc, uint64_t timeout_ns)
{
	(void)lc;
	(void)timeout_ns;
	return 0;
}

static void
world(const char *spec)
{
	struct pn_napi_conf nc;
	char err[256];

	assert_int_equal(parse(spec, err), 0);
	W = calloc(1, sizeof(*W));
	assert_non_null(W);
	pn_clock_init_manual(&W->clock, 1000 * PN_NS_PER_MS);
	pn_napi_conf_default(&nc);
	assert_int_equal(pn_lcore_init(&W->lc, &W->shards, 0, &nc, &W->clock, 0), 0);
	W->lc.ops.tx_burst = fake_tx_burst;
	W->lc.ops.wait = fake_wait;
	assert_int_equal(pn_lcore_add_txq(&W->lc, 0, 0), 0);
	assert_int_equal(bench_impair_create(C, 1, 0, pn_test_pool(), 0, &W->im), 0);
	assert_int_equal(bench_impair_attach(W->im, &W->lc), 0);
}

static void
world_end(void)
{
	bench_impair_flush(W->im, &W->lc);
	pn_lcore_fini(&W->lc);
	bench_impair_free(W->im);
	free(W);
	W = NULL;
}

/* Frame @p seq (a 64-byte frame with seq at byte 20) into the impairment. */
static void
send(uint32_t seq)
{
	uint8_t f[64] = { 0 };
	struct rte_mbuf *m;

	memcpy(f + 20, &seq, 4);
	m = pn_test_mbuf(f, sizeof(f));
	assert_non_null(m);
	W->lc.now = pn_clock_now(&W->clock);
	bench_impair_tx(W->im, &W->lc, 0, pn_lcore_txq(&W->lc, 0, 0), m);
}

static void
advance_us(uint64_t us)
{
	pn_clock_advance(&W->clock, us * PN_NS_PER_US);
	pn_lcore_round(&W->lc);
}

static void
test_delay_and_sleep(void **state)
{
	unsigned int i;

	(void)state;
	world("0:delay-us=500,jitter-us=200,limit=64");
	for (i = 0; i < 50; i++)
		send(i);
	pn_lcore_round(&W->lc);
	assert_int_equal(W->nsent, 0);
	assert_int_equal(bench_impair_held(W->im, 0), 50);
	/* Held frames: the NAPI instance refuses to sleep, the timer is set. */
	assert_int_equal(W->im->napi.ops->irq_enable(&W->lc, &W->im->napi), -EBUSY);
	assert_true(pn_timer_pending(&W->im->timer));
	assert_true(pn_timer_wheel_next(&W->lc.timers) <=
		    pn_clock_now(&W->clock) + 700 * PN_NS_PER_US);
	advance_us(299);
	assert_int_equal(W->nsent, 0); /* nothing before delay - jitter */
	for (i = 0; i < 10; i++)
		advance_us(50);
	assert_int_equal(W->nsent, 50); /* everything by delay + jitter */
	for (i = 0; i < 50; i++)
		assert_int_equal(W->sent[i], i); /* jitter never reorders */
	assert_int_equal(W->im->napi.ops->irq_enable(&W->lc, &W->im->napi), 0);
	assert_int_equal(W->im->port[0].st.delayed, 50);
	assert_int_equal(W->im->port[0].st.passed, 50);
	/* The limit: the 65th held frame is dropped and counted. */
	for (i = 0; i < 65; i++)
		send(100 + i);
	assert_int_equal(W->im->port[0].st.held_dropped, 1);
	assert_int_equal(W->lc.stat.drop[PN_DROP_ENGINE], 1);
	world_end();
}

static void
test_reorder(void **state)
{
	unsigned int i;

	(void)state;
	world("0:reorder=100,reorder-depth=2,reorder-max-us=300");
	/* Every frame held: each waits for two later ones, which are held too. */
	send(0);
	send(1);
	pn_lcore_round(&W->lc);
	assert_int_equal(W->nsent, 0);
	advance_us(301); /* by time, in order: nothing stays stuck */
	assert_int_equal(W->nsent, 2);
	assert_int_equal(W->sent[0], 0);
	assert_int_equal(W->sent[1], 1);
	world_end();

	world("0:reorder=10,reorder-depth=2");
	for (i = 0; i < 1000; i++)
		send(i);
	pn_lcore_round(&W->lc);
	advance_us(1001);
	assert_int_equal(W->nsent, 1000);
	{
		unsigned int late = 0, st = W->im->port[0].st.reordered;

		for (i = 1; i < 1000; i++)
			late += W->sent[i] < W->sent[i - 1];
		/* A held frame goes after exactly two later ones (when those are not held). */
		assert_true(late > 0 && late <= st);
		assert_binomial(st, 1000, 0.10);
	}
	world_end();
}

static void
test_loss_dup_counters(void **state)
{
	const struct bench_impair_stats *s;
	unsigned int i;

	(void)state;
	world("0:loss=20,dup=10,corrupt=5");
	for (i = 0; i < 2000; i++)
		send(i);
	pn_lcore_round(&W->lc);
	s = &W->im->port[0].st;
	assert_int_equal(s->in, 2000);
	assert_int_equal(s->in + s->duplicated, s->passed + s->lost + s->held_dropped);
	assert_int_equal(W->nsent, s->passed);
	assert_binomial(s->lost, 2000, 0.2);
	world_end();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_decide_counts),
		cmocka_unit_test(test_decide_reproducible),
		cmocka_unit_test(test_streams_differ),
		cmocka_unit_test(test_delay_and_sleep),
		cmocka_unit_test(test_reorder),
		cmocka_unit_test(test_loss_dup_counters),
	};

	pn_test_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
