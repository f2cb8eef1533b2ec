/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * pvenode: node management commands, each an API method run in-process as
 * root@pam (upstream's PVE::CLI::pvenode).
 */

#include <stdio.h>
#include <stdlib.h>

#include "api/cli.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/strutil.h"
#include "nodecfg/config.h"
#include "tasks/upid.h"

/* "config get" prints the file format: description lines, then sorted keys. */
static int print_config(const CliCommand *cmd, ApiCall *call, json_t *result, const OutputOptions *o) {
        NodeConfig c = { .values = json_deep_copy(result) };
        _cleanup_free_ char *text = NULL, *err = NULL;
        const char *desc = json_object_get_string(result, "description");

        if (desc)
                c.description = xstrdup(desc);
        json_object_del(c.values, "description");
        json_object_del(c.values, "digest");
        text = node_config_format(&c, &err);
        node_config_done(&c);
        if (!text) {
                fprintf(stderr, "%s\n", err);
                return 255;
        }
        fputs(text, stdout);
        return 0;
}

static int print_wakeonlan(const CliCommand *cmd, ApiCall *call, json_t *result, const OutputOptions *o) {
        printf("Wake on LAN packet send for '%s'\n", json_string_value(result));
        return 0;
}

/* Upstream's CLI shows a missing status as UNKNOWN and every error-class status as ERROR. */
static int print_task_list(const CliCommand *cmd, ApiCall *call, json_t *result, const OutputOptions *o) {
        size_t i;
        json_t *task;

        json_array_foreach(result, i, task) {
                const char *status = json_object_get_string(task, "status");

                if (!status)
                        json_object_set_new(task, "status", json_string("UNKNOWN"));
                else if (task_status_is_error(status) && !streq(status, "RUNNING"))
                        json_object_set_new(task, "status", json_string("ERROR"));
        }
        output_print_result(stdout, result, &call->method->returns,
                            (const char *const[]) { "upid", "type", "id", "user", "starttime", "endtime", "status",
                                                    NULL },
                            o);
        return 0;
}

static int print_task_log(const CliCommand *cmd, ApiCall *call, json_t *result, const OutputOptions *o) {
        size_t i;
        json_t *line;

        json_array_foreach(result, i, line)
                printf("%s\n", json_object_get_string(line, "t"));
        return 0;
}

/* The whole log, not the API's first 50 lines. */
static int prepare_task_log(const CliCommand *cmd, json_t *params, char **reterr) {
        if (!json_object_get(params, "limit"))
                json_object_set_new(params, "limit", json_string("1000000"));
        return 0;
}

/* ---- certificates ------------------------------------------------------- */

/* Upstream reads these parameters from the files the command line names. */
static int read_param_files(json_t *params, const char *const *names, char **reterr) {
        for (const char *const *n = names; *n; n++) {
                const char *file = json_object_get_string(params, *n);
                _cleanup_free_ char *text = NULL;
                int r;

                if (!file)
                        continue;
                r = read_full_file(file, 0, &text, NULL);
                if (r < 0) {
                        *reterr = xasprintf("unable to open file '%s' - %s", file, strerror(-r));
                        return r;
                }
                json_object_set_new(params, *n, json_string(text));
        }
        return 0;
}

static int prepare_cert_set(const CliCommand *cmd, json_t *params, char **reterr) {
        return read_param_files(params, CLI_ARGS("certificates", "key"), reterr);
}

/* One certificate as a key/value table in upstream's order. */
static void print_cert(const ApiCall *call, const json_t *cert, const ApiSchema *schema, const OutputOptions *o) {
        static const char *const order[] = { "filename", "fingerprint", "subject", "issuer", "notbefore", "notafter",
                                             "public-key-type", "public-key-bits", "san", NULL };
        OutputOptions kv = *o;

        kv.noheader = true;
        kv.sort_key = "";
        output_print_result(stdout, cert, schema, order, &kv);
}

static int by_filename(const void *a, const void *b) {
        return strcmp_ptr(json_object_get_string(*(json_t *const *) a, "filename"),
                          json_object_get_string(*(json_t *const *) b, "filename"));
}

static int print_cert_info(const CliCommand *cmd, ApiCall *call, json_t *result, const OutputOptions *o) {
        const ApiSchema *items = call->method->returns.items;
        _cleanup_free_ json_t **sorted = NULL;
        size_t n = json_array_size(result), i;
        json_t *v;

        if (o->format != OUTPUT_TEXT)
                return cli_print_default(cmd, call, result, o);
        sorted = new0(json_t *, n + 1);
        json_array_foreach(result, i, v)
                sorted[i] = v;
        qsort(sorted, n, sizeof(json_t *), by_filename);
        for (i = 0; i < n; i++)
                print_cert(call, sorted[i], items, o);
        return 0;
}

static int print_cert_set(const CliCommand *cmd, ApiCall *call, json_t *result, const OutputOptions *o) {
        /* What upstream's handler prints while it works. */
        if (o->format == OUTPUT_TEXT) {
                printf("Setting custom certificate files\n");
                if (api_param_bool(call, "restart"))
                        printf("Restarting pveproxy\n");
        }
        print_cert(call, result, &call->method->returns, o);
        return 0;
}

/* ---- commands ----------------------------------------------------------- */

static const CliCommand commands[] = {
        { "config get", "/nodes/{node}/config", API_GET, .print = print_config },
        { "config set", "/nodes/{node}/config", API_PUT },
        { "task list", "/nodes/{node}/tasks", API_GET, .output_options = true, .print = print_task_list },
        { "task log", "/nodes/{node}/tasks/{upid}/log", API_GET, .args = CLI_ARGS("upid"), .prepare = prepare_task_log,
          .print = print_task_log },
        { "task status", "/nodes/{node}/tasks/{upid}/status", API_GET, .args = CLI_ARGS("upid"),
          .output_options = true },

        { "cert info", "/nodes/{node}/certificates/info", API_GET, .output_options = true, .print = print_cert_info },
        { "cert set", "/nodes/{node}/certificates/custom", API_POST, .args = CLI_ARGS("certificates", "key"),
          .output_options = true, .prepare = prepare_cert_set, .print = print_cert_set },
        { "cert delete", "/nodes/{node}/certificates/custom", API_DELETE },

        { "wakeonlan", "/nodes/{node}/wakeonlan", API_POST, .args = CLI_ARGS("node"), .print = print_wakeonlan },
        {},
};

static const CliProgram program = {
        .name = "pvenode",
        .description = "Proxmox VE Node Management",
        .commands = commands,
};

int main(int argc, char **argv) {
        return cli_main(&program, argc - 1, argv + 1);
}
