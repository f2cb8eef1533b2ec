/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <sys/ioctl.h>
#include <strings.h>
#include <time.h>
#include <yaml.h>

#include "api/json-util.h"
#include "api/output.h"
#include "basic/alloc.h"
#include "basic/parse.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "sys/dlopen-util.h"

static const char *const format_names[_OUTPUT_FORMAT_MAX] = {
        [OUTPUT_TEXT] = "text",
        [OUTPUT_JSON] = "json",
        [OUTPUT_JSON_PRETTY] = "json-pretty",
        [OUTPUT_YAML] = "yaml",
};

int output_format_from_string(const char *s) {
        for (int i = 0; i < _OUTPUT_FORMAT_MAX; i++)
                if (streq(s, format_names[i]))
                        return i;
        return -EINVAL;
}

const char *output_format_to_string(OutputFormat f) {
        return f < _OUTPUT_FORMAT_MAX ? format_names[f] : "text";
}

void output_options_init(OutputOptions *o) {
        struct winsize ws;
        const char *cs;

        *o = (OutputOptions) { .format = OUTPUT_TEXT };
        if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) >= 0)
                o->columns = ws.ws_col;
        /* Box-drawing characters only on UTF-8 locales, as upstream (langinfo CODESET). */
        setlocale(LC_CTYPE, "");
        cs = nl_langinfo(CODESET);
        o->utf8 = cs && streq(cs, "UTF-8");
        setlocale(LC_CTYPE, "C");
}

/* ---- renderers ---------------------------------------------------------- */

char *render_timestamp(int64_t epoch, bool gmt) {
        time_t t = (time_t) epoch;
        struct tm tm;
        char buf[64];

        if (!(gmt ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)))
                return xasprintf("%" PRIi64, epoch);
        strftime(buf, sizeof(buf), "%F %H:%M:%S", &tm);
        return xstrdup(buf);
}

