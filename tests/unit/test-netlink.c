/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * The rtnetlink layer.
 *
 * Requests are compared byte for byte with what ip(8) and bridge(8) of
 * iproute2 6.1 send for the same command (recorded with strace, sequence
 * number zeroed), which covers link kinds this kernel may lack (VLAN, bond).
 * The dumps and acknowledgements run against the kernel in a private network
 * namespace.
 */

#include <arpa/inet.h>
#include <linux/if_bridge.h>
#include <linux/rtnetlink.h>
#include <sched.h>

#include "test-util.h"
#include "basic/alloc.h"
#include "basic/strbuf.h"
#include "sys/netlink.h"

static void assert_msg(const RtnlMsg *m, const char *expected_hex) {
        _cleanup_strbuf_ StrBuf got = STRBUF_INIT, want = STRBUF_INIT;
        const uint8_t *p = (const uint8_t *) m->nlh;

        for (size_t i = 0; i < m->nlh->nlmsg_len; i++)
                strbuf_addf(&got, "%02x", p[i]);
        for (const char *h = expected_hex; *h; h++)
                if (*h != ' ')
                        strbuf_addc(&want, *h);
        if (!streq(got.buf, want.buf)) {
                print_message("expected %s\n     got %s\n", want.buf, got.buf);
                fail();
        }
}

/* "ip link add link vA name vA.5 mtu 1400 type vlan id 5 protocol 802.1ad" (vA has ifindex 3) */
static void test_vlan_create(void **state) {
        RtnlMsg m;

        rtnl_msg_link(&m, &(RtnlLinkChange) {
                                                                    .name = "vA.5",
                                  .kind = "vlan",
                                  .link = 3,
                                  .mtu = RTNL_SET(1400),
                                  .vlan = { .id = RTNL_SET(5), .protocol = RTNL_SET(0x88a8) },
                          });
        assert_msg(&m, "5c000000 1000 0506 00000000 00000000"
                       "00000000 00000000 00000000 00000000"
                       "08000400 78050000 08000500 03000000 09000300 76412e35 00000000"
                       "20001200 08000100 766c616e 14000200 06000100 05000000 06000500 88a80000");
}

/* "ip link add bond0 type bond mode 802.3ad miimon 100 xmit_hash_policy layer3+4" */
static void test_bond_create(void **state) {
        RtnlMsg m;

        rtnl_msg_link(&m, &(RtnlLinkChange) {
                                                                    .name = "bond0",
                                  .kind = "bond",
                                  .bond = { .mode = RTNL_SET(4), .miimon = RTNL_SET(100), .xmit_hash_policy = RTNL_SET(1) },
                          });
        assert_msg(&m, "54000000 1000 0506 00000000 00000000"
                       "00000000 00000000 00000000 00000000"
                       "0a000300 626f6e64 30000000"
                       "28001200 08000100 626f6e64 1c000200 05000100 04000000 08000300 64000000 05000e00 01000000");
}

/* "ip link add bond0 type bond mode active-backup miimon 100 primary vA" */
static void test_bond_primary(void **state) {
        RtnlMsg m;

        rtnl_msg_link(&m, &(RtnlLinkChange) {
                                                                    .name = "bond0",
                                  .kind = "bond",
                                  .bond = { .mode = RTNL_SET(1), .miimon = RTNL_SET(100), .primary = RTNL_SET(3) },
                          });
        assert_msg(&m, "54000000 1000 0506 00000000 00000000"
                       "00000000 00000000 00000000 00000000"
                       "0a000300 626f6e64 30000000"
                       "28001200 08000100 626f6e64 1c000200 05000100 01000000 08000300 64000000 08000b00 03000000");
}

