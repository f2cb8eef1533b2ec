/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * pvenetcommit: at boot, before networking starts, make pending network
 * changes (/etc/network/interfaces.new) the configuration, as upstream's
 * pvenetcommit.service does.
 *
 * An apply that was waiting for its confirmation when the system went down
 * is undone first: the previous files come back and the pending changes stay
 * pending for this boot (committing them would bring back what was not
 * confirmed).
 *
 *         pvenetcommit            commit interfaces.new, if there is one
 *         pvenetcommit --apply    ... and bring the network to the
 *                                 configuration (pve-networking.service)
 */

#include <getopt.h>
#include <stdio.h>

#include "api/json-util.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/rootdir.h"
#include "net/apply.h"
#include "net/files.h"
#include "net/rollback.h"
#include "tasks/worker.h"

#define EXIT_ERROR 255

static int commit(bool *ret_restored) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_free_ char *err = NULL, *new_path = root_path(NET_INTERFACES_NEW_FILE),
                            *path = root_path(NET_INTERFACES_FILE);
        int r;

        r = net_rollback_at_boot(ret_restored, &err);
        if (r < 0)
                return log_error_errno(r, "%s", err);
        if (*ret_restored) {
                log_notice("network configuration applied before the reboot was not confirmed: previous "
                           "configuration restored, changes left pending in %s", NET_INTERFACES_NEW_FILE);
                return 0;
        }
        /* Nothing pending: nothing to lock or create either. */
        if (!file_exists(new_path))
                return 0;
        r = net_files_lock(&lock, &err);
        if (r < 0)
                return log_error_errno(r, "%s", err);
        if (rename(new_path, path) < 0 && errno != ENOENT)
                return log_error_errno(errno, "unable to rename '%s' to '%s': %m", NET_INTERFACES_NEW_FILE,
                                       NET_INTERFACES_FILE);
        return 0;
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "apply", no_argument, NULL, 'a' },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        _cleanup_free_ char *upid = NULL, *err = NULL;
        bool apply = false, restored = false, failed = false;
        int c, r;

        log_setup_from_env();
        json_setup_allocator();
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 'a':
                        apply = true;
                        break;
                case 'h':
                        printf("USAGE: pvenetcommit [--apply]\n");
                        return 0;
                default:
                        return EXIT_ERROR;
                }
        if (optind < argc) {
                fprintf(stderr, "USAGE: pvenetcommit [--apply]\n");
                return EXIT_ERROR;
        }

        if (commit(&restored) < 0)
                return EXIT_ERROR;
        if (!apply)
                return 0;

        /* A task like the API's apply: the log is kept, and printed here. */
        r = task_start(&(TaskOptions) { .type = "srvreload", .id = "networking", .sync = true }, net_apply_task,
                       &(NetApplyOptions) {}, &upid, &failed, &err);
        if (r < 0) {
                log_error_errno(r, "unable to start the network apply: %s", err ?: strerror(-r));
                return EXIT_ERROR;
        }
        return failed ? EXIT_ERROR : 0;
}
