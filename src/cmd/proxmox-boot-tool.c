/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * proxmox-boot-tool: keeps the EFI system partitions listed in
 * /etc/kernel/proxmox-boot-uuids in sync with the selected kernels.
 *
 * Command line, messages and exit codes are upstream's (proxmox-kernel-helper):
 * 0 on success, 1 on errors, 2 for "status" without an ESP list. Additions:
 * "status --output-format json|json-pretty", "refresh --kernel <version>"
 * (the version a kernel hook was called for), "refresh --verify" (read
 * every file back instead of trusting the ESP's manifest), and "status"
 * failing when a listed ESP has no device.
 */

#include <stdio.h>
#include <unistd.h>

#include "api/json-util.h"
#include "api/output.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/rootdir.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "boot/boot.h"
#include "boot/kernels.h"
#include "boot/state.h"

static const char *arg0 = "proxmox-boot-tool";

static void print_log(void *userdata, BootLogLevel level, const char *msg) {
        FILE *f = level == BOOT_LOG_WARNING ? stderr : stdout;

        fprintf(f, "%s\n", msg);
        fflush(f);
}

static void usage(const char *subcmd) {
        static const struct {
                const char *cmd, *text;
        } lines[] = {
                { "format", "format <partition> [--force]" },
                { "init", "init <partition> [grub]" },
                { "reinit", "reinit" },
                { "clean", "clean [--dry-run]" },
                { "refresh", "refresh [--hook <name>] [--verify]" },
                { "kernel", "kernel <add|remove> <kernel-version>" },
                { "kernel", "kernel pin <kernel-version> [--next-boot]" },
                { "kernel", "kernel unpin [--next-boot]" },
                { "kernel", "kernel list" },
                { "status", "status [--quiet]" },
                { "help", "help" },
        };

        if (!subcmd)
                fprintf(stderr, "USAGE: %s <commands> [ARGS]\n\n", arg0);
        for (size_t i = 0; i < ELEMENTSOF(lines); i++)
                if (!subcmd || streq(subcmd, lines[i].cmd))
                        fprintf(stderr, "  %s %s\n", arg0, lines[i].text);
}

static int help(void) {
        printf("USAGE: %1$s format <partition> [--force]\n\n"
               "    format <partition> as EFI system partition. Use --force to format even if <partition> is currently in use.\n\n"
               "USAGE: %1$s init <partition>\n\n"
               "    initialize EFI system partition at <partition> for automatic synchronization of Proxmox kernels and their associated initrds.\n\n"
               "USAGE: %1$s reinit\n\n"
               "    reinitialize all configured EFI system partitions from %2$s.\n\n"
               "USAGE: %1$s clean [--dry-run]\n\n"
               "    remove no longer existing EFI system partition UUIDs from %2$s. Use --dry-run to only print outdated entries instead of removing them.\n\n"
               "USAGE: %1$s refresh [--hook <name>] [--verify]\n\n"
               "    refresh all configured EFI system partitions. Use --hook to only run the specified hook, omit to run all.\n"
               "    Files are compared with the manifest each ESP keeps of what was written to it; use --verify to read\n"
               "    every file back from the ESPs instead, and rewrite what differs (e.g. after editing an ESP by hand).\n\n"
               "USAGE: %1$s kernel <add|remove> <kernel-version>\n\n"
               "    add/remove proxmox-kernel with ABI <kernel-version> to list of synced kernels, in addition to automatically selected ones.\n"
               "    NOTE: you need to manually run 'refresh' once you're finished with adding/removing kernels from the list\n\n"
               "USAGE: %1$s kernel pin <kernel-version> [--next-boot]\n\n"
               "    pin proxmox-kernel with ABI <kernel-version> as the default entry to be booted.\n"
               "    with --next-boot sets <kernel-version> only for the next boot.\n"
               "    NOTE: you need to manually run 'refresh' once you're finished with pinning kernels\n\n"
               "USAGE: %1$s kernel unpin [--next-boot]\n\n"
               "    unpin removes pinned and next-boot kernel settings.\n"
               "    with --next-boot only removes the pin for the next boot.\n\n"
               "USAGE: %1$s kernel list\n\n"
               "    list kernel versions currently selected for inclusion on ESPs.\n\n"
               "USAGE: %1$s status [--quiet] [--output-format text|json|json-pretty]\n\n"
               "    Print details about the ESPs configuration. Exits with 0 if any ESP is configured, else with 2.\n\n",
               arg0, BOOT_ESP_LIST);
        return 0;
}

/* Prints reterr (or a generic text) and returns upstream's error exit code. */
static int fail(int r, const char *reterr) {
        if (reterr)
                fprintf(stderr, "%s\n", reterr);
        else
                fprintf(stderr, "E: %s\n", strerror(-r));
        return 1;
}

static int take_lock(LockFile *lock) {
        _cleanup_free_ char *err = NULL;

        if (boot_lock(lock, &err) < 0)
                return fail(-EBUSY, err);
        return 0;
}

/* The two hook scripts of upstream's refresh: APT autoremoval list and ESP sync. */
static const char *const hook_names[] = { "proxmox-auto-removal", "zz-proxmox-boot", NULL };

static int refresh(BootContext *ctx, const char *hook, const char *install_version, bool verify) {
        _cleanup_free_ char *err = NULL;
        BootRefreshResult res = {};
        int r;

        if (hook && !strv_contains((char **) hook_names, hook)) {
                fprintf(stderr, "E: '%s' is not a valid hook script name.\n", hook);
                return 1;
        }
        if (install_version && !kernel_version_is_valid(install_version)) {
                fprintf(stderr, "E: '%s' is not a valid kernel version.\n", install_version);
                return 1;
        }
        if (!hook || streq(hook, "proxmox-auto-removal")) {
                printf("Running hook script 'proxmox-auto-removal'..\n");
                r = boot_write_apt_autoremove(ctx, install_version, &err);
                if (r < 0)
                        return fail(r, err);
        }
        if (!hook || streq(hook, "zz-proxmox-boot")) {
                printf("Running hook script 'zz-proxmox-boot'..\n");
                fflush(stdout);
                r = boot_refresh_esps(ctx, install_version, verify, &res, &err);
                if (r < 0)
                        return fail(r, err);
                /* A kernel hook (--hook) must not fail a package upgrade because one mirror disk died. */
                if (res.missing > 0 && !hook) {
                        fprintf(stderr, "E: %u ESP(s) of %s not found - run '%s clean' to remove them from the list.\n",
                                res.missing, BOOT_ESP_LIST, arg0);
                        return 1;
                }
        }
        return 0;
}

static int ask_interactive_refresh(BootContext *ctx, const char *msg) {
        char answer[16] = "";

        if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
                printf("%s. Use the 'refresh' command to update the ESPs.\n", msg);
                return 0;
        }
        printf("%s.\nRefresh the actual boot ESPs now? [yN] ", msg);
        fflush(stdout);
        if (fgets(answer, sizeof(answer), stdin) && (answer[0] == 'y' || answer[0] == 'Y'))
                return refresh(ctx, NULL, NULL, false);
        printf("Skip auto-refresh, you can call it any time to enact boot changes.\n");
        return 0;
}

