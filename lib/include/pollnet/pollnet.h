/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef POLLNET_POLLNET_H
#define POLLNET_POLLNET_H

/**
 * @file
 * pollnet's installed API: start-up, running and shutdown of the stack as a
 * library for servers. The socket and epoll calls are in socket.h and
 * epoll.h (included here).
 *
 * A server:
 * @code
 *   int serve(void *arg) { ... pn_socket, pn_epoll_wait loop ... }
 *   int main(int argc, char **argv) {
 *       if (pn_init(argc, argv) < 0) return 1;
 *       int rc = pn_run(serve, NULL);   // one copy per lcore
 *       pn_cleanup();
 *       return rc;
 *   }
 * @endcode
 * Build: cc server.c $(pkg-config --cflags --libs pollnet)
 */

#include "socket.h"
#include "epoll.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PN_VERSION_MAJOR 0
#define PN_VERSION_MINOR 1
#define PN_VERSION_PATCH 0

/** "0.1.0": the version the library was built as. */
const char *pn_version(void);

/**
 * Start the stack: @p argv is EAL's command line (as rte_eal_init), then,
 * after "--", pollnet's options: --addr A.B.C.D/N (one per port, in port
 * order; default 198.18.0.2/24 for port 0, .3 for port 1...),
 * --gw A.B.C.D and --rss (use device RSS; default: software steering). Every ethdev port EAL probed (e.g. from --vdev) is started
 * with one queue pair per shard; one shard runs per worker lcore (on the
 * main lcore when there is none), each with its own TCP, sockets and epoll
 * instances.
 * @return 0, or -1 with errno: EALREADY (already initialised), EINVAL (bad
 * option), ENODEV (no port), ENOMEM, EIO (port start-up failed), or EAL's
 * rte_errno. A message names the cause on stderr.
 */
int pn_init(int argc, char **argv);

/**
 * Run @p fn(@p arg) on every shard's lcore at once (one copy per lcore,
 * like SO_REUSEPORT sharding: each copy opens its own listener) and wait
 * for all to return. Inside @p fn the pn_* calls act on that lcore's
 * stack; pn_epoll_wait and blocking calls drive its loop.
 * @return 0 when every copy returned 0, else the first non-zero return
 * value; -1 with errno ENXIO (pn_init not done), EINVAL (@p fn NULL),
 * EBUSY (an lcore is busy).
 */
int pn_run(int (*fn)(void *), void *arg);

/** The calling lcore's shard index (0..pn_shards()-1), or -1 (errno EPERM). */
int pn_shard(void);

/** Number of shards (0 before pn_init). */
int pn_shards(void);

/**
 * Stop everything pn_init started: connections are reset, ports closed,
 * EAL cleaned up. Call after pn_run returned. (The socket call
 * pn_shutdown(fd, how) is in socket.h; this one is the library's.)
 */
void pn_cleanup(void);

#ifdef __cplusplus
}
#endif

#endif /* POLLNET_POLLNET_H */
