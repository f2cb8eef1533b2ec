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
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "basic/strv.h"
#include "net/edit.h"
#include "net/interfaces.h"
#include "sys/netdev-name.h"

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


/* ---- the admin guide's examples ------------------------------------------ */

static const char new_bridge[] =
        "auto vmbr9\niface vmbr9 inet manual\n\tbridge-ports none\n\tbridge-stp off\n\tbridge-fd 0\n\n";

static json_t *new_bridge_params(void) {
        return json_pack("{s:s,s:b}", "type", "bridge", "autostart", 1);
}

/* out must be in with block inserted once (plus a blank line where in had none before it). */
static void assert_inserted(const char *what, const char *in, const char *out, const char *block) {
        const char *at = strstr(out, block);
        _cleanup_strbuf_ StrBuf rest = STRBUF_INIT;

        if (!at)
                fail_msg("%s: block not inserted:\n%s", what, out);
        strbuf_add(&rest, out, (size_t) (at - out));
        strbuf_adds(&rest, at + strlen(block));
        if (!streq(rest.buf, in)) {
                /* A separator before the block, where the text before it ended without a blank line. */
                const char *sep = at - 1;

                assert_true(sep >= out && *sep == '\n');
                strbuf_reset(&rest);
                strbuf_add(&rest, out, (size_t) (sep - out));
                strbuf_adds(&rest, at + strlen(block));
                assert_text_equal(what, rest.buf, in);
        }
}

static void test_guide_examples(void **state) {
        _cleanup_free_ char *dir = fixture_path("guide");
        _cleanup_strv_free_ char **files = NULL;
        struct dirent *de;
        DIR *d = opendir(dir);

        assert_non_null(d);
        while ((de = readdir(d)))
                if (endswith(de->d_name, ".interfaces"))
                        strv_extend(&files, de->d_name);
        closedir(d);
        strv_sort(files);
        assert_true(strv_length(files) >= 9);

        STRV_FOREACH(f, files) {
                _cleanup_free_ char *path = xasprintf("%s/%s", dir, *f), *in = read_test_file(path), *out = NULL,
                                    *base = xstrndup(path, strlen(path) - strlen(".interfaces")),
                                    *links_path = xasprintf("%s.links", base), *exp_path = xasprintf("%s.expected", base),
                                    *expected = read_optional(exp_path), *out2 = NULL, *param = NULL, *err = NULL;
                _cleanup_(netdev_list_done) NetDevList devs = {};
                _cleanup_(net_config_freep) NetConfig *c = NULL, *c2 = NULL;
                _cleanup_json_ json_t *params = new_bridge_params();

                /* NICs named in the file count by their names; others the file needs come from a .links file. */
                if (access(links_path, F_OK) == 0)
                        load_links(links_path, &devs);
                c = parse_ok(in, &devs);
                c2 = parse_ok(in, &devs);
                if (!expected)
                        expected = xstrdup(in);
                out = format_ok(c);
                assert_text_equal(*f, out, expected);

                assert_int_equal(net_iface_create(c2, "vmbr9", params, &param, &err), 0);
                out2 = format_ok(c2);
                assert_inserted(*f, expected, out2, new_bridge);
        }
}

/* ---- hand edits ------------------------------------------------------------ */

/* Stanzas of the hand-edited file, also to find them in what is written. */
#define HAND_ENO1 \
        "auto eno1\n" \
        "iface eno1 inet static\n" \
        "    address 192.0.2.10\n" \
        "    netmask 255.255.255.0\n" \
        "    address 192.0.2.11/24\n" \
        "    gateway 192.0.2.1\n" \
        "    dns-nameservers 192.0.2.53\n" \
        "    hwaddress ether 52:54:00:12:34:56\n"

