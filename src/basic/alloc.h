/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Allocation that cannot fail.
 *
 * pvehost treats memory exhaustion as fatal, as git and chrony do: these
 * wrappers print one message and abort. Every other error is a negative errno
 * that callers handle. The reasoning is in docs/CODING.md ("Out of memory").
 */

#include <stdarg.h>
#include <stddef.h>

#include "macro.h"

_noreturn_ void oom(void);

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
/* Grows an array of n elements of the given size, checking for overflow. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xmemdup(const void *p, size_t size);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);
char *xvasprintf(const char *fmt, va_list ap) _printf_(1, 0);

/* Zero-initialised array of n elements of type t. */
#define new0(t, n) ((t *) xcalloc((n), sizeof(t)))
