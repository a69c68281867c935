/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pollnetd's configuration: config/pollnet.conf is the built-in default;
 * each class of bad key or value is refused with a line naming it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../../app/pollnetd/conf.h"

static char err[512];

static const char *
write_tmp(const char *text)
{
	static char path[] = "/tmp/pnd-conf-XXXXXX";
	int fd;

	strcpy(path, "/tmp/pnd-conf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void
expect_load_error(const char *text, const char *needle)
{
	struct pnd_conf c;
	const char *p = write_tmp(text);

	pnd_conf_default(&c);
	err[0] = '\0';
	assert_int_equal(pnd_conf_load(&c, p, err, sizeof(err)), -EINVAL);
	unlink(p);
	if (strstr(err, needle) == NULL)
		fail_msg("'%s' lacks '%s'", err, needle);
}

static void
expect_set_error(const char *assignment, const char *needle)
{
	struct pnd_conf c;

	pnd_conf_default(&c);
	err[0] = '\0';
	assert_int_equal(pnd_conf_set(&c, assignment, err, sizeof(err)), -EINVAL);
	if (strstr(err, needle) == NULL)
		fail_msg("'%s' lacks '%s'", err, needle);
}

static void
print_to(const struct pnd_conf *c, char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");

	assert_non_null(f);
	pnd_conf_print(c, f);
	fclose(f);
}

static void
test_shipped_file_is_the_default(void **state)
{
	static char a[16384], b[16384];
	struct pnd_conf def, file;
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/config/pollnet.conf",
		 getenv("PN_SOURCE_DIR") ? getenv("PN_SOURCE_DIR") : ".");
	pnd_conf_default(&def);
	pnd_conf_default(&file);
	/* Start the file's load from something else, to see it set every key. */
	assert_int_equal(pnd_conf_set(&file, "napi.weight=7", err, sizeof(err)), 0);
	assert_int_equal(pnd_conf_set(&file, "net.addresses=198.19.0.9/16", err, sizeof(err)), 0);
	assert_int_equal(pnd_conf_load(&file, path, err, sizeof(err)), 0);
	print_to(&def, a, sizeof(a));
	print_to(&file, b, sizeof(b));
	assert_string_equal(a, b);
	assert_int_equal(pnd_conf_check(&def, err, sizeof(err)), 0);
}

static void
test_defaults(void **state)
{
	struct pnd_conf c;

	(void)state;
	pnd_conf_default(&c);
	assert_int_equal(c.napi.weight, 64);
	assert_int_equal(c.napi.budget, 300);
	assert_int_equal(c.net.port[0].nb_addrs, 1);
	assert_int_equal(c.net.port[0].addr[0].ip, 0xc6120002);
	assert_int_equal(c.net.port[0].addr[0].prefix_len, 24);
	assert_string_equal(c.virtio.mac, "02:00:00:00:00:02");
	assert_int_equal(pnd_conf_shards(&c), 1);
	assert_true(c.svc_echo && c.svc_discard && c.svc_http);
	assert_int_equal(c.echo_port, 7);
	assert_int_equal(c.discard_port, 9);
	assert_int_equal(c.http_port, 80);
	assert_int_equal(c.tcp.sndbuf, 262144);
	assert_int_equal(c.tcp.mss, 1460);
	assert_string_equal(c.tcp.cc, "cubic");
	assert_true(c.tcp.syncookies);
	assert_int_equal(c.tcp.msl_ms, 30000);
	assert_int_equal(c.tcp.synack_retries, 5);
	assert_int_equal(c.tcp.syn_retries, 7);
	assert_true(c.net.gro.enabled);
	assert_int_equal(c.net.gro.max_flows, 32);
	assert_int_equal(c.net.gro.max_segs, 64);
	assert_false(c.cycles);
	assert_int_equal(c.queues, 0);
	assert_false(c.net.accept_source_route);	/* as Linux */
}

static void
test_overrides(void **state)
{
	struct pnd_conf c;

	(void)state;
	pnd_conf_default(&c);
	assert_int_equal(pnd_conf_set(&c, "napi.weight=32", err, sizeof(err)), 0);
	assert_int_equal(c.napi.weight, 32);
	assert_int_equal(pnd_conf_set(&c, "net.gro=false", err, sizeof(err)), 0);
	assert_int_equal(pnd_conf_set(&c, "net.gro_max_flows=1", err, sizeof(err)), 0);
	assert_int_equal(pnd_conf_set(&c, "net.gro_max_segs=2", err, sizeof(err)), 0);
	assert_false(c.net.gro.enabled);
	assert_int_equal(pnd_conf_set(&c, "net.accept_source_route=true", err, sizeof(err)), 0);
	assert_true(c.net.accept_source_route);
	assert_int_equal(c.net.gro.max_flows, 1);
	assert_int_equal(c.net.gro.max_segs, 2);
	assert_int_equal(pnd_conf_set(&c, "napi.cycles=true", err, sizeof(err)), 0);
	assert_true(c.cycles);
	assert_int_equal(pnd_conf_set(&c, "port.packed_vq = yes", err, sizeof(err)), 0);
	assert_true(c.virtio.packed_vq);
	assert_int_equal(pnd_conf_set(&c, "net.addresses=198.18.0.2/24, 198.18.1.2/24", err, sizeof(err)), 0);
	assert_int_equal(c.net.port[0].nb_addrs, 2);
	assert_int_equal(pnd_conf_set(&c, "net.routes=198.19.0.0/16 via 198.18.0.1", err, sizeof(err)), 0);
	assert_int_equal(c.net.nb_routes, 1);
	assert_int_equal(c.net.route[0].gw, 0xc6120001);
	assert_int_equal(pnd_conf_set(&c, "net.arp_static=198.18.0.9 02:00:00:00:00:09", err, sizeof(err)), 0);
	assert_int_equal(c.net.nb_static_arp, 1);
	assert_int_equal(c.net.static_arp[0].mac[5], 9);
	assert_int_equal(pnd_conf_set(&c, "eal.lcores=0@0,1@0,2@1", err, sizeof(err)), 0);
	assert_int_equal(pnd_conf_shards(&c), 2);
	assert_int_equal(pnd_conf_set(&c, "tcp.cc=newreno", err, sizeof(err)), 0);
	assert_string_equal(c.tcp.cc, "newreno");
	assert_int_equal(pnd_conf_set(&c, "tcp.delack_ms=10", err, sizeof(err)), 0);
	assert_int_equal(c.tcp.delack_ms, 10);
	assert_int_equal(pnd_conf_set(&c, "services.http=off", err, sizeof(err)), 0);
	assert_false(c.svc_http);
	assert_int_equal(pnd_conf_set(&c, "services.echo_port=7007", err, sizeof(err)), 0);
	assert_int_equal(c.echo_port, 7007);
	assert_int_equal(pnd_conf_set(&c, "services.http_body=hi there", err, sizeof(err)), 0);
	assert_string_equal(c.http_body, "hi there");
	assert_int_equal(pnd_conf_set(&c, "eal.lcores=0-3", err, sizeof(err)), 0);
	assert_int_equal(pnd_conf_shards(&c), 3);
}

static void
test_each_error_class(void **state)
{
	(void)state;
	expect_load_error("[bogus]\nx = 1\n", "unknown section [bogus]");
	expect_load_error("[napi]\nweigth = 3\n", "[napi] weigth: unknown key");
	expect_load_error("[napi]\nweight = 0\n", "[napi] weight = 0 is out of range (1..512)");
	expect_load_error("[napi]\nweight = many\n", "[napi] weight = \"many\": expected a whole number");
	expect_load_error("[napi]\nbacklog_size = 1000\n", "must be a power of two in 64..65536");
	expect_load_error("[napi]\nsleep = maybe\n", "[napi] sleep = \"maybe\": expected true or false");
	expect_load_error("[eal]\nhugepages = sometimes\n", "expected one of auto|yes|no");
	expect_load_error("[port]\nmac = 01:00:5e:00:00:01\n", "multicast");
	expect_load_error("[port]\nmac = 02:00\n", "expected a MAC address");
	expect_load_error("[net]\ngateway = 198.18.0\n", "[net] gateway");
	expect_load_error("[net]\nroutes = 198.19.0.0/16 198.18.0.1\n", "PREFIX/LEN via GW");
	expect_load_error("[net]\narp_static = 198.18.0.9\n", "IP MAC");
	expect_load_error("[net]\naddresses = 198.18.0.2/33\n", "LEN 1..32");
	expect_load_error("[tcp]\nmss = 100\n", "[tcp] mss = 100 is out of range (536..9000)");
	expect_load_error("[tcp]\nsndbuf = big\n", "[tcp] sndbuf = \"big\": expected a whole number");
	expect_load_error("[tcp]\ncc = vegas\n", "[tcp] cc = \"vegas\": expected one of cubic|newreno");
	expect_load_error("[tcp]\nsyncookies = perhaps\n", "[tcp] syncookies = \"perhaps\": expected true or false");
	expect_load_error("[tcp]\ndelack_ms = 500\n", "[tcp] delack_ms = 500 is out of range (1..499)");
	expect_load_error("[tcp]\nmsl_ms = 99\n", "[tcp] msl_ms = 99 is out of range (100..120000)");
	expect_load_error("[tcp]\nkeepalive_cnt = 128\n", "[tcp] keepalive_cnt = 128 is out of range (1..127)");
	expect_load_error("[tcp]\nsynack_retries = 0\n", "[tcp] synack_retries = 0 is out of range (1..20)");
	expect_load_error("[tcp]\nnagle = off\n", "[tcp] nagle: unknown key");
	expect_load_error("[services]\necho = sometimes\n", "[services] echo = \"sometimes\": expected true or false");
	expect_load_error("[services]\necho_port = 0\n", "[services] echo_port = 0 is out of range (1..65535)");
	expect_load_error("[services]\nhttp_port = 65536\n", "[services] http_port = 65536 is out of range (1..65535)");
	expect_load_error("[services]\nhttp_body_size = 65537\n", "[services] http_body_size = 65537 is out of range (0..65536)");
	expect_load_error("[services]\nchargen = true\n", "[services] chargen: unknown key");
	expect_set_error("services.http_body=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "longer than 255");
	expect_load_error("[services]\nforward_to = 198.18.0.1\n", "[services] forward_to = \"198.18.0.1\": expected A.B.C.D:PORT");
	expect_load_error("[services]\nforward_to = 198.18.0.1:0\n", "PORT 1..65535");
	expect_load_error("[services]\nforward_to = 198.18.0.1:70000\n", "PORT 1..65535");
	expect_load_error("[services]\nforward_to = backend:80\n", "[services] forward_to");
	expect_load_error("[services]\nforward_to = 224.0.0.1:80\n", "unicast");
	expect_load_error("[services]\nforward_port = 0\n", "[services] forward_port = 0 is out of range (1..65535)");
	expect_load_error("[services]\nforward = maybe\n", "[services] forward = \"maybe\": expected true or false");
	expect_load_error("[pollnetd]\ncapture_snaplen = 10\n", "[pollnetd] capture_snaplen = 10 is out of range (64..65535)");
	expect_set_error("napi.weight", "expected SECTION.KEY=VALUE");
	expect_set_error("napi.nope=1", "unknown key [napi] nope");
	expect_set_error("net.accept_source_route=2",
			 "[net] accept_source_route = \"2\": expected true or false");
	expect_set_error("net.gro_max_flows=0", "[net] gro_max_flows");
	expect_set_error("net.gro_max_flows=65", "1..64");
	expect_set_error("net.gro_max_segs=1", "[net] gro_max_segs");
	expect_set_error("net.gro_max_segs=65", "2..64");
	expect_set_error("net.gro=maybe", "[net] gro");
	expect_set_error("napi.cycles=2", "[napi] cycles");
	expect_set_error("port.queues=65", "0..64");
	expect_set_error("eal.file_prefix=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "longer than 63");
}

static void
test_missing_file(void **state)
{
	struct pnd_conf c;

	(void)state;
	pnd_conf_default(&c);
	assert_int_equal(pnd_conf_load(&c, "/nonexistent/pollnet.conf", err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/pollnet.conf"));
}

static void
test_cross_checks(void **state)
{
	struct pnd_conf c;

	(void)state;
	pnd_conf_default(&c);
	strcpy(c.lcores, "0@0");
	assert_int_equal(pnd_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "[eal] lcores"));
	pnd_conf_default(&c);
	c.virtio.queue_size = 1000;
	assert_int_equal(pnd_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "[port] queue_size"));
	pnd_conf_default(&c);
	strcpy(c.lcores, "0@0,1@0,2@0");
	c.queues = 3;
	assert_int_equal(pnd_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "[port] queues = 3: more than the 2 shard(s)"));
	c.queues = 1; /* fewer queues than shards: fine */
	assert_int_equal(pnd_conf_check(&c, err, sizeof(err)), 0);
	pnd_conf_default(&c);
	c.virtio.path[0] = '\0';
	assert_int_equal(pnd_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "[port] path"));
	pnd_conf_default(&c);
	c.tcp.rcvbuf_max = 65536; /* below rcvbuf = 262144 */
	assert_int_equal(pnd_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "[tcp] rcvbuf_max"));
	pnd_conf_default(&c);
	c.http_body_size = 65536;
	c.tcp.sndbuf = 65536;
	assert_int_equal(pnd_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "[services] http_body_size"));
	c.svc_http = false; /* no responder, no constraint */
	assert_int_equal(pnd_conf_check(&c, err, sizeof(err)), 0);
	pnd_conf_default(&c);
	c.discard_port = 7;
	assert_int_equal(pnd_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "two services on one port"));
	c.svc_discard = false;
	assert_int_equal(pnd_conf_check(&c, err, sizeof(err)), 0);
	pnd_conf_default(&c);
	c.svc_forward = true;
	c.forward_port = 80;
	assert_int_equal(pnd_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "http_port = 80, forward_port = 80"));
	pnd_conf_default(&c);
	strcpy(c.http_root, "/nonexistent-pollnet-root");
	assert_int_equal(pnd_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "[services] http_root = \"/nonexistent-pollnet-root\": No such file"));
	strcpy(c.http_root, "/dev/null");
	assert_int_equal(pnd_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "[services] http_root = \"/dev/null\": not a directory"));
	strcpy(c.http_root, "/tmp");
	assert_int_equal(pnd_conf_check(&c, err, sizeof(err)), 0);
}

