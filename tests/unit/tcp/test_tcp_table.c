/* SPDX-License-Identifier: BSD-3-Clause */
/* The connection table (lib/tcp/tcp_table.c): chains through the TCB. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tcp_priv.h"

#define CAP 16
#define NC 64

static struct tcp_table t;
static struct pn_tcp_conn conns[NC];

static int
setup(void **state)
{
	(void)state;
	memset(conns, 0, sizeof(conns));
	return tcp_table_init(&t, CAP, 0x5eed);
}

static int
teardown(void **state)
{
	(void)state;
	tcp_table_fini(&t);
	return 0;
}

static struct tcp_key
key(uint32_t i)
{
	return (struct tcp_key){ .lip = 0xc6120001, .rip = 0xc6120002,
				 .lport = 80, .rport = (uint16_t)(32768 + i) };
}

static int
add(struct pn_tcp_conn *c, struct tcp_key k)
{
	c->key = k;
	return tcp_table_add(&t, c, tcp_table_hash(&t, &k));
}

static struct pn_tcp_conn *
find(struct tcp_key k)
{
	return tcp_table_lookup(&t, &k, tcp_table_hash(&t, &k));
}

static void
add_lookup_del(void **state)
{
	uint32_t i;

	(void)state;
	for (i = 0; i < CAP; i++)
		assert_int_equal(add(&conns[i], key(i)), 0);
	assert_int_equal(t.n, CAP);
	for (i = 0; i < CAP; i++)
		assert_ptr_equal(find(key(i)), &conns[i]);
	assert_null(find(key(CAP)));
	for (i = 0; i < CAP; i += 2)
		tcp_table_del(&t, &conns[i]);
	for (i = 0; i < CAP; i++)
		assert_ptr_equal(find(key(i)), i % 2 ? &conns[i] : NULL);
	assert_null(conns[0].hpprev);
	assert_int_equal(t.n, CAP / 2);
}

/* Every field of the 4-tuple tells connections apart. */
static void
whole_tuple_compared(void **state)
{
	struct tcp_key k = key(1), k2;

	(void)state;
	assert_int_equal(add(&conns[0], k), 0);
	k2 = k;
	k2.lip++;
	assert_null(find(k2));
	k2 = k;
	k2.rip++;
	assert_null(find(k2));
	k2 = k;
	k2.lport++;
	assert_null(find(k2));
	k2 = k;
	k2.rport = k.lport;
	k2.lport = k.rport;
	assert_null(find(k2));
	assert_ptr_equal(find(k), &conns[0]);
}

/* Keys of one chain: found, and taken out from its head, middle, tail. */
static void
collisions_share_a_chain(void **state)
{
	struct tcp_key k[4];
	uint32_t i, n = 0, b = tcp_table_hash(&t, &(struct tcp_key){ 0 }) &
			       t.mask;

	(void)state;
	for (i = 0; n < 4 && i < 100000; i++) {
		struct tcp_key x = key(i);

		if ((tcp_table_hash(&t, &x) & t.mask) == b)
			k[n++] = x;
	}
	assert_int_equal(n, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(add(&conns[i], k[i]), 0);
	for (i = 0; i < 4; i++)
		assert_ptr_equal(find(k[i]), &conns[i]);
	tcp_table_del(&t, &conns[1]);	/* middle (added 2nd of 4) */
	assert_null(find(k[1]));
	tcp_table_del(&t, &conns[3]);	/* head: added last */
	assert_null(find(k[3]));
	tcp_table_del(&t, &conns[0]);	/* tail */
	assert_null(find(k[0]));
	assert_ptr_equal(find(k[2]), &conns[2]);
	assert_ptr_equal(t.b[b], &conns[2]);
	assert_null(conns[2].hnext);
	tcp_table_del(&t, &conns[2]);
	assert_null(t.b[b]);
	assert_int_equal(t.n, 0);
}

/* cap entries at most: the next add fails, a delete makes room. */
static void
full_refuses_then_takes_after_delete(void **state)
{
	uint32_t i;

	(void)state;
	for (i = 0; i < CAP; i++)
		assert_int_equal(add(&conns[i], key(i)), 0);
	assert_int_equal(add(&conns[CAP], key(CAP)), -ENOSPC);
	assert_null(find(key(CAP)));
	assert_null(conns[CAP].hpprev);
	tcp_table_del(&t, &conns[5]);
	assert_int_equal(add(&conns[CAP], key(CAP)), 0);
	assert_ptr_equal(find(key(CAP)), &conns[CAP]);
	assert_int_equal(t.n, CAP);
}

/* The newest entry of a key hides an older one until deleted (a new SYN
 * of a reset connection's 4-tuple while its socket is still open). */
static void
newest_of_a_key_first(void **state)
{
	(void)state;
	assert_int_equal(add(&conns[0], key(7)), 0);
	assert_int_equal(add(&conns[1], key(7)), 0);
	assert_ptr_equal(find(key(7)), &conns[1]);
	tcp_table_del(&t, &conns[1]);
	assert_ptr_equal(find(key(7)), &conns[0]);
}

/* The chain depends on the seed (Linux inet_ehash_secret): a peer that
 * does not know it cannot pick 4-tuples of one chain. */
static void
seed_moves_keys(void **state)
{
	struct tcp_table t2;
	uint32_t i, same = 0;

	(void)state;
	assert_int_equal(tcp_table_init(&t2, CAP, 0x5eed + 1), 0);
	for (i = 0; i < NC; i++) {
		struct tcp_key k = key(i);

		same += tcp_table_hash(&t, &k) == tcp_table_hash(&t2, &k);
	}
	tcp_table_fini(&t2);
	assert_true(same < 4);
}

static void
bad_capacity(void **state)
{
	struct tcp_table t2;

	(void)state;
	assert_int_equal(tcp_table_init(&t2, 0, 1), -EINVAL);
	assert_int_equal(tcp_table_init(&t2, UINT32_MAX, 1), -EINVAL);
	assert_int_equal(tcp_table_init(&t2, 1000, 1), 0);
	assert_int_equal(t2.mask, 1023);
	tcp_table_fini(&t2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(add_lookup_del, setup, teardown),
		cmocka_unit_test_setup_teardown(whole_tuple_compared, setup,
						teardown),
		cmocka_unit_test_setup_teardown(collisions_share_a_chain, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			full_refuses_then_takes_after_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(newest_of_a_key_first, setup,
						teardown),
		cmocka_unit_test_setup_teardown(seed_moves_keys, setup,
						teardown),
		cmocka_unit_test_setup_teardown(bad_capacity, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
