/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Tasks (workers): long-running work with a UPID, a log file and a final
 * status line, compatible with upstream (pve-common RESTEnvironment
 * fork_worker, DESIGN.md contract 6).
 *
 * A task runs in its own session. The process named by the UPID is a small
 * supervisor: it runs the task function in a child, forwards SIGTERM/SIGINT
 * to it, and writes the final line itself ("TASK OK", "TASK WARNINGS: N",
 * "TASK ERROR: <message>") even when the function crashes or is killed,
 * then updates the active list and the index.
 *
 * From the API, start tasks with api_task_start(): on the command line
 * (API_CALL_CLI) it waits and copies the log to stdout as it grows and a
 * failed task fails the call; from pveproxy it returns at once. Either way
 * the result is the UPID string.
 *
 * Inside the task function, stdout and stderr go to the task log; use
 * task_log() / task_warn() (or plain printf) and return a negative errno
 * after task_fail(t, "message") on failure.
 */

#include <jansson.h>
#include <stdbool.h>

#include "api/call.h"
#include "basic/macro.h"

typedef struct Task Task;

/* Returns 0 on success; on failure, a negative errno (after task_fail() for a message). */
typedef int (*TaskFunc)(Task *t, void *userdata);

typedef struct TaskOptions {
        const char *type;   /* upstream's worker type: "srvreload", "acmenewcert", ... */
        const char *id;     /* object id, may be NULL/empty */
        const char *user;   /* auth id recorded in the UPID; NULL: root@pam */
        bool sync;          /* wait for the end, copying the log to stdout */
} TaskOptions;

/*
 * Starts fn(t, userdata) as a task. Returns 0 with the UPID in *ret_upid;
 * with sync set, after the task ended, with its outcome in *ret_failed
 * (may be NULL) and the error text in *reterr. Negative errno when the
 * task could not be started.
 */
int task_start(const TaskOptions *o, TaskFunc fn, void *userdata, char **ret_upid, bool *ret_failed,
               char **reterr);

/* Starts a task for an API method: the call's user, synchronous on the command line. */
int api_task_start(ApiCall *call, const char *type, const char *id, TaskFunc fn, void *userdata, json_t **ret);

/* Inside a task. */
const char *task_upid(const Task *t);
void task_log(Task *t, const char *fmt, ...) _printf_(2, 3);
/* Logs "WARN: <message>" and counts it for "TASK WARNINGS: N". */
void task_warn(Task *t, const char *fmt, ...) _printf_(2, 3);
/* Records the message for "TASK ERROR: <message>"; returns -EIO for "return task_fail(...)". */
int task_fail(Task *t, const char *fmt, ...) _printf_(2, 3);
