/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The differential harness (see diff.h): the Linux side on 127.0.0.1, the
 * pollnet side on one lcore (manual clock) over the fake TCP, 198.18.0.2
 * connecting to 198.18.0.3. Included by test_socket.c and test_epoll.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <cmocka.h>

#include <rte_common.h>
#include <rte_ip.h>

#include "diff.h"
#ifdef PN_DIFF_REAL
#include <dlfcn.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include "net.h"
#include "port.h"
#include "tcp.h"
#endif
#include "fake_tcp.h"
#include "lcore.h"
#include "pollnet/epoll.h"
#include "pollnet/socket.h"
#include "sock.h"
#include "test_eal.h"
#include "timer.h"

/* RTE_IPV4 shifts an int: 198 << 24 overflows (UBSan) */
#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))

/* --- transcript --- */

static void __attribute__((format(printf, 2, 3)))
L(struct dctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->log + c->len, sizeof(c->log) - c->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->len = RTE_MIN(c->len + (size_t)n, sizeof(c->log) - 1);
	if (c->len < sizeof(c->log) - 1)
		c->log[c->len++] = '\n';
	c->log[c->len] = '\0';
}

static const char *
ename(int e)
{
	const char *s = strerrorname_np(e);

	return s != NULL ? s : "E?";
}

/** Log an int result exactly (with errno when -1). */
static __rte_unused long
RI(struct dctx *c, const char *tag, long rc)
{
	if (rc < 0)
		L(c, "%s = -1 %s", tag, ename(errno));
	else
		L(c, "%s = %ld", tag, rc);
	return rc;
}

/** Log an fd result: "fd" or -1 errno. */
static __rte_unused int
RF(struct dctx *c, const char *tag, int fd)
{
	if (fd < 0)
		L(c, "%s = -1 %s", tag, ename(errno));
	else
		L(c, "%s = fd", tag);
	return fd;
}

/** Log a byte count as ">0" (sizes differ between stacks). */
static __rte_unused long
RN(struct dctx *c, const char *tag, long rc)
{
	if (rc < 0)
		L(c, "%s = -1 %s", tag, ename(errno));
	else
		L(c, "%s = %s", tag, rc > 0 ? ">0" : "0");
	return rc;
}

static __rte_unused const char *
evname(uint32_t ev, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} b[] = {
		{ EPOLLIN, "IN" }, { EPOLLPRI, "PRI" }, { EPOLLOUT, "OUT" },
		{ EPOLLERR, "ERR" }, { EPOLLHUP, "HUP" },
		{ EPOLLRDNORM, "RDNORM" }, { EPOLLRDBAND, "RDBAND" },
		{ EPOLLWRNORM, "WRNORM" }, { EPOLLWRBAND, "WRBAND" },
		{ EPOLLRDHUP, "RDHUP" },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < RTE_DIM(b); i++)
		if (ev & b[i].bit)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? "|" : "", b[i].name);
	if (n == 0)
		snprintf(buf, len, "0");
	return buf;
}

/** epoll_wait and log the count and each event (mask, data.u32). */
static __rte_unused int
W(struct dctx *c, const char *tag, int epfd, int max, int timeout)
{
	struct epoll_event ev[16];
	char b[128];
	int n, i;

	n = c->a->epoll_wait(epfd, ev, RTE_MIN(max, 16), timeout);
	RI(c, tag, n);
	for (i = 0; i < n; i++)
		L(c, "  ev[%d] %s data=%u", i, evname(ev[i].events, b, sizeof(b)),
		  ev[i].data.u32);
	return n;
}

/* --- helpers shared by the cases --- */

static __rte_unused void
saddr(struct sockaddr_in *sin, uint32_t ip, uint16_t port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = ip;
	sin->sin_port = port;
}

