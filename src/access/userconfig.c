/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "access/userconfig.h"
#include "api/format.h"
#include "basic/alloc.h"
#include "basic/cursor.h"
#include "basic/encode.h"
#include "basic/parse.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"

#define REALM_ERE "[A-Za-z][A-Za-z0-9._-]+"
#define USER_ERE "[^[:space:]:/]+"
#define ID_ERE "[A-Za-z0-9._-]+"

static const char *const acl_kind_names[_ACL_KIND_MAX] = {
        [ACL_USER] = "user",
        [ACL_GROUP] = "group",
        [ACL_TOKEN] = "token",
};

const char *acl_kind_to_string(AclKind k) {
        return k < _ACL_KIND_MAX ? acl_kind_names[k] : NULL;
}

bool access_is_realm(const char *s) {
        return api_regex_match(REALM_ERE, false, s);
}

bool access_is_userid(const char *s) {
        size_t n = strlen(s);

        return n >= 3 && n <= 64 && api_regex_match(USER_ERE "@" REALM_ERE, false, s);
}

bool access_is_groupname(const char *s) {
        return api_regex_match(ID_ERE, false, s);
}

bool access_is_rolename(const char *s) {
        return api_regex_match(ID_ERE, false, s);
}

bool access_is_token_name(const char *s) {
        return access_is_realm(s);
}

bool access_split_tokenid(const char *s, char **ret_userid, char **ret_name) {
        const char *bang = strrchr(s, '!');
        _cleanup_free_ char *user = NULL;

        if (!bang)
                return false;
        user = xstrndup(s, (size_t) (bang - s));
        /* Upstream's token regex does not bound the user part's length. */
        if (!api_regex_match(USER_ERE "@" REALM_ERE, false, user) || !access_is_token_name(bang + 1))
                return false;
        if (ret_name)
                *ret_name = xstrdup(bang + 1);
        if (ret_userid)
                *ret_userid = TAKE_PTR(user);
        return true;
}

char *access_normalize_path(const char *path) {
        StrBuf sb = STRBUF_INIT;

        if (isempty(path))
                return NULL;
        if (path[0] != '/')
                strbuf_addc(&sb, '/');
        for (const char *p = path; *p; p++) {
                if (*p == '/' && strbuf_endswith_char(&sb, '/'))
                        continue;
                strbuf_addc(&sb, *p);
        }
        if (sb.len > 1 && strbuf_endswith_char(&sb, '/'))
                strbuf_setlen(&sb, sb.len - 1);
        if (!api_regex_match("[[:alnum:]./_-]+", false, sb.buf)) {
                strbuf_release(&sb);
                return NULL;
        }
        return strbuf_detach(&sb, NULL);
}

bool access_is_acl_path(const char *p) {
        static const char *const patterns[] = {
                "/", "/access", "/access/groups", "/access/groups/" ID_ERE, "/access/realm",
                "/access/realm/" ID_ERE, "/nodes", "/nodes/" ID_ERE, "/pool", "/pool/" ID_ERE "(/" ID_ERE "){0,2}",
                "/sdn", "/sdn/(controllers|dns|fabrics|ipams|prefix-lists|route-maps|zones)",
                "/sdn/controllers/[[:alnum:]_-]+", "/sdn/(dns|fabrics|ipams|prefix-lists|route-maps)/[[:alnum:]]+",
                "/sdn/zones/" ID_ERE "(/" ID_ERE "(/[1-9][0-9]{0,3})?)?", "/storage", "/storage/" ID_ERE, "/vms",
                "/vms/[1-9][0-9]{2,}", "/mapping", "/mapping/" ID_ERE "(/" ID_ERE ")?",
        };

        for (size_t i = 0; i < ELEMENTSOF(patterns); i++)
                if (api_regex_match(patterns[i], false, p))
                        return true;
        return false;
}

/* ---- model helpers ------------------------------------------------------ */

static void token_done(AccessToken *t) {
        free(t->name);
        free(t->comment);
}

static void user_done(AccessUser *u) {
        free(u->userid);
        free(u->firstname);
        free(u->lastname);
        free(u->email);
        free(u->comment);
        free(u->keys);
        for (size_t i = 0; i < u->n_tokens; i++)
                token_done(&u->tokens[i]);
        free(u->tokens);
}

