/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <ctype.h>
#include <sys/utsname.h>

#include "basic/alloc.h"
#include "basic/cursor.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "boot/state.h"

#define LIST_FILE_MAX (1024 * 1024)

bool esp_uuid_is_valid(const char *s) {
        for (size_t i = 0; i < 9; i++) {
                if (i == 4 ? s[i] != '-' : !isxdigit((unsigned char) s[i]))
                        return false;
        }
        return s[9] == 0;
}

int boot_list_parse(const char *text, size_t len, const char *name, BootListCheck check, const char *problem,
                    char ***ret, char **reterr) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *line = NULL;
        Cursor c = CURSOR_INIT(text, len);

        while (cursor_read_line_dup(&c, &line)) {
                const char *e = strstrip(line);

                if (isempty(e))
                        continue;
                if (check && !check(e)) {
                        *reterr = xasprintf("%s:%zu: '%s' %s", name, c.line, e, problem);
                        return -EINVAL;
                }
                strv_extend(&l, e);
        }
        if (cursor_error(&c) < 0) {
                *reterr = xasprintf("%s:%zu: unexpected binary data", name, c.line + 1);
                return cursor_error(&c);
        }
        *ret = TAKE_PTR(l);
        return 0;
}

char *boot_list_format(char *const *l) {
        _cleanup_strv_free_ char **sorted = strv_copy(l);
        StrBuf b = STRBUF_INIT;

        strv_sort(sorted);
        for (size_t i = 0; sorted && sorted[i]; i++) {
                if (i > 0 && streq(sorted[i], sorted[i - 1]))
                        continue;
                strbuf_addf(&b, "%s\n", sorted[i]);
        }
        return strbuf_detach(&b, NULL);
}

int boot_list_read(const char *path, BootListCheck check, const char *problem, char ***ret, bool *ret_exists,
                   char **reterr) {
        _cleanup_free_ char *p = root_path(path), *text = NULL;
        size_t len;
        int r;

        r = read_full_file(p, LIST_FILE_MAX, &text, &len);
        if (r == -ENOENT) {
                if (ret_exists)
                        *ret_exists = false;
                *ret = NULL;
                return 0;
        }
        if (r < 0) {
                *reterr = xasprintf("unable to read '%s': %s", path, strerror(-r));
                return r;
        }
        r = boot_list_parse(text, len, path, check, problem, ret, reterr);
        if (r < 0)
                return r;
        if (ret_exists)
                *ret_exists = true;
        return 0;
}

int boot_list_write(const char *path, char *const *l) {
        _cleanup_free_ char *p = root_path(path), *text = boot_list_format(l);

        return write_file_atomic(p, text, strlen(text), &WRITE_OPTIONS(0644, WRITE_MKDIR));
}

char *boot_first_line(const char *path) {
        _cleanup_free_ char *p = root_path(path), *line = NULL;

        if (read_first_line(p, &line) < 0 || isempty(line))
                return NULL;
        return TAKE_PTR(line);
}

char *boot_cmdline_strip_initrd(const char *proc_cmdline) {
        _cleanup_strv_free_ char **words = strv_split(proc_cmdline, " \t\n"), **kept = NULL;

        STRV_FOREACH(w, words)
                if (!startswith(*w, "initrd=") && !startswith(*w, "BOOT_IMAGE="))
                        strv_extend(&kept, *w);
        return strv_join(kept, " ");
}

int boot_cmdline_read(char **ret, bool *ret_fallback, char **reterr) {
        _cleanup_free_ char *p = root_path(BOOT_CMDLINE), *line = NULL, *proc = NULL, *text = NULL;
        int r;

        r = read_first_line(p, &line);
        if (r >= 0) {
                if (!strstr(line, "root=")) {
                        *reterr = xstrdup("No root= parameter in /etc/kernel/cmdline found!");
                        return -EINVAL;
                }
                *ret = xstrdup(strstrip(line));
                *ret_fallback = false;
                return 0;
        }
        if (r != -ENOENT) {
                *reterr = xasprintf("unable to read /etc/kernel/cmdline: %s", strerror(-r));
                return r;
        }
        proc = sysroot_path("/proc/cmdline");
        r = read_full_file(proc, 64 * 1024, &text, NULL);
        if (r < 0) {
                *reterr = xasprintf("unable to read /proc/cmdline: %s", strerror(-r));
                return r;
        }
        *ret = boot_cmdline_strip_initrd(text);
        *ret_fallback = true;
        return 0;
}

char *boot_running_kernel(void) {
        _cleanup_free_ char *p = sysroot_path("/proc/sys/kernel/osrelease"), *v = NULL;
        struct utsname u;

        if (read_first_line(p, &v) >= 0 && !isempty(strstrip(v)))
                return ascii_strlower(xstrdup(strstrip(v)));
        if (uname(&u) < 0)
                return NULL;
        return ascii_strlower(xstrdup(u.release));
}
