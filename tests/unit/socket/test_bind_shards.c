/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports across shards, against Linux. Each case is a program of socket
 * calls on a few sockets; on pollnet each socket lives on the shard the
 * program names (two shards over one bind table, a fake TCP each), on
 * Linux all are in one stack. Linux checks bind() and listen() against
 * every socket of the namespace, so the results must be the same, and
 * the one each step expects (written down from Linux 6.1 too).
 */
#include "fake_tcp.c"
#include "diff_harness.c"
#include "sock_priv.h"

enum bop {
	B_SOCK,         /* socket on shard sh */
	B_CSOCK,        /* a client socket, non-blocking, on shard sh */
	B_REUSEADDR,
	B_REUSEPORT,
	B_BIND,         /* to addr, port P (like < 0) or like's port */
	B_LISTEN,
	B_CONNECT,      /* to addr:P; EINPROGRESS counts as 0 */
	B_ACCEPT,       /* on slot, the child into slot like */
	B_SHUTRD,
	B_CLOSE,
};

enum baddr { ANY, AD_A, AD_B };

struct bstep {
	uint8_t op, slot, sh, addr;
	int8_t like;     /* B_BIND: the port of this slot; B_ACCEPT: child slot */
	int exp;         /* 0 or the errno */
};

#define BMAX 8
#define S(sl, shard)          { B_SOCK, sl, shard, 0, -1, 0 }
#define CS(sl, shard)         { B_CSOCK, sl, shard, 0, -1, 0 }
#define RA(sl)                { B_REUSEADDR, sl, 0, 0, -1, 0 }
#define RP(sl)                { B_REUSEPORT, sl, 0, 0, -1, 0 }
#define BIND(sl, a, e)        { B_BIND, sl, 0, a, -1, e }
#define BIND_LIKE(sl, k, e)   { B_BIND, sl, 0, ANY, k, e }
#define LISTEN(sl, e)         { B_LISTEN, sl, 0, 0, -1, e }
#define CONNECT(sl, a)        { B_CONNECT, sl, 0, a, -1, 0 }
#define ACCEPT(sl, child)     { B_ACCEPT, sl, 0, 0, child, 0 }
#define SHUTRD(sl)            { B_SHUTRD, sl, 0, 0, -1, 0 }
#define CLOSE(sl)             { B_CLOSE, sl, 0, 0, -1, 0 }

struct bcase {
	const char *name;
	struct bstep step[24];
	size_t n;
};

/* the API a program runs on */
struct bside {
	const char *name;
	int fd[BMAX];
	uint8_t sh[BMAX];
	uint16_t lport[BMAX];    /* the port a bind() or listen() gave */
	uint32_t addr[3];        /* network order */
	uint16_t port;           /* P, network order */
	void (*enter)(uint8_t sh);
	void (*pump)(void);
	int (*socket)(int, int, int);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*listen)(int, int);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*accept4)(int, struct sockaddr *, socklen_t *, int);
	int (*shutdown)(int, int);
	int (*close)(int);
	int (*setsockopt)(int, int, int, const void *, socklen_t);
	int (*getsockname)(int, struct sockaddr *, socklen_t *);
};

static int
brun_step(struct bside *b, const struct bstep *s)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int one = 1, fd = b->fd[s->slot], rc;

	if (s->op != B_SOCK && s->op != B_CSOCK)
		b->enter(b->sh[s->slot]);
	switch (s->op) {
	case B_SOCK:
	case B_CSOCK:
		b->enter(s->sh);
		b->sh[s->slot] = s->sh;
		rc = b->fd[s->slot] = b->socket(AF_INET, SOCK_STREAM |
				(s->op == B_CSOCK ? SOCK_NONBLOCK : 0), 0);
		return rc < 0 ? errno : 0;
	case B_REUSEADDR:
	case B_REUSEPORT:
		rc = b->setsockopt(fd, SOL_SOCKET, s->op == B_REUSEADDR ?
				   SO_REUSEADDR : SO_REUSEPORT, &one,
				   sizeof(one));
		break;
	case B_BIND:
		sin.sin_addr.s_addr = b->addr[s->addr];
		sin.sin_port = b->port;
		if (s->like >= 0)
			sin.sin_port = b->lport[s->like];
		rc = b->bind(fd, (struct sockaddr *)&sin, sizeof(sin));
		break;
	case B_LISTEN:
		rc = b->listen(fd, 8);
		break;
	case B_CONNECT:
		sin.sin_addr.s_addr = b->addr[s->addr];
		sin.sin_port = b->port;
		rc = b->connect(fd, (struct sockaddr *)&sin, sizeof(sin));
		if (rc < 0 && errno == EINPROGRESS)
			rc = 0;
		b->pump();
		break;
	case B_ACCEPT:
		b->pump();
		b->enter(b->sh[s->slot]);
		rc = b->fd[s->like] = b->accept4(fd, NULL, NULL, 0);
		b->sh[s->like] = b->sh[s->slot];
		break;
	case B_SHUTRD:
		rc = b->shutdown(fd, SHUT_RD);
		break;
	default:
		rc = b->close(fd);
		b->fd[s->slot] = -1;
		break;
	}
	if (rc < 0)
		return errno;
	if (s->op == B_BIND || s->op == B_LISTEN) {
		assert_int_equal(b->getsockname(fd, (struct sockaddr *)&sin,
						&len), 0);
		b->lport[s->slot] = sin.sin_port;
	}
	return 0;
}

