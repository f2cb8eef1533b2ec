/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <errno.h>
#include <gnutls/x509.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "certs/pki.h"
#include "daemon/pveproxy/tls.h"
#include "sys/nodename.h"

#define MAX_CHAIN 16

typedef struct CertSet {
        gnutls_pcert_st chain[MAX_CHAIN];
        unsigned n_chain;
        gnutls_privkey_t key;
        char *path;
        struct CertSet *older; /* kept until exit: a handshake may still use it */
} CertSet;

static _Atomic(CertSet *) current;
static pthread_mutex_t reload_lock = PTHREAD_MUTEX_INITIALIZER;
static char *files_signature; /* of the certificate files at the last reload */

/* Existence, size and modification time of every file the choice depends on. */
static char *certificate_files_signature(void) {
        static const char *const files[] = { "pveproxy-ssl.pem", "pveproxy-ssl.key", "pve-ssl.pem", "pve-ssl.key" };
        StrBuf sb = STRBUF_INIT;

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *path = root_pathf("/etc/pve/local/%s", files[i]);
                struct stat st;

                if (stat(path, &st) < 0)
                        strbuf_adds(&sb, "-;");
                else
                        strbuf_addf(&sb, "%lld.%09ld:%lld;", (long long) st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                                    (long long) st.st_size);
        }
        return strbuf_detach(&sb, NULL);
}

bool tls_files_changed(void) {
        _cleanup_free_ char *sig = certificate_files_signature();

        return !streq_ptr(sig, files_signature);
}

static void cert_set_free(CertSet *s) {
        for (unsigned i = 0; i < s->n_chain; i++)
                gnutls_pcert_deinit(&s->chain[i]);
        if (s->key)
                gnutls_privkey_deinit(s->key);
        free(s->path);
        free(s);
}

static int load_pair(const char *cert_path, const char *key_path, CertSet **ret, char **reterr) {
        _cleanup_free_ char *cert_pem = NULL, *key_pem = NULL;
        gnutls_pubkey_t pub = NULL;
        uint8_t id_cert[64], id_key[64];
        size_t n_cert = sizeof(id_cert), n_key = sizeof(id_key), cert_len, key_len;
        CertSet *s = new0(CertSet, 1);
        int r;

        r = read_full_file(cert_path, 1 << 20, &cert_pem, &cert_len);
        if (r >= 0)
                r = read_full_file(key_path, 1 << 20, &key_pem, &key_len);
        if (r < 0) {
                *reterr = xasprintf("unable to read certificate files: %s", strerror(-r));
                goto fail;
        }
        s->n_chain = MAX_CHAIN;
        r = gnutls_pcert_list_import_x509_raw(s->chain, &s->n_chain,
                                              &(gnutls_datum_t) { (unsigned char *) cert_pem, (unsigned) cert_len },
                                              GNUTLS_X509_FMT_PEM, 0);
        if (r < 0) {
                s->n_chain = 0;
                *reterr = xasprintf("unable to load certificate '%s': %s", cert_path, gnutls_strerror(r));
                goto fail;
        }
        r = gnutls_privkey_init(&s->key);
        if (r >= 0)
                r = gnutls_privkey_import_x509_raw(s->key, &(gnutls_datum_t) { (unsigned char *) key_pem, (unsigned) key_len },
                                                   GNUTLS_X509_FMT_PEM, NULL, 0);
        if (r < 0) {
                *reterr = xasprintf("unable to load key '%s': %s", key_path, gnutls_strerror(r));
                goto fail;
        }
        /* A key that does not match the certificate would fail every handshake (upstream bug #3016). */
        r = gnutls_pubkey_init(&pub);
        if (r >= 0)
                r = gnutls_pubkey_import_privkey(pub, s->key, 0, 0);
        if (r >= 0)
                r = gnutls_pubkey_get_key_id(pub, GNUTLS_KEYID_USE_SHA256, id_key, &n_key);
        if (r >= 0)
                r = gnutls_pubkey_get_key_id(s->chain[0].pubkey, GNUTLS_KEYID_USE_SHA256, id_cert, &n_cert);
        gnutls_pubkey_deinit(pub);
        if (r < 0 || n_key != n_cert || memcmp(id_key, id_cert, n_key) != 0) {
                *reterr = xasprintf("certificate '%s' does not match key '%s'", cert_path, key_path);
                r = -EINVAL;
                goto fail;
        }
        s->path = xstrdup(cert_path);
        *ret = s;
        return 0;
fail:
        cert_set_free(s);
        return r < 0 && r > -4096 ? r : -EINVAL;
}

int tls_reload(char **reterr) {
        _cleanup_free_ char *custom = root_path("/etc/pve/local/pveproxy-ssl.pem"),
                            *custom_key = root_path("/etc/pve/local/pveproxy-ssl.key"),
                            *node = root_path("/etc/pve/local/pve-ssl.pem"),
                            *node_key = root_path("/etc/pve/local/pve-ssl.key");
        bool use_custom = file_exists(custom) && file_exists(custom_key);
        CertSet *s;
        int r;

        free(files_signature);
        files_signature = certificate_files_signature();
        r = load_pair(use_custom ? custom : node, use_custom ? custom_key : node_key, &s, reterr);
        if (r < 0)
                return r;
        pthread_mutex_lock(&reload_lock);
        s->older = atomic_load(&current);
        atomic_store(&current, s);
        pthread_mutex_unlock(&reload_lock);
        return 0;
}

const char *tls_certificate_path(void) {
        CertSet *s = atomic_load(&current);

        return s ? s->path : NULL;
}

int tls_certificate_callback(gnutls_session_t session, const gnutls_datum_t *req_ca_dn, int nreqs,
                             const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, gnutls_pcert_st **pcert,
                             unsigned int *pcert_length, gnutls_privkey_t *pkey) {
        CertSet *s = atomic_load(&current);

        if (!s)
                return -1;
        *pcert = s->chain;
        *pcert_length = s->n_chain;
        *pkey = s->key;
        return 0;
}

void tls_release_all(void) {
        CertSet *s = atomic_exchange(&current, NULL);

        files_signature = mfree(files_signature);
        while (s) {
                CertSet *older = s->older;
                cert_set_free(s);
                s = older;
        }
}

/* ---- node certificate --------------------------------------------------- */

int node_certificate_ensure(char **reterr) {
        _cleanup_free_ char *local = root_path("/etc/pve/local"), *target = xasprintf("nodes/%s", node_name());
        int r;

        r = pki_update_node_files(node_name(), false, time(NULL), reterr);
        if (r < 0)
                return r;
        if (symlink(target, local) < 0 && errno != EEXIST) {
                r = -errno;
                *reterr = xasprintf("unable to create '%s': %m", local);
                return r;
        }
        return 0;
}
