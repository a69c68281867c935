/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 options against Linux net/ipv4/ip_options.c: ip_options_compile
 * (received and user options), ip_options_get, ip_options_undo,
 * ip_options_echo (RR, TS, source route), ip_options_build,
 * ip_options_fragment.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ipopt.h"
#include "ipv4.h"
#include "pkt_build.h"

#define A1 PN_IPV4(198, 18, 1, 1)
#define A2 PN_IPV4(198, 18, 2, 2)
#define A3 PN_IPV4(198, 18, 3, 3)
#define SRC PN_IPV4(198, 18, 0, 1)
#define DST PN_IPV4(198, 18, 0, 2)

#define B4(a) (uint8_t)((a) >> 24), (uint8_t)((a) >> 16), \
	(uint8_t)((a) >> 8), (uint8_t)(a)

/* pn_ipopt_parse on an exact-size heap copy: under ASan (build-san) a
 * read past the options fails the test (fuzz-wire found one). */
static int
parse(const uint8_t *o, uint32_t len, struct pn_ipopt_info *i)
{
	uint8_t *p;
	int rc;

	if (len > PN_IPV4_OPTS_MAX_LEN)	/* refused before a byte is read */
		return pn_ipopt_parse(o, len, i);
	p = pkt_dup(o, len);
	assert_non_null(p);
	rc = pn_ipopt_parse(p, len, i);
	free(p);
	return rc;
}

/* --- received options (ip_options_compile with a packet) --- */

static void
parse_empty_nop_end(void **state)
{
	static const uint8_t o[] = { 1, 1, 0, 0x55 };	/* junk after END */
	struct pn_ipopt_info i;

	(void)state;
	assert_int_equal(parse(o, 0, &i), 0);
	assert_int_equal(i.srr, 0);
	assert_int_equal(parse(o, sizeof(o), &i), 0);
	assert_int_equal(i.srr + i.rr + i.ts, 0);
}

static void
parse_lsrr_pending_and_done(void **state)
{
	uint8_t o[] = { 1, 131, 11, 4, B4(A1), B4(A2) };
	struct pn_ipopt_info i;

	(void)state;
	assert_int_equal(parse(o, sizeof(o), &i), 0);
	assert_int_equal(i.srr, 21);	/* Linux: offset from the IP header */
	assert_false(i.strict);
	assert_false(i.srr_done);
	o[3] = 8;
	assert_int_equal(parse(o, sizeof(o), &i), 0);
	assert_false(i.srr_done);
	o[3] = 12;	/* past the last address: completed */
	assert_int_equal(parse(o, sizeof(o), &i), 0);
	assert_true(i.srr_done);
	o[1] = 137;
	assert_int_equal(parse(o, sizeof(o), &i), 0);
	assert_true(i.strict);
}

static void
parse_rr_ts(void **state)
{
	static const uint8_t o[] = { 7, 7, 4, 0, 0, 0, 0, 1,
				     68, 12, 5, 0x10, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct pn_ipopt_info i;

	(void)state;
	assert_int_equal(parse(o, sizeof(o), &i), 0);
	assert_int_equal(i.rr, 20);
	assert_int_equal(i.ts, 28);
}

/* Malformed: -EBADMSG and the culprit byte (ICMP parameter problem
 * pointer, Linux pp_ptr), each as ip_options_compile finds it. */
static void
parse_malformed(void **state)
{
	static const struct {
		uint8_t o[12];
		uint8_t len;
		uint8_t bad;
	} c[] = {
		{ { 131 }, 1, 20 },			/* no length byte */
		{ { 131, 1 }, 2, 20 },			/* length < 2 */
		{ { 131, 12, 4, 0 }, 4, 20 },		/* length past the end */
		{ { 131, 2, 0, 0 }, 4, 21 },		/* SRR length < 3 */
		{ { 131, 7, 3, 0, 0, 0, 0 }, 7, 22 },	/* SRR pointer < 4 */
		{ { 131, 3, 4, 137, 3, 4 }, 6, 23 },	/* two source routes */
		{ { 7, 7, 3, 0, 0, 0, 0 }, 7, 22 },	/* RR pointer < 4 */
		{ { 7, 6, 4, 0, 0, 0 }, 6, 22 },	/* RR slot cut */
		{ { 7, 3, 4, 7, 3, 4 }, 6, 23 },	/* two RR */
		{ { 68, 3, 5 }, 3, 21 },		/* TS length < 4 */
		{ { 1, 68, 2 }, 3, 22 },		/* TS length 2, last */
		{ { 68, 8, 4, 0, 0, 0, 0, 0 }, 8, 22 },	/* TS pointer < 5 */
		{ { 68, 8, 9, 0xf0, 0, 0, 0, 0 }, 8, 23 }, /* overflow full */
		{ { 68, 8, 5, 1, 0, 0, 0, 0 }, 8, 22 },	/* TS+addr cut */
		{ { 148, 2 }, 2, 21 },			/* router alert < 4 */
	};
	struct pn_ipopt_info i;
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		assert_int_equal(parse(c[k].o, c[k].len, &i), -EBADMSG);
		if (i.bad != c[k].bad)
			fail_msg("case %zu: bad byte %u, expected %u", k, i.bad,
				 c[k].bad);
	}
	assert_int_equal(parse(c[0].o, 44, &i), -EINVAL);
}

