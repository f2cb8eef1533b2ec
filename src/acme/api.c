/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * API methods of ACME (upstream's PVE::API2::ACMEAccount, ACMEPlugin and
 * ACME): /cluster/acme with accounts, plugins, directories, meta, ToS and
 * challenge schema, and /nodes/{node}/certificates/acme/certificate.
 */

#include <time.h>

#include "acme/account.h"
#include "acme/client.h"
#include "acme/nodeconf.h"
#include "acme/order.h"
#include "acme/plugins.h"
#include "api/call.h"
#include "api/format.h"
#include "api/json-util.h"
#include "api/registry.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "tasks/worker.h"

#define DEFAULT_DIRECTORY "https://acme-v02.api.letsencrypt.org/directory"
#define ACCOUNT_KEY_BITS 4096
#define CERT_FILE_MAX (1024 * 1024)

static const struct {
        const char *name, *url;
} known_directories[] = {
        { "Let's Encrypt V2", DEFAULT_DIRECTORY },
        { "Let's Encrypt V2 Staging", "https://acme-staging-v02.api.letsencrypt.org/directory" },
};

static const char *const key_types[] = { "rsa", "ec", NULL };

#define PARAM_ACCOUNT_NAME                                                                              \
        { .name = "name", .type = API_TYPE_STRING, .format = "pve-configid", .optional = true,         \
          .default_value = "default", .format_description = "name",                                    \
          .description = "ACME account config file name." }

#define PARAM_DIRECTORY(opt, def)                                                                       \
        { .name = "directory", .type = API_TYPE_STRING, .pattern = "https?://.*", .optional = (opt),   \
          .default_value = (def), .description = "URL of ACME CA directory endpoint." }

#define PARAM_KEY_TYPE(desc)                                                                            \
        { .name = "key-type", .type = API_TYPE_STRING, .enum_values = key_types, .optional = true,     \
          .description = desc }

static const ApiSchema no_params[] = { {} };

/* ---- helpers ------------------------------------------------------------------- */

