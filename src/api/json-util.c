/* SPDX-License-Identifier: AGPL-3.0-or-later */

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
        size_t run = 0;

        strbuf_addc(out, '"');
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) s[i];
                const char *esc = NULL;

                if (c >= 0x20 && c != '"' && c != '\\')
                        continue;
                strbuf_add(out, s + run, i - run);
                run = i + 1;
                switch (c) {
                case '"': esc = "\\\""; break;
                case '\\': esc = "\\\\"; break;
                case '\b': esc = "\\b"; break;
                case '\f': esc = "\\f"; break;
                case '\n': esc = "\\n"; break;
                case '\r': esc = "\\r"; break;
                case '\t': esc = "\\t"; break;
                }
                if (esc)
                        strbuf_adds(out, esc);
                else {
                        strbuf_adds(out, "\\u00");
                        strbuf_addc(out, hex[c >> 4]);
                        strbuf_addc(out, hex[c & 15]);
                }
        }
        strbuf_add(out, s + run, len - run);
        strbuf_addc(out, '"');
}

static void dump_canonical(StrBuf *out, const json_t *v) {
        switch (json_typeof(v)) {
        case JSON_OBJECT: {
                _cleanup_free_ const char **keys = json_object_sorted_keys(v);

                strbuf_addc(out, '{');
                for (const char **k = keys; *k; k++) {
                        if (k != keys)
                                strbuf_addc(out, ',');
                        dump_string(out, *k, strlen(*k));
                        strbuf_addc(out, ':');
                        dump_canonical(out, json_object_get(v, *k));
                }
                strbuf_addc(out, '}');
                break;
        }
        case JSON_ARRAY:
                strbuf_addc(out, '[');
                for (size_t i = 0; i < json_array_size(v); i++) {
                        if (i > 0)
                                strbuf_addc(out, ',');
                        dump_canonical(out, json_array_get(v, i));
                }
                strbuf_addc(out, ']');
                break;
        case JSON_STRING:
                dump_string(out, json_string_value(v), json_string_length(v));
                break;
        case JSON_INTEGER:
                strbuf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
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
        StrBuf out = STRBUF_INIT;

        dump_canonical(&out, v);
        return strbuf_detach(&out, NULL);
}
