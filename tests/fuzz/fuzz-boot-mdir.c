/* SPDX-License-Identifier: AGPL-3.0-or-later */

/* mtools directory listings: parsing never crashes; every entry path is relative and clean. */

#include <assert.h>
#include <string.h>

#include "boot/esp.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        EspListing l = {};

        if (esp_parse_mdir((const char *) data, size, &l) < 0)
                return 0;
        for (size_t i = 0; i < l.n_entries; i++)
                assert(l.entries[i].path[0] != '/' && strstr(l.entries[i].path, "//") == NULL);
        esp_listing_done(&l);
        return 0;
}
