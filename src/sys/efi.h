/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * How the firmware booted the system: EFI or legacy BIOS, and the Secure
 * Boot state, from /sys/firmware/efi below PVE_SYSROOT.
 */

#include <stdbool.h>

typedef struct EfiBootInfo {
        bool efi;              /* /sys/firmware/efi exists */
        bool secureboot_known; /* the SecureBoot EFI variable could be read */
        bool secureboot;
} EfiBootInfo;

void efi_boot_info_read(EfiBootInfo *ret);
