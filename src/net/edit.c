/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <arpa/inet.h>

#include "api/format.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/errmsg.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "net/edit.h"

static int param_fail(char **ret_param, const char *param, char **reterr, const char *fmt, ...) _printf_(4, 5);
static int param_fail(char **ret_param, const char *param, char **reterr, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        (void) errmsg_setv(reterr, -EINVAL, fmt, ap);
        va_end(ap);
        *ret_param = param ? xstrdup(param) : NULL;
        return -EINVAL;
}

static const char *param_str(const json_t *p, const char *key) {
        return json_object_get_string(p, key);
}

/* Perl truth of a request value. */
static bool param_true(const json_t *p, const char *key) {
        NetIface tmp = { .attrs = (json_t *) p };

        return net_attr_true(&tmp, key);
}

static int check_duplicate_gateway(NetConfig *c, const char *name, const char *key, const char *what,
                                   char **ret_param, char **reterr) {
        for (size_t k = 0; k < net_config_count(c); k++) {
                NetIface *i = net_config_iface(c, k);

                if (!streq(i->name, name) && net_attr_true(i, key))
                        return param_fail(ret_param, key, reterr, "%s already exists on interface '%s'.", what,
                                          i->name);
        }
        return 0;
}

static char **port_list(const json_t *attrs, const char **ret_first_key) {
        static const char *const keys[] = { "bridge_ports", "ovs_ports", "slaves", "ovs_bonds", NULL };
        char **ports = NULL;

        for (const char *const *k = keys; *k; k++) {
                NetIface tmp = { .attrs = (json_t *) attrs };
                _cleanup_strv_free_ char **l = NULL;

                if (!net_attr_true(&tmp, *k))
                        continue;
                if (ret_first_key && !*ret_first_key)
                        *ret_first_key = *k;
                l = api_split_list(json_object_get_string(attrs, *k));
                strv_extend_strv(&ports, l);
        }
        return ports;
}

/* A port named in the request must not be a port of another interface (fix #3385). */
static int check_duplicate_ports(NetConfig *c, const char *name, const json_t *params, char **ret_param,
                                 char **reterr) {
        const char *param = NULL;
        _cleanup_strv_free_ char **mine = port_list(params, &param);

        if (strv_isempty(mine))
                return 0;
        for (size_t k = 0; k < net_config_count(c); k++) {
                NetIface *i = net_config_iface(c, k);
                _cleanup_strv_free_ char **theirs = NULL;

                if (streq(i->name, name))
                        continue;
                theirs = port_list(i->attrs, NULL);
                STRV_FOREACH(p, theirs)
                        if (strv_contains(mine, *p))
                                return param_fail(ret_param, param, reterr, "%s is already used on interface '%s'.",
                                                  *p, i->name);
        }
        return 0;
}

/* A bridge port must not be a bridge: the kernel refuses to nest bridges. */
static int check_bridge_ports_type(NetConfig *c, const json_t *p, char **ret_param, char **reterr) {
        _cleanup_strv_free_ char **ports = api_split_list(param_str(p, "bridge_ports"));

        STRV_FOREACH(port, ports) {
                NetIface *n = net_config_find(c, *port);
                const char *type = n ? net_attr_str(n, "type") : NULL;

                if (streq_ptr(type, "bridge") || streq_ptr(type, "OVSBridge"))
                        return param_fail(ret_param, "bridge_ports", reterr,
                                          "interface '%s' is a bridge and cannot be a bridge port", *port);
        }
        return 0;
}

/*
 * A default gateway needs an address of its family on the interface. Checked
 * when the request sets a gateway or removes an address, so that hand-written
 * stanzas that the request does not touch are left alone.
 */
