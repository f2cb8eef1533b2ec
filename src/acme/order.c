/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <pthread.h>
#include <stdarg.h>
#include <time.h>

#include "acme/account.h"
#include "acme/client.h"
#include "acme/dnsplugin.h"
#include "acme/order.h"
#include "acme/plugins.h"
#include "acme/standalone.h"
#include "api/call.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "sys/service.h"
#include "sys/x509.h"

#define CERT_KEY_BITS 4096
#define POLL_FIRST (100 * USEC_PER_MSEC)
#define POLL_MIN (50 * USEC_PER_MSEC)
#define POLL_MAX (10 * USEC_PER_SEC)
#define POLL_LIMIT (30 * 60 * USEC_PER_SEC) /* give up on a CA that never decides */
#define FINALIZE_PENDING_TRIES 5
#define DAY (24 * 60 * 60)

/* ---- the certificate key, made while the CA validates ------------------------------ */

typedef struct KeyJob {
        pthread_t thread;
        bool started;
        gnutls_x509_privkey_t key;
        int r;
} KeyJob;

static void *key_thread(void *userdata) {
        KeyJob *k = userdata;

        k->r = x509_key_generate(KEY_TYPE_RSA, CERT_KEY_BITS, &k->key);
        return NULL;
}

/* ---- challenges ---------------------------------------------------------------- */

typedef struct Challenge {
        char *auth_url, *challenge_url, *domain;
        const NodeAcmeDomain *conf;
        char *plugin_type, *api, *data; /* dns plugins */
        int64_t delay;
        char *txt;                      /* dns-01 TXT value */
        bool set_up;
} Challenge;

typedef struct Validation {
        Task *task;
        AcmeClient *client;
        gnutls_x509_privkey_t account_key;
        SectionConfig plugins;
        Http01Server *http01;
        Challenge *challenges;
        size_t n;
} Validation;

static void validation_done(Validation *v) {
        for (size_t i = 0; i < v->n; i++) {
                Challenge *c = &v->challenges[i];

                free(c->auth_url);
                free(c->challenge_url);
                free(c->domain);
                free(c->plugin_type);
                free(c->api);
                free(c->data);
                free(c->txt);
        }
        free(v->challenges);
        http01_server_stop(v->http01);
        sectioncfg_done(&v->plugins);
}

static const NodeAcmeDomain *domain_conf(const NodeAcmeConfig *conf, const char *domain) {
        for (size_t i = 0; i < conf->n_domains; i++)
                if (streq(conf->domains[i].domain, domain))
                        return &conf->domains[i];
        return NULL;
}

static void log_client_note(void *userdata, const char *msg) {
        task_log(userdata, "%s", msg);
}

/* Sets up the plugin for one pending authorization. */
static int setup_challenge(Validation *v, Challenge *c, const AcmeAuthorization *auth) {
        const Section *s = sectioncfg_find(&v->plugins, c->conf->plugin);
        const AcmeChallenge *ch;
        _cleanup_free_ char *key_auth = NULL, *err = NULL;
        const char *target;
        int r;

        if (!s)
                return task_fail(v->task, "plugin '%s' for domain '%s' not found!", c->conf->plugin, c->domain);
        c->plugin_type = xstrdup(s->type);
        ch = acme_authorization_challenge(auth, streq(s->type, "dns") ? "dns-01" : "http-01");
        if (!ch || !ch->token)
                return task_fail(v->task, "plugin does not support any of the requested challenge types");
        c->challenge_url = xstrdup(ch->url);
        key_auth = acme_key_authorization(v->account_key, ch->token);

        if (streq(s->type, "standalone")) {
                if (!v->http01) {
                        task_log(v->task, "Setting up webserver");
                        r = http01_server_start(&v->http01, &err);
                        if (r < 0)
                                return task_fail(v->task, "%s", err);
                }
                http01_server_add(v->http01, ch->token, key_auth);
                c->set_up = true;
                return 0;
        }

        c->api = xstrdup(strempty(json_object_get_string(s->values, "api")));
        if (json_object_get_string(s->values, "data")) {
                c->data = acme_plugin_data_decode(json_object_get_string(s->values, "data"));
                if (!c->data)
                        return task_fail(v->task, "plugin '%s': data is not valid base64url", c->conf->plugin);
        }
        c->delay = json_is_integer(json_object_get(s->values, "validation-delay"))
                           ? json_integer_value(json_object_get(s->values, "validation-delay"))
                           : ACME_DEFAULT_VALIDATION_DELAY;
        c->txt = acme_dns01_txt_value(key_auth);
        target = c->conf->alias ?: c->domain;
        fflush(stdout);
        r = dns_plugin_run(DNS_PLUGIN_SETUP, c->api, target, c->txt, c->data, &err);
        if (r < 0)
                return task_fail(v->task, "%s", err);
        c->set_up = true;
        task_log(v->task, "Add TXT record: _acme-challenge.%s", target);
        return 0;
}

