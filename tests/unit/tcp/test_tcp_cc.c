/* SPDX-License-Identifier: BSD-3-Clause */
/* Congestion control algorithms through the ops table (tcp_cc.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tcp_cc.h"
#include "tcp_priv.h"

static struct pn_lcore lc;
static struct pn_tcp tcp;
static struct pn_tcp_conn c;

static void
conn(const struct tcp_cc_ops *ops)
{
	free(c.cc_state); /* the previous test's (cubic allocates it) */
	memset(&lc, 0, sizeof(lc));
	memset(&tcp, 0, sizeof(tcp));
	memset(&c, 0, sizeof(c));
	tcp.lc = &lc;
	lc.now = PN_NS_PER_S;
	c.tcp = &tcp;
	c.cc = ops;
	c.mss = 1000;
	c.cwnd = 10000;
	c.ssthresh = UINT32_MAX / 2;
	c.srtt_us = 100000;
	ops->init(&c);
}

static int
free_state(void **state)
{
	(void)state;
	free(c.cc_state);
	c.cc_state = NULL;
	return 0;
}

static void
find_by_name(void **state)
{
	(void)state;
	assert_ptr_equal(tcp_cc_find("cubic"), &tcp_cc_cubic);
	assert_ptr_equal(tcp_cc_find("newreno"), &tcp_cc_newreno);
	assert_null(tcp_cc_find("vegas"));
}

static void
newreno_slow_start(void **state)
{
	(void)state;
	conn(&tcp_cc_newreno);
	c.cc->cong_avoid(&c, 1000);
	assert_int_equal(c.cwnd, 11000);
	c.cc->cong_avoid(&c, 5000); /* capped at 2 SMSS per ACK (RFC 3465) */
	assert_int_equal(c.cwnd, 13000);
}

static void
newreno_congestion_avoidance(void **state)
{
	int i;

	(void)state;
	conn(&tcp_cc_newreno);
	c.ssthresh = 5000;
	for (i = 0; i < 10; i++)
		c.cc->cong_avoid(&c, 1000);
	assert_int_equal(c.cwnd, 11000); /* one MSS per window */
}

static void
newreno_ssthresh_half_flight(void **state)
{
	(void)state;
	conn(&tcp_cc_newreno);
	c.snd_una = 0;
	c.snd_max = 10000;
	assert_int_equal(c.cc->ssthresh(&c), 5000);
	c.snd_max = 1000;
	assert_int_equal(c.cc->ssthresh(&c), 2000); /* at least 2 SMSS */
}

static void
cubic_beta(void **state)
{
	(void)state;
	conn(&tcp_cc_cubic);
	assert_int_equal(c.cc->ssthresh(&c), 7000);
}

static void
cubic_grows_back_to_wmax(void **state)
{
	int i;

	(void)state;
	conn(&tcp_cc_cubic);
	c.cwnd = 100000;
	c.ssthresh = c.cc->ssthresh(&c);
	c.cwnd = c.ssthresh;          /* 70 segments, W_max 100 */
	for (i = 0; i < 400; i++) {  /* 40 s of ACK clocking */
		lc.now += 100 * PN_NS_PER_MS;
		c.cc->cong_avoid(&c, c.cwnd);
	}
	assert_true(c.cwnd > 100000);
}

static void
cubic_concave_then_flat_near_wmax(void **state)
{
	uint32_t at_k;
	int i;

	(void)state;
	conn(&tcp_cc_cubic);
	c.cwnd = 100000;
	c.ssthresh = c.cc->ssthresh(&c);
	c.cwnd = c.ssthresh;
	/* K = cbrt(30 / 0.4) = 4.2 s */
	for (i = 0; i < 40; i++) {
		lc.now += 100 * PN_NS_PER_MS;
		c.cc->cong_avoid(&c, c.cwnd);
	}
	at_k = c.cwnd;
	assert_true(at_k > 90000 && at_k <= 102000);
}

/* Slow start needs no CUBIC state: a connection that never lost a
 * segment holds none (cc_state is allocated at the first loss). */
static void
cubic_no_state_before_loss(void **state)
{
	(void)state;
	conn(&tcp_cc_cubic);
	c.cc->cong_avoid(&c, 1000);
	assert_null(c.cc_state);
	c.cc->ssthresh(&c);
	assert_non_null(c.cc_state);
}

static void
cubic_slow_start_below_ssthresh(void **state)
{
	(void)state;
	conn(&tcp_cc_cubic);
	c.cc->cong_avoid(&c, 1000);
	assert_int_equal(c.cwnd, 11000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(find_by_name),
		cmocka_unit_test(newreno_slow_start),
		cmocka_unit_test(newreno_congestion_avoidance),
		cmocka_unit_test(newreno_ssthresh_half_flight),
		cmocka_unit_test(cubic_beta),
		cmocka_unit_test(cubic_grows_back_to_wmax),
		cmocka_unit_test(cubic_concave_then_flat_near_wmax),
		cmocka_unit_test(cubic_slow_start_below_ssthresh),
		cmocka_unit_test(cubic_no_state_before_loss),
	};

	return cmocka_run_group_tests(tests, NULL, free_state);
}
