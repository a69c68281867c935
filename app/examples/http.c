/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * http: a minimal HTTP/1.1 server (keep-alive, fixed "hello" body, or the
 * files below PN_HTTP_ROOT) on port 80 (or PN_HTTP_PORT), level-triggered
 * epoll, one copy per lcore; "Connection: close" is honoured. The server is services.h, shared with
 * pollnetd's built-in services.
 *   pollnet: http <EAL args> -- [--addr A.B.C.D/N]
 *   Linux:   http-linux (built with -DPN_LINUX)
 * Try: curl http://198.18.0.2/ ; wrk -c 64 http://198.18.0.2/
 */
#include <stdlib.h>

#include "compat.h"
#include "services.h"

static int
serve(void *arg)
{
	return svc_serve(arg);
}

int
main(int argc, char **argv)
{
	const char *p = getenv("PN_HTTP_PORT");
	struct svc_conf sc = { .on[SVC_HTTP] = true };
	int rc;

	sc.port[SVC_HTTP] = (uint16_t)(p != NULL ? atoi(p) : 80);
	sc.http_body = "hello\n";
	sc.http_body_len = 6;
	sc.server_name = "pollnet-example";
	sc.http_root = getenv("PN_HTTP_ROOT");
	if (pn_init(argc, argv) < 0) {
		perror("http: pn_init");
		return 1;
	}
	rc = pn_run(serve, &sc);
	pn_cleanup();
	return rc;
}
