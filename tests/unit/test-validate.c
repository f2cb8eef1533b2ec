/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * Value checks and named formats (src/api/validate.h, src/api/format.h),
 * with upstream's pve-common cases:
 *
 * - test/format_test.pl: the valid and invalid config ids (the renderer
 *   cases are in test-output.c);
 * - test/api_parameter_test.pl: -list and array parameter conversion;
 * - test/json-schema-test.pl: the check_object() messages of the allOf
 *   cases, as far as they apply to plain objects (missing and undeclared
 *   properties). allOf, oneOf and aliases are not part of our schema;
 * - check_prop()/check_type() of PVE::JSONSchema: type, format, pattern,
 *   length, range and enum checks with upstream's messages and order.
 *
 * Not ported: api_parameter_test.pl's "list-format-with-alist" (a
 * NUL-separated list, which only Perl's CGI parameter handling produces;
 * upstream marks it for removal).
 */

#include "test-util.h"
#include "api/format.h"
#include "api/json-util.h"
#include "api/validate.h"
#include "basic/alloc.h"
#include "basic/strv.h"

/* format_test.pl */
static void test_configid(void **state) {
        _cleanup_free_ char *hundred = xmalloc(101);
        static const char *const invalid[] = { "a", "a+", "1a", "_a", "-a", "+a", "A" };

        memset(hundred, 'a', 100);
        hundred[100] = 0;
        const char *valid[] = { "aa", "a0", "a_", "a-", "a-a", hundred, "Aa", "AA" };

        for (size_t i = 0; i < ELEMENTSOF(valid); i++) {
                _cleanup_free_ char *err = NULL;

                assert_true(api_is_configid(valid[i]));
                assert_int_equal(api_format_check("pve-configid", valid[i], "", &err), 0);
        }
        for (size_t i = 0; i < ELEMENTSOF(invalid); i++) {
                _cleanup_free_ char *err = NULL, *want = xasprintf("invalid configuration ID '%s'", invalid[i]);

                assert_false(api_is_configid(invalid[i]));
                assert_int_equal(api_format_check("pve-configid", invalid[i], "", &err), -EINVAL);
                assert_string_equal(err, want);
        }
}

/* Checks value (JSON text) against schema; want is the converted value (JSON) or NULL with error set. */
static void check(const ApiSchema *schema, const char *value, const char *want, const char *error) {
        _cleanup_json_ json_t *in = json_loads(value, JSON_DECODE_ANY, NULL), *errors = json_object(), *got = NULL;

        assert_non_null(in);
        got = api_check_value(schema, in, "param", errors);
        if (!want) {
                if (got) {
                        _cleanup_free_ char *g = json_dump_canonical(got);
                        fail_msg("%s: accepted as %s, want error '%s'", value, g, error);
                }
                if (!streq_ptr(json_object_get_string(errors, "param"), error))
                        fail_msg("%s: error '%s', want '%s'", value, json_object_get_string(errors, "param"), error);
                return;
        }
        if (!got)
                fail_msg("%s: refused: %s", value, json_object_get_string(errors, "param"));
        {
                _cleanup_json_ json_t *w = json_loads(want, JSON_DECODE_ANY, NULL);
                _cleanup_free_ char *g = json_dump_canonical(got);

                assert_non_null(w);
                if (!json_equal(got, w))
                        fail_msg("%s: got %s, want %s", value, g, want);
        }
        assert_int_equal(json_object_size(errors), 0);
}

/* api_parameter_test.pl */
static void test_list_and_array_parameters(void **state) {
        static const ApiSchema list = { .type = API_TYPE_STRING, .format = "pve-configid-list" };
        static const ApiSchema item = { .type = API_TYPE_STRING, .format = "pve-configid" };
        static const ApiSchema array = { .type = API_TYPE_ARRAY, .items = &item };

        check(&list, "\"foo,bar\"", "\"foo,bar\"", NULL);            /* list-format-with-list */
        check(&array, "[\"foo\", \"bar\"]", "[\"foo\", \"bar\"]", NULL); /* array-format-with-array */
        check(&array, "\"foo\"", "[\"foo\"]", NULL);                   /* array-format-with-non-array */
        check(&list, "[\"foo\", \"bar\"]", "\"foo,bar\"", NULL);       /* list-format-with-array */

        /* Each element is checked. */
        check(&list, "\"foo,1x\"", NULL, "invalid format - invalid configuration ID '1x'");
        check(&array, "{}", NULL, "type check ('array') failed");
        /* Empty lists are allowed ("we allow empty lists"), separators as split_list(). */
        check(&list, "\"\"", "\"\"", NULL);
        check(&list, "\"a1; b2 c3\\t,d4\"", "\"a1; b2 c3\\t,d4\"", NULL);
}

