/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <ctype.h>

#include "api/format.h"
#include "api/json-util.h"
#include "api/propstr.h"
#include "api/validate.h"
#include "basic/alloc.h"
#include "basic/cursor.h"
#include "basic/encode.h"
#include "basic/errmsg.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "nodecfg/config.h"

#define NODE_CONFIG_MAX_SIZE (1024 * 1024)

static int verify_acme_label_list(const char *v, bool alias, char **reterr) {
        const char *label = alias ? "[a-z0-9_][a-z0-9_-]*" : "[a-z0-9][a-z0-9_-]*";
        _cleanup_free_ char *re = xasprintf("%s(\\.%s)+", label, label);

        if (api_regex_match(re, true, v))
                return 0;
        *reterr = xasprintf("value '%s' does not look like a valid %s name!", v, alias ? "alias" : "domain");
        return -EINVAL;
}

static int verify_acme_domain(const char *v, char **reterr) {
        return verify_acme_label_list(v, false, reterr);
}

static int verify_acme_alias(const char *v, char **reterr) {
        return verify_acme_label_list(v, true, reterr);
}

const ApiSchema node_wakeonlan_keys[] = {
        { .name = "mac", .type = API_TYPE_STRING, .format = "mac-addr", .default_key = true,
          .format_description = "MAC address", .description = "MAC address for wake on LAN" },
        { .name = "bind-interface", .type = API_TYPE_STRING, .format = "pve-iface", .optional = true,
          .format_description = "bind interface", .default_value = "The interface carrying the default route",
          .description = "Bind to this interface when sending wake on LAN packet" },
        { .name = "broadcast-address", .type = API_TYPE_STRING, .format = "ipv4", .optional = true,
          .format_description = "IPv4 broadcast address", .default_value = "255.255.255.255",
          .description = "IPv4 broadcast address to use when sending wake on LAN packet" },
        {},
};

const ApiSchema node_acme_keys[] = {
        { .name = "account", .type = API_TYPE_STRING, .format = "pve-configid", .optional = true,
          .default_value = "default", .format_description = "name",
          .description = "ACME account config file name." },
        { .name = "domains", .type = API_TYPE_STRING, .format = "pve-acme-domain-list", .optional = true,
          .format_description = "domain[;domain;...]",
          .description = "List of domains for this node's ACME certificate" },
        {},
};

const ApiSchema node_acme_domain_keys[] = {
        { .name = "domain", .type = API_TYPE_STRING, .format = "pve-acme-domain", .default_key = true,
          .format_description = "domain", .description = "domain for this node's ACME certificate" },
        { .name = "plugin", .type = API_TYPE_STRING, .format = "pve-configid", .optional = true,
          .default_value = "standalone", .format_description = "name of the plugin configuration",
          .description = "The ACME plugin ID" },
        { .name = "alias", .type = API_TYPE_STRING, .format = "pve-acme-alias", .optional = true,
          .format_description = "domain", .description = "Alias for the Domain to verify ACME Challenge over DNS" },
        {},
};

static const ApiSchema location_keys[] = {
        { .name = "name", .type = API_TYPE_STRING, .optional = true, .max_length = 128, .typetext = "<name>",
          .description = "The name of the location of this node" },
        { .name = "latitude", .type = API_TYPE_NUMBER, .minimum = API_LIMIT(-90), .maximum = API_LIMIT(90),
          .description = "The latitude of the nodes location in degrees." },
        { .name = "longitude", .type = API_TYPE_NUMBER, .minimum = API_LIMIT(-180), .maximum = API_LIMIT(180),
          .description = "The longitude of the nodes location in degrees." },
        {},
};

static const ApiFormat node_formats[] = {
        { "pve-acme-domain", verify_acme_domain, NULL },
        { "pve-acme-alias", verify_acme_alias, NULL },
        { "pve-node-location", NULL, location_keys },
};

API_REGISTER_FORMATS(node_formats);

const ApiSchema node_config_keys[] = { NODE_CONFIG_PROPERTIES, {} };

char *node_config_path(const char *node) {
        return root_pathf("/etc/pve/nodes/%s/config", node);
}

char *node_config_lock_path(void) {
        return root_path("/var/lock/pvenode.lock");
}

