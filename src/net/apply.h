/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Apply: PUT /nodes/{node}/network.
 *
 * Upstream renames interfaces.new over interfaces and runs "ifreload -a".
 * Here the apply engine of this area does the work, in the task:
 *
 *   1. record what a rollback needs (the previous files, the kernel state,
 *      see net/rollback.h) before anything changes;
 *   2. commit interfaces.new;
 *   3. run the down hooks of interfaces whose stanza changed, bring the
 *      kernel to the new configuration (net/execute.h), running their
 *      pre-up and up hooks on the way;
 *   4. on any failure (the kernel refuses a step, a hook fails) restore
 *      the previous files and kernel state at once;
 *   5. with a rollback timeout, start the watchdog task that restores them
 *      unless POST /nodes/{node}/network/confirm arrives in time.
 */

#include "tasks/worker.h"

typedef struct NetApplyOptions {
        unsigned rollback_timeout; /* seconds; 0: no confirmation needed */
} NetApplyOptions;

/* The task's work. Returns 0, or a negative errno with the message (ending in "- rolled back" when it did). */
int net_apply_pending(const NetApplyOptions *o, Task *t, char **reterr);

/* The same as a TaskFunc; userdata is a NetApplyOptions. */
int net_apply_task(Task *t, void *userdata);
