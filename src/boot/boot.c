/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>

#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/spawn.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "boot/boot.h"
#include "boot/esp.h"
#include "boot/kernels.h"
#include "boot/loader.h"
#include "boot/manifest.h"
#include "boot/plan.h"
#include "boot/state.h"
#include "sys/blockdev.h"
#include "sys/efi.h"
#include "sys/hash.h"

#define ESP_MIN_SIZE ((uint64_t) 268435456)
#define DPKG_STATUS "/var/lib/dpkg/status"
#define APT_AUTOREMOVE_CONF "/etc/apt/apt.conf.d/76pveconf"
#define GRUB_PIN_SNIPPET "/etc/default/grub.d/proxmox-kernel-pin.cfg"
#define SYSTEMD_BOOT_EFI_DIR "/usr/lib/systemd/boot/efi"
#define GRUB_EFI_DIR "/usr/lib/grub/x86_64-efi"
#define MEMTEST_EFI "memtest86+x64.efi"
#define TOOL_TIMEOUT (120 * USEC_PER_SEC)

void boot_context_init(BootContext *ctx, void (*log)(void *, BootLogLevel, const char *), void *userdata) {
        EfiBootInfo info;

        efi_boot_info_read(&info);
        *ctx = (BootContext) { .log = log, .userdata = userdata, .efi = info.efi };
}

void boot_log(BootContext *ctx, BootLogLevel level, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        if (!ctx->log)
                return;
        va_start(ap, fmt);
        msg = xvasprintf(fmt, ap);
        va_end(ap);
        ctx->log(ctx->userdata, level, msg);
}

int boot_lock(LockFile *ret, char **reterr) {
        _cleanup_free_ char *p = root_path(BOOT_LOCK);
        int r;

        r = lock_file_acquire(p, LOCK_TIMEOUT_DEFAULT, ret);
        if (r < 0)
                *reterr = xasprintf("unable to acquire lock '%s': %s", BOOT_LOCK,
                                    r == -ETIMEDOUT ? "another proxmox-boot-tool is running" : strerror(-r));
        return r;
}

/* ---- kernels ------------------------------------------------------------ */

void boot_kernel_lists_done(BootKernelLists *l) {
        strv_free(l->manual);
        strv_free(l->boot);
        strv_free(l->keep);
        free(l->pinned);
        free(l->next_boot);
        *l = (BootKernelLists) {};
}

static bool boot_image_exists(const char *version) {
        _cleanup_free_ char *p = root_pathf("/boot/vmlinuz-%s", version);

        return file_exists(p);
}

/* A pin file's version: one line; a corrupt file is an error naming it. */
static int read_pin(const char *path, char **ret, char **reterr) {
        _cleanup_free_ char *p = root_path(path), *text = NULL;
        bool corrupt;
        size_t len;
        char *v;
        int r;

        r = read_full_file(p, 4096, &text, &len);
        if (r == -ENOENT) {
                *ret = NULL;
                return 0;
        }
        if (r < 0) {
                *reterr = xasprintf("unable to read %s: %s", path, strerror(-r));
                return r;
        }
        corrupt = memchr(text, 0, len) != NULL;
        v = strstrip(text);
        if (corrupt || has_control_chars(v, strlen(v))) {
                *reterr = xasprintf("%s: corrupt: not one line of text", path);
                return -EINVAL;
        }
        if (isempty(v)) {
                *ret = NULL;
                return 0;
        }
        if (!kernel_version_is_valid(v)) {
                *reterr = xasprintf("%s:1: '%s' is not a valid kernel version", path, v);
                return -EINVAL;
        }
        *ret = xstrdup(v);
        return 0;
}

int boot_kernel_lists_read(const char *install_version, BootKernelLists *ret, char **reterr) {
        _cleanup_(boot_kernel_lists_done) BootKernelLists l = {};
        _cleanup_free_ char *status_path = root_path(DPKG_STATUS), *status = NULL, *running = NULL;
        _cleanup_strv_free_ char **installed = NULL;
        int r;

        r = boot_list_read(BOOT_MANUAL_KERNELS, kernel_version_is_valid, "is not a valid kernel version", &l.manual,
                           NULL, reterr);
        if (r < 0)
                return r;
        r = read_pin(BOOT_PIN, &l.pinned, reterr);
        if (r < 0)
                return r;
        r = read_pin(BOOT_NEXT_BOOT_PIN, &l.next_boot, reterr);
        if (r < 0)
                return r;

        r = read_full_file(status_path, 256 * 1024 * 1024, &status, NULL);
        if (r < 0 && r != -ENOENT) {
                *reterr = xasprintf("unable to read %s: %s", DPKG_STATUS, strerror(-r));
                return r;
        }
        installed = dpkg_status_kernels(strempty(status));

        /* Upstream ignores the running kernel for reproducible builds and once its image is gone. */
        running = boot_running_kernel();
        if (running && (getenv("SOURCE_DATE_EPOCH") || !boot_image_exists(running)))
                running = mfree(running);

        KernelSelection sel = {
                .installed = installed,
                .running = running,
                .install = install_version,
                .manual = l.manual,
                .pinned = l.pinned,
                .next_boot = l.next_boot,
        };
        l.keep = kernel_keep_versions(&sel);
        l.boot = kernel_boot_list(&sel);
        *ret = l;
        l = (BootKernelLists) {};
        return 0;
}

static int update_manual_list(const char *version, bool add, bool *ret_changed, char **reterr) {
        _cleanup_strv_free_ char **l = NULL;
        int r;

        if (!kernel_version_is_valid(version)) {
                *reterr = xasprintf("E: '%s' is not a valid kernel version.", version);
                return -EINVAL;
        }
        r = boot_list_read(BOOT_MANUAL_KERNELS, kernel_version_is_valid, "is not a valid kernel version", &l, NULL,
                           reterr);
        if (r < 0)
                return r;
        *ret_changed = add != strv_contains(l, version);
        if (!*ret_changed)
                return 0;
        if (add)
                strv_extend(&l, version);
        else
                strv_remove(l, version);
        r = boot_list_write(BOOT_MANUAL_KERNELS, l);
        if (r < 0)
                *reterr = xasprintf("unable to write %s: %s", BOOT_MANUAL_KERNELS, strerror(-r));
        return r;
}

