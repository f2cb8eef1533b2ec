/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <arpa/inet.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/encode.h"
#include "basic/fileio.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "gnutls-dl.h"
#include "pem.h"
#include "x509.h"

#define SERIAL_RANDOM_BYTES 16

void x509_datum_freep(gnutls_datum_t *d) {
        if (d->data)
                (*sym_gnutls_free)(d->data);
        d->data = NULL;
}
#define _cleanup_datum_ _cleanup_datum_free_

/* GnuTLS fails only on allocation failure or invalid arguments for the calls checked with this. */
static void must(int r) {
        if (r < 0)
                oom();
}

void x509_privkey_freep(gnutls_x509_privkey_t *k) {
        if (*k)
                sym_gnutls_x509_privkey_deinit(*k);
}

void x509_crt_freep(gnutls_x509_crt_t *c) {
        if (*c)
                sym_gnutls_x509_crt_deinit(*c);
}

static void x509_crq_freep(gnutls_x509_crq_t *c) {
        if (*c)
                sym_gnutls_x509_crq_deinit(*c);
}

static int load_gnutls(char **reterr) {
        int r = dlopen_gnutls();

        if (r < 0 && reterr)
                *reterr = xasprintf("unable to load GnuTLS: %s", dlopen_last_error());
        return r;
}

/* Loads GnuTLS (first use) and parses PEM text: what every reader of keys and certificates starts with. */
static int read_pem(const char *pem, PemBlocks *ret, char **reterr) {
        int r = load_gnutls(reterr);

        return r < 0 ? r : pem_parse(pem, ret, reterr);
}

static char *datum_to_string(const gnutls_datum_t *d) {
        return xstrndup((const char *) d->data, d->size);
}

/* ---- keys --------------------------------------------------------------- */

int x509_key_generate(KeyType type, unsigned bits, gnutls_x509_privkey_t *ret) {
        _cleanup_(x509_privkey_freep) gnutls_x509_privkey_t key = NULL;
        int r;

        r = load_gnutls(NULL);
        if (r < 0)
                return r;
        must(sym_gnutls_x509_privkey_init(&key));
        if (type == KEY_TYPE_EC_P256)
                r = sym_gnutls_x509_privkey_generate2(key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1),
                                                  0, NULL, 0);
        else
                r = sym_gnutls_x509_privkey_generate2(key, GNUTLS_PK_RSA, bits, 0, NULL, 0);
        if (r < 0)
                return -EIO;
        *ret = TAKE_PTR(key);
        return 0;
}

int x509_key_from_pem(const char *pem, gnutls_x509_privkey_t *ret, char **reterr) {
        _cleanup_(pem_blocks_done) PemBlocks blocks = {};
        _cleanup_(x509_privkey_freep) gnutls_x509_privkey_t key = NULL;
        _cleanup_free_ char *one = NULL;
        const PemBlock *b = NULL;
        int r;

        r = read_pem(pem, &blocks, reterr);
        if (r < 0)
                return r;
        for (size_t i = 0; i < blocks.n && !b; i++)
                if (endswith(blocks.blocks[i].label, "PRIVATE KEY"))
                        b = &blocks.blocks[i];
        if (!b) {
                *reterr = xstrdup("no private key found");
                return -EINVAL;
        }
        if (b->encrypted || streq(b->label, "ENCRYPTED PRIVATE KEY")) {
                *reterr = xstrdup("private key is password protected, which is not supported");
                return -EKEYREJECTED;
        }

        one = pem_encode(b->label, b->der, b->der_len);
        must(sym_gnutls_x509_privkey_init(&key));
        r = sym_gnutls_x509_privkey_import2(key, &(gnutls_datum_t) { (unsigned char *) one, (unsigned) strlen(one) },
                                        GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN);
        if (r < 0) {
                *reterr = xasprintf("unable to read private key (%s): %s", b->label, sym_gnutls_strerror(r));
                return -EINVAL;
        }
        *ret = TAKE_PTR(key);
        return 0;
}

char *x509_key_to_pem(gnutls_x509_privkey_t key) {
        _cleanup_datum_ gnutls_datum_t out = {};

        must(sym_gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &out));
        return datum_to_string(&out);
}

