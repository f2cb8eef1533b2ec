/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <poll.h>
#include <sys/inotify.h>

#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "net/execute.h"
#include "net/files.h"
#include "net/hooks.h"
#include "net/ovs.h"
#include "net/rollback.h"
#include "net/target.h"

#define ROLLBACK_FILE_MAX (64 * 1024 * 1024)

void net_rollback_done(NetRollback *rb) {
        free(rb->id);
        free(rb->old_text);
        free(rb->pending_text);
        free(rb->applied_text);
        net_state_done(&rb->before);
        strv_free(rb->touched);
        *rb = (NetRollback) {};
}

int net_rollback_save(const NetRollback *rb, char **reterr) {
        _cleanup_free_ char *path = root_path(NET_ROLLBACK_FILE), *text = NULL;
        _cleanup_json_ json_t *touched = json_array(), *j = NULL;
        int r;

        STRV_FOREACH(n, rb->touched)
                json_array_append_new(touched, json_string(*n));
        j = json_pack("{s:i,s:s,s:s?,s:s?,s:s,s:o,s:O,s:i,s:I}", "version", 1, "id", rb->id, "old", rb->old_text,
                      "pending", rb->pending_text, "applied", rb->applied_text, "before",
                      net_state_to_json(&rb->before), "touched", touched, "timeout", (int) rb->timeout, "deadline",
                      (json_int_t) rb->deadline);
        text = json_dumps(j, JSON_COMPACT);
        if (!text)
                oom();
        r = write_file_atomic(path, text, strlen(text), &WRITE_OPTIONS(0600, WRITE_MKDIR));
        if (r < 0)
                *reterr = xasprintf("unable to write '%s' - %s", NET_ROLLBACK_FILE, strerror(-r));
        return r;
}

static char *dup_string(const json_t *j, const char *key) {
        const char *s = json_object_get_string(j, key);

        return s ? xstrdup(s) : NULL;
}

int net_rollback_load(NetRollback *ret, char **reterr) {
        _cleanup_free_ char *path = root_path(NET_ROLLBACK_FILE), *text = NULL;
        _cleanup_(net_rollback_done) NetRollback rb = {};
        _cleanup_json_ json_t *j = NULL;
        json_t *touched, *v;
        size_t k;
        int r;

        r = read_full_file(path, ROLLBACK_FILE_MAX, &text, NULL);
        if (r == -ENOENT)
                return r;
        if (r >= 0)
                j = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
        touched = json_object_get(j, "touched");
        if (r < 0 || !j || !json_is_string(json_object_get(j, "id")) ||
            !json_is_string(json_object_get(j, "applied")) || !json_is_array(touched) ||
            net_state_from_json(json_object_get(j, "before"), &rb.before) < 0) {
                *reterr = xasprintf("unable to read '%s' - %s", NET_ROLLBACK_FILE,
                                    r < 0 ? strerror(-r) : "malformed content");
                return r < 0 ? r : -EBADMSG;
        }
        rb.id = dup_string(j, "id");
        rb.old_text = dup_string(j, "old");
        rb.pending_text = dup_string(j, "pending");
        rb.applied_text = dup_string(j, "applied");
        rb.timeout = (unsigned) json_integer_value(json_object_get(j, "timeout"));
        rb.deadline = (usec_t) json_integer_value(json_object_get(j, "deadline"));
        json_array_foreach(touched, k, v)
                if (json_is_string(v))
                        strv_extend(&rb.touched, json_string_value(v));
        *ret = rb;
        rb = (NetRollback) {};
        return 0;
}

