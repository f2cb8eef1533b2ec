/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/cursor.h"
#include "basic/fileio.h"
#include "basic/parse.h"
#include "basic/rootdir.h"
#include "basic/strbuf.h"
#include "basic/strutil.h"
#include "procfs.h"

#define PROC_FILE_MAX (4 * 1024 * 1024)

static int read_sysroot_file(const char *path, char **ret) {
        _cleanup_free_ char *p = sysroot_path(path);

        return read_full_file(p, PROC_FILE_MAX, ret, NULL);
}

static uint64_t kib_value(const char *rest) {
        uint64_t v = 0;

        (void) sscanf(rest, "%" SCNu64, &v);
        return v * 1024;
}

int parse_meminfo(const char *text, MemInfo *ret) {
        MemInfo m = {};
        bool have_total = false;

        Cursor c = CURSOR_INIT(text, strlen(text));
        _cleanup_free_ char *line = NULL;

        while (cursor_read_line_dup(&c, &line)) {
                const char *v;

                if ((v = startswith(line, "MemTotal:"))) {
                        m.total = kib_value(v);
                        have_total = true;
                } else if ((v = startswith(line, "MemFree:")))
                        m.free = kib_value(v);
                else if ((v = startswith(line, "MemAvailable:")))
                        m.available = kib_value(v);
                else if ((v = startswith(line, "SwapTotal:")))
                        m.swap_total = kib_value(v);
                else if ((v = startswith(line, "SwapFree:")))
                        m.swap_free = kib_value(v);
        }
        if (!have_total)
                return -EBADMSG;
        m.used = m.total > m.available ? m.total - m.available : 0;
        m.swap_used = m.swap_total > m.swap_free ? m.swap_total - m.swap_free : 0;
        *ret = m;
        return 0;
}

int parse_arcstats(const char *text, MemInfo *m) {
        Cursor c = CURSOR_INIT(text, strlen(text));
        _cleanup_free_ char *line = NULL;

        while (cursor_read_line_dup(&c, &line)) {
                char name[32];
                uint64_t v;

                if (sscanf(line, "%31s %*u %" SCNu64, name, &v) != 2)
                        continue;
                if (streq(name, "size"))
                        m->arc_size = v;
                else if (streq(name, "c_min"))
                        m->arc_min = v;
                else if (streq(name, "c_max"))
                        m->arc_max = v;
        }
        return cursor_error(&c);
}

int read_meminfo(MemInfo *ret) {
        _cleanup_free_ char *text = NULL, *ksm = NULL, *arc = NULL;
        uint64_t pages = 0;
        int r;

        r = read_sysroot_file("/proc/meminfo", &text);
        if (r < 0)
                return r;
        r = parse_meminfo(text, ret);
        if (r < 0)
                return r;
        if (read_sysroot_file("/sys/kernel/mm/ksm/pages_sharing", &ksm) >= 0)
                (void) parse_uint64(strstrip(ksm), UINT64_MAX / 4096, &pages);
        ret->ksm_shared = pages * 4096;
        if (read_sysroot_file("/proc/spl/kstat/zfs/arcstats", &arc) >= 0)
                (void) parse_arcstats(arc, ret);
        return 0;
}

int parse_proc_stat(const char *text, CpuStat *ret) {
        CpuStat s = {};
        bool found = false;

        Cursor c = CURSOR_INIT(text, strlen(text));
        _cleanup_free_ char *line = NULL;

        while (cursor_read_line_dup(&c, &line)) {
                uint64_t f[10] = {};
                int n;

                if (startswith(line, "cpu ")) {
                        n = sscanf(line + 4, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
                                   " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64,
                                   &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9]);
                        if (n < 8)
                                return -EBADMSG;
                        /* Guest time is already part of user/nice; count it once. */
                        s.user = f[0] - MIN(f[0], f[8]);
                        s.nice = f[1] - MIN(f[1], f[9]);
                        s.system = f[2];
                        s.idle = f[3];
                        s.iowait = f[4];
                        s.irq = f[5];
                        s.softirq = f[6];
                        s.steal = f[7];
                        s.guest = f[8];
                        s.guest_nice = f[9];
                        s.used = f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
                        found = true;
                } else if (startswith(line, "cpu") && isdigit((unsigned char) line[3]))
                        s.cpus++;
        }
        if (!found)
                return -EBADMSG;
        s.cpus = MAX(s.cpus, 1u);
        s.total = s.user + s.nice + s.system + s.iowait + s.irq + s.softirq + s.steal + s.idle + s.guest +
                  s.guest_nice;
        *ret = s;
        return 0;
}

