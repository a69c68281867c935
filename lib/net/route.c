/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes and address questions. The table is small (connected subnets of
 * at most 8 addresses per port, 32 static routes, the default), built
 * once from the configuration and sorted longest prefix first, so a
 * linear scan's first match is the longest prefix match. A table of
 * thousands of routes would want rte_lpm instead.
 */
#include <errno.h>
#include <string.h>

#include "net_priv.h"

static void
route_add(struct pn_net *net, uint32_t prefix, uint8_t len, uint8_t pidx,
	  uint8_t kind, uint32_t gw, uint32_t src)
{
	struct net_route *r;
	unsigned int i;

	/* Insertion sort, stable: on equal length the earlier kind wins
	 * (connected before static before default). */
	for (i = net->nb_routes; i > 0 && net->routes[i - 1].len < len; i--)
		net->routes[i] = net->routes[i - 1];
	r = &net->routes[i];
	r->mask = net_mask(len);
	r->prefix = prefix & r->mask;
	r->len = len;
	r->pidx = pidx;
	r->kind = kind;
	r->gw = gw;
	r->src = src;
	net->nb_routes++;
}

void
route_build(struct pn_net *net)
{
	const struct pn_net_conf *c = net->conf;
	const struct net_route *via;
	unsigned int p, a, i;

	net->nb_routes = 0;
	/* every pn_net_dst filled from the old table is out of date */
	if (++net->route_gen == 0)
		net->route_gen = 1;
	/* Our own addresses first: on equal length the first added wins */
	for (p = 0; p < c->nb_ports; p++)
		for (a = 0; a < c->port[p].nb_addrs; a++)
			if (route_lookup(net, c->port[p].addr[a].ip) == NULL)
				route_add(net, c->port[p].addr[a].ip, 32,
					  (uint8_t)p, NET_ROUTE_LOCAL, 0,
					  c->port[p].addr[a].ip);
	/* and 127.0.0.0/8, from 127.0.0.1, as Linux's lo (port 0's MAC) */
	if (c->nb_ports > 0)
		route_add(net, NET_LO_NET, 8, 0, NET_ROUTE_LOCAL, 0,
			  NET_LO_NET + 1);
	for (p = 0; p < c->nb_ports; p++) {
		net->nb_bcast[p] = 0;
		for (a = 0; a < c->port[p].nb_addrs; a++) {
			const struct pn_net_addr *ad = &c->port[p].addr[a];
			uint32_t m = net_mask(ad->prefix_len);
			bool dup = false;

			/* /31 and /32 have no broadcast address (RFC 3021) */
			if (ad->prefix_len <= 30)
				net->bcast[p][net->nb_bcast[p]++] = (ad->ip & m) | ~m;

			/* A second address in the same subnet adds no route. */
			for (i = 0; i < net->nb_routes; i++)
				dup |= net->routes[i].len == ad->prefix_len &&
				       net->routes[i].prefix == (ad->ip & m);
			if (!dup)
				route_add(net, ad->ip, ad->prefix_len,
					  (uint8_t)p, NET_ROUTE_CONNECTED, 0,
					  ad->ip);
		}
	}
	/* Gateways resolve through the connected routes only (checked). */
	for (i = 0; i < c->nb_routes; i++) {
		via = route_lookup(net, c->route[i].gw);
		if (via != NULL && via->kind == NET_ROUTE_CONNECTED)
			route_add(net, c->route[i].prefix,
				  c->route[i].prefix_len, via->pidx,
				  NET_ROUTE_STATIC, c->route[i].gw, via->src);
	}
	if (c->gateway != 0) {
		via = route_lookup(net, c->gateway);
		if (via != NULL && via->kind == NET_ROUTE_CONNECTED)
			route_add(net, 0, 0, via->pidx, NET_ROUTE_DEFAULT,
				  c->gateway, via->src);
	}
}

const struct net_route *
route_lookup(const struct pn_net *net, uint32_t dst)
{
	unsigned int i;

	for (i = 0; i < net->nb_routes; i++)
		if ((dst & net->routes[i].mask) == net->routes[i].prefix)
			return &net->routes[i];
	return NULL;
}

int
pn_net_route(const struct pn_net *net, uint32_t dst,
	     struct pn_net_nexthop *out)
{
	const struct net_route *r = route_lookup(net, dst);
	const struct pn_net_port_conf *pc;

	if (r == NULL)
		return -ENETUNREACH;
	pc = net_port(net, r->pidx);
	out->port_id = pc->port_id;
	out->nexthop = r->gw != 0 ? r->gw : dst;
	out->src = r->src;
	out->mtu = pc->mtu;
	out->tx_tcp_cksum = pc->tx_tcp_cksum;
	out->tx_udp_cksum = pc->tx_udp_cksum;
	/* to ourselves: the loopback takes no TSO segment */
	out->tx_tso = r->kind != NET_ROUTE_LOCAL && pn_net_port_tso(pc);
	return 0;
}

/* Weak host model (RFC 1122 3.3.4.2), as Linux: any port's address. */
bool
pn_net_is_local(const struct pn_net *net, uint32_t ip)
{
	unsigned int p;

	for (p = 0; p < net->conf->nb_ports; p++)
		if (net_port_has_addr(net, (uint8_t)p, ip))
			return true;
	return false;
}

bool
pn_net_addr_bindable(const struct pn_net *net, uint32_t ip)
{
	unsigned int p;

	if (ip == 0 || ip >> 28 == 0xe || net_is_lo(ip) ||
	    pn_net_is_local(net, ip))
		return true;
	for (p = 0; p < net->conf->nb_ports; p++)
		if (net_is_bcast(net, (uint8_t)p, ip))
			return true;
	return false;
}

bool
net_addr_is_host(const struct pn_net *net, uint32_t ip)
{
	unsigned int p;

	if (net_ip_martian(ip))
		return false;
	for (p = 0; p < net->conf->nb_ports; p++)
		if (net_port_has_addr(net, (uint8_t)p, ip) ||
		    net_is_bcast(net, (uint8_t)p, ip))
			return false;
	return true;
}

uint32_t
net_port_src(const struct pn_net *net, uint8_t pidx, uint32_t peer)
{
	const struct pn_net_port_conf *pc = net_port(net, pidx);
	unsigned int a;

	for (a = 0; a < pc->nb_addrs; a++) {
		uint32_t m = net_mask(pc->addr[a].prefix_len);

		if ((pc->addr[a].ip & m) == (peer & m))
			return pc->addr[a].ip;
	}
	return pc->addr[0].ip;
}
