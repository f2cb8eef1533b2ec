/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * One sample of the node's status, taken every pvestatd cycle: CPU, load,
 * memory, swap, root file system, network counters and uptime, read below
 * PVE_SYSROOT with upstream's formulas (pve-manager PVE::Service::pvestatd
 * update_node_status, pve-common PVE::ProcFSTools).
 *
 * Every output (RRD, Graphite, InfluxDB, OpenTelemetry, Prometheus, the
 * export history) is computed from the same immutable, reference-counted
 * sample, so sender threads can hold on to it while the next one is taken.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "sys/procfs.h"

typedef struct DiskUsage {
        uint64_t frsize;
        uint64_t blocks, bfree, bavail; /* in frsize units, as statvfs() */
        uint64_t files, ffree, favail;
} DiskUsage;

typedef struct NodeSample {
        unsigned refs;
        double time;           /* collection time: seconds since the epoch, with fraction */
        uint64_t uptime;       /* seconds (integer part of /proc/uptime) */
        CpuStat stat;          /* cumulative clock ticks */
        long user_hz;          /* clock ticks per second */
        double cpu, wait;      /* fractions [0, 1] since the previous sample */
        LoadAvg loadavg;
        unsigned cpus;         /* processor lines in /proc/cpuinfo */
        MemInfo mem;
        DiskUsage root;
        NetDev *nics;
        size_t n_nics;
} NodeSample;

/*
 * Takes a sample. prev (may be NULL) is the previous sample of this
 * process: CPU usage is computed against it and the CPU count taken from it
 * (/proc/cpuinfo is read once; reading it can cost milliseconds).
 * Returns a sample with one reference.
 */
int node_sample_collect(const NodeSample *prev, NodeSample **ret);
NodeSample *node_sample_ref(NodeSample *s);
NodeSample *node_sample_unref(NodeSample *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(NodeSample *, node_sample_unref);

/* Upstream's PHYSICAL_NIC_RE: eth\d+, en*, ib*, nic\d+, if\d+ (whole name, no ':' or '.'). */
bool nic_is_physical(const char *name);

/* Sums of receive/transmit bytes over the physical interfaces. */
void node_sample_net_totals(const NodeSample *s, uint64_t *ret_in, uint64_t *ret_out);
/* Root file system size and used bytes (everything not free is used), as upstream's RRD columns. */
uint64_t node_sample_disk_total(const NodeSample *s);
uint64_t node_sample_disk_used(const NodeSample *s);

/*
 * The sample as the hash upstream hands its metric plugins: uptime,
 * cpustat{...}, memory{...}, blockstat{...} (Filesys::Df in bytes) and
 * nics{<if>{receive, transmit, type}}. Integers are JSON integers,
 * fractions JSON reals, avg1/5/15 reals.
 */
json_t *node_sample_tree(const NodeSample *s);

/*
 * Text of a scalar metric value as upstream's Perl would print it, but
 * never in exponent notation (so Graphite keeps tiny fractions). Returns
 * buf, or NULL for values that are not numbers (strings, objects, ...).
 */
#define METRIC_NUMBER_MAX 64
const char *metric_number_text(const json_t *v, char buf[static METRIC_NUMBER_MAX]);
