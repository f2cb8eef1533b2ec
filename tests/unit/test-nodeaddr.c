/* SPDX-License-Identifier: AGPL-3.0-or-later */

/* What the node certificate learns from /etc/hosts and /etc/resolv.conf; HTTP header helpers. */

#include "test-util.h"
#include "basic/alloc.h"
#include "basic/strv.h"
#include "certs/nodeaddr.h"
#include "sys/http.h"

static void test_search_domain(void **state) {
        _cleanup_free_ char *a = resolv_conf_search_domain("domain one.example\nnameserver 1.1.1.1\n"
                                                            "search two.example three.example\n# search x\n");
        _cleanup_free_ char *b = resolv_conf_search_domain("nameserver 1.1.1.1\nsearchdomain x\n  search y\n");

        /* The last search/domain line at the start of a line counts, first domain only (upstream's regex). */
        assert_string_equal(a, "two.example");
        assert_null(b);
}

static void test_hosts(void **state) {
        const char *hosts = "127.0.0.1 localhost\n127.0.1.1 pve1.example.com pve1\n# 192.0.2.1 pve1\n"
                            "not-an-address pve1\n192.0.2.10\tPVE1.example.com pve1 # comment\n2001:db8::1 pve2\n";
        _cleanup_free_ char *a = hosts_lookup(hosts, "pve1"), *b = hosts_lookup(hosts, "pve2"),
                            *c = hosts_lookup(hosts, "pve3");

        /* Loopback entries (Debian's 127.0.1.1 line) do not count, as upstream's get_ip_from_hostname. */
        assert_string_equal(a, "192.0.2.10");
        assert_string_equal(b, "2001:db8::1");
        assert_null(c);
}

static void test_http_headers(void **state) {
        _cleanup_strv_free_ char **up = NULL, **none = NULL;
        HttpResponse r = HTTP_RESPONSE_INIT;
        usec_t d;

        r.headers = strv_new("Replay-Nonce: abc", "Link: <https://ca/dir>;rel=\"index\", <https://ca/alt/1>; rel=up",
                             "link: <https://ca/alt/2>;rel=\"alternate up\"", "Retry-After: 7", NULL);
        assert_string_equal(http_response_header(&r, "replay-nonce"), "abc");
        up = http_response_links(&r, "up");
        assert_int_equal(strv_length(up), 2);
        assert_string_equal(up[0], "https://ca/alt/1");
        assert_string_equal(up[1], "https://ca/alt/2");
        none = http_response_links(&r, "author");
        assert_null(none);
        assert_int_equal(http_response_retry_after(&r, 0, &d), 0);
        assert_int_equal(d, 7 * USEC_PER_SEC);
        strv_free(r.headers);

        r.headers = strv_new("Retry-After: Sun, 06 Nov 1994 08:49:37 GMT", NULL);
        assert_int_equal(http_response_retry_after(&r, 784111770, &d), 0);
        assert_int_equal(d, 7 * USEC_PER_SEC);
        assert_int_equal(http_response_retry_after(&r, 784111800, &d), 0);
        assert_int_equal(d, 0);
        strv_free(r.headers);
        r.headers = strv_new("Retry-After: soon", NULL);
        assert_int_equal(http_response_retry_after(&r, 0, &d), -EINVAL);
        http_response_done(&r);
        assert_int_equal(http_response_retry_after(&r, 0, &d), -ENOENT);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_search_domain),
                cmocka_unit_test(test_hosts),
                cmocka_unit_test(test_http_headers),
        };

        return RUN_TESTS(tests);
}
