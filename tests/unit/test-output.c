/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * Output layer (src/api/output.h) against upstream's PVE::CLIFormatter.
 *
 * tests/fixtures/output/<case>.json gives the data, the result schema in
 * upstream's notation, the options (output-format, noborder, noheader,
 * human-readable, quiet, sort_key), the terminal (utf8, columns) and the
 * properties to print; <case>.out is what upstream's print_api_result()
 * printed for it (pve-common's CLIFormatter.pm run under Perl with YAML::XS
 * and JSON, TZ=UTC). One deviation is deliberate: upstream encodes YAML::XS
 * output to UTF-8 a second time, so non-ASCII text comes out garbled; the
 * fixtures hold the text as YAML::XS produced it, which is what we print.
 *
 * The renderer cases are upstream's test/format_test.pl.
 */

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "test-util.h"
#include "api/json-util.h"
#include "api/output.h"
#include "basic/alloc.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"

/* ---- renderers (format_test.pl) ----------------------------------------- */

static void test_renderers(void **state) {
        static const struct {
                const char *renderer;
                double value;
                int precision;
                const char *want;
        } cases[] = {
                { "timestamp", 0, 0, "1970-01-01 01:00:00" },
                { "timestamp", 1612776831, 0, "2021-02-08 10:33:51" },
                { "timestamp_gmt", 0, 0, "1970-01-01 00:00:00" },
                { "timestamp_gmt", 1612776831, 0, "2021-02-08 09:33:51" },
                { "duration", 0.3, 0, "0s" },
                { "duration", 0, 0, "0s" },
                { "duration", 40, 0, "40s" },
                { "duration", 59.64432, 0, "1m" },
                { "duration", 110, 0, "1m 50s" },
                { "duration", 7 * 24 * 3829 * 2, 0, "2w 21h 22m 24s" },
                { "bytes", 0, 0, "0.00 B" },
                { "bytes", 1023, 4, "1023.0000 B" },
                { "bytes", 1024, 0, "1.00 KiB" },
                { "bytes", 1024 * 1024 * 123 + 1024 * 300, 1, "123.3 MiB" },
                { "bytes", 1024.0 * 1024 * 1024 * 1024 * 4 + 1024.0 * 1024 * 2048 * 8, 0, "4.02 TiB" },
        };
        /* upstream's expected local times are for Europe/Vienna; a POSIX TZ string needs no tzdata. */
        setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
        tzset();

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *got = NULL;
                const char *r = cases[i].renderer;

                if (streq(r, "timestamp") || streq(r, "timestamp_gmt"))
                        got = render_timestamp((int64_t) cases[i].value, streq(r, "timestamp_gmt"));
                else if (streq(r, "duration"))
                        got = render_duration(cases[i].value, false);
                else
                        got = render_bytes(cases[i].value, cases[i].precision);
                if (!streq(got, cases[i].want))
                        fail_msg("%s(%g): got '%s', want '%s'", r, cases[i].value, got, cases[i].want);
        }

        /* Tables call the duration renderer with upstream's auto_limit_accuracy set. */
        {
                _cleanup_free_ char *a = render_duration(7 * 24 * 3829 * 2, true), *b = render_duration(90061, true),
                                    *c = render_duration(3661, true);

                assert_string_equal(a, "2w 21h");
                assert_string_equal(b, "1d 1h 1m");
                assert_string_equal(c, "1h 1m 1s");
        }
        {
                /* format_test.pl's ["fraction_as_percentage", 0.412] through a cell */
                static const ApiSchema frac = { .type = API_TYPE_NUMBER, .renderer = "fraction_as_percentage" };
                _cleanup_json_ json_t *v = json_real(0.412);
                OutputOptions o = { .format = OUTPUT_TEXT };
                _cleanup_free_ char *t = output_value_text(v, &frac, &o);

                assert_string_equal(t, "41.20%");
        }
        unsetenv("TZ");
        tzset();
}

/* ---- canonical JSON (JSON::XS canonical, utf8) ----------------------------- */

