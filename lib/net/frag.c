/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 reassembly and fragmentation.
 *
 * Reassembly is our own, not rte_ip_frag: Debian's DPDK 22.11 is built
 * with RTE_LIBRTE_IP_FRAG_MAX_FRAG = 8, so rte_ip_frag gives up on any
 * datagram of more than 8 fragments, and a 64 KB ping in 1500-byte
 * fragments has 45. Here a datagram may have up to reasm.max_frags
 * fragments, kept sorted by offset; everything is bounded and counted:
 * max_flows datagrams, max_frags per datagram, max_held fragments in all,
 * each datagram timing out reasm.timeout_ms after its first fragment.
 *
 * Overlaps: like Linux since 4.19 (inet_frag_queue_insert), an exact
 * duplicate is dropped alone, any other overlap discards the whole
 * datagram (RFC 5722's rule for IPv6, applied to IPv4 against
 * teardrop-style attacks). So held bytes never overlap, and a datagram is
 * complete when its last fragment has been seen and the bytes held add up
 * to its length.
 *
 * The reassembled datagram is the fragments' mbufs chained (no copy),
 * the first keeping its header, rewritten.
 *
 * Fragmentation on output copies each slice into a fresh mbuf with its
 * own header (rte_ipv4_fragment_packet needs an indirect-mbuf pool and
 * builds headers with rte_ipv4_hdr; copying keeps lib/wire the only header
 * writer, and the MTU-sized copies are cheap next to the rarity of
 * fragmenting: TCP never does, it sizes segments to the MTU).
 */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "icmp.h"
#include "net_priv.h"

static uint32_t
reasm_hash(const struct reasm_table *t, uint32_t src, uint32_t dst,
	   uint16_t id, uint8_t proto)
{
	uint32_t h = src * 0x9e3779b1u ^ dst * 0x85ebca6bu ^
		     ((uint32_t)id << 8 | proto) * 0xc2b2ae35u;

	return (h ^ h >> 15) & t->bmask;
}

static struct reasm_flow *
reasm_find(struct reasm_table *t, const struct pn_ipv4_hdr *ip)
{
	uint32_t i = t->bucket[reasm_hash(t, ip->src, ip->dst, ip->id,
					  ip->proto)];

	for (; i != NET_NIL; i = t->flows[i].hnext) {
		struct reasm_flow *f = &t->flows[i];

		if (f->src == ip->src && f->dst == ip->dst &&
		    f->id == ip->id && f->proto == ip->proto)
			return f;
	}
	return NULL;
}

static void
reasm_arm(struct pn_lcore *lc, struct reasm_table *t)
{
	struct reasm_flow *f = TAILQ_FIRST(&t->age);

	if (f == NULL)
		pn_timer_cancel(&lc->timers, &t->timer);
	else
		pn_timer_arm(&lc->timers, &t->timer, f->expire_ns);
}

/* Forget @p f; its fragments are dropped with @p reason unless kept. */
static void
reasm_release(struct pn_lcore *lc, struct pn_net *net, struct reasm_flow *f,
	      bool drop, enum pn_drop_reason reason)
{
	struct reasm_table *t = &net->reasm;
	uint32_t idx = (uint32_t)(f - t->flows);
	uint32_t *link = &t->bucket[reasm_hash(t, f->src, f->dst, f->id,
					       f->proto)];
	bool was_oldest = TAILQ_FIRST(&t->age) == f;
	uint16_t i;

	for (i = 0; drop && i < f->nfrags; i++)
		pn_drop(lc, f->frags[i].m, reason);
	t->held -= f->nfrags;
	while (*link != idx)
		link = &t->flows[*link].hnext;
	*link = f->hnext;
	TAILQ_REMOVE(&t->age, f, age);
	f->used = false;
	f->nfrags = 0;
	f->hnext = t->free_head;
	t->free_head = idx;
	if (was_oldest)
		reasm_arm(lc, t);
}

