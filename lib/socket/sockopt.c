/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket options with Linux's rules (net/core/sock.c sk_setsockopt,
 * net/ipv4/tcp.c do_tcp_setsockopt): values kept by the socket and handed
 * to TCP once a connection exists, SO_SNDBUF/SO_RCVBUF doubled.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/time.h>
#include <netinet/tcp.h>

#include <rte_common.h>

#include "ipopt.h"
#include "ipv4.h"
#include "pollnet/socket.h"
#include "sock_priv.h"

#define SOCK_WMEM_MAX     4194304 /* as net.core.wmem_max on a tuned host */
#define SOCK_RMEM_MAX     4194304 /* = pn_tcp_conf.rcvbuf_max default */
#define SOCK_MIN_SNDBUF   4608
#define SOCK_MIN_RCVBUF   2304
#define SOCK_TCP_MIN_MSS  88
#define SOCK_MAX_WINDOW   32767
#define SOCK_MAX_KEEPIDLE 32767
#define SOCK_MAX_KEEPINTVL 32767
#define SOCK_MAX_KEEPCNT  127
#define SOCK_MAX_SYNCNT   127   /* Linux MAX_TCP_SYNCNT */
#define SOCK_ECN_MASK     3     /* INET_ECN_MASK: low bits of IP_TOS */

#define OPT_BIT(o) (1u << PN_TCP_OPT_##o)
/* What a new connection takes from its socket (an accepted one from its
 * listener's socket). */
#define SOCK_CONN_OPTS (OPT_BIT(NODELAY) | OPT_BIT(MAXSEG) | \
	OPT_BIT(KEEPALIVE) | OPT_BIT(KEEPIDLE) | OPT_BIT(KEEPINTVL) | \
	OPT_BIT(KEEPCNT) | OPT_BIT(LINGER) | OPT_BIT(SNDBUF) | \
	OPT_BIT(RCVBUF) | OPT_BIT(RCVLOWAT) | OPT_BIT(OOBINLINE) | \
	OPT_BIT(TOS) | OPT_BIT(SYNCNT) | OPT_BIT(USER_TIMEOUT) | OPT_BIT(CC))
/* The options a listener keeps for its SYN-ACKs (Linux: the child is a
 * clone of the listener, so they apply before the SYN-ACK is built). */
#define SOCK_LISTEN_OPTS (OPT_BIT(MAXSEG) | OPT_BIT(RCVBUF) | OPT_BIT(TOS) | \
	OPT_BIT(SYNCNT))

static bool
sock_opt_for_listener(enum pn_tcp_opt opt)
{
	return (SOCK_LISTEN_OPTS >> opt) & 1u;
}

static void
sock_opt_push(struct pn_sock *s, enum pn_tcp_opt opt, int64_t v)
{
	s->optset |= 1u << opt;
	if (s->conn != NULL)
		s->sl->ops->setopt(s->conn, opt, v);
	if (s->lis != NULL && sock_opt_for_listener(opt))
		s->sl->ops->listen_setopt(s->lis, opt, v);
}

/* The socket's value of option @p opt, as sock_opt_push gave it. */
static int64_t
sock_opt_value(const struct pn_sock *s, enum pn_tcp_opt opt)
{
	switch (opt) {
	case PN_TCP_OPT_NODELAY: return s->nodelay;
	case PN_TCP_OPT_MAXSEG: return s->maxseg;
	case PN_TCP_OPT_KEEPALIVE: return s->keepalive;
	case PN_TCP_OPT_KEEPIDLE: return s->keepidle;
	case PN_TCP_OPT_KEEPINTVL: return s->keepintvl;
	case PN_TCP_OPT_KEEPCNT: return s->keepcnt;
	case PN_TCP_OPT_LINGER: return s->linger;
	case PN_TCP_OPT_SNDBUF: return s->sndbuf;
	case PN_TCP_OPT_RCVBUF: return s->rcvbuf;
	case PN_TCP_OPT_RCVLOWAT: return s->rcvlowat;
	case PN_TCP_OPT_OOBINLINE: return s->oobinline;
	case PN_TCP_OPT_TOS: return s->tos;
	case PN_TCP_OPT_SYNCNT: return s->syncnt;
	case PN_TCP_OPT_USER_TIMEOUT: return s->user_timeout;
	case PN_TCP_OPT_CC: return s->cc;
	default: return 0;
	}
}

