/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <time.h>

#include "basic/alloc.h"
#include "sys/netlink.h"

#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

#define RTNL_RECV_SIZE (64 * 1024)

/* ---- requests ---------------------------------------------------------------- */

static struct nlmsghdr *msg_start(RtnlMsg *m, uint16_t type, uint16_t flags) {
        memset(m->buf, 0, sizeof(m->buf));
        m->nlh = mnl_nlmsg_put_header(m->buf);
        m->nlh->nlmsg_type = type;
        m->nlh->nlmsg_flags = NLM_F_REQUEST | flags;
        return m->nlh;
}

/* A nest as ip(8) writes it: without NLA_F_NESTED, which libmnl adds (the kernel accepts both). */
static struct nlattr *nest_start(struct nlmsghdr *nlh, uint16_t type) {
        struct nlattr *start = mnl_nlmsg_get_payload_tail(nlh);

        start->nla_type = type;
        nlh->nlmsg_len += MNL_ALIGN(sizeof(struct nlattr));
        return start;
}

static void put_kind_data(struct nlmsghdr *nlh, const char *kind, const RtnlLinkChange *c) {
        struct nlattr *info, *data;

        info = nest_start(nlh, IFLA_LINKINFO);
        /* ip(8) sends the kind without its terminating NUL; the kernel takes either. */
        mnl_attr_put(nlh, IFLA_INFO_KIND, strlen(kind), kind);
        data = nest_start(nlh, IFLA_INFO_DATA);
        if (streq(kind, "bridge")) {
                if (c->bridge.forward_delay.set)
                        mnl_attr_put_u32(nlh, IFLA_BR_FORWARD_DELAY, (uint32_t) c->bridge.forward_delay.value);
                if (c->bridge.stp_state.set)
                        mnl_attr_put_u32(nlh, IFLA_BR_STP_STATE, (uint32_t) c->bridge.stp_state.value);
                if (c->bridge.vlan_filtering.set)
                        mnl_attr_put_u8(nlh, IFLA_BR_VLAN_FILTERING, (uint8_t) c->bridge.vlan_filtering.value);
                if (c->bridge.vlan_protocol.set)
                        mnl_attr_put_u16(nlh, IFLA_BR_VLAN_PROTOCOL, htons((uint16_t) c->bridge.vlan_protocol.value));
        } else if (streq(kind, "bond")) {
                if (c->bond.mode.set)
                        mnl_attr_put_u8(nlh, IFLA_BOND_MODE, (uint8_t) c->bond.mode.value);
                if (c->bond.miimon.set)
                        mnl_attr_put_u32(nlh, IFLA_BOND_MIIMON, (uint32_t) c->bond.miimon.value);
                if (c->bond.xmit_hash_policy.set)
                        mnl_attr_put_u8(nlh, IFLA_BOND_XMIT_HASH_POLICY, (uint8_t) c->bond.xmit_hash_policy.value);
                if (c->bond.primary.set)
                        mnl_attr_put_u32(nlh, IFLA_BOND_PRIMARY, (uint32_t) c->bond.primary.value);
        } else if (streq(kind, "vlan")) {
                if (c->vlan.id.set)
                        mnl_attr_put_u16(nlh, IFLA_VLAN_ID, (uint16_t) c->vlan.id.value);
                if (c->vlan.protocol.set)
                        mnl_attr_put_u16(nlh, IFLA_VLAN_PROTOCOL, htons((uint16_t) c->vlan.protocol.value));
        }
        /* An empty data nest is left out, as ip(8) does. */
        if ((uint8_t *) mnl_nlmsg_get_payload_tail(nlh) - (uint8_t *) data == MNL_ALIGN(sizeof(struct nlattr)))
                nlh->nlmsg_len -= MNL_ALIGN(sizeof(struct nlattr));
        else
                mnl_attr_nest_end(nlh, data);
        mnl_attr_nest_end(nlh, info);
}

