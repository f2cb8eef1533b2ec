/* SPDX-License-Identifier: AGPL-3.0-or-later */

/* proxmox-boot-tool's pure parts: kernel selection, state files, loader text, ESP manifests, sync plans. */

#include "test-util.h"
#include "basic/alloc.h"
#include "basic/strv.h"
#include "boot/esp.h"
#include "boot/kernels.h"
#include "boot/loader.h"
#include "boot/manifest.h"
#include "boot/plan.h"
#include "boot/state.h"

static void test_version_compare(void **state) {
        assert_true(kernel_version_compare("6.8.12-10-pve", "6.8.12-9-pve") > 0);
        assert_true(kernel_version_compare("6.8.12-4-pve", "6.8.8-2-pve") > 0);
        assert_true(kernel_version_compare("6.8", "6.5") > 0);
        assert_true(kernel_version_compare("6.10", "6.8") > 0);
        assert_true(kernel_version_compare("1.0~rc1", "1.0") < 0);
        assert_int_equal(kernel_version_compare("6.8.12-4-pve", "6.8.12-4-pve"), 0);
}

#define DPKG_ENTRY(pkg, status) "Package: " pkg "\nStatus: " status "\nArchitecture: amd64\n\n"

static void test_dpkg_status(void **state) {
        const char *text = DPKG_ENTRY("proxmox-kernel-6.8.12-4-pve-signed", "install ok installed")
                DPKG_ENTRY("proxmox-kernel-6.8.12-9-pve", "hold ok installed")
                DPKG_ENTRY("pve-kernel-6.2.16-20-pve", "install ok half-configured")
                DPKG_ENTRY("proxmox-kernel-6.5.13-1-pve-signed", "deinstall ok config-files")
                DPKG_ENTRY("proxmox-kernel-6.8.12-1-pve-dbgsym", "install ok installed")
                DPKG_ENTRY("proxmox-kernel-helper", "install ok installed")
                DPKG_ENTRY("proxmox-kernel-6.8", "install ok installed")
                DPKG_ENTRY("proxmox-kernel-6.5.13-2-pve", "install ok not-installed")
                "Package: proxmox-kernel-6.5\nStatus: install ok installed";
        _cleanup_strv_free_ char **l = dpkg_status_kernels(text);
        _cleanup_free_ char *joined = strv_join(l, " ");

        assert_string_equal(joined, "6.8.12-9-pve 6.8.12-4-pve 6.8 6.5 6.2.16-20-pve");
}

static void test_selection(void **state) {
        char *const *installed = STRV_MAKE("6.8.12-9-pve", "6.8.12-4-pve", "6.8.8-1-pve", "6.8", "6.5.13-6-pve",
                                           "6.5.13-1-pve", "6.5", "6.2.16-20-pve", "6.2");
        char *const *manual = STRV_MAKE("6.2.16-20-pve");
        KernelSelection sel = { .installed = installed };
        _cleanup_strv_free_ char **keep = NULL, **boot = NULL, **boot2 = NULL;
        _cleanup_free_ char *k = NULL, *b = NULL, *b2 = NULL;

        /* Latest two ABI versions, the two newest series, the newest kernel of the older series. */
        keep = kernel_keep_versions(&sel);
        k = strv_join(keep, " ");
        assert_string_equal(k, "6.5 6.5.13-6-pve 6.8 6.8.12-4-pve 6.8.12-9-pve");
        boot = kernel_boot_list(&sel);
        b = strv_join(boot, " ");
        assert_string_equal(b, "6.5.13-6-pve 6.8.12-4-pve 6.8.12-9-pve");

        /* Running, installing, manual and pinned kernels are added; empties ignored. */
        sel = (KernelSelection) { .installed = installed, .running = "6.8.8-1-pve", .install = "",
                                  .manual = manual, .pinned = "6.5.13-1-pve", .next_boot = "6.5.13-1-pve" };
        boot2 = kernel_boot_list(&sel);
        b2 = strv_join(boot2, " ");
        assert_string_equal(b2, "6.2.16-20-pve 6.5.13-1-pve 6.5.13-6-pve 6.8.12-4-pve 6.8.12-9-pve 6.8.8-1-pve");

        assert_true(kernel_is_series("6.8"));
        assert_false(kernel_is_series("6.8.1"));
        assert_false(kernel_version_is_valid("../x"));
        assert_false(kernel_version_is_valid(""));
        assert_true(kernel_version_is_valid("6.8.12-4-pve"));
}

