/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * API methods under /access: tickets, users, API tokens, groups, roles,
 * ACLs, realms and effective permissions, with upstream's paths,
 * parameters, results and messages (pve-access-control PVE/API2/ACL.pm,
 * AccessControl.pm, Domains.pm, Group.pm, Role.pm, User.pm).
 *
 * Upstream's compound permission checks ("userid-param", "userid-group",
 * "perm-modify") are declared here as their common core, a privilege on
 * /access/groups, /access or the ACL path; handlers add the "or it is your
 * own account" and realm parts.
 */

#include <errno.h>
#include <time.h>

#include "access/auth.h"
#include "access/secrets.h"
#include "api/call.h"
#include "api/format.h"
#include "api/json-util.h"
#include "api/registry.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/lockfile.h"
#include "basic/rootdir.h"
#include "basic/strutil.h"
#include "basic/strv.h"

/* ---- formats ------------------------------------------------------------ */

static int verify_userid(const char *v, char **reterr) {
        size_t n = strlen(v);

        if (n < 3)
                *reterr = xasprintf("user name '%s' is too short", v);
        else if (n > 64)
                *reterr = xasprintf("user name '%s' is too long (%zu > 64)", v, n);
        else if (!access_is_userid(v))
                *reterr = xasprintf("value '%s' does not look like a valid user name", v);
        else
                return 0;
        return -EINVAL;
}

static int verify_groupid(const char *v, char **reterr) {
        if (access_is_groupname(v))
                return 0;
        *reterr = xasprintf("group name '%s' contains invalid characters", v);
        return -EINVAL;
}

static int verify_roleid(const char *v, char **reterr) {
        if (access_is_rolename(v))
                return 0;
        *reterr = xasprintf("role name '%s' contains invalid characters", v);
        return -EINVAL;
}

static int verify_realm(const char *v, char **reterr) {
        if (access_is_realm(v) && strlen(v) <= 32)
                return 0;
        *reterr = xasprintf("value '%s' does not look like a valid realm", v);
        return -EINVAL;
}

static int verify_tokenid(const char *v, char **reterr) {
        if (access_split_tokenid(v, NULL, NULL))
                return 0;
        *reterr = xasprintf("value '%s' does not look like a valid token ID", v);
        return -EINVAL;
}

static int verify_priv(const char *v, char **reterr) {
        if (privilege_from_name(v) >= 0)
                return 0;
        *reterr = xasprintf("invalid privilege '%s'", v);
        return -EINVAL;
}

static const ApiFormat access_formats[] = {
        { "pve-userid", verify_userid, NULL },
        { "pve-groupid", verify_groupid, NULL },
        { "pve-roleid", verify_roleid, NULL },
        { "pve-realm", verify_realm, NULL },
        { "pve-tokenid", verify_tokenid, NULL },
        { "pve-priv", verify_priv, NULL },
};

API_REGISTER_FORMATS(access_formats);

/* ---- helpers ------------------------------------------------------------ */

static int64_t unix_now(void) {
        return (int64_t) time(NULL);
}

/* The caller's view of user.cfg: the daemon's snapshot, else a fresh read. */
typedef struct ConfigView {
        UserConfig own;
        const UserConfig *cfg;
} ConfigView;

static void config_view_done(ConfigView *v) {
        user_config_done(&v->own);
}

