/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The task lists upstream keeps in var/log/pve/tasks:
 *
 *   active   "<UPID> <saved 0|1>[ <endtime %08X>[ <status>]]" per line: the
 *            running tasks plus the most recent finished ones (25 in all),
 *            guarded by .active.lock;
 *   index    "<UPID> <endtime %08X> <status>" per finished task, appended;
 *            renamed to index.1 when it grows beyond 50000 bytes.
 */

#include <stdbool.h>
#include <stdint.h>

#include "tasks/upid.h"

#define TASKS_ACTIVE_MAX 25
#define TASKS_INDEX_MAX_SIZE 50000

typedef struct TaskEntry {
        char *upid;
        Upid u;
        bool saved;
        uint64_t endtime; /* 0: not finished (as far as the file knows) */
        char *status;     /* NULL: none recorded */
} TaskEntry;

typedef struct TaskList {
        TaskEntry *entries;
        size_t n;
} TaskList;

void task_entry_done(TaskEntry *e);
void tasklist_done(TaskList *l);

/* Parses the active file; malformed lines are skipped, as upstream does. */
void tasklist_parse_active(const char *text, TaskList *ret);
char *tasklist_format_active(const TaskList *l);
/* Parses one index line; -EINVAL when malformed (the caller skips it). */
int task_entry_parse_index(const char *line, TaskEntry *ret);

/*
 * Upstream's active_workers(): reconciles the active file with the
 * processes that run, archives newly finished tasks into the index, adds
 * new_upid (may be NULL) as running and treats finished_upid (may be NULL;
 * a worker about to exit) as finished.
 */
int tasks_update_active(const char *new_upid, const char *finished_upid);

/* The entries of the active file (after reading it, without updating). */
int tasks_read_active(TaskList *ret);

/*
 * Calls cb for each entry of index then index.1, newest first (the files
 * read backwards). Stops when cb returns non-zero.
 */
int tasks_index_foreach(int (*cb)(const TaskEntry *e, void *userdata), void *userdata);
