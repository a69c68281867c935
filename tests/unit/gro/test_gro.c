/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/gro: every merge and flush rule of Linux inet_gro_receive /
 * tcp_gro_receive, the merged headers byte for byte against what
 * inet_gro_complete / tcp4_gro_complete hand up (built here by hand with
 * a reference checksum), the limits, the table, and GRO in the receive
 * path of lib/net (flushed at the end of the poll phase).
 */
#include "../net/net_test.h"
#include "gro.h"

#define SEQ0 1000000u
#define MSS 1448
#define ACK_F 0x10
#define PSH_F 0x08
#define FIN_F 0x01
#define SYN_F 0x02
#define RST_F 0x04
#define URG_F 0x20
#define ECE_F 0x40
#define CWR_F 0x80

struct seg {
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	uint16_t len;
	uint16_t id;
	uint8_t tos, ttl;
	bool df;
	bool ts;
	uint32_t tsval, tsecr;
	uint16_t sport, dport;
	uint16_t port;
	uint8_t ip_opts;	/* bytes of IPv4 options */
	uint16_t frag;		/* fragment field bits besides DF */
	uint16_t pad;		/* link padding */
	bool bad_ip, bad_tcp;
	bool ip_ck_ffff;	/* a header checksum of 0 written as 0xffff */
	uint16_t urp;		/* urgent pointer (without URG) */
	uint8_t mac_src_last;
};

static uint8_t
pat(uint32_t seq)
{
	return (uint8_t)(seq ^ (seq >> 8) ^ 0x5a);
}

/* Segment @p i of a stream of @p len-byte segments. */
static struct seg
sg(unsigned int i, uint16_t len)
{
	struct seg s = {
		.seq = SEQ0 + i * len, .ack = 777, .flags = ACK_F, .win = 502,
		.len = len, .id = (uint16_t)(100 + i), .ttl = 64, .df = true,
		.ts = true, .tsval = 5000, .tsecr = 4000, .sport = 40000,
		.dport = 5001, .mac_src_last = 1,
	};
	return s;
}

static uint16_t
tcp_ref_cksum(const uint8_t *ip, const uint8_t *tcp, uint32_t tl)
{
	uint8_t ph[12];

	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	pkt_put16(ph + 10, (uint16_t)tl);
	return (uint16_t)~pkt_ref_cksum_sum(pkt_ref_cksum_sum(0, ph, 12),
					     tcp, tl);
}

static uint32_t
frame(uint8_t *f, const struct seg *s)
{
	uint32_t thl = s->ts ? 32 : 20, ihl = 20 + s->ip_opts, i;
	uint8_t *ip = f + 14, *th = ip + ihl;
	uint32_t tl = thl + s->len;

	pkt_eth(f, 0, 0, 0x0800);
	f[11] = s->mac_src_last;
	memset(ip, 0, ihl);
	ip[0] = (uint8_t)(0x40 | ihl / 4);
	ip[1] = s->tos;
	pkt_put16(ip + 2, (uint16_t)(ihl + tl));
	pkt_put16(ip + 4, s->id);
	pkt_put16(ip + 6, (uint16_t)((s->df ? 0x4000 : 0) | s->frag));
	ip[8] = s->ttl;
	ip[9] = 6;
	pkt_put32(ip + 12, IP_PEER);
	pkt_put32(ip + 16, IP_US);
	if (s->ip_opts)
		memset(ip + 20, 1, s->ip_opts); /* NOPs */
	pkt_ipv4_fix_cksum(ip);
	if (s->ip_ck_ffff && ip[10] == 0 && ip[11] == 0)
		ip[10] = ip[11] = 0xff;
	if (s->bad_ip)
		ip[10] ^= 0x11;
	memset(th, 0, thl);
	pkt_put16(th, s->sport);
	pkt_put16(th + 2, s->dport);
	pkt_put32(th + 4, s->seq);
	pkt_put32(th + 8, s->ack);
	th[12] = (uint8_t)(thl / 4 << 4);
	th[13] = s->flags;
	pkt_put16(th + 14, s->win);
	pkt_put16(th + 18, s->urp);
	if (s->ts) {
		th[20] = 1;
		th[21] = 1;
		th[22] = 8;
		th[23] = 10;
		pkt_put32(th + 24, s->tsval);
		pkt_put32(th + 28, s->tsecr);
	}
	for (i = 0; i < s->len; i++)
		th[thl + i] = pat(s->seq + i);
	pkt_put16(th + 16, tcp_ref_cksum(ip, th, tl));
	if (s->bad_tcp)
		th[16] ^= 0x22;
	memset(th + tl, 0, s->pad);
	return 14 + ihl + tl + s->pad;
}

static struct rte_mbuf *
mk(const struct seg *s)
{
	uint8_t f[PKT_MAX];
	struct rte_mbuf *m = pn_test_mbuf(f, (uint16_t)frame(f, s));

	m->port = s->port;
	return m;
}

/* The test's table and what it handed up. */
static struct pn_gro G;
static struct rte_mbuf *up[512];
static unsigned int nup;

static int
g_setup(void **state)
{
	struct pn_gro_conf c;

	(void)state;
	pn_test_eal_init();
	pn_gro_conf_default(&c);
	pn_gro_init(&G, &c);
	nup = 0;
	return 0;
}

static void
up_free(void)
{
	unsigned int i;

	for (i = 0; i < nup; i++)
		rte_pktmbuf_free(up[i]);
	nup = 0;
}

