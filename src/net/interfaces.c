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

/* Perl truth: undef, "", "0" and 0 are false. */
static bool value_true(const json_t *v) {
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

bool net_attr_true(const NetIface *i, const char *key) {
        return value_true(json_object_get(i->attrs, key));
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

/* ---- parser state --------------------------------------------------------- */

/*
 * A table keyed by strings that belong to its values, for the parser's
 * lookups: open addressing, linear probing, at most half full.
 */
typedef struct Table {
        const char **keys;
        void **values;
        size_t size, n; /* size is 0 or a power of two */
} Table;

static size_t hash_bytes(const char *s, size_t len) {
        uint64_t h = UINT64_C(14695981039346656037); /* FNV-1a */

        for (size_t i = 0; i < len; i++)
                h = (h ^ (unsigned char) s[i]) * UINT64_C(1099511628211);
        return (size_t) h;
}

/* The slot of key (len bytes, NUL-free): where it is, or the free slot where it would go. */
static size_t table_slot(const Table *t, const char *key, size_t len) {
        size_t mask = t->size - 1;

        for (size_t i = hash_bytes(key, len) & mask;; i = (i + 1) & mask)
                if (!t->keys[i] || (strneq(t->keys[i], key, len) && t->keys[i][len] == 0))
                        return i;
}

static void *table_get(const Table *t, const char *key, size_t len) {
        return t->size > 0 ? t->values[table_slot(t, key, len)] : NULL;
}

/* Adds a key that is not in the table yet. */
static void table_add(Table *t, const char *key, void *value) {
        size_t slot;

        if (2 * (t->n + 1) > t->size) {
                Table bigger = {
                        .size = MAX(t->size * 2, (size_t) 64),
                        .n = t->n,
                };

                bigger.keys = new0(const char *, bigger.size);
                bigger.values = new0(void *, bigger.size);
                for (size_t i = 0; i < t->size; i++)
                        if (t->keys[i]) {
                                slot = table_slot(&bigger, t->keys[i], strlen(t->keys[i]));
                                bigger.keys[slot] = t->keys[i];
                                bigger.values[slot] = t->values[i];
                        }
                free(t->keys);
                free(t->values);
                *t = bigger;
        }
        slot = table_slot(t, key, strlen(key));
        t->keys[slot] = key;
        t->values[slot] = value;
        t->n++;
}

typedef struct Line {
        size_t offset;         /* in the text; a line ends where the next begins (its newline included) */
        const char *word;      /* the line from its first word on, without trailing whitespace; NULL if blank */
        uint32_t word_len;     /* length of the first word */
        uint32_t rest_len;     /* length of the whole of word */
        bool keyword;          /* starts a new top-level item */
} Line;

typedef struct Parser {
        NetConfig *c;
        char *buf;             /* the text, each line NUL-terminated, without trailing whitespace */
        Line *lines;
        size_t n_lines;
        int priority;          /* upstream's order counter: 1 is lo's, stanzas and raw lines count up */
        Table ifaces;          /* the interfaces by name; NetConfig.ifaces is sorted at the end */
        Table strings;         /* string values, shared by every attribute that has the same one */
        json_t *zero, *one;
        json_t *families[3];   /* the "families" of a single stanza, by family_bit() order */
        char *error;
} Parser;

/* The text as lines is needed up to the end of parse_blocks(). */
static void parser_lines_done(Parser *p) {
        p->lines = mfree(p->lines);
        p->buf = mfree(p->buf);
        p->n_lines = 0;
}

static void parser_done(Parser *p) {
        for (size_t i = 0; i < p->strings.size; i++)
                json_decref(p->strings.values[i]);
        free(p->strings.keys);
        free(p->strings.values);
        free(p->ifaces.keys);
        free(p->ifaces.values);
        json_decref(p->zero);
        json_decref(p->one);
        for (size_t i = 0; i < ELEMENTSOF(p->families); i++)
                json_decref(p->families[i]);
        parser_lines_done(p);
}

/*
 * A JSON string of the len bytes at s (checked UTF-8). Attribute values
 * repeat a lot ("manual", "inet", parent names, netmasks): each distinct
 * one is made once and shared (jansson scalars are never changed in place).
 */
static json_t *string_value(Parser *p, const char *s, size_t len) {
        json_t *v = table_get(&p->strings, s, len);

        if (!v) {
                v = json_stringn_nocheck(s, len);
                table_add(&p->strings, json_string_value(v), v);
        }
        return json_incref(v);
}

static void set_strn(Parser *p, NetIface *d, const char *key, const char *v, size_t len) {
        json_object_set_new_nocheck(d->attrs, key, string_value(p, v, len));
}

static void set_str(Parser *p, NetIface *d, const char *key, const char *v) {
        set_strn(p, d, key, v, strlen(v));
}

static void set_int(Parser *p, NetIface *d, const char *key, bool one) {
        json_object_set_nocheck(d->attrs, key, one ? p->one : p->zero);
}

static NetIface *iface_find(Parser *p, const char *name, size_t len) {
        return table_get(&p->ifaces, name, len);
}

/* The interface of that name, added (at the end, unsorted) when new. */
static NetIface *iface_get(Parser *p, const char *name, size_t len) {
        NetConfig *c = p->c;
        NetIface *i = iface_find(p, name, len);

        if (i)
                return i;
        i = new0(NetIface, 1);
        i->name = xstrndup(name, len);
        i->attrs = json_object();
        c->ifaces = grow(c->ifaces, c->n_ifaces, &c->allocated_ifaces, sizeof(NetIface *));
        c->ifaces[c->n_ifaces++] = i;
        table_add(&p->ifaces, i->name, i);
        return i;
}

static int compare_ifaces(const void *a, const void *b) {
        return strcmp((*(NetIface *const *) a)->name, (*(NetIface *const *) b)->name);
}

/* ---- lines --------------------------------------------------------------- */

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

/* Splits s at blanks; stores up to max words, returns how many there are. */
static size_t split_words(const char *s, const char **words, size_t *lens, size_t max) {
        size_t n = 0;

        for (;;) {
                size_t len;

                s += strspn(s, WHITESPACE);
                len = strcspn(s, WHITESPACE);
                if (len == 0)
                        return n;
                if (n < max) {
                        words[n] = s;
                        lens[n] = len;
                }
                n++;
                s += len;
        }
}

static bool word_is(const Line *l, const char *w, size_t len) {
        return l->word && l->word_len == len && memcmp(l->word, w, len) == 0;
}

#define WORD_IS(l, w) word_is((l), (w), STRLEN(w))

static bool line_is_comment(const Line *l) {
        return l->word && l->word[0] == '#';
}

static bool line_continues(const Line *l) {
        return l->word && l->word[l->rest_len - 1] == '\\';
}

/* Keywords that start a new top-level item, for ifupdown and ifupdown2 alike. */
static bool line_is_keyword(const Line *l) {
        static const struct {
                const char *word;
                size_t len;
        } keywords[] = {
#define KEYWORD(w) { w, STRLEN(w) }
                KEYWORD("iface"), KEYWORD("mapping"), KEYWORD("auto"), KEYWORD("source"),
                KEYWORD("source-directory"), KEYWORD("source-dir"), KEYWORD("vlan"), KEYWORD("no-auto-down"),
                KEYWORD("no-scripts"), KEYWORD("rename"),
#undef KEYWORD
        };

        if (!l->word || line_is_comment(l))
                return false;
        if (l->word_len > 6 && strneq(l->word, "allow-", 6))
                return true;
        for (size_t i = 0; i < ELEMENTSOF(keywords); i++)
                if (word_is(l, keywords[i].word, keywords[i].len))
                        return true;
        return false;
}

/* No byte that needs a closer look: control characters other than tab and newline, DEL, non-ASCII. */
static bool text_is_plain(const char *s, size_t len) {
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) s[i];

                if ((c < 0x20 && c != '\t' && c != '\n') || c >= 0x7f)
                        return false;
        }
        return true;
}

