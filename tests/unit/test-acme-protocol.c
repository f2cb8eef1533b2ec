/* SPDX-License-Identifier: AGPL-3.0-or-later */

/* RFC 8555 / RFC 9773 documents as pebble and Let's Encrypt send them, and broken ones. */

#include "test-util.h"
#include "acme/protocol.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/strv.h"

#define PARSE(fn, text, ret, err) fn((text), strlen(text), (ret), (err))

static void test_directory(void **state) {
        const char *text = "{\"keyChange\":\"https://ca/rollover\",\"meta\":{\"externalAccountRequired\":true,"
                           "\"termsOfService\":\"https://ca/tos.pdf\"},\"newAccount\":\"https://ca/acct\","
                           "\"newNonce\":\"https://ca/nonce\",\"newOrder\":\"https://ca/order\","
                           "\"renewalInfo\":\"https://ca/ari/\",\"revokeCert\":\"https://ca/revoke\",\"x\":1}";
        _cleanup_(acme_directory_done) AcmeDirectory d = {};
        _cleanup_free_ char *err = NULL;

        assert_int_equal(PARSE(acme_parse_directory, text, &d, &err), 0);
        assert_string_equal(d.new_nonce, "https://ca/nonce");
        assert_string_equal(d.key_change, "https://ca/rollover");
        assert_string_equal(d.renewal_info, "https://ca/ari/");
        assert_string_equal(d.terms_of_service, "https://ca/tos.pdf");
        assert_true(d.external_account_required);
}

static void test_directory_bad(void **state) {
        static const char *const bad[] = {
                "", "[]", "{\"newAccount\":\"a\",\"newOrder\":\"b\"}", "{\"newNonce\":1,\"newAccount\":\"a\",\"newOrder\":\"b\"}",
                "{\"newNonce\":\"a\",\"newNonce\":\"b\",\"newAccount\":\"a\",\"newOrder\":\"b\"}", "{\"newNonce\":",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                AcmeDirectory d = {};
                _cleanup_free_ char *err = NULL;

                assert_int_equal(PARSE(acme_parse_directory, bad[i], &d, &err), -EBADMSG);
                assert_non_null(strstr(err, "invalid directory"));
        }
}

static void test_problem(void **state) {
        const char *text = "{\"type\":\"urn:ietf:params:acme:error:rejectedIdentifier\",\"detail\":\"Error creating new "
                           "order\",\"status\":400,\"subproblems\":[{\"type\":\"urn:ietf:params:acme:error:"
                           "rejectedIdentifier\",\"detail\":\"forbidden by policy\",\"identifier\":{\"type\":\"dns\","
                           "\"value\":\"blocked.example.com\"}}]}";
        _cleanup_(acme_problem_done) AcmeProblem p = {};
        _cleanup_free_ char *msg = NULL;

        assert_int_equal(acme_parse_problem(text, strlen(text), &p), 0);
        assert_true(acme_problem_is(&p, "rejectedIdentifier"));
        assert_false(acme_problem_is(&p, "badNonce"));
        assert_int_equal(p.status, 400);
        msg = acme_problem_text(&p);
        assert_string_equal(msg, "Error creating new order (blocked.example.com: forbidden by policy)");
}

static void test_order_and_authorization(void **state) {
        const char *order = "{\"status\":\"ready\",\"identifiers\":[{\"type\":\"dns\",\"value\":\"a.example\"},"
                            "{\"type\":\"ip\",\"value\":\"192.0.2.1\"}],\"authorizations\":[\"https://ca/authz/1\"],"
                            "\"finalize\":\"https://ca/fin\"}";
        const char *authz = "{\"status\":\"invalid\",\"identifier\":{\"type\":\"dns\",\"value\":\"A.Example\"},"
                            "\"challenges\":[{\"type\":\"http-01\",\"url\":\"https://ca/chal/1\",\"token\":\"t1\","
                            "\"status\":\"invalid\",\"error\":{\"type\":\"urn:ietf:params:acme:error:connection\","
                            "\"detail\":\"connection refused\"}},{\"type\":\"dns-01\",\"url\":\"https://ca/chal/2\","
                            "\"token\":\"t2\"}]}";
        _cleanup_(acme_order_done) AcmeOrder o = {};
        _cleanup_(acme_authorization_done) AcmeAuthorization a = {};
        _cleanup_free_ char *err = NULL;
        const AcmeChallenge *c;

        assert_int_equal(PARSE(acme_parse_order, order, &o, &err), 0);
        assert_string_equal(o.status, "ready");
        assert_int_equal(strv_length(o.identifiers), 1); /* only DNS identifiers */
        assert_string_equal(o.identifiers[0], "a.example");
        assert_string_equal(o.authorizations[0], "https://ca/authz/1");
        assert_null(o.certificate);

        assert_int_equal(PARSE(acme_parse_authorization, authz, &a, &err), 0);
        assert_string_equal(a.identifier, "A.Example");
        c = acme_authorization_challenge(&a, "dns-01");
        assert_non_null(c);
        assert_string_equal(c->token, "t2");
        c = acme_authorization_challenge(&a, "http-01");
        assert_string_equal(c->error.detail, "connection refused");
        assert_null(acme_authorization_challenge(&a, "tls-alpn-01"));
}