int boot_kernel_add(BootContext *ctx, const char *version, char **reterr) {
        bool changed;
        int r;

        if (!kernel_version_is_valid(version) || !boot_image_exists(version)) {
                *reterr = xasprintf("E: no kernel image found in /boot for '%s', not adding.", version);
                return -ENOENT;
        }
        r = update_manual_list(version, true, &changed, reterr);
        if (r < 0)
                return r;
        boot_log(ctx, BOOT_LOG_INFO,
                 "Added kernel '%s' to manual kernel list. Use the 'refresh' command to update the ESPs.", version);
        return 0;
}

int boot_kernel_remove(BootContext *ctx, const char *version, char **reterr) {
        bool changed;
        int r;

        r = update_manual_list(version, false, &changed, reterr);
        if (r < 0)
                return r;
        if (!changed) {
                boot_log(ctx, BOOT_LOG_INFO, "Kernel '%s' not found in manual kernel list.", version);
                return 1;
        }
        boot_log(ctx, BOOT_LOG_INFO,
                 "Removed kernel '%s' from manual kernel list. Use the 'refresh' command to update the ESPs.",
                 version);
        return 0;
}

static int write_state_line(const char *path, const char *value, char **reterr) {
        _cleanup_free_ char *p = root_path(path), *text = xasprintf("%s\n", value);
        int r;

        r = write_file_atomic(p, text, strlen(text), &WRITE_OPTIONS(0644, WRITE_MKDIR));
        if (r < 0)
                *reterr = xasprintf("unable to write %s: %s", path, strerror(-r));
        return r;
}

int boot_kernel_pin(BootContext *ctx, const char *version, bool next_boot, char **reterr) {
        const char *file = next_boot ? BOOT_NEXT_BOOT_PIN : BOOT_PIN;
        _cleanup_free_ char *old = NULL;

        if (!kernel_version_is_valid(version) || !boot_image_exists(version)) {
                _cleanup_(boot_kernel_lists_done) BootKernelLists l = {};
                _cleanup_free_ char *list = NULL, *ignored = NULL;

                if (boot_kernel_lists_read(NULL, &l, &ignored) >= 0)
                        list = strv_join(l.boot, "\n");
                *reterr = xasprintf("E: no kernel image found in /boot for '%s', not setting default.\n\n"
                                    "Possible Proxmox kernel versions are:\n%s",
                                    version, strempty(list));
                return -ENOENT;
        }
        old = boot_first_line(file);
        if (old && !streq(old, version))
                boot_log(ctx, BOOT_LOG_INFO, "Overriding previously pinned version '%s' with '%s'", old, version);
        return write_state_line(file, version, reterr);
}

static int remove_state_file(const char *path, char **reterr) {
        _cleanup_free_ char *p = root_path(path);

        if (unlink(p) < 0 && errno != ENOENT) {
                *reterr = xasprintf("unable to remove %s: %m", path);
                return negative_errno();
        }
        return 0;
}

int boot_kernel_unpin(BootContext *ctx, bool next_boot_only, char **ret_last_pin, char **reterr) {
        _cleanup_free_ char *last = boot_first_line(BOOT_NEXT_BOOT_PIN);
        int r;

        r = remove_state_file(BOOT_NEXT_BOOT_PIN, reterr);
        if (r < 0)
                return r;
        boot_log(ctx, BOOT_LOG_INFO, "Removed %s.", BOOT_NEXT_BOOT_PIN);
        if (!next_boot_only) {
                char *old = boot_first_line(BOOT_PIN);

                if (old) {
                        free(last);
                        last = old;
                }
                r = remove_state_file(BOOT_PIN, reterr);
                if (r < 0)
                        return r;
                boot_log(ctx, BOOT_LOG_INFO, "Removed %s.", BOOT_PIN);
        }
        *ret_last_pin = TAKE_PTR(last);
        return 0;
}

/* The root device id of GRUB's menu entry ids, from the "gnulinux-advanced-<id>" submenu of /boot/grub/grub.cfg. */
static char *grub_root_devid(void) {
        _cleanup_free_ char *p = root_path("/boot/grub/grub.cfg"), *text = NULL;
        const char *s, *e;

        if (read_full_file(p, 0, &text, NULL) < 0 || !(s = strstr(text, "gnulinux-advanced-")))
                return NULL;
        s += STRLEN("gnulinux-advanced-");
        e = s + strcspn(s, "'\n");
        return xstrndup(s, e - s);
}

int boot_grub_pin_apply(BootContext *ctx, char **reterr) {
        _cleanup_free_ char *next = boot_first_line(BOOT_NEXT_BOOT_PIN), *pin = boot_first_line(BOOT_PIN);
        const char *version = next ?: pin;
        int r;

        if (!version)
                r = remove_state_file(GRUB_PIN_SNIPPET, reterr);
        else {
                _cleanup_free_ char *id = grub_root_devid(), *p = root_path(GRUB_PIN_SNIPPET), *text = NULL;

                text = xasprintf("GRUB_DEFAULT=\"gnulinux-advanced-%s>gnulinux-%s-advanced-%s\"\n", strempty(id),
                                 version, strempty(id));
                r = write_file_atomic(p, text, strlen(text), &WRITE_OPTIONS(0644, WRITE_MKDIR));
                if (r < 0)
                        *reterr = xasprintf("unable to write %s: %s", GRUB_PIN_SNIPPET, strerror(-r));
        }
        if (r < 0)
                return r;

        /* update-grub regenerates the host's /boot/grub/grub.cfg: never from a sandbox root. */
        if (root_is_sandbox()) {
                boot_log(ctx, BOOT_LOG_WARNING, "PVE_ROOT is not '/' - not running update-grub.");
                return 0;
        }
        {
                _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;

                r = spawn_run(&(SpawnOptions) { .argv = STRV_MAKE("update-grub"), .timeout = TOOL_TIMEOUT }, &res);
                if (r < 0 || res.exit_status != 0) {
                        *reterr = xstrdup("update-grub failed");
                        return r < 0 ? r : -EIO;
                }
        }
        return 0;
}

/* ---- ESP sync ----------------------------------------------------------- */

/* One ESP's state during a refresh or status. */
typedef struct EspWork {
        char *uuid;
        char *node;           /* NULL: no device has the UUID */
        Esp esp;
        EspListing listing;
        BootMode mode;
        bool usable;          /* holds a boot-loader layout proxmox-boot-tool manages */
        EspManifest manifest;
        bool have_manifest;   /* manifest holds the ESP's readable manifest */
        SyncTarget target;
        SyncPlan plan;
        unsigned read_back;   /* files compared by reading them back */
        int space;            /* 0 or -ENOSPC */
        uint64_t missing_bytes;
} EspWork;

