/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes (connected, gateway, static, longest prefix, several addresses
 * and ports, no route), configuration errors naming their field, the
 * shard registry and the telemetry handlers.
 */
#include <rte_telemetry.h>

#include "net_priv.h"
#include "net_test.h"

#define GW PN_IPV4(198, 18, 0, 1)

static void
assert_route(uint32_t dst, uint32_t nexthop, uint32_t src, uint16_t port)
{
	struct pn_net_nexthop nh;

	assert_int_equal(pn_net_route(T->net[0], dst, &nh), 0);
	assert_int_equal(nh.nexthop, nexthop);
	assert_int_equal(nh.src, src);
	assert_int_equal(nh.port_id, port);
}

static void
test_connected_gateway_none(void **state)
{
	const uint32_t far = PN_IPV4(198, 19, 5, 5);
	struct pn_net_nexthop nh;
	uint8_t g[PKT_MAX], zero[6] = { 0 };
	struct pn_ipv4_hdr ip;

	(void)state;
	tw_start(1);
	assert_route(PN_IPV4(198, 18, 0, 77), PN_IPV4(198, 18, 0, 77), IP_US,
		     0);
	assert_int_equal(pn_net_route(T->net[0], far, &nh), -ENETUNREACH);
	assert_int_equal(tw_out(0, tw_l4(20, 0), far, 253, false),
			 -ENETUNREACH);
	assert_int_equal(tw_drops(0, PN_DROP_IP_NO_ROUTE), 1);
	assert_int_equal(T->ntx[0], 0);
	pn_net_free(T->net[0]);

	/* With a default gateway: off-link goes to it, ARP asks for it. */
	T->conf.gateway = GW;
	assert_int_equal(pn_net_create(&T->conf, tw_lc(0), pn_test_pool(),
				       &T->net[0]), 0);
	assert_route(far, GW, IP_US, 0);
	assert_int_equal(tw_out(0, tw_l4(20, 0), far, 253, false), 0);
	assert_int_equal(T->ntx[0], 1);
	tw_frame(0, 0, g);
	assert_int_equal(g[12] << 8 | g[13], 0x0806);
	assert_int_equal(tw_get32(g + 14 + 24), GW);	/* tpa */
	assert_memory_equal(g + 14 + 18, zero, 6);
	tw_clear(0);
	/* The gateway (the peer) asks for us: the queued datagram goes to
	 * it, then our ARP reply. */
	tw_rx(0, g, pkt_hex(g, PKT_VEC_ARP_REQUEST));
	assert_int_equal(T->ntx[0], 2);
	tw_ip_frame(0, 0, g, &ip);
	assert_memory_equal(g, MAC_PEER, 6);
	assert_int_equal(ip.dst, far);
	assert_int_equal(ip.src, IP_US);
}

static void
test_several_addresses(void **state)
{
	const uint32_t ip2 = PN_IPV4(198, 18, 4, 2);
	uint8_t f[PKT_MAX], g[PKT_MAX];
	struct pn_ipv4_hdr ip;

	(void)state;
	T->conf.port[0].nb_addrs = 2;
	T->conf.port[0].addr[1].ip = ip2;
	T->conf.port[0].addr[1].prefix_len = 24;
	tw_start(1);
	assert_route(PN_IPV4(198, 18, 4, 9), PN_IPV4(198, 18, 4, 9), ip2, 0);
	assert_route(PN_IPV4(198, 18, 0, 9), PN_IPV4(198, 18, 0, 9), IP_US,
		     0);
	assert_true(pn_net_is_local(T->net[0], ip2));
	assert_true(pn_net_is_local(T->net[0], IP_US));
	assert_false(pn_net_is_local(T->net[0], PN_IPV4(198, 18, 4, 3)));
	/* A ping to the second address is answered from it. The peer is
	 * off its subnet, so the reply leaves from the first (connected). */
	tw_learn_peer();
	tw_rx(0, f, f_ping(f, ip2, 1, 8));
	assert_int_equal(T->ntx[0], 1);
	tw_ip_frame(0, 0, g, &ip);
	assert_int_equal(ip.src, ip2);
	assert_int_equal(ip.dst, IP_PEER);
}

