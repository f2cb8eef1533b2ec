/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>

#include "alloc.h"
#include "log.h"
#include "parse.h"

static int max_level = LOG_INFO;
static char *log_prefix;
static bool log_timestamps;
static bool log_syslog;

void log_set_max_level(int level) {
        max_level = CLAMP(level, LOG_EMERG, LOG_DEBUG);
}

int log_get_max_level(void) {
        return max_level;
}

void log_set_prefix(const char *prefix) {
        free(log_prefix);
        log_prefix = prefix ? xstrdup(prefix) : NULL;
}

void log_set_timestamps(bool on) {
        log_timestamps = on;
}

void log_open_syslog(const char *ident) {
        openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
        log_syslog = true;
}

void log_setup_from_env(void) {
        static const char *const names[] = {
                [LOG_ERR] = "err", [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
                [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
        };
        const char *e = getenv("PVE_LOG_LEVEL");
        int level;

        if (isempty(e))
                return;
        if (parse_int(e, LOG_EMERG, LOG_DEBUG, &level) >= 0) {
                log_set_max_level(level);
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (names[i] && strcasecmp(e, names[i]) == 0)
                        log_set_max_level((int) i);
}

int log_internalv(int level, int error, const char *fmt, va_list ap) {
        int saved = errno;

        error = abs(error);
        if (level <= max_level && log_syslog) {
                errno = error;
                vsyslog(level, fmt, ap);
        } else if (level <= max_level) {
                flockfile(stderr);
                if (log_timestamps) {
                        struct timespec ts;
                        struct tm tm;
                        char buf[32];

                        clock_gettime(CLOCK_REALTIME, &ts);
                        localtime_r(&ts.tv_sec, &tm);
                        strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
                        fprintf(stderr, "%s ", buf);
                }
                if (log_prefix)
                        fputs(log_prefix, stderr);
                errno = error;
                vfprintf(stderr, fmt, ap);
                fputc('\n', stderr);
                funlockfile(stderr);
        }
        errno = saved;
        return -error;
}

int log_internal(int level, int error, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = log_internalv(level, error, fmt, ap);
        va_end(ap);
        return r;
}
