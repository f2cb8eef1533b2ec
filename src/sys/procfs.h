/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Kernel statistics from /proc, read below PVE_SYSROOT (rootdir.h), with
 * upstream's formulas (pve-common PVE::ProcFSTools). Each reader has a pure
 * parse_* counterpart taking the file's text, for tests and fuzzing.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct MemInfo {
        uint64_t total, free, available, used; /* used = MemTotal - MemAvailable */
        uint64_t swap_total, swap_free, swap_used;
        uint64_t ksm_shared;                   /* pages_sharing x 4096 */
        uint64_t arc_size, arc_min, arc_max;   /* ZFS ARC (arcstats size, c_min, c_max); 0 without ZFS */
} MemInfo;

typedef struct CpuStat {
        uint64_t user, nice, system, idle, iowait, irq, softirq, steal, guest, guest_nice;
        uint64_t used;  /* user + nice + system + irq + softirq + steal (guest included in user) */
        uint64_t total; /* sum of all fields, guest time counted once */
        unsigned cpus;  /* number of cpuN lines */
} CpuStat;

typedef struct CpuInfo {
        char *model, *vendor, *flags, *mhz, *microcode;
        unsigned family, cpus, sockets, cores;
        bool hvm;
        long user_hz;
} CpuInfo;

typedef struct LoadAvg {
        char avg[3][16]; /* kept as text, as upstream returns them */
} LoadAvg;

int parse_meminfo(const char *text, MemInfo *ret);
/* Sets the arc_* fields from /proc/spl/kstat/zfs/arcstats (size, c_min, c_max). */
int parse_arcstats(const char *text, MemInfo *m);
int read_meminfo(MemInfo *ret);

int parse_proc_stat(const char *text, CpuStat *ret);
int read_proc_stat(CpuStat *ret);
/* CPU and I/O-wait fractions in [0, 1] between two samples (0 when no time passed). */
void cpustat_usage(const CpuStat *prev, const CpuStat *cur, double *ret_cpu, double *ret_wait);

int parse_cpuinfo(const char *text, CpuInfo *ret);
int read_cpuinfo(CpuInfo *ret);
void cpuinfo_done(CpuInfo *c);

int parse_loadavg(const char *text, LoadAvg *ret);
int read_loadavg(LoadAvg *ret);

int parse_uptime(const char *text, uint64_t *ret_uptime, uint64_t *ret_idle);
int read_uptime(uint64_t *ret_uptime, uint64_t *ret_idle);

/* Byte counters of one interface in /proc/net/dev. */
typedef struct NetDev {
        char *name;
        uint64_t receive, transmit;
} NetDev;

/*
 * Parses /proc/net/dev as upstream's read_proc_net_dev(): every line
 * "<name>: <16 counters>"; other lines (the two headers) are skipped.
 * Returns the interfaces in file order.
 */
int parse_net_dev(const char *text, NetDev **ret, size_t *ret_n);
int read_net_dev(NetDev **ret, size_t *ret_n);
void net_dev_free(NetDev *devs, size_t n);

/*
 * Start time of a process (field 22 of /proc/<pid>/stat, in clock ticks)
 * and its state letter. -ENOENT when the process does not exist.
 */
int parse_pid_stat(const char *text, uint64_t *ret_starttime, char *ret_state);
int read_pid_starttime(pid_t pid, uint64_t *ret_starttime, char *ret_state);
/* True if pid runs and started at pstart (not a zombie), as upstream's check_process_running. */
bool process_running(pid_t pid, uint64_t pstart);
