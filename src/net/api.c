/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * /nodes/{node}/network: upstream's methods (pve-manager PVE/API2/Network.pm)
 * with their parameters, messages and staging through interfaces.new, plus
 * the confirm-or-rollback extension of the apply (see net/apply.h).
 */

#include <limits.h>

#include "api/call.h"
#include "api/format.h"
#include "api/json-util.h"
#include "api/registry.h"
#include "basic/alloc.h"
#include "basic/parse.h"
#include "basic/spawn.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "net/apply.h"
#include "net/edit.h"
#include "net/files.h"
#include "net/rollback.h"
#include "tasks/worker.h"

/* ---- formats --------------------------------------------------------------- */

static int verify_vlan_tag(const char *tag, char **reterr) {
        int v;

        if (parse_int(tag, INT_MIN, INT_MAX, &v) < 0 || v < 2 || v > 4094) {
                *reterr = xasprintf("invalid VLAN tag '%s'", tag);
                return -EINVAL;
        }
        return 0;
}

/* "N" or "N-M", 2 <= N < M <= 4094 (pve-common pve_verify_vlan_id_or_range). */
static int verify_vlan_id_or_range(const char *value, char **reterr) {
        _cleanup_free_ char *start = NULL;
        const char *dash = strchr(value, '-'), *end = NULL;
        int r, a, b;

        start = dash ? xstrndup(value, (size_t) (dash - value)) : xstrdup(value);
        if (dash)
                end = dash + 1;
        if (!*start || start[strspn(start, "0123456789")] || (end && (!*end || end[strspn(end, "0123456789")]))) {
                *reterr = xasprintf("invalid VLAN configuration '%s'", value);
                return -EINVAL;
        }
        r = verify_vlan_tag(start, reterr);
        if (r < 0 || !end)
                return r;
        r = verify_vlan_tag(end, reterr);
        if (r < 0)
                return r;
        (void) parse_int(start, 0, 4094, &a);
        (void) parse_int(end, 0, 4094, &b);
        if (a >= b) {
                *reterr = xasprintf("VLAN range must go from lower to higher tag '%s'", value);
                return -EINVAL;
        }
        return 0;
}

static const ApiFormat net_formats[] = {
        { "pve-vlan-id-or-range", verify_vlan_id_or_range, NULL },
};

API_REGISTER_FORMATS(net_formats);

/* ---- schema ---------------------------------------------------------------- */

#define NET_TYPES "bridge", "bond", "eth", "alias", "vlan", "fabric", "OVSBridge", "OVSBond", "OVSPort", "OVSIntPort", "vnet"

static const char *const type_enum[] = { NET_TYPES, "unknown", NULL };
static const char *const type_filter_enum[] = { NET_TYPES, "any_bridge", "any_local_bridge", "include_sdn", NULL };
static const char *const bond_mode_enum[] = {
        "balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb",
        "balance-slb", "lacp-balance-slb", "lacp-balance-tcp", NULL,
};
static const char *const method_enum[] = { "loopback", "dhcp", "manual", "static", "auto", NULL };

#define PARAM_IFACE                                                                                     \
        { .name = "iface", .type = API_TYPE_STRING, .format = "pve-iface", .min_length = 2, .max_length = 20, \
          .description = "Network interface name." }

