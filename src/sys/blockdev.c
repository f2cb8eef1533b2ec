/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <blkid.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/blkpg.h>
#include <stdio.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "basic/alloc.h"
#include "basic/cursor.h"
#include "basic/fileio.h"
#include "basic/parse.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "blockdev.h"
#include "dlopen-util.h"

/* libblkid is loaded on first use (dlopen-util.h): only proxmox-boot-tool's work needs it. */
static DLSYM_FUNCTION(blkid_new_probe_from_filename);
static DLSYM_FUNCTION(blkid_free_probe);
static DLSYM_FUNCTION(blkid_probe_enable_superblocks);
static DLSYM_FUNCTION(blkid_probe_set_superblocks_flags);
static DLSYM_FUNCTION(blkid_probe_enable_partitions);
static DLSYM_FUNCTION(blkid_probe_set_partitions_flags);
static DLSYM_FUNCTION(blkid_probe_filter_superblocks_type);
static DLSYM_FUNCTION(blkid_do_safeprobe);
static DLSYM_FUNCTION(blkid_probe_lookup_value);

static int dlopen_blkid(void) {
        static void *dl;

        return dlopen_many_sym(&dl, "libblkid.so.1", DLSYM_ARG(blkid_new_probe_from_filename),
                               DLSYM_ARG(blkid_free_probe), DLSYM_ARG(blkid_probe_enable_superblocks),
                               DLSYM_ARG(blkid_probe_set_superblocks_flags), DLSYM_ARG(blkid_probe_enable_partitions),
                               DLSYM_ARG(blkid_probe_set_partitions_flags),
                               DLSYM_ARG(blkid_probe_filter_superblocks_type), DLSYM_ARG(blkid_do_safeprobe),
                               DLSYM_ARG(blkid_probe_lookup_value), NULL);
}

static void blkid_free_probep(blkid_probe *p) {
        if (*p)
                sym_blkid_free_probe(*p);
}

void blockdev_info_done(BlockDevInfo *info) {
        free(info->node);
        free(info->name);
        free(info->parent);
        free(info->part_type);
        free(info->fstype);
        free(info->uuid);
        free(info->mountpoint);
        *info = (BlockDevInfo) {};
}

static int read_sysfs_u64(const char *dir, const char *attr, uint64_t *ret) {
        _cleanup_free_ char *path = xasprintf("%s/%s", dir, attr), *text = NULL;
        int r;

        r = read_full_file(path, 4096, &text, NULL);
        if (r < 0)
                return r;
        return parse_uint64(strstrip(text), UINT64_MAX, ret);
}

static bool dir_has_entries(const char *path) {
        DIR *d = opendir(path);
        struct dirent *de;
        bool found = false;

        if (!d)
                return false;
        while (!found && (de = readdir(d)))
                found = !streq(de->d_name, ".") && !streq(de->d_name, "..");
        closedir(d);
        return found;
}

/* Decodes the octal escapes (\040) of a mountinfo field in place. */
static void unescape_mountinfo(char *s) {
        char *w = s;

        for (; *s; s++) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
                    s[3] <= '7') {
                        *w++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
                        s += 3;
                } else
                        *w++ = *s;
        }
        *w = 0;
}

static char *find_mountpoint(dev_t devnum) {
        _cleanup_free_ char *text = NULL, *line = NULL, *want = NULL;
        Cursor c;

        if (read_full_file("/proc/self/mountinfo", 0, &text, NULL) < 0)
                return NULL;
        want = xasprintf("%u:%u", major(devnum), minor(devnum));
        c = CURSOR_INIT(text, strlen(text));
        while (cursor_read_line_dup(&c, &line)) {
                _cleanup_strv_free_ char **f = strv_split(line, " ");

                if (strv_length(f) >= 5 && streq(f[2], want)) {
                        unescape_mountinfo(f[4]);
                        return xstrdup(f[4]);
                }
        }
        return NULL;
}

