/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <strings.h>

#include "api/schema.h"

static const char *const type_names[_API_TYPE_MAX] = {
        [API_TYPE_STRING] = "string", [API_TYPE_INTEGER] = "integer", [API_TYPE_NUMBER] = "number",
        [API_TYPE_BOOLEAN] = "boolean", [API_TYPE_OBJECT] = "object", [API_TYPE_ARRAY] = "array",
        [API_TYPE_NULL] = "null", [API_TYPE_ANY] = "any",
};

static const char *const http_method_names[_API_HTTP_METHOD_MAX] = {
        [API_GET] = "GET", [API_POST] = "POST", [API_PUT] = "PUT", [API_DELETE] = "DELETE",
};

const char *api_type_to_string(ApiType t) {
        return t < _API_TYPE_MAX ? type_names[t] : "unknown";
}

const char *api_http_method_to_string(ApiHttpMethod m) {
        return m < _API_HTTP_METHOD_MAX ? http_method_names[m] : "UNKNOWN";
}

int api_http_method_from_string(const char *s) {
        for (int i = 0; i < _API_HTTP_METHOD_MAX; i++)
                if (strcasecmp(s, http_method_names[i]) == 0)
                        return i;
        return -EINVAL;
}

size_t api_schema_count(const ApiSchema *props) {
        size_t n = 0;

        for (const ApiSchema *p = props; p && p->name; p++)
                n++;
        return n;
}

const ApiSchema *api_schema_find(const ApiSchema *props, const char *name) {
        for (const ApiSchema *p = props; p && p->name; p++)
                if (streq(p->name, name))
                        return p;
        return NULL;
}
