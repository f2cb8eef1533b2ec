/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The sync plan of one ESP: which files it should hold, what to remove,
 * in which order to write, and whether the free space suffices. Pure:
 * the caller gathers the ESP listing and manifest and reads back what
 * sync_file_check() asks for, the plan only decides.
 *
 * Order guarantees (so that a run killed at any point leaves every loader
 * entry pointing at complete files, and the manifest never vouches for a
 * file that is being replaced):
 *  - the old manifest is removed before anything else changes;
 *  - systemd-boot: leftover temporary files, then stale kernels (entry
 *    first, then its directory), then directories, kernel images, entries,
 *    loader.conf;
 *  - GRUB: leftovers, directories, kernel images, grub.cfg, and stale
 *    kernels only after grub.cfg no longer names them;
 *  - the new manifest last.
 */

#include <stdbool.h>
#include <stdint.h>

#include "boot/esp.h"
#include "boot/manifest.h"

typedef enum BootMode {
        BOOT_MODE_SYSTEMD_BOOT,
        BOOT_MODE_GRUB,
} BootMode;

typedef struct BootKernel {
        char *version;
        char *vmlinuz, *initrd;         /* host paths */
        uint64_t vmlinuz_size, initrd_size;
        uint8_t vmlinuz_sha256[SHA256_SIZE], initrd_sha256[SHA256_SIZE];
} BootKernel;

typedef struct SyncFile {
        char *path;        /* on the ESP */
        char *source;      /* host file, or NULL: content */
        char *content;
        uint64_t size;
        uint8_t sha256[SHA256_SIZE];
        bool hidden;       /* FAT hidden attribute (the manifest) */
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
/*
 * Adds a file: from the host file source (its size and SHA-256 given), or
 * with content (taken over; NULL source and sha256).
 */
void sync_target_add(SyncTarget *t, char *path, const char *source, uint64_t size, const uint8_t *sha256,
                     char *content);

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

typedef enum SyncCheck {
        SYNC_CHECK_DIFFERENT, /* the ESP lacks the file or holds other content: write it */
        SYNC_CHECK_SAME,      /* the manifest vouches for the content listed */
        SYNC_CHECK_READ,      /* no trustworthy record: read the file back and compare */
} SyncCheck;

/*
 * What the listing and the manifest (NULL: none, or not to be trusted, as
 * with --verify) tell about f. A file missing from the listing or of
 * another size differs. Otherwise a record of the listed size decides by
 * its SHA-256; without one the file must be read back. Changes on the ESP
 * behind our back that keep a file's size are therefore only seen by a
 * read-back (refresh --verify).
 */
SyncCheck sync_file_check(const SyncFile *f, const EspListing *l, const EspManifest *m);
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
        SyncFile *manifest;    /* the new manifest, when the plan writes one */
} SyncPlan;

void sync_plan_done(SyncPlan *p);

/*
 * The operations that turn the listed ESP into the target; none when it
 * matches and the manifest m (NULL: none or unreadable) is up to date.
 *
 * The new manifest records every target file (with its SHA-256: the
 * caller only marks files same that are) and keeps the records of m for
 * other files that stay on the ESP untouched and of the recorded size (the
 * boot-loader binaries init installed). It is written last whenever the
 * plan changes anything, after the old one was removed first; with nothing
 * else to change, only when it differs from m (a first refresh of an ESP
 * written by upstream's tool, a file verified by reading it back).
 */
void sync_plan_build(const SyncTarget *t, const EspListing *l, const EspManifest *m, SyncPlan *ret);

/* The number of operations on boot files: those of the plan, less the manifest's. */
size_t sync_plan_count_changes(const SyncPlan *p);

/*
 * Simulates the plan's space use on the listed ESP (sizes rounded to
 * clusters, a temporary copy beside each replaced file, a small reserve
 * for directory growth). Returns 0, or -ENOSPC with the bytes missing at
 * the tightest point in *ret_missing.
 */
int sync_plan_check_space(const SyncPlan *p, const EspListing *l, uint64_t cluster_size, uint64_t *ret_missing);

/* The kernel versions an ESP holds: directories below EFI/proxmox, or vmlinuz-* in its root (GRUB). */
char **esp_listing_versions(const EspListing *l, BootMode mode);
