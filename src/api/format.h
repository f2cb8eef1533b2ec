/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Named string formats ("pve-node", "mac-addr", "CIDR", ...), with
 * upstream's definitions and error messages (pve-common JSONSchema.pm).
 *
 * A format is either a verify function or a property-string schema. A name
 * may carry a suffix: "<name>-list" checks every element of a list split as
 * upstream's split_list() splits it, "<name>-opt" accepts the empty string.
 * Areas register their own formats with API_REGISTER_FORMATS().
 */

#include "api/schema.h"

/* Returns 0, or -EINVAL with an upstream-style message ("value does not look like ...") in *reterr. */
typedef int (*ApiFormatVerify)(const char *value, char **reterr);

typedef struct ApiFormat {
        const char *name;
        ApiFormatVerify verify;   /* string formats */
        const ApiSchema *keys;    /* property-string formats */
} ApiFormat;

typedef struct ApiFormatTable {
        const ApiFormat *formats;
        size_t n_formats;
} ApiFormatTable;

#define API_REGISTER_FORMATS(array)                                                     \
        _section_("pvehost_api_formats") _used_ _retain_ __attribute__((aligned(8)))    \
        static const ApiFormatTable _api_formats_##array = { (array), ELEMENTSOF(array) }

const ApiFormat *api_format_find(const char *name);

/*
 * Checks value against a format name (with optional -list/-opt suffix).
 * Property-string formats are parsed and checked too. Returns 0, -EINVAL
 * with a message in *reterr, or -ENOENT for an unknown format.
 */
int api_format_check(const char *format, const char *value, const char *path, char **reterr);

/*
 * Splits a list as upstream's split_list(): at ',', ';' and whitespace;
 * empty elements dropped.
 */
char **api_split_list(const char *s);

/*
 * True if s matches the regex, anchored at both ends: POSIX extended syntax,
 * plus Perl's \d \s \w \D \S \W and backslash escapes inside brackets, so
 * upstream's patterns work as written. A regex that does not compile
 * matches nothing.
 */
bool api_regex_match(const char *pattern, bool icase, const char *s);

/* Upstream's definitions, usable by areas directly. */
bool api_is_ipv4(const char *s);
bool api_is_ipv6(const char *s);
bool api_is_ip(const char *s);
/* "addr/prefix" with the prefix in upstream's accepted range (v4: 8-32, v6: 8-128). */
bool api_is_cidrv4(const char *s);
bool api_is_cidrv6(const char *s);
/* Unicast MAC address (I/G bit clear). */
bool api_is_mac_addr(const char *s);
bool api_is_node_name(const char *s);
bool api_is_configid(const char *s);
bool api_is_dns_name(const char *s);
bool api_is_email(const char *s);
