/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for lib/wire: raw frames go through Ethernet, then ARP
 * or IPv4, then ICMP, the way the input path will call them. Checksums
 * are tried both as received and fixed up, so the fuzzer gets past them.
 * Every parsed result is checked against invariants and rebuilt; a
 * broken invariant aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp.h"
#include "cksum.h"
#include "fuzz_util.h"
#include "ether.h"
#include "icmp.h"
#include "ipopt.h"
#include "ipv4.h"

#define CHECK(x) FZ_CHECK(x, (void)0)

/* Room for any IPv4 datagram; the fuzzer runs one input at a time. */
static uint8_t scratch[65536];

/* An exact-size copy, so ASan sees a read past @p len. */
static uint8_t *
dup_exact(const uint8_t *p, uint32_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	CHECK(d != NULL);
	if (len)
		memcpy(d, p, len);
	return d;
}

/* Reference RFC 1071 sum, to check pn_cksum differentially. */
static uint16_t
ref_cksum(const uint8_t *p, uint32_t len)
{
	uint32_t sum = 0, i;

	for (i = 0; i < len; i++)
		sum += (i % 2) ? p[i] : (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
fuzz_arp(const uint8_t *p, uint32_t len)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 9 };
	uint8_t out[PN_ARP_LEN];
	struct pn_arp a, r;

	if (pn_arp_parse(p, len, &a))
		return;
	CHECK(len >= PN_ARP_LEN);
	CHECK(pn_arp_build(out, sizeof(out), &a) == PN_ARP_LEN);
	CHECK(memcmp(out, p, PN_ARP_LEN) == 0);
	if (a.op != PN_ARP_OP_REQUEST)
		return;
	CHECK(pn_arp_build_reply(out, sizeof(out), &a, mac) == PN_ARP_LEN);
	CHECK(pn_arp_parse(out, sizeof(out), &r) == 0);
	CHECK(r.op == PN_ARP_OP_REPLY && r.spa == a.tpa && r.tpa == a.spa);
	CHECK(memcmp(r.tha, a.sha, 6) == 0 && memcmp(r.sha, mac, 6) == 0);
}

static void
fuzz_icmp_one(const uint8_t *p, uint32_t len)
{
	uint8_t *out = scratch;
	struct pn_icmp_hdr h, r;
	int n;

	if (pn_icmp_parse(p, len, &h))
		return;
	CHECK(len >= PN_ICMP_HDR_LEN && h.data_len == len - PN_ICMP_HDR_LEN);
	CHECK(h.data == p + PN_ICMP_HDR_LEN);
	if (h.type == PN_ICMP_DEST_UNREACH) {
		CHECK(h.quote.hdr_len >= PN_IPV4_HDR_MIN_LEN);
		CHECK(h.quote.l4 + PN_ICMP_QUOTE_L4_LEN <= p + len);
	}
	if (h.type != PN_ICMP_ECHO_REQUEST)
		return;
	n = pn_icmp_build_echo_reply(out, sizeof(scratch), &h);
	CHECK(n == (int)len);
	CHECK(pn_icmp_parse(out, len, &r) == 0);
	CHECK(r.type == PN_ICMP_ECHO_REPLY && r.id == h.id && r.seq == h.seq);
	CHECK(memcmp(r.data, h.data, h.data_len) == 0);
}

/* As received, then with the checksum fixed so the parser goes deeper. */
static void
fuzz_icmp(const uint8_t *p, uint32_t len)
{
	uint8_t *d = dup_exact(p, len);
	uint16_t c;

	fuzz_icmp_one(d, len);
	if (len >= PN_ICMP_HDR_LEN) {
		d[2] = d[3] = 0;
		c = pn_cksum(d, len);
		d[2] = (uint8_t)(c >> 8);
		d[3] = (uint8_t)c;
		fuzz_icmp_one(d, len);
	}
	free(d);
}

