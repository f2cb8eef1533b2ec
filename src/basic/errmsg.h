/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Messages for the caller. A function that can fail for a reason a user
 * must read takes "char **reterr" as its last parameter; on failure it
 * returns a negative errno and sets *reterr to a malloc'd message:
 *
 *         if (!valid)
 *                 return errmsg_set(reterr, -EINVAL, "invalid key '%s'", key);
 *
 * reterr may be NULL when the caller only wants the errno. The format may
 * use %m for err.
 */

#include <stdarg.h>
#include <stddef.h>

#include "macro.h"

int errmsg_set(char **reterr, int err, const char *fmt, ...) _printf_(3, 4);
int errmsg_setv(char **reterr, int err, const char *fmt, va_list ap) _printf_(3, 0);

/* A problem in a file: "<file>:<line>: <message>", returning -EINVAL. */
int errmsg_set_at(char **reterr, const char *file, size_t line, const char *fmt, ...) _printf_(4, 5);
