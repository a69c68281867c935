/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4/TCP GRO: the rules of Linux inet_gro_receive, tcp_gro_receive and
 * their *_gro_complete (see gro.h), over a small table scanned linearly:
 * with at most 64 flows a scan of two packed key arrays (the flow hit
 * last first) beats hashing.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_tcp.h>
#ifdef __SSE4_1__
#include <smmintrin.h>
#endif

#include "cksum.h"
#include "conf_check.h"
#include "gro.h"
#include "ipv4.h"

/* A segment with one of these is handed up right after (merged or not). */
#define GRO_END_FLAGS \
	(RTE_TCP_FIN_FLAG | RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG | \
	 RTE_TCP_PSH_FLAG | RTE_TCP_URG_FLAG)
/* Flags that may differ from the first segment's. */
#define GRO_FREE_FLAGS (RTE_TCP_CWR_FLAG | RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG)

#define GRO_L3_OFF ((uint32_t)sizeof(struct rte_ether_hdr))
#define GRO_L4_OFF (GRO_L3_OFF + (uint32_t)sizeof(struct rte_ipv4_hdr))
#define GRO_MAX_IP_LEN 65535u

#define CKSUM_MASKS (RTE_MBUF_F_RX_IP_CKSUM_MASK | RTE_MBUF_F_RX_L4_CKSUM_MASK)
#define CKSUM_GOOD (RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD)

/* A segment offered, parsed. */
struct gro_seg {
	const uint8_t *eh;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	uint16_t th_len;
	uint16_t hdr_len;
	uint16_t ip_len;
	uint16_t payload;
	uint64_t addr;
	uint32_t ports;
};

enum gro_verdict { GRO_NO, GRO_MERGED, GRO_MERGED_LAST };

void
pn_gro_conf_default(struct pn_gro_conf *c)
{
	c->enabled = true;
	c->max_flows = 32;
	c->max_segs = PN_GRO_MAX_SEGS;
}

int
pn_gro_conf_check(const struct pn_gro_conf *c, const char *prefix, char *err,
		  size_t len)
{
	char key[64];
	int rc;

	snprintf(key, sizeof(key), "%s.max_flows", prefix);
	if ((rc = pn_conf_check_range(key, c->max_flows, 1, PN_GRO_MAX_FLOWS,
				      err, len)))
		return rc;
	snprintf(key, sizeof(key), "%s.max_segs", prefix);
	return pn_conf_check_range(key, c->max_segs, 2, PN_GRO_MAX_SEGS, err,
				   len);
}

void
pn_gro_init(struct pn_gro *g, const struct pn_gro_conf *c)
{
	memset(g, 0, sizeof(*g));
	g->conf = *c;
}

/* The IPv4 header words a merge lets differ (total length, ID,
 * checksum), summed: see gro_cksum. */
static inline uint32_t
gro_ip_var(const struct rte_ipv4_hdr *ip)
{
	return (uint32_t)ip->total_length + ip->packet_id + ip->hdr_checksum;
}

/*
 * The checksums of an IPv4/TCP segment of @p ip_len bytes at @p ip, as
 * inet_gro_receive (ip_fast_csum) and tcp4_gro_receive
 * (skb_gro_checksum_validate) check them: the device's flags, else in
 * software. @p f: a held packet whose verified IPv4 header equals this
 * one but in the words gro_ip_var sums (gro_match found it so), or NULL.
 * @return 0 with both flagged good, or -1 to hand the packet up (an IPv4
 * header checksum found good flagged so, a bad TCP checksum flagged bad
 * for TCP to drop without summing again).
 */
