/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Link impairment for pollnet-bench (see impair.h): option parsing, the
 * seeded decisions, the per-port hold FIFOs and the NAPI instance that
 * releases held frames on time.
 *
 * Why a timer as well as the NAPI instance: the instance's irq_enable
 * returns -EBUSY while frames are held, so the lcore only naps (<= 1 ms)
 * instead of sleeping; the timer at the next release time makes the sleep
 * decision busy-poll when that release is nearer than a nap. An empty
 * impairment returns 0, so an idle bridge still sleeps on interrupts.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "bench.h"
#include "impair.h"

/* --- decisions --- */

void
impair_rng_seed(struct impair_rng *r, uint64_t seed, uint16_t port,
		uint16_t shard)
{
	/* Independent streams per (port, worker): mix them into the seed. */
	r->s = seed;
	r->s = impair_rng_next(r) ^ (((uint64_t)port << 32 | shard) *
				     0xd1342543de82ef95ull);
	(void)impair_rng_next(r);
}

static inline bool
chance(struct impair_rng *r, uint64_t th)
{
	return th != 0 && (impair_rng_next(r) >> 32) < th;
}

void
impair_decide(const struct bench_impair_conf *c, struct impair_rng *r,
	      uint32_t len, struct impair_verdict *v)
{
	memset(v, 0, sizeof(*v));
	if (chance(r, c->loss_th)) {
		v->lose = true;
		return;
	}
	if (len > RTE_ETHER_HDR_LEN && chance(r, c->corrupt_th)) {
		v->corrupt = true;
		v->bit = RTE_ETHER_HDR_LEN * 8 +
			 (uint32_t)(impair_rng_next(r) %
				    ((uint64_t)(len - RTE_ETHER_HDR_LEN) * 8));
	}
	v->dup = chance(r, c->dup_th);
	v->reorder = chance(r, c->reorder_th);
}

int64_t
impair_jitter_ns(const struct bench_impair_conf *c, struct impair_rng *r)
{
	uint64_t j = (uint64_t)c->jitter_us * PN_NS_PER_US;

	if (j == 0)
		return 0;
	return (int64_t)(impair_rng_next(r) % (2 * j + 1)) - (int64_t)j;
}

/* --- parsing --- */

enum key_kind { KEY_PCT, KEY_UINT };

struct key {
	const char *name;
	enum key_kind kind;
	size_t off;       /* double (KEY_PCT) or uint32_t (KEY_UINT) */
	uint32_t lo, hi;
};

#define PCT(n, f)         { n, KEY_PCT, offsetof(struct bench_impair_conf, f), 0, 100 }
#define UINT(n, f, lo, hi) { n, KEY_UINT, offsetof(struct bench_impair_conf, f), lo, hi }

static const struct key keys[] = {
	PCT("loss", loss),
	PCT("dup", dup),
	PCT("corrupt", corrupt),
	PCT("reorder", reorder),
	UINT("reorder-depth", reorder_depth, 1, IMPAIR_DEPTH_MAX),
	UINT("reorder-max-us", reorder_max_us, 1, IMPAIR_US_MAX),
	UINT("delay-us", delay_us, 0, IMPAIR_US_MAX),
	UINT("jitter-us", jitter_us, 0, IMPAIR_US_MAX),
	UINT("limit", limit, 1, IMPAIR_LIMIT_MAX),
};

const char *
bench_impair_usage(void)
{
	return
"  --impair=PORT:KEY=V,... impair frames sent on PORT (one per port):\n"
"                        loss=P dup=P corrupt=P reorder=P (percent 0..100,\n"
"                        decimals allowed); reorder-depth=N (1..1024, 3):\n"
"                        a held frame goes after N later ones, or after\n"
"                        reorder-max-us=N (1..1000000, 1000); delay-us=N\n"
"                        (0..1000000) and jitter-us=N (0..delay-us, uniform\n"
"                        +-, never reorders); limit=N frames per hold FIFO\n"
"                        (1..65536, 4096). Engines io and macswap only.\n"
"  --seed=N              PRNG seed of --impair, 0..2^64-1 (1)\n";
}

static uint64_t
threshold(double pct)
{
	/* p% of the 2^32 values a draw can take; 100% -> 2^32: always. */
	return (uint64_t)llround(pct / 100.0 * 4294967296.0);
}

