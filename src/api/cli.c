/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/cli.h"
#include "api/format.h"
#include "api/json-util.h"
#include "api/propstr.h"
#include "api/registry.h"
#include "api/validate.h"
#include "basic/alloc.h"
#include "basic/errmsg.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "sys/nodename.h"

#define CLI_EXIT_FAILURE 255 /* what upstream's die() gives */
#define WRAP_COLUMNS 76      /* Text::Wrap's default */

static const char *const output_format_names[] = { "text", "json", "json-pretty", "yaml", NULL };

const ApiSchema cli_output_options[] = {
        { .name = "human-readable", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "1",
          .description = "Call output rendering functions to produce human readable text." },
        { .name = "noborder", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "0",
          .description = "Do not draw borders (for 'text' format)." },
        { .name = "noheader", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "0",
          .description = "Do not show column headers (for 'text' format)." },
        { .name = "output-format", .type = API_TYPE_STRING, .optional = true, .default_value = "text",
          .enum_values = output_format_names, .description = "Output format." },
        { .name = "quiet", .type = API_TYPE_BOOLEAN, .optional = true,
          .description = "Suppress printing results." },
        {},
};

/* ---- option parsing ----------------------------------------------------- */

typedef struct OptDef {
        const char *name;
        const ApiSchema *schema;
        bool optional_value; /* booleans: "--flag" alone means 1 */
        bool multi;          /* repeated options accumulate (-list formats, arrays) */
} OptDef;

static bool is_list_format(const ApiSchema *s) {
        return s->format && endswith(s->format, "-list");
}

static size_t collect_optdefs(const ApiSchema *const *lists, const ApiSchema *list_arg, OptDef **ret) {
        OptDef *defs = NULL;
        size_t n = 0;

        for (const ApiSchema *const *l = lists; *l; l++)
                for (const ApiSchema *p = *l; p->name; p++) {
                        bool dup = false;

                        /* A list taking the positional arguments is no option; other positional parameters are. */
                        if (list_arg && streq(list_arg->name, p->name))
                                continue;
                        for (size_t i = 0; i < n; i++)
                                dup = dup || streq(defs[i].name, p->name);
                        if (dup)
                                continue;
                        defs = xreallocarray(defs, n + 1, sizeof(OptDef));
                        defs[n++] = (OptDef) {
                                .name = p->name,
                                .schema = p,
                                .optional_value = p->type == API_TYPE_BOOLEAN,
                                .multi = is_list_format(p) || p->type == API_TYPE_ARRAY,
                        };
                }
        *ret = defs;
        return n;
}

/*
 * Exact match, else a unique prefix (Getopt::Long's auto_abbrev), both
 * ignoring case (its default ignore_case). Logs Getopt::Long's warning when
 * there is no match.
 */
static const OptDef *find_optdef(const OptDef *defs, size_t n, const char *name) {
        _cleanup_strbuf_ StrBuf candidates = STRBUF_INIT;
        const OptDef *found = NULL;
        size_t len = strlen(name), matches = 0;

        for (size_t i = 0; i < n; i++)
                if (strcasecmp(defs[i].name, name) == 0)
                        return &defs[i];
        for (size_t i = 0; len > 0 && i < n; i++)
                if (strncasecmp(defs[i].name, name, len) == 0) {
                        strbuf_addf(&candidates, "%s%s", matches++ ? ", " : "", defs[i].name);
                        found = &defs[i];
                }
        if (matches == 1)
                return found;
        if (matches > 1)
                log_error("Option %s is ambiguous (%s)", name, candidates.buf);
        else
                log_error("Unknown option: %s", name);
        return NULL;
}

static void add_value(json_t *params, const OptDef *d, const char *value) {
        json_t *old = json_object_get(params, d->name);

        if (d->schema->type == API_TYPE_ARRAY) {
                /* --arr 3 --arr 4: an array, as Getopt::Long's "=s@". */
                if (!old)
                        json_object_set_new(params, d->name, json_pack("[s]", value));
                else
                        json_array_append_new(old, json_string(value));
        } else if (d->multi && old) {
                _cleanup_free_ char *joined = xasprintf("%s,%s", json_string_value(old), value);
                json_object_set_new(params, d->name, json_string(joined));
        } else
                json_object_set_new(params, d->name, json_string(value));
}

