/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The ESP access layer: reading and writing a FAT EFI system partition in
 * user space, without mounting it (the tool must work where the kernel has
 * no vfat driver, and upstream keeps ESPs unmounted anyway).
 *
 * The backend is mtools, run through spawn_run() and found by PATH. Paths
 * are relative to the ESP root, '/'-separated ("loader/loader.conf"); FAT
 * names compare case-insensitively. Writes replace a file atomically, in
 * two steps: esp_put_temp() writes the new content to "<path>.pbt-new" and
 * flushes the device, esp_put_commit() moves it over the old name with one
 * mtools rename (one directory update).
 * Read-only operations never write to the device.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "basic/strbuf.h"

/* Suffix of the temporary names used while replacing a file. */
#define ESP_TEMP_SUFFIX ".pbt-new"

typedef struct EspEntry {
        char *path;     /* "EFI/proxmox/6.8.12-4-pve/vmlinuz-6.8.12-4-pve" */
        bool dir;
        uint64_t size;
} EspEntry;

typedef struct EspListing {
        EspEntry *entries;
        size_t n_entries;
        uint64_t free_bytes;
} EspListing;

void esp_listing_done(EspListing *l);
/* The entry at path (case-insensitive), or NULL. */
const EspEntry *esp_listing_find(const EspListing *l, const char *path);

/*
 * Parses the output of "mdir -/ -a ::/" (recursive listing, LC_ALL=C):
 * every file and directory with its size, and the free space. Pure; fails
 * with -EBADMSG on output it does not understand.
 */
int esp_parse_mdir(const char *text, size_t len, EspListing *ret);

/*
 * Cluster size of a FAT filesystem from its boot sector (512 bytes).
 * -EBADMSG when it is no FAT boot sector.
 */
int fat_boot_sector_cluster_size(const uint8_t *sector, size_t len, uint64_t *ret);

typedef struct Esp {
        char *node;            /* device node or image file */
        uint64_t cluster_size;
} Esp;

#define ESP_INIT { .node = NULL }

/* Opens the FAT filesystem on node (reads its boot sector). */
int esp_open(const char *node, Esp *ret, char **reterr);
void esp_close(Esp *e);

int esp_list(Esp *e, EspListing *ret, char **reterr);
/* Reads a file; -EFBIG when it is longer than max bytes. */
int esp_read_file(Esp *e, const char *path, size_t max, StrBuf *ret, char **reterr);
int esp_mkdir(Esp *e, const char *path, char **reterr);
typedef enum EspPutFlags {
        ESP_PUT_HIDDEN = 1 << 0, /* set the FAT hidden attribute */
} EspPutFlags;

/*
 * Writes the new content of path under its temporary name and flushes it
 * to the device: the host file source (modification time kept, as
 * cp --preserve=timestamps), or data when source is NULL.
 */
int esp_put_temp(Esp *e, const char *path, const char *source, const void *data, size_t len, EspPutFlags flags,
                 char **reterr);
/* Replaces path with the content esp_put_temp() wrote. */
int esp_put_commit(Esp *e, const char *path, char **reterr);
int esp_remove(Esp *e, const char *path, char **reterr);
int esp_remove_tree(Esp *e, const char *path, char **reterr);
/* Flushes the device's buffers to stable storage. */
int esp_flush(Esp *e);