static __rte_always_inline int
gro_cksum(struct pn_gro *g, struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
	  uint16_t ip_len, const struct pn_gro_flow *f)
{
	uint64_t ol = m->ol_flags, ipcs, l4cs;

	ipcs = ol & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	if (ipcs == RTE_MBUF_F_RX_IP_CKSUM_BAD)
		return -1; /* IPv4 input drops it */
	if (ipcs != RTE_MBUF_F_RX_IP_CKSUM_GOOD) {
		/* Beside a held header (whose words sum to 0 mod 0xffff,
		 * RFC 1071) this one's sum is 0 exactly when the words that
		 * differ sum the same. Neither sum is 0 (the length is not),
		 * so their folds are equal exactly then. */
		if (f != NULL ?
			    pn_cksum_fold(pn_cksum_fold(gro_ip_var(ip))) !=
				    f->ip_var :
			    pn_ipv4_hdr20_cksum((const uint8_t *)ip) != 0)
			return -1;
		/* Verified: IPv4 input need not sum again, even when the
		 * packet goes up unmerged (a partial TCP checksum below). */
		ol = (ol & ~RTE_MBUF_F_RX_IP_CKSUM_MASK) |
		     RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	}
	l4cs = ol & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	/*
	 * NONE: the data is valid, the checksum field partial (virtio
	 * NEEDS_CSUM from a sender that offloaded it): Linux's
	 * CHECKSUM_PARTIAL, which tcp4_gro_receive merges without
	 * validating (__skb_gro_checksum_validate_needed). So do we.
	 */
	if (l4cs != RTE_MBUF_F_RX_L4_CKSUM_GOOD &&
	    l4cs != RTE_MBUF_F_RX_L4_CKSUM_NONE) {
		if (l4cs == RTE_MBUF_F_RX_L4_CKSUM_BAD || m->nb_segs != 1) {
			m->ol_flags = ol;
			return -1;
		}
		g->stat.csum_sw++;
		if (pn_ipv4_l4_cksum(rte_be_to_cpu_32(ip->src_addr),
				     rte_be_to_cpu_32(ip->dst_addr),
				     IPPROTO_TCP, (const uint8_t *)(ip + 1),
				     (uint16_t)(ip_len -
						sizeof(struct rte_ipv4_hdr))) != 0) {
			g->stat.csum_bad++;
			m->ol_flags = (ol & ~RTE_MBUF_F_RX_L4_CKSUM_MASK) |
				      RTE_MBUF_F_RX_L4_CKSUM_BAD;
			return -1;
		}
	}
	/* Both verified: IPv4 and TCP input need not sum again. */
	m->ol_flags = (ol & ~CKSUM_MASKS) | CKSUM_GOOD;
	return 0;
}

/*
 * Check what inet_gro_receive and tcp4_gro_receive check before looking
 * for a flow: IPv4 without options, not a fragment, no padding, TCP
 * header in the first segment, checksums good.
 * @return 0, or -1 to hand the packet up untouched (but for its checksum
 * flags, see gro_cksum).
 */
