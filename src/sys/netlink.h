/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * A thin rtnetlink layer on libmnl, after iproute2's libnetlink: the
 * objects the network apply works with (links with their bridge, bond and
 * VLAN attributes, addresses, routes, bridge VLANs), requests built from
 * them, dumps parsed into them, and acknowledgements with the kernel's
 * extended-ACK message.
 *
 * Request building is pure and deterministic: the same input gives the same
 * bytes (the sequence number is set when sending), so requests can be
 * compared byte for byte in tests, also for link kinds this kernel may not
 * have. Attributes are emitted in iproute2's order, so a request equals what
 * ip(8) sends for the corresponding command.
 *
 * Everything acts on the network namespace of the calling process.
 *
 *         Rtnl rtnl = RTNL_INIT;
 *         RtnlMsg m;
 *         r = rtnl_open(&rtnl);
 *         rtnl_msg_link(&m, &(RtnlLinkChange) { .ifindex = 7, .mtu = RTNL_SET(9000) });
 *         r = rtnl_call(&rtnl, &m, &extack);   (-EINVAL, extack "mtu greater than device maximum")
 */

#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/macro.h"

/*
 * An optional value: in a request, unset means "leave as it is"; in a dump,
 * "not reported". Zero-initialised structures have everything unset.
 */
typedef struct RtnlOpt {
        bool set;
        int value;
} RtnlOpt;

#define RTNL_SET(v) ((RtnlOpt) { .set = true, .value = (v) })

#define RTNL_MSG_SIZE 4096
#define RTNL_ADDR_MAX 32

typedef union RtnlIP {
        struct in_addr in;
        struct in6_addr in6;
        uint8_t bytes[16];
} RtnlIP;

/* Bridge attributes (IFLA_BR_*); forward_delay in centiseconds as the kernel counts it. */
typedef struct RtnlBridgeInfo {
        RtnlOpt stp_state, forward_delay, vlan_filtering, vlan_protocol;
} RtnlBridgeInfo;

/* Bond attributes (IFLA_BOND_*): mode 0-6, miimon in ms, xmit hash policy 0-4, primary slave's ifindex. */
typedef struct RtnlBondInfo {
        RtnlOpt mode, miimon, xmit_hash_policy, primary;
} RtnlBondInfo;

/* VLAN attributes: id and protocol (ETH_P_8021Q or ETH_P_8021AD, host order). */
typedef struct RtnlVlanInfo {
        RtnlOpt id, protocol;
} RtnlVlanInfo;

typedef struct RtnlLink {
        int ifindex;
        char name[IFNAMSIZ];
        unsigned flags;          /* IFF_* */
        int mtu;
        uint8_t address[RTNL_ADDR_MAX];
        size_t address_len;
        int master;              /* ifindex of the bridge or bond; 0: none */
        int link;                /* lower device (VLAN parent); 0: none */
        char kind[16];           /* IFLA_INFO_KIND: "bridge", "bond", "vlan", "veth", ...; "" for plain NICs */
        RtnlBridgeInfo bridge;   /* set only for links of that kind */
        RtnlBondInfo bond;
        RtnlVlanInfo vlan;
} RtnlLink;

/*
 * An RTM_NEWLINK request: ifindex 0 creates name of kind (with link as lower
 * device for VLANs), else changes the link. Unset fields stay as they are;
 * master 0 releases the link from its bridge or bond, up 0 takes it down.
 */
typedef struct RtnlLinkChange {
        int ifindex;
        const char *name;
        const char *kind;
        int link;
        RtnlOpt mtu, master, up;
        const uint8_t *address;
        size_t address_len;
        RtnlBridgeInfo bridge;
        RtnlBondInfo bond;
        RtnlVlanInfo vlan;
} RtnlLinkChange;

typedef struct RtnlAddr {
        int family;              /* AF_INET, AF_INET6 */
        int ifindex;
        unsigned prefixlen;
        unsigned scope;          /* RT_SCOPE_* */
        unsigned flags;          /* IFA_F_* */
        RtnlIP local;
        bool has_broadcast;
        RtnlIP broadcast;
        bool permanent;          /* no lifetime (IFA_F_PERMANENT or infinite valid lifetime) */
} RtnlAddr;