static void
reasm_timer(struct pn_timer *tm)
{
	struct pn_net *net = pn_timer_owner(tm, struct pn_net, reasm.timer);
	struct reasm_table *t = &net->reasm;
	struct pn_lcore *lc = net->lc;
	struct reasm_flow *f;

	while ((f = TAILQ_FIRST(&t->age)) != NULL && f->expire_ns <= lc->now) {
		net->stat.reasm_timeout++;
		/* RFC 792 / 1122 3.3.2 time exceeded, code 1, quoting the
		 * first fragment: only when it arrived (Linux ip_expire,
		 * INET_FRAG_FIRST_IN). Its mbuf still starts at its header.
		 * A datagram not for one of our addresses was broadcast. */
		if (f->nfrags > 0 && f->frags[0].off == 0)
			icmp_send_error(lc, net, f->frags[0].m, &f->hdr,
					PN_ICMP_TIME_EXCEEDED,
					PN_ICMP_EXC_FRAGTIME, 0,
					!pn_net_is_local(net, f->dst));
		reasm_release(lc, net, f, true, PN_DROP_REASM_TIMEOUT);
	}
}

static struct reasm_flow *
reasm_create(struct pn_lcore *lc, struct pn_net *net,
	     const struct pn_ipv4_hdr *ip)
{
	struct reasm_table *t = &net->reasm;
	struct reasm_flow *f;
	uint32_t b;

	if (t->free_head == NET_NIL)
		return NULL;
	f = &t->flows[t->free_head];
	t->free_head = f->hnext;
	f->src = ip->src;
	f->dst = ip->dst;
	f->id = ip->id;
	f->proto = ip->proto;
	f->used = true;
	f->nfrags = 0;
	f->bytes = 0;
	f->total = 0;
	f->expire_ns = lc->now +
		       (uint64_t)net->conf->reasm.timeout_ms * PN_NS_PER_MS;
	b = reasm_hash(t, f->src, f->dst, f->id, f->proto);
	f->hnext = t->bucket[b];
	t->bucket[b] = (uint32_t)(f - t->flows);
	TAILQ_INSERT_TAIL(&t->age, f, age);
	if (TAILQ_FIRST(&t->age) == f)
		reasm_arm(lc, t);
	return f;
}

/* Chain the fragments and rewrite the first header. */
static struct rte_mbuf *
reasm_finish(struct pn_lcore *lc, struct pn_net *net, struct reasm_flow *f,
	     struct pn_ipv4_hdr *ip)
{
	struct rte_mbuf *head = f->frags[0].m;
	uint8_t opts[PN_IPV4_OPTS_MAX_LEN];
	struct pn_ipv4_hdr h = f->hdr;
	uint16_t i;

	for (i = 1; i < f->nfrags; i++) {
		if (rte_pktmbuf_chain(head, f->frags[i].m) < 0) {
			/* Past RTE_MBUF_MAX_NB_SEGS: cannot be one packet. */
			uint16_t j;

			for (j = i; j < f->nfrags; j++)
				pn_drop(lc, f->frags[j].m,
					PN_DROP_REASM_FULL);
			pn_drop(lc, head, PN_DROP_REASM_FULL);
			net->stat.reasm_fail++;
			reasm_release(lc, net, f, false, PN_DROP_REASM_FULL);
			return NULL;
		}
	}
	if (h.opts_len) {
		memcpy(opts, h.opts, h.opts_len);
		h.opts = opts;
	}
	h.total_len = (uint16_t)(h.hdr_len + f->total);
	h.mf = false;
	h.frag_off = 0;
	pn_ipv4_build(rte_pktmbuf_mtod(head, uint8_t *), h.hdr_len, &h, 0);
	h.cksum = 0;
	h.opts = h.opts_len ?
		 rte_pktmbuf_mtod_offset(head, uint8_t *, PN_IPV4_HDR_MIN_LEN) :
		 NULL;
	h.pad_len = 0;
	*ip = h;
	net->stat.reasm_ok++;
	reasm_release(lc, net, f, false, PN_DROP_REASM_FULL);
	return head;
}

