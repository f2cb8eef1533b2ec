/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/if_bridge.h>
#include <linux/rtnetlink.h>

#include "basic/alloc.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "net/execute.h"

/* Address flags a user can set (ip address add ... nodad noprefixroute ...); the rest is the kernel's. */
#define ADDR_USER_FLAGS (IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN)

typedef struct Exec {
        Rtnl *rtnl;
        const NetTarget *t;
        const NetExecCallbacks *cb;
        NetState state;
        char **touched;
        char **created;
        unsigned requests;       /* requests sent so far */
        char **error;
} Exec;

static void exec_log(Exec *x, const char *fmt, ...) _printf_(2, 3);
static void exec_log(Exec *x, const char *fmt, ...) {
        _cleanup_free_ char *line = NULL;
        va_list ap;

        va_start(ap, fmt);
        line = xvasprintf(fmt, ap);
        va_end(ap);
        if (x->cb && x->cb->log)
                x->cb->log(x->cb->userdata, line);
}

static int refresh(Exec *x) {
        net_state_done(&x->state);
        return net_state_read(x->rtnl, &x->state);
}

static const RtnlLink *cur(Exec *x, const char *name) {
        return name ? net_state_link(&x->state, name) : NULL;
}

static bool created_kind(const char *kind) {
        return strv_contains(STRV_MAKE("bridge", "bond", "vlan"), kind);
}

/* Sends one request for a link; logs "<name>: <what>" or fails with the kernel's reason. */
static int request(Exec *x, RtnlMsg *m, const char *name, const char *fmt, ...) _printf_(4, 5);
static int request(Exec *x, RtnlMsg *m, const char *name, const char *fmt, ...) {
        _cleanup_free_ char *what = NULL, *extack = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        what = xvasprintf(fmt, ap);
        va_end(ap);
        if (!strv_contains(x->touched, name))
                strv_extend(&x->touched, name);
        x->requests++;
        r = rtnl_call(x->rtnl, m, &extack);
        if (r < 0) {
                *x->error = xasprintf("%s: %s failed: %s%s%s", name, what, strerror(-r), extack ? " - " : "",
                                      strempty(extack));
                return r;
        }
        exec_log(x, "%s: %s", name, what);
        return 0;
}

static int opt_or(RtnlOpt o, int def) {
        return o.set ? o.value : def;
}

/* ---- deletions and creations ---------------------------------------------- */

static int delete_link(Exec *x, const RtnlLink *l, const char *why) {
        RtnlMsg m;
        int r;

        rtnl_msg_link_del(&m, l->ifindex);
        r = request(x, &m, l->name, "deleted%s", why);
        /* A VLAN goes away with its lower device. */
        return r == -ENODEV ? 0 : r;
}

static bool same_kind(Exec *x, const NetTargetLink *tl, const RtnlLink *l) {
        const RtnlLink *parent;

        if (!streq(l->kind, tl->kind))
                return false;
        if (streq(tl->kind, "vlan")) {
                parent = cur(x, tl->parent);
                return parent && l->link == parent->ifindex && opt_or(l->vlan.id, -1) == tl->vlan.id.value &&
                       opt_or(l->vlan.protocol, 0x8100) == opt_or(tl->vlan.protocol, 0x8100);
        }
        if (streq(tl->kind, "bond"))
                return !tl->bond.mode.set || opt_or(l->bond.mode, 0) == tl->bond.mode.value;
        return true;
}

