/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet and IPv4 input (every validation drop and its reason, RX
 * checksum flags, padding, VLAN, chains, protocol handlers) and IPv4
 * output (header fields, source selection, checksum offloads).
 */
#include "net_test.h"

static void
static_peer(void)
{
	T->conf.nb_static_arp = 1;
	T->conf.static_arp[0].ip = IP_PEER;
	memcpy(T->conf.static_arp[0].mac, MAC_PEER, 6);
}

/* A ping to us, then @p edit on its IPv4 header (checksum refreshed
 * unless @p fix is false); returns the frame length. */
static uint32_t
edited_ping(uint8_t *f, void (*edit)(uint8_t *ip), bool fix)
{
	uint32_t n = f_ping(f, IP_US, 1, 16);

	edit(f + 14);
	if (fix)
		pkt_ipv4_fix_cksum(f + 14);
	return n;
}

static void ed_version(uint8_t *ip) { ip[0] = 0x65; }
static void ed_ihl(uint8_t *ip) { ip[0] = 0x44; }
static void ed_total_long(uint8_t *ip) { pkt_put16(ip + 2, 200); }
static void ed_total_short(uint8_t *ip) { pkt_put16(ip + 2, 19); }
static void ed_cksum(uint8_t *ip) { ip[10] ^= 0x40; }
static void ed_dst(uint8_t *ip) { pkt_put32(ip + 16, PN_IPV4(198, 18, 0, 3)); }
static void ed_src(uint8_t *ip) { pkt_put32(ip + 12, PN_IPV4(127, 0, 0, 1)); }
static void ed_src_mcast(uint8_t *ip) { pkt_put32(ip + 12, PN_IPV4(224, 0, 0, 1)); }
static void ed_dst_lo(uint8_t *ip) { pkt_put32(ip + 16, PN_IPV4(127, 0, 0, 1)); }
static void ed_src_us(uint8_t *ip) { pkt_put32(ip + 12, IP_US); }

static void
test_validation_drops(void **state)
{
	static const struct {
		void (*edit)(uint8_t *ip);
		bool fix;
		enum pn_drop_reason reason;
	} cases[] = {
		{ ed_version, true, PN_DROP_IP_VERSION },
		{ ed_ihl, true, PN_DROP_IP_HDR_LEN },
		{ ed_total_long, true, PN_DROP_IP_TRUNCATED },
		{ ed_total_short, true, PN_DROP_IP_HDR_LEN },
		{ ed_cksum, false, PN_DROP_IP_CSUM },
		{ ed_dst, true, PN_DROP_IP_NOT_FOR_US },
		{ ed_src, true, PN_DROP_IP_MARTIAN_SRC },
		{ ed_src_mcast, true, PN_DROP_IP_MARTIAN_SRC },
		/* the loopback's addresses only from the loopback */
		{ ed_dst_lo, true, PN_DROP_IP_NOT_FOR_US },
	};
	uint8_t f[PKT_MAX];
	unsigned int i;

	(void)state;
	tw_start(1);
	for (i = 0; i < RTE_DIM(cases); i++) {
		uint64_t before = tw_drops(0, cases[i].reason);

		tw_rx(0, f, edited_ping(f, cases[i].edit, cases[i].fix));
		assert_int_equal(tw_drops(0, cases[i].reason), before + 1);
		assert_int_equal(T->ntx[0], 0);
	}
	assert_int_equal(tw_lc(0)->stat.drops, RTE_DIM(cases));
	assert_int_equal(tw_stat(0)->ip_in, RTE_DIM(cases));
	assert_int_equal(tw_stat(0)->ip_delivered, 0);
}

/* To one of our own addresses: back in through the loopback, nothing on
 * the wire; an echo request to ourselves is answered to ourselves, and
 * the reply comes back too. From a port, our own source is a spoof. */
