/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /pollnet/gro[,N]: each shard's GRO counters. Tables are published by
 * whoever owns them (lib/net); counters are read without locks (aligned
 * 64-bit words, at most a round old).
 */
#include <errno.h>
#include <stdio.h>

#include <rte_common.h>
#include <rte_telemetry.h>

#include "gro.h"
#include "lcore.h"
#include "telemetry.h"

static const struct pn_gro *gro_tables[PN_MAX_SHARDS];

#define GRO_FIELDS(X) \
	X(held) X(merged) X(flushed) X(flushed_merged) X(evicted) X(bypass) \
	X(csum_sw) X(csum_bad)

static void
gro_dict(struct rte_tel_data *d, const struct pn_gro *g)
{
	const struct pn_gro_stat *s = &g->stat;

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "max_flows", g->conf.max_flows);
	rte_tel_data_add_dict_u64(d, "max_segs", g->conf.max_segs);
#define X(f) rte_tel_data_add_dict_u64(d, #f, s->f);
	GRO_FIELDS(X)
#undef X
	/* segments per packet handed up from the table, x100 */
	rte_tel_data_add_dict_u64(d, "segs_per_flush_x100",
				  s->flushed ? (s->held + s->merged) * 100 /
						       s->flushed : 0);
}

static int
tel_gro(const char *cmd, const char *params, struct rte_tel_data *d)
{
	int s = pn_telemetry_shard_param(params);
	const struct pn_gro *g;
	uint16_t i;

	RTE_SET_USED(cmd);
	if (s >= 0) {
		g = __atomic_load_n(&gro_tables[s], __ATOMIC_ACQUIRE);
		if (g == NULL)
			return -EINVAL;
		gro_dict(d, g);
		return 0;
	}
	if (s == -2)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	for (i = 0; i < PN_MAX_SHARDS; i++) {
		struct rte_tel_data *c;
		char key[8];

		g = __atomic_load_n(&gro_tables[i], __ATOMIC_ACQUIRE);
		if (g == NULL || (c = rte_tel_data_alloc()) == NULL)
			continue;
		gro_dict(c, g);
		snprintf(key, sizeof(key), "%u", i);
		if (rte_tel_data_add_dict_container(d, key, c, 0) < 0)
			rte_tel_data_free(c);
	}
	return 0;
}

int
pn_gro_publish(uint16_t shard, const struct pn_gro *g)
{
	static int registered;
	int rc;

	if (shard >= PN_MAX_SHARDS)
		return -EINVAL;
	__atomic_store_n(&gro_tables[shard], g, __ATOMIC_RELEASE);
	if (g == NULL || registered)
		return 0;
	rc = rte_telemetry_register_cmd("/pollnet/gro", tel_gro,
			"GRO counters. Parameter: shard (optional)");
	if (rc < 0)
		return rc;
	registered = 1;
	return 0;
}