static int config_view(ApiCall *call, ConfigView *v) {
        _cleanup_free_ char *err = NULL;
        int r;

        *v = (ConfigView) {};
        if (call->auth_data) {
                v->cfg = call->auth_data;
                return 0;
        }
        r = access_config_load(&v->own, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        v->cfg = &v->own;
        return 0;
}

typedef int (*ConfigEdit)(ApiCall *call, UserConfig *cfg, json_t **ret);

/* Read-modify-write of user.cfg under its lock. */
static int edit_user_config(ApiCall *call, ConfigEdit edit, json_t **ret, const char *what) {
        _cleanup_free_ char *path = root_path(USER_CFG_PATH), *lock_path = root_path(USER_CFG_LOCK), *err = NULL,
                            *text = NULL;
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_(user_config_done) UserConfig cfg = {};
        int r;

        r = lock_file_acquire(lock_path, LOCK_TIMEOUT_DEFAULT, &lock);
        if (r < 0)
                return api_error_errno(call, r, "%s: unable to lock user config: %m", what);
        r = access_config_load(&cfg, &err);
        if (r < 0)
                return api_error(call, 500, "%s: %s", what, err);
        r = edit(call, &cfg, ret);
        if (r < 0) {
                if (call->error.status == 500 && !startswith(call->error.message, what)) {
                        char *m = xasprintf("%s: %s", what, call->error.message);
                        free(call->error.message);
                        call->error.message = m;
                }
                return r;
        }
        text = user_config_format(&cfg);
        r = write_file_atomic(path, text, strlen(text), &WRITE_OPTIONS(0640, WRITE_MKDIR));
        if (r < 0)
                return api_error_errno(call, r, "%s: unable to write '%s': %m", what, path);
        return 0;
}

static const char *userid_realm(const char *userid) {
        const char *at = strrchr(userid, '@');

        return at ? at + 1 : "";
}

/* Upstream's "userid-param" Realm.AllocateUser plus "userid-group" User.Modify. */
static bool can_manage_user(ApiCall *call, const char *userid) {
        _cleanup_free_ char *realm_path = xasprintf("/access/realm/%s", userid_realm(userid));

        return api_check_permission(call, realm_path, "Realm.AllocateUser", false) &&
               api_check_permission(call, "/access/groups", "User.Modify", false);
}

/* "self" (the user itself, not one of its tokens) or a user manager. */
static bool is_self_or_manager(ApiCall *call, const char *userid) {
        return streq(call->authid, userid) || can_manage_user(call, userid);
}

static int require(ApiCall *call, bool ok) {
        return ok ? 0 : api_error(call, 403, "Permission check failed");
}

/* ---- schemas ------------------------------------------------------------ */

#define PARAM_USERID                                                                                \
        { .name = "userid", .type = API_TYPE_STRING, .format = "pve-userid", .max_length = 64,        \
          .description = "Full User ID, in the `name@realm` format." }
#define PARAM_TOKENID                                                                               \
        { .name = "tokenid", .type = API_TYPE_STRING, .pattern = "[A-Za-z][A-Za-z0-9._-]+",            \
          .description = "User-specific token identifier." }
#define PARAM_GROUPID { .name = "groupid", .type = API_TYPE_STRING, .format = "pve-groupid" }
#define PARAM_ROLEID { .name = "roleid", .type = API_TYPE_STRING, .format = "pve-roleid" }

#define USER_PROPS(opt)                                                                                           \
        { .name = "enable", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = opt,                    \
          .description = "Enable the account (default). You can set this to '0' to disable the account" },      \
        { .name = "expire", .type = API_TYPE_INTEGER, .optional = true, .minimum = API_LIMIT(0),                 \
          .description = "Account expiration date (seconds since epoch). '0' means no expiration date." },      \
        { .name = "firstname", .type = API_TYPE_STRING, .optional = true, .max_length = 1024 },                  \
        { .name = "lastname", .type = API_TYPE_STRING, .optional = true, .max_length = 1024 },                   \
        { .name = "email", .type = API_TYPE_STRING, .optional = true, .format = "email-opt", .max_length = 254 }, \
        { .name = "comment", .type = API_TYPE_STRING, .optional = true, .max_length = 2048 },                    \
        { .name = "keys", .type = API_TYPE_STRING, .optional = true, .pattern = "[0-9a-zA-Z!=]{0,4096}",         \
          .description = "Keys for two factor auth (yubico)." },                                                \
        { .name = "groups", .type = API_TYPE_STRING, .optional = true, .format = "pve-groupid-list" }

static const ApiSchema no_params[] = { {} };

/* ---- tickets ------------------------------------------------------------ */

static const ApiSchema ticket_params[] = {
        { .name = "username", .type = API_TYPE_STRING, .max_length = 64, .description = "User name" },
        { .name = "realm", .type = API_TYPE_STRING, .format = "pve-realm", .optional = true,
          .description = "You can optionally pass the realm using this parameter. Normally the realm is simply "
                         "added to the username <username>@<realm>." },
        { .name = "password", .type = API_TYPE_STRING, .sensitive = true,
          .description = "The secret password. This can also be a valid ticket." },
        { .name = "otp", .type = API_TYPE_STRING, .optional = true,
          .description = "One-time password for Two-factor authentication." },
        { .name = "path", .type = API_TYPE_STRING, .optional = true, .max_length = 64,
          .description = "Verify ticket, and check if user have access 'privs' on 'path'" },
        { .name = "privs", .type = API_TYPE_STRING, .optional = true, .format = "pve-priv-list", .max_length = 64,
          .description = "Verify ticket, and check if user have access 'privs' on 'path'" },
        { .name = "new-format", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "1",
          .description = "This parameter is now ignored and assumed to be 1." },
        { .name = "tfa-challenge", .type = API_TYPE_STRING, .optional = true,
          .description = "The signed TFA challenge string the user wants to respond to." },
        {},
};

static const ApiSchema ticket_returns[] = {
        { .name = "username", .type = API_TYPE_STRING },
        { .name = "ticket", .type = API_TYPE_STRING, .optional = true },
        { .name = "CSRFPreventionToken", .type = API_TYPE_STRING, .optional = true },
        { .name = "clustername", .type = API_TYPE_STRING, .optional = true },
        { .name = "cap", .type = API_TYPE_OBJECT, .optional = true, .additional_properties = true },
        {},
};

static int get_ticket(ApiCall *call, json_t **ret) {
        *ret = NULL;
        return 0;
}

/* Upstream's compute_api_permission(): the privileges the GUI uses to show or hide parts. */
static json_t *compute_capabilities(const UserConfig *cfg, const char *authid) {
        static const struct {
                const char *key;
                const char *prefixes; /* privilege name prefixes, '|' separated */
        } groups[] = {
                { "vms", "VM.|Permissions.Modify" },       { "access", "User.|Group.|Permissions.Modify" },
                { "storage", "Datastore.|Permissions.Modify" }, { "nodes", "Sys.|Permissions.Modify" },
                { "sdn", "SDN.|Permissions.Modify" },      { "dc", "Sys.Audit|Sys.Modify|SDN." },
                { "mapping", "Mapping.|Permissions.Modify" },
        };
        static const char *const required[] = { "/", "/nodes", "/access/groups", "/vms", "/storage", "/sdn", "/mapping" };
        _cleanup_strv_free_ char **paths = new0(char *, 1);
        json_t *res = json_object();

        for (size_t i = 0; i < ELEMENTSOF(groups); i++)
                json_object_set_new(res, groups[i].key, json_object());
        for (size_t i = 0; i < ELEMENTSOF(required); i++)
                strv_extend(&paths, required[i]);
        for (size_t i = 0; i < cfg->n_acl; i++)
                if (!strv_contains(paths, cfg->acl[i].path))
                        strv_extend(&paths, cfg->acl[i].path);

        STRV_FOREACH(p, paths) {
                _cleanup_free_ char *top = NULL;
                const char *slash = strchr(*p + 1, '/');
                PrivSet privs, propagate;

                top = streq(*p, "/") ? xstrdup("dc") : slash ? xstrndup(*p + 1, (size_t) (slash - *p - 1)) : xstrdup(*p + 1);
                user_config_privileges(cfg, authid, *p, &privs, &propagate);
                for (size_t g = 0; g < ELEMENTSOF(groups); g++) {
                        _cleanup_strv_free_ char **prefixes = NULL;

                        if (!streq(groups[g].key, top))
                                continue;
                        prefixes = strv_split(groups[g].prefixes, "|");
                        for (unsigned i = 0; i < privilege_count(); i++) {
                                if (!(privs & PRIVSET_BIT(i)))
                                        continue;
                                STRV_FOREACH(pre, prefixes)
                                        if (startswith(privilege_name(i), *pre)) {
                                                json_object_set_new(json_object_get(res, groups[g].key),
                                                                    privilege_name(i), json_integer(1));
                                                break;
                                        }
                        }
                }
        }
        return res;
}

static int create_ticket(ApiCall *call, json_t **ret) {
        _cleanup_(config_view_done) ConfigView v = {};
        _cleanup_free_ char *username = NULL, *ticket_user = NULL, *why = NULL;
        const char *password = api_param_str(call, "password");
        const AuthKeys *keys;
        int r;

        username = api_param_has(call, "realm")
                           ? xasprintf("%s@%s", api_param_str(call, "username"), api_param_str(call, "realm"))
                           : xstrdup(api_param_str(call, "username"));
        keys = access_auth_keys(&why);
        if (!keys)
                return api_error(call, 500, "%s", why);
        r = config_view(call, &v);
        if (r < 0)
                return r;

        /* A valid ticket of the same user (or of root@pam) renews the ticket. */
        if (ticket_verify(keys, password, unix_now(), &ticket_user) >= 0 &&
            (streq(ticket_user, username) || streq(ticket_user, ACCESS_ROOT_USER)))
                r = user_config_check_enabled(v.cfg, username, unix_now(), &why);
        else
                r = access_check_password(v.cfg, username, password, unix_now(), &why);
        if (r < 0)
                return api_error(call, 401, "authentication failure");

        if (api_param_has(call, "path") && api_param_has(call, "privs")) {
                _cleanup_free_ char *path = access_normalize_path(api_param_str(call, "path"));
                PrivSet want, have, propagate;
                _cleanup_free_ char *err = NULL;

                if (!path || privset_parse(api_param_str(call, "privs"), &want, &err) < 0 || want == 0)
                        return api_error(call, 401, "authentication failure");
                user_config_privileges(v.cfg, username, path, &have, &propagate);
                if ((have & want) != want)
                        return api_error(call, 401, "authentication failure");
                *ret = json_pack("{s:s}", "username", username);
                return 0;
        }

        {
                _cleanup_free_ char *ticket = ticket_assemble(keys, username, unix_now());
                _cleanup_free_ char *csrf = csrf_token_assemble(keys, username, unix_now());

                *ret = json_pack("{s:s,s:s,s:s,s:o}", "username", username, "ticket", ticket, "CSRFPreventionToken",
                                 csrf, "cap", compute_capabilities(v.cfg, username));
        }
        return 0;
}

static const ApiSchema password_params[] = {
        PARAM_USERID,
        { .name = "password", .type = API_TYPE_STRING, .min_length = 8, .max_length = 64, .sensitive = true,
          .description = "The new password." },
        { .name = "confirmation-password", .type = API_TYPE_STRING, .optional = true, .max_length = 64,
          .sensitive = true,
          .description = "The current password of the user performing the change." },
        {},
};

static int change_password(ApiCall *call, json_t **ret) {
        const char *userid = api_param_str(call, "userid");
        _cleanup_free_ char *err = NULL;
        int r;

        if (!streq(call->authid, API_ROOT_AUTHID) && !streq(call->authid, userid)) {
                /* Only root changes root's and other PAM users' system passwords. */
                if (streq(userid, API_ROOT_AUTHID) || streq(userid_realm(userid), "pam") ||
                    !can_manage_user(call, userid))
                        return api_error(call, 403, "Permission check failed");
        }
        r = access_set_password(userid, api_param_str(call, "password"), &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        *ret = NULL;
        return 0;
}

/* ---- users -------------------------------------------------------------- */

static json_t *token_info(const AccessToken *t) {
        json_t *o = json_pack("{s:I,s:i}", "expire", (json_int_t) t->expire, "privsep", (int) t->privsep);

        if (t->comment)
                json_object_set_new(o, "comment", json_string(t->comment));
        return o;
}

static json_t *user_data(const UserConfig *cfg, const AccessUser *u, bool full, bool groups_as_list) {
        _cleanup_strv_free_ char **groups = user_config_user_groups(cfg, u->userid);
        json_t *o = json_pack("{s:i,s:I}", "enable", (int) u->enable, "expire", (json_int_t) u->expire);
        const struct {
                const char *key, *value;
        } texts[] = { { "firstname", u->firstname }, { "lastname", u->lastname }, { "email", u->email },
                      { "comment", u->comment },     { "keys", u->keys } };

        for (size_t i = 0; i < ELEMENTSOF(texts); i++)
                if (texts[i].value)
                        json_object_set_new(o, texts[i].key, json_string(texts[i].value));
        if (!strv_isempty(groups)) {
                if (groups_as_list) {
                        _cleanup_free_ char *joined = strv_join(groups, ",");
                        json_object_set_new(o, "groups", json_string(joined));
                } else {
                        json_t *a = json_array();
                        STRV_FOREACH(g, groups)
                                json_array_append_new(a, json_string(*g));
                        json_object_set_new(o, "groups", a);
                }
        }
        if (full) {
                json_t *tokens = groups_as_list ? json_array() : json_object();

                for (size_t i = 0; i < u->n_tokens; i++) {
                        json_t *info = token_info(&u->tokens[i]);

                        if (groups_as_list) {
                                json_object_set_new(info, "tokenid", json_string(u->tokens[i].name));
                                json_array_append_new(tokens, info);
                        } else
                                json_object_set_new(tokens, u->tokens[i].name, info);
                }
                json_object_set_new(o, "tokens", tokens);
        }
        return o;
}

static const ApiSchema list_users_params[] = {
        { .name = "enabled", .type = API_TYPE_BOOLEAN, .optional = true,
          .description = "Optional filter for enable property." },
        { .name = "full", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "0",
          .description = "Include group and token information." },
        {},
};

static const ApiSchema list_users_item[] = {
        PARAM_USERID,
        USER_PROPS(NULL),
        { .name = "tokens", .type = API_TYPE_ARRAY, .optional = true,
          .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .additional_properties = true } },
        { .name = "realm-type", .type = API_TYPE_STRING, .optional = true,
          .description = "The type of the users realm" },
        {},
};

static int list_users(ApiCall *call, json_t **ret) {
        _cleanup_(config_view_done) ConfigView v = {};
        _cleanup_json_ json_t *list = json_array(), *domains = access_domains();
        bool all = api_check_permission(call, "/access/groups", "User.Modify,Sys.Audit", true);
        bool full = api_param_bool(call, "full");
        _cleanup_free_ const AccessUser **sorted = NULL;
        int r;

        r = config_view(call, &v);
        if (r < 0)
                return r;
        sorted = new0(const AccessUser *, v.cfg->n_users + 1);
        for (size_t i = 0; i < v.cfg->n_users; i++) {
                size_t j = i;

                while (j > 0 && strcmp(sorted[j - 1]->userid, v.cfg->users[i].userid) > 0) {
                        sorted[j] = sorted[j - 1];
                        j--;
                }
                sorted[j] = &v.cfg->users[i];
        }
        for (size_t i = 0; i < v.cfg->n_users; i++) {
                const AccessUser *u = sorted[i];
                json_t *e, *d;
                size_t k;

                if (!all && !api_caller_is(call, u->userid))
                        continue;
                if (api_param_has(call, "enabled") && u->enable != api_param_bool(call, "enabled"))
                        continue;
                e = user_data(v.cfg, u, full, true);
                json_object_set_new(e, "userid", json_string(u->userid));
                json_array_foreach(domains, k, d)
                        if (streq(json_object_get_string(d, "realm"), userid_realm(u->userid)))
                                json_object_set(e, "realm-type", json_object_get(d, "type"));
                json_array_append_new(list, e);
        }
        *ret = TAKE_PTR(list);
        return 0;
}

static const ApiSchema create_user_params[] = {
        PARAM_USERID,
        USER_PROPS("1"),
        { .name = "password", .type = API_TYPE_STRING, .optional = true, .min_length = 8, .max_length = 64,
          .sensitive = true, .description = "Initial password." },
        {},
};

static int set_user_groups(ApiCall *call, UserConfig *cfg, const char *userid, bool replace) {
        _cleanup_strv_free_ char **groups = api_split_list(api_param_str(call, "groups"));

        STRV_FOREACH(g, groups)
                if (!user_config_find_group(cfg, *g))
                        return api_error(call, 500, "no such group '%s'", *g);
        if (replace)
                for (size_t i = 0; i < cfg->n_groups; i++)
                        user_config_group_set_member(&cfg->groups[i], userid, false);
        STRV_FOREACH(g, groups)
                user_config_group_set_member(user_config_find_group(cfg, *g), userid, true);
        return 0;
}

static void set_text(char **field, ApiCall *call, const char *name) {
        if (!api_param_has(call, name))
                return;
        free(*field);
        *field = isempty(api_param_str(call, name)) ? NULL : xstrdup(api_param_str(call, name));
}

static void set_user_fields(ApiCall *call, AccessUser *u) {
        if (api_param_has(call, "enable"))
                u->enable = api_param_bool(call, "enable");
        if (api_param_has(call, "expire"))
                u->expire = api_param_int(call, "expire");
        set_text(&u->firstname, call, "firstname");
        set_text(&u->lastname, call, "lastname");
        set_text(&u->email, call, "email");
        set_text(&u->comment, call, "comment");
        set_text(&u->keys, call, "keys");
}

static int create_user_edit(ApiCall *call, UserConfig *cfg, json_t **ret) {
        const char *userid = api_param_str(call, "userid");
        _cleanup_free_ char *realm_type = access_realm_type(userid_realm(userid)), *err = NULL;
        int r;

        if (user_config_find_user(cfg, userid))
                return api_error(call, 500, "create user failed: user '%s' already exists", userid);
        if (!realm_type)
                return api_error(call, 500, "create user failed: auth domain '%s' does not exist", userid_realm(userid));
        if (api_param_has(call, "groups")) {
                r = set_user_groups(call, cfg, userid, false);
                if (r < 0)
                        return r;
        }
        if (api_param_has(call, "password")) {
                r = access_set_password(userid, api_param_str(call, "password"), &err);
                if (r < 0)
                        return api_error(call, 500, "create user failed: %s", err);
        }
        set_user_fields(call, user_config_add_user(cfg, userid));
        *ret = NULL;
        return 0;
}

static int create_user(ApiCall *call, json_t **ret) {
        int r = require(call, can_manage_user(call, api_param_str(call, "userid")));

        return r < 0 ? r : edit_user_config(call, create_user_edit, ret, "create user failed");
}

static const ApiSchema userid_params[] = { PARAM_USERID, {} };

static const ApiSchema read_user_returns[] = {
        USER_PROPS(NULL),
        { .name = "tokens", .type = API_TYPE_OBJECT, .optional = true, .additional_properties = true },
        {},
};

static int read_user(ApiCall *call, json_t **ret) {
        _cleanup_(config_view_done) ConfigView v = {};
        const char *userid = api_param_str(call, "userid");
        const AccessUser *u;
        int r;

        r = config_view(call, &v);
        if (r < 0)
                return r;
        u = user_config_find_user(v.cfg, userid);
        if (!u)
                return api_error(call, 500, "no such user ('%s')", userid);
        *ret = user_data(v.cfg, u, true, false);
        return 0;
}

static const ApiSchema update_user_params[] = {
        PARAM_USERID,
        USER_PROPS(NULL),
        { .name = "append", .type = API_TYPE_BOOLEAN, .optional = true },
        {},
};

static int update_user_edit(ApiCall *call, UserConfig *cfg, json_t **ret) {
        const char *userid = api_param_str(call, "userid");
        AccessUser *u = user_config_find_user(cfg, userid);
        int r;

        if (!u)
                return api_error(call, 500, "no such user ('%s')", userid);
        if (api_param_has(call, "groups")) {
                r = set_user_groups(call, cfg, userid, !api_param_bool(call, "append"));
                if (r < 0)
                        return r;
        }
        set_user_fields(call, u);
        *ret = NULL;
        return 0;
}

static int update_user(ApiCall *call, json_t **ret) {
        return edit_user_config(call, update_user_edit, ret, "update user failed");
}

static int delete_user_edit(ApiCall *call, UserConfig *cfg, json_t **ret) {
        const char *userid = api_param_str(call, "userid");

        if (!user_config_find_user(cfg, userid))
                return api_error(call, 500, "no such user ('%s')", userid);
        user_config_remove_user(cfg, userid);
        *ret = NULL;
        return 0;
}

static int delete_user(ApiCall *call, json_t **ret) {
        const char *userid = api_param_str(call, "userid");
        int r = require(call, can_manage_user(call, userid));

        if (r < 0)
                return r;
        if (streq(userid, ACCESS_ROOT_USER))
                return api_error(call, 500, "delete user failed: cannot delete user '%s'", userid);
        return edit_user_config(call, delete_user_edit, ret, "delete user failed");
}

/* ---- tokens ------------------------------------------------------------- */

static const ApiSchema token_params[] = { PARAM_USERID, PARAM_TOKENID, {} };

#define TOKEN_PROPS                                                                                               \
        { .name = "expire", .type = API_TYPE_INTEGER, .optional = true, .minimum = API_LIMIT(0),                 \
          .description = "API token expiration date (seconds since epoch). '0' means no expiration date." },    \
        { .name = "privsep", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "1",                   \
          .description = "Restrict API token privileges with separate ACLs (default), or give full privileges " \
                         "of corresponding user." },                                                            \
        { .name = "comment", .type = API_TYPE_STRING, .optional = true }

static const ApiSchema token_info_props[] = { TOKEN_PROPS, {} };
static const ApiSchema token_list_item[] = { PARAM_TOKENID, TOKEN_PROPS, {} };
static const ApiSchema generate_token_params[] = { PARAM_USERID, PARAM_TOKENID, TOKEN_PROPS, {} };
static const ApiSchema generate_token_returns[] = {
        { .name = "full-tokenid", .type = API_TYPE_STRING, .description = "The full token id." },
        { .name = "info", .type = API_TYPE_OBJECT, .properties = token_info_props },
        { .name = "value", .type = API_TYPE_STRING, .description = "API token value used for authentication." },
        {},
};

static int check_token_access(ApiCall *call) {
        return require(call, is_self_or_manager(call, api_param_str(call, "userid")));
}

/* The access check of the token methods, then the caller's view of user.cfg. */
static int token_config_view(ApiCall *call, ConfigView *v) {
        int r = check_token_access(call);

        return r < 0 ? r : config_view(call, v);
}

static int list_tokens(ApiCall *call, json_t **ret) {
        _cleanup_(config_view_done) ConfigView v = {};
        const char *userid = api_param_str(call, "userid");
        const AccessUser *u;
        json_t *list;
        int r;

        r = token_config_view(call, &v);
        if (r < 0)
                return r;
        u = user_config_find_user(v.cfg, userid);
        if (!u)
                return api_error(call, 500, "no such user ('%s')", userid);
        list = json_array();
        for (size_t i = 0; i < u->n_tokens; i++) {
                json_t *e = token_info(&u->tokens[i]);

                json_object_set_new(e, "tokenid", json_string(u->tokens[i].name));
                json_array_append_new(list, e);
        }
        *ret = list;
        return 0;
}

static char *full_tokenid(ApiCall *call) {
        return xasprintf("%s!%s", api_param_str(call, "userid"), api_param_str(call, "tokenid"));
}

static int read_token(ApiCall *call, json_t **ret) {
        _cleanup_(config_view_done) ConfigView v = {};
        _cleanup_free_ char *id = full_tokenid(call);
        const AccessToken *t;
        int r;

        r = token_config_view(call, &v);
        if (r < 0)
                return r;
        t = user_config_find_token(v.cfg, id);
        if (!t)
                return api_error(call, 500, "no such token '%s' for user '%s'", api_param_str(call, "tokenid"),
                                 api_param_str(call, "userid"));
        *ret = token_info(t);
        return 0;
}

typedef int (*SecretsEdit)(json_t *secrets, const char *tokenid);

static int edit_token_secrets(ApiCall *call, const char *tokenid, SecretsEdit edit) {
        _cleanup_free_ char *path = root_path(TOKEN_CFG_PATH), *lock_path = root_path("/var/lock/pve-token-cfg.lck"),
                            *err = NULL, *text = NULL;
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_json_ json_t *secrets = NULL;
        int r;

        r = lock_file_acquire(lock_path, LOCK_TIMEOUT_DEFAULT, &lock);
        if (r < 0)
                return api_error_errno(call, r, "unable to lock token.cfg: %m");
        (void) access_priv_dir_ensure();
        r = access_secrets_load(TOKEN_CFG_PATH, &secrets, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        r = edit(secrets, tokenid);
        if (r < 0)
                return api_error_errno(call, r, "unable to update token secrets: %m");
        text = token_secrets_format(secrets);
        r = write_file_atomic(path, text, strlen(text), &WRITE_OPTIONS(0600, WRITE_MKDIR));
        if (r < 0)
                return api_error_errno(call, r, "unable to write '%s': %m", path);
        return 0;
}

static int token_edit(ApiCall *call, UserConfig *cfg, json_t **ret) {
        _cleanup_free_ char *id = full_tokenid(call);
        AccessUser *u = user_config_find_user(cfg, api_param_str(call, "userid"));
        AccessToken *t;

        if (!u)
                return api_error(call, 500, "no such user ('%s')", api_param_str(call, "userid"));
        t = user_config_find_token(cfg, id);
        if (call->method->http_method == API_POST) {
                if (t)
                        return api_error(call, 500, "Token already exists.");
                t = user_config_add_token(cfg, u, api_param_str(call, "tokenid"));
                t->expire = api_param_has(call, "expire") ? api_param_int(call, "expire") : u->expire;
                t->privsep = api_param_bool(call, "privsep");
        } else {
                if (!t)
                        return api_error(call, 500, "no such token '%s' for user '%s'", api_param_str(call, "tokenid"),
                                         u->userid);
                if (call->method->http_method == API_DELETE) {
                        user_config_remove_token(cfg, id);
                        *ret = NULL;
                        return 0;
                }
                if (api_param_has(call, "expire"))
                        t->expire = api_param_int(call, "expire");
                if (api_param_has(call, "privsep"))
                        t->privsep = api_param_bool(call, "privsep");
        }
        set_text(&t->comment, call, "comment");
        *ret = token_info(t);
        return 0;
}

static char *new_secret;

static int store_new_secret(json_t *secrets, const char *tokenid) {
        json_object_set_new(secrets, tokenid, json_string(new_secret));
        return 0;
}

static int drop_secret(json_t *secrets, const char *tokenid) {
        json_object_del(secrets, tokenid);
        return 0;
}

static int generate_token(ApiCall *call, json_t **ret) {
        _cleanup_free_ char *id = full_tokenid(call), *secret = token_secret_generate();
        _cleanup_json_ json_t *info = NULL;
        int r;

        r = check_token_access(call);
        if (r < 0)
                return r;
        if (!access_split_tokenid(id, NULL, NULL))
                return api_param_error(call, "tokenid", "value does not look like a valid token ID");
        /* The secret is stored first: a token line without its secret would be unusable. */
        new_secret = secret;
        r = edit_token_secrets(call, id, store_new_secret);
        new_secret = NULL;
        if (r < 0)
                return r;
        r = edit_user_config(call, token_edit, &info, "generating token failed");
        if (r < 0) {
                (void) edit_token_secrets(call, id, drop_secret);
                return r;
        }
        *ret = json_pack("{s:s,s:O,s:s}", "full-tokenid", id, "info", info, "value", secret);
        return 0;
}

static int update_token(ApiCall *call, json_t **ret) {
        int r = check_token_access(call);

        return r < 0 ? r : edit_user_config(call, token_edit, ret, "updating token info failed");
}

static int remove_token(ApiCall *call, json_t **ret) {
        _cleanup_free_ char *id = full_tokenid(call);
        int r = check_token_access(call);

        if (r >= 0)
                r = edit_user_config(call, token_edit, ret, "deleting token failed");
        if (r >= 0)
                r = edit_token_secrets(call, id, drop_secret);
        return r;
}

/* ---- groups ------------------------------------------------------------- */

static const ApiSchema group_list_item[] = {
        PARAM_GROUPID,
        { .name = "comment", .type = API_TYPE_STRING, .optional = true },
        { .name = "users", .type = API_TYPE_STRING, .optional = true, .description = "list of users which form this group" },
        {},
};

static int list_groups(ApiCall *call, json_t **ret) {
        _cleanup_(config_view_done) ConfigView v = {};
        json_t *list;
        int r;

        r = config_view(call, &v);
        if (r < 0)
                return r;
        list = json_array();
        for (size_t i = 0; i < v.cfg->n_groups; i++) {
                const AccessGroup *g = &v.cfg->groups[i];
                _cleanup_free_ char *path = xasprintf("/access/groups/%s", g->name);
                _cleanup_strv_free_ char **members = strv_copy(g->members);
                _cleanup_free_ char *users = NULL;
                json_t *e;

                if (!api_check_permission(call, path, "Sys.Audit,Group.Allocate", true))
                        continue;
                strv_sort(members);
                users = strv_join(members, ",");
                e = json_pack("{s:s,s:s}", "groupid", g->name, "users", users);
                if (g->comment)
                        json_object_set_new(e, "comment", json_string(g->comment));
                json_array_append_new(list, e);
        }
        *ret = list;
        return 0;
}

static const ApiSchema create_group_params[] = {
        PARAM_GROUPID,
        { .name = "comment", .type = API_TYPE_STRING, .optional = true },
        {},
};

static int group_edit(ApiCall *call, UserConfig *cfg, json_t **ret) {
        const char *name = api_param_str(call, "groupid");
        AccessGroup *g = user_config_find_group(cfg, name);

        *ret = NULL;
        if (call->method->http_method == API_POST) {
                if (g)
                        return api_error(call, 500, "group '%s' already exists", name);
                g = user_config_add_group(cfg, name);
        } else if (!g)
                return api_error(call, 500, "group '%s' does not exist", name);
        if (call->method->http_method == API_DELETE) {
                user_config_remove_group(cfg, name);
                return 0;
        }
        set_text(&g->comment, call, "comment");
        return 0;
}

static int change_group(ApiCall *call, json_t **ret) {
        return edit_user_config(call, group_edit, ret,
                                call->method->http_method == API_POST     ? "create group failed"
                                : call->method->http_method == API_DELETE ? "delete group failed"
                                                                          : "update group failed");
}

static const ApiSchema read_group_returns[] = {
        { .name = "comment", .type = API_TYPE_STRING, .optional = true },
        { .name = "members", .type = API_TYPE_ARRAY, .items = &(const ApiSchema) { .type = API_TYPE_STRING } },
        {},
};

static const ApiSchema groupid_params[] = { PARAM_GROUPID, {} };

static int read_group(ApiCall *call, json_t **ret) {
        _cleanup_(config_view_done) ConfigView v = {};
        const AccessGroup *g;
        json_t *members;
        int r;

        r = config_view(call, &v);
        if (r < 0)
                return r;
        g = user_config_find_group(v.cfg, api_param_str(call, "groupid"));
        if (!g)
                return api_error(call, 500, "group '%s' does not exist", api_param_str(call, "groupid"));
        members = json_array();
        STRV_FOREACH(m, g->members)
                json_array_append_new(members, json_string(*m));
        *ret = json_pack("{s:o}", "members", members);
        if (g->comment)
                json_object_set_new(*ret, "comment", json_string(g->comment));
        return 0;
}

/* ---- roles -------------------------------------------------------------- */

static const ApiSchema role_list_item[] = {
        PARAM_ROLEID,
        { .name = "privs", .type = API_TYPE_STRING, .format = "pve-priv-list", .optional = true },
        { .name = "special", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "0" },
        {},
};

static int list_roles(ApiCall *call, json_t **ret) {
        _cleanup_(config_view_done) ConfigView v = {};
        _cleanup_strv_free_ char **names = NULL;
        json_t *list;
        int r;

        r = config_view(call, &v);
        if (r < 0)
                return r;
        names = strv_copy((char *const *) builtin_role_names());
        for (size_t i = 0; i < v.cfg->n_roles; i++)
                strv_extend(&names, v.cfg->roles[i].name);
        strv_sort(names);
        list = json_array();
        STRV_FOREACH(n, names) {
                _cleanup_free_ char *privs = NULL;
                PrivSet set = 0, unused;

                (void) user_config_role_privs(v.cfg, *n, &set);
                privs = privset_format(set);
                json_array_append_new(list, json_pack("{s:s,s:s,s:i}", "roleid", *n, "privs", privs, "special",
                                                      builtin_role_privs(*n, &unused) ? 1 : 0));
        }
        *ret = list;
        return 0;
}

static const ApiSchema role_params[] = {
        PARAM_ROLEID,
        { .name = "privs", .type = API_TYPE_STRING, .format = "pve-priv-list", .optional = true },
        { .name = "append", .type = API_TYPE_BOOLEAN, .optional = true },
        {},
};

static int role_edit(ApiCall *call, UserConfig *cfg, json_t **ret) {
        const char *name = api_param_str(call, "roleid");
        AccessRole *role = user_config_find_role(cfg, name);
        _cleanup_free_ char *err = NULL;
        PrivSet privs = 0;

        *ret = NULL;
        if (builtin_role_privs(name, &privs))
                return api_error(call, 500, "cannot modify built-in role '%s'", name);
        if (call->method->http_method == API_POST) {
                if (role)
                        return api_error(call, 500, "role '%s' already exists", name);
                role = user_config_add_role(cfg, name);
        } else if (!role)
                return api_error(call, 500, "role '%s' does not exist", name);
        if (call->method->http_method == API_DELETE) {
                user_config_remove_role(cfg, name);
                return 0;
        }
        if (api_param_has(call, "privs")) {
                if (privset_parse(api_param_str(call, "privs"), &privs, &err) < 0)
                        return api_param_error(call, "privs", "%s", err);
                role->privs = api_param_bool(call, "append") ? role->privs | privs : privs;
        }
        return 0;
}

static int change_role(ApiCall *call, json_t **ret) {
        return edit_user_config(call, role_edit, ret, "role change failed");
}

static const ApiSchema roleid_params[] = { PARAM_ROLEID, {} };

static int read_role(ApiCall *call, json_t **ret) {
        _cleanup_(config_view_done) ConfigView v = {};
        PrivSet set;
        json_t *o;
        int r;

        r = config_view(call, &v);
        if (r < 0)
                return r;
        if (!user_config_role_privs(v.cfg, api_param_str(call, "roleid"), &set))
                return api_error(call, 500, "role '%s' does not exist", api_param_str(call, "roleid"));
        o = json_object();
        for (unsigned i = 0; i < privilege_count(); i++)
                if (set & PRIVSET_BIT(i))
                        json_object_set_new(o, privilege_name(i), json_integer(1));
        *ret = o;
        return 0;
}

/* ---- ACLs --------------------------------------------------------------- */

static const ApiSchema acl_item[] = {
        { .name = "propagate", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "1",
          .description = "Allow to propagate (inherit) permissions." },
        { .name = "path", .type = API_TYPE_STRING, .description = "Access control path" },
        { .name = "type", .type = API_TYPE_STRING, .enum_values = (const char *const[]) { "user", "group", "token", NULL } },
        { .name = "ugid", .type = API_TYPE_STRING },
        { .name = "roleid", .type = API_TYPE_STRING },
        {},
};

static int read_acl(ApiCall *call, json_t **ret) {
        _cleanup_(config_view_done) ConfigView v = {};
        bool audit = api_check_permission(call, "/access", "Sys.Audit", false);
        json_t *list;
        int r;

        r = config_view(call, &v);
        if (r < 0)
                return r;
        list = json_array();
        for (size_t i = 0; i < v.cfg->n_acl; i++) {
                const AclEntry *a = &v.cfg->acl[i];

                if (!audit && !api_check_permission(call, a->path, "Permissions.Modify", false))
                        continue;
                json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:i}", "path", a->path, "type",
                                                      acl_kind_to_string(a->kind), "ugid", a->ugid, "roleid", a->role,
                                                      "propagate", a->propagate ? 1 : 0));
        }
        *ret = list;
        return 0;
}

