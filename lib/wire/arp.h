/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_WIRE_ARP_H
#define PN_WIRE_ARP_H

/*
 * ARP (RFC 826) for Ethernet and IPv4 only: htype 1, ptype 0x0800,
 * hlen 6, plen 4, so the packet is always 28 bytes.
 */

#include <stdbool.h>
#include <stdint.h>

#include "ether.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PN_ARP_LEN		28
#define PN_ARP_HTYPE_ETHER	1
#define PN_ARP_OP_REQUEST	1
#define PN_ARP_OP_REPLY		2

/** A parsed ARP packet. Addresses in host byte order. */
struct pn_arp {
	uint16_t op;				/**< PN_ARP_OP_* */
	uint8_t sha[PN_ETHER_ADDR_LEN];		/**< sender hardware address */
	uint32_t spa;				/**< sender IPv4 address */
	uint8_t tha[PN_ETHER_ADDR_LEN];		/**< target hardware address */
	uint32_t tpa;				/**< target IPv4 address */
};

/**
 * Parse an ARP packet (the Ethernet payload). Bytes after the first 28
 * (Ethernet padding) are ignored.
 *
 * @return 0 on success;
 *   -EMSGSIZE if @p len < PN_ARP_LEN;
 *   -EPROTONOSUPPORT if htype is not Ethernet, ptype not IPv4, or the
 *   operation neither request nor reply (e.g. RARP);
 *   -EBADMSG if hlen is not 6 or plen not 4 for Ethernet/IPv4.
 */
int pn_arp_parse(const uint8_t *buf, uint32_t len, struct pn_arp *out);

/**
 * Write the ARP packet @p a.
 *
 * @return PN_ARP_LEN; -EMSGSIZE if @p len < PN_ARP_LEN;
 *   -EINVAL if @p a->op is neither request nor reply.
 */
int pn_arp_build(uint8_t *buf, uint32_t len, const struct pn_arp *a);

/**
 * Write a request asking who has @p tpa (target hardware address zero).
 *
 * @return PN_ARP_LEN; -EMSGSIZE if @p len < PN_ARP_LEN.
 */
int pn_arp_build_request(uint8_t *buf, uint32_t len,
			 const uint8_t sha[PN_ETHER_ADDR_LEN], uint32_t spa,
			 uint32_t tpa);

/**
 * Write the reply to @p req from the owner of @p req->tpa, whose hardware
 * address is @p mac: sender and target swap (RFC 826 "Packet Reception").
 *
 * @return PN_ARP_LEN; -EMSGSIZE if @p len < PN_ARP_LEN;
 *   -EINVAL if @p req is not a request.
 */
int pn_arp_build_reply(uint8_t *buf, uint32_t len, const struct pn_arp *req,
		       const uint8_t mac[PN_ETHER_ADDR_LEN]);

/**
 * Write a gratuitous ARP (RFC 5227 section 3 announcement): a request
 * with sender and target protocol address both @p ip, target hardware
 * address zero.
 *
 * @return PN_ARP_LEN; -EMSGSIZE if @p len < PN_ARP_LEN.
 */
int pn_arp_build_gratuitous(uint8_t *buf, uint32_t len,
			    const uint8_t sha[PN_ETHER_ADDR_LEN], uint32_t ip);

/** True for a gratuitous ARP (request or reply): spa == tpa, spa not 0. */
static inline bool
pn_arp_is_gratuitous(const struct pn_arp *a)
{
	return a->spa == a->tpa && a->spa != 0;
}

/** True for an RFC 5227 probe: a request with sender address 0. */
static inline bool
pn_arp_is_probe(const struct pn_arp *a)
{
	return a->op == PN_ARP_OP_REQUEST && a->spa == 0;
}

#ifdef __cplusplus
}
#endif

#endif /* PN_WIRE_ARP_H */
