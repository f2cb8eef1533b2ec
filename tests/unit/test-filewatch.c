/* SPDX-License-Identifier: AGPL-3.0-or-later */

/* Change detection with inotify (src/basic/filewatch.h) on a real temporary directory. */

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-util.h"
#include "basic/alloc.h"
#include "basic/filewatch.h"
#include "basic/fileio.h"

static void write_atomic(const char *path, const char *text) {
        assert_int_equal(write_file_atomic(path, text, strlen(text), &WRITE_OPTIONS(0644, 0)), 0);
}

static void test_changes(void **state) {
        _cleanup_free_ char *dir = make_tmpdir();
        _cleanup_free_ char *cfg = xasprintf("%s/user.cfg", dir), *other = xasprintf("%s/other.cfg", dir),
                            *priv = xasprintf("%s/priv", dir), *token = xasprintf("%s/priv/token.cfg", dir);
        FileWatch *w;
        FILE *f;

        write_atomic(cfg, "user:root@pam:1:0::::::\n");
        w = file_watch_new((const char *const[]) { cfg, token, NULL });

        /* priv/ does not exist yet: nothing can be promised about token.cfg. */
        assert_true(file_watch_check(w));
        assert_true(file_watch_check(w));
        assert_int_equal(mkdir(priv, 0700), 0);
        assert_true(file_watch_check(w));  /* watched from now on, but it may have changed before */
        assert_false(file_watch_check(w));
        assert_false(file_watch_check(w));

        /* Other files in the same directory do not count. */
        write_atomic(other, "x\n");
        assert_false(file_watch_check(w));

        /* Atomic replacement, in-place change, creation and removal do. */
        write_atomic(cfg, "user:root@pam:1:0::::::\nuser:a@pve:1:0::::::\n");
        assert_true(file_watch_check(w));
        assert_false(file_watch_check(w));
        assert_non_null(f = fopen(cfg, "a"));
        fputs("# appended\n", f);
        fclose(f);
        assert_true(file_watch_check(w));
        assert_false(file_watch_check(w));
        write_atomic(token, "a@pve!t 00000000-0000-0000-0000-000000000000\n");
        assert_true(file_watch_check(w));
        assert_false(file_watch_check(w));
        assert_int_equal(unlink(token), 0);
        assert_true(file_watch_check(w));
        assert_false(file_watch_check(w));

        /* A directory replaced by another is watched again. */
        assert_int_equal(rmdir(priv), 0);
        assert_true(file_watch_check(w));
        assert_int_equal(mkdir(priv, 0700), 0);
        assert_true(file_watch_check(w));
        assert_false(file_watch_check(w));
        write_atomic(token, "b@pve!t 00000000-0000-0000-0000-000000000000\n");
        assert_true(file_watch_check(w));

        file_watch_free(w);
        rm_rf_tmpdir(TAKE_PTR(dir));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_changes),
        };

        return RUN_TESTS(tests);
}
