/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <dirent.h>
#include <stdio.h>

#include "acme/account.h"
#include "api/format.h"
#include "api/json-util.h"
#include "api/output.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/strv.h"

#define ACCOUNT_FILE_MAX (1024 * 1024)
#define ACCOUNT_LOCK_TIMEOUT (10 * USEC_PER_SEC)
#define DEACTIVATED_SLOTS 100

char *acme_account_dir(void) {
        return root_path("/etc/pve/priv/acme");
}

char *acme_account_path(const char *name) {
        return root_pathf("/etc/pve/priv/acme/%s", name);
}

void acme_account_done(AcmeAccount *a) {
        json_decref(a->data);
        x509_privkey_freep(&a->key);
        *a = (AcmeAccount) {};
}

int acme_account_parse(const char *filename, const char *text, size_t len, AcmeAccount *ret, char **reterr) {
        _cleanup_(acme_account_done) AcmeAccount a = {};
        _cleanup_free_ char *err = NULL;
        json_error_t e;
        const char *pem;
        int r;

        json_setup_allocator();
        a.data = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
        if (!json_is_object(a.data)) {
                *reterr = xasprintf("%s: invalid account file: %s", filename, a.data ? "not a JSON object" : e.text);
                return -EINVAL;
        }
        pem = json_object_get_string(a.data, "key");
        if (!pem) {
                *reterr = xasprintf("%s: invalid account file: no key", filename);
                return -EINVAL;
        }
        r = x509_key_from_pem(pem, &a.key, &err);
        if (r < 0) {
                *reterr = xasprintf("%s: invalid account key: %s", filename, err);
                return r;
        }
        *ret = a;
        a = (AcmeAccount) {};
        return 0;
}

int acme_account_load(const char *name, AcmeAccount *ret, char **reterr) {
        _cleanup_free_ char *path = acme_account_path(name), *text = NULL;
        size_t len;
        int r;

        r = read_full_file(path, ACCOUNT_FILE_MAX, &text, &len);
        if (r == -ENOENT) {
                *reterr = xasprintf("ACME account config file '%s' does not exist.", name);
                return r;
        }
        if (r < 0) {
                *reterr = xasprintf("unable to read '%s' - %s", path, strerror(-r));
                return r;
        }
        return acme_account_parse(path, text, len, ret, reterr);
}

char *acme_account_format(const AcmeAccount *a) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        if (!f)
                oom();
        output_json_pretty(f, a->data);
        if (fclose(f) != 0)
                oom();
        return buf;
}

int acme_account_save(const char *name, const AcmeAccount *a, char **reterr) {
        _cleanup_free_ char *path = acme_account_path(name), *text = acme_account_format(a);
        int r;

        r = write_file_atomic(path, text, strlen(text), &WRITE_OPTIONS(0600, WRITE_MKDIR));
        if (r < 0)
                *reterr = xasprintf("unable to write '%s' - %s", path, strerror(-r));
        return r;
}

const char *acme_account_get(const AcmeAccount *a, const char *member) {
        return json_object_get_string(a->data, member);
}

void acme_account_set(AcmeAccount *a, const char *member, const char *value) {
        if (!a->data)
                a->data = json_object();
        if (value)
                json_object_set_new(a->data, member, json_string(value));
        else
                json_object_del(a->data, member);
}

int acme_account_set_object(AcmeAccount *a, const char *json_text, char **reterr) {
        json_t *o = json_loads(json_text, JSON_REJECT_DUPLICATES, NULL);

        if (!json_is_object(o)) {
                json_decref(o);
                *reterr = xstrdup("the CA returned an invalid account object");
                return -EBADMSG;
        }
        if (!a->data)
                a->data = json_object();
        json_object_set_new(a->data, "account", o);
        return 0;
}

void acme_account_set_key(AcmeAccount *a, gnutls_x509_privkey_t key) {
        _cleanup_free_ char *pem = x509_key_to_pem_traditional(key);

        x509_privkey_freep(&a->key);
        a->key = key;
        acme_account_set(a, "key", pem);
}

char **acme_account_list(void) {
        _cleanup_free_ char *dir = acme_account_dir();
        _cleanup_strv_free_ char **names = new0(char *, 1);
        DIR *d = opendir(dir);
        struct dirent *de;

        if (!d)
                return TAKE_PTR(names);
        while ((de = readdir(d))) {
                _cleanup_free_ char *err = NULL;

                if (de->d_name[0] != '.' && api_format_check("pve-configid", de->d_name, "", &err) >= 0)
                        strv_extend(&names, de->d_name);
        }
        closedir(d);
        strv_sort(names);
        return TAKE_PTR(names);
}

char *acme_account_deactivated_path(const char *name) {
        for (int i = 0; i <= DEACTIVATED_SLOTS; i++) {
                char *p = root_pathf("/etc/pve/priv/acme/_deactivated_%s_%d", name, i);

                if (!file_exists(p))
                        return p;
                free(p);
        }
        return NULL;
}

int acme_account_lock(const char *name, LockFile *ret, char **reterr) {
        _cleanup_free_ char *path = root_pathf("/var/lock/pve-acme-%s.lock", name);
        int r;

        r = lock_file_acquire(path, ACCOUNT_LOCK_TIMEOUT, ret);
        if (r < 0)
                *reterr = xasprintf("can't lock file '%s' - %s", path, r == -ETIMEDOUT ? "got timeout" : strerror(-r));
        return r;
}