int cli_parse_options(const ApiSchema *const *lists, char **argv, const char *const *arg_names, json_t **ret,
                      char **reterr) {
        _cleanup_json_ json_t *params = json_object();
        _cleanup_strv_free_ char **positional = NULL;
        _cleanup_free_ OptDef *defs = NULL;
        const ApiSchema *list_arg = NULL;
        size_t nargs = strv_length((char *const *) arg_names), ndefs;
        bool options_done = false;

        /* A single "-list" positional parameter takes all positional arguments. */
        if (nargs == 1)
                for (const ApiSchema *const *l = lists; *l && !list_arg; l++) {
                        const ApiSchema *s = api_schema_find(*l, arg_names[0]);
                        if (s && is_list_format(s))
                                list_arg = s;
                }
        ndefs = collect_optdefs(lists, list_arg, &defs);

        /* Parameters are JSON strings: refuse what is not UTF-8 rather than lose it. */
        for (char **a = argv; a && *a; a++)
                if (!utf8_is_valid(*a, strlen(*a)))
                        return errmsg_set(reterr, -EINVAL, "invalid UTF-8 in argument %zu", (size_t) (a - argv) + 1);

        for (char **a = argv; a && *a; a++) {
                _cleanup_free_ char *name = NULL;
                const char *value = NULL, *opt;
                const OptDef *d;

                /* Options and positional arguments mix (Getopt::Long's permute); "--" ends the options. */
                if (options_done || (*a)[0] != '-' || streq(*a, "-")) {
                        strv_extend(&positional, *a);
                        continue;
                }
                if (streq(*a, "--")) {
                        options_done = true;
                        continue;
                }
                opt = (*a)[1] == '-' ? *a + 2 : *a + 1;
                if (strchr(opt, '=')) {
                        name = xstrndup(opt, strcspn(opt, "="));
                        value = strchr(opt, '=') + 1;
                } else
                        name = xstrdup(opt);

                d = find_optdef(defs, ndefs, name);
                if (!d)
                        return errmsg_set(reterr, -EINVAL, "unable to parse option");
                if (d->optional_value) {
                        /* An optional value is taken unless the next argument looks like an option. */
                        if (!value && a[1] && !streq(a[1], "--") && (a[1][0] != '-' || streq(a[1], "-")))
                                value = *++a;
                } else {
                        /* A required value is the next argument, whatever it is; "--name=" has none. */
                        if (!value && a[1])
                                value = *++a;
                        else if (isempty(value)) {
                                log_error("Option %s requires an argument", d->name);
                                return errmsg_set(reterr, -EINVAL, "unable to parse option");
                        }
                }
                if (d->schema->type == API_TYPE_BOOLEAN) {
                        bool b = true;

                        if (!isempty(value) && parse_bool(value, &b) < 0)
                                return errmsg_set(reterr, -EINVAL, "unable to parse boolean option");
                        value = b ? "1" : "0";
                }
                add_value(params, d, value);
        }

        if (list_arg) {
                if (!strv_isempty(positional)) {
                        _cleanup_free_ char *joined = strv_join(positional, ",");
                        json_object_set_new(params, list_arg->name, json_string(joined));
                }
        } else {
                size_t i = 0;

                STRV_FOREACH(p, positional) {
                        if (i >= nargs)
                                return errmsg_set(reterr, -EINVAL, "too many arguments");
                        json_object_set_new(params, arg_names[i++], json_string(*p));
                }
                /* Positional parameters left over must be optional. */
                for (; i < nargs; i++) {
                        const ApiSchema *s = NULL;

                        for (const ApiSchema *const *l = lists; *l && !s; l++)
                                s = api_schema_find(*l, arg_names[i]);
                        if (s && !s->optional)
                                return errmsg_set(reterr, -EINVAL, "not enough arguments");
                }
        }

        *ret = TAKE_PTR(params);
        return 0;
}

int cli_take_output_options(json_t *params, OutputOptions *o, json_t *errors) {
        _cleanup_json_ json_t *raw = json_object(), *checked = NULL;

        for (const ApiSchema *p = cli_output_options; p->name; p++) {
                json_t *v = json_object_get(params, p->name);
                if (v) {
                        json_object_set(raw, p->name, v);
                        json_object_del(params, p->name);
                }
        }
        checked = api_check_object(cli_output_options, false, raw, "", errors);
        if (!checked)
                return -EINVAL;

        if (json_object_get(checked, "output-format"))
                o->format = (OutputFormat) output_format_from_string(json_object_get_string(checked, "output-format"));
        o->noheader = json_is_true(json_object_get(checked, "noheader"));
        o->noborder = json_is_true(json_object_get(checked, "noborder"));
        o->quiet = json_is_true(json_object_get(checked, "quiet"));
        o->raw = json_is_false(json_object_get(checked, "human-readable"));
        return 0;
}

