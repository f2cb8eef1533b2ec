/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * Fault injection for write_file_atomic_locked(): a child replaces a config
 * file and is SIGKILLed at a random moment, 1000 times. After every kill the
 * file must hold exactly the previous or the new content, no temporary file
 * may carry a name upstream reads, and the lock must be free at once.
 */

#include <dirent.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/wait.h>

#include "test-util.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/lockfile.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"

#define ROUNDS 1000
#define CONTENT_SIZE (256 * 1024)

/* Content of generation g: every byte derived from g, so mixes are detectable. */
static char *content(unsigned g) {
        char *s = xmalloc(CONTENT_SIZE);

        for (size_t i = 0; i < CONTENT_SIZE; i++)
                s[i] = (char) ('a' + (g * 7 + i / 4096) % 26);
        snprintf(s, 32, "generation %u\n", g);
        return s;
}

static void check_no_upstream_names(const char *dir) {
        static const char *const suffixes[] = { ".conf", ".cfg", ".pem", ".key" };
        DIR *d = opendir(dir);
        struct dirent *de;

        assert_non_null(d);
        while ((de = readdir(d))) {
                if (streq(de->d_name, "config") || streq(de->d_name, ".config.lock") ||
                    streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                assert_non_null(startswith(de->d_name, ".#config."));
                for (size_t i = 0; i < ELEMENTSOF(suffixes); i++)
                        assert_null(endswith(de->d_name, suffixes[i]));
        }
        closedir(d);
}

static void test_kill_during_write(void **state) {
        char *dir = make_tmpdir();
        _cleanup_free_ char *path = xasprintf("%s/config", dir);
        _cleanup_free_ char *lock = xasprintf("%s/.config.lock", dir);
        _cleanup_free_ char *current = content(0);
        unsigned saw_old = 0, saw_new = 0;

        assert_int_equal(write_file_atomic(path, current, CONTENT_SIZE, &WRITE_OPTIONS(0640, 0)), 0);

        for (unsigned round = 1; round <= ROUNDS; round++) {
                _cleanup_free_ char *next = content(round), *got = NULL;
                _cleanup_(lock_file_release) LockFile l = LOCK_FILE_INIT;
                uint32_t delay;
                size_t len;
                pid_t pid;

                assert_int_equal(getrandom(&delay, sizeof(delay), 0), sizeof(delay));
                pid = fork();
                assert_true(pid >= 0);
                if (pid == 0) {
                        int r = write_file_atomic_locked(path, lock, LOCK_TIMEOUT_DEFAULT, next, CONTENT_SIZE,
                                                         &WRITE_OPTIONS(0640, 0));
                        _exit(r < 0 ? 1 : 0);
                }
                /* Kill anywhere from before the open to after the rename (~0-3 ms). */
                sleep_usec(delay % 3000);
                kill(pid, SIGKILL);
                assert_int_equal(waitpid(pid, NULL, 0), pid);

                assert_int_equal(read_full_file(path, 0, &got, &len), 0);
                assert_int_equal(len, CONTENT_SIZE);
                if (memcmp(got, next, CONTENT_SIZE) == 0) {
                        saw_new++;
                        free(current);
                        current = TAKE_PTR(next);
                } else {
                        assert_memory_equal(got, current, CONTENT_SIZE);
                        saw_old++;
                }
                check_no_upstream_names(dir);
                /* A SIGKILLed writer leaves no stale lock. */
                assert_int_equal(lock_file_acquire(lock, 0, &l), 0);
        }

        print_message("# %u kills left the old content, %u the new\n", saw_old, saw_new);
        /* Both outcomes must occur, or the kills did not hit the write window. */
        assert_true(saw_old > 0);
        assert_true(saw_new > 0);
        rm_rf_tmpdir(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_kill_during_write),
        };
        return RUN_TESTS(tests);
}