/* "ip link add br0 type bridge forward_delay 0 stp_state 0 vlan_filtering 1" */
static void test_bridge_create(void **state) {
        RtnlMsg m;

        rtnl_msg_link(&m, &(RtnlLinkChange) {
                                                                    .name = "br0",
                                  .kind = "bridge",
                                  .bridge = { .forward_delay = RTNL_SET(0), .stp_state = RTNL_SET(0),
                                              .vlan_filtering = RTNL_SET(1) },
                          });
        assert_msg(&m, "54000000 1000 0506 00000000 00000000"
                       "00000000 00000000 00000000 00000000"
                       "08000300 62723000"
                       "2c001200 0a000100 62726964 67650000 1c000200 08000100 00000000 08000500 00000000"
                       "05000700 01000000");
}

/* "ip link set dev br0 type bridge forward_delay 1500 stp_state 1 vlan_filtering 1 vlan_protocol 802.1q" */
static void test_bridge_change(void **state) {
        RtnlMsg m;

        rtnl_msg_link(&m, &(RtnlLinkChange) {
                                                                    .ifindex = 4,
                                  .kind = "bridge",
                                  .bridge = { .forward_delay = RTNL_SET(1500), .stp_state = RTNL_SET(1),
                                              .vlan_filtering = RTNL_SET(1), .vlan_protocol = RTNL_SET(0x8100) },
                          });
        assert_msg(&m, "54000000 1000 0500 00000000 00000000"
                       "00000000 04000000 00000000 00000000"
                       "34001200 0a000100 62726964 67650000 24000200 08000100 dc050000 08000500 01000000"
                       "05000700 01000000 06000800 81000000");
}

/* "ip link set dev vA mtu 9000 master br0 up", "ip link set dev vA nomaster", "ip link del dev br0" */
static void test_link_set(void **state) {
        RtnlMsg m;

        rtnl_msg_link(&m, &(RtnlLinkChange) { .ifindex = 3, .mtu = RTNL_SET(9000), .master = RTNL_SET(4), .up = RTNL_SET(1) });
        assert_msg(&m, "30000000 1000 0500 00000000 00000000"
                       "00000000 03000000 01000000 01000000"
                       "08000400 28230000 08000a00 04000000");
        rtnl_msg_link(&m, &(RtnlLinkChange) { .ifindex = 3, .master = RTNL_SET(0) });
        assert_msg(&m, "28000000 1000 0500 00000000 00000000"
                       "00000000 03000000 00000000 00000000"
                       "08000a00 00000000");
        rtnl_msg_link_del(&m, 4);
        assert_msg(&m, "20000000 1100 0500 00000000 00000000"
                       "00000000 04000000 00000000 00000000");
}

static RtnlAddr v4_addr(void) {
        RtnlAddr a = { .family = AF_INET, .ifindex = 3, .prefixlen = 24 };

        assert_int_equal(inet_pton(AF_INET, "10.0.0.2", &a.local.in), 1);
        return a;
}

/* "ip addr add 10.0.0.2/24 [broadcast 10.0.0.255] dev vA", "ip addr add fd00::2/64 dev vA", "ip addr del ..." */
static void test_addr(void **state) {
        RtnlAddr a = v4_addr(), b = v4_addr(), c = { .family = AF_INET6, .ifindex = 3, .prefixlen = 64 };
        RtnlMsg m;

        rtnl_msg_addr(&m, true, &a);
        assert_msg(&m, "28000000 1400 0506 00000000 00000000 02180000 03000000 08000200 0a000002 08000100 0a000002");
        b.has_broadcast = true;
        assert_int_equal(inet_pton(AF_INET, "10.0.0.255", &b.broadcast.in), 1);
        rtnl_msg_addr(&m, true, &b);
        assert_msg(&m, "30000000 1400 0506 00000000 00000000 02180000 03000000 08000200 0a000002 08000400 0a0000ff"
                       "08000100 0a000002");
        assert_int_equal(inet_pton(AF_INET6, "fd00::2", &c.local.in6), 1);
        rtnl_msg_addr(&m, true, &c);
        assert_msg(&m, "40000000 1400 0506 00000000 00000000 0a400000 03000000"
                       "14000200 fd000000 00000000 00000000 00000002 14000100 fd000000 00000000 00000000 00000002");
        rtnl_msg_addr(&m, false, &a);
        assert_msg(&m, "28000000 1500 0500 00000000 00000000 02180000 03000000 08000200 0a000002 08000100 0a000002");
}

