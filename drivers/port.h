/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_DRIVERS_PORT_H
#define PN_DRIVERS_PORT_H

/*
 * Bring-up of one ethdev port for the stack, whatever the PMD (net_virtio
 * over PCI or virtio_user, net_vhost, net_tap, net_ring): one RX/TX queue
 * pair per shard, offloads negotiated against what the device offers,
 * device RSS (symmetric Toeplitz key, RETA over the shards) when offered,
 * RX interrupts, link status, clean stop and close.
 *
 * Errors come back as a negative errno plus one line in @p err naming the
 * port and the setting at fault.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_ether.h>

#include "net.h"
#include "steer.h"

struct rte_mempool;

struct pn_port_conf {
	uint16_t nb_queues;   /**< RX/TX queue pairs, one per shard (1..64) */
	uint16_t rx_desc;     /**< RX ring size, 0: 1024 */
	uint16_t tx_desc;     /**< TX ring size, 0: 1024 */
	bool rx_intr;         /**< ask for RX interrupts (sleeping lcores) */
	bool rss;             /**< use device RSS when offered */
	bool offloads;        /**< negotiate checksum/TSO/LRO/multi-seg */
	bool tx_cksum;        /**< TX IPv4/TCP/UDP checksum offload (and TSO) */
	bool tso;             /**< TX TCP segmentation (needs tx_cksum) */
	bool lro;             /**< RX LRO: on virtio, GUEST_TSO4/6, so a
				*   peer's TSO segments arrive whole */
	bool promisc;         /**< promiscuous mode (ignored if unsupported) */
	uint16_t mtu;         /**< 0: leave the device default */
	const struct pn_steer *steer; /**< key and RETA for device RSS */
};

struct pn_port {
	uint16_t port_id;
	char name[RTE_ETH_NAME_MAX_LEN];
	char driver[32];
	struct rte_ether_addr mac;
	uint16_t nb_queues;
	uint16_t mtu;
	uint64_t rx_offloads;     /**< negotiated (enabled) RX offloads */
	uint64_t tx_offloads;     /**< negotiated (enabled) TX offloads */
	uint64_t rss_hf;          /**< hash functions enabled, 0: no device RSS */
	uint16_t reta_size;       /**< device RETA size, 0: none */
	bool rx_intr;             /**< RX interrupts configured, with an event fd on every queue */
	bool open;                /**< configured by pn_port_start: pn_port_close closes it */
	bool started;             /**< rte_eth_dev_start succeeded */
	bool soft_steering;       /**< set by the caller: it steers in software */
	bool tso_guest;           /**< net_vhost: TSO while the guest negotiates
				    *   GUEST_TSO4 (pn_port_tso_live) */
};

/** Default port configuration: 1 queue, 1024 descriptors, interrupts, RSS,
 * offloads (TX checksums and TSO; not LRO). */
void pn_port_conf_default(struct pn_port_conf *c);

/**
 * Configure, set up queues (RX from @p pools[q], one pool per queue) and
 * start port @p port_id. Offloads are the wanted set (RX IPv4/TCP/UDP
 * checksum, scatter, LRO if @c conf->lro; TX IPv4/TCP/UDP checksum if
 * @c conf->tx_cksum, TSO if also @c conf->tso, multi-segment) masked by
 * what the device offers; @p out records what was enabled. Device RSS
 * only when asked, offered and nb_queues > 1; else
 * @c out->rss_hf is 0 and the caller steers in software. Falls back to no
 * RX interrupts (and logs a warning) when the PMD refuses them or gives a
 * queue no event fd.
 *
 * @p out is overwritten from the start (do not pass a port still open).
 * On failure after rte_eth_dev_configure the port is left stopped with
 * @c out->open set: pn_port_close() is the cleanup either way.
 * @return 0, or a negative errno with @p err filled
 * ("port 0 (virtio_user0): rte_eth_rx_queue_setup(queue 1, ...): ..."):
 * -ENODEV no such port, -EINVAL nb_queues out of 1..64 or over the device
 * limit, no pool for a queue, bad steering RETA; otherwise what ethdev
 * returned (-ENOMEM, -ENOTSUP, -EINVAL, ...).
 */
int pn_port_start(uint16_t port_id, const struct pn_port_conf *conf,
		  struct rte_mempool *const *pools, struct pn_port *out,
		  char *err, size_t errlen);

/**
 * May TCP hand @p p TSO segments? TSO and TCP checksum offload both
 * enabled (on virtio: HOST_TSO4 and CSUM negotiated), or, on net_vhost,
 * @c p->tso_guest: then only while pn_port_tso_live() says so.
 */
bool pn_port_tso_ok(const struct pn_port *p);

/**
 * net_vhost (drivers/vhost.c): follow the guest's negotiated features on
 * every link change; TSO toward it while it has GUEST_TSO4 and GUEST_CSUM.
 * @return 0; -ENOTSUP (the PMD's library is not loaded), or as
 * rte_eth_dev_callback_register.
 */
int pn_vhost_tso_watch(uint16_t port_id);
void pn_vhost_tso_unwatch(uint16_t port_id);

/** Is TSO toward @p port_id's peer on now? (cheap: one relaxed load) */
bool pn_port_tso_live(uint16_t port_id);

/**
 * Has @p port_id's guest negotiated GUEST_CSUM now, so that a frame
 * marked RTE_MBUF_F_TX_TCP_CKSUM reaches it as NEEDS_CSUM (valid data,
 * the checksum field partial)? Only on a port pn_vhost_tso_watch follows
 * (@c tso_guest); false elsewhere.
 */
bool pn_port_csum_live(uint16_t port_id);

/**
 * What lib/net may hand @p p, from what it negotiated: IPv4/TCP/UDP
 * checksum offload and TSO (with pn_port_tso_live for a net_vhost port
 * that follows its guest) into @p np.
 */
void pn_port_net_offloads(const struct pn_port *p,
			  struct pn_net_port_conf *np);

/** Log what was negotiated (offloads, RSS or software steering, interrupts). */
void pn_port_log(const struct pn_port *p);

/** Link state: 1 up, 0 down, negative errno. Does not wait. */
int pn_port_link_up(const struct pn_port *p);

/**
 * Stop and close the port (ethdev releases the port id; the underlying
 * device stays probed). Idempotent; a no-op on a zeroed struct or a port
 * that pn_port_start() did not configure.
 */
void pn_port_close(struct pn_port *p);

/**
 * Show @p p (kept by reference until pn_port_close) in telemetry:
 *   /pollnet/ports       the port ids shown
 *   /pollnet/ports,N     port N: driver, devargs, MAC, link, queues,
 *                        negotiated offloads by name, RSS (RETA size) or
 *                        software steering, RX interrupts, counters
 * @return 0 or a negative errno from rte_telemetry (registration).
 */
int pn_port_telemetry_add(const struct pn_port *p);

/**
 * Names of offload bits, lower case, comma-separated, into @p buf
 * ("ipv4_cksum,tcp_tso"; "none" when 0). Truncated to fit @p len.
 */
void pn_port_offload_names(uint64_t offloads, bool rx, char *buf, size_t len);

#endif /* PN_DRIVERS_PORT_H */
