/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/* gzip (RFC 1952) compression over zlib, for HTTP request bodies. */

#include <stddef.h>

#include "basic/strbuf.h"

/* Appends the gzip stream of data to out. */
void gzip_compress(StrBuf *out, const void *data, size_t len);