/* Received options Linux carries without interpreting them. */
static void
parse_unknown_accepted(void **state)
{
	static const uint8_t o[] = { 130, 4, 0, 0 };	/* security */
	struct pn_ipopt_info i;

	(void)state;
	assert_int_equal(parse(o, sizeof(o), &i), 0);
}

/* CIPSO (134): Linux ip_options_compile -> cipso_v4_validate refuses it
 * unless NetLabel knows its DOI; none is configured (a Linux host's
 * default, and we have no NetLabel): the parameter problem points at
 * the DOI, or at the length when the option is shorter than 8. */
static void
parse_cipso_refused(void **state)
{
	static const uint8_t o[] = { 1, 134, 10, 0, 0, 0, 3, 1, 4, 0, 0, 0 };
	static const uint8_t s8[] = { 134, 6, 0, 0, 0, 3, 0, 0 };
	struct pn_ipopt_info i;

	(void)state;
	assert_int_equal(parse(o, sizeof(o), &i), -EBADMSG);
	assert_int_equal(i.bad, 20 + 1 + 2);
	assert_int_equal(parse(s8, sizeof(s8), &i), -EBADMSG);
	assert_int_equal(i.bad, 20 + 1);
}

/* --- IP_OPTIONS (ip_options_get) --- */

static void
compile_lsrr_takes_first_hop(void **state)
{
	static const uint8_t u[] = { 131, 11, 4, B4(A1), B4(A2) };
	uint8_t back[40], wire[40];
	struct pn_ipopt_tx o;

	(void)state;
	assert_int_equal(pn_ipopt_compile(u, sizeof(u), &o), 0);
	assert_int_equal(o.len, 12);	/* padded with END */
	assert_int_equal(o.srr, 20);
	assert_int_equal(o.faddr, A1);
	/* on the wire: A2, then the final destination, pointer 4 */
	pn_ipopt_build(wire, &o, DST, 0, 0);
	{
		static const uint8_t w[] = { 131, 11, 4, B4(A2), B4(DST), 0 };

		assert_memory_equal(wire, w, sizeof(w));
	}
	/* getsockopt gives the bytes back (ip_options_undo) */
	assert_int_equal(pn_ipopt_undo(&o, back), 12);
	assert_memory_equal(back, u, sizeof(u));
	assert_int_equal(back[11], 0);
}

static void
compile_one_hop_and_nops(void **state)
{
	static const uint8_t u[] = { 1, 137, 7, 4, B4(A1), 0, 9 };
	static const uint8_t w[] = { 1, 137, 7, 4, B4(DST), 0, 0 };
	uint8_t wire[40];
	struct pn_ipopt_tx o;

	(void)state;
	assert_int_equal(pn_ipopt_compile(u, sizeof(u), &o), 0);
	assert_int_equal(o.srr, 21);
	assert_int_equal(o.faddr, A1);
	pn_ipopt_build(wire, &o, DST, 0, 0);
	/* Linux fills what follows END with END */
	assert_memory_equal(wire, w, sizeof(w));
}

