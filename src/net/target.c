/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <linux/if_bridge.h>
#include <linux/if_ether.h>
#include <linux/rtnetlink.h>

#include "api/format.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/parse.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "net/target.h"

static void target_link_done(NetTargetLink *l) {
        free(l->name);
        free(l->parent);
        free(l->master);
        free(l->bond_primary);
        free(l->addrs);
        free(l->drop_addrs);
        free(l->vlans);
}

void net_target_done(NetTarget *t) {
        for (size_t i = 0; i < t->n_links; i++)
                target_link_done(&t->links[i]);
        free(t->links);
        strv_free(t->remove);
        for (size_t i = 0; i < t->n_routes; i++)
                free(t->routes[i].dev);
        free(t->routes);
        for (size_t i = 0; i < t->n_drop_routes; i++)
                free(t->drop_routes[i].dev);
        free(t->drop_routes);
        *t = (NetTarget) {};
}

NetTargetLink *net_target_link(const NetTarget *t, const char *name) {
        for (size_t i = 0; i < t->n_links; i++)
                if (streq(t->links[i].name, name))
                        return &t->links[i];
        return NULL;
}

static NetTargetLink *add_link(NetTarget *t, const char *name) {
        NetTargetLink *l = net_target_link(t, name);

        if (l)
                return l;
        t->links = xreallocarray(t->links, t->n_links + 1, sizeof(NetTargetLink));
        l = &t->links[t->n_links++];
        *l = (NetTargetLink) { .name = xstrdup(name) };
        return l;
}

#define APPEND(array, n, value)                                                         \
        do {                                                                            \
                (array) = xreallocarray((array), (n) + 1, sizeof(*(array)));            \
                (array)[(n)++] = (value);                                               \
        } while (0)

static void add_route(NetTargetRoute **routes, size_t *n, const RtnlRoute *r, const char *dev) {
        APPEND(*routes, *n, ((NetTargetRoute) { .route = *r, .dev = xstrdup(dev) }));
}

/* Lower devices first: a link's depth is one more than that of what it builds on. */
static int compare_depth(const void *a, const void *b) {
        const NetTargetLink *x = a, *y = b;

        if (x->depth != y->depth)
                return x->depth < y->depth ? -1 : 1;
        return strcmp(x->name, y->name);
}

/* ---- from a configuration -------------------------------------------------- */

static bool iface_is_type(const NetIface *i, const char *type) {
        return i && streq_ptr(net_attr_str(i, "type"), type);
}

/* "X" of a VLAN named "X.N", or its vlan-raw-device. */
static char *vlan_parent(const char *name, const NetIface *i) {
        const char *dot = strrchr(name, '.');

        if (dot && dot > name && dot[1] && dot[1 + strspn(dot + 1, "0123456789")] == 0)
                return xstrndup(name, (size_t) (dot - name));
        if (i && net_attr_true(i, "vlan-raw-device"))
                return xstrdup(net_attr_str(i, "vlan-raw-device"));
        return NULL;
}

static bool is_dotted_vlan(const char *name) {
        const char *dot = strrchr(name, '.');

        return dot && dot > name && dot[1] && dot[1 + strspn(dot + 1, "0123456789")] == 0;
}

/* The devices an interface builds on. */
static char **lower_devices(const char *name, const NetIface *i) {
        char **l = NULL;

        if (iface_is_type(i, "bridge")) {
                _cleanup_strv_free_ char **ports = api_split_list(net_attr_str(i, "bridge_ports"));
                strv_extend_strv(&l, ports);
        } else if (iface_is_type(i, "bond")) {
                _cleanup_strv_free_ char **slaves = api_split_list(net_attr_str(i, "slaves"));
                strv_extend_strv(&l, slaves);
        } else if (!i || iface_is_type(i, "vlan")) {
                char *p = vlan_parent(name, i);

                if (p)
                        strv_push(&l, p);
        }
        return l;
}

char **net_config_managed(const NetConfig *c) {
        _cleanup_strv_free_ char **todo = NULL;
        char **done = NULL;

        for (size_t k = 0; k < net_config_count(c); k++) {
                NetIface *i = net_config_iface(c, k);

                if (net_attr_true(i, "autostart") && !streq_ptr(net_attr_str(i, "type"), "alias"))
                        strv_extend(&todo, i->name);
        }
        while (!strv_isempty(todo)) {
                _cleanup_free_ char *name = todo[0];
                _cleanup_strv_free_ char **lower = NULL;

                memmove(todo, todo + 1, strv_length(todo) * sizeof(char *));
                if (strv_contains(done, name))
                        continue;
                strv_extend(&done, name);
                lower = lower_devices(name, net_config_find(c, name));
                STRV_FOREACH(p, lower)
                        if (!strv_contains(done, *p))
                                strv_extend(&todo, *p);
        }
        strv_sort(done);
        return done;
}

