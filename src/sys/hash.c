/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <gnutls/crypto.h>
#include <stdlib.h>

#include "hash.h"

void sha1_hex(const void *data, size_t len, char ret[static SHA1_HEX_SIZE]) {
        static const char digits[] = "0123456789abcdef";
        uint8_t md[20];

        if (gnutls_hash_fast(GNUTLS_DIG_SHA1, data, len, md) < 0)
                abort(); /* only on allocation failure inside GnuTLS */
        for (size_t i = 0; i < sizeof(md); i++) {
                ret[2 * i] = digits[md[i] >> 4];
                ret[2 * i + 1] = digits[md[i] & 15];
        }
        ret[40] = 0;
}

void sha256(const void *data, size_t len, uint8_t ret[static SHA256_SIZE]) {
        if (gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, ret) < 0)
                abort();
}