/* The lowest option of *@p set, taken out of it (enum pn_tcp_opt order). */
static enum pn_tcp_opt
opt_next(uint32_t *set)
{
	enum pn_tcp_opt opt = (enum pn_tcp_opt)__builtin_ctz(*set);

	*set &= *set - 1;
	return opt;
}

void
sock_push_listen_opts(struct pn_sock *s)
{
	uint32_t set = s->optset & SOCK_LISTEN_OPTS;
	enum pn_tcp_opt opt;

	while (set != 0) {
		opt = opt_next(&set);
		s->sl->ops->listen_setopt(s->lis, opt, sock_opt_value(s, opt));
	}
}

/* Only the options set: a connection per tcp-crr request went through
 * all 13 (~150 Ir). */
void
sock_push_opts(struct pn_sock *s)
{
	uint32_t set = s->optset & SOCK_CONN_OPTS;
	enum pn_tcp_opt opt;

	if (s->conn == NULL)
		return;
	while (set != 0) {
		opt = opt_next(&set);
		s->sl->ops->setopt(s->conn, opt, sock_opt_value(s, opt));
	}
}

/* Linux sock_set_timeout(): struct timeval to jiffies, rounded up. */
static int
sockopt_set_timeo(long *timeo, const void *val, socklen_t len)
{
	const long usec_per_jiffy = 1000000 / SOCK_HZ;
	struct timeval tv;

	if (len < (socklen_t)sizeof(tv))
		return sock_fail(EINVAL);
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return sock_fail(EDOM);
	if (tv.tv_sec < 0) {
		*timeo = 0; /* Linux: a negative time means "do not wait" */
		return 0;
	}
	*timeo = SOCK_TIMEO_INF;
	if ((tv.tv_sec != 0 || tv.tv_usec != 0) &&
	    tv.tv_sec < SOCK_TIMEO_INF / SOCK_HZ - 1)
		*timeo = tv.tv_sec * SOCK_HZ +
			 (tv.tv_usec + usec_per_jiffy - 1) / usec_per_jiffy;
	return 0;
}

/* Linux sock_get_timeout(): no timeout reads back as {0, 0}. */
static struct timeval
sockopt_get_timeo(long timeo)
{
	struct timeval tv = { 0, 0 };

	if (timeo != SOCK_TIMEO_INF) {
		tv.tv_sec = timeo / SOCK_HZ;
		tv.tv_usec = (timeo % SOCK_HZ) * 1000000 / SOCK_HZ;
	}
	return tv;
}

static int
sockopt_set_socket(struct pn_sock *s, int name, const void *val,
		   socklen_t len)
{
	struct linger lg;
	int v;

	if (name == SO_RCVTIMEO)
		return sockopt_set_timeo(&s->rcvtimeo, val, len);
	if (name == SO_SNDTIMEO)
		return sockopt_set_timeo(&s->sndtimeo, val, len);

	if (name == SO_LINGER) {
		if (len < (socklen_t)sizeof(lg))
			return sock_fail(EINVAL);
		memcpy(&lg, val, sizeof(lg));
		if (lg.l_onoff) {
			s->linger_t = RTE_MAX(lg.l_linger, 0);
			s->linger = s->linger_t;
		} else {
			s->linger = -1;
		}
		sock_opt_push(s, PN_TCP_OPT_LINGER, s->linger);
		return 0;
	}
	if (len < (socklen_t)sizeof(int))
		return sock_fail(EINVAL);
	memcpy(&v, val, sizeof(v));
	switch (name) {
	case SO_REUSEADDR:
		sock_bind_set(s, &s->reuseaddr, v != 0);
		return 0;
	case SO_REUSEPORT:
		sock_bind_set(s, &s->reuseport, v != 0);
		return 0;
	case SO_KEEPALIVE:
		s->keepalive = v != 0;
		sock_opt_push(s, PN_TCP_OPT_KEEPALIVE, s->keepalive);
		return 0;
	case SO_SNDBUF:
		v = (int)RTE_MIN((uint32_t)v, (uint32_t)SOCK_WMEM_MAX);
		s->sndbuf = RTE_MAX(v * 2, SOCK_MIN_SNDBUF);
		sock_opt_push(s, PN_TCP_OPT_SNDBUF, s->sndbuf);
		return 0;
	case SO_RCVBUF:
		v = (int)RTE_MIN((uint32_t)v, (uint32_t)SOCK_RMEM_MAX);
		s->rcvbuf = RTE_MAX(v * 2, SOCK_MIN_RCVBUF);
		sock_opt_push(s, PN_TCP_OPT_RCVBUF, s->rcvbuf);
		return 0;
	case SO_RCVLOWAT:
		if (v < 0)
			v = INT_MAX;
		s->rcvlowat = v != 0 ? v : 1;
		sock_opt_push(s, PN_TCP_OPT_RCVLOWAT, s->rcvlowat);
		return 0;
	case SO_OOBINLINE:
		s->oobinline = v != 0;
		sock_opt_push(s, PN_TCP_OPT_OOBINLINE, s->oobinline);
		return 0;
	default:
		return sock_fail(ENOPROTOOPT);
	}
}