static void test_canonical_json(void **state) {
        _cleanup_json_ json_t *v = json_object(), *big = json_object();
        _cleanup_free_ char *got = NULL, *got_big = NULL;
        _cleanup_(strbuf_release) StrBuf want_big = STRBUF_INIT;
        const char bytes[] = "q\"b\\ \b\f\n\r\t\x01\x0b\x1f\x7f \xc3\xa4/";

        /* Keys sorted bytewise, whatever the insertion order; escapes as JSON::XS writes them. */
        json_object_set_new(v, "zz", json_stringn(bytes, strlen(bytes)));
        json_object_set_new(v, "a", json_pack("[I,I,i,i]", (json_int_t) INT64_MIN, (json_int_t) INT64_MAX, 0, -42));
        json_object_set_new(v, "ab", json_pack("{s:b,s:b,s:n,s:{}}", "t", 1, "f", 0, "n", "o"));
        json_object_set_new(v, "B", json_real(1e20));
        json_object_set_new(v, "", json_string(""));
        got = json_dump_canonical(v);
        assert_string_equal(got, "{\"\":\"\",\"B\":1e+20,"
                                 "\"a\":[-9223372036854775808,9223372036854775807,0,-42],"
                                 "\"ab\":{\"f\":false,\"n\":null,\"o\":{},\"t\":true},"
                                 "\"zz\":\"q\\\"b\\\\ \\b\\f\\n\\r\\t\\u0001\\u000b\\u001f\x7f \xc3\xa4/\"}");

        /* More keys than fit the small-object path, inserted in reverse. */
        for (int i = 99; i >= 0; i--)
                json_object_set_new(big, (char[]) { 'k', (char) ('0' + i / 10), (char) ('0' + i % 10), 0 }, json_integer(i));
        strbuf_addc(&want_big, '{');
        for (int i = 0; i < 100; i++)
                strbuf_addf(&want_big, "%s\"k%02d\":%d", i ? "," : "", i, i);
        strbuf_addc(&want_big, '}');
        got_big = json_dump_canonical(big);
        assert_string_equal(got_big, want_big.buf);
}

/* Written to a stream in pieces, the text is the same as in one string. */
static void test_canonical_json_file(void **state) {
        _cleanup_json_ json_t *list = json_array();
        _cleanup_free_ char *want = NULL, *got = NULL;
        size_t got_len = 0;
        FILE *f;

        for (int i = 0; i < 10000; i++)
                json_array_append_new(list, json_pack("{s:i,s:s,s:[s]}", "n", i, "name", "vmbr0.100", "l", "x\ty"));
        want = json_dump_canonical(list);
        assert_true(strlen(want) > 3 * 64 * 1024);

        f = open_memstream(&got, &got_len);
        assert_non_null(f);
        json_dump_canonical_file(list, f);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(got_len, strlen(want));
        assert_string_equal(got, want);
}

/* ---- CLIFormatter fixtures ---------------------------------------------- */

static ApiType type_from_string(const char *s) {
        static const char *const names[] = {
                "string", "integer", "number", "boolean", "object", "array", "null", "any",
        };

        for (size_t i = 0; s && i < ELEMENTSOF(names); i++)
                if (streq(s, names[i]))
                        return (ApiType) i;
        return API_TYPE_STRING;
}

static void schema_done(ApiSchema *s);

/* Builds an ApiSchema from upstream's notation; strings point into j, which must outlive it. */
static void schema_from_json(const json_t *j, const char *name, ApiSchema *s) {
        const json_t *props = json_object_get(j, "properties"), *items = json_object_get(j, "items");

        *s = (ApiSchema) {
                .name = name,
                .type = type_from_string(json_object_get_string(j, "type")),
                .optional = json_is_true(json_object_get(j, "optional")) ||
                            json_integer_value(json_object_get(j, "optional")) != 0,
                .renderer = json_object_get_string(j, "renderer"),
                .title = json_object_get_string(j, "title"),
                .max_length = (size_t) json_integer_value(json_object_get(j, "maxLength")),
        };
        if (props) {
                ApiSchema *list = new0(ApiSchema, json_object_size(props) + 1);
                size_t n = 0;
                const char *k;
                json_t *v;

                json_object_foreach((json_t *) props, k, v)
                        schema_from_json(v, k, &list[n++]);
                s->properties = list;
        }
        if (items) {
                ApiSchema *it = new0(ApiSchema, 1);

                schema_from_json(items, NULL, it);
                s->items = it;
        }
}

