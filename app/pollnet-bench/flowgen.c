/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flowgen: --flows UDP or TCP flows. Flow i differs from the template in
 * its source port (1024 + i % 32768) and, past 32768 flows, its source
 * address (within the source's /15); checksums are patched incrementally
 * (RFC 1624) instead of recomputed.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "bench.h"
#include "cksum.h"

#define FLOW_SPORT_BASE 1024
#define FLOW_PER_ADDR   32768

/* Offsets in the frame (no VLAN, no IP options: the template's layout). */
#define OFF_IP      RTE_ETHER_HDR_LEN
#define OFF_IP_CK   (OFF_IP + offsetof(struct rte_ipv4_hdr, hdr_checksum))
#define OFF_IP_SRC  (OFF_IP + offsetof(struct rte_ipv4_hdr, src_addr))
#define OFF_L4      (OFF_IP + sizeof(struct rte_ipv4_hdr))
#define OFF_UDP_CK  (OFF_L4 + offsetof(struct rte_udp_hdr, dgram_cksum))
#define OFF_TCP_CK  (OFF_L4 + offsetof(struct rte_tcp_hdr, cksum))

static inline uint16_t
get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Store @p v at @p p and fold the change into the checksums at @p ck. */
static inline void
patch16(uint8_t *f, size_t off, uint16_t v, const size_t *ck, int nck)
{
	uint16_t old = get16(f + off);
	int i;

	for (i = 0; i < nck; i++) {
		uint16_t c = pn_cksum_replace16(get16(f + ck[i]), old, v);

		memcpy(f + ck[i], &c, sizeof(c));
	}
	memcpy(f + off, &v, sizeof(v));
}

static void
flowgen_gen(struct bench_gen *g, struct rte_mbuf **pkts, uint16_t n)
{
	const struct bench_conf *c = &g->w->ctx->conf;
	bool udp = c->flow_proto == IPPROTO_UDP;
	/* The source address is in the IPv4 header and the pseudo-header. */
	const size_t ck_addr[2] = { OFF_IP_CK, udp ? OFF_UDP_CK : OFF_TCP_CK };
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
		uint32_t flow = g->next_flow;
		uint32_t addr = (c->ip_src & 0xfffe0000u) |
			((c->ip_src + flow / FLOW_PER_ADDR) & 0x1ffffu);

		rte_memcpy(f, g->tmpl, g->len);
		m->data_len = g->len;
		m->pkt_len = g->len;
		patch16(f, OFF_IP_SRC, rte_cpu_to_be_16(addr >> 16), ck_addr, 2);
		patch16(f, OFF_IP_SRC + 2, rte_cpu_to_be_16(addr & 0xffff), ck_addr, 2);
		patch16(f, OFF_L4, rte_cpu_to_be_16(FLOW_SPORT_BASE + flow % FLOW_PER_ADDR),
			ck_addr + 1, 1);
		if (udp && get16(f + OFF_UDP_CK) == 0)
			memset(f + OFF_UDP_CK, 0xff, 2); /* RFC 768: 0 is "none" */
		g->next_flow = flow + 1 == c->flows ? 0 : flow + 1;
	}
}

const struct bench_engine bench_engine_flowgen = {
	.name = "flowgen",
	.lcore_setup = bench_gen_setup,
	.rx = bench_rx_count_free,
	.gen = flowgen_gen,
};
