/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "strbuf.h"

char strbuf_empty[1];

void strbuf_init(StrBuf *sb, size_t hint) {
        *sb = (StrBuf) STRBUF_INIT;
        if (hint)
                strbuf_grow(sb, hint);
}

void strbuf_release(StrBuf *sb) {
        if (sb->alloc)
                free(sb->buf);
        *sb = (StrBuf) STRBUF_INIT;
}

char *strbuf_detach(StrBuf *sb, size_t *ret_len) {
        char *s;

        if (ret_len)
                *ret_len = sb->len;
        if (!sb->alloc)
                s = xstrdup("");
        else
                s = sb->buf;
        *sb = (StrBuf) STRBUF_INIT;
        return s;
}

void strbuf_grow_alloc(StrBuf *sb, size_t extra) {
        size_t need;

        if (extra > SIZE_MAX - sb->len - 1)
                oom();
        need = sb->len + extra + 1;
        if (need <= sb->alloc)
                return;

        size_t n = sb->alloc ? sb->alloc : 64;
        while (n < need)
                n = n > SIZE_MAX / 2 ? need : n * 2;

        if (sb->alloc)
                sb->buf = xrealloc(sb->buf, n);
        else {
                sb->buf = xmalloc(n);
                sb->buf[0] = 0;
        }
        sb->alloc = n;
}

void strbuf_setlen(StrBuf *sb, size_t len) {
        if (!sb->alloc) {
                if (len == 0)
                        return;
                strbuf_grow(sb, len);
        } else if (len >= sb->alloc)
                strbuf_grow(sb, len - sb->len);
        sb->len = len;
        sb->buf[len] = 0;
}

void strbuf_addchars(StrBuf *sb, char c, size_t count) {
        if (count == 0)
                return;
        strbuf_grow(sb, count);
        memset(sb->buf + sb->len, c, count);
        sb->len += count;
        sb->buf[sb->len] = 0;
}

void strbuf_vaddf(StrBuf *sb, const char *fmt, va_list ap) {
        va_list cp;
        int n;

        strbuf_grow(sb, 64);
        va_copy(cp, ap);
        n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
        va_end(cp);
        if (n < 0)
                oom(); /* only on invalid formats or EOVERFLOW */
        if ((size_t) n >= sb->alloc - sb->len) {
                strbuf_grow(sb, (size_t) n);
                n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
        }
        sb->len += (size_t) n;
}

void strbuf_addf(StrBuf *sb, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        strbuf_vaddf(sb, fmt, ap);
        va_end(ap);
}

void strbuf_insert(StrBuf *sb, size_t pos, const void *data, size_t len) {
        if (pos > sb->len)
                pos = sb->len;
        if (len == 0)
                return;
        strbuf_grow(sb, len);
        memmove(sb->buf + pos + len, sb->buf + pos, sb->len - pos);
        memcpy(sb->buf + pos, data, len);
        sb->len += len;
        sb->buf[sb->len] = 0;
}

void strbuf_remove(StrBuf *sb, size_t pos, size_t len) {
        if (pos >= sb->len)
                return;
        if (len > sb->len - pos)
                len = sb->len - pos;
        memmove(sb->buf + pos, sb->buf + pos + len, sb->len - pos - len);
        strbuf_setlen(sb, sb->len - len);
}

void strbuf_rtrim(StrBuf *sb) {
        size_t n = sb->len;

        while (n > 0 && strchr(" \t\r\n", sb->buf[n - 1]))
                n--;
        if (n != sb->len)
                strbuf_setlen(sb, n);
}

bool strbuf_endswith_char(const StrBuf *sb, char c) {
        return sb->len > 0 && sb->buf[sb->len - 1] == c;
}
