/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

void oom(void) {
        static const char msg[] = "Out of memory.\n";

        (void) !write(STDERR_FILENO, msg, sizeof(msg) - 1);
        abort();
}

void *xmalloc(size_t size) {
        void *p = malloc(size ?: 1);

        if (!p)
                oom();
        return p;
}

void *xcalloc(size_t n, size_t size) {
        void *p = calloc(n ?: 1, size ?: 1);

        if (!p)
                oom();
        return p;
}

void *xrealloc(void *p, size_t size) {
        p = realloc(p, size ?: 1);
        if (!p)
                oom();
        return p;
}

void *xreallocarray(void *p, size_t n, size_t size) {
        if (size && n > SIZE_MAX / size)
                oom();
        return xrealloc(p, n * size);
}

char *xstrdup(const char *s) {
        char *p = strdup(s);

        if (!p)
                oom();
        return p;
}

char *xstrndup(const char *s, size_t n) {
        char *p = strndup(s, n);

        if (!p)
                oom();
        return p;
}

void *xmemdup(const void *p, size_t size) {
        void *q = xmalloc(size);

        if (size)
                memcpy(q, p, size);
        return q;
}

char *xvasprintf(const char *fmt, va_list ap) {
        char *s;

        if (vasprintf(&s, fmt, ap) < 0)
                oom();
        return s;
}

char *xasprintf(const char *fmt, ...) {
        va_list ap;
        char *s;

        va_start(ap, fmt);
        s = xvasprintf(fmt, ap);
        va_end(ap);
        return s;
}
