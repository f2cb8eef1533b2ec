/* SPDX-License-Identifier: AGPL-3.0-or-later */

/* Every ACME document parser on the same bytes: no crash, no leak, errors come with a message. */

#include <assert.h>

#include "acme/protocol.h"
#include "basic/alloc.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *text = (const char *) data;
        _cleanup_free_ char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL;
        AcmeDirectory d = {};
        AcmeOrder o = {};
        AcmeAuthorization a = {};
        AcmeRenewalInfo r = {};
        AcmeProblem p = {};

        if (acme_parse_directory(text, size, &d, &e1) < 0)
                assert(e1);
        if (acme_parse_order(text, size, &o, &e2) < 0)
                assert(e2);
        if (acme_parse_authorization(text, size, &a, &e3) < 0)
                assert(e3);
        if (acme_parse_renewal_info(text, size, &r, &e4) < 0)
                assert(e4);
        if (acme_parse_problem(text, size, &p) >= 0)
                free(acme_problem_text(&p));
        acme_directory_done(&d);
        acme_order_done(&o);
        acme_authorization_done(&a);
        acme_renewal_info_done(&r);
        acme_problem_done(&p);
        return 0;
}
