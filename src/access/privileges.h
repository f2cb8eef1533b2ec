/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Privileges and the built-in roles, as upstream defines them
 * (pve-access-control PVE/AccessControl.pm: $privgroups, create_roles()).
 *
 * A set of privileges is a bit mask (PrivSet); bit i is privilege_name(i).
 * Built-in ("special") roles are derived from the privilege groups exactly
 * as upstream derives them: PVE<Cat>Admin, PVE<Cat>User, PVEAdmin,
 * PVEAuditor, PVETemplateUser, Administrator (every privilege) and
 * NoAccess (none).
 */

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t PrivSet;

#define PRIVSET_BIT(i) ((PrivSet) 1 << (i))

/* Number of known privileges. */
unsigned privilege_count(void);
/* Name of privilege i (< privilege_count()). */
const char *privilege_name(unsigned i);
/* Index of a privilege by name, or -ENOENT. */
int privilege_from_name(const char *name);
/* Every known privilege. */
PrivSet privilege_all(void);

/* Parses a list of privilege names (split as upstream's split_list); -EINVAL naming the first unknown one. */
int privset_parse(const char *list, PrivSet *ret, char **reterr);
/* Sorted, comma-separated names of the privileges in set. */
char *privset_format(PrivSet set);

/* Built-in roles, sorted by name; NULL-terminated. */
const char *const *builtin_role_names(void);
/* The privileges of a built-in role; false when name is not built in. */
bool builtin_role_privs(const char *name, PrivSet *ret);