void node_config_done(NodeConfig *c) {
        free(c->description);
        json_decref(c->values);
        *c = (NodeConfig) {};
}

static void append_description(StrBuf *desc, const char *encoded, size_t len) {
        percent_decode(desc, encoded, len);
        strbuf_addc(desc, '\n');
}

int node_config_parse(const char *filename, const char *text, size_t len, NodeConfig *ret, char **reterr) {
        _cleanup_(node_config_done) NodeConfig c = { .values = json_object() };
        _cleanup_strbuf_ StrBuf desc = STRBUF_INIT;
        _cleanup_free_ char *line = NULL;
        Cursor cur = CURSOR_INIT(text, len);
        bool have_desc = false;

        sha1_hex(text, len, c.digest);

        while (cursor_read_line_dup(&cur, &line)) {
                char *l = strstrip(line), *colon, *blank, *key, *value;
                const ApiSchema *schema;

                if (!utf8_is_valid(l, strlen(l)))
                        return errmsg_set_at(reterr, filename, cur.line, "invalid UTF-8");

                if (!*l)
                        continue;
                if (l[0] == '#') {
                        append_description(&desc, l + 1, strlen(l + 1));
                        have_desc = true;
                        continue;
                }
                colon = strchr(l, ':');
                blank = strpbrk(l, " \t");
                if (!colon || colon == l || (blank && blank < colon))
                        return errmsg_set_at(reterr, filename, cur.line, "unable to parse line '%s'", l);
                *colon = 0;
                key = l;
                value = skip_blanks(colon + 1);

                if (streq(key, "description")) {
                        append_description(&desc, value, strlen(value));
                        have_desc = true;
                        continue;
                }
                if (json_object_get(c.values, key))
                        return errmsg_set_at(reterr, filename, cur.line, "duplicate key '%s'", key);

                schema = api_schema_find(node_config_keys, key);
                if (schema) {
                        _cleanup_json_ json_t *errors = json_object(), *in = json_string(value), *checked = NULL;

                        checked = api_check_value(schema, in, key, errors);
                        if (!checked)
                                return errmsg_set_at(reterr, filename, cur.line, "invalid value for '%s': %s", key,
                                                  json_object_get_string(errors, key));
                }
                json_object_set_new(c.values, key, json_string(value));
        }
        if (cursor_error(&cur) < 0)
                return errmsg_set_at(reterr, filename, cur.line, "%s",
                                  cursor_error(&cur) == -EBADMSG ? "invalid NUL byte" : "line too long");

        if (have_desc)
                c.description = strbuf_detach(&desc, NULL);
        *ret = c;
        c = (NodeConfig) {};
        return 0;
}

int node_config_load(const char *node, NodeConfig *ret, char **reterr) {
        _cleanup_free_ char *path = node_config_path(node), *text = NULL;
        size_t len = 0;
        int r;

        r = read_full_file(path, NODE_CONFIG_MAX_SIZE, &text, &len);
        if (r == -ENOENT)
                return node_config_parse(path, "", 0, ret, reterr);
        if (r < 0) {
                *reterr = xasprintf("unable to read '%s': %s", path, strerror(-r));
                return r;
        }
        return node_config_parse(path, text, len, ret, reterr);
}

char *node_config_format(const NodeConfig *c, char **reterr) {
        _cleanup_strbuf_ StrBuf out = STRBUF_INIT;
        _cleanup_free_ const char **keys = json_object_sorted_keys(c->values);
        _cleanup_free_ char *desc = xstrdup(strempty(c->description));
        size_t len = strlen(desc);

        /*
         * One "#" line per description line; trailing empty lines go, as with
         * Perl's split(), and so do lines that are empty once their trailing
         * spaces go (see below).
         */
        while (len > 0 && (desc[len - 1] == '\n' || desc[len - 1] == ' '))
                desc[--len] = 0;
        for (const char *p = desc; len > 0;) {
                size_t n = strcspn(p, "\n"), w = n;

                /*
                 * Spaces are not encoded, and a reader strips them at the end
                 * of a line: write what upstream reads back, so that a
                 * rewrite never changes the description again.
                 */
                while (w > 0 && p[w - 1] == ' ')
                        w--;
                strbuf_addc(&out, '#');
                percent_encode_text(&out, p, w);
                strbuf_addc(&out, '\n');
                if (!p[n])
                        break;
                p += n + 1;
        }
        for (const char **k = keys; *k; k++) {
                const char *v = json_object_get_string(c->values, *k);

                if (strchr(v, '\n')) {
                        *reterr = xasprintf("detected invalid newline inside property '%s'", *k);
                        return NULL;
                }
                strbuf_addf(&out, "%s: %s\n", *k, v);
        }
        return strbuf_detach(&out, NULL);
}

