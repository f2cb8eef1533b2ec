/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * ACME account files, /etc/pve/priv/acme/<name>, as upstream's PVE::ACME
 * writes them: pretty-printed JSON with sorted keys,
 *
 *         {
 *            "account" : { ...the account object the CA returned... },
 *            "directory" : "https://acme-v02.api.letsencrypt.org/directory",
 *            "key" : "-----BEGIN RSA PRIVATE KEY-----\n...",
 *            "location" : "https://.../acct/123",
 *            "tos" : "https://.../terms.pdf"
 *         }
 *
 * Members this code does not know (such as "debug") survive a rewrite.
 * The key is an unencrypted PEM key: RSA (PKCS#1, as upstream) or P-256.
 */

#include <jansson.h>
#include <stdbool.h>

#include "basic/lockfile.h"
#include "sys/x509.h"

typedef struct AcmeAccount {
        json_t *data;                  /* the whole file; account, directory, location, tos live here */
        gnutls_x509_privkey_t key;
} AcmeAccount;

/* /etc/pve/priv/acme below PVE_ROOT, and the file of an account. */
char *acme_account_dir(void);
char *acme_account_path(const char *name);

/* Parses file text; -EINVAL with a message naming filename on malformed JSON, missing or bad key. */
int acme_account_parse(const char *filename, const char *text, size_t len, AcmeAccount *ret, char **reterr);
/* Loads an account; -ENOENT with "ACME account config file '<name>' does not exist." */
int acme_account_load(const char *name, AcmeAccount *ret, char **reterr);
/* The file text. */
char *acme_account_format(const AcmeAccount *a);
/* Writes the file atomically, mode 0600. */
int acme_account_save(const char *name, const AcmeAccount *a, char **reterr);
void acme_account_done(AcmeAccount *a);

/* A member of the file as string, or NULL: "directory", "location", "tos". */
const char *acme_account_get(const AcmeAccount *a, const char *member);
void acme_account_set(AcmeAccount *a, const char *member, const char *value);
/* Replaces the account object with the CA's answer (JSON text); -EBADMSG if it is not an object. */
int acme_account_set_object(AcmeAccount *a, const char *json_text, char **reterr);
/* Sets the key (the account takes ownership) and its PEM member. */
void acme_account_set_key(AcmeAccount *a, gnutls_x509_privkey_t key);

/* Names of the account files that are valid config ids, sorted (hides plugins.cfg, _deactivated_*). */
char **acme_account_list(void);
/* The first free "_deactivated_<name>_<i>" (i = 0..100) below the account directory, or NULL. */
char *acme_account_deactivated_path(const char *name);

/* Serialises changes of one account, as upstream's cluster lock "acme-<name>". */
int acme_account_lock(const char *name, LockFile *ret, char **reterr);