static bool has_kind_data(const RtnlLinkChange *c) {
        const RtnlOpt *fields[] = {
                &c->bridge.forward_delay, &c->bridge.stp_state, &c->bridge.vlan_filtering, &c->bridge.vlan_protocol,
                &c->bond.mode, &c->bond.miimon, &c->bond.xmit_hash_policy, &c->bond.primary,
                &c->vlan.id, &c->vlan.protocol,
        };

        for (size_t i = 0; i < ELEMENTSOF(fields); i++)
                if (fields[i]->set)
                        return true;
        return false;
}

void rtnl_msg_link(RtnlMsg *m, const RtnlLinkChange *c) {
        bool create = c->ifindex == 0;
        struct nlmsghdr *nlh = msg_start(m, RTM_NEWLINK, NLM_F_ACK | (create ? NLM_F_CREATE | NLM_F_EXCL : 0));
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = c->ifindex;
        if (c->up.set) {
                ifi->ifi_flags = c->up.value ? IFF_UP : 0;
                ifi->ifi_change = IFF_UP;
        }
        /* The order of "ip link add|set [address A] [mtu M] [master B] [link P] [name N] type K ...". */
        if (c->address_len > 0)
                mnl_attr_put(nlh, IFLA_ADDRESS, c->address_len, c->address);
        if (c->mtu.set)
                mnl_attr_put_u32(nlh, IFLA_MTU, (uint32_t) c->mtu.value);
        if (c->master.set)
                mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t) c->master.value);
        if (create && c->link > 0)
                mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t) c->link);
        if (create && c->name)
                mnl_attr_put_strz(nlh, IFLA_IFNAME, c->name);
        if (c->kind && (create || has_kind_data(c)))
                put_kind_data(nlh, c->kind, c);
}

void rtnl_msg_link_del(RtnlMsg *m, int ifindex) {
        struct nlmsghdr *nlh = msg_start(m, RTM_DELLINK, NLM_F_ACK);
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;
}

static size_t ip_len(int family) {
        return family == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
}

void rtnl_msg_addr(RtnlMsg *m, bool add, const RtnlAddr *a) {
        struct nlmsghdr *nlh =
                msg_start(m, add ? RTM_NEWADDR : RTM_DELADDR, NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0));
        struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
        size_t len = ip_len(a->family);

        ifa->ifa_family = (uint8_t) a->family;
        ifa->ifa_prefixlen = (uint8_t) a->prefixlen;
        ifa->ifa_flags = (uint8_t) (a->flags & 0xff);
        ifa->ifa_scope = (uint8_t) a->scope;
        ifa->ifa_index = (uint32_t) a->ifindex;
        /* "ip address add A/N [broadcast B]": local, broadcast, then the same address as peer. */
        mnl_attr_put(nlh, IFA_LOCAL, len, a->local.bytes);
        if (a->has_broadcast && a->family == AF_INET)
                mnl_attr_put(nlh, IFA_BROADCAST, len, a->broadcast.bytes);
        mnl_attr_put(nlh, IFA_ADDRESS, len, a->local.bytes);
        if (a->flags > 0xff)
                mnl_attr_put_u32(nlh, IFA_FLAGS, a->flags);
}

