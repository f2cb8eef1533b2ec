/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <fcntl.h>

#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/spawn.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "net/hostsettings.h"

#define FILE_MAX (1024 * 1024)

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

/* /etc/kernel/cmdline: one line. */
static int pin_kernel_cmdline(const char *scheme, bool *found, NetLogFn out, void *userdata, char **reterr) {
        _cleanup_free_ char *path = root_path("/etc/kernel/cmdline"), *text = NULL, *line = NULL, *set = NULL,
                            *new = NULL;
        int r;

        r = read_full_file(path, FILE_MAX, &text, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                *reterr = xasprintf("unable to read '/etc/kernel/cmdline' - %s", strerror(-r));
                return r;
        }
        *found = true;
        line = xstrndup(text, strcspn(text, "\n"));
        set = net_cmdline_set(line, "net.naming-scheme", scheme);
        new = xasprintf("%s\n", set);
        r = write_file_atomic(path, new, strlen(new), &WRITE_OPTIONS(0644, WRITE_SKIP_SAME));
        if (r < 0) {
                *reterr = xasprintf("unable to write '/etc/kernel/cmdline' - %s", strerror(-r));
                return r;
        }
        if (r == 0) {
                _cleanup_free_ char *msg = xasprintf("set net.naming-scheme=%s in /etc/kernel/cmdline - "
                                                     "run 'proxmox-boot-tool refresh'", scheme);
                out(userdata, msg);
        }
        return 0;
}

/* GRUB_CMDLINE_LINUX="..." of /etc/default/grub; everything else stays. */
static int pin_grub(const char *scheme, bool *found, NetLogFn out, void *userdata, char **reterr) {
        _cleanup_free_ char *path = root_path("/etc/default/grub"), *text = NULL;
        _cleanup_strbuf_ StrBuf sb = STRBUF_INIT;
        bool done = false;
        int r;

        r = read_full_file(path, FILE_MAX, &text, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                *reterr = xasprintf("unable to read '/etc/default/grub' - %s", strerror(-r));
                return r;
        }
        *found = true;
        for (const char *p = text; *p;) {
                size_t n = strcspn(p, "\n");
                _cleanup_free_ char *line = xstrndup(p, n);
                const char *v = startswith(line, "GRUB_CMDLINE_LINUX=\"");
                const char *end = v ? strrchr(v, '"') : NULL;

                if (v && end && !done) {
                        _cleanup_free_ char *inner = xstrndup(v, (size_t) (end - v)),
                                            *set = net_cmdline_set(inner, "net.naming-scheme", scheme);

                        strbuf_addf(&sb, "GRUB_CMDLINE_LINUX=\"%s\"%s", set, end + 1);
                        done = true;
                } else
                        strbuf_adds(&sb, line);
                p += n;
                if (*p == '\n') {
                        strbuf_addc(&sb, '\n');
                        p++;
                }
        }
        if (!done) {
                if (sb.len > 0 && !strbuf_endswith_char(&sb, '\n'))
                        strbuf_addc(&sb, '\n');
                strbuf_addf(&sb, "GRUB_CMDLINE_LINUX=\"net.naming-scheme=%s\"\n", scheme);
        }
        r = write_file_atomic(path, sb.buf, sb.len, &WRITE_OPTIONS(0644, WRITE_SKIP_SAME));
        if (r < 0) {
                *reterr = xasprintf("unable to write '/etc/default/grub' - %s", strerror(-r));
                return r;
        }
        if (r == 0) {
                _cleanup_free_ char *msg = xasprintf("set net.naming-scheme=%s in /etc/default/grub - run "
                                                     "'update-grub'", scheme);
                out(userdata, msg);
        }
        return 0;
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
