/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "arp.h"
#include "wire_priv.h"

int
pn_arp_parse(const uint8_t *buf, uint32_t len, struct pn_arp *out)
{
	uint16_t op;

	if (len < PN_ARP_LEN)
		return -EMSGSIZE;
	if (wire_get16(buf) != PN_ARP_HTYPE_ETHER ||
	    wire_get16(buf + 2) != PN_ETHER_TYPE_IPV4)
		return -EPROTONOSUPPORT;
	if (buf[4] != PN_ETHER_ADDR_LEN || buf[5] != 4)
		return -EBADMSG;
	op = wire_get16(buf + 6);
	if (op != PN_ARP_OP_REQUEST && op != PN_ARP_OP_REPLY)
		return -EPROTONOSUPPORT;

	out->op = op;
	memcpy(out->sha, buf + 8, PN_ETHER_ADDR_LEN);
	out->spa = wire_get32(buf + 14);
	memcpy(out->tha, buf + 18, PN_ETHER_ADDR_LEN);
	out->tpa = wire_get32(buf + 24);
	return 0;
}

int
pn_arp_build(uint8_t *buf, uint32_t len, const struct pn_arp *a)
{
	if (a->op != PN_ARP_OP_REQUEST && a->op != PN_ARP_OP_REPLY)
		return -EINVAL;
	if (len < PN_ARP_LEN)
		return -EMSGSIZE;

	wire_put16(buf, PN_ARP_HTYPE_ETHER);
	wire_put16(buf + 2, PN_ETHER_TYPE_IPV4);
	buf[4] = PN_ETHER_ADDR_LEN;
	buf[5] = 4;
	wire_put16(buf + 6, a->op);
	memcpy(buf + 8, a->sha, PN_ETHER_ADDR_LEN);
	wire_put32(buf + 14, a->spa);
	memcpy(buf + 18, a->tha, PN_ETHER_ADDR_LEN);
	wire_put32(buf + 24, a->tpa);
	return PN_ARP_LEN;
}

int
pn_arp_build_request(uint8_t *buf, uint32_t len,
		     const uint8_t sha[PN_ETHER_ADDR_LEN], uint32_t spa,
		     uint32_t tpa)
{
	struct pn_arp a = {
		.op = PN_ARP_OP_REQUEST,
		.spa = spa,
		.tpa = tpa,
	};

	memcpy(a.sha, sha, PN_ETHER_ADDR_LEN);
	return pn_arp_build(buf, len, &a);
}

int
pn_arp_build_reply(uint8_t *buf, uint32_t len, const struct pn_arp *req,
		   const uint8_t mac[PN_ETHER_ADDR_LEN])
{
	struct pn_arp a = {
		.op = PN_ARP_OP_REPLY,
		.spa = req->tpa,
		.tpa = req->spa,
	};

	if (req->op != PN_ARP_OP_REQUEST)
		return -EINVAL;
	memcpy(a.sha, mac, PN_ETHER_ADDR_LEN);
	memcpy(a.tha, req->sha, PN_ETHER_ADDR_LEN);
	return pn_arp_build(buf, len, &a);
}

int
pn_arp_build_gratuitous(uint8_t *buf, uint32_t len,
			const uint8_t sha[PN_ETHER_ADDR_LEN], uint32_t ip)
{
	return pn_arp_build_request(buf, len, sha, ip, ip);
}
