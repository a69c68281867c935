/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "ipv4.h"
#include "wire_priv.h"

#define IPV4_FLAG_DF		0x4000
#define IPV4_FLAG_MF		0x2000
#define IPV4_FRAG_OFF_MASK	0x1fff

int
pn_ipv4_parse(const uint8_t *buf, uint32_t len, unsigned int flags,
	      struct pn_ipv4_hdr *out)
{
	uint32_t hdr_len, total_len;
	uint16_t frag;

	if (len < PN_IPV4_HDR_MIN_LEN)
		return -EMSGSIZE;
	if (buf[0] >> 4 != 4)
		return -EPROTONOSUPPORT;
	hdr_len = (uint32_t)(buf[0] & 0x0f) * 4;
	if (hdr_len < PN_IPV4_HDR_MIN_LEN)
		return -EBADMSG;
	if (len < hdr_len)
		return -EMSGSIZE;
	total_len = wire_get16(buf + 2);
	if (total_len < hdr_len)
		return -EBADMSG;
	if (total_len > len)
		return -EMSGSIZE;
	if (!(flags & PN_IPV4_PARSE_CSUM_VERIFIED) && pn_ipv4_hdr_cksum(buf, hdr_len))
		return -EBADMSG;

	frag = wire_get16(buf + 6);
	out->hdr_len = (uint16_t)hdr_len;
	out->total_len = (uint16_t)total_len;
	out->tos = buf[1];
	out->id = wire_get16(buf + 4);
	out->df = frag & IPV4_FLAG_DF;
	out->mf = frag & IPV4_FLAG_MF;
	out->frag_off = (uint16_t)((frag & IPV4_FRAG_OFF_MASK) * 8);
	out->ttl = buf[8];
	out->proto = buf[9];
	out->cksum = wire_get16(buf + 10);
	out->src = wire_get32(buf + 12);
	out->dst = wire_get32(buf + 16);
	out->opts_len = (uint8_t)(hdr_len - PN_IPV4_HDR_MIN_LEN);
	out->opts = out->opts_len ? buf + PN_IPV4_HDR_MIN_LEN : NULL;
	out->pad_len = len - total_len;
	return 0;
}

int
pn_ipv4_build(uint8_t *buf, uint32_t len, const struct pn_ipv4_hdr *h,
	      unsigned int flags)
{
	uint32_t hdr_len = PN_IPV4_HDR_MIN_LEN + h->opts_len;
	uint16_t frag;

	if (h->opts_len % 4 || h->opts_len > PN_IPV4_OPTS_MAX_LEN ||
	    (h->opts_len && h->opts == NULL) || h->total_len < hdr_len ||
	    h->frag_off % 8)
		return -EINVAL;
	if (len < hdr_len)
		return -EMSGSIZE;

	if (hdr_len == PN_IPV4_HDR_MIN_LEN && h->frag_off == 0 && !h->mf) {
		pn_ipv4_build_min(buf, h,
				  (flags & PN_IPV4_BUILD_CSUM_OFFLOAD) != 0);
		return (int)hdr_len;
	}
	frag = (uint16_t)(h->frag_off / 8);
	if (h->df)
		frag |= IPV4_FLAG_DF;
	if (h->mf)
		frag |= IPV4_FLAG_MF;
	pn_ipv4_build_min(buf, h, true);
	buf[0] = (uint8_t)(0x40 | hdr_len / 4);
	wire_put16(buf + 6, frag);
	if (h->opts_len)
		memcpy(buf + PN_IPV4_HDR_MIN_LEN, h->opts, h->opts_len);
	if (!(flags & PN_IPV4_BUILD_CSUM_OFFLOAD))
		wire_put16(buf + 10, pn_ipv4_hdr_cksum(buf, hdr_len));
	return (int)hdr_len;
}

uint16_t
pn_ipv4_hdr_cksum(const uint8_t *buf, uint32_t hdr_len)
{
	if (hdr_len != PN_IPV4_HDR_MIN_LEN)
		return pn_cksum(buf, hdr_len);
	return pn_ipv4_hdr20_cksum(buf);
}

uint16_t
pn_ipv4_l4_cksum(uint32_t src, uint32_t dst, uint8_t proto,
		 const uint8_t *l4, uint16_t l4_len)
{
	return pn_cksum_add_finish(pn_ipv4_phdr_add(src, dst, proto, l4_len), l4,
				   l4_len);
}
