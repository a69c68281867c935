/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_NET_NET_H
#define PN_NET_NET_H

/*
 * The per-lcore L2/L3 layer: Ethernet input, ARP, IPv4 input and output,
 * reassembly and fragmentation, ICMP, routes. One struct pn_net per shard,
 * all built from one read-only struct pn_net_conf. Nothing here locks:
 * each shard owns its ARP cache, reassembly table and counters; ARP news
 * travels between shards as PN_MSG_ARP_UPDATE messages (see arp.c).
 *
 * Upper layers (TCP, later UDP) plug in with pn_net_register_proto() and
 * send with pn_ip4_output().
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ether.h"
#include "gro.h"
#include "ipopt.h"
#include "ipv4.h"
#include "lcore.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rte_mbuf;
struct rte_mempool;
struct pn_net;

#define PN_NET_MAX_ADDRS	8	/**< addresses per port */
#define PN_NET_MAX_ROUTES	32	/**< static routes */
#define PN_NET_MAX_STATIC_ARP	64	/**< static ARP entries */

/** An address on a port: ip/prefix_len (host byte order). */
struct pn_net_addr {
	uint32_t ip;
	uint8_t prefix_len;		/**< 1..32 */
};

/** One Ethernet port the stack runs IPv4 on. */
struct pn_net_port_conf {
	uint16_t port_id;		/**< ethdev port, < PN_MAX_PORTS */
	uint8_t mac[PN_ETHER_ADDR_LEN];	/**< unicast, not zero */
	uint16_t mtu;			/**< IPv4 MTU, 68..9000 (1500) */
	uint8_t nb_addrs;		/**< 1..PN_NET_MAX_ADDRS */
	struct pn_net_addr addr[PN_NET_MAX_ADDRS];
	/* TX checksum offloads the device offers and we may use. virtio
	 * offers TCP/UDP but not the IPv4 header: that one is computed in
	 * software unless tx_ip_cksum is set. */
	bool tx_ip_cksum;
	bool tx_tcp_cksum;
	bool tx_udp_cksum;
	/* TCP segmentation offload: TCP may hand pn_ip4_output one segment
	 * of up to 64 KB (RTE_MBUF_F_TX_TCP_SEG, tso_segsz = MSS) that the
	 * device cuts at the MSS. Needs tx_tcp_cksum. */
	bool tx_tso;
	/* When set, tx_tso holds only while this returns true for port_id:
	 * a peer that negotiates TSO at run time (net_vhost: the guest's
	 * GUEST_TSO4). Called on the lcore, once per TCP output: cheap. */
	bool (*tx_tso_live)(uint16_t port_id);
};

/** May TCP hand this port TSO segments now? */
static inline bool
pn_net_port_tso(const struct pn_net_port_conf *pc)
{
	return pc->tx_tso && pc->tx_tcp_cksum &&
	       (pc->tx_tso_live == NULL || pc->tx_tso_live(pc->port_id));
}

/** A static route: prefix/prefix_len via gw (gw on a connected subnet). */
struct pn_net_route_conf {
	uint32_t prefix;		/**< host bits are ignored */
	uint8_t prefix_len;		/**< 0..32 */
	uint32_t gw;
};

/** A static ARP entry: never expires, never overwritten by learning. */
struct pn_net_static_arp {
	uint16_t port_id;
	uint32_t ip;
	uint8_t mac[PN_ETHER_ADDR_LEN];
};

/** ARP knobs (Linux neigh parameters). */
struct pn_net_arp_conf {
	uint32_t cache_size;	/**< entries per shard, 16..65536 (1024) */
	uint32_t reachable_ms;	/**< REACHABLE -> STALE, 1000..3600000 (30000) */
	uint32_t retrans_ms;	/**< between probes, 100..60000 (1000) */
	uint32_t max_probes;	/**< probes before giving up, 1..10 (3) */
	uint32_t pending_max;	/**< packets queued per neighbour, 1..256 (128) */
};