char *render_duration(double seconds, bool auto_limit_accuracy) {
        static const struct {
                char unit;
                uint64_t len;
        } steps[] = { { 'w', 7 * 24 * 3600 }, { 'd', 24 * 3600 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };
        uint64_t rest = (uint64_t) llround(fmax(seconds, 0));
        bool weeks = false, days = false;
        StrBuf sb = STRBUF_INIT;

        if (rest == 0)
                return xstrdup("0s");
        for (size_t i = 0; i < ELEMENTSOF(steps); i++) {
                uint64_t v = rest / steps[i].len;

                /* Limited accuracy: no minutes beside weeks, no seconds beside days or weeks. */
                if (auto_limit_accuracy && ((steps[i].unit == 'm' && weeks) || (steps[i].unit == 's' && days)))
                        continue;
                if (v > 0) {
                        strbuf_addf(&sb, "%s%" PRIu64 "%c", sb.len ? " " : "", v, steps[i].unit);
                        rest -= v * steps[i].len;
                }
                if (steps[i].unit == 'w')
                        weeks = days = v > 0;
                else if (steps[i].unit == 'd')
                        days = days || v > 0;
        }
        return strbuf_detach(&sb, NULL);
}

char *render_bytes(double value, int precision) {
        static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
        unsigned u = 0;

        if (value > 1023) {
                u = (unsigned) (log(value) / log(1024));
                u = MIN(u, (unsigned) ELEMENTSOF(units) - 1);
                value /= pow(1024, u);
        }
        return xasprintf("%.*f %s", precision > 0 ? precision : 2, value, units[u]);
}

/* Perl's truth of a scalar: false for undef, "", "0", 0 and JSON false. */
static bool perl_true(const json_t *v) {
        if (!v || json_is_null(v) || json_is_false(v))
                return false;
        if (json_is_string(v))
                return !streq(json_string_value(v), "") && !streq(json_string_value(v), "0");
        if (json_is_number(v))
                return json_number_value(v) != 0;
        return true;
}

static double json_as_number(const json_t *v) {
        double d = 0;

        if (json_is_number(v))
                return json_number_value(v);
        if (json_is_string(v))
                (void) parse_double(json_string_value(v), &d);
        if (json_is_true(v))
                return 1;
        return d;
}

/* Upstream's render_yaml(): the YAML document without its "---" start line. */
static char *render_yaml(const json_t *v) {
        char *buf = NULL, *text;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        if (!f)
                oom();
        output_yaml(f, v);
        if (fclose(f) != 0)
                oom();
        text = xstrdup(startswith(buf, "---\n") ?: startswith(buf, "--- ") ?: buf);
        free(buf);
        return text;
}

char *output_value_text(const json_t *v, const ApiSchema *s, const OutputOptions *o) {
        if (!v || json_is_null(v))
                return xstrdup("");
        if (!o->raw && s) {
                if (s->type == API_TYPE_BOOLEAN)
                        return xstrdup(perl_true(v) ? "1" : "0");
                if (s->renderer) {
                        double d = json_as_number(v);

                        if (streq(s->renderer, "timestamp"))
                                return render_timestamp((int64_t) d, false);
                        if (streq(s->renderer, "timestamp_gmt"))
                                return render_timestamp((int64_t) d, true);
                        /* Upstream passes its options hash as the second argument: a true auto_limit_accuracy. */
                        if (streq(s->renderer, "duration"))
                                return render_duration(d, true);
                        if (streq(s->renderer, "fraction_as_percentage"))
                                return xasprintf("%.2f%%", d * 100);
                        if (streq(s->renderer, "bytes"))
                                return render_bytes(d, 0);
                        if (streq(s->renderer, "yaml"))
                                return render_yaml(v);
                }
        }
        if (json_is_object(v) || json_is_array(v) || json_is_boolean(v))
                return json_dump_canonical(v);
        return json_scalar_to_string(v);
}

/* ---- text tables -------------------------------------------------------- */

/* Characters (UTF-8 code points) in s[0..len). */
static size_t utf8_width(const char *s, size_t len) {
        size_t n = 0;

        for (size_t i = 0; i < len; i++)
                if (((unsigned char) s[i] & 0xc0) != 0x80)
                        n++;
        return n;
}

/* Byte length of the first `chars` characters of s. */
static size_t utf8_prefix(const char *s, size_t chars) {
        size_t i = 0, n = 0;

        for (; s[i]; i++) {
                if (((unsigned char) s[i] & 0xc0) != 0x80) {
                        if (n == chars)
                                break;
                        n++;
                }
        }
        return i;
}

/* Perl's split(/\n/): empty lines inside are kept, trailing empty fields dropped. */
static char **split_lines(const char *text) {
        char **lines = NULL;
        size_t keep = 0;

        for (const char *p = text; *p;) {
                size_t n = strcspn(p, "\n");

                strv_push(&lines, xstrndup(p, n));
                p += n + (p[n] == '\n');
        }
        for (size_t i = 0; lines && lines[i]; i++)
                if (lines[i][0])
                        keep = i + 1;
        for (size_t i = keep; lines && lines[i]; i++)
                lines[i] = mfree(lines[i]);
        return lines;
}

typedef struct Cell {
        char **lines;
        size_t width;
} Cell;

typedef struct Column {
        const char *name;
        const ApiSchema *schema; /* may be NULL */
        const char *title;
        size_t cutoff;
        bool right;
} Column;

static const ApiSchema *row_prop(const ApiSchema *row_props, const char *name) {
        return api_schema_find(row_props, name);
}

typedef struct SortContext {
        const char *key;
        bool numeric;
} SortContext;

/* Upstream's safe_compare(): undefined values sort first. */
static int compare_rows(const json_t *a, const json_t *b, const SortContext *ctx) {
        const json_t *x = json_object_get(a, ctx->key), *y = json_object_get(b, ctx->key);

        if ((!x || json_is_null(x)) && (!y || json_is_null(y)))
                return 0;
        if (!x || json_is_null(x))
                return -1;
        if (!y || json_is_null(y))
                return 1;
        if (ctx->numeric) {
                double dx = json_as_number(x), dy = json_as_number(y);
                return (dx > dy) - (dx < dy);
        } else {
                _cleanup_free_ char *sx = json_scalar_to_string(x), *sy = json_scalar_to_string(y);
                return strcmp(sx, sy);
        }
}

/* Stable merge sort of json values (Perl's sort is stable). */
static void sort_rows(json_t **rows, json_t **tmp, size_t n, const SortContext *ctx) {
        size_t mid = n / 2, i = 0, j = mid, k = 0;

        if (n < 2)
                return;
        sort_rows(rows, tmp, mid, ctx);
        sort_rows(rows + mid, tmp, n - mid, ctx);
        while (i < mid && j < n)
                tmp[k++] = compare_rows(rows[j], rows[i], ctx) < 0 ? rows[j++] : rows[i++];
        while (i < mid)
                tmp[k++] = rows[i++];
        while (j < n)
                tmp[k++] = rows[j++];
        memcpy(rows, tmp, n * sizeof(json_t *));
}

typedef struct Borders {
        StrBuf t, h, m, b;
} Borders;

static void add_border(Borders *bd, size_t i, size_t ncols, size_t cutoff, bool utf8) {
        bool first = i == 0, last = i == ncols - 1;

        if (utf8) {
                const char *tl = first ? "┌─" : "┬─", *hl = first ? "╞═" : "╪═", *ml = first ? "├─" : "┼─",
                           *bl = first ? "└─" : "┴─";
                strbuf_adds(&bd->t, tl);
                strbuf_adds(&bd->h, hl);
                strbuf_adds(&bd->m, ml);
                strbuf_adds(&bd->b, bl);
                for (size_t k = 0; k < cutoff; k++) {
                        strbuf_adds(&bd->t, "─");
                        strbuf_adds(&bd->h, "═");
                        strbuf_adds(&bd->m, "─");
                        strbuf_adds(&bd->b, "─");
                }
                strbuf_adds(&bd->t, last ? "─┐" : "─");
                strbuf_adds(&bd->h, last ? "═╡" : "═");
                strbuf_adds(&bd->m, last ? "─┤" : "─");
                strbuf_adds(&bd->b, last ? "─┘" : "─");
        } else {
                strbuf_adds(&bd->m, "+-");
                strbuf_addchars(&bd->m, '-', cutoff);
                strbuf_adds(&bd->m, last ? "-+" : "-");
                strbuf_adds(&bd->h, "+=");
                strbuf_addchars(&bd->h, '=', cutoff);
                /* Upstream's ASCII header rule has no closing '+' on one-column tables. */
                strbuf_adds(&bd->h, last && !first ? "=+" : "=");
        }
}

static void write_line(FILE *f, const char *text, const OutputOptions *o) {
        size_t len = strlen(text);

        if (o->columns)
                len = utf8_prefix(text, o->columns);
        fwrite(text, 1, len, f);
        fputc('\n', f);
}

/* One formatted table line from the given cell texts. */
static void format_row(StrBuf *out, const Column *cols, size_t ncols, const char *const *texts, bool cut, bool border,
                       bool utf8) {
        const char *bar = utf8 ? "│" : "|";

        for (size_t i = 0; i < ncols; i++) {
                const char *t = texts[i];
                /* Cells are cut at the column width; titles are not (sprintf pads, never cuts). */
                size_t bytes = cut ? utf8_prefix(t, cols[i].cutoff) : strlen(t), w = utf8_width(t, bytes);
                size_t pad = cols[i].cutoff > w ? cols[i].cutoff - w : 0;
                bool last = i == ncols - 1;

                if (border)
                        strbuf_addf(out, "%s ", bar);
                if (!border && last) {
                        strbuf_add(out, t, bytes);
                        break;
                }
                if (cols[i].right)
                        strbuf_addchars(out, ' ', pad);
                strbuf_add(out, t, bytes);
                if (!cols[i].right)
                        strbuf_addchars(out, ' ', pad);
                strbuf_addc(out, ' ');
                if (border && last)
                        strbuf_adds(out, bar);
        }
}

void output_print_table(FILE *f, json_t *rows, const ApiSchema *row_props, const char *const *columns,
                        const OutputOptions *o) {
        size_t nrows = json_array_size(rows), ncols = 0;
        _cleanup_free_ json_t **sorted = NULL, **tmp = NULL;
        _cleanup_free_ Column *cols = NULL;
        _cleanup_free_ Cell *cells = NULL;
        _cleanup_free_ size_t *heights = NULL;
        Borders bd = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT };
        const char *sort_key = o->sort_key;
        bool border = !o->noborder;
        const StrBuf *sep;

        while (columns[ncols])
                ncols++;
        if (ncols == 0)
                return;

        sorted = new0(json_t *, nrows + 1);
        tmp = new0(json_t *, nrows + 1);
        for (size_t r = 0; r < nrows; r++)
                sorted[r] = json_array_get(rows, r);
        if (!sort_key)
                sort_key = columns[0];
        if (!isempty(sort_key)) {
                const ApiSchema *ks = row_prop(row_props, sort_key);
                SortContext ctx = {
                        .key = sort_key,
                        .numeric = ks && (ks->type == API_TYPE_INTEGER || ks->type == API_TYPE_NUMBER),
                };
                sort_rows(sorted, tmp, nrows, &ctx);
        }

        cols = new0(Column, ncols);
        cells = new0(Cell, nrows * ncols + 1);
        heights = new0(size_t, nrows + 1);
        for (size_t r = 0; r < nrows; r++) {
                heights[r] = 1;
                for (size_t c = 0; c < ncols; c++) {
                        const ApiSchema *ps = row_prop(row_props, columns[c]);
                        _cleanup_free_ char *text = output_value_text(json_object_get(sorted[r], columns[c]), ps, o);
                        Cell *cell = &cells[r * ncols + c];
                        size_t n;

                        cell->lines = split_lines(text);
                        n = strv_length(cell->lines);
                        if (n == 0)
                                strv_extend(&cell->lines, "");
                        heights[r] = MAX(heights[r], MAX(n, (size_t) 1));
                        STRV_FOREACH(l, cell->lines)
                                cell->width = MAX(cell->width, utf8_width(*l, strlen(*l)));
                }
        }

        for (size_t c = 0; c < ncols; c++) {
                const ApiSchema *ps = row_prop(row_props, columns[c]);
                size_t longest, cutoff;

                cols[c].name = columns[c];
                cols[c].schema = ps;
                cols[c].title = ps && ps->title ? ps->title : columns[c];
                cols[c].right = ps && (ps->type == API_TYPE_INTEGER || ps->type == API_TYPE_NUMBER);
                longest = utf8_width(cols[c].title, strlen(cols[c].title));
                for (size_t r = 0; r < nrows; r++)
                        longest = MAX(longest, cells[r * ncols + c].width);
                cutoff = ps && ps->max_length ? ps->max_length : longest;
                cols[c].cutoff = MIN(cutoff, longest);
                if (border)
                        add_border(&bd, c, ncols, cols[c].cutoff, o->utf8);
        }
        if (bd.t.len == 0)
                strbuf_adds(&bd.t, bd.m.buf);
        if (bd.b.len == 0)
                strbuf_adds(&bd.b, bd.m.buf);

        if (border)
                write_line(f, bd.t.buf, o);
        if (!o->noheader) {
                _cleanup_strbuf_ StrBuf line = STRBUF_INIT;
                _cleanup_free_ const char **titles = new0(const char *, ncols + 1);

                for (size_t c = 0; c < ncols; c++)
                        titles[c] = cols[c].title;
                format_row(&line, cols, ncols, titles, false, border, o->utf8);
                write_line(f, line.buf, o);
                sep = &bd.h;
        } else
                sep = &bd.m;

        for (size_t r = 0; r < nrows; r++) {
                if (border && (r != 0 || !o->noheader)) {
                        write_line(f, sep->buf, o);
                        sep = &bd.m;
                }
                for (size_t l = 0; l < heights[r]; l++) {
                        _cleanup_strbuf_ StrBuf line = STRBUF_INIT;
                        _cleanup_free_ const char **texts = new0(const char *, ncols + 1);

                        for (size_t c = 0; c < ncols; c++) {
                                Cell *cell = &cells[r * ncols + c];
                                texts[c] = l < strv_length(cell->lines) ? cell->lines[l] : "";
                        }
                        format_row(&line, cols, ncols, texts, true, border, o->utf8);
                        write_line(f, line.buf, o);
                }
        }
        if (border)
                write_line(f, bd.b.buf, o);

        for (size_t i = 0; i < nrows * ncols; i++)
                strv_free(cells[i].lines);
        strbuf_release(&bd.t);
        strbuf_release(&bd.h);
        strbuf_release(&bd.m);
        strbuf_release(&bd.b);
}