static bool esp_list_exists(void) {
        _cleanup_free_ char *p = root_path(BOOT_ESP_LIST);

        return file_exists(p);
}

static int grub_pin_apply(BootContext *ctx) {
        _cleanup_free_ char *err = NULL;
        int r;

        r = boot_grub_pin_apply(ctx, &err);
        return r < 0 ? fail(r, err) : 0;
}

static int kernel_pin(BootContext *ctx, const char *version, bool next_boot) {
        _cleanup_free_ char *err = NULL, *msg = NULL;
        const char *file = next_boot ? BOOT_NEXT_BOOT_PIN : BOOT_PIN;
        int r;

        r = boot_kernel_pin(ctx, version, next_boot, &err);
        if (r < 0)
                return fail(r, err);
        if (esp_list_exists()) {
                msg = xasprintf("Set kernel '%s' in %s", version, file);
                r = ask_interactive_refresh(ctx, msg);
        } else {
                _cleanup_free_ char *nb = boot_first_line(BOOT_NEXT_BOOT_PIN);

                printf("Setting '%s' as grub default entry and running update-grub.\n", nb ?: version);
                r = grub_pin_apply(ctx);
        }
        if (r == 0 && next_boot)
                printf("Pinned for next boot only.\n");
        return r;
}

static int kernel_unpin(BootContext *ctx, bool next_boot) {
        _cleanup_free_ char *err = NULL, *last = NULL;
        int r;

        r = boot_kernel_unpin(ctx, next_boot, &last, &err);
        if (r < 0)
                return fail(r, err);
        if (esp_list_exists()) {
                _cleanup_free_ char *msg = NULL;

                if (!last)
                        return 0;
                msg = xasprintf("Unpinned kernel '%s'", last);
                return ask_interactive_refresh(ctx, msg);
        }
        printf("Reset default grub entry and running update-grub.\n");
        return grub_pin_apply(ctx);
}

