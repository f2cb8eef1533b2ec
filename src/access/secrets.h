/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The private credential files, in upstream's formats:
 *
 *   etc/pve/priv/shadow.cfg   "<user>:<crypt hash>:" per line, keyed by the user
 *                             name WITHOUT the realm (pve realm passwords)
 *   etc/pve/priv/token.cfg    "<user@realm!tokenid> <secret>" per line
 *
 * Both parse into a JSON object (name -> value), pure and tolerant like
 * upstream (invalid lines are skipped), and format sorted by name.
 * Password hashes are written as upstream writes them (SHA-256 crypt,
 * "$5$"); any crypt(3) hash reads ("$6$", yescrypt, ...).
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

json_t *shadow_parse(const char *data, size_t len);
char *shadow_format(const json_t *shadow);

json_t *token_secrets_parse(const char *data, size_t len);
char *token_secrets_format(const json_t *secrets);

/* A "$5$<salt>$<hash>" crypt hash of password with a random salt. */
int password_hash(const char *password, char **ret);
/* True if password matches the crypt hash (compared in constant time). */
bool password_verify(const char *password, const char *hash);

/* A random token secret in upstream's form (a UUID, lower-case). */
char *token_secret_generate(void);
/* Compares two secrets in constant time. */
bool secret_equal(const char *a, const char *b);