static void group_done(AccessGroup *g) {
        free(g->name);
        strv_free(g->members);
        free(g->comment);
}

static void acl_done(AclEntry *a) {
        free(a->path);
        free(a->ugid);
        free(a->role);
}

void user_config_done(UserConfig *cfg) {
        for (size_t i = 0; i < cfg->n_users; i++)
                user_done(&cfg->users[i]);
        for (size_t i = 0; i < cfg->n_groups; i++)
                group_done(&cfg->groups[i]);
        for (size_t i = 0; i < cfg->n_roles; i++)
                free(cfg->roles[i].name);
        for (size_t i = 0; i < cfg->n_acl; i++)
                acl_done(&cfg->acl[i]);
        free(cfg->users);
        free(cfg->groups);
        free(cfg->roles);
        free(cfg->acl);
        strv_free(cfg->pool_lines);
        strv_free(cfg->warnings);
        *cfg = (UserConfig) {};
}

/* Appends a zeroed element to a dynamic array. */
#define ARRAY_APPEND(array, n) \
        ((array) = xreallocarray((array), (n) + 1, sizeof(*(array))), memset(&(array)[(n)], 0, sizeof(*(array))), &(array)[(n)++])

AccessUser *user_config_find_user(const UserConfig *cfg, const char *userid) {
        for (size_t i = 0; i < cfg->n_users; i++)
                if (streq(cfg->users[i].userid, userid))
                        return &cfg->users[i];
        return NULL;
}

AccessGroup *user_config_find_group(const UserConfig *cfg, const char *name) {
        for (size_t i = 0; i < cfg->n_groups; i++)
                if (streq(cfg->groups[i].name, name))
                        return &cfg->groups[i];
        return NULL;
}

AccessRole *user_config_find_role(const UserConfig *cfg, const char *name) {
        for (size_t i = 0; i < cfg->n_roles; i++)
                if (streq(cfg->roles[i].name, name))
                        return &cfg->roles[i];
        return NULL;
}

static AccessToken *find_user_token(const AccessUser *u, const char *name) {
        for (size_t i = 0; i < u->n_tokens; i++)
                if (streq(u->tokens[i].name, name))
                        return &u->tokens[i];
        return NULL;
}

AccessToken *user_config_find_token(const UserConfig *cfg, const char *tokenid) {
        _cleanup_free_ char *userid = NULL, *name = NULL;
        AccessUser *u;

        if (!access_split_tokenid(tokenid, &userid, &name))
                return NULL;
        u = user_config_find_user(cfg, userid);
        return u ? find_user_token(u, name) : NULL;
}

bool user_config_role_privs(const UserConfig *cfg, const char *name, PrivSet *ret) {
        AccessRole *r;

        if (builtin_role_privs(name, ret))
                return true;
        r = user_config_find_role(cfg, name);
        if (!r)
                return false;
        *ret = r->privs;
        return true;
}

char **user_config_user_groups(const UserConfig *cfg, const char *userid) {
        char **l = new0(char *, 1);

        for (size_t i = 0; i < cfg->n_groups; i++)
                if (strv_contains(cfg->groups[i].members, userid))
                        strv_extend(&l, cfg->groups[i].name);
        strv_sort(l);
        return l;
}

AccessUser *user_config_add_user(UserConfig *cfg, const char *userid) {
        AccessUser *u = ARRAY_APPEND(cfg->users, cfg->n_users);

        u->userid = xstrdup(userid);
        u->enable = true;
        return u;
}

static void remove_acl_where(UserConfig *cfg, AclKind kind, const char *ugid) {
        size_t k = 0;

        for (size_t i = 0; i < cfg->n_acl; i++) {
                if (cfg->acl[i].kind == kind && streq(cfg->acl[i].ugid, ugid)) {
                        acl_done(&cfg->acl[i]);
                        continue;
                }
                cfg->acl[k++] = cfg->acl[i];
        }
        cfg->n_acl = k;
}