static void test_lists(void **state) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *err = NULL, *text = NULL;

        assert_true(esp_uuid_is_valid("ABCD-12ef"));
        assert_false(esp_uuid_is_valid("ABCD12ef"));
        assert_false(esp_uuid_is_valid("ABCD-12ef0"));
        const char *bad = " B \n\nA\nB\n", *good = " 1111-2222 \n\n0000-AAAA\n1111-2222";

        assert_int_equal(boot_list_parse(bad, strlen(bad), "f", esp_uuid_is_valid, "bad", &l, &err), -EINVAL);
        assert_string_equal(err, "f:1: 'B' bad");
        err = mfree(err);
        assert_int_equal(boot_list_parse(good, strlen(good), "f", esp_uuid_is_valid, "bad", &l, &err), 0);
        text = boot_list_format(l);
        assert_string_equal(text, "0000-AAAA\n1111-2222\n");
        strv_free(l);
        l = NULL;
        assert_int_equal(boot_list_parse("a\0b", 3, "f", NULL, NULL, &l, &err), -EBADMSG);
}

static void test_cmdline(void **state) {
        _cleanup_free_ char *c = boot_cmdline_strip_initrd("BOOT_IMAGE=/vmlinuz root=/dev/sda1 initrd=\\EFI\\x ro quiet\n");

        assert_string_equal(c, "root=/dev/sda1 ro quiet");
}

static void test_loader(void **state) {
        _cleanup_free_ char *e = loader_entry_format("Proxmox Virtual Environment", "6.8.12-4-pve", "root=ZFS=rpool boot=zfs");
        _cleanup_free_ char *c1 = loader_conf_set_default("timeout 3\ndefault proxmox-*\n", "6.8.12-4-pve");
        _cleanup_free_ char *c2 = loader_conf_set_default("timeout 3\n", NULL);
        _cleanup_free_ char *c3 = loader_conf_set_default("", NULL);
        const char *grub_defaults = "A=1\n GRUB_X=\"a b\" \nGRUB_XY=no\nGRUB_X='c'\n";
        _cleanup_free_ char *v = shell_assignment_get(grub_defaults, strlen(grub_defaults), "GRUB_X");

        assert_string_equal(e, "title    Proxmox Virtual Environment\n"
                               "version  6.8.12-4-pve\n"
                               "options  root=ZFS=rpool boot=zfs\n"
                               "linux    /EFI/proxmox/6.8.12-4-pve/vmlinuz-6.8.12-4-pve\n"
                               "initrd   /EFI/proxmox/6.8.12-4-pve/initrd.img-6.8.12-4-pve\n");
        assert_string_equal(c1, "timeout 3\ndefault proxmox-6.8.12-4-pve.conf\n");
        assert_string_equal(c2, "timeout 3\ndefault proxmox-*\n");
        assert_string_equal(c3, "");
        assert_string_equal(v, "c");
}

static const char mdir_output[] =
        " Volume in drive : has no label\n"
        " Volume Serial Number is E28B-BBB7\n"
        "Directory for ::/\n\n"
        "EFI          <DIR>     2024-01-01  21:56 \n"
        "loader       <DIR>     2024-01-01  21:56 \n"
        "        2 files                   0 bytes\n\n"
        "Directory for ::/EFI/proxmox/6.8.12-4-pve\n\n"
        ".            <DIR>     2024-01-01  21:57 \n"
        "VMLINU~1 12-      4096 2024-01-01  21:57  vmlinuz-6.8.12-4-pve\n"
        "INITRD~1 12-  123456789 2024-01-01   9:57  initrd.img-6.8.12-4-pve\n"
        "a        txt         4 2024-01-01  21:56 \n"
        "        4 files         123 456 795 bytes\n\n"
        "Directory for ::/loader\n\n"
        "No files\n"
        "Total files listed:\n"
        "        7 files                   6 bytes\n"
        "                        190 439 424 bytes free\n\n";

