/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * What the kernel should look like after an apply, in kernel terms, and
 * nothing more: every field left unset is left alone, so links the
 * configuration does not mention, guest ports on bridges (tap, veth, fwpr)
 * and attributes nobody configured are never touched.
 *
 * A target comes from a configuration (the new interfaces file, with the
 * previous one telling what to take away) or, for a rollback, from the state
 * taken before the apply. net/apply.h brings the kernel to it.
 */

#include "net/interfaces.h"
#include "net/state.h"

typedef struct NetTargetLink {
        char *name;
        char kind[16];           /* a kind the apply creates and deletes: "bridge", "bond", "vlan"; "" for
                                    devices it only configures (NICs, veth, OVS devices, ...) */
        char *parent;            /* "vlan": the lower device */
        RtnlOpt mtu, up;
        bool set_master;         /* enslave to master, or release from any master when NULL */
        char *master;
        uint8_t mac[RTNL_ADDR_MAX];
        size_t mac_len;
        RtnlBridgeInfo bridge;
        RtnlBondInfo bond;       /* primary: see bond_primary */
        char *bond_primary;
        RtnlVlanInfo vlan;

        bool exact_addrs[2];     /* [0] IPv4, [1] IPv6: the global addresses are exactly addrs */
        RtnlAddr *addrs;         /* to have (ifindex left 0) */
        size_t n_addrs;
        RtnlAddr *drop_addrs;    /* not to have */
        size_t n_drop_addrs;

        bool exact_vlans;        /* bridge port or bridge: its VLANs are exactly vlans */
        RtnlVlan *vlans;
        size_t n_vlans;

        unsigned depth;          /* lower devices have smaller depths than the devices on top of them */
} NetTargetLink;

typedef struct NetTargetRoute {
        RtnlRoute route;         /* oif left 0 */
        char *dev;
} NetTargetRoute;

typedef struct NetTarget {
        NetTargetLink *links;    /* sorted by depth, then name */
        size_t n_links;
        char **remove;           /* to delete (kinds the apply creates) or take down and release (others) */
        NetTargetRoute *routes;
        size_t n_routes;
        NetTargetRoute *drop_routes;
        size_t n_drop_routes;
} NetTarget;

void net_target_done(NetTarget *t);
NetTargetLink *net_target_link(const NetTarget *t, const char *name);

/*
 * The interfaces ifreload -a would bring up: every "auto" interface and what
 * it builds on (bridge ports, bond slaves, VLAN lower devices). Sorted.
 */
char **net_config_managed(const NetConfig *c);

/*
 * The target of a configuration. previous (may be NULL) is the configuration
 * in force before: links, addresses, gateways and ports it had and new does
 * not are taken away. Returns -EINVAL with a message for values the kernel
 * cannot take (a malformed address, an unknown bond mode).
 */
int net_target_from_config(const NetConfig *new, const NetConfig *previous, NetTarget *ret, char **reterr);

/*
 * The target that undoes an apply: the links in touched (names) as they were
 * in before, links that did not exist before deleted. now is the current state.
 */
int net_target_from_state(const NetState *before, const NetState *now, char *const *touched, NetTarget *ret);
