/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * Routing of request paths to methods (src/api/registry.h) and the two
 * steps of a call (api_call_route(), api_call_run()), on a set of methods
 * registered here beside the registry's own root index.
 */

#include "test-util.h"
#include "api/call.h"
#include "api/json-util.h"
#include "api/registry.h"
#include "basic/alloc.h"
#include "basic/strv.h"

static int echo_params(ApiCall *call, json_t **ret) {
        *ret = json_incref(call->params);
        return 0;
}

static const ApiSchema id_params[] = {
        { .name = "id", .type = API_TYPE_STRING },
        { .name = "note", .type = API_TYPE_STRING, .optional = true },
        {},
};

static const ApiSchema pair_params[] = {
        { .name = "a", .type = API_TYPE_STRING, .optional = true },
        { .name = "b", .type = API_TYPE_STRING, .optional = true },
        { .name = "c", .type = API_TYPE_STRING, .optional = true },
        {},
};

#define METHOD(p, m, n, params) \
        { .path = (p), .http_method = (m), .name = (n), .parameters = (params), \
          .permissions = { .kind = API_PERM_ALL_USERS }, .handler = echo_params }

static const ApiMethod test_methods[] = {
        METHOD("/zoo/items", API_GET, "list", NULL),
        METHOD("/zoo/items", API_POST, "create", NULL),
        METHOD("/zoo/items/{id}", API_GET, "read", id_params),
        METHOD("/zoo/items/{id}", API_PUT, "update", id_params),
        METHOD("/zoo/items/special", API_GET, "special", NULL),
        /* Most literal segments wins, wherever they are. */
        METHOD("/zoo/{a}/x/y", API_GET, "three-literals", pair_params),
        METHOD("/zoo/items/{b}/{c}", API_GET, "two-literals", pair_params),
        /* The same template twice: the first registration wins. */
        METHOD("/zoo/dup/{a}", API_GET, "first", pair_params),
        METHOD("/zoo/dup/{b}", API_GET, "second", pair_params),
        METHOD("/zoo/deep/{a}/leaf", API_GET, "deep", pair_params),
};

API_REGISTER_METHODS(test_methods);

static const char *route_name(ApiHttpMethod m, const char *path, json_t **ret_params) {
        const ApiMethod *method = NULL;

        if (api_route(m, path, &method, ret_params) < 0)
                return NULL;
        return method->name;
}

static void test_literal_and_params(void **state) {
        _cleanup_json_ json_t *params = NULL;

        assert_string_equal(route_name(API_GET, "/zoo/items", NULL), "list");
        assert_string_equal(route_name(API_POST, "/zoo/items", NULL), "create");
        assert_string_equal(route_name(API_GET, "/zoo/items/special", NULL), "special");
        assert_string_equal(route_name(API_GET, "/zoo/items/cat", &params), "read");
        assert_string_equal(json_object_get_string(params, "id"), "cat");
        assert_int_equal(json_object_size(params), 1);
        assert_string_equal(route_name(API_GET, "/", NULL), "index");
}

static void test_normalized_paths(void **state) {
        _cleanup_json_ json_t *params = NULL;

        assert_string_equal(route_name(API_GET, "//zoo///items/", NULL), "list");
        assert_string_equal(route_name(API_PUT, "zoo/items/cat//", &params), "update");
        assert_string_equal(json_object_get_string(params, "id"), "cat");
}

static void test_precedence(void **state) {
        _cleanup_json_ json_t *p1 = NULL, *p2 = NULL, *p3 = NULL;

        assert_string_equal(route_name(API_GET, "/zoo/items/x/y", &p1), "three-literals");
        assert_string_equal(json_object_get_string(p1, "a"), "items");
        assert_string_equal(route_name(API_GET, "/zoo/items/x/z", &p2), "two-literals");
        assert_string_equal(json_object_get_string(p2, "b"), "x");
        assert_string_equal(json_object_get_string(p2, "c"), "z");
        assert_string_equal(route_name(API_GET, "/zoo/dup/v", &p3), "first");
        assert_string_equal(json_object_get_string(p3, "a"), "v");
}

static void test_misses(void **state) {
        const ApiMethod *m = NULL;

        assert_int_equal(api_route(API_DELETE, "/zoo/items", &m, NULL), -EOPNOTSUPP);
        assert_int_equal(api_route(API_POST, "/zoo/items/cat", &m, NULL), -EOPNOTSUPP);
        assert_int_equal(api_route(API_GET, "/nothing", &m, NULL), -ENOENT);
        assert_int_equal(api_route(API_GET, "/zoo/items/cat/x/y/z", &m, NULL), -ENOENT);
        assert_int_equal(api_route(API_POST, "/zoo", &m, NULL), -ENOENT);
}

static void test_index(void **state) {
        _cleanup_strv_free_ char **zoo = api_children("/zoo"), **items = api_children("/zoo/{id}"),
                                 **deep = api_children("/zoo/deep/7"), **root = api_children("/");
        _cleanup_json_ json_t *params = NULL;

        /* /zoo has no GET of its own: the synthetic index lists its literal children. */
        assert_string_equal(route_name(API_GET, "/zoo", &params), "index");
        assert_int_equal(json_object_size(params), 0);
        assert_string_equal(route_name(API_GET, "/zoo/deep", NULL), "index");
        assert_true(strv_contains(root, "zoo"));
        assert_int_equal(strv_length(zoo), 3);
        assert_string_equal(zoo[0], "deep");
        assert_string_equal(zoo[1], "dup");
        assert_string_equal(zoo[2], "items");
        /* A {parameter} in the asked path matches every child at its level. */
        assert_int_equal(strv_length(items), 2);
        assert_string_equal(items[0], "special");
        assert_string_equal(items[1], "x");
        assert_int_equal(strv_length(deep), 1);
        assert_string_equal(deep[0], "leaf");
}

static void test_call_in_two_steps(void **state) {
        _cleanup_(api_call_done) ApiCall call = {}, bad = {};
        _cleanup_json_ json_t *raw = json_pack("{s:s,s:s}", "id", "ignored", "note", "n"), *data = NULL,
                                *none = NULL;

        api_call_init(&call, "alice@pve", 0);
        assert_int_equal(api_call_route(&call, API_GET, "/zoo/items/cat"), 0);
        assert_string_equal(call.method->name, "read");
        assert_string_equal(call.path, "/zoo/items/cat");
        assert_int_equal(api_call_run(&call, raw, &data), 0);
        /* The path parameter wins over a parameter of the same name; the caller's object is untouched. */
        assert_string_equal(json_object_get_string(data, "id"), "cat");
        assert_string_equal(json_object_get_string(data, "note"), "n");
        assert_string_equal(json_object_get_string(raw, "id"), "ignored");

        api_call_init(&bad, "alice@pve", 0);
        assert_int_equal(api_call_invoke(&bad, API_DELETE, "/zoo/items", NULL, &none), -EOPNOTSUPP);
        assert_null(none);
        assert_int_equal(bad.error.status, 501);
        assert_string_equal(bad.error.message, "Method 'DELETE /zoo/items' not implemented");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_literal_and_params),
                cmocka_unit_test(test_normalized_paths),
                cmocka_unit_test(test_precedence),
                cmocka_unit_test(test_misses),
                cmocka_unit_test(test_index),
                cmocka_unit_test(test_call_in_two_steps),
        };

        json_setup_allocator();
        return RUN_TESTS(tests);
}
