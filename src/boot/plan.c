/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <strings.h>

#include "basic/alloc.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "boot/kernels.h"
#include "boot/loader.h"
#include "boot/plan.h"

/* Clusters kept free for directory growth while writing. */
#define SPACE_RESERVE_CLUSTERS 4

void sync_target_done(SyncTarget *t) {
        for (size_t i = 0; i < t->n_files; i++) {
                free(t->files[i].path);
                free(t->files[i].source);
                free(t->files[i].content);
        }
        free(t->files);
        strv_free(t->keep);
        *t = (SyncTarget) {};
}

void sync_target_add(SyncTarget *t, char *path, const char *source, uint64_t size, char *content) {
        t->files = xreallocarray(t->files, t->n_files + 1, sizeof(SyncFile));
        t->files[t->n_files++] = (SyncFile) {
                .path = path,
                .source = source ? xstrdup(source) : NULL,
                .content = content,
                .size = content ? strlen(content) : size,
        };
}

void sync_target_build(const SyncTargetInput *in, SyncTarget *ret) {
        SyncTarget t = { .mode = in->mode, .keep = strv_copy(in->keep), .prune = true };

        for (size_t i = 0; i < in->n_kernels; i++) {
                const BootKernel *k = &in->kernels[i];
                _cleanup_free_ char *dir = in->mode == BOOT_MODE_SYSTEMD_BOOT
                                                   ? xasprintf(ESP_KERNEL_DIR "/%s/", k->version)
                                                   : xstrdup("");

                sync_target_add(&t, xasprintf("%svmlinuz-%s", dir, k->version), k->vmlinuz, k->vmlinuz_size, NULL);
                sync_target_add(&t, xasprintf("%sinitrd.img-%s", dir, k->version), k->initrd, k->initrd_size, NULL);
        }

        if (in->mode == BOOT_MODE_SYSTEMD_BOOT) {
                for (size_t i = 0; i < in->n_kernels; i++)
                        sync_target_add(&t, xasprintf(ESP_ENTRIES_DIR "/proxmox-%s.conf", in->kernels[i].version), NULL, 0,
                                   loader_entry_format(in->title, in->kernels[i].version, in->cmdline));
                sync_target_add(&t, xstrdup(ESP_LOADER_CONF), NULL, 0,
                           loader_conf_set_default(strempty(in->loader_conf), in->pinned));
        } else {
                _cleanup_strv_free_ char **versions = NULL;

                for (size_t i = 0; i < in->n_kernels; i++)
                        strv_extend(&versions, in->kernels[i].version);
                sync_target_add(&t, xstrdup(ESP_GRUB_CFG), NULL, 0,
                           grub_cfg_format(versions, in->title, in->cmdline, in->pinned, in->grub_timeout));
        }
        *ret = t;
}

void sync_plan_done(SyncPlan *p) {
        for (size_t i = 0; i < p->n_ops; i++)
                free(p->ops[i].path);
        free(p->ops);
        *p = (SyncPlan) {};
}

static void plan_add(SyncPlan *p, SyncOpKind kind, char *path, const SyncFile *f) {
        p->ops = xreallocarray(p->ops, p->n_ops + 1, sizeof(SyncOp));
        p->ops[p->n_ops++] = (SyncOp) { .kind = kind, .path = path, .file = f };
}

static bool plan_has(const SyncPlan *p, SyncOpKind kind, const char *path) {
        for (size_t i = 0; i < p->n_ops; i++)
                if (p->ops[i].kind == kind && strcasecmp(p->ops[i].path, path) == 0)
                        return true;
        return false;
}

static bool keep_has(const SyncTarget *t, const char *version) {
        return strv_contains(t->keep, version);
}

/* The name below dir ("a/b") when path is directly in it, else NULL. */
static const char *child_of(const char *path, const char *dir) {
        size_t n = strlen(dir);
        const char *rest;

        if (strncasecmp(path, dir, n) != 0 || path[n] != '/')
                return NULL;
        rest = path + n + 1;
        return *rest && !strchr(rest, '/') ? rest : NULL;
}

static void plan_stale_systemd_boot(const SyncTarget *t, const EspListing *l, SyncPlan *p) {
        for (size_t i = 0; i < l->n_entries; i++) {
                const EspEntry *e = &l->entries[i];
                const char *v = child_of(e->path, ESP_KERNEL_DIR);
                _cleanup_free_ char *entry = NULL;

                if (!v || !e->dir || keep_has(t, v))
                        continue;
                entry = xasprintf(ESP_ENTRIES_DIR "/proxmox-%s.conf", v);
                if (esp_listing_find(l, entry))
                        plan_add(p, SYNC_REMOVE, xstrdup(esp_listing_find(l, entry)->path), NULL);
                plan_add(p, SYNC_REMOVE_TREE, xstrdup(e->path), NULL);
        }
        /* Entries whose kernel directory is gone would not boot: remove them as well. */
        for (size_t i = 0; i < l->n_entries; i++) {
                const EspEntry *e = &l->entries[i];
                const char *name = child_of(e->path, ESP_ENTRIES_DIR), *v, *end;
                _cleanup_free_ char *version = NULL;

                if (!name || e->dir || !(v = startswith(name, "proxmox-")) || !(end = endswith(v, ".conf")))
                        continue;
                version = xstrndup(v, end - v);
                if (!keep_has(t, version) && !plan_has(p, SYNC_REMOVE, e->path))
                        plan_add(p, SYNC_REMOVE, xstrdup(e->path), NULL);
        }
}

