/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * ACME challenge plugins, /etc/pve/priv/acme/plugins.cfg, in upstream's
 * section-config format (PVE::ACME::Challenge):
 *
 *         dns: example
 *                 api cf
 *                 data Q0ZfVG9rZW49eHl6Cg
 *                 validation-delay 10
 *
 *         standalone: standalone
 *
 * "data" holds the plugin's KEY=VALUE lines as base64url without padding.
 * A "standalone" plugin always exists: when the file has none, loading adds
 * one (as upstream's parse_config does).
 *
 * dns plugins run acme.sh-style scripts "dns_<api>.sh" from the directory
 * named by $PVE_ACME_DNSAPI_DIR, default /usr/share/proxmox-acme/dnsapi.
 */

#include "api/sectioncfg.h"
#include "basic/lockfile.h"

#define ACME_DEFAULT_VALIDATION_DELAY 30

extern const SectionSchema acme_plugin_schema;

char *acme_plugins_path(void);
/* Loads plugins.cfg (a missing file is empty) and adds the implicit standalone plugin. */
int acme_plugins_load(SectionConfig *ret, char **reterr);
/* Writes plugins.cfg atomically, mode 0600. */
int acme_plugins_save(const SectionConfig *cfg, char **reterr);
/* The lock around read-modify-write cycles of plugins.cfg. */
int acme_plugins_lock(LockFile *ret, char **reterr);

/* The directory of dns_<api>.sh scripts. */
char *acme_dnsapi_dir(void);
/* The DNS APIs with a script in that directory, sorted. */
char **acme_dnsapi_list(void);
/* True if api names a script there (letters, digits and '_' only). */
bool acme_dnsapi_exists(const char *api);

/* Decodes a plugin's data (base64url) to its KEY=VALUE text; NULL when it is not valid base64. */
char *acme_plugin_data_decode(const char *data);
/* Encodes KEY=VALUE text as stored: base64url without padding. */
char *acme_plugin_data_encode(const char *text);
