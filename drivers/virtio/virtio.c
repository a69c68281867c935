/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_virtio from configuration. virtio_user is a vdev named
 * "virtio_user<N>" with its settings as kvargs; a PCI device is probed by
 * address. Both go through rte_dev_probe(), which finds the bus from the
 * name, so we need neither bus driver at link time (Debian loads them as
 * plugins).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_pci.h>

#include "virtio.h"

#define VIRTIO_MAX_QUEUES 64
#define VIRTIO_QSIZE_MIN 64
#define VIRTIO_QSIZE_MAX 4096
#define VIRTIO_DEFAULT_QSIZE 1024

void
pn_virtio_conf_default(struct pn_virtio_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->queues = 1;
	c->queue_size = VIRTIO_DEFAULT_QSIZE;
	c->mrg_rxbuf = true;
	c->in_order = true;
}

/* DPDK 22.11 virtio_user_ethdev.c VIRTIO_USER_DEF_Q_SZ */
#define VIRTIO_USER_PMD_QSIZE 256

unsigned int
pn_virtio_user_queue_size(const char *args)
{
	static const char key[] = "queue_size=";
	const char *p = args;
	unsigned long v = 0;

	/* kvargs: key=value pairs separated by ',' */
	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, sizeof(key) - 1) == 0) {
			p += sizeof(key) - 1;
			if (*p < '0' || *p > '9')
				return 0;
			while (*p >= '0' && *p <= '9' && v <= UINT16_MAX)
				v = v * 10 + (unsigned long)(*p++ - '0');
			return (*p == '\0' || *p == ',') && v <= UINT16_MAX ?
				       (unsigned int)v : 0;
		}
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
	return VIRTIO_USER_PMD_QSIZE;
}

static int __rte_format_printf(3, 4)
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A char array setting must hold a terminated string. */
static bool
terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static int
devargs_pci(const struct pn_virtio_conf *c, char *name, size_t namelen,
	    char *args, size_t argslen, char *err, size_t errlen)
{
	struct rte_pci_addr addr;
	char canon[PCI_PRI_STR_SIZE];

	if (!terminated(c->pci, sizeof(c->pci)))
		return set_err(err, errlen, "virtio.pci is longer than %zu characters",
			       sizeof(c->pci) - 1);
	if (c->path[0] != '\0')
		return set_err(err, errlen,
			       "virtio.pci = \"%s\" and virtio.path = \"%.107s\" are both set: choose one",
			       c->pci, c->path);
	if (rte_pci_addr_parse(c->pci, &addr) != 0)
		return set_err(err, errlen,
			       "virtio.pci = \"%s\" is not a PCI address (DDDD:BB:DD.F or BB:DD.F)",
			       c->pci);
	rte_pci_device_name(&addr, canon, sizeof(canon));
	if ((size_t)snprintf(name, namelen, "%s", canon) >= namelen || argslen == 0)
		return set_err(err, errlen, "virtio: name/devargs buffer too small");
	args[0] = '\0';
	return 0;
}

static int
check_user(const struct pn_virtio_conf *c, char *err, size_t errlen)
{
	if (!terminated(c->path, sizeof(c->path)))
		return set_err(err, errlen, "virtio.path is longer than %zu characters",
			       sizeof(c->path) - 1);
	if (c->path[0] == '\0')
		return set_err(err, errlen,
			       "virtio.path is empty: set a vhost-user socket path or a PCI address");
	/* kvargs split on ',' (and '=' ends the key): the path cannot hold them. */
	if (strpbrk(c->path, ",=") != NULL)
		return set_err(err, errlen,
			       "virtio.path = \"%s\" must not contain ',' or '='", c->path);
	if (c->queues < 1 || c->queues > VIRTIO_MAX_QUEUES)
		return set_err(err, errlen, "virtio.queues = %u out of range (1..%u)",
			       c->queues, VIRTIO_MAX_QUEUES);
	if (c->queue_size < VIRTIO_QSIZE_MIN || c->queue_size > VIRTIO_QSIZE_MAX ||
	    (c->queue_size & (c->queue_size - 1)) != 0)
		return set_err(err, errlen,
			       "virtio.queue_size = %u must be a power of two in %u..%u",
			       c->queue_size, VIRTIO_QSIZE_MIN, VIRTIO_QSIZE_MAX);
	if (!terminated(c->mac, sizeof(c->mac)))
		return set_err(err, errlen, "virtio.mac is longer than %zu characters",
			       sizeof(c->mac) - 1);
	return 0;
}

