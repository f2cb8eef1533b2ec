/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/* Text encodings: upstream's percent-encoding, base64 and base64url, hex. */

#include <stddef.h>

#include "strbuf.h"

/*
 * Percent-encodes every byte outside 0x20-0x24, 0x26-0x39 and 0x3b-0x7e
 * (control bytes, '%', ':' and all non-ASCII), as upstream encodes node
 * descriptions; upper-case hex digits.
 */
void percent_encode_text(StrBuf *out, const char *s, size_t len);
/* Decodes %XX sequences (either case); anything else, including a lone '%', passes through. */
void percent_decode(StrBuf *out, const char *s, size_t len);

void base64_encode(StrBuf *out, const void *data, size_t len);
/* URL-safe alphabet without padding (RFC 4648 section 5), as JWS and plugins.cfg use. */
void base64url_encode(StrBuf *out, const void *data, size_t len);
/* Accepts both alphabets, with or without padding; -EINVAL on other bytes. */
int base64_decode(StrBuf *out, const char *s, size_t len);

/* Lower-case hex of the bytes. */
void hex_encode(StrBuf *out, const void *data, size_t len);
/* Decodes hex digits (either case); -EINVAL on an odd length or another byte. */
int hex_decode(StrBuf *out, const char *s, size_t len);
