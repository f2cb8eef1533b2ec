/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include "test-util.h"
#include "basic/encode.h"
#include "basic/parse.h"
#include "basic/strutil.h"

static void test_int64(void **state) {
        int64_t v = 7;

        assert_int_equal(parse_int64("300", 0, 300, &v), 0);
        assert_int_equal(v, 300);
        assert_int_equal(parse_int64("-5", -10, 10, &v), 0);
        assert_int_equal(v, -5);
        assert_int_equal(parse_int64("+5", -10, 10, &v), 0);
        assert_int_equal(v, 5);
        assert_int_equal(parse_int64("301", 0, 300, &v), -ERANGE);
        assert_int_equal(parse_int64("99999999999999999999", INT64_MIN, INT64_MAX, &v), -ERANGE);
        assert_int_equal(v, 5);
        for (const char *const *s = (const char *const[]) { "", " 1", "1 ", "1.0", "0x10", "abc", "--1", NULL }; *s; s++)
                assert_int_equal(parse_int64(*s, INT64_MIN, INT64_MAX, &v), -EINVAL);
}

static void test_uint_hex(void **state) {
        uint64_t u;

        assert_int_equal(parse_uint64("18446744073709551615", UINT64_MAX, &u), 0);
        assert_true(u == UINT64_MAX);
        assert_int_equal(parse_uint64("-1", UINT64_MAX, &u), -EINVAL);
        assert_int_equal(parse_hex_u64("0000C346", 8, 8, &u), 0);
        assert_int_equal(u, 49990);
        assert_int_equal(parse_hex_u64("FFFFFFFFF", 8, 9, &u), 0);
        assert_true(u == 68719476735ULL);
        assert_int_equal(parse_hex_u64("FFFFFFF", 8, 9, &u), -EINVAL);
        assert_int_equal(parse_hex_u64("FFFFFFFFFF", 8, 9, &u), -EINVAL);
        assert_int_equal(parse_hex_u64("G0000000", 8, 8, &u), -EINVAL);
        assert_int_equal(parse_hex_u64("", 0, 0, &u), -EINVAL);
}

static void test_number_syntax(void **state) {
        /* Upstream's is_number(): [+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)? */
        const char *good[] = { "1", "-1", "+1.5", "1.", ".5", "1e3", "1.5E-3", "0.0" };
        const char *bad[] = { "", ".", "e3", "1e", "1.2.3", "0x1", " 1", "inf", "nan", "1,5" };
        double d;

        for (size_t i = 0; i < ELEMENTSOF(good); i++)
                assert_true(looks_like_number(good[i]));
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                assert_false(looks_like_number(bad[i]));
                assert_int_equal(parse_double(bad[i], &d), -EINVAL);
        }
        assert_int_equal(parse_double("0.2", &d), 0);
        assert_true(d > 0.19 && d < 0.21);
        assert_true(looks_like_integer("-0"));
        assert_false(looks_like_integer("1.0"));
}

static void test_bool(void **state) {
        bool b = false;

        for (const char *const *s = (const char *const[]) { "1", "yes", "ON", "True", NULL }; *s; s++) {
                b = false;
                assert_int_equal(parse_bool(*s, &b), 0);
                assert_true(b);
        }
        for (const char *const *s = (const char *const[]) { "0", "no", "off", "FALSE", NULL }; *s; s++) {
                b = true;
                assert_int_equal(parse_bool(*s, &b), 0);
                assert_false(b);
        }
        assert_int_equal(parse_bool("2", &b), -EINVAL);
        assert_int_equal(parse_bool("", &b), -EINVAL);
}

