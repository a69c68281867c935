/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "ether.h"
#include "wire_priv.h"

static bool
ether_is_tag(uint16_t type)
{
	return type == PN_ETHER_TYPE_VLAN || type == PN_ETHER_TYPE_QINQ;
}

int
pn_ether_parse(const uint8_t *buf, uint32_t len, struct pn_ether_hdr *out)
{
	uint16_t type, tpid = 0, tci = 0, hdr_len = PN_ETHER_HDR_LEN;

	if (len < PN_ETHER_HDR_LEN)
		return -EMSGSIZE;
	type = wire_get16(buf + 12);
	if (ether_is_tag(type)) {
		if (len < PN_ETHER_VLAN_HDR_LEN)
			return -EMSGSIZE;
		tpid = type;
		tci = wire_get16(buf + 14);
		type = wire_get16(buf + 16);
		hdr_len = PN_ETHER_VLAN_HDR_LEN;
	}
	if (type < PN_ETHER_TYPE_MIN)
		return -EPROTONOSUPPORT;

	memcpy(out->dst, buf, PN_ETHER_ADDR_LEN);
	memcpy(out->src, buf + 6, PN_ETHER_ADDR_LEN);
	out->ethertype = type;
	out->vlan_tpid = tpid;
	out->vlan_tci = tci;
	out->hdr_len = hdr_len;
	return 0;
}

int
pn_ether_build(uint8_t *buf, uint32_t len, const struct pn_ether_hdr *h)
{
	uint32_t off = 12;

	if (h->vlan_tpid != 0 && !ether_is_tag(h->vlan_tpid))
		return -EINVAL;
	if (len < (h->vlan_tpid ? PN_ETHER_VLAN_HDR_LEN : PN_ETHER_HDR_LEN))
		return -EMSGSIZE;

	memcpy(buf, h->dst, PN_ETHER_ADDR_LEN);
	memcpy(buf + 6, h->src, PN_ETHER_ADDR_LEN);
	if (h->vlan_tpid) {
		wire_put16(buf + 12, h->vlan_tpid);
		wire_put16(buf + 14, h->vlan_tci);
		off = 16;
	}
	wire_put16(buf + off, h->ethertype);
	return (int)off + 2;
}
