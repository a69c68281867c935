/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcpblast: bulk TCP transfer with a SHA-256 of the bytes, for interop
 * tests against the Linux kernel (tests/integration/tcp_kernel_interop.sh).
 * Non-blocking sockets and pn_epoll_wait; every mode has a deadline and
 * fails loudly (exit 1, what it had got so far) instead of hanging.
 *
 *   tcpblast sink PORT TIMEOUT_S <EAL args> -- [--addr A.B.C.D/N ...]
 *       listen on PORT, take one connection, read to EOF, print
 *       "bytes N sha256 HEX secs T MBps R", exit.
 *   tcpblast source HOST PORT BYTES SEED TIMEOUT_S <EAL args> -- [...]
 *       connect, send BYTES of the stream SEED, shut down the write side,
 *       wait for the peer's EOF (so everything was delivered), print as sink.
 *   tcpblast gen BYTES SEED      the stream on stdout (no pollnet)
 *   tcpblast hash                SHA-256 of stdin, as sha256sum (no pollnet)
 *
 * The stream (tests/integration/tcpblast.py makes the same): splitmix64 seeded with
 * SEED; its first 8192 outputs (little-endian) are a 64 KiB base block B;
 * block j of the stream is B XOR (output 8192+j, repeated), little-endian.
 * With several shards the sink listens on each (SO_REUSEPORT) and the one
 * that gets the connection ends the run; the source connects from shard 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"

#define MAX_EVENTS 16
#define BLK	   65536
#define SINK_BLKS  4	/* blocks a sink reads per wake-up */

/* ---- SHA-256 (FIPS 180-4) ---- */
struct sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t n;
};

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
sha256_block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] +
		       (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		       (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10));
	a = h[0], b = h[1], c = h[2], d = h[3];
	e = h[4], f = h[5], g = h[6], k = h[7];
	for (i = 0; i < 64; i++) {
		t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		     ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		k = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d;
	h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

static void
sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
					0xa54ff53a, 0x510e527f, 0x9b05688c,
					0x1f83d9ab, 0x5be0cd19 };

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->n = 0;
}

static void
sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t c;

	s->len += len;
	if (s->n > 0) {
		c = 64 - s->n < len ? 64 - s->n : len;
		memcpy(s->buf + s->n, p, c);
		s->n += c, p += c, len -= c;
		if (s->n < 64)
			return;
		sha256_block(s->h, s->buf);
		s->n = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		sha256_block(s->h, p);
	memcpy(s->buf, p, len);
	s->n = len;
}

static void
sha256_hex(struct sha256 *s, char out[65])
{
	uint64_t bits = s->len * 8;
	uint8_t pad[72] = { 0x80 };
	size_t padlen = (s->n < 56 ? 56 : 120) - s->n;
	int i;

	for (i = 0; i < 8; i++)
		pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(s, pad, padlen + 8);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x",
			 (unsigned int)(s->h[i / 4] >> (24 - 8 * (i % 4))) & 0xff);
}

/* ---- the stream ---- */
struct stream {
	uint64_t x;           /* splitmix64 state */
	uint8_t base[BLK];
	uint8_t blk[BLK];
};

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static void
put_le64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
stream_init(struct stream *st, uint64_t seed)
{
	int i;

	st->x = seed;
	for (i = 0; i < BLK / 8; i++)
		put_le64(st->base + 8 * i, splitmix64(&st->x));
}

/* The next 64 KiB block into st->blk. */
static void
stream_next(struct stream *st)
{
	uint8_t key[8];
	int i;

	put_le64(key, splitmix64(&st->x));
	for (i = 0; i < BLK; i++)
		st->blk[i] = st->base[i] ^ key[i & 7];
}

/* ---- the transfers ---- */
static struct {
	const char *mode, *host;
	uint16_t port;
	uint64_t bytes, seed;
	double timeout;
	atomic_int done;
} cfg;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
report(uint64_t n, struct sha256 *h, double t0)
{
	char hex[65];
	double secs = now_s() - t0;

	sha256_hex(h, hex);
	printf("bytes %llu sha256 %s secs %.3f MBps %.1f\n",
	       (unsigned long long)n, hex, secs,
	       secs > 0 ? (double)n / 1e6 / secs : 0.0);
	fflush(stdout);
}

static int
fail(const char *what, uint64_t n)
{
	fprintf(stderr, "tcpblast %s: FAIL: %s (errno %d %s) after %llu bytes\n",
		cfg.mode, what, errno, strerror(errno), (unsigned long long)n);
	atomic_store(&cfg.done, 1);
	return 1;
}