#define HAND_VMBR0 \
        "auto vmbr0\n" \
        "iface vmbr0 inet static\n" \
        "\taddress  10.0.0.2\n" \
        "\tnetmask  255.255.255.0\n" \
        "\tbridge_ports eno2\n" \
        "\tbridge_stp off\n" \
        "\tbridge_fd 0\n" \
        "\n" \
        "\t# NAT for guests\n" \
        "\tpost-up   iptables -t nat -A POSTROUTING -s '10.0.0.0/24' -o eno1 -j MASQUERADE\n" \
        "\tpost-down iptables -t nat -D POSTROUTING -s '10.0.0.0/24' -o eno1 -j MASQUERADE\n" \
        "# trailing comment\n"

static const char hand_edited[] =
        "# My network, maintained by hand\n"
        "# (second line)\n"
        "\n"
        "source /etc/network/interfaces.d/*\n"
        "\n"
        "auto lo\n"
        "iface lo inet loopback\n"
        "\n"
        "mapping eth3\n"
        "    script /usr/local/sbin/map-scheme\n"
        "    map HOME eth3-home\n"
        "\n"
        "# uplink\n"
        HAND_ENO1
        "\n"
        "iface eno2 inet manual\n"
        "\tmtu 9000\n"
        "allow-hotplug eno3\n"
        "iface eno3 inet dhcp\n"
        "\n"
        "iface vmbr1 inet static inherits base\n"
        "    address 10.1.1.1/24\n"
        "\n"
        HAND_VMBR0;

/* An API edit: op "create", "update" or "delete", parameters as JSON. */
static int run_edit(NetConfig *c, const char *op, const char *iface, const char *params_json, const char *delete,
                    char **param, char **err) {
        _cleanup_json_ json_t *params = json_loads(params_json ?: "{}", 0, NULL);

        assert_non_null(params);
        if (streq(op, "create"))
                return net_iface_create(c, iface, params, param, err);
        if (streq(op, "update"))
                return net_iface_update(c, iface, params, delete, param, err);
        return net_iface_delete(c, iface, param, err);
}

static char *edit(const char *text, const char *op, const char *iface, const char *params_json, const char *delete) {
        _cleanup_(net_config_freep) NetConfig *c = parse_ok(text, NULL);
        _cleanup_free_ char *param = NULL, *err = NULL;

        if (run_edit(c, op, iface, params_json, delete, &param, &err) < 0)
                fail_msg("%s %s: %s: %s", op, iface, strempty(param), err);
        return format_ok(c);
}

static char *replace_once(const char *text, const char *from, const char *to) {
        const char *at = strstr(text, from);

        assert_non_null(at);
        return xasprintf("%.*s%s%s", (int) (at - text), text, to, at + strlen(from));
}

static void test_hand_edits_survive(void **state) {
        _cleanup_free_ char *same = NULL, *added = NULL;
        _cleanup_(net_config_freep) NetConfig *c = parse_ok(hand_edited, NULL);

        same = format_ok(c);
        assert_text_equal("unchanged", same, hand_edited);

        /* An unrelated interface: everything else stays byte for byte, no final blank line added. */
        added = edit(hand_edited, "create", "vmbr9", "{\"type\": \"bridge\", \"autostart\": true}", NULL);
        assert_inserted("create", hand_edited, added, new_bridge);
}

