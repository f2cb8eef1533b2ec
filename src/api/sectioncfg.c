/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <ctype.h>

#include "api/format.h"
#include "api/json-util.h"
#include "api/sectioncfg.h"
#include "api/validate.h"
#include "basic/alloc.h"
#include "basic/cursor.h"
#include "basic/errmsg.h"
#include "basic/fileio.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"

#define SECTIONCFG_MAX_SIZE (16 * 1024 * 1024)
/* Perl's \s, as upstream's regexes use it. */
#define WHITESPACE " \t\r\n\f\v"

static void section_done(Section *s) {
        free(s->type);
        free(s->id);
        json_decref(s->values);
        free(s->leading);
        free(s->comments);
        free(s->raw);
        *s = (Section) {};
}

void sectioncfg_done(SectionConfig *cfg) {
        for (size_t i = 0; i < cfg->n_sections; i++)
                section_done(&cfg->sections[i]);
        free(cfg->sections);
        free(cfg->trailing);
        *cfg = (SectionConfig) {};
}

const SectionType *sectioncfg_type(const SectionSchema *schema, const char *type) {
        for (const SectionType *t = schema->types; t->type; t++)
                if (streq(t->type, type))
                        return t;
        return NULL;
}

const ApiSchema *sectioncfg_option(const SectionSchema *schema, const char *type, const char *key) {
        const SectionType *t = sectioncfg_type(schema, type);

        return t ? api_schema_find(t->options, key) : NULL;
}

static Section *append_section(SectionConfig *cfg) {
        cfg->sections = xreallocarray(cfg->sections, cfg->n_sections + 1, sizeof(Section));
        cfg->sections[cfg->n_sections] = (Section) { .values = json_object() };
        return &cfg->sections[cfg->n_sections++];
}

static bool is_blank(const char *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (!isspace((unsigned char) l[i]))
                        return false;
        return true;
}

static bool is_comment(const char *l, size_t n) {
        size_t i = 0;

        while (i < n && isspace((unsigned char) l[i]))
                i++;
        return i < n && l[i] == '#';
}

typedef struct ParseState {
        const SectionSchema *schema;
        const char *filename;
        char **reterr;
        size_t line;
} ParseState;

/* "<file>:<line>: <message>" for the line being parsed. */
#define parse_error(st, ...) errmsg_set_at((st)->reterr, (st)->filename, (st)->line, __VA_ARGS__)

/* "type: id", as upstream's m/^(\S+):\s*(\S+)\s*$/ (the type is the longest run before a colon). */
static int parse_header(char *line, char **ret_type, char **ret_id) {
        size_t tlen = strcspn(line, WHITESPACE);
        char *id, *end;

        if (tlen < 2)
                return -EINVAL;
        /* The greedy \S+ gives back characters up to the last colon of the first word. */
        while (tlen > 0 && line[tlen - 1] != ':')
                tlen--;
        if (tlen < 2)
                return -EINVAL;
        id = line + tlen + strspn(line + tlen, WHITESPACE);
        end = id + strcspn(id, WHITESPACE);
        if (end == id || end[strspn(end, WHITESPACE)])
                return -EINVAL;
        *ret_type = xstrndup(line, tlen - 1);
        *ret_id = xstrndup(id, (size_t) (end - id));
        return 0;
}

/* Sections of an unknown type (allow_unknown): values kept as text, repeated keys as arrays. */
static int add_unknown_value(Section *s, const char *key, const char *value) {
        json_t *old = json_object_get(s->values, key);

        if (!old)
                json_object_set_new(s->values, key, json_string(value));
        else if (json_is_array(old))
                json_array_append_new(old, json_string(value));
        else
                json_object_set_new(s->values, key, json_pack("[O,s]", old, value));
        return 0;
}

