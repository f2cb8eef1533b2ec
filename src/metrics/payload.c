/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include "basic/alloc.h"
#include "metrics/payload.h"

void payloads_push(Payloads *p, char *data, size_t len) {
        p->items = xreallocarray(p->items, p->n + 1, sizeof(Payload));
        p->items[p->n++] = (Payload) { .data = data, .len = len };
}

void payloads_flush(Payloads *p) {
        size_t len;
        char *data;

        if (p->pending.len == 0)
                return;
        data = strbuf_detach(&p->pending, &len);
        payloads_push(p, data, len);
}

void payloads_add_chunk(Payloads *p, const char *chunk, size_t len) {
        if (p->pending.len + len >= p->batch_size)
                payloads_flush(p);
        strbuf_add(&p->pending, chunk, len);
}

void payloads_done(Payloads *p) {
        for (size_t i = 0; i < p->n; i++)
                free(p->items[i].data);
        free(p->items);
        strbuf_release(&p->pending);
        *p = (Payloads) { .pending = STRBUF_INIT };
}

size_t payloads_size(const Payloads *p) {
        size_t n = 0;

        for (size_t i = 0; i < p->n; i++)
                n += p->items[i].len;
        return n;
}