static int
g_teardown(void **state)
{
	(void)state;
	nup += pn_gro_flush(&G, up + nup, PN_GRO_MAX_FLOWS);
	up_free();
	return 0;
}

#define GRO_TEST(f) cmocka_unit_test_setup_teardown(f, g_setup, g_teardown)

/* Offer one segment; @return how many packets it sent up. */
static unsigned int
rx(const struct seg *s)
{
	struct rte_mbuf *m = mk(s);
	unsigned int k = pn_gro_receive(&G, &m, 1, up + nup);

	nup += k;
	return k;
}

static unsigned int
flush(void)
{
	unsigned int k = pn_gro_flush(&G, up + nup, PN_GRO_MAX_FLOWS);

	nup += k;
	return k;
}

/* The packet Linux hands up for segments @p s[0..n) merged. */
static uint32_t
expect_merged(uint8_t *f, const struct seg *s, unsigned int n)
{
	uint32_t thl = s[0].ts ? 32 : 20, len = 0, i, hl;
	uint8_t *ip = f + 14, *th = ip + 20;
	uint8_t flags = 0;

	if (n == 1)
		return frame(f, &s[0]); /* handed up as it came */
	for (i = 0; i < n; i++) {
		len += s[i].len;
		flags |= s[i].flags & (FIN_F | PSH_F);
	}
	hl = frame(f, &s[0]) - s[0].len;
	pkt_put16(ip + 2, (uint16_t)(20 + thl + len));
	pkt_ipv4_fix_cksum(ip);
	th[13] |= flags;
	/* tcp4_gro_complete: th->check = ~tcp_v4_check(len, saddr, daddr, 0),
	 * the pseudo-header sum, not complemented. */
	{
		uint8_t ph[12];

		memcpy(ph, ip + 12, 8);
		ph[8] = 0;
		ph[9] = 6;
		pkt_put16(ph + 10, (uint16_t)(thl + len));
		pkt_put16(th + 16, pkt_ref_cksum_sum(0, ph, 12));
	}
	for (i = 0; i < len; i++)
		f[hl + i] = pat(s[0].seq + i);
	return hl + len;
}

/* @p m is @p s[0..n) merged, exactly. */
static void
assert_merged(struct rte_mbuf *m, const struct seg *s, unsigned int n)
{
	static uint8_t want[70000], got[70000];
	uint32_t len = expect_merged(want, s, n);
	const uint8_t *p;

	assert_int_equal(m->pkt_len, len);
	assert_int_equal(m->nb_segs, n);
	p = rte_pktmbuf_read(m, 0, len, got);
	assert_non_null(p);
	assert_memory_equal(p, want, len);
	if (n > 1) {
		assert_int_equal(m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK,
				 RTE_MBUF_F_RX_L4_CKSUM_GOOD);
		assert_int_equal(m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK,
				 RTE_MBUF_F_RX_IP_CKSUM_GOOD);
	}
}

/* @p m is segment @p s, untouched. */
static void
assert_alone(struct rte_mbuf *m, const struct seg *s)
{
	assert_merged(m, s, 1);
}

/* --- merging --- */

static void
test_merge_in_order(void **state)
{
	struct seg s[3] = { sg(0, MSS), sg(1, MSS), sg(2, MSS) };

	(void)state;
	assert_int_equal(rx(&s[0]) + rx(&s[1]) + rx(&s[2]), 0);
	assert_int_equal(pn_gro_nb_held(&G), 1);
	assert_int_equal(flush(), 1);
	assert_int_equal(pn_gro_nb_held(&G), 0);
	assert_merged(up[0], s, 3);
	assert_int_equal(G.stat.held, 1);
	assert_int_equal(G.stat.merged, 2);
	assert_int_equal(G.stat.flushed, 1);
	assert_int_equal(G.stat.flushed_merged, 1);
	assert_int_equal(G.stat.csum_sw, 3);
}

static void
test_single_is_untouched(void **state)
{
	struct seg s = sg(0, MSS);

	(void)state;
	assert_int_equal(rx(&s), 0);
	assert_int_equal(flush(), 1);
	assert_alone(up[0], &s);
	assert_int_equal(G.stat.flushed_merged, 0);
}

static void
test_device_checksum_trusted(void **state)
{
	struct seg s[2] = { sg(0, MSS), sg(1, MSS) };
	struct rte_mbuf *m[2] = { mk(&s[0]), mk(&s[1]) };

	(void)state;
	m[0]->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_GOOD | RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	m[1]->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_GOOD | RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	assert_int_equal(pn_gro_receive(&G, m, 2, up), 0);
	assert_int_equal(flush(), 1);
	assert_merged(up[0], s, 2);
	assert_int_equal(G.stat.csum_sw, 0);
}

static void
test_psh_and_fin_end_the_packet(void **state)
{
	static const uint8_t fl[] = { PSH_F, FIN_F, PSH_F | FIN_F };
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(fl); i++) {
		struct seg s[2] = { sg(0, MSS), sg(1, MSS) };

		s[1].flags |= fl[i];
		assert_int_equal(rx(&s[0]), 0);
		assert_int_equal(rx(&s[1]), 1); /* merged, then handed up */
		assert_int_equal(pn_gro_nb_held(&G), 0);
		assert_merged(up[0], s, 2);
		up_free();
	}
}