static int client_for(ApiCall *call, const char *directory, AcmeClient **ret) {
        _cleanup_free_ char *err = NULL;
        int r;

        r = acme_client_new(directory, ret, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        return 0;
}

static char **contact_uris(const char *list) {
        _cleanup_strv_free_ char **mails = api_split_list(list);
        char **uris = new0(char *, 1);

        STRV_FOREACH(m, mails)
                strv_extendf(&uris, "mailto:%s", *m);
        return uris;
}

static json_t *strv_to_json(char *const *l) {
        json_t *a = json_array();

        STRV_FOREACH(s, l)
                json_array_append_new(a, json_string(*s));
        return a;
}

/* ---- accounts ------------------------------------------------------------------- */

typedef enum AccountAction {
        ACCOUNT_REGISTER,
        ACCOUNT_UPDATE,
        ACCOUNT_REFRESH,
        ACCOUNT_DEACTIVATE,
        ACCOUNT_ROLLOVER,
} AccountAction;

typedef struct AccountJob {
        AccountAction action;
        const char *name, *directory, *tos_url, *eab_kid, *eab_hmac_key;
        char **contact;
        KeyType key_type;
        bool key_type_set;
} AccountJob;

static int account_register(Task *t, const AccountJob *job) {
        _cleanup_(acme_account_done) AcmeAccount a = {};
        _cleanup_(acme_client_freep) AcmeClient *c = NULL;
        _cleanup_free_ char *err = NULL, *path = acme_account_path(job->name), *location = NULL, *object = NULL;
        gnutls_x509_privkey_t key = NULL;
        int r;

        if (file_exists(path))
                return task_fail(t, "ACME account config file '%s' already exists.", job->name);

        task_log(t, "Generating ACME account key..");
        r = x509_key_generate(job->key_type, ACCOUNT_KEY_BITS, &key);
        if (r < 0)
                return task_fail(t, "unable to generate account key");
        acme_account_set_key(&a, key);

        task_log(t, "Registering ACME account..");
        r = acme_client_new(job->directory, &c, &err);
        if (r >= 0) {
                acme_client_set_account(c, a.key, NULL);
                r = acme_account_new(c,
                                     &(AcmeNewAccount) { .contact = job->contact, .terms_agreed = !!job->tos_url,
                                                         .eab_kid = job->eab_kid, .eab_hmac_key = job->eab_hmac_key },
                                     &location, &object, &err);
        }
        if (r >= 0)
                r = acme_account_set_object(&a, object, &err);
        if (r < 0)
                return task_fail(t, "Registration failed: %s", err);

        acme_account_set(&a, "directory", job->directory);
        acme_account_set(&a, "location", location);
        acme_account_set(&a, "tos", job->tos_url);
        r = acme_account_save(job->name, &a, &err);
        if (r < 0)
                return task_fail(t, "%s", err);
        task_log(t, "Registration successful, account URL: '%s'", location);
        return 0;
}

static int account_change(Task *t, const AccountJob *job) {
        _cleanup_(acme_account_done) AcmeAccount a = {};
        _cleanup_(acme_client_freep) AcmeClient *c = NULL;
        _cleanup_free_ char *err = NULL, *payload = NULL, *object = NULL;
        int r;

        r = acme_account_load(job->name, &a, &err);
        if (r < 0)
                return task_fail(t, "%s", err);
        r = acme_client_new(strempty(acme_account_get(&a, "directory")), &c, &err);
        if (r < 0)
                return task_fail(t, "%s", err);
        acme_client_set_account(c, a.key, acme_account_get(&a, "location"));

        if (job->action == ACCOUNT_ROLLOVER) {
                gnutls_x509_privkey_t key = NULL;
                KeyType type = job->key_type_set ? job->key_type : x509_key_type(a.key);

                task_log(t, "Generating new ACME account key..");
                r = x509_key_generate(type, ACCOUNT_KEY_BITS, &key);
                if (r < 0)
                        return task_fail(t, "unable to generate account key");
                task_log(t, "Rolling over to the new account key..");
                r = acme_account_key_change(c, key, &err);
                if (r < 0) {
                        x509_privkey_freep(&key);
                        return task_fail(t, "%s", err);
                }
                /* The CA has the new key now: keep it before anything else can fail. */
                acme_account_set_key(&a, key);
                r = acme_account_save(job->name, &a, &err);
                if (r < 0)
                        return task_fail(t, "%s", err);
                r = acme_account_update(c, "", &object, &err);
        } else {
                _cleanup_json_ json_t *p = NULL;

                if (job->action == ACCOUNT_UPDATE)
                        p = json_pack("{s:o}", "contact", strv_to_json(job->contact));
                else if (job->action == ACCOUNT_DEACTIVATE)
                        p = json_pack("{s:s}", "status", "deactivated");
                /* A refresh is a POST-as-GET (RFC 8555 7.3.3), where upstream sends "{}". */
                payload = p ? json_dump_canonical(p) : xstrdup("");
                r = acme_account_update(c, payload, &object, &err);
        }
        if (r >= 0)
                r = acme_account_set_object(&a, object, &err);
        if (r < 0)
                return task_fail(t, "%s", err);
        r = acme_account_save(job->name, &a, &err);
        if (r < 0)
                return task_fail(t, "%s", err);

        if (job->action == ACCOUNT_DEACTIVATE) {
                _cleanup_free_ char *old = acme_account_path(job->name), *new = acme_account_deactivated_path(job->name);

                if (!new)
                        task_warn(t, "No free slot to rename deactivated account file '%s', leaving in place", old);
                else {
                        task_log(t, "Renaming account file from '%s' to '%s'", old, new);
                        if (rename(old, new) < 0)
                                task_warn(t, ".. failed - %m");
                }
        }
        return 0;
}

static int account_task(Task *t, void *userdata) {
        const AccountJob *job = userdata;
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_free_ char *err = NULL;
        int r;

        r = acme_account_lock(job->name, &lock, &err);
        if (r < 0)
                return task_fail(t, "%s", err);
        return job->action == ACCOUNT_REGISTER ? account_register(t, job) : account_change(t, job);
}

static const ApiSchema account_list_props[] = { { .name = "name", .type = API_TYPE_STRING }, {} };

static int list_accounts(ApiCall *call, json_t **ret) {
        _cleanup_strv_free_ char **names = acme_account_list();
        json_t *list = json_array();

        STRV_FOREACH(n, names)
                json_array_append_new(list, json_pack("{s:s}", "name", *n));
        *ret = list;
        return 0;
}

static const ApiSchema register_params[] = {
        PARAM_ACCOUNT_NAME,
        { .name = "contact", .type = API_TYPE_STRING, .format = "email-list",
          .description = "Contact email addresses." },
        { .name = "tos_url", .type = API_TYPE_STRING, .optional = true,
          .description = "URL of CA TermsOfService - setting this indicates agreement." },
        PARAM_DIRECTORY(true, DEFAULT_DIRECTORY),
        { .name = "eab-kid", .type = API_TYPE_STRING, .optional = true,
          .description = "Key Identifier for External Account Binding." },
        { .name = "eab-hmac-key", .type = API_TYPE_STRING, .optional = true, .sensitive = true,
          .description = "HMAC key for External Account Binding." },
        PARAM_KEY_TYPE("Type of the account key: RSA (4096 bits, JWS RS256, as upstream) or EC (P-256, ES256)."),
        {},
};

static int register_account(ApiCall *call, json_t **ret) {
        _cleanup_strv_free_ char **contact = contact_uris(api_param_str(call, "contact"));
        _cleanup_free_ char *path = NULL;
        AccountJob job = {
                .action = ACCOUNT_REGISTER,
                .name = api_param_str(call, "name"),
                .directory = api_param_str(call, "directory"),
                .tos_url = api_param_str(call, "tos_url"),
                .eab_kid = api_param_str(call, "eab-kid"),
                .eab_hmac_key = api_param_str(call, "eab-hmac-key"),
                .contact = contact,
                .key_type = streq_ptr(api_param_str(call, "key-type"), "ec") ? KEY_TYPE_EC_P256 : KEY_TYPE_RSA,
        };

        if (job.eab_kid && !job.eab_hmac_key)
                return api_param_error(call, "eab-hmac-key", "missing property - 'eab-hmac-key' is required by 'eab-kid'");
        if (job.eab_hmac_key && !job.eab_kid)
                return api_param_error(call, "eab-kid", "missing property - 'eab-kid' is required by 'eab-hmac-key'");
        path = acme_account_path(job.name);
        if (file_exists(path))
                return api_param_error(call, "name", "ACME account config file '%s' already exists.", job.name);
        return api_task_start(call, "acmeregister", NULL, account_task, &job, ret);
}

static const ApiSchema account_name_params[] = { PARAM_ACCOUNT_NAME, {} };

static int account_must_exist(ApiCall *call, const char *name) {
        _cleanup_free_ char *path = acme_account_path(name);

        if (!file_exists(path))
                return api_param_error(call, "name", "ACME account config file '%s' does not exist.", name);
        return 0;
}

static const ApiSchema account_info_props[] = {
        { .name = "account", .type = API_TYPE_OBJECT, .optional = true, .additional_properties = true,
          .renderer = "yaml" },
        PARAM_DIRECTORY(true, NULL),
        { .name = "location", .type = API_TYPE_STRING, .optional = true },
        { .name = "tos", .type = API_TYPE_STRING, .optional = true },
        {},
};

static int get_account(ApiCall *call, json_t **ret) {
        _cleanup_(acme_account_done) AcmeAccount a = {};
        _cleanup_free_ char *err = NULL;
        const char *name = api_param_str(call, "name");
        json_t *o;
        int r;

        r = account_must_exist(call, name);
        if (r < 0)
                return r;
        r = acme_account_load(name, &a, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        o = json_object();
        for (const ApiSchema *p = account_info_props; p->name; p++) {
                json_t *v = json_object_get(a.data, p->name);
                if (v)
                        json_object_set(o, p->name, v);
        }
        *ret = o;
        return 0;
}

static const ApiSchema update_account_params[] = {
        PARAM_ACCOUNT_NAME,
        { .name = "contact", .type = API_TYPE_STRING, .format = "email-list", .optional = true,
          .description = "Contact email addresses." },
        { .name = "rollover", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "0",
          .description = "Replace the account key with a new one (RFC 8555 key change)." },
        PARAM_KEY_TYPE("With rollover: type of the new account key (default: the type of the current key)."),
        {},
};

static int update_account(ApiCall *call, json_t **ret) {
        _cleanup_strv_free_ char **contact = contact_uris(api_param_str(call, "contact"));
        const char *key_type = api_param_str(call, "key-type");
        AccountJob job = {
                .name = api_param_str(call, "name"),
                .contact = contact,
                .key_type = streq_ptr(key_type, "ec") ? KEY_TYPE_EC_P256 : KEY_TYPE_RSA,
                .key_type_set = !!key_type,
        };
        const char *type;
        int r;

        r = account_must_exist(call, job.name);
        if (r < 0)
                return r;
        if (api_param_bool(call, "rollover")) {
                job.action = ACCOUNT_ROLLOVER;
                type = "acmerollover";
        } else if (!strv_isempty(contact)) {
                job.action = ACCOUNT_UPDATE;
                type = "acmeupdate";
        } else {
                job.action = ACCOUNT_REFRESH;
                type = "acmerefresh";
        }
        return api_task_start(call, type, NULL, account_task, &job, ret);
}

static int deactivate_account(ApiCall *call, json_t **ret) {
        AccountJob job = { .action = ACCOUNT_DEACTIVATE, .name = api_param_str(call, "name") };
        int r;

        r = account_must_exist(call, job.name);
        if (r < 0)
                return r;
        return api_task_start(call, "acmedeactivate", NULL, account_task, &job, ret);
}

/* ---- directories, meta, ToS, challenge schema ------------------------------------ */

static const ApiSchema directory_params[] = { PARAM_DIRECTORY(true, DEFAULT_DIRECTORY), {} };

static int get_tos(ApiCall *call, json_t **ret) {
        _cleanup_(acme_client_freep) AcmeClient *c = NULL;
        int r;

        r = client_for(call, api_param_str(call, "directory"), &c);
        if (r < 0)
                return r;
        *ret = acme_client_directory(c)->terms_of_service ? json_string(acme_client_directory(c)->terms_of_service)
                                                         : NULL;
        return 0;
}

static const ApiSchema meta_props[] = {
        { .name = "termsOfService", .type = API_TYPE_STRING, .optional = true, .description = "ACME TermsOfService URL." },
        { .name = "externalAccountRequired", .type = API_TYPE_BOOLEAN, .optional = true, .description = "EAB Required" },
        { .name = "website", .type = API_TYPE_STRING, .optional = true,
          .description = "URL to more information about the ACME server." },
        { .name = "caaIdentities", .type = API_TYPE_ARRAY, .optional = true,
          .items = &(const ApiSchema) { .type = API_TYPE_STRING },
          .description = "Hostnames referring to the ACME servers." },
        {},
};

static int get_meta(ApiCall *call, json_t **ret) {
        _cleanup_(acme_client_freep) AcmeClient *c = NULL;
        const json_t *meta;
        int r;

        r = client_for(call, api_param_str(call, "directory"), &c);
        if (r < 0)
                return r;
        meta = acme_client_directory(c)->meta;
        *ret = meta ? json_deep_copy(meta) : json_object();
        return 0;
}

static const ApiSchema directory_props[] = {
        { .name = "name", .type = API_TYPE_STRING },
        PARAM_DIRECTORY(false, NULL),
        {},
};

static int get_directories(ApiCall *call, json_t **ret) {
        json_t *list = json_array();

        for (size_t i = 0; i < ELEMENTSOF(known_directories); i++)
                json_array_append_new(list, json_pack("{s:s,s:s}", "name", known_directories[i].name, "url",
                                                      known_directories[i].url));
        *ret = list;
        return 0;
}

static const ApiSchema challenge_schema_props[] = {
        { .name = "id", .type = API_TYPE_STRING },
        { .name = "name", .type = API_TYPE_STRING, .description = "Human readable name, falls back to id" },
        { .name = "type", .type = API_TYPE_STRING },
        { .name = "schema", .type = API_TYPE_OBJECT, .additional_properties = true },
        {},
};

static int get_challenge_schema(ApiCall *call, json_t **ret) {
        _cleanup_strv_free_ char **apis = acme_dnsapi_list();
        json_t *list = json_array();

        STRV_FOREACH(a, apis)
                json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:{}}", "id", *a, "name", *a, "type", "dns",
                                                      "schema"));
        *ret = list;
        return 0;
}

