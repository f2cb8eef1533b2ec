/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * API methods of the metrics area: the external metric servers
 * (/cluster/metrics/server, upstream's PVE::API2::Cluster::MetricServer),
 * the pull export (/cluster/metrics/export) and the node's RRD history
 * (/nodes/{node}/rrddata).
 *
 * Unlike upstream, create and update do not test the connection: a
 * server's configuration does not depend on it being reachable right now;
 * pvestatd logs (once per outage, naming the id) when it is not.
 */

#include "api/call.h"
#include "api/format.h"
#include "api/json-util.h"
#include "api/registry.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/lockfile.h"
#include "basic/strv.h"
#include "metrics/config.h"
#include "metrics/history.h"
#include "metrics/options.h"
#include "metrics/rrdnode.h"
#include "sys/nodename.h"

#define STATUS_CFG_LOCK_TIMEOUT (10 * USEC_PER_SEC)

#define PARAM_ID \
        { .name = "id", .type = API_TYPE_STRING, .format = "pve-configid", .description = "The ID of the entry." }

static const ApiSchema no_params[] = { {} };
static const ApiSchema id_param[] = { PARAM_ID, {} };

static const ApiSchema create_params[] = {
        PARAM_ID,
        { .name = "type", .type = API_TYPE_STRING, .description = "Plugin type.",
          .enum_values = (const char *const[]) { "graphite", "influxdb", "opentelemetry", NULL } },
        METRIC_OPTIONS_ALL(false),
        {},
};

static const ApiSchema update_params[] = {
        PARAM_ID,
        METRIC_OPTIONS_ALL(true),
        { .name = "delete", .type = API_TYPE_STRING, .format = "pve-configid-list", .optional = true,
          .max_length = 4096, .description = "A list of settings you want to delete." },
        { .name = "digest", .type = API_TYPE_STRING, .optional = true, .max_length = 64,
          .description = "Prevent changes if current configuration file has a different digest. This can be used "
                         "to prevent concurrent modifications." },
        {},
};

/* ---- reading ------------------------------------------------------------ */

static int load_config(ApiCall *call, SectionConfig *ret) {
        _cleanup_free_ char *err = NULL;
        int r;

        r = status_cfg_load(ret, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        return 0;
}

/* A section's values as the API returns them: booleans as 1/0, never the token. */
static json_t *section_values(const Section *s) {
        json_t *o = json_object();
        const char *k;
        json_t *v;

        json_object_foreach(s->values, k, v) {
                if (streq(k, "token"))
                        continue;
                json_object_set_new(o, k, json_is_boolean(v) ? json_integer(json_is_true(v)) : json_incref(v));
        }
        json_object_set_new(o, "type", json_string(s->type));
        return o;
}

static const ApiSchema server_list_props[] = {
        { .name = "id", .type = API_TYPE_STRING, .description = "The ID of the entry." },
        { .name = "disable", .type = API_TYPE_BOOLEAN, .description = "Flag to disable the plugin." },
        { .name = "type", .type = API_TYPE_STRING, .description = "Plugin type." },
        { .name = "server", .type = API_TYPE_STRING, .description = "Server dns name or IP address" },
        { .name = "port", .type = API_TYPE_INTEGER, .optional = true, .description = "Server network port" },
        {},
};

static int list_servers(ApiCall *call, json_t **ret) {
        _cleanup_(sectioncfg_done) SectionConfig cfg = {};
        _cleanup_json_ json_t *list = json_array();
        _cleanup_strv_free_ char **ids = NULL;
        int r;

        r = load_config(call, &cfg);
        if (r < 0)
                return r;
        for (size_t i = 0; i < cfg.n_sections; i++)
                strv_extend(&ids, cfg.sections[i].id);
        strv_sort(ids);
        STRV_FOREACH(id, ids) {
                const Section *s = sectioncfg_find(&cfg, *id);
                json_t *e = json_pack("{s:s,s:i,s:s,s:O?}", "id", s->id, "disable",
                                      json_is_true(json_object_get(s->values, "disable")), "type", s->type, "server",
                                      json_object_get(s->values, "server"));

                if (json_object_get(s->values, "port"))
                        json_object_set(e, "port", json_object_get(s->values, "port"));
                json_array_append_new(list, e);
        }
        *ret = TAKE_PTR(list);
        return 0;
}

static int read_server(ApiCall *call, json_t **ret) {
        _cleanup_(sectioncfg_done) SectionConfig cfg = {};
        const char *id = api_param_str(call, "id");
        const Section *s;
        int r;

        r = load_config(call, &cfg);
        if (r < 0)
                return r;
        s = sectioncfg_find(&cfg, id);
        if (!s)
                return api_error(call, 500, "status server entry '%s' does not exist", id);
        *ret = section_values(s);
        return 0;
}

/* ---- changing ----------------------------------------------------------- */

typedef enum ChangeKind {
        CHANGE_CREATE,
        CHANGE_UPDATE,
        CHANGE_DELETE,
} ChangeKind;

static int write_config(ApiCall *call, const SectionConfig *cfg) {
        _cleanup_free_ char *path = status_cfg_path(), *text = sectioncfg_format(&status_cfg_schema, cfg);
        int r;

        r = write_file_atomic(path, text, strlen(text), &WRITE_OPTIONS(0640, WRITE_MKDIR));
        if (r < 0)
                return api_error_errno(call, r, "unable to write '%s': %m", path);
        return 0;
}

static int change_server(ApiCall *call, ChangeKind kind) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_(sectioncfg_done) SectionConfig cfg = {};
        _cleanup_free_ char *lock_path = status_cfg_lock_path(), *err = NULL;
        _cleanup_strv_free_ char **del = api_split_list(api_param_str(call, "delete"));
        const char *id = api_param_str(call, "id"), *digest = api_param_str(call, "digest");
        json_t *token = json_object_get(call->params, "token");
        bool drop_token = strv_contains(del, "token");
        Section *s;
        int r;

        r = lock_file_acquire(lock_path, STATUS_CFG_LOCK_TIMEOUT, &lock);
        if (r < 0)
                return api_error_errno(call, r, "can't lock file '%s' - %s", lock_path,
                                       r == -ETIMEDOUT ? "got timeout" : strerror(-r));
        r = load_config(call, &cfg);
        if (r < 0)
                return r;
        s = sectioncfg_find(&cfg, id);

        switch (kind) {
        case CHANGE_CREATE:
                if (s)
                        return api_error(call, 500, "Metric server '%s' already exists", id);
                s = sectioncfg_add(&cfg, api_param_str(call, "type"), id);
                break;
        case CHANGE_UPDATE:
                if (digest && !streq(digest, cfg.digest))
                        return api_error(call, 500,
                                         "detected modified configuration - file changed by other user? Try again.");
                if (!s)
                        return api_error(call, 500, "no such server '%s'", id);
                break;
        case CHANGE_DELETE:
                if (!s)
                        return api_error(call, 500, "no such server '%s'", id);
                (void) sectioncfg_remove(&cfg, id);
                r = write_config(call, &cfg);
                if (r < 0)
                        return r;
                r = metric_token_write(id, NULL);
                if (r < 0)
                        return api_error_errno(call, r, "removing the credentials of '%s' failed: %m", id);
                return 0;
        }

        if (token && drop_token)
                return api_error(call, 400, "cannot set and delete property 'token' at the same time!");
        r = section_update(&status_cfg_schema, s, call->params, api_param_str(call, "delete"), kind == CHANGE_CREATE,
                           &err);
        if (r < 0)
                return api_error(call, 400, "%s", err);
        /* The token never goes into status.cfg. */
        json_object_del(s->values, "token");

        r = write_config(call, &cfg);
        if (r < 0)
                return r;
        if (token || drop_token || kind == CHANGE_CREATE) {
                r = metric_token_write(id, token ? json_string_value(token) : NULL);
                if (r < 0)
                        return api_error_errno(call, r, "unable to store the credentials of '%s': %m", id);
        }
        return 0;
}

static int create_server(ApiCall *call, json_t **ret) {
        return change_server(call, CHANGE_CREATE);
}

static int update_server(ApiCall *call, json_t **ret) {
        return change_server(call, CHANGE_UPDATE);
}

static int delete_server(ApiCall *call, json_t **ret) {
        return change_server(call, CHANGE_DELETE);
}

/* ---- export ------------------------------------------------------------- */

static const ApiSchema export_params[] = {
        { .name = "local-only", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "0",
          .description = "Only return metrics for the current node instead of the whole cluster" },
        { .name = "node-list", .type = API_TYPE_STRING, .optional = true,
          .description = "Only return metrics from nodes passed as comma-separated list" },
        { .name = "start-time", .type = API_TYPE_INTEGER, .optional = true, .default_value = "0",
          .description = "Only include metrics with a timestamp > start-time." },
        { .name = "history", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "0",
          .description = "Also return historic values. Returns full available metric history unless `start-time` "
                         "is also set" },
        {},
};

static const ApiSchema export_entry_props[] = {
        { .name = "timestamp", .type = API_TYPE_INTEGER, .description = "Time at which this metric was observed" },
        { .name = "id", .type = API_TYPE_STRING,
          .description = "Unique identifier for this metric object, for instance 'node/<nodename>' or "
                         "'qemu/<vmid>'." },
        { .name = "metric", .type = API_TYPE_STRING, .description = "Name of the metric." },
        { .name = "value", .type = API_TYPE_NUMBER, .description = "Metric value." },
        { .name = "type", .type = API_TYPE_STRING, .description = "Type of the metric.",
          .enum_values = (const char *const[]) { "gauge", "counter", "derive", NULL } },
        {},
};

static const ApiSchema export_returns[] = {
        { .name = "data", .type = API_TYPE_ARRAY,
          .description = "Array of system metrics. Metrics are sorted by their timestamp.",
          .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .properties = export_entry_props } },
        {},
};