static void
test_longest_prefix(void **state)
{
	(void)state;
	T->conf.gateway = PN_IPV4(198, 18, 0, 5);
	T->conf.nb_routes = 3;
	T->conf.route[0] = (struct pn_net_route_conf){
		PN_IPV4(198, 19, 0, 0), 16, PN_IPV4(198, 18, 0, 1) };
	T->conf.route[1] = (struct pn_net_route_conf){
		PN_IPV4(198, 19, 7, 99), 24, PN_IPV4(198, 18, 0, 3) };
	T->conf.route[2] = (struct pn_net_route_conf){
		PN_IPV4(198, 19, 7, 128), 25, PN_IPV4(198, 18, 0, 4) };
	tw_start(1);
	assert_route(PN_IPV4(198, 19, 1, 1), PN_IPV4(198, 18, 0, 1), IP_US, 0);
	assert_route(PN_IPV4(198, 19, 7, 1), PN_IPV4(198, 18, 0, 3), IP_US, 0);
	assert_route(PN_IPV4(198, 19, 7, 200), PN_IPV4(198, 18, 0, 4), IP_US,
		     0);
	assert_route(PN_IPV4(198, 20, 0, 1), PN_IPV4(198, 18, 0, 5), IP_US, 0);
	/* Connected /24 beats the /0 and is on-link. */
	assert_route(PN_IPV4(198, 18, 0, 200), PN_IPV4(198, 18, 0, 200), IP_US,
		     0);
}

static void
test_directed_broadcast_output(void **state)
{
	uint8_t g[PKT_MAX];
	struct pn_ipv4_hdr ip;

	(void)state;
	tw_start(1);
	assert_int_equal(tw_out(0, tw_l4(20, 0), PN_IPV4(198, 18, 0, 255), 253,
				false), 0);
	assert_int_equal(T->ntx[0], 1);		/* no ARP */
	tw_ip_frame(0, 0, g, &ip);
	assert_memory_equal(g, MAC_BCAST, 6);
	assert_int_equal(ip.dst, PN_IPV4(198, 18, 0, 255));
}

static void
test_two_ports(void **state)
{
	static const uint8_t mac1[6] = { 0x02, 0, 0, 0, 1, 0x02 };
	const uint32_t ip1 = PN_IPV4(198, 18, 1, 2);
	uint8_t g[PKT_MAX], f[64], zero[6] = { 0 };

	(void)state;
	T->conf.nb_ports = 2;
	T->conf.port[1] = T->conf.port[0];
	T->conf.port[1].port_id = 1;
	memcpy(T->conf.port[1].mac, mac1, 6);
	T->conf.port[1].addr[0].ip = ip1;
	tw_start(1);
	assert_int_equal(pn_lcore_add_txq(tw_lc(0), 1, 0), 0);
	assert_route(PN_IPV4(198, 18, 1, 9), PN_IPV4(198, 18, 1, 9), ip1, 1);
	assert_route(PN_IPV4(198, 18, 0, 9), PN_IPV4(198, 18, 0, 9), IP_US, 0);
	tw_out(0, tw_l4(20, 0), PN_IPV4(198, 18, 1, 9), 253, false);
	assert_int_equal(T->ntx[0], 1);
	tw_frame(0, 0, g);
	assert_memory_equal(g + 6, mac1, 6);		/* from port 1 */
	assert_int_equal(tw_get32(g + 14 + 14), ip1);	/* spa */
	/* ARP on port 0 is not answered for port 1's address. */
	tw_clear(0);
	tw_rx(0, f, f_arp(f, MAC_BCAST, 1, MAC_PEER, IP_PEER, zero, ip1));
	assert_int_equal(T->ntx[0], 0);
}

