/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <ctype.h>
#include <grp.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/lockfile.h"
#include "basic/rootdir.h"
#include "basic/strbuf.h"
#include "basic/strv.h"
#include "certs/certfiles.h"
#include "certs/nodeaddr.h"
#include "certs/pki.h"
#include "sys/x509.h"

#define CA_KEY "/etc/pve/priv/pve-root-ca.key"
#define CA_SERIAL "/etc/pve/priv/pve-root-ca.srl"
#define CA_CERT "/etc/pve/pve-root-ca.pem"
#define CA_KEY_BITS 4096
#define NODE_KEY_BITS 2048
#define SERIAL_MAX_BYTES 20
#define DAY (24 * 60 * 60)

static char *node_file(const char *node, const char *name) {
        return root_pathf("/etc/pve/nodes/%s/%s", node, name);
}

/* pmxcfs gives every file group www-data, private ones mode 0600, others 0640. */
static int write_pve_file(const char *path, const char *data, size_t len, bool private, char **reterr) {
        const struct group *g = getgrnam("www-data");
        WriteOptions wo = WRITE_OPTIONS(private ? 0600 : 0640, WRITE_MKDIR);
        int r;

        if (g)
                wo.gid = g->gr_gid;
        r = write_file_atomic(path, data, len, &wo);
        if (r < 0)
                *reterr = xasprintf("unable to write '%s': %s", path, strerror(-r));
        return r;
}

static int read_text(const char *path, char **ret, char **reterr) {
        int r = read_full_file(path, 1024 * 1024, ret, NULL);

        if (r < 0)
                *reterr = xasprintf("unable to read '%s': %s", path, strerror(-r));
        return r;
}

static int load_key(const char *path, gnutls_x509_privkey_t *ret, char **reterr) {
        _cleanup_free_ char *text = NULL, *err = NULL;
        int r;

        r = read_text(path, &text, reterr);
        if (r < 0)
                return r;
        r = x509_key_from_pem(text, ret, &err);
        if (r < 0)
                *reterr = xasprintf("unable to read key '%s': %s", path, err);
        return r;
}

static int load_cert(const char *path, gnutls_x509_crt_t *ret, char **reterr) {
        _cleanup_free_ char *text = NULL, *err = NULL;
        int r;

        r = read_text(path, &text, reterr);
        if (r < 0)
                return r;
        r = x509_cert_from_pem(text, ret, &err);
        if (r < 0)
                *reterr = xasprintf("unable to read certificate from '%s': %s", path, err);
        return r;
}

/* Generates a key unless path has one; returns 1 when it did. */
static int ensure_key(const char *path, unsigned bits, bool private, char **reterr) {
        _cleanup_(x509_privkey_freep) gnutls_x509_privkey_t key = NULL;
        _cleanup_free_ char *pem = NULL;
        int r;

        if (file_exists(path))
                return 0;
        r = x509_key_generate(KEY_TYPE_RSA, bits, &key);
        if (r < 0) {
                *reterr = xasprintf("unable to generate key '%s'", path);
                return r;
        }
        pem = x509_key_to_pem(key);
        r = write_pve_file(path, pem, strlen(pem), private, reterr);
        return r < 0 ? r : 1;
}

static char *random_uuid(void) {
        uint8_t u[16];

        if (getrandom(u, sizeof(u), 0) != (ssize_t) sizeof(u))
                abort();
        u[6] = (u[6] & 0x0f) | 0x40; /* version 4 */
        u[8] = (u[8] & 0x3f) | 0x80; /* RFC 4122 variant */
        return xasprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2],
                         u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

static int create_ca_cert(time_t now, char **reterr) {
        _cleanup_free_ char *key_path = root_path(CA_KEY), *cert_path = root_path(CA_CERT), *uuid = random_uuid();
        _cleanup_free_ char *pem = NULL;
        _cleanup_(x509_privkey_freep) gnutls_x509_privkey_t key = NULL;
        _cleanup_(x509_crt_freep) gnutls_x509_crt_t crt = NULL;
        const X509NameEntry subject[] = {
                { GNUTLS_OID_X520_COMMON_NAME, "Proxmox Virtual Environment" },
                { GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, uuid },
                { GNUTLS_OID_X520_ORGANIZATION_NAME, "PVE Cluster Manager CA" },
                {},
        };
        int r;

        r = ensure_key(key_path, CA_KEY_BITS, true, reterr);
        if (r < 0)
                return r;
        r = load_key(key_path, &key, reterr);
        if (r < 0)
                return r;
        r = x509_cert_issue(&(X509CertSpec) {
                                    .subject = subject,
                                    .profile = X509_PROFILE_CA,
                                    .not_before = now - DAY,
                                    .not_after = now - DAY + (time_t) PKI_CA_DAYS * DAY,
                            },
                            key, NULL, NULL, &crt);
        if (r < 0) {
                *reterr = xstrdup("generating pve root certificate failed");
                return r;
        }
        pem = x509_cert_to_pem(crt);
        return write_pve_file(cert_path, pem, strlen(pem), false, reterr);
}