static int
gro_parse(struct pn_gro *g, struct rte_mbuf *m, struct gro_seg *s)
{
	const struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;

	if (m->data_len < GRO_L4_OFF + sizeof(struct rte_tcp_hdr) ||
	    (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED))
		return -1;
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (eh->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return -1;
	ip = (struct rte_ipv4_hdr *)(uintptr_t)(eh + 1);
	if (ip->version_ihl != RTE_IPV4_VHL_DEF ||
	    ip->next_proto_id != IPPROTO_TCP ||
	    (ip->fragment_offset & ~RTE_BE16(RTE_IPV4_HDR_DF_FLAG)))
		return -1;
	s->ip_len = rte_be_to_cpu_16(ip->total_length);
	if (s->ip_len != m->pkt_len - GRO_L3_OFF)
		return -1;
	th = (struct rte_tcp_hdr *)(ip + 1);
	s->th_len = (uint16_t)((th->data_off >> 4) * 4);
	s->hdr_len = (uint16_t)(GRO_L4_OFF + s->th_len);
	if (s->th_len < sizeof(struct rte_tcp_hdr) ||
	    s->hdr_len > m->data_len ||
	    sizeof(struct rte_ipv4_hdr) + s->th_len > s->ip_len)
		return -1;
	s->payload = (uint16_t)(s->ip_len - sizeof(struct rte_ipv4_hdr) -
				s->th_len);
	s->eh = (const uint8_t *)eh;
	s->ip = ip;
	s->th = th;
	memcpy(&s->addr, &ip->src_addr, sizeof(s->addr));
	memcpy(&s->ports, &th->src_port, sizeof(s->ports));
	return gro_cksum(g, m, ip, s->ip_len, NULL);
}

static int
gro_find(struct pn_gro *g, uint64_t addr, uint32_t ports)
{
	uint16_t i = g->last;

	if (i < g->nb_flows && g->key_addr[i] == addr &&
	    g->key_ports[i] == ports)
		return i;
	for (i = 0; i < g->nb_flows; i++)
		if (g->key_addr[i] == addr && g->key_ports[i] == ports) {
			g->last = i;
			return i;
		}
	return -1;
}

/*
 * gro_find with the addresses and ports where gro_parse reads them in a
 * packet it takes (IPv4 without options): the flow of @p m if it is such
 * a packet and held, else -1 (or, for a packet gro_parse refuses, any
 * flow: only a packet it takes uses the answer).
 */
static int
gro_lookup(struct pn_gro *g, const struct rte_mbuf *m)
{
	const uint8_t *eh = rte_pktmbuf_mtod(m, const uint8_t *);
	uint64_t addr;
	uint32_t ports;

	if (m->data_len < GRO_L4_OFF + sizeof(ports))
		return -1;
	memcpy(&addr, eh + GRO_L3_OFF + offsetof(struct rte_ipv4_hdr, src_addr),
	       sizeof(addr));
	memcpy(&ports, eh + GRO_L4_OFF, sizeof(ports));
	return gro_find(g, addr, ports);
}

/*
 * The bytes of the first 48 header bytes a segment must share with the
 * held packet's first to be merged into it (0xff: compared): the MAC
 * addresses, all IPv4 fields but total length, ID and checksum
 * (gro_list_prepare, inet_gro_receive), the ports, the TCP ACK, data
 * offset and flags but CWR/FIN/PSH (tcp_gro_receive). The window (48)
 * and every option byte (54 on) are compared whole; IDs and sequence
 * numbers apart.
 */
#define GRO_FF4 0xff, 0xff, 0xff, 0xff
static const uint8_t gro_same[48] = {
	GRO_FF4, GRO_FF4, GRO_FF4, GRO_FF4,	/* 0: MACs, type, version, TOS */
	0, 0, 0, 0, GRO_FF4,			/* 16: length, ID; fragment, TTL, proto */
	0, 0, 0xff, 0xff, GRO_FF4,		/* 24: checksum; addresses */
	GRO_FF4, 0xff, 0xff, 0, 0,		/* 32: ...; ports; sequence */
	0, 0, GRO_FF4,				/* 40: ...; ACK */
	0xff, (uint8_t)~GRO_FREE_FLAGS,		/* 46: data offset, flags */
};

/* @p n (1..8) bytes at @p p, any alignment: equal bytes load equal. */
static inline uint64_t
gro_ld(const uint8_t *p, size_t n)
{
	uint64_t w = 0;

	memcpy(&w, p, n);
	return w;
}

/* Nonzero when headers @p a and @p b, @p len bytes each, differ where a
 * merge needs them equal. Word by word: a quarter of the loads and
 * branches of field by field. */
static __rte_always_inline uint64_t
gro_hdr_diff(const uint8_t *a, const uint8_t *b, uint32_t len)
{
	uint64_t d = 0;
	uint32_t i;

	for (i = 0; i < sizeof(gro_same); i += 8)
		d |= (gro_ld(a + i, 8) ^ gro_ld(b + i, 8)) &
		     gro_ld(gro_same + i, 8);
	d |= gro_ld(a + 48, 2) ^ gro_ld(b + 48, 2);
	for (i = GRO_L4_OFF + sizeof(struct rte_tcp_hdr); i < len; i += 4)
		d |= gro_ld(a + i, 4) ^ gro_ld(b + i, 4);
	return d;
}

/*
 * tcp_gro_receive's and inet_gro_receive's comparisons of the segment
 * @p m, its headers at @p eh (at least f->hdr_len bytes in the first
 * mbuf) and @p ip_len its IPv4 total length, with the held packet @p f.
 * @return the IP ID step to go on with (0 or 1), or -1: no merge.
 */
static __rte_always_inline int
gro_match(const struct pn_gro *g, const struct pn_gro_flow *f,
	  const struct rte_mbuf *m, const uint8_t *eh, uint16_t ip_len)
{
	const struct rte_ipv4_hdr *ip =
		(const struct rte_ipv4_hdr *)(eh + GRO_L3_OFF);
	const struct rte_tcp_hdr *th =
		(const struct rte_tcp_hdr *)(eh + GRO_L4_OFF);
	uint16_t id = rte_be_to_cpu_16(ip->packet_id), payload;
	int step = f->id_step;

	/* Same device (gro_list_prepare), the same headers, no CWR. */
	if (f->head->port != m->port || (th->tcp_flags & RTE_TCP_CWR_FLAG) ||
	    gro_hdr_diff(f->hdr, eh, f->hdr_len) != 0)
		return -1;
	/* IP ID: +1 per segment, or fixed under DF, as the second segment
	 * decides (Linux flush_id / is_atomic). */
	if (id != f->id_next) {
		if (f->segs != 1 || id != f->id0 ||
		    !(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG)))
			return -1;
		step = 0;
	}
	/* In sequence, 1 to mss bytes (no larger than the first; the same
	 * data offset, so the same header length), within the limits. */
	payload = (uint16_t)(ip_len - (f->hdr_len - GRO_L3_OFF));
	if ((uint16_t)(payload - 1) >= f->mss ||
	    rte_be_to_cpu_32(th->sent_seq) != f->next_seq ||
	    f->ip_len + payload > GRO_MAX_IP_LEN ||
	    f->segs >= g->conf.max_segs ||
	    f->nb_segs + m->nb_segs > RTE_MBUF_MAX_NB_SEGS)
		return -1;
	return step;
}

