/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/* Message digests (Nettle), for config digests, fingerprints and file checksums. */

#include <stddef.h>
#include <stdint.h>

#define SHA1_HEX_SIZE 41
#define SHA256_SIZE 32

/* Lower-case hex SHA-1, as upstream's config digests (Digest::SHA::sha1_hex). */
void sha1_hex(const void *data, size_t len, char ret[static SHA1_HEX_SIZE]);
void sha256(const void *data, size_t len, uint8_t ret[static SHA256_SIZE]);
/* HMAC-SHA256 (RFC 2104), as JWS "HS256" uses it. */
void hmac_sha256(const void *key, size_t key_len, const void *data, size_t len, uint8_t ret[static SHA256_SIZE]);
/*
 * SHA-256 of a file's content, read in chunks (no size limit, constant
 * memory). Negative errno when it cannot be opened or read.
 */
int sha256_file(const char *path, uint8_t ret[static SHA256_SIZE]);
