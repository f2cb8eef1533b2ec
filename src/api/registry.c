/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <pthread.h>

#include "api/call.h"
#include "api/json-util.h"
#include "api/registry.h"
#include "basic/alloc.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"

extern const ApiMethodTable __start_pvehost_api_methods[];
extern const ApiMethodTable __stop_pvehost_api_methods[];

const ApiMethod *api_methods_next(const ApiMethod *prev) {
        for (const ApiMethodTable *t = __start_pvehost_api_methods; t < __stop_pvehost_api_methods; t++) {
                if (!prev) {
                        if (t->n_methods > 0)
                                return t->methods;
                        continue;
                }
                if (prev >= t->methods && prev < t->methods + t->n_methods) {
                        if (prev + 1 < t->methods + t->n_methods)
                                return prev + 1;
                        prev = NULL; /* continue with the first method of the next table */
                }
        }
        return NULL;
}

/* The path templates of every method, split into segments once: routing runs on every API request. */
typedef struct Route {
        const ApiMethod *method;
        char **segs;
} Route;

static struct {
        pthread_once_t once;
        Route *routes;
        size_t n_routes;
} route_table = { .once = PTHREAD_ONCE_INIT };

static void build_route_table(void) {
        API_FOREACH_METHOD(m)
                route_table.n_routes++;
        route_table.routes = new0(Route, route_table.n_routes);
        size_t i = 0;
        API_FOREACH_METHOD(m)
                route_table.routes[i++] = (Route) { m, strv_split(m->path, "/") };
}

static const Route *routes(size_t *ret_n) {
        (void) pthread_once(&route_table.once, build_route_table);
        *ret_n = route_table.n_routes;
        return route_table.routes;
}

char *api_path_normalize(const char *path) {
        StrBuf sb = STRBUF_INIT;

        strbuf_addc(&sb, '/');
        for (const char *p = strempty(path); *p; p++) {
                if (*p == '/' && strbuf_endswith_char(&sb, '/'))
                        continue;
                strbuf_addc(&sb, *p);
        }
        if (sb.len > 1 && strbuf_endswith_char(&sb, '/'))
                strbuf_setlen(&sb, sb.len - 1);
        return strbuf_detach(&sb, NULL);
}

static bool is_param_segment(const char *seg) {
        return seg[0] == '{' && endswith(seg, "}");
}

/*
 * Matches a concrete path against a template. Returns -1 for no match, else
 * the number of literal segments (higher is a more specific match).
 */
static int match_template(char **tmpl, char **path, json_t *params) {
        int literal = 0;
        size_t i;

        for (i = 0; tmpl[i] && path[i]; i++) {
                if (is_param_segment(tmpl[i])) {
                        if (params) {
                                _cleanup_free_ char *name = xstrndup(tmpl[i] + 1, strlen(tmpl[i]) - 2);
                                json_object_set_new(params, name, json_string(path[i]));
                        }
                } else if (streq(tmpl[i], path[i]))
                        literal++;
                else
                        return -1;
        }
        return tmpl[i] || path[i] ? -1 : literal;
}

/*
 * Directory levels that have children but no GET method of their own (such
 * as /cluster, shared by several areas) are served by this index.
 */
static const ApiMethod synthetic_index = {
        .path = NULL,
        .http_method = API_GET,
        .name = "index",
        .description = "Directory index.",
        .returns = API_INDEX_RETURNS("name"),
        .permissions = { .kind = API_PERM_ALL_USERS },
        .handler = api_index_handler,
};

static const ApiSchema root_returns_item[] = { { .name = "subdir", .type = API_TYPE_STRING }, {} };

static const ApiMethod root_methods[] = {
        {
                .path = "/",
                .http_method = API_GET,
                .name = "index",
                .description = "Directory index.",
                .returns = { .type = API_TYPE_ARRAY, .child_link = "{subdir}",
                             .items = &(const ApiSchema) { .type = API_TYPE_OBJECT,
                                                           .properties = root_returns_item } },
                .permissions = { .kind = API_PERM_ALL_USERS },
                .handler = api_index_handler,
        },
};