static int check_line(Parser *p, const char *s, size_t len) {
        if (memchr(s, 0, len))
                return parse_error(p, p->n_lines - 1, "unexpected NUL byte");
        if (!utf8_is_valid(s, len))
                return parse_error(p, p->n_lines - 1, "invalid UTF-8");
        return 0;
}

static size_t count_lines(const char *text, size_t len) {
        size_t n = 0;

        for (const char *t = text, *nl; (nl = memchr(t, '\n', len - (size_t) (t - text))); t = nl + 1)
                n++;
        return n + (len > 0 && text[len - 1] != '\n');
}

static int split_lines(Parser *p) {
        NetConfig *c = p->c;
        const char *text = c->text;
        size_t len = c->len, pos = 0, n = count_lines(text, len);
        bool plain = text_is_plain(text, len);

        p->buf = xmalloc(len + 1);
        memcpy(p->buf, text, len);
        p->buf[len] = 0;
        p->lines = xreallocarray(NULL, n + 1, sizeof(Line));
        /* Room for the blocks at once: each has one line at least. Pages not used are never touched. */
        c->allocated_blocks = n + 1;
        c->blocks = xreallocarray(NULL, c->allocated_blocks, sizeof(NetBlock));

        while (pos < len) {
                const char *nl = memchr(text + pos, '\n', len - pos);
                size_t end = nl ? (size_t) (nl - text) + 1 : len, clen = (nl ? end - 1 : end) - pos;
                char *content = p->buf + pos;
                Line *l = &p->lines[p->n_lines++];
                int r;

                *l = (Line) { .offset = pos };
                pos = end;

                if (clen > UINT32_MAX)
                        return parse_error(p, p->n_lines - 1, "line too long");
                if (!plain) {
                        r = check_line(p, content, clen);
                        if (r < 0)
                                return r;
                }
                /* Trailing whitespace (a CR of a CRLF file too) is insignificant. */
                while (clen > 0 && strchr(WHITESPACE, content[clen - 1]))
                        clen--;
                content[clen] = 0;
                if (!plain)
                        for (size_t i = 0; i < clen; i++)
                                if (((unsigned char) content[i] < 0x20 && content[i] != '\t') || content[i] == 0x7f)
                                        return parse_error(p, p->n_lines - 1, "invalid control character 0x%02x",
                                                           (unsigned) (unsigned char) content[i]);
                l->word = content + strspn(content, WHITESPACE);
                if (!*l->word)
                        l->word = NULL;
                else {
                        l->word_len = (uint32_t) strcspn(l->word, WHITESPACE);
                        l->rest_len = (uint32_t) (clen - (size_t) (l->word - content));
                        l->keyword = line_is_keyword(l);
                }
        }
        return 0;
}