void user_config_remove_user(UserConfig *cfg, const char *userid) {
        AccessUser *u = user_config_find_user(cfg, userid);

        if (!u)
                return;
        for (size_t i = 0; i < u->n_tokens; i++) {
                _cleanup_free_ char *tokenid = xasprintf("%s!%s", userid, u->tokens[i].name);
                remove_acl_where(cfg, ACL_TOKEN, tokenid);
        }
        remove_acl_where(cfg, ACL_USER, userid);
        for (size_t i = 0; i < cfg->n_groups; i++)
                strv_remove(cfg->groups[i].members, userid);
        user_done(u);
        memmove(u, u + 1, (size_t) (cfg->users + cfg->n_users - (u + 1)) * sizeof(*u));
        cfg->n_users--;
}

AccessToken *user_config_add_token(UserConfig *cfg, AccessUser *user, const char *name) {
        AccessToken *t = ARRAY_APPEND(user->tokens, user->n_tokens);

        t->name = xstrdup(name);
        t->privsep = true;
        return t;
}

void user_config_remove_token(UserConfig *cfg, const char *tokenid) {
        _cleanup_free_ char *userid = NULL, *name = NULL;
        AccessUser *u;
        AccessToken *t;

        if (!access_split_tokenid(tokenid, &userid, &name))
                return;
        u = user_config_find_user(cfg, userid);
        t = u ? find_user_token(u, name) : NULL;
        if (!t)
                return;
        remove_acl_where(cfg, ACL_TOKEN, tokenid);
        token_done(t);
        memmove(t, t + 1, (size_t) (u->tokens + u->n_tokens - (t + 1)) * sizeof(*t));
        u->n_tokens--;
}

AccessGroup *user_config_add_group(UserConfig *cfg, const char *name) {
        AccessGroup *g = ARRAY_APPEND(cfg->groups, cfg->n_groups);

        g->name = xstrdup(name);
        g->members = new0(char *, 1);
        return g;
}

void user_config_remove_group(UserConfig *cfg, const char *name) {
        AccessGroup *g = user_config_find_group(cfg, name);

        if (!g)
                return;
        remove_acl_where(cfg, ACL_GROUP, name);
        group_done(g);
        memmove(g, g + 1, (size_t) (cfg->groups + cfg->n_groups - (g + 1)) * sizeof(*g));
        cfg->n_groups--;
}

void user_config_group_set_member(AccessGroup *g, const char *userid, bool member) {
        if (!member)
                strv_remove(g->members, userid);
        else if (!strv_contains(g->members, userid))
                strv_extend(&g->members, userid);
}

AccessRole *user_config_add_role(UserConfig *cfg, const char *name) {
        AccessRole *r = ARRAY_APPEND(cfg->roles, cfg->n_roles);

        r->name = xstrdup(name);
        return r;
}

void user_config_remove_role(UserConfig *cfg, const char *name) {
        AccessRole *r = user_config_find_role(cfg, name);
        size_t k = 0;

        if (!r)
                return;
        free(r->name);
        memmove(r, r + 1, (size_t) (cfg->roles + cfg->n_roles - (r + 1)) * sizeof(*r));
        cfg->n_roles--;

        for (size_t i = 0; i < cfg->n_acl; i++) {
                if (streq(cfg->acl[i].role, name)) {
                        acl_done(&cfg->acl[i]);
                        continue;
                }
                cfg->acl[k++] = cfg->acl[i];
        }
        cfg->n_acl = k;
}

void user_config_set_acl(UserConfig *cfg, const char *path, AclKind kind, const char *ugid, const char *role,
                         bool propagate, bool set) {
        for (size_t i = 0; i < cfg->n_acl; i++) {
                AclEntry *a = &cfg->acl[i];

                if (a->kind != kind || !streq(a->path, path) || !streq(a->ugid, ugid) || !streq(a->role, role))
                        continue;
                if (set)
                        a->propagate = propagate;
                else {
                        acl_done(a);
                        memmove(a, a + 1, (cfg->n_acl - i - 1) * sizeof(*a));
                        cfg->n_acl--;
                }
                return;
        }
        if (set) {
                AclEntry *a = ARRAY_APPEND(cfg->acl, cfg->n_acl);

                *a = (AclEntry) { xstrdup(path), kind, xstrdup(ugid), xstrdup(role), propagate };
        }
}

/* ---- parsing ------------------------------------------------------------ */

static char *decode_text(const char *s) {
        StrBuf sb = STRBUF_INIT;

        percent_decode(&sb, s, strlen(s));
        return strbuf_detach(&sb, NULL);
}

