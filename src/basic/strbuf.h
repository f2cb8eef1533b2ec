/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * StrBuf: a growable byte buffer, modelled on git's strbuf.
 *
 * Invariants:
 *  - buf is never NULL: an empty StrBuf points at a shared empty string, so
 *    it can always be printed or compared;
 *  - buf[len] is always NUL, so the content is a C string as long as it holds
 *    no NUL bytes itself (binary content is allowed, len is authoritative);
 *  - alloc is 0 while buf is the shared empty string.
 *
 * Lifecycle: initialise with STRBUF_INIT (or strbuf_init()), release with
 * strbuf_release() (the buffer can be reused afterwards), or take the string
 * with strbuf_detach(), which leaves the StrBuf empty and hands the caller a
 * malloc'd, NUL-terminated string. Allocation failure aborts (alloc.h).
 */

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "macro.h"

typedef struct StrBuf {
        char *buf;
        size_t len;
        size_t alloc;
} StrBuf;

extern char strbuf_empty[];

#define STRBUF_INIT { .buf = strbuf_empty, .len = 0, .alloc = 0 }

void strbuf_init(StrBuf *sb, size_t hint);
void strbuf_release(StrBuf *sb);
/* Returns the content as a malloc'd string and resets sb; *ret_len may be NULL. */
char *strbuf_detach(StrBuf *sb, size_t *ret_len);

/* The out-of-line part of strbuf_grow(): reallocates for extra more bytes plus the NUL. */
void strbuf_grow_alloc(StrBuf *sb, size_t extra);

/* Makes room for at least extra more bytes plus the terminating NUL. */
static inline void strbuf_grow(StrBuf *sb, size_t extra) {
        if (_unlikely_(extra >= sb->alloc - sb->len))
                strbuf_grow_alloc(sb, extra);
}
/* Truncates (or extends within the allocation) to len bytes. */
void strbuf_setlen(StrBuf *sb, size_t len);
static inline void strbuf_reset(StrBuf *sb) {
        strbuf_setlen(sb, 0);
}

/* The appends are inline: text output is built from many small pieces, mostly with room to spare. */
static inline void strbuf_add(StrBuf *sb, const void *data, size_t len) {
        if (len == 0)
                return;
        strbuf_grow(sb, len);
        memcpy(sb->buf + sb->len, data, len);
        sb->len += len;
        sb->buf[sb->len] = 0;
}

static inline void strbuf_adds(StrBuf *sb, const char *s) {
        strbuf_add(sb, s, strlen(s));
}

static inline void strbuf_addc(StrBuf *sb, char c) {
        strbuf_grow(sb, 1);
        sb->buf[sb->len++] = c;
        sb->buf[sb->len] = 0;
}

/* Appends c count times. */
void strbuf_addchars(StrBuf *sb, char c, size_t count);
void strbuf_addf(StrBuf *sb, const char *fmt, ...) _printf_(2, 3);
void strbuf_vaddf(StrBuf *sb, const char *fmt, va_list ap) _printf_(2, 0);
void strbuf_insert(StrBuf *sb, size_t pos, const void *data, size_t len);
/* Removes len bytes at pos. */
void strbuf_remove(StrBuf *sb, size_t pos, size_t len);

/* Strips trailing whitespace (space, tab, newline, CR). */
void strbuf_rtrim(StrBuf *sb);
/* True if the content ends with c. */
bool strbuf_endswith_char(const StrBuf *sb, char c);

static inline void strbuf_releasep(StrBuf *sb) {
        strbuf_release(sb);
}
#define _cleanup_strbuf_ _cleanup_(strbuf_releasep)
