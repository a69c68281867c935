/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio settings -> devargs: every validation error names its setting,
 * the devargs string is exact, and a probe against a missing or dead
 * socket fails with one clear line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_ethdev.h>

#include "test_eal.h"
#include "virtio.h"

struct out {
	char name[64];
	char args[512];
	char err[256];
};

static int
devargs(const struct pn_virtio_conf *c, unsigned int index, struct out *o)
{
	memset(o, 0, sizeof(*o));
	return pn_virtio_devargs(c, index, o->name, sizeof(o->name), o->args,
				 sizeof(o->args), o->err, sizeof(o->err));
}

static void
conf_user(struct pn_virtio_conf *c)
{
	pn_virtio_conf_default(c);
	snprintf(c->path, sizeof(c->path), "/tmp/pn-test.sock");
}

/* The error carries every expected fragment. */
static void
expect_einval(const struct pn_virtio_conf *c, const char *frag1,
	      const char *frag2)
{
	struct out o;

	assert_int_equal(devargs(c, 0, &o), -EINVAL);
	if (strstr(o.err, frag1) == NULL || (frag2 && strstr(o.err, frag2) == NULL))
		fail_msg("error \"%s\" lacks \"%s\" / \"%s\"", o.err, frag1,
			 frag2 ? frag2 : "");
}

static void
test_defaults(void **state)
{
	struct pn_virtio_conf c;

	(void)state;
	pn_virtio_conf_default(&c);
	assert_string_equal(c.pci, "");
	assert_string_equal(c.path, "");
	assert_false(c.server);
	assert_int_equal(c.queues, 1);
	assert_int_equal(c.queue_size, 1024);
	assert_false(c.packed_vq);
	assert_true(c.mrg_rxbuf);
	assert_true(c.in_order);
	assert_string_equal(c.mac, "");
}

static void
test_devargs_defaults(void **state)
{
	struct pn_virtio_conf c;
	struct out o;

	(void)state;
	conf_user(&c);
	assert_int_equal(devargs(&c, 0, &o), 0);
	assert_string_equal(o.name, "virtio_user0");
	assert_string_equal(o.args,
		"path=/tmp/pn-test.sock,queues=1,queue_size=1024,packed_vq=0,mrg_rxbuf=1,in_order=1");
}

static void
test_devargs_all_options(void **state)
{
	struct pn_virtio_conf c;
	struct out o;

	(void)state;
	conf_user(&c);
	c.queues = 64;
	c.queue_size = 4096;
	c.packed_vq = true;
	c.mrg_rxbuf = false;
	c.in_order = false;
	c.server = true;
	snprintf(c.mac, sizeof(c.mac), "02:00:0A:bc:00:01");
	assert_int_equal(devargs(&c, 3, &o), 0);
	assert_string_equal(o.name, "virtio_user3");
	assert_string_equal(o.args,
		"path=/tmp/pn-test.sock,queues=64,queue_size=4096,packed_vq=1,mrg_rxbuf=0,in_order=0,server=1,mac=02:00:0a:bc:00:01");

	c.queue_size = 64;
	c.queues = 1;
	c.server = false;
	assert_int_equal(devargs(&c, 0, &o), 0);
	assert_string_equal(o.args,
		"path=/tmp/pn-test.sock,queues=1,queue_size=64,packed_vq=1,mrg_rxbuf=0,in_order=0,mac=02:00:0a:bc:00:01");
}

static void
test_queues_range(void **state)
{
	struct pn_virtio_conf c;

	(void)state;
	conf_user(&c);
	c.queues = 0;
	expect_einval(&c, "virtio.queues = 0 out of range (1..64)", NULL);
	c.queues = 65;
	expect_einval(&c, "virtio.queues = 65 out of range (1..64)", NULL);
}

static void
test_queue_size(void **state)
{
	static const uint16_t bad[] = { 0, 32, 1000, 8192, 65535 };
	struct pn_virtio_conf c;
	char want[80];

	(void)state;
	conf_user(&c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c.queue_size = bad[i];
		snprintf(want, sizeof(want),
			 "virtio.queue_size = %u must be a power of two in 64..4096",
			 bad[i]);
		expect_einval(&c, want, NULL);
	}
}

