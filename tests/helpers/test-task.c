/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * test-task: starts a task the way API methods do, for the integration
 * tests of the task machinery (git's test-tool idea).
 *
 *   test-task [--sync] [--type T] [--id ID] [--user U] [--lines N]
 *             [--sleep SECONDS] [--warn N] [--fail MESSAGE] [--crash] [--no-newline]
 *
 * Prints the UPID; exits 1 when a synchronous task failed.
 */

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/json-util.h"
#include "basic/log.h"
#include "basic/time-util.h"
#include "tasks/worker.h"

typedef struct Job {
        int lines, warnings;
        double sleep;
        const char *fail;
        bool crash, no_newline;
} Job;

static int job(Task *t, void *userdata) {
        const Job *j = userdata;

        for (int i = 1; i <= j->lines; i++)
                task_log(t, "line %d of %s", i, task_upid(t));
        for (int i = 1; i <= j->warnings; i++)
                task_warn(t, "warning %d", i);
        if (j->sleep > 0)
                sleep_usec((usec_t) (j->sleep * USEC_PER_SEC));
        if (j->no_newline) {
                fputs("partial line", stdout);
                fflush(stdout);
        }
        if (j->crash)
                raise(SIGSEGV);
        if (j->fail)
                return task_fail(t, "%s", j->fail);
        return 0;
}

int main(int argc, char **argv) {
        static const struct option options[] = {
                { "sync", no_argument, NULL, 's' },       { "type", required_argument, NULL, 't' },
                { "id", required_argument, NULL, 'i' },   { "user", required_argument, NULL, 'u' },
                { "lines", required_argument, NULL, 'l' }, { "sleep", required_argument, NULL, 'S' },
                { "warn", required_argument, NULL, 'w' }, { "fail", required_argument, NULL, 'f' },
                { "crash", no_argument, NULL, 'c' },      { "no-newline", no_argument, NULL, 'n' },
                {},
        };
        TaskOptions o = { .type = "testtask" };
        Job j = {};
        _cleanup_free_ char *upid = NULL, *err = NULL;
        bool failed = false;
        int c, r;

        json_setup_allocator();
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 's': o.sync = true; break;
                case 't': o.type = optarg; break;
                case 'i': o.id = optarg; break;
                case 'u': o.user = optarg; break;
                case 'l': j.lines = atoi(optarg); break;
                case 'S': j.sleep = atof(optarg); break;
                case 'w': j.warnings = atoi(optarg); break;
                case 'f': j.fail = optarg; break;
                case 'c': j.crash = true; break;
                case 'n': j.no_newline = true; break;
                default: return 2;
                }

        r = task_start(&o, job, &j, &upid, &failed, &err);
        if (r < 0)
                return log_error_errno(r, "starting task failed: %s", err ?: "");
        printf("%s\n", upid);
        return failed ? 1 : 0;
}
