/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <sys/stat.h>
#include <time.h>

#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/spawn.h"
#include "basic/strutil.h"
#include "net/files.h"

#define NET_LOCK_TIMEOUT (10 * USEC_PER_SEC)
#define NET_FILE_MAX (16 * 1024 * 1024)

int net_files_lock(LockFile *ret, char **reterr) {
        _cleanup_free_ char *path = root_path(NET_INTERFACES_LOCK_FILE);
        int r;

        r = lock_file_acquire(path, NET_LOCK_TIMEOUT, ret);
        if (r < 0)
                *reterr = xasprintf("can't lock file '%s' - %s", NET_INTERFACES_LOCK_FILE,
                                    r == -ETIMEDOUT ? "got timeout" : strerror(-r));
        return r;
}

int net_files_load(const char *file, NetConfig **ret, char **reterr) {
        _cleanup_(netdev_list_done) NetDevList devs = {};
        int r;

        r = netdev_list_read(&devs);
        if (r < 0) {
                *reterr = xasprintf("unable to read network devices: %s", strerror(-r));
                return r;
        }
        return net_files_load_with(file, &devs, ret, reterr);
}

int net_files_load_with(const char *file, const NetDevList *devs, NetConfig **ret, char **reterr) {
        _cleanup_free_ char *path = root_path(file), *text = NULL;
        size_t len = 0;
        int r;

        r = read_full_file(path, NET_FILE_MAX, &text, &len);
        if (r == -ENOENT) {
                text = xstrdup("");
                len = 0;
        } else if (r < 0) {
                *reterr = xasprintf("unable to read '%s' - %s", file, strerror(-r));
                return r;
        }
        return net_config_parse(file, text, len, devs, ret, reterr);
}

int net_files_load_pending(NetConfig **ret, char **reterr) {
        _cleanup_free_ char *new_path = root_path(NET_INTERFACES_NEW_FILE);

        return net_files_load(file_exists(new_path) ? NET_INTERFACES_NEW_FILE : NET_INTERFACES_FILE, ret, reterr);
}

int net_files_write_pending(const char *text, char **reterr) {
        _cleanup_free_ char *path = root_path(NET_INTERFACES_NEW_FILE);
        int r;

        r = write_file_atomic(path, text, strlen(text), &WRITE_OPTIONS(0644, WRITE_MKDIR));
        if (r < 0) {
                *reterr = xasprintf("unable to write '%s' - %s", NET_INTERFACES_NEW_FILE, strerror(-r));
                return r;
        }
        return 0;
}

int net_files_save_pending(NetConfig *c, char **reterr) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = net_config_format(c, &text, reterr);
        if (r < 0)
                return r;
        return net_files_write_pending(text, reterr);
}

/* "<product path>\t<mtime>" as diff labels its files, so the sandbox prefix does not show. */
static char *diff_label(const char *file, const char *path) {
        struct stat st;
        struct tm tm;
        char when[64] = "", zone[8] = "";

        if (stat(path, &st) < 0 || !localtime_r(&st.st_mtim.tv_sec, &tm))
                return xstrdup(file);
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
        strftime(zone, sizeof(zone), "%z", &tm);
        return xasprintf("%s\t%s.%09ld %s", file, when, st.st_mtim.tv_nsec, zone);
}

int net_files_pending_changes(char **ret) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;
        _cleanup_free_ char *live = root_path(NET_INTERFACES_FILE), *pending = root_path(NET_INTERFACES_NEW_FILE),
                            *live_label = NULL, *pending_label = NULL;
        int r;

        *ret = NULL;
        if (!file_exists(pending))
                return 0;
        live_label = diff_label(NET_INTERFACES_FILE, live);
        pending_label = diff_label(NET_INTERFACES_NEW_FILE, pending);
        r = spawn_run(&(SpawnOptions) {
                              .argv = STRV_MAKE("diff", "-b", "-N", "-u", "--label", live_label, "--label",
                                                pending_label, live, pending),
                              .stdout_mode = SPAWN_IO_CAPTURE,
                              .stderr_mode = SPAWN_IO_NULL,
                              .timeout = 10 * USEC_PER_SEC,
                      },
                      &res);
        if (r < 0)
                return r;
        /* 0: same, 1: different, 2: trouble (upstream ignores it too). */
        if (res.out.len > 0)
                *ret = strbuf_detach(&res.out, NULL);
        return 0;
}

int net_files_read_optional(const char *file, char **ret, char **reterr) {
        _cleanup_free_ char *path = root_path(file);
        int r;

        *ret = NULL;
        r = read_full_file(path, NET_FILE_MAX, ret, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                *reterr = xasprintf("unable to read '%s' - %s", file, strerror(-r));
        return r;
}

int net_files_revert(void) {
        _cleanup_free_ char *path = root_path(NET_INTERFACES_NEW_FILE);

        if (unlink(path) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}