static void esp_work_done(EspWork *w) {
        free(w->uuid);
        free(w->node);
        esp_close(&w->esp);
        esp_listing_done(&w->listing);
        esp_manifest_done(&w->manifest);
        sync_target_done(&w->target);
        sync_plan_done(&w->plan);
        *w = (EspWork) {};
}

static void kernels_free(BootKernel *k, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(k[i].version);
                free(k[i].vmlinuz);
                free(k[i].initrd);
        }
        free(k);
}

static int hash_source(const char *path, uint8_t ret[static SHA256_SIZE], char **reterr) {
        int r = sha256_file(path, ret);

        if (r < 0)
                *reterr = xasprintf("E: unable to read '%s': %s", path, strerror(-r));
        return r;
}

/* The kernels of the boot list whose image and initrd are in /boot, with their sizes and SHA-256. */
static int gather_kernels(BootContext *ctx, char *const *boot, BootKernel **ret, size_t *ret_n, char **reterr) {
        BootKernel *k = NULL;
        size_t n = 0;
        int r = 0;

        STRV_FOREACH(v, boot) {
                _cleanup_free_ char *vmlinuz = root_pathf("/boot/vmlinuz-%s", *v);
                _cleanup_free_ char *initrd = root_pathf("/boot/initrd.img-%s", *v);
                struct stat a, b;

                if (!kernel_version_is_valid(*v))
                        continue;
                if (stat(vmlinuz, &a) < 0 || !S_ISREG(a.st_mode)) {
                        boot_log(ctx, BOOT_LOG_WARNING, "No linux-image /boot/vmlinuz-%s found - skipping", *v);
                        continue;
                }
                if (stat(initrd, &b) < 0 || !S_ISREG(b.st_mode)) {
                        boot_log(ctx, BOOT_LOG_WARNING, "No initrd-image /boot/initrd.img-%s found - skipping", *v);
                        continue;
                }
                k = xreallocarray(k, n + 1, sizeof(BootKernel));
                k[n] = (BootKernel) {
                        .version = xstrdup(*v),
                        .vmlinuz = TAKE_PTR(vmlinuz),
                        .initrd = TAKE_PTR(initrd),
                        .vmlinuz_size = (uint64_t) a.st_size,
                        .initrd_size = (uint64_t) b.st_size,
                };
                n++;
                r = hash_source(k[n - 1].vmlinuz, k[n - 1].vmlinuz_sha256, reterr);
                if (r >= 0)
                        r = hash_source(k[n - 1].initrd, k[n - 1].initrd_sha256, reterr);
                if (r < 0) {
                        kernels_free(k, n);
                        return r;
                }
        }
        *ret = k;
        *ret_n = n;
        return 0;
}

/* Reads the ESP's manifest; an unreadable one is ignored (every file is then read back), with a warning. */
static void esp_work_read_manifest(BootContext *ctx, EspWork *w) {
        const EspEntry *e = esp_listing_find(&w->listing, ESP_MANIFEST);
        _cleanup_strbuf_ StrBuf text = STRBUF_INIT;
        _cleanup_free_ char *err = NULL;

        if (!e || e->dir)
                return;
        if (esp_read_file(&w->esp, e->path, ESP_MANIFEST_MAX, &text, &err) < 0 ||
            esp_manifest_parse(text.buf, text.len, &w->manifest) < 0) {
                boot_log(ctx, BOOT_LOG_WARNING,
                         "WARN: ignoring the unreadable manifest %s on %s%s%s - verifying every file", ESP_MANIFEST,
                         w->node, err ? ": " : "", strempty(err));
                return;
        }
        w->have_manifest = true;
}

/* Reads f back from the ESP: same if its SHA-256 is the wanted one. */
static int file_read_back(EspWork *w, SyncFile *f, char **reterr) {
        _cleanup_strbuf_ StrBuf have = STRBUF_INIT;
        uint8_t md[SHA256_SIZE];
        int r;

        r = esp_read_file(&w->esp, esp_listing_find(&w->listing, f->path)->path, f->size, &have, reterr);
        if (r < 0)
                return r;
        sha256(have.buf, have.len, md);
        f->same = have.len == f->size && memcmp(md, f->sha256, SHA256_SIZE) == 0;
        w->read_back++;
        return 0;
}

/*
 * Decides which target files the ESP already holds (by the manifest, else
 * by reading them back; verify reads back every one), plans the sync and
 * checks its space.
 */
static int esp_work_decide(BootContext *ctx, EspWork *w, bool verify, char **reterr) {
        const EspManifest *trusted;
        int r;

        esp_work_read_manifest(ctx, w);
        trusted = w->have_manifest && !verify ? &w->manifest : NULL;
        for (size_t i = 0; i < w->target.n_files; i++) {
                SyncFile *f = &w->target.files[i];

                switch (sync_file_check(f, &w->listing, trusted)) {
                case SYNC_CHECK_DIFFERENT:
                        f->same = false;
                        break;
                case SYNC_CHECK_SAME:
                        f->same = true;
                        break;
                case SYNC_CHECK_READ:
                        r = file_read_back(w, f, reterr);
                        if (r < 0)
                                return r;
                        break;
                }
        }
        sync_plan_build(&w->target, &w->listing, w->have_manifest ? &w->manifest : NULL, &w->plan);
        w->space = sync_plan_check_space(&w->plan, &w->listing, w->esp.cluster_size, &w->missing_bytes);
        return 0;
}

/* Opens and lists the ESP of w->uuid and decides its mode. */
static int esp_work_open(BootContext *ctx, EspWork *w, char **reterr) {
        int r;

        r = blockdev_find_by_uuid(w->uuid, "vfat", &w->node);
        if (r == -ENODEV)
                return 0;
        if (r < 0) {
                *reterr = xasprintf("unable to look for ESP '%s': %s", w->uuid, strerror(-r));
                return r;
        }
        r = esp_open(w->node, &w->esp, reterr);
        if (r < 0)
                return r;
        r = esp_list(&w->esp, &w->listing, reterr);
        if (r < 0)
                return r;

        if (esp_listing_find(&w->listing, ESP_GRUB_EFI) || !ctx->efi) {
                const EspEntry *g = esp_listing_find(&w->listing, ESP_GRUB_DIR);

                w->mode = BOOT_MODE_GRUB;
                w->usable = g && g->dir;
        } else {
                const EspEntry *d = esp_listing_find(&w->listing, ESP_KERNEL_DIR);

                w->mode = BOOT_MODE_SYSTEMD_BOOT;
                w->usable = esp_listing_find(&w->listing, ESP_LOADER_CONF) && d && d->dir;
        }
        return 0;
}