/*
 * The expected header (gro_run): what the next segment carries
 * if it is full-size and continues the held packet, as the sender builds
 * it. Its first 64 bytes are compared in 16-byte vectors (SSE on x86-64,
 * NEON on arm64, by the compiler's generic vectors).
 */
#define GRO_EXPECT_LEN 64u
typedef uint64_t gro_v16 __attribute__((vector_size(16)));

/* Bytes 32..47 of a segment that may differ from the expected ones:
 * FIN and PSH (CWR must be clear, and is clear in the expected byte). */
static const uint8_t gro_keep32[16] __attribute__((aligned(16))) = {
	GRO_FF4, GRO_FF4, GRO_FF4, 0xff, 0xff, 0xff,
	(uint8_t)~(RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG),
};

/* Two pairs of neighbouring mbuf fields, each read as one word. */
struct gro_mbuf_lens {
	uint32_t pkt_len;
	uint16_t data_len;
	uint16_t vlan_tci;
};
struct gro_mbuf_segs_port {
	uint16_t nb_segs;
	uint16_t port;
};
static_assert(offsetof(struct rte_mbuf, data_len) ==
	      offsetof(struct rte_mbuf, pkt_len) + 4 &&
	      offsetof(struct rte_mbuf, vlan_tci) ==
	      offsetof(struct rte_mbuf, pkt_len) + 6 &&
	      offsetof(struct rte_mbuf, port) ==
	      offsetof(struct rte_mbuf, nb_segs) + 2, "mbuf layout");

/* Nonzero unless @p m is one mbuf, from the head's port, of the expected
 * segment's length. */
static __rte_always_inline uint64_t
gro_expect_mbuf_diff(const struct pn_gro_flow *f, const struct rte_mbuf *m)
{
	static const struct gro_mbuf_lens keep = { UINT32_MAX, UINT16_MAX, 0 };
	const uint8_t *b = (const uint8_t *)m;
	uint64_t lens, k;
	uint32_t sp;

	memcpy(&lens, b + offsetof(struct rte_mbuf, pkt_len), sizeof(lens));
	memcpy(&k, &keep, sizeof(k));
	memcpy(&sp, b + offsetof(struct rte_mbuf, nb_segs), sizeof(sp));
	return ((lens & k) ^ f->mbuf_lens) | (sp ^ f->mbuf_segs_port);
}

