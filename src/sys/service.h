/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Telling systemd services about changed files, as upstream does with
 * "systemctl reload-or-restart <unit>". systemctl is found by PATH lookup
 * (tests put a recording stand-in first). Its output goes to the caller's
 * stdout and stderr (in a task: the task log).
 */

/* Returns 0, or a negative errno with "command 'systemctl reload-or-restart x' failed: ..." in *reterr. */
int service_reload_or_restart(const char *unit, char **reterr);
