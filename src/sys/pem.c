/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <stdlib.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/cursor.h"
#include "basic/encode.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "pem.h"

#define PEM_MAX_LINE (64 * 1024)
#define PEM_MAX_BLOCKS 64

const char *pem_strip_leading_text(const char *text) {
        const char *p = strstr(text, "-----BEGIN ");

        return p ?: text + strlen(text);
}

void pem_blocks_done(PemBlocks *b) {
        for (size_t i = 0; i < b->n; i++) {
                free(b->blocks[i].label);
                free(b->blocks[i].der);
        }
        free(b->blocks);
        *b = (PemBlocks) {};
}

size_t pem_count_label(const PemBlocks *b, const char *label) {
        size_t n = 0;

        for (size_t i = 0; i < b->n; i++)
                n += streq(b->blocks[i].label, label);
        return n;
}

static int invalid(char **reterr, size_t line, const char *what) {
        *reterr = line > 0 ? xasprintf(PEM_INVALID_MESSAGE " (line %zu: %s)", line, what)
                           : xasprintf(PEM_INVALID_MESSAGE " (%s)", what);
        return -EINVAL;
}

/* The label of a "-----BEGIN <label>-----" or "-----END <label>-----" line, or NULL. */
static char *boundary_label(const char *line, const char *prefix) {
        const char *rest = startswith(line, prefix), *end;

        if (!rest)
                return NULL;
        end = endswith(rest, "-----");
        if (!end || has_control_chars(rest, (size_t) (end - rest)) || memchr(rest, '-', (size_t) (end - rest)) == rest)
                return NULL;
        return xstrndup(rest, (size_t) (end - rest));
}

/* Standard base64 alphabet, '=' padding (at most two) only at the end. */
static bool base64_text_valid(const char *s, size_t len) {
        size_t pad = 0;

        while (pad < len && s[len - 1 - pad] == '=')
                pad++;
        if (pad > 2 || pad == len)
                return false;
        for (size_t i = 0; i < len - pad; i++)
                if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", s[i]) || !s[i])
                        return false;
        return true;
}

int pem_parse(const char *text, PemBlocks *ret, char **reterr) {
        _cleanup_(pem_blocks_done) PemBlocks out = {};
        _cleanup_strbuf_ StrBuf body = STRBUF_INIT;
        _cleanup_free_ char *line = NULL, *label = NULL;
        const char *start = pem_strip_leading_text(text);
        size_t skipped = 0, begin_line = 0;
        bool encrypted = false, in_headers = false;
        Cursor c;

        /* Line numbers count from the start of the whole text. */
        for (const char *p = text; p < start; p++)
                skipped += *p == '\n';
        c = CURSOR_INIT(start, strlen(start));
        c.max_line = PEM_MAX_LINE;

        while (cursor_read_line_dup(&c, &line)) {
                size_t lineno = c.line + skipped;
                char *l = line;
                size_t len = strlen(l);

                while (len > 0 && strchr(" \t\r\f\v", l[len - 1]))
                        l[--len] = 0;

                if (!label) {
                        if (*skip_blanks(l) == 0)
                                continue;
                        label = boundary_label(l, "-----BEGIN ");
                        if (!label)
                                return invalid(reterr, lineno, "text outside a PEM block");
                        if (out.n >= PEM_MAX_BLOCKS)
                                return invalid(reterr, lineno, "too many PEM blocks");
                        begin_line = lineno;
                        encrypted = false;
                        in_headers = true;
                        strbuf_reset(&body);
                        continue;
                }

                if (startswith(l, "-----END ")) {
                        _cleanup_free_ char *end_label = boundary_label(l, "-----END ");
                        _cleanup_strbuf_ StrBuf der = STRBUF_INIT;

                        if (!end_label || !streq(end_label, label))
                                return invalid(reterr, lineno, "END line does not match BEGIN line");
                        if (body.len == 0 || !base64_text_valid(body.buf, body.len) ||
                            base64_decode(&der, body.buf, body.len) < 0 || der.len == 0)
                                return invalid(reterr, begin_line, "invalid base64 content");
                        out.blocks = xreallocarray(out.blocks, out.n + 1, sizeof(PemBlock));
                        out.blocks[out.n].label = TAKE_PTR(label);
                        out.blocks[out.n].der = strbuf_detach(&der, &out.blocks[out.n].der_len);
                        out.blocks[out.n].encrypted = encrypted;
                        out.n++;
                        continue;
                }

                /* RFC 1421 encapsulated headers directly after BEGIN, ended by an empty line. */
                if (in_headers && body.len == 0 && strchr(l, ':')) {
                        const char *v = startswith_no_case(l, "Proc-Type:");

                        if (v && strstr(v, "ENCRYPTED"))
                                encrypted = true;
                        continue;
                }
                in_headers = false;
                for (const char *p = l; *p; p++)
                        if (!strchr(" \t", *p))
                                strbuf_addc(&body, *p);
        }
        if (cursor_error(&c) < 0)
                return invalid(reterr, c.line + skipped,
                               cursor_error(&c) == -EBADMSG ? "NUL byte" : "line too long");
        if (label)
                return invalid(reterr, begin_line, "block without END line");
        if (out.n == 0)
                return invalid(reterr, 0, "no PEM block found");

        *ret = out;
        out = (PemBlocks) {};
        return 0;
}

char *pem_encode(const char *label, const void *der, size_t len) {
        _cleanup_strbuf_ StrBuf b64 = STRBUF_INIT, out = STRBUF_INIT;

        base64_encode(&b64, der, len);
        strbuf_addf(&out, "-----BEGIN %s-----\n", label);
        for (size_t i = 0; i < b64.len; i += 64) {
                strbuf_add(&out, b64.buf + i, MIN((size_t) 64, b64.len - i));
                strbuf_addc(&out, '\n');
        }
        strbuf_addf(&out, "-----END %s-----\n", label);
        return strbuf_detach(&out, NULL);
}