/* A percentage: digits with at most one '.', no sign, exponent, inf, nan. */
static int
parse_pct(const char *s, double *out)
{
	int digits = 0, dots = 0;
	const char *p;
	char *end;

	for (p = s; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '.' && dots++ == 0)
			continue;
		else
			return -EINVAL;
	}
	if (digits == 0 || digits > 12)
		return -EINVAL;
	*out = strtod(s, &end);
	return *end == '\0' && *out >= 0.0 && *out <= 100.0 ? 0 : -EINVAL;
}

static int
parse_uint(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (s[0] < '0' || s[0] > '9' || strlen(s) > 10)
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < lo || v > hi)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static void
conf_default(struct bench_impair_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->reorder_depth = IMPAIR_DEPTH_DEF;
	c->reorder_max_us = IMPAIR_REORDER_US_DEF;
	c->limit = IMPAIR_LIMIT_DEF;
}

static int
parse_kv(struct bench_impair_conf *c, const char *spec, char *kv, char *err,
	 size_t errlen)
{
	char *eq = strchr(kv, '=');
	const struct key *k = NULL;
	size_t i;

	if (eq == NULL || eq == kv) {
		snprintf(err, errlen, "--impair=%s: '%s' is not KEY=VALUE", spec, kv);
		return -EINVAL;
	}
	*eq = '\0';
	for (i = 0; i < RTE_DIM(keys); i++)
		if (strcmp(keys[i].name, kv) == 0)
			k = &keys[i];
	if (k == NULL) {
		snprintf(err, errlen, "--impair=%s: unknown key '%s' (keys: loss, "
			 "dup, corrupt, reorder, reorder-depth, reorder-max-us, "
			 "delay-us, jitter-us, limit)", spec, kv);
		return -EINVAL;
	}
	if (k->kind == KEY_PCT) {
		if (parse_pct(eq + 1, (double *)((char *)c + k->off)) != 0) {
			snprintf(err, errlen, "--impair=%s: %s=%s: must be a "
				 "percentage in 0..100 (decimals allowed, e.g. "
				 "0.1)", spec, kv, eq + 1);
			return -EINVAL;
		}
	} else if (parse_uint(eq + 1, k->lo, k->hi,
			      (uint32_t *)((char *)c + k->off)) != 0) {
		snprintf(err, errlen, "--impair=%s: %s=%s: must be an integer in "
			 "%u..%u", spec, kv, eq + 1, k->lo, k->hi);
		return -EINVAL;
	}
	return 0;
}

int
bench_impair_parse(struct bench_impair_conf *confs, const char *spec,
		   char *err, size_t errlen)
{
	struct bench_impair_conf c;
	char buf[512], *colon, *kv, *save = NULL;
	uint32_t port;

	if (strlen(spec) >= sizeof(buf) ||
	    (colon = strchr(strcpy(buf, spec), ':')) == NULL || colon[1] == '\0') {
		snprintf(err, errlen, "--impair=%s: expected PORT:KEY=VALUE,... "
			 "(e.g. 1:loss=0.5,delay-us=100)", spec);
		return -EINVAL;
	}
	*colon = '\0';
	if (parse_uint(buf, 0, PN_MAX_PORTS - 1, &port) != 0) {
		snprintf(err, errlen, "--impair=%s: port '%s' must be an integer "
			 "in 0..%u", spec, buf, PN_MAX_PORTS - 1);
		return -EINVAL;
	}
	if (confs[port].set) {
		snprintf(err, errlen, "--impair=%s: port %u is already impaired "
			 "(one --impair per port)", spec, port);
		return -EINVAL;
	}
	conf_default(&c);
	for (kv = strtok_r(colon + 1, ",", &save); kv != NULL;
	     kv = strtok_r(NULL, ",", &save))
		if (parse_kv(&c, spec, kv, err, errlen) != 0)
			return -EINVAL;
	if (c.jitter_us > c.delay_us) {
		snprintf(err, errlen, "--impair=%s: jitter-us=%u: must be in "
			 "0..delay-us (%u)", spec, c.jitter_us, c.delay_us);
		return -EINVAL;
	}
	c.loss_th = threshold(c.loss);
	c.dup_th = threshold(c.dup);
	c.corrupt_th = threshold(c.corrupt);
	c.reorder_th = threshold(c.reorder);
	c.set = true;
	confs[port] = c;
	return 0;
}

