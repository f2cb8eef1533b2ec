/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <zlib.h>

#include "basic/alloc.h"
#include "gzip.h"

void gzip_compress(StrBuf *out, const void *data, size_t len) {
        z_stream z = { .next_in = (Bytef *) data, .avail_in = (uInt) len };
        int r;

        /* 15 window bits + 16: a gzip header and trailer instead of zlib's. */
        if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
                oom();
        do {
                size_t room = deflateBound(&z, z.avail_in) + 64;

                strbuf_grow(out, room);
                z.next_out = (Bytef *) out->buf + out->len;
                z.avail_out = (uInt) room;
                r = deflate(&z, Z_FINISH);
                strbuf_setlen(out, out->len + (room - z.avail_out));
        } while (r == Z_OK || r == Z_BUF_ERROR);
        if (r != Z_STREAM_END)
                abort(); /* deflate() fails only on misuse */
        deflateEnd(&z);
}
