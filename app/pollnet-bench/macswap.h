/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_BENCH_MACSWAP_H
#define PN_BENCH_MACSWAP_H

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#ifdef __SSSE3__
#include <tmmintrin.h>
#endif

/**
 * Swap the destination and source MACs of the Ethernet header at @p p (12
 * bytes readable and writable) with one 8-byte and one 4-byte load and
 * store instead of three 6-byte copies: bytes 0-5 (destination) and 6-11
 * (source) exchange places.
 */
static inline void
bench_macswap(uint8_t *p)
{
	uint64_t x, dst, src;
	uint32_t y;

	memcpy(&x, p, sizeof(x));
	memcpy(&y, p + 8, sizeof(y));
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	dst = x & 0xffffffffffffull;
	src = (x >> 48) | ((uint64_t)y << 16);
	x = src | (dst << 48);
	y = (uint32_t)(dst >> 16);
#else
	dst = x >> 16;
	src = ((x & 0xffff) << 32) | y;
	x = (src << 16) | (dst >> 32);
	y = (uint32_t)dst;
#endif
	memcpy(p, &x, sizeof(x));
	memcpy(p + 8, &y, sizeof(y));
}

/**
 * bench_macswap() for a frame with at least 16 bytes in its first segment:
 * one 16-byte load, shuffle and store where SSSE3 is there (DPDK's x86
 * baseline has it), the scalar swap elsewhere.
 */
static inline void
bench_macswap16(uint8_t *p)
{
#ifdef __SSSE3__
	const __m128i swap = _mm_setr_epi8(6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5,
					   12, 13, 14, 15);
	__m128i h = _mm_loadu_si128((const __m128i *)(void *)p);

	_mm_storeu_si128((__m128i *)(void *)p, _mm_shuffle_epi8(h, swap));
#else
	bench_macswap(p);
#endif
}

#endif
