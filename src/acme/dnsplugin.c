/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>

#include "acme/dnsapi-wrapper.h"
#include "acme/dnsplugin.h"
#include "acme/plugins.h"
#include "basic/alloc.h"
#include "basic/parse.h"
#include "basic/spawn.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"

static usec_t plugin_timeout(void) {
        const char *e = getenv("PVE_ACME_DNS_TIMEOUT");
        uint64_t secs;

        if (e && parse_uint64(e, 24 * 60 * 60, &secs) >= 0 && secs > 0)
                return secs * USEC_PER_SEC;
        return ACME_DNS_DEFAULT_TIMEOUT;
}

int dns_plugin_run(DnsPluginAction action, const char *api, const char *domain, const char *txt_value,
                   const char *data, char **reterr) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;
        _cleanup_strbuf_ StrBuf input = STRBUF_INIT;
        _cleanup_free_ char *dir = acme_dnsapi_dir();
        const char *verb = action == DNS_PLUGIN_SETUP ? "setup" : "teardown";
        SpawnOptions o = {
                .argv = STRV_MAKE("bash", "-c", dnsapi_wrapper, "proxmox-acme", verb, api, domain, dir),
                .env = STRV_MAKE("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                 "HOME=/nonexistent", "LC_ALL=C.UTF-8"),
                .cwd = "/",
                .timeout = plugin_timeout(),
        };
        char buf[64];
        int r;

        if (!acme_dnsapi_exists(api)) {
                *reterr = xasprintf("DNS API '%s' not found (no dns_%s.sh in '%s')", api, api, dir);
                return -ENOENT;
        }
        /* The scripts come from third parties: never run them as root (as upstream). */
        if (geteuid() == 0) {
                const struct passwd *pw = getpwnam("nobody");
                const struct group *gr = getgrnam("nogroup");

                if (!pw || !gr) {
                        *reterr = xstrdup("user 'nobody' or group 'nogroup' missing, refusing to run DNS plugin as root");
                        return -ESRCH;
                }
                o.drop_privileges = true;
                o.uid = pw->pw_uid;
                o.gid = gr->gr_gid;
        }
        strbuf_addf(&input, "%s\n", txt_value);
        if (data) {
                strbuf_adds(&input, data);
                if (!strbuf_endswith_char(&input, '\n'))
                        strbuf_addc(&input, '\n');
        }
        o.stdin_data = input.buf;
        o.stdin_len = input.len;

        r = spawn_run(&o, &res);
        if (r < 0) {
                *reterr = xasprintf("unable to run DNS plugin '%s': %s", api, strerror(-r));
                return r;
        }
        if (res.timed_out) {
                *reterr = xasprintf("DNS plugin '%s' %s for '_acme-challenge.%s' timed out after %llu seconds", api,
                                    verb, domain, (unsigned long long) (o.timeout / USEC_PER_SEC));
                return -ETIMEDOUT;
        }
        if (res.exit_status != 0) {
                *reterr = xasprintf("DNS plugin '%s' %s for '_acme-challenge.%s' failed: %s", api, verb, domain,
                                    spawn_describe(&res, buf, sizeof(buf)));
                return -EIO;
        }
        return 0;
}
