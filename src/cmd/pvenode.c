/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * pvenode: node management commands, each an API method run in-process as
 * root@pam (upstream's PVE::CLI::pvenode).
 */

#include <stdio.h>

#include "api/cli.h"
#include "api/json-util.h"
#include "basic/alloc.h"
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

static const CliCommand commands[] = {
        { "config get", "/nodes/{node}/config", API_GET, .print = print_config },
        { "config set", "/nodes/{node}/config", API_PUT },
        { "task list", "/nodes/{node}/tasks", API_GET, .output_options = true, .print = print_task_list },
        { "task log", "/nodes/{node}/tasks/{upid}/log", API_GET, .args = CLI_ARGS("upid"), .prepare = prepare_task_log,
          .print = print_task_log },
        { "task status", "/nodes/{node}/tasks/{upid}/status", API_GET, .args = CLI_ARGS("upid"),
          .output_options = true },
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
