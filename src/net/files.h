/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * The files of the network configuration, below PVE_ROOT, as upstream
 * stages them (pve-common PVE::INotify): the API reads and writes
 * /etc/network/interfaces.new while it exists, else /etc/network/interfaces;
 * writes always go to interfaces.new, under /etc/network/.pve-interfaces.lock.
 * Apply moves interfaces.new over interfaces, revert deletes it.
 */

#include "basic/lockfile.h"
#include "net/interfaces.h"

#define NET_INTERFACES_FILE "/etc/network/interfaces"
#define NET_INTERFACES_NEW_FILE "/etc/network/interfaces.new"
#define NET_INTERFACES_LOCK_FILE "/etc/network/.pve-interfaces.lock"

/* Takes the lock API writers share (10 s, as upstream). reterr: "can't lock file '...' - got timeout". */
int net_files_lock(LockFile *ret, char **reterr);

/*
 * Reads a file (a product path such as NET_INTERFACES_FILE) with the host's
 * devices from PVE_SYSROOT. A missing file reads as empty.
 */
int net_files_load(const char *file, NetConfig **ret, char **reterr);
/* The same with devices read already (netdev_list_read()). */
int net_files_load_with(const char *file, const NetDevList *devs, NetConfig **ret, char **reterr);
/* Reads what the API works on: interfaces.new if it exists, else interfaces. */
int net_files_load_pending(NetConfig **ret, char **reterr);
/* Renders c (net_config_format()) and writes interfaces.new (0644, atomically). */
int net_files_save_pending(NetConfig *c, char **reterr);
/* Writes text, already rendered, as interfaces.new (0644, atomically). */
int net_files_write_pending(const char *text, char **reterr);

/*
 * The pending changes as upstream shows them: "diff -b -N -u" of interfaces
 * and interfaces.new, labelled with the product paths. *ret is NULL when
 * there is no interfaces.new or no difference.
 */
int net_files_pending_changes(char **ret);

/*
 * Reads a file below PVE_ROOT (given by its product path); *ret is NULL when
 * it does not exist. Errors name the file.
 */
int net_files_read_optional(const char *file, char **ret, char **reterr);

/* Removes interfaces.new; 0 also when there was none. */
int net_files_revert(void);