static void test_mdir(void **state) {
        _cleanup_(esp_listing_done) EspListing l = {};
        const EspEntry *e;
        uint8_t bs[512] = {};

        assert_int_equal(esp_parse_mdir(mdir_output, strlen(mdir_output), &l), 0);
        assert_int_equal(l.n_entries, 5);
        assert_true(l.free_bytes == 190439424);
        e = esp_listing_find(&l, "efi/proxmox/6.8.12-4-pve/INITRD.IMG-6.8.12-4-pve");
        assert_non_null(e);
        assert_true(e->size == 123456789);
        assert_non_null(esp_listing_find(&l, "EFI/proxmox/6.8.12-4-pve/a.txt"));
        assert_true(esp_listing_find(&l, "EFI")->dir);
        assert_int_equal(esp_parse_mdir("Directory for ::/\nBROKEN\n", 25, &l), -EBADMSG);

        bs[11] = 0x00, bs[12] = 0x02, bs[13] = 8, bs[510] = 0x55, bs[511] = 0xaa;
        uint64_t cluster;
        assert_int_equal(fat_boot_sector_cluster_size(bs, sizeof(bs), &cluster), 0);
        assert_int_equal(cluster, 4096);
        bs[13] = 3;
        assert_int_equal(fat_boot_sector_cluster_size(bs, sizeof(bs), &cluster), -EBADMSG);
}

static void listing_add(EspListing *l, const char *path, bool dir, uint64_t size) {
        l->entries = xreallocarray(l->entries, l->n_entries + 1, sizeof(EspEntry));
        l->entries[l->n_entries++] = (EspEntry) { .path = xstrdup(path), .dir = dir, .size = size };
}

static void test_plan(void **state) {
        BootKernel k[] = {
                { .version = (char *) "6.8.12-9-pve", .vmlinuz = (char *) "/boot/v9", .initrd = (char *) "/boot/i9",
                  .vmlinuz_size = 10000, .initrd_size = 30000 },
        };
        char *const *keep = STRV_MAKE("6.8.12-9-pve");
        _cleanup_(esp_listing_done) EspListing l = { .free_bytes = 1 << 20 };
        _cleanup_(sync_target_done) SyncTarget t = {};
        _cleanup_(sync_plan_done) SyncPlan p = {};
        uint64_t missing;
        const char *expect[] = {
                "loader/x.conf.pbt-new",                    /* leftover temp file */
                "loader/entries/proxmox-6.8.12-4-pve.conf", /* stale: entry before its directory */
                "EFI/proxmox/6.8.12-4-pve",
                "loader/entries/proxmox-6.5.0-1-pve.conf",  /* entry without directory */
                "EFI/proxmox/6.8.12-9-pve",
                "loader/entries",
                "EFI/proxmox/6.8.12-9-pve/vmlinuz-6.8.12-9-pve",
                "EFI/proxmox/6.8.12-9-pve/initrd.img-6.8.12-9-pve",
                "loader/entries/proxmox-6.8.12-9-pve.conf", /* entry after the files it names */
                "loader/loader.conf",                       /* default last of the boot files */
                ESP_MANIFEST,                               /* then the manifest */
        };

        listing_add(&l, "EFI", true, 0);
        listing_add(&l, "EFI/proxmox", true, 0);
        listing_add(&l, "EFI/proxmox/6.8.12-4-pve", true, 0);
        listing_add(&l, "EFI/proxmox/6.8.12-4-pve/vmlinuz-6.8.12-4-pve", false, 500000);
        listing_add(&l, "EFI/proxmox/grubx64.efi", false, 100);
        listing_add(&l, "loader", true, 0);
        listing_add(&l, "loader/loader.conf", false, 30);
        listing_add(&l, "loader/x.conf.pbt-new", false, 10);
        listing_add(&l, "loader/entries-old", true, 0);
        listing_add(&l, "loader/entries/proxmox-6.8.12-4-pve.conf", false, 100);
        listing_add(&l, "loader/entries/proxmox-6.5.0-1-pve.conf", false, 100);
        /* loader/entries itself is not listed: planned as a directory. */

        sync_target_build(&(SyncTargetInput) { .mode = BOOT_MODE_SYSTEMD_BOOT, .kernels = k, .n_kernels = 1, .keep = keep,
                                               .title = "T", .cmdline = "root=x", .loader_conf = "timeout 3\n" },
                          &t);
        assert_int_equal(t.n_files, 4);
        sync_plan_build(&t, &l, NULL, &p);
        assert_int_equal(p.n_ops, ELEMENTSOF(expect));
        for (size_t i = 0; i < p.n_ops; i++)
                assert_string_equal(p.ops[i].path, expect[i]);
        assert_int_equal(p.ops[2].kind, SYNC_REMOVE_TREE);
        assert_int_equal(sync_plan_count_changes(&p), ELEMENTSOF(expect) - 1);
        assert_int_equal(sync_plan_check_space(&p, &l, 4096, &missing), 0);

        /* Without removals to make room, 20000 bytes are too few: the shortfall at the tightest point. */
        sync_plan_done(&p);
        t.prune = false;
        sync_plan_build(&t, &l, NULL, &p);
        assert_int_equal(p.n_ops, 7);
        l.free_bytes = 20000;
        assert_int_equal(sync_plan_check_space(&p, &l, 4096, &missing), -ENOSPC);
        /* The manifest (one cluster) fits into what the replaced loader.conf frees: no lower point. */
        assert_int_equal(missing, 16384 + 2 * 4096 + 12288 + 32768 + 4096 + 4096 - 20000);

        /* Everything the same, but no manifest yet: only the manifest is written. */
        sync_plan_done(&p);
        for (size_t i = 0; i < t.n_files; i++)
                t.files[i].same = true;
        sync_plan_build(&t, &l, NULL, &p);
        assert_int_equal(p.n_ops, 1);
        assert_string_equal(p.ops[0].path, ESP_MANIFEST);
        assert_true(p.manifest->hidden);
        assert_int_equal(sync_plan_count_changes(&p), 0);
}