static void
test_short_segment_ends_the_packet(void **state)
{
	struct seg s[2] = { sg(0, MSS), sg(1, MSS) };

	(void)state;
	s[1].len = 100;
	assert_int_equal(rx(&s[0]), 0);
	assert_int_equal(rx(&s[1]), 1);
	assert_merged(up[0], s, 2);
}

static void
test_longer_than_first_not_merged(void **state)
{
	struct seg a = sg(0, 1000), b = sg(0, MSS);

	(void)state;
	b.seq = a.seq + 1000;
	b.id = 101;
	assert_int_equal(rx(&a), 0);
	assert_int_equal(rx(&b), 1);	/* a goes up, b is held */
	assert_alone(up[0], &a);
	assert_int_equal(pn_gro_nb_held(&G), 1);
	assert_int_equal(flush(), 1);
	assert_alone(up[1], &b);
}

/* Segments that flush the held packet and pass up themselves. */
static void
test_flags_that_never_merge(void **state)
{
	static const uint8_t fl[] = { SYN_F, RST_F, URG_F };
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(fl); i++) {
		struct seg s[2] = { sg(0, MSS), sg(1, MSS) };

		s[1].flags |= fl[i];
		assert_int_equal(rx(&s[0]), 0);
		assert_int_equal(rx(&s[1]), 2);
		assert_alone(up[0], &s[0]);
		assert_alone(up[1], &s[1]);
		assert_int_equal(pn_gro_nb_held(&G), 0);
		up_free();
	}
	/* With nothing held, they pass straight up. */
	{
		struct seg s = sg(0, MSS);

		s.flags |= PSH_F;
		assert_int_equal(rx(&s), 1);
		assert_int_equal(pn_gro_nb_held(&G), 0);
	}
}

static void
test_cwr_starts_a_new_packet(void **state)
{
	struct seg s[3] = { sg(0, MSS), sg(1, MSS), sg(2, MSS) };

	(void)state;
	s[1].flags |= CWR_F;
	assert_int_equal(rx(&s[0]), 0);
	assert_int_equal(rx(&s[1]), 1);	/* s0 up, s1 (CWR) held */
	assert_alone(up[0], &s[0]);
	s[2].id = s[1].id + 1;
	assert_int_equal(rx(&s[2]), 0);	/* no CWR: merges into s1 */
	assert_int_equal(flush(), 1);
	assert_merged(up[1], &s[1], 2);
}

static void
test_ece_must_match(void **state)
{
	struct seg s[2] = { sg(0, MSS), sg(1, MSS) };

	(void)state;
	s[1].flags |= ECE_F;
	assert_int_equal(rx(&s[0]), 0);
	assert_int_equal(rx(&s[1]), 1);
	assert_alone(up[0], &s[0]);
}

static void
test_pure_ack_flushes_first(void **state)
{
	struct seg s = sg(0, MSS), a = sg(1, 0);

	(void)state;
	assert_int_equal(rx(&s), 0);
	assert_int_equal(rx(&a), 2);	/* the data first, then the ACK */
	assert_alone(up[0], &s);
	assert_alone(up[1], &a);
	assert_int_equal(G.stat.bypass, 1);
}

static void
test_sequence_gap(void **state)
{
	struct seg s[2] = { sg(0, MSS), sg(2, MSS) };

	(void)state;
	s[1].id = 101;
	assert_int_equal(rx(&s[0]), 0);
	assert_int_equal(rx(&s[1]), 1);
	assert_alone(up[0], &s[0]);
	assert_int_equal(pn_gro_nb_held(&G), 1);
}

/* Each edit of the second segment makes it a flush (s0 up, s1 held). */
static void e_ack(struct seg *s) { s->ack++; }
static void e_win(struct seg *s) { s->win++; }
static void e_tsval(struct seg *s) { s->tsval++; }
static void e_tsecr(struct seg *s) { s->tsecr++; }
static void e_no_ts(struct seg *s) { s->ts = false; }
static void e_tos(struct seg *s) { s->tos = 4; }
static void e_ttl(struct seg *s) { s->ttl = 63; }
static void e_df(struct seg *s) { s->df = false; }
static void e_mac(struct seg *s) { s->mac_src_last = 9; }
static void e_port(struct seg *s) { s->port = 1; }
static void e_id_jump(struct seg *s) { s->id += 5; }

static void e_seq(struct seg *s) { s->seq += 1; }
static void e_ece(struct seg *s) { s->flags |= ECE_F; }
static void e_len(struct seg *s) { s->len = MSS + 4; }
static void (*const edits[])(struct seg *) = {
	e_ack, e_win, e_tsval, e_tsecr, e_no_ts, e_tos, e_ttl, e_df,
	e_mac, e_port, e_id_jump, e_seq, e_ece, e_len,
};

static void
test_fields_that_must_match(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(edits); i++) {
		struct seg s[2] = { sg(0, MSS), sg(1, MSS) };

		edits[i](&s[1]);
		assert_int_equal(rx(&s[0]), 0);
		if (rx(&s[1]) != 1)
			fail_msg("edit %u merged", i);
		assert_alone(up[0], &s[0]);
		assert_int_equal(flush(), 1);
		assert_alone(up[1], &s[1]);
		up_free();
	}
}

/* The same edits deep in a run (the fourth segment), where a segment
 * is compared with the one expected next: the three merged go up, the
 * edited one is held. */
