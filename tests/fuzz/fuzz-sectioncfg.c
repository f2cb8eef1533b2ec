/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * Section config, strict and with unknown types allowed. For every input
 * that parses:
 * - lossless: formatting the unchanged config gives the input back;
 * - canonical: every section rewritten parses again to the same sections
 *   and formats to the same text;
 * - editing: removing the first section and updating the next one leaves
 *   a file that parses to the remaining sections.
 */

#include <assert.h>

#include "api/json-util.h"
#include "api/sectioncfg.h"
#include "basic/alloc.h"
#include "fuzz.h"

static const ApiSchema demo_options[] = {
        { .name = "server", .type = API_TYPE_STRING, .format = "dns-name" },
        { .name = "port", .type = API_TYPE_INTEGER, .optional = true, .minimum = API_LIMIT(1),
          .maximum = API_LIMIT(65535) },
        { .name = "disable", .type = API_TYPE_BOOLEAN, .optional = true },
        { .name = "comment", .type = API_TYPE_STRING, .optional = true },
        { .name = "path", .type = API_TYPE_STRING, .optional = true },
        {},
};

/* upstream's section_config_test.pl types */
static const ApiSchema subfields[] = {
        { .name = "subfield1", .type = API_TYPE_STRING },
        { .name = "subfield2", .type = API_TYPE_INTEGER, .optional = true, .minimum = API_LIMIT(0) },
        {},
};
static const ApiSchema subfield_item = { .type = API_TYPE_STRING, .format_keys = subfields };
static const ApiSchema one_options[] = {
        { .name = "common", .type = API_TYPE_STRING, .optional = true, .max_length = 512 },
        { .name = "field1", .type = API_TYPE_INTEGER, .minimum = API_LIMIT(3), .maximum = API_LIMIT(9) },
        { .name = "another", .type = API_TYPE_STRING, .optional = true },
        {},
};
static const ApiSchema two_options[] = {
        { .name = "common", .type = API_TYPE_STRING, .optional = true, .max_length = 512 },
        { .name = "field2", .type = API_TYPE_INTEGER, .minimum = API_LIMIT(3), .maximum = API_LIMIT(9) },
        { .name = "another", .type = API_TYPE_STRING },
        { .name = "arrayfield", .type = API_TYPE_ARRAY, .items = &subfield_item, .optional = true },
        {},
};

static const SectionType types[] = {
        { "graphite", demo_options },
        { "influxdb", demo_options },
        { "one", one_options },
        { "two", two_options },
        {},
};

static const SectionSchema schemas[] = {
        { .types = types, .id_format = "pve-configid" },
        { .types = types, .id_format = "pve-configid", .allow_unknown = true },
};

static void assert_same_sections(const SectionConfig *a, size_t from, const SectionConfig *b) {
        assert(a->n_sections - from == b->n_sections);
        for (size_t i = 0; i < b->n_sections; i++) {
                assert(streq(a->sections[from + i].id, b->sections[i].id));
                assert(streq(a->sections[from + i].type, b->sections[i].type));
                assert(json_equal(a->sections[from + i].values, b->sections[i].values));
        }
}

static void check(const SectionSchema *schema, const char *text) {
        _cleanup_(sectioncfg_done) SectionConfig cfg = {}, again = {}, third = {}, edited = {};
        _cleanup_free_ char *err = NULL, *same = NULL, *out = NULL, *out2 = NULL, *out3 = NULL;

        if (sectioncfg_parse(schema, "fuzz.cfg", text, &cfg, &err) < 0)
                return;

        same = sectioncfg_format(schema, &cfg);
        assert(streq(same, text));

        for (size_t i = 0; i < cfg.n_sections; i++)
                cfg.sections[i].raw = mfree(cfg.sections[i].raw);
        out = sectioncfg_format(schema, &cfg);
        if (sectioncfg_parse(schema, "fuzz.cfg", out, &again, &err) < 0) {
                fprintf(stderr, "reparse failed: %s\n", err);
                abort();
        }
        assert_same_sections(&cfg, 0, &again);
        for (size_t i = 0; i < again.n_sections; i++)
                again.sections[i].raw = mfree(again.sections[i].raw);
        out2 = sectioncfg_format(schema, &again);
        assert(streq(out, out2));

        /* Edit the file as read: drop the first section, touch the next one of a known type. */
        if (cfg.n_sections == 0 || sectioncfg_parse(schema, "fuzz.cfg", text, &third, &err) < 0)
                return;
        assert(sectioncfg_remove(&third, third.sections[0].id) == 0);
        if (third.n_sections > 0 && sectioncfg_type(schema, third.sections[0].type)) {
                _cleanup_json_ json_t *params = json_object();
                _cleanup_free_ char *uerr = NULL;

                assert(section_update(schema, &third.sections[0], params, NULL, false, &uerr) == 0);
        }
        out3 = sectioncfg_format(schema, &third);
        if (sectioncfg_parse(schema, "fuzz.cfg", out3, &edited, &err) < 0) {
                fprintf(stderr, "edited file does not parse: %s\n%s", err, out3);
                abort();
        }
        assert_same_sections(&cfg, 1, &edited);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = xstrndup((const char *) data, size);

        json_setup_allocator();
        /* Parsing takes NUL-terminated text (sectioncfg_load() refuses NUL bytes). */
        if (strlen(text) != size)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(schemas); i++)
                check(&schemas[i], text);
        return 0;
}
