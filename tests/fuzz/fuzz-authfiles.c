/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * shadow.cfg and token.cfg parsers (formatting then reparsing gives the same
 * table) and the ticket splitter, on arbitrary bytes.
 */

#include <assert.h>
#include <string.h>

#include "access/secrets.h"
#include "access/ticket.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "fuzz.h"

static void roundtrip(json_t *(*parse)(const char *, size_t), char *(*format)(const json_t *), const char *data,
                      size_t size) {
        _cleanup_json_ json_t *a = parse(data, size), *b = NULL;
        _cleanup_free_ char *text = format(a);

        b = parse(text, strlen(text));
        assert(json_equal(a, b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = xstrndup((const char *) data, size);
        _cleanup_free_ char *plain = NULL, *user = NULL, *sig = NULL;
        int64_t t;

        json_setup_allocator();
        roundtrip(shadow_parse, shadow_format, (const char *) data, size);
        roundtrip(token_secrets_parse, token_secrets_format, (const char *) data, size);
        if (ticket_split(s, &plain, &user, &t, &sig) >= 0)
                assert(strncmp(plain, "PVE:", 4) == 0 && t >= 0);
        return 0;
}
