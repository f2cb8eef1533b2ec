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

static const CliCommand commands[] = {
        { "config get", "/nodes/{node}/config", API_GET, .print = print_config },
        { "config set", "/nodes/{node}/config", API_PUT },
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
