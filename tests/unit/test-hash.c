/* SPDX-License-Identifier: AGPL-3.0-or-later */

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

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sha1),
                cmocka_unit_test(test_sha256),
        };
        return RUN_TESTS(tests);
}