/* A probe of node for filesystem superblocks, reporting their type and UUID. */
static int new_superblock_probe(const char *node, blkid_probe *ret) {
        blkid_probe pr;
        int r;

        r = dlopen_blkid();
        if (r < 0)
                return r;
        errno = 0;
        pr = sym_blkid_new_probe_from_filename(node);
        if (!pr)
                return negative_errno();
        sym_blkid_probe_enable_superblocks(pr, 1);
        sym_blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID);
        *ret = pr;
        return 0;
}

static char *probe_value(blkid_probe pr, const char *name) {
        const char *v = NULL;

        if (sym_blkid_probe_lookup_value(pr, name, &v, NULL) < 0 || isempty(v))
                return NULL;
        return xstrdup(v);
}

/* Filesystem type and UUID, and the partition's type from the parent's table. */
static int probe_contents(BlockDevInfo *info) {
        _cleanup_(blkid_free_probep) blkid_probe pr = NULL;
        int r;

        r = new_superblock_probe(info->node, &pr);
        if (r < 0)
                return r;
        sym_blkid_probe_enable_partitions(pr, 1);
        sym_blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
        r = sym_blkid_do_safeprobe(pr);
        if (r == -2 || r == 1)
                return 0; /* ambivalent or nothing found: no filesystem we can name */
        if (r < 0)
                return -EIO;
        info->fstype = probe_value(pr, "TYPE");
        info->uuid = probe_value(pr, "UUID");
        info->part_type = probe_value(pr, "PART_ENTRY_TYPE");
        if (info->part_type)
                ascii_strlower(info->part_type);
        return 0;
}

int blockdev_probe(const char *path, BlockDevInfo *ret) {
        _cleanup_(blockdev_info_done) BlockDevInfo info = {};
        _cleanup_free_ char *link = NULL, *sysdir = NULL, *parent_dir = NULL;
        uint64_t v;
        struct stat st;
        int r;

        info.node = realpath(path, NULL);
        if (!info.node)
                return negative_errno();
        if (stat(info.node, &st) < 0)
                return negative_errno();
        if (!S_ISBLK(st.st_mode))
                return -ENOTBLK;
        info.devnum = st.st_rdev;

        link = xasprintf("/sys/dev/block/%u:%u", major(st.st_rdev), minor(st.st_rdev));
        sysdir = realpath(link, NULL);
        if (!sysdir)
                return negative_errno();
        info.name = xstrdup(strrchr(sysdir, '/') + 1);

        r = read_sysfs_u64(sysdir, "size", &v);
        if (r < 0)
                return r;
        info.size = v * 512;

        if (read_sysfs_u64(sysdir, "partition", &v) >= 0 && v > 0 && v <= UINT_MAX) {
                info.partno = (unsigned) v;
                r = read_sysfs_u64(sysdir, "start", &v);
                if (r < 0)
                        return r;
                info.start = v * 512;
                parent_dir = xstrndup(sysdir, strrchr(sysdir, '/') - sysdir);
                info.parent = xstrdup(strrchr(parent_dir, '/') + 1);
        }

        {
                _cleanup_free_ char *holders = xasprintf("%s/holders", sysdir);
                info.has_holders = dir_has_entries(holders);
        }
        info.mountpoint = find_mountpoint(info.devnum);

        r = probe_contents(&info);
        if (r < 0)
                return r;

        *ret = info;
        info = (BlockDevInfo) {};
        return 0;
}

/*
 * Type and UUID of the filesystem on node; 0 and NULLs when none is
 * recognised. With only_type, just that filesystem type is looked for:
 * cheap, but blind to other signatures on the device.
 */
static int probe_filesystem(const char *node, const char *only_type, char **ret_type, char **ret_uuid) {
        _cleanup_(blkid_free_probep) blkid_probe pr = NULL;
        int r;

        r = new_superblock_probe(node, &pr);
        if (r < 0)
                return r;
        if (only_type &&
            sym_blkid_probe_filter_superblocks_type(pr, BLKID_FLTR_ONLYIN, (char *[]) { (char *) only_type, NULL }) < 0)
                return -EIO;
        r = sym_blkid_do_safeprobe(pr);
        *ret_type = *ret_uuid = NULL;
        if (r != 0)
                return 0;
        *ret_type = probe_value(pr, "TYPE");
        *ret_uuid = probe_value(pr, "UUID");
        return 0;
}