static const ApiSchema update_acl_params[] = {
        { .name = "propagate", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "1",
          .description = "Allow to propagate (inherit) permissions." },
        { .name = "path", .type = API_TYPE_STRING, .description = "Access control path" },
        { .name = "users", .type = API_TYPE_STRING, .format = "pve-userid-list", .optional = true,
          .description = "List of users." },
        { .name = "groups", .type = API_TYPE_STRING, .format = "pve-groupid-list", .optional = true,
          .description = "List of groups." },
        { .name = "tokens", .type = API_TYPE_STRING, .format = "pve-tokenid-list", .optional = true,
          .description = "List of API tokens." },
        { .name = "roles", .type = API_TYPE_STRING, .format = "pve-roleid-list", .description = "List of roles." },
        { .name = "delete", .type = API_TYPE_BOOLEAN, .optional = true,
          .description = "Remove permissions (instead of adding it)." },
        {},
};

static int update_acl_edit(ApiCall *call, UserConfig *cfg, json_t **ret) {
        _cleanup_free_ char *path = access_normalize_path(api_param_str(call, "path"));
        _cleanup_strv_free_ char **roles = api_split_list(api_param_str(call, "roles")),
                                 **users = api_split_list(api_param_str(call, "users")),
                                 **groups = api_split_list(api_param_str(call, "groups")),
                                 **tokens = api_split_list(api_param_str(call, "tokens"));
        bool propagate = api_param_bool(call, "propagate"), set = !api_param_bool(call, "delete");

        STRV_FOREACH(role, roles) {
                PrivSet unused;

                if (!user_config_role_privs(cfg, *role, &unused))
                        return api_error(call, 500, "role '%s' does not exist", *role);
                STRV_FOREACH(g, groups) {
                        if (!user_config_find_group(cfg, *g))
                                return api_error(call, 500, "group '%s' does not exist", *g);
                        user_config_set_acl(cfg, path, ACL_GROUP, *g, *role, propagate, set);
                }
                STRV_FOREACH(u, users) {
                        if (!user_config_find_user(cfg, *u))
                                return api_error(call, 500, "user '%s' does not exist", *u);
                        user_config_set_acl(cfg, path, ACL_USER, *u, *role, propagate, set);
                }
                STRV_FOREACH(t, tokens) {
                        if (!user_config_find_token(cfg, *t))
                                return api_error(call, 500, "no such token '%s'", *t);
                        user_config_set_acl(cfg, path, ACL_TOKEN, *t, *role, propagate, set);
                }
        }
        *ret = NULL;
        return 0;
}

