/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "alloc.h"
#include "fileio.h"
#include "lockfile.h"
#include "strbuf.h"

#define READ_FULL_DEFAULT_MAX ((size_t) 64 * 1024 * 1024)

int loop_write(int fd, const void *data, size_t len) {
        const char *p = data;

        while (len > 0) {
                ssize_t n = write(fd, p, len);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                len -= (size_t) n;
        }
        return 0;
}

int read_full_fd(int fd, size_t max_size, char **ret, size_t *ret_len) {
        _cleanup_strbuf_ StrBuf sb = STRBUF_INIT;
        struct stat st;

        if (max_size == 0)
                max_size = READ_FULL_DEFAULT_MAX;
        /* A regular file is read into a buffer of its size (plus room to see the end), not grown piece by piece. */
        if (fstat(fd, &st) >= 0 && S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t) st.st_size <= max_size)
                strbuf_grow(&sb, (size_t) st.st_size + 1);
        for (;;) {
                ssize_t n;

                if (sb.len + 1 >= sb.alloc)
                        strbuf_grow(&sb, 16384);
                n = read(fd, sb.buf + sb.len, sb.alloc - sb.len - 1);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                if (sb.len + (size_t) n > max_size)
                        return -EFBIG;
                strbuf_setlen(&sb, sb.len + (size_t) n);
        }
        *ret = strbuf_detach(&sb, ret_len);
        return 0;
}

int read_full_file(const char *path, size_t max_size, char **ret, size_t *ret_len) {
        _cleanup_close_ int fd = -EBADF;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        return read_full_fd(fd, max_size, ret, ret_len);
}

int read_first_line(const char *path, char **ret) {
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        size_t n = 0;
        ssize_t l;

        f = fopen(path, "re");
        if (!f)
                return -errno;
        l = getline(&line, &n, f);
        if (l < 0) {
                if (ferror(f))
                        return -EIO;
                *ret = xstrdup("");
                return 0;
        }
        if (l > 0 && line[l - 1] == '\n')
                line[l - 1] = 0;
        *ret = TAKE_PTR(line);
        return 0;
}

int read_last_line(const char *path, char **ret) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_strbuf_ StrBuf tail = STRBUF_INIT;
        struct stat st;
        off_t pos;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;

        /* Read blocks from the end until the buffer holds a complete last line. */
        pos = st.st_size;
        for (;;) {
                char block[4096];
                size_t want = (size_t) MIN((off_t) sizeof(block), pos);
                ssize_t n;
                char *nl;
                size_t end;

                if (want > 0) {
                        pos -= (off_t) want;
                        n = pread(fd, block, want, pos);
                        if (n < 0)
                                return -errno;
                        if ((size_t) n != want)
                                return -EIO;
                        strbuf_insert(&tail, 0, block, want);
                }

                end = tail.len;
                while (end > 0 && tail.buf[end - 1] == '\n')
                        end--;
                nl = end > 0 ? memrchr(tail.buf, '\n', end) : NULL;
                if (nl || pos == 0) {
                        size_t start = nl ? (size_t) (nl - tail.buf) + 1 : 0;

                        *ret = xstrndup(tail.buf + start, end - start);
                        return 0;
                }
                if (tail.len > 1024 * 1024)
                        return -E2BIG;
        }
}

bool file_exists(const char *path) {
        return access(path, F_OK) >= 0;
}

bool dir_exists(const char *path) {
        struct stat st;

        return stat(path, &st) >= 0 && S_ISDIR(st.st_mode);
}

int mkdir_p(const char *path, mode_t mode) {
        _cleanup_free_ char *p = xstrdup(path);

        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = 0;
                if (mkdir(p, mode) < 0 && errno != EEXIST)
                        return -errno;
                *s = '/';
        }
        if (mkdir(p, mode) < 0 && errno != EEXIST)
                return -errno;
        return dir_exists(p) ? 0 : -ENOTDIR;
}

int mkdir_parents(const char *path, mode_t mode) {
        _cleanup_free_ char *p = xstrdup(path);
        char *slash = strrchr(p, '/');

        if (!slash || slash == p)
                return 0;
        *slash = 0;
        return mkdir_p(p, mode);
}

