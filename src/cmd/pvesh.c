/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * pvesh: the API from the shell, run in-process as root@pam, as upstream's
 * pvesh does on a node.
 *
 *         pvesh ls|get|set|create|delete|usage <api_path> [--param value ...]
 */

#include <stdio.h>

#include "api/call.h"
#include "api/cli.h"
#include "api/json-util.h"
#include "api/output.h"
#include "api/registry.h"
#include "basic/alloc.h"
#include "basic/log.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"

#define EXIT_ERROR 255

static const struct {
        const char *cmd;
        ApiHttpMethod method;
} commands[] = {
        { "get", API_GET },
        { "set", API_PUT },
        { "create", API_POST },
        { "delete", API_DELETE },
};

static const ApiSchema pvesh_options[] = {
        { .name = "noproxy", .type = API_TYPE_BOOLEAN, .optional = true, .description = "Disable automatic proxying." },
        {},
};

static const ApiSchema usage_options[] = {
        { .name = "verbose", .type = API_TYPE_BOOLEAN, .optional = true, .description = "Verbose output format." },
        { .name = "returns", .type = API_TYPE_BOOLEAN, .optional = true,
          .description = "Including schema for returned data." },
        { .name = "command", .type = API_TYPE_STRING, .optional = true,
          .enum_values = (const char *const[]) { "create", "delete", "get", "set", NULL },
          .description = "API command." },
        {},
};

static void usage(FILE *f) {
        fputs("USAGE: pvesh <COMMAND> [ARGS] [OPTIONS]\n\n"
              "       pvesh create <api_path> [OPTIONS] [FORMAT_OPTIONS]\n"
              "       pvesh delete <api_path> [OPTIONS] [FORMAT_OPTIONS]\n"
              "       pvesh get <api_path> [OPTIONS] [FORMAT_OPTIONS]\n"
              "       pvesh help [<extra-args>] [OPTIONS]\n"
              "       pvesh ls <api_path> [OPTIONS] [FORMAT_OPTIONS]\n"
              "       pvesh set <api_path> [OPTIONS] [FORMAT_OPTIONS]\n"
              "       pvesh usage <api_path> [OPTIONS]\n",
              f);
}

/* Parameters of m that the path does not already give. */
static ApiSchema *option_schema(const ApiMethod *m, const json_t *path_params) {
        size_t n = api_schema_count(m->parameters), k = 0;
        ApiSchema *own = new0(ApiSchema, n + 1);

        for (const ApiSchema *p = m->parameters; p && p->name; p++)
                if (!json_object_get(path_params, p->name))
                        own[k++] = *p;
        return own;
}

static int parse_command_line(const ApiMethod *m, const json_t *path_params, const ApiSchema *extra, char **argv,
                              json_t **ret, OutputOptions *o) {
        _cleanup_free_ ApiSchema *own = option_schema(m, path_params);
        _cleanup_json_ json_t *errors = json_object();
        _cleanup_free_ char *err = NULL;
        const ApiSchema *lists[] = { own, cli_output_options, extra, NULL };
        int r;

        r = cli_parse_options(lists, argv, NULL, ret, &err);
        if (r < 0) {
                fprintf(stderr, "400 %s\n", err);
                return r;
        }
        output_options_init(o);
        r = cli_take_output_options(*ret, o, errors);
        if (r < 0) {
                _cleanup_free_ const char **keys = json_object_sorted_keys(errors);

                fprintf(stderr, "400 Parameter verification failed.\n");
                for (const char **k = keys; *k; k++)
                        fprintf(stderr, "%s: %s\n", *k, json_object_get_string(errors, *k));
                json_decref(*ret);
                *ret = NULL;
                return r;
        }
        json_object_del(*ret, "noproxy");
        return 0;
}

