/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <rrd.h>

#include "basic/alloc.h"
#include "basic/strv.h"
#include "dlopen-util.h"
#include "rrd.h"

static DLSYM_FUNCTION(rrd_create_r);
static DLSYM_FUNCTION(rrd_update_r);
static DLSYM_FUNCTION(rrd_fetch_r);
static DLSYM_FUNCTION(rrd_freemem);
static DLSYM_FUNCTION(rrd_get_error);
static DLSYM_FUNCTION(rrd_clear_error);

static int dlopen_rrd(char **reterr) {
        static void *dl;
        int r;

        r = dlopen_many_sym(&dl, "librrd.so.8", DLSYM_ARG(rrd_create_r), DLSYM_ARG(rrd_update_r),
                            DLSYM_ARG(rrd_fetch_r), DLSYM_ARG(rrd_freemem), DLSYM_ARG(rrd_get_error),
                            DLSYM_ARG(rrd_clear_error), NULL);
        if (r < 0)
                *reterr = xasprintf("unable to load librrd: %s", dlopen_last_error());
        return r;
}

static int rrd_failed(const char *path, char **reterr) {
        const char *e = sym_rrd_get_error();

        *reterr = xasprintf("RRD error %s: %s", path, isempty(e) ? "unknown error" : e);
        sym_rrd_clear_error();
        return -EIO;
}

int rrd_file_create(const char *path, unsigned long step, time_t start, char *const *definitions, char **reterr) {
        int r;

        r = dlopen_rrd(reterr);
        if (r < 0)
                return r;
        sym_rrd_clear_error();
        if (sym_rrd_create_r(path, step, start, (int) strv_length(definitions), (const char **) definitions) != 0)
                return rrd_failed(path, reterr);
        return 0;
}

int rrd_file_update(const char *path, const char *values, char **reterr) {
        const char *argv[] = { values, NULL };
        int r;

        r = dlopen_rrd(reterr);
        if (r < 0)
                return r;
        sym_rrd_clear_error();
        if (sym_rrd_update_r(path, NULL, 1, argv) != 0)
                return rrd_failed(path, reterr);
        return 0;
}

int rrd_file_fetch(const char *path, const char *cf, time_t start, time_t end, unsigned long step, RrdFetch *ret,
                   char **reterr) {
        unsigned long n_ds = 0;
        char **names = NULL;
        rrd_value_t *data = NULL;
        RrdFetch f = {};
        int r;

        r = dlopen_rrd(reterr);
        if (r < 0)
                return r;
        sym_rrd_clear_error();
        if (sym_rrd_fetch_r(path, cf, &start, &end, &step, &n_ds, &names, &data) != 0)
                return rrd_failed(path, reterr);

        /* Copy into our allocator's memory, so callers free with the usual functions. */
        f.start = start;
        f.end = end;
        f.step = step;
        f.n_ds = n_ds;
        f.n_rows = step > 0 && end > start ? (size_t) (end - start) / step : 0;
        f.ds_names = new0(char *, n_ds + 1);
        for (size_t i = 0; i < n_ds; i++) {
                f.ds_names[i] = xstrdup(names[i]);
                sym_rrd_freemem(names[i]);
        }
        sym_rrd_freemem(names);
        f.data = xmemdup(data, f.n_rows * n_ds * sizeof(double) ?: 1);
        sym_rrd_freemem(data);
        *ret = f;
        return 0;
}

void rrd_fetch_done(RrdFetch *f) {
        strv_free(f->ds_names);
        free(f->data);
        *f = (RrdFetch) {};
}
