/* SPDX-License-Identifier: BSD-3-Clause */
/* pollnet-bench's macswap: the two MACs exchange places, nothing else moves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../../app/pollnet-bench/macswap.h"

static void
swaps_the_two_macs_only(void **state)
{
	uint8_t f[16], want[16];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(f); i++)
		f[i] = (uint8_t)(0x11 * (i + 1) + i);
	memcpy(want, f + 6, 6);
	memcpy(want + 6, f, 6);
	memcpy(want + 12, f + 12, 4);
	bench_macswap(f);
	assert_memory_equal(f, want, sizeof(f));
	bench_macswap16(f); /* an involution, and the 16-byte one agrees */
	for (i = 0; i < sizeof(f); i++)
		assert_int_equal(f[i], (uint8_t)(0x11 * (i + 1) + i));
}

static void
works_unaligned(void **state)
{
	uint8_t buf[32] = { 0 };
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x02 };

	(void)state;
	memcpy(buf + 3, dst, 6);
	memcpy(buf + 9, src, 6);
	buf[15] = 0x08;
	bench_macswap(buf + 3);
	assert_memory_equal(buf + 3, src, 6);
	assert_memory_equal(buf + 9, dst, 6);
	assert_int_equal(buf[15], 0x08);
	assert_int_equal(buf[2], 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(swaps_the_two_macs_only),
		cmocka_unit_test(works_unaligned),
	};

	return cmocka_run_group_tests_name("bench_macswap", tests, NULL, NULL);
}
