/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <math.h>
#include <stdarg.h>

#include "api/format.h"
#include "api/json-util.h"
#include "api/propstr.h"
#include "api/validate.h"
#include "basic/alloc.h"
#include "basic/parse.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"

void api_errors_add(json_t *errors, const char *path, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        const char *old;
        va_list ap;

        va_start(ap, fmt);
        msg = xvasprintf(fmt, ap);
        va_end(ap);

        if (isempty(path))
                path = "_root";
        old = json_object_get_string(errors, path);
        if (old) {
                /* Upstream joins with a literal backslash-n. */
                _cleanup_free_ char *joined = xasprintf("%s\\n%s", old, msg);
                json_object_set_new(errors, path, json_string(joined));
        } else
                json_object_set_new(errors, path, json_string(msg));
}

char *api_path_join(const char *path, const char *key) {
        return isempty(path) ? xstrdup(key) : xasprintf("%s.%s", path, key);
}

char *api_limit_to_string(double v) {
        return xasprintf("%.15g", v);
}

/* Text form of a scalar input, for string checks; NULL for objects and arrays. */
static char *scalar_text(json_t *v) {
        if (json_is_object(v) || json_is_array(v))
                return NULL;
        return json_scalar_to_string(v);
}

static json_t *convert_type(const ApiSchema *s, json_t *value, const char *text, const char *path, json_t *errors) {
        const char *tname = api_type_to_string(s->type);

        switch (s->type) {
        case API_TYPE_STRING:
                if (!text)
                        break;
                return json_stringn(text, strlen(text));

        case API_TYPE_INTEGER: {
                int64_t v;

                if (json_is_integer(value))
                        return json_incref(value);
                if (json_is_real(value) && json_real_value(value) == floor(json_real_value(value)) &&
                    fabs(json_real_value(value)) < 9e15)
                        return json_integer((json_int_t) json_real_value(value));
                if (!text || json_is_boolean(value))
                        break;
                if (parse_int64(text, INT64_MIN, INT64_MAX, &v) < 0) {
                        api_errors_add(errors, path, "type check ('%s') failed - got '%s'", tname, text);
                        return NULL;
                }
                return json_integer(v);
        }

        case API_TYPE_NUMBER: {
                double d;

                if (json_is_integer(value) || json_is_real(value))
                        return json_incref(value);
                if (!text || json_is_boolean(value))
                        break;
                if (parse_double(text, &d) < 0) {
                        api_errors_add(errors, path, "type check ('%s') failed - got '%s'", tname, text);
                        return NULL;
                }
                return d == floor(d) && fabs(d) < 9e15 && !strpbrk(text, ".eE") ? json_integer((json_int_t) d)
                                                                              : json_real(d);
        }

        case API_TYPE_BOOLEAN:
                if (json_is_boolean(value))
                        return json_boolean(json_is_true(value));
                if (json_is_integer(value) && (json_integer_value(value) == 0 || json_integer_value(value) == 1))
                        return json_boolean(json_integer_value(value));
                if (!text)
                        break;
                if (streq(text, "1") || streq(text, "0"))
                        return json_boolean(streq(text, "1"));
                api_errors_add(errors, path, "type check ('%s') failed - got '%s'", tname, text);
                return NULL;

        case API_TYPE_OBJECT:
                if (!json_is_object(value))
                        break;
                if (s->properties || !s->additional_properties)
                        return api_check_object(s->properties, s->additional_properties, value, path, errors);
                return json_incref(value);

        case API_TYPE_ARRAY: {
                json_t *out;
                size_t i;
                json_t *el;

                if (!json_is_array(value))
                        break;
                if (!s->items)
                        return json_incref(value);
                out = json_array();
                json_array_foreach(value, i, el) {
                        _cleanup_free_ char *p = xasprintf("%s[%zu]", strempty(path), i);
                        json_t *c = api_check_value(s->items, el, p, errors);

                        if (!c) {
                                json_decref(out);
                                return NULL;
                        }
                        json_array_append_new(out, c);
                }
                return out;
        }

        case API_TYPE_NULL:
                if (json_is_null(value))
                        return json_null();
                api_errors_add(errors, path, "type check ('%s') failed - value is not null", tname);
                return NULL;

        case API_TYPE_ANY:
        case _API_TYPE_MAX:
                return json_incref(value);
        }

        api_errors_add(errors, path, "type check ('%s') failed", tname);
        return NULL;
}

/*
 * Upstream's RESTHandler normalises parameters before validation: an array
 * given for a "-list" string is joined with commas, a single value given for
 * an array becomes a one-element array. Returns a new reference.
 */
