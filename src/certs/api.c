/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * API methods of the node's certificates (upstream's
 * PVE::API2::Certificates): /nodes/{node}/certificates, its info, and
 * custom certificate upload and removal.
 */

#include <time.h>

#include "api/call.h"
#include "api/format.h"
#include "api/json-util.h"
#include "api/registry.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/lockfile.h"
#include "basic/rootdir.h"
#include "basic/strv.h"
#include "certs/certfiles.h"
#include "sys/pem.h"
#include "sys/service.h"
#include "sys/x509.h"

/* ---- formats ------------------------------------------------------------ */

/* Parses value (after any leading text) and checks its block labels. */
static int verify_pem(const char *value, const char *only_label, bool multiple, char **reterr) {
        _cleanup_(pem_blocks_done) PemBlocks blocks = {};
        int r;

        r = pem_parse(value, &blocks, reterr);
        if (r < 0)
                return r;
        if ((only_label && pem_count_label(&blocks, only_label) != blocks.n) || (!multiple && blocks.n != 1)) {
                *reterr = xstrdup(PEM_INVALID_MESSAGE);
                return -EINVAL;
        }
        return 0;
}

static int verify_pem_certificate(const char *value, char **reterr) {
        return verify_pem(value, "CERTIFICATE", false, reterr);
}

static int verify_pem_certificate_chain(const char *value, char **reterr) {
        return verify_pem(value, "CERTIFICATE", true, reterr);
}

static int verify_pem_string(const char *value, char **reterr) {
        return verify_pem(value, NULL, true, reterr);
}

static const ApiFormat cert_formats[] = {
        { "pem-certificate", verify_pem_certificate, NULL },
        { "pem-certificate-chain", verify_pem_certificate_chain, NULL },
        { "pem-string", verify_pem_string, NULL },
};

API_REGISTER_FORMATS(cert_formats);

/* ---- certificate info --------------------------------------------------- */

static const ApiSchema cert_info_props[] = {
        { .name = "filename", .type = API_TYPE_STRING, .optional = true },
        { .name = "fingerprint", .type = API_TYPE_STRING, .optional = true,
          .pattern = "([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}", .description = "Certificate SHA 256 fingerprint." },
        { .name = "subject", .type = API_TYPE_STRING, .optional = true, .description = "Certificate subject name." },
        { .name = "issuer", .type = API_TYPE_STRING, .optional = true, .description = "Certificate issuer name." },
        { .name = "notbefore", .type = API_TYPE_INTEGER, .optional = true, .renderer = "timestamp",
          .description = "Certificate's notBefore timestamp (UNIX epoch)." },
        { .name = "notafter", .type = API_TYPE_INTEGER, .optional = true, .renderer = "timestamp",
          .description = "Certificate's notAfter timestamp (UNIX epoch)." },
        { .name = "san", .type = API_TYPE_ARRAY, .optional = true, .renderer = "yaml",
          .items = &(const ApiSchema) { .type = API_TYPE_STRING },
          .description = "List of Certificate's SubjectAlternativeName entries." },
        { .name = "pem", .type = API_TYPE_STRING, .optional = true, .format = "pem-certificate",
          .description = "Certificate in PEM format" },
        { .name = "public-key-type", .type = API_TYPE_STRING, .optional = true,
          .description = "Certificate's public key algorithm" },
        { .name = "public-key-bits", .type = API_TYPE_INTEGER, .optional = true,
          .description = "Certificate's public key size" },
        {},
};

static json_t *cert_info_json(const CertInfo *i, const char *filename) {
        json_t *o = json_object(), *san = json_array();

        STRV_FOREACH(s, i->san)
                json_array_append_new(san, json_string(*s));
        json_object_set_new(o, "filename", json_string(filename));
        json_object_set_new(o, "fingerprint", json_string(i->fingerprint));
        json_object_set_new(o, "subject", json_string(i->subject));
        json_object_set_new(o, "issuer", json_string(i->issuer));
        json_object_set_new(o, "notbefore", json_integer(i->notbefore));
        json_object_set_new(o, "notafter", json_integer(i->notafter));
        json_object_set_new(o, "san", san);
        json_object_set_new(o, "pem", json_string(i->pem));
        json_object_set_new(o, "public-key-type", json_string(i->public_key_type));
        json_object_set_new(o, "public-key-bits", json_integer(i->public_key_bits));
        return o;
}