static void
compile_empty_clears(void **state)
{
	struct pn_ipopt_tx o;

	(void)state;
	memset(&o, 0xff, sizeof(o));
	assert_int_equal(pn_ipopt_compile(NULL, 0, &o), 0);
	assert_int_equal(o.len, 0);
	assert_int_equal(o.srr, 0);
}

/* EINVAL as Linux (without CAP_NET_RAW) refuses them. */
static void
compile_refused(void **state)
{
	static const struct {
		uint8_t u[44];
		uint8_t len;
	} c[] = {
		{ { 131, 11, 8, 0 }, 11 },	/* pointer not at the start */
		{ { 131, 3, 4 }, 3 },		/* no address */
		{ { 131, 9, 4 }, 9 },		/* not whole addresses */
		{ { 130, 4, 0, 0 }, 4 },	/* security: CAP_NET_RAW */
		{ { 134, 8, 0, 0, 0, 3, 0, 0 }, 8 }, /* CIPSO: CAP_NET_RAW */
		{ { 68, 8, 5, 2, 0, 0, 0, 0 }, 8 }, /* TS flag 2 */
		{ { 7, 2 }, 2 },		/* RR length < 3 */
		{ { 1 }, 41 },			/* over 40 bytes */
	};
	struct pn_ipopt_tx o;
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(c) / sizeof(c[0]); k++)
		if (pn_ipopt_compile(c[k].u, c[k].len, &o) != -EINVAL)
			fail_msg("case %zu accepted", k);
	assert_int_equal(o.len, 0);
}

/* RR: Linux ip_options_compile moves the pointer past the next slot,
 * ip_options_build writes our address there, ip_options_undo gives
 * the user's bytes back with that slot zeroed. */
