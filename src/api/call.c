/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <stdarg.h>

#include "api/call.h"
#include "api/json-util.h"
#include "api/registry.h"
#include "api/validate.h"
#include "basic/alloc.h"
#include "basic/parse.h"
#include "basic/strutil.h"
#include "sys/nodename.h"

void api_call_init(ApiCall *call, const char *authid, ApiCallFlags flags) {
        json_setup_allocator();
        *call = (ApiCall) {
                .authid = xstrdup(authid ?: API_ROOT_AUTHID),
                .flags = flags,
                .attrs = json_object(),
        };
}

void api_call_done(ApiCall *call) {
        free(call->path);
        free(call->authid);
        json_decref(call->path_params);
        json_decref(call->params);
        json_decref(call->attrs);
        free(call->error.message);
        json_decref(call->error.errors);
        json_decref(call->param_text);
        *call = (ApiCall) {};
}

static int status_to_errno(int status) {
        switch (status) {
        case 400:
                return -EINVAL;
        case 401:
        case 403:
                return -EACCES;
        case 404:
                return -ENOENT;
        case 501:
                return -EOPNOTSUPP;
        default:
                return -EIO;
        }
}

static int verror(ApiCall *call, int status, const char *fmt, va_list ap) _printf_(3, 0);
static int verror(ApiCall *call, int status, const char *fmt, va_list ap) {
        if (!call->error.status) {
                call->error.status = status;
                call->error.message = xvasprintf(fmt, ap);
        }
        return status_to_errno(call->error.status);
}

int api_error(ApiCall *call, int status, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = verror(call, status, fmt, ap);
        va_end(ap);
        return r;
}

int api_error_errno(ApiCall *call, int r, const char *fmt, ...) {
        va_list ap;

        if (call->error.status)
                return r < 0 ? r : -EIO;
        errno = abs(r);
        va_start(ap, fmt);
        (void) verror(call, 500, fmt, ap);
        va_end(ap);
        return r < 0 ? r : -EIO;
}

int api_param_error(ApiCall *call, const char *param, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        msg = xvasprintf(fmt, ap);
        va_end(ap);
        if (call->error.status)
                return -EINVAL;
        call->error.status = 400;
        call->error.message = xstrdup("Parameter verification failed.");
        call->error.errors = json_object();
        json_object_set_new(call->error.errors, param, json_string(msg));
        return -EINVAL;
}

bool api_check_permission(ApiCall *call, const char *acl_path, const char *privs, bool any) {
        if (!call->check_permission)
                return true;
        return call->check_permission(call, acl_path, privs, any);
}

bool api_caller_is(const ApiCall *call, const char *userid) {
        const char *rest = startswith(call->authid, userid);

        return rest && (*rest == 0 || *rest == '!');
}

static int check_declared_permission(ApiCall *call) {
        const ApiPermission *p = &call->method->permissions;
        _cleanup_free_ char *acl = NULL;

        switch (p->kind) {
        case API_PERM_WORLD:
        case API_PERM_ALL_USERS:
                return 0; /* authentication itself is pveproxy's business */
        case API_PERM_ROOT_ONLY:
                if (call->check_permission && !streq(call->authid, API_ROOT_AUTHID))
                        return api_error(call, 403, "Permission check failed (user != root@pam)");
                return 0;
        case API_PERM_CHECK:
                acl = api_path_expand(p->path, call->params);
                if (!api_check_permission(call, acl, p->privs, p->any))
                        return api_error(call, 403, "Permission check failed (%s, %s)", acl, p->privs);
                return 0;
        case API_PERM_UNSET:
                break;
        }
        return api_error(call, 403, "Permission check failed (method declares no permission)");
}

int api_call_route(ApiCall *call, ApiHttpMethod http_method, const char *path) {
        free(call->path);
        call->path = api_path_normalize(path);
        json_decref(TAKE_PTR(call->path_params));
        if (api_route(http_method, call->path, &call->method, &call->path_params) < 0)
                return api_error(call, 501, "Method '%s %s' not implemented", api_http_method_to_string(http_method),
                                 call->path);
        return 0;
}

