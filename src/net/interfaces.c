/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * Parser of /etc/network/interfaces and the model around it. Upstream's
 * reader is pve-common PVE::Network::Interfaces::__read_etc_network_interfaces;
 * the attribute semantics below follow it key by key, the text handling
 * follows ifupdown2 (blank lines and comments do not end a stanza, the next
 * keyword does).
 */

#include <assert.h>
#include <strings.h>

#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/parse.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "net/interfaces-internal.h"

const char *const net_bond_modes[] = {
        "balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb", NULL,
};

#define WHITESPACE " \t\r\v\f"

/* ---- small helpers ------------------------------------------------------- */

/* Room for one more element of size in *array (n in use, *allocated reserved), growing geometrically. */
static void *grow(void *array, size_t n, size_t *allocated, size_t size) {
        if (n < *allocated)
                return array;
        *allocated = MAX(16u, *allocated * 2);
        return xreallocarray(array, *allocated, size);
}

const char *net_attr_str(const NetIface *i, const char *key) {
        return json_object_get_string(i->attrs, key);
}

bool net_attr_true(const NetIface *i, const char *key) {
        json_t *v = json_object_get(i->attrs, key);

        /* Perl truth: undef, "", "0" and 0 are false. */
        if (!v || json_is_null(v) || json_is_false(v))
                return false;
        if (json_is_string(v))
                return !isempty(json_string_value(v)) && !streq(json_string_value(v), "0");
        if (json_is_integer(v))
                return json_integer_value(v) != 0;
        if (json_is_real(v))
                return json_real_value(v) != 0;
        return true;
}

static bool all_digits(const char *s) {
        return *s && in_charset(s, "0123456789");
}

int net_netmask_bits(const char *mask) {
        unsigned a[4];
        uint32_t m;
        int bits;
        char tail;

        if (sscanf(mask, "%3u.%3u.%3u.%3u%c", &a[0], &a[1], &a[2], &a[3], &tail) != 4)
                return -1;
        if (a[0] > 255 || a[1] > 255 || a[2] > 255 || a[3] > 255)
                return -1;
        m = (uint32_t) a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];
        bits = __builtin_popcount(m);
        /* Only contiguous masks are valid (upstream's table). */
        if (bits != 0 && m != ~(uint32_t) 0 << (32 - bits))
                return -1;
        return bits;
}

unsigned net_type_class(const char *type) {
        static const struct {
                const char *type;
                unsigned class;
        } classes[] = {
                { "loopback", 100000 }, { "dummy", 100000 },     { "eth", 200000 },       { "OVSPort", 200000 },
                { "OVSIntPort", 300000 }, { "OVSBond", 400000 }, { "bond", 400000 },      { "bridge", 500000 },
                { "OVSBridge", 500000 }, { "vlan", 600000 },     { "vxlan", 600000 },
        };

        for (size_t i = 0; type && i < ELEMENTSOF(classes); i++)
                if (streq(classes[i].type, type))
                        return classes[i].class;
        return 0;
}

bool net_auto_keyword_starts(const char *keyword) {
        return streq(keyword, "auto") || streq(keyword, "allow-auto") || streq(keyword, "allow-ovs") ||
               streq(keyword, "allow-hotplug");
}

/* ---- the interface table ------------------------------------------------- */

static NetIface *net_iface_free(NetIface *i) {
        if (!i)
                return NULL;
        free(i->name);
        json_decref(i->attrs);
        strv_free(i->extra_addresses);
        free(i);
        return NULL;
}

