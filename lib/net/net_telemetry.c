/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/net through rte_telemetry (dpdk-telemetry.py):
 *   /pollnet/arp[,N]   ARP entries of every shard (or shard N)
 *   /pollnet/routes    the route table (the same on every shard)
 *   /pollnet/ip[,N]    counters summed over shards and per shard (or N)
 * Read without locks while the shards run: counters are aligned 64-bit
 * words; ARP entries are read slot by slot (never through hash chains), so
 * an entry may show half-updated but the walk is always safe.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "net_priv.h"
#include "telemetry.h"

#define NET_STAT_FIELDS(X) \
	X(ip_in) X(ip_delivered) X(ip_out) X(frag_in) X(reasm_ok) \
	X(reasm_fail) X(reasm_timeout) X(frag_ok) X(frag_out) X(icmp_in) \
	X(icmp_out) X(icmp_echo_in) X(icmp_err_out) X(icmp_err_suppressed) \
	X(icmp_ratelimited) X(arp_in) X(arp_out) X(arp_requests) \
	X(arp_replies) X(arp_learned) X(arp_pending_dropped) X(arp_failed) \
	X(arp_evicted) X(arp_msg_out) X(arp_msg_in) X(neg_advice) \
	X(arp_reconfirm) X(nomem) X(ip_opts_noecho) X(ip_loopback)

#define IP_FMT "%u.%u.%u.%u"
#define IP_ARGS(a) (a) >> 24, ((a) >> 16) & 0xff, ((a) >> 8) & 0xff, (a) & 0xff

/* -1: no parameter, -2: bad one, else the shard. */
static int
tel_shard(const char *params)
{
	int v = pn_telemetry_shard_param(params);

	if (v >= 0 && pn_net_of_shard((uint16_t)v) == NULL)
		return -2;
	return v;
}

static void
tel_arp_shard(struct rte_tel_data *a, const struct pn_net *net)
{
	const struct arp_cache *c = &net->arp;
	uint64_t now = net->lc->now;
	uint32_t i;

	rte_tel_data_start_array(a, RTE_TEL_STRING_VAL);
	for (i = 0; i < c->size; i++) {
		const struct arp_entry *e = &c->e[i];
		enum pn_arp_state st = (enum pn_arp_state)e->state;
		char s[RTE_TEL_MAX_STRING_LEN];

		if (st == PN_ARP_FREE)
			continue;
		if (st == PN_ARP_REACHABLE &&
		    now - e->updated_ns >=
			    (uint64_t)net->conf->arp.reachable_ms *
				    PN_NS_PER_MS)
			st = PN_ARP_STALE;
		snprintf(s, sizeof(s),
			 IP_FMT " %02x:%02x:%02x:%02x:%02x:%02x %s age_ms=%llu port=%u pending=%u",
			 IP_ARGS(e->ip), e->mac[0], e->mac[1], e->mac[2],
			 e->mac[3], e->mac[4], e->mac[5],
			 pn_arp_state_name(st),
			 (unsigned long long)((now - e->updated_ns) /
					      PN_NS_PER_MS),
			 net_port(net, e->pidx)->port_id, e->npend);
		if (rte_tel_data_add_array_string(a, s) < 0)
			break;	/* RTE_TEL_MAX_ARRAY_ENTRIES */
	}
}

static int
tel_arp(const char *cmd, const char *params, struct rte_tel_data *d)
{
	int s = tel_shard(params);
	uint16_t i;

	RTE_SET_USED(cmd);
	if (s == -2)
		return -EINVAL;
	if (s >= 0) {
		tel_arp_shard(d, pn_net_of_shard((uint16_t)s));
		return 0;
	}
	rte_tel_data_start_dict(d);
	for (i = 0; i < PN_MAX_SHARDS; i++) {
		const struct pn_net *net = pn_net_of_shard(i);
		struct rte_tel_data *a;
		char key[8];

		if (net == NULL || (a = rte_tel_data_alloc()) == NULL)
			continue;
		tel_arp_shard(a, net);
		snprintf(key, sizeof(key), "%u", i);
		rte_tel_data_add_dict_container(d, key, a, 0);
	}
	return 0;
}

