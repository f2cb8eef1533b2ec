/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <string.h>
#include <time.h>

#include "acme/client.h"
#include "acme/jws.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/encode.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "sys/hash.h"

#define ACME_CONTENT_TYPE "Content-Type: application/jose+json"
#define ACME_HTTP_TIMEOUT (60 * USEC_PER_SEC)
#define ACME_MAX_RESPONSE (1024 * 1024)

struct AcmeClient {
        HttpClient *http;
        char *directory_url;
        AcmeDirectory dir;
        char *nonce;
        gnutls_x509_privkey_t key; /* borrowed */
        char *kid;
        usec_t retry_after;        /* of the last response; USEC_INFINITY if none */
        AcmeLogFunc log;
        void *log_userdata;
};

AcmeClient *acme_client_free(AcmeClient *c) {
        if (!c)
                return NULL;
        http_client_free(c->http);
        free(c->directory_url);
        acme_directory_done(&c->dir);
        free(c->nonce);
        free(c->kid);
        free(c);
        return NULL;
}

void acme_client_set_account(AcmeClient *c, gnutls_x509_privkey_t key, const char *kid) {
        c->key = key;
        free(c->kid);
        c->kid = kid ? xstrdup(kid) : NULL;
}

void acme_client_set_log(AcmeClient *c, AcmeLogFunc log, void *userdata) {
        c->log = log;
        c->log_userdata = userdata;
}

const AcmeDirectory *acme_client_directory(const AcmeClient *c) {
        return &c->dir;
}

usec_t acme_client_retry_after(const AcmeClient *c, usec_t fallback) {
        return c->retry_after != USEC_INFINITY ? c->retry_after : fallback;
}

/* Keeps the response's nonce and Retry-After for the next request. */
static void note_response(AcmeClient *c, const HttpResponse *resp) {
        const char *nonce = http_response_header(resp, "Replay-Nonce");
        usec_t delay;

        if (nonce) {
                free(c->nonce);
                c->nonce = xstrdup(nonce);
        }
        c->retry_after = http_response_retry_after(resp, time(NULL), &delay) >= 0 ? delay : USEC_INFINITY;
}

/* The CA's problem as message, else the HTTP status. */
static int response_error(const HttpResponse *resp, const char *method, const char *url, char **reterr) {
        _cleanup_(acme_problem_done) AcmeProblem p = {};

        if (acme_parse_problem(resp->body.buf, resp->body.len, &p) >= 0 && (p.detail || p.type))
                *reterr = acme_problem_text(&p);
        else
                *reterr = xasprintf("%s to '%s' failed - HTTP status %ld", method, url, resp->status);
        return -EPROTO;
}

/* One HTTPS request; transport failures say which request failed. */
static int send_request(AcmeClient *c, const char *method, const char *url, const char *body, HttpResponse *resp,
                        char **reterr) {
        _cleanup_free_ char *err = NULL;
        int r;

        r = http_client_send(c->http,
                             &(HttpRequest) {
                                     .method = method,
                                     .url = url,
                                     .headers = body ? STRV_MAKE(ACME_CONTENT_TYPE) : NULL,
                                     .body = body,
                                     .body_len = body ? strlen(body) : 0,
                                     .timeout = ACME_HTTP_TIMEOUT,
                                     .https_only = true,
                                     .max_body = ACME_MAX_RESPONSE,
                             },
                             resp, &err);
        if (r < 0)
                *reterr = xasprintf("%s to '%s' failed - %s", method, url, err);
        return r;
}

static int get(AcmeClient *c, const char *url, HttpResponse *resp, char **reterr) {
        int r;

        r = send_request(c, "GET", url, NULL, resp, reterr);
        if (r < 0)
                return r;
        note_response(c, resp);
        if (resp->status != 200)
                return response_error(resp, "GET", url, reterr);
        return 0;
}