static void
compile_rr_records_us(void **state)
{
	static const uint8_t u[] = { 7, 11, 4, 9, 9, 9, 9, 0, 0, 0, 0 };
	static const uint8_t w[] = { 7, 11, 8, B4(SRC), 0, 0, 0, 0, 0 };
	static const uint8_t b[] = { 7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t full[] = { 7, 7, 8, B4(A1) };
	uint8_t wire[40], back[40];
	struct pn_ipopt_tx o;

	(void)state;
	assert_int_equal(pn_ipopt_compile(u, sizeof(u), &o), 0);
	assert_int_equal(o.len, 12);
	assert_int_equal(o.rr, 20);
	assert_true(o.rr_needaddr);
	pn_ipopt_build(wire, &o, DST, SRC, 0);
	assert_memory_equal(wire, w, sizeof(w));
	assert_int_equal(pn_ipopt_undo(&o, back), 12);
	assert_memory_equal(back, b, sizeof(b));
	/* no slot left: sent as given */
	assert_int_equal(pn_ipopt_compile(full, sizeof(full), &o), 0);
	assert_false(o.rr_needaddr);
	pn_ipopt_build(wire, &o, DST, SRC, 0);
	assert_memory_equal(wire, full, sizeof(full));
	assert_int_equal(pn_ipopt_undo(&o, back), 8);
	assert_memory_equal(back, full, sizeof(full));
}

static bool
is_a1(uint32_t addr, void *arg)
{
	(void)arg;
	return addr == A1;
}

/* TS, each flag a user may set (Linux ip_options_compile/build/undo):
 * 0 the time, 1 our address and the time, 3 the time only when the
 * prespecified address is ours. */
static void
compile_ts_flags(void **state)
{
	static const uint8_t t0[] = { 68, 12, 5, 0, 9, 9, 9, 9, 0, 0, 0, 0 };
	static const uint8_t w0[] = { 68, 12, 9, 0, B4(0x01020304), 0, 0, 0,
				      0 };
	static const uint8_t b0[] = { 68, 12, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t t1[] = { 68, 12, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t w1[] = { 68, 12, 13, 1, B4(SRC),
				      B4(0x01020304) };
	static const uint8_t t3[] = { 68, 12, 5, 3, B4(A1), 0, 0, 0, 0 };
	static const uint8_t w3[] = { 68, 12, 13, 3, B4(A1),
				      B4(0x01020304) };
	static const uint8_t b3[] = { 68, 12, 5, 3, B4(A1), 0, 0, 0, 0 };
	uint8_t wire[40], back[40];
	struct pn_ipopt_tx o;

	(void)state;
	assert_int_equal(pn_ipopt_compile(t0, sizeof(t0), &o), 0);
	assert_true(o.ts_needtime && !o.ts_needaddr);
	pn_ipopt_build(wire, &o, DST, SRC, 0x01020304);
	assert_memory_equal(wire, w0, sizeof(w0));
	pn_ipopt_undo(&o, back);
	assert_memory_equal(back, b0, sizeof(b0));

	assert_int_equal(pn_ipopt_compile(t1, sizeof(t1), &o), 0);
	assert_true(o.ts_needtime && o.ts_needaddr);
	pn_ipopt_build(wire, &o, DST, SRC, 0x01020304);
	assert_memory_equal(wire, w1, sizeof(w1));
	pn_ipopt_undo(&o, back);
	assert_memory_equal(back, t1, sizeof(t1));

	/* someone else's address: left alone */
	assert_int_equal(pn_ipopt_compile(t3, sizeof(t3), &o), 0);
	assert_false(o.ts_needtime || o.ts_needaddr);
	pn_ipopt_build(wire, &o, DST, SRC, 0x01020304);
	assert_memory_equal(wire, t3, sizeof(t3));
	/* ours: the time after it */
	assert_int_equal(pn_ipopt_compile_local(t3, sizeof(t3), is_a1, NULL,
						&o), 0);
	assert_true(o.ts_needtime && !o.ts_needaddr);
	pn_ipopt_build(wire, &o, DST, SRC, 0x01020304);
	assert_memory_equal(wire, w3, sizeof(w3));
	pn_ipopt_undo(&o, back);
	assert_memory_equal(back, b3, sizeof(b3));
}

/* --- the echo (ip_options_echo) --- */

#define T_RX 0x01020304u	/* ms since midnight: the datagram came */
#define T_TX 0x05060708u	/* ... the reply goes */

static bool
is_dst(uint32_t addr, void *arg)
{
	(void)arg;
	return addr == DST;
}

/* The datagram came from SRC to our DST. */
static const struct pn_ipopt_rcv rcv = {
	.saddr = SRC, .daddr = DST, .ts_ms = T_RX, .is_local = is_dst,
};

/* Echo @p r (parsed), check the bytes before output and on the wire
 * (sent from DST back to SRC at T_TX). */
static void
echo_check(const uint8_t *r, uint32_t len, const uint8_t *before,
	   const uint8_t *wire, uint32_t olen)
{
	struct pn_ipopt_info i;
	struct pn_ipopt_tx o;
	uint8_t b[40];

	assert_int_equal(parse(r, len, &i), 0);
	assert_int_equal(pn_ipopt_echo(r, len, &i, &rcv, &o), 0);
	assert_int_equal(o.len, olen);
	assert_memory_equal(o.data, before, olen);
	pn_ipopt_build(b, &o, SRC, DST, T_TX);
	assert_memory_equal(b, wire, olen);
}

static void
echo_refused(const uint8_t *r, uint32_t len)
{
	struct pn_ipopt_info i;
	struct pn_ipopt_tx o;

	assert_int_equal(parse(r, len, &i), 0);
	assert_int_equal(pn_ipopt_echo(r, len, &i, &rcv, &o), -EINVAL);
	assert_int_equal(o.len, 0);
}

/* ping -R: A1 recorded itself; we record DST on input (Linux
 * ip_options_compile with rt), the reply's slot gets our source on
 * output: the sender sees A1, DST, DST. */
static void
echo_rr_records_us_twice(void **state)
{
	static const uint8_t r[] = { 7, 15, 8, B4(A1), 0, 0, 0, 0, 0, 0, 0, 0,
				     0 };
	static const uint8_t b[] = { 7, 15, 16, B4(A1), B4(DST), 0, 0, 0, 0,
				     0 };
	static const uint8_t w[] = { 7, 15, 16, B4(A1), B4(DST), B4(DST), 0 };
	static const uint8_t u[] = { 7, 15, 12, B4(A1), B4(DST), 0, 0, 0, 0,
				     0 };
	struct pn_ipopt_info i;
	struct pn_ipopt_tx o;
	uint8_t back[40];

	(void)state;
	echo_check(r, sizeof(r), b, w, 16);
	/* getsockopt(IP_OPTIONS) of an accepted socket: ip_options_undo
	 * takes back only the slot output fills */
	assert_int_equal(parse(r, sizeof(r), &i), 0);
	assert_int_equal(pn_ipopt_echo(r, sizeof(r), &i, &rcv, &o), 0);
	assert_true(o.rr_needaddr);
	assert_int_equal(pn_ipopt_undo(&o, back), 16);
	assert_memory_equal(back, u, sizeof(u));
}

static void
echo_rr_full(void **state)
{
	/* our slot is the last one: nothing left for output */
	static const uint8_t last[] = { 7, 11, 8, B4(A1), 0, 0, 0, 0, 0 };
	static const uint8_t last_w[] = { 7, 11, 12, B4(A1), B4(DST), 0 };
	/* full on arrival: copied as it came */
	static const uint8_t full[] = { 7, 7, 8, B4(A1), 0 };
	/* a slot cut by the end after ours: Linux sends no reply */
	static const uint8_t cut[] = { 7, 13, 8, B4(A1), 0, 0, 0, 0, 0, 0,
				       0, 0, 0 };

	(void)state;
	echo_check(last, sizeof(last), last_w, last_w, 12);
	echo_check(full, sizeof(full), full, full, 8);
	echo_refused(cut, sizeof(cut));
}

static void
echo_ts_only(void **state)
{
	static const uint8_t r[] = { 68, 12, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t b[] = { 68, 12, 13, 0, B4(T_RX), 0, 0, 0, 0 };
	static const uint8_t w[] = { 68, 12, 13, 0, B4(T_RX), B4(T_TX) };
	/* our stamp fills it: the reply adds none */
	static const uint8_t one[] = { 68, 8, 5, 0, 0, 0, 0, 0 };
	static const uint8_t one_w[] = { 68, 8, 9, 0, B4(T_RX) };
	/* half a slot after ours */
	static const uint8_t cut[] = { 68, 10, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

	(void)state;
	echo_check(r, sizeof(r), b, w, 12);
	echo_check(one, sizeof(one), one_w, one_w, 8);
	echo_refused(cut, sizeof(cut));
}

static void
echo_ts_and_addr(void **state)
{
	static const uint8_t r[] = { 68, 20, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0,
				     0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t b[] = { 68, 20, 21, 1, B4(DST), B4(T_RX),
				     0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t w[] = { 68, 20, 21, 1, B4(DST), B4(T_RX),
				     B4(DST), B4(T_TX) };
	/* an address slot after ours but no time slot */
	static const uint8_t cut[] = { 68, 16, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0,
				       0, 0, 0, 0 };

	(void)state;
	echo_check(r, sizeof(r), b, w, 20);
	echo_refused(cut, sizeof(cut));
}

/* Flag 3: a slot is stamped only when its address is ours, on input
 * and for the reply (Linux inet_addr_type != RTN_UNICAST). */
static void
echo_ts_prespecified(void **state)
{
	static const uint8_t ours_then_not[] = { 68, 20, 5, 3, B4(DST), 0, 0,
						 0, 0, B4(A1), 0, 0, 0, 0 };
	static const uint8_t otn_w[] = { 68, 20, 13, 3, B4(DST), B4(T_RX),
					 B4(A1), 0, 0, 0, 0 };
	static const uint8_t ours_twice[] = { 68, 20, 5, 3, B4(DST), 0, 0, 0,
					      0, B4(DST), 0, 0, 0, 0 };
	static const uint8_t ot_b[] = { 68, 20, 21, 3, B4(DST), B4(T_RX),
					B4(DST), 0, 0, 0, 0 };
	static const uint8_t ot_w[] = { 68, 20, 21, 3, B4(DST), B4(T_RX),
					B4(DST), B4(T_TX) };
	static const uint8_t not_ours[] = { 68, 12, 5, 3, B4(A1), 0, 0, 0, 0 };

	(void)state;
	echo_check(ours_then_not, sizeof(ours_then_not), otn_w, otn_w, 20);
	echo_check(ours_twice, sizeof(ours_twice), ot_b, ot_w, 20);
	echo_check(not_ours, sizeof(not_ours), not_ours, not_ours, 12);
}

/* Full on arrival: we count an overflow (flags 0 and 1, not 3). */
static void
echo_ts_overflow(void **state)
{
	static const uint8_t r[] = { 68, 8, 9, 0x21, B4(A1) };
	static const uint8_t w[] = { 68, 8, 9, 0x31, B4(A1) };
	static const uint8_t pre[] = { 68, 12, 13, 0x23, B4(A1), B4(T_RX) };

	(void)state;
	echo_check(r, sizeof(r), w, w, 8);
	echo_check(pre, sizeof(pre), pre, pre, 12);
}

/* RR, TS, then the route, whatever order they came in; other options
 * are not echoed (Linux copies only those, and CIPSO). */
static void
echo_order_and_others(void **state)
{
	static const uint8_t r[] = { 131, 7, 8, B4(A1), 148, 4, 0, 0,
				     7, 7, 4, 0, 0, 0, 0, 1, 1 };
	static const uint8_t b[] = { 7, 7, 8, B4(DST), 131, 7, 4, 0, 0, 0,
				     0, 0, 0 };
	static const uint8_t w[] = { 7, 7, 8, B4(DST), 131, 7, 4, B4(SRC),
				     0, 0 };
	static const uint8_t ra[] = { 148, 4, 0, 0, 1, 1, 1, 1 };
	struct pn_ipopt_info i;
	struct pn_ipopt_tx o;

	(void)state;
	echo_check(r, sizeof(r), b, w, 16);
	assert_int_equal(parse(r, sizeof(r), &i), 0);
	assert_int_equal(pn_ipopt_echo(r, sizeof(r), &i, &rcv, &o), 0);
	assert_int_equal(o.rr, 20);
	assert_int_equal(o.srr, 27);
	assert_int_equal(o.faddr, A1);
	assert_int_equal(parse(ra, sizeof(ra), &i), 0);
	assert_int_equal(pn_ipopt_echo(ra, sizeof(ra), &i, &rcv, &o), 0);
	assert_int_equal(o.len, 0);
}

/* A parameter problem echoes the options before the culprit (Linux
 * icmp_send with the half compiled options). */
static void
echo_before_culprit(void **state)
{
	static const uint8_t r[] = { 7, 7, 4, 0, 0, 0, 0, 68, 3, 5, 0, 0 };
	static const uint8_t w[] = { 7, 7, 8, B4(DST), 0 };
	struct pn_ipopt_info i;
	struct pn_ipopt_tx o;

	(void)state;
	assert_int_equal(parse(r, sizeof(r), &i), -EBADMSG);
	assert_int_equal(i.rr, 20);
	assert_int_equal(i.ts, 0);
	assert_int_equal(pn_ipopt_echo(r, sizeof(r), &i, &rcv, &o), 0);
	assert_int_equal(o.len, 8);
	assert_memory_equal(o.data, w, sizeof(w));
}


static void
echo_reverses_route(void **state)
{
	/* S sent to A1 with [A2, DST]; A1 and A2 recorded themselves */
	static const uint8_t r[] = { 131, 11, 12, B4(A1), B4(A2), 0 };
	static const uint8_t w[] = { 131, 11, 4, B4(A1), B4(SRC), 0 };
	struct pn_ipopt_info i;
	struct pn_ipopt_tx o;
	uint8_t wire[40];

	(void)state;
	assert_int_equal(parse(r, sizeof(r), &i), 0);
	assert_int_equal(pn_ipopt_echo(r, sizeof(r), &i, &rcv, &o), 0);
	assert_int_equal(o.faddr, A2);	/* the hop nearest to us first */
	assert_int_equal(o.len, 12);
	pn_ipopt_build(wire, &o, SRC, 0, 0);
	assert_memory_equal(wire, w, sizeof(w));
}

static void
echo_three_hops_strict(void **state)
{
	static const uint8_t r[] = { 1, 137, 15, 16, B4(A1), B4(A2), B4(A3) };
	static const uint8_t w[] = { 137, 15, 4, B4(A2), B4(A1) };
	struct pn_ipopt_info i;
	struct pn_ipopt_tx o;

	(void)state;
	assert_int_equal(parse(r, sizeof(r), &i), 0);
	assert_int_equal(pn_ipopt_echo(r, sizeof(r), &i, &rcv, &o), 0);
	assert_int_equal(o.faddr, A3);
	/* the final slot (after A1) is for the destination */
	assert_memory_equal(o.data, w, sizeof(w));
	assert_int_equal(o.len, 16);
}

/* RFC 1812 5.2.4.1: a route listing its own source first loses it. */
static void
echo_drops_source_hop(void **state)
{
	static const uint8_t r[] = { 131, 11, 12, B4(SRC), B4(A2), 0 };
	static const uint8_t w[] = { 131, 7, 4, B4(SRC), 0 };
	struct pn_ipopt_info i;
	struct pn_ipopt_tx o;
	uint8_t wire[40];

	(void)state;
	assert_int_equal(parse(r, sizeof(r), &i), 0);
	assert_int_equal(pn_ipopt_echo(r, sizeof(r), &i, &rcv, &o), 0);
	assert_int_equal(o.faddr, A2);
	assert_int_equal(o.len, 8);
	pn_ipopt_build(wire, &o, SRC, 0, 0);
	assert_memory_equal(wire, w, sizeof(w));
}

static void
echo_nothing(void **state)
{
	/* a route whose only address is the source itself: nothing left */
	static const uint8_t self[] = { 131, 7, 8, B4(SRC), 0 };
	struct pn_ipopt_info i;
	struct pn_ipopt_tx o;

	(void)state;
	assert_int_equal(parse(self, sizeof(self), &i), 0);
	assert_int_equal(pn_ipopt_echo(self, sizeof(self), &i, &rcv, &o), 0);
	assert_int_equal(o.len, 0);
}

/* --- fragments (ip_options_fragment) --- */

static void
fragment_keeps_copied(void **state)
{
	uint8_t o[] = { 7, 7, 4, 0, 0, 0, 0, 131, 7, 4, B4(A1), 0, 0 };
	static const uint8_t w[] = { 1, 1, 1, 1, 1, 1, 1, 131, 7, 4, B4(A1),
				     0, 0 };

	(void)state;
	pn_ipopt_fragment(o, sizeof(o));
	assert_memory_equal(o, w, sizeof(w));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_empty_nop_end),
		cmocka_unit_test(parse_lsrr_pending_and_done),
		cmocka_unit_test(parse_rr_ts),
		cmocka_unit_test(parse_malformed),
		cmocka_unit_test(parse_unknown_accepted),
		cmocka_unit_test(parse_cipso_refused),
		cmocka_unit_test(compile_lsrr_takes_first_hop),
		cmocka_unit_test(compile_one_hop_and_nops),
		cmocka_unit_test(compile_empty_clears),
		cmocka_unit_test(compile_refused),
		cmocka_unit_test(compile_rr_records_us),
		cmocka_unit_test(compile_ts_flags),
		cmocka_unit_test(echo_reverses_route),
		cmocka_unit_test(echo_three_hops_strict),
		cmocka_unit_test(echo_drops_source_hop),
		cmocka_unit_test(echo_nothing),
		cmocka_unit_test(echo_rr_records_us_twice),
		cmocka_unit_test(echo_rr_full),
		cmocka_unit_test(echo_ts_only),
		cmocka_unit_test(echo_ts_and_addr),
		cmocka_unit_test(echo_ts_prespecified),
		cmocka_unit_test(echo_ts_overflow),
		cmocka_unit_test(echo_order_and_others),
		cmocka_unit_test(echo_before_culprit),
		cmocka_unit_test(fragment_keeps_copied),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
