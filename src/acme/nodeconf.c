/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include "acme/nodeconf.h"
#include "acme/plugins.h"
#include "api/format.h"
#include "api/json-util.h"
#include "api/propstr.h"
#include "basic/alloc.h"
#include "basic/strutil.h"
#include "basic/strv.h"

void acme_node_config_done(AcmeNodeConfig *c) {
        for (size_t i = 0; i < c->n_domains; i++) {
                free(c->domains[i].domain);
                free(c->domains[i].plugin);
                free(c->domains[i].alias);
        }
        free(c->domains);
        free(c->account);
        *c = (AcmeNodeConfig) {};
}

static void add_domain(AcmeNodeConfig *c, const char *domain, const char *plugin, const char *alias) {
        c->domains = xreallocarray(c->domains, c->n_domains + 1, sizeof(AcmeDomain));
        c->domains[c->n_domains++] = (AcmeDomain) {
                .domain = ascii_strlower(xstrdup(domain)),
                .plugin = xstrdup(plugin ?: "standalone"),
                .alias = alias ? xstrdup(alias) : NULL,
        };
}

/* Checks that every plugin other than standalone exists, as upstream does when reading the config. */
static int check_plugins(const AcmeNodeConfig *c, char **reterr) {
        _cleanup_(sectioncfg_done) SectionConfig plugins = {};
        bool loaded = false;
        int r;

        for (size_t i = 0; i < c->n_domains; i++) {
                if (streq(c->domains[i].plugin, "standalone"))
                        continue;
                if (!loaded) {
                        r = acme_plugins_load(&plugins, reterr);
                        if (r < 0)
                                return r;
                        loaded = true;
                }
                if (!sectioncfg_find(&plugins, c->domains[i].plugin)) {
                        *reterr = xasprintf("plugin '%s' for domain '%s' not found!", c->domains[i].plugin,
                                            c->domains[i].domain);
                        return -ENOENT;
                }
        }
        return 0;
}

int acme_node_config_from(const NodeConfig *nc, AcmeNodeConfig *ret, char **reterr) {
        _cleanup_(acme_node_config_done) AcmeNodeConfig c = {};
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
                domains = strv_split(strempty(json_object_get_string(parsed, "domains")), ";");
                STRV_FOREACH(d, domains)
                        add_domain(&c, *d, NULL, NULL);
        }
        if (!c.account)
                c.account = xstrdup("default");

        for (int i = 0; i < NODE_ACME_DOMAINS; i++) {
                _cleanup_free_ char *key = xasprintf("acmedomain%d", i);
                _cleanup_json_ json_t *parsed = NULL;
                const char *v = json_object_get_string(nc->values, key);

                if (!v)
                        continue;
                r = propstr_parse(node_acme_domain_keys, v, key, &parsed, reterr);
                if (r < 0)
                        return r;
                add_domain(&c, json_object_get_string(parsed, "domain"), json_object_get_string(parsed, "plugin"),
                           json_object_get_string(parsed, "alias"));
        }
        r = check_plugins(&c, reterr);
        if (r < 0)
                return r;

        *ret = c;
        c = (AcmeNodeConfig) {};
        return 0;
}

int acme_node_config_load(const char *node, AcmeNodeConfig *ret, char **reterr) {
        _cleanup_(node_config_done) NodeConfig nc = {};
        int r;

        r = node_config_load(node, &nc, reterr);
        if (r < 0)
                return r;
        return acme_node_config_from(&nc, ret, reterr);
}

static int verify_node_config(const NodeConfig *nc, char **reterr) {
        _cleanup_(acme_node_config_done) AcmeNodeConfig c = {};

        return acme_node_config_from(nc, &c, reterr);
}

NODE_CONFIG_REGISTER_CHECK(verify_node_config);
