/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Advisory per-file locks with a timeout.
 *
 * A lock is flock(LOCK_EX) on a separate lock file (created if missing,
 * never removed), as upstream locks /var/lock/pvenode.lock or
 * /etc/network/.interfaces.lock. The kernel drops the lock when the holder
 * dies, so a SIGKILLed writer never leaves a stale lock behind.
 */

#include "macro.h"
#include "time-util.h"

typedef struct LockFile {
        int fd;
        char *path;
} LockFile;

#define LOCK_FILE_INIT { .fd = -EBADF, .path = NULL }

/* Default timeout of upstream's lock_file(): 10 seconds. */
#define LOCK_TIMEOUT_DEFAULT (10 * USEC_PER_SEC)

/*
 * Takes an exclusive lock on lock_path, waiting up to timeout
 * (0: try once). Creates missing parent directories. Returns -ETIMEDOUT
 * when the lock stays busy.
 */
int lock_file_acquire(const char *lock_path, usec_t timeout, LockFile *ret);
/* Releases the lock; safe on an unlocked LockFile. */
void lock_file_release(LockFile *l);
