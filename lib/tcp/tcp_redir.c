/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Active opens from a port the application bound, whose replies hash to
 * another shard.
 *
 * An ephemeral port is chosen so that the reply's RSS/steering hash comes
 * back to the connecting shard (tcp.c pick_port). A port bound by the
 * application cannot be chosen: the peer's SYN-ACK and every later
 * segment land on the shard the hash names, the owner. So before the SYN
 * goes out, the connecting shard asks the owner (a message) to pass that
 * 4-tuple's segments on; the owner keeps a bounded redirect table, looked
 * at only for a segment that matches no connection of its own (before a
 * listener and before the RST of RFC 9293 3.10.7.1, so it costs nothing
 * on the fast path), and passes such segments to the connecting shard as
 * messages, where they go through tcp_rx like any other. When the
 * connection is gone (after TIME-WAIT), a second message removes the
 * entry. Linux has one socket table for every CPU and no such problem.
 *
 * Messages are bounded: a full ring fails the connect (EAGAIN) or drops
 * the segment (TCP_REDIR_RING, the peer retransmits); a full table is
 * counted (TCPRedirectFull) and the connection sees RSTs as without it.
 *
 * A 4-tuple lives on one shard. Bind conflicts are checked per shard
 * (lib/socket), so two shards may connect from the same bound port to
 * the same peer, or one while the owner still holds the tuple (a
 * TIME-WAIT). The owner refuses such a claim (a NAK message back: the
 * connection fails with EADDRNOTAVAIL, as Linux's connect() does for a
 * 4-tuple in use, counted as TCPRedirectRefused) and never creates a
 * connection of its own on a tuple it passes on (tuple_free). Only the
 * claimer's DEL removes its entry.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_mbuf.h>

#include "ipv4.h"
#include "msg.h"
#include "tcp_priv.h"

#define REDIR_MAX 65536 /* entries per owner shard */

enum { REDIR_ADD = 1, REDIR_DEL, REDIR_SEG, REDIR_NAK };

struct redir_msg {
	uint8_t op;
	uint16_t shard;          /**< ADD: the connection's shard */
	struct tcp_key key;      /**< ADD, DEL, NAK */
	uint32_t claim;          /**< ADD, NAK: the claimer's number of it */
	struct rte_mbuf *m;      /**< SEG: at the TCP header */
	uint32_t src, dst;       /**< SEG: IPv4 addresses */
	uint8_t tos;             /**< SEG: its IP TOS byte */
	/** SEG: bytes of IP options, still in m just before the TCP header
	 * (ip4_deliver only moved the data offset past them) */
	uint8_t opts_len;
};

_Static_assert(sizeof(struct redir_msg) <= PN_MSG_DATA_MAX,
	       "a redirect message fits a pn_msg");

static int
redir_table(struct pn_tcp *tcp)
{
	static unsigned int seq;
	struct rte_hash_parameters hp = { 0 };
	char name[RTE_HASH_NAMESIZE];

	if (tcp->redir_h != NULL)
		return 0;
	snprintf(name, sizeof(name), "pn_tcpr_%u_%u", tcp->lc->shard, seq++);
	hp.name = name;
	hp.entries = REDIR_MAX;
	hp.key_len = sizeof(struct tcp_key);
	hp.socket_id = SOCKET_ID_ANY;
	tcp->redir_h = rte_hash_create(&hp);
	return tcp->redir_h != NULL ? 0 : -ENOMEM;
}

/* Is @p k passed on to a shard (its entry's owner in *@p shard)? */
static bool
redir_lookup(const struct pn_tcp *tcp, const struct tcp_key *k,
	     uint16_t *shard)
{
	void *d;

	if (tcp->redir_h == NULL ||
	    rte_hash_lookup_data(tcp->redir_h, k, &d) < 0)
		return false;
	*shard = (uint16_t)(uintptr_t)d;
	return true;
}

bool
tcp_redir_has(const struct pn_tcp *tcp, const struct tcp_key *k)
{
	uint16_t shard;

	return redir_lookup(tcp, k, &shard);
}

/* The claimer's connection on a tuple the owner refused: it fails as a
 * connect() to a 4-tuple in use. No DEL: the owner holds no entry of
 * ours (and may hold another shard's). No RST: the tuple is someone's. */
static void
redir_refused(struct pn_tcp *tcp, const struct redir_msg *r, uint16_t owner)
{
	struct pn_tcp_conn *c = tcp_conn_lookup(tcp, &r->key);

	/* gone already; or a later connection on the tuple, whose own
	 * claim the owner has yet to answer */
	if (c == NULL || !c->redir || c->redir_owner != owner ||
	    c->redir_claim != r->claim)
		return;
	c->redir = false;
	tcp->stat.TCPRedirectRefused++;
	tcp_conn_reset(c, EADDRNOTAVAIL);
	tcp_reap(tcp);
}

