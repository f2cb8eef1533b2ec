/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * Digests over Nettle, GnuTLS's own crypto core: the same implementation
 * without GnuTLS's start-up cost, which matters for every CLI invocation
 * that computes a config digest.
 */

#include <errno.h>
#include <fcntl.h>
#include <nettle/hmac.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <unistd.h>

#include "basic/alloc.h"
#include "basic/macro.h"
#include "hash.h"

#define HASH_CHUNK (256 * 1024)

void sha1_hex(const void *data, size_t len, char ret[static SHA1_HEX_SIZE]) {
        static const char digits[] = "0123456789abcdef";
        struct sha1_ctx ctx;
        uint8_t md[SHA1_DIGEST_SIZE];

        sha1_init(&ctx);
        sha1_update(&ctx, len, data);
        sha1_digest(&ctx, sizeof(md), md);
        for (size_t i = 0; i < sizeof(md); i++) {
                ret[2 * i] = digits[md[i] >> 4];
                ret[2 * i + 1] = digits[md[i] & 15];
        }
        ret[40] = 0;
}

void sha256(const void *data, size_t len, uint8_t ret[static SHA256_SIZE]) {
        struct sha256_ctx ctx;

        sha256_init(&ctx);
        sha256_update(&ctx, len, data);
        sha256_digest(&ctx, SHA256_DIGEST_SIZE, ret);
}

void hmac_sha256(const void *key, size_t key_len, const void *data, size_t len, uint8_t ret[static SHA256_SIZE]) {
        struct hmac_sha256_ctx ctx;

        hmac_sha256_set_key(&ctx, key_len, key);
        hmac_sha256_update(&ctx, len, data);
        hmac_sha256_digest(&ctx, SHA256_DIGEST_SIZE, ret);
}

int sha256_file(const char *path, uint8_t ret[static SHA256_SIZE]) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        _cleanup_free_ uint8_t *buf = NULL;
        struct sha256_ctx ctx;
        ssize_t n;

        if (fd < 0)
                return negative_errno();
        (void) posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        buf = xmalloc(HASH_CHUNK);
        sha256_init(&ctx);
        while ((n = read(fd, buf, HASH_CHUNK)) != 0) {
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                sha256_update(&ctx, (size_t) n, buf);
        }
        sha256_digest(&ctx, SHA256_DIGEST_SIZE, ret);
        return 0;
}