void cli_print_error(FILE *f, const ApiCall *call) {
        const char *msg = call->error.message ?: "unknown error";

        if (call->error.errors) {
                _cleanup_free_ const char **keys = json_object_sorted_keys(call->error.errors);

                fprintf(f, "%d %s\n", call->error.status, msg);
                for (const char **k = keys; *k; k++)
                        fprintf(f, "%s: %s\n", *k, json_object_get_string(call->error.errors, *k));
        } else
                fprintf(f, "%s%s", msg, endswith(msg, "\n") ? "" : "\n");
}

/* ---- usage texts -------------------------------------------------------- */

char *cli_type_text(const ApiSchema *s) {
        if (s->typetext)
                return xstrdup(s->typetext);
        if (s->format_description)
                return xasprintf("<%s>", s->format_description);
        if (s->enum_values) {
                _cleanup_strv_free_ char **sorted = strv_copy((char *const *) s->enum_values);
                _cleanup_free_ char *joined = NULL;

                strv_sort(sorted);
                joined = strv_join(sorted, " | ");
                return xasprintf("<%s>", joined);
        }
        if (s->pattern)
                return xstrdup(s->pattern);
        if (s->type == API_TYPE_INTEGER || s->type == API_TYPE_NUMBER) {
                const char *t = api_type_to_string(s->type);
                _cleanup_free_ char *lo = s->minimum.set ? api_limit_to_string(s->minimum.value) : NULL;
                _cleanup_free_ char *hi = s->maximum.set ? api_limit_to_string(s->maximum.value) : NULL;

                if (lo && hi)
                        return xasprintf("<%s> (%s - %s)", t, lo, hi);
                if (lo)
                        return xasprintf("<%s> (%s - N)", t, lo);
                if (hi)
                        return xasprintf("<%s> (-N - %s)", t, hi);
        }
        if (s->type == API_TYPE_STRING && s->format_keys)
                return propstr_typetext(s->format_keys);
        if (s->type == API_TYPE_STRING && s->format) {
                const ApiFormat *f = api_format_find(s->format);
                if (f && f->keys)
                        return propstr_typetext(f->keys);
        }
        return xasprintf("<%s>", api_type_to_string(s->type));
}

/* Text::Tabs::expand(): tabs to spaces at stops of 8, per line. */
static char *expand_tabs(const char *s) {
        StrBuf out = STRBUF_INIT;
        size_t col = 0;

        for (; *s; s++) {
                if (*s == '\t') {
                        do
                                strbuf_addc(&out, ' ');
                        while (++col % 8);
                        continue;
                }
                strbuf_addc(&out, *s);
                col = *s == '\n' ? 0 : col + 1;
        }
        return strbuf_detach(&out, NULL);
}

/* Text::Tabs::unexpand() of one line: each full 8-column chunk ending in two or more spaces ends in a tab. */
static void put_unexpanded(FILE *f, const char *line, size_t len) {
        size_t i = 0;

        for (; i + 8 <= len; i += 8) {
                size_t sp = 0;

                while (sp < 8 && line[i + 7 - sp] == ' ')
                        sp++;
                if (sp >= 2) {
                        fwrite(line + i, 1, 8 - sp, f);
                        fputc('\t', f);
                } else
                        fwrite(line + i, 1, 8, f);
        }
        fwrite(line + i, 1, len - i, f);
}

static bool is_wrap_space(char c) {
        return c && strchr(" \t\n\r\f\v", c);
}

