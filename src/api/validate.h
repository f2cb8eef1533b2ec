/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Checking values against an ApiSchema, with upstream's messages
 * ("type check ('integer') failed - got 'x'", "value must have a maximum
 * value of 300", ...).
 *
 * Input values come as JSON: strings from the command line, the query
 * string or a form body, or typed values from a JSON body. The checks
 * convert them to the declared type, so handlers see integers as integers.
 * Errors are collected in a JSON object mapping the parameter path
 * ("wakeonlan", "wakeonlan.mac") to its message, the shape of upstream's
 * 400 response.
 */

#include <jansson.h>

#include "api/schema.h"

/*
 * Checks one value. As upstream's RESTHandler, an array given for a "-list"
 * string is joined with commas and a single value given for an array is a
 * one-element array. Lengths count characters, not bytes. Returns a new
 * reference to the converted value, or NULL after adding the problem to
 * errors under path.
 */
json_t *api_check_value(const ApiSchema *schema, json_t *value, const char *path, json_t *errors);

/*
 * Checks an object against a property list: each declared member (missing
 * non-optional ones are errors), and undeclared members unless additional
 * is set. Returns a new object of converted values (undeclared members
 * copied as they are), or NULL when errors were added.
 */
json_t *api_check_object(const ApiSchema *props, bool additional, json_t *obj, const char *path, json_t *errors);

/* Adds message for path; a second message for the same path is appended as upstream does. */
void api_errors_add(json_t *errors, const char *path, const char *fmt, ...) _printf_(3, 4);

/* "path.key", or "key" when path is empty. */
char *api_path_join(const char *path, const char *key);
/* Formats a schema limit as upstream prints it (300, 0.5). */
char *api_limit_to_string(double v);