static void test_strutil(void **state) {
        char buf[] = "  \t hello \n";

        assert_string_equal(startswith("iface eth0", "iface "), "eth0");
        assert_null(startswith("ifac", "iface"));
        assert_string_equal(startswith_no_case("UPID:x", "upid:"), "x");
        assert_string_equal(endswith("a.cfg", ".cfg"), ".cfg");
        assert_null(endswith("cfg", ".cfg"));
        assert_string_equal(strstrip(buf), "hello");
        assert_true(in_charset("abc", "abcdef"));
        assert_false(in_charset("abz", "abcdef"));
        assert_true(has_control_chars("a\nb", 3));
        assert_false(has_control_chars("a b", 3));
        assert_true(utf8_is_valid("gr\xc3\xbc\xc3\x9f \xe2\x98\x83 \xf0\x9f\x98\x80", 15));
        assert_true(utf8_is_valid("", 0));
        assert_false(utf8_is_valid("\x9d", 1));          /* lone continuation byte */
        assert_false(utf8_is_valid("\xc3", 1));          /* truncated */
        assert_false(utf8_is_valid("\xc0\xaf", 2));      /* overlong '/' */
        assert_false(utf8_is_valid("\xed\xa0\x80", 3));  /* surrogate */
        assert_false(utf8_is_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
        assert_false(utf8_is_valid("\xff", 1));
        assert_true(strcmp_ptr(NULL, "a") < 0);
        assert_int_equal(strcmp_ptr(NULL, NULL), 0);
}

static void test_percent(void **state) {
        _cleanup_strbuf_ StrBuf enc = STRBUF_INIT, dec = STRBUF_INIT;
        /* Spaces stay; '%', ':', control and non-ASCII bytes are escaped (upstream encode_text). */
        const char *in = "100% sure: ok\tgrüß";

        percent_encode_text(&enc, in, strlen(in));
        assert_string_equal(enc.buf, "100%25 sure%3A ok%09gr%C3%BC%C3%9F");
        percent_decode(&dec, enc.buf, enc.len);
        assert_string_equal(dec.buf, in);

        strbuf_reset(&dec);
        percent_decode(&dec, "a%zz%4", 6);
        assert_string_equal(dec.buf, "a%zz%4");
}

static void test_base64(void **state) {
        /* RFC 4648 section 10 test vectors. */
        const char *plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
        const char *std[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };

        for (size_t i = 0; i < ELEMENTSOF(plain); i++) {
                _cleanup_strbuf_ StrBuf b = STRBUF_INIT, u = STRBUF_INIT, d = STRBUF_INIT;

                base64_encode(&b, plain[i], strlen(plain[i]));
                assert_string_equal(b.buf, std[i]);
                base64url_encode(&u, plain[i], strlen(plain[i]));
                assert_null(strchr(u.buf, '='));
                assert_int_equal(base64_decode(&d, u.buf, u.len), 0);
                assert_string_equal(d.buf, plain[i]);
        }

        _cleanup_strbuf_ StrBuf u = STRBUF_INIT, d = STRBUF_INIT;
        base64url_encode(&u, "\xfb\xff", 2);
        assert_string_equal(u.buf, "-_8");
        assert_int_equal(base64_decode(&d, "Zm9v!", 5), -EINVAL);
        assert_int_equal(base64_decode(&d, "Z", 1), -EINVAL);
}

static void test_hex(void **state) {
        _cleanup_strbuf_ StrBuf h = STRBUF_INIT;

        hex_encode(&h, "\x00\xab\xff", 3);
        assert_string_equal(h.buf, "00abff");

        _cleanup_strbuf_ StrBuf d = STRBUF_INIT;
        assert_int_equal(hex_decode(&d, "00aBFf", 6), 0);
        assert_int_equal(d.len, 3);
        assert_memory_equal(d.buf, "\x00\xab\xff", 3);
        assert_int_equal(hex_decode(&d, "0", 1), -EINVAL);
        assert_int_equal(hex_decode(&d, "0g", 2), -EINVAL);
        assert_int_equal(hex_decode(&d, "0\0", 2), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_int64),
                cmocka_unit_test(test_uint_hex),
                cmocka_unit_test(test_number_syntax),
                cmocka_unit_test(test_bool),
                cmocka_unit_test(test_strutil),
                cmocka_unit_test(test_percent),
                cmocka_unit_test(test_base64),
                cmocka_unit_test(test_hex),
        };
        return RUN_TESTS(tests);
}
