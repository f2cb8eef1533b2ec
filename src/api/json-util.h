/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/* jansson helpers: scope cleanup and a few accessors used across the API layer. */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "basic/macro.h"

/* Scope cleanup with jansson's own json_decrefp(). */
#define _cleanup_json_ _cleanup_(json_decrefp)

/* Routes jansson's allocations through the aborting allocator (alloc.h). Idempotent. */
void json_setup_allocator(void);

/* String value of key in obj, or NULL when absent or not a string. */
const char *json_object_get_string(const json_t *obj, const char *key);
/* Keys of obj in sorted order; the array is NULL-terminated, the strings borrowed. */
const char **json_object_sorted_keys(const json_t *obj);
/* Text form of a scalar as upstream would print it (integers, %.15g reals, 1/0 booleans). */
char *json_scalar_to_string(const json_t *v);
/* Compact canonical JSON (sorted keys, reals as Perl prints them), as upstream's to_json(canonical => 1). */
char *json_dump_canonical(const json_t *v);
/* The same written to f as it is produced, without holding all of it in memory; errors show in ferror(f). */
void json_dump_canonical_file(const json_t *v, FILE *f);
