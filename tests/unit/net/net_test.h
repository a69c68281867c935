/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_TEST_NET_TEST_H
#define PN_TEST_NET_TEST_H

/*
 * A small world for lib/net tests: one or two shards on a manual clock,
 * a fake tx_burst capturing every frame per shard, frame builders that
 * write bytes by hand (reference checksums from pkt_build.h), and a leak
 * check on the mbuf pool at teardown.
 *
 * Us: 02:00:00:00:00:02 198.18.0.2/24 on port 0.
 * Peer: 02:00:00:00:00:01 198.18.0.1.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "lcore.h"
#include "net.h"
#include "pkt_build.h"
#include "test_eal.h"

#define TW_TX_MAX 256
#define IP_US   PN_IPV4(198, 18, 0, 2)
#define IP_PEER PN_IPV4(198, 18, 0, 1)

static const uint8_t MAC_US[6] __attribute__((unused)) = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t MAC_PEER[6] __attribute__((unused)) = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t MAC_BCAST[6] __attribute__((unused)) = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

struct tw {
	struct pn_clock clock;
	struct pn_shards shards;
	struct pn_lcore lc[2];
	struct pn_net *net[2];
	struct pn_net_conf conf;
	unsigned int nshards;
	unsigned int pool_avail;
	struct rte_mbuf *tx[2][TW_TX_MAX];
	unsigned int ntx[2];
	/* a registered protocol handler's catch */
	struct rte_mbuf *l4_m;
	struct pn_ipv4_hdr l4_ip;
	unsigned int l4_calls;
};

static struct tw *T;

static uint16_t
tw_tx_burst(struct pn_lcore *lc, uint16_t port, uint16_t queue,
	    struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	(void)port;
	(void)queue;
	for (i = 0; i < n; i++) {
		if (T->ntx[lc->shard] < TW_TX_MAX)
			T->tx[lc->shard][T->ntx[lc->shard]++] = pkts[i];
		else
			rte_pktmbuf_free(pkts[i]);
	}
	return n;
}

/* The conf every test starts from. */
static inline void
tw_conf(struct pn_net_conf *c)
{
	pn_net_conf_default(c);
	memcpy(c->port[0].mac, MAC_US, 6);
	c->port[0].nb_addrs = 1;
	c->port[0].addr[0].ip = IP_US;
	c->port[0].addr[0].prefix_len = 24;
}

/* Bring up @p nshards shards with T->conf (call tw_conf first). */
static inline void
tw_start(unsigned int nshards)
{
	struct pn_napi_conf nc;
	unsigned int s;

	pn_napi_conf_default(&nc);
	T->nshards = nshards;
	T->pool_avail = rte_mempool_avail_count(pn_test_pool());
	pn_clock_init_manual(&T->clock, PN_NS_PER_S);
	for (s = 0; s < nshards; s++) {
		assert_int_equal(pn_lcore_init(&T->lc[s], &T->shards,
					       (uint16_t)s, &nc, &T->clock,
					       SOCKET_ID_ANY), 0);
		T->lc[s].ops.tx_burst = tw_tx_burst;
		assert_int_equal(pn_lcore_add_txq(&T->lc[s], 0, (uint16_t)s),
				 0);
		assert_int_equal(pn_net_create(&T->conf, &T->lc[s],
					       pn_test_pool(), &T->net[s]), 0);
	}
}

static inline void
tw_clear(unsigned int s)
{
	unsigned int i;

	for (i = 0; i < T->ntx[s]; i++)
		rte_pktmbuf_free(T->tx[s][i]);
	T->ntx[s] = 0;
}

static inline int
tw_setup(void **state)
{
	(void)state;
	pn_test_eal_init();
	T = calloc(1, sizeof(*T));
	if (T == NULL)
		return -1;
	tw_conf(&T->conf);
	return 0;
}

static inline int
tw_teardown(void **state)
{
	unsigned int s;

	(void)state;
	for (s = 0; s < T->nshards; s++) {
		pn_net_free(T->net[s]);
		pn_lcore_fini(&T->lc[s]);
		tw_clear(s);
	}
	if (T->l4_m != NULL)
		rte_pktmbuf_free(T->l4_m);
	/* Nothing leaked, nothing freed twice. */
	if (T->nshards)
		assert_int_equal(rte_mempool_avail_count(pn_test_pool()),
				 T->pool_avail);
	free(T);
	T = NULL;
	return 0;
}

#define TW_TEST(f) cmocka_unit_test_setup_teardown(f, tw_setup, tw_teardown)

static inline struct pn_lcore *
tw_lc(unsigned int s)
{
	return &T->lc[s];
}

static inline const struct pn_net_stat *
tw_stat(unsigned int s)
{
	return pn_net_stats(T->net[s]);
}

static inline uint64_t
tw_drops(unsigned int s, enum pn_drop_reason r)
{
	return T->lc[s].stat.drop[r];
}