/* Run @p k on @p b: the result of each step into @p res. */
static void
brun(struct bside *b, const struct bcase *k, int *res)
{
	size_t i;

	for (i = 0; i < BMAX; i++)
		b->fd[i] = -1;
	for (i = 0; i < k->n; i++)
		res[i] = brun_step(b, &k->step[i]);
	for (i = 0; i < BMAX; i++) {
		if (b->fd[i] >= 0) {
			b->enter(b->sh[i]);
			b->close(b->fd[i]);
		}
	}
	b->enter(0);
}

/* --- Linux: 127.0.0.1 and 127.0.0.2, a port nobody holds --- */

static void
lxb_enter(uint8_t sh)
{
	RTE_SET_USED(sh);
}

/* Nothing to drive: the next step that needs the handshake, accept(),
 * blocks until it is done. */
static void
lxb_pump(void)
{
}

static uint16_t
lxb_free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	return sin.sin_port;
}

static struct bside lxb = {
	.name = "linux", .enter = lxb_enter, .pump = lxb_pump,
	.socket = socket, .bind = bind, .listen = listen, .connect = connect,
	.accept4 = accept4, .shutdown = shutdown, .close = close,
	.setsockopt = setsockopt, .getsockname = getsockname,
};

/* --- pollnet: two shards over one bind table --- */

static struct {
	struct pn_lcore lc1;
	struct pn_tcp *tcp1;
	struct pn_sock_binds *binds;
	struct pn_sock_lcore *sl[2];
} BW;

static void
pwb_enter(uint8_t sh)
{
	pn_sock_lcore_enter(BW.sl[sh]);
}

static void
pwb_pump(void)
{
	int i;

	for (i = 0; i < 4; i++) {
		fake_tcp_step(PW->tcp);
		fake_tcp_step(BW.tcp1);
	}
}

static struct bside pwb = {
	.name = "pollnet", .enter = pwb_enter, .pump = pwb_pump,
	.socket = pn_socket, .bind = pn_bind, .listen = pn_listen,
	.connect = pn_connect, .accept4 = pn_accept4, .shutdown = pn_shutdown,
	.close = pn_close, .setsockopt = pn_setsockopt,
	.getsockname = pn_getsockname,
};

static void
pwb_begin(void)
{
	struct pn_napi_conf conf;

	pw_begin();
	pn_napi_conf_default(&conf);
	assert_int_equal(pn_lcore_init(&BW.lc1, &PW->shards, 1, &conf,
				       &PW->clock, SOCKET_ID_ANY), 0);
	BW.tcp1 = fake_tcp_create(&BW.lc1, &pn_sock_upcalls);
	fake_tcp_set_src(BW.tcp1, IP4(198, 18, 0, 2));
	assert_int_equal(pn_sock_binds_create(&BW.binds), 0);
	assert_int_equal(pn_sock_lcore_create(&PW->lc, PW->tcp, &fake_tcp_ops,
					      64, BW.binds, &BW.sl[0]), 0);
	assert_int_equal(pn_sock_lcore_create(&BW.lc1, BW.tcp1, &fake_tcp_ops,
					      64, BW.binds, &BW.sl[1]), 0);
	pwb.addr[ANY] = 0;
	pwb.addr[AD_A] = htonl(IP4(198, 18, 0, 3));
	pwb.addr[AD_B] = htonl(IP4(198, 18, 0, 4));
	pwb.port = htons(5555);
}

static void
pwb_end(void)
{
	uint32_t p;

	pn_sock_lcore_free(BW.sl[0]);
	pn_sock_lcore_free(BW.sl[1]);
	for (p = 0; p <= UINT16_MAX; p++)	/* every bind() counted out */
		assert_int_equal(BW.binds->ports[p], 0);
	assert_int_equal(BW.binds->nb_sl, 0);
	pn_sock_binds_free(BW.binds);
	fake_tcp_free(BW.tcp1);
	pn_lcore_fini(&BW.lc1);
	pn_sock_lcore_enter(PW->sl);
	pw_end();
}