char *x509_key_to_pem_traditional(gnutls_x509_privkey_t key) {
        _cleanup_datum_ gnutls_datum_t out = {};

        must(sym_gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &out));
        return datum_to_string(&out);
}

KeyType x509_key_type(gnutls_x509_privkey_t key) {
        return sym_gnutls_x509_privkey_get_pk_algorithm(key) == GNUTLS_PK_ECDSA ? KEY_TYPE_EC_P256 : KEY_TYPE_RSA;
}

#define P256_COORDINATE_SIZE 32

static void gnutls_privkey_deinitp(gnutls_privkey_t *k) {
        if (*k)
                sym_gnutls_privkey_deinit(*k);
}

static void gnutls_pubkey_deinitp(gnutls_pubkey_t *k) {
        if (*k)
                sym_gnutls_pubkey_deinit(*k);
}

const char *x509_key_jws_alg(gnutls_x509_privkey_t key) {
        return x509_key_type(key) == KEY_TYPE_EC_P256 ? "ES256" : "RS256";
}

/* Appends the big-endian integer left-padded with zeros to size bytes. */
static void add_padded(StrBuf *out, const gnutls_datum_t *v, size_t size) {
        const unsigned char *p = v->data;
        size_t n = v->size;

        while (n > size && *p == 0) {
                p++;
                n--;
        }
        strbuf_addchars(out, 0, size > n ? size - n : 0);
        strbuf_add(out, p, n);
}

int x509_key_jws_sign(gnutls_x509_privkey_t key, const void *data, size_t len, void **ret, size_t *ret_len) {
        _cleanup_(gnutls_privkey_deinitp) gnutls_privkey_t pk = NULL;
        _cleanup_datum_ gnutls_datum_t sig = {}, r = {}, s = {};
        _cleanup_strbuf_ StrBuf out = STRBUF_INIT;

        must(sym_gnutls_privkey_init(&pk));
        if (sym_gnutls_privkey_import_x509(pk, key, 0) < 0)
                return -EINVAL;
        if (sym_gnutls_privkey_sign_data(pk, GNUTLS_DIG_SHA256, 0, &(gnutls_datum_t) { (unsigned char *) data, (unsigned) len },
                                     &sig) < 0)
                return -EIO;
        if (x509_key_type(key) == KEY_TYPE_RSA) {
                strbuf_add(&out, sig.data, sig.size);
        } else {
                /* GnuTLS gives the DER SEQUENCE of r and s; JWS wants both as fixed-size octets. */
                if (sym_gnutls_decode_rs_value(&sig, &r, &s) < 0)
                        return -EIO;
                add_padded(&out, &r, P256_COORDINATE_SIZE);
                add_padded(&out, &s, P256_COORDINATE_SIZE);
        }
        *ret = strbuf_detach(&out, ret_len);
        return 0;
}

static void add_b64_member(StrBuf *out, const char *name, const gnutls_datum_t *v, size_t size) {
        _cleanup_strbuf_ StrBuf raw = STRBUF_INIT;

        add_padded(&raw, v, size ?: v->size);
        strbuf_addf(out, "\"%s\":\"", name);
        base64url_encode(out, raw.buf, raw.len);
        strbuf_addc(out, '"');
}

char *x509_key_jwk(gnutls_x509_privkey_t key) {
        _cleanup_(gnutls_pubkey_deinitp) gnutls_pubkey_t pub = NULL;
        _cleanup_(gnutls_privkey_deinitp) gnutls_privkey_t pk = NULL;
        _cleanup_datum_ gnutls_datum_t a = {}, b = {};
        _cleanup_strbuf_ StrBuf out = STRBUF_INIT;
        gnutls_ecc_curve_t curve;

        must(sym_gnutls_privkey_init(&pk));
        must(sym_gnutls_privkey_import_x509(pk, key, 0));
        must(sym_gnutls_pubkey_init(&pub));
        must(sym_gnutls_pubkey_import_privkey(pub, pk, 0, 0));
        if (x509_key_type(key) == KEY_TYPE_RSA) {
                must(sym_gnutls_pubkey_export_rsa_raw2(pub, &a, &b, GNUTLS_EXPORT_FLAG_NO_LZ));
                strbuf_addc(&out, '{');
                add_b64_member(&out, "e", &b, 0);
                strbuf_adds(&out, ",\"kty\":\"RSA\",");
                add_b64_member(&out, "n", &a, 0);
                strbuf_addc(&out, '}');
        } else {
                must(sym_gnutls_pubkey_export_ecc_raw2(pub, &curve, &a, &b, GNUTLS_EXPORT_FLAG_NO_LZ));
                strbuf_adds(&out, "{\"crv\":\"P-256\",\"kty\":\"EC\",");
                add_b64_member(&out, "x", &a, P256_COORDINATE_SIZE);
                strbuf_addc(&out, ',');
                add_b64_member(&out, "y", &b, P256_COORDINATE_SIZE);
                strbuf_addc(&out, '}');
        }
        return strbuf_detach(&out, NULL);
}

