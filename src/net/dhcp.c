/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/spawn.h"
#include "basic/strv.h"
#include "net/dhcp.h"

#define DHCLIENT_TIMEOUT (60 * USEC_PER_SEC)

static int dhclient(const char *iface, bool v6, bool release, char **reterr) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;
        _cleanup_free_ char *pid = root_pathf("/run/dhclient%s.%s.pid", v6 ? "6" : "", iface),
                            *leases = root_pathf("/var/lib/dhcp/dhclient%s.%s.leases", v6 ? "6" : "", iface);
        _cleanup_strv_free_ char **argv = strv_new("dhclient", v6 ? "-6" : "-4", NULL);
        char how[64];
        int r;

        (void) mkdir_parents(pid, 0755);
        (void) mkdir_parents(leases, 0755);
        strv_extend(&argv, release ? "-r" : "-nw");
        strv_extend_strv(&argv, STRV_MAKE("-pf", pid, "-lf", leases, iface));
        r = spawn_run(&(SpawnOptions) { .argv = argv, .timeout = DHCLIENT_TIMEOUT, .stderr_mode = SPAWN_IO_MERGE },
                      &res);
        if (r < 0) {
                *reterr = xasprintf("%s: cannot run dhclient: %s", iface, strerror(-r));
                return r;
        }
        if (res.exit_status != 0) {
                *reterr = xasprintf("%s: dhclient%s failed: %s", iface, release ? " -r" : "",
                                    spawn_describe(&res, how, sizeof(how)));
                return -EIO;
        }
        return 0;
}

int net_dhcp_start(const char *iface, bool v6, char **reterr) {
        return dhclient(iface, v6, false, reterr);
}

int net_dhcp_release(const char *iface, bool v6, char **reterr) {
        return dhclient(iface, v6, true, reterr);
}