void cli_wrap(FILE *f, const char *first_indent, const char *indent, const char *text) {
        _cleanup_free_ char *t = expand_tabs(text);
        size_t len = strlen(t), pos = 0, ll = WRAP_COLUMNS - strlen(first_indent) - 1;
        const char *lead = first_indent;
        char remainder = 0;

        for (bool first = true;; first = false) {
                _cleanup_strbuf_ StrBuf line = STRBUF_INIT;
                size_t k = 0, rest = pos;

                /* Done when only whitespace is left. */
                while (is_wrap_space(t[rest]))
                        rest++;
                if (!t[rest])
                        break;

                /* The longest run of at most ll characters, without a newline, followed by whitespace or the end. */
                while (k < ll && pos + k < len && t[pos + k] != '\n')
                        k++;
                while (k > 0 && pos + k < len && !is_wrap_space(t[pos + k]))
                        k--;
                if (pos + k < len && !is_wrap_space(t[pos + k])) {
                        /* A word longer than a line is cut ($huge = 'wrap'). */
                        k = ll;
                        remainder = '\n';
                } else
                        remainder = t[pos + k]; /* the whitespace that breaks the line (consumed), or NUL at the end */

                strbuf_adds(&line, lead);
                strbuf_add(&line, t + pos, k);
                if (!first)
                        fputc('\n', f);
                put_unexpanded(f, line.buf, line.len);
                pos += k + (pos + k < len && is_wrap_space(t[pos + k]));
                lead = indent;
                ll = WRAP_COLUMNS - strlen(indent) - 1;
        }
        /* As Text::Wrap, the whitespace that ended the last line is kept. */
        if (remainder)
                fputc(remainder, f);
}

static void option_description(FILE *f, const char *display, const ApiSchema *p) {
        _cleanup_free_ char *type = cli_type_text(p);
        _cleanup_free_ char *head = NULL, *desc = NULL;
        const char *indent = "             ";

        /* Upstream's get_property_description() for the 'short'/'full' usage formats. */
        head = xasprintf("  %-10s %s%s%s%s\n", display, type, p->default_value ? "   (default=" : "",
                         strempty(p->default_value), p->default_value ? ")" : "");
        cli_wrap(f, "", indent, head);
        desc = xstrdup(p->description ?: "no description available");
        if (endswith(desc, "\n")) /* chomp */
                desc[strlen(desc) - 1] = 0;
        cli_wrap(f, indent, indent, desc);
        fputs("\n\n", f);
}

static bool has_options(const ApiMethod *m, const char *const *args, const char *const *skip, bool required) {
        for (const ApiSchema *p = m->parameters; p && p->name; p++)
                if (!strv_contains((char *const *) args, p->name) && !strv_contains((char *const *) skip, p->name) &&
                    p->optional != required)
                        return true;
        return false;
}

void cli_method_usage(FILE *f, const char *prefix, const ApiMethod *m, const char *const *args,
                      const char *const *skip, bool output_options, CliUsageStyle style) {
        _cleanup_strv_free_ char **names = NULL;
        bool first_arg = true;

        if (style == CLI_USAGE_FULL)
                fputs("USAGE: ", f);
        /* As upstream's getopt_usage(): "<prefix> <args>", even when args is empty. */
        fprintf(f, "%s ", prefix);
        for (const char *const *a = args; a && *a; a++) {
                const ApiSchema *p = api_schema_find(m->parameters, *a);

                if (!p)
                        continue;
                if (!first_arg)
                        fputc(' ', f);
                if (is_list_format(p))
                        fprintf(f, "{<%s>}", *a);
                else
                        fprintf(f, p->optional ? "[<%s>]" : "<%s>", *a);
                first_arg = false;
        }
        for (const ApiSchema *p = m->parameters; p && p->name; p++)
                if (!p->optional && !strv_contains((char *const *) args, p->name) &&
                    !strv_contains((char *const *) skip, p->name))
                        strv_extend(&names, p->name);
        strv_sort(names);
        STRV_FOREACH(n, names) {
                /* Required options show their plain type here; the details follow with --verbose. */
                fprintf(f, "%s--%s <%s>", first_arg ? "" : " ", *n,
                        api_type_to_string(api_schema_find(m->parameters, *n)->type));
                first_arg = false;
        }
        if (has_options(m, args, skip, false))
                fputs(" [OPTIONS]", f);
        if (output_options)
                fputs(" [FORMAT_OPTIONS]", f);
        fputc('\n', f);
        if (style == CLI_USAGE_SHORT)
                return;

        if (m->description) {
                fputc('\n', f);
                cli_wrap(f, "  ", "  ", m->description);
                fputs("\n\n", f);
        }
        for (const char *const *a = args; a && *a; a++) {
                const ApiSchema *p = api_schema_find(m->parameters, *a);
                _cleanup_free_ char *display = xasprintf("<%s>", *a);

                if (p)
                        option_description(f, display, p);
        }
        strv_free(names);
        names = NULL;
        for (const ApiSchema *p = m->parameters; p && p->name; p++)
                if (!strv_contains((char *const *) args, p->name) && !strv_contains((char *const *) skip, p->name))
                        strv_extend(&names, p->name);
        strv_sort(names);
        STRV_FOREACH(n, names) {
                _cleanup_free_ char *display = NULL;
                size_t base = strcspn(*n, "0123456789");

                /* Numbered options (acmedomain0, acmedomain1, ...) are shown once, as --acmedomain[n]. */
                if (base > 0 && (*n)[base] && in_charset(*n + base, "0123456789")) {
                        _cleanup_free_ char *first = xasprintf("%.*s0", (int) base, *n);
                        _cleanup_free_ char *second = xasprintf("%.*s1", (int) base, *n);

                        if (api_schema_find(m->parameters, second)) {
                                if (!streq(*n, first))
                                        continue;
                                display = xasprintf("--%.*s[n]", (int) base, *n);
                        }
                }
                if (!display)
                        display = xasprintf("--%s", *n);
                option_description(f, display, api_schema_find(m->parameters, *n));
        }
}

