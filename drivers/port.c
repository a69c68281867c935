/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port bring-up over ethdev, in the order ethdev wants it: info ->
 * configure (offloads, RSS, interrupts) -> queues -> MTU -> start ->
 * RETA, promiscuous. Each step that fails writes one line naming the
 * port and the setting, and returns its negative errno.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mempool.h>
#include <rte_telemetry.h>

#include "log.h"
#include "port.h"
#include "virtio.h"

/* "pollnet.port", spelled out: it does not depend on the build defining
 * RTE_LOG_DEFAULT_LOGTYPE. */
RTE_LOG_REGISTER(pn_logtype_port, pollnet.port, INFO);

#define PORT_LOG(level, fmt, ...) \
	PN_LOG(pn_logtype_port, level, fmt, ##__VA_ARGS__)

#define PORT_MAX_QUEUES 64
#define PORT_DEFAULT_DESC 1024

/* What we ask for when the device offers it (see pn_port_start). */
#define PORT_RX_WANT (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | \
		      RTE_ETH_RX_OFFLOAD_TCP_CKSUM | \
		      RTE_ETH_RX_OFFLOAD_UDP_CKSUM | \
		      RTE_ETH_RX_OFFLOAD_SCATTER)
#define PORT_TX_CKSUM (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | \
		       RTE_ETH_TX_OFFLOAD_TCP_CKSUM | \
		       RTE_ETH_TX_OFFLOAD_UDP_CKSUM)
#define PORT_TX_WANT RTE_ETH_TX_OFFLOAD_MULTI_SEGS
#define PORT_RSS_WANT (RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_TCP | \
		       RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_FRAG_IPV4)

void
pn_port_conf_default(struct pn_port_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->nb_queues = 1;
	c->rx_desc = PORT_DEFAULT_DESC;
	c->tx_desc = PORT_DEFAULT_DESC;
	c->rx_intr = true;
	c->rss = true;
	c->offloads = true;
	c->tx_cksum = true;
	c->tso = true;
}

/* "port 0 (virtio_user0): " + the message. */
static int __rte_format_printf(4, 5)
port_err(const struct pn_port *p, char *err, size_t errlen,
	 const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL || errlen == 0)
		return 0;
	n = snprintf(err, errlen, "port %u (%s): ", p->port_id,
		     p->name[0] ? p->name : "?");
	if (n < 0 || (size_t)n >= errlen)
		return 0;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return 0;
}

/* ethdev calls return a negative errno; some only set rte_errno. */
static const char *
port_strerror(int ret)
{
	return rte_strerror(ret < 0 ? -ret : ret);
}

void
pn_port_offload_names(uint64_t offloads, bool rx, char *buf, size_t len)
{
	size_t off = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (unsigned int bit = 0; bit < 64 && off + 1 < len; bit++) {
		uint64_t flag = UINT64_C(1) << bit;
		const char *name;
		int n;

		if (!(offloads & flag))
			continue;
		name = rx ? rte_eth_dev_rx_offload_name(flag) :
			    rte_eth_dev_tx_offload_name(flag);
		n = snprintf(buf + off, len - off, "%s", off ? "," : "");
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
		/* ethdev names are "IPV4_CKSUM"; we print "ipv4_cksum". */
		for (; *name && off + 1 < len; name++)
			buf[off++] = (char)tolower((unsigned char)*name);
		buf[off] = '\0';
	}
	if (off == 0)
		snprintf(buf, len, "none");
}

/* Device RSS: conf says yes, the device offers it, and there is more than
 * one queue to spread over. */
static void
port_rss_conf(const struct pn_port_conf *conf,
	      const struct rte_eth_dev_info *info, struct rte_eth_conf *dc,
	      uint8_t *key)
{
	uint64_t hf = PORT_RSS_WANT & info->flow_type_rss_offloads;

	if (!conf->rss || conf->nb_queues < 2 || hf == 0)
		return;
	dc->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	dc->rx_adv_conf.rss_conf.rss_hf = hf;
	if (conf->steer != NULL) {
		memcpy(key, conf->steer->key, PN_RSS_KEY_LEN);
		dc->rx_adv_conf.rss_conf.rss_key = key;
		dc->rx_adv_conf.rss_conf.rss_key_len = PN_RSS_KEY_LEN;
	}
}