void rtnl_msg_route(RtnlMsg *m, RtnlRouteOp op, const RtnlRoute *r) {
        static const uint16_t flags[] = {
                [RTNL_ROUTE_ADD] = NLM_F_CREATE | NLM_F_EXCL,
                [RTNL_ROUTE_REPLACE] = NLM_F_CREATE | NLM_F_REPLACE,
                [RTNL_ROUTE_DEL] = 0,
        };
        bool add = op != RTNL_ROUTE_DEL;
        struct nlmsghdr *nlh = msg_start(m, add ? RTM_NEWROUTE : RTM_DELROUTE, NLM_F_ACK | flags[op]);
        struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
        size_t len = ip_len(r->family);

        rtm->rtm_family = (uint8_t) r->family;
        rtm->rtm_dst_len = (uint8_t) r->dst_len;
        rtm->rtm_table = r->table < 256 ? (uint8_t) r->table : RT_TABLE_UNSPEC;
        rtm->rtm_protocol = (uint8_t) r->protocol;
        /* As ip(8): a delete matches any scope and type. */
        rtm->rtm_scope = add ? (uint8_t) r->scope : RT_SCOPE_NOWHERE;
        rtm->rtm_type = add ? (uint8_t) r->type : RTN_UNSPEC;
        if (r->table >= 256)
                mnl_attr_put_u32(nlh, RTA_TABLE, r->table);
        if (r->dst_len > 0)
                mnl_attr_put(nlh, RTA_DST, len, r->dst.bytes);
        if (r->has_gateway)
                mnl_attr_put(nlh, RTA_GATEWAY, len, r->gateway.bytes);
        if (r->has_priority)
                mnl_attr_put_u32(nlh, RTA_PRIORITY, r->priority);
        if (r->oif > 0)
                mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t) r->oif);
}

void rtnl_msg_bridge_vlan(RtnlMsg *m, bool add, const RtnlVlan *v, bool self) {
        struct nlmsghdr *nlh = msg_start(m, add ? RTM_SETLINK : RTM_DELLINK, NLM_F_ACK);
        struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
        struct bridge_vlan_info info = { .flags = v->flags, .vid = v->vid };
        struct nlattr *spec;

        ifi->ifi_family = AF_BRIDGE;
        ifi->ifi_index = v->ifindex;
        spec = nest_start(nlh, IFLA_AF_SPEC);
        if (self)
                mnl_attr_put_u16(nlh, IFLA_BRIDGE_FLAGS, BRIDGE_FLAGS_SELF);
        if (v->vid_end > v->vid) {
                info.flags |= BRIDGE_VLAN_INFO_RANGE_BEGIN;
                mnl_attr_put(nlh, IFLA_BRIDGE_VLAN_INFO, sizeof(info), &info);
                info.flags = (uint16_t) ((v->flags & ~BRIDGE_VLAN_INFO_RANGE_BEGIN) | BRIDGE_VLAN_INFO_RANGE_END);
                info.vid = v->vid_end;
        }
        mnl_attr_put(nlh, IFLA_BRIDGE_VLAN_INFO, sizeof(info), &info);
        mnl_attr_nest_end(nlh, spec);
}

/* ---- parsing ----------------------------------------------------------------- */

/* Collects the attributes of one level into tb[], refusing malformed ones. */
typedef struct AttrTable {
        const struct nlattr **tb;
        unsigned max;
} AttrTable;

static int collect_attr(const struct nlattr *attr, void *data) {
        AttrTable *t = data;
        unsigned type = mnl_attr_get_type(attr);

        if (type <= t->max)
                t->tb[type] = attr;
        return MNL_CB_OK;
}

static int parse_level(const struct nlmsghdr *nlh, size_t offset, const struct nlattr **tb, unsigned max) {
        AttrTable t = { tb, max };

        memset(tb, 0, (max + 1) * sizeof(*tb));
        return mnl_attr_parse(nlh, (unsigned) offset, collect_attr, &t) == MNL_CB_ERROR ? -EINVAL : 0;
}

static int parse_nested(const struct nlattr *nest, const struct nlattr **tb, unsigned max) {
        AttrTable t = { tb, max };

        memset(tb, 0, (max + 1) * sizeof(*tb));
        return mnl_attr_parse_nested(nest, collect_attr, &t) == MNL_CB_ERROR ? -EINVAL : 0;
}

/* Attribute value checks: the length a fixed-size type needs. */
static bool attr_ok(const struct nlattr *a, enum mnl_attr_data_type type) {
        return a && mnl_attr_validate(a, type) >= 0;
}

