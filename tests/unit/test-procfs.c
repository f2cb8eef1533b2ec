/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include "sys/procfs.h"
#include "test-util.h"

static const char net_dev[] =
        "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
        "    lo: 2776770   32417    0    0    0     0          0         0  2776770   32417    0    0    0     0       0          0\n"
        "  eth0: 1234567890 1000 0 0 0 0 0 3 987654321 900 0 0 0 0 0 0\n"
        "vmbr0.100:1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
        "broken: 1 2 3\n";

static void test_net_dev(void **state) {
        NetDev *devs = NULL;
        size_t n = 0;

        assert_int_equal(parse_net_dev(net_dev, &devs, &n), 0);
        assert_int_equal(n, 3);
        assert_string_equal(devs[0].name, "lo");
        assert_int_equal(devs[0].receive, 2776770);
        assert_int_equal(devs[0].transmit, 2776770);
        assert_string_equal(devs[1].name, "eth0");
        assert_int_equal(devs[1].receive, 1234567890);
        assert_int_equal(devs[1].transmit, 987654321);
        /* No blank after the colon, as the kernel prints large counters. */
        assert_string_equal(devs[2].name, "vmbr0.100");
        assert_int_equal(devs[2].receive, 1);
        assert_int_equal(devs[2].transmit, 9);
        net_dev_free(devs, n);

        assert_int_equal(parse_net_dev("", &devs, &n), 0);
        assert_int_equal(n, 0);
        net_dev_free(devs, n);
}

static void test_arcstats(void **state) {
        MemInfo m = {};

        assert_int_equal(parse_arcstats("13 1 0x01 123 33456 0 0\nname type data\nhits 4 100\n"
                                        "c_min 4 1048576\nc_max 4 8388608\nsize 4 4194304\n",
                                        &m),
                         0);
        assert_int_equal(m.arc_size, 4194304);
        assert_int_equal(m.arc_min, 1048576);
        assert_int_equal(m.arc_max, 8388608);
}

static void test_meminfo(void **state) {
        MemInfo m = {};

        assert_int_equal(parse_meminfo("MemTotal: 1000 kB\nMemFree: 200 kB\nMemAvailable: 600 kB\n"
                                       "SwapTotal: 100 kB\nSwapFree: 40 kB\n",
                                       &m),
                         0);
        assert_int_equal(m.total, 1024000);
        assert_int_equal(m.used, 400 * 1024);
        assert_int_equal(m.swap_used, 60 * 1024);
        assert_int_equal(parse_meminfo("MemFree: 1 kB\n", &m), -EBADMSG);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_net_dev),
                cmocka_unit_test(test_arcstats),
                cmocka_unit_test(test_meminfo),
        };
        return RUN_TESTS(tests);
}