static void
test_to_ourselves_loops_back(void **state)
{
	uint8_t f[PKT_MAX];
	struct rte_mbuf *m;
	uint32_t n;

	(void)state;
	tw_start(1);
	tw_rx(0, f, edited_ping(f, ed_src_us, true));
	assert_int_equal(tw_drops(0, PN_DROP_IP_SRC_OURS), 1);
	assert_int_equal(T->ntx[0], 0);
	/* the same echo request, sent by the stack to itself */
	n = f_ping(f, IP_US, 7, 16);
	m = pn_test_mbuf(f + 34, (uint16_t)(n - 34));	/* the ICMP message */
	assert_int_equal(tw_out(0, m, IP_US, PN_IPV4_PROTO_ICMP, false), 0);
	assert_int_equal(T->ntx[0], 0);
	assert_int_equal(tw_stat(0)->ip_loopback, 1);
	assert_int_equal(tw_lc(0)->stat.looped, 1);
	tw_round(0);			/* the request, and the reply out */
	assert_int_equal(tw_stat(0)->icmp_echo_in, 1);
	assert_int_equal(tw_stat(0)->ip_loopback, 2);
	tw_round(0);			/* the reply */
	assert_int_equal(tw_stat(0)->icmp_in, 2);
	assert_int_equal(T->ntx[0], 0);
	/* no one pings from here: the reply is nobody's, as on the wire */
	assert_int_equal(tw_drops(0, PN_DROP_ICMP_UNHANDLED), 1);
	assert_int_equal(tw_lc(0)->stat.drops, 2);
}

static void
test_rx_cksum_flags_trusted(void **state)
{
	uint8_t f[PKT_MAX];
	struct rte_mbuf *m;
	uint32_t n;

	(void)state;
	static_peer();
	tw_start(1);
	/* GOOD from the device: the (wrong) checksum is not looked at. */
	n = edited_ping(f, ed_cksum, false);
	m = pn_test_mbuf(f, (uint16_t)n);
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	tw_rx_m(0, m);
	assert_int_equal(T->ntx[0], 1);
	/* BAD from the device: dropped though the checksum is right. */
	n = f_ping(f, IP_US, 2, 16);
	m = pn_test_mbuf(f, (uint16_t)n);
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_BAD;
	tw_rx_m(0, m);
	assert_int_equal(T->ntx[0], 1);
	assert_int_equal(tw_drops(0, PN_DROP_IP_CSUM), 1);
}

static void
test_ethernet_drops(void **state)
{
	static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x33 };
	static const uint8_t mcast[6] = { 0x01, 0, 0x5e, 0, 0, 1 };
	uint8_t f[PKT_MAX];
	struct rte_mbuf *m;
	uint32_t n;

	(void)state;
	tw_start(1);
	n = f_ping(f, IP_US, 1, 16);
	memcpy(f, other, 6);
	tw_rx(0, f, n);
	memcpy(f, mcast, 6);
	tw_rx(0, f, n);
	memcpy(f, MAC_US, 6);
	pkt_put16(f + 12, 0x86dd);
	tw_rx(0, f, n);
	tw_rx(0, f, 10);
	pkt_put16(f + 12, 0x0800);
	m = pn_test_mbuf(f, (uint16_t)n);
	m->port = 5;
	T->lc[0].now = pn_clock_now(&T->clock);
	pn_lcore_rx(tw_lc(0), &m, 1);
	assert_int_equal(tw_drops(0, PN_DROP_ETH_NOT_FOR_US), 1);
	assert_int_equal(tw_drops(0, PN_DROP_ETH_MULTICAST), 1);
	assert_int_equal(tw_drops(0, PN_DROP_ETH_UNKNOWN_TYPE), 1);
	assert_int_equal(tw_drops(0, PN_DROP_ETH_BAD), 1);
	assert_int_equal(tw_drops(0, PN_DROP_NET_NO_PORT), 1);
	assert_int_equal(T->ntx[0], 0);
}

static void
test_padding_vlan_and_chains(void **state)
{
	uint8_t f[PKT_MAX] = { 0 }, g[PKT_MAX];
	struct pn_ipv4_hdr ip;
	struct rte_mbuf *m, *tail;
	uint32_t n;

	(void)state;
	static_peer();
	tw_start(1);
	/* 4 bytes of echo data: 46-byte frame padded with junk to 60. */
	n = f_ping(f, IP_US, 1, 4);
	memset(f + n, 0xee, 60 - n);
	tw_rx(0, f, 60);
	assert_int_equal(T->ntx[0], 1);
	tw_ip_frame(0, 0, g, &ip);
	assert_int_equal(ip.total_len, 20 + 8 + 4);
	assert_int_equal(tw_frame(0, 0, g), 14 + 32);
	/* Tagged: answered (untagged). */
	n = pkt_eth(f, 0x8100, 5, 0x0800);
	memcpy(f, MAC_US, 6);
	memcpy(f + 6, MAC_PEER, 6);
	n += b_ip(f + n, 28, 1, 0, 1, IP_PEER, IP_US);
	n += pkt_icmp_echo(f + n, 8, 1, 1, 0);
	tw_rx(0, f, n);
	assert_int_equal(T->ntx[0], 2);
	/* A received chain (scatter): parsed from a linear copy. */
	n = f_ping(f, IP_US, 3, 400);
	m = pn_test_mbuf(f, 100);
	tail = pn_test_mbuf(f + 100, (uint16_t)(n - 100));
	assert_int_equal(rte_pktmbuf_chain(m, tail), 0);
	tw_rx_m(0, m);
	assert_int_equal(T->ntx[0], 3);
	tw_ip_frame(0, 2, g, &ip);
	assert_int_equal(ip.total_len, 20 + 8 + 400);
	assert_int_equal(pkt_ref_cksum(g + 34, 408), 0);
	assert_int_equal(g[34], 0);		/* echo reply */
}

