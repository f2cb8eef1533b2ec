/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include "api/format.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/encode.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/strutil.h"
#include "metrics/config.h"
#include "metrics/options.h"

/* ---- formats ------------------------------------------------------------ */

static bool graphite_label_char(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Dot-separated labels of letters and digits, with inner hyphens (upstream's graphite-path). */
static int verify_graphite_path(const char *v, char **reterr) {
        const char *label = v;

        for (const char *p = v;; p++) {
                if (*p == '.' || !*p) {
                        if (p == label || !graphite_label_char(*label) || !graphite_label_char(p[-1]))
                                break;
                        if (!*p)
                                return 0;
                        label = p + 1;
                } else if (!graphite_label_char(*p) && *p != '-')
                        break;
        }
        *reterr = xstrdup("value does not look like a valid graphite path");
        return -EINVAL;
}

static int verify_token(const char *v, char **reterr) {
        if (has_control_chars(v, strlen(v))) {
                *reterr = xstrdup("value must not contain line breaks or other control characters");
                return -EINVAL;
        }
        return 0;
}

int metric_decode_json_object(const char *base64, json_t **ret, char **reterr) {
        _cleanup_strbuf_ StrBuf decoded = STRBUF_INIT;
        json_error_t e;
        json_t *o;

        if (base64_decode(&decoded, base64, strlen(base64)) < 0) {
                *reterr = xstrdup("value is not valid base64");
                return -EINVAL;
        }
        o = json_loadb(decoded.buf, decoded.len, JSON_REJECT_DUPLICATES, &e);
        if (!o || !json_is_object(o)) {
                json_decref(o);
                *reterr = xasprintf("value is not a base64-encoded JSON object%s%s", o ? "" : ": ", o ? "" : e.text);
                return -EINVAL;
        }
        *ret = o;
        return 0;
}

static int verify_base64_json(const char *v, char **reterr) {
        _cleanup_json_ json_t *o = NULL;

        return metric_decode_json_object(v, &o, reterr);
}

static const ApiFormat metric_formats[] = {
        { "graphite-path", verify_graphite_path, NULL },
        { "pve-metric-token", verify_token, NULL },
        { "pve-metric-base64-json", verify_base64_json, NULL },
};

API_REGISTER_FORMATS(metric_formats);

/* ---- schema ------------------------------------------------------------- */

const ApiSchema graphite_options[] = {
        METRIC_OPT_DISABLE,
        METRIC_OPT_MTU,
        METRIC_OPT_PATH,
        METRIC_OPT_PORT(true),
        METRIC_OPT_PROTO,
        METRIC_OPT_SERVER(false),
        METRIC_OPT_TIMEOUT,
        {},
};

const ApiSchema influxdb_options[] = {
        METRIC_OPT_API_PATH_PREFIX,
        METRIC_OPT_BUCKET,
        METRIC_OPT_DISABLE,
        METRIC_OPT_INFLUXDBPROTO,
        METRIC_OPT_MAX_BODY_SIZE,
        METRIC_OPT_MTU,
        METRIC_OPT_ORGANIZATION,
        METRIC_OPT_PORT(false),
        METRIC_OPT_SERVER(false),
        METRIC_OPT_TIMEOUT,
        METRIC_OPT_TOKEN,
        METRIC_OPT_VERIFY_CERTIFICATE,
        {},
};

const ApiSchema opentelemetry_options[] = {
        METRIC_OPT_DISABLE,
        METRIC_OPT_OTEL_COMPRESSION,
        METRIC_OPT_OTEL_HEADERS,
        METRIC_OPT_OTEL_MAX_BODY_SIZE,
        METRIC_OPT_OTEL_PATH,
        METRIC_OPT_OTEL_PROTOCOL,
        METRIC_OPT_OTEL_RESOURCE_ATTRIBUTES,
        METRIC_OPT_OTEL_TIMEOUT,
        METRIC_OPT_OTEL_VERIFY_SSL,
        METRIC_OPT_PORT(true),
        METRIC_OPT_SERVER(false),
        {},
};

static const SectionType status_cfg_types[] = {
        { "graphite", graphite_options },
        { "influxdb", influxdb_options },
        { "opentelemetry", opentelemetry_options },
        {},
};

const SectionSchema status_cfg_schema = {
        .types = status_cfg_types,
        .id_format = "pve-configid",
};

/* ---- files -------------------------------------------------------------- */

char *status_cfg_path(void) {
        return root_path("/etc/pve/status.cfg");
}

char *status_cfg_lock_path(void) {
        return root_path("/var/lock/pve-status.cfg.lock");
}

char *metric_token_path(const char *id) {
        return root_pathf("/etc/pve/priv/metricserver/%s.pw", id);
}

int status_cfg_parse(const char *text, SectionConfig *ret, char **reterr) {
        return sectioncfg_parse(&status_cfg_schema, "status.cfg", text, ret, reterr);
}

int status_cfg_load(SectionConfig *ret, char **reterr) {
        _cleanup_free_ char *path = status_cfg_path(), *text = NULL;
        size_t len;
        int r;

        r = read_full_file(path, 0, &text, &len);
        if (r == -ENOENT)
                return status_cfg_parse("", ret, reterr);
        if (r < 0) {
                *reterr = xasprintf("unable to read '%s': %s", path, strerror(-r));
                return r;
        }
        if (strlen(text) != len) {
                *reterr = xstrdup("status.cfg: file contains a NUL byte");
                return -EINVAL;
        }
        return status_cfg_parse(text, ret, reterr);
}

int metric_token_read(const char *id, char **ret) {
        _cleanup_free_ char *path = metric_token_path(id), *token = NULL;
        int r;

        r = read_full_file(path, 64 * 1024, &token, NULL);
        if (r == -ENOENT) {
                *ret = NULL;
                return 0;
        }
        if (r < 0)
                return r;
        *ret = isempty(token) ? NULL : TAKE_PTR(token);
        return 0;
}

int metric_token_write(const char *id, const char *token) {
        _cleanup_free_ char *path = metric_token_path(id);

        if (!token)
                return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
        return write_file_atomic(path, token, strlen(token), &WRITE_OPTIONS(0600, WRITE_MKDIR));
}

/* ---- typed view --------------------------------------------------------- */

static const char *opt_str(const Section *s, const char *key, const char *def) {
        return json_object_get_string(s->values, key) ?: def;
}

static int64_t opt_int(const Section *s, const char *key, int64_t def) {
        json_t *v = json_object_get(s->values, key);

        return json_is_integer(v) ? json_integer_value(v) : def;
}

static bool opt_bool(const Section *s, const char *key, bool def) {
        json_t *v = json_object_get(s->values, key);

        return v ? json_is_true(v) : def;
}

static char *opt_dup(const Section *s, const char *key, const char *def) {
        const char *v = opt_str(s, key, def);

        return v ? xstrdup(v) : NULL;
}

void metric_server_from_section(const Section *s, MetricServer *ret) {
        MetricServer m = {
                .id = xstrdup(s->id),
                .disable = opt_bool(s, "disable", false),
                .server = opt_dup(s, "server", ""),
                .mtu = (unsigned) opt_int(s, "mtu", 1500),
                .verify_tls = true,
        };

        if (streq(s->type, "graphite")) {
                m.type = METRIC_GRAPHITE;
                m.transport = streq(opt_str(s, "proto", "udp"), "tcp") ? METRIC_TCP : METRIC_UDP;
                m.port = (unsigned) opt_int(s, "port", 2003);
                m.timeout = (unsigned) opt_int(s, "timeout", 1);
                m.path = opt_dup(s, "path", "proxmox");
        } else if (streq(s->type, "influxdb")) {
                const char *proto = opt_str(s, "influxdbproto", "udp");

                m.type = METRIC_INFLUXDB;
                m.transport = streq(proto, "https") ? METRIC_HTTPS : streq(proto, "http") ? METRIC_HTTP : METRIC_UDP;
                m.port = (unsigned) opt_int(s, "port", 8089);
                m.timeout = (unsigned) opt_int(s, "timeout", 1);
                m.organization = opt_dup(s, "organization", "proxmox");
                m.bucket = opt_dup(s, "bucket", "proxmox");
                m.api_path_prefix = opt_dup(s, "api-path-prefix", NULL);
                m.max_body_size = (uint64_t) opt_int(s, "max-body-size", 25000000);
                m.verify_tls = opt_bool(s, "verify-certificate", true);
        } else {
                m.type = METRIC_OPENTELEMETRY;
                m.transport = streq(opt_str(s, "otel-protocol", "https"), "http") ? METRIC_HTTP : METRIC_HTTPS;
                m.port = (unsigned) opt_int(s, "port", m.transport == METRIC_HTTPS ? 4318 : 4317);
                m.timeout = (unsigned) opt_int(s, "otel-timeout", 5);
                m.path = opt_dup(s, "otel-path", "/v1/metrics");
                m.max_body_size = (uint64_t) opt_int(s, "otel-max-body-size", 10000000);
                m.verify_tls = opt_bool(s, "otel-verify-ssl", true);
                m.gzip = !streq(opt_str(s, "otel-compression", "gzip"), "none");
                m.headers = opt_dup(s, "otel-headers", NULL);
                m.resource_attributes = opt_dup(s, "otel-resource-attributes", NULL);
        }
        *ret = m;
}

void metric_server_done(MetricServer *m) {
        free(m->id);
        free(m->server);
        free(m->path);
        free(m->organization);
        free(m->bucket);
        free(m->api_path_prefix);
        free(m->headers);
        free(m->resource_attributes);
        *m = (MetricServer) {};
}

char *metric_server_base_url(const MetricServer *m) {
        bool v6 = api_is_ipv6(m->server);

        return xasprintf("%s://%s%s%s:%u", m->transport == METRIC_HTTPS ? "https" : "http", v6 ? "[" : "", m->server,
                         v6 ? "]" : "", m->port);
}

bool metric_server_equal(const MetricServer *a, const MetricServer *b) {
        return streq(a->id, b->id) && a->type == b->type && a->transport == b->transport &&
               a->disable == b->disable && streq(a->server, b->server) && a->port == b->port && a->mtu == b->mtu &&
               a->timeout == b->timeout && streq_ptr(a->path, b->path) &&
               streq_ptr(a->organization, b->organization) && streq_ptr(a->bucket, b->bucket) &&
               streq_ptr(a->api_path_prefix, b->api_path_prefix) && a->max_body_size == b->max_body_size &&
               a->verify_tls == b->verify_tls && a->gzip == b->gzip && streq_ptr(a->headers, b->headers) &&
               streq_ptr(a->resource_attributes, b->resource_attributes);
}
