/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "test-util.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/lockfile.h"
#include "basic/strbuf.h"

static int setup(void **state) {
        *state = make_tmpdir();
        return 0;
}

static int teardown(void **state) {
        rm_rf_tmpdir(*state);
        return 0;
}

static size_t count_entries(const char *dir) {
        DIR *d = opendir(dir);
        struct dirent *de;
        size_t n = 0;

        assert_non_null(d);
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        n++;
        closedir(d);
        return n;
}

static void test_write_read(void **state) {
        _cleanup_free_ char *p = xasprintf("%s/a/b/config", (char *) *state);
        _cleanup_free_ char *data = NULL, *dir = xasprintf("%s/a/b", (char *) *state);
        struct stat st;
        size_t len;

        assert_int_equal(write_file_atomic(p, "x", 1, &WRITE_OPTIONS(0640, 0)), -ENOENT);
        assert_int_equal(write_file_atomic(p, "hello\n", 6, &WRITE_OPTIONS(0640, WRITE_MKDIR)), 0);
        assert_int_equal(read_full_file(p, 0, &data, &len), 0);
        assert_int_equal(len, 6);
        assert_string_equal(data, "hello\n");
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0640);
        /* Only the target is left in the directory: no temporary files. */
        assert_int_equal(count_entries(dir), 1);

        /* Same content: nothing written, the inode stays. */
        ino_t ino = st.st_ino;
        assert_int_equal(write_file_atomic(p, "hello\n", 6, &WRITE_OPTIONS(0600, WRITE_SKIP_SAME)), 1);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_ino, ino);
        assert_int_equal(st.st_mode & 07777, 0640);
        /* New content replaces the file (new inode: never written in place). */
        assert_int_equal(write_file_atomic(p, "bye\n", 4, &WRITE_OPTIONS(0600, WRITE_SKIP_SAME)), 0);
        assert_int_equal(stat(p, &st), 0);
        assert_int_not_equal(st.st_ino, ino);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(count_entries(dir), 1);
}

static void test_read_limits(void **state) {
        _cleanup_free_ char *p = xasprintf("%s/big", (char *) *state);
        _cleanup_free_ char *data = NULL;
        char buf[5000];

        memset(buf, 'x', sizeof(buf));
        assert_int_equal(write_file_atomic(p, buf, sizeof(buf), &WRITE_OPTIONS(0644, 0)), 0);
        assert_int_equal(read_full_file(p, 4096, &data, NULL), -EFBIG);
        assert_int_equal(read_full_file(p, 5000, &data, NULL), 0);
        assert_int_equal(read_full_file("/nonexistent/file", 0, &data, NULL), -ENOENT);
}

/* Files of every size around the buffer's edges come back whole, also from a pipe (no size known). */
static void test_read_sizes(void **state) {
        static const size_t sizes[] = { 0, 1, 62, 63, 64, 16383, 16384, 16385, 65534, 65535, 65536, 100000 };
        _cleanup_free_ char *p = xasprintf("%s/sized", (char *) *state), *buf = xmalloc(100000);

        for (size_t i = 0; i < 100000; i++)
                buf[i] = (char) ('a' + i % 23);
        for (size_t k = 0; k < ELEMENTSOF(sizes); k++) {
                _cleanup_free_ char *data = NULL, *piped = NULL;
                size_t len = 0, plen = 0;
                int fds[2];

                assert_int_equal(write_file_atomic(p, buf, sizes[k], &WRITE_OPTIONS(0644, 0)), 0);
                assert_int_equal(read_full_file(p, 0, &data, &len), 0);
                assert_int_equal(len, sizes[k]);
                assert_memory_equal(data, buf, sizes[k]);
                assert_int_equal(data[len], 0);

                if (sizes[k] > 65536)
                        continue; /* more than a pipe holds without a reader */
                assert_int_equal(pipe(fds), 0);
                assert_int_equal(write(fds[1], buf, sizes[k]), (ssize_t) sizes[k]);
                close(fds[1]);
                assert_int_equal(read_full_fd(fds[0], 0, &piped, &plen), 0);
                close(fds[0]);
                assert_int_equal(plen, sizes[k]);
                assert_memory_equal(piped, buf, sizes[k]);
        }
        /* The limit holds whether or not the size is known beforehand. */
        assert_int_equal(write_file_atomic(p, buf, 20000, &WRITE_OPTIONS(0644, 0)), 0);
        {
                _cleanup_free_ char *data = NULL;

                assert_int_equal(read_full_file(p, 19999, &data, NULL), -EFBIG);
                assert_int_equal(read_full_file(p, 20000, &data, NULL), 0);
        }
}