/* Required properties sorted, then optional ones sorted (extract_properties_to_print). */
static char **props_to_print(const ApiSchema *props) {
        char **req = new0(char *, 1), **opt = NULL;

        for (const ApiSchema *p = props; p && p->name; p++)
                strv_extend(p->optional ? &opt : &req, p->name);
        strv_sort(req);
        strv_sort(opt);
        strv_extend_strv(&req, opt);
        strv_free(opt);
        return req;
}

static char **all_keys_sorted(const json_t *rows) {
        char **keys = new0(char *, 1);
        size_t i;
        const json_t *row;

        json_array_foreach((json_t *) rows, i, row) {
                const char *k;
                json_t *v;

                json_object_foreach((json_t *) row, k, v)
                        if (!strv_contains(keys, k))
                                strv_extend(&keys, k);
        }
        strv_sort(keys);
        return keys;
}

static void print_text(FILE *f, const json_t *data, const ApiSchema *returns, const char *const *props,
                       const OutputOptions *o) {
        ApiType type = returns->type;

        if (type == API_TYPE_OBJECT && json_is_object(data)) {
                _cleanup_strv_free_ char **keys = props ? strv_copy((char *const *) props)
                                                        : props_to_print(returns->properties);
                _cleanup_json_ json_t *kv = json_array();

                if (strv_isempty(keys)) {
                        _cleanup_free_ const char **sorted = json_object_sorted_keys(data);
                        for (const char **k = sorted; *k; k++)
                                strv_extend(&keys, *k);
                }
                STRV_FOREACH(k, keys) {
                        const json_t *v = json_object_get(data, *k);
                        _cleanup_free_ char *text = NULL;

                        if (!v || json_is_null(v))
                                continue;
                        text = output_value_text(v, api_schema_find(returns->properties, *k), o);
                        json_array_append_new(kv, json_pack("{s:s,s:s}", "key", *k, "value", text));
                }
                output_print_table(f, kv, NULL, (const char *const[]) { "key", "value", NULL }, o);
        } else if (type == API_TYPE_ARRAY && json_is_array(data)) {
                const ApiSchema *items = returns->items;

                if (json_array_size(data) == 0)
                        return;
                if (items && items->type == API_TYPE_OBJECT) {
                        _cleanup_strv_free_ char **cols = props ? strv_copy((char *const *) props)
                                                                : props_to_print(items->properties);

                        if (strv_isempty(cols)) {
                                strv_free(cols);
                                cols = all_keys_sorted(data);
                        }
                        output_print_table(f, (json_t *) data, items->properties, (const char *const *) cols, o);
                } else {
                        _cleanup_json_ json_t *rows = json_array();
                        OutputOptions o2 = *o;
                        ApiSchema value_prop[2] = { items ? *items : (ApiSchema) {}, {} };
                        size_t i;
                        json_t *v;

                        value_prop[0].name = "value";
                        json_array_foreach((json_t *) data, i, v)
                                json_array_append_new(rows, json_pack("{s:O}", "value", v));
                        o2.noheader = true;
                        output_print_table(f, rows, value_prop, (const char *const[]) { "value", NULL }, &o2);
                }
        } else if (json_is_object(data) || json_is_array(data)) {
                /* The data does not have the declared shape: show it as JSON rather than lose it. */
                _cleanup_free_ char *s = json_dump_canonical(data);
                fprintf(f, "%s\n", s);
        } else {
                _cleanup_free_ char *s = json_scalar_to_string(data);
                fprintf(f, "%s\n", s);
        }
}

