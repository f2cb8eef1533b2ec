/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * InfluxDB line protocol, as upstream's PVE::Status::InfluxDB writes it:
 * the top-level numbers form one line of measurement "system", each first-
 * level object its own measurement (cpustat, memory, blockstat), each
 * second-level object a line of the first-level key's measurement with an
 * extra tag instance=<key> (nics,instance=eth0); anything deeper is
 * flattened into that line. Fields in sorted key order; numbers as they are
 * (no "i" suffix, so InfluxDB stores floats), strings quoted, NaN dropped.
 * Timestamps are nanoseconds.
 *
 *         cpustat,object=nodes,host=pve1 avg1=0.15,...,wait=0.001 1700000000000000000
 */

#include <jansson.h>
#include <stdint.h>

#include "metrics/config.h"
#include "metrics/payload.h"

/* Batch size for UDP (mtu - 50) and HTTP (max-body-size). */
size_t influx_batch_size(const MetricServer *m);

/* Appends the lines for tree with the tag string (e.g. "object=nodes,host=pve1") to p. */
void influx_encode(Payloads *p, const json_t *tree, const char *tags, int64_t time_ns);

/*
 * The URL of an HTTP(S) API call ("write?org=..&bucket=..", "health"):
 * <proto>://<server>:<port><prefix>api/v2/<call>, where the prefix is "/"
 * or api-path-prefix with surrounding slashes reduced to one each
 * ("//influx/x/" becomes "/influx/x/"). IPv6 addresses are bracketed.
 */
char *influx_url(const MetricServer *m, const char *call);
/* The write URL: influx_url() of "write?org=<organization>&bucket=<bucket>", both URL-escaped. */
char *influx_write_url(const MetricServer *m);
