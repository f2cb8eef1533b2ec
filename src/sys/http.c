/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <curl/curl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <strings.h>

#include "basic/alloc.h"
#include "basic/parse.h"
#include "basic/strutil.h"
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
        r->headers = strv_free(r->headers);
        r->status = 0;
}

#define HTTP_MAX_HEADERS 256

/* Where the callbacks put the response being received. */
typedef struct Receiver {
        HttpResponse *resp;
        size_t max_body;
} Receiver;

static size_t write_body(char *data, size_t size, size_t n, void *userdata) {
        Receiver *rcv = userdata;
        StrBuf *body = &rcv->resp->body;
        size_t len = size * n;

        strbuf_add(body, data, MIN(len, rcv->max_body - MIN(body->len, rcv->max_body)));
        return len;
}

static size_t write_header(char *data, size_t size, size_t n, void *userdata) {
        Receiver *rcv = userdata;
        size_t len = size * n, l = len;

        /* A status line starts a new response (after a redirect or "100 Continue"). */
        if (len >= 5 && strneq(data, "HTTP/", 5)) {
                rcv->resp->headers = strv_free(rcv->resp->headers);
                return len;
        }
        while (l > 0 && (data[l - 1] == '\n' || data[l - 1] == '\r'))
                l--;
        if (l > 0 && memchr(data, ':', l) && strv_length(rcv->resp->headers) < HTTP_MAX_HEADERS)
                strv_push(&rcv->resp->headers, xstrndup(data, l));
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
        Receiver rcv = { .resp = &resp, .max_body = req->max_body ?: HTTP_RESPONSE_MAX };
        const char *cafile = getenv("SSL_CERT_FILE"), *capath = getenv("SSL_CERT_DIR");
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
        if (streq(req->method, "HEAD"))
                (void) sym_curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
        else
                (void) sym_curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
        if (req->body || streq(req->method, "POST") || streq(req->method, "PUT")) {
                (void) sym_curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ?: "");
                (void) sym_curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) req->body_len);
        }
        (void) sym_curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        (void) sym_curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        (void) sym_curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, req->https_only ? "https" : "http,https");
        (void) sym_curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, req->https_only ? "https" : "http,https");
        (void) sym_curl_easy_setopt(h, CURLOPT_USERAGENT, "pvehost/" PVEHOST_VERSION);
        (void) sym_curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->error);
        (void) sym_curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_body);
        (void) sym_curl_easy_setopt(h, CURLOPT_WRITEDATA, &rcv);
        (void) sym_curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, write_header);
        (void) sym_curl_easy_setopt(h, CURLOPT_HEADERDATA, &rcv);
        if (!isempty(cafile))
                (void) sym_curl_easy_setopt(h, CURLOPT_CAINFO, cafile);
        if (!isempty(capath))
                (void) sym_curl_easy_setopt(h, CURLOPT_CAPATH, capath);
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
                http_response_done(&resp);
                *reterr = xstrdup(c->error[0] ? c->error : sym_curl_easy_strerror(code));
                return code == CURLE_OPERATION_TIMEDOUT        ? -ETIMEDOUT
                       : code == CURLE_ABORTED_BY_CALLBACK ? -ECANCELED
                                                           : -EIO;
        }
        (void) sym_curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp.status);
        http_response_done(ret);
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

const char *http_response_header(const HttpResponse *r, const char *name) {
        size_t n = strlen(name);

        STRV_FOREACH(h, r->headers)
                if (strncasecmp(*h, name, n) == 0 && (*h)[n] == ':')
                        return skip_blanks(*h + n + 1);
        return NULL;
}

/* True if the link parameters (";rel=up; title=x") contain the relation rel. */
static bool link_params_have_rel(const char *params, size_t len, const char *rel) {
        _cleanup_free_ char *copy = xstrndup(params, len);
        _cleanup_strv_free_ char **parts = strv_split(copy, ";");

        STRV_FOREACH(p, parts) {
                _cleanup_strv_free_ char **rels = NULL;
                char *v = startswith_no_case(strstrip(*p), "rel");

                if (!v)
                        continue;
                v = skip_blanks(v);
                if (*v != '=')
                        continue;
                v = strstrip(v + 1);
                if (*v == '"') {
                        size_t l = strlen(v);

                        if (l < 2 || v[l - 1] != '"')
                                continue;
                        v[l - 1] = 0;
                        v++;
                }
                /* rel may hold several space-separated relation types. */
                rels = strv_split(v, " \t");
                STRV_FOREACH(x, rels)
                        if (strcasecmp(*x, rel) == 0)
                                return true;
        }
        return false;
}

char **http_response_links(const HttpResponse *r, const char *rel) {
        char **links = NULL;

        STRV_FOREACH(h, r->headers) {
                const char *p;

                if (strncasecmp(*h, "Link:", 5) != 0)
                        continue;
                /* link-value *( "," link-value ), each "<uri>" *( ";" param ). */
                for (p = *h + 5;;) {
                        const char *lt = strchr(p, '<'), *gt, *end;

                        if (!lt || !(gt = strchr(lt, '>')))
                                break;
                        end = strchr(gt, ',') ?: gt + strlen(gt);
                        if (link_params_have_rel(gt + 1, (size_t) (end - gt - 1), rel))
                                strv_push(&links, xstrndup(lt + 1, (size_t) (gt - lt - 1)));
                        if (!*end)
                                break;
                        p = end + 1;
                }
        }
        return links;
}

int http_response_retry_after(const HttpResponse *r, time_t now, usec_t *ret) {
        const char *v = http_response_header(r, "Retry-After"), *end;
        struct tm tm = {};
        uint64_t secs;
        time_t t;

        if (!v)
                return -ENOENT;
        if (parse_uint64(v, UINT64_MAX / USEC_PER_SEC, &secs) >= 0) {
                *ret = secs * USEC_PER_SEC;
                return 0;
        }
        /* IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT". */
        end = strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        if (!end || *end)
                return -EINVAL;
        t = timegm(&tm);
        if (t == (time_t) -1)
                return -EINVAL;
        *ret = t > now ? (usec_t) (t - now) * USEC_PER_SEC : 0;
        return 0;
}
