/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <dirent.h>
#include <pthread.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>

#include "api/json-util.h"
#include "basic/alloc.h"
#include "basic/fileio.h"
#include "basic/rootdir.h"
#include "basic/strv.h"
#include "nodecfg/status.h"
#include "sys/efi.h"

#define CPU_SAMPLE_INTERVAL (100 * USEC_PER_MSEC)

static pthread_mutex_t sample_lock = PTHREAD_MUTEX_INITIALIZER;
static CpuStat last_sample;
static usec_t last_sample_time;

static int cpu_usage(double *ret_cpu, double *ret_wait) {
        CpuStat cur;
        usec_t t;
        int r;

        pthread_mutex_lock(&sample_lock);
        if (last_sample_time == 0) {
                r = read_proc_stat(&last_sample);
                if (r < 0)
                        goto out;
                last_sample_time = now(CLOCK_MONOTONIC);
                sleep_usec(CPU_SAMPLE_INTERVAL);
        }
        r = read_proc_stat(&cur);
        if (r < 0)
                goto out;
        t = now(CLOCK_MONOTONIC);
        cpustat_usage(&last_sample, &cur, ret_cpu, ret_wait);
        /* Keep the older sample until a second has passed, so rapid callers see meaningful numbers. */
        if (t - last_sample_time >= USEC_PER_SEC) {
                last_sample = cur;
                last_sample_time = t;
        }
out:
        pthread_mutex_unlock(&sample_lock);
        return r;
}

static void read_boot_info(NodeStatus *st) {
        EfiBootInfo info;

        efi_boot_info_read(&info);
        st->efi = info.efi;
        st->secureboot_known = info.secureboot_known;
        st->secureboot = info.secureboot;
}

int node_status_read(NodeStatus *ret) {
        NodeStatus st = {};
        struct statvfs sv;
        const char *root = root_dir();
        int r;

        r = cpu_usage(&st.cpu, &st.wait);
        if (r < 0)
                return r;
        r = read_cpuinfo(&st.cpuinfo);
        if (r < 0)
                return r;
        r = read_meminfo(&st.memory);
        if (r < 0)
                goto fail;
        r = read_loadavg(&st.loadavg);
        if (r < 0)
                goto fail;
        r = read_uptime(&st.uptime, NULL);
        if (r < 0)
                goto fail;
        if (statvfs(isempty(root) ? "/" : root, &sv) >= 0) {
                st.rootfs_total = (uint64_t) sv.f_blocks * sv.f_frsize;
                st.rootfs_avail = (uint64_t) sv.f_bavail * sv.f_frsize;
                st.rootfs_free = (uint64_t) sv.f_bfree * sv.f_frsize;
                st.rootfs_used = st.rootfs_total - st.rootfs_free;
        }
        read_boot_info(&st);
        *ret = st;
        return 0;
fail:
        cpuinfo_done(&st.cpuinfo);
        return r;
}

void node_status_done(NodeStatus *st) {
        cpuinfo_done(&st->cpuinfo);
}

json_t *node_status_to_json(const NodeStatus *st) {
        struct utsname u = {};
        _cleanup_free_ char *kversion = NULL, *pveversion = NULL;
        json_t *boot, *cpuinfo, *o;

        (void) uname(&u);
        kversion = xasprintf("%s %s %s", u.sysname, u.release, u.version);
        pveversion = xasprintf("pvehost/%s", PVEHOST_VERSION);

        boot = json_pack("{s:s}", "mode", st->efi ? "efi" : "legacy-bios");
        if (st->secureboot_known)
                json_object_set_new(boot, "secureboot", json_integer(st->secureboot));

        cpuinfo = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:s,s:i,s:I,s:s}", "model", st->cpuinfo.model, "vendor",
                            st->cpuinfo.vendor, "cpus", (json_int_t) st->cpuinfo.cpus, "sockets",
                            (json_int_t) st->cpuinfo.sockets, "cores", (json_int_t) st->cpuinfo.cores, "family",
                            (json_int_t) st->cpuinfo.family, "mhz", st->cpuinfo.mhz, "hvm", (int) st->cpuinfo.hvm,
                            "user_hz", (json_int_t) st->cpuinfo.user_hz, "flags", st->cpuinfo.flags);
        if (st->cpuinfo.microcode)
                json_object_set_new(cpuinfo, "microcode", json_string(st->cpuinfo.microcode));

        o = json_pack("{s:f,s:f,s:I,s:s,s:s}", "cpu", st->cpu, "wait", st->wait, "uptime", (json_int_t) st->uptime,
                      "kversion", kversion, "pveversion", pveversion);
        json_object_set_new(o, "boot-info", boot);
        json_object_set_new(o, "cpuinfo", cpuinfo);
        json_object_set_new(o, "current-kernel",
                            json_pack("{s:s,s:s,s:s,s:s}", "sysname", u.sysname, "release", u.release, "version",
                                      u.version, "machine", u.machine));
        json_object_set_new(o, "loadavg",
                            json_pack("[s,s,s]", st->loadavg.avg[0], st->loadavg.avg[1], st->loadavg.avg[2]));
        json_object_set_new(o, "memory",
                            json_pack("{s:I,s:I,s:I,s:I}", "total", (json_int_t) st->memory.total, "free",
                                      (json_int_t) st->memory.free, "available", (json_int_t) st->memory.available,
                                      "used", (json_int_t) st->memory.used));
        json_object_set_new(o, "swap",
                            json_pack("{s:I,s:I,s:I}", "total", (json_int_t) st->memory.swap_total, "free",
                                      (json_int_t) st->memory.swap_free, "used", (json_int_t) st->memory.swap_used));
        json_object_set_new(o, "ksm", json_pack("{s:I}", "shared", (json_int_t) st->memory.ksm_shared));
        json_object_set_new(o, "rootfs",
                            json_pack("{s:I,s:I,s:I,s:I}", "total", (json_int_t) st->rootfs_total, "avail",
                                      (json_int_t) st->rootfs_avail, "free", (json_int_t) st->rootfs_free, "used",
                                      (json_int_t) st->rootfs_used));
        return o;
}

int node_directory_list(const char *dir, char ***ret) {
        _cleanup_strv_free_ char **names = new0(char *, 1);
        DIR *d = opendir(dir);
        struct dirent *de;

        if (!d) {
                *ret = TAKE_PTR(names);
                return errno == ENOENT ? 0 : -errno;
        }
        while ((de = readdir(d)))
                if (de->d_name[0] != '.' && (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN))
                        strv_extend(&names, de->d_name);
        closedir(d);
        strv_sort(names);
        *ret = TAKE_PTR(names);
        return 0;
}
