/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The cluster's self-signed PKI, as upstream's pve-cluster
 * PVE::Cluster::Setup (gen_pveca_cert, gen_pve_ssl_cert) makes it:
 *
 *   /etc/pve/priv/pve-root-ca.key   RSA 4096, 0600
 *   /etc/pve/priv/pve-root-ca.srl   serial counter of issued node certificates
 *   /etc/pve/pve-root-ca.pem        CN=Proxmox Virtual Environment, OU=<uuid>,
 *                                   O=PVE Cluster Manager CA; 10 years
 *   /etc/pve/nodes/<node>/pve-ssl.key  RSA 2048, kept across renewals
 *   /etc/pve/nodes/<node>/pve-ssl.pem  OU=PVE Cluster Node, O=Proxmox Virtual
 *                                   Environment, CN=<fqdn>; SANs 127.0.0.1, ::1,
 *                                   localhost, node address, node name, fqdn;
 *                                   up to 2 years, 2 days less than the CA
 *
 * Certificates start one day in the past (upstream runs openssl under
 * "faketime yesterday", bug #904: clock skew between nodes). Files get
 * pmxcfs's modes (0640, private files 0600; group www-data).
 */

#include <stdbool.h>
#include <time.h>

#include "basic/time-util.h"

/* Lock around every change of certificate files, as upstream's /var/lock/pve-certs.lock. */
#define CERT_LOCK_PATH "/var/lock/pve-certs.lock"
#define CERT_LOCK_TIMEOUT (10 * USEC_PER_SEC)

#define PKI_CA_DAYS 3650
#define PKI_NODE_MAX_DAYS (2 * 365)
#define PKI_CA_MIN_DAYS_LEFT 14

typedef enum PkiReport {
        PKI_CA_CREATED = 1 << 0,
        PKI_NODE_KEY_CREATED = 1 << 1,
        PKI_NODE_CERT_CREATED = 1 << 2,
} PkiReport;

/*
 * Creates what is missing: directories, CA key and certificate, node key,
 * node certificate. A new CA, or force, issues a new node certificate.
 * now is the current time (tests pass others). Returns a PkiReport mask,
 * or a negative errno with a message in *reterr.
 */
int pki_update_node_files(const char *node, bool force, time_t now, char **reterr);

/*
 * What the daily update does with the node certificate (upstream's
 * pveupdate): NULL when nothing is due, else the reason to renew it
 * ("expired, renewing...", "expires soon, renewing...", "expires in more
 * than 2 years, renewing to reduce certificate life-span for client
 * compatibility..."). Fails with a message when the certificate is not
 * issued by the cluster CA (such a certificate is never replaced).
 */
int pki_node_cert_renewal_due(const char *node, time_t now, const char **ret_reason, char **reterr);

/* Issues a new node certificate with the existing key and CA. */
int pki_renew_node_cert(const char *node, time_t now, char **reterr);
