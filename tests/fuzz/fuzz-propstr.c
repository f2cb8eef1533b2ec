/* SPDX-License-Identifier: AGPL-3.0-or-later */

/* Property strings: parse never crashes; print then parse gives the same values. */

#include <assert.h>

#include "api/json-util.h"
#include "api/propstr.h"
#include "basic/alloc.h"
#include "fuzz.h"

static const ApiSchema keys[] = {
        { .name = "mac", .type = API_TYPE_STRING, .format = "mac-addr", .default_key = true },
        { .name = "bind-interface", .type = API_TYPE_STRING, .format = "pve-iface", .optional = true },
        { .name = "count", .type = API_TYPE_INTEGER, .optional = true, .minimum = API_LIMIT(0) },
        { .name = "flag", .type = API_TYPE_BOOLEAN, .optional = true },
        { .name = "text", .type = API_TYPE_STRING, .optional = true },
        {},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = xstrndup((const char *) data, size), *err = NULL, *printed = NULL;
        _cleanup_json_ json_t *v = NULL, *v2 = NULL;

        json_setup_allocator();
        if (propstr_parse(keys, text, "p", &v, &err) < 0)
                return 0;
        printed = propstr_format(keys, v, &err);
        if (!printed)
                return 0; /* values with commas cannot be printed, as upstream */
        if (propstr_parse(keys, printed, "p", &v2, &err) < 0) {
                fprintf(stderr, "reparse of '%s' failed: %s\n", printed, err);
                abort();
        }
        assert(json_equal(v, v2));
        return 0;
}
