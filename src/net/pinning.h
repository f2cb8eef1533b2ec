/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Pinning NIC names with systemd.link files, as upstream's
 * pve-network-interface-pinning (pve-manager
 * PVE/CLI/pve_network_interface_pinning.pm):
 *
 *   - every physical NIC (SR-IOV virtual functions and software devices
 *     aside) without a pin gets a name: <prefix>0, <prefix>1, ... in ifindex
 *     order, skipping names already pinned, or the --target-name given;
 *   - per NIC a file /usr/local/lib/systemd/network/50-pmx-<name>.link
 *     matching its permanent MAC address;
 *   - the new names are staged in /etc/network/interfaces.new (interfaces,
 *     VLANs "X.N" and their raw devices, bridge ports, bond slaves and
 *     primaries, OVS ports and bonds) and in the node's host.fw.new;
 *   - existing pins (50-pmx-* and legacy 50-pve-* files) are found by MAC,
 *     so a second run finds nothing to do.
 *
 * Nothing is applied: the names change at the next boot.
 */

#include "net/output.h"

#define NET_LINK_DIR "/usr/local/lib/systemd/network/"

typedef struct NetPinOptions {
        const char *interface;   /* only this NIC; NULL: all */
        const char *target_name; /* with interface: this name */
        const char *prefix;      /* NULL: "nic" */
} NetPinOptions;

/*
 * Reports progress through out and problems that do not stop it through warn
 * (upstream's wording). Returns 0, or -errno with upstream's message.
 */
int net_pin_generate(const NetPinOptions *o, NetLogFn out, NetLogFn warn, void *userdata, char **reterr);

/* The content of a .link file pinning mac to name. */
char *net_link_file_content(const char *mac, const char *name);
