/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Where the network area's operations report progress: one line per call,
 * without newline (a task log, stdout of a command, a test's buffer).
 */
typedef void (*NetLogFn)(void *userdata, const char *line);
