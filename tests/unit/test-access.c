/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * The access files and permission model: user.cfg parse/format in
 * upstream's layout, upstream's permission test vectors (perm-test1),
 * token privilege separation, built-in roles, shadow.cfg/token.cfg and
 * password hashes, tickets and CSRF tokens.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/privileges.h"
#include "access/secrets.h"
#include "access/ticket.h"
#include "access/userconfig.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/strv.h"
#include "test-util.h"

static void parse_text(const char *text, UserConfig *cfg) {
        user_config_parse(text, strlen(text), cfg);
}

static char *privs_of(const UserConfig *cfg, const char *authid, const char *path) {
        PrivSet privs, propagate;

        user_config_privileges(cfg, authid, path, &privs, &propagate);
        return privs ? privset_format(privs) : xstrdup("-");
}

static void test_upstream_permission_vectors(void **state) {
        _cleanup_free_ char *cfg_path = xasprintf("%s/access/perm-test1.cfg", fixture_dir()),
                            *vec_path = xasprintf("%s/access/perm-test1.txt", fixture_dir());
        _cleanup_free_ char *text = read_test_file(cfg_path), *vectors = read_test_file(vec_path);
        _cleanup_strv_free_ char **lines = strv_split(vectors, "\n");
        _cleanup_(user_config_done) UserConfig cfg = {};
        unsigned checked = 0;

        parse_text(text, &cfg);
        STRV_FOREACH(l, lines) {
                char authid[128], path[128], expected[4096];

                if ((*l)[0] == '#')
                        continue;
                assert_int_equal(sscanf(*l, "%127s %127s %4095s", authid, path, expected), 3);
                _cleanup_free_ char *got = privs_of(&cfg, authid, path);
                if (strcmp(got, expected) != 0)
                        fail_msg("%s on %s: got %s, expected %s", authid, path, got, expected);
                checked++;
        }
        assert_true(checked >= 15);
}

static void test_format_is_upstream_layout(void **state) {
        static const char input[] =
                "user:root@pam:1:0:::root@example.com:::\n"
                "user:alice@pve:1:1700000000:Alice:Doe:alice@example.com:test%3A 100%25 done::\n"
                "token:alice@pve!ci:0:1:build bot:\n"
                "group:admins:alice@pve::\n"
                "role:Custom:Sys.Audit,VM.Audit:\n"
                "pool:pool1:comment::\n"
                "acl:1:/:@admins:PVEAuditor:\n"
                "acl:0:/nodes/pve1:alice@pve!ci,alice@pve:Custom:\n"
                "acl:1:/:root@pam:Administrator:\n";
        static const char expected[] =
                "user:alice@pve:1:1700000000:Alice:Doe:alice@example.com:test%3A 100%25 done::\n"
                "token:alice@pve!ci:0:1:build bot:\n"
                "user:root@pam:1:0:::root@example.com:::\n"
                "\n"
                "group:admins:alice@pve::\n"
                "\n"
                "pool:pool1:comment::\n"
                "\n"
                "role:Custom:Sys.Audit,VM.Audit:\n"
                "\n"
                "acl:1:/:@admins:PVEAuditor:\n"
                "acl:0:/nodes/pve1:alice@pve,alice@pve!ci:Custom:\n";
        _cleanup_(user_config_done) UserConfig cfg = {}, again = {};
        _cleanup_free_ char *out = NULL, *out2 = NULL;

        parse_text(input, &cfg);
        assert_string_equal(user_config_find_user(&cfg, "alice@pve")->comment, "test: 100% done");
        out = user_config_format(&cfg);
        assert_string_equal(out, expected);
        parse_text(out, &again);
        out2 = user_config_format(&again);
        assert_string_equal(out, out2);
}

static void test_invalid_lines_are_skipped(void **state) {
        _cleanup_(user_config_done) UserConfig cfg = {};

        parse_text("user:x:1:\nuser:bob@pve:1:abc:\ntoken:ghost@pve!t:0:1::\nacl:1:/:bob@pve:NoSuchRole:\n"
                   "garbage line\nrole:bad role:Sys.Audit:\n",
                   &cfg);
        assert_int_equal(cfg.n_users, 1); /* only the implicit root@pam */
        assert_int_equal(cfg.n_acl, 0);
        assert_int_equal(cfg.n_roles, 0);
        assert_true(strv_length(cfg.warnings) >= 5);
}

