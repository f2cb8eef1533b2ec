/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * strv: NULL-terminated arrays of malloc'd strings (char **), the one type
 * for argv vectors, environment blocks and string lists.
 *
 * A NULL strv is a valid empty list for every reader. Functions that add
 * strings either copy them (strv_extend*) or take ownership (strv_push).
 */

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

char **strv_free(char **l);
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free);
#define _cleanup_strv_free_ _cleanup_(strv_freep)

size_t strv_length(char *const *l);
static inline bool strv_isempty(char *const *l) {
        return !l || !*l;
}

/* Builds a new list from copies of the NULL-terminated arguments. */
char **strv_new(const char *first, ...) _sentinel_;
char **strv_copy(char *const *l);

/* Appends a copy of value. */
void strv_extend(char ***l, const char *value);
void strv_extendf(char ***l, const char *fmt, ...) _printf_(2, 3);
/* Appends copies of all entries of other. */
void strv_extend_strv(char ***l, char *const *other);
/* Appends value, taking ownership. */
void strv_push(char ***l, char *value);

bool strv_contains(char *const *l, const char *value);
/* Index of value in l, or -1. */
ssize_t strv_index(char *const *l, const char *value);
/* Removes all entries equal to value; returns how many were removed. */
size_t strv_remove(char **l, const char *value);

/* Splits s at any of the separator bytes, dropping empty fields. */
char **strv_split(const char *s, const char *separators);
/* Joins with sep between entries; NULL list gives "". */
char *strv_join(char *const *l, const char *sep);
void strv_sort(char **l);

/* A temporary list on the stack, e.g. an argv for spawn_run(). */
#define STRV_MAKE(...) ((char *const *) (const char *const[]) { __VA_ARGS__, NULL })

#define STRV_FOREACH(s, l) for (char *const *s = (l); s && *s; s++)
