/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <dirent.h>
#include <strings.h>

#include "api/format.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/lockfile.h"
#include "basic/rootdir.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "net/files.h"
#include "net/pinning.h"
#include "sys/nodename.h"

#define PIN_LOCK_FILE "/run/lock/proxmox-network-interface-pinning.lck"
#define PIN_LOCK_TIMEOUT (10 * USEC_PER_SEC)

char *net_link_file_content(const char *mac, const char *name) {
        return xasprintf("[Match]\nMACAddress=%s\nType=ether\n\n[Link]\nName=%s\n", mac, name);
}

static void out_line(NetLogFn out, void *userdata, const char *fmt, ...) _printf_(3, 4);
static void out_line(NetLogFn out, void *userdata, const char *fmt, ...) {
        _cleanup_free_ char *line = NULL;
        va_list ap;

        va_start(ap, fmt);
        line = xvasprintf(fmt, ap);
        va_end(ap);
        out(userdata, line);
}

/* ---- the NICs and their pins ----------------------------------------------- */

typedef struct Nic {
        const NetDev *dev;
        const char *mac;        /* the permanent one of a bond member */
        char *pinned;           /* its pin, if any */
        char *new_name;
} Nic;

static int compare_ifindex(const void *a, const void *b) {
        const Nic *x = a, *y = b;

        return (x->dev->ifindex > y->dev->ifindex) - (x->dev->ifindex < y->dev->ifindex);
}

