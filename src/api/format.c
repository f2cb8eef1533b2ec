/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <regex.h>

#include "api/format.h"
#include "api/json-util.h"
#include "api/propstr.h"
#include "basic/alloc.h"
#include "basic/errmsg.h"
#include "basic/parse.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"

extern const ApiFormatTable __start_pvehost_api_formats[];
extern const ApiFormatTable __stop_pvehost_api_formats[];

/*
 * Upstream's patterns are Perl regexes; POSIX ERE lacks Perl's \d \s \w
 * classes and takes a backslash inside brackets literally. Translates
 * those, so patterns can be copied from upstream verbatim.
 */
static char *perl_classes_to_ere(const char *p) {
        StrBuf out = STRBUF_INIT;
        bool bracket = false;

        for (; *p; p++) {
                const char *cls = NULL;

                if (*p == '[' && !bracket) {
                        bracket = true;
                        strbuf_addc(&out, '[');
                        /* A leading '^' and a ']' right after the opening bracket are part of it. */
                        if (p[1] == '^')
                                strbuf_addc(&out, *++p);
                        if (p[1] == ']')
                                strbuf_addc(&out, *++p);
                        continue;
                }
                if (*p == ']' && bracket) {
                        bracket = false;
                        strbuf_addc(&out, ']');
                        continue;
                }
                if (*p == '[' && bracket && p[1] == ':') {
                        /* [:class:] inside a bracket expression */
                        const char *e = strstr(p + 2, ":]");
                        size_t n = e ? (size_t) (e + 2 - p) : 1;

                        strbuf_add(&out, p, n);
                        p += n - 1;
                        continue;
                }
                if (*p != '\\' || !p[1]) {
                        strbuf_addc(&out, *p);
                        continue;
                }
                p++;
                switch (*p) {
                case 'd':
                        cls = bracket ? "0-9" : "[0-9]";
                        break;
                case 's':
                        cls = bracket ? "[:space:]" : "[[:space:]]";
                        break;
                case 'w':
                        cls = bracket ? "[:alnum:]_" : "[[:alnum:]_]";
                        break;
                case 'D':
                        cls = bracket ? NULL : "[^0-9]";
                        break;
                case 'S':
                        cls = bracket ? NULL : "[^[:space:]]";
                        break;
                case 'W':
                        cls = bracket ? NULL : "[^[:alnum:]_]";
                        break;
                }
                if (cls)
                        strbuf_adds(&out, cls);
                else if (bracket)
                        strbuf_addc(&out, *p); /* "[\.-]": the escaped character itself */
                else {
                        strbuf_addc(&out, '\\');
                        strbuf_addc(&out, *p);
                }
        }
        return strbuf_detach(&out, NULL);
}

/*
 * Compiled patterns, keyed by the pattern text: schemas and formats use a
 * handful of static patterns, and compiling one costs far more than
 * matching it.
 */
typedef struct RegexCacheEntry {
        char *pattern;
        bool icase;
        regex_t re;
        bool valid;
} RegexCacheEntry;

static pthread_mutex_t regex_cache_lock = PTHREAD_MUTEX_INITIALIZER;
static RegexCacheEntry *regex_cache;
static size_t regex_cache_n;

static RegexCacheEntry *regex_lookup(const char *pattern, bool icase) {
        _cleanup_free_ char *anchored = NULL, *ere = NULL;
        RegexCacheEntry *e;

        for (size_t i = 0; i < regex_cache_n; i++)
                if (regex_cache[i].icase == icase && streq(regex_cache[i].pattern, pattern))
                        return &regex_cache[i];

        regex_cache = xreallocarray(regex_cache, regex_cache_n + 1, sizeof(RegexCacheEntry));
        e = &regex_cache[regex_cache_n++];
        *e = (RegexCacheEntry) { .pattern = xstrdup(pattern), .icase = icase };
        ere = perl_classes_to_ere(pattern);
        anchored = xasprintf("^(%s)$", ere);
        e->valid = regcomp(&e->re, anchored, REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0)) == 0;
        return e;
}