/* ---- certificates ------------------------------------------------------- */

void x509_chain_done(X509Chain *c) {
        for (unsigned i = 0; i < c->n; i++)
                if (c->certs[i])
                        sym_gnutls_x509_crt_deinit(c->certs[i]);
        free(c->certs);
        *c = (X509Chain) {};
}

int x509_chain_from_pem(const char *pem, X509Chain *ret, char **reterr) {
        _cleanup_(pem_blocks_done) PemBlocks blocks = {};
        _cleanup_(x509_chain_done) X509Chain chain = {};
        int r;

        r = read_pem(pem, &blocks, reterr);
        if (r < 0)
                return r;
        for (size_t i = 0; i < blocks.n; i++) {
                gnutls_x509_crt_t crt;

                if (!streq(blocks.blocks[i].label, "CERTIFICATE"))
                        continue;
                must(sym_gnutls_x509_crt_init(&crt));
                r = sym_gnutls_x509_crt_import(crt,
                                           &(gnutls_datum_t) { blocks.blocks[i].der,
                                                               (unsigned) blocks.blocks[i].der_len },
                                           GNUTLS_X509_FMT_DER);
                if (r < 0) {
                        sym_gnutls_x509_crt_deinit(crt);
                        *reterr = xasprintf("unable to read certificate %u: %s", chain.n + 1, sym_gnutls_strerror(r));
                        return -EINVAL;
                }
                chain.certs = xreallocarray(chain.certs, chain.n + 1, sizeof(gnutls_x509_crt_t));
                chain.certs[chain.n++] = crt;
        }
        if (chain.n == 0) {
                *reterr = xstrdup("no certificate found");
                return -EINVAL;
        }
        *ret = chain;
        chain = (X509Chain) {};
        return 0;
}

int x509_cert_from_pem(const char *pem, gnutls_x509_crt_t *ret, char **reterr) {
        _cleanup_(x509_chain_done) X509Chain chain = {};
        int r;

        r = x509_chain_from_pem(pem, &chain, reterr);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(chain.certs[0]);
        return 0;
}

char *x509_cert_to_pem(gnutls_x509_crt_t crt) {
        _cleanup_datum_ gnutls_datum_t out = {};

        must(sym_gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &out));
        return datum_to_string(&out);
}

int x509_cert_to_der(gnutls_x509_crt_t crt, gnutls_datum_t *ret) {
        return sym_gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, ret) < 0 ? -EIO : 0;
}

/* Short names as OpenSSL's OBJ_nid2sn() gives them for the attributes seen in certificate names. */
static const struct {
        const char *oid, *name;
} dn_names[] = {
        { "2.5.4.3", "CN" },          { "2.5.4.4", "SN" },
        { "2.5.4.5", "serialNumber" }, { "2.5.4.6", "C" },
        { "2.5.4.7", "L" },           { "2.5.4.8", "ST" },
        { "2.5.4.9", "street" },      { "2.5.4.10", "O" },
        { "2.5.4.11", "OU" },         { "2.5.4.12", "title" },
        { "2.5.4.15", "businessCategory" }, { "2.5.4.17", "postalCode" },
        { "2.5.4.42", "GN" },         { "2.5.4.43", "initials" },
        { "2.5.4.46", "dnQualifier" }, { "2.5.4.65", "pseudonym" },
        { "2.5.4.97", "organizationIdentifier" },
        { "1.2.840.113549.1.9.1", "emailAddress" },
        { "0.9.2342.19200300.100.1.1", "UID" },
        { "0.9.2342.19200300.100.1.25", "DC" },
        { "1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC" },
};

