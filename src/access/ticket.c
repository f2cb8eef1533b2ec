/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <errno.h>
#include <inttypes.h>

#include "access/secrets.h"
#include "access/ticket.h"
#include "basic/alloc.h"
#include "basic/encode.h"
#include "basic/fileio.h"
#include "basic/lockfile.h"
#include "basic/parse.h"
#include "basic/rootdir.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "sys/gnutls-dl.h"
#include "sys/hash.h"

#define AUTHKEY_PRIV "/etc/pve/priv/authkey.key"
#define AUTHKEY_PUB "/etc/pve/authkey.pub"
#define AUTHKEY_PUB_PRIV "/etc/pve/priv/authkey.pub"
#define WWW_KEY "/etc/pve/pve-www.key"
#define WWW_KEY_PRIV "/etc/pve/priv/pve-www.key"
#define KEYS_LOCK "/var/lock/pve-authkey.lck"

static int gnutls_error(int r, const char *what, char **reterr) {
        *reterr = xasprintf("%s: %s", what, sym_gnutls_strerror(r));
        return -EIO;
}

/* A new RSA-2048 key in PKCS#1 PEM, as upstream's openssl and Crypt::OpenSSL::RSA write them. */
static int generate_rsa_key(gnutls_privkey_t *ret_key, gnutls_datum_t *ret_pem, char **reterr) {
        gnutls_x509_privkey_t x509 = NULL;
        gnutls_privkey_t key = NULL;
        int r;

        r = sym_gnutls_x509_privkey_init(&x509);
        if (r >= 0)
                r = sym_gnutls_x509_privkey_generate2(x509, GNUTLS_PK_RSA, 2048, 0, NULL, 0);
        if (r >= 0)
                r = sym_gnutls_x509_privkey_export2(x509, GNUTLS_X509_FMT_PEM, ret_pem);
        if (r >= 0)
                r = sym_gnutls_privkey_init(&key);
        if (r >= 0)
                r = sym_gnutls_privkey_import_x509(key, x509, GNUTLS_PRIVKEY_IMPORT_COPY);
        sym_gnutls_x509_privkey_deinit(x509);
        if (r < 0) {
                sym_gnutls_privkey_deinit(key);
                return gnutls_error(r, "unable to generate RSA key", reterr);
        }
        *ret_key = key;
        return 0;
}

static int public_key_of(gnutls_privkey_t priv, gnutls_pubkey_t *ret, char **reterr) {
        gnutls_pubkey_t pub;
        int r;

        r = sym_gnutls_pubkey_init(&pub);
        if (r < 0)
                return gnutls_error(r, "unable to derive public key", reterr);
        r = sym_gnutls_pubkey_import_privkey(pub, priv, 0, 0);
        if (r < 0) {
                sym_gnutls_pubkey_deinit(pub);
                return gnutls_error(r, "unable to derive public key", reterr);
        }
        *ret = pub;
        return 0;
}

/*
 * Upstream keeps the public ticket key and the CSRF key in etc/pve; a copy
 * beside the private files in etc/pve/priv serves tools that look for them
 * there. Both get the same bytes.
 */
static int write_key_copies(const char *upstream_rel, const char *priv_rel, const void *data, size_t len,
                            char **reterr) {
        const char *rels[] = { upstream_rel, priv_rel };

        for (size_t i = 0; i < ELEMENTSOF(rels); i++) {
                _cleanup_free_ char *path = root_path(rels[i]);
                int r = write_file_atomic(path, data, len, &WRITE_OPTIONS(0640, WRITE_MKDIR));

                if (r < 0) {
                        *reterr = xasprintf("unable to write '%s': %s", path, strerror(-r));
                        return r;
                }
        }
        return 0;
}

static int create_authkey(const char *priv_path, char **reterr) {
        gnutls_privkey_t key = NULL;
        gnutls_pubkey_t pub = NULL;
        gnutls_datum_t priv_pem = {}, pub_pem = {};
        int r;

        r = generate_rsa_key(&key, &priv_pem, reterr);
        if (r < 0)
                return r;
        r = public_key_of(key, &pub, reterr);
        if (r < 0)
                goto out;
        r = sym_gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_PEM, &pub_pem);
        if (r < 0) {
                r = gnutls_error(r, "unable to export public key", reterr);
                goto out;
        }
        /* Public half first: a private key is never found without its public key. */
        r = write_key_copies(AUTHKEY_PUB, AUTHKEY_PUB_PRIV, pub_pem.data, pub_pem.size, reterr);
        if (r >= 0) {
                r = write_file_atomic(priv_path, priv_pem.data, priv_pem.size, &WRITE_OPTIONS(0600, WRITE_MKDIR));
                if (r < 0)
                        *reterr = xasprintf("unable to write '%s': %s", priv_path, strerror(-r));
        }
