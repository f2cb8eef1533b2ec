/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <fcntl.h>

#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/spawn.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "net/files.h"
#include "net/hostsettings.h"


static const char ipv6_sysctl_conf[] =
        "net.ipv6.conf.all.disable_ipv6 = 1\n"
        "net.ipv6.conf.default.disable_ipv6 = 1\n";

int net_ipv6_set_disabled(bool disabled, char **reterr) {
        _cleanup_free_ char *path = root_path(NET_IPV6_SYSCTL_FILE);
        int r;

        if (disabled)
                r = write_file_atomic(path, ipv6_sysctl_conf, strlen(ipv6_sysctl_conf),
                                      &WRITE_OPTIONS(0644, WRITE_MKDIR | WRITE_SKIP_SAME));
        else
                r = unlink(path) < 0 && errno != ENOENT ? -errno : 0;
        if (r < 0) {
                *reterr = xasprintf("unable to %s '%s' - %s", disabled ? "write" : "remove", NET_IPV6_SYSCTL_FILE,
                                    strerror(-r));
                return r;
        }
        /* "default" first, so that links appearing meanwhile get the new value too. */
        STRV_FOREACH(which, STRV_MAKE("default", "all")) {
                _cleanup_free_ char *knob = sysroot_pathf("/proc/sys/net/ipv6/conf/%s/disable_ipv6", *which);
                _cleanup_close_ int fd = open(knob, O_WRONLY | O_CLOEXEC | O_NOCTTY);

                if (fd < 0 && errno == ENOENT)
                        continue; /* no IPv6 in this kernel */
                r = fd < 0 ? -errno : loop_write(fd, disabled ? "1\n" : "0\n", 2);
                if (r < 0) {
                        *reterr = xasprintf("unable to set net.ipv6.conf.%s.disable_ipv6 - %s", *which, strerror(-r));
                        return r;
                }
        }
        return 0;
}

char *net_cmdline_set(const char *cmdline, const char *key, const char *value) {
        _cleanup_strbuf_ StrBuf sb = STRBUF_INIT;
        size_t kl = strlen(key);
        bool done = false;

        for (const char *p = cmdline; *p;) {
                size_t ws = strspn(p, " \t"), n = strcspn(p + ws, " \t\n");

                strbuf_add(&sb, p, ws);
                p += ws;
                if (n == 0)
                        break;
                if (strneq(p, key, kl) && p[kl] == '=') {
                        if (!done)
                                strbuf_addf(&sb, "%s=%s", key, value);
                        done = true;
                } else
                        strbuf_add(&sb, p, n);
                p += n;
        }
        strbuf_rtrim(&sb);
        if (!done)
                strbuf_addf(&sb, "%s%s=%s", sb.len > 0 ? " " : "", key, value);
        return strbuf_detach(&sb, NULL);
}

static int installed_scheme(char **ret, char **reterr) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;
        int r;

        r = spawn_run(&(SpawnOptions) { .argv = STRV_MAKE("udevadm", "--version"), .stdout_mode = SPAWN_IO_CAPTURE,
                                        .stderr_mode = SPAWN_IO_NULL, .timeout = 10 * USEC_PER_SEC },
                      &res);
        strbuf_rtrim(&res.out);
        if (r < 0 || res.exit_status != 0 || res.out.len == 0 || !in_charset(res.out.buf, "0123456789")) {
                *reterr = xstrdup("unable to determine the naming scheme of the installed udev - give it with "
                                  "--scheme");
                return r < 0 ? r : -EINVAL;
        }
        *ret = xasprintf("v%s", res.out.buf);
        return 0;
}

/* Writes a file when its content changes and says what it did. */
static int write_changed(const char *file, const char *content, const char *scheme, const char *then, NetLogFn out,
                         void *userdata, char **reterr) {
        _cleanup_free_ char *path = root_path(file), *msg = NULL;
        int r;

        r = write_file_atomic(path, content, strlen(content), &WRITE_OPTIONS(0644, WRITE_SKIP_SAME));
        if (r < 0) {
                *reterr = xasprintf("unable to write '%s' - %s", file, strerror(-r));
                return r;
        }
        if (r == 0) {
                msg = xasprintf("set net.naming-scheme=%s in %s - run '%s'", scheme, file, then);
                out(userdata, msg);
        }
        return 0;
}

/* /etc/kernel/cmdline: one line. */
static int pin_kernel_cmdline(const char *scheme, bool *found, NetLogFn out, void *userdata, char **reterr) {
        _cleanup_free_ char *text = NULL, *line = NULL, *set = NULL, *new = NULL;
        int r;

        r = net_files_read_optional("/etc/kernel/cmdline", &text, reterr);
        if (r < 0 || !text)
                return r;
        *found = true;
        line = xstrndup(text, strcspn(text, "\n"));
        set = net_cmdline_set(line, "net.naming-scheme", scheme);
        new = xasprintf("%s\n", set);
        return write_changed("/etc/kernel/cmdline", new, scheme, "proxmox-boot-tool refresh", out, userdata, reterr);
}

typedef struct GrubEdit {
        const char *scheme;
        bool done;
} GrubEdit;

/* GRUB_CMDLINE_LINUX="..." with the scheme, the first such line only. */
static char *grub_line(const char *line, void *userdata) {
        GrubEdit *e = userdata;
        const char *v = startswith(line, "GRUB_CMDLINE_LINUX=\""), *end = v ? strrchr(v, '"') : NULL;
        _cleanup_free_ char *inner = NULL, *set = NULL;

        if (!v || !end || e->done)
                return NULL;
        e->done = true;
        inner = xstrndup(v, (size_t) (end - v));
        set = net_cmdline_set(inner, "net.naming-scheme", e->scheme);
        return xasprintf("GRUB_CMDLINE_LINUX=\"%s\"%s", set, end + 1);
}

/* GRUB_CMDLINE_LINUX of /etc/default/grub; everything else stays. */
static int pin_grub(const char *scheme, bool *found, NetLogFn out, void *userdata, char **reterr) {
        _cleanup_free_ char *text = NULL, *new = NULL;
        GrubEdit e = { .scheme = scheme };
        int r;

        r = net_files_read_optional("/etc/default/grub", &text, reterr);
        if (r < 0 || !text)
                return r;
        *found = true;
        new = map_lines(text, grub_line, &e);
        if (!e.done) {
                char *with = xasprintf("%s%sGRUB_CMDLINE_LINUX=\"net.naming-scheme=%s\"\n", new,
                                       *new && !endswith(new, "\n") ? "\n" : "", scheme);
                free(new);
                new = with;
        }
        return write_changed("/etc/default/grub", new, scheme, "update-grub", out, userdata, reterr);
}

int net_naming_scheme_pin(const char *scheme, NetLogFn out, void *userdata, char **reterr) {
        _cleanup_free_ char *detected = NULL;
        bool found = false;
        int r;

        if (!scheme) {
                r = installed_scheme(&detected, reterr);
                if (r < 0)
                        return r;
                scheme = detected;
        }
        r = pin_kernel_cmdline(scheme, &found, out, userdata, reterr);
        if (r >= 0)
                r = pin_grub(scheme, &found, out, userdata, reterr);
        if (r < 0)
                return r;
        if (!found) {
                *reterr = xstrdup("neither /etc/kernel/cmdline nor /etc/default/grub exists");
                return -ENOENT;
        }
        return 0;
}
