/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_CORE_STEER_H
#define PN_CORE_STEER_H

/*
 * Software steering (Linux RPS): when the device cannot spread flows over
 * queues, the lcore that receives a packet computes its owner from the
 * Toeplitz hash of the 4-tuple, with the same key and RETA that device RSS
 * would use, so a flow always lands on the same lcore whichever queue it
 * came in on. The key is symmetric (0x6d5a repeated), so both directions
 * of a connection hash alike.
 */

#include <stdbool.h>
#include <stdint.h>

#define PN_RSS_KEY_LEN 40
#define PN_RETA_MAX 512

struct rte_mbuf;

struct pn_steer {
	uint8_t key[PN_RSS_KEY_LEN];
	uint16_t reta_size;           /**< power of two, <= PN_RETA_MAX */
	uint16_t nb_lcores;           /**< shards the RETA spreads over */
	uint16_t reta[PN_RETA_MAX];   /**< hash & (reta_size-1) -> shard */
	/** Toeplitz by table: tab[i][v] is the hash of byte i of the input
	 * (src, dst, sport, dport in network order) having the value v, so
	 * a hash is 12 (or 8) loads and XORs, as rte_softrss gives. */
	uint32_t tab[12][256];
};

/** The symmetric Toeplitz key used for device RSS and for steering. */
extern const uint8_t pn_rss_key_symmetric[PN_RSS_KEY_LEN];

/**
 * Fill @p s with the symmetric key and a RETA of @p reta_size entries
 * spreading @p nb_lcores shards round robin.
 * @return 0, -EINVAL (reta_size not a power of two in 1..512, nb_lcores 0).
 */
int pn_steer_init(struct pn_steer *s, uint16_t nb_lcores, uint16_t reta_size);

/**
 * Toeplitz hash of a frame: the 4-tuple of IPv4 TCP/UDP, the address pair
 * of other IPv4 packets and of fragments. Pure over (@p frame, @p len);
 * one VLAN tag is skipped.
 * @return true and *hash set, or false when the frame is not IPv4 or too
 * short (such packets stay on the lcore that received them).
 */
bool pn_steer_hash(const struct pn_steer *s, const uint8_t *frame,
		   uint32_t len, uint32_t *hash);

/**
 * Toeplitz hash of an IPv4 TCP/UDP 4-tuple (host byte order), the same as
 * pn_steer_hash() of a frame carrying it; without building one (the
 * ephemeral port search asks it for each candidate port).
 */
uint32_t pn_steer_hash_l4(const struct pn_steer *s, uint32_t src, uint32_t dst,
			  uint16_t sport, uint16_t dport);

/** Shard that owns @p hash. */
static inline uint16_t
pn_steer_owner(const struct pn_steer *s, uint32_t hash)
{
	return s->reta[hash & (uint32_t)(s->reta_size - 1)];
}

/** Owner shard of an mbuf (first segment), or -1 if not steerable. */
int pn_steer_mbuf_owner(const struct pn_steer *s, const struct rte_mbuf *m);

#endif /* PN_CORE_STEER_H */