static void check_last_line(const char *dir, const char *content, const char *expect) {
        _cleanup_free_ char *p = xasprintf("%s/log", dir), *line = NULL;

        assert_int_equal(write_file_atomic(p, content, strlen(content), &WRITE_OPTIONS(0644, 0)), 0);
        assert_int_equal(read_last_line(p, &line), 0);
        assert_string_equal(line, expect);
}

static void test_last_line(void **state) {
        StrBuf big = STRBUF_INIT;

        check_last_line(*state, "Some log line\nTASK OK\n", "TASK OK");
        check_last_line(*state, "Some log line\nTASK OK", "TASK OK");
        check_last_line(*state, "only", "only");
        check_last_line(*state, "", "");
        check_last_line(*state, "a\nb\n\n\n", "b");
        /* A last line spanning several read blocks. */
        for (int i = 0; i < 3000; i++)
                strbuf_adds(&big, "0123456789");
        strbuf_insert(&big, 0, "head\n", 5);
        check_last_line(*state, big.buf, big.buf + 5);
        strbuf_release(&big);
}

static void test_first_line(void **state) {
        _cleanup_free_ char *p = xasprintf("%s/f", (char *) *state), *line = NULL;

        assert_int_equal(write_file_atomic(p, "1 2 3\nrest\n", 11, &WRITE_OPTIONS(0644, 0)), 0);
        assert_int_equal(read_first_line(p, &line), 0);
        assert_string_equal(line, "1 2 3");
}

static void test_lock_timeout(void **state) {
        _cleanup_free_ char *lock = xasprintf("%s/sub/.lock", (char *) *state);
        _cleanup_(lock_file_release) LockFile l = LOCK_FILE_INIT, l2 = LOCK_FILE_INIT;
        int pipefd[2];
        pid_t pid;
        char c;

        assert_int_equal(pipe(pipefd), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                LockFile held = LOCK_FILE_INIT;

                if (lock_file_acquire(lock, 0, &held) < 0)
                        _exit(1);
                (void) !write(pipefd[1], "x", 1);
                pause();
                _exit(0);
        }
        assert_int_equal(read(pipefd[0], &c, 1), 1);

        usec_t t0 = now(CLOCK_MONOTONIC);
        assert_int_equal(lock_file_acquire(lock, 200 * USEC_PER_MSEC, &l), -ETIMEDOUT);
        assert_true(now(CLOCK_MONOTONIC) - t0 >= 200 * USEC_PER_MSEC);

        /* The holder is killed: its lock goes with it, nothing stale remains. */
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        assert_int_equal(lock_file_acquire(lock, 0, &l2), 0);
        close(pipefd[0]);
        close(pipefd[1]);
}

static void test_mkdir(void **state) {
        _cleanup_free_ char *d = xasprintf("%s/x/y/z", (char *) *state);
        _cleanup_free_ char *f = xasprintf("%s/file", (char *) *state);

        assert_int_equal(mkdir_p(d, 0755), 0);
        assert_true(dir_exists(d));
        assert_int_equal(mkdir_p(d, 0755), 0);
        assert_int_equal(write_file_atomic(f, "", 0, &WRITE_OPTIONS(0644, 0)), 0);
        assert_int_equal(mkdir_p(f, 0755), -ENOTDIR);
        assert_true(file_exists(f));
        assert_false(dir_exists(f));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_write_read, setup, teardown),
                cmocka_unit_test_setup_teardown(test_read_sizes, setup, teardown),
                cmocka_unit_test_setup_teardown(test_read_limits, setup, teardown),
                cmocka_unit_test_setup_teardown(test_last_line, setup, teardown),
                cmocka_unit_test_setup_teardown(test_first_line, setup, teardown),
                cmocka_unit_test_setup_teardown(test_lock_timeout, setup, teardown),
                cmocka_unit_test_setup_teardown(test_mkdir, setup, teardown),
        };
        return RUN_TESTS(tests);
}
