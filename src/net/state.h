/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The network state of the kernel (of the current network namespace) as the
 * apply engine sees it: links with their bridge, bond and VLAN attributes,
 * addresses, the routes of the main table that someone added (kernel and
 * router-advertisement routes are left out) and bridge VLANs.
 *
 * A state taken before an apply is what a rollback restores; it is kept in
 * the rollback file as JSON.
 */

#include <jansson.h>

#include "sys/netlink.h"

typedef struct NetState {
        RtnlLink *links;
        size_t n_links;
        RtnlAddr *addrs;
        size_t n_addrs;
        RtnlRoute *routes;
        size_t n_routes;
        RtnlVlan *vlans;
        size_t n_vlans;
} NetState;

int net_state_read(Rtnl *rtnl, NetState *ret);
void net_state_done(NetState *s);

const RtnlLink *net_state_link(const NetState *s, const char *name);
const RtnlLink *net_state_link_by_index(const NetState *s, int ifindex);
/* The name of a link, or NULL. */
const char *net_state_name(const NetState *s, int ifindex);

/* Routes the apply manages: not made by the kernel or router advertisements. */
bool net_route_is_managed(const RtnlRoute *r);

json_t *net_state_to_json(const NetState *s);
/* -EINVAL for malformed input. */
int net_state_from_json(const json_t *j, NetState *ret);

/* "10.0.0.2/24" */
char *net_addr_to_string(const RtnlAddr *a);
/* "A" or "A/N" (prefix 32 or 128 when missing) into family, local and prefixlen. -EINVAL if malformed. */
int net_addr_from_string(const char *s, RtnlAddr *ret);
