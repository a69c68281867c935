/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Creating a shard's L2/L3 layer and attaching it to its lcore (behind
 * GRO when conf->gro.enabled); the configuration defaults and checks; the
 * process-wide list of layers that telemetry reads; small mbuf helpers
 * shared by the other files.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_random.h>

#include "conf_check.h"
#include "net_priv.h"

RTE_LOG_REGISTER(pn_logtype_net, pollnet.net, INFO);

/*
 * One slot per shard. Written by whoever creates/frees the layers (the
 * main thread, before and after the lcores run), read by telemetry.
 */
static struct pn_net *net_registry[PN_MAX_SHARDS];

uint64_t net_loop_flag;

/* The loopback's mbuf flag: one bit for the process, found again by name. */
static int
net_loop_flag_init(void)
{
	static const struct rte_mbuf_dynflag f = { .name = "pn_net_looped" };
	int bit;

	if (net_loop_flag != 0)
		return 0;
	bit = rte_mbuf_dynflag_register(&f);
	if (bit < 0)
		return -rte_errno;
	net_loop_flag = 1ull << bit;
	return 0;
}

/*
 * GRO in front of Ethernet input: the RX handler merges, the after-RX
 * hook flushes at the end of the poll phase, and what either hands up
 * goes to pn_net_rx. One per shard, beside its pn_net.
 */
struct net_gro {
	struct pn_net *net;
	struct pn_gro gro;
};

static struct net_gro *gro_registry[PN_MAX_SHARDS];

const struct pn_gro *
pn_net_gro_of_shard(uint16_t shard)
{
	const struct net_gro *ng;

	if (shard >= PN_MAX_SHARDS)
		return NULL;
	ng = __atomic_load_n(&gro_registry[shard], __ATOMIC_ACQUIRE);
	return ng != NULL ? &ng->gro : NULL;
}

/* Input of what GRO handed up, charged to the input phase. */
static void
net_gro_up(struct pn_lcore *lc, struct net_gro *ng, struct rte_mbuf **pkts,
	   uint16_t n)
{
	if (n == 0)
		return;
	pn_lcore_phase(lc, PN_PHASE_INPUT);
	pn_net_rx(lc, pkts, n, ng->net);
}

static void
net_gro_rx(struct pn_lcore *lc, struct rte_mbuf **pkts, uint16_t n, void *arg)
{
	struct rte_mbuf *up[2 * PN_RX_BURST_MAX];
	struct net_gro *ng = arg;
	enum pn_lcore_phase prev;
	uint16_t k;

	prev = pn_lcore_phase(lc, PN_PHASE_GRO);
	k = pn_gro_receive(&ng->gro, pkts, n, up);
	net_gro_up(lc, ng, up, k);
	pn_lcore_phase(lc, prev);
}

static void
net_gro_flush(struct pn_lcore *lc, void *arg)
{
	struct rte_mbuf *up[PN_GRO_MAX_FLOWS];
	struct net_gro *ng = arg;
	enum pn_lcore_phase prev;
	uint16_t k;

	if (pn_gro_nb_held(&ng->gro) == 0)
		return;
	prev = pn_lcore_phase(lc, PN_PHASE_GRO);
	k = pn_gro_flush(&ng->gro, up, RTE_DIM(up));
	net_gro_up(lc, ng, up, k);
	pn_lcore_phase(lc, prev);
}

static int
net_gro_create(struct pn_net *net)
{
	struct pn_lcore *lc = net->lc;
	struct net_gro *ng;
	int rc;

	ng = rte_zmalloc_socket("pn_net_gro", sizeof(*ng), RTE_CACHE_LINE_SIZE,
				net->pool->socket_id);
	if (ng == NULL)
		return -ENOMEM;
	ng->net = net;
	pn_gro_init(&ng->gro, &net->conf->gro);
	pn_lcore_set_rx_handler(lc, net_gro_rx, ng);
	pn_lcore_set_after_rx(lc, net_gro_flush, ng);
	__atomic_store_n(&gro_registry[lc->shard], ng, __ATOMIC_RELEASE);
	rc = pn_gro_publish(lc->shard, &ng->gro);
	if (rc < 0)
		NET_LOG(WARNING, "GRO telemetry not registered (%d)", rc);
	return 0;
}

