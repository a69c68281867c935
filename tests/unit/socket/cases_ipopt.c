/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Differential cases (diff.h): IP_OPTIONS on a TCP socket, as Linux
 * do_ip_setsockopt/ip_options_get compile them and do_ip_getsockopt
 * gives them back (ip_options_undo). Options Linux lets only
 * CAP_NET_RAW set are left out: the oracle may run as root. Included
 * by test_socket.c.
 */

/* getsockopt(IP_OPTIONS) with room for @p room bytes, logged in hex. */
static void
h_ipopts(struct dctx *c, int fd, socklen_t room)
{
	uint8_t b[64];
	socklen_t len = room, i;
	char hex[3 * 64 + 1] = "";

	memset(b, 0xee, sizeof(b));
	if (A->getsockopt(fd, IPPROTO_IP, IP_OPTIONS, b, &len) < 0) {
		L(c, "getsockopt(IP_OPTIONS) = -1 %s", ename(errno));
		return;
	}
	for (i = 0; i < len && i < 64; i++)
		snprintf(hex + 3 * i, 4, "%02x ", b[i]);
	L(c, "getsockopt(IP_OPTIONS, %u) len=%u %s", (unsigned)room,
	  (unsigned)len, hex);
}

static void
h_set_ipopts(struct dctx *c, int fd, const char *tag, const void *o,
	     socklen_t len)
{
	RI(c, tag, A->setsockopt(fd, IPPROTO_IP, IP_OPTIONS, o, len));
}

static void
s_ip_options(struct dctx *c)
{
	int fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0));
	static const uint8_t lsrr[] = { 131, 11, 4, 198, 18, 0, 254,
					198, 19, 7, 7 };
	static const uint8_t nop_end[] = { 1, 137, 7, 4, 198, 18, 0, 254,
					   0, 5, 6 };
	static const uint8_t rr[] = { 7, 7, 4, 0, 0, 0, 0 };
	static const uint8_t ts[] = { 68, 8, 5, 0, 0, 0, 0, 0 };
	static const uint8_t ptr8[] = { 131, 11, 8, 198, 18, 0, 254,
					198, 19, 7, 7 };
	static const uint8_t noaddr[] = { 131, 3, 4 };
	static const uint8_t partial[] = { 131, 9, 4, 1, 2, 3, 4, 5, 6 };
	static const uint8_t longer[] = { 131, 50, 4, 1, 2, 3, 4 };
	static const uint8_t two[] = { 131, 7, 4, 1, 2, 3, 4,
				       137, 7, 4, 1, 2, 3, 4 };
	static const uint8_t rr_short[] = { 7, 2 };
	static const uint8_t ts_ptr[] = { 68, 8, 4, 0, 0, 0, 0, 0 };
	/* slots output fills come back zeroed (ip_options_undo) */
	static const uint8_t rr_data[] = { 7, 11, 4, 9, 9, 9, 9, 8, 8, 8, 8 };
	static const uint8_t rr_full[] = { 7, 7, 8, 9, 9, 9, 9 };
	static const uint8_t ts_addr[] = { 68, 20, 5, 1, 9, 9, 9, 9, 8, 8, 8,
					   8, 7, 7, 7, 7, 6, 6, 6, 6 };
	static const uint8_t ts_prespec[] = { 68, 12, 5, 3, 198, 19, 200, 200,
					      5, 5, 5, 5 };
	uint8_t big[41];

	memset(big, 1, sizeof(big));
	h_ipopts(c, fd, 40);
	h_set_ipopts(c, fd, "set lsrr", lsrr, sizeof(lsrr));
	h_ipopts(c, fd, 40);
	h_ipopts(c, fd, 4);
	/* refused: the options set before stay */
	h_set_ipopts(c, fd, "pointer 8", ptr8, sizeof(ptr8));
	h_set_ipopts(c, fd, "no address", noaddr, sizeof(noaddr));
	h_set_ipopts(c, fd, "partial address", partial, sizeof(partial));
	h_set_ipopts(c, fd, "length past end", longer, sizeof(longer));
	h_set_ipopts(c, fd, "two routes", two, sizeof(two));
	h_set_ipopts(c, fd, "rr short", rr_short, sizeof(rr_short));
	h_set_ipopts(c, fd, "ts pointer 4", ts_ptr, sizeof(ts_ptr));
	h_set_ipopts(c, fd, "41 bytes", big, sizeof(big));
	h_ipopts(c, fd, 40);
	h_set_ipopts(c, fd, "nop ssrr end junk", nop_end, sizeof(nop_end));
	h_ipopts(c, fd, 40);
	h_set_ipopts(c, fd, "rr", rr, sizeof(rr));
	h_ipopts(c, fd, 40);
	h_set_ipopts(c, fd, "ts", ts, sizeof(ts));
	h_ipopts(c, fd, 40);
	h_set_ipopts(c, fd, "rr with data", rr_data, sizeof(rr_data));
	h_ipopts(c, fd, 40);
	h_set_ipopts(c, fd, "rr full", rr_full, sizeof(rr_full));
	h_ipopts(c, fd, 40);
	h_set_ipopts(c, fd, "ts and address", ts_addr, sizeof(ts_addr));
	h_ipopts(c, fd, 40);
	h_set_ipopts(c, fd, "ts prespecified, not ours", ts_prespec,
		     sizeof(ts_prespec));
	h_ipopts(c, fd, 40);
	h_set_ipopts(c, fd, "40 nops", big, 40);
	h_ipopts(c, fd, 64);
	h_set_ipopts(c, fd, "empty", lsrr, 0);
	h_ipopts(c, fd, 40);
	A->close(fd);
}

