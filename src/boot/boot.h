/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * proxmox-boot-tool's operations: setting up ESPs (format, init),
 * keeping them in sync with the selected kernels (refresh), and reporting
 * (status, kernel list). Every operation that changes something runs
 * under BOOT_LOCK (state.h), taken by the caller with boot_lock().
 *
 * Progress and warnings go through a BootLog callback with upstream's
 * texts; the area itself never prints.
 */

#include <jansson.h>
#include <stdbool.h>

#include "basic/lockfile.h"
#include "basic/macro.h"

typedef enum BootLogLevel {
        BOOT_LOG_INFO,     /* progress, stdout in upstream's script */
        BOOT_LOG_WARNING,  /* stderr */
} BootLogLevel;

typedef struct BootContext {
        void (*log)(void *userdata, BootLogLevel level, const char *msg);
        void *userdata;
        bool efi;          /* booted through EFI (PVE_SYSROOT/sys/firmware/efi) */
} BootContext;

/* Fills efi from PVE_SYSROOT. */
void boot_context_init(BootContext *ctx, void (*log)(void *, BootLogLevel, const char *), void *userdata);
void boot_log(BootContext *ctx, BootLogLevel level, const char *fmt, ...) _printf_(3, 4);

/* Takes the tool's lock (10 s timeout); *reterr on failure. */
int boot_lock(LockFile *ret, char **reterr);

/* ---- kernels ---- */

typedef struct BootKernelLists {
        char **manual;       /* proxmox-boot-manual-kernels */
        char **boot;         /* the boot list (manual ones included) */
        char **keep;         /* the keep set (series included), for APT */
        char *pinned, *next_boot;
} BootKernelLists;

void boot_kernel_lists_done(BootKernelLists *l);
/* Computes the lists from dpkg's status, the running kernel and the state files. */
int boot_kernel_lists_read(const char *install_version, BootKernelLists *ret, char **reterr);

/* kernel add|remove: -ENOENT for add without /boot/vmlinuz-<v>; remove returns 0 or 1 (not in the list). */
int boot_kernel_add(BootContext *ctx, const char *version, char **reterr);
int boot_kernel_remove(BootContext *ctx, const char *version, char **reterr);

/* kernel pin <v> [--next-boot]: -ENOENT without /boot/vmlinuz-<v>. */
int boot_kernel_pin(BootContext *ctx, const char *version, bool next_boot, char **reterr);
/* kernel unpin [--next-boot]; *ret_last_pin: the version that was pinned, if any. */
int boot_kernel_unpin(BootContext *ctx, bool next_boot_only, char **ret_last_pin, char **reterr);
/* Writes the GRUB pin snippet for plain GRUB systems and runs update-grub (not in a sandbox root). */
int boot_grub_pin_apply(BootContext *ctx, char **reterr);

/* ---- ESPs ---- */

typedef struct BootRefreshResult {
        unsigned synced, missing, skipped;
} BootRefreshResult;

/*
 * Syncs every ESP of proxmox-boot-uuids with the boot list (plus
 * install_version). Checks the free space of all ESPs before writing to
 * any. A listed UUID without a device counts as missing (warning).
 *
 * Whether an ESP already holds a file is decided by its manifest
 * (manifest.h) and the directory listing; files the manifest has no
 * record of are read back. verify reads back every file instead, for an
 * ESP suspected of changes that kept the files' sizes.
 */
int boot_refresh_esps(BootContext *ctx, const char *install_version, bool verify, BootRefreshResult *ret,
                      char **reterr);
/* proxmox-auto-removal: APT::NeverAutoRemove for the keep set in /etc/apt/apt.conf.d/76pveconf. */
int boot_write_apt_autoremove(BootContext *ctx, const char *install_version, char **reterr);

int boot_format(BootContext *ctx, const char *partition, bool force, char **reterr);
/* init <partition> [grub]; mode NULL or "grub". Adds the UUID to the list; the caller refreshes. */
int boot_init(BootContext *ctx, const char *partition, const char *mode, char **reterr);
/* reinit: init of every listed ESP with its current mode. */
int boot_reinit(BootContext *ctx, char **reterr);
/* clean [--dry-run]: -ENOENT when there is no list. */
int boot_clean(BootContext *ctx, bool dry_run, char **reterr);

/*
 * The status as JSON: boot mode, Secure Boot, whether proxmox-boot-tool is
 * set up, every listed ESP (device, modes, versions, free space, whether it
 * matches the selected kernels) and the kernel lists. *ret_missing counts
 * listed UUIDs without a device. -ENOENT when there is no list (with the
 * JSON still set).
 */
int boot_status(BootContext *ctx, json_t **ret, unsigned *ret_missing, char **reterr);
