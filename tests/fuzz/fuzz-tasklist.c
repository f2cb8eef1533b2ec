/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * Task files: the active list and index lines parse without crashing; what
 * parses formats back to text that parses to the same entries; every UPID
 * that decodes encodes back to the same UPID (upstream accepts lower-case
 * hex fields and a pstart of 9 digits, and writes upper case and at least 8
 * digits, so the text may differ).
 */

#include <assert.h>

#include "basic/alloc.h"
#include "fuzz.h"
#include "tasks/tasklist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = xstrndup((const char *) data, size), *out = NULL, *out2 = NULL;
        TaskList l = {}, l2 = {};
        TaskEntry e;

        tasklist_parse_active(text, &l);
        for (size_t i = 0; i < l.n; i++) {
                _cleanup_free_ char *again = upid_encode(&l.entries[i].u);
                const Upid *u = &l.entries[i].u;
                Upid v;

                assert(upid_decode(again, &v) == 0);
                assert(streq(v.node, u->node) && v.pid == u->pid && v.pstart == u->pstart &&
                       v.starttime == u->starttime && streq(v.type, u->type) && streq(v.id, u->id) &&
                       streq(v.user, u->user));
                upid_done(&v);
        }
        out = tasklist_format_active(&l);
        tasklist_parse_active(out, &l2);
        assert(l2.n == l.n);
        out2 = tasklist_format_active(&l2);
        assert(streq(out, out2));
        tasklist_done(&l);
        tasklist_done(&l2);

        if (task_entry_parse_index(text, &e) >= 0)
                task_entry_done(&e);
        return 0;
}
