/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The ESP manifest: a small hidden file in the root of each ESP recording,
 * for every file proxmox-boot-tool wrote or verified there, its size and the
 * SHA-256 of its content. With it a refresh compares the wanted files with
 * the manifest and one directory listing instead of reading every file
 * back (see sync_file_check() in plan.h). The manifest is written like any
 * other file (temporary name, rename) and last; upstream's tool ignores it
 * (it only looks below EFI/proxmox, at loader/ and at vmlinuz-* in the root).
 *
 *   # proxmox-boot-tool ESP manifest 1
 *   <SHA-256, 64 lower-case hex digits> <size in bytes> <path on the ESP>
 *
 * One record per line, sorted by path; the path is the rest of the line.
 * Further lines starting with '#' and empty lines are ignored. Pure parse
 * and format, no I/O.
 */

#include <stdint.h>
#include <stddef.h>

#include "sys/hash.h"

/* Name on the ESP, in its root; created with the FAT hidden attribute. */
#define ESP_MANIFEST ".proxmox-boot-manifest"
/* Largest manifest read back: far more than thousands of records need. */
#define ESP_MANIFEST_MAX ((size_t) 1024 * 1024)
#define ESP_MANIFEST_HEADER "# proxmox-boot-tool ESP manifest 1"

typedef struct EspManifestEntry {
        char *path;     /* relative, '/'-separated: "EFI/proxmox/6.8.12-4-pve/vmlinuz-6.8.12-4-pve" */
        uint64_t size;
        uint8_t sha256[SHA256_SIZE];
} EspManifestEntry;

typedef struct EspManifest {
        EspManifestEntry *entries;
        size_t n_entries;
} EspManifest;

void esp_manifest_done(EspManifest *m);

/* The record of path (compared case-insensitively, as FAT names), or NULL. */
const EspManifestEntry *esp_manifest_find(const EspManifest *m, const char *path);

/* Records path, replacing an earlier record of the same path. */
void esp_manifest_set(EspManifest *m, const char *path, uint64_t size, const uint8_t sha256[static SHA256_SIZE]);

/*
 * Parses a manifest. -EBADMSG without the header line, on a malformed
 * record, on a path that is not clean and relative (empty, "." or ".."
 * components, control characters) and on two records of one path.
 */
int esp_manifest_parse(const char *text, size_t len, EspManifest *ret);

/* The manifest's text: the header, then the records sorted by path. */
char *esp_manifest_format(const EspManifest *m);