static int update_acl(ApiCall *call, json_t **ret) {
        _cleanup_free_ char *path = access_normalize_path(api_param_str(call, "path"));

        if (!api_param_has(call, "users") && !api_param_has(call, "groups") && !api_param_has(call, "tokens")) {
                call->error.status = 400;
                call->error.message = xstrdup("Parameter verification failed.");
                call->error.errors = json_pack("{s:s,s:s,s:s}", "users", "either 'users', 'groups' or 'tokens' is required.",
                                               "groups", "either 'users', 'groups' or 'tokens' is required.", "tokens",
                                               "either 'users', 'groups' or 'tokens' is required.");
                return -EINVAL;
        }
        if (!path || (!api_param_bool(call, "delete") && !access_is_acl_path(path)))
                return api_param_error(call, "path", "invalid ACL path '%s'", api_param_str(call, "path"));
        return edit_user_config(call, update_acl_edit, ret, "ACL update failed");
}

/* ---- permissions and realms --------------------------------------------- */

static const ApiSchema permissions_params[] = {
        { .name = "userid", .type = API_TYPE_STRING, .optional = true,
          .pattern = "[^[:space:]:/]+@[A-Za-z][A-Za-z0-9._-]+(![A-Za-z][A-Za-z0-9._-]+)?",
          .description = "User ID or full API token ID" },
        { .name = "path", .type = API_TYPE_STRING, .optional = true,
          .description = "Only dump this specific path, not the whole tree." },
        {},
};