static int call_method(const char *cmd, ApiHttpMethod method, const char *path, char **argv, bool nooutput) {
        _cleanup_json_ json_t *path_params = NULL, *params = NULL, *result = NULL;
        _cleanup_(api_call_done) ApiCall call = {};
        const ApiMethod *m;
        OutputOptions o;
        int r;

        if (api_route(method, path, &m, &path_params) < 0) {
                fprintf(stderr, "No '%s' handler defined for '%s'\n", cmd, path);
                return EXIT_ERROR;
        }
        if (parse_command_line(m, path_params, pvesh_options, argv, &params, &o) < 0)
                return EXIT_ERROR;

        api_call_init(&call, API_ROOT_AUTHID, API_CALL_CLI);
        r = api_call_invoke(&call, method, path, params, &result);
        if (r < 0) {
                fflush(stdout);
                cli_print_error(stderr, &call);
                return EXIT_ERROR;
        }
        if (!nooutput)
                output_print_result(stdout, result, &call.method->returns, NULL, &o);
        return fflush(stdout) == 0 ? 0 : EXIT_ERROR;
}

/* "Dr--d": GET with children, PUT, POST, DELETE, as upstream's resource_cap(). */
static char *capabilities(const char *path) {
        const ApiMethod *m;
        char caps[6] = "-----";

        if (api_route(API_GET, path, &m, NULL) >= 0) {
                caps[0] = m->returns.child_link ? 'D' : '-';
                caps[1] = 'r';
        }
        if (api_route(API_PUT, path, &m, NULL) >= 0)
                caps[2] = 'w';
        if (api_route(API_POST, path, &m, NULL) >= 0)
                caps[3] = 'c';
        if (api_route(API_DELETE, path, &m, NULL) >= 0)
                caps[4] = 'd';
        return xstrdup(caps);
}

static int list_children(const char *path, char **argv) {
        _cleanup_json_ json_t *path_params = NULL, *params = NULL, *result = NULL, *rows = json_array();
        _cleanup_(api_call_done) ApiCall call = {};
        _cleanup_free_ char *key = NULL, *norm = NULL;
        const ApiMethod *m;
        OutputOptions o;
        size_t i;
        json_t *item;

        if (api_route(API_GET, path, &m, &path_params) < 0) {
                fprintf(stderr, "no such resource '%s'\n", path);
                return EXIT_ERROR;
        }
        if (!m->returns.child_link) {
                fprintf(stderr, "resource '%s' does not define child links\n", path);
                return EXIT_ERROR;
        }
        if (parse_command_line(m, path_params, pvesh_options, argv, &params, &o) < 0)
                return EXIT_ERROR;

        api_call_init(&call, API_ROOT_AUTHID, API_CALL_CLI);
        if (api_call_invoke(&call, API_GET, path, params, &result) < 0) {
                cli_print_error(stderr, &call);
                return EXIT_ERROR;
        }

        key = xstrndup(m->returns.child_link + 1, strlen(m->returns.child_link) - 2);
        norm = api_path_normalize(path);
        json_array_foreach(result, i, item) {
                const char *name = json_object_get_string(item, key);
                _cleanup_free_ char *child = NULL, *caps = NULL;

                if (!name)
                        continue;
                child = xasprintf("%s/%s", streq(norm, "/") ? "" : norm, name);
                caps = capabilities(child);
                json_array_append_new(rows, json_pack("{s:s,s:s}", "name", name, "capabilities", caps));
        }

        /* Upstream prints children without border and header unless asked otherwise. */
        if (!strv_contains(argv, "--noborder") && !strv_contains(argv, "-noborder"))
                o.noborder = true;
        if (!strv_contains(argv, "--noheader") && !strv_contains(argv, "-noheader"))
                o.noheader = true;
        o.sort_key = "name";
        if (o.format == OUTPUT_TEXT) {
                if (!o.quiet && json_array_size(rows) > 0)
                        output_print_table(stdout, rows, NULL, (const char *const[]) { "capabilities", "name", NULL },
                                           &o);
        } else
                output_print_result(stdout, rows, NULL, NULL, &o);
        return 0;
}

