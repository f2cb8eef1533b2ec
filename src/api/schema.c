/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <strings.h>

#include "api/json-util.h"
#include "api/schema.h"

static const char *const type_names[_API_TYPE_MAX] = {
        [API_TYPE_STRING] = "string", [API_TYPE_INTEGER] = "integer", [API_TYPE_NUMBER] = "number",
        [API_TYPE_BOOLEAN] = "boolean", [API_TYPE_OBJECT] = "object", [API_TYPE_ARRAY] = "array",
        [API_TYPE_NULL] = "null", [API_TYPE_ANY] = "any",
};

static const char *const http_method_names[_API_HTTP_METHOD_MAX] = {
        [API_GET] = "GET", [API_POST] = "POST", [API_PUT] = "PUT", [API_DELETE] = "DELETE",
};

const ApiSchema api_params_node_only[] = { API_PARAM_NODE, {} };

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

static json_t *properties_to_json(const ApiSchema *props) {
        json_t *o = json_object();

        for (const ApiSchema *p = props; p && p->name; p++)
                json_object_set_new(o, p->name, api_schema_to_json(p));
        return o;
}

json_t *api_schema_to_json(const ApiSchema *s) {
        json_t *o = json_pack("{s:s}", "type", api_type_to_string(s->type));

#define SET_STR(key, field)                                                     \
        if (s->field)                                                           \
                json_object_set_new(o, key, json_string(s->field))
        SET_STR("description", description);
        SET_STR("default", default_value);
        SET_STR("format", format);
        SET_STR("pattern", pattern);
        SET_STR("typetext", typetext);
        SET_STR("format_description", format_description);
        SET_STR("renderer", renderer);
        SET_STR("title", title);
#undef SET_STR
        if (s->optional)
                json_object_set_new(o, "optional", json_integer(1));
        if (s->format_keys)
                json_object_set_new(o, "format", properties_to_json(s->format_keys));
        if (s->default_key)
                json_object_set_new(o, "default_key", json_integer(1));
        if (s->max_length)
                json_object_set_new(o, "maxLength", json_integer((json_int_t) s->max_length));
        if (s->min_length)
                json_object_set_new(o, "minLength", json_integer((json_int_t) s->min_length));
        if (s->minimum.set)
                json_object_set_new(o, "minimum", json_real(s->minimum.value));
        if (s->maximum.set)
                json_object_set_new(o, "maximum", json_real(s->maximum.value));
        if (s->enum_values) {
                json_t *e = json_array();

                for (const char *const *v = s->enum_values; *v; v++)
                        json_array_append_new(e, json_string(*v));
                json_object_set_new(o, "enum", e);
        }
        if (s->type == API_TYPE_OBJECT) {
                json_object_set_new(o, "properties", properties_to_json(s->properties));
                if (s->additional_properties)
                        json_object_set_new(o, "additionalProperties", json_integer(1));
        }
        if (s->items)
                json_object_set_new(o, "items", api_schema_to_json(s->items));
        if (s->child_link)
                json_object_set_new(o, "links",
                                    json_pack("[{s:s,s:s}]", "rel", "child", "href", s->child_link));
        return o;
}

json_t *api_method_to_json(const ApiMethod *m) {
        json_t *params = json_pack("{s:s,s:o,s:b}", "type", "object", "properties",
                                   properties_to_json(m->parameters), "additionalProperties", false);
        json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:o}", "method", api_http_method_to_string(m->http_method), "name",
                              strempty(m->name), "description", strempty(m->description), "parameters", params,
                              "returns", api_schema_to_json(&m->returns));

        if (m->protected_)
                json_object_set_new(o, "protected", json_integer(1));
        if (m->task)
                json_object_set_new(o, "task", json_integer(1));
        switch (m->permissions.kind) {
        case API_PERM_CHECK:
                json_object_set_new(o, "permissions",
                                    json_pack("{s:[s,s,[s]]}", "check", "perm", m->permissions.path,
                                              m->permissions.privs));
                break;
        case API_PERM_ALL_USERS:
                json_object_set_new(o, "permissions", json_pack("{s:s}", "user", "all"));
                break;
        case API_PERM_WORLD:
                json_object_set_new(o, "permissions", json_pack("{s:s}", "user", "world"));
                break;
        case API_PERM_ROOT_ONLY:
                json_object_set_new(o, "permissions", json_pack("{s:s}", "user", "root@pam"));
                break;
        case API_PERM_UNSET:
                break;
        }
        if (m->permissions.description)
                json_object_set_new(json_object_get(o, "permissions") ?: o, "description",
                                    json_string(m->permissions.description));
        return o;
}
