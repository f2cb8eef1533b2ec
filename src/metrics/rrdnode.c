/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <inttypes.h>
#include <math.h>

#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "metrics/rrdnode.h"
#include "sys/rrd.h"

#define RRD_STEP 60

char *const rrd_node_definitions[] = {
        (char *) "DS:loadavg:GAUGE:120:0:U",   (char *) "DS:maxcpu:GAUGE:120:0:U",
        (char *) "DS:cpu:GAUGE:120:0:U",       (char *) "DS:iowait:GAUGE:120:0:U",
        (char *) "DS:memtotal:GAUGE:120:0:U",  (char *) "DS:memused:GAUGE:120:0:U",
        (char *) "DS:swaptotal:GAUGE:120:0:U", (char *) "DS:swapused:GAUGE:120:0:U",
        (char *) "DS:roottotal:GAUGE:120:0:U", (char *) "DS:rootused:GAUGE:120:0:U",
        (char *) "DS:netin:DERIVE:120:0:U",    (char *) "DS:netout:DERIVE:120:0:U",
        (char *) "RRA:AVERAGE:0.5:1:70",       (char *) "RRA:AVERAGE:0.5:30:70",
        (char *) "RRA:AVERAGE:0.5:180:70",     (char *) "RRA:AVERAGE:0.5:720:70",
        (char *) "RRA:AVERAGE:0.5:10080:70",   (char *) "RRA:MAX:0.5:1:70",
        (char *) "RRA:MAX:0.5:30:70",          (char *) "RRA:MAX:0.5:180:70",
        (char *) "RRA:MAX:0.5:720:70",         (char *) "RRA:MAX:0.5:10080:70",
        NULL,
};

char *rrd_node_path(const char *node) {
        return root_pathf("/var/lib/rrdcached/db/pve2-node/%s", node);
}

char *rrd_node_update_string(const NodeSample *s) {
        uint64_t in, out;

        node_sample_net_totals(s, &in, &out);
        return xasprintf("%.6f:%s:%u:%.17g:%.17g:%" PRIu64 ":%" PRIu64 ":%" PRIu64 ":%" PRIu64 ":%" PRIu64
                         ":%" PRIu64 ":%" PRIu64 ":%" PRIu64,
                         s->time, s->loadavg.avg[0], s->cpus, s->cpu, s->wait, s->mem.total, s->mem.used,
                         s->mem.swap_total, s->mem.swap_used, node_sample_disk_total(s), node_sample_disk_used(s), in,
                         out);
}

int rrd_node_update(const char *path, const NodeSample *s, char **reterr) {
        _cleanup_free_ char *values = rrd_node_update_string(s);

        return rrd_node_update_values(path, (time_t) s->time, values, reterr);
}

int rrd_node_update_values(const char *path, time_t t, const char *values, char **reterr) {
        int r;

        if (!file_exists(path)) {
                struct tm tm;

                /* Start at the day boundary, as upstream. */
                localtime_r(&t, &tm);
                tm.tm_sec = tm.tm_min = tm.tm_hour = 0;
                r = mkdir_parents(path, 0755);
                if (r < 0) {
                        *reterr = xasprintf("unable to create the directory of '%s': %s", path, strerror(-r));
                        return r;
                }
                r = rrd_file_create(path, RRD_STEP, mktime(&tm), rrd_node_definitions, reterr);
                if (r < 0)
                        return r;
        }
        return rrd_file_update(path, values, reterr);
}

int rrd_node_timeframe(const char *timeframe, unsigned long *ret_step, unsigned long *ret_count) {
        static const struct {
                const char *name;
                unsigned long step, count;
        } frames[] = {
                { "hour", 60, 60 },          { "day", 60 * 30, 70 },       { "week", 60 * 180, 70 },
                { "month", 60 * 720, 70 },   { "year", 60 * 10080, 70 },   { "decade", 60 * 10080, 70 },
        };

        for (size_t i = 0; i < ELEMENTSOF(frames); i++)
                if (streq(frames[i].name, timeframe)) {
                        *ret_step = frames[i].step;
                        *ret_count = frames[i].count;
                        return 0;
                }
        return -EINVAL;
}

json_t *rrd_rows_to_json(time_t start, unsigned long step, size_t n_ds, char *const *names, size_t n_rows,
                         const double *data) {
        json_t *list = json_array();

        for (size_t row = 0; row < n_rows; row++) {
                json_t *entry = json_pack("{s:I}", "time", (json_int_t) (start + (time_t) ((row + 1) * step)));

                for (size_t i = 0; i < n_ds; i++) {
                        double v = data[row * n_ds + i];

                        if (!isnan(v))
                                json_object_set_new(entry, names[i], json_real(v));
                }
                json_array_append_new(list, entry);
        }
        return list;
}

int rrd_node_data(const char *path, const char *timeframe, const char *cf, time_t now, json_t **ret, char **reterr) {
        _cleanup_(rrd_fetch_done) RrdFetch f = {};
        unsigned long step, count;
        time_t ctime;
        int r;

        r = rrd_node_timeframe(timeframe, &step, &count);
        if (r < 0) {
                *reterr = xasprintf("unknown timeframe '%s'", timeframe);
                return r;
        }
        ctime = (time_t) step * (now / (time_t) step);
        r = rrd_file_fetch(path, cf, ctime - (time_t) (step * count), ctime - 1, step, &f, reterr);
        if (r < 0)
                return r;
        *ret = rrd_rows_to_json(f.start, f.step, f.n_ds, f.ds_names, f.n_rows, f.data);
        return 0;
}
