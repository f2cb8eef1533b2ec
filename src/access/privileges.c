/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "access/privileges.h"
#include "api/format.h"
#include "basic/alloc.h"
#include "basic/macro.h"
#include "basic/strutil.h"
#include "basic/strv.h"

/* Upstream's privilege groups: who may typically hold a privilege of a category. */
typedef struct PrivGroup {
        const char *category;
        const char *const *root, *const *admin, *const *user, *const *audit;
} PrivGroup;

#define LIST(...) ((const char *const[]) { __VA_ARGS__ __VA_OPT__(,) NULL })

static const PrivGroup priv_groups[] = {
        { "VM",
          .root = LIST(),
          .admin = LIST("VM.Config.Disk", "VM.Config.CPU", "VM.Config.Memory", "VM.Config.Network",
                        "VM.Config.HWType", "VM.Config.Options", "VM.Allocate", "VM.Clone",
                        "VM.GuestAgent.Unrestricted", "VM.Migrate", "VM.Replicate", "VM.Snapshot",
                        "VM.Snapshot.Rollback"),
          .user = LIST("VM.Config.CDROM", "VM.Config.Cloudinit", "VM.Console", "VM.Backup", "VM.GuestAgent.FileRead",
                       "VM.GuestAgent.FileSystemMgmt", "VM.GuestAgent.FileWrite", "VM.PowerMgmt"),
          .audit = LIST("VM.Audit", "VM.GuestAgent.Audit") },
        { "Sys",
          .root = LIST("Sys.PowerMgmt", "Sys.Modify", "Sys.Incoming", "Sys.AccessNetwork"),
          .admin = LIST("Sys.Console", "Sys.Syslog"),
          .user = LIST(),
          .audit = LIST("Sys.Audit") },
        { "Datastore",
          .root = LIST(),
          .admin = LIST("Datastore.Allocate", "Datastore.AllocateTemplate"),
          .user = LIST("Datastore.AllocateSpace"),
          .audit = LIST("Datastore.Audit") },
        { "SDN",
          .root = LIST(),
          .admin = LIST("SDN.Allocate", "SDN.Audit"),
          .user = LIST("SDN.Use"),
          .audit = LIST("SDN.Audit") },
        { "User",
          .root = LIST("Realm.Allocate"),
          .admin = LIST("User.Modify", "Group.Allocate", "Realm.AllocateUser"),
          .user = LIST(),
          .audit = LIST() },
        { "Pool",
          .root = LIST(),
          .admin = LIST("Pool.Allocate"),
          .user = LIST("Pool.Audit"),
          .audit = LIST("Pool.Audit") },
        { "Mapping",
          .root = LIST(),
          .admin = LIST("Mapping.Modify"),
          .user = LIST("Mapping.Use"),
          .audit = LIST("Mapping.Audit") },
};

typedef struct BuiltinRole {
        char *name;
        PrivSet privs;
} BuiltinRole;

static struct {
        pthread_once_t once;
        char **privs;         /* sorted */
        BuiltinRole *roles;   /* sorted by name */
        char **role_names;
        size_t n_roles;
} tables = { .once = PTHREAD_ONCE_INIT };

static PrivSet names_to_set(const char *const *names) {
        PrivSet s = 0;

        for (; *names; names++)
                s |= PRIVSET_BIT(strv_index(tables.privs, *names));
        return s;
}

static PrivSet mask_of_first(size_t n) {
        return n >= 64 ? ~(PrivSet) 0 : PRIVSET_BIT(n) - 1;
}

static void add_role(const char *name, PrivSet privs) {
        for (size_t i = 0; i < tables.n_roles; i++)
                if (streq(tables.roles[i].name, name)) {
                        tables.roles[i].privs |= privs;
                        return;
                }
        tables.roles = xreallocarray(tables.roles, tables.n_roles + 1, sizeof(BuiltinRole));
        tables.roles[tables.n_roles++] = (BuiltinRole) { xstrdup(name), privs };
}