/* Point every RETA entry at a queue: the steering RETA repeated over the
 * device's size, so device RSS and software steering agree on owners. */
static int
port_reta_program(struct pn_port *p, const struct pn_port_conf *conf,
		  char *err, size_t errlen)
{
	const struct pn_steer *s = conf->steer;
	uint16_t groups = (uint16_t)((p->reta_size + RTE_ETH_RETA_GROUP_SIZE - 1)
				     / RTE_ETH_RETA_GROUP_SIZE);
	struct rte_eth_rss_reta_entry64 *reta;
	int ret;

	if (p->reta_size == 0)
		return 0;
	if (s != NULL && (s->reta_size == 0 || s->reta_size > PN_RETA_MAX)) {
		port_err(p, err, errlen, "steer.reta_size = %u out of range (1..%u)",
			 s->reta_size, PN_RETA_MAX);
		return -EINVAL;
	}
	reta = calloc(groups, sizeof(*reta));
	if (reta == NULL) {
		port_err(p, err, errlen, "RETA of %u entries: %s", p->reta_size,
			 strerror(ENOMEM));
		return -ENOMEM;
	}
	for (uint16_t i = 0; i < p->reta_size; i++) {
		uint16_t idx = s ? (uint16_t)(i % s->reta_size) : 0;
		uint16_t q = s ? s->reta[idx] : (uint16_t)(i % conf->nb_queues);
		struct rte_eth_rss_reta_entry64 *g =
			&reta[i / RTE_ETH_RETA_GROUP_SIZE];

		if (q >= conf->nb_queues) {
			free(reta);
			port_err(p, err, errlen,
				 "steer.reta[%u] = %u: no such queue (nb_queues = %u)",
				 idx, q, conf->nb_queues);
			return -EINVAL;
		}
		g->mask |= UINT64_C(1) << (i % RTE_ETH_RETA_GROUP_SIZE);
		g->reta[i % RTE_ETH_RETA_GROUP_SIZE] = q;
	}
	ret = rte_eth_dev_rss_reta_update(p->port_id, reta, p->reta_size);
	free(reta);
	if (ret < 0) {
		port_err(p, err, errlen, "rte_eth_dev_rss_reta_update(%u entries): %s",
			 p->reta_size, port_strerror(ret));
		return ret;
	}
	return 0;
}

/* Some PMDs (net_null) ignore the key given at configure time and keep
 * their default. Device RSS and software steering must hash with the same
 * symmetric key (owners of connections we open are picked with it), so
 * set it again explicitly; a PMD without the op keeps the configure key. */
static int
port_rss_key(struct pn_port *p, const struct pn_port_conf *conf,
	     char *err, size_t errlen)
{
	uint8_t key[PN_RSS_KEY_LEN];
	struct rte_eth_rss_conf rc = {
		.rss_key = key,
		.rss_key_len = PN_RSS_KEY_LEN,
		.rss_hf = p->rss_hf,
	};
	int ret;

	if (conf->steer == NULL || p->rss_hf == 0)
		return 0;
	memcpy(key, conf->steer->key, sizeof(key));
	ret = rte_eth_dev_rss_hash_update(p->port_id, &rc);
	if (ret == -ENOTSUP) {
		PORT_LOG(WARNING, "port %u (%s): cannot set the RSS key after start (%s); relying on the key given to rte_eth_dev_configure",
			 p->port_id, p->name, port_strerror(ret));
		return 0;
	}
	if (ret < 0) {
		port_err(p, err, errlen,
			 "rte_eth_dev_rss_hash_update(%u-byte symmetric key, rss_hf 0x%" PRIx64 "): %s",
			 PN_RSS_KEY_LEN, p->rss_hf, port_strerror(ret));
		return ret;
	}
	return 0;
}

