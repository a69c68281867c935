/* SPDX-License-Identifier: BSD-3-Clause */
/* NAPI configuration: defaults valid, each bad field named with its range. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "conf_check.h"
#include "lcore.h"

static char err[160];

static void
expect_error(const struct pn_napi_conf *c, const char *needle)
{
	err[0] = '\0';
	assert_int_equal(pn_napi_conf_check(c, err, sizeof(err)), -EINVAL);
	if (strstr(err, needle) == NULL)
		fail_msg("'%s' does not contain '%s'", err, needle);
}

static void
test_defaults_are_linux_like_and_valid(void **state)
{
	struct pn_napi_conf c;

	(void)state;
	pn_napi_conf_default(&c);
	assert_int_equal(c.weight, 64);
	assert_int_equal(c.budget, 300);
	assert_int_equal(c.time_limit_us, 2000);
	assert_int_equal(c.busy_poll_us, 50);
	assert_int_equal(c.busy_poll_max_us, 500);	/* adaptive */
	assert_int_equal(c.split, 8);
	assert_true(c.sleep);
	assert_int_equal(pn_napi_conf_check(&c, err, sizeof(err)), 0);
}

#define BAD(field, value, msg) do { \
	struct pn_napi_conf c; \
	pn_napi_conf_default(&c); \
	c.field = (value); \
	expect_error(&c, msg); \
} while (0)

static void
test_each_field_range(void **state)
{
	(void)state;
	BAD(weight, 0, "napi.weight = 0 is out of range (1..512)");
	BAD(weight, 513, "napi.weight = 513");
	BAD(budget, 0, "napi.budget = 0 is out of range (1..65536)");
	BAD(time_limit_us, 0, "napi.time_limit_us = 0 is out of range (1..1000000)");
	BAD(busy_poll_us, 10000001, "napi.busy_poll_us");
	BAD(busy_poll_max_us, 10000001,
	    "napi.busy_poll_max_us = 10000001 is out of range (0..10000000)");
	BAD(backlog_size, 100, "napi.backlog_size = 100 must be a power of two in 64..65536");
	BAD(backlog_size, 32, "napi.backlog_size = 32");
	BAD(tx_retries, 1001, "napi.tx_retries = 1001 is out of range (0..1000)");
}

static void
test_range_helpers(void **state)
{
	(void)state;
	assert_int_equal(pn_conf_check_range("k", 5, 5, 5, err, sizeof(err)), 0);
	assert_int_equal(pn_conf_check_range("k", 4, 5, 5, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "k = 4 is out of range (5..5)");
	assert_int_equal(pn_conf_check_pow2("q", 64, 64, 64, err, sizeof(err)), 0);
	assert_int_equal(pn_conf_check_pow2("q", 0, 0, 64, err, sizeof(err)), -EINVAL);
	/* A short buffer truncates, never overflows. */
	assert_int_equal(pn_conf_check_range("key", 1, 2, 3, err, 4), -EINVAL);
	assert_string_equal(err, "key");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_are_linux_like_and_valid),
		cmocka_unit_test(test_each_field_range),
		cmocka_unit_test(test_range_helpers),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
