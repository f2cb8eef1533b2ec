/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Property strings: "key=value,key2=value2", with an optional default key
 * whose value may be given without "key=" ("aa:bb:cc:dd:ee:ff,bind-interface=eth0").
 * The keys are an ApiSchema property list, as upstream's hash formats.
 */

#include <jansson.h>

#include "api/schema.h"

/*
 * Parses text and checks every value against its key's schema. Returns 0
 * and a new JSON object, or -EINVAL with upstream's message in *reterr:
 * a syntax error ("invalid key in comma-separated list property: foo"), or
 * "format error" followed by one "<path>.<key>: <problem>" line per bad key.
 */
int propstr_parse(const ApiSchema *keys, const char *text, const char *path, json_t **ret, char **reterr);

/*
 * Prints values as upstream's print_property_string(): the default key
 * first without "key=", then required keys, then optional ones, each group
 * sorted. Returns NULL with *reterr set when a value contains a comma or a
 * key is unknown.
 */
char *propstr_format(const ApiSchema *keys, const json_t *values, char **reterr);

/*
 * Usage text as upstream's generate_typetext(): default key, then required
 * and optional keys each sorted, e.g. "[mac=]<XX:XX:XX:XX:XX:XX>
 * [,bind-interface=<bind-interface>]".
 */
char *propstr_typetext(const ApiSchema *keys);