/* Configure; if the PMD refuses RX interrupts, once more without them. */
static int
port_configure(struct pn_port *p, const struct pn_port_conf *conf,
	       struct rte_eth_conf *dc, char *err, size_t errlen)
{
	int ret = rte_eth_dev_configure(p->port_id, conf->nb_queues,
					conf->nb_queues, dc);

	if (ret < 0 && dc->intr_conf.rxq) {
		PORT_LOG(WARNING, "port %u (%s): rte_eth_dev_configure with RX interrupts: %s; retrying without (lcores will not sleep on this port)",
			 p->port_id, p->name, port_strerror(ret));
		dc->intr_conf.rxq = 0;
		ret = rte_eth_dev_configure(p->port_id, conf->nb_queues,
					    conf->nb_queues, dc);
	}
	if (ret < 0) {
		port_err(p, err, errlen,
			 "rte_eth_dev_configure(%u queues, rx offloads 0x%" PRIx64
			 ", tx offloads 0x%" PRIx64 ", rss_hf 0x%" PRIx64 "): %s",
			 conf->nb_queues, dc->rxmode.offloads, dc->txmode.offloads,
			 dc->rx_adv_conf.rss_conf.rss_hf, port_strerror(ret));
		return ret;
	}
	p->rx_intr = dc->intr_conf.rxq != 0;
	return 0;
}

/*
 * virtio_user's ring is its queue_size devarg, whatever the descriptors
 * asked of rte_eth_rx_queue_setup: an embedder's --vdev without it gets
 * 256, 2 ms of a 170 MB/s stream, and what arrives while the application
 * computes for longer is dropped by the peer, out of our sight.
 */
static void
port_check_virtio_ring(const struct pn_port *p,
		       const struct rte_eth_dev_info *info, uint16_t nb_rxd)
{
	const struct rte_devargs *da;
	unsigned int ring;

	if (info->driver_name == NULL ||
	    strcmp(info->driver_name, "net_virtio_user") != 0 ||
	    info->device == NULL)
		return;
	da = rte_dev_devargs(info->device);
	ring = pn_virtio_user_queue_size(da != NULL ? da->args : NULL);
	if (ring != 0 && ring < nb_rxd)
		PORT_LOG(WARNING, "port %u (%s): virtqueues of %u descriptors (devarg queue_size, DPDK's default 256), fewer than the %u RX descriptors asked for: the peer drops what arrives past %u frames; add queue_size=%u to the device's devargs",
			 p->port_id, p->name, ring, nb_rxd, ring,
			 (unsigned int)rte_align32pow2(nb_rxd));
}

static int
port_queues_setup(struct pn_port *p, const struct pn_port_conf *conf,
		  const struct rte_eth_dev_info *info,
		  struct rte_mempool *const *pools, char *err, size_t errlen)
{
	uint16_t nb_rxd = conf->rx_desc ? conf->rx_desc : PORT_DEFAULT_DESC;
	uint16_t nb_txd = conf->tx_desc ? conf->tx_desc : PORT_DEFAULT_DESC;
	int socket = rte_eth_dev_socket_id(p->port_id);
	struct rte_eth_rxconf rxc = info->default_rxconf;
	struct rte_eth_txconf txc = info->default_txconf;
	int ret;