static int get_info(ApiCall *call, json_t **ret) {
        _cleanup_json_ json_t *list = json_array();
        const char *node;
        int r;

        r = api_local_node(call, &node);
        if (r < 0)
                return r;
        {
                _cleanup_free_ char *ca = root_path("/etc/pve/pve-root-ca.pem");
                _cleanup_free_ char *ssl = root_pathf("/etc/pve/nodes/%s/pve-ssl.pem", node);
                _cleanup_free_ char *custom = cert_files_path(node, CERT_FILE_PEM);
                const char *paths[] = { ca, ssl, custom };

                /* Missing or unreadable files are left out, as upstream does. */
                for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
                        _cleanup_(cert_info_done) CertInfo info = {};

                        if (cert_file_info(paths[i], &info, NULL) >= 0)
                                json_array_append_new(list, cert_info_json(&info, strrchr(paths[i], '/') + 1));
                }
        }
        *ret = TAKE_PTR(list);
        return 0;
}

/* ---- custom certificates ------------------------------------------------ */

static const ApiSchema upload_params[] = {
        API_PARAM_NODE,
        { .name = "certificates", .type = API_TYPE_STRING, .format = "pem-certificate-chain",
          .description = "PEM encoded certificate (chain)." },
        { .name = "key", .type = API_TYPE_STRING, .format = "pem-string", .optional = true, .sensitive = true,
          .description = "PEM encoded private key." },
        { .name = "force", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "0",
          .description = "Overwrite existing custom or ACME certificate files." },
        { .name = "restart", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "0",
          .description = "Restart pveproxy." },
        {},
};

static const ApiSchema remove_params[] = {
        API_PARAM_NODE,
        { .name = "restart", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "0",
          .description = "Restart pveproxy." },
        {},
};

static int restart_pveproxy(ApiCall *call) {
        _cleanup_free_ char *err = NULL;

        if (service_reload_or_restart("pveproxy", &err) < 0)
                return api_error(call, 500, "%s", err);
        return 0;
}

static int upload_custom_cert(ApiCall *call, json_t **ret) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_(cert_info_done) CertInfo info = {};
        _cleanup_free_ char *key_path = NULL, *err = NULL;
        const char *node, *key = api_param_str(call, "key");
        int r;

        r = api_local_node(call, &node);
        if (r < 0)
                return r;
        key_path = cert_files_path(node, CERT_FILE_KEY);
        if (!key && !file_exists(key_path))
                return api_param_error(call, "key", "Attempted to upload custom certificate without (existing) key.");

        r = cert_lock(&lock, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        r = cert_files_set(node, pem_strip_leading_text(api_param_str(call, "certificates")),
                           key ? pem_strip_leading_text(key) : NULL, api_param_bool(call, "force"), time(NULL), &info,
                           &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        if (api_param_bool(call, "restart")) {
                r = restart_pveproxy(call);
                if (r < 0)
                        return r;
        }
        *ret = cert_info_json(&info, "pveproxy-ssl.pem");
        return 0;
}

static int remove_custom_cert(ApiCall *call, json_t **ret) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_free_ char *err = NULL;
        const char *node;
        int r;

        r = api_local_node(call, &node);
        if (r < 0)
                return r;
        r = cert_lock(&lock, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        r = cert_files_remove(node, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        if (api_param_bool(call, "restart"))
                return restart_pveproxy(call);
        return 0;
}

/* ---- registration ------------------------------------------------------- */

static const ApiMethod cert_methods[] = {
        {
                .path = "/nodes/{node}/certificates",
                .http_method = API_GET,
                .name = "index",
                .description = "Node index.",
                .parameters = api_params_node_only,
                .returns = API_INDEX_RETURNS("name"),
                .permissions = { .kind = API_PERM_ALL_USERS },
                .handler = api_index_handler,
        },
        {
                .path = "/nodes/{node}/certificates/info",
                .http_method = API_GET,
                .name = "info",
                .description = "Get information about node's certificates.",
                .parameters = api_params_node_only,
                .returns = { .type = API_TYPE_ARRAY,
                             .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .properties = cert_info_props } },
                .permissions = { .kind = API_PERM_ALL_USERS },
                .handler = get_info,
        },
        {
                .path = "/nodes/{node}/certificates/custom",
                .http_method = API_POST,
                .name = "upload_custom_cert",
                .description = "Upload or update custom certificate chain and key.",
                .parameters = upload_params,
                .returns = { .type = API_TYPE_OBJECT, .properties = cert_info_props },
                .permissions = API_PERM_PRIVS("/nodes/{node}", "Sys.Modify"),
                .protected_ = true,
                .handler = upload_custom_cert,
        },
        {
                .path = "/nodes/{node}/certificates/custom",
                .http_method = API_DELETE,
                .name = "remove_custom_cert",
                .description = "DELETE custom certificate chain and key.",
                .parameters = remove_params,
                .returns = { .type = API_TYPE_NULL },
                .permissions = API_PERM_PRIVS("/nodes/{node}", "Sys.Modify"),
                .protected_ = true,
                .handler = remove_custom_cert,
        },
};

API_REGISTER_METHODS(cert_methods);