typedef struct SyncSettings {
        BootKernel *kernels;
        size_t n_kernels;
        char **boot;
        char *cmdline;
        char *pinned;
        char *grub_timeout;
        char *grub_cmdline;
} SyncSettings;

static void sync_settings_done(SyncSettings *s) {
        kernels_free(s->kernels, s->n_kernels);
        strv_free(s->boot);
        free(s->cmdline);
        free(s->pinned);
        free(s->grub_timeout);
        free(s->grub_cmdline);
        *s = (SyncSettings) {};
}

/* GRUB_CMDLINE_LINUX, GRUB_CMDLINE_LINUX_DEFAULT and GRUB_TIMEOUT of /etc/default/grub. */
static void read_grub_defaults(const char *cmdline, SyncSettings *s) {
        _cleanup_free_ char *p = root_path("/etc/default/grub"), *text = NULL;
        _cleanup_free_ char *linux_args = NULL, *default_args = NULL;
        _cleanup_strv_free_ char **words = strv_split(cmdline, " ");
        size_t len = 0;

        (void) read_full_file(p, 1024 * 1024, &text, &len);
        linux_args = shell_assignment_get(strempty(text), len, "GRUB_CMDLINE_LINUX");
        default_args = shell_assignment_get(strempty(text), len, "GRUB_CMDLINE_LINUX_DEFAULT");
        s->grub_timeout = shell_assignment_get(strempty(text), len, "GRUB_TIMEOUT") ?: xstrdup("5");

        /* Arguments already on the command line (the /proc/cmdline fallback has them) are not repeated. */
        for (const char *a = linux_args; a; a = a == linux_args ? default_args : NULL) {
                _cleanup_strv_free_ char **extra = strv_split(a, " \t");

                STRV_FOREACH(x, extra)
                        if (!strv_contains(words, *x))
                                strv_extend(&words, *x);
        }
        s->grub_cmdline = strv_join(words, " ");
}

static int sync_settings_read(BootContext *ctx, const char *install_version, SyncSettings *ret, char **reterr) {
        _cleanup_(boot_kernel_lists_done) BootKernelLists l = {};
        _cleanup_(sync_settings_done) SyncSettings s = {};
        bool fallback;
        int r;

        r = boot_cmdline_read(&s.cmdline, &fallback, reterr);
        if (r < 0)
                return r;
        if (fallback)
                boot_log(ctx, BOOT_LOG_WARNING, "No /etc/kernel/cmdline found - falling back to /proc/cmdline");
        r = boot_kernel_lists_read(install_version, &l, reterr);
        if (r < 0)
                return r;
        s.pinned = l.next_boot ? xstrdup(l.next_boot) : l.pinned ? xstrdup(l.pinned) : NULL;
        s.boot = TAKE_PTR(l.boot);
        r = gather_kernels(ctx, s.boot, &s.kernels, &s.n_kernels, reterr);
        if (r < 0)
                return r;
        read_grub_defaults(s.cmdline, &s);
        *ret = s;
        s = (SyncSettings) {};
        return 0;
}

/* Builds the target and plan of an opened, usable ESP. */
static int esp_work_plan(BootContext *ctx, EspWork *w, const SyncSettings *s, bool verify, char **reterr) {
        _cleanup_strbuf_ StrBuf loader_conf = STRBUF_INIT;
        int r;

        if (w->mode == BOOT_MODE_SYSTEMD_BOOT) {
                r = esp_read_file(&w->esp, esp_listing_find(&w->listing, ESP_LOADER_CONF)->path, 64 * 1024,
                                  &loader_conf, reterr);
                if (r < 0)
                        return r;
        }
        sync_target_build(&(SyncTargetInput) {
                                  .mode = w->mode,
                                  .kernels = s->kernels,
                                  .n_kernels = s->n_kernels,
                                  .keep = s->boot,
                                  .title = loader_title(),
                                  .cmdline = w->mode == BOOT_MODE_GRUB ? s->grub_cmdline : s->cmdline,
                                  .pinned = s->pinned,
                                  .loader_conf = loader_conf.buf,
                                  .grub_timeout = s->grub_timeout,
                          },
                          &w->target);
        return esp_work_decide(ctx, w, verify, reterr);
}

static const char *op_verb(const SyncOp *op) {
        switch (op->kind) {
        case SYNC_REMOVE:
                return "Removing";
        case SYNC_REMOVE_TREE:
                return "Removing directory";
        case SYNC_MKDIR:
                return "Creating directory";
        case SYNC_PUT:
                return "Writing";
        }
        return "?";
}

/*
 * Writes f. A host file is hashed again once copied: had it changed since
 * it was planned, the copy is not put in place (the manifest would record
 * the wrong digest) and the run fails.
 */
static int esp_work_put(EspWork *w, const SyncFile *f, char **reterr) {
        uint8_t md[SHA256_SIZE];
        int r;

        r = esp_put_temp(&w->esp, f->path, f->source, f->content, f->content ? f->size : 0,
                         f->hidden ? ESP_PUT_HIDDEN : 0, reterr);
        if (r < 0)
                return r;
        if (f->source) {
                r = hash_source(f->source, md, reterr);
                if (r < 0)
                        return r;
                if (memcmp(md, f->sha256, SHA256_SIZE) != 0) {
                        *reterr = xasprintf("E: '%s' changed while it was copied to %s - run refresh again", f->source,
                                            w->node);
                        return -ESTALE;
                }
        }
        return esp_put_commit(&w->esp, f->path, reterr);
}

static int esp_work_apply(BootContext *ctx, EspWork *w, char **reterr) {
        for (size_t i = 0; i < w->plan.n_ops; i++) {
                const SyncOp *op = &w->plan.ops[i];
                int r = 0;

                boot_log(ctx, BOOT_LOG_INFO, "\t%s %s", op_verb(op), op->path);
                switch (op->kind) {
                case SYNC_REMOVE:
                        r = esp_remove(&w->esp, op->path, reterr);
                        break;
                case SYNC_REMOVE_TREE:
                        r = esp_remove_tree(&w->esp, op->path, reterr);
                        break;
                case SYNC_MKDIR:
                        r = esp_mkdir(&w->esp, op->path, reterr);
                        break;
                case SYNC_PUT:
                        r = esp_work_put(w, op->file, reterr);
                        break;
                }
                if (r < 0)
                        return r;
        }
        return esp_flush(&w->esp);
}

