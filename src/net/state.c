/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/encode.h"
#include "basic/parse.h"
#include "basic/strbuf.h"
#include "net/state.h"

void net_state_done(NetState *s) {
        free(s->links);
        free(s->addrs);
        free(s->routes);
        free(s->vlans);
        *s = (NetState) {};
}

bool net_route_is_managed(const RtnlRoute *r) {
        return r->protocol != RTPROT_KERNEL && r->protocol != RTPROT_RA && r->type == RTN_UNICAST;
}

int net_state_read(Rtnl *rtnl, NetState *ret) {
        _cleanup_(net_state_done) NetState s = {};
        size_t keep = 0;
        int r;

        r = rtnl_dump_links(rtnl, &s.links, &s.n_links);
        if (r >= 0)
                r = rtnl_dump_addrs(rtnl, &s.addrs, &s.n_addrs);
        if (r >= 0)
                r = rtnl_dump_routes(rtnl, &s.routes, &s.n_routes);
        if (r >= 0)
                r = rtnl_dump_bridge_vlans(rtnl, &s.vlans, &s.n_vlans);
        if (r < 0)
                return r;
        for (size_t i = 0; i < s.n_routes; i++)
                if (net_route_is_managed(&s.routes[i]))
                        s.routes[keep++] = s.routes[i];
        s.n_routes = keep;
        *ret = s;
        s = (NetState) {};
        return 0;
}

const RtnlLink *net_state_link(const NetState *s, const char *name) {
        for (size_t i = 0; i < s->n_links; i++)
                if (streq(s->links[i].name, name))
                        return &s->links[i];
        return NULL;
}

const RtnlLink *net_state_link_by_index(const NetState *s, int ifindex) {
        for (size_t i = 0; i < s->n_links; i++)
                if (s->links[i].ifindex == ifindex)
                        return &s->links[i];
        return NULL;
}

const char *net_state_name(const NetState *s, int ifindex) {
        const RtnlLink *l = net_state_link_by_index(s, ifindex);

        return l ? l->name : NULL;
}

/* ---- addresses as text ------------------------------------------------------- */

static char *ip_to_string(int family, const RtnlIP *ip) {
        char buf[INET6_ADDRSTRLEN];

        return xstrdup(inet_ntop(family, ip->bytes, buf, sizeof(buf)) ?: "");
}

static int ip_from_string(const char *s, int *family, RtnlIP *ret) {
        if (inet_pton(AF_INET, s, &ret->in) == 1)
                *family = AF_INET;
        else if (inet_pton(AF_INET6, s, &ret->in6) == 1)
                *family = AF_INET6;
        else
                return -EINVAL;
        return 0;
}

char *net_addr_to_string(const RtnlAddr *a) {
        _cleanup_free_ char *ip = ip_to_string(a->family, &a->local);

        return xasprintf("%s/%u", ip, a->prefixlen);
}

int net_addr_from_string(const char *s, RtnlAddr *ret) {
        _cleanup_free_ char *ip = xstrndup(s, strcspn(s, "/"));
        const char *slash = strchr(s, '/');
        RtnlAddr a = {};
        int prefix;

        if (ip_from_string(ip, &a.family, &a.local) < 0)
                return -EINVAL;
        if (slash) {
                if (parse_int(slash + 1, 0, a.family == AF_INET ? 32 : 128, &prefix) < 0)
                        return -EINVAL;
                a.prefixlen = (unsigned) prefix;
        } else
                a.prefixlen = a.family == AF_INET ? 32 : 128;
        *ret = a;
        return 0;
}

/* ---- JSON ------------------------------------------------------------------ */

static json_t *opt_json(RtnlOpt o) {
        return o.set ? json_integer(o.value) : json_null();
}

static RtnlOpt opt_from(const json_t *o, const char *key) {
        json_t *v = json_object_get(o, key);

        return json_is_integer(v) ? RTNL_SET((int) json_integer_value(v)) : (RtnlOpt) {};
}

static int int_from(const json_t *o, const char *key) {
        return (int) json_integer_value(json_object_get(o, key));
}

