/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * Prints every registered API method as "<HTTP method> <path> <permission
 * kind>", for tests that must cover all of them (pveproxy-permissions.sh).
 */

#include <stdio.h>

#include "api/registry.h"

int main(void) {
        static const char *const kinds[] = {
                [API_PERM_UNSET] = "unset", [API_PERM_CHECK] = "check", [API_PERM_ALL_USERS] = "all",
                [API_PERM_WORLD] = "world", [API_PERM_ROOT_ONLY] = "root",
        };

        API_FOREACH_METHOD(m)
                printf("%s %s %s\n", api_http_method_to_string(m->http_method), m->path, kinds[m->permissions.kind]);
        return 0;
}
