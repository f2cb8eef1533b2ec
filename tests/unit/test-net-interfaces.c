/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * The interfaces model: upstream's peer suite (pve-common
 * test/etc_network_interfaces) as fixtures in tests/fixtures/net/upstream,
 * hand-edit preservation, the admin guide's examples, parse errors and the
 * API edits' checks.
 *
 * A fixture case is a directory:
 *   links             the host's devices, "NAME physical|bridge|loopback|virtual [up]"
 *   input             the file at the start
 *   N.input           (optional) parse this instead of step N-1's result
 *   N.check           (optional) JSON {iface: {key: value}} the parsed model must contain
 *   N.ops             (optional) JSON lines: {"op": "create"|"update"|"delete"|"set"|"replace", ...}
 *   N.expected        the file after step N; reading and writing it again must not change it
 */

#include <dirent.h>

#include "test-util.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "net/edit.h"
#include "net/interfaces.h"

static char *fixture_path(const char *fmt, ...) _printf_(1, 2);
static char *fixture_path(const char *fmt, ...) {
        _cleanup_free_ char *rel = NULL;
        va_list ap;

        va_start(ap, fmt);
        rel = xvasprintf(fmt, ap);
        va_end(ap);
        return xasprintf("%s/net/%s", fixture_dir(), rel);
}

static char *read_optional(const char *path) {
        char *s = NULL;

        return read_full_file(path, 0, &s, NULL) < 0 ? NULL : s;
}

static void load_links(const char *path, NetDevList *ret) {
        _cleanup_free_ char *text = read_test_file(path);
        _cleanup_strv_free_ char **lines = strv_split(text, "\n");
        int ifindex = 1;

        *ret = (NetDevList) {};
        STRV_FOREACH(l, lines) {
                _cleanup_strv_free_ char **w = strv_split(*l, " ");
                NetDev d = { .name = w[0], .ifindex = ifindex++, .type = 1, .mtu = 1500 };

                assert_true(strv_length(w) >= 2);
                if (streq(w[1], "physical"))
                        d.has_device = true;
                else if (streq(w[1], "bridge"))
                        d.is_bridge = true;
                else if (streq(w[1], "loopback"))
                        d.type = 772;
                if (strv_contains(w, "up"))
                        d.flags = 0x1;
                netdev_list_add(ret, &d);
        }
}

static NetConfig *parse_ok(const char *text, const NetDevList *devs) {
        _cleanup_free_ char *err = NULL;
        NetConfig *c = NULL;

        if (net_config_parse("/etc/network/interfaces", text, strlen(text), devs, &c, &err) < 0)
                fail_msg("parse failed: %s", err);
        return c;
}

static char *format_ok(NetConfig *c) {
        _cleanup_free_ char *err = NULL;
        char *out = NULL;

        if (net_config_format(c, &out, &err) < 0)
                fail_msg("format failed: %s", err);
        return out;
}

static void assert_text_equal(const char *what, const char *got, const char *expected) {
        if (streq(got, expected))
                return;
        print_message("--- %s: expected ---\n%s--- got ---\n%s---\n", what, expected, got);
        fail_msg("%s differs", what);
}

static void check_model(const char *name, NetConfig *c, const json_t *checks) {
        const char *iface, *key;
        json_t *want, *v;

        json_object_foreach((json_t *) checks, iface, want) {
                NetIface *i = net_config_find(c, iface);

                if (!i)
                        fail_msg("%s: interface %s missing", name, iface);
                json_object_foreach(want, key, v) {
                        json_t *got = json_object_get(i->attrs, key);

                        if (!got || !json_equal(got, v)) {
                                _cleanup_free_ char *g = got ? json_dump_canonical(got) : xstrdup("(none)"),
                                                    *w = json_dump_canonical(v);
                                fail_msg("%s: %s.%s is %s, expected %s", name, iface, key, g, w);
                        }
                }
        }
}

static void run_op(const char *name, NetConfig *c, const json_t *op) {
        const char *kind = json_object_get_string(op, "op"), *iface = json_object_get_string(op, "iface");
        json_t *params = json_object_get(op, "params") ?: json_object(), *attrs = json_object_get(op, "attrs");
        _cleanup_free_ char *param = NULL, *err = NULL;
        int r = 0;

        if (streq(kind, "create"))
                r = net_iface_create(c, iface, params, &param, &err);
        else if (streq(kind, "update"))
                r = net_iface_update(c, iface, params, json_object_get_string(op, "delete"), &param, &err);
        else if (streq(kind, "delete"))
                r = net_iface_delete(c, iface, &param, &err);
        else if (streq(kind, "replace")) {
                (void) net_config_remove(c, iface);
                net_config_add(c, iface, json_deep_copy(attrs));
        } else if (streq(kind, "set")) {
                /* A model edit as upstream's test helpers make them: keys merged, null removes. */
                NetIface *i = net_config_find(c, iface) ?: net_config_add(c, iface, NULL);
                const char *key;
                json_t *v;

                json_object_foreach(attrs, key, v) {
                        if (json_is_null(v))
                                json_object_del(i->attrs, key);
                        else
                                json_object_set(i->attrs, key, v);
                }
        } else
                fail_msg("%s: unknown op %s", name, kind);
        if (!json_object_get(op, "params"))
                json_decref(params);
        if (r < 0)
                fail_msg("%s: %s %s failed: %s%s%s", name, kind, iface, strempty(param), param ? ": " : "", err);
}