static void test_array_error_path(void **state) {
        static const ApiSchema item = { .type = API_TYPE_INTEGER, .maximum = API_LIMIT(5) };
        static const ApiSchema array = { .type = API_TYPE_ARRAY, .items = &item };
        _cleanup_json_ json_t *in = json_pack("[i,i]", 1, 9), *errors = json_object();

        assert_null(api_check_value(&array, in, "param", errors));
        /* check_prop() names elements "${path}[$ind]". */
        assert_string_equal(json_object_get_string(errors, "param[1]"), "value must have a maximum value of 5");
}

static void test_types(void **state) {
        static const ApiSchema integer = { .type = API_TYPE_INTEGER };
        static const ApiSchema number = { .type = API_TYPE_NUMBER };
        static const ApiSchema boolean = { .type = API_TYPE_BOOLEAN };
        static const ApiSchema string = { .type = API_TYPE_STRING };
        static const ApiSchema null = { .type = API_TYPE_NULL };

        /* is_integer(): m/^[+-]?\d+$/ */
        check(&integer, "\"42\"", "42", NULL);
        check(&integer, "\"+42\"", "42", NULL);
        check(&integer, "\"-7\"", "-7", NULL);
        check(&integer, "42", "42", NULL);
        check(&integer, "\"4.0\"", NULL, "type check ('integer') failed - got '4.0'");
        check(&integer, "\" 4\"", NULL, "type check ('integer') failed - got ' 4'");
        check(&integer, "\"\"", NULL, "type check ('integer') failed - got ''");
        check(&integer, "\"0x10\"", NULL, "type check ('integer') failed - got '0x10'");

        /* is_number(): m/^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$/ */
        check(&number, "\"1.5\"", "1.5", NULL);
        check(&number, "\"1.\"", "1.0", NULL);
        check(&number, "\".5\"", "0.5", NULL);
        check(&number, "\"-2e3\"", "-2000.0", NULL);
        check(&number, "\"7\"", "7", NULL);
        check(&number, "\"1e\"", NULL, "type check ('number') failed - got '1e'");
        check(&number, "\".\"", NULL, "type check ('number') failed - got '.'");
        check(&number, "\"inf\"", NULL, "type check ('number') failed - got 'inf'");
        check(&number, "\"nan\"", NULL, "type check ('number') failed - got 'nan'");

        /* check_type(): a boolean is '1' or '0' (or a JSON boolean); words only in property strings and on the CLI. */
        check(&boolean, "\"1\"", "true", NULL);
        check(&boolean, "\"0\"", "false", NULL);
        check(&boolean, "true", "true", NULL);
        check(&boolean, "0", "false", NULL);
        check(&boolean, "\"yes\"", NULL, "type check ('boolean') failed - got 'yes'");
        check(&boolean, "\"true\"", NULL, "type check ('boolean') failed - got 'true'");
        check(&boolean, "2", NULL, "type check ('boolean') failed - got '2'");

        check(&string, "\"x\"", "\"x\"", NULL);
        check(&string, "17", "\"17\"", NULL);
        check(&string, "{}", NULL, "type check ('string') failed");
        check(&null, "null", "null", NULL);
}

static void test_scalar_checks(void **state) {
        static const char *const modes[] = { "text", "json", NULL };
        static const ApiSchema delay = { .type = API_TYPE_INTEGER, .minimum = API_LIMIT(0), .maximum = API_LIMIT(300) };
        static const ApiSchema frac = { .type = API_TYPE_NUMBER, .minimum = API_LIMIT(0.5) };
        static const ApiSchema len = { .type = API_TYPE_STRING, .min_length = 2, .max_length = 4 };
        static const ApiSchema pat = { .type = API_TYPE_STRING, .pattern = "[a-z]+\\d?" }; /* Perl syntax */
        static const ApiSchema en = { .type = API_TYPE_STRING, .enum_values = modes };
        /* Upstream checks in this order: format, pattern, maxLength, minLength, maximum, minimum, enum. */
        static const ApiSchema order = { .type = API_TYPE_STRING, .format = "pve-node", .max_length = 3,
                                         .enum_values = modes };
        static const ApiSchema strnum = { .type = API_TYPE_STRING, .maximum = API_LIMIT(10) };

        check(&delay, "\"300\"", "300", NULL);
        check(&delay, "\"301\"", NULL, "value must have a maximum value of 300");
        check(&delay, "-1", NULL, "value must have a minimum value of 0");
        check(&frac, "\"0.25\"", NULL, "value must have a minimum value of 0.5");
        check(&len, "\"abcde\"", NULL, "value may only be 4 characters long");
        check(&len, "\"a\"", NULL, "value must be at least 2 characters long");
        /* Lengths are characters, as Perl's length() of decoded text. */
        check(&len, "\"\u00e4\u00f6\u00fc\u00df\"", "\"\u00e4\u00f6\u00fc\u00df\"", NULL);
        check(&len, "\"\u00e4\"", NULL, "value must be at least 2 characters long");
        /* The pattern is anchored at both ends (m/^$pattern$/). */
        check(&pat, "\"abc1\"", "\"abc1\"", NULL);
        check(&pat, "\"abc12\"", NULL, "value does not match the regex pattern");
        check(&pat, "\"1abc\"", NULL, "value does not match the regex pattern");
        check(&en, "\"json\"", "\"json\"", NULL);
        check(&en, "\"yaml\"", NULL, "value 'yaml' does not have a value in the enumeration 'text, json'");
        check(&order, "\"-x-\"", NULL, "invalid format - value does not look like a valid node name");
        check(&order, "\"abcd\"", NULL, "value may only be 3 characters long");
        check(&order, "\"abc\"", NULL, "value 'abc' does not have a value in the enumeration 'text, json'");
        /* Ranges apply to number-looking strings too (is_number($value)). */
        check(&strnum, "\"11\"", NULL, "value must have a maximum value of 10");
        check(&strnum, "\"11a\"", "\"11a\"", NULL);
}