static json_t *path_privileges(const UserConfig *cfg, const char *authid, const char *path) {
        PrivSet privs, propagate;
        json_t *o = json_object();

        user_config_privileges(cfg, authid, path, &privs, &propagate);
        for (unsigned i = 0; i < privilege_count(); i++)
                if (privs & PRIVSET_BIT(i))
                        json_object_set_new(o, privilege_name(i), json_integer(propagate & PRIVSET_BIT(i) ? 1 : 0));
        return o;
}

static int get_permissions(ApiCall *call, json_t **ret) {
        _cleanup_(config_view_done) ConfigView v = {};
        _cleanup_free_ char *owner = NULL;
        const char *userid = api_param_str(call, "userid") ?: call->authid;
        bool own = streq(userid, call->authid) ||
                   (access_split_tokenid(userid, &owner, NULL) && streq(owner, call->authid));
        json_t *res;
        int r;

        if (!own && !api_check_permission(call, "/access", "Sys.Audit", false))
                return api_error(call, 403, "Permission check failed (/access, Sys.Audit)");
        r = config_view(call, &v);
        if (r < 0)
                return r;
        res = json_object();
        if (api_param_has(call, "path")) {
                _cleanup_free_ char *path = access_normalize_path(api_param_str(call, "path"));

                if (!path) {
                        json_decref(res);
                        return api_param_error(call, "path", "invalid ACL path '%s'", api_param_str(call, "path"));
                }
                json_object_set_new(res, api_param_str(call, "path"), path_privileges(v.cfg, userid, path));
        } else {
                static const char *const defaults[] = { "/", "/access", "/access/groups", "/nodes", "/pool", "/sdn",
                                                        "/storage", "/vms" };
                _cleanup_strv_free_ char **paths = new0(char *, 1);

                for (size_t i = 0; i < ELEMENTSOF(defaults); i++)
                        strv_extend(&paths, defaults[i]);
                for (size_t i = 0; i < v.cfg->n_acl; i++)
                        if (!strv_contains(paths, v.cfg->acl[i].path))
                                strv_extend(&paths, v.cfg->acl[i].path);
                STRV_FOREACH(p, paths) {
                        json_t *privs = path_privileges(v.cfg, userid, *p);

                        if (json_object_size(privs) > 0)
                                json_object_set_new(res, *p, privs);
                        else
                                json_decref(privs);
                }
        }
        *ret = res;
        return 0;
}

