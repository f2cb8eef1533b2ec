/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * Section config (src/api/sectioncfg.h), with the cases of upstream's
 * pve-common test/section_config_test.pl and
 * test/section_config_property_isolation_test.pl as fixtures in
 * tests/fixtures/sectioncfg/<schema>/: for each <case>.cfg either
 * <case>.json (the sections, in file order, with their typed values) or
 * <case>.err (the exact error). Like upstream's expect_success(), a parsed
 * file is also written in canonical form and parsed again to the same data.
 *
 * Where we differ from upstream by design, the cases assert our documented
 * behaviour: upstream warns and skips what it cannot read, we refuse the
 * file with "<file>:<line>: <problem>" (the *-forbidden and err-* cases);
 * upstream rewrites every section, we keep untouched text byte for byte
 * (every successful case checks that formatting an unchanged file gives
 * the input back).
 *
 * upstream's test/SectionConfig/ scripts compare the create/update schemas that
 * PVE::SectionConfig generates from the plugins; our API methods declare
 * their parameters themselves, so what carries over is the per-type meaning
 * of an option (required for one type, optional or absent for another),
 * checked through section_update() below.
 */

#include "test-util.h"
#include "api/json-util.h"
#include "api/sectioncfg.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"

/* ---- schemas ------------------------------------------------------------ */

/* section_config_test.pl: Conf (common, id), Conf::One, Conf::Two. */
static const ApiSchema propstr_keys[] = {
        { .name = "subfield1", .type = API_TYPE_STRING, .description = "first subfield" },
        { .name = "subfield2", .type = API_TYPE_INTEGER, .optional = true, .minimum = API_LIMIT(0) },
        {},
};
static const ApiSchema propstr_item = { .type = API_TYPE_STRING, .format_keys = propstr_keys };

#define COMMON { .name = "common", .type = API_TYPE_STRING, .max_length = 512, .optional = true }
#define ARRAYFIELD { .name = "arrayfield", .type = API_TYPE_ARRAY, .items = &propstr_item, .optional = true }
#define FIELD(n, lo, hi) { .name = (n), .type = API_TYPE_INTEGER, .minimum = API_LIMIT(lo), .maximum = API_LIMIT(hi) }
#define ANOTHER(opt) { .name = "another", .type = API_TYPE_STRING, .optional = (opt) }

static const ApiSchema conf_one[] = { COMMON, FIELD("field1", 3, 9), ANOTHER(true), {} };
static const ApiSchema conf_two[] = { COMMON, FIELD("field2", 3, 9), ANOTHER(false), ARRAYFIELD, {} };
static const SectionType conf_types[] = { { "one", conf_one }, { "two", conf_two }, {} };

/* section_config_property_isolation_test.pl: field2 has a different range per type. */
static const ApiSchema iso_one[] = {
        COMMON, FIELD("field1", 3, 9), FIELD("field2", 10, 19), ANOTHER(true), ARRAYFIELD, {},
};
static const ApiSchema iso_two[] = { COMMON, FIELD("field2", 3, 9), ANOTHER(false), ARRAYFIELD, {} };
static const SectionType iso_types[] = { { "one", iso_one }, { "two", iso_two }, {} };

/* Our own cases: a metric-server-like file with a boolean and the usual comment/disable keys. */
#define OURS_OPTIONS                                                                                    \
        { .name = "server", .type = API_TYPE_STRING, .format = "dns-name" },                            \
        { .name = "port", .type = API_TYPE_INTEGER, .optional = true, .minimum = API_LIMIT(1),          \
          .maximum = API_LIMIT(65535) },                                                                \
        { .name = "disable", .type = API_TYPE_BOOLEAN, .optional = true },                              \
        { .name = "comment", .type = API_TYPE_STRING, .optional = true },                               \
        { .name = "path", .type = API_TYPE_STRING, .optional = true }