static int check_gateway_address(const NetIface *i, const json_t *p, const char *delete, char **ret_param,
                                 char **reterr) {
        _cleanup_strv_free_ char **del = api_split_list(delete);

        STRV_FOREACH(sfx, STRV_MAKE("", "6")) {
                _cleanup_free_ char *gk = xasprintf("gateway%s", *sfx), *ak = xasprintf("address%s", *sfx),
                                    *ck = xasprintf("cidr%s", *sfx), *mk = xasprintf("method%s", *sfx);
                bool touched = json_object_get(p, gk) || strv_contains(del, ak) || strv_contains(del, ck);

                if (touched && net_attr_true(i, gk) && !net_attr_true(i, ak) &&
                    !streq_ptr(net_attr_str(i, mk), "dhcp"))
                        return param_fail(ret_param, gk, reterr, "%s requires an address ('%s')", gk, ck);
        }
        return 0;
}

/* cidr -> address + netmask (a prefix length); cidr6 likewise. */
static int map_cidr(json_t *p, const char *suffix, char **ret_param, char **reterr) {
        _cleanup_free_ char *ck = xasprintf("cidr%s", suffix), *ak = xasprintf("address%s", suffix),
                            *nk = xasprintf("netmask%s", suffix), *addr = NULL;
        const char *cidr = param_str(p, ck), *slash;

        if (!cidr || !*cidr)
                return 0;
        if (json_object_get(p, ak))
                return param_fail(ret_param, ak, reterr, "%s conflicts with %s", ak, ck);
        if (json_object_get(p, nk))
                return param_fail(ret_param, nk, reterr, "%s conflicts with %s", nk, ck);
        slash = strrchr(cidr, '/');
        if (!slash)
                return 0;
        addr = xstrndup(cidr, (size_t) (slash - cidr));
        json_object_set_new(p, ak, json_string(addr));
        json_object_set_new(p, nk, json_string(slash + 1));
        json_object_del(p, ck);
        return 0;
}

/* Net::IP's IPv6 address types, longest prefix first (as ip_iptypev6() matches them). */
static const struct {
        const char *prefix; /* hex digits of the prefix */
        unsigned bits;
        const char *type;
} ipv6_types[] = {
        { "00000000000000000000000000000000", 128, "UNSPECIFIED" },
        { "00000000000000000000000000000001", 128, "LOOPBACK" },
        { "00000000000000000000ffff", 96, "IPV4MAP" },
        { "0100000000000000", 64, "DISCARD" },
        { "200100020000", 48, "BMWG" },
        { "20010000", 32, "TEREDO" },
        { "20010db8", 32, "DOCUMENTATION" },
        { "2001001", 28, "ORCHID" },
        { "2002", 16, "6TO4" },
        { "fe8", 10, "LINK-LOCAL-UNICAST" },
        { "fec", 10, "RESERVED" },
        { "fe0", 9, "RESERVED" },
        { "00", 8, "RESERVED" },
        { "01", 8, "RESERVED" },
        { "ff", 8, "MULTICAST" },
        { "fc", 7, "UNIQUE-LOCAL-UNICAST" },
        { "02", 7, "RESERVED" },
        { "04", 6, "RESERVED" },
        { "f8", 6, "RESERVED" },
        { "08", 5, "RESERVED" },
        { "f0", 5, "RESERVED" },
        { "1", 4, "RESERVED" },
        { "e", 4, "RESERVED" },
        { "2", 3, "GLOBAL-UNICAST" },
        { "4", 3, "RESERVED" },
        { "6", 3, "RESERVED" },
        { "8", 3, "RESERVED" },
        { "a", 3, "RESERVED" },
        { "c", 3, "RESERVED" },
};

static bool prefix_matches(const struct in6_addr *a, const char *hex, unsigned bits) {
        uint8_t want[16] = {};

        for (size_t i = 0; hex[i]; i++) {
                unsigned v = (unsigned) (hex[i] <= '9' ? hex[i] - '0' : hex[i] - 'a' + 10);
                want[i / 2] |= (uint8_t) (i % 2 ? v : v << 4);
        }
        for (unsigned b = 0; b < bits; b++) {
                unsigned byte = b / 8, mask = 0x80u >> (b % 8);

                if ((a->s6_addr[byte] & mask) != (want[byte] & mask))
                        return false;
        }
        return true;
}

