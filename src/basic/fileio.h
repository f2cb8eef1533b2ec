/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/*
 * Reading whole files and replacing them atomically.
 *
 * write_file_atomic() never leaves a half-written file: it writes an
 * unnamed file in the target's directory (O_TMPFILE; a hidden
 * ".#<name>.<random>" file where the filesystem lacks O_TMPFILE), fsyncs
 * it, gives it a temporary name, renames it over the target and fsyncs the
 * directory. A SIGKILL at any point leaves the old or the new content under
 * the target name. Temporary names never match what upstream tools read
 * (config, *.conf, *.cfg, *.pem, *.key).
 *
 * Atomic replacement alone does not serialise writers: a read-modify-write
 * cycle must hold the file's lock (lockfile.h) from the read to the rename;
 * write_file_atomic_locked() does both for a plain replacement.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "time-util.h"

typedef enum WriteFlags {
        WRITE_MKDIR = 1 << 0,      /* create missing parent directories (0755) */
        WRITE_SKIP_SAME = 1 << 1,  /* do nothing when the file already has this content */
        WRITE_KEEP_OWNER = 1 << 2, /* give the new file the owner and group of the old one */
} WriteFlags;

typedef struct WriteOptions {
        mode_t mode;   /* permission bits of the new file, not masked by umask */
        gid_t gid;     /* group of the new file; (gid_t) -1 keeps the default */
        WriteFlags flags;
} WriteOptions;

#define WRITE_OPTIONS(m, f) ((WriteOptions) { .mode = (m), .gid = (gid_t) -1, .flags = (f) })

/*
 * Reads a whole file into a NUL-terminated malloc'd buffer. Fails with
 * -EFBIG when the file is larger than max_size (0: 64 MiB). ret_len may be NULL.
 */
int read_full_file(const char *path, size_t max_size, char **ret, size_t *ret_len);
int read_full_fd(int fd, size_t max_size, char **ret, size_t *ret_len);
/* Reads the first line, without its newline. */
int read_first_line(const char *path, char **ret);
/* Reads the last non-empty line (a trailing newline is ignored), reading backwards. */
int read_last_line(const char *path, char **ret);

/*
 * Replaces path with data. Returns 0 when written, 1 when WRITE_SKIP_SAME
 * found the same content and nothing was written, negative errno on failure.
 */
int write_file_atomic(const char *path, const void *data, size_t len, const WriteOptions *opts);
/* Takes lock_path (lockfile.h) for the duration of the write. */
int write_file_atomic_locked(const char *path, const char *lock_path, usec_t timeout,
                             const void *data, size_t len, const WriteOptions *opts);

/* Creates the directory and its parents; existing directories are fine. */
int mkdir_p(const char *path, mode_t mode);
/* Creates the parent directories of path. */
int mkdir_parents(const char *path, mode_t mode);
/* Writes all of data to fd, restarting after short writes. */
int loop_write(int fd, const void *data, size_t len);
bool file_exists(const char *path);
bool dir_exists(const char *path);