/* Removes what setup_challenge() made; failures are warnings, as upstream. */
static void teardown_challenges(Validation *v) {
        for (size_t i = 0; i < v->n; i++) {
                Challenge *c = &v->challenges[i];
                _cleanup_free_ char *err = NULL;
                const char *target;

                if (!c->set_up || !c->api)
                        continue;
                target = c->conf->alias ?: c->domain;
                fflush(stdout);
                if (dns_plugin_run(DNS_PLUGIN_TEARDOWN, c->api, target, c->txt, c->data, &err) < 0)
                        task_warn(v->task, "%s", err);
                else
                        task_log(v->task, "Remove TXT record: _acme-challenge.%s", target);
                c->set_up = false;
        }
        http01_server_stop(v->http01);
        v->http01 = NULL;
}

/* Logs "<what> <seconds> seconds<suffix>" and sleeps that long. */
static void sleep_for(Task *t, usec_t delay, const char *what, const char *suffix) {
        task_log(t, "%s %g seconds%s", what, (double) delay / USEC_PER_SEC, suffix);
        sleep_usec(delay);
}

static usec_t next_poll(const AcmeClient *c, usec_t *backoff) {
        usec_t d = acme_client_retry_after(c, *backoff);

        *backoff = MIN(*backoff * 2, POLL_MAX);
        return MIN(MAX(d, POLL_MIN), POLL_MAX * 6);
}

/* Polls every triggered authorization until it is valid; the first failure ends the wait. */
static int await_validation(Validation *v) {
        usec_t backoff = POLL_FIRST, start = now(CLOCK_MONOTONIC);
        bool all_valid;

        do {
                all_valid = true;
                for (size_t i = 0; i < v->n; i++) {
                        Challenge *c = &v->challenges[i];
                        _cleanup_(acme_authorization_done) AcmeAuthorization a = {};
                        _cleanup_free_ char *err = NULL;
                        int r;

                        if (!c->challenge_url || !c->set_up)
                                continue; /* already valid, or no longer polled */
                        r = acme_authorization_get(v->client, c->auth_url, &a, &err);
                        if (r < 0)
                                return task_fail(v->task, "%s", err);
                        if (streq(a.status, "valid")) {
                                task_log(v->task, "Status is 'valid', domain '%s' OK!", c->domain);
                                free(c->challenge_url);
                                c->challenge_url = NULL;
                                continue;
                        }
                        if (!streq(a.status, "pending")) {
                                const AcmeChallenge *ch = NULL;
                                _cleanup_free_ char *why = NULL;

                                for (size_t j = 0; j < a.n_challenges && !ch; j++)
                                        if (a.challenges[j].error.type)
                                                ch = &a.challenges[j];
                                why = ch ? acme_problem_text(&ch->error) : NULL;
                                return task_fail(v->task, "validating challenge '%s' failed - status: %s%s%s%s",
                                                 c->auth_url, a.status, why ? " (" : "", strempty(why),
                                                 why ? ")" : "");
                        }
                        all_valid = false;
                }
                if (!all_valid) {
                        if (now(CLOCK_MONOTONIC) - start > POLL_LIMIT)
                                return task_fail(v->task, "validation did not finish within %llu minutes",
                                                 (unsigned long long) (POLL_LIMIT / USEC_PER_SEC / 60));
                        sleep_for(v->task, next_poll(v->client, &backoff), "Status is still 'pending', trying again in",
                                  "");
                }
        } while (!all_valid);
        return 0;
}

