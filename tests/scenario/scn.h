/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_TEST_SCN_H
#define PN_TEST_SCN_H

/*
 * Packet-level TCP scenarios on a virtual clock. One shard, one port, a
 * manual clock; the peer is 198.18.0.1:40000 (static ARP), we are
 * 198.18.0.2. Segments go in with IN(flags, .field = v, ...) and the
 * segments TCP sent are checked one by one with OUT(flags, ...):
 *
 *   IN(S, .seq = 100, .mss = 1460);
 *   OUT(SA, .seq = ISN, .ack = 101, .mss = 1460);
 *   IN(A);                       seq/ack default to what the peer would use
 *   ADVANCE_MS(200);
 *   NONE();
 *
 * IN defaults: seq = the peer's next sequence number, ack = our last
 * sent sequence end, win = 65535, no options, no data. OUT checks flags
 * exactly (PSH ignored), len exactly (default 0), TSO exactly (.tso =
 * tso_segsz; default 0: not a TSO segment), every other field given.
 * TSO needs W->nconf.port[0].tx_tso and tx_tcp_cksum set before
 * scn_start(); an offloaded checksum is checked as the pseudo-header sum.
 * Options: .mss/.ws/.tsval/.tsecr values; .sackok/.ts 1 present, 0
 * absent; .opts = "" exactly no options.
 * IPv4 options: IN(..., .ipopts = bytes, .ipopts_len = n) puts them in
 * the header; OUT(..., .ipopts/.ipopts_len) checks them exactly (and
 * .ipopts_len = 0 with .ipopts set checks there are none), .ipdst the
 * IPv4 destination; W->last_ip holds the last OUT's IPv4 header.
 */

#include <errno.h>
#include <sys/socket.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lcore.h"
#include "net.h"
#include "tcp.h"
#include "tcp_wire.h"

#pragma GCC diagnostic ignored "-Woverride-init"

enum {
	F = PN_TCP_FIN, S = PN_TCP_SYN, R = PN_TCP_RST, P = PN_TCP_PSH,
	A = PN_TCP_ACK, SA = S | A, FA = F | A, RA = R | A, PA = P | A,
	FPA = F | P | A, SF = S | F, SR = S | R, NOFL = 0,
};

#define IP_US   PN_IPV4(198, 18, 0, 2)
#define IP_PEER PN_IPV4(198, 18, 0, 1)
#define IP_ROUTER PN_IPV4(198, 18, 0, 254)
#define PORT_US   80
#define PORT_PEER 40000

struct scn_seg {
	int fl;
	int64_t seq, ack, win, len;
	int mss, ws, sackok, ts;
	int64_t tsval, tsecr;
	int nsack;
	uint32_t sack[4][2];
	const char *opts;     /* OUT: "" = none */
	int sport, dport;
	int64_t src;          /* IN: source address */
	int iptos;            /* IN: the IP TOS byte (default 0) */
	int badck;            /* IN: corrupt the TCP checksum */
	int lro;              /* IN: GRO-merged, this tso_segsz (RX_LRO) */
	int tso;              /* OUT: a TSO segment of this tso_segsz (0: not) */
	const uint8_t *ipopts; /* IN: IPv4 options; OUT: expected (with len) */
	int ipopts_len;
	int64_t ipdst;        /* OUT: the IPv4 destination */
};

#define SEG_DEFAULTS .seq = -1, .ack = -1, .win = -1, .len = -1, .mss = -1, \
	.ws = -1, .sackok = -1, .ts = -1, .tsval = -1, .tsecr = -1, \
	.nsack = -1, .sport = -1, .dport = -1, .src = -1, .ipdst = -1

#define IN(f, ...) scn_in(__LINE__, &(struct scn_seg){ SEG_DEFAULTS, \
	.fl = (f), __VA_ARGS__ })
#define OUT(f, ...) scn_out(__LINE__, &(struct scn_seg){ SEG_DEFAULTS, \
	.fl = (f), __VA_ARGS__ })
#define NONE() scn_none(__LINE__)
#define ADVANCE_MS(ms) scn_advance_ns((uint64_t)(ms) * PN_NS_PER_MS)
#define ISN (W->isn)
#define PISN (W->pisn)