/** Reassembly knobs (Linux ipfrag_*). */
struct pn_net_reasm_conf {
	uint32_t max_flows;	/**< datagrams in reassembly, 1..65536 (1024) */
	uint32_t timeout_ms;	/**< per datagram, 1000..120000 (30000) */
	uint32_t max_frags;	/**< fragments per datagram, 2..1024 (64) */
	uint32_t max_held;	/**< fragments held per shard, 2..1048576 (4096) */
};

/** ICMP error rate limit: a token bucket per shard (icmp_msgs_per_sec). */
struct pn_net_icmp_conf {
	uint32_t rate;		/**< errors per second, 1..1000000 (1000) */
	uint32_t burst;		/**< bucket depth, 1..1000000 (50) */
};

/**
 * The whole L2/L3 configuration. Read-only and shared by every shard's
 * pn_net: it must outlive them.
 */
struct pn_net_conf {
	uint8_t nb_ports;	/**< 1..PN_MAX_PORTS */
	struct pn_net_port_conf port[PN_MAX_PORTS];
	uint32_t gateway;	/**< default route via, 0: none */
	uint8_t nb_routes;
	struct pn_net_route_conf route[PN_NET_MAX_ROUTES];
	uint8_t nb_static_arp;
	struct pn_net_static_arp static_arp[PN_NET_MAX_STATIC_ARP];
	uint8_t ttl;		/**< 1..255 (64) */
	struct pn_net_arp_conf arp;
	struct pn_net_reasm_conf reasm;
	struct pn_net_icmp_conf icmp;
	/** GRO in front of Ethernet input (lib/gro): on by default. */
	struct pn_gro_conf gro;
	/** Deliver datagrams whose source route (LSRR/SSRR) is complete,
	 * so TCP can answer along its reverse (RFC 9293 MUST-53). Off by
	 * default, as Linux net.ipv4.conf.all.accept_source_route. A route
	 * with hops left is always dropped: we do not forward. */
	bool accept_source_route;
};

/** Per-shard counters (like /proc/net/snmp Ip:, Icmp: and ARP stats). */
struct pn_net_stat {
	uint64_t ip_in;			/**< IPv4 packets received */
	uint64_t ip_delivered;		/**< datagrams handed to ICMP/L4 */
	uint64_t ip_out;		/**< datagrams sent (before fragmentation) */
	uint64_t ip_loopback;		/**< ... of them to one of our addresses */
	uint64_t frag_in;		/**< fragments received */
	uint64_t reasm_ok;		/**< datagrams reassembled */
	uint64_t reasm_fail;		/**< datagrams given up (overlap, bad, full) */
	uint64_t reasm_timeout;		/**< datagrams timed out */
	uint64_t frag_ok;		/**< datagrams fragmented on output */
	uint64_t frag_out;		/**< fragments created */
	uint64_t icmp_in;		/**< ICMP messages received */
	uint64_t icmp_out;		/**< ICMP messages sent */
	uint64_t icmp_echo_in;		/**< echo requests answered */
	uint64_t icmp_err_out;		/**< ICMP errors sent */
	uint64_t icmp_err_suppressed;	/**< not sent: RFC 1122 3.2.2 rules */
	uint64_t icmp_ratelimited;	/**< not sent: rate limit */
	uint64_t ip_opts_noecho;	/**< options Linux cannot echo
					 *   (ip_options_echo): no reply, or a
					 *   SYN-ACK without them */
	uint64_t arp_in;		/**< ARP packets received */
	uint64_t arp_out;		/**< ARP packets sent */
	uint64_t arp_requests;		/**< requests sent (incl. probes, GARP) */
	uint64_t arp_replies;		/**< replies sent */
	uint64_t arp_learned;		/**< entries created or changed from the wire */
	uint64_t arp_pending_dropped;	/**< queued packets dropped (full, failed) */
	uint64_t arp_failed;		/**< resolutions given up */
	uint64_t arp_evicted;		/**< entries evicted (cache full) */
	uint64_t arp_msg_out;		/**< ARP updates broadcast to shards */
	uint64_t arp_msg_in;		/**< ARP updates applied from shards */
	uint64_t neg_advice;		/**< negative advice from transports */
	uint64_t arp_reconfirm;		/**< ... that put an entry to probing */
	uint64_t nomem;			/**< mbuf allocation failures */
};