bool api_regex_match(const char *pattern, bool icase, const char *s) {
        RegexCacheEntry *e;
        bool match;

        /* regexec() on one compiled pattern is thread-safe; the cache itself is not. */
        pthread_mutex_lock(&regex_cache_lock);
        e = regex_lookup(pattern, icase);
        match = e->valid && regexec(&e->re, s, 0, NULL, 0) == 0;
        pthread_mutex_unlock(&regex_cache_lock);
        return match;
}

bool api_is_ipv4(const char *s) {
        struct in_addr a;

        /* inet_pton() takes exactly four decimal octets and refuses leading zeros, like upstream's regex. */
        return inet_pton(AF_INET, s, &a) == 1;
}

bool api_is_ipv6(const char *s) {
        struct in6_addr a;

        return inet_pton(AF_INET6, s, &a) == 1;
}

bool api_is_ip(const char *s) {
        return api_is_ipv4(s) || api_is_ipv6(s);
}

static bool is_cidr(const char *s, bool v6) {
        _cleanup_free_ char *addr = NULL;
        const char *slash = strrchr(s, '/');
        int prefix;

        if (!slash || !looks_like_integer(slash + 1) || slash[1] == '+' || slash[1] == '-')
                return false;
        addr = xstrndup(s, (size_t) (slash - s));
        if (!(v6 ? api_is_ipv6(addr) : api_is_ipv4(addr)))
                return false;
        if (parse_int(slash + 1, 0, 1000, &prefix) < 0)
                return false;
        return prefix > 7 && prefix <= (v6 ? 128 : 32);
}

bool api_is_cidrv4(const char *s) {
        return is_cidr(s, false);
}

bool api_is_cidrv6(const char *s) {
        return is_cidr(s, true);
}

static bool is_alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_alpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * A DNS label as upstream's formats define it: [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?
 * Returns its length, 0 if s does not start with one.
 */
static size_t dns_label(const char *s) {
        size_t n = 0;

        if (!is_alnum(s[0]))
                return 0;
        while (is_alnum(s[n]) || s[n] == '-')
                n++;
        while (n > 0 && s[n - 1] == '-')
                n--; /* a label does not end in '-' */
        return n;
}

/* [a-f0-9][02468ace](:[a-f0-9]{2}){5}, case-insensitive: the I/G (multicast) bit is clear. */
bool api_is_mac_addr(const char *s) {
        if (strlen(s) != 17)
                return false;
        for (size_t i = 0; i < 17; i++)
                if (i % 3 == 2 ? s[i] != ':' : !is_hex(s[i]))
                        return false;
        return strchr("02468aceACE", s[1]) != NULL;
}

bool api_is_node_name(const char *s) {
        return *s && dns_label(s) == strlen(s);
}

/* [a-z][a-z0-9_-]+, case-insensitive */
bool api_is_configid(const char *s) {
        if (!is_alpha(s[0]) || !s[1])
                return false;
        for (const char *p = s + 1; *p; p++)
                if (!is_alnum(*p) && *p != '_' && *p != '-')
                        return false;
        return true;
}

/* Labels joined by dots. */
bool api_is_dns_name(const char *s) {
        for (;;) {
                size_t n = dns_label(s);

                if (n == 0)
                        return false;
                s += n;
                if (*s == 0)
                        return true;
                if (*s != '.')
                        return false;
                s++;
        }
}

#define EMAIL_USER_ERE "[A-Za-z0-9_+~-]+(\\.[A-Za-z0-9_+~-]+)*"

bool api_is_email(const char *s) {
        return api_regex_match(EMAIL_USER_ERE "@[a-zA-Z0-9-]+(\\.[a-zA-Z0-9-]+)*", false, s);
}

#define SIMPLE_FORMAT(fname, test, msg)                                 \
        static int fname(const char *v, char **reterr) {                \
                return test(v) ? 0 : errmsg_set(reterr, -EINVAL, "%s", msg);           \
        }

