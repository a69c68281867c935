/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

/*
 * Add two partial sums with the carry out of bit 63 added back (2^64 = 1
 * mod 0xffff). The result is 0 only if both are.
 */
static inline uint64_t
cksum_add64(uint64_t a, uint64_t b)
{
	a += b;
	return a + (a < b);
}

/* Add the last @p len (< 64) bytes to sum @p s with carry count @p c and
 * return the partial sum. */
static inline uint64_t
cksum_tail(uint64_t s, uint64_t c, const uint8_t *p, uint32_t len)
{
	uint32_t w;
	uint16_t h;

	for (; len >= 8; p += 8, len -= 8)
		cksum_word(&s, &c, cksum_ld64(p));
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
	return cksum_add64(s, c);
}

/* The partial sum of @p len bytes: the sum of their native-order 16-bit
 * words mod 0xffff, 0 only if every byte is. */
static uint64_t
cksum_scalar(const uint8_t *p, uint32_t len)
{
	/* Two sums and two counts: four chains, none waiting for another. */
	uint64_t s = 0, c = 0, s1 = 0, c1 = 0;

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
	cksum_word(&s, &c, s1);
	return cksum_tail(s, c + c1, p, len);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CKSUM_X86 1
#include <immintrin.h>

/*
 * The vector sums take 16-bit words with the top bit flipped, which makes
 * them signed (w - 32768), so that vpmaddwd against ones adds each pair
 * exactly into a 32-bit lane; the 32768 per word is added back at the end.
 * Three instructions per vector (xor with the load folded in, madd, add)
 * and no carries to count. A lane takes at most 65536 in magnitude per
 * step, so over CKSUM_VEC_CHUNK bytes (at most 2048 steps per lane, 2^27)
 * even the sum of all lanes fits in 32 bits; longer buffers go by chunks.
 */
#define CKSUM_VEC_CHUNK (1u << 16)

/* Haswell tuning: the default (-march=corei7) splits each unaligned
 * 256-bit load in two, two instructions more a step. */
#define CKSUM_AVX2_TARGET "avx2,tune=haswell"

__attribute__((target(CKSUM_AVX2_TARGET))) static int32_t
cksum_avx2_hsum(__m256i a)
{
	__m128i x = _mm_add_epi32(_mm256_castsi256_si128(a),
				  _mm256_extracti128_si256(a, 1));

	x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0x4e));
	x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0xb1));
	return _mm_cvtsi128_si32(x);
}

/* Loaded at offset n (2..31), keeps the last n bytes of 32. */
#define CKSUM_00x8 0, 0, 0, 0, 0, 0, 0, 0
#define CKSUM_FFx8 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
static const uint8_t cksum_keep_last[64] = {
	CKSUM_00x8, CKSUM_00x8, CKSUM_00x8, CKSUM_00x8,
	CKSUM_FFx8, CKSUM_FFx8, CKSUM_FFx8, CKSUM_FFx8,
};

/*
 * The partial sum of @p len bytes, 32 <= len <= CKSUM_VEC_CHUNK: 256
 * bytes a loop step (eight vectors added in a tree first: one add into
 * the accumulator a step, and no register copies in GCC's loop), then
 * 128, 64 and 32 bytes straight, then the last 2..31 bytes of an even count
 * as one masked vector: the 32 bytes ending with them (word-aligned, as
 * what precedes is a multiple of 32) with those before them masked to
 * zero words, which count 0 once flipped and added back. An odd last
 * byte is left to the caller (*@p rest).
 */
__attribute__((target(CKSUM_AVX2_TARGET))) static inline uint64_t
cksum_avx2_chunk(const uint8_t *p, uint32_t len, const uint8_t **rest)
{
	__m256i flip = _mm256_set1_epi16((short)0x8000);
	__m256i one = _mm256_set1_epi16(1);
	const uint8_t *end = p + (len & ~255u);
	uint32_t e = len & 30, words = (len & ~31u) / 2;
	__m256i a = _mm256_setzero_si256();

	/* Opaque to GCC, which would otherwise build them again (six
	 * instructions) in each branch below. */
	__asm__("" : "+x"(flip), "+x"(one));

#define CKSUM_AVX2_STEP(v) _mm256_madd_epi16(_mm256_xor_si256(v, flip), one)
#define CKSUM_AVX2_LOAD(off) _mm256_loadu_si256((const void *)(p + (off)))
#define CKSUM_AVX2_128(off) _mm256_add_epi32( \
	_mm256_add_epi32(CKSUM_AVX2_STEP(CKSUM_AVX2_LOAD(off)), \
			 CKSUM_AVX2_STEP(CKSUM_AVX2_LOAD((off) + 32))), \
	_mm256_add_epi32(CKSUM_AVX2_STEP(CKSUM_AVX2_LOAD((off) + 64)), \
			 CKSUM_AVX2_STEP(CKSUM_AVX2_LOAD((off) + 96))))
	for (; p != end; p += 256)
		a = _mm256_add_epi32(a, _mm256_add_epi32(CKSUM_AVX2_128(0),
							 CKSUM_AVX2_128(128)));
	if (len & 128) {
		a = _mm256_add_epi32(a, CKSUM_AVX2_128(0));
		p += 128;
	}
	if (len & 64) {
		a = _mm256_add_epi32(a, _mm256_add_epi32(
			CKSUM_AVX2_STEP(CKSUM_AVX2_LOAD(0)),
			CKSUM_AVX2_STEP(CKSUM_AVX2_LOAD(32))));
		p += 64;
	}
	if (len & 32) {
		a = _mm256_add_epi32(a, CKSUM_AVX2_STEP(CKSUM_AVX2_LOAD(0)));
		p += 32;
	}
	if (e) {
		a = _mm256_add_epi32(a, CKSUM_AVX2_STEP(_mm256_and_si256(
			CKSUM_AVX2_LOAD((int32_t)e - 32),
			_mm256_loadu_si256((const void *)(cksum_keep_last + e)))));
		words += 16;
		p += e;
	}
