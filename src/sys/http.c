/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <curl/curl.h>
#include <stdatomic.h>

#include "basic/alloc.h"
#include "basic/strv.h"
#include "dlopen-util.h"
#include "http.h"

static DLSYM_FUNCTION(curl_easy_init);
static DLSYM_FUNCTION(curl_easy_setopt);
static DLSYM_FUNCTION(curl_easy_perform);
static DLSYM_FUNCTION(curl_easy_getinfo);
static DLSYM_FUNCTION(curl_easy_reset);
static DLSYM_FUNCTION(curl_easy_cleanup);
static DLSYM_FUNCTION(curl_easy_strerror);
static DLSYM_FUNCTION(curl_slist_append);
static DLSYM_FUNCTION(curl_slist_free_all);

struct HttpClient {
        CURL *curl;
        atomic_bool cancelled;
        char error[CURL_ERROR_SIZE];
};

static int dlopen_curl(char **reterr) {
        static void *dl;
        int r;

        r = dlopen_many_sym(&dl, "libcurl-gnutls.so.4", DLSYM_ARG(curl_easy_init), DLSYM_ARG(curl_easy_setopt),
                            DLSYM_ARG(curl_easy_perform), DLSYM_ARG(curl_easy_getinfo), DLSYM_ARG(curl_easy_reset),
                            DLSYM_ARG(curl_easy_cleanup), DLSYM_ARG(curl_easy_strerror),
                            DLSYM_ARG(curl_slist_append), DLSYM_ARG(curl_slist_free_all), NULL);
        if (r < 0)
                *reterr = xasprintf("unable to load libcurl: %s", dlopen_last_error());
        return r;
}

int http_client_new(HttpClient **ret, char **reterr) {
        HttpClient *c;
        int r;

        r = dlopen_curl(reterr);
        if (r < 0)
                return r;
        c = new0(HttpClient, 1);
        c->curl = sym_curl_easy_init();
        if (!c->curl)
                oom();
        *ret = c;
        return 0;
}

HttpClient *http_client_free(HttpClient *c) {
        if (!c)
                return NULL;
        sym_curl_easy_cleanup(c->curl);
        free(c);
        return NULL;
}

void http_client_cancel(HttpClient *c) {
        atomic_store(&c->cancelled, true);
}

void http_response_done(HttpResponse *r) {
        strbuf_release(&r->body);
        r->status = 0;
}

static size_t write_body(char *data, size_t size, size_t n, void *userdata) {
        StrBuf *body = userdata;
        size_t len = size * n;

        strbuf_add(body, data, MIN(len, HTTP_RESPONSE_MAX - MIN(body->len, (size_t) HTTP_RESPONSE_MAX)));
        return len;
}

static int progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow) {
        HttpClient *c = userdata;

        return atomic_load(&c->cancelled) ? 1 : 0;
}

static void curl_slist_freep(struct curl_slist **l) {
        if (*l)
                sym_curl_slist_free_all(*l);
}

int http_client_send(HttpClient *c, const HttpRequest *req, HttpResponse *ret, char **reterr) {
        _cleanup_(curl_slist_freep) struct curl_slist *headers = NULL;
        HttpResponse resp = HTTP_RESPONSE_INIT;
        CURL *h = c->curl;
        CURLcode code;

        /* Options from an earlier request must not leak into this one; connections stay cached. */
        sym_curl_easy_reset(h);
        c->error[0] = 0;

        STRV_FOREACH(line, req->headers) {
                headers = sym_curl_slist_append(headers, *line);
                if (!headers)
                        oom();
        }
        /* No "Expect: 100-continue" round trip before bodies. */
        headers = sym_curl_slist_append(headers, "Expect:");
        if (!headers)
                oom();

        (void) sym_curl_easy_setopt(h, CURLOPT_URL, req->url);
        (void) sym_curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
        if (req->body || streq(req->method, "POST") || streq(req->method, "PUT")) {
                (void) sym_curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ?: "");
                (void) sym_curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) req->body_len);
        }
        (void) sym_curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        (void) sym_curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        (void) sym_curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        (void) sym_curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->error);
        (void) sym_curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_body);
        (void) sym_curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp.body);
        (void) sym_curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        (void) sym_curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress);
        (void) sym_curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
        (void) sym_curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long) (req->timeout / USEC_PER_MSEC));
        if (req->insecure) {
                (void) sym_curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
                (void) sym_curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
        }

        code = sym_curl_easy_perform(h);
        if (code != CURLE_OK) {
                strbuf_release(&resp.body);
                *reterr = xstrdup(c->error[0] ? c->error : sym_curl_easy_strerror(code));
                return code == CURLE_OPERATION_TIMEDOUT        ? -ETIMEDOUT
                       : code == CURLE_ABORTED_BY_CALLBACK ? -ECANCELED
                                                           : -EIO;
        }
        (void) sym_curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp.status);
        *ret = resp;
        return 0;
}

void http_url_escape(StrBuf *out, const char *s) {
        static const char hex[] = "0123456789ABCDEF";

        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                    strchr("-._~", *p))
                        strbuf_addc(out, (char) *p);
                else {
                        strbuf_addc(out, '%');
                        strbuf_addc(out, hex[*p >> 4]);
                        strbuf_addc(out, hex[*p & 15]);
                }
        }
}