static json_t *link_to_json(const RtnlLink *l) {
        _cleanup_strbuf_ StrBuf mac = STRBUF_INIT;

        hex_encode(&mac, l->address, l->address_len);
        return json_pack("{s:i,s:s,s:i,s:i,s:s,s:i,s:i,s:s,s:{s:o,s:o,s:o,s:o},s:{s:o,s:o,s:o,s:o},s:{s:o,s:o}}",
                         "ifindex", l->ifindex, "name", l->name, "flags", (int) l->flags, "mtu", l->mtu, "address",
                         mac.buf, "master", l->master, "link", l->link, "kind", l->kind,
                         "bridge", "stp_state", opt_json(l->bridge.stp_state), "forward_delay",
                         opt_json(l->bridge.forward_delay), "vlan_filtering", opt_json(l->bridge.vlan_filtering),
                         "vlan_protocol", opt_json(l->bridge.vlan_protocol),
                         "bond", "mode", opt_json(l->bond.mode), "miimon", opt_json(l->bond.miimon),
                         "xmit_hash_policy", opt_json(l->bond.xmit_hash_policy), "primary", opt_json(l->bond.primary),
                         "vlan", "id", opt_json(l->vlan.id), "protocol", opt_json(l->vlan.protocol));
}

static int unhexchar(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        return -EINVAL;
}

static int copy_name(char *dst, size_t size, const char *src) {
        if (!src || strlen(src) >= size)
                return -EINVAL;
        strcpy(dst, src);
        return 0;
}

static int link_from_json(const json_t *o, RtnlLink *ret) {
        json_t *br = json_object_get(o, "bridge"), *bond = json_object_get(o, "bond"), *vl = json_object_get(o, "vlan");
        const char *address = json_object_get_string(o, "address");
        RtnlLink l = {
                .ifindex = int_from(o, "ifindex"),
                .flags = (unsigned) int_from(o, "flags"),
                .mtu = int_from(o, "mtu"),
                .master = int_from(o, "master"),
                .link = int_from(o, "link"),
                .bridge = { opt_from(br, "stp_state"), opt_from(br, "forward_delay"), opt_from(br, "vlan_filtering"),
                            opt_from(br, "vlan_protocol") },
                .bond = { opt_from(bond, "mode"), opt_from(bond, "miimon"), opt_from(bond, "xmit_hash_policy"),
                          opt_from(bond, "primary") },
                .vlan = { opt_from(vl, "id"), opt_from(vl, "protocol") },
        };

        if (copy_name(l.name, sizeof(l.name), json_object_get_string(o, "name")) < 0 ||
            copy_name(l.kind, sizeof(l.kind), json_object_get_string(o, "kind")) < 0)
                return -EINVAL;
        if (!address || strlen(address) % 2 || strlen(address) / 2 > sizeof(l.address))
                return -EINVAL;
        for (size_t i = 0; address[i]; i += 2) {
                int hi = unhexchar(address[i]), lo = unhexchar(address[i + 1]);

                if (hi < 0 || lo < 0)
                        return -EINVAL;
                l.address[l.address_len++] = (uint8_t) (hi << 4 | lo);
        }
        *ret = l;
        return 0;
}

static json_t *addr_to_json(const RtnlAddr *a) {
        _cleanup_free_ char *local = ip_to_string(a->family, &a->local),
                            *brd = a->has_broadcast ? ip_to_string(a->family, &a->broadcast) : NULL;

        return json_pack("{s:i,s:s,s:i,s:i,s:i,s:s?,s:b}", "ifindex", a->ifindex, "local", local, "prefixlen",
                         (int) a->prefixlen, "scope", (int) a->scope, "flags", (int) a->flags, "broadcast", brd,
                         "permanent", a->permanent);
}

static int addr_from_json(const json_t *o, RtnlAddr *ret) {
        const char *local = json_object_get_string(o, "local"), *brd = json_object_get_string(o, "broadcast");
        RtnlAddr a = {
                .ifindex = int_from(o, "ifindex"),
                .prefixlen = (unsigned) int_from(o, "prefixlen"),
                .scope = (unsigned) int_from(o, "scope"),
                .flags = (unsigned) int_from(o, "flags"),
                .permanent = json_is_true(json_object_get(o, "permanent")),
        };
        int family;

        if (!local || ip_from_string(local, &a.family, &a.local) < 0)
                return -EINVAL;
        if (brd) {
                if (ip_from_string(brd, &family, &a.broadcast) < 0 || family != a.family)
                        return -EINVAL;
                a.has_broadcast = true;
        }
        *ret = a;
        return 0;
}