static void
test_fields_that_must_match_in_a_run(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(edits); i++) {
		struct seg s[4] = { sg(0, MSS), sg(1, MSS), sg(2, MSS),
				    sg(3, MSS) };

		edits[i](&s[3]);
		assert_int_equal(rx(&s[0]) + rx(&s[1]) + rx(&s[2]), 0);
		if (rx(&s[3]) != 1)
			fail_msg("edit %u merged", i);
		assert_merged(up[0], s, 3);
		assert_int_equal(flush(), 1);
		assert_alone(up[1], &s[3]);
		up_free();
	}
}

/* tcp_gro_receive compares neither the TCP checksum nor the urgent
 * pointer (URG itself ends the packet): a run differing there merges,
 * with the first segment's in the header. */
static void
test_urgent_pointer_not_compared(void **state)
{
	struct seg s[4] = { sg(0, MSS), sg(1, MSS), sg(2, MSS), sg(3, MSS) };

	(void)state;
	s[1].urp = 7;
	s[3].urp = 9;
	assert_int_equal(rx(&s[0]) + rx(&s[1]) + rx(&s[2]) + rx(&s[3]), 0);
	assert_int_equal(flush(), 1);
	assert_merged(up[0], s, 4);
}

/* Frames shorter than 64 bytes (4-byte segments, no options) merge as
 * any others. */
static void
test_tiny_segments_merge(void **state)
{
	struct seg s[3] = { sg(0, 4), sg(1, 4), sg(2, 4) };
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		s[i].ts = false;
		assert_int_equal(rx(&s[i]), 0);
	}
	assert_int_equal(flush(), 1);
	assert_merged(up[0], s, 3);
}

/* A header checksum of 0 may be sent as 0xffff (RFC 1071 arithmetic:
 * both verify; Linux ip_fast_csum sums to 0 either way): merged. */
static void
test_ip_cksum_zero_as_ffff(void **state)
{
	struct seg s[4] = { sg(0, MSS), sg(1, MSS), sg(2, MSS), sg(3, MSS) };
	uint8_t f[PKT_MAX];
	uint16_t c0;
	unsigned int i;

	(void)state;
	/* With ID c0 (the checksum of the header with ID 0) the checksum
	 * is 0: the words sum to 0xffff without it. */
	s[2].id = 0;
	frame(f, &s[2]);
	c0 = (uint16_t)(f[24] << 8 | f[25]);
	for (i = 0; i < 4; i++)
		s[i].id = (uint16_t)(c0 - 2 + i);
	s[2].ip_ck_ffff = true;
	frame(f, &s[2]);
	assert_int_equal(f[24] << 8 | f[25], 0xffff);
	assert_int_equal(rx(&s[0]) + rx(&s[1]) + rx(&s[2]) + rx(&s[3]), 0);
	assert_int_equal(flush(), 1);
	assert_merged(up[0], s, 4);
}

/* What the device says of a segment deep in a run: VLAN stripped, IPv4
 * or TCP checksum bad (the data being valid): handed up alone, the held
 * packet kept, as for the second segment. */
static void
test_device_flags_in_a_run(void **state)
{
	static const uint64_t flags[] = {
		RTE_MBUF_F_RX_VLAN_STRIPPED | RTE_MBUF_F_RX_VLAN,
		RTE_MBUF_F_RX_IP_CKSUM_BAD, RTE_MBUF_F_RX_L4_CKSUM_BAD,
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(flags); i++) {
		struct seg s[4] = { sg(0, MSS), sg(1, MSS), sg(2, MSS),
				    sg(3, MSS) };
		struct rte_mbuf *m = mk(&s[3]);

		assert_int_equal(rx(&s[0]) + rx(&s[1]) + rx(&s[2]), 0);
		m->ol_flags |= flags[i];
		assert_int_equal(pn_gro_receive(&G, &m, 1, up + nup), 1);
		assert_ptr_equal(up[nup], m);
		nup++;
		assert_int_equal(pn_gro_nb_held(&G), 1);
		assert_int_equal(flush(), 1);
		assert_merged(up[1], s, 3);
		up_free();
	}
}

static void
test_ip_id_fixed_under_df(void **state)
{
	struct seg s[3] = { sg(0, MSS), sg(1, MSS), sg(2, MSS) };

	(void)state;
	s[1].id = s[2].id = s[0].id;
	assert_int_equal(rx(&s[0]) + rx(&s[1]) + rx(&s[2]), 0);
	assert_int_equal(flush(), 1);
	assert_merged(up[0], s, 3);
	up_free();
	/* Without DF the ID must increment. */
	s[0].df = s[1].df = false;
	assert_int_equal(rx(&s[0]), 0);
	assert_int_equal(rx(&s[1]), 1);
	up_free();
	flush();
	up_free();
	/* Fixed, then incrementing: not one flow's pattern. */
	s[0] = sg(0, MSS);
	s[1] = sg(1, MSS);
	s[2] = sg(2, MSS);
	s[1].id = s[0].id;
	assert_int_equal(rx(&s[0]) + rx(&s[1]), 0);
	assert_int_equal(rx(&s[2]), 1);
	assert_merged(up[0], s, 2);
}

/* A segment arriving as two mbufs: headers and 100 bytes, then the rest. */
static struct rte_mbuf *
mk_chained(const struct seg *s, bool good)
{
	uint8_t f[PKT_MAX];
	uint32_t n = frame(f, s);
	struct rte_mbuf *m = pn_test_mbuf(f, 166);

	assert_int_equal(rte_pktmbuf_chain(m, pn_test_mbuf(f + 166,
						       (uint16_t)(n - 166))), 0);
	if (good)
		m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	m->port = s->port;
	return m;
}

