/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * "inet dhcp" and "inet6 dhcp" stanzas: the system's DHCP client, dhclient
 * (found by PATH), run as ifupdown2 runs it: one client per interface and
 * family, with its pid file below /run and its leases below /var/lib/dhcp.
 * The client is started without waiting for a lease ("-nw"), so that an
 * apply never hangs on a silent network.
 */

#include <stdbool.h>

int net_dhcp_start(const char *iface, bool v6, char **reterr);
/* Releases the lease and stops the client ("dhclient -r"). */
int net_dhcp_release(const char *iface, bool v6, char **reterr);