/** A listener on srv_ip:ephemeral; c->port set. */
static __rte_unused int
h_listener(struct dctx *c, int flags, int backlog)
{
	const struct dapi *a = c->a;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = RF(c, "socket", a->socket(AF_INET, SOCK_STREAM | flags, 0));

	saddr(&sin, a->srv_ip, 0);
	RI(c, "bind", a->bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	RI(c, "listen", a->listen(fd, backlog));
	a->getsockname(fd, (struct sockaddr *)&sin, &len);
	c->port = sin.sin_port;
	return fd;
}

/** A client connecting to the last listener; @p flags of socket(). */
static __rte_unused int
h_client(struct dctx *c, int flags)
{
	const struct dapi *a = c->a;
	struct sockaddr_in sin;
	int fd = RF(c, "socket", a->socket(AF_INET, SOCK_STREAM | flags, 0));

	saddr(&sin, a->srv_ip, c->port);
	RI(c, "connect", a->connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	return fd;
}

/** listener + non-blocking client + accepted server side. */
static __rte_unused int
h_pair(struct dctx *c, int *cli, int *srv, int srv_flags)
{
	int l = h_listener(c, 0, 16);

	*cli = h_client(c, SOCK_NONBLOCK);
	c->a->pump();
	*srv = RF(c, "accept4", c->a->accept4(l, NULL, NULL, srv_flags));
	c->a->pump();
	return l;
}

/** Write @p n bytes of a pattern. */
static __rte_unused long
h_write(struct dctx *c, int fd, size_t n)
{
	static char buf[65536];

	memset(buf, 'x', sizeof(buf));
	return RN(c, "write", c->a->write(fd, buf, RTE_MIN(n, sizeof(buf))));
}

/** Write until EAGAIN (non-blocking fd); logs only the end. */
static __rte_unused void
h_fill(struct dctx *c, int fd)
{
	static char buf[65536];
	long n, total = 0;
	int i;

	for (i = 0; i < 100000; i++) {
		n = c->a->write(fd, buf, sizeof(buf));
		if (n < 0)
			break;
		total += n;
		if ((i & 7) == 7)
			c->a->pump();
	}
	L(c, "fill: wrote %s, then %s", total > 0 ? ">0" : "0",
	  n < 0 ? ename(errno) : "no error");
}

/** Read what there is, silently (timing-dependent amounts). */
static __rte_unused void
h_drain_quiet(struct dctx *c, int fd)
{
	static char buf[65536];
	int i;

	for (i = 0; i < 100000; i++)
		if (c->a->recv(fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0)
			break;
}

/** Read everything there is (non-blocking fd); logs the total as >0/0. */
static __rte_unused void
h_drain(struct dctx *c, int fd)
{
	static char buf[65536];
	long n, total = 0;
	int i;

	for (i = 0; i < 100000; i++) {
		n = c->a->recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0) {
			c->a->pump();
			n = c->a->recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n <= 0)
				break;
		}
		total += n;
	}
	L(c, "drain: read %s, then %s", total > 0 ? ">0" : "0",
	  n < 0 ? ename(errno) : n == 0 ? "EOF" : "more");
}

/** Wait (bounded) until @p fd is writable; logs whether it became so. */
static __rte_unused void
h_wait_out(struct dctx *c, int fd)
{
	struct epoll_event ev = { .events = EPOLLOUT };
	int ep = c->a->epoll_create1(0), i, n = 0;

	c->a->epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	for (i = 0; i < 50 && n <= 0; i++) {
		c->a->pump();
		n = c->a->epoll_wait(ep, &ev, 1, 100);
	}
	L(c, "writable: %s", n > 0 && (ev.events & EPOLLOUT) ? "yes" : "no");
	c->a->close(ep);
}

static __rte_unused int
h_ep(struct dctx *c, int epfd, int op, int fd, uint32_t events, uint32_t u32)
{
	struct epoll_event ev = { .events = events, .data.u32 = u32 };

	return (int)RI(c, "epoll_ctl", c->a->epoll_ctl(epfd, op, fd, &ev));
}

static __rte_unused int
h_getint(struct dctx *c, int fd, int level, int name)
{
	int v = -12345;
	socklen_t len = sizeof(v);

	if (c->a->getsockopt(fd, level, name, &v, &len) < 0) {
		L(c, "getsockopt(%d,%d) = -1 %s", level, name, ename(errno));
		return -1;
	}
	L(c, "getsockopt(%d,%d) = %d len=%u", level, name, v, (unsigned)len);
	return v;
}

static __rte_unused int
h_setint(struct dctx *c, int fd, int level, int name, int v)
{
	char tag[64];

	snprintf(tag, sizeof(tag), "setsockopt(%d,%d,%d)", level, name, v);
	return (int)RI(c, tag, c->a->setsockopt(fd, level, name, &v, sizeof(v)));
}

static __rte_unused void
h_linger0(struct dctx *c, int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	RI(c, "SO_LINGER 1,0", c->a->setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg,
					     sizeof(lg)));
	RI(c, "close", c->a->close(fd));
}