/* Shards with nothing to do keep their loop running until the end. */
static int
idle_shard(int ep)
{
	struct epoll_event ev;

	while (!atomic_load(&cfg.done))
		pn_epoll_wait(ep, &ev, 1, 50);
	return 0;
}

/* The connection's state (TCP_INFO; Linux's numbering). */
static int
tcp_state(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (pn_getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return -1;
	return ti.tcpi_state;
}

static int
run_sink(int ep)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(cfg.port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	static _Thread_local char buf[BLK];
	struct epoll_event ev, evs[MAX_EVENTS];
	double deadline = now_s() + cfg.timeout, t0 = 0;
	struct sha256 h;
	uint64_t got = 0;
	int one = 1, lfd, fd = -1, i, n, k;
	bool more = false;	/* the last drain stopped at SINK_BLKS */
	ssize_t r;

	sha256_init(&h);
	lfd = pn_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (lfd < 0)
		return fail("socket", 0);
	pn_setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	pn_setsockopt(lfd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (pn_bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    pn_listen(lfd, 16) < 0)
		return fail("bind/listen", 0);
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	pn_epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	printf("tcpblast: listening on port %u\n", cfg.port);
	fflush(stdout);
	for (;;) {
		if (atomic_load(&cfg.done))
			return 0; /* another shard took the connection */
		if (now_s() > deadline)
			return fail(fd < 0 ? "timeout waiting for a connection" :
					     "timeout before EOF", got);
		n = pn_epoll_wait(ep, evs, MAX_EVENTS, more ? 0 : 100);
		if (n < 0)
			return fail("epoll_wait", got);
		for (i = 0; i < n; i++) {
			if (evs[i].data.fd == lfd && fd < 0) {
				fd = pn_accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
				if (fd < 0)
					continue;
				t0 = now_s();
				ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
				ev.data.fd = fd;
				pn_epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				pn_epoll_ctl(ep, EPOLL_CTL_DEL, lfd, NULL);
			}
		}
		if (fd < 0)
			continue;
		/* drain on every wake-up (also on timeouts: edges are cheap
		 * to re-check, and a lost one must not hang the run), but
		 * at most SINK_BLKS blocks: the device is polled only in
		 * pn_epoll_wait, and hashing a whole receive buffer at once
		 * (milliseconds) let the peer overrun the RX ring */
		for (k = 0; k < SINK_BLKS; k++) {
			r = pn_read(fd, buf, sizeof(buf));
			if (r <= 0)
				break;
			sha256_update(&h, buf, (size_t)r);
			got += (uint64_t)r;
		}
		more = k == SINK_BLKS;
		if (more)
			continue;
		if (r == 0)
			break;
		if (errno != EAGAIN)
			return fail("read", got);
	}
	report(got, &h, t0);
	/* our FIN: wait until it is acknowledged (LAST-ACK -> CLOSED), so
	 * the peer sees EOF even if the FIN had to be retransmitted */
	if (pn_shutdown(fd, SHUT_WR) < 0)
		return fail("shutdown", got);
	while (tcp_state(fd) != TCP_CLOSE) {
		if (now_s() > deadline)
			return fail("timeout waiting for our FIN's ACK", got);
		pn_epoll_wait(ep, evs, MAX_EVENTS, 20);
	}
	atomic_store(&cfg.done, 1);
	pn_close(fd);
	pn_close(lfd);
	return 0;
}

static int
run_source(int ep)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(cfg.port),
	};
	static struct stream st;
	struct epoll_event ev, evs[MAX_EVENTS];
	double deadline = now_s() + cfg.timeout, t0 = now_s();
	struct sha256 h;
	uint64_t sent = 0;
	size_t off = BLK, len;
	int fd, err = 0, connected = 0, shut = 0;
	socklen_t elen = sizeof(err), plen;
	struct sockaddr_in peer;
	char c;
	ssize_t r;

	if (inet_pton(AF_INET, cfg.host, &sin.sin_addr) != 1) {
		errno = EINVAL;
		return fail("bad HOST", 0);
	}
	sha256_init(&h);
	stream_init(&st, cfg.seed);
	fd = pn_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return fail("socket", 0);
	if (pn_connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 &&
	    errno != EINPROGRESS)
		return fail("connect", 0);
	ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
	ev.data.fd = fd;
	pn_epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	for (;;) {
		if (now_s() > deadline)
			return fail(!connected ? "timeout connecting" :
				    !shut ? "timeout sending" :
					    "timeout waiting for the peer's EOF",
				    sent);
		if (pn_epoll_wait(ep, evs, MAX_EVENTS, 100) < 0)
			return fail("epoll_wait", sent);
		if (!connected) {
			if (pn_getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 &&
			    err != 0) {
				errno = err;
				return fail("connect", 0);
			}
			/* getpeername is ENOTCONN while connecting */
			plen = sizeof(peer);
			if (pn_getpeername(fd, (struct sockaddr *)&peer, &plen) < 0)
				continue;
			connected = 1;
			t0 = now_s();
		}
		while (sent < cfg.bytes) {
			if (off == BLK) {
				stream_next(&st);
				off = 0;
			}
			len = BLK - off;
			if (len > cfg.bytes - sent)
				len = (size_t)(cfg.bytes - sent);
			r = pn_send(fd, st.blk + off, len, MSG_NOSIGNAL);
			if (r < 0) {
				if (errno == EAGAIN)
					break;
				return fail("send", sent);
			}
			sha256_update(&h, st.blk + off, (size_t)r);
			off += (size_t)r;
			sent += (uint64_t)r;
		}
		if (sent < cfg.bytes)
			continue;
		if (!shut) {
			if (pn_shutdown(fd, SHUT_WR) < 0)
				return fail("shutdown", sent);
			shut = 1;
		}
		/* the peer closes once it has read everything */
		while ((r = pn_read(fd, &c, 1)) > 0)
			;
		if (r == 0)
			break;
		if (errno != EAGAIN)
			return fail("read (waiting for EOF)", sent);
	}
	atomic_store(&cfg.done, 1);
	report(sent, &h, t0);
	pn_close(fd);
	return 0;
}