/* ---- plugins -------------------------------------------------------------------- */

static const char *const plugin_types[] = { "dns", "standalone", NULL };

#define PLUGIN_OPTION_PARAMS                                                                            \
        { .name = "api", .type = API_TYPE_STRING, .optional = true,                                    \
          .description = "API plugin name (a dns_<api>.sh script of the DNS API directory)" },          \
        { .name = "data", .type = API_TYPE_STRING, .optional = true,                                   \
          .description = "DNS plugin data. (base64 encoded)" },                                         \
        { .name = "disable", .type = API_TYPE_BOOLEAN, .optional = true,                               \
          .description = "Flag to disable the config." },                                               \
        { .name = "nodes", .type = API_TYPE_STRING, .format = "pve-node-list", .optional = true,       \
          .description = "List of cluster node names." },                                               \
        { .name = "validation-delay", .type = API_TYPE_INTEGER, .optional = true, .minimum = API_LIMIT(0), \
          .maximum = API_LIMIT(172800), .default_value = "30",                                          \
          .description = "Extra delay in seconds to wait before requesting validation. Allows to cope with a long " \
                         "TTL of DNS records." }

#define PARAM_PLUGIN_ID                                                                                 \
        { .name = "id", .type = API_TYPE_STRING, .format = "pve-configid",                             \
          .description = "Unique identifier for ACME plugin instance." }