static int validate_order(Validation *v, const NodeAcmeConfig *conf, const AcmeOrder *order) {
        _cleanup_free_ char *perr = NULL;
        int64_t delay = 0;
        int r;

        r = acme_plugins_load(&v->plugins, &perr);
        if (r < 0)
                return task_fail(v->task, "%s", perr);
        v->challenges = new0(Challenge, strv_length(order->authorizations) + 1);

        STRV_FOREACH(url, order->authorizations) {
                _cleanup_(acme_authorization_done) AcmeAuthorization a = {};
                _cleanup_free_ char *err = NULL;
                Challenge *c;

                task_log(v->task, "\nGetting authorization details from '%s'", *url);
                r = acme_authorization_get(v->client, *url, &a, &err);
                if (r < 0)
                        return task_fail(v->task, "%s", err);
                c = &v->challenges[v->n++];
                c->auth_url = xstrdup(*url);
                c->domain = ascii_strlower(xstrdup(a.identifier));
                if (streq(a.status, "valid")) {
                        task_log(v->task, "%s is already validated!", c->domain);
                        continue;
                }
                task_log(v->task, "The validation for %s is pending!", c->domain);
                c->conf = domain_conf(conf, c->domain);
                if (!c->conf)
                        return task_fail(v->task, "no config for domain '%s'", c->domain);
                r = setup_challenge(v, c, &a);
                if (r < 0)
                        return r;
                delay = MAX(delay, c->delay);
        }

        /* One wait for all TXT records instead of one per domain. */
        if (delay > 0)
                sleep_for(v->task, (usec_t) delay * USEC_PER_SEC, "Sleeping", " to wait for TXT record propagation");

        for (size_t i = 0; i < v->n; i++) {
                Challenge *c = &v->challenges[i];
                _cleanup_free_ char *err = NULL;

                if (!c->challenge_url)
                        continue;
                task_log(v->task, "Triggering validation");
                r = acme_challenge_respond(v->client, c->challenge_url, &err);
                if (r < 0)
                        return task_fail(v->task, "%s", err);
        }
        return await_validation(v);
}

/* Finalizes and waits for the certificate URL. */
static int finalize_order(Task *t, AcmeClient *client, const char *order_url, AcmeOrder *order,
                          gnutls_x509_privkey_t key) {
        _cleanup_datum_free_ gnutls_datum_t csr = {};
        usec_t backoff = POLL_FIRST, start = now(CLOCK_MONOTONIC);
        unsigned pending_tries = 0;
        int r;

        task_log(t, "\nCreating CSR");
        r = x509_csr_create(key, order->identifiers, &csr);
        if (r < 0)
                return task_fail(t, "unable to create certificate request");

        task_log(t, "Checking order status");
        {
                /* The order as the CA sees it now that its authorizations are valid. */
                _cleanup_(acme_order_done) AcmeOrder fresh = {};
                _cleanup_free_ char *err = NULL;

                r = acme_order_get(client, order_url, &fresh, &err);
                if (r < 0)
                        return task_fail(t, "%s", err);
                acme_order_done(order);
                *order = fresh;
                fresh = (AcmeOrder) {};
        }
        for (;;) {
                _cleanup_(acme_order_done) AcmeOrder next = {};
                _cleanup_free_ char *err = NULL;
                bool finalize = false;

                if (streq(order->status, "valid")) {
                        task_log(t, "valid!");
                        return 0;
                }
                if (streq(order->status, "ready")) {
                        task_log(t, "Order is ready, finalizing order");
                        finalize = true;
                } else if (streq(order->status, "pending")) {
                        /* Upstream's compatibility with CAs without "ready": try anyway, a few times. */
                        if (++pending_tries > FINALIZE_PENDING_TRIES)
                                return task_fail(t, "order status: pending");
                        task_log(t, "still pending, trying to finalize order");
                        finalize = true;
                } else if (!streq(order->status, "processing")) {
                        _cleanup_free_ char *why = order->error.type ? acme_problem_text(&order->error) : NULL;

                        return task_fail(t, "order status: %s%s%s%s", order->status, why ? " (" : "", strempty(why),
                                         why ? ")" : "");
                }

                if (finalize) {
                        r = acme_order_finalize(client, order, csr.data, csr.size, &next, &err);
                        if (r < 0 && !streq(order->status, "pending"))
                                return task_fail(t, "%s", err);
                        if (r < 0)
                                task_warn(t, "%s", err);
                }
                if (r >= 0 && next.status && streq(next.status, "valid")) {
                        acme_order_done(order);
                        *order = next;
                        next = (AcmeOrder) {};
                        continue;
                }
                if (now(CLOCK_MONOTONIC) - start > POLL_LIMIT)
                        return task_fail(t, "order did not finish within %llu minutes",
                                         (unsigned long long) (POLL_LIMIT / USEC_PER_SEC / 60));
                if (!finalize)
                        sleep_for(t, next_poll(client, &backoff), "still processing, trying again in", "");
                else
                        sleep_usec(next_poll(client, &backoff));

                acme_order_done(&next);
                r = acme_order_get(client, order_url, &next, &err);
                if (r < 0)
                        return task_fail(t, "%s", err);
                acme_order_done(order);
                *order = next;
                next = (AcmeOrder) {};
        }
}

