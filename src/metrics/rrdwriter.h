/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * RRD updates in a child process.
 *
 * librrd brings cairo, pango and some forty other libraries: about 7 MiB
 * of resident memory once loaded. pvestatd keeps them out of its own
 * address space, as upstream keeps RRD files out of pvestatd (pmxcfs and
 * rrdcached write them): a child forked at start-up applies the updates it
 * reads from a pipe, one line each. The pipe is non-blocking and bounded;
 * an update that does not fit is dropped (the next cycle brings a new
 * one). A child that died is started again at the next update. The result
 * of each update comes back over a second pipe, so failures are reported
 * one cycle late.
 */

#include <stdbool.h>
#include <sys/types.h>

#include "metrics/sample.h"

typedef struct RrdWriter {
        pid_t pid;
        int fd;        /* updates to the child */
        int result_fd; /* "OK" or "ERR <message>" lines from the child */
} RrdWriter;

#define RRD_WRITER_INIT { .pid = 0, .fd = -EBADF, .result_fd = -EBADF }

/*
 * Queues the update of path for sample s. Returns 0, or a negative errno
 * with a message in *reterr: the outcome of an earlier update, or a child
 * that could not be started.
 */
int rrd_writer_update(RrdWriter *w, const char *path, const NodeSample *s, char **reterr);

/* Lets the child finish the queued updates and waits for it. */
void rrd_writer_stop(RrdWriter *w);