static char *decode_optional(const char *s) {
        return isempty(s) ? NULL : decode_text(s);
}

static bool parse_expire(const char *s, int64_t *ret) {
        if (isempty(s)) {
                *ret = 0;
                return true;
        }
        return parse_int64(s, 0, INT64_MAX, ret) >= 0 && in_charset(s, "0123456789");
}

static void warn(UserConfig *cfg, const char *fmt, ...) _printf_(2, 3);
static void warn(UserConfig *cfg, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        strv_push(&cfg->warnings, xvasprintf(fmt, ap));
        va_end(ap);
}

/* Field i of a split line, "" past its end. */
static const char *field(char **f, size_t i) {
        return i < strv_length(f) ? f[i] : "";
}

/* Splits at ':' keeping empty fields, each stripped of blanks, as Perl's split(/:/) (trailing empties dropped). */
static char **split_fields(const char *line) {
        char **f = new0(char *, 1);
        const char *p = line;

        for (;;) {
                const char *colon = strchr(p, ':');
                _cleanup_free_ char *v = colon ? xstrndup(p, (size_t) (colon - p)) : xstrdup(p);

                strv_extend(&f, strstrip(v));
                if (!colon)
                        break;
                p = colon + 1;
        }
        while (strv_length(f) > 0 && isempty(f[strv_length(f) - 1])) {
                size_t n = strv_length(f);
                free(f[n - 1]);
                f[n - 1] = NULL;
        }
        return f;
}

static void parse_user_line(UserConfig *cfg, char **f) {
        const char *userid = field(f, 1);
        AccessUser *u;
        int64_t expire;

        if (!access_is_userid(userid)) {
                warn(cfg, "user config - ignore user '%s' - invalid user name", userid);
                return;
        }
        if (!parse_expire(field(f, 3), &expire)) {
                warn(cfg, "user config - ignore user '%s' - (illegal characters in expire '%s')", userid, field(f, 3));
                return;
        }
        user_config_remove_user(cfg, userid); /* a later line replaces an earlier one */
        u = user_config_add_user(cfg, userid);
        u->enable = !isempty(field(f, 2)) && !streq(field(f, 2), "0");
        u->expire = expire;
        u->firstname = decode_optional(field(f, 4));
        u->lastname = decode_optional(field(f, 5));
        u->email = isempty(field(f, 6)) ? NULL : xstrdup(field(f, 6));
        u->comment = decode_optional(field(f, 7));
        u->keys = isempty(field(f, 8)) ? NULL : xstrdup(field(f, 8));
}

static void parse_token_line(UserConfig *cfg, char **f) {
        const char *tokenid = field(f, 1);
        _cleanup_free_ char *userid = NULL, *name = NULL;
        AccessUser *u;
        AccessToken *t;
        int64_t expire;

        if (!access_split_tokenid(tokenid, &userid, &name)) {
                warn(cfg, "user config - ignore invalid tokenid '%s'", tokenid);
                return;
        }
        if (!parse_expire(field(f, 2), &expire)) {
                warn(cfg, "user config - ignore token '%s' - (illegal characters in expire '%s')", tokenid, field(f, 2));
                return;
        }
        u = user_config_find_user(cfg, userid);
        if (!u) {
                warn(cfg, "user config - ignore token '%s' - user does not exist", tokenid);
                return;
        }
        t = find_user_token(u, name) ?: user_config_add_token(cfg, u, name);
        t->expire = expire;
        t->privsep = !isempty(field(f, 3)) && !streq(field(f, 3), "0");
        free(t->comment);
        t->comment = decode_optional(field(f, 4));
}

static void parse_group_line(UserConfig *cfg, char **f) {
        const char *name = field(f, 1);
        _cleanup_strv_free_ char **members = NULL;
        AccessGroup *g;

        if (!access_is_groupname(name)) {
                warn(cfg, "user config - ignore group '%s' - invalid characters in group name", name);
                return;
        }
        g = user_config_find_group(cfg, name) ?: user_config_add_group(cfg, name);
        if (!isempty(field(f, 3))) {
                free(g->comment);
                g->comment = decode_text(field(f, 3));
        }
        members = api_split_list(field(f, 2));
        STRV_FOREACH(m, members) {
                if (!access_is_userid(*m)) {
                        warn(cfg, "user config - ignore invalid group member '%s'", *m);
                        continue;
                }
                if (!user_config_find_user(cfg, *m))
                        warn(cfg, "user config - ignore invalid group member '%s'", *m);
                user_config_group_set_member(g, *m, true);
        }
}