/* upstream's $confdesc: what create and update take and the list returns */
#define NET_CONFIG_PROPERTIES(type_optional)                                                            \
        { .name = "type", .type = API_TYPE_STRING, .enum_values = type_enum, .optional = (type_optional), \
          .description = "Network interface type" },                                                    \
        { .name = "comments", .type = API_TYPE_STRING, .optional = true, .description = "Comments" },  \
        { .name = "comments6", .type = API_TYPE_STRING, .optional = true, .description = "Comments" }, \
        { .name = "autostart", .type = API_TYPE_BOOLEAN, .optional = true,                             \
          .description = "Automatically start interface on boot." },                                   \
        { .name = "bridge_vlan_aware", .type = API_TYPE_BOOLEAN, .optional = true,                     \
          .description = "Enable bridge vlan support." },                                              \
        { .name = "bridge_vids", .type = API_TYPE_STRING, .format = "pve-vlan-id-or-range-list",        \
          .optional = true,                                                                             \
          .description = "Specify the allowed VLANs. For example: '2 4 100-200'. Only used if the "    \
                         "bridge is VLAN aware." },                                                     \
        { .name = "bridge_ports", .type = API_TYPE_STRING, .format = "pve-iface-list", .optional = true, \
          .description = "Specify the interfaces you want to add to your bridge." },                   \
        { .name = "ovs_ports", .type = API_TYPE_STRING, .format = "pve-iface-list", .optional = true,  \
          .description = "Specify the interfaces you want to add to your bridge." },                   \
        { .name = "ovs_tag", .type = API_TYPE_INTEGER, .minimum = API_LIMIT(1), .maximum = API_LIMIT(4094), \
          .optional = true, .description = "Specify a VLan tag (used by OVSPort, OVSIntPort, OVSBond)" }, \
        { .name = "ovs_options", .type = API_TYPE_STRING, .max_length = 1024, .optional = true,        \
          .description = "OVS interface options." },                                                   \
        { .name = "ovs_bridge", .type = API_TYPE_STRING, .format = "pve-iface", .optional = true,      \
          .description = "The OVS bridge associated with a OVS port. This is required when you "       \
                         "create an OVS port." },                                                       \
        { .name = "slaves", .type = API_TYPE_STRING, .format = "pve-iface-list", .optional = true,     \
          .description = "Specify the interfaces used by the bonding device." },                       \
        { .name = "ovs_bonds", .type = API_TYPE_STRING, .format = "pve-iface-list", .optional = true,  \
          .description = "Specify the interfaces used by the bonding device." },                       \
        { .name = "bond_mode", .type = API_TYPE_STRING, .enum_values = bond_mode_enum, .optional = true, \
          .description = "Bonding mode." },                                                            \
        { .name = "bond-primary", .type = API_TYPE_STRING, .format = "pve-iface", .optional = true,    \
          .description = "Specify the primary interface for active-backup bond." },                    \
        { .name = "bond_xmit_hash_policy", .type = API_TYPE_STRING, .optional = true,                  \
          .enum_values = (const char *const[]) { "layer2", "layer2+3", "layer3+4", NULL },             \
          .description = "Selects the transmit hash policy to use for slave selection in balance-xor " \
                         "and 802.3ad modes." },                                                        \
        { .name = "vlan-raw-device", .type = API_TYPE_STRING, .format = "pve-iface", .optional = true, \
          .description = "Specify the raw interface for the vlan interface." },                        \
        { .name = "vlan-id", .type = API_TYPE_INTEGER, .minimum = API_LIMIT(1), .maximum = API_LIMIT(4094), \
          .optional = true, .description = "vlan-id for a custom named vlan interface (ifupdown2 only)." }, \
        { .name = "gateway", .type = API_TYPE_STRING, .format = "ipv4", .optional = true,               \
          .description = "Default gateway address." },                                                 \
        { .name = "netmask", .type = API_TYPE_STRING, .format = "ipv4mask", .optional = true,           \
          .requires = "address", .description = "Network mask." },                                     \
        { .name = "address", .type = API_TYPE_STRING, .format = "ipv4", .optional = true,               \
          .requires = "netmask", .description = "IP address." },                                       \
        { .name = "cidr", .type = API_TYPE_STRING, .format = "CIDRv4", .optional = true,                \
          .description = "IPv4 CIDR." },                                                               \
        { .name = "mtu", .type = API_TYPE_INTEGER, .minimum = API_LIMIT(1280), .maximum = API_LIMIT(65520), \
          .optional = true, .description = "MTU." },                                                   \
        { .name = "gateway6", .type = API_TYPE_STRING, .format = "ipv6", .optional = true,              \
          .description = "Default ipv6 gateway address." },                                            \
        { .name = "netmask6", .type = API_TYPE_INTEGER, .minimum = API_LIMIT(0), .maximum = API_LIMIT(128), \
          .optional = true, .requires = "address6", .description = "Network mask." },                  \
        { .name = "address6", .type = API_TYPE_STRING, .format = "ipv6", .optional = true,              \
          .requires = "netmask6", .description = "IP address." },                                      \
        { .name = "cidr6", .type = API_TYPE_STRING, .format = "CIDRv6", .optional = true,               \
          .description = "IPv6 CIDR." }

static const ApiSchema list_params[] = {
        API_PARAM_NODE,
        { .name = "type", .type = API_TYPE_STRING, .enum_values = type_filter_enum, .optional = true,
          .description = "Only list specific interface types." },
        {},
};

