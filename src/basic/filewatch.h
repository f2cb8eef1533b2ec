/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Change detection for files a hot path must notice changes of at once
 * (pveproxy looks at user.cfg on every request): inotify watches on the
 * files' directories, so asking costs one non-blocking read() instead of a
 * stat() with its path walk.
 *
 * file_watch_check() answers "unchanged" only when certain: when no event
 * named a watched file since the previous call. It answers "maybe changed"
 * after such an event, when the kernel dropped events, while a watched
 * directory is missing (it is watched again once it exists), and always
 * where inotify cannot see every change: on FUSE and network file systems
 * (pmxcfs, NFS, SMB) changes made elsewhere raise no event. The caller
 * then compares the file itself, as it would without a watch.
 *
 * Create the watch before the first read of the files, so no change falls
 * between the read and the watch. A file system mounted over a watched
 * directory later is not noticed. Not thread-safe: callers serialise.
 */

#include <stdbool.h>

typedef struct FileWatch FileWatch;

/* Watches the files (absolute paths, NULL-terminated). Never fails: without inotify every check says "changed". */
FileWatch *file_watch_new(const char *const *paths);
/* True when a watched file may have changed since the previous call (or since file_watch_new()). */
bool file_watch_check(FileWatch *w);
FileWatch *file_watch_free(FileWatch *w);
