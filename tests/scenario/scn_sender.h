/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_TEST_SCN_SENDER_H
#define PN_TEST_SCN_SENDER_H

/*
 * The sender's side of a scenario, for the loss recovery tests
 * (test_recovery.c, test_prr.c): a passive open with SACK, timestamps
 * and window scaling (the peer's window is 65535 << 7), Nagle off, CUBIC;
 * segment k of our stream is sg(k).
 */
#include "scn.h"

#define M 1448u /* MSS 1460 less the timestamps */

/* Segment k of our stream (k * M after the SYN). */
static inline uint32_t
sg(int k)
{
	return ISN + 1 + (uint32_t)k * M;
}

/* SACK, timestamps, window scaling; Nagle off. cwnd init_cwnd x 1460. */
static inline void
est_sack(void)
{
	scn_start();
	scn_passive(1000, 1);
	pn_tcp_setopt(W->c, PN_TCP_OPT_NODELAY, 1);
}

static inline void
send_segs(int from, int to)
{
	int k;

	for (k = from; k < to; k++)
		OUT(A, .seq = sg(k), .len = M);
}

#endif /* PN_TEST_SCN_SENDER_H */