/* One loop round on shard @p s (messages, timers, TX flush). */
static inline void
tw_round(unsigned int s)
{
	pn_lcore_round(&T->lc[s]);
}

static inline void
tw_advance_ms(uint64_t ms)
{
	pn_clock_advance(&T->clock, ms * PN_NS_PER_MS);
}

/* Receive a frame on shard @p s, port 0, and flush what it sent. */
static inline void
tw_rx_m(unsigned int s, struct rte_mbuf *m)
{
	m->port = 0;
	T->lc[s].now = pn_clock_now(&T->clock);
	pn_lcore_rx(&T->lc[s], &m, 1);
	pn_tx_flush(&T->lc[s]);
}

static inline void
tw_rx(unsigned int s, const uint8_t *frame, uint32_t len)
{
	tw_rx_m(s, pn_test_mbuf(frame, (uint16_t)len));
}

/* Copy captured frame @p i of shard @p s to @p buf; returns its length. */
static inline uint32_t
tw_frame(unsigned int s, unsigned int i, uint8_t *buf)
{
	struct rte_mbuf *m;
	const void *p;

	assert_true(i < T->ntx[s]);
	m = T->tx[s][i];
	p = rte_pktmbuf_read(m, 0, m->pkt_len, buf);
	if (p != buf)
		memcpy(buf, p, m->pkt_len);
	return m->pkt_len;
}

static inline uint32_t
tw_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* --- builders --- */

static inline uint32_t
b_eth(uint8_t *b, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	pkt_put16(b + 12, type);
	return 14;
}

static inline uint32_t
b_arp(uint8_t *b, uint16_t op, const uint8_t *sha, uint32_t spa,
      const uint8_t *tha, uint32_t tpa)
{
	pkt_put16(b, 1);
	pkt_put16(b + 2, 0x0800);
	b[4] = 6;
	b[5] = 4;
	pkt_put16(b + 6, op);
	memcpy(b + 8, sha, 6);
	pkt_put32(b + 14, spa);
	memcpy(b + 18, tha, 6);
	pkt_put32(b + 24, tpa);
	return 28;
}

/* A whole ARP frame from the peer (Ethernet to @p edst). */
static inline uint32_t
f_arp(uint8_t *b, const uint8_t *edst, uint16_t op, const uint8_t *sha,
      uint32_t spa, const uint8_t *tha, uint32_t tpa)
{
	uint32_t n = b_eth(b, edst, sha, 0x0806);

	return n + b_arp(b + n, op, sha, spa, tha, tpa);
}

/* IPv4 header, no options: @p frag is the raw flags/offset field. */
static inline uint32_t
b_ip(uint8_t *b, uint16_t total, uint16_t id, uint16_t frag, uint8_t proto,
     uint32_t src, uint32_t dst)
{
	b[0] = 0x45;
	b[1] = 0;
	pkt_put16(b + 2, total);
	pkt_put16(b + 4, id);
	pkt_put16(b + 6, frag);
	b[8] = 64;
	b[9] = proto;
	pkt_put32(b + 12, src);
	pkt_put32(b + 16, dst);
	pkt_ipv4_fix_cksum(b);
	return 20;
}

/* Ethernet + IPv4 (DF) + @p l4 bytes from the peer to @p dst. */
static inline uint32_t
f_ip(uint8_t *b, uint8_t proto, uint32_t dst, const uint8_t *l4,
     uint32_t l4_len)
{
	uint32_t n = b_eth(b, MAC_US, MAC_PEER, 0x0800);

	n += b_ip(b + n, (uint16_t)(20 + l4_len), 0x1234, 0x4000, proto,
		  IP_PEER, dst);
	memcpy(b + n, l4, l4_len);
	return n + l4_len;
}

/* Ethernet + IPv4 + ICMP echo request with @p data_len bytes. */
static inline uint32_t
f_ping(uint8_t *b, uint32_t dst, uint16_t seq, uint32_t data_len)
{
	uint8_t icmp[PKT_MAX];
	uint32_t n = pkt_icmp_echo(icmp, 8, 0x4242, seq, data_len);

	return f_ip(b, 1, dst, icmp, n);
}

/* An mbuf holding @p len L4 bytes (byte i = marker + i), with headroom. */
static inline struct rte_mbuf *
tw_l4(uint32_t len, uint8_t marker)
{
	uint8_t buf[PKT_MAX];
	uint32_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(marker + i);
	return pn_test_mbuf(buf, (uint16_t)len);
}

/* Parse captured frame @p i as Ethernet + IPv4 (checked with the
 * reference checksum); returns the offset of the IPv4 header. */
static inline uint32_t
tw_ip_frame(unsigned int s, unsigned int i, uint8_t *buf,
	    struct pn_ipv4_hdr *ip)
{
	uint32_t len = tw_frame(s, i, buf);