static void esp_works_free(EspWork *w, size_t n) {
        for (size_t i = 0; i < n; i++)
                esp_work_done(&w[i]);
        free(w);
}

static void warn_missing(BootContext *ctx, const char *uuid) {
        boot_log(ctx, BOOT_LOG_WARNING, "WARN: no device with ESP UUID '%s' found - clean '%s'! - skipping", uuid,
                 BOOT_ESP_LIST);
}

static void warn_invalid_uuid(BootContext *ctx, const char *uuid) {
        boot_log(ctx, BOOT_LOG_WARNING, "WARN: %s read from %s does not look like a VFAT-UUID - skipping", uuid,
                 BOOT_ESP_LIST);
}

int boot_refresh_esps(BootContext *ctx, const char *install_version, bool verify, BootRefreshResult *ret,
                      char **reterr) {
        _cleanup_(sync_settings_done) SyncSettings s = {};
        _cleanup_strv_free_ char **uuids = NULL;
        BootRefreshResult res = {};
        EspWork *works = NULL;
        size_t n = 0;
        bool exists;
        int r;

        r = boot_list_read(BOOT_ESP_LIST, NULL, NULL, &uuids, &exists, reterr);
        if (r < 0)
                return r;
        if (!exists) {
                boot_log(ctx, BOOT_LOG_WARNING, "No %s found, skipping ESP sync.", BOOT_ESP_LIST);
                *ret = res;
                return 0;
        }
        r = sync_settings_read(ctx, install_version, &s, reterr);
        if (r < 0)
                return r;

        /* Plan every ESP before writing to any, so a problem leaves all of them as they were. */
        works = new0(EspWork, strv_length(uuids));
        STRV_FOREACH(u, uuids) {
                EspWork *w = &works[n++];

                w->uuid = xstrdup(*u);
                if (!esp_uuid_is_valid(*u)) {
                        warn_invalid_uuid(ctx, *u);
                        res.missing++;
                        continue;
                }
                r = esp_work_open(ctx, w, reterr);
                if (r < 0)
                        goto out;
                if (!w->node) {
                        warn_missing(ctx, *u);
                        res.missing++;
                        continue;
                }
                if (!w->usable) {
                        boot_log(ctx, BOOT_LOG_WARNING, "%s contains no %s - skipping", w->node,
                                 w->mode == BOOT_MODE_GRUB ? "grub directory" : "loader.conf");
                        res.skipped++;
                        continue;
                }
                r = esp_work_plan(ctx, w, &s, verify, reterr);
                if (r < 0)
                        goto out;
                if (w->read_back > 0)
                        boot_log(ctx, BOOT_LOG_INFO, "%s: %u files verified by reading them back.", w->node,
                                 w->read_back);
                if (w->space < 0) {
                        *reterr = xasprintf("E: not enough free space on ESP '%s' (%s): %" PRIu64
                                            " more bytes needed - no ESP was changed",
                                            w->uuid, w->node, w->missing_bytes);
                        r = -ENOSPC;
                        goto out;
                }
        }

        for (size_t i = 0; i < n; i++) {
                EspWork *w = &works[i];

                if (!w->node || !w->usable)
                        continue;
                if (sync_plan_count_changes(&w->plan) == 0)
                        boot_log(ctx, BOOT_LOG_INFO, "ESP %s (%s) is up to date.", w->uuid, w->node);
                else
                        boot_log(ctx, BOOT_LOG_INFO, "Copying and configuring kernels on %s (UUID %s)", w->node,
                                 w->uuid);
                /* Nothing at all to do: not even a flush. */
                if (w->plan.n_ops > 0) {
                        r = esp_work_apply(ctx, w, reterr);
                        if (r < 0)
                                goto out;
                }
                res.synced++;
        }
        *ret = res;
        r = 0;
out:
        esp_works_free(works, n);
        return r;
}

int boot_write_apt_autoremove(BootContext *ctx, const char *install_version, char **reterr) {
        _cleanup_(boot_kernel_lists_done) BootKernelLists l = {};
        _cleanup_free_ char *p = root_path(APT_AUTOREMOVE_CONF), *text = NULL;
        StrBuf b = STRBUF_INIT;
        int r;

        r = boot_kernel_lists_read(install_version, &l, reterr);
        if (r < 0)
                return r;
        strbuf_adds(&b, "// DO NOT EDIT! File autogenerated by /etc/kernel/postinst.d/proxmox-auto-removal\n"
                        "APT::NeverAutoRemove\n{\n");
        STRV_FOREACH(v, l.keep) {
                _cleanup_strbuf_ StrBuf esc = STRBUF_INIT;

                for (const char *c = *v; *c; c++) {
                        if (*c == '.' || *c == '+')
                                strbuf_addc(&esc, '\\');
                        strbuf_addc(&esc, *c);
                }
                strbuf_addf(&b, "   \"^pve-kernel-%s$\";\n   \"^proxmox-kernel-%s$\";\n   \"^proxmox-kernel-%s-signed$\";\n",
                            esc.buf, esc.buf, esc.buf);
        }
        strbuf_adds(&b, "};\n");
        text = strbuf_detach(&b, NULL);
        r = write_file_atomic(p, text, strlen(text), &WRITE_OPTIONS(0444, WRITE_MKDIR | WRITE_SKIP_SAME));
        if (r < 0) {
                *reterr = xasprintf("unable to write %s: %s", APT_AUTOREMOVE_CONF, strerror(-r));
                return r;
        }
        return 0;
}

/* ---- format, init, reinit, clean ---------------------------------------- */

