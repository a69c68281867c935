/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_NET_PRIV_H
#define PN_NET_PRIV_H

/* Inside lib/net: struct pn_net and what its files call of each other. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "net.h"
#include "timer.h"

extern int pn_logtype_net;
#define NET_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, pn_logtype_net, "pollnet: net: " fmt "\n", \
		##__VA_ARGS__)

#define NET_NIL UINT32_MAX	/* end of an index-linked list */

/* --- routes (route.c) --- */

struct net_route {
	uint32_t prefix;
	uint32_t mask;
	uint8_t len;
	uint8_t pidx;		/* index in conf->port[] */
	uint8_t kind;		/* NET_ROUTE_* */
	uint32_t gw;		/* 0: connected */
	uint32_t src;		/* preferred source */
};

/* LOCAL: a /32 of one of our addresses, delivered inside the stack (the
 * lcore's loopback, as Linux's local table sends it to lo) */
enum { NET_ROUTE_CONNECTED, NET_ROUTE_STATIC, NET_ROUTE_DEFAULT,
       NET_ROUTE_LOCAL };

#define NET_MAX_ROUTES \
	(2 * PN_MAX_PORTS * PN_NET_MAX_ADDRS + PN_NET_MAX_ROUTES + 1)

/* --- ARP (arp.c) --- */

struct arp_entry {
	uint32_t ip;
	uint32_t hnext;			/* hash chain or free list */
	TAILQ_ENTRY(arp_entry) lru;	/* non-static entries, oldest first */
	uint8_t state;			/* enum pn_arp_state */
	uint8_t pidx;
	uint8_t probes;
	uint8_t mac[PN_ETHER_ADDR_LEN];
	uint16_t npend;
	uint16_t pend_head;
	uint64_t updated_ns;		/* confirmed (or created) */
	struct pn_timer timer;		/* retransmit / stale probe */
	struct pn_net *net;
	struct rte_mbuf **pend;		/* ring of pending_max */
};

TAILQ_HEAD(arp_lru, arp_entry);

struct arp_cache {
	struct arp_entry *e;
	uint32_t size;
	uint32_t *bucket;
	uint32_t bmask;
	uint32_t free_head;
	struct arp_lru lru;
	struct rte_mbuf **pend;		/* size * pending_max */
};

/* --- reassembly (frag.c) --- */

struct reasm_frag {
	struct rte_mbuf *m;	/* the first keeps its IP header */
	uint16_t off;
	uint16_t end;
};

struct reasm_flow {
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	bool used;
	uint16_t nfrags;
	uint32_t bytes;		/* payload held (no overlaps: no double count) */
	uint32_t total;		/* payload length once the last is seen, else 0 */
	uint32_t hnext;
	uint64_t expire_ns;
	TAILQ_ENTRY(reasm_flow) age;	/* oldest first */
	struct pn_ipv4_hdr hdr;	/* the first fragment's, opts into its mbuf */
	struct reasm_frag *frags;	/* max_frags, sorted by offset */
};

TAILQ_HEAD(reasm_age, reasm_flow);

struct reasm_table {
	struct reasm_flow *flows;
	uint32_t size;
	uint32_t *bucket;
	uint32_t bmask;
	uint32_t free_head;
	uint32_t held;		/* fragments held */
	struct reasm_age age;
	struct pn_timer timer;	/* the oldest flow's expiry */
	struct reasm_frag *frag_mem;
};

/* --- the shard's layer --- */

struct pn_icmp_hdr;

/*
 * An ICMP error for an upper protocol (RFC 1122 3.2.2.1, 4.2.3.9): @p h is
 * the parsed message; h->quote holds the offending datagram's addresses
 * and at least its first 8 payload bytes. @return 0 when taken, else the
 * drop reason (enum pn_drop_reason) icmp_input drops the message with.
 */
typedef int (*pn_net_err_fn)(struct pn_lcore *lc, struct pn_net *net,
			     const struct pn_icmp_hdr *h, void *arg);

/*
 * Burst input of a protocol (issue 4): the datagrams of one pn_net_rx
 * call for it, in arrival order, each as a pn_net_proto_fn would get it
 * (data at the L4 header, trimmed, reassembled) with @p bcast[i] = its
 * destination is a broadcast (else it is one of our addresses). Owns the
 * mbufs. Must handle each exactly as the per-packet handler would.
 */
typedef void (*pn_net_proto_burst_fn)(struct pn_lcore *lc, struct pn_net *net,
				      struct rte_mbuf **m,
				      const struct pn_ipv4_hdr *ip,
				      const bool *bcast, uint16_t n, void *arg);

/* Also deliver @p proto (already registered) in bursts to @p fn, with the
 * per-packet handler's arg; NULL goes back to one at a time. Removing the
 * protocol removes its burst handler. @return 0, -ENOENT (no handler). */
int pn_net_register_proto_burst(struct pn_net *net, uint8_t proto,
				pn_net_proto_burst_fn fn);

