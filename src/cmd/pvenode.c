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
#include "basic/encode.h"
#include "basic/fileio.h"
#include "basic/parse.h"
#include "basic/strbuf.h"
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

/* What upstream's handlers print while they work. */
static void print_cert_progress(ApiCall *call, const char *what) {
        printf("%s custom certificate files\n", what);
        if (api_param_bool(call, "restart"))
                printf("Restarting pveproxy\n");
}

static int print_cert_set(const CliCommand *cmd, ApiCall *call, json_t *result, const OutputOptions *o) {
        if (o->format == OUTPUT_TEXT)
                print_cert_progress(call, "Setting");
        print_cert(call, result, &call->method->returns, o);
        return 0;
}

static int print_cert_delete(const CliCommand *cmd, ApiCall *call, json_t *result, const OutputOptions *o) {
        print_cert_progress(call, "Deleting");
        return 0;
}

/* ---- ACME ----------------------------------------------------------------------- */

/* Tasks print their log as they run; upstream ends with the task's status. */
static int print_task_ok(const CliCommand *cmd, ApiCall *call, json_t *result, const OutputOptions *o) {
        printf("Task OK\n");
        return 0;
}

static int print_account_list(const CliCommand *cmd, ApiCall *call, json_t *result, const OutputOptions *o) {
        size_t i;
        json_t *acc;

        json_array_foreach(result, i, acc)
                printf("%s\n", json_object_get_string(acc, "name"));
        return 0;
}

/* Account commands work on "default" when no name is given (it is also part of the path). */
static int prepare_account(const CliCommand *cmd, json_t *params, char **reterr) {
        if (!json_object_get(params, "name"))
                json_object_set_new(params, "name", json_string("default"));
        return 0;
}

/* A line from stdin without its newline; NULL at the end of input. */
static char *read_answer(const char *prompt) {
        _cleanup_free_ char *line = NULL;
        size_t n = 0;
        ssize_t len;

        printf("%s", prompt);
        fflush(stdout);
        len = getline(&line, &n, stdin);
        if (len < 0)
                return NULL;
        line[strcspn(line, "\r\n")] = 0;
        return TAKE_PTR(line);
}

static bool answer_is_yes(const char *prompt) {
        _cleanup_free_ char *a = read_answer(prompt);

        return a && (streq(a, "y") || streq(a, "Y"));
}

/* Upstream's interactive choice of a known directory or a custom URL. */
static int choose_directory(json_t *params, bool *ret_custom, char **reterr) {
        _cleanup_(api_call_done) ApiCall call = {};
        _cleanup_json_ json_t *dirs = NULL;
        size_t n, i;
        json_t *d;

        api_call_init(&call, API_ROOT_AUTHID, API_CALL_CLI);
        if (api_call_invoke(&call, API_GET, "/cluster/acme/directories", NULL, &dirs) < 0) {
                *reterr = xstrdup(call.error.message);
                return -EIO;
        }
        n = json_array_size(dirs);
        printf("Directory endpoints:\n");
        json_array_foreach(dirs, i, d)
                printf("%zu) %s (%s)\n", i, json_object_get_string(d, "name"), json_object_get_string(d, "url"));
        printf("%zu) Custom\n", n);

        for (int attempt = 0; attempt <= 3; attempt++) {
                _cleanup_free_ char *sel = read_answer("Enter selection: ");
                int k;

                if (!sel)
                        break;
                if (parse_int(sel, 0, (int) n, &k) >= 0) {
                        if ((size_t) k == n) {
                                _cleanup_free_ char *url = read_answer("Enter custom URL: ");

                                json_object_set_new(params, "directory", json_string(strempty(url)));
                                *ret_custom = true;
                        } else
                                json_object_set_new(params, "directory",
                                                    json_string(json_object_get_string(json_array_get(dirs, k), "url")));
                        return 0;
                }
                printf("Invalid selection.\n");
        }
        *reterr = xstrdup("Aborting.");
        return -ECANCELED;
}

