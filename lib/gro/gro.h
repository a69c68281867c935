/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_GRO_GRO_H
#define PN_GRO_GRO_H

/*
 * Generic receive offload for IPv4/TCP, one table per lcore, living for
 * one poll round (Linux napi_gro_receive/napi_gro_flush; the merge rules
 * are those of inet_gro_receive and tcp_gro_receive):
 *
 * - A TCP segment with payload and none of PSH/FIN/SYN/RST/URG may be
 *   held; a later segment of the same flow (4-tuple, input port, MACs) is
 *   merged into it when it is contiguous in sequence, carries the same
 *   ACK, window, data offset, flags (but CWR/FIN/PSH) and option bytes
 *   (timestamps included: Linux compares every option byte), the same
 *   TOS/TTL/DF, an IP ID that increments by one per segment (or, with DF,
 *   stays fixed), at most as much payload as the first segment, and the
 *   merged datagram stays within 65535 bytes and max_segs segments.
 * - A merged segment carrying PSH or FIN, or shorter than the first,
 *   ends the packet: it is handed up at once. A segment that cannot be
 *   merged hands the held packet up first, then is held itself (a
 *   segment with CWR starts a new packet) or handed up (no payload, or a
 *   flag that ends a packet).
 * - IP options, fragments, link padding, VLAN tags, multi-segment input
 *   with an unverified checksum, and everything not IPv4/TCP are handed
 *   up untouched ("bypass"). Checksums are checked first (the device's
 *   flags, else in software, which TCP then need not redo); a segment
 *   with a bad checksum is handed up flagged bad.
 *
 * The merged packet is the segments' mbufs chained (headers stripped
 * from all but the first), with what Linux hands up after
 * inet_gro_complete/tcp_gro_complete: the first segment's headers, the
 * IPv4 total length and header checksum fixed (RFC 1624 update), FIN/PSH
 * of the merged segments ORed into the TCP flags, the TCP checksum field
 * set to the pseudo-header sum (CHECKSUM_PARTIAL) and both checksums
 * flagged good. A packet handed up alone is left as it came.
 *
 * Pure: no EAL state, no clock, no allocation. Data must start at the
 * Ethernet header; the Ethernet, IPv4 and TCP headers must be in the
 * first segment. Nothing is ever dropped here.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rte_mbuf;

#define PN_GRO_MAX_FLOWS 64	/**< upper bound of max_flows */
#define PN_GRO_MAX_SEGS  64	/**< upper bound of max_segs */

/** GRO knobs. */
struct pn_gro_conf {
	bool enabled;		/**< GRO in the receive path (true) */
	uint16_t max_flows;	/**< flows held at once, 1..64 (32) */
	uint16_t max_segs;	/**< segments in one merged packet, 2..64 (64) */
};

/** Counters, written by the owning lcore only. */
struct pn_gro_stat {
	uint64_t held;		/**< segments that started a packet in the table */
	uint64_t merged;	/**< segments merged into a held packet */
	uint64_t flushed;	/**< packets handed up from the table */
	uint64_t flushed_merged;/**< ... of which made of two segments or more */
	uint64_t evicted;	/**< ... of which flushed early: table full */
	uint64_t bypass;	/**< packets handed up without entering the table */
	uint64_t csum_sw;	/**< TCP checksums verified in software */
	uint64_t csum_bad;	/**< ... of which were wrong (handed up flagged bad) */
};

