/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The set of API methods linked into the program, and routing of request
 * paths to them.
 *
 * Method paths are templates ("/nodes/{node}/tasks/{upid}"). A request path
 * matches a template segment by segment; a literal segment wins over a
 * {parameter} at the same position. Directory levels without their own GET
 * method get an index listing their children when a method declares
 * api_index_handler as its handler.
 */

#include <jansson.h>

#include "api/schema.h"

/* Iterates over every registered method. */
const ApiMethod *api_methods_next(const ApiMethod *prev);
#define API_FOREACH_METHOD(m) for (const ApiMethod *m = api_methods_next(NULL); m; m = api_methods_next(m))

/* Collapses repeated slashes, removes a trailing slash, adds a leading one. */
char *api_path_normalize(const char *path);

/*
 * Finds the method for (http_method, path). On success *ret_path_params
 * (may be NULL) receives an object of the {parameter} values as strings.
 * Returns 0, -ENOENT when no method has this path, -EOPNOTSUPP when the
 * path exists with other HTTP methods only.
 */
int api_route(ApiHttpMethod http_method, const char *path, const ApiMethod **ret_method, json_t **ret_path_params);

/*
 * Literal child segments below a path template or concrete path, sorted
 * and unique ("/nodes/{node}" -> config, status, tasks, ...).
 */
char **api_children(const char *path);

/*
 * Handler for directory indexes: returns [{<key>: child}, ...] for the
 * children of the method's own path, <key> taken from returns.child_link.
 */
int api_index_handler(ApiCall *call, json_t **ret);

/* Returns schema for index methods: array of objects named by key. */
#define API_INDEX_RETURNS(key)                                                          \
        { .type = API_TYPE_ARRAY, .child_link = "{" key "}",                            \
          .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .additional_properties = true } }

/* Replaces {param} placeholders in a template with values from params (strings). */
char *api_path_expand(const char *tmpl, const json_t *params);
