/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Round-robin databases through librrd (rrdtool), loaded with dlopen on
 * first use: librrd pulls in cairo, pango and about forty other libraries
 * (some 7 MiB of resident memory), which only the programs that actually
 * touch an RRD should pay for.
 *
 * The functions are librrd's thread-safe variants; errors are returned as
 * -EIO with librrd's message in *reterr, -EOPNOTSUPP when librrd is not
 * installed.
 */

#include <stddef.h>
#include <time.h>

/* Creates path with the given step, last update time and DS:/RRA: definitions. */
int rrd_file_create(const char *path, unsigned long step, time_t start, char *const *definitions, char **reterr);

/* One update, "<time>:<v1>:<v2>..." (time may have a fraction; "U" for unknown values). */
int rrd_file_update(const char *path, const char *values, char **reterr);

typedef struct RrdFetch {
        time_t start, end;      /* as adjusted by librrd: rows are start + step, start + 2 step, ... end */
        unsigned long step;
        size_t n_ds, n_rows;
        char **ds_names;        /* n_ds names (strv) */
        double *data;           /* n_rows x n_ds values, NaN for unknown */
} RrdFetch;

/*
 * Reads the consolidated rows of cf ("AVERAGE", "MAX") between start and
 * end at the given resolution, as `rrdtool fetch <path> <cf> -s start -e end
 * -r step` does.
 */
int rrd_file_fetch(const char *path, const char *cf, time_t start, time_t end, unsigned long step, RrdFetch *ret,
                   char **reterr);
void rrd_fetch_done(RrdFetch *f);
