/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * PEM text (RFC 7468), checked as upstream's PVE::Certificate::check_pem()
 * checks uploads, but parsed rather than pattern-matched:
 *
 *         anything before the first "-----BEGIN " line is ignored
 *         -----BEGIN <label>-----
 *         [RFC 1421 headers, e.g. "Proc-Type: 4,ENCRYPTED", then an empty line]
 *         base64 lines (standard alphabet, '=' padding only at the end)
 *         -----END <label>-----
 *         further blocks, separated by whitespace only
 *
 * Every block must end with the label it began with and its base64 must
 * decode, so a block that passes here is one GnuTLS can read. Pure code, no
 * I/O: fuzzed by tests/fuzz/fuzz-pem.c.
 */

#include <stdbool.h>
#include <stddef.h>

typedef struct PemBlock {
        char *label;     /* "CERTIFICATE", "RSA PRIVATE KEY", ... */
        void *der;       /* decoded content */
        size_t der_len;
        bool encrypted;  /* "Proc-Type: 4,ENCRYPTED" header (legacy OpenSSL key encryption) */
} PemBlock;

typedef struct PemBlocks {
        PemBlock *blocks;
        size_t n;
} PemBlocks;

/* The message upstream gives for malformed input. */
#define PEM_INVALID_MESSAGE "not a valid PEM-formatted string."

/* Pointer to the first "-----BEGIN " in text, or to its end when there is none. */
const char *pem_strip_leading_text(const char *text);

/*
 * Parses text (NUL-terminated) into its blocks. Returns 0, or -EINVAL with
 * a message in *reterr naming the problem after upstream's
 * "not a valid PEM-formatted string." (no block, unterminated block,
 * mismatched END label, invalid base64, text after the last block).
 */
int pem_parse(const char *text, PemBlocks *ret, char **reterr);
void pem_blocks_done(PemBlocks *b);

/* Number of blocks with the given label. */
size_t pem_count_label(const PemBlocks *b, const char *label);

/* Encodes der as a PEM block with 64-character lines, ending in a newline. */
char *pem_encode(const char *label, const void *der, size_t len);