#define SOCK_CA_NAME_MAX 16	/* Linux TCP_CA_NAME_MAX */

/* TCP_CONGESTION: a name, up to 15 bytes of @p val (Linux
 * strncpy_from_sockptr: a NUL ends it sooner). */
static int
sockopt_set_cc(struct pn_sock *s, const void *val, socklen_t len)
{
	char name[SOCK_CA_NAME_MAX] = "";
	int id;

	if ((int)len < 1)
		return sock_fail(EINVAL);
	memcpy(name, val, RTE_MIN((size_t)len, sizeof(name) - 1));
	id = pn_tcp_cc_id(name);
	if (id == 0)
		return sock_fail(ENOENT);
	s->cc = (uint8_t)id;
	sock_opt_push(s, PN_TCP_OPT_CC, id);
	return 0;
}

static int
sockopt_set_tcp(struct pn_sock *s, int name, const void *val, socklen_t len)
{
	int v;

	if (name == TCP_CONGESTION)
		return sockopt_set_cc(s, val, len);
	if (len < (socklen_t)sizeof(int))
		return sock_fail(EINVAL);
	memcpy(&v, val, sizeof(v));
	switch (name) {
	case TCP_NODELAY:
		s->nodelay = v != 0;
		sock_opt_push(s, PN_TCP_OPT_NODELAY, s->nodelay);
		return 0;
	case TCP_MAXSEG:
		if (v != 0 && (v < SOCK_TCP_MIN_MSS || v > SOCK_MAX_WINDOW))
			return sock_fail(EINVAL);
		s->maxseg = v;
		sock_opt_push(s, PN_TCP_OPT_MAXSEG, v);
		return 0;
	case TCP_KEEPIDLE:
		if (v < 1 || v > SOCK_MAX_KEEPIDLE)
			return sock_fail(EINVAL);
		s->keepidle = v;
		sock_opt_push(s, PN_TCP_OPT_KEEPIDLE, v);
		return 0;
	case TCP_KEEPINTVL:
		if (v < 1 || v > SOCK_MAX_KEEPINTVL)
			return sock_fail(EINVAL);
		s->keepintvl = v;
		sock_opt_push(s, PN_TCP_OPT_KEEPINTVL, v);
		return 0;
	case TCP_KEEPCNT:
		if (v < 1 || v > SOCK_MAX_KEEPCNT)
			return sock_fail(EINVAL);
		s->keepcnt = (uint8_t)v;
		sock_opt_push(s, PN_TCP_OPT_KEEPCNT, v);
		return 0;
	case TCP_USER_TIMEOUT:
		/* Linux do_tcp_setsockopt: any ms >= 0, 0 the default */
		if (v < 0)
			return sock_fail(EINVAL);
		s->user_timeout = (uint32_t)v;
		sock_opt_push(s, PN_TCP_OPT_USER_TIMEOUT, v);
		return 0;
	case TCP_SYNCNT:
		if (v < 1 || v > SOCK_MAX_SYNCNT)
			return sock_fail(EINVAL);
		s->syncnt = (uint8_t)v;
		sock_opt_push(s, PN_TCP_OPT_SYNCNT, v);
		return 0;
	default:
		return sock_fail(ENOPROTOOPT);
	}
}

