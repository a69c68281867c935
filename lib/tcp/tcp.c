/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-lcore TCP: configuration, the connection table (tcp_table.c)
 * and the listeners, ISN (RFC 6528), ephemeral ports steered to this shard, and
 * the demultiplexing of received segments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_random.h>

#include "ipv4.h"
#include "net.h"
#include "net_priv.h"
#include "steer.h"
#include "tcp_cc.h"
#include "tcp_priv.h"

#define EPH_LO 32768
#define EPH_HI 60999

static struct pn_tcp *tcp_shards[PN_MAX_SHARDS];

void
tcp_shard_set(uint16_t shard, struct pn_tcp *tcp)
{
	if (shard < PN_MAX_SHARDS)
		tcp_shards[shard] = tcp;
}

struct pn_tcp *
pn_tcp_of_shard(uint16_t shard)
{
	return shard < PN_MAX_SHARDS ? tcp_shards[shard] : NULL;
}

/* --- configuration --- */

void
pn_tcp_conf_default(struct pn_tcp_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->max_conns = 65536;
	c->sndbuf = 262144;
	c->rcvbuf = 262144;
	c->rcvbuf_max = 4194304;
	c->mss = 1460;
	c->mss_min = 536;
	c->wscale = true;
	c->timestamps = true;
	c->sack = true;
	c->syncookies = true;
	c->syn_backlog = 1024;
	c->delack_ms = 40;
	c->rto_init_ms = 1000;
	c->rto_min_ms = 200;
	c->rto_max_ms = 120000;
	/* RFC 9293 MUST-23: SYNs retried for at least 3 minutes. 7 with
	 * rto_init 1 s and rto_max 120 s gives up after 1+2+...+64 + 120 =
	 * 247 s; Linux's default 6 gives up after 127 s. */
	c->syn_retries = 7;
	c->synack_retries = 5; /* Linux tcp_synack_retries */
	c->retries2 = 15;
	c->msl_ms = 30000;
	c->fin_timeout_ms = 60000;
	c->keepalive_idle_s = 7200;
	c->keepalive_intvl_s = 75;
	c->keepalive_cnt = 9;
	c->ooo_max_segs = 256;
	c->init_cwnd = 10;
	c->slow_start_after_idle = true;
	snprintf(c->cc, sizeof(c->cc), "cubic");
}

#define RANGE(f, lo, hi) do { \
	if ((uint64_t)c->f < (lo) || (uint64_t)c->f > (hi)) { \
		snprintf(err, len, "tcp." #f " = %llu is out of range (%llu..%llu)", \
			 (unsigned long long)c->f, (unsigned long long)(lo), \
			 (unsigned long long)(hi)); \
		return -EINVAL; \
	} } while (0)

int
pn_tcp_conf_check(const struct pn_tcp_conf *c, char *err, size_t len)
{
	RANGE(max_conns, 16, 16777216);
	RANGE(sndbuf, 4096, 67108864);
	RANGE(rcvbuf, 4096, 67108864);
	RANGE(rcvbuf_max, c->rcvbuf, 67108864);
	RANGE(mss, 536, 9000);
	RANGE(mss_min, 64, c->mss);
	RANGE(syn_backlog, 1, 65536);
	RANGE(delack_ms, 1, 499); /* MUST-40: below 0.5 s */
	RANGE(rto_init_ms, 200, 60000);
	RANGE(rto_min_ms, 1, 1000);
	RANGE(rto_max_ms, 1000, 600000);
	RANGE(syn_retries, 1, 20);
	RANGE(synack_retries, 1, 20);
	RANGE(retries2, 1, 50);
	RANGE(msl_ms, 100, 120000);
	RANGE(fin_timeout_ms, 1000, 600000);
	RANGE(keepalive_idle_s, 1, 32767);
	RANGE(keepalive_intvl_s, 1, 32767);
	RANGE(keepalive_cnt, 1, 127);
	RANGE(ooo_max_segs, 1, 65536);
	RANGE(init_cwnd, 1, 100);
	if (memchr(c->cc, '\0', sizeof(c->cc)) == NULL ||
	    tcp_cc_find(c->cc) == NULL) {
		snprintf(err, len, "tcp.cc = '%.*s' is not known (cubic, newreno)",
			 (int)sizeof(c->cc), c->cc);
		return -EINVAL;
	}
	return 0;
}

/* --- keyed hash: SipHash-2-4 (RFC 6528 suggests a PRF of the tuple) --- */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

struct sip {
	uint64_t v0, v1, v2, v3;
};

static inline void
sip_round(struct sip *s)
{
	s->v0 += s->v1; s->v1 = ROTL(s->v1, 13); s->v1 ^= s->v0;
	s->v0 = ROTL(s->v0, 32);
	s->v2 += s->v3; s->v3 = ROTL(s->v3, 16); s->v3 ^= s->v2;
	s->v0 += s->v3; s->v3 = ROTL(s->v3, 21); s->v3 ^= s->v0;
	s->v2 += s->v1; s->v1 = ROTL(s->v1, 17); s->v1 ^= s->v2;
	s->v2 = ROTL(s->v2, 32);
}

static uint64_t
le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return rte_le_to_cpu_64(v);
}

static inline void
sip_init(struct sip *s, const uint8_t key[16])
{
	uint64_t k0 = le64(key), k1 = le64(key + 8);

	s->v0 = 0x736f6d6570736575ULL ^ k0;
	s->v1 = 0x646f72616e646f6dULL ^ k1;
	s->v2 = 0x6c7967656e657261ULL ^ k0;
	s->v3 = 0x7465646279746573ULL ^ k1;
}