static void print_list(char *const *l, const char *none) {
        if (strv_isempty(l)) {
                if (none)
                        printf("%s\n", none);
                else
                        printf("\n");
                return;
        }
        STRV_FOREACH(v, l)
                printf("%s\n", *v);
}

static int kernel_list(void) {
        _cleanup_(boot_kernel_lists_done) BootKernelLists l = {};
        _cleanup_strv_free_ char **automatic = NULL;
        _cleanup_free_ char *err = NULL;
        int r;

        r = boot_kernel_lists_read(NULL, &l, &err);
        if (r < 0)
                return fail(r, err);
        STRV_FOREACH(v, l.boot)
                if (!strv_contains(l.manual, *v))
                        strv_extend(&automatic, *v);
        printf("Manually selected kernels:\n");
        print_list(l.manual, "None.");
        printf("\nAutomatically selected kernels:\n");
        print_list(automatic, NULL);
        if (l.pinned)
                printf("\nPinned kernel:\n%s\n", l.pinned);
        if (l.next_boot)
                printf("\nKernel pinned on next-boot:\n%s\n", l.next_boot);
        return 0;
}

static char *json_versions(const json_t *esp, const char *key) {
        _cleanup_strv_free_ char **l = NULL;
        const json_t *a = json_object_get(esp, key);
        size_t i;
        json_t *v;

        json_array_foreach(a, i, v)
                strv_extend(&l, json_string_value(v));
        return strv_join(l, ", ");
}

static void print_status_text(const json_t *st) {
        const json_t *sb = json_object_get(st, "secureboot");
        size_t i;
        json_t *esp;

        printf("System currently booted with %s\n", streq(json_object_get_string(st, "mode"), "efi") ? "uefi" : "legacy bios");
        if (sb)
                printf("Secure Boot: %s\n", json_is_true(sb) ? "enabled" : "disabled");
        json_array_foreach(json_object_get(st, "esps"), i, esp) {
                const char *uuid = json_object_get_string(esp, "uuid");
                _cleanup_strbuf_ StrBuf line = STRBUF_INIT;

                if (!json_is_true(json_object_get(esp, "present")))
                        continue;
                if (json_object_get(esp, "uefi-versions")) {
                        _cleanup_free_ char *v = json_versions(esp, "uefi-versions");
                        strbuf_addf(&line, "uefi (versions: %s)", v);
                }
                if (json_object_get(esp, "grub-versions")) {
                        _cleanup_free_ char *v = json_versions(esp, "grub-versions");
                        strbuf_addf(&line, "%sgrub (versions: %s)", line.len > 0 ? ", " : "", v);
                }
                printf("%s is configured with: %s\n", uuid, line.buf);
                if (json_object_get(esp, "error"))
                        printf("    error: %s\n", json_object_get_string(esp, "error"));
                else {
                        double free_bytes = (double) json_integer_value(json_object_get(esp, "free"));
                        _cleanup_free_ char *free_text = render_bytes(free_bytes, 0);

                        printf("    %s, free space %s, %s\n", json_object_get_string(esp, "device"), free_text,
                               json_is_true(json_object_get(esp, "in-sync")) ? "in sync with the selected kernels"
                                                                             : "NOT in sync - run 'refresh'");
                }
        }
}