static RtnlOpt get_u32(const struct nlattr *a) {
        return attr_ok(a, MNL_TYPE_U32) ? RTNL_SET((int) mnl_attr_get_u32(a)) : (RtnlOpt) {};
}

static RtnlOpt get_u8(const struct nlattr *a) {
        return attr_ok(a, MNL_TYPE_U8) ? RTNL_SET(mnl_attr_get_u8(a)) : (RtnlOpt) {};
}

static RtnlOpt get_u16(const struct nlattr *a) {
        return attr_ok(a, MNL_TYPE_U16) ? RTNL_SET(mnl_attr_get_u16(a)) : (RtnlOpt) {};
}

static RtnlOpt get_be16(const struct nlattr *a) {
        return attr_ok(a, MNL_TYPE_U16) ? RTNL_SET(ntohs(mnl_attr_get_u16(a))) : (RtnlOpt) {};
}

/* A u32 attribute that may be absent, as 0 (ifindexes). */
static int get_index(const struct nlattr *a) {
        RtnlOpt v = get_u32(a);

        return v.set ? v.value : 0;
}

static void parse_linkinfo(const struct nlattr *info, RtnlLink *l) {
        const struct nlattr *tb[IFLA_INFO_MAX + 1], *data[IFLA_BR_MAX + IFLA_BOND_MAX + IFLA_VLAN_MAX + 1];
        size_t n;

        if (parse_nested(info, tb, IFLA_INFO_MAX) < 0 || !tb[IFLA_INFO_KIND])
                return;
        n = mnl_attr_get_payload_len(tb[IFLA_INFO_KIND]);
        n = strnlen(mnl_attr_get_payload(tb[IFLA_INFO_KIND]), MIN(n, sizeof(l->kind) - 1));
        memcpy(l->kind, mnl_attr_get_payload(tb[IFLA_INFO_KIND]), n);
        l->kind[n] = 0;
        if (!tb[IFLA_INFO_DATA])
                return;
        if (streq(l->kind, "bridge") && parse_nested(tb[IFLA_INFO_DATA], data, IFLA_BR_MAX) >= 0) {
                l->bridge.forward_delay = get_u32(data[IFLA_BR_FORWARD_DELAY]);
                l->bridge.stp_state = get_u32(data[IFLA_BR_STP_STATE]);
                l->bridge.vlan_filtering = get_u8(data[IFLA_BR_VLAN_FILTERING]);
                l->bridge.vlan_protocol = get_be16(data[IFLA_BR_VLAN_PROTOCOL]);
        } else if (streq(l->kind, "bond") && parse_nested(tb[IFLA_INFO_DATA], data, IFLA_BOND_MAX) >= 0) {
                l->bond.mode = get_u8(data[IFLA_BOND_MODE]);
                l->bond.miimon = get_u32(data[IFLA_BOND_MIIMON]);
                l->bond.xmit_hash_policy = get_u8(data[IFLA_BOND_XMIT_HASH_POLICY]);
                l->bond.primary = get_u32(data[IFLA_BOND_PRIMARY]);
        } else if (streq(l->kind, "vlan") && parse_nested(tb[IFLA_INFO_DATA], data, IFLA_VLAN_MAX) >= 0) {
                l->vlan.id = get_u16(data[IFLA_VLAN_ID]);
                l->vlan.protocol = get_be16(data[IFLA_VLAN_PROTOCOL]);
        }
}

