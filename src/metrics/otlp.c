/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "metrics/otlp.h"
#include "metrics/sample.h"
#include "repoid.h"
#include "sys/gzip.h"

static const char *const skipped_fields[] = {
        "name", "tags", "vmid", "type", "status", "template", "pid", "agent", "serial", "ctime", "nics", "storages", NULL,
};

static const char *const counter_keys[] = { "transmit", "receive", "netin", "netout", "diskread", "diskwrite", NULL };
static const char *const counter_prefixes[] = {
        "rd_", "wr_", "read", "write", "sent", "recv", "tx", "rx", "packets", "errors", "dropped", "collisions", NULL,
};
static const char *const cpu_counter_keys[] = {
        "user", "system", "idle", "nice", "steal", "guest", "irq", "softirq", "iowait", "wait", NULL,
};
/* /proc/stat fields in clock ticks, sent in seconds. */
static const char *const cpu_tick_keys[] = {
        "user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice", "used", "total", NULL,
};

static const struct {
        const char *pattern, *unit;
} unit_patterns[] = {
        { "mem", "bytes" },      { "memory", "bytes" },   { "swap", "bytes" },      { "disk", "bytes" },
        { "size", "bytes" },     { "used", "bytes" },     { "free", "bytes" },      { "total", "bytes" },
        { "avail", "bytes" },    { "available", "bytes" }, { "arcsize", "bytes" },  { "blocks", "bytes" },
        { "bavail", "bytes" },   { "bfree", "bytes" },    { "net", "bytes" },       { "receive", "bytes" },
        { "transmit", "bytes" }, { "netin", "bytes" },    { "netout", "bytes" },    { "diskread", "bytes" },
        { "diskwrite", "bytes" }, { "cpu", "percent" },   { "wait", "seconds" },    { "iowait", "seconds" },
        { "user", "seconds" },   { "system", "seconds" }, { "idle", "seconds" },    { "nice", "seconds" },
        { "steal", "seconds" },  { "guest", "seconds" },  { "irq", "seconds" },     { "softirq", "seconds" },
        { "uptime", "seconds" }, { "time_ns", "seconds" }, { "total_time_ns", "seconds" }, { "avg", "1" },
        { "avg1", "1" },         { "avg5", "1" },         { "avg15", "1" },         { "cpus", "1" },
        { "operations", "1" },   { "merged", "1" },       { "ratio", "1" },         { "count", "1" },
        { "files", "1" },        { "ffree", "1" },        { "fused", "1" },         { "favail", "1" },
        { "per", "percent" },    { "fper", "percent" },   { "percent", "percent" }, { "enabled", "1" },
        { "shared", "1" },       { "active", "1" },
};

static bool is_counter(const char *key, const char *prefix) {
        if (strv_contains((char **) counter_keys, key) || endswith(key, "_operations") || endswith(key, "_merged"))
                return true;
        STRV_FOREACH(p, (char **) counter_prefixes)
                if (startswith(key, *p))
                        return true;
        if (endswith(prefix, "_cpustat") && strv_contains((char **) cpu_counter_keys, key))
                return true;
        return endswith(prefix, "_network");
}

static const char *unit_for(const char *key) {
        const char *unit = "1";
        size_t best = 0;

        for (size_t i = 0; i < ELEMENTSOF(unit_patterns); i++) {
                size_t n = strlen(unit_patterns[i].pattern);

                if (n > best && strstr(key, unit_patterns[i].pattern)) {
                        best = n;
                        unit = unit_patterns[i].unit;
                }
        }
        return unit;
}

static json_t *attribute(const char *key, const char *value) {
        return json_pack("{s:s,s:{s:s}}", "key", key, "value", "stringValue", value);
}

typedef struct Converter {
        json_t *metrics;
        int64_t time;
        long user_hz;
} Converter;