int read_proc_stat(CpuStat *ret) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_sysroot_file("/proc/stat", &text);
        if (r < 0)
                return r;
        return parse_proc_stat(text, ret);
}

void cpustat_usage(const CpuStat *prev, const CpuStat *cur, double *ret_cpu, double *ret_wait) {
        uint64_t total = cur->total > prev->total ? cur->total - prev->total : 0;
        uint64_t used = cur->used > prev->used ? cur->used - prev->used : 0;
        uint64_t wait = cur->iowait > prev->iowait ? cur->iowait - prev->iowait : 0;

        *ret_cpu = total ? CLAMP((double) used / (double) total, 0.0, 1.0) : 0.0;
        *ret_wait = total ? CLAMP((double) wait / (double) total, 0.0, 1.0) : 0.0;
}

/* Value after "key<spaces>:" when line starts with key (case-insensitive), else NULL. */
static const char *cpuinfo_value(const char *line, const char *key) {
        const char *p = startswith_no_case(line, key);

        if (!p)
                return NULL;
        p = skip_blanks(p);
        if (*p != ':')
                return NULL;
        return skip_blanks(p + 1);
}

static void set_once(char **field, const char *value) {
        if (!*field)
                *field = xstrdup(value);
}

int parse_cpuinfo(const char *text, CpuInfo *ret) {
        CpuInfo info = { .user_hz = sysconf(_SC_CLK_TCK) };
        /* physical id -> cores, as upstream's idhash */
        uint64_t ids[256], cores[256];
        size_t nids = 0, cur = SIZE_MAX;
        const char *v;

        Cursor c = CURSOR_INIT(text, strlen(text));
        _cleanup_free_ char *line = NULL;

        while (cursor_read_line_dup(&c, &line)) {
                char *end = line + strlen(line);

                while (end > line && isspace((unsigned char) end[-1]))
                        *--end = 0;
                if ((v = cpuinfo_value(line, "processor")) && looks_like_integer(v))
                        info.cpus++;
                else if ((v = cpuinfo_value(line, "model name")))
                        set_once(&info.model, v);
                else if ((v = cpuinfo_value(line, "vendor_id")))
                        set_once(&info.vendor, v);
                else if ((v = cpuinfo_value(line, "cpu family"))) {
                        if (!info.family)
                                (void) parse_int(v, 0, INT32_MAX, (int *) &info.family);
                } else if ((v = cpuinfo_value(line, "cpu MHz")))
                        set_once(&info.mhz, v);
                else if ((v = cpuinfo_value(line, "flags")))
                        set_once(&info.flags, v);
                else if ((v = cpuinfo_value(line, "microcode")))
                        set_once(&info.microcode, v);
                else if ((v = cpuinfo_value(line, "physical id"))) {
                        uint64_t id;

                        if (parse_uint64(v, UINT64_MAX, &id) < 0)
                                continue;
                        for (cur = 0; cur < nids && ids[cur] != id; cur++)
                                ;
                        if (cur == nids && nids < ELEMENTSOF(ids)) {
                                ids[nids] = id;
                                cores[nids++] = 1;
                        }
                } else if ((v = cpuinfo_value(line, "cpu cores"))) {
                        uint64_t n;

                        if (cur < nids && parse_uint64(v, UINT32_MAX, &n) >= 0)
                                cores[cur] = n;
                }
        }

        info.sockets = nids ? (unsigned) nids : 1;
        for (size_t i = 0; i < nids; i++)
                info.cores += (unsigned) cores[i];
        info.cores = MAX(info.cores, 1u);
        set_once(&info.model, "unknown");
        set_once(&info.vendor, "unknown");
        set_once(&info.flags, "");
        set_once(&info.mhz, "0");
        {
                _cleanup_free_ char *padded = xasprintf(" %s ", info.flags);
                info.hvm = strstr(padded, " vmx ") || strstr(padded, " svm ");
        }
        *ret = info;
        return 0;
}