static int check_option_value(ParseState *st, Section *s, const char *key, const char *value) {
        _cleanup_json_ json_t *errors = json_object(), *in = NULL, *v = NULL;
        const ApiSchema *opt = sectioncfg_option(st->schema, s->type, key), *check = opt;
        json_t *old;

        if (!sectioncfg_type(st->schema, s->type))
                return add_unknown_value(s, key, strempty(value));
        if (!opt)
                return parse_error(st, "unexpected property '%s' in section '%s'", key, s->id);
        old = json_object_get(s->values, key);
        if (opt->type == API_TYPE_ARRAY) {
                /* One line per element; the element schema checks each. */
                static const ApiSchema any_string = { .type = API_TYPE_STRING };
                check = opt->items ?: &any_string;
        } else if (old)
                return parse_error(st, "duplicate attribute '%s' in section '%s'", key, s->id);
        if (!value) {
                if (check->type != API_TYPE_BOOLEAN)
                        return parse_error(st, "unable to parse value of '%s': got undefined value", key);
                value = "1";
        }
        in = json_string(value);
        v = api_check_value(check, in, key, errors);
        if (!v)
                return parse_error(st, "unable to parse value of '%s': %s", key, json_object_get_string(errors, key));
        if (check == opt)
                json_object_set(s->values, key, v);
        else if (old)
                json_array_append(old, v);
        else
                json_object_set_new(s->values, key, json_pack("[O]", v));
        return 0;
}

static int check_required(ParseState *st, Section *s) {
        const SectionType *t = sectioncfg_type(st->schema, s->type);

        if (!t)
                return 0;
        for (const ApiSchema *o = t->options; o->name; o++)
                if (!o->optional && !json_object_get(s->values, o->name)) {
                        st->line = s->line;
                        return parse_error(st, "section '%s': missing value for required option '%s'", s->id,
                                           o->name);
                }
        return 0;
}

int sectioncfg_parse(const SectionSchema *schema, const char *filename, const char *text, SectionConfig *ret,
                     char **reterr) {
        _cleanup_(sectioncfg_done) SectionConfig cfg = {};
        _cleanup_json_ json_t *ids = json_object();
        _cleanup_strbuf_ StrBuf pending = STRBUF_INIT, raw = STRBUF_INIT, comments = STRBUF_INIT;
        size_t len = strlen(text);
        Cursor c = CURSOR_INIT(text, len);
        ParseState st = { .schema = schema, .filename = filename, .reterr = reterr };
        Section *cur = NULL;
        const char *l;
        size_t n;
        int r;

        sha1_hex(text, len, cfg.digest);

        for (;;) {
                const char *seg = (const char *) c.pos;
                bool more = cursor_read_line(&c, &l, &n);
                /* The line as it is in the file, with its "\r\n" or "\n", kept for lossless writing. */
                size_t seg_len = more ? (size_t) ((const char *) c.pos - seg) : 0;
                size_t text_len = seg_len - (seg_len > 0 && seg[seg_len - 1] == '\n');
                _cleanup_free_ char *line = more ? xstrndup(l, n) : NULL;

                st.line = c.line;
                if (cursor_error(&c) < 0)
                        return parse_error(&st, "invalid byte in file");
                if (more && !utf8_is_valid(l, n))
                        return parse_error(&st, "invalid UTF-8");

                /*
                 * A section ends at an empty line or at the end of the input.
                 * Upstream ignores a line of only whitespace inside a section
                 * and then reads every following line into that section, even
                 * the next section's header: refuse it instead.
                 */
                if (cur && text_len > 0 && is_blank(seg, text_len))
                        return parse_error(&st, "line of only whitespace inside section '%s'", cur->id);
                if (cur && (!more || text_len == 0)) {
                        r = check_required(&st, cur);
                        if (r < 0)
                                return r;
                        cur->raw = strbuf_detach(&raw, NULL);
                        cur->comments = strbuf_detach(&comments, NULL);
                        cur = NULL;
                }
                if (!more)
                        break;

                if (cur) {
                        strbuf_add(&raw, seg, seg_len);
                        if (is_comment(l, n)) {
                                strbuf_add(&comments, seg, text_len);
                                strbuf_addc(&comments, '\n');
                                continue;
                        }
                        if (!isspace((unsigned char) line[0]))
                                return parse_error(&st, "expected an indented option line in section '%s'", cur->id);
                        {
                                char *key = line + strspn(line, WHITESPACE), *value;
                                char *end = key + strcspn(key, WHITESPACE);

                                value = end + strspn(end, WHITESPACE);
                                *end = 0;
                                /* Trailing whitespace is not part of the value. */
                                for (char *e = value + strlen(value); e > value && isspace((unsigned char) e[-1]);)
                                        *--e = 0;
                                r = check_option_value(&st, cur, key, *value ? value : NULL);
                                if (r < 0)
                                        return r;
                        }
                        continue;
                }

                if (is_blank(l, n) || is_comment(l, n)) {
                        strbuf_add(&pending, seg, seg_len);
                        continue;
                }

                {
                        _cleanup_free_ char *type = NULL, *id = NULL;

                        if (parse_header(line, &type, &id) < 0)
                                return parse_error(&st, "unexpected line, expected a section header '<type>: <id>'");
                        if (!sectioncfg_type(schema, type) && !schema->allow_unknown)
                                return parse_error(&st, "unsupported section type '%s'", type);
                        if (schema->id_format) {
                                _cleanup_free_ char *msg = NULL;

                                if (api_format_check(schema->id_format, id, "", &msg) < 0)
                                        return parse_error(&st, "invalid section id '%s': %s", id, msg);
                        }
                        if (json_object_get(ids, id))
                                return parse_error(&st, "duplicate section '%s'", id);
                        json_object_set_new(ids, id, json_true());

                        cur = append_section(&cfg);
                        cur->type = TAKE_PTR(type);
                        cur->id = TAKE_PTR(id);
                        cur->line = st.line;
                        cur->leading = strbuf_detach(&pending, NULL);
                        strbuf_add(&raw, seg, seg_len);
                }
        }

        cfg.trailing = strbuf_detach(&pending, NULL);
        *ret = cfg;
        cfg = (SectionConfig) {};
        return 0;
}

