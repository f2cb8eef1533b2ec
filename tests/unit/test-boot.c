/* SPDX-License-Identifier: AGPL-3.0-or-later */

/* proxmox-boot-tool's pure parts: kernel selection, state files, loader text, sync plans. */

#include "test-util.h"
#include "basic/alloc.h"
#include "basic/strv.h"
#include "boot/esp.h"
#include "boot/kernels.h"
#include "boot/loader.h"
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
                "loader/loader.conf",                       /* default last */
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
        sync_plan_build(&t, &l, &p);
        assert_int_equal(p.n_ops, ELEMENTSOF(expect));
        for (size_t i = 0; i < p.n_ops; i++)
                assert_string_equal(p.ops[i].path, expect[i]);
        assert_int_equal(p.ops[2].kind, SYNC_REMOVE_TREE);
        assert_int_equal(sync_plan_check_space(&p, &l, 4096, &missing), 0);

        /* Without removals to make room, 20000 bytes are too few: the shortfall at the tightest point. */
        sync_plan_done(&p);
        t.prune = false;
        sync_plan_build(&t, &l, &p);
        assert_int_equal(p.n_ops, 6);
        l.free_bytes = 20000;
        assert_int_equal(sync_plan_check_space(&p, &l, 4096, &missing), -ENOSPC);
        assert_int_equal(missing, 16384 + 2 * 4096 + 12288 + 32768 + 4096 + 4096 - 20000);

        /* Everything the same: nothing to do. */
        sync_plan_done(&p);
        for (size_t i = 0; i < t.n_files; i++)
                t.files[i].same = true;
        sync_plan_build(&t, &l, &p);
        assert_int_equal(p.n_ops, 0);
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
                cmocka_unit_test(test_grub_cfg),
        };
        return RUN_TESTS(tests);
}
