/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The API schema: every API method is declared once, as static data, with
 * its path, HTTP method, parameters, return value and permission
 * (DESIGN.md contract 5). From these declarations come the pvesh commands,
 * the HTTP routes of pveproxy, parameter validation with upstream's error
 * texts, text/JSON/YAML output, usage texts, man pages and bash completion.
 *
 * An ApiSchema describes one value, as upstream's JSON schema dialect does
 * (pve-common PVE::JSONSchema). Lists of properties (object members,
 * method parameters, property-string keys) are arrays of ApiSchema
 * terminated by an entry whose name is NULL:
 *
 *         static const ApiSchema config_params[] = {
 *                 API_PARAM_NODE,
 *                 { .name = "startall-onboot-delay", .type = API_TYPE_INTEGER,
 *                   .optional = true, .minimum = API_LIMIT(0), .maximum = API_LIMIT(300),
 *                   .default_value = "0", .description = "..." },
 *                 {}
 *         };
 *
 * Methods are collected from every linked area with API_REGISTER_METHODS()
 * (a linker section, so no central list needs editing when an area adds
 * methods).
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "basic/macro.h"

typedef enum ApiType {
        API_TYPE_STRING = 0,
        API_TYPE_INTEGER,
        API_TYPE_NUMBER,
        API_TYPE_BOOLEAN,
        API_TYPE_OBJECT,
        API_TYPE_ARRAY,
        API_TYPE_NULL,
        API_TYPE_ANY,
        _API_TYPE_MAX,
} ApiType;

typedef struct ApiLimit {
        bool set;
        double value;
} ApiLimit;

#define API_LIMIT(v) { .set = true, .value = (v) }

typedef struct ApiSchema ApiSchema;

struct ApiSchema {
        const char *name;              /* member name; NULL ends a property list */
        ApiType type;
        const char *description;
        bool optional;
        const char *default_value;     /* text form, for usage texts and api_param_*() */

        /* Checks on scalar values, in upstream's order. */
        const char *format;            /* registered format name, optionally with -list or -opt */
        const ApiSchema *format_keys;  /* property string ("k=v,..."): its keys */
        const char *pattern;           /* upstream's regex (see api_regex_match()), matched against the whole value */
        size_t max_length, min_length; /* 0: unchecked */
        ApiLimit minimum, maximum;
        const char *const *enum_values; /* NULL-terminated */

        /* Object members: another member that must be present with this one (upstream's "requires"). */
        const char *requires;

        /* Property strings: the key a value without "key=" belongs to. */
        bool default_key;

        /* Objects and arrays. */
        const ApiSchema *properties;   /* members (object) */
        bool additional_properties;    /* object may have undeclared members */
        const ApiSchema *items;        /* element schema (array) */

        /* Presentation. */
        const char *typetext;          /* usage text instead of the generated one */
        const char *format_description; /* e.g. "XX:XX:XX:XX:XX:XX" */
        const char *renderer;          /* text output: timestamp, bytes, duration, fraction_as_percentage, yaml */
        const char *title;             /* column title in text tables */
        const char *child_link;        /* index results: "{name}", the key naming children */
        bool sensitive;                /* never echoed back (passwords, tokens) */
};

/* Parameter of a method that comes from the path. */
#define API_PARAM_NODE                                                                  \
        { .name = "node", .type = API_TYPE_STRING, .format = "pve-node",               \
          .description = "The cluster node name." }

/* Parameters of a method under /nodes/{node} that takes nothing else. */
extern const ApiSchema api_params_node_only[];

typedef enum ApiHttpMethod {
        API_GET,
        API_POST,
        API_PUT,
        API_DELETE,
        _API_HTTP_METHOD_MAX,
} ApiHttpMethod;

const char *api_http_method_to_string(ApiHttpMethod m);
/* Accepts GET, POST, PUT, DELETE; -EINVAL otherwise. */
int api_http_method_from_string(const char *s);

typedef enum ApiPermKind {
        API_PERM_UNSET = 0,     /* invalid: every method must declare its permission */
        API_PERM_CHECK,         /* privileges on a path (below) */
        API_PERM_ALL_USERS,     /* any authenticated user */
        API_PERM_WORLD,         /* no authentication (login, version of the login page) */
        API_PERM_ROOT_ONLY,     /* root@pam only */
} ApiPermKind;

typedef struct ApiPermission {
        ApiPermKind kind;
        const char *path;        /* ACL path with {param} placeholders, e.g. "/nodes/{node}" */
        const char *privs;       /* comma-separated privileges, e.g. "Sys.Modify" */
        bool any;                /* one of privs suffices (else all are needed) */
        const char *description; /* the handler checks more (e.g. "or the task's owner") */
} ApiPermission;

#define API_PERM_PRIVS(p, pv) { .kind = API_PERM_CHECK, .path = (p), .privs = (pv) }

typedef struct ApiCall ApiCall;

/*
 * A handler gets the validated parameters in call->params (path parameters
 * included) and returns 0 with a new reference in *ret (NULL for no data),
 * or a negative errno after describing the error with api_error() (else a
 * generic error with the errno text is reported).
 */
typedef int (*ApiHandler)(ApiCall *call, json_t **ret);

typedef struct ApiMethod {
        const char *path;              /* "/nodes/{node}/config" */
        ApiHttpMethod http_method;
        const char *name;              /* upstream's method name, e.g. "get_config" */
        const char *description;
        const ApiSchema *parameters;   /* NULL-name terminated; may be NULL */
        ApiSchema returns;
        ApiPermission permissions;
        bool protected_;               /* runs in the privileged part of pveproxy */
        bool task;                     /* starts a task and returns its UPID */
        /*
         * The handler may run concurrently with any other call: it reads only
         * data that never changes while the program runs (or does its own
         * locking) and keeps no state between calls. pveproxy runs the other
         * methods one at a time, since most handlers read and write the
         * configuration files of their area without locking against
         * themselves. Set it only where that is plainly true.
         */
        bool thread_safe;
        ApiHandler handler;
} ApiMethod;

typedef struct ApiMethodTable {
        const ApiMethod *methods;
        size_t n_methods;
} ApiMethodTable;

/* Registers a static array of ApiMethod with the program it is linked into. */
#define API_REGISTER_METHODS(array)                                                     \
        _section_("pvehost_api_methods") _used_ _retain_ __attribute__((aligned(8)))    \
        static const ApiMethodTable _api_methods_##array = { (array), ELEMENTSOF(array) }

/* Number of members of a property list. */
size_t api_schema_count(const ApiSchema *props);
/* Finds a member by name, or NULL. */
const ApiSchema *api_schema_find(const ApiSchema *props, const char *name);
const char *api_type_to_string(ApiType t);

/* The schema in upstream's JSON schema dialect (type, properties, items, optional, ...). */
json_t *api_schema_to_json(const ApiSchema *s);
/* A method's description in the shape of upstream's API viewer (apidoc). */
json_t *api_method_to_json(const ApiMethod *m);
