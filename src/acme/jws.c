/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <string.h>

#include "acme/jws.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/encode.h"
#include "basic/strbuf.h"
#include "sys/hash.h"

static void b64u(StrBuf *out, const char *s) {
        base64url_encode(out, s, strlen(s));
}

/* The protected header as compact JSON text. */
static char *header_json(const char *alg, const char *jwk, const JwsHeader *h) {
        _cleanup_json_ json_t *o = json_object();

        json_object_set_new(o, "alg", json_string(alg));
        if (h->kid)
                json_object_set_new(o, "kid", json_string(h->kid));
        else if (jwk)
                json_object_set_new(o, "jwk", json_loads(jwk, 0, NULL));
        if (h->nonce)
                json_object_set_new(o, "nonce", json_string(h->nonce));
        json_object_set_new(o, "url", json_string(h->url));
        return json_dump_canonical(o);
}

static char *flattened(const StrBuf *protected_, const StrBuf *payload, const void *sig, size_t sig_len) {
        _cleanup_strbuf_ StrBuf s = STRBUF_INIT;
        _cleanup_json_ json_t *o = NULL;

        base64url_encode(&s, sig, sig_len);
        o = json_pack("{s:s,s:s,s:s}", "protected", protected_->buf, "payload", payload->buf, "signature", s.buf);
        return json_dump_canonical(o);
}

char *jws_sign(gnutls_x509_privkey_t key, const JwsHeader *h, const char *payload) {
        _cleanup_free_ char *jwk = h->kid ? NULL : x509_key_jwk(key), *hdr = NULL;
        _cleanup_strbuf_ StrBuf prot = STRBUF_INIT, pay = STRBUF_INIT, input = STRBUF_INIT;
        _cleanup_free_ void *sig = NULL;
        size_t sig_len;

        json_setup_allocator();
        hdr = header_json(x509_key_jws_alg(key), jwk, h);
        b64u(&prot, hdr);
        b64u(&pay, payload);
        strbuf_addf(&input, "%s.%s", prot.buf, pay.buf);
        if (x509_key_jws_sign(key, input.buf, input.len, &sig, &sig_len) < 0)
                return NULL;
        return flattened(&prot, &pay, sig, sig_len);
}

char *jws_eab(const char *kid, const char *hmac_key, const char *url, const char *jwk, char **reterr) {
        _cleanup_strbuf_ StrBuf key = STRBUF_INIT, prot = STRBUF_INIT, pay = STRBUF_INIT, input = STRBUF_INIT;
        _cleanup_json_ json_t *h = NULL;
        _cleanup_free_ char *hdr = NULL;
        uint8_t mac[SHA256_SIZE];

        json_setup_allocator();
        if (base64_decode(&key, hmac_key, strlen(hmac_key)) < 0 || key.len == 0) {
                *reterr = xstrdup("EAB HMAC key is not valid base64url");
                return NULL;
        }
        h = json_pack("{s:s,s:s,s:s}", "alg", "HS256", "kid", kid, "url", url);
        hdr = json_dump_canonical(h);
        b64u(&prot, hdr);
        b64u(&pay, jwk);
        strbuf_addf(&input, "%s.%s", prot.buf, pay.buf);
        hmac_sha256(key.buf, key.len, input.buf, input.len, mac);
        return flattened(&prot, &pay, mac, sizeof(mac));
}

char *jwk_thumbprint(gnutls_x509_privkey_t key) {
        _cleanup_free_ char *jwk = x509_key_jwk(key);
        _cleanup_strbuf_ StrBuf out = STRBUF_INIT;
        uint8_t md[SHA256_SIZE];

        sha256(jwk, strlen(jwk), md);
        base64url_encode(&out, md, sizeof(md));
        return strbuf_detach(&out, NULL);
}
