/* SPDX-License-Identifier: AGPL-3.0-or-later */

/* PEM parsing (upstream's check_pem rules), encrypted-key detection, certificate description. */

#include "test-util.h"
#include "basic/alloc.h"
#include "basic/strv.h"
#include "sys/pem.h"
#include "sys/x509.h"

#define B64 "MIIBADANBgkqhkiG9w0BAQEFAAOCAQ0AMIIBCAKCAQEAx4aB"

static void test_blocks(void **state) {
        _cleanup_(pem_blocks_done) PemBlocks b = {};
        _cleanup_free_ char *err = NULL;
        const char *text = "leading text\n-----BEGIN CERTIFICATE-----\n" B64 "\n-----END CERTIFICATE-----\n\n"
                           "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n" B64
                           "\n-----END RSA PRIVATE KEY-----\n";

        assert_int_equal(pem_parse(text, &b, &err), 0);
        assert_int_equal(b.n, 2);
        assert_string_equal(b.blocks[0].label, "CERTIFICATE");
        assert_false(b.blocks[0].encrypted);
        assert_true(b.blocks[1].encrypted);
        assert_int_equal(pem_count_label(&b, "CERTIFICATE"), 1);
        assert_string_equal(pem_strip_leading_text(text), text + strlen("leading text\n"));
}

static void test_invalid(void **state) {
        static const char *const bad[] = {
                "",
                "just text",
                "-----BEGIN CERTIFICATE-----\n" B64 "\n",
                "-----BEGIN CERTIFICATE-----\n" B64 "\n-----END PRIVATE KEY-----\n",
                "-----BEGIN CERTIFICATE-----\n" B64 "*\n-----END CERTIFICATE-----\n",
                "-----BEGIN CERTIFICATE-----\nAB=C\n-----END CERTIFICATE-----\n",
                "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
                "-----BEGIN CERTIFICATE-----\n" B64 "\n-----END CERTIFICATE-----\ntrailing\n",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                PemBlocks b = {};
                _cleanup_free_ char *err = NULL;

                assert_int_equal(pem_parse(bad[i], &b, &err), -EINVAL);
                assert_non_null(strstr(err, PEM_INVALID_MESSAGE));
        }
}

static void test_encode_roundtrip(void **state) {
        uint8_t data[100];
        _cleanup_free_ char *pem = NULL, *err = NULL;
        _cleanup_(pem_blocks_done) PemBlocks b = {};

        for (size_t i = 0; i < sizeof(data); i++)
                data[i] = (uint8_t) (i * 7);
        pem = pem_encode("TEST DATA", data, sizeof(data));
        assert_non_null(strstr(pem, "\n-----END TEST DATA-----\n"));
        assert_int_equal(pem_parse(pem, &b, &err), 0);
        assert_int_equal(b.blocks[0].der_len, sizeof(data));
        assert_memory_equal(b.blocks[0].der, data, sizeof(data));
}

static void test_keys(void **state) {
        _cleanup_free_ char *path = xasprintf("%s/acme/rsa-account.key", fixture_dir()), *pem = read_test_file(path);
        _cleanup_free_ char *err = NULL, *err2 = NULL, *pkcs8 = NULL;
        _cleanup_(x509_privkey_freep) gnutls_x509_privkey_t key = NULL, again = NULL;
        gnutls_x509_privkey_t none = NULL;
        const char *enc = "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" B64 "\n-----END ENCRYPTED PRIVATE KEY-----\n";

        assert_int_equal(x509_key_from_pem(pem, &key, &err), 0);
        pkcs8 = x509_key_to_pem(key);
        assert_non_null(strstr(pkcs8, "-----BEGIN PRIVATE KEY-----"));
        assert_int_equal(x509_key_from_pem(pkcs8, &again, &err), 0);
        assert_int_equal(x509_key_from_pem(enc, &none, &err2), -EKEYREJECTED);
        assert_non_null(strstr(err2, "password protected"));
        assert_null(none);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_blocks),
                cmocka_unit_test(test_invalid),
                cmocka_unit_test(test_encode_roundtrip),
                cmocka_unit_test(test_keys),
        };

        return RUN_TESTS(tests);
}