static json_t *normalize_list(const ApiSchema *s, json_t *value) {
        if (s->type == API_TYPE_STRING && s->format && endswith(s->format, "-list") && json_is_array(value)) {
                _cleanup_strbuf_ StrBuf joined = STRBUF_INIT;
                size_t i;
                json_t *el;

                json_array_foreach(value, i, el) {
                        _cleanup_free_ char *t = scalar_text(el);

                        if (!t)
                                return json_incref(value);
                        if (i > 0)
                                strbuf_addc(&joined, ',');
                        strbuf_adds(&joined, t);
                }
                return json_string(strempty(joined.buf));
        }
        if (s->type == API_TYPE_ARRAY && !json_is_array(value) && !json_is_object(value) && !json_is_null(value))
                return json_pack("[O]", value);
        return json_incref(value);
}

/* Length in characters (UTF-8 code points), as Perl's length() of a decoded string. */
static size_t text_length(const char *s) {
        size_t n = 0;

        for (const unsigned char *p = (const unsigned char *) s; *p; p++)
                if ((*p & 0xc0) != 0x80)
                        n++;
        return n;
}

json_t *api_check_value(const ApiSchema *s, json_t *input, const char *path, json_t *errors) {
        _cleanup_json_ json_t *value = normalize_list(s, input), *out = NULL;
        _cleanup_free_ char *text = scalar_text(value);

        out = convert_type(s, value, text, path, errors);
        if (!out)
                return NULL;
        if (!text || s->type == API_TYPE_OBJECT || s->type == API_TYPE_ARRAY)
                return TAKE_PTR(out);

        /* The scalar checks of upstream's check_prop(), in its order. */
        if (s->format_keys || s->format) {
                _cleanup_free_ char *msg = NULL;
                int r;

                if (s->format_keys) {
                        _cleanup_json_ json_t *parsed = NULL;
                        r = propstr_parse(s->format_keys, text, path, &parsed, &msg);
                } else
                        r = api_format_check(s->format, text, path, &msg);
                if (r < 0) {
                        api_errors_add(errors, path, "invalid format - %s", msg);
                        return NULL;
                }
        }
        if (s->pattern && !api_regex_match(s->pattern, false, text)) {
                api_errors_add(errors, path, "value does not match the regex pattern");
                return NULL;
        }
        if (s->max_length && text_length(text) > s->max_length) {
                api_errors_add(errors, path, "value may only be %zu characters long", s->max_length);
                return NULL;
        }
        if (s->min_length && text_length(text) < s->min_length) {
                api_errors_add(errors, path, "value must be at least %zu characters long", s->min_length);
                return NULL;
        }
        if (looks_like_number(text)) {
                double d = 0;

                (void) parse_double(text, &d);
                if (s->maximum.set && d > s->maximum.value) {
                        _cleanup_free_ char *lim = api_limit_to_string(s->maximum.value);
                        api_errors_add(errors, path, "value must have a maximum value of %s", lim);
                        return NULL;
                }
                if (s->minimum.set && d < s->minimum.value) {
                        _cleanup_free_ char *lim = api_limit_to_string(s->minimum.value);
                        api_errors_add(errors, path, "value must have a minimum value of %s", lim);
                        return NULL;
                }
        }
        if (s->enum_values) {
                bool found = false;

                for (const char *const *e = s->enum_values; *e; e++)
                        if (streq(*e, text)) {
                                found = true;
                                break;
                        }
                if (!found) {
                        _cleanup_strbuf_ StrBuf list = STRBUF_INIT;

                        for (const char *const *e = s->enum_values; *e; e++) {
                                if (e != s->enum_values)
                                        strbuf_adds(&list, ", ");
                                strbuf_adds(&list, *e);
                        }
                        api_errors_add(errors, path, "value '%s' does not have a value in the enumeration '%s'", text,
                                       list.buf);
                        return NULL;
                }
        }
        return TAKE_PTR(out);
}

json_t *api_check_object(const ApiSchema *props, bool additional, json_t *obj, const char *path, json_t *errors) {
        _cleanup_json_ json_t *out = json_object();
        size_t nerr = json_object_size(errors);
        const char *k;
        json_t *v;

        for (const ApiSchema *p = props; p && p->name; p++) {
                _cleanup_free_ char *sub = api_path_join(path, p->name);
                json_t *in = json_object_get(obj, p->name), *c;

                if (!in || json_is_null(in)) {
                        if (!p->optional)
                                api_errors_add(errors, sub, "property is missing and it is not optional");
                        continue;
                }
                c = api_check_value(p, in, sub, errors);
                if (c)
                        json_object_set_new(out, p->name, c);
        }

        json_object_foreach(obj, k, v) {
                if (api_schema_find(props, k))
                        continue;
                if (!additional) {
                        _cleanup_free_ char *sub = api_path_join(path, k);
                        api_errors_add(errors, sub,
                                       "property is not defined in schema and the schema does not allow additional properties");
                        continue;
                }
                json_object_set(out, k, v);
        }

        return json_object_size(errors) > nerr ? NULL : TAKE_PTR(out);
}
