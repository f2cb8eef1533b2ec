/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Open vSwitch bridges, ports, internal ports and bonds live in the OVS
 * database, not in the kernel's netlink view: the apply makes them with
 * ovs-vsctl (found by PATH), as ifupdown's openvswitch scripts do:
 *
 *   OVSBridge   ovs-vsctl -- --may-exist add-br B [-- set Bridge B OPTIONS]
 *   OVSPort     ovs-vsctl -- --may-exist add-port B P [OPTIONS]
 *   OVSIntPort  ovs-vsctl -- --may-exist add-port B P [OPTIONS] -- set Interface P type=internal
 *   OVSBond     ovs-vsctl -- --may-exist add-bond B P SLAVES [OPTIONS]
 *
 * with "-- set Interface P mtu_request=N" for an MTU, and "del-br" /
 * "del-port" for OVS interfaces that go away. The kernel side of the devices
 * OVS creates (up, addresses) is the apply engine's as for any device.
 */

#include "net/interfaces.h"
#include "net/output.h"

/*
 * Brings OVS from configuration from to configuration to (either may be NULL)
 * for the interfaces in changed. Returns 0, or -errno with a message.
 */
int net_ovs_apply(const NetConfig *from, const NetConfig *to, char *const *changed, NetLogFn log, void *userdata,
                  char **reterr);
