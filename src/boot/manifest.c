/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "basic/alloc.h"
#include "basic/cursor.h"
#include "basic/encode.h"
#include "basic/parse.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "boot/manifest.h"

#define MANIFEST_LINE_MAX 4096

void esp_manifest_done(EspManifest *m) {
        for (size_t i = 0; i < m->n_entries; i++)
                free(m->entries[i].path);
        free(m->entries);
        *m = (EspManifest) {};
}

const EspManifestEntry *esp_manifest_find(const EspManifest *m, const char *path) {
        for (size_t i = 0; i < m->n_entries; i++)
                if (strcasecmp(m->entries[i].path, path) == 0)
                        return &m->entries[i];
        return NULL;
}

void esp_manifest_set(EspManifest *m, const char *path, uint64_t size, const uint8_t sha256[static SHA256_SIZE]) {
        EspManifestEntry *e = (EspManifestEntry *) esp_manifest_find(m, path);

        if (!e) {
                m->entries = xreallocarray(m->entries, m->n_entries + 1, sizeof(EspManifestEntry));
                e = &m->entries[m->n_entries++];
                *e = (EspManifestEntry) { .path = xstrdup(path) };
        }
        e->size = size;
        memcpy(e->sha256, sha256, SHA256_SIZE);
}

/* Relative, '/'-separated, no empty, "." or ".." component, no control character, no leading blank. */
static bool path_is_clean(const char *path) {
        const char *p = path;

        if (isempty(path) || path[0] == ' ' || has_control_chars(path, strlen(path)))
                return false;
        for (;;) {
                size_t n = strcspn(p, "/");

                if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                        return false;
                if (!p[n])
                        return true;
                p += n + 1;
        }
}

/* "<64 hex digits> <size> <path>" */
static int parse_record(const char *line, EspManifest *m) {
        _cleanup_strbuf_ StrBuf sha256 = STRBUF_INIT;
        _cleanup_free_ char *size_text = NULL;
        const char *p = line + 2 * SHA256_SIZE, *end;
        uint64_t size;

        if (strnlen(line, 2 * SHA256_SIZE + 1) <= 2 * SHA256_SIZE || *p++ != ' ' ||
            hex_decode(&sha256, line, 2 * SHA256_SIZE) < 0)
                return -EBADMSG;
        end = strchr(p, ' ');
        if (!end || end == p)
                return -EBADMSG;
        size_text = xstrndup(p, end - p);
        if (!in_charset(size_text, "0123456789") || parse_uint64(size_text, UINT64_MAX, &size) < 0)
                return -EBADMSG;
        p = end + 1;
        if (!path_is_clean(p) || esp_manifest_find(m, p))
                return -EBADMSG;
        esp_manifest_set(m, p, size, (const uint8_t *) sha256.buf);
        return 0;
}

int esp_manifest_parse(const char *text, size_t len, EspManifest *ret) {
        _cleanup_(esp_manifest_done) EspManifest m = {};
        _cleanup_free_ char *line = NULL;
        Cursor c = CURSOR_INIT(text, len);

        c.max_line = MANIFEST_LINE_MAX;
        if (!cursor_read_line_dup(&c, &line) || !streq(line, ESP_MANIFEST_HEADER))
                return -EBADMSG;
        while (cursor_read_line_dup(&c, &line)) {
                if (isempty(line) || line[0] == '#')
                        continue;
                if (parse_record(line, &m) < 0)
                        return -EBADMSG;
        }
        if (cursor_error(&c) < 0)
                return -EBADMSG;
        *ret = m;
        m = (EspManifest) {};
        return 0;
}

static int entry_compare(const void *a, const void *b) {
        return strcmp((*(const EspManifestEntry *const *) a)->path, (*(const EspManifestEntry *const *) b)->path);
}

char *esp_manifest_format(const EspManifest *m) {
        _cleanup_free_ const EspManifestEntry **sorted = new0(const EspManifestEntry *, m->n_entries + 1);
        StrBuf b = STRBUF_INIT;

        for (size_t i = 0; i < m->n_entries; i++)
                sorted[i] = &m->entries[i];
        qsort(sorted, m->n_entries, sizeof(*sorted), entry_compare);

        strbuf_adds(&b, ESP_MANIFEST_HEADER "\n");
        for (size_t i = 0; i < m->n_entries; i++) {
                hex_encode(&b, sorted[i]->sha256, SHA256_SIZE);
                strbuf_addf(&b, " %" PRIu64 " %s\n", sorted[i]->size, sorted[i]->path);
        }
        return strbuf_detach(&b, NULL);
}
