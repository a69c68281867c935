/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Burst delivery of TCP (issue 4): lib/net collects the TCP datagrams of
 * one pn_net_rx call and lib/tcp looks their connections up in one bulk
 * rte_hash lookup. It must deliver as one tcp_rx per packet does: the
 * same mixed burst (known connection with in-order and out-of-order
 * data, listener, a SYN repeated in the burst, no socket, bad checksum,
 * broadcast, a RST followed by data for the connection it closes, ARP in
 * between) is run through both paths. Identical: every drop, every
 * counter but TCPAckCoalesced, every state reached, and every frame but
 * the pure ACKs. Different, by RFC 9293 MUST-59: the burst path sends one
 * ACK per connection after the burst's last segment (here: one ACK where
 * per-packet sends two, after the SYN-ACKs of that burst, with the bytes
 * of the per-packet path's last ACK).
 */
#include <errno.h>

#include "net_test.h"
#include "net_priv.h"
#include "tcp.h"

#define PORT_LISTEN 80
#define PORT_CLOSED 81

/* What one run leaves behind, compared between the two paths. */
struct outcome {
	struct pn_net_stat net;
	struct pn_tcp_stat tcp;
	uint64_t drop[PN_DROP__MAX];
	unsigned int nframes;
	uint8_t frame[64][PKT_MAX];
	uint32_t len[64];
	uint32_t syn_ack_seq;
};

static void
run(bool burst, struct outcome *o)
{
	struct pn_tcp_conf tc;
	struct pn_tcp *tcp;
	struct pn_tcp_listen *l;
	struct rte_mbuf *m[16];
	uint8_t buf[PKT_MAX];
	uint32_t iss;
	uint16_t n = 0;
	unsigned int i;

	tw_start(1);
	T->net[0]->ip_id = 1;	/* random at start: the same in both runs */
	pn_tcp_conf_default(&tc);
	memset(tc.isn_secret, 0x42, sizeof(tc.isn_secret));
	assert_int_equal(pn_tcp_create(&tc, &T->lc[0], T->net[0], NULL, &tcp),
			 0);
	assert_non_null(T->net[0]->proto[6].burst);
	if (!burst) {
		assert_int_equal(pn_net_register_proto_burst(T->net[0], 6,
							     NULL), 0);
		assert_null(T->net[0]->proto[6].burst);
	}
	assert_int_equal(pn_tcp_listen(tcp, 0, PORT_LISTEN, 16, NULL, &l), 0);

	/* The peer's MAC is known: replies go out at once. */
	m[0] = arp_request();
	tw_net_rx(m, 1);
	tw_clear(0);
	/* A connection to know: SYN from port 1000, its SYN-ACK's ISS. */
	m[0] = tcp_frame(IP_US, 1000, PORT_LISTEN, 5000, 0, F_SYN, 0, false);
	tw_net_rx(m, 1);
	assert_int_equal(T->ntx[0], 1);
	tw_frame(0, 0, buf);
	iss = tw_get32(buf + 14 + 20 + 4);
	o->syn_ack_seq = iss;
	tw_clear(0);

	/* The mixed burst. */
	m[n++] = tcp_frame(IP_US, 1000, PORT_LISTEN, 5001, iss + 1, F_ACK, 10,
			   false);		/* known: completes, data */
	m[n++] = tcp_frame(IP_US, 1000, PORT_LISTEN, 5021, iss + 1, F_ACK, 10,
			   false);		/* known: out of order */
	m[n++] = tcp_frame(IP_US, 2000, PORT_LISTEN, 9000, 0, F_SYN, 0,
			   false);		/* listener: new embryo */
	m[n++] = tcp_frame(IP_US, 2000, PORT_LISTEN, 9000, 0, F_SYN, 0,
			   false);		/* now known: the embryo */
	m[n++] = arp_request();		/* not TCP, in between */
	m[n++] = tcp_frame(IP_US, 3000, PORT_CLOSED, 1, 0, F_ACK, 5,
			   false);		/* no socket: RST */
	m[n++] = tcp_frame(IP_US, 3001, PORT_LISTEN, 1, 0, F_ACK, 5,
			   true);		/* bad checksum */
	m[n++] = tcp_frame(IP_BCAST, 3002, PORT_LISTEN, 1, 0, F_ACK, 5,
			   false);		/* broadcast */
	m[n++] = tcp_frame(IP_US, 1000, PORT_LISTEN, 5011, 0, F_RST, 0,
			   false);		/* closes the known one */
	m[n++] = tcp_frame(IP_US, 1000, PORT_LISTEN, 5011, iss + 1, F_ACK, 4,
			   false);		/* for it: the listener now */
	m[n++] = tcp_frame(IP_US, 1000, PORT_LISTEN, 7000, 0, F_SYN, 0,
			   false);		/* same tuple: the listener */
	tw_net_rx(m, n);

	o->net = *pn_net_stats(T->net[0]);
	o->tcp = *pn_tcp_stats(tcp);
	memcpy(o->drop, T->lc[0].stat.drop, sizeof(o->drop));
	o->nframes = T->ntx[0];
	assert_true(o->nframes <= RTE_DIM(o->frame));
	for (i = 0; i < o->nframes; i++)
		o->len[i] = tw_frame(0, i, o->frame[i]);
	tw_clear(0);
	pn_tcp_listen_close(l);
	pn_tcp_free(tcp);
	pn_tx_flush(&T->lc[0]);
	tw_clear(0);
}