/* On the owner: add or remove an entry; on the connecting shard: a
 * segment passed on, or a claim refused. */
static void
redir_msg(struct pn_lcore *lc, const struct pn_msg *msg, void *arg)
{
	struct pn_tcp *tcp = arg;
	struct redir_msg r;
	uint16_t shard;

	memcpy(&r, msg->data, sizeof(r));
	switch (r.op) {
	case REDIR_ADD:
		if (tcp_conn_lookup(tcp, &r.key) != NULL ||
		    redir_lookup(tcp, &r.key, &shard)) {
			/* in use here, or passed on to another already */
			r.op = REDIR_NAK;
			if (pn_msg_send(tcp->lc, msg->from,
					PN_MSG_TCP_REDIRECT, &r, sizeof(r)) < 0)
				tcp->stat.TCPRedirectFull++;
			break;
		}
		if (redir_table(tcp) < 0 ||
		    rte_hash_add_key_data(tcp->redir_h, &r.key,
					  (void *)(uintptr_t)r.shard) < 0) {
			tcp->stat.TCPRedirectFull++;
			break;
		}
		tcp->stat.TCPRedirects++;
		break;
	case REDIR_DEL:
		if (redir_lookup(tcp, &r.key, &shard) && shard == msg->from)
			rte_hash_del_key(tcp->redir_h, &r.key);
		break;
	case REDIR_NAK:
		redir_refused(tcp, &r, msg->from);
		break;
	case REDIR_SEG: {
		struct pn_ipv4_hdr ip = {
			.src = r.src, .dst = r.dst, .proto = PN_IPV4_PROTO_TCP,
			.tos = r.tos, .opts_len = r.opts_len,
			.hdr_len = (uint16_t)(PN_IPV4_HDR_MIN_LEN + r.opts_len),
		};

		if (r.opts_len != 0)
			ip.opts = rte_pktmbuf_mtod(r.m, uint8_t *) - r.opts_len;

		tcp_rx(lc, tcp->net, r.m, &ip, tcp);
		break;
	}
	default:
		break;
	}
}

int
tcp_redir_register(struct pn_tcp *tcp, bool on)
{
	return pn_msg_register(tcp->lc, PN_MSG_TCP_REDIRECT,
			       on ? redir_msg : NULL, on ? tcp : NULL);
}

void
tcp_redir_free(struct pn_tcp *tcp)
{
	rte_hash_free(tcp->redir_h);
	tcp->redir_h = NULL;
}

int
tcp_redir_claim(struct pn_tcp_conn *c, uint16_t owner)
{
	struct pn_tcp *tcp = c->tcp;
	struct redir_msg r = { .op = REDIR_ADD, .shard = tcp->lc->shard,
			       .key = c->key, .claim = tcp->redir_claims + 1 };
	int rc;

	rc = pn_msg_send(tcp->lc, owner, PN_MSG_TCP_REDIRECT, &r, sizeof(r));
	if (rc < 0)
		return rc == -ENOBUFS ? -EAGAIN : rc;
	tcp->redir_claims = r.claim;
	c->redir = true;
	c->redir_owner = owner;
	c->redir_claim = r.claim;
	return 0;
}

void
tcp_redir_release(struct pn_tcp_conn *c)
{
	struct pn_tcp *tcp = c->tcp;
	struct redir_msg r = { .op = REDIR_DEL, .key = c->key };

	if (!c->redir)
		return;
	c->redir = false;
	/* A full ring leaves the entry: later segments of the tuple come
	 * here and meet no connection, as they would have without it. */
	if (pn_msg_send(tcp->lc, c->redir_owner, PN_MSG_TCP_REDIRECT, &r,
			sizeof(r)) < 0)
		tcp->stat.TCPRedirectFull++;
}

bool
tcp_redir_pass(struct pn_tcp *tcp, struct tcp_seg *s, const struct tcp_key *k)
{
	struct redir_msg r = { .op = REDIR_SEG, .src = s->src, .dst = s->dst,
			       .tos = s->tos,
			       .opts_len = (uint8_t)s->ip->opts_len };
	uint16_t shard;

	if (!redir_lookup(tcp, k, &shard))
		return false;
	r.m = s->m;
	if (pn_msg_send(tcp->lc, shard, PN_MSG_TCP_REDIRECT, &r,
			sizeof(r)) < 0) {
		tcp_seg_drop(tcp, s, PN_DROP_TCP_REDIR_RING);
		return true;
	}
	s->m = NULL; /* the connecting shard's now */
	tcp->stat.TCPRedirectedSegs++;
	return true;
}
