/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_CORE_LOG_H
#define PN_CORE_LOG_H

/* Logging through rte_log, one log type per module ("pollnet.core", ...). */

#include <rte_log.h>

extern int pn_logtype_core;

#define PN_LOG(type, level, fmt, ...) \
	rte_log(RTE_LOG_##level, (type), "pollnet: " fmt "\n", ##__VA_ARGS__)

#define PN_CORE_LOG(level, fmt, ...) \
	PN_LOG(pn_logtype_core, level, fmt, ##__VA_ARGS__)

#endif /* PN_CORE_LOG_H */