int net_check_ipv6_host(const char *address, long prefix, char **ret_param, char **reterr) {
        struct in6_addr a, mask = {};
        const char *type = NULL;

        if (prefix < 0 || prefix > 128)
                return param_fail(ret_param, "netmask", reterr, "%ld is not a valid subnet length for ipv6", prefix);
        if (inet_pton(AF_INET6, address, &a) != 1)
                return param_fail(ret_param, "address", reterr, "%s is not a valid host IPv6 address.", address);
        for (long b = 0; b < prefix; b++)
                mask.s6_addr[b / 8] |= (uint8_t) (0x80u >> (b % 8));
        if (memcmp(&a, &mask, sizeof(a)) == 0)
                type = "ANYCAST";
        for (size_t i = 0; !type && i < ELEMENTSOF(ipv6_types); i++)
                if (prefix_matches(&a, ipv6_types[i].prefix, ipv6_types[i].bits))
                        type = ipv6_types[i].type;
        if (type && !strv_contains(STRV_MAKE("GLOBAL-UNICAST", "UNIQUE-LOCAL-UNICAST", "LINK-LOCAL-UNICAST"), type))
                return param_fail(ret_param, "address", reterr, "%s with type '%s', cannot be used as host IPv6 address.",
                                  address, type);
        return 0;
}

static int check_ipv6_params(const json_t *p, char **ret_param, char **reterr) {
        const char *a6 = param_str(p, "address6");
        json_t *m6 = json_object_get(p, "netmask6");
        _cleanup_free_ char *mask = m6 ? json_scalar_to_string(m6) : NULL;

        if (!a6 || !*a6)
                return 0;
        return net_check_ipv6_host(a6, mask ? strtol(mask, NULL, 10) : 0, ret_param, reterr);
}

/* bridge_vids as a space separated list. */
static int normalize_vids(json_t *p, char **ret_param, char **reterr) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *joined = NULL;

        if (!param_true(p, "bridge_vids"))
                return 0;
        l = api_split_list(param_str(p, "bridge_vids"));
        if (strv_isempty(l))
                return param_fail(ret_param, "bridge_vids", reterr, "VLAN list items are empty");
        joined = strv_join(l, " ");
        json_object_set_new(p, "bridge_vids", json_string(joined));
        return 0;
}

static int add_ovs_port_to_bridge(NetConfig *c, const char *name, const json_t *p, char **ret_param, char **reterr) {
        const char *brname = param_str(p, "ovs_bridge");
        _cleanup_strv_free_ char **ports = NULL;
        _cleanup_free_ char *joined = NULL;
        NetIface *br;

        if (isempty(brname))
                return param_fail(ret_param, "ovs_bridge", reterr, "parameter is required");
        br = net_config_find(c, brname);
        if (!br)
                return param_fail(ret_param, "ovs_bridge", reterr, "bridge '%s' does not exist", brname);
        if (!streq_ptr(net_attr_str(br, "type"), "OVSBridge"))
                return param_fail(ret_param, "ovs_bridge", reterr, "interface '%s' is no OVS bridge", brname);
        ports = strv_split(net_attr_str(br, "ovs_ports"), " \t");
        if (strv_contains(ports, name))
                return 0;
        strv_extend(&ports, name);
        joined = strv_join(ports, " ");
        json_object_set_new(br->attrs, "ovs_ports", json_string(joined));
        return 0;
}