static int status(BootContext *ctx, bool quiet, OutputFormat format) {
        _cleanup_free_ char *err = NULL;
        _cleanup_json_ json_t *st = NULL;
        unsigned missing = 0;
        size_t i;
        json_t *esp;
        int r;

        if (quiet)
                return esp_list_exists() ? 0 : 2;
        r = boot_status(ctx, &st, &missing, &err);
        if (r == -ENOENT) {
                if (format != OUTPUT_TEXT)
                        output_print_result(stdout, st, NULL, NULL, &(OutputOptions) { .format = format });
                fprintf(stderr, "E: %s does not exist.\n", BOOT_ESP_LIST);
                return 2;
        }
        if (r < 0)
                return fail(r, err);
        json_array_foreach(json_object_get(st, "esps"), i, esp) {
                const char *uuid = json_object_get_string(esp, "uuid");

                if (json_is_true(json_object_get(esp, "present")))
                        continue;
                if (esp_uuid_is_valid(uuid))
                        fprintf(stderr, "WARN: no device with ESP UUID '%s' found - clean '%s'!\n", uuid, BOOT_ESP_LIST);
                else
                        fprintf(stderr, "WARN: %s read from %s does not look like a VFAT-UUID\n", uuid, BOOT_ESP_LIST);
        }
        if (format == OUTPUT_TEXT)
                print_status_text(st);
        else
                output_print_result(stdout, st, NULL, NULL, &(OutputOptions) { .format = format });
        return missing > 0 ? 1 : 0;
}

