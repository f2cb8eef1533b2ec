/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * pvecm: of upstream's cluster manager only "updatecerts", which creates the
 * cluster CA and the node certificate when missing (pveproxy runs it before
 * starting) or renews the node certificate with --force.
 */

#include <stdio.h>
#include <time.h>

#include "api/cli.h"
#include "basic/alloc.h"
#include "certs/pki.h"
#include "sys/nodename.h"

static const ApiSchema updatecerts_params[] = {
        { .name = "force", .type = API_TYPE_BOOLEAN, .optional = true,
          .description = "Force generation of new SSL certificate." },
        { .name = "silent", .type = API_TYPE_BOOLEAN, .optional = true,
          .description = "Ignore errors (i.e. when cluster has no quorum)." },
        {},
};

static int updatecerts(ApiCall *call, json_t **ret) {
        _cleanup_free_ char *err = NULL;
        bool force = api_param_bool(call, "force"), silent = api_param_bool(call, "silent");
        int r;

        if (!silent) {
                printf("(re)generate node files\n");
                if (force)
                        printf("generate new node certificate\n");
                fflush(stdout);
        }
        r = pki_update_node_files(node_name(), force, time(NULL), &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        return 0;
}

static const ApiMethod updatecerts_method = {
        .path = "updatecerts",
        .http_method = API_PUT,
        .name = "updatecerts",
        .description = "Update node certificates (and generate all needed files/directories).",
        .parameters = updatecerts_params,
        .returns = { .type = API_TYPE_NULL },
        .permissions = { .kind = API_PERM_ROOT_ONLY },
        .handler = updatecerts,
};

static const CliCommand commands[] = {
        { "updatecerts", .method = &updatecerts_method },
        {},
};

static const CliProgram program = {
        .name = "pvecm",
        .description = "Proxmox VE Cluster Manager",
        .commands = commands,
};

int main(int argc, char **argv) {
        return cli_main(&program, argc - 1, argv + 1);
}