static json_t *route_to_json(const RtnlRoute *r) {
        _cleanup_free_ char *dst = ip_to_string(r->family, &r->dst),
                            *gw = r->has_gateway ? ip_to_string(r->family, &r->gateway) : NULL;

        return json_pack("{s:i,s:s,s:i,s:s?,s:i,s:I,s:i,s:i,s:i,s:o}", "family", r->family == AF_INET6 ? 6 : 4,
                         "dst", dst, "dst_len", (int) r->dst_len, "gateway", gw, "oif", r->oif, "table",
                         (json_int_t) r->table, "protocol", (int) r->protocol, "scope", (int) r->scope, "type",
                         (int) r->type, "priority", r->has_priority ? json_integer(r->priority) : json_null());
}

static int route_from_json(const json_t *o, RtnlRoute *ret) {
        const char *dst = json_object_get_string(o, "dst"), *gw = json_object_get_string(o, "gateway");
        json_t *prio = json_object_get(o, "priority");
        RtnlRoute r = {
                .dst_len = (unsigned) int_from(o, "dst_len"),
                .oif = int_from(o, "oif"),
                .table = (uint32_t) json_integer_value(json_object_get(o, "table")),
                .protocol = (unsigned) int_from(o, "protocol"),
                .scope = (unsigned) int_from(o, "scope"),
                .type = (unsigned) int_from(o, "type"),
        };
        int family;

        if (!dst || ip_from_string(dst, &r.family, &r.dst) < 0)
                return -EINVAL;
        if (gw) {
                if (ip_from_string(gw, &family, &r.gateway) < 0 || family != r.family)
                        return -EINVAL;
                r.has_gateway = true;
        }
        if (json_is_integer(prio)) {
                r.has_priority = true;
                r.priority = (uint32_t) json_integer_value(prio);
        }
        *ret = r;
        return 0;
}

static json_t *vlan_to_json(const RtnlVlan *v) {
        return json_pack("{s:i,s:i,s:i,s:i}", "ifindex", v->ifindex, "vid", v->vid, "vid_end", v->vid_end, "flags",
                         v->flags);
}

static int vlan_from_json(const json_t *o, RtnlVlan *ret) {
        *ret = (RtnlVlan) {
                .ifindex = int_from(o, "ifindex"),
                .vid = (uint16_t) int_from(o, "vid"),
                .vid_end = (uint16_t) int_from(o, "vid_end"),
                .flags = (uint16_t) int_from(o, "flags"),
        };
        return ret->vid >= 1 && ret->vid <= ret->vid_end && ret->vid_end <= 4094 ? 0 : -EINVAL;
}

json_t *net_state_to_json(const NetState *s) {
        json_t *links = json_array(), *addrs = json_array(), *routes = json_array(), *vlans = json_array();

        for (size_t i = 0; i < s->n_links; i++)
                json_array_append_new(links, link_to_json(&s->links[i]));
        for (size_t i = 0; i < s->n_addrs; i++)
                json_array_append_new(addrs, addr_to_json(&s->addrs[i]));
        for (size_t i = 0; i < s->n_routes; i++)
                json_array_append_new(routes, route_to_json(&s->routes[i]));
        for (size_t i = 0; i < s->n_vlans; i++)
                json_array_append_new(vlans, vlan_to_json(&s->vlans[i]));
        return json_pack("{s:o,s:o,s:o,s:o}", "links", links, "addresses", addrs, "routes", routes, "vlans", vlans);
}

#define FROM_ARRAY(key, T, items, n, fn)                                                        \
        do {                                                                                    \
                json_t *_a = json_object_get(j, key), *_e;                                      \
                size_t _i;                                                                      \
                                                                                                \
                if (!json_is_array(_a))                                                         \
                        return -EINVAL;                                                         \
                s.items = new0(T, json_array_size(_a) + 1);                                     \
                json_array_foreach(_a, _i, _e) {                                                \
                        if (fn(_e, &s.items[s.n]) < 0)                                          \
                                return -EINVAL;                                                 \
                        s.n++;                                                                  \
                }                                                                               \
        } while (0)

int net_state_from_json(const json_t *j, NetState *ret) {
        _cleanup_(net_state_done) NetState s = {};

        FROM_ARRAY("links", RtnlLink, links, n_links, link_from_json);
        FROM_ARRAY("addresses", RtnlAddr, addrs, n_addrs, addr_from_json);
        FROM_ARRAY("routes", RtnlRoute, routes, n_routes, route_from_json);
        FROM_ARRAY("vlans", RtnlVlan, vlans, n_vlans, vlan_from_json);
        *ret = s;
        s = (NetState) {};
        return 0;
}