int net_iface_create(NetConfig *c, const char *name, const json_t *params, char **ret_param, char **reterr) {
        _cleanup_json_ json_t *p = json_deep_copy(params);
        const char *type;
        int r;

        *ret_param = NULL;
        if (net_config_find(c, name))
                return param_fail(ret_param, "iface", reterr, "interface already exists");
        if (param_true(p, "gateway") &&
            (r = check_duplicate_gateway(c, name, "gateway", "Default gateway", ret_param, reterr)) < 0)
                return r;
        if (param_true(p, "gateway6") &&
            (r = check_duplicate_gateway(c, name, "gateway6", "Default ipv6 gateway", ret_param, reterr)) < 0)
                return r;
        r = check_duplicate_ports(c, name, p, ret_param, reterr);
        if (r >= 0)
                r = check_bridge_ports_type(c, p, ret_param, reterr);
        if (r >= 0)
                r = map_cidr(p, "", ret_param, reterr);
        if (r >= 0)
                r = map_cidr(p, "6", ret_param, reterr);
        if (r >= 0)
                r = check_ipv6_params(p, ret_param, reterr);
        if (r < 0)
                return r;

        json_object_set_new(p, "families", json_array());
        if (param_true(p, "address"))
                json_array_append_new(json_object_get(p, "families"), json_string("inet"));
        if (param_true(p, "address6"))
                json_array_append_new(json_object_get(p, "families"), json_string("inet6"));
        if (json_array_size(json_object_get(p, "families")) == 0)
                json_array_append_new(json_object_get(p, "families"), json_string("inet"));
        json_object_set_new(p, "method", json_string(param_true(p, "address") ? "static" : "manual"));
        json_object_set_new(p, "method6", json_string(param_true(p, "address6") ? "static" : "manual"));

        type = param_str(p, "type");
        if (streq_ptr(type, "OVSIntPort") || streq_ptr(type, "OVSBond")) {
                r = add_ovs_port_to_bridge(c, name, p, ret_param, reterr);
                if (r < 0)
                        return r;
        }
        r = normalize_vids(p, ret_param, reterr);
        if (r < 0)
                return r;
        r = check_gateway_address(&(NetIface) { .attrs = p }, p, NULL, ret_param, reterr);
        if (r < 0)
                return r;

        net_config_add(c, name, TAKE_PTR(p));
        return 0;
}

static void delete_keys(NetIface *i, const char *delete) {
        _cleanup_strv_free_ char **keys = api_split_list(delete);

        STRV_FOREACH(k, keys) {
                json_object_del(i->attrs, *k);
                /* An address is address, netmask and cidr together. */
                if (streq(*k, "cidr") || streq(*k, "address")) {
                        STRV_FOREACH(x, STRV_MAKE("address", "netmask", "cidr"))
                                json_object_del(i->attrs, *x);
                } else if (streq(*k, "cidr6") || streq(*k, "address6")) {
                        STRV_FOREACH(x, STRV_MAKE("address6", "netmask6", "cidr6"))
                                json_object_del(i->attrs, *x);
                }
        }
}

static bool families_contain(json_t *families, const char *family) {
        json_t *f;
        size_t k;

        json_array_foreach(families, k, f)
                if (streq_ptr(json_string_value(f), family))
                        return true;
        return false;
}

static void families_remove(json_t *families, const char *family) {
        for (size_t k = json_array_size(families); k > 0; k--)
                if (streq_ptr(json_string_value(json_array_get(families, k - 1)), family))
                        json_array_remove(families, k - 1);
}

/*
 * After an update: a family with an address is static; a static family that
 * lost its address becomes manual, or goes away when another family stays.
 */