struct scn_world {
	struct pn_clock clock;
	struct pn_shards shards;
	struct pn_lcore lc;
	struct pn_net *net;
	struct pn_net_conf nconf;
	struct pn_tcp_conf tconf;
	struct pn_tcp *tcp;
	unsigned int pool_avail;
	struct rte_mbuf *tx[512];
	unsigned int ntx, rtx;       /* captured, read */
	bool tx_limit;               /* the device takes only tx_room more */
	unsigned int tx_room;
	/* the peer's view */
	uint32_t peer_nxt;           /* next seq the peer sends */
	uint32_t peer_ack;           /* what the peer ACKs: our seq end */
	uint32_t isn;                /* our ISN (from our SYN / SYN-ACK) */
	uint32_t pisn;               /* the peer's ISN */
	/* sockets */
	struct pn_tcp_listen *l;
	struct pn_tcp_conn *c;
	int lctx, cctx;              /* addresses are the ctx */
	unsigned int wake_l, wake_c;
	unsigned int wake_kind[4];   /* connection wakeups by enum pn_tcp_wake */
	int wake_lkind;              /* the listener's last wakeup's kind */
	void (*on_wake)(void);       /* run on a connection wakeup */
	struct rte_mbuf *burst[32];  /* IN between scn_burst_begin/end */
	unsigned int nburst;
	bool bursting;
	struct pn_tcp_hdr last;      /* last OUT parsed */
	struct pn_ipv4_hdr last_ip;  /* its IPv4 header (opts into last_ipopts) */
	uint8_t last_ipopts[40];
	uint32_t last_len;
	bool started;
};

extern struct scn_world *W;

/* cmocka fixtures: setup makes the world with tconf defaults; scn_start()
 * brings it up (change W->tconf first if needed). */
int scn_setup(void **state);
int scn_teardown(void **state);
#define SCN(f) cmocka_unit_test_setup_teardown(f, scn_setup, scn_teardown)

void scn_start(void);
void scn_in(int line, const struct scn_seg *s);
/* Check the next segment we sent; returns its parsed header. */
const struct pn_tcp_hdr *scn_out(int line, const struct scn_seg *e);
void scn_none(int line);
/* Segments IN'd between these two arrive as one receive burst (one
 * pn_lcore_rx call, as a poll returns them), in order. */
void scn_burst_begin(void);
void scn_burst_end(void);
/* An ICMP destination unreachable (@p code, next-hop @p mtu) from a router,
 * quoting our segment at @p seq: IP header and 8 bytes of TCP only. */
void scn_icmp_unreach(uint8_t code, uint16_t mtu, uint32_t seq);
/* An ICMP error of @p type (3, 11) from a router quoting our segment. */
void scn_icmp_err(uint8_t type, uint8_t code, uint16_t mtu, uint32_t seq);
void scn_advance_ns(uint64_t ns);
/* Let the clock run, @p step_ms at a time, until something is sent or
 * @p max_ms have passed (a timer's segment, found without knowing its
 * time). */
void scn_wait_out(unsigned int max_ms, unsigned int step_ms);
/* Drop every captured segment not read yet; returns how many. */
unsigned int scn_flush(void);
unsigned int scn_pending(void);

/* socket-side helpers */
void scn_listen(uint16_t port);
/* Handshake from the peer: SYN (with @p opts: 0 none, 1 all) at seq
 * @p pisn, our SYN-ACK, the ACK, accept. W->c is the connection. */
void scn_passive(uint32_t pisn, int opts);
/* Active open to the peer's port 40000 from port 80, SYN-ACK from the
 * peer at @p pisn (no options), our ACK. */
void scn_active(uint32_t pisn);
ssize_t scn_send(uint32_t n);
ssize_t scn_recv(uint32_t n);
uint64_t scn_stat(const char *name);
uint64_t scn_drops(enum pn_drop_reason r);
uint8_t scn_state(void);
uint32_t scn_nconns(void);

#endif /* PN_TEST_SCN_H */