int sectioncfg_load(const SectionSchema *schema, const char *path, SectionConfig *ret, char **reterr) {
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        r = read_full_file(path, SECTIONCFG_MAX_SIZE, &text, &len);
        if (r == -ENOENT)
                return sectioncfg_parse(schema, path, "", ret, reterr);
        if (r < 0) {
                *reterr = xasprintf("unable to read '%s': %s", path, strerror(-r));
                return r;
        }
        if (strlen(text) != len) {
                *reterr = xasprintf("%s: file contains a NUL byte", path);
                return -EINVAL;
        }
        return sectioncfg_parse(schema, path, text, ret, reterr);
}

static void format_scalar(StrBuf *out, const ApiSchema *opt, const char *key, const json_t *v) {
        _cleanup_free_ char *s = NULL;

        if (!v || json_is_null(v))
                return;
        if (opt && opt->type == API_TYPE_BOOLEAN)
                s = xstrdup(json_is_true(v) || (json_is_integer(v) && json_integer_value(v)) ? "1" : "0");
        else
                s = json_scalar_to_string(v);
        if (isempty(s))
                return;
        strbuf_addf(out, "\t%s %s\n", key, s);
}

/* An array option is written as one line per element, as upstream. */
static void format_option(StrBuf *out, const ApiSchema *opt, const char *key, const json_t *v) {
        size_t i;
        const json_t *el;

        if (!json_is_array(v)) {
                format_scalar(out, opt, key, v);
                return;
        }
        json_array_foreach((json_t *) v, i, el)
                format_scalar(out, opt ? opt->items : NULL, key, el);
}

/* A value in a section of unknown type: text, or an array of texts for a repeated key. */
static void format_unknown_option(StrBuf *out, const char *key, const json_t *v) {
        size_t i;
        const json_t *el;

        if (json_is_array(v)) {
                json_array_foreach((json_t *) v, i, el)
                        format_unknown_option(out, key, el);
                return;
        }
        /* An empty value is written as the bare key it was read from. */
        if (isempty(json_string_value(v)))
                strbuf_addf(out, "\t%s\n", key);
        else
                strbuf_addf(out, "\t%s %s\n", key, json_string_value(v));
}