/* One message word: SipHash-2-4's two compression rounds. */
static inline void
sip_word(struct sip *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

/* The last block @p b (the length in its top byte), then four rounds. */
static inline uint64_t
sip_final(struct sip *s, uint64_t b)
{
	sip_word(s, b);
	s->v2 ^= 0xff;
	sip_round(s);
	sip_round(s);
	sip_round(s);
	sip_round(s);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

static uint64_t
siphash24(const uint8_t key[16], const uint8_t *in, size_t len)
{
	struct sip s;
	uint64_t b = (uint64_t)len << 56;
	size_t i, left = len & 7;

	sip_init(&s, key);
	for (i = 0; i + 8 <= len; i += 8)
		sip_word(&s, le64(in + i));
	for (size_t j = 0; j < left; j++)
		b |= (uint64_t)in[i + j] << (8 * j);
	return sip_final(&s, b);
}

/*
 * SipHash-2-4 of exactly 12 bytes (Linux siphash_3u32): one message
 * word and the final block holding the last four, straight-line.
 */
static inline uint64_t
siphash24_12(const uint8_t key[16], const uint8_t in[12])
{
	struct sip s;
	uint32_t t;

	memcpy(&t, in + 8, sizeof(t));
	sip_init(&s, key);
	sip_word(&s, le64(in));
	return sip_final(&s, 12ull << 56 | rte_le_to_cpu_32(t));
}

static uint64_t
tcp_hash64(const struct pn_tcp *tcp, const struct tcp_key *k, uint32_t extra)
{
	uint8_t in[16];

	memcpy(in, &k->lip, 4);
	memcpy(in + 4, &k->rip, 4);
	memcpy(in + 8, &k->lport, 2);
	memcpy(in + 10, &k->rport, 2);
	memcpy(in + 12, &extra, 4);
	return siphash24(tcp->secret, in, sizeof(in));
}

uint32_t
tcp_hash32(const struct pn_tcp *tcp, const struct tcp_key *k, uint32_t extra)
{
	return (uint32_t)tcp_hash64(tcp, k, extra);
}

/* One SipHash for both secrets of a connection (Linux keeps two keys,
 * secure_tcp_seq and secure_tcp_ts_off): F in its low half, the
 * timestamp offset (fixed per tuple) in its high half. Over the 12
 * bytes of the tuple alone, as Linux's siphash_3u32 in secure_tcp_seq:
 * a message word and the final block, 8 SipRounds (the 16 bytes with a
 * zero word behind took 10). */
uint32_t
tcp_isn_ts(const struct pn_tcp *tcp, const struct tcp_key *k,
	   uint32_t *ts_off)
{
	uint8_t in[12];
	uint64_t h;

	memcpy(in, &k->lip, 4);
	memcpy(in + 4, &k->rip, 4);
	memcpy(in + 8, &k->lport, 2);
	memcpy(in + 10, &k->rport, 2);
	h = siphash24_12(tcp->secret, in);

	if (ts_off != NULL)
		*ts_off = (uint32_t)(h >> 32);
	/* RFC 6528: ISN = M + F(tuple, secret), M a 4 us clock. */
	return (uint32_t)(tcp->lc->now / 4000) + (uint32_t)h;
}

uint32_t
tcp_isn(struct pn_tcp *tcp, const struct tcp_key *k)
{
	return tcp_isn_ts(tcp, k, NULL);
}

/* --- create / free --- */

static void tcp_rx_burst(struct pn_lcore *lc, struct pn_net *net,
			 struct rte_mbuf **m, const struct pn_ipv4_hdr *ip,
			 const bool *bcast, uint16_t n, void *arg);

int
pn_tcp_create(const struct pn_tcp_conf *conf, struct pn_lcore *lc,
	      struct pn_net *net, const struct pn_tcp_upcalls *up,
	      struct pn_tcp **out)
{
	struct pn_tcp *tcp;
	char err[128];
	int rc;

	if (conf == NULL || lc == NULL || net == NULL || out == NULL)
		return -EINVAL;
	if (pn_tcp_conf_check(conf, err, sizeof(err)) < 0)
		return -EINVAL;
	tcp = calloc(1, sizeof(*tcp));
	if (tcp == NULL)
		return -ENOMEM;
	tcp->lc = lc;
	tcp->net = net;
	tcp->pool = net->pool;
	tcp->conf = *conf;
	pn_objcache_init(&tcp->free_conns, sizeof(struct pn_tcp_conn),
			 TCP_CONN_CACHE_MAX);
	if (up != NULL)
		tcp->up = *up;
	tcp->cc = tcp_cc_find(conf->cc);
	TAILQ_INIT(&tcp->conns);
	TAILQ_INIT(&tcp->reap);
	TAILQ_INIT(&tcp->tsq);
	memcpy(tcp->secret, conf->isn_secret, sizeof(tcp->secret));
	{
		static const uint8_t zero[16];

		if (memcmp(tcp->secret, zero, sizeof(zero)) == 0) {
			uint64_t r1 = rte_rand(), r2 = rte_rand();

			memcpy(tcp->secret, &r1, 8);
			memcpy(tcp->secret + 8, &r2, 8);
		}
	}
	tcp->next_port = (uint16_t)(EPH_LO + rte_rand_max(EPH_HI - EPH_LO + 1));
	tcp->scratch = malloc(65536);
	if (tcp->scratch == NULL) {
		rc = -ENOMEM;
		goto err_free;
	}
	rc = tcp_table_init(&tcp->ctab, RTE_MAX(conf->max_conns, 1024u),
			    (uint32_t)rte_rand());
	if (rc < 0)
		goto err_scratch;
	rc = pn_net_register_proto(net, PN_IPV4_PROTO_TCP, tcp_rx, tcp);
	if (rc < 0)
		goto err_conns;
	pn_net_register_proto_burst(net, PN_IPV4_PROTO_TCP, tcp_rx_burst);
	rc = tcp_icmp_register(tcp, true);
	if (rc < 0) {
		pn_net_register_proto(net, PN_IPV4_PROTO_TCP, NULL, NULL);
		goto err_conns;
	}
	rc = tcp_redir_register(tcp, true);
	if (rc < 0) {
		tcp_icmp_register(tcp, false);
		pn_net_register_proto(net, PN_IPV4_PROTO_TCP, NULL, NULL);
		goto err_conns;
	}
	tcp_shard_set(lc->shard, tcp);
	pn_lcore_set_tx_drained(lc, tcp_tsq_resume, tcp);
	tcp_telemetry_register();
	*out = tcp;
	return 0;
err_conns:
	tcp_table_fini(&tcp->ctab);
err_scratch:
	free(tcp->scratch);
err_free:
	free(tcp);
	return rc;
}

static void
conn_free(struct pn_tcp_conn *c)
{
	/* Most of it is empty by now (a CRR connection has sent and taken
	 * all): test inline, call only for what is held. */
	tcp_timers_cancel(c);
	if (c->ack_held)
		tcp_ack_unhold(c);
	if (c->tsq_link.tqe_prev != NULL)
		tcp_tsq_unlink(c);
	if (c->sndq.head != NULL)
		tcp_mq_free(&c->sndq);
	if (c->rcvq.head != NULL)
		tcp_mq_free(&c->rcvq);
	if (c->ooo != NULL)
		tcp_reass_free(c);
	if (c->scb != NULL)
		tcp_scb_free(c);
	if (c->cc_state != NULL)
		free(c->cc_state);
	if (c->ipopt != NULL)
		free(c->ipopt);
	pn_objcache_put(&c->tcp->free_conns, c);
}

void
pn_tcp_free(struct pn_tcp *tcp)
{
	struct pn_tcp_conn *c;
	struct pn_tcp_listen *l;
	uint32_t i;

	if (tcp == NULL)
		return;
	while ((c = TAILQ_FIRST(&tcp->conns)) != NULL) {
		c->ctx = NULL;
		c->owned = false;
		/* TIME-WAIT has nothing to reset (Linux sends nothing when
		 * it ends); a RST would reach a peer in LAST-ACK that only
		 * lost our ACK as ECONNRESET */
		if ((tcp_synchronized(c) && c->state != PN_TCP_TIME_WAIT) ||
		    c->state == PN_TCP_SYN_RECEIVED)
			tcp_send_rst(c);
		tcp_conn_closed(c);
	}
	tcp_reap(tcp);
	for (i = 0; i < TCP_LISTEN_BUCKETS; i++)
		while ((l = tcp->listen_b[i]) != NULL) {
			tcp->listen_b[i] = l->hnext;
			free(l);
		}
	pn_net_register_proto(tcp->net, PN_IPV4_PROTO_TCP, NULL, NULL);
	if (tcp->lc->tx_drained_arg == tcp)
		pn_lcore_set_tx_drained(tcp->lc, NULL, NULL);
	tcp_icmp_register(tcp, false);
	tcp_redir_register(tcp, false);
	tcp_redir_free(tcp);
	if (pn_tcp_of_shard(tcp->lc->shard) == tcp)
		tcp_shard_set(tcp->lc->shard, NULL);
	tcp_table_fini(&tcp->ctab);
	pn_objcache_fini(&tcp->free_conns);
	free(tcp->scratch);
	free(tcp);
}

/* --- connections --- */

void
tcp_conn_init_params(struct pn_tcp_conn *c)
{
	const struct pn_tcp_conf *cf = &c->tcp->conf;

	c->sndbuf = cf->sndbuf;
	c->rcvbuf = cf->rcvbuf;
	c->rcvlowat = 1;
	c->sndlowat = 0;
	c->keep_idle_s = cf->keepalive_idle_s;
	c->keep_intvl_s = cf->keepalive_intvl_s;
	c->keep_cnt = cf->keepalive_cnt;
	c->linger_s = -1;
	c->rto_us = cf->rto_init_ms * 1000;
	c->mss = 536; /* RFC 9293 3.7.1 default until the SYN says */
	c->rcv_mss = cf->mss;
	c->cc = c->tcp->cc;
	c->ssthresh = UINT32_MAX / 2;
}

struct pn_tcp_conn *
tcp_conn_alloc(struct pn_tcp *tcp, const struct tcp_key *k, uint32_t sig)
{
	struct pn_tcp_conn *c;

	if (tcp->nconns >= tcp->conf.max_conns)
		return NULL;
	c = pn_objcache_get(&tcp->free_conns);
	if (c == NULL)
		return NULL;
	c->tcp = tcp;
	c->key = *k;
	c->state = PN_TCP_CLOSED;
	if (tcp_table_add(&tcp->ctab, c, sig) < 0) {
		pn_objcache_put(&tcp->free_conns, c);
		return NULL;
	}
	tcp_conn_init_params(c);
	tcp_timers_init(c);
	c->iss = tcp_isn_ts(tcp, k, &c->ts_off);
	c->last_rcv_ns = tcp->lc->now;
	TAILQ_INSERT_TAIL(&tcp->conns, c, link);
	tcp->nconns++;
	return c;
}

void
tcp_set_state(struct pn_tcp_conn *c, uint8_t state)
{
	struct pn_tcp_stat *st = &c->tcp->stat;

	if (c->state == PN_TCP_ESTABLISHED || c->state == PN_TCP_CLOSE_WAIT) {
		if (state != PN_TCP_ESTABLISHED && state != PN_TCP_CLOSE_WAIT)
			st->CurrEstab--;
	} else if (state == PN_TCP_ESTABLISHED || state == PN_TCP_CLOSE_WAIT) {
		st->CurrEstab++;
	}
	c->state = state;
	tcp_poll_stale(c);
}

void
tcp_wakeup(struct pn_tcp_conn *c, int what)
{
	tcp_poll_stale(c);
	if (c->owned && c->ctx != NULL && c->tcp->up.wakeup != NULL)
		c->tcp->up.wakeup(c->ctx, what);
}

/* Linux: a child joining the accept queue calls the listener's
 * sk_data_ready */
void
tcp_listen_wakeup(struct pn_tcp_listen *l)
{
	if (l->ctx != NULL && l->tcp->up.wakeup != NULL)
		l->tcp->up.wakeup(l->ctx, PN_TCP_WAKE_DATA);
}

void
tcp_conn_closed(struct pn_tcp_conn *c)
{
	struct pn_tcp *tcp = c->tcp;
	struct pn_tcp_listen *l = c->listener;

	if (c->flags & TF_ZOMBIE)
		return;
	tcp_set_state(c, PN_TCP_CLOSED);
	tcp_timers_cancel(c);
	/* A reset connection comes here again when its socket closes: its
	 * key went already (a missed delete costs a hash and a search). */
	if (c->hpprev != NULL)
		tcp_table_del(&tcp->ctab, c);
	if (unlikely(c->redir))
		tcp_redir_release(c);
	if (l != NULL) {
		if (c->accepted) {
			TAILQ_REMOVE(&l->acceptq, c, qlink);
			l->naccept--;
		} else {
			TAILQ_REMOVE(&l->embryos, c, qlink);
			l->nembryo--;
		}
		c->listener = NULL;
		c->accepted = false;
	}
	if (c->owned)
		return; /* the socket frees it with pn_tcp_close/abort */
	c->flags |= TF_ZOMBIE;
	TAILQ_REMOVE(&tcp->conns, c, link);
	TAILQ_INSERT_TAIL(&tcp->reap, c, link);
}

static void __rte_noinline
reap_all(struct pn_tcp *tcp)
{
	struct pn_tcp_conn *c;

	while ((c = TAILQ_FIRST(&tcp->reap)) != NULL) {
		TAILQ_REMOVE(&tcp->reap, c, link);
		tcp->nconns--;
		conn_free(c);
	}
}

void
tcp_reap(struct pn_tcp *tcp)
{
	/* A socket may close from inside a wakeup upcall: TCBs are freed
	 * only when no TCP code is running on them any more. Called after
	 * every segment and user call: the common case is a cheap no. */
	if (likely(TAILQ_EMPTY(&tcp->reap)) || tcp->busy > 0)
		return;
	reap_all(tcp);
}

void
tcp_conn_reset(struct pn_tcp_conn *c, int err)
{
	if (c->state == PN_TCP_ESTABLISHED || c->state == PN_TCP_CLOSE_WAIT)
		c->tcp->stat.EstabResets++;
	if (c->state == PN_TCP_SYN_SENT || c->state == PN_TCP_SYN_RECEIVED)
		c->tcp->stat.AttemptFails++;
	c->err = err;
	tcp_poll_stale(c);
	if (c->sndq.head != NULL)	/* a CRR connection's is empty by now */
		tcp_mq_free(&c->sndq);
	tcp_conn_closed(c);
	tcp_wakeup(c, PN_TCP_WAKE_STATE); /* tcp_reset: tcp_done, sk_error_report */
}

/* --- segments --- */

void
tcp_seg_free_now(struct rte_mbuf *m)
{
	rte_pktmbuf_free(m);
}

/* The mbufs of the segments the burst is done with, back to their pools
 * in one call: rte_pktmbuf_free_bulk frees every segment of a chain and
 * drops one reference from those others still hold, as
 * rte_pktmbuf_free does. */
static void
tcp_rx_free_flush(struct pn_tcp *tcp)
{
	if (tcp->nrxfree == 0)
		return;
	rte_pktmbuf_free_bulk(tcp->rxfree, tcp->nrxfree);
	tcp->nrxfree = 0;
}

void
tcp_seg_drop(struct pn_tcp *tcp, struct tcp_seg *s, enum pn_drop_reason r)
{
	if (s->m != NULL) {
		pn_drop(tcp->lc, s->m, r);
		s->m = NULL;
	} else {
		tcp->lc->stat.drop[r]++;
		tcp->lc->stat.drops++;
	}
}

/* Segments beyond the first that a received packet of @p payload bytes
 * stands for: none, or for an LRO/GRO packet (tso_segsz = the originals'
 * size) the rest of its payload in segments, as Linux counts gso_segs
 * into InSegs. */
static uint32_t
tcp_rx_more_segs(const struct rte_mbuf *m, uint32_t payload)
{
	if (!(m->ol_flags & RTE_MBUF_F_RX_LRO) || m->tso_segsz == 0 ||
	    payload <= m->tso_segsz)
		return 0;
	return (payload + m->tso_segsz - 1) / m->tso_segsz - 1;
}

static bool
rx_cksum_ok(struct pn_tcp *tcp, struct rte_mbuf *m,
	    const struct pn_ipv4_hdr *ip)
{
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	const uint8_t *p;

	/* NONE: the field is not final (a virtio guest's partial checksum,
	 * seen by net_vhost) but the data was verified: as good as GOOD. */
	if (f == RTE_MBUF_F_RX_L4_CKSUM_GOOD || f == RTE_MBUF_F_RX_L4_CKSUM_NONE)
		return true;
	if (f == RTE_MBUF_F_RX_L4_CKSUM_BAD)
		return false;
	p = rte_pktmbuf_read(m, 0, m->pkt_len, tcp->scratch);
	return pn_ipv4_l4_cksum(ip->src, ip->dst, PN_IPV4_PROTO_TCP, p,
				(uint16_t)m->pkt_len) == 0;
}

/* The chain of @p port's listeners. They are few and the application's,
 * not a peer's, so the port alone picks it. */
static inline struct pn_tcp_listen **
listen_chain(struct pn_tcp *tcp, uint16_t port)
{
	return &tcp->listen_b[port & (TCP_LISTEN_BUCKETS - 1)];
}

/* The listener bound to exactly (@p ip, @p port), 0 the wildcard. */
static struct pn_tcp_listen *
listen_find(struct pn_tcp *tcp, uint32_t ip, uint16_t port)
{
	struct pn_tcp_listen *l;

	for (l = *listen_chain(tcp, port); l != NULL; l = l->hnext)
		if (l->key.port == port && l->key.ip == ip)
			return l;
	return NULL;
}

struct pn_tcp_listen *
tcp_listen_lookup(struct pn_tcp *tcp, uint32_t ip, uint16_t port)
{
	struct pn_tcp_listen *l, *any = NULL;

	/* Linux __inet_lookup_listener: the address's listener, else the
	 * wildcard's (compute_score prefers the bound address); one walk. */
	for (l = *listen_chain(tcp, port); l != NULL; l = l->hnext) {
		if (l->key.port != port)
			continue;
		if (l->key.ip == ip)
			return l;
		if (l->key.ip == 0)
			any = l;
	}
	return any;
}

/*
 * The checks before demultiplexing (Linux tcp_v4_rcv up to the socket
 * lookup). @p local: the destination is one of our addresses. Fills @p s
 * and @p k; false when the segment was dropped.
 * @p s comes uninitialised but for m (and sig): when it returns true,
 * every other field of @p s is written (h whole by pn_tcp_parse); when
 * false, only s->m was read.
 */
static __rte_always_inline bool
rx_check(struct pn_tcp *tcp, struct tcp_seg *s, struct tcp_key *k,
	 const struct pn_ipv4_hdr *ip, bool local)
{
	struct rte_mbuf *m = s->m;
	uint32_t hl = RTE_MIN(m->pkt_len, (uint32_t)PN_TCP_HDR_MAX_LEN);
	uint8_t hb[PN_TCP_HDR_MAX_LEN];
	const uint8_t *p;

	tcp->stat.InSegs++;
	if (!local) {
		tcp_seg_drop(tcp, s, PN_DROP_TCP_BCAST);
		return false;
	}
	p = rte_pktmbuf_read(m, 0, hl, hb);
	if (m->pkt_len < PN_TCP_HDR_MIN_LEN || p == NULL ||
	    pn_tcp_parse(p, hl, &s->h) < 0 || s->h.hdr_len > m->pkt_len) {
		tcp->stat.InErrs++;
		tcp_seg_drop(tcp, s, PN_DROP_TCP_HDR);
		return false;
	}
	if (!rx_cksum_ok(tcp, m, ip)) {
		tcp->stat.InErrs++;
		tcp->stat.InCsumErrors++;
		tcp_seg_drop(tcp, s, PN_DROP_TCP_CSUM);
		return false;
	}
	s->ip = ip;
	s->src = ip->src;
	s->dst = ip->dst;
	s->tos = ip->tos;
	s->off = s->h.hdr_len;
	s->len = m->pkt_len - s->h.hdr_len;
	tcp->stat.InSegs += tcp_rx_more_segs(m, s->len);
	s->seg_len = s->len + !!(s->h.flags & PN_TCP_SYN) +
		     !!(s->h.flags & PN_TCP_FIN);
	*k = (struct tcp_key){ .lip = ip->dst, .rip = ip->src,
			       .lport = s->h.dport, .rport = s->h.sport };
	return true;
}

/* tcp_redir_pass, with InSegs given back: the receiving shard counts. */
static bool
tcp_redir_pass_counted(struct pn_tcp *tcp, struct tcp_seg *s,
		       const struct tcp_key *k)
{
	uint64_t segs = 1 + tcp_rx_more_segs(s->m, s->len);

	if (!tcp_redir_pass(tcp, s, k))
		return false;
	tcp->stat.InSegs -= segs;
	return true;
}

/* The segment to its connection @p c (NULL: none), else a redirect to
 * another shard (tcp_redir.c), else a listener,
 * else RFC 9293 3.10.7.1 CLOSED. Consumes it. */
static __rte_always_inline void
rx_demux(struct pn_tcp *tcp, struct tcp_seg *s, const struct tcp_key *k,
	 struct pn_tcp_conn *c)
{
	struct pn_tcp_listen *l;

	if (c != NULL) {
		if (unlikely(s->ip->opts_len != 0))
			tcp_ipopt_rx(c, s);	/* SHLD-24 */
		tcp_poll_stale(c);
		tcp_input(c, s);
	} else if (unlikely(tcp->redir_h != NULL) &&
		   tcp_redir_pass_counted(tcp, s, k)) {
		/* the connection's shard counts and handles it */
	} else if ((l = tcp_listen_lookup(tcp, k->lip, k->lport)) != NULL) {
		tcp_listen_input(l, s);
	} else {
		if (!(s->h.flags & PN_TCP_RST))
			tcp_send_rst_reply(tcp, s);
		tcp_seg_drop(tcp, s, PN_DROP_TCP_NO_SOCKET);
	}
	if (s->m != NULL)
		tcp_seg_done(tcp, s);
}

void
tcp_rx(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m,
       const struct pn_ipv4_hdr *ip, void *arg)
{
	struct pn_tcp *tcp = arg;
	struct tcp_seg s;	/* rx_check fills it */
	struct tcp_key k;

	(void)lc;
	s.m = m;
	tcp->busy++;
	if (rx_check(tcp, &s, &k, ip, pn_net_is_local(net, ip->dst))) {
		s.sig = tcp_table_hash(&tcp->ctab, &k);
		rx_demux(tcp, &s, &k, tcp_table_lookup(&tcp->ctab, &k, s.sig));
	}
	tcp->busy--;
	tcp_reap(tcp);
}

/*
 * Burst input (issue 4): hash the 4-tuples of a burst, keyed by the
 * ports read from each raw header, and prefetch their chain heads; then
 * check and handle each segment in arrival order as tcp_rx does one by
 * one, each looked up at its turn (so after the segments before it added
 * or removed connections), except that the pure ACKs they ask for go
 * after the last one, one per connection (RFC 9293 MUST-59, tcp_output.c
 * tcp_ack_or_hold).
 */
#define TCP_RX_BURST NET_BATCH_MAX
_Static_assert(TCP_ACKQ_MAX >= TCP_RX_BURST, "an ACK held per segment");
_Static_assert(TCP_RXFREE_MAX >= TCP_RX_BURST, "an mbuf freed per segment");

/*
 * The lines of a small segment past its header's first, which input does
 * not read and the application's copy does, later in this round. The
 * sending core wrote them (the vhost copy into our buffers): a miss each,
 * 14 % of a tcp-rr client's CPU in that copy before this prefetch. A bulk
 * segment's copy streams, and the hardware prefetcher follows it.
 */
#define TCP_RX_PREFETCH_MAX 256u

static __rte_always_inline void
rx_prefetch_payload(const uint8_t *p, uint32_t len)
{
	uintptr_t a = RTE_ALIGN_FLOOR((uintptr_t)p, RTE_CACHE_LINE_SIZE);
	uintptr_t end = (uintptr_t)p + RTE_MIN(len, TCP_RX_PREFETCH_MAX);

	for (a += RTE_CACHE_LINE_SIZE; a < end; a += RTE_CACHE_LINE_SIZE)
		rte_prefetch0((const void *)a);
}

static void
tcp_rx_chunk(struct pn_tcp *tcp, struct pn_net *net, struct rte_mbuf **m,
	     const struct pn_ipv4_hdr *ip, const bool *bcast, uint16_t n)
{
	uint32_t sig[TCP_RX_BURST];
	uint64_t slow = 0;
	uint16_t i;

	for (i = 0; i < n; i++) {
		const uint8_t *p = rte_pktmbuf_mtod(m[i], const uint8_t *);
		/* What rx_check will make of the header; a runt (dropped
		 * there) is hashed for nothing. */
		struct tcp_key k = { .lip = ip[i].dst, .rip = ip[i].src };

		if (m[i]->data_len >= 4) {
			k.rport = (uint16_t)(p[0] << 8 | p[1]);
			k.lport = (uint16_t)(p[2] << 8 | p[3]);
		} else {
			slow |= UINT64_C(1) << i; /* ports not in the first segment */
		}
		sig[i] = tcp_table_hash(&tcp->ctab, &k);
		tcp_table_prefetch(&tcp->ctab, sig[i]);
		rx_prefetch_payload(p, m[i]->data_len);
	}
	tcp->in_burst = true;	/* MUST-59: ACKs after the last segment */
	for (i = 0; i < n; i++) {
		struct tcp_seg s;	/* rx_check fills it */
		struct tcp_key key;

		s.m = m[i];
		s.sig = sig[i];
		tcp->busy++;
		/* A broadcast may also be ours: ask only then (tcp_rx asks
		 * always; ip4_input let through only local or broadcast). */
		if (rx_check(tcp, &s, &key, &ip[i],
			     !bcast[i] || pn_net_is_local(net, ip[i].dst))) {
			if (slow & (UINT64_C(1) << i))
				s.sig = tcp_table_hash(&tcp->ctab, &key);
			rx_demux(tcp, &s, &key,
				 tcp_table_lookup(&tcp->ctab, &key, s.sig));
		}
		tcp->busy--;
		tcp_reap(tcp);
	}
	tcp_rx_free_flush(tcp);	/* before the ACKs, which may reuse them */
	tcp_ack_flush(tcp);
}

static void
tcp_rx_burst(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf **m,
	     const struct pn_ipv4_hdr *ip, const bool *bcast, uint16_t n,
	     void *arg)
{
	uint16_t i, k;

	(void)lc;
	for (i = 0; i < n; i += k) {
		k = (uint16_t)RTE_MIN(n - i, TCP_RX_BURST);
		tcp_rx_chunk(arg, net, m + i, ip + i, bcast + i, k);
	}
}

/* --- listeners --- */

int
pn_tcp_listen(struct pn_tcp *tcp, uint32_t ip, uint16_t port,
	      uint32_t backlog, void *ctx, struct pn_tcp_listen **out)
{
	struct pn_tcp_listen *l, **head;

	if (listen_find(tcp, ip, port) != NULL)
		return -EADDRINUSE;
	if (tcp->nlisten >= TCP_LISTEN_MAX)
		return -ENOMEM;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return -ENOMEM;
	l->tcp = tcp;
	l->key.ip = ip;
	l->key.port = port;
	l->ctx = ctx;
	l->backlog = backlog ? backlog : 1;
	TAILQ_INIT(&l->embryos);
	TAILQ_INIT(&l->acceptq);
	head = listen_chain(tcp, port);
	l->hnext = *head;
	*head = l;
	tcp->nlisten++;
	*out = l;
	return 0;
}

void
pn_tcp_listen_backlog(struct pn_tcp_listen *l, uint32_t backlog)
{
	l->backlog = backlog ? backlog : 1;
}

int
pn_tcp_accept(struct pn_tcp_listen *l, void *ctx, struct pn_tcp_conn **out)
{
	struct pn_tcp_conn *c = TAILQ_FIRST(&l->acceptq);

	if (c == NULL)
		return -EAGAIN;
	TAILQ_REMOVE(&l->acceptq, c, qlink);
	l->naccept--;
	c->listener = NULL;
	c->ctx = ctx;
	c->owned = true;
	*out = c;
	return 0;
}

uint32_t
pn_tcp_listen_poll(const struct pn_tcp_listen *l)
{
	return TAILQ_EMPTY(&l->acceptq) ? 0 : 0x001 /* EPOLLIN */;
}

void
pn_tcp_listen_close(struct pn_tcp_listen *l)
{
	struct pn_tcp *tcp = l->tcp;
	struct pn_tcp_listen **pp;
	struct pn_tcp_conn *c;

	l->ctx = NULL;
	while ((c = TAILQ_FIRST(&l->acceptq)) != NULL) {
		tcp_send_rst(c);
		tcp_conn_closed(c);
	}
	while ((c = TAILQ_FIRST(&l->embryos)) != NULL) {
		tcp_send_rst(c);
		tcp_conn_closed(c);
	}
	for (pp = listen_chain(tcp, l->key.port); *pp != l; pp = &(*pp)->hnext)
		;
	*pp = l->hnext;
	tcp->nlisten--;
	free(l);
	tcp_reap(tcp);
}

/* --- active open --- */

/* The shard the reply to (lip,lport) <- (rip,rport) hashes to. */
static uint16_t
reply_owner(struct pn_tcp *tcp, const struct tcp_key *k)
{
	const struct pn_shards *sh = tcp->lc->shards;

	if (sh == NULL || sh->n <= 1)
		return tcp->lc->shard;
	return pn_steer_owner(&sh->steer,
			      pn_steer_hash_l4(&sh->steer, k->rip, k->lip,
					       k->rport, k->lport));
}

static bool
port_is_ours(struct pn_tcp *tcp, const struct tcp_key *k)
{
	return reply_owner(tcp, k) == tcp->lc->shard;
}

/*
 * Is 4-tuple @p k free for an active open? Yes when unused, or held by a
 * TIME-WAIT that may be reused (Linux tcp_twsk_unique with tcp_tw_reuse,
 * RFC 6191): timestamps were on and the last one seen is more than 1 s
 * old, so PAWS tells the old connection's segments from the new one's
 * (our TSval only grows for a 4-tuple: clock + per-tuple offset).
 * @p tw: the TIME-WAIT to retire, or NULL. @p sig: the key's hash, for
 * tcp_conn_alloc.
 */
static bool
tuple_free(struct pn_tcp *tcp, const struct tcp_key *k,
	   struct pn_tcp_conn **tw, uint32_t *sig)
{
	struct pn_tcp_conn *c;

	*tw = NULL;
	*sig = tcp_table_hash(&tcp->ctab, k);
	c = tcp_table_lookup(&tcp->ctab, k, *sig);
	if (c == NULL) /* nor passed on: another shard's (tcp_redir.c) */
		return tcp->redir_h == NULL || !tcp_redir_has(tcp, k);
	if (c->state != PN_TCP_TIME_WAIT || !(c->flags & TF_TS) ||
	    tcp_now_ms(tcp) - c->ts_recent_age_ms <= 1000)
		return false;
	*tw = c;
	return true;
}

static int
pick_port(struct pn_tcp *tcp, struct tcp_key *k, struct pn_tcp_conn **tw,
	  uint32_t *sig)
{
	uint32_t i, n = EPH_HI - EPH_LO + 1;

	for (i = 0; i < n; i++) {
		uint16_t p = tcp->next_port;

		tcp->next_port = p >= EPH_HI ? EPH_LO : (uint16_t)(p + 1);
		k->lport = p;
		if (tcp->skip_ports != NULL &&
		    __atomic_load_n(&tcp->skip_ports[p], __ATOMIC_RELAXED) != 0)
			continue;
		if (!tuple_free(tcp, k, tw, sig))
			continue;
		if (port_is_ours(tcp, k))
			return 0;
	}
	return -EADDRNOTAVAIL;
}

int
pn_tcp_connect_create(struct pn_tcp *tcp, uint32_t src, uint16_t sport,
		      uint32_t dst, uint16_t dport, void *ctx,
		      struct pn_tcp_conn **out)
{
	return pn_tcp_connect_create_ipopt(tcp, src, sport, dst, dport, NULL,
					   ctx, out);
}

int
pn_tcp_connect_create_ipopt(struct pn_tcp *tcp, uint32_t src, uint16_t sport,
			    uint32_t dst, uint16_t dport,
			    const struct pn_ipopt_tx *ipopt, void *ctx,
			    struct pn_tcp_conn **out)
{
	struct pn_net_nexthop nh;
	struct tcp_key k;
	struct pn_tcp_conn *c, *tw;
	uint32_t tw_snd_nxt = 0, sig;

	/* RFC 9293 MUST-46: no OPEN to a broadcast or multicast address
	 * (Linux tcp_v4_connect: ENETUNREACH). */
	if (dst == 0 || dst == UINT32_MAX || (dst >> 28) == 0xe)
		return -ENETUNREACH;
	/* MUST-51, Linux tcp_v4_connect: a source route goes via its first
	 * hop (opt.faddr), which gives the source address and the MTU */
	if (pn_net_route(tcp->net, ipopt != NULL && ipopt->srr ?
			 ipopt->faddr : dst, &nh) < 0)
		return -ENETUNREACH;
	k = (struct tcp_key){ .lip = src ? src : nh.src, .rip = dst,
			      .lport = sport, .rport = dport };
	if (sport == 0) {
		if (pick_port(tcp, &k, &tw, &sig) < 0)
			return -EADDRNOTAVAIL;
	} else if (!tuple_free(tcp, &k, &tw, &sig)) {
		return -EADDRINUSE;
	}
	if (tw != NULL) {
		tw_snd_nxt = tw->snd_nxt;
		tcp->stat.TWRecycled++;
		tcp_conn_closed(tw);
		tcp_reap(tcp);
	}
	c = tcp_conn_alloc(tcp, &k, sig);
	if (c == NULL)
		return -ENOMEM;
	if (ipopt != NULL && pn_tcp_set_ipopt(c, ipopt) < 0) {
		tcp_conn_closed(c);
		tcp_reap(tcp);
		return -ENOMEM;
	}
	c->ctx = ctx;
	c->owned = true;
	if (tw != NULL) {
		/* Linux tcp_twsk_unique: start a window above the old one */
		c->iss = tw_snd_nxt + 65535 + 2;
		c->iss_set = true;
	}
	if (nh.mtu > 40 && (uint32_t)nh.mtu - 40 < c->rcv_mss)
		c->rcv_mss = (uint16_t)(nh.mtu - 40);
	/* A bound port whose replies hash to another shard: that shard
	 * passes them on (tcp_redir.c); no SYN-SENT waits forever. */
	if (sport != 0) {
		uint16_t owner = reply_owner(tcp, &k);
		int rc;

		if (owner != tcp->lc->shard &&
		    (rc = tcp_redir_claim(c, owner)) < 0) {
			c->owned = false;
			tcp_conn_closed(c);
			tcp_reap(tcp);
			return rc;
		}
	}
	*out = c;
	return 0;
}

void
tcp_choose_wscale(struct pn_tcp_conn *c)
{
	/* Linux tcp_select_initial_window: the scale covers the largest
	 * buffer auto-sizing may reach, or the user's SO_RCVBUF when it is
	 * locked (window_clamp = tcp_full_space). */
	uint32_t b = c->rcvbuf_lock ? c->rcvbuf : c->tcp->conf.rcvbuf_max;
	unsigned int bits;

	c->rcv_wscale = 0;
	if (!c->tcp->conf.wscale || b <= 65535)
		return;
	/* the least scale with b >> scale <= 65535 (b's bit length - 16) */
	bits = 32 - (unsigned int)__builtin_clz(b);
	c->rcv_wscale = (uint8_t)RTE_MIN(bits - 16, (unsigned int)PN_TCP_WS_MAX);
}

void
pn_tcp_connect_start(struct pn_tcp_conn *c)
{
	struct pn_tcp *tcp = c->tcp;

	/* Linux tcp_connect_init: advmss = min(route MSS, TCP_MAXSEG). */
	if (c->user_mss != 0 && c->user_mss < c->rcv_mss)
		c->rcv_mss = c->user_mss;
	/* c->iss: tcp_conn_alloc (the same instant), or above a reused
	 * TIME-WAIT */
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->rtx_start_ns = tcp->lc->now;
	tcp_choose_wscale(c);
	tcp_set_state(c, PN_TCP_SYN_SENT);
	tcp->stat.ActiveOpens++;
	tcp_output(c);
}

int
pn_tcp_connect(struct pn_tcp *tcp, uint32_t src, uint16_t sport,
	       uint32_t dst, uint16_t dport, void *ctx,
	       struct pn_tcp_conn **out)
{
	int rc = pn_tcp_connect_create(tcp, src, sport, dst, dport, ctx, out);

	if (rc == 0)
		pn_tcp_connect_start(*out);
	return rc;
}

const struct pn_tcp_stat *
pn_tcp_stats(const struct pn_tcp *tcp)
{
	return &tcp->stat;
}

void
pn_tcp_skip_ports(struct pn_tcp *tcp, const uint32_t *ports)
{
	tcp->skip_ports = ports;
}

bool
pn_tcp_addr_is_local(const struct pn_tcp *tcp, uint32_t addr)
{
	return pn_net_is_local(tcp->net, addr);
}

bool
pn_tcp_addr_bindable(const struct pn_tcp *tcp, uint32_t addr)
{
	return pn_net_addr_bindable(tcp->net, addr);
}
