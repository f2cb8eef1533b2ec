/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * pve-network-interface-pinning: pin NIC names with systemd.link files
 * (net/pinning.h), with upstream's command line:
 *
 *         pve-network-interface-pinning generate [--interface IF] [--prefix P] [--target-name NAME]
 *
 * On a terminal it asks before it changes anything; with input from
 * elsewhere (scripts, tests) it does not ask.
 *
 * Additions for the admin guide's other naming and IPv6 settings
 * (net/hostsettings.h):
 *
 *         pve-network-interface-pinning naming-scheme [--scheme vNNN]
 *         pve-network-interface-pinning disable-ipv6 [--undo]
 */

#include <stdio.h>
#include <unistd.h>

#include "api/cli.h"
#include "api/json-util.h"
#include "api/validate.h"
#include "basic/alloc.h"
#include "basic/log.h"
#include "basic/strutil.h"
#include "net/hostsettings.h"
#include "net/pinning.h"

#define EXIT_ERROR 255

static const ApiSchema generate_options[] = {
        { .name = "interface", .type = API_TYPE_STRING, .format = "pve-iface", .optional = true,
          .default_value = "<all>", .description = "Only pin a specific interface." },
        { .name = "prefix", .type = API_TYPE_STRING, .pattern = "[a-zA-Z][a-zA-Z0-9_-]{0,7}", .optional = true,
          .default_value = "nic", .description = "Use a specific prefix for automatically choosing the pinned name." },
        { .name = "target-name", .type = API_TYPE_STRING, .format = "pve-iface", .optional = true,
          .requires = "interface", .description = "Pin the interface to a specific name." },
        {},
};

static const ApiSchema naming_scheme_options[] = {
        { .name = "scheme", .type = API_TYPE_STRING, .pattern = "v[0-9]{3}", .optional = true,
          .description = "The naming scheme version to pin, e.g. v252 (default: the installed udev's)." },
        {},
};

static const ApiSchema ipv6_options[] = {
        { .name = "undo", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "0",
          .description = "Enable IPv6 again." },
        {},
};

static void usage(FILE *f) {
        fputs("USAGE: pve-network-interface-pinning <COMMAND> [ARGS] [OPTIONS]\n\n"
              "       pve-network-interface-pinning disable-ipv6  [OPTIONS]\n"
              "       pve-network-interface-pinning generate  [OPTIONS]\n"
              "       pve-network-interface-pinning naming-scheme  [OPTIONS]\n"
              "       pve-network-interface-pinning help [<extra-args>] [OPTIONS]\n",
              f);
}

static void help_generate(void) {
        puts("USAGE: pve-network-interface-pinning generate  [OPTIONS]\n\n"
             "  Generate systemd.link files to pin the names of one or more network\n"
             "  interfaces and update all network-related configuration files.\n\n"
             "  --interface <string>   (default=<all>)\n"
             "             Only pin a specific interface.\n\n"
             "  --prefix   <string>   (default=nic)\n"
             "             Use a specific prefix for automatically choosing the pinned\n"
             "             name.\n\n"
             "  --target-name <string>\n"
             "             Pin the interface to a specific name.");
}

static void print_line(void *userdata, const char *line) {
        puts(line);
        fflush(stdout);
}

static void print_warning(void *userdata, const char *line) {
        fflush(stdout);
        fprintf(stderr, "%s\n", line);
}

/* Upstream asks on a terminal; the answer must be "y" or "yes". */
static bool confirmed(const char *interface) {
        _cleanup_free_ char *answer = NULL;
        size_t size = 0;

        if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
                return true;
        if (interface)
                printf("This will generate name pinning configuration for the interface '%s' - continue (y/N)? \n",
                       interface);
        else
                printf("This will generate name pinning configuration for all interfaces - continue (y/N)? \n");
        fflush(stdout);
        if (getline(&answer, &size, stdin) < 0)
                return false;
        strstrip(answer);
        return strcasecmp(answer, "y") == 0 || strcasecmp(answer, "yes") == 0;
}

/* Options of a command, checked against its schema; NULL after printing the errors as upstream's CLI does. */
static json_t *parse(const ApiSchema *options, char **argv) {
        const ApiSchema *const lists[] = { options, NULL };
        _cleanup_json_ json_t *raw = NULL, *errors = json_object();
        _cleanup_free_ char *err = NULL;
        json_t *params;

        if (cli_parse_options(lists, argv, NULL, &raw, &err) < 0) {
                fprintf(stderr, "400 %s\n", err);
                return NULL;
        }
        params = api_check_object(options, false, raw, "", errors);
        if (!params) {
                _cleanup_free_ const char **keys = json_object_sorted_keys(errors);

                fprintf(stderr, "400 Parameter verification failed.\n");
                for (const char **k = keys; *k; k++)
                        fprintf(stderr, "%s: %s\n", *k, json_object_get_string(errors, *k));
        }
        return params;
}

static int naming_scheme(char **argv) {
        _cleanup_json_ json_t *params = parse(naming_scheme_options, argv);
        _cleanup_free_ char *err = NULL;

        if (!params)
                return EXIT_ERROR;
        if (net_naming_scheme_pin(json_object_get_string(params, "scheme"), print_line, NULL, &err) < 0) {
                fprintf(stderr, "%s\n", err);
                return EXIT_ERROR;
        }
        puts("Please reboot to apply the changes to your configuration");
        return 0;
}

static int disable_ipv6(char **argv) {
        _cleanup_json_ json_t *params = parse(ipv6_options, argv);
        _cleanup_free_ char *err = NULL;
        bool undo;

        if (!params)
                return EXIT_ERROR;
        undo = json_is_true(json_object_get(params, "undo"));
        if (net_ipv6_set_disabled(!undo, &err) < 0) {
                fprintf(stderr, "%s\n", err);
                return EXIT_ERROR;
        }
        printf("IPv6 %s (%s %s)\n", undo ? "enabled" : "disabled", undo ? "removed" : "wrote", NET_IPV6_SYSCTL_FILE);
        return 0;
}

static int generate(char **argv) {
        _cleanup_json_ json_t *params = parse(generate_options, argv);
        _cleanup_free_ char *err = NULL;
        NetPinOptions o;
        int r;

        if (!params)
                return EXIT_ERROR;
        o = (NetPinOptions) {
                .interface = json_object_get_string(params, "interface"),
                .target_name = json_object_get_string(params, "target-name"),
                .prefix = json_object_get_string(params, "prefix"),
        };
        if (!confirmed(o.interface)) {
                fprintf(stderr, "Aborting pinning as requested\n");
                return EXIT_ERROR;
        }
        r = net_pin_generate(&o, print_line, print_warning, NULL, &err);
        if (r < 0) {
                fflush(stdout);
                fprintf(stderr, "%s\n", err);
                return EXIT_ERROR;
        }
        return 0;
}

int main(int argc, char *argv[]) {
        log_setup_from_env();
        json_setup_allocator();

        if (argc < 2) {
                usage(stderr);
                return EXIT_ERROR;
        }
        if (streq(argv[1], "generate"))
                return generate(argv + 2);
        if (streq(argv[1], "naming-scheme"))
                return naming_scheme(argv + 2);
        if (streq(argv[1], "disable-ipv6"))
                return disable_ipv6(argv + 2);
        if (streq(argv[1], "help")) {
                if (argc > 2 && streq(argv[2], "generate"))
                        help_generate();
                else
                        usage(stdout);
                return 0;
        }
        fprintf(stderr, "unknown command 'pve-network-interface-pinning %s'\n", argv[1]);
        usage(stderr);
        return EXIT_ERROR;
}