static const ApiSchema ours_options[] = { OURS_OPTIONS, {} };
static const ApiSchema ours_influx_options[] = {
        OURS_OPTIONS,
        { .name = "bucket", .type = API_TYPE_STRING, .optional = true },
        {},
};
static const SectionType ours_types[] = { { "graphite", ours_options }, { "influxdb", ours_influx_options }, {} };

static const struct {
        const char *dir;
        SectionSchema schema;
} fixture_sets[] = {
        { "conf", { conf_types, "pve-configid", false } },
        { "conf-unknown", { conf_types, "pve-configid", true } },
        { "isolation", { iso_types, "pve-configid", false } },
        { "isolation-unknown", { iso_types, "pve-configid", true } },
        { "ours", { ours_types, "pve-configid", false } },
};

static const SectionSchema ours = { ours_types, "pve-configid", false };

/* ---- helpers ------------------------------------------------------------ */

/* The model as the fixtures write it: [{"id", "type", "values"}] in file order. */
static json_t *model(const SectionConfig *cfg) {
        json_t *a = json_array();

        for (size_t i = 0; i < cfg->n_sections; i++)
                json_array_append_new(a, json_pack("{s:s,s:s,s:O}", "id", cfg->sections[i].id, "type",
                                                   cfg->sections[i].type, "values", cfg->sections[i].values));
        return a;
}

static void assert_json_equal(const json_t *got, const json_t *want, const char *what) {
        if (!json_equal(got, want)) {
                _cleanup_free_ char *g = json_dump_canonical(got), *w = json_dump_canonical(want);
                fail_msg("%s:\n got: %s\nwant: %s", what, g, w);
        }
}

static SectionConfig parse_ok(const SectionSchema *schema, const char *text) {
        _cleanup_free_ char *err = NULL;
        SectionConfig cfg = {};

        if (sectioncfg_parse(schema, "test.cfg", text, &cfg, &err) < 0)
                fail_msg("parse failed: %s", err);
        return cfg;
}

static char *parse_err(const SectionSchema *schema, const char *text) {
        SectionConfig cfg = {};
        char *err = NULL;

        assert_int_equal(sectioncfg_parse(schema, "test.cfg", text, &cfg, &err), -EINVAL);
        assert_non_null(err);
        return err;
}

static char *reformat_all(const SectionSchema *schema, SectionConfig *cfg) {
        for (size_t i = 0; i < cfg->n_sections; i++)
                cfg->sections[i].raw = mfree(cfg->sections[i].raw);
        return sectioncfg_format(schema, cfg);
}

/* ---- fixtures ----------------------------------------------------------- */

static void run_case(const SectionSchema *schema, const char *dir, const char *name) {
        _cleanup_free_ char *cfgpath = xasprintf("%s/%s.cfg", dir, name),
                            *jsonpath = xasprintf("%s/%s.json", dir, name),
                            *errpath = xasprintf("%s/%s.err", dir, name), *file = xasprintf("%s.cfg", name);
        _cleanup_free_ char *text = read_test_file(cfgpath), *err = NULL, *same = NULL, *canonical = NULL;
        _cleanup_(sectioncfg_done) SectionConfig cfg = {}, again = {};
        _cleanup_json_ json_t *got = NULL, *want = NULL, *got2 = NULL;
        char digest[SHA1_HEX_SIZE];
        json_error_t jerr;
        int r;

        r = sectioncfg_parse(schema, file, text, &cfg, &err);
        if (access(errpath, F_OK) == 0) {
                _cleanup_free_ char *expected = read_test_file(errpath);

                if (r >= 0)
                        fail_msg("%s/%s: parsed, but should fail with: %s", dir, name, expected);
                assert_int_equal(r, -EINVAL);
                assert_string_equal(strstrip(expected), err);
                return;
        }
        if (r < 0)
                fail_msg("%s/%s: %s", dir, name, err);

        want = json_load_file(jsonpath, 0, &jerr);
        if (!want)
                fail_msg("%s: %s", jsonpath, jerr.text);
        got = model(&cfg);
        assert_json_equal(got, want, cfgpath);

        /* Upstream's digest: SHA-1 of the file's bytes. */
        sha1_hex(text, strlen(text), digest);
        assert_string_equal(cfg.digest, digest);

        /* Lossless: nothing changed, every byte comes back. */
        same = sectioncfg_format(schema, &cfg);
        assert_string_equal(same, text);

        /* Upstream's "verify rewritten data": canonical output parses to the same data. */
        canonical = reformat_all(schema, &cfg);
        if (sectioncfg_parse(schema, file, canonical, &again, &err) < 0)
                fail_msg("%s: canonical form does not parse: %s\n%s", cfgpath, err, canonical);
        got2 = model(&again);
        assert_json_equal(got2, want, "canonical form");
}

