/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <errno.h>
#include <string.h>

#include "alloc.h"
#include "cursor.h"

void cursor_fail(Cursor *c, int err) {
        if (!c->error)
                c->error = err;
}

const uint8_t *cursor_take(Cursor *c, size_t n) {
        const uint8_t *p;

        if (c->error)
                return NULL;
        if (n > (size_t) (c->end - c->pos)) {
                cursor_fail(c, -EBADMSG);
                return NULL;
        }
        p = c->pos;
        c->pos += n;
        return p;
}

void cursor_read(Cursor *c, void *dst, size_t n) {
        const uint8_t *p = cursor_take(c, n);

        if (p)
                memcpy(dst, p, n);
        else
                memset(dst, 0, n);
}

void cursor_skip(Cursor *c, size_t n) {
        (void) cursor_take(c, n);
}

uint8_t cursor_read_u8(Cursor *c) {
        const uint8_t *p = cursor_take(c, 1);

        return p ? p[0] : 0;
}

uint16_t cursor_read_be16(Cursor *c) {
        const uint8_t *p = cursor_take(c, 2);

        return p ? (uint16_t) (p[0] << 8 | p[1]) : 0;
}

uint32_t cursor_read_be32(Cursor *c) {
        const uint8_t *p = cursor_take(c, 4);

        return p ? (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3] : 0;
}

uint16_t cursor_read_le16(Cursor *c) {
        const uint8_t *p = cursor_take(c, 2);

        return p ? (uint16_t) (p[1] << 8 | p[0]) : 0;
}

uint32_t cursor_read_le32(Cursor *c) {
        const uint8_t *p = cursor_take(c, 4);

        return p ? (uint32_t) p[3] << 24 | (uint32_t) p[2] << 16 | (uint32_t) p[1] << 8 | p[0] : 0;
}

bool cursor_read_line(Cursor *c, const char **ret, size_t *ret_len) {
        const uint8_t *nl;
        size_t avail, n, next;

        if (c->error || c->pos >= c->end)
                return false;

        avail = (size_t) (c->end - c->pos);
        nl = memchr(c->pos, '\n', avail);
        n = nl ? (size_t) (nl - c->pos) : avail;
        next = nl ? n + 1 : n;

        if (memchr(c->pos, 0, n)) {
                c->line++;
                cursor_fail(c, -EBADMSG);
                return false;
        }
        if (c->max_line && n > c->max_line) {
                c->line++;
                cursor_fail(c, -E2BIG);
                return false;
        }
        if (n > 0 && c->pos[n - 1] == '\r')
                n--;

        *ret = (const char *) c->pos;
        *ret_len = n;
        c->pos += next;
        c->line++;
        return true;
}

bool cursor_read_line_dup(Cursor *c, char **line) {
        const char *l;
        size_t n;

        *line = mfree(*line);
        if (!cursor_read_line(c, &l, &n))
                return false;
        *line = xstrndup(l, n);
        return true;
}