#define PARAM_DIGEST                                                                                    \
        { .name = "digest", .type = API_TYPE_STRING, .optional = true, .max_length = 64,               \
          .description = "Prevent changes if current configuration file has a different digest. This can be used " \
                         "to prevent concurrent modifications." }

static const ApiSchema plugin_props[] = {
        PLUGIN_OPTION_PARAMS,
        PARAM_DIGEST,
        { .name = "plugin", .type = API_TYPE_STRING, .format = "pve-configid",
          .description = "Unique identifier for ACME plugin instance." },
        { .name = "type", .type = API_TYPE_STRING, .enum_values = plugin_types, .description = "ACME challenge type." },
        {},
};

static const ApiSchema plugin_list_params[] = {
        { .name = "type", .type = API_TYPE_STRING, .enum_values = plugin_types, .optional = true,
          .description = "Only list ACME plugins of a specific type" },
        {},
};

static int load_plugins(ApiCall *call, SectionConfig *ret) {
        _cleanup_free_ char *err = NULL;

        if (acme_plugins_load(ret, &err) < 0)
                return api_error(call, 500, "%s", err);
        return 0;
}

/* A plugin as the API shows it: "plugin" for the id, data decoded. */
static json_t *plugin_to_json(const SectionConfig *cfg, const Section *s) {
        json_t *o = json_deep_copy(s->values);
        const char *data = json_object_get_string(o, "data");

        if (data) {
                _cleanup_free_ char *text = acme_plugin_data_decode(data);
                json_object_set_new(o, "data", json_string(strempty(text)));
        }
        json_object_set_new(o, "plugin", json_string(s->id));
        json_object_set_new(o, "type", json_string(s->type));
        json_object_set_new(o, "digest", json_string(cfg->digest));
        return o;
}

