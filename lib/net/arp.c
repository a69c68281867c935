/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP (RFC 826) and the neighbour cache, per shard.
 *
 * Across lcores without locks: every shard owns a whole cache of its own
 * (hash, entries, timers, pending queues); no other lcore ever reads or
 * writes it (telemetry excepted: it reads entry slots, never chains, and
 * may see a half-updated entry). ARP packets arrive on whichever shard the
 * device or steering gives them to. When a shard learns a neighbour or
 * sees it change (a new entry, a new MAC, INCOMPLETE/STALE -> REACHABLE),
 * it broadcasts PN_MSG_ARP_UPDATE {port, ip, mac} to the other shards,
 * which apply it to their own cache as a confirmation (creating the entry,
 * flushing packets queued for that neighbour) without re-broadcasting.
 * A reply addressed to us is broadcast even without news: the shard that
 * asked may not be the one the reply reached.
 * So the one ARP exchange a shard does also resolves the neighbour for
 * every other shard, and no request is answered per shard.
 *
 * The price: a shard's cache lags by one message-ring poll, and two
 * shards learning two different MACs for one address at the same moment
 * may end up disagreeing until the next confirmation; each shard still
 * probes on its own when its entry goes STALE, which heals that.
 *
 * States follow Linux's NUD machine, reduced: INCOMPLETE (broadcast
 * requests every retrans_ms, up to max_probes, packets queued up to
 * pending_max), REACHABLE (for reachable_ms after a confirmation), STALE
 * (still used; the first use sends unicast probes, and an entry that does
 * not answer them is removed; negative advice from TCP starts the same
 * probes at once, as Linux NUD_PROBE), STATIC (from the configuration).
 * When the cache is full the least recently confirmed non-static entry
 * goes.
 */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "arp.h"
#include "net_priv.h"

struct arp_update {
	uint32_t ip;
	uint16_t port_id;
	uint8_t mac[PN_ETHER_ADDR_LEN];
};

