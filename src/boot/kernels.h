/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Which kernels are kept bootable: upstream's selection rules
 * (proxmox-kernel-helper kernel_keep_versions / boot_kernel_list), as pure
 * functions over the installed-package list and the state files.
 */

#include <stdbool.h>

/*
 * Orders versions as GNU "sort --version-sort" (the order upstream's
 * selection uses): runs of digits compare numerically, other characters as
 * in Debian version strings ('~' before everything, letters before other
 * characters). Returns <0, 0 or >0.
 */
int kernel_version_compare(const char *a, const char *b);

/* Sorts versions newest first (kernel_version_compare). */
void kernel_versions_sort(char **l);

/*
 * Installed kernels from the text of dpkg's status file: packages
 * proxmox-kernel-<ver>[-signed] and pve-kernel-<ver>[-signed] (<ver>
 * starting with digits and a dot, not -dbg/-dbgsym) that dpkg -l would show
 * as wanted (install/hold) and present (not "not-installed" or
 * "config-files"). <ver> is an ABI version ("6.8.12-4-pve") or a series
 * ("6.8", a meta package). The list is unique and sorted newest first.
 */
char **dpkg_status_kernels(const char *text);

typedef struct KernelSelection {
        char *const *installed;   /* dpkg_status_kernels() */
        const char *running;      /* running kernel when /boot still has its image, else NULL */
        const char *install;      /* version a kernel hook was called for, or NULL */
        char *const *manual;      /* proxmox-boot-manual-kernels */
        const char *pinned;       /* proxmox-boot-pin */
        const char *next_boot;    /* next-boot-pin */
} KernelSelection;

/*
 * The versions kept from autoremoval: running, install, manual, the two
 * newest ABI versions, the two newest series, the newest ABI version of the
 * older of those series, and the pins. Unique, in byte order, as upstream's
 * "sort -u".
 */
char **kernel_keep_versions(const KernelSelection *sel);

/* The keep set without series names ("6.8"): the kernels synced to the ESPs. */
char **kernel_boot_list(const KernelSelection *sel);

/* True for a series name: digits, one dot, digits. */
bool kernel_is_series(const char *v);

/*
 * True if v can name a kernel on an ESP: non-empty, at most 128 bytes of
 * [A-Za-z0-9.+~_-], not starting with '.' or '-'. Protects ESP paths from
 * corrupt state files.
 */
bool kernel_version_is_valid(const char *v);
