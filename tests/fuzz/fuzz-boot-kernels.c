/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * dpkg status and state lists: parsing never crashes; the selected kernels
 * are unique, sorted and a subset of the installed ones.
 */

#include <assert.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/strv.h"
#include "boot/kernels.h"
#include "boot/state.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = xmalloc(size + 1), *err = NULL, *formatted = NULL;
        _cleanup_strv_free_ char **installed = NULL, **boot = NULL, **list = NULL;

        /* A NUL-terminated copy (copying size + 1 bytes read past the input). */
        memcpy(text, data, size);
        text[size] = 0;
        installed = dpkg_status_kernels(text);
        boot = kernel_boot_list(&(KernelSelection) { .installed = installed });
        for (size_t i = 0; boot && boot[i]; i++) {
                assert(strv_contains(installed, boot[i]) && !kernel_is_series(boot[i]));
                assert(i == 0 || strcmp(boot[i - 1], boot[i]) < 0);
        }
        if (boot_list_parse((const char *) data, size, "fuzz", NULL, NULL, &list, &err) >= 0) {
                formatted = boot_list_format(list);
                assert(strlen(formatted) <= size + strv_length(list));
        }
        return 0;
}
