/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <dirent.h>

#include <stdlib.h>

#include "test-util.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/spawn.h"
#include "basic/strutil.h"

char *make_tmpdir(void) {
        char *d = xstrdup("/tmp/pvehost-test.XXXXXX");

        assert_non_null(mkdtemp(d));
        return d;
}

void rm_rf_tmpdir(char *dir) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;

        if (!dir)
                return;
        assert_non_null(startswith(dir, "/tmp/pvehost-test."));
        assert_int_equal(spawn_run(&(SpawnOptions) { .argv = STRV_MAKE("rm", "-rf", "--", dir) }, &res), 0);
        free(dir);
}

void write_test_file(const char *dir, const char *rel, const char *content) {
        _cleanup_free_ char *p = xasprintf("%s/%s", dir, rel);

        assert_int_equal(write_file_atomic(p, content, strlen(content), &WRITE_OPTIONS(0644, WRITE_MKDIR)), 0);
}

char *read_test_file(const char *path) {
        char *s = NULL;

        assert_int_equal(read_full_file(path, 0, &s, NULL), 0);
        return s;
}

const char *fixture_dir(void) {
        const char *d = getenv("PVEHOST_FIXTURES");

        return d ? d : FIXTURE_DIR;
}

char **list_fixture_cases(const char *dir, const char *suffix) {
        char **names = NULL;
        DIR *d = opendir(dir);
        struct dirent *de;

        assert_non_null(d);
        while ((de = readdir(d))) {
                const char *e = endswith(de->d_name, suffix);

                if (e)
                        strv_push(&names, xstrndup(de->d_name, (size_t) (e - de->d_name)));
        }
        closedir(d);
        strv_sort(names);
        return names;
}