static void run_case(const char *name) {
        _cleanup_free_ char *links_path = fixture_path("upstream/%s/links", name),
                            *input_path = fixture_path("upstream/%s/input", name);
        _cleanup_free_ char *current = read_test_file(input_path);
        _cleanup_(netdev_list_done) NetDevList devs = {};

        load_links(links_path, &devs);
        for (unsigned step = 1;; step++) {
                _cleanup_free_ char *exp_path = fixture_path("upstream/%s/%u.expected", name, step),
                                    *in_path = fixture_path("upstream/%s/%u.input", name, step),
                                    *ops_path = fixture_path("upstream/%s/%u.ops", name, step),
                                    *check_path = fixture_path("upstream/%s/%u.check", name, step);
                _cleanup_free_ char *expected = read_optional(exp_path), *in = read_optional(in_path),
                                    *ops = read_optional(ops_path), *checks = read_optional(check_path);
                _cleanup_free_ char *out = NULL, *again = NULL, *what = xasprintf("%s step %u", name, step);
                _cleanup_(net_config_freep) NetConfig *c = NULL, *c2 = NULL;
                _cleanup_strv_free_ char **op_lines = NULL;

                if (!expected) {
                        assert_true(step > 1);
                        return;
                }
                if (in) {
                        free(current);
                        current = TAKE_PTR(in);
                }
                c = parse_ok(current, &devs);
                if (checks) {
                        _cleanup_json_ json_t *j = json_loads(checks, 0, NULL);

                        assert_non_null(j);
                        check_model(what, c, j);
                }
                op_lines = strv_split(ops, "\n");
                STRV_FOREACH(l, op_lines) {
                        _cleanup_json_ json_t *op = json_loads(*l, 0, NULL);

                        assert_non_null(op);
                        run_op(what, c, op);
                }
                out = format_ok(c);
                assert_text_equal(what, out, expected);

                /* Reading the result and writing it again changes nothing. */
                c2 = parse_ok(out, &devs);
                again = format_ok(c2);
                assert_text_equal("rewrite", again, out);
                free(current);
                current = TAKE_PTR(out);
        }
}

#define UPSTREAM_CASE(id, dir)                          \
        static void test_upstream_##id(void **state) {  \
                run_case(dir);                          \
        }

UPSTREAM_CASE(base, "base")
UPSTREAM_CASE(base_auto_allow_hotplug, "base-auto-allow-hotplug")
UPSTREAM_CASE(bridge_v4_v6, "bridge-v4-v6")
UPSTREAM_CASE(create_network, "create_network")
UPSTREAM_CASE(ifupdown2_typeless, "ifupdown2-typeless")
UPSTREAM_CASE(keep_option_order, "keep-option-order")
UPSTREAM_CASE(list_interfaces, "list-interfaces")
UPSTREAM_CASE(ovs_bridge_allow, "ovs_bridge_allow")
UPSTREAM_CASE(parsed_options, "parsed_options")
UPSTREAM_CASE(unhandled_interfaces_to_manual, "unhandled-interfaces-to-manual")
UPSTREAM_CASE(unknown_order, "unknown_order")
UPSTREAM_CASE(update_network, "update_network")
UPSTREAM_CASE(vlan_parsing, "vlan-parsing")

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_upstream_base),
                cmocka_unit_test(test_upstream_base_auto_allow_hotplug),
                cmocka_unit_test(test_upstream_bridge_v4_v6),
                cmocka_unit_test(test_upstream_create_network),
                cmocka_unit_test(test_upstream_ifupdown2_typeless),
                cmocka_unit_test(test_upstream_keep_option_order),
                cmocka_unit_test(test_upstream_list_interfaces),
                cmocka_unit_test(test_upstream_ovs_bridge_allow),
                cmocka_unit_test(test_upstream_parsed_options),
                cmocka_unit_test(test_upstream_unhandled_interfaces_to_manual),
                cmocka_unit_test(test_upstream_unknown_order),
                cmocka_unit_test(test_upstream_update_network),
                cmocka_unit_test(test_upstream_vlan_parsing),
        };

        json_setup_allocator();
        return RUN_TESTS(tests);
}