static void parse_role_line(UserConfig *cfg, char **f) {
        const char *name = field(f, 1);
        _cleanup_strv_free_ char **privs = NULL;
        AccessRole *r;
        PrivSet builtin;

        if (!access_is_rolename(name)) {
                warn(cfg, "user config - ignore role '%s' - invalid characters in role name", name);
                return;
        }
        if (builtin_role_privs(name, &builtin))
                return; /* built-in roles cannot be redefined; upstream forces their defaults */
        r = user_config_find_role(cfg, name) ?: user_config_add_role(cfg, name);
        privs = api_split_list(field(f, 2));
        STRV_FOREACH(p, privs) {
                int i = privilege_from_name(*p);

                if (i < 0)
                        warn(cfg, "user config - ignore invalid privilege '%s'", *p);
                else
                        r->privs |= PRIVSET_BIT(i);
        }
}

static void parse_acl_line(UserConfig *cfg, char **f) {
        bool propagate = !isempty(field(f, 1)) && !streq(field(f, 1), "0");
        _cleanup_free_ char *path = access_normalize_path(field(f, 2));
        _cleanup_strv_free_ char **members = NULL, **roles = NULL;

        if (!path) {
                warn(cfg, "user config - ignore invalid path in acl '%s'", field(f, 2));
                return;
        }
        members = api_split_list(field(f, 3));
        roles = api_split_list(field(f, 4));
        STRV_FOREACH(role, roles) {
                PrivSet unused;

                if (!access_is_rolename(*role)) {
                        warn(cfg, "user config - ignore invalid role name '%s' in acl", *role);
                        continue;
                }
                if (!user_config_role_privs(cfg, *role, &unused)) {
                        warn(cfg, "user config - ignore invalid acl role '%s'", *role);
                        continue;
                }
                STRV_FOREACH(m, members) {
                        if ((*m)[0] == '@' && access_is_groupname(*m + 1)) {
                                if (!user_config_find_group(cfg, *m + 1))
                                        warn(cfg, "user config - ignore invalid acl group '%s'", *m + 1);
                                user_config_set_acl(cfg, path, ACL_GROUP, *m + 1, *role, propagate, true);
                        } else if (access_is_userid(*m)) {
                                if (!user_config_find_user(cfg, *m))
                                        warn(cfg, "user config - ignore invalid acl member '%s'", *m);
                                user_config_set_acl(cfg, path, ACL_USER, *m, *role, propagate, true);
                        } else if (access_split_tokenid(*m, NULL, NULL)) {
                                if (user_config_find_token(cfg, *m))
                                        user_config_set_acl(cfg, path, ACL_TOKEN, *m, *role, propagate, true);
                                else
                                        warn(cfg, "user config - ignore invalid acl token '%s'", *m);
                        } else
                                warn(cfg, "user config - invalid user/group '%s' in acl", *m);
                }
        }
}

void user_config_parse(const char *data, size_t len, UserConfig *ret) {
        Cursor c = CURSOR_INIT(data, len);
        UserConfig cfg = { .pool_lines = new0(char *, 1), .warnings = new0(char *, 1) };
        _cleanup_free_ char *line = NULL;

        while (cursor_read_line_dup(&c, &line)) {
                _cleanup_strv_free_ char **f = NULL;
                const char *type;

                strstrip(line);
                if (isempty(line))
                        goto next;
                f = split_fields(line);
                type = field(f, 0);
                if (streq(type, "user"))
                        parse_user_line(&cfg, f);
                else if (streq(type, "token"))
                        parse_token_line(&cfg, f);
                else if (streq(type, "group"))
                        parse_group_line(&cfg, f);
                else if (streq(type, "role"))
                        parse_role_line(&cfg, f);
                else if (streq(type, "acl"))
                        parse_acl_line(&cfg, f);
                else if (streq(type, "pool"))
                        strv_extend(&cfg.pool_lines, line);
                else
                        warn(&cfg, "user config - ignore config line: %s", line);
        next:
                line = mfree(line);
        }
        if (!user_config_find_user(&cfg, ACCESS_ROOT_USER))
                user_config_add_user(&cfg, ACCESS_ROOT_USER);
        *ret = cfg;
}

