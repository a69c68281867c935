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
uint16_t pn_cksum_fold(uint32_t sum);

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

#ifdef __cplusplus
}
#endif

#endif /* PN_WIRE_CKSUM_H */