static const char manifest_text[] =
        ESP_MANIFEST_HEADER "\n"
        "# written by a test\n"
        "\n"
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad 3 loader/loader.conf\n"
        "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855 0 EFI/BOOT/BOOTX64.EFI\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 18446744073709551615 a b/c d\r\n";
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static void test_manifest(void **state) {
        _cleanup_(esp_manifest_done) EspManifest m = {}, m2 = {};
        _cleanup_free_ char *text = NULL, *again = NULL;
        const EspManifestEntry *e;
        uint8_t abc[SHA256_SIZE];
        const char *bad[] = {
                "",                                              /* no header */
                "# proxmox-boot-tool ESP manifest 2\n",          /* another version */
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85 0 a\n",   /* 63 digits */
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85g 0 a\n",  /* not hex */
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  0 a\n", /* two blanks */
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 +1 a\n",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 18446744073709551616 a\n",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 1\n",    /* no path */
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 1 \n",   /* empty path */
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 1 /a\n",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 1 a//b\n",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 1 a/../b\n",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 1 ./a\n",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 1 a/\n",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 1 a\tb\n",
                /* the same FAT name twice */
                ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 1 A\n"
                 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 1 a\n"),
        };

        assert_int_equal(esp_manifest_parse(manifest_text, strlen(manifest_text), &m), 0);
        assert_int_equal(m.n_entries, 3);
        sha256("abc", 3, abc);
        e = esp_manifest_find(&m, "LOADER/loader.CONF");
        assert_non_null(e);
        assert_true(e->size == 3);
        assert_memory_equal(e->sha256, abc, SHA256_SIZE);
        e = esp_manifest_find(&m, "a b/c d");
        assert_non_null(e);
        assert_true(e->size == UINT64_MAX);
        assert_null(esp_manifest_find(&m, "a b"));

        /* Canonical text: lower-case digits, sorted by path, no comments; it parses to the same records. */
        text = esp_manifest_format(&m);
        assert_string_equal(text,
                            ESP_MANIFEST_HEADER "\n"
                            EMPTY_SHA256 " 0 EFI/BOOT/BOOTX64.EFI\n"
                            EMPTY_SHA256 " 18446744073709551615 a b/c d\n"
                            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad 3 loader/loader.conf\n");
        assert_int_equal(esp_manifest_parse(text, strlen(text), &m2), 0);
        again = esp_manifest_format(&m2);
        assert_string_equal(again, text);

        /* A record of the same (FAT) name replaces the old one. */
        esp_manifest_set(&m, "Loader/Loader.conf", 4, abc);
        assert_int_equal(m.n_entries, 3);
        assert_true(esp_manifest_find(&m, "loader/loader.conf")->size == 4);

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *t = i < 2 ? xstrdup(bad[i]) : xasprintf(ESP_MANIFEST_HEADER "\n%s", bad[i]);
                EspManifest x = {};

                assert_int_equal(esp_manifest_parse(t, strlen(t), &x), -EBADMSG);
                assert_null(x.entries);
        }
}

