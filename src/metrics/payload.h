/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The encoded data for one metric server and one cycle: a list of request
 * bodies or datagrams, each sent as one unit.
 *
 * Text protocols are batched as upstream's add_metric_data() does: chunks
 * (lines) are appended to the current batch, which is flushed first when
 * the chunk would make it reach the batch size; a single chunk larger than
 * the batch size is still sent, alone.
 */

#include <stddef.h>

#include "basic/strbuf.h"

typedef struct Payload {
        char *data;
        size_t len;
} Payload;

typedef struct Payloads {
        Payload *items;
        size_t n;
        size_t batch_size; /* text batching: limit of one item */
        StrBuf pending;    /* text batching: the item being filled */
} Payloads;

#define PAYLOADS_INIT(size) { .batch_size = (size), .pending = STRBUF_INIT }

/* Appends a finished item (takes ownership of data). */
void payloads_push(Payloads *p, char *data, size_t len);
/* Appends a chunk to the pending batch, flushing it first when full. */
void payloads_add_chunk(Payloads *p, const char *chunk, size_t len);
/* Flushes the pending batch. */
void payloads_flush(Payloads *p);
void payloads_done(Payloads *p);
/* Total bytes of all items. */
size_t payloads_size(const Payloads *p);
