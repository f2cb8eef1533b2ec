/* SPDX-License-Identifier: AGPL-3.0-or-later */

/* PEM: parse never crashes; every parsed block encodes to PEM that parses to the same bytes. */

#include <assert.h>
#include <string.h>

#include "basic/alloc.h"
#include "fuzz.h"
#include "sys/pem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = xstrndup((const char *) data, size), *err = NULL;
        PemBlocks b = {};

        if (pem_parse(text, &b, &err) < 0)
                return 0;
        for (size_t i = 0; i < b.n; i++) {
                _cleanup_free_ char *pem = pem_encode(b.blocks[i].label, b.blocks[i].der, b.blocks[i].der_len);
                _cleanup_free_ char *err2 = NULL;
                PemBlocks again = {};

                assert(pem_parse(pem, &again, &err2) == 0);
                assert(again.n == 1 && again.blocks[0].der_len == b.blocks[i].der_len);
                assert(memcmp(again.blocks[0].der, b.blocks[i].der, b.blocks[i].der_len) == 0);
                pem_blocks_done(&again);
        }
        pem_blocks_done(&b);
        return 0;
}
