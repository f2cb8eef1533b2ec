/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "net/apply.h"
#include "net/dhcp.h"
#include "net/execute.h"
#include "net/files.h"
#include "net/hooks.h"
#include "net/ovs.h"
#include "net/rollback.h"
#include "net/target.h"

/* How long after its deadline a confirmation record is still taken as the watchdog's business. */
#define STALE_RECORD_GRACE (30 * USEC_PER_SEC)

typedef struct ApplyContext {
        Task *task;
        const NetConfig *config;
        char **changed;          /* interfaces whose configuration changed: their hooks run */
} ApplyContext;

static void apply_log(void *userdata, const char *line) {
        ApplyContext *ac = userdata;

        task_log(ac->task, "%s", line);
}

static bool uses_dhcp(const NetConfig *c, const char *name, bool v6) {
        NetIface *i = c ? net_config_find(c, name) : NULL;

        return i && streq_ptr(net_attr_str(i, v6 ? "method6" : "method"), "dhcp");
}

static int apply_hook(void *userdata, const char *phase, const char *name, bool created, char **reterr) {
        ApplyContext *ac = userdata;
        int r;

        /* Hooks run for what changed; a link created anew (it had gone missing) gets its hooks too. */
        if (!created && !strv_contains(ac->changed, name))
                return 0;
        /* Addresses from DHCP come before the up hooks, as ifupdown configures them. */
        for (int v6 = 0; streq(phase, "up") && v6 <= 1; v6++)
                if (uses_dhcp(ac->config, name, v6)) {
                        r = net_dhcp_start(name, v6, reterr);
                        if (r < 0)
                                return r;
                        task_log(ac->task, "%s: DHCP client started (%s)", name, v6 ? "inet6" : "inet");
                }
        return net_hooks_run(ac->config, name, phase, reterr);
}

/* The down part of changed interfaces, as the previous configuration had them: hooks, DHCP clients. */
static void take_down_changed(Task *t, const NetConfig *old, const NetConfig *new, char *const *changed,
                              const NetState *state) {
        _cleanup_free_ char *err = NULL;

        STRV_FOREACH(name, changed) {
                if (!old || !net_state_link(state, *name))
                        continue;
                if (net_hooks_have(old, *name, "down") && net_hooks_run(old, *name, "down", &err) < 0) {
                        task_warn(t, "%s", err);
                        err = mfree(err);
                }
                for (int v6 = 0; v6 <= 1; v6++)
                        if (uses_dhcp(old, *name, v6) && !uses_dhcp(new, *name, v6) &&
                            net_dhcp_release(*name, v6, &err) < 0) {
                                task_warn(t, "%s", err);
                                err = mfree(err);
                        }
        }
}

static int commit_pending(char **reterr) {
        _cleanup_free_ char *new_path = root_path(NET_INTERFACES_NEW_FILE), *path = root_path(NET_INTERFACES_FILE);

        if (rename(new_path, path) < 0 && errno != ENOENT) {
                *reterr = xasprintf("unable to rename '%s' to '%s' - %m", NET_INTERFACES_NEW_FILE, NET_INTERFACES_FILE);
                return -errno;
        }
        return 0;
}

static int start_watchdog(Task *t, const NetRollback *rb, char **reterr) {
        _cleanup_free_ char *upid = NULL;
        int r;

        r = task_start(&(TaskOptions) { .type = "netconfirm", .id = "networking" }, net_rollback_watch, rb->id,
                       &upid, NULL, reterr);
        if (r < 0)
                return r;
        task_log(t, "rollback in %u seconds unless confirmed (pvesh create /nodes/<node>/network/confirm); "
                    "watchdog task %s", rb->timeout, upid);
        return 0;
}

/* Undoes a failed apply at once; the error then says whether that worked. */
static int roll_back_failed(Task *t, const NetRollback *rb, int error, char **reterr) {
        _cleanup_free_ char *why = TAKE_PTR(*reterr), *err = NULL;
        int r;

        task_log(t, "error: %s", why);
        task_log(t, "rolling back");
        r = net_rollback_restore(rb, apply_log, &(ApplyContext) { .task = t }, &err);
        if (r < 0) {
                *reterr = xasprintf("%s - rollback failed: %s", why, err);
                return error;
        }
        (void) net_rollback_remove();
        *reterr = xasprintf("%s - rolled back", why);
        return error;
}

