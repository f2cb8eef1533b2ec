/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <inttypes.h>

#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "metrics/graphite.h"
#include "metrics/sample.h"

/* Boolean and state information upstream does not export. */
static const char *const skipped_keys[] = { "template", "pid", "agent", "serial", NULL };

size_t graphite_batch_size(bool tcp, unsigned mtu) {
        return tcp ? 56000 : mtu - 50;
}

static void encode_level(Payloads *p, const json_t *o, StrBuf *path, int64_t time) {
        _cleanup_free_ const char **keys = json_object_sorted_keys(o);
        size_t base = path->len;

        for (const char **k = keys; *k; k++) {
                const json_t *v = json_object_get(o, *k);
                char num[METRIC_NUMBER_MAX], line[METRIC_NUMBER_MAX + 32];
                const char *text;

                strbuf_setlen(path, base);
                strbuf_addc(path, '.');
                for (const char *c = *k; *c; c++)
                        strbuf_addc(path, *c == '.' ? '-' : *c);

                if (json_is_object(v)) {
                        encode_level(p, v, path, time);
                        continue;
                }
                if (strv_contains((char **) skipped_keys, *k) || !(text = metric_number_text(v, num)))
                        continue;
                snprintf(line, sizeof(line), " %s %" PRIi64 "\n", text, time);
                strbuf_adds(path, line);
                payloads_add_chunk(p, path->buf, path->len);
        }
        strbuf_setlen(path, base);
}

void graphite_encode(Payloads *p, const json_t *tree, const char *prefix, int64_t time) {
        _cleanup_strbuf_ StrBuf path = STRBUF_INIT;

        strbuf_adds(&path, prefix);
        encode_level(p, tree, &path, time);
}