/* Linux do_ip_setsockopt IP_OPTIONS: at most 40 bytes that
 * ip_options_get compiles (EINVAL when malformed); an empty buffer
 * clears. connect() routes by them (RFC 9293 MUST-51); a connection
 * sends them from its next segment on. A listener keeps them for
 * getsockopt only: Linux answers each SYN along its own route. */
static bool
sockopt_addr_is_ours(uint32_t addr, void *arg)
{
	const struct pn_sock_lcore *sl = arg;

	return sl->ops->addr_is_local != NULL &&
	       sl->ops->addr_is_local(sl->tcp, addr);
}

static int
sockopt_set_ipopts(struct pn_sock *s, const void *val, socklen_t len)
{
	const struct pn_sock_tcp_ops *ops = s->sl->ops;
	struct pn_ipopt_tx o;
	int rc;

	if (len > PN_IPV4_OPTS_MAX_LEN ||
	    pn_ipopt_compile_local(val, len, sockopt_addr_is_ours, s->sl,
				   &o) < 0)
		return sock_fail(EINVAL);
	if (s->conn != NULL && ops->set_ipopt == NULL)
		return sock_fail(EOPNOTSUPP);
	rc = sock_ipopt_set(s, &o);
	if (rc == 0 && s->conn != NULL)
		rc = ops->set_ipopt(s->conn, &o);
	return rc < 0 ? sock_fail(-rc) : 0;
}

/* Linux do_ip_setsockopt: IP_TOS takes an int or a byte; for TCP the ECN
 * bits stay TCP's (__ip_sock_set_tos). RFC 9293 MUST-48. */
static int
sockopt_set_ip(struct pn_sock *s, int name, const void *val, socklen_t len)
{
	unsigned char uc;
	int v = 0;

	if (name == IP_OPTIONS)
		return sockopt_set_ipopts(s, val, len);
	if (name != IP_TOS)
		return sock_fail(ENOPROTOOPT);
	if (len >= (socklen_t)sizeof(int)) {
		memcpy(&v, val, sizeof(v));
	} else if (len >= 1) {
		memcpy(&uc, val, 1);
		v = uc;
	}
	s->tos = (uint8_t)(v & ~SOCK_ECN_MASK);
	sock_opt_push(s, PN_TCP_OPT_TOS, s->tos);
	return 0;
}

int
pn_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct pn_sock *s = sock_get(fd);

	if (s == NULL)
		return -1;
	if (level != SOL_SOCKET && level != IPPROTO_TCP && level != IPPROTO_IP)
		return sock_fail(ENOPROTOOPT);
	if (val == NULL)
		return sock_fail(EFAULT);
	if (level == SOL_SOCKET)
		return sockopt_set_socket(s, name, val, len);
	if (level == IPPROTO_IP)
		return sockopt_set_ip(s, name, val, len);
	return sockopt_set_tcp(s, name, val, len);
}

/* The socket's value when it set one, else TCP's when a connection
 * exists, else the configured default, else @p dflt. */
static int64_t
sockopt_tcp_value(const struct pn_sock *s, enum pn_tcp_opt opt, int64_t mine,
		  int64_t dflt)
{
	int64_t v;

	if (s->optset & (1u << opt))
		return mine;
	if (s->conn != NULL && s->sl->ops->getopt(s->conn, opt, &v) == 0)
		return v;
	/* not connected (or a listener): the configured default, as
	 * Linux's sysctl fallback in do_tcp_getsockopt */
	if (s->sl->ops->default_opt != NULL && s->sl->tcp != NULL &&
	    s->sl->ops->default_opt(s->sl->tcp, opt, &v) == 0)
		return v;
	return dflt;
}

