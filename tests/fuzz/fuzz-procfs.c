/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * The /proc parsers pvestatd reads every cycle: none crashes or leaks on
 * any input, and parsed interface names are non-empty without a colon.
 */

#include <assert.h>

#include "basic/alloc.h"
#include "fuzz.h"
#include "sys/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = xstrndup((const char *) data, size);
        NetDev *devs = NULL;
        size_t n = 0;
        MemInfo m = {};
        CpuStat s;
        LoadAvg l;
        uint64_t up, idle;

        if (parse_net_dev(text, &devs, &n) >= 0) {
                for (size_t i = 0; i < n; i++)
                        assert(devs[i].name[0] && !strchr(devs[i].name, ':'));
                net_dev_free(devs, n);
        }
        (void) parse_meminfo(text, &m);
        (void) parse_arcstats(text, &m);
        (void) parse_proc_stat(text, &s);
        (void) parse_loadavg(text, &l);
        (void) parse_uptime(text, &up, &idle);
        return 0;
}