int api_call_run(ApiCall *call, json_t *raw_params, json_t **ret) {
        _cleanup_json_ json_t *merged = NULL;
        const char *k;
        json_t *v;

        /* Path parameters override parameters of the same name, as upstream. */
        if (json_object_size(call->path_params) > 0) {
                merged = raw_params ? json_copy(raw_params) : json_object();
                json_object_foreach(call->path_params, k, v)
                        json_object_set(merged, k, v);
                raw_params = merged;
        }
        return api_call_invoke_method(call, call->method, raw_params, ret);
}

int api_call_invoke(ApiCall *call, ApiHttpMethod http_method, const char *path, json_t *raw_params, json_t **ret) {
        int r;

        *ret = NULL;
        r = api_call_route(call, http_method, path);
        if (r < 0)
                return r;
        return api_call_run(call, raw_params, ret);
}

int api_call_invoke_method(ApiCall *call, const ApiMethod *m, json_t *raw_params, json_t **ret) {
        _cleanup_json_ json_t *errors = json_object(), *empty = NULL;
        json_t *data = NULL;
        int r;

        *ret = NULL;
        call->method = m;
        if (!call->path)
                call->path = xstrdup(m->path);
        /*
         * As upstream, the declared permission is checked before the parameters are
         * verified (with the raw values filling ACL path placeholders), so a caller
         * without the privilege learns nothing about valid parameters.
         */
        if (!raw_params)
                raw_params = empty = json_object();
        call->params = json_incref(raw_params);
        r = check_declared_permission(call);
        json_decref(TAKE_PTR(call->params));
        if (r < 0)
                return r;

        call->params = api_check_object(m->parameters, false, raw_params, "", errors);
        if (!call->params) {
                call->error.status = 400;
                call->error.message = xstrdup("Parameter verification failed.");
                call->error.errors = TAKE_PTR(errors);
                return -EINVAL;
        }

        r = m->handler(call, &data);
        if (r < 0) {
                json_decref(data);
                return api_error_errno(call, r, "%m");
        }
        *ret = data;
        return 0;
}

bool api_param_has(const ApiCall *call, const char *name) {
        return json_object_get(call->params, name) != NULL;
}

static const char *schema_default(const ApiCall *call, const char *name) {
        const ApiSchema *s = call->method ? api_schema_find(call->method->parameters, name) : NULL;

        return s ? s->default_value : NULL;
}

const char *api_param_str(ApiCall *call, const char *name) {
        json_t *v = json_object_get(call->params, name);
        _cleanup_free_ char *text = NULL;

        if (!v || json_is_null(v))
                return schema_default(call, name);
        if (json_is_string(v))
                return json_string_value(v);
        if (!call->param_text)
                call->param_text = json_object();
        text = json_scalar_to_string(v);
        json_object_set_new(call->param_text, name, json_string(text));
        return json_object_get_string(call->param_text, name);
}

int64_t api_param_int(const ApiCall *call, const char *name) {
        json_t *v = json_object_get(call->params, name);
        const char *d;
        int64_t i = 0;

        if (json_is_integer(v))
                return json_integer_value(v);
        if (json_is_real(v))
                return (int64_t) json_real_value(v);
        if (json_is_boolean(v))
                return json_is_true(v);
        d = schema_default(call, name);
        if (d)
                (void) parse_int64(d, INT64_MIN, INT64_MAX, &i);
        return i;
}

double api_param_num(const ApiCall *call, const char *name) {
        json_t *v = json_object_get(call->params, name);
        const char *d;
        double x = 0;

        if (json_is_number(v))
                return json_number_value(v);
        d = schema_default(call, name);
        if (d)
                (void) parse_double(d, &x);
        return x;
}

bool api_param_bool(const ApiCall *call, const char *name) {
        json_t *v = json_object_get(call->params, name);
        const char *d;
        bool b = false;

        if (v)
                return json_is_true(v) || (json_is_integer(v) && json_integer_value(v) != 0);
        d = schema_default(call, name);
        if (d)
                (void) parse_bool(d, &b);
        return b;
}

int api_local_node(ApiCall *call, const char **ret) {
        const char *node = api_param_str(call, "node");

        if (!node || streq(node, "localhost") || streq(node, node_name())) {
                *ret = node_name();
                return 0;
        }
        return api_error(call, 500, "node '%s' is not this node ('%s'); proxying to other nodes is not supported",
                         node, node_name());
}

void api_set_attr(ApiCall *call, const char *key, json_t *value) {
        json_object_set_new(call->attrs, key, value);
}
