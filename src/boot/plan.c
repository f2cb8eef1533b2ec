/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <string.h>
#include <strings.h>

#include "basic/alloc.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "boot/kernels.h"
#include "boot/loader.h"
#include "boot/plan.h"

/* Clusters kept free for directory growth while writing. */
#define SPACE_RESERVE_CLUSTERS 4

static void sync_file_done(SyncFile *f) {
        free(f->path);
        free(f->source);
        free(f->content);
}

void sync_target_done(SyncTarget *t) {
        for (size_t i = 0; i < t->n_files; i++)
                sync_file_done(&t->files[i]);
        free(t->files);
        strv_free(t->keep);
        *t = (SyncTarget) {};
}

/* A file with the given content (taken over). */
static SyncFile sync_file_content(char *path, char *content) {
        SyncFile f = { .path = path, .content = content, .size = strlen(content) };

        sha256(content, f.size, f.sha256);
        return f;
}

void sync_target_add(SyncTarget *t, char *path, const char *source, uint64_t size, const uint8_t *sha256,
                     char *content) {
        t->files = xreallocarray(t->files, t->n_files + 1, sizeof(SyncFile));
        if (content)
                t->files[t->n_files] = sync_file_content(path, content);
        else {
                t->files[t->n_files] = (SyncFile) { .path = path, .source = xstrdup(source), .size = size };
                memcpy(t->files[t->n_files].sha256, sha256, SHA256_SIZE);
        }
        t->n_files++;
}

void sync_target_build(const SyncTargetInput *in, SyncTarget *ret) {
        SyncTarget t = { .mode = in->mode, .keep = strv_copy(in->keep), .prune = true };

        for (size_t i = 0; i < in->n_kernels; i++) {
                const BootKernel *k = &in->kernels[i];
                _cleanup_free_ char *dir = in->mode == BOOT_MODE_SYSTEMD_BOOT
                                                   ? xasprintf(ESP_KERNEL_DIR "/%s/", k->version)
                                                   : xstrdup("");

                sync_target_add(&t, xasprintf("%svmlinuz-%s", dir, k->version), k->vmlinuz, k->vmlinuz_size,
                                k->vmlinuz_sha256, NULL);
                sync_target_add(&t, xasprintf("%sinitrd.img-%s", dir, k->version), k->initrd, k->initrd_size,
                                k->initrd_sha256, NULL);
        }

        if (in->mode == BOOT_MODE_SYSTEMD_BOOT) {
                for (size_t i = 0; i < in->n_kernels; i++) {
                        const char *v = in->kernels[i].version;

                        sync_target_add(&t, xasprintf(ESP_ENTRIES_DIR "/proxmox-%s.conf", v), NULL, 0, NULL,
                                        loader_entry_format(in->title, v, in->cmdline));
                }
                sync_target_add(&t, xstrdup(ESP_LOADER_CONF), NULL, 0, NULL,
                                loader_conf_set_default(strempty(in->loader_conf), in->pinned));
        } else {
                _cleanup_strv_free_ char **versions = NULL;

                for (size_t i = 0; i < in->n_kernels; i++)
                        strv_extend(&versions, in->kernels[i].version);
                sync_target_add(&t, xstrdup(ESP_GRUB_CFG), NULL, 0, NULL,
                                grub_cfg_format(versions, in->title, in->cmdline, in->pinned, in->grub_timeout));
        }
        *ret = t;
}

SyncCheck sync_file_check(const SyncFile *f, const EspListing *l, const EspManifest *m) {
        const EspEntry *e = esp_listing_find(l, f->path);
        const EspManifestEntry *r;

        if (!e || e->dir || e->size != f->size)
                return SYNC_CHECK_DIFFERENT;
        r = m ? esp_manifest_find(m, f->path) : NULL;
        if (!r || r->size != e->size)
                return SYNC_CHECK_READ;
        return memcmp(r->sha256, f->sha256, SHA256_SIZE) == 0 ? SYNC_CHECK_SAME : SYNC_CHECK_DIFFERENT;
}

void sync_plan_done(SyncPlan *p) {
        for (size_t i = 0; i < p->n_ops; i++)
                free(p->ops[i].path);
        free(p->ops);
        if (p->manifest) {
                sync_file_done(p->manifest);
                free(p->manifest);
        }
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

static void plan_add_first(SyncPlan *p, SyncOpKind kind, char *path) {
        plan_add(p, kind, path, NULL);
        memmove(&p->ops[1], &p->ops[0], (p->n_ops - 1) * sizeof(SyncOp));
        p->ops[0] = (SyncOp) { .kind = kind, .path = path };
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

static bool target_has(const SyncTarget *t, const char *path) {
        for (size_t i = 0; i < t->n_files; i++)
                if (strcasecmp(t->files[i].path, path) == 0)
                        return true;
        return false;
}

/* True if an operation of the plan removes path, by name or with a directory above it. */
static bool plan_removes(const SyncPlan *p, const char *path) {
        for (size_t i = 0; i < p->n_ops; i++) {
                const SyncOp *op = &p->ops[i];
                size_t n = strlen(op->path);

                if (op->kind == SYNC_REMOVE && strcasecmp(op->path, path) == 0)
                        return true;
                if (op->kind == SYNC_REMOVE_TREE && strncasecmp(op->path, path, n) == 0 && path[n] == '/')
                        return true;
        }
        return false;
}

static void plan_manifest(const SyncTarget *t, const EspListing *l, const EspManifest *m, SyncPlan *p) {
        _cleanup_(esp_manifest_done) EspManifest next = {};
        _cleanup_free_ char *text = NULL;
        const EspEntry *old = esp_listing_find(l, ESP_MANIFEST);

        /* Records of files that stay untouched, as long as the listing still shows them as recorded. */
        for (size_t i = 0; m && i < m->n_entries; i++) {
                const EspManifestEntry *r = &m->entries[i];
                const EspEntry *e = esp_listing_find(l, r->path);

                if (e && !e->dir && e->size == r->size && strcasecmp(r->path, ESP_MANIFEST) != 0 &&
                    !target_has(t, r->path) && !plan_removes(p, r->path))
                        esp_manifest_set(&next, r->path, r->size, r->sha256);
        }
        for (size_t i = 0; i < t->n_files; i++)
                esp_manifest_set(&next, t->files[i].path, t->files[i].size, t->files[i].sha256);
        text = esp_manifest_format(&next);

        if (p->n_ops == 0 && m) {
                _cleanup_free_ char *current = esp_manifest_format(m);

                if (streq(current, text))
                        return;
        }
        if (p->n_ops > 0 && old && !old->dir)
                plan_add_first(p, SYNC_REMOVE, xstrdup(old->path));
        p->manifest = new0(SyncFile, 1);
        *p->manifest = sync_file_content(xstrdup(ESP_MANIFEST), TAKE_PTR(text));
        p->manifest->hidden = true;
        plan_add(p, SYNC_PUT, xstrdup(ESP_MANIFEST), p->manifest);
}

void sync_plan_build(const SyncTarget *t, const EspListing *l, const EspManifest *m, SyncPlan *ret) {
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
        plan_manifest(t, l, m, &p);
        *ret = p;
}

size_t sync_plan_count_changes(const SyncPlan *p) {
        size_t n = 0;

        for (size_t i = 0; i < p->n_ops; i++)
                if (strcasecmp(p->ops[i].path, ESP_MANIFEST) != 0)
                        n++;
        return n;
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