/* Installs chain and key through the custom certificate API, which checks them before touching any file. */
static int install_certificate(Task *t, const char *node, const char *chain, const char *key_pem, bool force) {
        _cleanup_(api_call_done) ApiCall call = {};
        _cleanup_json_ json_t *params = NULL, *result = NULL;
        _cleanup_free_ char *path = xasprintf("/nodes/%s/certificates/custom", node);
        int r;

        params = json_pack("{s:s,s:s,s:b}", "certificates", chain, "key", key_pem, "force", force);
        api_call_init(&call, API_ROOT_AUTHID, 0);
        r = api_call_invoke(&call, API_POST, path, params, &result);
        if (r < 0)
                return task_fail(t, "%s", call.error.message ?: "unable to set certificate files");
        return 0;
}

static int restart_pveproxy(Task *t, const char *msg) {
        _cleanup_free_ char *err = NULL;

        task_log(t, "%s", msg);
        fflush(stdout);
        if (service_reload_or_restart("pveproxy", &err) < 0)
                return task_fail(t, "%s", err);
        return 0;
}

static int revoke_old(Task *t, AcmeClient *client, const char *pem, char **reterr) {
        _cleanup_(x509_crt_freep) gnutls_x509_crt_t crt = NULL;
        _cleanup_datum_free_ gnutls_datum_t der = {};
        int r;

        r = x509_cert_from_pem(pem, &crt, reterr);
        if (r < 0)
                return r;
        r = x509_cert_to_der(crt, &der);
        if (r < 0) {
                *reterr = xstrdup("unable to encode certificate");
                return r;
        }
        return acme_certificate_revoke(client, der.data, der.size, 0, reterr);
}

/* The ARI identifier of a certificate, or NULL. */
static char *cert_ari_id(const char *pem) {
        _cleanup_(x509_crt_freep) gnutls_x509_crt_t crt = NULL;
        _cleanup_free_ char *err = NULL;
        char *id = NULL;

        if (pem && x509_cert_from_pem(pem, &crt, &err) >= 0)
                (void) x509_cert_ari_id(crt, &id);
        return id;
}

static int open_account(Task *t, const char *name, AcmeAccount *account, AcmeClient **client) {
        _cleanup_free_ char *err = NULL;
        int r;

        task_log(t, "Loading ACME account details");
        r = acme_account_load(name, account, &err);
        if (r < 0)
                return task_fail(t, "%s", err);
        r = acme_client_new(strempty(acme_account_get(account, "directory")), client, &err);
        if (r < 0)
                return task_fail(t, "%s", err);
        acme_client_set_account(*client, account->key, acme_account_get(account, "location"));
        acme_client_set_log(*client, log_client_note, t);
        return 0;
}

/* Starts making the certificate key; it is needed only after validation. */
static void key_job_start(KeyJob *kj) {
        *kj = (KeyJob) { .r = -EIO };
        if (pthread_create(&kj->thread, NULL, key_thread, kj) != 0)
                key_thread(kj);
        else
                kj->started = true;
}

/* Waits for the key; the caller owns kj->key afterwards. */
static void key_job_wait(KeyJob *kj) {
        if (kj->started)
                pthread_join(kj->thread, NULL);
        kj->started = false;
}

static void key_job_done(KeyJob *kj) {
        key_job_wait(kj);
        x509_privkey_freep(&kj->key);
}

