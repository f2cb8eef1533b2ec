/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * API methods of the node itself: /version, /nodes, /nodes/{node} and its
 * status, version, config and wakeonlan.
 */

#include <sys/statvfs.h>
#include <sys/utsname.h>

#include "api/call.h"
#include "api/format.h"
#include "api/json-util.h"
#include "api/propstr.h"
#include "api/registry.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/lockfile.h"
#include "basic/rootdir.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "nodecfg/config.h"
#include "nodecfg/status.h"
#include "nodecfg/wol.h"
#include "repoid.h"
#include "sys/nodename.h"

/* The upstream API level pvehost implements; clients decide on features by it. */
#define API_VERSION "9.1.0"
#define API_RELEASE "9.1"

static const ApiSchema no_params[] = { {} };
/* ---- versions ----------------------------------------------------------- */

static const ApiSchema version_props[] = {
        { .name = "release", .type = API_TYPE_STRING, .description = "The current Proxmox VE point release in `x.y` format." },
        { .name = "repoid", .type = API_TYPE_STRING, .description = "The short git revision from which this version was build." },
        { .name = "version", .type = API_TYPE_STRING, .description = "The full pve-manager package version of this node." },
        { .name = "pvehost", .type = API_TYPE_STRING, .optional = true, .description = "The pvehost version implementing the API." },
        {},
};

static int get_version(ApiCall *call, json_t **ret) {
        *ret = json_pack("{s:s,s:s,s:s,s:s}", "version", API_VERSION, "release", API_RELEASE, "repoid", PVEHOST_REPOID,
                         "pvehost", PVEHOST_VERSION);
        return 0;
}

static int get_node_version(ApiCall *call, json_t **ret) {
        const char *node;
        int r;

        r = api_local_node(call, &node);
        if (r < 0)
                return r;
        return get_version(call, ret);
}

/* ---- node list ---------------------------------------------------------- */

static const ApiSchema node_list_props[] = {
        { .name = "node", .type = API_TYPE_STRING, .format = "pve-node", .description = "The cluster node name." },
        { .name = "status", .type = API_TYPE_STRING, .description = "Node status.",
          .enum_values = (const char *const[]) { "unknown", "online", "offline", NULL } },
        { .name = "cpu", .type = API_TYPE_NUMBER, .optional = true, .renderer = "fraction_as_percentage",
          .description = "CPU utilization." },
        { .name = "maxcpu", .type = API_TYPE_INTEGER, .optional = true, .description = "Number of available CPUs." },
        { .name = "mem", .type = API_TYPE_INTEGER, .optional = true, .renderer = "bytes",
          .description = "Used memory in bytes." },
        { .name = "maxmem", .type = API_TYPE_INTEGER, .optional = true, .renderer = "bytes",
          .description = "Number of available memory in bytes." },
        { .name = "level", .type = API_TYPE_STRING, .optional = true, .description = "Support level." },
        { .name = "uptime", .type = API_TYPE_INTEGER, .optional = true, .renderer = "duration",
          .description = "Node uptime in seconds." },
        { .name = "ssl_fingerprint", .type = API_TYPE_STRING, .optional = true,
          .description = "The SSL fingerprint for the node certificate." },
        {},
};

static int list_nodes(ApiCall *call, json_t **ret) {
        _cleanup_json_ json_t *list = json_array(), *local = NULL;
        _cleanup_free_ char *dir = root_path("/etc/pve/nodes");
        _cleanup_strv_free_ char **others = NULL;
        NodeStatus st = {};
        int r;

        r = node_status_read(&st);
        if (r < 0)
                return api_error_errno(call, r, "unable to read node status: %m");
        local = json_pack("{s:s,s:s,s:s,s:s,s:s,s:f,s:I,s:I,s:I,s:I}", "node", node_name(), "status", "online",
                          "id", "node/", "type", "node", "level", "", "cpu", st.cpu, "maxcpu", (json_int_t) st.cpuinfo.cpus,
                          "mem", (json_int_t) st.memory.used, "maxmem", (json_int_t) st.memory.total, "uptime",
                          (json_int_t) st.uptime);
        {
                _cleanup_free_ char *id = xasprintf("node/%s", node_name());
                json_object_set_new(local, "id", json_string(id));
        }
        json_array_append(list, local);
        node_status_done(&st);

        /* Other nodes known to the cluster file system; there is no membership information. */
        (void) node_directory_list(dir, &others);
        STRV_FOREACH(n, others) {
                _cleanup_free_ char *id = xasprintf("node/%s", *n);

                if (streq(*n, node_name()))
                        continue;
                json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s}", "node", *n, "status", "unknown", "id", id,
                                                      "type", "node"));
        }
        *ret = TAKE_PTR(list);
        return 0;
}