	ret = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nb_rxd, &nb_txd);
	if (ret < 0) {
		port_err(p, err, errlen,
			 "rte_eth_dev_adjust_nb_rx_tx_desc(rx_desc = %u, tx_desc = %u): %s",
			 conf->rx_desc, conf->tx_desc, port_strerror(ret));
		return ret;
	}
	port_check_virtio_ring(p, info, nb_rxd);
	rxc.offloads = p->rx_offloads;
	txc.offloads = p->tx_offloads;
	for (uint16_t q = 0; q < conf->nb_queues; q++) {
		if (pools == NULL || pools[q] == NULL) {
			port_err(p, err, errlen, "no mbuf pool for RX queue %u", q);
			return -EINVAL;
		}
		ret = rte_eth_rx_queue_setup(p->port_id, q, nb_rxd, socket,
					     &rxc, pools[q]);
		if (ret < 0) {
			port_err(p, err, errlen,
				 "rte_eth_rx_queue_setup(queue %u, %u descriptors, pool %s): %s",
				 q, nb_rxd, pools[q]->name, port_strerror(ret));
			return ret;
		}
		ret = rte_eth_tx_queue_setup(p->port_id, q, nb_txd, socket, &txc);
		if (ret < 0) {
			port_err(p, err, errlen,
				 "rte_eth_tx_queue_setup(queue %u, %u descriptors): %s",
				 q, nb_txd, port_strerror(ret));
			return ret;
		}
	}
	return 0;
}

/* A PMD may accept intr_conf.rxq and still have no event fd per queue
 * (net_null, net_ring): then nobody could wake a sleeping lcore, so say
 * interrupts are off rather than let the lcore sleep forever. */
static void
port_check_rx_intr(struct pn_port *p)
{
	if (!p->rx_intr)
		return;
	for (uint16_t q = 0; q < p->nb_queues; q++) {
		if (rte_eth_dev_rx_intr_ctl_q_get_fd(p->port_id, q) < 0) {
			PORT_LOG(WARNING, "port %u (%s): the PMD gives RX queue %u no interrupt event fd: rx interrupts off, lcores will poll this port without sleeping",
				 p->port_id, p->name, q);
			p->rx_intr = false;
			return;
		}
	}
}

