/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * What the node certificate says about the node: its FQDN (node name plus
 * the search domain of /etc/resolv.conf, as upstream's read_etc_resolv_conf)
 * and its address (from /etc/hosts below PVE_ROOT, else the resolver when
 * not in a sandbox; loopback addresses do not count, as upstream's
 * get_ip_from_hostname()).
 *
 * The parsers take file text and do no I/O (tests/fuzz/fuzz-nodeaddr.c).
 */

/*
 * The search domain: the first domain of the last "search" or "domain"
 * line, or NULL.
 */
char *resolv_conf_search_domain(const char *text);

/*
 * The first address in hosts-file text listed for name (as canonical name
 * or alias, case-insensitively) that is not a loopback address, or NULL.
 */
char *hosts_lookup(const char *text, const char *name);

/* The node's FQDN: node name, plus ".<search domain>" when resolv.conf has one. */
char *node_fqdn(const char *node);
/* The node's non-loopback address, or NULL when it has none that resolves. */
char *node_address(const char *node);
