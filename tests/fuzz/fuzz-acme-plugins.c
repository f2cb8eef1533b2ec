/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * plugins.cfg with the ACME plugin schema: what parses formats to text that
 * parses again to the same text; plugin data decodes or is refused.
 */

#include <assert.h>

#include "acme/plugins.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = xstrndup((const char *) data, size), *out = NULL, *out2 = NULL, *err = NULL;
        SectionConfig cfg = {}, cfg2 = {};

        json_setup_allocator();
        if (sectioncfg_parse(&acme_plugin_schema, "plugins.cfg", text, &cfg, &err) < 0)
                return 0;
        for (size_t i = 0; i < cfg.n_sections; i++) {
                const char *d = json_object_get_string(cfg.sections[i].values, "data");

                free(d ? acme_plugin_data_decode(d) : NULL);
                cfg.sections[i].raw = mfree(cfg.sections[i].raw);
        }
        out = sectioncfg_format(&acme_plugin_schema, &cfg);
        free(err);
        err = NULL;
        assert(sectioncfg_parse(&acme_plugin_schema, "plugins.cfg", out, &cfg2, &err) == 0);
        for (size_t i = 0; i < cfg2.n_sections; i++)
                cfg2.sections[i].raw = mfree(cfg2.sections[i].raw);
        out2 = sectioncfg_format(&acme_plugin_schema, &cfg2);
        assert(streq(out, out2));
        sectioncfg_done(&cfg);
        sectioncfg_done(&cfg2);
        return 0;
}
