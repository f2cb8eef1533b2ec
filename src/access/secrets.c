/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <crypt.h>
#include <errno.h>
#include <sys/random.h>

#include "access/secrets.h"
#include "access/userconfig.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/cursor.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "sys/dlopen-util.h"

typedef bool (*LineParser)(char *line, json_t *out);

static json_t *parse_lines(const char *data, size_t len, LineParser parse_line) {
        Cursor c = CURSOR_INIT(data, len);
        json_t *out = json_object();
        char *line = NULL;

        while (cursor_read_line_dup(&c, &line)) {
                (void) parse_line(strstrip(line), out);
                line = mfree(line);
        }
        return out;
}

/* "name:hash:" with no blanks anywhere, as upstream's m/^\S+:\S+:$/. */
static bool parse_shadow_line(char *line, json_t *out) {
        char *colon = strchr(line, ':'), *end;

        if (!colon || colon == line || strpbrk(line, " \t"))
                return false;
        end = strchr(colon + 1, ':');
        if (!end || end == colon + 1 || end[1] != 0)
                return false;
        *colon = *end = 0;
        json_object_set_new(out, line, json_string(colon + 1));
        return true;
}

json_t *shadow_parse(const char *data, size_t len) {
        return parse_lines(data, len, parse_shadow_line);
}

static char *format_pairs(const json_t *obj, char sep, const char *trailer) {
        _cleanup_free_ const char **keys = json_object_sorted_keys(obj);
        StrBuf sb = STRBUF_INIT;

        for (size_t i = 0; keys[i]; i++)
                strbuf_addf(&sb, "%s%c%s%s\n", keys[i], sep, json_object_get_string(obj, keys[i]), trailer);
        return strbuf_detach(&sb, NULL);
}

char *shadow_format(const json_t *shadow) {
        return format_pairs(shadow, ':', ":");
}

static bool parse_token_line(char *line, json_t *out) {
        char *space = strchr(line, ' ');

        if (!space || strchr(space + 1, ' ') || isempty(space + 1))
                return false;
        *space = 0;
        if (!access_split_tokenid(line, NULL, NULL))
                return false;
        json_object_set_new(out, line, json_string(space + 1));
        return true;
}

json_t *token_secrets_parse(const char *data, size_t len) {
        return parse_lines(data, len, parse_token_line);
}

char *token_secrets_format(const json_t *secrets) {
        return format_pairs(secrets, ' ', "");
}

/* libcrypt is loaded on first use (sys/dlopen-util.h): only logins and password changes need it. */
static DLSYM_FUNCTION(crypt_gensalt_rn);
static DLSYM_FUNCTION(crypt_r);

static int dlopen_crypt(void) {
        static void *dl;

        return dlopen_many_sym(&dl, "libcrypt.so.1", DLSYM_ARG(crypt_gensalt_rn), DLSYM_ARG(crypt_r), NULL);
}

int password_hash(const char *password, char **ret) {
        char salt[CRYPT_GENSALT_OUTPUT_SIZE];
        struct crypt_data data = {};
        const char *h;
        int r;

        r = dlopen_crypt();
        if (r < 0)
                return r;
        if (!sym_crypt_gensalt_rn("$5$", 0, NULL, 0, salt, sizeof(salt)))
                return -errno ?: -EIO;
        h = sym_crypt_r(password, salt, &data);
        if (!h || h[0] == '*')
                return -EINVAL;
        *ret = xstrdup(h);
        return 0;
}

bool secret_equal(const char *a, const char *b) {
        size_t la = strlen(a), lb = strlen(b);
        unsigned char diff = la != lb;

        for (size_t i = 0; i < la; i++)
                diff |= (unsigned char) (a[i] ^ b[i % (lb ?: 1)]);
        return diff == 0;
}

bool password_verify(const char *password, const char *hash) {
        struct crypt_data data = {};
        const char *h;

        if (isempty(hash) || hash[0] == '!' || hash[0] == '*' || dlopen_crypt() < 0)
                return false;
        h = sym_crypt_r(password, hash, &data);
        return h && h[0] != '*' && secret_equal(h, hash);
}

char *token_secret_generate(void) {
        uint8_t b[16];

        if (getrandom(b, sizeof(b), 0) != (ssize_t) sizeof(b))
                abort(); /* the kernel's random pool does not fail once initialized */
        b[6] = (b[6] & 0x0f) | 0x40; /* version 4 */
        b[8] = (b[8] & 0x3f) | 0x80; /* RFC 4122 variant */
        return xasprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
                         b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}
