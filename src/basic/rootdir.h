/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The sandbox roots (DESIGN.md contract 4).
 *
 * PVE_ROOT (default "/") prefixes every configuration and state file the
 * system reads or writes; PVE_SYSROOT (default "/") prefixes kernel inputs
 * below /proc and /sys. Both are read once, at first use.
 *
 * The *_path() functions take an absolute path as upstream names it
 * ("/etc/pve/nodes/pve1/config") and return a malloc'd path below the root.
 */

#include <stdbool.h>

/* The root without a trailing slash: "" for "/". */
const char *root_dir(void);
const char *sysroot_dir(void);
/* True when PVE_ROOT is set to something other than "/". */
bool root_is_sandbox(void);

char *root_path(const char *path);
char *root_pathf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *sysroot_path(const char *path);
char *sysroot_pathf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Forgets the cached values (tests change the environment). */
void rootdir_reset(void);