static void test_fixtures(void **state) {
        size_t cases = 0;

        for (size_t i = 0; i < ELEMENTSOF(fixture_sets); i++) {
                _cleanup_free_ char *dir = xasprintf("%s/sectioncfg/%s", fixture_dir(), fixture_sets[i].dir);
                _cleanup_strv_free_ char **names = list_fixture_cases(dir, ".cfg");

                STRV_FOREACH(n, names) {
                        run_case(&fixture_sets[i].schema, dir, *n);
                        cases++;
                }
        }
        /* Every fixture set was found and read. */
        assert_int_equal(cases, 30);
}

/* ---- canonical form ----------------------------------------------------- */

static void test_canonical_false_boolean(void **state) {
        _cleanup_(sectioncfg_done) SectionConfig cfg = parse_ok(&ours, "graphite: g1\n\tdisable 0\n\tserver a\n");
        _cleanup_free_ char *out = NULL;

        assert_true(json_is_false(json_object_get(cfg.sections[0].values, "disable")));
        /* Upstream writes "disable" only when set. */
        out = reformat_all(&ours, &cfg);
        assert_string_equal(out, "graphite: g1\n\tserver a\n\n");
}

static void test_canonical_order(void **state) {
        /* Upstream's write order: comment, disable, required keys sorted, optional keys sorted. */
        _cleanup_(sectioncfg_done) SectionConfig cfg =
                parse_ok(&ours, "influxdb: i1\n\tpath /x\n\tbucket b\n\tdisable 1\n\tserver s.example\n\tcomment hi\n");
        _cleanup_free_ char *out = reformat_all(&ours, &cfg);

        assert_string_equal(out,
                            "influxdb: i1\n\tcomment hi\n\tdisable\n\tserver s.example\n\tbucket b\n\tpath /x\n\n");
}

static void test_array_lines(void **state) {
        static const SectionSchema conf = { conf_types, "pve-configid", false };
        _cleanup_(sectioncfg_done) SectionConfig cfg = parse_ok(
                &conf,
                "two: t3\n\tarrayfield subfield1=a\n\tfield2 5\n\tanother x\n\tarrayfield subfield1=b,subfield2=1\n");
        _cleanup_free_ char *out = reformat_all(&conf, &cfg), *err = NULL;

        assert_string_equal(out, "two: t3\n\tanother x\n\tfield2 5\n\tarrayfield subfield1=a\n"
                                 "\tarrayfield subfield1=b,subfield2=1\n\n");
        /* Each element is checked against the property-string format. */
        err = parse_err(&conf, "two: t3\n\tfield2 5\n\tanother x\n\tarrayfield subfield1=a,subfield2=-1\n");
        assert_string_equal(err, "test.cfg:4: unable to parse value of 'arrayfield': invalid format - format error\n"
                                 "arrayfield.subfield2: value must have a minimum value of 0");
}