typedef struct RtnlRoute {
        int family;
        unsigned dst_len;
        RtnlIP dst;
        bool has_gateway;
        RtnlIP gateway;
        int oif;                 /* 0: none */
        uint32_t table;
        unsigned protocol;       /* RTPROT_* */
        unsigned scope;
        unsigned type;           /* RTN_* */
        bool has_priority;
        uint32_t priority;       /* metric */
} RtnlRoute;

/* VLANs of a bridge port, or of the bridge itself ("self"): vid .. vid_end with BRIDGE_VLAN_INFO_* flags. */
typedef struct RtnlVlan {
        int ifindex;
        uint16_t vid, vid_end;
        uint16_t flags;          /* BRIDGE_VLAN_INFO_PVID, BRIDGE_VLAN_INFO_UNTAGGED */
} RtnlVlan;

typedef struct RtnlMsg {
        union {
                uint8_t buf[RTNL_MSG_SIZE];
                struct nlmsghdr align_;
        };
        struct nlmsghdr *nlh;
} RtnlMsg;

/* ---- requests (pure) --------------------------------------------------------- */

void rtnl_msg_link(RtnlMsg *m, const RtnlLinkChange *c);
void rtnl_msg_link_del(RtnlMsg *m, int ifindex);
/* RTM_NEWADDR (add) or RTM_DELADDR. */
void rtnl_msg_addr(RtnlMsg *m, bool add, const RtnlAddr *a);
typedef enum RtnlRouteOp {
        RTNL_ROUTE_ADD,     /* "ip route add": fails if the route exists */
        RTNL_ROUTE_REPLACE, /* "ip route replace": takes the place of a route with the same key */
        RTNL_ROUTE_DEL,
} RtnlRouteOp;

void rtnl_msg_route(RtnlMsg *m, RtnlRouteOp op, const RtnlRoute *r);
/* Adds or removes VLANs on a bridge port, or on the bridge itself with self. */
void rtnl_msg_bridge_vlan(RtnlMsg *m, bool add, const RtnlVlan *v, bool self);

/* ---- parsing (pure) ---------------------------------------------------------- */

/* One message of a dump; -EINVAL for malformed ones, -ENOMSG for messages of another type or family. */
int rtnl_parse_link(const struct nlmsghdr *nlh, RtnlLink *ret);
int rtnl_parse_addr(const struct nlmsghdr *nlh, RtnlAddr *ret);
int rtnl_parse_route(const struct nlmsghdr *nlh, RtnlRoute *ret);
/* The VLAN ranges of one AF_BRIDGE link message, appended to *vlans. */
int rtnl_parse_bridge_vlans(const struct nlmsghdr *nlh, RtnlVlan **vlans, size_t *n);
/* The extended-ACK message of an NLMSG_ERROR, or NULL. */
char *rtnl_parse_extack(const struct nlmsghdr *nlh);

/* ---- the socket -------------------------------------------------------------- */

typedef struct Rtnl {
        struct mnl_socket *nl;
        uint32_t seq, portid;
} Rtnl;

#define RTNL_INIT { .nl = NULL }

int rtnl_open(Rtnl *ret);
void rtnl_close(Rtnl *r);

/*
 * Sends a request and waits for its acknowledgement. On a kernel error
 * returns its negative errno with the extended-ACK message (or NULL) in
 * *ret_extack.
 */
int rtnl_call(Rtnl *r, RtnlMsg *m, char **ret_extack);

/* Dumps; each returns a malloc'd array. Routes: the main table, IPv4 and IPv6. */
int rtnl_dump_links(Rtnl *r, RtnlLink **ret, size_t *ret_n);
int rtnl_dump_addrs(Rtnl *r, RtnlAddr **ret, size_t *ret_n);
int rtnl_dump_routes(Rtnl *r, RtnlRoute **ret, size_t *ret_n);
int rtnl_dump_bridge_vlans(Rtnl *r, RtnlVlan **ret, size_t *ret_n);