/* ---- programs ----------------------------------------------------------- */

static const ApiMethod *command_method(const CliCommand *c) {
        const ApiMethod *m = c->method;

        if (m)
                return m;
        API_FOREACH_METHOD(x)
                if (x->http_method == c->http_method && streq(x->path, c->path))
                        m = x;
        return m;
}

/* Path parameters that the program fills in itself (the local node). */
static char **implicit_params(const CliCommand *c) {
        _cleanup_strv_free_ char **segs = strv_split(c->method ? c->method->path : c->path, "/");
        char **implicit = new0(char *, 1);

        STRV_FOREACH(s, segs)
                if (streq(*s, "{node}") && !strv_contains((char *const *) c->args, "node"))
                        strv_extend(&implicit, "node");
        return implicit;
}

static void command_usage(FILE *f, const CliProgram *prog, const CliCommand *c, CliUsageStyle style,
                          const char *indent) {
        _cleanup_free_ char *prefix = xasprintf("%s %s", prog->name, c->name);
        _cleanup_strv_free_ char **skip = implicit_params(c);
        const ApiMethod *m = command_method(c);

        fputs(indent, f);
        if (!m) {
                fprintf(f, "%s (method %s %s missing)\n", prefix, api_http_method_to_string(c->http_method), c->path);
                return;
        }
        cli_method_usage(f, prefix, m, c->args, (const char *const *) skip, c->output_options, style);
}

static void program_usage(FILE *f, const CliProgram *prog, const char *error) {
        const char *group = NULL;

        if (error)
                fprintf(f, "ERROR: %s\n", error);
        fprintf(f, "USAGE: %s <COMMAND> [ARGS] [OPTIONS]\n\n", prog->name);
        fprintf(f, "       %s help [<extra-args>] [OPTIONS]\n\n", prog->name);
        for (const CliCommand *c = prog->commands; c->name; c++) {
                size_t glen = strcspn(c->name, " ");

                if (group && (strlen(group) != glen || !strneq(group, c->name, glen)))
                        fputc('\n', f);
                group = c->name;
                command_usage(f, prog, c, CLI_USAGE_SHORT, "       ");
        }
}

/*
 * Finds the command named by the leading words of argv; each word may be a
 * unique prefix of the command word at its position. Returns the number
 * of words consumed, 0 if none matched.
 */
static int resolve_command(const CliProgram *prog, char **argv, int argc, const CliCommand **ret) {
        const CliCommand *best = NULL;
        int best_words = 0;

        for (const CliCommand *c = prog->commands; c->name; c++) {
                _cleanup_strv_free_ char **words = strv_split(c->name, " ");
                int n = (int) strv_length(words), i;

                if (n > argc)
                        continue;
                for (i = 0; i < n; i++) {
                        bool unique = true;

                        if (streq(words[i], argv[i]))
                                continue;
                        if (!startswith(words[i], argv[i]) || isempty(argv[i]))
                                break;
                        /* A prefix must not also match another word at this position. */
                        for (const CliCommand *o = prog->commands; o->name; o++) {
                                _cleanup_strv_free_ char **ow = strv_split(o->name, " ");
                                bool same_head = strv_length(ow) > (size_t) i;

                                for (int j = 0; same_head && j < i; j++)
                                        same_head = streq(ow[j], words[j]);
                                if (same_head && !streq(ow[i], words[i]) && startswith(ow[i], argv[i]))
                                        unique = false;
                        }
                        if (!unique)
                                break;
                }
                if (i == n && n > best_words) {
                        best = c;
                        best_words = n;
                }
        }
        *ret = best;
        return best_words;
}