static int print_usage(const char *path, char **argv) {
        _cleanup_json_ json_t *params = NULL;
        _cleanup_free_ char *err = NULL;
        const ApiSchema *lists[] = { usage_options, NULL };
        const char *only;
        bool verbose, returns, found = false;

        if (cli_parse_options(lists, argv, NULL, &params, &err) < 0) {
                fprintf(stderr, "400 %s\n", err);
                return EXIT_ERROR;
        }
        verbose = streq_ptr(json_object_get_string(params, "verbose"), "1");
        returns = streq_ptr(json_object_get_string(params, "returns"), "1");
        only = json_object_get_string(params, "command");

        for (size_t i = 0; i < ELEMENTSOF(commands); i++) {
                _cleanup_json_ json_t *path_params = NULL;
                _cleanup_free_ char *prefix = NULL, *tmpl = NULL;
                const ApiMethod *m;

                if (only && !streq(only, commands[i].cmd))
                        continue;
                if (api_route(commands[i].method, path, &m, &path_params) < 0)
                        continue;
                found = true;
                /* The method's own path, with its {placeholders}. */
                tmpl = m->path ? xstrdup(m->path) : api_path_normalize(path);
                prefix = xasprintf("pvesh %s %s", commands[i].cmd, tmpl);
                if (!verbose)
                        fputs("USAGE: ", stdout);
                {
                        const char *key;
                        json_t *v;
                        _cleanup_strv_free_ char **skip = NULL;

                        json_object_foreach(path_params, key, v)
                                strv_extend(&skip, key);
                        cli_method_usage(stdout, prefix, m, NULL, (const char *const *) skip, false,
                                         verbose ? CLI_USAGE_FULL : CLI_USAGE_SHORT);
                }
                if (returns) {
                        _cleanup_json_ json_t *schema = api_schema_to_json(&m->returns);

                        fputs("RETURNS: ", stdout);
                        output_json_pretty(stdout, schema);
                }
        }
        if (!found) {
                if (only)
                        fprintf(stderr, "no '%s' handler for '%s'\n", only, path);
                else
                        fprintf(stderr, "no such resource '%s'\n", path);
                return EXIT_ERROR;
        }
        return 0;
}

/* Children of a directory: from its index method's data (node names, ...) or the registry. */
static char **directory_children(const char *dir) {
        _cleanup_json_ json_t *result = NULL;
        _cleanup_(api_call_done) ApiCall call = {};
        _cleanup_free_ char *key = NULL;
        const ApiMethod *m;
        char **children = NULL;
        size_t i;
        json_t *item;

        if (api_route(API_GET, dir, &m, NULL) < 0 || !m->returns.child_link)
                return api_children(dir);
        api_call_init(&call, API_ROOT_AUTHID, API_CALL_CLI);
        if (api_call_invoke(&call, API_GET, dir, NULL, &result) < 0)
                return api_children(dir);
        key = xstrndup(m->returns.child_link + 1, strlen(m->returns.child_link) - 2);
        children = new0(char *, 1);
        json_array_foreach(result, i, item) {
                const char *v = json_object_get_string(item, key);
                if (v)
                        strv_extend(&children, v);
        }
        strv_sort(children);
        return children;
}

static int complete_path(const char *cur) {
        _cleanup_free_ char *dir = NULL, *single = NULL;
        _cleanup_strv_free_ char **children = NULL;
        const char *slash = strrchr(cur, '/');
        const char *rest = slash ? slash + 1 : cur;
        size_t matches = 0;

        dir = slash ? xstrndup(cur, (size_t) (slash - cur + 1)) : xstrdup("");
        children = directory_children(isempty(dir) ? "/" : dir);
        STRV_FOREACH(c, children)
                if (startswith(*c, rest)) {
                        free(single);
                        single = xasprintf("%s%s", dir, *c);
                        printf("%s\n", single);
                        matches++;
                }
        /* A single match may be completed further, as upstream offers "path/" too. */
        if (matches == 1)
                printf("%s/\n", single);
        return 0;
}

