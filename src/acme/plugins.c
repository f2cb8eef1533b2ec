/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <dirent.h>
#include <stdlib.h>

#include "acme/plugins.h"
#include "basic/alloc.h"
#include "basic/encode.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"

#define PLUGINS_LOCK_TIMEOUT (10 * USEC_PER_SEC)
#define DNSAPI_DEFAULT_DIR "/usr/share/proxmox-acme/dnsapi"

#define COMMON_OPTIONS                                                                                  \
        { .name = "disable", .type = API_TYPE_BOOLEAN, .optional = true,                               \
          .description = "Flag to disable the config." },                                               \
        { .name = "nodes", .type = API_TYPE_STRING, .format = "pve-node-list", .optional = true,       \
          .description = "List of cluster node names." }

static const ApiSchema standalone_options[] = { COMMON_OPTIONS, {} };

static const ApiSchema dns_options[] = {
        { .name = "api", .type = API_TYPE_STRING, .description = "API plugin name" },
        { .name = "data", .type = API_TYPE_STRING, .optional = true,
          .description = "DNS plugin data. (base64 encoded)" },
        { .name = "validation-delay", .type = API_TYPE_INTEGER, .optional = true, .minimum = API_LIMIT(0),
          .maximum = API_LIMIT(2 * 24 * 60 * 60), .default_value = "30",
          .description = "Extra delay in seconds to wait before requesting validation. Allows to cope with a long "
                         "TTL of DNS records." },
        COMMON_OPTIONS,
        {},
};

static const SectionType plugin_types[] = {
        { "dns", dns_options },
        { "standalone", standalone_options },
        {},
};

const SectionSchema acme_plugin_schema = { .types = plugin_types, .id_format = "pve-configid" };

char *acme_plugins_path(void) {
        return root_path("/etc/pve/priv/acme/plugins.cfg");
}

int acme_plugins_load(SectionConfig *ret, char **reterr) {
        _cleanup_free_ char *path = acme_plugins_path();
        Section *s;
        int r;

        r = sectioncfg_load(&acme_plugin_schema, path, ret, reterr);
        if (r < 0)
                return r;
        s = sectioncfg_find(ret, "standalone");
        if (!s || !streq(s->type, "standalone")) {
                if (s)
                        (void) sectioncfg_remove(ret, "standalone");
                (void) sectioncfg_add(ret, "standalone", "standalone");
        }
        return 0;
}

int acme_plugins_save(const SectionConfig *cfg, char **reterr) {
        _cleanup_free_ char *path = acme_plugins_path(), *text = sectioncfg_format(&acme_plugin_schema, cfg);
        int r;

        r = write_file_atomic(path, text, strlen(text), &WRITE_OPTIONS(0600, WRITE_MKDIR));
        if (r < 0)
                *reterr = xasprintf("unable to write '%s' - %s", path, strerror(-r));
        return r;
}

int acme_plugins_lock(LockFile *ret, char **reterr) {
        _cleanup_free_ char *path = root_path("/var/lock/pve-acme-plugins.lock");
        int r;

        r = lock_file_acquire(path, PLUGINS_LOCK_TIMEOUT, ret);
        if (r < 0)
                *reterr = xasprintf("can't lock file '%s' - %s", path, r == -ETIMEDOUT ? "got timeout" : strerror(-r));
        return r;
}

char *acme_dnsapi_dir(void) {
        const char *e = getenv("PVE_ACME_DNSAPI_DIR");

        return !isempty(e) ? xstrdup(e) : root_path(DNSAPI_DEFAULT_DIR);
}

static bool valid_api_name(const char *api) {
        return !isempty(api) && in_charset(api, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
}

char **acme_dnsapi_list(void) {
        _cleanup_free_ char *dir = acme_dnsapi_dir();
        char **list = new0(char *, 1);
        DIR *d = opendir(dir);
        struct dirent *de;

        if (!d)
                return list;
        while ((de = readdir(d))) {
                const char *name = startswith(de->d_name, "dns_"), *ext = endswith(de->d_name, ".sh");
                _cleanup_free_ char *api = NULL;

                if (!name || !ext || ext <= name)
                        continue;
                api = xstrndup(name, (size_t) (ext - name));
                if (valid_api_name(api))
                        strv_push(&list, TAKE_PTR(api));
        }
        closedir(d);
        strv_sort(list);
        return list;
}

bool acme_dnsapi_exists(const char *api) {
        _cleanup_free_ char *dir = NULL, *path = NULL;

        if (!valid_api_name(api))
                return false;
        dir = acme_dnsapi_dir();
        path = xasprintf("%s/dns_%s.sh", dir, api);
        return file_exists(path);
}

char *acme_plugin_data_decode(const char *data) {
        _cleanup_strbuf_ StrBuf out = STRBUF_INIT;

        if (base64_decode(&out, data, strlen(data)) < 0 || memchr(out.buf, 0, out.len))
                return NULL;
        return strbuf_detach(&out, NULL);
}

char *acme_plugin_data_encode(const char *text) {
        _cleanup_strbuf_ StrBuf out = STRBUF_INIT;

        base64url_encode(&out, text, strlen(text));
        return strbuf_detach(&out, NULL);
}