int cli_print_default(const CliCommand *cmd, ApiCall *call, json_t *result, const OutputOptions *o) {
        if (cmd->output_options)
                output_print_result(stdout, result, &call->method->returns, NULL, o);
        return 0;
}

static int run_command(const CliProgram *prog, const CliCommand *c, char **argv) {
        _cleanup_json_ json_t *params = NULL, *result = NULL, *errors = json_object();
        _cleanup_strv_free_ char **implicit = implicit_params(c);
        _cleanup_free_ char *err = NULL;
        _cleanup_(api_call_done) ApiCall call = {};
        const ApiMethod *m = command_method(c);
        const ApiSchema *lists[4] = {};
        size_t nl = 0;
        OutputOptions o;
        int r;

        if (!m) {
                log_error("internal error: no method %s %s", api_http_method_to_string(c->http_method), c->path);
                return CLI_EXIT_FAILURE;
        }

        /* Path parameters filled in by the program are not options. */
        {
                static const ApiSchema none[] = { {} };
                size_t n = api_schema_count(m->parameters), k = 0;
                _cleanup_free_ ApiSchema *own = new0(ApiSchema, n + 1);

                for (const ApiSchema *p = m->parameters; p && p->name; p++)
                        if (!strv_contains(implicit, p->name))
                                own[k++] = *p;
                lists[nl++] = k ? own : none;
                if (c->output_options)
                        lists[nl++] = cli_output_options;
                if (c->cli_params)
                        lists[nl++] = c->cli_params;
                r = cli_parse_options(lists, argv, c->args, &params, &err);
        }
        if (r < 0) {
                fprintf(stderr, "400 %s\n", err);
                command_usage(stderr, prog, c, CLI_USAGE_SHORT, "");
                return CLI_EXIT_FAILURE;
        }

        output_options_init(&o);
        if (c->output_options && cli_take_output_options(params, &o, errors) < 0) {
                api_call_init(&call, API_ROOT_AUTHID, API_CALL_CLI);
                call.error.status = 400;
                call.error.message = xstrdup("Parameter verification failed.");
                call.error.errors = json_incref(errors);
                cli_print_error(stderr, &call);
                command_usage(stderr, prog, c, CLI_USAGE_SHORT, "");
                return CLI_EXIT_FAILURE;
        }

        if (strv_contains(implicit, "node"))
                json_object_set_new(params, "node", json_string(node_name()));

        if (c->prepare) {
                r = c->prepare(c, params, &err);
                if (r < 0) {
                        fprintf(stderr, "%s\n", err ?: strerror(-r));
                        return CLI_EXIT_FAILURE;
                }
        }

        /* Parameters that exist only on the command line are not passed to the method. */
        for (const char *const *x = c->extra_options; x && *x; x++)
                json_object_del(params, *x);

        api_call_init(&call, API_ROOT_AUTHID, API_CALL_CLI);
        if (c->method)
                r = api_call_invoke_method(&call, c->method, params, &result);
        else {
                _cleanup_free_ char *path = api_path_expand(c->path, params);

                r = api_call_invoke(&call, c->http_method, path, params, &result);
        }
        if (r < 0) {
                fflush(stdout);
                cli_print_error(stderr, &call);
                if (call.error.errors)
                        command_usage(stderr, prog, c, CLI_USAGE_SHORT, "");
                return CLI_EXIT_FAILURE;
        }
        r = (c->print ?: cli_print_default)(c, &call, result, &o);
        if (fflush(stdout) != 0)
                return CLI_EXIT_FAILURE;
        return r;
}

static void print_completion_words(const char *cur, char *const *words) {
        STRV_FOREACH(w, words)
                if (startswith(*w, strempty(cur)))
                        printf("%s\n", *w);
}

