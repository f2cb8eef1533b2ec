/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Brings the kernel to a target (net/target.h) over rtnetlink, sending only
 * what differs, in an order the kernel accepts:
 *
 *   1. delete links that go away, and links of the wrong kind;
 *   2. create missing bridges, bonds and VLANs, lower devices first;
 *   3. MTUs: decreases from the top down, increases from the bottom up;
 *   4. release ports, then enslave (bond slaves taken down first);
 *   5. bridge and bond attributes, MAC addresses;
 *   6. "pre-up" hooks, then links up (bottom up) or down;
 *   7. bridge VLANs, then addresses (old ones removed before new ones are
 *      added, so an address change never takes secondaries with it), routes;
 *   8. "up" hooks.
 *
 * A link with nothing to change gets no request at all: its ifindex, MAC,
 * ports, MTU and flags stay, and no netlink event is generated for it.
 * Every change is reported through the log callback; the names of the links
 * changed are returned so that a rollback knows what to restore.
 */

#include "net/output.h"
#include "net/target.h"
#include "sys/netlink.h"

typedef struct NetExecCallbacks {
        /* A line for the task log ("vmbr0: address 10.0.0.3/24 added"). */
        NetLogFn log;
        /*
         * Runs the hooks of phase ("pre-up", "up") for a link that is part of
         * the target. created is true for links the apply just created.
         * Returns 0, or a negative errno with a message.
         */
        int (*hook)(void *userdata, const char *phase, const char *name, bool created, char **reterr);
        void *userdata;
} NetExecCallbacks;

/*
 * Applies t. Returns 0, or a negative errno with a message naming the link
 * and the kernel's reason. *ret_touched (may be NULL) receives the links
 * changed so far, also on failure.
 */
int net_execute(Rtnl *rtnl, const NetTarget *t, const NetExecCallbacks *cb, char ***ret_touched, char **reterr);