char *x509_dn_oneline(gnutls_x509_dn_t dn) {
        _cleanup_strbuf_ StrBuf out = STRBUF_INIT;

        for (int irdn = 0;; irdn++) {
                int iava;

                for (iava = 0;; iava++) {
                        gnutls_x509_ava_st ava;
                        _cleanup_free_ char *oid = NULL;
                        const char *name = NULL;

                        if (sym_gnutls_x509_dn_get_rdn_ava(dn, irdn, iava, &ava) < 0)
                                break;
                        oid = xstrndup((const char *) ava.oid.data, ava.oid.size);
                        for (size_t i = 0; i < ELEMENTSOF(dn_names) && !name; i++)
                                if (streq(oid, dn_names[i].oid))
                                        name = dn_names[i].name;
                        /* Several attributes of one RDN are joined with '+', as OpenSSL does. */
                        strbuf_addc(&out, iava == 0 ? '/' : '+');
                        strbuf_addf(&out, "%s=", name ?: oid);
                        for (unsigned j = 0; j < ava.value.size; j++) {
                                unsigned char c = ava.value.data[j];

                                if (c < ' ' || c > '~')
                                        strbuf_addf(&out, "\\x%02X", c);
                                else
                                        strbuf_addc(&out, (char) c);
                        }
                }
                if (iava == 0)
                        break;
        }
        return strbuf_detach(&out, NULL);
}

static char *san_ip_text(const unsigned char *a, size_t len) {
        if (len == 4)
                return xasprintf("%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
        /* Upstream prints IPv6 as eight groups of four hex digits, uncompressed. */
        return xasprintf("%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x", a[0], a[1], a[2],
                         a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]);
}

static char **cert_san_list(gnutls_x509_crt_t crt) {
        char **list = new0(char *, 1);

        for (unsigned seq = 0;; seq++) {
                _cleanup_free_ unsigned char *buf = NULL;
                size_t size = 0;
                unsigned type;
                int r;

                r = sym_gnutls_x509_crt_get_subject_alt_name2(crt, seq, NULL, &size, &type, NULL);
                if (r != GNUTLS_E_SHORT_MEMORY_BUFFER)
                        break;
                buf = xmalloc(size + 1);
                r = sym_gnutls_x509_crt_get_subject_alt_name2(crt, seq, buf, &size, &type, NULL);
                if (r < 0)
                        break;
                if (r == GNUTLS_SAN_DNSNAME)
                        strv_push(&list, xstrndup((const char *) buf, size));
                else if (r == GNUTLS_SAN_IPADDRESS && (size == 4 || size == 16))
                        strv_push(&list, san_ip_text(buf, size));
                /* Other name types are skipped, as upstream does. */
        }
        return list;
}

static const char *pk_short_name(int algo) {
        switch (algo) {
        case GNUTLS_PK_RSA:
                return "rsaEncryption";
        case GNUTLS_PK_RSA_PSS:
                return "RSASSA-PSS";
        case GNUTLS_PK_DSA:
                return "DSA";
        case GNUTLS_PK_ECDSA:
                return "id-ecPublicKey";
        case GNUTLS_PK_EDDSA_ED25519:
                return "ED25519";
        case GNUTLS_PK_EDDSA_ED448:
                return "ED448";
        default:
                return "UNDEF";
        }
}

bool x509_cert_signed_by(gnutls_x509_crt_t crt, gnutls_x509_crt_t ca) {
        unsigned status = 0;

        if (!sym_gnutls_x509_crt_check_issuer(crt, ca))
                return false;
        if (sym_gnutls_x509_crt_verify(crt, &ca, 1,
                                   GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
                                   &status) < 0)
                return false;
        return status == 0;
}

int64_t x509_cert_expiration(gnutls_x509_crt_t crt) {
        return (int64_t) sym_gnutls_x509_crt_get_expiration_time(crt);
}