static void
reasm_fail(struct pn_lcore *lc, struct pn_net *net, struct reasm_flow *f,
	   struct rte_mbuf *m, enum pn_drop_reason reason)
{
	net->stat.reasm_fail++;
	pn_drop(lc, m, reason);
	reasm_release(lc, net, f, true, reason);
}

struct rte_mbuf *
frag_reassemble(struct pn_lcore *lc, struct pn_net *net, struct rte_mbuf *m,
		struct pn_ipv4_hdr *ip)
{
	const struct pn_net_reasm_conf *rc = &net->conf->reasm;
	struct reasm_table *t = &net->reasm;
	uint32_t plen = (uint32_t)ip->total_len - ip->hdr_len;
	uint32_t off = ip->frag_off, end = off + plen;
	struct reasm_flow *f;
	uint16_t i;

	net->stat.frag_in++;
	if (plen == 0 || (ip->mf && plen % 8) ||
	    ip->hdr_len + end > PN_IPV4_MAX_LEN) {
		pn_drop(lc, m, PN_DROP_IP_FRAG_BAD);
		return NULL;
	}
	f = reasm_find(t, ip);
	if (f == NULL) {
		if (t->held >= rc->max_held ||
		    (f = reasm_create(lc, net, ip)) == NULL) {
			pn_drop(lc, m, PN_DROP_REASM_FULL);
			return NULL;
		}
	}
	/* The last fragment fixes the length; nothing may lie past it. */
	if ((f->total && (end > f->total || (!ip->mf && end != f->total))) ||
	    (!ip->mf && f->nfrags && f->frags[f->nfrags - 1].end > end)) {
		reasm_fail(lc, net, f, m, PN_DROP_REASM_BAD);
		return NULL;
	}
	for (i = 0; i < f->nfrags && f->frags[i].off < off; i++)
		;
	if (i < f->nfrags && f->frags[i].off == off &&
	    f->frags[i].end == end) {
		pn_drop(lc, m, PN_DROP_REASM_DUP);
		return NULL;
	}
	if ((i > 0 && f->frags[i - 1].end > off) ||
	    (i < f->nfrags && f->frags[i].off < end)) {
		reasm_fail(lc, net, f, m, PN_DROP_REASM_OVERLAP);
		return NULL;
	}
	if (f->nfrags >= rc->max_frags || t->held >= rc->max_held) {
		reasm_fail(lc, net, f, m, PN_DROP_REASM_FULL);
		return NULL;
	}
	if (off == 0) {
		f->hdr = *ip;	/* opts point into m, which we keep */
	} else {
		rte_pktmbuf_adj(m, ip->hdr_len);
	}
	memmove(&f->frags[i + 1], &f->frags[i],
		sizeof(f->frags[0]) * (f->nfrags - i));
	f->frags[i].m = m;
	f->frags[i].off = (uint16_t)off;
	f->frags[i].end = (uint16_t)end;
	f->nfrags++;
	t->held++;
	f->bytes += plen;
	if (!ip->mf)
		f->total = end;
	if (f->total == 0 || f->bytes != f->total)
		return NULL;
	return reasm_finish(lc, net, f, ip);
}