/* "bashcomplete <cmd> <cur> <prev>" with COMP_LINE/COMP_POINT, as upstream's protocol. */
static int complete(const CliProgram *prog) {
        const char *line = getenv("COMP_LINE"), *point_s = getenv("COMP_POINT");
        _cleanup_free_ char *upto = NULL;
        _cleanup_strv_free_ char **words = NULL, **cands = NULL;
        const CliCommand *cmd = NULL;
        size_t nw;
        int point = line ? (int) strlen(line) : 0, used;
        const char *cur, *prev;

        if (!line)
                return 0;
        if (point_s)
                (void) parse_int(point_s, 0, point, &point);
        upto = xstrndup(line, (size_t) point);
        words = strv_split(upto, " \t");
        if (point > 0 && strchr(" \t", upto[point - 1]))
                strv_extend(&words, "");
        nw = strv_length(words);
        if (nw < 2)
                return 0;
        cur = words[nw - 1];
        prev = words[nw - 2];

        used = resolve_command(prog, words + 1, (int) nw - 2, &cmd);
        if (!cmd || used == 0) {
                /* Still completing command words: offer the next word of matching commands. */
                size_t depth = nw - 2;

                for (const CliCommand *c = prog->commands; c->name; c++) {
                        _cleanup_strv_free_ char **cw = strv_split(c->name, " ");
                        bool match = strv_length(cw) > depth;

                        for (size_t i = 0; match && i < depth; i++)
                                match = streq(cw[i], words[1 + i]);
                        if (match && !strv_contains(cands, cw[depth]))
                                strv_extend(&cands, cw[depth]);
                }
                strv_extend(&cands, "help");
                print_completion_words(cur, cands);
                return 0;
        }

        {
                const ApiMethod *m = command_method(cmd);
                const ApiSchema *p = NULL;

                if (startswith(prev, "-") && m)
                        p = api_schema_find(m->parameters, prev + strspn(prev, "-"));
                if (!p && startswith(prev, "-") && cmd->output_options)
                        p = api_schema_find(cli_output_options, prev + strspn(prev, "-"));
                if (p && p->enum_values) {
                        print_completion_words(cur, (char *const *) p->enum_values);
                        return 0;
                }
                if (p && p->type == API_TYPE_BOOLEAN) {
                        print_completion_words(cur, STRV_MAKE("0", "1"));
                        return 0;
                }
                if (startswith(cur, "-") && m) {
                        for (const ApiSchema *q = m->parameters; q && q->name; q++)
                                strv_extendf(&cands, "--%s", q->name);
                        for (const ApiSchema *q = cli_output_options; cmd->output_options && q->name; q++)
                                strv_extendf(&cands, "--%s", q->name);
                        print_completion_words(cur, cands);
                }
        }
        return 0;
}

static void man_escape(FILE *f, const char *s) {
        for (const char *p = s; *p; p++) {
                if (*p == '\\')
                        fputs("\\e", f);
                else if (*p == '-')
                        fputs("\\-", f);
                else if ((*p == '.' || *p == '\'') && (p == s || p[-1] == '\n'))
                        fprintf(f, "\\&%c", *p);
                else
                        fputc(*p, f);
        }
}

void cli_manpage_begin(FILE *f, const char *name, const char *description, const char *synopsis) {
        fputs(".TH ", f);
        for (const char *p = name; *p; p++)
                fputc(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p, f);
        fprintf(f, " 1 \"\" \"pvehost %s\" \"pvehost manual\"\n.SH NAME\n", PVEHOST_VERSION);
        man_escape(f, name);
        fputs(" \\- ", f);
        man_escape(f, description);
        fprintf(f, "\n.SH SYNOPSIS\n.B %s\n", name);
        man_escape(f, synopsis);
        fputc('\n', f);
}

void cli_manpage_section(FILE *f, const char *title) {
        fputs(".SH ", f);
        man_escape(f, title);
        fputc('\n', f);
}

void cli_manpage_usage(FILE *f, const char *usage_text) {
        const char *first = startswith(usage_text, "USAGE: ") ?: usage_text;
        const char *nl = strchr(first, '\n');
        _cleanup_free_ char *head = xstrndup(first, nl ? (size_t) (nl - first) : strlen(first));

        fputs(".SS ", f);
        man_escape(f, head);
        fputs("\n.nf\n", f);
        if (nl)
                man_escape(f, nl + 1);
        fputs("\n.fi\n", f);
}

