/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <curl/curl.h>
#include <stdlib.h>
#include <strings.h>

#include "basic/alloc.h"
#include "basic/parse.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "dlopen-util.h"
#include "http.h"

#define HTTP_DEFAULT_TIMEOUT (60 * USEC_PER_SEC)
#define HTTP_DEFAULT_CONNECT_TIMEOUT (15 * USEC_PER_SEC)
#define HTTP_DEFAULT_MAX_BODY ((size_t) 4 * 1024 * 1024)
#define HTTP_MAX_HEADERS 256

static DLSYM_FUNCTION(curl_easy_init);
static DLSYM_FUNCTION(curl_easy_setopt);
static DLSYM_FUNCTION(curl_easy_perform);
static DLSYM_FUNCTION(curl_easy_getinfo);
static DLSYM_FUNCTION(curl_easy_cleanup);
static DLSYM_FUNCTION(curl_easy_strerror);
static DLSYM_FUNCTION(curl_slist_append);
static DLSYM_FUNCTION(curl_slist_free_all);

static int dlopen_curl(char **reterr) {
        static void *dl;
        int r;

        r = dlopen_many_sym(&dl, "libcurl-gnutls.so.4",
                            DLSYM_ARG(curl_easy_init), DLSYM_ARG(curl_easy_setopt), DLSYM_ARG(curl_easy_perform),
                            DLSYM_ARG(curl_easy_getinfo), DLSYM_ARG(curl_easy_cleanup),
                            DLSYM_ARG(curl_easy_strerror), DLSYM_ARG(curl_slist_append),
                            DLSYM_ARG(curl_slist_free_all), NULL);
        if (r < 0)
                *reterr = xasprintf("unable to load libcurl: %s", dlopen_last_error());
        return r;
}

struct HttpClient {
        CURL *curl;
        char errbuf[CURL_ERROR_SIZE];
        /* The response being received (callbacks write here). */
        HttpResponse *resp;
        size_t max_body;
        bool too_big;
};

HttpClient *http_client_free(HttpClient *c) {
        if (!c)
                return NULL;
        if (c->curl)
                sym_curl_easy_cleanup(c->curl);
        free(c);
        return NULL;
}

static size_t on_body(char *data, size_t size, size_t n, void *userdata) {
        HttpClient *c = userdata;
        size_t len = size * n;

        if (c->resp->body.len + len > c->max_body) {
                c->too_big = true;
                return 0; /* aborts the transfer */
        }
        strbuf_add(&c->resp->body, data, len);
        return len;
}

static size_t on_header(char *data, size_t size, size_t n, void *userdata) {
        HttpClient *c = userdata;
        size_t len = size * n, l = len;

        /* A status line starts a new response (after a redirect or "100 Continue"). */
        if (len >= 5 && strneq(data, "HTTP/", 5)) {
                c->resp->headers = strv_free(c->resp->headers);
                return len;
        }
        while (l > 0 && (data[l - 1] == '\n' || data[l - 1] == '\r'))
                l--;
        if (l == 0 || !memchr(data, ':', l) || strv_length(c->resp->headers) >= HTTP_MAX_HEADERS)
                return len;
        strv_push(&c->resp->headers, xstrndup(data, l));
        return len;
}

int http_client_new(const HttpClientOptions *o, HttpClient **ret, char **reterr) {
        _cleanup_(http_client_freep) HttpClient *c = NULL;
        const char *cafile = getenv("SSL_CERT_FILE"), *capath = getenv("SSL_CERT_DIR");
        _cleanup_free_ char *agent = NULL;
        usec_t timeout = o->timeout ?: HTTP_DEFAULT_TIMEOUT;
        usec_t connect_timeout = o->connect_timeout ?: HTTP_DEFAULT_CONNECT_TIMEOUT;
        int r;

        r = dlopen_curl(reterr);
        if (r < 0)
                return r;

        c = new0(HttpClient, 1);
        c->curl = sym_curl_easy_init();
        if (!c->curl)
                oom();

        agent = o->user_agent ? xstrdup(o->user_agent) : xasprintf("pvehost/%s", PVEHOST_VERSION);
        sym_curl_easy_setopt(c->curl, CURLOPT_USERAGENT, agent); /* curl copies strings */
        sym_curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, c->errbuf);
        sym_curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
        sym_curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, (long) (timeout / USEC_PER_MSEC));
        sym_curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS, (long) (connect_timeout / USEC_PER_MSEC));
        sym_curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER, 1L);
        sym_curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST, 2L);
        sym_curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
        sym_curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c);
        sym_curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, on_header);
        sym_curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, c);
        if (!isempty(cafile))
                sym_curl_easy_setopt(c->curl, CURLOPT_CAINFO, cafile);
        if (!isempty(capath))
                sym_curl_easy_setopt(c->curl, CURLOPT_CAPATH, capath);
        if (o->https_only) {
                sym_curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "https");
                sym_curl_easy_setopt(c->curl, CURLOPT_REDIR_PROTOCOLS_STR, "https");
        }

        *ret = TAKE_PTR(c);
        return 0;
}