static void
net_gro_free(struct pn_net *net)
{
	struct pn_lcore *lc = net->lc;
	struct net_gro *ng = gro_registry[lc->shard];
	struct rte_mbuf *held[PN_GRO_MAX_FLOWS];

	if (ng == NULL || ng->net != net)
		return;
	pn_gro_publish(lc->shard, NULL);
	__atomic_store_n(&gro_registry[lc->shard], NULL, __ATOMIC_RELEASE);
	if (lc->rx_handler == net_gro_rx && lc->rx_arg == ng)
		pn_lcore_set_rx_handler(lc, NULL, NULL);
	if (lc->after_rx == net_gro_flush && lc->after_rx_arg == ng)
		pn_lcore_set_after_rx(lc, NULL, NULL);
	/* Empty between rounds; a caller that stopped mid-round drops. */
	pn_drop_bulk(lc, held, pn_gro_flush(&ng->gro, held, RTE_DIM(held)),
		     PN_DROP_SHUTDOWN);
	rte_free(ng);
}

struct pn_net *
pn_net_of_shard(uint16_t shard)
{
	if (shard >= PN_MAX_SHARDS)
		return NULL;
	return __atomic_load_n(&net_registry[shard], __ATOMIC_ACQUIRE);
}

/* --- configuration --- */

void
pn_net_conf_default(struct pn_net_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->nb_ports = 1;
	c->port[0].port_id = 0;
	c->port[0].mtu = 1500;
	c->ttl = 64;
	c->arp.cache_size = 1024;
	c->arp.reachable_ms = 30000;	/* Linux base_reachable_time */
	c->arp.retrans_ms = 1000;	/* Linux retrans_time */
	c->arp.max_probes = 3;		/* Linux mcast_solicit */
	c->arp.pending_max = 128;	/* Linux: unres_qlen_bytes, ~100 packets */
	c->reasm.max_flows = 1024;
	c->reasm.timeout_ms = 30000;	/* Linux ipfrag_time */
	c->reasm.max_frags = 64;
	c->reasm.max_held = 4096;
	c->icmp.rate = 1000;		/* Linux icmp_msgs_per_sec */
	c->icmp.burst = 50;		/* Linux icmp_msgs_burst */
	pn_gro_conf_default(&c->gro);	/* Linux: GRO on by default */
}

#define IP_FMT "%u.%u.%u.%u"
#define IP_ARGS(a) (a) >> 24, ((a) >> 16) & 0xff, ((a) >> 8) & 0xff, (a) & 0xff

static bool
ip_is_unicast(uint32_t ip)
{
	return ip != 0 && ip >> 24 != 127 && ip >> 28 < 0xe;
}

static bool
mac_is_unicast(const uint8_t *mac)
{
	static const uint8_t zero[PN_ETHER_ADDR_LEN];

	return !pn_ether_is_multicast(mac) && memcmp(mac, zero, sizeof(zero));
}

/* The connected subnet (port index) holding @p ip, or -1. */
static int
conf_connected(const struct pn_net_conf *c, uint32_t ip)
{
	unsigned int p, a;

	for (p = 0; p < c->nb_ports; p++)
		for (a = 0; a < c->port[p].nb_addrs; a++) {
			const struct pn_net_addr *ad = &c->port[p].addr[a];
			uint32_t m = net_mask(ad->prefix_len);

			if ((ip & m) == (ad->ip & m))
				return (int)p;
		}
	return -1;
}

