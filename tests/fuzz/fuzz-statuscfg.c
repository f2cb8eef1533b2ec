/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * status.cfg: parse never crashes; every parsed section converts to a
 * metric server, and the history line parser accepts any input safely.
 */

#include "api/json-util.h"
#include "basic/alloc.h"
#include "fuzz.h"
#include "metrics/config.h"
#include "metrics/history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = xstrndup((const char *) data, size), *err = NULL, *out = NULL;
        SectionConfig cfg = {};
        json_t *entries;

        json_setup_allocator();
        entries = metric_history_export(text, true, -1);
        json_decref(entries);
        if (status_cfg_parse(text, &cfg, &err) < 0)
                return 0;
        for (size_t i = 0; i < cfg.n_sections; i++) {
                MetricServer m;

                metric_server_from_section(&cfg.sections[i], &m);
                metric_server_done(&m);
        }
        out = sectioncfg_format(&status_cfg_schema, &cfg);
        sectioncfg_done(&cfg);
        return 0;
}