static void
test_chained_input(void **state)
{
	static uint8_t want[PKT_MAX * 2], got[PKT_MAX * 2];
	struct seg s[3] = { sg(0, MSS), sg(1, MSS), sg(2, MSS) };
	struct rte_mbuf *m;
	uint32_t len;

	(void)state;
	assert_int_equal(rx(&s[0]), 0);
	/* Checksum verified by the device: merged, its mbufs appended. */
	m = mk_chained(&s[1], true);
	assert_int_equal(pn_gro_receive(&G, &m, 1, up), 0);
	assert_int_equal(flush(), 1);
	len = expect_merged(want, s, 2);
	assert_int_equal(up[0]->pkt_len, len);
	assert_int_equal(up[0]->nb_segs, 3);
	assert_memory_equal(rte_pktmbuf_read(up[0], 0, len, got), want, len);
	up_free();
	/* Not verified: not summed across mbufs here, handed up as is. */
	assert_int_equal(rx(&s[0]), 0);
	m = mk_chained(&s[1], false);
	assert_int_equal(pn_gro_receive(&G, &m, 1, up + nup), 1);
	nup++;
	assert_int_equal(pn_gro_nb_held(&G), 1);
	assert_int_equal(up[0]->nb_segs, 2);
}

/* --- what never enters the table --- */

static void
test_bypass(void **state)
{
	struct seg s = sg(0, MSS);
	uint8_t f[PKT_MAX];
	struct rte_mbuf *m;
	unsigned int n;

	(void)state;
	s.ip_opts = 4;
	assert_int_equal(rx(&s), 1);
	s = sg(0, MSS);
	s.frag = 0x2000; /* MF */
	assert_int_equal(rx(&s), 1);
	s = sg(0, 10);
	s.pad = 6; /* link padding */
	assert_int_equal(rx(&s), 1);
	s = sg(0, MSS);
	s.bad_ip = true;
	assert_int_equal(rx(&s), 1);
	/* UDP and ARP */
	n = frame(f, &s);
	f[14 + 9] = 17;
	pkt_ipv4_fix_cksum(f + 14);
	m = pn_test_mbuf(f, (uint16_t)n);
	assert_int_equal(pn_gro_receive(&G, &m, 1, up + nup), 1);
	nup++;
	n = pkt_hex(f, PKT_VEC_ARP_REQUEST);
	m = pn_test_mbuf(f, (uint16_t)n);
	assert_int_equal(pn_gro_receive(&G, &m, 1, up + nup), 1);
	nup++;
	assert_int_equal(G.stat.bypass, 6);
	assert_int_equal(pn_gro_nb_held(&G), 0);
	assert_int_equal(G.stat.held, 0);
}

static void
test_bad_tcp_checksum_flagged(void **state)
{
	struct seg s = sg(0, MSS);
	struct rte_mbuf *m;

	(void)state;
	s.bad_tcp = true;
	assert_int_equal(rx(&s), 1);
	m = up[0];
	assert_int_equal(m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK,
			 RTE_MBUF_F_RX_L4_CKSUM_BAD);
	assert_int_equal(G.stat.csum_bad, 1);
	/* The device's verdict BAD is not merged either. */
	s = sg(0, MSS);
	m = mk(&s);
	m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_BAD;
	assert_int_equal(pn_gro_receive(&G, &m, 1, up + nup), 1);
	nup++;
	assert_int_equal(pn_gro_nb_held(&G), 0);
}

/* A bad checksum inside a run (the flow hit last): handed up alone,
 * flagged (TCP) or not good (IPv4 header), the held packet kept; the
 * next segment leaves a gap, which hands that up. Linux: tcp4_gro_receive
 * / inet_gro_receive set flush for the bad one only. */
static void
test_bad_checksum_inside_a_run(void **state)
{
	unsigned int bad;

	(void)state;
	for (bad = 0; bad < 2; bad++) {
		struct seg s[4] = { sg(0, MSS), sg(1, MSS), sg(2, MSS),
				    sg(3, MSS) };

		if (bad == 0)
			s[2].bad_tcp = true;
		else
			s[2].bad_ip = true;
		assert_int_equal(rx(&s[0]) + rx(&s[1]), 0);
		assert_int_equal(rx(&s[2]), 1);
		assert_alone(up[0], &s[2]);
		if (bad == 0)
			assert_int_equal(up[0]->ol_flags &
					 RTE_MBUF_F_RX_L4_CKSUM_MASK,
					 RTE_MBUF_F_RX_L4_CKSUM_BAD);
		else
			assert_int_not_equal(up[0]->ol_flags &
					     RTE_MBUF_F_RX_IP_CKSUM_MASK,
					     RTE_MBUF_F_RX_IP_CKSUM_GOOD);
		assert_int_equal(pn_gro_nb_held(&G), 1);
		assert_int_equal(rx(&s[3]), 1);
		assert_merged(up[1], s, 2);
		assert_int_equal(flush(), 1);
		assert_alone(up[2], &s[3]);
		up_free();
	}
	assert_int_equal(G.stat.csum_bad, 1);
}

/* NONE (valid data, partial checksum: virtio NEEDS_CSUM) merges, as Linux
 * merges CHECKSUM_PARTIAL; the merged packet is flagged good. */
