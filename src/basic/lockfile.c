/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <fcntl.h>
#include <sys/file.h>

#include "alloc.h"
#include "fileio.h"
#include "lockfile.h"

int lock_file_acquire(const char *lock_path, usec_t timeout, LockFile *ret) {
        _cleanup_close_ int fd = -EBADF;
        usec_t deadline, delay = 1000;
        int r;

        r = mkdir_parents(lock_path, 0755);
        if (r < 0)
                return r;
        fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
        if (fd < 0)
                return -errno;

        deadline = now(CLOCK_MONOTONIC) + timeout;
        for (;;) {
                usec_t t;

                if (flock(fd, LOCK_EX | LOCK_NB) >= 0)
                        break;
                if (errno != EWOULDBLOCK && errno != EINTR)
                        return -errno;
                t = now(CLOCK_MONOTONIC);
                if (t >= deadline)
                        return -ETIMEDOUT;
                /* Back off from 1 ms to 50 ms between attempts. */
                sleep_usec(MIN(delay, deadline - t));
                delay = MIN(delay * 2, 50 * USEC_PER_MSEC);
        }

        ret->fd = TAKE_FD(fd);
        ret->path = xstrdup(lock_path);
        return 0;
}

void lock_file_release(LockFile *l) {
        l->fd = safe_close(l->fd);
        l->path = mfree(l->path);
}