int blockdev_find_by_uuid(const char *uuid, const char *fstype, char **ret_node) {
        _cleanup_free_ char *text = NULL, *line = NULL;
        Cursor c;
        int r;

        r = read_full_file("/proc/partitions", 0, &text, NULL);
        if (r < 0)
                return r;
        c = CURSOR_INIT(text, strlen(text));
        while (cursor_read_line_dup(&c, &line)) {
                _cleanup_free_ char *node = NULL, *type = NULL, *id = NULL;
                unsigned maj, min;
                char name[NAME_MAX + 1];
                unsigned long long blocks;
                struct stat st;

                if (sscanf(line, " %u %u %llu %255s", &maj, &min, &blocks, name) != 4 || blocks == 0)
                        continue;
                node = xasprintf("/dev/%s", name);
                if (stat(node, &st) < 0 || !S_ISBLK(st.st_mode) || st.st_rdev != makedev(maj, min))
                        continue;
                /* A cheap look for the wanted type first; candidates get the full probe, which refuses
                 * a device with several signatures (an old FAT boot sector below a newer filesystem). */
                if (fstype && (probe_filesystem(node, fstype, &type, &id) < 0 || !id || strcasecmp(id, uuid) != 0))
                        continue;
                type = mfree(type);
                id = mfree(id);
                if (probe_filesystem(node, NULL, &type, &id) < 0 || !id)
                        continue;
                if (strcasecmp(id, uuid) != 0 || (fstype && !streq_ptr(type, fstype)))
                        continue;
                *ret_node = TAKE_PTR(node);
                return 0;
        }
        return -ENODEV;
}

static char *partition_name(const char *disk, unsigned partno) {
        size_t n = strlen(disk);

        return xasprintf("%s%s%u", disk, n > 0 && isdigit((unsigned char) disk[n - 1]) ? "p" : "", partno);
}

static int ensure_node(const char *name) {
        _cleanup_free_ char *attr = xasprintf("/sys/class/block/%s/dev", name), *text = NULL;
        _cleanup_free_ char *node = xasprintf("/dev/%s", name);
        unsigned maj, min;
        struct stat st;
        int r;

        r = read_full_file(attr, 64, &text, NULL);
        if (r < 0)
                return r;
        if (sscanf(text, "%u:%u", &maj, &min) != 2)
                return -EBADMSG;
        if (stat(node, &st) >= 0) {
                if (S_ISBLK(st.st_mode) && st.st_rdev == makedev(maj, min))
                        return 0;
                if (unlink(node) < 0)
                        return negative_errno();
        }
        if (mknod(node, S_IFBLK | 0660, makedev(maj, min)) < 0)
                return negative_errno();
        return 0;
}

int blockdev_ensure_partition(const char *disk_name, unsigned partno, uint64_t start, uint64_t size) {
        _cleanup_free_ char *name = partition_name(disk_name, partno);
        _cleanup_free_ char *sys = xasprintf("/sys/class/block/%s/partition", name);

        if (!file_exists(sys)) {
                _cleanup_free_ char *disk_node = xasprintf("/dev/%s", disk_name);
                _cleanup_close_ int fd = open(disk_node, O_RDONLY | O_CLOEXEC);
                struct blkpg_partition part = {
                        .start = (long long) start,
                        .length = (long long) size,
                        .pno = (int) partno,
                };
                struct blkpg_ioctl_arg arg = {
                        .op = BLKPG_ADD_PARTITION,
                        .datalen = sizeof(part),
                        .data = &part,
                };

                if (fd < 0)
                        return negative_errno();
                if (ioctl(fd, BLKPG, &arg) < 0 && errno != EBUSY)
                        return negative_errno();
        }
        return ensure_node(name);
}
