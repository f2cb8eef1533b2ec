/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * /nodes/{node}/network in-process: what the command line does not show,
 * the "changes" attribute beside the data (upstream's diff -b -N -u of
 * interfaces and interfaces.new) and the HTTP statuses of refusals.
 */

#include <stdlib.h>

#include "test-util.h"
#include "api/call.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/rootdir.h"
#include "basic/strutil.h"

static char *root;

static int setup(void **state) {
        root = make_tmpdir();
        setenv("PVE_ROOT", root, 1);
        setenv("PVE_SYSROOT", root, 1);
        setenv("PVE_NODENAME", "pve1", 1);
        rootdir_reset();
        write_test_file(root, "etc/network/interfaces",
                        "auto lo\niface lo inet loopback\n\niface eth0 inet manual\n");
        return 0;
}

static int teardown(void **state) {
        rm_rf_tmpdir(TAKE_PTR(root));
        return 0;
}

static int invoke(ApiCall *call, ApiHttpMethod method, const char *path, const char *params_json, json_t **ret) {
        _cleanup_json_ json_t *params = json_loads(params_json, 0, NULL);

        assert_non_null(params);
        api_call_init(call, API_ROOT_AUTHID, 0);
        return api_call_invoke(call, method, path, params, ret);
}

static void test_changes_attribute(void **state) {
        _cleanup_(api_call_done) ApiCall list = {}, list2 = {}, create = {}, bad = {};
        _cleanup_json_ json_t *data = NULL, *data2 = NULL, *none = NULL, *errors = NULL;
        const char *changes;

        /* Nothing pending: no "changes". */
        assert_int_equal(invoke(&list, API_GET, "/nodes/pve1/network", "{}", &data), 0);
        assert_null(json_object_get(list.attrs, "changes"));
        assert_int_equal(json_array_size(data), 1);

        assert_int_equal(invoke(&create, API_POST, "/nodes/pve1/network",
                                "{\"iface\": \"vmbr0\", \"type\": \"bridge\", \"bridge_ports\": \"eth0\", "
                                "\"autostart\": 1}",
                                &none),
                         0);
        assert_int_equal(invoke(&list2, API_GET, "/nodes/pve1/network", "{}", &data2), 0);
        changes = json_object_get_string(list2.attrs, "changes");
        assert_non_null(changes);
        assert_non_null(startswith(changes, "--- /etc/network/interfaces\t"));
        assert_non_null(strstr(changes, "\n+++ /etc/network/interfaces.new\t"));
        assert_non_null(strstr(changes, "\n+auto vmbr0\n+iface vmbr0 inet manual\n+\tbridge-ports eth0\n"));
        /* Only the new stanza (and the blank line before it) is a change. */
        assert_null(strstr(changes, "\n-"));
        assert_null(strstr(changes, "\n+iface eth0"));

        /* A refusal: 400 with the parameter in "errors". */
        assert_true(invoke(&bad, API_POST, "/nodes/pve1/network", "{\"iface\": \"vmbr0\", \"type\": \"bridge\"}",
                           &errors) < 0);
        assert_int_equal(bad.error.status, 400);
        assert_string_equal(json_object_get_string(bad.error.errors, "iface"), "interface already exists");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_changes_attribute, setup, teardown),
        };

        json_setup_allocator();
        return RUN_TESTS(tests);
}
