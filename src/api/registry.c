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

/*
 * Routing runs on every API request, so the path templates of all methods
 * are arranged once into a tree of segments: a request path walks down the
 * literal children it names (binary search) and every {parameter} child,
 * instead of being compared with each template in turn.
 */
typedef struct RouteNode RouteNode;

struct RouteNode {
        char *segment;              /* "nodes", "{node}" */
        bool param;
        RouteNode *parent;
        size_t depth;               /* segments from the root to here */
        RouteNode **children;       /* literal ones sorted by segment, then the {parameter} ones */
        size_t n_children, n_literal;
        /* The first method registered for each HTTP method with exactly this template. */
        const ApiMethod *methods[_API_HTTP_METHOD_MAX];
        size_t order[_API_HTTP_METHOD_MAX]; /* its registration index: earlier wins a tie */
        int literal;                /* literal segments from the root to here */
};

static struct {
        pthread_once_t once;
        RouteNode root;
} route_tree = { .once = PTHREAD_ONCE_INIT };

static bool is_param_segment(const char *seg, size_t len) {
        return len >= 2 && seg[0] == '{' && seg[len - 1] == '}';
}

static int node_cmp(const void *a, const void *b) {
        const RouteNode *x = *(const RouteNode *const *) a, *y = *(const RouteNode *const *) b;

        if (x->param != y->param)
                return x->param ? 1 : -1;
        return x->param ? 0 : strcmp(x->segment, y->segment);
}

/* The child for the len bytes at seg, added when new. */
static RouteNode *node_child(RouteNode *n, const char *seg, size_t len) {
        RouteNode *c;

        for (size_t i = 0; i < n->n_children; i++)
                if (strncmp(n->children[i]->segment, seg, len) == 0 && n->children[i]->segment[len] == 0)
                        return n->children[i];
        c = new0(RouteNode, 1);
        c->segment = xstrndup(seg, len);
        c->param = is_param_segment(seg, len);
        c->parent = n;
        c->depth = n->depth + 1;
        c->literal = n->literal + !c->param;
        n->children = xrealloc(n->children, (n->n_children + 1) * sizeof(RouteNode *));
        n->children[n->n_children++] = c;
        n->n_literal += !c->param;
        return c;
}

static void node_sort(RouteNode *n) {
        if (n->n_children > 1)
                qsort(n->children, n->n_children, sizeof(RouteNode *), node_cmp);
        for (size_t i = 0; i < n->n_children; i++)
                node_sort(n->children[i]);
}

static void build_route_tree(void) {
        size_t order = 0;

        API_FOREACH_METHOD(m) {
                RouteNode *n = &route_tree.root;

                /* The segments of the template, without copying it: empty ones (a leading '/') do not count. */
                for (const char *p = m->path; *p; p += strspn(p, "/")) {
                        size_t len = strcspn(p, "/");

                        if (len > 0)
                                n = node_child(n, p, len);
                        p += len;
                }
                if (!n->methods[m->http_method]) {
                        n->methods[m->http_method] = m;
                        n->order[m->http_method] = order;
                }
                order++;
        }
        node_sort(&route_tree.root);
}

typedef struct RouteMatch {
        ApiHttpMethod http_method;
        const RouteNode *best;
        bool path_exists;           /* some template matches, with any HTTP method */
} RouteMatch;

/* Of the templates matching the path, the one with most literal segments wins, as in a linear scan. */
static void route_walk(const RouteNode *n, char **segs, RouteMatch *m) {
        if (!*segs) {
                const RouteNode *b = m->best;

                for (size_t i = 0; i < _API_HTTP_METHOD_MAX; i++)
                        m->path_exists = m->path_exists || n->methods[i];
                if (n->methods[m->http_method] &&
                    (!b || n->literal > b->literal ||
                     (n->literal == b->literal && n->order[m->http_method] < b->order[m->http_method])))
                        m->best = n;
                return;
        }

        size_t lo = 0, hi = n->n_literal;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                int c = strcmp(*segs, n->children[mid]->segment);

                if (c == 0) {
                        route_walk(n->children[mid], segs + 1, m);
                        break;
                }
                if (c < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        for (size_t i = n->n_literal; i < n->n_children; i++)
                route_walk(n->children[i], segs + 1, m);
}

/* The {parameter} values along the path to a matched node. */
static json_t *route_params(const RouteNode *n, char **segs) {
        json_t *params = json_object();

        for (; n->parent; n = n->parent)
                if (n->param) {
                        _cleanup_free_ char *name = xstrndup(n->segment + 1, strlen(n->segment) - 2);
                        json_object_set_new(params, name, json_string(segs[n->depth - 1]));
                }
        return params;
}

static const RouteNode *route_root(void) {
        (void) pthread_once(&route_tree.once, build_route_tree);
        return &route_tree.root;
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
        .thread_safe = true,
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
                .thread_safe = true,
                .handler = api_index_handler,
        },
};

API_REGISTER_METHODS(root_methods);

int api_route(ApiHttpMethod http_method, const char *path, const ApiMethod **ret_method, json_t **ret_path_params) {
        _cleanup_free_ char *norm = api_path_normalize(path);
        _cleanup_strv_free_ char **segs = strv_split(norm, "/");
        RouteMatch m = { .http_method = http_method };

        route_walk(route_root(), segs, &m);
        if (!m.best && http_method == API_GET) {
                _cleanup_strv_free_ char **children = api_children(norm);

                if (!strv_isempty(children)) {
                        if (ret_path_params)
                                *ret_path_params = json_object();
                        *ret_method = &synthetic_index;
                        return 0;
                }
        }
        if (!m.best)
                return m.path_exists ? -EOPNOTSUPP : -ENOENT;

        if (ret_path_params)
                *ret_path_params = route_params(m.best, segs);
        *ret_method = m.best->methods[http_method];
        return 0;
}

/* Collects the literal children of the nodes matching segs; a {parameter} on either side matches anything. */
static void children_walk(const RouteNode *n, char **segs, char ***children) {
        if (!*segs) {
                for (size_t i = 0; i < n->n_literal; i++)
                        if (!strv_contains(*children, n->children[i]->segment))
                                strv_extend(children, n->children[i]->segment);
                return;
        }
        for (size_t i = 0; i < n->n_children; i++)
                if (n->children[i]->param || is_param_segment(*segs, strlen(*segs)) || streq(n->children[i]->segment, *segs))
                        children_walk(n->children[i], segs + 1, children);
}

char **api_children(const char *path) {
        _cleanup_free_ char *norm = api_path_normalize(path);
        _cleanup_strv_free_ char **segs = strv_split(norm, "/");
        char **children = new0(char *, 1);

        children_walk(route_root(), segs, &children);
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