int net_rollback_remove(void) {
        _cleanup_free_ char *path = root_path(NET_ROLLBACK_FILE);

        return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

/* ---- undoing ------------------------------------------------------------------ */

/* A file back as it was: its old content, or absent. */
static int restore_file(const char *file, const char *text, char **reterr) {
        _cleanup_free_ char *path = root_path(file);
        int r;

        if (text)
                r = write_file_atomic(path, text, strlen(text), &WRITE_OPTIONS(0644, WRITE_MKDIR));
        else
                r = unlink(path) < 0 && errno != ENOENT ? -errno : 0;
        if (r < 0)
                *reterr = xasprintf("unable to restore '%s' - %s", file, strerror(-r));
        return r;
}

static int restore_files(const NetRollback *rb, char **reterr) {
        int r = restore_file(NET_INTERFACES_FILE, rb->old_text, reterr);

        return r < 0 ? r : restore_file(NET_INTERFACES_NEW_FILE, rb->pending_text, reterr);
}

typedef struct RestoreContext {
        const NetConfig *old;
        char **changed;
        NetLogFn log;
        void *userdata;
} RestoreContext;

static void restore_log(void *userdata, const char *line) {
        RestoreContext *rc = userdata;

        if (rc->log)
                rc->log(rc->userdata, line);
}

static int restore_hook(void *userdata, const char *phase, const char *name, bool created, char **reterr) {
        RestoreContext *rc = userdata;

        if (!rc->old || !strv_contains(rc->changed, name))
                return 0;
        return net_hooks_run(rc->old, name, phase, reterr);
}

static int parse_text(const char *file, const char *text, NetConfig **ret) {
        _cleanup_free_ char *err = NULL;

        *ret = NULL;
        return text ? net_config_parse(file, text, strlen(text), NULL, ret, &err) : 0;
}

int net_rollback_restore(const NetRollback *rb, NetLogFn log, void *userdata, char **reterr) {
        _cleanup_(net_config_freep) NetConfig *old = NULL, *applied = NULL;
        _cleanup_(net_target_done) NetTarget target = {};
        _cleanup_(net_state_done) NetState now = {};
        _cleanup_strv_free_ char **changed = NULL;
        _cleanup_free_ char *err = NULL;
        Rtnl rtnl = RTNL_INIT;
        RestoreContext rc = { .log = log, .userdata = userdata };
        int r;

        /* Configurations that do not parse have no hooks to run; the kernel state is restored all the same. */
        (void) parse_text(NET_INTERFACES_FILE, rb->old_text, &old);
        (void) parse_text(NET_INTERFACES_FILE, rb->applied_text, &applied);
        changed = net_config_changed(old, applied);
        rc.old = old;
        rc.changed = changed;

        r = rtnl_open(&rtnl);
        if (r < 0) {
                *reterr = xasprintf("unable to open a netlink socket: %s", strerror(-r));
                return r;
        }
        r = net_state_read(&rtnl, &now);
        if (r < 0) {
                *reterr = xasprintf("unable to read the network state: %s", strerror(-r));
                goto finish;
        }
        STRV_FOREACH(name, changed)
                if (applied && net_state_link(&now, *name) && net_hooks_run(applied, *name, "down", &err) < 0) {
                        restore_log(&rc, err);
                        err = mfree(err);
                }
        /* Open vSwitch back as the old configuration had it, if it can be reached; the kernel in any case. */
        if (net_ovs_apply(applied, old, changed, restore_log, &rc, &err) < 0) {
                restore_log(&rc, err);
                err = mfree(err);
        }
        r = net_target_from_state(&rb->before, &now, rb->touched, &target);
        if (r >= 0)
                r = net_execute(&rtnl, &target,
                                &(NetExecCallbacks) { .log = restore_log, .hook = restore_hook, .userdata = &rc },
                                NULL, reterr);
        if (r >= 0)
                r = restore_files(rb, reterr);
finish:
        rtnl_close(&rtnl);
        return r;
}

/* ---- confirmation and the watchdog ---------------------------------------------- */

/* Takes the lock of the files and reads the record; -ENOENT when there is none. */
static int lock_and_load(LockFile *lock, NetRollback *rb, char **reterr) {
        int r = net_files_lock(lock, reterr);

        return r < 0 ? r : net_rollback_load(rb, reterr);
}

int net_rollback_confirm(char **reterr) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_(net_rollback_done) NetRollback rb = {};
        int r;

        r = lock_and_load(&lock, &rb, reterr);
        if (r == -ENOENT || (r >= 0 && rb.timeout == 0)) {
                *reterr = xstrdup("no network configuration change is waiting for confirmation");
                return -ENOENT;
        }
        if (r < 0)
                return r;
        r = net_rollback_remove();
        if (r < 0)
                *reterr = xasprintf("unable to remove '%s' - %s", NET_ROLLBACK_FILE, strerror(-r));
        return r;
}

