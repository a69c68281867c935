/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "icmp.h"
#include "wire_priv.h"

static int
icmp_parse_quote(const uint8_t *q, uint32_t len, struct pn_icmp_hdr *out)
{
	uint32_t hdr_len;

	if (len < PN_IPV4_HDR_MIN_LEN + PN_ICMP_QUOTE_L4_LEN)
		return -EMSGSIZE;
	hdr_len = (uint32_t)(q[0] & 0x0f) * 4;
	if (q[0] >> 4 != 4 || hdr_len < PN_IPV4_HDR_MIN_LEN)
		return -EBADMSG;
	if (len < hdr_len + PN_ICMP_QUOTE_L4_LEN)
		return -EMSGSIZE;

	out->quote.hdr_len = (uint16_t)hdr_len;
	out->quote.proto = q[9];
	out->quote.src = wire_get32(q + 12);
	out->quote.dst = wire_get32(q + 16);
	out->quote.l4 = q + hdr_len;
	return 0;
}

int
pn_icmp_parse(const uint8_t *buf, uint32_t len, struct pn_icmp_hdr *out)
{
	struct pn_icmp_hdr h = { 0 };
	int rc;

	if (len < PN_ICMP_HDR_LEN)
		return -EMSGSIZE;
	if (pn_cksum(buf, len))
		return -EBADMSG;

	h.type = buf[0];
	h.code = buf[1];
	h.cksum = wire_get16(buf + 2);
	h.data = buf + PN_ICMP_HDR_LEN;
	h.data_len = len - PN_ICMP_HDR_LEN;
	switch (h.type) {
	case PN_ICMP_ECHO_REQUEST:
	case PN_ICMP_ECHO_REPLY:
		h.id = wire_get16(buf + 4);
		h.seq = wire_get16(buf + 6);
		break;
	case PN_ICMP_DEST_UNREACH:
		if (h.code == PN_ICMP_UNREACH_FRAG_NEEDED)
			h.mtu = wire_get16(buf + 6);
		rc = icmp_parse_quote(h.data, h.data_len, &h);
		if (rc)
			return rc;
		break;
	case PN_ICMP_PARAM_PROBLEM:
		h.pointer = buf[4];
		/* fall through */
	case PN_ICMP_TIME_EXCEEDED:
		rc = icmp_parse_quote(h.data, h.data_len, &h);
		if (rc)
			return rc;
		break;
	default:
		return -EPROTONOSUPPORT;
	}
	*out = h;
	return 0;
}

int
pn_icmp_build_echo(uint8_t *buf, uint32_t len, uint8_t type, uint16_t id,
		   uint16_t seq, const uint8_t *data, uint32_t data_len)
{
	if (type != PN_ICMP_ECHO_REQUEST && type != PN_ICMP_ECHO_REPLY)
		return -EINVAL;
	if (len < PN_ICMP_HDR_LEN || len - PN_ICMP_HDR_LEN < data_len)
		return -EMSGSIZE;

	/* Data first: it may live where the header goes (in-place reply). */
	if (data_len && data != buf + PN_ICMP_HDR_LEN)
		memmove(buf + PN_ICMP_HDR_LEN, data, data_len);
	buf[0] = type;
	buf[1] = 0;
	wire_put16(buf + 2, 0);
	wire_put16(buf + 4, id);
	wire_put16(buf + 6, seq);
	wire_put16(buf + 2, pn_cksum(buf, PN_ICMP_HDR_LEN + data_len));
	return (int)(PN_ICMP_HDR_LEN + data_len);
}

int
pn_icmp_build_echo_reply(uint8_t *buf, uint32_t len,
			 const struct pn_icmp_hdr *req)
{
	if (req->type != PN_ICMP_ECHO_REQUEST)
		return -EINVAL;
	return pn_icmp_build_echo(buf, len, PN_ICMP_ECHO_REPLY, req->id,
				  req->seq, req->data, req->data_len);
}

int
pn_icmp_build_error(uint8_t *buf, uint32_t len, uint8_t type, uint8_t code,
		    uint32_t rest, const uint8_t *orig, uint32_t orig_len)
{
	uint32_t hdr_len, total_len, quote_len;

	if (type != PN_ICMP_DEST_UNREACH && type != PN_ICMP_TIME_EXCEEDED &&
	    type != PN_ICMP_PARAM_PROBLEM)
		return -EINVAL;
	if (orig_len < PN_IPV4_HDR_MIN_LEN || orig[0] >> 4 != 4)
		return -EINVAL;
	hdr_len = (uint32_t)(orig[0] & 0x0f) * 4;
	if (hdr_len < PN_IPV4_HDR_MIN_LEN || orig_len < hdr_len)
		return -EINVAL;
	/* Quote no link padding: stop at the datagram's own length. */
	total_len = wire_get16(orig + 2);
	if (total_len >= hdr_len && total_len < orig_len)
		orig_len = total_len;
	quote_len = hdr_len + PN_ICMP_QUOTE_L4_LEN;
	if (quote_len > orig_len)
		quote_len = orig_len;
	if (len < PN_ICMP_HDR_LEN || len - PN_ICMP_HDR_LEN < quote_len)
		return -EMSGSIZE;

	memmove(buf + PN_ICMP_HDR_LEN, orig, quote_len);
	buf[0] = type;
	buf[1] = code;
	wire_put16(buf + 2, 0);
	wire_put16(buf + 4, (uint16_t)(rest >> 16));
	wire_put16(buf + 6, (uint16_t)rest);
	wire_put16(buf + 2, pn_cksum(buf, PN_ICMP_HDR_LEN + quote_len));
	return (int)(PN_ICMP_HDR_LEN + quote_len);
}

int
pn_icmp_build_unreach(uint8_t *buf, uint32_t len, uint8_t code,
		      uint16_t mtu, const uint8_t *orig, uint32_t orig_len)
{
	return pn_icmp_build_error(buf, len, PN_ICMP_DEST_UNREACH, code,
				   code == PN_ICMP_UNREACH_FRAG_NEEDED ? mtu : 0,
				   orig, orig_len);
}

static bool
icmp_is_query(uint8_t type)
{
	/* RFC 792/950: echo, timestamp, information, address mask. */
	switch (type) {
	case 0: case 8: case 13: case 14: case 15: case 16: case 17: case 18:
		return true;
	default:
		return false;
	}
}

static bool
ipv4_is_group(uint32_t addr)
{
	return addr == 0xffffffff || (addr >> 28) == 0xe;
}

bool
pn_icmp_error_allowed(const struct pn_ipv4_hdr *ip, const uint8_t *l4,
		      uint32_t l4_len)
{
	if (ip->frag_off != 0)
		return false;
	if (ipv4_is_group(ip->dst))
		return false;
	/* Source must be a unicast host: not 0, loopback, class D/E. */
	if (ip->src == 0 || (ip->src >> 24) == 127 || (ip->src >> 28) >= 0xe)
		return false;
	if (ip->proto == PN_IPV4_PROTO_ICMP &&
	    (l4_len < 1 || !icmp_is_query(l4[0])))
		return false;
	return true;
}
