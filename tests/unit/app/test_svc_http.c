/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP service (app/examples/svc_http.h): the request parser, the
 * path resolution below a root, and the connection state machine over a
 * Linux socketpair (the service's pn_* calls mapped to Linux, as the
 * -linux examples build it), with a small send buffer to exercise
 * EPOLLOUT backpressure while a file streams.
 */
#define PN_LINUX
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../../app/examples/compat.h"
#include "../../../app/examples/svc_http.h"

static int
parse(const char *s, struct svc_http_req *r)
{
	return svc_http_parse(s, strlen(s), r);
}

static void
test_parse_ok(void **state)
{
	struct svc_http_req r;
	const char *req = "GET /a%20b.txt?x=1 HTTP/1.1\r\nHost: h\r\n\r\nGET /next";

	(void)state;
	assert_int_equal(parse(req, &r), (int)(strstr(req, "GET /next") - req));
	assert_int_equal(r.method, SVC_HTTP_GET);
	assert_string_equal(r.path, "/a b.txt");
	assert_false(r.close);
	assert_false(r.has_body);
	assert_true(parse("HEAD / HTTP/1.1\r\nConnection: close\r\n\r\n", &r) > 0);
	assert_int_equal(r.method, SVC_HTTP_HEAD);
	assert_true(r.close);
	/* HTTP/1.0 closes unless it asks for keep-alive */
	assert_true(parse("GET / HTTP/1.0\r\n\r\n", &r) > 0);
	assert_true(r.close);
	assert_true(parse("GET / HTTP/1.0\r\nconnection: Keep-Alive\r\n\r\n", &r) > 0);
	assert_false(r.close);
	assert_true(r.v10);
	assert_true(parse("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", &r) > 0);
	assert_int_equal(r.method, SVC_HTTP_OTHER);
	assert_true(r.has_body);
	/* bare LF line ends */
	assert_true(parse("GET / HTTP/1.1\nHost: h\n\n", &r) > 0);
}

static void
test_parse_incomplete_and_errors(void **state)
{
	static char big[SVC_REQ_MAX + 16];
	struct svc_http_req r;

	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\n", &r), 0);
	assert_int_equal(parse("GET / HT", &r), 0);
	assert_int_equal(parse("NONSENSE\r\n\r\n", &r), -400);
	assert_int_equal(parse("GET / HTTP/2.0\r\n\r\n", &r), -400);
	assert_int_equal(parse("GET /  HTTP/1.1\r\n\r\n", &r), -400);
	assert_int_equal(parse("GET relative HTTP/1.1\r\n\r\n", &r), -400);
	assert_int_equal(parse("GET /%zz HTTP/1.1\r\n\r\n", &r), -400);
	assert_int_equal(parse("GET /%00 HTTP/1.1\r\n\r\n", &r), -400);
	assert_int_equal(parse("GET /% HTTP/1.1\r\n\r\n", &r), -400);
	/* a request target over SVC_URI_MAX: 414, complete or not */
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "GET /", 5);
	assert_int_equal(parse(big, &r), -414);
	memcpy(big + SVC_URI_MAX + 8, " HTTP/1.1\r\n\r\n", 14);
	assert_int_equal(svc_http_parse(big, SVC_URI_MAX + 22, &r), -414);
	/* a head over SVC_REQ_MAX: 431 */
	memset(big, 'x', sizeof(big) - 1);
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	assert_int_equal(svc_http_parse(big, SVC_REQ_MAX, &r), -431);
}

static void
test_mime(void **state)
{
	(void)state;
	assert_string_equal(svc_http_mime("a/index.html"), "text/html");
	assert_string_equal(svc_http_mime("x.TXT"), "text/plain");
	assert_string_equal(svc_http_mime("s.css"), "text/css");
	assert_string_equal(svc_http_mime("s.js"), "text/javascript");
	assert_string_equal(svc_http_mime("d.json"), "application/json");
	assert_string_equal(svc_http_mime("p.png"), "image/png");
	assert_string_equal(svc_http_mime("p.jpg"), "image/jpeg");
	assert_string_equal(svc_http_mime("i.svg"), "image/svg+xml");
	assert_string_equal(svc_http_mime("dir.d/noext"), "application/octet-stream");
}

static char root[64];
static int rootfd = -1;