static const uint8_t arp_bcast[PN_ETHER_ADDR_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

const char *
pn_arp_state_name(enum pn_arp_state s)
{
	static const char *const names[] = {
		[PN_ARP_FREE] = "FREE",
		[PN_ARP_INCOMPLETE] = "INCOMPLETE",
		[PN_ARP_REACHABLE] = "REACHABLE",
		[PN_ARP_STALE] = "STALE",
		[PN_ARP_STATIC] = "STATIC",
	};

	return (unsigned int)s < RTE_DIM(names) ? names[s] : "?";
}

/* --- the cache --- */

static uint32_t
arp_hash(const struct arp_cache *c, uint8_t pidx, uint32_t ip)
{
	uint32_t h = (ip ^ (uint32_t)pidx << 27) * 2654435761u;

	return (h ^ h >> 16) & c->bmask;
}

static struct arp_entry *
arp_find(const struct arp_cache *c, uint8_t pidx, uint32_t ip)
{
	uint32_t i;

	for (i = c->bucket[arp_hash(c, pidx, ip)]; i != NET_NIL;
	     i = c->e[i].hnext)
		if (c->e[i].ip == ip && c->e[i].pidx == pidx)
			return &c->e[i];
	return NULL;
}

/* The state as of now: REACHABLE turns STALE after reachable_ms. */
static enum pn_arp_state
arp_state(const struct pn_net *net, const struct arp_entry *e, uint64_t now)
{
	if (e->state == PN_ARP_REACHABLE && arp_expired(net, e, now))
		return PN_ARP_STALE;
	return (enum pn_arp_state)e->state;
}

uint32_t
arp_usable_idx(const struct pn_net *net, uint8_t pidx, uint32_t nexthop,
	       uint64_t now)
{
	const struct arp_entry *e = arp_find(&net->arp, pidx, nexthop);

	if (e == NULL || !arp_usable(net, e, now))
		return NET_NIL;
	return (uint32_t)(e - net->arp.e);
}

static void
arp_pending_drop(struct pn_lcore *lc, struct pn_net *net, struct arp_entry *e,
		 enum pn_drop_reason reason)
{
	uint32_t max = net->conf->arp.pending_max;

	while (e->npend > 0) {
		pn_drop(lc, e->pend[e->pend_head], reason);
		e->pend_head = (uint16_t)((e->pend_head + 1) % max);
		e->npend--;
		net->stat.arp_pending_dropped++;
	}
	e->pend_head = 0;
}

static void
arp_remove(struct pn_lcore *lc, struct pn_net *net, struct arp_entry *e,
	   enum pn_drop_reason reason)
{
	struct arp_cache *c = &net->arp;
	uint32_t idx = (uint32_t)(e - c->e);
	uint32_t *link = &c->bucket[arp_hash(c, e->pidx, e->ip)];

	pn_timer_cancel(&lc->timers, &e->timer);
	arp_pending_drop(lc, net, e, reason);
	while (*link != idx)
		link = &c->e[*link].hnext;
	*link = e->hnext;
	if (e->state != PN_ARP_STATIC)
		TAILQ_REMOVE(&c->lru, e, lru);
	e->state = PN_ARP_FREE;
	e->hnext = c->free_head;
	c->free_head = idx;
}

static struct arp_entry *
arp_create(struct pn_lcore *lc, struct pn_net *net, uint8_t pidx, uint32_t ip,
	   enum pn_arp_state state)
{
	struct arp_cache *c = &net->arp;
	struct arp_entry *e;
	uint32_t b;

	if (c->free_head == NET_NIL) {
		struct arp_entry *old = TAILQ_FIRST(&c->lru);

		if (old == NULL)
			return NULL;
		net->stat.arp_evicted++;
		arp_remove(lc, net, old, PN_DROP_ARP_EVICTED);
	}
	e = &c->e[c->free_head];
	c->free_head = e->hnext;
	e->ip = ip;
	e->pidx = pidx;
	e->state = (uint8_t)state;
	e->probes = 0;
	e->npend = 0;
	e->pend_head = 0;
	memset(e->mac, 0, sizeof(e->mac));
	e->updated_ns = lc->now;
	b = arp_hash(c, pidx, ip);
	e->hnext = c->bucket[b];
	c->bucket[b] = (uint32_t)(e - c->e);
	if (state != PN_ARP_STATIC)
		TAILQ_INSERT_TAIL(&c->lru, e, lru);
	return e;
}

/* --- sending --- */

int
net_eth_output(struct pn_lcore *lc, struct pn_net *net, uint8_t pidx,
	       const uint8_t dst[PN_ETHER_ADDR_LEN], uint16_t type,
	       struct rte_mbuf *m)
{
	const struct pn_net_port_conf *pc = net_port(net, pidx);
	uint8_t *p;

	p = (uint8_t *)rte_pktmbuf_prepend(m, PN_ETHER_HDR_LEN);
	if (p == NULL) {
		pn_drop(lc, m, PN_DROP_NET_NO_HEADROOM);
		return -ENOBUFS;
	}
	pn_ether_put(p, dst, pc->mac, type);
	m->l2_len = PN_ETHER_HDR_LEN;
	pn_tx(lc, pc->port_id, m);
	return 0;
}

/* A request for @p tpa: broadcast, or unicast to @p dst (a probe). */
static void
arp_send_request(struct pn_lcore *lc, struct pn_net *net, uint8_t pidx,
		 uint32_t tpa, const uint8_t *dst)
{
	struct rte_mbuf *m = net_alloc(net);
	uint8_t *p;

	if (m == NULL)
		return;
	p = (uint8_t *)rte_pktmbuf_append(m, PN_ARP_LEN);
	pn_arp_build_request(p, PN_ARP_LEN, net_port(net, pidx)->mac,
			     net_port_src(net, pidx, tpa), tpa);
	net->stat.arp_requests++;
	net->stat.arp_out++;
	net_eth_output(lc, net, pidx, dst != NULL ? dst : arp_bcast,
		       PN_ETHER_TYPE_ARP, m);
}

static void
arp_probe(struct pn_lcore *lc, struct pn_net *net, struct arp_entry *e)
{
	arp_send_request(lc, net, e->pidx, e->ip,
			 e->state == PN_ARP_INCOMPLETE ? NULL : e->mac);
	e->probes++;
	pn_timer_arm(&lc->timers, &e->timer,
		     lc->now + (uint64_t)net->conf->arp.retrans_ms *
				       PN_NS_PER_MS);
}

static void
arp_timer(struct pn_timer *t)
{
	struct arp_entry *e = pn_timer_owner(t, struct arp_entry, timer);
	struct pn_net *net = e->net;
	struct pn_lcore *lc = net->lc;

	if (e->probes < net->conf->arp.max_probes) {
		arp_probe(lc, net, e);
		return;
	}
	/* No answer: INCOMPLETE fails its queue; STALE is forgotten and
	 * the next use resolves afresh with broadcasts. */
	net->stat.arp_failed++;
	arp_remove(lc, net, e, PN_DROP_ARP_FAILED);
}

static void
arp_broadcast(struct pn_lcore *lc, struct pn_net *net,
	      const struct arp_entry *e)
{
	struct arp_update u = {
		.ip = e->ip,
		.port_id = net_port(net, e->pidx)->port_id,
	};

	memcpy(u.mac, e->mac, sizeof(u.mac));
	net->stat.arp_msg_out +=
		(uint64_t)pn_msg_broadcast(lc, PN_MSG_ARP_UPDATE, &u,
					   sizeof(u));
}

/* Where a confirmation comes from: what the other shards are told. */
enum arp_from {
	ARP_FROM_MSG,	/* another shard's message: tell no one */
	ARP_FROM_WIRE,	/* a packet: tell the others if it is news */
	ARP_FROM_REPLY,	/* a reply to us: tell the others in any case */
};

/*
 * @p e is confirmed at @p mac: REACHABLE from now, queue flushed in
 * order. A reply to us is always passed on: the request may have come
 * from another shard (one whose entry went STALE or INCOMPLETE while ours
 * is still REACHABLE), and the reply reached this one because ARP is not
 * steered; without the message that shard's probes would run out and fail
 * its queue (ARP_FAILED) although the neighbour answered.
 */
static void
arp_confirm(struct pn_lcore *lc, struct pn_net *net, struct arp_entry *e,
	    const uint8_t mac[PN_ETHER_ADDR_LEN], enum arp_from from)
{
	uint32_t max = net->conf->arp.pending_max;
	bool news;

	if (e->state == PN_ARP_STATIC)
		return;
	news = arp_state(net, e, lc->now) != PN_ARP_REACHABLE ||
	       memcmp(e->mac, mac, PN_ETHER_ADDR_LEN) != 0;
	memcpy(e->mac, mac, PN_ETHER_ADDR_LEN);
	e->state = PN_ARP_REACHABLE;
	e->updated_ns = lc->now;
	e->probes = 0;
	pn_timer_cancel(&lc->timers, &e->timer);
	TAILQ_REMOVE(&net->arp.lru, e, lru);
	TAILQ_INSERT_TAIL(&net->arp.lru, e, lru);
	while (e->npend > 0) {
		struct rte_mbuf *m = e->pend[e->pend_head];

		e->pend_head = (uint16_t)((e->pend_head + 1) % max);
		e->npend--;
		net_eth_output(lc, net, e->pidx, e->mac, PN_ETHER_TYPE_IPV4,
			       m);
	}
	e->pend_head = 0;
	if (news && from != ARP_FROM_MSG)
		net->stat.arp_learned++;
	if ((news && from != ARP_FROM_MSG) || from == ARP_FROM_REPLY)
		arp_broadcast(lc, net, e);
}

static int
arp_enqueue(struct pn_lcore *lc, struct pn_net *net, struct arp_entry *e,
	    struct rte_mbuf *m)
{
	uint32_t max = net->conf->arp.pending_max;

	if (e->npend >= max) {
		net->stat.arp_pending_dropped++;
		pn_drop(lc, m, PN_DROP_ARP_PENDING_FULL);
		return -ENOBUFS;
	}
	e->pend[(e->pend_head + e->npend) % max] = m;
	e->npend++;
	return 0;
}

int
arp_output(struct pn_lcore *lc, struct pn_net *net, uint8_t pidx,
	   uint32_t nexthop, struct rte_mbuf *m)
{
	struct arp_entry *e;
	int rc;

	/* A directed (or limited) broadcast needs no neighbour. */
	if (net_is_bcast(net, pidx, nexthop))
		return net_eth_output(lc, net, pidx, arp_bcast,
				      PN_ETHER_TYPE_IPV4, m);
	e = arp_find(&net->arp, pidx, nexthop);
	if (e == NULL) {
		e = arp_create(lc, net, pidx, nexthop, PN_ARP_INCOMPLETE);
		if (e == NULL) {
			pn_drop(lc, m, PN_DROP_ARP_CACHE_FULL);
			return -ENOBUFS;
		}
		rc = arp_enqueue(lc, net, e, m);
		arp_probe(lc, net, e);
		return rc;
	}
	switch (arp_state(net, e, lc->now)) {
	case PN_ARP_INCOMPLETE:
		return arp_enqueue(lc, net, e, m);
	case PN_ARP_STALE:
		/* Keep using it; confirm it with unicast probes (RFC 1122
		 * 2.3.2.1), the first one now. */
		e->state = PN_ARP_STALE;
		if (!pn_timer_pending(&e->timer)) {
			e->probes = 0;
			arp_probe(lc, net, e);
		}
		break;
	default:
		break;
	}
	return net_eth_output(lc, net, pidx, e->mac, PN_ETHER_TYPE_IPV4, m);
}

/* Linux neigh_event / NUD_PROBE on negative advice (dst_negative_advice
 * asks for a new route; here the route is static, its neighbour is what
 * can have gone). */
int
pn_net_negative_advice(struct pn_net *net, uint32_t dst)
{
	struct pn_lcore *lc = net->lc;
	struct pn_net_nexthop nh;
	struct arp_entry *e;
	int pidx;

	net->stat.neg_advice++;
	if (pn_net_route(net, dst, &nh) < 0)
		return -ENETUNREACH;
	pidx = net_pidx(net, nh.port_id);
	if (pidx < 0 ||
	    (e = arp_find(&net->arp, (uint8_t)pidx, nh.nexthop)) == NULL)
		return -ENOENT;
	if (e->state == PN_ARP_STATIC)
		return -EPERM;
	if (e->state == PN_ARP_INCOMPLETE || pn_timer_pending(&e->timer))
		return -EALREADY;
	e->state = PN_ARP_STALE;
	e->probes = 0;
	net->stat.arp_reconfirm++;
	arp_probe(lc, net, e);
	return 0;
}

/* --- receiving --- */

static bool
arp_sender_ok(const struct pn_net *net, uint8_t pidx, const struct pn_arp *a)
{
	static const uint8_t zero[PN_ETHER_ADDR_LEN];

	if (pn_ether_is_multicast(a->sha) ||
	    memcmp(a->sha, zero, sizeof(zero)) == 0 ||
	    memcmp(a->sha, net_port(net, pidx)->mac, PN_ETHER_ADDR_LEN) == 0)
		return false;
	if (a->spa == 0)	/* RFC 5227 probe: fine, nothing to learn */
		return true;
	/* Not a group or loopback address, and not ours (a conflict, or
	 * our own announcement looped back). */
	return a->spa >> 24 != 127 && a->spa >> 28 < 0xe &&
	       !pn_net_is_local(net, a->spa);
}

void
arp_input(struct pn_lcore *lc, struct pn_net *net, uint8_t pidx,
	  struct rte_mbuf *m, uint16_t l2_len)
{
	struct arp_entry *e = NULL;
	enum arp_from from;
	struct pn_arp a;
	bool ours, merged = false;

	net->stat.arp_in++;
	if (rte_pktmbuf_data_len(m) < l2_len ||
	    pn_arp_parse(rte_pktmbuf_mtod_offset(m, uint8_t *, l2_len),
			 rte_pktmbuf_data_len(m) - l2_len, &a) < 0 ||
	    !arp_sender_ok(net, pidx, &a)) {
		pn_drop(lc, m, PN_DROP_ARP_BAD);
		return;
	}
	ours = net_port_has_addr(net, pidx, a.tpa);
	from = ours && a.op == PN_ARP_OP_REPLY ? ARP_FROM_REPLY : ARP_FROM_WIRE;
	/* RFC 826 "Packet Reception": merge into an existing entry first,
	 * then add one if the packet is for us. */
	if (a.spa != 0 && (e = arp_find(&net->arp, pidx, a.spa)) != NULL) {
		arp_confirm(lc, net, e, a.sha, from);
		merged = true;
	}
	if (ours && a.spa != 0 && e == NULL) {
		e = arp_create(lc, net, pidx, a.spa, PN_ARP_INCOMPLETE);
		if (e != NULL)
			arp_confirm(lc, net, e, a.sha, from);
	}
	if (ours && a.op == PN_ARP_OP_REQUEST) {
		uint8_t *p = rte_pktmbuf_mtod_offset(m, uint8_t *, l2_len);

		/* The reply replaces the request in its own mbuf. */
		pn_arp_build_reply(p, PN_ARP_LEN, &a,
				   net_port(net, pidx)->mac);
		rte_pktmbuf_adj(m, l2_len);
		net_mbuf_trim_to(m, PN_ARP_LEN);
		net_mbuf_reuse(m);
		net->stat.arp_replies++;
		net->stat.arp_out++;
		net_eth_output(lc, net, pidx, a.sha, PN_ETHER_TYPE_ARP, m);
	} else if (ours || merged) {
		rte_pktmbuf_free(m);	/* consumed */
	} else {
		pn_drop(lc, m, PN_DROP_ARP_NOT_FOR_US);
	}
}

/* PN_MSG_ARP_UPDATE from another shard: a confirmation learnt there. */
void
arp_msg(struct pn_lcore *lc, const struct pn_msg *msg, void *arg)
{
	struct pn_net *net = arg;
	struct arp_update u;
	struct arp_entry *e;
	int pidx;

	if (msg->len != sizeof(u))
		return;
	memcpy(&u, msg->data, sizeof(u));
	pidx = net_pidx(net, u.port_id);
	if (pidx < 0)
		return;
	net->stat.arp_msg_in++;
	e = arp_find(&net->arp, (uint8_t)pidx, u.ip);
	if (e == NULL)
		e = arp_create(lc, net, (uint8_t)pidx, u.ip,
			       PN_ARP_INCOMPLETE);
	if (e != NULL)
		arp_confirm(lc, net, e, u.mac, ARP_FROM_MSG);
}

void
arp_announce(struct pn_lcore *lc, struct pn_net *net)
{
	unsigned int p, a;

	for (p = 0; p < net->conf->nb_ports; p++) {
		const struct pn_net_port_conf *pc = net_port(net, (uint8_t)p);

		for (a = 0; a < pc->nb_addrs; a++) {
			struct rte_mbuf *m = net_alloc(net);
			uint8_t *d;

			if (m == NULL)
				return;
			d = (uint8_t *)rte_pktmbuf_append(m, PN_ARP_LEN);
			pn_arp_build_gratuitous(d, PN_ARP_LEN, pc->mac,
						pc->addr[a].ip);
			net->stat.arp_requests++;
			net->stat.arp_out++;
			net_eth_output(lc, net, (uint8_t)p, arp_bcast,
				       PN_ETHER_TYPE_ARP, m);
		}
	}
}

int
pn_net_arp_lookup(const struct pn_net *net, uint16_t port_id, uint32_t ip,
		  struct pn_net_arp_info *out)
{
	int pidx = net_pidx(net, port_id);
	const struct arp_entry *e;

	if (pidx < 0 ||
	    (e = arp_find(&net->arp, (uint8_t)pidx, ip)) == NULL)
		return -ENOENT;
	out->state = arp_state(net, e, net->lc->now);
	memcpy(out->mac, e->mac, sizeof(out->mac));
	out->age_ns = net->lc->now - e->updated_ns;
	out->pending = e->npend;
	out->probes = e->probes;
	return 0;
}

/* --- set-up --- */

int
arp_init(struct pn_net *net)
{
	const struct pn_net_conf *conf = net->conf;
	struct arp_cache *c = &net->arp;
	uint32_t i, nb = rte_align32pow2(conf->arp.cache_size);
	int socket = net->pool->socket_id;

	c->size = conf->arp.cache_size;
	c->bmask = nb - 1;
	c->e = rte_zmalloc_socket("pn_arp", sizeof(*c->e) * c->size,
				  RTE_CACHE_LINE_SIZE, socket);
	c->bucket = rte_malloc_socket("pn_arp_hash", sizeof(uint32_t) * nb, 0,
				      socket);
	c->pend = rte_zmalloc_socket("pn_arp_pend",
				     sizeof(*c->pend) * c->size *
					     conf->arp.pending_max,
				     0, socket);
	if (c->e == NULL || c->bucket == NULL || c->pend == NULL) {
		rte_free(c->e);
		rte_free(c->bucket);
		rte_free(c->pend);
		return -ENOMEM;
	}
	memset(c->bucket, 0xff, sizeof(uint32_t) * nb);
	TAILQ_INIT(&c->lru);
	for (i = 0; i < c->size; i++) {
		struct arp_entry *e = &c->e[i];

		e->net = net;
		e->pend = c->pend + (size_t)i * conf->arp.pending_max;
		e->hnext = i + 1 < c->size ? i + 1 : NET_NIL;
		pn_timer_init(&e->timer, arp_timer);
	}
	c->free_head = 0;
	for (i = 0; i < conf->nb_static_arp; i++) {
		const struct pn_net_static_arp *s = &conf->static_arp[i];
		int pidx = net_pidx(net, s->port_id);
		struct arp_entry *e;

		if (pidx < 0 || arp_find(c, (uint8_t)pidx, s->ip) != NULL)
			continue;
		e = arp_create(net->lc, net, (uint8_t)pidx, s->ip,
			       PN_ARP_STATIC);
		memcpy(e->mac, s->mac, PN_ETHER_ADDR_LEN);
	}
	return 0;
}

void
arp_fini(struct pn_net *net)
{
	struct arp_cache *c = &net->arp;
	uint32_t i;

	if (c->e == NULL)
		return;
	for (i = 0; i < c->size; i++)
		if (c->e[i].state != PN_ARP_FREE)
			arp_remove(net->lc, net, &c->e[i], PN_DROP_SHUTDOWN);
	rte_free(c->e);
	rte_free(c->bucket);
	rte_free(c->pend);
	memset(c, 0, sizeof(*c));
}
