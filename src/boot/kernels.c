/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <ctype.h>
#include <stdlib.h>

#include "basic/alloc.h"
#include "basic/cursor.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "boot/kernels.h"

/* Debian's character order: end and digits 0, letters by value, '~' first, others after letters. */
static int version_char_order(unsigned char c) {
        if (c == 0 || isdigit(c))
                return 0;
        if (isalpha(c))
                return c;
        if (c == '~')
                return -1;
        return c + 256;
}

static int verrevcmp(const char *a, const char *b) {
        while (*a || *b) {
                int first_diff = 0;

                while ((*a && !isdigit((unsigned char) *a)) || (*b && !isdigit((unsigned char) *b))) {
                        int ac = version_char_order(*a), bc = version_char_order(*b);

                        if (ac != bc)
                                return ac - bc;
                        a++;
                        b++;
                }
                while (*a == '0')
                        a++;
                while (*b == '0')
                        b++;
                while (isdigit((unsigned char) *a) && isdigit((unsigned char) *b)) {
                        if (!first_diff)
                                first_diff = *a - *b;
                        a++;
                        b++;
                }
                if (isdigit((unsigned char) *a))
                        return 1;
                if (isdigit((unsigned char) *b))
                        return -1;
                if (first_diff)
                        return first_diff;
        }
        return 0;
}

int kernel_version_compare(const char *a, const char *b) {
        int r = verrevcmp(a, b);

        return r ? r : strcmp(a, b);
}

static int compare_newest_first(const void *a, const void *b) {
        return kernel_version_compare(*(char *const *) b, *(char *const *) a);
}

void kernel_versions_sort(char **l) {
        if (l)
                qsort(l, strv_length(l), sizeof(char *), compare_newest_first);
}

static int compare_bytes(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Sorts with cmp and drops adjacent duplicates. */
static void sort_unique(char **l, int (*cmp)(const void *, const void *)) {
        size_t n = strv_length(l), w = 0;

        if (n == 0)
                return;
        qsort(l, n, sizeof(char *), cmp);
        for (size_t i = 0; i < n; i++) {
                if (w > 0 && streq(l[w - 1], l[i])) {
                        free(l[i]);
                        continue;
                }
                l[w++] = l[i];
        }
        l[w] = NULL;
}

/* The kernel version a package name carries, or NULL when it is no kernel image package. */
static char *package_kernel_version(const char *pkg) {
        const char *v;
        size_t n;

        v = startswith(pkg, "proxmox-kernel-") ?: startswith(pkg, "pve-kernel-");
        if (!v || !isdigit((unsigned char) *v))
                return NULL;
        n = strspn(v, "0123456789");
        if (v[n] != '.')
                return NULL;
        if (endswith(pkg, "-dbg") || endswith(pkg, "-dbgsym"))
                return NULL;
        n = strlen(v);
        if (endswith(v, "-signed"))
                n -= STRLEN("-signed");
        return xstrndup(v, n);
}

/* Wanted install or hold, and present in some form (dpkg -l's "[ih][^nc]"). */
static bool status_selected(const char *status) {
        _cleanup_strv_free_ char **w = strv_split(status, " \t");

        if (strv_length(w) != 3)
                return false;
        if (!streq(w[0], "install") && !streq(w[0], "hold"))
                return false;
        return !streq(w[2], "not-installed") && !streq(w[2], "config-files");
}

char **dpkg_status_kernels(const char *text) {
        _cleanup_free_ char *line = NULL, *pkg = NULL, *status = NULL;
        char **list = NULL;
        Cursor c = CURSOR_INIT(text, strlen(text));
        bool more = true;

        while (more) {
                const char *v;

                more = cursor_read_line_dup(&c, &line);
                if (more && !isempty(line)) {
                        if ((v = startswith(line, "Package:"))) {
                                free(pkg);
                                pkg = xstrdup(strstrip((char *) v));
                        } else if ((v = startswith(line, "Status:"))) {
                                free(status);
                                status = xstrdup(strstrip((char *) v));
                        }
                        continue;
                }
                /* End of a paragraph. */
                if (pkg && status && status_selected(status)) {
                        char *ver = package_kernel_version(pkg);

                        if (ver)
                                strv_push(&list, ver);
                }
                pkg = mfree(pkg);
                status = mfree(status);
        }
        sort_unique(list, compare_newest_first);
        return list;
}

bool kernel_is_series(const char *v) {
        size_t n = strspn(v, "0123456789");

        if (n == 0 || v[n] != '.')
                return false;
        v += n + 1;
        n = strspn(v, "0123456789");
        return n > 0 && v[n] == 0;
}

bool kernel_version_is_valid(const char *v) {
        size_t n = strlen(v);

        return n > 0 && n <= 128 && v[0] != '.' && v[0] != '-' &&
               in_charset(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+~_-");
}

/* An ABI version of a Proxmox kernel, as upstream's grep '^[^ ]+-pve'. */
static bool is_abi_version(const char *v) {
        const char *p = strstr(v, "-pve");

        return p && p > v;
}

static void extend_nonempty(char ***l, const char *v) {
        if (!isempty(v))
                strv_extend(l, v);
}

char **kernel_keep_versions(const KernelSelection *sel) {
        char **keep = NULL;
        const char *old_series = NULL;
        size_t n_abi = 0, n_series = 0;

        extend_nonempty(&keep, sel->running);
        extend_nonempty(&keep, sel->install);
        STRV_FOREACH(m, sel->manual)
                extend_nonempty(&keep, *m);

        /* installed is sorted newest first. */
        STRV_FOREACH(v, sel->installed) {
                if (is_abi_version(*v)) {
                        if (n_abi++ < 2)
                                strv_extend(&keep, *v);
                } else if (n_series < 2) {
                        strv_extend(&keep, *v);
                        old_series = *v;
                        n_series++;
                }
        }
        if (old_series) {
                _cleanup_free_ char *prefix = xasprintf("%s.", old_series);

                STRV_FOREACH(v, sel->installed)
                        if (startswith(*v, prefix) && is_abi_version(*v + strlen(prefix))) {
                                strv_extend(&keep, *v);
                                break;
                        }
        }

        extend_nonempty(&keep, sel->pinned);
        extend_nonempty(&keep, sel->next_boot);
        sort_unique(keep, compare_bytes);
        return keep;
}

char **kernel_boot_list(const KernelSelection *sel) {
        char **keep = kernel_keep_versions(sel), **w = keep;

        STRV_FOREACH(v, keep) {
                if (kernel_is_series(*v))
                        free(*v);
                else
                        *w++ = *v;
        }
        if (w)
                *w = NULL;
        return keep;
}