int rtnl_parse_link(const struct nlmsghdr *nlh, RtnlLink *ret) {
        const struct nlattr *tb[IFLA_MAX + 1];
        const struct ifinfomsg *ifi;
        RtnlLink l = {};
        size_t n;

        if (nlh->nlmsg_type != RTM_NEWLINK)
                return -ENOMSG;
        if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
                return -EINVAL;
        ifi = mnl_nlmsg_get_payload(nlh);
        if (ifi->ifi_family != AF_UNSPEC)
                return -ENOMSG;
        if (parse_level(nlh, sizeof(*ifi), tb, IFLA_MAX) < 0 || !attr_ok(tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING))
                return -EINVAL;

        l.ifindex = ifi->ifi_index;
        l.flags = ifi->ifi_flags;
        n = strnlen(mnl_attr_get_str(tb[IFLA_IFNAME]), sizeof(l.name) - 1);
        memcpy(l.name, mnl_attr_get_str(tb[IFLA_IFNAME]), n);
        l.mtu = get_index(tb[IFLA_MTU]);
        l.master = get_index(tb[IFLA_MASTER]);
        l.link = get_index(tb[IFLA_LINK]);
        if (tb[IFLA_ADDRESS]) {
                l.address_len = MIN((size_t) mnl_attr_get_payload_len(tb[IFLA_ADDRESS]), sizeof(l.address));
                memcpy(l.address, mnl_attr_get_payload(tb[IFLA_ADDRESS]), l.address_len);
        }
        if (tb[IFLA_LINKINFO])
                parse_linkinfo(tb[IFLA_LINKINFO], &l);
        *ret = l;
        return 0;
}

static bool copy_ip(const struct nlattr *a, int family, RtnlIP *ret) {
        if (!a || mnl_attr_get_payload_len(a) != ip_len(family))
                return false;
        memcpy(ret->bytes, mnl_attr_get_payload(a), ip_len(family));
        return true;
}

int rtnl_parse_addr(const struct nlmsghdr *nlh, RtnlAddr *ret) {
        const struct nlattr *tb[IFA_MAX + 1];
        const struct ifaddrmsg *ifa;
        RtnlAddr a = {};

        if (nlh->nlmsg_type != RTM_NEWADDR)
                return -ENOMSG;
        if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
                return -EINVAL;
        ifa = mnl_nlmsg_get_payload(nlh);
        if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
                return -ENOMSG;
        if (parse_level(nlh, sizeof(*ifa), tb, IFA_MAX) < 0)
                return -EINVAL;
        a.family = ifa->ifa_family;
        a.ifindex = (int) ifa->ifa_index;
        a.prefixlen = ifa->ifa_prefixlen;
        a.scope = ifa->ifa_scope;
        a.flags = tb[IFA_FLAGS] && attr_ok(tb[IFA_FLAGS], MNL_TYPE_U32) ? mnl_attr_get_u32(tb[IFA_FLAGS])
                                                                        : ifa->ifa_flags;
        /* IPv4 reports the address as IFA_LOCAL (IFA_ADDRESS may be a peer), IPv6 only as IFA_ADDRESS. */
        if (!copy_ip(tb[IFA_LOCAL], a.family, &a.local) && !copy_ip(tb[IFA_ADDRESS], a.family, &a.local))
                return -EINVAL;
        a.has_broadcast = copy_ip(tb[IFA_BROADCAST], a.family, &a.broadcast);
        a.permanent = a.flags & IFA_F_PERMANENT;
        if (tb[IFA_CACHEINFO] && mnl_attr_get_payload_len(tb[IFA_CACHEINFO]) >= sizeof(struct ifa_cacheinfo)) {
                const struct ifa_cacheinfo *ci = mnl_attr_get_payload(tb[IFA_CACHEINFO]);

                if (ci->ifa_valid == UINT32_MAX)
                        a.permanent = true;
        }
        *ret = a;
        return 0;
}