static void convert(Converter *cv, const json_t *o, const char *prefix, const json_t *attrs) {
        _cleanup_free_ const char **keys = json_object_sorted_keys(o);

        for (const char **k = keys; *k; k++) {
                const json_t *v = json_object_get(o, *k);
                _cleanup_free_ char *name = NULL;
                char num[METRIC_NUMBER_MAX];
                const char *text, *unit = unit_for(*k);
                bool counter;
                json_t *point, *metric;

                if (strv_contains((char **) skipped_fields, *k))
                        continue;
                if (json_is_object(v)) {
                        _cleanup_free_ char *sub = xasprintf("%s_%s", prefix, *k);

                        convert(cv, v, sub, attrs);
                        continue;
                }
                text = metric_number_text(v, num);
                if (!text)
                        continue;

                counter = is_counter(*k, prefix);
                name = xasprintf("%s_%s%s", prefix, *k, counter ? "_total" : "");
                point = json_pack("{s:I,s:O}", "timeUnixNano", (json_int_t) (cv->time * 1000000000), "attributes",
                                  (json_t *) attrs);
                if (endswith(prefix, "_cpustat") && strv_contains((char **) cpu_tick_keys, *k)) {
                        json_object_set_new(point, "asDouble",
                                            json_real((double) json_integer_value(v) / (double) cv->user_hz));
                        unit = "seconds";
                } else if (strpbrk(text, ".eE"))
                        json_object_set_new(point, "asDouble", json_real(json_number_value(v)));
                else
                        json_object_set_new(point, "asInt", json_integer(json_integer_value(v)));

                metric = json_pack("{s:s,s:s}", "name", name, "unit", unit);
                if (counter)
                        json_object_set_new(metric, "sum",
                                            json_pack("{s:[o],s:i,s:b}", "dataPoints", point,
                                                      "aggregationTemporality", 2, "isMonotonic", true));
                else
                        json_object_set_new(metric, "gauge", json_pack("{s:[o]}", "dataPoints", point));
                json_array_append_new(cv->metrics, metric);
        }
}

json_t *otlp_node_metrics(const json_t *tree, const char *node, int64_t time, long user_hz) {
        Converter cv = { .metrics = json_array(), .time = time, .user_hz = user_hz > 0 ? user_hz : 100 };
        _cleanup_json_ json_t *attrs = json_pack("[o]", attribute("node", node));
        const json_t *nics = json_object_get(tree, "nics");

        convert(&cv, tree, "proxmox_node", attrs);
        if (json_is_object(nics)) {
                _cleanup_free_ const char **names = json_object_sorted_keys(nics);

                for (const char **n = names; *n; n++) {
                        _cleanup_json_ json_t *nic_attrs =
                                json_pack("[o,o]", attribute("node", node), attribute("device", *n));

                        convert(&cv, json_object_get(nics, *n), "proxmox_node_network", nic_attrs);
                }
        }
        return cv.metrics;
}

json_t *otlp_resource_attributes(const char *node, const json_t *extra) {
        _cleanup_free_ char *version = xasprintf("pvehost/%s/%s", PVEHOST_VERSION, PVEHOST_REPOID);
        json_t *attrs = json_pack("[o,o,o,o]", attribute("service.name", "proxmox-ve"),
                                  attribute("service.version", version), attribute("proxmox.cluster", "single-node"),
                                  attribute("proxmox.node", node));

        if (extra) {
                _cleanup_free_ const char **keys = json_object_sorted_keys(extra);

                for (const char **k = keys; *k; k++) {
                        const json_t *v = json_object_get(extra, *k);
                        _cleanup_free_ char *text = json_is_string(v) ? xstrdup(json_string_value(v))
                                                                      : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

                        json_array_append_new(attrs, attribute(*k, text));
                }
        }
        return attrs;
}

static void encode_body(StrBuf *out, const json_t *metrics, size_t from, size_t to, const json_t *resource_attributes,
                        bool gzip) {
        _cleanup_json_ json_t *slice = json_array(), *req = NULL;
        _cleanup_free_ char *text = NULL;

        for (size_t i = from; i < to; i++)
                json_array_append(slice, json_array_get(metrics, i));
        req = json_pack("{s:[{s:{s:O},s:[{s:{},s:O}]}]}", "resourceMetrics", "resource", "attributes",
                        (json_t *) resource_attributes, "scopeMetrics", "scope", "metrics", slice);
        text = json_dumps(req, JSON_COMPACT);
        if (!text)
                oom();
        if (gzip)
                gzip_compress(out, text, strlen(text));
        else
                strbuf_adds(out, text);
}

static void encode_range(Payloads *p, const json_t *metrics, size_t from, size_t to,
                         const json_t *resource_attributes, bool gzip, size_t max_size) {
        StrBuf body = STRBUF_INIT;
        size_t len;
        char *data;

        encode_body(&body, metrics, from, to, resource_attributes, gzip);
        if (body.len > max_size && to - from > 1) {
                size_t mid = from + (to - from) / 2;

                strbuf_release(&body);
                encode_range(p, metrics, from, mid, resource_attributes, gzip, max_size);
                encode_range(p, metrics, mid, to, resource_attributes, gzip, max_size);
                return;
        }
        data = strbuf_detach(&body, &len);
        payloads_push(p, data, len);
}

void otlp_encode(Payloads *p, const json_t *metrics, const json_t *resource_attributes, bool gzip, size_t max_size) {
        if (json_array_size(metrics) == 0)
                return;
        encode_range(p, metrics, 0, json_array_size(metrics), resource_attributes, gzip, max_size);
}
