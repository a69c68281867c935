/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "clock.h"
#include "ipopt.h"
#include "ipv4.h"
#include "fuzz_util.h"

uint64_t
fz_clock_ns(uint8_t code)
{
	static const uint64_t unit[8] = {
		PN_NS_PER_US, 10 * PN_NS_PER_US, 100 * PN_NS_PER_US,
		PN_NS_PER_MS, 10 * PN_NS_PER_MS, 100 * PN_NS_PER_MS,
		PN_NS_PER_S, 10 * PN_NS_PER_S,
	};

	return ((uint64_t)(code & 31) + 1) * unit[code >> 5];
}

struct rte_mbuf *
fz_mbuf_chain(struct rte_mempool *pool, const uint8_t *p, uint32_t len,
	      uint32_t first)
{
	uint32_t room = rte_pktmbuf_data_room_size(pool) -
			RTE_PKTMBUF_HEADROOM;
	struct rte_mbuf *head = NULL, *m;
	uint32_t off = 0, n;

	if (first == 0 || first >= len)
		first = room;
	do {
		n = RTE_MIN(off == 0 ? first : room, len - off);
		m = rte_pktmbuf_alloc(pool);
		if (m == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		memcpy(rte_pktmbuf_append(m, (uint16_t)n), p + off, n);
		if (head == NULL)
			head = m;
		else if (rte_pktmbuf_chain(head, m) != 0) {
			rte_pktmbuf_free(m);
			rte_pktmbuf_free(head);
			return NULL;
		}
		off += n;
	} while (off < len);
	return head;
}

bool
fz_final_dst(const struct pn_ipv4_hdr *ip, uint32_t *dst)
{
	const uint8_t *o = ip->opts;
	uint32_t i = 0, n;

	*dst = ip->dst;
	while (i < ip->opts_len && o[i] != PN_IPOPT_END) {
		if (o[i] == PN_IPOPT_NOOP) {
			i++;
			continue;
		}
		if (i + 1 >= ip->opts_len || o[i + 1] < 2 ||
		    i + o[i + 1] > ip->opts_len)
			return false;
		n = o[i + 1];
		if (o[i] == PN_IPOPT_LSRR || o[i] == PN_IPOPT_SSRR) {
			if (n < 7)
				return false;
			*dst = (uint32_t)o[i + n - 4] << 24 |
			       (uint32_t)o[i + n - 3] << 16 |
			       (uint32_t)o[i + n - 2] << 8 | o[i + n - 1];
			return true;
		}
		i += n;
	}
	return true;
}

void
fz_heap_usage(uint64_t *count, uint64_t *bytes)
{
	struct rte_malloc_socket_stats st;
	unsigned int i;

	*count = *bytes = 0;
	for (i = 0; i < rte_socket_count(); i++) {
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i),
						&st) < 0)
			continue;
		*count += st.alloc_count;
		*bytes += st.heap_allocsz_bytes;
	}
}
