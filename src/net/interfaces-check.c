/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * The whole-configuration checks and completions upstream's writer runs
 * before every write (pve-common PVE::Network::Interfaces::
 * __write_etc_network_interfaces), in its order and with its messages.
 * Interfaces are visited in name order, so the first problem reported does
 * not depend on hash order as upstream's does.
 */

#include "api/format.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/errmsg.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "net/interfaces-internal.h"

static const char *type_of(const NetIface *i) {
        return i ? net_attr_str(i, "type") ?: "" : "";
}

static bool type_is(const NetIface *i, const char *type) {
        return streq(type_of(i), type);
}

static long attr_long(const NetIface *i, const char *key) {
        const char *s = net_attr_str(i, key);
        json_t *v = json_object_get(i->attrs, key);

        if (json_is_integer(v))
                return (long) json_integer_value(v);
        return s ? strtol(s, NULL, 10) : 0;
}

static void set_int(NetIface *i, const char *key, long v) {
        json_object_set_new(i->attrs, key, json_integer(v));
}

/* A child's MTU must not exceed its parent's; a parent without one has 1500, a bond the child's. */
static int check_mtu(const NetIface *parent, const char *parent_name, const NetIface *child, const char *child_name,
                     long parent_default_mtu, char **reterr) {
        long cmtu = child ? attr_long(child, "mtu") : 0, pmtu;

        if (!cmtu)
                return 0;
        pmtu = parent ? attr_long(parent, "mtu") : parent_default_mtu;
        if (!pmtu && type_is(parent, "bond"))
                pmtu = cmtu;
        if (!pmtu)
                pmtu = 1500;
        if (pmtu < cmtu)
                return errmsg_set(reterr, -EINVAL, "interface '%s' - mtu %ld is lower than '%s' - mtu %ld", parent_name,
                                  pmtu, child_name, cmtu);
        return 0;
}

static char **port_list(const NetIface *i, const char *key) {
        return api_split_list(net_attr_str(i, key));
}

/* Bridge ports, bond slaves and OVS ports each belong to one interface. Fills used (port -> owner). */
static int check_used_ports(NetConfig *c, json_t *used, char **reterr) {
        for (size_t k = 0; k < net_config_count(c); k++) {
                NetIface *i = net_config_iface(c, k);

                STRV_FOREACH(key, STRV_MAKE("bridge_ports", "ovs_ports", "slaves", "ovs_bonds")) {
                        _cleanup_strv_free_ char **ports = port_list(i, *key);

                        STRV_FOREACH(p, ports) {
                                const char *owner = json_object_get_string(used, *p);

                                if (owner && !streq(owner, i->name))
                                        return errmsg_set(reterr, -EINVAL,
                                                          "port '%s' is already used on interface '%s'", *p, owner);
                                json_object_set_new(used, *p, json_string(i->name));
                        }
                }
        }
        return 0;
}

static void drop_unused_ovs_ports(NetConfig *c, json_t *used) {
        for (size_t k = 0; k < net_config_count(c);) {
                NetIface *i = net_config_iface(c, k), *br;
                const char *owner;

                if (!strv_contains(STRV_MAKE("OVSPort", "OVSIntPort", "OVSBond"), type_of(i))) {
                        k++;
                        continue;
                }
                owner = json_object_get_string(used, i->name);
                br = owner ? net_config_find(c, owner) : NULL;
                if (!br) {
                        /* Left by its bridge: a plain NIC again. */
                        json_decref(i->attrs);
                        i->attrs = json_pack("{s:s,s:i,s:s,s:[s]}", "type", "eth", "exists", 1, "method", "manual",
                                             "families", "inet");
                        k++;
                } else if (!type_is(br, "OVSBridge"))
                        (void) net_config_remove(c, i->name);
                else
                        k++;
        }
}

