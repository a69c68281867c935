/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef POLLNET_POLLNET_H
#define POLLNET_POLLNET_H

/**
 * @file
 * pollnet's installed API: start-up, running and shutdown. The socket and
 * epoll calls (socket.h, epoll.h) are added by the sockets/epoll work.
 */

#ifdef __cplusplus
extern "C" {
#endif

#define PN_VERSION_MAJOR 0
#define PN_VERSION_MINOR 1
#define PN_VERSION_PATCH 0

/** "0.1.0": the version the library was built as. */
const char *pn_version(void);

#ifdef __cplusplus
}
#endif

#endif /* POLLNET_POLLNET_H */