/** ARP entry states (Linux NUD_*). */
enum pn_arp_state {
	PN_ARP_FREE = 0,
	PN_ARP_INCOMPLETE,	/**< resolving: packets queued, probes out */
	PN_ARP_REACHABLE,	/**< confirmed within reachable_ms */
	PN_ARP_STALE,		/**< usable, refreshed by a unicast probe on use */
	PN_ARP_STATIC,		/**< from the configuration */
};

/** A snapshot of one ARP entry. */
struct pn_net_arp_info {
	enum pn_arp_state state;
	uint8_t mac[PN_ETHER_ADDR_LEN];
	uint64_t age_ns;	/**< since last confirmed (created for INCOMPLETE) */
	uint16_t pending;	/**< packets waiting */
	uint8_t probes;		/**< probes sent in the current resolution */
};

/** Where a datagram to some destination goes. */
struct pn_net_nexthop {
	uint16_t port_id;
	uint32_t nexthop;	/**< the destination, or the gateway */
	uint32_t src;		/**< preferred source address */
	uint16_t mtu;
	bool tx_tcp_cksum;	/**< the port may offload the TCP checksum */
	bool tx_udp_cksum;
	bool tx_tso;		/**< ... and segment TCP (tx_tso in the port conf) */
};

/**
 * A protocol handler: receives a datagram addressed to us (or broadcast:
 * check @p ip->dst, TCP must drop those, RFC 1122 4.2.3.10) with data at
 * the L4 header, trimmed to the datagram, reassembled. Owns @p m.
 */
typedef void (*pn_net_proto_fn)(struct pn_lcore *lc, struct pn_net *net,
				struct rte_mbuf *m,
				const struct pn_ipv4_hdr *ip, void *arg);

/** Fill @p c with one port (port 0, MTU 1500, no address) and defaults. */
void pn_net_conf_default(struct pn_net_conf *c);

/**
 * Check every field of @p c. On error writes one line naming the field
 * ("net.port[0].mtu = 0 is out of range (68..9000)") into @p err.
 * @return 0 or -EINVAL.
 */
int pn_net_conf_check(const struct pn_net_conf *c, char *err, size_t len);

/**
 * Create the L2/L3 layer of shard @p lc from @p conf (checked; must
 * outlive the result), building ARP/ICMP packets from @p pool. Installs
 * itself as @p lc's RX handler and as its PN_MSG_ARP_UPDATE handler;
 * with conf->gro.enabled, the RX handler runs GRO first and the lcore's
 * after-RX hook flushes it at the end of each poll phase (/pollnet/gro),
 * registers in the process-wide list telemetry reads (/pollnet/arp,
 * /pollnet/routes, /pollnet/ip; registered on the first call).
 * @return 0, -EINVAL (bad conf or arguments; logged), -EEXIST (shard has
 * one already), -ENOMEM.
 */
int pn_net_create(const struct pn_net_conf *conf, struct pn_lcore *lc,
		  struct rte_mempool *pool, struct pn_net **out);

/**
 * Undo pn_net_create: cancels its timers, drops packets it holds (queued
 * for ARP, in reassembly). Call before pn_lcore_fini() of its lcore.
 */
void pn_net_free(struct pn_net *net);

/**
 * Announce our addresses: one gratuitous ARP per address (RFC 5227 3).
 * Call on shard 0 only: every shard shares the addresses and the ports,
 * one announcement is enough.
 */
void pn_net_start(struct pn_net *net);