static int
conf_check_port(const struct pn_net_conf *c, unsigned int p, char *err,
		size_t len)
{
	const struct pn_net_port_conf *pc = &c->port[p];
	char key[64];
	unsigned int a, q;
	int rc;

	snprintf(key, sizeof(key), "net.port[%u].port_id", p);
	if ((rc = pn_conf_check_range(key, pc->port_id, 0, PN_MAX_PORTS - 1,
				      err, len)))
		return rc;
	for (q = 0; q < p; q++)
		if (c->port[q].port_id == pc->port_id) {
			snprintf(err, len,
				 "net.port[%u].port_id = %u is already net.port[%u]",
				 p, pc->port_id, q);
			return -EINVAL;
		}
	snprintf(key, sizeof(key), "net.port[%u].mtu", p);
	if ((rc = pn_conf_check_range(key, pc->mtu, 68, 9000, err, len)))
		return rc;
	if (!mac_is_unicast(pc->mac)) {
		snprintf(err, len,
			 "net.port[%u].mac = %02x:%02x:%02x:%02x:%02x:%02x is not a unicast address",
			 p, pc->mac[0], pc->mac[1], pc->mac[2], pc->mac[3],
			 pc->mac[4], pc->mac[5]);
		return -EINVAL;
	}
	snprintf(key, sizeof(key), "net.port[%u].nb_addrs", p);
	if ((rc = pn_conf_check_range(key, pc->nb_addrs, 1, PN_NET_MAX_ADDRS,
				      err, len)))
		return rc;
	for (a = 0; a < pc->nb_addrs; a++) {
		const struct pn_net_addr *ad = &pc->addr[a];

		snprintf(key, sizeof(key), "net.port[%u].addr[%u].prefix_len",
			 p, a);
		if ((rc = pn_conf_check_range(key, ad->prefix_len, 1, 32, err,
					      len)))
			return rc;
		if (!ip_is_unicast(ad->ip) ||
		    (ad->prefix_len <= 30 &&
		     ((ad->ip & ~net_mask(ad->prefix_len)) == 0 ||
		      (ad->ip | net_mask(ad->prefix_len)) == UINT32_MAX))) {
			snprintf(err, len,
				 "net.port[%u].addr[%u].ip = " IP_FMT "/%u is not a unicast host address",
				 p, a, IP_ARGS(ad->ip), ad->prefix_len);
			return -EINVAL;
		}
	}
	return 0;
}

static int
conf_check_routes(const struct pn_net_conf *c, char *err, size_t len)
{
	char key[64];
	unsigned int i;
	int rc;

	if (c->gateway != 0 && conf_connected(c, c->gateway) < 0) {
		snprintf(err, len,
			 "net.gateway = " IP_FMT " is not on a connected subnet",
			 IP_ARGS(c->gateway));
		return -EINVAL;
	}
	if ((rc = pn_conf_check_range("net.nb_routes", c->nb_routes, 0,
				      PN_NET_MAX_ROUTES, err, len)))
		return rc;
	for (i = 0; i < c->nb_routes; i++) {
		const struct pn_net_route_conf *r = &c->route[i];

		snprintf(key, sizeof(key), "net.route[%u].prefix_len", i);
		if ((rc = pn_conf_check_range(key, r->prefix_len, 0, 32, err,
					      len)))
			return rc;
		if (conf_connected(c, r->gw) < 0) {
			snprintf(err, len,
				 "net.route[%u].gw = " IP_FMT " is not on a connected subnet",
				 i, IP_ARGS(r->gw));
			return -EINVAL;
		}
	}
	return 0;
}

static int
conf_check_static_arp(const struct pn_net_conf *c, char *err, size_t len)
{
	unsigned int i, p;
	int rc;

	if ((rc = pn_conf_check_range("net.nb_static_arp", c->nb_static_arp, 0,
				      PN_NET_MAX_STATIC_ARP, err, len)))
		return rc;
	if (c->nb_static_arp >= c->arp.cache_size) {
		snprintf(err, len,
			 "net.nb_static_arp = %u must be below net.arp.cache_size (%u)",
			 c->nb_static_arp, c->arp.cache_size);
		return -EINVAL;
	}
	for (i = 0; i < c->nb_static_arp; i++) {
		const struct pn_net_static_arp *s = &c->static_arp[i];

		for (p = 0; p < c->nb_ports; p++)
			if (c->port[p].port_id == s->port_id)
				break;
		if (p == c->nb_ports) {
			snprintf(err, len,
				 "net.static_arp[%u].port_id = %u is not a configured port",
				 i, s->port_id);
			return -EINVAL;
		}
		if (!ip_is_unicast(s->ip) || !mac_is_unicast(s->mac)) {
			snprintf(err, len,
				 "net.static_arp[%u] = " IP_FMT " is not a unicast IPv4/MAC pair",
				 i, IP_ARGS(s->ip));
			return -EINVAL;
		}
	}
	return 0;
}

