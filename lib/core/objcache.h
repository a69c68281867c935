/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_CORE_OBJCACHE_H
#define PN_CORE_OBJCACHE_H

/*
 * A bounded per-lcore free list of fixed-size objects (sockets, TCBs,
 * epoll items): a connection per request (tcp-crr) paid calloc + free for
 * each of them, ~1,400 instructions per connection. Only the owning lcore
 * touches it. Objects come back zeroed, as from calloc; beyond @c max
 * they go back to malloc.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct pn_objcache {
	void *head;         /**< free objects, linked through their first bytes */
	uint32_t n;         /**< on the list */
	uint32_t max;       /**< at most this many kept */
	size_t size;        /**< object size, at least a pointer */
};

/** An empty cache of objects of @p size bytes keeping up to @p max. */
static inline void
pn_objcache_init(struct pn_objcache *oc, size_t size, uint32_t max)
{
	oc->head = NULL;
	oc->n = 0;
	oc->max = max;
	oc->size = size < sizeof(void *) ? sizeof(void *) : size;
}

/** A zeroed object, or NULL when memory is out. */
static inline void *
pn_objcache_get(struct pn_objcache *oc)
{
	void *p = oc->head;

	if (p == NULL)
		return calloc(1, oc->size);
	memcpy(&oc->head, p, sizeof(void *));
	oc->n--;
	memset(p, 0, oc->size);
	return p;
}

/** Give @p p (from pn_objcache_get, or NULL) back. */
static inline void
pn_objcache_put(struct pn_objcache *oc, void *p)
{
	if (p == NULL)
		return;
	if (oc->n >= oc->max) {
		free(p);
		return;
	}
	memcpy(p, &oc->head, sizeof(void *));
	oc->head = p;
	oc->n++;
}

/** Free every object kept. */
static inline void
pn_objcache_fini(struct pn_objcache *oc)
{
	void *p;

	while ((p = oc->head) != NULL) {
		memcpy(&oc->head, p, sizeof(void *));
		free(p);
	}
	oc->n = 0;
}

#endif /* PN_CORE_OBJCACHE_H */