/* "ip route add|replace|del default via 10.0.0.1 dev vA proto boot", "ip route add default via fd00::1 dev vA proto boot metric 1024" */
static void test_route(void **state) {
        RtnlRoute r = { .family = AF_INET, .has_gateway = true, .oif = 3, .table = RT_TABLE_MAIN,
                        .protocol = RTPROT_BOOT, .scope = RT_SCOPE_UNIVERSE, .type = RTN_UNICAST };
        RtnlRoute r6 = r;
        RtnlMsg m;

        assert_int_equal(inet_pton(AF_INET, "10.0.0.1", &r.gateway.in), 1);
        rtnl_msg_route(&m, RTNL_ROUTE_ADD, &r);
        assert_msg(&m, "2c000000 1800 0506 00000000 00000000 02000000 fe030001 00000000 08000500 0a000001 08000400 03000000");
        /* "ip route replace default via 10.0.0.1 dev vA proto boot" */
        rtnl_msg_route(&m, RTNL_ROUTE_REPLACE, &r);
        assert_msg(&m, "2c000000 1800 0505 00000000 00000000 02000000 fe030001 00000000 08000500 0a000001 08000400 03000000");
        rtnl_msg_route(&m, RTNL_ROUTE_DEL, &r);
        assert_msg(&m, "2c000000 1900 0500 00000000 00000000 02000000 fe03ff00 00000000 08000500 0a000001 08000400 03000000");

        r6.family = AF_INET6;
        r6.has_priority = true;
        r6.priority = 1024;
        assert_int_equal(inet_pton(AF_INET6, "fd00::1", &r6.gateway.in6), 1);
        rtnl_msg_route(&m, RTNL_ROUTE_ADD, &r6);
        assert_msg(&m, "40000000 1800 0506 00000000 00000000 0a000000 fe030001 00000000"
                       "14000500 fd000000 00000000 00000000 00000001 08000600 00040000 08000400 03000000");
}

/* "bridge vlan add|del vid 2-4094 dev vB", "bridge vlan add vid 1 dev vB pvid untagged" (vB has ifindex 2) */
static void test_bridge_vlan(void **state) {
        RtnlMsg m;

        rtnl_msg_bridge_vlan(&m, true, &(RtnlVlan) { .ifindex = 2, .vid = 2, .vid_end = 4094 }, false);
        assert_msg(&m, "34000000 1300 0500 00000000 00000000 07000000 02000000 00000000 00000000"
                       "14001a00 08000200 08000200 08000200 1000fe0f");
        rtnl_msg_bridge_vlan(&m, false, &(RtnlVlan) { .ifindex = 2, .vid = 2, .vid_end = 4094 }, false);
        assert_msg(&m, "34000000 1100 0500 00000000 00000000 07000000 02000000 00000000 00000000"
                       "14001a00 08000200 08000200 08000200 1000fe0f");
        rtnl_msg_bridge_vlan(&m, true,
                             &(RtnlVlan) { .ifindex = 2, .vid = 1, .vid_end = 1,
                                           .flags = BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED },
                             false);
        assert_msg(&m, "2c000000 1300 0500 00000000 00000000 07000000 02000000 00000000 00000000"
                       "0c001a00 08000200 06000100");
}

/* ---- against the kernel -------------------------------------------------------- */

static int find_link(const RtnlLink *links, size_t n, const char *name) {
        for (size_t i = 0; i < n; i++)
                if (streq(links[i].name, name))
                        return (int) i;
        return -1;
}

