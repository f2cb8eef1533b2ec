/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Loading heavy libraries on first use (the systemd dlopen pattern).
 *
 * libcurl pulls in about thirty libraries (LDAP, Kerberos, SSH, ...) and
 * librrd pulls in cairo and pango; linking them into every program would
 * cost each CLI invocation several milliseconds. Smaller libraries that only
 * some commands need (libblkid, libyaml, libcrypt) are loaded the same way:
 * each shared object mapped at start costs every call of every program
 * about 0.1 ms. Their adapters declare the
 * functions they use with DLSYM_PROTOTYPE() in a header, define them with
 * DLSYM_FUNCTION() and resolve them all at once:
 *
 *         DLSYM_FUNCTION(curl_easy_init);
 *         int dlopen_curl(void) {
 *                 static void *dl;
 *                 return dlopen_many_sym(&dl, "libcurl-gnutls.so.4",
 *                                        DLSYM_ARG(curl_easy_init), NULL);
 *         }
 *
 * and call sym_curl_easy_init(). The function types come from the
 * library's own header, so a mismatch fails to compile.
 */

#define DLSYM_PROTOTYPE(symbol) extern typeof(symbol) *sym_##symbol
#define DLSYM_FUNCTION(symbol) typeof(symbol) *sym_##symbol = NULL
#define DLSYM_ARG(symbol) (void **) &sym_##symbol, #symbol

/*
 * Opens filename once (*dlp caches the handle) and resolves every
 * (void **, "name") pair of the NULL-terminated list. Returns 0,
 * -EOPNOTSUPP when the library is not installed, -ELIBBAD when a symbol is
 * missing. Thread-safe for concurrent first use.
 */
int dlopen_many_sym(void **dlp, const char *filename, ...) __attribute__((sentinel));
/* The last dlerror() text, for messages. */
const char *dlopen_last_error(void);