static ApiType guess_type(const json_t *v) {
        if (!v || json_is_null(v))
                return API_TYPE_NULL;
        if (json_is_object(v))
                return API_TYPE_OBJECT;
        if (json_is_array(v))
                return API_TYPE_ARRAY;
        return API_TYPE_STRING;
}

void output_print_result(FILE *f, const json_t *data, const ApiSchema *returns, const char *const *props,
                         const OutputOptions *o) {
        ApiSchema guessed = {}, guessed_items = {};

        if (o->quiet)
                return;
        if (returns && returns->type == API_TYPE_NULL && !data)
                return;
        if (returns && returns->optional && !data)
                return;
        if (!returns || returns->type == API_TYPE_ANY) {
                guessed.type = guess_type(data);
                if (guessed.type == API_TYPE_ARRAY) {
                        guessed_items.type = guess_type(json_array_get(data, 0));
                        guessed.items = &guessed_items;
                }
                returns = &guessed;
        }

        switch (o->format) {
        case OUTPUT_JSON:
                json_dump_canonical_file(data ?: json_null(), f);
                fputc('\n', f);
                break;
        case OUTPUT_JSON_PRETTY:
                output_json_pretty(f, data ?: json_null());
                break;
        case OUTPUT_YAML:
                output_yaml(f, data ?: json_null());
                break;
        case OUTPUT_TEXT:
        case _OUTPUT_FORMAT_MAX:
                if (data && !json_is_null(data))
                        print_text(f, data, returns, props, o);
                break;
        }
}