static int list_plugins(ApiCall *call, json_t **ret) {
        _cleanup_(sectioncfg_done) SectionConfig cfg = {};
        const char *type = api_param_str(call, "type");
        json_t *list;
        int r;

        r = load_plugins(call, &cfg);
        if (r < 0)
                return r;
        list = json_array();
        for (size_t i = 0; i < cfg.n_sections; i++)
                if (!type || streq(type, cfg.sections[i].type))
                        json_array_append_new(list, plugin_to_json(&cfg, &cfg.sections[i]));
        *ret = list;
        return 0;
}

static const ApiSchema plugin_id_params[] = { PARAM_PLUGIN_ID, {} };

static int get_plugin(ApiCall *call, json_t **ret) {
        _cleanup_(sectioncfg_done) SectionConfig cfg = {};
        const char *id = api_param_str(call, "id");
        const Section *s;
        int r;

        r = load_plugins(call, &cfg);
        if (r < 0)
                return r;
        s = sectioncfg_find(&cfg, id);
        if (!s)
                return api_error(call, 500, "ACME plugin '%s' not defined", id);
        *ret = plugin_to_json(&cfg, s);
        return 0;
}

static const ApiSchema add_plugin_params[] = {
        PARAM_PLUGIN_ID,
        { .name = "type", .type = API_TYPE_STRING, .enum_values = plugin_types, .description = "ACME challenge type." },
        PLUGIN_OPTION_PARAMS,
        {},
};

static const ApiSchema update_plugin_params[] = {
        PARAM_PLUGIN_ID,
        PLUGIN_OPTION_PARAMS,
        { .name = "delete", .type = API_TYPE_STRING, .format = "pve-configid-list", .optional = true,
          .max_length = 4096, .description = "A list of settings you want to delete." },
        PARAM_DIGEST,
        {},
};

/* The parameters as stored: data checked and re-encoded, api checked against the scripts there are. */
static int plugin_params(ApiCall *call, json_t **ret) {
        _cleanup_json_ json_t *p = json_deep_copy(call->params);
        const char *data = json_object_get_string(p, "data"), *api = json_object_get_string(p, "api");

        if (data) {
                _cleanup_free_ char *text = acme_plugin_data_decode(data), *enc = NULL;

                if (!text)
                        return api_param_error(call, "data", "value is not valid base64url");
                enc = acme_plugin_data_encode(text);
                json_object_set_new(p, "data", json_string(enc));
        }
        if (api && !acme_dnsapi_exists(api)) {
                _cleanup_free_ char *dir = acme_dnsapi_dir();
                return api_param_error(call, "api", "unknown DNS API '%s' (no dns_%s.sh in '%s')", api, api, dir);
        }
        *ret = TAKE_PTR(p);
        return 0;
}