/* IP ID and header checksum out of the comparison. */
static void
mask_ip_id(uint8_t *f, uint32_t len)
{
	if (len >= 14 + 20 && f[12] == 0x08 && f[13] == 0x00) {
		memset(f + 14 + 4, 0, 2);
		memset(f + 14 + 10, 0, 2);
	}
}

static void
assert_frame_equal(const struct outcome *a, unsigned int i,
		   const struct outcome *b, unsigned int j)
{
	assert_int_equal(a->len[i], b->len[j]);
	assert_memory_equal(a->frame[i], b->frame[j], a->len[i]);
}

static void
test_burst_delivers_as_per_packet(void **state)
{
	struct outcome *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	unsigned int i;

	assert_non_null(a);
	assert_non_null(b);
	run(true, a);
	tw_teardown(state);
	tw_setup(state);
	run(false, b);

	/* The burst did what the test is about. */
	assert_int_equal(a->drop[PN_DROP_TCP_CSUM], 1);
	assert_int_equal(a->drop[PN_DROP_TCP_BCAST], 1);
	assert_int_equal(a->drop[PN_DROP_TCP_NO_SOCKET], 1);
	/* After the RST, the data goes to the listener (a bad cookie) and
	 * the SYN makes a new embryo: no stale connection was used. */
	assert_int_equal(a->drop[PN_DROP_TCP_COOKIE_BAD], 1);
	assert_int_equal(a->tcp.EstabResets, 1);
	assert_int_equal(a->tcp.PassiveOpens, 3);
	assert_int_equal(a->tcp.InSegs, 11);
	assert_int_equal(a->tcp.InCsumErrors, 1);
	assert_int_equal(a->net.arp_in, 2);

	/* MUST-59: one ACK saved, one frame fewer (the IP ID of each frame
	 * after it is one lower, so IP IDs and checksums are not compared). */
	assert_int_equal(a->tcp.TCPAckCoalesced, 1);
	assert_int_equal(b->tcp.TCPAckCoalesced, 0);
	a->tcp.TCPAckCoalesced = 0;
	assert_int_equal(a->tcp.OutSegs + 1, b->tcp.OutSegs);
	a->tcp.OutSegs = b->tcp.OutSegs;
	assert_int_equal(a->net.ip_out + 1, b->net.ip_out);
	a->net.ip_out = b->net.ip_out;
	assert_int_equal(a->nframes + 1, b->nframes);
	for (i = 0; i < b->nframes; i++)
		mask_ip_id(b->frame[i], b->len[i]);
	for (i = 0; i < a->nframes; i++)
		mask_ip_id(a->frame[i], a->len[i]);
	/* per packet: ACK, ACK, SYN-ACK, SYN-ACK, ARP reply, ...;
	 * burst: SYN-ACK, SYN-ACK, the last ACK, ARP reply, ... */
	assert_int_equal(b->frame[0][14 + 20 + 13], F_ACK);
	assert_int_equal(b->frame[1][14 + 20 + 13], F_ACK);
	assert_frame_equal(a, 0, b, 2);
	assert_frame_equal(a, 1, b, 3);
	assert_frame_equal(a, 2, b, 1);
	for (i = 3; i < a->nframes; i++)
		assert_frame_equal(a, i, b, i + 1);

	/* ... the rest exactly as one tcp_rx per packet. */
	assert_int_equal(a->syn_ack_seq, b->syn_ack_seq);
	assert_memory_equal(&a->net, &b->net, sizeof(a->net));
	assert_memory_equal(&a->tcp, &b->tcp, sizeof(a->tcp));
	assert_memory_equal(a->drop, b->drop, sizeof(a->drop));
	free(a);
	free(b);
}

/* Registering a burst handler needs a per-packet one; removing the
 * protocol removes both. */
static void
test_register_burst(void **state)
{
	struct pn_tcp_conf tc;
	struct pn_tcp *tcp;

	(void)state;
	tw_start(1);
	assert_int_equal(pn_net_register_proto_burst(T->net[0], 17, NULL),
			 -ENOENT);
	pn_tcp_conf_default(&tc);
	assert_int_equal(pn_tcp_create(&tc, &T->lc[0], T->net[0], NULL, &tcp),
			 0);
	assert_non_null(T->net[0]->proto[6].burst);
	pn_tcp_free(tcp);
	assert_null(T->net[0]->proto[6].fn);
	assert_null(T->net[0]->proto[6].burst);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TW_TEST(test_burst_delivers_as_per_packet),
		TW_TEST(test_register_burst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