static void
test_partial_checksum_merged(void **state)
{
	struct seg s[3] = { sg(0, MSS), sg(1, MSS), sg(2, MSS) };
	struct rte_mbuf *m;
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		m = mk(&s[i]);
		m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_NONE;
		assert_int_equal(pn_gro_receive(&G, &m, 1, up + nup), 0);
	}
	assert_int_equal(flush(), 1);
	assert_merged(up[0], s, 3);
	assert_int_equal(up[0]->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK,
			 RTE_MBUF_F_RX_L4_CKSUM_GOOD);
	assert_int_equal(G.stat.csum_sw, 0);
}

/* --- limits and the table --- */

static void
test_64k_limit(void **state)
{
	struct seg s[46];
	unsigned int i, k = 0;

	(void)state;
	for (i = 0; i < 46; i++) {
		s[i] = sg(i, MSS);
		k += rx(&s[i]);
	}
	/* 20 + 32 + 45 * 1448 = 65212; one more would pass 65535. */
	assert_int_equal(k, 1);
	assert_merged(up[0], s, 45);
	assert_int_equal(flush(), 1);
	assert_alone(up[1], &s[45]);
}

static void
test_max_segs(void **state)
{
	struct pn_gro_conf c;
	struct seg s[5];
	unsigned int i, k = 0;

	(void)state;
	pn_gro_conf_default(&c);
	c.max_segs = 4;
	pn_gro_init(&G, &c);
	for (i = 0; i < 5; i++) {
		s[i] = sg(i, MSS);
		k += rx(&s[i]);
	}
	assert_int_equal(k, 1);
	assert_merged(up[0], s, 4);
}

static void
test_flows_interleaved_and_flushed_oldest_first(void **state)
{
	struct seg a[2] = { sg(0, MSS), sg(1, MSS) };
	struct seg b[2] = { sg(0, MSS), sg(1, MSS) };

	(void)state;
	b[0].sport = b[1].sport = 40001;
	assert_int_equal(rx(&b[0]) + rx(&a[0]) + rx(&b[1]) + rx(&a[1]), 0);
	assert_int_equal(pn_gro_nb_held(&G), 2);
	assert_int_equal(flush(), 2);
	assert_merged(up[0], b, 2);
	assert_merged(up[1], a, 2);
}

static void
test_table_full_evicts_oldest(void **state)
{
	struct pn_gro_conf c;
	struct seg s[3] = { sg(0, MSS), sg(0, MSS), sg(0, MSS) };

	(void)state;
	pn_gro_conf_default(&c);
	c.max_flows = 2;
	pn_gro_init(&G, &c);
	s[1].sport = 40001;
	s[2].sport = 40002;
	assert_int_equal(rx(&s[0]) + rx(&s[1]), 0);
	assert_int_equal(rx(&s[2]), 1);
	assert_alone(up[0], &s[0]);
	assert_int_equal(G.stat.evicted, 1);
	assert_int_equal(flush(), 2);
	assert_alone(up[1], &s[1]);
	assert_alone(up[2], &s[2]);
}

static void
test_burst_keeps_flow_order(void **state)
{
	/* A0 A1 ACK(A) A2 B0 A3(PSH) in one burst. */
	struct seg s[6] = { sg(0, MSS), sg(1, MSS), sg(2, 0), sg(2, MSS),
			    sg(0, MSS), sg(3, MSS) };
	struct rte_mbuf *m[6];
	struct seg a23[2];
	unsigned int i, k;

	(void)state;
	s[2].id = 102;
	s[3].id = 103;
	s[4].sport = 40001;
	s[5].id = 104;
	s[5].flags |= PSH_F;
	for (i = 0; i < 6; i++)
		m[i] = mk(&s[i]);
	k = pn_gro_receive(&G, m, 6, up);
	nup = k;
	assert_int_equal(k, 3);
	assert_merged(up[0], s, 2);		/* A0+A1, flushed by the ACK */
	assert_alone(up[1], &s[2]);		/* the ACK */
	a23[0] = s[3];
	a23[1] = s[5];
	assert_merged(up[2], a23, 2);		/* A2+A3, ended by PSH */
	assert_int_equal(flush(), 1);
	assert_alone(up[3], &s[4]);		/* B0 */
}

/* The segments of test_burst_same_as_one_by_one: two flows, runs broken
 * by a bad TCP checksum, PSH, a gap, a short segment, CWR. */
static unsigned int
mixed_segs(struct seg *s)
{
	unsigned int n = 0, i;

	for (i = 0; i < 40; i++) {
		s[n] = sg(i, MSS);
		if (i == 5)
			s[n].bad_tcp = true;
		if (i == 9 || i == 30)
			s[n].flags |= PSH_F;
		if (i == 14)
			continue;	/* a gap */
		if (i == 20)
			s[n].len = 100;	/* short: seq of those after is off */
		if (i == 24)
			s[n].flags |= CWR_F;
		n++;
		if (i % 7 == 3) {
			s[n] = sg(i / 7, 536);	/* flow B now and then */
			s[n].sport = 40001;
			n++;
		}
	}
	return n;
}

/* Four flows round robin, 12 segments each; flow 2's seventh has PSH,
 * flow 3's fifth a bad TCP checksum. */
static unsigned int
round_robin_segs(struct seg *s)
{
	unsigned int i;

	for (i = 0; i < 48; i++) {
		s[i] = sg(i / 4, MSS);
		s[i].sport = (uint16_t)(40000 + i % 4);
		if (i == 4 * 6 + 2)
			s[i].flags |= PSH_F;
		if (i == 4 * 4 + 3)
			s[i].bad_tcp = true;
	}
	return 48;
}