/* --- hold FIFOs --- */

static int
fifo_init(struct impair_fifo *f, uint32_t limit, int socket)
{
	uint32_t cap = rte_align32pow2(limit);

	f->e = rte_zmalloc_socket("impair_fifo", cap * sizeof(*f->e),
				  RTE_CACHE_LINE_SIZE, socket);
	if (f->e == NULL)
		return -ENOMEM;
	f->mask = cap - 1;
	f->limit = limit;
	f->head = 0;
	f->len = 0;
	return 0;
}

static inline struct impair_held *
fifo_head(struct impair_fifo *f)
{
	return f->len > 0 ? &f->e[f->head] : NULL;
}

static inline void
fifo_pop(struct impair_fifo *f)
{
	f->head = (f->head + 1) & f->mask;
	f->len--;
}

/* @return false if full. */
static inline bool
fifo_push(struct impair_fifo *f, const struct impair_held *h)
{
	if (f->len >= f->limit)
		return false;
	f->e[(f->head + f->len) & f->mask] = *h;
	f->len++;
	return true;
}

/* --- the middleware --- */

static void
timer_fired(struct pn_timer *t)
{
	struct bench_impair *im = pn_timer_owner(t, struct bench_impair, timer);

	im->timer_at = 0; /* the next poll releases and re-arms */
}

/* A new hold that may be the earliest: make sure the timer is not later. */
static void
timer_want(struct bench_impair *im, uint64_t t)
{
	if (im->lc == NULL || (im->timer_at != 0 && im->timer_at <= t))
		return;
	pn_timer_arm(&im->lc->timers, &im->timer, t);
	im->timer_at = t;
}

static void
timer_update(struct bench_impair *im)
{
	uint64_t next = UINT64_MAX;
	uint16_t p;

	for (p = 0; p < PN_MAX_PORTS; p++) {
		struct impair_port *ip = &im->port[p];
		struct impair_held *h;

		if (ip->conf == NULL)
			continue;
		if ((h = fifo_head(&ip->reorder)) != NULL && h->t < next)
			next = h->t;
		if ((h = fifo_head(&ip->delay)) != NULL && h->t < next)
			next = h->t;
	}
	if (im->lc == NULL || next == im->timer_at)
		return;
	if (next == UINT64_MAX) {
		pn_timer_cancel(&im->lc->timers, &im->timer);
		im->timer_at = 0;
	} else {
		pn_timer_arm(&im->lc->timers, &im->timer, next);
		im->timer_at = next;
	}
}

static inline void
pass(struct pn_lcore *lc, struct impair_port *ip, struct pn_txq *q,
     struct rte_mbuf *m)
{
	ip->st.passed++;
	pn_txq_push(lc, q, m);
}

static void
stage_delay(struct bench_impair *im, struct pn_lcore *lc,
	    struct impair_port *ip, struct pn_txq *q, struct rte_mbuf *m)
{
	const struct bench_impair_conf *c = ip->conf;
	struct impair_held h = { .m = m, .q = q };

	if (c->delay_us == 0) {
		pass(lc, ip, q, m);
		return;
	}
	h.t = lc->now + (uint64_t)c->delay_us * PN_NS_PER_US +
	      (uint64_t)impair_jitter_ns(c, &ip->rng);
	if (h.t < ip->last_release)
		h.t = ip->last_release; /* jitter never reorders */
	if (!fifo_push(&ip->delay, &h)) {
		ip->st.held_dropped++;
		pn_drop(lc, m, PN_DROP_ENGINE);
		return;
	}
	ip->last_release = h.t;
	ip->st.delayed++;
	timer_want(im, h.t);
}

/* Reordered frames whose N later frames have gone out follow them. */
static void
reorder_release_due(struct bench_impair *im, struct pn_lcore *lc,
		    struct impair_port *ip)
{
	struct impair_held *h;

	while ((h = fifo_head(&ip->reorder)) != NULL && h->seq <= ip->out_seq) {
		struct impair_held r = *h;

		fifo_pop(&ip->reorder);
		stage_delay(im, lc, ip, r.q, r.m);
	}
}

