/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * Property strings (src/api/propstr.h): the property-string cases of
 * upstream's pve-common test/json-schema-test.pl, then parse and print
 * rules of parse_property_string()/print_property_string().
 *
 * Not ported: the "alias-in-property-str" case; our schema has no key
 * aliases (no property string we implement uses them).
 */

#include "test-util.h"
#include "api/json-util.h"
#include "api/propstr.h"
#include "basic/alloc.h"

static const char *const ab[] = { "a", "b", NULL };
static const char *const xy[] = { "x", "y", NULL };
static const char *const four[] = { "a", "b", "c", "d", NULL };

typedef struct Case {
        const char *in;
        const char *out;       /* expected values as JSON; NULL: must fail */
        const char *must_fail; /* substring of the error (upstream's regex, literally) */
} Case;

static void run_cases(const ApiSchema *keys, const Case *cases, size_t n) {
        for (size_t i = 0; i < n; i++) {
                _cleanup_json_ json_t *got = NULL, *want = NULL;
                _cleanup_free_ char *err = NULL;
                int r = propstr_parse(keys, cases[i].in, "", &got, &err);

                if (cases[i].must_fail) {
                        if (r >= 0)
                                fail_msg("input '%s' was expected to fail, but passed", cases[i].in);
                        if (!strstr(err, cases[i].must_fail))
                                fail_msg("input '%s': error '%s' lacks '%s'", cases[i].in, err, cases[i].must_fail);
                        continue;
                }
                if (r < 0)
                        fail_msg("input '%s': %s", cases[i].in, err);
                want = json_loads(cases[i].out, JSON_DECODE_ANY, NULL);
                assert_non_null(want);
                if (!json_equal(got, want)) {
                        _cleanup_free_ char *g = json_dump_canonical(got);
                        fail_msg("input '%s': got %s, want %s", cases[i].in, g, cases[i].out);
                }
        }
}

/* json-schema-test.pl: default-key-with-type-boolean */
static void test_default_key_boolean(void **state) {
        static const ApiSchema keys[] = {
                { .name = "enabled", .type = API_TYPE_BOOLEAN, .default_key = true },
                {},
        };
        static const Case cases[] = {
                { "1", "{\"enabled\": true}" },
                { "true", "{\"enabled\": true}" },
                { "yes", "{\"enabled\": true}" },
                { "on", "{\"enabled\": true}" },
                { "enabled=1", "{\"enabled\": true}" },
                { "enabled=true", "{\"enabled\": true}" },
                { "enabled=yes", "{\"enabled\": true}" },
                { "enabled=on", "{\"enabled\": true}" },
                { "enabled=wrong", NULL, "type check ('boolean') failed" },
                { "wrong", NULL, "type check ('boolean') failed" },
                /* Ours: case as parse_boolean()'s /i, and the false words. */
                { "enabled=OFF", "{\"enabled\": false}" },
                { "No", "{\"enabled\": false}" },
        };

        run_cases(keys, cases, ELEMENTSOF(cases));
}

/* json-schema-test.pl: no-default-key-with-type-boolean */
static void test_no_default_key_boolean(void **state) {
        static const ApiSchema keys[] = {
                { .name = "enabled", .type = API_TYPE_BOOLEAN },
                {},
        };
        static const Case cases[] = {
                { "1", NULL, "value without key, but schema does not define a default key" },
                { "true", NULL, "value without key, but schema does not define a default key" },
                { "yes", NULL, "value without key, but schema does not define a default key" },
                { "on", NULL, "value without key, but schema does not define a default key" },
                { "enabled=1", "{\"enabled\": true}" },
                { "enabled=true", "{\"enabled\": true}" },
                { "enabled=yes", "{\"enabled\": true}" },
                { "enabled=on", "{\"enabled\": true}" },
        };

        run_cases(keys, cases, ELEMENTSOF(cases));
}

/* The node config's wakeonlan property, as pve-manager declares it. */
static const ApiSchema wol[] = {
        { .name = "mac", .type = API_TYPE_STRING, .format = "mac-addr", .default_key = true },
        { .name = "bind-interface", .type = API_TYPE_STRING, .format = "pve-iface", .optional = true },
        { .name = "broadcast-address", .type = API_TYPE_STRING, .format = "ipv4", .optional = true },
        {},
};