static int
sockopt_out(void *val, socklen_t *len, const void *v, size_t vlen)
{
	size_t n = RTE_MIN((size_t)*len, vlen);

	/* most options are one int (SO_ERROR after every connect): a
	 * fixed-size copy is one move, not a libc call */
	if (n == sizeof(int))
		memcpy(val, v, sizeof(int));
	else
		memcpy(val, v, n);
	*len = (socklen_t)n;
	return 0;
}

/* Linux do_ip_getsockopt IP_OPTIONS: the bytes as set (ip_options_undo),
 * or, on an accepted socket, the reversed route of the peer's SYN;
 * cut to the caller's length. */
static int
sockopt_get_ipopts(const struct pn_sock *s, void *val, socklen_t *len)
{
	const struct pn_sock_tcp_ops *ops = s->sl->ops;
	const struct pn_ipopt_tx *o = sock_ipopt_get(s);
	uint8_t buf[PN_IPV4_OPTS_MAX_LEN];
	struct pn_ipopt_tx co;
	uint32_t n = 0;

	if (o == NULL && s->conn != NULL && ops->get_ipopt != NULL &&
	    ops->get_ipopt(s->conn, &co) == 0)
		o = &co;
	if (o != NULL)
		n = pn_ipopt_undo(o, buf);
	return sockopt_out(val, len, buf, n);
}

static void
sockopt_tcp_info(const struct pn_sock *s, struct tcp_info *ti)
{
	struct pn_tcp_info pi;

	memset(ti, 0, sizeof(*ti));
	memset(&pi, 0, sizeof(pi));
	if (s->conn != NULL)
		s->sl->ops->info(s->conn, &pi);
	else
		pi.state = s->state == PN_SS_LISTEN ? PN_TCP_LISTEN :
						       PN_TCP_CLOSED;
	if (s->lis != NULL)
		pi.state = PN_TCP_LISTEN;
	ti->tcpi_state = pi.state;
	ti->tcpi_ca_state = pi.ca_state;
	ti->tcpi_retransmits = pi.retransmits;
	ti->tcpi_options = pi.options;
	ti->tcpi_snd_wscale = pi.snd_wscale & 0xf;
	ti->tcpi_rcv_wscale = pi.rcv_wscale & 0xf;
	ti->tcpi_rto = pi.rto_us;
	ti->tcpi_ato = pi.ato_us;
	ti->tcpi_snd_mss = pi.snd_mss;
	ti->tcpi_rcv_mss = pi.rcv_mss;
	ti->tcpi_unacked = pi.unacked;
	ti->tcpi_sacked = pi.sacked;
	ti->tcpi_lost = pi.lost;
	ti->tcpi_retrans = pi.retrans;
	ti->tcpi_rtt = pi.rtt_us;
	ti->tcpi_rttvar = pi.rttvar_us;
	ti->tcpi_snd_ssthresh = pi.snd_ssthresh;
	ti->tcpi_snd_cwnd = pi.snd_cwnd;
	ti->tcpi_rcv_space = pi.rcv_space;
	ti->tcpi_total_retrans = pi.total_retrans;
}

/* getsockopt(TCP_CONGESTION): the name's first min(*len, 16) bytes of
 * its NUL-padded 16, as Linux copies icsk_ca_ops->name. */
static int
sockopt_get_cc(const struct pn_sock *s, void *val, socklen_t *len)
{
	char name[SOCK_CA_NAME_MAX] = "";
	const char *n = pn_tcp_cc_name((int)sockopt_tcp_value(s, PN_TCP_OPT_CC,
							     s->cc, 0));

	if (n != NULL)
		memcpy(name, n, RTE_MIN(strlen(n), sizeof(name) - 1));
	return sockopt_out(val, len, name, sizeof(name));
}

