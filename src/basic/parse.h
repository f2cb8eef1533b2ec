/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Strict number and boolean parsers. They accept the whole string or fail
 * (no trailing garbage, no leading whitespace), check the given range and
 * leave *ret untouched on failure.
 *
 * Returns 0, -EINVAL for malformed input or -ERANGE when out of range.
 */

#include <stdbool.h>
#include <stdint.h>

int parse_int64(const char *s, int64_t min, int64_t max, int64_t *ret);
int parse_uint64(const char *s, uint64_t max, uint64_t *ret);
int parse_int(const char *s, int min, int max, int *ret);
/* Hexadecimal digits only, no 0x prefix; up to max_digits digits (0 = any). */
int parse_hex_u64(const char *s, unsigned min_digits, unsigned max_digits, uint64_t *ret);
/* Decimal number as upstream's is_number(): [+-]?(d+.d+|d+.|.d+|d+)([eE][+-]?d+)? */
int parse_double(const char *s, double *ret);
/* 1/0, yes/no, on/off, true/false, case-insensitive (upstream's parse_boolean). */
int parse_bool(const char *s, bool *ret);

/* True if s looks like an integer as upstream checks it: [+-]?\d+ */
bool looks_like_integer(const char *s);
/* True if s looks like a number as upstream checks it (see parse_double). */
bool looks_like_number(const char *s);