static void slist_freep(struct curl_slist **l) {
        if (*l)
                sym_curl_slist_free_all(*l);
}

int http_request(HttpClient *c, const HttpRequest *req, HttpResponse *ret, char **reterr) {
        _cleanup_(slist_freep) struct curl_slist *headers = NULL;
        _cleanup_free_ char *ctype = NULL;
        CURLcode code;
        long status = 0;

        http_response_done(ret);
        c->resp = ret;
        c->max_body = req->max_body ?: HTTP_DEFAULT_MAX_BODY;
        c->too_big = false;
        c->errbuf[0] = 0;

        sym_curl_easy_setopt(c->curl, CURLOPT_URL, req->url);
        sym_curl_easy_setopt(c->curl, CURLOPT_NOBODY, (long) streq(req->method, "HEAD"));
        if (req->body) {
                sym_curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, req->body);
                sym_curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) req->body_len);
        } else if (streq(req->method, "GET"))
                sym_curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
        sym_curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST,
                             streq(req->method, "GET") || streq(req->method, "HEAD") ? NULL : req->method);

        if (req->content_type) {
                ctype = xasprintf("Content-Type: %s", req->content_type);
                headers = sym_curl_slist_append(headers, ctype);
        }
        /* No "Expect: 100-continue" round trip for larger bodies. */
        headers = sym_curl_slist_append(headers, "Expect:");
        if (!headers)
                oom();
        sym_curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, headers);

        code = sym_curl_easy_perform(c->curl);
        sym_curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
        sym_curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, NULL);
        c->resp = NULL;

        if (c->too_big) {
                *reterr = xasprintf("response from '%s' is larger than %zu bytes", req->url, c->max_body);
                return -EFBIG;
        }
        if (code != CURLE_OK) {
                *reterr = xasprintf("%s %s failed - %s", req->method, req->url,
                                    c->errbuf[0] ? c->errbuf : sym_curl_easy_strerror(code));
                switch (code) {
                case CURLE_OPERATION_TIMEDOUT:
                        return -ETIMEDOUT;
                case CURLE_COULDNT_CONNECT:
                        return -ECONNREFUSED;
                case CURLE_COULDNT_RESOLVE_HOST:
                case CURLE_COULDNT_RESOLVE_PROXY:
                        return -EHOSTUNREACH;
                case CURLE_PEER_FAILED_VERIFICATION:
                case CURLE_SSL_CONNECT_ERROR:
                case CURLE_SSL_CACERT_BADFILE:
                        return -EPROTO;
                case CURLE_UNSUPPORTED_PROTOCOL:
                        return -EPROTONOSUPPORT;
                default:
                        return -EIO;
                }
        }
        sym_curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
        ret->status = status;
        return 0;
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
                char *kv = strstrip(*p), *v = startswith_no_case(kv, "rel");

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
                _cleanup_strv_free_ char **rels = strv_split(v, " \t");
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
                        const char *lt, *gt, *end;

                        lt = strchr(p, '<');
                        if (!lt)
                                break;
                        gt = strchr(lt, '>');
                        if (!gt)
                                break;
                        end = strchr(gt, ',');
                        if (!end)
                                end = gt + strlen(gt);
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
        const char *v = http_response_header(r, "Retry-After");
        uint64_t secs;
        struct tm tm = {};
        const char *end;
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

void http_response_done(HttpResponse *r) {
        r->status = 0;
        r->headers = strv_free(r->headers);
        strbuf_release(&r->body);
}