static inline gro_v16
gro_ldv(const void *p)
{
	gro_v16 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The IPv4 ID and header checksum of the next segment. */
static inline void
gro_expect_id(struct pn_gro_flow *f)
{
	uint8_t *e = (uint8_t *)f->expect;
	uint16_t id = rte_cpu_to_be_16(f->id_next);
	uint16_t ck = rte_cpu_to_be_16(
		(uint16_t)~pn_cksum_fold(f->ip_sum + f->id_next));

	memcpy(e + GRO_L3_OFF + offsetof(struct rte_ipv4_hdr, packet_id), &id,
	       sizeof(id));
	memcpy(e + GRO_L3_OFF + offsetof(struct rte_ipv4_hdr, hdr_checksum),
	       &ck, sizeof(ck));
}

/* The sequence number of the next segment. */
static inline void
gro_expect_seq(struct pn_gro_flow *f)
{
	uint32_t seq = rte_cpu_to_be_32(f->next_seq);

	memcpy((uint8_t *)f->expect + GRO_L4_OFF +
	       offsetof(struct rte_tcp_hdr, sent_seq), &seq, sizeof(seq));
}

/*
 * Nonzero when header @p eh differs from the expected one of @p f where
 * a merge needs it equal (gro_hdr_diff's bytes), or in length, ID, IPv4
 * checksum or sequence number from a full-size segment's that continues
 * the packet. The bytes past 63 (TCP options) are compared with the
 * held header's from 62 on, in the option words gro_hdr_diff uses.
 */
static __rte_always_inline int
gro_expect_diff(const struct pn_gro_flow *f, const uint8_t *eh)
{
	const uint8_t *e = (const uint8_t *)f->expect;
	gro_v16 d;
	uint32_t x = 0, i;

	d = (gro_ldv(eh) ^ gro_ldv(e)) | (gro_ldv(eh + 16) ^ gro_ldv(e + 16)) |
	    ((gro_ldv(eh + 32) & gro_ldv(gro_keep32)) ^ gro_ldv(e + 32)) |
	    ((gro_ldv(eh + 48) & gro_ldv(f->keep48)) ^ gro_ldv(e + 48));
#ifdef __SSE4_1__
	if (!_mm_testz_si128((__m128i)d, (__m128i)d))
		return 1;
#else
	if (d[0] | d[1])
		return 1;
#endif
	for (i = GRO_EXPECT_LEN - 2; i < f->hdr_len; i += 4)
		x |= (uint32_t)(gro_ld(eh + i, 4) ^ gro_ld(f->hdr + i, 4));
	return x != 0;
}

/* gro_match's limits as a count of further segments of f->mss bytes in
 * one mbuf each; 0 for frames shorter than the vectors compared. */
static uint16_t
gro_room(const struct pn_gro *g, const struct pn_gro_flow *f)
{
	uint32_t room;

	if (f->frame_len < GRO_EXPECT_LEN)
		return 0;
	room = RTE_MIN((uint32_t)g->conf.max_segs - f->segs,
		       (GRO_MAX_IP_LEN - f->ip_len) / f->mss);
	return (uint16_t)RTE_MIN(room, (uint32_t)RTE_MBUF_MAX_NB_SEGS -
					       f->nb_segs);
}

/*
 * The expected header of @p f's next segment, built when a segment is
 * first merged into it (a packet that stays alone never needs it): the
 * held header (f->hdr, as received) with the next ID, checksum and
 * sequence number.
 */
static void
gro_expect_init(const struct pn_gro *g, struct pn_gro_flow *f)
{
	uint8_t *e = (uint8_t *)f->expect, *k = (uint8_t *)f->keep48;
	const uint8_t *ip = f->hdr + GRO_L3_OFF;
	uint32_t ip_len = f->hdr_len - GRO_L3_OFF + f->mss;

	memset(f->expect, 0, sizeof(f->expect));
	memcpy(e, f->hdr, RTE_MIN(f->hdr_len, GRO_EXPECT_LEN));
	e[GRO_L4_OFF + offsetof(struct rte_tcp_hdr, tcp_flags)] &=
		(uint8_t)~GRO_FREE_FLAGS;
	/* Bytes 48..63: the window and options (up to the header's end)
	 * as gro_hdr_diff compares them; not the checksum or urgent
	 * pointer (50..53), which tcp_gro_receive does not compare. */
	memset(f->keep48, 0, sizeof(f->keep48));
	memset(k, 0xff, RTE_MIN(f->hdr_len - 48u, sizeof(f->keep48)));
	memset(k + 2, 0, 4);
	memset(e + 50, 0, 4);
	/* The words but ID (2) and checksum (5): RFC 1071, host order. */
#define GRO_W(i) ((uint32_t)ip[2 * (i)] << 8 | ip[2 * (i) + 1])
	f->ip_sum = GRO_W(0) + GRO_W(1) + GRO_W(3) + GRO_W(4) + GRO_W(6) +
		    GRO_W(7) + GRO_W(8) + GRO_W(9);
	f->phdr = pn_ipv4_phdr_add((uint32_t)GRO_W(6) << 16 | GRO_W(7),
				   (uint32_t)GRO_W(8) << 16 | GRO_W(9),
				   IPPROTO_TCP,
				   (uint16_t)(ip_len -
					      sizeof(struct rte_ipv4_hdr)));
#undef GRO_W
	f->frame_len = GRO_L3_OFF + ip_len;
	{
		struct gro_mbuf_lens l = { f->frame_len, (uint16_t)f->frame_len,
					   0 };
		struct gro_mbuf_segs_port sp = { 1, f->head->port };

		memcpy(&f->mbuf_lens, &l, sizeof(l));
		memcpy(&f->mbuf_segs_port, &sp, sizeof(sp));
	}
	f->room = gro_room(g, f);
	f->expect_ok = 1;
	gro_expect_id(f);
	gro_expect_seq(f);
}

/* Chain @p m, which gro_match found mergeable with @p step, to @p f. */
static __rte_always_inline enum gro_verdict
gro_link(struct pn_gro *g, struct pn_gro_flow *f, struct rte_mbuf *m,
	 int step)
{
	const uint8_t *eh = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ipv4_hdr *ip =
		(const struct rte_ipv4_hdr *)(eh + GRO_L3_OFF);
	uint8_t flags = ((const struct rte_tcp_hdr *)(ip + 1))->tcp_flags;
	uint16_t payload = (uint16_t)(m->pkt_len - f->hdr_len);

	f->id_next = (uint16_t)(rte_be_to_cpu_16(ip->packet_id) + step);
	f->id_step = (uint8_t)step;
	/* rte_pktmbuf_adj without its check: the headers are in the first
	 * segment. The head's pkt_len and nb_segs are set once, by
	 * gro_complete. */
	m->data_off = (uint16_t)(m->data_off + f->hdr_len);
	m->data_len = (uint16_t)(m->data_len - f->hdr_len);
	m->pkt_len = payload;
	f->tail->next = m;
	f->tail = m->nb_segs == 1 ? m : rte_pktmbuf_lastseg(m);
	f->nb_segs += m->nb_segs;
	f->ip_len += payload;
	f->next_seq += payload;
	f->segs++;
	f->fin_psh |= flags & (RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG);
	g->stat.merged++;
	/* A short last segment or PSH/FIN ends the packet. */
	if (payload < f->mss || (flags & GRO_END_FLAGS))
		return GRO_MERGED_LAST;
	if (!f->expect_ok) {
		gro_expect_init(g, f);
	} else {
		f->room = gro_room(g, f);
		gro_expect_id(f);
		gro_expect_seq(f);
	}
	return GRO_MERGED;
}

/* Merge @p m, parsed into @p s, into @p f if the rules allow. */
static enum gro_verdict
gro_merge(struct pn_gro *g, struct pn_gro_flow *f, struct rte_mbuf *m,
	  const struct gro_seg *s)
{
	int step;

	if (s->hdr_len != f->hdr_len ||
	    (step = gro_match(g, f, m, s->eh, s->ip_len)) < 0)
		return GRO_NO;
	return gro_link(g, f, m, step);
}

/* inet_gro_complete + tcp4_gro_complete: the headers of the whole. */
static struct rte_mbuf *
gro_complete(struct pn_gro *g, struct pn_gro_flow *f)
{
	struct rte_mbuf *m = f->head;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	uint16_t old;

	g->stat.flushed++;
	if (f->segs == 1)
		return m; /* handed up as it came */
	g->stat.flushed_merged++;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, GRO_L3_OFF);
	th = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, GRO_L4_OFF);
	m->nb_segs = (uint16_t)f->nb_segs;
	m->pkt_len = GRO_L3_OFF + f->ip_len;
	old = rte_be_to_cpu_16(ip->total_length);
	ip->total_length = rte_cpu_to_be_16((uint16_t)f->ip_len);
	ip->hdr_checksum = rte_cpu_to_be_16(
		pn_cksum_replace16(rte_be_to_cpu_16(ip->hdr_checksum), old,
				(uint16_t)f->ip_len));
	th->tcp_flags |= f->fin_psh;
	/* CHECKSUM_PARTIAL: the pseudo-header sum, flagged good. */
	th->cksum = rte_cpu_to_be_16(pn_ipv4_phdr_sum(
		rte_be_to_cpu_32(ip->src_addr), rte_be_to_cpu_32(ip->dst_addr),
		IPPROTO_TCP,
		(uint16_t)(f->ip_len - sizeof(struct rte_ipv4_hdr))));
	/* Marked as a device's LRO would be (tso_segsz: the segment size of
	 * the originals), so TCP counts InSegs per segment and ACKs at once
	 * (Linux: gso_size/gso_segs of a GRO skb). */
	m->ol_flags = (m->ol_flags & ~CKSUM_MASKS) | CKSUM_GOOD |
		      RTE_MBUF_F_RX_LRO;
	m->tso_segsz = f->mss;
	return m;
}

