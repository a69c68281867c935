/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for lib/tcp: TCP segments from a peer and socket calls
 * on a fuzz-driven clock. The world: one lcore (shard) on a manual clock,
 * for the process; per input a fresh pn_net (us 198.18.0.2/24, peers
 * 198.18.0.1 and 198.18.0.3 and a router 198.18.0.254 with static ARP)
 * and pn_tcp (every limit small, every timeout short) with a listener on
 * port 80. The fake TX checks every frame and frees it.
 *
 * Input: one byte of world configuration, then records:
 *
 *   u8 kind | u8 clock | u8 flags | u8 extra | u8 len | len bytes
 *
 * kind & 15 says what the record is, kind >> 4 which tuple (the peer
 * port 40000 + (t & 3), the peer t & 4 ? .3 : .1) or socket slot (t & 7):
 *   0-5  a TCP segment: the bytes are a TCP header, options and payload
 *        (flags bit 3: preceded by u8 n and n bytes of IPv4 options),
 *        followed by extra * 16 bytes of payload; wrapped into Ethernet
 *        and IPv4 from the peer with right checksums (fewer than 20
 *        bytes go as they are: a truncated header). Unless flags bit 7,
 *        the ports become peer:40000+ -> us:80. flags bit 0: the sequence
 *        number is added to what we ACKed last on the tuple; bit 1: the
 *        ACK number to the end of what we sent; bit 2: SACK edges added
 *        to that end too and TSecr to our last TSval; bit 4: a wrong TCP
 *        checksum; bits 5-6 the device's L4 checksum verdict (unknown,
 *        good, bad, none).
 *   6    an ICMP error from the router about the tuple: bytes type, code,
 *        u16 MTU, u32 sequence (flags bit 1: relative as above)
 *   7    connect to the tuple from port 80 (flags bit 0: create, set
 *        TCP_MAXSEG extra * 8 and SO_RCVBUF, then start)
 *   8    accept           9  send (extra << 4 | flags & 15) + 1 bytes
 *        (flags bit 4 MSG_OOB, bit 5 zero-copy)
 *   10   recv extra * 16 + 1 bytes (flags bit 0 PEEK, 1 OOB, 2 zero-copy)
 *   11   flags & 3: close, abort, shutdown((flags >> 2) % 3), close
 *        with SO_LINGER 0
 *   12   setsockopt extra % 16 to a value from flags and the bytes (15:
 *        IP_OPTIONS, the bytes compiled)
 *   13   listener: close, listen again, change backlog, setopt
 *   14   a socket's read side: poll, info, getopt, readable, ...
 *   15   the device: flags bit 0 set, it takes only extra more frames
 *        (the lcore holds the rest: TCP small queues); clear, all
 * clock: 0 and a segment: it waits for the next records (one receive
 * burst, delivered before any other record); otherwise the clock advances
 * by (clock & 31) + 1 units of 1 us * 10^(clock >> 5) after a round, and
 * another round runs.
 *
 * Every frame sent is checked: well formed, from us to a peer (at the
 * end of a source route if any), right checksums (or the pseudo-header
 * sum when offloaded), sequence and acknowledgment numbers within what
 * the connection sent and received, the advertised window never
 * shrinking, every payload byte the one of its sequence number (the
 * harness writes both streams that way: fz_byte), as is every byte the
 * application reads; no upcall after close. After the last record every socket is closed and the clock
 * runs until every connection is gone; then every mbuf must be back,
 * and after pn_tcp_free and pn_net_free every timer cancelled and every
 * rte_malloc byte freed (ASan checks malloc). Any broken invariant
 * aborts.
 *
 * To look at one input: FUZZ_TCP_VERBOSE=1 prints the connections after
 * the last record, FUZZ_TCP_TRACE=1 each record and the connections
 * after it (fuzz-tcp FILE, or fuzz-tcp-replay FILE).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_random.h>
#include <rte_telemetry.h>

#include "arp.h"
#include "cksum.h"
#include "drop.h"
#include "ether.h"
#include "fuzz_util.h"
#include "ipopt.h"
#include "ipv4.h"
#include "lcore.h"
#include "net.h"
#include "pkt_build.h"
#include "tcp.h"
#include "tcp_priv.h"
#include "tcp_wire.h"
#include "test_eal.h"

#define CHECK(x) FZ_CHECK(x, fz_dump())

#define FZ_POOL_SIZE	192	/* small: exhaustion is reachable */
#define FZ_REC_HDR	5
#define FZ_SLOTS	8
#define FZ_TUPLES	8
#define FZ_BURST	32
#define FZ_SETTLE_MAX	1200	/* steps of 100 ms, then of 1 s */