/* ---- status ------------------------------------------------------------- */

static const ApiSchema memory_props[] = {
        { .name = "available", .type = API_TYPE_INTEGER, .description = "The available memory in bytes." },
        { .name = "free", .type = API_TYPE_INTEGER, .description = "The free memory in bytes." },
        { .name = "total", .type = API_TYPE_INTEGER, .description = "The total memory in bytes." },
        { .name = "used", .type = API_TYPE_INTEGER, .description = "The used memory in bytes." },
        {},
};

static const ApiSchema rootfs_props[] = {
        { .name = "avail", .type = API_TYPE_INTEGER, .description = "The available bytes in the root filesystem." },
        { .name = "free", .type = API_TYPE_INTEGER, .description = "The free bytes on the root filesystem." },
        { .name = "total", .type = API_TYPE_INTEGER, .description = "The total size of the root filesystem in bytes." },
        { .name = "used", .type = API_TYPE_INTEGER, .description = "The used bytes in the root filesystem." },
        {},
};

static const ApiSchema cpuinfo_props[] = {
        { .name = "cores", .type = API_TYPE_INTEGER, .description = "The number of physical cores of the CPU." },
        { .name = "cpus", .type = API_TYPE_INTEGER, .description = "The number of logical threads of the CPU." },
        { .name = "model", .type = API_TYPE_STRING, .description = "The CPU model" },
        { .name = "sockets", .type = API_TYPE_INTEGER, .description = "The number of CPU sockets." },
        { .name = "microcode", .type = API_TYPE_STRING, .optional = true,
          .description = "The microcode revision the CPU runs (from /proc/cpuinfo)." },
        {},
};

static const ApiSchema boot_info_props[] = {
        { .name = "mode", .type = API_TYPE_STRING, .description = "Through which firmware the system got booted.",
          .enum_values = (const char *const[]) { "efi", "legacy-bios", NULL } },
        { .name = "secureboot", .type = API_TYPE_BOOLEAN, .optional = true,
          .description = "System is booted in secure mode, only applicable for the \"efi\" mode." },
        {},
};

static const ApiSchema status_props[] = {
        { .name = "boot-info", .type = API_TYPE_OBJECT, .properties = boot_info_props,
          .description = "Meta-information about the boot mode." },
        { .name = "cpu", .type = API_TYPE_NUMBER, .description = "The current cpu usage." },
        { .name = "cpuinfo", .type = API_TYPE_OBJECT, .properties = cpuinfo_props, .additional_properties = true },
        { .name = "current-kernel", .type = API_TYPE_OBJECT, .additional_properties = true,
          .description = "Meta-information about the currently booted kernel of this node." },
        { .name = "kversion", .type = API_TYPE_STRING, .description = "The kernel version string." },
        { .name = "loadavg", .type = API_TYPE_ARRAY, .items = &(const ApiSchema) { .type = API_TYPE_STRING },
          .description = "An array of load avg for 1, 5 and 15 minutes respectively." },
        { .name = "memory", .type = API_TYPE_OBJECT, .properties = memory_props },
        { .name = "pveversion", .type = API_TYPE_STRING, .description = "The PVE version string." },
        { .name = "rootfs", .type = API_TYPE_OBJECT, .properties = rootfs_props },
        { .name = "ksm", .type = API_TYPE_OBJECT, .optional = true, .additional_properties = true },
        { .name = "swap", .type = API_TYPE_OBJECT, .optional = true, .additional_properties = true },
        { .name = "uptime", .type = API_TYPE_INTEGER, .optional = true, .renderer = "duration" },
        { .name = "wait", .type = API_TYPE_NUMBER, .optional = true, .description = "The current iowait." },
        {},
};

static int get_status(ApiCall *call, json_t **ret) {
        NodeStatus st = {};
        const char *node;
        int r;

        r = api_local_node(call, &node);
        if (r < 0)
                return r;
        r = node_status_read(&st);
        if (r < 0)
                return api_error_errno(call, r, "unable to read node status: %m");
        *ret = node_status_to_json(&st);
        node_status_done(&st);
        return 0;
}

/* ---- config ------------------------------------------------------------- */

#define NODE_CONFIG_LOCK_TIMEOUT (10 * USEC_PER_SEC)

static const char *const config_property_names[] = {
        "acme", "acmedomain0", "acmedomain1", "acmedomain2", "acmedomain3", "acmedomain4", "acmedomain5",
        "ballooning-target", "description", "location", "startall-onboot-delay", "wakeonlan", NULL,
};

static const ApiSchema get_config_params[] = {
        API_PARAM_NODE,
        { .name = "property", .type = API_TYPE_STRING, .optional = true, .default_value = "all",
          .enum_values = config_property_names,
          .description = "Return only a specific property from the node configuration." },
        {},
};

