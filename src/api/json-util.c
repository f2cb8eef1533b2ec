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

static void dump_canonical(StrBuf *out, const json_t *v) {
        switch (json_typeof(v)) {
        case JSON_OBJECT: {
                _cleanup_free_ const char **keys = json_object_sorted_keys(v);

                strbuf_addc(out, '{');
                for (const char **k = keys; *k; k++) {
                        _cleanup_json_ json_t *ks = json_string(*k);

                        if (k != keys)
                                strbuf_addc(out, ',');
                        dump_canonical(out, ks);
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
        case JSON_REAL:
                /* Perl's number format: 1e+20, 3e-07, 100 (jansson would write 1e20, 3e-7, 100.0). */
                strbuf_addf(out, "%.15g", json_real_value(v));
                break;
        default: {
                /* Strings (jansson's escaping is JSON::XS's), integers, true, false, null. */
                char *s = json_dumps(v, JSON_ENCODE_ANY);

                if (!s)
                        oom();
                strbuf_adds(out, s);
                free(s);
                break;
        }
        }
}

char *json_dump_canonical(const json_t *v) {
        StrBuf out = STRBUF_INIT;

        dump_canonical(&out, v);
        return strbuf_detach(&out, NULL);
}
