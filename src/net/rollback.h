/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Confirm-or-rollback of a network apply.
 *
 * Before an apply changes anything it records, in NET_ROLLBACK_FILE below
 * PVE_ROOT, what undoing it takes: the previous interfaces and
 * interfaces.new (or their absence), the kernel state, and then the links
 * the apply touched. The record lives in a file rather than in a process so
 * that the API call that confirms (POST /nodes/{node}/network/confirm) can
 * come from another process, and so that a reboot before the confirmation
 * still undoes the files (pvenetcommit does that at boot).
 *
 * With a rollback timeout the record keeps a deadline and a watchdog task
 * waits for it: a confirmation removes the record and the watchdog ends; at
 * the deadline the watchdog restores files and kernel state and says so in
 * its task log. Record, confirmation and rollback all happen under the lock
 * of the interfaces files (net/files.h).
 */

#include "basic/time-util.h"
#include "net/output.h"
#include "net/state.h"
#include "tasks/worker.h"

#define NET_ROLLBACK_FILE "/var/lib/pve-manager/network-rollback.json"

typedef struct NetRollback {
        char *id;               /* UPID of the apply task */
        char *old_text;         /* /etc/network/interfaces before the apply; NULL: there was none */
        char *pending_text;     /* /etc/network/interfaces.new before the apply; NULL: there was none */
        char *applied_text;     /* the configuration the apply brings */
        NetState before;        /* the kernel state before the apply */
        char **touched;         /* links the apply changed */
        unsigned timeout;       /* seconds; 0: no confirmation wanted */
        usec_t deadline;        /* CLOCK_REALTIME; 0 without timeout */
} NetRollback;

void net_rollback_done(NetRollback *rb);
/* The caller holds the interfaces lock. */
int net_rollback_save(const NetRollback *rb, char **reterr);
/* -ENOENT when there is no record. */
int net_rollback_load(NetRollback *ret, char **reterr);
int net_rollback_remove(void);

/*
 * Undoes the apply: the kernel back to the recorded state (for the links the
 * apply touched), the hooks of the interfaces whose configuration changed
 * (down of the new configuration, up of the old one), then the files.
 */
int net_rollback_restore(const NetRollback *rb, NetLogFn log, void *userdata, char **reterr);

/* POST /nodes/{node}/network/confirm: removes the record. */
int net_rollback_confirm(char **reterr);

/* The watchdog task; userdata is the UPID of the apply it watches (a string). */
int net_rollback_watch(Task *t, void *userdata);

/*
 * At boot, before networking starts: an apply left unconfirmed by a reboot
 * is undone in the files (the kernel starts from scratch anyway). Sets
 * *ret_restored when it did.
 */
int net_rollback_at_boot(bool *ret_restored, char **reterr);