/* Upstream writes sections of unknown type with "comment" first, then every key sorted. */
static void format_unknown_section(StrBuf *out, const Section *s) {
        _cleanup_free_ const char **keys = json_object_sorted_keys(s->values);
        const json_t *v = json_object_get(s->values, "comment");

        if (v)
                format_unknown_option(out, "comment", v);
        for (const char **k = keys; *k; k++)
                if (!streq(*k, "comment"))
                        format_unknown_option(out, *k, json_object_get(s->values, *k));
}

static void format_section(StrBuf *out, const SectionSchema *schema, const Section *s) {
        const SectionType *t = sectioncfg_type(schema, s->type);
        _cleanup_strv_free_ char **req = NULL, **opt = NULL;
        const json_t *v;

        strbuf_addf(out, "%s: %s\n", s->type, s->id);
        strbuf_adds(out, strempty(s->comments));
        if (!t) {
                format_unknown_section(out, s);
                return;
        }

        v = json_object_get(s->values, "comment");
        if (v)
                format_option(out, api_schema_find(t->options, "comment"), "comment", v);
        v = json_object_get(s->values, "disable");
        if (v && (json_is_true(v) || (json_is_integer(v) && json_integer_value(v))))
                strbuf_adds(out, "\tdisable\n");

        for (const ApiSchema *o = t->options; o->name; o++) {
                if (streq(o->name, "comment") || streq(o->name, "disable"))
                        continue;
                strv_extend(o->optional ? &opt : &req, o->name);
        }
        strv_sort(req);
        strv_sort(opt);
        STRV_FOREACH(k, req)
                format_option(out, api_schema_find(t->options, *k), *k, json_object_get(s->values, *k));
        STRV_FOREACH(k, opt)
                format_option(out, api_schema_find(t->options, *k), *k, json_object_get(s->values, *k));
}

static bool ends_with_blank_line(const StrBuf *sb) {
        return sb->len >= 2 && sb->buf[sb->len - 1] == '\n' && sb->buf[sb->len - 2] == '\n';
}

char *sectioncfg_format(const SectionSchema *schema, const SectionConfig *cfg) {
        StrBuf out = STRBUF_INIT;
        bool last_formatted = false;

        for (size_t i = 0; i < cfg->n_sections; i++) {
                const Section *s = &cfg->sections[i];

                /* A new section is separated from the text above by an empty line. */
                if (!s->leading && out.len > 0 && !ends_with_blank_line(&out))
                        strbuf_addc(&out, '\n');
                strbuf_adds(&out, strempty(s->leading));
                if (s->raw) {
                        strbuf_adds(&out, s->raw);
                        /* Only the end of the file may lack a final newline. */
                        if (!strbuf_endswith_char(&out, '\n') && (i + 1 < cfg->n_sections || !isempty(cfg->trailing)))
                                strbuf_addc(&out, '\n');
                } else
                        format_section(&out, schema, s);
                last_formatted = !s->raw;
        }
        if (!isempty(cfg->trailing))
                strbuf_adds(&out, cfg->trailing);
        else if (last_formatted)
                /* Upstream ends every section it writes with an empty line. */
                strbuf_addc(&out, '\n');
        return strbuf_detach(&out, NULL);
}

Section *sectioncfg_find(SectionConfig *cfg, const char *id) {
        for (size_t i = 0; i < cfg->n_sections; i++)
                if (streq(cfg->sections[i].id, id))
                        return &cfg->sections[i];
        return NULL;
}

Section *sectioncfg_add(SectionConfig *cfg, const char *type, const char *id) {
        Section *s;

        /* Text after the last section stays at the end of the file. */
        s = append_section(cfg);
        s->type = xstrdup(type);
        s->id = xstrdup(id);
        return s;
}

/* Length of the first line of s with its newline, if that line is blank; else 0. */
static size_t leading_blank_line(const char *s) {
        size_t n = strcspn(s, "\n");

        return s[n] == '\n' && is_blank(s, n) ? n + 1 : 0;
}

