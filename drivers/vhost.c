/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_vhost: TSO toward the guest. DPDK 22.11's net_vhost does not list
 * RTE_ETH_TX_OFFLOAD_TCP_TSO, yet the vhost library turns an mbuf with
 * RTE_MBUF_F_TX_TCP_SEG into a virtio GSO header (virtio_enqueue_offload)
 * and the guest takes the segment whole, as long as the guest negotiated
 * VIRTIO_NET_F_GUEST_TSO4 (and GUEST_CSUM). That is known only once a
 * guest connects, and changes when another one does: a link-state
 * callback (run by the vhost thread) reads the negotiated features and
 * publishes two flags per port: TSO, which lcores read (pn_port_tso_live)
 * before they build a TSO segment, and GUEST_CSUM, which the bridge
 * reads (pn_port_csum_live) before it hands a verified checksum on as
 * partial (pollnet-bench --csum-partial).
 *
 * The vid of a net_vhost port comes from rte_eth_vhost_get_vid_from_port_id
 * in the PMD's own library, which EAL loads as a plugin: we look it up
 * in the already loaded object (RTLD_NOLOAD) rather than link the PMD.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_vhost.h>

#include "log.h"
#include "port.h"

RTE_LOG_REGISTER(pn_logtype_vhost, pollnet.vhost, INFO);

#define VHOST_LOG(level, fmt, ...) \
	PN_LOG(pn_logtype_vhost, level, fmt, ##__VA_ARGS__)

/* virtio 1.2, 5.1.3 Feature bits */
#define VIRTIO_F_GUEST_CSUM 1
#define VIRTIO_F_GUEST_TSO4 7

typedef int (*vid_of_port_fn)(uint16_t port_id);

static atomic_bool tso_live[RTE_MAX_ETHPORTS];
static atomic_bool csum_live[RTE_MAX_ETHPORTS];	/* GUEST_CSUM */
static vid_of_port_fn vid_of_port;

/* The PMD's soname: librte_net_vhost.so.<ABI>, ABI 23 for DPDK 22.11. */
static vid_of_port_fn
vhost_vid_fn(void)
{
	static const char *const names[] = {
		"librte_net_vhost.so.23", "librte_net_vhost.so.24",
		"librte_net_vhost.so.25", "librte_net_vhost.so",
	};
	void *sym = dlsym(RTLD_DEFAULT, "rte_eth_vhost_get_vid_from_port_id");

	for (size_t i = 0; sym == NULL && i < RTE_DIM(names); i++) {
		void *h = dlopen(names[i], RTLD_NOW | RTLD_NOLOAD);

		if (h != NULL) {
			sym = dlsym(h, "rte_eth_vhost_get_vid_from_port_id");
			dlclose(h); /* NOLOAD took a reference: give it back */
		}
	}
	return (vid_of_port_fn)(uintptr_t)sym;
}

/* Re-read the guest's features of @p port_id; publish the TSO and
 * checksum flags. */
static void
vhost_guest_update(uint16_t port_id)
{
	struct rte_eth_link link;
	uint64_t f = 0;
	bool on = false, csum = false;
	int vid = -1;

	if (rte_eth_link_get_nowait(port_id, &link) == 0 &&
	    link.link_status == RTE_ETH_LINK_UP) {
		vid = vid_of_port(port_id);
		if (vid >= 0 && rte_vhost_get_negotiated_features(vid, &f) == 0) {
			csum = f & (1ULL << VIRTIO_F_GUEST_CSUM);
			on = csum && (f & (1ULL << VIRTIO_F_GUEST_TSO4));
		}
	}
	atomic_store(&csum_live[port_id], csum);
	if (atomic_exchange(&tso_live[port_id], on) != on || on)
		VHOST_LOG(INFO, "port %u: guest %s: TSO toward it %s",
			  port_id, vid < 0 ? "gone" : on ?
			  "negotiated GUEST_TSO4" : "without GUEST_TSO4",
			  on ? "on" : "off (segments cut in software)");
}

static int
vhost_lsc(uint16_t port_id, enum rte_eth_event_type ev, void *arg,
	  void *ret)
{
	(void)ev;
	(void)arg;
	(void)ret;
	vhost_guest_update(port_id);
	return 0;
}

int
pn_vhost_tso_watch(uint16_t port_id)
{
	int rc;

	if (port_id >= RTE_MAX_ETHPORTS)
		return -EINVAL;
	if (vid_of_port == NULL)
		vid_of_port = vhost_vid_fn();
	if (vid_of_port == NULL) {
		const char *e = dlerror();

		VHOST_LOG(INFO, "port %u: net_vhost's library not found (%s): TSO toward the guest off",
			  port_id, e != NULL ? e : "no rte_eth_vhost_get_vid_from_port_id");
		return -ENOTSUP;
	}
	rc = rte_eth_dev_callback_register(port_id, RTE_ETH_EVENT_INTR_LSC,
					   vhost_lsc, NULL);
	if (rc < 0)
		return rc;
	vhost_guest_update(port_id); /* a guest may be there already */
	return 0;
}

void
pn_vhost_tso_unwatch(uint16_t port_id)
{
	if (port_id >= RTE_MAX_ETHPORTS)
		return;
	rte_eth_dev_callback_unregister(port_id, RTE_ETH_EVENT_INTR_LSC,
					vhost_lsc, NULL);
	atomic_store(&tso_live[port_id], false);
	atomic_store(&csum_live[port_id], false);
}

bool
pn_port_tso_live(uint16_t port_id)
{
	return port_id < RTE_MAX_ETHPORTS &&
	       atomic_load_explicit(&tso_live[port_id], memory_order_relaxed);
}

bool
pn_port_csum_live(uint16_t port_id)
{
	return port_id < RTE_MAX_ETHPORTS &&
	       atomic_load_explicit(&csum_live[port_id], memory_order_relaxed);
}