void cli_manpage_end(FILE *f) {
        fputs(".SH ENVIRONMENT\n.TP\n.B PVE_ROOT\nRoot directory of every configuration and state file (default /).\n"
              ".TP\n.B PVE_SYSROOT\nRoot below which /proc and /sys are read (default /).\n"
              ".TP\n.B PVE_NODENAME\nName of the local node (default: the short host name).\n"
              ".TP\n.B PVE_LOG_LEVEL\nLog level: err, warning, notice, info, debug or 0-7.\n"
              ".SH EXIT STATUS\n0 on success, 255 on errors, as upstream.\n",
              f);
}

static int generate_manpage(const CliProgram *prog) {
        cli_manpage_begin(stdout, prog->name, prog->description, "<COMMAND> [ARGS] [OPTIONS]");
        cli_manpage_section(stdout, "COMMANDS");
        for (const CliCommand *c = prog->commands; c->name; c++) {
                char *buf = NULL;
                size_t len = 0;
                FILE *mem = open_memstream(&buf, &len);

                if (!mem)
                        oom();
                command_usage(mem, prog, c, CLI_USAGE_FULL, "");
                fclose(mem);
                cli_manpage_usage(stdout, buf);
                free(buf);
        }
        cli_manpage_end(stdout);
        return 0;
}

static int help(const CliProgram *prog, char **argv, int argc) {
        _cleanup_strv_free_ char **words = NULL;
        bool verbose = false;
        const CliCommand *c = NULL;

        for (int i = 0; i < argc; i++) {
                if (streq(argv[i], "--verbose") || streq(argv[i], "-verbose")) {
                        bool b = true;

                        if (i + 1 < argc && parse_bool(argv[i + 1], &b) >= 0)
                                i++;
                        verbose = b;
                } else
                        strv_extend(&words, argv[i]);
        }
        if (strv_isempty(words)) {
                if (verbose) {
                        printf("USAGE: %s <COMMAND> [ARGS] [OPTIONS]\n\n", prog->name);
                        for (c = prog->commands; c->name; c++)
                                command_usage(stdout, prog, c, CLI_USAGE_FULL, "");
                } else
                        program_usage(stdout, prog, NULL);
                return 0;
        }
        if (resolve_command(prog, words, (int) strv_length(words), &c) != (int) strv_length(words) || !c) {
                _cleanup_free_ char *j = strv_join(words, " ");
                _cleanup_free_ char *msg = xasprintf("unknown command '%s %s'", prog->name, j);

                program_usage(stderr, prog, msg);
                return CLI_EXIT_FAILURE;
        }
        if (!verbose)
                fputs("USAGE: ", stdout);
        command_usage(stdout, prog, c, verbose ? CLI_USAGE_FULL : CLI_USAGE_SHORT, "");
        return 0;
}

int cli_main(const CliProgram *prog, int argc, char **argv) {
        const CliCommand *c = NULL;
        int used;

        json_setup_allocator();
        log_setup_from_env();

        if (argc < 1) {
                program_usage(stderr, prog, "no command specified");
                return CLI_EXIT_FAILURE;
        }
        if (streq(argv[0], "help"))
                return help(prog, argv + 1, argc - 1);
        if (streq(argv[0], "bashcomplete"))
                return complete(prog);
        if (streq(argv[0], "generate-manpage"))
                return generate_manpage(prog);

        used = resolve_command(prog, argv, argc, &c);
        if (!c) {
                _cleanup_strv_free_ char **words = NULL;
                _cleanup_free_ char *msg = NULL, *j = NULL;
                bool incomplete = false;

                /* "pvenode task" names a group of commands, not one. */
                for (const CliCommand *x = prog->commands; x->name; x++)
                        if (startswith(x->name, argv[0]) && x->name[strlen(argv[0])] == ' ')
                                incomplete = true;
                for (int i = 0; i < argc && !startswith(argv[i], "-"); i++)
                        strv_extend(&words, argv[i]);
                j = strv_join(words, " ");
                msg = xasprintf("%s command '%s %s'", incomplete ? "incomplete" : "unknown", prog->name, j);
                program_usage(stderr, prog, msg);
                return CLI_EXIT_FAILURE;
        }
        return run_command(prog, c, argv + used);
}