/* Datagrams collected for one burst handler: at most one burst (bounded),
 * handed over when full, before anything else is delivered (order kept)
 * and at the end of pn_net_rx. */
#define NET_BATCH_MAX 32

struct net_batch {
	uint16_t n;
	uint8_t proto;
	bool flushing;			/* handing over: deliver one by one */
	struct rte_mbuf *m[NET_BATCH_MAX];
	bool bcast[NET_BATCH_MAX];
	struct pn_ipv4_hdr ip[NET_BATCH_MAX];
};

/* Give ICMP errors quoting protocol @p proto to @p fn (NULL to remove).
 * @return 0, -EEXIST (another handler is registered). */
int pn_net_register_err(struct pn_net *net, uint8_t proto, pn_net_err_fn fn,
			void *arg);

struct pn_net {
	struct pn_lcore *lc;
	const struct pn_net_conf *conf;
	struct rte_mempool *pool;
	int8_t pidx[PN_MAX_PORTS];	/* ethdev port -> conf->port[] index */
	uint16_t ip_id;
	uint8_t nb_routes;
	uint32_t route_gen;		/* route_build's count: pn_net_dst */
	/* the last destination resolved: pn_ip4_output's cache, and the
	 * first one of a new pn_net_dst to the same peer */
	struct pn_net_dst last_dst;
	struct net_route routes[NET_MAX_ROUTES]; /* longest prefix first */
	/* each port's directed broadcasts (route_build): every packet in
	 * and out is checked against them */
	uint8_t nb_bcast[PN_MAX_PORTS];
	uint32_t bcast[PN_MAX_PORTS][PN_NET_MAX_ADDRS];
	struct {
		pn_net_proto_fn fn;
		pn_net_proto_burst_fn burst;
		void *arg;
	} proto[256];
	struct {
		pn_net_err_fn fn;
		void *arg;
	} err[256];			/* ICMP errors by quoted protocol */
	uint64_t icmp_credit;		/* token bucket, tokens * 1e9 */
	uint64_t icmp_last_ns;
	struct arp_cache arp;
	struct reasm_table reasm;
	uint8_t *scratch;		/* 64 KB: linear copies of chains */
	struct net_batch batch;
	struct pn_net_stat stat __rte_cache_aligned;
};

#define NET_SCRATCH_LEN 65536

/* net.c */
/* Reset an mbuf that is being turned around (reply built in place). */
void net_mbuf_reuse(struct rte_mbuf *m);
/* Copy @p len bytes at @p off of @p m to @p dst. */
void net_mbuf_copy(const struct rte_mbuf *m, uint32_t off, uint32_t len,
		   void *dst);
/* Write @p len bytes at @p off of @p m (across segments). */
void net_mbuf_write(struct rte_mbuf *m, uint32_t off, const void *src,
		    uint32_t len);
/* Cut @p m to @p len bytes (across segments). */
void net_mbuf_trim_to(struct rte_mbuf *m, uint32_t len);
/* Allocate an mbuf from the layer's pool (counted when none). */
struct rte_mbuf *net_alloc(struct pn_net *net);

static inline const struct pn_net_port_conf *
net_port(const struct pn_net *net, uint8_t pidx)
{
	return &net->conf->port[pidx];
}

static inline int
net_pidx(const struct pn_net *net, uint16_t port_id)
{
	return port_id < PN_MAX_PORTS ? net->pidx[port_id] : -1;
}