static void test_hand_edits_changed_stanza(void **state) {
        _cleanup_free_ char *mtu = NULL, *gw = NULL, *nat = NULL, *exp = NULL;

        /* Only eno2's stanza is rendered anew, without the blank line it did not have. */
        mtu = edit(hand_edited, "update", "eno2", "{\"type\": \"eth\", \"mtu\": 1500}", NULL);
        exp = replace_once(hand_edited, "\tmtu 9000\n", "\tmtu 1500\n");
        assert_text_equal("eno2 mtu", mtu, exp);
        exp = mfree(exp);

        /* Both addresses, the unknown options and the comment above survive. */
        gw = edit(hand_edited, "update", "eno1", "{\"type\": \"eth\", \"gateway\": \"192.0.2.254\"}", NULL);
        exp = replace_once(hand_edited, HAND_ENO1,
                           "auto eno1\n"
                           "iface eno1 inet static\n"
                           "\taddress 192.0.2.10/24\n"
                           "\taddress 192.0.2.11/24\n"
                           "\tgateway 192.0.2.254\n"
                           "\tdns-nameservers 192.0.2.53\n"
                           "\thwaddress ether 52:54:00:12:34:56\n");
        assert_text_equal("eno1 gateway", gw, exp);
        exp = mfree(exp);

        /* A changed stanza keeps its comments (at its end, as upstream writes them) and its hooks. */
        nat = edit(hand_edited, "update", "vmbr0", "{\"type\": \"bridge\", \"cidr\": \"10.0.0.3/24\"}", NULL);
        exp = replace_once(hand_edited, HAND_VMBR0,
                           "auto vmbr0\n"
                           "iface vmbr0 inet static\n"
                           "\taddress 10.0.0.3/24\n"
                           "\tbridge-ports eno2\n"
                           "\tbridge-stp off\n"
                           "\tbridge-fd 0\n"
                           "\tpost-up   iptables -t nat -A POSTROUTING -s '10.0.0.0/24' -o eno1 -j MASQUERADE\n"
                           "\tpost-down iptables -t nat -D POSTROUTING -s '10.0.0.0/24' -o eno1 -j MASQUERADE\n"
                           "# NAT for guests\n"
                           "# trailing comment\n");
        assert_text_equal("vmbr0 address", nat, exp);
}

static void test_hand_edits_delete(void **state) {
        _cleanup_free_ char *no3 = NULL, *no1 = NULL, *exp = NULL;

        /* The "allow-hotplug" line goes with the stanza. */
        no3 = edit(hand_edited, "delete", "eno3", NULL, NULL);
        exp = replace_once(hand_edited, "allow-hotplug eno3\niface eno3 inet dhcp\n\n", "");
        assert_text_equal("delete eno3", no3, exp);
        exp = mfree(exp);

        /* So does the comment right above it; the header comment stays. */
        no1 = edit(hand_edited, "delete", "eno1", NULL, NULL);
        exp = replace_once(hand_edited, "# uplink\n" HAND_ENO1 "\n", "");
        assert_text_equal("delete eno1", no1, exp);
}

static void test_hand_edits_model(void **state) {
        _cleanup_(net_config_freep) NetConfig *c = parse_ok(hand_edited, NULL);
        NetIface *eno1 = net_config_find(c, "eno1"), *vmbr0 = net_config_find(c, "vmbr0"), *eno3;
        json_t *opts;

        assert_non_null(eno1);
        assert_string_equal(net_attr_str(eno1, "cidr"), "192.0.2.11/24");
        assert_string_equal(eno1->extra_addresses[0], "192.0.2.10/24");
        opts = json_object_get(eno1->attrs, "options");
        assert_int_equal(json_array_size(opts), 2);
        assert_string_equal(json_string_value(json_array_get(opts, 0)), "dns-nameservers 192.0.2.53");

        /* Options after a blank line still belong to the stanza (as ifupdown2 reads them). */
        assert_non_null(vmbr0);
        assert_string_equal(net_attr_str(vmbr0, "cidr"), "10.0.0.2/24");
        assert_string_equal(net_attr_str(vmbr0, "netmask"), "24");
        assert_string_equal(net_attr_str(vmbr0, "type"), "bridge");
        assert_int_equal(json_array_size(json_object_get(vmbr0->attrs, "options")), 2);
        assert_string_equal(net_attr_str(vmbr0, "comments"), " NAT for guests\n trailing comment\n");

        eno3 = net_config_find(c, "eno3");
        assert_true(eno3->hotplug);
        assert_true(net_attr_true(eno3, "autostart"));
        /* "inherits" stanzas and mapping blocks are kept as text, not modelled. */
        assert_null(net_config_find(c, "vmbr1"));
        assert_null(net_config_find(c, "eth3"));
}

/* ---- parse errors name file:line ------------------------------------------ */

static void assert_parse_error(const char *text, size_t len, const char *message) {
        _cleanup_(net_config_freep) NetConfig *c = NULL;
        _cleanup_free_ char *err = NULL;

        assert_int_equal(net_config_parse("/etc/network/interfaces", text, len, NULL, &c, &err), -EINVAL);
        assert_null(c);
        if (!strstr(err, message))
                fail_msg("error '%s' does not contain '%s'", err, message);
}