int
pn_net_conf_check(const struct pn_net_conf *c, char *err, size_t len)
{
	unsigned int p;
	int rc;

	if ((rc = pn_conf_check_range("net.nb_ports", c->nb_ports, 1,
				      PN_MAX_PORTS, err, len)))
		return rc;
	for (p = 0; p < c->nb_ports; p++)
		if ((rc = conf_check_port(c, p, err, len)))
			return rc;
	if ((rc = pn_conf_check_range("net.ttl", c->ttl, 1, 255, err, len)) ||
	    (rc = pn_conf_check_range("net.arp.cache_size", c->arp.cache_size,
				      16, 65536, err, len)) ||
	    (rc = pn_conf_check_range("net.arp.reachable_ms",
				      c->arp.reachable_ms, 1000, 3600000, err,
				      len)) ||
	    (rc = pn_conf_check_range("net.arp.retrans_ms", c->arp.retrans_ms,
				      100, 60000, err, len)) ||
	    (rc = pn_conf_check_range("net.arp.max_probes", c->arp.max_probes,
				      1, 10, err, len)) ||
	    (rc = pn_conf_check_range("net.arp.pending_max",
				      c->arp.pending_max, 1, 256, err, len)) ||
	    (rc = pn_conf_check_range("net.reasm.max_flows",
				      c->reasm.max_flows, 1, 65536, err,
				      len)) ||
	    (rc = pn_conf_check_range("net.reasm.timeout_ms",
				      c->reasm.timeout_ms, 1000, 120000, err,
				      len)) ||
	    (rc = pn_conf_check_range("net.reasm.max_frags",
				      c->reasm.max_frags, 2, 1024, err,
				      len)) ||
	    (rc = pn_conf_check_range("net.reasm.max_held", c->reasm.max_held,
				      2, 1048576, err, len)) ||
	    (rc = pn_conf_check_range("net.icmp.rate", c->icmp.rate, 1,
				      1000000, err, len)) ||
	    (rc = pn_conf_check_range("net.icmp.burst", c->icmp.burst, 1,
				      1000000, err, len)))
		return rc;
	if ((rc = conf_check_routes(c, err, len)) ||
	    (rc = conf_check_static_arp(c, err, len)))
		return rc;
	if (c->gro.enabled &&
	    (rc = pn_gro_conf_check(&c->gro, "net.gro", err, len)))
		return rc;
	return 0;
}

/* --- create / free --- */

int
pn_net_create(const struct pn_net_conf *conf, struct pn_lcore *lc,
	      struct rte_mempool *pool, struct pn_net **out)
{
	struct pn_net *net;
	char err[192];
	unsigned int p;
	int rc;

	if (conf == NULL || lc == NULL || pool == NULL || out == NULL ||
	    lc->shard >= PN_MAX_SHARDS)
		return -EINVAL;
	if (pn_net_conf_check(conf, err, sizeof(err)) < 0) {
		NET_LOG(ERR, "shard %u: %s", lc->shard, err);
		return -EINVAL;
	}
	if (pn_net_of_shard(lc->shard) != NULL)
		return -EEXIST;
	rc = net_loop_flag_init();
	if (rc < 0) {
		NET_LOG(ERR, "shard %u: the loopback's mbuf flag: %s",
			lc->shard, rte_strerror(-rc));
		return rc;
	}
	net = rte_zmalloc_socket("pn_net", sizeof(*net), RTE_CACHE_LINE_SIZE,
				 pool->socket_id);
	if (net == NULL)
		return -ENOMEM;
	net->lc = lc;
	net->conf = conf;
	net->pool = pool;
	memset(net->pidx, -1, sizeof(net->pidx));
	for (p = 0; p < conf->nb_ports; p++)
		net->pidx[conf->port[p].port_id] = (int8_t)p;
	/* Random start: shards (and restarts) do not reuse each other's
	 * IDs in step (RFC 6864 asks uniqueness per src/dst/proto). */
	net->ip_id = (uint16_t)rte_rand();
	net->icmp_credit = (uint64_t)conf->icmp.burst * PN_NS_PER_S;
	net->icmp_last_ns = lc->now;
	route_build(net);

	net->scratch = rte_malloc_socket("pn_net_scratch", NET_SCRATCH_LEN, 0,
					 pool->socket_id);
	if (net->scratch == NULL) {
		rc = -ENOMEM;
		goto err_net;
	}
	if ((rc = arp_init(net)) < 0)
		goto err_scratch;
	if ((rc = frag_init(net)) < 0)
		goto err_arp;
	if ((rc = pn_msg_register(lc, PN_MSG_ARP_UPDATE, arp_msg, net)) < 0)
		goto err_frag;
	pn_lcore_set_rx_handler(lc, pn_net_rx, net);
	if (conf->gro.enabled && (rc = net_gro_create(net)) < 0)
		goto err_msg;
	__atomic_store_n(&net_registry[lc->shard], net, __ATOMIC_RELEASE);
	rc = net_telemetry_register();
	if (rc < 0)
		NET_LOG(WARNING, "telemetry commands not registered (%d)", rc);
	*out = net;
	return 0;

err_msg:
	pn_lcore_set_rx_handler(lc, NULL, NULL);
	pn_msg_register(lc, PN_MSG_ARP_UPDATE, NULL, NULL);
err_frag:
	frag_fini(net);
err_arp:
	arp_fini(net);
err_scratch:
	rte_free(net->scratch);
err_net:
	rte_free(net);
	return rc;
}

