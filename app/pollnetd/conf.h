/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PND_CONF_H
#define PND_CONF_H

/*
 * pollnetd's configuration: an INI file read with rte_cfgfile against one
 * schema table (conf.c) that gives every key its type, range, default and
 * one line of documentation. The built-in default is the schema's defaults;
 * config/pollnet.conf spells out the same values. Unknown sections and keys,
 * bad syntax and out-of-range values are errors naming the key, the value
 * and what is accepted. --set SECTION.KEY=VALUE overrides a key.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lcore.h"
#include "net.h"
#include "port.h"
#include "tcp.h"
#include "virtio.h"

struct pnd_conf {
	/* [eal] */
	char lcores[128];      /**< --lcores: main lcore, then one per shard */
	uint32_t memory_mb;    /**< -m */
	char hugepages[8];     /**< auto|yes|no */
	bool multiprocess;     /**< hugepage files for secondary processes */
	char file_prefix[64];
	char log_level[32];
	char eal_extra[256];
	/* [port] */
	struct pn_virtio_conf virtio;
	struct pn_port_conf port;
	uint32_t queues;       /**< device queue pairs; 0: one per shard */
	/* [napi] */
	struct pn_napi_conf napi;
	char steering[8];      /**< auto|on|off */
	bool cycles;           /**< per-phase cycle accounting on every shard */
	/* [net] */
	struct pn_net_conf net;
	/* [tcp] */
	struct pn_tcp_conf tcp;
	/* [services] */
	bool svc_echo, svc_discard, svc_http;
	uint16_t echo_port, discard_port, http_port;
	char http_body[256];   /**< the HTTP responder's body */
	uint32_t http_body_size; /**< >0: a body of this many bytes instead */
	char http_root[256];   /**< serve files below it; empty: the body */
	bool svc_forward;
	uint16_t forward_port;
	uint32_t forward_ip;   /**< [services] forward_to, host order */
	uint16_t forward_to_port;
	/* [pollnetd] */
	uint32_t stats_period_s;
	uint32_t mbufs;        /**< per shard mempool size */
	uint32_t drain_ms;     /**< the bound of the drain at the stop */
	char capture[256];     /**< pcapng file to capture into from the start */
	uint32_t capture_snaplen; /**< bytes kept of each captured packet */
};

/** The built-in default (the schema's defaults). */
void pnd_conf_default(struct pnd_conf *c);

/** PN_TAG's longest value (tools/pn_tag.sh). */
#define PND_TAG_MAX 8

/**
 * Put PN_TAG @p tag into the defaults that name things on the machine, as
 * the tools do (tools/pn_tag.sh): [eal] file_prefix pollnetd-TAG and
 * [port] path /tmp/pn-peer-pollnet-TAG/vh.sock (tools/peer.sh up --name
 * pollnet under the same PN_TAG). Call it after pnd_conf_default() and
 * before the file and the overrides, so that those still win.
 * @p tag NULL or empty: nothing changes.
 * @return 0, or -EINVAL with one line in @p err naming PN_TAG when @p tag
 * is not 1..8 characters of a-z 0-9.
 */
int pnd_conf_tag(struct pnd_conf *c, const char *tag, char *err, size_t len);

/**
 * Read @p path over @p c (keys absent from the file keep their value).
 * @return 0, or -EINVAL/-ENOENT with one line in @p err naming the file,
 * section, key, value and what is accepted.
 */
int pnd_conf_load(struct pnd_conf *c, const char *path, char *err, size_t len);

/**
 * Apply one "SECTION.KEY=VALUE" override.
 * @return 0 or -EINVAL with @p err filled.
 */
int pnd_conf_set(struct pnd_conf *c, const char *assignment, char *err,
		 size_t len);

/** Cross-key checks (after loading and overrides). @return 0 or -EINVAL. */
int pnd_conf_check(const struct pnd_conf *c, char *err, size_t len);

/** Write @p c as an INI file with every key and its documentation. */
void pnd_conf_print(const struct pnd_conf *c, FILE *f);

/** Number of shards: the lcores in [eal] lcores minus the main one. */
int pnd_conf_shards(const struct pnd_conf *c);

#endif /* PND_CONF_H */