int sectioncfg_remove(SectionConfig *cfg, const char *id) {
        Section *s = sectioncfg_find(cfg, id);
        _cleanup_free_ char *keep = NULL;
        char **next_text, *merged;
        size_t i, keep_len = 0, drop;

        if (!s)
                return -ENOENT;
        i = (size_t) (s - cfg->sections);

        /*
         * Comments directly above the header belong to the section; text
         * above an empty line before them (a file header) stays.
         */
        for (const char *p = strempty(s->leading); *p;) {
                size_t n = strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n');

                if (is_blank(p, n))
                        keep_len = (size_t) (p - s->leading) + n;
                p += n;
        }
        keep = xstrndup(strempty(s->leading), keep_len);

        section_done(s);
        memmove(s, s + 1, (cfg->n_sections - i - 1) * sizeof(Section));
        cfg->n_sections--;

        /*
         * The text after the section starts with the empty line that ended
         * it. Where the kept text ends with an empty line too (or the file
         * now starts there), that separator goes, so that the remaining
         * sections keep their spacing.
         */
        next_text = i < cfg->n_sections ? &cfg->sections[i].leading : &cfg->trailing;
        drop = *next_text && (keep_len > 0 || i == 0) ? leading_blank_line(*next_text) : 0;
        if (keep_len == 0 && drop == 0)
                return 0;
        merged = xasprintf("%s%s", keep, strempty(*next_text) + drop);
        free(*next_text);
        *next_text = merged;
        return 0;
}

/* A value (or an element of an array value) that would break the file's lines, as format_config_line() checks. */
static bool value_has_line_feed(const json_t *v) {
        size_t i;
        const json_t *el;

        if (json_is_array(v)) {
                json_array_foreach((json_t *) v, i, el)
                        if (value_has_line_feed(el))
                                return true;
                return false;
        }
        return json_is_string(v) && strpbrk(json_string_value(v), "\r\n");
}

static bool option_of_any_type(const SectionSchema *schema, const char *key) {
        for (const SectionType *t = schema->types; t->type; t++)
                if (api_schema_find(t->options, key))
                        return true;
        return false;
}

int section_update(const SectionSchema *schema, Section *s, const json_t *params, const char *delete_list,
                   bool create, char **reterr) {
        const SectionType *t = sectioncfg_type(schema, s->type);
        _cleanup_strv_free_ char **del = api_split_list(delete_list);
        const char *k;
        json_t *v;

        if (!t)
                return *reterr = xasprintf("unknown section type '%s'", s->type), -EINVAL;

        /* Check everything first, so that a refused update leaves the section as it was. */
        json_object_foreach((json_t *) params, k, v) {
                if (option_of_any_type(schema, k) && !api_schema_find(t->options, k))
                        return *reterr = xasprintf("unexpected property '%s'", k), -EINVAL;
                if (api_schema_find(t->options, k) && value_has_line_feed(v))
                        return *reterr = xasprintf("property '%s' contains a line feed", k), -EINVAL;
        }
        STRV_FOREACH(d, del) {
                const ApiSchema *o = api_schema_find(t->options, *d);

                if (!o)
                        return *reterr = xasprintf("no such option '%s'", *d), -EINVAL;
                if (!o->optional)
                        return *reterr = xasprintf("unable to delete required option '%s'", *d), -EINVAL;
                if (json_object_get(params, *d))
                        return *reterr = xasprintf("cannot set and delete property '%s' at the same time!", *d),
                               -EINVAL;
        }
        if (create)
                for (const ApiSchema *o = t->options; o->name; o++) {
                        v = json_object_get(params, o->name);
                        if (!o->optional && (!v || json_is_null(v)) && !json_object_get(s->values, o->name))
                                return *reterr = xasprintf("missing value for required option '%s'", o->name), -EINVAL;
                }

        json_object_foreach((json_t *) params, k, v) {
                if (!api_schema_find(t->options, k))
                        continue;
                if (json_is_null(v))
                        json_object_del(s->values, k);
                else
                        json_object_set(s->values, k, v);
        }
        STRV_FOREACH(d, del)
                json_object_del(s->values, *d);
        s->raw = mfree(s->raw);
        return 0;
}