static int remove_links(Exec *x) {
        bool changed = false;
        int r;

        /* Upper devices first, so that a VLAN is not left without its parent for a moment. */
        for (size_t k = x->t->n_links; k > 0; k--) {
                const NetTargetLink *tl = &x->t->links[k - 1];
                const RtnlLink *l = cur(x, tl->name);

                if (!l)
                        continue;
                if (strv_contains(x->t->remove, tl->name) && created_kind(l->kind)) {
                        r = delete_link(x, l, "");
                        changed = true;
                } else if (*tl->kind && !same_kind(x, tl, l)) {
                        if (!created_kind(l->kind)) {
                                *x->error = xasprintf("%s: cannot create %s, a device of that name exists", tl->name,
                                                      tl->kind);
                                return -EEXIST;
                        }
                        r = delete_link(x, l, " (to be created anew)");
                        changed = true;
                } else
                        continue;
                if (r < 0)
                        return r;
        }
        STRV_FOREACH(name, x->t->remove) {
                const RtnlLink *l = cur(x, *name);

                if (l && created_kind(l->kind) && !net_target_link(x->t, *name)) {
                        r = delete_link(x, l, "");
                        if (r < 0)
                                return r;
                        changed = true;
                }
        }
        return changed ? refresh(x) : 0;
}

static int create_link(Exec *x, const NetTargetLink *tl) {
        RtnlLinkChange c = { .name = tl->name, .kind = tl->kind, .mtu = tl->mtu };
        RtnlMsg m;

        if (streq(tl->kind, "bridge")) {
                c.bridge.forward_delay = tl->bridge.forward_delay;
                c.bridge.stp_state = tl->bridge.stp_state;
                /* Only when wanted: kernels without VLAN filtering refuse the attribute even as 0. */
                if (opt_or(tl->bridge.vlan_filtering, 0))
                        c.bridge.vlan_filtering = tl->bridge.vlan_filtering;
        } else if (streq(tl->kind, "bond")) {
                c.bond = tl->bond;
                c.bond.primary = (RtnlOpt) {};
        } else if (streq(tl->kind, "vlan")) {
                const RtnlLink *parent = cur(x, tl->parent);

                if (!parent) {
                        *x->error = xasprintf("%s: lower device '%s' does not exist", tl->name, strempty(tl->parent));
                        return -ENODEV;
                }
                c.link = parent->ifindex;
                c.vlan = tl->vlan;
        }
        rtnl_msg_link(&m, &c);
        strv_extend(&x->created, tl->name);
        return request(x, &m, tl->name, "created %s", tl->kind);
}

static int create_links(Exec *x) {
        size_t k = 0;
        int r;

        /* Level by level, so that a VLAN finds the bridge or bond it sits on. */
        while (k < x->t->n_links) {
                unsigned depth = x->t->links[k].depth;
                bool any = false;

                for (; k < x->t->n_links && x->t->links[k].depth == depth; k++) {
                        const NetTargetLink *tl = &x->t->links[k];

                        if (!*tl->kind || cur(x, tl->name) || strv_contains(x->t->remove, tl->name))
                                continue;
                        r = create_link(x, tl);
                        if (r < 0)
                                return r;
                        any = true;
                }
                if (any && (r = refresh(x)) < 0)
                        return r;
        }
        return 0;
}

/* ---- link attributes ------------------------------------------------------- */