/* --- the Linux side --- */

#define LATER_MAX 8
struct later {
	pthread_t th;
	int ms;
	void (*fn)(void *);
	void *arg;
};
static struct later lx_later[LATER_MAX];
static int lx_nlater;

static void *
lx_later_main(void *p)
{
	struct later *l = p;
	struct timespec ts = {
		.tv_sec = l->ms / 1000, .tv_nsec = (l->ms % 1000) * 1000000L,
	};

	nanosleep(&ts, NULL);
	l->fn(l->arg);
	return NULL;
}

static void
lx_later_fn(int ms, void (*fn)(void *), void *arg)
{
	struct later *l = &lx_later[lx_nlater++];

	l->ms = ms;
	l->fn = fn;
	l->arg = arg;
	if (pthread_create(&l->th, NULL, lx_later_main, l) != 0)
		abort();
}

static void
lx_pump(void)
{
	struct timespec ts = { .tv_nsec = 2000000L };

	nanosleep(&ts, NULL); /* loopback is done in softirq: let it run */
}

static int
lx_fcntl(int fd, int cmd, int arg)
{
	return fcntl(fd, cmd, arg);
}

static int
lx_ioctl(int fd, unsigned long req, int *p)
{
	return ioctl(fd, req, p);
}

static int lx_fds_base;

static const struct dapi lx_api = {
	.name = "linux",
	.socket = socket, .bind = bind, .listen = listen, .accept4 = accept4,
	.connect = connect, .read = read, .write = write, .readv = readv,
	.writev = writev, .recv = recv, .send = send, .shutdown = shutdown,
	.close = close, .getsockname = getsockname,
	.getpeername = getpeername, .setsockopt = setsockopt,
	.getsockopt = getsockopt, .fcntl = lx_fcntl, .ioctl = lx_ioctl,
	.epoll_create = epoll_create, .epoll_create1 = epoll_create1,
	.epoll_ctl = epoll_ctl, .epoll_wait = epoll_wait,
	.pump = lx_pump, .later = lx_later_fn,
	.srv_ip = 0, .cli_ip = 0, /* set at start */
	.bad_fd = 1000000,
};
static struct dapi lx;

static void
lx_begin(void)
{
	lx = lx_api;
	lx.srv_ip = htonl(INADDR_LOOPBACK);
	lx.cli_ip = htonl(INADDR_LOOPBACK);
	lx_fds_base = dup(0);
	close(lx_fds_base);
	lx_nlater = 0;
}

static void
lx_end(void)
{
	int i;

	for (i = 0; i < lx_nlater; i++)
		pthread_join(lx_later[i].th, NULL);
	/* close whatever the case left open */
	for (i = lx_fds_base; i < lx_fds_base + 256; i++)
		close(i);
}

/* --- the pollnet side --- */