int
pn_virtio_devargs(const struct pn_virtio_conf *c, unsigned int index,
		  char *name, size_t namelen, char *args, size_t argslen,
		  char *err, size_t errlen)
{
	struct rte_ether_addr ea;
	char mac[sizeof(",mac=") + RTE_ETHER_ADDR_FMT_SIZE] = "";
	int n, ret;

	if (c->pci[0] != '\0')
		return devargs_pci(c, name, namelen, args, argslen, err, errlen);
	ret = check_user(c, err, errlen);
	if (ret < 0)
		return ret;
	if (c->mac[0] != '\0') {
		/* Strict: six colon-separated hex pairs (the PMD's own parser
		 * is sscanf, which would accept garbage after them). */
		if (strlen(c->mac) != 17 || rte_ether_unformat_addr(c->mac, &ea) != 0)
			return set_err(err, errlen,
				       "virtio.mac = \"%s\" is not a MAC address (xx:xx:xx:xx:xx:xx)",
				       c->mac);
		snprintf(mac, sizeof(mac), ",mac=%02x:%02x:%02x:%02x:%02x:%02x",
			 ea.addr_bytes[0], ea.addr_bytes[1], ea.addr_bytes[2],
			 ea.addr_bytes[3], ea.addr_bytes[4], ea.addr_bytes[5]);
	}
	n = snprintf(name, namelen, "virtio_user%u", index);
	if (n < 0 || (size_t)n >= namelen)
		return set_err(err, errlen, "virtio: name buffer too small (%zu)", namelen);
	n = snprintf(args, argslen,
		     "path=%s,queues=%u,queue_size=%u,packed_vq=%d,mrg_rxbuf=%d,in_order=%d%s%s",
		     c->path, c->queues, c->queue_size, c->packed_vq, c->mrg_rxbuf,
		     c->in_order, c->server ? ",server=1" : "", mac);
	if (n < 0 || (size_t)n >= argslen)
		return set_err(err, errlen, "virtio: devargs buffer too small (%zu)", argslen);
	return 0;
}

/* virtio_user's own message for a missing socket is a connect() error
 * deep in the log; say it plainly before probing. */
static int
check_socket(const struct pn_virtio_conf *c, char *err, size_t errlen)
{
	struct stat st;

	if (stat(c->path, &st) != 0) {
		if (c->server && errno == ENOENT)
			return 0;
		if (errno == ENOENT) {
			set_err(err, errlen,
				"virtio.path %s: no such socket (is the vhost-user backend running?)",
				c->path);
			return -ENOENT;
		}
		set_err(err, errlen, "virtio.path %s: %s", c->path, strerror(errno));
		return -errno;
	}
	if (!S_ISSOCK(st.st_mode)) {
		set_err(err, errlen, "virtio.path %s: exists and is not a socket",
			c->path);
		return -ENOTSOCK;
	}
	if (c->server) {
		set_err(err, errlen,
			"virtio.path %s: a socket already exists there (virtio.server = 1 listens on it: remove the stale socket)",
			c->path);
		return -EADDRINUSE;
	}
	return 0;
}

int
pn_virtio_probe(const struct pn_virtio_conf *c, unsigned int index,
		uint16_t *port_id, char *err, size_t errlen)
{
	char name[RTE_DEV_NAME_MAX_LEN];
	char args[512];
	char devargs[sizeof(name) + sizeof(args) + 1];
	bool pci = c->pci[0] != '\0';
	int ret;

	ret = pn_virtio_devargs(c, index, name, sizeof(name), args, sizeof(args),
				err, errlen);
	if (ret < 0)
		return ret;
	if (!pci) {
		ret = check_socket(c, err, errlen);
		if (ret < 0)
			return ret;
	}
	if (rte_eth_dev_get_port_by_name(name, port_id) == 0) {
		set_err(err, errlen, "%s: already probed (port %u)", name, *port_id);
		return -EEXIST;
	}
	snprintf(devargs, sizeof(devargs), "%s%s%s", name, args[0] ? "," : "", args);
	ret = rte_dev_probe(devargs);
	if (ret < 0) {
		/* Drivers often fail with a bare -1: no errno worth printing. */
		const char *why = ret == -1 ? "attach failed" : rte_strerror(-ret);

		if (ret == -ENOMEM)
			set_err(err, errlen, "%s: no memory (try -m or hugepages)", name);
		else if (pci)
			set_err(err, errlen,
				"virtio.pci %s: probe failed: %s (no such device, or not bound to vfio-pci/uio?)",
				name, why);
		else
			set_err(err, errlen,
				"virtio.path %s: %s: %s (is the vhost-user backend listening? see the virtio_user log above)",
				c->path, name, why);
		return ret;
	}
	if (rte_eth_dev_get_port_by_name(name, port_id) != 0) {
		set_err(err, errlen, "%s: probed but no ethdev port by that name", name);
		return -ENODEV;
	}
	return 0;
}
