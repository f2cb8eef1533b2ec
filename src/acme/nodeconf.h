/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The node's ACME settings, from its config file (nodecfg/config.h) as
 * upstream's PVE::NodeConfig::get_acme_conf() reads them:
 *
 *         acme: account=default,domains=a.example;b.example   (standalone plugin)
 *         acmedomain0: c.example,plugin=mydns,alias=c.validation.example
 *
 * Domains are lower-cased and unique; every plugin other than standalone
 * must exist in plugins.cfg ("plugin 'x' for domain 'y' not found!"). The
 * same plugin check runs on every write of the node config.
 */

#include <stddef.h>

#include "nodecfg/config.h"

typedef struct AcmeDomain {
        char *domain;
        char *plugin;  /* "standalone" unless set */
        char *alias;   /* CNAME delegation target, or NULL */
} AcmeDomain;

typedef struct AcmeNodeConfig {
        char *account;  /* "default" unless set */
        AcmeDomain *domains;
        size_t n_domains;
} AcmeNodeConfig;

/* Reads the ACME settings of a loaded node config. */
int acme_node_config_from(const NodeConfig *c, AcmeNodeConfig *ret, char **reterr);
/* Loads the node's config and reads its ACME settings. */
int acme_node_config_load(const char *node, AcmeNodeConfig *ret, char **reterr);
void acme_node_config_done(AcmeNodeConfig *c);
