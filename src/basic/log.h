/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Logging for programs and daemons.
 *
 * Library code does not log above LOG_DEBUG: it returns a negative errno
 * (and, where a user needs details, a message through a reterr_ parameter);
 * the program logs once, at the boundary. The *_errno() variants take a
 * negative or positive errno, make it available to %m in the format, and
 * return it negated, so a failure path is one line:
 *
 *         r = write_file_atomic(path, ...);
 *         if (r < 0)
 *                 return log_error_errno(r, "Failed to write '%s': %m", path);
 *
 * Messages go to stderr as plain lines (upstream's CLIs print bare
 * messages); daemons may add a prefix with log_set_prefix(). The level is
 * set with log_set_max_level() or the environment variable PVE_LOG_LEVEL
 * (a number 0-7 or a name: err, warning, notice, info, debug).
 */

#include <stdarg.h>
#include <syslog.h>

#include "macro.h"

void log_setup_from_env(void);
void log_set_max_level(int level);
int log_get_max_level(void);
/* Prefix printed before every message, e.g. "pvestatd: " (copied). */
void log_set_prefix(const char *prefix);
/* Adds a timestamp in front of every line (for daemons running in the foreground). */
void log_set_timestamps(bool on);
/* Sends every later message to syslog (facility daemon) as ident, for detached daemons. */
void log_open_syslog(const char *ident);

int log_internal(int level, int error, const char *fmt, ...) _printf_(3, 4);
int log_internalv(int level, int error, const char *fmt, va_list ap) _printf_(3, 0);

#define log_full_errno(level, error, ...)                                       \
        ({                                                                      \
                int _l_ = (level), _e_ = (error);                               \
                _l_ <= log_get_max_level() ? log_internal(_l_, _e_, __VA_ARGS__) \
                                           : -abs(_e_);                         \
        })
#define log_full(level, ...) (void) log_full_errno((level), 0, __VA_ARGS__)

#define log_debug(...) log_full(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_full(LOG_ERR, __VA_ARGS__)

#define log_debug_errno(e, ...) log_full_errno(LOG_DEBUG, (e), __VA_ARGS__)
#define log_info_errno(e, ...) log_full_errno(LOG_INFO, (e), __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_WARNING, (e), __VA_ARGS__)
#define log_error_errno(e, ...) log_full_errno(LOG_ERR, (e), __VA_ARGS__)