static int change_plugin(ApiCall *call, bool create) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_(sectioncfg_done) SectionConfig cfg = {};
        _cleanup_json_ json_t *params = NULL;
        _cleanup_free_ char *err = NULL;
        const char *id = api_param_str(call, "id"), *digest = api_param_str(call, "digest");
        Section *s;
        int r;

        r = plugin_params(call, &params);
        if (r < 0)
                return r;
        r = acme_plugins_lock(&lock, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        r = load_plugins(call, &cfg);
        if (r < 0)
                return r;
        if (digest && !streq(digest, cfg.digest))
                return api_error(call, 500, "detected modified configuration - file changed by other user? Try again.");

        s = sectioncfg_find(&cfg, id);
        if (create) {
                if (s)
                        return api_error(call, 500, "ACME plugin ID '%s' already exists", id);
                s = sectioncfg_add(&cfg, api_param_str(call, "type"), id);
        } else if (!s)
                return api_error(call, 500, "ACME plugin ID '%s' does not exist", id);

        r = section_update(&acme_plugin_schema, s, params, api_param_str(call, "delete"), create, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        r = acme_plugins_save(&cfg, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        return 0;
}

static int add_plugin(ApiCall *call, json_t **ret) {
        return change_plugin(call, true);
}

static int update_plugin(ApiCall *call, json_t **ret) {
        return change_plugin(call, false);
}

static int delete_plugin(ApiCall *call, json_t **ret) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_(sectioncfg_done) SectionConfig cfg = {};
        _cleanup_free_ char *err = NULL;
        int r;

        r = acme_plugins_lock(&lock, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        r = load_plugins(call, &cfg);
        if (r < 0)
                return r;
        (void) sectioncfg_remove(&cfg, api_param_str(call, "id"));
        r = acme_plugins_save(&cfg, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        return 0;
}

/* ---- node certificate ------------------------------------------------------------- */

static const ApiSchema order_params[] = {
        API_PARAM_NODE,
        { .name = "force", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "0",
          .description = "Overwrite existing custom certificate." },
        {},
};

static const ApiSchema renew_params[] = {
        API_PARAM_NODE,
        { .name = "force", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "0",
          .description = "Force renewal even if expiry is more than 30 days away." },
        {},
};

static char *custom_cert_path(const char *node) {
        return root_pathf("/etc/pve/nodes/%s/pveproxy-ssl.pem", node);
}

static int load_node_acme(ApiCall *call, const char *node, NodeAcmeConfig *ret) {
        _cleanup_free_ char *err = NULL;
        int r;

        r = acme_node_config_load(node, ret, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        if (ret->n_domains == 0)
                return api_error(call, 400, "ACME domain list in node configuration is missing!");
        return 0;
}

static int read_custom_cert(ApiCall *call, const char *node, char **ret) {
        _cleanup_free_ char *path = custom_cert_path(node);
        int r;

        r = read_full_file(path, CERT_FILE_MAX, ret, NULL);
        if (r < 0)
                return api_error(call, 500, "%s", r == -ENOENT ? "No current (custom) certificate found, please "
                                                                 "order a new certificate!"
                                                               : strerror(-r));
        return 0;
}

static int new_certificate(ApiCall *call, json_t **ret) {
        _cleanup_(node_acme_config_done) NodeAcmeConfig conf = {};
        _cleanup_free_ char *path = NULL;
        const char *node;
        int r;

        r = api_local_node(call, &node);
        if (r < 0)
                return r;
        path = custom_cert_path(node);
        if (!api_param_bool(call, "force") && file_exists(path))
                return api_param_error(call, "force", "Custom certificate exists but 'force' is not set.");
        r = load_node_acme(call, node, &conf);
        if (r < 0)
                return r;
        return api_task_start(call, "acmenewcert", NULL, acme_job_run,
                              &(AcmeJob) { .kind = ACME_JOB_ORDER, .node = node, .conf = &conf,
                                           .force = api_param_bool(call, "force") },
                              ret);
}

static int renew_certificate(ApiCall *call, json_t **ret) {
        _cleanup_(node_acme_config_done) NodeAcmeConfig conf = {};
        _cleanup_free_ char *pem = NULL, *err = NULL;
        const char *node;
        time_t due_at;
        bool due;
        int r;

        r = api_local_node(call, &node);
        if (r < 0)
                return r;
        r = read_custom_cert(call, node, &pem);
        if (r < 0)
                return r;
        r = load_node_acme(call, node, &conf);
        if (r < 0)
                return r;
        if (!api_param_bool(call, "force")) {
                r = acme_renewal_due(pem, conf.account, time(NULL), &due, &due_at, &err);
                if (r < 0)
                        return api_error(call, 500, "%s", err);
                if (!due) {
                        char when[64];
                        struct tm tm;

                        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&due_at, &tm));
                        return api_param_error(call, "force",
                                               "Certificate does not expire within the next 30 days, and 'force' is "
                                               "not set. Renewal is not due before %s.",
                                               when);
                }
        }
        return api_task_start(call, "acmerenew", NULL, acme_job_run,
                              &(AcmeJob) { .kind = ACME_JOB_RENEW, .node = node, .conf = &conf, .old_cert_pem = pem },
                              ret);
}

static int revoke_certificate(ApiCall *call, json_t **ret) {
        _cleanup_(node_acme_config_done) NodeAcmeConfig conf = {};
        _cleanup_free_ char *pem = NULL;
        const char *node;
        int r;

        r = api_local_node(call, &node);
        if (r < 0)
                return r;
        r = load_node_acme(call, node, &conf);
        if (r < 0)
                return r;
        r = read_custom_cert(call, node, &pem);
        if (r < 0)
                return r;
        return api_task_start(call, "acmerevoke", NULL, acme_job_run,
                              &(AcmeJob) { .kind = ACME_JOB_REVOKE, .node = node, .conf = &conf, .old_cert_pem = pem },
                              ret);
}

/* ---- registration ------------------------------------------------------------------- */

#define RETURNS_UPID { .type = API_TYPE_STRING }
#define ACME_MODIFY API_PERM_PRIVS("/", "Sys.Modify")
#define NODE_MODIFY API_PERM_PRIVS("/nodes/{node}", "Sys.Modify")

static const ApiMethod acme_methods[] = {
        {
                .path = "/cluster/acme",
                .http_method = API_GET,
                .name = "index",
                .description = "ACMEAccount index.",
                .parameters = no_params,
                .returns = API_INDEX_RETURNS("name"),
                .permissions = { .kind = API_PERM_ALL_USERS },
                .handler = api_index_handler,
        },
        {
                .path = "/cluster/acme/account",
                .http_method = API_GET,
                .name = "account_index",
                .description = "ACMEAccount index.",
                .parameters = no_params,
                .returns = { .type = API_TYPE_ARRAY, .child_link = "{name}",
                             .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .properties = account_list_props } },
                .permissions = { .kind = API_PERM_ALL_USERS },
                .protected_ = true,
                .handler = list_accounts,
        },
        {
                .path = "/cluster/acme/account",
                .http_method = API_POST,
                .name = "register_account",
                .description = "Register a new ACME account with CA.",
                .parameters = register_params,
                .returns = RETURNS_UPID,
                .permissions = { .kind = API_PERM_ROOT_ONLY },
                .protected_ = true,
                .task = true,
                .handler = register_account,
        },
        {
                .path = "/cluster/acme/account/{name}",
                .http_method = API_GET,
                .name = "get_account",
                .description = "Return existing ACME account information.",
                .parameters = account_name_params,
                .returns = { .type = API_TYPE_OBJECT, .properties = account_info_props },
                .permissions = { .kind = API_PERM_ROOT_ONLY },
                .protected_ = true,
                .handler = get_account,
        },
        {
                .path = "/cluster/acme/account/{name}",
                .http_method = API_PUT,
                .name = "update_account",
                .description = "Update existing ACME account information with CA. Note: not specifying any new "
                               "account information triggers a refresh.",
                .parameters = update_account_params,
                .returns = RETURNS_UPID,
                .permissions = { .kind = API_PERM_ROOT_ONLY },
                .protected_ = true,
                .task = true,
                .handler = update_account,
        },
        {
                .path = "/cluster/acme/account/{name}",
                .http_method = API_DELETE,
                .name = "deactivate_account",
                .description = "Deactivate existing ACME account at CA.",
                .parameters = account_name_params,
                .returns = RETURNS_UPID,
                .permissions = { .kind = API_PERM_ROOT_ONLY },
                .protected_ = true,
                .task = true,
                .handler = deactivate_account,
        },
        {
                .path = "/cluster/acme/tos",
                .http_method = API_GET,
                .name = "get_tos",
                .description = "Retrieve ACME TermsOfService URL from CA. Deprecated, please use /cluster/acme/meta.",
                .parameters = directory_params,
                .returns = { .type = API_TYPE_STRING, .optional = true, .description = "ACME TermsOfService URL." },
                .permissions = { .kind = API_PERM_ALL_USERS },
                .handler = get_tos,
        },
        {
                .path = "/cluster/acme/meta",
                .http_method = API_GET,
                .name = "get_meta",
                .description = "Retrieve ACME Directory Meta Information",
                .parameters = directory_params,
                .returns = { .type = API_TYPE_OBJECT, .properties = meta_props, .additional_properties = true },
                .permissions = API_PERM_PRIVS("/", "Sys.Audit"),
                .handler = get_meta,
        },
        {
                .path = "/cluster/acme/directories",
                .http_method = API_GET,
                .name = "get_directories",
                .description = "Get named known ACME directory endpoints.",
                .parameters = no_params,
                .returns = { .type = API_TYPE_ARRAY,
                             .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .properties = directory_props } },
                .permissions = { .kind = API_PERM_ALL_USERS },
                .handler = get_directories,
        },
        {
                .path = "/cluster/acme/challenge-schema",
                .http_method = API_GET,
                .name = "challengeschema",
                .description = "Get schema of ACME challenge types.",
                .parameters = no_params,
                .returns = { .type = API_TYPE_ARRAY,
                             .items = &(const ApiSchema) { .type = API_TYPE_OBJECT,
                                                           .properties = challenge_schema_props } },
                .permissions = { .kind = API_PERM_ALL_USERS },
                .handler = get_challenge_schema,
        },
        {
                .path = "/cluster/acme/plugins",
                .http_method = API_GET,
                .name = "index",
                .description = "ACME plugin index.",
                .parameters = plugin_list_params,
                .returns = { .type = API_TYPE_ARRAY, .child_link = "{plugin}",
                             .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .properties = plugin_props } },
                .permissions = ACME_MODIFY,
                .protected_ = true,
                .handler = list_plugins,
        },
        {
                .path = "/cluster/acme/plugins",
                .http_method = API_POST,
                .name = "add_plugin",
                .description = "Add ACME plugin configuration.",
                .parameters = add_plugin_params,
                .returns = { .type = API_TYPE_NULL },
                .permissions = ACME_MODIFY,
                .protected_ = true,
                .handler = add_plugin,
        },
        {
                .path = "/cluster/acme/plugins/{id}",
                .http_method = API_GET,
                .name = "get_plugin_config",
                .description = "Get ACME plugin configuration.",
                .parameters = plugin_id_params,
                .returns = { .type = API_TYPE_OBJECT, .properties = plugin_props },
                .permissions = ACME_MODIFY,
                .protected_ = true,
                .handler = get_plugin,
        },
        {
                .path = "/cluster/acme/plugins/{id}",
                .http_method = API_PUT,
                .name = "update_plugin",
                .description = "Update ACME plugin configuration.",
                .parameters = update_plugin_params,
                .returns = { .type = API_TYPE_NULL },
                .permissions = ACME_MODIFY,
                .protected_ = true,
                .handler = update_plugin,
        },
        {
                .path = "/cluster/acme/plugins/{id}",
                .http_method = API_DELETE,
                .name = "delete_plugin",
                .description = "Delete ACME plugin configuration.",
                .parameters = plugin_id_params,
                .returns = { .type = API_TYPE_NULL },
                .permissions = ACME_MODIFY,
                .protected_ = true,
                .handler = delete_plugin,
        },
        {
                .path = "/nodes/{node}/certificates/acme",
                .http_method = API_GET,
                .name = "index",
                .description = "ACME index.",
                .parameters = api_params_node_only,
                .returns = API_INDEX_RETURNS("name"),
                .permissions = { .kind = API_PERM_ALL_USERS },
                .handler = api_index_handler,
        },
        {
                .path = "/nodes/{node}/certificates/acme/certificate",
                .http_method = API_POST,
                .name = "new_certificate",
                .description = "Order a new certificate from ACME-compatible CA.",
                .parameters = order_params,
                .returns = RETURNS_UPID,
                .permissions = NODE_MODIFY,
                .protected_ = true,
                .task = true,
                .handler = new_certificate,
        },
        {
                .path = "/nodes/{node}/certificates/acme/certificate",
                .http_method = API_PUT,
                .name = "renew_certificate",
                .description = "Renew existing certificate from CA.",
                .parameters = renew_params,
                .returns = RETURNS_UPID,
                .permissions = NODE_MODIFY,
                .protected_ = true,
                .task = true,
                .handler = renew_certificate,
        },
        {
                .path = "/nodes/{node}/certificates/acme/certificate",
                .http_method = API_DELETE,
                .name = "revoke_certificate",
                .description = "Revoke existing certificate from CA.",
                .parameters = api_params_node_only,
                .returns = RETURNS_UPID,
                .permissions = NODE_MODIFY,
                .protected_ = true,
                .task = true,
                .handler = revoke_certificate,
        },
};

API_REGISTER_METHODS(acme_methods);
