/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_CORE_CONF_CHECK_H
#define PN_CORE_CONF_CHECK_H

/*
 * Range checks shared by every configuration reader, so each bad value
 * gets the same kind of message: the key, the value, the accepted range.
 */

#include <stddef.h>
#include <stdint.h>

/**
 * Check @p min <= @p v <= @p max.
 * @return 0, or -EINVAL with "KEY = V is out of range (MIN..MAX)" in @p err.
 */
int pn_conf_check_range(const char *key, uint64_t v, uint64_t min,
			uint64_t max, char *err, size_t errlen);

/**
 * Check that @p v is a power of two in @p min..@p max.
 * @return 0, or -EINVAL with the key, value and range in @p err.
 */
int pn_conf_check_pow2(const char *key, uint64_t v, uint64_t min,
		       uint64_t max, char *err, size_t errlen);

#endif /* PN_CORE_CONF_CHECK_H */