/* ---- formatting --------------------------------------------------------- */

static void add_text(StrBuf *sb, const char *s) {
        if (s)
                percent_encode_text(sb, s, strlen(s));
}

static int user_compare(const void *a, const void *b) {
        return strcmp(((const AccessUser *) a)->userid, ((const AccessUser *) b)->userid);
}

static int token_compare(const void *a, const void *b) {
        return strcmp(((const AccessToken *) a)->name, ((const AccessToken *) b)->name);
}

static int group_compare(const void *a, const void *b) {
        return strcmp(((const AccessGroup *) a)->name, ((const AccessGroup *) b)->name);
}

static int role_compare(const void *a, const void *b) {
        return strcmp(((const AccessRole *) a)->name, ((const AccessRole *) b)->name);
}

/* Upstream iterates the ACL tree depth first with children sorted: "/a" < "/a/b" < "/b". */
static int acl_path_compare(const char *a, const char *b) {
        for (;; a++, b++) {
                if (*a != *b) {
                        if (*a == 0 || *b == 0)
                                return *a ? 1 : -1;
                        if (*a == '/' || *b == '/')
                                return *a == '/' ? -1 : 1;
                        return (unsigned char) *a < (unsigned char) *b ? -1 : 1;
                }
                if (*a == 0)
                        return 0;
        }
}

static int acl_entry_compare(const void *x, const void *y) {
        const AclEntry *a = x, *b = y;

        return acl_path_compare(a->path, b->path);
}

static char *member_name(const AclEntry *a) {
        return a->kind == ACL_GROUP ? xasprintf("@%s", a->ugid) : xstrdup(a->ugid);
}

/* Writes the acl lines of one path: members grouped by identical role lists, as upstream. */
static void format_acl_path(StrBuf *sb, const AclEntry *acl, size_t n) {
        for (int propagate = 0; propagate <= 1; propagate++) {
                _cleanup_strv_free_ char **members = new0(char *, 1), **rolelists = new0(char *, 1);

                for (size_t i = 0; i < n; i++) {
                        _cleanup_free_ char *m = member_name(&acl[i]);
                        _cleanup_strv_free_ char **roles = new0(char *, 1);

                        if (acl[i].kind == ACL_USER && streq(acl[i].ugid, ACCESS_ROOT_USER))
                                continue; /* root@pam is always Administrator */
                        if (strv_contains(members, m))
                                continue;
                        for (size_t j = 0; j < n; j++) {
                                _cleanup_free_ char *mj = member_name(&acl[j]);
                                if (acl[j].propagate == propagate && streq(mj, m))
                                        strv_extend(&roles, acl[j].role);
                        }
                        if (strv_isempty(roles))
                                continue;
                        strv_sort(roles);
                        strv_extend(&members, m);
                        strv_push(&rolelists, strv_join(roles, ","));
                }

                /* One line per distinct role list (sorted), listing its members (sorted). */
                _cleanup_strv_free_ char **distinct = strv_copy(rolelists);
                strv_sort(distinct);
                for (size_t i = 0; distinct[i]; i++) {
                        _cleanup_strv_free_ char **who = new0(char *, 1);
                        _cleanup_free_ char *joined = NULL;

                        if (i > 0 && streq(distinct[i], distinct[i - 1]))
                                continue;
                        for (size_t k = 0; members[k]; k++)
                                if (streq(rolelists[k], distinct[i]))
                                        strv_extend(&who, members[k]);
                        strv_sort(who);
                        joined = strv_join(who, ",");
                        strbuf_addf(sb, "acl:%d:%s:%s:%s:\n", propagate, acl[0].path, joined, distinct[i]);
                }
        }
}