static const ApiSchema iface_props[] = {
        NET_CONFIG_PROPERTIES(false),
        PARAM_IFACE,
        { .name = "active", .type = API_TYPE_BOOLEAN, .optional = true,
          .description = "Set to true if the interface is active." },
        { .name = "bridge-access", .type = API_TYPE_INTEGER, .optional = true,
          .description = "The bridge port access VLAN." },
        { .name = "bridge-learning", .type = API_TYPE_BOOLEAN, .optional = true,
          .description = "Bridge port learning flag." },
        { .name = "bridge-arp-nd-suppress", .type = API_TYPE_BOOLEAN, .optional = true,
          .description = "Bridge port ARP/ND suppress flag." },
        { .name = "bridge-unicast-flood", .type = API_TYPE_BOOLEAN, .optional = true,
          .description = "Bridge port unicast flood flag." },
        { .name = "bridge-multicast-flood", .type = API_TYPE_BOOLEAN, .optional = true,
          .description = "Bridge port multicast flood flag." },
        { .name = "exists", .type = API_TYPE_BOOLEAN, .optional = true,
          .description = "Set to true if the interface physically exists." },
        { .name = "families", .type = API_TYPE_ARRAY, .optional = true, .description = "The network families.",
          .items = &(const ApiSchema) { .type = API_TYPE_STRING, .description = "A network family.",
                                        .enum_values = (const char *const[]) { "inet", "inet6", NULL } } },
        { .name = "link-type", .type = API_TYPE_STRING, .optional = true, .description = "The link type." },
        { .name = "method", .type = API_TYPE_STRING, .enum_values = method_enum, .optional = true,
          .description = "The network configuration method for IPv4." },
        { .name = "method6", .type = API_TYPE_STRING, .enum_values = method_enum, .optional = true,
          .description = "The network configuration method for IPv6." },
        { .name = "options", .type = API_TYPE_ARRAY, .optional = true,
          .description = "A list of additional interface options for IPv4.",
          .items = &(const ApiSchema) { .type = API_TYPE_STRING, .description = "An interface property." } },
        { .name = "options6", .type = API_TYPE_ARRAY, .optional = true,
          .description = "A list of additional interface options for IPv6.",
          .items = &(const ApiSchema) { .type = API_TYPE_STRING, .description = "An interface property." } },
        { .name = "priority", .type = API_TYPE_INTEGER, .optional = true, .description = "The order of the interface." },
        { .name = "uplink-id", .type = API_TYPE_STRING, .optional = true, .description = "The uplink ID." },
        { .name = "vlan-protocol", .type = API_TYPE_STRING, .optional = true,
          .enum_values = (const char *const[]) { "802.1ad", "802.1q", NULL }, .description = "The VLAN protocol." },
        { .name = "vxlan-id", .type = API_TYPE_INTEGER, .optional = true, .description = "The VXLAN ID." },
        { .name = "vxlan-svcnodeip", .type = API_TYPE_STRING, .optional = true, .description = "The VXLAN SVC node IP." },
        { .name = "vxlan-physdev", .type = API_TYPE_STRING, .optional = true,
          .description = "The physical device for the VXLAN tunnel." },
        { .name = "vxlan-local-tunnelip", .type = API_TYPE_STRING, .optional = true,
          .description = "The VXLAN local tunnel IP." },
        {},
};

static const ApiSchema create_params[] = {
        API_PARAM_NODE,
        PARAM_IFACE,
        NET_CONFIG_PROPERTIES(false),
        {},
};

static const ApiSchema update_params[] = {
        API_PARAM_NODE,
        PARAM_IFACE,
        NET_CONFIG_PROPERTIES(false),
        { .name = "delete", .type = API_TYPE_STRING, .format = "pve-configid-list", .optional = true,
          .description = "A list of settings you want to delete." },
        {},
};

static const ApiSchema iface_params[] = { API_PARAM_NODE, PARAM_IFACE, {} };
static const ApiSchema apply_params[] = {
        API_PARAM_NODE,
        { .name = "regenerate-frr", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "0",
          .description = "Whether FRR config generation should get skipped or not." },
        { .name = "rollback-timeout", .type = API_TYPE_INTEGER, .optional = true, .minimum = API_LIMIT(1),
          .maximum = API_LIMIT(86400),
          .description = "Roll the network configuration back unless the change is confirmed (POST "
                         "/nodes/{node}/network/confirm) within this many seconds." },
        {},
};

/* ---- handlers -------------------------------------------------------------- */

/* Parameters of a create/update as the edit functions take them. */
static json_t *edit_params(const ApiCall *call) {
        json_t *p = json_deep_copy(call->params);

        STRV_FOREACH(k, STRV_MAKE("node", "iface", "delete"))
                json_object_del(p, *k);
        return p;
}