static int run(BootContext *ctx, int argc, char **argv) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_free_ char *err = NULL;
        const char *cmd = argv[1];
        int r;

        if (argc < 2) {
                usage(NULL);
                return 0;
        }
        if (streq(cmd, "help"))
                return help();

        if (streq(cmd, "format")) {
                if (argc < 3 || isempty(argv[2])) {
                        fprintf(stderr, "E: <partition> is mandatory.\n\n");
                        usage("format");
                        return 1;
                }
                if (take_lock(&lock))
                        return 1;
                r = boot_format(ctx, argv[2], argc > 3 && streq(argv[3], "--force"), &err);
                return r < 0 ? fail(r, err) : 0;
        }
        if (streq(cmd, "init")) {
                if (argc < 3 || isempty(argv[2])) {
                        fprintf(stderr, "E: <partition> is mandatory.\n\n");
                        usage("init");
                        return 1;
                }
                if (argc > 3 && !streq(argv[3], "grub")) {
                        usage("init");
                        return 1;
                }
                if (take_lock(&lock))
                        return 1;
                r = boot_init(ctx, argv[2], argc > 3 ? argv[3] : NULL, &err);
                if (r < 0)
                        return fail(r, err);
                printf("Refreshing kernels and initrds..\n");
                return refresh(ctx, NULL, NULL, false);
        }
        if (streq(cmd, "reinit")) {
                if (argc > 2) {
                        fprintf(stderr, "E: no arguments allowed.\n\n");
                        usage("reinit");
                        return 1;
                }
                if (take_lock(&lock))
                        return 1;
                r = boot_reinit(ctx, &err);
                return r < 0 ? fail(r, err) : 0;
        }
        if (streq(cmd, "clean")) {
                if (argc > 3 || (argc == 3 && !streq(argv[2], "--dry-run"))) {
                        usage("clean");
                        return 1;
                }
                if (take_lock(&lock))
                        return 1;
                r = boot_clean(ctx, argc == 3, &err);
                return r < 0 ? fail(r, err) : 0;
        }
        if (streq(cmd, "refresh")) {
                const char *hook = NULL, *kver = NULL;
                bool verify = false;

                for (int i = 2; i < argc; i++) {
                        if (streq(argv[i], "--verify"))
                                verify = true;
                        else if (i + 1 < argc && streq(argv[i], "--hook"))
                                hook = argv[++i];
                        else if (i + 1 < argc && streq(argv[i], "--kernel"))
                                kver = argv[++i];
                        else {
                                usage("refresh");
                                return 1;
                        }
                }
                if (take_lock(&lock))
                        return 1;
                return refresh(ctx, hook, kver, verify);
        }
        if (streq(cmd, "kernel") || streq(cmd, "kernels")) {
                const char *sub = argc > 2 ? argv[2] : NULL;

                if (isempty(sub)) {
                        fprintf(stderr, "E: subcommand is mandatory for 'kernel'.\n\n");
                        usage("kernel");
                        return 1;
                }
                if (streq(sub, "list"))
                        return kernel_list();
                if (streq(sub, "add") || streq(sub, "remove")) {
                        if (argc < 4 || isempty(argv[3])) {
                                fprintf(stderr, "E: <kernel-version> is mandatory\n\n");
                                return 1;
                        }
                        if (take_lock(&lock))
                                return 1;
                        r = streq(sub, "add") ? boot_kernel_add(ctx, argv[3], &err)
                                              : boot_kernel_remove(ctx, argv[3], &err);
                        return r < 0 ? fail(r, err) : 0;
                }
                if (streq(sub, "pin")) {
                        bool next_boot = argc == 5 && streq(argv[4], "--next-boot");

                        if (argc != 4 && !next_boot) {
                                usage("kernel");
                                return 1;
                        }
                        if (take_lock(&lock))
                                return 1;
                        return kernel_pin(ctx, argv[3], next_boot);
                }
                if (streq(sub, "unpin")) {
                        bool next_boot = argc == 4 && streq(argv[3], "--next-boot");

                        if (argc != 3 && !next_boot) {
                                usage("kernel");
                                return 1;
                        }
                        if (take_lock(&lock))
                                return 1;
                        return kernel_unpin(ctx, next_boot);
                }
                fprintf(stderr, "E: invalid 'kernel' subcommand '%s'.\n\n", sub);
                usage("kernel");
                return 1;
        }
        if (streq(cmd, "status")) {
                OutputFormat format = OUTPUT_TEXT;
                bool quiet = false;

                for (int i = 2; i < argc; i++) {
                        if (streq(argv[i], "--quiet"))
                                quiet = true;
                        else if (streq(argv[i], "--output-format") && i + 1 < argc &&
                                 output_format_from_string(argv[i + 1]) >= 0 &&
                                 output_format_from_string(argv[i + 1]) != OUTPUT_YAML)
                                format = output_format_from_string(argv[++i]);
                        else {
                                usage("status");
                                return 1;
                        }
                }
                if (!quiet && take_lock(&lock))
                        return 1;
                return status(ctx, quiet, format);
        }

        fprintf(stderr, "Invalid/unknown command '%s'.\n\n", cmd);
        usage(NULL);
        return 1;
}

int main(int argc, char **argv) {
        BootContext ctx;

        log_setup_from_env();
        json_setup_allocator();
        arg0 = argv[0];
        boot_context_init(&ctx, print_log, NULL);
        return run(&ctx, argc, argv);
}