	assert_int_equal(pkt_ref_cksum_sum(0, buf + 14, 20), 0xffff);
	assert_int_equal(pn_ipv4_parse(buf + 14, len - 14, 0, ip), 0);
	return 14;
}



/* pn_ip4_output on shard @p s at the current time, then flush TX. */
static inline int
tw_out(unsigned int s, struct rte_mbuf *m, uint32_t dst, uint8_t proto,
       bool df)
{
	int rc;

	T->lc[s].now = pn_clock_now(&T->clock);
	rc = pn_ip4_output(&T->lc[s], T->net[s], m, 0, dst, proto, 0, df);
	pn_tx_flush(&T->lc[s]);
	return rc;
}

static inline enum pn_arp_state
tw_arp_state(unsigned int s, uint32_t ip)
{
	struct pn_net_arp_info info;

	if (pn_net_arp_lookup(T->net[s], 0, ip, &info) < 0)
		return PN_ARP_FREE;
	return info.state;
}

/* Teach shard 0 the peer the way Linux would before pinging: its request. */
static inline void
tw_learn_peer(void)
{
	uint8_t f[PKT_MAX];

	tw_rx(0, f, pkt_hex(f, PKT_VEC_ARP_REQUEST));
	tw_clear(0);
}

/* --- TCP frames (test_tcp_burst, bench_tcp_rx) --- */

#define IP_BCAST PN_IPV4(198, 18, 0, 255)

enum { F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_ACK = 0x10 };

/* Ethernet + IPv4 + TCP (no options) from the peer; @p bad_cksum
 * corrupts the TCP checksum. */
static inline struct rte_mbuf *
tcp_frame(uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq,
	  uint32_t ack, uint8_t flags, uint32_t data_len, bool bad_cksum)
{
	uint8_t l4[PKT_MAX], ph[12], b[PKT_MAX];
	const uint8_t *dmac = dst == IP_BCAST ? MAC_BCAST : MAC_US;
	uint32_t i, len = 20 + data_len, n;
	uint16_t c;

	memset(l4, 0, 20);
	pkt_put16(l4, sport);
	pkt_put16(l4 + 2, dport);
	pkt_put32(l4 + 4, seq);
	pkt_put32(l4 + 8, ack);
	l4[12] = 5 << 4;
	l4[13] = flags;
	pkt_put16(l4 + 14, 65535);
	for (i = 0; i < data_len; i++)
		l4[20 + i] = (uint8_t)i;
	pkt_put32(ph, IP_PEER);
	pkt_put32(ph + 4, dst);
	ph[8] = 0;
	ph[9] = 6;
	pkt_put16(ph + 10, (uint16_t)len);
	c = (uint16_t)~pkt_ref_cksum_sum(pkt_ref_cksum_sum(0, ph, 12), l4,
					 len);
	pkt_put16(l4 + 16, (uint16_t)(bad_cksum ? c ^ 0x5a5a : c));
	n = b_eth(b, dmac, MAC_PEER, 0x0800);
	n += b_ip(b + n, (uint16_t)(20 + len), 0x1234, 0x4000, 6, IP_PEER,
		  dst);
	memcpy(b + n, l4, len);
	return pn_test_mbuf(b, (uint16_t)(n + len));
}

static inline struct rte_mbuf *
arp_request(void)
{
	uint8_t b[PKT_MAX];
	uint32_t n = f_arp(b, MAC_BCAST, 1, MAC_PEER, IP_PEER, MAC_BCAST,
			   IP_US);

	return pn_test_mbuf(b, (uint16_t)n);
}

/* Ethernet input of a burst on shard 0, port 0 (no GRO), then TX flush. */
static inline void
tw_net_rx(struct rte_mbuf **m, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++)
		m[i]->port = 0;
	T->lc[0].now = pn_clock_now(&T->clock);
	pn_net_rx(&T->lc[0], m, n, T->net[0]);
	pn_tx_flush(&T->lc[0]);
}

/* A SYN from the peer's @p sport (sequence @p seq) to our @p dport, then
 * our ACK of its SYN-ACK: the connection is established on shard 0. Puts
 * the SYN-ACK's ISS in @p iss; -1 when not exactly one frame answered the
 * SYN. */
static inline int
tw_tcp_handshake(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t *iss)
{
	uint8_t buf[PKT_MAX];
	struct rte_mbuf *m = tcp_frame(IP_US, sport, dport, seq, 0, F_SYN, 0,
				       false);

	tw_net_rx(&m, 1);
	if (T->ntx[0] != 1)
		return -1;
	tw_frame(0, 0, buf);
	*iss = tw_get32(buf + 14 + 20 + 4);
	tw_clear(0);
	m = tcp_frame(IP_US, sport, dport, seq + 1, *iss + 1, F_ACK, 0, false);
	tw_net_rx(&m, 1);
	return 0;
}

#endif /* PN_TEST_NET_TEST_H */
