/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pollnetd's packet capture into a pcapng file (tcpdump -r, wireshark),
 * working everywhere, also without hugepages where dpdk-dumpcap cannot
 * attach. ethdev RX/TX callbacks on every queue, installed once at start
 * and idle (one atomic load per burst) while no capture runs, copy the
 * packets with rte_pcapng_copy into one bounded SP/SC ring per queue; the
 * main thread (not a datapath lcore) drains the rings into the file with
 * rte_pcapng_write_packets. A full ring or an empty copy pool loses the
 * copy, never the packet, counted by reason (CAPTURE_RING_FULL,
 * CAPTURE_NOMEM). Started and stopped through telemetry:
 *   /pollnet/capture                    state and counters
 *   /pollnet/capture,start,PATH[,SNAP]  start writing PATH
 *   /pollnet/capture,stop               stop and close the file
 */

/* rte_pcapng is experimental in DPDK 22.11 */
#define ALLOW_EXPERIMENTAL_API

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_pcapng.h>
#include <rte_ring.h>
#include <rte_telemetry.h>

#include "capture.h"

#define CAP_RING_SIZE   4096  /* copies waiting per queue */
#define CAP_POOL_SIZE   8191  /* copies in flight, all queues (~20 MB) */
#define CAP_DATAROOM    2048  /* per copy segment; longer ones chain */
#define CAP_BURST       64
#define CAP_MAX_QUEUES  64

#define CAP_DROPS(X) X(CAPTURE_RING_FULL) X(CAPTURE_NOMEM)

/* Counters of one queue, written by the lcore polling it. */
struct cap_queue {
	uint64_t copied;
	uint64_t ring_full;
	uint64_t nomem;
	struct rte_ring *ring;
	const struct rte_eth_rxtx_callback *rx_cb, *tx_cb;
} __rte_cache_aligned;

static struct {
	atomic_bool on;
	uint64_t base_tsc, base_ns, tsc_hz; /* TSC -> CLOCK_REALTIME */
	uint32_t snaplen;
	uint16_t port_id;
	uint16_t nb_queues;
	int socket;
	struct rte_mempool *mp;      /* made by the first start */
	pthread_mutex_t lock;        /* file, start/stop vs. the writer */
	rte_pcapng_t *pcapng;
	char path[PATH_MAX];
	uint64_t written;
	struct cap_queue q[CAP_MAX_QUEUES];
} cap = { .lock = PTHREAD_MUTEX_INITIALIZER };

/*
 * DPDK 22.11's rte_pcapng reads the TSC rate in a constructor, before EAL
 * measured it, and writes garbage timestamps; so the timestamp of the
 * Enhanced Packet Block (pcapng: at offset 12, high then low 32 bits, in
 * the nanoseconds the interface block announces) is set here.
 */
static void
cap_set_time(struct rte_mbuf *c, uint64_t tsc)
{
	uint64_t d = tsc - cap.base_tsc, ns;
	uint32_t *epb = rte_pktmbuf_mtod(c, uint32_t *);

	ns = cap.base_ns + d / cap.tsc_hz * 1000000000ull +
	     d % cap.tsc_hz * 1000000000ull / cap.tsc_hz;
	if (c->data_len >= 20) {
		epb[3] = (uint32_t)(ns >> 32);
		epb[4] = (uint32_t)ns;
	}
}

static void
cap_copy(struct cap_queue *q, uint16_t port, uint16_t queue,
	 struct rte_mbuf **pkts, uint16_t n, enum rte_pcapng_direction dir)
{
	struct rte_mbuf *cp[CAP_BURST];
	uint64_t tsc = rte_get_tsc_cycles();
	unsigned int done, k;
	uint16_t i, j;

	for (i = 0; i < n; i += j) {
		unsigned int c = 0;

		for (j = 0; j < CAP_BURST && i + j < n; j++) {
			cp[c] = rte_pcapng_copy(port, queue, pkts[i + j], cap.mp,
						cap.snaplen, tsc, dir);
			if (cp[c] != NULL)
				cap_set_time(cp[c++], tsc);
			else
				q->nomem++;
		}
		done = rte_ring_sp_enqueue_burst(q->ring, (void **)cp, c, NULL);
		for (k = done; k < c; k++)
			rte_pktmbuf_free(cp[k]);
		q->ring_full += c - done;
		q->copied += done;
	}
}

static uint16_t
cap_rx_cb(uint16_t port, uint16_t queue, struct rte_mbuf *pkts[], uint16_t n,
	  uint16_t max, void *arg)
{
	(void)max;
	if (n && atomic_load_explicit(&cap.on, memory_order_acquire))
		cap_copy(arg, port, queue, pkts, n, RTE_PCAPNG_DIRECTION_IN);
	return n;
}

