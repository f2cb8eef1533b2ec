/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/* Small string helpers that do not allocate unless their name says so. */

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

/* If s starts with prefix, returns the rest of s, else NULL. */
char *startswith(const char *s, const char *prefix) _pure_;
/* Case-insensitive startswith(). */
char *startswith_no_case(const char *s, const char *prefix) _pure_;
/* If s ends with suffix, returns a pointer to the suffix in s, else NULL. */
char *endswith(const char *s, const char *suffix) _pure_;

/* Skips leading spaces and tabs. */
char *skip_blanks(const char *s) _pure_;
/* Removes leading and trailing whitespace in place; returns the new start. */
char *strstrip(char *s);

/* True if every byte of s is one of the bytes in set. */
bool in_charset(const char *s, const char *set) _pure_;
/* True if s contains a byte below 0x20 or 0x7f. */
bool has_control_chars(const char *s, size_t len) _pure_;
/* True if s[0..len) is well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or values above U+10FFFF). */
bool utf8_is_valid(const char *s, size_t len) _pure_;

/* Lower-cases ASCII letters in place. */
char *ascii_strlower(char *s);

/* Compares like strcmp() but treats NULL as smaller than any string. */
int strcmp_ptr(const char *a, const char *b) _pure_;

/* Replaces every occurrence of from with to (both single bytes), in place. */
char *strreplace_char(char *s, char from, char to);

/* Formats an unsigned integer as fixed-width upper-case hex into a new string. */
char *hexstr_u64(unsigned long long v, unsigned width);
