/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <arpa/inet.h>
#include <netdb.h>
#include <string.h>
#include <strings.h>

#include "basic/alloc.h"
#include "basic/cursor.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "certs/nodeaddr.h"

#define ETC_FILE_MAX (1024 * 1024)

char *resolv_conf_search_domain(const char *text) {
        Cursor c = CURSOR_INIT(text, strlen(text));
        _cleanup_free_ char *line = NULL, *found = NULL;

        while (cursor_read_line_dup(&c, &line)) {
                const char *rest = startswith(line, "search") ?: startswith(line, "domain");
                size_t n;

                /* The keyword must be followed by whitespace and a domain. */
                if (!rest || !strchr(" \t", *rest))
                        continue;
                rest = skip_blanks(rest);
                n = strcspn(rest, " \t\r");
                if (n == 0)
                        continue;
                free(found);
                found = xstrndup(rest, n);
        }
        return TAKE_PTR(found);
}

static bool is_loopback(const char *addr) {
        return startswith(addr, "127.") || streq(addr, "::1");
}

char *hosts_lookup(const char *text, const char *name) {
        Cursor c = CURSOR_INIT(text, strlen(text));
        _cleanup_free_ char *line = NULL;

        while (cursor_read_line_dup(&c, &line)) {
                _cleanup_strv_free_ char **fields = NULL;
                char *hash = strchr(line, '#');
                unsigned char buf[16];

                if (hash)
                        *hash = 0;
                fields = strv_split(line, " \t\r");
                if (strv_length(fields) < 2 || is_loopback(fields[0]))
                        continue;
                if (inet_pton(AF_INET, fields[0], buf) != 1 && inet_pton(AF_INET6, fields[0], buf) != 1)
                        continue;
                for (char **f = fields + 1; *f; f++)
                        if (strcasecmp(*f, name) == 0)
                                return xstrdup(fields[0]);
        }
        return NULL;
}

static char *read_etc(const char *path) {
        _cleanup_free_ char *p = root_path(path);
        char *text = NULL;

        if (read_full_file(p, ETC_FILE_MAX, &text, NULL) < 0)
                return NULL;
        return text;
}

char *node_fqdn(const char *node) {
        _cleanup_free_ char *text = read_etc("/etc/resolv.conf"), *domain = NULL;

        domain = text ? resolv_conf_search_domain(text) : NULL;
        return domain ? xasprintf("%s.%s", node, domain) : xstrdup(node);
}

static char *resolve_address(const char *node) {
        struct addrinfo *ai = NULL, hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_ADDRCONFIG };
        char *found = NULL;

        if (getaddrinfo(node, NULL, &hints, &ai) != 0)
                return NULL;
        for (struct addrinfo *a = ai; a && !found; a = a->ai_next) {
                char buf[INET6_ADDRSTRLEN];
                const void *addr = a->ai_family == AF_INET ? (const void *) &((struct sockaddr_in *) a->ai_addr)->sin_addr
                                                            : (const void *) &((struct sockaddr_in6 *) a->ai_addr)->sin6_addr;

                if (!inet_ntop(a->ai_family, addr, buf, sizeof(buf)) || is_loopback(buf))
                        continue;
                found = xstrdup(buf);
        }
        freeaddrinfo(ai);
        return found;
}

char *node_address(const char *node) {
        _cleanup_free_ char *hosts = read_etc("/etc/hosts");
        char *addr = hosts ? hosts_lookup(hosts, node) : NULL;

        /* A sandbox answers from its own files only; the real root may also ask DNS. */
        if (!addr && !root_is_sandbox())
                addr = resolve_address(node);
        return addr;
}
