/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * Section config: parse never crashes; what parses formats to text that
 * parses again to the same sections and formats to the same text.
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

static const SectionType demo_types[] = {
        { "graphite", demo_options },
        { "influxdb", demo_options },
        {},
};

static const SectionSchema demo_schema = { .types = demo_types, .id_format = "pve-configid" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = xstrndup((const char *) data, size), *out = NULL, *out2 = NULL, *err = NULL;
        SectionConfig cfg = {}, cfg2 = {};

        json_setup_allocator();
        if (sectioncfg_parse(&demo_schema, "fuzz.cfg", text, &cfg, &err) < 0)
                return 0;
        /* Rewrite every section in canonical form, then round-trip. */
        for (size_t i = 0; i < cfg.n_sections; i++)
                cfg.sections[i].raw = mfree(cfg.sections[i].raw);
        out = sectioncfg_format(&demo_schema, &cfg);
        free(err);
        err = NULL;
        if (sectioncfg_parse(&demo_schema, "fuzz.cfg", out, &cfg2, &err) < 0) {
                fprintf(stderr, "reparse failed: %s\n", err);
                abort();
        }
        assert(cfg2.n_sections == cfg.n_sections);
        for (size_t i = 0; i < cfg2.n_sections; i++)
                cfg2.sections[i].raw = mfree(cfg2.sections[i].raw);
        out2 = sectioncfg_format(&demo_schema, &cfg2);
        assert(streq(out, out2));
        sectioncfg_done(&cfg);
        sectioncfg_done(&cfg2);
        return 0;
}
