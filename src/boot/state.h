/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * proxmox-boot-tool's state files under PVE_ROOT/etc/kernel, in upstream's
 * formats: one entry a line, kept sorted and unique (as "sort -u").
 */

#include <stdbool.h>

#define BOOT_ESP_LIST "/etc/kernel/proxmox-boot-uuids"
#define BOOT_MANUAL_KERNELS "/etc/kernel/proxmox-boot-manual-kernels"
#define BOOT_PIN "/etc/kernel/proxmox-boot-pin"
#define BOOT_NEXT_BOOT_PIN "/etc/kernel/next-boot-pin"
#define BOOT_CMDLINE "/etc/kernel/cmdline"
/* Serialises every run of the tool, the kernel hooks and the API. */
#define BOOT_LOCK "/run/lock/proxmox-boot-tool.lock"

/* A FAT volume id as blkid prints it: four hex digits, '-', four hex digits. */
bool esp_uuid_is_valid(const char *s);

typedef bool (*BootListCheck)(const char *entry);

/*
 * Parses a list file: non-empty lines without surrounding blanks. Each entry
 * must pass check (when given); the first that does not fails with
 * -EINVAL and "<name>:<line>: '<entry>' <problem>" in *reterr. NUL bytes
 * fail with -EBADMSG.
 */
int boot_list_parse(const char *text, size_t len, const char *name, BootListCheck check, const char *problem,
                    char ***ret, char **reterr);
/* Sorted, unique, one entry a line. */
char *boot_list_format(char *const *l);

/*
 * Reads a list file below PVE_ROOT (path as upstream names it). A missing
 * file is an empty list and *ret_exists (may be NULL) false.
 */
int boot_list_read(const char *path, BootListCheck check, const char *problem, char ***ret, bool *ret_exists,
                   char **reterr);
/* Replaces the list atomically, sorted and unique. */
int boot_list_write(const char *path, char *const *l);

/* The first line of a file below PVE_ROOT, as upstream's get_first_line; NULL when absent or empty. */
char *boot_first_line(const char *path);

/*
 * The kernel command line for boot entries: the first line of
 * /etc/kernel/cmdline, which must contain "root=" (else -EINVAL with
 * upstream's message), or, when that file is missing, /proc/cmdline (below
 * PVE_SYSROOT) without its initrd= arguments and *ret_fallback set.
 */
int boot_cmdline_read(char **ret, bool *ret_fallback, char **reterr);
/* /proc/cmdline without initrd= and BOOT_IMAGE= arguments (pure part of the above). */
char *boot_cmdline_strip_initrd(const char *proc_cmdline);

/* The running kernel: PVE_SYSROOT/proc/sys/kernel/osrelease (else uname -r), lower case. */
char *boot_running_kernel(void);