#define DIGEST_PARAM                                                                            \
        { .name = "digest", .type = API_TYPE_STRING, .optional = true, .max_length = 40,                \
          .description = "Prevent changes if current configuration file has a different SHA1 digest. "  \
                         "This can be used to prevent concurrent modifications." }

static const ApiSchema get_config_returns[] = { NODE_CONFIG_PROPERTIES, DIGEST_PARAM, {} };

static const ApiSchema set_config_params[] = {
        API_PARAM_NODE,
        NODE_CONFIG_PROPERTIES,
        { .name = "delete", .type = API_TYPE_STRING, .format = "pve-configid-list", .optional = true,
          .max_length = 4096, .description = "A list of settings you want to delete." },
        DIGEST_PARAM,
        {},
};

static int node_exists_or_local(ApiCall *call, const char **ret) {
        const char *node = api_param_str(call, "node");
        _cleanup_free_ char *dir = NULL;

        if (streq(node, "localhost") || streq(node, node_name())) {
                *ret = node_name();
                return 0;
        }
        dir = root_pathf("/etc/pve/nodes/%s", node);
        if (!dir_exists(dir))
                return api_error(call, 500, "no such cluster node '%s'", node);
        *ret = node;
        return 0;
}

static json_t *config_to_json(const NodeConfig *c) {
        json_t *o = json_deep_copy(c->values);

        if (c->description)
                json_object_set_new(o, "description", json_string(c->description));
        json_object_set_new(o, "digest", json_string(c->digest));
        return o;
}

static int get_config(ApiCall *call, json_t **ret) {
        _cleanup_(node_config_done) NodeConfig c = {};
        _cleanup_json_ json_t *all = NULL;
        _cleanup_free_ char *err = NULL;
        const char *node, *prop;
        int r;

        r = node_exists_or_local(call, &node);
        if (r < 0)
                return r;
        r = node_config_load(node, &c, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);

        all = config_to_json(&c);
        prop = json_object_get_string(call->params, "property");
        if (prop && !streq(prop, "all")) {
                json_t *v = json_object_get(all, prop);

                *ret = v ? json_pack("{s:O}", prop, v) : json_object();
                return 0;
        }
        *ret = TAKE_PTR(all);
        return 0;
}

static int set_config(ApiCall *call, json_t **ret) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_(node_config_done) NodeConfig c = {};
        _cleanup_free_ char *err = NULL, *lock_path = node_config_lock_path(), *path = NULL, *text = NULL;
        _cleanup_strv_free_ char **del = NULL;
        const char *node, *digest;
        int r;

        r = node_exists_or_local(call, &node);
        if (r < 0)
                return r;

        r = lock_file_acquire(lock_path, NODE_CONFIG_LOCK_TIMEOUT, &lock);
        if (r < 0)
                return api_error_errno(call, r, "can't lock file '%s' - %s", lock_path,
                                       r == -ETIMEDOUT ? "got timeout" : strerror(-r));

        r = node_config_load(node, &c, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);

        digest = api_param_str(call, "digest");
        if (digest && !streq(digest, c.digest))
                return api_error(call, 500,
                                 "detected modified configuration - file changed by other user? Try again.");

        for (const ApiSchema *k = node_config_keys; k->name; k++) {
                json_t *v = json_object_get(call->params, k->name);
                _cleanup_free_ char *s = NULL;

                if (!v)
                        continue;
                s = json_scalar_to_string(v);
                if (streq(k->name, "description")) {
                        /* The schema counts characters; the file's limit is in bytes. */
                        if (strlen(s) > NODE_DESCRIPTION_MAX)
                                return api_param_error(call, "description", "value may only be %d bytes long",
                                                       NODE_DESCRIPTION_MAX);
                        free(c.description);
                        c.description = TAKE_PTR(s);
                } else
                        json_object_set_new(c.values, k->name, json_string(s));
        }

        del = api_split_list(api_param_str(call, "delete"));
        STRV_FOREACH(d, del) {
                if (streq(*d, "description"))
                        c.description = mfree(c.description);
                else
                        json_object_del(c.values, *d);
        }

        r = node_config_verify(&c, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        text = node_config_format(&c, &err);
        if (!text)
                return api_error(call, 500, "%s", err);

        path = node_config_path(node);
        r = write_file_atomic(path, text, strlen(text), &WRITE_OPTIONS(0640, WRITE_MKDIR));
        if (r < 0)
                return api_error_errno(call, r, "unable to write '%s': %m", path);
        return 0;
}

/* ---- wake on LAN -------------------------------------------------------- */

