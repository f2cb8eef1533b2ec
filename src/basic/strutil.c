/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <stdint.h>
#include <strings.h>

#include "alloc.h"
#include "strutil.h"

char *startswith(const char *s, const char *prefix) {
        size_t n = strlen(prefix);

        return strncmp(s, prefix, n) == 0 ? (char *) s + n : NULL;
}

char *startswith_no_case(const char *s, const char *prefix) {
        size_t n = strlen(prefix);

        return strncasecmp(s, prefix, n) == 0 ? (char *) s + n : NULL;
}

char *endswith(const char *s, const char *suffix) {
        size_t sl = strlen(s), pl = strlen(suffix);

        if (pl > sl)
                return NULL;
        return memcmp(s + sl - pl, suffix, pl) == 0 ? (char *) s + sl - pl : NULL;
}

char *skip_blanks(const char *s) {
        return (char *) s + strspn(s, " \t");
}

char *strstrip(char *s) {
        char *e;

        s += strspn(s, " \t\r\n\v\f");
        e = s + strlen(s);
        while (e > s && strchr(" \t\r\n\v\f", e[-1]))
                e--;
        *e = 0;
        return s;
}

bool in_charset(const char *s, const char *set) {
        return s[strspn(s, set)] == 0;
}

bool has_control_chars(const char *s, size_t len) {
        for (size_t i = 0; i < len; i++)
                if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f)
                        return true;
        return false;
}

bool utf8_is_valid(const char *s, size_t len) {
        const unsigned char *p = (const unsigned char *) s, *end = p + len;

        while (p < end) {
                unsigned char c = *p;
                size_t n;
                uint32_t cp;

                if (c < 0x80) {
                        p++;
                        continue;
                }
                if (c >= 0xc2 && c <= 0xdf)
                        n = 1, cp = c & 0x1f;
                else if (c >= 0xe0 && c <= 0xef)
                        n = 2, cp = c & 0x0f;
                else if (c >= 0xf0 && c <= 0xf4)
                        n = 3, cp = c & 0x07;
                else
                        return false;
                if ((size_t) (end - p) <= n)
                        return false;
                for (size_t i = 1; i <= n; i++) {
                        if ((p[i] & 0xc0) != 0x80)
                                return false;
                        cp = (cp << 6) | (p[i] & 0x3f);
                }
                /* Overlong three-byte forms, surrogates, overlong four-byte forms, beyond U+10FFFF. */
                if (n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
                        return false;
                if (n == 3 && (cp < 0x10000 || cp > 0x10ffff))
                        return false;
                p += n + 1;
        }
        return true;
}

char *ascii_strlower(char *s) {
        for (char *p = s; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                        *p += 'a' - 'A';
        return s;
}

int strcmp_ptr(const char *a, const char *b) {
        if (a && b)
                return strcmp(a, b);
        return (a != NULL) - (b != NULL);
}

char *strreplace_char(char *s, char from, char to) {
        for (char *p = s; *p; p++)
                if (*p == from)
                        *p = to;
        return s;
}

char *hexstr_u64(unsigned long long v, unsigned width) {
        return xasprintf("%0*llX", (int) width, v);
}
