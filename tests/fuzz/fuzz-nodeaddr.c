/* SPDX-License-Identifier: AGPL-3.0-or-later */

/* /etc/hosts and /etc/resolv.conf readers: no crash; an address found is a valid address. */

#include <arpa/inet.h>
#include <assert.h>

#include "basic/alloc.h"
#include "certs/nodeaddr.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = xstrndup((const char *) data, size);
        _cleanup_free_ char *domain = resolv_conf_search_domain(text), *addr = hosts_lookup(text, "pve1");
        unsigned char buf[16];

        if (domain)
                assert(*domain && !strpbrk(domain, " \t\n"));
        if (addr)
                assert(inet_pton(AF_INET, addr, buf) == 1 || inet_pton(AF_INET6, addr, buf) == 1);
        return 0;
}