/* ---- json-pretty and yaml ----------------------------------------------- */

static void json_pretty_value(FILE *f, const json_t *v, unsigned depth) {
        if (json_is_object(v) && json_object_size(v) > 0) {
                _cleanup_free_ const char **keys = json_object_sorted_keys(v);

                fputs("{\n", f);
                for (const char **k = keys; *k; k++) {
                        _cleanup_json_ json_t *kj = json_string(*k);
                        _cleanup_free_ char *ks = json_dump_canonical(kj);
                        fprintf(f, "%*s%s : ", (int) (3 * (depth + 1)), "", ks);
                        json_pretty_value(f, json_object_get(v, *k), depth + 1);
                        fputs(k[1] ? ",\n" : "\n", f);
                }
                fprintf(f, "%*s}", (int) (3 * depth), "");
        } else if (json_is_array(v) && json_array_size(v) > 0) {
                size_t n = json_array_size(v);

                fputs("[\n", f);
                for (size_t i = 0; i < n; i++) {
                        fprintf(f, "%*s", (int) (3 * (depth + 1)), "");
                        json_pretty_value(f, json_array_get(v, i), depth + 1);
                        fputs(i + 1 < n ? ",\n" : "\n", f);
                }
                fprintf(f, "%*s]", (int) (3 * depth), "");
        } else {
                _cleanup_free_ char *s = json_dump_canonical(v);
                fputs(s, f);
        }
}