static void
proto_catch(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m,
	    const struct pn_ipv4_hdr *ip, void *arg)
{
	(void)lc;
	(void)net;
	assert_ptr_equal(arg, T);
	if (T->l4_m != NULL)
		rte_pktmbuf_free(T->l4_m);
	T->l4_m = m;
	T->l4_ip = *ip;
	T->l4_calls++;
}

static void
test_proto_handler(void **state)
{
	uint8_t f[PKT_MAX] = { 0 }, l4[10] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 };
	uint32_t n;

	(void)state;
	tw_start(1);
	assert_int_equal(pn_net_register_proto(T->net[0], 253, proto_catch, T),
			 0);
	assert_int_equal(pn_net_register_proto(T->net[0], 253, proto_catch, T),
			 -EEXIST);
	assert_int_equal(pn_net_register_proto(T->net[0], 1, proto_catch, T),
			 -EINVAL);
	n = f_ip(f, 253, IP_US, l4, sizeof(l4));
	tw_rx(0, f, 60);			/* padded */
	assert_int_equal(T->l4_calls, 1);
	assert_int_equal(T->l4_m->pkt_len, sizeof(l4));
	assert_memory_equal(rte_pktmbuf_mtod(T->l4_m, uint8_t *), l4,
			    sizeof(l4));
	assert_int_equal(T->l4_ip.src, IP_PEER);
	assert_int_equal(T->l4_ip.dst, IP_US);
	assert_int_equal(T->l4_ip.proto, 253);
	assert_int_equal(T->l4_ip.total_len, n - 14);
	/* Directed broadcast: delivered, the handler sees the address. */
	f_ip(f, 253, PN_IPV4(198, 18, 0, 255), l4, sizeof(l4));
	memcpy(f, MAC_BCAST, 6);
	tw_rx(0, f, n);
	assert_int_equal(T->l4_calls, 2);
	assert_int_equal(T->l4_ip.dst, PN_IPV4(198, 18, 0, 255));
	/* Removed: protocol unreachable again. */
	assert_int_equal(pn_net_register_proto(T->net[0], 253, NULL, NULL), 0);
	f_ip(f, 253, IP_US, l4, sizeof(l4));
	tw_rx(0, f, n);
	assert_int_equal(T->l4_calls, 2);
	assert_int_equal(tw_drops(0, PN_DROP_IP_NO_PROTO), 1);
}

static void
test_output_header(void **state)
{
	uint8_t g[PKT_MAX];
	struct pn_ipv4_hdr ip, ip2;

	(void)state;
	static_peer();
	T->conf.ttl = 33;
	tw_start(1);
	assert_int_equal(tw_out(0, tw_l4(40, 0), IP_PEER, 253, true), 0);
	assert_int_equal(tw_out(0, tw_l4(40, 0), IP_PEER, 253, false), 0);
	assert_int_equal(T->ntx[0], 2);
	tw_ip_frame(0, 0, g, &ip);
	assert_memory_equal(g, MAC_PEER, 6);
	assert_memory_equal(g + 6, MAC_US, 6);
	assert_int_equal(ip.hdr_len, 20);
	assert_int_equal(ip.total_len, 60);
	assert_int_equal(ip.ttl, 33);
	assert_int_equal(ip.proto, 253);
	assert_true(ip.df);
	assert_false(ip.mf);
	assert_int_equal(ip.src, IP_US);	/* chosen from the route */
	assert_int_equal(ip.dst, IP_PEER);
	tw_ip_frame(0, 1, g, &ip2);
	assert_false(ip2.df);
	assert_int_equal((uint16_t)(ip.id + 1), ip2.id);
	assert_int_equal(T->tx[0][0]->l2_len, 14);
	assert_int_equal(T->tx[0][0]->l3_len, 20);
	assert_int_equal(tw_stat(0)->ip_out, 2);
	/* An explicit source is kept. */
	T->lc[0].now = pn_clock_now(&T->clock);
	assert_int_equal(pn_ip4_output(tw_lc(0), T->net[0], tw_l4(8, 0),
				       PN_IPV4(198, 18, 0, 42), IP_PEER, 253,
				       0x10, false), 0);
	pn_tx_flush(tw_lc(0));
	tw_ip_frame(0, 2, g, &ip);
	assert_int_equal(ip.src, PN_IPV4(198, 18, 0, 42));
	assert_int_equal(ip.tos, 0x10);
}

