/* SPDX-License-Identifier: BSD-3-Clause */
/* Drop reasons: every reason has a unique name and a description. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drop.h"
#include <pollnet/pollnet.h>

static void
test_names_unique_and_described(void **state)
{
	unsigned int i, j;

	(void)state;
	for (i = 0; i < PN_DROP__MAX; i++) {
		assert_non_null(pn_drop_name(i));
		assert_true(strlen(pn_drop_desc(i)) > 10);
		for (j = 0; j < i; j++)
			assert_string_not_equal(pn_drop_name(i), pn_drop_name(j));
	}
	assert_string_equal(pn_drop_name(PN_DROP_TX_FULL), "TX_FULL");
	assert_string_equal(pn_drop_name(PN_DROP__MAX), "?");
	assert_string_equal(pn_drop_desc(PN_DROP__MAX), "?");
}

static void
test_version_matches_macros(void **state)
{
	(void)state;
	assert_string_equal(pn_version(), "0.1.0");
	assert_int_equal(PN_VERSION_MAJOR, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_unique_and_described),
		cmocka_unit_test(test_version_matches_macros),
	};

	return cmocka_run_group_tests_name("drop", tests, NULL, NULL);
}