#define call_ok(r, m) call_ok_at(r, m, __LINE__)
static void call_ok_at(Rtnl *r, RtnlMsg *m, int line) {
        _cleanup_free_ char *extack = NULL;
        int k = rtnl_call(r, m, &extack);

        if (k < 0)
                fail_msg("line %d: rtnl_call: %s (%s)", line, strerror(-k), strempty(extack));
}

/* A network namespace of our own; the rest of this program runs in it too. */
static void enter_new_netns(void) {
        if (unshare(CLONE_NEWNET) < 0) {
                fprintf(stderr, "skip: cannot create a network namespace: %s\n", strerror(errno));
                skip();
        }
}

static void test_kernel(void **state) {
        _cleanup_free_ RtnlLink *links = NULL;
        _cleanup_free_ RtnlAddr *addrs = NULL;
        _cleanup_free_ RtnlRoute *routes = NULL;
        _cleanup_free_ char *extack = NULL;
        size_t n_links, n_addrs, n_routes;
        Rtnl rtnl = RTNL_INIT;
        RtnlAddr a = v4_addr();
        RtnlRoute route = { .family = AF_INET, .has_gateway = true, .table = RT_TABLE_MAIN, .protocol = RTPROT_BOOT,
                            .scope = RT_SCOPE_UNIVERSE, .type = RTN_UNICAST };
        RtnlMsg m;
        int br, lo, k;

        enter_new_netns();
        assert_int_equal(rtnl_open(&rtnl), 0);

        rtnl_msg_link(&m, &(RtnlLinkChange) {
                                  .name = "br0",
                                  .kind = "bridge",
                                  .bridge = { .forward_delay = RTNL_SET(0), .stp_state = RTNL_SET(0) },
                          });
        call_ok(&rtnl, &m);
        /* A second one fails with the kernel's errno. */
        assert_int_equal(rtnl_call(&rtnl, &m, &extack), -EEXIST);
        extack = mfree(extack);

        assert_int_equal(rtnl_dump_links(&rtnl, &links, &n_links), 0);
        br = find_link(links, n_links, "br0");
        lo = find_link(links, n_links, "lo");
        assert_true(br >= 0 && lo >= 0);
        assert_string_equal(links[br].kind, "bridge");
        assert_true(links[br].bridge.stp_state.set);
        assert_int_equal(links[br].bridge.forward_delay.value, 0);
        assert_int_equal(links[br].bridge.stp_state.value, 0);
        assert_false(links[lo].bridge.stp_state.set);
        assert_string_equal(links[lo].kind, "");
        assert_int_equal(links[br].address_len, 6);

        /* The kernel explains what it refuses. */
        rtnl_msg_link(&m, &(RtnlLinkChange) { .ifindex = links[br].ifindex, .mtu = RTNL_SET(10) });
        k = rtnl_call(&rtnl, &m, &extack);
        assert_int_equal(k, -EINVAL);
        assert_non_null(extack);
        extack = mfree(extack);

        rtnl_msg_link(&m, &(RtnlLinkChange) { .ifindex = links[br].ifindex, .up = RTNL_SET(1) });
        call_ok(&rtnl, &m);
        a.ifindex = links[br].ifindex;
        rtnl_msg_addr(&m, true, &a);
        call_ok(&rtnl, &m);
        assert_int_equal(rtnl_dump_addrs(&rtnl, &addrs, &n_addrs), 0);
        k = -1;
        for (size_t i = 0; i < n_addrs; i++)
                if (addrs[i].ifindex == links[br].ifindex && addrs[i].family == AF_INET)
                        k = (int) i;
        assert_true(k >= 0);
        assert_int_equal(addrs[k].prefixlen, 24);
        assert_memory_equal(&addrs[k].local.in, &a.local.in, 4);
        assert_true(addrs[k].permanent);

        route.oif = links[br].ifindex;
        assert_int_equal(inet_pton(AF_INET, "10.0.0.1", &route.gateway.in), 1);
        rtnl_msg_route(&m, RTNL_ROUTE_ADD, &route);
        call_ok(&rtnl, &m);
        assert_int_equal(rtnl_dump_routes(&rtnl, &routes, &n_routes), 0);
        k = -1;
        for (size_t i = 0; i < n_routes; i++)
                if (routes[i].dst_len == 0 && routes[i].family == AF_INET && routes[i].has_gateway)
                        k = (int) i;
        assert_true(k >= 0);
        assert_int_equal(routes[k].protocol, RTPROT_BOOT);
        assert_int_equal(routes[k].oif, links[br].ifindex);
        rtnl_msg_route(&m, RTNL_ROUTE_DEL, &routes[k]);
        call_ok(&rtnl, &m);

        rtnl_msg_link_del(&m, links[br].ifindex);
        call_ok(&rtnl, &m);
        rtnl_close(&rtnl);
}

