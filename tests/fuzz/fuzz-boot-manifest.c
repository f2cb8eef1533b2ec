/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * ESP manifests: parsing never crashes; every recorded path is clean and
 * relative; the canonical text of a parsed manifest parses to the same
 * records and formats to the same text again.
 */

#include <assert.h>
#include <string.h>

#include "basic/alloc.h"
#include "boot/manifest.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(esp_manifest_done) EspManifest m = {}, again = {};
        _cleanup_free_ char *text = NULL, *text2 = NULL;

        if (esp_manifest_parse((const char *) data, size, &m) < 0)
                return 0;
        for (size_t i = 0; i < m.n_entries; i++) {
                const char *p = m.entries[i].path;

                assert(p[0] && p[0] != '/' && !strstr(p, "//") && !strstr(p, "\n"));
                assert(esp_manifest_find(&m, p) == &m.entries[i]);
        }
        text = esp_manifest_format(&m);
        assert(esp_manifest_parse(text, strlen(text), &again) == 0);
        assert(again.n_entries == m.n_entries);
        for (size_t i = 0; i < m.n_entries; i++) {
                const EspManifestEntry *e = esp_manifest_find(&again, m.entries[i].path);

                assert(e && e->size == m.entries[i].size && memcmp(e->sha256, m.entries[i].sha256, SHA256_SIZE) == 0);
        }
        text2 = esp_manifest_format(&again);
        assert(strcmp(text, text2) == 0);
        return 0;
}
