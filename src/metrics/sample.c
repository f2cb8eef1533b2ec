/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <math.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "basic/alloc.h"
#include "basic/rootdir.h"
#include "basic/strutil.h"
#include "basic/time-util.h"
#include "metrics/sample.h"

static int read_disk_usage(DiskUsage *ret) {
        const char *root = root_dir();
        struct statvfs sv;

        if (statvfs(isempty(root) ? "/" : root, &sv) < 0)
                return -errno;
        *ret = (DiskUsage) {
                .frsize = sv.f_frsize ?: sv.f_bsize,
                .blocks = sv.f_blocks,
                .bfree = sv.f_bfree,
                .bavail = sv.f_bavail,
                .files = sv.f_files,
                .ffree = sv.f_ffree,
                .favail = sv.f_favail,
        };
        return 0;
}

int node_sample_collect(const NodeSample *prev, NodeSample **ret) {
        _cleanup_(node_sample_unrefp) NodeSample *s = new0(NodeSample, 1);
        struct timespec ts;
        int r;

        s->refs = 1;
        r = read_proc_stat(&s->stat);
        if (r < 0)
                return r;
        r = read_loadavg(&s->loadavg);
        if (r < 0)
                return r;
        r = read_meminfo(&s->mem);
        if (r < 0)
                return r;
        r = read_uptime(&s->uptime, NULL);
        if (r < 0)
                return r;
        r = read_net_dev(&s->nics, &s->n_nics);
        if (r < 0)
                return r;
        r = read_disk_usage(&s->root);
        if (r < 0)
                return r;

        if (prev) {
                s->cpus = prev->cpus;
                s->user_hz = prev->user_hz;
                cpustat_usage(&prev->stat, &s->stat, &s->cpu, &s->wait);
        } else {
                CpuInfo info = {};

                r = read_cpuinfo(&info);
                if (r < 0)
                        return r;
                s->cpus = MAX(info.cpus, 1u);
                s->user_hz = info.user_hz > 0 ? info.user_hz : 100;
                cpuinfo_done(&info);
        }

        /* Taken last, as upstream does: the file system query can take a while. */
        clock_gettime(CLOCK_REALTIME, &ts);
        s->time = (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
        *ret = TAKE_PTR(s);
        return 0;
}

NodeSample *node_sample_ref(NodeSample *s) {
        if (s)
                __atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
        return s;
}

NodeSample *node_sample_unref(NodeSample *s) {
        if (!s || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) > 0)
                return NULL;
        net_dev_free(s->nics, s->n_nics);
        free(s);
        return NULL;
}

static bool all_digits(const char *s) {
        return *s && strspn(s, "0123456789") == strlen(s);
}

bool nic_is_physical(const char *name) {
        const char *rest;

        if ((rest = startswith(name, "eth")) || (rest = startswith(name, "nic")) || (rest = startswith(name, "if")))
                return all_digits(rest);
        if ((rest = startswith(name, "en")) || (rest = startswith(name, "ib")))
                return *rest && !strpbrk(rest, ":.");
        return false;
}

void node_sample_net_totals(const NodeSample *s, uint64_t *ret_in, uint64_t *ret_out) {
        uint64_t in = 0, out = 0;

        for (size_t i = 0; i < s->n_nics; i++)
                if (nic_is_physical(s->nics[i].name)) {
                        in += s->nics[i].receive;
                        out += s->nics[i].transmit;
                }
        *ret_in = in;
        *ret_out = out;
}

uint64_t node_sample_disk_total(const NodeSample *s) {
        return s->root.blocks * s->root.frsize;
}

uint64_t node_sample_disk_used(const NodeSample *s) {
        return (s->root.blocks - MIN(s->root.bfree, s->root.blocks)) * s->root.frsize;
}

/*
 * One half of Filesys::Df's hash (blocks or inodes): total, free and
 * available to users, the used amount, the user's view when root has a
 * reserve, and the rounded percentage, under the names given for: total,
 * free, avail, used, per, user_total, user_avail, user_used, su_avail,
 * su_total.
 */
static void df_half(json_t *o, const char *const names[static 10], int64_t total, int64_t free_, int64_t avail) {
        int64_t used = total - free_, user_total = total, user_used = used, per = 0;

        if (free_ > avail) {
                user_total = total - (free_ - avail);
                user_used = user_total - avail;
        }
        if (user_used && user_total > 0)
                per = (int64_t) ((double) user_used / (double) user_total * 100 + 0.5);

        const int64_t values[10] = { total, free_, avail, used, per, user_total, avail, user_used, free_, total };
        for (size_t i = 0; i < 10; i++)
                json_object_set_new(o, names[i], json_integer(values[i]));
}