static bool file_has_content(const char *path, const void *data, size_t len) {
        _cleanup_free_ char *old = NULL;
        size_t old_len;

        if (read_full_file(path, len + 1, &old, &old_len) < 0)
                return false;
        return old_len == len && memcmp(old, data, len) == 0;
}

/* A name no upstream tool reads: ".#<base>.<16 hex digits>". */
static char *temp_name_for(const char *path) {
        _cleanup_free_ char *copy = xstrdup(path);
        _cleanup_free_ char *copy2 = xstrdup(path);
        uint64_t rnd = 0;

        if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
                rnd = (uint64_t) now(CLOCK_MONOTONIC) ^ ((uint64_t) getpid() << 32);
        return xasprintf("%s/.#%s.%016llx", dirname(copy), basename(copy2), (unsigned long long) rnd);
}

/* Opens an unnamed file in dir; falls back to a named temporary file. */
static int open_temp(const char *dir, const char *path, mode_t mode, char **ret_named) {
        int fd;

        fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
        if (fd >= 0) {
                *ret_named = NULL;
                return fd;
        }
        if (!IN_SET(errno, EOPNOTSUPP, EISDIR, EINVAL))
                return -errno;

        for (int attempt = 0; attempt < 16; attempt++) {
                _cleanup_free_ char *tmp = temp_name_for(path);

                fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
                if (fd >= 0) {
                        *ret_named = TAKE_PTR(tmp);
                        return fd;
                }
                if (errno != EEXIST)
                        return -errno;
        }
        return -EEXIST;
}

/* Gives an O_TMPFILE descriptor a (temporary) name. */
static int link_tmpfile(int fd, const char *path, char **ret_named) {
        char proc[STRLEN("/proc/self/fd/") + DECIMAL_STR_MAX(int)];

        snprintf(proc, sizeof(proc), "/proc/self/fd/%i", fd);
        for (int attempt = 0; attempt < 16; attempt++) {
                _cleanup_free_ char *tmp = temp_name_for(path);

                if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) >= 0) {
                        *ret_named = TAKE_PTR(tmp);
                        return 0;
                }
                if (errno != EEXIST)
                        return -errno;
        }
        return -EEXIST;
}

int write_file_atomic(const char *path, const void *data, size_t len, const WriteOptions *opts) {
        _cleanup_free_ char *dir_copy = xstrdup(path), *named = NULL;
        _cleanup_close_ int fd = -EBADF, dfd = -EBADF;
        const char *dir;
        struct stat old;
        bool have_old;
        int r;

        dir = dirname(dir_copy);
        if (opts->flags & WRITE_MKDIR) {
                r = mkdir_p(dir, 0755);
                if (r < 0)
                        return r;
        }
        if ((opts->flags & WRITE_SKIP_SAME) && file_has_content(path, data, len))
                return 1;
        have_old = stat(path, &old) >= 0;

        fd = open_temp(dir, path, opts->mode & 07777, &named);
        if (fd < 0)
                return fd;

        r = loop_write(fd, data, len);
        if (r < 0)
                goto fail;
        if (fchmod(fd, opts->mode & 07777) < 0) {
                r = -errno;
                goto fail;
        }
        if ((opts->flags & WRITE_KEEP_OWNER) && have_old) {
                if (fchown(fd, old.st_uid, old.st_gid) < 0) {
                        r = -errno;
                        goto fail;
                }
        } else if (opts->gid != (gid_t) -1 && fchown(fd, (uid_t) -1, opts->gid) < 0) {
                r = -errno;
                goto fail;
        }
        if (fsync(fd) < 0) {
                r = -errno;
                goto fail;
        }
        if (!named) {
                r = link_tmpfile(fd, path, &named);
                if (r < 0)
                        return r;
        }
        if (rename(named, path) < 0) {
                r = -errno;
                goto fail;
        }
        named = mfree(named);

        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0)
                (void) fsync(dfd);
        return 0;

fail:
        if (named)
                (void) unlink(named);
        return r;
}

int write_file_atomic_locked(const char *path, const char *lock_path, usec_t timeout,
                             const void *data, size_t len, const WriteOptions *opts) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        int r;

        r = lock_file_acquire(lock_path, timeout, &lock);
        if (r < 0)
                return r;
        return write_file_atomic(path, data, len, opts);
}
