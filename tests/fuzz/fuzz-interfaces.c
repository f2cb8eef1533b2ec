/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * /etc/network/interfaces: parsing never crashes; what the writer produces
 * parses again and writes back unchanged. The first bytes up to a NUL, when
 * present, name physical NICs ("eth0 eno1"), so discovered-NIC handling is
 * covered too.
 */

#include <assert.h>

#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/strv.h"
#include "fuzz.h"
#include "net/interfaces.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(net_config_freep) NetConfig *c = NULL, *c2 = NULL;
        _cleanup_(netdev_list_done) NetDevList devs = {};
        _cleanup_free_ char *err = NULL, *out = NULL, *out2 = NULL;
        const uint8_t *nul = memchr(data, 0, MIN(size, (size_t) 64));
        int ifindex = 1;

        json_setup_allocator();
        if (nul) {
                _cleanup_free_ char *names = xstrndup((const char *) data, (size_t) (nul - data));
                _cleanup_strv_free_ char **l = strv_split(names, " ");

                STRV_FOREACH(n, l)
                        netdev_list_add(&devs, &(NetDev) { .name = *n, .ifindex = ifindex++, .type = 1,
                                                           .has_device = true, .flags = 1 });
                size -= (size_t) (nul - data) + 1;
                data = nul + 1;
        }

        if (net_config_parse("interfaces", (const char *) data, size, &devs, &c, &err) < 0)
                return 0;
        if (net_config_format(c, &out, &err) < 0)
                return 0;
        if (net_config_parse("interfaces", out, strlen(out), &devs, &c2, &err) < 0) {
                fprintf(stderr, "reparse failed: %s\n--- output ---\n%s", err, out);
                abort();
        }
        if (net_config_format(c2, &out2, &err) < 0) {
                fprintf(stderr, "rewrite failed: %s\n--- output ---\n%s", err, out);
                abort();
        }
        if (!streq(out, out2)) {
                fprintf(stderr, "--- first ---\n%s--- second ---\n%s", out, out2);
                abort();
        }
        return 0;
}
