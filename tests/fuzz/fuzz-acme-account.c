/* SPDX-License-Identifier: AGPL-3.0-or-later */

/* Account files: parse never crashes; a parsed account formats to a file that parses again identically. */

#include <assert.h>

#include "acme/account.h"
#include "basic/alloc.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *err = NULL, *err2 = NULL, *text = NULL, *text2 = NULL;
        AcmeAccount a = {}, b = {};

        if (acme_account_parse("fuzz", (const char *) data, size, &a, &err) < 0) {
                assert(err);
                return 0;
        }
        text = acme_account_format(&a);
        assert(acme_account_parse("fuzz", text, strlen(text), &b, &err2) == 0);
        text2 = acme_account_format(&b);
        assert(streq(text, text2));
        acme_account_done(&a);
        acme_account_done(&b);
        return 0;
}