void node_acme_config_done(NodeAcmeConfig *c) {
        for (size_t i = 0; i < c->n_domains; i++) {
                free(c->domains[i].key);
                free(c->domains[i].domain);
                free(c->domains[i].plugin);
                free(c->domains[i].alias);
        }
        free(c->domains);
        free(c->account);
        *c = (NodeAcmeConfig) {};
}

/* Adds a domain, failing on one another key already has. */
static int add_domain(NodeAcmeConfig *c, const char *key, const char *domain, const char *plugin, const char *alias,
                      char **reterr) {
        _cleanup_free_ char *lower = ascii_strlower(xstrdup(domain));

        for (size_t i = 0; i < c->n_domains; i++)
                if (streq(c->domains[i].domain, lower)) {
                        *reterr = xasprintf("duplicate domain '%s' in ACME config properties '%s' and '%s'", lower,
                                            key, c->domains[i].key);
                        return -EINVAL;
                }
        c->domains = xreallocarray(c->domains, c->n_domains + 1, sizeof(NodeAcmeDomain));
        c->domains[c->n_domains++] = (NodeAcmeDomain) {
                .key = xstrdup(key),
                .domain = TAKE_PTR(lower),
                .plugin = xstrdup(plugin ?: "standalone"),
                .alias = alias ? xstrdup(alias) : NULL,
        };
        return 0;
}

int node_config_acme(const NodeConfig *nc, NodeAcmeConfig *ret, char **reterr) {
        _cleanup_(node_acme_config_done) NodeAcmeConfig c = {};
        const char *acme = json_object_get_string(nc->values, "acme");
        int r;

        if (acme) {
                _cleanup_json_ json_t *parsed = NULL;
                _cleanup_strv_free_ char **domains = NULL;

                r = propstr_parse(node_acme_keys, acme, "acme", &parsed, reterr);
                if (r < 0)
                        return r;
                if (json_object_get_string(parsed, "account"))
                        c.account = xstrdup(json_object_get_string(parsed, "account"));
                domains = api_split_list(json_object_get_string(parsed, "domains"));
                STRV_FOREACH(d, domains) {
                        r = add_domain(&c, "acme", *d, NULL, NULL, reterr);
                        if (r < 0)
                                return r;
                }
        }
        for (int i = 0; i < NODE_ACME_DOMAINS; i++) {
                _cleanup_free_ char *key = xasprintf("acmedomain%d", i);
                _cleanup_json_ json_t *parsed = NULL;
                const char *v = json_object_get_string(nc->values, key);

                if (!v)
                        continue;
                r = propstr_parse(node_acme_domain_keys, v, key, &parsed, reterr);
                if (r < 0)
                        return r;
                r = add_domain(&c, key, json_object_get_string(parsed, "domain"),
                               json_object_get_string(parsed, "plugin"), json_object_get_string(parsed, "alias"),
                               reterr);
                if (r < 0)
                        return r;
        }
        if (!c.account)
                c.account = xstrdup("default");
        *ret = c;
        c = (NodeAcmeConfig) {};
        return 0;
}

/* Weak: a program may link no area that registers a check. */
extern const NodeConfigCheck __start_pvehost_nodecfg_checks[] __attribute__((weak));
extern const NodeConfigCheck __stop_pvehost_nodecfg_checks[] __attribute__((weak));

int node_config_verify(const NodeConfig *c, char **reterr) {
        _cleanup_(node_acme_config_done) NodeAcmeConfig acme = {};
        int r;

        r = node_config_acme(c, &acme, reterr);
        if (r < 0)
                return r;
        for (const NodeConfigCheck *check = __start_pvehost_nodecfg_checks; check < __stop_pvehost_nodecfg_checks;
             check++) {
                r = (*check)(c, reterr);
                if (r < 0)
                        return r;
        }
        return 0;
}
