/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * What the apply makes of a configuration, in kernel terms (net/target.h):
 * bonds, VLANs and VLAN-aware bridges too, which this kernel may not have,
 * so the namespace tests cannot show them. Also the kernel command line
 * editing of the host settings.
 */

#include <arpa/inet.h>
#include <linux/if_bridge.h>
#include <linux/if_ether.h>

#include "test-util.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/strv.h"
#include "net/hostsettings.h"
#include "net/target.h"

static NetConfig *parse(const char *text) {
        _cleanup_free_ char *err = NULL;
        NetConfig *c = NULL;

        if (net_config_parse("interfaces", text, strlen(text), NULL, &c, &err) < 0)
                fail_msg("%s", err);
        return c;
}

static void target(const char *new_text, const char *old_text, NetTarget *ret) {
        _cleanup_(net_config_freep) NetConfig *new = parse(new_text), *old = old_text ? parse(old_text) : NULL;
        _cleanup_free_ char *err = NULL;

        if (net_target_from_config(new, old, ret, &err) < 0)
                fail_msg("%s", err);
}

static size_t position(const NetTarget *t, const char *name) {
        for (size_t i = 0; i < t->n_links; i++)
                if (streq(t->links[i].name, name))
                        return i;
        fail_msg("%s not in the target", name);
        return SIZE_MAX;
}

static bool has_vlan(const NetTargetLink *l, unsigned vid, unsigned vid_end, unsigned flags) {
        for (size_t i = 0; i < l->n_vlans; i++)
                if (l->vlans[i].vid == vid && l->vlans[i].vid_end == vid_end && l->vlans[i].flags == flags)
                        return true;
        return false;
}

static const char stack[] =
        "auto lo\niface lo inet loopback\n\n"
        "iface eno1 inet manual\n\niface eno2 inet manual\n\n"
        "auto bond0\niface bond0 inet manual\n\tbond-slaves eno1 eno2\n\tbond-miimon 100\n\tbond-mode 802.3ad\n"
        "\tbond-xmit-hash-policy layer3+4\n\n"
        "auto bond0.100\niface bond0.100 inet manual\n\tvlan-protocol 802.1ad\n\n"
        "auto vmbr0\niface vmbr0 inet static\n\taddress 10.0.0.2/24\n\tgateway 10.0.0.1\n\tbridge-ports bond0\n"
        "\tbridge-stp off\n\tbridge-fd 0\n\tbridge-vlan-aware yes\n\tbridge-vids 10 20-30\n\tmtu 9000\n"
        "\thwaddress ether 02:00:00:00:00:01\n\n"
        "auto vmbr0.5\niface vmbr0.5 inet static\n\taddress 10.5.0.2/24\n";

static void test_bond_vlan_bridge(void **state) {
        _cleanup_(net_target_done) NetTarget t = {};
        NetTargetLink *bond, *vlan, *br, *eno1, *v5;

        target(stack, NULL, &t);

        /* Lower devices first: NICs, the bond, then what sits on it. */
        assert_true(position(&t, "eno1") < position(&t, "bond0"));
        assert_true(position(&t, "bond0") < position(&t, "vmbr0"));
        assert_true(position(&t, "bond0") < position(&t, "bond0.100"));
        assert_true(position(&t, "vmbr0") < position(&t, "vmbr0.5"));

        bond = net_target_link(&t, "bond0");
        assert_string_equal(bond->kind, "bond");
        assert_int_equal(bond->bond.mode.value, 4);
        assert_int_equal(bond->bond.miimon.value, 100);
        assert_int_equal(bond->bond.xmit_hash_policy.value, 1); /* the kernel's number for layer3+4 */
        assert_true(bond->set_master);
        assert_string_equal(bond->master, "vmbr0");

        eno1 = net_target_link(&t, "eno1");
        assert_string_equal(eno1->kind, "");
        assert_string_equal(eno1->master, "bond0");
        assert_int_equal(eno1->up.value, 1);

        vlan = net_target_link(&t, "bond0.100");
        assert_string_equal(vlan->kind, "vlan");
        assert_string_equal(vlan->parent, "bond0");
        assert_int_equal(vlan->vlan.id.value, 100);
        assert_int_equal(vlan->vlan.protocol.value, ETH_P_8021AD);

        br = net_target_link(&t, "vmbr0");
        assert_string_equal(br->kind, "bridge");
        assert_int_equal(br->bridge.vlan_filtering.value, 1);
        assert_int_equal(br->bridge.stp_state.value, 0);
        assert_int_equal(br->bridge.forward_delay.value, 0);
        assert_int_equal(br->mtu.value, 9000);
        assert_int_equal(br->mac_len, 6);
        assert_int_equal(br->mac[5], 1);
        assert_true(br->exact_addrs[0]);
        assert_int_equal(br->n_addrs, 1);
        assert_int_equal(br->addrs[0].prefixlen, 24);
        /* The bridge itself carries the PVID and the VLAN of vmbr0.5; its port the bridge-vids. */
        assert_true(br->exact_vlans);
        assert_true(has_vlan(br, 1, 1, BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED));
        assert_true(has_vlan(br, 5, 5, 0));
        assert_true(bond->exact_vlans);
        assert_true(has_vlan(bond, 1, 1, BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED));
        assert_true(has_vlan(bond, 10, 10, 0));
        assert_true(has_vlan(bond, 20, 30, 0));

        v5 = net_target_link(&t, "vmbr0.5");
        assert_string_equal(v5->parent, "vmbr0");
        assert_int_equal(v5->vlan.id.value, 5);

        assert_int_equal(t.n_routes, 1);
        assert_string_equal(t.routes[0].dev, "vmbr0");
        assert_true(t.routes[0].route.has_gateway);
        assert_true(strv_isempty(t.remove));
}