/* One burst of @p s[0..n), or the same one by one: the same packets
 * handed up, in the same order, byte for byte. */
static void
burst_same_as_one_by_one(const struct seg *s, unsigned int n)
{
	static uint8_t a[70000], b[70000];
	struct rte_mbuf *m[64], *one[128];
	unsigned int i, k, k1 = 0;

	for (i = 0; i < n; i++)
		m[i] = mk(&s[i]);
	k = pn_gro_receive(&G, m, (uint16_t)n, up);
	nup = k;
	k += pn_gro_flush(&G, up + k, PN_GRO_MAX_FLOWS);
	nup = k;
	g_setup(NULL);
	nup = k;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *x = mk(&s[i]);

		k1 += pn_gro_receive(&G, &x, 1, one + k1);
	}
	k1 += pn_gro_flush(&G, one + k1, PN_GRO_MAX_FLOWS);
	assert_int_equal(k, k1);
	for (i = 0; i < k; i++) {
		assert_int_equal(up[i]->pkt_len, one[i]->pkt_len);
		assert_int_equal(up[i]->nb_segs, one[i]->nb_segs);
		assert_int_equal(up[i]->ol_flags, one[i]->ol_flags);
		assert_memory_equal(rte_pktmbuf_read(up[i], 0, up[i]->pkt_len, a),
				    rte_pktmbuf_read(one[i], 0, one[i]->pkt_len, b),
				    up[i]->pkt_len);
		rte_pktmbuf_free(one[i]);
	}
	assert_true(k >= 4);
}

static void
test_burst_same_as_one_by_one(void **state)
{
	static struct seg s[64];

	(void)state;
	burst_same_as_one_by_one(s, mixed_segs(s));
	up_free();
	g_setup(NULL);
	burst_same_as_one_by_one(s, round_robin_segs(s));
}