static uint16_t
cap_tx_cb(uint16_t port, uint16_t queue, struct rte_mbuf *pkts[], uint16_t n,
	  void *arg)
{
	if (n && atomic_load_explicit(&cap.on, memory_order_acquire))
		cap_copy(arg, port, queue, pkts, n, RTE_PCAPNG_DIRECTION_OUT);
	return n;
}

/* Write (or, without a file, free) what the rings hold. Lock held. */
static void
cap_drain_locked(void)
{
	struct rte_mbuf *m[CAP_BURST];
	unsigned int n;
	uint16_t q;

	for (q = 0; q < cap.nb_queues; q++) {
		while ((n = rte_ring_sc_dequeue_burst(cap.q[q].ring, (void **)m,
						      CAP_BURST, NULL)) > 0) {
			if (cap.pcapng != NULL &&
			    rte_pcapng_write_packets(cap.pcapng, m, (uint16_t)n) >= 0)
				cap.written += n;
			rte_pktmbuf_free_bulk(m, n);
		}
	}
}

/** The main thread's part: write what the lcores copied. */
void
pnd_capture_poll(void)
{
	if (!atomic_load_explicit(&cap.on, memory_order_relaxed))
		return;
	pthread_mutex_lock(&cap.lock);
	cap_drain_locked();
	pthread_mutex_unlock(&cap.lock);
}

/* Start writing @p path. @return 0 or -errno with @p err filled. */
int
pnd_capture_start(const char *path, uint32_t snaplen, char *err, size_t len)
{
	int fd, rc = 0;

	pthread_mutex_lock(&cap.lock);
	if (cap.pcapng != NULL) {
		snprintf(err, len, "a capture into %s is running: stop it first", cap.path);
		rc = -EBUSY;
		goto out;
	}
	if (strlen(path) >= sizeof(cap.path) || path[0] != '/') {
		snprintf(err, len, "capture file \"%s\": an absolute path is needed", path);
		rc = -EINVAL;
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, len, "capture file %s: %s", path, strerror(errno));
		goto out;
	}
	cap.pcapng = rte_pcapng_fdopen(fd, NULL, NULL, "pollnetd", NULL);
	if (cap.pcapng == NULL) {
		rc = -rte_errno;
		snprintf(err, len, "capture file %s: rte_pcapng_fdopen: %s", path,
			 rte_strerror(rte_errno));
		close(fd);
		goto out;
	}
	/* the copy pool: made by the first capture, kept until exit */
	if (cap.mp == NULL)
		cap.mp = rte_pktmbuf_pool_create("pnd_capture", CAP_POOL_SIZE, 256, 0,
						 rte_pcapng_mbuf_size(CAP_DATAROOM),
						 cap.socket);
	if (cap.mp == NULL) {
		rc = -ENOMEM;
		snprintf(err, len, "capture: copy pool of %d mbufs: %s (raise [eal] memory_mb)",
			 CAP_POOL_SIZE, rte_strerror(rte_errno));
		rte_pcapng_close(cap.pcapng);
		cap.pcapng = NULL;
		goto out;
	}
	strcpy(cap.path, path);
	cap.written = 0;
	cap.snaplen = snaplen;
	/* copies left from a previous capture's last bursts */
	cap_drain_locked();
	cap.written = 0;
	atomic_store_explicit(&cap.on, true, memory_order_release);
out:
	pthread_mutex_unlock(&cap.lock);
	return rc;
}

/* @return whether a capture was running. */
static bool
cap_stop(void)
{
	bool was;

	pthread_mutex_lock(&cap.lock);
	atomic_store_explicit(&cap.on, false, memory_order_release);
	was = cap.pcapng != NULL;
	if (was) {
		cap_drain_locked();
		rte_pcapng_close(cap.pcapng);
		cap.pcapng = NULL;
	}
	pthread_mutex_unlock(&cap.lock);
	return was;
}

static void
cap_status(struct rte_tel_data *d)
{
	uint64_t full = 0, nomem = 0, copied = 0;
	uint16_t q;

	for (q = 0; q < cap.nb_queues; q++) {
		copied += cap.q[q].copied;
		full += cap.q[q].ring_full;
		nomem += cap.q[q].nomem;
	}
	rte_tel_data_add_dict_string(d, "state", cap.pcapng ? "running" : "stopped");
	rte_tel_data_add_dict_string(d, "path", cap.path);
	rte_tel_data_add_dict_u64(d, "snaplen", cap.snaplen);
	rte_tel_data_add_dict_u64(d, "copied", copied);
	rte_tel_data_add_dict_u64(d, "written", cap.written);
	rte_tel_data_add_dict_u64(d, "dropped", full + nomem);
	rte_tel_data_add_dict_u64(d, "drop_CAPTURE_RING_FULL", full);
	rte_tel_data_add_dict_u64(d, "drop_CAPTURE_NOMEM", nomem);
}