static inline uint32_t
net_mask(uint8_t len)
{
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

/* route.c */
void route_build(struct pn_net *net);
const struct net_route *route_lookup(const struct pn_net *net, uint32_t dst);

/* The mbuf flag of a frame that came back through the loopback (an
 * rte_mbuf dynflag, registered by pn_net_create; 0 until then). Only
 * such a frame may carry a 127.0.0.0/8 address. */
extern uint64_t net_loop_flag;

#define NET_LO_NET 0x7f000000u	/* 127.0.0.0/8 */

static inline bool
net_is_lo(uint32_t ip)
{
	return ip >> 24 == 127;
}

/* RFC 1122 3.2.1.3: "this network" (0/8), loopback, multicast and class E
 * are never a host that can be answered. */
static inline bool
net_ip_martian(uint32_t ip)
{
	return ip >> 24 == 0 || ip >> 24 == 127 || ip >> 28 >= 0xe;
}

/* @p ip may be a unicast peer: no martian, no broadcast of any port,
 * none of our addresses. */
bool net_addr_is_host(const struct pn_net *net, uint32_t ip);

/* Limited broadcast, or the directed broadcast of a subnet of the port. */
static inline bool
net_is_bcast(const struct pn_net *net, uint8_t pidx, uint32_t ip)
{
	unsigned int a;

	if (ip == UINT32_MAX)
		return true;
	for (a = 0; a < net->nb_bcast[pidx]; a++)
		if (ip == net->bcast[pidx][a])
			return true;
	return false;
}
/* Our address on port @p pidx to speak to @p peer from (subnet match). */
uint32_t net_port_src(const struct pn_net *net, uint8_t pidx, uint32_t peer);
/* @p ip is one of port @p pidx's addresses (inline: ip4_input asks the
 * receiving port first, for every datagram). */
static inline bool
net_port_has_addr(const struct pn_net *net, uint8_t pidx, uint32_t ip)
{
	const struct pn_net_port_conf *pc = net_port(net, pidx);
	unsigned int a;

	for (a = 0; a < pc->nb_addrs; a++)
		if (pc->addr[a].ip == ip)
			return true;
	return false;
}

/* arp.c */
int arp_init(struct pn_net *net);
void arp_fini(struct pn_net *net);
void arp_input(struct pn_lcore *lc, struct pn_net *net, uint8_t pidx,
	       struct rte_mbuf *m, uint16_t l2_len);
/* Send IPv4 datagram @p m to @p nexthop on @p pidx. Consumes @p m. */
int arp_output(struct pn_lcore *lc, struct pn_net *net, uint8_t pidx,
	       uint32_t nexthop, struct rte_mbuf *m);
void arp_announce(struct pn_lcore *lc, struct pn_net *net);
void arp_msg(struct pn_lcore *lc, const struct pn_msg *msg, void *arg);
/* The usable entry (arp_usable) for @p nexthop on @p pidx: its index, or
 * NET_NIL (none, or it needs resolving or probing first). */
uint32_t arp_usable_idx(const struct pn_net *net, uint8_t pidx,
			uint32_t nexthop, uint64_t now);

/* REACHABLE turns STALE reachable_ms after its confirmation. */
static inline bool
arp_expired(const struct pn_net *net, const struct arp_entry *e, uint64_t now)
{
	return now - e->updated_ns >=
	       (uint64_t)net->conf->arp.reachable_ms * PN_NS_PER_MS;
}

/* @p e may be used as it is, without a probe (Linux NUD_CONNECTED):
 * REACHABLE and not expired, or STATIC. */
static inline bool
arp_usable(const struct pn_net *net, const struct arp_entry *e, uint64_t now)
{
	return e->state == PN_ARP_STATIC ||
	       (e->state == PN_ARP_REACHABLE && !arp_expired(net, e, now));
}

/* Prepend Ethernet to @p m and queue it for TX. Consumes @p m. */
int net_eth_output(struct pn_lcore *lc, struct pn_net *net, uint8_t pidx,
		   const uint8_t dst[PN_ETHER_ADDR_LEN], uint16_t type,
		   struct rte_mbuf *m);

/* ip4_input.c */
void ip4_deliver(struct pn_lcore *lc, struct pn_net *net,
		 struct rte_mbuf *m, const struct pn_ipv4_hdr *ip, bool bcast);
/* Hand what is collected for a burst handler over to it. */
void net_batch_flush(struct pn_lcore *lc, struct pn_net *net);

/* frag.c */
int frag_init(struct pn_net *net);
void frag_fini(struct pn_net *net);
/*
 * Take fragment @p m (data at its IP header, trimmed) of datagram @p ip.
 * Returns the whole datagram (data at the rewritten header, @p ip updated)
 * when this fragment completes it, else NULL (held or dropped).
 */
struct rte_mbuf *frag_reassemble(struct pn_lcore *lc, struct pn_net *net,
				 struct rte_mbuf *m, struct pn_ipv4_hdr *ip);
/* Send @p m (L4 datagram) as fragments of header @p h. Consumes @p m. */
int frag_output(struct pn_lcore *lc, struct pn_net *net, uint8_t pidx,
		uint32_t nexthop, struct rte_mbuf *m,
		const struct pn_ipv4_hdr *h, unsigned int build_flags);

/* icmp.c */
void icmp_input(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m,
		const struct pn_ipv4_hdr *ip, bool bcast);
/* Send an ICMP error about @p m (data at its IP header) if RFC 1122
 * 3.2.2 and the rate limit allow (Linux icmp_send); @p rest as for
 * pn_icmp_build_error. */
void icmp_send_error(struct pn_lcore *lc, struct pn_net *net,
		     const struct rte_mbuf *m, const struct pn_ipv4_hdr *ip,
		     uint8_t type, uint8_t code, uint32_t rest, bool bcast);
/* A destination unreachable (icmp_send_error). */
void icmp_send_unreach(struct pn_lcore *lc, struct pn_net *net,
		       const struct rte_mbuf *m, const struct pn_ipv4_hdr *ip,
		       uint8_t code, bool bcast);

/* net_telemetry.c */
struct rte_tel_data;
int net_telemetry_register(void);
/* Run a /pollnet/{arp,routes,ip} handler directly (tests). */
int pn_net_telemetry_call(const char *cmd, const char *params,
			  struct rte_tel_data *d);

#endif /* PN_NET_PRIV_H */
