/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telemetry (dpdk-telemetry.py):
 *   /pollnet/tcp[,N]        nstat-like counters, summed or of shard N
 *   /pollnet/tcp/conns,N    connections of shard N, like ss -ti
 * Keys use only [A-Za-z0-9_] as rte_telemetry requires.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "tcp_cc.h"
#include "tcp_priv.h"
#include "telemetry.h"

#define TEL_MAX_CONNS 128

static const char *const state_names[] = {
	[0] = "UNKNOWN",
	[PN_TCP_ESTABLISHED] = "ESTABLISHED",
	[PN_TCP_SYN_SENT] = "SYN_SENT",
	[PN_TCP_SYN_RECEIVED] = "SYN_RECV",
	[PN_TCP_FIN_WAIT_1] = "FIN_WAIT1",
	[PN_TCP_FIN_WAIT_2] = "FIN_WAIT2",
	[PN_TCP_TIME_WAIT] = "TIME_WAIT",
	[PN_TCP_CLOSED] = "CLOSE",
	[PN_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[PN_TCP_LAST_ACK] = "LAST_ACK",
	[PN_TCP_LISTEN] = "LISTEN",
	[PN_TCP_CLOSING] = "CLOSING",
};

const char *
pn_tcp_state_name(uint8_t s)
{
	return s < RTE_DIM(state_names) && state_names[s] ? state_names[s] : "?";
}

/* -1: no parameter, -2: bad one, else a shard with TCP. */
static int
shard_param(const char *params)
{
	int v = pn_telemetry_shard_param(params);

	if (v >= 0 && pn_tcp_of_shard((uint16_t)v) == NULL)
		return -2;
	return v;
}

static int
tel_tcp(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct pn_tcp_stat sum = { 0 };
	int s = shard_param(params), i;

	(void)cmd;
	if (s == -2)
		return -1;
	for (i = 0; i < PN_MAX_SHARDS; i++) {
		const struct pn_tcp *t = pn_tcp_of_shard((uint16_t)i);

		if (t == NULL || (s >= 0 && s != i))
			continue;
#define X(n) sum.n += t->stat.n;
		TCP_STATS(X)
#undef X
	}
	rte_tel_data_start_dict(d);
#define X(n) rte_tel_data_add_dict_u64(d, #n, sum.n);
	TCP_STATS(X)
#undef X
	return 0;
}

static void
ip_str(char *b, size_t n, uint32_t ip, uint16_t port)
{
	snprintf(b, n, "%u.%u.%u.%u:%u", ip >> 24, (ip >> 16) & 255,
		 (ip >> 8) & 255, ip & 255, port);
}

static int
tel_conns(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct pn_tcp_conn *c;
	struct pn_tcp *t;
	int s = shard_param(params), n = 0;
	char key[16], a[32];

	(void)cmd;
	if (s < 0)
		return -1;
	t = pn_tcp_of_shard((uint16_t)s);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "count", t->nconns);
	TAILQ_FOREACH(c, &t->conns, link) {
		struct rte_tel_data *e;
		struct pn_tcp_info i;

		if (n >= TEL_MAX_CONNS)
			break;
		e = rte_tel_data_alloc();
		if (e == NULL)
			break;
		pn_tcp_info(c, &i);
		rte_tel_data_start_dict(e);
		rte_tel_data_add_dict_string(e, "state", pn_tcp_state_name(c->state));
		ip_str(a, sizeof(a), c->key.lip, c->key.lport);
		rte_tel_data_add_dict_string(e, "local", a);
		ip_str(a, sizeof(a), c->key.rip, c->key.rport);
		rte_tel_data_add_dict_string(e, "peer", a);
		rte_tel_data_add_dict_u64(e, "rtt_us", i.rtt_us);
		rte_tel_data_add_dict_u64(e, "rttvar_us", i.rttvar_us);
		rte_tel_data_add_dict_u64(e, "rto_us", i.rto_us);
		rte_tel_data_add_dict_u64(e, "mss", i.snd_mss);
		rte_tel_data_add_dict_u64(e, "cwnd", i.snd_cwnd);
		rte_tel_data_add_dict_u64(e, "ssthresh", i.snd_ssthresh);
		rte_tel_data_add_dict_u64(e, "unacked", i.unacked);
		rte_tel_data_add_dict_u64(e, "retrans", i.retransmits);
		rte_tel_data_add_dict_u64(e, "total_retrans", i.total_retrans);
		rte_tel_data_add_dict_u64(e, "bytes_acked", i.bytes_acked);
		rte_tel_data_add_dict_u64(e, "bytes_received", i.bytes_received);
		rte_tel_data_add_dict_u64(e, "snd_wnd", c->snd_wnd);
		rte_tel_data_add_dict_u64(e, "rcv_wnd", tcp_rcv_wnd(c));
		rte_tel_data_add_dict_u64(e, "sndq", c->sndq.len);
		rte_tel_data_add_dict_u64(e, "rcvq", c->rcvq.len);
		rte_tel_data_add_dict_string(e, "cc", c->cc->name);
		snprintf(key, sizeof(key), "c%d", n++);
		if (rte_tel_data_add_dict_container(d, key, e, 0) < 0) {
			rte_tel_data_free(e);
			break;
		}
	}
	return 0;
}

int
tcp_telemetry_call(const char *cmd, const char *params, struct rte_tel_data *d)
{
	if (strcmp(cmd, "/pollnet/tcp") == 0)
		return tel_tcp(cmd, params, d);
	if (strcmp(cmd, "/pollnet/tcp/conns") == 0)
		return tel_conns(cmd, params, d);
	return -1;
}

int
tcp_telemetry_register(void)
{
	static bool done;
	int rc;

	if (done)
		return 0;
	done = true;
	if ((rc = rte_telemetry_register_cmd("/pollnet/tcp", tel_tcp,
		"TCP counters like nstat. Parameters: int shard (optional)")) < 0 ||
	    (rc = rte_telemetry_register_cmd("/pollnet/tcp/conns", tel_conns,
		"TCP connections of a shard like ss -ti. Parameters: int shard")) < 0)
		return rc;
	return 0;
}
