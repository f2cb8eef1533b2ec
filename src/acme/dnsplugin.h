/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Running a dns plugin: the acme.sh-style script dns_<api>.sh adds or
 * removes the TXT record _acme-challenge.<domain> (the alias domain with
 * CNAME delegation). As upstream, the script runs as nobody:nogroup (when
 * we are root) with a clean environment, the TXT value and the plugin data
 * on stdin, never on the command line. Unlike upstream it has a time limit:
 * $PVE_ACME_DNS_TIMEOUT seconds, default 300. Its output goes to our stdout
 * (the task log).
 */

#include "basic/time-util.h"

#define ACME_DNS_DEFAULT_TIMEOUT (300 * USEC_PER_SEC)

typedef enum DnsPluginAction {
        DNS_PLUGIN_SETUP,
        DNS_PLUGIN_TEARDOWN,
} DnsPluginAction;

/*
 * Runs the script; data is the plugin's decoded KEY=VALUE text (may be
 * NULL). Returns 0, or a negative errno with a message naming the API,
 * the record and what went wrong (exit code, timeout).
 */
int dns_plugin_run(DnsPluginAction action, const char *api, const char *domain, const char *txt_value,
                   const char *data, char **reterr);
