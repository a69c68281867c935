/* SPDX-License-Identifier: BSD-3-Clause */
/* rxonly: count every packet and free it (drop reason ENGINE, by design). */
#include "bench.h"

const struct bench_engine bench_engine_rxonly = {
	.name = "rxonly",
	.rx = bench_rx_count_free,
};
