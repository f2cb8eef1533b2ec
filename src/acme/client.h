/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * An ACME client (RFC 8555) over sys/http.h: directory, nonces, JWS-signed
 * requests with the account key (RS256 or ES256), accounts with external
 * account binding, key rollover, orders, authorizations, challenges,
 * finalisation, certificate download, revocation, and renewal information
 * (RFC 9773).
 *
 * Every signed request takes a fresh nonce from the previous response (or
 * newNonce) and is retried with the nonce of the error response when the
 * CA answers badNonce, up to ACME_BAD_NONCE_RETRIES times. Errors from the
 * CA are reported with the CA's problem detail.
 */

#include <stdbool.h>

#include "acme/protocol.h"
#include "sys/http.h"
#include "sys/x509.h"

#define ACME_BAD_NONCE_RETRIES 10

typedef struct AcmeClient AcmeClient;

/* Receives notes for the log ("bad nonce, retrying"). */
typedef void (*AcmeLogFunc)(void *userdata, const char *msg);

/*
 * Creates a client for the directory URL and fetches the directory.
 * key and kid (the account URL) may be NULL until an account exists;
 * the client does not take ownership of key.
 */
int acme_client_new(const char *directory_url, AcmeClient **ret, char **reterr);
AcmeClient *acme_client_free(AcmeClient *c);
static inline void acme_client_freep(AcmeClient **c) {
        acme_client_free(*c);
}

void acme_client_set_account(AcmeClient *c, gnutls_x509_privkey_t key, const char *kid);
void acme_client_set_log(AcmeClient *c, AcmeLogFunc log, void *userdata);
const AcmeDirectory *acme_client_directory(const AcmeClient *c);

/* ---- accounts ----------------------------------------------------------------- */

typedef struct AcmeNewAccount {
        char *const *contact;        /* "mailto:..." URIs */
        bool terms_agreed;
        const char *eab_kid;         /* external account binding (RFC 8555 7.3.4), or NULL */
        const char *eab_hmac_key;    /* base64url */
} AcmeNewAccount;

/*
 * newAccount with the client's key: returns the account URL (Location) and
 * the account object (JSON text) as the CA sent it.
 */
int acme_account_new(AcmeClient *c, const AcmeNewAccount *a, char **ret_location, char **ret_account, char **reterr);
/*
 * POSTs payload (JSON object text; "" for a POST-as-GET that fetches the
 * account) to the account URL; returns the account object.
 */
int acme_account_update(AcmeClient *c, const char *payload, char **ret_account, char **reterr);
/* Replaces the account key with new_key (keyChange, RFC 8555 7.3.5); on success the client uses new_key. */
int acme_account_key_change(AcmeClient *c, gnutls_x509_privkey_t new_key, char **reterr);

/* ---- orders ------------------------------------------------------------------- */

/* newOrder for DNS names; replaces is the ARI certificate id of the certificate it renews, or NULL. */
int acme_order_new(AcmeClient *c, char *const *names, const char *replaces, char **ret_url, AcmeOrder *ret,
                   char **reterr);
int acme_order_get(AcmeClient *c, const char *url, AcmeOrder *ret, char **reterr);
int acme_order_finalize(AcmeClient *c, const AcmeOrder *o, const void *csr_der, size_t csr_len, AcmeOrder *ret,
                        char **reterr);
int acme_authorization_get(AcmeClient *c, const char *url, AcmeAuthorization *ret, char **reterr);
/* Tells the CA the challenge is ready (POST {}). */
int acme_challenge_respond(AcmeClient *c, const char *url, char **reterr);
/* Downloads the certificate chain (PEM). */
int acme_certificate_get(AcmeClient *c, const char *url, char **ret_pem, char **reterr);
/* revokeCert with the account key; reason per RFC 5280 (0: unspecified). */
int acme_certificate_revoke(AcmeClient *c, const void *der, size_t der_len, int reason, char **reterr);

/* ---- renewal information ---------------------------------------------------------- */

/*
 * GETs the renewal information of a certificate (ari_id from
 * x509_cert_ari_id()). -EOPNOTSUPP when the CA does not offer it.
 */
int acme_renewal_info_get(AcmeClient *c, const char *ari_id, AcmeRenewalInfo *ret, char **reterr);

/* ---- challenges --------------------------------------------------------------------- */

/* "<token>.<JWK thumbprint>" (RFC 8555 8.1). */
char *acme_key_authorization(gnutls_x509_privkey_t key, const char *token);
/* base64url(SHA-256(key authorization)): the dns-01 TXT record value. */
char *acme_dns01_txt_value(const char *key_authorization);

/* Time to wait before polling again: Retry-After of the last response if given, else fallback. */
usec_t acme_client_retry_after(const AcmeClient *c, usec_t fallback);
