/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_DRIVERS_VIRTIO_H
#define PN_DRIVERS_VIRTIO_H

/*
 * net_virtio from configuration: a PCI device by address, or virtio_user
 * over a vhost-user socket. Turns the settings into devargs, probes the
 * device and returns its port id; errors name the setting at fault.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pn_virtio_conf {
	char pci[32];        /**< PCI address ("0000:00:04.0"); empty: virtio_user */
	char path[108];      /**< vhost-user socket path (virtio_user) */
	bool server;         /**< virtio_user listens on path (vhost side connects) */
	uint16_t queues;     /**< queue pairs, 1..64 */
	uint16_t queue_size; /**< descriptors per virtqueue, power of two 64..4096 */
	bool packed_vq;      /**< packed virtqueues */
	bool mrg_rxbuf;      /**< mergeable RX buffers */
	bool in_order;       /**< in-order descriptor use */
	char mac[18];        /**< "02:00:00:00:00:01"; empty: PMD default */
};

/** Defaults: virtio_user, 1 queue, 1024 descriptors, split ring, mrg_rxbuf, in_order. */
void pn_virtio_conf_default(struct pn_virtio_conf *c);

/**
 * Check @p c and write the device name and devargs that EAL wants.
 * virtio_user: "virtio_user<index>" and
 * "path=P,queues=N,queue_size=N,packed_vq=0|1,mrg_rxbuf=0|1,in_order=0|1"
 * then ",server=1" when set and ",mac=xx:xx:xx:xx:xx:xx" (lower case)
 * when set. PCI: the canonical address ("0000:00:04.0") and "".
 * Only the fields of the chosen kind are checked.
 * @return 0, or -EINVAL with @p err naming the setting and accepted range
 * (queues 1..64, queue_size power of two 64..4096, path non-empty, at most
 * 107 characters, without ',' or '='; mac six hex pairs; pci DDDD:BB:DD.F;
 * not both pci and path), or saying @p name / @p args is too small.
 */
int pn_virtio_devargs(const struct pn_virtio_conf *c, unsigned int index,
		      char *name, size_t namelen, char *args, size_t argslen,
		      char *err, size_t errlen);

/**
 * The descriptors per virtqueue of a virtio_user device with devargs
 * @p args: its "queue_size=N", else DPDK's default, 256. The ethdev API
 * of DPDK 22.11 does not tell (net_virtio has no rxq_info_get), and the
 * RX descriptor count given to rte_eth_rx_queue_setup cannot raise it.
 * @return the size, or 0 when queue_size is not a decimal number.
 */
unsigned int pn_virtio_user_queue_size(const char *args);

/**
 * Probe the device described by @p c (after rte_eal_init) with
 * rte_dev_probe() and return its ethdev port id in @p port_id. For a
 * virtio_user client the socket is checked first, so a backend that is
 * not running gives one plain line rather than virtio_user's connect error.
 * @return 0, or a negative errno with @p err saying what failed and why:
 * -EINVAL bad settings (as pn_virtio_devargs), -ENOENT no socket at path,
 * -ENOTSOCK path is not a socket, -EADDRINUSE server mode and a socket
 * already exists at path, -EEXIST device already probed, -ENOMEM no
 * memory, or what rte_dev_probe() returned (backend not listening, PCI
 * device absent or not bound).
 */
int pn_virtio_probe(const struct pn_virtio_conf *c, unsigned int index,
		    uint16_t *port_id, char *err, size_t errlen);

#endif /* PN_DRIVERS_VIRTIO_H */