static void
gro_remove(struct pn_gro *g, uint16_t i)
{
	uint16_t tail = (uint16_t)(g->nb_flows - i - 1);

	memmove(&g->key_addr[i], &g->key_addr[i + 1],
		tail * sizeof(g->key_addr[0]));
	memmove(&g->key_ports[i], &g->key_ports[i + 1],
		tail * sizeof(g->key_ports[0]));
	memmove(&g->flow[i], &g->flow[i + 1], tail * sizeof(g->flow[0]));
	g->nb_flows--;
	if (g->last > i && g->last != UINT16_MAX)
		g->last--;
	else if (g->last == i)
		g->last = UINT16_MAX;
}

static struct rte_mbuf *
gro_take(struct pn_gro *g, uint16_t i)
{
	struct rte_mbuf *m = gro_complete(g, &g->flow[i]);

	gro_remove(g, i);
	return m;
}

static void
gro_hold(struct pn_gro *g, struct rte_mbuf *m, const struct gro_seg *s)
{
	uint16_t i = g->nb_flows++;
	struct pn_gro_flow *f = &g->flow[i];

	g->key_addr[i] = s->addr;
	g->key_ports[i] = s->ports;
	f->head = m;
	f->tail = m->nb_segs == 1 ? m : rte_pktmbuf_lastseg(m);
	f->hdr = s->eh;
	f->next_seq = rte_be_to_cpu_32(s->th->sent_seq) + s->payload;
	f->ip_len = s->ip_len;
	f->nb_segs = m->nb_segs;
	f->mss = s->payload;
	f->segs = 1;
	f->id0 = rte_be_to_cpu_16(s->ip->packet_id);
	f->id_next = (uint16_t)(f->id0 + 1);
	f->id_step = 1;
	f->fin_psh = 0;
	f->hdr_len = (uint8_t)s->hdr_len;
	f->ip_var = pn_cksum_fold(pn_cksum_fold(gro_ip_var(s->ip)));
	f->room = 0;	/* gro_run: not before the first merge */
	f->expect_ok = 0;
	g->last = i;
	g->stat.held++;
}

