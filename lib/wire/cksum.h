/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_WIRE_CKSUM_H
#define PN_WIRE_CKSUM_H

/*
 * The Internet checksum (RFC 1071). Values are host-order numbers of the
 * big-endian 16-bit field: write them with a big-endian store.
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Add @p len bytes at @p buf to a running one's complement sum.
 *
 * Chained calls must pass an even @p len for every chunk but the last
 * (RFC 1071: an odd byte is the high half of a zero-padded word).
 *
 * @param sum  running sum (0 to start, or a previous result)
 * @param buf  bytes to add; may be NULL when @p len is 0
 * @param len  number of bytes
 * @return the new running sum, always below 0x20000. Never fails.
 */
uint32_t pn_cksum_add(uint32_t sum, const void *buf, uint32_t len);

/**
 * Fold a running sum to 16 bits, without complementing it.
 *
 * This is the value TX checksum offload expects in a TCP/UDP checksum
 * field (the pseudo-header sum).
 *
 * @return the folded one's complement sum. Never fails.
 */
static inline uint16_t
pn_cksum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/**
 * Finish a running sum: fold it and complement it.
 *
 * @return the checksum to store; over data that already holds a correct
 *   checksum field the result is 0. Never fails.
 */
uint16_t pn_cksum_finish(uint32_t sum);

/**
 * Checksum of one buffer: pn_cksum_finish(pn_cksum_add(0, buf, len)).
 *
 * @return the checksum to store, or 0 when @p buf already holds a valid
 *   checksum field. Never fails.
 */
uint16_t pn_cksum(const void *buf, uint32_t len);

/**
 * Update checksum @p hc for a 16-bit field changed from @p old to @p new
 * (RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')). All three in the same byte
 * order, either one: one's complement arithmetic does not mind.
 *
 * @return the checksum to store. Never fails.
 */
uint16_t pn_cksum_replace16(uint16_t hc, uint16_t old, uint16_t new);

/*
 * Implementations of the core sum. At load time the widest one the CPU
 * runs is chosen for buffers of PN_CKSUM_VEC_MIN bytes or more; shorter
 * ones (IP headers, pure ACKs) always take the scalar code. All of them
 * return the same value, bit for bit. The environment variable
 * PN_CKSUM_IMPL (scalar, avx2, avx512), read at load time, overrides the
 * choice; the calls below exist for tests and benchmarks.
 */
enum pn_cksum_impl {
	PN_CKSUM_SCALAR,	/**< 64-bit words, carries counted apart */
	PN_CKSUM_AVX2,		/**< x86-64 AVX2, 32 bytes per step */
	PN_CKSUM_AVX512,	/**< x86-64 AVX-512BW, 64 bytes per step */
	PN_CKSUM_IMPL_MAX,
};

/** Shortest buffer the vector implementations are used for. */
#define PN_CKSUM_VEC_MIN 128

/**
 * Name of @p impl ("scalar", "avx2", "avx512"), or NULL if out of range.
 */
const char *pn_cksum_impl_name(enum pn_cksum_impl impl);

/**
 * Whether @p impl is compiled in and this CPU (and OS) runs it.
 *
 * @return 1 if usable, 0 if not. Never fails.
 */
int pn_cksum_impl_usable(enum pn_cksum_impl impl);

/** The implementation pn_cksum_add uses for long buffers. */
enum pn_cksum_impl pn_cksum_impl_get(void);

/**
 * Make pn_cksum_add use @p impl for long buffers. Not thread-safe: call
 * it before any other thread computes a checksum.
 *
 * @return 0, or -ENOTSUP if @p impl is not usable (pn_cksum_impl_usable).
 */
int pn_cksum_impl_set(enum pn_cksum_impl impl);

/**
 * pn_cksum_add with implementation @p impl at every length (no
 * PN_CKSUM_VEC_MIN cut-over), so that a test can check each one alone.
 * @p impl must be usable (pn_cksum_impl_usable); an unusable one is
 * replaced by the scalar code.
 *
 * @return as pn_cksum_add. Never fails.
 */
uint32_t pn_cksum_impl_add(enum pn_cksum_impl impl, uint32_t sum,
			   const void *buf, uint32_t len);

#ifdef __cplusplus
}
#endif

#endif /* PN_WIRE_CKSUM_H */