/* /pollnet/capture[,start,PATH[,SNAPLEN]|,stop] */
static int
cap_tel(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char buf[PATH_MAX + 32], err[PATH_MAX + 128] = "", *path, *snap, *end;
	unsigned long sl = 65535;

	(void)cmd;
	rte_tel_data_start_dict(d);
	if (params != NULL && strncmp(params, "start,", 6) == 0) {
		snprintf(buf, sizeof(buf), "%s", params + 6);
		path = buf;
		snap = strrchr(buf, ',');
		if (snap != NULL) {
			*snap++ = '\0';
			sl = strtoul(snap, &end, 10);
			if (*snap == '\0' || *end != '\0' || sl < 64 || sl > 65535) {
				snprintf(err, sizeof(err), "snaplen \"%s\": expected 64..65535", snap);
				rte_tel_data_add_dict_string(d, "error", err);
				return 0;
			}
		}
		if (pnd_capture_start(path, (uint32_t)sl, err, sizeof(err)) < 0)
			rte_tel_data_add_dict_string(d, "error", err);
		else
			printf("pollnetd: capture into %s (snaplen %lu)\n", path, sl);
	} else if (params != NULL && strcmp(params, "stop") == 0) {
		if (cap_stop())
			printf("pollnetd: capture into %s stopped\n", cap.path);
		else
			rte_tel_data_add_dict_string(d, "error", "no capture is running");
	} else if (params != NULL && *params != '\0') {
		snprintf(err, sizeof(err), "\"%s\": expected start,PATH[,SNAPLEN] or stop", params);
		rte_tel_data_add_dict_string(d, "error", err);
		return 0;
	}
	fflush(stdout);
	pthread_mutex_lock(&cap.lock);
	cap_status(d);
	pthread_mutex_unlock(&cap.lock);
	return 0;
}

/*
 * Install the callbacks on @p nb_queues queues of @p port_id, make the
 * rings, register the telemetry command (the copy pool waits for the
 * first capture).
 * @return 0 or a negative errno with @p err filled.
 */
int
pnd_capture_init(uint16_t port_id, uint16_t nb_queues, int socket, char *err,
		 size_t len)
{
	char name[RTE_RING_NAMESIZE];
	struct timespec ts;
	uint16_t q;

	if (nb_queues > CAP_MAX_QUEUES || rte_get_tsc_hz() == 0) {
		snprintf(err, len, "capture: %u queues (at most %d), TSC %" PRIu64 " Hz",
			 nb_queues, CAP_MAX_QUEUES, rte_get_tsc_hz());
		return -EINVAL;
	}
	cap.port_id = port_id;
	cap.snaplen = 65535;
	cap.tsc_hz = rte_get_tsc_hz();
	cap.base_tsc = rte_get_tsc_cycles();
	clock_gettime(CLOCK_REALTIME, &ts);
	cap.base_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	cap.socket = socket;
	for (q = 0; q < nb_queues; q++) {
		snprintf(name, sizeof(name), "pnd_cap_%u", q);
		cap.q[q].ring = rte_ring_create(name, CAP_RING_SIZE, socket,
						RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (cap.q[q].ring == NULL) {
			snprintf(err, len, "capture: ring %s: %s", name, rte_strerror(rte_errno));
			return -ENOMEM;
		}
		cap.nb_queues = (uint16_t)(q + 1);
		cap.q[q].rx_cb = rte_eth_add_rx_callback(port_id, q, cap_rx_cb, &cap.q[q]);
		cap.q[q].tx_cb = rte_eth_add_tx_callback(port_id, q, cap_tx_cb, &cap.q[q]);
		if (cap.q[q].rx_cb == NULL || cap.q[q].tx_cb == NULL) {
			snprintf(err, len, "capture: ethdev callbacks on queue %u: %s", q,
				 rte_strerror(rte_errno));
			return -ENOTSUP;
		}
	}
	if (rte_telemetry_register_cmd("/pollnet/capture", cap_tel,
		"Packet capture into pcapng. Parameters: none (status), start,PATH[,SNAPLEN], stop") < 0) {
		snprintf(err, len, "capture: telemetry command not registered");
		return -EEXIST;
	}
	return 0;
}

/* Stop a running capture; at exit, after the lcores stopped, so the
 * removed callbacks (ethdev leaves their memory to us) can be freed. */
void
pnd_capture_fini(void)
{
	uint16_t q;

	cap_stop();
	for (q = 0; q < cap.nb_queues; q++) {
		if (cap.q[q].rx_cb != NULL &&
		    rte_eth_remove_rx_callback(cap.port_id, q, cap.q[q].rx_cb) == 0)
			rte_free((void *)(uintptr_t)cap.q[q].rx_cb);
		if (cap.q[q].tx_cb != NULL &&
		    rte_eth_remove_tx_callback(cap.port_id, q, cap.q[q].tx_cb) == 0)
			rte_free((void *)(uintptr_t)cap.q[q].tx_cb);
		rte_ring_free(cap.q[q].ring);
	}
	cap.nb_queues = 0;
	rte_mempool_free(cap.mp);
	cap.mp = NULL;
}