static int wakeonlan(ApiCall *call, json_t **ret) {
        _cleanup_(node_config_done) NodeConfig target = {}, local = {};
        _cleanup_json_ json_t *twol = NULL, *lwol = NULL;
        _cleanup_free_ char *err = NULL, *dir = NULL;
        const char *node = api_param_str(call, "node"), *mac, *v;
        int r;

        if (streq(node, node_name()) || streq(node, "localhost"))
                return api_error(call, 500, "'%s' is local node, cannot wake my self!", node);
        dir = root_pathf("/etc/pve/nodes/%s", node);
        if (!dir_exists(dir))
                return api_error(call, 500, "no such cluster node '%s'", node);

        r = node_config_load(node, &target, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        v = json_object_get_string(target.values, "wakeonlan");
        if (v && propstr_parse(node_wakeonlan_keys, v, "wakeonlan", &twol, &err) < 0)
                return api_error(call, 500, "%s", err);
        mac = json_object_get_string(twol, "mac");
        if (!mac)
                return api_error(call, 500, "No wake on LAN MAC address defined for '%s'!", node);

        /* Where to send from comes from this node's own settings. */
        r = node_config_load(node_name(), &local, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        v = json_object_get_string(local.values, "wakeonlan");
        if (v && propstr_parse(node_wakeonlan_keys, v, "wakeonlan", &lwol, &err) < 0)
                return api_error(call, 500, "%s", err);

        r = wol_send(mac, json_object_get_string(lwol, "bind-interface"),
                     json_object_get_string(lwol, "broadcast-address"), &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        *ret = json_string(mac);
        return 0;
}

/* ---- registration ------------------------------------------------------- */

static const ApiMethod nodecfg_methods[] = {
        {
                .path = "/version",
                .http_method = API_GET,
                .name = "version",
                .description = "API version details, including some parts of the global datacenter config.",
                .parameters = no_params,
                .returns = { .type = API_TYPE_OBJECT, .properties = version_props },
                .permissions = { .kind = API_PERM_ALL_USERS },
                .thread_safe = true,
                .handler = get_version,
        },
        {
                .path = "/nodes",
                .http_method = API_GET,
                .name = "index",
                .description = "Cluster node index.",
                .parameters = no_params,
                .returns = { .type = API_TYPE_ARRAY, .child_link = "{node}",
                             .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .properties = node_list_props } },
                .permissions = { .kind = API_PERM_ALL_USERS },
                .handler = list_nodes,
        },
        {
                .path = "/nodes/{node}",
                .http_method = API_GET,
                .name = "index",
                .description = "Node index.",
                .parameters = api_params_node_only,
                .returns = API_INDEX_RETURNS("name"),
                .permissions = { .kind = API_PERM_ALL_USERS },
                .handler = api_index_handler,
        },
        {
                .path = "/nodes/{node}/version",
                .http_method = API_GET,
                .name = "version",
                .description = "API version details",
                .parameters = api_params_node_only,
                .returns = { .type = API_TYPE_OBJECT, .properties = version_props },
                .permissions = { .kind = API_PERM_ALL_USERS },
                .thread_safe = true,
                .handler = get_node_version,
        },
        {
                .path = "/nodes/{node}/status",
                .http_method = API_GET,
                .name = "status",
                .description = "Read node status",
                .parameters = api_params_node_only,
                .returns = { .type = API_TYPE_OBJECT, .properties = status_props, .additional_properties = true },
                .permissions = API_PERM_PRIVS("/nodes/{node}", "Sys.Audit"),
                .handler = get_status,
        },
        {
                .path = "/nodes/{node}/config",
                .http_method = API_GET,
                .name = "get_config",
                .description = "Get node configuration options.",
                .parameters = get_config_params,
                .returns = { .type = API_TYPE_OBJECT, .properties = get_config_returns },
                .permissions = API_PERM_PRIVS("/", "Sys.Audit"),
                .handler = get_config,
        },
        {
                .path = "/nodes/{node}/config",
                .http_method = API_PUT,
                .name = "set_options",
                .description = "Set node configuration options.",
                .parameters = set_config_params,
                .returns = { .type = API_TYPE_NULL },
                .permissions = API_PERM_PRIVS("/", "Sys.Modify"),
                .protected_ = true,
                .handler = set_config,
        },
        {
                .path = "/nodes/{node}/wakeonlan",
                .http_method = API_POST,
                .name = "wakeonlan",
                .description = "Try to wake a node via 'wake on LAN' network packet.",
                .parameters = api_params_node_only,
                .returns = { .type = API_TYPE_STRING, .format = "mac-addr",
                             .description = "MAC address used to assemble the WoL magic packet." },
                .permissions = API_PERM_PRIVS("/nodes/{node}", "Sys.PowerMgmt"),
                .protected_ = true,
                .handler = wakeonlan,
        },
};

API_REGISTER_METHODS(nodecfg_methods);
