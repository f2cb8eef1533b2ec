/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Cursor: a bounded reader over untrusted bytes, after Knot's wire_ctx.
 *
 * Every read checks the remaining length. The first failure is recorded in
 * the cursor (sticky) and every later read returns zeroes / empty results,
 * so parsing code can run straight through and check cursor_error() once.
 *
 *         Cursor c = CURSOR_INIT(data, len);
 *         while (cursor_read_line(&c, &line, &n)) ... ;
 *         if (cursor_error(&c) < 0) ...
 *
 * The line reader also enforces a maximum line length and refuses NUL
 * bytes, which is what text configuration parsers want from untrusted files.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Cursor {
        const uint8_t *pos, *end;
        size_t line;     /* number of the line last returned, 1-based */
        size_t max_line; /* longest acceptable line; 0: no limit */
        int error;       /* first error, negative errno; 0 if none */
} Cursor;

#define CURSOR_INIT(data, len) \
        ((Cursor) { .pos = (const uint8_t *) (data), .end = (const uint8_t *) (data) + (len) })

static inline size_t cursor_remaining(const Cursor *c) {
        return c->error ? 0 : (size_t) (c->end - c->pos);
}
static inline int cursor_error(const Cursor *c) {
        return c->error;
}
/* Records err (negative errno) unless an earlier error is already recorded. */
void cursor_fail(Cursor *c, int err);

uint8_t cursor_read_u8(Cursor *c);
uint16_t cursor_read_be16(Cursor *c);
uint32_t cursor_read_be32(Cursor *c);
uint16_t cursor_read_le16(Cursor *c);
uint32_t cursor_read_le32(Cursor *c);
/* Copies n bytes to dst (zero-filled on failure). */
void cursor_read(Cursor *c, void *dst, size_t n);
/* Returns a pointer to the next n bytes and advances, or NULL. */
const uint8_t *cursor_take(Cursor *c, size_t n);
void cursor_skip(Cursor *c, size_t n);

/*
 * Returns the next line (without "\n" or "\r\n") through ret/ret_len and
 * true, or false at the end of input or on error. Fails with -EBADMSG on a
 * NUL byte and -E2BIG on a line longer than max_line.
 */
bool cursor_read_line(Cursor *c, const char **ret, size_t *ret_len);
/*
 * Like cursor_read_line(), but frees *line and stores a malloc'd,
 * NUL-terminated copy of the next line there; *line is NULL at the end.
 */
bool cursor_read_line_dup(Cursor *c, char **line);