int rtnl_parse_route(const struct nlmsghdr *nlh, RtnlRoute *ret) {
        const struct nlattr *tb[RTA_MAX + 1];
        const struct rtmsg *rtm;
        RtnlRoute r = {};

        if (nlh->nlmsg_type != RTM_NEWROUTE)
                return -ENOMSG;
        if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
                return -EINVAL;
        rtm = mnl_nlmsg_get_payload(nlh);
        if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
                return -ENOMSG;
        if (parse_level(nlh, sizeof(*rtm), tb, RTA_MAX) < 0)
                return -EINVAL;
        r.family = rtm->rtm_family;
        r.dst_len = rtm->rtm_dst_len;
        r.table = tb[RTA_TABLE] && attr_ok(tb[RTA_TABLE], MNL_TYPE_U32) ? mnl_attr_get_u32(tb[RTA_TABLE])
                                                                        : rtm->rtm_table;
        r.protocol = rtm->rtm_protocol;
        r.scope = rtm->rtm_scope;
        r.type = rtm->rtm_type;
        if (r.dst_len > 0 && !copy_ip(tb[RTA_DST], r.family, &r.dst))
                return -EINVAL;
        r.has_gateway = copy_ip(tb[RTA_GATEWAY], r.family, &r.gateway);
        r.oif = get_index(tb[RTA_OIF]);
        if (attr_ok(tb[RTA_PRIORITY], MNL_TYPE_U32)) {
                r.has_priority = true;
                r.priority = mnl_attr_get_u32(tb[RTA_PRIORITY]);
        }
        *ret = r;
        return 0;
}

int rtnl_parse_bridge_vlans(const struct nlmsghdr *nlh, RtnlVlan **vlans, size_t *n) {
        const struct nlattr *tb[IFLA_MAX + 1], *attr;
        const struct ifinfomsg *ifi;
        uint16_t range_start = 0;

        if (nlh->nlmsg_type != RTM_NEWLINK)
                return -ENOMSG;
        if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
                return -EINVAL;
        ifi = mnl_nlmsg_get_payload(nlh);
        if (ifi->ifi_family != AF_BRIDGE)
                return -ENOMSG;
        if (parse_level(nlh, sizeof(*ifi), tb, IFLA_MAX) < 0)
                return -EINVAL;
        if (!tb[IFLA_AF_SPEC])
                return 0;

        mnl_attr_for_each_nested(attr, tb[IFLA_AF_SPEC]) {
                const struct bridge_vlan_info *info;
                RtnlVlan *v;

                if (mnl_attr_get_type(attr) != IFLA_BRIDGE_VLAN_INFO)
                        continue;
                if (mnl_attr_get_payload_len(attr) < sizeof(*info))
                        return -EINVAL;
                info = mnl_attr_get_payload(attr);
                if (info->flags & BRIDGE_VLAN_INFO_RANGE_BEGIN) {
                        range_start = info->vid;
                        continue;
                }
                *vlans = xreallocarray(*vlans, *n + 1, sizeof(RtnlVlan));
                v = &(*vlans)[(*n)++];
                *v = (RtnlVlan) {
                        .ifindex = ifi->ifi_index,
                        .vid = (info->flags & BRIDGE_VLAN_INFO_RANGE_END) ? range_start : info->vid,
                        .vid_end = info->vid,
                        .flags = info->flags & (BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED),
                };
        }
        return 0;
}

