/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>

#include "conf_check.h"
#include "lcore.h"

void
pn_napi_conf_default(struct pn_napi_conf *c)
{
	c->weight = 64;          /* Linux NAPI_POLL_WEIGHT */
	c->budget = 300;         /* Linux netdev_budget */
	c->time_limit_us = 2000; /* Linux netdev_budget_usecs */
	c->busy_poll_us = 50;    /* Linux busy_poll / busy_read */
	c->busy_poll_max_us = 500; /* adaptive: grows for batches */
	c->backlog_size = 4096;
	c->tx_retries = 0;
	c->tx_queue_len = 4096;
	c->split = 8;            /* a convoy answered in two halves */
	c->sleep = true;
}

int
pn_conf_check_range(const char *key, uint64_t v, uint64_t min, uint64_t max,
		    char *err, size_t errlen)
{
	if (v >= min && v <= max)
		return 0;
	snprintf(err, errlen, "%s = %llu is out of range (%llu..%llu)", key,
		 (unsigned long long)v, (unsigned long long)min,
		 (unsigned long long)max);
	return -EINVAL;
}

int
pn_conf_check_pow2(const char *key, uint64_t v, uint64_t min, uint64_t max,
		   char *err, size_t errlen)
{
	if (v != 0 && v >= min && v <= max && (v & (v - 1)) == 0)
		return 0;
	snprintf(err, errlen,
		 "%s = %llu must be a power of two in %llu..%llu", key,
		 (unsigned long long)v, (unsigned long long)min,
		 (unsigned long long)max);
	return -EINVAL;
}

int
pn_napi_conf_check(const struct pn_napi_conf *c, char *err, size_t errlen)
{
	int rc;

	if ((rc = pn_conf_check_range("napi.weight", c->weight, 1, 512, err,
				      errlen)) ||
	    (rc = pn_conf_check_range("napi.budget", c->budget, 1, 65536, err,
				      errlen)) ||
	    (rc = pn_conf_check_range("napi.time_limit_us", c->time_limit_us,
				      1, 1000000, err, errlen)) ||
	    (rc = pn_conf_check_range("napi.busy_poll_us", c->busy_poll_us, 0,
				      10000000, err, errlen)) ||
	    (rc = pn_conf_check_range("napi.busy_poll_max_us",
				      c->busy_poll_max_us, 0, 10000000, err,
				      errlen)) ||
	    (rc = pn_conf_check_pow2("napi.backlog_size", c->backlog_size, 64,
				     65536, err, errlen)) ||
	    (rc = pn_conf_check_range("napi.tx_retries", c->tx_retries, 0,
				      1000, err, errlen)) ||
	    (rc = pn_conf_check_range("napi.tx_queue_len", c->tx_queue_len,
				      0, 65536, err, errlen)) ||
	    (rc = pn_conf_check_range("napi.split", c->split, 0,
				      PN_RX_BURST_MAX / 2, err, errlen)))
		return rc;
	return 0;
}
