/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include "test-util.h"
#include "basic/strbuf.h"
#include "basic/strv.h"

static void test_empty_is_printable(void **state) {
        StrBuf sb = STRBUF_INIT;

        assert_non_null(sb.buf);
        assert_string_equal(sb.buf, "");
        strbuf_reset(&sb);
        strbuf_release(&sb);
        assert_string_equal(sb.buf, "");
        char *s = strbuf_detach(&sb, NULL);
        assert_string_equal(s, "");
        free(s);
}

static void test_add_and_format(void **state) {
        _cleanup_strbuf_ StrBuf sb = STRBUF_INIT;

        strbuf_adds(&sb, "abc");
        strbuf_addc(&sb, '-');
        strbuf_addf(&sb, "%d:%s", 42, "x");
        strbuf_addchars(&sb, '=', 3);
        assert_string_equal(sb.buf, "abc-42:x===");
        assert_int_equal(sb.len, 11);
        assert_true(sb.alloc > sb.len);
}

static void test_long_format_grows(void **state) {
        _cleanup_strbuf_ StrBuf sb = STRBUF_INIT;
        char big[5000];

        memset(big, 'q', sizeof(big) - 1);
        big[sizeof(big) - 1] = 0;
        strbuf_addf(&sb, "<%s>", big);
        assert_int_equal(sb.len, sizeof(big) + 1);
        assert_int_equal(sb.buf[0], '<');
        assert_int_equal(sb.buf[sb.len - 1], '>');
        assert_int_equal(sb.buf[sb.len], 0);
}

/* The inline appends grow exactly at the edge of the allocation, keeping the NUL. */
static void test_append_at_allocation_edge(void **state) {
        _cleanup_strbuf_ StrBuf sb = STRBUF_INIT;
        char want[300];

        for (size_t i = 0; i < sizeof(want) - 1; i++) {
                want[i] = (char) ('a' + i % 26);
                if (i % 3 == 0)
                        strbuf_addc(&sb, want[i]);
                else
                        strbuf_add(&sb, &want[i], 1);
                assert_true(sb.alloc > sb.len);
                assert_int_equal(sb.buf[sb.len], 0);
        }
        want[sizeof(want) - 1] = 0;
        assert_string_equal(sb.buf, want);

        /* Room asked for is room given: exactly filling it needs no further growth. */
        strbuf_release(&sb);
        strbuf_grow(&sb, 100);
        {
                size_t alloc = sb.alloc;

                strbuf_addchars(&sb, 'x', alloc - 1);
                assert_int_equal(sb.alloc, alloc);
                strbuf_addc(&sb, 'y');
                assert_true(sb.alloc > alloc);
                assert_int_equal(sb.len, alloc);
        }
}

static void test_binary_content(void **state) {
        _cleanup_strbuf_ StrBuf sb = STRBUF_INIT;

        strbuf_add(&sb, "a\0b", 3);
        assert_int_equal(sb.len, 3);
        assert_memory_equal(sb.buf, "a\0b", 4);
}

static void test_insert_remove_trim(void **state) {
        _cleanup_strbuf_ StrBuf sb = STRBUF_INIT;

        strbuf_adds(&sb, "world \n\t");
        strbuf_insert(&sb, 0, "hello ", 6);
        strbuf_rtrim(&sb);
        assert_string_equal(sb.buf, "hello world");
        strbuf_remove(&sb, 5, 6);
        assert_string_equal(sb.buf, "hello");
        strbuf_remove(&sb, 3, 100);
        assert_string_equal(sb.buf, "hel");
        strbuf_insert(&sb, 99, "p", 1);
        assert_string_equal(sb.buf, "help");
        assert_true(strbuf_endswith_char(&sb, 'p'));
        strbuf_setlen(&sb, 0);
        assert_false(strbuf_endswith_char(&sb, 'p'));
}

static void test_detach_transfers(void **state) {
        StrBuf sb = STRBUF_INIT;
        size_t len;
        char *s;

        for (int i = 0; i < 1000; i++)
                strbuf_addf(&sb, "%04d", i);
        s = strbuf_detach(&sb, &len);
        assert_int_equal(len, 4000);
        assert_int_equal(strlen(s), 4000);
        assert_int_equal(sb.len, 0);
        assert_string_equal(sb.buf, "");
        assert_memory_equal(s + 3996, "0999", 4);
        free(s);
}

static void test_strv(void **state) {
        _cleanup_strv_free_ char **l = strv_new("b", "a", "c", NULL);
        _cleanup_strv_free_ char **split = NULL;
        _cleanup_free_ char *joined = NULL;

        assert_int_equal(strv_length(l), 3);
        strv_extend(&l, "a");
        strv_extendf(&l, "%s%d", "x", 1);
        assert_true(strv_contains(l, "x1"));
        assert_int_equal(strv_index(l, "c"), 2);
        assert_int_equal(strv_remove(l, "a"), 2);
        strv_sort(l);
        joined = strv_join(l, ",");
        assert_string_equal(joined, "b,c,x1");

        split = strv_split("  a,b;;c  ", " ,;");
        assert_int_equal(strv_length(split), 3);
        assert_string_equal(split[2], "c");
        assert_true(strv_isempty(NULL));
        assert_int_equal(strv_length(NULL), 0);
        assert_false(strv_contains(NULL, "a"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_empty_is_printable),
                cmocka_unit_test(test_add_and_format),
                cmocka_unit_test(test_long_format_grows),
                cmocka_unit_test(test_append_at_allocation_edge),
                cmocka_unit_test(test_binary_content),
                cmocka_unit_test(test_insert_remove_trim),
                cmocka_unit_test(test_detach_transfers),
                cmocka_unit_test(test_strv),
        };
        return RUN_TESTS(tests);
}