void output_json_pretty(FILE *f, const json_t *v) {
        json_pretty_value(f, v, 0);
        fputc('\n', f);
}

/*
 * YAML as upstream's YAML::XS::Dump() writes it: libyaml's emitter (which
 * YAML::XS wraps) with YAML::XS's settings and its choice of scalar styles.
 */

/* Perl's looks_like_number(): surrounding whitespace, Inf/Infinity/NaN, "0 but true". */
static bool perl_looks_like_number(const char *s) {
        _cleanup_free_ char *t = xstrdup(s);
        char *p = t + strspn(t, " \t\n\r\f\v"), *e = p + strlen(p);

        while (e > p && strchr(" \t\n\r\f\v", e[-1]))
                *--e = 0;
        if (streq(s, "0 but true") || looks_like_number(p))
                return true;
        if (*p == '+' || *p == '-')
                p++;
        return strcasecmp(p, "inf") == 0 || strcasecmp(p, "infinity") == 0 || strcasecmp(p, "nan") == 0;
}

/* libyaml is loaded on first use (sys/dlopen-util.h): most calls print no YAML. */
static DLSYM_FUNCTION(yaml_emitter_emit);
static DLSYM_FUNCTION(yaml_scalar_event_initialize);
static DLSYM_FUNCTION(yaml_mapping_start_event_initialize);
static DLSYM_FUNCTION(yaml_mapping_end_event_initialize);
static DLSYM_FUNCTION(yaml_sequence_start_event_initialize);
static DLSYM_FUNCTION(yaml_sequence_end_event_initialize);
static DLSYM_FUNCTION(yaml_emitter_initialize);
static DLSYM_FUNCTION(yaml_emitter_set_unicode);
static DLSYM_FUNCTION(yaml_emitter_set_width);
static DLSYM_FUNCTION(yaml_emitter_set_output);
static DLSYM_FUNCTION(yaml_stream_start_event_initialize);
static DLSYM_FUNCTION(yaml_document_start_event_initialize);
static DLSYM_FUNCTION(yaml_document_end_event_initialize);
static DLSYM_FUNCTION(yaml_stream_end_event_initialize);
static DLSYM_FUNCTION(yaml_emitter_delete);

