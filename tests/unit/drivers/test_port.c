/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pn_port_start/close end to end on in-process vdevs: net_null (no
 * offloads, device RSS with a 128-entry RETA, 1024 queues) and net_ring
 * (RX scatter, TX multi-segment, no RSS, 16 queues). Neither has RX
 * interrupts.
 * Each test probes its own device and removes it afterwards.
 */
/* rte_eth_dev_conf_get is still experimental in 22.11 */
#define ALLOW_EXPERIMENTAL_API 1

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_log.h>

#include "port.h"
#include "test_eal.h"

#define RX_WANT (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM | \
		 RTE_ETH_RX_OFFLOAD_UDP_CKSUM | RTE_ETH_RX_OFFLOAD_SCATTER)
#define TX_WANT (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM | \
		 RTE_ETH_TX_OFFLOAD_UDP_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_TSO | \
		 RTE_ETH_TX_OFFLOAD_MULTI_SEGS)

struct fixture {
	char name[32];
	uint16_t port_id;
	struct rte_eth_dev_info info;
	struct rte_mempool *pools[64];
	struct pn_port port;
	struct pn_port_conf conf;
	char err[256];
};

static unsigned int vdev_seq;

static struct fixture *
fixture_new(const char *driver)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	pn_test_eal_init();
	snprintf(f->name, sizeof(f->name), "%s%u", driver, vdev_seq++);
	assert_int_equal(rte_dev_probe(f->name), 0);
	assert_int_equal(rte_eth_dev_get_port_by_name(f->name, &f->port_id), 0);
	assert_int_equal(rte_eth_dev_info_get(f->port_id, &f->info), 0);
	for (size_t i = 0; i < 64; i++)
		f->pools[i] = pn_test_pool();
	pn_port_conf_default(&f->conf);
	return f;
}

static int
setup_null(void **state)
{
	*state = fixture_new("net_null");
	return 0;
}

static int
setup_ring(void **state)
{
	*state = fixture_new("net_ring");
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	pn_port_close(&f->port);
	assert_int_equal(rte_eal_hotplug_remove("vdev", f->name), 0);
	free(f);
	return 0;
}

static int
start(struct fixture *f)
{
	return pn_port_start(f->port_id, &f->conf, f->pools, &f->port, f->err,
			     sizeof(f->err));
}

static void
expect_err(const struct fixture *f, const char *frag)
{
	if (strstr(f->err, frag) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", f->err, frag);
}

static void
test_conf_default(void **state)
{
	struct pn_port_conf c;

	(void)state;
	memset(&c, 0xff, sizeof(c));
	pn_port_conf_default(&c);
	assert_int_equal(c.nb_queues, 1);
	assert_int_equal(c.rx_desc, 1024);
	assert_int_equal(c.tx_desc, 1024);
	assert_true(c.rx_intr && c.rss && c.offloads);
	assert_false(c.lro || c.promisc);
	assert_int_equal(c.mtu, 0);
	assert_null(c.steer);
}

static void
test_start_null_two_queues(void **state)
{
	struct fixture *f = *state;
	struct rte_eth_dev_info info;
	struct rte_eth_rxq_info rxq;

	f->conf.nb_queues = 2;
	f->conf.rx_desc = 512;
	assert_int_equal(start(f), 0);
	assert_true(f->port.started);
	assert_int_equal(f->port.port_id, f->port_id);
	assert_string_equal(f->port.name, f->name);
	assert_string_equal(f->port.driver, f->info.driver_name);
	assert_int_equal(f->port.nb_queues, 2);
	assert_int_equal(rte_eth_dev_info_get(f->port_id, &info), 0);
	assert_int_equal(info.nb_rx_queues, 2);
	assert_int_equal(info.nb_tx_queues, 2);
	/* net_null has no queue info op; when a PMD has one it must agree. */
	if (rte_eth_rx_queue_info_get(f->port_id, 1, &rxq) == 0)
		assert_int_equal(rxq.nb_desc, 512);
	assert_int_equal(pn_port_link_up(&f->port), 1);
}

/* Offloads: exactly what we want and the device offers, nothing else. */
static void
test_offload_negotiation(void **state)
{
	struct fixture *f = *state;

	f->conf.lro = true;
	assert_int_equal(start(f), 0);
	assert_int_equal(f->port.rx_offloads,
			 (RX_WANT | RTE_ETH_RX_OFFLOAD_TCP_LRO) & f->info.rx_offload_capa);
	assert_int_equal(f->port.tx_offloads, TX_WANT & f->info.tx_offload_capa);
	assert_int_equal(f->port.rx_offloads & ~f->info.rx_offload_capa, 0);
	assert_int_equal(f->port.tx_offloads & ~f->info.tx_offload_capa, 0);
}

/* net_ring offers RX scatter and TX multi-segment (and nothing else we
 * want): exactly those are enabled. */
static void
test_offloads_ring(void **state)
{
	struct fixture *f = *state;
	struct rte_eth_conf dc;

	assert_int_equal(start(f), 0);
	assert_int_equal(f->port.rx_offloads, RTE_ETH_RX_OFFLOAD_SCATTER);
	assert_int_equal(f->port.tx_offloads, RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
	assert_int_equal(rte_eth_dev_conf_get(f->port_id, &dc), 0);
	assert_int_equal(dc.rxmode.offloads, f->port.rx_offloads);
	assert_int_equal(dc.txmode.offloads, f->port.tx_offloads);
}

static void
test_offloads_off(void **state)
{
	struct fixture *f = *state;

	f->conf.offloads = false;
	assert_int_equal(start(f), 0);
	assert_int_equal(f->port.rx_offloads, 0);
	assert_int_equal(f->port.tx_offloads, 0);
}

/* A steering table as pn_steer_init would build it: symmetric key, RETA
 * spreading @p n shards round robin. */
static void
steer_fill(struct pn_steer *s, uint16_t n, uint16_t reta_size)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < PN_RSS_KEY_LEN; i += 2) {
		s->key[i] = 0x6d;
		s->key[i + 1] = 0x5a;
	}
	s->reta_size = reta_size;
	s->nb_lcores = n;
	for (uint16_t i = 0; i < reta_size; i++)
		s->reta[i] = (uint16_t)(i % n);
}