static void test_parse_errors(void **state) {
        static const char nul[] = "auto lo\niface lo inet loopback\n\x00garbage\n";

        assert_parse_error("auto lo\ngarbage here\n", 21, "/etc/network/interfaces:2: unexpected line 'garbage here'");
        assert_parse_error(nul, sizeof(nul) - 1, "interfaces:3: unexpected NUL byte");
        assert_parse_error("# \xff\xfe\n", 5, "interfaces:1: invalid UTF-8");
        assert_parse_error("iface eth0 inet manual\n\tmtu\x01 9000\n", 34, "interfaces:2: invalid control character 0x01");
        assert_parse_error("iface eth0 inet manual\n\tbridge-vlan-aware\n", 42,
                           "interfaces:2: iface eth0: option 'bridge-vlan-aware' without value");
        assert_parse_error("iface eth0 inet manual\n\niface eth0 inet static\n", 47,
                           "interfaces:3: second stanza 'iface eth0 inet'");
        assert_parse_error("auto\n", 5, "interfaces:1: 'auto' without interface names");
        assert_parse_error("iface\n", 6, "interfaces:1: 'iface' without interface name");
        assert_parse_error("source\n", 7, "interfaces:1: 'source' without argument");
}

static void test_write_checks(void **state) {
        static const struct {
                const char *text, *error;
        } cases[] = {
                { "iface eth0 inet manual\nauto bond0\niface bond0 inet manual\n\tbond-slaves eth0 eth9\n",
                  "bond 'bond0' - unable to find slave 'eth9'" },
                { "iface eth0 inet manual\niface vmbr0 inet manual\n\tbridge-ports eth0\n"
                  "iface vmbr1 inet manual\n\tbridge-ports eth0\n",
                  "port 'eth0' is already used on interface 'vmbr0'" },
                { "iface eth0.4095 inet manual\n", "vlan 'eth0.4095' - vlan-id 4095 should be <= 4094" },
                { "iface eth0 inet manual\n\tmtu 9000\niface eth0.5 inet manual\n\tmtu 9100\n",
                  "interface 'eth0' - mtu 9000 is lower than 'eth0.5' - mtu 9100" },
                { "iface vmbr0 inet manual\n\tbridge-ports none\niface vmbr1 inet manual\n\tbridge-ports vmbr0\n",
                  "bridge 'vmbr1' - bridge port 'vmbr0' is a bridge itself" },
                { "iface eth0 inet static\n\taddress 10.0.0.1/24\niface vmbr0 inet manual\n\tbridge-ports eth0\n",
                  "iface eth0 - ip address can't be set on interface if bridged in vmbr0" },
                { "iface foo inet manual\n\tvlan-raw-device eth0\n", "vlan 'foo' - missing vlan-id option" },
                { "iface eth0 inet manual\niface eth0.5 inet manual\n\tvlan-protocol 802.1x\n",
                  "eth0.5: wrong vlan-protocol 802.1x" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(net_config_freep) NetConfig *c = parse_ok(cases[i].text, NULL);
                _cleanup_free_ char *out = NULL, *err = NULL;

                assert_int_equal(net_config_format(c, &out, &err), -EINVAL);
                if (!err || !strstr(err, cases[i].error))
                        fail_msg("case %zu: error '%s', expected '%s'", i, strempty(err), cases[i].error);
        }
}

/* ---- API edit checks ------------------------------------------------------- */

static const char api_base[] =
        "auto lo\niface lo inet loopback\n\niface eth0 inet manual\n\niface eth1 inet manual\n\n"
        "auto vmbr0\niface vmbr0 inet static\n\taddress 10.0.0.2/24\n\tgateway 10.0.0.1\n"
        "\tbridge-ports eth0\n\tbridge-stp off\n\tbridge-fd 0\n\n";

static void assert_edit_error(const char *op, const char *iface, const char *params_json, const char *delete,
                              const char *param, const char *message) {
        _cleanup_(net_config_freep) NetConfig *c = parse_ok(api_base, NULL);
        _cleanup_free_ char *got_param = NULL, *err = NULL;

        assert_int_equal(run_edit(c, op, iface, params_json, delete, &got_param, &err), -EINVAL);
        if (!streq_ptr(got_param, param) || !streq_ptr(err, message))
                fail_msg("%s %s: got %s: %s, expected %s: %s", op, iface, strempty(got_param), strempty(err),
                         strempty(param), message);
}

static void test_edit_errors(void **state) {
        assert_edit_error("create", "vmbr0", "{\"type\": \"bridge\"}", NULL, "iface", "interface already exists");
        assert_edit_error("update", "vmbr7", "{\"type\": \"bridge\"}", NULL, "iface", "interface does not exist");
        assert_edit_error("delete", "vmbr7", NULL, NULL, "iface", "interface does not exist");
        assert_edit_error("create", "vmbr1", "{\"type\": \"bridge\", \"cidr\": \"10.1.0.1/24\", \"gateway\": \"10.1.0.254\"}",
                          NULL, "gateway", "Default gateway already exists on interface 'vmbr0'.");
        assert_edit_error("create", "vmbr1", "{\"type\": \"bridge\", \"bridge_ports\": \"eth1,eth0\"}", NULL,
                          "bridge_ports", "eth0 is already used on interface 'vmbr0'.");
        assert_edit_error("create", "vmbr1", "{\"type\": \"bridge\", \"bridge_ports\": \"vmbr0\"}", NULL,
                          "bridge_ports", "interface 'vmbr0' is a bridge and cannot be a bridge port");
        assert_edit_error("create", "vmbr1", "{\"type\": \"bridge\", \"cidr\": \"10.1.0.1/24\", \"address\": \"10.1.0.1\"}",
                          NULL, "address", "address conflicts with cidr");
        assert_edit_error("create", "vmbr1", "{\"type\": \"bridge\", \"cidr6\": \"2001:db8::1/64\"}", NULL, "address",
                          "2001:db8::1 with type 'DOCUMENTATION', cannot be used as host IPv6 address.");
        assert_edit_error("create", "vmbr1", "{\"type\": \"bridge\", \"cidr6\": \"ff02::1/64\"}", NULL, "address",
                          "ff02::1 with type 'MULTICAST', cannot be used as host IPv6 address.");
        assert_edit_error("create", "vmbr1", "{\"type\": \"bridge\", \"gateway6\": \"fd00::1\"}", NULL, "gateway6",
                          "gateway6 requires an address ('cidr6')");
        assert_edit_error("update", "vmbr0", "{\"type\": \"bridge\"}", "cidr", "gateway",
                          "gateway requires an address ('cidr')");
        assert_edit_error("create", "vmbr1", "{\"type\": \"bridge\", \"bridge_vids\": \" ,;\"}", NULL, "bridge_vids",
                          "VLAN list items are empty");
        assert_edit_error("create", "bond1", "{\"type\": \"OVSBond\"}", NULL, "ovs_bridge", "parameter is required");
        assert_edit_error("create", "bond1", "{\"type\": \"OVSBond\", \"ovs_bridge\": \"vmbr0\"}", NULL, "ovs_bridge",
                          "interface 'vmbr0' is no OVS bridge");
}

static void test_ipv6_host_types(void **state) {
        _cleanup_free_ char *param = NULL, *err = NULL;

        assert_int_equal(net_check_ipv6_host("fd00::2", 64, &param, &err), 0);
        assert_int_equal(net_check_ipv6_host("2a01:4f8::2", 64, &param, &err), 0);
        assert_int_equal(net_check_ipv6_host("fe80::2", 64, &param, &err), 0);
        assert_int_equal(net_check_ipv6_host("::1", 128, &param, &err), -EINVAL);
        assert_string_equal(err, "::1 with type 'LOOPBACK', cannot be used as host IPv6 address.");
        err = mfree(err), param = mfree(param);
        /* Net::IP's idea of anycast: the address equals its prefix mask. */
        assert_int_equal(net_check_ipv6_host("ffff:ffff::", 32, &param, &err), -EINVAL);
        assert_string_equal(err, "ffff:ffff:: with type 'ANYCAST', cannot be used as host IPv6 address.");
        err = mfree(err), param = mfree(param);
        assert_int_equal(net_check_ipv6_host("fd00::1", 129, &param, &err), -EINVAL);
        assert_string_equal(param, "netmask");
        assert_string_equal(err, "129 is not a valid subnet length for ipv6");
}

static void test_update_keeps_keys(void **state) {
        _cleanup_free_ char *out = NULL;

        /* Only the MTU changes; the address, gateway and "static" stay. */
        out = edit(api_base, "update", "vmbr0", "{\"type\": \"bridge\", \"mtu\": 1400}", NULL);
        assert_non_null(strstr(out, "auto vmbr0\niface vmbr0 inet static\n\taddress 10.0.0.2/24\n\tgateway 10.0.0.1\n"
                                    "\tbridge-ports eth0\n\tbridge-stp off\n\tbridge-fd 0\n\tmtu 1400\n\n"));
        out = mfree(out);

        /* --delete cidr,gateway leaves a manual bridge. */
        out = edit(api_base, "update", "vmbr0", "{\"type\": \"bridge\"}", "cidr,gateway");
        assert_non_null(strstr(out, "auto vmbr0\niface vmbr0 inet manual\n\tbridge-ports eth0\n\tbridge-stp off\n"
                                    "\tbridge-fd 0\n\n"));
}

/* Values the parser shares between interfaces stay theirs when one interface changes. */
static void test_update_shared_values(void **state) {
        _cleanup_(net_config_freep) NetConfig *c = parse_ok("iface vmbr0 inet manual\n\tbridge-ports none\n\n"
                                                          "iface vmbr1 inet manual\n\tbridge-ports none\n",
                                                          NULL);
        _cleanup_free_ char *param = NULL, *err = NULL, *f0 = NULL, *f1 = NULL;

        assert_int_equal(run_edit(c, "update", "vmbr0", "{\"type\": \"bridge\", \"cidr6\": \"fd00::1/64\"}", NULL,
                                  &param, &err),
                         0);
        f0 = json_dump_canonical(json_object_get(net_config_find(c, "vmbr0")->attrs, "families"));
        f1 = json_dump_canonical(json_object_get(net_config_find(c, "vmbr1")->attrs, "families"));
        assert_string_equal(f0, "[\"inet\",\"inet6\"]");
        assert_string_equal(f1, "[\"inet\"]");
        assert_string_equal(net_attr_str(net_config_find(c, "vmbr1"), "method"), "manual");
        assert_null(net_attr_str(net_config_find(c, "vmbr1"), "cidr6"));
}

static void test_physical_names(void **state) {
        /* upstream PHYSICAL_NIC_RE */
        STRV_FOREACH(n, STRV_MAKE("eth0", "eth12", "nic3", "if7", "enp3s0", "eno1", "ens18f0np0", "ib0", "ibp1s0"))
                assert_true(netdev_name_is_physical(*n));
        STRV_FOREACH(n, STRV_MAKE("eth", "ethx", "eth0.5", "eth0:1", "enp3s0.100", "en", "ib", "nic", "bond0", "vmbr0",
                                  "lo", "tap100i0", "veth0"))
                assert_false(netdev_name_is_physical(*n));
}

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
                cmocka_unit_test(test_guide_examples),
                cmocka_unit_test(test_hand_edits_survive),
                cmocka_unit_test(test_hand_edits_changed_stanza),
                cmocka_unit_test(test_hand_edits_delete),
                cmocka_unit_test(test_hand_edits_model),
                cmocka_unit_test(test_parse_errors),
                cmocka_unit_test(test_write_checks),
                cmocka_unit_test(test_edit_errors),
                cmocka_unit_test(test_ipv6_host_types),
                cmocka_unit_test(test_update_keeps_keys),
                cmocka_unit_test(test_update_shared_values),
                cmocka_unit_test(test_physical_names),
        };

        json_setup_allocator();
        return RUN_TESTS(tests);
}
