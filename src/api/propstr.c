/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <stdlib.h>

#include "api/json-util.h"
#include "api/propstr.h"
#include "api/validate.h"
#include "basic/alloc.h"
#include "basic/errmsg.h"
#include "basic/parse.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"

static const ApiSchema *default_key(const ApiSchema *keys) {
        for (const ApiSchema *k = keys; k->name; k++)
                if (k->default_key)
                        return k;
        return NULL;
}

/* Booleans in property strings accept yes/no/on/off/true/false, stored as 1/0. */
static json_t *raw_value(const ApiSchema *key, const char *v) {
        bool b;

        if (key->type == API_TYPE_BOOLEAN && parse_bool(v, &b) >= 0)
                return json_string(b ? "1" : "0");
        return json_string(v);
}

int propstr_parse(const ApiSchema *keys, const char *text, const char *path, json_t **ret, char **reterr) {
        _cleanup_json_ json_t *raw = json_object(), *errors = json_object(), *checked = NULL;
        _cleanup_strv_free_ char **parts = strv_split(text, ",");
        const ApiSchema *dk = default_key(keys);
        bool have_default = false;

        if (!utf8_is_valid(text, strlen(text)))
                return errmsg_set(reterr, -EINVAL, "invalid UTF-8 in property string");
        STRV_FOREACH(part, parts) {
                char *eq = strchr(*part, '=');

                if (in_charset(*part, " \t\r\n\f\v"))
                        continue;
                if (eq && eq != *part && eq[1]) {
                        _cleanup_free_ char *k = xstrndup(*part, (size_t) (eq - *part));
                        const ApiSchema *key = api_schema_find(keys, k);

                        if (json_object_get(raw, k))
                                return errmsg_set(reterr, -EINVAL, "duplicate key in comma-separated list property: %s", k);
                        if (!key)
                                return errmsg_set(reterr, -EINVAL, "invalid key in comma-separated list property: %s", k);
                        json_object_set_new(raw, k, raw_value(key, eq + 1));
                } else if (!eq) {
                        if (have_default && dk)
                                return errmsg_set(reterr, -EINVAL, "duplicate key in comma-separated list property: %s", dk->name);
                        if (!dk)
                                return errmsg_set(reterr, -EINVAL, "value without key, but schema does not define a default key");
                        if (json_object_get(raw, dk->name))
                                return errmsg_set(reterr, -EINVAL, "duplicate key in comma-separated list property: %s", dk->name);
                        json_object_set_new(raw, dk->name, raw_value(dk, *part));
                        have_default = true;
                } else
                        return errmsg_set(reterr, -EINVAL, "missing key in comma-separated list property");
        }

        checked = api_check_object(keys, false, raw, path, errors);
        if (!checked) {
                _cleanup_free_ const char **ek = json_object_sorted_keys(errors);
                StrBuf msg = STRBUF_INIT;

                strbuf_adds(&msg, "format error");
                for (const char **k = ek; *k; k++)
                        strbuf_addf(&msg, "\n%s: %s", *k, json_object_get_string(errors, *k));
                *reterr = strbuf_detach(&msg, NULL);
                return -EINVAL;
        }
        *ret = TAKE_PTR(checked);
        return 0;
}

static int add_key(StrBuf *out, const ApiSchema *key, const json_t *v, bool as_default, char **reterr) {
        _cleanup_free_ char *s = json_scalar_to_string(v);

        if (strchr(s, ','))
                return errmsg_set(reterr, -EINVAL, "illegal value with commas for %s", key->name);
        if (out->len > 0)
                strbuf_addc(out, ',');
        if (!as_default)
                strbuf_addf(out, "%s=", key->name);
        strbuf_adds(out, s);
        return 0;
}

char *propstr_format(const ApiSchema *keys, const json_t *values, char **reterr) {
        _cleanup_strbuf_ StrBuf out = STRBUF_INIT;
        _cleanup_free_ const char **sorted = json_object_sorted_keys(values);
        const ApiSchema *dk = default_key(keys);
        const json_t *v;

        if (dk && (v = json_object_get(values, dk->name)) && !json_is_null(v))
                if (add_key(&out, dk, v, true, reterr) < 0)
                        return NULL;
        for (int pass = 0; pass < 2; pass++)
                for (const char **k = sorted; *k; k++) {
                        const ApiSchema *key = api_schema_find(keys, *k);

                        if (!key) {
                                errmsg_set(reterr, -EINVAL, "invalid key '%s'", *k);
                                return NULL;
                        }
                        if (key == dk || key->optional != (pass == 1))
                                continue;
                        v = json_object_get(values, *k);
                        if (json_is_null(v))
                                continue;
                        if (add_key(&out, key, v, false, reterr) < 0)
                                return NULL;
                }
        return strbuf_detach(&out, NULL);
}

static void key_typetext(StrBuf *out, const ApiSchema *k) {
        if (k->format_description)
                strbuf_addf(out, "<%s>", k->format_description);
        else if (k->typetext)
                strbuf_adds(out, k->typetext);
        else if (k->enum_values) {
                size_t n = 0;

                while (k->enum_values[n])
                        n++;
                /* Usage texts list up to three values (upstream's generate_typetext() without list_enums). */
                if (n > 3)
                        strbuf_adds(out, "<enum>");
                else {
                        strbuf_addc(out, '<');
                        for (size_t i = 0; i < n; i++)
                                strbuf_addf(out, "%s%s", i ? "|" : "", k->enum_values[i]);
                        strbuf_addc(out, '>');
                }
        } else if (k->type == API_TYPE_BOOLEAN)
                strbuf_adds(out, "<1|0>");
        else if (k->type == API_TYPE_INTEGER)
                strbuf_adds(out, "<integer>");
        else if (k->type == API_TYPE_NUMBER)
                strbuf_adds(out, "<number>");
        else
                strbuf_addf(out, "<%s>", k->name);
}

static int compare_key_names(const void *a, const void *b) {
        return strcmp((*(const ApiSchema *const *) a)->name, (*(const ApiSchema *const *) b)->name);
}

char *propstr_typetext(const ApiSchema *keys) {
        StrBuf out = STRBUF_INIT;
        const ApiSchema *dk = default_key(keys);
        size_t n = api_schema_count(keys), m = 0;
        _cleanup_free_ const ApiSchema **order = new0(const ApiSchema *, n + 1);

        /* Default key, then required keys, then optional ones, each group sorted by name. */
        if (dk)
                order[m++] = dk;
        for (int pass = 0; pass < 2; pass++) {
                size_t start = m;

                for (const ApiSchema *k = keys; k->name; k++)
                        if (k != dk && k->optional == (pass == 1))
                                order[m++] = k;
                qsort(order + start, m - start, sizeof(*order), compare_key_names);
        }

        for (size_t i = 0; i < m; i++) {
                const ApiSchema *k = order[i];
                _cleanup_strbuf_ StrBuf item = STRBUF_INIT;

                if (i > 0)
                        strbuf_adds(&item, ",");
                if (k == dk)
                        strbuf_addf(&item, "[%s=]", k->name);
                else
                        strbuf_addf(&item, "%s=", k->name);
                key_typetext(&item, k);
                if (i > 0)
                        strbuf_addc(&out, ' ');
                if (k->optional)
                        strbuf_addf(&out, "[%s]", item.buf);
                else
                        strbuf_adds(&out, item.buf);
        }
        return strbuf_detach(&out, NULL);
}