/* net_ring offers no RSS (like virtio_user): even with RSS asked for and
 * a steering table, the port comes up without it. */
static void
test_no_device_rss(void **state)
{
	struct fixture *f = *state;
	struct pn_steer steer;
	struct rte_eth_conf dc;

	steer_fill(&steer, 4, 8);
	assert_int_equal(f->info.flow_type_rss_offloads, 0);
	f->conf.nb_queues = 4;
	f->conf.steer = &steer;
	assert_int_equal(start(f), 0);
	assert_int_equal(f->port.rss_hf, 0);
	assert_int_equal(f->port.reta_size, 0);
	assert_int_equal(rte_eth_dev_conf_get(f->port_id, &dc), 0);
	assert_int_equal(dc.rxmode.mq_mode, RTE_ETH_MQ_RX_NONE);
}

/* net_null offers RSS with a 128-entry RETA: the IPv4 hash types are
 * enabled and the RETA repeats the steering table (owner = queue). */
static void
test_device_rss(void **state)
{
	struct fixture *f = *state;
	struct pn_steer steer;
	struct rte_eth_rss_reta_entry64 reta[RTE_ETH_RSS_RETA_SIZE_512 / RTE_ETH_RETA_GROUP_SIZE];
	uint16_t n;

	assert_true(f->info.reta_size > 0 && f->info.reta_size <= RTE_ETH_RSS_RETA_SIZE_512);
	steer_fill(&steer, 3, 16);
	steer.reta[5] = 0; /* not pure round robin: the copy must follow the table */
	f->conf.nb_queues = 3;
	f->conf.steer = &steer;
	assert_int_equal(start(f), 0);
	assert_int_equal(f->port.rss_hf,
			 (RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_TCP |
			  RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_FRAG_IPV4) &
			 f->info.flow_type_rss_offloads);
	assert_int_not_equal(f->port.rss_hf, 0);
	assert_int_equal(f->port.reta_size, f->info.reta_size);

	n = f->info.reta_size;
	memset(reta, 0, sizeof(reta));
	for (uint16_t g = 0; g < n / RTE_ETH_RETA_GROUP_SIZE; g++)
		reta[g].mask = UINT64_MAX;
	assert_int_equal(rte_eth_dev_rss_reta_query(f->port_id, reta, n), 0);
	for (uint16_t i = 0; i < n; i++)
		assert_int_equal(reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE],
				 steer.reta[i % steer.reta_size]);

	/* the symmetric key went to the device */
	uint8_t key[64];
	struct rte_eth_rss_conf rc = { .rss_key = key, .rss_key_len = sizeof(key) };
	assert_int_equal(rte_eth_dev_rss_hash_conf_get(f->port_id, &rc), 0);
	assert_memory_equal(key, steer.key, PN_RSS_KEY_LEN);
}

