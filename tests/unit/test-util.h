/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Shared helpers for the cmocka unit tests. Include after <cmocka.h>'s
 * prerequisites; each test program includes this header once.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "basic/macro.h"

/* Creates a fresh temporary directory; the caller removes it with rm_rf_tmpdir(). */
char *make_tmpdir(void);
void rm_rf_tmpdir(char *dir);
/* Writes a file below dir (parents created), aborting the test on failure. */
void write_test_file(const char *dir, const char *rel, const char *content);
/* Reads a whole file, aborting the test on failure. */
char *read_test_file(const char *path);

/* Runs the tests with TAP output (CI-readable). */
#define RUN_TESTS(tests) \
        (cmocka_set_message_output(CM_OUTPUT_TAP), cmocka_run_group_tests(tests, NULL, NULL))

/* Directory of the test fixtures (tests/fixtures), from meson. */
const char *fixture_dir(void);

/* Names (without suffix) of the files in dir ending in suffix, sorted; aborts the test if dir is missing. */
char **list_fixture_cases(const char *dir, const char *suffix);
