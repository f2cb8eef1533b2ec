/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The node's ACME settings (nodecfg/config.h: node_config_acme(), upstream's
 * get_acme_conf()), with upstream's check that every plugin other than
 * standalone exists in plugins.cfg ("plugin 'x' for domain 'y' not
 * found!"). The same check runs on every write of the node config.
 */

#include "nodecfg/config.h"

/* Loads the node's config and reads its ACME settings. */
int acme_node_config_load(const char *node, NodeAcmeConfig *ret, char **reterr);