static void
test_forward_to(void **state)
{
	struct pnd_conf c;

	(void)state;
	pnd_conf_default(&c);
	assert_false(c.svc_forward);
	assert_int_equal(c.forward_ip, 0xc6120001);
	assert_int_equal(c.forward_to_port, 8080);
	assert_int_equal(pnd_conf_set(&c, "services.forward_to=198.19.1.2:443", err, sizeof(err)), 0);
	assert_int_equal(c.forward_ip, 0xc6130102);
	assert_int_equal(c.forward_to_port, 443);
}

/* PN_TAG (tools/pn_tag.sh) tags the default file prefix and peer socket;
 * the file and --set still win; a bad one is one line naming PN_TAG. */
static void
test_pn_tag(void **state)
{
	struct pnd_conf c;
	const char *path;

	(void)state;
	pnd_conf_default(&c);
	assert_int_equal(pnd_conf_tag(&c, NULL, err, sizeof(err)), 0);
	assert_int_equal(pnd_conf_tag(&c, "", err, sizeof(err)), 0);
	assert_string_equal(c.file_prefix, "pollnetd");
	assert_string_equal(c.virtio.path, "/tmp/pn-peer-pollnet/vh.sock");
	assert_int_equal(pnd_conf_tag(&c, "ci1", err, sizeof(err)), 0);
	assert_string_equal(c.file_prefix, "pollnetd-ci1");
	assert_string_equal(c.virtio.path, "/tmp/pn-peer-pollnet-ci1/vh.sock");
	path = write_tmp("[eal]\nfile_prefix = mine\n");
	assert_int_equal(pnd_conf_load(&c, path, err, sizeof(err)), 0);
	unlink(path);
	assert_string_equal(c.file_prefix, "mine");
	assert_int_equal(pnd_conf_set(&c, "port.path=/tmp/x.sock", err, sizeof(err)), 0);
	assert_string_equal(c.virtio.path, "/tmp/x.sock");

	pnd_conf_default(&c);
	assert_int_equal(pnd_conf_tag(&c, "abcdefgh", err, sizeof(err)), 0);
	assert_string_equal(c.file_prefix, "pollnetd-abcdefgh");
	assert_int_equal(pnd_conf_tag(&c, "abcdefghi", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "PN_TAG='abcdefghi': must be 1..8 characters of a-z 0-9 (it goes into file prefixes, socket paths, namespace and interface names)");
	assert_int_equal(pnd_conf_tag(&c, "Bad_1", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "PN_TAG='Bad_1'"));
	assert_null(strchr(err, '\n'));
	assert_string_equal(c.file_prefix, "pollnetd-abcdefgh");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_file_is_the_default),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_each_error_class),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_cross_checks),
		cmocka_unit_test(test_forward_to),
		cmocka_unit_test(test_pn_tag),
	};

	return cmocka_run_group_tests_name("pollnetd_conf", tests, NULL, NULL);
}