static void test_unknown_section_canonical(void **state) {
        static const SectionSchema conf = { conf_types, "pve-configid", true };
        _cleanup_(sectioncfg_done) SectionConfig cfg =
                parse_ok(&conf, "bad: x1\n\tzeta 1\n\tcomment c\n\tlist a\n\tlist b\n\tflag\n");
        _cleanup_free_ char *out = reformat_all(&conf, &cfg), *err = NULL;
        _cleanup_json_ json_t *none = json_object();

        /* Upstream writes unknown sections with comment first, then the keys sorted. */
        assert_string_equal(out, "bad: x1\n\tcomment c\n\tflag\n\tlist a\n\tlist b\n\tzeta 1\n\n");
        /* They cannot be changed through the API. */
        assert_int_equal(section_update(&conf, sectioncfg_find(&cfg, "x1"), none, NULL, false, &err), -EINVAL);
        assert_string_equal(err, "unknown section type 'bad'");
}

/* ---- lossless editing --------------------------------------------------- */

/* A hand-written file: a header, comments above and inside sections, odd spacing. */
#define HEADER "# file header\n\n"
#define G1 "# about g1\ngraphite: g1\n    server   g1.example    \n\t# inside g1\n\tport 2003\n"
#define I1_ABOVE "# about i1\n# second line about i1\n"
#define I1 I1_ABOVE "influxdb: i1\n\tserver i1.example\n\t# inside i1\n"
#define G2 "# about g2\ngraphite: g2\n\tserver g2.example\n"
#define END "# end of file\n"

static const char lossless_input[] = HEADER G1 "\n" I1 "\n" G2 "\n" END;

static void update(SectionConfig *cfg, const char *id, const char *json, const char *del) {
        _cleanup_json_ json_t *params = json_loads(json, 0, NULL);
        _cleanup_free_ char *err = NULL;
        Section *s = sectioncfg_find(cfg, id);

        assert_non_null(s);
        assert_non_null(params);
        if (section_update(&ours, s, params, del, false, &err) < 0)
                fail_msg("update of %s failed: %s", id, err);
}

static void test_lossless_update_other_section(void **state) {
        _cleanup_(sectioncfg_done) SectionConfig cfg = parse_ok(&ours, lossless_input);
        _cleanup_free_ char *out = NULL;

        update(&cfg, "i1", "{\"port\": 8089}", NULL);
        out = sectioncfg_format(&ours, &cfg);
        /* g1 and g2 keep their odd spacing and comments; i1 is canonical but keeps its comments. */
        assert_string_equal(out, HEADER G1 "\n" I1_ABOVE
                                 "influxdb: i1\n\t# inside i1\n\tserver i1.example\n\tport 8089\n"
                                 "\n" G2 "\n" END);
}

static void test_lossless_update_same_section(void **state) {
        _cleanup_(sectioncfg_done) SectionConfig cfg = parse_ok(&ours, lossless_input);
        _cleanup_free_ char *out = NULL;

        update(&cfg, "g1", "{\"server\": \"new.example\", \"digest\": \"ignored\", \"id\": \"g1\"}", "port");
        out = sectioncfg_format(&ours, &cfg);
        assert_string_equal(out, HEADER "# about g1\ngraphite: g1\n\t# inside g1\n\tserver new.example\n"
                                 "\n" I1 "\n" G2 "\n" END);
}

static void test_lossless_remove(void **state) {
        _cleanup_(sectioncfg_done) SectionConfig cfg = parse_ok(&ours, lossless_input);
        _cleanup_free_ char *out = NULL, *out2 = NULL, *out3 = NULL;

        /* i1 goes with its two comment lines; the file header and the other sections stay. */
        assert_int_equal(sectioncfg_remove(&cfg, "i1"), 0);
        out = sectioncfg_format(&ours, &cfg);
        assert_string_equal(out, HEADER G1 "\n" G2 "\n" END);

        /* The first section: the file header above the empty line is not its comment. */
        assert_int_equal(sectioncfg_remove(&cfg, "g1"), 0);
        out2 = sectioncfg_format(&ours, &cfg);
        assert_string_equal(out2, HEADER G2 "\n" END);

        assert_int_equal(sectioncfg_remove(&cfg, "g1"), -ENOENT);
        assert_int_equal(sectioncfg_remove(&cfg, "g2"), 0);
        out3 = sectioncfg_format(&ours, &cfg);
        assert_string_equal(out3, HEADER END);
}