int read_cpuinfo(CpuInfo *ret) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_sysroot_file("/proc/cpuinfo", &text);
        if (r < 0)
                return r;
        return parse_cpuinfo(text, ret);
}

void cpuinfo_done(CpuInfo *c) {
        free(c->model);
        free(c->vendor);
        free(c->flags);
        free(c->mhz);
        free(c->microcode);
        *c = (CpuInfo) {};
}

int parse_loadavg(const char *text, LoadAvg *ret) {
        LoadAvg l = {};

        if (sscanf(text, "%15s %15s %15s", l.avg[0], l.avg[1], l.avg[2]) != 3)
                return -EBADMSG;
        for (size_t i = 0; i < 3; i++)
                if (!looks_like_number(l.avg[i]))
                        return -EBADMSG;
        *ret = l;
        return 0;
}

int read_loadavg(LoadAvg *ret) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_sysroot_file("/proc/loadavg", &text);
        if (r < 0)
                return r;
        return parse_loadavg(text, ret);
}

int parse_uptime(const char *text, uint64_t *ret_uptime, uint64_t *ret_idle) {
        double up, idle;

        if (sscanf(text, "%lf %lf", &up, &idle) != 2 || up < 0 || idle < 0)
                return -EBADMSG;
        *ret_uptime = (uint64_t) up;
        if (ret_idle)
                *ret_idle = (uint64_t) idle;
        return 0;
}

int read_uptime(uint64_t *ret_uptime, uint64_t *ret_idle) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_sysroot_file("/proc/uptime", &text);
        if (r < 0)
                return r;
        return parse_uptime(text, ret_uptime, ret_idle);
}

int parse_net_dev(const char *text, NetDev **ret, size_t *ret_n) {
        Cursor c = CURSOR_INIT(text, strlen(text));
        _cleanup_free_ char *line = NULL;
        NetDev *devs = NULL;
        size_t n = 0;

        while (cursor_read_line_dup(&c, &line)) {
                /* Interface names cannot contain ':' (dev_valid_name()), so the first one ends the name. */
                char *colon = strchr(line, ':'), *name;
                uint64_t f[9];

                if (!colon)
                        continue;
                /* receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes ... */
                if (sscanf(colon + 1, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
                           " %" SCNu64 " %" SCNu64 " %" SCNu64,
                           &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8]) != 9)
                        continue;
                *colon = 0;
                name = skip_blanks(line);
                if (isempty(name))
                        continue;
                devs = xreallocarray(devs, n + 1, sizeof(NetDev));
                devs[n++] = (NetDev) { .name = xstrdup(name), .receive = f[0], .transmit = f[8] };
        }
        if (cursor_error(&c) < 0) {
                net_dev_free(devs, n);
                return cursor_error(&c);
        }
        *ret = devs;
        *ret_n = n;
        return 0;
}

int read_net_dev(NetDev **ret, size_t *ret_n) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_sysroot_file("/proc/net/dev", &text);
        if (r < 0)
                return r;
        return parse_net_dev(text, ret, ret_n);
}

void net_dev_free(NetDev *devs, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(devs[i].name);
        free(devs);
}

int parse_pid_stat(const char *text, uint64_t *ret_starttime, char *ret_state) {
        const char *p = strrchr(text, ')');
        char state;
        uint64_t start;

        /* Fields after the command name: 3 state ... 22 starttime. */
        if (!p || sscanf(p + 1, " %c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %" SCNu64,
                         &state, &start) != 2)
                return -EBADMSG;
        *ret_starttime = start;
        if (ret_state)
                *ret_state = state;
        return 0;
}

int read_pid_starttime(pid_t pid, uint64_t *ret_starttime, char *ret_state) {
        _cleanup_free_ char *text = NULL, *p = sysroot_pathf("/proc/%i/stat", (int) pid);
        int r;

        r = read_full_file(p, 4096, &text, NULL);
        if (r < 0)
                return r == -ENOENT || r == -ESRCH ? -ENOENT : r;
        return parse_pid_stat(text, ret_starttime, ret_state);
}

bool process_running(pid_t pid, uint64_t pstart) {
        uint64_t start;
        char state;

        if (pid <= 0 || read_pid_starttime(pid, &start, &state) < 0)
                return false;
        return state != 'Z' && (!pstart || start == pstart);
}