/* Patterns from pve-manager, written as Perl regexes. */
static void test_perl_patterns(void **state) {
        static const struct {
                const char *pattern, *value;
                bool match;
        } cases[] = {
                { "\\d{1,2}:\\d{1,2}", "12:30", true },
                { "\\d{1,2}:\\d{1,2}", "123:30", false },
                { "\\d{1,2}:\\d{1,2}", "ab:cd", false },
                { "[^:/\\s]+", "pool1", true },
                { "[^:/\\s]+", "po ol", false },
                { "[^:/\\s]+", "a/b", false },
                { "(ceph|mon|mds|osd|mgr)(\\.[A-Za-z0-9\\-]{1,32})?", "mon.node-1", true },
                { "(ceph|mon|mds|osd|mgr)(\\.[A-Za-z0-9\\-]{1,32})?", "monXnode", false },
                { "[\\w.-]+", "a_b.c-d", true },
                { "[\\w.-]+", "a b", false },
                { "\\S+\\s\\S+", "a b", true },
                { "\\D+", "ab", true },
                { "\\D+", "a1", false },
                { "[[:digit:]]+", "42", true },
                { "[]a]+", "]a", true },
                { "(", "(", false }, /* does not compile: matches nothing */
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                if (api_regex_match(cases[i].pattern, false, cases[i].value) != cases[i].match)
                        fail_msg("'%s' =~ /%s/ should be %s", cases[i].value, cases[i].pattern,
                                 cases[i].match ? "true" : "false");
}

static void test_objects(void **state) {
        static const ApiSchema props[] = {
                { .name = "first", .type = API_TYPE_STRING },
                { .name = "opt-first", .type = API_TYPE_STRING, .optional = true },
                { .name = "count", .type = API_TYPE_INTEGER, .optional = true, .maximum = API_LIMIT(3) },
                {},
        };
        _cleanup_json_ json_t *ok = json_pack("{s:s,s:s}", "first", "hello", "opt-first", "hello");
        _cleanup_json_ json_t *missing = json_pack("{s:s}", "opt-first", "hello");
        _cleanup_json_ json_t *extra = json_pack("{s:s,s:i}", "first", "hello", "bad-property", 1);
        _cleanup_json_ json_t *typed = json_pack("{s:s,s:s}", "first", "x", "count", "2");
        _cleanup_json_ json_t *two = json_pack("{s:s}", "count", "9");
        _cleanup_json_ json_t *errors = json_object();
        json_t *out;

        out = api_check_object(props, false, ok, "", errors);
        assert_non_null(out);
        assert_true(json_equal(out, ok));
        json_decref(out);

        /* json-schema-test.pl: "missing properties", "neither allow additional properties". */
        assert_null(api_check_object(props, false, missing, "", errors));
        assert_string_equal(json_object_get_string(errors, "first"), "property is missing and it is not optional");
        json_object_clear(errors);
        assert_null(api_check_object(props, false, extra, "", errors));
        assert_string_equal(json_object_get_string(errors, "bad-property"),
                            "property is not defined in schema and the schema does not allow additional properties");
        json_object_clear(errors);
        /* "additional properties work" */
        out = api_check_object(props, true, extra, "", errors);
        assert_non_null(out);
        assert_int_equal(json_integer_value(json_object_get(out, "bad-property")), 1);
        json_decref(out);

        /* Values come back typed. */
        out = api_check_object(props, false, typed, "", errors);
        assert_non_null(out);
        assert_int_equal(json_integer_value(json_object_get(out, "count")), 2);
        json_decref(out);

        /* Several problems at once: one entry per path. */
        assert_null(api_check_object(props, false, two, "", errors));
        assert_int_equal(json_object_size(errors), 2);
        assert_string_equal(json_object_get_string(errors, "count"), "value must have a maximum value of 3");
}

static void test_errors_add(void **state) {
        _cleanup_json_ json_t *errors = json_object();

        /* add_error(): an empty path is "_root"; a second message is joined with a literal backslash-n. */
        api_errors_add(errors, "", "first %d", 1);
        api_errors_add(errors, "", "second");
        assert_string_equal(json_object_get_string(errors, "_root"), "first 1\\nsecond");
}

static void test_formats(void **state) {
        static const struct {
                const char *format, *value;
                const char *error; /* NULL: valid */
        } cases[] = {
                { "pve-node", "node1", NULL },
                { "pve-node", "node-1", NULL },
                { "pve-node", "-node", "value does not look like a valid node name" },
                { "pve-node", "node.example", "value does not look like a valid node name" },
                { "mac-addr", "aa:BB:cc:dd:ee:ff", NULL },
                { "mac-addr", "01:00:5e:00:00:01", "value does not look like a valid unicast MAC address" },
                { "mac-addr", "aa:bb:cc:dd:ee", "value does not look like a valid unicast MAC address" },
                { "ipv4", "192.0.2.1", NULL },
                { "ipv4", "192.0.2.256", "value does not look like a valid IPv4 address" },
                { "ipv4", "192.0.2", "value does not look like a valid IPv4 address" },
                { "ipv6", "2001:db8::1", NULL },
                { "ipv6", "2001:db8:::1", "value does not look like a valid IPv6 address" },
                { "ip", "::1", NULL },
                { "ip", "localhost", "value does not look like a valid IP address" },
                { "CIDR", "10.0.0.0/8", NULL },
                { "CIDR", "10.0.0.0/7", "value does not look like a valid CIDR network" },
                { "CIDR", "fd00::/128", NULL },
                { "CIDR", "fd00::/129", "value does not look like a valid CIDR network" },
                { "CIDRv4", "10.0.0.1/33", "value does not look like a valid IPv4 CIDR network" },
                { "ipv4mask", "255.255.255.0", NULL },
                { "ipv4mask", "255.0.255.0", "value does not look like a valid IP netmask" },
                { "email", "root@example.com", NULL },
                { "email", "root", "value does not look like a valid email address" },
                { "email-or-username", "root", NULL },
                { "dns-name", "a.b-c.example", NULL },
                { "dns-name", "a..b", "value does not look like a valid DNS name" },
                { "dns-name", "-a.b", "value does not look like a valid DNS name" },
                { "pve-storage-id", "local-lvm", NULL },
                { "pve-storage-id", "l", "storage ID 'l' cannot be shorter than 2 characters" },
                { "pve-storage-id", "1ocal", "storage ID '1ocal' contains illegal characters" },
                { "pve-vmid", "100", NULL },
                { "pve-vmid", "99", "value does not look like a valid VM ID" },
                { "pve-iface", "eth0", NULL },
                { "pve-iface", "vmbr0.100", NULL },
                { "pve-iface", "e", "invalid network interface name 'e'" },
                /* -opt accepts the empty string; -list checks every element. */
                { "pve-node-opt", "", NULL },
                { "pve-node-opt", "-", "value does not look like a valid node name" },
                { "pve-node-list", "a,b c;d", NULL },
                { "pve-node-list", "a,-b", "value does not look like a valid node name" },
                { "pve-node-list", "", NULL },
                { "no-such-format", "x", "undefined format 'no-such-format'" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *err = NULL;
                int r = api_format_check(cases[i].format, cases[i].value, "", &err);

                if (!cases[i].error) {
                        if (r < 0)
                                fail_msg("%s '%s': %s", cases[i].format, cases[i].value, err);
                        continue;
                }
                if (r >= 0)
                        fail_msg("%s '%s': accepted", cases[i].format, cases[i].value);
                assert_string_equal(err, cases[i].error);
        }
}

static void test_split_list(void **state) {
        _cleanup_strv_free_ char **l = api_split_list(" a,b;;c \t d,");

        assert_int_equal(strv_length(l), 4);
        assert_string_equal(l[0], "a");
        assert_string_equal(l[3], "d");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_configid),
                cmocka_unit_test(test_list_and_array_parameters),
                cmocka_unit_test(test_array_error_path),
                cmocka_unit_test(test_types),
                cmocka_unit_test(test_scalar_checks),
                cmocka_unit_test(test_perl_patterns),
                cmocka_unit_test(test_objects),
                cmocka_unit_test(test_errors_add),
                cmocka_unit_test(test_formats),
                cmocka_unit_test(test_split_list),
        };

        json_setup_allocator();
        return RUN_TESTS(tests);
}