/* Without a steering table the RETA spreads the queues round robin. */
static void
test_device_rss_no_steer(void **state)
{
	struct fixture *f = *state;
	struct rte_eth_rss_reta_entry64 reta[RTE_ETH_RSS_RETA_SIZE_512 / RTE_ETH_RETA_GROUP_SIZE];
	uint16_t n = f->info.reta_size;

	f->conf.nb_queues = 4;
	assert_int_equal(start(f), 0);
	assert_int_not_equal(f->port.rss_hf, 0);
	memset(reta, 0, sizeof(reta));
	for (uint16_t g = 0; g < n / RTE_ETH_RETA_GROUP_SIZE; g++)
		reta[g].mask = UINT64_MAX;
	assert_int_equal(rte_eth_dev_rss_reta_query(f->port_id, reta, n), 0);
	for (uint16_t i = 0; i < n; i++)
		assert_int_equal(reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE],
				 i % 4);
}

/* RSS is for spreading: not with one queue, not when switched off. */
static void
test_rss_not_wanted(void **state)
{
	struct fixture *f = *state;

	f->conf.nb_queues = 1;
	assert_int_equal(start(f), 0);
	assert_int_equal(f->port.rss_hf, 0);
	pn_port_close(&f->port);
	/* close released the port id; probe the device again */
	assert_int_equal(rte_eal_hotplug_remove("vdev", f->name), 0);
	assert_int_equal(rte_dev_probe(f->name), 0);
	assert_int_equal(rte_eth_dev_get_port_by_name(f->name, &f->port_id), 0);
	f->conf.nb_queues = 2;
	f->conf.rss = false;
	assert_int_equal(start(f), 0);
	assert_int_equal(f->port.rss_hf, 0);
	assert_int_equal(f->port.reta_size, 0);
}

/* A steering table naming a shard the port has no queue for. */
static void
test_steer_bad_reta(void **state)
{
	struct fixture *f = *state;
	struct pn_steer steer;

	steer_fill(&steer, 4, 8);
	f->conf.nb_queues = 2;
	f->conf.steer = &steer;
	assert_int_equal(start(f), -EINVAL);
	expect_err(f, "steer.reta[2] = 2: no such queue (nb_queues = 2)");
	assert_false(f->port.started);
	assert_true(f->port.open);
}

/* net_null accepts intr_conf.rxq but has no event fd per queue: the port
 * must say interrupts are off, or a lcore would sleep forever. */
static void
test_rx_intr_unavailable(void **state)
{
	struct fixture *f = *state;

	f->conf.rx_intr = true;
	assert_int_equal(start(f), 0);
	assert_false(f->port.rx_intr);
}

static void
test_nb_queues_range(void **state)
{
	struct fixture *f = *state;

	f->conf.nb_queues = 0;
	assert_int_equal(start(f), -EINVAL);
	expect_err(f, "nb_queues = 0 out of range (1..64)");
	f->conf.nb_queues = 65;
	assert_int_equal(start(f), -EINVAL);
	expect_err(f, "nb_queues = 65 out of range (1..64)");
	assert_false(f->port.open);
}

/* net_ring has 16 queue pairs: 17 must fail and name the limit. */
static void
test_nb_queues_over_device_limit(void **state)
{
	struct fixture *f = *state;
	char want[128];

	assert_true(f->info.max_rx_queues < 64);
	f->conf.nb_queues = (uint16_t)(f->info.max_rx_queues + 1);
	assert_int_equal(start(f), -EINVAL);
	snprintf(want, sizeof(want), "port %u (%s): nb_queues = %u exceeds the device limit (max_rx_queues = %u",
		 f->port_id, f->name, f->conf.nb_queues, f->info.max_rx_queues);
	expect_err(f, want);
	assert_false(f->port.started);

	f->conf.nb_queues = f->info.max_rx_queues;
	assert_int_equal(start(f), 0);
	assert_int_equal(f->port.nb_queues, f->info.max_rx_queues);
}

static void
test_missing_pool(void **state)
{
	struct fixture *f = *state;

	f->conf.nb_queues = 2;
	f->pools[1] = NULL;
	assert_int_equal(start(f), -EINVAL);
	expect_err(f, "no mbuf pool for RX queue 1");
	assert_true(f->port.open); /* configured: close cleans up */
	assert_false(f->port.started);
}

static void
test_bad_port(void **state)
{
	struct pn_port_conf c;
	struct pn_port p;
	struct rte_mempool *pools[1] = { NULL };
	char err[128];

	(void)state;
	pn_test_eal_init();
	pn_port_conf_default(&c);
	assert_int_equal(pn_port_start(RTE_MAX_ETHPORTS - 1, &c, pools, &p, err,
				       sizeof(err)), -ENODEV);
	assert_non_null(strstr(err, "no such ethdev port"));
	pn_port_close(&p); /* nothing was opened: a no-op */
}

