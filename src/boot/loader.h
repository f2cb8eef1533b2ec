/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Boot-loader configuration text, as upstream writes it: systemd-boot
 * entries and loader.conf, and the grub.cfg of GRUB-mode ESPs (written by
 * us, as update-grub cannot run against another root). Pure functions.
 */

#include <stddef.h>

/* ESP paths of upstream's layout. */
#define ESP_KERNEL_DIR "EFI/proxmox"
#define ESP_LOADER_CONF "loader/loader.conf"
#define ESP_ENTRIES_DIR "loader/entries"
#define ESP_GRUB_DIR "grub"
#define ESP_GRUB_CFG "grub/grub.cfg"
#define ESP_GRUB_EFI "EFI/proxmox/grubx64.efi"

/* The product name in boot menus, decided by the files below PVE_ROOT as upstream. */
const char *loader_title(void);

/*
 * loader/entries/proxmox-<version>.conf: title, version, options, linux,
 * initrd, keywords padded to column 10.
 */
char *loader_entry_format(const char *title, const char *version, const char *options);

/* The loader.conf a new ESP gets: "timeout 3", "default proxmox-*". */
#define LOADER_CONF_INITIAL "timeout 3\ndefault proxmox-*\n"

/*
 * loader.conf with every "default" line set to proxmox-<pinned>.conf (or
 * "proxmox-*" when pinned is NULL), or such a line appended when there is
 * none, as upstream's set_systemd_boot_default.
 */
char *loader_conf_set_default(const char *text, const char *pinned);

/*
 * The value of a shell variable assignment (KEY=value, KEY="value",
 * KEY='value') in a defaults file like /etc/default/grub; the last
 * assignment wins. NULL when absent.
 */
char *shell_assignment_get(const char *text, size_t len, const char *key);

/*
 * grub.cfg for a GRUB-mode ESP: one menu entry per version (in the given
 * order, newest first), kernels read from the ESP root, default the pinned
 * version (else the first entry).
 */
char *grub_cfg_format(char *const *versions, const char *title, const char *cmdline, const char *pinned,
                      const char *timeout);
