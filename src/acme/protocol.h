/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The JSON documents of RFC 8555 (ACME) and RFC 9773 (ACME Renewal
 * Information), parsed from the bytes a CA sent into typed models. Parsing
 * is strict about what the protocol requires (a directory without
 * newNonce, an order without finalize URL are errors) and ignores unknown
 * members, as the RFC asks. Pure code: tests/fuzz/fuzz-acme-json.c.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ACME_ERROR_PREFIX "urn:ietf:params:acme:error:"

typedef struct AcmeDirectory {
        char *new_nonce, *new_account, *new_order, *revoke_cert, *key_change;
        char *renewal_info;             /* RFC 9773; NULL when the CA does not offer it */
        json_t *meta;                   /* the "meta" object as sent (may be NULL) */
        char *terms_of_service;         /* meta.termsOfService */
        bool external_account_required; /* meta.externalAccountRequired */
} AcmeDirectory;

typedef struct AcmeProblem {
        char *type;          /* "urn:ietf:params:acme:error:badNonce", ... */
        char *detail;
        int status;
        char **subproblems;  /* "<identifier>: <detail>" for each subproblem */
} AcmeProblem;

typedef struct AcmeChallenge {
        char *type, *url, *token, *status;
        AcmeProblem error;   /* type is NULL when there is none */
} AcmeChallenge;

typedef struct AcmeAuthorization {
        char *identifier;    /* the identifier value (a DNS name) */
        char *status;        /* pending, valid, invalid, deactivated, expired, revoked */
        bool wildcard;
        AcmeChallenge *challenges;
        size_t n_challenges;
} AcmeAuthorization;

typedef struct AcmeOrder {
        char *status;        /* pending, ready, processing, valid, invalid */
        char **identifiers;  /* DNS identifier values */
        char **authorizations;
        char *finalize;
        char *certificate;   /* once valid */
        AcmeProblem error;
} AcmeOrder;

typedef struct AcmeRenewalInfo {
        time_t window_start, window_end;
        char *explanation_url;
} AcmeRenewalInfo;

/*
 * Each parser takes the response body and returns 0 with the model, or
 * -EBADMSG with a message in *reterr ("invalid directory: ...").
 */
int acme_parse_directory(const char *text, size_t len, AcmeDirectory *ret, char **reterr);
int acme_parse_problem(const char *text, size_t len, AcmeProblem *ret);
int acme_parse_authorization(const char *text, size_t len, AcmeAuthorization *ret, char **reterr);
int acme_parse_order(const char *text, size_t len, AcmeOrder *ret, char **reterr);
int acme_parse_renewal_info(const char *text, size_t len, AcmeRenewalInfo *ret, char **reterr);

void acme_directory_done(AcmeDirectory *d);
void acme_problem_done(AcmeProblem *p);
void acme_authorization_done(AcmeAuthorization *a);
void acme_order_done(AcmeOrder *o);
void acme_renewal_info_done(AcmeRenewalInfo *r);

/* The first challenge of the given type, or NULL. */
const AcmeChallenge *acme_authorization_challenge(const AcmeAuthorization *a, const char *type);

/* The problem as one line: detail, then subproblems in parentheses; the type when there is no detail. */
char *acme_problem_text(const AcmeProblem *p);
bool acme_problem_is(const AcmeProblem *p, const char *short_type);

/* RFC 3339 date-time ("2025-01-02T03:04:05.123Z", "...+01:00") as Unix time; -EINVAL if malformed. */
int acme_parse_timestamp(const char *s, time_t *ret);