/* Where line i ends in the text, after its newline. */
static size_t line_end(const Parser *p, size_t i) {
        return i + 1 < p->n_lines ? p->lines[i + 1].offset : p->c->len;
}

static NetBlock *add_block(Parser *p, NetBlockKind kind, size_t first, size_t last) {
        NetConfig *c = p->c;
        NetBlock *b;

        c->blocks = grow(c->blocks, c->n_blocks, &c->allocated_blocks, sizeof(NetBlock));
        b = &c->blocks[c->n_blocks++];
        *b = (NetBlock) {
                .kind = kind,
                .offset = p->lines[first].offset,
                .length = line_end(p, last) - p->lines[first].offset,
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
        StrBuf comments;
        json_t *options;
} Family;

typedef enum OptionKind {
        OPTION_OTHER,         /* kept as a line in "options" / "options6" */
        OPTION_ADDRESS,       /* address, netmask, broadcast, gateway: per family */
        OPTION_SIMPLE,        /* the value as it is */
        OPTION_PORTS,         /* bridge ports and bond slaves: a list */
        OPTION_STP,
        OPTION_VLAN_AWARE,
        OPTION_BOND_MODE,
        OPTION_VXLAN_REMOTEIP,
} OptionKind;

typedef struct Option {
        const char *id;       /* as in the file */
        const char *key;      /* upstream's attribute */
        OptionKind kind;
} Option;

typedef struct Slice {
        const char *s;
        size_t len;
} Slice;

static int compare_option_id(const void *key, const void *option) {
        const Slice *id = key;
        const char *o = ((const Option *) option)->id;
        int r = strncmp(id->s, o, id->len);

        return r != 0 ? r : o[id->len] ? -1 : 0;
}

/* The options upstream's reader knows, under their names in the file (aliases included). */
static const Option *option_find(const char *line) {
        static const Option options[] = { /* sorted by id, as strcmp() orders them */
                { "address", "address", OPTION_ADDRESS },
                { "bond-miimon", "bond_miimon", OPTION_SIMPLE },
                { "bond-mode", "bond_mode", OPTION_BOND_MODE },
                { "bond-primary", "bond-primary", OPTION_SIMPLE },
                { "bond-slaves", "slaves", OPTION_PORTS },
                { "bond-xmit-hash-policy", "bond_xmit_hash_policy", OPTION_SIMPLE },
                { "bond_miimon", "bond_miimon", OPTION_SIMPLE },
                { "bond_mode", "bond_mode", OPTION_BOND_MODE },
                { "bond_slaves", "slaves", OPTION_PORTS },
                { "bond_xmit_hash_policy", "bond_xmit_hash_policy", OPTION_SIMPLE },
                { "bridge-access", "bridge-access", OPTION_SIMPLE },
                { "bridge-arp-nd-suppress", "bridge-arp-nd-suppress", OPTION_SIMPLE },
                { "bridge-disable-mac-learning", "bridge-disable-mac-learning", OPTION_SIMPLE },
                { "bridge-fd", "bridge_fd", OPTION_SIMPLE },
                { "bridge-learning", "bridge-learning", OPTION_SIMPLE },
                { "bridge-multicast-flood", "bridge-multicast-flood", OPTION_SIMPLE },
                { "bridge-ports", "bridge_ports", OPTION_PORTS },
                { "bridge-stp", "bridge_stp", OPTION_STP },
                { "bridge-unicast-flood", "bridge-unicast-flood", OPTION_SIMPLE },
                { "bridge-vids", "bridge_vids", OPTION_SIMPLE },
                { "bridge-vlan-aware", "bridge_vlan_aware", OPTION_VLAN_AWARE },
                { "bridge_fd", "bridge_fd", OPTION_SIMPLE },
                { "bridge_ports", "bridge_ports", OPTION_PORTS },
                { "bridge_stp", "bridge_stp", OPTION_STP },
                { "bridge_vids", "bridge_vids", OPTION_SIMPLE },
                { "bridge_vlan_aware", "bridge_vlan_aware", OPTION_VLAN_AWARE },
                { "broadcast", "broadcast", OPTION_ADDRESS },
                { "gateway", "gateway", OPTION_ADDRESS },
                { "link-type", "link-type", OPTION_SIMPLE },
                { "mtu", "mtu", OPTION_SIMPLE },
                { "netmask", "netmask", OPTION_ADDRESS },
                { "ovs_bonds", "ovs_bonds", OPTION_SIMPLE },
                { "ovs_bridge", "ovs_bridge", OPTION_SIMPLE },
                { "ovs_mtu", "mtu", OPTION_SIMPLE },
                { "ovs_options", "ovs_options", OPTION_SIMPLE },
                { "ovs_ports", "ovs_ports", OPTION_SIMPLE },
                { "ovs_type", "ovs_type", OPTION_SIMPLE },
                { "slaves", "slaves", OPTION_PORTS },
                { "uplink-id", "uplink-id", OPTION_SIMPLE },
                { "vlan-id", "vlan-id", OPTION_SIMPLE },
                { "vlan-protocol", "vlan-protocol", OPTION_SIMPLE },
                { "vlan-raw-device", "vlan-raw-device", OPTION_SIMPLE },
                { "vxlan-id", "vxlan-id", OPTION_SIMPLE },
                { "vxlan-local-tunnelip", "vxlan-local-tunnelip", OPTION_SIMPLE },
                { "vxlan-physdev", "vxlan-physdev", OPTION_SIMPLE },
                { "vxlan-remoteip", "vxlan-remoteip", OPTION_VXLAN_REMOTEIP },
                { "vxlan-svcnodeip", "vxlan-svcnodeip", OPTION_SIMPLE },
        };

        Slice id = { line, strcspn(line, WHITESPACE) };

        return bsearch(&id, options, ELEMENTSOF(options), sizeof(Option), compare_option_id);
}

/* bridge_ports / slaves: space separated, "none" means an empty list, duplicates dropped. */
static void add_ports(Parser *p, NetIface *d, const char *key, const char *value) {
        const char *old = net_attr_str(d, key);
        _cleanup_strbuf_ StrBuf ports = STRBUF_INIT;

        /* The old value is a list this function made: single spaces. */
        strbuf_adds(&ports, strempty(old));
        for (;;) {
                size_t len;
                bool dup = false;

                value += strspn(value, WHITESPACE);
                len = strcspn(value, WHITESPACE);
                if (len == 0)
                        break;
                for (const char *q = ports.buf; *q && !dup; q += strcspn(q, " "), q += *q == ' ')
                        dup = strneq(q, value, len) && (q[len] == ' ' || q[len] == 0);
                if (!dup && !(len == 4 && strneq(value, "none", 4))) {
                        if (ports.len > 0)
                                strbuf_addc(&ports, ' ');
                        strbuf_add(&ports, value, len);
                }
                value += len;
        }
        set_strn(p, d, key, ports.buf, ports.len);
}

static void add_address_key(Parser *p, NetIface *d, const char *key, const char *value, size_t len) {
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
        set_strn(p, d, key, value, len);
}

/* One logical option line (len bytes, NUL-terminated). */
static void apply_option(Parser *p, NetIface *d, Family *f, const char *line, size_t len) {
        const Option *o = option_find(line);
        const char *value = line + strcspn(line, WHITESPACE);
        size_t value_len;

        value += strspn(value, WHITESPACE);
        value_len = len - (size_t) (value - line);

        switch (o ? o->kind : OPTION_OTHER) {
        case OPTION_ADDRESS: {
                char key[STRLEN("broadcast6") + 1];
                const char *suffix = f->suffix;

                if (!suffix)
                        suffix = !streq(o->key, "netmask") && memchr(value, ':', value_len) ? "6" : "";
                stpcpy(stpcpy(key, o->key), suffix);
                add_address_key(p, d, key, value, value_len);
                break;
        }
        case OPTION_SIMPLE:
                set_strn(p, d, o->key, value, value_len);
                break;
        case OPTION_PORTS:
                add_ports(p, d, o->key, value);
                break;
        case OPTION_STP:
                set_str(p, d, o->key, strcasecmp(value, "on") == 0 || strcasecmp(value, "yes") == 0 ? "on" : "off");
                break;
        case OPTION_VLAN_AWARE: {
                bool b;

                /* Upstream takes any value for "yes"; "no" means no here. */
                if (parse_bool(value, &b) < 0 || b)
                        set_int(p, d, o->key, true);
                else
                        json_object_del(d->attrs, o->key);
                break;
        }
        case OPTION_BOND_MODE: {
                int n;

                if (parse_int(value, 0, 6, &n) >= 0)
                        set_str(p, d, o->key, net_bond_modes[n]);
                else
                        set_strn(p, d, o->key, value, value_len);
                break;
        }
        case OPTION_VXLAN_REMOTEIP: {
                json_t *a = json_object_get(d->attrs, o->key);

                if (!a) {
                        a = json_array();
                        json_object_set_new_nocheck(d->attrs, o->key, a);
                }
                json_array_append_new(a, string_value(p, value, value_len));
                break;
        }
        case OPTION_OTHER: {
                json_t *target = f->suffix ? f->options : json_object_get(d->attrs, "options");

                if (!target) {
                        target = json_array();
                        if (f->suffix)
                                f->options = target;
                        else
                                json_object_set_new_nocheck(d->attrs, "options", target);
                }
                json_array_append_new(target, string_value(p, line, len));
                break;
        }
        }
}

/*
 * A logical option line: "\" at the end of a line continues it on the next.
 * Returns its last line; *ret points into the parser's text or into buf.
 */
static size_t logical_line(Parser *p, size_t i, size_t end, StrBuf *buf, const char **ret, size_t *ret_len) {
        if (!line_continues(&p->lines[i]) || i + 1 >= end) {
                *ret = p->lines[i].word;
                *ret_len = p->lines[i].rest_len;
                return i;
        }
        strbuf_reset(buf);
        for (;;) {
                const Line *l = &p->lines[i];
                const char *s = l->word;
                size_t n = s ? l->rest_len : 0;

                if (n > 0 && s[n - 1] == '\\' && i + 1 < end) {
                        strbuf_add(buf, s, n - 1);
                        strbuf_rtrim(buf);
                        strbuf_addc(buf, ' ');
                        i++;
                        continue;
                }
                strbuf_add(buf, s, n);
                *ret = buf->buf;
                *ret_len = buf->len;
                return i;
        }
}

static unsigned family_bit(const char *family) {
        return !family ? 1 : streq(family, "inet") ? 2 : 4;
}

static json_t *family_value(Parser *p, const char *family) {
        return family ? string_value(p, family, strlen(family)) : json_null();
}

/* The "families" list of one family, shared by the interfaces that have just that one. */
static json_t *single_family(Parser *p, const char *family) {
        json_t **f = &p->families[__builtin_ctz(family_bit(family))];

        if (!*f) {
                *f = json_array();
                json_array_append_new(*f, family_value(p, family));
        }
        return *f;
}

static void family_done(Family *f) {
        strbuf_release(&f->comments);
        json_decref(f->options);
}

/*
 * Parses the stanza whose header is line first; lines first+1 .. end-1 are
 * its body (up to the next keyword). Returns the index after the stanza's own
 * lines (options, the comments right after them, then blank lines).
 */
static int parse_stanza(Parser *p, size_t first, size_t end, const char *name, size_t name_len, const char *family,
                        const char *method, size_t method_len, size_t *ret_next) {
        _cleanup_strbuf_ StrBuf logical = STRBUF_INIT;
        _cleanup_(family_done) Family f = {
                .name = family,
                .suffix = !family ? NULL : streq(family, "inet6") ? "6" : "",
                .comments = STRBUF_INIT,
        };
        NetIface *d = iface_get(p, name, name_len);
        size_t last = first, own;
        json_t *families;
        NetBlock *b;

        if (d->stanzas & family_bit(family))
                return parse_error(p, first, "second stanza 'iface %s%s%s' for the same interface", d->name,
                                   family ? " " : "", strempty(family));
        d->stanzas |= family_bit(family);

        if (!json_object_get(d->attrs, "priority"))
                json_object_set_new_nocheck(d->attrs, "priority", json_integer(p->priority++));
        families = json_object_get(d->attrs, "families");
        if (families) {
                /* A second stanza: a list of its own (the first one may be shared). */
                families = json_copy(families);
                json_array_append_new(families, family_value(p, family));
                json_object_set_new_nocheck(d->attrs, "families", families);
        } else
                json_object_set_nocheck(d->attrs, "families", single_family(p, family));

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
                const char *option;
                size_t len;

                if (!l->word)
                        continue;
                if (line_is_comment(l)) {
                        strbuf_add(&f.comments, l->word + 1, l->rest_len - 1);
                        strbuf_addc(&f.comments, '\n');
                        continue;
                }
                i = logical_line(p, i, last + 1, &logical, &option, &len);
                if (!strpbrk(option, WHITESPACE))
                        return parse_error(p, i, "iface %s: option '%s' without value", d->name, option);
                apply_option(p, d, &f, option, len);
        }

        if (f.suffix) {
                bool v6 = *f.suffix;

                set_strn(p, d, v6 ? "method6" : "method", method, method_len);
                if (f.comments.len > 0)
                        set_strn(p, d, v6 ? "comments6" : "comments", f.comments.buf, f.comments.len);
                if (f.options)
                        json_object_set_nocheck(d->attrs, v6 ? "options6" : "options", f.options);
        } else if (f.comments.len > 0) {
                _cleanup_free_ char *all = xasprintf("%s%s", strempty(net_attr_str(d, "comments")), f.comments.buf);

                set_str(p, d, "comments", all);
        }

        own = last + 1;
        while (own < end && !p->lines[own].word)
                own++;
        b = add_block(p, NET_BLOCK_STANZA, first, own - 1);
        b->iface = xstrdup(d->name);
        b->trailing = line_end(p, own - 1) - line_end(p, last);
        *ret_next = own;
        return 0;
}