/* Prespecified timestamps: the fuzzer's destination is ours. */
static bool
fuzz_is_local(uint32_t addr, void *arg)
{
	return addr == *(const uint32_t *)arg;
}

/* The echo (ip_options_echo) of options that parsed, or of those before
 * the culprit: it fits, the slots output fills lie inside it, and it
 * parses with the same offsets, its route not done; unless a TS
 * overflow count reached 15 or an odd length left an RR/TS pointer on
 * part of a slot, which the next receiver refuses, as Linux's. */
static void
fuzz_ipopt_echo(const struct pn_ipv4_hdr *h, const struct pn_ipopt_info *oi)
{
	struct pn_ipopt_rcv rcv = {
		.saddr = h->src, .daddr = h->dst, .ts_ms = 12345,
		.is_local = fuzz_is_local, .arg = (void *)(uintptr_t)&h->dst,
	};
	uint8_t b[PN_IPV4_OPTS_MAX_LEN + 8], u[PN_IPV4_OPTS_MAX_LEN];
	struct pn_ipopt_info ri;
	struct pn_ipopt_tx o;
	uint32_t i;

	if (pn_ipopt_echo(h->opts, h->opts_len, oi, &rcv, &o) < 0) {
		CHECK(o.len == 0);
		return;
	}
	if (o.len == 0)
		return;
	CHECK(o.len <= h->opts_len && o.len % 4 == 0);
	CHECK(pn_ipopt_undo(&o, u) == o.len);
	memset(b, 0xa5, sizeof(b));
	pn_ipopt_build(b, &o, h->src, h->dst, 0);
	for (i = o.len; i < sizeof(b); i++)
		CHECK(b[i] == 0xa5);
	if (o.ts && (b[o.ts - PN_IPV4_HDR_MIN_LEN + 3] >> 4) == 15)
		return;
	if (pn_ipopt_parse(b, o.len, &ri) < 0) {
		/* an odd length leaves the pointer on part of a slot after
		 * ours: Linux sends that too (no check beyond the slot) */
		CHECK(ri.bad == o.rr + 2 || ri.bad == o.ts + 2);
		return;
	}
	CHECK(ri.rr == o.rr && ri.ts == o.ts && ri.srr == o.srr);
	CHECK(ri.srr == 0 || !ri.srr_done);
	pn_ipopt_fragment(b, o.len);
}

/* IPv4 options: a parse names a byte inside them when it fails; what
 * compiles as a user's options fills only inside them; the echo holds
 * (fuzz_ipopt_echo). */
static void
fuzz_ipopt(const struct pn_ipv4_hdr *h)
{
	struct pn_ipopt_info oi;
	struct pn_ipopt_tx o;
	uint8_t b[PN_IPV4_OPTS_MAX_LEN], fill[PN_IPV4_OPTS_MAX_LEN + 8];
	uint32_t i;

	if (pn_ipopt_parse(h->opts, h->opts_len, &oi) < 0) {
		CHECK(oi.bad >= PN_IPV4_HDR_MIN_LEN &&
		      oi.bad < PN_IPV4_HDR_MIN_LEN + h->opts_len);
		fuzz_ipopt_echo(h, &oi);
		return;
	}
	CHECK(oi.srr == 0 || oi.srr < PN_IPV4_HDR_MIN_LEN + h->opts_len);
	if (pn_ipopt_compile(h->opts, h->opts_len, &o) == 0 && o.len > 0) {
		CHECK(o.len <= PN_IPV4_OPTS_MAX_LEN && o.len % 4 == 0);
		CHECK(pn_ipopt_undo(&o, b) == o.len);
		/* the slots filled on output lie inside the options (a
		 * user's odd pointer may leave them malformed on the wire:
		 * Linux sends those too, so no parse check here) */
		memset(fill, 0xa5, sizeof(fill));
		pn_ipopt_build(fill, &o, h->dst, h->src, 12345);
		for (i = o.len; i < sizeof(fill); i++)
			CHECK(fill[i] == 0xa5);
	}
	fuzz_ipopt_echo(h, &oi);
}

