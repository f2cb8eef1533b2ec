/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * user.cfg: parsing never fails or crashes, formatting is a fixed point
 * (format(parse(format(parse(x)))) == format(parse(x))), and permission
 * evaluation works on whatever was parsed.
 */

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "access/userconfig.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *out = NULL, *out2 = NULL;
        UserConfig c = {}, c2 = {};
        PrivSet privs, propagate;

        json_setup_allocator();
        user_config_parse((const char *) data, size, &c);
        out = user_config_format(&c);
        user_config_parse(out, strlen(out), &c2);
        out2 = user_config_format(&c2);
        assert(strcmp(out, out2) == 0);
        for (size_t i = 0; i < c.n_users; i++)
                user_config_privileges(&c, c.users[i].userid, "/nodes/pve1", &privs, &propagate);
        for (size_t i = 0; i < c.n_acl; i++)
                user_config_privileges(&c, c.acl[i].ugid, c.acl[i].path, &privs, &propagate);
        user_config_done(&c);
        user_config_done(&c2);
        return 0;
}