static void test_parse_rules(void **state) {
        static const Case cases[] = {
                { "aa:bb:cc:dd:ee:00", "{\"mac\": \"aa:bb:cc:dd:ee:00\"}" },
                { "mac=aa:bb:cc:dd:ee:00,bind-interface=eth0",
                  "{\"mac\": \"aa:bb:cc:dd:ee:00\", \"bind-interface\": \"eth0\"}" },
                /* The default key's value may stand anywhere. */
                { "broadcast-address=10.0.0.255,aa:bb:cc:dd:ee:00",
                  "{\"mac\": \"aa:bb:cc:dd:ee:00\", \"broadcast-address\": \"10.0.0.255\"}" },
                /* Empty and blank parts are skipped (split(/,/) and /^\s*$/). */
                { ",aa:bb:cc:dd:ee:00,, ,", "{\"mac\": \"aa:bb:cc:dd:ee:00\"}" },
                /* Everything after the first '=' is the value. */
                { "mac=aa:bb:cc:dd:ee:00,bind-interface=a=b", NULL,
                  "format error\nbind-interface: invalid format - invalid network interface name 'a=b'" },
                { "mac=aa:bb:cc:dd:ee:00,mac=aa:bb:cc:dd:ee:02", NULL,
                  "duplicate key in comma-separated list property: mac" },
                { "aa:bb:cc:dd:ee:00,aa:bb:cc:dd:ee:02", NULL, "duplicate key in comma-separated list property: mac" },
                { "mac=aa:bb:cc:dd:ee:00,aa:bb:cc:dd:ee:02", NULL,
                  "duplicate key in comma-separated list property: mac" },
                { "aa:bb:cc:dd:ee:00,foo=1", NULL, "invalid key in comma-separated list property: foo" },
                { "aa:bb:cc:dd:ee:00,bind-interface=", NULL, "missing key in comma-separated list property" },
                { "=eth0", NULL, "missing key in comma-separated list property" },
                { "", NULL, "format error\nmac: property is missing and it is not optional" },
                { "bind-interface=eth0", NULL, "format error\nmac: property is missing and it is not optional" },
                { "01:bb:cc:dd:ee:00", NULL,
                  "format error\nmac: invalid format - value does not look like a valid unicast MAC address" },
                /* Ours: values become JSON strings, so bytes that are not UTF-8 are refused. */
                { "aa:bb:cc:dd:ee:00,bind-interface=eth\xff", NULL, "invalid UTF-8 in property string" },
        };

        run_cases(wol, cases, ELEMENTSOF(cases));
}

static void test_error_path(void **state) {
        _cleanup_json_ json_t *v = NULL;
        _cleanup_free_ char *err = NULL;

        /* Errors name "<path>.<key>", one line per key, sorted. */
        assert_int_equal(propstr_parse(wol, "01:00:00:00:00:00,broadcast-address=x", "wakeonlan", &v, &err), -EINVAL);
        assert_string_equal(err, "format error\n"
                                 "wakeonlan.broadcast-address: invalid format - value does not look like a valid IPv4 "
                                 "address\n"
                                 "wakeonlan.mac: invalid format - value does not look like a valid unicast MAC "
                                 "address");
        assert_null(v);
}

static void test_typed_values(void **state) {
        static const ApiSchema keys[] = {
                { .name = "size", .type = API_TYPE_INTEGER, .default_key = true, .minimum = API_LIMIT(1) },
                { .name = "ratio", .type = API_TYPE_NUMBER, .optional = true, .maximum = API_LIMIT(1) },
                { .name = "mode", .type = API_TYPE_STRING, .optional = true,
                  .enum_values = ab },
                {},
        };
        static const Case cases[] = {
                { "5,ratio=0.5,mode=b", "{\"size\": 5, \"ratio\": 0.5, \"mode\": \"b\"}" },
                { "size=+7", "{\"size\": 7}" },
                { "0", NULL, "size: value must have a minimum value of 1" },
                { "5x", NULL, "size: type check ('integer') failed - got '5x'" },
                { "5,ratio=2", NULL, "ratio: value must have a maximum value of 1" },
                { "5,mode=c", NULL, "mode: value 'c' does not have a value in the enumeration 'a, b'" },
        };

        run_cases(keys, cases, ELEMENTSOF(cases));
}