char *user_config_format(const UserConfig *cfg) {
        StrBuf sb = STRBUF_INIT;
        _cleanup_free_ AccessUser *users = xmemdup(cfg->users, cfg->n_users * sizeof(AccessUser));
        _cleanup_free_ AccessGroup *groups = xmemdup(cfg->groups, cfg->n_groups * sizeof(AccessGroup));
        _cleanup_free_ AccessRole *roles = xmemdup(cfg->roles, cfg->n_roles * sizeof(AccessRole));
        _cleanup_free_ AclEntry *acl = xmemdup(cfg->acl, cfg->n_acl * sizeof(AclEntry));
        _cleanup_strv_free_ char **pools = strv_copy(cfg->pool_lines);

        qsort(users, cfg->n_users, sizeof(AccessUser), user_compare);
        for (size_t i = 0; i < cfg->n_users; i++) {
                const AccessUser *u = &users[i];
                _cleanup_free_ AccessToken *tokens = xmemdup(u->tokens, u->n_tokens * sizeof(AccessToken));

                strbuf_addf(&sb, "user:%s:%d:%" PRIi64 ":", u->userid, u->enable, u->expire);
                add_text(&sb, u->firstname);
                strbuf_addc(&sb, ':');
                add_text(&sb, u->lastname);
                strbuf_addf(&sb, ":%s:", strempty(u->email));
                add_text(&sb, u->comment);
                strbuf_addf(&sb, ":%s:\n", strempty(u->keys));

                qsort(tokens, u->n_tokens, sizeof(AccessToken), token_compare);
                for (size_t t = 0; t < u->n_tokens; t++) {
                        strbuf_addf(&sb, "token:%s!%s:%" PRIi64 ":%d:", u->userid, tokens[t].name, tokens[t].expire,
                                    tokens[t].privsep);
                        add_text(&sb, tokens[t].comment);
                        strbuf_adds(&sb, ":\n");
                }
        }
        strbuf_addc(&sb, '\n');

        qsort(groups, cfg->n_groups, sizeof(AccessGroup), group_compare);
        for (size_t i = 0; i < cfg->n_groups; i++) {
                _cleanup_strv_free_ char **members = strv_copy(groups[i].members);
                _cleanup_free_ char *list = NULL;

                strv_sort(members);
                list = strv_join(members, ",");
                strbuf_addf(&sb, "group:%s:%s:", groups[i].name, list);
                add_text(&sb, groups[i].comment);
                strbuf_adds(&sb, ":\n");
        }
        strbuf_addc(&sb, '\n');

        strv_sort(pools);
        STRV_FOREACH(p, pools)
                strbuf_addf(&sb, "%s\n", *p);
        strbuf_addc(&sb, '\n');

        qsort(roles, cfg->n_roles, sizeof(AccessRole), role_compare);
        for (size_t i = 0; i < cfg->n_roles; i++) {
                _cleanup_free_ char *privs = privset_format(roles[i].privs);
                strbuf_addf(&sb, "role:%s:%s:\n", roles[i].name, privs);
        }
        strbuf_addc(&sb, '\n');

        /* Stable sort by path keeps insertion order within a path; format_acl_path() sorts the rest. */
        for (size_t i = 1; i < cfg->n_acl; i++)
                for (size_t j = i; j > 0 && acl_entry_compare(&acl[j - 1], &acl[j]) > 0; j--) {
                        AclEntry tmp = acl[j];
                        acl[j] = acl[j - 1];
                        acl[j - 1] = tmp;
                }
        for (size_t i = 0; i < cfg->n_acl;) {
                size_t j = i;

                while (j < cfg->n_acl && streq(acl[j].path, acl[i].path))
                        j++;
                format_acl_path(&sb, &acl[i], j - i);
                i = j;
        }
        return strbuf_detach(&sb, NULL);
}

/* ---- permissions -------------------------------------------------------- */

typedef struct RoleSet {
        char **roles;
        char **propagating;
} RoleSet;

static void role_set_done(RoleSet *s) {
        strv_free(s->roles);
        strv_free(s->propagating);
}

/* Entries of one kind for one member at one path, applied as upstream's roles(). */
static bool collect_roles(const UserConfig *cfg, const char *path, bool final, AclKind kind, const char *ugid,
                          const char *group_member, RoleSet *out) {
        RoleSet new = {};

        for (size_t i = 0; i < cfg->n_acl; i++) {
                const AclEntry *a = &cfg->acl[i];

                if (a->kind != kind || !streq(a->path, path) || !(final || a->propagate))
                        continue;
                if (kind == ACL_GROUP) {
                        const AccessGroup *g = user_config_find_group(cfg, a->ugid);
                        if (!g || !strv_contains(g->members, group_member))
                                continue;
                } else if (!streq(a->ugid, ugid))
                        continue;
                if (!strv_contains(new.roles, a->role)) {
                        strv_extend(&new.roles, a->role);
                        if (a->propagate)
                                strv_extend(&new.propagating, a->role);
                } else if (a->propagate && !strv_contains(new.propagating, a->role))
                        strv_extend(&new.propagating, a->role);
        }
        if (strv_isempty(new.roles)) {
                role_set_done(&new);
                return false;
        }
        role_set_done(out);
        *out = new;
        return true;
}

