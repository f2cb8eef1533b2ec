/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * ACME's cryptographic pieces against values computed independently (by
 * OpenSSL and Python from the same fixture keys): canonical JWK (RFC 7638),
 * thumbprint, key authorization, dns-01 TXT value, EAB's HS256 signature,
 * JWS signatures that verify with the public key.
 */

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>

#include "test-util.h"
#include "acme/client.h"
#include "acme/jws.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/encode.h"
#include "basic/strbuf.h"

static gnutls_x509_privkey_t load_key(const char *name) {
        _cleanup_free_ char *path = xasprintf("%s/acme/%s", fixture_dir(), name), *pem = read_test_file(path);
        _cleanup_free_ char *err = NULL;
        gnutls_x509_privkey_t key = NULL;

        assert_int_equal(x509_key_from_pem(pem, &key, &err), 0);
        return key;
}

static char *fixture(const char *name) {
        _cleanup_free_ char *path = xasprintf("%s/acme/%s", fixture_dir(), name);
        return read_test_file(path);
}

static void test_jwk_and_thumbprint(void **state) {
        _cleanup_(x509_privkey_freep) gnutls_x509_privkey_t rsa = load_key("rsa-account.key");
        _cleanup_(x509_privkey_freep) gnutls_x509_privkey_t ec = load_key("ec-account.key");
        _cleanup_free_ char *rsa_jwk = x509_key_jwk(rsa), *ec_jwk = x509_key_jwk(ec);
        _cleanup_free_ char *want_rsa = fixture("rsa-account.jwk"), *want_ec = fixture("ec-account.jwk");
        _cleanup_free_ char *t1 = jwk_thumbprint(rsa), *t2 = jwk_thumbprint(ec);

        assert_string_equal(rsa_jwk, want_rsa);
        assert_string_equal(ec_jwk, want_ec);
        assert_string_equal(t1, "YjvtvAfo7BnXzC43YiryZQRD7stafmprQtz_uxwB77M");
        assert_string_equal(t2, "y-zPNQk1lKfQ3nkKPbafIUGlzlzekJJxcXm4MXX9lvA");
        assert_string_equal(x509_key_jws_alg(rsa), "RS256");
        assert_string_equal(x509_key_jws_alg(ec), "ES256");
}

static void test_key_authorization(void **state) {
        _cleanup_(x509_privkey_freep) gnutls_x509_privkey_t ec = load_key("ec-account.key");
        _cleanup_free_ char *ka = acme_key_authorization(ec, "tok-123");
        _cleanup_free_ char *txt = acme_dns01_txt_value("tok-123.y-zPNQk1lKfQ3nkKPbafIUGlzlzekJJxcXm4MXX9lvA");

        assert_string_equal(ka, "tok-123.y-zPNQk1lKfQ3nkKPbafIUGlzlzekJJxcXm4MXX9lvA");
        /* base64url(SHA-256(key authorization)), from Python's hashlib. */
        assert_string_equal(txt, "XyV700_xv2RGi7VVm8f0qdUqzPnpCjoblToSNMu_yjg");
}

static void test_eab(void **state) {
        _cleanup_free_ char *jwk = fixture("ec-account.jwk"), *err = NULL, *eab = NULL;
        _cleanup_json_ json_t *o = NULL;

        eab = jws_eab("kid-1", "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W",
                      "https://ca.example/new-account", jwk, &err);
        assert_non_null(eab);
        o = json_loads(eab, 0, NULL);
        assert_string_equal(json_object_get_string(o, "signature"), "IkVB4ZZIYcbqa1lLQWtWcKVC8zBb4_vydiot7Shto_o");
        assert_null(jws_eab("kid-1", "not base64!", "https://ca.example/", jwk, &err));
        assert_non_null(strstr(err, "base64url"));
}

/* The JWS signature verifies with the public key: RS256 as PKCS#1 v1.5, ES256 as r||s. */
static void verify_jws(gnutls_x509_privkey_t key, bool ec) {
        _cleanup_free_ char *jws = jws_sign(key, &(JwsHeader) { .kid = "https://ca/acct/1", .nonce = "n1",
                                                                .url = "https://ca/order" },
                                            "{\"a\":1}");
        _cleanup_json_ json_t *o = json_loads(jws, 0, NULL), *hdr = NULL;
        _cleanup_strbuf_ StrBuf sig = STRBUF_INIT, prot = STRBUF_INIT, input = STRBUF_INIT;
        const char *p = json_object_get_string(o, "protected"), *s = json_object_get_string(o, "signature");
        gnutls_privkey_t pk;
        gnutls_pubkey_t pub;
        gnutls_datum_t der = {};
        int r;

        assert_int_equal(base64_decode(&sig, s, strlen(s)), 0);
        assert_int_equal(base64_decode(&prot, p, strlen(p)), 0);
        hdr = json_loads(prot.buf, 0, NULL);
        assert_string_equal(json_object_get_string(hdr, "alg"), ec ? "ES256" : "RS256");
        assert_string_equal(json_object_get_string(hdr, "kid"), "https://ca/acct/1");
        assert_string_equal(json_object_get_string(hdr, "nonce"), "n1");
        assert_null(json_object_get(hdr, "jwk"));
        strbuf_addf(&input, "%s.%s", p, json_object_get_string(o, "payload"));

        assert_int_equal(gnutls_privkey_init(&pk), 0);
        assert_int_equal(gnutls_privkey_import_x509(pk, key, 0), 0);
        assert_int_equal(gnutls_pubkey_init(&pub), 0);
        assert_int_equal(gnutls_pubkey_import_privkey(pub, pk, 0, 0), 0);
        if (ec) {
                assert_int_equal(sig.len, 64);
                assert_int_equal(gnutls_encode_rs_value(&der, &(gnutls_datum_t) { (unsigned char *) sig.buf, 32 },
                                                        &(gnutls_datum_t) { (unsigned char *) sig.buf + 32, 32 }),
                                 0);
        } else
                der = (gnutls_datum_t) { (unsigned char *) xmemdup(sig.buf, sig.len), (unsigned) sig.len };
        r = gnutls_pubkey_verify_data2(pub, ec ? GNUTLS_SIGN_ECDSA_SHA256 : GNUTLS_SIGN_RSA_SHA256, 0,
                                       &(gnutls_datum_t) { (unsigned char *) input.buf, (unsigned) input.len }, &der);
        assert_true(r >= 0);
        gnutls_free(der.data);
        gnutls_pubkey_deinit(pub);
        gnutls_privkey_deinit(pk);
}

static void test_jws_signatures(void **state) {
        _cleanup_(x509_privkey_freep) gnutls_x509_privkey_t rsa = load_key("rsa-account.key");
        _cleanup_(x509_privkey_freep) gnutls_x509_privkey_t ec = load_key("ec-account.key");

        verify_jws(rsa, false);
        verify_jws(ec, true);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_jwk_and_thumbprint),
                cmocka_unit_test(test_key_authorization),
                cmocka_unit_test(test_eab),
                cmocka_unit_test(test_jws_signatures),
        };

        json_setup_allocator();
        return RUN_TESTS(tests);
}
