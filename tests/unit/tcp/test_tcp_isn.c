/* SPDX-License-Identifier: BSD-3-Clause */
/* ISN (RFC 6528) and SYN cookies over a bare pn_tcp and a manual clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tcp_priv.h"

static struct pn_lcore lc;
static struct pn_tcp tcp;
static const struct tcp_key K = { .lip = 1, .rip = 2, .lport = 80, .rport = 1234 };

static int
setup(void **state)
{
	(void)state;
	memset(&lc, 0, sizeof(lc));
	memset(&tcp, 0, sizeof(tcp));
	tcp.lc = &lc;
	memset(tcp.secret, 7, sizeof(tcp.secret));
	pn_tcp_conf_default(&tcp.conf);
	lc.now = 1000 * PN_NS_PER_S;
	return 0;
}

static void
same_tuple_same_time_same_isn(void **state)
{
	(void)state;
	assert_int_equal(tcp_isn(&tcp, &K), tcp_isn(&tcp, &K));
}

static void
differs_by_tuple(void **state)
{
	struct tcp_key k2 = K;

	(void)state;
	k2.rport++;
	assert_int_not_equal(tcp_isn(&tcp, &K), tcp_isn(&tcp, &k2));
}

static void
advances_with_4us_clock(void **state)
{
	uint32_t a = tcp_isn(&tcp, &K);

	(void)state;
	lc.now += 4000;
	assert_int_equal(tcp_isn(&tcp, &K) - a, 1);
	lc.now += 4000000;
	assert_int_equal(tcp_isn(&tcp, &K) - a, 1001);
}

static void
differs_by_secret(void **state)
{
	uint32_t a = tcp_isn(&tcp, &K);

	(void)state;
	tcp.secret[0] ^= 1;
	assert_int_not_equal(tcp_isn(&tcp, &K), a);
}

/* The timestamp offset comes with the ISN: fixed per tuple (TSval only
 * grows for a tuple), apart from the ISN, different for another tuple. */
static void
ts_offset_per_tuple(void **state)
{
	struct tcp_key k2 = K;
	uint32_t a, b, c;

	(void)state;
	k2.rport++;
	assert_int_equal(tcp_isn_ts(&tcp, &K, &a), tcp_isn(&tcp, &K));
	lc.now += 4000000;
	tcp_isn_ts(&tcp, &K, &b);
	tcp_isn_ts(&tcp, &k2, &c);
	assert_int_equal(a, b);
	assert_int_not_equal(a, c);
	assert_int_not_equal(a, tcp_isn(&tcp, &K) - (uint32_t)(lc.now / 4000));
}

/*
 * F is SipHash-2-4 over the 12 bytes of the tuple as they lie in the key
 * (Linux secure_tcp_seq: siphash_3u32 of saddr, daddr and the ports):
 * with the reference key 00..0f and the message 00..0b it is the
 * reference test vector for 12 bytes, fb e5 0e 86 bc 8f 1e 75 (SipHash
 * reference implementation, vectors.h), its low half in the ISN, its
 * high half the timestamp offset.
 */
static void
isn_is_siphash_of_tuple(void **state)
{
	static const uint8_t msg[12] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	static const uint8_t msg16[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
					   11, 12, 13, 14, 15 };
	const uint64_t h = 0x751e8fbc860ee5fbull;
	struct tcp_key k;
	uint32_t ts, extra;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(tcp.secret); i++)
		tcp.secret[i] = (uint8_t)i;
	memcpy(&k.lip, msg, 4);
	memcpy(&k.rip, msg + 4, 4);
	memcpy(&k.lport, msg + 8, 2);
	memcpy(&k.rport, msg + 10, 2);
	assert_int_equal(tcp_isn_ts(&tcp, &k, &ts),
			 (uint32_t)(lc.now / 4000) + (uint32_t)h);
	assert_int_equal(ts, (uint32_t)(h >> 32));
	/* the SYN cookies' 16 bytes (the tuple and a word): vector 16,
	 * db 9b c2 57 7f cc 2a 3f, its low half */
	memcpy(&extra, msg16 + 12, 4);
	assert_int_equal(tcp_hash32(&tcp, &k, extra), 0x57c29bdbu);
}

static void
cookie_roundtrip(void **state)
{
	uint16_t mss;
	uint32_t c;

	(void)state;
	c = tcp_cookie_make(&tcp, &K, 555, 1460, &mss);
	assert_int_equal(mss, 1460);
	assert_int_equal(tcp_cookie_check(&tcp, &K, 555, c), 1460);
	assert_int_equal(tcp_cookie_check(&tcp, &K, 556, c), 0);
	assert_int_equal(tcp_cookie_check(&tcp, &K, 555, c ^ 1), 0);
}

static void
cookie_mss_rounded_down(void **state)
{
	uint16_t mss;
	uint32_t c;

	(void)state;
	c = tcp_cookie_make(&tcp, &K, 1, 1399, &mss);
	assert_int_equal(mss, 1360);
	assert_int_equal(tcp_cookie_check(&tcp, &K, 1, c), 1360);
	tcp_cookie_make(&tcp, &K, 1, 100, &mss);
	assert_int_equal(mss, 536);
}

static void
cookie_ages_out(void **state)
{
	uint16_t mss;
	uint32_t c = tcp_cookie_make(&tcp, &K, 9, 1460, &mss);

	(void)state;
	lc.now += 128 * PN_NS_PER_S;
	assert_int_equal(tcp_cookie_check(&tcp, &K, 9, c), 1460);
	lc.now += 64 * PN_NS_PER_S;
	assert_int_equal(tcp_cookie_check(&tcp, &K, 9, c), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(same_tuple_same_time_same_isn, setup),
		cmocka_unit_test_setup(differs_by_tuple, setup),
		cmocka_unit_test_setup(advances_with_4us_clock, setup),
		cmocka_unit_test_setup(differs_by_secret, setup),
		cmocka_unit_test_setup(ts_offset_per_tuple, setup),
		cmocka_unit_test_setup(isn_is_siphash_of_tuple, setup),
		cmocka_unit_test_setup(cookie_roundtrip, setup),
		cmocka_unit_test_setup(cookie_mss_rounded_down, setup),
		cmocka_unit_test_setup(cookie_ages_out, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
