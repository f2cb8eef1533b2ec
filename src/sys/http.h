/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * A minimal HTTP(S) client over libcurl, loaded with dlopen on first use
 * (libcurl pulls in some thirty libraries; linking it would slow every
 * program's start-up and cost resident memory where it is never used).
 *
 * One HttpClient is one libcurl easy handle: requests made through the same
 * client reuse its connections (keep-alive), so a daemon posting every few
 * seconds keeps one TCP/TLS connection open. A client must not be used by
 * two threads at once; http_client_cancel() is the one call that may come
 * from another thread.
 *
 *         _cleanup_(http_client_freep) HttpClient *c = NULL;
 *         _cleanup_(http_response_done) HttpResponse resp = HTTP_RESPONSE_INIT;
 *         r = http_client_new(&c, &err);
 *         r = http_client_send(c, &(HttpRequest) { .method = "POST", .url = url, .body = data,
 *                                                  .body_len = n, .timeout = 5 * USEC_PER_SEC },
 *                              &resp, &err);
 *         if (r >= 0 && resp.status / 100 != 2) ...
 *
 * Server certificates are verified against the PEM bundle named by the
 * environment variable SSL_CERT_FILE (and the directory SSL_CERT_DIR) when
 * set, else against the system's CA store, as the curl tool does. Proxies
 * come from the usual environment variables (https_proxy, no_proxy).
 */

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "basic/strbuf.h"
#include "basic/time-util.h"

typedef struct HttpClient HttpClient;

typedef struct HttpRequest {
        const char *method;      /* "GET", "POST", ... */
        const char *url;
        char *const *headers;    /* "Name: value" lines, NULL-terminated; may be NULL */
        const void *body;        /* request body (may be NULL) */
        size_t body_len;
        usec_t timeout;          /* for the whole request, connecting included; 0: none */
        bool insecure;           /* accept any certificate and host name */
        bool https_only;         /* refuse other URL schemes, also when redirected */
        size_t max_body;         /* bodies are cut after this many bytes; 0: HTTP_RESPONSE_MAX */
} HttpRequest;

typedef struct HttpResponse {
        long status;             /* HTTP status code */
        char **headers;          /* "Name: value" lines of the final response */
        StrBuf body;             /* at most max_body bytes; longer bodies are cut */
} HttpResponse;

#define HTTP_RESPONSE_INIT { .status = 0, .headers = NULL, .body = STRBUF_INIT }
#define HTTP_RESPONSE_MAX (64 * 1024)

/* Loads libcurl (-EOPNOTSUPP with a message when missing) and makes a client. */
int http_client_new(HttpClient **ret, char **reterr);
HttpClient *http_client_free(HttpClient *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(HttpClient *, http_client_free);

/*
 * Sends the request and reads the response. Returns 0 when a response
 * arrived (whatever its status), or a negative errno with libcurl's message
 * in *reterr: -ETIMEDOUT, -ECANCELED after http_client_cancel(), -EIO for
 * connection, TLS and protocol failures.
 */
int http_client_send(HttpClient *c, const HttpRequest *req, HttpResponse *ret, char **reterr);

/* Makes a transfer in progress on c (in another thread) fail soon with -ECANCELED; sticky. */
void http_client_cancel(HttpClient *c);

void http_response_done(HttpResponse *r);

/* The value of the first response header of that name (case-insensitive), or NULL. */
const char *http_response_header(const HttpResponse *r, const char *name);
/*
 * The targets of every "Link: <url>;rel=\"<rel>\"" header with the given
 * relation, in order (RFC 8288; ACME uses "up" and "index").
 */
char **http_response_links(const HttpResponse *r, const char *rel);
/*
 * The Retry-After header (RFC 9110 10.2.3: delay in seconds or an HTTP
 * date) as a delay from now (a Unix time), in *ret. Returns 0, -ENOENT
 * without the header, -EINVAL when it cannot be parsed. Dates in the past
 * give 0.
 */
int http_response_retry_after(const HttpResponse *r, time_t now, usec_t *ret);

/* Percent-encodes s for a URL query value (RFC 3986 unreserved characters stay). */
void http_url_escape(StrBuf *out, const char *s);