static int export_metrics(ApiCall *call, json_t **ret) {
        _cleanup_strv_free_ char **nodes = api_split_list(api_param_str(call, "node-list")), **unknown = NULL;
        _cleanup_free_ char *path = metric_history_path(), *text = NULL, *list = NULL;
        int r;

        /* This node is the whole cluster. */
        STRV_FOREACH(n, nodes)
                if (!streq(*n, node_name()))
                        strv_extend(&unknown, *n);
        if (unknown) {
                list = strv_join(unknown, ", ");
                return api_error(call, 500, "Requested node-list contains unknown nodes - %s", list);
        }

        r = read_full_file(path, 0, &text, NULL);
        if (r < 0 && r != -ENOENT)
                return api_error_errno(call, r, "could not read the metric history '%s': %m", path);
        *ret = json_pack("{s:o}", "data",
                         metric_history_export(strempty(text), api_param_bool(call, "history"),
                                               api_param_has(call, "start-time") ? api_param_int(call, "start-time")
                                                                                 : -1));
        return 0;
}

/* ---- rrddata ------------------------------------------------------------ */

static const ApiSchema rrddata_params[] = {
        API_PARAM_NODE,
        { .name = "timeframe", .type = API_TYPE_STRING, .description = "Specify the time frame you are interested in.",
          .enum_values = (const char *const[]) { "hour", "day", "week", "month", "year", "decade", NULL } },
        { .name = "cf", .type = API_TYPE_STRING, .optional = true, .description = "The RRD consolidation function",
          .enum_values = (const char *const[]) { "AVERAGE", "MAX", NULL } },
        {},
};

