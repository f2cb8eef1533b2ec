/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * pveum: user, group, role, API token and ACL management, as upstream's
 * pveum (pve-access-control PVE/CLI/pveum.pm), over the /access API.
 */

#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include "api/cli.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/strutil.h"

static char *read_secret(const char *prompt) {
        struct termios old, quiet;
        bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
        char *line = NULL;
        size_t n = 0;
        ssize_t len;

        if (tty) {
                fputs(prompt, stderr);
                quiet = old;
                quiet.c_lflag &= ~(tcflag_t) ECHO;
                (void) tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        }
        len = getline(&line, &n, stdin);
        if (tty) {
                (void) tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
                fputc('\n', stderr);
        }
        if (len < 0) {
                free(line);
                return NULL;
        }
        line[strcspn(line, "\r\n")] = 0;
        return line;
}

/* Asks for the new password twice, as upstream's passwd command. */
static int ask_password(const CliCommand *cmd, json_t *params, char **reterr) {
        _cleanup_free_ char *pw = NULL, *again = NULL;

        if (json_object_get(params, "password"))
                return 0;
        pw = read_secret("Enter new password: ");
        if (!pw) {
                *reterr = xstrdup("no password");
                return -EINVAL;
        }
        if (isatty(STDIN_FILENO)) {
                again = read_secret("Retype new password: ");
                if (!again || !streq(pw, again)) {
                        *reterr = xstrdup("Passwords do not match.");
                        return -EINVAL;
                }
        }
        json_object_set_new(params, "password", json_string(pw));
        return 0;
}

static const ApiSchema passwd_options[] = {
        { .name = "password", .type = API_TYPE_STRING, .optional = true, .sensitive = true,
          .description = "The new password (read from the terminal or standard input when not given)." },
        {},
};

static const CliCommand commands[] = {
        { "user add", "/access/users", API_POST, .args = CLI_ARGS("userid") },
        { "user modify", "/access/users/{userid}", API_PUT, .args = CLI_ARGS("userid") },
        { "user delete", "/access/users/{userid}", API_DELETE, .args = CLI_ARGS("userid") },
        { "user list", "/access/users", API_GET, .output_options = true },
        { "user permissions", "/access/permissions", API_GET, .args = CLI_ARGS("userid"), .output_options = true },
        { "user token add", "/access/users/{userid}/token/{tokenid}", API_POST, .args = CLI_ARGS("userid", "tokenid"),
          .output_options = true },
        { "user token modify", "/access/users/{userid}/token/{tokenid}", API_PUT,
          .args = CLI_ARGS("userid", "tokenid"), .output_options = true },
        { "user token remove", "/access/users/{userid}/token/{tokenid}", API_DELETE,
          .args = CLI_ARGS("userid", "tokenid") },
        { "user token list", "/access/users/{userid}/token", API_GET, .args = CLI_ARGS("userid"),
          .output_options = true },
        { "group add", "/access/groups", API_POST, .args = CLI_ARGS("groupid") },
        { "group modify", "/access/groups/{groupid}", API_PUT, .args = CLI_ARGS("groupid") },
        { "group delete", "/access/groups/{groupid}", API_DELETE, .args = CLI_ARGS("groupid") },
        { "group list", "/access/groups", API_GET, .output_options = true },
        { "role add", "/access/roles", API_POST, .args = CLI_ARGS("roleid") },
        { "role modify", "/access/roles/{roleid}", API_PUT, .args = CLI_ARGS("roleid") },
        { "role delete", "/access/roles/{roleid}", API_DELETE, .args = CLI_ARGS("roleid") },
        { "role list", "/access/roles", API_GET, .output_options = true },
        { "acl modify", "/access/acl", API_PUT, .args = CLI_ARGS("path") },
        { "acl delete", "/access/acl", API_PUT, .args = CLI_ARGS("path") },
        { "acl list", "/access/acl", API_GET, .output_options = true },
        { "realm list", "/access/domains", API_GET, .output_options = true },
        { "passwd", "/access/password", API_PUT, .args = CLI_ARGS("userid"), .prepare = ask_password,
          .cli_params = passwd_options },
        /* upstream's aliases */
        { "useradd", "/access/users", API_POST, .args = CLI_ARGS("userid") },
        { "usermod", "/access/users/{userid}", API_PUT, .args = CLI_ARGS("userid") },
        { "userdel", "/access/users/{userid}", API_DELETE, .args = CLI_ARGS("userid") },
        { "groupadd", "/access/groups", API_POST, .args = CLI_ARGS("groupid") },
        { "groupmod", "/access/groups/{groupid}", API_PUT, .args = CLI_ARGS("groupid") },
        { "groupdel", "/access/groups/{groupid}", API_DELETE, .args = CLI_ARGS("groupid") },
        { "roleadd", "/access/roles", API_POST, .args = CLI_ARGS("roleid") },
        { "rolemod", "/access/roles/{roleid}", API_PUT, .args = CLI_ARGS("roleid") },
        { "roledel", "/access/roles/{roleid}", API_DELETE, .args = CLI_ARGS("roleid") },
        { "aclmod", "/access/acl", API_PUT, .args = CLI_ARGS("path") },
        {},
};

static const CliProgram program = {
        .name = "pveum",
        .description = "Proxmox VE User Manager",
        .commands = commands,
};

int main(int argc, char **argv) {
        /* "acl delete" is "acl modify" with --delete 1, as upstream. */
        if (argc > 2 && streq(argv[1], "acl") && streq(argv[2], "delete")) {
                char **args = new0(char *, (size_t) argc + 3);

                for (int i = 0; i < argc; i++)
                        args[i] = argv[i];
                args[argc] = (char *) "--delete";
                args[argc + 1] = (char *) "1";
                return cli_main(&program, argc + 1, args + 1);
        }
        return cli_main(&program, argc - 1, argv + 1);
}
