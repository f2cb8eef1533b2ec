/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * Corpus replay: runs a fuzz target over every file of the given files or
 * directories, so plain builds (and sanitizer builds) exercise the corpus
 * without libFuzzer. Prints TAP, one line per input.
 */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/strv.h"
#include "fuzz.h"

static void collect(const char *path, char ***files) {
        DIR *d = opendir(path);
        struct dirent *de;

        if (!d) {
                strv_extend(files, path);
                return;
        }
        while ((de = readdir(d)))
                if (de->d_name[0] != '.')
                        strv_extendf(files, "%s/%s", path, de->d_name);
        closedir(d);
}

int main(int argc, char **argv) {
        _cleanup_strv_free_ char **files = NULL;
        size_t n = 0;

        for (int i = 1; i < argc; i++)
                collect(argv[i], &files);
        strv_sort(files);
        printf("1..%zu\n", strv_length(files));
        STRV_FOREACH(f, files) {
                _cleanup_free_ char *data = NULL;
                size_t len;

                if (read_full_file(*f, 0, &data, &len) < 0) {
                        printf("not ok %zu - %s (unreadable)\n", ++n, *f);
                        continue;
                }
                /* A crash or sanitizer report aborts the program, failing the test. */
                (void) LLVMFuzzerTestOneInput((const uint8_t *) data, len);
                printf("ok %zu - %s\n", ++n, strrchr(*f, '/') ? strrchr(*f, '/') + 1 : *f);
        }
        return 0;
}
