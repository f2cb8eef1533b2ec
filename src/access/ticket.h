/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Authentication tickets and CSRF prevention tokens, as upstream
 * (pve-common PVE/Ticket.pm, pve-access-control PVE/AccessControl.pm):
 *
 *   ticket   "PVE:<userid>:<HEXTIME>::<base64 RSA-SHA1 signature>"
 *            signed over "PVE:<userid>:<HEXTIME>" with etc/pve/priv/authkey.key
 *            (PEM; the public half is etc/pve/authkey.pub as upstream, with a
 *            copy beside the private key); valid from 5
 *            minutes before to 2 hours after its time
 *   CSRF     "<HEXTIME>:<base64 HMAC-SHA256("<HEXTIME>:<userid>")>" keyed with
 *            base64(HMAC-SHA256(pve-www.key contents)), same validity; the key
 *            is etc/pve/pve-www.key (copy in etc/pve/priv), created when missing
 *
 * Both key files are created when missing and persist, so tickets survive
 * a restart. HEXTIME is the issue time as 8 upper-case hex digits; base64
 * strings have no padding where upstream's Digest::SHA gives none.
 */

#include <gnutls/abstract.h>
#include <stdbool.h>
#include <stdint.h>

#define TICKET_LIFETIME (2 * 3600)
#define TICKET_GRACE_PERIOD (5 * 60)

typedef struct AuthKeys {
        gnutls_privkey_t priv;
        gnutls_pubkey_t pub;
        char *csrf_secret;
} AuthKeys;

/*
 * Loads the ticket key pair and CSRF secret from PVE_ROOT, creating missing
 * files. GnuTLS is loaded here (sys/gnutls-dl.h); the other functions need
 * keys loaded by this.
 */
int auth_keys_load(AuthKeys *ret, char **reterr);
void auth_keys_done(AuthKeys *k);

char *ticket_assemble(const AuthKeys *k, const char *userid, int64_t now);
/* Returns 0 with the user id, or -EACCES for a bad, forged or expired ticket. */
int ticket_verify(const AuthKeys *k, const char *ticket, int64_t now, char **ret_userid);

/*
 * Splits a ticket into the signed text and the signature text; pure, no
 * checks beyond the shape "PVE:<data>:<8 hex>::<sig>".
 */
int ticket_split(const char *ticket, char **ret_plain, char **ret_userid, int64_t *ret_time, char **ret_sig);

char *csrf_token_assemble(const AuthKeys *k, const char *userid, int64_t now);
bool csrf_token_verify(const AuthKeys *k, const char *userid, const char *token, int64_t now);
