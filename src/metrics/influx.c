/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <inttypes.h>

#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/strutil.h"
#include "metrics/influx.h"
#include "metrics/sample.h"
#include "sys/http.h"

size_t influx_batch_size(const MetricServer *m) {
        return m->transport == METRIC_UDP ? m->mtu - 50 : m->max_body_size;
}

/* "key=value"; strings quoted (name and tags always), empty strings and non-numbers like NaN dropped. */
static void add_field(StrBuf *fields, const char *key, const json_t *v) {
        char num[METRIC_NUMBER_MAX];
        const char *text;

        if (json_is_string(v)) {
                text = json_string_value(v);
                if (isempty(text))
                        return;
                if (fields->len > 0)
                        strbuf_addc(fields, ',');
                strbuf_addf(fields, "%s=\"", key);
                for (const char *c = text; *c; c++) {
                        if (*c == '"')
                                strbuf_addc(fields, '\\');
                        strbuf_addc(fields, *c);
                }
                strbuf_addc(fields, '"');
                return;
        }
        text = metric_number_text(v, num);
        if (!text)
                return;
        if (fields->len > 0)
                strbuf_addc(fields, ',');
        strbuf_addf(fields, "%s=%s", key, text);
}

/* Everything below a second-level object, flattened into one field list. */
static void add_fields_recursive(StrBuf *fields, const json_t *o) {
        _cleanup_free_ const char **keys = json_object_sorted_keys(o);

        for (const char **k = keys; *k; k++) {
                const json_t *v = json_object_get(o, *k);

                if (json_is_object(v))
                        add_fields_recursive(fields, v);
                else
                        add_field(fields, *k, v);
        }
}

static void encode_level(Payloads *p, const json_t *o, const char *tags, int64_t time_ns, const char *measurement,
                         const char *instance) {
        _cleanup_free_ const char **keys = json_object_sorted_keys(o);
        _cleanup_strbuf_ StrBuf fields = STRBUF_INIT, line = STRBUF_INIT;

        for (const char **k = keys; *k; k++) {
                const json_t *v = json_object_get(o, *k);

                if (!json_is_object(v))
                        add_field(&fields, *k, v);
                else if (!measurement)
                        encode_level(p, v, tags, time_ns, *k, NULL);
                else if (!instance)
                        encode_level(p, v, tags, time_ns, measurement, *k);
                else
                        add_fields_recursive(&fields, v);
        }
        if (fields.len == 0)
                return;
        strbuf_addf(&line, "%s,%s", measurement ?: "system", tags);
        if (instance)
                strbuf_addf(&line, ",instance=%s", instance);
        strbuf_addf(&line, " %s %" PRIi64 "\n", fields.buf, time_ns);
        payloads_add_chunk(p, line.buf, line.len);
}

void influx_encode(Payloads *p, const json_t *tree, const char *tags, int64_t time_ns) {
        encode_level(p, tree, tags, time_ns, NULL, NULL);
}

char *influx_url(const MetricServer *m, const char *call) {
        _cleanup_strbuf_ StrBuf url = STRBUF_INIT;
        _cleanup_free_ char *base = metric_server_base_url(m);
        const char *prefix = strempty(m->api_path_prefix);
        size_t n;

        strbuf_addf(&url, "%s/", base);

        prefix += strspn(prefix, "/");
        for (n = strlen(prefix); n > 0 && prefix[n - 1] == '/'; n--)
                ;
        if (n > 0) {
                strbuf_add(&url, prefix, n);
                strbuf_addc(&url, '/');
        }
        if (!streq(call, "health"))
                strbuf_adds(&url, "api/v2/");
        strbuf_adds(&url, call);
        return strbuf_detach(&url, NULL);
}

char *influx_write_url(const MetricServer *m) {
        _cleanup_strbuf_ StrBuf call = STRBUF_INIT;

        strbuf_adds(&call, "write?org=");
        http_url_escape(&call, m->organization);
        strbuf_adds(&call, "&bucket=");
        http_url_escape(&call, m->bucket);
        return influx_url(m, call.buf);
}