static const uint8_t MAC_US[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t MAC_PEER[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t MAC_PEER2[6] = { 2, 0, 0, 0, 0, 3 };
static const uint8_t MAC_RTR[6] = { 2, 0, 0, 0, 0, 0xfe };
#define IP_US		PN_IPV4(198, 18, 0, 2)
#define IP_PEER		PN_IPV4(198, 18, 0, 1)
#define IP_PEER2	PN_IPV4(198, 18, 0, 3)
#define IP_RTR		PN_IPV4(198, 18, 0, 254)
#define PORT_US		80
#define PORT_PEER	40000

/* What the harness knows of a tuple from the segments we sent on it. */
struct fz_tuple {
	bool seen;		/* we sent a non-RST segment */
	uint32_t snd_end;	/* end of our sequence space sent */
	uint32_t rcv_ack;	/* our last ACK: what we expect next */
	uint32_t tsval;		/* our last TSval */
	/* the right edge of our receive window, as last advertised */
	const struct pn_tcp_conn *wc;	/* ... by this TCB */
	uint32_t wc_iss;
	uint32_t rwin_edge;
	uint32_t ack;		/* ... and the last ACK it sent */
	bool rwin_set;
	/* the tuple's TCB when nothing was waiting to be sent (fz_flush) */
	const struct pn_tcp_conn *fc;
	uint32_t fc_iss;
};

struct fz_slot {
	struct pn_tcp_conn *c;
	bool live;		/* the socket holds c (upcalls allowed) */
};

static struct fz {
	struct pn_clock clock;
	struct pn_shards shards;
	struct pn_lcore lc;
	struct pn_net *net;
	struct pn_tcp *tcp;
	struct pn_tcp_listen *l;
	int lctx;
	struct fz_slot slot[FZ_SLOTS];
	struct fz_tuple tup[FZ_TUPLES];
	struct rte_mbuf *burst[FZ_BURST];
	unsigned int nburst;
	uint8_t wconf;
	bool urg_seen;		/* urgent data sent: bytes leave the stream */
	bool user_srr;		/* IP_OPTIONS set: first hops are the user's */
	bool tx_limit;		/* the device takes only tx_room more */
	unsigned int tx_room;
	uint64_t tx_frames, rx_nombuf, wakeups;
	bool live;
} W;

static struct pn_net_conf nconf;
static struct rte_mempool *pool;
static unsigned int pool_full;
static uint64_t heap0_count, heap0_bytes;
static bool verbose;	/* FUZZ_TCP_VERBOSE set: state after each input */
static bool trace;	/* FUZZ_TCP_TRACE set: each record, and the state after it */
static uint8_t scratch[1 << 16];

static void
fz_dump(void)
{
	struct pn_tcp_conn *c;
	unsigned int i;

	if (!W.live)
		return;
	fprintf(stderr, "fuzz_tcp: pool %u/%u, conns %u, tx %" PRIu64
		" rx nombuf %" PRIu64 " wakeups %" PRIu64 "\n",
		rte_mempool_avail_count(pool), pool_full, W.tcp->nconns,
		W.tx_frames, W.rx_nombuf, W.wakeups);
	TAILQ_FOREACH(c, &W.tcp->conns, link)
		fprintf(stderr, "  conn %p %08x:%u state %u flags %#x owned %d"
			" una %u nxt %u max %u wnd %u rcv_nxt %u sndq %u"
			" rcvq %u nooo %u rtx %s probes %u backoff %u\n",
			(void *)c, c->key.rip,
			c->key.rport, c->state, c->flags, c->owned,
			c->snd_una - c->iss, c->snd_nxt - c->iss,
			c->snd_max - c->iss, c->snd_wnd, c->rcv_nxt - c->irs,
			c->sndq.len, c->rcvq.len, c->nooo,
			pn_timer_pending(&c->t_rtx) ? "armed" : "none",
			c->probes, c->backoff);
	for (i = 0; i < PN_DROP__MAX; i++)
		if (W.lc.stat.drop[i])
			fprintf(stderr, "  drop %s %" PRIu64 "\n",
				pn_drop_name((enum pn_drop_reason)i),
				W.lc.stat.drop[i]);
}

static uint32_t
tuple_ip(unsigned int t)
{
	return (t & 4) ? IP_PEER2 : IP_PEER;
}

static uint16_t
tuple_port(unsigned int t)
{
	return (uint16_t)(PORT_PEER + (t & 3));
}

/* The tuple of a peer address and port, or -1. */
static int
tuple_of(uint32_t ip, uint16_t port)
{
	if ((ip != IP_PEER && ip != IP_PEER2) || port < PORT_PEER ||
	    port > PORT_PEER + 3)
		return -1;
	return (ip == IP_PEER2 ? 4 : 0) | (port - PORT_PEER);
}

/*
 * The byte at sequence number @p seq of either stream: the harness
 * writes the peer's payload and the application's sends with it, so
 * every byte read and every byte sent can be checked to be the one
 * that belongs at its place (reassembly, trimming, retransmission,
 * TSO). The input's own payload bytes give only the length.
 */
static uint8_t
fz_byte(uint32_t seq)
{
	return (uint8_t)(seq ^ seq >> 8 ^ seq >> 16 ^ 0x5a);
}

/* --- the checks on every frame we send --- */

static bool
ip_is_host(uint32_t ip)
{
	if (ip >> 24 == 0 || ip >> 24 == 127 || ip >> 28 >= 0xe ||
	    ip == IP_US || ip == PN_IPV4(198, 18, 0, 255))
		return false;
	return true;
}

/* Where a datagram we send is going (fuzz_util.h): the end of its
 * source route, if any. */
static uint32_t
final_dst(const struct pn_ipv4_hdr *ip)
{
	uint32_t dst;

	CHECK(fz_final_dst(ip, &dst));
	return dst;
}

/*
 * A segment of a connection: within the sequence space it sent (from its
 * ISN to snd_max), acknowledging no more than it received, and never
 * taking back window it offered (RFC 9293 3.8.6 SHLD-14; Linux
 * tcp_select_window never shrinks).
 */
static void
fz_check_conn_seg(const struct pn_tcp_hdr *h, uint32_t len, uint32_t dst)
{
	struct tcp_key k = { .lip = IP_US, .rip = dst, .lport = h->sport,
			     .rport = h->dport };
	const struct pn_tcp_conn *c = tcp_conn_lookup(W.tcp, &k);
	uint32_t end = h->seq + len + !!(h->flags & PN_TCP_SYN) +
		       !!(h->flags & PN_TCP_FIN);
	int t = tuple_of(dst, h->dport);
	struct fz_tuple *tp;
	uint32_t edge;

	if (c == NULL || t < 0)
		return;
	tp = &W.tup[t];
	/* Built by this TCB? Frames wait in the lcore until a flush: one
	 * built by a connection a RST ended may go after a SYN gave the
	 * tuple to another (one burst). Checked only while the tuple is
	 * the TCB's it was at the last flush. */
	if (tp->fc != c || tp->fc_iss != c->iss)
		return;
	/* SND.MAX covers what went out, except the segment going out
	 * now, at SND.NXT: a full TX buffer is flushed from inside the
	 * send, before SND.NXT and SND.MAX move past it */
	if (h->seq != c->snd_nxt && end - c->iss > c->snd_max - c->iss) {
		fprintf(stderr, "fuzz_tcp: segment %u+%u flags %#x beyond"
			" snd_max %u\n", h->seq - c->iss, len, h->flags,
			c->snd_max - c->iss);
		CHECK(!"a segment past SND.MAX");
	}
	CHECK(h->seq - c->iss <= c->snd_max - c->iss);
	if (!(h->flags & PN_TCP_ACK) || c->state == PN_TCP_SYN_SENT)
		return;
	CHECK(h->ack - c->irs <= c->rcv_nxt - c->irs);
	if (h->flags & PN_TCP_SYN)
		return;
	edge = h->ack + ((uint32_t)h->win << c->rcv_wscale);
	if (tp->wc != c || tp->wc_iss != c->iss) {
		tp->wc = c;
		tp->wc_iss = c->iss;
		tp->rwin_set = false;
	}
	/* RCV.NXT only moves on: so does every ACK after the handshake */
	CHECK(!tp->rwin_set || pn_seq_geq(h->ack, tp->ack));
	tp->ack = h->ack;
	/* never below the edge offered by a unit of the scale or more: the
	 * stack rounds up to keep it (test_window.c
	 * offered_edge_survives_scale_rounding) unless that would promise
	 * a unit past its free buffer; then the edge seems to move back by
	 * less than a unit, as RFC 7323 2.4 allows, and data up to the old
	 * edge is still taken (tcp_rcv_wnd, tcp_rcv_offered) */
	if (tp->rwin_set &&
	    pn_seq_lt(edge + ((uint32_t)1 << c->rcv_wscale) - 1,
		      tp->rwin_edge)) {
		fprintf(stderr, "fuzz_tcp: window shrank: edge %u < %u"
			" (ack %u win %u << %u)\n", edge - c->irs,
			tp->rwin_edge - c->irs, h->ack - c->irs, h->win,
			c->rcv_wscale);
		CHECK(!"the advertised window shrank");
	}
	if (!tp->rwin_set || pn_seq_gt(edge, tp->rwin_edge))
		tp->rwin_edge = edge;
	tp->rwin_set = true;
}

/* What the peer learns from a segment of ours on tuple @p t. */
static void
fz_track(int t, const struct pn_tcp_hdr *h, uint32_t len)
{
	struct fz_tuple *tp;
	uint32_t end;

	if (t < 0 || (h->flags & PN_TCP_RST))
		return;
	tp = &W.tup[t];
	end = h->seq + len + !!(h->flags & PN_TCP_SYN) +
	      !!(h->flags & PN_TCP_FIN);
	if (!tp->seen || (h->flags & PN_TCP_SYN) ||
	    pn_seq_gt(end, tp->snd_end))
		tp->snd_end = end;
	if (h->flags & PN_TCP_ACK)
		tp->rcv_ack = h->ack;
	if (h->opts.has & PN_TCPO_TS)
		tp->tsval = h->opts.tsval;
	tp->seen = true;
}

static void
fz_check_tcp(struct rte_mbuf *m, const struct pn_ipv4_hdr *ip,
	     const uint8_t *t, uint32_t tl)
{
	uint32_t dst = final_dst(ip), len, i;
	struct pn_tcp_hdr h;
	uint16_t ck;

	CHECK(dst == IP_PEER || dst == IP_PEER2);
	if (m->ol_flags & (RTE_MBUF_F_TX_TCP_CKSUM | RTE_MBUF_F_TX_TCP_SEG)) {
		/* offloaded: the pseudo-header sum over the whole length
		 * (RFC 9293 3.1: to the final destination) */
		CHECK(W.wconf & 1);
		CHECK(m->l2_len == PN_ETHER_HDR_LEN &&
		      m->l3_len == ip->hdr_len && m->l4_len >= 20);
		ck = pn_ipv4_phdr_sum(IP_US, dst, PN_IPV4_PROTO_TCP,
				      (uint16_t)tl);
		CHECK(tl >= 20 && t[16] == (uint8_t)(ck >> 8) &&
		      t[17] == (uint8_t)ck);
	} else {
		CHECK(pn_ipv4_l4_cksum(IP_US, dst, PN_IPV4_PROTO_TCP, t,
				       (uint16_t)tl) == 0);
	}
	CHECK(pn_tcp_parse(t, tl, &h) == 0);
	len = tl - h.hdr_len;
	if (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) {
		CHECK(m->l4_len == h.hdr_len);
		CHECK(m->tso_segsz > 0 && len > m->tso_segsz);
		CHECK((uint32_t)m->tso_segsz + h.hdr_len + ip->hdr_len <=
		      (uint32_t)nconf.port[0].mtu);
	}
	for (i = 0; i < len; i++)
		if (t[h.hdr_len + i] != fz_byte(h.seq + i)) {
			fprintf(stderr, "fuzz_tcp: byte %u of a segment at"
				" %u: %#x, not %#x\n", i, h.seq, t[h.hdr_len + i],
				fz_byte(h.seq + i));
			CHECK(!"a byte sent out of place");
		}
	/* never SYN with FIN or RST, never data on SYN (no TFO) or RST */
	CHECK(!((h.flags & PN_TCP_SYN) &&
		(h.flags & (PN_TCP_FIN | PN_TCP_RST))));
	CHECK(!(h.flags & (PN_TCP_SYN | PN_TCP_RST)) || len == 0);
	CHECK(!(h.flags & PN_TCP_SYN) || (h.opts.has & PN_TCPO_MSS));
	CHECK(!(h.opts.has & PN_TCPO_SACK) || !(h.flags & PN_TCP_SYN));
	if (h.flags & PN_TCP_RST) {
		/* an answer to anything: to the peer, from where it went */
		CHECK(h.opts.has == 0 || h.opts.has == PN_TCPO_TS);
		return;
	}
	/* any peer port, 0 too: Linux answers a SYN from port 0 */
	CHECK(h.sport == PORT_US);
	/* a frame the device refused waited in the lcore (tx_limit): its
	 * connection may be gone, the tuple another's since */
	if (W.lc.tx_held_now == 0)
		fz_check_conn_seg(&h, len, dst);
	fz_track(tuple_of(dst, h.dport), &h, len);
}

static void
fz_check_tx(struct rte_mbuf *m)
{
	static uint8_t buf[PN_ETHER_HDR_LEN + 65536];
	const char *why = NULL;
	struct pn_ether_hdr eh;
	struct pn_ipv4_hdr ip;
	const uint8_t *p;
	uint32_t len = m->pkt_len;

	if (rte_mbuf_check(m, 1, &why) != 0)
		fprintf(stderr, "fuzz_tcp: bad mbuf sent: %s\n", why);
	CHECK(why == NULL);
	CHECK(len >= PN_ETHER_HDR_LEN);
	CHECK(len <= PN_ETHER_HDR_LEN + (uint32_t)nconf.port[0].mtu ||
	      (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG));
	p = rte_pktmbuf_read(m, 0, len, buf);
	CHECK(p != NULL);
	CHECK(pn_ether_parse(p, len, &eh) == 0);
	CHECK(eh.hdr_len == PN_ETHER_HDR_LEN);
	CHECK(memcmp(eh.src, MAC_US, 6) == 0);
	p += PN_ETHER_HDR_LEN;
	len -= PN_ETHER_HDR_LEN;
	if (eh.ethertype == PN_ETHER_TYPE_ARP) {
		struct pn_arp a;

		CHECK(pn_arp_parse(p, len, &a) == 0);
		CHECK(memcmp(a.sha, MAC_US, 6) == 0 && a.spa == IP_US);
		return;
	}
	CHECK(eh.ethertype == PN_ETHER_TYPE_IPV4);
	CHECK(!pn_ether_is_multicast(eh.dst) || W.user_srr);
	CHECK(pn_ipv4_parse(p, len, 0, &ip) == 0);
	CHECK(ip.total_len == len && ip.ttl == nconf.ttl);
	CHECK(ip.src == IP_US);
	/* a source route's first hop (and its MAC): never a martian of
	 * the peer's (a received route reversed), the user's may be
	 * anything, a group too */
	CHECK(ip_is_host(ip.dst) || W.user_srr);
	CHECK(ip_is_host(final_dst(&ip)));
	CHECK(!ip.mf && ip.frag_off == 0);
	if (ip.proto == PN_IPV4_PROTO_ICMP) {
		/* lib/net's errors about what we received (fuzz_net's
		 * concern): well formed is enough here */
		CHECK(len - ip.hdr_len >= 8 &&
		      pn_cksum(p + ip.hdr_len, len - ip.hdr_len) == 0);
		return;
	}
	CHECK(ip.proto == PN_IPV4_PROTO_TCP);
	fz_check_tcp(m, &ip, p + ip.hdr_len, len - ip.hdr_len);
}

static uint16_t
fz_tx_burst(struct pn_lcore *lc, uint16_t port, uint16_t queue,
	    struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	(void)lc;
	(void)queue;
	CHECK(port == 0);
	if (W.tx_limit) {	/* a full ring refuses the rest */
		n = (uint16_t)RTE_MIN(n, W.tx_room);
		W.tx_room -= n;
	}
	for (i = 0; i < n; i++) {
		fz_check_tx(pkts[i]);
		rte_pktmbuf_free(pkts[i]);
	}
	W.tx_frames += n;
	return n;
}

/* No upcall for a socket that let go (tcp.h: "Lifetime"). */
static void
fz_wakeup(void *ctx, int what)
{
	CHECK(what >= PN_TCP_WAKE_DATA && what <= PN_TCP_WAKE_STATE);
	W.wakeups++;
	if (ctx == &W.lctx) {
		CHECK(W.l != NULL && what == PN_TCP_WAKE_DATA);
		return;
	}
	CHECK(ctx >= (void *)&W.slot[0] && ctx < (void *)&W.slot[FZ_SLOTS]);
	CHECK(((struct fz_slot *)ctx)->live);
}

/* --- set-up --- */

static void
fz_nconf(struct pn_net_conf *c)
{
	static const struct {
		uint32_t ip;
		const uint8_t *mac;
	} arp[] = {
		{ IP_PEER, MAC_PEER }, { IP_PEER2, MAC_PEER2 },
		{ IP_RTR, MAC_RTR },
	};
	unsigned int i;

	pn_net_conf_default(c);
	memcpy(c->port[0].mac, MAC_US, 6);
	c->port[0].mtu = 1500;
	c->port[0].nb_addrs = 1;
	c->port[0].addr[0].ip = IP_US;
	c->port[0].addr[0].prefix_len = 24;
	c->gateway = IP_RTR;
	c->nb_static_arp = RTE_DIM(arp);
	for (i = 0; i < RTE_DIM(arp); i++) {
		c->static_arp[i].port_id = 0;
		c->static_arp[i].ip = arp[i].ip;
		memcpy(c->static_arp[i].mac, arp[i].mac, 6);
	}
	c->accept_source_route = true;	/* TCP's source routes reachable */
	c->arp.retrans_ms = 100;
	c->arp.max_probes = 2;
	c->arp.pending_max = 4;
}

/*
 * The world's configuration byte: bit 0 TSO and TCP checksum offload,
 * bits 1-3 no timestamps, no SACK, no window scaling, bit 4 no SYN
 * cookies, bits 5-6 the SYN backlog (1, 2, 4, 16), bit 7 NewReno.
 */
static void
fz_tconf(struct pn_tcp_conf *c, uint8_t w)
{
	static const uint32_t backlog[4] = { 1, 2, 4, 16 };

	pn_tcp_conf_default(c);
	memset(c->isn_secret, 0x42, sizeof(c->isn_secret));
	c->max_conns = 16;
	c->sndbuf = 8192;
	c->rcvbuf = 4096;
	c->rcvbuf_max = 16384;
	c->timestamps = !(w & 2);
	c->sack = !(w & 4);
	c->wscale = !(w & 8);
	c->syncookies = !(w & 16);
	c->syn_backlog = backlog[(w >> 5) & 3];
	if (w & 128)
		snprintf(c->cc, sizeof(c->cc), "newreno");
	c->rto_max_ms = 1000;
	c->syn_retries = 2;
	c->synack_retries = 2;
	c->retries2 = 3;
	c->msl_ms = 100;
	c->fin_timeout_ms = 1000;
	c->keepalive_idle_s = 1;
	c->keepalive_intvl_s = 1;
	c->keepalive_cnt = 2;
	c->ooo_max_segs = 8;
	c->init_cwnd = 4;
}

static void
fz_lcore_init(void)
{
	struct pn_napi_conf nc;

	pn_napi_conf_default(&nc);
	pn_clock_init_manual(&W.clock, PN_NS_PER_S);
	CHECK(pn_lcore_init(&W.lc, &W.shards, 0, &nc, &W.clock,
			    SOCKET_ID_ANY) == 0);
	W.lc.ops.tx_burst = fz_tx_burst;
	CHECK(pn_lcore_add_txq(&W.lc, 0, 0) == 0);
}

/* Send what waits, then note each tuple's TCB: whatever goes out next
 * was built after this (fz_check_conn_seg). */
static void
fz_flush(void)
{
	struct tcp_key k = { .lip = IP_US, .lport = PORT_US };
	const struct pn_tcp_conn *c;
	unsigned int t;

	pn_tx_flush(&W.lc);
	for (t = 0; t < FZ_TUPLES; t++) {
		k.rip = tuple_ip(t);
		k.rport = tuple_port(t);
		c = tcp_conn_lookup(W.tcp, &k);
		W.tup[t].fc = c;
		W.tup[t].fc_iss = c != NULL ? c->iss : 0;
	}
}

static void
fz_round(void)
{
	pn_lcore_round(&W.lc);
	fz_flush();
}

static void
fz_start(uint8_t wconf)
{
	uint64_t rot = W.lc.timers.tick_ns * W.lc.timers.nslots;
	struct pn_tcp_upcalls up = { .wakeup = fz_wakeup };
	struct pn_tcp_conf tc;

	CHECK(rte_mempool_avail_count(pool) == pool_full);
	CHECK(W.lc.timers.count == 0);
	pn_clock_set(&W.clock, (pn_clock_now(&W.clock) / rot + 2) * rot);
	W.lc.now = pn_clock_now(&W.clock);
	pn_timer_wheel_run(&W.lc.timers, W.lc.now);
	memset(&W.lc.stat, 0, sizeof(W.lc.stat));
	memset(W.slot, 0, sizeof(W.slot));
	memset(W.tup, 0, sizeof(W.tup));
	W.nburst = 0;
	W.tx_limit = false;
	W.urg_seen = false;
	W.user_srr = false;
	W.tx_frames = W.rx_nombuf = W.wakeups = 0;
	W.wconf = wconf;
	rte_srand(1);
	nconf.port[0].tx_tcp_cksum = nconf.port[0].tx_tso = wconf & 1;
	CHECK(pn_net_create(&nconf, &W.lc, pool, &W.net) == 0);
	fz_tconf(&tc, wconf);
	CHECK(pn_tcp_create(&tc, &W.lc, W.net, &up, &W.tcp) == 0);
	W.live = true;
	CHECK(pn_tcp_listen(W.tcp, 0, PORT_US, tc.syn_backlog, &W.lctx,
			    &W.l) == 0);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	pn_test_eal_init();
	/* its own pool, no per-lcore cache: the free count is exact */
	pool = rte_pktmbuf_pool_create("fuzz_tcp_pool", FZ_POOL_SIZE, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (pool == NULL)
		abort();
	pool_full = rte_mempool_avail_count(pool);
	fz_nconf(&nconf);
	fz_lcore_init();
	verbose = getenv("FUZZ_TCP_VERBOSE") != NULL;
	trace = getenv("FUZZ_TCP_TRACE") != NULL;
	/* warm-up: first-use allocations settle, then the baseline */
	LLVMFuzzerTestOneInput(NULL, 0);
	LLVMFuzzerTestOneInput((const uint8_t *)"\x01", 1);
	fz_heap_usage(&heap0_count, &heap0_bytes);
	return 0;
}

/* --- records --- */

/* Deliver the segments queued as one receive burst. */
static void
fz_burst_flush(void)
{
	if (W.nburst == 0)
		return;
	W.lc.now = pn_clock_now(&W.clock);
	pn_lcore_rx(&W.lc, W.burst, (uint16_t)W.nburst);
	W.nburst = 0;
	fz_flush();
}

static void
fz_queue(struct rte_mbuf *m, bool more)
{
	W.burst[W.nburst++] = m;
	if (!more || W.nburst == FZ_BURST)
		fz_burst_flush();
}

/* @p len bytes at @p f as an mbuf chain, or NULL (counted). */
static struct rte_mbuf *
fz_mbuf(const uint8_t *f, uint32_t len)
{
	struct rte_mbuf *m = fz_mbuf_chain(pool, f, len, 0);

	if (m == NULL)
		W.rx_nombuf++;
	return m;
}

/* Make the options' SACK edges and TSecr relative to the tuple. */
static void
fz_rel_opts(uint8_t *o, uint32_t len, const struct fz_tuple *tp)
{
	uint32_t i = 0, n, k;

	while (i < len && o[i] != PN_TCPOPT_EOL) {
		if (o[i] == PN_TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || o[i + 1] < 2 || i + o[i + 1] > len)
			return;
		n = o[i + 1];
		if (o[i] == PN_TCPOPT_TS && n == 10)
			pkt_put32(o + i + 6, pkt_get32(o + i + 6) + tp->tsval);
		if (o[i] == PN_TCPOPT_SACK)
			for (k = 2; k + 4 <= n; k += 4)
				pkt_put32(o + i + k, pkt_get32(o + i + k) + tp->snd_end);
		i += n;
	}
}

static void
fz_segment(unsigned int t, uint8_t clk, uint8_t fl, uint8_t extra,
	   const uint8_t *d, uint32_t n)
{
	static const uint64_t l4ck[4] = {
		RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN, RTE_MBUF_F_RX_L4_CKSUM_GOOD,
		RTE_MBUF_F_RX_L4_CKSUM_BAD, RTE_MBUF_F_RX_L4_CKSUM_NONE,
	};
	static uint8_t f[PN_ETHER_HDR_LEN + 60 + 256 + 16 * 255];
	const struct fz_tuple *tp = &W.tup[t];
	uint32_t src = tuple_ip(t), optlen = 0, tl, i, hl, seq;
	uint8_t *ip = f + PN_ETHER_HDR_LEN, *tcp;
	struct rte_mbuf *m;
	uint16_t ck;

	if ((fl & 8) && n > 0) {
		optlen = RTE_MIN((uint32_t)(d[0] & 0x3c), n - 1);
		optlen &= ~3u;
		d++;
		n--;
	}
	memcpy(f, MAC_US, 6);
	memcpy(f + 6, (t & 4) ? MAC_PEER2 : MAC_PEER, 6);
	pkt_put16(f + 12, PN_ETHER_TYPE_IPV4);
	memset(ip, 0, 20);
	ip[0] = (uint8_t)(0x40 | (20 + optlen) / 4);
	ip[6] = 0x40;		/* DF */
	ip[8] = 64;
	ip[9] = PN_IPV4_PROTO_TCP;
	pkt_put32(ip + 12, src);
	pkt_put32(ip + 16, IP_US);
	memcpy(ip + 20, d, optlen);
	d += optlen;
	n -= optlen;
	tcp = ip + 20 + optlen;
	memcpy(tcp, d, n);
	tl = n + 16u * extra;
	for (i = n; i < tl; i++)
		tcp[i] = (uint8_t)i;
	pkt_put16(ip + 2, (uint16_t)(20 + optlen + tl));
	if (n >= 20) {
		if (!(fl & 128)) {
			pkt_put16(tcp, tuple_port(t));
			pkt_put16(tcp + 2, PORT_US);
		}
		if ((fl & 1) && tp->seen)
			pkt_put32(tcp + 4, pkt_get32(tcp + 4) + tp->rcv_ack);
		if ((fl & 2) && tp->seen)
			pkt_put32(tcp + 8, pkt_get32(tcp + 8) + tp->snd_end);
		hl = (uint32_t)(tcp[12] >> 4) * 4;
		if ((fl & 4) && tp->seen && hl > 20 && hl <= n)
			fz_rel_opts(tcp + 20, hl - 20, tp);
		seq = pkt_get32(tcp + 4) + !!(tcp[13] & PN_TCP_SYN);
		/* the payload (a data offset below 5 makes no header) */
		for (i = RTE_MAX(hl, 20u); i < tl; i++)
			tcp[i] = fz_byte(seq + i - hl);
		if (tcp[13] & PN_TCP_URG)
			W.urg_seen = true;
		tcp[16] = tcp[17] = 0;
		ck = pn_ipv4_l4_cksum(src, IP_US, PN_IPV4_PROTO_TCP, tcp,
				      (uint16_t)tl);
		pkt_put16(tcp + 16, (fl & 16) ? (uint16_t)(ck ^ 0x5a5a) : ck);
	}
	pkt_put16(ip + 10, pn_cksum(ip, 20 + optlen));
	m = fz_mbuf(f, PN_ETHER_HDR_LEN + 20 + optlen + tl);
	if (m == NULL)
		return;
	m->port = 0;
	m->ol_flags |= l4ck[(fl >> 5) & 3];
	fz_queue(m, clk == 0);
}

/* An ICMP error from the router quoting a segment of ours on @p t. */
static void
fz_icmp(unsigned int t, uint8_t fl, const uint8_t *d, uint32_t n)
{
	uint8_t f[PN_ETHER_HDR_LEN + 20 + 8 + 20 + 8] = { 0 };
	uint8_t *ip = f + PN_ETHER_HDR_LEN, *ic = ip + 20, *q = ic + 8;
	uint8_t a[8] = { 3, 4, 0x02, 0x40, 0, 0, 0, 0 };
	struct rte_mbuf *m;

	memcpy(a, d, RTE_MIN(n, sizeof(a)));
	memcpy(f, MAC_US, 6);
	memcpy(f + 6, MAC_RTR, 6);
	pkt_put16(f + 12, PN_ETHER_TYPE_IPV4);
	ip[0] = 0x45;
	pkt_put16(ip + 2, (uint16_t)(sizeof(f) - PN_ETHER_HDR_LEN));
	ip[8] = 64;
	ip[9] = PN_IPV4_PROTO_ICMP;
	pkt_put32(ip + 12, IP_RTR);
	pkt_put32(ip + 16, IP_US);
	pkt_put16(ip + 10, pn_cksum(ip, 20));
	q[0] = 0x45;
	pkt_put16(q + 2, 1500);
	q[8] = 64;
	q[9] = PN_IPV4_PROTO_TCP;
	pkt_put32(q + 12, IP_US);
	pkt_put32(q + 16, tuple_ip(t));
	pkt_put16(q + 10, pn_cksum(q, 20));
	pkt_put16(q + 20, PORT_US);
	pkt_put16(q + 22, tuple_port(t));
	pkt_put32(q + 24, pkt_get32(a + 4) + ((fl & 2) ? W.tup[t].snd_end : 0));
	ic[0] = a[0];
	ic[1] = a[1];
	ic[6] = a[2];
	ic[7] = a[3];
	pkt_put16(ic + 2, pn_cksum(ic, 8 + 28));
	m = fz_mbuf(f, sizeof(f));
	if (m == NULL)
		return;
	m->port = 0;
	fz_queue(m, false);
}

static struct fz_slot *
fz_free_slot(void)
{
	unsigned int i;

	for (i = 0; i < FZ_SLOTS; i++)
		if (W.slot[i].c == NULL)
			return &W.slot[i];
	return NULL;
}

static void
fz_connect(unsigned int t, uint8_t fl, uint8_t extra)
{
	struct fz_slot *s = fz_free_slot();
	int rc;

	if (s == NULL)
		return;
	s->live = true;
	if (fl & 1) {
		rc = pn_tcp_connect_create(W.tcp, 0, PORT_US, tuple_ip(t),
					   tuple_port(t), s, &s->c);
		if (rc == 0) {
			pn_tcp_setopt(s->c, PN_TCP_OPT_MAXSEG, extra * 8);
			pn_tcp_setopt(s->c, PN_TCP_OPT_RCVBUF,
				      (int64_t)(fl >> 4) * 4096);
			pn_tcp_connect_start(s->c);
		}
	} else {
		rc = pn_tcp_connect(W.tcp, 0, PORT_US, tuple_ip(t),
				    tuple_port(t), s, &s->c);
	}
	if (rc != 0) {
		s->c = NULL;
		s->live = false;
	}
}

static void
fz_accept(void)
{
	struct fz_slot *s = fz_free_slot();

	if (s == NULL || W.l == NULL)
		return;
	s->live = true;
	if (pn_tcp_accept(W.l, s, &s->c) != 0) {
		s->c = NULL;
		s->live = false;
	}
}

static void
fz_send(struct fz_slot *s, uint8_t fl, uint8_t extra)
{
	const struct pn_tcp_conn *c = s->c;
	uint32_t n = ((uint32_t)extra << 4 | (fl & 15)) + 1, seq, i;
	struct iovec iov = { scratch, n };

	/* the next byte queued goes at SND.UNA + the queue (after the SYN
	 * until it is ACKed) */
	seq = c->snd_una + c->sndq.len +
	      (c->state == PN_TCP_SYN_SENT && c->snd_una == c->iss);
	for (i = 0; i < n; i++)
		scratch[i] = fz_byte(seq + i);
	if (fl & 32) {
		struct rte_mbuf *m = fz_mbuf(scratch, n);

		if (m != NULL && pn_tcp_send_mbuf(s->c, m) < 0)
			rte_pktmbuf_free(m);
	} else {
		pn_tcp_send(s->c, &iov, 1, (fl & 16) ? PN_TCP_OOB : 0);
	}
}

static void
fz_recv(struct fz_slot *s, uint8_t fl, uint8_t extra)
{
	const struct pn_tcp_conn *c = s->c;
	uint32_t n = (uint32_t)extra * 16 + 1, got = 0, j;
	/* the first byte queued: rcvq holds the in-order bytes below
	 * RCV.NXT, and the FIN after them */
	uint32_t seq = c->rcv_nxt - !!(c->flags & TF_RCVD_FIN) - c->rcvq.len;
	/* not after a reset: RCV.NXT went past the data it refused */
	bool check = !W.urg_seen && c->state != PN_TCP_SYN_SENT &&
		     c->state != PN_TCP_CLOSED;
	struct iovec iov[4];
	ssize_t r;
	int k, i;

	if (fl & 4) {
		k = pn_tcp_recv_zc(s->c, iov, 4);
		for (i = 0; i < k; i++) {
			for (j = 0; check && j < iov[i].iov_len; j++)
				CHECK(((const uint8_t *)iov[i].iov_base)[j] ==
				      fz_byte(seq + got + j));
			got += (uint32_t)iov[i].iov_len;
		}
		if (k > 0)
			pn_tcp_recv_zc_done(s->c, RTE_MIN(n, got));
		return;
	}
	iov[0].iov_base = scratch;
	iov[0].iov_len = n;
	r = pn_tcp_recv(s->c, iov, 1, (fl & 1 ? PN_TCP_PEEK : 0) |
				      (fl & 2 ? PN_TCP_OOB : 0));
	for (j = 0; check && !(fl & 2) && r > 0 && j < (uint32_t)r; j++) {
		if (scratch[j] == fz_byte(seq + j))
			continue;
		fprintf(stderr, "fuzz_tcp: read %zd bytes from %u (state %u,"
			" rcv_nxt %u, rcvq %u): byte %u is %#x, not %#x\n",
			r, seq - c->irs, c->state, c->rcv_nxt - c->irs,
			c->rcvq.len, j, scratch[j], fz_byte(seq + j));
		CHECK(!"a byte read out of place");
	}
}

static void
fz_close(struct fz_slot *s, uint8_t fl)
{
	static const int how[3] = { SHUT_RD, SHUT_WR, SHUT_RDWR };

	switch (fl & 3) {
	case 2:
		pn_tcp_shutdown(s->c, how[((fl >> 2) & 3) % 3]);
		return;
	case 3:
		pn_tcp_setopt(s->c, PN_TCP_OPT_LINGER, 0);
		/* fall through */
	case 0:
		s->live = false;
		pn_tcp_close(s->c);
		break;
	case 1:
		s->live = false;
		pn_tcp_abort(s->c);
		break;
	}
	s->c = NULL;
}

/* A value for option @p o: small, so that every timeout stays short. */
static int64_t
fz_optval(enum pn_tcp_opt o, uint8_t fl, const uint8_t *d, uint32_t n)
{
	int64_t v = n >= 2 ? (int16_t)(d[0] << 8 | d[1]) : (int8_t)fl;

	switch (o) {
	case PN_TCP_OPT_SNDBUF:
	case PN_TCP_OPT_RCVBUF:
		return v * 64;
	case PN_TCP_OPT_USER_TIMEOUT:
		return v > 10000 ? 10000 : v;
	case PN_TCP_OPT_LINGER:
		return v > 2 ? 2 : v;
	case PN_TCP_OPT_KEEPIDLE:
	case PN_TCP_OPT_KEEPINTVL:
	case PN_TCP_OPT_KEEPCNT:
	case PN_TCP_OPT_SYNCNT:
		return v > 4 ? 4 : v;
	default:
		return v;
	}
}

static void
fz_setopt(struct fz_slot *s, uint8_t fl, uint8_t extra, const uint8_t *d,
	  uint32_t n)
{
	enum pn_tcp_opt o = (enum pn_tcp_opt)(extra % 16);
	struct pn_ipopt_tx opt;

	if (extra % 16 == 15) {
		if (pn_ipopt_compile(d, RTE_MIN(n, 40u), &opt) == 0 &&
		    pn_tcp_set_ipopt(s->c, &opt) == 0 && opt.srr != 0)
			W.user_srr = true;
		return;
	}
	pn_tcp_setopt(s->c, o, fz_optval(o, fl, d, n));
}

static void
fz_listener(uint8_t fl, uint8_t extra, const uint8_t *d, uint32_t n)
{
	enum pn_tcp_opt o = (enum pn_tcp_opt)(extra % 15);

	switch (fl & 3) {
	case 0:
		if (W.l != NULL)
			pn_tcp_listen_close(W.l);
		W.l = NULL;
		break;
	case 1:
		if (W.l == NULL &&
		    pn_tcp_listen(W.tcp, 0, PORT_US, extra & 15, &W.lctx,
				  &W.l) != 0)
			W.l = NULL;
		break;
	case 2:
		if (W.l != NULL)
			pn_tcp_listen_backlog(W.l, extra & 15);
		break;
	case 3:
		if (W.l != NULL)
			pn_tcp_listen_setopt(W.l, o, fz_optval(o, fl, d, n));
		break;
	}
}

/* The read side: none of these may change what the peer sees. */
static void
fz_read_side(struct fz_slot *s)
{
	struct pn_ipopt_tx opt;
	struct pn_tcp_info info;
	uint32_t lip, rip;
	uint16_t lp, rp;
	int64_t v;
	int o;

	pn_tcp_poll(s->c);
	pn_tcp_owed(W.tcp);
	if (W.l != NULL)
		pn_tcp_listen_poll(W.l);
	pn_tcp_info(s->c, &info);
	for (o = 0; o <= PN_TCP_OPT_SYNCNT; o++)
		pn_tcp_getopt(s->c, (enum pn_tcp_opt)o, &v);
	pn_tcp_readable(s->c);
	pn_tcp_unreadable(s->c);
	pn_tcp_atmark(s->c);
	pn_tcp_send_space(s->c);
	pn_tcp_get_ipopt(s->c, &opt);
	pn_tcp_addrs(s->c, &lip, &lp, &rip, &rp);
	CHECK(lip == IP_US && lp == PORT_US);
	if (!(pn_tcp_poll(s->c) & EPOLLOUT))
		pn_tcp_set_nospace(s->c);
	pn_tcp_error(s->c);
}

static void
fz_record(uint8_t kind, uint8_t clk, uint8_t fl, uint8_t extra,
	  const uint8_t *d, uint32_t n)
{
	unsigned int t = kind >> 4;
	struct fz_slot *s = &W.slot[t & 7];
	unsigned int k = kind & 15;

	if (k <= 5) {
		fz_segment(t & 7, clk, fl, extra, d, n);
		return;
	}
	fz_burst_flush();
	W.lc.now = pn_clock_now(&W.clock);
	switch (k) {
	case 6:
		fz_icmp(t & 7, fl, d, n);
		break;
	case 7:
		fz_connect(t & 7, fl, extra);
		break;
	case 8:
		fz_accept();
		break;
	case 13:
		fz_listener(fl, extra, d, n);
		break;
	case 15:
		W.tx_limit = fl & 1;
		W.tx_room = extra;
		break;
	default:
		if (s->c == NULL)
			break;
		if (k == 9)
			fz_send(s, fl, extra);
		else if (k == 10)
			fz_recv(s, fl, extra);
		else if (k == 11)
			fz_close(s, fl);
		else if (k == 12)
			fz_setopt(s, fl, extra, d, n);
		else
			fz_read_side(s);
		break;
	}
	fz_flush();
}

/* Telemetry reads the counters (and must not crash on them). Not
 * /pollnet/tcp/conns: its per-connection containers are freed by the
 * telemetry socket's writer, which this does not run. */
static void
fz_telemetry(void)
{
	struct rte_tel_data *d = rte_tel_data_alloc();

	CHECK(d != NULL);
	CHECK(tcp_telemetry_call("/pollnet/tcp", "0", d) == 0);
	rte_tel_data_free(d);
}

/* Close every socket and run the clock until every connection is gone. */
static void
fz_settle(void)
{
	unsigned int i;

	for (i = 0; i < FZ_SLOTS; i++)
		if (W.slot[i].c != NULL)
			fz_close(&W.slot[i], 0);
	if (W.l != NULL)
		pn_tcp_listen_close(W.l);
	W.l = NULL;
	W.tx_limit = false;
	fz_flush();
	for (i = 0; i < FZ_SETTLE_MAX &&
		    (W.tcp->nconns != 0 ||
		     rte_mempool_avail_count(pool) != pool_full); i++) {
		pn_clock_advance(&W.clock, i < 100 ? 100 * PN_NS_PER_MS :
						     PN_NS_PER_S);
		fz_round();
	}
	if (W.tcp->nconns != 0)
		fprintf(stderr, "fuzz_tcp: connections left after %u s\n",
			10 + (FZ_SETTLE_MAX - 100));
	CHECK(W.tcp->nconns == 0);
	CHECK(TAILQ_EMPTY(&W.tcp->conns));
	CHECK(W.tcp->stat.CurrEstab == 0);
	CHECK(rte_mempool_avail_count(pool) == pool_full);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t hc, hb;
	size_t off = 1;

	fz_start(size > 0 ? data[0] : 0);
	while (size >= off + FZ_REC_HDR) {
		uint8_t kind = data[off], clk = data[off + 1];
		uint8_t fl = data[off + 2], extra = data[off + 3];
		uint32_t len = data[off + 4];

		off += FZ_REC_HDR;
		len = (uint32_t)RTE_MIN((size_t)len, size - off);
		fz_record(kind, clk, fl, extra, data + off, len);
		off += len;
		if (clk != 0) {
			fz_burst_flush();
			fz_round();
			pn_clock_advance(&W.clock, fz_clock_ns(clk));
			fz_round();
		}
		if (trace) {
			fprintf(stderr, "record kind %u slot %u clk %u fl 0x%02x extra %u len %u, now %" PRIu64 " ns\n",
				kind & 15u, (kind >> 4) & 7u, clk, fl, extra, len,
				pn_clock_now(&W.clock));
			fz_dump();
		}
	}
	fz_burst_flush();
	fz_round();
	fz_telemetry();
	if (verbose)
		fz_dump();
	fz_settle();
	W.live = false;
	pn_tcp_free(W.tcp);
	W.tcp = NULL;
	pn_tx_flush(&W.lc);
	pn_net_free(W.net);
	W.net = NULL;
	CHECK(W.lc.timers.count == 0);
	CHECK(rte_mempool_avail_count(pool) == pool_full);
	if (heap0_count != 0) {
		fz_heap_usage(&hc, &hb);
		CHECK(hc == heap0_count && hb == heap0_bytes);
	}
	return 0;
}
