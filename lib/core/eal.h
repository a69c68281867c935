/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_CORE_EAL_H
#define PN_CORE_EAL_H

/*
 * EAL leaves its runtime directory (/var/run/dpdk/<file-prefix>: config,
 * multi-process and telemetry sockets) behind even after
 * rte_eal_cleanup(). A process that stops should leave nothing: call this
 * once after rte_eal_init() succeeded, and the directory is removed at
 * exit(), whatever path the process leaves by.
 */
void pn_eal_remove_runtime_dir_at_exit(void);

#endif /* PN_CORE_EAL_H */