int
pn_port_start(uint16_t port_id, const struct pn_port_conf *conf,
	      struct rte_mempool *const *pools, struct pn_port *out,
	      char *err, size_t errlen)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf dc;
	uint8_t key[PN_RSS_KEY_LEN];
	int ret;

	memset(out, 0, sizeof(*out));
	out->port_id = port_id;
	if (!rte_eth_dev_is_valid_port(port_id)) {
		port_err(out, err, errlen, "no such ethdev port");
		return -ENODEV;
	}
	rte_eth_dev_get_name_by_port(port_id, out->name);
	ret = rte_eth_dev_info_get(port_id, &info);
	if (ret < 0) {
		port_err(out, err, errlen, "rte_eth_dev_info_get: %s",
			 port_strerror(ret));
		return ret;
	}
	snprintf(out->driver, sizeof(out->driver), "%s",
		 info.driver_name ? info.driver_name : "?");

	if (conf->nb_queues == 0 || conf->nb_queues > PORT_MAX_QUEUES) {
		port_err(out, err, errlen, "nb_queues = %u out of range (1..%u)",
			 conf->nb_queues, PORT_MAX_QUEUES);
		return -EINVAL;
	}
	if (conf->nb_queues > info.max_rx_queues ||
	    conf->nb_queues > info.max_tx_queues) {
		port_err(out, err, errlen,
			 "nb_queues = %u exceeds the device limit (max_rx_queues = %u, max_tx_queues = %u)",
			 conf->nb_queues, info.max_rx_queues, info.max_tx_queues);
		return -EINVAL;
	}

	memset(&dc, 0, sizeof(dc));
	if (conf->offloads) {
		uint64_t rx = PORT_RX_WANT, tx = PORT_TX_WANT;

		/* virtio: LRO asks for GUEST_TSO4/6 (the PMD wants both) */
		if (conf->lro)
			rx |= RTE_ETH_RX_OFFLOAD_TCP_LRO;
		/* virtio: checksum asks for CSUM, TSO for HOST_TSO4/6 */
		if (conf->tx_cksum)
			tx |= PORT_TX_CKSUM;
		if (conf->tx_cksum && conf->tso)
			tx |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
		dc.rxmode.offloads = rx & info.rx_offload_capa;
		dc.txmode.offloads = tx & info.tx_offload_capa;
		if (dc.rxmode.offloads & RTE_ETH_RX_OFFLOAD_TCP_LRO)
			dc.rxmode.max_lro_pkt_size = info.max_lro_pkt_size;
	}
	port_rss_conf(conf, &info, &dc, key);
	dc.intr_conf.rxq = conf->rx_intr;
	out->rx_offloads = dc.rxmode.offloads;
	out->tx_offloads = dc.txmode.offloads;
	out->nb_queues = conf->nb_queues;

	ret = port_configure(out, conf, &dc, err, errlen);
	if (ret < 0)
		return ret;
	out->open = true;
	out->rss_hf = dc.rx_adv_conf.rss_conf.rss_hf;
	out->reta_size = out->rss_hf ? info.reta_size : 0;

	ret = port_queues_setup(out, conf, &info, pools, err, errlen);
	if (ret < 0)
		return ret;
	if (conf->mtu) {
		ret = rte_eth_dev_set_mtu(port_id, conf->mtu);
		if (ret < 0) {
			port_err(out, err, errlen,
				 "rte_eth_dev_set_mtu(mtu = %u, device range %u..%u): %s",
				 conf->mtu, info.min_mtu, info.max_mtu,
				 port_strerror(ret));
			return ret;
		}
	}
	ret = rte_eth_dev_start(port_id);
	if (ret < 0) {
		port_err(out, err, errlen, "rte_eth_dev_start: %s",
			 port_strerror(ret));
		return ret;
	}
	out->started = true;
	ret = port_rss_key(out, conf, err, errlen);
	if (ret < 0)
		goto err_stop;
	ret = port_reta_program(out, conf, err, errlen);
	if (ret < 0)
		goto err_stop;
	if (conf->promisc) {
		ret = rte_eth_promiscuous_enable(port_id);
		if (ret < 0 && ret != -ENOTSUP) {
			port_err(out, err, errlen,
				 "rte_eth_promiscuous_enable (promisc = 1): %s",
				 port_strerror(ret));
			goto err_stop;
		}
	}
	port_check_rx_intr(out);
	/* net_vhost offers no TSO through ethdev, the vhost library does it
	 * for a guest that negotiated it: follow the guest (vhost.c). */
	if (conf->offloads && conf->tso && conf->tx_cksum &&
	    (out->tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) &&
	    !(out->tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_TSO) &&
	    strcmp(out->driver, "net_vhost") == 0)
		out->tso_guest = pn_vhost_tso_watch(port_id) == 0;
	rte_eth_macaddr_get(port_id, &out->mac);
	if (rte_eth_dev_get_mtu(port_id, &out->mtu) < 0)
		out->mtu = 0;
	return 0;

err_stop:
	rte_eth_dev_stop(port_id);
	out->started = false;
	return ret;
}

/* net_vhost (22.11) offers no TCP_TSO in tx_offload_capa: its side stays
 * on software segmentation. (The vhost library would turn
 * RTE_MBUF_F_TX_TCP_SEG into a GSO header, GUEST_TSO4 negotiated or not.) */
bool
pn_port_tso_ok(const struct pn_port *p)
{
	const uint64_t need = RTE_ETH_TX_OFFLOAD_TCP_TSO |
			      RTE_ETH_TX_OFFLOAD_TCP_CKSUM;

	return (p->tx_offloads & need) == need || p->tso_guest;
}

void
pn_port_net_offloads(const struct pn_port *p, struct pn_net_port_conf *np)
{
	np->tx_ip_cksum = p->tx_offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	np->tx_tcp_cksum = p->tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	np->tx_udp_cksum = p->tx_offloads & RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	np->tx_tso = pn_port_tso_ok(p);
	np->tx_tso_live = p->tso_guest ? pn_port_tso_live : NULL;
}