int
pn_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct pn_sock *s = sock_get(fd);
	struct tcp_info ti;
	struct timeval tv;
	struct linger lg;
	int v;

	if (s == NULL)
		return -1;
	if (level != SOL_SOCKET && level != IPPROTO_TCP && level != IPPROTO_IP)
		return sock_fail(ENOPROTOOPT);
	if (val == NULL || len == NULL)
		return sock_fail(EFAULT);
	if ((int)*len < 0)
		return sock_fail(EINVAL);
	if (level == IPPROTO_IP) {
		if (name == IP_OPTIONS)
			return sockopt_get_ipopts(s, val, len);
		if (name != IP_TOS)
			return sock_fail(ENOPROTOOPT);
		v = s->tos;
		return sockopt_out(val, len, &v, sizeof(v));
	}
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_LINGER:
			lg.l_onoff = s->linger >= 0;
			lg.l_linger = s->linger_t;
			return sockopt_out(val, len, &lg, sizeof(lg));
		case SO_RCVTIMEO:
		case SO_SNDTIMEO:
			tv = sockopt_get_timeo(name == SO_RCVTIMEO ?
					       s->rcvtimeo : s->sndtimeo);
			return sockopt_out(val, len, &tv, sizeof(tv));
		case SO_REUSEADDR: v = s->reuseaddr; break;
		case SO_REUSEPORT: v = s->reuseport; break;
		case SO_KEEPALIVE: v = s->keepalive; break;
		case SO_OOBINLINE: v = s->oobinline; break;
		case SO_SNDBUF:
			v = (int)sockopt_tcp_value(s, PN_TCP_OPT_SNDBUF,
						   s->sndbuf, 16384);
			break;
		case SO_RCVBUF:
			v = (int)sockopt_tcp_value(s, PN_TCP_OPT_RCVBUF,
						   s->rcvbuf, 131072);
			break;
		case SO_RCVLOWAT:
			v = (int)sockopt_tcp_value(s, PN_TCP_OPT_RCVLOWAT,
						   s->rcvlowat, 1);
			break;
		case SO_ERROR:
			if (s->conn != NULL)
				v = s->sl->ops->error(s->conn);
			else
				v = 0;
			if (v == 0) {
				v = s->err;
			}
			s->err = 0;
			break;
		case SO_TYPE: v = SOCK_STREAM; break;
		case SO_DOMAIN: v = AF_INET; break;
		case SO_PROTOCOL: v = IPPROTO_TCP; break;
		case SO_ACCEPTCONN: v = s->state == PN_SS_LISTEN; break;
		case SO_SNDLOWAT: v = 1; break; /* Linux: fixed, not settable */
		default:
			return sock_fail(ENOPROTOOPT);
		}
		return sockopt_out(val, len, &v, sizeof(v));
	}
	switch (name) {
	case TCP_NODELAY: v = s->nodelay; break;
	case TCP_MAXSEG:
		/* Linux: the user's clamp while closed or listening */
		if (s->conn == NULL) {
			v = s->maxseg != 0 ? s->maxseg : 536;
		} else {
			struct pn_tcp_info pi;

			memset(&pi, 0, sizeof(pi));
			s->sl->ops->info(s->conn, &pi);
			v = (int)pi.snd_mss;
		}
		break;
	case TCP_KEEPIDLE:
		v = (int)sockopt_tcp_value(s, PN_TCP_OPT_KEEPIDLE, s->keepidle,
					   7200);
		break;
	case TCP_KEEPINTVL:
		v = (int)sockopt_tcp_value(s, PN_TCP_OPT_KEEPINTVL,
					   s->keepintvl, 75);
		break;
	case TCP_KEEPCNT:
		v = (int)sockopt_tcp_value(s, PN_TCP_OPT_KEEPCNT, s->keepcnt, 9);
		break;
	case TCP_SYNCNT:
		/* as Linux: the socket's value, else the configured
		 * tcp.syn_retries (7 by default; Linux's sysctl says 6) */
		v = (int)sockopt_tcp_value(s, PN_TCP_OPT_SYNCNT, s->syncnt, 7);
		break;
	case TCP_USER_TIMEOUT: v = (int)s->user_timeout; break;
	case TCP_CONGESTION: return sockopt_get_cc(s, val, len);
	case TCP_INFO:
		sockopt_tcp_info(s, &ti);
		return sockopt_out(val, len, &ti, sizeof(ti));
	default:
		return sock_fail(ENOPROTOOPT);
	}
	return sockopt_out(val, len, &v, sizeof(v));
}
