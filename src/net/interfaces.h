/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * /etc/network/interfaces in the dialect Proxmox VE writes and ifupdown2
 * reads, with a lossless model.
 *
 * Two views of the same file are kept side by side:
 *
 *  - the text, cut into blocks: "iface" stanzas (the header line, its
 *    option and comment lines and the blank lines after them), "auto" /
 *    "allow-*" lines, and everything else (comments, blank lines, "source",
 *    "mapping" blocks, stanzas PVE does not model) as plain text;
 *
 *  - per interface, upstream's attribute hash (pve-common
 *    PVE::Network::Interfaces): type, families, method, address, netmask,
 *    cidr, gateway, the known options under their internal names
 *    (bridge_ports, slaves, bond_mode, ...), unknown option lines in
 *    "options"/"options6", comments, autostart, priority, exists, active.
 *    This is what the API shows and edits.
 *
 * Writing renders every interface in upstream's canonical form twice: as
 * the file described it and as the model describes it now. Where the two
 * agree, the interface's original text is written back byte for byte
 * (comments, blank lines, netmask lines, "_"-style keys, option order,
 * several "address" lines, "allow-hotplug"). A changed interface is
 * rendered canonically in the place of its first stanza, keeping its
 * comments; new interfaces go where upstream's order puts them (loopback,
 * eth, bond, bridge, vlan, each class in file order); deleted ones vanish
 * with the comment lines directly above them. Physical NICs that the file
 * does not mention are added as "iface X inet manual", as upstream does, and
 * a file without "iface lo" gets upstream's header and the loopback stanza.
 *
 * Parsing is strict where ifupdown2 is (a stray line outside a stanza, an
 * option without value, control characters, a second stanza for the same
 * interface and family): the error names "<file>:<line>", so a file is
 * never half-understood and then rewritten.
 *
 * Everything here is pure: text and a device list in, text out.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "basic/macro.h"
#include "sys/netdev.h"

typedef struct NetIface {
        char *name;
        /*
         * Upstream's per-interface hash (see above). Its values may be shared
         * with other interfaces of the parsed model: replace them, never change
         * one in place (json_object_set(), not json_array_append() on a list).
         */
        json_t *attrs;
        char **extra_addresses;   /* "address" values besides the last one of each family, in file order */
        bool hotplug;             /* brought up by "allow-hotplug" only */
        unsigned stanzas;         /* parser bookkeeping: the families that have a stanza */
} NetIface;

typedef struct NetConfig NetConfig;

/*
 * Parses text (len bytes, NUL bytes make it invalid). devs (may be NULL)
 * are the links of the host: physical NICs count as "eth" and are added
 * when the file lacks them, "active" comes from their IFF_UP flag.
 * filename is used in messages ("/etc/network/interfaces:12: ...").
 * Returns 0, or -EINVAL with the message in *reterr.
 */
int net_config_parse(const char *filename, const char *text, size_t len, const NetDevList *devs, NetConfig **ret,
                     char **reterr);
NetConfig *net_config_free(NetConfig *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(NetConfig *, net_config_free);

/* The interfaces, sorted by name; valid until the next add/remove. */
size_t net_config_count(const NetConfig *c);
NetIface *net_config_iface(const NetConfig *c, size_t i);
NetIface *net_config_find(const NetConfig *c, const char *name);

/* Adds an interface with the given attributes (reference stolen); the name must be new. */
NetIface *net_config_add(NetConfig *c, const char *name, json_t *attrs);
/* Removes an interface; -ENOENT when there is none. */
int net_config_remove(NetConfig *c, const char *name);
/*
 * Renames an interface, keeping its place in the file (its stanzas are
 * written anew there). -ENOENT when there is no old, -EEXIST when new exists.
 */
int net_config_rename(NetConfig *c, const char *old, const char *new);

/*
 * Checks the whole configuration as upstream's writer does (ports used
 * once, bond slaves, VLAN parents and ids, bridge ports, MTUs, OVS and
 * VXLAN rules), completes what the writer completes (bond slaves start
 * with their bond, OVS ports follow their bridge) and renders the file.
 * Returns 0 and a malloc'd text, or -EINVAL with upstream's message.
 */
int net_config_format(NetConfig *c, char **ret, char **reterr);

/*
 * The interfaces whose configuration differs between a and b (either may be
 * NULL): present in one only, or rendered differently. Sorted.
 */
char **net_config_changed(const NetConfig *a, const NetConfig *b);

/*
 * The "address" values of one family as the file states them ("A/N", or a
 * bare "A" without mask): further addresses first, the one upstream keeps
 * (the API's address/cidr) last. NULL when the family has no address.
 */
char **net_iface_address_values(const NetIface *i, bool v6);

/*
 * The ovs_options of an OVS port or bond as written, with its VLAN tag and
 * bond mode folded in; *ret NULL when there are none. Fails for bond modes
 * OVS does not have.
 */
int net_iface_ovs_options(const NetIface *i, char **ret, char **reterr);

/*
 * Upstream's order class of an interface type (loopback 100000 ... vlan
 * 600000), 0 for unknown types.
 */
unsigned net_type_class(const char *type);

/* The upstream bond mode names, by kernel mode number 0-6. */
extern const char *const net_bond_modes[];

/* Attribute helpers: the string value of a key, or NULL; the key's truth as Perl sees it. */
const char *net_attr_str(const NetIface *i, const char *key);
bool net_attr_true(const NetIface *i, const char *key);