SIMPLE_FORMAT(verify_node, api_is_node_name, "value does not look like a valid node name")
SIMPLE_FORMAT(verify_mac, api_is_mac_addr, "value does not look like a valid unicast MAC address")
SIMPLE_FORMAT(verify_ipv4, api_is_ipv4, "value does not look like a valid IPv4 address")
SIMPLE_FORMAT(verify_ipv6, api_is_ipv6, "value does not look like a valid IPv6 address")
SIMPLE_FORMAT(verify_ip, api_is_ip, "value does not look like a valid IP address")
SIMPLE_FORMAT(verify_cidrv4, api_is_cidrv4, "value does not look like a valid IPv4 CIDR network")
SIMPLE_FORMAT(verify_cidrv6, api_is_cidrv6, "value does not look like a valid IPv6 CIDR network")
SIMPLE_FORMAT(verify_email, api_is_email, "value does not look like a valid email address")
SIMPLE_FORMAT(verify_dns_name, api_is_dns_name, "value does not look like a valid DNS name")

static int verify_address(const char *v, char **reterr) {
        return api_is_ip(v) || api_is_dns_name(v) ? 0 : errmsg_set(reterr, -EINVAL, "value does not look like a valid address: %s", v);
}

static int verify_string(const char *v, char **reterr) {
        return 0;
}

static int verify_cidr(const char *v, char **reterr) {
        if (api_is_cidrv4(v) || api_is_cidrv6(v))
                return 0;
        return errmsg_set(reterr, -EINVAL, "value does not look like a valid CIDR network");
}

static int verify_ipv4mask(const char *v, char **reterr) {
        struct in_addr a;
        uint32_t m;

        if (inet_pton(AF_INET, v, &a) == 1) {
                m = ntohl(a.s_addr);
                /* Contiguous ones followed by zeros. */
                if ((m | (m - 1)) == UINT32_MAX || m == 0)
                        return 0;
        }
        return errmsg_set(reterr, -EINVAL, "value does not look like a valid IP netmask");
}

static int verify_ipv4_config(const char *v, char **reterr) {
        if (streq(v, "dhcp") || streq(v, "manual") || api_is_cidrv4(v))
                return 0;
        return errmsg_set(reterr, -EINVAL, "value does not look like a valid ipv4 network configuration");
}

static int verify_ipv6_config(const char *v, char **reterr) {
        if (streq(v, "auto") || streq(v, "dhcp") || streq(v, "manual") || api_is_cidrv6(v))
                return 0;
        return errmsg_set(reterr, -EINVAL, "value does not look like a valid ipv6 network configuration");
}

static int verify_email_or_username(const char *v, char **reterr) {
        if (api_is_email(v) || api_regex_match(EMAIL_USER_ERE, false, v))
                return 0;
        return errmsg_set(reterr, -EINVAL, "value does not look like a valid email address or user name");
}

static int verify_configid(const char *v, char **reterr) {
        return api_is_configid(v) ? 0 : errmsg_set(reterr, -EINVAL, "invalid configuration ID '%s'", v);
}

static int verify_id(const char *v, const char *type, char **reterr) {
        if (strlen(v) < 2)
                return errmsg_set(reterr, -EINVAL, "%s ID '%s' cannot be shorter than 2 characters", type, v);
        if (!api_regex_match("[a-z][a-z0-9._-]*[a-z0-9]", true, v))
                return errmsg_set(reterr, -EINVAL, "%s ID '%s' contains illegal characters", type, v);
        return 0;
}

static int verify_storage_id(const char *v, char **reterr) {
        return verify_id(v, "storage", reterr);
}

static int verify_acme_plugin_id(const char *v, char **reterr) {
        return verify_id(v, "ACME plugin", reterr);
}

static int verify_bridge_id(const char *v, char **reterr) {
        return api_regex_match("[A-Za-z0-9_.-]+", false, v) ? 0 : errmsg_set(reterr, -EINVAL, "invalid bridge ID '%s'", v);
}

static int verify_vmid(const char *v, char **reterr) {
        return api_regex_match("[1-9][0-9]{2,8}", false, v) ? 0
                                                            : errmsg_set(reterr, -EINVAL, "value does not look like a valid VM ID");
}