static void test_lossless_add(void **state) {
        _cleanup_(sectioncfg_done) SectionConfig cfg = parse_ok(&ours, "# header\ngraphite: g1\n\tserver a\n");
        _cleanup_json_ json_t *params = json_pack("{s:s,s:b}", "server", "b.example", "disable", 1);
        _cleanup_free_ char *err = NULL, *out = NULL;
        Section *s = sectioncfg_add(&cfg, "graphite", "g2");

        assert_int_equal(section_update(&ours, s, params, NULL, true, &err), 0);
        out = sectioncfg_format(&ours, &cfg);
        /* The file had no final empty line; the new section is separated by one and ends with one. */
        assert_string_equal(out,
                            "# header\ngraphite: g1\n\tserver a\n\ngraphite: g2\n\tdisable\n\tserver b.example\n\n");
}

static void test_digest(void **state) {
        _cleanup_free_ char *changed = xasprintf("%s ", lossless_input), *err = NULL;
        _cleanup_(sectioncfg_done) SectionConfig a = parse_ok(&ours, lossless_input), b = parse_ok(&ours, changed),
                                                 empty = {};

        /* Known value: sha1("") as Digest::SHA::sha1_hex(''). */
        assert_int_equal(sectioncfg_parse(&ours, "e", "", &empty, &err), 0);
        assert_string_equal(empty.digest, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        /* One more space changes the digest: upstream hashes the raw bytes. */
        assert_int_equal(strlen(a.digest), 40);
        assert_string_not_equal(a.digest, b.digest);
}

static void test_load(void **state) {
        _cleanup_free_ char *dir = make_tmpdir(), *path = xasprintf("%s/status.cfg", dir), *err = NULL;
        _cleanup_(sectioncfg_done) SectionConfig cfg = {};

        /* A missing file is an empty config. */
        assert_int_equal(sectioncfg_load(&ours, path, &cfg, &err), 0);
        assert_int_equal(cfg.n_sections, 0);
        sectioncfg_done(&cfg);

        /* A NUL byte is refused (the parser sees NUL-terminated text). */
        assert_int_equal(write_file_atomic(path, "graphite: g1\n\tserver a\0b\n", 25, &WRITE_OPTIONS(0644, 0)), 0);
        assert_int_equal(sectioncfg_load(&ours, path, &cfg, &err), -EINVAL);
        assert_non_null(strstr(err, "NUL"));
        assert_non_null(strstr(err, path));
        rm_rf_tmpdir(TAKE_PTR(dir));
}

/* ---- section_update() --------------------------------------------------- */

static void test_update_semantics(void **state) {
        _cleanup_(sectioncfg_done) SectionConfig cfg = parse_ok(&ours, "graphite: g1\n\tserver a\n\tport 1\n");
        Section *s = sectioncfg_find(&cfg, "g1"), *n;
        _cleanup_json_ json_t *before = json_deep_copy(s->values);
        static const struct {
                const char *params, *del;
                bool create;
                const char *error;
        } refused[] = {
                /* Keys of another type are refused; unknown keys (digest, delete, id) are not options. */
                { "{\"bucket\": \"b\"}", NULL, false, "unexpected property 'bucket'" },
                { "{}", "server", false, "unable to delete required option 'server'" },
                { "{}", "nonsense", false, "no such option 'nonsense'" },
                { "{\"port\": 5}", "port", false, "cannot set and delete property 'port' at the same time!" },
                { "{\"port\": 5}", "path,server", false, "unable to delete required option 'server'" },
                /* A value must not break the file's lines (upstream's format_config_line()). */
                { "{\"comment\": \"two\\nlines\"}", NULL, false, "property 'comment' contains a line feed" },
                { "{\"path\": \"a\\rb\"}", NULL, false, "property 'path' contains a line feed" },
        };

        for (size_t i = 0; i < ELEMENTSOF(refused); i++) {
                _cleanup_json_ json_t *p = json_loads(refused[i].params, 0, NULL);
                _cleanup_free_ char *err = NULL;

                assert_int_equal(section_update(&ours, s, p, refused[i].del, refused[i].create, &err), -EINVAL);
                assert_string_equal(err, refused[i].error);
                /* A refused update changes nothing. */
                assert_true(json_equal(s->values, before));
                assert_non_null(s->raw);
        }

        /* delete accepts upstream's list separators. */
        update(&cfg, "g1", "{\"path\": \"/p\", \"comment\": \"c\"}", NULL);
        update(&cfg, "g1", "{}", "path;comment, port");
        assert_null(s->raw);
        {
                _cleanup_json_ json_t *want = json_pack("{s:s}", "server", "a");
                assert_true(json_equal(s->values, want));
        }

        /* Create: every required option must be there. */
        n = sectioncfg_add(&cfg, "influxdb", "i1");
        {
                _cleanup_json_ json_t *p = json_pack("{s:i}", "port", 1);
                _cleanup_free_ char *err = NULL;

                assert_int_equal(section_update(&ours, n, p, NULL, true, &err), -EINVAL);
                assert_string_equal(err, "missing value for required option 'server'");
        }
        {
                _cleanup_json_ json_t *p = json_pack("{s:s,s:s}", "server", "x", "bucket", "b");
                _cleanup_free_ char *err = NULL;

                assert_int_equal(section_update(&ours, n, p, NULL, true, &err), 0);
        }
}

/*
 * test/SectionConfig/schema_isolated_test.pl: "common" is required for type
 * one and optional for type two; prop-one exists only for one.
 */
static void test_per_type_options(void **state) {
        static const ApiSchema one[] = {
                { .name = "common", .type = API_TYPE_STRING },
                { .name = "prop-one", .type = API_TYPE_STRING, .optional = true },
                {},
        };
        static const ApiSchema two[] = {
                { .name = "common", .type = API_TYPE_STRING, .optional = true },
                { .name = "prop-two", .type = API_TYPE_STRING, .optional = true },
                {},
        };
        static const SectionType types[] = { { "one", one }, { "two", two }, {} };
        static const SectionSchema schema = { types, "pve-configid", false };
        _cleanup_(sectioncfg_done) SectionConfig cfg = {};
        _cleanup_free_ char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL;
        _cleanup_json_ json_t *none = json_object(), *p1 = json_pack("{s:s}", "prop-one", "x");
        Section *a, *b;

        sectioncfg_add(&cfg, "one", "a1");
        sectioncfg_add(&cfg, "two", "b1");
        a = sectioncfg_find(&cfg, "a1");
        b = sectioncfg_find(&cfg, "b1");

        assert_int_equal(section_update(&schema, a, none, NULL, true, &e1), -EINVAL);
        assert_string_equal(e1, "missing value for required option 'common'");
        assert_int_equal(section_update(&schema, b, none, NULL, true, &e2), 0);
        assert_int_equal(section_update(&schema, b, p1, NULL, false, &e3), -EINVAL);
        assert_string_equal(e3, "unexpected property 'prop-one'");
        e4 = parse_err(&schema, "two: b1\n\tprop-one x\n");
        assert_string_equal(e4, "test.cfg:2: unexpected property 'prop-one' in section 'b1'");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_fixtures),
                cmocka_unit_test(test_canonical_order),
                cmocka_unit_test(test_canonical_false_boolean),
                cmocka_unit_test(test_array_lines),
                cmocka_unit_test(test_unknown_section_canonical),
                cmocka_unit_test(test_lossless_update_other_section),
                cmocka_unit_test(test_lossless_update_same_section),
                cmocka_unit_test(test_lossless_remove),
                cmocka_unit_test(test_lossless_add),
                cmocka_unit_test(test_digest),
                cmocka_unit_test(test_load),
                cmocka_unit_test(test_update_semantics),
                cmocka_unit_test(test_per_type_options),
        };

        json_setup_allocator();
        return RUN_TESTS(tests);
}