static void
stage_reorder(struct bench_impair *im, struct pn_lcore *lc,
	      struct impair_port *ip, struct pn_txq *q, struct rte_mbuf *m,
	      bool hold)
{
	const struct bench_impair_conf *c = ip->conf;

	if (hold) {
		struct impair_held h = {
			.m = m, .q = q,
			.t = lc->now + (uint64_t)c->reorder_max_us * PN_NS_PER_US,
			.seq = ip->out_seq + c->reorder_depth,
		};

		if (ip->reorder.len >= ip->reorder.limit) {
			/* Full: the oldest goes early rather than anything lost. */
			struct impair_held old = *fifo_head(&ip->reorder);

			fifo_pop(&ip->reorder);
			stage_delay(im, lc, ip, old.q, old.m);
		}
		fifo_push(&ip->reorder, &h);
		ip->st.reordered++;
		timer_want(im, h.t);
		return;
	}
	stage_delay(im, lc, ip, q, m);
	ip->out_seq++;
	reorder_release_due(im, lc, ip);
}

static void
flip_bit(struct rte_mbuf *m, uint32_t bit)
{
	uint32_t off = bit / 8;

	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	if (m != NULL)
		*rte_pktmbuf_mtod_offset(m, uint8_t *, off) ^= (uint8_t)(1u << (bit % 8));
}

void
bench_impair_tx(struct bench_impair *im, struct pn_lcore *lc, uint16_t port,
		struct pn_txq *q, struct rte_mbuf *m)
{
	struct impair_port *ip = &im->port[port];
	struct impair_verdict v;
	struct rte_mbuf *d = NULL;

	ip->st.in++;
	impair_decide(ip->conf, &ip->rng, rte_pktmbuf_pkt_len(m), &v);
	if (v.lose) {
		ip->st.lost++;
		pn_drop(lc, m, PN_DROP_ENGINE);
		return;
	}
	if (v.corrupt) {
		flip_bit(m, v.bit);
		ip->st.corrupted++;
		/* on the wire after the check (io --csum-partial): the guest
		 * must sum it, and finds the pseudo-header sum wrong */
		m->ol_flags &= ~RTE_MBUF_F_TX_L4_MASK;
	}
	if (v.dup) {
		d = rte_pktmbuf_copy(m, im->pool, 0, UINT32_MAX);
		if (d != NULL)
			ip->st.duplicated++;
		else
			ip->st.dup_nomem++;
	}
	stage_reorder(im, lc, ip, q, m, v.reorder);
	if (d != NULL)
		stage_reorder(im, lc, ip, q, d, false);
}

/* --- the NAPI instance --- */

static int
impair_poll(struct pn_lcore *lc, struct pn_napi *n, int weight)
{
	struct bench_impair *im = n->ctx;
	uint64_t now = lc->now;
	int done = 0;
	uint16_t p;

	for (p = 0; p < PN_MAX_PORTS && done < weight; p++) {
		struct impair_port *ip = &im->port[p];
		struct impair_held *h;

		if (ip->conf == NULL)
			continue;
		/* Held for reordering too long: go now, nothing stays stuck. */
		while (done < weight && (h = fifo_head(&ip->reorder)) != NULL &&
		       h->t <= now) {
			struct impair_held r = *h;

			fifo_pop(&ip->reorder);
			stage_delay(im, lc, ip, r.q, r.m);
			done++;
		}
		while (done < weight && (h = fifo_head(&ip->delay)) != NULL &&
		       h->t <= now) {
			struct impair_held r = *h;

			fifo_pop(&ip->delay);
			pass(lc, ip, r.q, r.m);
			done++;
		}
	}
	timer_update(im);
	return done;
}

/* Something held: the lcore must not sleep past its release, only nap. */
static int
impair_irq_enable(struct pn_lcore *lc, struct pn_napi *n)
{
	struct bench_impair *im = n->ctx;
	uint16_t p;

	RTE_SET_USED(lc);
	for (p = 0; p < PN_MAX_PORTS; p++)
		if (im->port[p].conf != NULL && bench_impair_held(im, p) > 0)
			return -EBUSY;
	return 0;
}

static void
impair_irq_disable(struct pn_lcore *lc, struct pn_napi *n)
{
	RTE_SET_USED(lc);
	RTE_SET_USED(n);
}

