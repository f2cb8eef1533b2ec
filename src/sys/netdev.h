/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Network devices as sysfs shows them: PVE_SYSROOT/sys/class/net/<name>/
 * {type,address,ifindex,flags,operstate,mtu}, plus the directory entries that
 * tell what kind of device it is: a NIC backed by hardware has "device/", an
 * SR-IOV virtual function "device/physfn", a bridge "bridge/", a bond member
 * "bonding_slave/perm_hwaddr" (its own MAC while the bond overrides it).
 *
 * Inside a network namespace sysfs must be remounted for the namespace to
 * see its own devices; "ip netns exec" does that.
 */

#include <stdbool.h>
#include <stddef.h>

#include "sys/netdev-name.h"

typedef struct NetDev {
        char *name;
        int ifindex;
        unsigned type;       /* ARPHRD_*: 1 ethernet, 772 loopback, ... */
        unsigned flags;      /* IFF_* */
        unsigned mtu;
        char *address;       /* link-layer address, "aa:bb:cc:dd:ee:ff"; NULL if none */
        char *perm_address;  /* permanent address of a bond member; NULL otherwise */
        char *operstate;     /* "up", "down", "unknown", ... */
        bool has_device;     /* backed by a (virtual or real) hardware device */
        bool is_vf;          /* an SR-IOV virtual function */
        bool is_bridge;
} NetDev;

typedef struct NetDevList {
        NetDev *devs;        /* sorted by name */
        size_t n;
} NetDevList;

/* Reads every device below PVE_SYSROOT/sys/class/net. A missing directory is an empty list. */
int netdev_list_read(NetDevList *ret);
void netdev_list_done(NetDevList *l);
/* Deep copy. */
void netdev_list_copy(NetDevList *dst, const NetDevList *src);
/* Adds a device (copying the strings); keeps the list sorted. For tests and fixtures. */
NetDev *netdev_list_add(NetDevList *l, const NetDev *d);
const NetDev *netdev_list_find(const NetDevList *l, const char *name);

/*
 * A physical NIC as upstream decides it (an ethernet link of no software
 * kind): an ethernet device backed by hardware. Virtual functions count.
 */
bool netdev_is_physical(const NetDev *d);
static inline bool netdev_is_up(const NetDev *d) {
        return d->flags & 0x1;
}
