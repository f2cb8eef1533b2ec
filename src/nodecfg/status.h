/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The node status of GET /nodes/{node}/status, with upstream's fields and
 * formulas, from /proc and /sys below PVE_SYSROOT.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "sys/procfs.h"

typedef struct NodeStatus {
        double cpu, wait;     /* fractions in [0, 1] */
        CpuInfo cpuinfo;
        MemInfo memory;
        LoadAvg loadavg;
        uint64_t uptime;
        uint64_t rootfs_total, rootfs_avail, rootfs_free, rootfs_used;
        bool efi, secureboot_known, secureboot;
} NodeStatus;

/*
 * Reads the status. CPU usage needs two samples: a long-running process
 * compares with its previous call, a fresh one samples twice, 100 ms apart.
 */
int node_status_read(NodeStatus *ret);
json_t *node_status_to_json(const NodeStatus *st);
void node_status_done(NodeStatus *st);

/* Names of the nodes with a directory below /etc/pve/nodes, sorted. */
int node_directory_list(const char *dir, char ***ret);