static const ApiSchema domain_item[] = {
        { .name = "realm", .type = API_TYPE_STRING },
        { .name = "type", .type = API_TYPE_STRING },
        { .name = "tfa", .type = API_TYPE_STRING, .optional = true, .description = "Two-factor authentication provider.",
          .enum_values = (const char *const[]) { "yubico", "oath", NULL } },
        { .name = "comment", .type = API_TYPE_STRING, .optional = true,
          .description = "A comment. The GUI use this text when you select a domain (Realm) on the login window." },
        {},
};

static int list_domains(ApiCall *call, json_t **ret) {
        *ret = access_domains();
        return 0;
}

static const ApiSchema realm_params[] = {
        { .name = "realm", .type = API_TYPE_STRING, .format = "pve-realm", .max_length = 32,
          .description = "Authentication domain ID" },
        {},
};

static int read_domain(ApiCall *call, json_t **ret) {
        _cleanup_json_ json_t *domains = access_domains();
        size_t i;
        json_t *d;

        json_array_foreach(domains, i, d)
                if (streq(json_object_get_string(d, "realm"), api_param_str(call, "realm"))) {
                        *ret = json_incref(d);
                        json_object_del(*ret, "realm");
                        return 0;
                }
        return api_error(call, 500, "domain '%s' does not exist", api_param_str(call, "realm"));
}