static void test_order_bad(void **state) {
        static const char *const bad[] = {
                "{\"status\":\"ready\",\"identifiers\":[],\"authorizations\":[]}",
                "{\"status\":\"ready\",\"identifiers\":[],\"authorizations\":[1],\"finalize\":\"f\"}",
                "{\"status\":\"ready\",\"identifiers\":[{\"type\":\"dns\"}],\"authorizations\":[],\"finalize\":\"f\"}",
                "{\"status\":\"ready\",\"authorizations\":[],\"finalize\":\"f\"}",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                AcmeOrder o = {};
                _cleanup_free_ char *err = NULL;

                assert_int_equal(PARSE(acme_parse_order, bad[i], &o, &err), -EBADMSG);
        }
}

static void test_timestamps(void **state) {
        time_t t;

        assert_int_equal(acme_parse_timestamp("2025-01-02T03:04:05Z", &t), 0);
        assert_int_equal(t, 1735787045);
        assert_int_equal(acme_parse_timestamp("2025-01-02T03:04:05.123456789Z", &t), 0);
        assert_int_equal(t, 1735787045);
        assert_int_equal(acme_parse_timestamp("2025-01-02T04:04:05+01:00", &t), 0);
        assert_int_equal(t, 1735787045);
        assert_int_equal(acme_parse_timestamp("2025-01-02t02:04:05-01:00", &t), 0);
        assert_int_equal(t, 1735787045);
        assert_int_equal(acme_parse_timestamp("2025-01-02T03:04:05", &t), -EINVAL);
        assert_int_equal(acme_parse_timestamp("2025-13-02T03:04:05Z", &t), -EINVAL);
        assert_int_equal(acme_parse_timestamp("2025-01-02T03:04:05.Z", &t), -EINVAL);
        assert_int_equal(acme_parse_timestamp("2025-01-02T03:04:05Zjunk", &t), -EINVAL);
}

static void test_renewal_info(void **state) {
        const char *ok = "{\"suggestedWindow\":{\"start\":\"2025-01-02T00:00:00Z\",\"end\":\"2025-01-03T00:00:00Z\"},"
                         "\"explanationURL\":\"https://ca/why\"}";
        const char *backwards = "{\"suggestedWindow\":{\"start\":\"2025-01-03T00:00:00Z\",\"end\":\"2025-01-02T00:00:00Z\"}}";
        _cleanup_(acme_renewal_info_done) AcmeRenewalInfo r = {};
        AcmeRenewalInfo bad = {};
        _cleanup_free_ char *err = NULL, *err2 = NULL;

        assert_int_equal(PARSE(acme_parse_renewal_info, ok, &r, &err), 0);
        assert_int_equal(r.window_start, 1735776000);
        assert_int_equal(r.window_end, 1735862400);
        assert_string_equal(r.explanation_url, "https://ca/why");
        assert_int_equal(PARSE(acme_parse_renewal_info, backwards, &bad, &err2), -EBADMSG);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_directory),
                cmocka_unit_test(test_directory_bad),
                cmocka_unit_test(test_problem),
                cmocka_unit_test(test_order_and_authorization),
                cmocka_unit_test(test_order_bad),
                cmocka_unit_test(test_timestamps),
                cmocka_unit_test(test_renewal_info),
        };

        return RUN_TESTS(tests);
}
