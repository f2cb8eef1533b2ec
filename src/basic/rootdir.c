/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "rootdir.h"
#include "strbuf.h"

static char *cached_root, *cached_sysroot;

static char *normalize_root(const char *env) {
        const char *v = getenv(env);
        size_t n;

        if (isempty(v))
                return xstrdup("");
        n = strlen(v);
        while (n > 0 && v[n - 1] == '/')
                n--;
        return xstrndup(v, n);
}

const char *root_dir(void) {
        if (!cached_root)
                cached_root = normalize_root("PVE_ROOT");
        return cached_root;
}

const char *sysroot_dir(void) {
        if (!cached_sysroot)
                cached_sysroot = normalize_root("PVE_SYSROOT");
        return cached_sysroot;
}

bool root_is_sandbox(void) {
        return !isempty(root_dir());
}

void rootdir_reset(void) {
        free(cached_root);
        free(cached_sysroot);
        cached_root = cached_sysroot = NULL;
}

static char *join_root(const char *root, const char *path) {
        StrBuf sb = STRBUF_INIT;

        strbuf_adds(&sb, root);
        if (path[0] != '/')
                strbuf_addc(&sb, '/');
        strbuf_adds(&sb, path);
        return strbuf_detach(&sb, NULL);
}

char *root_path(const char *path) {
        return join_root(root_dir(), path);
}

char *sysroot_path(const char *path) {
        return join_root(sysroot_dir(), path);
}

char *root_pathf(const char *fmt, ...) {
        _cleanup_free_ char *p = NULL;
        va_list ap;

        va_start(ap, fmt);
        p = xvasprintf(fmt, ap);
        va_end(ap);
        return root_path(p);
}

char *sysroot_pathf(const char *fmt, ...) {
        _cleanup_free_ char *p = NULL;
        va_list ap;

        va_start(ap, fmt);
        p = xvasprintf(fmt, ap);
        va_end(ap);
        return sysroot_path(p);
}
