/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <math.h>

#include "api/json-util.h"
#include "basic/alloc.h"
#include "metrics/graphite.h"
#include "metrics/history.h"
#include "metrics/influx.h"
#include "metrics/otlp.h"
#include "metrics/prometheus.h"
#include "metrics/rrdnode.h"
#include "test-util.h"

static NodeSample *fake_sample(void) {
        NodeSample *s = new0(NodeSample, 1);

        s->refs = 1;
        s->time = 1700000000.25;
        s->uptime = 4242;
        s->stat = (CpuStat) { .user = 1000, .system = 500, .idle = 8000, .iowait = 100, .used = 1500, .total = 9600 };
        s->user_hz = 100;
        s->cpu = 0.25;
        s->wait = 0.00001;
        snprintf(s->loadavg.avg[0], sizeof(s->loadavg.avg[0]), "0.15");
        snprintf(s->loadavg.avg[1], sizeof(s->loadavg.avg[1]), "0.10");
        snprintf(s->loadavg.avg[2], sizeof(s->loadavg.avg[2]), "0.05");
        s->cpus = 4;
        s->mem = (MemInfo) { .total = 8192, .available = 6144, .used = 2048, .free = 1024 };
        s->root = (DiskUsage) { .frsize = 4096, .blocks = 100, .bfree = 40, .bavail = 30, .files = 10, .ffree = 5,
                                .favail = 5 };
        s->n_nics = 2;
        s->nics = new0(NetDev, 2);
        s->nics[0] = (NetDev) { .name = xstrdup("eth0"), .receive = 1000, .transmit = 2000 };
        s->nics[1] = (NetDev) { .name = xstrdup("vmbr0.5"), .receive = 7, .transmit = 8 };
        return s;
}

static bool has_line(const Payloads *p, const char *line) {
        for (size_t i = 0; i < p->n; i++) {
                _cleanup_free_ char *text = xstrndup(p->items[i].data, p->items[i].len);
                _cleanup_free_ char *needle = xasprintf("%s\n", line);

                if (strstr(text, needle))
                        return true;
        }
        return false;
}

static void test_graphite(void **state) {
        _cleanup_(node_sample_unrefp) NodeSample *s = fake_sample();
        _cleanup_json_ json_t *tree = node_sample_tree(s);
        _cleanup_(payloads_done) Payloads p = PAYLOADS_INIT(graphite_batch_size(false, 512));

        graphite_encode(&p, tree, "proxmox.nodes.pve1", 1700000000);
        payloads_flush(&p);
        assert_true(has_line(&p, "proxmox.nodes.pve1.memory.memtotal 8192 1700000000"));
        assert_true(has_line(&p, "proxmox.nodes.pve1.uptime 4242 1700000000"));
        assert_true(has_line(&p, "proxmox.nodes.pve1.cpustat.avg1 0.15 1700000000"));
        /* No exponent notation, so Graphite keeps small fractions. */
        assert_true(has_line(&p, "proxmox.nodes.pve1.cpustat.wait 0.00001 1700000000"));
        /* Dots in keys become dashes; strings (type) are left out. */
        assert_true(has_line(&p, "proxmox.nodes.pve1.nics.vmbr0-5.receive 7 1700000000"));
        assert_false(has_line(&p, "proxmox.nodes.pve1.nics.eth0.type physical 1700000000"));
        /* Filesys::Df in bytes: 100 blocks of 4096, 30 available to users. */
        assert_true(has_line(&p, "proxmox.nodes.pve1.blockstat.blocks 409600 1700000000"));
        assert_true(has_line(&p, "proxmox.nodes.pve1.blockstat.per 67 1700000000"));
        /* Batched below mtu - 50. */
        assert_true(p.n > 1);
        for (size_t i = 0; i < p.n; i++)
                assert_true(p.items[i].len < 462);
}

static void test_influx(void **state) {
        _cleanup_(node_sample_unrefp) NodeSample *s = fake_sample();
        _cleanup_json_ json_t *tree = node_sample_tree(s);
        _cleanup_(payloads_done) Payloads p = PAYLOADS_INIT(100000);
        MetricServer m = { .transport = METRIC_HTTP, .server = (char *) "::1", .port = 8086,
                           .api_path_prefix = (char *) "//influx/x/", .organization = (char *) "my org",
                           .bucket = (char *) "b" };
        _cleanup_free_ char *url = NULL, *health = NULL;

        influx_encode(&p, tree, "object=nodes,host=pve1", 1700000000000000000);
        payloads_flush(&p);
        assert_int_equal(p.n, 1);
        assert_true(has_line(&p, "nics,object=nodes,host=pve1,instance=eth0 receive=1000,transmit=2000,"
                                 "type=\"physical\" 1700000000000000000"));
        assert_true(has_line(&p, "system,object=nodes,host=pve1 uptime=4242 1700000000000000000"));
        assert_non_null(strstr(p.items[0].data, "memory,object=nodes,host=pve1 arcmax=0,arcmin=0,arcsize=0,"));

        url = influx_write_url(&m);
        assert_string_equal(url, "http://[::1]:8086/influx/x/api/v2/write?org=my%20org&bucket=b");
        m.api_path_prefix = NULL;
        health = influx_url(&m, "health");
        assert_string_equal(health, "http://[::1]:8086/health");
}

static void test_batching(void **state) {
        _cleanup_(payloads_done) Payloads p = PAYLOADS_INIT(10);

        payloads_add_chunk(&p, "aaaa\n", 5);
        payloads_add_chunk(&p, "bbbb\n", 5); /* 10 >= 10: flush first, as upstream */
        payloads_add_chunk(&p, "cccccccccccc\n", 13);
        payloads_flush(&p);
        assert_int_equal(p.n, 3);
        assert_int_equal(p.items[2].len, 13);
        assert_int_equal(payloads_size(&p), 23);
}