static void own_privileges(const UserConfig *cfg, const char *authid, const char *path, PrivSet *ret_privs,
                           PrivSet *ret_propagate) {
        _cleanup_(role_set_done) RoleSet set = {};
        _cleanup_strv_free_ char **segs = strv_split(path, "/");
        StrBuf prefix = STRBUF_INIT;
        PrivSet privs = 0, propagate = 0;
        size_t n = strv_length(segs);

        for (size_t level = 0; level <= n; level++) {
                bool final = level == n;

                if (level > 0) {
                        strbuf_addc(&prefix, '/');
                        strbuf_adds(&prefix, segs[level - 1]);
                }
                const char *p = level == 0 ? "/" : prefix.buf;

                if (collect_roles(cfg, p, final, ACL_TOKEN, authid, NULL, &set))
                        continue;
                if (collect_roles(cfg, p, final, ACL_USER, authid, NULL, &set))
                        continue;
                (void) collect_roles(cfg, p, final, ACL_GROUP, NULL, authid, &set);
        }
        strbuf_release(&prefix);

        if (strv_contains(set.roles, "NoAccess")) {
                *ret_privs = *ret_propagate = 0;
                return;
        }
        STRV_FOREACH(r, set.roles) {
                PrivSet rp;

                if (!user_config_role_privs(cfg, *r, &rp))
                        continue;
                privs |= rp;
                if (strv_contains(set.propagating, *r))
                        propagate |= rp;
        }
        *ret_privs = privs;
        *ret_propagate = propagate;
}

void user_config_privileges(const UserConfig *cfg, const char *authid, const char *path, PrivSet *ret_privs,
                            PrivSet *ret_propagate) {
        _cleanup_free_ char *userid = NULL, *name = NULL;
        PrivSet up, uprop, tp, tprop;
        const AccessToken *t;

        *ret_privs = *ret_propagate = 0;
        if (streq(authid, ACCESS_ROOT_USER)) {
                *ret_privs = *ret_propagate = privilege_all();
                return;
        }
        if (!access_split_tokenid(authid, &userid, &name)) {
                if (access_is_userid(authid))
                        own_privileges(cfg, authid, path, ret_privs, ret_propagate);
                return;
        }
        t = user_config_find_token(cfg, authid);
        if (!t)
                return;
        user_config_privileges(cfg, userid, path, &up, &uprop);
        if (!t->privsep) {
                *ret_privs = up;
                *ret_propagate = uprop;
                return;
        }
        own_privileges(cfg, authid, path, &tp, &tprop);
        *ret_privs = tp & up;
        *ret_propagate = tprop & uprop & *ret_privs;
}

int user_config_check_enabled(const UserConfig *cfg, const char *authid, int64_t now, char **reterr) {
        _cleanup_free_ char *userid = NULL, *name = NULL;
        const AccessUser *u;
        bool token = access_split_tokenid(authid, &userid, &name);

        u = user_config_find_user(cfg, token ? userid : authid);
        if (!u) {
                *reterr = xasprintf("no such user ('%s')", token ? userid : authid);
                return -EACCES;
        }
        if (!u->enable) {
                *reterr = xasprintf("user '%s' is disabled", u->userid);
                return -EACCES;
        }
        if (u->expire && u->expire < now) {
                *reterr = xasprintf("account expired");
                return -EACCES;
        }
        if (token) {
                const AccessToken *t = find_user_token(u, name);

                if (!t) {
                        *reterr = xasprintf("no such token '%s' for user '%s'", name, userid);
                        return -EACCES;
                }
                if (t->expire && t->expire < now) {
                        *reterr = xasprintf("token '%s' access expired", name);
                        return -EACCES;
                }
        }
        return 0;
}