static void
test_close_idempotent(void **state)
{
	struct fixture *f = *state;
	struct pn_port zero;

	assert_int_equal(start(f), 0);
	pn_port_close(&f->port);
	assert_false(f->port.started);
	assert_false(f->port.open);
	assert_false(rte_eth_dev_is_valid_port(f->port_id));
	pn_port_close(&f->port);
	pn_port_close(&f->port);

	memset(&zero, 0, sizeof(zero));
	pn_port_close(&zero);
}

static void
test_promisc_and_mtu(void **state)
{
	struct fixture *f = *state;

	f->conf.promisc = true;
	assert_int_equal(start(f), 0);
	assert_int_equal(rte_eth_promiscuous_get(f->port_id), 1);
	assert_int_equal(f->port.mtu, RTE_ETHER_MTU);
}

static void
test_offload_names(void **state)
{
	char buf[64];
	char tiny[8];

	(void)state;
	pn_port_offload_names(RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
			      RTE_ETH_RX_OFFLOAD_TCP_CKSUM, true, buf, sizeof(buf));
	assert_string_equal(buf, "ipv4_cksum,tcp_cksum");
	pn_port_offload_names(RTE_ETH_TX_OFFLOAD_TCP_TSO |
			      RTE_ETH_TX_OFFLOAD_MULTI_SEGS, false, buf, sizeof(buf));
	assert_string_equal(buf, "tcp_tso,multi_segs");
	pn_port_offload_names(0, true, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	pn_port_offload_names(RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
			      RTE_ETH_TX_OFFLOAD_MULTI_SEGS, false, tiny, sizeof(tiny));
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_memory_equal(tiny, "ipv4_ck", 8);
}

/* The log says what was negotiated and why there is no device RSS. */
static void
test_log(void **state)
{
	struct fixture *f = *state;
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	FILE *old = rte_log_get_stream();

	assert_non_null(mem);
	f->conf.nb_queues = 2;
	assert_int_equal(start(f), 0);
	/* the test EAL runs at *:warning */
	assert_int_equal(rte_log_set_level_pattern("pollnet.port", RTE_LOG_INFO), 0);
	rte_openlog_stream(mem);
	pn_port_log(&f->port);
	rte_openlog_stream(old);
	fclose(mem);
	assert_non_null(strstr(text, f->name));
	assert_non_null(strstr(text, "driver net_ring"));
	assert_non_null(strstr(text, "2 queue pairs"));
	assert_non_null(strstr(text, "rx offloads scatter"));
	assert_non_null(strstr(text, "tx offloads multi_segs"));
	assert_non_null(strstr(text, "no device RSS (flow_type_rss_offloads=0): software steering"));
	assert_non_null(strstr(text, "rx interrupts off, link up"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_default),
		cmocka_unit_test(test_offload_names),
		cmocka_unit_test(test_bad_port),
		cmocka_unit_test_setup_teardown(test_start_null_two_queues, setup_null, teardown),
		cmocka_unit_test_setup_teardown(test_offload_negotiation, setup_null, teardown),
		cmocka_unit_test_setup_teardown(test_offloads_off, setup_null, teardown),
		cmocka_unit_test_setup_teardown(test_offloads_ring, setup_ring, teardown),
		cmocka_unit_test_setup_teardown(test_no_device_rss, setup_ring, teardown),
		cmocka_unit_test_setup_teardown(test_device_rss, setup_null, teardown),
		cmocka_unit_test_setup_teardown(test_device_rss_no_steer, setup_null, teardown),
		cmocka_unit_test_setup_teardown(test_rss_not_wanted, setup_null, teardown),
		cmocka_unit_test_setup_teardown(test_steer_bad_reta, setup_null, teardown),
		cmocka_unit_test_setup_teardown(test_rx_intr_unavailable, setup_null, teardown),
		cmocka_unit_test_setup_teardown(test_nb_queues_range, setup_null, teardown),
		cmocka_unit_test_setup_teardown(test_nb_queues_over_device_limit, setup_ring, teardown),
		cmocka_unit_test_setup_teardown(test_missing_pool, setup_null, teardown),
		cmocka_unit_test_setup_teardown(test_close_idempotent, setup_null, teardown),
		cmocka_unit_test_setup_teardown(test_promisc_and_mtu, setup_null, teardown),
		cmocka_unit_test_setup_teardown(test_log, setup_ring, teardown),
	};

	return cmocka_run_group_tests_name("drivers/port", tests, NULL, NULL);
}