static char *fingerprint_sha256(gnutls_x509_crt_t crt) {
        uint8_t md[32];
        size_t size = sizeof(md);
        _cleanup_strbuf_ StrBuf out = STRBUF_INIT;

        must(sym_gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, md, &size));
        for (size_t i = 0; i < size; i++)
                strbuf_addf(&out, "%s%02X", i ? ":" : "", md[i]);
        return strbuf_detach(&out, NULL);
}

int x509_cert_info(gnutls_x509_crt_t crt, CertInfo *ret) {
        gnutls_x509_dn_t subject, issuer;
        unsigned bits = 0;
        int algo;

        if (sym_gnutls_x509_crt_get_subject(crt, &subject) < 0 || sym_gnutls_x509_crt_get_issuer(crt, &issuer) < 0)
                return -EINVAL;
        algo = sym_gnutls_x509_crt_get_pk_algorithm(crt, &bits);
        /* OpenSSL counts the bits of the Edwards curves' group order. */
        if (algo == GNUTLS_PK_EDDSA_ED25519)
                bits = 253;
        else if (algo == GNUTLS_PK_EDDSA_ED448)
                bits = 456;

        *ret = (CertInfo) {
                .subject = x509_dn_oneline(subject),
                .issuer = x509_dn_oneline(issuer),
                .notbefore = (int64_t) sym_gnutls_x509_crt_get_activation_time(crt),
                .notafter = x509_cert_expiration(crt),
                .san = cert_san_list(crt),
                .fingerprint = fingerprint_sha256(crt),
                .pem = x509_cert_to_pem(crt),
                .public_key_type = xstrdup(pk_short_name(algo)),
                .public_key_bits = bits,
        };
        return 0;
}

void cert_info_done(CertInfo *i) {
        free(i->subject);
        free(i->issuer);
        strv_free(i->san);
        free(i->fingerprint);
        free(i->pem);
        free(i->public_key_type);
        *i = (CertInfo) {};
}

static char *cert_subject(gnutls_x509_crt_t crt) {
        gnutls_x509_dn_t dn;

        return sym_gnutls_x509_crt_get_subject(crt, &dn) < 0 ? xstrdup("?") : x509_dn_oneline(dn);
}

static bool key_ids_equal(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key) {
        uint8_t a[64], b[64];
        size_t na = sizeof(a), nb = sizeof(b);

        if (sym_gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256, a, &na) < 0 ||
            sym_gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA256, b, &nb) < 0)
                return false;
        return na == nb && memcmp(a, b, na) == 0;
}

static void gnutls_certificate_free_credentialsp(gnutls_certificate_credentials_t *c) {
        if (*c)
                sym_gnutls_certificate_free_credentials(*c);
}

int x509_check_pair(const X509Chain *chain, gnutls_x509_privkey_t key, time_t now, char **reterr) {
        _cleanup_(gnutls_certificate_free_credentialsp) gnutls_certificate_credentials_t cred = NULL;
        time_t expires;
        int r;

        if (!key_ids_equal(chain->certs[0], key)) {
                *reterr = xstrdup("key does not match the certificate (chain)");
                return -EINVAL;
        }
        for (unsigned i = 1; i < chain->n; i++)
                if (!sym_gnutls_x509_crt_check_issuer(chain->certs[i - 1], chain->certs[i])) {
                        _cleanup_free_ char *a = cert_subject(chain->certs[i - 1]), *b = cert_subject(chain->certs[i]);

                        *reterr = xasprintf("certificate chain is not in issuing order: certificate %u (%s) "
                                            "was not issued by certificate %u (%s)",
                                            i, a, i + 1, b);
                        return -EINVAL;
                }
        expires = sym_gnutls_x509_crt_get_expiration_time(chain->certs[0]);
        if (expires < now) {
                char buf[64];
                struct tm tm;

                strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&expires, &tm));
                *reterr = xasprintf("certificate expired on %s", buf);
                return -EINVAL;
        }

        must(sym_gnutls_certificate_allocate_credentials(&cred));
        r = sym_gnutls_certificate_set_x509_key(cred, chain->certs, chain->n, key);
        if (r < 0) {
                *reterr = xasprintf("could not load certificate (chain) and key: %s", sym_gnutls_strerror(r));
                return -EINVAL;
        }
        return 0;
}

