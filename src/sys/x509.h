/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * X.509 certificates and private keys over GnuTLS: what the node's
 * self-signed PKI, custom certificate uploads and the ACME client need.
 *
 *  - keys: generate RSA or P-256 keys, read them from PEM (refusing
 *    password-protected ones with a message saying so), write them as
 *    upstream's tools do (PKCS#8 "PRIVATE KEY", or PKCS#1 "RSA PRIVATE KEY"
 *    for ACME account keys);
 *  - certificates: read chains, describe them as upstream's
 *    PVE::Certificate::get_certificate_info() does (OpenSSL's one-line
 *    names, SHA-256 fingerprint with colons, SANs), issue certificates
 *    (the cluster CA and node certificates), build CSRs;
 *  - checks before installing a certificate: the key matches the leaf, the
 *    chain is in issuing order, the leaf has not expired, and GnuTLS
 *    accepts the pair as a TLS server credential.
 */

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "basic/macro.h"

typedef enum KeyType {
        KEY_TYPE_RSA,
        KEY_TYPE_EC_P256,
} KeyType;

/*
 * GnuTLS is loaded on first use (gnutls-dl.h): the functions that read or
 * make keys and certificates load it and fail with -EOPNOTSUPP when it is
 * missing. Objects they return are released with these (for _cleanup_).
 */
void x509_privkey_freep(gnutls_x509_privkey_t *k);
void x509_crt_freep(gnutls_x509_crt_t *c);
/* For the DER encodings these functions return in gnutls_datum_t. */
void x509_datum_freep(gnutls_datum_t *d);
#define _cleanup_datum_free_ _cleanup_(x509_datum_freep)

/* ---- keys --------------------------------------------------------------- */

/* Generates a key: RSA with the given bits, or P-256 (bits ignored). */
int x509_key_generate(KeyType type, unsigned bits, gnutls_x509_privkey_t *ret);

/*
 * Reads the first private key of PEM text (PKCS#1, SEC1 or PKCS#8).
 * Fails with -EKEYREJECTED and "private key is password protected" for
 * encrypted keys, -EINVAL with a message for anything else it cannot read.
 */
int x509_key_from_pem(const char *pem, gnutls_x509_privkey_t *ret, char **reterr);

/* PKCS#8 "PRIVATE KEY" PEM, as openssl genrsa writes (node and CA keys, certificate keys). */
char *x509_key_to_pem(gnutls_x509_privkey_t key);
/* PKCS#1 "RSA PRIVATE KEY" for RSA keys, SEC1 "EC PRIVATE KEY" for EC keys. */
char *x509_key_to_pem_traditional(gnutls_x509_privkey_t key);

KeyType x509_key_type(gnutls_x509_privkey_t key);

/*
 * JSON Web Signature pieces (RFC 7515, 7518) for ACME: the signature of
 * data with the key as JWS alg RS256 (RSA keys) or ES256 (P-256 keys, the
 * 64-byte r||s form), in *ret (free()).
 */
int x509_key_jws_sign(gnutls_x509_privkey_t key, const void *data, size_t len, void **ret, size_t *ret_len);
/* "RS256" or "ES256". */
const char *x509_key_jws_alg(gnutls_x509_privkey_t key);
/*
 * The public key as JWK in canonical form (RFC 7638: required members only,
 * sorted, no whitespace), {"e":..,"kty":"RSA","n":..} or
 * {"crv":"P-256","kty":"EC","x":..,"y":..}: usable as "jwk" header and as
 * input of the thumbprint.
 */
char *x509_key_jwk(gnutls_x509_privkey_t key);

/* ---- certificates ------------------------------------------------------- */

typedef struct X509Chain {
        gnutls_x509_crt_t *certs; /* leaf first, as in the file */
        unsigned n;
} X509Chain;

/*
 * Reads every CERTIFICATE block of PEM text (other blocks are ignored).
 * Fails with -EINVAL and a message when there is none or one is unreadable.
 */
int x509_chain_from_pem(const char *pem, X509Chain *ret, char **reterr);
void x509_chain_done(X509Chain *c);

/* The first certificate of PEM text. */
int x509_cert_from_pem(const char *pem, gnutls_x509_crt_t *ret, char **reterr);
char *x509_cert_to_pem(gnutls_x509_crt_t crt);
/* DER encoding in *ret (release with x509_datum_freep()). */
int x509_cert_to_der(gnutls_x509_crt_t crt, gnutls_datum_t *ret);