static int bashcomplete(void) {
        const char *line = getenv("COMP_LINE");
        _cleanup_strv_free_ char **words = NULL;
        size_t n;

        if (!line)
                return 0;
        words = strv_split(line, " \t");
        if (strlen(line) > 0 && strchr(" \t", line[strlen(line) - 1]))
                strv_extend(&words, "");
        n = strv_length(words);
        if (n == 2) {
                const char *const cmds[] = { "create", "delete", "get", "help", "ls", "set", "usage", NULL };

                for (const char *const *c = cmds; *c; c++)
                        if (startswith(*c, words[1]))
                                printf("%s\n", *c);
        } else if (n == 3)
                return complete_path(words[2]);
        return 0;
}

/* The manual page: the commands, then every API method with its options. */
static int generate_manpage(void) {
        cli_manpage_begin(stdout, "pvesh", "Shell interface for the Proxmox VE API",
                          "<COMMAND> <api_path> [OPTIONS] [FORMAT_OPTIONS]");
        cli_manpage_section(stdout, "COMMANDS");
        usage(stdout);
        cli_manpage_section(stdout, "API METHODS");
        API_FOREACH_METHOD(m) {
                _cleanup_free_ char *prefix = NULL;
                _cleanup_strv_free_ char **segs = strv_split(m->path, "/"), **skip = NULL;
                char *buf = NULL;
                size_t len = 0;
                FILE *mem;

                for (size_t k = 0; k < ELEMENTSOF(commands); k++)
                        if (commands[k].method == m->http_method)
                                prefix = xasprintf("pvesh %s %s", commands[k].cmd, m->path);
                STRV_FOREACH(s, segs)
                        if ((*s)[0] == '{')
                                strv_push(&skip, xstrndup(*s + 1, strlen(*s) - 2));
                mem = open_memstream(&buf, &len);
                if (!mem)
                        oom();
                cli_method_usage(mem, prefix, m, NULL, (const char *const *) skip, false, CLI_USAGE_FULL);
                fclose(mem);
                cli_manpage_usage(stdout, buf);
                free(buf);
        }
        cli_manpage_end(stdout);
        return 0;
}

int main(int argc, char **argv) {
        bool nooutput = false;
        const char *cmd, *path;
        int i = 1;

        json_setup_allocator();
        log_setup_from_env();

        /* Upstream's compatibility options before the command. */
        for (; i < argc; i++) {
                if (streq(argv[i], "--noproxy"))
                        continue;
                if (streq(argv[i], "--nooutput")) {
                        nooutput = true;
                        continue;
                }
                break;
        }
        if (i >= argc) {
                fputs("ERROR: no command specified\n", stderr);
                usage(stderr);
                return EXIT_ERROR;
        }
        cmd = argv[i++];

        if (streq(cmd, "help")) {
                usage(stdout);
                return 0;
        }
        if (streq(cmd, "bashcomplete"))
                return bashcomplete();
        if (streq(cmd, "generate-manpage"))
                return generate_manpage();
        if (i >= argc) {
                if (streq(cmd, "ls") || streq(cmd, "usage") || streq(cmd, "get") || streq(cmd, "set") ||
                    streq(cmd, "create") || streq(cmd, "delete")) {
                        fputs("400 not enough arguments\n", stderr);
                        fprintf(stderr, "pvesh %s <api_path> [OPTIONS] [FORMAT_OPTIONS]\n", cmd);
                } else {
                        fprintf(stderr, "ERROR: unknown command 'pvesh %s'\n", cmd);
                        usage(stderr);
                }
                return EXIT_ERROR;
        }
        path = argv[i++];

        if (streq(cmd, "ls"))
                return list_children(path, argv + i);
        if (streq(cmd, "usage"))
                return print_usage(path, argv + i);
        for (size_t k = 0; k < ELEMENTSOF(commands); k++)
                if (streq(cmd, commands[k].cmd))
                        return call_method(cmd, commands[k].method, path, argv + i, nooutput);

        fprintf(stderr, "ERROR: unknown command 'pvesh %s'\n", cmd);
        usage(stderr);
        return EXIT_ERROR;
}