#undef CKSUM_AVX2_128
#undef CKSUM_AVX2_LOAD
#undef CKSUM_AVX2_STEP
	*rest = p;
	/* 32768 per word: exact and >= 0. */
	return (uint64_t)(cksum_avx2_hsum(a) + (int64_t)words * 32768);
}

__attribute__((target(CKSUM_AVX2_TARGET))) static uint64_t
cksum_avx2(const uint8_t *p, uint32_t len)
{
	uint64_t sum = 0;

	for (; len > CKSUM_VEC_CHUNK; len -= CKSUM_VEC_CHUNK)
		sum += cksum_avx2_chunk(p, CKSUM_VEC_CHUNK, &p);
	if (len >= 32) {
		sum += cksum_avx2_chunk(p, len, &p);
		len &= 1;
	}
	/* Clean upper halves before any SSE code runs: GCC leaves them
	 * dirty on its tail call here, and SSE code after that runs with
	 * a false dependency on them (a whole receive path 3x slower). */
	_mm256_zeroupper();
	return len ? cksum_tail(sum, 0, p, len) : sum;
}

__attribute__((target("avx512f,avx512bw"))) static uint64_t
cksum_avx512(const uint8_t *p, uint32_t len)
{
	const __m512i flip = _mm512_set1_epi16((short)0x8000);
	const __m512i one = _mm512_set1_epi16(1);
	uint64_t sum = 0;

	do {
		uint32_t n = len < CKSUM_VEC_CHUNK ? len : CKSUM_VEC_CHUNK;
		__m512i a = _mm512_setzero_si512();
		uint32_t i;

#define CKSUM_AVX512_STEP(v) _mm512_madd_epi16(_mm512_xor_si512(v, flip), one)
		for (i = n / 256; i; i--, p += 256)
			a = _mm512_add_epi32(a, _mm512_add_epi32(
				_mm512_add_epi32(CKSUM_AVX512_STEP(_mm512_loadu_si512(p)),
						 CKSUM_AVX512_STEP(_mm512_loadu_si512(p + 64))),
				_mm512_add_epi32(CKSUM_AVX512_STEP(_mm512_loadu_si512(p + 128)),
						 CKSUM_AVX512_STEP(_mm512_loadu_si512(p + 192)))));
		for (i = n % 256 / 64; i; i--, p += 64)
			a = _mm512_add_epi32(a, CKSUM_AVX512_STEP(_mm512_loadu_si512(p)));
		if (n % 64) {
			/*
			 * The tail with a masked load: the bytes past it read
			 * as zeros (so an odd last byte is the first of a
			 * zero-padded word) and are never touched in memory.
			 */
			__mmask64 m = (1ull << (n % 64)) - 1;

			a = _mm512_add_epi32(a, CKSUM_AVX512_STEP(
				_mm512_maskz_loadu_epi8(m, p)));
			p += n % 64;
		}
#undef CKSUM_AVX512_STEP
		/* 32 words a vector, 32768 each: exact and >= 0. */
		sum += (uint64_t)((int64_t)_mm512_reduce_add_epi32(a) +
				  ((int64_t)(n + 63) / 64 << 20));
		len -= n;
	} while (len);
	return sum;
}
#endif /* x86-64 */

typedef uint64_t (*cksum_fn)(const uint8_t *p, uint32_t len);

static const struct {
	const char *name;
	cksum_fn fn;
} cksum_impls[PN_CKSUM_IMPL_MAX] = {
	[PN_CKSUM_SCALAR] = { "scalar", cksum_scalar },
#ifdef CKSUM_X86
	[PN_CKSUM_AVX2] = { "avx2", cksum_avx2 },
	[PN_CKSUM_AVX512] = { "avx512", cksum_avx512 },
#else
	[PN_CKSUM_AVX2] = { "avx2", NULL },
	[PN_CKSUM_AVX512] = { "avx512", NULL },
#endif
};

/*
 * What pn_cksum_add uses for long buffers: chosen once, before main, and
 * only read after that (pn_cksum_impl_set is for tests and benchmarks).
 */
