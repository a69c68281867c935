/* SPDX-License-Identifier: BSD-3-Clause */
/* The bounded per-lcore free list (objcache.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "objcache.h"

struct obj {
	uint64_t a[12];
};

/* Objects come back zeroed, the most recent first; at most max kept. */
static void
test_reuse_zeroed_bounded(void **state)
{
	struct pn_objcache oc;
	struct obj *o[4], *p;
	unsigned int i, k;

	(void)state;
	pn_objcache_init(&oc, sizeof(struct obj), 2);
	for (i = 0; i < 4; i++) {
		o[i] = pn_objcache_get(&oc);
		assert_non_null(o[i]);
		memset(o[i], 0xab, sizeof(*o[i]));
	}
	for (i = 0; i < 4; i++)
		pn_objcache_put(&oc, o[i]);
	assert_int_equal(oc.n, 2);       /* o[0], o[1] kept; o[2], o[3] freed */
	p = pn_objcache_get(&oc);
	assert_ptr_equal(p, o[1]);
	for (k = 0; k < 12; k++)
		assert_int_equal(p->a[k], 0);
	assert_int_equal(oc.n, 1);
	pn_objcache_put(&oc, p);
	pn_objcache_put(&oc, NULL);      /* ignored */
	assert_int_equal(oc.n, 2);
	pn_objcache_fini(&oc);            /* ASan: nothing leaks */
	assert_int_equal(oc.n, 0);
	assert_null(oc.head);
}

/* max 0 keeps nothing: plain calloc and free. */
static void
test_max_zero(void **state)
{
	struct pn_objcache oc;
	void *p;

	(void)state;
	pn_objcache_init(&oc, 3, 0);
	assert_int_equal(oc.size, sizeof(void *)); /* room for the link */
	p = pn_objcache_get(&oc);
	assert_non_null(p);
	pn_objcache_put(&oc, p);
	assert_int_equal(oc.n, 0);
	pn_objcache_fini(&oc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reuse_zeroed_bounded),
		cmocka_unit_test(test_max_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