static void schema_done(ApiSchema *s) {
        for (ApiSchema *p = (ApiSchema *) s->properties; p && p->name; p++)
                schema_done(p);
        free((ApiSchema *) s->properties);
        if (s->items) {
                schema_done((ApiSchema *) s->items);
                free((ApiSchema *) s->items);
        }
}

static bool run_output_case(const char *dir, const char *name) {
        _cleanup_free_ char *jpath = xasprintf("%s/%s.json", dir, name), *opath = xasprintf("%s/%s.out", dir, name);
        _cleanup_free_ char *want = read_test_file(opath), *got = NULL;
        _cleanup_json_ json_t *c = NULL;
        _cleanup_strv_free_ char **props = NULL;
        const json_t *opts, *term, *schema, *sk;
        ApiSchema returns = {};
        OutputOptions o = {};
        json_error_t jerr;
        size_t len = 0, i;
        json_t *p;
        FILE *f;

        c = json_load_file(jpath, JSON_DECODE_ANY, &jerr);
        if (!c)
                fail_msg("%s: %s", jpath, jerr.text);
        opts = json_object_get(c, "options");
        term = json_object_get(c, "terminal");
        schema = json_object_get(c, "schema");

        o.format = OUTPUT_TEXT;
        if (json_object_get(opts, "output-format"))
                o.format = (OutputFormat) output_format_from_string(json_object_get_string(opts, "output-format"));
        o.noborder = json_integer_value(json_object_get(opts, "noborder")) != 0;
        o.noheader = json_integer_value(json_object_get(opts, "noheader")) != 0;
        o.quiet = json_integer_value(json_object_get(opts, "quiet")) != 0;
        sk = json_object_get(opts, "human-readable");
        o.raw = sk && json_integer_value(sk) == 0;
        sk = json_object_get(opts, "sort_key");
        o.sort_key = !sk ? NULL : json_is_string(sk) ? json_string_value(sk) : "";
        o.utf8 = json_integer_value(json_object_get(term, "utf8")) != 0;
        o.columns = (unsigned) json_integer_value(json_object_get(term, "columns"));

        json_array_foreach(json_object_get(c, "props"), i, p)
                strv_extend(&props, json_string_value(p));

        if (json_is_object(schema))
                schema_from_json(schema, NULL, &returns);

        f = open_memstream(&got, &len);
        assert_non_null(f);
        output_print_result(f, json_object_get(c, "data"), json_is_object(schema) ? &returns : NULL,
                            json_object_get(c, "props") ? (const char *const *) props : NULL, &o);
        assert_int_equal(fclose(f), 0);
        schema_done(&returns);

        if (streq(got, want))
                return true;
        print_error("%s: output differs from upstream's\n--- got:\n%s--- want:\n%s---\n", name, got, want);
        return false;
}

static void test_cliformatter_fixtures(void **state) {
        _cleanup_free_ char *dir = xasprintf("%s/output", fixture_dir());
        _cleanup_strv_free_ char **names = list_fixture_cases(dir, ".json");
        size_t failed = 0;

        assert_true(strv_length(names) >= 40);
        STRV_FOREACH(n, names)
                if (!run_output_case(dir, *n))
                        failed++;
        if (failed > 0)
                fail_msg("%zu of %zu cases differ from upstream", failed, strv_length(names));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_renderers),
                cmocka_unit_test(test_canonical_json),
                cmocka_unit_test(test_canonical_json_file),
                cmocka_unit_test(test_cliformatter_fixtures),
        };

        json_setup_allocator();
        return RUN_TESTS(tests);
}