/* upstream's _get_partition_info checks, with its messages. */
static int check_partition(BootContext *ctx, const char *partition, BlockDevInfo *ret, char **reterr) {
        _cleanup_(blockdev_info_done) BlockDevInfo info = {};
        int r;

        if (access(partition, F_OK) < 0) {
                *reterr = xasprintf("E: '%s' does not exist!", partition);
                return -ENOENT;
        }
        r = blockdev_probe(partition, &info);
        if (r == -ENOTBLK) {
                _cleanup_free_ char *real = realpath(partition, NULL);

                *reterr = xasprintf("E: '%s' is not a block device!", real ?: partition);
                return r;
        }
        if (r < 0) {
                *reterr = xasprintf("E: unable to get information about block device '%s'!", partition);
                return r;
        }
        boot_log(ctx, BOOT_LOG_INFO, "UUID=\"%s\" SIZE=\"%" PRIu64 "\" FSTYPE=\"%s\" PARTTYPE=\"%s\" PKNAME=\"%s\" MOUNTPOINT=\"%s\"",
                 strempty(info.uuid), info.size, strempty(info.fstype), strempty(info.part_type),
                 strempty(info.parent), strempty(info.mountpoint));
        if (info.has_holders) {
                *reterr = xasprintf("E: block device '%s' has children!", partition);
                return -EBUSY;
        }
        if (!info.parent) {
                *reterr = xasprintf("E: cannot determine parent device of '%s' - please provide a partition, not a full disk.",
                                    partition);
                return -ENOTBLK;
        }
        if (info.size < ESP_MIN_SIZE) {
                *reterr = xasprintf("E: '%s' is too small (<256M).", partition);
                return -ENOSPC;
        }
        if (info.mountpoint) {
                *reterr = xasprintf("E: '%s' is mounted on '%s' - exiting.", partition, info.mountpoint);
                return -EBUSY;
        }
        *ret = info;
        info = (BlockDevInfo) {};
        return 0;
}

static int run_tool(BootContext *ctx, char *const *argv, char **reterr) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;
        char buf[64];
        int r;

        r = spawn_run(&(SpawnOptions) {
                              .argv = argv,
                              .stdout_mode = SPAWN_IO_CAPTURE,
                              .stderr_mode = SPAWN_IO_MERGE,
                              .timeout = TOOL_TIMEOUT,
                      },
                      &res);
        if (r < 0) {
                *reterr = xasprintf("E: unable to run %s: %s", argv[0], strerror(-r));
                return r;
        }
        strbuf_rtrim(&res.out);
        if (res.out.len > 0)
                boot_log(ctx, BOOT_LOG_INFO, "%s", res.out.buf);
        if (res.exit_status != 0) {
                *reterr = xasprintf("E: %s failed (%s)", argv[0], spawn_describe(&res, buf, sizeof(buf)));
                return -EIO;
        }
        return 0;
}

int boot_format(BootContext *ctx, const char *partition, bool force, char **reterr) {
        _cleanup_(blockdev_info_done) BlockDevInfo info = {};
        int r;

        r = check_partition(ctx, partition, &info, reterr);
        if (r < 0)
                return r;
        if (info.fstype && !force) {
                *reterr = xasprintf("E: '%s' contains a filesystem ('%s') - exiting (use --force to override)", partition,
                                    info.fstype);
                return -EEXIST;
        }
        if (!streq_ptr(info.part_type, ESP_PARTTYPE_GUID)) {
                _cleanup_free_ char *type = xasprintf("-t%u:" ESP_PARTTYPE_GUID, info.partno);
                _cleanup_free_ char *disk = xasprintf("/dev/%s", info.parent);

                boot_log(ctx, BOOT_LOG_INFO, "Setting partition type of '%s' to '%s'..", partition, ESP_PARTTYPE_GUID);
                r = run_tool(ctx, STRV_MAKE("sgdisk", type, disk), reterr);
                if (r < 0)
                        return r;
                /* sgdisk re-reads the table, which can drop the partitions of a loop device: re-add, without udev. */
                r = blockdev_ensure_partition(info.parent, info.partno, info.start, info.size);
                if (r < 0) {
                        *reterr = xasprintf("E: unable to re-add partition %u of '%s': %s", info.partno, disk,
                                            strerror(-r));
                        return r;
                }
        }
        boot_log(ctx, BOOT_LOG_INFO, "Formatting '%s' as vfat..", partition);
        r = run_tool(ctx, STRV_MAKE("mkfs.vfat", "-F", "32", info.node), reterr);
        if (r < 0)
                return r;
        boot_log(ctx, BOOT_LOG_INFO, "Done.");
        return 0;
}

/* Adds the host file source, if it exists. */
static int target_add_host_file(SyncTarget *t, const char *path, const char *source, char **reterr) {
        uint8_t md[SHA256_SIZE];
        struct stat st;
        int r;

        if (stat(source, &st) < 0)
                return 0;
        r = hash_source(source, md, reterr);
        if (r < 0)
                return r;
        sync_target_add(t, xstrdup(path), source, (uint64_t) st.st_size, md, NULL);
        return 0;
}

/* A GRUB EFI image reading grub/grub.cfg from the partition it was loaded from. */
static int build_grub_efi(BootContext *ctx, const char *output, char **reterr) {
        _cleanup_free_ char *dir = root_path(GRUB_EFI_DIR);

        if (!dir_exists(dir)) {
                *reterr = xstrdup("E: grub EFI files not available - make sure grub-efi-amd64-bin is installed");
                return -ENOENT;
        }
        return run_tool(ctx,
                        STRV_MAKE("grub-mkimage", "-O", "x86_64-efi", "-d", dir, "-p", "/grub", "-o", output,
                                  "part_gpt", "part_msdos", "fat", "normal", "linux", "configfile", "search", "echo",
                                  "gzio", "efi_gop", "all_video", "boot", "test"),
                        reterr);
}

/* Puts the target of init on the opened and listed ESP. */
static int init_apply(BootContext *ctx, EspWork *w, char **reterr) {
        int r;

        r = esp_work_decide(ctx, w, false, reterr);
        if (r < 0)
                return r;
        if (w->space < 0) {
                *reterr = xasprintf("E: not enough free space on '%s': %" PRIu64 " more bytes needed", w->node,
                                    w->missing_bytes);
                return -ENOSPC;
        }
        return w->plan.n_ops > 0 ? esp_work_apply(ctx, w, reterr) : 0;
}