/**
 * Ethernet input of a burst (@p arg is the pn_net): the RX handler
 * pn_net_create installs without GRO, and what GRO hands up with it.
 */
void pn_net_rx(struct pn_lcore *lc, struct rte_mbuf **pkts, uint16_t n,
	       void *arg);

/**
 * Handle IPv4 protocol @p proto with @p fn (NULL to remove). ICMP is
 * handled by the layer itself.
 * @return 0, -EINVAL (ICMP), -EEXIST (another handler is registered).
 */
int pn_net_register_proto(struct pn_net *net, uint8_t proto,
			  pn_net_proto_fn fn, void *arg);

/**
 * Send the L4 datagram in @p m (data at the L4 header, headroom for the
 * IPv4 and Ethernet headers) from @p src (0: the route's preferred source)
 * to @p dst. Builds the header (per-shard IP ID, TTL from the config),
 * routes (longest prefix), fragments above the MTU unless @p df, resolves
 * the next hop (queueing while ARP resolves) and queues for TX. The
 * shard's last destination is cached as pn_ip4_output_dst caches one.
 *
 * TX checksum offload: a caller that wants the TCP/UDP checksum offloaded
 * sets RTE_MBUF_F_TX_TCP_CKSUM/_UDP_CKSUM with the pseudo-header sum in
 * the field; when the port cannot, or the datagram is fragmented, the
 * checksum is finished in software here.
 *
 * TSO: a TCP segment with RTE_MBUF_F_TX_TCP_SEG (tso_segsz, l4_len set,
 * the pseudo-header sum over the whole TCP length in the field, as
 * virtio and Linux want) may exceed the MTU up to 65535 bytes; it goes
 * out whole, with the total length of the whole datagram in the header,
 * on a port with tx_tso. Each segment the device cuts (IPv4 + TCP
 * header + tso_segsz) must fit the MTU.
 *
 * @p m is always consumed.
 * @return 0 (sent or queued for ARP); -ENETUNREACH no route; -EMSGSIZE
 * larger than the MTU with @p df, or than 65535, or TSO on a port
 * without tx_tso or with cut segments over the MTU; -ENOBUFS no headroom, no
 * mbuf for a fragment, or the neighbour's queue was full.
 */
int pn_ip4_output(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m,
		  uint32_t src, uint32_t dst, uint8_t proto, uint8_t tos,
		  bool df);

/**
 * pn_ip4_output with IPv4 options @p opts (NULL: none, as
 * pn_ip4_output). The header grows by opts->len; with a source route
 * (opts->srr) the datagram is addressed and routed to opts->faddr, the
 * first hop, and @p dst, the final destination, goes into the route's
 * last slot (Linux ip_options_build); the caller's TCP/UDP checksum
 * stays over @p dst (RFC 9293 3.1). Fragments after the first carry the
 * options with the copied bit only (the others become NOOPs).
 * @return as pn_ip4_output.
 */
int pn_ip4_output_opts(struct pn_lcore *lc, struct pn_net *net,
		       struct rte_mbuf *m, uint32_t src, uint32_t dst,
		       uint8_t proto, uint8_t tos, bool df,
		       const struct pn_ipopt_tx *opts);

/**
 * A sender's cached route and neighbour (Linux sk_dst_cache and the
 * neighbour it holds): pn_ip4_output_dst fills it when it resolves a
 * destination and takes the short way while it stays good. Zeroed is
 * empty; the owner never reads it.
 */
struct pn_net_dst {
	uint32_t gen;		/**< the route table's generation, 0: empty */
	uint32_t dst;		/**< the destination it was filled for */
	uint32_t arp;		/**< the next hop's neighbour entry */
	uint16_t route;		/**< the route's index */
};