/* print_property_string(): default key first, then required keys sorted, then optional keys sorted. */
static void test_print(void **state) {
        static const ApiSchema keys[] = {
                { .name = "zeta", .type = API_TYPE_STRING },
                { .name = "alpha", .type = API_TYPE_STRING, .optional = true },
                { .name = "mac", .type = API_TYPE_STRING, .default_key = true },
                { .name = "beta", .type = API_TYPE_STRING },
                { .name = "flag", .type = API_TYPE_BOOLEAN, .optional = true },
                {},
        };
        _cleanup_json_ json_t *v = json_pack("{s:s,s:s,s:s,s:s,s:b}", "alpha", "1", "beta", "2", "mac", "m", "zeta",
                                             "3", "flag", 0);
        _cleanup_json_ json_t *comma = json_pack("{s:s,s:s}", "mac", "m", "alpha", "a,b");
        _cleanup_json_ json_t *unknown = json_pack("{s:s,s:s}", "mac", "m", "nope", "x");
        _cleanup_json_ json_t *no_default = json_pack("{s:s,s:s}", "zeta", "z", "beta", "b");
        _cleanup_free_ char *s = NULL, *s2 = NULL, *e1 = NULL, *e2 = NULL;

        s = propstr_format(keys, v, &e1);
        assert_string_equal(s, "m,beta=2,zeta=3,alpha=1,flag=0");
        s2 = propstr_format(keys, no_default, &e1);
        assert_string_equal(s2, "beta=b,zeta=z");
        assert_null(propstr_format(keys, comma, &e1));
        assert_string_equal(e1, "illegal value with commas for alpha");
        assert_null(propstr_format(keys, unknown, &e2));
        assert_string_equal(e2, "invalid key 'nope'");
}

static void test_print_parse_roundtrip(void **state) {
        _cleanup_json_ json_t *v = NULL, *v2 = NULL;
        _cleanup_free_ char *err = NULL, *s = NULL;

        assert_int_equal(propstr_parse(wol, "bind-interface=vmbr0,broadcast-address=192.0.2.255,mac=AA:BB:CC:DD:EE:00",
                                       "", &v, &err),
                         0);
        s = propstr_format(wol, v, &err);
        assert_string_equal(s, "AA:BB:CC:DD:EE:00,bind-interface=vmbr0,broadcast-address=192.0.2.255");
        assert_int_equal(propstr_parse(wol, s, "", &v2, &err), 0);
        assert_true(json_equal(v, v2));
}

static void test_typetext(void **state) {
        static const ApiSchema keys[] = {
                { .name = "mac", .type = API_TYPE_STRING, .default_key = true,
                  .format_description = "XX:XX:XX:XX:XX:XX" },
                { .name = "bind-interface", .type = API_TYPE_STRING, .optional = true },
                { .name = "count", .type = API_TYPE_INTEGER, .optional = true },
                { .name = "on", .type = API_TYPE_BOOLEAN, .optional = true },
                { .name = "mode", .type = API_TYPE_STRING, .enum_values = xy },
                { .name = "level", .type = API_TYPE_STRING, .optional = true, .enum_values = four },
                {},
        };
        _cleanup_free_ char *t = propstr_typetext(keys);

        /* Upstream's generate_typetext(): groups sorted by name, more than three enum values as <enum>. */
        assert_string_equal(t, "[mac=]<XX:XX:XX:XX:XX:XX> ,mode=<x|y> [,bind-interface=<bind-interface>] "
                               "[,count=<integer>] [,level=<enum>] [,on=<1|0>]");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_default_key_boolean),
                cmocka_unit_test(test_no_default_key_boolean),
                cmocka_unit_test(test_parse_rules),
                cmocka_unit_test(test_error_path),
                cmocka_unit_test(test_typed_values),
                cmocka_unit_test(test_print),
                cmocka_unit_test(test_print_parse_roundtrip),
                cmocka_unit_test(test_typetext),
        };

        json_setup_allocator();
        return RUN_TESTS(tests);
}
