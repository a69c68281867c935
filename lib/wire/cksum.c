/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "cksum.h"

/*
 * Sum native-order words and swap once at the end: the one's complement
 * sum commutes with byte swapping (RFC 1071 section 2(B)), so the result is
 * the same as summing big-endian words, at a word a cycle.
 */
static uint16_t
cksum_native(const uint8_t *p, uint32_t len)
{
	uint64_t sum = 0;
	uint32_t w;
	uint16_t h;

	for (; len >= 4; p += 4, len -= 4) {
		memcpy(&w, p, 4);
		sum += w;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		sum += h;
		p += 2;
		len -= 2;
	}
	if (len) {
		/* The odd byte is the first byte of a zero-padded word. */
		uint8_t pad[2] = { p[0], 0 };

		memcpy(&h, pad, 2);
		sum += h;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap16((uint16_t)sum);
#else
	return (uint16_t)sum;
#endif
}

uint32_t
pn_cksum_add(uint32_t sum, const void *buf, uint32_t len)
{
	if (len == 0)
		return pn_cksum_fold(sum);
	return (uint32_t)pn_cksum_fold(sum) + cksum_native(buf, len);
}

uint16_t
pn_cksum_replace16(uint16_t hc, uint16_t old, uint16_t new)
{
	return (uint16_t)~pn_cksum_fold((uint32_t)(uint16_t)~hc +
					(uint16_t)~old + new);
}

uint16_t
pn_cksum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t
pn_cksum_finish(uint32_t sum)
{
	return (uint16_t)~pn_cksum_fold(sum);
}

uint16_t
pn_cksum(const void *buf, uint32_t len)
{
	return pn_cksum_finish(pn_cksum_add(0, buf, len));
}