static void
test_conf_errors_name_the_field(void **state)
{
	static const struct {
		const char *expect;
	} cases[] = {
		{ "net.nb_ports = 0 is out of range (1..8)" },
		{ "net.port[0].mtu = 0 is out of range (68..9000)" },
		{ "net.port[0].mac = 00:00:00:00:00:00 is not a unicast address" },
		{ "net.port[0].nb_addrs = 0 is out of range (1..8)" },
		{ "net.port[0].addr[0].prefix_len = 33 is out of range (1..32)" },
		{ "net.port[0].addr[0].ip = 224.0.0.1/24 is not a unicast host address" },
		{ "net.port[0].addr[0].ip = 198.18.0.255/24 is not a unicast host address" },
		{ "net.port[1].port_id = 0 is already net.port[0]" },
		{ "net.port[0].port_id = 8 is out of range (0..7)" },
		{ "net.ttl = 0 is out of range (1..255)" },
		{ "net.arp.cache_size = 8 is out of range (16..65536)" },
		{ "net.arp.pending_max = 0 is out of range (1..256)" },
		{ "net.reasm.max_frags = 1 is out of range (2..1024)" },
		{ "net.reasm.timeout_ms = 0 is out of range (1000..120000)" },
		{ "net.icmp.rate = 0 is out of range (1..1000000)" },
		{ "net.gateway = 198.19.0.1 is not on a connected subnet" },
		{ "net.route[0].gw = 198.19.0.1 is not on a connected subnet" },
		{ "net.static_arp[0].port_id = 3 is not a configured port" },
	};
	struct pn_napi_conf nc;
	struct pn_net_conf c;
	struct pn_net *net;
	char err[256];
	unsigned int i;

	(void)state;
	tw_conf(&c);
	assert_int_equal(pn_net_conf_check(&c, err, sizeof(err)), 0);
	for (i = 0; i < RTE_DIM(cases); i++) {
		tw_conf(&c);
		switch (i) {
		case 0: c.nb_ports = 0; break;
		case 1: c.port[0].mtu = 0; break;
		case 2: memset(c.port[0].mac, 0, 6); break;
		case 3: c.port[0].nb_addrs = 0; break;
		case 4: c.port[0].addr[0].prefix_len = 33; break;
		case 5: c.port[0].addr[0].ip = PN_IPV4(224, 0, 0, 1); break;
		case 6: c.port[0].addr[0].ip = PN_IPV4(198, 18, 0, 255); break;
		case 7: c.nb_ports = 2; c.port[1] = c.port[0]; break;
		case 8: c.port[0].port_id = 8; break;
		case 9: c.ttl = 0; break;
		case 10: c.arp.cache_size = 8; break;
		case 11: c.arp.pending_max = 0; break;
		case 12: c.reasm.max_frags = 1; break;
		case 13: c.reasm.timeout_ms = 0; break;
		case 14: c.icmp.rate = 0; break;
		case 15: c.gateway = PN_IPV4(198, 19, 0, 1); break;
		case 16:
			c.nb_routes = 1;
			c.route[0].gw = PN_IPV4(198, 19, 0, 1);
			break;
		case 17:
			c.nb_static_arp = 1;
			c.static_arp[0].port_id = 3;
			c.static_arp[0].ip = IP_PEER;
			memcpy(c.static_arp[0].mac, MAC_PEER, 6);
			break;
		}
		err[0] = '\0';
		assert_int_equal(pn_net_conf_check(&c, err, sizeof(err)),
				 -EINVAL);
		assert_string_equal(err, cases[i].expect);
	}
	/* Creation refuses it too. */
	T->conf.port[0].mtu = 0;
	pn_napi_conf_default(&nc);
	pn_clock_init_manual(&T->clock, 0);
	assert_int_equal(pn_lcore_init(&T->lc[0], &T->shards, 0, &nc,
				       &T->clock, SOCKET_ID_ANY), 0);
	assert_int_equal(pn_net_create(&T->conf, &T->lc[0], pn_test_pool(),
				       &net), -EINVAL);
	assert_null(pn_net_of_shard(0));
	pn_lcore_fini(&T->lc[0]);
}

static void
test_registry_and_telemetry(void **state)
{
	static const char *const cmds[] = { "/pollnet/arp", "/pollnet/routes",
					    "/pollnet/ip" };
	struct pn_net *dup;
	unsigned int i;

	(void)state;
	T->conf.gateway = GW;
	tw_start(2);
	assert_ptr_equal(pn_net_of_shard(0), T->net[0]);
	assert_ptr_equal(pn_net_of_shard(1), T->net[1]);
	assert_null(pn_net_of_shard(2));
	assert_int_equal(pn_net_create(&T->conf, tw_lc(1), pn_test_pool(),
				       &dup), -EEXIST);
	tw_learn_peer();
	tw_out(0, tw_l4(20, 0), PN_IPV4(198, 18, 0, 50), 253, false);
	/* Per shard (containers of the all-shards form are freed only when
	 * the library writes JSON, which needs the telemetry socket). */
	for (i = 0; i < RTE_DIM(cmds); i++) {
		struct rte_tel_data *d = rte_tel_data_alloc();

		assert_non_null(d);
		assert_int_equal(pn_net_telemetry_call(cmds[i], "1", d), 0);
		rte_tel_data_free(d);
	}
	assert_int_equal(pn_net_telemetry_call("/pollnet/arp", "9", NULL),
			 -EINVAL);
	assert_int_equal(pn_net_telemetry_call("/pollnet/ip", "x", NULL),
			 -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TW_TEST(test_connected_gateway_none),
		TW_TEST(test_several_addresses),
		TW_TEST(test_longest_prefix),
		TW_TEST(test_directed_broadcast_output),
		TW_TEST(test_two_ports),
		TW_TEST(test_conf_errors_name_the_field),
		TW_TEST(test_registry_and_telemetry),
	};

	return cmocka_run_group_tests_name("net_route", tests, NULL, NULL);
}
