/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Certificate orders, renewals and revocations for the node's pveproxy
 * certificate, run as tasks (upstream's PVE::API2::ACME: acmenewcert,
 * acmerenew, acmerevoke), with upstream's log lines.
 *
 * Where upstream validates one authorization after the other (setting up,
 * waiting 5 s, polling every 10 s, tearing down), all authorizations are
 * set up first, the DNS propagation delay is waited once, every challenge
 * is triggered, and the CA is polled at its Retry-After pace (else after
 * 0.25, 0.5, 1, 2 ... at most 10 seconds). The certificate key is generated while
 * the CA validates.
 */

#include <stdbool.h>

#include "acme/nodeconf.h"
#include "tasks/worker.h"

typedef enum AcmeJobKind {
        ACME_JOB_ORDER,   /* acmenewcert */
        ACME_JOB_RENEW,   /* acmerenew: replaces (ARI) and afterwards revokes the old certificate */
        ACME_JOB_REVOKE,  /* acmerevoke */
} AcmeJobKind;

typedef struct AcmeJob {
        AcmeJobKind kind;
        const char *node;
        const NodeAcmeConfig *conf;
        bool force;                /* order: replace an existing custom certificate */
        const char *old_cert_pem;  /* renew, revoke: the current pveproxy-ssl.pem */
} AcmeJob;

/* The task function for all three kinds; userdata is an AcmeJob. */
int acme_job_run(Task *t, void *userdata);

/*
 * Whether the certificate is due for renewal: it expires within 30 days
 * (upstream's rule), or the CA's renewal information (RFC 9773) suggests a
 * window that has begun. *ret_due_at is when it becomes due (the earlier
 * of both). Fetching renewal information is best effort: without it, only
 * the 30 days count.
 */
int acme_renewal_due(const char *cert_pem, const char *account, time_t now, bool *ret_due, time_t *ret_due_at,
                     char **reterr);

#define ACME_RENEW_DAYS 30
