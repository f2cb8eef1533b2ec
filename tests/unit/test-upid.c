/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * UPIDs and task status lines. The decode/encode and read_status vectors
 * are those of upstream's pve-common test/upid-test.pl.
 */

#include <stdlib.h>

#include "test-util.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/strutil.h"
#include "tasks/tasklist.h"
#include "tasks/upid.h"

typedef struct UpidCase {
        const char *in;
        bool must_fail;
        const char *node, *type, *id, *user;
        long long pid, pstart, starttime;
} UpidCase;

static const UpidCase upid_cases[] = {
        { "UPID:example-node:0000C346:165A0CE4:68D7279C:aptupdate::root@pam:", false, "example-node", "aptupdate", "",
          "root@pam", 49990, 375000292, 1758930844 },
        { "UPID:example-node:000934AF:0D015579:68BF3A41:hastart:100:root@pam:", false, "example-node", "hastart", "100",
          "root@pam", 603311, 218191225, 1757362753 },
        /* complex auth ID (long user name and API token) */
        { "UPID:example-node:000934AF:0D015579:68BF3A41:vzdump:100:91a1da29-a47d-11f0-84e0-fafbfc944d00@pam!some-token:",
          false, "example-node", "vzdump", "100", "91a1da29-a47d-11f0-84e0-fafbfc944d00@pam!some-token", 603311,
          218191225, 1757362753 },
        /* a 9-digit pstart (~ 20 years of uptime) */
        { "UPID:example-node:000934AF:FFFFFFFFF:68BF3A41:fake-but-valid-type:100:root@pam:", false, "example-node",
          "fake-but-valid-type", "100", "root@pam", 603311, 68719476735LL, 1757362753 },
        /* UPIDs cannot contain spaces */
        { "UPID:example-node:000934AF:0D015579:68BF3A41:broken type string:100:root@pam:", true },
        { "invalid garbage", true },
        /* our additions: missing trailing colon, short pid, empty user, 10-digit pstart, bad node */
        { "UPID:example-node:000934AF:0D015579:68BF3A41:vzdump:100:root@pam", true },
        { "UPID:example-node:934AF:0D015579:68BF3A41:vzdump:100:root@pam:", true },
        { "UPID:example-node:000934AF:0D015579:68BF3A41:vzdump:100::", true },
        { "UPID:example-node:000934AF:FFFFFFFFFF:68BF3A41:vzdump:100:root@pam:", true },
        { "UPID:-node:000934AF:0D015579:68BF3A41:vzdump:100:root@pam:", true },
        { "UPID:example-node:000934AF:0D015579:68BF3A41:vz/dump:100:root@pam:", true },
};

static void test_decode_encode(void **state) {
        for (size_t i = 0; i < ELEMENTSOF(upid_cases); i++) {
                const UpidCase *c = &upid_cases[i];
                _cleanup_free_ char *again = NULL;
                Upid u;

                if (c->must_fail) {
                        assert_int_equal(upid_decode(c->in, &u), -EINVAL);
                        continue;
                }
                assert_int_equal(upid_decode(c->in, &u), 0);
                assert_string_equal(u.node, c->node);
                assert_string_equal(u.type, c->type);
                assert_string_equal(u.id, c->id);
                assert_string_equal(u.user, c->user);
                assert_int_equal(u.pid, c->pid);
                assert_int_equal(u.pstart, c->pstart);
                assert_int_equal(u.starttime, c->starttime);
                /* encode gives back the same string */
                again = upid_encode(&u);
                assert_string_equal(again, c->in);
                upid_done(&u);
        }
}

static void test_log_path(void **state) {
        _cleanup_free_ char *p = NULL;

        setenv("PVE_ROOT", "/sandbox", 1);
        rootdir_reset();
        p = upid_log_path("UPID:example-node:0000C346:165A0CE4:68D7279C:aptupdate::root@pam:");
        assert_string_equal(p, "/sandbox/var/log/pve/tasks/C/UPID:example-node:0000C346:165A0CE4:68D7279C:aptupdate::root@pam:");
        assert_null(upid_log_path("garbage"));
        unsetenv("PVE_ROOT");
        rootdir_reset();
}