static const json_t *find_metric(const json_t *metrics, const char *name) {
        size_t i;
        json_t *m;

        json_array_foreach(metrics, i, m)
                if (streq(json_object_get_string(m, "name"), name))
                        return m;
        return NULL;
}

static void test_otlp(void **state) {
        _cleanup_(node_sample_unrefp) NodeSample *s = fake_sample();
        _cleanup_json_ json_t *tree = node_sample_tree(s), *metrics = otlp_node_metrics(tree, "pve1", 1700000000, 100);
        _cleanup_json_ json_t *attrs = otlp_resource_attributes("pve1", NULL);
        _cleanup_(payloads_done) Payloads p = PAYLOADS_INIT(0), small = PAYLOADS_INIT(0);
        const json_t *m;

        m = find_metric(metrics, "proxmox_node_memory_memtotal");
        assert_non_null(m);
        assert_string_equal(json_object_get_string(m, "unit"), "bytes");
        assert_int_equal(json_integer_value(json_object_get(
                                 json_array_get(json_object_get(json_object_get(m, "gauge"), "dataPoints"), 0), "asInt")),
                         8192);
        m = find_metric(metrics, "proxmox_node_cpustat_user_total");
        assert_non_null(m);
        assert_true(json_is_true(json_object_get(json_object_get(m, "sum"), "isMonotonic")));
        /* 1000 ticks at 100 Hz */
        assert_true(fabs(json_real_value(json_object_get(
                                 json_array_get(json_object_get(json_object_get(m, "sum"), "dataPoints"), 0),
                                 "asDouble")) -
                         10.0) < 1e-9);
        assert_non_null(find_metric(metrics, "proxmox_node_network_receive_total"));
        assert_null(find_metric(metrics, "proxmox_node_cpustat_ctime"));

        otlp_encode(&p, metrics, attrs, false, 10000000);
        assert_int_equal(p.n, 1);
        otlp_encode(&small, metrics, attrs, false, 1024);
        assert_true(small.n > 1);
        for (size_t i = 0; i < small.n; i++)
                assert_true(small.items[i].len <= 1024);
}

static void test_prometheus(void **state) {
        _cleanup_(node_sample_unrefp) NodeSample *s = fake_sample();
        _cleanup_free_ char *text = prometheus_render(s, "pve1");

        assert_non_null(strstr(text, "# TYPE pve_node_cpu_seconds_total counter\n"));
        assert_non_null(strstr(text, "pve_node_cpu_seconds_total{node=\"pve1\",mode=\"user\"} 10\n"));
        assert_non_null(strstr(text, "pve_node_memory_total_bytes{node=\"pve1\"} 8192\n"));
        assert_non_null(strstr(
                text, "pve_node_network_receive_bytes_total{node=\"pve1\",interface=\"eth0\",type=\"physical\"} 1000\n"));
}

static void test_history(void **state) {
        _cleanup_(node_sample_unrefp) NodeSample *s = fake_sample();
        _cleanup_free_ char *l1 = metric_history_line(s, "pve1", 100), *l2 = metric_history_line(s, "pve1", 110);
        _cleanup_free_ char *text = xasprintf("%s%s{\"timestamp\":1", l1, l2);
        _cleanup_json_ json_t *last = metric_history_export(text, false, -1), *all = metric_history_export(text, true, -1);
        _cleanup_json_ json_t *newer = metric_history_export(text, true, 100);

        assert_int_equal(json_array_size(last), 15);
        assert_int_equal(json_array_size(all), 30);
        assert_int_equal(json_array_size(newer), 15);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(all, 0), "timestamp")), 100);
        assert_string_equal(json_object_get_string(json_array_get(all, 1), "metric"), "net_in");
        assert_string_equal(json_object_get_string(json_array_get(all, 1), "type"), "derive");
        /* Only physical NICs count. */
        assert_int_equal(json_integer_value(json_object_get(json_array_get(all, 1), "value")), 1000);
}

static void test_rrd_rows(void **state) {
        char *names[] = { (char *) "a", (char *) "b", NULL };
        const double data[] = { 1, NAN, NAN, 2, NAN, NAN };
        _cleanup_json_ json_t *rows = rrd_rows_to_json(600, 60, 2, names, 3, data);
        _cleanup_free_ char *upd = NULL;
        _cleanup_(node_sample_unrefp) NodeSample *s = fake_sample();

        /* Every row, as rrdtool fetch gives them, an empty newest one too; undefined values left out. */
        assert_int_equal(json_array_size(rows), 3);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "time")), 660);
        assert_null(json_object_get(json_array_get(rows, 0), "b"));
        assert_null(json_object_get(json_array_get(rows, 1), "a"));
        assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 2), "time")), 780);
        assert_int_equal(json_object_size(json_array_get(rows, 2)), 1);
        upd = rrd_node_update_string(s);
        assert_string_equal(upd, "1700000000.250000:0.15:4:0.25:1.0000000000000001e-05:8192:2048:0:0:409600:245760:1000:2000");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_graphite), cmocka_unit_test(test_influx),     cmocka_unit_test(test_batching),
                cmocka_unit_test(test_otlp),     cmocka_unit_test(test_prometheus), cmocka_unit_test(test_history),
                cmocka_unit_test(test_rrd_rows),
        };
        json_setup_allocator();
        return RUN_TESTS(tests);
}
