/* SPDX-License-Identifier: BSD-3-Clause */
/* pn_tcp_conf_default / pn_tcp_conf_check. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tcp.h"

static void
defaults_valid(void **state)
{
	struct pn_tcp_conf c;
	char err[128] = "";

	(void)state;
	pn_tcp_conf_default(&c);
	assert_int_equal(pn_tcp_conf_check(&c, err, sizeof(err)), 0);
	assert_int_equal(c.mss, 1460);
	assert_int_equal(c.init_cwnd, 10);
	assert_true(c.slow_start_after_idle); /* Linux sysctl: 1 */
	assert_string_equal(c.cc, "cubic");
	assert_int_equal(c.rto_init_ms, 1000);
	assert_int_equal(c.rto_min_ms, 200);
}

#define BAD(field, val, name) do { \
	pn_tcp_conf_default(&c); \
	c.field = val; \
	assert_int_equal(pn_tcp_conf_check(&c, err, sizeof(err)), -EINVAL); \
	assert_non_null(strstr(err, name)); \
} while (0)

static void
ranges_named(void **state)
{
	struct pn_tcp_conf c;
	char err[128];

	(void)state;
	BAD(max_conns, 1, "tcp.max_conns");
	BAD(mss, 100, "tcp.mss");
	BAD(mss, 9001, "tcp.mss");
	BAD(delack_ms, 0, "tcp.delack_ms");
	BAD(delack_ms, 500, "tcp.delack_ms"); /* RFC 9293 MUST-40 */
	BAD(rto_min_ms, 0, "tcp.rto_min_ms");
	BAD(rto_init_ms, 100, "tcp.rto_init_ms");
	BAD(syn_retries, 0, "tcp.syn_retries");
	BAD(synack_retries, 0, "tcp.synack_retries");
	BAD(synack_retries, 21, "tcp.synack_retries");
	BAD(msl_ms, 10, "tcp.msl_ms");
	BAD(sndbuf, 100, "tcp.sndbuf");
	BAD(init_cwnd, 0, "tcp.init_cwnd");
	BAD(ooo_max_segs, 0, "tcp.ooo_max_segs");
	BAD(syn_backlog, 0, "tcp.syn_backlog");
}

static void
cc_names(void **state)
{
	struct pn_tcp_conf c;
	char err[128];

	(void)state;
	pn_tcp_conf_default(&c);
	snprintf(c.cc, sizeof(c.cc), "newreno");
	assert_int_equal(pn_tcp_conf_check(&c, err, sizeof(err)), 0);
	snprintf(c.cc, sizeof(c.cc), "bbr");
	assert_int_equal(pn_tcp_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "tcp.cc"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_valid),
		cmocka_unit_test(ranges_named),
		cmocka_unit_test(cc_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