static int order_certificate(Task *t, const AcmeJob *job, AcmeClient *client, AcmeAccount *account, KeyJob *kj) {
        _cleanup_(validation_done) Validation v = { .task = t, .client = client, .account_key = account->key };
        _cleanup_(acme_order_done) AcmeOrder order = {};
        _cleanup_free_ char *order_url = NULL, *err = NULL, *chain = NULL, *key_pem = NULL, *replaces = NULL;
        _cleanup_strv_free_ char **names = NULL;
        int r, rv;

        for (size_t i = 0; i < job->conf->n_domains; i++)
                strv_extend(&names, job->conf->domains[i].domain);
        /* RFC 9773 5: a renewal names the certificate it replaces, where the CA knows renewal information. */
        if (job->kind == ACME_JOB_RENEW && acme_client_directory(client)->renewal_info)
                replaces = cert_ari_id(job->old_cert_pem);

        task_log(t, "Placing ACME order");
        r = acme_order_new(client, names, replaces, &order_url, &order, &err);
        if (r < 0)
                return task_fail(t, "%s", err);
        task_log(t, "Order URL: %s", order_url);

        rv = validate_order(&v, job->conf, &order);
        teardown_challenges(&v);
        if (rv < 0)
                return rv;
        task_log(t, "\nAll domains validated!");
        key_job_wait(kj);
        if (kj->r < 0)
                return task_fail(t, "unable to generate certificate key");

        r = finalize_order(t, client, order_url, &order, kj->key);
        if (r >= 0 && !order.certificate)
                r = task_fail(t, "no certificate URL available (yet?)");
        if (r >= 0) {
                task_log(t, "\nDownloading certificate");
                r = acme_certificate_get(client, order.certificate, &chain, &err);
                if (r < 0)
                        r = task_fail(t, "%s", err);
        }
        if (r < 0)
                return r;
        key_pem = x509_key_to_pem(kj->key);

        task_log(t, "Setting pveproxy certificate and key");
        r = install_certificate(t, job->node, chain, key_pem, job->kind == ACME_JOB_RENEW || job->force);
        if (r < 0)
                return r;
        return restart_pveproxy(t, "Restarting pveproxy");
}

int acme_job_run(Task *t, void *userdata) {
        const AcmeJob *job = userdata;
        _cleanup_(key_job_done) KeyJob kj = {};
        _cleanup_(acme_account_done) AcmeAccount account = {};
        _cleanup_(acme_client_freep) AcmeClient *client = NULL;
        _cleanup_free_ char *err = NULL;
        int r;

        /* The new certificate's key is made while the CA talks to us. */
        if (job->kind != ACME_JOB_REVOKE)
                key_job_start(&kj);
        r = open_account(t, job->conf->account, &account, &client);
        if (r < 0)
                return r;

        if (job->kind == ACME_JOB_REVOKE) {
                _cleanup_(api_call_done) ApiCall call = {};
                _cleanup_json_ json_t *result = NULL;
                _cleanup_free_ char *path = xasprintf("/nodes/%s/certificates/custom", job->node);

                task_log(t, "Revoking old certificate");
                r = revoke_old(t, client, job->old_cert_pem, &err);
                if (r < 0 && !strstr(err, "Certificate is expired"))
                        return task_fail(t, "Revoke request to CA failed: %s", err);

                task_log(t, "Deleting certificate files");
                api_call_init(&call, API_ROOT_AUTHID, 0);
                r = api_call_invoke(&call, API_DELETE, path, NULL, &result);
                if (r < 0)
                        return task_fail(t, "%s", call.error.message ?: "unable to delete certificate files");
                return restart_pveproxy(t, "Restarting pveproxy to revert to self-signed certificates");
        }

        r = order_certificate(t, job, client, &account, &kj);
        if (r < 0 || job->kind != ACME_JOB_RENEW)
                return r;

        task_log(t, "Revoking old certificate");
        if (revoke_old(t, client, job->old_cert_pem, &err) < 0)
                task_warn(t, "Revoke request to CA failed: %s", err);
        return 0;
}

int acme_renewal_due(const char *cert_pem, const char *account_name, time_t now_s, bool *ret_due, time_t *ret_due_at,
                     char **reterr) {
        _cleanup_(x509_crt_freep) gnutls_x509_crt_t crt = NULL;
        _cleanup_(acme_account_done) AcmeAccount account = {};
        _cleanup_(acme_client_freep) AcmeClient *client = NULL;
        _cleanup_(acme_renewal_info_done) AcmeRenewalInfo ri = {};
        _cleanup_free_ char *id = NULL, *err = NULL;
        time_t due_at;
        int r;

        r = x509_cert_from_pem(cert_pem, &crt, reterr);
        if (r < 0)
                return r;
        due_at = (time_t) x509_cert_expiration(crt) - ACME_RENEW_DAYS * DAY;

        /* Renewal information is a hint: any failure leaves the 30-day rule. */
        if (x509_cert_ari_id(crt, &id) >= 0 && acme_account_load(account_name, &account, &err) >= 0 &&
            acme_client_new(strempty(acme_account_get(&account, "directory")), &client, &err) >= 0 &&
            acme_renewal_info_get(client, id, &ri, &err) >= 0)
                due_at = MIN(due_at, ri.window_start);

        *ret_due = due_at <= now_s;
        *ret_due_at = due_at;
        return 0;
}
