/* SPDX-License-Identifier: BSD-3-Clause */
/* NewReno: RFC 5681 growth, RFC 6582 recovery (driven by tcp_input.c). */
#include "tcp_cc.h"
#include "tcp_priv.h"

static void
newreno_init(struct pn_tcp_conn *c)
{
	c->bytes_acked_ca = 0;
}

static void
newreno_cong_avoid(struct pn_tcp_conn *c, uint32_t acked)
{
	tcp_cc_reno_grow(c, acked);
}

static uint32_t
newreno_ssthresh(struct pn_tcp_conn *c)
{
	/* RFC 5681 (4): max(FlightSize / 2, 2 * SMSS). */
	uint32_t flight = c->snd_max - c->snd_una;
	uint32_t half = flight / 2;

	return half > 2u * c->mss ? half : 2u * c->mss;
}

static void
newreno_noop(struct pn_tcp_conn *c)
{
	c->bytes_acked_ca = 0;
}

const struct tcp_cc_ops tcp_cc_newreno = {
	.name = "newreno",
	.init = newreno_init,
	.cong_avoid = newreno_cong_avoid,
	.ssthresh = newreno_ssthresh,
	.recovered = newreno_noop,
	.on_rto = newreno_noop,
};