char *rtnl_parse_extack(const struct nlmsghdr *nlh) {
        const struct nlmsgerr *err;
        const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
        size_t offset;

        if (nlh->nlmsg_type != NLMSG_ERROR || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
            nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
                return NULL;
        err = mnl_nlmsg_get_payload(nlh);
        offset = sizeof(*err);
        /* Without NETLINK_CAP_ACK the request follows, and the attributes come after it. */
        if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
                offset += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
        if (offset > nlh->nlmsg_len - mnl_nlmsg_size(0) || parse_level(nlh, offset, tb, NLMSGERR_ATTR_MAX) < 0)
                return NULL;
        if (!attr_ok(tb[NLMSGERR_ATTR_MSG], MNL_TYPE_NUL_STRING))
                return NULL;
        return xstrdup(mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
}

/* ---- the socket -------------------------------------------------------------- */

int rtnl_open(Rtnl *ret) {
        struct mnl_socket *nl;
        int one = 1;

        nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        if (!nl)
                return -errno;
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
                int r = -errno;
                mnl_socket_close(nl);
                return r;
        }
        /* Error messages from the kernel, without the request echoed back. */
        (void) mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
        (void) mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
        *ret = (Rtnl) { .nl = nl, .portid = mnl_socket_get_portid(nl), .seq = (uint32_t) time(NULL) };
        return 0;
}

void rtnl_close(Rtnl *r) {
        if (r->nl)
                mnl_socket_close(r->nl);
        r->nl = NULL;
}

typedef struct Exchange {
        int error;
        char *extack;
        mnl_cb_t cb;
        void *userdata;
} Exchange;

static int on_error(const struct nlmsghdr *nlh, void *data) {
        Exchange *x = data;
        const struct nlmsgerr *err;

        if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
                x->error = -EBADMSG;
                return MNL_CB_ERROR;
        }
        err = mnl_nlmsg_get_payload(nlh);
        if (err->error == 0)
                return MNL_CB_STOP; /* the acknowledgement */
        x->error = err->error < 0 ? err->error : -err->error;
        free(x->extack);
        x->extack = rtnl_parse_extack(nlh);
        return MNL_CB_ERROR;
}

static int on_done(const struct nlmsghdr *nlh, void *data) {
        return MNL_CB_STOP;
}

static int on_noop(const struct nlmsghdr *nlh, void *data) {
        return MNL_CB_OK;
}

static int on_overrun(const struct nlmsghdr *nlh, void *data) {
        Exchange *x = data;

        x->error = -ENOBUFS;
        return MNL_CB_ERROR;
}

static int on_data(const struct nlmsghdr *nlh, void *data) {
        Exchange *x = data;

        return x->cb ? x->cb(nlh, x->userdata) : MNL_CB_OK;
}

static int exchange(Rtnl *r, struct nlmsghdr *nlh, mnl_cb_t cb, void *userdata, char **ret_extack) {
        _cleanup_free_ uint8_t *buf = xmalloc(RTNL_RECV_SIZE);
        mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
                [NLMSG_NOOP] = on_noop,
                [NLMSG_ERROR] = on_error,
                [NLMSG_DONE] = on_done,
                [NLMSG_OVERRUN] = on_overrun,
        };
        Exchange x = { .cb = cb, .userdata = userdata };
        int ret;

        nlh->nlmsg_seq = ++r->seq;
        if (mnl_socket_sendto(r->nl, nlh, nlh->nlmsg_len) < 0)
                return -errno;
        do {
                ssize_t n = mnl_socket_recvfrom(r->nl, buf, RTNL_RECV_SIZE);

                if (n < 0)
                        return -errno;
                ret = mnl_cb_run2(buf, (size_t) n, nlh->nlmsg_seq, r->portid, on_data, &x, ctl, ELEMENTSOF(ctl));
        } while (ret > MNL_CB_STOP);

        if (ret == MNL_CB_ERROR) {
                if (ret_extack)
                        *ret_extack = TAKE_PTR(x.extack);
                free(x.extack);
                return x.error < 0 ? x.error : -errno;
        }
        free(x.extack);
        return 0;
}

int rtnl_call(Rtnl *r, RtnlMsg *m, char **ret_extack) {
        if (ret_extack)
                *ret_extack = NULL;
        return exchange(r, m->nlh, NULL, NULL, ret_extack);
}

typedef struct Collect {
        void **items;
        size_t *n, size;
        int (*parse)(const struct nlmsghdr *nlh, void *ret);
        int error;
} Collect;

static int collect_item(const struct nlmsghdr *nlh, void *data) {
        Collect *c = data;
        union {
                RtnlLink link;
                RtnlAddr addr;
                RtnlRoute route;
        } item;
        int r = c->parse(nlh, &item);

        if (r == -ENOMSG)
                return MNL_CB_OK;
        if (r < 0) {
                c->error = r;
                return MNL_CB_ERROR;
        }
        *c->items = xreallocarray(*c->items, *c->n + 1, c->size);
        memcpy((uint8_t *) *c->items + *c->n * c->size, &item, c->size);
        (*c->n)++;
        return MNL_CB_OK;
}