/* Filesys::Df's hash for a block size of 1 (bytes). */
static json_t *blockstat_tree(const DiskUsage *d) {
        static const char *const blocks[10] = { "blocks", "bfree", "bavail", "used", "per",
                                                "user_blocks", "user_bavail", "user_used", "su_bavail", "su_blocks" };
        static const char *const files[10] = { "files", "ffree", "favail", "fused", "fper",
                                               "user_files", "user_favail", "user_fused", "su_favail", "su_files" };
        json_t *o = json_object();

        df_half(o, blocks, (int64_t) (d->blocks * d->frsize), (int64_t) (d->bfree * d->frsize),
                (int64_t) (d->bavail * d->frsize));
        if (d->files > 0)
                df_half(o, files, (int64_t) d->files, (int64_t) d->ffree, (int64_t) d->favail);
        return o;
}

json_t *node_sample_tree(const NodeSample *s) {
        const CpuStat *c = &s->stat;
        const MemInfo *m = &s->mem;
        json_t *tree = json_object(), *cpu, *mem, *nics = json_object();

        cpu = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:i,s:I,s:I,s:f,s:f,s:f,s:I}", "user",
                        (json_int_t) c->user, "nice", (json_int_t) c->nice, "system", (json_int_t) c->system, "idle",
                        (json_int_t) c->idle, "iowait", (json_int_t) c->iowait, "irq", (json_int_t) c->irq,
                        "softirq", (json_int_t) c->softirq, "steal", (json_int_t) c->steal, "guest",
                        (json_int_t) c->guest, "guest_nice", (json_int_t) c->guest_nice, "sum", 0, "used",
                        (json_int_t) c->used, "total", (json_int_t) c->total, "ctime", s->time, "cpu", s->cpu,
                        "wait", s->wait, "cpus", (json_int_t) s->cpus);
        for (size_t i = 0; i < 3; i++) {
                static const char *const names[] = { "avg1", "avg5", "avg15" };

                json_object_set_new(cpu, names[i], json_real(strtod(s->loadavg.avg[i], NULL)));
        }

        mem = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "memtotal", (json_int_t) m->total,
                        "memfree", (json_int_t) m->free, "memavailable", (json_int_t) m->available, "memused",
                        (json_int_t) m->used, "memshared", (json_int_t) m->ksm_shared, "swaptotal",
                        (json_int_t) m->swap_total, "swapfree", (json_int_t) m->swap_free, "swapused",
                        (json_int_t) m->swap_used, "arcsize", (json_int_t) m->arc_size, "arcmin",
                        (json_int_t) m->arc_min, "arcmax", (json_int_t) m->arc_max);

        for (size_t i = 0; i < s->n_nics; i++)
                json_object_set_new(nics, s->nics[i].name,
                                    json_pack("{s:I,s:I,s:s}", "receive", (json_int_t) s->nics[i].receive,
                                              "transmit", (json_int_t) s->nics[i].transmit, "type",
                                              nic_is_physical(s->nics[i].name) ? "physical" : "virtual"));

        json_object_set_new(tree, "uptime", json_integer((json_int_t) s->uptime));
        json_object_set_new(tree, "cpustat", cpu);
        json_object_set_new(tree, "memory", mem);
        json_object_set_new(tree, "blockstat", blockstat_tree(&s->root));
        json_object_set_new(tree, "nics", nics);
        return tree;
}

const char *metric_number_text(const json_t *v, char buf[static METRIC_NUMBER_MAX]) {
        double d;

        if (json_is_integer(v)) {
                snprintf(buf, METRIC_NUMBER_MAX, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
                return buf;
        }
        if (!json_is_real(v))
                return NULL;
        d = json_real_value(v);
        if (!isfinite(d))
                return NULL;
        snprintf(buf, METRIC_NUMBER_MAX, "%.15g", d);
        if (strchr(buf, 'e') && fabs(d) < 1) {
                char *end;

                snprintf(buf, METRIC_NUMBER_MAX, "%.20f", d);
                end = buf + strlen(buf);
                while (end[-1] == '0')
                        *--end = 0;
                if (end[-1] == '.')
                        *--end = 0;
        }
        return buf;
}