static const char *family_method(const NetIface *i, bool v6) {
        json_t *families = json_object_get(i->attrs, "families");

        /* A stanza without family configures whatever addresses it lists. */
        if (json_array_size(families) > 0 && json_is_null(json_array_get(families, 0)))
                return "static";
        return net_attr_str(i, v6 ? "method6" : "method");
}

static int parse_addresses(const NetIface *i, bool v6, RtnlAddr **ret, size_t *ret_n, char **reterr) {
        _cleanup_strv_free_ char **values = net_iface_address_values(i, v6);

        STRV_FOREACH(v, values) {
                RtnlAddr a;

                if (net_addr_from_string(*v, &a) < 0 || (a.family == AF_INET6) != v6) {
                        *reterr = xasprintf("%s: invalid address '%s'", i->name, *v);
                        return -EINVAL;
                }
                APPEND(*ret, *ret_n, a);
        }
        return 0;
}

static bool addr_in(const RtnlAddr *a, const RtnlAddr *list, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (list[i].family == a->family && list[i].prefixlen == a->prefixlen &&
                    memcmp(list[i].local.bytes, a->local.bytes, a->family == AF_INET ? 4 : 16) == 0)
                        return true;
        return false;
}

static int static_addresses(const NetIface *i, RtnlAddr **ret, size_t *ret_n, char **reterr) {
        int r;

        for (int v6 = 0; v6 <= 1; v6++)
                if (streq_ptr(family_method(i, v6), "static")) {
                        r = parse_addresses(i, v6, ret, ret_n, reterr);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static int gateway_route(const NetIface *i, bool v6, RtnlRoute *ret) {
        const char *gw = net_attr_str(i, v6 ? "gateway6" : "gateway");
        RtnlAddr a;

        if (!gw || !*gw || !streq_ptr(family_method(i, v6), "static"))
                return -ENOENT;
        if (net_addr_from_string(gw, &a) < 0 || (a.family == AF_INET6) != v6 || a.prefixlen != (v6 ? 128u : 32u))
                return -EINVAL;
        *ret = (RtnlRoute) {
                .family = a.family,
                .has_gateway = true,
                .gateway = a.local,
                .table = RT_TABLE_MAIN,
                .protocol = RTPROT_BOOT,
                .scope = RT_SCOPE_UNIVERSE,
                .type = RTN_UNICAST,
        };
        return 0;
}

/* "hwaddress [ether] aa:bb:cc:dd:ee:ff" among the unknown options. */
static int hwaddress(const NetIface *i, uint8_t *mac, size_t *len) {
        json_t *opts = json_object_get(i->attrs, "options"), *o;
        size_t k;

        json_array_foreach(opts, k, o) {
                _cleanup_strv_free_ char **w = strv_split(json_string_value(o), " \t");
                const char *v;
                unsigned b[6];
                char tail;

                if (strv_length(w) < 2 || !streq(w[0], "hwaddress"))
                        continue;
                v = streq(w[1], "ether") && w[2] ? w[2] : w[1];
                if (sscanf(v, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6)
                        return -EINVAL;
                for (int j = 0; j < 6; j++)
                        mac[j] = (uint8_t) b[j];
                *len = 6;
        }
        return 0;
}

static int bond_mode_number(const char *mode) {
        for (int m = 0; net_bond_modes[m]; m++)
                if (streq(net_bond_modes[m], mode))
                        return m;
        return -EINVAL;
}

static int hash_policy_number(const char *policy) {
        /* The kernel's numbers: layer2 0, layer3+4 1, layer2+3 2. */
        static const char *const policies[] = { "layer2", "layer3+4", "layer2+3", NULL };

        for (int p = 0; policies[p]; p++)
                if (streq(policies[p], policy))
                        return p;
        return -EINVAL;
}

static long attr_long(const NetIface *i, const char *key) {
        json_t *v = json_object_get(i->attrs, key);
        _cleanup_free_ char *s = v ? json_scalar_to_string(v) : NULL;

        return s ? strtol(s, NULL, 10) : 0;
}

/* The VLANs of a port of a VLAN-aware bridge: the untagged PVID 1 and bridge-vids (2-4094 by default). */
static int port_vlans(const NetIface *bridge, NetTargetLink *l, char **reterr) {
        _cleanup_strv_free_ char **vids = api_split_list(net_attr_true(bridge, "bridge_vids")
                                                                 ? net_attr_str(bridge, "bridge_vids")
                                                                 : "2-4094");

        l->exact_vlans = true;
        APPEND(l->vlans, l->n_vlans,
               ((RtnlVlan) { .vid = 1, .vid_end = 1, .flags = BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED }));
        STRV_FOREACH(v, vids) {
                int a, b = 0;
                char *dash = strchr(*v, '-');

                if (dash)
                        *dash = 0;
                if (parse_int(*v, 1, 4094, &a) < 0 || (dash && parse_int(dash + 1, a, 4094, &b) < 0)) {
                        *reterr = xasprintf("%s: invalid bridge-vids entry '%s'", bridge->name, *v);
                        return -EINVAL;
                }
                APPEND(l->vlans, l->n_vlans,
                       ((RtnlVlan) { .vid = (uint16_t) a, .vid_end = (uint16_t) (dash ? b : a) }));
        }
        return 0;
}

static int link_from_iface(const NetConfig *c, const char *name, NetTargetLink *l, char **reterr) {
        const NetIface *i = net_config_find(c, name);
        const char *type = i ? net_attr_str(i, "type") : "vlan";
        int r;

        l->up = RTNL_SET(1);
        if (streq_ptr(type, "bridge")) {
                bool stp = streq_ptr(net_attr_str(i, "bridge_stp"), "on");

                strcpy(l->kind, "bridge");
                l->bridge.stp_state = RTNL_SET(stp);
                if (json_object_get(i->attrs, "bridge_fd"))
                        l->bridge.forward_delay = RTNL_SET((int) attr_long(i, "bridge_fd") * 100);
                l->bridge.vlan_filtering = RTNL_SET(net_attr_true(i, "bridge_vlan_aware"));
        } else if (streq_ptr(type, "bond")) {
                const char *mode = net_attr_str(i, "bond_mode") ?: "balance-rr", *hash;
                int m = bond_mode_number(mode), h;

                if (m < 0) {
                        *reterr = xasprintf("bond '%s' - unsupported bond mode '%s'", name, mode);
                        return -EINVAL;
                }
                strcpy(l->kind, "bond");
                l->bond.mode = RTNL_SET(m);
                l->bond.miimon = RTNL_SET(json_object_get(i->attrs, "bond_miimon") ? (int) attr_long(i, "bond_miimon")
                                                                                    : 100);
                hash = net_attr_str(i, "bond_xmit_hash_policy");
                if (hash && (m == 2 || m == 4)) {
                        h = hash_policy_number(hash);
                        if (h < 0) {
                                *reterr = xasprintf("bond '%s' - unsupported hash policy '%s'", name, hash);
                                return -EINVAL;
                        }
                        l->bond.xmit_hash_policy = RTNL_SET(h);
                }
                if (m == 1 && net_attr_true(i, "bond-primary"))
                        l->bond_primary = xstrdup(net_attr_str(i, "bond-primary"));
        } else if (streq_ptr(type, "vlan")) {
                const char *dot = strrchr(name, '.'), *proto = i ? net_attr_str(i, "vlan-protocol") : NULL;

                strcpy(l->kind, "vlan");
                l->parent = vlan_parent(name, i);
                if (is_dotted_vlan(name))
                        l->vlan.id = RTNL_SET((int) strtol(dot + 1, NULL, 10));
                else if (startswith(name, "vlan") && name[4] && name[4 + strspn(name + 4, "0123456789")] == 0)
                        l->vlan.id = RTNL_SET((int) strtol(name + 4, NULL, 10));
                else
                        l->vlan.id = RTNL_SET((int) attr_long(i, "vlan-id"));
                l->vlan.protocol = RTNL_SET(streq_ptr(proto, "802.1ad") ? ETH_P_8021AD : ETH_P_8021Q);
        }
        if (!i)
                return 0;

        if (net_attr_true(i, "mtu"))
                l->mtu = RTNL_SET((int) attr_long(i, "mtu"));
        if (hwaddress(i, l->mac, &l->mac_len) < 0) {
                *reterr = xasprintf("%s: invalid hwaddress", name);
                return -EINVAL;
        }
        for (int v6 = 0; v6 <= 1; v6++)
                l->exact_addrs[v6] = streq_ptr(family_method(i, v6), "static");
        r = static_addresses(i, &l->addrs, &l->n_addrs, reterr);
        return r;
}

static void set_ports(const NetConfig *c, NetTarget *t, char *const *managed, const char *const *keys, bool release,
                      char **reterr, int *r) {
        for (size_t k = 0; k < net_config_count(c) && *r >= 0; k++) {
                NetIface *i = net_config_iface(c, k);
                bool bridge = iface_is_type(i, "bridge"), bond = iface_is_type(i, "bond");

                if (!strv_contains(managed, i->name) || !(bridge || bond))
                        continue;
                for (const char *const *key = keys; *key; key++) {
                        _cleanup_strv_free_ char **ports = api_split_list(net_attr_str(i, *key));

                        if (streq(*key, "slaves") != bond)
                                continue;
                        STRV_FOREACH(p, ports) {
                                NetTargetLink *l = add_link(t, *p);

                                if (release && l->set_master)
                                        continue;
                                l->set_master = true;
                                free(l->master);
                                l->master = release ? NULL : xstrdup(i->name);
                                if (!release && bridge && net_attr_true(i, "bridge_vlan_aware"))
                                        *r = port_vlans(i, l, reterr);
                        }
                }
        }
}

static void compute_depths(NetTarget *t) {
        bool changed = true;

        for (size_t pass = 0; changed && pass <= t->n_links; pass++) {
                changed = false;
                for (size_t i = 0; i < t->n_links; i++) {
                        NetTargetLink *l = &t->links[i];
                        const char *upper = l->set_master ? l->master : NULL;
                        NetTargetLink *u;

                        /* A port is below its bridge or bond, a VLAN above its parent. */
                        if (upper && (u = net_target_link(t, upper)) && u->depth <= l->depth) {
                                u->depth = l->depth + 1;
                                changed = true;
                        }
                        if (l->parent && (u = net_target_link(t, l->parent)) && l->depth <= u->depth) {
                                l->depth = u->depth + 1;
                                changed = true;
                        }
                }
        }
        qsort(t->links, t->n_links, sizeof(NetTargetLink), compare_depth);
}

int net_target_from_config(const NetConfig *new, const NetConfig *previous, NetTarget *ret, char **reterr) {
        static const char *const port_keys[] = { "bridge_ports", "slaves", NULL };
        _cleanup_(net_target_done) NetTarget t = {};
        _cleanup_strv_free_ char **managed = net_config_managed(new),
                                 **was = previous ? net_config_managed(previous) : NULL;
        int r = 0;

        STRV_FOREACH(name, managed) {
                r = link_from_iface(new, *name, add_link(&t, *name), reterr);
                if (r < 0)
                        return r;
        }
        /* Ports and slaves, then what the previous configuration enslaved and this one does not. */
        set_ports(new, &t, managed, port_keys, false, reterr, &r);
        if (r >= 0 && previous)
                set_ports(previous, &t, was, port_keys, true, reterr, &r);
        if (r < 0)
                return r;

        /* A VLAN-aware bridge carries the VLANs of the VLAN interfaces on top of it. */
        for (size_t k = 0; k < t.n_links; k++) {
                NetTargetLink *l = &t.links[k];

                if (streq(l->kind, "bridge") && l->bridge.vlan_filtering.value) {
                        l->exact_vlans = true;
                        APPEND(l->vlans, l->n_vlans,
                               ((RtnlVlan) { .vid = 1, .vid_end = 1,
                                             .flags = BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED }));
                }
        }
        for (size_t k = 0; k < t.n_links; k++) {
                NetTargetLink *l = &t.links[k], *br;

                if (streq(l->kind, "vlan") && l->parent && (br = net_target_link(&t, l->parent)) && br->exact_vlans &&
                    streq(br->kind, "bridge"))
                        APPEND(br->vlans, br->n_vlans,
                               ((RtnlVlan) { .vid = (uint16_t) l->vlan.id.value, .vid_end = (uint16_t) l->vlan.id.value }));
        }

        /* Default gateways. */
        STRV_FOREACH(name, managed) {
                const NetIface *i = net_config_find(new, *name);
                RtnlRoute gw;

                for (int v6 = 0; i && v6 <= 1; v6++) {
                        r = gateway_route(i, v6, &gw);
                        if (r == -EINVAL) {
                                *reterr = xasprintf("%s: invalid gateway '%s'", *name,
                                                    net_attr_str(i, v6 ? "gateway6" : "gateway"));
                                return r;
                        }
                        if (r >= 0)
                                add_route(&t.routes, &t.n_routes, &gw, *name);
                }
        }
        r = 0;

        /* What the previous configuration set up and this one does not: links, addresses, gateways. */
        STRV_FOREACH(name, was) {
                const NetIface *old = net_config_find(previous, *name);
                NetTargetLink *l = net_target_link(&t, *name);
                _cleanup_free_ RtnlAddr *addrs = NULL;
                size_t n_addrs = 0;
                RtnlRoute gw;

                if (!strv_contains(managed, *name)) {
                        strv_extend(&t.remove, *name);
                        l = add_link(&t, *name);
                        l->up = RTNL_SET(0);
                }
                if (!old)
                        continue;
                (void) static_addresses(old, &addrs, &n_addrs, reterr);
                for (size_t a = 0; a < n_addrs; a++)
                        if (!addr_in(&addrs[a], l->addrs, l->n_addrs))
                                APPEND(l->drop_addrs, l->n_drop_addrs, addrs[a]);
                for (int v6 = 0; v6 <= 1; v6++) {
                        bool kept = false;

                        if (gateway_route(old, v6, &gw) < 0)
                                continue;
                        for (size_t k = 0; k < t.n_routes; k++)
                                if (streq(t.routes[k].dev, *name) && t.routes[k].route.family == gw.family &&
                                    memcmp(t.routes[k].route.gateway.bytes, gw.gateway.bytes, 16) == 0)
                                        kept = true;
                        if (!kept)
                                add_route(&t.drop_routes, &t.n_drop_routes, &gw, *name);
                }
                /* An MTU the previous configuration set goes back to the default. */
                if (!l->mtu.set && net_attr_true(old, "mtu") && !strv_contains(t.remove, *name))
                        l->mtu = RTNL_SET(1500);
        }

        compute_depths(&t);
        *ret = t;
        t = (NetTarget) {};
        return 0;
}

/* ---- from a state (rollback) ----------------------------------------------- */

static bool created_kind(const char *kind) {
        return strv_contains(STRV_MAKE("bridge", "bond", "vlan"), kind);
}

int net_target_from_state(const NetState *before, const NetState *now, char *const *touched, NetTarget *ret) {
        _cleanup_(net_target_done) NetTarget t = {};

        STRV_FOREACH(name, touched) {
                const RtnlLink *b = net_state_link(before, *name), *n = net_state_link(now, *name);
                NetTargetLink *l;

                if (!b) {
                        /* Created by the apply. */
                        if (n)
                                strv_extend(&t.remove, *name);
                        continue;
                }
                l = add_link(&t, *name);
                if (created_kind(b->kind))
                        strcpy(l->kind, b->kind);
                if (streq(b->kind, "vlan"))
                        l->parent = xstrdup(strempty(net_state_name(before, b->link)));
                l->mtu = RTNL_SET(b->mtu);
                l->up = RTNL_SET((b->flags & IFF_UP) != 0);
                l->set_master = true;
                l->master = b->master ? xstrdup(strempty(net_state_name(before, b->master))) : NULL;
                if (n && (n->address_len != b->address_len || memcmp(n->address, b->address, b->address_len))) {
                        memcpy(l->mac, b->address, b->address_len);
                        l->mac_len = b->address_len;
                }
                l->bridge = b->bridge;
                l->bond = b->bond;
                l->bond.primary = (RtnlOpt) {};
                if (b->bond.primary.set && b->bond.primary.value)
                        l->bond_primary = xstrdup(strempty(net_state_name(before, b->bond.primary.value)));
                l->vlan = b->vlan;
                l->exact_addrs[0] = l->exact_addrs[1] = true;
                for (size_t a = 0; a < before->n_addrs; a++)
                        if (before->addrs[a].ifindex == b->ifindex)
                                APPEND(l->addrs, l->n_addrs, before->addrs[a]);
                l->exact_vlans = true;
                for (size_t v = 0; v < before->n_vlans; v++)
                        if (before->vlans[v].ifindex == b->ifindex)
                                APPEND(l->vlans, l->n_vlans, before->vlans[v]);
        }
        /* Routes: as before on the links the apply touched. */
        for (size_t k = 0; k < before->n_routes; k++) {
                const char *dev = net_state_name(before, before->routes[k].oif);

                if (dev && strv_contains(touched, dev))
                        add_route(&t.routes, &t.n_routes, &before->routes[k], dev);
        }
        for (size_t k = 0; k < now->n_routes; k++) {
                const char *dev = net_state_name(now, now->routes[k].oif);

                if (dev && strv_contains(touched, dev))
                        add_route(&t.drop_routes, &t.n_drop_routes, &now->routes[k], dev);
        }
        compute_depths(&t);
        *ret = t;
        t = (NetTarget) {};
        return 0;
}