void
pn_net_free(struct pn_net *net)
{
	struct pn_lcore *lc;

	if (net == NULL)
		return;
	lc = net->lc;
	if (pn_net_of_shard(lc->shard) == net)
		__atomic_store_n(&net_registry[lc->shard], NULL,
				 __ATOMIC_RELEASE);
	net_gro_free(net);
	if (lc->rx_handler == pn_net_rx && lc->rx_arg == net)
		pn_lcore_set_rx_handler(lc, NULL, NULL);
	if (lc->msg_handler[PN_MSG_ARP_UPDATE].arg == net)
		pn_msg_register(lc, PN_MSG_ARP_UPDATE, NULL, NULL);
	frag_fini(net);
	arp_fini(net);
	rte_free(net->scratch);
	rte_free(net);
}

void
pn_net_start(struct pn_net *net)
{
	arp_announce(net->lc, net);
}

int
pn_net_register_proto(struct pn_net *net, uint8_t proto, pn_net_proto_fn fn,
		      void *arg)
{
	if (proto == PN_IPV4_PROTO_ICMP)
		return -EINVAL;
	if (fn != NULL && net->proto[proto].fn != NULL)
		return -EEXIST;
	net->proto[proto].fn = fn;
	net->proto[proto].arg = fn != NULL ? arg : NULL;
	if (fn == NULL)
		net->proto[proto].burst = NULL;
	return 0;
}

int
pn_net_register_proto_burst(struct pn_net *net, uint8_t proto,
			    pn_net_proto_burst_fn fn)
{
	if (net->proto[proto].fn == NULL)
		return -ENOENT;
	/* Nothing of the old handler's may stay collected. */
	net_batch_flush(net->lc, net);
	net->proto[proto].burst = fn;
	return 0;
}

const struct pn_net_stat *
pn_net_stats(const struct pn_net *net)
{
	return &net->stat;
}

/* --- mbuf helpers --- */

void
net_mbuf_reuse(struct rte_mbuf *m)
{
	m->ol_flags &= RTE_MBUF_F_EXTERNAL | RTE_MBUF_F_INDIRECT;
	m->packet_type = 0;
	m->tx_offload = 0;
	m->vlan_tci = 0;
	m->vlan_tci_outer = 0;
}

void
net_mbuf_copy(const struct rte_mbuf *m, uint32_t off, uint32_t len, void *dst)
{
	const void *p = rte_pktmbuf_read(m, off, len, dst);

	if (p != dst && p != NULL)
		memcpy(dst, p, len);
}

void
net_mbuf_write(struct rte_mbuf *m, uint32_t off, const void *src, uint32_t len)
{
	const uint8_t *s = src;

	for (; m != NULL && len > 0; m = m->next) {
		uint32_t n;

		if (off >= m->data_len) {
			off -= m->data_len;
			continue;
		}
		n = RTE_MIN(len, m->data_len - off);
		memmove(rte_pktmbuf_mtod_offset(m, uint8_t *, off), s, n);
		s += n;
		len -= n;
		off = 0;
	}
}

void
net_mbuf_trim_to(struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *s;
	uint32_t left = len;

	if (m->pkt_len <= len)
		return;
	for (s = m; s != NULL; s = s->next) {
		if (left <= s->data_len)
			break;
		left -= s->data_len;
	}
	/* s holds the last byte we keep (or is the first, when len is 0). */
	s->data_len = (uint16_t)left;
	if (s->next != NULL) {
		rte_pktmbuf_free(s->next);
		s->next = NULL;
	}
	m->pkt_len = len;
	m->nb_segs = 1;
	for (s = m->next; s != NULL; s = s->next)
		m->nb_segs++;
}

struct rte_mbuf *
net_alloc(struct pn_net *net)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(net->pool);

	if (m == NULL)
		net->stat.nomem++;
	return m;
}