/* A target of one content file, "abc" at loader/loader.conf. */
static void one_file_target(SyncTarget *t) {
        *t = (SyncTarget) { .mode = BOOT_MODE_SYSTEMD_BOOT };
        sync_target_add(t, xstrdup("loader/loader.conf"), NULL, 0, NULL, xstrdup("abc"));
}

static void test_sync_check(void **state) {
        _cleanup_(esp_listing_done) EspListing l = {};
        _cleanup_(esp_manifest_done) EspManifest m = {};
        _cleanup_(sync_target_done) SyncTarget t = {};
        uint8_t abc[SHA256_SIZE], other[SHA256_SIZE];

        one_file_target(&t);
        sha256("abc", 3, abc);
        sha256("abd", 3, other);
        assert_memory_equal(t.files[0].sha256, abc, SHA256_SIZE);

        /* Missing, or listed with another size: written without reading anything. */
        assert_int_equal(sync_file_check(&t.files[0], &l, NULL), SYNC_CHECK_DIFFERENT);
        listing_add(&l, "LOADER/LOADER.CONF", false, 4);
        assert_int_equal(sync_file_check(&t.files[0], &l, &m), SYNC_CHECK_DIFFERENT);
        l.entries[0].size = 3;

        /* Listed with the wanted size: the manifest decides, else the file is read back. */
        assert_int_equal(sync_file_check(&t.files[0], &l, NULL), SYNC_CHECK_READ);
        assert_int_equal(sync_file_check(&t.files[0], &l, &m), SYNC_CHECK_READ);
        esp_manifest_set(&m, "loader/loader.conf", 3, abc);
        assert_int_equal(sync_file_check(&t.files[0], &l, &m), SYNC_CHECK_SAME);
        esp_manifest_set(&m, "loader/loader.conf", 3, other);
        assert_int_equal(sync_file_check(&t.files[0], &l, &m), SYNC_CHECK_DIFFERENT);
        /* A record of another size than listed is stale: the file changed after it was written. */
        esp_manifest_set(&m, "loader/loader.conf", 5, abc);
        assert_int_equal(sync_file_check(&t.files[0], &l, &m), SYNC_CHECK_READ);

        /* A directory of that name differs. */
        l.entries[0].dir = true;
        assert_int_equal(sync_file_check(&t.files[0], &l, &m), SYNC_CHECK_DIFFERENT);
}