int net_apply_pending(const NetApplyOptions *o, Task *t, char **reterr) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_(net_rollback_done) NetRollback rb = { .timeout = o->rollback_timeout };
        _cleanup_(net_config_freep) NetConfig *old_parsed = NULL, *new = NULL;
        const NetConfig *old = NULL;
        _cleanup_(net_target_done) NetTarget target = {};
        _cleanup_(netdev_list_done) NetDevList devs = {};
        _cleanup_strv_free_ char **changed = NULL;
        _cleanup_free_ char *err = NULL;
        Rtnl rtnl = RTNL_INIT;
        ApplyContext ac = { .task = t };
        int r;

        r = net_files_lock(&lock, reterr);
        if (r < 0)
                return r;
        r = net_rollback_load(&rb, &err);
        if (r >= 0 && rb.timeout > 0 && now(CLOCK_REALTIME) < rb.deadline + STALE_RECORD_GRACE) {
                *reterr = xstrdup("a network configuration change is waiting for confirmation - confirm it first, "
                                  "or wait for its rollback");
                return -EBUSY;
        }
        if (r != -ENOENT) {
                /* An apply that died half-way, or a watchdog that did: nothing is waiting for this record. */
                task_warn(t, "discarding a stale rollback record: %s", r >= 0 ? rb.id : err);
                err = mfree(err);
                net_rollback_done(&rb);
        }
        rb.timeout = o->rollback_timeout;
        rb.id = xstrdup(task_upid(t));

        r = net_files_read_optional(NET_INTERFACES_FILE, &rb.old_text, reterr);
        if (r >= 0)
                r = net_files_read_optional(NET_INTERFACES_NEW_FILE, &rb.pending_text, reterr);
        if (r < 0)
                return r;
        rb.applied_text = xstrdup(rb.pending_text ?: rb.old_text ?: "");

        r = netdev_list_read(&devs);
        if (r < 0) {
                *reterr = xasprintf("unable to read network devices: %s", strerror(-r));
                return r;
        }
        r = net_files_load_with(rb.pending_text ? NET_INTERFACES_NEW_FILE : NET_INTERFACES_FILE, &devs, &new, reterr);
        if (r < 0)
                return r;
        if (rb.old_text && rb.pending_text && !streq(rb.old_text, rb.pending_text)) {
                if (net_files_load_with(NET_INTERFACES_FILE, &devs, &old_parsed, &err) < 0) {
                        /* Without the previous configuration nothing is taken away; the new one is applied all the same. */
                        task_warn(t, "previous configuration not understood, nothing of it is removed: %s", err);
                        err = mfree(err);
                }
                old = old_parsed;
        } else if (rb.old_text)
                old = new; /* the same text (or no pending one): the same configuration, parsed once */
        r = net_target_from_config(new, old, &target, reterr);
        if (r < 0)
                return r;

        r = rtnl_open(&rtnl);
        if (r < 0) {
                *reterr = xasprintf("unable to open a netlink socket: %s", strerror(-r));
                return r;
        }
        r = net_state_read(&rtnl, &rb.before);
        if (r < 0) {
                *reterr = xasprintf("unable to read the network state: %s", strerror(-r));
                goto finish;
        }
        if (rb.timeout > 0)
                rb.deadline = now(CLOCK_REALTIME) + rb.timeout * USEC_PER_SEC;

        /* Recorded before the first change, so that nothing can happen that cannot be undone. */
        r = net_rollback_save(&rb, reterr);
        if (r < 0)
                goto finish;
        r = commit_pending(reterr);
        if (r < 0) {
                (void) net_rollback_remove();
                goto finish;
        }

        changed = net_config_changed(old, new);
        ac.config = new;
        ac.changed = changed;
        take_down_changed(t, old, new, changed, &rb.before);
        r = net_ovs_apply(old, new, changed, apply_log, &ac, reterr);
        if (r >= 0)
                r = net_execute(&rtnl, &target,
                                &(NetExecCallbacks) { .log = apply_log, .hook = apply_hook, .userdata = &ac },
                                &rb.touched, reterr);
        if (r < 0) {
                r = roll_back_failed(t, &rb, r, reterr);
                goto finish;
        }

        if (rb.timeout == 0) {
                (void) net_rollback_remove();
                task_log(t, "network configuration applied");
                goto finish;
        }
        /* The record now knows what to restore; the watchdog takes it from here. */
        r = net_rollback_save(&rb, reterr);
        if (r >= 0)
                r = start_watchdog(t, &rb, reterr);
        if (r < 0)
                r = roll_back_failed(t, &rb, r, reterr);
finish:
        rtnl_close(&rtnl);
        return r;
}

int net_apply_task(Task *t, void *userdata) {
        _cleanup_free_ char *err = NULL;
        int r;

        r = net_apply_pending(userdata, t, &err);
        if (r < 0)
                return task_fail(t, "%s", err);
        return 0;
}
