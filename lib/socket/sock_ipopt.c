/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IP_OPTIONS kept by sockets (Linux inet->inet_opt) until TCP takes them
 * at connect(), and for getsockopt. struct pn_sock has no room for a
 * pointer, so a socket holds a 16-bit slot of its lcore's table, which
 * grows by doubling (slot 0 is "none"). Finding a free slot scans the
 * table: IP_OPTIONS are set on few sockets.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipopt.h"
#include "sock_priv.h"

#define SOCK_IPOPT_MAX 65536u /* slots, 0 unused: a uint16_t names them */

/* A free slot of @p sl's table, grown when full. @return 0: none. */
static uint32_t
ipopt_slot_new(struct pn_sock_lcore *sl)
{
	struct pn_ipopt_tx **t;
	uint32_t i, n;

	for (i = 1; i < sl->nb_ipopts; i++)
		if (sl->ipopts[i] == NULL)
			return i;
	if (sl->nb_ipopts >= SOCK_IPOPT_MAX)
		return 0;
	n = sl->nb_ipopts ? sl->nb_ipopts * 2 : 16;
	t = realloc(sl->ipopts, n * sizeof(*t));
	if (t == NULL)
		return 0;
	memset(t + sl->nb_ipopts, 0, (n - sl->nb_ipopts) * sizeof(*t));
	i = sl->nb_ipopts ? sl->nb_ipopts : 1;
	sl->ipopts = t;
	sl->nb_ipopts = n;
	return i;
}

int
sock_ipopt_set(struct pn_sock *s, const struct pn_ipopt_tx *o)
{
	struct pn_sock_lcore *sl = s->sl;
	uint32_t i = s->ipopt;

	if (o == NULL || o->len == 0) {
		if (i != 0) {
			free(sl->ipopts[i]);
			sl->ipopts[i] = NULL;
			s->ipopt = 0;
		}
		return 0;
	}
	if (i == 0) {
		i = ipopt_slot_new(sl);
		if (i == 0)
			return -ENOMEM;
		sl->ipopts[i] = malloc(sizeof(*o));
		if (sl->ipopts[i] == NULL)
			return -ENOMEM;
		s->ipopt = (uint16_t)i;
	}
	*sl->ipopts[i] = *o;
	return 0;
}

const struct pn_ipopt_tx *
sock_ipopt_get(const struct pn_sock *s)
{
	return s->ipopt != 0 ? s->sl->ipopts[s->ipopt] : NULL;
}

void
sock_ipopt_fini(struct pn_sock_lcore *sl)
{
	uint32_t i;

	for (i = 1; i < sl->nb_ipopts; i++)
		free(sl->ipopts[i]);
	free(sl->ipopts);
	sl->ipopts = NULL;
	sl->nb_ipopts = 0;
}
