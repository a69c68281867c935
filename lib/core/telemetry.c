/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "lcore.h"
#include "telemetry.h"

static struct pn_shards *tel_shards;

#define SOFTNET_FIELDS(X) \
	X(rounds) X(busy_rounds) X(processed) X(time_squeeze) \
	X(budget_squeeze) X(sleeps) X(naps) X(sleep_aborts) X(wakeups) \
	X(timer_wakeups) X(sleep_ns) X(busy_poll_grows) X(busy_poll_shrinks) \
	X(rx_split) X(rx_stashed) \
	X(steered_out) X(steered_in) X(looped) \
	X(tx_packets) X(tx_bursts) X(tx_held) X(tx_hold_waits) \
	X(tx_drained) X(timers) X(drops)

int
pn_telemetry_shard_param(const char *params)
{
	char *end;
	long v;

	if (params == NULL || *params == '\0')
		return -1;
	v = strtol(params, &end, 10);
	if (*end != '\0' || end == params || v < 0 || v >= PN_MAX_SHARDS)
		return -2;
	return (int)v;
}

static int
parse_shard(const char *params, const struct pn_shards *sh)
{
	int v = pn_telemetry_shard_param(params);

	if (v >= 0 && (v >= sh->n || sh->lc[v] == NULL))
		return -2;
	return v;
}

static void
softnet_dict(struct rte_tel_data *d, const struct pn_lcore *lc)
{
	const struct pn_softnet_stat *s = &lc->stat;

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "shard", lc->shard);
	rte_tel_data_add_dict_u64(d, "lcore", lc->lcore_id);
#define X(f) rte_tel_data_add_dict_u64(d, #f, s->f);
	SOFTNET_FIELDS(X)
#undef X
	/* the wheel's lazy work (pn_timer_defer, pn_timer_cancel_lazy) */
	rte_tel_data_add_dict_u64(d, "timers_moved", lc->timers.moved);
	rte_tel_data_add_dict_u64(d, "timers_stale", lc->timers.stale);
	/* a gauge: the adaptive window now (napi.busy_poll_max_us) */
	rte_tel_data_add_dict_u64(d, "busy_poll_us",
				  lc->busy_poll_ns / PN_NS_PER_US);
}

static int
tel_lcores(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct pn_shards *sh = tel_shards;
	uint16_t i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "shards", sh->n);
	rte_tel_data_add_dict_u64(d, "steering", sh->steering);
	for (i = 0; i < sh->n; i++) {
		char key[24];

		if (sh->lc[i] == NULL)
			continue;
		snprintf(key, sizeof(key), "shard%u_lcore", i);
		rte_tel_data_add_dict_u64(d, key, sh->lc[i]->lcore_id);
	}
	return 0;
}

/* One shard's dict (parameter N) or every shard's, keyed by number. */
static int
tel_per_shard(const char *params, struct rte_tel_data *d,
	      void (*dict)(struct rte_tel_data *, const struct pn_lcore *))
{
	struct pn_shards *sh = tel_shards;
	int s = parse_shard(params, sh);
	uint16_t i;

	if (s >= 0) {
		dict(d, sh->lc[s]);
		return 0;
	}
	if (s == -2)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	for (i = 0; i < sh->n; i++) {
		struct rte_tel_data *c;
		char key[24];

		if (sh->lc[i] == NULL || (c = rte_tel_data_alloc()) == NULL)
			continue;
		dict(c, sh->lc[i]);
		snprintf(key, sizeof(key), "%u", i);
		if (rte_tel_data_add_dict_container(d, key, c, 0) < 0)
			rte_tel_data_free(c);
	}
	return 0;
}

static int
tel_softnet(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return tel_per_shard(params, d, softnet_dict);
}

/* Cycles per phase, per packet and per KB received, while accounting was
 * on (the current stretch is not charged yet). */