static void
test_path_empty(void **state)
{
	struct pn_virtio_conf c;

	(void)state;
	pn_virtio_conf_default(&c);
	expect_einval(&c,
		"virtio.path is empty: set a vhost-user socket path or a PCI address",
		NULL);
}

static void
test_path_too_long(void **state)
{
	struct pn_virtio_conf c;

	(void)state;
	conf_user(&c);
	memset(c.path, 'a', sizeof(c.path)); /* no terminator: 108 characters */
	expect_einval(&c, "virtio.path", "107");

	/* 107 characters is the longest that fits sun_path: accepted. */
	c.path[sizeof(c.path) - 1] = '\0';
	struct out o;
	assert_int_equal(devargs(&c, 0, &o), 0);
}

static void
test_path_separators(void **state)
{
	struct pn_virtio_conf c;

	(void)state;
	conf_user(&c);
	snprintf(c.path, sizeof(c.path), "/tmp/a,queues=8");
	expect_einval(&c, "virtio.path", "','");
}

static void
test_mac_syntax(void **state)
{
	static const char *const bad[] = {
		"zz:00:00:00:00:01", "02:00:00:00:00", "02:00:00:00:00:1",
		"0200.0000.0001", "0200:0000:0001", "02:00:00:00:00:0g",
		"02-00-00-00-00-01",
	};
	struct pn_virtio_conf c;

	(void)state;
	conf_user(&c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(c.mac, sizeof(c.mac), "%s", bad[i]);
		expect_einval(&c, "virtio.mac", bad[i]);
	}
	memset(c.mac, '0', sizeof(c.mac)); /* unterminated */
	expect_einval(&c, "virtio.mac", "17");

	/* Upper case is accepted and written in lower case. */
	struct out o;
	snprintf(c.mac, sizeof(c.mac), "02:00:00:00:00:AB");
	assert_int_equal(devargs(&c, 0, &o), 0);
	assert_non_null(strstr(o.args, ",mac=02:00:00:00:00:ab"));
}

static void
test_pci(void **state)
{
	struct pn_virtio_conf c;
	struct out o;

	(void)state;
	pn_virtio_conf_default(&c);
	snprintf(c.pci, sizeof(c.pci), "0000:00:04.0");
	assert_int_equal(devargs(&c, 0, &o), 0);
	assert_string_equal(o.name, "0000:00:04.0");
	assert_string_equal(o.args, "");

	/* Short form is canonicalised to the name ethdev will use. */
	snprintf(c.pci, sizeof(c.pci), "00:04.0");
	assert_int_equal(devargs(&c, 0, &o), 0);
	assert_string_equal(o.name, "0000:00:04.0");

	snprintf(c.pci, sizeof(c.pci), "00:04");
	expect_einval(&c, "virtio.pci = \"00:04\"", "not a PCI address");
	snprintf(c.pci, sizeof(c.pci), "virtio0");
	expect_einval(&c, "virtio.pci", "not a PCI address");

	snprintf(c.pci, sizeof(c.pci), "0000:00:04.0");
	snprintf(c.path, sizeof(c.path), "/tmp/x.sock");
	expect_einval(&c, "virtio.pci", "virtio.path");
}

static void
test_small_buffers(void **state)
{
	struct pn_virtio_conf c;
	char name[8], args[16], err[128];

	(void)state;
	conf_user(&c);
	assert_int_equal(pn_virtio_devargs(&c, 0, name, sizeof(name), args,
					   sizeof(args), err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "buffer too small"));
	/* A null error buffer is allowed. */
	c.queues = 0;
	assert_int_equal(pn_virtio_devargs(&c, 0, name, sizeof(name), args,
					   sizeof(args), NULL, 0), -EINVAL);
}