static int init_esp(BootContext *ctx, const char *partition, const char *mode, char **reterr) {
        _cleanup_(blockdev_info_done) BlockDevInfo info = {};
        _cleanup_(esp_work_done) EspWork w = {};
        SyncTarget *t = &w.target;
        _cleanup_free_ char *memtest = root_path("/boot/" MEMTEST_EFI), *grub_image = NULL, *tmpdir = NULL;
        bool grub;
        int r;

        r = check_partition(ctx, partition, &info, reterr);
        if (r < 0)
                return r;
        if (!streq_ptr(info.part_type, ESP_PARTTYPE_GUID)) {
                *reterr = xasprintf("E: '%s' has wrong partition type (!= %s).", partition, ESP_PARTTYPE_GUID);
                return -EMEDIUMTYPE;
        }
        if (!streq_ptr(info.fstype, "vfat")) {
                *reterr = xasprintf("E: '%s' has wrong filesystem (!= vfat).", partition);
                return -EMEDIUMTYPE;
        }
        if (!info.uuid) {
                *reterr = xasprintf("E: '%s' has no UUID set, required for mounting.", partition);
                return -EMEDIUMTYPE;
        }
        w.node = xstrdup(info.node);
        r = esp_open(info.node, &w.esp, reterr);
        if (r < 0)
                return r;
        r = esp_list(&w.esp, &w.listing, reterr);
        if (r < 0)
                return r;
        grub = streq_ptr(mode, "grub") || esp_listing_find(&w.listing, ESP_GRUB_EFI) || !ctx->efi;

        t->mode = grub ? BOOT_MODE_GRUB : BOOT_MODE_SYSTEMD_BOOT;
        if (ctx->efi) {
                if (file_exists(memtest)) {
                        boot_log(ctx, BOOT_LOG_INFO, "Adding %s ..", MEMTEST_EFI);
                        r = target_add_host_file(t, MEMTEST_EFI, memtest, reterr);
                        if (r < 0)
                                return r;
                }
                if (grub) {
                        boot_log(ctx, BOOT_LOG_INFO, "Installing grub x86_64 target..");
                        tmpdir = xstrdup("/tmp/proxmox-boot-tool.XXXXXX");
                        if (!mkdtemp(tmpdir)) {
                                *reterr = xasprintf("unable to create a temporary directory: %m");
                                return negative_errno();
                        }
                        grub_image = xasprintf("%s/grubx64.efi", tmpdir);
                        r = build_grub_efi(ctx, grub_image, reterr);
                        if (r >= 0)
                                r = target_add_host_file(t, ESP_GRUB_EFI, grub_image, reterr);
                        if (r >= 0) {
                                boot_log(ctx, BOOT_LOG_INFO, "Installing grub x86_64 target (removable)..");
                                r = target_add_host_file(t, "EFI/BOOT/BOOTX64.EFI", grub_image, reterr);
                        }
                } else {
                        _cleanup_free_ char *dir = root_path(SYSTEMD_BOOT_EFI_DIR);
                        _cleanup_free_ char *efi = root_path(SYSTEMD_BOOT_EFI_DIR "/systemd-bootx64.efi");

                        boot_log(ctx, BOOT_LOG_INFO, "Installing systemd-boot..");
                        if (!dir_exists(dir) || !file_exists(efi)) {
                                *reterr = xstrdup("E: systemd-boot EFI files not available - make sure systemd-boot-efi is installed");
                                return -ENOENT;
                        }
                        /* What "bootctl install" puts on an ESP, without needing it mounted. */
                        r = target_add_host_file(t, "EFI/systemd/systemd-bootx64.efi", efi, reterr);
                        if (r >= 0)
                                r = target_add_host_file(t, "EFI/BOOT/BOOTX64.EFI", efi, reterr);
                        if (r < 0)
                                return r;
                        boot_log(ctx, BOOT_LOG_INFO, "Configuring systemd-boot..");
                        if (file_exists(memtest)) {
                                r = target_add_host_file(t, "EFI/" MEMTEST_EFI, memtest, reterr);
                                if (r < 0)
                                        return r;
                                sync_target_add(t, xstrdup(ESP_ENTRIES_DIR "/" MEMTEST_EFI ".conf"), NULL, 0, NULL,
                                                xstrdup("title Memory test (" MEMTEST_EFI ")\n"
                                                        "efi   /EFI/" MEMTEST_EFI "\n"));
                        }
                        sync_target_add(t, xstrdup(ESP_LOADER_CONF), NULL, 0, NULL, xstrdup(LOADER_CONF_INITIAL));
                }
        } else
                boot_log(ctx, BOOT_LOG_WARNING,
                         "Legacy BIOS: the ESP gets GRUB's configuration and kernels; install the boot code on "
                         "/dev/%s with grub-install.real --target i386-pc.", info.parent);
        if (r >= 0)
                r = init_apply(ctx, &w, reterr);
        if (tmpdir) {
                if (grub_image)
                        (void) unlink(grub_image);
                (void) rmdir(tmpdir);
        }
        if (r < 0)
                return r;

        /* The directories refresh requires, as bootctl and grub-install leave them. */
        esp_listing_done(&w.listing);
        r = esp_list(&w.esp, &w.listing, reterr);
        if (r < 0)
                return r;
        STRV_FOREACH(d, grub ? STRV_MAKE(ESP_GRUB_DIR) : STRV_MAKE("EFI", ESP_KERNEL_DIR, "loader", ESP_ENTRIES_DIR))
                if (!esp_listing_find(&w.listing, *d)) {
                        r = esp_mkdir(&w.esp, *d, reterr);
                        if (r < 0)
                                return r;
                }

        boot_log(ctx, BOOT_LOG_INFO, "Adding '%s' to list of synced ESPs..", partition);
        {
                _cleanup_strv_free_ char **uuids = NULL;

                r = boot_list_read(BOOT_ESP_LIST, NULL, NULL, &uuids, NULL, reterr);
                if (r < 0)
                        return r;
                if (!strv_contains(uuids, info.uuid)) {
                        strv_extend(&uuids, info.uuid);
                        r = boot_list_write(BOOT_ESP_LIST, uuids);
                        if (r < 0) {
                                *reterr = xasprintf("unable to write %s: %s", BOOT_ESP_LIST, strerror(-r));
                                return r;
                        }
                }
        }
        return 0;
}

int boot_init(BootContext *ctx, const char *partition, const char *mode, char **reterr) {
        return init_esp(ctx, partition, mode, reterr);
}

int boot_reinit(BootContext *ctx, char **reterr) {
        _cleanup_strv_free_ char **uuids = NULL;
        int r;

        r = boot_list_read(BOOT_ESP_LIST, NULL, NULL, &uuids, NULL, reterr);
        if (r < 0)
                return r;
        STRV_FOREACH(u, uuids) {
                _cleanup_free_ char *node = NULL;

                if (!esp_uuid_is_valid(*u)) {
                        warn_invalid_uuid(ctx, *u);
                        continue;
                }
                if (blockdev_find_by_uuid(*u, "vfat", &node) < 0) {
                        warn_missing(ctx, *u);
                        continue;
                }
                r = init_esp(ctx, node, NULL, reterr);
                if (r < 0)
                        return r;
        }
        return 0;
}

