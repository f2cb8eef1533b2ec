/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <inttypes.h>
#include <stdlib.h>

#include "basic/alloc.h"
#include "basic/strbuf.h"
#include "metrics/prometheus.h"

typedef struct Writer {
        StrBuf out;
        char *node; /* escaped label value */
} Writer;

static char *escape_label(const char *s) {
        StrBuf b = STRBUF_INIT;

        for (; *s; s++) {
                if (*s == '\\' || *s == '"')
                        strbuf_addc(&b, '\\');
                if (*s == '\n')
                        strbuf_adds(&b, "\\n");
                else
                        strbuf_addc(&b, *s);
        }
        return strbuf_detach(&b, NULL);
}

static void family(Writer *w, const char *name, const char *type, const char *help) {
        strbuf_addf(&w->out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void sample_u64(Writer *w, const char *name, uint64_t v) {
        strbuf_addf(&w->out, "%s{node=\"%s\"} %" PRIu64 "\n", name, w->node, v);
}

static void sample_double(Writer *w, const char *name, const char *labels, double v) {
        strbuf_addf(&w->out, "%s{node=\"%s\"%s} %.17g\n", name, w->node, labels ?: "", v);
}

static void gauge_u64(Writer *w, const char *name, const char *help, uint64_t v) {
        family(w, name, "gauge", help);
        sample_u64(w, name, v);
}

static void gauge_double(Writer *w, const char *name, const char *help, double v) {
        family(w, name, "gauge", help);
        sample_double(w, name, NULL, v);
}

static void network(Writer *w, const NodeSample *s, const char *name, const char *help, bool receive) {
        family(w, name, "counter", help);
        for (size_t i = 0; i < s->n_nics; i++) {
                _cleanup_free_ char *iface = escape_label(s->nics[i].name);

                strbuf_addf(&w->out, "%s{node=\"%s\",interface=\"%s\",type=\"%s\"} %" PRIu64 "\n", name, w->node,
                            iface, nic_is_physical(s->nics[i].name) ? "physical" : "virtual",
                            receive ? s->nics[i].receive : s->nics[i].transmit);
        }
}

char *prometheus_render(const NodeSample *s, const char *node) {
        static const char *const modes[] = {
                "user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice",
        };
        const CpuStat *c = &s->stat;
        const uint64_t ticks[] = { c->user, c->nice, c->system, c->idle, c->iowait, c->irq, c->softirq,
                                   c->steal, c->guest, c->guest_nice };
        double hz = s->user_hz > 0 ? (double) s->user_hz : 100;
        Writer w = { .out = STRBUF_INIT, .node = escape_label(node) };

        gauge_u64(&w, "pve_node_uptime_seconds", "Time since the node booted.", s->uptime);

        family(&w, "pve_node_cpu_seconds_total", "counter", "CPU time spent in each mode, summed over all CPUs.");
        for (size_t i = 0; i < ELEMENTSOF(modes); i++) {
                char labels[64];

                snprintf(labels, sizeof(labels), ",mode=\"%s\"", modes[i]);
                sample_double(&w, "pve_node_cpu_seconds_total", labels, (double) ticks[i] / hz);
        }
        gauge_u64(&w, "pve_node_cpus", "Number of logical CPUs.", s->cpus);
        gauge_double(&w, "pve_node_cpu_usage_ratio", "CPU usage between the last two samples (0-1).", s->cpu);
        gauge_double(&w, "pve_node_cpu_iowait_ratio", "CPU time waiting for I/O between the last two samples (0-1).",
                     s->wait);
        gauge_double(&w, "pve_node_load1", "Load average over 1 minute.", strtod(s->loadavg.avg[0], NULL));
        gauge_double(&w, "pve_node_load5", "Load average over 5 minutes.", strtod(s->loadavg.avg[1], NULL));
        gauge_double(&w, "pve_node_load15", "Load average over 15 minutes.", strtod(s->loadavg.avg[2], NULL));

        gauge_u64(&w, "pve_node_memory_total_bytes", "Total memory.", s->mem.total);
        gauge_u64(&w, "pve_node_memory_free_bytes", "Free memory.", s->mem.free);
        gauge_u64(&w, "pve_node_memory_available_bytes", "Memory available for new workloads.", s->mem.available);
        gauge_u64(&w, "pve_node_memory_used_bytes", "Used memory (total - available).", s->mem.used);
        gauge_u64(&w, "pve_node_memory_ksm_shared_bytes", "Memory shared by KSM.", s->mem.ksm_shared);
        gauge_u64(&w, "pve_node_zfs_arc_size_bytes", "Size of the ZFS ARC (0 without ZFS).", s->mem.arc_size);
        gauge_u64(&w, "pve_node_swap_total_bytes", "Total swap space.", s->mem.swap_total);
        gauge_u64(&w, "pve_node_swap_free_bytes", "Free swap space.", s->mem.swap_free);
        gauge_u64(&w, "pve_node_swap_used_bytes", "Used swap space.", s->mem.swap_used);

        gauge_u64(&w, "pve_node_rootfs_total_bytes", "Size of the root file system.", node_sample_disk_total(s));
        gauge_u64(&w, "pve_node_rootfs_used_bytes", "Used space of the root file system.", node_sample_disk_used(s));
        gauge_u64(&w, "pve_node_rootfs_free_bytes", "Free space of the root file system.",
                  s->root.bfree * s->root.frsize);
        gauge_u64(&w, "pve_node_rootfs_avail_bytes", "Space of the root file system available to users.",
                  s->root.bavail * s->root.frsize);

        network(&w, s, "pve_node_network_receive_bytes_total", "Bytes received by the interface.", true);
        network(&w, s, "pve_node_network_transmit_bytes_total", "Bytes sent by the interface.", false);

        free(w.node);
        return strbuf_detach(&w.out, NULL);
}