/* Index where name is or would be inserted. */
static size_t iface_slot(const NetConfig *c, const char *name, bool *found) {
        size_t lo = 0, hi = c->n_ifaces;

        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                int r = strcmp(name, c->ifaces[mid]->name);

                if (r == 0) {
                        *found = true;
                        return mid;
                }
                if (r < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        *found = false;
        return lo;
}

size_t net_config_count(const NetConfig *c) {
        return c->n_ifaces;
}

NetIface *net_config_iface(const NetConfig *c, size_t i) {
        return i < c->n_ifaces ? c->ifaces[i] : NULL;
}

ssize_t net_config_index(const NetConfig *c, const char *name) {
        bool found;
        size_t slot = iface_slot(c, name, &found);

        return found ? (ssize_t) slot : -1;
}

NetIface *net_config_find(const NetConfig *c, const char *name) {
        ssize_t i = net_config_index(c, name);

        return i >= 0 ? c->ifaces[i] : NULL;
}

NetIface *net_config_add(NetConfig *c, const char *name, json_t *attrs) {
        NetIface *i;
        bool found;
        size_t slot = iface_slot(c, name, &found);

        assert(!found);
        i = new0(NetIface, 1);
        i->name = xstrdup(name);
        i->attrs = attrs ?: json_object();
        c->ifaces = grow(c->ifaces, c->n_ifaces, &c->allocated_ifaces, sizeof(NetIface *));
        memmove(c->ifaces + slot + 1, c->ifaces + slot, (c->n_ifaces - slot) * sizeof(NetIface *));
        c->ifaces[slot] = i;
        c->n_ifaces++;
        return i;
}

int net_config_remove(NetConfig *c, const char *name) {
        bool found;
        size_t slot = iface_slot(c, name, &found);

        if (!found)
                return -ENOENT;
        net_iface_free(c->ifaces[slot]);
        memmove(c->ifaces + slot, c->ifaces + slot + 1, (c->n_ifaces - slot - 1) * sizeof(NetIface *));
        c->n_ifaces--;
        return 0;
}

int net_config_rename(NetConfig *c, const char *old, const char *new) {
        bool found;
        size_t slot = iface_slot(c, old, &found), to;
        NetIface *i;

        if (!found)
                return -ENOENT;
        if (net_config_find(c, new))
                return -EEXIST;
        i = c->ifaces[slot];
        memmove(c->ifaces + slot, c->ifaces + slot + 1, (c->n_ifaces - slot - 1) * sizeof(NetIface *));
        c->n_ifaces--;
        free(i->name);
        i->name = xstrdup(new);
        to = iface_slot(c, new, &found);
        memmove(c->ifaces + to + 1, c->ifaces + to, (c->n_ifaces - to) * sizeof(NetIface *));
        c->ifaces[to] = i;
        c->n_ifaces++;

        /* The text keeps its place: its blocks now belong to the new name. */
        for (size_t b = 0; b < c->n_blocks; b++) {
                NetBlock *bl = &c->blocks[b];

                if (bl->iface && streq(bl->iface, old)) {
                        free(bl->iface);
                        bl->iface = xstrdup(new);
                }
                for (char **n = bl->names; n && *n; n++)
                        if (streq(*n, old)) {
                                free(*n);
                                *n = xstrdup(new);
                        }
        }
        return 0;
}

static NetIface *iface_get(NetConfig *c, const char *name) {
        return net_config_find(c, name) ?: net_config_add(c, name, NULL);
}

NetConfig *net_config_free(NetConfig *c) {
        if (!c)
                return NULL;
        for (size_t i = 0; i < c->n_blocks; i++) {
                free(c->blocks[i].iface);
                free(c->blocks[i].keyword);
                strv_free(c->blocks[i].names);
        }
        free(c->blocks);
        for (size_t i = 0; i < c->n_ifaces; i++)
                net_iface_free(c->ifaces[i]);
        free(c->ifaces);
        netdev_list_done(&c->devs);
        free(c->filename);
        free(c->text);
        free(c);
        return NULL;
}

/* ---- lines --------------------------------------------------------------- */

typedef struct Line {
        size_t offset, length; /* in the text, newline included */
        char *content;         /* without newline and trailing whitespace */
        const char *word;      /* first word, within content (NULL for blank lines) */
        size_t word_len;
} Line;

typedef struct Parser {
        NetConfig *c;
        Line *lines;
        size_t n_lines, allocated_lines;
        int priority;          /* upstream's order counter: 1 is lo's, stanzas and raw lines count up */
        char *error;
} Parser;

static int parse_error(Parser *p, size_t line_index, const char *fmt, ...) _printf_(3, 4);
static int parse_error(Parser *p, size_t line_index, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        msg = xvasprintf(fmt, ap);
        va_end(ap);
        if (!p->error)
                p->error = xasprintf("%s:%zu: %s", p->c->filename, line_index + 1, msg);
        return -EINVAL;
}

static int split_lines(Parser *p) {
        const char *text = p->c->text;
        size_t len = p->c->len, pos = 0;

        while (pos < len) {
                const char *nl = memchr(text + pos, '\n', len - pos);
                size_t end = nl ? (size_t) (nl - text) + 1 : len, clen = (nl ? end - 1 : end) - pos;
                Line *l;

                p->lines = grow(p->lines, p->n_lines, &p->allocated_lines, sizeof(Line));
                l = &p->lines[p->n_lines++];
                *l = (Line) { .offset = pos, .length = end - pos, .content = xstrndup(text + pos, clen) };

                if (strlen(l->content) != clen)
                        return parse_error(p, p->n_lines - 1, "unexpected NUL byte");
                if (!utf8_is_valid(l->content, clen))
                        return parse_error(p, p->n_lines - 1, "invalid UTF-8");
                /* Trailing whitespace (a CR of a CRLF file too) is insignificant. */
                while (clen > 0 && strchr(WHITESPACE, l->content[clen - 1]))
                        l->content[--clen] = 0;
                for (size_t i = 0; i < clen; i++)
                        if (((unsigned char) l->content[i] < 0x20 && l->content[i] != '\t') || l->content[i] == 0x7f)
                                return parse_error(p, p->n_lines - 1, "invalid control character 0x%02x",
                                                   (unsigned) (unsigned char) l->content[i]);
                l->word = l->content + strspn(l->content, WHITESPACE);
                if (!*l->word)
                        l->word = NULL;
                else
                        l->word_len = strcspn(l->word, WHITESPACE);
                pos = end;
        }
        return 0;
}

static size_t line_end(const Parser *p, size_t i) {
        return p->lines[i].offset + p->lines[i].length;
}

static bool line_continues(const Line *l) {
        return l->word && endswith(l->word, "\\");
}

static bool word_is(const Line *l, const char *w) {
        return l->word && l->word_len == strlen(w) && strneq(l->word, w, l->word_len);
}

static bool line_is_comment(const Line *l) {
        return l->word && l->word[0] == '#';
}

/* Keywords that start a new top-level item, for ifupdown and ifupdown2 alike. */
static bool line_is_keyword(const Line *l) {
        static const char *const keywords[] = {
                "iface", "mapping", "auto", "source", "source-directory", "source-dir",
                "vlan", "no-auto-down", "no-scripts", "rename",
        };

        if (!l->word || line_is_comment(l))
                return false;
        if (l->word_len > 6 && strneq(l->word, "allow-", 6))
                return true;
        for (size_t i = 0; i < ELEMENTSOF(keywords); i++)
                if (word_is(l, keywords[i]))
                        return true;
        return false;
}

static NetBlock *add_block(Parser *p, NetBlockKind kind, size_t first, size_t last) {
        NetConfig *c = p->c;
        NetBlock *b;

        c->blocks = grow(c->blocks, c->n_blocks, &c->allocated_blocks, sizeof(NetBlock));
        b = &c->blocks[c->n_blocks++];
        *b = (NetBlock) {
                .kind = kind,
                .offset = p->lines[first].offset,
                .length = p->lines[last].offset + p->lines[last].length - p->lines[first].offset,
                .line = (unsigned) first + 1,
        };
        return b;
}

static void add_text_line(Parser *p, size_t i) {
        add_block(p, NET_BLOCK_TEXT, i, i)->comment = line_is_comment(&p->lines[i]);
}

/* ---- stanza semantics (upstream's reader, key by key) -------------------- */

typedef struct Family {
        const char *name;   /* "inet", "inet6", NULL for a typeless stanza */
        const char *suffix; /* "", "6", NULL */
        const char *method;
        StrBuf comments;
        json_t *options;
} Family;

static const char *option_alias(const char *id) {
        static const char *const aliases[][2] = {
                { "ovs_mtu", "mtu" },
                { "bond-slaves", "slaves" },
                { "bond_slaves", "slaves" },
                { "bond-xmit-hash-policy", "bond_xmit_hash_policy" },
                { "bond-mode", "bond_mode" },
                { "bond-miimon", "bond_miimon" },
                { "bridge-vlan-aware", "bridge_vlan_aware" },
                { "bridge-fd", "bridge_fd" },
                { "bridge-stp", "bridge_stp" },
                { "bridge-ports", "bridge_ports" },
                { "bridge-vids", "bridge_vids" },
        };

        for (size_t i = 0; i < ELEMENTSOF(aliases); i++)
                if (streq(id, aliases[i][0]))
                        return aliases[i][1];
        return id;
}

static bool is_simple_option(const char *id) {
        static const char *const simple[] = {
                "mtu", "ovs_type", "ovs_options", "ovs_bridge", "ovs_bonds", "ovs_ports", "bridge_fd",
                "bridge_vids", "bridge-access", "bridge-learning", "bridge-arp-nd-suppress",
                "bridge-unicast-flood", "bridge-multicast-flood", "bridge-disable-mac-learning",
                "bond_miimon", "bond_xmit_hash_policy", "bond-primary", "link-type", "uplink-id",
                "vlan-protocol", "vlan-raw-device", "vlan-id", "vxlan-id", "vxlan-svcnodeip",
                "vxlan-physdev", "vxlan-local-tunnelip",
        };

        for (size_t i = 0; i < ELEMENTSOF(simple); i++)
                if (streq(id, simple[i]))
                        return true;
        return false;
}

/* Values come from lines already checked for UTF-8 (or from our own literals). */
static void set_str(json_t *o, const char *key, const char *v) {
        json_object_set_new_nocheck(o, key, json_stringn_nocheck(v, strlen(v)));
}

/* bridge_ports / slaves: space separated, "none" means an empty list, duplicates dropped. */
static void add_ports(NetIface *d, const char *id, const char *value) {
        const char *old = net_attr_str(d, id);
        _cleanup_strv_free_ char **ports = strv_split(old, " "), **add = strv_split(value, WHITESPACE);
        _cleanup_free_ char *joined = NULL;

        STRV_FOREACH(w, add)
                if (!streq(*w, "none") && !strv_contains(ports, *w))
                        strv_extend(&ports, *w);
        joined = strv_join(ports, " ");
        set_str(d->attrs, id, joined);
}

static void add_address_key(NetIface *d, const char *key, const char *value) {
        const char *old, *suffix;

        /*
         * Upstream keeps the last address; the earlier ones are kept aside, not
         * lost. A netmask given so far belongs to the address it followed.
         */
        if ((suffix = startswith(key, "address")) && (old = net_attr_str(d, key))) {
                _cleanup_free_ char *nk = xasprintf("netmask%s", suffix);
                const char *mask = net_attr_str(d, nk), *slash = strrchr(old, '/');

                if (!(slash && all_digits(slash + 1)) && mask && all_digits(mask))
                        strv_extendf(&d->extra_addresses, "%s/%s", old, mask);
                else if (!(slash && all_digits(slash + 1)) && mask && net_netmask_bits(mask) > 0)
                        strv_extendf(&d->extra_addresses, "%s/%d", old, net_netmask_bits(mask));
                else
                        strv_extend(&d->extra_addresses, old);
                json_object_del(d->attrs, nk);
        }
        set_str(d->attrs, key, value);
}

static void apply_option(NetIface *d, Family *f, const char *line) {
        _cleanup_free_ char *id = xstrndup(line, strcspn(line, WHITESPACE));
        const char *value = line + strlen(id), *key;

        value += strspn(value, WHITESPACE);
        key = option_alias(id);

        if (strv_contains(STRV_MAKE("address", "netmask", "broadcast", "gateway"), key)) {
                _cleanup_free_ char *k = NULL;

                if (f->suffix)
                        k = xasprintf("%s%s", key, f->suffix);
                else
                        k = xasprintf("%s%s", key, !streq(key, "netmask") && strchr(value, ':') ? "6" : "");
                add_address_key(d, k, value);
        } else if (is_simple_option(key))
                set_str(d->attrs, key, value);
        else if (strv_contains(STRV_MAKE("slaves", "bridge_ports"), key))
                add_ports(d, key, value);
        else if (streq(key, "bridge_stp"))
                set_str(d->attrs, key,
                        strcasecmp(value, "on") == 0 || strcasecmp(value, "yes") == 0 ? "on" : "off");
        else if (streq(key, "bridge_vlan_aware")) {
                bool b;

                /* Upstream takes any value for "yes"; "no" means no here. */
                if (parse_bool(value, &b) < 0 || b)
                        json_object_set_new(d->attrs, key, json_integer(1));
                else
                        json_object_del(d->attrs, key);
        } else if (streq(key, "bond_mode")) {
                int n;

                if (parse_int(value, 0, 6, &n) >= 0)
                        value = net_bond_modes[n];
                set_str(d->attrs, key, value);
        } else if (streq(key, "vxlan-remoteip")) {
                json_t *a = json_object_get(d->attrs, key);

                if (!a) {
                        a = json_array();
                        json_object_set_new(d->attrs, key, a);
                }
                json_array_append_new(a, json_string(value));
        } else {
                json_t *target = f->suffix ? f->options : json_object_get(d->attrs, "options");

                if (!target) {
                        target = json_array();
                        if (f->suffix)
                                f->options = target;
                        else
                                json_object_set_new(d->attrs, "options", target);
                }
                json_array_append_new(target, json_stringn_nocheck(line, strlen(line)));
        }
}

/* Collects a logical option line: "\" at the end of a line continues it on the next. */
static size_t logical_line(Parser *p, size_t i, size_t end, StrBuf *out) {
        strbuf_reset(out);
        for (;;) {
                const char *s = p->lines[i].word;
                size_t n = s ? strlen(s) : 0;

                if (n > 0 && s[n - 1] == '\\' && i + 1 < end) {
                        strbuf_add(out, s, n - 1);
                        strbuf_rtrim(out);
                        strbuf_addc(out, ' ');
                        i++;
                        continue;
                }
                strbuf_add(out, s, n);
                return i;
        }
}

static unsigned family_bit(const char *family) {
        return !family ? 1 : streq(family, "inet") ? 2 : 4;
}

/*
 * Parses the stanza whose header is line first; lines first+1 .. end-1 are
 * its body (up to the next keyword). Returns the index after the stanza's own
 * lines (options, the comments right after them, then blank lines).
 */
static int parse_stanza(Parser *p, size_t first, size_t end, const char *name, const char *family,
                        const char *method, size_t *ret_next) {
        _cleanup_strbuf_ StrBuf logical = STRBUF_INIT;
        Family f = {
                .name = family,
                .suffix = !family ? NULL : streq(family, "inet6") ? "6" : "",
                .method = method,
                .comments = STRBUF_INIT,
        };
        NetIface *d = iface_get(p->c, name);
        size_t last = first, own;
        json_t *families;
        NetBlock *b;

        if (d->stanzas & family_bit(family)) {
                strbuf_release(&f.comments);
                json_decref(f.options);
                return parse_error(p, first, "second stanza 'iface %s%s%s' for the same interface", name,
                                   family ? " " : "", strempty(family));
        }
        d->stanzas |= family_bit(family);

        if (!json_object_get(d->attrs, "priority"))
                json_object_set_new(d->attrs, "priority", json_integer(p->priority++));
        families = json_object_get(d->attrs, "families");
        if (!families) {
                families = json_array();
                json_object_set_new(d->attrs, "families", families);
        }
        json_array_append_new(families, family ? json_string(family) : json_null());

        /* The stanza's own lines: up to its last option, then the comments right after it. */
        for (size_t i = first + 1; i < end; i++) {
                const Line *l = &p->lines[i];

                if (!l->word || line_is_comment(l))
                        continue;
                while (line_continues(l) && i + 1 < end)
                        l = &p->lines[++i];
                last = i;
        }
        while (last + 1 < end && line_is_comment(&p->lines[last + 1]))
                last++;

        for (size_t i = first + 1; i <= last; i++) {
                const Line *l = &p->lines[i];

                if (!l->word)
                        continue;
                if (line_is_comment(l)) {
                        strbuf_adds(&f.comments, l->word + 1);
                        strbuf_addc(&f.comments, '\n');
                        continue;
                }
                i = logical_line(p, i, last + 1, &logical);
                if (!strpbrk(logical.buf, WHITESPACE)) {
                        strbuf_release(&f.comments);
                        json_decref(f.options);
                        return parse_error(p, i, "iface %s: option '%s' without value", name, logical.buf);
                }
                apply_option(d, &f, logical.buf);
        }

        if (f.suffix) {
                bool v6 = *f.suffix;

                set_str(d->attrs, v6 ? "method6" : "method", f.method);
                if (f.comments.len > 0)
                        set_str(d->attrs, v6 ? "comments6" : "comments", f.comments.buf);
                if (f.options)
                        json_object_set(d->attrs, v6 ? "options6" : "options", f.options);
        } else if (f.comments.len > 0) {
                const char *old = net_attr_str(d, "comments");
                _cleanup_free_ char *all = xasprintf("%s%s", strempty(old), f.comments.buf);

                set_str(d->attrs, "comments", all);
        }
        strbuf_release(&f.comments);
        json_decref(f.options);

        own = last + 1;
        while (own < end && !p->lines[own].word)
                own++;
        b = add_block(p, NET_BLOCK_STANZA, first, own - 1);
        b->iface = xstrdup(name);
        b->trailing = line_end(p, own - 1) - line_end(p, last);
        *ret_next = own;
        return 0;
}

/* "iface NAME" or "iface NAME inet|inet6 METHOD"; anything else is kept as opaque text. */
static bool parse_iface_header(const char *content, char **ret_name, char **ret_family, char **ret_method) {
        _cleanup_strv_free_ char **w = strv_split(content, WHITESPACE);
        size_t n = strv_length(w);

        if (n == 2) {
                *ret_name = xstrdup(w[1]);
                *ret_family = *ret_method = NULL;
                return true;
        }
        if (n == 4 && (streq(w[2], "inet") || streq(w[2], "inet6"))) {
                *ret_name = xstrdup(w[1]);
                *ret_family = xstrdup(w[2]);
                *ret_method = xstrdup(w[3]);
                return true;
        }
        return false;
}

static int parse_blocks(Parser *p) {
        int r = 0;

        for (size_t i = 0; i < p->n_lines && r >= 0;) {
                const Line *l = &p->lines[i];
                size_t end;

                if (!l->word || line_is_comment(l)) {
                        add_text_line(p, i++);
                        continue;
                }
                if (!line_is_keyword(l)) {
                        r = parse_error(p, i, "unexpected line '%s' outside of an interface stanza", l->word);
                        break;
                }

                /* The lines up to the next keyword belong to this item. */
                for (end = i + 1; end < p->n_lines && !line_is_keyword(&p->lines[end]); end++)
                        ;

                if (word_is(l, "auto") || startswith(l->word, "allow-")) {
                        _cleanup_strv_free_ char **w = strv_split(l->word, WHITESPACE);
                        NetBlock *b;

                        if (strv_length(w) < 2) {
                                r = parse_error(p, i, "'%s' without interface names", w[0]);
                                break;
                        }
                        b = add_block(p, NET_BLOCK_AUTO, i, i);
                        b->keyword = xstrdup(w[0]);
                        b->names = strv_copy(w + 1);
                        if (net_auto_keyword_starts(w[0]))
                                STRV_FOREACH(name, b->names)
                                        json_object_set_new(iface_get(p->c, *name)->attrs, "autostart",
                                                            json_integer(1));
                        else
                                p->priority++; /* upstream keeps other allow- lines as raw lines */
                        end = i + 1;
                } else if (word_is(l, "iface")) {
                        _cleanup_free_ char *name = NULL, *family = NULL, *method = NULL;

                        if (!parse_iface_header(l->word, &name, &family, &method)) {
                                if (!strpbrk(l->word, WHITESPACE)) {
                                        r = parse_error(p, i, "'iface' without interface name");
                                        break;
                                }
                                /* "iface X inet static inherits Y", "iface X ipx ...": kept as it is. */
                                p->priority++;
                                for (size_t k = i; k < end; k++)
                                        add_text_line(p, k);
                        } else {
                                r = parse_stanza(p, i, end, name, family, method, &i);
                                if (r < 0)
                                        break;
                                for (size_t k = i; k < end; k++)
                                        add_text_line(p, k);
                        }
                } else if (word_is(l, "mapping") || word_is(l, "vlan")) {
                        p->priority++;
                        for (size_t k = i; k < end; k++)
                                add_text_line(p, k);
                } else {
                        /* source, source-directory, no-auto-down, ...: one line, kept. */
                        if (!strpbrk(l->word, WHITESPACE)) {
                                r = parse_error(p, i, "'%s' without argument", l->word);
                                break;
                        }
                        p->priority++;
                        add_text_line(p, i);
                        end = i + 1;
                }
                i = end;
        }
        return r;
}

/* ---- after parsing: what upstream derives from the whole file ------------ */

static void set_exists_from_parent(NetConfig *c, NetIface *d, const char *parent) {
        NetIface *pi = net_config_find(c, parent);
        json_t *e = pi ? json_object_get(pi->attrs, "exists") : NULL;

        json_object_set_new(d->attrs, "exists", e ? json_incref(e) : json_integer(0));
}

/* Upstream's ovs_options handling: "k=v k2=v2"; removes key and returns its value. */
static char *extract_ovs_option(NetIface *d, const char *key) {
        _cleanup_strv_free_ char **opts = strv_split(net_attr_str(d, "ovs_options"), WHITESPACE), **keep = NULL;
        _cleanup_free_ char *joined = NULL;
        char *value = NULL;
        size_t kl = strlen(key);

        STRV_FOREACH(o, opts) {
                if (strneq(*o, key, kl) && (*o)[kl] == '=') {
                        free(value);
                        value = xstrdup(*o + kl + 1);
                } else
                        strv_extend(&keep, *o);
        }
        joined = strv_join(keep, " ");
        if (isempty(joined))
                json_object_del(d->attrs, "ovs_options");
        else
                set_str(d->attrs, "ovs_options", joined);
        return value;
}

static void extract_ovs_tag(NetIface *d) {
        _cleanup_free_ char *tag = extract_ovs_option(d, "tag");

        if (tag)
                set_str(d->attrs, "ovs_tag", tag);
}

static void detect_type(NetConfig *c, NetIface *d) {
        const char *name = d->name, *ovs_type = net_attr_str(d, "ovs_type"), *dot, *colon;
        const NetDev *dev = netdev_list_find(&c->devs, name);
        const char *type = "unknown";

        if (json_object_get(d->attrs, "bridge_ports")) {
                type = "bridge";
                if (!json_object_get(d->attrs, "bridge_stp"))
                        set_str(d->attrs, "bridge_stp", "off");
                if (!json_object_get(d->attrs, "bridge_fd") && streq(net_attr_str(d, "bridge_stp"), "off"))
                        json_object_set_new(d->attrs, "bridge_fd", json_integer(0));
        } else if (streq_ptr(ovs_type, "OVSBridge"))
                type = "OVSBridge";
        else if (startswith(name, "bond") && all_digits(name + 4)) {
                if (!ovs_type)
                        type = "bond";
                else if (streq(ovs_type, "OVSBond")) {
                        _cleanup_free_ char *mode = extract_ovs_option(d, "bond_mode"),
                                            *lacp = extract_ovs_option(d, "lacp");

                        type = "OVSBond";
                        if (mode && streq_ptr(lacp, "active") && streq(mode, "balance-slb"))
                                mode = mfree(mode), mode = xstrdup("lacp-balance-slb");
                        if (mode && streq(mode, "balance-tcp"))
                                mode = mfree(mode), mode = xstrdup("lacp-balance-tcp");
                        if (mode)
                                set_str(d->attrs, "bond_mode", mode);
                        else
                                json_object_del(d->attrs, "bond_mode");
                        extract_ovs_tag(d);
                }
        } else if ((colon = strrchr(name, ':')) && colon > name && all_digits(colon + 1)) {
                _cleanup_free_ char *parent = xstrndup(name, (size_t) (colon - name));

                type = "alias";
                set_exists_from_parent(c, d, parent);
        } else if ((dot = strrchr(name, '.')) && dot > name && all_digits(dot + 1) && !strpbrk(name, WHITESPACE)) {
                _cleanup_free_ char *parent = xstrndup(name, (size_t) (dot - name));
                const char *raw;

                type = "vlan";
                if (!net_attr_true(d, "vlan-raw-device"))
                        set_str(d->attrs, "vlan-raw-device", parent);
                if (strspn(dot + 1, "0") != strlen(dot + 1)) /* VLAN id 0 is not valid */
                        set_str(d->attrs, "vlan-id", dot + 1);
                raw = net_attr_str(d, "vlan-raw-device");
                set_exists_from_parent(c, d, raw);
        } else if (net_attr_true(d, "vlan-raw-device")) {
                const char *id;

                type = "vlan";
                if ((id = startswith(name, "vlan")) && all_digits(id) && strspn(id, "0") != strlen(id))
                        set_str(d->attrs, "vlan-id", id);
                set_exists_from_parent(c, d, net_attr_str(d, "vlan-raw-device"));
        } else if ((dev && netdev_is_physical(dev)) || netdev_name_is_physical(name)) {
                if (!ovs_type)
                        type = "eth";
                else if (streq(ovs_type, "OVSPort")) {
                        type = "OVSPort";
                        extract_ovs_tag(d);
                }
        } else if (streq(name, "lo"))
                type = "loopback";
        else if (net_attr_true(d, "vxlan-id"))
                type = "vxlan";
        else if (ovs_type) {
                if (streq(ovs_type, "OVSIntPort")) {
                        type = "OVSIntPort";
                        extract_ovs_tag(d);
                }
        } else if (streq_ptr(net_attr_str(d, "link-type"), "dummy"))
                type = "dummy";

        set_str(d->attrs, "type", type);
}

/* address + netmask -> cidr, as upstream maps them (the mask becomes a prefix length). */
static void map_cidr(NetIface *d, bool v6) {
        const char *ak = v6 ? "address6" : "address", *nk = v6 ? "netmask6" : "netmask", *ck = v6 ? "cidr6" : "cidr";
        const char *addr = net_attr_str(d, ak), *mask = net_attr_str(d, nk), *slash;
        _cleanup_free_ char *cidr = NULL;

        if (!net_attr_true(d, ak))
                return;
        slash = strrchr(addr, '/');
        if (slash && all_digits(slash + 1)) {
                _cleanup_free_ char *base = xstrndup(addr, (size_t) (slash - addr)), *bits = xstrdup(slash + 1);

                set_str(d->attrs, ck, addr);
                set_str(d->attrs, ak, base);
                set_str(d->attrs, nk, bits);
                return;
        }
        if (mask && *mask && all_digits(mask))
                cidr = xasprintf("%s/%s", addr, mask);
        else if (mask && net_netmask_bits(mask) > 0) {
                cidr = xasprintf("%s/%d", addr, net_netmask_bits(mask));
                if (!v6)
                        json_object_set_new(d->attrs, nk, json_sprintf("%d", net_netmask_bits(mask)));
        }
        if (!cidr)
                cidr = xasprintf("%s/%s", addr, v6 ? "128" : "32");
        set_str(d->attrs, ck, cidr);
}

static void finish_iface(NetConfig *c, NetIface *d) {
        const char *c6;

        detect_type(c, d);
        map_cidr(d, false);
        map_cidr(d, true);
        if (!json_object_get(d->attrs, "method"))
                set_str(d->attrs, "method", "manual");
        if (!json_object_get(d->attrs, "method6"))
                set_str(d->attrs, "method6", "manual");
        if ((c6 = net_attr_str(d, "comments6"))) {
                _cleanup_free_ char *all = xasprintf("%s%s", strempty(net_attr_str(d, "comments")), c6);

                set_str(d->attrs, "comments", all);
                json_object_del(d->attrs, "comments6");
        }
        if (!json_object_get(d->attrs, "families"))
                json_object_set_new(d->attrs, "families", json_pack("[s]", "inet"));
}

static void finish(NetConfig *c) {
        /* Physical NICs exist, configured or not (if their names can be written into the file at all). */
        for (size_t i = 0; i < c->devs.n; i++) {
                const char *name = c->devs.devs[i].name;

                if (netdev_is_physical(&c->devs.devs[i]) && *name && !has_control_chars(name, strlen(name)) &&
                    !strpbrk(name, WHITESPACE) && utf8_is_valid(name, strlen(name)))
                        json_object_set_new(iface_get(c, name)->attrs, "exists", json_integer(1));
        }

        for (size_t i = 0; i < c->n_ifaces; i++) {
                const NetDev *dev = netdev_list_find(&c->devs, c->ifaces[i]->name);

                if (dev && netdev_is_up(dev))
                        json_object_set_new(c->ifaces[i]->attrs, "active", json_integer(1));
        }

        if (!net_config_find(c, "lo"))
                net_config_add(c, "lo", json_pack("{s:i,s:s,s:s,s:i}", "priority", 1, "method", "loopback", "type",
                                                  "loopback", "autostart", 1));

        for (size_t i = 0; i < c->n_ifaces; i++)
                finish_iface(c, c->ifaces[i]);

        /* An interface started only by "allow-hotplug" keeps that keyword when rewritten. */
        for (size_t b = 0; b < c->n_blocks; b++)
                if (c->blocks[b].kind == NET_BLOCK_AUTO && streq(c->blocks[b].keyword, "allow-hotplug"))
                        STRV_FOREACH(name, c->blocks[b].names)
                                net_config_find(c, *name)->hotplug = true;
        for (size_t b = 0; b < c->n_blocks; b++)
                if (c->blocks[b].kind == NET_BLOCK_AUTO && net_auto_keyword_starts(c->blocks[b].keyword) &&
                    !streq(c->blocks[b].keyword, "allow-hotplug"))
                        STRV_FOREACH(name, c->blocks[b].names)
                                net_config_find(c, *name)->hotplug = false;
}

int net_config_parse(const char *filename, const char *text, size_t len, const NetDevList *devs, NetConfig **ret,
                     char **reterr) {
        _cleanup_(net_config_freep) NetConfig *c = new0(NetConfig, 1);
        Parser p = { .c = c, .priority = 2 };
        int r;

        c->filename = xstrdup(filename);
        c->text = xmalloc(len + 1);
        memcpy(c->text, text, len);
        c->text[len] = 0;
        c->len = len;
        if (devs)
                netdev_list_copy(&c->devs, devs);

        r = split_lines(&p);
        if (r >= 0)
                r = parse_blocks(&p);
        for (size_t i = 0; i < p.n_lines; i++)
                free(p.lines[i].content);
        free(p.lines);
        if (r < 0) {
                *reterr = p.error;
                return r;
        }
        finish(c);
        *ret = TAKE_PTR(c);
        return 0;
}