/* One held packet. Internal: the table's keys are kept apart. */
struct pn_gro_flow {
	struct rte_mbuf *head;	/* the first segment, headers and all */
	struct rte_mbuf *tail;	/* the chain's last mbuf */
	const uint8_t *hdr;	/* the head's Ethernet header */
	uint32_t next_seq;	/* sequence number the next segment must carry */
	uint32_t ip_len;	/* IPv4 total length of the merged datagram */
	uint32_t nb_segs;	/* mbufs in the chain */
	uint16_t mss;		/* first segment's payload */
	uint16_t segs;
	uint16_t id0;		/* IP ID of the first segment */
	uint16_t id_next;	/* IP ID the next segment must carry */
	uint8_t id_step;	/* 1: +1 per segment, 0: fixed under DF */
	uint8_t fin_psh;	/* FIN/PSH of merged segments, for the head */
	uint8_t hdr_len;	/* Ethernet + IPv4 + TCP header bytes */
	uint16_t ip_var;	/* IPv4 length + ID + checksum words, folded */
	/* The next segment if it is full-size and continues the packet
	 * (gro_run): its first 64 header bytes, the bits it may
	 * vary in zeroed (and bytes 48..63 to be masked with keep48). */
	uint64_t expect[8] __attribute__((aligned(16)));
	uint64_t keep48[2];
	uint64_t mbuf_lens;	/* its mbuf's pkt_len, data_len, as in memory */
	uint32_t mbuf_segs_port;/* its mbuf's nb_segs (1), port, as in memory */
	uint32_t frame_len;	/* its pkt_len and data_len */
	uint32_t phdr;		/* its TCP pseudo-header sum, not folded */
	uint32_t ip_sum;	/* its IPv4 header words but ID, checksum */
	uint16_t room;		/* such segments the limits still let in */
	uint8_t expect_ok;	/* expect etc. built (at the first merge) */
};

/** A table: one per lcore, used only by it. */
struct pn_gro {
	struct pn_gro_conf conf;
	uint16_t nb_flows;
	uint16_t last;		/* the flow hit last: looked at first */
	/* Oldest first. Keys apart so a lookup scans two small arrays. */
	uint64_t key_addr[PN_GRO_MAX_FLOWS];	/* saddr, daddr as on the wire */
	uint32_t key_ports[PN_GRO_MAX_FLOWS];	/* sport, dport as on the wire */
	struct pn_gro_flow flow[PN_GRO_MAX_FLOWS];
	struct pn_gro_stat stat;
};

/** Fill @p c with the defaults above. */
void pn_gro_conf_default(struct pn_gro_conf *c);

/**
 * Check @p c; on error one line naming the field, its value and the
 * accepted range (prefixed by @p prefix, e.g. "net.gro") goes to @p err.
 * @return 0 or -EINVAL.
 */
int pn_gro_conf_check(const struct pn_gro_conf *c, const char *prefix,
		      char *err, size_t len);

/**
 * Initialise @p g with @p c (checked by the caller), empty.
 */
void pn_gro_init(struct pn_gro *g, const struct pn_gro_conf *c);

/**
 * Offer a burst. Every packet of @p pkts is either kept (held or merged)
 * or written to @p out, which receives, in the order they must be handed
 * up, the packets that cannot wait: held packets flushed by what arrived
 * (a segment that could not be merged, a PSH/FIN, a full table) and the
 * packets not kept. Within a flow the order of the data is kept.
 * @param out room for 2 * @p n packets
 * @return the number of packets written to @p out.
 */
uint16_t pn_gro_receive(struct pn_gro *g, struct rte_mbuf **pkts, uint16_t n,
			struct rte_mbuf **out);

/**
 * Hand up held packets, oldest first (napi_gro_flush): up to @p max of
 * them go to @p out, with their headers completed.
 * @return the number written; the table is empty when it is below @p max.
 */
uint16_t pn_gro_flush(struct pn_gro *g, struct rte_mbuf **out, uint16_t max);

/** Packets held now. */
static inline uint16_t
pn_gro_nb_held(const struct pn_gro *g)
{
	return g->nb_flows;
}

/**
 * Publish @p g as shard @p shard's table for /pollnet/gro (NULL to
 * withdraw it); registers the telemetry command on the first call.
 * @return 0, -EINVAL (shard out of range), or rte_telemetry's error.
 */
int pn_gro_publish(uint16_t shard, const struct pn_gro *g);

#ifdef __cplusplus
}
#endif

#endif /* PN_GRO_GRO_H */