/*
 * Takes the next serial from the counter file as "openssl x509 -CAserial"
 * does: the file holds the last serial in hex; it is incremented, used and
 * written back.
 */
static int next_serial(uint8_t ret[static SERIAL_MAX_BYTES + 1], size_t *ret_len, char **reterr) {
        _cleanup_free_ char *path = root_path(CA_SERIAL), *text = NULL;
        _cleanup_strbuf_ StrBuf out = STRBUF_INIT;
        uint8_t n[SERIAL_MAX_BYTES + 1] = {};
        size_t digits = 0, start;
        int r;

        r = read_full_file(path, 4096, &text, NULL);
        if (r == -ENOENT)
                text = xstrdup("0000000000000000");
        else if (r < 0) {
                *reterr = xasprintf("unable to read '%s': %s", path, strerror(-r));
                return r;
        }
        for (char *p = text; *p && !isspace((unsigned char) *p); p++) {
                int v = isdigit((unsigned char) *p) ? *p - '0' : tolower((unsigned char) *p) - 'a' + 10;

                if (!isxdigit((unsigned char) *p) || digits >= 2 * SERIAL_MAX_BYTES) {
                        *reterr = xasprintf("invalid serial number in '%s'", path);
                        return -EINVAL;
                }
                /* Shift the whole number left by one hex digit. */
                for (size_t i = 0; i < sizeof(n) - 1; i++)
                        n[i] = (uint8_t) (n[i] << 4 | n[i + 1] >> 4);
                n[sizeof(n) - 1] = (uint8_t) (n[sizeof(n) - 1] << 4 | v);
                digits++;
        }
        for (size_t i = sizeof(n); i-- > 0;)
                if (++n[i] != 0)
                        break;

        /* Shortest positive INTEGER: no redundant leading zeros, a zero before a set high bit. */
        for (start = 0; start < sizeof(n) - 1 && n[start] == 0 && !(n[start + 1] & 0x80); start++)
                ;
        *ret_len = sizeof(n) - start;
        memcpy(ret, n + start, *ret_len);

        for (size_t i = start; i < sizeof(n); i++)
                strbuf_addf(&out, "%02X", n[i]);
        strbuf_addc(&out, '\n');
        return write_pve_file(path, out.buf, out.len, true, reterr);
}

static int issue_node_cert(const char *node, time_t now, char **reterr) {
        _cleanup_free_ char *ca_key_path = root_path(CA_KEY), *ca_cert_path = root_path(CA_CERT);
        _cleanup_free_ char *key_path = node_file(node, "pve-ssl.key"), *cert_path = node_file(node, "pve-ssl.pem");
        _cleanup_free_ char *fqdn = node_fqdn(node), *addr = node_address(node), *pem = NULL;
        _cleanup_(x509_privkey_freep) gnutls_x509_privkey_t key = NULL, ca_key = NULL;
        _cleanup_(x509_crt_freep) gnutls_x509_crt_t ca = NULL, crt = NULL;
        _cleanup_strv_free_ char **san = strv_new("IP:127.0.0.1", "IP:::1", "DNS:localhost", NULL);
        const X509NameEntry subject[] = {
                { GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, "PVE Cluster Node" },
                { GNUTLS_OID_X520_ORGANIZATION_NAME, "Proxmox Virtual Environment" },
                { GNUTLS_OID_X520_COMMON_NAME, fqdn },
                {},
        };
        uint8_t serial[SERIAL_MAX_BYTES + 1];
        size_t serial_len;
        int64_t days;
        int r;

        if (addr)
                strv_extendf(&san, "IP:%s", addr);
        strv_extendf(&san, "DNS:%s", node);
        if (!streq(fqdn, node))
                strv_extendf(&san, "DNS:%s", fqdn);

        r = load_key(key_path, &key, reterr);
        if (r < 0)
                return r;
        r = load_key(ca_key_path, &ca_key, reterr);
        if (r < 0)
                return r;
        r = load_cert(ca_cert_path, &ca, reterr);
        if (r < 0)
                return r;

        days = (x509_cert_expiration(ca) - now) / DAY;
        if (days < PKI_CA_MIN_DAYS_LEFT) {
                *reterr = xstrdup("CA expires in less than 2 weeks, unable to generate certificate.");
                return -EINVAL;
        }
        /* Expire a little before the CA, and after two years at most (browsers refuse longer ones). */
        days = MIN(days - 2, (int64_t) PKI_NODE_MAX_DAYS);

        r = next_serial(serial, &serial_len, reterr);
        if (r < 0)
                return r;
        r = x509_cert_issue(&(X509CertSpec) {
                                    .subject = subject,
                                    .profile = X509_PROFILE_SERVER,
                                    .not_before = now - DAY,
                                    .not_after = now - DAY + (time_t) days * DAY,
                                    .serial = serial,
                                    .serial_len = serial_len,
                                    .san = san,
                            },
                            key, ca, ca_key, &crt);
        if (r < 0) {
                *reterr = xstrdup("unable to generate pve ssl certificate");
                return r;
        }
        pem = x509_cert_to_pem(crt);
        return write_pve_file(cert_path, pem, strlen(pem), false, reterr);
}

