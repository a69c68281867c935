/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SYN cookies (RFC 4987 3.6), used when a listener's SYN backlog is full:
 * the SYN-ACK's ISN encodes everything needed to rebuild the connection
 * from the ACK, so nothing is kept:
 *   bits 31..27  t: a 64-second counter, mod 32
 *   bits 26..24  index of the MSS in a table
 *   bits 23..0   keyed hash of the 4-tuple, t and the peer's ISN
 * Window scaling, SACK and timestamps are not encoded: a connection born
 * from a cookie runs without them.
 */
#include "tcp_priv.h"

static const uint16_t cookie_mss[8] = {
	536, 1200, 1300, 1360, 1440, 1452, 1460, 8960,
};

static uint32_t
cookie_t(const struct pn_tcp *tcp)
{
	return (uint32_t)(tcp->lc->now / (64 * PN_NS_PER_S));
}

static uint32_t
cookie_hash(struct pn_tcp *tcp, const struct tcp_key *k, uint32_t peer_isn,
	    uint32_t t)
{
	return tcp_hash32(tcp, k, peer_isn ^ (t * 0x9e3779b1u) ^ 0xc00c1e) &
	       0xffffff;
}

uint32_t
tcp_cookie_make(struct pn_tcp *tcp, const struct tcp_key *k, uint32_t peer_isn,
		uint16_t mss, uint16_t *mss_out)
{
	uint32_t t = cookie_t(tcp), i = 0, j;

	if (mss > tcp->conf.mss)
		mss = tcp->conf.mss;
	for (j = 0; j < 8; j++)
		if (cookie_mss[j] <= mss)
			i = j;
	*mss_out = cookie_mss[i];
	return (t & 31) << 27 | i << 24 | cookie_hash(tcp, k, peer_isn, t);
}

/* tcp_cookie_check accepts a cookie of the current period or one of the
 * two before it. */
#define COOKIE_MAX_AGE 2

void
tcp_cookie_sent(struct pn_tcp_listen *l)
{
	l->cookie_t = cookie_t(l->tcp);
	l->cookie_sent = true;
}

bool
tcp_cookie_recent(const struct pn_tcp_listen *l)
{
	return l->cookie_sent && cookie_t(l->tcp) - l->cookie_t <= COOKIE_MAX_AGE;
}

uint16_t
tcp_cookie_check(struct pn_tcp *tcp, const struct tcp_key *k,
		 uint32_t peer_isn, uint32_t cookie)
{
	uint32_t now = cookie_t(tcp), t, age;

	/* Accept cookies up to 2 periods (64..128 s) old. */
	age = (now - (cookie >> 27)) & 31;
	if (age > COOKIE_MAX_AGE)
		return 0;
	t = now - age;
	if ((cookie & 0xffffff) != cookie_hash(tcp, k, peer_isn, t))
		return 0;
	return cookie_mss[(cookie >> 24) & 7];
}
