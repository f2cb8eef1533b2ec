/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * JSON Web Signatures in the flattened JSON serialisation ACME uses
 * (RFC 7515, RFC 8555 6.2): {"protected": ..., "payload": ..., "signature": ...}.
 */

#include "sys/x509.h"

typedef struct JwsHeader {
        const char *kid;    /* account URL; NULL: embed the key as "jwk" */
        const char *nonce;  /* NULL: no nonce (the inner JWS of a key change) */
        const char *url;
} JwsHeader;

/*
 * Signs payload (JSON text; "" for POST-as-GET) with key (RS256 or ES256).
 * Returns the JWS as JSON text, or NULL when signing failed.
 */
char *jws_sign(gnutls_x509_privkey_t key, const JwsHeader *h, const char *payload);

/*
 * The externalAccountBinding object of a newAccount request (RFC 8555
 * 7.3.4): the account's JWK signed with HS256 under the CA's key
 * (hmac_key, base64url). Returns JSON text, or NULL with a message when
 * the key is not valid base64url.
 */
char *jws_eab(const char *kid, const char *hmac_key, const char *url, const char *jwk, char **reterr);

/* base64url(SHA-256(canonical JWK)) (RFC 7638). */
char *jwk_thumbprint(gnutls_x509_privkey_t key);
