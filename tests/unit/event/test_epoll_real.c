/* SPDX-License-Identifier: BSD-3-Clause */
/* The epoll differential suite over the real lib/tcp on net_ring ports. */
#define PN_DIFF_REAL 1
#include "test_epoll.c"
