/* SPDX-License-Identifier: AGPL-3.0-or-later */

/* Node config: parse never crashes; format then parse is stable. */

#include <assert.h>

#include "api/json-util.h"
#include "basic/alloc.h"
#include "fuzz.h"
#include "nodecfg/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *err = NULL, *out = NULL, *out2 = NULL;
        NodeConfig c = {}, c2 = {};

        json_setup_allocator();
        if (node_config_parse("config", (const char *) data, size, &c, &err) < 0)
                return 0;
        out = node_config_format(&c, &err);
        if (!out)
                goto done;
        if (node_config_parse("config", out, strlen(out), &c2, &err) < 0) {
                fprintf(stderr, "reparse failed: %s\n", err);
                abort();
        }
        out2 = node_config_format(&c2, &err);
        assert(out2 && streq(out, out2));
        node_config_done(&c2);
done:
        node_config_done(&c);
        return 0;
}