static int node_rrddata(ApiCall *call, json_t **ret) {
        _cleanup_free_ char *path = NULL, *err = NULL;
        const char *node;
        int r;

        r = api_local_node(call, &node);
        if (r < 0)
                return r;
        path = rrd_node_path(node_name());
        /* Unlike upstream's error, a node pvestatd has not written history for yet simply has none. */
        if (!file_exists(path)) {
                *ret = json_array();
                return 0;
        }
        r = rrd_node_data(path, api_param_str(call, "timeframe"), api_param_str(call, "cf") ?: "AVERAGE",
                          time(NULL), ret, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        return 0;
}

/* ---- registration ------------------------------------------------------- */

static const ApiMethod metrics_methods[] = {
        {
                .path = "/cluster/metrics",
                .http_method = API_GET,
                .name = "index",
                .description = "Metrics index.",
                .parameters = no_params,
                .returns = API_INDEX_RETURNS("name"),
                .permissions = { .kind = API_PERM_ALL_USERS },
                .handler = api_index_handler,
        },
        {
                .path = "/cluster/metrics/server",
                .http_method = API_GET,
                .name = "server_index",
                .description = "List configured metric servers.",
                .parameters = no_params,
                .returns = { .type = API_TYPE_ARRAY, .child_link = "{id}",
                             .items = &(const ApiSchema) { .type = API_TYPE_OBJECT,
                                                           .properties = server_list_props } },
                .permissions = API_PERM_PRIVS("/", "Sys.Audit"),
                .handler = list_servers,
        },
        {
                .path = "/cluster/metrics/server/{id}",
                .http_method = API_GET,
                .name = "read",
                .description = "Read metric server configuration.",
                .parameters = id_param,
                .returns = { .type = API_TYPE_OBJECT, .additional_properties = true },
                .permissions = API_PERM_PRIVS("/", "Sys.Audit"),
                .handler = read_server,
        },
        {
                .path = "/cluster/metrics/server/{id}",
                .http_method = API_POST,
                .name = "create",
                .description = "Create a new external metric server config",
                .parameters = create_params,
                .returns = { .type = API_TYPE_NULL },
                .permissions = API_PERM_PRIVS("/", "Sys.Modify"),
                .protected_ = true,
                .handler = create_server,
        },
        {
                .path = "/cluster/metrics/server/{id}",
                .http_method = API_PUT,
                .name = "update",
                .description = "Update metric server configuration.",
                .parameters = update_params,
                .returns = { .type = API_TYPE_NULL },
                .permissions = API_PERM_PRIVS("/", "Sys.Modify"),
                .protected_ = true,
                .handler = update_server,
        },
        {
                .path = "/cluster/metrics/server/{id}",
                .http_method = API_DELETE,
                .name = "delete",
                .description = "Remove Metric server.",
                .parameters = id_param,
                .returns = { .type = API_TYPE_NULL },
                .permissions = API_PERM_PRIVS("/", "Sys.Modify"),
                .protected_ = true,
                .handler = delete_server,
        },
        {
                .path = "/cluster/metrics/export",
                .http_method = API_GET,
                .name = "export",
                .description = "Retrieve metrics of the cluster.",
                .parameters = export_params,
                .returns = { .type = API_TYPE_OBJECT, .properties = export_returns },
                .permissions = API_PERM_PRIVS("/", "Sys.Audit"),
                .handler = export_metrics,
        },
        {
                .path = "/nodes/{node}/rrddata",
                .http_method = API_GET,
                .name = "rrddata",
                .description = "Read node RRD statistics",
                .parameters = rrddata_params,
                .returns = { .type = API_TYPE_ARRAY,
                             .items = &(const ApiSchema) { .type = API_TYPE_OBJECT,
                                                           .additional_properties = true } },
                .permissions = API_PERM_PRIVS("/nodes/{node}", "Sys.Audit"),
                .protected_ = true,
                .handler = node_rrddata,
        },
};

API_REGISTER_METHODS(metrics_methods);
