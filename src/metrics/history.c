/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <fcntl.h>

#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "metrics/history.h"

#define HISTORY_MAX_SIZE (4 * 1024 * 1024)

static const struct {
        const char *name;
        bool derive;
} export_metrics[] = {
        { "uptime" },    { "net_in", true }, { "net_out", true }, { "cpu_avg1" },  { "cpu_avg5" },
        { "cpu_avg15" }, { "cpu_max" },      { "cpu_current" },   { "cpu_iowait" }, { "mem_total" },
        { "mem_used" },  { "swap_total" },   { "swap_used" },     { "disk_total" }, { "disk_used" },
};

char *metric_history_path(void) {
        return root_path("/run/pve/metrics-history");
}

char *metric_history_line(const NodeSample *s, const char *node, int64_t timestamp) {
        _cleanup_json_ json_t *o = NULL;
        _cleanup_free_ char *id = xasprintf("node/%s", node), *text = NULL;
        uint64_t in, out;

        node_sample_net_totals(s, &in, &out);
        o = json_pack("{s:I,s:s,s:I,s:I,s:I,s:f,s:f,s:f,s:I,s:f,s:f,s:I,s:I,s:I,s:I,s:I,s:I}", "timestamp",
                      (json_int_t) timestamp, "id", id, "uptime", (json_int_t) s->uptime, "net_in", (json_int_t) in,
                      "net_out", (json_int_t) out, "cpu_avg1", strtod(s->loadavg.avg[0], NULL), "cpu_avg5",
                      strtod(s->loadavg.avg[1], NULL), "cpu_avg15", strtod(s->loadavg.avg[2], NULL), "cpu_max",
                      (json_int_t) s->cpus, "cpu_current", s->cpu, "cpu_iowait", s->wait, "mem_total",
                      (json_int_t) s->mem.total, "mem_used", (json_int_t) s->mem.used, "swap_total",
                      (json_int_t) s->mem.swap_total, "swap_used", (json_int_t) s->mem.swap_used, "disk_total",
                      (json_int_t) node_sample_disk_total(s), "disk_used", (json_int_t) node_sample_disk_used(s));
        text = json_dumps(o, JSON_COMPACT);
        if (!text)
                oom();
        return xasprintf("%s\n", text);
}

json_t *metric_history_entries(const char *line) {
        _cleanup_json_ json_t *o = json_loads(line, JSON_DISABLE_EOF_CHECK, NULL), *list = json_array();
        json_t *ts = json_object_get(o, "timestamp");
        const char *id = json_object_get_string(o, "id");

        if (!json_is_integer(ts) || !id)
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(export_metrics); i++) {
                json_t *v = json_object_get(o, export_metrics[i].name);

                if (!json_is_number(v))
                        return NULL;
                json_array_append_new(list, json_pack("{s:s,s:s,s:O,s:O,s:s}", "metric", export_metrics[i].name,
                                                      "id", id, "value", v, "timestamp", ts, "type",
                                                      export_metrics[i].derive ? "derive" : "gauge"));
        }
        return TAKE_PTR(list);
}

json_t *metric_history_export(const char *text, bool history, int64_t start_time) {
        json_t *result = json_array();
        const char *end = strrchr(text, '\n'), *line;
        size_t generations = 0, max = history ? METRIC_HISTORY_GENERATIONS : 1;

        /* Walk back over complete lines, newest first; the result is oldest first. */
        while (end && generations < max) {
                _cleanup_free_ char *copy = NULL;
                _cleanup_json_ json_t *entries = NULL;

                for (line = end; line > text && line[-1] != '\n'; line--)
                        ;
                copy = xstrndup(line, (size_t) (end - line));
                end = line > text ? line - 1 : NULL;
                entries = metric_history_entries(copy);
                if (!entries)
                        continue;
                generations++;
                if (start_time >= 0 &&
                    json_integer_value(json_object_get(json_array_get(entries, 0), "timestamp")) <= start_time)
                        break;
                for (size_t i = json_array_size(entries); i > 0; i--)
                        json_array_insert(result, 0, json_array_get(entries, i - 1));
        }
        return result;
}

static int history_rewrite(MetricHistoryWriter *w, const char *path) {
        _cleanup_free_ char *text = NULL;
        const char *p;
        size_t skip;
        int r;

        r = read_full_file(path, HISTORY_MAX_SIZE, &text, NULL);
        if (r < 0)
                return r;
        /* Keep the newest generations. */
        skip = w->lines > METRIC_HISTORY_GENERATIONS ? w->lines - METRIC_HISTORY_GENERATIONS : 0;
        for (p = text; skip > 0 && (p = strchr(p, '\n')); skip--)
                p++;
        if (!p)
                p = "";
        r = write_file_atomic(path, p, strlen(p), &WRITE_OPTIONS(0640, WRITE_MKDIR));
        if (r < 0)
                return r;
        w->fd = safe_close(w->fd);
        w->lines = METRIC_HISTORY_GENERATIONS;
        return 0;
}

int metric_history_append(MetricHistoryWriter *w, const char *line) {
        _cleanup_free_ char *path = metric_history_path();
        int r;

        if (w->fd < 0) {
                _cleanup_free_ char *old = NULL;

                (void) mkdir_parents(path, 0755);
                w->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
                if (w->fd < 0)
                        return -errno;
                /* Continue counting the lines a previous run left. */
                w->lines = 0;
                if (read_full_file(path, HISTORY_MAX_SIZE, &old, NULL) >= 0)
                        for (const char *p = old; (p = strchr(p, '\n')); p++)
                                w->lines++;
        }
        r = loop_write(w->fd, line, strlen(line));
        if (r < 0)
                return r;
        if (++w->lines >= 2 * METRIC_HISTORY_GENERATIONS)
                return history_rewrite(w, path);
        return 0;
}

void metric_history_writer_done(MetricHistoryWriter *w) {
        w->fd = safe_close(w->fd);
}
