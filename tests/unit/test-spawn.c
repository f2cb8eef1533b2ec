/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <fcntl.h>
#include <pwd.h>

#include "test-util.h"
#include "basic/alloc.h"
#include "basic/spawn.h"
#include "basic/strutil.h"

static void test_capture(void **state) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;

        assert_int_equal(spawn_run(&(SpawnOptions) {
                                 .argv = STRV_MAKE("sh", "-c", "echo out; echo err >&2; exit 3"),
                                 .stdout_mode = SPAWN_IO_CAPTURE,
                                 .stderr_mode = SPAWN_IO_CAPTURE,
                         }, &res), 0);
        assert_int_equal(res.exit_status, 3);
        assert_string_equal(res.out.buf, "out\n");
        assert_string_equal(res.err.buf, "err\n");
        assert_false(res.timed_out);
}

static void test_merge_and_stdin(void **state) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;
        static const char input[] = "line one\nline two\n";

        assert_int_equal(spawn_run(&(SpawnOptions) {
                                 .argv = STRV_MAKE("sh", "-c", "cat; echo done >&2"),
                                 .stdin_data = input,
                                 .stdin_len = strlen(input),
                                 .stdout_mode = SPAWN_IO_CAPTURE,
                                 .stderr_mode = SPAWN_IO_MERGE,
                         }, &res), 0);
        assert_int_equal(res.exit_status, 0);
        assert_string_equal(res.out.buf, "line one\nline two\ndone\n");
}

static void test_large_stdin(void **state) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;
        size_t n = 1024 * 1024;
        _cleanup_free_ char *big = malloc(n);

        memset(big, 'z', n);
        assert_int_equal(spawn_run(&(SpawnOptions) {
                                 .argv = STRV_MAKE("wc", "-c"),
                                 .stdin_data = big,
                                 .stdin_len = n,
                                 .stdout_mode = SPAWN_IO_CAPTURE,
                         }, &res), 0);
        assert_string_equal(strstrip(res.out.buf), "1048576");
}

static void test_not_found(void **state) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;

        assert_int_equal(spawn_run(&(SpawnOptions) { .argv = STRV_MAKE("/nonexistent/tool") }, &res), -ENOENT);
        assert_int_equal(spawn_run(&(SpawnOptions) { .argv = STRV_MAKE("pvehost-no-such-tool") }, &res), -ENOENT);
}

static void test_find_executable(void **state) {
        _cleanup_free_ char *p = NULL, *dir = make_tmpdir(), *plain = xasprintf("%s/plain", dir);

        assert_int_equal(find_executable("sh", &p), 0);
        assert_non_null(endswith(p, "/sh"));
        assert_int_equal(find_executable("/bin/sh", NULL), 0);
        assert_int_equal(find_executable("pvehost-no-such-program", NULL), -ENOENT);
        /* Files without execute permission and directories do not count. */
        write_test_file(dir, "plain", "#!/bin/sh\n");
        assert_int_equal(find_executable(plain, NULL), -ENOENT);
        assert_int_equal(find_executable(dir, NULL), -ENOENT);
        rm_rf_tmpdir(TAKE_PTR(dir));
}

static void test_timeout_kills_group(void **state) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;
        usec_t t0 = now(CLOCK_MONOTONIC);
        char buf[64];

        /* The grandchild sleeps too and would keep stdout open: it must die with the group. */
        assert_int_equal(spawn_run(&(SpawnOptions) {
                                 .argv = STRV_MAKE("sh", "-c", "sleep 30 & sleep 30"),
                                 .stdout_mode = SPAWN_IO_CAPTURE,
                                 .timeout = 200 * USEC_PER_MSEC,
                         }, &res), 0);
        assert_true(res.timed_out);
        assert_true(now(CLOCK_MONOTONIC) - t0 < 5 * USEC_PER_SEC);
        assert_string_equal(spawn_describe(&res, buf, sizeof(buf)), "timed out");
}

static void test_env_and_cwd(void **state) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;

        assert_int_equal(spawn_run(&(SpawnOptions) {
                                 .argv = STRV_MAKE("sh", "-c", "echo \"$FOO:$HOME:$(pwd)\""),
                                 .env = STRV_MAKE("FOO=bar", "PATH=/usr/bin:/bin"),
                                 .cwd = "/tmp",
                                 .stdout_mode = SPAWN_IO_CAPTURE,
                         }, &res), 0);
        assert_string_equal(res.out.buf, "bar::/tmp\n");
}

static void test_fds_closed(void **state) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;
        int leaked = open("/dev/null", O_RDONLY); /* deliberately without O_CLOEXEC */

        assert_true(leaked >= 3);
        assert_int_equal(spawn_run(&(SpawnOptions) {
                                 .argv = STRV_MAKE("sh", "-c", "ls /proc/self/fd | sort -n | tr '\\n' ' '"),
                                 .stdout_mode = SPAWN_IO_CAPTURE,
                         }, &res), 0);
        /* 0-2, plus the descriptor ls uses to read the directory. */
        assert_string_equal(res.out.buf, "0 1 2 3 ");
        close(leaked);
}

static void test_output_cap(void **state) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;

        assert_int_equal(spawn_run(&(SpawnOptions) {
                                 .argv = STRV_MAKE("head", "-c", "100000", "/dev/zero"),
                                 .stdout_mode = SPAWN_IO_CAPTURE,
                                 .max_output = 1000,
                         }, &res), 0);
        assert_true(res.truncated);
        assert_int_equal(res.out.len, 1000);
}

static void test_drop_privileges(void **state) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;
        struct passwd *pw = getpwnam("nobody");

        if (geteuid() != 0 || !pw) {
                fprintf(stderr, "skip: dropping privileges needs root and the user nobody\n");
                skip();
                return;
        }
        assert_int_equal(spawn_run(&(SpawnOptions) {
                                 .argv = STRV_MAKE("id", "-u"),
                                 .stdout_mode = SPAWN_IO_CAPTURE,
                                 .drop_privileges = true,
                                 .uid = pw->pw_uid,
                                 .gid = pw->pw_gid,
                         }, &res), 0);
        assert_int_equal(atoi(res.out.buf), (int) pw->pw_uid);
}

static void test_signal_status(void **state) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;
        char buf[64];

        assert_int_equal(spawn_run(&(SpawnOptions) { .argv = STRV_MAKE("sh", "-c", "kill -9 $$") }, &res), 0);
        assert_int_equal(res.exit_status, 128 + 9);
        assert_string_equal(spawn_describe(&res, buf, sizeof(buf)), "killed by signal 9");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_capture),
                cmocka_unit_test(test_merge_and_stdin),
                cmocka_unit_test(test_large_stdin),
                cmocka_unit_test(test_not_found),
                cmocka_unit_test(test_find_executable),
                cmocka_unit_test(test_timeout_kills_group),
                cmocka_unit_test(test_env_and_cwd),
                cmocka_unit_test(test_fds_closed),
                cmocka_unit_test(test_output_cap),
                cmocka_unit_test(test_drop_privileges),
                cmocka_unit_test(test_signal_status),
        };
        return RUN_TESTS(tests);
}