out:
        (*sym_gnutls_free)(priv_pem.data);
        (*sym_gnutls_free)(pub_pem.data);
        sym_gnutls_pubkey_deinit(pub);
        sym_gnutls_privkey_deinit(key);
        return r;
}

static int create_www_key(char **reterr) {
        gnutls_privkey_t key = NULL;
        gnutls_datum_t pem = {};
        int r;

        r = generate_rsa_key(&key, &pem, reterr);
        if (r < 0)
                return r;
        r = write_key_copies(WWW_KEY, WWW_KEY_PRIV, pem.data, pem.size, reterr);
        (*sym_gnutls_free)(pem.data);
        sym_gnutls_privkey_deinit(key);
        return r;
}

static void hmac_sha256_base64(StrBuf *out, const void *key, size_t key_len, const void *data, size_t len) {
        uint8_t mac[SHA256_SIZE];

        hmac_sha256(key, key_len, data, len, mac);
        base64_encode(out, mac, sizeof(mac));
        while (strbuf_endswith_char(out, '='))
                strbuf_setlen(out, out->len - 1); /* Digest::SHA's *_base64 has no padding */
}

int auth_keys_load(AuthKeys *ret, char **reterr) {
        _cleanup_free_ char *priv_path = root_path(AUTHKEY_PRIV), *www_path = root_path(WWW_KEY),
                            *www_priv_path = root_path(WWW_KEY_PRIV), *lock_path = root_path(KEYS_LOCK);
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_free_ char *pem = NULL, *www = NULL;
        const char *www_file;
        AuthKeys k = {};
        StrBuf secret = STRBUF_INIT;
        size_t pem_len, www_len;
        int r;

        r = dlopen_gnutls();
        if (r < 0) {
                *reterr = xasprintf("unable to load GnuTLS: %s", dlopen_last_error());
                return r;
        }
        r = lock_file_acquire(lock_path, LOCK_TIMEOUT_DEFAULT, &lock);
        if (r < 0) {
                *reterr = xasprintf("unable to lock auth keys: %s", strerror(-r));
                return r;
        }
        if (!file_exists(priv_path)) {
                r = create_authkey(priv_path, reterr);
                if (r < 0)
                        return r;
        }
        /* Upstream keeps pve-www.key in etc/pve; a key only in priv/ is used as it is. */
        if (!file_exists(www_path) && !file_exists(www_priv_path)) {
                r = create_www_key(reterr);
                if (r < 0)
                        return r;
        }
        www_file = file_exists(www_path) ? www_path : www_priv_path;

        r = read_full_file(priv_path, 1 << 20, &pem, &pem_len);
        if (r < 0) {
                *reterr = xasprintf("unable to read '%s': %s", priv_path, strerror(-r));
                return r;
        }
        r = sym_gnutls_privkey_init(&k.priv);
        if (r >= 0)
                r = sym_gnutls_privkey_import_x509_raw(k.priv, &(gnutls_datum_t) { (unsigned char *) pem, (unsigned) pem_len },
                                                   GNUTLS_X509_FMT_PEM, NULL, 0);
        if (r < 0) {
                auth_keys_done(&k);
                return gnutls_error(r, "unable to load auth key", reterr);
        }
        r = public_key_of(k.priv, &k.pub, reterr);
        if (r < 0) {
                auth_keys_done(&k);
                return r;
        }

        r = read_full_file(www_file, 1 << 20, &www, &www_len);
        if (r < 0) {
                auth_keys_done(&k);
                *reterr = xasprintf("unable to read '%s': %s", www_file, strerror(-r));
                return r;
        }
        hmac_sha256_base64(&secret, "", 0, www, www_len);
        k.csrf_secret = strbuf_detach(&secret, NULL);
        *ret = k;
        return 0;
}

void auth_keys_done(AuthKeys *k) {
        if (k->priv)
                sym_gnutls_privkey_deinit(k->priv);
        if (k->pub)
                sym_gnutls_pubkey_deinit(k->pub);
        free(k->csrf_secret);
        *k = (AuthKeys) {};
}

static char *hextime(int64_t t) {
        return xasprintf("%08" PRIX64, (uint64_t) t);
}

