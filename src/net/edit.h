/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Edits of the interfaces model as the API makes them: upstream's
 * create_network, update_network and delete_network handlers
 * (pve-manager PVE/API2/Network.pm) minus locking and file I/O.
 *
 * params are validated API parameters (typed JSON values) without "node",
 * "iface" and "delete". On failure the functions return -EINVAL with the
 * message in *reterr and, for a per-parameter error (upstream's
 * raise_param_exc), the parameter's name in *ret_param; *ret_param stays
 * NULL for errors about the request as a whole.
 *
 * Update keeps every key the request does not give, as upstream does, but
 * derives families and methods from what the interface has afterwards
 * instead of from the request alone: updating the MTU of a static bridge
 * leaves it static, and a family loses its stanza only when its address is
 * deleted and another family remains.
 */

#include <jansson.h>

#include "net/interfaces.h"

int net_iface_create(NetConfig *c, const char *name, const json_t *params, char **ret_param, char **reterr);
int net_iface_update(NetConfig *c, const char *name, const json_t *params, const char *delete, char **ret_param,
                     char **reterr);
int net_iface_delete(NetConfig *c, const char *name, char **ret_param, char **reterr);

/*
 * Upstream's host address check for IPv6 (check_ipv6_settings): the prefix
 * length, the syntax and the address type (global, unique-local or
 * link-local unicast only, as Net::IP classifies addresses).
 */
int net_check_ipv6_host(const char *address, long prefix, char **ret_param, char **reterr);