static void update_family(NetIface *i, const char *family, const char *suffix) {
        _cleanup_free_ char *ak = xasprintf("address%s", suffix), *mk = xasprintf("method%s", suffix);
        /* Changed as a copy: the parser shares lists between interfaces (see NetIface). */
        _cleanup_json_ json_t *families = json_copy(json_object_get(i->attrs, "families"));
        bool typeless = families_contain(families, NULL);

        if (net_attr_true(i, ak)) {
                if (!typeless && !families_contain(families, family))
                        json_array_append_new(families, json_string(family));
                json_object_set_new(i->attrs, mk, json_string("static"));
        } else if (streq_ptr(net_attr_str(i, mk), "static")) {
                json_object_set_new(i->attrs, mk, json_string("manual"));
                if (json_array_size(families) > 1)
                        families_remove(families, family);
        }
        if (families)
                json_object_set(i->attrs, "families", families);
}

int net_iface_update(NetConfig *c, const char *name, const json_t *params, const char *delete, char **ret_param,
                     char **reterr) {
        _cleanup_json_ json_t *p = json_deep_copy(params);
        NetIface *i = net_config_find(c, name);
        const char *key;
        json_t *v;
        int r;

        *ret_param = NULL;
        if (!i)
                return param_fail(ret_param, "iface", reterr, "interface does not exist");
        delete_keys(i, delete);

        r = map_cidr(p, "", ret_param, reterr);
        if (r >= 0)
                r = map_cidr(p, "6", ret_param, reterr);
        if (r >= 0 && param_true(p, "gateway"))
                r = check_duplicate_gateway(c, name, "gateway", "Default gateway", ret_param, reterr);
        if (r >= 0 && param_true(p, "gateway6"))
                r = check_duplicate_gateway(c, name, "gateway6", "Default ipv6 gateway", ret_param, reterr);
        if (r >= 0)
                r = check_duplicate_ports(c, name, p, ret_param, reterr);
        if (r >= 0)
                r = check_bridge_ports_type(c, p, ret_param, reterr);
        if (r >= 0)
                r = check_ipv6_params(p, ret_param, reterr);
        if (r >= 0)
                r = normalize_vids(p, ret_param, reterr);
        if (r < 0)
                return r;

        json_object_foreach(p, key, v)
                json_object_set(i->attrs, key, v);
        /* Keep cidr in step with a new address, so the model reads as it will after a reload. */
        STRV_FOREACH(sfx, STRV_MAKE("", "6")) {
                _cleanup_free_ char *ak = xasprintf("address%s", *sfx), *nk = xasprintf("netmask%s", *sfx),
                                    *ck = xasprintf("cidr%s", *sfx);

                json_t *mask = json_object_get(i->attrs, nk);

                if (json_object_get(p, ak) && net_attr_str(i, ak) && mask) {
                        _cleanup_free_ char *m = json_scalar_to_string(mask),
                                            *cidr = xasprintf("%s/%s", net_attr_str(i, ak), m);
                        json_object_set_new(i->attrs, ck, json_string(cidr));
                }
        }
        if (!json_object_get(i->attrs, "families"))
                json_object_set_new(i->attrs, "families", json_pack("[s]", "inet"));
        update_family(i, "inet", "");
        update_family(i, "inet6", "6");
        return check_gateway_address(i, params, delete, ret_param, reterr);
}

int net_iface_delete(NetConfig *c, const char *name, char **ret_param, char **reterr) {
        NetIface *i = net_config_find(c, name), *br;
        const char *type, *brname;

        *ret_param = NULL;
        if (!i)
                return param_fail(ret_param, "iface", reterr, "interface does not exist");
        type = net_attr_str(i, "type");
        brname = net_attr_str(i, "ovs_bridge");
        if ((streq_ptr(type, "OVSIntPort") || streq_ptr(type, "OVSBond")) && brname &&
            (br = net_config_find(c, brname)) && net_attr_true(br, "ovs_ports")) {
                _cleanup_strv_free_ char **ports = strv_split(net_attr_str(br, "ovs_ports"), " \t");
                _cleanup_free_ char *joined = NULL;

                strv_remove(ports, name);
                joined = strv_join(ports, " ");
                json_object_set_new(br->attrs, "ovs_ports", json_string(joined));
        }
        return net_config_remove(c, name);
}
