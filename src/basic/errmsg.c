/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <stdlib.h>

#include "alloc.h"
#include "errmsg.h"

int errmsg_setv(char **reterr, int err, const char *fmt, va_list ap) {
        if (reterr) {
                errno = abs(err);
                free(*reterr);
                *reterr = xvasprintf(fmt, ap);
        }
        return err;
}

int errmsg_set(char **reterr, int err, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        (void) errmsg_setv(reterr, err, fmt, ap);
        va_end(ap);
        return err;
}

int errmsg_set_at(char **reterr, const char *file, size_t line, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        if (!reterr)
                return -EINVAL;
        va_start(ap, fmt);
        msg = xvasprintf(fmt, ap);
        va_end(ap);
        return errmsg_set(reterr, -EINVAL, "%s:%zu: %s", file, line, msg);
}