static void test_token_privilege_separation(void **state) {
        _cleanup_(user_config_done) UserConfig cfg = {};
        _cleanup_free_ char *full = NULL, *sep = NULL, *sep_acl = NULL, *nosep_user_only = NULL;

        parse_text("user:u@pve:1:0::::::\n"
                   "token:u@pve!full:0:0::\ntoken:u@pve!sep:0:1::\n"
                   "acl:1:/:u@pve:PVEAuditor:\n"
                   "acl:1:/nodes:u@pve!sep:Administrator:\n",
                   &cfg);
        full = privs_of(&cfg, "u@pve!full", "/nodes/pve1");
        _cleanup_free_ char *user = privs_of(&cfg, "u@pve", "/nodes/pve1");
        assert_string_equal(full, user);
        /* privsep: intersection of the token's Administrator and the user's PVEAuditor */
        sep = privs_of(&cfg, "u@pve!sep", "/nodes/pve1");
        assert_string_equal(sep, user);
        sep_acl = privs_of(&cfg, "u@pve!sep", "/vms");
        assert_string_equal(sep_acl, "-");
        nosep_user_only = privs_of(&cfg, "u@pve!missing", "/nodes");
        assert_string_equal(nosep_user_only, "-");
}

static void test_propagation_and_user_over_group(void **state) {
        _cleanup_(user_config_done) UserConfig cfg = {};
        _cleanup_free_ char *below = NULL, *at = NULL, *user_wins = NULL;

        parse_text("user:a@pve:1:0::::::\ngroup:g:a@pve::\n"
                   "acl:0:/nodes:a@pve:PVEAuditor:\n"
                   "acl:1:/storage:@g:PVEAdmin:\nacl:1:/storage/local:a@pve:NoAccess:\n",
                   &cfg);
        at = privs_of(&cfg, "a@pve", "/nodes");
        below = privs_of(&cfg, "a@pve", "/nodes/pve1");
        user_wins = privs_of(&cfg, "a@pve", "/storage/local");
        assert_string_not_equal(at, "-");
        assert_string_equal(below, "-");      /* not propagated */
        assert_string_equal(user_wins, "-");  /* NoAccess for the user beats the group's role */
}

static void test_builtin_roles(void **state) {
        PrivSet auditor, admin, all = privilege_all();
        _cleanup_free_ char *a = NULL;

        assert_true(builtin_role_privs("PVEAuditor", &auditor));
        a = privset_format(auditor);
        assert_string_equal(a, "Datastore.Audit,Mapping.Audit,Pool.Audit,SDN.Audit,Sys.Audit,VM.Audit,VM.GuestAgent.Audit");
        assert_true(builtin_role_privs("PVEAdmin", &admin));
        assert_false(admin & PRIVSET_BIT(privilege_from_name("Sys.Modify")));
        assert_false(admin & PRIVSET_BIT(privilege_from_name("Permissions.Modify")));
        assert_false(admin & PRIVSET_BIT(privilege_from_name("Mapping.Modify")));
        assert_true(admin & PRIVSET_BIT(privilege_from_name("Sys.Console")));
        assert_true(builtin_role_privs("Administrator", &admin));
        assert_true(admin == all);
        assert_true(builtin_role_privs("NoAccess", &admin));
        assert_true(admin == 0);
        assert_false(builtin_role_privs("Custom", &admin));
}

static void test_names_and_paths(void **state) {
        _cleanup_free_ char *user = NULL, *name = NULL, *p1 = access_normalize_path("nodes//pve1/"),
                            *p2 = access_normalize_path("/vms/100/../x y");

        assert_true(access_is_userid("root@pam"));
        assert_false(access_is_userid("ro"));
        assert_false(access_is_userid("a:b@pve"));
        assert_false(access_is_userid("alice@1realm"));
        assert_true(access_split_tokenid("alice@pve!ci-1", &user, &name));
        assert_string_equal(user, "alice@pve");
        assert_string_equal(name, "ci-1");
        assert_false(access_split_tokenid("alice@pve!1x", NULL, NULL));
        assert_string_equal(p1, "/nodes/pve1");
        assert_null(p2);
        assert_true(access_is_acl_path("/nodes/pve1"));
        assert_true(access_is_acl_path("/vms/100"));
        assert_false(access_is_acl_path("/vms/10"));
        assert_false(access_is_acl_path("/etc/passwd"));
}

static void test_secret_files(void **state) {
        static const char shadow[] = "alice:$5$abc$def:\nbad line\nbob:$6$x$y:\n  carol:$5$q$r:  \nnocolon\n";
        static const char tokens[] = "alice@pve!ci 1111-2222\nnot a token line\nbob@pve!tk x\nbob@pve!t short-name\n";
        _cleanup_json_ json_t *s = shadow_parse(shadow, strlen(shadow)), *t = token_secrets_parse(tokens, strlen(tokens));
        _cleanup_free_ char *s_out = shadow_format(s), *t_out = token_secrets_format(t);

        assert_string_equal(s_out, "alice:$5$abc$def:\nbob:$6$x$y:\ncarol:$5$q$r:\n");
        assert_string_equal(t_out, "alice@pve!ci 1111-2222\nbob@pve!tk x\n");
}