static void
cycles_dict(struct rte_tel_data *d, const struct pn_lcore *lc)
{
	const struct pn_lcore_cycles *c = &lc->cyc;
	uint64_t total = 0, pk = c->rx_packets, kb = c->rx_bytes;
	char key[32];
	unsigned int p;

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "shard", lc->shard);
	rte_tel_data_add_dict_u64(d, "enabled", c->on);
	rte_tel_data_add_dict_u64(d, "tsc_hz", rte_get_tsc_hz());
	rte_tel_data_add_dict_u64(d, "rx_packets", pk);
	rte_tel_data_add_dict_u64(d, "rx_bytes", kb);
	for (p = 0; p < PN_PHASE__MAX; p++) {
		const char *name = pn_lcore_phase_name((enum pn_lcore_phase)p);

		total += c->cycles[p];
		rte_tel_data_add_dict_u64(d, name, c->cycles[p]);
		snprintf(key, sizeof(key), "%s_per_pkt", name);
		rte_tel_data_add_dict_u64(d, key, pk ? c->cycles[p] / pk : 0);
		snprintf(key, sizeof(key), "%s_per_kb", name);
		rte_tel_data_add_dict_u64(d, key,
					  kb ? c->cycles[p] * 1000 / kb : 0);
	}
	rte_tel_data_add_dict_u64(d, "total", total);
}

static int
tel_cycles(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return tel_per_shard(params, d, cycles_dict);
}

void
pn_telemetry_key(char *dst, size_t len, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < len && src[i] != '\0'; i++)
		dst[i] = isalnum((unsigned char)src[i]) || src[i] == '/' ?
			 src[i] : '_';
	dst[i] = '\0';
}

static int
tel_napi(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct pn_shards *sh = tel_shards;
	int s = parse_shard(params, sh);
	struct pn_lcore *lc;
	uint8_t i;

	RTE_SET_USED(cmd);
	if (s < 0)
		return -EINVAL;
	lc = sh->lc[s];
	rte_tel_data_start_dict(d);
	for (i = 0; i < lc->nb_napi; i++) {
		const struct pn_napi *n = lc->napi[i];
		struct rte_tel_data *c = rte_tel_data_alloc();
		char key[sizeof(n->name)];

		if (c == NULL)
			continue;
		pn_telemetry_key(key, sizeof(key), n->name);
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_u64(c, "weight", n->weight);
		rte_tel_data_add_dict_u64(c, "polls", n->polls);
		rte_tel_data_add_dict_u64(c, "packets", n->packets);
		rte_tel_data_add_dict_u64(c, "full_polls", n->full_polls);
		rte_tel_data_add_dict_u64(c, "irq", n->irq_ok);
		if (rte_tel_data_add_dict_container(d, key, c, 0) < 0)
			rte_tel_data_free(c);
	}
	return 0;
}

static int
tel_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct pn_shards *sh = tel_shards;
	unsigned int r;
	uint16_t i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	for (r = 0; r < PN_DROP__MAX; r++) {
		uint64_t sum = 0;

		for (i = 0; i < sh->n; i++)
			if (sh->lc[i] != NULL)
				sum += sh->lc[i]->stat.drop[r];
		rte_tel_data_add_dict_u64(d, pn_drop_name(r), sum);
	}
	return 0;
}

int
pn_telemetry_register(struct pn_shards *shards)
{
	static int registered;
	int rc;

	tel_shards = shards;
	if (registered)
		return 0;
	if ((rc = rte_telemetry_register_cmd("/pollnet/lcores", tel_lcores,
			"Shards and their lcores. No parameters")) < 0 ||
	    (rc = rte_telemetry_register_cmd("/pollnet/softnet", tel_softnet,
			"NAPI loop counters. Parameter: shard (optional)")) < 0 ||
	    (rc = rte_telemetry_register_cmd("/pollnet/napi", tel_napi,
			"NAPI instance counters. Parameter: shard")) < 0 ||
	    (rc = rte_telemetry_register_cmd("/pollnet/drops", tel_drops,
			"Dropped packets by reason. No parameters")) < 0 ||
	    (rc = rte_telemetry_register_cmd("/pollnet/cycles", tel_cycles,
			"Cycles per loop phase (when accounting is on). Parameter: shard (optional)")) < 0)
		return rc;
	registered = 1;
	return 0;
}
