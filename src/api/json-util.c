/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/strbuf.h"
#include "json-util.h"

void json_setup_allocator(void) {
        static bool done;

        if (!done) {
                json_set_alloc_funcs(xmalloc, free);
                done = true;
        }
}

const char *json_object_get_string(const json_t *obj, const char *key) {
        return json_string_value(json_object_get(obj, key));
}

static int cmp_key(const void *a, const void *b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

const char **json_object_sorted_keys(const json_t *obj) {
        size_t n = json_object_size(obj), i = 0;
        const char **keys = new0(const char *, n + 1);
        const char *k;
        json_t *v;

        json_object_foreach((json_t *) obj, k, v)
                keys[i++] = k;
        qsort(keys, n, sizeof(char *), cmp_key);
        return keys;
}

char *json_scalar_to_string(const json_t *v) {
        switch (json_typeof(v)) {
        case JSON_STRING:
                return xstrndup(json_string_value(v), json_string_length(v));
        case JSON_INTEGER:
                return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
        case JSON_REAL:
                return xasprintf("%.15g", json_real_value(v));
        case JSON_TRUE:
                return xstrdup("1");
        case JSON_FALSE:
                return xstrdup("0");
        case JSON_NULL:
                return xstrdup("");
        default:
                return json_dump_canonical(v);
        }
}

/* A JSON string as JSON::XS writes it with utf8: '"', '\\' and control bytes escaped, UTF-8 kept. */
static void dump_string(StrBuf *out, const char *s, size_t len) {
        static const char hex[] = "0123456789abcdef";
        /* The escape of each byte that needs one: 'u' for \u00XX, else the letter after '\\'. */
        static const char escapes[256] = {
                [0x00 ... 0x07] = 'u', ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', [0x0b] = 'u', ['\f'] = 'f',
                ['\r'] = 'r',         [0x0e ... 0x1f] = 'u',   ['"'] = '"', ['\\'] = '\\',
        };
        size_t run = 0;
        char *p;

        /* Room for the common case, a string without escapes, written in one piece. */
        strbuf_grow(out, len + 2);
        out->buf[out->len++] = '"';
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) s[i];
                char esc = escapes[c];

                if (_likely_(!esc))
                        continue;
                strbuf_add(out, s + run, i - run);
                run = i + 1;
                strbuf_grow(out, 6 + len - run + 1);
                p = out->buf + out->len;
                *p++ = '\\';
                *p++ = esc;
                if (esc == 'u') {
                        *p++ = '0';
                        *p++ = '0';
                        *p++ = hex[c >> 4];
                        *p++ = hex[c & 15];
                }
                out->len = (size_t) (p - out->buf);
        }
        memcpy(out->buf + out->len, s + run, len - run);
        out->len += len - run;
        out->buf[out->len++] = '"';
        out->buf[out->len] = 0;
}

/* An integer in decimal, without going through printf. */
static void dump_integer(StrBuf *out, json_int_t v) {
        char buf[DECIMAL_STR_MAX(json_int_t)], *p = buf + sizeof(buf);
        /* The magnitude as unsigned, so that the most negative value works too. */
        unsigned long long u = v < 0 ? 0ULL - (unsigned long long) v : (unsigned long long) v;

        do
                *--p = (char) ('0' + u % 10);
        while ((u /= 10) > 0);
        if (v < 0)
                *--p = '-';
        strbuf_add(out, p, (size_t) (buf + sizeof(buf) - p));
}

typedef struct Member {
        const char *key;
        json_t *value;
} Member;

/* strcmp(), with the first bytes (where keys mostly differ) compared inline. */
static int key_cmp(const char *a, const char *b) {
        if (*a != *b)
                return (unsigned char) *a - (unsigned char) *b;
        return *a ? strcmp(a + 1, b + 1) : 0;
}

static int cmp_member(const void *a, const void *b) {
        return key_cmp(((const Member *) a)->key, ((const Member *) b)->key);
}

/* Sorts by key; objects are small and often in order already, so small ones by insertion. */
static void sort_members(Member *m, size_t n) {
        if (n > 32) {
                qsort(m, n, sizeof(Member), cmp_member);
                return;
        }
        for (size_t i = 1; i < n; i++) {
                Member x = m[i];
                size_t j = i;

                for (; j > 0 && key_cmp(m[j - 1].key, x.key) > 0; j--)
                        m[j] = m[j - 1];
                m[j] = x;
        }
}

/* Canonical JSON goes into buf; with f set, it is passed on to f in pieces of about FLUSH_SIZE. */
typedef struct Dump {
        StrBuf buf;
        FILE *f;
} Dump;

#define FLUSH_SIZE (64 * 1024)

static void dump_flush(Dump *d, size_t at_least) {
        if (d->f && d->buf.len >= at_least) {
                fwrite(d->buf.buf, 1, d->buf.len, d->f);
                strbuf_reset(&d->buf);
        }
}

static void dump_canonical(Dump *d, const json_t *v);

static void dump_object(Dump *d, const json_t *v) {
        Member stack[32], *m = stack;
        _cleanup_free_ Member *heap = NULL;
        size_t n = json_object_size(v), i = 0;
        const char *k;
        json_t *value;

        if (n > ELEMENTSOF(stack))
                m = heap = new0(Member, n);
        /* Key and value together, so that writing needs no lookup by key. */
        json_object_foreach((json_t *) v, k, value)
                m[i++] = (Member) { k, value };
        sort_members(m, n);

        strbuf_addc(&d->buf, '{');
        for (i = 0; i < n; i++) {
                if (i > 0)
                        strbuf_addc(&d->buf, ',');
                dump_string(&d->buf, m[i].key, strlen(m[i].key));
                strbuf_addc(&d->buf, ':');
                dump_canonical(d, m[i].value);
                dump_flush(d, FLUSH_SIZE);
        }
        strbuf_addc(&d->buf, '}');
}

static void dump_canonical(Dump *d, const json_t *v) {
        StrBuf *out = &d->buf;

        switch (json_typeof(v)) {
        case JSON_OBJECT:
                dump_object(d, v);
                break;
        case JSON_ARRAY:
                strbuf_addc(out, '[');
                for (size_t i = 0; i < json_array_size(v); i++) {
                        if (i > 0)
                                strbuf_addc(out, ',');
                        dump_canonical(d, json_array_get(v, i));
                        dump_flush(d, FLUSH_SIZE);
                }
                strbuf_addc(out, ']');
                break;
        case JSON_STRING:
                dump_string(out, json_string_value(v), json_string_length(v));
                break;
        case JSON_INTEGER:
                dump_integer(out, json_integer_value(v));
                break;
        case JSON_REAL:
                /* Perl's number format: 1e+20, 3e-07, 100 (jansson would write 1e20, 3e-7, 100.0). */
                strbuf_addf(out, "%.15g", json_real_value(v));
                break;
        case JSON_TRUE:
                strbuf_adds(out, "true");
                break;
        case JSON_FALSE:
                strbuf_adds(out, "false");
                break;
        case JSON_NULL:
                strbuf_adds(out, "null");
                break;
        }
}

char *json_dump_canonical(const json_t *v) {
        Dump d = { .buf = STRBUF_INIT };

        dump_canonical(&d, v);
        return strbuf_detach(&d.buf, NULL);
}

void json_dump_canonical_file(const json_t *v, FILE *f) {
        Dump d = { .buf = STRBUF_INIT, .f = f };

        dump_canonical(&d, v);
        dump_flush(&d, 0);
        strbuf_release(&d.buf);
}