int boot_clean(BootContext *ctx, bool dry_run, char **reterr) {
        _cleanup_strv_free_ char **uuids = NULL, **kept = NULL;
        bool exists;
        int r;

        r = boot_list_read(BOOT_ESP_LIST, NULL, NULL, &uuids, &exists, reterr);
        if (r < 0)
                return r;
        if (!exists) {
                *reterr = xasprintf("E: %s does not exist.", BOOT_ESP_LIST);
                return -ENOENT;
        }
        STRV_FOREACH(u, uuids) {
                _cleanup_free_ char *node = NULL;
                bool found = esp_uuid_is_valid(*u) && blockdev_find_by_uuid(*u, "vfat", &node) >= 0;

                boot_log(ctx, BOOT_LOG_INFO, "Checking whether ESP '%s' exists.. %s", *u, found ? "Found!" : "Not found!");
                if (found || dry_run)
                        strv_extend(&kept, *u);
        }
        if (dry_run)
                return 0;
        boot_log(ctx, BOOT_LOG_INFO, "Sorting and removing duplicate ESPs..");
        {
                _cleanup_free_ char *p = root_path(BOOT_ESP_LIST), *text = boot_list_format(kept);

                r = write_file_atomic(p, text, strlen(text), &WRITE_OPTIONS(0644, WRITE_SKIP_SAME));
                if (r < 0) {
                        *reterr = xasprintf("unable to write %s: %s", BOOT_ESP_LIST, strerror(-r));
                        return r;
                }
        }
        return 0;
}

/* ---- status ------------------------------------------------------------- */

static json_t *strv_to_json(char *const *l) {
        json_t *a = json_array();

        STRV_FOREACH(s, l)
                json_array_append_new(a, json_string(*s));
        return a;
}

static json_t *esp_status_json(BootContext *ctx, EspWork *w, const SyncSettings *s, bool settings_ok) {
        _cleanup_free_ char *err = NULL;
        json_t *o = json_pack("{s:s}", "uuid", w->uuid);
        json_t *modes = json_array();

        json_object_set_new(o, "present", json_boolean(w->node != NULL));
        if (!w->node) {
                json_decref(modes);
                return o;
        }
        json_object_set_new(o, "device", json_string(w->node));
        json_object_set_new(o, "free", json_integer((json_int_t) w->listing.free_bytes));
        if (esp_listing_find(&w->listing, ESP_LOADER_CONF)) {
                _cleanup_strv_free_ char **v = esp_listing_versions(&w->listing, BOOT_MODE_SYSTEMD_BOOT);

                strv_sort(v);
                json_array_append_new(modes, json_string("uefi"));
                json_object_set_new(o, "uefi-versions", strv_to_json(v));
        }
        if (esp_listing_find(&w->listing, ESP_GRUB_DIR)) {
                _cleanup_strv_free_ char **v = esp_listing_versions(&w->listing, BOOT_MODE_GRUB);

                strv_sort(v);
                json_array_append_new(modes, json_string("grub"));
                json_object_set_new(o, "grub-versions", strv_to_json(v));
        }
        json_object_set_new(o, "modes", modes);
        json_object_set_new(o, "sync-mode", json_string(w->mode == BOOT_MODE_GRUB ? "grub" : "systemd-boot"));
        if (w->usable && settings_ok && esp_work_plan(ctx, w, s, false, &err) >= 0) {
                size_t changes = sync_plan_count_changes(&w->plan);

                json_object_set_new(o, "in-sync", json_boolean(changes == 0));
                json_object_set_new(o, "pending-changes", json_integer((json_int_t) changes));
                if (w->space < 0)
                        json_object_set_new(o, "space-missing", json_integer((json_int_t) w->missing_bytes));
        } else
                json_object_set_new(o, "in-sync", json_false());
        if (err)
                json_object_set_new(o, "error", json_string(err));
        return o;
}

int boot_status(BootContext *ctx, json_t **ret, unsigned *ret_missing, char **reterr) {
        _cleanup_(boot_kernel_lists_done) BootKernelLists l = {};
        _cleanup_(sync_settings_done) SyncSettings s = {};
        _cleanup_strv_free_ char **uuids = NULL, **automatic = NULL;
        _cleanup_free_ char *settings_err = NULL;
        _cleanup_json_ json_t *o = NULL;
        EfiBootInfo efi;
        json_t *esps = json_array(), *kernels;
        unsigned missing = 0;
        bool exists, settings_ok = false;
        int r;

        efi_boot_info_read(&efi);
        o = json_pack("{s:s}", "mode", efi.efi ? "efi" : "legacy-bios");
        if (efi.secureboot_known)
                json_object_set_new(o, "secureboot", json_boolean(efi.secureboot));

        r = boot_kernel_lists_read(NULL, &l, reterr);
        if (r < 0) {
                json_decref(esps);
                return r;
        }
        STRV_FOREACH(v, l.boot)
                if (!strv_contains(l.manual, *v))
                        strv_extend(&automatic, *v);
        kernels = json_pack("{s:o,s:o}", "manual", strv_to_json(l.manual), "automatic", strv_to_json(automatic));
        if (l.pinned)
                json_object_set_new(kernels, "pinned", json_string(l.pinned));
        if (l.next_boot)
                json_object_set_new(kernels, "next-boot", json_string(l.next_boot));
        json_object_set_new(o, "kernels", kernels);

        r = boot_list_read(BOOT_ESP_LIST, NULL, NULL, &uuids, &exists, reterr);
        if (r < 0) {
                json_decref(esps);
                return r;
        }
        json_object_set_new(o, "configured", json_boolean(exists));
        /* What the ESPs should hold (every kernel hashed): only needed when there are ESPs. */
        if (!strv_isempty(uuids)) {
                settings_ok = sync_settings_read(&(BootContext) { .efi = ctx->efi }, NULL, &s, &settings_err) >= 0;
                if (!settings_ok)
                        json_object_set_new(o, "sync-error", json_string(settings_err));
        }

        STRV_FOREACH(u, uuids) {
                _cleanup_(esp_work_done) EspWork w = { .uuid = xstrdup(*u) };
                _cleanup_free_ char *err = NULL;

                if (esp_uuid_is_valid(*u) && esp_work_open(ctx, &w, &err) < 0) {
                        json_array_append_new(esps, json_pack("{s:s,s:b,s:s}", "uuid", *u, "present", true, "error", err));
                        continue;
                }
                if (!w.node)
                        missing++;
                json_array_append_new(esps, esp_status_json(ctx, &w, &s, settings_ok));
        }
        json_object_set_new(o, "esps", esps);
        *ret = TAKE_PTR(o);
        *ret_missing = missing;
        return exists ? 0 : -ENOENT;
}