static int dlopen_yaml(void) {
        static void *dl;

        return dlopen_many_sym(&dl, "libyaml-0.so.2", DLSYM_ARG(yaml_emitter_emit), DLSYM_ARG(yaml_scalar_event_initialize), DLSYM_ARG(yaml_mapping_start_event_initialize), DLSYM_ARG(yaml_mapping_end_event_initialize), DLSYM_ARG(yaml_sequence_start_event_initialize), DLSYM_ARG(yaml_sequence_end_event_initialize), DLSYM_ARG(yaml_emitter_initialize), DLSYM_ARG(yaml_emitter_set_unicode), DLSYM_ARG(yaml_emitter_set_width), DLSYM_ARG(yaml_emitter_set_output), DLSYM_ARG(yaml_stream_start_event_initialize), DLSYM_ARG(yaml_document_start_event_initialize), DLSYM_ARG(yaml_document_end_event_initialize), DLSYM_ARG(yaml_stream_end_event_initialize), DLSYM_ARG(yaml_emitter_delete), NULL);
}

static yaml_scalar_style_t yaml_string_style(const char *s, size_t len) {
        static const char *const quoted[] = { "", "~", "true", "false", "null" };

        for (size_t i = 0; i < ELEMENTSOF(quoted); i++)
                if (streq(s, quoted[i]))
                        return YAML_SINGLE_QUOTED_SCALAR_STYLE;
        /* Strings that read as numbers are quoted (YAML::XS's QuoteNumericStrings). */
        if (perl_looks_like_number(s))
                return YAML_SINGLE_QUOTED_SCALAR_STYLE;
        if (memchr(s, '\n', len))
                return len > 30 ? YAML_LITERAL_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE;
        /* libyaml falls back to quoting where a plain scalar would not read back. */
        return YAML_PLAIN_SCALAR_STYLE;
}

