/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * UPIDs ("unique process IDs") and task status lines, as upstream
 * (pve-common PVE::UPID):
 *
 *         UPID:<node>:<pid %08X>:<pstart %08X>:<starttime %08X>:<type>:<id>:<user>:
 *
 * pstart is the worker's start time in clock ticks since boot (field 22 of
 * /proc/<pid>/stat); it may need 9 hex digits after ~497 days of uptime.
 * The log of a task is var/log/pve/tasks/<last hex digit of starttime>/<UPID>.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct Upid {
        char *node;
        pid_t pid;
        uint64_t pstart;
        uint64_t starttime;
        char *type, *id, *user;
} Upid;

/* Parses s; -EINVAL when it is not a valid UPID. */
int upid_decode(const char *s, Upid *ret);
char *upid_encode(const Upid *u);
void upid_done(Upid *u);

/* The task log path below PVE_ROOT, or NULL for a malformed UPID. */
char *upid_log_path(const char *upid);

/*
 * The status of a finished task from the last line of its log: "OK",
 * "WARNINGS: <n>", the error message, or "unexpected status"
 * (upstream's read_status). Never NULL.
 */
char *task_read_status(const char *upid);
/* Status from a last line alone. */
char *task_status_from_line(const char *last_line);
/* Everything but "OK" and "WARNINGS: <n>" is an error. */
bool task_status_is_error(const char *status);
/* "ok", "warning", "error" or "unknown" (NULL/empty and "unexpected status" are unknown). */
const char *task_status_type(const char *status);

/* Directory of the task logs and files: PVE_ROOT/var/log/pve/tasks. */
char *tasks_dir(void);