/* VLAN filtering: kernels built without it (CONFIG_BRIDGE_VLAN_FILTERING) refuse. */
static void test_kernel_vlan_filtering(void **state) {
        _cleanup_free_ RtnlLink *links = NULL;
        _cleanup_free_ RtnlVlan *vlans = NULL;
        _cleanup_free_ char *extack = NULL;
        size_t n_links, n_vlans;
        Rtnl rtnl = RTNL_INIT;
        RtnlMsg m;
        int br, k, bridge_vlans = 0;

        enter_new_netns();
        assert_int_equal(rtnl_open(&rtnl), 0);
        rtnl_msg_link(&m, &(RtnlLinkChange) { .name = "br0", .kind = "bridge" });
        call_ok(&rtnl, &m);
        assert_int_equal(rtnl_dump_links(&rtnl, &links, &n_links), 0);
        br = find_link(links, n_links, "br0");
        assert_true(br >= 0);

        rtnl_msg_link(&m, &(RtnlLinkChange) { .ifindex = links[br].ifindex, .kind = "bridge",
                                              .bridge = { .vlan_filtering = RTNL_SET(1) } });
        k = rtnl_call(&rtnl, &m, &extack);
        if (k == -EOPNOTSUPP) {
                /* skip() leaves by longjmp: nothing is cleaned up on the way out. */
                links = mfree(links);
                extack = mfree(extack);
                rtnl_close(&rtnl);
                fprintf(stderr, "skip: bridge VLAN filtering: this kernel lacks it\n");
                skip();
        }
        assert_int_equal(k, 0);
        rtnl_msg_bridge_vlan(&m, true, &(RtnlVlan) { .ifindex = links[br].ifindex, .vid = 5, .vid_end = 7 }, true);
        call_ok(&rtnl, &m);
        assert_int_equal(rtnl_dump_bridge_vlans(&rtnl, &vlans, &n_vlans), 0);
        for (size_t i = 0; i < n_vlans; i++)
                if (vlans[i].ifindex == links[br].ifindex) {
                        bridge_vlans++;
                        if (vlans[i].vid == 5)
                                assert_int_equal(vlans[i].vid_end, 7);
                        else
                                assert_int_equal(vlans[i].flags, BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED);
                }
        assert_int_equal(bridge_vlans, 2);

        rtnl_msg_link_del(&m, links[br].ifindex);
        call_ok(&rtnl, &m);
        rtnl_close(&rtnl);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_vlan_create),
                cmocka_unit_test(test_bond_create),
                cmocka_unit_test(test_bond_primary),
                cmocka_unit_test(test_bridge_create),
                cmocka_unit_test(test_bridge_change),
                cmocka_unit_test(test_link_set),
                cmocka_unit_test(test_addr),
                cmocka_unit_test(test_route),
                cmocka_unit_test(test_bridge_vlan),
                cmocka_unit_test(test_kernel),
                cmocka_unit_test(test_kernel_vlan_filtering),
        };

        return RUN_TESTS(tests);
}
