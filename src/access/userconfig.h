/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * etc/pve/user.cfg: users, API tokens, groups, custom roles and ACLs in
 * upstream's format (pve-access-control PVE/AccessControl.pm
 * parse_user_config/write_user_config):
 *
 *         user:<userid>:<enable>:<expire>:<firstname>:<lastname>:<email>:<comment>:<keys>:
 *         token:<userid>!<tokenid>:<expire>:<privsep>:<comment>:
 *         group:<name>:<member,...>:<comment>:
 *         pool:<name>:<comment>:<vmids>:<storages>:
 *         role:<name>:<privilege,...>:
 *         acl:<propagate>:<path>:<user|@group|tokenid,...>:<role,...>:
 *
 * Text fields are percent-encoded as upstream's encode_text(). Parsing is
 * pure and, like upstream, tolerant: invalid lines are skipped and noted in
 * warnings. Formatting writes upstream's canonical layout (sorted), so a
 * file written here reads unchanged on an upstream node; pool lines, which
 * pvehost does not manage, are kept verbatim.
 *
 * Permission evaluation follows upstream's roles()/permissions(): along
 * the path from "/" to the checked path, token ACLs beat user ACLs, which
 * beat group ACLs; deeper entries replace shallower ones; only
 * propagating entries reach below their own path; NoAccess wins; root@pam
 * holds every privilege; a privilege-separated token gets the
 * intersection of its own and its user's privileges.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/privileges.h"

typedef struct AccessToken {
        char *name;       /* the part after '!' */
        int64_t expire;   /* epoch seconds; 0: never */
        bool privsep;
        char *comment;
} AccessToken;

typedef struct AccessUser {
        char *userid;     /* "name@realm" */
        bool enable;
        int64_t expire;
        char *firstname, *lastname, *email, *comment, *keys;
        AccessToken *tokens;
        size_t n_tokens;
} AccessUser;

typedef struct AccessGroup {
        char *name;
        char **members;   /* userids */
        char *comment;
} AccessGroup;

typedef struct AccessRole {
        char *name;
        PrivSet privs;
} AccessRole;

typedef enum AclKind {
        ACL_USER,
        ACL_GROUP,
        ACL_TOKEN,
        _ACL_KIND_MAX,
} AclKind;

typedef struct AclEntry {
        char *path;       /* normalized */
        AclKind kind;
        char *ugid;       /* userid, group name (without '@') or full token id */
        char *role;
        bool propagate;
} AclEntry;

typedef struct UserConfig {
        AccessUser *users;
        size_t n_users;
        AccessGroup *groups;
        size_t n_groups;
        AccessRole *roles;    /* custom roles only; built-in ones come from privileges.h */
        size_t n_roles;
        AclEntry *acl;
        size_t n_acl;
        char **pool_lines;    /* "pool:..." lines, kept verbatim */
        char **warnings;      /* what parsing skipped, upstream's wording */
} UserConfig;

#define ACCESS_ROOT_USER "root@pam"

const char *acl_kind_to_string(AclKind k);

/* Parses user.cfg; never fails (invalid lines are skipped with a warning). */
void user_config_parse(const char *data, size_t len, UserConfig *ret);
/* Upstream's canonical file text. */
char *user_config_format(const UserConfig *cfg);
void user_config_done(UserConfig *cfg);

/* Lookups; NULL when absent. */
AccessUser *user_config_find_user(const UserConfig *cfg, const char *userid);
AccessGroup *user_config_find_group(const UserConfig *cfg, const char *name);
AccessToken *user_config_find_token(const UserConfig *cfg, const char *tokenid);
AccessRole *user_config_find_role(const UserConfig *cfg, const char *name);
/* Privileges of a built-in or custom role; false when the role does not exist. */
bool user_config_role_privs(const UserConfig *cfg, const char *name, PrivSet *ret);
/* Groups the user is a member of, sorted. */
char **user_config_user_groups(const UserConfig *cfg, const char *userid);

/* Changes. Adding returns the new, zero-initialized entry (which must not exist yet). */
AccessUser *user_config_add_user(UserConfig *cfg, const char *userid);
/* Removes the user with its tokens, group memberships and ACL entries. */
void user_config_remove_user(UserConfig *cfg, const char *userid);
AccessToken *user_config_add_token(UserConfig *cfg, AccessUser *user, const char *name);
/* Removes the token and its ACL entries. */
void user_config_remove_token(UserConfig *cfg, const char *tokenid);
AccessGroup *user_config_add_group(UserConfig *cfg, const char *name);
void user_config_remove_group(UserConfig *cfg, const char *name);
void user_config_group_set_member(AccessGroup *g, const char *userid, bool member);
AccessRole *user_config_add_role(UserConfig *cfg, const char *name);
void user_config_remove_role(UserConfig *cfg, const char *name);
/* Adds or replaces (set) or removes (!set) one ACL entry; path must be normalized. */
void user_config_set_acl(UserConfig *cfg, const char *path, AclKind kind, const char *ugid, const char *role,
                         bool propagate, bool set);

/*
 * Privileges of authid ("user@realm" or "user@realm!token") on path, and
 * those of them that propagate to paths below.
 */
void user_config_privileges(const UserConfig *cfg, const char *authid, const char *path, PrivSet *ret_privs,
                            PrivSet *ret_propagate);

/*
 * Checks that the user exists, is enabled and not expired at now (and for a
 * token id, that the token exists and is not expired). Returns 0 or
 * -EACCES with upstream's message.
 */
int user_config_check_enabled(const UserConfig *cfg, const char *authid, int64_t now, char **reterr);

/* Names and paths, with upstream's rules. */
bool access_is_userid(const char *s);
bool access_is_realm(const char *s);
bool access_is_groupname(const char *s);
bool access_is_rolename(const char *s);
bool access_is_token_name(const char *s);
/* Splits "user@realm!name"; false when s is not a token id. ret_* may be NULL. */
bool access_split_tokenid(const char *s, char **ret_userid, char **ret_name);
/* Upstream's normalize_path(): NULL when invalid. */
char *access_normalize_path(const char *path);
/* True for ACL paths upstream accepts (check_path()). */
bool access_is_acl_path(const char *normalized);