static bool yaml_emit(yaml_emitter_t *e, yaml_event_t *ev) {
        return sym_yaml_emitter_emit(e, ev) != 0;
}

static bool yaml_emit_scalar(yaml_emitter_t *e, const char *s, size_t len, yaml_scalar_style_t style) {
        yaml_event_t ev;

        if (!sym_yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *) s, (int) len, 1, 1, style))
                return false;
        return yaml_emit(e, &ev);
}

static bool yaml_emit_node(yaml_emitter_t *e, const json_t *v) {
        yaml_event_t ev;

        switch (json_typeof(v)) {
        case JSON_OBJECT: {
                _cleanup_free_ const char **keys = json_object_sorted_keys(v);

                if (!sym_yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) ||
                    !yaml_emit(e, &ev))
                        return false;
                for (const char **k = keys; *k; k++)
                        if (!yaml_emit_scalar(e, *k, strlen(*k), yaml_string_style(*k, strlen(*k))) ||
                            !yaml_emit_node(e, json_object_get(v, *k)))
                                return false;
                return sym_yaml_mapping_end_event_initialize(&ev) && yaml_emit(e, &ev);
        }
        case JSON_ARRAY:
                if (!sym_yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE) ||
                    !yaml_emit(e, &ev))
                        return false;
                for (size_t i = 0; i < json_array_size(v); i++)
                        if (!yaml_emit_node(e, json_array_get(v, i)))
                                return false;
                return sym_yaml_sequence_end_event_initialize(&ev) && yaml_emit(e, &ev);
        case JSON_STRING:
                return yaml_emit_scalar(e, json_string_value(v), json_string_length(v),
                                        yaml_string_style(json_string_value(v), json_string_length(v)));
        case JSON_NULL:
                return yaml_emit_scalar(e, "~", 1, YAML_PLAIN_SCALAR_STYLE);
        default: {
                /* Numbers as Perl prints them, booleans as true/false ($YAML::XS::Boolean = "JSON::PP"). */
                _cleanup_free_ char *t = json_is_boolean(v) ? xstrdup(json_is_true(v) ? "true" : "false")
                                                            : json_scalar_to_string(v);

                return yaml_emit_scalar(e, t, strlen(t), YAML_PLAIN_SCALAR_STYLE);
        }
        }
}

static int yaml_write(void *data, unsigned char *buffer, size_t size) {
        strbuf_add(data, (const char *) buffer, size);
        return 1;
}

static bool yaml_emit_document(StrBuf *out, const json_t *v) {
        yaml_emitter_t e;
        yaml_event_t ev;
        bool ok;

        if (!sym_yaml_emitter_initialize(&e))
                oom();
        sym_yaml_emitter_set_unicode(&e, 1);
        sym_yaml_emitter_set_width(&e, 2); /* as YAML::XS: too small, so libyaml's default of 80 */
        sym_yaml_emitter_set_output(&e, yaml_write, out);
        ok = sym_yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) && yaml_emit(&e, &ev) &&
             sym_yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0) && yaml_emit(&e, &ev) &&
             yaml_emit_node(&e, v) && sym_yaml_document_end_event_initialize(&ev, 1) && yaml_emit(&e, &ev) &&
             sym_yaml_stream_end_event_initialize(&ev) && yaml_emit(&e, &ev);
        sym_yaml_emitter_delete(&e);
        return ok;
}

void output_yaml(FILE *f, const json_t *v) {
        _cleanup_strbuf_ StrBuf out = STRBUF_INIT;

        if (dlopen_yaml() >= 0 && yaml_emit_document(&out, v))
                fputs(strempty(out.buf), f);
        else {
                /* Without libyaml, or where it refuses (invalid UTF-8, which jansson never holds): JSON is YAML too. */
                _cleanup_free_ char *j = json_dump_canonical(v);
                fprintf(f, "--- %s\n", j);
        }
}