/* [Match] MACAddress= and [Link] Name= of a .link file; "#" and ";" lines are comments. */
static int parse_link_file(const char *path, char **ret_mac, char **ret_name, char **reterr) {
        _cleanup_free_ char *text = NULL, *mac = NULL, *name = NULL, *section = NULL;
        _cleanup_strv_free_ char **lines = NULL;
        int r;

        r = read_full_file(path, 64 * 1024, &text, NULL);
        if (r < 0) {
                *reterr = xasprintf("unable to read '%s' - %s", path, strerror(-r));
                return r;
        }
        lines = strv_split(text, "\n");
        STRV_FOREACH(l, lines) {
                const char *s = skip_blanks(*l), *eq = strchr(*l, '=');

                if (!*s || *s == '#' || *s == ';')
                        continue;
                if (streq(*l, "[Match]") || streq(*l, "[Link]")) {
                        free(section);
                        section = xstrdup(*l);
                } else if (eq && eq > *l && (*l)[strspn(*l, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")] == '=' &&
                           eq[1]) {
                        if (!section) {
                                *reterr = xasprintf("key-value pair before section at line: %s", *l);
                                return -EINVAL;
                        }
                        if (streq(section, "[Match]") && startswith(*l, "MACAddress=")) {
                                free(mac);
                                mac = xstrdup(eq + 1);
                        } else if (streq(section, "[Link]") && startswith(*l, "Name=")) {
                                free(name);
                                name = xstrdup(eq + 1);
                        }
                } else {
                        *reterr = xasprintf("unrecognized line: %s", *l);
                        return -EINVAL;
                }
        }
        *ret_mac = TAKE_PTR(mac);
        *ret_name = TAKE_PTR(name);
        return 0;
}

/* Pins of 50-pmx-*.link and legacy 50-pve-*.link files: pairs MAC, name. */
static int read_pins(char ***ret, char **reterr) {
        _cleanup_free_ char *dir = root_path(NET_LINK_DIR);
        _cleanup_strv_free_ char **files = NULL, **pins = NULL;
        struct dirent *de;
        DIR *d;
        int r;

        r = mkdir_p(dir, 0755);
        if (r < 0) {
                *reterr = xasprintf("unable to create '%s' - %s", NET_LINK_DIR, strerror(-r));
                return r;
        }
        d = opendir(dir);
        if (!d) {
                *reterr = xasprintf("unable to read '%s' - %m", NET_LINK_DIR);
                return -errno;
        }
        while ((de = readdir(d)))
                if ((startswith(de->d_name, "50-pmx-") || startswith(de->d_name, "50-pve-")) &&
                    endswith(de->d_name, ".link") && strlen(de->d_name) > strlen("50-pmx-.link"))
                        strv_extend(&files, de->d_name);
        closedir(d);
        strv_sort(files);

        STRV_FOREACH(f, files) {
                _cleanup_free_ char *path = xasprintf("%s%s", dir, *f), *mac = NULL, *name = NULL;

                r = parse_link_file(path, &mac, &name, reterr);
                if (r < 0)
                        return r;
                if (mac && name) {
                        strv_push(&pins, TAKE_PTR(mac));
                        strv_push(&pins, TAKE_PTR(name));
                }
        }
        *ret = TAKE_PTR(pins);
        return 0;
}

static bool name_pinned(char *const *pins, const char *name) {
        for (size_t i = 0; pins && pins[i]; i += 2)
                if (streq(pins[i + 1], name))
                        return true;
        return false;
}

/* ---- names in the configuration ---------------------------------------------- */

typedef struct Mapping {
        const Nic *nics;
        size_t n;
} Mapping;

static const char *mapped(const Mapping *m, const char *name) {
        for (size_t i = 0; i < m->n; i++)
                if (m->nics[i].new_name && streq(m->nics[i].dev->name, name))
                        return m->nics[i].new_name;
        return name;
}

/* "eth1" -> "nic1", "eth1.30" -> "nic1.30", "eth1:0" -> "nic1:0". */
static char *map_name(const Mapping *m, const char *name) {
        size_t base = strcspn(name, ".:");

        if (name[base] && name[base + 1] && name[base + 1 + strspn(name + base + 1, "0123456789")] == 0) {
                _cleanup_free_ char *root = xstrndup(name, base);
                return xasprintf("%s%s", mapped(m, root), name + base);
        }
        return xstrdup(mapped(m, name));
}

static char *map_list(const Mapping *m, const char *list) {
        _cleanup_strv_free_ char **items = api_split_list(list), **out = NULL;

        STRV_FOREACH(i, items)
                strv_push(&out, map_name(m, *i));
        return strv_join(out, " ");
}

static void map_attr(const Mapping *m, NetIface *i, const char *key, bool list) {
        _cleanup_free_ char *v = NULL;

        if (!net_attr_str(i, key))
                return;
        v = list ? map_list(m, net_attr_str(i, key)) : map_name(m, net_attr_str(i, key));
        json_object_set_new(i->attrs, key, json_string(v));
}

/*
 * The pending interfaces with the NICs renamed, rendered (and so checked)
 * under the lock the caller holds until it has written them.
 */
static int render_interfaces(const Mapping *m, char *const *pinned_old_names, char **ret_text, char **reterr) {
        _cleanup_(net_config_freep) NetConfig *c = NULL;
        _cleanup_strv_free_ char **names = NULL;
        int r;

        r = net_files_load_pending(&c, reterr);
        if (r < 0)
                return r;
        for (size_t k = 0; k < net_config_count(c); k++)
                strv_extend(&names, net_config_iface(c, k)->name);

        STRV_FOREACH(name, names) {
                NetIface *i = net_config_find(c, *name);
                const char *type = net_attr_str(i, "type");
                _cleanup_free_ char *new = NULL;

                /* A NIC pinned before (renamed at the next boot) comes back from sysfs under its old name. */
                if (strv_contains(pinned_old_names, *name)) {
                        (void) net_config_remove(c, *name);
                        continue;
                }
                if (strv_contains(STRV_MAKE("eth", "OVSPort", "alias", "vlan"), strempty(type))) {
                        if (streq(type, "vlan"))
                                map_attr(m, i, "vlan-raw-device", false);
                        new = map_name(m, *name);
                        if (!streq(new, *name) && net_config_rename(c, *name, new) < 0) {
                                *reterr = xasprintf("cannot rename '%s' to '%s': an interface of that name exists",
                                                    *name, new);
                                return -EEXIST;
                        }
                } else if (streq_ptr(type, "bond")) {
                        map_attr(m, i, "bond-primary", false);
                        map_attr(m, i, "slaves", true);
                } else if (streq_ptr(type, "bridge"))
                        map_attr(m, i, "bridge_ports", true);
                else if (streq_ptr(type, "OVSBridge"))
                        map_attr(m, i, "ovs_ports", true);
                else if (streq_ptr(type, "OVSBond"))
                        map_attr(m, i, "ovs_bonds", true);
        }
        return net_config_format(c, ret_text, reterr);
}

/* A rule of the host firewall names its interface with "-i <iface>". */
static char *firewall_rule(const char *line, void *userdata) {
        const Mapping *m = userdata;
        const char *opt = strstr(line, " -i ");
        _cleanup_free_ char *iface = NULL, *to = NULL;
        size_t start, len;

        if (!opt || startswith(skip_blanks(line), "#"))
                return NULL;
        start = (size_t) (opt - line) + 4;
        len = strcspn(line + start, " \t");
        iface = xstrndup(line + start, len);
        to = map_name(m, iface);
        return xasprintf("%.*s%s%s", (int) start, line, to, line + start + len);
}

static int update_host_firewall(const Mapping *m, NetLogFn out, void *userdata, char **reterr) {
        _cleanup_free_ char *file = xasprintf("/etc/pve/nodes/%s/host.fw", node_name()),
                            *new_file = xasprintf("%s.new", file), *path = root_path(file),
                            *new_path = root_path(new_file), *text = NULL, *new = NULL;
        int r;

        r = read_full_file(file_exists(new_path) ? new_path : path, 16 * 1024 * 1024, &text, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                *reterr = xasprintf("unable to read '%s' - %s", file, strerror(-r));
                return r;
        }
        out_line(out, userdata, "Updating %s", new_file);
        new = map_lines(text, firewall_rule, (void *) m);
        r = write_file_atomic(new_path, new, strlen(new), &WRITE_OPTIONS(0640, 0));
        if (r < 0)
                *reterr = xasprintf("unable to write '%s' - %s", new_file, strerror(-r));
        return r;
}

static int write_link_files(const Mapping *m, char **reterr) {
        _cleanup_free_ char *dir = root_path(NET_LINK_DIR);

        for (size_t i = 0; i < m->n; i++) {
                const Nic *nic = &m->nics[i];
                _cleanup_free_ char *path = NULL, *legacy = NULL, *content = NULL;
                int r;

                if (!nic->new_name)
                        continue;
                path = xasprintf("%s50-pmx-%s.link", dir, nic->new_name);
                content = net_link_file_content(nic->mac, nic->new_name);
                r = write_file_atomic(path, content, strlen(content), &WRITE_OPTIONS(0644, WRITE_MKDIR));
                if (r < 0) {
                        *reterr = xasprintf("unable to write '%s' - %s", path, strerror(-r));
                        return r;
                }
                /* A legacy file for the same name would claim it for another NIC. */
                legacy = xasprintf("%s50-pve-%s.link", dir, nic->new_name);
                (void) unlink(legacy);
        }
        return 0;
}

/* ---- generate ------------------------------------------------------------------ */

/* The next free name "<prefix><index>": names pinned already are skipped. */
static char *next_name(const char *prefix, unsigned *index, char *const *pins) {
        for (;;) {
                char *name = xasprintf("%s%u", prefix, (*index)++);

                if (!name_pinned(pins, name))
                        return name;
                free(name);
        }
}

int net_pin_generate(const NetPinOptions *o, NetLogFn out, NetLogFn warn, void *userdata, char **reterr) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT, net_lock = LOCK_FILE_INIT;
        _cleanup_(netdev_list_done) NetDevList devs = {};
        _cleanup_free_ char *lock_path = root_path(PIN_LOCK_FILE), *interfaces = NULL;
        _cleanup_strv_free_ char **pins = NULL, **pinned_old = NULL;
        _cleanup_free_ Nic *nics = NULL;
        const char *prefix = o->prefix ?: "nic";
        Mapping m = {};
        size_t n = 0, todo = 0;
        unsigned index = 0;
        int r;

        r = lock_file_acquire(lock_path, PIN_LOCK_TIMEOUT, &lock);
        if (r < 0) {
                *reterr = xasprintf("can't lock file '%s' - %s", PIN_LOCK_FILE,
                                    r == -ETIMEDOUT ? "got timeout" : strerror(-r));
                return r;
        }
        r = netdev_list_read(&devs);
        if (r < 0) {
                *reterr = xasprintf("unable to read network devices: %s", strerror(-r));
                return r;
        }
        r = read_pins(&pins, reterr);
        if (r < 0)
                return r;

        /* Physical NICs; virtual functions get their names from their physical function. */
        nics = new0(Nic, devs.n + 1);
        for (size_t i = 0; i < devs.n; i++)
                if (netdev_is_physical(&devs.devs[i]) && !devs.devs[i].is_vf && devs.devs[i].address)
                        nics[n++] = (Nic) { .dev = &devs.devs[i],
                                            .mac = devs.devs[i].perm_address ?: devs.devs[i].address };
        qsort(nics, n, sizeof(Nic), compare_ifindex);
        for (size_t p = 0; pins && pins[p]; p += 2) {
                bool found = false;

                for (size_t i = 0; i < n; i++)
                        if (strcasecmp(nics[i].mac, pins[p]) == 0) {
                                nics[i].pinned = pins[p + 1];
                                strv_extend(&pinned_old, nics[i].dev->name);
                                found = true;
                        }
                if (!found)
                        out_line(warn, userdata, "could not resolve %s to an existing interface", pins[p]);
        }
        /* A pin for the name it has already is not a rename. */
        for (size_t i = 0; i < n; i++)
                if (nics[i].pinned && streq(nics[i].pinned, nics[i].dev->name))
                        strv_remove(pinned_old, nics[i].dev->name);

        if (o->interface) {
                Nic *nic = NULL;

                for (size_t i = 0; i < n; i++)
                        if (streq(nics[i].dev->name, o->interface))
                                nic = &nics[i];
                if (!nic) {
                        *reterr = xasprintf("Could not find link with name '%s'", o->interface);
                        return -ENODEV;
                }
                if (nic->pinned) {
                        *reterr = xasprintf("There already exists a pin for NIC '%s' - aborting.", o->interface);
                        return -EEXIST;
                }
                if (o->target_name) {
                        bool taken = name_pinned(pins, o->target_name);

                        for (size_t i = 0; i < n; i++)
                                taken = taken || streq(nics[i].dev->name, o->target_name);
                        if (taken) {
                                *reterr = xstrdup("target-name already exists as link or pin!");
                                return -EEXIST;
                        }
                        nic->new_name = xstrdup(o->target_name);
                } else
                        nic->new_name = next_name(prefix, &index, pins);
                todo = 1;
        } else
                for (size_t i = 0; i < n; i++)
                        if (!nics[i].pinned) {
                                nics[i].new_name = next_name(prefix, &index, pins);
                                todo++;
                        }

        if (todo == 0) {
                out(userdata, "Nothing to do, aborting.");
                r = 0;
                goto finish;
        }
        for (size_t i = 0; i < n; i++)
                if (nics[i].new_name)
                        out_line(out, userdata, "Name for link '%s' will change to '%s'", nics[i].dev->name,
                                 nics[i].new_name);

        m = (Mapping) { nics, n };
        /* The new interfaces first: a configuration the renames would break stops us before any file is written. */
        r = net_files_lock(&net_lock, reterr);
        if (r < 0)
                goto finish;
        r = render_interfaces(&m, pinned_old, &interfaces, reterr);
        if (r < 0)
                goto finish;
        out(userdata, "Generating link files");
        r = write_link_files(&m, reterr);
        if (r < 0)
                goto finish;
        out_line(out, userdata, "Successfully generated .link files in '%s'", NET_LINK_DIR);
        r = update_host_firewall(&m, out, userdata, reterr);
        if (r < 0)
                goto finish;
        out_line(out, userdata, "Updating %s", NET_INTERFACES_NEW_FILE);
        r = net_files_write_pending(interfaces, reterr);
        if (r < 0)
                goto finish;
        out(userdata, "Successfully updated Proxmox VE configuration files.");
        out(userdata, "");
        out(userdata, "Please reboot to apply the changes to your configuration");
        out(userdata, "");
finish:
        for (size_t i = 0; i < n; i++)
                free(nics[i].new_name);
        return r;
}