static void
test_conf_check(void **state)
{
	struct pn_gro_conf c;
	char err[128];

	(void)state;
	pn_gro_conf_default(&c);
	assert_true(c.enabled);
	assert_int_equal(pn_gro_conf_check(&c, "net.gro", err, sizeof(err)), 0);
	c.max_flows = 0;
	assert_int_equal(pn_gro_conf_check(&c, "net.gro", err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "net.gro.max_flows = 0 is out of range (1..64)");
	pn_gro_conf_default(&c);
	c.max_segs = 65;
	assert_int_equal(pn_gro_conf_check(&c, "net.gro", err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "net.gro.max_segs = 65 is out of range (2..64)");
}

/* --- in lib/net's receive path --- */

static struct rte_mbuf *np_burst[8];
static uint16_t np_n;

static int
np_poll(struct pn_lcore *lc, struct pn_napi *n, int weight)
{
	uint16_t k = np_n;

	(void)n;
	(void)weight;
	np_n = 0;
	if (k > 0)
		pn_lcore_rx(lc, np_burst, k);
	return k;
}

static const struct pn_napi_ops np_ops = { .poll = np_poll };

static unsigned int tcp_calls;
static uint32_t tcp_bytes;

static void
catch_tcp(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m,
	  const struct pn_ipv4_hdr *ip, void *arg)
{
	(void)lc;
	(void)net;
	(void)ip;
	(void)arg;
	tcp_calls++;
	tcp_bytes += m->pkt_len;
	rte_pktmbuf_free(m);
}

static void
test_net_merges_within_a_round(void **state)
{
	struct pn_napi napi = { .ops = &np_ops };
	struct seg s[3] = { sg(0, MSS), sg(1, MSS), sg(2, MSS) };
	unsigned int i;

	(void)state;
	tcp_calls = 0;
	tcp_bytes = 0;
	tw_start(1);
	assert_non_null(pn_net_gro_of_shard(0));
	assert_int_equal(pn_net_register_proto(T->net[0], 6, catch_tcp, T), 0);
	assert_int_equal(pn_lcore_add_napi(tw_lc(0), &napi), 0);
	for (i = 0; i < 3; i++)
		np_burst[i] = mk(&s[i]);
	np_n = 3;
	tw_round(0);
	/* One segment of 3 * MSS (TCP header included), in the same round. */
	assert_int_equal(tcp_calls, 1);
	assert_int_equal(tcp_bytes, 32 + 3 * MSS);
	assert_int_equal(pn_net_gro_of_shard(0)->stat.merged, 2);
	/* Handed in outside a round: each goes up at once. */
	tcp_calls = 0;
	for (i = 0; i < 3; i++) {
		s[i] = sg(3 + i, MSS);
		tw_rx_m(0, mk(&s[i]));
		assert_int_equal(tcp_calls, i + 1);
	}
	assert_int_equal(pn_gro_nb_held(pn_net_gro_of_shard(0)), 0);
	T->lc[0].nb_napi--; /* napi lives on this stack */
}

static void
test_net_gro_off(void **state)
{
	struct pn_napi napi = { .ops = &np_ops };
	struct seg s[3] = { sg(0, MSS), sg(1, MSS), sg(2, MSS) };
	unsigned int i;

	(void)state;
	T->conf.gro.enabled = false;
	tw_start(1);
	assert_null(pn_net_gro_of_shard(0));
	assert_int_equal(pn_net_register_proto(T->net[0], 6, catch_tcp, T), 0);
	assert_int_equal(pn_lcore_add_napi(tw_lc(0), &napi), 0);
	for (i = 0; i < 3; i++)
		np_burst[i] = mk(&s[i]);
	np_n = 3;
	tcp_calls = 0;
	tw_round(0);
	assert_int_equal(tcp_calls, 3);
	T->lc[0].nb_napi--;
}

static void
test_net_conf_gro_checked(void **state)
{
	char err[160];

	(void)state;
	T->conf.gro.max_flows = 65;
	assert_int_equal(pn_net_conf_check(&T->conf, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "net.gro.max_flows = 65 is out of range (1..64)");
	T->conf.gro.enabled = false; /* not checked when off */
	assert_int_equal(pn_net_conf_check(&T->conf, err, sizeof(err)), 0);
}

/* --- cycle accounting --- */

static void
test_cycles_accounting(void **state)
{
	struct pn_napi napi = { .ops = &np_ops };
	struct seg s[2] = { sg(0, MSS), sg(1, MSS) };
	const struct pn_lcore_cycles *c;
	uint64_t sum = 0, before[PN_PHASE__MAX];
	unsigned int p;

	(void)state;
	tw_start(1);
	assert_int_equal(pn_net_register_proto(T->net[0], 6, catch_tcp, T), 0);
	assert_int_equal(pn_lcore_add_napi(tw_lc(0), &napi), 0);
	c = &tw_lc(0)->cyc;
	/* Off: nothing counted. */
	np_burst[0] = mk(&s[0]);
	np_n = 1;
	tw_round(0);
	assert_int_equal(c->rx_packets, 0);
	for (p = 0; p < PN_PHASE__MAX; p++)
		assert_int_equal(c->cycles[p], 0);
	/* On: packets, bytes, and the phases a round goes through. */
	pn_lcore_cycles_enable(tw_lc(0), true);
	np_burst[0] = mk(&s[1]);
	np_n = 1;
	tw_round(0);
	/* a round with work charges nothing to "empty" */
	assert_int_equal(c->cycles[PN_PHASE_EMPTY], 0);
	memcpy(before, c->cycles, sizeof(before));
	np_n = 0;
	tw_round(0); /* found nothing: all of it is "empty" */
	pn_lcore_cycles_enable(tw_lc(0), false);
	assert_true(c->cycles[PN_PHASE_EMPTY] > 0);
	for (p = PN_PHASE_POLL; p <= PN_PHASE_EVENTS; p++)
		assert_int_equal(c->cycles[p], before[p]);
	assert_string_equal(pn_lcore_phase_name(PN_PHASE_EMPTY), "empty");
	assert_int_equal(c->rx_packets, 1);
	assert_int_equal(c->rx_bytes, 14 + 20 + 32 + MSS);
	assert_true(c->cycles[PN_PHASE_POLL] > 0);
	assert_true(c->cycles[PN_PHASE_GRO] > 0);
	assert_true(c->cycles[PN_PHASE_INPUT] > 0);
	assert_true(c->cycles[PN_PHASE_TX] > 0);
	for (p = 0; p < PN_PHASE__MAX; p++)
		sum += c->cycles[p];
	assert_true(sum >= c->cycles[PN_PHASE_POLL]);
	assert_string_equal(pn_lcore_phase_name(PN_PHASE_GRO), "gro");
	assert_string_equal(pn_lcore_phase_name(PN_PHASE__MAX), "?");
	T->lc[0].nb_napi--;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		GRO_TEST(test_merge_in_order),
		GRO_TEST(test_single_is_untouched),
		GRO_TEST(test_device_checksum_trusted),
		GRO_TEST(test_psh_and_fin_end_the_packet),
		GRO_TEST(test_partial_checksum_merged),
		GRO_TEST(test_short_segment_ends_the_packet),
		GRO_TEST(test_longer_than_first_not_merged),
		GRO_TEST(test_flags_that_never_merge),
		GRO_TEST(test_cwr_starts_a_new_packet),
		GRO_TEST(test_ece_must_match),
		GRO_TEST(test_pure_ack_flushes_first),
		GRO_TEST(test_sequence_gap),
		GRO_TEST(test_fields_that_must_match),
		GRO_TEST(test_fields_that_must_match_in_a_run),
		GRO_TEST(test_urgent_pointer_not_compared),
		GRO_TEST(test_tiny_segments_merge),
		GRO_TEST(test_ip_cksum_zero_as_ffff),
		GRO_TEST(test_device_flags_in_a_run),
		GRO_TEST(test_ip_id_fixed_under_df),
		GRO_TEST(test_chained_input),
		GRO_TEST(test_bypass),
		GRO_TEST(test_bad_tcp_checksum_flagged),
		GRO_TEST(test_bad_checksum_inside_a_run),
		GRO_TEST(test_64k_limit),
		GRO_TEST(test_max_segs),
		GRO_TEST(test_flows_interleaved_and_flushed_oldest_first),
		GRO_TEST(test_table_full_evicts_oldest),
		GRO_TEST(test_burst_keeps_flow_order),
		GRO_TEST(test_burst_same_as_one_by_one),
		GRO_TEST(test_conf_check),
		TW_TEST(test_net_merges_within_a_round),
		TW_TEST(test_net_gro_off),
		TW_TEST(test_net_conf_gro_checked),
		TW_TEST(test_cycles_accounting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
