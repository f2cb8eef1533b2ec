/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Block devices and partitions without udev: libblkid probing, sysfs
 * topology and BLKPG partition re-adding.
 *
 * Device nodes are the running kernel's objects, named by real /dev paths,
 * so this module reads the real /sys, /proc/partitions and
 * /proc/self/mountinfo, never a PVE_SYSROOT fixture: a sandbox can fake
 * firmware files, not disks. Nothing here needs udev or /dev/disk/by-*;
 * where a partition node is missing (no udev to create it), it is made
 * with mknod from the kernel's dev_t.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The GPT partition type of an EFI system partition, as lsblk prints it. */
#define ESP_PARTTYPE_GUID "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"

typedef struct BlockDevInfo {
        char *node;          /* resolved device node, "/dev/loop0p1" */
        char *name;          /* kernel name, "loop0p1" */
        dev_t devnum;
        uint64_t size;       /* bytes */
        /* Partitions only (partno > 0). */
        unsigned partno;
        char *parent;        /* kernel name of the whole disk, "loop0"; NULL for a whole disk */
        uint64_t start;      /* first byte on the parent disk */
        char *part_type;     /* GPT type GUID or MBR type "0xef", lower case; NULL if unknown */
        /* Contents. */
        char *fstype;        /* "vfat", "ext4", ...; NULL when no filesystem was recognised */
        char *uuid;          /* filesystem UUID, "ABCD-1234" for FAT */
        char *mountpoint;    /* first mount point, or NULL */
        bool has_holders;    /* used by another device (device-mapper, md) */
} BlockDevInfo;

void blockdev_info_done(BlockDevInfo *info);

/*
 * Describes the block device at path (symlinks are followed). Fails with
 * -ENOENT when it does not exist and -ENOTBLK when it is not a block device.
 */
int blockdev_probe(const char *path, BlockDevInfo *ret);

/*
 * Finds the device node whose filesystem has the given UUID (and type, when
 * fstype is not NULL) by probing every device of /proc/partitions. With a
 * type, each device is first probed for that type alone, and only a match
 * gets the full probe (which refuses devices with several signatures).
 * Returns -ENODEV when no device has it.
 */
int blockdev_find_by_uuid(const char *uuid, const char *fstype, char **ret_node);

/*
 * Makes sure the partition partno of the whole disk disk_name exists in
 * the kernel (BLKPG_ADD_PARTITION with start/size in bytes, as partx -a)
 * and has a device node /dev/<name> with the kernel's current dev_t.
 * A partition table re-read on a loop device without partition scanning
 * drops the partitions; this brings them back.
 */
int blockdev_ensure_partition(const char *disk_name, unsigned partno, uint64_t start, uint64_t size);
