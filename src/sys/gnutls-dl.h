/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * GnuTLS, loaded with dlopen on first use (dlopen-util.h): linking it costs
 * every program about 2 ms at start-up for its global initialisation, and
 * only certificate, ACME and ticket work needs it. sys/x509.c and
 * access/ticket.c are its users.
 */

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509-ext.h>
#include <gnutls/x509.h>

#include "dlopen-util.h"

DLSYM_PROTOTYPE(gnutls_certificate_allocate_credentials);
DLSYM_PROTOTYPE(gnutls_certificate_free_credentials);
DLSYM_PROTOTYPE(gnutls_certificate_set_x509_key);
DLSYM_PROTOTYPE(gnutls_decode_rs_value);
DLSYM_PROTOTYPE(gnutls_privkey_deinit);
DLSYM_PROTOTYPE(gnutls_privkey_import_x509);
DLSYM_PROTOTYPE(gnutls_privkey_import_x509_raw);
DLSYM_PROTOTYPE(gnutls_privkey_init);
DLSYM_PROTOTYPE(gnutls_privkey_sign_data);
DLSYM_PROTOTYPE(gnutls_pubkey_deinit);
DLSYM_PROTOTYPE(gnutls_pubkey_export2);
DLSYM_PROTOTYPE(gnutls_pubkey_export_ecc_raw2);
DLSYM_PROTOTYPE(gnutls_pubkey_export_rsa_raw2);
DLSYM_PROTOTYPE(gnutls_pubkey_import_privkey);
DLSYM_PROTOTYPE(gnutls_pubkey_init);
DLSYM_PROTOTYPE(gnutls_pubkey_verify_data2);
DLSYM_PROTOTYPE(gnutls_rnd);
DLSYM_PROTOTYPE(gnutls_strerror);
DLSYM_PROTOTYPE(gnutls_x509_crq_deinit);
DLSYM_PROTOTYPE(gnutls_x509_crq_export2);
DLSYM_PROTOTYPE(gnutls_x509_crq_init);
DLSYM_PROTOTYPE(gnutls_x509_crq_set_basic_constraints);
DLSYM_PROTOTYPE(gnutls_x509_crq_set_dn_by_oid);
DLSYM_PROTOTYPE(gnutls_x509_crq_set_key);
DLSYM_PROTOTYPE(gnutls_x509_crq_set_key_purpose_oid);
DLSYM_PROTOTYPE(gnutls_x509_crq_set_key_usage);
DLSYM_PROTOTYPE(gnutls_x509_crq_set_subject_alt_name);
DLSYM_PROTOTYPE(gnutls_x509_crq_set_version);
DLSYM_PROTOTYPE(gnutls_x509_crq_sign2);
DLSYM_PROTOTYPE(gnutls_x509_crt_check_issuer);
DLSYM_PROTOTYPE(gnutls_x509_crt_deinit);
DLSYM_PROTOTYPE(gnutls_x509_crt_export2);
DLSYM_PROTOTYPE(gnutls_x509_crt_get_activation_time);
DLSYM_PROTOTYPE(gnutls_x509_crt_get_authority_key_id);
DLSYM_PROTOTYPE(gnutls_x509_crt_get_expiration_time);
DLSYM_PROTOTYPE(gnutls_x509_crt_get_fingerprint);
DLSYM_PROTOTYPE(gnutls_x509_crt_get_issuer);
DLSYM_PROTOTYPE(gnutls_x509_crt_get_key_id);
DLSYM_PROTOTYPE(gnutls_x509_crt_get_pk_algorithm);
DLSYM_PROTOTYPE(gnutls_x509_crt_get_serial);
DLSYM_PROTOTYPE(gnutls_x509_crt_get_subject);
DLSYM_PROTOTYPE(gnutls_x509_crt_get_subject_alt_name2);
DLSYM_PROTOTYPE(gnutls_x509_crt_get_subject_key_id);
DLSYM_PROTOTYPE(gnutls_x509_crt_import);
DLSYM_PROTOTYPE(gnutls_x509_crt_init);
DLSYM_PROTOTYPE(gnutls_x509_crt_set_activation_time);
DLSYM_PROTOTYPE(gnutls_x509_crt_set_authority_key_id);
DLSYM_PROTOTYPE(gnutls_x509_crt_set_dn_by_oid);
DLSYM_PROTOTYPE(gnutls_x509_crt_set_expiration_time);
DLSYM_PROTOTYPE(gnutls_x509_crt_set_extension_by_oid);
DLSYM_PROTOTYPE(gnutls_x509_crt_set_key);
DLSYM_PROTOTYPE(gnutls_x509_crt_set_key_purpose_oid);
DLSYM_PROTOTYPE(gnutls_x509_crt_set_key_usage);
DLSYM_PROTOTYPE(gnutls_x509_crt_set_serial);
DLSYM_PROTOTYPE(gnutls_x509_crt_set_subject_alt_name);
DLSYM_PROTOTYPE(gnutls_x509_crt_set_subject_key_id);
DLSYM_PROTOTYPE(gnutls_x509_crt_set_version);
DLSYM_PROTOTYPE(gnutls_x509_crt_sign2);
DLSYM_PROTOTYPE(gnutls_x509_crt_verify);
DLSYM_PROTOTYPE(gnutls_x509_dn_get_rdn_ava);
DLSYM_PROTOTYPE(gnutls_x509_ext_export_basic_constraints);
DLSYM_PROTOTYPE(gnutls_x509_privkey_deinit);
DLSYM_PROTOTYPE(gnutls_x509_privkey_export2);
DLSYM_PROTOTYPE(gnutls_x509_privkey_export2_pkcs8);
DLSYM_PROTOTYPE(gnutls_x509_privkey_generate2);
DLSYM_PROTOTYPE(gnutls_x509_privkey_get_key_id);
DLSYM_PROTOTYPE(gnutls_x509_privkey_get_pk_algorithm);
DLSYM_PROTOTYPE(gnutls_x509_privkey_import2);
DLSYM_PROTOTYPE(gnutls_x509_privkey_init);
DLSYM_PROTOTYPE(gnutls_free);

/* Loads libgnutls.so.30 and resolves the symbols above; 0 or a negative errno (message: dlopen_last_error()). */
int dlopen_gnutls(void);