static void
test_ip_cksum_offload(void **state)
{
	uint8_t g[PKT_MAX];
	struct rte_mbuf *m;

	(void)state;
	static_peer();
	T->conf.port[0].tx_ip_cksum = true;
	tw_start(1);
	tw_out(0, tw_l4(40, 0), IP_PEER, 253, false);
	m = T->tx[0][0];
	tw_frame(0, 0, g);
	assert_int_equal(g[14 + 10], 0);
	assert_int_equal(g[14 + 11], 0);
	assert_true(m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM);
	assert_true(m->ol_flags & RTE_MBUF_F_TX_IPV4);
}

/* A UDP datagram asking for checksum offload (pseudo-header sum in). */
static struct rte_mbuf *
udp_offload(uint16_t len)
{
	struct rte_mbuf *m = tw_l4(len, 0x61);
	uint8_t *u = rte_pktmbuf_mtod(m, uint8_t *);

	pkt_put16(u, 4000);
	pkt_put16(u + 2, 5000);
	pkt_put16(u + 4, len);
	pkt_put16(u + 6, pn_ipv4_phdr_sum(IP_US, IP_PEER, 17, len));
	m->ol_flags |= RTE_MBUF_F_TX_UDP_CKSUM;
	m->l4_len = 8;
	return m;
}

/* Reference UDP checksum check over the frame's pseudo header + data. */
static void
assert_udp_ok(const uint8_t *g, uint16_t len)
{
	uint8_t ph[12];

	memcpy(ph, g + 14 + 12, 8);
	ph[8] = 0;
	ph[9] = 17;
	pkt_put16(ph + 10, len);
	assert_int_equal(pkt_ref_cksum_sum(pkt_ref_cksum_sum(0, ph, 12) ,
					   g + 34, len), 0xffff);
}

static void
test_l4_cksum_offload_or_software(void **state)
{
	uint8_t g[PKT_MAX];
	struct rte_mbuf *m;

	(void)state;
	static_peer();
	tw_start(1);
	/* The port cannot: finished in software, flag cleared. */
	tw_out(0, udp_offload(100), IP_PEER, 17, false);
	m = T->tx[0][0];
	assert_false(m->ol_flags & RTE_MBUF_F_TX_L4_MASK);
	tw_frame(0, 0, g);
	assert_udp_ok(g, 100);
}

static void
test_l4_cksum_offload_kept(void **state)
{
	uint8_t g[PKT_MAX];
	struct rte_mbuf *m;

	(void)state;
	static_peer();
	T->conf.port[0].tx_udp_cksum = true;
	tw_start(1);
	tw_out(0, udp_offload(100), IP_PEER, 17, false);
	m = T->tx[0][0];
	assert_int_equal(m->ol_flags & RTE_MBUF_F_TX_L4_MASK,
			 RTE_MBUF_F_TX_UDP_CKSUM);
	assert_true(m->ol_flags & RTE_MBUF_F_TX_IPV4);
	tw_frame(0, 0, g);
	assert_int_equal(g[34 + 6] << 8 | g[34 + 7],
			 pn_ipv4_phdr_sum(IP_US, IP_PEER, 17, 100));
}

/* A TCP segment of @p len bytes (20-byte header) asking for TSO at
 * @p segsz bytes of payload per cut segment. */
static struct rte_mbuf *
tso_seg(uint16_t len, uint16_t segsz)
{
	struct rte_mbuf *m = tw_l4(len, 0x33);

	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM;
	m->l4_len = 20;
	m->tso_segsz = segsz;
	return m;
}

