/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "basic/alloc.h"
#include "nodename.h"

const char *node_name(void) {
        static char *name;

        if (!name) {
                const char *e = getenv("PVE_NODENAME");
                struct utsname u;

                if (!isempty(e))
                        name = xstrdup(e);
                else if (uname(&u) >= 0)
                        name = xstrndup(u.nodename, strcspn(u.nodename, "."));
                else
                        name = xstrdup("localhost");
        }
        return name;
}
