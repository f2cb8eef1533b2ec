/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/rootdir.h"
#include "efi.h"

#define SECUREBOOT_EFIVAR "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"

void efi_boot_info_read(EfiBootInfo *ret) {
        _cleanup_free_ char *efi = sysroot_path("/sys/firmware/efi");
        _cleanup_free_ char *var = sysroot_path(SECUREBOOT_EFIVAR), *data = NULL;
        EfiBootInfo info = {};
        size_t len;

        info.efi = dir_exists(efi);
        /* efivarfs: 4 bytes of attributes, then the value. */
        if (info.efi && read_full_file(var, 64, &data, &len) >= 0 && len >= 5) {
                info.secureboot_known = true;
                info.secureboot = data[4] == 1;
        }
        *ret = info;
}
