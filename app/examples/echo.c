/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * echo: a TCP echo server on port 7 (or PN_ECHO_PORT), edge-triggered
 * epoll, one copy per lcore (each with its own SO_REUSEPORT listener).
 * The server is services.h, shared with pollnetd's built-in services.
 *   pollnet: echo <EAL args> -- [--addr A.B.C.D/N]
 *   Linux:   echo-linux (built with -DPN_LINUX)
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
	const char *p = getenv("PN_ECHO_PORT");
	struct svc_conf sc = { .on[SVC_ECHO] = true };
	int rc;

	sc.port[SVC_ECHO] = (uint16_t)(p != NULL ? atoi(p) : 7);
	if (pn_init(argc, argv) < 0) {
		perror("echo: pn_init");
		return 1;
	}
	rc = pn_run(serve, &sc);
	pn_cleanup();
	return rc;
}
