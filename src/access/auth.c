/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <errno.h>
#include <pthread.h>

#include "access/auth.h"
#include "access/secrets.h"
#include "api/format.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/cursor.h"
#include "basic/fileio.h"
#include "basic/lockfile.h"
#include "basic/rootdir.h"
#include "basic/spawn.h"
#include "basic/strutil.h"

#define PAM_HELPER_TIMEOUT (30 * USEC_PER_SEC)

static const char *pam_helper = "pve-pam-helper";

void access_set_pam_helper(const char *path) {
        pam_helper = path;
}

int access_priv_dir_ensure(void) {
        _cleanup_free_ char *dir = root_path("/etc/pve/priv");

        if (dir_exists(dir))
                return 0;
        return mkdir_p(dir, 0700);
}

static int read_optional(const char *rel, char **ret, size_t *ret_len, char **reterr) {
        _cleanup_free_ char *path = root_path(rel);
        int r;

        r = read_full_file(path, 16 << 20, ret, ret_len);
        if (r == -ENOENT) {
                *ret = xstrdup("");
                *ret_len = 0;
                return 0;
        }
        if (r < 0)
                *reterr = xasprintf("unable to read '%s': %s", path, strerror(-r));
        return r;
}

int access_config_load(UserConfig *ret, char **reterr) {
        _cleanup_free_ char *data = NULL;
        size_t len;
        int r;

        r = read_optional(USER_CFG_PATH, &data, &len, reterr);
        if (r < 0)
                return r;
        user_config_parse(data, len, ret);
        return 0;
}

int access_secrets_load(const char *rel, json_t **ret, char **reterr) {
        _cleanup_free_ char *data = NULL;
        size_t len;
        int r;

        r = read_optional(rel, &data, &len, reterr);
        if (r < 0)
                return r;
        *ret = streq(rel, SHADOW_CFG_PATH) ? shadow_parse(data, len) : token_secrets_parse(data, len);
        return 0;
}

json_t *access_domains(void) {
        _cleanup_free_ char *path = root_path(DOMAINS_CFG_PATH), *data = NULL;
        json_t *list = json_array(), *cur = NULL;
        char *line = NULL;
        size_t len;
        Cursor c;

        if (read_full_file(path, 1 << 20, &data, &len) < 0) {
                json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "realm", "pam", "type", "pam", "comment",
                                                      "Linux PAM standard authentication"));
                json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "realm", "pve", "type", "pve", "comment",
                                                      "Proxmox VE authentication server"));
                return list;
        }
        c = (Cursor) CURSOR_INIT(data, len);
        while (cursor_read_line_dup(&c, &line)) {
                char *p = line;

                if (line[0] && !strchr(" \t#", line[0])) {
                        char *colon = strchr(p, ':');
                        if (colon) {
                                *colon = 0;
                                cur = json_pack("{s:s,s:s}", "realm", strstrip(colon + 1), "type", strstrip(p));
                                json_array_append_new(list, cur);
                        }
                } else if (cur && line[0] != '#') {
                        char *key = strstrip(p), *value = key + strcspn(key, " \t");

                        if (*value)
                                *value++ = 0;
                        value = strstrip(value);
                        if (streq(key, "comment"))
                                json_object_set_new(cur, "comment", json_string(value));
                        else if (streq(key, "default") && !streq(value, "0"))
                                json_object_set_new(cur, "default", json_integer(1));
                }
                line = mfree(line);
        }
        return list;
}

char *access_realm_type(const char *realm) {
        _cleanup_json_ json_t *domains = access_domains();
        size_t i;
        json_t *d;

        json_array_foreach(domains, i, d)
                if (streq(json_object_get_string(d, "realm"), realm))
                        return xstrdup(json_object_get_string(d, "type"));
        return NULL;
}

static int pam_authenticate_user(const char *user, const char *password, char **reterr) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;
        _cleanup_free_ char *input = xasprintf("%s\n%s\n", user, password);
        int r;

        r = spawn_run(&(SpawnOptions) {
                              .argv = STRV_MAKE(pam_helper),
                              .stdin_data = input,
                              .stdin_len = strlen(input),
                              .stdout_mode = SPAWN_IO_CAPTURE,
                              .stderr_mode = SPAWN_IO_CAPTURE,
                              .timeout = PAM_HELPER_TIMEOUT,
                      },
                      &res);
        explicit_bzero(input, strlen(input));
        if (r < 0) {
                *reterr = xasprintf("unable to run PAM helper '%s': %s", pam_helper, strerror(-r));
                return -EACCES;
        }
        if (res.exit_status != 0) {
                strbuf_rtrim(&res.err);
                *reterr = xstrdup(res.err.len ? res.err.buf : "PAM authentication failed");
                return -EACCES;
        }
        return 0;
}

