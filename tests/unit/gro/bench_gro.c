/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A microbenchmark, not a test: lib/gro against DPDK's rte_gro in
 * lightweight mode (rte_gro_reassemble_burst) on the same burst of 32
 * in-order 1448-byte TCP segments spread round robin over 1, 4 or 32
 * flows. Only the GRO calls are timed (rdtsc around them); the mbufs are
 * restored between iterations outside the timed region. No EAL: the
 * mbufs are static, so it runs under valgrind --tool=callgrind as is.
 *
 *   bench-gro [IMPL FLOWS ITERS]
 *     IMPL: pn (checksums flagged good, as rte_gro assumes), pn-sw
 *           (checksums verified in software), rte; FLOWS: 1, 4, 32.
 *   Without arguments: every combination, 200000 iterations.
 * See docs/benchmarks.md for the callgrind runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_gro.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "gro.h"
#include "ipv4.h"
#include "pkt_build.h"

#define BURST 32
#define MSS 1448
#define HDRS (14 + 20 + 32)
#define FRAME (HDRS + MSS)
#define BUF 2048

static struct rte_mbuf mb[BURST];
static uint8_t buf[BURST][BUF] __rte_aligned(64);
static uint8_t tmpl[BURST][FRAME];
static struct rte_mbuf *pkts[BURST], *out[2 * BURST];

/* Segment @p i of the burst: flow i % flows, its (i / flows)th segment. */
static void
build(unsigned int flows)
{
	unsigned int i, j;

	for (i = 0; i < BURST; i++) {
		uint8_t *f = tmpl[i], *ip = f + 14, *th = ip + 20;
		unsigned int fl = i % flows, k = i / flows;
		uint32_t seq = 1000 + k * MSS;

		memset(f, 0, HDRS);
		f[0] = 2;
		f[5] = 2;
		f[6] = 2;
		f[11] = 1;
		pkt_put16(f + 12, RTE_ETHER_TYPE_IPV4);
		ip[0] = 0x45;
		pkt_put16(ip + 2, 20 + 32 + MSS);
		pkt_put16(ip + 4, (uint16_t)(100 + k));
		pkt_put16(ip + 6, 0x4000);
		ip[8] = 64;
		ip[9] = 6;
		pkt_put32(ip + 12, 0xc6120001);
		pkt_put32(ip + 16, 0xc6120002);
		pkt_put16(ip + 10, pn_cksum(ip, 20));
		pkt_put16(th, (uint16_t)(40000 + fl));
		pkt_put16(th + 2, 5001);
		pkt_put32(th + 4, seq);
		pkt_put32(th + 8, 777);
		th[12] = 8 << 4;
		th[13] = RTE_TCP_ACK_FLAG;
		pkt_put16(th + 14, 502);
		th[20] = 1;
		th[21] = 1;
		th[22] = 8;
		th[23] = 10;
		pkt_put32(th + 24, 5000);
		pkt_put32(th + 28, 4000);
		for (j = 0; j < MSS; j++)
			th[32 + j] = (uint8_t)(seq + j);
		pkt_put16(th + 16, pn_ipv4_l4_cksum(0xc6120001, 0xc6120002, 6, th,
						32 + MSS));
	}
}

/* Fresh mbufs holding the template (payload written once, headers each
 * time: GRO only rewrites headers). */
static void
reset(bool full, bool good, bool rte)
{
	unsigned int i;

	for (i = 0; i < BURST; i++) {
		struct rte_mbuf *m = &mb[i];

		memset(m, 0, sizeof(*m));
		m->buf_addr = buf[i];
		m->buf_len = BUF;
		m->data_off = RTE_PKTMBUF_HEADROOM;
		rte_mbuf_refcnt_set(m, 1);
		m->nb_segs = 1;
		m->data_len = FRAME;
		m->pkt_len = FRAME;
		memcpy(buf[i] + RTE_PKTMBUF_HEADROOM, tmpl[i],
		       full ? FRAME : HDRS);
		if (good)
			m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD |
				      RTE_MBUF_F_RX_L4_CKSUM_GOOD;
		if (rte) {
			/* rte_gro's input contract: ptype and lengths set */
			m->packet_type = RTE_PTYPE_L2_ETHER |
					 RTE_PTYPE_L3_IPV4 | RTE_PTYPE_L4_TCP;
			m->l2_len = 14;
			m->l3_len = 20;
			m->l4_len = 32;
		}
		pkts[i] = m;
	}
}

static double
tsc_hz(void)
{
	struct timespec a, b, d = { 0, 100000000 };
	uint64_t t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &a);
	t0 = rte_rdtsc();
	nanosleep(&d, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	t1 = rte_rdtsc();
	return (double)(t1 - t0) /
	       ((double)(b.tv_sec - a.tv_sec) +
		(double)(b.tv_nsec - a.tv_nsec) / 1e9);
}

static void
run(const char *impl, unsigned int flows, unsigned long iters, double hz)
{
	bool rte = strcmp(impl, "rte") == 0, good = strcmp(impl, "pn-sw") != 0;
	struct rte_gro_param rp = {
		.gro_types = RTE_GRO_TCP_IPV4,
		.max_flow_num = BURST,
		.max_item_per_flow = BURST,
	};
	struct pn_gro_conf c;
	struct pn_gro g;
	uint64_t cyc = 0, nout = 0, t;
	unsigned long it;
	uint16_t k;

	pn_gro_conf_default(&c);
	pn_gro_init(&g, &c);
	build(flows);
	reset(true, good, rte);
	for (it = 0; it < iters; it++) {
		reset(false, good, rte);
		t = rte_rdtsc();
		if (rte) {
			k = rte_gro_reassemble_burst(pkts, BURST, &rp);
		} else {
			k = pn_gro_receive(&g, pkts, BURST, out);
			k = (uint16_t)(k + pn_gro_flush(&g, out + k,
							PN_GRO_MAX_FLOWS));
		}
		cyc += rte_rdtsc() - t;
		nout += k;
	}
	printf("%-6s flows %2u: %7.2f ns/pkt %7.1f cycles/pkt, %5.2f packets out per burst of %u\n",
	       impl, flows, (double)cyc / hz * 1e9 / ((double)iters * BURST),
	       (double)cyc / ((double)iters * BURST), (double)nout / (double)iters,
	       BURST);
}

int
main(int argc, char **argv)
{
	static const char *const impls[] = { "pn", "pn-sw", "rte" };
	static const unsigned int flows[] = { 1, 4, 32 };
	double hz = tsc_hz();
	unsigned int i, j;

	if (argc == 4) {
		run(argv[1], (unsigned int)atoi(argv[2]),
		    strtoul(argv[3], NULL, 10), hz);
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: %s [pn|pn-sw|rte 1|4|32 ITERS]\n", argv[0]);
		return 1;
	}
	for (j = 0; j < RTE_DIM(flows); j++)
		for (i = 0; i < RTE_DIM(impls); i++)
			run(impls[i], flows[j], 200000, hz);
	return 0;
}