API_REGISTER_METHODS(root_methods);

int api_route(ApiHttpMethod http_method, const char *path, const ApiMethod **ret_method, json_t **ret_path_params) {
        _cleanup_free_ char *norm = api_path_normalize(path);
        _cleanup_strv_free_ char **segs = strv_split(norm, "/");
        const ApiMethod *best = NULL;
        int best_score = -1;
        bool path_exists = false;

        size_t n;
        const Route *table = routes(&n);
        const Route *best_route = NULL;

        for (size_t i = 0; i < n; i++) {
                int score = match_template(table[i].segs, segs, NULL);

                if (score < 0)
                        continue;
                path_exists = true;
                if (table[i].method->http_method == http_method && score > best_score) {
                        best_route = &table[i];
                        best = table[i].method;
                        best_score = score;
                }
        }

        if (!best && http_method == API_GET) {
                _cleanup_strv_free_ char **children = api_children(norm);

                if (!strv_isempty(children)) {
                        if (ret_path_params)
                                *ret_path_params = json_object();
                        *ret_method = &synthetic_index;
                        return 0;
                }
        }
        if (!best)
                return path_exists ? -EOPNOTSUPP : -ENOENT;

        if (ret_path_params) {
                json_t *params = json_object();

                (void) match_template(best_route->segs, segs, params);
                *ret_path_params = params;
        }
        *ret_method = best;
        return 0;
}

char **api_children(const char *path) {
        _cleanup_free_ char *norm = api_path_normalize(path);
        _cleanup_strv_free_ char **segs = strv_split(norm, "/");
        char **children = new0(char *, 1);
        size_t depth = strv_length(segs);

        size_t n;
        const Route *table = routes(&n);

        for (size_t r = 0; r < n; r++) {
                char **tmpl = table[r].segs;
                bool match = strv_length(tmpl) > depth;

                for (size_t i = 0; match && i < depth; i++)
                        match = is_param_segment(tmpl[i]) || is_param_segment(segs[i]) ? true
                                                                                         : streq(tmpl[i], segs[i]);
                if (!match || is_param_segment(tmpl[depth]) || strv_contains(children, tmpl[depth]))
                        continue;
                strv_extend(&children, tmpl[depth]);
        }
        strv_sort(children);
        return children;
}

int api_index_handler(ApiCall *call, json_t **ret) {
        const char *link = call->method->returns.child_link;
        _cleanup_free_ char *key = NULL;
        _cleanup_strv_free_ char **children = NULL;
        json_t *list;

        if (!link || link[0] != '{')
                return api_error(call, 500, "index method '%s' has no child link", call->path);
        key = xstrndup(link + 1, strlen(link) - 2);
        children = api_children(call->method->path ?: call->path);

        list = json_array();
        STRV_FOREACH(c, children)
                json_array_append_new(list, json_pack("{s:s}", key, *c));
        *ret = list;
        return 0;
}

char *api_path_expand(const char *tmpl, const json_t *params) {
        StrBuf sb = STRBUF_INIT;
        const char *p = tmpl;

        while (*p) {
                const char *open = strchr(p, '{'), *close;

                if (!open || !(close = strchr(open, '}'))) {
                        strbuf_adds(&sb, p);
                        break;
                }
                strbuf_add(&sb, p, (size_t) (open - p));
                {
                        _cleanup_free_ char *name = xstrndup(open + 1, (size_t) (close - open - 1));
                        _cleanup_free_ char *v = NULL;
                        json_t *j = json_object_get(params, name);

                        if (j) {
                                v = json_scalar_to_string(j);
                                strbuf_adds(&sb, v);
                        } else
                                strbuf_add(&sb, open, (size_t) (close - open + 1));
                }
                p = close + 1;
        }
        return strbuf_detach(&sb, NULL);
}