static int dump(Rtnl *r, uint16_t type, uint8_t family, uint32_t ext_mask, mnl_cb_t cb, void *userdata) {
        RtnlMsg m;
        struct nlmsghdr *nlh = msg_start(&m, type, NLM_F_DUMP);

        if (type == RTM_GETLINK) {
                struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

                ifi->ifi_family = family;
                if (ext_mask)
                        mnl_attr_put_u32(nlh, IFLA_EXT_MASK, ext_mask);
        } else if (type == RTM_GETADDR) {
                struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

                ifa->ifa_family = family;
        } else {
                struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

                rtm->rtm_family = family;
        }
        return exchange(r, nlh, cb, userdata, NULL);
}

static int collect(Rtnl *r, uint16_t type, void **items, size_t *n, size_t size,
                   int (*parse)(const struct nlmsghdr *nlh, void *ret)) {
        Collect c = { items, n, size, parse, 0 };
        int k = dump(r, type, AF_UNSPEC, 0, collect_item, &c);

        if (c.error < 0 || k < 0) {
                *items = mfree(*items);
                *n = 0;
                return c.error < 0 ? c.error : k;
        }
        return 0;
}

static int parse_link_item(const struct nlmsghdr *nlh, void *ret) {
        return rtnl_parse_link(nlh, ret);
}

static int parse_addr_item(const struct nlmsghdr *nlh, void *ret) {
        return rtnl_parse_addr(nlh, ret);
}

static int parse_main_route_item(const struct nlmsghdr *nlh, void *ret) {
        RtnlRoute *r = ret;
        int k = rtnl_parse_route(nlh, r);

        return k >= 0 && r->table != RT_TABLE_MAIN ? -ENOMSG : k;
}

int rtnl_dump_links(Rtnl *r, RtnlLink **ret, size_t *ret_n) {
        *ret = NULL;
        *ret_n = 0;
        return collect(r, RTM_GETLINK, (void **) ret, ret_n, sizeof(RtnlLink), parse_link_item);
}

int rtnl_dump_addrs(Rtnl *r, RtnlAddr **ret, size_t *ret_n) {
        *ret = NULL;
        *ret_n = 0;
        return collect(r, RTM_GETADDR, (void **) ret, ret_n, sizeof(RtnlAddr), parse_addr_item);
}

int rtnl_dump_routes(Rtnl *r, RtnlRoute **ret, size_t *ret_n) {
        *ret = NULL;
        *ret_n = 0;
        return collect(r, RTM_GETROUTE, (void **) ret, ret_n, sizeof(RtnlRoute), parse_main_route_item);
}

typedef struct VlanCollect {
        RtnlVlan *vlans;
        size_t n;
        int error;
} VlanCollect;

static int collect_vlans(const struct nlmsghdr *nlh, void *data) {
        VlanCollect *c = data;
        int r = rtnl_parse_bridge_vlans(nlh, &c->vlans, &c->n);

        if (r < 0 && r != -ENOMSG) {
                c->error = r;
                return MNL_CB_ERROR;
        }
        return MNL_CB_OK;
}

int rtnl_dump_bridge_vlans(Rtnl *r, RtnlVlan **ret, size_t *ret_n) {
        VlanCollect c = {};
        int k = dump(r, RTM_GETLINK, AF_BRIDGE, RTEXT_FILTER_BRVLAN_COMPRESSED, collect_vlans, &c);

        if (c.error < 0 || k < 0) {
                free(c.vlans);
                return c.error < 0 ? c.error : k;
        }
        *ret = c.vlans;
        *ret_n = c.n;
        return 0;
}