static int
tel_routes(const char *cmd, const char *params, struct rte_tel_data *d)
{
	static const char *const kinds[] = { "connected", "static",
					      "default", "local" };
	const struct pn_net *net = NULL;
	uint16_t i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	for (i = 0; i < PN_MAX_SHARDS && net == NULL; i++)
		net = pn_net_of_shard(i);
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	if (net == NULL)
		return 0;
	for (i = 0; i < net->nb_routes; i++) {
		const struct net_route *r = &net->routes[i];
		char s[RTE_TEL_MAX_STRING_LEN], via[32] = "";

		if (r->gw != 0)
			snprintf(via, sizeof(via), " via " IP_FMT,
				 IP_ARGS(r->gw));
		snprintf(s, sizeof(s), IP_FMT "/%u%s port %u src " IP_FMT " %s",
			 IP_ARGS(r->prefix), r->len, via,
			 net_port(net, r->pidx)->port_id, IP_ARGS(r->src),
			 kinds[r->kind]);
		rte_tel_data_add_array_string(d, s);
	}
	return 0;
}

static void
tel_stat_dict(struct rte_tel_data *d, const struct pn_net_stat *s)
{
	rte_tel_data_start_dict(d);
#define X(f) rte_tel_data_add_dict_u64(d, #f, s->f);
	NET_STAT_FIELDS(X)
#undef X
}

static int
tel_ip(const char *cmd, const char *params, struct rte_tel_data *d)
{
	int s = tel_shard(params);
	struct pn_net_stat sum = { 0 };
	struct rte_tel_data *c;
	uint16_t i;

	RTE_SET_USED(cmd);
	if (s == -2)
		return -EINVAL;
	if (s >= 0) {
		tel_stat_dict(d, &pn_net_of_shard((uint16_t)s)->stat);
		return 0;
	}
	for (i = 0; i < PN_MAX_SHARDS; i++) {
		const struct pn_net *net = pn_net_of_shard(i);

		if (net == NULL)
			continue;
#define X(f) sum.f += net->stat.f;
		NET_STAT_FIELDS(X)
#undef X
	}
	rte_tel_data_start_dict(d);
	if ((c = rte_tel_data_alloc()) != NULL) {
		tel_stat_dict(c, &sum);
		rte_tel_data_add_dict_container(d, "total", c, 0);
	}
	for (i = 0; i < PN_MAX_SHARDS; i++) {
		const struct pn_net *net = pn_net_of_shard(i);
		char key[8];

		if (net == NULL || (c = rte_tel_data_alloc()) == NULL)
			continue;
		tel_stat_dict(c, &net->stat);
		snprintf(key, sizeof(key), "%u", i);
		rte_tel_data_add_dict_container(d, key, c, 0);
	}
	return 0;
}

int
net_telemetry_register(void)
{
	static int registered;
	int rc;

	if (registered)
		return 0;
	if ((rc = rte_telemetry_register_cmd("/pollnet/arp", tel_arp,
			"ARP entries of every shard. Parameter: shard (optional)")) < 0 ||
	    (rc = rte_telemetry_register_cmd("/pollnet/routes", tel_routes,
			"IPv4 routes. No parameters")) < 0 ||
	    (rc = rte_telemetry_register_cmd("/pollnet/ip", tel_ip,
			"IPv4/ICMP/ARP counters, summed and per shard. Parameter: shard (optional)")) < 0)
		return rc;
	registered = 1;
	return 0;
}

int
pn_net_telemetry_call(const char *cmd, const char *params,
		      struct rte_tel_data *d)
{
	if (strcmp(cmd, "/pollnet/arp") == 0)
		return tel_arp(cmd, params, d);
	if (strcmp(cmd, "/pollnet/routes") == 0)
		return tel_routes(cmd, params, d);
	if (strcmp(cmd, "/pollnet/ip") == 0)
		return tel_ip(cmd, params, d);
	return -ENOENT;
}