static void test_previous_configuration(void **state) {
        static const char old[] =
                "auto lo\niface lo inet loopback\n\n"
                "auto eth0\niface eth0 inet static\n\taddress 192.0.2.5/24\n\tgateway 192.0.2.1\n\tmtu 9000\n\n"
                "auto vmbr1\niface vmbr1 inet manual\n\tbridge-ports eth1\n\tbridge-stp off\n\tbridge-fd 0\n";
        static const char new[] =
                "auto lo\niface lo inet loopback\n\n"
                "auto eth0\niface eth0 inet static\n\taddress 192.0.2.6/24\n\tgateway 192.0.2.254\n";
        _cleanup_(net_target_done) NetTarget t = {};
        NetTargetLink *eth0, *eth1, *vmbr1;
        char text[INET_ADDRSTRLEN];

        target(new, old, &t);
        assert_true(strv_contains(t.remove, "vmbr1"));
        vmbr1 = net_target_link(&t, "vmbr1");
        assert_int_equal(vmbr1->up.value, 0);

        /* The old bridge's port is released, the old MTU goes back to the default. */
        eth1 = net_target_link(&t, "eth1");
        assert_true(eth1->set_master);
        assert_null(eth1->master);
        eth0 = net_target_link(&t, "eth0");
        assert_int_equal(eth0->mtu.value, 1500);
        assert_int_equal(eth0->n_drop_addrs, 1);
        assert_string_equal(inet_ntop(AF_INET, &eth0->drop_addrs[0].local.in, text, sizeof(text)), "192.0.2.5");

        /* The old gateway goes, the new one comes. */
        assert_int_equal(t.n_drop_routes, 1);
        assert_string_equal(inet_ntop(AF_INET, &t.drop_routes[0].route.gateway.in, text, sizeof(text)), "192.0.2.1");
        assert_int_equal(t.n_routes, 1);
        assert_string_equal(inet_ntop(AF_INET, &t.routes[0].route.gateway.in, text, sizeof(text)), "192.0.2.254");
}

static void test_managed(void **state) {
        _cleanup_(net_config_freep) NetConfig *c = parse(
                "auto lo\niface lo inet loopback\n\niface eth9 inet manual\n\niface eth0 inet manual\n\n"
                "auto vmbr0\niface vmbr0 inet manual\n\tbridge-ports eth0 eth1.7\n\tbridge-stp off\n\tbridge-fd 0\n");
        _cleanup_strv_free_ char **m = net_config_managed(c);
        _cleanup_free_ char *joined = strv_join(m, " ");

        /* What is auto, and what it builds on (an undeclared VLAN port and its NIC too); not eth9. */
        assert_string_equal(joined, "eth0 eth1 eth1.7 lo vmbr0");
}

static void test_from_state(void **state) {
        RtnlLink links[] = {
                { .ifindex = 1, .name = "lo", .flags = 1, .mtu = 65536 },
                { .ifindex = 2, .name = "eth0", .flags = 1, .mtu = 1500, .master = 3 },
                { .ifindex = 3, .name = "vmbr0", .flags = 1, .mtu = 1500, .kind = "bridge",
                  .bridge = { .stp_state = RTNL_SET(0), .forward_delay = RTNL_SET(0) } },
        };
        RtnlLink now_links[] = { links[0], links[1], links[2],
                                 { .ifindex = 4, .name = "vmbr1", .flags = 1, .mtu = 1500, .kind = "bridge" } };
        NetState before = { .links = links, .n_links = 3 }, now = { .links = now_links, .n_links = 4 };
        _cleanup_(net_target_done) NetTarget t = {};
        NetTargetLink *br;

        assert_int_equal(net_target_from_state(&before, &now, STRV_MAKE("vmbr0", "vmbr1"), &t), 0);
        assert_true(strv_contains(t.remove, "vmbr1"));
        br = net_target_link(&t, "vmbr0");
        assert_string_equal(br->kind, "bridge");
        assert_true(br->exact_addrs[0] && br->exact_addrs[1]);
        assert_int_equal(br->n_addrs, 0);
        assert_null(net_target_link(&t, "eth0")); /* not touched: not restored */
}

static void test_cmdline(void **state) {
        _cleanup_free_ char *a = net_cmdline_set("quiet", "net.naming-scheme", "v252"),
                            *b = net_cmdline_set("root=/dev/sda1 net.naming-scheme=v247 quiet", "net.naming-scheme", "v252"),
                            *c = net_cmdline_set("", "net.naming-scheme", "v252");

        assert_string_equal(a, "quiet net.naming-scheme=v252");
        assert_string_equal(b, "root=/dev/sda1 net.naming-scheme=v252 quiet");
        assert_string_equal(c, "net.naming-scheme=v252");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_bond_vlan_bridge),
                cmocka_unit_test(test_previous_configuration),
                cmocka_unit_test(test_managed),
                cmocka_unit_test(test_from_state),
                cmocka_unit_test(test_cmdline),
        };

        json_setup_allocator();
        return RUN_TESTS(tests);
}