static void test_password_hashes(void **state) {
        _cleanup_free_ char *h = NULL, *secret = token_secret_generate();
        const char *sha512;

        assert_int_equal(password_hash("s3cret pass", &h), 0);
        assert_true(strncmp(h, "$5$", 3) == 0);
        assert_true(password_verify("s3cret pass", h));
        assert_false(password_verify("s3cret pasS", h));
        /* As upstream's older shadow.cfg entries: SHA-512 crypt ("openssl passwd -6 -salt saltsaltsalt"). */
        sha512 = "$6$saltsaltsalt$NGWOBO0VrP0uqtSMsaBDSYchcG9Waoai1F4RZKohMwlK6s8bxZrkPbXdmWMdTa8VoWPcx99Y5ZaIlKKebrz/Q0";
        assert_true(password_verify("other pass", sha512));
        assert_false(password_verify("other", sha512));
        assert_false(password_verify("", "!"));
        assert_int_equal(strlen(secret), 36);
        assert_true(secret[14] == '4');
}

static void test_tickets_and_csrf(void **state) {
        _cleanup_free_ char *dir = make_tmpdir(), *err = NULL, *ticket = NULL, *user = NULL, *forged = NULL,
                            *csrf = NULL;
        AuthKeys k = {};
        int64_t t = 1700000000;

        setenv("PVE_ROOT", dir, 1);
        rootdir_reset();
        assert_int_equal(auth_keys_load(&k, &err), 0);

        ticket = ticket_assemble(&k, "alice@pve", t);
        assert_true(strncmp(ticket, "PVE:alice@pve:6553F100::", 24) == 0);
        assert_int_equal(ticket_verify(&k, ticket, t + 60, &user), 0);
        assert_string_equal(user, "alice@pve");
        assert_int_equal(ticket_verify(&k, ticket, t + 7200, &user), -EACCES);  /* expired */
        assert_int_equal(ticket_verify(&k, ticket, t - 301, &user), -EACCES);   /* from the future */
        forged = xstrdup(ticket);
        forged[4] = 'b';                                                         /* "blice@pve" */
        assert_int_equal(ticket_verify(&k, forged, t + 60, &user), -EACCES);
        assert_int_equal(ticket_verify(&k, "PVE:alice@pve:6553F100::", t, &user), -EACCES);
        /* No plain part at all (found by fuzz-authfiles: it used to read past the copy). */
        assert_int_equal(ticket_verify(&k, "PVE::c2ln", t, &user), -EACCES);
        assert_int_equal(ticket_verify(&k, "PVE:::c2ln", t, &user), -EACCES);

        csrf = csrf_token_assemble(&k, "alice@pve", t);
        assert_int_equal(strlen(csrf), 8 + 1 + 43);
        assert_true(csrf_token_verify(&k, "alice@pve", csrf, t + 10));
        assert_false(csrf_token_verify(&k, "bob@pve", csrf, t + 10));
        assert_false(csrf_token_verify(&k, "alice@pve", csrf, t + 7200));
        assert_false(csrf_token_verify(&k, "alice@pve", NULL, t));

        /* The keys persist: a reload verifies tickets issued before. */
        auth_keys_done(&k);
        assert_int_equal(auth_keys_load(&k, &err), 0);
        user = mfree(user);
        assert_int_equal(ticket_verify(&k, ticket, t + 60, &user), 0);
        assert_true(csrf_token_verify(&k, "alice@pve", csrf, t + 10));
        auth_keys_done(&k);
        rm_rf_tmpdir(TAKE_PTR(dir));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_upstream_permission_vectors),
                cmocka_unit_test(test_format_is_upstream_layout),
                cmocka_unit_test(test_invalid_lines_are_skipped),
                cmocka_unit_test(test_token_privilege_separation),
                cmocka_unit_test(test_propagation_and_user_over_group),
                cmocka_unit_test(test_builtin_roles),
                cmocka_unit_test(test_names_and_paths),
                cmocka_unit_test(test_secret_files),
                cmocka_unit_test(test_password_hashes),
                cmocka_unit_test(test_tickets_and_csrf),
        };

        json_setup_allocator();
        return RUN_TESTS(tests);
}