static void test_plan_manifest(void **state) {
        _cleanup_(esp_listing_done) EspListing l = { .free_bytes = 1 << 20 };
        _cleanup_(esp_manifest_done) EspManifest m = {}, written = {};
        _cleanup_(sync_target_done) SyncTarget t = {};
        _cleanup_(sync_plan_done) SyncPlan p = {};
        _cleanup_free_ char *text = NULL;
        uint8_t abc[SHA256_SIZE], efi[SHA256_SIZE], k[SHA256_SIZE];

        sha256("abc", 3, abc);
        sha256("efi", 3, efi);
        sha256("kernel", 6, k);
        one_file_target(&t);
        t.prune = true;
        t.keep = strv_new("6.8.12-9-pve", NULL);
        listing_add(&l, ESP_MANIFEST, false, 300);
        listing_add(&l, "EFI", true, 0);
        listing_add(&l, "EFI/BOOT", true, 0);
        listing_add(&l, "EFI/BOOT/BOOTX64.EFI", false, 3);
        listing_add(&l, "EFI/systemd", true, 0);
        listing_add(&l, "EFI/systemd/systemd-bootx64.efi", false, 4);
        listing_add(&l, "EFI/proxmox", true, 0);
        listing_add(&l, "EFI/proxmox/6.8.12-4-pve", true, 0);
        listing_add(&l, "EFI/proxmox/6.8.12-4-pve/vmlinuz-6.8.12-4-pve", false, 6);
        listing_add(&l, "loader", true, 0);
        listing_add(&l, "loader/loader.conf", false, 3);
        esp_manifest_set(&m, "loader/loader.conf", 3, abc);
        esp_manifest_set(&m, "EFI/BOOT/BOOTX64.EFI", 3, efi);
        esp_manifest_set(&m, "EFI/systemd/systemd-bootx64.efi", 3, efi);
        esp_manifest_set(&m, "EFI/proxmox/6.8.12-4-pve/vmlinuz-6.8.12-4-pve", 6, k);
        t.files[0].same = true;

        /*
         * A stale kernel to remove: the old manifest goes first, the new one comes last and keeps the
         * record of the untouched boot loader, not those of the removed kernel or of a file whose size
         * changed since it was recorded.
         */
        sync_plan_build(&t, &l, &m, &p);
        assert_int_equal(p.n_ops, 3);
        assert_int_equal(p.ops[0].kind, SYNC_REMOVE);
        assert_string_equal(p.ops[0].path, ESP_MANIFEST);
        assert_int_equal(p.ops[1].kind, SYNC_REMOVE_TREE);
        assert_int_equal(p.ops[2].kind, SYNC_PUT);
        assert_string_equal(p.ops[2].path, ESP_MANIFEST);
        assert_int_equal(sync_plan_count_changes(&p), 1);
        assert_int_equal(esp_manifest_parse(p.manifest->content, p.manifest->size, &written), 0);
        assert_int_equal(written.n_entries, 2);
        assert_non_null(esp_manifest_find(&written, "loader/loader.conf"));
        assert_memory_equal(esp_manifest_find(&written, "EFI/BOOT/BOOTX64.EFI")->sha256, efi, SHA256_SIZE);
        {
                uint8_t md[SHA256_SIZE];

                sha256(p.manifest->content, p.manifest->size, md);
                assert_memory_equal(p.manifest->sha256, md, SHA256_SIZE);
        }

        /* Once that is done and recorded: nothing to do at all. */
        sync_plan_done(&p);
        esp_listing_done(&l);
        l.free_bytes = 1 << 20;
        listing_add(&l, ESP_MANIFEST, false, 300);
        listing_add(&l, "EFI/BOOT/BOOTX64.EFI", false, 3);
        listing_add(&l, "loader/loader.conf", false, 3);
        sync_plan_build(&t, &l, &written, &p);
        assert_int_equal(p.n_ops, 0);

        /* A record missing (the file was read back instead): only the manifest is rewritten, in place. */
        sync_plan_done(&p);
        esp_manifest_done(&m);
        esp_manifest_set(&m, "EFI/BOOT/BOOTX64.EFI", 3, efi);
        sync_plan_build(&t, &l, &m, &p);
        assert_int_equal(p.n_ops, 1);
        assert_int_equal(p.ops[0].kind, SYNC_PUT);
        text = esp_manifest_format(&written);
        assert_string_equal(p.manifest->content, text);
}

static void test_grub_cfg(void **state) {
        char *const *versions = STRV_MAKE("6.8.12-9-pve", "6.8.12-4-pve");
        _cleanup_free_ char *c = grub_cfg_format(versions, "Proxmox VE", "root=x quiet", "6.8.12-4-pve", "5");

        assert_non_null(strstr(c, "set default='gnulinux-6.8.12-4-pve'\n"));
        assert_non_null(strstr(c, "\tlinux /vmlinuz-6.8.12-9-pve root=x quiet\n"));
        assert_true(strstr(c, "Linux 6.8.12-9-pve") < strstr(c, "Linux 6.8.12-4-pve"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_version_compare),
                cmocka_unit_test(test_dpkg_status),
                cmocka_unit_test(test_selection),
                cmocka_unit_test(test_lists),
                cmocka_unit_test(test_cmdline),
                cmocka_unit_test(test_loader),
                cmocka_unit_test(test_mdir),
                cmocka_unit_test(test_plan),
                cmocka_unit_test(test_manifest),
                cmocka_unit_test(test_sync_check),
                cmocka_unit_test(test_plan_manifest),
                cmocka_unit_test(test_grub_cfg),
        };
        return RUN_TESTS(tests);
}