void
pn_port_log(const struct pn_port *p)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	char rx[512], tx[512];
	int link = pn_port_link_up(p);

	rte_ether_format_addr(mac, sizeof(mac), &p->mac);
	pn_port_offload_names(p->rx_offloads, true, rx, sizeof(rx));
	pn_port_offload_names(p->tx_offloads, false, tx, sizeof(tx));
	PORT_LOG(INFO, "port %u (%s): driver %s, mac %s, mtu %u, %u queue pair%s",
		 p->port_id, p->name, p->driver, mac, p->mtu, p->nb_queues,
		 p->nb_queues == 1 ? "" : "s");
	PORT_LOG(INFO, "port %u (%s): rx offloads %s", p->port_id, p->name, rx);
	PORT_LOG(INFO, "port %u (%s): tx offloads %s", p->port_id, p->name, tx);
	if (p->rss_hf) {
		PORT_LOG(INFO, "port %u (%s): device RSS rss_hf 0x%" PRIx64 ", RETA %u entries",
			 p->port_id, p->name, p->rss_hf, p->reta_size);
	} else {
		struct rte_eth_dev_info info;

		if (rte_eth_dev_info_get(p->port_id, &info) == 0 &&
		    info.flow_type_rss_offloads == 0)
			PORT_LOG(INFO, "port %u (%s): no device RSS (flow_type_rss_offloads=0): software steering",
				 p->port_id, p->name);
		else
			PORT_LOG(INFO, "port %u (%s): device RSS not used (%s): software steering",
				 p->port_id, p->name,
				 p->nb_queues < 2 ? "one queue" : "disabled by config");
	}
	PORT_LOG(INFO, "port %u (%s): TCP segmentation %s, large receive %s",
		 p->port_id, p->name,
		 p->tso_guest ? "offloaded (TSO) while the guest negotiates GUEST_TSO4" :
		 pn_port_tso_ok(p) ? "offloaded (TSO)" : "in software",
		 (p->rx_offloads & RTE_ETH_RX_OFFLOAD_TCP_LRO) ? "on (LRO)" : "off");
	PORT_LOG(INFO, "port %u (%s): rx interrupts %s, link %s",
		 p->port_id, p->name, p->rx_intr ? "on" : "off",
		 link > 0 ? "up" : link == 0 ? "down" : "unknown");
}

int
pn_port_link_up(const struct pn_port *p)
{
	struct rte_eth_link link;
	int ret;

	memset(&link, 0, sizeof(link));
	ret = rte_eth_link_get_nowait(p->port_id, &link);
	if (ret < 0)
		return ret;
	return link.link_status == RTE_ETH_LINK_UP;
}

/* --- telemetry --- */

/* Ports shown: written by the main thread at start-up and close, read by
 * the telemetry thread. */
static const struct pn_port *tel_ports[RTE_MAX_ETHPORTS];

static int
tel_port_list(struct rte_tel_data *d)
{
	uint16_t i;

	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	for (i = 0; i < RTE_MAX_ETHPORTS; i++)
		if (tel_ports[i] != NULL)
			rte_tel_data_add_array_int(d, i);
	return 0;
}

static void
tel_port_link(struct rte_tel_data *d, uint16_t port_id)
{
	struct rte_eth_link link;

	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(port_id, &link) < 0) {
		rte_tel_data_add_dict_string(d, "link", "unknown");
		return;
	}
	rte_tel_data_add_dict_string(d, "link", link.link_status ? "UP" : "DOWN");
	rte_tel_data_add_dict_u64(d, "speed", link.link_speed);
	rte_tel_data_add_dict_string(d, "duplex", link.link_duplex ? "full-duplex" :
				     "half-duplex");
}

