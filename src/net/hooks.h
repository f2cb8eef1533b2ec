/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The command options of a stanza, run as ifupdown runs them: each line by
 * /bin/sh -c, in file order, with the stanza's options in the environment
 * (IFACE, LOGICAL, ADDRFAM, METHOD, MODE, PHASE, VERBOSITY and IF_<OPTION>
 * for every option, dashes as underscores), output to our stdout (the task
 * log). The first command that fails fails the phase.
 *
 *   phase "pre-up":   pre-up
 *   phase "up":       up, post-up
 *   phase "down":     pre-down, down, post-down
 */

#include "net/interfaces.h"

int net_hooks_run(const NetConfig *c, const char *iface, const char *phase, char **reterr);

/* True if the interface has command options of that phase. */
bool net_hooks_have(const NetConfig *c, const char *iface, const char *phase);