static int verify_iface(const char *v, char **reterr) {
        return api_regex_match("[a-z][a-z0-9_]{1,20}([:.][0-9]+)?", true, v)
                       ? 0
                       : errmsg_set(reterr, -EINVAL, "invalid network interface name '%s'", v);
}

static int verify_urlencoded(const char *v, char **reterr) {
        return api_regex_match("[-%a-zA-Z0-9_.!~*'()]*", false, v) ? 0
                                                                   : errmsg_set(reterr, -EINVAL, "invalid urlencoded string: %s", v);
}

static int verify_task_status_type(const char *v, char **reterr) {
        return api_regex_match("ok|error|warning|unknown", true, v) ? 0 : errmsg_set(reterr, -EINVAL, "invalid status '%s'", v);
}

static const ApiFormat builtin_formats[] = {
        { "string", verify_string, NULL },
        { "regex", verify_string, NULL },
        { "urlencoded", verify_urlencoded, NULL },
        { "pve-configid", verify_configid, NULL },
        { "pve-storage-id", verify_storage_id, NULL },
        { "pve-bridge-id", verify_bridge_id, NULL },
        { "acme-plugin-id", verify_acme_plugin_id, NULL },
        { "pve-vmid", verify_vmid, NULL },
        { "pve-node", verify_node, NULL },
        { "mac-addr", verify_mac, NULL },
        { "ipv4", verify_ipv4, NULL },
        { "ipv6", verify_ipv6, NULL },
        { "ip", verify_ip, NULL },
        { "ipv4mask", verify_ipv4mask, NULL },
        { "CIDRv4", verify_cidrv4, NULL },
        { "CIDRv6", verify_cidrv6, NULL },
        { "CIDR", verify_cidr, NULL },
        { "pve-ipv4-config", verify_ipv4_config, NULL },
        { "pve-ipv6-config", verify_ipv6_config, NULL },
        { "email", verify_email, NULL },
        { "email-or-username", verify_email_or_username, NULL },
        { "dns-name", verify_dns_name, NULL },
        { "address", verify_address, NULL },
        { "pve-iface", verify_iface, NULL },
        { "pve-task-status-type", verify_task_status_type, NULL },
};

API_REGISTER_FORMATS(builtin_formats);

const ApiFormat *api_format_find(const char *name) {
        for (const ApiFormatTable *t = __start_pvehost_api_formats; t < __stop_pvehost_api_formats; t++)
                for (size_t i = 0; i < t->n_formats; i++)
                        if (streq(t->formats[i].name, name))
                                return &t->formats[i];
        return NULL;
}

char **api_split_list(const char *s) {
        _cleanup_free_ char *copy = xstrdup(strempty(s));

        for (char *p = copy; *p; p++)
                if (*p == ',' || *p == ';')
                        *p = ' ';
        return strv_split(copy, " \t\n\r\f\v");
}

static int check_one(const ApiFormat *f, const char *value, const char *path, char **reterr) {
        if (f->keys) {
                _cleanup_json_ json_t *parsed = NULL;

                return propstr_parse(f->keys, value, path, &parsed, reterr);
        }
        return f->verify(value, reterr);
}

int api_format_check(const char *format, const char *value, const char *path, char **reterr) {
        _cleanup_free_ char *name = xstrdup(format);
        const ApiFormat *f;
        bool list = false, opt = false;
        char *suffix;

        f = api_format_find(name);
        if (!f && (suffix = endswith(name, "-list"))) {
                *suffix = 0;
                list = true;
                f = api_format_find(name);
        } else if (!f && (suffix = endswith(name, "-opt"))) {
                *suffix = 0;
                opt = true;
                f = api_format_find(name);
        }
        if (!f) {
                *reterr = xasprintf("undefined format '%s'", format);
                return -ENOENT;
        }

        if (list) {
                _cleanup_strv_free_ char **items = api_split_list(value);

                STRV_FOREACH(item, items) {
                        int r = check_one(f, *item, path, reterr);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        if (opt && isempty(value))
                return 0;
        return check_one(f, value, path, reterr);
}
