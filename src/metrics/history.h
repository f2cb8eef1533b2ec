/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The pull side: GET /cluster/metrics/export. pvestatd appends one line per
 * cycle to /run/pve/metrics-history (tmpfs, as upstream's /run/pve/metrics
 * cache) holding the node's metrics under upstream's fixed names; the file
 * keeps between METRIC_HISTORY_GENERATIONS and twice as many lines, so it
 * stays bounded, and the API reads the newest generations from it.
 *
 * A line is a compact JSON object:
 *         {"timestamp":1700000000,"id":"node/pve1","uptime":123,"net_in":...,...}
 */

#include <jansson.h>
#include <stdint.h>

#include "metrics/sample.h"

/* Upstream keeps 180 old generations plus the current one (30 minutes at 10 s). */
#define METRIC_HISTORY_GENERATIONS 181

char *metric_history_path(void);

/* The history line of a sample (with trailing newline). */
char *metric_history_line(const NodeSample *s, const char *node, int64_t timestamp);

/*
 * The export entries of one history line, in upstream's order:
 * [{"metric":"uptime","id":"node/pve1","value":..,"timestamp":..,"type":"gauge"}, ...].
 * Returns NULL for a malformed line.
 */
json_t *metric_history_entries(const char *line);

/*
 * Export entries from the history text (the file's content): the last
 * generation only, or with history all generations; only those newer than
 * start_time when it is >= 0. Incomplete last lines are ignored.
 */
json_t *metric_history_export(const char *text, bool history, int64_t start_time);

typedef struct MetricHistoryWriter {
        int fd;
        size_t lines;
} MetricHistoryWriter;

#define METRIC_HISTORY_WRITER_INIT { .fd = -EBADF, .lines = 0 }

/* Appends a line; rewrites the file to the newest generations when it grew to twice their number. */
int metric_history_append(MetricHistoryWriter *w, const char *line);
void metric_history_writer_done(MetricHistoryWriter *w);
