/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The node's RRD history in upstream's pve2-node layout (pve-cluster
 * pmxcfs status.c before PVE 9): /var/lib/rrdcached/db/pve2-node/<node>,
 * step 60 s, 12 data sources (loadavg, maxcpu, cpu, iowait, memtotal,
 * memused, swaptotal, swapused, roottotal, rootused, netin, netout; the
 * last two DERIVE), 5 AVERAGE and 5 MAX archives of 70 rows at 1, 30, 180,
 * 720 and 10080 steps. GET /nodes/{node}/rrddata reads it as upstream's
 * PVE::RRD::create_rrd_data() does.
 */

#include <jansson.h>
#include <time.h>

#include "metrics/sample.h"

extern char *const rrd_node_definitions[];

char *rrd_node_path(const char *node);

/* "<time>:<loadavg>:<maxcpu>:...:<netout>", the update for a sample (time with microseconds). */
char *rrd_node_update_string(const NodeSample *s);

/* Creates the file (and directories) if missing, starting at today's local midnight, then updates it. */
int rrd_node_update(const char *path, const NodeSample *s, char **reterr);
/* The same with the update string of a sample taken at time t. */
int rrd_node_update_values(const char *path, time_t t, const char *values, char **reterr);

/*
 * Resolution and number of rows of a timeframe for pve2 files (decade is
 * served from the year archive). -EINVAL for unknown timeframes.
 */
int rrd_node_timeframe(const char *timeframe, unsigned long *ret_step, unsigned long *ret_count);

/*
 * The rows for timeframe and cf at time now: [{"time": t, "<ds>": v, ...}],
 * unknown values left out and a trailing row without values dropped, as
 * upstream. A missing file gives an error as upstream ("RRD error ...").
 */
int rrd_node_data(const char *path, const char *timeframe, const char *cf, time_t now, json_t **ret, char **reterr);

/* Converts fetched rows to the API's list (pure). */
json_t *rrd_rows_to_json(time_t start, unsigned long step, size_t n_ds, char *const *names, size_t n_rows,
                         const double *data);