static void plan_stale_grub(const SyncTarget *t, const EspListing *l, SyncPlan *p) {
        for (size_t i = 0; i < l->n_entries; i++) {
                const EspEntry *e = &l->entries[i];
                _cleanup_free_ char *initrd = NULL;
                const char *v;

                if (e->dir || strchr(e->path, '/') || !(v = startswith(e->path, "vmlinuz-")) || keep_has(t, v))
                        continue;
                plan_add(p, SYNC_REMOVE, xstrdup(e->path), NULL);
                initrd = xasprintf("initrd.img-%s", v);
                if (esp_listing_find(l, initrd))
                        plan_add(p, SYNC_REMOVE, xstrdup(esp_listing_find(l, initrd)->path), NULL);
        }
}

static void plan_parents(const SyncFile *f, const EspListing *l, SyncPlan *p) {
        for (const char *s = strchr(f->path, '/'); s; s = strchr(s + 1, '/')) {
                _cleanup_free_ char *dir = xstrndup(f->path, s - f->path);
                const EspEntry *e = esp_listing_find(l, dir);

                if ((!e || !e->dir) && !plan_has(p, SYNC_MKDIR, dir))
                        plan_add(p, SYNC_MKDIR, TAKE_PTR(dir), NULL);
        }
}

void sync_plan_build(const SyncTarget *t, const EspListing *l, SyncPlan *ret) {
        SyncPlan p = {};

        for (size_t i = 0; t->prune && i < l->n_entries; i++)
                if (!l->entries[i].dir && endswith(l->entries[i].path, ESP_TEMP_SUFFIX))
                        plan_add(&p, SYNC_REMOVE, xstrdup(l->entries[i].path), NULL);

        if (t->prune && t->mode == BOOT_MODE_SYSTEMD_BOOT)
                plan_stale_systemd_boot(t, l, &p);

        for (size_t i = 0; i < t->n_files; i++)
                if (!t->files[i].same)
                        plan_parents(&t->files[i], l, &p);
        for (size_t i = 0; i < t->n_files; i++)
                if (!t->files[i].same)
                        plan_add(&p, SYNC_PUT, xstrdup(t->files[i].path), &t->files[i]);

        if (t->prune && t->mode == BOOT_MODE_GRUB)
                plan_stale_grub(t, l, &p);
        *ret = p;
}

static uint64_t round_up(uint64_t size, uint64_t cluster) {
        return (size + cluster - 1) / cluster * cluster;
}

static uint64_t tree_size(const EspListing *l, const char *dir, uint64_t cluster) {
        size_t n = strlen(dir);
        uint64_t sum = cluster; /* the directory itself */

        for (size_t i = 0; i < l->n_entries; i++) {
                const EspEntry *e = &l->entries[i];

                if (strncasecmp(e->path, dir, n) == 0 && e->path[n] == '/')
                        sum += e->dir ? cluster : round_up(e->size, cluster);
        }
        return sum;
}

int sync_plan_check_space(const SyncPlan *p, const EspListing *l, uint64_t cluster_size, uint64_t *ret_missing) {
        int64_t avail = (int64_t) l->free_bytes - (int64_t) (SPACE_RESERVE_CLUSTERS * cluster_size);
        int64_t lowest = avail;

        for (size_t i = 0; i < p->n_ops; i++) {
                const SyncOp *op = &p->ops[i];
                const EspEntry *old = esp_listing_find(l, op->path);

                switch (op->kind) {
                case SYNC_REMOVE:
                        if (old)
                                avail += (int64_t) round_up(old->size, cluster_size);
                        break;
                case SYNC_REMOVE_TREE:
                        avail += (int64_t) tree_size(l, op->path, cluster_size);
                        break;
                case SYNC_MKDIR:
                        avail -= (int64_t) cluster_size;
                        break;
                case SYNC_PUT:
                        avail -= (int64_t) round_up(op->file->size, cluster_size);
                        lowest = MIN(lowest, avail);
                        if (old && !old->dir)
                                avail += (int64_t) round_up(old->size, cluster_size);
                        break;
                }
                lowest = MIN(lowest, avail);
        }
        if (lowest < 0) {
                *ret_missing = (uint64_t) -lowest;
                return -ENOSPC;
        }
        return 0;
}

char **esp_listing_versions(const EspListing *l, BootMode mode) {
        char **versions = NULL;

        for (size_t i = 0; i < l->n_entries; i++) {
                const EspEntry *e = &l->entries[i];
                const char *v;

                if (mode == BOOT_MODE_SYSTEMD_BOOT)
                        v = e->dir ? child_of(e->path, ESP_KERNEL_DIR) : NULL;
                else
                        v = !e->dir && !strchr(e->path, '/') ? startswith(e->path, "vmlinuz-") : NULL;
                if (v)
                        strv_extend(&versions, v);
        }
        kernel_versions_sort(versions);
        return versions;
}
