/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include "test-util.h"
#include "basic/cursor.h"

static void test_integers_and_sticky_error(void **state) {
        const uint8_t data[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07 };
        Cursor c = CURSOR_INIT(data, sizeof(data));

        assert_int_equal(cursor_read_u8(&c), 0x01);
        assert_int_equal(cursor_read_be16(&c), 0x0203);
        assert_int_equal(cursor_read_le16(&c), 0x0504);
        assert_int_equal(cursor_remaining(&c), 2);
        /* Reading past the end fails, records the error and returns zero ... */
        assert_int_equal(cursor_read_be32(&c), 0);
        assert_int_equal(cursor_error(&c), -EBADMSG);
        /* ... and every later read fails too, even one that would fit. */
        assert_int_equal(cursor_read_u8(&c), 0);
        assert_int_equal(cursor_remaining(&c), 0);
        assert_null(cursor_take(&c, 0));
}

static void test_read_copy(void **state) {
        Cursor c = CURSOR_INIT("abcdef", 6);
        char buf[4];

        cursor_skip(&c, 2);
        cursor_read(&c, buf, 3);
        assert_memory_equal(buf, "cde", 3);
        assert_int_equal(cursor_read_le32(&c), 0);
        assert_int_equal(cursor_error(&c), -EBADMSG);
        cursor_read(&c, buf, 2);
        assert_memory_equal(buf, "\0\0", 2);
}

static void test_lines(void **state) {
        const char text[] = "first\r\n\nthird\nlast";
        Cursor c = CURSOR_INIT(text, strlen(text));
        const char *l;
        size_t n;

        assert_true(cursor_read_line(&c, &l, &n));
        assert_int_equal(n, 5);
        assert_memory_equal(l, "first", 5);
        assert_true(cursor_read_line(&c, &l, &n));
        assert_int_equal(n, 0);
        assert_true(cursor_read_line(&c, &l, &n));
        assert_memory_equal(l, "third", 5);
        assert_true(cursor_read_line(&c, &l, &n));
        assert_memory_equal(l, "last", 4);
        assert_int_equal(c.line, 4);
        assert_false(cursor_read_line(&c, &l, &n));
        assert_int_equal(cursor_error(&c), 0);
}

static void test_line_nul_and_length(void **state) {
        const char text[] = "ok\nbad\0byte\n";
        Cursor c = CURSOR_INIT(text, sizeof(text) - 1);
        const char *l;
        size_t n;

        assert_true(cursor_read_line(&c, &l, &n));
        assert_false(cursor_read_line(&c, &l, &n));
        assert_int_equal(cursor_error(&c), -EBADMSG);
        assert_int_equal(c.line, 2);

        c = CURSOR_INIT("short\nthis one is too long\n", 27);
        c.max_line = 10;
        assert_true(cursor_read_line(&c, &l, &n));
        assert_false(cursor_read_line(&c, &l, &n));
        assert_int_equal(cursor_error(&c), -E2BIG);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_integers_and_sticky_error),
                cmocka_unit_test(test_read_copy),
                cmocka_unit_test(test_lines),
                cmocka_unit_test(test_line_nul_and_length),
        };
        return RUN_TESTS(tests);
}
