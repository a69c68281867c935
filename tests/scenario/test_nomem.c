/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a TCB allocates on demand, and what it does without memory. The
 * SACK scoreboard (tcp_priv.h struct tcp_scoreboard): never for a
 * connection that sees no SACK block; without memory the sender goes on
 * as if no block had come (RFC 2018 8: SACK information is advisory).
 * CUBIC's state (cc_cubic.c): from the first loss; without memory the
 * window falls by beta and grows as Reno. Allocation failure is injected
 * by wrapping calloc (-Wl,--wrap=calloc, meson.build).
 */
#include <stdlib.h>

#include "scn.h"
#include "tcp_cc.h"
#include "tcp_priv.h"

void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);

static bool fail_scb;         /* fail the scoreboard's allocation */
static bool fail_all;         /* fail every calloc(1, n) */

void *
__wrap_calloc(size_t n, size_t size)
{
	if (fail_scb && n == 1 && size == sizeof(struct tcp_scoreboard))
		return NULL;
	if (fail_all && n == 1)
		return NULL;
	return __real_calloc(n, size);
}

#define M 1448u

static void
est_sack_6_out(void)
{
	int i;

	scn_start();
	scn_passive(1000, 1);
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
	scn_send(6 * M);
	for (i = 0; i < 6; i++)
		OUT(A, .len = M);
}

static void
no_scoreboard_without_sack_blocks(void **state)
{
	(void)state;
	scn_start();
	scn_passive(1000, 1);
	scn_send(100);
	OUT(PA, .len = 100);
	IN(A, .ack = ISN + 101, .tsval = 1002);
	assert_null(W->c->scb);
	/* the first SACK block brings it */
	scn_send(3 * M);
	OUT(A, .len = M);
	OUT(A, .len = M);
	OUT(PA, .len = M);
	IN(A, .ack = ISN + 101, .tsval = 1002, .nsack = 1,
	   .sack = { { ISN + 101 + M, ISN + 101 + 2 * M } });
	assert_non_null(W->c->scb);
	assert_int_equal(W->c->nsb, 1);
	assert_int_equal(scn_stat("TCPSackNoMem"), 0);
}

/* Without memory, the SACK block that would start recovery at once
 * (test_sack.c sack_triggers_early_recovery) is ignored: recovery waits
 * for DupThresh duplicate ACKs (RFC 5681 3.2), as without SACK. */
static void
no_memory_acts_as_no_sack(void **state)
{
	struct pn_tcp_info i;
	int k;

	(void)state;
	est_sack_6_out();
	fail_scb = true;
	for (k = 0; k < 2; k++) {
		IN(A, .ack = ISN + 1, .tsval = 1002, .nsack = 1,
		   .sack = { { ISN + 1 + M, ISN + 1 + 5 * M } });
		NONE();
	}
	assert_null(W->c->scb);
	assert_true(scn_stat("TCPSackNoMem") >= 2);
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.sacked, 0);
	/* the third duplicate: fast retransmit; no undo ring either */
	IN(A, .ack = ISN + 1, .tsval = 1002, .nsack = 1,
	   .sack = { { ISN + 1 + M, ISN + 1 + 5 * M } });
	OUT(A, .seq = ISN + 1, .len = M);
	assert_int_equal(scn_stat("TCPFastRetrans"), 1);
	assert_false(W->c->undo_ok);
	assert_null(W->c->scb);
	/* memory back: the next block is kept, everything completes */
	fail_scb = false;
	IN(A, .ack = ISN + 1 + M, .tsval = 1003, .nsack = 1,
	   .sack = { { ISN + 1 + 2 * M, ISN + 1 + 5 * M } });
	assert_non_null(W->c->scb);
	IN(A, .ack = ISN + 1 + 6 * M, .tsval = 1004);
	assert_int_equal(W->c->snd_una, W->c->snd_max);
	assert_int_equal(W->c->nsb, 0);
}

/* A loss without memory for CUBIC's state: ssthresh is beta * cwnd (no
 * W_max kept), congestion avoidance is Reno's one MSS per cwnd ACKed. */
static void
cubic_without_memory_falls_back_to_reno(void **state)
{
	struct pn_tcp_conn *c;
	uint32_t cwnd;

	(void)state;
	scn_start();
	scn_passive(1000, 1);
	c = W->c;
	assert_string_equal(c->cc->name, "cubic");
	assert_null(c->cc_state); /* no loss yet */
	cwnd = c->cwnd;
	fail_all = true;
	c->ssthresh = c->cc->ssthresh(c);
	fail_all = false;
	assert_null(c->cc_state);
	assert_int_equal(scn_stat("TCPCcNoMem"), 1);
	assert_int_equal(c->ssthresh, (uint32_t)(cwnd * 0.7) > 2u * c->mss ?
			 (uint32_t)(cwnd * 0.7) : 2u * c->mss);
	c->cwnd = c->ssthresh;
	c->bytes_acked_ca = 0;
	cwnd = c->cwnd;
	fail_all = true;
	c->cc->cong_avoid(c, cwnd);   /* one cwnd ACKed: + 1 MSS */
	fail_all = false;
	assert_int_equal(c->cwnd, cwnd + c->mss);
	assert_null(c->cc_state);
	/* memory back: the next loss allocates it */
	c->cc->ssthresh(c);
	assert_non_null(c->cc_state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(no_scoreboard_without_sack_blocks),
		SCN(no_memory_acts_as_no_sack),
		SCN(cubic_without_memory_falls_back_to_reno),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