struct pn_world {
	struct pn_clock clock;
	struct pn_shards shards;
	struct pn_lcore lc;
	struct pn_tcp *tcp;
	struct pn_sock_lcore *sl;
	struct pn_timer later[LATER_MAX];
	struct later lat[LATER_MAX];
	int nlater;
	bool deadlock;
#ifdef PN_DIFF_REAL
	struct pn_napi rxq[2];
	struct pn_net *net;
#endif
};
static struct pn_world *PW;

#ifdef PN_DIFF_REAL
static bool rw_pending(void);
#endif

static int
pw_wait(struct pn_lcore *lc, uint64_t timeout_ns)
{
#ifdef PN_DIFF_REAL
	if (rw_pending())
		return 1; /* the "interrupt" of a packet in a ring */
#endif
	if (timeout_ns == UINT64_MAX) {
		/* nothing can ever happen: the test would hang */
		PW->deadlock = true;
		fprintf(stderr, "pollnet side: sleeping for ever\n");
		abort();
	}
	pn_clock_advance(lc->clock, timeout_ns);
	if (pn_clock_now(lc->clock) > 600 * 1000 * PN_NS_PER_MS) {
		unsigned int r;

		/* 10 virtual minutes in one case: something never came */
		fprintf(stderr, "pollnet side: stuck (virtual clock ran 10 min); drops:");
		for (r = 0; r < PN_DROP__MAX; r++)
			if (lc->stat.drop[r])
				fprintf(stderr, " %s %" PRIu64, pn_drop_name(r),
					lc->stat.drop[r]);
		fprintf(stderr, " tx %" PRIu64 " rx %" PRIu64 "\n",
			lc->stat.tx_packets, lc->stat.processed);
		abort();
	}
	return 0;
}