int acme_client_new(const char *directory_url, AcmeClient **ret, char **reterr) {
        _cleanup_(acme_client_freep) AcmeClient *c = new0(AcmeClient, 1);
        _cleanup_(http_response_done) HttpResponse resp = HTTP_RESPONSE_INIT;
        _cleanup_free_ char *err = NULL;
        int r;

        c->directory_url = xstrdup(directory_url);
        c->retry_after = USEC_INFINITY;
        r = http_client_new(&c->http, reterr);
        if (r < 0)
                return r;
        r = get(c, directory_url, &resp, &err);
        if (r < 0) {
                *reterr = xasprintf("unable to fetch ACME directory '%s' - %s", directory_url, err);
                return r;
        }
        r = acme_parse_directory(resp.body.buf, resp.body.len, &c->dir, &err);
        if (r < 0) {
                *reterr = xasprintf("unable to read ACME directory '%s' - %s", directory_url, err);
                return r;
        }
        *ret = TAKE_PTR(c);
        return 0;
}

static int fetch_nonce(AcmeClient *c, char **reterr) {
        _cleanup_(http_response_done) HttpResponse resp = HTTP_RESPONSE_INIT;
        int r;

        r = send_request(c, "HEAD", c->dir.new_nonce, NULL, &resp, reterr);
        if (r < 0)
                return r;
        note_response(c, &resp);
        if (!c->nonce) {
                *reterr = xasprintf("no nonce from '%s' (HTTP status %ld)", c->dir.new_nonce, resp.status);
                return -EPROTO;
        }
        return 0;
}

/*
 * POSTs a JWS of payload to url; kid is used unless use_jwk. Returns 0 for
 * a 2xx response (in *resp), else the CA's problem in *reterr.
 */
static int post(AcmeClient *c, const char *url, const char *payload, bool use_jwk, HttpResponse *resp,
                char **reterr) {
        int r;

        if (!c->key || (!use_jwk && !c->kid)) {
                *reterr = xstrdup("no ACME account loaded");
                return -ENOKEY;
        }
        for (unsigned attempt = 0;; attempt++) {
                _cleanup_(acme_problem_done) AcmeProblem p = {};
                _cleanup_free_ char *jws = NULL, *nonce = NULL;

                if (!c->nonce) {
                        r = fetch_nonce(c, reterr);
                        if (r < 0)
                                return r;
                }
                nonce = TAKE_PTR(c->nonce); /* each nonce is good for one request */
                jws = jws_sign(c->key, &(JwsHeader) { .kid = use_jwk ? NULL : c->kid, .nonce = nonce, .url = url },
                               payload);
                if (!jws) {
                        *reterr = xstrdup("unable to sign request with the account key");
                        return -EIO;
                }
                r = send_request(c, "POST", url, jws, resp, reterr);
                if (r < 0)
                        return r;
                note_response(c, resp);
                if (resp->status >= 200 && resp->status < 300)
                        return 0;

                /* RFC 8555 6.5: a badNonce response carries a fresh nonce to retry with. */
                if (acme_parse_problem(resp->body.buf, resp->body.len, &p) >= 0 && acme_problem_is(&p, "badNonce") &&
                    attempt < ACME_BAD_NONCE_RETRIES && c->nonce) {
                        if (c->log)
                                c->log(c->log_userdata, "bad Nonce, retrying");
                        continue;
                }
                return response_error(resp, "POST", url, reterr);
        }
}

/* POSTs a request that creates an object (account, order) and returns its URL (Location). */
static int post_create(AcmeClient *c, const char *url, const char *payload, bool use_jwk, const char *what,
                       HttpResponse *resp, char **ret_location, char **reterr) {
        const char *l;
        int r;

        r = post(c, url, payload, use_jwk, resp, reterr);
        if (r < 0)
                return r;
        l = http_response_header(resp, "Location");
        if (!l) {
                *reterr = xasprintf("POST to '%s' failed - did not receive %s URL", url, what);
                return -EPROTO;
        }
        *ret_location = xstrdup(l);
        return 0;
}

/* ---- accounts ------------------------------------------------------------------- */

