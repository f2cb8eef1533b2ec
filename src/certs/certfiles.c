/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "certs/certfiles.h"
#include "certs/pki.h"

#define CERT_FILE_MAX (1024 * 1024)

char *cert_files_path(const char *node, CertFile f) {
        return root_pathf("/etc/pve/nodes/%s/pveproxy-ssl.%s", node, f == CERT_FILE_PEM ? "pem" : "key");
}

int cert_lock(LockFile *ret, char **reterr) {
        _cleanup_free_ char *path = root_path(CERT_LOCK_PATH);
        int r;

        r = lock_file_acquire(path, CERT_LOCK_TIMEOUT, ret);
        if (r < 0)
                *reterr = xasprintf("can't lock file '%s' - %s", path, r == -ETIMEDOUT ? "got timeout" : strerror(-r));
        return r;
}

int cert_file_info(const char *path, CertInfo *ret, char **reterr) {
        _cleanup_free_ char *text = NULL, *err = NULL;
        _cleanup_(x509_crt_freep) gnutls_x509_crt_t crt = NULL;
        int r;

        r = read_full_file(path, CERT_FILE_MAX, &text, NULL);
        if (r < 0) {
                if (reterr)
                        *reterr = r == -ENOENT ? xasprintf("'%s' does not exist!", path)
                                               : xasprintf("unable to read '%s' - %s", path, strerror(-r));
                return r;
        }
        r = x509_cert_from_pem(text, &crt, &err);
        if (r < 0) {
                if (reterr)
                        *reterr = xasprintf("unable to read certificate from '%s'", path);
                return r;
        }
        return x509_cert_info(crt, ret);
}

static int set_failed(char **reterr, char *reason) {
        *reterr = xasprintf("Setting certificate files failed - %s", reason);
        free(reason);
        return -EINVAL;
}

int cert_files_set(const char *node, const char *certs, const char *key, bool force, time_t now, CertInfo *ret_info,
                   char **reterr) {
        _cleanup_free_ char *cert_path = cert_files_path(node, CERT_FILE_PEM);
        _cleanup_free_ char *key_path = cert_files_path(node, CERT_FILE_KEY);
        _cleanup_free_ char *old_key = NULL, *err = NULL;
        _cleanup_(x509_chain_done) X509Chain chain = {};
        _cleanup_(x509_privkey_freep) gnutls_x509_privkey_t pk = NULL;
        int r;

        if (!force && file_exists(cert_path)) {
                *reterr = xstrdup("Custom certificate file exists but force flag is not set.");
                return -EEXIST;
        }
        if (!force && file_exists(key_path)) {
                *reterr = xstrdup("Custom certificate key file exists but force flag is not set.");
                return -EEXIST;
        }

        r = x509_chain_from_pem(certs, &chain, &err);
        if (r < 0)
                return set_failed(reterr, TAKE_PTR(err));
        if (!key) {
                r = read_full_file(key_path, CERT_FILE_MAX, &old_key, NULL);
                if (r < 0)
                        return set_failed(reterr, xasprintf("unable to read '%s': %s", key_path, strerror(-r)));
        }
        r = x509_key_from_pem(key ?: old_key, &pk, &err);
        if (r < 0)
                return set_failed(reterr, TAKE_PTR(err));
        r = x509_check_pair(&chain, pk, now, &err);
        if (r < 0)
                return set_failed(reterr, TAKE_PTR(err));

        r = x509_write_pair(cert_path, certs, key_path, key, &err);
        if (r < 0)
                return set_failed(reterr, TAKE_PTR(err));
        return x509_cert_info(chain.certs[0], ret_info);
}

int cert_files_remove(const char *node, char **reterr) {
        for (CertFile f = CERT_FILE_PEM; f <= CERT_FILE_KEY; f++) {
                _cleanup_free_ char *path = cert_files_path(node, f);

                if (unlink(path) < 0 && errno != ENOENT) {
                        *reterr = xasprintf("unable to delete '%s': %m", path);
                        return -errno;
                }
        }
        return 0;
}
