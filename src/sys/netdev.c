/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <dirent.h>
#include <sys/stat.h>

#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/parse.h"
#include "basic/rootdir.h"
#include "basic/strutil.h"
#include "sys/netdev.h"

#define ARPHRD_ETHER_TYPE 1

static char *read_attr(const char *dir, const char *name) {
        _cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
        char *v = NULL;

        if (read_first_line(path, &v) < 0)
                return NULL;
        return v;
}

static unsigned read_uint_attr(const char *dir, const char *name) {
        _cleanup_free_ char *v = read_attr(dir, name);
        uint64_t u = 0;

        if (!v)
                return 0;
        /* "flags" is hexadecimal ("0x1003"), the others decimal. */
        if (startswith(v, "0x"))
                (void) parse_hex_u64(v + 2, 1, 8, &u);
        else
                (void) parse_uint64(v, UINT32_MAX, &u);
        return (unsigned) u;
}

static bool has_entry(const char *dir, const char *rel) {
        _cleanup_free_ char *path = xasprintf("%s/%s", dir, rel);
        struct stat st;

        return lstat(path, &st) == 0;
}

static int compare_devs(const void *a, const void *b) {
        return strcmp(((const NetDev *) a)->name, ((const NetDev *) b)->name);
}

static void netdev_done(NetDev *d) {
        free(d->name);
        free(d->address);
        free(d->perm_address);
        free(d->operstate);
}

void netdev_list_done(NetDevList *l) {
        for (size_t i = 0; i < l->n; i++)
                netdev_done(&l->devs[i]);
        free(l->devs);
        *l = (NetDevList) {};
}

static void netdev_copy(NetDev *dst, const NetDev *src) {
        *dst = *src;
        dst->name = xstrdup(src->name);
        dst->address = src->address ? xstrdup(src->address) : NULL;
        dst->perm_address = src->perm_address ? xstrdup(src->perm_address) : NULL;
        dst->operstate = src->operstate ? xstrdup(src->operstate) : NULL;
}

void netdev_list_copy(NetDevList *dst, const NetDevList *src) {
        *dst = (NetDevList) { .devs = new0(NetDev, src->n + 1), .n = src->n };
        for (size_t i = 0; i < src->n; i++)
                netdev_copy(&dst->devs[i], &src->devs[i]);
}

NetDev *netdev_list_add(NetDevList *l, const NetDev *d) {
        l->devs = xreallocarray(l->devs, l->n + 1, sizeof(NetDev));
        netdev_copy(&l->devs[l->n++], d);
        qsort(l->devs, l->n, sizeof(NetDev), compare_devs);
        return (NetDev *) netdev_list_find(l, d->name);
}

const NetDev *netdev_list_find(const NetDevList *l, const char *name) {
        NetDev key = { .name = (char *) name };

        if (!l || l->n == 0)
                return NULL;
        return bsearch(&key, l->devs, l->n, sizeof(NetDev), compare_devs);
}

bool netdev_is_physical(const NetDev *d) {
        return d->type == ARPHRD_ETHER_TYPE && d->has_device;
}

bool netdev_name_is_physical(const char *name) {
        const char *rest;

        if ((rest = startswith(name, "eth")) || (rest = startswith(name, "nic")) || (rest = startswith(name, "if")))
                return *rest && in_charset(rest, "0123456789");
        if ((rest = startswith(name, "en")) || (rest = startswith(name, "ib")))
                return *rest && !strpbrk(rest, ":.");
        return false;
}

int netdev_list_read(NetDevList *ret) {
        _cleanup_free_ char *base = sysroot_path("/sys/class/net");
        _cleanup_(netdev_list_done) NetDevList l = {};
        DIR *d;
        struct dirent *de;

        d = opendir(base);
        if (!d) {
                if (errno == ENOENT) {
                        *ret = (NetDevList) {};
                        return 0;
                }
                return -errno;
        }
        while ((de = readdir(d))) {
                _cleanup_free_ char *dir = NULL;
                struct stat st;
                NetDev *dev;

                if (de->d_name[0] == '.')
                        continue;
                dir = xasprintf("%s/%s", base, de->d_name);
                /* Skip plain files such as bonding_masters. */
                if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
                        continue;

                l.devs = xreallocarray(l.devs, l.n + 1, sizeof(NetDev));
                dev = &l.devs[l.n++];
                *dev = (NetDev) {
                        .name = xstrdup(de->d_name),
                        .ifindex = (int) read_uint_attr(dir, "ifindex"),
                        .type = read_uint_attr(dir, "type"),
                        .flags = read_uint_attr(dir, "flags"),
                        .mtu = read_uint_attr(dir, "mtu"),
                        .address = read_attr(dir, "address"),
                        .perm_address = read_attr(dir, "bonding_slave/perm_hwaddr"),
                        .operstate = read_attr(dir, "operstate"),
                        .has_device = has_entry(dir, "device"),
                        .is_vf = has_entry(dir, "device/physfn"),
                        .is_bridge = has_entry(dir, "bridge"),
                };
        }
        closedir(d);
        if (l.n > 0)
                qsort(l.devs, l.n, sizeof(NetDev), compare_devs);
        *ret = l;
        l = (NetDevList) {};
        return 0;
}
