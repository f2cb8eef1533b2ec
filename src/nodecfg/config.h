/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The node configuration file /etc/pve/nodes/<node>/config, in upstream's
 * format (pve-manager PVE::NodeConfig):
 *
 *         #Rack 4, slot 2
 *         #%3A contains a colon
 *         acme: account=default,domains=pve1.example.com
 *         wakeonlan: 52:54:00:12:34:56,bind-interface=eno1
 *
 * The description is a block of "#" lines, each percent-encoded; then one
 * "key: value" line per option, keys sorted. Values are kept verbatim
 * (property strings are not normalised) and unknown keys survive a
 * rewrite. Unlike upstream, which warns and drops what it cannot parse,
 * a malformed line or an invalid value is an error naming "<file>:<line>",
 * so a rewrite never loses data.
 */

#include <jansson.h>

#include "api/schema.h"
#include "sys/hash.h"

/* Longest description, as upstream's maxLength. */
#define NODE_DESCRIPTION_MAX (64 * 1024)
/* acmedomain0 .. acmedomain5 */
#define NODE_ACME_DOMAINS 6

typedef struct NodeConfig {
        char *description;  /* decoded, each line ending in "\n" as upstream returns it; NULL if none */
        json_t *values;     /* key -> value string, verbatim */
        char digest[SHA1_HEX_SIZE];
} NodeConfig;

/* Property strings: "wakeonlan" (mac, bind-interface, broadcast-address), "acme", "acmedomainN". */
extern const ApiSchema node_wakeonlan_keys[];
extern const ApiSchema node_acme_keys[];
extern const ApiSchema node_acme_domain_keys[];

#define NODE_ACME_DOMAIN_KEY(i)                                                                         \
        { .name = "acmedomain" #i, .type = API_TYPE_STRING, .format_keys = node_acme_domain_keys,       \
          .optional = true, .description = "ACME domain and validation plugin" }

/*
 * The schema of every known key, as a list of initializers so that the API
 * methods can embed it in their parameter and return lists.
 */
#define NODE_CONFIG_PROPERTIES                                                                          \
        { .name = "acme", .type = API_TYPE_STRING, .format_keys = node_acme_keys, .optional = true,    \
          .description = "Node specific ACME settings." },                                             \
        NODE_ACME_DOMAIN_KEY(0), NODE_ACME_DOMAIN_KEY(1), NODE_ACME_DOMAIN_KEY(2),                      \
        NODE_ACME_DOMAIN_KEY(3), NODE_ACME_DOMAIN_KEY(4), NODE_ACME_DOMAIN_KEY(5),                      \
        { .name = "ballooning-target", .type = API_TYPE_INTEGER, .optional = true,                      \
          .minimum = API_LIMIT(0), .maximum = API_LIMIT(100), .default_value = "80",                    \
          .description = "RAM usage target for ballooning (in percent of total memory)" },              \
        { .name = "description", .type = API_TYPE_STRING, .optional = true,                             \
          .max_length = NODE_DESCRIPTION_MAX,                                                           \
          .description = "Description for the Node. Shown in the web-interface node notes panel. "     \
                         "This is saved as comment inside the configuration file." },                   \
        { .name = "location", .type = API_TYPE_STRING, .format = "pve-node-location", .optional = true, \
          .description = "The location of the node. Overrides the default from the datacenter config." }, \
        { .name = "startall-onboot-delay", .type = API_TYPE_INTEGER, .optional = true,                  \
          .minimum = API_LIMIT(0), .maximum = API_LIMIT(300), .default_value = "0",                     \
          .description = "Initial delay in seconds, before starting all the Virtual Guests with "      \
                         "on-boot enabled." },                                                          \
        { .name = "wakeonlan", .type = API_TYPE_STRING, .format_keys = node_wakeonlan_keys,             \
          .optional = true, .description = "Node specific wake on LAN settings." }

/* The same keys as a property list. */
extern const ApiSchema node_config_keys[];

char *node_config_path(const char *node);

int node_config_parse(const char *filename, const char *text, size_t len, NodeConfig *ret, char **reterr);
/* Loads the node's file; a missing file is an empty config (digest of ""). */
int node_config_load(const char *node, NodeConfig *ret, char **reterr);
/* The file text; fails with "detected invalid newline inside property 'x'". */
char *node_config_format(const NodeConfig *c, char **reterr);
void node_config_done(NodeConfig *c);

/*
 * Cross-key checks upstream runs on every write: the ACME settings read
 * (node_config_acme()), then the checks other areas registered (the ACME
 * area: every acmedomainN plugin exists).
 */
int node_config_verify(const NodeConfig *c, char **reterr);

typedef struct NodeAcmeDomain {
        char *key;     /* the property it comes from: "acme", "acmedomain0", ... */
        char *domain;  /* lower-cased */
        char *plugin;  /* "standalone" unless set */
        char *alias;   /* DNS alias (CNAME delegation), or NULL */
} NodeAcmeDomain;

typedef struct NodeAcmeConfig {
        char *account; /* "default" unless set */
        NodeAcmeDomain *domains;
        size_t n_domains;
} NodeAcmeConfig;

/*
 * The ACME settings as upstream's get_acme_conf() reads them: the domains
 * of "acme" (standalone plugin) and of "acmedomain0..5", each unique across
 * all keys, case-insensitively ("duplicate domain 'x' in ACME config
 * properties 'acmedomain1' and 'acme'").
 */
int node_config_acme(const NodeConfig *c, NodeAcmeConfig *ret, char **reterr);
void node_acme_config_done(NodeAcmeConfig *c);

/*
 * A further check of node_config_verify(), registered by an area that owns
 * what a key refers to: returns 0 or a negative errno with a message.
 */
typedef int (*NodeConfigCheck)(const NodeConfig *c, char **reterr);

#define NODE_CONFIG_REGISTER_CHECK(fn)                                                                  \
        _section_("pvehost_nodecfg_checks") _used_ _retain_ __attribute__((aligned(8)))                 \
        static const NodeConfigCheck _nodecfg_check_##fn = (fn)

/* Lock taken around read-modify-write cycles, as upstream's /var/lock/pvenode.lock. */
char *node_config_lock_path(void);
