/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/* Shared between the parser, the checks and the writer of interfaces.h; not for other modules. */

#include <sys/types.h>

#include "basic/strbuf.h"
#include "net/interfaces.h"

typedef enum NetBlockKind {
        NET_BLOCK_TEXT,   /* one line kept verbatim: comment, blank, "source", part of an opaque block */
        NET_BLOCK_AUTO,   /* one "auto" / "allow-CLASS" line */
        NET_BLOCK_STANZA, /* an "iface" stanza with its trailing blank lines */
} NetBlockKind;

typedef struct NetBlock {
        NetBlockKind kind;
        size_t offset, length;  /* the block's bytes in NetConfig.text, newlines included */
        unsigned line;          /* first line, 1-based */
        bool comment;           /* TEXT: a comment line */
        char *iface;            /* STANZA: the interface */
        char *keyword;          /* AUTO: "auto", "allow-hotplug", "allow-vmbr1", ... */
        char **names;           /* AUTO: the interfaces named */
        size_t trailing;        /* STANZA: bytes of blank lines at its end */
} NetBlock;

struct NetConfig {
        char *filename;
        char *text;             /* the parsed file */
        size_t len;
        NetBlock *blocks;
        size_t n_blocks, allocated_blocks;
        NetIface **ifaces;      /* sorted by name */
        size_t n_ifaces, allocated_ifaces;
        NetDevList devs;        /* the devices given to the parser */
};

/* Position of an interface in NetConfig.ifaces, or -1. */
ssize_t net_config_index(const NetConfig *c, const char *name);


/* "address A", "netmask M" -> the prefix length of a dotted mask, or -1 (upstream's get_netmask_bits()). */
int net_netmask_bits(const char *mask);

/*
 * Renders one interface as upstream's writer does ("auto" line, one stanza
 * per family, blank line after each). The attributes must have gone through
 * net_config_prepare(). Fails for an invalid vlan-protocol.
 */
int net_iface_render(const NetIface *i, StrBuf *out, char **reterr);

/*
 * The checks and completions of upstream's writer, on the whole model, in
 * upstream's order (see net_config_format()).
 */
int net_config_prepare(NetConfig *c, char **reterr);

/* The AUTO keywords that make an interface start at boot. */
bool net_auto_keyword_starts(const char *keyword);
