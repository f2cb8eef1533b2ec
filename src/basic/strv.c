/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "strbuf.h"
#include "strv.h"

char **strv_free(char **l) {
        STRV_FOREACH(s, l)
                free(*s);
        free(l);
        return NULL;
}

size_t strv_length(char *const *l) {
        size_t n = 0;

        STRV_FOREACH(s, l)
                n++;
        return n;
}

char **strv_new(const char *first, ...) {
        char **l = new0(char *, 1);
        va_list ap;

        va_start(ap, first);
        for (const char *s = first; s; s = va_arg(ap, const char *))
                strv_extend(&l, s);
        va_end(ap);
        return l;
}

char **strv_copy(char *const *l) {
        char **c = new0(char *, strv_length(l) + 1);
        size_t i = 0;

        STRV_FOREACH(s, l)
                c[i++] = xstrdup(*s);
        return c;
}

void strv_push(char ***l, char *value) {
        size_t n = strv_length(*l);

        *l = xreallocarray(*l, n + 2, sizeof(char *));
        (*l)[n] = value;
        (*l)[n + 1] = NULL;
}

void strv_extend(char ***l, const char *value) {
        strv_push(l, xstrdup(value));
}

void strv_extendf(char ***l, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        strv_push(l, xvasprintf(fmt, ap));
        va_end(ap);
}

void strv_extend_strv(char ***l, char *const *other) {
        STRV_FOREACH(s, other)
                strv_extend(l, *s);
}

bool strv_contains(char *const *l, const char *value) {
        return strv_index(l, value) >= 0;
}

ssize_t strv_index(char *const *l, const char *value) {
        ssize_t i = 0;

        STRV_FOREACH(s, l) {
                if (streq(*s, value))
                        return i;
                i++;
        }
        return -1;
}

size_t strv_remove(char **l, const char *value) {
        char **w = l;
        size_t removed = 0;

        if (!l)
                return 0;
        for (char **r = l; *r; r++) {
                if (streq(*r, value)) {
                        free(*r);
                        removed++;
                } else
                        *w++ = *r;
        }
        *w = NULL;
        return removed;
}

char **strv_split(const char *s, const char *separators) {
        char **l = new0(char *, 1);

        while (s && *s) {
                size_t n;

                s += strspn(s, separators);
                n = strcspn(s, separators);
                if (n == 0)
                        break;
                strv_push(&l, xstrndup(s, n));
                s += n;
        }
        return l;
}

char *strv_join(char *const *l, const char *sep) {
        StrBuf sb = STRBUF_INIT;

        STRV_FOREACH(s, l) {
                if (s != l)
                        strbuf_adds(&sb, sep);
                strbuf_adds(&sb, *s);
        }
        return strbuf_detach(&sb, NULL);
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

void strv_sort(char **l) {
        size_t n = strv_length(l);

        if (n > 1)
                qsort(l, n, sizeof(char *), cmp_str);
}