static int set_mtus(Exec *x, bool increase) {
        for (size_t k = 0; k < x->t->n_links; k++) {
                /* Decreases from the top down, increases from the bottom up (a port is never below its bridge). */
                const NetTargetLink *tl = &x->t->links[increase ? k : x->t->n_links - 1 - k];
                const RtnlLink *l = cur(x, tl->name);
                RtnlMsg m;
                int r;

                if (!l || !tl->mtu.set || l->mtu == tl->mtu.value || (l->mtu < tl->mtu.value) != increase)
                        continue;
                rtnl_msg_link(&m, &(RtnlLinkChange) { .ifindex = l->ifindex, .mtu = tl->mtu });
                r = request(x, &m, tl->name, "mtu %d", tl->mtu.value);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int set_masters(Exec *x) {
        unsigned before = x->requests;
        RtnlMsg m;
        int r;

        for (size_t k = 0; k < x->t->n_links; k++) {
                const NetTargetLink *tl = &x->t->links[k];
                const RtnlLink *l = cur(x, tl->name);

                if (!l || !tl->set_master || tl->master || !l->master)
                        continue;
                rtnl_msg_link(&m, &(RtnlLinkChange) { .ifindex = l->ifindex, .master = RTNL_SET(0) });
                r = request(x, &m, tl->name, "released from %s", strempty(net_state_name(&x->state, l->master)));
                if (r < 0)
                        return r;
        }
        for (size_t k = 0; k < x->t->n_links; k++) {
                const NetTargetLink *tl = &x->t->links[k];
                const RtnlLink *l = cur(x, tl->name), *master = cur(x, tl->master);

                if (!l || !tl->set_master || !tl->master || (master && l->master == master->ifindex))
                        continue;
                if (!master) {
                        *x->error = xasprintf("%s: master '%s' does not exist", tl->name, tl->master);
                        return -ENODEV;
                }
                /* The bonding driver takes only slaves that are down. */
                if (streq(master->kind, "bond") && (l->flags & IFF_UP)) {
                        rtnl_msg_link(&m, &(RtnlLinkChange) { .ifindex = l->ifindex, .up = RTNL_SET(0) });
                        r = request(x, &m, tl->name, "down");
                        if (r < 0)
                                return r;
                }
                rtnl_msg_link(&m, &(RtnlLinkChange) { .ifindex = l->ifindex, .master = RTNL_SET(master->ifindex) });
                r = request(x, &m, tl->name, "port of %s", master->name);
                if (r < 0)
                        return r;
        }
        return x->requests != before ? refresh(x) : 0;
}

static int set_kind_attributes(Exec *x) {
        for (size_t k = 0; k < x->t->n_links; k++) {
                const NetTargetLink *tl = &x->t->links[k];
                const RtnlLink *l = cur(x, tl->name);
                RtnlLinkChange c;
                RtnlMsg m;
                int r;

                if (!l || !*tl->kind)
                        continue;
                c = (RtnlLinkChange) { .ifindex = l->ifindex, .kind = tl->kind };
                if (streq(tl->kind, "bridge")) {
                        if (tl->bridge.stp_state.set && opt_or(l->bridge.stp_state, 0) != tl->bridge.stp_state.value)
                                c.bridge.stp_state = tl->bridge.stp_state;
                        if (tl->bridge.forward_delay.set && l->bridge.forward_delay.set &&
                            l->bridge.forward_delay.value != tl->bridge.forward_delay.value)
                                c.bridge.forward_delay = tl->bridge.forward_delay;
                        if (tl->bridge.vlan_filtering.set &&
                            opt_or(l->bridge.vlan_filtering, 0) != tl->bridge.vlan_filtering.value)
                                c.bridge.vlan_filtering = tl->bridge.vlan_filtering;
                } else if (streq(tl->kind, "bond")) {
                        const RtnlLink *primary = cur(x, tl->bond_primary);

                        if (tl->bond.miimon.set && opt_or(l->bond.miimon, 0) != tl->bond.miimon.value)
                                c.bond.miimon = tl->bond.miimon;
                        if (tl->bond.xmit_hash_policy.set &&
                            opt_or(l->bond.xmit_hash_policy, 0) != tl->bond.xmit_hash_policy.value)
                                c.bond.xmit_hash_policy = tl->bond.xmit_hash_policy;
                        if (primary && opt_or(l->bond.primary, 0) != primary->ifindex)
                                c.bond.primary = RTNL_SET(primary->ifindex);
                } else
                        continue;
                rtnl_msg_link(&m, &c);
                if (m.nlh->nlmsg_len <= NLMSG_SPACE(sizeof(struct ifinfomsg)))
                        continue; /* nothing differs */
                r = request(x, &m, tl->name, "%s attributes changed", tl->kind);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int set_macs(Exec *x) {
        for (size_t k = 0; k < x->t->n_links; k++) {
                const NetTargetLink *tl = &x->t->links[k];
                const RtnlLink *l = cur(x, tl->name);
                RtnlMsg m;
                int r;

                if (!l || tl->mac_len == 0 ||
                    (l->address_len == tl->mac_len && memcmp(l->address, tl->mac, tl->mac_len) == 0))
                        continue;
                rtnl_msg_link(&m, &(RtnlLinkChange) { .ifindex = l->ifindex, .address = tl->mac,
                                                      .address_len = tl->mac_len });
                r = request(x, &m, tl->name, "hardware address changed");
                if (r < 0)
                        return r;
        }
        return 0;
}

static int run_hooks(Exec *x, const char *phase) {
        for (size_t k = 0; k < x->t->n_links; k++) {
                const NetTargetLink *tl = &x->t->links[k];
                int r;

                if (!cur(x, tl->name) || !x->cb || !x->cb->hook || (tl->up.set && !tl->up.value))
                        continue;
                r = x->cb->hook(x->cb->userdata, phase, tl->name, strv_contains(x->created, tl->name), x->error);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int set_up_down(Exec *x) {
        unsigned before = x->requests;
        RtnlMsg m;
        int r;

        for (size_t k = x->t->n_links; k > 0; k--) {
                const NetTargetLink *tl = &x->t->links[k - 1];
                const RtnlLink *l = cur(x, tl->name);

                if (!l || !tl->up.set || tl->up.value || !(l->flags & IFF_UP))
                        continue;
                rtnl_msg_link(&m, &(RtnlLinkChange) { .ifindex = l->ifindex, .up = RTNL_SET(0) });
                r = request(x, &m, tl->name, "down");
                if (r < 0)
                        return r;
        }
        for (size_t k = 0; k < x->t->n_links; k++) {
                const NetTargetLink *tl = &x->t->links[k];
                const RtnlLink *l = cur(x, tl->name);

                if (!l || !tl->up.set || !tl->up.value || (l->flags & IFF_UP))
                        continue;
                rtnl_msg_link(&m, &(RtnlLinkChange) { .ifindex = l->ifindex, .up = RTNL_SET(1) });
                r = request(x, &m, tl->name, "up");
                if (r < 0)
                        return r;
        }
        return x->requests != before ? refresh(x) : 0;
}

/* ---- bridge VLANs ---------------------------------------------------------- */

#define VID_MAX 4094
#define VID_ABSENT (-1)

static void vlan_map(const RtnlVlan *v, size_t n, int ifindex, int16_t map[VID_MAX + 1]) {
        for (size_t i = 0; i <= VID_MAX; i++)
                map[i] = VID_ABSENT;
        for (size_t i = 0; i < n; i++)
                if (ifindex == 0 || v[i].ifindex == ifindex)
                        for (unsigned vid = v[i].vid; vid <= v[i].vid_end && vid <= VID_MAX; vid++)
                                map[vid] = (int16_t) v[i].flags;
}

static int set_vlans(Exec *x) {
        int16_t want[VID_MAX + 1], have[VID_MAX + 1];

        for (size_t k = 0; k < x->t->n_links; k++) {
                const NetTargetLink *tl = &x->t->links[k];
                const RtnlLink *l = cur(x, tl->name);
                bool self;

                if (!l || !tl->exact_vlans)
                        continue;
                self = streq(l->kind, "bridge");
                vlan_map(tl->vlans, tl->n_vlans, 0, want);
                vlan_map(x->state.vlans, x->state.n_vlans, l->ifindex, have);
                /* Removals first (a PVID may move), then additions and flag changes, each as ranges. */
                for (int pass = 0; pass < 2; pass++)
                        for (unsigned vid = 1; vid <= VID_MAX;) {
                                bool del = want[vid] == VID_ABSENT;
                                unsigned end = vid;
                                RtnlMsg m;
                                int r;

                                if (want[vid] == have[vid] || del != (pass == 0)) {
                                        vid++;
                                        continue;
                                }
                                while (end < VID_MAX && want[end + 1] == want[vid] && have[end + 1] != want[end + 1] &&
                                       (want[end + 1] == VID_ABSENT) == del)
                                        end++;
                                rtnl_msg_bridge_vlan(&m, !del,
                                                     &(RtnlVlan) { .ifindex = l->ifindex, .vid = (uint16_t) vid,
                                                                   .vid_end = (uint16_t) end,
                                                                   .flags = del ? 0 : (uint16_t) want[vid] },
                                                     self);
                                r = request(x, &m, tl->name, "vlan %u-%u %s", vid, end, del ? "removed" : "added");
                                if (r < 0)
                                        return r;
                                vid = end + 1;
                        }
        }
        return 0;
}

/* ---- addresses and routes -------------------------------------------------- */

static bool same_addr(const RtnlAddr *a, const RtnlAddr *b) {
        return a->family == b->family && a->prefixlen == b->prefixlen &&
               memcmp(a->local.bytes, b->local.bytes, a->family == AF_INET ? 4 : 16) == 0;
}

static bool addr_listed(const RtnlAddr *a, const RtnlAddr *list, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (same_addr(a, &list[i]))
                        return true;
        return false;
}

static int set_addresses(Exec *x) {
        unsigned before = x->requests;
        int r;

        for (size_t k = 0; k < x->t->n_links; k++) {
                const NetTargetLink *tl = &x->t->links[k];
                const RtnlLink *l = cur(x, tl->name);
                RtnlMsg m;

                if (!l)
                        continue;
                for (size_t i = 0; i < x->state.n_addrs; i++) {
                        const RtnlAddr *a = &x->state.addrs[i];
                        bool exact = tl->exact_addrs[a->family == AF_INET6];
                        _cleanup_free_ char *text = NULL;

                        if (a->ifindex != l->ifindex || addr_listed(a, tl->addrs, tl->n_addrs))
                                continue;
                        /* Only global, permanent addresses are configuration; link-local and dynamic ones are not. */
                        if (!(exact && a->permanent && a->scope == RT_SCOPE_UNIVERSE) &&
                            !addr_listed(a, tl->drop_addrs, tl->n_drop_addrs))
                                continue;
                        text = net_addr_to_string(a);
                        rtnl_msg_addr(&m, false, a);
                        r = request(x, &m, tl->name, "address %s removed", text);
                        if (r < 0)
                                return r;
                }
                for (size_t i = 0; i < tl->n_addrs; i++) {
                        RtnlAddr a = tl->addrs[i];
                        _cleanup_free_ char *text = NULL;
                        bool present = false;

                        for (size_t j = 0; j < x->state.n_addrs; j++)
                                if (x->state.addrs[j].ifindex == l->ifindex && same_addr(&x->state.addrs[j], &a))
                                        present = true;
                        if (present)
                                continue;
                        a.ifindex = l->ifindex;
                        a.flags &= ADDR_USER_FLAGS;
                        text = net_addr_to_string(&a);
                        rtnl_msg_addr(&m, true, &a);
                        r = request(x, &m, tl->name, "address %s added", text);
                        if (r < 0)
                                return r;
                }
        }
        /* Removing an address can take routes with it: routes are compared with what is left. */
        return x->requests != before ? refresh(x) : 0;
}

static bool route_matches(const RtnlRoute *want, int oif, const RtnlRoute *have) {
        size_t len = want->family == AF_INET ? 4 : 16;

        return want->family == have->family && want->dst_len == have->dst_len && oif == have->oif &&
               memcmp(want->dst.bytes, have->dst.bytes, len) == 0 && want->has_gateway == have->has_gateway &&
               (!want->has_gateway || memcmp(want->gateway.bytes, have->gateway.bytes, len) == 0) &&
               (!want->has_priority || (have->has_priority && want->priority == have->priority));
}

static char *route_text(const RtnlRoute *r) {
        char dst[INET6_ADDRSTRLEN] = "", gw[INET6_ADDRSTRLEN] = "";

        inet_ntop(r->family, r->dst.bytes, dst, sizeof(dst));
        if (r->has_gateway)
                inet_ntop(r->family, r->gateway.bytes, gw, sizeof(gw));
        if (r->dst_len == 0)
                return xasprintf("default%s%s", r->has_gateway ? " via " : "", gw);
        return xasprintf("%s/%u%s%s", dst, r->dst_len, r->has_gateway ? " via " : "", gw);
}

static bool route_wanted(Exec *x, const RtnlRoute *have) {
        for (size_t k = 0; k < x->t->n_routes; k++) {
                const RtnlLink *dev = cur(x, x->t->routes[k].dev);

                if (dev && route_matches(&x->t->routes[k].route, dev->ifindex, have))
                        return true;
        }
        return false;
}

static int set_routes(Exec *x) {
        RtnlMsg m;
        int r;

        for (size_t k = 0; k < x->t->n_drop_routes; k++) {
                const NetTargetRoute *tr = &x->t->drop_routes[k];
                const RtnlLink *dev = cur(x, tr->dev);

                for (size_t i = 0; dev && i < x->state.n_routes; i++) {
                        const RtnlRoute *have = &x->state.routes[i];
                        _cleanup_free_ char *text = NULL;

                        if (!route_matches(&tr->route, dev->ifindex, have) || route_wanted(x, have))
                                continue;
                        text = route_text(have);
                        rtnl_msg_route(&m, RTNL_ROUTE_DEL, have);
                        r = request(x, &m, tr->dev, "route %s removed", text);
                        if (r < 0 && r != -ESRCH)
                                return r;
                }
        }
        for (size_t k = 0; k < x->t->n_routes; k++) {
                const NetTargetRoute *tr = &x->t->routes[k];
                const RtnlLink *dev = cur(x, tr->dev);
                _cleanup_free_ char *text = NULL;
                RtnlRoute want = tr->route;
                bool present = false;

                if (!dev)
                        continue;
                for (size_t i = 0; i < x->state.n_routes; i++)
                        if (route_matches(&want, dev->ifindex, &x->state.routes[i]))
                                present = true;
                if (present)
                        continue;
                want.oif = dev->ifindex;
                text = route_text(&want);
                rtnl_msg_route(&m, RTNL_ROUTE_REPLACE, &want);
                r = request(x, &m, tr->dev, "route %s added", text);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- all together ------------------------------------------------------------ */

static void report_missing(Exec *x) {
        for (size_t k = 0; k < x->t->n_links; k++) {
                const NetTargetLink *tl = &x->t->links[k];

                if (!*tl->kind && !cur(x, tl->name) && !strv_contains(x->t->remove, tl->name))
                        exec_log(x, "%s: no such device, skipped", tl->name);
        }
}

int net_execute(Rtnl *rtnl, const NetTarget *t, const NetExecCallbacks *cb, char ***ret_touched, char **reterr) {
        Exec x = { .rtnl = rtnl, .t = t, .cb = cb, .error = reterr };
        int r;

        *reterr = NULL;
        r = refresh(&x);
        if (r < 0) {
                *reterr = xasprintf("unable to read the network state: %s", strerror(-r));
                goto finish;
        }
        report_missing(&x);
        r = remove_links(&x);
        if (r >= 0)
                r = create_links(&x);
        if (r >= 0)
                r = set_mtus(&x, false);
        if (r >= 0)
                r = set_mtus(&x, true);
        if (r >= 0)
                r = set_masters(&x);
        if (r >= 0)
                r = set_kind_attributes(&x);
        if (r >= 0)
                r = set_macs(&x);
        if (r >= 0)
                r = run_hooks(&x, "pre-up");
        if (r >= 0)
                r = set_up_down(&x);
        if (r >= 0)
                r = set_vlans(&x);
        if (r >= 0)
                r = set_addresses(&x);
        if (r >= 0)
                r = set_routes(&x);
        if (r >= 0)
                r = run_hooks(&x, "up");
        if (r < 0 && !*reterr)
                *reterr = xasprintf("unable to apply the network configuration: %s", strerror(-r));
finish:
        if (ret_touched)
                *ret_touched = TAKE_PTR(x.touched);
        strv_free(x.touched);
        strv_free(x.created);
        net_state_done(&x.state);
        return r;
}