static enum pn_cksum_impl cksum_impl_cur = PN_CKSUM_SCALAR;
static cksum_fn cksum_vec = cksum_scalar;

int
pn_cksum_impl_usable(enum pn_cksum_impl impl)
{
	if ((unsigned int)impl >= PN_CKSUM_IMPL_MAX || !cksum_impls[impl].fn)
		return 0;
#ifdef CKSUM_X86
	__builtin_cpu_init();
	if (impl == PN_CKSUM_AVX2)
		return __builtin_cpu_supports("avx2") != 0;
	if (impl == PN_CKSUM_AVX512)
		return __builtin_cpu_supports("avx512f") &&
		       __builtin_cpu_supports("avx512bw");
#endif
	return 1;
}

const char *
pn_cksum_impl_name(enum pn_cksum_impl impl)
{
	return (unsigned int)impl < PN_CKSUM_IMPL_MAX ?
		cksum_impls[impl].name : NULL;
}

enum pn_cksum_impl
pn_cksum_impl_get(void)
{
	return cksum_impl_cur;
}

int
pn_cksum_impl_set(enum pn_cksum_impl impl)
{
	if (!pn_cksum_impl_usable(impl))
		return -ENOTSUP;
	cksum_impl_cur = impl;
	cksum_vec = cksum_impls[impl].fn;
	return 0;
}

/*
 * The widest usable one, resolved once at load time, not per call; or the
 * one named by PN_CKSUM_IMPL (for A/B measurements of one binary).
 */
__attribute__((constructor)) static void
cksum_impl_init(void)
{
	const char *want = getenv("PN_CKSUM_IMPL");
	int i;

	for (i = PN_CKSUM_IMPL_MAX - 1; i > PN_CKSUM_SCALAR; i--)
		if (pn_cksum_impl_set((enum pn_cksum_impl)i) == 0)
			break;
	if (!want || !*want)
		return;
	for (i = 0; i < PN_CKSUM_IMPL_MAX; i++)
		if (!strcmp(want, cksum_impls[i].name) &&
		    pn_cksum_impl_set((enum pn_cksum_impl)i) == 0)
			return;
	fprintf(stderr, "pollnet: PN_CKSUM_IMPL=%s is not an implementation "
		"this CPU runs (scalar, avx2, avx512); using %s\n", want,
		cksum_impls[cksum_impl_cur].name);
}

/* Fold a partial sum to 16 bits, in big-endian order. */
static uint16_t
cksum_fold64(uint64_t s)
{
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

static uint16_t
cksum_native(const uint8_t *p, uint32_t len)
{
	return cksum_fold64(len >= PN_CKSUM_VEC_MIN ? cksum_vec(p, len) :
			    cksum_scalar(p, len));
}

uint32_t
pn_cksum_impl_add(enum pn_cksum_impl impl, uint32_t sum, const void *buf,
		  uint32_t len)
{
	cksum_fn fn = pn_cksum_impl_usable(impl) ? cksum_impls[impl].fn :
						   cksum_scalar;

	if (len == 0)
		return pn_cksum_fold(sum);
	return (uint32_t)pn_cksum_fold(sum) + cksum_fold64(fn(buf, len));
}

uint32_t
pn_cksum_add(uint32_t sum, const void *buf, uint32_t len)
{
	if (len == 0)
		return pn_cksum_fold(sum);
	return (uint32_t)pn_cksum_fold(sum) + cksum_native(buf, len);
}

uint16_t
pn_cksum_add_finish(uint32_t sum, const void *buf, uint32_t len)
{
	uint64_t s = len >= PN_CKSUM_VEC_MIN ? cksum_vec(buf, len) :
		     cksum_scalar(buf, len);
	uint32_t x;

	/*
	 * @p sum is of big-endian words: in native order for the buffer's.
	 * Swapping all four bytes swaps each 16-bit half, and the halves
	 * add the same (2^16 = 1 mod 0xffff); 0 only if @p sum is.
	 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	s = cksum_add64(s, __builtin_bswap32(sum));
#else
	s = cksum_add64(s, sum);
#endif
	/* Fold with end-around carries by adding the value rotated by half
	 * its width: the upper half gets the sum of both halves plus the
	 * carry out of the lower (as Linux csum_fold); never 0 from a
	 * nonzero value. */
	s = (s + (s >> 32 | s << 32)) >> 32;
	x = (uint32_t)s;
	x = (x + (x >> 16 | x << 16)) >> 16;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint16_t)~__builtin_bswap16((uint16_t)x);
#else
	return (uint16_t)~x;
#endif
}

uint16_t
pn_cksum_replace16(uint16_t hc, uint16_t old, uint16_t new)
{
	return (uint16_t)~pn_cksum_fold((uint32_t)(uint16_t)~hc +
					(uint16_t)~old + new);
}

uint16_t
pn_cksum(const void *buf, uint32_t len)
{
	return pn_cksum_finish(pn_cksum_add(0, buf, len));
}