int acme_account_new(AcmeClient *c, const AcmeNewAccount *a, char **ret_location, char **ret_account, char **reterr) {
        _cleanup_(http_response_done) HttpResponse resp = HTTP_RESPONSE_INIT;
        _cleanup_json_ json_t *req = json_object(), *contact = json_array();
        _cleanup_free_ char *payload = NULL, *loc = NULL;
        int r;

        json_setup_allocator();
        STRV_FOREACH(m, a->contact)
                json_array_append_new(contact, json_string(*m));
        json_object_set(req, "contact", contact);
        if (a->terms_agreed)
                json_object_set_new(req, "termsOfServiceAgreed", json_true());
        if (a->eab_kid) {
                _cleanup_free_ char *jwk = x509_key_jwk(c->key);
                _cleanup_free_ char *eab = jws_eab(a->eab_kid, a->eab_hmac_key, c->dir.new_account, jwk, reterr);

                if (!eab)
                        return -EINVAL;
                json_object_set_new(req, "externalAccountBinding", json_loads(eab, 0, NULL));
        }
        payload = json_dump_canonical(req);

        r = post_create(c, c->dir.new_account, payload, true, "an account", &resp, &loc, reterr);
        if (r < 0)
                return r;
        acme_client_set_account(c, c->key, loc);
        *ret_location = TAKE_PTR(loc);
        *ret_account = strbuf_detach(&resp.body, NULL);
        return 0;
}

int acme_account_update(AcmeClient *c, const char *payload, char **ret_account, char **reterr) {
        _cleanup_(http_response_done) HttpResponse resp = HTTP_RESPONSE_INIT;
        int r;

        r = post(c, c->kid ?: "", payload, false, &resp, reterr);
        if (r < 0)
                return r;
        *ret_account = strbuf_detach(&resp.body, NULL);
        return 0;
}

int acme_account_key_change(AcmeClient *c, gnutls_x509_privkey_t new_key, char **reterr) {
        _cleanup_(http_response_done) HttpResponse resp = HTTP_RESPONSE_INIT;
        _cleanup_free_ char *old_jwk = NULL, *inner_payload = NULL, *inner = NULL;
        _cleanup_json_ json_t *o = NULL, *jwk = NULL;
        int r;

        if (!c->dir.key_change) {
                *reterr = xstrdup("the CA does not support key changes (no keyChange in its directory)");
                return -EOPNOTSUPP;
        }
        if (!c->key || !c->kid) {
                *reterr = xstrdup("no ACME account loaded");
                return -ENOKEY;
        }
        json_setup_allocator();
        old_jwk = x509_key_jwk(c->key);
        jwk = json_loads(old_jwk, 0, NULL);
        o = json_pack("{s:s,s:O}", "account", c->kid, "oldKey", jwk);
        inner_payload = json_dump_canonical(o);
        /* The inner JWS is signed by the new key, carries it as jwk and has no nonce (RFC 8555 7.3.5). */
        inner = jws_sign(new_key, &(JwsHeader) { .url = c->dir.key_change }, inner_payload);
        if (!inner) {
                *reterr = xstrdup("unable to sign with the new key");
                return -EIO;
        }
        r = post(c, c->dir.key_change, inner, false, &resp, reterr);
        if (r < 0)
                return r;
        c->key = new_key;
        return 0;
}

/* ---- orders --------------------------------------------------------------------- */

int acme_order_new(AcmeClient *c, char *const *names, const char *replaces, char **ret_url, AcmeOrder *ret,
                   char **reterr) {
        _cleanup_(http_response_done) HttpResponse resp = HTTP_RESPONSE_INIT;
        _cleanup_json_ json_t *req = json_object(), *ids = json_array();
        _cleanup_free_ char *payload = NULL, *url = NULL;
        int r;

        json_setup_allocator();
        STRV_FOREACH(n, names)
                json_array_append_new(ids, json_pack("{s:s,s:s}", "type", "dns", "value", *n));
        json_object_set(req, "identifiers", ids);
        if (replaces)
                json_object_set_new(req, "replaces", json_string(replaces));
        payload = json_dump_canonical(req);

        r = post_create(c, c->dir.new_order, payload, false, "an order", &resp, &url, reterr);
        if (r < 0)
                return r;
        r = acme_parse_order(resp.body.buf, resp.body.len, ret, reterr);
        if (r < 0)
                return r;
        *ret_url = TAKE_PTR(url);
        return 0;
}

/* POST-as-GET (RFC 8555 6.3): a signed request with an empty payload. */
static int post_as_get(AcmeClient *c, const char *url, HttpResponse *resp, char **reterr) {
        return post(c, url, "", false, resp, reterr);
}

int acme_order_get(AcmeClient *c, const char *url, AcmeOrder *ret, char **reterr) {
        _cleanup_(http_response_done) HttpResponse resp = HTTP_RESPONSE_INIT;
        int r;

        r = post_as_get(c, url, &resp, reterr);
        if (r < 0)
                return r;
        return acme_parse_order(resp.body.buf, resp.body.len, ret, reterr);
}

