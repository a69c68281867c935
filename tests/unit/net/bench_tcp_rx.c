/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Not a test: the TCP receive path of tcp-rr, deterministic. N
 * established connections (handshakes from the peer) each get one 64-byte
 * request per round, delivered in bursts of 32 through pn_net_rx (no GRO,
 * no driver), in burst mode (bulk lookup, the default) or one tcp_rx per
 * packet; the data is read out between bursts. Prints TSC cycles per
 * segment of pn_net_rx; for exact counts run it under callgrind and take
 * pn_net_rx's inclusive Ir:
 *
 *   valgrind --tool=callgrind --toggle-collect=pn_net_rx \
 *     build/tests/bench-tcp-rx [burst|single] [CONNS] [ROUNDS]
 */
#include <errno.h>

#include <rte_cycles.h>

#include "net_test.h"
#include "net_priv.h"
#include "tcp.h"

#define PORT 80
#define BURST 32

int
main(int argc, char **argv)
{
	bool burst = argc < 2 || strcmp(argv[1], "single") != 0;
	unsigned int conns = argc > 2 ? (unsigned int)atoi(argv[2]) : 256;
	unsigned int rounds = argc > 3 ? (unsigned int)atoi(argv[3]) : 50;
	struct pn_tcp_conn **c;
	struct pn_tcp_listen *l;
	struct pn_tcp_conf tc;
	struct pn_tcp *tcp;
	struct rte_mbuf *m[BURST];
	uint32_t *iss, *seq;
	uint64_t cycles = 0, segs = 0, t0;
	uint8_t buf[PKT_MAX];
	unsigned int i, r, k, n;

	if (conns < 1 || conns > 60000 || rounds < 1) {
		fprintf(stderr, "usage: %s [burst|single] [CONNS 1..60000] [ROUNDS]\n",
			argv[0]);
		return 2;
	}
	tw_setup(NULL);
	T->conf.nb_ports = 1;
	tw_start(1);
	pn_tcp_conf_default(&tc);
	tc.max_conns = conns < 1024 ? 1024 : conns;
	tc.syn_backlog = 65536;
	tc.syncookies = false;
	if (pn_tcp_create(&tc, &T->lc[0], T->net[0], NULL, &tcp) < 0 ||
	    pn_tcp_listen(tcp, 0, PORT, 65535, NULL, &l) < 0)
		return 1;
	if (!burst)
		pn_net_register_proto_burst(T->net[0], PN_IPV4_PROTO_TCP, NULL);
	c = calloc(conns, sizeof(*c));
	iss = calloc(conns, sizeof(*iss));
	seq = calloc(conns, sizeof(*seq));
	if (c == NULL || iss == NULL || seq == NULL)
		return 1;
	m[0] = arp_request();
	tw_net_rx(m, 1);
	tw_clear(0);
	for (i = 0; i < conns; i++) {
		if (tw_tcp_handshake((uint16_t)(1024 + i), PORT, 1000,
				     &iss[i]) < 0 ||
		    pn_tcp_accept(l, NULL, &c[i]) < 0)
			return 1;
		seq[i] = 1001;
	}
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < conns; i += n) {
			n = RTE_MIN(conns - i, (unsigned int)BURST);
			for (k = 0; k < n; k++) {
				m[k] = tcp_frame(IP_US, (uint16_t)(1024 + i + k),
						 PORT, seq[i + k],
						 iss[i + k] + 1, F_ACK, 64,
						 false);
				m[k]->port = 0;
				seq[i + k] += 64;
			}
			T->lc[0].now = pn_clock_now(&T->clock);
			t0 = rte_rdtsc();
			pn_net_rx(&T->lc[0], m, (uint16_t)n, T->net[0]);
			cycles += rte_rdtsc() - t0;
			segs += n;
			pn_tx_flush(&T->lc[0]);
			tw_clear(0);
			for (k = 0; k < n; k++) {
				struct iovec iov = { .iov_base = buf,
						     .iov_len = sizeof(buf) };

				if (pn_tcp_recv(c[i + k], &iov, 1, 0) != 64)
					return 1;
			}
		}
	}
	printf("%s conns %u segments %" PRIu64 ": %.0f cycles/segment in pn_net_rx\n",
	       burst ? "burst" : "single", conns, segs,
	       (double)cycles / (double)segs);
	pn_tcp_listen_close(l);
	pn_tcp_free(tcp);
	pn_tx_flush(&T->lc[0]);
	free(c);
	free(iss);
	free(seq);
	tw_teardown(NULL);
	return 0;
}
