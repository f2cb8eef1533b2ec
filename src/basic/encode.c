/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "encode.h"

static int unhex(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

void percent_encode_text(StrBuf *out, const char *s, size_t len) {
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) s[i];

                if ((c >= 0x20 && c <= 0x24) || (c >= 0x26 && c <= 0x39) || (c >= 0x3b && c <= 0x7e))
                        strbuf_addc(out, (char) c);
                else
                        strbuf_addf(out, "%%%02X", c);
        }
}

void percent_decode(StrBuf *out, const char *s, size_t len) {
        size_t i = 0;

        strbuf_grow(out, len);
        while (i < len) {
                const char *pct = memchr(s + i, '%', len - i);
                size_t run = pct ? (size_t) (pct - (s + i)) : len - i;
                int hi, lo;

                strbuf_add(out, s + i, run); /* everything up to the next '%' as it is */
                i += run;
                if (i >= len)
                        break;
                hi = i + 2 < len ? unhex(s[i + 1]) : -1;
                lo = i + 2 < len ? unhex(s[i + 2]) : -1;
                if (hi >= 0 && lo >= 0) {
                        strbuf_addc(out, (char) (hi << 4 | lo));
                        i += 3;
                } else {
                        strbuf_addc(out, '%');
                        i++;
                }
        }
}

static void base64_encode_alphabet(StrBuf *out, const void *data, size_t len, const char *alphabet, bool pad) {
        const uint8_t *p = data;
        size_t i;

        for (i = 0; i + 2 < len; i += 3) {
                uint32_t v = (uint32_t) p[i] << 16 | (uint32_t) p[i + 1] << 8 | p[i + 2];

                strbuf_addc(out, alphabet[v >> 18 & 63]);
                strbuf_addc(out, alphabet[v >> 12 & 63]);
                strbuf_addc(out, alphabet[v >> 6 & 63]);
                strbuf_addc(out, alphabet[v & 63]);
        }
        if (i < len) {
                uint32_t v = (uint32_t) p[i] << 16 | (i + 1 < len ? (uint32_t) p[i + 1] << 8 : 0);

                strbuf_addc(out, alphabet[v >> 18 & 63]);
                strbuf_addc(out, alphabet[v >> 12 & 63]);
                if (i + 1 < len)
                        strbuf_addc(out, alphabet[v >> 6 & 63]);
                else if (pad)
                        strbuf_addc(out, '=');
                if (pad)
                        strbuf_addc(out, '=');
        }
}

void base64_encode(StrBuf *out, const void *data, size_t len) {
        base64_encode_alphabet(out, data, len,
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", true);
}

void base64url_encode(StrBuf *out, const void *data, size_t len) {
        base64_encode_alphabet(out, data, len,
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", false);
}

static int base64_value(char c) {
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+' || c == '-')
                return 62;
        if (c == '/' || c == '_')
                return 63;
        return -1;
}

int base64_decode(StrBuf *out, const char *s, size_t len) {
        uint32_t acc = 0;
        unsigned bits = 0;
        size_t i;

        while (len > 0 && s[len - 1] == '=')
                len--;
        for (i = 0; i < len; i++) {
                int v = base64_value(s[i]);

                if (v < 0)
                        return -EINVAL;
                acc = acc << 6 | (uint32_t) v;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        strbuf_addc(out, (char) (acc >> bits & 0xff));
                }
        }
        /* A single leftover sextet cannot encode a byte. */
        if (bits >= 6)
                return -EINVAL;
        return 0;
}

int hex_decode(StrBuf *out, const char *s, size_t len) {
        if (len % 2 != 0)
                return -EINVAL;
        for (size_t i = 0; i < len; i += 2) {
                int hi = unhex(s[i]), lo = unhex(s[i + 1]);

                if (hi < 0 || lo < 0)
                        return -EINVAL;
                strbuf_addc(out, (char) (hi << 4 | lo));
        }
        return 0;
}

void hex_encode(StrBuf *out, const void *data, size_t len) {
        static const char digits[] = "0123456789abcdef";
        const uint8_t *p = data;

        for (size_t i = 0; i < len; i++) {
                strbuf_addc(out, digits[p[i] >> 4]);
                strbuf_addc(out, digits[p[i] & 15]);
        }
}