static const struct pn_napi_ops impair_ops = {
	.poll = impair_poll,
	.irq_enable = impair_irq_enable,
	.irq_disable = impair_irq_disable,
};

int
bench_impair_create(const struct bench_impair_conf *confs, uint64_t seed,
		    uint16_t shard, struct rte_mempool *pool, int socket,
		    struct bench_impair **out)
{
	struct bench_impair *im;
	uint16_t p;

	im = rte_zmalloc_socket("bench_impair", sizeof(*im), RTE_CACHE_LINE_SIZE,
				socket);
	if (im == NULL)
		return -ENOMEM;
	im->pool = pool;
	for (p = 0; p < PN_MAX_PORTS; p++) {
		struct impair_port *ip = &im->port[p];

		if (!confs[p].set)
			continue;
		ip->conf = &confs[p];
		impair_rng_seed(&ip->rng, seed, p, shard);
		if (fifo_init(&ip->reorder, confs[p].limit, socket) != 0 ||
		    fifo_init(&ip->delay, confs[p].limit, socket) != 0) {
			bench_impair_free(im);
			return -ENOMEM;
		}
	}
	im->napi.ops = &impair_ops;
	im->napi.ctx = im;
	snprintf(im->napi.name, sizeof(im->napi.name), "impair-s%u", shard);
	pn_timer_init(&im->timer, timer_fired);
	*out = im;
	return 0;
}

int
bench_impair_attach(struct bench_impair *im, struct pn_lcore *lc)
{
	int ret = pn_lcore_add_napi(lc, &im->napi);

	if (ret == 0)
		im->lc = lc;
	return ret;
}

void
bench_impair_flush(struct bench_impair *im, struct pn_lcore *lc)
{
	uint16_t p;

	if (im == NULL)
		return;
	for (p = 0; p < PN_MAX_PORTS; p++) {
		struct impair_port *ip = &im->port[p];
		struct impair_held *h;

		if (ip->conf == NULL)
			continue;
		/* Output order: what waits for its delay, then what was held back. */
		while ((h = fifo_head(&ip->delay)) != NULL) {
			struct impair_held r = *h;

			fifo_pop(&ip->delay);
			pass(lc, ip, r.q, r.m);
		}
		while ((h = fifo_head(&ip->reorder)) != NULL) {
			struct impair_held r = *h;

			fifo_pop(&ip->reorder);
			pass(lc, ip, r.q, r.m);
		}
	}
	if (im->lc != NULL)
		pn_timer_cancel(&im->lc->timers, &im->timer);
	im->timer_at = 0;
}

void
bench_impair_free(struct bench_impair *im)
{
	uint16_t p;

	if (im == NULL)
		return;
	for (p = 0; p < PN_MAX_PORTS; p++) {
		rte_free(im->port[p].reorder.e);
		rte_free(im->port[p].delay.e);
	}
	rte_free(im);
}

/* --- pollnet-bench glue --- */

int
bench_impair_setup(struct bench_worker *w)
{
	const struct bench_conf *c = &w->ctx->conf;
	bool any = false;
	uint16_t p;
	int ret;

	for (p = 0; p < w->ctx->nb_ports; p++)
		any |= c->impair[p].set && w->nb_txq[p] > 0;
	if (!any)
		return 0;
	ret = bench_impair_create(c->impair, c->seed, w->shard, w->pool,
				  (int)rte_lcore_to_socket_id(w->lcore_id),
				  &w->impair);
	if (ret != 0)
		return ret;
	ret = bench_impair_attach(w->impair, &w->lc);
	if (ret != 0) {
		bench_impair_free(w->impair);
		w->impair = NULL;
	}
	return ret;
}

void
bench_impair_sum(const struct bench_ctx *ctx, uint16_t port,
		 struct bench_impair_stats *out)
{
	uint16_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < ctx->nb_workers; i++) {
		const struct bench_impair *im = ctx->w[i]->impair;
		const struct bench_impair_stats *s;

		if (!bench_impair_on(im, port))
			continue;
		s = &im->port[port].st;
#define ADD(f) out->f += s->f;
		BENCH_IMPAIR_STATS(ADD)
#undef ADD
	}
}
