/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include "acme/nodeconf.h"
#include "acme/plugins.h"
#include "basic/alloc.h"
#include "basic/strutil.h"

/* Checks that every plugin other than standalone exists, as upstream does when reading the config. */
static int check_plugins(const NodeAcmeConfig *c, char **reterr) {
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

int acme_node_config_load(const char *node, NodeAcmeConfig *ret, char **reterr) {
        _cleanup_(node_config_done) NodeConfig nc = {};
        _cleanup_(node_acme_config_done) NodeAcmeConfig c = {};
        int r;

        r = node_config_load(node, &nc, reterr);
        if (r < 0)
                return r;
        r = node_config_acme(&nc, &c, reterr);
        if (r < 0)
                return r;
        r = check_plugins(&c, reterr);
        if (r < 0)
                return r;
        *ret = c;
        c = (NodeAcmeConfig) {};
        return 0;
}

static int verify_node_config(const NodeConfig *nc, char **reterr) {
        _cleanup_(node_acme_config_done) NodeAcmeConfig c = {};
        int r;

        r = node_config_acme(nc, &c, reterr);
        if (r < 0)
                return r;
        return check_plugins(&c, reterr);
}

NODE_CONFIG_REGISTER_CHECK(verify_node_config);
