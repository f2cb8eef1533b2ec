/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Message digests for config digests and fingerprints, over Nettle (the
 * crypto library under GnuTLS). Hashing alone does not need GnuTLS itself,
 * whose initialisation costs every process linking it about 2.5 MiB of
 * resident memory; pvestatd stays small this way.
 */

#include <stddef.h>
#include <stdint.h>

#define SHA1_HEX_SIZE 41
#define SHA256_SIZE 32

/* Lower-case hex SHA-1, as upstream's config digests (Digest::SHA::sha1_hex). */
void sha1_hex(const void *data, size_t len, char ret[static SHA1_HEX_SIZE]);
void sha256(const void *data, size_t len, uint8_t ret[static SHA256_SIZE]);
