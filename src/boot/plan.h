/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The sync plan of one ESP: which files it should hold, what to remove,
 * in which order to write, and whether the free space suffices. Pure:
 * the caller gathers the ESP listing and compares contents, the plan only
 * decides.
 *
 * Order guarantees (so that a run killed at any point leaves every loader
 * entry pointing at complete files):
 *  - systemd-boot: leftover temporary files, then stale kernels (entry
 *    first, then its directory), then directories, kernel images, entries,
 *    loader.conf last;
 *  - GRUB: leftovers, directories, kernel images, grub.cfg, and stale
 *    kernels only after grub.cfg no longer names them.
 */

#include <stdbool.h>
#include <stdint.h>

#include "boot/esp.h"

typedef enum BootMode {
        BOOT_MODE_SYSTEMD_BOOT,
        BOOT_MODE_GRUB,
} BootMode;

typedef struct BootKernel {
        char *version;
        char *vmlinuz, *initrd;         /* host paths */
        uint64_t vmlinuz_size, initrd_size;
} BootKernel;

typedef struct SyncFile {
        char *path;        /* on the ESP */
        char *source;      /* host file, or NULL: content */
        char *content;
        uint64_t size;
        bool same;         /* the ESP already holds exactly this (set by the caller) */
} SyncFile;

typedef struct SyncTarget {
        SyncFile *files;   /* in write order */
        size_t n_files;
        char **keep;       /* versions that are not stale (the boot list) */
        BootMode mode;
        bool prune;        /* remove stale kernels and leftovers (refresh; not init) */
} SyncTarget;

void sync_target_done(SyncTarget *t);
/* Adds a file: from the host file source (size given) or with content (taken over). */
void sync_target_add(SyncTarget *t, char *path, const char *source, uint64_t size, char *content);

typedef struct SyncTargetInput {
        BootMode mode;
        const BootKernel *kernels;   /* with images present, in boot-list order */
        size_t n_kernels;
        char *const *keep;           /* boot list: versions never removed */
        const char *title;
        const char *cmdline;
        const char *pinned;          /* next-boot pin, else pin, else NULL */
        const char *loader_conf;     /* current loader.conf (systemd-boot) */
        const char *grub_timeout;    /* GRUB_TIMEOUT */
} SyncTargetInput;

/* The files the ESP should hold after a refresh (prune set). */
void sync_target_build(const SyncTargetInput *in, SyncTarget *ret);

typedef enum SyncOpKind {
        SYNC_REMOVE,
        SYNC_REMOVE_TREE,
        SYNC_MKDIR,
        SYNC_PUT,
} SyncOpKind;

typedef struct SyncOp {
        SyncOpKind kind;
        char *path;
        const SyncFile *file;  /* SYNC_PUT */
} SyncOp;

typedef struct SyncPlan {
        SyncOp *ops;
        size_t n_ops;
} SyncPlan;

void sync_plan_done(SyncPlan *p);

/* The operations that turn the listed ESP into the target; none when it matches. */
void sync_plan_build(const SyncTarget *t, const EspListing *l, SyncPlan *ret);

/*
 * Simulates the plan's space use on the listed ESP (sizes rounded to
 * clusters, a temporary copy beside each replaced file, a small reserve
 * for directory growth). Returns 0, or -ENOSPC with the bytes missing at
 * the tightest point in *ret_missing.
 */
int sync_plan_check_space(const SyncPlan *p, const EspListing *l, uint64_t cluster_size, uint64_t *ret_missing);

/* The kernel versions an ESP holds: directories below EFI/proxmox, or vmlinuz-* in its root (GRUB). */
char **esp_listing_versions(const EspListing *l, BootMode mode);