/* ---- issuing ------------------------------------------------------------ */

static int set_extension(gnutls_x509_crt_t crt, const char *oid, const gnutls_datum_t *der, bool critical) {
        return sym_gnutls_x509_crt_set_extension_by_oid(crt, oid, der->data, der->size, critical);
}

static int add_san(gnutls_x509_crt_t crt, const char *entry) {
        const char *v;

        if ((v = startswith(entry, "DNS:")))
                return sym_gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, v, (unsigned) strlen(v),
                                                            GNUTLS_FSAN_APPEND);
        if ((v = startswith(entry, "IP:"))) {
                unsigned char addr[16];

                if (inet_pton(AF_INET, v, addr) == 1)
                        return sym_gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, addr, 4,
                                                                    GNUTLS_FSAN_APPEND);
                if (inet_pton(AF_INET6, v, addr) == 1)
                        return sym_gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, addr, 16,
                                                                    GNUTLS_FSAN_APPEND);
        }
        return GNUTLS_E_INVALID_REQUEST;
}

int x509_cert_issue(const X509CertSpec *spec, gnutls_x509_privkey_t key, gnutls_x509_crt_t issuer,
                    gnutls_x509_privkey_t issuer_key, gnutls_x509_crt_t *ret) {
        _cleanup_(x509_crt_freep) gnutls_x509_crt_t crt = NULL;
        _cleanup_datum_ gnutls_datum_t bc = {};
        uint8_t serial[SERIAL_RANDOM_BYTES], keyid[64];
        size_t keyid_len = sizeof(keyid);
        int r;

        must(sym_gnutls_x509_crt_init(&crt));
        must(sym_gnutls_x509_crt_set_version(crt, 3));
        must(sym_gnutls_x509_crt_set_key(crt, key));
        for (const X509NameEntry *e = spec->subject; e->oid; e++)
                if (sym_gnutls_x509_crt_set_dn_by_oid(crt, e->oid, 0, e->value, (unsigned) strlen(e->value)) < 0)
                        return -EINVAL;

        if (spec->serial)
                r = sym_gnutls_x509_crt_set_serial(crt, spec->serial, spec->serial_len);
        else {
                must(sym_gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial)));
                serial[0] &= 0x7f; /* a positive INTEGER */
                serial[0] |= 0x01;
                r = sym_gnutls_x509_crt_set_serial(crt, serial, sizeof(serial));
        }
        if (r < 0)
                return -EINVAL;
        must(sym_gnutls_x509_crt_set_activation_time(crt, spec->not_before));
        must(sym_gnutls_x509_crt_set_expiration_time(crt, spec->not_after));

        if (spec->profile == X509_PROFILE_CA) {
                must(sym_gnutls_x509_ext_export_basic_constraints(1, -1, &bc));
                must(set_extension(crt, GNUTLS_X509EXT_OID_BASIC_CONSTRAINTS, &bc, true));
                must(sym_gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN));
        } else {
                must(sym_gnutls_x509_ext_export_basic_constraints(0, -1, &bc));
                must(set_extension(crt, GNUTLS_X509EXT_OID_BASIC_CONSTRAINTS, &bc, false));
                must(sym_gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0));
        }
        STRV_FOREACH(s, spec->san)
                if (add_san(crt, *s) < 0)
                        return -EINVAL;

        must(sym_gnutls_x509_crt_get_key_id(crt, 0, keyid, &keyid_len));
        must(sym_gnutls_x509_crt_set_subject_key_id(crt, keyid, keyid_len));
        if (issuer) {
                keyid_len = sizeof(keyid);
                if (sym_gnutls_x509_crt_get_subject_key_id(issuer, keyid, &keyid_len, NULL) < 0) {
                        keyid_len = sizeof(keyid);
                        must(sym_gnutls_x509_crt_get_key_id(issuer, 0, keyid, &keyid_len));
                }
        }
        must(sym_gnutls_x509_crt_set_authority_key_id(crt, keyid, keyid_len));

        r = sym_gnutls_x509_crt_sign2(crt, issuer ?: crt, issuer ? issuer_key : key, GNUTLS_DIG_SHA256, 0);
        if (r < 0)
                return -EIO;
        *ret = TAKE_PTR(crt);
        return 0;
}

