/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include "basic/alloc.h"
#include "basic/spawn.h"
#include "service.h"

#define SYSTEMCTL_TIMEOUT (90 * USEC_PER_SEC)

int service_reload_or_restart(const char *unit, char **reterr) {
        _cleanup_(spawn_result_done) SpawnResult res = SPAWN_RESULT_INIT;
        char buf[64];
        int r;

        r = spawn_run(&(SpawnOptions) {
                              .argv = STRV_MAKE("systemctl", "reload-or-restart", unit),
                              .timeout = SYSTEMCTL_TIMEOUT,
                      },
                      &res);
        if (r < 0) {
                *reterr = xasprintf("command 'systemctl reload-or-restart %s' failed: %s", unit, strerror(-r));
                return r;
        }
        if (res.exit_status != 0) {
                *reterr = xasprintf("command 'systemctl reload-or-restart %s' failed: %s", unit,
                                    spawn_describe(&res, buf, sizeof(buf)));
                return -EIO;
        }
        return 0;
}