static int prepare_register(const CliCommand *cmd, json_t *params, char **reterr) {
        _cleanup_(api_call_done) ApiCall call = {};
        _cleanup_json_ json_t *q = NULL, *meta = NULL;
        const char *directory, *tos;
        bool custom = false, eab;
        int r;

        prepare_account(cmd, params, reterr);
        if (!json_object_get(params, "directory")) {
                r = choose_directory(params, &custom, reterr);
                if (r < 0)
                        return r;
        }
        directory = json_object_get_string(params, "directory");

        printf("\nAttempting to fetch Terms of Service from '%s'..\n", directory);
        fflush(stdout);
        q = json_pack("{s:s}", "directory", directory);
        api_call_init(&call, API_ROOT_AUTHID, API_CALL_CLI);
        if (api_call_invoke(&call, API_GET, "/cluster/acme/meta", q, &meta) < 0) {
                *reterr = xstrdup(call.error.message);
                return -EIO;
        }
        tos = json_object_get_string(meta, "termsOfService");
        if (tos) {
                printf("Terms of Service: %s\n", tos);
                if (!answer_is_yes("Do you agree to the above terms? [y|N]: ")) {
                        *reterr = xstrdup("Cannot continue without agreeing to ToS, aborting.");
                        return -ECANCELED;
                }
                json_object_set_new(params, "tos_url", json_string(tos));
        } else
                printf("No Terms of Service found, proceeding.\n");

        eab = json_is_true(json_object_get(meta, "externalAccountRequired"));
        if (json_object_get(params, "eab-kid"))
                eab = false; /* given on the command line */
        else if (!eab && custom)
                eab = answer_is_yes("Do you want to use external account binding? [y|N]: ");
        else if (eab)
                printf("The CA requires external account binding.\n");
        if (eab) {
                _cleanup_free_ char *kid = NULL, *key = NULL;

                printf("You should have received a key id and a key from your CA.\n");
                kid = read_answer("Enter EAB key id: ");
                key = read_answer("Enter EAB key: ");
                if (isempty(kid) || isempty(key)) {
                        *reterr = xstrdup("Cannot continue without external account binding key id and key, aborting.");
                        return -ECANCELED;
                }
                json_object_set_new(params, "eab-kid", json_string(kid));
                json_object_set_new(params, "eab-hmac-key", json_string(key));
        }
        printf("\nAttempting to register account with '%s'..\n", directory);
        fflush(stdout);
        return 0;
}

/* --data names a file of KEY=VALUE lines; the API takes it base64url-encoded. */
static int prepare_plugin_data(const CliCommand *cmd, json_t *params, char **reterr) {
        _cleanup_strbuf_ StrBuf enc = STRBUF_INIT;
        const char *text;
        int r;

        r = read_param_files(params, CLI_ARGS("data"), reterr);
        if (r < 0)
                return r;
        text = json_object_get_string(params, "data");
        if (!text)
                return 0;
        base64url_encode(&enc, text, strlen(text));
        json_object_set_new(params, "data", json_string(enc.buf));
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
        { "cert delete", "/nodes/{node}/certificates/custom", API_DELETE, .args = CLI_ARGS("restart"),
          .print = print_cert_delete },

        { "acme account list", "/cluster/acme/account", API_GET, .print = print_account_list },
        { "acme account register", "/cluster/acme/account", API_POST, .args = CLI_ARGS("name", "contact"),
          .prepare = prepare_register, .print = print_task_ok },
        { "acme account deactivate", "/cluster/acme/account/{name}", API_DELETE, .args = CLI_ARGS("name"),
          .prepare = prepare_account, .print = print_task_ok },
        { "acme account info", "/cluster/acme/account/{name}", API_GET, .args = CLI_ARGS("name"),
          .output_options = true, .prepare = prepare_account },
        { "acme account update", "/cluster/acme/account/{name}", API_PUT, .args = CLI_ARGS("name"),
          .prepare = prepare_account, .print = print_task_ok },
        { "acme cert order", "/nodes/{node}/certificates/acme/certificate", API_POST, .print = print_task_ok },
        { "acme cert renew", "/nodes/{node}/certificates/acme/certificate", API_PUT, .print = print_task_ok },
        { "acme cert revoke", "/nodes/{node}/certificates/acme/certificate", API_DELETE, .print = print_task_ok },
        { "acme plugin list", "/cluster/acme/plugins", API_GET, .output_options = true },
        { "acme plugin config", "/cluster/acme/plugins/{id}", API_GET, .args = CLI_ARGS("id"), .output_options = true },
        { "acme plugin add", "/cluster/acme/plugins", API_POST, .args = CLI_ARGS("type", "id"),
          .prepare = prepare_plugin_data },
        { "acme plugin set", "/cluster/acme/plugins/{id}", API_PUT, .args = CLI_ARGS("id"),
          .prepare = prepare_plugin_data },
        { "acme plugin remove", "/cluster/acme/plugins/{id}", API_DELETE, .args = CLI_ARGS("id") },

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