int x509_csr_create(gnutls_x509_privkey_t key, char *const *names, gnutls_datum_t *ret) {
        _cleanup_(x509_crq_freep) gnutls_x509_crq_t crq = NULL;
        bool rsa = x509_key_type(key) == KEY_TYPE_RSA;

        if (strv_isempty(names))
                return -EINVAL;
        must(sym_gnutls_x509_crq_init(&crq));
        must(sym_gnutls_x509_crq_set_version(crq, 1));
        if (sym_gnutls_x509_crq_set_dn_by_oid(crq, GNUTLS_OID_X520_COMMON_NAME, 0, names[0],
                                          (unsigned) strlen(names[0])) < 0)
                return -EINVAL;
        must(sym_gnutls_x509_crq_set_key(crq, key));
        must(sym_gnutls_x509_crq_set_key_usage(crq, GNUTLS_KEY_DIGITAL_SIGNATURE |
                                                        (rsa ? GNUTLS_KEY_KEY_ENCIPHERMENT : 0)));
        must(sym_gnutls_x509_crq_set_basic_constraints(crq, 0, -1));
        must(sym_gnutls_x509_crq_set_key_purpose_oid(crq, GNUTLS_KP_TLS_WWW_SERVER, 0));
        must(sym_gnutls_x509_crq_set_key_purpose_oid(crq, GNUTLS_KP_TLS_WWW_CLIENT, 0));
        STRV_FOREACH(n, names)
                if (sym_gnutls_x509_crq_set_subject_alt_name(crq, GNUTLS_SAN_DNSNAME, *n, (unsigned) strlen(*n),
                                                         GNUTLS_FSAN_APPEND) < 0)
                        return -EINVAL;
        if (sym_gnutls_x509_crq_sign2(crq, key, GNUTLS_DIG_SHA256, 0) < 0)
                return -EIO;
        return sym_gnutls_x509_crq_export2(crq, GNUTLS_X509_FMT_DER, ret) < 0 ? -EIO : 0;
}

int x509_cert_ari_id(gnutls_x509_crt_t crt, char **ret) {
        uint8_t aki[64], serial[64];
        size_t aki_len = sizeof(aki), serial_len = sizeof(serial);
        _cleanup_strbuf_ StrBuf out = STRBUF_INIT;

        if (sym_gnutls_x509_crt_get_authority_key_id(crt, aki, &aki_len, NULL) < 0)
                return -ENODATA;
        if (sym_gnutls_x509_crt_get_serial(crt, serial, &serial_len) < 0)
                return -EINVAL;
        base64url_encode(&out, aki, aki_len);
        strbuf_addc(&out, '.');
        base64url_encode(&out, serial, serial_len);
        *ret = strbuf_detach(&out, NULL);
        return 0;
}

/* ---- files -------------------------------------------------------------- */

int x509_write_pair(const char *cert_path, const char *cert_pem, const char *key_path, const char *key_pem,
                    char **reterr) {
        _cleanup_free_ char *old_key = NULL;
        const struct group *g = getgrnam("www-data");
        WriteOptions wo = WRITE_OPTIONS(0640, WRITE_MKDIR);
        size_t old_key_len = 0;
        int r;

        if (g)
                wo.gid = g->gr_gid;
        if (key_pem) {
                r = read_full_file(key_path, 0, &old_key, &old_key_len);
                if (r < 0 && r != -ENOENT) {
                        *reterr = xasprintf("unable to read '%s': %s", key_path, strerror(-r));
                        return r;
                }
                r = write_file_atomic(key_path, key_pem, strlen(key_pem), &wo);
                if (r < 0) {
                        *reterr = xasprintf("unable to write '%s': %s", key_path, strerror(-r));
                        return r;
                }
        }
        r = write_file_atomic(cert_path, cert_pem, strlen(cert_pem), &wo);
        if (r < 0) {
                *reterr = xasprintf("unable to write '%s': %s", cert_path, strerror(-r));
                if (key_pem) {
                        if (old_key)
                                (void) write_file_atomic(key_path, old_key, old_key_len, &wo);
                        else
                                (void) unlink(key_path);
                }
                return r;
        }
        return 0;
}