int pki_update_node_files(const char *node, bool force, time_t now, char **reterr) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_free_ char *priv = root_path("/etc/pve/priv"), *nodedir = root_pathf("/etc/pve/nodes/%s", node);
        _cleanup_free_ char *ca_key = root_path(CA_KEY), *ca_cert = root_path(CA_CERT);
        _cleanup_free_ char *node_key = node_file(node, "pve-ssl.key"), *node_cert = node_file(node, "pve-ssl.pem");
        int report = 0, r;

        r = cert_lock(&lock, reterr);
        if (r < 0)
                return r;
        if (mkdir_p(priv, 0700) < 0 || mkdir_p(nodedir, 0755) < 0) {
                r = negative_errno();
                *reterr = xasprintf("unable to create directories below '%s': %s", root_dir(), strerror(-r));
                return r;
        }

        r = ensure_key(node_key, NODE_KEY_BITS, false, reterr);
        if (r < 0)
                return r;
        if (r > 0)
                report |= PKI_NODE_KEY_CREATED;

        if (!file_exists(ca_key) || !file_exists(ca_cert)) {
                r = create_ca_cert(now, reterr);
                if (r < 0)
                        return r;
                report |= PKI_CA_CREATED;
                force = true;
        }

        if (!force && file_exists(node_cert))
                return report;
        r = issue_node_cert(node, now, reterr);
        if (r < 0)
                return r;
        return report | PKI_NODE_CERT_CREATED;
}

int pki_node_cert_renewal_due(const char *node, time_t now, const char **ret_reason, char **reterr) {
        _cleanup_free_ char *cert_path = node_file(node, "pve-ssl.pem"), *ca_path = root_path(CA_CERT);
        _cleanup_(x509_crt_freep) gnutls_x509_crt_t crt = NULL, ca = NULL;
        const char *reason = NULL;
        int64_t expires;
        int r;

        r = load_cert(cert_path, &crt, reterr);
        if (r < 0)
                return r;
        expires = x509_cert_expiration(crt);
        if (expires < now)
                reason = "expired, renewing...";
        else if (expires < now + 14 * DAY)
                reason = "expires soon, renewing...";
        else if (expires >= now + 2 * 365 * DAY)
                reason = "expires in more than 2 years, renewing to reduce certificate life-span for client "
                         "compatibility...";
        if (!reason) {
                *ret_reason = NULL;
                return 0;
        }

        /* Only certificates of the cluster CA are replaced, never one put there by hand. */
        r = load_cert(ca_path, &ca, reterr);
        if (r < 0)
                return r;
        if (!x509_cert_signed_by(crt, ca)) {
                *reterr = xasprintf("SSL certificate (%s) is not issued by root CA (%s)!", cert_path, ca_path);
                return -EINVAL;
        }
        *ret_reason = reason;
        return 0;
}

int pki_renew_node_cert(const char *node, time_t now, char **reterr) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        int r;

        r = cert_lock(&lock, reterr);
        if (r < 0)
                return r;
        return issue_node_cert(node, now, reterr);
}