static void
put(const char *name, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
setup_root(void **state)
{
	char p[256];

	(void)state;
	strcpy(root, "/tmp/pn-svc-http-XXXXXX");
	if (mkdtemp(root) == NULL)
		return -1;
	snprintf(p, sizeof(p), "%s/sub", root);
	mkdir(p, 0755);
	put("index.html", "<p>i</p>");
	put("sub/a.css", "b{}");
	snprintf(p, sizeof(p), "%s/up", root);
	if (symlink("/etc", p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/in.html", root);
	if (symlink("index.html", p) < 0)
		return -1;
	rootfd = open(root, O_PATH | O_DIRECTORY);
	return rootfd < 0 ? -1 : 0;
}

static int
teardown_root(void **state)
{
	char cmd[128];

	(void)state;
	close(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd) == 0 ? 0 : -1;
}

static int
open_status(const char *path)
{
	char mp[SVC_URI_MAX + 16];
	uint64_t size;
	int fd = svc_http_open(rootfd, path, &size, mp, sizeof(mp));

	if (fd >= 0) {
		close(fd);
		return 200;
	}
	return -fd;
}

static void
test_open(void **state)
{
	(void)state;
	assert_int_equal(open_status("/"), 200);           /* index.html */
	assert_int_equal(open_status("/sub/a.css"), 200);
	assert_int_equal(open_status("/in.html"), 200);    /* symlink inside */
	assert_int_equal(open_status("/sub/"), 404);       /* no index.html */
	assert_int_equal(open_status("/nope"), 404);
	assert_int_equal(open_status("/index.html/x"), 404);
	assert_int_equal(open_status("/../etc/passwd"), 403);
	assert_int_equal(open_status("/sub/../../etc/passwd"), 403);
	assert_int_equal(open_status("//etc/passwd"), 403); /* absolute */
	assert_int_equal(open_status("/up/passwd"), 403);  /* symlink out */
}

/* Run the server side until it waits for a request; read what the client
 * got. The send buffer is small, so a big body needs several rounds. */
static size_t
exchange(int srv, int cli, struct svc_http_state *h,
	 const struct svc_http_site *site, char *out, size_t cap, int *last)
{
	size_t got = 0;
	ssize_t n;
	int k, rounds = 0;

	for (;;) {
		k = svc_http_io(srv, h, site);
		while ((n = recv(cli, out + got, cap - got - 1, MSG_DONTWAIT)) > 0)
			got += (size_t)n;
		if (k != EPOLLOUT)
			break;
		assert_true(++rounds < 100000);
	}
	out[got] = '\0';
	*last = k;
	return got;
}

static void
test_io_file_backpressure_pipelining(void **state)
{
	static char body[200000], out[400000];
	struct svc_http_site site = { .rootfd = rootfd, .server_name = "t" };
	struct svc_http_state *h = malloc(sizeof(*h));
	int sv[2], small = 4096, last;
	const char *req = "GET /big.bin HTTP/1.1\r\n\r\nHEAD /sub/a.css HTTP/1.1\r\n\r\n";
	size_t i, n;
	char *p;

	(void)state;
	for (i = 0; i < sizeof(body) - 1; i++)
		body[i] = (char)('a' + i % 23);
	put("big.bin", body);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	svc_http_state_init(h);
	assert_int_equal(write(sv[1], req, strlen(req)), (ssize_t)strlen(req));
	n = exchange(sv[0], sv[1], h, &site, out, sizeof(out), &last);
	assert_int_equal(last, EPOLLIN);
	p = strstr(out, "\r\n\r\n");
	assert_non_null(p);
	assert_non_null(strstr(out, "Content-Length: 199999\r\n"));
	assert_non_null(strstr(out, "Content-Type: application/octet-stream\r\n"));
	assert_memory_equal(p + 4, body, sizeof(body) - 1);
	/* the pipelined HEAD: a head with the length, no body */
	p += 4 + sizeof(body) - 1;
	assert_true(strncmp(p, "HTTP/1.1 200 OK\r\n", 17) == 0);
	assert_non_null(strstr(p, "Content-Type: text/css\r\nContent-Length: 3\r\n"));
	assert_int_equal(n, (size_t)(strstr(p, "\r\n\r\n") + 4 - out));
	/* 405 with Allow, then the connection is closed */
	req = "DELETE / HTTP/1.1\r\n\r\n";
	assert_int_equal(write(sv[1], req, strlen(req)), (ssize_t)strlen(req));
	exchange(sv[0], sv[1], h, &site, out, sizeof(out), &last);
	assert_int_equal(last, -1);
	assert_non_null(strstr(out, "HTTP/1.1 405 Method Not Allowed\r\n"));
	assert_non_null(strstr(out, "Allow: GET, HEAD\r\n"));
	assert_non_null(strstr(out, "Connection: close\r\n"));
	svc_http_state_fini(h);
	free(h);
	close(sv[0]);
	close(sv[1]);
}

static void
test_io_fixed_body_and_errors(void **state)
{
	static char out[8192];
	struct svc_http_site site = { .rootfd = -1, .body = "hello", .body_len = 5,
				      .server_name = "t" };
	struct svc_http_state *h = malloc(sizeof(*h));
	int sv[2], last;
	const char *req = "GET /whatever HTTP/1.1\r\n\r\n";

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	svc_http_state_init(h);
	assert_int_equal(write(sv[1], req, strlen(req)), (ssize_t)strlen(req));
	exchange(sv[0], sv[1], h, &site, out, sizeof(out), &last);
	assert_int_equal(last, EPOLLIN);
	assert_non_null(strstr(out, "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"));
	/* HTTP/1.0 keep-alive is announced (ab -k waits for it) */
	req = "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n";
	assert_int_equal(write(sv[1], req, strlen(req)), (ssize_t)strlen(req));
	exchange(sv[0], sv[1], h, &site, out, sizeof(out), &last);
	assert_int_equal(last, EPOLLIN);
	assert_non_null(strstr(out, "Content-Length: 5\r\nConnection: keep-alive\r\n\r\nhello"));
	req = "BAD\r\n\r\n";
	assert_int_equal(write(sv[1], req, strlen(req)), (ssize_t)strlen(req));
	exchange(sv[0], sv[1], h, &site, out, sizeof(out), &last);
	assert_int_equal(last, -1);
	assert_true(strncmp(out, "HTTP/1.1 400 Bad Request\r\n", 26) == 0);
	assert_non_null(strstr(out, "\r\n\r\n400 Bad Request\n"));
	svc_http_state_fini(h);
	free(h);
	close(sv[0]);
	close(sv[1]);
}

/* svc_http_head writes what snprintf with the old format wrote. */
static void
test_head_as_printf(void **state)
{
	static const struct {
		int status;
		const char *server, *type, *extra, *conn;
		uint64_t len;
	} c[] = {
		{ 200, "pollnet-example", "text/plain", "", "", 5 },
		{ 200, "t", "text/html", "", "Connection: keep-alive\r\n", 0 },
		{ 405, "pollnetd", "text/plain", "Allow: GET, HEAD\r\n",
		  "Connection: close\r\n", 23 },
		{ 431, "s", "application/octet-stream", "", "Connection: close\r\n",
		  UINT64_MAX },
		{ 404, "", "image/svg+xml", "", "", 1234567890 },
	};
	char want[512], got[512];
	size_t i, n;
	int w;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		w = snprintf(want, sizeof(want),
			     "HTTP/1.1 %d %s\r\nServer: %s\r\nContent-Type: %s\r\n"
			     "Content-Length: %llu\r\n%s%s\r\n",
			     c[i].status, svc_http_reason(c[i].status),
			     c[i].server, c[i].type, (unsigned long long)c[i].len,
			     c[i].extra, c[i].conn);
		n = svc_http_head(got, sizeof(got), c[i].status, c[i].server,
				  c[i].type, c[i].len, c[i].extra, c[i].conn);
		assert_int_equal(n, (size_t)w);
		assert_memory_equal(got, want, n);
		/* one byte short of the worst case it reserves: refused */
		assert_int_equal(svc_http_head(got, (size_t)w - 1, c[i].status,
					       c[i].server, c[i].type, c[i].len,
					       c[i].extra, c[i].conn), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_incomplete_and_errors),
		cmocka_unit_test(test_mime),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_io_file_backpressure_pipelining),
		cmocka_unit_test(test_io_fixed_body_and_errors),
		cmocka_unit_test(test_head_as_printf),
	};

	return cmocka_run_group_tests_name("svc_http", tests, setup_root,
					   teardown_root);
}