typedef struct CertInfo {
        char *subject;          /* "/CN=Proxmox Virtual Environment/OU=.../O=..." */
        char *issuer;
        int64_t notbefore, notafter;
        char **san;             /* DNS names, IPv4 dotted quads, IPv6 as 8 groups of 4 hex digits */
        char *fingerprint;      /* SHA-256, "AB:CD:..." */
        char *pem;
        char *public_key_type;  /* OpenSSL's short name: rsaEncryption, id-ecPublicKey, ED25519 */
        unsigned public_key_bits;
} CertInfo;

/* Describes a certificate as upstream's get_certificate_info(). */
int x509_cert_info(gnutls_x509_crt_t crt, CertInfo *ret);
void cert_info_done(CertInfo *i);

/* One RDN sequence in OpenSSL's X509_NAME_oneline() form. */
char *x509_dn_oneline(gnutls_x509_dn_t dn);

/*
 * True if ca's key signed crt and ca's subject is crt's issuer; validity
 * times are not checked (as "openssl verify -no_check_time").
 */
bool x509_cert_signed_by(gnutls_x509_crt_t crt, gnutls_x509_crt_t ca);

/* notAfter as a Unix time. */
int64_t x509_cert_expiration(gnutls_x509_crt_t crt);

/*
 * Checks a certificate chain and its private key before they are installed:
 * the key belongs to the first certificate, each further certificate issued
 * the one before it, the first certificate has not expired at now, and
 * GnuTLS accepts chain and key as a TLS server credential. Returns 0 or
 * -EINVAL with a message ("key does not match the certificate (chain)",
 * "certificate chain is not in issuing order: ...", "certificate expired
 * on ...").
 */
int x509_check_pair(const X509Chain *chain, gnutls_x509_privkey_t key, time_t now, char **reterr);

/* ---- issuing ------------------------------------------------------------ */

typedef struct X509NameEntry {
        const char *oid;   /* GNUTLS_OID_X520_COMMON_NAME, ... */
        const char *value;
} X509NameEntry;

typedef enum X509Profile {
        X509_PROFILE_CA,      /* basicConstraints critical CA:TRUE, keyUsage critical keyCertSign,cRLSign */
        X509_PROFILE_SERVER,  /* basicConstraints CA:FALSE, extendedKeyUsage serverAuth */
} X509Profile;

typedef struct X509CertSpec {
        const X509NameEntry *subject;  /* in RDN order, terminated by { NULL } */
        X509Profile profile;
        time_t not_before, not_after;
        const uint8_t *serial;         /* big-endian; NULL: 16 random bytes */
        size_t serial_len;
        char *const *san;              /* subjectAltName: "DNS:<name>" and "IP:<address>", in order */
} X509CertSpec;

/*
 * Issues a certificate for key's public key, signed with SHA-256 by
 * issuer/issuer_key, or self-signed when issuer is NULL. Adds subject and
 * authority key identifiers.
 */
int x509_cert_issue(const X509CertSpec *spec, gnutls_x509_privkey_t key, gnutls_x509_crt_t issuer,
                    gnutls_x509_privkey_t issuer_key, gnutls_x509_crt_t *ret);

/*
 * A CSR as upstream's generate_csr() makes for ACME orders: CN = first
 * name, subjectAltName = all names, keyUsage digitalSignature,
 * keyEncipherment (RSA), basicConstraints CA:FALSE, extendedKeyUsage
 * serverAuth, clientAuth; signed with SHA-256. DER in *ret (x509_datum_freep()).
 */
int x509_csr_create(gnutls_x509_privkey_t key, char *const *names, gnutls_datum_t *ret);

/* ---- ACME certificate identifier (RFC 9773) ----------------------------- */

/*
 * base64url(authorityKeyIdentifier keyIdentifier) "." base64url(serial),
 * the identifier of a certificate in ACME Renewal Information requests.
 * -ENODATA when the certificate has no authority key identifier.
 */
int x509_cert_ari_id(gnutls_x509_crt_t crt, char **ret);

/* ---- files -------------------------------------------------------------- */

/*
 * Writes key (when given) and certificate chain to key_path and cert_path,
 * each atomically (fileio.h), mode 0640, group www-data when that group
 * exists (pmxcfs gives files in /etc/pve exactly this). When writing the
 * certificate fails after the key was replaced, the old key is restored.
 * The caller checks the pair first (x509_check_pair()) and holds the
 * certificate lock.
 */
int x509_write_pair(const char *cert_path, const char *cert_pem, const char *key_path, const char *key_pem,
                    char **reterr);