/**
 * pn_ip4_output for a sender that keeps @p d (a connection): while the
 * route table is the one @p d was filled from, @p dst the same and the
 * next hop's neighbour entry still usable without a probe (REACHABLE,
 * or STATIC), no route or neighbour lookup; the MAC is read from the
 * entry, so a neighbour's new MAC goes out at once. Anything else (a
 * STALE or INCOMPLETE neighbour, a datagram to fragment or to drop) goes
 * the whole way, and refills @p d. An empty @p d to the shard's last
 * destination starts as a copy of that one's (a new connection from the
 * same peer).
 * @return as pn_ip4_output.
 */
int pn_ip4_output_dst(struct pn_lcore *lc, struct pn_net *net,
		      struct rte_mbuf *m, struct pn_net_dst *d, uint32_t src,
		      uint32_t dst, uint8_t proto, uint8_t tos, bool df);

/**
 * The options to answer datagram @p ip with (Linux ip_options_echo, for
 * an ICMP reply or error, a TCP RST or the options a passive open keeps):
 * its RR and TS options with our address and the time recorded, as
 * Linux records them on input, and slots left for output; its source
 * route reversed (pn_ipopt_echo). Malformed options give those before
 * the culprit, as Linux for a parameter problem.
 * @return 0 and @p out (out->len 0: none); -EINVAL when Linux sends no
 *   reply, or when the reversed route's first hop is no host (a martian,
 *   a broadcast, ours) or the route would end at one of our addresses,
 *   which Linux may route (counted in ip_opts_noecho).
 */
int pn_ip4_opts_echo(struct pn_lcore *lc, struct pn_net *net,
		     const struct pn_ipv4_hdr *ip, struct pn_ipopt_tx *out);

/**
 * Route lookup (longest prefix match) for @p dst.
 * @return 0, -ENETUNREACH.
 */
int pn_net_route(const struct pn_net *net, uint32_t dst,
		 struct pn_net_nexthop *out);

/** True when @p ip is one of our addresses (any port). */
bool pn_net_is_local(const struct pn_net *net, uint32_t ip);

/**
 * May a socket bind to @p ip? As Linux inet_addr_valid_or_nonlocal: the
 * wildcard, one of our addresses or 127.0.0.0/8 (the loopback's), a
 * multicast address, the limited broadcast or a port's directed
 * broadcast.
 */
bool pn_net_addr_bindable(const struct pn_net *net, uint32_t ip);

/**
 * Snapshot of the ARP entry for @p ip on @p port_id.
 * @return 0, -ENOENT.
 */
int pn_net_arp_lookup(const struct pn_net *net, uint16_t port_id, uint32_t ip,
		      struct pn_net_arp_info *out);

/**
 * Negative advice (RFC 1122 4.2.3.5, RFC 9293 MUST-20): a transport's
 * retransmissions to @p dst went unanswered R1 times, the path may be
 * broken. The ARP entry of the next hop towards @p dst is reconfirmed as
 * Linux's NUD_PROBE: still used, unicast requests to its MAC every
 * arp.retrans_ms; a reply makes it REACHABLE again, arp.max_probes
 * unanswered ones remove it (the next packet resolves with broadcasts).
 * Bounded: an entry already being probed or resolved is left alone.
 * Call from the shard that owns @p net.
 * @return 0 (probing started), -EALREADY (probing or resolving already),
 * -EPERM (static entry), -ENOENT (no entry), -ENETUNREACH (no route).
 */
int pn_net_negative_advice(struct pn_net *net, uint32_t dst);

/** The counters of @p net (written by its shard only). */
const struct pn_net_stat *pn_net_stats(const struct pn_net *net);

/** The pn_net of shard @p shard, NULL if none. */
struct pn_net *pn_net_of_shard(uint16_t shard);

/** The GRO table of shard @p shard, NULL if none (GRO off). */
const struct pn_gro *pn_net_gro_of_shard(uint16_t shard);

/** Name of an ARP state ("REACHABLE"). */
const char *pn_arp_state_name(enum pn_arp_state s);

#ifdef __cplusplus
}
#endif

#endif /* PN_NET_NET_H */