int access_check_password(const UserConfig *cfg, const char *userid, const char *password, int64_t now,
                          char **reterr) {
        _cleanup_json_ json_t *shadow = NULL;
        _cleanup_free_ char *type = NULL, *name = NULL;
        const char *at, *hash;
        int r;

        if (!access_is_userid(userid)) {
                *reterr = xasprintf("value '%s' does not look like a valid user name", userid);
                return -EACCES;
        }
        r = user_config_check_enabled(cfg, userid, now, reterr);
        if (r < 0)
                return r;
        at = strrchr(userid, '@');
        name = xstrndup(userid, (size_t) (at - userid));
        type = access_realm_type(at + 1);
        if (!type) {
                *reterr = xasprintf("auth domain '%s' does not exist", at + 1);
                return -EACCES;
        }
        if (isempty(password)) {
                *reterr = xstrdup("no password");
                return -EACCES;
        }
        if (streq(type, "pam"))
                return pam_authenticate_user(name, password, reterr);
        if (!streq(type, "pve")) {
                *reterr = xasprintf("realm type '%s' is not supported", type);
                return -EACCES;
        }
        r = access_secrets_load(SHADOW_CFG_PATH, &shadow, reterr);
        if (r < 0)
                return -EACCES;
        hash = json_object_get_string(shadow, name);
        if (!hash) {
                *reterr = xstrdup("no password set");
                return -EACCES;
        }
        if (!password_verify(password, hash)) {
                *reterr = xstrdup("invalid credentials");
                return -EACCES;
        }
        return 0;
}

int access_check_token(const UserConfig *cfg, const json_t *secrets, const char *value, int64_t now,
                       char **ret_tokenid, char **reterr) {
        const char *eq = value ? strrchr(value, '=') : NULL;
        _cleanup_free_ char *tokenid = NULL;
        const char *secret;
        int r;

        if (!eq) {
                *reterr = xstrdup("no tokenid specified");
                return -EACCES;
        }
        tokenid = xstrndup(value, (size_t) (eq - value));
        if (!access_split_tokenid(tokenid, NULL, NULL)) {
                *reterr = xasprintf("'%s' is not a valid token ID", tokenid);
                return -EACCES;
        }
        r = user_config_check_enabled(cfg, tokenid, now, reterr);
        if (r < 0)
                return r;
        secret = json_object_get_string(secrets, tokenid);
        if (!secret || !secret_equal(secret, eq + 1)) {
                *reterr = xstrdup("invalid token value!");
                return -EACCES;
        }
        *ret_tokenid = TAKE_PTR(tokenid);
        return 0;
}

int access_set_password(const char *userid, const char *password, char **reterr) {
        _cleanup_free_ char *name = NULL, *type = NULL, *hash = NULL, *path = root_path(SHADOW_CFG_PATH),
                            *lock_path = root_path("/var/lock/pve-shadow-cfg.lck"), *text = NULL;
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_json_ json_t *shadow = NULL;
        const char *at = strrchr(userid, '@');
        int r;

        if (!at) {
                *reterr = xasprintf("value '%s' does not look like a valid user name", userid);
                return -EINVAL;
        }
        name = xstrndup(userid, (size_t) (at - userid));
        type = access_realm_type(at + 1);
        if (!type) {
                *reterr = xasprintf("auth domain '%s' does not exist", at + 1);
                return -ENOENT;
        }
        r = password_hash(password, &hash);
        if (r < 0) {
                *reterr = xasprintf("unable to hash password: %s", strerror(-r));
                return r;
        }
        if (streq(type, "pam")) {
                _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;

                r = spawn_run(&(SpawnOptions) { .argv = STRV_MAKE("usermod", "-p", hash, name),
                                                .stderr_mode = SPAWN_IO_CAPTURE, .timeout = 30 * USEC_PER_SEC },
                              &res);
                if (r < 0 || res.exit_status != 0) {
                        strbuf_rtrim(&res.err);
                        *reterr = xasprintf("changing password failed: %s", r < 0 ? strerror(-r) : res.err.buf);
                        return r < 0 ? r : -EIO;
                }
                return 0;
        }
        if (!streq(type, "pve")) {
                *reterr = xasprintf("realm type '%s' does not store passwords", type);
                return -EOPNOTSUPP;
        }

        r = lock_file_acquire(lock_path, LOCK_TIMEOUT_DEFAULT, &lock);
        if (r < 0) {
                *reterr = xasprintf("unable to lock shadow.cfg: %s", strerror(-r));
                return r;
        }
        (void) access_priv_dir_ensure();
        r = access_secrets_load(SHADOW_CFG_PATH, &shadow, reterr);
        if (r < 0)
                return r;
        json_object_set_new(shadow, name, json_string(hash));
        text = shadow_format(shadow);
        r = write_file_atomic(path, text, strlen(text), &WRITE_OPTIONS(0600, WRITE_MKDIR));
        if (r < 0)
                *reterr = xasprintf("unable to write '%s': %s", path, strerror(-r));
        return r;
}

bool access_check_permission(ApiCall *call, const char *acl_path, const char *privs, bool any) {
        const UserConfig *cfg = call->auth_data;
        _cleanup_free_ char *path = access_normalize_path(acl_path);
        _cleanup_free_ char *err = NULL;
        PrivSet want, have, propagate;

        if (!cfg || !path || privset_parse(privs, &want, &err) < 0)
                return false;
        user_config_privileges(cfg, call->authid, path, &have, &propagate);
        return any ? (have & want) != 0 : (have & want) == want;
}

static struct {
        pthread_mutex_t lock;
        AuthKeys keys;
        bool loaded;
} auth_keys = { .lock = PTHREAD_MUTEX_INITIALIZER };

const AuthKeys *access_auth_keys(char **reterr) {
        const AuthKeys *k = NULL;

        pthread_mutex_lock(&auth_keys.lock);
        if (!auth_keys.loaded)
                (void) access_priv_dir_ensure();
        if (!auth_keys.loaded && auth_keys_load(&auth_keys.keys, reterr) >= 0)
                auth_keys.loaded = true;
        if (auth_keys.loaded)
                k = &auth_keys.keys;
        pthread_mutex_unlock(&auth_keys.lock);
        return k;
}
