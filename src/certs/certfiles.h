/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The node's custom certificate for pveproxy, /etc/pve/nodes/<node>/
 * pveproxy-ssl.pem and .key (uploaded, or installed by an ACME order through
 * the custom certificate API), as upstream's PVE::CertHelpers.
 *
 * Unlike upstream, which writes the new files, tests them and restores the
 * old ones on failure, everything is checked before any file is touched:
 * PEM syntax, a readable unencrypted key, key matching the leaf, chain in
 * issuing order, leaf not expired.
 */

#include <stdbool.h>
#include <time.h>

#include "basic/lockfile.h"
#include "sys/x509.h"

typedef enum CertFile {
        CERT_FILE_PEM,
        CERT_FILE_KEY,
} CertFile;

/* /etc/pve/nodes/<node>/pveproxy-ssl.pem or .key below PVE_ROOT. */
char *cert_files_path(const char *node, CertFile f);

/* Takes /var/lock/pve-certs.lock (10 seconds), as upstream's cert_lock(). */
int cert_lock(LockFile *ret, char **reterr);

/* Describes the first certificate of a PEM file. */
int cert_file_info(const char *path, CertInfo *ret, char **reterr);

/*
 * Installs a certificate chain and key (NULL: keep the existing key file).
 * Without force, existing files are not replaced ("Custom certificate file
 * exists but force flag is not set."). Failed checks give "Setting
 * certificate files failed - <reason>" and change nothing. The caller
 * holds cert_lock(). On success *ret_info describes the new leaf.
 */
int cert_files_set(const char *node, const char *certs, const char *key, bool force, time_t now, CertInfo *ret_info,
                   char **reterr);

/* Removes both files (missing ones are fine). The caller holds cert_lock(). */
int cert_files_remove(const char *node, char **reterr);