int
frag_init(struct pn_net *net)
{
	const struct pn_net_reasm_conf *rc = &net->conf->reasm;
	struct reasm_table *t = &net->reasm;
	uint32_t i, nb = rte_align32pow2(rc->max_flows);
	int socket = net->pool->socket_id;

	t->size = rc->max_flows;
	t->bmask = nb - 1;
	t->flows = rte_zmalloc_socket("pn_reasm", sizeof(*t->flows) * t->size,
				      RTE_CACHE_LINE_SIZE, socket);
	t->bucket = rte_malloc_socket("pn_reasm_hash", sizeof(uint32_t) * nb,
				      0, socket);
	t->frag_mem = rte_malloc_socket("pn_reasm_frags",
					sizeof(*t->frag_mem) * t->size *
						rc->max_frags,
					0, socket);
	if (t->flows == NULL || t->bucket == NULL || t->frag_mem == NULL) {
		rte_free(t->flows);
		rte_free(t->bucket);
		rte_free(t->frag_mem);
		memset(t, 0, sizeof(*t));
		return -ENOMEM;
	}
	memset(t->bucket, 0xff, sizeof(uint32_t) * nb);
	TAILQ_INIT(&t->age);
	for (i = 0; i < t->size; i++) {
		t->flows[i].frags = t->frag_mem + (size_t)i * rc->max_frags;
		t->flows[i].hnext = i + 1 < t->size ? i + 1 : NET_NIL;
	}
	t->free_head = 0;
	pn_timer_init(&t->timer, reasm_timer);
	return 0;
}

void
frag_fini(struct pn_net *net)
{
	struct reasm_table *t = &net->reasm;
	struct reasm_flow *f;

	if (t->flows == NULL)
		return;
	while ((f = TAILQ_FIRST(&t->age)) != NULL)
		reasm_release(net->lc, net, f, true, PN_DROP_SHUTDOWN);
	pn_timer_cancel(&net->lc->timers, &t->timer);
	rte_free(t->flows);
	rte_free(t->bucket);
	rte_free(t->frag_mem);
	memset(t, 0, sizeof(*t));
}

/* --- fragmentation --- */

int
frag_output(struct pn_lcore *lc, struct pn_net *net, uint8_t pidx,
	    uint32_t nexthop, struct rte_mbuf *m, const struct pn_ipv4_hdr *h,
	    unsigned int build_flags)
{
	uint32_t len = m->pkt_len, off, room, max;
	uint32_t hlen = PN_IPV4_HDR_MIN_LEN + h->opts_len;
	uint8_t opts[PN_IPV4_OPTS_MAX_LEN];
	struct pn_ipv4_hdr fh = *h;
	int rc = 0, r;

	/* RFC 791: every fragment but the last carries a multiple of 8;
	 * each must fit the MTU and one mbuf of our pool. */
	room = rte_pktmbuf_data_room_size(net->pool) - RTE_PKTMBUF_HEADROOM;
	max = RTE_MIN((uint32_t)net_port(net, pidx)->mtu, room) - hlen;
	max &= ~7u;
	for (off = 0; off < len; off += max) {
		uint32_t n = RTE_MIN(max, len - off);
		struct rte_mbuf *f = net_alloc(net);
		uint8_t *p;

		if (f == NULL) {
			pn_drop(lc, m, PN_DROP_NET_NOMEM);
			return -ENOBUFS;
		}
		if (off == max && h->opts_len) {
			/* RFC 791 3.1: later fragments carry the options
			 * with the copied bit (Linux ip_options_fragment) */
			memcpy(opts, h->opts, h->opts_len);
			pn_ipopt_fragment(opts, h->opts_len);
			fh.opts = opts;
		}
		p = (uint8_t *)rte_pktmbuf_append(f, (uint16_t)(hlen + n));
		fh.total_len = (uint16_t)(hlen + n);
		fh.frag_off = (uint16_t)off;
		fh.mf = off + n < len;
		pn_ipv4_build(p, hlen, &fh, build_flags);
		net_mbuf_copy(m, off, n, p + hlen);
		f->l3_len = (uint16_t)hlen;
		if (build_flags & PN_IPV4_BUILD_CSUM_OFFLOAD)
			f->ol_flags |= RTE_MBUF_F_TX_IPV4 |
				       RTE_MBUF_F_TX_IP_CKSUM;
		net->stat.frag_out++;
		r = arp_output(lc, net, pidx, nexthop, f);
		if (r < 0 && rc == 0)
			rc = r;
	}
	net->stat.frag_ok++;
	rte_pktmbuf_free(m);	/* consumed: its bytes went out as copies */
	return rc;
}
