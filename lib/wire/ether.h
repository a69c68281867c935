/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_WIRE_ETHER_H
#define PN_WIRE_ETHER_H

/*
 * Ethernet II headers, with at most one 802.1Q / 802.1ad tag skipped.
 */

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PN_ETHER_ADDR_LEN	6
#define PN_ETHER_HDR_LEN	14	/**< untagged header */
#define PN_ETHER_VLAN_HDR_LEN	18	/**< header with one tag */
#define PN_ETHER_VLAN_TAG_LEN	4

#define PN_ETHER_TYPE_MIN	0x0600	/**< below: an 802.3 length field */
#define PN_ETHER_TYPE_IPV4	0x0800
#define PN_ETHER_TYPE_ARP	0x0806
#define PN_ETHER_TYPE_VLAN	0x8100	/**< 802.1Q C-tag */
#define PN_ETHER_TYPE_IPV6	0x86dd
#define PN_ETHER_TYPE_QINQ	0x88a8	/**< 802.1ad S-tag */

#define PN_ETHER_VLAN_ID_MASK	0x0fff

/** A parsed Ethernet header. All numbers in host byte order. */
struct pn_ether_hdr {
	uint8_t dst[PN_ETHER_ADDR_LEN];
	uint8_t src[PN_ETHER_ADDR_LEN];
	/** EtherType of the payload (after the tag, if there is one). */
	uint16_t ethertype;
	/** TPID of the tag (PN_ETHER_TYPE_VLAN or _QINQ), 0 when untagged. */
	uint16_t vlan_tpid;
	/** Tag control information (PCP, DEI, VLAN id); 0 when untagged. */
	uint16_t vlan_tci;
	/** Header length: PN_ETHER_HDR_LEN or PN_ETHER_VLAN_HDR_LEN. */
	uint16_t hdr_len;
};

/**
 * Parse an Ethernet II header, skipping exactly one VLAN tag.
 *
 * A second tag is not skipped: a QinQ frame reports the inner TPID as
 * its ethertype, which the caller does not handle and drops.
 *
 * @param buf  the frame
 * @param len  bytes available at @p buf
 * @param out  filled on success only
 * @return 0 on success;
 *   -EMSGSIZE if @p len is shorter than the header (14 bytes, or 18 with
 *   a tag);
 *   -EPROTONOSUPPORT if the type field is below 0x0600 (an 802.3 length,
 *   not Ethernet II), outer or inner.
 */
int pn_ether_parse(const uint8_t *buf, uint32_t len, struct pn_ether_hdr *out);

/**
 * Write an Ethernet header, with a tag when @p h->vlan_tpid is not 0.
 *
 * @p h->hdr_len is ignored.
 *
 * @return the number of bytes written (14 or 18);
 *   -EMSGSIZE if @p len is too small;
 *   -EINVAL if @p h->vlan_tpid is neither 0, PN_ETHER_TYPE_VLAN nor
 *   PN_ETHER_TYPE_QINQ.
 */
int pn_ether_build(uint8_t *buf, uint32_t len, const struct pn_ether_hdr *h);

/**
 * The frame at @p buf (@p len bytes) is untagged IPv4 to @p mac: what
 * pn_ether_parse() would report as ethertype PN_ETHER_TYPE_IPV4, hdr_len
 * PN_ETHER_HDR_LEN and dst @p mac, without filling a header (every data
 * segment's test).
 */
static inline bool
pn_ether_is_ipv4_to(const uint8_t *buf, uint32_t len,
		    const uint8_t mac[PN_ETHER_ADDR_LEN])
{
	return len >= PN_ETHER_HDR_LEN &&
	       buf[12] == (PN_ETHER_TYPE_IPV4 >> 8) &&
	       buf[13] == (PN_ETHER_TYPE_IPV4 & 0xff) &&
	       __builtin_memcmp(buf, mac, PN_ETHER_ADDR_LEN) == 0;
}

/**
 * pn_ether_build of an untagged header, unchecked: @p buf holds 14 bytes.
 */
static inline void
pn_ether_put(uint8_t *buf, const uint8_t dst[PN_ETHER_ADDR_LEN],
	     const uint8_t src[PN_ETHER_ADDR_LEN], uint16_t type)
{
	__builtin_memcpy(buf, dst, PN_ETHER_ADDR_LEN);
	__builtin_memcpy(buf + PN_ETHER_ADDR_LEN, src, PN_ETHER_ADDR_LEN);
	buf[12] = (uint8_t)(type >> 8);
	buf[13] = (uint8_t)type;
}

/** VLAN id of a parsed header (0 when untagged or priority-tagged). */
static inline uint16_t
pn_ether_vlan_id(const struct pn_ether_hdr *h)
{
	return h->vlan_tci & PN_ETHER_VLAN_ID_MASK;
}

/** True for a group (multicast or broadcast) address: I/G bit set. */
static inline bool
pn_ether_is_multicast(const uint8_t addr[PN_ETHER_ADDR_LEN])
{
	return addr[0] & 1;
}

/** True for ff:ff:ff:ff:ff:ff. */
static inline bool
pn_ether_is_broadcast(const uint8_t addr[PN_ETHER_ADDR_LEN])
{
	return (addr[0] & addr[1] & addr[2] & addr[3] & addr[4] &
		addr[5]) == 0xff;
}

#ifdef __cplusplus
}
#endif

#endif /* PN_WIRE_ETHER_H */