int acme_order_finalize(AcmeClient *c, const AcmeOrder *o, const void *csr_der, size_t csr_len, AcmeOrder *ret,
                        char **reterr) {
        _cleanup_(http_response_done) HttpResponse resp = HTTP_RESPONSE_INIT;
        _cleanup_strbuf_ StrBuf csr = STRBUF_INIT;
        _cleanup_json_ json_t *req = NULL;
        _cleanup_free_ char *payload = NULL;
        int r;

        json_setup_allocator();
        base64url_encode(&csr, csr_der, csr_len);
        req = json_pack("{s:s}", "csr", csr.buf);
        payload = json_dump_canonical(req);
        r = post(c, o->finalize, payload, false, &resp, reterr);
        if (r < 0)
                return r;
        return acme_parse_order(resp.body.buf, resp.body.len, ret, reterr);
}

int acme_authorization_get(AcmeClient *c, const char *url, AcmeAuthorization *ret, char **reterr) {
        _cleanup_(http_response_done) HttpResponse resp = HTTP_RESPONSE_INIT;
        int r;

        r = post_as_get(c, url, &resp, reterr);
        if (r < 0)
                return r;
        return acme_parse_authorization(resp.body.buf, resp.body.len, ret, reterr);
}

int acme_challenge_respond(AcmeClient *c, const char *url, char **reterr) {
        _cleanup_(http_response_done) HttpResponse resp = HTTP_RESPONSE_INIT;

        return post(c, url, "{}", false, &resp, reterr);
}

int acme_certificate_get(AcmeClient *c, const char *url, char **ret_pem, char **reterr) {
        _cleanup_(http_response_done) HttpResponse resp = HTTP_RESPONSE_INIT;
        int r;

        r = post_as_get(c, url, &resp, reterr);
        if (r < 0)
                return r;
        *ret_pem = strbuf_detach(&resp.body, NULL);
        return 0;
}

int acme_certificate_revoke(AcmeClient *c, const void *der, size_t der_len, int reason, char **reterr) {
        _cleanup_(http_response_done) HttpResponse resp = HTTP_RESPONSE_INIT;
        _cleanup_strbuf_ StrBuf cert = STRBUF_INIT;
        _cleanup_json_ json_t *req = NULL;
        _cleanup_free_ char *payload = NULL;

        if (!c->dir.revoke_cert) {
                *reterr = xstrdup("the CA does not support revocation (no revokeCert in its directory)");
                return -EOPNOTSUPP;
        }
        json_setup_allocator();
        base64url_encode(&cert, der, der_len);
        req = json_pack("{s:s,s:i}", "certificate", cert.buf, "reason", reason);
        payload = json_dump_canonical(req);
        return post(c, c->dir.revoke_cert, payload, false, &resp, reterr);
}

/* ---- renewal information ------------------------------------------------------------ */

int acme_renewal_info_get(AcmeClient *c, const char *ari_id, AcmeRenewalInfo *ret, char **reterr) {
        _cleanup_(http_response_done) HttpResponse resp = HTTP_RESPONSE_INIT;
        _cleanup_free_ char *url = NULL;
        const char *base = c->dir.renewal_info;
        int r;

        if (!base)
                return -EOPNOTSUPP;
        url = xasprintf("%s%s%s", base, endswith(base, "/") ? "" : "/", ari_id);
        r = get(c, url, &resp, reterr);
        if (r < 0)
                return r;
        return acme_parse_renewal_info(resp.body.buf, resp.body.len, ret, reterr);
}

/* ---- challenges --------------------------------------------------------------------- */

char *acme_key_authorization(gnutls_x509_privkey_t key, const char *token) {
        _cleanup_free_ char *thumb = jwk_thumbprint(key);

        return xasprintf("%s.%s", token, thumb);
}

char *acme_dns01_txt_value(const char *key_authorization) {
        _cleanup_strbuf_ StrBuf out = STRBUF_INIT;
        uint8_t md[SHA256_SIZE];

        sha256(key_authorization, strlen(key_authorization), md);
        base64url_encode(&out, md, sizeof(md));
        return strbuf_detach(&out, NULL);
}