static int
tel_ports_cmd(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct rte_devargs *da;
	struct rte_eth_dev_info info;
	struct rte_eth_stats st;
	const struct pn_port *p;
	char buf[512], *end;
	unsigned long id;

	(void)cmd;
	if (params == NULL || *params == '\0')
		return tel_port_list(d);
	id = strtoul(params, &end, 10);
	if (*end != '\0' || id >= RTE_MAX_ETHPORTS || (p = tel_ports[id]) == NULL)
		return -1;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", p->name);
	rte_tel_data_add_dict_string(d, "driver", p->driver);
	buf[0] = '\0';
	if (rte_eth_dev_info_get(p->port_id, &info) == 0 && info.device != NULL &&
	    (da = rte_dev_devargs(info.device)) != NULL && da->args != NULL)
		snprintf(buf, sizeof(buf), "%s", da->args);
	rte_tel_data_add_dict_string(d, "devargs", buf);
	rte_ether_format_addr(buf, sizeof(buf), &p->mac);
	rte_tel_data_add_dict_string(d, "mac", buf);
	tel_port_link(d, p->port_id);
	rte_tel_data_add_dict_u64(d, "mtu", p->mtu);
	rte_tel_data_add_dict_u64(d, "queues", p->nb_queues);
	pn_port_offload_names(p->rx_offloads, true, buf, sizeof(buf));
	rte_tel_data_add_dict_string(d, "rx_offloads", buf);
	pn_port_offload_names(p->tx_offloads, false, buf, sizeof(buf));
	rte_tel_data_add_dict_string(d, "tx_offloads", buf);
	rte_tel_data_add_dict_u64(d, "rss", p->rss_hf != 0);
	rte_tel_data_add_dict_u64(d, "rss_hf", p->rss_hf);
	rte_tel_data_add_dict_u64(d, "reta_size", p->rss_hf ? p->reta_size : 0);
	rte_tel_data_add_dict_u64(d, "steering", p->soft_steering);
	rte_tel_data_add_dict_u64(d, "rx_intr", p->rx_intr);
	if (rte_eth_stats_get(p->port_id, &st) == 0) {
		rte_tel_data_add_dict_u64(d, "ipackets", st.ipackets);
		rte_tel_data_add_dict_u64(d, "opackets", st.opackets);
		rte_tel_data_add_dict_u64(d, "ibytes", st.ibytes);
		rte_tel_data_add_dict_u64(d, "obytes", st.obytes);
		rte_tel_data_add_dict_u64(d, "imissed", st.imissed);
		rte_tel_data_add_dict_u64(d, "ierrors", st.ierrors);
		rte_tel_data_add_dict_u64(d, "oerrors", st.oerrors);
		rte_tel_data_add_dict_u64(d, "rx_nombuf", st.rx_nombuf);
	}
	return 0;
}

int
pn_port_telemetry_add(const struct pn_port *p)
{
	static bool registered;
	int rc;

	if (p->port_id >= RTE_MAX_ETHPORTS)
		return -EINVAL;
	if (!registered) {
		rc = rte_telemetry_register_cmd("/pollnet/ports", tel_ports_cmd,
			"Ports: ids; with a port id: driver, devargs, link, offloads, RSS, counters. Parameter: port id");
		if (rc < 0)
			return rc;
		registered = true;
	}
	tel_ports[p->port_id] = p;
	return 0;
}

void
pn_port_close(struct pn_port *p)
{
	if (p->port_id < RTE_MAX_ETHPORTS && tel_ports[p->port_id] == p)
		tel_ports[p->port_id] = NULL;
	if (p->tso_guest) {
		pn_vhost_tso_unwatch(p->port_id);
		p->tso_guest = false;
	}
	if (p->started) {
		int ret = rte_eth_dev_stop(p->port_id);

		if (ret < 0)
			PORT_LOG(WARNING, "port %u (%s): rte_eth_dev_stop: %s",
				 p->port_id, p->name, port_strerror(ret));
		p->started = false;
	}
	if (p->open) {
		int ret = rte_eth_dev_close(p->port_id);

		if (ret < 0)
			PORT_LOG(WARNING, "port %u (%s): rte_eth_dev_close: %s",
				 p->port_id, p->name, port_strerror(ret));
		p->open = false;
	}
}
