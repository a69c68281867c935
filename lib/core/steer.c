/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "steer.h"

/*
 * 0x6d5a repeated: with this key the Toeplitz hash of (src, dst, sport,
 * dport) equals that of (dst, src, dport, sport), so both directions of a
 * flow land on the same shard (Woo & Park, "Scalable TCP Session Monitoring
 * with Symmetric Receive-side Scaling").
 */
const uint8_t pn_rss_key_symmetric[PN_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
};

/* The 32 key bits starting at bit @p bit (most significant first). */
static uint32_t
key_window(const uint8_t *key, unsigned int bit)
{
	uint64_t w = 0;

	for (unsigned int i = 0; i < 5; i++)
		w = w << 8 | key[bit / 8 + i];
	return (uint32_t)(w >> (8 - bit % 8));
}

/* Toeplitz is linear over XOR: the hash of an input is the XOR of the
 * hashes of its bytes in place, each precomputed for all 256 values. */
static void
steer_tab_init(struct pn_steer *s)
{
	for (unsigned int b = 0; b < RTE_DIM(s->tab); b++)
		for (unsigned int v = 0; v < 256; v++) {
			uint32_t h = 0;

			for (unsigned int j = 0; j < 8; j++)
				if (v & (0x80u >> j))
					h ^= key_window(s->key, b * 8 + j);
			s->tab[b][v] = h;
		}
}

static inline uint32_t
steer_tab_hash(const struct pn_steer *s, const uint8_t *in, unsigned int n)
{
	uint32_t h = 0;

	for (unsigned int b = 0; b < n; b++)
		h ^= s->tab[b][in[b]];
	return h;
}

int
pn_steer_init(struct pn_steer *s, uint16_t nb_lcores, uint16_t reta_size)
{
	uint16_t i;

	if (nb_lcores == 0 || reta_size == 0 || reta_size > PN_RETA_MAX ||
	    (reta_size & (reta_size - 1)) != 0)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	memcpy(s->key, pn_rss_key_symmetric, sizeof(s->key));
	s->reta_size = reta_size;
	s->nb_lcores = nb_lcores;
	for (i = 0; i < reta_size; i++)
		s->reta[i] = i % nb_lcores;
	steer_tab_init(s);
	return 0;
}

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

bool
pn_steer_hash(const struct pn_steer *s, const uint8_t *frame, uint32_t len,
	      uint32_t *hash)
{
	uint8_t in[12];
	uint32_t off = 12, ihl, frag;
	uint16_t type;
	uint8_t proto;

	if (len < off + 2)
		return false;
	type = rd16(frame + off);
	if (type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ) {
		off += 4;
		if (len < off + 2)
			return false;
		type = rd16(frame + off);
	}
	off += 2;
	if (type != RTE_ETHER_TYPE_IPV4 || len < off + 20)
		return false;
	if ((frame[off] >> 4) != 4)
		return false;
	ihl = (uint32_t)(frame[off] & 0xf) * 4;
	if (ihl < 20 || len < off + ihl)
		return false;
	proto = frame[off + 9];
	frag = rd16(frame + off + 6) & 0x3fff; /* MF or offset */
	memcpy(in, frame + off + 12, 8); /* src, dst */
	/* Fragments and other protocols hash by addresses, as device RSS does. */
	if (frag == 0 && (proto == IPPROTO_TCP || proto == IPPROTO_UDP) &&
	    len >= off + ihl + 4) {
		memcpy(in + 8, frame + off + ihl, 4); /* sport, dport */
		*hash = steer_tab_hash(s, in, 12);
	} else {
		*hash = steer_tab_hash(s, in, 8);
	}
	return true;
}

uint32_t
pn_steer_hash_l4(const struct pn_steer *s, uint32_t src, uint32_t dst,
		 uint16_t sport, uint16_t dport)
{
	const uint8_t in[12] = {
		(uint8_t)(src >> 24), (uint8_t)(src >> 16), (uint8_t)(src >> 8),
		(uint8_t)src,
		(uint8_t)(dst >> 24), (uint8_t)(dst >> 16), (uint8_t)(dst >> 8),
		(uint8_t)dst,
		(uint8_t)(sport >> 8), (uint8_t)sport,
		(uint8_t)(dport >> 8), (uint8_t)dport,
	};

	return steer_tab_hash(s, in, sizeof(in));
}

int
pn_steer_mbuf_owner(const struct pn_steer *s, const struct rte_mbuf *m)
{
	uint32_t hash;

	if (!pn_steer_hash(s, rte_pktmbuf_mtod(m, const uint8_t *),
			   rte_pktmbuf_data_len(m), &hash))
		return -1;
	return pn_steer_owner(s, hash);
}