static int check_ovs(NetConfig *c, char **reterr) {
        int r;

        for (size_t k = 0; k < net_config_count(c); k++) {
                NetIface *i = net_config_iface(c, k);
                _cleanup_strv_free_ char **ports = NULL;

                if (!type_is(i, "OVSBridge") || !net_attr_true(i, "ovs_ports"))
                        continue;
                ports = strv_split(net_attr_str(i, "ovs_ports"), " \t");
                STRV_FOREACH(p, ports) {
                        NetIface *n = net_config_find(c, *p);

                        if (!n)
                                return errmsg_set(reterr, -EINVAL, "OVS bridge '%s' - unable to find port '%s'",
                                                  i->name, *p);
                        set_int(n, "autostart", 0);
                        if (type_is(n, "eth")) {
                                json_object_set_new(n->attrs, "type", json_string("OVSPort"));
                                json_object_set_new(n->attrs, "ovs_bridge", json_string(i->name));
                        } else if (strv_contains(STRV_MAKE("OVSBond", "OVSPort", "OVSIntPort"), type_of(n)))
                                json_object_set_new(n->attrs, "ovs_bridge", json_string(i->name));
                        else
                                return errmsg_set(reterr, -EINVAL, "interface '%s' is not defined as OVS port/bond",
                                                  *p);
                        r = check_mtu(i, i->name, n, *p, 0, reterr);
                        if (r < 0)
                                return r;
                }
        }

        for (size_t k = 0; k < net_config_count(c); k++) {
                NetIface *i = net_config_iface(c, k);
                _cleanup_strv_free_ char **slaves = NULL;

                if (!type_is(i, "OVSBond") || !net_attr_true(i, "ovs_bonds"))
                        continue;
                slaves = strv_split(net_attr_str(i, "ovs_bonds"), " \t");
                STRV_FOREACH(p, slaves) {
                        NetIface *n = net_config_find(c, *p);

                        if (!n)
                                return errmsg_set(reterr, -EINVAL, "OVS bond '%s' - unable to find slave '%s'", i->name,
                                                  *p);
                        set_int(n, "autostart", 1);
                        if (!type_is(n, "eth"))
                                return errmsg_set(reterr, -EINVAL,
                                                  "OVS bond '%s' - wrong interface type on slave '%s' ('%s' != 'eth')",
                                                  i->name, *p, type_of(n));
                        r = check_mtu(i, i->name, n, *p, 0, reterr);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static int check_bonds(NetConfig *c, char **reterr) {
        int r;

        for (size_t k = 0; k < net_config_count(c); k++) {
                NetIface *i = net_config_iface(c, k);
                const char *primary = net_attr_true(i, "bond-primary") ? net_attr_str(i, "bond-primary") : NULL;
                _cleanup_strv_free_ char **slaves = NULL;
                bool primary_is_slave = false;

                if (!type_is(i, "bond") || !net_attr_true(i, "slaves"))
                        continue;
                slaves = strv_split(net_attr_str(i, "slaves"), " \t");
                STRV_FOREACH(p, slaves) {
                        NetIface *n = net_config_find(c, *p);

                        if (!n)
                                return errmsg_set(reterr, -EINVAL, "bond '%s' - unable to find slave '%s'", i->name,
                                                  *p);
                        /* Slaves come up with their bond. */
                        set_int(n, "autostart", 1);
                        if (!type_is(n, "eth") && !type_is(n, "bond"))
                                return errmsg_set(reterr, -EINVAL,
                                            "bond '%s' - wrong interface type on slave '%s' ('%s' != 'eth or bond')",
                                            i->name, *p, type_of(n));
                        r = check_mtu(i, i->name, n, *p, 0, reterr);
                        if (r < 0)
                                return r;
                        if (streq_ptr(primary, *p))
                                primary_is_slave = true;
                }
                if (primary && !primary_is_slave)
                        return errmsg_set(reterr, -EINVAL, "bond '%s' - bond-primary interface is not a slave",
                                          i->name);
        }
        return 0;
}

static int check_vxlans(NetConfig *c, char **reterr) {
        _cleanup_json_ json_t *ids = json_object();

        for (size_t k = 0; k < net_config_count(c); k++) {
                NetIface *i = net_config_iface(c, k);
                bool svc = json_object_get(i->attrs, "vxlan-svcnodeip"), physdev = json_object_get(i->attrs, "vxlan-physdev");
                int ips = svc + !!json_object_get(i->attrs, "vxlan-remoteip") +
                          !!json_object_get(i->attrs, "vxlan-local-tunnelip");

                if (type_is(i, "vxlan") && net_attr_true(i, "vxlan-id")) {
                        _cleanup_free_ char *id = json_scalar_to_string(json_object_get(i->attrs, "vxlan-id"));
                        const char *other = json_object_get_string(ids, id);

                        if (other)
                                return errmsg_set(reterr, -EINVAL,
                                                  "iface %s - duplicate vxlan-id %s already used in %s", i->name, id,
                                                  other);
                        json_object_set_new(ids, id, json_string(i->name));
                }
                if (ips > 1)
                        return errmsg_set(reterr, -EINVAL,
                                    "iface %s - vxlan-svcnodeip, vxlan-remoteip and vxlan-localtunnelip are mutually exclusive",
                                    i->name);
                if (svc != physdev)
                        return errmsg_set(reterr, -EINVAL,
                                          "iface %s - vxlan-svcnodeip and vxlan-physdev must be define together",
                                          i->name);
        }
        return 0;
}

static int check_vlans(NetConfig *c, char **reterr) {
        for (size_t k = 0; k < net_config_count(c); k++) {
                NetIface *i = net_config_iface(c, k), *n;
                _cleanup_free_ char *parent = NULL;
                const char *dot = strrchr(i->name, '.'), *id;
                long vlan_id;

                if (!type_is(i, "vlan"))
                        continue;
                if (dot && dot > i->name && dot[1] && dot[1 + strspn(dot + 1, "0123456789")] == 0) {
                        /* The name says it all; the options would only repeat it. */
                        parent = xstrndup(i->name, (size_t) (dot - i->name));
                        vlan_id = strtol(dot + 1, NULL, 10);
                        json_object_del(i->attrs, "vlan-raw-device");
                        json_object_del(i->attrs, "vlan-id");
                } else {
                        if (!net_attr_true(i, "vlan-raw-device"))
                                return errmsg_set(reterr, -EINVAL, "vlan '%s' - missing vlan-raw-device option",
                                                  i->name);
                        parent = xstrdup(net_attr_str(i, "vlan-raw-device"));
                        if ((id = startswith(i->name, "vlan")) && *id && id[strspn(id, "0123456789")] == 0) {
                                vlan_id = strtol(id, NULL, 10);
                                json_object_del(i->attrs, "vlan-id");
                        } else {
                                if (!net_attr_true(i, "vlan-id"))
                                        return errmsg_set(reterr, -EINVAL, "vlan '%s' - missing vlan-id option",
                                                          i->name);
                                vlan_id = attr_long(i, "vlan-id");
                        }
                }
                if (vlan_id > 4094)
                        return errmsg_set(reterr, -EINVAL, "vlan '%s' - vlan-id %ld should be <= 4094", i->name,
                                          vlan_id);
                n = net_config_find(c, parent);
                if (!n)
                        return errmsg_set(reterr, -EINVAL, "vlan '%s' - unable to find parent '%s'", i->name, parent);
                if (!strv_contains(STRV_MAKE("eth", "bridge", "bond", "vlan"), type_of(n)))
                        return errmsg_set(
                                reterr, -EINVAL,
                                "vlan '%s' - wrong interface type on parent '%s' ('%s' != 'eth|bond|bridge|vlan' )",
                                i->name, parent, type_of(n));
                if (check_mtu(n, parent, i, i->name, 0, reterr) < 0)
                        return -EINVAL;
        }
        return 0;
}

static int check_uplinks(NetConfig *c, char **reterr) {
        _cleanup_json_ json_t *ids = json_object();

        for (size_t k = 0; k < net_config_count(c); k++) {
                NetIface *i = net_config_iface(c, k);
                const char *id = net_attr_true(i, "uplink-id") ? net_attr_str(i, "uplink-id") : NULL, *other;

                if (!id)
                        continue;
                if (!type_is(i, "eth") && !type_is(i, "bond"))
                        return errmsg_set(reterr, -EINVAL,
                                    "iface '%s' - uplink-id %s is only allowed on physical and linux bond interfaces",
                                    i->name, id);
                if ((other = json_object_get_string(ids, id)))
                        return errmsg_set(reterr, -EINVAL, "iface '%s' - uplink-id %s is already assigned on '%s'",
                                          i->name, id, other);
                json_object_set_new(ids, id, json_string(i->name));
        }
        return 0;
}

static bool has_static_address(const NetIface *n, const char *suffix, const char *unspecified) {
        _cleanup_free_ char *mk = xasprintf("method%s", suffix), *ak = xasprintf("address%s", suffix);

        return streq_ptr(net_attr_str(n, mk), "static") && !streq_ptr(net_attr_str(n, ak), unspecified);
}

static int check_bridge_ports(NetConfig *c, json_t *bridge_of, char **reterr) {
        for (size_t k = 0; k < net_config_count(c); k++) {
                NetIface *i = net_config_iface(c, k);
                _cleanup_strv_free_ char **ports = NULL;

                if (!type_is(i, "bridge"))
                        continue;
                ports = strv_split(net_attr_str(i, "bridge_ports"), " \t");
                STRV_FOREACH(p, ports) {
                        NetIface *n = net_config_find(c, *p);
                        const char *dot = strrchr(*p, '.');
                        int r;

                        if (!n && dot && dot[1] && dot[1 + strspn(dot + 1, "0123456789")] == 0) {
                                /* An undeclared "X.N" port is a VLAN that ifupdown2 creates; its MTU is its parent's. */
                                _cleanup_free_ char *parent = xstrndup(*p, (size_t) (dot - *p));
                                NetIface *pi = net_config_find(c, parent);

                                r = check_mtu(NULL, *p, i, i->name, pi ? attr_long(pi, "mtu") : 0, reterr);
                                if (r < 0)
                                        return r;
                                json_object_set_new(bridge_of, *p, json_string(i->name));
                                continue;
                        }
                        if (!n)
                                return errmsg_set(reterr, -EINVAL, "bridge '%s' - unable to find bridge port '%s'",
                                                  i->name, *p);
                        /* The kernel refuses to enslave a bridge to a bridge (ELOOP). */
                        if (type_is(n, "bridge") || type_is(n, "OVSBridge"))
                                return errmsg_set(reterr, -EINVAL, "bridge '%s' - bridge port '%s' is a bridge itself",
                                                  i->name, *p);
                        if (has_static_address(n, "", "0.0.0.0") || has_static_address(n, "6", "::"))
                                return errmsg_set(reterr, -EINVAL,
                                                  "iface %s - ip address can't be set on interface if bridged in %s",
                                                  *p, i->name);
                        r = check_mtu(n, *p, i, i->name, 0, reterr);
                        if (r < 0)
                                return r;
                        json_object_set_new(bridge_of, *p, json_string(i->name));
                }
        }
        return 0;
}

static int check_bridge_port_options(NetConfig *c, json_t *bridge_of, char **reterr) {
        for (size_t k = 0; k < net_config_count(c); k++) {
                NetIface *i = net_config_iface(c, k), *br;
                const char *owner = json_object_get_string(bridge_of, i->name);

                STRV_FOREACH(key, STRV_MAKE("bridge-learning", "bridge-arp-nd-suppress", "bridge-unicast-flood",
                                            "bridge-multicast-flood", "bridge-access"))
                        if (net_attr_true(i, *key) && !owner)
                                return errmsg_set(reterr, -EINVAL,
                                            "iface %s - %s: bridge port specific options can be used only on interfaces attached to a bridge",
                                            i->name, *key);
                br = owner ? net_config_find(c, owner) : NULL;
                if (net_attr_true(i, "bridge-access") && !(br && net_attr_true(br, "bridge_vlan_aware")))
                        return errmsg_set(reterr, -EINVAL,
                                    "iface %s - bridge-access option can be only used if interface is in a vlan aware bridge",
                                    i->name);
        }
        return 0;
}

int net_config_prepare(NetConfig *c, char **reterr) {
        _cleanup_json_ json_t *used = json_object(), *bridge_of = json_object();
        int r;

        r = check_used_ports(c, used, reterr);
        if (r < 0)
                return r;
        drop_unused_ovs_ports(c, used);
        r = check_ovs(c, reterr);
        if (r >= 0)
                r = check_bonds(c, reterr);
        if (r >= 0)
                r = check_vxlans(c, reterr);
        if (r >= 0)
                r = check_vlans(c, reterr);
        if (r >= 0)
                r = check_uplinks(c, reterr);
        if (r >= 0)
                r = check_bridge_ports(c, bridge_of, reterr);
        if (r >= 0)
                r = check_bridge_port_options(c, bridge_of, reterr);
        return r;
}