static int role_compare(const void *a, const void *b) {
        return strcmp(((const BuiltinRole *) a)->name, ((const BuiltinRole *) b)->name);
}

static void build_tables(void) {
        PrivSet admin_all = 0;

        tables.privs = strv_new("Permissions.Modify", NULL);
        for (size_t i = 0; i < ELEMENTSOF(priv_groups); i++) {
                const PrivGroup *g = &priv_groups[i];
                const char *const *lists[] = { g->root, g->admin, g->user, g->audit };

                for (size_t l = 0; l < ELEMENTSOF(lists); l++)
                        for (const char *const *p = lists[l]; *p; p++)
                                if (!strv_contains(tables.privs, *p))
                                        strv_extend(&tables.privs, *p);
        }
        strv_sort(tables.privs);
        if (strv_length(tables.privs) > 64)
                abort(); /* PrivSet is a 64-bit mask */

        add_role("NoAccess", 0);
        add_role("Administrator", mask_of_first(strv_length(tables.privs)));
        for (size_t i = 0; i < ELEMENTSOF(priv_groups); i++) {
                const PrivGroup *g = &priv_groups[i];
                PrivSet admin = names_to_set(g->admin), user = names_to_set(g->user), audit = names_to_set(g->audit);
                _cleanup_free_ char *admin_role = xasprintf("PVE%sAdmin", g->category);

                add_role(admin_role, admin | user | audit);
                admin_all |= admin | user | audit;
                if (user) {
                        _cleanup_free_ char *user_role = xasprintf("PVE%sUser", g->category);
                        add_role(user_role, user | audit);
                }
                add_role("PVEAuditor", audit);
        }
        /* Mapping.Modify stays with Administrator and PVEMappingAdmin, as upstream. */
        add_role("PVEAdmin", admin_all & ~PRIVSET_BIT(strv_index(tables.privs, "Mapping.Modify")));
        add_role("PVETemplateUser", names_to_set(LIST("VM.Clone", "VM.Audit")));

        qsort(tables.roles, tables.n_roles, sizeof(BuiltinRole), role_compare);
        tables.role_names = new0(char *, tables.n_roles + 1);
        for (size_t i = 0; i < tables.n_roles; i++)
                tables.role_names[i] = tables.roles[i].name;
}

static void ensure_tables(void) {
        (void) pthread_once(&tables.once, build_tables);
}

unsigned privilege_count(void) {
        ensure_tables();
        return (unsigned) strv_length(tables.privs);
}

const char *privilege_name(unsigned i) {
        ensure_tables();
        return i < strv_length(tables.privs) ? tables.privs[i] : NULL;
}

int privilege_from_name(const char *name) {
        ssize_t i;

        ensure_tables();
        i = strv_index(tables.privs, name);
        return i < 0 ? -ENOENT : (int) i;
}

PrivSet privilege_all(void) {
        return mask_of_first(privilege_count());
}

int privset_parse(const char *list, PrivSet *ret, char **reterr) {
        _cleanup_strv_free_ char **names = api_split_list(list);
        PrivSet s = 0;

        STRV_FOREACH(n, names) {
                int i = privilege_from_name(*n);

                if (i < 0) {
                        *reterr = xasprintf("invalid privilege '%s'", *n);
                        return -EINVAL;
                }
                s |= PRIVSET_BIT(i);
        }
        *ret = s;
        return 0;
}

char *privset_format(PrivSet set) {
        _cleanup_strv_free_ char **names = new0(char *, 1);

        for (unsigned i = 0; i < privilege_count(); i++)
                if (set & PRIVSET_BIT(i))
                        strv_extend(&names, privilege_name(i));
        return strv_join(names, ",");
}

const char *const *builtin_role_names(void) {
        ensure_tables();
        return (const char *const *) tables.role_names;
}

bool builtin_role_privs(const char *name, PrivSet *ret) {
        ensure_tables();
        for (size_t i = 0; i < tables.n_roles; i++)
                if (streq(tables.roles[i].name, name)) {
                        *ret = tables.roles[i].privs;
                        return true;
                }
        return false;
}