static __rte_unused uint16_t
pw_tx_burst(struct pn_lcore *lc, uint16_t port, uint16_t queue,
	    struct rte_mbuf **pkts, uint16_t n)
{
	RTE_SET_USED(lc);
	RTE_SET_USED(port);
	RTE_SET_USED(queue);
	rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

static void
pw_pump(void)
{
	int i;

#ifdef PN_DIFF_REAL
	/* a few rounds, then let delayed ACKs and the like fire */
	for (i = 0; i < 16; i++)
		pn_lcore_round(&PW->lc);
	for (i = 0; i < 50; i++) {
		pn_clock_advance(&PW->clock, PN_NS_PER_MS);
		pn_lcore_round(&PW->lc);
	}
#else
	for (i = 0; i < 4; i++)
		pn_lcore_round(&PW->lc);
#endif
}

static void
pw_later_fire(struct pn_timer *t)
{
	struct later *l = &PW->lat[t - PW->later];

	l->fn(l->arg);
}

static void
pw_later_fn(int ms, void (*fn)(void *), void *arg)
{
	int i = PW->nlater++;

	PW->lat[i].fn = fn;
	PW->lat[i].arg = arg;
	pn_timer_init(&PW->later[i], pw_later_fire);
	pn_timer_arm(&PW->lc.timers, &PW->later[i],
		     pn_clock_now(&PW->clock) + (uint64_t)ms * PN_NS_PER_MS);
}

static int
pw_fcntl(int fd, int cmd, int arg)
{
	return pn_fcntl(fd, cmd, arg);
}

static int
pw_ioctl(int fd, unsigned long req, int *p)
{
	return pn_ioctl(fd, req, p);
}

static const struct dapi pw_api = {
	.name = "pollnet",
	.socket = pn_socket, .bind = pn_bind, .listen = pn_listen,
	.accept4 = pn_accept4, .connect = pn_connect, .read = pn_read,
	.write = pn_write, .readv = pn_readv, .writev = pn_writev,
	.recv = pn_recv, .send = pn_send, .shutdown = pn_shutdown,
	.close = pn_close, .getsockname = pn_getsockname,
	.getpeername = pn_getpeername, .setsockopt = pn_setsockopt,
	.getsockopt = pn_getsockopt, .fcntl = pw_fcntl, .ioctl = pw_ioctl,
	.epoll_create = pn_epoll_create, .epoll_create1 = pn_epoll_create1,
	.epoll_ctl = pn_epoll_ctl, .epoll_wait = pn_epoll_wait,
	.pump = pw_pump, .later = pw_later_fn,
	.srv_ip = 0, .cli_ip = 0,
	.bad_fd = PN_FD_BASE + 4000,
};
static struct dapi pw;


#ifdef PN_DIFF_REAL
/*
 * Two net_ring ports cross-connected (A's TX is B's RX and back), carrying
 * 198.18.0.2 (A) and 198.18.0.3 (B), served by one lcore. Both addresses
 * are the stack's own, so a connect to the listener on .3 goes through
 * the stack's loopback from .3, as Linux's goes through lo from
 * 127.0.0.1 (pw.cli_ip is .3 here); the rings carry what goes to another
 * address. Ports, rings and the pool are made once per process; the
 * lcore, net, TCP and sockets per case.
 */
static struct {
	bool up;
	struct rte_ring *ring[2];
	uint16_t port[2];
	struct rte_mempool *pool;
	struct pn_net_conf net;
	struct pn_tcp_conf tcp;
} RW;

/* An int sysctl of the host (Linux side), or -1. */
static int
rw_sysctl_int(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static void
rw_once(void)
{
	struct rte_ring *r[2];
	struct pn_port_conf pc;
	struct pn_port pp[2];
	struct rte_ether_addr mac[2];
	char err[256];
	int i, k = 0, v;

	typeof(rte_eth_from_rings) *from_rings;
	void *so;

	if (RW.up)
		return;
	/* the PMD's own API, without a link-time dependency on it */
	so = dlopen("librte_net_ring.so." RTE_STR(RTE_VER_YEAR), RTLD_NOW);
	if (so == NULL)
		so = dlopen("librte_net_ring.so.23", RTLD_NOW);
	assert_non_null(so);
	from_rings = (typeof(rte_eth_from_rings) *)dlsym(so, "rte_eth_from_rings");
	assert_non_null(from_rings);
	RW.pool = pn_test_pool();
	r[0] = rte_ring_create("pn_diff_r0", 4096, SOCKET_ID_ANY,
			       RING_F_SP_ENQ | RING_F_SC_DEQ);
	r[1] = rte_ring_create("pn_diff_r1", 4096, SOCKET_ID_ANY,
			       RING_F_SP_ENQ | RING_F_SC_DEQ);
	assert_non_null(r[0]);
	assert_non_null(r[1]);
	RW.ring[0] = r[0];
	RW.ring[1] = r[1];
	assert_true(from_rings("pn_diff_a", &r[0], 1, &r[1], 1,
				       SOCKET_ID_ANY) >= 0);
	assert_true(from_rings("pn_diff_b", &r[1], 1, &r[0], 1,
				       SOCKET_ID_ANY) >= 0);
	assert_int_equal(rte_eth_dev_get_port_by_name("net_ring_pn_diff_a",
						      &RW.port[0]), 0);
	assert_int_equal(rte_eth_dev_get_port_by_name("net_ring_pn_diff_b",
						      &RW.port[1]), 0);
	pn_port_conf_default(&pc);
	pc.rx_intr = false;
	pn_net_conf_default(&RW.net);
	RW.net.nb_ports = 2;
	for (i = 0; i < 2; i++) {
		struct pn_net_port_conf *np = &RW.net.port[i];

		assert_int_equal(pn_port_start(RW.port[i], &pc, &RW.pool, &pp[i],
					       err, sizeof(err)), 0);
		/* net_ring has no MAC (and filters none): make one up */
		memset(&mac[i], 0, sizeof(mac[i]));
		mac[i].addr_bytes[0] = 0x02;
		mac[i].addr_bytes[5] = (uint8_t)(2 + i);
		np->port_id = RW.port[i];
		memcpy(np->mac, mac[i].addr_bytes, sizeof(np->mac));
		np->mtu = 1500;
		np->nb_addrs = 1;
		np->addr[0].ip = IP4(198, 18, 0, 2 + i);
		np->addr[0].prefix_len = 24;
	}
	/* a frame out of one port is for the other port's MAC */
	for (i = 0; i < 2; i++) {
		int j;

		for (j = 0; j < 2; j++) {
			struct pn_net_static_arp *sa = &RW.net.static_arp[k++];

			sa->port_id = RW.port[i];
			sa->ip = IP4(198, 18, 0, 2 + j);
			memcpy(sa->mac, mac[1 - i].addr_bytes, sizeof(sa->mac));
		}
	}
	RW.net.nb_static_arp = (uint8_t)k;
	if (pn_net_conf_check(&RW.net, err, sizeof(err)) < 0)
		fail_msg("net conf: %s", err);
	pn_tcp_conf_default(&RW.tcp);
	RW.tcp.msl_ms = 100; /* TIME-WAIT must not outlive a case */
	/* the Linux side's defaults, so that defaults compare
	 * (syncnt_default: do_tcp_getsockopt falls back to the sysctl) */
	v = rw_sysctl_int("/proc/sys/net/ipv4/tcp_syn_retries");
	if (v >= 1 && v <= 20)
		RW.tcp.syn_retries = (uint32_t)v;
	if (pn_tcp_conf_check(&RW.tcp, err, sizeof(err)) < 0)
		fail_msg("tcp conf: %s", err);
	RW.up = true;
}

/* net_ring leaves mbuf->port alone: say which port it came in on */
static int
rw_poll(struct pn_lcore *lc, struct pn_napi *n, int weight)
{
	struct rte_mbuf *pkts[PN_RX_BURST_MAX];
	uint16_t nb, i;

	nb = rte_eth_rx_burst(n->port, n->queue, pkts,
			      (uint16_t)RTE_MIN(weight, PN_RX_BURST_MAX));
	for (i = 0; i < nb; i++)
		pkts[i]->port = n->port;
	if (nb > 0)
		pn_lcore_rx(lc, pkts, nb);
	return nb;
}

/* "armed": pw_wait returns at once while a ring holds packets */
static int
rw_irq_enable(struct pn_lcore *lc, struct pn_napi *n)
{
	RTE_SET_USED(lc);
	RTE_SET_USED(n);
	return 0;
}

static void
rw_irq_disable(struct pn_lcore *lc, struct pn_napi *n)
{
	RTE_SET_USED(lc);
	RTE_SET_USED(n);
}

static const struct pn_napi_ops rw_napi_ops = {
	.poll = rw_poll,
	.irq_enable = rw_irq_enable,
	.irq_disable = rw_irq_disable,
};

static bool
rw_pending(void)
{
	return rte_ring_count(RW.ring[0]) + rte_ring_count(RW.ring[1]) > 0;
}

static void
rw_begin(void)
{
	int i;

	rw_once();
	for (i = 0; i < 2; i++) {
		PW->rxq[i].ops = &rw_napi_ops;
		PW->rxq[i].port = RW.port[i];
		PW->rxq[i].queue = 0;
		PW->rxq[i].weight = 64;
		PW->rxq[i].irq_ok = true;
		snprintf(PW->rxq[i].name, sizeof(PW->rxq[i].name), "ring%d", i);
		assert_int_equal(pn_lcore_add_napi(&PW->lc, &PW->rxq[i]), 0);
		assert_int_equal(pn_lcore_add_txq(&PW->lc, RW.port[i], 0), 0);
	}
	assert_int_equal(pn_net_create(&RW.net, &PW->lc, RW.pool, &PW->net), 0);
	assert_int_equal(pn_tcp_create(&RW.tcp, &PW->lc, PW->net,
				       &pn_sock_upcalls, &PW->tcp), 0);
	assert_int_equal(pn_sock_lcore_create(&PW->lc, PW->tcp,
					      pn_sock_tcp_ops_default(), 1024, NULL,
					      &PW->sl), 0);
}

static void
rw_end(void)
{
	int i;

	pn_sock_lcore_free(PW->sl);
	/* let RSTs and FINs cross, then drop what is left */
	for (i = 0; i < 8; i++)
		pn_lcore_round(&PW->lc);
	pn_tcp_free(PW->tcp);
	for (i = 0; i < 8; i++)
		pn_lcore_round(&PW->lc);
	pn_net_free(PW->net);
}
#endif

static void
pw_begin(void)
{
	struct pn_napi_conf conf;

	pn_test_eal_init();
	PW = calloc(1, sizeof(*PW));
	assert_non_null(PW);
	pn_napi_conf_default(&conf);
	conf.busy_poll_us = 0;
	pn_clock_init_manual(&PW->clock, 1000 * PN_NS_PER_MS);
	assert_int_equal(pn_lcore_init(&PW->lc, &PW->shards, 0, &conf,
				       &PW->clock, SOCKET_ID_ANY), 0);
	PW->lc.ops.wait = pw_wait;
#ifdef PN_DIFF_REAL
	rw_begin();
#else
	PW->lc.ops.tx_burst = pw_tx_burst;
	PW->tcp = fake_tcp_create(&PW->lc, &pn_sock_upcalls);
	fake_tcp_set_src(PW->tcp, IP4(198, 18, 0, 2));
	assert_int_equal(pn_sock_lcore_create(&PW->lc, PW->tcp, &fake_tcp_ops,
					      1024, NULL, &PW->sl), 0);
#endif
	pn_sock_lcore_enter(PW->sl);
	pw = pw_api;
	pw.srv_ip = htonl(IP4(198, 18, 0, 3));
#ifdef PN_DIFF_REAL
	pw.cli_ip = pw.srv_ip;	/* to ourselves, from the destination */
#else
	pw.cli_ip = htonl(IP4(198, 18, 0, 2));
#endif
}

static void
pw_end(void)
{
	int i;

	for (i = 0; i < PW->nlater; i++)
		pn_timer_cancel(&PW->lc.timers, &PW->later[i]);
#ifdef PN_DIFF_REAL
	rw_end();
#else
	pn_sock_lcore_free(PW->sl);
	fake_tcp_free(PW->tcp);
#endif
	pn_sock_lcore_enter(NULL);
	pn_lcore_fini(&PW->lc);
	free(PW);
	PW = NULL;
}

/* --- the runner --- */

static struct dctx lx_ctx, pw_ctx;

static void
diff_run(void **state)
{
	const struct dcase *k = *state;

	memset(&lx_ctx, 0, sizeof(lx_ctx));
	memset(&pw_ctx, 0, sizeof(pw_ctx));
	lx_begin();
	lx_ctx.a = &lx;
	k->fn(&lx_ctx);
	lx_end();
	pw_begin();
	pw_ctx.a = &pw;
	k->fn(&pw_ctx);
	pw_end();
	if (strcmp(lx_ctx.log, pw_ctx.log) != 0) {
		print_error("case %s differs\n--- linux ---\n%s--- pollnet ---\n%s",
			    k->name, lx_ctx.log, pw_ctx.log);
		fail();
	}
	if (getenv("PN_DIFF_VERBOSE") != NULL)
		print_message("--- %s ---\n%s", k->name, lx_ctx.log);
}

/** Run @p n cases as cmocka tests. */
static __rte_unused int
diff_main(const char *group, const struct dcase *cases, size_t n)
{
	struct CMUnitTest *t = calloc(n, sizeof(*t));
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		t[i].name = cases[i].name;
		t[i].test_func = diff_run;
		t[i].initial_state = (void *)(uintptr_t)&cases[i];
	}
	rc = _cmocka_run_group_tests(group, t, n, NULL, NULL);
	free(t);
	return rc;
}
