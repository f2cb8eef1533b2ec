/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <ctype.h>

#include "api/format.h"
#include "api/json-util.h"
#include "api/sectioncfg.h"
#include "api/validate.h"
#include "basic/alloc.h"
#include "basic/cursor.h"
#include "basic/fileio.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"

#define SECTIONCFG_MAX_SIZE (16 * 1024 * 1024)

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

static int parse_error(ParseState *st, const char *fmt, ...) _printf_(2, 3);
static int parse_error(ParseState *st, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        msg = xvasprintf(fmt, ap);
        va_end(ap);
        *st->reterr = xasprintf("%s:%zu: %s", st->filename, st->line, msg);
        return -EINVAL;
}

/* "type: id" */
static int parse_header(ParseState *st, char *line, char **ret_type, char **ret_id) {
        char *colon = strchr(line, ':'), *id, *end;

        if (!colon || colon == line || strpbrk(line, " \t") < colon)
                return -EINVAL;
        id = skip_blanks(colon + 1);
        end = id + strcspn(id, " \t");
        if (end == id || *skip_blanks(end))
                return -EINVAL;
        *end = 0;
        *colon = 0;
        *ret_type = xstrdup(line);
        *ret_id = xstrdup(id);
        return 0;
}

static int check_option_value(ParseState *st, Section *s, const char *key, const char *value) {
        _cleanup_json_ json_t *errors = json_object(), *in = NULL, *v = NULL;
        const ApiSchema *opt = sectioncfg_option(st->schema, s->type, key);

        if (!opt)
                return parse_error(st, "unexpected property '%s' in section '%s'", key, s->id);
        if (json_object_get(s->values, key))
                return parse_error(st, "duplicate attribute '%s' in section '%s'", key, s->id);
        if (!value) {
                if (opt->type != API_TYPE_BOOLEAN)
                        return parse_error(st, "unable to parse value of '%s': got undefined value", key);
                value = "1";
        }
        in = json_string(value);
        v = api_check_value(opt, in, key, errors);
        if (!v)
                return parse_error(st, "unable to parse value of '%s': %s", key, json_object_get_string(errors, key));
        json_object_set(s->values, key, v);
        return 0;
}

static int check_required(ParseState *st, Section *s) {
        const SectionType *t = sectioncfg_type(st->schema, s->type);

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
                bool more = cursor_read_line(&c, &l, &n);
                _cleanup_free_ char *line = more ? xstrndup(l, n) : NULL;
                bool had_newline = more && (c.pos > (const uint8_t *) text) && c.pos[-1] == '\n';

                st.line = c.line;
                if (cursor_error(&c) < 0)
                        return parse_error(&st, "invalid byte in file");

                /* A section ends at a blank line or at the end of the input. */
                if (cur && (!more || is_blank(l, n))) {
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
                        strbuf_add(&raw, l, n);
                        if (had_newline)
                                strbuf_addc(&raw, '\n');
                        if (is_comment(l, n)) {
                                strbuf_add(&comments, l, n);
                                strbuf_addc(&comments, '\n');
                                continue;
                        }
                        if (!isspace((unsigned char) line[0]))
                                return parse_error(&st, "expected an indented option line in section '%s'", cur->id);
                        {
                                char *key = skip_blanks(line), *value;
                                char *end = key + strcspn(key, " \t");

                                value = *end ? skip_blanks(end) : end;
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
                        strbuf_add(&pending, l, n);
                        if (had_newline)
                                strbuf_addc(&pending, '\n');
                        continue;
                }

                {
                        _cleanup_free_ char *type = NULL, *id = NULL;

                        if (parse_header(&st, line, &type, &id) < 0)
                                return parse_error(&st, "unexpected line, expected a section header '<type>: <id>'");
                        if (!sectioncfg_type(schema, type))
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
                        strbuf_add(&raw, l, n);
                        if (had_newline)
                                strbuf_addc(&raw, '\n');
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

static void format_option(StrBuf *out, const ApiSchema *opt, const char *key, const json_t *v) {
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

static void format_section(StrBuf *out, const SectionSchema *schema, const Section *s) {
        const SectionType *t = sectioncfg_type(schema, s->type);
        _cleanup_strv_free_ char **req = NULL, **opt = NULL;
        const json_t *v;

        strbuf_addf(out, "%s: %s\n", s->type, s->id);
        strbuf_adds(out, strempty(s->comments));

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
                        if (!strbuf_endswith_char(&out, '\n'))
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

int sectioncfg_remove(SectionConfig *cfg, const char *id) {
        Section *s = sectioncfg_find(cfg, id);
        size_t i;
        char *keep = NULL, *blank;

        if (!s)
                return -ENOENT;
        i = (size_t) (s - cfg->sections);

        /*
         * Comments directly above the header belong to the section; text
         * above an empty line before them (a file header) stays.
         */
        if (s->leading) {
                blank = NULL;
                for (char *p = s->leading; *p;) {
                        char *e = p + strcspn(p, "\n");

                        if (is_blank(p, (size_t) (e - p)))
                                blank = *e ? e + 1 : e;
                        p = *e ? e + 1 : e;
                }
                if (blank)
                        keep = xstrndup(s->leading, (size_t) (blank - s->leading));
        }

        section_done(s);
        memmove(s, s + 1, (cfg->n_sections - i - 1) * sizeof(Section));
        cfg->n_sections--;

        if (keep) {
                if (i < cfg->n_sections) {
                        Section *next = &cfg->sections[i];
                        char *merged = xasprintf("%s%s", keep, strempty(next->leading));

                        free(next->leading);
                        next->leading = merged;
                } else {
                        char *merged = xasprintf("%s%s", keep, strempty(cfg->trailing));

                        free(cfg->trailing);
                        cfg->trailing = merged;
                }
                free(keep);
        }
        return 0;
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

        if (!t) {
                *reterr = xasprintf("unknown section type '%s'", s->type);
                return -EINVAL;
        }
        json_object_foreach((json_t *) params, k, v) {
                if (!option_of_any_type(schema, k))
                        continue;
                if (!api_schema_find(t->options, k)) {
                        *reterr = xasprintf("unexpected property '%s'", k);
                        return -EINVAL;
                }
                json_object_set(s->values, k, v);
        }
        STRV_FOREACH(d, del) {
                const ApiSchema *o = api_schema_find(t->options, *d);

                if (!o) {
                        *reterr = xasprintf("unexpected property '%s'", *d);
                        return -EINVAL;
                }
                if (!o->optional) {
                        *reterr = xasprintf("unable to delete required option '%s'", *d);
                        return -EINVAL;
                }
                if (json_object_get(params, *d)) {
                        *reterr = xasprintf("cannot set and delete property '%s' at the same time!", *d);
                        return -EINVAL;
                }
                json_object_del(s->values, *d);
        }
        if (create)
                for (const ApiSchema *o = t->options; o->name; o++)
                        if (!o->optional && !json_object_get(s->values, o->name)) {
                                *reterr = xasprintf("missing value for required option '%s'", o->name);
                                return -EINVAL;
                        }
        s->raw = mfree(s->raw);
        return 0;
}