static void task_log_line(void *userdata, const char *line) {
        task_log(userdata, "%s", line);
}

/* Waits until the record is gone or the deadline passed; true if it is gone (confirmed). */
static bool wait_confirmation(const char *id, usec_t deadline) {
        _cleanup_free_ char *path = root_path(NET_ROLLBACK_FILE), *dir = xstrdup(path);
        _cleanup_close_ int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

        *strrchr(dir, '/') = 0;
        if (fd >= 0)
                (void) inotify_add_watch(fd, dir, IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE);
        for (;;) {
                _cleanup_(net_rollback_done) NetRollback rb = {};
                _cleanup_free_ char *err = NULL;
                usec_t n = now(CLOCK_REALTIME);
                char buf[4096];
                int r;

                r = net_rollback_load(&rb, &err);
                /* Gone, or replaced by the record of a later apply: confirmed. */
                if (r == -ENOENT || (r >= 0 && !streq(rb.id, id)))
                        return true;
                if (n >= deadline)
                        return false;
                /* inotify wakes us when the file changes; the poll timeout covers the deadline (and missed events). */
                (void) poll(&(struct pollfd) { .fd = fd, .events = POLLIN }, fd >= 0 ? 1 : 0,
                            (int) MIN((deadline - n + USEC_PER_MSEC - 1) / USEC_PER_MSEC, (usec_t) 1000));
                while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
                        ;
        }
}

int net_rollback_watch(Task *t, void *userdata) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_(net_rollback_done) NetRollback rb = {};
        _cleanup_free_ char *err = NULL;
        const char *id = userdata;
        int r;

        r = net_rollback_load(&rb, &err);
        if (r < 0)
                return task_fail(t, "%s", r == -ENOENT ? "nothing to watch: no pending network change" : err);
        task_log(t, "waiting %u seconds for the confirmation of the network configuration applied by %s", rb.timeout,
                 id);
        if (wait_confirmation(id, rb.deadline)) {
                task_log(t, "network configuration confirmed");
                return 0;
        }

        r = net_files_lock(&lock, &err);
        if (r < 0)
                return task_fail(t, "%s", err);
        /* The confirmation may have come while we took the lock. */
        net_rollback_done(&rb);
        r = net_rollback_load(&rb, &err);
        if (r == -ENOENT || (r >= 0 && !streq(rb.id, id))) {
                task_log(t, "network configuration confirmed");
                return 0;
        }
        if (r < 0)
                return task_fail(t, "%s", err);

        task_log(t, "no confirmation within %u seconds - rolling back", rb.timeout);
        r = net_rollback_restore(&rb, task_log_line, t, &err);
        if (r < 0)
                return task_fail(t, "rollback failed: %s", err);
        (void) net_rollback_remove();
        return task_fail(t, "network configuration not confirmed within %u seconds - rolled back", rb.timeout);
}

int net_rollback_at_boot(bool *ret_restored, char **reterr) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_(net_rollback_done) NetRollback rb = {};
        _cleanup_free_ char *path = root_path(NET_ROLLBACK_FILE);
        int r;

        *ret_restored = false;
        /* Nothing recorded: nothing to lock either (the lock file would be created). */
        if (!file_exists(path))
                return 0;
        r = lock_and_load(&lock, &rb, reterr);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        /* Confirmations are only for a running system; what was not confirmed before the reboot is undone. */
        if (rb.timeout > 0) {
                r = restore_files(&rb, reterr);
                if (r < 0)
                        return r;
                *ret_restored = true;
        }
        return net_rollback_remove();
}