static void
bind_case(void **state)
{
	const struct bcase *k = *state;
	int lres[32], pres[32];
	size_t i;
	bool bad = false;

	lxb.addr[ANY] = htonl(INADDR_ANY);
	lxb.addr[AD_A] = htonl(INADDR_LOOPBACK);
	lxb.addr[AD_B] = htonl(INADDR_LOOPBACK + 1);
	lxb.port = lxb_free_port();
	brun(&lxb, k, lres);
	pwb_begin();
	brun(&pwb, k, pres);
	pwb_end();
	for (i = 0; i < k->n; i++) {
		const struct bstep *s = &k->step[i];

		if (lres[i] != s->exp || pres[i] != s->exp) {
			print_error("%s step %zu (op %u slot %u): expected %s, linux %s, pollnet %s\n",
				    k->name, i, s->op, s->slot,
				    strerror(s->exp), strerror(lres[i]),
				    strerror(pres[i]));
			bad = true;
		}
	}
	if (bad)
		fail();
}

#define BCASE(nm, ...) { #nm, { __VA_ARGS__ }, \
	sizeof((struct bstep[]){ __VA_ARGS__ }) / sizeof(struct bstep) }

static const struct bcase bcases[] = {
	/* no option: one socket a port, whichever shard */
	BCASE(plain,
	      S(0, 0), BIND(0, ANY, 0),
	      S(1, 1), BIND(1, ANY, EADDRINUSE), BIND(1, AD_A, EADDRINUSE),
	      CLOSE(0), BIND(1, ANY, 0), LISTEN(1, 0)),
	/* two addresses share a port; the wildcard takes both */
	BCASE(addresses,
	      S(0, 0), BIND(0, AD_A, 0),
	      S(1, 1), BIND(1, AD_B, 0),
	      S(2, 1), BIND(2, ANY, EADDRINUSE),
	      S(3, 1), BIND(3, AD_A, EADDRINUSE),
	      LISTEN(0, 0), LISTEN(1, 0)),
	/* SO_REUSEPORT on both: a listener on each shard (pollnet's way) */
	BCASE(reuseport,
	      S(0, 0), RP(0), BIND(0, ANY, 0), LISTEN(0, 0),
	      S(1, 1), RP(1), BIND(1, ANY, 0), LISTEN(1, 0),
	      S(2, 1), BIND(2, ANY, EADDRINUSE),
	      S(3, 0), RA(3), BIND(3, ANY, EADDRINUSE)),
	/* SO_REUSEADDR: shared until one listens */
	BCASE(reuseaddr,
	      S(0, 0), RA(0), BIND(0, ANY, 0),
	      S(1, 1), RA(1), BIND(1, ANY, 0),
	      LISTEN(0, 0), LISTEN(1, EADDRINUSE),
	      S(2, 1), RA(2), BIND(2, ANY, EADDRINUSE),
	      CLOSE(0), LISTEN(1, 0)),
	/* the accepted socket holds the port once its listener is gone */
	BCASE(accepted,
	      S(0, 0), RA(0), BIND(0, AD_A, 0), LISTEN(0, 0),
	      CS(1, 0), CONNECT(1, AD_A), ACCEPT(0, 2), CLOSE(0),
	      S(3, 1), BIND(3, AD_A, EADDRINUSE),
	      S(4, 1), RA(4), BIND(4, AD_A, 0), LISTEN(4, 0)),
	/* SHUT_RD stops a listener; its port stays bound */
	BCASE(listener_shut_rd,
	      S(0, 0), RA(0), BIND(0, ANY, 0), LISTEN(0, 0),
	      S(1, 1), RA(1), BIND(1, ANY, EADDRINUSE),
	      SHUTRD(0), BIND(1, ANY, 0), LISTEN(1, 0),
	      S(2, 1), BIND(2, ANY, EADDRINUSE)),
	/* ports chosen by bind(port 0) and by listen() are held too */
	BCASE(chosen_ports,
	      S(0, 0), BIND(0, ANY, 0),
	      S(1, 1), BIND_LIKE(1, 0, EADDRINUSE),
	      S(2, 1), LISTEN(2, 0),
	      S(3, 0), BIND_LIKE(3, 2, EADDRINUSE),
	      CLOSE(2), BIND_LIKE(3, 2, 0)),
};

int
main(void)
{
	struct CMUnitTest t[RTE_DIM(bcases)];
	size_t i;

	for (i = 0; i < RTE_DIM(bcases); i++) {
		t[i] = (struct CMUnitTest){ .name = bcases[i].name,
					    .test_func = bind_case,
					    .initial_state =
						(void *)(uintptr_t)&bcases[i] };
	}
	return _cmocka_run_group_tests("bind_shards", t, RTE_DIM(bcases),
				       NULL, NULL);
}