static void test_read_status(void **state) {
        static const struct {
                const char *name, *log, *status;
        } cases[] = {
                { "task-ok", "Some log line\nTASK OK\n", "OK" },
                { "task-err", "Some log line\nTASK ERROR: Some error message\n", "Some error message" },
                { "task-unexpected-status", "", "unexpected status" },
                { "task-warn", "Some log line\nTASK WARNINGS: 42\n", "WARNINGS: 42" },
        };
        char *dir = make_tmpdir();

        setenv("PVE_ROOT", dir, 1);
        rootdir_reset();
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *upid = xasprintf("UPID:example-node:0000C346:165A0CE4:68D7279C:%s::root@pam:",
                                                      cases[i].name);
                _cleanup_free_ char *path = upid_log_path(upid), *status = NULL;

                assert_int_equal(write_file_atomic(path, cases[i].log, strlen(cases[i].log),
                                                   &WRITE_OPTIONS(0640, WRITE_MKDIR)),
                                 0);
                status = task_read_status(upid);
                assert_string_equal(status, cases[i].status);
        }
        {
                _cleanup_free_ char *status = task_read_status("UPID:n:00000001:00000001:00000001:t::u:");
                assert_non_null(startswith(status, "unable to get last line from task log - "));
        }
        unsetenv("PVE_ROOT");
        rootdir_reset();
        rm_rf_tmpdir(dir);
}

static void test_status_classes(void **state) {
        assert_false(task_status_is_error("OK"));
        assert_false(task_status_is_error("WARNINGS: 3"));
        assert_true(task_status_is_error("WARNINGS: x"));
        assert_true(task_status_is_error("unexpected status"));
        assert_true(task_status_is_error("command failed"));
        assert_string_equal(task_status_type(NULL), "unknown");
        assert_string_equal(task_status_type(""), "unknown");
        assert_string_equal(task_status_type("unexpected status"), "unknown");
        assert_string_equal(task_status_type("OK"), "ok");
        assert_string_equal(task_status_type("WARNINGS: 1"), "warning");
        assert_string_equal(task_status_type("boom"), "error");
}

static void test_active_file(void **state) {
        /* Upstream's line format: "<UPID> <saved>[ <endtime>[ <status>]]"; bad lines skipped. */
        static const char text[] =
                "UPID:n:00000001:00000002:00000003:a::root@pam: 0\n"
                "UPID:n:00000004:00000005:00000006:b:100:root@pam: 1 6B0B4E9A OK\n"
                "not a task line\n"
                "UPID:n:00000007:00000008:00000009:c::root@pam: 1 6B0B4E9B some error text\n"
                "UPID:n:0000000A:0000000B:0000000C:d::root@pam: 2\n";
        _cleanup_(tasklist_done) TaskList l = {};
        _cleanup_free_ char *out = NULL;

        tasklist_parse_active(text, &l);
        assert_int_equal(l.n, 3);
        assert_false(l.entries[0].saved);
        assert_int_equal(l.entries[0].endtime, 0);
        assert_null(l.entries[0].status);
        assert_true(l.entries[1].saved);
        assert_int_equal(l.entries[1].endtime, 0x6B0B4E9A);
        assert_string_equal(l.entries[1].status, "OK");
        assert_string_equal(l.entries[2].status, "some error text");

        out = tasklist_format_active(&l);
        assert_string_equal(out, "UPID:n:00000001:00000002:00000003:a::root@pam: 0\n"
                                 "UPID:n:00000004:00000005:00000006:b:100:root@pam: 1 6B0B4E9A OK\n"
                                 "UPID:n:00000007:00000008:00000009:c::root@pam: 1 6B0B4E9B some error text\n");
}

static void test_index_line(void **state) {
        TaskEntry e;

        assert_int_equal(task_entry_parse_index("UPID:n:00000001:00000002:00000003:a::root@pam: 6B0B4E9A WARNINGS: 2", &e), 0);
        assert_string_equal(e.status, "WARNINGS: 2");
        assert_int_equal(e.endtime, 0x6B0B4E9A);
        task_entry_done(&e);
        assert_int_equal(task_entry_parse_index("UPID:n:00000001:00000002:00000003:a::root@pam:", &e), 0);
        assert_int_equal(e.endtime, 0);
        task_entry_done(&e);
        assert_int_equal(task_entry_parse_index("UPID:n:00000001:00000002:00000003:a::root@pam: 123 OK", &e), -EINVAL);
        assert_int_equal(task_entry_parse_index("UPID:broken 6B0B4E9A OK", &e), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_decode_encode),
                cmocka_unit_test(test_log_path),
                cmocka_unit_test(test_read_status),
                cmocka_unit_test(test_status_classes),
                cmocka_unit_test(test_active_file),
                cmocka_unit_test(test_index_line),
        };
        return RUN_TESTS(tests);
}