static bool tso_live_answer;

static bool
tso_live(uint16_t port_id)
{
	(void)port_id;
	return tso_live_answer;
}

/* TSO: a segment over the MTU goes out whole only on a port with
 * tx_tso (and TCP checksum offload), whose cut segments fit the MTU,
 * and, with a tx_tso_live hook (net_vhost), only while it says so; the
 * IP ID advances by the number of cut segments. */
static void
test_tso_output(void **state)
{
	struct pn_net_nexthop nh;
	uint8_t g[PKT_MAX];
	struct pn_ipv4_hdr ip, ip2;

	(void)state;
	static_peer();
	T->conf.port[0].tx_tcp_cksum = true;
	tw_start(1);
	/* no tx_tso: too big, dropped with a reason */
	assert_int_equal(tw_out(0, tso_seg(1800, 600), IP_PEER, 6, true),
			 -EMSGSIZE);
	assert_int_equal(tw_drops(0, PN_DROP_IP_TOO_BIG), 1);
	assert_int_equal(pn_net_route(T->net[0], IP_PEER, &nh), 0);
	assert_false(nh.tx_tso);

	T->conf.port[0].tx_tso = true;
	assert_int_equal(pn_net_route(T->net[0], IP_PEER, &nh), 0);
	assert_true(nh.tx_tso);
	assert_int_equal(tw_out(0, tso_seg(1800, 600), IP_PEER, 6, true), 0);
	assert_int_equal(tw_out(0, tw_l4(40, 0), IP_PEER, 6, true), 0);
	assert_int_equal(T->ntx[0], 2);
	tw_ip_frame(0, 0, g, &ip);
	assert_int_equal(ip.total_len, 1820);	/* whole, over the MTU */
	assert_true(T->tx[0][0]->ol_flags & RTE_MBUF_F_TX_TCP_SEG);
	assert_int_equal(T->tx[0][0]->tso_segsz, 600);
	tw_ip_frame(0, 1, g, &ip2);
	assert_int_equal((uint16_t)(ip.id + 3), ip2.id); /* 1780 B / 600 */
	/* a cut segment over the MTU (20 + 20 + 1461 > 1500) */
	assert_int_equal(tw_out(0, tso_seg(1800, 1461), IP_PEER, 6, true),
			 -EMSGSIZE);
	assert_int_equal(tw_drops(0, PN_DROP_IP_TOO_BIG), 2);

	/* a peer that negotiates TSO at run time */
	T->conf.port[0].tx_tso_live = tso_live;
	tso_live_answer = false;
	assert_int_equal(pn_net_route(T->net[0], IP_PEER, &nh), 0);
	assert_false(nh.tx_tso);
	assert_int_equal(tw_out(0, tso_seg(1800, 600), IP_PEER, 6, true),
			 -EMSGSIZE);
	tso_live_answer = true;
	assert_int_equal(pn_net_route(T->net[0], IP_PEER, &nh), 0);
	assert_true(nh.tx_tso);
	assert_int_equal(tw_out(0, tso_seg(1800, 600), IP_PEER, 6, true), 0);
	assert_int_equal(T->ntx[0], 3);
	T->conf.port[0].tx_tso_live = NULL;
}

static void
test_output_no_headroom(void **state)
{
	struct rte_mbuf *m;

	(void)state;
	static_peer();
	tw_start(1);
	m = tw_l4(40, 0);
	rte_pktmbuf_prepend(m, rte_pktmbuf_headroom(m));
	assert_int_equal(tw_out(0, m, IP_PEER, 253, false), -ENOBUFS);
	assert_int_equal(tw_drops(0, PN_DROP_NET_NO_HEADROOM), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TW_TEST(test_validation_drops),
		TW_TEST(test_rx_cksum_flags_trusted),
		TW_TEST(test_to_ourselves_loops_back),
		TW_TEST(test_ethernet_drops),
		TW_TEST(test_padding_vlan_and_chains),
		TW_TEST(test_proto_handler),
		TW_TEST(test_output_header),
		TW_TEST(test_ip_cksum_offload),
		TW_TEST(test_l4_cksum_offload_or_software),
		TW_TEST(test_l4_cksum_offload_kept),
		TW_TEST(test_tso_output),
		TW_TEST(test_output_no_headroom),
	};

	return cmocka_run_group_tests_name("net_ip4", tests, NULL, NULL);
}