/* "auto NAME..." / "allow-CLASS NAME...": one block naming interfaces. */
static int parse_auto(Parser *p, size_t i) {
        const Line *l = &p->lines[i];
        size_t n = split_words(l->word, NULL, NULL, 0), k = 0;
        NetBlock *b;

        if (n < 2)
                return parse_error(p, i, "'%s' without interface names", l->word);
        b = add_block(p, NET_BLOCK_AUTO, i, i);
        b->keyword = xstrndup(l->word, l->word_len);
        b->names = new0(char *, n);
        for (const char *s = l->word + l->word_len; k < n - 1; k++) {
                size_t len;

                s += strspn(s, WHITESPACE);
                len = strcspn(s, WHITESPACE);
                b->names[k] = xstrndup(s, len);
                s += len;
        }
        if (net_auto_keyword_starts(b->keyword))
                STRV_FOREACH(name, b->names)
                        set_int(p, iface_get(p, *name, strlen(*name)), "autostart", true);
        else
                p->priority++; /* upstream keeps other allow- lines as raw lines */
        return 0;
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
                if (!l->keyword) {
                        r = parse_error(p, i, "unexpected line '%s' outside of an interface stanza", l->word);
                        break;
                }

                /* The lines up to the next keyword belong to this item. */
                for (end = i + 1; end < p->n_lines && !p->lines[end].keyword; end++)
                        ;

                if (WORD_IS(l, "auto") || startswith(l->word, "allow-")) {
                        r = parse_auto(p, i);
                        end = i + 1;
                } else if (WORD_IS(l, "iface")) {
                        /* "iface NAME" or "iface NAME inet|inet6 METHOD" */
                        const char *w[4];
                        size_t wl[4], n = split_words(l->word, w, wl, ELEMENTSOF(w));
                        const char *family = n != 4 ? NULL
                                             : wl[2] == 4 && strneq(w[2], "inet", 4)  ? "inet"
                                             : wl[2] == 5 && strneq(w[2], "inet6", 5) ? "inet6"
                                                                                      : NULL;

                        if (n == 1) {
                                r = parse_error(p, i, "'iface' without interface name");
                                break;
                        }
                        if (n == 2 || family) {
                                r = parse_stanza(p, i, end, w[1], wl[1], family, family ? w[3] : NULL,
                                                 family ? wl[3] : 0, &i);
                                if (r < 0)
                                        break;
                        } else
                                /* "iface X inet static inherits Y", "iface X ipx ...": kept as it is. */
                                p->priority++;
                        for (size_t k = i; k < end; k++)
                                add_text_line(p, k);
                } else if (WORD_IS(l, "mapping") || WORD_IS(l, "vlan")) {
                        p->priority++;
                        for (size_t k = i; k < end; k++)
                                add_text_line(p, k);
                } else {
                        /* source, source-directory, no-auto-down, ...: one line, kept. */
                        if (l->word_len == l->rest_len) {
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

static void set_exists_from_parent(Parser *p, NetIface *d, const char *parent, size_t len) {
        NetIface *pi = iface_find(p, parent, len);
        json_t *e = pi ? json_object_get(pi->attrs, "exists") : NULL;

        json_object_set_nocheck(d->attrs, "exists", e ?: p->zero);
}

/* Upstream's ovs_options handling: "k=v k2=v2"; removes key and returns its value. */
static char *extract_ovs_option(Parser *p, NetIface *d, const char *key) {
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
                set_str(p, d, "ovs_options", joined);
        return value;
}

static void extract_ovs_tag(Parser *p, NetIface *d) {
        _cleanup_free_ char *tag = extract_ovs_option(p, d, "tag");

        if (tag)
                set_str(p, d, "ovs_tag", tag);
}

/* The digits after the last c in name, when there is something before it: where an alias or VLAN id starts. */
static const char *number_suffix(const char *name, char c) {
        const char *sep = strrchr(name, c);

        return sep && sep > name && all_digits(sep + 1) ? sep + 1 : NULL;
}

static void detect_type(Parser *p, NetIface *d) {
        const char *name = d->name, *ovs_type = net_attr_str(d, "ovs_type"), *id;
        const NetDev *dev = netdev_list_find(&p->c->devs, name);
        const char *type = "unknown";

        if (json_object_get(d->attrs, "bridge_ports")) {
                type = "bridge";
                if (!json_object_get(d->attrs, "bridge_stp"))
                        set_str(p, d, "bridge_stp", "off");
                if (!json_object_get(d->attrs, "bridge_fd") && streq(net_attr_str(d, "bridge_stp"), "off"))
                        set_int(p, d, "bridge_fd", false);
        } else if (streq_ptr(ovs_type, "OVSBridge"))
                type = "OVSBridge";
        else if (startswith(name, "bond") && all_digits(name + 4)) {
                if (!ovs_type)
                        type = "bond";
                else if (streq(ovs_type, "OVSBond")) {
                        _cleanup_free_ char *mode = extract_ovs_option(p, d, "bond_mode"),
                                            *lacp = extract_ovs_option(p, d, "lacp");

                        type = "OVSBond";
                        if (mode && streq_ptr(lacp, "active") && streq(mode, "balance-slb"))
                                set_str(p, d, "bond_mode", "lacp-balance-slb");
                        else if (mode && streq(mode, "balance-tcp"))
                                set_str(p, d, "bond_mode", "lacp-balance-tcp");
                        else if (mode)
                                set_str(p, d, "bond_mode", mode);
                        else
                                json_object_del(d->attrs, "bond_mode");
                        extract_ovs_tag(p, d);
                }
        } else if ((id = number_suffix(name, ':'))) {
                type = "alias";
                set_exists_from_parent(p, d, name, (size_t) (id - 1 - name));
        } else if ((id = number_suffix(name, '.')) && !strpbrk(name, WHITESPACE)) {
                const char *raw;

                type = "vlan";
                if (!net_attr_true(d, "vlan-raw-device"))
                        set_strn(p, d, "vlan-raw-device", name, (size_t) (id - 1 - name));
                if (strspn(id, "0") != strlen(id)) /* VLAN id 0 is not valid */
                        set_str(p, d, "vlan-id", id);
                raw = net_attr_str(d, "vlan-raw-device");
                set_exists_from_parent(p, d, raw, strlen(raw));
        } else if (net_attr_true(d, "vlan-raw-device")) {
                const char *raw = net_attr_str(d, "vlan-raw-device");

                type = "vlan";
                if ((id = startswith(name, "vlan")) && all_digits(id) && strspn(id, "0") != strlen(id))
                        set_str(p, d, "vlan-id", id);
                set_exists_from_parent(p, d, raw, strlen(raw));
        } else if ((dev && netdev_is_physical(dev)) || netdev_name_is_physical(name)) {
                if (!ovs_type)
                        type = "eth";
                else if (streq(ovs_type, "OVSPort")) {
                        type = "OVSPort";
                        extract_ovs_tag(p, d);
                }
        } else if (streq(name, "lo"))
                type = "loopback";
        else if (net_attr_true(d, "vxlan-id"))
                type = "vxlan";
        else if (ovs_type) {
                if (streq(ovs_type, "OVSIntPort")) {
                        type = "OVSIntPort";
                        extract_ovs_tag(p, d);
                }
        } else if (streq_ptr(net_attr_str(d, "link-type"), "dummy"))
                type = "dummy";

        set_str(p, d, "type", type);
}

/* address + netmask -> cidr, as upstream maps them (the mask becomes a prefix length). */
static void map_cidr(Parser *p, NetIface *d, bool v6) {
        const char *ak = v6 ? "address6" : "address", *nk = v6 ? "netmask6" : "netmask", *ck = v6 ? "cidr6" : "cidr";
        json_t *address = json_object_get(d->attrs, ak);
        const char *addr = json_string_value(address), *mask, *slash;
        _cleanup_free_ char *cidr = NULL;

        if (!value_true(address))
                return;
        mask = net_attr_str(d, nk);
        slash = strrchr(addr, '/');
        if (slash && all_digits(slash + 1)) {
                /* The cidr is the address as written (kept alive by it); the address loses the prefix length. */
                json_object_set_nocheck(d->attrs, ck, address);
                set_strn(p, d, ak, addr, (size_t) (slash - addr));
                set_str(p, d, nk, slash + 1);
                return;
        }
        if (mask && *mask && all_digits(mask))
                cidr = xasprintf("%s/%s", addr, mask);
        else if (mask && net_netmask_bits(mask) > 0) {
                cidr = xasprintf("%s/%d", addr, net_netmask_bits(mask));
                if (!v6)
                        json_object_set_new_nocheck(d->attrs, nk, json_sprintf("%d", net_netmask_bits(mask)));
        }
        if (!cidr)
                cidr = xasprintf("%s/%s", addr, v6 ? "128" : "32");
        set_str(p, d, ck, cidr);
}

static void finish_iface(Parser *p, NetIface *d) {
        const char *c6;

        detect_type(p, d);
        map_cidr(p, d, false);
        map_cidr(p, d, true);
        if (!json_object_get(d->attrs, "method"))
                set_str(p, d, "method", "manual");
        if (!json_object_get(d->attrs, "method6"))
                set_str(p, d, "method6", "manual");
        if ((c6 = net_attr_str(d, "comments6"))) {
                _cleanup_free_ char *all = xasprintf("%s%s", strempty(net_attr_str(d, "comments")), c6);

                set_str(p, d, "comments", all);
                json_object_del(d->attrs, "comments6");
        }
        if (!json_object_get(d->attrs, "families"))
                json_object_set_nocheck(d->attrs, "families", single_family(p, "inet"));
}

static void finish(Parser *p) {
        NetConfig *c = p->c;

        /* Physical NICs exist, configured or not (if their names can be written into the file at all). */
        for (size_t i = 0; i < c->devs.n; i++) {
                const char *name = c->devs.devs[i].name;

                if (netdev_is_physical(&c->devs.devs[i]) && *name && !has_control_chars(name, strlen(name)) &&
                    !strpbrk(name, WHITESPACE) && utf8_is_valid(name, strlen(name)))
                        set_int(p, iface_get(p, name, strlen(name)), "exists", true);
        }

        for (size_t i = 0; i < c->n_ifaces; i++) {
                const NetDev *dev = netdev_list_find(&c->devs, c->ifaces[i]->name);

                if (dev && netdev_is_up(dev))
                        set_int(p, c->ifaces[i], "active", true);
        }

        if (!iface_find(p, "lo", STRLEN("lo"))) {
                NetIface *lo = iface_get(p, "lo", STRLEN("lo"));

                json_object_set_new_nocheck(lo->attrs, "priority", json_integer(1));
                set_str(p, lo, "method", "loopback");
                set_str(p, lo, "type", "loopback");
                set_int(p, lo, "autostart", true);
        }

        /* From here on in name order, as the model keeps them (a VLAN's "exists" comes from its parent's). */
        qsort(c->ifaces, c->n_ifaces, sizeof(NetIface *), compare_ifaces);
        for (size_t i = 0; i < c->n_ifaces; i++)
                finish_iface(p, c->ifaces[i]);

        /* An interface started only by "allow-hotplug" keeps that keyword when rewritten. */
        for (size_t b = 0; b < c->n_blocks; b++)
                if (c->blocks[b].kind == NET_BLOCK_AUTO && streq(c->blocks[b].keyword, "allow-hotplug"))
                        STRV_FOREACH(name, c->blocks[b].names)
                                iface_find(p, *name, strlen(*name))->hotplug = true;
        for (size_t b = 0; b < c->n_blocks; b++)
                if (c->blocks[b].kind == NET_BLOCK_AUTO && net_auto_keyword_starts(c->blocks[b].keyword) &&
                    !streq(c->blocks[b].keyword, "allow-hotplug"))
                        STRV_FOREACH(name, c->blocks[b].names)
                                iface_find(p, *name, strlen(*name))->hotplug = false;
}

int net_config_parse(const char *filename, const char *text, size_t len, const NetDevList *devs, NetConfig **ret,
                     char **reterr) {
        _cleanup_(net_config_freep) NetConfig *c = new0(NetConfig, 1);
        _cleanup_(parser_done) Parser p = { .c = c, .priority = 2 };
        int r;

        c->filename = xstrdup(filename);
        c->text = xmalloc(len + 1);
        memcpy(c->text, text, len);
        c->text[len] = 0;
        c->len = len;
        if (devs)
                netdev_list_copy(&c->devs, devs);
        p.zero = json_integer(0);
        p.one = json_integer(1);

        r = split_lines(&p);
        if (r >= 0)
                r = parse_blocks(&p);
        parser_lines_done(&p);
        if (r < 0) {
                *reterr = TAKE_PTR(p.error);
                return r;
        }
        finish(&p);
        *ret = TAKE_PTR(c);
        return 0;
}