/*
 * Segments merged into the flow hit last (gro_lookup found the first
 * one's) while each is the one expected there: full-size, in one mbuf, its headers equal to the expected ones
 * (gro_expect_diff), room left. Such a segment is one gro_one_fast
 * merges (its IPv4 header checksum verified by the comparison: the
 * expected one is valid) and is merged the same way; the first that is
 * not goes to gro_one, which decides exactly as before. A loop of its
 * own, out of line: the flow and the loop stay in registers across the
 * checksum call.
 * @return segments of @p pkts[0..n) taken; *@p k counts those written
 *   to @p out.
 */
static __rte_noinline unsigned int
gro_run(struct pn_gro *g, struct rte_mbuf **pkts, unsigned int n,
	struct rte_mbuf **out, unsigned int *k)
{
	struct pn_gro_flow *f;
	unsigned int j;

	if (g->last >= g->nb_flows)
		return 0;
	f = &g->flow[g->last];
	for (j = 0; j < n; j++) {
		struct rte_mbuf *m = pkts[j];
		uint64_t ol = m->ol_flags;
		const uint8_t *eh;
		uint32_t mss;
		uint8_t flags;

		if (j + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[j + 1], void *));
		if (f->room == 0 || gro_expect_mbuf_diff(f, m) ||
		    (ol & RTE_MBUF_F_RX_VLAN_STRIPPED) ||
		    (ol & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
			    RTE_MBUF_F_RX_IP_CKSUM_BAD ||
		    (ol & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
			    RTE_MBUF_F_RX_L4_CKSUM_BAD)
			break;
		eh = rte_pktmbuf_mtod(m, const uint8_t *);
		if (gro_expect_diff(f, eh))
			break;
		/* As gro_cksum (NONE: partial, merged unverified). */
		if ((ol & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
		    RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN) {
			g->stat.csum_sw++;
			if (unlikely(pn_cksum_add_finish(f->phdr,
					eh + GRO_L4_OFF,
					f->frame_len - GRO_L4_OFF) != 0)) {
				g->stat.csum_bad++;
				g->stat.bypass++;
				m->ol_flags = (ol & ~CKSUM_MASKS) |
					      RTE_MBUF_F_RX_IP_CKSUM_GOOD |
					      RTE_MBUF_F_RX_L4_CKSUM_BAD;
				out[(*k)++] = m;
				continue;
			}
		}
		m->ol_flags = (ol & ~CKSUM_MASKS) | CKSUM_GOOD;
		/* gro_link for this segment. */
		mss = f->mss;
		flags = eh[GRO_L4_OFF + offsetof(struct rte_tcp_hdr, tcp_flags)];
		m->data_off = (uint16_t)(m->data_off + f->hdr_len);
		m->data_len = (uint16_t)mss;
		m->pkt_len = mss;
		f->tail->next = m;
		f->tail = m;
		f->nb_segs++;
		f->ip_len += mss;
		f->next_seq += mss;
		f->segs++;
		f->room--;
		g->stat.merged++;
		if (unlikely(flags & (RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG))) {
			f->fin_psh |= flags &
				      (RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG);
			out[(*k)++] = gro_take(g, g->last);
			return j + 1;
		}
		if (f->id_step) {
			f->id_next++;
			gro_expect_id(f);
		}
		gro_expect_seq(f);
	}
	return j;
}

/*
 * @p m merged into the flow hit last, if it continues it: the common
 * case, without gro_parse or a lookup. Headers equal to the held ones
 * where gro_match compares them are also IPv4 without options, TCP, not
 * a fragment, of the same 4-tuple and TCP header length: what is left
 * to check is what differs per segment. Nothing is summed before the
 * rules are met, and a segment they refuse takes the full path (which
 * decides exactly as it always did).
 * @return packets written to @p out, or -1: not taken.
 */
static int
gro_one_fast(struct pn_gro *g, struct rte_mbuf *m, struct rte_mbuf **out)
{
	const uint8_t *eh = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ipv4_hdr *ip;
	struct pn_gro_flow *f;
	uint16_t ip_len;
	int step;

	if (g->last >= g->nb_flows)
		return -1;
	f = &g->flow[g->last];
	if (m->data_len < f->hdr_len ||
	    (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED))
		return -1;
	ip = (const struct rte_ipv4_hdr *)(eh + GRO_L3_OFF);
	ip_len = rte_be_to_cpu_16(ip->total_length);
	if (ip_len != m->pkt_len - GRO_L3_OFF ||
	    (step = gro_match(g, f, m, eh, ip_len)) < 0)
		return -1;
	if (gro_cksum(g, m, ip, ip_len, f) < 0) {
		g->stat.bypass++;	/* as gro_parse's -1 */
		out[0] = m;
		return 1;
	}
	switch (gro_link(g, f, m, step)) {
	case GRO_MERGED_LAST:
		out[0] = gro_take(g, g->last);
		return 1;
	default:
		return 0;
	}
}

/* One packet gro_run did not take, @p found its flow by gro_lookup (or
 * -1): kept, or written to @p out after what it flushes. */
static __rte_noinline unsigned int
gro_one(struct pn_gro *g, struct rte_mbuf *m, struct rte_mbuf **out,
	int found)
{
	struct gro_seg s;
	uint16_t k = 0;
	int i;

	/* gro_one_fast merges only into the packet's own flow: when
	 * gro_lookup found none, it would refuse. */
	if (found >= 0 && (i = gro_one_fast(g, m, out)) >= 0)
		return (uint16_t)i;
	if (gro_parse(g, m, &s) < 0) {
		g->stat.bypass++;
		out[0] = m;
		return 1;
	}
	/* gro_lookup's flow: of these addresses and ports (gro_parse
	 * found them where it read them), the table unchanged since. */
	i = found;
	if (i >= 0) {
		switch (gro_merge(g, &g->flow[i], m, &s)) {
		case GRO_MERGED:
			return 0;
		case GRO_MERGED_LAST:
			out[0] = gro_take(g, (uint16_t)i);
			return 1;
		default:
			/* What is held goes first: the flow keeps its order. */
			out[k++] = gro_take(g, (uint16_t)i);
			break;
		}
	}
	if (s.payload == 0 || (s.th->tcp_flags & GRO_END_FLAGS)) {
		g->stat.bypass++;
		out[k++] = m;
		return k;
	}
	if (g->nb_flows >= g->conf.max_flows) {
		g->stat.evicted++;
		out[k++] = gro_take(g, 0); /* the oldest */
	}
	gro_hold(g, m, &s);
	return k;
}

uint16_t
pn_gro_receive(struct pn_gro *g, struct rte_mbuf **pkts, uint16_t n,
	       struct rte_mbuf **out)
{
	unsigned int i = 0, k = 0, c;
	int found;

	while (i < n) {
		/* The packet's flow (hit last: the first key compared) runs
		 * while segments are the ones it expects. */
		found = gro_lookup(g, pkts[i]);
		if (found >= 0 && g->flow[found].room != 0 &&
		    (c = gro_run(g, pkts + i, n - i, out, &k)) != 0) {
			i += c;
			continue;
		}
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		k += gro_one(g, pkts[i], out + k, found);
		i++;
	}
	return (uint16_t)k;
}

uint16_t
pn_gro_flush(struct pn_gro *g, struct rte_mbuf **out, uint16_t max)
{
	uint16_t n = RTE_MIN(g->nb_flows, max), i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		out[i] = gro_complete(g, &g->flow[i]);
	memmove(&g->key_addr[0], &g->key_addr[n],
		(g->nb_flows - n) * sizeof(g->key_addr[0]));
	memmove(&g->key_ports[0], &g->key_ports[n],
		(g->nb_flows - n) * sizeof(g->key_ports[0]));
	memmove(&g->flow[0], &g->flow[n], (g->nb_flows - n) * sizeof(g->flow[0]));
	g->nb_flows = (uint16_t)(g->nb_flows - n);
	g->last = UINT16_MAX;
	return n;
}