#ifdef PN_DIFF_REAL /* the fake TCP has no IP options */
/* Listen on @p l; a non-blocking client with IP_OPTIONS @p o connects
 * to it; *@p a: what accept4 gives. @return the client. */
static int
h_connect_ipopts(struct dctx *c, int l, const char *tag, const void *o,
		 socklen_t olen, int *a)
{
	struct sockaddr_in sin;
	int fd;

	h_listen_on(c, l);
	fd = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK,
					0));
	h_set_ipopts(c, fd, tag, o, olen);
	saddr(&sin, A->srv_ip, c->port);
	RI(c, "connect", A->connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	A->pump();
	A->fcntl(l, F_SETFL, O_NONBLOCK);
	*a = RF(c, "accept4", A->accept4(l, NULL, NULL, 0));
	h_getint(c, fd, SOL_SOCKET, SO_ERROR);
	return fd;
}

/* connect() with a loose source route via the server's own address:
 * the SYN goes out (EINPROGRESS) along the route; the server drops it,
 * a route with a hop left (Linux: and accept_source_route 0), so the
 * listener sees nothing. The options stay readable. Addresses differ
 * between the two sides: only the option's head is logged. */
static void
s_ip_options_connect(struct dctx *c)
{
	int l = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0)), fd, a;
	uint8_t o[8] = { 1, 131, 7, 4 }, b[40];
	socklen_t len = sizeof(b);

	memcpy(o + 4, &A->srv_ip, 4);
	fd = h_connect_ipopts(c, l, "set lsrr", o, sizeof(o), &a);
	(void)a;	/* nothing: the server dropped the SYN */
	RI(c, "getsockopt(IP_OPTIONS)",
	   A->getsockopt(fd, IPPROTO_IP, IP_OPTIONS, b, &len));
	L(c, "len=%u head %02x %02x %02x %02x", (unsigned)len, b[0], b[1],
	  b[2], b[3]);
	A->close(fd);
	A->close(l);
}

/* One option's slots, from byte @p first, as ip/0/t (ip: the client's
 * or the server's address, one over Linux's loopback; anything else: a
 * time), so that both sides' addresses and clocks compare. The scenario
 * tests (srcroute) check which address is where. */
static void
h_opt_slots(struct dctx *c, const char *who, const uint8_t *o,
	    uint32_t first)
{
	char line[160];
	uint32_t at, w;
	int n;

	n = snprintf(line, sizeof(line), "%s: %u %u %u", who, o[0], o[1],
		     o[2]);
	if (first == 4)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " fl %02x",
			      o[3]);
	for (at = first; at + 4 <= o[1] && n < 120; at += 4) {
		memcpy(&w, o + at, 4);
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %s",
			      w == A->cli_ip || w == A->srv_ip ? "ip" :
			      w == 0 ? "0" : "t");
	}
	L(c, "%s", line);
}

/* getsockopt(IP_OPTIONS) of @p fd: each RR/TS option's slots. */
static void
h_ipopts_slots(struct dctx *c, int fd, const char *who)
{
	uint8_t b[40];
	socklen_t len = sizeof(b), at = 0;

	if (A->getsockopt(fd, IPPROTO_IP, IP_OPTIONS, b, &len) < 0) {
		L(c, "%s: getsockopt(IP_OPTIONS) = -1 %s", who, ename(errno));
		return;
	}
	L(c, "%s: len=%u", who, (unsigned)len);
	while (at + 2 <= len && b[at] != 0) {
		if (b[at] == 1) {
			at++;
			continue;
		}
		if (b[at + 1] < 2 || at + b[at + 1] > len)
			break;
		h_opt_slots(c, who, b + at, b[at] == 7 ? 3 : 4);
		at += b[at + 1];
	}
}

/* A client with IP_OPTIONS record route and timestamps connects: the
 * accepted socket holds the echo of its SYN's options (Linux
 * tcp_v4_save_options -> ip_options_echo: the server's own entry
 * recorded on input, a slot left for output), undone for getsockopt
 * (ip_options_undo). Over loopback Linux records 127.0.0.1 for both. */
static void
s_ip_options_rr_accept(struct dctx *c)
{
	int l = RF(c, "socket", A->socket(AF_INET, SOCK_STREAM, 0)), fd, a;
	static const uint8_t o[] = { 7, 15, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				     0, 0, 1, 68, 20, 5, 1, 0, 0, 0, 0, 0,
				     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

	fd = h_connect_ipopts(c, l, "set rr ts", o, sizeof(o), &a);
	h_ipopts_slots(c, fd, "client");
	if (a >= 0)
		h_ipopts_slots(c, a, "accepted");
	A->close(a);
	A->close(fd);
	A->close(l);
}
#endif
