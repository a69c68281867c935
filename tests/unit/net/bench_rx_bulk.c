/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Not a test: bulk TCP receive, deterministic, with GRO or without. One
 * established connection gets bursts of 32 in-order 1448-byte segments
 * whose checksums the device did not verify (sw: as the kernel's, through
 * the peer bridge) or flagged good (good), through lib/gro (receive +
 * flush) and pn_net_rx, or pn_net_rx alone; the data is read out between
 * bursts (not counted).
 * Prints TSC cycles per payload byte, over all bursts and in the median
 * burst (which preemption on a shared machine rarely hits); for exact
 * counts run it under
 * callgrind and divide the collected Ir by the bytes it prints:
 *
 *   valgrind --tool=callgrind --toggle-collect=pn_gro_receive \
 *     --toggle-collect=pn_gro_flush --toggle-collect=pn_net_rx \
 *     build/tests/bench-rx-bulk gro|nogro [ROUNDS] [sw|good]
 */
#include <errno.h>

#include <rte_cycles.h>

#include "gro.h"
#include "net_test.h"
#include "net_priv.h"
#include "tcp.h"

#define PORT 80
#define BURST 32
#define MSS 1448
#define MAX_ROUNDS 100000

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	bool gro = argc < 2 || strcmp(argv[1], "nogro") != 0;
	unsigned int rounds = argc > 2 ? (unsigned int)atoi(argv[2]) : 1000;
	bool good = argc > 3 && strcmp(argv[3], "good") == 0;
	struct rte_mbuf *m[BURST], *up[2 * BURST];
	static uint8_t buf[BURST * MSS];
	struct pn_tcp_conn *c;
	struct pn_tcp_listen *l;
	struct pn_gro_conf gc;
	struct pn_tcp_conf tc;
	struct pn_tcp *tcp;
	struct pn_gro g;
	static uint64_t burst[MAX_ROUNDS];
	uint64_t cycles = 0, bytes = 0, t0;
	uint32_t iss, seq = 1001;
	unsigned int r, k, n;

	if (rounds < 1 || rounds > MAX_ROUNDS || (argc > 1 && strcmp(argv[1], "gro") != 0 &&
			   strcmp(argv[1], "nogro") != 0) ||
	    (argc > 3 && !good && strcmp(argv[3], "sw") != 0)) {
		fprintf(stderr, "usage: %s [gro|nogro] [ROUNDS 1..%u] [sw|good]\n",
			argv[0], MAX_ROUNDS);
		return 2;
	}
	tw_setup(NULL);
	T->conf.nb_ports = 1;
	tw_start(1);
	pn_tcp_conf_default(&tc);
	pn_gro_conf_default(&gc);
	pn_gro_init(&g, &gc);
	if (pn_tcp_create(&tc, &T->lc[0], T->net[0], NULL, &tcp) < 0 ||
	    pn_tcp_listen(tcp, 0, PORT, 1, NULL, &l) < 0)
		return 1;
	m[0] = arp_request();
	tw_net_rx(m, 1);
	tw_clear(0);
	if (tw_tcp_handshake(1024, PORT, seq - 1, &iss) < 0 ||
	    pn_tcp_accept(l, NULL, &c) < 0)
		return 1;
	for (r = 0; r < rounds; r++) {
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };

		for (k = 0; k < BURST; k++, seq += MSS) {
			m[k] = tcp_frame(IP_US, 1024, PORT, seq, iss + 1,
					 F_ACK, MSS, false);
			m[k]->port = 0;
			if (good)
				m[k]->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD |
						  RTE_MBUF_F_RX_L4_CKSUM_GOOD;
		}
		T->lc[0].now = pn_clock_now(&T->clock);
		t0 = rte_rdtsc();
		if (gro) {
			n = pn_gro_receive(&g, m, BURST, up);
			pn_net_rx(&T->lc[0], up, (uint16_t)n, T->net[0]);
			n = pn_gro_flush(&g, up, RTE_DIM(up));
			pn_net_rx(&T->lc[0], up, (uint16_t)n, T->net[0]);
		} else {
			pn_net_rx(&T->lc[0], m, BURST, T->net[0]);
		}
		burst[r] = rte_rdtsc() - t0;
		cycles += burst[r];
		bytes += BURST * MSS;
		pn_tx_flush(&T->lc[0]);
		tw_clear(0);
		if (pn_tcp_recv(c, &iov, 1, 0) != (ssize_t)sizeof(buf))
			return 1;
	}
	qsort(burst, rounds, sizeof(burst[0]), cmp_u64);
	printf("%s %s bytes %" PRIu64 ": %.2f cycles/byte in GRO + pn_net_rx"
	       " (median burst %.3f)\n",
	       gro ? "gro" : "nogro", good ? "good" : "sw", bytes,
	       (double)cycles / (double)bytes,
	       (double)burst[rounds / 2] / (BURST * MSS));
	pn_tcp_listen_close(l);
	pn_tcp_free(tcp);
	pn_tx_flush(&T->lc[0]);
	tw_teardown(NULL);
	return 0;
}
