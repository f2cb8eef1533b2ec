/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <errno.h>
#include <stdio.h>

#include "basic/alloc.h"
#include "sys/hash.h"
#include "test-util.h"

/* FIPS 180-2 test vectors. */
static void test_sha1(void **state) {
        char hex[SHA1_HEX_SIZE];

        sha1_hex("abc", 3, hex);
        assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
        sha1_hex("", 0, hex);
        assert_string_equal(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

static void test_sha256(void **state) {
        static const uint8_t expected[SHA256_SIZE] = {
                0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
                0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
        };
        uint8_t md[SHA256_SIZE];

        sha256("abc", 3, md);
        assert_memory_equal(md, expected, SHA256_SIZE);
}

/* The file digest streams in chunks: a file longer than one chunk hashes as the same bytes in memory. */
static void test_sha256_file(void **state) {
        _cleanup_free_ char *dir = make_tmpdir(), *path = NULL;
        _cleanup_free_ uint8_t *data = xmalloc(600 * 1024);
        uint8_t want[SHA256_SIZE], got[SHA256_SIZE];
        FILE *f;

        for (size_t i = 0; i < 600 * 1024; i++)
                data[i] = (uint8_t) (i * 7 + i / 1000);
        path = xasprintf("%s/blob", dir);
        f = fopen(path, "w");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, 600 * 1024, f), 600 * 1024);
        assert_int_equal(fclose(f), 0);

        sha256(data, 600 * 1024, want);
        assert_int_equal(sha256_file(path, got), 0);
        assert_memory_equal(got, want, SHA256_SIZE);

        write_test_file(dir, "abc", "abc");
        free(path);
        path = xasprintf("%s/abc", dir);
        sha256("abc", 3, want);
        assert_int_equal(sha256_file(path, got), 0);
        assert_memory_equal(got, want, SHA256_SIZE);

        free(path);
        path = xasprintf("%s/missing", dir);
        assert_int_equal(sha256_file(path, got), -ENOENT);
        rm_rf_tmpdir(TAKE_PTR(dir));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sha1),
                cmocka_unit_test(test_sha256),
                cmocka_unit_test(test_sha256_file),
        };
        return RUN_TESTS(tests);
}