char *ticket_assemble(const AuthKeys *k, const char *userid, int64_t now) {
        _cleanup_free_ char *ht = hextime(now);
        StrBuf sb = STRBUF_INIT;
        gnutls_datum_t sig = {};
        size_t plain_len;

        strbuf_adds(&sb, "PVE:");
        for (const char *p = userid; *p; p++) /* uri_escape($data, ':') */
                if (*p == ':')
                        strbuf_adds(&sb, "%3A");
                else
                        strbuf_addc(&sb, *p);
        strbuf_addf(&sb, ":%s", ht);
        plain_len = sb.len;
        if (sym_gnutls_privkey_sign_data(k->priv, GNUTLS_DIG_SHA1, 0,
                                     &(gnutls_datum_t) { (unsigned char *) sb.buf, (unsigned) plain_len }, &sig) < 0)
                abort(); /* signing with a loaded RSA key does not fail */
        strbuf_adds(&sb, "::");
        base64_encode(&sb, sig.data, sig.size);
        (*sym_gnutls_free)(sig.data);
        return strbuf_detach(&sb, NULL);
}

int ticket_split(const char *ticket, char **ret_plain, char **ret_userid, int64_t *ret_time, char **ret_sig) {
        const char *sep, *data, *colon;
        _cleanup_free_ char *plain = NULL, *ht = NULL;
        StrBuf user = STRBUF_INIT;
        uint64_t t;

        if (!ticket || !startswith(ticket, "PVE:") || strpbrk(ticket, " \t\r\n"))
                return -EACCES;
        /* The signature separator comes after "PVE:" ("PVE::..." has no plain part). */
        sep = strstr(ticket + 4, "::");
        if (!sep || isempty(sep + 2) || strchr(sep + 2, ':'))
                return -EACCES;
        plain = xstrndup(ticket, (size_t) (sep - ticket));
        data = plain + 4;
        colon = strrchr(data, ':');
        if (!colon || colon == data)
                return -EACCES;
        ht = xstrdup(colon + 1);
        if (strlen(ht) != 8 || !in_charset(ht, "0123456789ABCDEF") || parse_hex_u64(ht, 8, 8, &t) < 0)
                return -EACCES;
        percent_decode(&user, data, (size_t) (colon - data));
        if (ret_userid)
                *ret_userid = strbuf_detach(&user, NULL);
        else
                strbuf_release(&user);
        if (ret_sig)
                *ret_sig = xstrdup(sep + 2);
        if (ret_time)
                *ret_time = (int64_t) t;
        if (ret_plain)
                *ret_plain = TAKE_PTR(plain);
        return 0;
}

static bool age_ok(int64_t issued, int64_t now) {
        int64_t age = now - issued;

        return age > -TICKET_GRACE_PERIOD && age < TICKET_LIFETIME;
}

int ticket_verify(const AuthKeys *k, const char *ticket, int64_t now, char **ret_userid) {
        _cleanup_free_ char *plain = NULL, *userid = NULL, *sig64 = NULL;
        StrBuf sig = STRBUF_INIT;
        int64_t issued;
        int r;

        r = ticket_split(ticket, &plain, &userid, &issued, &sig64);
        if (r < 0)
                return r;
        if (!age_ok(issued, now))
                return -EACCES;
        if (base64_decode(&sig, sig64, strlen(sig64)) < 0) {
                strbuf_release(&sig);
                return -EACCES;
        }
        r = sym_gnutls_pubkey_verify_data2(k->pub, GNUTLS_SIGN_RSA_SHA1, GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1,
                                       &(gnutls_datum_t) { (unsigned char *) plain, (unsigned) strlen(plain) },
                                       &(gnutls_datum_t) { (unsigned char *) sig.buf, (unsigned) sig.len });
        strbuf_release(&sig);
        if (r < 0)
                return -EACCES;
        *ret_userid = TAKE_PTR(userid);
        return 0;
}

static char *csrf_digest(const AuthKeys *k, const char *ht, const char *userid) {
        _cleanup_free_ char *msg = xasprintf("%s:%s", ht, userid);
        StrBuf sb = STRBUF_INIT;

        hmac_sha256_base64(&sb, k->csrf_secret, strlen(k->csrf_secret), msg, strlen(msg));
        return strbuf_detach(&sb, NULL);
}

char *csrf_token_assemble(const AuthKeys *k, const char *userid, int64_t now) {
        _cleanup_free_ char *ht = hextime(now), *digest = csrf_digest(k, ht, userid);

        return xasprintf("%s:%s", ht, digest);
}

bool csrf_token_verify(const AuthKeys *k, const char *userid, const char *token, int64_t now) {
        _cleanup_free_ char *ht = NULL, *digest = NULL;
        const char *colon;
        uint64_t t;

        if (!token || !(colon = strchr(token, ':')) || colon - token != 8)
                return false;
        ht = xstrndup(token, 8);
        if (!in_charset(ht, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") || parse_hex_u64(ht, 8, 8, &t) < 0)
                return false;
        if (isempty(colon + 1) || strpbrk(colon + 1, " \t\r\n"))
                return false;
        digest = csrf_digest(k, ht, userid);
        return secret_equal(digest, colon + 1) && age_ok((int64_t) t, now);
}
