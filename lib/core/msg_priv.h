/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_CORE_MSG_PRIV_H
#define PN_CORE_MSG_PRIV_H

struct pn_napi;

/** The NAPI instance that drains an lcore's message ring. */
void pn_msg_napi_init(struct pn_napi *n);

#endif /* PN_CORE_MSG_PRIV_H */