static void
fuzz_ipv4_hdr(const uint8_t *p, uint32_t len, unsigned int flags)
{
	uint8_t *out = scratch;
	struct pn_ipv4_hdr h, r;
	int n;

	if (pn_ipv4_parse(p, len, flags, &h))
		return;
	CHECK(h.hdr_len >= PN_IPV4_HDR_MIN_LEN && h.hdr_len <= 60);
	CHECK(h.hdr_len <= h.total_len && h.total_len <= len);
	CHECK(h.pad_len == len - h.total_len);
	CHECK(h.opts_len == h.hdr_len - PN_IPV4_HDR_MIN_LEN);
	CHECK(h.frag_off % 8 == 0);
	fuzz_ipopt(&h);

	/* Rebuild: the same fields come back. */
	n = pn_ipv4_build(out, sizeof(scratch), &h, 0);
	CHECK(n == h.hdr_len);
	memset(out + n, 0, h.total_len - h.hdr_len);
	CHECK(pn_ipv4_parse(out, h.total_len, 0, &r) == 0);
	CHECK(r.total_len == h.total_len && r.id == h.id && r.ttl == h.ttl);
	CHECK(r.proto == h.proto && r.src == h.src && r.dst == h.dst);
	CHECK(r.df == h.df && r.mf == h.mf && r.frag_off == h.frag_off);
	CHECK(memcmp(out + PN_IPV4_HDR_MIN_LEN, p + PN_IPV4_HDR_MIN_LEN,
		     h.opts_len) == 0);

	/* Answer it with a port unreachable; that must parse back. */
	n = pn_icmp_build_unreach(out, sizeof(scratch), PN_ICMP_UNREACH_PORT, 0,
				  p, len);
	CHECK(n >= PN_ICMP_HDR_LEN);
	if (h.total_len >= h.hdr_len + PN_ICMP_QUOTE_L4_LEN) {
		struct pn_icmp_hdr ih;

		CHECK(n == PN_ICMP_HDR_LEN + h.hdr_len + PN_ICMP_QUOTE_L4_LEN);
		CHECK(pn_icmp_parse(out, (uint32_t)n, &ih) == 0);
		CHECK(ih.quote.src == h.src && ih.quote.dst == h.dst);
	}
	(void)pn_icmp_error_allowed(&h, p + h.hdr_len,
				    h.total_len - h.hdr_len);

	if (h.proto == PN_IPV4_PROTO_ICMP)
		fuzz_icmp(p + h.hdr_len, h.total_len - h.hdr_len);
	else
		(void)pn_ipv4_l4_cksum(h.src, h.dst, h.proto, p + h.hdr_len,
				       (uint16_t)(h.total_len - h.hdr_len));
}

static void
fuzz_ipv4(const uint8_t *p, uint32_t len)
{
	uint8_t *d = dup_exact(p, len);

	fuzz_ipv4_hdr(d, len, 0);
	fuzz_ipv4_hdr(d, len, PN_IPV4_PARSE_CSUM_VERIFIED);
	free(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pn_ether_hdr eh;
	uint32_t len;

	if (size > 65535 + PN_ETHER_VLAN_HDR_LEN)
		return 0;
	len = (uint32_t)size;
	CHECK(pn_cksum(data, len) == ref_cksum(data, len));
	if (pn_ether_parse(data, len, &eh))
		return 0;
	CHECK(eh.hdr_len <= len);
	switch (eh.ethertype) {
	case PN_ETHER_TYPE_ARP:
		fuzz_arp(data + eh.hdr_len, len - eh.hdr_len);
		break;
	case PN_ETHER_TYPE_IPV4:
		fuzz_ipv4(data + eh.hdr_len, len - eh.hdr_len);
		break;
	default:
		break;
	}
	return 0;
}