static int
shard_main(void *arg)
{
	int ep = pn_epoll_create1(0);

	(void)arg;
	if (ep < 0)
		return fail("epoll_create1", 0);
	if (strcmp(cfg.mode, "sink") == 0)
		return run_sink(ep);
	if (pn_shards() > 1 && pn_shard() != 0)
		return idle_shard(ep);
	return run_source(ep);
}

static int
gen(uint64_t bytes, uint64_t seed)
{
	static struct stream st;
	size_t len;

	stream_init(&st, seed);
	while (bytes > 0) {
		stream_next(&st);
		len = bytes < BLK ? (size_t)bytes : BLK;
		if (fwrite(st.blk, 1, len, stdout) != len)
			return 1;
		bytes -= len;
	}
	return fflush(stdout) != 0;
}

static int
hash_stdin(void)
{
	static char buf[BLK];
	struct sha256 h;
	char hex[65];
	size_t n;

	sha256_init(&h);
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		sha256_update(&h, buf, n);
	sha256_hex(&h, hex);
	printf("%s  -\n", hex);
	return ferror(stdin) != 0;
}

static int
usage(void)
{
	fprintf(stderr,
		"usage: tcpblast sink PORT TIMEOUT_S <EAL args> -- [pollnet options]\n"
		"       tcpblast source HOST PORT BYTES SEED TIMEOUT_S <EAL args> -- [...]\n"
		"       tcpblast gen BYTES SEED | tcpblast hash\n");
	return 2;
}

int
main(int argc, char **argv)
{
	int k, rc;

	if (argc < 2)
		return usage();
	cfg.mode = argv[1];
	if (strcmp(cfg.mode, "gen") == 0 && argc == 4)
		return gen(strtoull(argv[2], NULL, 0), strtoull(argv[3], NULL, 0));
	if (strcmp(cfg.mode, "hash") == 0 && argc == 2)
		return hash_stdin();
	if (strcmp(cfg.mode, "sink") == 0 && argc >= 4) {
		cfg.port = (uint16_t)atoi(argv[2]);
		cfg.timeout = atof(argv[3]);
		k = 4;
	} else if (strcmp(cfg.mode, "source") == 0 && argc >= 7) {
		cfg.host = argv[2];
		cfg.port = (uint16_t)atoi(argv[3]);
		cfg.bytes = strtoull(argv[4], NULL, 0);
		cfg.seed = strtoull(argv[5], NULL, 0);
		cfg.timeout = atof(argv[6]);
		k = 7;
	} else {
		return usage();
	}
	if (cfg.port == 0 || cfg.timeout <= 0)
		return usage();
	/* EAL sees argv[0] followed by what comes after our own arguments */
	argv[k - 1] = argv[0];
	if (pn_init(argc - k + 1, argv + k - 1) < 0) {
		perror("tcpblast: pn_init");
		return 1;
	}
	rc = pn_run(shard_main, NULL);
	pn_cleanup();
	return rc != 0;
}
