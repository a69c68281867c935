/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_TEST_DIFF_H
#define PN_TEST_DIFF_H

/*
 * The differential socket/epoll suite: each case is written once against
 * struct dapi and run twice, over Linux sockets on 127.0.0.1 (the oracle)
 * and over pollnet; every call's observable result goes into a transcript
 * and the two transcripts must be identical.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <netinet/in.h>

struct dapi {
	const char *name;
	int (*socket)(int, int, int);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*listen)(int, int);
	int (*accept4)(int, struct sockaddr *, socklen_t *, int);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*write)(int, const void *, size_t);
	ssize_t (*readv)(int, const struct iovec *, int);
	ssize_t (*writev)(int, const struct iovec *, int);
	ssize_t (*recv)(int, void *, size_t, int);
	ssize_t (*send)(int, const void *, size_t, int);
	int (*shutdown)(int, int);
	int (*close)(int);
	int (*getsockname)(int, struct sockaddr *, socklen_t *);
	int (*getpeername)(int, struct sockaddr *, socklen_t *);
	int (*setsockopt)(int, int, int, const void *, socklen_t);
	int (*getsockopt)(int, int, int, void *, socklen_t *);
	int (*fcntl)(int, int, int);
	int (*ioctl)(int, unsigned long, int *);
	int (*epoll_create)(int);
	int (*epoll_create1)(int);
	int (*epoll_ctl)(int, int, int, struct epoll_event *);
	int (*epoll_wait)(int, struct epoll_event *, int, int);
	/** Let the stack progress (deliver what is in flight). */
	void (*pump)(void);
	/** Run @p fn(@p arg) @p ms from now, while the test may block. */
	void (*later)(int ms, void (*fn)(void *), void *arg);
	uint32_t srv_ip, cli_ip;  /**< network order */
	int bad_fd;               /**< never open */
};

/** The case context: the API and the transcript. */
struct dctx {
	const struct dapi *a;
	char log[16384];
	size_t len;
	uint16_t port;            /**< last listener's port (network order) */
};

struct dcase {
	const char *name;
	void (*fn)(struct dctx *c);
};

#endif
