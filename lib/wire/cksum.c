/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "cksum.h"

/*
 * Sum native-order words and swap once at the end: the one's complement
 * sum commutes with byte swapping (RFC 1071 section 2(B)), so the result is
 * the same as summing big-endian words. Nor does it mind the word size
 * (2^16 = 1 mod 0xffff), so we add 64-bit words and count the carries out
 * of bit 63 apart, to add back at the end (2^64 = 1 mod 0xffff too). GCC
 * and clang make a word one add with the load folded in plus one
 * add-with-carry into the count (x86; adds + cinc on arm64): about 0.25
 * instructions a byte where a 4-byte loop takes 1.3, and the count is a
 * chain of its own, so the sum waits for no carry.
 */
static inline void
cksum_word(uint64_t *s, uint64_t *c, uint64_t w)
{
	*s += w;
	*c += *s < w;
}

static inline uint64_t
cksum_ld64(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

static uint16_t
cksum_native(const uint8_t *p, uint32_t len)
{
	/* Two sums and two counts: four chains, none waiting for another. */
	uint64_t s = 0, c = 0, s1 = 0, c1 = 0;
	uint32_t w;
	uint16_t h;

	for (; len >= 64; p += 64, len -= 64) {
		cksum_word(&s, &c, cksum_ld64(p));
		cksum_word(&s1, &c1, cksum_ld64(p + 8));
		cksum_word(&s, &c, cksum_ld64(p + 16));
		cksum_word(&s1, &c1, cksum_ld64(p + 24));
		cksum_word(&s, &c, cksum_ld64(p + 32));
		cksum_word(&s1, &c1, cksum_ld64(p + 40));
		cksum_word(&s, &c, cksum_ld64(p + 48));
		cksum_word(&s1, &c1, cksum_ld64(p + 56));
	}
	for (; len >= 8; p += 8, len -= 8)
		cksum_word(&s, &c, cksum_ld64(p));
	cksum_word(&s, &c, s1);
	c += c1;
	/* Each piece below starts at an even offset: whole 16-bit words. */
	if (len & 4) {
		memcpy(&w, p, 4);
		cksum_word(&s, &c, w);
		p += 4;
	}
	if (len & 2) {
		memcpy(&h, p, 2);
		cksum_word(&s, &c, h);
		p += 2;
	}
	if (len & 1) {
		/* The odd byte is the first byte of a zero-padded word. */
		uint8_t pad[2] = { p[0], 0 };

		memcpy(&h, pad, 2);
		cksum_word(&s, &c, h);
	}
	/* c < 2^29 (len < 2^32), so adding it back carries at most once. */
	s += c;
	s += s < c;
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap16((uint16_t)s);
#else
	return (uint16_t)s;
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
