/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The certificate pveproxy presents, chosen as upstream's pveproxy does:
 * etc/pve/local/pveproxy-ssl.pem with pveproxy-ssl.key when both exist,
 * else the node certificate pve-ssl.pem/pve-ssl.key (issued by the
 * cluster CA when missing, see node_certificate_ensure()).
 *
 * The TLS stack asks for the certificate on every handshake
 * (tls_certificate_callback), so tls_reload() swaps in a new certificate
 * for new connections while established ones carry on undisturbed.
 */

#include <gnutls/abstract.h>
#include <stdbool.h>

/* Loads the certificate to serve. Returns 0 or -errno with a message. */
int tls_reload(char **reterr);
/*
 * True when the certificate files changed since the last tls_reload() (a
 * custom certificate appeared or went away, or the served one was
 * replaced), so the daemon picks up an upload without a restart.
 */
bool tls_files_changed(void);
/* The file the current certificate came from. */
const char *tls_certificate_path(void);
/* For MHD_OPTION_HTTPS_CERT_CALLBACK (a gnutls_certificate_retrieve_function2). */
int tls_certificate_callback(gnutls_session_t session, const gnutls_datum_t *req_ca_dn, int nreqs,
                             const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, gnutls_pcert_st **pcert,
                             unsigned int *pcert_length, gnutls_privkey_t *pkey);
/* Frees every certificate loaded so far (at exit). */
void tls_release_all(void);

/*
 * What upstream's pveproxy.service runs before it starts (`pvecm
 * updatecerts --silent`): creates the cluster CA and the node certificate
 * etc/pve/nodes/<node>/pve-ssl.pem (+ .key) when missing, and the
 * etc/pve/local link to the node directory, as pmxcfs shows it.
 */
int node_certificate_ensure(char **reterr);
