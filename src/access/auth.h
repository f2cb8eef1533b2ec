/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Authentication and authorization on top of the access files: loading
 * them from PVE_ROOT, checking a password (realm pve: priv/shadow.cfg;
 * realm pam: the PAM helper program), an API token, and the permission
 * check an ApiCall uses for a signed-in caller.
 */

#include <jansson.h>
#include <stdint.h>

#include "access/ticket.h"
#include "access/userconfig.h"
#include "api/call.h"

#define USER_CFG_PATH "/etc/pve/user.cfg"
#define SHADOW_CFG_PATH "/etc/pve/priv/shadow.cfg"
#define TOKEN_CFG_PATH "/etc/pve/priv/token.cfg"
#define DOMAINS_CFG_PATH "/etc/pve/domains.cfg"
#define USER_CFG_LOCK "/var/lock/pve-user-cfg.lck"

/* Creates etc/pve/priv (mode 0700, as pmxcfs shows it) when missing. */
int access_priv_dir_ensure(void);

/* The PAM helper program (pve-pam-helper, found by PATH unless set to a path). */
void access_set_pam_helper(const char *path);

/* Reads user.cfg (missing: only root@pam); -errno with a message otherwise. */
int access_config_load(UserConfig *ret, char **reterr);
/* Reads a "name value" secret file (shadow.cfg or token.cfg); missing gives an empty object. */
int access_secrets_load(const char *path, json_t **ret, char **reterr);

/*
 * The realms of domains.cfg as upstream's GET /access/domains lists them
 * ([{realm, type, comment?, default?}]); pam and pve when the file is missing.
 */
json_t *access_domains(void);
/* The type of a realm ("pam", "pve", "ldap", ...), or NULL if it does not exist. */
char *access_realm_type(const char *realm);

/*
 * Checks userid's password in its realm. Returns 0, or -EACCES with the
 * reason in *reterr (for the log: clients only ever see "authentication
 * failure").
 */
int access_check_password(const UserConfig *cfg, const char *userid, const char *password, int64_t now,
                          char **reterr);

/*
 * Checks an Authorization header value "USER@REALM!TOKENID=SECRET" (the
 * part after "PVEAPIToken="). Returns 0 with the full token id, or -EACCES.
 */
int access_check_token(const UserConfig *cfg, const json_t *secrets, const char *value, int64_t now,
                       char **ret_tokenid, char **reterr);

/* Sets a password in the user's realm (pve: shadow.cfg; pam: usermod). */
int access_set_password(const char *userid, const char *password, char **reterr);

/*
 * ApiPermissionCheck for call->check_permission, with the caller's
 * UserConfig in call->auth_data.
 */
bool access_check_permission(ApiCall *call, const char *acl_path, const char *privs, bool any);

/* The process-wide ticket keys, loaded (and created) on first use. */
const AuthKeys *access_auth_keys(char **reterr);