static int edit_error(ApiCall *call, const char *param, const char *message) {
        if (param)
                return api_param_error(call, param, "%s", message);
        return api_error(call, 500, "%s", message);
}

static int load_pending(ApiCall *call, NetConfig **ret) {
        _cleanup_free_ char *err = NULL;
        const char *node;
        int r;

        r = api_local_node(call, &node);
        if (r < 0)
                return r;
        r = net_files_load_pending(ret, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        return 0;
}

/* The interface as the API lists it; the attributes are handed over (the configuration is not written). */
static json_t *iface_to_json(NetIface *i) {
        json_t *o = json_incref(i->attrs);

        /* Names of a parsed configuration are checked UTF-8 already. */
        json_object_set_new_nocheck(o, "iface", json_stringn_nocheck(i->name, strlen(i->name)));
        return o;
}

static bool type_matches(const char *filter, const char *type) {
        bool bridge = streq_ptr(type, "bridge") || streq_ptr(type, "OVSBridge");

        if (streq(filter, "include_sdn"))
                return true;
        if (streq(filter, "any_bridge") || streq(filter, "any_local_bridge"))
                return bridge;
        return streq_ptr(type, filter);
}

static int list_networks(ApiCall *call, json_t **ret) {
        _cleanup_(net_config_freep) NetConfig *c = NULL;
        _cleanup_json_ json_t *list = json_array();
        _cleanup_free_ char *changes = NULL;
        const char *filter = api_param_str(call, "type");
        int r;

        r = load_pending(call, &c);
        if (r < 0)
                return r;
        if (net_files_pending_changes(&changes) >= 0 && changes)
                api_set_attr(call, "changes", json_string(changes));

        for (size_t k = 0; k < net_config_count(c); k++) {
                NetIface *i = net_config_iface(c, k);

                /* The loopback device is not listed. */
                if (streq(i->name, "lo"))
                        continue;
                if (filter && !type_matches(filter, net_attr_str(i, "type")))
                        continue;
                json_array_append_new(list, iface_to_json(i));
        }
        *ret = TAKE_PTR(list);
        return 0;
}

static int get_network(ApiCall *call, json_t **ret) {
        _cleanup_(net_config_freep) NetConfig *c = NULL;
        const NetIface *i;
        int r;

        r = load_pending(call, &c);
        if (r < 0)
                return r;
        i = net_config_find(c, api_param_str(call, "iface"));
        if (!i)
                return api_param_error(call, "iface", "interface does not exist");
        *ret = json_deep_copy(i->attrs);
        return 0;
}

typedef enum EditKind {
        EDIT_CREATE,
        EDIT_UPDATE,
        EDIT_DELETE,
} EditKind;

static int edit_network(ApiCall *call, EditKind kind) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_(net_config_freep) NetConfig *c = NULL;
        _cleanup_json_ json_t *params = edit_params(call);
        _cleanup_free_ char *param = NULL, *err = NULL;
        const char *iface = api_param_str(call, "iface"), *type = api_param_str(call, "type");
        int r;

        r = net_files_lock(&lock, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        r = load_pending(call, &c);
        if (r < 0)
                return r;

        switch (kind) {
        case EDIT_CREATE:
                if (type && startswith(type, "OVS") && find_executable("ovs-vsctl", NULL) < 0)
                        return api_error(call, 500, "Open VSwitch is not installed (need package 'openvswitch-switch')");
                r = net_iface_create(c, iface, params, &param, &err);
                break;
        case EDIT_UPDATE:
                r = net_iface_update(c, iface, params, api_param_str(call, "delete"), &param, &err);
                break;
        case EDIT_DELETE:
                r = net_iface_delete(c, iface, &param, &err);
                break;
        }
        if (r < 0)
                return edit_error(call, param, err);

        r = net_files_save_pending(c, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        return 0;
}

static int create_network(ApiCall *call, json_t **ret) {
        return edit_network(call, EDIT_CREATE);
}

static int update_network(ApiCall *call, json_t **ret) {
        return edit_network(call, EDIT_UPDATE);
}

static int delete_network(ApiCall *call, json_t **ret) {
        return edit_network(call, EDIT_DELETE);
}

static int revert_network_changes(ApiCall *call, json_t **ret) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_free_ char *err = NULL;
        const char *node;
        int r;

        r = api_local_node(call, &node);
        if (r < 0)
                return r;
        r = net_files_lock(&lock, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        r = net_files_revert();
        if (r < 0)
                return api_error_errno(call, r, "unable to remove '%s' - %m", NET_INTERFACES_NEW_FILE);
        return 0;
}

static int reload_network_config(ApiCall *call, json_t **ret) {
        NetApplyOptions o = {};
        const char *node;
        int r;

        r = api_local_node(call, &node);
        if (r < 0)
                return r;
        if (api_param_has(call, "rollback-timeout"))
                o.rollback_timeout = (unsigned) api_param_int(call, "rollback-timeout");
        return api_task_start(call, "srvreload", "networking", net_apply_task, &o, ret);
}

static int confirm_network_config(ApiCall *call, json_t **ret) {
        _cleanup_free_ char *err = NULL;
        const char *node;
        int r;

        r = api_local_node(call, &node);
        if (r < 0)
                return r;
        r = net_rollback_confirm(&err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        return 0;
}

/* ---- registration ---------------------------------------------------------- */

static const ApiMethod net_methods[] = {
        {
                .path = "/nodes/{node}/network",
                .http_method = API_GET,
                .name = "index",
                .description = "List available networks",
                .parameters = list_params,
                .returns = { .type = API_TYPE_ARRAY, .child_link = "{iface}",
                             .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .properties = iface_props } },
                .permissions = { .kind = API_PERM_ALL_USERS },
                .handler = list_networks,
        },
        {
                .path = "/nodes/{node}/network",
                .http_method = API_POST,
                .name = "create_network",
                .description = "Create network device configuration",
                .parameters = create_params,
                .returns = { .type = API_TYPE_NULL },
                .permissions = API_PERM_PRIVS("/nodes/{node}", "Sys.Modify"),
                .protected_ = true,
                .handler = create_network,
        },
        {
                .path = "/nodes/{node}/network",
                .http_method = API_PUT,
                .name = "reload_network_config",
                .description = "Reload network configuration",
                .parameters = apply_params,
                .returns = { .type = API_TYPE_STRING },
                .permissions = API_PERM_PRIVS("/nodes/{node}", "Sys.Modify"),
                .protected_ = true,
                .task = true,
                .handler = reload_network_config,
        },
        {
                .path = "/nodes/{node}/network",
                .http_method = API_DELETE,
                .name = "revert_network_changes",
                .description = "Revert network configuration changes.",
                .parameters = api_params_node_only,
                .returns = { .type = API_TYPE_NULL },
                .permissions = API_PERM_PRIVS("/nodes/{node}", "Sys.Modify"),
                .protected_ = true,
                .handler = revert_network_changes,
        },
        {
                .path = "/nodes/{node}/network/confirm",
                .http_method = API_POST,
                .name = "confirm_network_config",
                .description = "Confirm the network configuration applied with a rollback timeout, so that it "
                               "is kept.",
                .parameters = api_params_node_only,
                .returns = { .type = API_TYPE_NULL },
                .permissions = API_PERM_PRIVS("/nodes/{node}", "Sys.Modify"),
                .protected_ = true,
                .handler = confirm_network_config,
        },
        {
                .path = "/nodes/{node}/network/{iface}",
                .http_method = API_GET,
                .name = "network_config",
                .description = "Read network device configuration",
                .parameters = iface_params,
                .returns = { .type = API_TYPE_OBJECT, .additional_properties = true,
                             .properties = (const ApiSchema[]) {
                                     { .name = "type", .type = API_TYPE_STRING },
                                     { .name = "method", .type = API_TYPE_STRING },
                                     {},
                             } },
                .permissions = API_PERM_PRIVS("/nodes/{node}", "Sys.Audit"),
                .handler = get_network,
        },
        {
                .path = "/nodes/{node}/network/{iface}",
                .http_method = API_PUT,
                .name = "update_network",
                .description = "Update network device configuration",
                .parameters = update_params,
                .returns = { .type = API_TYPE_NULL },
                .permissions = API_PERM_PRIVS("/nodes/{node}", "Sys.Modify"),
                .protected_ = true,
                .handler = update_network,
        },
        {
                .path = "/nodes/{node}/network/{iface}",
                .http_method = API_DELETE,
                .name = "delete_network",
                .description = "Delete network device configuration",
                .parameters = iface_params,
                .returns = { .type = API_TYPE_NULL },
                .permissions = API_PERM_PRIVS("/nodes/{node}", "Sys.Modify"),
                .protected_ = true,
                .handler = delete_network,
        },
};

API_REGISTER_METHODS(net_methods);