/* ---- method table ------------------------------------------------------- */

#define ARRAY_OF(props) \
        { .type = API_TYPE_ARRAY, .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .properties = (props) } }
#define NULL_RETURNS { .type = API_TYPE_NULL }

static const ApiMethod access_methods[] = {
        { .path = "/access", .http_method = API_GET, .name = "index", .description = "Directory index.",
          .parameters = no_params, .returns = API_INDEX_RETURNS("subdir"),
          .permissions = { .kind = API_PERM_ALL_USERS }, .handler = api_index_handler },
        { .path = "/access/ticket", .http_method = API_GET, .name = "get_ticket",
          .description = "Dummy. Useful for formatters which want to provide a login page.", .parameters = no_params,
          .returns = NULL_RETURNS, .permissions = { .kind = API_PERM_WORLD }, .handler = get_ticket },
        { .path = "/access/ticket", .http_method = API_POST, .name = "create_ticket",
          .description = "Create or verify authentication ticket.", .parameters = ticket_params,
          .returns = { .type = API_TYPE_OBJECT, .properties = ticket_returns },
          .permissions = { .kind = API_PERM_WORLD, .description = "You need to pass valid credientials." },
          .protected_ = true, .handler = create_ticket },
        { .path = "/access/password", .http_method = API_PUT, .name = "change_password",
          .description = "Change user password.", .parameters = password_params, .returns = NULL_RETURNS,
          .permissions = { .kind = API_PERM_ALL_USERS,
                           .description = "Each user is allowed to change their own password. A user can change the "
                                          "password of another user if they have 'Realm.AllocateUser' (on the realm "
                                          "of user <userid>) and 'User.Modify' permission on /access/groups." },
          .protected_ = true, .handler = change_password },
        { .path = "/access/permissions", .http_method = API_GET, .name = "permissions",
          .description = "Retrieve effective permissions of given user/token.", .parameters = permissions_params,
          .returns = { .type = API_TYPE_OBJECT, .additional_properties = true,
                       .description = "Map of \"path\" => (Map of \"privilege\" => \"propagate boolean\")." },
          .permissions = { .kind = API_PERM_ALL_USERS,
                           .description = "Each user/token is allowed to dump their own permissions (or that of "
                                          "owned tokens). A user can dump the permissions of another user or their "
                                          "tokens if they have 'Sys.Audit' permission on /access." },
          .handler = get_permissions },
        { .path = "/access/users", .http_method = API_GET, .name = "index", .description = "User index.",
          .parameters = list_users_params,
          .returns = { .type = API_TYPE_ARRAY, .child_link = "{userid}",
                       .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .properties = list_users_item } },
          .permissions = { .kind = API_PERM_ALL_USERS,
                           .description = "The returned list is restricted to users where you have 'User.Modify' or "
                                          "'Sys.Audit' permissions on '/access/groups'. But it always includes the "
                                          "current (authenticated) user." },
          .handler = list_users },
        { .path = "/access/users", .http_method = API_POST, .name = "create_user", .description = "Create new user.",
          .parameters = create_user_params, .returns = NULL_RETURNS,
          .permissions = { .kind = API_PERM_CHECK, .path = "/access/groups", .privs = "User.Modify",
                           .description = "You need 'Realm.AllocateUser' on '/access/realm/<realm>' on the realm of "
                                          "user <userid>, and 'User.Modify' permissions to '/access/groups'." },
          .protected_ = true, .handler = create_user },
        { .path = "/access/users/{userid}", .http_method = API_GET, .name = "read_user",
          .description = "Get user configuration.", .parameters = userid_params,
          .returns = { .type = API_TYPE_OBJECT, .properties = read_user_returns },
          .permissions = { .kind = API_PERM_CHECK, .path = "/access/groups", .privs = "User.Modify,Sys.Audit",
                           .any = true },
          .handler = read_user },
        { .path = "/access/users/{userid}", .http_method = API_PUT, .name = "update_user",
          .description = "Update user configuration.", .parameters = update_user_params, .returns = NULL_RETURNS,
          .permissions = API_PERM_PRIVS("/access/groups", "User.Modify"), .protected_ = true, .handler = update_user },
        { .path = "/access/users/{userid}", .http_method = API_DELETE, .name = "delete_user",
          .description = "Delete user.", .parameters = userid_params, .returns = NULL_RETURNS,
          .permissions = { .kind = API_PERM_CHECK, .path = "/access/groups", .privs = "User.Modify",
                           .description = "Also needs 'Realm.AllocateUser' on '/access/realm/<realm>'." },
          .protected_ = true, .handler = delete_user },
        { .path = "/access/users/{userid}/token", .http_method = API_GET, .name = "token_index",
          .description = "Get user API tokens.", .parameters = userid_params,
          .returns = { .type = API_TYPE_ARRAY, .child_link = "{tokenid}",
                       .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .properties = token_list_item } },
          .permissions = { .kind = API_PERM_ALL_USERS, .description = "The user itself, or a user manager." },
          .handler = list_tokens },
        { .path = "/access/users/{userid}/token/{tokenid}", .http_method = API_GET, .name = "read_token",
          .description = "Get specific API token information.", .parameters = token_params,
          .returns = { .type = API_TYPE_OBJECT, .properties = token_info_props },
          .permissions = { .kind = API_PERM_ALL_USERS, .description = "The user itself, or a user manager." },
          .handler = read_token },
        { .path = "/access/users/{userid}/token/{tokenid}", .http_method = API_POST, .name = "generate_token",
          .description = "Generate a new API token for a specific user. NOTE: returns API token value, which needs "
                         "to be stored as it cannot be retrieved afterwards!",
          .parameters = generate_token_params,
          .returns = { .type = API_TYPE_OBJECT, .properties = generate_token_returns },
          .permissions = { .kind = API_PERM_ALL_USERS, .description = "The user itself, or a user manager." },
          .protected_ = true, .handler = generate_token },
        { .path = "/access/users/{userid}/token/{tokenid}", .http_method = API_PUT, .name = "update_token_info",
          .description = "Update API token for a specific user.", .parameters = generate_token_params,
          .returns = { .type = API_TYPE_OBJECT, .properties = token_info_props },
          .permissions = { .kind = API_PERM_ALL_USERS, .description = "The user itself, or a user manager." },
          .protected_ = true, .handler = update_token },
        { .path = "/access/users/{userid}/token/{tokenid}", .http_method = API_DELETE, .name = "remove_token",
          .description = "Remove API token for a specific user.", .parameters = token_params, .returns = NULL_RETURNS,
          .permissions = { .kind = API_PERM_ALL_USERS, .description = "The user itself, or a user manager." },
          .protected_ = true, .handler = remove_token },
        { .path = "/access/groups", .http_method = API_GET, .name = "index", .description = "Group index.",
          .parameters = no_params,
          .returns = { .type = API_TYPE_ARRAY, .child_link = "{groupid}",
                       .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .properties = group_list_item } },
          .permissions = { .kind = API_PERM_ALL_USERS,
                           .description = "The returned list is restricted to groups where you have 'User.Modify', "
                                          "'Sys.Audit' or 'Group.Allocate' permissions on /access/groups/<group>." },
          .handler = list_groups },
        { .path = "/access/groups", .http_method = API_POST, .name = "create_group", .description = "Create new group.",
          .parameters = create_group_params, .returns = NULL_RETURNS,
          .permissions = API_PERM_PRIVS("/access/groups", "Group.Allocate"), .protected_ = true,
          .handler = change_group },
        { .path = "/access/groups/{groupid}", .http_method = API_GET, .name = "read_group",
          .description = "Get group configuration.", .parameters = groupid_params,
          .returns = { .type = API_TYPE_OBJECT, .properties = read_group_returns },
          .permissions = { .kind = API_PERM_CHECK, .path = "/access/groups/{groupid}",
                           .privs = "Sys.Audit,Group.Allocate", .any = true },
          .handler = read_group },
        { .path = "/access/groups/{groupid}", .http_method = API_PUT, .name = "update_group",
          .description = "Update group data.", .parameters = create_group_params, .returns = NULL_RETURNS,
          .permissions = API_PERM_PRIVS("/access/groups", "Group.Allocate"), .protected_ = true,
          .handler = change_group },
        { .path = "/access/groups/{groupid}", .http_method = API_DELETE, .name = "delete_group",
          .description = "Delete group.", .parameters = groupid_params, .returns = NULL_RETURNS,
          .permissions = API_PERM_PRIVS("/access/groups", "Group.Allocate"), .protected_ = true,
          .handler = change_group },
        { .path = "/access/roles", .http_method = API_GET, .name = "index", .description = "Role index.",
          .parameters = no_params,
          .returns = { .type = API_TYPE_ARRAY, .child_link = "{roleid}",
                       .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .properties = role_list_item } },
          .permissions = { .kind = API_PERM_ALL_USERS }, .handler = list_roles },
        { .path = "/access/roles", .http_method = API_POST, .name = "create_role", .description = "Create new role.",
          .parameters = role_params, .returns = NULL_RETURNS, .permissions = API_PERM_PRIVS("/access", "Sys.Modify"),
          .protected_ = true, .handler = change_role },
        { .path = "/access/roles/{roleid}", .http_method = API_GET, .name = "read_role",
          .description = "Get role configuration.", .parameters = roleid_params,
          .returns = { .type = API_TYPE_OBJECT, .additional_properties = true },
          .permissions = { .kind = API_PERM_ALL_USERS }, .handler = read_role },
        { .path = "/access/roles/{roleid}", .http_method = API_PUT, .name = "update_role",
          .description = "Update an existing role.", .parameters = role_params, .returns = NULL_RETURNS,
          .permissions = API_PERM_PRIVS("/access", "Sys.Modify"), .protected_ = true, .handler = change_role },
        { .path = "/access/roles/{roleid}", .http_method = API_DELETE, .name = "delete_role",
          .description = "Delete role.", .parameters = roleid_params, .returns = NULL_RETURNS,
          .permissions = API_PERM_PRIVS("/access", "Sys.Modify"), .protected_ = true, .handler = change_role },
        { .path = "/access/acl", .http_method = API_GET, .name = "read_acl",
          .description = "Get Access Control List (ACLs).", .parameters = no_params, .returns = ARRAY_OF(acl_item),
          .permissions = { .kind = API_PERM_ALL_USERS,
                           .description = "The returned list is restricted to objects where you have rights to "
                                          "modify permissions." },
          .handler = read_acl },
        { .path = "/access/acl", .http_method = API_PUT, .name = "update_acl",
          .description = "Update Access Control List (add or remove permissions).", .parameters = update_acl_params,
          .returns = NULL_RETURNS, .permissions = API_PERM_PRIVS("{path}", "Permissions.Modify"), .protected_ = true,
          .handler = update_acl },
        { .path = "/access/domains", .http_method = API_GET, .name = "index",
          .description = "Authentication domain index.", .parameters = no_params,
          .returns = { .type = API_TYPE_ARRAY, .child_link = "{realm}",
                       .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .properties = domain_item } },
          .permissions = { .kind = API_PERM_WORLD,
                           .description = "Anyone can access that, because we need that list for the login box "
                                          "(before the user is authenticated)." },
          .handler = list_domains },
        { .path = "/access/domains/{realm}", .http_method = API_GET, .name = "read",
          .description = "Get auth server configuration.", .parameters = realm_params,
          .returns = { .type = API_TYPE_OBJECT, .additional_properties = true },
          .permissions = { .kind = API_PERM_CHECK, .path = "/access/realm/{realm}",
                           .privs = "Realm.Allocate,Sys.Audit", .any = true },
          .handler = read_domain },
};

API_REGISTER_METHODS(access_methods);