static void
test_probe_missing_socket(void **state)
{
	struct pn_virtio_conf c;
	char err[256];
	uint16_t port = UINT16_MAX;

	(void)state;
	pn_test_eal_init();
	pn_virtio_conf_default(&c);
	snprintf(c.path, sizeof(c.path), "/tmp/pn-test-no-such-%d.sock",
		 (int)getpid());
	assert_int_equal(pn_virtio_probe(&c, 0, &port, err, sizeof(err)), -ENOENT);
	char want[200];
	snprintf(want, sizeof(want),
		 "virtio.path %s: no such socket (is the vhost-user backend running?)",
		 c.path);
	assert_string_equal(err, want);
	assert_int_equal(port, UINT16_MAX);
}

static void
test_probe_not_a_socket(void **state)
{
	struct pn_virtio_conf c;
	char err[256];
	uint16_t port;

	(void)state;
	pn_test_eal_init();
	pn_virtio_conf_default(&c);
	snprintf(c.path, sizeof(c.path), "/dev/null");
	assert_int_equal(pn_virtio_probe(&c, 0, &port, err, sizeof(err)),
			 -ENOTSOCK);
	assert_non_null(strstr(err, "virtio.path /dev/null"));
	assert_non_null(strstr(err, "not a socket"));
}

/* A socket file nobody listens on: virtio_user's connect fails; the
 * error still names the setting, and no port is left behind. */
static void
test_probe_dead_socket(void **state)
{
	struct pn_virtio_conf c;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char err[256];
	uint16_t port;
	int fd;

	(void)state;
	pn_test_eal_init();
	pn_virtio_conf_default(&c);
	snprintf(c.path, sizeof(c.path), "/tmp/pn-test-dead-%d.sock", (int)getpid());
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", c.path);
	unlink(c.path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd); /* the file stays, nobody listens */

	assert_true(pn_virtio_probe(&c, 7, &port, err, sizeof(err)) < 0);
	unlink(c.path);
	assert_non_null(strstr(err, "virtio.path"));
	assert_non_null(strstr(err, "virtio_user7"));
	assert_int_not_equal(rte_eth_dev_get_port_by_name("virtio_user7", &port), 0);
}

/* The ring an embedder's --vdev gives (drivers/port.c warns when small). */
static void
test_user_queue_size(void **state)
{
	struct pn_virtio_conf c;
	struct out o;

	(void)state;
	assert_int_equal(pn_virtio_user_queue_size(NULL), 256);
	assert_int_equal(pn_virtio_user_queue_size(""), 256);
	assert_int_equal(pn_virtio_user_queue_size("path=/tmp/v.sock,queues=1"),
			 256);
	assert_int_equal(pn_virtio_user_queue_size("queue_size=1024"), 1024);
	assert_int_equal(pn_virtio_user_queue_size(
				 "path=/tmp/v.sock,queue_size=512,in_order=1"),
			 512);
	/* only a whole key: not a path that contains it */
	assert_int_equal(pn_virtio_user_queue_size(
				 "path=/tmp/xqueue_size=9,queues=1"), 256);
	assert_int_equal(pn_virtio_user_queue_size("queue_size="), 0);
	assert_int_equal(pn_virtio_user_queue_size("queue_size=12k"), 0);
	assert_int_equal(pn_virtio_user_queue_size("queue_size=99999999999"), 0);
	/* what pn_virtio_devargs writes reads back */
	conf_user(&c);
	c.queue_size = 2048;
	assert_int_equal(devargs(&c, 0, &o), 0);
	assert_int_equal(pn_virtio_user_queue_size(o.args), 2048);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_devargs_defaults),
		cmocka_unit_test(test_devargs_all_options),
		cmocka_unit_test(test_queues_range),
		cmocka_unit_test(test_queue_size),
		cmocka_unit_test(test_user_queue_size),
		cmocka_unit_test(test_path_empty),
		cmocka_unit_test(test_path_too_long),
		cmocka_unit_test(test_path_separators),
		cmocka_unit_test(test_mac_syntax),
		cmocka_unit_test(test_pci),
		cmocka_unit_test(test_small_buffers),
		cmocka_unit_test(test_probe_missing_socket),
		cmocka_unit_test(test_probe_not_a_socket),
		cmocka_unit_test(test_probe_dead_socket),
	};

	return cmocka_run_group_tests_name("drivers/virtio_conf", tests, NULL, NULL);
}
