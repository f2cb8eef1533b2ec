/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * HTTPS requests over libcurl, loaded with dlopen on first use
 * (dlopen-util.h), so programs that never talk HTTP do not pay for it.
 *
 * An HttpClient keeps one connection open across requests (ACME sends a
 * dozen requests to the same server for one certificate). Server
 * certificates are always verified: against the PEM bundle named by the
 * environment variable SSL_CERT_FILE (and the directory SSL_CERT_DIR) when
 * set, else against the system's CA store. Proxies come from the usual
 * environment variables (https_proxy, no_proxy), as upstream's LWP client.
 *
 *         _cleanup_(http_client_freep) HttpClient *c = NULL;
 *         _cleanup_(http_response_done) HttpResponse resp = HTTP_RESPONSE_INIT;
 *
 *         r = http_client_new(&(HttpClientOptions) { .https_only = true }, &c, &err);
 *         r = http_request(c, &(HttpRequest) { .method = "GET", .url = url }, &resp, &err);
 *         if (resp.status == 200) ... resp.body.buf ...
 */

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "basic/strbuf.h"
#include "basic/time-util.h"

typedef struct HttpClient HttpClient;

typedef struct HttpClientOptions {
        const char *user_agent;  /* NULL: "pvehost/<version>" */
        bool https_only;         /* refuse other URL schemes, also in redirects */
        usec_t timeout;          /* per request; 0: 60 seconds */
        usec_t connect_timeout;  /* 0: 15 seconds */
} HttpClientOptions;

typedef struct HttpRequest {
        const char *method;       /* "GET", "POST", "HEAD" */
        const char *url;
        const char *content_type; /* of the body; NULL: none sent */
        const void *body;         /* NULL: no body */
        size_t body_len;
        size_t max_body;          /* largest accepted response body; 0: 4 MiB */
} HttpRequest;

typedef struct HttpResponse {
        long status;              /* HTTP status code */
        char **headers;           /* "Name: value" lines of the final response, as received */
        StrBuf body;
} HttpResponse;

#define HTTP_RESPONSE_INIT { .status = 0, .headers = NULL, .body = STRBUF_INIT }

/*
 * Creates a client. Fails with -EOPNOTSUPP (and a message naming the
 * library) when libcurl cannot be loaded.
 */
int http_client_new(const HttpClientOptions *o, HttpClient **ret, char **reterr);
HttpClient *http_client_free(HttpClient *c);
static inline void http_client_freep(HttpClient **c) {
        http_client_free(*c);
}

/*
 * Sends the request and stores the response, whatever its status, in *ret
 * (which must be initialised with HTTP_RESPONSE_INIT and is reset first).
 * Returns 0, or a negative errno with a message in *reterr when no
 * response arrived: connection refused, timeout, TLS verification failure
 * (curl's own text, such as "SSL certificate problem: ..."), a body larger
 * than max_body (-EFBIG).
 */
int http_request(HttpClient *c, const HttpRequest *req, HttpResponse *ret, char **reterr);

/* The value of the first header of that name (case-insensitive), or NULL. */
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
void http_response_done(HttpResponse *r);
